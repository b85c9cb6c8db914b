"""The steering-committee PDF pack: ``write_report``.

Pages are drawn on plain ``matplotlib.figure.Figure`` objects (no pyplot), A4
landscape, and saved through ``PdfPages``. With ``SOURCE_DATE_EPOCH`` set, the date on
the cover and in the metadata comes from it, and identical inputs give identical bytes.
"""

from __future__ import annotations

import datetime as _dt
import os
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from . import plot
from ._format import compact, currency_symbol, money, short
from ._version import __version__
from .analysis import Analysis, Contingency, Drivers, Frontier, Ranking, analyse
from .analysis import columns as C
from .exceptions import InputError, OptionError, Problem
from .model import Risk, RiskRegister, Schedule
from .result import SimulationResult
from .sim import RunOptions

__all__ = ["write_charts", "write_pack", "write_report"]

A4_LANDSCAPE = (11.69, 8.27)
_INK = "#1a1a1a"


def _now() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime.now(tz=_dt.timezone.utc).replace(microsecond=0)


def _page(title: str | None = None, footer: str = "") -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE)
    if title:
        fig.suptitle(title, fontsize=16, fontweight="bold", x=0.02, ha="left", color=_INK)
    if footer:
        fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=7, color="0.4")
    return fig


def _date_or_days(res: SimulationResult, q: float) -> str:
    days = res.percentile(q, "schedule")
    text = f"{days:,.0f} d"
    if res.start is not None:
        text += f"  ({res.finish_date(q)})"
    return text


def _table(ax: Axes, rows: list[list[str]], header: list[str], widths: list[float],
           fontsize: float = 9) -> None:
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, loc="upper left",
                     cellLoc="left", colLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, 1.35)
    for (r, _), cell in table.get_celld().items():
        cell.set_edgecolor("0.85")
        if r == 0:
            cell.set_facecolor("#e8eef4")
            cell.set_text_props(fontweight="bold")


def write_report(
    path: str | os.PathLike[str] | Analysis,
    register: RiskRegister | str | os.PathLike[str] | None = None,
    schedule: Schedule | None = None,
    *,
    title: str | None = None,
    currency: str | None = None,
    options: RunOptions | None = None,
    start: Any = None,
    holidays: Any = None,
    value_per_day: float | None = None,
    **run: Any,
) -> Path:
    """Write the steering-committee PDF pack and return its path.

    Two forms: ``write_report(analysis, path)`` presents the results of
    :func:`riskkit.analyse` (nothing is simulated); ``write_report(path, register,
    schedule, iterations=..., rng=..., ...)`` runs :func:`riskkit.analyse` first, with
    ``options`` or the keyword arguments of :class:`riskkit.RunOptions`, ``start``,
    ``holidays`` and ``value_per_day``.

    Pages: cover; executive summary (P10-P90 cost and finish, contingency at P80, the
    probability of meeting the base cost and date, top five risks, top five mitigations
    by value); cost and schedule S-curves before and after mitigation; contingency;
    risk drivers; mitigation value; heat maps before and after; joint confidence and
    criticality (with a schedule); the top-20 risk table; assumptions and method.

    Examples
    --------
    >>> import riskkit as rk, tempfile, os
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> out = rk.write_report(os.path.join(tempfile.mkdtemp(), "pack.pdf"), reg,
    ...                       iterations=2_000, rng=1)
    >>> out.suffix
    '.pdf'
    """
    if isinstance(path, Analysis):
        if register is None or isinstance(register, RiskRegister):
            raise OptionError("path", register, "the PDF to write, after the analysis")
        return write_pack(path, register, title=title, currency=currency)
    if not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    _check_folder(Path(path))
    analysis = analyse(register, schedule, options=options, start=start, holidays=holidays,
                       value_per_day=value_per_day, **run)
    return write_pack(analysis, path, title=title, currency=currency)


def _check_folder(path: Path) -> None:
    if not path.parent.exists():
        raise InputError(Problem(f"cannot write {path}: folder {path.parent} does not exist"))


