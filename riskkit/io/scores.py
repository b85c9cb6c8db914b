"""Numeric scores on a qualitative scale, read one way per column.

With a scale given (``--scale``), a probability or single-impact column holds either
scores (``1``-``5``, ``4.0`` from a float column) or values (``0.35``, ``25000``,
``12 d``), never both: the column's numbers decide, and a number that does not fit the
reading chosen is reported. In a column of scores, ``-4`` is an opportunity of level 4,
``7`` on a 1-5 scale and ``1.5`` are errors that list the levels; a percentage or a
``4 = 75%`` cell is always the value it spells out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .cells import NumberFormatError, parse_number
from .scale import DEFAULT_SCALE, Level, Scale

__all__ = ["SCORE_COLUMNS", "ScoreColumns", "explicit_value", "probability_hint",
           "scores_as_amounts"]

#: The columns whose numbers may be scores, and the dimension of their scale.
SCORE_COLUMNS: dict[str, str] = {
    "probability": "probability", "mitigated_probability": "probability",
    "cost_impact": "cost", "mitigated_cost_impact": "cost",
    "schedule_impact": "schedule", "mitigated_schedule_impact": "schedule",
}
_EXPLICIT = re.compile(r"\s*\d+\s*[=:]\s*([^;|]*\S)\s*")
_WHAT = {"probability": "probabilities", "cost": "amounts", "schedule": "working days"}


def explicit_value(text: str) -> str:
    """"4 = 75%" style cells: the value the cell spells out wins over its score."""
    m = _EXPLICIT.fullmatch(text)
    return m.group(1).strip() if m else text


def _plain(text: str, decimal_comma: bool) -> float | None:
    """The number a cell holds when it could be a score: no %, currency or unit."""
    try:
        parsed = parse_number(text, decimal_comma=decimal_comma, allow_percent=False,
                              allow_currency=False)
    except NumberFormatError:
        return None
    return None if parsed is None else parsed.value


def _is_number(text: str, decimal_comma: bool, days: bool) -> bool:
    try:
        return parse_number(text, decimal_comma=decimal_comma, allow_days=days) is not None
    except NumberFormatError:
        return False


def scores_as_amounts(cells: Iterable[str], decimal_comma: bool) -> tuple[float, float] | None:
    """(lowest, highest) when a column read as amounts holds at least three numbers,
    every one a whole number from 1 to 10 written without a currency or a %: scores,
    most likely, that no scale read. None otherwise (a cell that is text or money)."""
    values: list[float] = []
    for cell in cells:
        if not cell.strip():
            continue
        try:
            read = parse_number(cell, decimal_comma=decimal_comma)
        except (NumberFormatError, ValueError, TypeError):
            return None
        if read is None:
            continue
        if read.currency or read.percent:  # written as money: not scores
            return None
        values.append(float(read.value))
    if len(values) >= 3 and all(v.is_integer() and 1 <= v <= 10 for v in values):
        return min(values), max(values)
    return None


@dataclass
class ScoreColumns:
    """Which columns of one file hold scores of ``scale``."""

    scale: Scale
    source: str
    decimal_comma: bool = False
    scored: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def decide(self, columns: Mapping[str, str],
               cells: Mapping[str, Iterable[tuple[int, str]]]) -> None:
        """Decide each column from its cells (``canonical -> [(row, text)]``);
        ``columns`` maps canonical names to the headers as written."""
        for canon, dim in SCORE_COLUMNS.items():
            if canon not in columns or not self.scale.scores(dim):
                continue
            on, other, example = [], 0, ""
            for row, raw in cells.get(canon, ()):
                text = raw.strip()
                if (not text or explicit_value(text) != text
                        or not _is_number(text, self.decimal_comma, dim == "schedule")):
                    continue
                value = _plain(text, self.decimal_comma)
                if value is not None and self.scale.score_level(dim, abs(value)) is not None:
                    on.append(row)
                elif value is not None or "%" not in text:
                    other += 1
                    example = example or text
            if on and len(on) >= other:
                self.scored.add(canon)
            elif on:
                self.notes.append(
                    f"{self.source}: column {columns[canon]!r} holds numbers that are not "
                    f"scores of the {self.scale.name} (e.g. {example!r}), so its numbers "
                    f"were read as {_WHAT[dim]}, not as levels, including "
                    + (f"{len(on)} that look like scores (rows " if len(on) > 1 else
                       "one that looks like a score (row ")
                    + f"{', '.join(map(str, on[:8]))}{' ...' if len(on) > 8 else ''}); if "
                    f"a cell is a level, write its label (e.g. 'High') instead")

    def read(self, canon: str, raw: str) -> Level | tuple[str, str] | None:
        """A cell of a column of scores: its level (mirrored for ``-4``), a problem
        ``(message, hint)``, or None when the cell is a value to read as such (a
        percentage, a ``4 = 75%`` cell, a blank or text)."""
        dim = SCORE_COLUMNS[canon]
        text = raw.strip()
        if explicit_value(text) != text:
            return None
        value = _plain(text, self.decimal_comma)
        if value is None:
            if "%" in text or not _is_number(text, self.decimal_comma, dim == "schedule"):
                return None  # a percentage or text: read (and checked) as a value
            return (f"{text!r} is a value in a column of {dim} scores",
                    f"write a level of the {self.scale.name} ({self.scale.levels_text(dim)}), "
                    f"or spell the value out as '{self.scale.scores(dim)[-1]} = {text}'")
        levels = self.scale.levels_text(dim)
        level = self.scale.score_level(dim, abs(value))
        if level is not None:
            if value > 0:
                return level
            if dim == "probability":
                return (f"a probability score cannot be negative ({text})",
                        f"the {self.scale.name}'s probability levels are {levels}")
            return level.mirrored()
        if dim == "probability" and 0 < value < 1:
            return (f"{text} is not a probability score of the {self.scale.name} (this "
                    f"column holds scores)", f"write {value * 100:g}% for a probability, "
                    f"or one of the levels {levels}")
        if not float(value).is_integer():
            half = math.isclose(abs(value) % 1, 0.5)
            return (f"{text} is between two levels: the {self.scale.name} has no "
                    f"{'half' if half else 'fractional'} levels",
                    f"its {dim} levels are {levels}")
        hint = f"its {dim} levels are {levels}"
        if dim == "probability" and 0 <= value <= 100:
            hint += f"; write {text}% for a probability of {text}%"
        return f"{text} is not a {dim} score of the {self.scale.name}", hint


def probability_hint(text: str, value: float, scale: Scale, scores: bool) -> str:
    """What would load instead of a plain probability above 1 (never a value that is
    refused in turn: for 150 it does not propose 150%). ``scores``: the register is
    read with ``scale``."""
    if value <= 100:
        hint = f"write {text}% for a percentage, or a fraction such as 0.35"
    else:
        hint = ("a probability is at most 100%: write a percentage such as 35%, or a "
                "fraction such as 0.35")
    if not float(value).is_integer() or value > 10:
        return hint
    if scores:
        if scale.score_level("probability", value) is not None:
            hint += (f"; this column was read as probabilities, not as scores of the "
                     f"{scale.name}, because most of its numbers are not scores")
        elif not scale.scores("probability"):
            hint += (f"; the {scale.name} has no probability levels, so no probability "
                     f"score is read: add probability rows to it to read scores")
    elif DEFAULT_SCALE.score_level("probability", value) is not None:
        hint += ("; if it is a 1-5 score, read the register with a scale "
                 "(--scale default, or your own scale CSV)")
    else:
        hint += (f"; if it is a score, read the register with a scale CSV whose "
                 f"probability levels go up to {value:g} (--scale scale.csv)")
    return hint
