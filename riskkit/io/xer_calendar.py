"""P6 calendars: the CALENDAR table's ``clndr_data``, working hours between two
moments, and the working-day :class:`~riskkit.model.Calendar` a P6 calendar comes to.

``clndr_data`` nests records as ``(0||name(attributes)(children))``::

    (0||CalendarData()(
      (0||DaysOfWeek()(
        (0||1()())                                 Sunday: no work
        (0||2()((0||0(s|08:00|f|12:00)())          Monday: 08:00-12:00 and
                (0||1(s|13:00|f|17:00)())))        13:00-17:00
        ...
        (0||7()())))                               Saturday
      (0||Exceptions()(
        (0||0(d|42907)((0||0(s|08:00|f|16:00)())))   a day with other hours
        (0||1(d|43094)())))))                        a day off

Days of the week run from 1 (Sunday) to 7 (Saturday); an exception's day is a serial
number of days from 1899-12-30 (as a spreadsheet counts them); an exception without
hours is a day off, one with hours replaces the day's hours. The work periods' order
of ``s`` and ``f`` varies between P6 versions, and a period ending at ``00:00`` ends at
midnight.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ..exceptions import InputError, Problem
from ..model import Calendar

__all__ = ["P6_EPOCH", "P6Calendar", "parse_clndr_data", "read_calendars"]

#: Day 0 of P6's (and spreadsheets') day serials.
P6_EPOCH = _dt.date(1899, 12, 30)
Period = tuple[float, float]  # work from, to: hours after midnight
_Node = tuple[str, dict[str, str], list[Any]]


def parse_clndr_data(text: str) -> tuple[tuple[tuple[Period, ...], ...],
                                         dict[_dt.date, tuple[Period, ...]]]:
    """The work week (Monday first, seven tuples of work periods) and the exceptions
    (day: its work periods; none for a day off) of a ``clndr_data`` value.

    >>> week, days = parse_clndr_data(
    ...     "(0||CalendarData()((0||DaysOfWeek()((0||1()())(0||2()((0||0(s|08:00|f|16:00)"
    ...     "())))(0||3()())(0||4()())(0||5()())(0||6()())(0||7()())))"
    ...     "(0||Exceptions()((0||0(d|42907)())))))")
    >>> week[0], week[1], days
    (((8.0, 16.0),), (), {datetime.date(2017, 6, 21): ()})

    Raises
    ------
    ValueError
        Text that is not a calendar, saying where it stops making sense.
    """
    root, end = _node(text, _skip(text, 0))
    if text[end:].strip(" \t\r\n\x7f"):
        raise ValueError(f"unexpected text at character {end}")
    week: list[tuple[Period, ...]] = [()] * 7
    exceptions: dict[_dt.date, tuple[Period, ...]] = {}
    for name, _attrs, children in root[2]:
        if name == "DaysOfWeek":
            for day, _a, periods in children:
                if not day.isdigit() or not 1 <= int(day) <= 7:
                    raise ValueError(f"day of the week {day!r} is not 1 to 7")
                week[(int(day) + 5) % 7] = _periods(periods)  # 1 = Sunday -> index 6
        elif name == "Exceptions":
            for _n, attrs, periods in children:
                serial = attrs.get("d", "")
                if not serial.strip().isdigit():
                    raise ValueError(f"exception day {serial!r} is not a day number")
                day = P6_EPOCH + _dt.timedelta(days=int(serial))
                exceptions[day] = _periods(periods)
    return tuple(week), exceptions


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n\x7f":
        i += 1
    return i


def _expect(text: str, i: int, char: str) -> int:
    i = _skip(text, i)
    if i >= len(text) or text[i] != char:
        found = repr(text[i:i + 12]) if i < len(text) else "the end"
        raise ValueError(f"expected {char!r} at character {i}, found {found}")
    return i + 1


def _node(text: str, i: int) -> tuple[_Node, int]:
    i = _expect(text, i, "(")
    bars = text.find("||", i)
    opening = text.find("(", bars + 2) if bars >= 0 else -1
    closing = text.find(")", opening + 1) if opening >= 0 else -1
    if min(bars, opening, closing) < 0:
        raise ValueError(f"a record at character {i} is not (n||name(...)(...))")
    name = text[bars + 2:opening].strip()
    parts = text[opening + 1:closing].split("|")
    attrs = {parts[k].strip(): parts[k + 1].strip() for k in range(0, len(parts) - 1, 2)}
    i = _expect(text, closing + 1, "(")
    children: list[_Node] = []
    while True:
        i = _skip(text, i)
        if i >= len(text):
            raise ValueError("the calendar ends inside a record")
        if text[i] == ")":
            i += 1
            break
        child, i = _node(text, i)
        children.append(child)
    return (name, attrs, children), _expect(text, i, ")")


def _periods(nodes: list[_Node]) -> tuple[Period, ...]:
    out = []
    for _n, attrs, _c in nodes:
        if "s" not in attrs or "f" not in attrs:
            raise ValueError(f"a work period without its start and finish: {attrs}")
        start, finish = _hours(attrs["s"]), _hours(attrs["f"])
        if finish <= start:
            finish += 24.0  # 00:00 ends at midnight
        out.append((start, finish))
    return tuple(sorted(out))


def _hours(text: str) -> float:
    hours, _, minutes = text.partition(":")
    value = int(hours) + int(minutes or 0) / 60
    if not 0 <= value <= 24:
        raise ValueError(f"time {text!r} is not in a day")
    return value


def _length(periods: tuple[Period, ...]) -> float:
    return sum(f - s for s, f in periods)


@dataclass(frozen=True)
class P6Calendar:
    """A P6 calendar: the work periods of each day of the week (Monday first), the
    exceptions by day and P6's hours per day (``day_hr_cnt``), which turns hours into
    days.

    Examples
    --------
    >>> from datetime import date, datetime
    >>> cal = P6Calendar("1", "5 days", 8.0, (((8.0, 16.0),),) * 5 + ((), ()),
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


def read_calendars(records: tuple[dict[str, Any], ...], lines: tuple[int, ...],
                   source: str) -> dict[str, P6Calendar]:
    """The calendars of a CALENDAR table's typed rows, by ``clndr_id``.

    Raises
    ------
    InputError
        Every ``clndr_data`` that cannot be read, and calendars with no working day,
        with their lines.
    """
    out: dict[str, P6Calendar] = {}
    problems: list[Problem] = []
    for line, r in zip(lines, records):
        cid, name = str(r.get("clndr_id") or ""), str(r.get("clndr_name") or "")
        text = str(r.get("clndr_data") or "")
        try:
            if text.strip():
                week, exceptions = parse_clndr_data(text)
            else:  # P6 writes one for every calendar; a blank one is Monday to Friday
                week, exceptions = ((((8.0, 16.0),),) * 5 + ((), ())), {}
            hours = r.get("day_hr_cnt") or 0.0
            if not 0 < hours <= 24:
                working = [_length(p) for p in week if p]
                hours = sum(working) / len(working) if working else 8.0
            cal = P6Calendar(cid, name or f"calendar {cid}", float(hours), week, exceptions,
                             str(r.get("clndr_type") or ""), line)
            cal.to_calendar()
        except ValueError as exc:
            problems.append(Problem(f"calendar {name!r} cannot be read: {exc}",
                                    source=source, row=line, column="CALENDAR.clndr_data",
                                    value=text[:60] + ("..." if len(text) > 60 else "")))
            continue
        out[cid] = cal
    if problems:
        raise InputError(problems)
    return out
