"""Weather (calendar) risk: working days lost in given months, with a probability per
month, on the activities at work then.

A rule says, for example, "in each month from November to February, a 10% chance of
losing 3 to 8 working days on the outdoor activities". In every iteration and every
calendar month of the rule, the month is bad with the rule's probability; when it is,
one draw of the lost days applies to every activity the rule names that is at work in
that month (its early start to its early finish in the iteration, before any weather),
each of which takes that much longer. So the expected days an activity loses are the
sum, over the rule's months it spans, of probability x mean loss.

Months are calendar months of the schedule's dates, so a rule needs the day work
starts (the schedule's start or ``--start``) and the working-day calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..distributions import Distribution
from ..exceptions import InputError, OptionError, Problem
from .calendar import Calendar, parse_day

__all__ = ["MONTH_NAMES", "Weather", "WeatherRule", "parse_months"]

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
               "dec")
_OTHER_NAMES = {"janv": 1, "janvier": 1, "januar": 1, "enero": 1, "gennaio": 1,
                "fev": 2, "fevrier": 2, "februar": 2, "febrero": 2, "febbraio": 2,
                "mars": 3, "marz": 3, "maerz": 3, "marzo": 3, "avr": 4, "avril": 4,
                "abril": 4, "aprile": 4, "mai": 5, "mayo": 5, "maggio": 5, "juin": 6,
                "juni": 6, "junio": 6, "giugno": 6, "juil": 7, "juillet": 7, "juli": 7,
                "julio": 7, "luglio": 7, "aout": 8, "agosto": 8, "sept": 9,
                "septembre": 9, "septiembre": 9, "settembre": 9, "okt": 10, "octobre": 10,
                "oktober": 10, "octubre": 10, "ottobre": 10, "novembre": 11,
                "noviembre": 11, "dez": 12, "dezember": 12, "decembre": 12,
                "diciembre": 12, "dicembre": 12}


def _month(token: str) -> int | None:
    t = token.strip().lower().rstrip(".")
    t = (t.replace("é", "e").replace("è", "e").replace("û", "u").replace("ä", "a")
         .replace("ü", "u"))
    if t.isdigit() and 1 <= int(t) <= 12:
        return int(t)
    if t in _OTHER_NAMES:
        return _OTHER_NAMES[t]
    if len(t) >= 3 and t[:3] in MONTH_NAMES:
        return MONTH_NAMES.index(t[:3]) + 1
    return None


def parse_months(text: str) -> tuple[int, ...]:
    """Months (1-12) from text such as ``Nov-Feb`` (a range that wraps the year end),
    ``11-2``, ``Dec; Jan; Feb`` or ``July``.

    >>> parse_months("Nov-Feb")
    (11, 12, 1, 2)
    """
    months: list[int] = []
    for part in re.split(r"[;,/]|\s+and\s+", str(text)):
        if not part.strip():
            continue
        ends = [p for p in re.split(r"\s*[-–]\s*|\s+(?:to|bis|à|a|al)\s+", part.strip()) if p]
        found = [_month(e) for e in ends]
        if not found or len(found) > 2 or any(m is None for m in found):
            raise ValueError(part.strip())
        first, last = found[0], found[-1]
        assert first is not None and last is not None
        m = first
        months.append(m)
        while m != last:
            m = m % 12 + 1
            months.append(m)
    if not months:
        raise ValueError(str(text))
    return tuple(dict.fromkeys(months))


@dataclass(frozen=True)
class WeatherRule:
    """Working days lost in each of ``months`` (1-12) with ``probability``, on the
    activities ``activities`` names (ids, WBS codes, activity codes; none: every
    activity)."""

    name: str
    months: tuple[int, ...]
    probability: float
    lost: Distribution
    activities: tuple[str, ...] = ()
    row: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        problems = []
        if not 0.0 <= float(self.probability) <= 1.0:
            problems.append(Problem("probability outside 0-100%", row=self.row,
                                    column="probability", value=f"{self.probability:g}"))
        if not self.months or any(not 1 <= m <= 12 for m in self.months):
            problems.append(Problem("months must be 1 to 12", row=self.row, column="months",
                                    value=str(self.months)))
        if self.lost.low < 0:
            problems.append(Problem("lost days cannot be negative", row=self.row,
                                    column="lost_min", value=f"{self.lost.low:g}"))
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "activities", tuple(self.activities))

    @property
    def expected_loss(self) -> float:
        """Expected working days lost per month of the rule an activity spans."""
        return float(self.probability) * self.lost.mean


@dataclass(frozen=True)
class Weather:
    """Weather rules, with the day work starts and the working-day calendar that place
    a schedule's working days in calendar months."""

    rules: tuple[WeatherRule, ...]
    start: Any
    calendar: Calendar = field(default_factory=Calendar)
    source: str = "<weather>"

    def __post_init__(self) -> None:
        if self.start is None:
            raise OptionError("start", None, "the day work starts: weather rules place "
                              "working days in calendar months (give --start)")
        object.__setattr__(self, "start", parse_day(self.start, "start"))
        object.__setattr__(self, "rules", tuple(self.rules))
        names = [r.name for r in self.rules]
        doubles = sorted({n for n in names if names.count(n) > 1})
        if doubles:
            raise InputError(Problem(f"weather rule names are used twice: {', '.join(doubles)}",
                                     source=self.source, column="name",
                                     hint="every rule needs its own name (it keys its "
                                          "random numbers)"))

    def month_table(self, working_days: int) -> np.ndarray:
        """For working days 0 .. ``working_days - 1`` from the start: the calendar month
        each falls in, as ``year * 12 + month - 1``."""
        days = self.calendar.finish_dates(self.start, np.arange(1, working_days + 1))
        months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
        return months + 1970 * 12
