"""Key activities: the milestones and deadlines whose dates a simulation reports.

A key activity is a milestone (a planning tool's start or finish milestone, or an
activity of zero duration in every estimate) or an activity held to finish by a date
(a finish-on, finish-on-or-before or mandatory finish constraint, MS Project's
deadline). Left out: activities already complete (their dates are facts), levels of
effort and WBS summaries (their dates follow other work) and activities as late as
possible (the engine schedules them early, so their simulated dates would say
nothing about them).

Its target is the date it is held to: the earliest such constraint, else its baseline
finish. The project's own target is the schedule's must-finish-by date. A target is a
calendar day: a moment at midnight is the day before (work finished by 00:00 on the
19th finished on the 18th).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["TARGET_SOURCES", "KeyActivity", "key_activities", "target_day"]

#: Where a target date comes from.
TARGET_SOURCES: tuple[str, ...] = ("constraint", "baseline", "must_finish_by")

_FINISH_HELD = ("finish_on", "finish_on_or_before", "mandatory_finish")
_START_HELD = ("start_on", "start_on_or_before", "mandatory_start")  # a milestone's too
_NOT_KEY = ("level_of_effort", "wbs_summary")


@dataclass(frozen=True)
class KeyActivity:
    """A milestone or an activity with a finish date to meet: its row in the schedule,
    ``base`` (its deterministic early finish, working days from the start or data
    date), ``target`` (a day, or None) and where that comes from (one of
    :data:`TARGET_SOURCES`)."""

    id: str
    name: str
    row: int
    milestone: bool
    base: float
    target: np.datetime64 | None = None
    target_source: str | None = None


def target_day(when: Any) -> np.datetime64 | None:
    """The last calendar day on which work finishing by the moment ``when`` ends
    (``datetime64[D]``), or None."""
    if when is None:
        return None
    m = np.datetime64(when, "m")
    day: np.datetime64 = (m - np.timedelta64(1, "m")).astype("datetime64[D]")
    return day


def key_activities(schedule: Any) -> tuple[KeyActivity, ...]:
    """The key activities of a :class:`~riskkit.model.Schedule`, in schedule order.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.Schedule((rk.Activity("A", rk.Uniform(4, 8)),
    ...                    rk.Activity("M", rk.Fixed(0.0), name="Handover")),
    ...                   (rk.Link("A", "M"),))
    >>> [(k.id, k.base) for k in key_activities(sch)]
    [('M', 6.0)]
    """
    zero = set(schedule.milestones)
    picked: list[tuple[int, bool, np.datetime64 | None, str | None]] = []
    for i, a in enumerate(schedule.activities):
        if a.kind in _NOT_KEY or a.status == "complete" or any(
                c.kind == "as_late_as_possible" for c in a.constraints):
            continue
        milestone = a.kind in ("start_milestone", "finish_milestone") or a.id in zero
        held = _FINISH_HELD + (_START_HELD if milestone else ())
        dates = [c.date for c in a.constraints if c.kind in held and c.date is not None]
        if not milestone and not dates:
            continue
        if dates:
            picked.append((i, milestone, target_day(min(dates)), "constraint"))
        elif a.baseline_finish is not None:
            picked.append((i, milestone, target_day(a.baseline_finish), "baseline"))
        else:
            picked.append((i, milestone, None, None))
    if not picked:
        return ()
    rows = np.array([p[0] for p in picked], dtype=np.intp)
    base = schedule.network.passes(schedule.most_likely[:, None], backward=False
                                   ).finish_of(rows)[:, 0]
    out = []
    for (i, milestone, target, source), b in zip(picked, base):
        a = schedule.activities[i]
        out.append(KeyActivity(a.id, a.name or "", i, milestone, float(b), target, source))
    return tuple(out)
