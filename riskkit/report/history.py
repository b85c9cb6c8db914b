"""The register-over-time pack: "what changed since last time" (the movement of the
P80 attributed to the kinds of change, in money and in days, and the changes that moved
it most), how each risk moved on the heat map, and, over several snapshots, the
contingency drawdown and the open risks by severity.

Presentation only: the pages take a :class:`~riskkit.analysis.history.Comparison` and a
:class:`~riskkit.analysis.trend.Trend` and never simulate.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .. import plot
from .._format import money, plural
from .._version import __version__
from ..analysis.history import Change, Comparison
from ..analysis.trend import Trend
from ..exceptions import OptionError
from .layout import A4_LANDSCAPE, INK, LEFT, check_folder, draw_table, fit_lines, now, page, save

__all__ = ["change_page", "drawdown_page", "history_pages", "severity_page",
           "top_changes", "trajectory_page", "write_history_pack"]

_WIDTH = A4_LANDSCAPE[0] * 72 * (1 - 2 * LEFT)  # points of text across the page
_HEIGHT = A4_LANDSCAPE[1] * 72


def _say(fig: Figure, y: float, text: str, size: float = 10.5, lines: int = 3,
         bold: bool = False, color: str = INK) -> float:
    """``text`` wrapped to the page's width from ``y`` (a figure fraction) down; the y
    below it."""
    out = fit_lines(text, size, _WIDTH, lines=lines, bold=bold)
    fig.text(LEFT, y, "\n".join(out), fontsize=size, va="top", color=color,
             fontweight="bold" if bold else "normal", linespacing=1.3)
    return y - len(out) * size * 1.3 / _HEIGHT - 0.012


def _signed(value: float, cur: str | None) -> str:
    text = money(value, cur)
    return "0" if text.strip(" -0,.£$€" + (cur or "")) == "" else (
        "+" + text if value > 0 else text)


def _signed_days(value: float) -> str:
    if abs(value) < 0.05:
        return "0 d"
    return f"{value:+,.1f} d"


def _when(c: Comparison) -> tuple[str, str]:
    return (str(c.old_as_of) if c.old_as_of is not None else "the old snapshot",
            str(c.new_as_of) if c.new_as_of is not None else "the new snapshot")


def top_changes(c: Comparison, top: int = 10) -> list[Change]:
    """The changes that moved the totals most, largest first: ordered by the larger of
    a change's share of the biggest cost P80 effect and of the biggest schedule P80
    effect, so a change that moves only the finish is ranked as one that moves only
    the cost by as much of the largest (the mean breaks ties)."""
    changes = list(c.changes)
    if not changes:
        return []
    scale = {m: max(abs(getattr(x, m)) for x in changes) or 1.0
             for m in ("cost_p80", "schedule_p80", "cost_mean", "schedule_mean")}

    def weight(x: Change) -> tuple[float, float]:
        return (max(abs(x.cost_p80) / scale["cost_p80"],
                    abs(x.schedule_p80) / scale["schedule_p80"]),
                max(abs(x.cost_mean) / scale["cost_mean"],
                    abs(x.schedule_mean) / scale["schedule_mean"]))

    return sorted(changes, key=weight, reverse=True)[:top]


def headline(c: Comparison, cur: str | None) -> str:
    """The page's first sentences: how the P80s moved and what moved them most."""
    old, new = _when(c)
    cost = (f"Since {old}, the cost P80 has moved {_signed(c.movement('cost_p80'), cur)} "
            f"(from {money(c.stat(c.old, 'cost_p80'), cur)} to "
            f"{money(c.stat(c.new, 'cost_p80'), cur)})")
    sched = (f" and the {'finish' if c.old.has_schedule else 'delay'} P80 "
             f"{_signed_days(c.movement('schedule_p80'))} (from "
             f"{c.stat(c.old, 'schedule_p80'):,.1f} to {c.stat(c.new, 'schedule_p80'):,.1f} "
             "working days)")
    text = cost + sched + "."
    if c.attribution:
        kind = max(c.attribution, key=lambda k: abs(c.attribution[k]["cost_p80"]))
        share = c.attribution[kind]["cost_p80"]
        n = sum(1 for x in c.changes if x.kind == kind)
        text += (f" The largest part of the cost movement is {_signed(share, cur)} from "
                 f"{plural(n, kind + ' change')}" if kind != "other" else
                 f" The largest part of the cost movement is {_signed(share, cur)} from "
                 f"{plural(n, 'other change')}")
        biggest = top_changes(c, 1)[0]
        text += (f"; the single largest change is {biggest.id} ({biggest.detail}), "
                 f"{_signed(biggest.cost_p80, cur)} on the cost P80 by itself.")
    else:
        text += " Nothing a simulation reads has changed."
    return text


