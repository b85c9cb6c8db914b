"""MS Project calendars (MSPDI ``<Calendars>``) as :class:`~riskkit.model.WorkCalendar`.

What is read:

- ``WeekDays``: each ``WeekDay`` of ``DayType`` 1 (Sunday) to 7 (Saturday), working
  (``DayWorking``) in its ``WorkingTimes`` (``FromTime``-``ToTime``; ``00:00`` as an end
  is midnight), or MS Project's default hours (08:00-12:00, 13:00-17:00) when it gives
  none. A day a base calendar does not list keeps MS Project's default (Monday to
  Friday working); a day a derived (resource) calendar does not list is its base
  calendar's (``BaseCalendarUID``), as are the base calendar's exceptions.
- Exceptions, both ways MS Project writes them: ``WeekDay`` entries of ``DayType`` 0 over
  a ``TimePeriod`` (MS Project 2003), and ``Exceptions`` (2007 and later) over a range
  of days or recurring daily, weekly, monthly or yearly (``Type`` 1 to 7, with
  ``Period``, ``DaysOfWeek``, ``MonthDay``, ``Month``, ``MonthItem``, ``MonthPosition``,
  ``Occurrences``); without working times a day off.
- ``WorkWeeks``: a work week over a range of days becomes exceptions on the days whose
  hours differ from the calendar's week (the exceptions still win).
- Hours per day are the project's ``MinutesPerDay`` for every calendar: MS Project
  turns hours into days with the project's setting, not a calendar's.

Recurring exceptions and work weeks are expanded within a window of days around the
project (far-future repeats cannot move it).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from ...exceptions import Problem
from ...model.worktime import Period, WorkCalendar
from .xmltree import XmlElement

__all__ = ["DEFAULT_HOURS", "MspdiCalendars", "read_calendars"]

#: MS Project's working hours of a working day that lists none.
DEFAULT_HOURS: tuple[Period, ...] = ((8.0, 12.0), (13.0, 17.0))
_DEFAULT_WEEK: tuple[tuple[Period, ...], ...] = (DEFAULT_HOURS,) * 5 + ((), ())
_MAX_DAYS = 50_000  # days one recurring exception or work week may expand to


@dataclass
class MspdiCalendars:
    """The calendars of a file by UID; the problems of those that cannot be built (a
    reader reports one only when an activity or the project uses it); notes of what
    was not read."""

    calendars: dict[str, WorkCalendar] = field(default_factory=dict)
    broken: dict[str, Problem] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Written:
    """One ``<Calendar>`` as the file writes it."""

    uid: str
    name: str
    base: str | None
    line: int
    week: list[tuple[Period, ...] | None]  # Monday first; None: not given
    exceptions: dict[_dt.date, tuple[Period, ...]]
    weeks: list[tuple[_dt.date, _dt.date, list[tuple[Period, ...] | None]]]


def read_calendars(project: XmlElement, source: str, hours_per_day: float,
                   window: tuple[_dt.date, _dt.date]) -> MspdiCalendars:
    """Every calendar of an MSPDI ``<Project>``, by UID (see the module's text)."""
    out = MspdiCalendars()
    written: dict[str, _Written] = {}
    unread: dict[str, int] = {}
    for node in project.items("Calendars"):
        if node.tag != "Calendar":
            continue
        uid = node.get("UID")
        if uid is None:
            continue
        name = node.get("Name") or f"calendar {uid}"
        out.names[uid] = name
        try:
            written[uid] = _written(node, uid, name, window, unread)
        except ValueError as exc:
            out.broken[uid] = Problem(f"calendar {name!r} cannot be read: {exc}", source,
                                      node.line, "Calendar")
    for what, n in unread.items():
        one = what.replace("exceptions", "exception", 1)
        out.notes.append(f"{n:,} calendar {what if n != 1 else one}")
    resolved: dict[str, tuple[list[tuple[Period, ...]], dict[_dt.date, tuple[Period, ...]]]]
    resolved = {}

    def resolve(uid: str, seen: tuple[str, ...] = ()
                ) -> tuple[list[tuple[Period, ...]], dict[_dt.date, tuple[Period, ...]]]:
        if uid in resolved:
            return resolved[uid]
        cal = written[uid]
        if cal.base is not None:
            if cal.base in seen or cal.base == uid:
                raise ValueError("its base calendars refer back to it")
            if cal.base not in written:
                raise ValueError(f"its base calendar (UID {cal.base}) is not in the file")
            base_week, base_days = resolve(cal.base, (*seen, uid))
        else:
            base_week, base_days = list(_DEFAULT_WEEK), {}
        week = [own if own is not None else base for own, base in zip(cal.week, base_week)]
        days = dict(base_days)
        for first, last, periods in cal.weeks:
            for day in _span(first, last, window):
                hours = periods[day.weekday()]
                if hours is not None and hours != week[day.weekday()]:
                    days[day] = hours
        days.update(cal.exceptions)
        resolved[uid] = (week, days)
        return week, days

    for uid, cal in written.items():
        try:
            week, days = resolve(uid)
            built = WorkCalendar(uid, cal.name, hours_per_day, tuple(week), days,
                                 "resource" if cal.base is not None else "base", cal.line)
            built.to_calendar()  # a week without a working day is refused here
        except ValueError as exc:
            out.broken[uid] = Problem(f"calendar {cal.name!r} cannot be used: {exc}",
                                      source, cal.line, "Calendar/BaseCalendarUID"
                                      if "base" in str(exc) else "Calendar/WeekDays")
            continue
        out.calendars[uid] = built
    return out


def _written(node: XmlElement, uid: str, name: str, window: tuple[_dt.date, _dt.date],
             unread: dict[str, int]) -> _Written:
    base = node.get("BaseCalendarUID")
    if node.get("IsBaseCalendar") == "1" or base in (None, "-1"):
        base = None
    week: list[tuple[Period, ...] | None] = [None] * 7
    exceptions: dict[_dt.date, tuple[Period, ...]] = {}
    for day in node.items("WeekDays"):
        kind = _integer(day.get("DayType"), "DayType")
        if kind == 0:
            first, last = _period(day.find("TimePeriod"))
            hours = _hours(day)
            for d in _span(first, last, window):
                exceptions[d] = hours
        elif kind is not None and 1 <= kind <= 7:
            week[(kind + 5) % 7] = _hours(day)
        else:
            raise ValueError(f"day type {day.get('DayType')!r} is not 0 to 7")
    own: dict[_dt.date, tuple[Period, ...]] = {}
    for exc in node.items("Exceptions"):
        hours = _hours(exc)
        days = _occurrences(exc, window)
        if days is None:
            what = "exceptions of a recurrence riskkit does not read (left out)"
            unread[what] = unread.get(what, 0) + 1
            continue
        for d in days:
            own[d] = hours
    exceptions.update(own)
    weeks = []
    for ww in node.items("WorkWeeks"):
        span = ww.find("TimePeriod")
        if span is None or span.get("FromDate") is None:
            continue
        first, last = _period(span)
        days_of: list[tuple[Period, ...] | None] = [None] * 7
        for day in ww.items("WeekDays"):
            kind = _integer(day.get("DayType"), "DayType")
            if kind is not None and 1 <= kind <= 7:
                days_of[(kind + 5) % 7] = _hours(day)
        weeks.append((first, last, days_of))
    return _Written(uid, name, base, node.line, week, exceptions, weeks)


def _hours(node: XmlElement) -> tuple[Period, ...]:
    """The working periods of a day, exception or work week day."""
    if node.get("DayWorking") != "1":
        return ()
    times = node.find("WorkingTimes")
    periods = []
    for t in times.children if times is not None else []:
        start, finish = t.get("FromTime"), t.get("ToTime")
        if start is None or finish is None:
            continue
        a, b = _clock(start), _clock(finish)
        if b <= a:
            b += 24.0  # 00:00 ends at midnight
        periods.append((a, b))
    return tuple(sorted(periods)) if periods else DEFAULT_HOURS


def _clock(text: str) -> float:
    try:
        t = _dt.time.fromisoformat(text.strip()[:8])
    except ValueError:
        raise ValueError(f"time {text!r} is not a time such as 08:00:00") from None
    return t.hour + t.minute / 60 + t.second / 3600


def _date(text: str | None, what: str) -> _dt.date:
    if text is None:
        raise ValueError(f"{what} is missing")
    try:
        return _dt.datetime.fromisoformat(text.strip()).date()
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date such as 2027-01-04T00:00:00"
                         ) from None


