"""The pack's chart pages: S-curves, drivers, mitigations, frontier, contingency, schedule."""

from __future__ import annotations

from matplotlib.figure import Figure

from .. import plot
from .._format import money, short
from ..analysis import Contingency, Drivers, Frontier, Ranking
from ..analysis import columns as C
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from .layout import draw_table, has_delay, page

__all__ = ["contingency_page", "curves_page", "drivers_page", "frontier_page", "mitigation_page",
           "schedule_page"]


def curves_page(res: SimulationResult, after: SimulationResult, cur: str | None,
            footer: str) -> Figure:
    both = {"current (unmitigated)": res, "all mitigations funded": after}
    if not has_delay(res):
        fig = page("How likely is the cost?", footer)
        axes = fig.subplots(1, 2)
        plot.s_curve(both, "cost", ax=axes[0], currency=cur, title="Cost S-curve")
        plot.contingency_waterfall(res, "cost", ax=axes[1], currency=cur,
                                   title="Cost")
        return fig
    fig = page("How likely are the cost and the " + ("finish" if res.has_schedule
                                                        else "delay") + "?", footer)
    axes = fig.subplots(2, 2, height_ratios=[1.4, 1])
    plot.s_curve(both, "cost", ax=axes[0, 0], currency=cur, title="Cost S-curve")
    plot.s_curve(both, "schedule", ax=axes[0, 1],
                 title="Finish S-curve" if res.has_schedule else "Delay S-curve")
    plot.contingency_waterfall(res, "cost", ax=axes[1, 0], currency=cur,
                               title="Cost")
    plot.contingency_waterfall(res, "schedule", ax=axes[1, 1], title="Schedule")
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


def mitigation_page(ranking: Ranking, register: RiskRegister, cur: str | None,
                     footer: str) -> Figure:
    fig = page("Which mitigations are worth paying for?", footer)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1])
    plot.mitigation_ranking(ranking, ax=fig.add_subplot(grid[:, 0]), currency=cur)
    plot.heat_map(register, ax=fig.add_subplot(grid[0, 1]), currency=cur,
                  title="Heat map before mitigation")
    ref = max((r.cost.mean for r in register.active_risks if r.cost is not None), default=1.0)
    bands = plot.impact_bands_for(ref)  # the same bands before and after
    plot.heat_map(register, ax=fig.add_subplot(grid[1, 1]), scenario="mitigated",
                  impact_bands=bands, currency=cur, title="Heat map after mitigation")
    return fig


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
        rows.append([str(rid), short(cost.at[rid, "title"] or "", 44),
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
    ax.set_title("By kind: the Shapley value over estimate ranges and risk events. Each "
                 "risk's part: its mean effect near the P80, scaled to add up (method page)",
                 fontsize=8, loc="left")
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
        finish = f"{rec[frontier.finish_column]:,.1f} d"
        if res.start is not None:
            finish += f" ({res.calendar.finish_date(res.start, rec[frontier.finish_column])})"
        funded = len(frontier.sets[int(rec["step"])])
        rows.append([str(rec["step"]), short(rec["added"] or "(none)", 24),
                     str(funded), money(rec[C.MITIGATION_COST], cur),
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
