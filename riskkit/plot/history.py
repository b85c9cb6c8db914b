"""Charts of the register over time: the movement between two snapshots as a waterfall
of the kinds of change, the trend of the P80 against the contingency held, open risks by
severity over the snapshots, and each risk's path on the heat map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .._format import compact, days
from ..analysis.history import KINDS, Comparison
from ..analysis.severity import (
    PROBABILITY_BANDS,
    SEVERITIES,
    band,
    impact_bands_of,
    impact_of,
    level_of,
)
from ..analysis.trend import Trend
from ..exceptions import OptionError
from ..io.snapshots import Snapshot
from ..model import RiskRegister
from ..result import metric_name
from .heat import THREAT_COLOURS
from .style import (
    LINESTYLES,
    MARKERS,
    PALETTE,
    axis_formatter,
    metric_label,
    new_axes,
    value_text,
)

__all__ = ["change_waterfall", "contingency_trend", "heat_trajectory", "severity_trend"]


def change_waterfall(
    comparison: Comparison,
    metric: str = "cost_p80",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    title: str | None = None,
) -> Axes:
    """The old snapshot's statistic, each kind of change's share of the movement (its
    Shapley value: the steps add up to the new figure), then the new snapshot's.

    ``metric``: ``cost_mean``, ``cost_p80``, ``schedule_mean`` or ``schedule_p80``.
    """
    name = metric.split("_")[0]
    ax = new_axes(ax, (8, 4.5))
    start = comparison.stat(comparison.old, metric)
    end = comparison.stat(comparison.new, metric)
    kinds = [k for k in KINDS if k in comparison.attribution]
    x, level = 0, start
    ax.bar(x, start, color=PALETTE[0], width=0.6, edgecolor="white")
    ax.annotate(value_text(start, name, currency), (x, start), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=9)
    for kind in kinds:
        x += 1
        step = comparison.attribution[kind][metric]
        color = PALETTE[1] if step > 0 else PALETTE[2]
        ax.bar(x, step, bottom=level, color=color, width=0.6, edgecolor="white",
               hatch="//" if step > 0 else "")
        text = value_text(step, name, currency)
        if not any(ch in "123456789" for ch in text):
            text = text.lstrip("-")  # a step that rounds to nothing has no sign
        elif step > 0:
            text = "+" + text
        ax.annotate(text, (x, max(level, level + step)), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize=9)
        level += step
    x += 1
    ax.bar(x, end, color=PALETTE[0], width=0.6, edgecolor="white")
    ax.annotate(value_text(end, name, currency), (x, end), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=9)
    old = str(comparison.old_as_of) if comparison.old_as_of is not None else "old"
    new = str(comparison.new_as_of) if comparison.new_as_of is not None else "new"
    ax.set_xticks(range(x + 1), [old, *kinds, new])
    ax.yaxis.set_major_formatter(axis_formatter(name, currency))
    ax.set_ylabel(metric_label(name, currency, comparison.old.has_schedule))
    low = min(start, end, *(np.cumsum([comparison.attribution[k][metric] for k in kinds])
                            + start)) if kinds else min(start, end)
    high = max(start, end, *(np.cumsum([comparison.attribution[k][metric] for k in kinds])
                             + start)) if kinds else max(start, end)
    pad = (high - low) * 0.25 or abs(high) * 0.05 or 1.0
    ax.set_ylim(max(0.0, low - pad) if low >= 0 else low - pad, high + pad)
    stat = "P80" if metric.endswith("p80") else "mean"
    moved = end - start
    text = (f"{name} {stat} moved {'+' if moved > 0 else ''}{value_text(moved, name, currency)}"
            " (each kind's Shapley share)")
    ax.set_title(f"{title}: {text}" if title else text)
    return ax


def contingency_trend(
    trend: Trend,
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    title: str | None = None,
) -> Axes:
    """Cost mean, P50 and P80 over the snapshots, and base + the contingency held
    where it is known (the drawdown: the gap between the P80 and the line held)."""
    frame = trend.to_frame()
    ax = new_axes(ax, (8, 4.5))
    labels = [s.label for s in trend.snapshots]
    x = np.arange(len(labels))
    for i, column in enumerate(("cost_mean", "cost_p50", "cost_p80")):
        ax.plot(x, frame[column], color=PALETTE[i], linestyle=LINESTYLES[i],
                marker=MARKERS[i], label=column.replace("cost_", "").replace("p", "P"))
    held = np.array([res.base("cost") + b if b is not None else np.nan
                     for res, b in zip(trend.results, trend.budgets)])
    if not np.all(np.isnan(held)):
        ax.plot(x, held, color=PALETTE[7], linestyle=LINESTYLES[3], marker=MARKERS[3],
                label="base + contingency held")
        # the headroom: held above the P80 in green, short of it in red, each labelled
        p80 = frame["cost_p80"].to_numpy(dtype=float)
        known = ~np.isnan(held)
        ax.fill_between(x, p80, held, where=known & (held >= p80), interpolate=True,
                        color=PALETTE[2], alpha=0.15, linewidth=0)
        ax.fill_between(x, p80, held, where=known & (held < p80), interpolate=True,
                        color=PALETTE[1], alpha=0.15, linewidth=0)
        for xi, a, b in zip(x, p80, held):
            if np.isnan(b):
                continue
            room = b - a
            ax.annotate(("headroom " if room >= 0 else "short by ")
                        + value_text(abs(room), "cost", currency), (xi, max(a, b)),
                        xytext=(0, 8), textcoords="offset points", ha="center",
                        fontsize=8, color=PALETTE[2] if room >= 0 else PALETTE[1],
                        fontweight="bold")
    ax.set_xticks(x, labels)
    ax.set_xlim(-0.45, len(labels) - 0.55)  # room for the first and last labels
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + (high - low) * 0.08)  # room for the headroom labels
    ax.yaxis.set_major_formatter(axis_formatter("cost", currency))
    ax.set_ylabel(metric_label("cost", currency))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "Cost over the snapshots (the same seed at every date)")
    return ax


#: The severities' colours: the heat map's threat levels, and a green for opportunities.
_SEVERITY_COLOURS = {**dict(zip(SEVERITIES, THREAT_COLOURS)), "opportunity": "#a1d99b"}
_SEVERITY_HATCHES = {"low": "", "medium": "..", "high": "//", "very high": "xx",
                     "opportunity": "oo"}


def severity_trend(
    trend: Trend,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Open risks by severity at each snapshot, as stacked bars (lowest level at the
    bottom, opportunities on top), each part labelled with its count. Severity is the
    heat map's level (:mod:`riskkit.analysis.severity`) on impact bands shared by every
    snapshot, the higher of a risk's cost and schedule level."""
    frame = trend.severity_frame()
    ax = new_axes(ax, (8, 4.5))
    x = np.arange(len(frame))
    bottom = np.zeros(len(frame))
    for name in SEVERITIES:
        counts = frame[name].to_numpy(dtype=float)
        if not counts.any():
            continue
        ax.bar(x, counts, bottom=bottom, width=0.6, color=_SEVERITY_COLOURS[name],
               edgecolor="white", hatch=_SEVERITY_HATCHES[name], label=name)
        for xi, b, c in zip(x, bottom, counts):
            if c:
                ax.text(float(xi), b + c / 2, f"{int(c)}", ha="center", va="center",
                        fontsize=9,
                        color="white" if name == "very high" else "black",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                              "edgecolor": "none", "alpha": 0.0 if name == "very high"
                              else 0.7})
        bottom += counts
    for xi, total in zip(x, bottom):
        ax.annotate(f"{int(total)} open", (xi, total), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize=9, fontweight="bold")
    ax.set_xticks(x, list(frame.index))
    ax.set_xlim(-0.6, len(frame) - 0.4)
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.12)
    ax.set_ylabel("open risks")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], title="severity", fontsize=8, title_fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "Open risks by severity")
    return ax


