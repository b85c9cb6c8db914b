"""Schedule health: the DCMA 14-point assessment, open ends, out-of-sequence progress
and dangling activities (:func:`check_schedule`).

What is counted. *Incomplete activities* are those not complete, neither level of
effort nor WBS summary (a planning tool's bookkeeping, not work); *links between
incomplete activities* join two of them. The project's start (the first activity
without a predecessor, a milestone first) and finish (the activity without a
successor that finishes last) are not counted as missing logic. Total float, early
dates and criticality are those of :meth:`Schedule.cpm` (working days from the data
date); remaining durations are the activities' most likely durations. The path that
drives the finish (the critical path test's, the CPLI's) runs back from the activity
that finishes last through the links that leave no slack. Hard
constraints are the kinds ``health.json`` lists: mandatory start and finish, start on,
finish on, start on or before and finish on or before (they hold a date against the
logic); start or finish on or after and as late as possible are soft.

A check needs what it reads: without a data date, invalid dates, missed tasks and the
BEI are not applicable; without baseline dates, missed tasks and the BEI; without a
must-finish-by date, the CPLI; without any resources or costs, the resources check;
without progress, out-of-sequence progress. Not applicable is never passed.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ...distributions import Fixed
from ...exceptions import InputWarning
from ...model import Activity, Calendar, Link, Schedule, moment
from .result import (
    Health,
    HealthCheck,
    Rule,
    hard_constraint_kinds,
    make_check,
    not_applicable,
    rules,
)

__all__ = ["check_schedule", "unfit_warning", "warn_before_simulating"]

#: kinds that are a planning tool's bookkeeping rather than work
NOT_WORK = ("level_of_effort", "wbs_summary")
_MILESTONES = ("start_milestone", "finish_milestone")
_INTO_START = ("FS", "SS")  # the links that drive a successor's start
_FROM_FINISH = ("FS", "FF")  # the links a predecessor's finish drives
_SUBJECT = "schedule"


@dataclass
class _Network:
    """What the checks read, worked out once."""

    schedule: Schedule
    table: pd.DataFrame  # Schedule.cpm(), in schedule order
    data_date: np.datetime64 | None
    counted: list[int]  # incomplete activities
    into: list[list[Link]]
    out: list[list[Link]]
    start: int | None  # the project's start and finish, not counted as open ends
    finish: int | None

    @property
    def acts(self) -> tuple[Activity, ...]:
        return self.schedule.activities

    def ids(self, positions: list[int]) -> list[str]:
        return [self.acts[i].id for i in positions]

    def is_milestone(self, i: int) -> bool:
        a = self.acts[i]
        # a lag activity (an uncertain lag, riskkit.model.branches) is no work either
        return a.kind in (*_MILESTONES, "lag") or (a.duration.is_fixed
                                                   and a.most_likely == 0)

    def counted_links(self) -> list[Link]:
        keep = set(self.ids(self.counted))
        return [lk for lk in self.schedule.links
                if lk.predecessor in keep and lk.successor in keep]


def _network(schedule: Schedule, data_date: Any) -> _Network:
    acts = schedule.activities
    table = schedule.cpm().reset_index(drop=True)
    into: list[list[Link]] = [[] for _ in acts]
    out: list[list[Link]] = [[] for _ in acts]
    for lk in schedule.links:
        into[schedule.index_of(lk.successor)].append(lk)
        out[schedule.index_of(lk.predecessor)].append(lk)
    counted = [i for i, a in enumerate(acts)
               if a.status != "complete" and a.kind not in NOT_WORK]
    network = _Network(schedule, table,
                       moment(data_date, "data_date") if data_date is not None
                       else schedule.data_date, counted, into, out, None, None)
    starts = [i for i in range(len(acts)) if not into[i]]
    if starts:
        network.start = next((i for i in starts if network.is_milestone(i)), starts[0])
    ends = [i for i in range(len(acts)) if not out[i]]
    if ends:
        finish = table["early_finish"].to_numpy()
        network.finish = max(ends, key=lambda i: (finish[i], network.is_milestone(i), i))
    return network


def check_schedule(schedule: Schedule, *, data_date: Any = None,
                   thresholds: Mapping[str, float] | None = None) -> Health:
    """The health of a schedule: the DCMA 14-point assessment (logic, leads, lags,
    relationship types, hard constraints, high float, negative float, high duration,
    invalid dates, resources, missed tasks, critical path test, CPLI, BEI), then open
    ends, out-of-sequence progress and dangling activities.

    ``data_date`` (a moment or a date) judges progress in place of the schedule's own;
    ``thresholds`` (``{name: value}``) replace those of ``riskkit/io/words/health.json``.
    What each check counts is in the module's text and each check's ``metric``; a check
    the schedule lacks the data for is not applicable, never passed.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> health = rk.check_schedule(sch)
    >>> health["logic"].value, health["critical_path_test"].passed
    (0.0, True)
    >>> health["bei"].applicable  # no data date, no baseline
    False
    """
    if not isinstance(schedule, Schedule):
        from ...exceptions import OptionError

        raise OptionError("schedule", type(schedule).__name__, "a Schedule")
    network = _network(schedule, data_date)
    table = rules(_SUBJECT, thresholds)
    checks = [_CHECKS[name](network, rule) for name, rule in table.items()]
    return Health(tuple(checks), (schedule.source,))


# -- the checks, in the order of health.json -------------------------------------------------

def _share(rule: Rule, flagged: list[str], total: int, why: str, note: str = ""
           ) -> HealthCheck:
    """A check whose value is the share ``len(flagged) / total`` (not applicable with
    nothing to count, ``why``)."""
    if not total:
        return not_applicable(rule, _SUBJECT, why)
    flagged = list(dict.fromkeys(flagged))
    return make_check(rule, _SUBJECT, len(flagged) / total, flagged, len(flagged), total, note)


def _count(rule: Rule, flagged: list[str], total: int, note: str = "") -> HealthCheck:
    flagged = list(dict.fromkeys(flagged))
    return make_check(rule, _SUBJECT, float(len(flagged)), flagged, len(flagged), total, note)


def _missing_logic(n: _Network) -> list[int]:
    return [i for i in n.counted if (not n.into[i] and i != n.start)
            or (not n.out[i] and i != n.finish)]


def _logic(n: _Network, rule: Rule) -> HealthCheck:
    return _share(rule, n.ids(_missing_logic(n)), len(n.counted), "no incomplete activities")


def _links_check(keep: Callable[[Link], bool]) -> Callable[[_Network, Rule], HealthCheck]:
    """A check of the links between incomplete activities that ``keep`` flags: their
    number, or their share (for relationship types, the share of the others); the ids
    are the flagged links' successors."""
    def check(n: _Network, rule: Rule) -> HealthCheck:
        links = n.counted_links()
        flagged = [lk for lk in links if keep(lk)]
        ids = [lk.successor for lk in flagged]
        if rule.unit == "count":
            return make_check(rule, _SUBJECT, float(len(flagged)), ids, len(flagged),
                              len(links))
        if not links:
            return not_applicable(rule, _SUBJECT, "no links between incomplete activities")
        share = len(flagged) / len(links)
        if rule.name == "relationship_types":
            share = 1.0 - share  # the share of FS links; the others are flagged
        return make_check(rule, _SUBJECT, share, ids, len(flagged), len(links))
    return check


