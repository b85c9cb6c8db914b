"""Activity networks: activities, precedence links and the schedule they make.

A :class:`Schedule` checks itself when it is built, whoever builds it (the CSV reader,
a P6 or MS Project reader, Python code): duplicate ids, links to activities it lacks,
self-links and cycles are errors naming the activities and their rows; open starts
and ends and disconnected parts are warnings.
"""

from __future__ import annotations

import copy
import datetime as _dt
import html
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..cpm import LINK_TYPES, Network
from ..distributions import Distribution, parameter_columns, parameter_values
from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..graph import find_cycles
from .activity import ACTIVITY_KINDS, ACTIVITY_STATUSES, SCHEDULE_COLUMNS, Activity, Link
from .calendar import Calendar, parse_day
from .selectors import ActivityIndex, Resolution
from .timing import TimedDates, TimedNetwork
from .worktime import WorkCalendar, moment

if TYPE_CHECKING:
    from .branches import Branch

__all__ = ["ACTIVITY_KINDS", "ACTIVITY_STATUSES", "SCHEDULE_COLUMNS", "Activity", "Link",
           "Schedule"]

@dataclass(frozen=True, eq=False)
class Schedule:
    """A validated activity network. Immutable; build it with :func:`riskkit.read_schedule`
    or from :class:`Activity` and :class:`Link` objects.

    Durations are in working days. ``calendar`` turns them into dates from ``start``
    (the first working day at or after a planning tool's data date, None when the file
    gives none); ``project`` namespaces the random streams of its activities (see
    :class:`RiskRegister`). From a planning tool, ``data_date`` is the moment
    progress was recorded (time 0 of the network) and ``must_finish_by`` the project's
    deadline.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> sch.duration() > 0
    True
    """

    activities: tuple[Activity, ...]
    links: tuple[Link, ...] = field(default=(), repr=False)
    source: str = "<schedule>"
    project: str | None = None
    calendar: Calendar | None = None
    warnings: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    start: np.datetime64 | None = None
    data_date: Any = None  # a moment (datetime64[m]) once built
    must_finish_by: Any = None
    #: weather rules (:class:`~riskkit.model.weather.Weather`), see :meth:`with_weather`
    weather: Any = None

    def __post_init__(self) -> None:
        if self.start is not None:
            object.__setattr__(self, "start", parse_day(self.start, "start"))
        for name in ("data_date", "must_finish_by"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, moment(getattr(self, name), name))
        object.__setattr__(self, "activities", tuple(self.activities))
        object.__setattr__(self, "links", tuple(self.links))
        if any(lk.lag_range is not None for lk in self.links):
            from .branches import lag_activities

            activities, links = lag_activities(self.activities, self.links)
            object.__setattr__(self, "activities", activities)
            object.__setattr__(self, "links", links)
        problems: list[Problem] = []
        index: dict[str, int] = {}
        for i, a in enumerate(self.activities):
            if a.id in index:
                first = self.activities[index[a.id]]
                where = f" (first used on row {first.row})" if first.row is not None else ""
                problems.append(Problem(f"duplicate activity id{where}", source=self.source,
                                        row=a.row, column=self.header("id"), value=a.id))
            else:
                index[a.id] = i
        pred_col = self.header("predecessors")
        good: list[Link] = []
        for lk in self.links:
            row = lk.row if lk.row is not None else self._row(index, lk.successor)
            if lk.successor not in index:
                problems.append(Problem(f"a link names successor {lk.successor!r}, which is "
                                        f"not an activity of this schedule",
                                        source=self.source, row=row, column=pred_col))
            elif lk.predecessor not in index:
                problems.append(Problem(
                    f"activity {lk.successor} lists predecessor {lk.predecessor!r}, which "
                    f"is not an activity of this schedule", source=self.source, row=row,
                    column=pred_col, hint="predecessors are ids, optionally with a type "
                                          "and lag such as 'A FS+2', 'B SS-1', 'C FF'"))
            elif lk.predecessor == lk.successor:
                problems.append(Problem(f"activity {lk.predecessor} is its own predecessor",
                                        source=self.source, row=row, column=pred_col,
                                        value=lk.predecessor))
            else:
                good.append(lk)
        if not self.activities:
            problems.append(Problem("has no activities (no rows below the header)",
                                    source=self.source))
        # cycles among the good links are found even when other links are bad, so that
        # every problem is reported at once
        src = [index[lk.predecessor] for lk in good]
        dst = [index[lk.successor] for lk in good]
        for members, cycle in find_cycles(len(self.activities), src, dst):
            acts = [self.activities[i] for i in sorted(
                members, key=lambda i: (self.activities[i].row or 0, i))]
            names = [a.id for a in acts]
            path = [self.activities[i].id for i in cycle]
            rows = [str(a.row) for a in acts if a.row is not None]
            problems.append(Problem(
                f"the logic has a cycle through {', '.join(names)} (for example "
                + " → ".join([*path, path[0]]) + ")", source=self.source, column=pred_col,
                hint=(f"rows {', '.join(rows)}; " if rows else "")
                + "remove a link so no activity waits on itself"))
        from .branches import branch_problems

        problems += branch_problems(self.activities, self.source,
                                    self.header("branch_probability"))
        if problems:
            raise InputError(problems)
        network: Network | TimedNetwork
        if self.timed:
            network = self._timed_network(src, dst, good)
        else:
            network = Network(len(index), src, dst,
                              [LINK_TYPES.index(lk.type) for lk in good],
                              [lk.lag for lk in good])
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "network", network)
        notes = _logic_warnings(self.source, [a.id for a in self.activities], good)
        for note in notes:
            warnings.warn(note, InputWarning, stacklevel=4)
        object.__setattr__(self, "warnings", (*self.warnings, *notes))

    @property
    def branches(self) -> tuple[Branch, ...]:
        """The probabilistic branches: per group (in order of first use), its options
        with their probabilities and the indexes of their activities."""
        found = self.__dict__.get("_branches")
        if found is None:
            from .branches import branches_of

            found = branches_of(self.activities)
            object.__setattr__(self, "_branches", found)
        return found

    @property
    def conditional(self) -> np.ndarray:
        """Indexes of the activities whose existence is uncertain (an existence
        probability below 100%, or a branch option)."""
        found = self.__dict__.get("_conditional")
        if found is None:
            found = np.array([i for i, a in enumerate(self.activities)
                              if a.existence_probability < 1.0 or a.branch is not None],
                             dtype=np.intp)
            found.flags.writeable = False
            object.__setattr__(self, "_conditional", found)
        return found

    @property
    def timed(self) -> bool:
        """Whether the network runs on moments (calendars, constraints or progress from
        a planning tool: :class:`~riskkit.model.timing.TimedNetwork`) rather than on
        working days of one calendar from time 0."""
        return self.data_date is not None or any(
            a.calendar is not None or a.constraints or a.status != "not_started"
            for a in self.activities)

    @property
    def work_calendar(self) -> WorkCalendar:
        """The working hours the schedule's duration is measured on."""
        found = self.__dict__.get("_work_calendar")
        if found is None:
            found = WorkCalendar.of_days(self.calendar or Calendar())
            object.__setattr__(self, "_work_calendar", found)
        return found

    def _timed_network(self, src: list[int], dst: list[int], links: list[Link]
                       ) -> TimedNetwork:
        acts = self.activities
        own = self.work_calendar
        data_date = self.data_date
        if data_date is None and self.start is not None:
            data_date = moment(self.start)
        return TimedNetwork(
            len(acts), src, dst, [LINK_TYPES.index(lk.type) for lk in links],
            [lk.lag for lk in links], [lk.lag_calendar for lk in links],
            calendars=[a.calendar or own for a in acts], calendar=own, data_date=data_date,
            constraints=[a.constraints for a in acts],
            actual=[(a.actual_start, a.actual_finish) for a in acts],
            complete=[a.status == "complete" for a in acts],
            finish_milestone=[a.kind == "finish_milestone" for a in acts],
            start_milestone=[a.kind == "start_milestone" for a in acts],
            must_finish_by=self.must_finish_by,
            drives=[a.kind != "level_of_effort" for a in acts])

    def _row(self, index: dict[str, int], activity: str) -> int | None:
        i = index.get(activity)
        return self.activities[i].row if i is not None else None

    def header(self, column: str) -> str:
        """The header as the user wrote it for a canonical column (for messages)."""
        return dict(self.headers).get(column, column)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.activities)

    def __len__(self) -> int:
        return len(self.activities)

    def __contains__(self, activity: object) -> bool:
        return activity in self._index  # type: ignore[attr-defined]

    def index_of(self, activity: str) -> int:
        return self._index[activity]  # type: ignore[attr-defined,no-any-return]

    def activity(self, activity: str) -> Activity:
        return self.activities[self.index_of(activity)]

    @cached_property
    def activity_index(self) -> ActivityIndex:
        """The activities by id, WBS node, activity code and calendar (built once)."""
        return ActivityIndex(self.activities,
                             self.calendar.name if self.calendar is not None else None)

    def with_weather(self, weather: Any) -> Schedule:
        """The schedule with weather rules (:class:`~riskkit.model.weather.Weather`);
        a rule naming activities the schedule lacks is an error naming its row."""
        from .weather import Weather

        if weather is None:
            return replace(self, weather=None)
        if not isinstance(weather, Weather):
            raise OptionError("weather", type(weather).__name__, "riskkit.read_weather(...)")
        if self.timed:
            raise OptionError("weather", weather.source, "a schedule on one calendar (weather "
                              "rules do not yet run on a planning tool's calendars)")
        problems = []
        for rule in weather.rules:
            unknown = self.resolve(rule.activities).unknown if rule.activities else ()
            if unknown:
                problems.append(Problem(
                    f"weather rule {rule.name} names activities the schedule lacks: "
                    f"{', '.join(unknown)}", source=weather.source, row=rule.row,
                    column="activities", value="; ".join(rule.activities),
                    hint=f"activity ids, WBS: or code: names of {self.source}"))
        if problems:
            raise InputError(problems)
        with warnings.catch_warnings():  # the schedule's own notes were given already
            warnings.simplefilter("ignore", InputWarning)
            return replace(self, weather=weather)

    def weather_activities(self) -> list[np.ndarray]:
        """Per weather rule: the indexes of the activities it acts on."""
        if self.weather is None:
            return []
        every = np.arange(len(self.activities), dtype=np.intp)
        return [np.array(sorted(self.index_of(x) for x in self.resolve(r.activities).ids),
                         dtype=np.intp) if r.activities else every
                for r in self.weather.rules]

    def resolve(self, names: Iterable[str]) -> Resolution:
        """The activities that ``names`` name: ids, ``WBS:PRJ.2`` (or ``PRJ.2.*``),
        ``code:Area=North``, patterns such as ``A10*``
        (:mod:`riskkit.model.selectors`). Names that name nothing are in
        ``unknown``; the caller reports them where the user wrote them.

        Examples
        --------
        >>> import riskkit as rk
        >>> sch = rk.Schedule((rk.Activity("A1", rk.Fixed(2.0), wbs="PRJ.1"),
        ...                    rk.Activity("A2", rk.Fixed(3.0), wbs="PRJ.2.1"),
        ...                    rk.Activity("A3", rk.Fixed(1.0), wbs="PRJ.2.2",
        ...                                codes=(("Area", "North"),))))
        >>> sch.resolve(["WBS:PRJ.2"]).ids, sch.resolve(["A1", "code:area=north"]).ids
        (('A2', 'A3'), ('A1', 'A3'))
        >>> sch.resolve(["PRJ.9"]).unknown
        ('PRJ.9',)
        """
        return self.activity_index.resolve(names)

    def distributions(self) -> list[Distribution]:
        """The duration distribution of every activity, in schedule order."""
        return [a.duration for a in self.activities]

    @property
    def most_likely(self) -> np.ndarray:
        return np.array([a.most_likely for a in self.activities], dtype=float)

    @property
    def cost_per_day(self) -> np.ndarray:
        return np.array([a.cost_per_day for a in self.activities], dtype=float)

    @property
    def fixed_cost(self) -> np.ndarray:
        return np.array([a.fixed_cost for a in self.activities], dtype=float)

    @property
    def milestones(self) -> tuple[str, ...]:
        """Activities of zero duration in every estimate (milestones)."""
        return tuple(a.id for a in self.activities
                     if a.duration.is_fixed and a.duration.mean == 0 and a.most_likely == 0)

    def with_project(self, project: str | None) -> Schedule:
        """The same schedule as part of ``project`` (its streams namespaced by it)."""
        with warnings.catch_warnings():  # its logic warnings were given once already
            warnings.simplefilter("ignore", InputWarning)
            return replace(self, project=project, warnings=())

    def with_deadline(self, deadline: Any) -> Schedule:
        """The same schedule held to finish by ``deadline`` (its must-finish-by date): a
        day (a date, ``"2027-11-12"``) means by the end of that day; a moment
        (``"2027-11-12T17:00"``) by then; None removes it. Its finish's chance of
        meeting it is in :meth:`riskkit.SimulationResult.finish_summary`.

        Examples
        --------
        >>> import riskkit as rk
        >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
        >>> str(sch.with_deadline("2027-11-12").must_finish_by)
        '2027-11-13T00:00'
        """
        if _is_day(deadline):
            deadline = parse_day(deadline, "deadline") + np.timedelta64(1, "D")
        with warnings.catch_warnings():  # its logic warnings were given once already
            warnings.simplefilter("ignore", InputWarning)
            out = replace(self, must_finish_by=deadline, warnings=())
        object.__setattr__(out, "warnings", self.warnings)
        return out

    def with_activities(self, activities: Iterable[Activity]) -> Schedule:
        """The same network with new estimates: ``activities`` has the schedule's ids in
        its order; links, dates and warnings are kept. When only estimates and costs
        differ (not an activity's calendar, constraints, progress or kind), the network
        is the same and is not built again."""
        new = tuple(activities)
        if tuple(a.id for a in new) != self.ids:
            raise OptionError("activities", f"{len(new)} activities",
                              "the schedule's activities: the same ids in the same order")

        def timing(a: Activity) -> tuple[Any, ...]:
            return (id(a.calendar), a.constraints, a.status, a.actual_start,
                    a.actual_finish, a.kind)

        if any(timing(a) != timing(b) for a, b in zip(new, self.activities)):
            with warnings.catch_warnings():  # its logic warnings were given once already
                warnings.simplefilter("ignore", InputWarning)
                return replace(self, activities=new, warnings=self.warnings)
        out = copy.copy(self)
        object.__setattr__(out, "activities", new)
        out.__dict__.pop("activity_index", None)  # built from the old activities
        return out

    def cpm(self) -> pd.DataFrame:
        """Deterministic CPM on most-likely durations: dates, total float, critical flag."""
        d = self.most_likely[:, None]
        if self.timed:
            return self._timed_cpm()
        p = self.network.passes(d)  # type: ignore[attr-defined]
        return pd.DataFrame({
            "id": self.ids, "name": [a.name for a in self.activities],
            "duration": d[:, 0], "early_start": p.early_start[:, 0],
            "early_finish": p.early_finish[:, 0],
            "late_start": p.late_finish[:, 0] - d[:, 0], "late_finish": p.late_finish[:, 0],
            "total_float": p.total_float[:, 0], "critical": p.critical()[:, 0],
        })

    def dates(self) -> TimedDates:
        """The deterministic CPM's moments (early and late starts and finishes, as
        ``datetime64[m]``), total float in hours and the project finish, on the
        activities' own calendars; activities as late as possible in their free float
        and level-of-effort activities stretched to their successors, as P6 does."""
        network = self.network  # type: ignore[attr-defined]
        if not isinstance(network, TimedNetwork):
            network = self._timed_network(*self._link_arrays())
        return network.dates(self.most_likely)

    def _link_arrays(self) -> tuple[list[int], list[int], list[Link]]:
        index = self._index  # type: ignore[attr-defined]
        links = [lk for lk in self.links]
        return ([index[lk.predecessor] for lk in links],
                [index[lk.successor] for lk in links], links)

    def _timed_cpm(self) -> pd.DataFrame:
        """cpm() of a timed schedule: working days of the schedule's calendar from the
        data date, and the moments."""
        when = self.dates()
        network: TimedNetwork = self.network  # type: ignore[attr-defined]
        days = {name: network.days_of(getattr(when, name)) for name in
                ("early_start", "early_finish", "late_start", "late_finish")}
        hours = np.array([(a.calendar or self.work_calendar).hours_per_day
                          for a in self.activities])
        total_float = when.total_float_hours / hours
        tol = 1e-6 * max(1.0, float(np.abs(days["early_finish"]).max(initial=0.0)))
        return pd.DataFrame({
            "id": self.ids, "name": [a.name for a in self.activities],
            "duration": self.most_likely, **days, "total_float": total_float,
            "critical": total_float <= tol,
            "early_start_date": when.early_start, "early_finish_date": when.early_finish,
            "late_start_date": when.late_start, "late_finish_date": when.late_finish,
        })

    def duration(self) -> float:
        """Deterministic project duration from most-likely durations (working days)."""
        if not len(self):
            return 0.0
        return float(self.network.passes(self.most_likely[:, None],  # type: ignore[attr-defined]
                                         backward=False).finish[0])

    def base_cost(self) -> float:
        """Fixed costs plus cost per day x most-likely duration."""
        return float(self.fixed_cost.sum() + self.cost_per_day @ self.most_likely)

    def critical_path(self) -> tuple[str, ...]:
        table = self.cpm()
        table = table[table["critical"]].sort_values(["early_start", "early_finish"])
        return tuple(table["id"])

    def to_frame(self) -> pd.DataFrame:
        """One row per activity: id, name, the three-point duration (for percentile
        families the P10 and P90), distribution, costs, correlation group, row."""
        records: list[dict[str, Any]] = []
        for a in self.activities:
            lo, _, hi = a.duration.estimate
            records.append({
                "id": a.id, "name": a.name, "duration_min": lo,
                "duration_most_likely": a.most_likely, "duration_max": hi,
                "distribution": a.distribution, "cost_per_day": a.cost_per_day,
                "fixed_cost": a.fixed_cost, "correlation_group": a.correlation_group,
                **parameter_values(a.distribution, a.duration), "row": a.row})
        return pd.DataFrame.from_records(records, columns=[
            "id", "name", "duration_min", "duration_most_likely", "duration_max",
            "distribution", "cost_per_day", "fixed_cost", "correlation_group",
            *parameter_columns(), "row"])

    @property
    def frame(self) -> pd.DataFrame:
        """The same as :meth:`to_frame`: a new DataFrame each time."""
        return self.to_frame()

    def __repr__(self) -> str:
        return (f"Schedule({self.source!r}, activities={len(self)}, links={len(self.links)}, "
                f"duration={self.duration():g} days)")

    def _repr_html_(self) -> str:
        table = self.cpm()
        path = self.critical_path()
        crit = " → ".join(path[:12])
        head = (f"<p><b>Schedule</b> <code>{html.escape(self.source)}</code>: {len(self)} "
                f"activities, {len(self.links)} link{'s' * (len(self.links) != 1)}; "
                f"deterministic duration "
                f"<b>{self.duration():,.1f} working days</b>, base cost "
                f"{self.base_cost():,.0f}. Critical path: {html.escape(crit)}"
                f"{' …' if len(path) > 12 else ''}</p>")
        return head + table.head(12).to_html(index=False, float_format="{:,.1f}".format)