def change_page(c: Comparison, cur: str | None, footer: str, top: int = 10) -> Figure:
    """What changed since last time: a sentence, the waterfalls of the cost P80 (money)
    and the schedule P80 (days) by kind of change, and the top changes by effect."""
    old, new = _when(c)
    fig = page(f"What changed since last time: {old} → {new}", footer)
    y = _say(fig, 0.9, headline(c, cur))
    y = _say(fig, y + 0.004, "Both snapshots are simulated on the same random numbers (each "
             "risk's draws are keyed by its id), so the movement is the changes' own, not "
             "Monte Carlo noise. Each bar is one kind of change's share of the movement (its "
             "Shapley value: the average of its effect over every order of applying the "
             "kinds); the shares add up exactly to the movement.", size=8.5, color="0.3")
    grid = fig.add_gridspec(2, 2, height_ratios=[1.1, 1], top=y - 0.035, bottom=0.04,
                            left=0.075, right=0.985, hspace=0.42, wspace=0.16)
    plot.change_waterfall(c, "cost_p80", ax=fig.add_subplot(grid[0, 0]), currency=cur)
    plot.change_waterfall(c, "schedule_p80", ax=fig.add_subplot(grid[0, 1]))
    for ax in fig.axes:
        ax.title.set_fontsize(10)
        ax.tick_params(axis="x", labelsize=8 if len(c.attribution) < 6 else 7)
    ax = fig.add_subplot(grid[1, :])
    if not c.changes:
        ax.axis("off")
        ax.set_title("No risk changed in a way a simulation reads (titles, owners and "
                     "descriptions are not compared): the two snapshots give the same "
                     "numbers.", fontsize=9.5, loc="left", color="0.3")
        return fig
    chosen = top_changes(c, top)
    rows = [[x.id, (Path(x.title).name if x.kind == "schedule" and x.title else
                    x.title or ""), x.kind, x.detail, _signed(x.cost_p80, cur),
             _signed(x.cost_mean, cur), _signed_days(x.schedule_p80),
             _signed_days(x.schedule_mean)] for x in chosen]
    more = len(c.changes) - len(chosen)
    word = "finish" if c.old.has_schedule else "delay"
    draw_table(ax, rows, ["risk", "title", "kind", "what changed", "cost P80", "cost mean",
                          f"{word} P80", f"{word} mean"],
               [0.07, 0.24, 0.09, 0.25, 0.08, 0.08, 0.08, 0.08], fontsize=8.5, lines=2)
    caption = (f"{'The ' + str(len(chosen)) + ' changes' if more else 'The changes'} that "
               "moved the P80s most, each measured alone on the old snapshot"
               + (f" ({more} more: riskkit compare lists them all)" if more else "")
               + (". Effects taken alone do not add up to the movement; the waterfall's "
                  "shares do." if len(chosen) > 1 else "."))
    ax.set_title("\n".join(fit_lines(caption, 8.5, _WIDTH * 0.9)), fontsize=8.5, loc="left",
                 color="0.3")
    return fig


