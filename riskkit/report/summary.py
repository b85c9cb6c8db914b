"""The cover and the executive summary of the pack."""

from __future__ import annotations

import datetime as _dt

import numpy as np
from matplotlib.figure import Figure

from .._format import compact, money, plural
from .._version import __version__
from ..analysis import Drivers, Ranking
from ..analysis import columns as C
from ..model import RiskRegister, Schedule
from ..plot.style import date_text
from ..result import SimulationResult
from .facts import calendar_text, plan_finish, scale_text, start_text
from .layout import (
    A4_LANDSCAPE,
    BOTTOM,
    INK,
    LEFT,
    Block,
    date_or_days,
    draw_table,
    fit_lines,
    has_delay,
    page,
    stack,
)
from .meaning import outcomes, share

__all__ = ["cover", "summary_page"]


def cover(name: str, register: RiskRegister, schedule: Schedule | None,
          res: SimulationResult, when: _dt.datetime, currency: str | None = None) -> Figure:
    """The title and what the analysis read and assumed: its files, the start, the
    calendar, the scale, the currency and the run. Long names wrap to the page; the
    type gets smaller until everything fits above the note at the foot."""
    fig = page()
    closed = f", {len(res.excluded)} closed" if res.excluded else ""
    drivers = sum(r.is_driver for r in register.modelled_risks(schedule))
    driven = f", {plural(drivers, 'risk driver')}" if drivers else ""
    facts = [f"Risk register: {register.source} ({plural(len(res.risk_ids), 'active risk')}"
             f"{driven}{closed})"]
    if schedule is not None:
        facts.append(f"Schedule: {schedule.source} ({plural(len(schedule), 'activity')}"
                     .replace("activitys", "activities")
                     + f", {plural(len(schedule.links), 'link')})")
    else:
        facts.append("Schedule: none (the risks' cost and delay only)")
    facts += [
        f"Start: {start_text(res)}",
        f"Calendar: {calendar_text(res)}; durations in working days",
        f"Scale: {scale_text(register)}",
        f"Amounts: {_currency_text(register, currency)}",
        f"Date: {when.day} {when:%B %Y}",
        f"Monte Carlo: {res.iterations:,} iterations, "
        f"{'Latin hypercube' if res.sampling == 'lhs' else 'random'} sampling, seed {res.seed}",
        f"Produced with riskkit {__version__}",
    ]
    note = Block("For the steering committee. Every figure traces back to a register risk "
                 "id; the method and assumptions are on the last pages.", size=10,
                 color="0.4")
    stack(fig, [note], 0.1, BOTTOM)
    for scale in (1.0, 0.85, 0.72, 0.6, 0.5):
        blocks = [Block(name, size=28 * scale, bold=True)]
        blocks += [Block(f, size=13 * scale, color="0.25", before=(36 if i == 0 else 7) * scale)
                   for i, f in enumerate(facts)]
        if stack(fig, blocks, 0.82, 0.11):
            break
    return fig


def _currency_text(register: RiskRegister, currency: str | None) -> str:
    code = register.currency
    shown = (currency or "").strip()
    if code and shown and shown != code:
        return f"{code} as written in the register, shown as {shown}; not converted"
    if code or shown:
        return f"{code or shown} as written in the register; not converted"
    return "as written in the register (no currency given); not converted"