def _hard_constraints(n: _Network, rule: Rule) -> HealthCheck:
    hard = set(hard_constraint_kinds())
    flagged = [n.acts[i].id for i in n.counted
               if any(c.kind in hard for c in n.acts[i].constraints)]
    return _share(rule, flagged, len(n.counted), "no incomplete activities")


def _floats(n: _Network) -> np.ndarray:
    return n.table["total_float"].to_numpy(dtype=float)


def _high_float(n: _Network, rule: Rule) -> HealthCheck:
    tf = _floats(n)
    days = float(rule.parameters["days"])
    flagged = [n.acts[i].id for i in n.counted if tf[i] > days + 1e-9]
    return _share(rule, flagged, len(n.counted), "no incomplete activities")


def _negative_float(n: _Network, rule: Rule) -> HealthCheck:
    tf = _floats(n)
    flagged = [n.acts[i].id for i in n.counted if tf[i] < -1e-6]
    return _count(rule, flagged, len(n.counted))


def _work(n: _Network) -> list[int]:
    """Incomplete activities that are not milestones."""
    return [i for i in n.counted if not n.is_milestone(i)]


def _high_duration(n: _Network, rule: Rule) -> HealthCheck:
    days = float(rule.parameters["days"])
    work = _work(n)
    flagged = [n.acts[i].id for i in work if n.acts[i].most_likely > days + 1e-9]
    return _share(rule, flagged, len(work), "no incomplete activities other than milestones")


