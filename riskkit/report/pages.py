"""The pack's chart pages: S-curves, drivers, mitigations, frontier, contingency, schedule."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import plot
from .._format import compact, money
from .._format import ratio as ratio_text
from ..analysis import Contingency, Drivers, Frontier, Ranking
from ..analysis import columns as C
from ..model import RiskRegister, Schedule
from ..phasing import CashFlow
from ..plot.style import date_text
from ..result import SimulationResult
from .layout import draw_table, has_delay, page

__all__ = ["cash_flow_page", "contingency_page", "curves_page", "drivers_page",
           "frontier_page", "heat_pages", "milestones_page", "mitigation_page",
           "schedule_page", "sensitivity_page"]


def curves_page(res: SimulationResult, after: SimulationResult, cur: str | None,
                footer: str, waterfalls: bool = True) -> Figure:
    """The S-curves before and after mitigation, each with its P-values marked (the
    finish in dates when the start is known); below them the contingency waterfalls
    unless the pack has a contingency page (``waterfalls=False``)."""
    both = {"current (unmitigated)": res, "all mitigations funded": after}
    delay = has_delay(res)
    what = ("cost and the " + ("finish" if res.has_schedule else "delay")) if delay else "cost"
    fig = page(f"How likely {'are' if delay else 'is'} the {what}?", footer)
    metrics = ["cost", "schedule"] if delay else ["cost"]
    axes = fig.subplots(2 if waterfalls else 1, len(metrics), squeeze=False,
                        height_ratios=[1.4, 1] if waterfalls else None)
    for j, metric in enumerate(metrics):
        plot.s_curve(both, metric, ax=axes[0, j], currency=cur if metric == "cost" else None,
                     title="Cost S-curve" if metric == "cost" else
                     "Finish S-curve" if res.has_schedule else "Delay S-curve")
        if waterfalls:
            plot.contingency_waterfall(res, metric, ax=axes[1, j],
                                       currency=cur if metric == "cost" else None,
                                       title="Cost" if metric == "cost" else "Schedule")
    return fig


def drivers_page(drivers: Drivers, res: SimulationResult, cur: str | None,
                  footer: str) -> Figure:
    fig = page("Which risks drive the outcome?", footer)
    label = C.label(drivers.percentile).upper()
    if not has_delay(res):
        plot.tornado(drivers, "cost", ax=fig.add_subplot(), currency=cur, top=15,
                     title=f"{label} cost: effect of each risk")
        return fig
    axes = fig.subplots(1, 2)
    plot.tornado(drivers, "cost", ax=axes[0], currency=cur, top=12,
                 title=f"{label} cost: effect of each risk")
    plot.tornado(drivers, "schedule", ax=axes[1], top=12,
                 title=f"{label} " + ("finish" if res.has_schedule else "delay")
                 + ": effect of each risk")
    return fig


def mitigation_page(ranking: Ranking, cur: str | None, footer: str) -> Figure:
    """Benefit against cost per mitigation, beside the ranking's first rows."""
    fig = page("Which mitigations are worth paying for?", footer)
    grid = fig.add_gridspec(1, 2, width_ratios=[1.15, 1])
    plot.mitigation_ranking(ranking, ax=fig.add_subplot(grid[0, 0]), currency=cur)
    ax = fig.add_subplot(grid[0, 1])
    table = ranking.table
    rows = []
    for r in table.head(14).to_dict("records"):
        ratio = r[C.BENEFIT_COST_RATIO]
        rows.append([str(r[C.RANK]), r[C.ID], r[C.MITIGATION] or r[C.TITLE] or "",
                     compact(r[C.MITIGATION_COST], cur), compact(r[C.TOTAL_BENEFIT], cur),
                     compact(r[C.NET_BENEFIT], cur),
                     "free" if not np.isfinite(ratio) else ratio_text(ratio, 1)])
    draw_table(ax, rows, ["rank", "risk", "mitigation", "cost", "benefit", "net", "ratio"],
               [0.08, 0.1, 0.37, 0.1, 0.13, 0.12, 0.1], fontsize=7.5)
    more = len(table) - len(rows)
    ax.set_title("Best value for money first, each on its own"
                 + (f" ({more} more in the ranking)" if more > 0 else ""), loc="left",
                 fontsize=9)
    return fig


