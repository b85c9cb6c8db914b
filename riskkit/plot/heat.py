"""The probability-impact matrix (heat map) of a register."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from .._format import compact, short
from ..exceptions import OptionError
from ..model import RiskRegister
from ..result import metric_name
from .style import new_axes

__all__ = ["heat_map", "impact_bands_for"]


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
    ax = new_axes(ax, (8, 6))
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