def _invalid_dates(n: _Network, rule: Rule) -> HealthCheck:
    if n.data_date is None:
        return not_applicable(rule, _SUBJECT, "no data date")
    dd = n.data_date
    dated = [a for a in n.acts if a.actual_start is not None or a.actual_finish is not None
             or (a.saved is not None and (a.saved.early_start is not None
                                          or a.saved.early_finish is not None))]
    if not dated:
        return not_applicable(rule, _SUBJECT, "no actual or forecast dates")
    flagged = []
    for a in dated:
        saved = a.saved
        late_actual = any(d is not None and d > dd for d in (a.actual_start, a.actual_finish))
        early_forecast = saved is not None and a.status != "complete" and (
            (saved.early_finish is not None and saved.early_finish < dd)
            or (a.status == "not_started" and saved.early_start is not None
                and saved.early_start < dd))
        if late_actual or early_forecast:
            flagged.append(a.id)
    return _count(rule, flagged, len(dated))


def _resources(n: _Network, rule: Rule) -> HealthCheck:
    if not any(a.resources or a.cost_per_day or a.fixed_cost for a in n.acts):
        return not_applicable(rule, _SUBJECT, "no activity has resources or costs (the "
                                              "schedule is not resource-loaded)")
    work = [i for i in _work(n) if n.acts[i].most_likely > 0]
    flagged = [n.acts[i].id for i in work if not n.acts[i].resources
               and not n.acts[i].cost_per_day and not n.acts[i].fixed_cost]
    return _share(rule, flagged, len(work), "no incomplete activities with a duration")


def _due(n: _Network) -> tuple[list[Activity], str]:
    """The activities due by the data date (baseline finish on or before it), or why
    there is no telling."""
    if n.data_date is None:
        return [], "no data date"
    planned = [a for a in n.acts if a.kind not in NOT_WORK and a.baseline_finish is not None]
    if not planned:
        return [], "no baseline dates"
    due = [a for a in planned if a.baseline_finish <= n.data_date]  # type: ignore[operator]
    return due, "" if due else "no activity is due by the data date (baseline finish)"


def _missed_tasks(n: _Network, rule: Rule) -> HealthCheck:
    due, why = _due(n)
    flagged = [a.id for a in due if a.status != "complete" or (  # late by a day or more
        a.actual_finish is not None and _day(a.actual_finish) > _day(a.baseline_finish))]
    return _share(rule, flagged, len(due), why)


