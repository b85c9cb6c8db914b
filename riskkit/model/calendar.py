"""Working-day calendars: how durations in working days become dates."""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import InputWarning, OptionError

__all__ = ["Calendar", "parse_day"]


_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_EXAMPLE = "a date such as 2027-01-04"


def parse_day(value: object, name: str = "date", *, dayfirst: bool | None = None
              ) -> np.datetime64:
    """A date given as an ISO string, a ``date``, a ``datetime`` or a numpy date, or as
    a spreadsheet writes it: ``25/12/2027``, ``12/25/2027``, ``25.12.2027``.

    In ``D/M/Y`` or ``M/D/Y`` (``/``, ``-`` or ``.`` between the numbers, a four-digit
    year last) ``dayfirst=True`` reads the day first, ``False`` the month first. Left
    None, a date that can be read only one way is read that way (``25/12/2027``), a dotted
    date is day first (as every country that writes one reads it), and a date that
    could be either (``04/01/2027``) is an error naming both readings.

    Examples
    --------
    >>> str(parse_day("04/01/2027", dayfirst=True)), str(parse_day("25/12/2027"))
    ('2027-01-04', '2027-12-25')
    """
    if isinstance(value, str):
        m = _NUMERIC.fullmatch(value.strip())
        if m is not None:
            return _numeric_day(value, name, m, dayfirst)
        if re.fullmatch(r"\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}\s*", value):
            raise OptionError(name, value, _EXAMPLE + " (write the year in full: "
                              "riskkit does not guess the century)")
        value = re.sub(r"[T ]00:00(:00(\.0+)?)?$", "", value.strip())  # a spreadsheet cell
    try:
        raw: Any = value.date() if isinstance(value, _dt.datetime) else value
        day = np.datetime64(raw, "D")
    except (ValueError, TypeError):
        raise OptionError(name, value, _EXAMPLE + " (or 04/01/2027 with dayfirst)") from None
    if np.isnat(day):
        raise OptionError(name, value, _EXAMPLE)
    return day


def _numeric_day(text: str, name: str, m: re.Match[str], dayfirst: bool | None
                 ) -> np.datetime64:
    a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
    if dayfirst is None:
        if a > 12 or sep == ".":
            dayfirst = True
        elif b > 12:
            dayfirst = False
        elif a != b:
            day_first = _format(year, b, a)
            month_first = _format(year, a, b)
            raise OptionError(
                name, text, f"a date that can be read only one way: {text!r} is "
                f"{day_first} read day first, {month_first} read month first; say which "
                f"(--dayfirst or --monthfirst, dayfirst=True or False) or write "
                f"{day_first} or {month_first}")
        else:
            dayfirst = True
    day, month = (a, b) if dayfirst else (b, a)
    try:
        return np.datetime64(_dt.date(year, month, day), "D")
    except ValueError:
        order = "day/month/year" if dayfirst else "month/day/year"
        raise OptionError(name, text, f"{_EXAMPLE} (read as {order}, {text!r} is not a "
                                      f"date)") from None


def _format(year: int, month: int, day: int) -> str:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return "no date"


