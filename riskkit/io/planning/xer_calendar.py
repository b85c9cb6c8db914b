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
from typing import Any

from ...exceptions import InputError, Problem
from ...model.worktime import Period, WorkCalendar

__all__ = ["P6_EPOCH", "P6Calendar", "parse_clndr_data", "read_calendars"]

#: A P6 calendar is a :class:`~riskkit.model.worktime.WorkCalendar`.
P6Calendar = WorkCalendar

#: Day 0 of P6's (and spreadsheets') day serials.
P6_EPOCH = _dt.date(1899, 12, 30)
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