def _driving_path(n: _Network) -> list[int]:
    """The incomplete activities of the path that drives the project finish, first to
    last: from the activity that finishes last, back through the predecessor whose link
    leaves the least slack, while that slack is nil (a path that starts at a constraint
    or the data date starts there). Level of effort and summaries drive nothing."""
    es = n.table["early_start"].to_numpy(dtype=float)
    ef = n.table["early_finish"].to_numpy(dtype=float)
    counted = set(n.counted)
    if not counted:
        return []
    i = max(counted, key=lambda k: (ef[k], k))
    tol = 1e-3 * max(1.0, float(np.abs(ef).max()))
    path, seen = [i], {i}
    while True:
        best: tuple[float, int] | None = None
        for lk in n.into[i]:
            p = n.schedule.index_of(lk.predecessor)
            if p not in counted:
                continue
            head = es[i] if lk.type in _INTO_START else ef[i]
            tail = ef[p] if lk.type in _FROM_FINISH else es[p]
            slack = head - (tail + lk.lag)
            if best is None or slack < best[0] - 1e-12:
                best = (slack, p)
        if best is None or best[0] > tol or best[1] in seen:
            return path[::-1]
        i = best[1]
        path.append(i)
        seen.add(i)


def _day(when: Any) -> Any:
    return np.asarray(when, dtype="datetime64[m]").astype("datetime64[D]")


def _critical_path_test(n: _Network, rule: Rule) -> HealthCheck:
    path = _driving_path(n)
    if not path:
        return not_applicable(rule, _SUBJECT, "no incomplete activity drives the finish")
    work = [i for i in path if not n.is_milestone(i)]
    i = (work or path)[0]
    a = n.acts[i]
    delay = float(rule.parameters["delay"])
    longer = a.most_likely + delay
    acts = list(n.acts)
    acts[i] = replace(a, duration=Fixed(longer), most_likely=longer)
    with warnings.catch_warnings():  # the schedule's own warnings were given when read
        warnings.simplefilter("ignore", InputWarning)
        delayed = replace(n.schedule, activities=tuple(acts), warnings=()).cpm()
    before = n.table["early_finish"].to_numpy(dtype=float)
    after = delayed["early_finish"].to_numpy(dtype=float)
    own = after[i] - before[i]
    moved = after.max() - before.max()
    value = moved / own if own > 1e-9 else 0.0
    note = (f"{a.id} delayed by {delay:,.0f} working days: its finish moved "
            f"{own:,.1f}, the project finish {moved:,.1f}")
    return make_check(rule, _SUBJECT, float(value), [] if rule.passes(value) else [a.id],
                      None, None, note)


def _cpli(n: _Network, rule: Rule) -> HealthCheck:
    s = n.schedule
    if s.must_finish_by is None:
        return not_applicable(rule, _SUBJECT, "no must-finish-by date")
    calendar = s.calendar or Calendar()
    start = s.start
    if start is None and n.data_date is not None:
        start = calendar.start_day(n.data_date.astype("datetime64[D]"), warn=False)
    if start is None:
        return not_applicable(rule, _SUBJECT, "no start or data date to date the finish")
    length = float(n.table["early_finish"].max())
    if not length > 0:
        return not_applicable(rule, _SUBJECT, "no work left on the critical path")
    available = calendar.working_days_through(start, s.must_finish_by.astype("datetime64[D]"))
    value = available / length
    flagged = [] if rule.passes(value) else n.ids(_driving_path(n))
    return make_check(rule, _SUBJECT, value, flagged, None, None,
                      f"critical path {length:,.1f} working days, {available:,} to the "
                      f"must-finish-by date")


def _bei(n: _Network, rule: Rule) -> HealthCheck:
    due, why = _due(n)
    if not due:
        return not_applicable(rule, _SUBJECT, why)
    done = sum(1 for a in n.acts if a.kind not in NOT_WORK and a.status == "complete")
    value = done / len(due)
    flagged = [] if rule.passes(value) else [a.id for a in due if a.status != "complete"]
    return make_check(rule, _SUBJECT, value, flagged, done, len(due),
                      f"{done:,} complete, {len(due):,} due")


def _open_ends(n: _Network, rule: Rule) -> HealthCheck:
    return _count(rule, n.ids(_missing_logic(n)), len(n.counted))