def write_pack(analysis: Analysis, path: str | os.PathLike[str], *, title: str | None = None,
               currency: str | None = None) -> Path:
    """Write the pack of ``analysis`` (from :func:`riskkit.analyse`) to ``path``: it
    only draws what the analysis holds."""
    path = Path(path)
    _check_folder(path)
    register, schedule = analysis.register, analysis.schedule
    res, after, drivers, ranking = (analysis.current, analysis.mitigated, analysis.drivers,
                                    analysis.ranking)
    cur = currency if currency is not None else currency_symbol(register.currency)
    name = title or f"Quantitative risk analysis: {Path(register.source).stem.replace('_', ' ')}"
    when = _now()
    footer = (f"{name} · riskkit {__version__} · {res.iterations:,} iterations · "
              f"seed {res.seed}")
    pages: list[Figure] = [
        _cover(name, register, schedule, res, when),
        _summary(res, after, drivers, ranking, cur, footer),
        _curves(res, after, cur, footer),
    ]
    pages.append(_drivers_page(drivers, res, cur, footer))
    if ranking is not None:
        pages.append(_mitigation_page(ranking, register, cur, footer))
    if analysis.frontier is not None:
        pages.append(_frontier_page(analysis.frontier, res, cur, footer))
    if analysis.contingency is not None:
        pages.append(_contingency_page(analysis.contingency, res, cur, footer))
    if schedule is not None:
        pages.append(_schedule_page(res, schedule, cur, footer))
    pages.append(_risk_table(register, drivers, cur, footer))
    pages.append(_method_page(register, schedule, res, cur, footer, analysis.value_per_day))
    metadata = {"Title": name, "Author": "riskkit", "Subject": "Quantitative risk analysis",
                "Creator": f"riskkit {__version__}", "Producer": f"riskkit {__version__}",
                "CreationDate": when, "Keywords": "risk; Monte Carlo; contingency"}
    _save(path, pages, metadata)
    return path


def _save(path: Path, pages: list[Figure], metadata: dict[str, Any]) -> None:
    # tight_layout, not the constrained layout engine: its solver's result can differ in
    # the last digit between processes, and the pack must be byte-for-byte reproducible.
    with PdfPages(path, metadata=metadata) as pdf:
        for fig in pages:
            if fig.axes:
                fig.tight_layout(rect=(0.005, 0.03, 0.995, 0.94), h_pad=1.6, w_pad=2.5)
            pdf.savefig(fig)


def _cover(name: str, register: RiskRegister, schedule: Schedule | None,
           res: SimulationResult, when: _dt.datetime) -> Figure:
    fig = _page()
    fig.text(0.06, 0.70, textwrap.fill(name, 50), fontsize=28, fontweight="bold",
             color=_INK, va="top")
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


def _summary(res: SimulationResult, after: SimulationResult, drivers: Drivers,
             ranking: Ranking | None, cur: str | None, footer: str) -> Figure:
    fig = _page("Executive summary", footer)
    grid = fig.add_gridspec(3, 2, height_ratios=[0.42, 1.05, 0.95])
    sched_label = "finish" if res.has_schedule else "delay"
    p80_cost, base_cost = res.percentile(0.8, "cost"), res.base_cost
    delay = _has_delay(res)
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
                      fontsize=11, va="top", color=_INK, linespacing=1.5,
                      transform=ax.transAxes)
    bullets.set_in_layout(False)  # wrapped to the page: tight_layout need not make room
    ax = fig.add_subplot(grid[1, 0])
    rows = []
    for q in (0.1, 0.5, 0.8, 0.9):
        rows.append([f"P{round(q * 100)}", money(res.percentile(q, "cost"), cur),
                     _date_or_days(res, q)])
    rows.append(["base (plan)", money(base_cost, cur),
                 f"{res.base_schedule:,.0f} d" if res.has_schedule else "0 d"])
    rows.append(["contingency at P80", money(p80_cost - base_cost, cur),
                 f"{res.contingency(0.8, 'schedule'):,.0f} d"])
    rows.append(["P(meeting base)", f"{res.probability_within(base_cost, 'cost'):.0%}",
                 f"{res.probability_within(res.base_schedule, 'schedule'):.0%}"])
    if delay:
        ax.set_title("Cost and " + sched_label, loc="left", fontsize=11, fontweight="bold")
        _table(ax, rows, ["", "cost", "duration" if res.has_schedule else "delay"],
               [0.34, 0.3, 0.36])
    else:
        ax.set_title("Cost", loc="left", fontsize=11, fontweight="bold")
        _table(ax, [r[:2] for r in rows], ["", "cost"], [0.45, 0.4])
    ax = fig.add_subplot(grid[1, 1])
    label = C.label(drivers.percentile).upper()
    ax.set_title(f"Top five risks: {label} reduction if each were removed", loc="left",
                 fontsize=11, fontweight="bold")
    top = drivers.table.head(5)
    cost_col, delay_col = drivers.reduction_column("cost"), drivers.reduction_column("schedule")
    rows5 = [[r[C.ID], short(r[C.TITLE], 36), compact(r[cost_col], cur),
              f"{r[delay_col]:,.1f} d"] for r in top.to_dict("records")]
    if delay:
        _table(ax, rows5, ["id", "risk", "cost", "days"], [0.12, 0.52, 0.18, 0.18])
    else:
        _table(ax, [r[:3] for r in rows5], ["id", "risk", "cost"], [0.12, 0.6, 0.22])
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
        _table(ax, rows, header, widths)
    return fig


