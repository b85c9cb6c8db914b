"""What every page of the pack shares: the page, text that wraps to its width and flows
onto another page rather than off this one, tables whose cells wrap, dates, saving.

Text is measured with matplotlib's own font metrics (``TextToPath``), so a line is
broken where it would reach the margin, whatever the font size or the characters.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from ..exceptions import InputError, Problem
from ..plot.style import date_text, wrap
from ..result import SimulationResult

__all__ = ["A4_LANDSCAPE", "BOTTOM", "INK", "LEFT", "Block", "check_folder", "date_or_days",
           "draw_table", "fit_lines", "flow_pages", "has_delay", "lay_out", "now", "page",
           "save", "stack", "table_cells", "text_width"]

A4_LANDSCAPE = (11.69, 8.27)
INK = "#1a1a1a"
#: margins of text pages, in figure fractions: the left edge of text, and the lowest any
#: text may reach (the footer sits below it)
LEFT = 0.035
BOTTOM = 0.045
_TOP = 0.905  # text pages start below the title
_SPACING = 1.3  # line spacing of paragraphs: a line takes 1.3 times the type's size
_PTS = 72.0


def now() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime.now(tz=_dt.timezone.utc).replace(microsecond=0)


def page(title: str | None = None, footer: str = "") -> Figure:
    """An A4 landscape page with a bold title at the top left and a small footer at the
    bottom right (the footer, long as it may be, is wrapped to the page)."""
    fig = Figure(figsize=A4_LANDSCAPE)
    width = A4_LANDSCAPE[0] * _PTS
    if title:
        lines = fit_lines(title, 16, width * (1 - 2 * LEFT), bold=True, lines=2)
        fig.suptitle("\n".join(lines), fontsize=16 if len(lines) == 1 else 14,
                     fontweight="bold", x=0.02, ha="left", color=INK)
    if footer:
        lines = fit_lines(footer, 7, width * 0.9, lines=2)
        fig.text(0.99, 0.005, "\n".join(lines), ha="right", va="bottom", fontsize=7,
                 color="0.4", gid="footer")
    return fig


@lru_cache(maxsize=1 << 16)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in points of ``text`` set in ``size`` point type."""
    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return float(width) * 1.06  # a margin for the renderers' hinting and rounding


