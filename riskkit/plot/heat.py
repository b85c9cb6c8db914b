"""The probability-impact matrix (heat map) of a register: threats and, apart from them,
opportunities, placed by the impact of one metric (cost or schedule)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Patch, Rectangle

from .._format import compact, days
from ..analysis.severity import LEVELS, band, impact_bands_for, impact_bands_of, level_of
from ..analysis.severity import impact_of as _impact
from ..exceptions import OptionError
from ..model import RiskRegister
from ..result import metric_name
from .style import new_axes

__all__ = ["LEVELS", "heat_map", "impact_bands_for", "impact_bands_of"]


THREAT_COLOURS = ("#fee8a0", "#fdae61", "#f46d43", "#c2222b")
_OPPORTUNITY_COLOURS = ("#edf8e9", "#c7e9c0", "#a1d99b", "#74c476")
_GAP = 0.7  # between the opportunity and the threat matrix, in cells


def heat_map(
    register: RiskRegister,
    *,
    ax: Axes | None = None,
    scenario: str = "current",
    metric: str = "cost",
    probability_bands: Sequence[float] = (0.1, 0.3, 0.5, 0.7),
    impact_bands: Sequence[float] | None = None,
    currency: str | None = None,
    title: str | None = None,
    legend: bool = True,
) -> Axes:
    """The 5 x 5 probability–impact matrix of ``metric`` with risk ids in their cells.

    Impact is the mean impact of the metric if the risk occurs (for a schedule, the
    delay it adds to its activities or the finish, before float absorbs any). Only
    risks with an impact of that metric are placed: a schedule-only risk is on the
    ``metric="schedule"`` map, not at the bottom of the cost one. Opportunities
    (negative mean impact) go on a matrix of their own to the left, in greens, their
    impact growing leftwards, so they are visible and never read as threats.

    The axes are labelled at the band edges: each boundary is written once, and a
    value on a boundary belongs to the band above it (a probability of 50% is in
    50–70%). A cell's colour is its level (:data:`LEVELS`: probability band × impact
    band), explained in the legend. ``probability_bands`` and ``impact_bands`` are the
    four inner boundaries; by default :func:`impact_bands_of` the register (round
    amounts, each band twice the one below). Use the same bands for
    ``scenario="mitigated"`` to compare before and after.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> ax = rk.plot.heat_map(reg, metric="schedule")
    """
    metric = metric_name(metric)
    ax = new_axes(ax, (9, 6))
    placed, left_out = [], 0
    for risk in register.active_risks:
        d = _impact(risk, metric, scenario)
        if d is None:
            left_out += 1
        else:
            placed.append((risk.id, risk.exposure(scenario).probability, float(d.mean)))
    if impact_bands is None:
        impact_bands = impact_bands_of(register, metric, scenario)
    pb, ib = list(probability_bands), list(impact_bands)
    if len(pb) != 4 or len(ib) != 4 or sorted(pb) != pb or sorted(ib) != ib:
        raise OptionError("bands", (pb, ib), "four increasing boundaries each")
    threats = [x for x in placed if x[2] > 0]
    opportunities = [x for x in placed if x[2] < 0]
    # a symbol (£) on every edge; a code (CHF) once, in the axis label, as the edges
    # would not fit beside each other with it
    code = currency.strip() if currency and len(currency.strip()) > 1 else None
    shown = None if code else currency
    fmt = (lambda v: compact(v, shown)) if metric == "cost" else (lambda v: days(v) + " d")
    halves = [(threats, THREAT_COLOURS, False)]
    if opportunities:
        halves.append((opportunities, _OPPORTUNITY_COLOURS, True))
    xticks: list[float] = []
    xlabels: list[str] = []
    # how many characters and lines of 7 pt type a cell holds at the axes' size
    size = ax.get_window_extent()
    columns = 5 * len(halves) + (_GAP if opportunities else 0)
    fit = (max(int(size.width * 72 / ax.figure.dpi / columns / 4.4), 4),
           max(int(size.height * 72 / ax.figure.dpi / 5.5 / 8.6), 1))
    for risks, colours, mirrored in halves:
        def centre(c: int, mirrored: bool = mirrored) -> float:
            return -1.0 - _GAP - c if mirrored else float(c)

        cells: dict[tuple[int, int], list[str]] = {}
        for rid, p, impact in risks:
            row, col = band(p, pb), band(abs(impact), ib)
            cells.setdefault((row, col), []).append(rid)
        for r in range(5):
            for c in range(5):
                level = level_of((r + 1) * (c + 1))
                ax.add_patch(Rectangle((centre(c) - 0.5, r - 0.5), 1.0, 1.0,
                                       facecolor=colours[level], edgecolor="white",
                                       linewidth=2))
                ids = cells.get((r, c), [])
                if ids:
                    ax.text(centre(c), r, _cell_text(ids, *fit), ha="center", va="center",
                            fontsize=7, color="white" if level >= 2 and not mirrored
                            else "black")
        # the edges of the bands, each written once: 0 where the impact starts, then
        # the four boundaries (the outer edge is open)
        for k, edge in enumerate([0.0, *ib]):
            xticks.append(centre(k) + (0.5 if mirrored else -0.5))
            xlabels.append("0" if edge == 0 else fmt(edge))
    return _finish(ax, metric, scenario, pb, xticks, xlabels, len(threats),
                   len(opportunities), left_out, title, legend,
                   f" ({code})" if code and metric == "cost" else "")


def _cell_text(ids: list[str], width: int, lines: int) -> str:
    """The ids of a cell in ``lines`` lines of ``width`` characters, the last saying how
    many more there are when they do not all fit."""
    def lines_of(text: str) -> list[str]:  # whole ids: never "OF-" and "24"
        return textwrap.wrap(text, width, break_on_hyphens=False, break_long_words=False)

    text = lines_of(", ".join(ids))
    if len(text) <= lines:
        return "\n".join(text)
    for shown in range(len(ids) - 1, -1, -1):
        more = f"+{len(ids) - shown} more"
        text = lines_of(", ".join([*ids[:shown], more]))
        if len(text) <= lines:
            return "\n".join(text)
    return f"{len(ids)}"


def _finish(ax: Axes, metric: str, scenario: str, pb: list[float], xticks: list[float],
            xlabels: list[str], threats: int, opportunities: int, left_out: int,
            title: str | None, legend: bool, unit: str = "") -> Axes:
    left = -1.5 - _GAP - 4 if opportunities else -0.5
    ax.set_xlim(left, 4.5)
    ax.set_ylim(-0.5, 5.0)
    ax.set_xticks(xticks, xlabels, fontsize=7)
    ax.set_yticks(np.arange(-0.5, 5.0, 1.0),
                  ["0%", *(f"{b:.0%}" for b in pb), "100%"], fontsize=8)
    ax.tick_params(length=3)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    word = "cost" if metric == "cost" else "delay"
    ax.text(2.0, 4.55, f"threats ({threats})", ha="center", va="bottom", fontsize=8,
            fontweight="bold", color="0.25")
    if opportunities:
        ax.text(-3.0 - _GAP, 4.55, f"opportunities ({opportunities})", ha="center",
                va="bottom", fontsize=8, fontweight="bold", color="0.25")
    label = (f"← saving if it happens   |   {word} if it occurs{unit} →" if opportunities
             else f"mean {word} impact if it occurs{unit}")
    label += ("\nmean impact; a value on a band edge is in the band above it")
    if left_out:
        label += (f"\n{left_out} risk{'s' if left_out != 1 else ''} without a {word} "
                  f"impact not on this map")
    ax.set_xlabel(label, fontsize=8)
    ax.set_ylabel("probability", fontsize=8)
    if legend:
        handles = []
        for i, (bound, name) in enumerate(LEVELS):
            low = 1 if i == 0 else LEVELS[i - 1][0] + 1
            pair = (Patch(facecolor=THREAT_COLOURS[i], edgecolor="0.7"),
                    *((Patch(facecolor=_OPPORTUNITY_COLOURS[i], edgecolor="0.7"),)
                      if opportunities else ()))
            handles.append((pair, f"{name} ({low}–{bound})"))
        ax.legend([h for h, _ in handles[::-1]], [n for _, n in handles[::-1]],
                  handler_map={tuple: HandlerTuple(ndivide=None, pad=0.2)},
                  title="level: probability band\n× impact band", title_fontsize=7,
                  fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  handlelength=2.4 if opportunities else 1.4)
    ax.set_title(title or f"{metric.capitalize()} heat map ({scenario})")
    return ax
