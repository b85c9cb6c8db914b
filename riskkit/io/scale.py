"""Qualitative scales: what "High", "4" or "Likely" means in numbers.

Many registers score risks instead of estimating them. A :class:`Scale` turns a score or
label into a probability, or into a three-point impact range. The default scale covers
probability and schedule impact (working days); what "High" costs depends on the
project, so cost levels always come from a scale you supply (:func:`read_scale`).
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass
from typing import Any

from ..exceptions import InputError, Problem
from .cells import NumberFormatError, parse_number
from .tables import read_table, resolve_columns

__all__ = ["DEFAULT_SCALE", "Level", "Scale", "read_scale"]

DIMENSIONS = ("probability", "cost", "schedule")


@dataclass(frozen=True)
class Level:
    """One step of a scale: its score, the labels that name it, and its range."""

    dimension: str
    score: int
    labels: tuple[str, ...]
    low: float
    most_likely: float
    high: float


@dataclass(frozen=True)
class Scale:
    """Levels per dimension. A probability level gives its most likely value; an impact
    level gives a triangular (low, most likely, high) range."""

    name: str
    levels: tuple[Level, ...]

    def dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in DIMENSIONS if any(lv.dimension == d for lv in self.levels))

    def lookup(self, dimension: str, text: str, *, scores: bool) -> Level | None:
        """The level a cell names: a label (any case), or a 1-5 style score if
        ``scores`` (numbers are otherwise read as numbers, never guessed)."""
        key = " ".join(str(text).strip().lower().replace("_", " ").split())
        for lv in self.levels:
            if lv.dimension != dimension:
                continue
            if key in (label.lower() for label in lv.labels):
                return lv
            if scores and key == str(lv.score):
                return lv
        return None

    def describe(self) -> str:
        return f"{self.name} ({', '.join(self.dimensions())})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{lv.dimension}</td><td>{lv.score}</td>"
            f"<td>{html.escape(', '.join(lv.labels))}</td><td>{lv.low:g}</td>"
            f"<td>{lv.most_likely:g}</td><td>{lv.high:g}</td></tr>" for lv in self.levels)
        return (f"<p><b>Scale</b> {html.escape(self.name)}</p><table><tr><th>dimension</th>"
                f"<th>score</th><th>labels</th><th>low</th><th>most likely</th><th>high</th>"
                f"</tr>{rows}</table>")


def _levels(dimension: str, rows: list[tuple[int, str, float, float, float]]) -> list[Level]:
    return [Level(dimension, s, tuple(x.strip() for x in labels.split(";")), lo, ml, hi)
            for s, labels, lo, ml, hi in rows]


#: The documented default: probability bands and schedule impact in working days.
DEFAULT_SCALE = Scale("riskkit default scale", tuple(
    _levels("probability", [
        (1, "Very low;VL;Rare;Remote;Very unlikely", 0.01, 0.05, 0.10),
        (2, "Low;L;Unlikely", 0.10, 0.20, 0.30),
        (3, "Medium;M;Med;Moderate;Possible", 0.30, 0.40, 0.50),
        (4, "High;H;Likely;Probable", 0.50, 0.60, 0.70),
        (5, "Very high;VH;Almost certain;Very likely", 0.70, 0.80, 0.90),
    ]) + _levels("schedule", [
        (1, "Very low;VL;Negligible;Insignificant", 0, 2, 5),
        (2, "Low;L;Minor", 5, 7, 10),
        (3, "Medium;M;Med;Moderate", 10, 20, 30),
        (4, "High;H;Major", 30, 45, 60),
        (5, "Very high;VH;Severe;Critical;Catastrophic", 60, 90, 120),
    ])))


def read_scale(source: Any) -> Scale:
    """Read a scale CSV with columns ``dimension, score, labels, low, most_likely, high``.

    ``dimension`` is probability, cost or schedule; ``labels`` lists names separated by
    ``;`` (e.g. ``High;H;Likely``); probabilities may be written ``35%``; amounts as
    spreadsheets write them. Pass ``"default"`` for :data:`DEFAULT_SCALE`.

    Examples
    --------
    >>> from riskkit.io.scale import read_scale
    >>> read_scale("default").lookup("probability", "likely", scores=False).most_likely
    0.6
    """
    if isinstance(source, Scale):
        return source
    if isinstance(source, str) and source.strip().lower() == "default":
        return DEFAULT_SCALE
    table = read_table(source)
    name = table.source
    aliases = {"dimension": "dimension", "score": "score", "level": "score",
               "labels": "labels", "label": "labels", "low": "low", "min": "low",
               "mostlikely": "most_likely", "ml": "most_likely", "high": "high",
               "max": "high"}
    found, _, problems = resolve_columns(
        table.header, aliases, None, ("dimension", "score", "labels", "low", "most_likely",
                                      "high"), name)
    missing = [c for c in ("dimension", "score", "low", "most_likely", "high") if c not in found]
    if missing:
        problems.append(Problem("scale lacks columns " + ", ".join(missing), source=name,
                                hint="columns: dimension, score, labels, low, most_likely, "
                                     "high"))
    if problems:
        raise InputError(problems)
    levels = []
    for row, cells in table.rows:
        if not any(cells):
            continue
        cells = cells + ("",) * (len(table.header) - len(cells))

        def cell(c: str, cells: tuple[str, ...] = cells) -> str:
            return cells[found[c]] if c in found else ""

        dim = cell("dimension").strip().lower()
        if dim not in DIMENSIONS:
            problems.append(Problem("unknown dimension", source=name, row=row,
                                    column=table.header[found["dimension"]], value=dim,
                                    hint="probability, cost or schedule"))
            continue
        values = []
        for c in ("score", "low", "most_likely", "high"):
            text = cell(c)
            try:
                parsed = parse_number(text, allow_days=True)
            except NumberFormatError as exc:
                problems.append(Problem(str(exc), source=name, row=row,
                                        column=table.header[found[c]], value=text))
                parsed = None
            values.append(None if parsed is None else parsed.value)
        if any(v is None for v in values):
            if not any(p.row == row for p in problems):
                problems.append(Problem("score, low, most_likely and high are all needed",
                                        source=name, row=row))
            continue
        score, lo, ml, hi = values
        if not lo <= ml <= hi:  # type: ignore[operator]
            problems.append(Problem("need low <= most likely <= high", source=name, row=row,
                                    value=f"{lo:g} / {ml:g} / {hi:g}"))
            continue
        if dim == "probability" and not (0 <= lo and hi <= 1):  # type: ignore[operator]
            problems.append(Problem("probabilities must be between 0 and 1 (or 0% and 100%)",
                                    source=name, row=row))
            continue
        labels = tuple(x.strip() for x in cell("labels").split(";") if x.strip())
        levels.append(Level(dim, int(score), labels, lo, ml, hi))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    if not levels:
        raise InputError(Problem("the scale has no levels", source=name))
    return Scale(os.fspath(name), tuple(levels))
