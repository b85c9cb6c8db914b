"""Qualitative scales: what "High", "4" or "Likely" means in numbers.

Many registers score risks instead of estimating them. A :class:`Scale` turns a score or
label into a probability, or into a three-point impact range. The default scale covers
probability and schedule impact (working days); what "High" costs depends on the
project, so cost levels always come from a scale you supply (:func:`read_scale`).
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..exceptions import InputError, Problem
from ..model.status import flatten, words_key
from ..words import read_words
from .cells import NumberFormatError, parse_number
from .tables import RawTable, read_table, resolve_columns

__all__ = ["DEFAULT_SCALE", "Level", "Scale", "default_labels", "read_scale"]

DIMENSIONS = ("probability", "cost", "schedule")
#: the columns of a scale CSV, as its header writes them
SCALE_HEADER = "dimension,score,labels,low,most_likely,high"


@dataclass(frozen=True)
class Level:
    """One step of a scale: its score, the labels that name it, and its range."""

    dimension: str
    score: int
    labels: tuple[str, ...]
    low: float
    most_likely: float
    high: float

    def mirrored(self) -> Level:
        """The level as an opportunity: score and range negated (``-4``: an
        opportunity of level 4, whose impacts reduce cost and time)."""
        return Level(self.dimension, -self.score, self.labels, -self.high,
                     -self.most_likely, -self.low)


@dataclass(frozen=True)
class Scale:
    """Levels per dimension. A probability level gives its most likely value; an impact
    level gives a triangular (low, most likely, high) range.

    ``borrowed`` levels are read by their labels only, never by a score: the default
    scale's labels that a custom scale takes (:func:`read_scale`)."""

    name: str
    levels: tuple[Level, ...]
    borrowed: tuple[Level, ...] = field(default=(), repr=False)

    def dimensions(self) -> tuple[str, ...]:
        return tuple(d for d in DIMENSIONS if any(lv.dimension == d for lv in self.levels))

    def scores(self, dimension: str) -> tuple[int, ...]:
        """The scores of ``dimension``'s levels, in ascending order."""
        return tuple(sorted(lv.score for lv in self.levels if lv.dimension == dimension))

    @cached_property
    def _labels(self) -> dict[tuple[str, str], Level]:
        index: dict[tuple[str, str], Level] = {}
        for lv in (*self.levels, *self.borrowed):  # a scale's own labels win
            for label in lv.labels:
                index.setdefault((lv.dimension, words_key(label)), lv)
        return index

    def lookup(self, dimension: str, text: str, *, scores: bool) -> Level | None:
        """The level a cell names: a label (any case, accents optional), or if
        ``scores`` a score such as ``4`` or ``4.0`` (numbers are otherwise read as
        numbers, never guessed)."""
        level = self._labels.get((dimension, words_key(text)))
        if level is not None or not scores:
            return level
        try:
            parsed = parse_number(str(text), allow_percent=False, allow_currency=False)
        except NumberFormatError:
            return None
        return self.score_level(dimension, parsed.value) if parsed is not None else None

    def score_level(self, dimension: str, value: float) -> Level | None:
        """The level with score ``value`` (``9.0`` is level 9), or None."""
        if not (math.isfinite(value) and float(value).is_integer()):
            return None
        return next((lv for lv in self.levels
                     if lv.dimension == dimension and lv.score == int(value)), None)

    def is_borrowed(self, level: Level) -> bool:
        """Whether ``level`` is one of the labels taken from the default scale."""
        return any(level is lv for lv in self.borrowed)

    def levels_text(self, dimension: str) -> str:
        """``1 (Very low), 2 (Low), ...``: the levels of ``dimension`` for messages."""
        return ", ".join(f"{lv.score} ({lv.labels[0]})" if lv.labels else str(lv.score)
                         for lv in sorted(self.levels, key=lambda lv: lv.score)
                         if lv.dimension == dimension)

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


def default_labels(dimension: str, score: int) -> tuple[str, ...]:
    """The words of ``riskkit/io/words/labels.json`` for level ``score`` (1-5) of
    ``dimension``: English first, then the other languages, each once."""
    words = read_words("labels")
    group = words["probability" if dimension == "probability" else "impact"]
    common, specific = words["common"].get(str(score), {}), group.get(str(score), {})
    ordered = [*common.get("en", []), *specific.get("en", [])]
    for language in dict.fromkeys([*common, *specific]):
        ordered += [*common.get(language, []), *specific.get(language, [])]
    seen: dict[str, str] = {}
    for word in flatten(ordered):
        seen.setdefault(words_key(word), word)
    return tuple(seen.values())