def trajectory_page(snapshots: Comparison | Trend, cur: str | None, footer: str) -> Figure:
    """Each risk's path on the cost and the schedule heat map (arrows from its old
    position to its new one)."""
    if isinstance(snapshots, Comparison):
        first, last = _when(snapshots)
    else:
        first, last = snapshots.snapshots[0].label, snapshots.snapshots[-1].label
    fig = page(f"How each risk moved on the heat map: {first} → {last}", footer)
    top = _say(fig, 0.9, "An arrow runs from a risk's first position to its last (through "
               "the dates between); within a cell a risk sits where its value lies. "
               "Threats only; the bands are shared by every snapshot.", size=8.5,
               color="0.3") - 0.04
    grid = fig.add_gridspec(1, 2, top=top, bottom=0.1, left=0.06, right=0.88, wspace=0.42)
    axes = [fig.add_subplot(grid[0]), fig.add_subplot(grid[1])]
    plot.heat_trajectory(snapshots, "cost", ax=axes[0], currency=cur,
                         title="Cost: probability and mean cost if it occurs")
    plot.heat_trajectory(snapshots, "schedule", ax=axes[1],
                         title="Schedule: probability and mean delay if it occurs")
    for ax in axes:
        ax.title.set_fontsize(10)
    return fig


def _trend_rows(t: Trend, cur: str | None) -> tuple[list[list[str]], list[str]]:
    frame = t.to_frame()
    rows = []
    for snap, r in zip(t.snapshots, frame.to_dict(orient="records")):
        held = r["budget"]
        known = held is not None and not (isinstance(held, float) and np.isnan(held))
        rows.append([snap.label, str(r["open_risks"]), money(r["cost_mean"], cur),
                     money(r["cost_p50"], cur), money(r["cost_p80"], cur),
                     money(r["contingency_p80"], cur), money(held, cur) if known else "—",
                     _signed(r["headroom"], cur) if known else "—",
                     f"{r['p_within_budget']:.0%}" if known else "—",
                     f"{r['schedule_p80']:,.1f} d"])
    return rows, ["as of", "open risks", "cost mean", "cost P50", "cost P80",
                  "needed (P80)", "held", "headroom", "confidence", "schedule P80"]


def drawdown_page(t: Trend, cur: str | None, footer: str) -> Figure:
    """The contingency drawdown: mean, P50 and P80 over the snapshots against base +
    the contingency held, and the figures as a table."""
    fig = page(f"Contingency drawdown over {plural(len(t.snapshots), 'snapshot')}", footer)
    top = _say(fig, 0.9, "Needed: the cost P80 less the base cost. Held: the contingency "
               "given for that date. Headroom: held less needed (green where the "
               "contingency covers the P80, red where it falls short). Confidence: the "
               "chance the cost stays within base + held. Every snapshot is simulated on "
               "the same seed, so the lines move with the register, not with Monte Carlo "
               "noise.", size=8.5, color="0.3") - 0.04
    grid = fig.add_gridspec(2, 1, height_ratios=[2.2, 1], hspace=0.3, top=top,
                            bottom=0.05, left=0.08, right=0.82)
    plot.contingency_trend(t, ax=fig.add_subplot(grid[0]), currency=cur,
                           title="Cost mean, P50 and P80 against the contingency held")
    ax = fig.add_subplot(grid[1])
    rows, head = _trend_rows(t, cur)
    draw_table(ax, rows, head, [0.11, 0.08, 0.1, 0.1, 0.1, 0.11, 0.1, 0.1, 0.09, 0.11],
               fontsize=8.5, lines=2)
    return fig


def severity_moves(t: Trend) -> list[list[str]]:
    """The risks whose severity differs between the first and the last snapshot (or
    that entered or left the register between them): id, title, first, last."""
    levels = t.severities()
    first = levels[0].set_index("id")
    last = levels[-1].set_index("id")
    rank = {name: i for i, name in enumerate(("opportunity", "low", "medium", "high",
                                              "very high"))}
    rows = []
    for rid in [*last.index, *(i for i in first.index if i not in last.index)]:
        a = first["severity"].get(rid)
        b = last["severity"].get(rid)
        if a == b:
            continue
        title = (last if rid in last.index else first)["title"].get(rid) or ""
        rows.append((rank.get(str(b), -1) - rank.get(str(a), -1), rid, title,
                     "— (not open)" if a is None else str(a),
                     "— (closed)" if b is None else str(b)))
    rows.sort(key=lambda r: (-abs(r[0]), r[1]))
    return [list(r[1:]) for r in rows]


