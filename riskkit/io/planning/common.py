"""What the readers of planning tools' files share: the elapsed-time calendar, an
activity's progress as read, the schedule's calendar (the one most activities work
on), and the one warning of what riskkit cannot honour.

Progress itself is the engine's (:mod:`riskkit.model.timing`): completed activities
keep their actual dates and pass on their logic, remaining work runs from the data
date; a reader only translates status and actual dates.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ...exceptions import InputWarning
from ...model import Activity, Calendar, Link, Schedule
from ...model.worktime import WorkCalendar, moment

__all__ = ["ELAPSED", "Progress", "build_schedule", "main_calendar"]

#: Elapsed time: every hour of every day (MS Project's elapsed durations and lags, P6's
#: 24-hour lag calendar); a day is 24 hours.
ELAPSED = WorkCalendar("elapsed", "elapsed time (24 hours, 7 days)", 24.0,
                       (((0.0, 24.0),),) * 7, kind="elapsed")


@dataclass(frozen=True)
class Progress:
    """An activity's progress at the data date: its status (one of
    :data:`~riskkit.model.ACTIVITY_STATUSES`) and actual dates."""

    status: str = "not_started"
    actual_start: _dt.datetime | None = None
    actual_finish: _dt.datetime | None = None

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    @property
    def started(self) -> bool:
        return self.status != "not_started"


def main_calendar(calendars: Iterable[WorkCalendar], default: WorkCalendar | None = None
                  ) -> WorkCalendar | None:
    """The calendar most activities work on (``default`` on a tie, then the first)."""
    counts: Counter[int] = Counter()
    first: dict[int, WorkCalendar] = {}
    for cal in calendars:
        counts[id(cal)] += 1
        first.setdefault(id(cal), cal)
    if not counts:
        return default
    best = max(counts, key=lambda c: (counts[c], default is not None and c == id(default)))
    return first[best]


def build_schedule(activities: Sequence[Activity], links: Sequence[Link], source: str,
                   what: str, notes: Sequence[str], *, project: str | None = None,
                   calendar: Calendar | None = None, headers: tuple[tuple[str, str], ...] = (),
                   start: np.datetime64 | None = None, data_date: _dt.datetime | None = None,
                   must_finish_by: _dt.datetime | None = None) -> Schedule:
    """The schedule, its model warnings and the reader's notes (as one warning, "riskkit
    cannot honour yet: ...", naming ``what``) emitted once each."""
    warning = (f"{source}{what}: riskkit cannot honour yet: " + "; ".join(notes)
               if notes else None)
    with warnings.catch_warnings(record=True) as logic:
        warnings.simplefilter("always", InputWarning)
        schedule = Schedule(tuple(activities), tuple(links), source, project,
                            calendar=calendar, warnings=(warning,) if warning else (),
                            headers=headers, start=start,
                            data_date=None if data_date is None else moment(data_date),
                            must_finish_by=None if must_finish_by is None
                            else moment(must_finish_by))
    for note in [*([warning] if warning else []), *(str(w.message) for w in logic)]:
        warnings.warn(note, InputWarning, stacklevel=4)
    return schedule
