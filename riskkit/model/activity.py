"""Activities and precedence links: what a schedule is made of, each validated when
it is built (the network they make is :class:`~riskkit.model.Schedule`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from ..cpm import LINK_TYPES
from ..distributions import Distribution, family_of
from ..exceptions import InputError, OptionError, Problem
from .worktime import Constraint, SavedDates, WorkCalendar, moment

__all__ = ["ACTIVITY_KINDS", "ACTIVITY_STATUSES", "SCHEDULE_COLUMNS", "Activity", "Link"]

SCHEDULE_COLUMNS: tuple[str, ...] = (
    "id", "name", "duration_min", "duration_most_likely", "duration_max", "duration",
    "predecessors", "distribution", "cost_per_day", "fixed_cost", "correlation_group",
)
#: What an activity is, in a planning tool's words (P6: task dependent, resource
#: dependent, start and finish milestone, level of effort, WBS summary). The engine
#: schedules every kind as work of its duration; a reader says when that differs from
#: the tool (a level of effort stretches between its links in P6).
ACTIVITY_KINDS: tuple[str, ...] = (
    "task", "resource_dependent", "start_milestone", "finish_milestone", "level_of_effort",
    "wbs_summary", "lag",
)
#: Progress at the data date.
ACTIVITY_STATUSES: tuple[str, ...] = ("not_started", "in_progress", "complete")


@dataclass(frozen=True)
class Link:
    """A precedence link: ``successor`` depends on ``predecessor`` (FS: starts after it
    finishes; SS, FF, SF alike), ``lag`` working days after: days of ``lag_calendar``
    (a planning tool's lag calendar), of the schedule's calendar when None."""

    predecessor: str
    successor: str
    type: str = "FS"
    lag: float = 0.0
    row: int | None = field(default=None, compare=False)  # the successor's row
    lag_calendar: WorkCalendar | None = field(default=None, compare=False)
    #: an uncertain lag (three-point): the schedule models it as a lag activity
    #: between the two (see :class:`Schedule`); ``lag`` is then its plan value
    lag_range: Distribution | None = None

    def __post_init__(self) -> None:
        kind = str(self.type).strip().upper()
        if kind not in LINK_TYPES:
            raise InputError(Problem(f"unknown link type in {self.predecessor} → "
                                     f"{self.successor}", row=self.row,
                                     column="predecessors", value=str(self.type),
                                     hint="FS, SS, FF or SF"))
        object.__setattr__(self, "type", kind)
        if not math.isfinite(self.lag):
            raise InputError(Problem("a lag must be a finite number of working days",
                                     row=self.row, column="predecessors",
                                     value=f"{self.lag:g}"))


@dataclass(frozen=True)
class Activity:
    """One activity: its duration in working days (a distribution), the duration the
    deterministic plan uses (``most_likely``; by default the estimate's most likely
    value, or the middle of its range), and its costs.

    ``kind`` (one of :data:`ACTIVITY_KINDS`), ``wbs`` (the WBS path, such as
    ``"PRJ.1.2"``) and ``codes`` (``(code type, value)`` pairs, P6's activity codes) are
    what a planning tool says about the activity; the engine does not read them.

    From a planning tool, also: ``calendar`` (its working hours; None: the schedule's),
    ``constraints``, ``status`` (one of :data:`ACTIVITY_STATUSES`) with its actual
    start and finish, its baseline dates, its ``resources`` (names of assigned
    resources) and ``saved`` (the dates the tool computed, for ``riskkit verify``).
    Durations are then the remaining working time from the data date, in days of the
    activity's calendar (its hours / its hours per day). Moments are
    ``datetime64[m]``."""

    id: str
    duration: Distribution
    name: str | None = None
    most_likely: float = math.nan
    cost_per_day: float = 0.0
    fixed_cost: float = 0.0
    correlation_group: str | None = None
    #: the family the schedule named (for tables and reports); blank: the duration's
    distribution: str = ""
    row: int | None = field(default=None, compare=False)
    kind: str = "task"
    wbs: str | None = None
    codes: tuple[tuple[str, str], ...] = ()
    calendar: WorkCalendar | None = field(default=None, compare=False)
    constraints: tuple[Constraint, ...] = ()
    status: str = "not_started"
    actual_start: np.datetime64 | None = None
    actual_finish: np.datetime64 | None = None
    baseline_start: np.datetime64 | None = None
    baseline_finish: np.datetime64 | None = None
    resources: tuple[str, ...] = ()
    saved: SavedDates | None = field(default=None, compare=False)
    #: the probability that the activity is needed at all (task existence): in the
    #: iterations it is not, its duration and its costs are zero and its links pass
    #: straight through
    existence_probability: float = 1.0
    #: probabilistic branching: ``"group: option"``. In each iteration one option of a
    #: group is taken (with ``branch_probability``; the rest of 100%: none of them)
    #: and the activities of the others are not needed
    branch: str | None = None
    branch_probability: float | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        p = self.existence_probability
        if not (isinstance(p, (int, float, np.floating)) and 0.0 < float(p) <= 1.0):
            problems.append(Problem("existence probability must be above 0% and at most "
                                    "100%", column="existence_probability", value=str(p)))
        if self.branch is not None:
            if not str(self.branch).strip():
                object.__setattr__(self, "branch", None)
            elif self.branch_probability is None:
                problems.append(Problem("a branch needs its probability",
                                        column="branch_probability", value="",
                                        hint="the chance that this option of the branch "
                                             "is taken, such as 30%"))
        q = self.branch_probability
        if q is not None and not (isinstance(q, (int, float, np.floating))
                                  and 0.0 < float(q) <= 1.0):
            problems.append(Problem("branch probability must be above 0% and at most "
                                    "100%", column="branch_probability", value=str(q)))
        if self.kind not in ACTIVITY_KINDS:
            raise OptionError("kind", self.kind, "one of " + ", ".join(ACTIVITY_KINDS))
        if self.status not in ACTIVITY_STATUSES:
            raise OptionError("status", self.status, "one of " + ", ".join(ACTIVITY_STATUSES))
        for name in ("actual_start", "actual_finish", "baseline_start", "baseline_finish"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, moment(getattr(self, name), name))
        object.__setattr__(self, "constraints", tuple(self.constraints))
        object.__setattr__(self, "resources", tuple(str(r) for r in self.resources))
        object.__setattr__(self, "codes", tuple((str(k), str(v)) for k, v in self.codes))
        if not isinstance(self.id, str) or not self.id.strip():
            problems.append(Problem("activity id is missing", column="id", value=str(self.id)))
        if not isinstance(self.duration, Distribution):
            raise OptionError("duration", type(self.duration).__name__, "a Distribution")
        if not self.distribution:
            object.__setattr__(self, "distribution", family_of(self.duration))
        if math.isnan(self.most_likely):
            lo, ml, hi = self.duration.estimate
            plan = ml if math.isfinite(ml) else 0.5 * (lo + hi)
            object.__setattr__(self, "most_likely", float(plan))
        if self.duration.low < 0 or self.most_likely < 0:
            problems.append(Problem("negative duration", column="duration_min",
                                    value=f"{min(self.duration.low, self.most_likely):g}"))
        for name in ("cost_per_day", "fixed_cost"):
            if not math.isfinite(getattr(self, name)):
                problems.append(Problem("must be a finite amount", column=name,
                                        value=f"{getattr(self, name)}"))
        if problems:
            raise InputError([replace(p, row=self.row) for p in problems])
