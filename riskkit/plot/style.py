"""What every chart shares: the palette, line styles, number formats and axis labels."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from .._format import compact, days, money
from ..result import SimulationResult

__all__ = ["LINESTYLES", "MARKERS", "PALETTE", "PERCENTILES", "as_results", "axis_formatter",
           "date_axis", "date_text", "metric_label", "new_axes", "value_text", "wrap"]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v")
#: the percentiles charts mark
PERCENTILES = (0.1, 0.5, 0.8, 0.9)


def new_axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only when the caller wants a new figure

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def value_text(value: float, metric: str, currency: str | None) -> str:
    return money(value, currency) if metric == "cost" else f"{value:,.1f} d"


def axis_formatter(metric: str, currency: str | None) -> FuncFormatter:
    if metric == "cost":
        return FuncFormatter(lambda x, _: compact(x, currency))
    return FuncFormatter(lambda x, _: days(x))


def metric_label(metric: str, currency: str | None, has_schedule: bool = True) -> str:
    if metric == "cost":
        return f"cost ({currency.strip()})" if currency else "cost"
    return "project duration (working days)" if has_schedule else "total delay (working days)"


def as_results(results: Any) -> list[tuple[str, SimulationResult]]:
    if isinstance(results, SimulationResult):
        return [(results.scenario, results)]
    if isinstance(results, Mapping):
        return list(results.items())
    return [(r.scenario, r) for r in results]


def date_text(day: Any) -> str:
    """A date as the pack writes it, one way in every country: ``19 Nov 2027``."""
    return _dt.date.fromisoformat(str(np.datetime64(day, "D"))).strftime("%d %b %Y").lstrip("0")


def date_axis(ax: Axes, result: SimulationResult, *, label: str = "finish date") -> None:
    """A second x axis on top of a working-days axis, reading it as dates: a tick where
    each month (or every second, third or sixth month, so at most seven ticks) begins on
    the run's calendar from its start."""
    assert result.start is not None
    lo, hi = ax.get_xlim()
    cal, start = result.calendar, result.start
    first, last = cal.finish_date(start, max(lo, 0.0)), cal.finish_date(start, max(hi, 0.0))
    months = np.arange(first.astype("datetime64[M]") + 1, last.astype("datetime64[M]") + 1)
    step = next((k for k in (1, 2, 3, 6, 12, 24) if len(months) / k <= 7), 60)
    chosen = [m for m in months if int(m.astype(int)) % step == 0]  # Jan, Apr, ... for 3
    # a month begins after the last working day of the month before
    ticks = [float(cal.working_days_through(start, m.astype("datetime64[D]") - 1))
             for m in chosen]
    keep = [(t, m) for t, m in zip(ticks, chosen) if lo <= t <= hi]
    top = ax.secondary_xaxis("top")
    top.set_xticks([t for t, _ in keep],
                   [_dt.date.fromisoformat(f"{m}-01").strftime("%b %Y") for _, m in keep],
                   fontsize=8)
    top.set_xlabel(label, fontsize=8)


_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not the no-break space
_AMOUNT = re.compile(r"(?<=\b[A-Z]{3}) (?=-?\d)")  # "CHF 1.4M": no break in an amount


def wrap(text: Any, width: float, lines: int | None = 2, *,
         measure: Callable[[str], float] = len) -> list[str]:
    """``text`` in at most ``lines`` lines (None: as many as it needs) no wider than
    ``width``, broken between words (a path also after ``/``, ``\\``, ``_``), never
    inside a word that fits on a line; what does not fit ends the last line with an
    ellipsis after a whole word. Width is in characters, or in what ``measure`` returns
    for a string (points, say). [] for None, NaN or "".

    >>> wrap("Lift refurbishment clashes with fit-out works", 22)
    ['Lift refurbishment', 'clashes with fit-out…']
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return []
    # pieces of words: a word of a path also breaks after / \\ _ (no space there); an
    # amount in a currency code ("CHF 1.4M") is one word
    text = _AMOUNT.sub("\u00a0", str(text))
    pieces = [(piece, k == 0) for word in _SPACE.split(text.strip()) if word
              for k, piece in enumerate(p for p in re.split(r"(?<=[/\\_])", word) if p)]
    out: list[str] = []
    line = ""
    for word, spaced in pieces:
        glue = " " if line and spaced else ""
        if measure(line + glue + word) <= width:
            line += glue + word
            continue
        if line:
            out.append(line)
        while measure(word) > width and len(word) > 1:  # longer than a line: cut it
            k = max(n for n in range(1, len(word)) if measure(word[:n]) <= width or n == 1)
            out.append(word[:k])
            word = word[k:]
        line = word
    if line:
        out.append(line)
    if lines is not None and len(out) > lines:
        cut = out[lines - 1]
        while measure(cut + "…") > width and " " in cut:  # whole words, room for "…"
            cut = cut.rsplit(" ", 1)[0]
        while measure(cut + "…") > width and len(cut) > 1:
            cut = cut[:-1]
        out = [*out[:lines - 1], cut.rstrip(" /\\_,;:-") + "…"]
    return out
