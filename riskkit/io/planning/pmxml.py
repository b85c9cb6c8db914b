"""Primavera P6 XML (PMXML) exports, read as the P6 XER reader reads a P6 file.

A PMXML file (``APIBusinessObjects`` in the namespace
``http://xmlns.oracle.com/Primavera/P6/.../API/BusinessObjects``) holds the same
objects as an XER export, as elements: ``Project`` with its ``WBS``, ``Activity``,
``Relationship``, ``ResourceAssignment`` and ``ScheduleOptions``; ``Calendar``,
``Resource``, ``ActivityCodeType`` and ``ActivityCode``. :func:`pmxml_as_xer` writes
them into the XER tables they are (TASK, TASKPRED, CALENDAR with its ``clndr_data``,
PROJECT, PROJWBS, SCHEDOPTIONS, TASKRSRC, RSRC, ACTVTYPE, ACTVCODE, TASKACTV,
PROJCOST), each row keeping the line of its element, and
:func:`~riskkit.io.planning.xer_schedule.schedule_from_xer` makes the schedule: one reader of
P6's rules, whichever way the file came. Problems name the PMXML element and field
(``Activity/RemainingDuration``), not the XER one.

Durations and lags are hours, percentages fractions (0 to 1), a work period's finish
the last minute worked (``16:59`` for work until 17:00).
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from ...exceptions import InputError, InputWarning, Problem
from ...model import Schedule
from .xer import XerFile, XerTable
from .xer_calendar import P6_EPOCH
from .xer_schedule import schedule_from_xer
from .xmltree import XmlDocument, XmlElement, read_xml

__all__ = ["pmxml_as_xer", "read_pmxml"]

_TYPES = {"Task Dependent": "TT_Task", "Resource Dependent": "TT_Rsrc",
          "Level of Effort": "TT_LOE", "Start Milestone": "TT_Mile",
          "Finish Milestone": "TT_FinMile", "WBS Summary": "TT_WBS"}
_STATUSES = {"Not Started": "TK_NotStart", "In Progress": "TK_Active",
             "Completed": "TK_Complete"}
_LINKS = {"Finish to Start": "PR_FS", "Start to Start": "PR_SS", "Finish to Finish": "PR_FF",
          "Start to Finish": "PR_SF"}
_CONSTRAINTS = {"Start On": "CS_MSO", "Start On or After": "CS_MSOA",
                "Start On or Before": "CS_MSOB", "Finish On": "CS_MEO",
                "Finish On or After": "CS_MEOA", "Finish On or Before": "CS_MEOB",
                "Mandatory Start": "CS_MANDSTART", "Mandatory Finish": "CS_MANDFIN",
                "As Late As Possible": "CS_ALAP"}
_LAG_CALENDARS = {"Predecessor Activity Calendar": "rcal_Predecessor",
                  "Successor Activity Calendar": "rcal_Successor",
                  "24-Hour Calendar": "rcal_24Hour",
                  "Project Default Calendar": "rcal_ProjDefault"}
_CALENDAR_TYPES = {"Global": "CA_Base", "Project": "CA_Project", "Resource": "CA_Rsrc",
                   "Personal": "CA_Rsrc"}
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

_Value = Callable[[XmlElement], str]


def _field(tag: str, mapping: dict[str, str] | None = None) -> _Value:
    def value(node: XmlElement) -> str:
        text = node.get(tag) or ""
        return mapping.get(text, text) if mapping and text else text
    return value


def _first(*tags: str) -> _Value:
    return lambda node: next((t for t in (node.get(tag) for tag in tags) if t), "")


def _flag(tag: str) -> _Value:
    return lambda node: {"1": "Y", "true": "Y", "0": "N", "false": "N"}.get(
        (node.get(tag) or "").strip().lower(), "")


def _percent(tag: str) -> _Value:
    def value(node: XmlElement) -> str:
        text = node.get(tag)
        try:
            return "" if text is None else f"{float(text) * 100:g}"
        except ValueError:
            return text or ""
    return value


#: Each XER table riskkit reads: its fields and the PMXML element's field each comes from.
_ACTIVITY: dict[str, tuple[str, _Value]] = {
    "task_id": ("ObjectId", _field("ObjectId")),
    "wbs_id": ("WBSObjectId", _field("WBSObjectId")),
    "clndr_id": ("CalendarObjectId", _field("CalendarObjectId")),
    "task_code": ("Id", _field("Id")),
    "task_name": ("Name", _field("Name")),
    "task_type": ("Type", _field("Type", _TYPES)),
    "status_code": ("Status", _field("Status", _STATUSES)),
    "remain_drtn_hr_cnt": ("RemainingDuration", _field("RemainingDuration")),
    "target_drtn_hr_cnt": ("PlannedDuration", _field("PlannedDuration")),
    "act_start_date": ("ActualStartDate", _field("ActualStartDate")),
    "act_end_date": ("ActualFinishDate", _field("ActualFinishDate")),
    "early_start_date": ("EarlyStartDate", _first("EarlyStartDate",
                                                  "RemainingEarlyStartDate")),
    "early_end_date": ("EarlyFinishDate", _first("EarlyFinishDate",
                                                 "RemainingEarlyFinishDate")),
    "late_start_date": ("LateStartDate", _first("LateStartDate", "RemainingLateStartDate")),
    "late_end_date": ("LateFinishDate", _first("LateFinishDate", "RemainingLateFinishDate")),
    "restart_date": ("RemainingEarlyStartDate", _field("RemainingEarlyStartDate")),
    "reend_date": ("RemainingEarlyFinishDate", _field("RemainingEarlyFinishDate")),
    "rem_late_start_date": ("RemainingLateStartDate", _field("RemainingLateStartDate")),
    "rem_late_end_date": ("RemainingLateFinishDate", _field("RemainingLateFinishDate")),
    "total_float_hr_cnt": ("TotalFloat", _field("TotalFloat")),
    "free_float_hr_cnt": ("FreeFloat", _field("FreeFloat")),
    "cstr_type": ("PrimaryConstraintType", _field("PrimaryConstraintType", _CONSTRAINTS)),
    "cstr_date": ("PrimaryConstraintDate", _field("PrimaryConstraintDate")),
    "cstr_type2": ("SecondaryConstraintType", _field("SecondaryConstraintType",
                                                     _CONSTRAINTS)),
    "cstr_date2": ("SecondaryConstraintDate", _field("SecondaryConstraintDate")),
    "target_start_date": ("PlannedStartDate", _field("PlannedStartDate")),
    "target_end_date": ("PlannedFinishDate", _field("PlannedFinishDate")),
    "expect_end_date": ("ExpectedFinishDate", _field("ExpectedFinishDate")),
    "suspend_date": ("SuspendDate", _field("SuspendDate")),
    "resume_date": ("ResumeDate", _field("ResumeDate")),
    "external_early_start_date": ("ExternalEarlyStartDate",
                                  _field("ExternalEarlyStartDate")),
    "external_late_end_date": ("ExternalLateFinishDate", _field("ExternalLateFinishDate")),
    "phys_complete_pct": ("PhysicalPercentComplete", _percent("PhysicalPercentComplete")),
}
_RELATIONSHIP: dict[str, tuple[str, _Value]] = {
    "task_pred_id": ("ObjectId", _field("ObjectId")),
    "task_id": ("SuccessorActivityObjectId", _field("SuccessorActivityObjectId")),
    "pred_task_id": ("PredecessorActivityObjectId", _field("PredecessorActivityObjectId")),
    "proj_id": ("SuccessorProjectObjectId", _field("SuccessorProjectObjectId")),
    "pred_proj_id": ("PredecessorProjectObjectId", _field("PredecessorProjectObjectId")),
    "pred_type": ("Type", _field("Type", _LINKS)),
    "lag_hr_cnt": ("Lag", _field("Lag")),
}
_PROJECT: dict[str, tuple[str, _Value]] = {
    "proj_id": ("ObjectId", _field("ObjectId")),
    "proj_short_name": ("Id", _field("Id")),
    "last_recalc_date": ("DataDate", _field("DataDate")),
    "plan_start_date": ("PlannedStartDate", _first("PlannedStartDate", "StartDate")),
    "plan_end_date": ("MustFinishByDate", _field("MustFinishByDate")),
    "scd_end_date": ("ScheduledFinishDate", _field("ScheduledFinishDate")),
    "clndr_id": ("ActivityDefaultCalendarObjectId",
                 _field("ActivityDefaultCalendarObjectId")),
    "name_sep_char": ("WBSCodeSeparator", _field("WBSCodeSeparator")),
}
_OPTIONS: dict[str, tuple[str, _Value]] = {
    "sched_calendar_on_relationship_lag": ("RelationshipLagCalendar",
                                           _field("RelationshipLagCalendar", _LAG_CALENDARS)),
    "sched_lag_early_start_flag": ("StartToStartLagCalculationType",
                                   lambda n: _early_start(n.get(
                                       "StartToStartLagCalculationType"))),
    "sched_progress_override": ("OutOfSequenceScheduleType", lambda n: "Y" if (n.get(
        "OutOfSequenceScheduleType") or "").casefold() == "progress override" else "N"),
    "sched_retained_logic": ("OutOfSequenceScheduleType", lambda n: "Y" if (n.get(
        "OutOfSequenceScheduleType") or "").casefold() == "retained logic" else "N"),
    "sched_use_expect_end_flag": ("UseExpectedFinishDates", _flag("UseExpectedFinishDates")),
}


def _early_start(text: str | None) -> str:
    word = (text or "").strip().casefold()
    return {"early start": "Y", "1": "Y", "true": "Y", "actual start": "N", "0": "N",
            "false": "N"}.get(word, "")


def read_pmxml(source: Any, project: str | None = None) -> Schedule:
    """The schedule of one project of a P6 XML export, read by the P6 XER reader's
    rules (:func:`~riskkit.io.planning.xer_schedule.schedule_from_xer`); ``project`` chooses the
    project (its id or ObjectId) when the file holds several.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     sch = read_pmxml("tests/data/bridge.pmxml")
    >>> sch.ids, str(sch.start)
    (('A1000', 'A1010', 'A1020'), '2027-01-04')
    """
    doc = read_xml(source, "a Primavera P6 XML export")
    xer, columns = pmxml_as_xer(doc)
    try:
        return schedule_from_xer(xer, project)
    except InputError as exc:
        raise InputError([replace(p, column=columns.get(p.column or "", p.column))
                          for p in exc.problems]) from None


def pmxml_as_xer(doc: XmlDocument) -> tuple[XerFile, dict[str, str]]:
    """The XER tables of a PMXML document, and the PMXML name of each XER field
    (``{"TASK.remain_drtn_hr_cnt": "Activity/RemainingDuration", ...}``).

    Raises
    ------
    InputError
        Not a PMXML document, or one without a project or without activities.
    """
    root, src = doc.root, doc.source
    if root.tag != "APIBusinessObjects":
        raise InputError(Problem(f"is not a Primavera P6 XML export: its root is "
                                 f"<{root.tag}>", src, root.line))
    projects = root.findall("Project")
    if not projects:
        raise InputError(Problem("has no Project: there is no project to read", src,
                                 root.line, hint="export the project from P6 as XML"))
    if not any(p.findall("Activity") for p in projects) and not root.findall("Activity"):
        raise InputError(Problem("has no Activity: there are no activities to read", src,
                                 hint="export the project's activities from P6 as XML"))
    if root.findall("BaselineProject"):
        n = len(root.findall("BaselineProject"))
        warnings.warn(f"{src}: {n} baseline {'project' if n == 1 else 'projects'} in the "
                      f"file not read (riskkit reads the current projects)", InputWarning,
                      stacklevel=3)
    tables: dict[str, _Table] = {}

    def table(name: str) -> _Table:
        return tables.setdefault(name, _Table(name))

    for p in projects:
        pid = p.get("ObjectId") or ""
        table("PROJECT").add(p, _PROJECT)
        options = p.find("ScheduleOptions")
        table("SCHEDOPTIONS").add(options if options is not None else p, _OPTIONS,
                                  proj_id=pid)
        lag_calendar = _field("RelationshipLagCalendar", _LAG_CALENDARS)(p)
        if lag_calendar and (options is None or not options.get("RelationshipLagCalendar")):
            table("SCHEDOPTIONS").rows[-1][0]["sched_calendar_on_relationship_lag"] = (
                lag_calendar)
        node = f"project:{pid}"
        table("PROJWBS").put({"wbs_id": node, "proj_id": pid, "parent_wbs_id": "",
                              "wbs_short_name": p.get("Id") or "", "wbs_name": p.get("Name")
                              or "", "proj_node_flag": "Y"}, p.line)
        for w in p.findall("WBS"):
            table("PROJWBS").put({"wbs_id": w.get("ObjectId") or "", "proj_id": pid,
                                  "parent_wbs_id": w.get("ParentObjectId") or node,
                                  "wbs_short_name": w.get("Code") or "",
                                  "wbs_name": w.get("Name") or "", "proj_node_flag": "N"},
                                 w.line)
        _objects(p, table, pid)
    _objects(root, table, "")
    for cal in _calendars(root, projects):
        table("CALENDAR").put(*cal)
    for t in (*root.findall("ActivityCodeType"),
              *(t for p in projects for t in p.findall("ActivityCodeType"))):
        table("ACTVTYPE").put({"actv_code_type_id": t.get("ObjectId") or "",
                               "actv_code_type": t.get("Name") or ""}, t.line)
    for c in (*root.findall("ActivityCode"),
              *(c for p in projects for c in p.findall("ActivityCode"))):
        table("ACTVCODE").put({"actv_code_id": c.get("ObjectId") or "",
                               "actv_code_type_id": c.get("CodeTypeObjectId") or "",
                               "short_name": c.get("CodeValue") or "",
                               "actv_code_name": c.get("Description") or ""}, c.line)
    for r in root.findall("Resource"):
        table("RSRC").put({"rsrc_id": r.get("ObjectId") or "", "rsrc_name": r.get("Name")
                           or "", "rsrc_short_name": r.get("Id") or "",
                           "clndr_id": r.get("CalendarObjectId") or ""}, r.line)
    columns = {f"{name}.{xer}": f"{element}/{pm}" for name, element, spec in (
        ("TASK", "Activity", _ACTIVITY), ("TASKPRED", "Relationship", _RELATIONSHIP),
        ("PROJECT", "Project", _PROJECT), ("SCHEDOPTIONS", "ScheduleOptions", _OPTIONS))
        for xer, (pm, _) in spec.items()}
    columns.update({"CALENDAR.clndr_data": "Calendar/StandardWorkWeek",
                    "TASKRSRC.target_cost": "ResourceAssignment/PlannedCost",
                    "PROJECT.proj_short_name": "Project/Id"})
    xer = XerFile(src, ("PMXML",), MappingProxyType(
        {name: t.table(src) for name, t in tables.items()}), "utf-8")
    return xer, columns


class _Table:
    """The rows of one XER table being written (text values) with their lines."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[tuple[dict[str, str], int]] = []

    def put(self, values: dict[str, str], line: int) -> None:
        """A row (blank values left out: a field no row gives is absent, as in XER)."""
        self.rows.append(({k: v for k, v in values.items() if v}, line))

    def add(self, node: XmlElement, spec: dict[str, tuple[str, _Value]], **more: str) -> None:
        values = {xer: value(node) for xer, (_, value) in spec.items()}
        self.put({**values, **more}, node.line)

    def table(self, source: str) -> XerTable:
        fields = tuple(dict.fromkeys(f for values, _ in self.rows for f in values))
        return XerTable(self.name, fields,
                        tuple(tuple(v.get(f, "") for f in fields) for v, _ in self.rows),
                        tuple(line for _, line in self.rows), source)