def severity_page(t: Trend, footer: str) -> Figure:
    """Open risks by severity at each date, and the risks whose severity changed."""
    fig = page("Open risks by severity over time", footer)
    top = _say(fig, 0.9, "Severity: a risk's level on the heat map (probability band × "
               "impact band), the higher of its cost and its schedule level, on bands "
               "shared by every snapshot.", size=8.5, color="0.3") - 0.04
    grid = fig.add_gridspec(1, 2, width_ratios=[1, 1.1], wspace=0.32, top=top,
                            bottom=0.07, left=0.06, right=0.98)
    plot.severity_trend(t, ax=fig.add_subplot(grid[0]),
                        title="Open risks by severity (heat-map level)")
    ax = fig.add_subplot(grid[1])
    moves = severity_moves(t)
    first, last = t.snapshots[0].label, t.snapshots[-1].label
    shown = moves[:18]
    draw_table(ax, shown, ["risk", "title", first, last], [0.12, 0.46, 0.21, 0.21],
               fontsize=9, lines=2)
    more = len(moves) - len(shown)
    ax.set_title(f"Risks whose severity changed, {first} → {last}"
                 + (f" (the first {len(shown)} of {len(moves)})" if more else ""),
                 fontsize=10, loc="left")
    return fig


def history_pages(comparison: Comparison | None = None, trend: Trend | None = None, *,
                  currency: str | None = None, footer: str = "") -> list[Figure]:
    """The pages: with a ``comparison``, what changed (and, without a trend of three
    snapshots or more, how the risks moved on the heat map); with a ``trend``, the
    contingency drawdown, the open risks by severity and how the risks moved over
    all of its snapshots."""
    if comparison is None and trend is None:
        raise OptionError("comparison", None, "a Comparison, a Trend or both")
    pages: list[Figure] = []
    if comparison is not None:
        pages.append(change_page(comparison, currency, footer))
    if trend is not None:
        pages.append(drawdown_page(trend, currency, footer))
        pages.append(severity_page(trend, footer))
        if len(trend.snapshots) > 1:
            pages.append(trajectory_page(trend, currency, footer))
    elif comparison is not None:
        pages.append(trajectory_page(comparison, currency, footer))
    return pages


def write_history_pack(path: str | os.PathLike[str], comparison: Comparison | None = None,
                       trend: Trend | None = None, *, title: str | None = None,
                       currency: str | None = None,
                       sources: Sequence[str] = ()) -> Path:
    """Write the register-over-time pack (:func:`history_pages`) to ``path``, a PDF.
    With ``SOURCE_DATE_EPOCH`` set, identical inputs give identical bytes.

    Examples
    --------
    >>> import riskkit as rk, tempfile, os, warnings
    >>> warnings.simplefilter("ignore")
    >>> files = [f"sample_registers/office_fitout_2024-0{m}.csv" for m in (2, 3)]
    >>> c = rk.compare(*files, iterations=1_000, seed=1)
    >>> rk.write_history_pack(os.path.join(tempfile.mkdtemp(), "changes.pdf"), c).suffix
    '.pdf'
    """
    out = Path(path)
    check_folder(out)
    if out.suffix.lower() != ".pdf":
        raise OptionError("path", os.fspath(path), "a .pdf file")
    first = comparison.old if comparison is not None else trend.results[0]  # type: ignore[union-attr]
    if not sources:
        sources = ([s.source for s in trend.snapshots] if trend is not None else
                   [str(comparison.old.source), str(comparison.new.source)]  # type: ignore[union-attr]
                   )
    name = title or "The register over time: " + " → ".join(
        Path(s).name for s in (sources[0], sources[-1]))
    footer = (f"{name} · riskkit {__version__} · {first.iterations:,} iterations · seed "
              f"{first.seed} · common random numbers")
    when = now()
    metadata = {"Title": name, "Author": "riskkit", "Subject": "Register over time",
                "Creator": f"riskkit {__version__}", "Producer": f"riskkit {__version__}",
                "CreationDate": when, "Keywords": "risk; snapshots; attribution"}
    save(out, history_pages(comparison, trend, currency=currency, footer=footer), metadata)
    return out