def _registers(snapshots: Comparison | Trend | Sequence[Any]) -> tuple[list[RiskRegister],
                                                                      list[str]]:
    if isinstance(snapshots, Comparison):
        if snapshots.registers is None:
            raise OptionError("snapshots", "a Comparison without its registers",
                              "a Comparison from riskkit.compare")
        names = [str(d) if d is not None else k for d, k in
                 ((snapshots.old_as_of, "old"), (snapshots.new_as_of, "new"))]
        return list(snapshots.registers), names
    items = list(snapshots.snapshots if isinstance(snapshots, Trend) else snapshots)
    regs = [s.register if isinstance(s, Snapshot) else s for s in items]
    names = [s.label if isinstance(s, Snapshot) else f"#{i + 1}" for i, s in enumerate(items)]
    if len(regs) < 2 or not all(isinstance(r, RiskRegister) for r in regs):
        raise OptionError("snapshots", type(snapshots).__name__, "a Comparison, a Trend or "
                          "two or more registers / snapshots, oldest first")
    return regs, names


def _place(value: float, bounds: Sequence[float], top: float) -> float:
    """A position on the matrix's axis (band k spans k - 0.5 to k + 0.5): the band, and
    where in it the value lies; the open top band reaches ``top``."""
    edges = [0.0, *bounds, max(top, bounds[-1] * 2)]
    k = band(value, bounds)
    lo, hi = edges[k], edges[k + 1]
    frac = (value - lo) / (hi - lo) if hi > lo else 0.5
    return k - 0.5 + min(max(frac, 0.04), 0.96)