def heat_pages(register: RiskRegister, cur: str | None, footer: str) -> list[Figure]:
    """The heat maps: with cost and schedule impacts, a page before mitigation and one
    after, each with the schedule map beside the cost one; with one kind of impact, a
    page with its map before and after. Before and after share their bands."""
    metrics = [m for m in ("cost", "schedule") if any(
        getattr(r.exposure(s), m) is not None for r in register.active_risks
        for s in ("current", "mitigated"))]
    if not metrics:
        return []
    bands = {m: plot.impact_bands_of(register, m) for m in metrics}
    title = "Where are the threats and opportunities?"
    panels: list[tuple[str, list[tuple[str, str]]]]
    if len(metrics) == 2:
        panels = [(f"{title} Before mitigation", [("cost", "current"), ("schedule", "current")]),
                  (f"{title} After mitigation",
                   [("cost", "mitigated"), ("schedule", "mitigated")])]
    else:
        panels = [(title, [(metrics[0], "current"), (metrics[0], "mitigated")])]
    pages = []
    for heading, maps in panels:
        fig = page(heading, footer)
        for ax, (metric, scenario) in zip(fig.subplots(1, 2), maps):
            when = "before" if scenario == "current" else "after"
            plot.heat_map(register, ax=ax, metric=metric, scenario=scenario,
                          impact_bands=bands[metric], currency=cur,
                          title=f"{metric.capitalize()} {when} mitigation")
        pages.append(fig)
    return pages


def contingency_page(split: Contingency, res: SimulationResult, cur: str | None,
                      footer: str) -> Figure:
    fig = page("What is the contingency for?", footer)
    grid = fig.add_gridspec(2, 2, height_ratios=[1.3, 1])
    plot.contingency_split(split, "cost", ax=fig.add_subplot(grid[0, 0]), currency=cur)
    if res.has_schedule or split.schedule.contingency:
        plot.contingency_split(split, "schedule", ax=fig.add_subplot(grid[0, 1]),
                               title=f"{'Schedule' if res.has_schedule else 'Delay'} "
                                     f"contingency at P{round(100 * split.cost.percentile)}: "
                                     f"{split.schedule.contingency:,.1f} d")
    cost = split.cost.table.set_index("id")
    sched = split.schedule.table.set_index("id")["allocation"]
    rows = [["estimate uncertainty", "(activity ranges)", money(split.cost.estimate, cur),
             f"{split.schedule.estimate:,.1f} d"]]
    for rid in cost.index[:8]:
        rows.append([str(rid), cost.at[rid, "title"] or "",
                     money(cost.at[rid, "allocation"], cur),
                     f"{round(float(sched.get(rid, 0.0)), 1) + 0.0:,.1f} d"])
    others = cost.index[8:]
    if len(others):
        rows.append([f"{len(others)} other risks", "",
                     money(float(cost["allocation"].iloc[8:].sum()), cur),
                     f"{float(sched.reindex(others).fillna(0).sum()):,.1f} d"])
    rows.append(["contingency", "", money(split.cost.contingency, cur),
                 f"{split.schedule.contingency:,.1f} d"])
    ax = fig.add_subplot(grid[1, :])
    draw_table(ax, rows, ["part", "risk", "cost", "days"], [0.16, 0.44, 0.14, 0.12], fontsize=8)
    ax.set_title("The contingency split between the plan's own ranges (estimate uncertainty) "
                 "and the register's risks; each risk's part is its effect near the P80, "
                 "scaled to add up (method page)", fontsize=8, loc="left")
    return fig