def _levels(dimension: str, rows: list[tuple[int, float, float, float]]) -> list[Level]:
    return [Level(dimension, s, default_labels(dimension, s), lo, ml, hi)
            for s, lo, ml, hi in rows]


#: The documented default: probability bands and schedule impact in working days, named
#: by the labels of riskkit/io/words/labels.json (English and eight other languages).
DEFAULT_SCALE = Scale("riskkit default scale", tuple(
    _levels("probability", [
        (1, 0.01, 0.05, 0.10),
        (2, 0.10, 0.20, 0.30),
        (3, 0.30, 0.40, 0.50),
        (4, 0.50, 0.60, 0.70),
        (5, 0.70, 0.80, 0.90),
    ]) + _levels("schedule", [
        (1, 0, 2, 5),
        (2, 5, 7, 10),
        (3, 10, 20, 30),
        (4, 30, 45, 60),
        (5, 60, 90, 120),
    ])))


def _borrowed(levels: list[Level]) -> tuple[Level, ...]:
    """The default labels a custom scale takes: every level of a dimension it lacks
    (the default's numbers), and for a dimension it scores 1 to 5 the default words of
    each score that none of its own levels uses (its own numbers)."""
    borrowed: list[Level] = []
    for dim in DIMENSIONS:
        own = [lv for lv in levels if lv.dimension == dim]
        if not own:
            borrowed += [lv for lv in DEFAULT_SCALE.levels if lv.dimension == dim]
        elif sorted(lv.score for lv in own) == [1, 2, 3, 4, 5]:
            taken = {words_key(label) for lv in own for label in lv.labels}
            for lv in own:
                extra = tuple(w for w in default_labels(dim, lv.score)
                              if words_key(w) not in taken)
                if extra:
                    borrowed.append(Level(dim, lv.score, extra, lv.low, lv.most_likely,
                                          lv.high))
    return tuple(borrowed)


def _scale_table(source: Any) -> RawTable:
    """The table of a scale file: a CSV, or a workbook's *Scale* sheet (else its first)."""
    from .xlsx import is_workbook, read_xlsx, sheet_names

    if not is_workbook(source):
        return read_table(source)
    names = sheet_names(source)
    sheet = next((n for n in names if words_key(n) == "scale"), None)
    return read_xlsx(source, sheet, what="scale")


def read_scale(source: Any, *, extend: bool | None = None) -> Scale:
    """Read a scale CSV with columns ``dimension, score, labels, low, most_likely, high``.

    ``dimension`` is probability, cost or schedule; ``labels`` lists names separated by
    ``;`` (e.g. ``High;H;Likely``); probabilities may be written ``35%``; amounts as
    spreadsheets write them. Pass ``"default"`` for :data:`DEFAULT_SCALE`.

    A custom scale extends the default labels: a dimension it lacks keeps the default's
    labels (so "Medium" still names a probability when the scale gives only cost
    levels), and a dimension it scores 1 to 5 also answers to the default's words for
    each score ("Hoch" is its level 4). A row ``extends,,none`` in the file, or
    ``extend=False``, reads only the scale's own labels.

    A workbook (``.xlsx``) is read from its sheet called *Scale* (the register
    template's), or else its first sheet.

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
    table = _scale_table(source)
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
        problems.append(Problem(
            "scale lacks columns " + ", ".join(missing), source=name,
            hint="columns found: " + ", ".join(repr(h) for h in table.header)
                 + f"; a scale CSV has the header {SCALE_HEADER}"))
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
        if dim == "extends":
            said = words_key(cell("labels") or cell("score"))
            if said in ("none", "no", "false", "own labels only"):
                extend = False if extend is None else extend
            elif said in ("default", "yes", "true"):
                extend = True if extend is None else extend
            else:
                problems.append(Problem("an 'extends' row says 'none' or 'default'",
                                        source=name, row=row, value=cell("labels"),
                                        hint="extends,,none reads only this scale's labels"))
            continue
        if dim not in DIMENSIONS:
            problems.append(Problem("unknown dimension", source=name, row=row,
                                    column=table.header[found["dimension"]], value=dim,
                                    hint="probability, cost or schedule (or an 'extends' "
                                         "row)"))
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
        if not float(score).is_integer() or score < 1:  # type: ignore[arg-type,operator]
            problems.append(Problem("a score is a whole number from 1", source=name, row=row,
                                    column=table.header[found["score"]], value=cell("score")))
            continue
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
    return Scale(os.fspath(name), tuple(levels),
                 _borrowed(levels) if extend is not False else ())