def summary_page(res: SimulationResult, after: SimulationResult, drivers: Drivers,
                 ranking: Ranking | None, cur: str | None, footer: str,
                 warning: str | None = None) -> Figure:
    """Contingency and the plan's chances in a few sentences, the P10–P90 table, the
    top five risks and the top five mitigations."""
    fig = page("Executive summary", footer)
    sched_label = "finish" if res.has_schedule else "delay"
    p80_cost, base_cost = res.percentile(0.8, "cost"), res.base_cost
    delay = has_delay(res)
    n = res.iterations
    when = (f" and a finish by {date_text(res.finish_date(0.8))}"
            if res.has_schedule and res.start is not None else "")
    budget = f": a budget of {money(p80_cost, cur)}{when}" if res.has_schedule else ""
    lines = [
        f"Hold {money(res.contingency(0.8, 'cost'), cur)} of cost contingency"
        + (f" and {res.contingency(0.8, 'schedule'):,.0f} working days of schedule "
           f"contingency" if delay else "") + f" for 80% confidence{budget}.",
    ]
    if res.has_schedule:
        finish = "" if res.start is None else f", finishing {plan_finish(res)}"
        lines.append(
            f"The plan ({money(base_cost, cur)}, {res.base_schedule:,.0f} working days"
            f"{finish}) is met on cost {outcomes(res.probability_within(base_cost, 'cost'), n)}"
            f" and on time {outcomes(res.probability_within(res.base_schedule, 'schedule'), n)}"
            ": a plan without risks is a target, not a forecast (see What the results mean).")
    if ranking is not None and len(ranking):
        lines.append(
            f"Funding every mitigation moves the P80 cost to "
            f"{money(after.percentile(0.8, 'cost'), cur)} (mitigation costs included)"
            + (f" and the P80 {sched_label} to {after.percentile(0.8, 'schedule'):,.0f} "
               f"working days" + (f" ({date_text(after.finish_date(0.8))})"
                                  if after.start is not None else "") + "."
               if delay else "."))
    else:
        lines.append("The register lists no mitigations: the figures above are what the "
                     "risks as they stand call for.")
    if warning:
        lines.append("Warning: " + warning)
    width = A4_LANDSCAPE[0] * 72 * (1 - 2 * LEFT) - 12
    wrapped = [fit_lines(x, 11, width) for x in lines]
    text = "\n".join("• " + "\n   ".join(w) for w in wrapped)
    tall = sum(len(w) for w in wrapped) * 11 * 1.5 / 72 + 0.25  # inches
    rest = 6.6 - tall  # of the page's height between the title and the footer
    grid = fig.add_gridspec(3, 2, height_ratios=[2.0 * tall / rest, 1.05, 0.95])
    ax = fig.add_subplot(grid[0, :])
    ax.axis("off")
    bullets = ax.text(0, 1, text, fontsize=11, va="top", color=INK, linespacing=1.5,
                      transform=ax.transAxes)
    bullets.set_in_layout(False)  # wrapped to the page: tight_layout need not make room
    ax = fig.add_subplot(grid[1, 0])
    rows = []
    for q in (0.1, 0.5, 0.8, 0.9):
        rows.append([f"P{round(q * 100)}", money(res.percentile(q, "cost"), cur),
                     date_or_days(res, q)])
    base_when = f"  ({plan_finish(res)})" if res.has_schedule and res.start is not None else ""
    rows.append(["base (plan)" if res.has_schedule else "base (no risks)", money(base_cost, cur),
                 f"{res.base_schedule:,.0f} d{base_when}" if res.has_schedule else "0 d"])
    rows.append(["contingency at P80", money(p80_cost - base_cost, cur),
                 f"{res.contingency(0.8, 'schedule'):,.0f} d"])
    rows.append(["outcomes meeting the plan" if res.has_schedule else
                 "outcomes the risks add nothing to",
                 _share(res.probability_within(base_cost, "cost"), n),
                 _share(res.probability_within(res.base_schedule, "schedule"), n)])
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
    rows5 = [[r[C.ID], r[C.TITLE] or "", compact(r[cost_col], cur),
              f"{r[delay_col]:,.1f} d"] for r in top.to_dict("records")]
    if delay:
        draw_table(ax, rows5, ["id", "risk", "cost", "days"], [0.12, 0.58, 0.15, 0.15])
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
            rows.append([str(r[C.RANK]), r[C.ID], r[C.MITIGATION] or r[C.TITLE] or "",
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


def _share(p: float, n: int) -> str:
    k = int(round(p * n))
    return f"{k:,} of {n:,}" + (f" ({share(p)})" if 0 < k < n else "")
