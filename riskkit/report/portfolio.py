"""The portfolio section of the PDF pack: a summary page for the board (headline numbers
in plain words, the contingency held at each level, the allocation table, which projects
most need contingency), the portfolio's charts, and a page per programme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..analysis.portfolio import Level, PortfolioResult
from ..plot.portfolio import (
    contingency_bridge,
    portfolio_heat_map,
    portfolio_s_curves,
    project_confidence,
)
from .layout import A4_LANDSCAPE, check_folder, draw_table, fit_lines, page, save

__all__ = ["board_lines", "portfolio_pages", "write_portfolio_pack"]


_WIDTH = A4_LANDSCAPE[0] * 72 * 0.92  # points of text across the page


def _say(fig: Figure, y: float, text: str, size: float = 10.5) -> float:
    """``text`` wrapped to the page's width from ``y`` down; the next line's y."""
    lines = fit_lines(text, size, _WIDTH, lines=4)
    fig.text(0.04, y, "\n".join(lines), fontsize=size, va="top")
    return y - len(lines) * size * 1.45 / (A4_LANDSCAPE[1] * 72) - 0.015


def _pct(p: float | None) -> str:
    return "—" if p is None else f"{p:.0%}"


def _chances(lv: Level) -> str:
    """P(within budget) and P(on time) of a level in words, or why there is none."""
    budget = "no budget for every project" if lv.p_within_budget is None else \
        f"P(within budget) {_pct(lv.p_within_budget)}"
    time = "no project with a deadline" if lv.p_on_time is None else \
        f"P(every deadline met) {_pct(lv.p_on_time)}"
    return f"{budget}; {time}."


def board_lines(result: PortfolioResult) -> list[str]:
    """The board page's headline sentences, every figure from ``result``."""
    m, pf = result.money, result.portfolio
    c = pf.statistics("cost")
    total = sum(p.contingency_p80 for p in result.projects.values())
    alloc = result.allocation()
    top = alloc.head(3)
    need = ", ".join(f"{r.project} ({m(r.allocated_contingency_p80)})"
                     for r in top.itertuples())
    lines = [f"{len(result.projects)} projects in {len(result.programmes)} programmes, "
             f"base cost {m(c['base'])}: we are 80% confident the portfolio costs no more "
             f"than {m(c['p80'])} (P50 {m(c['p50'])}, P90 {m(c['p90'])}).",
             f"Portfolio contingency at P80: {m(pf.contingency_p80)}. Held project by "
             f"project it would be {m(total)}; pooling it frees "
             f"{m(result.diversification_benefit_p80)} (the diversification benefit).",
             f"Projects that most need contingency: {need}."]
    if pf.p_within_budget is not None:
        lines.append(f"Chance the whole portfolio stays within its budget of "
                     f"{m(pf.budget or 0.0)}: {_pct(pf.p_within_budget)}.")
    if pf.p_on_time is not None:
        lines.append(f"Chance every project with a deadline meets it: "
                     f"{_pct(pf.p_on_time)}.")
    return lines


def _levels_table(result: PortfolioResult) -> tuple[list[list[str]], list[str]]:
    m = result.money
    rows = []
    for lv in [result.portfolio, *result.programmes.values()]:
        c = lv.statistics("cost")
        rows.append([lv.name if lv.kind == "programme" else "Portfolio", m(c["base"]),
                     m(c["p80"]), m(lv.contingency_p80), m(lv.allocated),
                     _pct(lv.p_within_budget)])
    return rows, ["level", "base", "cost P80", "own P80 contingency",
                  "allocated from portfolio", "P(within budget)"]


def _allocation_rows(result: PortfolioResult, projects: tuple[str, ...] | None = None
                     ) -> list[list[str]]:
    """The allocation table's rows; a programme's (``projects``) without the programme
    column, which would repeat its name on every row."""
    m = result.money
    alloc = result.allocation()
    if projects is not None:
        alloc = alloc[alloc["project"].isin(projects)]
    return [[r.project, *([] if projects is not None else [r.programme]),
             m(r.contingency_p80), m(r.allocated_contingency_p80), f"{r.share:.0%}",
             m(r.released)] for r in alloc.itertuples()]


_ALLOC_HEAD = ["project", "programme", "own P80 contingency", "allocated", "share",
               "released by pooling"]


def portfolio_pages(result: PortfolioResult, footer: str = "") -> list[Figure]:
    """Board summary, the portfolio's charts, then one page per programme."""
    pages = []
    fig = page("Portfolio: summary for the board", footer)
    y = 0.88
    for line in board_lines(result):
        y = _say(fig, y, "• " + line)
    rows, head = _levels_table(result)
    ax = fig.add_axes((0.04, y - 0.2, 0.92, 0.19))
    draw_table(ax, rows, head, [0.2, 0.14, 0.14, 0.18, 0.2, 0.14], fontsize=8.5)
    top = y - 0.25
    fig.text(0.04, top, "Contingency allocated back to projects (Euler allocation at the "
             "portfolio's P80; the allocations add up to the portfolio's contingency)",
             fontsize=9.5, fontweight="bold", va="top")
    ax = fig.add_axes((0.04, 0.04, 0.92, top - 0.07))
    draw_table(ax, _allocation_rows(result), _ALLOC_HEAD,
               [0.22, 0.14, 0.18, 0.14, 0.1, 0.22], fontsize=8.5, lines=1)
    pages.append(fig)

    fig = page("Portfolio: cost confidence and the contingency bridge", footer)
    left, right = fig.subplots(1, 2)
    portfolio_s_curves(result, ax=left)
    contingency_bridge(result, ax=right, title="Sum of project P80s → portfolio P80")
    pages.append(fig)

    fig = page("Portfolio: projects by confidence, and their cost percentiles", footer)
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    project_confidence(result, ax=left)
    portfolio_heat_map(result, ax=right, title="Cost P50 / P80 / P90 against each budget")
    pages.append(fig)

    for name, lv in result.programmes.items():
        m = result.money
        c = lv.statistics("cost")
        fig = page(f"Programme: {name}", footer)
        _say(fig, 0.88, f"{len(lv.projects)} projects, base {m(c['base'])}, P80 "
                 f"{m(c['p80'])}. Own P80 contingency {m(lv.contingency_p80)}; its share of "
                 f"the portfolio's {m(lv.allocated)}. " + _chances(lv))
        portfolio_s_curves(result, name, ax=fig.add_axes((0.08, 0.1, 0.40, 0.66)))
        ax = fig.add_axes((0.54, 0.1, 0.43, 0.66))
        draw_table(ax, _allocation_rows(result, lv.projects),
                   [h for h in _ALLOC_HEAD if h != "programme"],
                   [0.3, 0.2, 0.17, 0.11, 0.22], fontsize=9)
        pages.append(fig)
    return pages


def write_portfolio_pack(result: PortfolioResult, path: str | Path,
                         footer: str = "") -> Path:
    """Write the portfolio pack to ``path`` (PDF)."""
    out = Path(path)
    check_folder(out)
    meta: dict[str, Any] = {"Title": "Portfolio risk pack", "Creator": "riskkit"}
    save(out, portfolio_pages(result, footer), meta)
    return out
