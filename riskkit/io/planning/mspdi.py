"""MS Project XML (MSPDI) files as a :class:`~riskkit.model.Schedule`.

MSPDI is the XML MS Project saves (File > Save As > XML), in the namespace
``http://schemas.microsoft.com/project``; riskkit reads it with a hardened parser
(:mod:`.xmltree`). What is read, and how:

- an :class:`~riskkit.model.Activity` per task (``Tasks/Task``, blank rows and inactive
  tasks left out): its ``ID`` as its id (its ``UID`` when IDs are missing or repeated),
  ``Name``, ``WBS``, a milestone (``Milestone``) as a finish milestone, its calendar
  (``CalendarUID``, else the project's), constraint (``ConstraintType`` and
  ``ConstraintDate``; a ``Deadline`` as finish on or before), status from
  ``PercentComplete`` and the actual dates, baseline 0's start and finish, assigned
  resources (``Assignments``), cost (``Cost``, else ``FixedCost`` and the assignments'
  costs) as its fixed cost, text custom fields with their aliases as activity codes,
  and the dates MS Project computed (``EarlyStart`` ... ``TotalSlack``) for
  ``riskkit verify``; in a file whose dates carry no time of day (MPX, through MPXJ)
  a finish is the end of its day;
- durations: the remaining duration (``RemainingDuration``, ISO 8601 such as
  ``PT16H0M0S``; none for a completed task) in working days of the task's calendar
  (hours / the project's ``MinutesPerDay``); an elapsed duration (``DurationFormat``
  4, 6, 8, ... ``ed``) on the elapsed-time calendar, 24 hours a day;
- a :class:`~riskkit.model.Link` per ``PredecessorLink`` (``Type`` 0 FF, 1 FS, 2 SF,
  3 SS), its ``LinkLag`` (tenths of a minute) in working days of the successor's
  calendar (MS Project counts lags on it), of the elapsed calendar for an elapsed
  ``LagFormat``; a percent lag as that share of the predecessor's duration;
- summary tasks (``Summary``, ``OutlineLevel``) are not work: they are left out and
  their links move to the tasks under them (:mod:`.summary`);
- calendars (:mod:`.mspdi_calendar`); the data date: the project's ``StatusDate``, else,
  when work has progressed, its ``CurrentDate``; the must-finish-by date: a deadline on
  the project summary task, or the finish of a project scheduled from its finish.

Progress is the engine's, as for P6 (:mod:`riskkit.model.timing`): completed tasks
keep their actual dates, remaining work starts at the data date (MS Project can leave
it before the status date; that is said). What cannot be honoured is said once, in one
:class:`~riskkit.InputWarning`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...distributions import Fixed
from ...exceptions import InputError, Problem
from ...model import Activity, Constraint, Link, SavedDates, Schedule, relocate
from ...model.worktime import WorkCalendar, moment
from ..summary import RowFacts, find_summaries
from .common import (
    ELAPSED,
    Progress,
    build_schedule,
    main_calendar,
)
from .mspdi_calendar import DEFAULT_HOURS, MspdiCalendars, read_calendars
from .xer_schedule import same_days
from .xmltree import XmlDocument, XmlElement, read_xml

__all__ = ["CONSTRAINT_TYPES", "LINK_TYPES", "MSPDI_NAMESPACE", "read_mspdi",
           "schedule_from_mspdi"]

MSPDI_NAMESPACE = "http://schemas.microsoft.com/project"
#: PredecessorLink Type values.
LINK_TYPES = {"0": "FF", "1": "FS", "2": "SF", "3": "SS"}
#: ConstraintType values and the constraint each is (2 and 3 are mandatory when the
#: project honours constraint dates, MS Project's default).
CONSTRAINT_TYPES = {1: "as_late_as_possible", 2: "mandatory_start", 3: "mandatory_finish",
                    4: "start_on_or_after", 5: "start_on_or_before",
                    6: "finish_on_or_after", 7: "finish_on_or_before"}
_SOFT = {"mandatory_start": "start_on", "mandatory_finish": "finish_on"}
_ELAPSED = {4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52}
_PERCENT = {19, 20, 51, 52}
_DURATION = re.compile(r"(-)?P(?:(\d+(?:\.\d*)?)Y)?(?:(\d+(?:\.\d*)?)M)?(?:(\d+(?:\.\d*)?)W)?"
                       r"(?:(\d+(?:\.\d*)?)D)?(?:T(?:(\d+(?:\.\d*)?)H)?(?:(\d+(?:\.\d*)?)M)?"
                       r"(?:(\d+(?:\.\d*)?)S)?)?")
_HOURS_IN = (365 * 24.0, 30 * 24.0, 7 * 24.0, 24.0, 1.0, 1 / 60, 1 / 3600)


def read_mspdi(source: Any, project: str | None = None) -> Schedule:
    """The schedule of an MS Project XML (MSPDI) file (see the module's text).

    ``project`` names the schedule's project (the namespace of its random streams).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sch = read_mspdi("tests/data/bridge.xml")
    >>> sch.ids, str(sch.start), sch.duration()
    (('1', '2', '3', '4'), '2027-01-04', 5.0)
    """
    return schedule_from_mspdi(read_xml(source, "an MS Project XML file"), project)


@dataclass
class _Task:
    """One task as the file writes it, with what the reader worked out."""

    node: XmlElement
    uid: str
    id: str
    name: str | None
    line: int
    summary: bool
    calendar: WorkCalendar  # its task calendar (or the project's)
    elapsed: bool
    progress: Progress
    hours: float  # remaining working (or elapsed) hours
    total_hours: float  # its duration, for percent lags
    resources: list[str] = field(default_factory=list)
    cost: float = 0.0


class _Reader:
    """One MSPDI project being read: its problems and notes as they are found."""

    def __init__(self, doc: XmlDocument):
        self.root, self.src = doc.root, doc.source
        self.problems: list[Problem] = []
        self.notes: Counter[str] = Counter()
        self.extra: list[str] = []
        self.inactive: set[str] = set()

    def problem(self, message: str, node: XmlElement | None, column: str | None = None,
                value: str | None = None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, self.src, node.line if node else None,
                                     column, value, hint))

    def date(self, node: XmlElement, tag: str, what: str = "Task") -> _dt.datetime | None:
        text = node.get(tag)
        if text is None:
            return None
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError:
            self.problem("not a date and time such as 2027-01-04T08:00:00",
                         node.find(tag), f"{what}/{tag}", text)
            return None

    def number(self, node: XmlElement, tag: str, what: str = "Task") -> float | None:
        text = node.get(tag)
        if text is None:
            return None
        try:
            value = float(text)
            if math.isfinite(value):
                return value
        except ValueError:
            pass
        self.problem("not a number", node.find(tag), f"{what}/{tag}", text)
        return None

    def hours(self, node: XmlElement, tag: str) -> float | None:
        """An ISO 8601 duration (``PT16H0M0S``) in hours."""
        text = node.get(tag)
        if text is None:
            return None
        m = _DURATION.fullmatch(text)
        if m is None or not any(m.groups()[1:]):
            self.problem("not a duration such as PT16H0M0S", node.find(tag), f"Task/{tag}",
                         text)
            return None
        value = sum(float(g) * k for g, k in zip(m.groups()[1:], _HOURS_IN) if g)
        return -value if m.group(1) else value


def schedule_from_mspdi(doc: XmlDocument, project: str | None = None) -> Schedule:
    """The schedule of a parsed MSPDI document (see the module's text)."""
    r = _Reader(doc)
    root = r.root
    if root.tag != "Project" or doc.namespace != MSPDI_NAMESPACE:
        raise InputError(Problem(f"is not an MS Project XML file: its root is <{root.tag}> "
                                 f"in namespace {doc.namespace or 'none'!r}", r.src,
                                 root.line, hint="save the project from MS Project as XML"))
    minutes = r.number(root, "MinutesPerDay", "Project") or 480.0
    if not 0 < minutes <= 1440:
        r.problem("minutes per day must be above 0 and at most 1440",
                  root.find("MinutesPerDay"), "Project/MinutesPerDay", f"{minutes:g}")
        minutes = 480.0
    began = r.date(root, "StartDate", "Project")
    ended = r.date(root, "FinishDate", "Project")
    status = r.date(root, "StatusDate", "Project")
    today = r.date(root, "CurrentDate", "Project")
    known = [d.date() for d in (began, ended, status, today) if d is not None]
    first = min(known) if known else _dt.date(2000, 1, 1)
    window = (first - _dt.timedelta(days=3 * 366),
              max(known, default=first) + _dt.timedelta(days=30 * 366))
    cals = read_calendars(root, r.src, minutes / 60, window)
    r.extra += cals.notes
    project_cal = _calendar_of(r, cals, root.get("CalendarUID"), root, "Project",
                               _standard(cals, minutes / 60, root.get("CalendarUID")))
    tasks = _tasks(r, cals, project_cal)
    work = [t for t in tasks.values() if not t.summary]
    if not tasks and not r.problems:
        r.problem("has no tasks: there are no activities to read", root.find("Tasks") or root,
                  "Tasks", hint="save the project from MS Project as XML")
    progressed = any(t.progress.started for t in work)
    data_date = status or (today if progressed else None)
    if progressed and data_date is None:
        r.problem("has tasks in progress or complete but no status date", root,
                  "Project/StatusDate", hint="set the status date in MS Project "
                                             "(Project > Status Date) and save again")
    if r.problems:
        raise InputError(r.problems)
    links = _links(r, tasks)
    activities = _activities(r, tasks, bool(root.get("HonorConstraints") != "0"))
    if r.problems:
        raise InputError(r.problems)
    main = main_calendar([a.calendar for a in activities if a.calendar is not None],
                         project_cal) or project_cal
    calendar, limits = main.to_calendar()
    notes = []
    if limits:
        notes.append(f"the schedule's calendar {calendar.name!r} has " + " and ".join(limits)
                     + " (riskkit counts whole working days)")
    origin = data_date or began
    start = (calendar.start_day(np.datetime64(origin.date(), "D"), warn=False)
             if origin is not None else None)
    deadline = _project_deadline(r, tasks)
    notes += _notes(r, root, tasks, data_date, status)
    name = root.get("Title") or root.get("Name")
    return build_schedule(activities, links, r.src, f", project {name}" if name else "",
                          notes, project=project, calendar=calendar,
                          headers=(("id", "Task/ID"), ("predecessors", "PredecessorLink")),
                          start=start, data_date=data_date, must_finish_by=deadline)


def _standard(cals: MspdiCalendars, hours_per_day: float, uid: str | None) -> WorkCalendar:
    """The project's calendar when the file does not say (MS Project's Standard)."""
    if uid is None:
        for cal in cals.calendars.values():
            if cal.kind == "base" and cal.name.casefold() == "standard":
                return cal
    return WorkCalendar("standard", "Standard", hours_per_day, (DEFAULT_HOURS,) * 5 + ((), ()))


def _calendar_of(r: _Reader, cals: MspdiCalendars, uid: str | None, node: XmlElement,
                 what: str, fallback: WorkCalendar) -> WorkCalendar:
    """The calendar of a UID (``fallback`` for none, after saying why when it is bad)."""
    if uid is None or uid == "-1":
        return fallback
    found = cals.calendars.get(uid)
    if found is not None:
        return found
    if uid in cals.broken:
        if cals.broken[uid] not in r.problems:
            r.problems.append(cals.broken[uid])
    else:
        r.problem(f"{what.lower()} names calendar UID {uid}, which the file does not have",
                  node.find("CalendarUID"), f"{what}/CalendarUID", uid,
                  "save the project with its calendars")
    return fallback


def _status(pct: float, actual_start: _dt.datetime | None,
            actual_finish: _dt.datetime | None) -> str:
    if actual_finish is not None or pct >= 100:
        return "complete"
    if actual_start is not None or pct > 0:
        return "in_progress"
    return "not_started"


def _tasks(r: _Reader, cals: MspdiCalendars, project_cal: WorkCalendar) -> dict[str, _Task]:
    """The tasks by UID, in file order (blank rows and inactive tasks left out)."""
    tasks: dict[str, _Task] = {}
    inactive = r.inactive
    for node in r.root.items("Tasks"):
        if node.tag != "Task" or node.get("IsNull") == "1":
            continue
        uid = node.get("UID")
        if uid is None:
            r.problem("a task without its UID", node, "Task/UID")
            continue
        if uid in tasks or uid in inactive:
            r.problem("duplicate task UID", node, "Task/UID", uid)
            continue
        if node.get("Active") == "0":
            inactive.add(uid)
            continue
        summary = node.get("Summary") == "1"
        calendar = _calendar_of(r, cals, node.get("CalendarUID"), node, "Task", project_cal)
        fmt = r.number(node, "DurationFormat") or 7
        pct = r.number(node, "PercentComplete") or 0.0
        actual = r.date(node, "ActualStart"), r.date(node, "ActualFinish")
        progress = Progress(_status(pct, *actual), *actual)
        total, left = r.hours(node, "Duration"), r.hours(node, "RemainingDuration")
        hours = 0.0
        if total is None and left is None and not summary:
            r.problem(f"task {node.get('ID') or uid} has no duration", node, "Task/Duration")
        elif progress.complete or summary:
            hours = 0.0
        elif left is not None:
            hours = left
        elif total is not None:
            hours = total * (1 - pct / 100) if progress.started else total
        if hours < 0:
            r.problem(f"task {node.get('ID') or uid} has a negative remaining duration",
                      node.find("RemainingDuration") or node, "Task/RemainingDuration",
                      node.get("RemainingDuration"))
        tasks[uid] = _Task(node, uid, node.get("ID") or "", node.get("Name"), node.line,
                           summary, calendar, int(fmt) in _ELAPSED, progress, max(hours, 0.0),
                           total if total is not None else (left or 0.0))
    if inactive:
        r.notes[f"{len(inactive):,} inactive {_task(len(inactive))} left out (with their "
                f"links)"] += 1
    ids = [t.id for t in tasks.values()]
    if not all(ids) or len(set(ids)) != len(ids):
        missing = sum(not i for i in ids)
        r.extra.append(f"the tasks' IDs are {'missing' if missing else 'repeated'}: "
                       "activities are named by their UIDs")
        for t in tasks.values():
            t.id = t.uid
    _assignments(r, tasks, cals)
    return tasks


def _assignments(r: _Reader, tasks: dict[str, _Task], cals: MspdiCalendars) -> None:
    """Each task's resources and the cost of its assignments; how many tasks MS Project
    schedules on resource calendars that are not their task calendar."""
    names: dict[str, tuple[str, WorkCalendar | None]] = {}
    for node in r.root.items("Resources"):
        uid, name = node.get("UID"), node.get("Name")
        if uid is not None and name:
            names[uid] = (name, cals.calendars.get(node.get("CalendarUID") or ""))
    other: set[str] = set()
    for node in r.root.items("Assignments"):
        task = tasks.get(node.get("TaskUID") or "")
        if task is None:
            continue
        name, cal = names.get(node.get("ResourceUID") or "", ("", None))
        if name and name not in task.resources:
            task.resources.append(name)
        task.cost += r.number(node, "Cost", "Assignment") or 0.0
        if (cal is not None and not task.summary and not task.elapsed
                and task.node.get("IgnoreResourceCalendar") != "1"
                and not same_days(cal.to_calendar()[0], task.calendar.to_calendar()[0])):
            other.add(task.uid)
    if other:
        r.notes[f"{len(other):,} {_task(len(other))} with resources whose calendars differ "
                f"from the task's (MS Project schedules them on the resources' working time; "
                f"riskkit on the task calendar)"] += 1


def _links(r: _Reader, tasks: dict[str, _Task]) -> list[Link]:
    """The links between tasks, those of summary tasks moved to the tasks under them,
    their lags in days of the successor's calendar (elapsed ones on the elapsed
    calendar)."""
    order = list(tasks.values())
    facts = [RowFacts(t.line, t.id, t.name or "", "", t.node.get("OutlineLevel") or "",
                      "1" if t.summary else "0") for t in order]
    outline = find_summaries(facts, r.src, {"id": "ID", "summary": "Summary",
                                            "outline_level": "OutlineLevel"})
    by_id = {t.id: t for t in order}
    written: list[tuple[XmlElement, bool]] = []  # each link's element; elapsed lag?
    raw: list[Link] = []
    for t in order:
        for node in t.node.findall("PredecessorLink"):
            uid = node.get("PredecessorUID")
            if node.get("CrossProject") == "1" or node.get("CrossProjectName"):
                r.notes["links to tasks of other projects left out"] += 1
                continue
            if uid in r.inactive:
                continue  # an inactive task's links: MS Project ignores them
            pred = tasks.get(uid or "")
            if pred is None:
                r.problem(f"task {t.id} has a predecessor (UID {uid}) that is not one of the "
                          f"file's tasks", node.find("PredecessorUID") or node,
                          "PredecessorLink/PredecessorUID", uid,
                          "save the whole project from MS Project")
                continue
            code = node.get("Type") or "1"
            kind = LINK_TYPES.get(code)
            if kind is None:
                r.problem(f"unknown link type in {pred.id} → {t.id}", node.find("Type"),
                          "PredecessorLink/Type", code, "0 (FF), 1 (FS), 2 (SF) or 3 (SS)")
                continue
            fmt = int(r.number(node, "LagFormat", "PredecessorLink") or 7)
            lag = r.number(node, "LinkLag", "PredecessorLink") or 0.0
            if fmt in _PERCENT:
                hours = lag / 100 * pred.total_hours
                if lag:
                    r.notes["lags given as a percentage of the predecessor's duration "
                            "(read as that many hours of its duration, not re-scaled "
                            "when durations vary)"] += 1
            else:
                hours = lag / 600
            written.append((node, fmt in _ELAPSED))
            raw.append(Link(pred.id, t.id, kind, hours, len(written) - 1))
    position = {t.id: i for i, t in enumerate(order)}
    links, problems, dropped = outline.rewrite(raw, position, [t.id for t in order], r.src,
                                               "PredecessorLink")
    r.problems += [Problem(p.message, p.source, written[p.row][0].line if p.row is not None
                           else None, p.column, p.value, p.hint) for p in problems]
    if dropped:
        r.notes[f"{dropped:,} {'link' if dropped == 1 else 'links'} between a summary task and "
                f"a task under it left out"] += 1
    summaries = [order[i] for i in outline.reasons  # the project's own summary is no news
                 if order[i].node.get("OutlineLevel") != "0"]
    if summaries:
        linked = {lk.predecessor for lk in raw} | {lk.successor for lk in raw}
        moved = sum(t.id in linked for t in summaries)
        r.extra.append(f"{len(summaries):,} summary {_task(len(summaries))} left out (not "
                       "work" + (f"; the links of {moved:,} moved to the tasks under them)"
                                 if moved else ")"))
    out = []
    for lk in links:
        pred, succ = by_id[lk.predecessor], by_id[lk.successor]
        node, elapsed = written[lk.row or 0]
        if lk.type in ("SS", "SF") and lk.lag and pred.progress.status == "in_progress":
            r.notes["start-to-start lags from activities in progress that MS Project counts "
                    "from their actual start (riskkit from the remaining start)"] += 1
        cal = ELAPSED if elapsed else succ.calendar
        out.append(Link(pred.id, succ.id, lk.type, lk.lag / cal.hours_per_day, node.line, cal))
    return out


def _activities(r: _Reader, tasks: dict[str, _Task], honour: bool) -> list[Activity]:
    """An activity per task that is not a summary."""
    fields = _custom_fields(r.root)
    work = [t for t in tasks.values() if not t.summary]
    moments = [d for t in work for f in ("Start", "Finish", "EarlyStart", "EarlyFinish")
               if (d := r.date(t.node, f)) is not None]
    dates_only = bool(moments) and all(d.time() == _dt.time() for d in moments)
    out = []
    for t in work:
        node = t.node

        def finish(when: _dt.datetime | None, t: _Task = t) -> np.datetime64 | None:
            """A finish; in a file of dates only, the end of its day (not a milestone's)."""
            if when is not None and dates_only and t.total_hours > 0:
                when += _dt.timedelta(days=1)
            return _moment(when)

        cal = ELAPSED if t.elapsed else t.calendar
        days = t.hours / cal.hours_per_day
        constraints = [] if t.progress.complete else _constraints(r, node, honour)
        baseline = next((b for b in node.findall("Baseline") if b.get("Number") in (None, "0")),
                        None)
        slack = r.number(node, "TotalSlack")
        saved = SavedDates(_moment(r.date(node, "EarlyStart")),
                           finish(r.date(node, "EarlyFinish")),
                           _moment(r.date(node, "LateStart")),
                           finish(r.date(node, "LateFinish")),
                           None if slack is None else slack / 600)
        cost = r.number(node, "Cost")
        if cost is None:
            cost = (r.number(node, "FixedCost") or 0.0) + t.cost
        codes = tuple((fields[e.get("FieldID") or ""], e.get("Value") or "")
                      for e in node.findall("ExtendedAttribute")
                      if e.get("FieldID") in fields and e.get("Value"))
        try:
            out.append(Activity(
                t.id, Fixed(days), t.name, days, fixed_cost=cost, row=t.line,
                kind="finish_milestone" if node.get("Milestone") == "1" else "task",
                wbs=node.get("WBS"), codes=codes, calendar=cal,
                constraints=tuple(constraints), status=t.progress.status,
                actual_start=_moment(t.progress.actual_start),
                actual_finish=finish(t.progress.actual_finish),
                baseline_start=_moment(r.date(baseline, "Start", "Baseline")
                                       if baseline else None),
                baseline_finish=finish(r.date(baseline, "Finish", "Baseline")
                                       if baseline else None),
                resources=tuple(t.resources), saved=saved))
        except InputError as exc:  # the model's own checks, placed in the file
            r.problems += relocate(exc, r.src, t.line, {
                "id": "Task/ID", "duration_min": "Task/RemainingDuration",
                "fixed_cost": "Task/Cost"}).problems
    return out


def _constraints(r: _Reader, node: XmlElement, honour: bool) -> list[Constraint]:
    out = []
    code = int(r.number(node, "ConstraintType") or 0)
    kind = CONSTRAINT_TYPES.get(code)
    if code and kind is None:
        r.problem("unknown constraint type", node.find("ConstraintType"),
                  "Task/ConstraintType", str(code), "0 (as soon as possible) to 7")
    elif kind is not None:
        if not honour:
            kind = _SOFT.get(kind, kind)
        when = r.date(node, "ConstraintDate")
        if when is None and kind != "as_late_as_possible":
            r.problem(f"a {kind.replace('_', ' ')} constraint without its date",
                      node.find("ConstraintType"), "Task/ConstraintDate")
        else:
            out.append(Constraint(kind, _moment(when)))
    deadline = r.date(node, "Deadline")
    if deadline is not None:
        out.append(Constraint("finish_on_or_before", _moment(deadline)))
    return out


def _custom_fields(root: XmlElement) -> dict[str, str]:
    """Text custom fields (``Text1`` ...) by FieldID, named by their alias."""
    out = {}
    for node in root.items("ExtendedAttributes"):
        fid, name = node.get("FieldID"), node.get("Alias") or node.get("FieldName")
        if fid and name and (node.get("FieldName") or "").startswith(("Text", "Outline")):
            out[fid] = name
    return out


def _project_deadline(r: _Reader, tasks: dict[str, _Task]) -> _dt.datetime | None:
    """A deadline on the project summary task, or the finish of a project scheduled from
    its finish."""
    top = next((t for t in tasks.values() if t.node.get("OutlineLevel") == "0"), None)
    if top is not None and top.node.get("Deadline"):
        return r.date(top.node, "Deadline")
    if r.root.get("ScheduleFromStart") == "0":
        return r.date(r.root, "FinishDate", "Project")
    return None


def _notes(r: _Reader, root: XmlElement, tasks: dict[str, _Task],
           data_date: _dt.datetime | None, status: _dt.datetime | None) -> list[str]:
    """What the file says that riskkit does not read or do, each with how many."""
    work = [t for t in tasks.values() if not t.summary]
    counts: list[tuple[int, str]] = [
        (sum(t.node.get("Manual") == "1" for t in work),
         "manually scheduled {} (scheduled by their links)"),
        (sum(t.node.get("ExternalTask") == "1" or t.node.get("IsSubproject") == "1"
             for t in tasks.values()), "external or inserted-project {} (read as tasks)"),
        (sum(bool(r.number(t.node, "LevelingDelay")) for t in work),
         "{} with a levelling delay (not read)"),
        (sum(bool(t.node.get("ConstraintType") not in (None, "0") or t.node.get("Deadline"))
             for t in tasks.values() if t.summary and t.node.get("OutlineLevel") != "0"),
         "summary {} with a constraint or deadline (not read)"),
        (sum(bool(r.number(t.node, "FixedCost")) for t in tasks.values() if t.summary),
         "summary {} with a fixed cost of their own (not read)"),
        (sum(1 for t in work if status is not None and not t.progress.started
             and (s := r.date(t.node, "Start")) is not None and s < status),
         "unstarted {} MS Project schedules before the status date (their work starts at "
         "the status date)"),
    ]
    out = [f"{n:,} " + what.format(_task(n)) for n, what in counts if n]
    out += [_counted(k, n) for k, n in r.notes.items()]
    if root.get("ScheduleFromStart") == "0":
        out.append("the project is scheduled from its finish date (riskkit schedules from "
                   "its start; the finish is read as the must-finish-by date)")
    if data_date is not None and status is None:
        out.append(f"the data date is the file's current date {data_date:%Y-%m-%d} (it has "
                   f"no status date)")
    costly = sum(t.cost > 0 for t in work)
    if costly:
        out.append(f"the cost of {costly:,} {_task(costly)} with resource assignments is read "
                   "as fixed cost (it does not grow with delay)")
    return out + r.extra


def _counted(what: str, n: int) -> str:
    """A note of the reader's, with its count unless the text carries its own."""
    return what if what[:1].isdigit() else f"{n:,} {what if n != 1 else _one(what)}"


def _one(what: str) -> str:
    return what.replace("links", "link", 1).replace("lags", "lag", 1)


def _moment(when: _dt.datetime | None) -> np.datetime64 | None:
    return None if when is None else moment(when)


def _task(n: int) -> str:
    return "task" if n == 1 else "tasks"
