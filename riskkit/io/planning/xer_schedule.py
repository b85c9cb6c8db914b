"""One project of a P6 XER file as a :class:`~riskkit.model.Schedule`.

What is read, and how:

- an :class:`~riskkit.model.Activity` per TASK row of the project: ``task_code`` as its
  id, ``task_name``, its kind (task, resource dependent, start or finish milestone,
  level of effort, WBS summary), its WBS path (PROJWBS short names from the project
  down, joined by the project's separator), its activity codes (TASKACTV, as
  ``(code type, value)``) and, when TASKRSRC gives them, the budgeted cost
  (``target_cost``) of its resource assignments as its fixed cost;
- durations: the remaining duration (``remain_drtn_hr_cnt``) in working days of the
  activity's own calendar (hours / the calendar's hours per day), fixed at that value;
- a :class:`~riskkit.model.Link` per TASKPRED row (``PR_FS`` ... ``PR_SF``), its lag
  (``lag_hr_cnt``) in working days of the calendar P6 counts lags on (the project's
  "calendar for scheduling relationship lag": the predecessor's by default);
- the schedule's calendar: the working days (weekmask, holidays, hours per day) of the
  calendar most of the project's activities work on; its start: the first working day
  at or after the data date (``last_recalc_date``; a data date within a working day
  counts from that day's start).

Progress. Time 0 is the data date. An activity in progress keeps its remaining
duration from the data date and, with P6's retained logic, still waits for its
unfinished predecessors (a start-to-start link into it is met: it has started; with
P6's progress override no link holds it). A **completed** activity has nothing left to
do: it is held at the data date with no duration, the links into it from unfinished
activities are left out (nothing can move it; links between two completed activities
stay, with no lag), and each link out of it keeps only the part of its lag still to run at the data
date — the lag counted from the actual finish (FS, FF) or actual start (SS, SF, unless
P6 counts start-to-start lags from the early start) on the lag calendar, less the
working time already elapsed. A successor is so held exactly as P6 holds it: not
before the actual date plus the lag, and not before the data date. Restarting those
lags at the data date instead would delay every successor by the time already spent.

What the engine cannot honour yet (activities on other calendars, constraints, as late
as possible, level of effort, resource levelling, links to other projects, ...) is
reported in one :class:`~riskkit.InputWarning` that says what and how many.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...distributions import Fixed
from ...exceptions import InputError, InputWarning, Problem
from ...model import Activity, Calendar, Constraint, Link, SavedDates, Schedule, relocate
from .xer import XerFile, XerProject
from .xer_calendar import P6Calendar, read_calendars

__all__ = ["CONSTRAINTS", "TASK_KINDS", "XerActivity", "schedule_from_xer", "xer_activities"]

#: P6 task types (TASK.task_type) and the activity kinds they are.
TASK_KINDS = {"TT_Task": "task", "TT_Rsrc": "resource_dependent", "TT_Mile": "start_milestone",
              "TT_FinMile": "finish_milestone", "TT_LOE": "level_of_effort",
              "TT_WBS": "wbs_summary"}
#: P6 constraint types (TASK.cstr_type, cstr_type2) in words.
CONSTRAINTS = {"CS_MSO": "start on", "CS_MSOA": "start on or after",
               "CS_MSOB": "start on or before", "CS_MEO": "finish on",
               "CS_MEOA": "finish on or after", "CS_MEOB": "finish on or before",
               "CS_MANDSTART": "mandatory start", "CS_MANDFIN": "mandatory finish",
               "CS_ALAP": "as late as possible"}
#: P6 constraint types as riskkit's constraint kinds (model.CONSTRAINT_KINDS).
_CONSTRAINT_KINDS = {"CS_MSO": "start_on", "CS_MSOA": "start_on_or_after",
                     "CS_MSOB": "start_on_or_before", "CS_MEO": "finish_on",
                     "CS_MEOA": "finish_on_or_after", "CS_MEOB": "finish_on_or_before",
                     "CS_MANDSTART": "mandatory_start", "CS_MANDFIN": "mandatory_finish",
                     "CS_ALAP": "as_late_as_possible"}
_STATUS = {"TK_NotStart": "not_started", "TK_Active": "in_progress",
           "TK_Complete": "complete"}
_LINKS = {"PR_FS": "FS", "PR_SS": "SS", "PR_FF": "FF", "PR_SF": "SF"}
_STATUSES = ("TK_NotStart", "TK_Active", "TK_Complete")
_DAY_24 = P6Calendar("24h", "24 hours a day", 24.0, (((0.0, 24.0),),) * 7)


@dataclass(frozen=True)
class XerActivity:
    """What the file says of one activity beyond the model: its TASK row (typed), its
    calendar, its status and its line."""

    id: str
    task: dict[str, Any]
    calendar: P6Calendar
    row: int

    @property
    def status(self) -> str:
        return str(self.task.get("status_code") or "TK_NotStart")

    @property
    def complete(self) -> bool:
        return self.status == "TK_Complete"

    @property
    def started(self) -> bool:
        return self.status != "TK_NotStart"

    @property
    def kind(self) -> str:
        return TASK_KINDS.get(str(self.task.get("task_type") or "TT_Task"), "task")


def xer_activities(xer: XerFile, project: XerProject
                   ) -> tuple[dict[str, XerActivity], dict[str, P6Calendar], list[Problem]]:
    """The project's activities by ``task_id`` (with their calendars), every calendar
    of the file by ``clndr_id``, and the problems of the TASK rows."""
    src = xer.source
    if "TASK" not in xer.tables:
        raise InputError(Problem("has no TASK table: there are no activities to read",
                                 source=src, hint="export the project's activities from "
                                                  "P6 (File > Export > XER)"))
    cal_table = xer.table("CALENDAR")
    calendars = read_calendars(cal_table.records(), cal_table.lines, src)
    default = _project_record(xer, project).get("clndr_id") or next(
        (str(r.get("clndr_id")) for r in cal_table.records() if r.get("default_flag")), None)
    tasks = xer.table("TASK")
    out: dict[str, XerActivity] = {}
    problems: list[Problem] = []
    for line, r in zip(tasks.lines, tasks.records()):
        if (r.get("proj_id") or "") != project.id:
            continue
        cid = r.get("clndr_id") or default
        code = r.get("task_code")

        def problem(message: str, column: str, value: Any = None, hint: str | None = None,
                    line: int = line) -> None:
            problems.append(Problem(message, src, line, f"TASK.{column}",
                                    None if value is None else str(value), hint))

        if not code:
            problem("activity id (task_code) is missing", "task_code")
            continue
        if cid not in calendars:
            problem(f"activity {code} names a calendar the file does not have" if cid else
                    f"activity {code} has no calendar, and neither has its project nor the "
                    f"file a default one", "clndr_id", cid,
                    "export the project with its calendars")
            continue
        if str(r.get("task_type") or "TT_Task") not in TASK_KINDS:
            problem(f"activity {code} has an unknown type", "task_type", r.get("task_type"),
                    ", ".join(TASK_KINDS))
        if str(r.get("status_code") or "TK_NotStart") not in _STATUSES:
            problem(f"activity {code} has an unknown status", "status_code",
                    r.get("status_code"), ", ".join(_STATUSES))
        hours = r.get("remain_drtn_hr_cnt")
        if r.get("status_code") != "TK_Complete" and (hours is None or hours < 0):
            problem(f"activity {code} has " + ("no" if hours is None else "a negative")
                    + " remaining duration", "remain_drtn_hr_cnt",
                    None if hours is None else f"{hours:g}")
        out[str(r.get("task_id") or "")] = XerActivity(str(code), r, calendars[cid], line)
    return out, calendars, problems


def _project_record(xer: XerFile, project: XerProject) -> dict[str, Any]:
    for r in xer.table("PROJECT").records():
        if r.get("proj_id") == project.id:
            return r
    return {}


def schedule_from_xer(xer: XerFile, project: str | None = None) -> Schedule:
    """The schedule of one project of an XER file (see the module's text for what is
    read and how).

    ``project`` chooses the project (its short name or ``proj_id``) when the file
    holds several; given, it also names the schedule's project (the namespace of its
    random streams), as for any schedule.

    Examples
    --------
    >>> import warnings
    >>> from riskkit.io.planning.xer import read_xer
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sch = schedule_from_xer(read_xer("tests/data/two_projects.xer"), "BRIDGE")
    >>> sch.ids[:3], str(sch.start)
    (('B1000', 'B1005', 'B1010'), '2027-01-04')
    """
    chosen = xer.project(project)
    src = xer.source
    acts, calendars, problems = xer_activities(xer, chosen)
    record = _project_record(xer, chosen)
    options = next((r for r in xer.table("SCHEDOPTIONS").records()
                    if r.get("proj_id") == chosen.id), {})
    notes: list[str] = []
    calendar, base = _schedule_calendar(acts, calendars, record, notes)
    data_date = chosen.data_date
    if data_date is None and any(a.started for a in acts.values()):
        problems.append(Problem("has activities in progress or complete but no data date",
                                source=src, column="PROJECT.last_recalc_date",
                                hint="schedule the project in P6 (F9) and export it again"))
    links = _links(xer, chosen, acts, calendars, calendar, options, record,
                   data_date or _dt.datetime.min, problems, notes)
    if problems:
        raise InputError(problems)
    wbs = _wbs_paths(xer, chosen, str(record.get("name_sep_char") or "."))
    codes = _activity_codes(xer, acts)
    costs = _costs(xer, acts)
    resources = _resources(xer, acts)
    activities = []
    for a in acts.values():
        try:
            activities.append(_activity(a, wbs, codes, costs, resources))
        except InputError as exc:  # the model's own checks, placed in the file
            problems += relocate(exc, src, a.row, {"id": "TASK.task_code",
                                                   "duration_min": "TASK.remain_drtn_hr_cnt",
                                                   "fixed_cost": "TASKRSRC.target_cost"}
                                 ).problems
    if problems:
        raise InputError(problems)
    notes[:0] = _unhonoured(xer, chosen, acts, calendars, calendar, base, record)
    start = None
    if data_date is not None:
        start = calendar.start_day(np.datetime64(data_date.date(), "D"), warn=False)
    warning = (f"{src}, project {chosen.short_name}: riskkit cannot honour yet: "
               + "; ".join(notes)) if notes else None
    finish_by = record.get("plan_end_date")
    with warnings.catch_warnings(record=True) as logic:
        warnings.simplefilter("always", InputWarning)
        schedule = Schedule(tuple(activities), tuple(links), src,
                            chosen.short_name if project is not None else None,
                            calendar=calendar, warnings=(warning,) if warning else (),
                            headers=(("id", "TASK.task_code"),
                                     ("predecessors", "TASKPRED.pred_task_id")), start=start,
                            data_date=data_date, must_finish_by=finish_by)
    for note in [*([warning] if warning else []), *(str(w.message) for w in logic)]:
        warnings.warn(note, InputWarning, stacklevel=3)
    return schedule


def _activity(a: XerActivity, wbs: dict[str, str], codes: dict[str, tuple[tuple[str, str],
              ...]], costs: dict[str, float], resources: dict[str, tuple[str, ...]]
              ) -> Activity:
    t = a.task
    hours = t.get("remain_drtn_hr_cnt") or 0.0
    if a.complete or a.kind in ("level_of_effort", "wbs_summary"):
        hours = 0.0
    days = float(hours) / a.calendar.hours_per_day
    task_id = str(t.get("task_id") or "")
    constraints = []
    for kind_field, date_field in (("cstr_type", "cstr_date"), ("cstr_type2", "cstr_date2")):
        kind = _CONSTRAINT_KINDS.get(str(t.get(kind_field) or ""))
        if kind == "as_late_as_possible" or (kind and t.get(date_field) is not None):
            constraints.append(Constraint(kind, t.get(date_field)))
    saved = SavedDates(t.get("early_start_date"), t.get("early_end_date"),
                       t.get("late_start_date"), t.get("late_end_date"),
                       t.get("total_float_hr_cnt"))
    return Activity(a.id, Fixed(days), t.get("task_name") or None, days,
                    fixed_cost=costs.get(task_id, 0.0), row=a.row, kind=a.kind,
                    wbs=wbs.get(str(t.get("wbs_id") or "")), codes=codes.get(task_id, ()),
                    calendar=a.calendar, constraints=tuple(constraints),
                    status=_STATUS[a.status], actual_start=t.get("act_start_date"),
                    actual_finish=t.get("act_end_date"),
                    baseline_start=t.get("target_start_date"),
                    baseline_finish=t.get("target_end_date"),
                    resources=resources.get(task_id, ()), saved=saved)


def same_days(a: Calendar, b: Calendar) -> bool:
    """Whether two calendars have the same working days and hours per day."""
    return (a.weekmask, a.holidays, a.hours_per_day) == (b.weekmask, b.holidays,
                                                         b.hours_per_day)


def _schedule_calendar(acts: dict[str, XerActivity], calendars: dict[str, P6Calendar],
                       record: dict[str, Any], notes: list[str]
                       ) -> tuple[Calendar, P6Calendar | None]:
    """The calendar most activities work on (the project's default on a tie)."""
    default = record.get("clndr_id")
    counts = Counter(a.calendar.id for a in acts.values())
    if not counts:
        cal = calendars.get(default) if default else None
        if cal is None:
            return Calendar(), None
        return cal.to_calendar()[0], cal
    best = max(counts, key=lambda c: (counts[c], c == default))
    chosen = calendars[best]
    calendar, limits = chosen.to_calendar()
    if limits:
        notes.append(f"the schedule's calendar {chosen.name!r} has " + " and ".join(limits)
                     + " (riskkit counts whole working days)")
    return calendar, chosen


def _wbs_paths(xer: XerFile, project: XerProject, sep: str) -> dict[str, str]:
    nodes = {str(r.get("wbs_id")): r for r in xer.table("PROJWBS").records()
             if r.get("proj_id") == project.id}
    paths: dict[str, str] = {}

    def path(wid: str) -> str:
        names: list[str] = []
        seen: set[str] = set()
        while wid in nodes and wid not in seen:
            if wid in paths:
                names.append(paths[wid])
                break
            seen.add(wid)
            names.append(str(nodes[wid].get("wbs_short_name") or wid))
            wid = str(nodes[wid].get("parent_wbs_id") or "")
        return sep.join(reversed(names))

    for wid in nodes:
        paths[wid] = path(wid)
    return paths


def _activity_codes(xer: XerFile, acts: dict[str, XerActivity]
                    ) -> dict[str, tuple[tuple[str, str], ...]]:
    types = {r.get("actv_code_type_id"): str(r.get("actv_code_type") or "")
             for r in xer.table("ACTVTYPE").records()}
    values = {r.get("actv_code_id"): str(r.get("short_name") or r.get("actv_code_name") or "")
              for r in xer.table("ACTVCODE").records()}
    out: dict[str, list[tuple[str, str]]] = {}
    for r in xer.table("TASKACTV").records():
        task = str(r.get("task_id") or "")
        if task in acts:
            kind = types.get(r.get("actv_code_type_id")) or str(r.get("actv_code_type_id"))
            out.setdefault(task, []).append((kind, values.get(r.get("actv_code_id"),
                                                              str(r.get("actv_code_id")))))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _costs(xer: XerFile, acts: dict[str, XerActivity]) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in xer.table("TASKRSRC").records():
        task = str(r.get("task_id") or "")
        if task in acts and r.get("target_cost"):
            out[task] = out.get(task, 0.0) + float(r["target_cost"])
    return out


def _resources(xer: XerFile, acts: dict[str, XerActivity]) -> dict[str, tuple[str, ...]]:
    names = {r.get("rsrc_id"): str(r.get("rsrc_short_name") or r.get("rsrc_name")
                                   or r.get("rsrc_id")) for r in xer.table("RSRC").records()}
    out: dict[str, list[str]] = {}
    for r in xer.table("TASKRSRC").records():
        task = str(r.get("task_id") or "")
        if task in acts and r.get("rsrc_id"):
            out.setdefault(task, []).append(names.get(r["rsrc_id"], str(r["rsrc_id"])))
    return {k: tuple(v) for k, v in out.items()}


def _links(xer: XerFile, project: XerProject, acts: dict[str, XerActivity],
           calendars: dict[str, P6Calendar], calendar: Calendar, options: dict[str, Any],
           record: dict[str, Any], data_date: _dt.datetime, problems: list[Problem],
           notes: list[str]) -> list[Link]:
    src = xer.source
    table = xer.table("TASKPRED")
    rule = str(options.get("sched_calendar_on_relationship_lag") or "rcal_Predecessor")
    default = calendars.get(str(record.get("clndr_id") or ""))
    lag_calendar: Callable[[XerActivity, XerActivity], P6Calendar] = {
        "rcal_Predecessor": lambda p, s: p.calendar,
        "rcal_Successor": lambda p, s: s.calendar,
        "rcal_24Hour": lambda p, s: _DAY_24,
        "rcal_ProjDefault": lambda p, s: default or p.calendar,
    }.get(rule, lambda p, s: p.calendar)
    ss_from_early = _yes(options.get("sched_lag_early_start_flag", True))
    override = _yes(options.get("sched_progress_override"))
    left: Counter[str] = Counter()
    from_actual = 0
    out: list[Link] = []
    for line, r in zip(table.lines, table.records()):
        succ = acts.get(str(r.get("task_id") or ""))
        if succ is None:
            continue  # a link of another project
        pred = acts.get(str(r.get("pred_task_id") or ""))
        if pred is None:
            if (r.get("pred_proj_id") or project.id) != project.id:
                left["links to activities of other projects"] += 1
            else:
                problems.append(Problem(
                    f"activity {succ.id} has a predecessor (task_id {r.get('pred_task_id')}) "
                    f"that is not in the TASK table", source=src, row=line,
                    column="TASKPRED.pred_task_id", value=str(r.get("pred_task_id")),
                    hint="export the whole project from P6"))
            continue
        kind = _LINKS.get(str(r.get("pred_type") or ""))
        if kind is None:
            problems.append(Problem(f"unknown relationship type in {pred.id} → {succ.id}",
                                    source=src, row=line, column="TASKPRED.pred_type",
                                    value=str(r.get("pred_type")),
                                    hint="PR_FS, PR_SS, PR_FF or PR_SF"))
            continue
        if override and succ.started and not succ.complete:
            left["links into activities in progress (P6's progress override)"] += 1
            continue
        if not ss_from_early and kind in ("SS", "SF") and pred.status == "TK_Active":
            from_actual += 1
        cal = lag_calendar(pred, succ)
        hours = float(r.get("lag_hr_cnt") or 0.0)
        out.append(Link(pred.id, succ.id, kind, hours / cal.hours_per_day, line,
                        lag_calendar=cal))
    notes += [f"{n:,} {what if n != 1 else what.replace('links', 'link', 1)} left out"
              for what, n in left.items() if n]
    if from_actual:
        notes.append(f"{from_actual:,} start-to-start {'lag' if from_actual == 1 else 'lags'} "
                     "from activities in progress that P6 counts from their actual start "
                     "(riskkit counts them from the remaining early start)")
    return out


def _unhonoured(xer: XerFile, project: XerProject, acts: dict[str, XerActivity],
                calendars: dict[str, P6Calendar], calendar: Calendar, base: P6Calendar | None,
                record: dict[str, Any]) -> list[str]:
    """What the file says that the engine does not do yet, each with how many."""
    out: list[str] = []
    values = list(acts.values())
    n = sum(a.kind == "wbs_summary" for a in values)
    if n:
        out.append(f"{n:,} WBS summary {_act(n)} (read as zero-duration activities that "
                   f"keep their links: P6 stretches them over their WBS's activities)")
    n = sum(a.kind == "resource_dependent" for a in values)
    if n:
        out.append(f"{n:,} resource-dependent {_act(n)} (scheduled on their activity "
                   "calendar, not their resources')")
    levelled = sum(1 for a in values if not a.complete and a.task.get("restart_date")
                   and a.task.get("early_start_date")
                   and a.task["restart_date"] != a.task["early_start_date"])
    if levelled:
        out.append(f"{levelled:,} {_act(levelled)} whose remaining start differs from the "
                   f"early start (resource levelling)")
    for field, words in (("suspend_date", "suspended"),
                         ("external_early_start_date", "with an external early start"),
                         ("external_late_end_date", "with an external late finish")):
        n = sum(1 for a in values if a.task.get(field) and not a.complete)
        if n:
            out.append(f"{n:,} {_act(n)} {words}")
    assignments = sum(1 for r in xer.table("TASKRSRC").records()
                      if str(r.get("task_id") or "") in acts and r.get("target_cost"))
    if assignments:
        out.append(f"the budgeted cost of {assignments:,} resource "
                   f"{'assignment' if assignments == 1 else 'assignments'} is read as fixed "
                   f"cost (it does not grow with delay)")
    expenses = sum(1 for r in xer.table("PROJCOST").records()
                   if r.get("proj_id") == project.id)
    if expenses:
        out.append(f"{expenses:,} project {'expense' if expenses == 1 else 'expenses'} "
                   f"(PROJCOST) not read")
    return out


def _yes(value: Any) -> bool:
    """A P6 yes/no option, typed (a ``*_flag`` field) or not (``Y``/``N`` text)."""
    return value is True or str(value).strip().upper() == "Y"


def _act(n: int) -> str:
    return "activity" if n == 1 else "activities"