def _period(node: XmlElement | None) -> tuple[_dt.date, _dt.date]:
    if node is None:
        raise ValueError("an exception without its TimePeriod")
    first = _date(node.get("FromDate"), "FromDate")
    last = _date(node.get("ToDate"), "ToDate") if node.get("ToDate") else first
    if last < first:
        raise ValueError(f"exception from {first} to {last} ends before it begins")
    return first, last


def _integer(text: str | None, what: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a whole number") from None


def _span(first: _dt.date, last: _dt.date, window: tuple[_dt.date, _dt.date] | None
          ) -> Iterator[_dt.date]:
    if window is not None:
        first, last = max(first, window[0]), min(last, window[1])
    n = (last - first).days + 1
    if n > _MAX_DAYS:
        raise ValueError(f"a range of {n:,} days from {first} (more than {_MAX_DAYS:,})")
    for k in range(max(n, 0)):
        yield first + _dt.timedelta(days=k)


def _occurrences(node: XmlElement, window: tuple[_dt.date, _dt.date]
                 ) -> list[_dt.date] | None:
    """The days of an ``<Exception>`` within the window (None for a recurrence riskkit
    does not read)."""
    span = node.find("TimePeriod")
    first = _date(span.get("FromDate") if span else None, "FromDate")
    kind = _integer(node.get("Type"), "Type") or 1
    every = max(_integer(node.get("Period"), "Period") or 1, 1)
    count = _integer(node.get("Occurrences"), "Occurrences")
    to_date = span.get("ToDate") if span else None
    daily = kind in (1, 7) and every == 1
    if to_date:
        last = _date(to_date, "ToDate")
    elif count:
        last = first + _dt.timedelta(days=count - 1) if daily else _dt.date.max
    else:
        last = first
    if last < first:
        raise ValueError(f"exception from {first} to {last} ends before it begins")
    if daily:
        return list(_span(first, last, window))  # a range of days
    if kind not in range(1, 8):
        return None
    month = _integer(node.get("Month"), "Month")
    month_day = _integer(node.get("MonthDay"), "MonthDay") or first.day
    item = _integer(node.get("MonthItem"), "MonthItem")
    position = _integer(node.get("MonthPosition"), "MonthPosition") or 0
    if kind in (3, 5) and (item is None or not 3 <= item <= 9):
        return None  # "the first day / weekday / weekend day of": not read
    if kind in (2, 3) and (month is None or not 0 <= month <= 11):
        return None
    days: list[_dt.date] = []
    taken = 0
    for day in _recurrence(kind, first, every, _integer(node.get("DaysOfWeek"),
                                                        "DaysOfWeek") or 0,
                           month, month_day, item, position):
        if day > last or day > window[1] or (count is not None and taken >= count):
            break
        taken += 1
        if day >= window[0]:
            days.append(day)
    return days


def _recurrence(kind: int, first: _dt.date, every: int, mask: int, month: int | None,
                month_day: int, item: int | None, position: int) -> Iterator[_dt.date]:
    """The days of a recurrence from ``first`` on, in order (at most _MAX_DAYS)."""
    if kind in (1, 7):  # every n days
        for k in range(_MAX_DAYS):
            yield first + _dt.timedelta(days=k * every)
        return
    if kind == 6:  # weekly, on the days of DaysOfWeek (bit 0 Sunday), every n weeks
        sunday = first - _dt.timedelta(days=(first.weekday() + 1) % 7)
        for w in range(0, _MAX_DAYS, every):
            for k in range(7):
                day = sunday + _dt.timedelta(days=7 * w + k)
                if mask & (1 << k) and day >= first:
                    yield day
        return
    yearly = kind in (2, 3)
    year, mon = first.year, (month + 1 if yearly and month is not None else first.month)
    step = 12 if yearly else every
    for _ in range(_MAX_DAYS):
        if year > _dt.MAXYEAR - 1:
            return
        day = (_nth(year, mon, position, (item or 3) - 3) if kind in (3, 5)
               else _clip(year, mon, month_day))
        if day >= first:
            yield day
        mon += step
        year, mon = year + (mon - 1) // 12, (mon - 1) % 12 + 1


def _clip(year: int, month: int, day: int) -> _dt.date:
    return _dt.date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def _nth(year: int, month: int, position: int, weekday_from_sunday: int) -> _dt.date:
    """The first to fourth (position 0-3) or last (4) given weekday of a month."""
    weekday = (weekday_from_sunday + 6) % 7  # Monday = 0
    days = [d for d in range(1, _calendar.monthrange(year, month)[1] + 1)
            if _dt.date(year, month, d).weekday() == weekday]
    return _dt.date(year, month, days[-1] if position >= 4 else days[min(position, 3)])