def _has_delay(res: SimulationResult) -> bool:
    return res.has_schedule or bool(np.any(res.schedule))


def _curves(res: SimulationResult, after: SimulationResult, cur: str | None,
            footer: str) -> Figure:
    both = {"current (unmitigated)": res, "all mitigations funded": after}
    if not _has_delay(res):
        fig = _page("How likely is the cost?", footer)
        axes = fig.subplots(1, 2)
        plot.s_curve(both, "cost", ax=axes[0], currency=cur, title="Cost S-curve")
        plot.contingency_waterfall(res, "cost", ax=axes[1], currency=cur,
                                   title="Cost")
        return fig
    fig = _page("How likely are the cost and the " + ("finish" if res.has_schedule
                                                        else "delay") + "?", footer)
    axes = fig.subplots(2, 2, height_ratios=[1.4, 1])
    plot.s_curve(both, "cost", ax=axes[0, 0], currency=cur, title="Cost S-curve")
    plot.s_curve(both, "schedule", ax=axes[0, 1],
                 title="Finish S-curve" if res.has_schedule else "Delay S-curve")
    plot.contingency_waterfall(res, "cost", ax=axes[1, 0], currency=cur,
                               title="Cost")
    plot.contingency_waterfall(res, "schedule", ax=axes[1, 1], title="Schedule")
    return fig


def _drivers_page(drivers: Drivers, res: SimulationResult, cur: str | None,
                  footer: str) -> Figure:
    fig = _page("Which risks drive the outcome?", footer)
    label = C.label(drivers.percentile).upper()
    if not _has_delay(res):
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


def _mitigation_page(ranking: Ranking, register: RiskRegister, cur: str | None,
                     footer: str) -> Figure:
    fig = _page("Which mitigations are worth paying for?", footer)
    grid = fig.add_gridspec(2, 2, width_ratios=[1.25, 1])
    plot.mitigation_ranking(ranking, ax=fig.add_subplot(grid[:, 0]), currency=cur)
    plot.heat_map(register, ax=fig.add_subplot(grid[0, 1]), currency=cur,
                  title="Heat map before mitigation")
    ref = max((r.cost.mean for r in register.active_risks if r.cost is not None), default=1.0)
    bands = plot.impact_bands_for(ref)  # the same bands before and after
    plot.heat_map(register, ax=fig.add_subplot(grid[1, 1]), scenario="mitigated",
                  impact_bands=bands, currency=cur, title="Heat map after mitigation")
    return fig


def _contingency_page(split: Contingency, res: SimulationResult, cur: str | None,
                      footer: str) -> Figure:
    fig = _page("What is the contingency for?", footer)
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
    _table(ax, rows, ["part", "risk", "cost", "days"], [0.16, 0.44, 0.14, 0.12], fontsize=8)
    ax.set_title("By kind: the Shapley value over estimate ranges and risk events. Each "
                 "risk's part: its mean effect near the P80, scaled to add up (method page)",
                 fontsize=8, loc="left")
    return fig


def _frontier_page(frontier: Frontier, res: SimulationResult, cur: str | None,
                   footer: str) -> Figure:
    fig = _page("What does mitigation spend buy?", footer)
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
    _table(ax, rows, ["step", "adds", "funded", "spend", f"{p} cost (spend incl.)",
                      f"{p} finish", "net value"], [0.06, 0.22, 0.08, 0.12, 0.17, 0.2, 0.13],
           fontsize=8)
    ax.set_title("Efficient points: each step funds the mitigation that buys the most "
                 f"{p} reduction per unit of spend, with those before it (simulated "
                 "together)", fontsize=9, loc="left")
    return fig


