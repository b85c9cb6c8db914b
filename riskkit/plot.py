"""Charts for risk results: ``f(data, *, ax=None, **options) -> Axes``.

Each function draws only through ``ax.`` methods, creates a figure with
``plt.subplots()`` only when ``ax`` is None, never calls ``plt.show()``, and returns the
Axes. Nothing here recomputes a simulation. Colours are the Okabe–Ito palette (safe for
colour-blind readers), and every series also differs by line style or marker so the
charts read in greyscale print.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from ._format import compact, days, money, ratio_label, short
from .analysis import Contingency, Drivers, Frontier, Ranking, columns
from .model import RiskRegister
from .result import SimulationResult, metric_name

__all__ = [
    "contingency_split",
    "contingency_waterfall",
    "criticality",
    "frontier",
    "heat_map",
    "histogram",
    "impact_bands_for",
    "joint_confidence",
    "mitigation_ranking",
    "s_curve",
    "tornado",
]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v")
_PERCENTILES = (0.1, 0.5, 0.8, 0.9)


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only when the caller wants a new figure

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _value_text(value: float, metric: str, currency: str | None) -> str:
    return money(value, currency) if metric == "cost" else f"{value:,.1f} d"


def _axis_formatter(metric: str, currency: str | None) -> FuncFormatter:
    if metric == "cost":
        return FuncFormatter(lambda x, _: compact(x, currency))
    return FuncFormatter(lambda x, _: days(x))


def _metric_label(metric: str, currency: str | None, has_schedule: bool = True) -> str:
    if metric == "cost":
        return f"cost ({currency.strip()})" if currency else "cost"
    return "project duration (working days)" if has_schedule else "total delay (working days)"


def _as_results(results: Any) -> list[tuple[str, SimulationResult]]:
    if isinstance(results, SimulationResult):
        return [(results.scenario, results)]
    if isinstance(results, Mapping):
        return list(results.items())
    return [(r.scenario, r) for r in results]


def s_curve(
    results: SimulationResult | Sequence[SimulationResult] | Mapping[str, SimulationResult],
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    currency: str | None = None,
    percentiles: Sequence[float] = _PERCENTILES,
    show_base: bool = True,
    title: str | None = None,
) -> Axes:
    """Cumulative probability of a metric (the S-curve), with P10/P50/P80/P90 marked
    on the first result and the base value; several results (a mapping label -> result,
    or a list) are overlaid with a legend, e.g. before and after mitigation.

    Examples
    --------
    >>> import riskkit as rk
    >>> res = rk.simulate(rk.read_register("sample_registers/office_fitout.csv"),
    ...                   iterations=2_000, rng=1)
    >>> ax = rk.plot.s_curve(res, "cost")
    """
    metric = metric_name(metric)
    ax = _axes(ax)
    series = _as_results(results)
    for i, (label, res) in enumerate(series):
        values = np.sort(res.values(metric))
        prob = np.arange(1, values.size + 1) / values.size
        ax.plot(values, prob, color=PALETTE[i % len(PALETTE)],
                linestyle=LINESTYLES[i % len(LINESTYLES)], linewidth=2, label=label)
        if i == 0:
            for q in percentiles:
                x = res.percentile(q, metric)
                ax.plot([x, x], [0, q], color="0.45", linewidth=0.8, linestyle=":")
                ax.plot([values[0], x], [q, q], color="0.45", linewidth=0.8, linestyle=":")
                ax.plot([x], [q], marker="o", color=PALETTE[0], markersize=4)
                ax.annotate(f"P{round(q * 100)} {_value_text(x, metric, currency)}",
                            (x, q), xytext=(6, -12 if q > 0.5 else 4),
                            textcoords="offset points", fontsize=8, zorder=4,
                            # not struck through by the next percentile's guide
                            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8,
                                  "alpha": 0.85})
    first = series[0][1]
    if show_base and (first.base(metric) or first.has_schedule):
        base = first.base(metric)
        ax.axvline(base, color="0.2", linestyle="--", linewidth=1)
        ax.annotate(f"base {_value_text(base, metric, currency)}\n"
                    f"({first.probability_within(base, metric):.0%} likely)",
                    (base, 0.97), xytext=(4, 0), textcoords="offset points", fontsize=8,
                    va="top", zorder=4,  # above the percentile guides
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(_axis_formatter(metric, currency))
    ax.set_xlabel(_metric_label(metric, currency, first.has_schedule))
    ax.set_ylabel("probability of not exceeding")
    ax.grid(True, alpha=0.3)
    if len(series) > 1:
        ax.legend(loc="lower right", frameon=False)
    ax.set_title(title or f"{metric.capitalize()} S-curve")
    return ax


def histogram(
    result: SimulationResult,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    bins: int = 50,
    currency: str | None = None,
    percentiles: Sequence[float] = _PERCENTILES,
    title: str | None = None,
) -> Axes:
    """Distribution of a metric with the percentile lines."""
    metric = metric_name(metric)
    ax = _axes(ax)
    values = result.values(metric)
    ax.hist(values, bins=bins, color=PALETTE[5], edgecolor="white", linewidth=0.3)
    top = ax.get_ylim()[1]
    for i, q in enumerate(percentiles):
        x = result.percentile(q, metric)
        ax.axvline(x, color=PALETTE[1], linestyle=LINESTYLES[i % 4], linewidth=1.2)
        ax.annotate(f"P{round(q * 100)} {_value_text(x, metric, currency)}", (x, top),
                    xytext=(3, -3 - 13 * i), textcoords="offset points", va="top", fontsize=8,
                    bbox={"boxstyle": "square,pad=0.1", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.8})
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(_axis_formatter(metric, currency))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:,.0f}"))
    ax.set_xlabel(_metric_label(metric, currency, result.has_schedule))
    ax.set_ylabel("iterations")
    ax.set_title(title or f"{metric.capitalize()} distribution, {result.iterations:,} iterations")
    return ax


def tornado(
    drivers: Drivers | pd.DataFrame,
    metric: str = "cost",
    *,
    ax: Axes | None = None,
    top: int = 10,
    currency: str | None = None,
    percentile: float | None = None,
    title: str | None = None,
) -> Axes:
    """The risks that move the percentile most: its reduction when each risk alone is
    removed (from :func:`riskkit.risk_drivers`), top ``top``, labelled with the id and
    a shortened title. A plain DataFrame needs the drivers columns and its
    ``percentile`` (default 0.8)."""
    metric = metric_name(metric)
    if isinstance(drivers, Drivers):
        q = drivers.percentile if percentile is None else percentile
        drivers = drivers.table
    else:
        q = 0.8 if percentile is None else percentile
    column = columns.reduction(metric, q)
    table = drivers.sort_values(column, ascending=False, kind="stable").head(top)
    table = table.iloc[::-1]
    ax = _axes(ax, (8, 0.45 * len(table) + 1.5))
    titles = table.get(columns.TITLE, table[columns.ID])
    labels = [f"{i}  {short(t, 38)}" for i, t in zip(table[columns.ID], titles)]
    values = table[column].to_numpy(dtype=float)
    colors = [PALETTE[1] if v >= 0 else PALETTE[2] for v in values]
    y = np.arange(len(table))
    ax.barh(y, values, color=colors, height=0.65)
    ax.set_yticks(y, labels, fontsize=8)
    span = max(np.abs(values).max(initial=0), 1e-9)
    for yi, v in zip(y, values):
        text = compact(v, currency) if metric == "cost" else f"{v:,.1f} d"  # one format
        ax.annotate(text, (v, yi), xytext=(4 if v >= 0 else -4, 0),
                    textcoords="offset points", va="center", ha="left" if v >= 0 else "right",
                    fontsize=8)
    ax.set_xlim(min(0, values.min(initial=0)) - 0.05 * span, values.max(initial=0) + 0.25 * span)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(_axis_formatter(metric, currency))
    label = columns.label(q).upper()
    ax.set_xlabel(f"{label} reduction if removed"
                  + (f" ({currency.strip()})" if currency and metric == "cost"
                     else "" if metric == "cost" else " (working days)"))
    ax.set_title(title or f"Top risk drivers of the {label} {metric}")
    return ax


def mitigation_ranking(
    ranking: Ranking | pd.DataFrame,
    *,
    ax: Axes | None = None,
    top: int = 10,
    currency: str | None = None,
    title: str | None = None,
) -> Axes:
    """Benefit against cost per mitigation (from :func:`riskkit.rank_mitigations`):
    above the dashed break-even line a mitigation pays for itself. The ``top`` best by
    rank and the three largest savings are labelled with their id and benefit/cost
    ratio."""
    ax = _axes(ax)
    if isinstance(ranking, Ranking):
        ranking = ranking.table
    ranking = ranking.reset_index(drop=True)  # positions, whatever the caller's index
    all_cost = ranking[columns.MITIGATION_COST].fillna(0).to_numpy(dtype=float)
    all_benefit = ranking[columns.TOTAL_BENEFIT].to_numpy(dtype=float)
    ratios = ranking[columns.BENEFIT_COST_RATIO].to_numpy(dtype=float)
    pays_all = all_benefit >= all_cost
    if pays_all.any():
        ax.scatter(all_cost[pays_all], all_benefit[pays_all], color=PALETTE[2], marker="o",
                   s=30, zorder=3, label="pays for itself")
    if (~pays_all).any():
        ax.scatter(all_cost[~pays_all], all_benefit[~pays_all], color=PALETTE[1], marker="s",
                   s=30, zorder=3, label="costs more than it saves")
    # Label the best value for money and the largest savings first, then any other
    # mitigation that pays for itself where its label finds room; list every mitigation
    # that costs more than it saves (the ones a committee would cut) in a box, since
    # they crowd near the origin.
    biggest = list(ranking.nlargest(3, columns.TOTAL_BENEFIT).index)
    losing = ranking[~pays_all].sort_values(columns.BENEFIT_COST_RATIO)
    must = [i for i in list(range(min(top, len(ranking)))) + biggest if pays_all[i]]
    rest = [i for i in range(len(ranking)) if pays_all[i] and i not in must]
    finite_cost = all_cost[np.isfinite(all_cost)]
    finite_benefit = all_benefit[np.isfinite(all_benefit)]
    xmax = max(float(finite_cost.max(initial=0)), 1.0) * 1.15
    ymax = max(float(finite_benefit.max(initial=0)), xmax) * 1.1
    ymin = min(0.0, float(finite_benefit.min(initial=0)) * 1.1)
    ax.plot([0, xmax], [0, xmax], color="0.3", linestyle="--", linewidth=1)
    ax.annotate("break-even", (xmax * 0.97, xmax * 0.97), xytext=(0, -10),
                textcoords="offset points", ha="right", fontsize=8, color="0.3")
    ax.set_xlim(-0.03 * xmax, xmax)
    ax.set_ylim(ymin, ymax)
    ids = ranking[columns.ID].astype(str).tolist()
    labels = [(f"{ids[i]} {ratio_label(ratios[i])}", all_cost[i], all_benefit[i], i in must)
              for i in dict.fromkeys(must + rest) if np.isfinite(all_benefit[i])]
    box_lines: list[str] = []
    if len(losing):  # every mitigation that costs more than it saves, whole names per line
        box_lines = [""]
        for name in (f"{rid} {ratio_label(ratio)}" for rid, ratio in
                     zip(losing[columns.ID], losing[columns.BENEFIT_COST_RATIO])):
            if box_lines[-1] and len(box_lines[-1]) + len(name) > 32:
                box_lines[-1] += ","
                box_lines.append("")
            box_lines[-1] += (", " if box_lines[-1] else "") + name
    # labels keep clear of the legend (top left) and of that box (bottom right), sizes
    # in points as _place_labels estimates them
    keep_clear = [(0.0, -52.0, 150.0, 0.0)]
    if box_lines:
        box_w = max(len(line) for line in [*box_lines, "costs more than it saves:"]) * 7 * 0.56
        keep_clear.append((-box_w - 16, 0.0, 0.0, (len(box_lines) + 1) * 7 * 1.25 + 16))
    _place_labels(ax, labels, list(zip(all_cost, all_benefit)), fontsize=7,
                  keep_clear=keep_clear)
    ax.xaxis.set_major_formatter(_axis_formatter("cost", currency))
    ax.yaxis.set_major_formatter(_axis_formatter("cost", currency))
    ax.set_xlabel("mitigation cost" + (f" ({currency.strip()})" if currency else ""))
    ax.set_ylabel("total benefit (expected saving)")
    ax.grid(True, alpha=0.3)
    if len(ranking):
        ax.legend(loc="upper left", frameon=False, fontsize=8)
    else:
        ax.text(0.5, 0.5, "no mitigations", transform=ax.transAxes, ha="center", color="0.4")
    if box_lines:
        ax.text(0.98, 0.02, "costs more than it saves:\n" + "\n".join(box_lines),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7,
                color=PALETTE[1], bbox={"facecolor": "white", "edgecolor": "0.8",
                                        "boxstyle": "round,pad=0.4"})
    ax.set_title(title or "Mitigations: benefit against cost (× = benefit/cost ratio)")
    return ax


def impact_bands_for(largest: float) -> list[float]:
    """Four round impact boundaries for a 5 x 5 matrix whose largest mean impact is
    ``largest``: the top one the largest of 1, 2, 4 or 8 times a power of ten not above
    40% of it, the others a half, a quarter and an eighth of that (so all are round).

    >>> impact_bands_for(325_000)
    [12500.0, 25000.0, 50000.0, 100000.0]
    >>> impact_bands_for(100_000)
    [5000.0, 10000.0, 20000.0, 40000.0]
    """
    largest = float(largest)
    target = (largest if math.isfinite(largest) and largest > 1e-9 else 1.0) * 0.4
    power = 10.0 ** math.floor(math.log10(target))
    top = max(m * power for m in (1.0, 2.0, 4.0, 8.0) if m * power <= target * (1 + 1e-12))
    return [top / 8, top / 4, top / 2, top]


def _place_labels(ax: Axes, labels: list[tuple[str, float, float, bool]],
                  markers: list[tuple[float, float]], fontsize: float = 7,
                  keep_clear: Sequence[tuple[float, float, float, float]] = ()) -> None:
    """Label points without overprinting: each label (text, x, y, required) takes the
    first of eight positions around its point whose box meets no marker, no placed
    label, no ``keep_clear`` area and stays inside the axes; a required label that finds
    none goes further out on a leader line, an optional one is left out. Sizes are
    estimated in points from the axes' size and the font size. A ``keep_clear`` area
    (x0, y0, x1, y1) is in points from the axes' corner its signs point to: negative y
    from the top, negative x from the right."""
    scale = 72 / ax.figure.dpi  # pixels to points
    width, height = ax.bbox.width * scale, ax.bbox.height * scale
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()

    def to_points(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * width, (y - y0) / (y1 - y0) * height

    taken = [(px - 3.5, py - 3.5, px + 3.5, py + 3.5)
             for px, py in (to_points(x, y) for x, y in markers)]
    for a, b, c, d in keep_clear:
        from_right, from_top = a < 0 or c < 0, b < 0 or d < 0
        taken.append((a + width if from_right else a, b + height if from_top else b,
                      c + width if from_right else c, d + height if from_top else d))
    h = fontsize * 1.25
    for text, x, y, required in labels:
        w = len(text) * fontsize * 0.56
        px, py = to_points(x, y)
        spots = [(5, -h / 2), (-5 - w, -h / 2), (-w / 2, 5), (-w / 2, -5 - h),
                 (4, 4), (4, -4 - h), (-4 - w, 4), (-4 - w, -4 - h)]
        if required:  # further out, on a leader line
            spots += [(dx, dy) for k in range(2, 13) for dx, dy in (
                (6 * k, 5 * k), (6 * k, -h - 5 * k), (-w - 6 * k, 5 * k),
                (-w - 6 * k, -h - 5 * k), (-w / 2, 6 * k), (6 * k, -h / 2))]
        chosen = None
        for k, (dx, dy) in enumerate(spots):
            rect = (px + dx, py + dy, px + dx + w, py + dy + h)
            if rect[0] < 0 or rect[1] < 0 or rect[2] > width or rect[3] > height:
                continue
            if chosen is None and required:
                chosen = (k, dx, dy, rect)  # the fallback: overprinting beats leaving out
            if not any(rect[0] < r[2] and r[0] < rect[2] and rect[1] < r[3]
                       and r[1] < rect[3] for r in taken):
                chosen = (k, dx, dy, rect)
                break
        if chosen is None:
            continue
        k, dx, dy, rect = chosen
        taken.append(rect)
        ax.annotate(text, (x, y), xytext=(dx if dx > 0 else dx + w, dy + h / 2),
                    textcoords="offset points", fontsize=fontsize, va="center",
                    ha="left" if dx > 0 else "right",
                    arrowprops={"arrowstyle": "-", "color": "0.6", "lw": 0.5}
                    if k >= 8 else None)


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
) -> Axes:
    """The 5 x 5 probability–impact matrix with risk ids placed in their cells.

    Impact is the mean impact of the metric given occurrence. ``probability_bands`` and
    ``impact_bands`` are the four inner boundaries of the five bands; by default
    :func:`impact_bands_for` the largest mean impact (round amounts, each band twice the
    one below). Use the same bands for
    ``scenario="mitigated"`` to compare before and after.
    """
    metric = metric_name(metric)
    ax = _axes(ax, (8, 6))
    every = [(r.id, r.exposure(scenario)) for r in register.active_risks]
    dists = [e.cost if metric == "cost" else e.schedule for _, e in every]
    impact = np.array([d.mean if d is not None else 0.0 for d in dists])
    # a threat matrix: opportunities (negative mean impact) are listed, not placed
    opportunities = [rid for (rid, _), v in zip(every, impact) if v < 0]
    risks = [(rid, e) for (rid, e), v in zip(every, impact) if v >= 0]
    impact = impact[impact >= 0]
    p = np.array([e.probability for _, e in risks])
    if impact_bands is None:
        impact_bands = impact_bands_for(float(np.abs(impact).max(initial=0)))
    pb, ib = list(probability_bands), list(impact_bands)
    if len(pb) != 4 or len(ib) != 4 or sorted(pb) != pb or sorted(ib) != ib:
        from .exceptions import OptionError
        raise OptionError("bands", (pb, ib), "four increasing boundaries each")
    row = np.searchsorted(pb, p, side="right")
    col = np.searchsorted(ib, impact, side="right")
    score = (np.arange(5)[:, None] + 1) * (np.arange(5)[None, :] + 1)
    ax.imshow(score, origin="lower", cmap="YlOrRd", vmin=0, vmax=30, aspect="auto",
              extent=(-0.5, 4.5, -0.5, 4.5))
    cells: dict[tuple[int, int], list[str]] = {}
    for r, c, rid in zip(row, col, [rid for rid, _ in risks]):
        cells.setdefault((int(r), int(c)), []).append(rid)
    for (r, c), ids in cells.items():
        shown = ids if len(ids) <= 9 else [*ids[:7], f"+{len(ids) - 7} more"]
        text = "\n".join(textwrap.wrap(", ".join(shown), 18))
        ax.text(c, r, text, ha="center", va="center", fontsize=7,
                color="black" if score[r, c] < 16 else "white")
    fmt = (lambda v: compact(v, currency)) if metric == "cost" else (lambda v: f"{v:,.0f} d")
    edges_i = ["< " + fmt(ib[0])] + [f"{fmt(a)}–\n{fmt(b)}" for a, b in zip(ib, ib[1:])] + \
              ["> " + fmt(ib[-1])]
    edges_p = [f"<{pb[0]:.0%}"] + [f"{a:.0%}–{b:.0%}" for a, b in zip(pb, pb[1:])] + \
              [f">{pb[-1]:.0%}"]
    ax.set_xticks(range(5), edges_i, fontsize=8)
    ax.set_yticks(range(5), edges_p, fontsize=8)
    ax.set_xticks(np.arange(-0.5, 5, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, 5, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    label = f"mean {'cost' if metric == 'cost' else 'delay'} impact if it occurs"
    if opportunities:
        label += "\nnot shown, opportunities: " + short(", ".join(opportunities), 60)
    ax.set_xlabel(label)
    ax.set_ylabel("probability")
    ax.set_title(title or f"Risk heat map ({scenario}, {len(risks)} threats)")
    return ax


def joint_confidence(
    result: SimulationResult,
    cost: float | None = None,
    duration: float | None = None,
    *,
    ax: Axes | None = None,
    level: float = 0.7,
    currency: str | None = None,
    max_points: int = 5_000,
    title: str | None = None,
) -> Axes:
    """Cost against duration per iteration (NASA's joint confidence level chart).

    The targets (default: the P80 of each) are drawn as lines, the joint probability
    P(cost <= C and duration <= T) is printed, and the frontier of (C, T) pairs with a
    joint probability of ``level`` (70% by default: the JCL at which NASA baselines
    programmes) is drawn.
    """
    ax = _axes(ax, (8, 6))
    c, t = result.cost, result.schedule
    cost = result.percentile(0.8, "cost") if cost is None else float(cost)
    duration = result.percentile(0.8, "schedule") if duration is None else float(duration)
    joint = float(np.mean((c <= cost) & (t <= duration)))
    step = max(1, c.size // max_points)
    ax.scatter(t[::step], c[::step], s=4, alpha=0.3, color=PALETTE[0], rasterized=True,
               linewidths=0)
    frontier_t, frontier_c = _jcl_frontier(c, t, level)
    ax.plot(frontier_t, frontier_c, color=PALETTE[1], linewidth=2,
            label=f"{level:.0%} joint confidence frontier")
    ax.axvline(duration, color="0.2", linestyle="--", linewidth=1)
    ax.axhline(cost, color="0.2", linestyle="--", linewidth=1)
    ax.annotate(f"P(cost ≤ {money(cost, currency)} and duration ≤ {duration:,.0f} d) = "
                f"{joint:.0%}", (0.02, 0.97), xycoords="axes fraction", va="top", fontsize=9,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7"})
    ax.yaxis.set_major_formatter(_axis_formatter("cost", currency))
    ax.set_xlabel(_metric_label("schedule", currency, result.has_schedule))
    ax.set_ylabel(_metric_label("cost", currency))
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.grid(True, alpha=0.3)
    ax.set_title(title or "Joint cost and schedule confidence")
    return ax


def _jcl_frontier(cost: np.ndarray, duration: np.ndarray, level: float,
                  points: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(T, C) pairs with P(cost <= C and duration <= T) = level. It starts at the
    largest cost: at the ``level`` quantile of duration any larger C keeps the joint
    probability at ``level``, so the frontier rises vertically to the top."""
    n = cost.size
    need = int(np.ceil(level * n))
    order = np.argsort(duration, kind="stable")
    t_sorted, c_by_t = duration[order], cost[order]
    ts, cs = [t_sorted[need - 1]], [float(cost.max())]
    for m in np.unique(np.linspace(need, n, points).astype(int)):
        prefix = c_by_t[:m]
        ts.append(t_sorted[m - 1])
        cs.append(np.partition(prefix, need - 1)[need - 1])
    return np.array(ts), np.array(cs)


def criticality(
    result: SimulationResult,
    *,
    ax: Axes | None = None,
    top: int = 15,
    title: str | None = None,
    skip: Sequence[str] = (),
    skip_reason: str = "not shown",
) -> Axes:
    """Criticality index per activity (share of iterations on a critical path), top N;
    ties in the order of their mean finish. ``skip``: activity ids left out, named
    under the axis after ``skip_reason`` (the pack leaves out milestones, critical
    whenever the path through them is)."""
    table = result.activity_table()
    table = table[~table["id"].isin(list(skip))].head(top).iloc[::-1]
    ax = _axes(ax, (8, 0.4 * len(table) + 1.5))
    y = np.arange(len(table))
    ax.barh(y, table["criticality"], color=PALETTE[0], height=0.65)
    names = table["name"] if "name" in table else [""] * len(table)
    ax.set_yticks(y, [f"{a}  {short(n, 36)}" for a, n in zip(table["id"], names)], fontsize=8)
    for yi, v in zip(y, table["criticality"]):
        ax.annotate(f"{v:.0%}", (v, yi), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    shown = ", ".join(list(skip)[:8]) + (" …" if len(skip) > 8 else "")
    ax.set_xlabel("criticality index (share of iterations on a critical path)"
                  + (f"\n{skip_reason}: {shown}" if len(skip) else ""))
    ax.set_title(title or "Most critical activities")
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
    ax = _axes(ax, (7, 4.5))
    base = result.base(metric)
    p50, p80 = result.percentile(0.5, metric), result.percentile(0.8, metric)
    steps = [("base", 0.0, base, PALETTE[0]), ("to P50", base, p50 - base, PALETTE[4]),
             ("to P80", p50, p80 - p50, PALETTE[1]), ("P80", 0.0, p80, PALETTE[2])]
    hatches = ("", "//", "xx", "")
    for i, ((label, bottom, height, color), hatch) in enumerate(zip(steps, hatches)):
        ax.bar(i, height, bottom=bottom, color=color, hatch=hatch, edgecolor="white", width=0.6)
        ax.annotate(("+" if label.startswith("to") and height >= 0 else "")
                    + _value_text(height, metric, currency),
                    (i, bottom + height), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=9)
    ax.set_xticks(range(4), [s[0] for s in steps])
    ax.yaxis.set_major_formatter(_axis_formatter(metric, currency))
    ax.set_ylabel(_metric_label(metric, currency, result.has_schedule))
    ax.set_ylim(0, max(p80, base) * 1.12 if max(p80, base) > 0 else 1)
    text = f"contingency at P80: {_value_text(p80 - base, metric, currency)}"
    ax.set_title(f"{title} {text}" if title else f"{metric.capitalize()} {text}")
    return ax


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
    ax = _axes(ax, (7, 4.5))
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
        ax.annotate(f"{text}: {_value_text(y[k], metric, currency)}", (x[k], y[k]),
                    xytext=(0 if low else -8 if late else 8, -10 if low else -2),
                    textcoords="offset points",
                    ha="center" if low else "right" if late else "left",
                    va="top", fontsize=8, color="0.2")
        if best == 0:
            break
    ax.margins(x=0.05, y=0.14)
    ax.xaxis.set_major_formatter(_axis_formatter("cost", currency))
    ax.yaxis.set_major_formatter(_axis_formatter(metric, currency))
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
    ax = _axes(ax, (8, 4.5))
    table = part.table
    steps: list[tuple[str, float, str, str]] = [("estimate\nuncertainty", part.estimate,
                                                 PALETTE[4], "//")]
    shown = table.head(top)
    for rid, value in zip(shown["id"], shown["allocation"]):
        steps.append((str(rid), float(value), PALETTE[1], ""))
    rest = float(table["allocation"].iloc[top:].sum()) + part.unallocated
    if len(table) > top or abs(part.unallocated) > 0.005:
        steps.append(("other\nrisks", rest, PALETTE[3], "xx"))
    ax.bar(0, part.base, color=PALETTE[0], width=0.6)
    ax.annotate(_value_text(part.base, metric, currency), (0, part.base), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=8)
    level = part.base
    for i, (_, height, color, hatch) in enumerate(steps, start=1):
        ax.bar(i, height, bottom=level, color=color, hatch=hatch, edgecolor="white",
               width=0.6)
        ax.annotate(("+" if height >= 0 else "") + _value_text(height, metric, currency),
                    (i, level + max(height, 0)), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        level += height
    last = len(steps) + 1
    ax.bar(last, part.value, color=PALETTE[2], width=0.6)
    ax.annotate(_value_text(part.value, metric, currency), (last, part.value), xytext=(0, 3),
                textcoords="offset points", ha="center", fontsize=8)
    p = columns.label(part.percentile).upper()
    ax.set_xticks(range(last + 1), ["base", *[s[0] for s in steps], p], fontsize=8)
    low = min(part.base, level, part.value)
    high = max(part.base, part.value, level)
    ax.set_ylim(max(0.0, low - 0.35 * (high - low)) if part.base > 0 else 0,
                high + 0.12 * (high - low or 1))
    ax.yaxis.set_major_formatter(_axis_formatter(metric, currency))
    ax.set_ylabel(_metric_label(metric, currency))
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title or f"{metric.capitalize()} contingency at {p}: "
                 f"{_value_text(part.contingency, metric, currency)}")
    return ax