def _objects(parent: XmlElement, table: Callable[[str], _Table], pid: str) -> None:
    """The activities, relationships, assignments and expenses under a project (or at
    the top of the file, naming their project)."""
    for a in parent.findall("Activity"):
        project = a.get("ProjectObjectId") or pid
        table("TASK").add(a, _ACTIVITY, proj_id=project)
        for code in a.findall("Code"):
            table("TASKACTV").put({"task_id": a.get("ObjectId") or "", "proj_id": project,
                                   "actv_code_type_id": code.get("TypeObjectId") or "",
                                   "actv_code_id": code.get("ValueObjectId") or ""},
                                  code.line)
    for r in parent.findall("Relationship"):
        table("TASKPRED").add(r, _RELATIONSHIP)
        row = table("TASKPRED").rows[-1][0]
        row["proj_id"] = row.get("proj_id") or pid
        row["pred_proj_id"] = row.get("pred_proj_id") or row["proj_id"]
    for ra in parent.findall("ResourceAssignment"):
        table("TASKRSRC").put({"taskrsrc_id": ra.get("ObjectId") or "",
                               "task_id": ra.get("ActivityObjectId") or "",
                               "proj_id": ra.get("ProjectObjectId") or pid,
                               "rsrc_id": ra.get("ResourceObjectId") or "",
                               "target_cost": ra.get("PlannedCost") or "",
                               "remain_cost": ra.get("RemainingCost") or ""}, ra.line)
    for e in parent.findall("ActivityExpense"):
        table("PROJCOST").put({"cost_item_id": e.get("ObjectId") or "",
                               "task_id": e.get("ActivityObjectId") or "",
                               "proj_id": e.get("ProjectObjectId") or pid,
                               "target_cost": e.get("PlannedCost") or ""}, e.line)


