"""What the readers of planning tools' files share: the elapsed-time calendar, the
rule for links at the data date, the schedule's calendar, and the one warning of what
riskkit cannot honour.

Progress at the data date (time 0), as :mod:`.xer_schedule` reads a P6 file: a
**completed** activity has nothing left to do, so links into it from unfinished
activities are left out (nothing moves it; links between two completed activities
stay, with no lag), and each link out of it keeps only the part of its lag still to
run at the data date: the lag counted from the actual finish (FS, FF) or actual start
(SS, SF) on the lag calendar, less the working time already elapsed. A start-to-start
link into an activity in progress is met (it has started) and left out.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..exceptions import InputWarning
from ..model import Activity, Calendar, Link, Schedule
from ..model.worktime import WorkCalendar, moment
from .xer_schedule import same_days

__all__ = ["ELAPSED", "Progress", "build_schedule", "carried_lag", "engine_limits",
           "main_calendar"]

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


#: Why :func:`carried_lag` leaves a link out, in the words of the warning.
INTO_COMPLETED = ("links from unfinished into completed activities (out-of-sequence "
                  "progress: nothing moves a completed activity)")
SS_MET = "start-to-start links into activities in progress (met: they have started)"


def carried_lag(kind: str, pred: Progress, succ: Progress, hours: float,
                calendar: WorkCalendar, data_date: _dt.datetime | None,
                ss_from_actual: bool = True) -> float | str:
    """The lag (working hours of ``calendar``) a link keeps at the data date, or why it
    is left out (:data:`INTO_COMPLETED`, :data:`SS_MET`); see the module's text.

    >>> done = Progress("complete", _dt.datetime(2027, 1, 1, 8), _dt.datetime(2027, 1, 1, 16))
    >>> carried_lag("FS", done, Progress(), 16.0, ELAPSED, _dt.datetime(2027, 1, 1, 20))
    12.0
    """
    if succ.complete:
        return 0.0 if pred.complete else INTO_COMPLETED
    if succ.started and kind == "SS":
        return SS_MET
    reads_start = kind in ("SS", "SF")
    actual = None
    if reads_start and pred.started and ss_from_actual:
        actual = pred.actual_start
    elif not reads_start and pred.complete:
        actual = pred.actual_finish
    if actual is not None and data_date is not None:
        hours -= calendar.hours_between(actual, data_date)
    return hours


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


def engine_limits(activities: Sequence[Activity], calendar: Calendar) -> list[str]:
    """What the engine does not honour yet of activities a planning tool gave (their
    own calendars, constraints, level of effort), each with how many."""
    out: list[str] = []
    other = Counter(a.calendar.name for a in activities if a.calendar is not None
                    and not same_days(a.calendar.to_calendar()[0], calendar))
    if other:
        n = sum(other.values())
        out.append(f"{n:,} {_act(n)} on calendars other than the schedule's "
                   f"{calendar.name!r} (" + ", ".join(f"{k:,} on {c!r}" for c, k in
                                                      other.most_common())
                   + ": riskkit schedules every activity on the one calendar, their "
                     "durations in their own calendar's days)")
    kinds = Counter(c.kind.replace("_", " ") for a in activities for c in a.constraints)
    if kinds:
        n = sum(kinds.values())
        out.append(f"{n:,} {'constraint' if n == 1 else 'constraints'} ("
                   + ", ".join(f"{k:,} {c}" for c, k in kinds.most_common()) + ")")
    n = sum(a.kind == "level_of_effort" for a in activities)
    if n:
        out.append(f"{n:,} level-of-effort {_act(n)} (read as work of their duration)")
    return out


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


def _act(n: int) -> str:
    return "activity" if n == 1 else "activities"
