"""Threats and opportunities: which rows of a register are opportunities, and how their
impacts are signed.

riskkit's model has one convention: an opportunity is a risk whose impacts are negative
(they reduce cost and time). Registers write it two ways: negative numbers, or positive
numbers and a column that says "Opportunity" (``Type``, ``Threat/Opportunity``, or the
category). This module reads that column with the words of
``riskkit/io/words/types.json`` and decides, for each impact of an opportunity row, how
to sign it so that the two conventions never double-apply:

- every value >= 0: the magnitudes of a saving, negated once;
- every value <= 0: already signed, read as written;
- values of both signs: read as written, with a warning (ambiguous).

A row marked as a threat whose impacts are negative is simulated as an opportunity, as
the numbers say, with a warning.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..distributions import Discrete, Distribution, Family, make_distribution
from ..model.status import flatten, words_key
from ..words import read_words

__all__ = ["TYPE_HEADERS", "SenseReport", "mirrored", "mirrored_discrete", "orientation",
           "sense_of", "type_column_notes"]

OPPORTUNITY = "opportunity"
THREAT = "threat"


@lru_cache(maxsize=1)
def _words() -> tuple[dict[str, str], tuple[str, ...]]:
    data = read_words("types")
    lookup: dict[str, str] = {}
    for sense in (OPPORTUNITY, THREAT):
        for word in flatten(data[sense]):
            if lookup.setdefault(words_key(word), sense) != sense:
                raise RuntimeError(f"types.json: {word!r} is both a threat and an opportunity")
    return lookup, tuple(flatten(data["headers"]))


#: Headers of a threat/opportunity column (riskkit/io/words/types.json).
TYPE_HEADERS: tuple[str, ...] = _words()[1]


def sense_of(text: str) -> str | None:
    """``"opportunity"``, ``"threat"`` or None for a cell of a type column.

    >>> sense_of("Opportunité"), sense_of("THREAT"), sense_of("Technical")
    ('opportunity', 'threat', None)
    """
    return _words()[0].get(words_key(text))


def type_column_notes(source: str, header: str, values: Iterable[str], *,
                      category: bool) -> list[str]:
    """Warnings about a type column (``Type``, ``Threat/Opportunity``, ...) that holds
    other words than threat and opportunity. ``category``: the register has no category
    column, so the type column's values are the risks' category too, and its other
    words are categories; otherwise they are read as threats.

    (A category column that says "Opportunity" for some risks needs no warning: it is the
    usual way to write them; the rows whose numbers it changes are named when read.)"""
    written = [v.strip() for v in values if v and v.strip()]
    other = Counter(v for v in written if sense_of(v) is None)
    marked = Counter(v for v in written if sense_of(v) == OPPORTUNITY)
    if not other or (category and not marked):
        return []  # all threat/opportunity words, or a column of categories only
    others = ", ".join(f"{v!r} ({n})" for v, n in other.most_common(6)) + (
        ", ..." if len(other) > 6 else "")
    if not category:
        return [f"{source}: column {header!r} says whether a risk is a threat or an "
                f"opportunity, but holds {others}: neither word, so those risks were read "
                f"as threats (riskkit/io/words/types.json lists the words)"]
    opps = ", ".join(f"{v!r} ({n})" for v, n in marked.items())
    return [f"{source}: column {header!r} holds categories ({others}) and the opportunity "
            f"word{'s' * (len(marked) > 1)} {opps}: the risks so marked were read as "
            f"opportunities (their impacts reduce cost and time), the others as threats; "
            f"every value is kept as the risk's category"]


def orientation(sense: str | None, values: Sequence[float]) -> str:
    """How to sign one impact of a row: ``"negate"`` (an opportunity written as
    magnitudes), ``"ambiguous"`` (an opportunity with values of both signs, read as
    written), ``"threat_negative"`` (a threat whose values are negative, read as
    written) or ``"as_written"``."""
    finite = [v for v in values if v == v]
    if not finite:
        return "as_written"
    if sense == OPPORTUNITY:
        if all(v >= 0 for v in finite) and any(v > 0 for v in finite):
            return "negate"
        if any(v > 0 for v in finite):
            return "ambiguous"
    elif sense == THREAT and any(v < 0 for v in finite):
        return "threat_negative"
    return "as_written"


def mirrored(family: Family, params: Mapping[str, float],
             estimate: tuple[float, float, float]) -> Distribution:
    """The distribution of ``family`` for the negated estimate (low, most likely, high):
    an opportunity's saving. Raises :class:`~riskkit.InputError` for a family that
    cannot be negative (lognormal)."""
    a, m, b = estimate
    return make_distribution(family, -b, -(0.5 * (a + b) if math.isnan(m) else m), -a,
                             **params)


def mirrored_discrete(d: Discrete) -> Discrete:
    """A discrete distribution with its values negated."""
    return Discrete(tuple(-v for v in reversed(d.values)), tuple(reversed(d.probabilities)),
                    d.text)


@dataclass
class SenseReport:
    """The rows of one file whose impacts the type column changed or questioned."""

    source: str
    header: str = "type"
    negated: list[int] = field(default_factory=list)
    ambiguous: list[int] = field(default_factory=list)
    threat_negative: list[int] = field(default_factory=list)
    #: (row, column as written, value, level) of each negative score
    negative_scores: list[tuple[int, str, str, int]] = field(default_factory=list)

    def add(self, what: str, row: int) -> None:
        rows = {"negate": self.negated, "ambiguous": self.ambiguous,
                "threat_negative": self.threat_negative}.get(what)
        if rows is not None and row not in rows:
            rows.append(row)

    def notes(self) -> list[str]:
        def rows(r: list[int], one: str, many: str) -> str:
            shown = ", ".join(map(str, r[:12]))
            return (f"{self.source}: row{'s' * (len(r) > 1)} {shown}"
                    + (" ..." if len(r) > 12 else "") + f": {one if len(r) == 1 else many}")

        column = f"(column {self.header!r})"
        out = []
        if self.negated:
            out.append(f"{rows(self.negated, 'an opportunity', 'opportunities')} {column} "
                       f"with positive impacts, read as savings: their impacts were negated "
                       f"once (negative impacts reduce cost and time)")
        if self.ambiguous:
            out.append(f"{rows(self.ambiguous, 'an opportunity', 'opportunities')} {column} "
                       f"with impacts of both signs, which is ambiguous; read as written (a "
                       f"negative value is a saving, a positive one a cost). Write every "
                       f"value of an opportunity with one sign")
        if self.threat_negative:
            out.append(f"{rows(self.threat_negative, 'a threat', 'threats')} {column} with "
                       f"negative impacts; simulated as the numbers say (negative impacts "
                       f"reduce cost and time)")
        if self.negative_scores:
            cells = "; ".join(f"row {r}, column {c!r}: {v} (level {lv})"
                              for r, c, v, lv in self.negative_scores[:12])
            more = len(self.negative_scores) - 12
            out.append(f"{self.source}: negative scores read as opportunities of their "
                       f"level (the level's range, negated): {cells}"
                       + (f" and {more} more" if more > 0 else ""))
        return out
