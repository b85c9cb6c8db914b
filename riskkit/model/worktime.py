"""Calendars of working hours, constraints and the dates a planning tool saved.

A :class:`WorkCalendar` is what P6 and MS Project calendars are: work periods by day of
the week, exceptions by day, hours per day. A :class:`Constraint` is a date an activity
is held to; :class:`SavedDates` are the dates the tool computed and saved with the
activity, which ``riskkit verify`` compares with riskkit's own.
"""

from __future__ import annotations

import datetime as _dt
import math
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ..exceptions import OptionError
from .calendar import Calendar

__all__ = ["CONSTRAINT_KINDS", "Constraint", "Period", "SavedDates", "WorkCalendar",
           "moment"]

Period = tuple[float, float]  # work from, to: hours after midnight

#: The constraints an activity can carry (P6's and MS Project's, in one vocabulary).
#: ``start_on`` and ``finish_on`` hold the early date no earlier and the late date no
#: later than the date; the mandatory ones hold both to the date, whatever the logic;
#: ``as_late_as_possible`` uses the activity's free float (no date).
CONSTRAINT_KINDS: tuple[str, ...] = (
    "start_on", "start_on_or_after", "start_on_or_before", "finish_on",
    "finish_on_or_after", "finish_on_or_before", "mandatory_start", "mandatory_finish",
    "as_late_as_possible",
)


def moment(value: Any, name: str = "date") -> np.datetime64:
    """A moment to the minute (``datetime64[m]``) from a datetime, a date or ISO text."""
    try:
        m = np.datetime64(value, "m")
    except (ValueError, TypeError):
        raise OptionError(name, value, "a date and time such as 2027-01-04T08:00") from None
    if np.isnat(m):
        raise OptionError(name, value, "a date and time such as 2027-01-04T08:00")
    return m


@dataclass(frozen=True)
class Constraint:
    """A constraint of :data:`CONSTRAINT_KINDS` and its moment (None for
    ``as_late_as_possible``)."""

    kind: str
    date: np.datetime64 | None = None

    def __post_init__(self) -> None:
        if self.kind not in CONSTRAINT_KINDS:
            raise OptionError("constraint", self.kind, "one of " + ", ".join(CONSTRAINT_KINDS))
        if self.kind == "as_late_as_possible":
            object.__setattr__(self, "date", None)
        elif self.date is None:
            raise OptionError("constraint", self.kind, "a constraint with its date")
        else:
            object.__setattr__(self, "date", moment(self.date, "constraint date"))

    @property
    def on_start(self) -> bool:
        return self.kind in ("start_on", "start_on_or_after", "start_on_or_before",
                             "mandatory_start")


@dataclass(frozen=True)
class SavedDates:
    """The dates (moments) and total float (hours) a planning tool saved with an
    activity: what ``riskkit verify`` compares. Any may be missing."""

    early_start: np.datetime64 | None = None
    early_finish: np.datetime64 | None = None
    late_start: np.datetime64 | None = None
    late_finish: np.datetime64 | None = None
    total_float_hours: float | None = None

    def __post_init__(self) -> None:
        for name in ("early_start", "early_finish", "late_start", "late_finish"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, moment(value, name))
        if self.total_float_hours is not None and not math.isfinite(self.total_float_hours):
            object.__setattr__(self, "total_float_hours", None)