def frontier_page(frontier: Frontier, res: SimulationResult, cur: str | None,
                   footer: str) -> Figure:
    fig = page("What does mitigation spend buy?", footer)
    grid = fig.add_gridspec(2, 2, height_ratios=[1.25, 1])
    plot.frontier(frontier, "cost", ax=fig.add_subplot(grid[0, 0]), currency=cur,
                  title=f"{frontier.cost_column[:3].upper()} cost, spend included")
    if res.has_schedule or frontier.table[frontier.finish_column].any():
        plot.frontier(frontier, "schedule", ax=fig.add_subplot(grid[0, 1]), currency=cur,
                      title=f"{frontier.finish_column[:3].upper()} "
                            + ("finish" if res.has_schedule else "total delay"))
    table = frontier.table
    shown = table[table["efficient"]]
    if len(shown) > 9:  # the first, the last and evenly spaced efficient points between
        keep = sorted({round(k * (len(shown) - 1) / 8) for k in range(9)})
        shown = shown.iloc[keep]
    p = frontier.cost_column[:3].upper()
    rows = []
    for rec in shown.to_dict("records"):
        days = rec[frontier.finish_column]
        finish = f"{days:,.1f} d"
        if res.start is not None:
            finish += f" ({date_text(res.calendar.finish_date(res.start, days))})"
        funded = len(frontier.sets[int(rec["step"])])
        rows.append([str(rec["step"]), rec["added"] or "(none)",
                     str(funded), compact(rec[C.MITIGATION_COST], cur),
                     money(rec[frontier.cost_column], cur), finish,
                     money(rec[C.NET_BENEFIT], cur)])
    ax = fig.add_subplot(grid[1, :])
    draw_table(ax, rows, ["step", "adds", "funded", "spend", f"{p} cost (spend incl.)",
                      f"{p} finish", "net value"], [0.06, 0.22, 0.08, 0.12, 0.17, 0.2, 0.13],
           fontsize=8)
    ax.set_title("Efficient points: each step funds the mitigation that buys the most "
                 f"{p} reduction per unit of spend, with those before it (simulated "
                 "together)", fontsize=9, loc="left")
    return fig


def schedule_page(res: SimulationResult, schedule: Schedule | None, cur: str | None,
                   footer: str) -> Figure:
    fig = page("Schedule: joint confidence and critical activities", footer)
    axes = fig.subplots(1, 2, width_ratios=[1.15, 1])
    plot.joint_confidence(res, ax=axes[0], currency=cur)
    milestones = list(schedule.milestones) if schedule is not None else []
    plot.criticality(res, ax=axes[1], top=18, skip=milestones,
                     skip_reason="milestones, not shown")
    return fig


def sensitivity_page(res: SimulationResult, footer: str) -> Figure:
    """Which activities move the finish: the tornadoes of duration sensitivity and of
    cruciality (criticality x sensitivity)."""
    fig = page("Schedule: which activities move the finish?", footer)
    axes = fig.subplots(1, 2)
    plot.activity_sensitivity(res, "sensitivity", ax=axes[0], top=15)
    plot.activity_sensitivity(res, "cruciality", ax=axes[1], top=15)
    return fig