@dataclass(frozen=True)
class Calendar:
    """Working days: a week (``weekmask``, numpy's "1111100" for Monday to Friday) and
    non-working ``holidays``; ``hours_per_day`` turns a planning tool's hours into its
    working days (P6's "hours per day" of the calendar).

    A duration of d working days from a start ends on working day ceil(d), counting
    the first working day on or after the start as day 1 (a one-day job finishes the
    day it starts). A start on a non-working day is moved to the next working day
    (:meth:`start_day`, with a warning).

    Examples
    --------
    >>> cal = Calendar(holidays=("2027-01-01",))
    >>> str(cal.finish_date("2026-12-31", 2))  # Thursday, then (New Year) Monday
    '2027-01-04'
    """

    weekmask: str = "1111100"
    holidays: tuple[np.datetime64, ...] = ()
    name: str = "Monday to Friday"
    hours_per_day: float = 8.0

    def __post_init__(self) -> None:
        days = tuple(sorted({parse_day(h, "holidays") for h in self.holidays}))
        object.__setattr__(self, "holidays", days)
        if not (isinstance(self.hours_per_day, (int, float))
                and 0 < self.hours_per_day <= 24):
            raise OptionError("hours_per_day", self.hours_per_day, "a number of hours above "
                              "0 and at most 24")
        try:
            np.busdaycalendar(weekmask=self.weekmask)
        except ValueError:
            raise OptionError("weekmask", self.weekmask, "seven 0/1 flags from Monday, such "
                              "as 1111100") from None

    @classmethod
    def of(cls, holidays: Iterable[Any] | None = None, *,
           default: Calendar | None = None) -> Calendar:
        """Monday to Friday without ``holidays``; with no holidays given, ``default``
        (a schedule's own calendar) where there is one. The rule of every run's finish
        dates."""
        holidays = tuple(holidays or ())
        if default is not None and not holidays:
            return default
        return cls(holidays=holidays)

    def _offsets(self, start: np.datetime64, days: np.ndarray) -> np.ndarray:
        holidays = list(self.holidays)
        first = np.busday_offset(start, 0, roll="forward", weekmask=self.weekmask,
                                 holidays=holidays)
        return np.busday_offset(first, days, weekmask=self.weekmask, holidays=holidays)

    def finish_dates(self, start: Any, durations: np.ndarray) -> np.ndarray:
        """The finish date of each duration (working days) from ``start``."""
        days = np.maximum(np.ceil(np.asarray(durations) - 1e-9) - 1, 0).astype(np.int64)
        return self._offsets(parse_day(start, "start"), days)

    def finish_date(self, start: Any, duration: float) -> np.datetime64:
        """The finish date of one duration (working days) from ``start``."""
        days = max(int(np.ceil(duration - 1e-9)) - 1, 0)
        day: Any = self._offsets(parse_day(start, "start"), np.array(days))[()]
        return day  # type: ignore[no-any-return]

    def working_days_through(self, start: Any, day: Any) -> int:
        """How many working days run from ``start`` to ``day``, both included: the
        largest duration whose finish date (:meth:`finish_date`) is on or before
        ``day`` (0 when ``day`` is before the first working day)."""
        holidays = list(self.holidays)
        first = np.busday_offset(parse_day(start, "start"), 0, roll="forward",
                                 weekmask=self.weekmask, holidays=holidays)
        end = parse_day(day, "date") + np.timedelta64(1, "D")
        return max(int(np.busday_count(first, end, weekmask=self.weekmask,
                                       holidays=holidays)), 0)

    def is_working_day(self, day: Any) -> bool:
        return bool(np.is_busday(parse_day(day, "day"), weekmask=self.weekmask,
                                 holidays=list(self.holidays)))

    def start_day(self, start: Any, *, warn: bool = True) -> np.datetime64:
        """The day work starts: ``start``, or the next working day when ``start`` is a
        weekend day or a holiday (with an :class:`~riskkit.InputWarning` saying so).

        >>> str(Calendar().start_day("2027-01-02", warn=False))  # a Saturday
        '2027-01-04'
        """
        day = parse_day(start, "start")
        first: np.datetime64 = np.busday_offset(day, 0, roll="forward",
                                                weekmask=self.weekmask,
                                                holidays=list(self.holidays))
        if first != day and warn:
            why = "a holiday" if day in self.holidays else "not a working day"
            warnings.warn(f"the start {day} ({_weekday(day)}) is {why} of the calendar "
                          f"({self.name}); the project starts on the next working day, "
                          f"{_weekday(first)} {first}", InputWarning, stacklevel=3)
        return first


def _weekday(day: np.datetime64) -> str:
    return _dt.date.fromisoformat(str(day)).strftime("%A")
