"""The cover and the executive summary of the pack."""

from __future__ import annotations

import datetime as _dt
import textwrap

import numpy as np
from matplotlib.figure import Figure

from .._format import compact, money, short
from .._version import __version__
from ..analysis import Drivers, Ranking
from ..analysis import columns as C
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from .layout import INK, date_or_days, draw_table, has_delay, page

__all__ = ["cover", "summary_page"]


def cover(name: str, register: RiskRegister, schedule: Schedule | None,
           res: SimulationResult, when: _dt.datetime) -> Figure:
    fig = page()
    fig.text(0.06, 0.70, textwrap.fill(name, 50), fontsize=28, fontweight="bold",
             color=INK, va="top")
    lines = [
        f"Risk register: {register.source} ({len(res.risk_ids)} active risks"
        + (f", {len(res.excluded)} closed" if res.excluded else "") + ")",
    ]
    if schedule is not None:
        lines.append(f"Schedule: {schedule.source} ({len(schedule)} activities, "
                     f"{len(schedule.links)} links)")
    lines += [
        f"Date: {when:%d %B %Y}",
        f"Monte Carlo: {res.iterations:,} iterations, "
        f"{'Latin hypercube' if res.sampling == 'lhs' else 'random'} sampling, seed {res.seed}",
        f"Produced with riskkit {__version__}",
    ]
    fig.text(0.06, 0.42, "\n".join(lines), fontsize=13, va="top", color="0.25",
             linespacing=1.8)
    fig.text(0.06, 0.08, "For the steering committee. Every figure traces back to a "
             "register risk id; the method and assumptions are on the last page.",
             fontsize=10, color="0.4")
    return fig


def summary_page(res: SimulationResult, after: SimulationResult, drivers: Drivers,
             ranking: Ranking | None, cur: str | None, footer: str) -> Figure:
    fig = page("Executive summary", footer)
    grid = fig.add_gridspec(3, 2, height_ratios=[0.42, 1.05, 0.95])
    sched_label = "finish" if res.has_schedule else "delay"
    p80_cost, base_cost = res.percentile(0.8, "cost"), res.base_cost
    delay = has_delay(res)
    lines = [
        f"Hold {money(res.contingency(0.8, 'cost'), cur)} of cost contingency"
        + (f" and {res.contingency(0.8, 'schedule'):,.0f} working days of schedule "
           f"contingency" if delay else "") + " for 80% confidence.",
    ]
    if res.has_schedule:
        lines.append(
            f"The plan ({money(base_cost, cur)}, {res.base_schedule:,.0f} working days) "
            f"is met with probability {res.probability_within(base_cost, 'cost'):.0%} on cost "
            f"and {res.probability_within(res.base_schedule, 'schedule'):.0%} on time.")
    lines.append(
        f"Funding every mitigation moves the P80 cost to "
        f"{money(after.percentile(0.8, 'cost'), cur)} (mitigation costs included)"
        + (f" and the P80 {sched_label} to {after.percentile(0.8, 'schedule'):,.0f} working "
           f"days" + (f" ({after.finish_date(0.8)})" if after.start is not None else "")
           + "." if delay else "."))
    ax = fig.add_subplot(grid[0, :])
    ax.axis("off")
    bullets = ax.text(0, 1, "\n".join("• " + textwrap.fill(x, 140, subsequent_indent="   ")
                                      for x in lines),
                      fontsize=11, va="top", color=INK, linespacing=1.5,
                      transform=ax.transAxes)
    bullets.set_in_layout(False)  # wrapped to the page: tight_layout need not make room
    ax = fig.add_subplot(grid[1, 0])
    rows = []
    for q in (0.1, 0.5, 0.8, 0.9):
        rows.append([f"P{round(q * 100)}", money(res.percentile(q, "cost"), cur),
                     date_or_days(res, q)])
    rows.append(["base (plan)", money(base_cost, cur),
                 f"{res.base_schedule:,.0f} d" if res.has_schedule else "0 d"])
    rows.append(["contingency at P80", money(p80_cost - base_cost, cur),
                 f"{res.contingency(0.8, 'schedule'):,.0f} d"])
    rows.append(["P(meeting base)", f"{res.probability_within(base_cost, 'cost'):.0%}",
                 f"{res.probability_within(res.base_schedule, 'schedule'):.0%}"])
    if delay:
        ax.set_title("Cost and " + sched_label, loc="left", fontsize=11, fontweight="bold")
        draw_table(ax, rows, ["", "cost", "duration" if res.has_schedule else "delay"],
               [0.34, 0.3, 0.36])
    else:
        ax.set_title("Cost", loc="left", fontsize=11, fontweight="bold")
        draw_table(ax, [r[:2] for r in rows], ["", "cost"], [0.45, 0.4])
    ax = fig.add_subplot(grid[1, 1])
    label = C.label(drivers.percentile).upper()
    ax.set_title(f"Top five risks: {label} reduction if each were removed", loc="left",
                 fontsize=11, fontweight="bold")
    top = drivers.table.head(5)
    cost_col, delay_col = drivers.reduction_column("cost"), drivers.reduction_column("schedule")
    rows5 = [[r[C.ID], short(r[C.TITLE], 36), compact(r[cost_col], cur),
              f"{r[delay_col]:,.1f} d"] for r in top.to_dict("records")]
    if delay:
        draw_table(ax, rows5, ["id", "risk", "cost", "days"], [0.12, 0.52, 0.18, 0.18])
    else:
        draw_table(ax, [r[:3] for r in rows5], ["id", "risk", "cost"], [0.12, 0.6, 0.22])
    ax = fig.add_subplot(grid[2, :])
    ax.set_title("Top five mitigations by benefit per unit of cost (free ones first)",
                 loc="left", fontsize=11, fontweight="bold")
    if ranking is None or not len(ranking):
        ax.axis("off")
        ax.text(0, 0.9, "The register lists no mitigations.", fontsize=10)
    else:
        rows = []
        for r in ranking.table.head(5).to_dict("records"):
            ratio = r[C.BENEFIT_COST_RATIO]
            rows.append([str(r[C.RANK]), r[C.ID], short(r[C.MITIGATION] or r[C.TITLE], 60),
                         compact(r[C.MITIGATION_COST], cur),  # one format per column
                         compact(r[C.TOTAL_BENEFIT], cur),
                         "free" if not np.isfinite(ratio) else f"{ratio:.1f}",
                         f"{r[C.EXPECTED_DELAY_REDUCTION]:,.1f} d"])
        header = ["rank", "risk", "mitigation", "cost", "benefit", "ratio",
                  "expected days saved"]
        widths = [0.05, 0.07, 0.42, 0.1, 0.11, 0.07, 0.16]
        if not delay:
            rows, header, widths = [r[:-1] for r in rows], header[:-1], widths[:-1]
        draw_table(ax, rows, header, widths)
    return fig