def _out_of_sequence(n: _Network, rule: Rule) -> HealthCheck:
    status = {a.id: a.status for a in n.acts}
    if all(v == "not_started" for v in status.values()):
        return not_applicable(rule, _SUBJECT, "no progress recorded")

    def started(x: str) -> bool:
        return status[x] != "not_started"

    def done(x: str) -> bool:
        return status[x] == "complete"

    wrong = {"FS": lambda p, s: started(s) and not done(p),
             "SS": lambda p, s: started(s) and not started(p),
             "FF": lambda p, s: done(s) and not done(p),
             "SF": lambda p, s: done(s) and not started(p)}
    links = n.schedule.links
    flagged = [lk.successor for lk in links if wrong[lk.type](lk.predecessor, lk.successor)]
    return _count(rule, flagged, len(links))


def _dangling(n: _Network, rule: Rule) -> HealthCheck:
    flagged = []
    for i in n.counted:
        start_free = (n.acts[i].status == "not_started" and n.into[i]
                      and not any(lk.type in _INTO_START for lk in n.into[i]))
        finish_free = n.out[i] and not any(lk.type in _FROM_FINISH for lk in n.out[i])
        if start_free or finish_free:
            flagged.append(n.acts[i].id)
    return _count(rule, flagged, len(n.counted))


_CHECKS: dict[str, Callable[[_Network, Rule], HealthCheck]] = {
    "logic": _logic,
    "leads": _links_check(lambda lk: lk.lag < 0),
    "lags": _links_check(lambda lk: lk.lag > 0),
    "relationship_types": _links_check(lambda lk: lk.type != "FS"),
    "hard_constraints": _hard_constraints,
    "high_float": _high_float,
    "negative_float": _negative_float,
    "high_duration": _high_duration,
    "invalid_dates": _invalid_dates,
    "resources": _resources,
    "missed_tasks": _missed_tasks,
    "critical_path_test": _critical_path_test,
    "cpli": _cpli,
    "bei": _bei,
    "open_ends": _open_ends,
    "out_of_sequence": _out_of_sequence,
    "dangling": _dangling,
}


# -- the warning before simulating -----------------------------------------------------------

#: schedules already warned about (once per schedule object)
_WARNED: weakref.WeakSet[Schedule] = weakref.WeakSet()


def unfit_warning(health: Health) -> str | None:
    """The warning a schedule that fails its health checks badly carries before it is
    simulated: the checks that fail by far (``severe`` in ``health.json``: logic,
    hard constraints, negative float, the critical path test), None when none does."""
    bad = health.of(_SUBJECT).severe
    if not bad:
        return None
    parts = []
    for c in bad:
        counted = ""
        if c.count is not None and c.total and c.unit == "share":
            counted = f" ({c.count:,} of {c.total:,})"
        elif c.total and c.unit == "count":
            counted = f" of {c.total:,}"
        parts.append(f"{c.name} {c.value_text}{counted}, threshold {c.threshold_text}"
                     + (f": {c.note}" if c.unit == "ratio" and c.note else ""))
    source = ", ".join(health.sources) or "the schedule"
    return (f"{source}: the schedule fails its health checks by far ({'; '.join(parts)}); "
            f"its simulated finish and criticality may mislead: fix the schedule first "
            f"(riskkit check --schedule lists the activities)")


def warn_before_simulating(schedule: Schedule | None, health: Health | None = None
                           ) -> Health | None:
    """Warn (one :class:`~riskkit.InputWarning`, once per schedule) when ``schedule``
    fails its health checks by far (:func:`unfit_warning`); return its health (checked
    here unless given), None without a schedule.

    ``riskkit simulate``, ``rank`` and ``report`` and :func:`riskkit.analyse` (so
    :func:`riskkit.write_report`) call it before simulating; :func:`riskkit.simulate`
    does not (call :func:`check_schedule` first)."""
    if schedule is None:
        return None
    if health is None:
        health = check_schedule(schedule)
    if schedule not in _WARNED:
        _WARNED.add(schedule)
        text = unfit_warning(health)
        if text:
            warnings.warn(text, InputWarning, stacklevel=3)
    return health