def heat_trajectory(
    snapshots: Comparison | Trend | Sequence[Any],
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    title: str | None = None,
    unchanged: bool = True,
) -> Axes:
    """How each risk moved on the probability–impact matrix between snapshots: an arrow
    from its first position to its last (through the dates between), a new risk as a
    dot where it entered, a closed one as a cross where it was last; risks that did not
    move as small grey dots (``unchanged=False``: left out).

    The matrix is the heat map's (the same colours and levels), on impact bands shared
    by every snapshot; within a band a risk sits where its value lies, so a move inside
    a cell shows too. Threats only (a risk's impact of ``metric`` if it occurs).

    ``snapshots``: a :class:`~riskkit.analysis.history.Comparison`, a
    :class:`~riskkit.analysis.trend.Trend`, or registers or snapshots, oldest first.
    """
    metric = metric_name(metric)
    regs, names = _registers(snapshots)
    ax = new_axes(ax, (9, 6))
    pb = list(PROBABILITY_BANDS)
    ib = impact_bands_of(regs, metric)
    positions: dict[str, list[tuple[float, float] | None]] = {}
    largest = 0.0
    for i, reg in enumerate(regs):
        for risk in reg.active_risks:
            d = impact_of(risk, metric)
            if d is None or d.mean <= 0:
                continue
            largest = max(largest, float(d.mean))
            positions.setdefault(risk.id, [None] * len(regs))[i] = (
                risk.exposure("current").probability, float(d.mean))
    for r in range(5):
        for c in range(5):
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1.0, 1.0, edgecolor="white",
                                   facecolor=THREAT_COLOURS[level_of((r + 1) * (c + 1))],
                                   linewidth=2, alpha=0.55, zorder=0))

    def xy(p: float, v: float) -> tuple[float, float]:
        return _place(v, ib, largest), _place(p, pb, 1.0)

    moved = new = closed = still = 0
    for rid, track in positions.items():
        points = [xy(*t) for t in track if t is not None]
        first, last = track[0], track[-1]
        if first is None and last is not None:  # entered after the first snapshot
            new += 1
            x, y = points[-1]
            if len(points) > 1:  # re-assessed since it entered
                ax.plot(*zip(*points), color=PALETTE[0], linewidth=1.0, zorder=2)
            ax.plot([x], [y], marker="o", color=PALETTE[0], markersize=7, zorder=3,
                    markeredgecolor="white")
            ax.annotate(f"{rid} (new)", (x, y), xytext=(5, 4), textcoords="offset points",
                        fontsize=7.5, color=PALETTE[0], fontweight="bold", zorder=4)
        elif last is None:  # closed (or left this map) by the last snapshot
            closed += 1
            x, y = points[-1]
            ax.plot([x], [y], marker="X", color="0.25", markersize=7, zorder=3,
                    markeredgecolor="white")
            ax.annotate(f"{rid} (closed)", (x, y), xytext=(5, -10),
                        textcoords="offset points", fontsize=7.5, color="0.25", zorder=4)
        elif len(set(points)) == 1:
            still += 1
            if unchanged:
                ax.plot(*points[0], marker=".", color="0.45", markersize=5, zorder=1)
        else:
            moved += 1
            for (x0, y0), (x1, y1) in zip(points, points[1:]):
                if (x0, y0) != (x1, y1):
                    ax.annotate("", (x1, y1), (x0, y0), zorder=3, arrowprops={
                        "arrowstyle": "-|>", "color": "black", "linewidth": 1.4,
                        "shrinkA": 0, "shrinkB": 0, "mutation_scale": 11})
            x0, y0 = points[0]
            x, y = points[-1]
            ax.plot([x0], [y0], marker="o", color="black", markersize=3.5, zorder=3)
            ax.annotate(rid, (x, y), xytext=(4 if x >= x0 else -4, 4 if y >= y0 else -10),
                        textcoords="offset points", ha="left" if x >= x0 else "right",
                        fontsize=7.5, fontweight="bold", zorder=4)
    code = currency.strip() if currency and len(currency.strip()) > 1 else None
    shown = None if code else currency
    fmt = (lambda v: compact(v, shown)) if metric == "cost" else (lambda v: days(v) + " d")
    ax.set_xlim(-0.5, 4.5)
    ax.set_ylim(-0.5, 4.5)
    ax.set_xticks(np.arange(-0.5, 4.0, 1.0), ["0", *(fmt(b) for b in ib)], fontsize=7.5)
    ax.set_yticks(np.arange(-0.5, 5.0, 1.0), ["0%", *(f"{b:.0%}" for b in pb), "100%"],
                  fontsize=8)
    ax.tick_params(length=3)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    word = "cost" if metric == "cost" else "delay"
    ax.set_xlabel(f"mean {word} impact if it occurs" + (f" ({code})" if code and metric ==
                                                         "cost" else ""), fontsize=8)
    ax.set_ylabel("probability", fontsize=8)
    handles = [Line2D([], [], color="black", marker=r"$\rightarrow$", linestyle="",
                      markersize=11, label=f"re-assessed ({moved})"),
               Line2D([], [], color=PALETTE[0], marker="o", linestyle="", markersize=7,
                      label=f"new ({new})"),
               Line2D([], [], color="0.25", marker="X", linestyle="", markersize=7,
                      label=f"closed ({closed})")]
    if unchanged:
        handles.append(Line2D([], [], color="0.45", marker=".", linestyle="", markersize=6,
                              label=f"did not move ({still})"))
    ax.legend(handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0),
              frameon=False)
    span = f"{names[0]} → {names[-1]}"
    ax.set_title(title or f"{metric.capitalize()}: how the risks moved, {span}")
    return ax