def fit_lines(text: str, size: float, width: float, *, bold: bool = False,
              lines: int | None = None) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points (between words, see
    :func:`riskkit.plot.style.wrap`); paragraphs (``\\n``) kept."""
    out: list[str] = []
    for part in str(text).split("\n"):
        out += wrap(part, width, None, measure=lambda s: text_width(s, size, bold)) or [""]
    if lines is not None and len(out) > lines:
        last = " ".join(out[lines - 1:])
        out = out[:lines - 1] + wrap(last, width, 1,
                                     measure=lambda s: text_width(s, size, bold))
    return out


@dataclass(frozen=True)
class Block:
    """A piece of text on a text page: ``text`` in ``size`` point type, ``before``
    points of space above it, indented ``indent`` points, in a ``share`` of the text
    width; a ``term`` is set in bold at the left with the text beside it (a glossary);
    ``beside`` is another block set to the right of this one, in the rest of the width
    (two columns); ``keep`` keeps it on the page of the ``keep`` blocks that follow (a
    heading: 1)."""

    text: str
    size: float = 10.0
    bold: bool = False
    color: str = INK
    before: float = 0.0
    indent: float = 0.0
    term: str = ""
    term_width: float = 0.0
    keep: int = 0
    share: float = 1.0
    beside: Block | None = None

    def lines(self, width: float) -> list[str]:
        return fit_lines(self.text, self.size,
                         width * self.share - self.indent - self.term_width, bold=self.bold)

    def height(self, width: float) -> float:
        """Points it takes on the page, its space above included."""
        n = len(self.lines(width))
        own = self.before + n * _SPACING * self.size + 2.0
        return max(own, self.beside.height(width)) if self.beside is not None else own


def flow_pages(title: str, blocks: list[Block], footer: str, *, top: float = _TOP,
               continued: str = " (continued)") -> list[Figure]:
    """Pages of ``blocks``, top to bottom: a block that would reach the footer starts
    the next page (titled ``title`` and ``continued``), so text never runs off a page
    or into its footer. A block too long for a whole page is split between lines."""
    width_pts = A4_LANDSCAPE[0] * _PTS * (1 - 2 * LEFT)
    height_pts = A4_LANDSCAPE[1] * _PTS
    floor = BOTTOM * height_pts
    pages = [page(title, footer)]
    y = top * height_pts
    pending: list[Block] = list(blocks)
    while pending:
        block = pending.pop(0)
        need = block.height(width_pts)
        if block.keep == 1 and pending:  # a heading stays with the first lines after it
            nxt = pending[0]
            need += nxt.before + 2 * _SPACING * nxt.size + 2.0
        elif block.keep:  # a group stays together
            need += sum(b.height(width_pts) for b in pending[:block.keep])
        room = y - floor
        if need > room and y < top * height_pts - 1e-6:
            pages.append(page(title + continued, footer))
            y = top * height_pts
            room = y - floor
        lines = block.lines(width_pts)
        step = block.size * _SPACING
        if block.height(width_pts) > room:  # longer than a page: split between lines
            fit = max(int((room - block.before - 2.0) // step), 1)
            head = "\n".join(lines[:fit])
            rest = "\n".join(lines[fit:])
            pending.insert(0, Block(rest, block.size, block.bold, block.color, 0.0,
                                    block.indent, "", block.term_width))
            lines = head.split("\n")
        y = _place(pages[-1], block, lines, y)
    return pages


def _place(fig: Figure, block: Block, lines: list[str], y: float, x: float = 0.0) -> float:
    """Set ``lines`` of ``block`` with their top ``y`` points above the page's foot
    (after the block's space above), ``x`` points right of the margin; return the y
    below them (and below the block beside it)."""
    top = y
    y -= block.before
    width = A4_LANDSCAPE[0] * _PTS
    height = A4_LANDSCAPE[1] * _PTS
    if block.term:
        fig.text(LEFT + (x + block.indent) / width, y / height, block.term,
                 fontsize=block.size, fontweight="bold", va="top", color=block.color)
    fig.text(LEFT + (x + block.indent + block.term_width) / width, y / height,
             "\n".join(lines), fontsize=block.size,
             fontweight="bold" if block.bold else "normal", va="top", color=block.color,
             linespacing=_SPACING)
    y -= len(lines) * _SPACING * block.size + 2.0
    if block.beside is not None:
        text_width_pts = width * (1 - 2 * LEFT)
        other = _place(fig, block.beside, block.beside.lines(text_width_pts), top,
                       x + block.share * text_width_pts)
        y = min(y, other)
    return y


def stack(fig: Figure, blocks: list[Block], top: float, floor: float) -> bool:
    """Set ``blocks`` one under the other from ``top`` (a figure fraction) if they all
    fit above ``floor``; False, and nothing set, if they do not."""
    width = A4_LANDSCAPE[0] * _PTS * (1 - 2 * LEFT)
    height = A4_LANDSCAPE[1] * _PTS
    if sum(b.height(width) for b in blocks) > (top - floor) * height:
        return False
    y = top * height
    for block in blocks:
        y = _place(fig, block, block.lines(width), y)
    return True


def date_or_days(res: SimulationResult, q: float) -> str:
    days = res.percentile(q, "schedule")
    text = f"{days:,.0f} d"
    if res.start is not None:
        text += f"  ({date_text(res.finish_date(q))})"
    return text


def has_delay(res: SimulationResult) -> bool:
    return res.has_schedule or bool(np.any(res.schedule))


def draw_table(ax: Axes, rows: list[list[str]], header: list[str], widths: list[float],
               fontsize: float = 9, lines: int = 2) -> None:
    """A table at the top left of ``ax`` (axis off) whose cells wrap between words to
    their column's width, up to ``lines`` lines (an ellipsis after a whole word beyond
    that), each row as high as its tallest cell, the type made smaller (to 6 pt) when
    the rows would not fit the axes or a word would not fit its column. The wrapping is
    redone for the size the page's layout gives the table (:func:`lay_out`)."""
    ax.axis("off")
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    if not rows:
        cells.append([""] * len(header))
    table = ax.table(cellText=cells[1:], colLabels=cells[0],
                     colWidths=widths, loc="upper left", cellLoc="left", colLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    for (r, _), cell in table.get_celld().items():
        cell.set_edgecolor("0.85")
        if r == 0:
            cell.set_facecolor("#e8eef4")
            cell.set_text_props(fontweight="bold")

    def fit() -> None:
        fig = ax.get_figure(root=True)
        assert isinstance(fig, Figure)
        axes_pts = ax.get_position().width * fig.get_figwidth() * _PTS
        axes_h = ax.get_position().height * fig.get_figheight() * _PTS
        pad = 3.0  # points between a cell's edge and its text
        size = fontsize
        while True:  # smaller type until the rows fit the axes (down to 6 pt)
            wrapped = [[fit_lines(text, size, w * axes_pts - 2 * pad, lines=lines,
                                  bold=r == 0) for w, text in zip(widths, row)]
                       for r, row in enumerate(cells)]
            heights = [size * (1.2 * max(len(x) for x in row) + 0.75) for row in wrapped]
            whole = all(_longest_word(text, size, r == 0) <= w * axes_pts - 2 * pad
                        for r, row in enumerate(cells) for w, text in zip(widths, row))
            if (sum(heights) <= axes_h and whole) or size <= 6.0:
                break
            size -= 0.5
        table.set_fontsize(size)
        for (r, c), cell in table.get_celld().items():
            cell.get_text().set_text("\n".join(wrapped[r][c]))
            cell.get_text().set_linespacing(1.2)
            cell.set_height(heights[r] / axes_h)
            cell.PAD = pad / max(widths[c] * axes_pts, 1.0)

    fit()  # for the axes as they are; again once the page is laid out
    _FIT.setdefault(ax.get_figure(root=True), []).append(fit)
    _CELLS[ax] = (cells, list(widths))


def table_cells(ax: Axes) -> tuple[list[list[str]], list[float]] | None:
    """The cells (header first) and column widths of the table :func:`draw_table` drew
    on ``ax``, as written (before wrapping), or None if it drew none there: the slides
    make real tables of them."""
    return _CELLS.get(ax)


def _longest_word(text: str, size: float, bold: bool) -> float:
    """The width of the widest piece of ``text`` that wrapping cannot break."""
    words = re.split(r"[ \t\r\n\f\v]+", re.sub(r"(?<=\b[A-Z]{3}) (?=-?\d)", "\u00a0", text))
    pieces = [p for word in words for p in re.split(r"(?<=[/\\_])", word) if p]
    return max((text_width(p, size, bold) for p in pieces), default=0.0)


#: per page, what to redo once the layout has sized its axes (the tables' wrapping)
_FIT: weakref.WeakKeyDictionary[Any, list[Callable[[], None]]] = weakref.WeakKeyDictionary()
#: per table's axes, its cells as written and its column widths
_CELLS: weakref.WeakKeyDictionary[Axes, tuple[list[list[str]], list[float]]] = (
    weakref.WeakKeyDictionary())


def check_folder(path: Path) -> None:
    if not path.parent.exists():
        raise InputError(Problem(f"cannot write {path}: folder {path.parent} does not exist"))


def lay_out(fig: Figure) -> Figure:
    """Fit a page's charts and tables between its title and its footer."""
    # tight_layout, not the constrained layout engine: its solver's result can differ in
    # the last digit between processes, and the pack must be byte-for-byte reproducible.
    # a page whose axes are placed by hand (add_axes, e.g. below text it measured) keeps
    # its places: tight_layout moves only axes of a grid, and warns about the others
    tight = bool(fig.axes) and all(ax.get_subplotspec() is not None for ax in fig.axes)
    if fig.axes:
        for _ in range(2 if tight else 1):  # the tables wrap to the widths they are given
            if tight:
                fig.tight_layout(rect=(0.005, 0.035, 0.995, 0.94), h_pad=1.6, w_pad=2.5)
            for fit in _FIT.get(fig, []):
                fit()
    return fig


def save(path: Path, pages: list[Figure], metadata: dict[str, Any]) -> None:
    with PdfPages(path, metadata=metadata) as pdf:
        for fig in pages:
            pdf.savefig(lay_out(fig))
