"""Charts of the register over time: the movement between two snapshots as a waterfall
of the kinds of change, and the trend of the P80 against the contingency held."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from ..analysis.history import KINDS, Comparison
from ..analysis.trend import Trend
from .style import (
    LINESTYLES,
    MARKERS,
    PALETTE,
    axis_formatter,
    metric_label,
    new_axes,
    value_text,
)

__all__ = ["change_waterfall", "contingency_trend"]


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
        ax.annotate(("+" if step > 0 else "") + value_text(step, name, currency),
                    (x, max(level, level + step)), xytext=(0, 3),
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
    held = [res.base("cost") + b if b is not None else np.nan
            for res, b in zip(trend.results, trend.budgets)]
    if not np.all(np.isnan(held)):
        ax.plot(x, held, color=PALETTE[7], linestyle=LINESTYLES[3], marker=MARKERS[3],
                label="base + contingency held")
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(axis_formatter("cost", currency))
    ax.set_ylabel(metric_label("cost", currency))
    ax.legend(loc="best", fontsize=9)
    ax.set_title(title or "Cost over the snapshots (the same seed at every date)")
    return ax