def _schedule_page(res: SimulationResult, schedule: Schedule | None, cur: str | None,
                   footer: str) -> Figure:
    fig = _page("Schedule: joint confidence and critical activities", footer)
    axes = fig.subplots(1, 2, width_ratios=[1.15, 1])
    plot.joint_confidence(res, ax=axes[0], currency=cur)
    milestones = list(schedule.milestones) if schedule is not None else []
    plot.criticality(res, ax=axes[1], top=18, skip=milestones,
                     skip_reason="milestones, not shown")
    return fig


def _risk_table(register: RiskRegister, drivers: Drivers, cur: str | None,
                footer: str) -> Figure:
    label = C.label(drivers.percentile).upper()
    fig = _page(f"Top 20 risks by {label} cost effect (the {label} reduction if removed)",
                footer)
    ax = fig.add_subplot()
    frame = register.frame.set_index("id")
    cost_col, delay_col = drivers.reduction_column("cost"), drivers.reduction_column("schedule")
    rows = []
    for r in drivers.table.head(20).to_dict("records"):
        rec = frame.loc[r[C.ID]]

        def rng3(prefix: str, money: bool, rec: pd.Series = rec) -> str:
            lo, ml, hi = (rec[f"{prefix}_{p}"] for p in ("min", "most_likely", "max"))
            if pd.isna(lo):
                return "—"
            # one format down the column: £8k / £15k / £30k, not £8,000 / £15k
            f = (lambda v: compact(v, cur)) if money else (lambda v: f"{v:,.0f}")
            return f(lo) if lo == hi else f"{f(lo)} / {f(ml)} / {f(hi)}"

        rows.append([r[C.ID], short(rec["title"], 44), short(rec["owner"], 16),
                     f"{rec['probability']:.0%}", rng3("cost", True), rng3("schedule", False),
                     compact(r[cost_col], cur), f"{r[delay_col]:,.1f}",
                     _mitigation_cost(register.risk(r[C.ID]), cur)])
    _table(ax, rows, ["id", "risk", "owner", "P", "cost min / ML / max", "delay (d)",
                      f"{label} cost cut", f"{label} days cut", "mitigation"],
           [0.06, 0.27, 0.11, 0.05, 0.18, 0.09, 0.08, 0.08, 0.07], fontsize=8)
    return fig


def _mitigation_cost(risk: Risk, cur: str | None) -> str:
    """A risk's mitigation in a table cell: its cost, "free", or a dash for none."""
    if not risk.has_mitigation:
        return "—"
    cost = risk.mitigation_cost
    return "free" if cost is None or cost == 0 else compact(float(cost), cur)


