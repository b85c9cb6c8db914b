"""Durations and lags written in units of time: ``2w``, ``3 wks``, ``16h``, ``5 days``,
``1.5 mo``, ``Duration (hours)``.

riskkit's durations are working days. A :class:`WorkTime` says how long a working day
and a working week are (8 hours and 5 days by default; a month is 52/12 weeks) and
converts the other units. The words for each unit are data:
``riskkit/io/words/units.json``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..exceptions import OptionError
from ..words import read_words
from .cells import NumberFormatError, parse_number

__all__ = ["UNITS", "WorkTime", "fold_unit", "header_unit", "parse_duration", "split_unit",
           "unit_of", "unit_words"]

#: The units of time riskkit converts, shortest first.
UNITS: tuple[str, ...] = ("minutes", "hours", "days", "weeks", "months")


@dataclass(frozen=True)
class WorkTime:
    """How long a working day, week and month are.

    ``hours_per_day`` turns hours into working days, ``days_per_week`` weeks into
    working days; a month is ``weeks_per_month`` weeks (52/12 by default, so 21.67
    working days at 5 days a week).

    Examples
    --------
    >>> WorkTime().days(16, "hours")
    2.0
    >>> WorkTime(days_per_week=6).days(2, "weeks")
    12.0
    >>> round(WorkTime().days(1.5, "months"), 2)
    32.5
    """

    hours_per_day: float = 8.0
    days_per_week: float = 5.0
    weeks_per_month: float = 52 / 12

    def __post_init__(self) -> None:
        for name, top in (("hours_per_day", 24.0), ("days_per_week", 7.0),
                          ("weeks_per_month", 31 / 7)):
            value = getattr(self, name)
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not math.isfinite(value) or not 0 < value <= top):
                raise OptionError(name, value, f"a number above 0 and at most {top:g}")

    def days(self, value: float, unit: str) -> float:
        """``value`` in ``unit`` (one of :data:`UNITS`) as working days."""
        factor = {"minutes": 1 / (60 * self.hours_per_day), "hours": 1 / self.hours_per_day,
                  "days": 1.0, "weeks": self.days_per_week,
                  "months": self.days_per_week * self.weeks_per_month}
        if unit not in factor:
            raise OptionError("unit", unit, "one of " + ", ".join(UNITS))
        return float(value) * factor[unit]

    def describe(self) -> str:
        return (f"{self.hours_per_day:g} hours a day, {self.days_per_week:g} days a week, "
                f"a month of {self.weeks_per_month:.4g} weeks")


def fold_unit(word: str) -> str:
    """A unit word as it is looked up: case-folded, accents and a trailing dot dropped,
    inner spaces collapsed."""
    text = unicodedata.normalize("NFKD", str(word).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip().rstrip(".").strip()


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    data = read_words("units")
    table: dict[str, str] = {}
    for unit in UNITS:
        for word in data[unit]:
            table[fold_unit(word)] = unit
    ambiguous = {fold_unit(k): v for k, v in data.get("ambiguous", {}).items()}
    elapsed = {fold_unit(w) for w in data.get("elapsed", ())}
    return {"table": table, "ambiguous": ambiguous, "elapsed": elapsed}


def unit_words(unit: str) -> tuple[str, ...]:
    """The words that mean ``unit``, as the data file lists them (folded)."""
    return tuple(w for w, u in _words()["table"].items() if u == unit)


class UnitError(NumberFormatError):
    """A unit of time riskkit does not read; the message says what would load."""


def _known() -> str:
    return "h, d, w, mo (or hours, days, weeks, months)"


def unit_of(word: str) -> str:
    """The unit (one of :data:`UNITS`) a word names.

    Raises
    ------
    UnitError
        For a word that is ambiguous (``m``), elapsed time (``edays``) or unknown; the
        message names the word and what to write instead.

    >>> unit_of("wks"), unit_of("Std."), unit_of("Tage")
    ('weeks', 'hours', 'days')
    """
    folded = fold_unit(word)
    words = _words()
    if folded in words["table"]:
        return str(words["table"][folded])
    if folded in words["ambiguous"]:
        raise UnitError(f"the unit {word!r} could mean {words['ambiguous'][folded]}")
    if folded in words["elapsed"]:
        raise UnitError(f"{word!r} is elapsed (calendar) time; riskkit durations are "
                        f"working time: give working days, or {_known()}")
    raise UnitError(f"unknown unit of time {word!r}; riskkit reads {_known()}")


_NUMBER_UNIT = re.compile(r"(?P<number>.*?\d[\d.,\s\u00a0']*)\s*(?P<unit>[^\W\d_][^\W\d_.\s]*"
                          r"(?:[.\s]+[^\W\d_]+)*\.?)?\s*\??\s*")


def split_unit(text: str) -> tuple[str, str | None]:
    """A cell such as ``3 wks`` as ``("3", "wks")``; ``("3", None)`` without a unit.

    A trailing ``?`` (an estimated duration, as planning tools mark one) is dropped.

    >>> split_unit("1.5 mo"), split_unit("16h"), split_unit("5 days?"), split_unit("7")
    (('1.5', 'mo'), ('16', 'h'), ('5', 'days'), ('7', None))
    """
    s = str(text).strip()
    m = _NUMBER_UNIT.fullmatch(s)
    if m is None or m.group("unit") is None:
        return s.rstrip("?").strip(), None
    return m.group("number").strip(), m.group("unit")


def parse_duration(
    text: str,
    *,
    unit: str | None = None,
    time: WorkTime | None = None,
    decimal_comma: bool = False,
) -> float | None:
    """A duration cell in working days, or None for a blank cell.

    The unit written in the cell wins; otherwise ``unit`` (the row's units column or
    the header's unit), otherwise days.

    Raises
    ------
    NumberFormatError
        A cell that is not a number, or whose unit riskkit does not read.

    >>> parse_duration("2w"), parse_duration("16 hrs"), parse_duration("3", unit="weeks")
    (10.0, 2.0, 15.0)
    >>> parse_duration("1,5 Tage", decimal_comma=True)
    1.5
    """
    time = time or WorkTime()
    number, word = split_unit(text)
    written = unit_of(word) if word is not None else None
    parsed = parse_number(number, decimal_comma=decimal_comma, allow_percent=False,
                          allow_currency=False)
    if parsed is None:
        if word is not None:
            raise NumberFormatError("not a number")
        return None
    return time.days(parsed.value, written or unit or "days")


_HEADER_UNIT = re.compile(r"[\(\[\{]\s*(?:in\s+)?([^\W\d_][^)\]\}]*?)\s*[\)\]\}]"
                          r"|\b(?:in|en|em|w|v|в)\s+([^\W\d_]+)\s*$", re.IGNORECASE)


def header_unit(text: str) -> str | None:
    """The unit a duration header announces, or None.

    ``Duration (hours)``, ``Optimistic [wks]``, ``Dauer in Wochen``, or a header that
    is a unit word itself (``Hours``, ``Days``). A word that could be something else
    is not a unit here: ``(min)`` is the minimum, ``(m)`` may be the most likely value.

    >>> header_unit("Duration (hours)"), header_unit("Dauer in Wochen"), header_unit("Days")
    ('hours', 'weeks', 'days')
    >>> header_unit("Most Likely") is None
    True
    """
    s = str(text).strip()
    words = _words()
    for m in _HEADER_UNIT.finditer(s):
        word = m.group(1) or m.group(2)
        folded = fold_unit(word)
        if folded in words["table"] and folded not in _NOT_IN_HEADERS:
            return str(words["table"][folded])
    last = fold_unit(re.split(r"[\s_/-]+", s)[-1] if s else "")
    if last in words["table"] and len(last) > 2 and last not in _NOT_IN_HEADERS:
        return str(words["table"][last])
    return None


# In a header, 'Duration (min)' is the minimum duration, not minutes ('m' and other
# ambiguous words are not in the table at all).
_NOT_IN_HEADERS = frozenset({"min", "mins"})
