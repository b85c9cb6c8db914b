"""Distributions of one metric: S-curves, histograms and the contingency waterfall."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ..result import SimulationResult, metric_name
from .style import (
    LINESTYLES,
    MARKERS,
    PALETTE,
    PERCENTILES,
    as_results,
    axis_formatter,
    date_axis,
    date_text,
    metric_label,
    new_axes,
    value_text,
)

__all__ = ["contingency_waterfall", "histogram", "s_curve"]


def s_curve(
    results: SimulationResult | Sequence[SimulationResult] | Mapping[str, SimulationResult],
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    percentiles: Sequence[float] = PERCENTILES,
    show_base: bool = True,
    title: str | None = None,
) -> Axes:
    """Cumulative probability of a metric (the S-curve), with P10/P50/P80/P90 marked
    on every result and the first one's base value; several results (a mapping label ->
    result, or a list) are overlaid with a legend, e.g. before and after mitigation.

    With a start date (``simulate(start=...)``) the schedule curve's percentiles carry
    their finish dates and a second axis on top reads the duration as dates.

    Examples
    --------
    >>> import riskkit as rk
    >>> res = rk.simulate(rk.read_register("sample_registers/office_fitout.csv"),
    ...                   iterations=2_000, rng=1)
    >>> ax = rk.plot.s_curve(res, "cost")
    """
    metric = metric_name(metric)
    ax = new_axes(ax)
    series = as_results(results)
    first = series[0][1]
    dated = metric == "schedule" and first.start is not None
    lowest, reach = np.inf, 0.0  # the leftmost label and how far left of it it reaches
    spread = float(np.ptp(first.values(metric))) if first.iterations else 0.0
    for i, (label, res) in enumerate(series):
        values = np.sort(res.values(metric))
        prob = np.arange(1, values.size + 1) / values.size
        color = PALETTE[i % len(PALETTE)]
        ax.plot(values, prob, color=color, linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=2, label=label)
        for q in percentiles:
            x = res.percentile(q, metric)
            if i == 0:
                ax.plot([x, x], [0, q], color="0.45", linewidth=0.8, linestyle=":")
                ax.plot([values[0], x], [q, q], color="0.45", linewidth=0.8, linestyle=":")
            ax.plot([x], [q], marker=MARKERS[i % len(MARKERS)], color=color, markersize=4,
                    linestyle="none")
            # the first result's labels to the right of its points; another result's
            # to the left when its point is left of (or near) the first's, else to the
            # right on the other side of its point, so the two sets never overprint
            near = first.percentile(q, metric) + 0.03 * spread
            left, flip = i > 0 and x <= near, i > 0 and x > near
            above = (q <= 0.5) != flip
            text = f"P{round(q * 100)} {value_text(x, metric, currency)}"
            if dated and res.start is not None:
                text += f"\n{date_text(res.finish_date(q))}"
            if left:
                width = max(len(line) for line in text.split("\n")) * 8 * 0.6 + 8
                if x - width < lowest - reach:
                    lowest, reach = x, width
            ax.annotate(text, (x, q), xytext=(-6 if left else 6, 4 if above else -4),
                        textcoords="offset points", fontsize=8, zorder=4, color=color,
                        ha="right" if left else "left", va="bottom" if above else "top",
                        # not struck through by the next percentile's guide
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8,
                              "alpha": 0.85})
    if np.isfinite(lowest):  # room on the left for the labels placed there
        lo, hi = ax.get_xlim()
        share = min(reach / max(ax.get_window_extent().width * 72 / ax.figure.dpi, 1.0), 0.6)
        need = (lowest - share * hi) / (1 - share)  # lowest - need = share * (hi - need)
        if need < lo:
            ax.set_xlim(need, hi)
    if show_base and (first.base(metric) or first.has_schedule):
        base = first.base(metric)
        ax.axvline(base, color="0.2", linestyle="--", linewidth=1)
        when = (f" ({date_text(first.calendar.finish_date(first.start, base))})"
                if dated and first.start is not None else "")
        ax.annotate(f"base {value_text(base, metric, currency)}{when}\n"
                    f"met in {first.probability_within(base, metric):.0%} of outcomes",
                    (base, 0.97), xytext=(4, 0), textcoords="offset points", fontsize=8,
                    va="top", zorder=4,  # above the percentile guides
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(axis_formatter(metric, currency))
    ax.set_xlabel(metric_label(metric, currency, first.has_schedule))
    ax.set_ylabel("probability of not exceeding")
    ax.grid(True, alpha=0.3)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False)
    if dated:
        date_axis(ax, first)
    ax.set_title(title or f"{metric.capitalize()} S-curve")
    return ax


def histogram(
    result: SimulationResult,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    bins: int = 50,
    currency: str | None = None,
    percentiles: Sequence[float] = PERCENTILES,
    title: str | None = None,
) -> Axes:
    """Distribution of a metric with the percentile lines."""
    metric = metric_name(metric)
    ax = new_axes(ax)
    values = result.values(metric)
    ax.hist(values, bins=bins, color=PALETTE[5], edgecolor="white", linewidth=0.3)
    top = ax.get_ylim()[1]
    for i, q in enumerate(percentiles):
        x = result.percentile(q, metric)
        ax.axvline(x, color=PALETTE[1], linestyle=LINESTYLES[i % 4], linewidth=1.2)
        ax.annotate(f"P{round(q * 100)} {value_text(x, metric, currency)}", (x, top),
                    xytext=(3, -3 - 13 * i), textcoords="offset points", va="top", fontsize=8,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.8})
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(axis_formatter(metric, currency))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
    ax.set_xlabel(metric_label(metric, currency, result.has_schedule))
    ax.set_ylabel("iterations")
    ax.set_title(title or f"{metric.capitalize()} distribution, {result.iterations:,} iterations")
    return ax


def contingency_waterfall(
    result: SimulationResult,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    title: str | None = None,
) -> Axes:
    """Base estimate, then the contingency to P50 and on to P80, as a waterfall."""
    metric = metric_name(metric)
    ax = new_axes(ax, (7, 4.5))
    base = result.base(metric)
    p50, p80 = result.percentile(0.5, metric), result.percentile(0.8, metric)
    steps = [("base", 0.0, base, PALETTE[0]), ("to P50", base, p50 - base, PALETTE[4]),
             ("to P80", p50, p80 - p50, PALETTE[1]), ("P80", 0.0, p80, PALETTE[2])]
    hatches = ("", "//", "xx", "")
    for i, ((label, bottom, height, color), hatch) in enumerate(zip(steps, hatches)):
        ax.bar(i, height, bottom=bottom, color=color, hatch=hatch, edgecolor="white", width=0.6)
        ax.annotate(("+" if label.startswith("to") and height >= 0 else "")
                    + value_text(height, metric, currency),
                    (i, bottom + height), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=9)
    ax.set_xticks(range(4), [s[0] for s in steps])
    ax.yaxis.set_major_formatter(axis_formatter(metric, currency))
    ax.set_ylabel(metric_label(metric, currency, result.has_schedule))
    ax.set_ylim(0, max(p80, base) * 1.12 if max(p80, base) > 0 else 1)
    text = f"contingency at P80: {value_text(p80 - base, metric, currency)}"
    ax.set_title(f"{title} {text}" if title else f"{metric.capitalize()} {text}")
    return ax