def milestones_page(res: SimulationResult, after: SimulationResult, footer: str,
                    top: int = 14) -> Figure:
    """When the milestones and the project finish: their P10-P90 range beside a table of
    the plan's date, P50, P80, the target (a constraint, the baseline, the
    must-finish-by date) and the chance of meeting it now and with every mitigation
    funded; with more than ``top``, those least likely to be met."""
    fig = page("Milestones and deadlines: will they be met?", footer)
    n = min(top, len(res.key_activities))
    grid = fig.add_gridspec(2, 1, height_ratios=[0.6 + 0.12 * n, 1])
    plot.milestone_dates(res, ax=fig.add_subplot(grid[0, 0]), top=top)
    dated = res.start is not None

    def when(days: float, day: object) -> str:
        return date_text(day) if dated else f"{days:,.1f} d"

    def chance(p: float | None) -> str:
        return "-" if p is None or p != p else f"{p:.0%}"

    rows = []
    if dated:
        f, g = res.finish_summary(), after.finish_summary()
        rows.append(["finish", "Project finish", date_text(f.base), date_text(f.p50),
                     date_text(f.p80), date_text(f.deadline) if f.deadline is not None
                     else "-", "must finish by" if f.deadline is not None else "",
                     chance(f.p_meet), chance(g.p_meet)])
    table = res.milestone_table(most=top)
    later = after.milestone_table().set_index("id")["p_meet"]
    for r in table.to_dict("records"):
        rows.append([r["id"], r["name"], when(r["base"], r["base_date"]),
                     when(r["p50"], r["p50_date"]), when(r["p80"], r["p80_date"]),
                     date_text(r["target"]) if r["target"] == r["target"] else "-",
                     r["target_source"] if isinstance(r["target_source"], str) else "",
                     chance(r["p_meet"]),
                     chance(float(later.get(r["id"], np.nan)))])
    ax = fig.add_subplot(grid[1, 0])
    draw_table(ax, rows, ["id", "name", "plan", "P50", "P80", "target", "from", "P(meet)",
                          "mitigated"], [0.1, 0.27, 0.09, 0.09, 0.09, 0.09, 0.1, 0.07, 0.08],
               fontsize=7.5)
    more = len(res.key_activities) - len(table)
    ax.set_title("The chance of finishing on or before the target, now and with every "
                 "mitigation funded" + (f" ({more} more, more likely met, in the JSON)"
                                        if more > 0 else "")
                 + "; a risk on no activity delays the project finish, not the milestones",
                 loc="left", fontsize=8)
    return fig


def cash_flow_page(flow: CashFlow, escalated: CashFlow | None, cur: str | None,
                   footer: str, rows: int = 10) -> Figure:
    """When the money is spent: the cumulative spend by month (P50 in the P10-P90 band,
    escalated when asked), above a table of the cumulative spend by quarter."""
    fig = page("Cost over time: how much will have been spent by when?", footer)
    grid = fig.add_gridspec(2, 1, height_ratios=[1.6, 1])
    plot.cash_flow(flow, ax=fig.add_subplot(grid[0, 0]), escalated=escalated, currency=cur)
    quarters = flow.by("Q")
    later = escalated.by("Q") if escalated is not None else None
    table = []
    for i, r in enumerate(quarters.table.to_dict("records")[:rows]):
        line = [str(r["period"]), money(r["p50"], cur), money(r["cumulative_p10"], cur),
                money(r["cumulative_p50"], cur), money(r["cumulative_p90"], cur)]
        if later is not None:
            e = later.table.iloc[i]
            line += [money(e["cumulative_p50"], cur), money(e["cumulative_p90"], cur)]
        table.append(line)
    header = ["quarter", "spend P50", "to date P10", "to date P50", "to date P90"]
    widths = [0.22, 0.13, 0.13, 0.13, 0.13]
    if later is not None:
        header += ["escalated P50", "escalated P90"]
        widths = [0.2, 0.11, 0.11, 0.11, 0.11, 0.12, 0.12]
    ax = fig.add_subplot(grid[1, 0])
    draw_table(ax, table, header, widths, fontsize=8)
    more = len(quarters.table) - min(rows, len(quarters.table))
    ax.set_title("Each activity's cost is spread over its sampled dates, each risk's cost "
                 "falls at the finish of the activity it hits (over the project when it hits "
                 "none).\nPercentiles of the spend to date, not sums of the quarters'"
                 + (f"; {more} later quarters not shown" if more > 0 else "")
                 + (f"; {escalated.escalation.label} from the start's month"
                    if escalated is not None and escalated.escalation is not None else "")
                 + ".", loc="left", fontsize=8)
    return fig

