"""Charts of a portfolio: S-curves of the portfolio or a programme with its projects',
the contingency bridge from the sum of project P80 contingencies to the portfolio's,
projects on P(on budget) against P(on time) sized by budget, and a heat map by project."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from .._format import currency_symbol
from ..analysis.portfolio import PortfolioResult
from .style import LINESTYLES, PALETTE, axis_formatter, new_axes, value_text

__all__ = ["contingency_bridge", "portfolio_heat_map", "portfolio_s_curves",
           "project_confidence"]


def _cdf(ax: Axes, values: np.ndarray, **kw: object) -> None:
    v = np.sort(values)
    ax.plot(v, np.arange(1, v.size + 1) / v.size, **kw)  # type: ignore[arg-type]


def portfolio_s_curves(
    result: PortfolioResult,
    programme: str | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The cost S-curve of the portfolio (or of ``programme``) in bold, and its
    programmes' (or projects') curves thin, with the level's P80 marked."""
    ax = new_axes(ax, (8, 4.5))
    lv = result.level("programme", programme) if programme else result.portfolio
    parts = ([result.projects[p] for p in lv.projects] if programme
             else list(result.programmes.values()))
    for i, part in enumerate(parts):
        _cdf(ax, part.cost, color=PALETTE[(i + 1) % len(PALETTE)],
             linestyle=LINESTYLES[(i + 1) % len(LINESTYLES)], linewidth=1.2,
             label=part.name)
    _cdf(ax, lv.cost, color=PALETTE[0], linewidth=2.6, label=lv.name)
    p80 = float(np.percentile(lv.cost, 80))
    ax.axhline(0.8, color="0.6", linewidth=0.8, linestyle=":")
    ax.axvline(p80, color=PALETTE[0], linewidth=0.8, linestyle=":")
    sym = currency_symbol(result.currency)
    ax.annotate(f"P80 {value_text(p80, 'cost', sym)}", (p80, 0.8),
                xytext=(4, -14), textcoords="offset points", fontsize=9)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_formatter(axis_formatter("cost", sym))
    ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    ax.set_xlabel(f"cost ({result.currency})" if result.currency else "cost")
    ax.set_ylabel("probability cost ≤ x")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(title or f"{lv.name}: cost S-curve with its "
                 f"{'projects' if programme else 'programmes'}")
    return ax


