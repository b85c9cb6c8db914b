"""What drives the outcome and what mitigations buy: tornado and benefit-cost charts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from .._format import compact, ratio_label
from ..analysis import Drivers, Ranking, columns
from ..result import metric_name
from .style import PALETTE, axis_formatter, new_axes, wrap

__all__ = ["mitigation_ranking", "place_labels", "tornado"]


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
    """The risks that move the percentile most: how much each adds to it, measured as
    its reduction when that risk alone is removed (from :func:`riskkit.risk_drivers`),
    labelled with the id and the title (on two lines where it needs them).

    Threats add to the percentile (bars to the right); opportunities lower it (bars to
    the left, green and hatched, labelled as savings). Of the ``top`` bars, up to a
    third (at least one) go to the opportunities with the largest savings when there
    are any, the rest to the largest threats. An opportunity is a row whose expected
    reduction is negative (removing it raises the mean). A plain DataFrame needs the
    drivers columns and its ``percentile`` (default 0.8).

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> ax = rk.plot.tornado(rk.risk_drivers(reg, iterations=2_000, rng=1), top=8)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['threat: adds to the P80', 'opportunity: saves']
    """
    metric = metric_name(metric)
    if isinstance(drivers, Drivers):
        q = drivers.percentile if percentile is None else percentile
        drivers = drivers.table
    else:
        q = 0.8 if percentile is None else percentile
    column = columns.reduction(metric, q)
    expected = columns.reduction(metric, q, kind="expected")
    value = drivers[column].astype(float)
    saving = (drivers[expected] < 0) if expected in drivers else value < 0
    saving &= value < 0
    threats = drivers[~saving].sort_values(column, ascending=False, kind="stable")
    savings = drivers[saving].sort_values(column, ascending=True, kind="stable")
    n_save = min(len(savings), max(1, top // 3)) if len(savings) else 0
    n_save = max(n_save, top - len(threats))  # room the threats leave
    table = pd.concat([threats.head(top - n_save), savings.head(n_save)]).iloc[::-1]
    ax = new_axes(ax, (8, 0.45 * len(table) + 1.5))
    titles = table.get(columns.TITLE, table[columns.ID])
    labels = ["\n".join(wrap(f"{i}  {'' if t is None else t}", 34)) or str(i)
              for i, t in zip(table[columns.ID], titles)]
    values = table[column].to_numpy(dtype=float)
    kinds = saving.loc[table.index].to_numpy(dtype=bool)
    y = np.arange(len(table), dtype=float)
    y[~kinds] += 0.5 if kinds.any() else 0.0  # a gap between opportunities and threats
    ax.barh(y[~kinds], values[~kinds], color=PALETTE[1], height=0.65,
            label=f"threat: adds to the {columns.label(q).upper()}")
    if kinds.any():
        ax.barh(y[kinds], values[kinds], color=PALETTE[2], height=0.65, hatch="//",
                edgecolor="white", label="opportunity: saves")
    ax.set_yticks(y, labels, fontsize=8)
    span = max(np.abs(values).max(initial=0), 1e-9)
    for yi, v, kind in zip(y, values, kinds):
        text = compact(v, currency) if metric == "cost" else f"{v:,.1f} d"  # one format
        if kind:  # right of the zero line, clear of the labels on the left
            text = "saves " + (compact(-v, currency) if metric == "cost" else f"{-v:,.1f} d")
        ax.annotate(text, (max(v, 0.0), yi), xytext=(4, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8)
    ax.set_xlim(min(0, values.min(initial=0)) - 0.05 * span,
                values.max(initial=0) + 0.25 * span)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(axis_formatter(metric, currency))
    label = columns.label(q).upper()
    unit = f" ({currency.strip()})" if currency and metric == "cost" else \
        "" if metric == "cost" else " (working days)"
    ax.set_xlabel(f"what each risk adds to the {label}{unit}\n(the {label} reduction if it "
                  f"were removed)")
    if kinds.any():
        ax.legend(loc="lower right", frameon=False, fontsize=8)
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
    ax = new_axes(ax)
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
    # in points as place_labels estimates them
    keep_clear = [(0.0, -52.0, 150.0, 0.0)]
    if box_lines:
        box_w = max(len(line) for line in [*box_lines, "costs more than it saves:"]) * 7 * 0.56
        keep_clear.append((-box_w - 16, 0.0, 0.0, (len(box_lines) + 1) * 7 * 1.25 + 16))
    place_labels(ax, labels, list(zip(all_cost, all_benefit)), fontsize=7,
                  keep_clear=keep_clear)
    ax.xaxis.set_major_formatter(axis_formatter("cost", currency))
    ax.yaxis.set_major_formatter(axis_formatter("cost", currency))
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


def place_labels(ax: Axes, labels: list[tuple[str, float, float, bool]],
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