def _length(periods: tuple[Period, ...]) -> float:
    return sum(f - s for s, f in periods)


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """A calendar of working hours: the work periods of each day of the week (Monday
    first, hours after midnight), the exceptions by day (their own periods; none: a day
    off) and the hours per day that turn hours into days (P6's ``day_hr_cnt``, MS
    Project's minutes per day). The engine schedules each activity on its own one.
    Compared by identity (a schedule's activities share their calendar objects).

    Examples
    --------
    >>> from datetime import date, datetime
    >>> cal = WorkCalendar("1", "5 days", 8.0, (((8.0, 16.0),),) * 5 + ((), ()),
    ...                  {date(2027, 1, 1): ()})
    >>> cal.hours_between(datetime(2026, 12, 31, 8), datetime(2027, 1, 4, 12))
    12.0
    >>> [str(day) for day in cal.to_calendar()[0].holidays]
    ['2027-01-01']
    """

    id: str
    name: str
    hours_per_day: float
    week: tuple[tuple[Period, ...], ...]
    exceptions: Mapping[_dt.date, tuple[Period, ...]] = field(default_factory=dict)
    kind: str = ""
    row: int | None = field(default=None, compare=False)
    _days: tuple[_dt.date, ...] = field(init=False, repr=False, compare=False)
    _weekday: tuple[float, ...] = field(init=False, repr=False, compare=False)
    _converted: list[tuple[Calendar, list[str]]] = field(default_factory=list, init=False,
                                                         repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a week has seven days")
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))
        object.__setattr__(self, "_days", tuple(sorted(self.exceptions)))
        object.__setattr__(self, "_weekday", tuple(_length(p) for p in self.week))

    def periods(self, day: _dt.date) -> tuple[Period, ...]:
        """The work periods of ``day`` (its exception's, else its weekday's)."""
        found = self.exceptions.get(day)
        return found if found is not None else self.week[day.weekday()]

    def day_hours(self, day: _dt.date) -> float:
        return _length(self.periods(day))

    def hours_between(self, start: _dt.datetime, end: _dt.datetime) -> float:
        """Working hours from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.hours_between(end, start)
        first, last = start.date(), end.date()
        if first == last:
            return self._within(first, start, end)
        total = self._within(first, start, None) + self._within(last, None, end)
        return total + self._full_days(first + _dt.timedelta(days=1), last)

    def _within(self, day: _dt.date, start: _dt.datetime | None,
                end: _dt.datetime | None) -> float:
        lo = 0.0 if start is None else start.hour + start.minute / 60 + start.second / 3600
        hi = 24.0 if end is None else end.hour + end.minute / 60 + end.second / 3600
        return sum(max(0.0, min(f, hi) - max(s, lo)) for s, f in self.periods(day))

    def _full_days(self, first: _dt.date, stop: _dt.date) -> float:
        """Hours of the days ``first`` <= day < ``stop``."""
        weekday = self._weekday
        weeks, rest = divmod((stop - first).days, 7)
        total = weeks * sum(weekday)
        total += sum(weekday[(first.weekday() + k) % 7] for k in range(rest))
        days = self._days
        for day in days[bisect_left(days, first):bisect_left(days, stop)]:
            total += _length(self.exceptions[day]) - weekday[day.weekday()]
        return total

    @property
    def weekmask(self) -> str:
        return "".join("1" if p else "0" for p in self.week)

    def to_calendar(self) -> tuple[Calendar, list[str]]:
        """The working-day :class:`~riskkit.model.Calendar` (weekmask, holidays, hours
        per day) and what it cannot say of this calendar (days of other lengths, extra
        working days), each with how many."""
        if not self._converted:
            self._converted.append(self._convert())
        return self._converted[0][0], list(self._converted[0][1])

    def _convert(self) -> tuple[Calendar, list[str]]:
        working = [h > 0 for h in self._weekday]
        holidays = [day for day, periods in self.exceptions.items()
                    if not periods and working[day.weekday()]]
        extra = [day for day, periods in self.exceptions.items()
                 if periods and not working[day.weekday()]]
        other = [day for day, periods in self.exceptions.items() if periods
                 and working[day.weekday()] and
                 abs(_length(periods) - self.hours_per_day) > 1e-9]
        uneven = [d for d, h in zip(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                     "Saturday", "Sunday"), self._weekday)
                  if h and abs(h - self.hours_per_day) > 1e-9]
        notes = []
        if extra:
            notes.append(f"{len(extra)} extra working "
                         f"{'day' if len(extra) == 1 else 'days'} on days off of its week "
                         f"(first {min(extra)})")
        if other:
            notes.append(f"{len(other)} {'day' if len(other) == 1 else 'days'} of other "
                         f"than {self.hours_per_day:g} hours (first {min(other)})")
        if uneven:
            notes.append(f"{', '.join(uneven)} not of {self.hours_per_day:g} hours")
        if not any(working):
            raise ValueError("the calendar has no working day in its week")
        cal = Calendar("".join("1" if w else "0" for w in working),
                       tuple(np.datetime64(d, "D") for d in holidays), self.name,
                       self.hours_per_day)
        return cal, notes


    @classmethod
    def of_days(cls, calendar: Calendar, day_start: float = 8.0) -> WorkCalendar:
        """The working hours of a working-day :class:`Calendar`: each working day from
        ``day_start`` for its hours per day (to midnight at most), holidays off."""
        end = min(24.0, day_start + calendar.hours_per_day)
        begin = end - calendar.hours_per_day
        week = tuple(((begin, end),) if flag == "1" else () for flag in calendar.weekmask)
        off = {_dt.date.fromisoformat(str(d)): () for d in calendar.holidays}
        return cls(calendar.name, calendar.name, calendar.hours_per_day, week, off)