def _is_day(value: Any) -> bool:
    """Whether ``value`` is a day rather than a moment (a date, ``"2027-11-12"``)."""
    if isinstance(value, _dt.datetime):
        return False
    if isinstance(value, _dt.date):
        return True
    if isinstance(value, (str, np.datetime64)):
        try:
            unit = np.datetime_data(np.datetime64(value).dtype)[0]
        except ValueError:  # not ISO text: moment() says so
            return False
        return unit in ("D", "W", "M", "Y")
    return False


def _logic_warnings(src: str, order: list[str], links: list[Link]) -> list[str]:
    """Open starts, open ends and disconnected parts of a network."""
    notes: list[str] = []
    if len(order) < 2:
        return notes
    if not links:
        notes.append(f"{src}: NO LOGIC: none of its {len(order)} activities has a "
                     "predecessor, so all run in parallel from the start and the project "
                     "lasts as long as the longest one; if they follow one another, give "
                     "the schedule a predecessors column (ids such as 'A; B FS+2')")
        return notes
    has_pred = {lk.successor for lk in links}
    has_succ = {lk.predecessor for lk in links}
    starts = [a for a in order if a not in has_pred]
    ends = [a for a in order if a not in has_succ]

    def names(xs: list[str]) -> str:
        shown = ", ".join(xs[:10])
        return shown + (f" and {len(xs) - 10} more" if len(xs) > 10 else "")

    if len(starts) > 1:
        notes.append(f"{src}: {len(starts)} activities have no predecessor (open starts: "
                     f"{names(starts)}); each starts at the project start")
    if len(ends) > 1:
        notes.append(f"{src}: {len(ends)} activities have no successor (open ends: "
                     f"{names(ends)}); the project finishes with the latest of them")
    parent = {a: a for a in order}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for lk in links:
        parent[find(lk.predecessor)] = find(lk.successor)
    groups: dict[str, list[str]] = {}
    for a in order:
        groups.setdefault(find(a), []).append(a)
    if len(groups) > 1:
        sizes = sorted((len(g) for g in groups.values()), reverse=True)
        notes.append(f"{src}: the network falls into {len(groups)} disconnected parts "
                     f"(sizes {', '.join(map(str, sizes[:10]))}); check for missing links")
    return notes