def contingency_bridge(
    result: PortfolioResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """The sum of the projects' P80 contingencies, the diversification benefit taken
    off, and the portfolio's P80 contingency."""
    ax = new_axes(ax, (8, 4.5))
    total = sum(p.contingency_p80 for p in result.projects.values())
    benefit = result.diversification_benefit_p80
    own = result.portfolio.contingency_p80
    cur = currency_symbol(result.currency)
    ax.bar(0, total, color=PALETTE[0], width=0.6, edgecolor="white")
    ax.bar(1, -benefit, bottom=total, color=PALETTE[2], width=0.6, edgecolor="white",
           hatch="//")
    ax.bar(2, own, color=PALETTE[4 % len(PALETTE)], width=0.6, edgecolor="white")
    for x, v, top in ((0, total, total), (1, -benefit, total), (2, own, own)):
        ax.annotate(value_text(v, "cost", cur), (x, top), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize=9)
    ax.set_xticks([0, 1, 2], ["sum of project\nP80 contingencies", "diversification\nbenefit",
                              "portfolio P80\ncontingency"])
    ax.yaxis.set_major_formatter(axis_formatter("cost", cur))
    ax.set_ylim(0, max(total, own) * 1.15 or 1.0)
    ax.set_ylabel(f"contingency ({result.currency})" if cur else "contingency")
    ax.set_title(title or "Contingency held once for the portfolio, not once per project")
    return ax


def project_confidence(
    result: PortfolioResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Each project at (P(on budget), P(on time)), its bubble's area proportional to its
    budget; a project without a deadline sits on the right edge (on time = 100 %) with a
    hollow marker, one without a budget is left out."""
    ax = new_axes(ax, (8, 5))
    rows = [(k, lv) for k, lv in result.projects.items() if lv.budget is not None]
    biggest = max((lv.budget or 0.0 for _, lv in rows), default=1.0) or 1.0
    programmes = list(result.programmes)
    programme = {p: k for k, lv in result.programmes.items() for p in lv.projects}
    hollow: list[tuple[float, str]] = []
    for name, lv in rows:
        pb = lv.p_within_budget or 0.0
        pt = lv.p_on_time
        colour = PALETTE[programmes.index(programme[name]) % len(PALETTE)]
        size = 80 + 1400 * (lv.budget or 0.0) / biggest
        ax.scatter(pb, 1.0 if pt is None else pt, s=size, alpha=0.55 if pt is not None else 1,
                   facecolor=colour if pt is not None else "none", edgecolor=colour,
                   linewidth=1.5)
        if pt is None:
            hollow.append((pb, name))
        else:
            ax.annotate(name, (pb, pt), xytext=(0, -4), textcoords="offset points",
                        va="top", ha="center", fontsize=7)
    for i, prog in enumerate(programmes):
        ax.scatter([], [], s=60, color=PALETTE[i % len(PALETTE)], alpha=0.55, label=prog)
    ax.axvline(0.8, color="0.6", linewidth=0.8, linestyle=":")
    ax.axhline(0.8, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_xlim(-0.05, 1.08)
    ax.set_ylim(-0.05, 1.12)
    _fan_out(ax, sorted(hollow))  # once the limits are set: it measures in them
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("P(within budget)")
    ax.set_ylabel("P(on time)  (hollow: no deadline)")
    ax.legend(fontsize=8, loc="lower left", title="bubble area: budget", title_fontsize=8)
    ax.set_title(title or "Projects: confidence of budget and of deadline")
    return ax


def _fan_out(ax: Axes, points: list[tuple[float, str]], fontsize: float = 7) -> None:
    """Label the projects on the 100 % line (no deadline), sorted by x, in a column
    below the line on either side of them, on leader lines that do not cross: the left
    half's leftmost point gets the column's top label, the right half's rightmost."""
    if not points:
        return
    if len(points) == 1:
        ax.annotate(points[0][1], (points[0][0], 1.0), xytext=(0, 9),
                    textcoords="offset points", ha="center", va="bottom", fontsize=fontsize)
        return
    lo, hi = points[0][0], points[-1][0]
    # the width of the widest label in x units (axes about 4 in wide when this is drawn)
    axes_pts = max(ax.bbox.width * 72 / ax.figure.dpi, 1.0)
    x0, x1 = ax.get_xlim()
    wide = max(len(n) for _, n in points) * fontsize * 0.56 / axes_pts * (x1 - x0)
    gap = 0.07 * (x1 - x0)
    left_room = lo - gap - wide >= x0
    right_room = hi + gap + wide <= x1
    half = (len(points) + 1) // 2 if left_room and right_room else \
        (len(points) if left_room else 0)
    step = fontsize * 1.9 / max(ax.bbox.height * 72 / ax.figure.dpi, 1.0) * \
        (ax.get_ylim()[1] - ax.get_ylim()[0])
    sides = ((points[:half], lo - gap, "right"), (points[half:][::-1], hi + gap, "left"))
    for group, x, ha in sides:
        for k, (px, name) in enumerate(group):
            ax.annotate(name, (px, 1.0), xytext=(x, 0.95 - k * step), textcoords="data",
                        ha=ha, va="center", fontsize=fontsize,
                        arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5,
                                    "shrinkA": 0, "shrinkB": 4})


def portfolio_heat_map(
    result: PortfolioResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
) -> Axes:
    """Projects × cost P50, P80, P90 as a fraction of the project's budget (the colour;
    of its base when it has no budget), each cell labelled with its figure."""
    ax = new_axes(ax, (8, 5))
    names = list(result.projects)
    cols = ("p50", "p80", "p90")
    grid = np.array([[result.projects[n].statistics("cost")[c] for c in cols]
                     for n in names])
    base = np.array([result.projects[n].budget or result.projects[n].base_cost or 1.0
                     for n in names])[:, None]
    rel = grid / base
    sym = currency_symbol(result.currency)
    ax.imshow(rel, cmap="YlOrRd", aspect="auto", vmin=0.5, vmax=1.5)
    for i in range(len(names)):
        for j in range(len(cols)):
            ax.text(j, i, f"{value_text(grid[i, j], 'cost', sym)}\n"
                    f"{rel[i, j]:.0%} of budget", ha="center", va="center", fontsize=8,
                    color="white" if rel[i, j] > 1.25 else "black")
    ax.set_xticks(range(len(cols)), ["cost P50", "cost P80", "cost P90"])
    ax.set_yticks(range(len(names)), names)
    ax.set_title(title or "Projects: cost percentiles (colour: share of the budget)")
    return ax