def _method_page(register: RiskRegister, schedule: Schedule | None, res: SimulationResult,
                 cur: str | None, footer: str, value_per_day: float | None) -> Figure:
    fig = _page("Assumptions and method", footer)
    dists = pd.Series([r.distribution for r in register.active_risks]).value_counts()
    se_cost = res.standard_error(0.8, "cost")
    se_sched = res.standard_error(0.8, "schedule")
    excluded = list(res.excluded)
    closed = (f"{len(excluded)} ({', '.join(map(str, excluded[:12]))}"
              f"{' …' if len(excluded) > 12 else ''})" if excluded else "none")
    text = [
        ("Iterations and sampling",
         f"{res.iterations:,} iterations, "
         f"{'Latin hypercube' if res.sampling == 'lhs' else 'plain Monte Carlo'} sampling, "
         f"seed {res.seed} (the same seed reproduces every number). Standard error of the "
         f"P80: cost {money(se_cost, cur)}, duration {se_sched:,.2f} days "
         f"({res.standard_error_method}); "
         + ("the P80s are converged to 1%." if res.converged() else
            "the P80s are NOT yet within 1%: run more iterations.")),
        ("Risks",
         "Each active risk occurs in an iteration with its probability; if it occurs, its "
         "cost and delay are drawn from its three-point estimate, "
         + ("with the correlation below. " if res.correlation else "independently. ") +
         "Distributions used: " + ", ".join(f"{k} ({v})" for k, v in dists.items())
         + ". Triangular is the default; PERT is Beta-PERT with λ = 4. Opportunities are "
         f"negative impacts. Closed and realised risks left out: {closed}."),
        ("Correlation",
         res.correlation[0].upper() + res.correlation[1:] + ". It is induced by "
         "Iman–Conover reordering of the sampled values, so every distribution is "
         "unchanged; risk occurrences stay independent." if res.correlation else
         "None is modelled between risks: correlation arises only through shared "
         "activities in the schedule. Leaving out correlation that exists understates the "
         "spread, and so the contingency (riskkit --correlation FILE)."),
    ]
    if register.scale:
        text.append(("Qualitative scores",
                     f"Scores and labels in the register (such as High or 4) were turned "
                     f"into numbers with the {register.scale}: a probability level gives its "
                     f"most likely value, an impact level a triangular range."))
    if schedule is not None:
        text.append((
            "Schedule",
            "Activity durations are drawn from their three-point estimates and pass "
            "through the CPM forward pass with every link type (FS, SS, FF, SF) and lag; "
            "a risk on activities adds its drawn delay to each of them, so float can absorb "
            "it; a risk without activities delays the finish. Cost includes fixed costs and "
            "cost per day × duration. Criticality is the share of iterations in which an "
            "activity has zero total float. The joint confidence level is P(cost ≤ C and "
            "duration ≤ T) from the same iterations."))
    text += [
        ("Base and contingency",
         "The base is the plan without risks (most-likely durations; 0 without a "
         "schedule). Contingency at P80 is the P80 minus the base. Its split by kind is "
         "the Shapley value over estimate ranges and risk events (the P80 with each kind "
         "alone and with both, on the same random numbers); the risk part goes to each "
         "risk by its mean effect, if removed, over the iterations within 2.5% of the P80, "
         "scaled to add up, rounded to the cent by largest remainder."),
        ("Mitigations",
         "The mitigated scenario replaces pre-mitigation values with the post-mitigation "
         "ones and adds every mitigation's cost. Each mitigation is also valued on its own "
         "against the unmitigated baseline on the same random numbers (common random "
         "numbers): total benefit is the expected cost saving"
         + (f" plus {money(value_per_day, cur)} per working day saved"
            if value_per_day else "") + "; the benefit/cost ratio divides it by the "
         "mitigation cost. Risk drivers remove one risk at a time (Hulett's method). The "
         "frontier adds, at each step, the mitigation that buys the most P80 reduction per "
         "unit of spend together with those before it."),
        ("Currency",
         "Amounts are as written in the register"
         + (f" ({register.currency})" if register.currency else "")
         + "; riskkit does not convert currencies."),
        ("Sources",
         f"Register {register.source}"
         + (f"; schedule {schedule.source}" if schedule is not None else "") + "."),
    ]
    ax = fig.add_subplot()
    ax.axis("off")
    # a bold heading above each paragraph, placed in points down from the top of the
    # axes (so the layout engine's resizing does not change the spacing); 145
    # characters of 10 pt type fit the width of an A4 landscape page
    line = 10 * 1.45
    down = 0.0
    for heading, body in text:
        ax.annotate(heading, (0, 1), xycoords="axes fraction", xytext=(0, -down),
                    textcoords="offset points", fontsize=10, fontweight="bold", va="top",
                    color=_INK)
        lines = textwrap.wrap(body, 145)
        ax.annotate("\n".join(lines), (0, 1), xycoords="axes fraction",
                    xytext=(0, -down - line), textcoords="offset points", fontsize=10,
                    va="top", color=_INK, linespacing=1.45)
        down += line * (len(lines) + 1.8)
    return fig


def write_charts(path: str | os.PathLike[str], result: SimulationResult, *,
                 currency: str | None = None) -> Path:
    """Write the charts of one simulation to a PDF (``riskkit simulate --pdf``)."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(Problem(f"cannot write {path}: folder {path.parent} does not exist"))
    footer = (f"{result.source} · riskkit {__version__} · {result.iterations:,} iterations · "
              f"seed {result.seed}")
    pages = []
    fig = _page("Cost", footer)
    axes = fig.subplots(1, 2)
    plot.s_curve(result, "cost", ax=axes[0], currency=currency)
    plot.histogram(result, "cost", ax=axes[1], currency=currency)
    pages.append(fig)
    fig = _page("Schedule" if result.has_schedule else "Delay", footer)
    axes = fig.subplots(1, 2)
    plot.s_curve(result, "schedule", ax=axes[0])
    plot.histogram(result, "schedule", ax=axes[1])
    pages.append(fig)
    if result.has_schedule:
        pages.append(_schedule_page(result, None, currency, footer))
    metadata = {"Title": f"riskkit charts: {result.source}", "Creator": f"riskkit {__version__}",
                "CreationDate": _now()}
    _save(path, pages, metadata)
    return path
