"""What every page of the pack shares: the page, tables, dates and saving."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from ..exceptions import InputError, Problem
from ..result import SimulationResult

__all__ = ["A4_LANDSCAPE", "INK", "check_folder", "date_or_days", "has_delay", "now", "page",
           "save", "draw_table"]

A4_LANDSCAPE = (11.69, 8.27)
INK = "#1a1a1a"


def now() -> _dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    return _dt.datetime.now(tz=_dt.timezone.utc).replace(microsecond=0)


def page(title: str | None = None, footer: str = "") -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE)
    if title:
        fig.suptitle(title, fontsize=16, fontweight="bold", x=0.02, ha="left", color=INK)
    if footer:
        fig.text(0.99, 0.005, footer, ha="right", va="bottom", fontsize=7, color="0.4")
    return fig


def date_or_days(res: SimulationResult, q: float) -> str:
    days = res.percentile(q, "schedule")
    text = f"{days:,.0f} d"
    if res.start is not None:
        text += f"  ({res.finish_date(q)})"
    return text


def has_delay(res: SimulationResult) -> bool:
    return res.has_schedule or bool(np.any(res.schedule))


def draw_table(ax: Axes, rows: list[list[str]], header: list[str], widths: list[float],
           fontsize: float = 9) -> None:
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, loc="upper left",
                     cellLoc="left", colLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    table.scale(1, 1.35)
    for (r, _), cell in table.get_celld().items():
        cell.set_edgecolor("0.85")
        if r == 0:
            cell.set_facecolor("#e8eef4")
            cell.set_text_props(fontweight="bold")


def check_folder(path: Path) -> None:
    if not path.parent.exists():
        raise InputError(Problem(f"cannot write {path}: folder {path.parent} does not exist"))


def save(path: Path, pages: list[Figure], metadata: dict[str, Any]) -> None:
    # tight_layout, not the constrained layout engine: its solver's result can differ in
    # the last digit between processes, and the pack must be byte-for-byte reproducible.
    with PdfPages(path, metadata=metadata) as pdf:
        for fig in pages:
            if fig.axes:
                fig.tight_layout(rect=(0.005, 0.03, 0.995, 0.94), h_pad=1.6, w_pad=2.5)
            pdf.savefig(fig)
