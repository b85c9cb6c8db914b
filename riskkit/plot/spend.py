"""What money buys: the efficient frontier of mitigation spend and the contingency split."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from ..analysis import Contingency, Frontier, columns
from ..result import metric_name
from .style import PALETTE, axis_formatter, metric_label, new_axes, value_text

__all__ = ["contingency_split", "frontier"]


def frontier(
    points: Frontier,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    title: str | None = None,
) -> Axes:
    """Spend on mitigation (x) against the P80 cost, spend included, or the P80 finish
    (y), one marker per set of mitigations from :func:`riskkit.efficient_frontier`;
    filled markers are efficient (no cheaper point is as good on both), the line joins
    the points in the order they were added, and the first and the best are labelled."""
    metric = metric_name(metric)
    ax = new_axes(ax, (7, 4.5))
    table = points.table
    column = points.cost_column if metric == "cost" else points.finish_column
    x = table[columns.MITIGATION_COST].to_numpy(dtype=float)
    y = table[column].to_numpy(dtype=float)
    good = table["efficient"].to_numpy(dtype=bool)
    color = PALETTE[0] if metric == "cost" else PALETTE[2]
    ax.plot(x, y, color=color, linewidth=1.2, linestyle="-", zorder=2)
    ax.scatter(x[good], y[good], color=color, marker="o", s=28, zorder=3,
               label="efficient")
    if (~good).any():
        ax.scatter(x[~good], y[~good], facecolor="white", edgecolor=color, marker="o", s=28,
                   zorder=3, label="dominated (a cheaper point does as well)")
    best = int(np.argmin(y))
    p = columns.label(points.percentile).upper()
    label = f"{p} cost, spend included" if metric == "cost" else f"{p} finish"
    right = float(x.max(initial=0.0)) or 1.0
    for k, text in ((0, "no mitigation"), (best, f"lowest {label.split(',')[0]}")):
        late = x[k] > 0.55 * right  # near the right edge: the label to the left
        low = k == best and k != 0  # the lowest point: its label below it
        ax.annotate(f"{text}: {value_text(y[k], metric, currency)}", (x[k], y[k]),
                    xytext=(0 if low else -8 if late else 8, -10 if low else -2),
                    textcoords="offset points",
                    ha="center" if low else "right" if late else "left",
                    va="top", fontsize=8, color="0.2")
        if best == 0:
            break
    ax.margins(x=0.05, y=0.14)
    ax.xaxis.set_major_formatter(axis_formatter("cost", currency))
    ax.yaxis.set_major_formatter(axis_formatter(metric, currency))
    ax.set_xlabel("spend on mitigation" + (f" ({currency.strip()})" if currency else ""))
    ax.set_ylabel(label if metric == "cost" else f"{p} finish (working days)")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.set_title(title or f"What mitigation spend buys: {label}")
    return ax


def contingency_split(
    split: Contingency,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    top: int = 5,
    title: str | None = None,
) -> Axes:
    """What the contingency is for (:func:`riskkit.contingency`): the base, then the
    estimate uncertainty, the ``top`` risks' allocations and the other risks', up to the
    percentile — a waterfall whose steps add up to the contingency."""
    metric = metric_name(metric)
    part = split.split(metric)
    ax = new_axes(ax, (8, 4.5))
    table = part.table
    steps: list[tuple[str, float, str, str]] = [("estimate\nuncertainty", part.estimate,
                                                 PALETTE[4], "//")]
    shown = table.head(top)
    for rid, value in zip(shown["id"], shown["allocation"]):
        # a saving (an opportunity's negative part) in the savings colour
        steps.append((str(rid), float(value), PALETTE[1] if value >= 0 else PALETTE[2], ""))
    rest = float(table["allocation"].iloc[top:].sum()) + part.unallocated
    if len(table) > top or abs(part.unallocated) > 0.005:
        steps.append(("other\nrisks", rest, PALETTE[3], "xx"))
    ax.bar(0, part.base, color=PALETTE[0], width=0.6)
    ax.annotate(value_text(part.base, metric, currency), (0, part.base), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=8)
    level = part.base
    levels = [part.base, part.value]
    for i, (_, height, color, hatch) in enumerate(steps, start=1):
        ax.bar(i, height, bottom=level, color=color, hatch=hatch, edgecolor="white",
               width=0.6)
        shown_height = round(height, 1) + 0.0 if metric != "cost" else height
        ax.annotate(("+" if shown_height > 0 else "") + value_text(shown_height, metric,
                                                                   currency),
                    (i, level + max(height, 0)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        level += height
        levels.append(level)
    last = len(steps) + 1
    ax.bar(last, part.value, color=PALETTE[2], width=0.6)
    ax.annotate(value_text(part.value, metric, currency), (last, part.value), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=8)
    p = columns.label(part.percentile).upper()
    ax.set_xticks(range(last + 1), ["base", *[s[0] for s in steps], p], fontsize=8)
    low, high = min(levels), max(levels)  # every step's top and bottom on the chart
    span = high - low or 1.0
    ax.set_ylim(max(0.0, low - 0.35 * span) if part.base > 0 and low > 0 else low - 0.08 * span,
                high + 0.16 * span)
    ax.yaxis.set_major_formatter(axis_formatter(metric, currency))
    ax.set_ylabel(metric_label(metric, currency))
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title or f"{metric.capitalize()} contingency at {p}: "
                 f"{value_text(part.contingency, metric, currency)}")
    return ax