def _calendars(root: XmlElement, projects: list[XmlElement]
               ) -> list[tuple[dict[str, str], int]]:
    """The CALENDAR rows: each calendar's work week and exceptions as P6's
    ``clndr_data`` (a week it does not give is its base calendar's)."""
    nodes = [*root.findall("Calendar"), *(c for p in projects for c in p.findall("Calendar"))]
    by_id = {c.get("ObjectId"): c for c in nodes}

    def week_of(cal: XmlElement, seen: tuple[str, ...] = ()) -> XmlElement | None:
        own = cal.find("StandardWorkWeek")
        base = cal.get("BaseCalendarObjectId")
        if own is None and base in by_id and base not in seen:
            return week_of(by_id[base], (*seen, base or ""))
        return own

    out = []
    for cal in nodes:
        week = week_of(cal)
        days = {d.get("DayOfWeek"): d for d in week.findall("StandardWorkHours")} if week \
            else {}
        text = "(0||CalendarData()((0||DaysOfWeek()("
        for k, name in enumerate(_DAYS, 1):
            day = days.get(name)
            text += f"(0||{k}()({_periods(day) if day is not None else ''}))"
        text += "))(0||Exceptions()("
        holidays = cal.find("HolidayOrExceptions")
        base = by_id.get(cal.get("BaseCalendarObjectId"))
        inherited = base.find("HolidayOrExceptions") if base is not None else None
        seen: set[str] = set()
        k = 0
        for group in (holidays, inherited):
            for h in group.findall("HolidayOrException") if group is not None else []:
                when = (h.get("Date") or "")[:10]
                if not when or when in seen:
                    continue
                seen.add(when)
                try:
                    serial = str((_dt.date.fromisoformat(when) - P6_EPOCH).days)
                except ValueError:
                    serial = when  # the calendar reader names it, with this line
                text += f"(0||{k}(d|{serial})({_periods(h)}))"
                k += 1
        text += "))))"
        hours = cal.get("HoursPerDay") or ""
        out.append(({"clndr_id": cal.get("ObjectId") or "", "clndr_name": cal.get("Name")
                     or "", "default_flag": "Y" if cal.get("IsDefault") in ("1", "true")
                     else "N", "day_hr_cnt": hours, "clndr_type": _CALENDAR_TYPES.get(
                         cal.get("Type") or "", ""), "clndr_data": text}, cal.line))
    return out


def _periods(node: XmlElement) -> str:
    """A day's work periods in ``clndr_data`` form; P6 XML writes a period's finish as
    its last minute (``16:59``), P6's calendar data the moment work stops (``17:00``)."""
    out = ""
    for k, w in enumerate(node.findall("WorkTime")):
        start, finish = (w.get("Start") or "")[:5], (w.get("Finish") or "")[:5]
        if finish[3:5] in ("29", "59") and finish[:2].isdigit():
            hours, minutes = int(finish[:2]), int(finish[3:5]) + 1
            hours, minutes = (hours + minutes // 60) % 24, minutes % 60
            finish = f"{hours:02d}:{minutes:02d}"
        out += f"(0||{k}(s|{start}|f|{finish})())"
    return out
