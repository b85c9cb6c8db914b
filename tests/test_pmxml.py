"""Primavera P6 XML (PMXML) exports (#18, readers): written into XER tables and read by
the XER reader's rules, with problems named by PMXML element and line.

The files are written here (:func:`pmxml`); ``tests/data/bridge.pmxml`` is a
hand-written file for the docs. The calendar is Monday to Friday 08:00-16:00 (P6 XML
writes the last minute worked, 15:59), 8 hours a day, unless a test says otherwise.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.planning.pmxml import pmxml_as_xer, read_pmxml
from riskkit.io.planning.xmltree import read_xml

from .test_mspdi import BOMB, tag
from .test_xer import DATA

NS = "http://xmlns.oracle.com/Primavera/P6/V8.3/API/BusinessObjects"
DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def element(name: str, *children: str, **fields: object) -> str:
    return (f"<{name}>" + "".join(tag(k, v) for k, v in fields.items()) + "".join(children)
            + f"</{name}>")


def calendar(oid: int, name: str, days: str = "MTWTF..", start: str = "08:00:00",
             finish: str = "15:59:00", holidays: tuple[str, ...] = (), **fields: object
             ) -> str:
    """A calendar working ``start``-``finish`` on the days marked in ``days`` (Monday
    first), with ``holidays`` (ISO dates) off."""
    week = "".join(element("StandardWorkHours", element("WorkTime", Start=start,
                                                        Finish=finish)
                           if days[(k + 6) % 7] != "." else "", DayOfWeek=name_)
                   for k, name_ in enumerate(DAYS))
    off = "".join(element("HolidayOrException", Date=f"{d}T00:00:00") for d in holidays)
    return element("Calendar", element("StandardWorkWeek", week),
                   element("HolidayOrExceptions", off), HoursPerDay=8, Name=name,
                   ObjectId=oid, Type="Global", **fields)


def activity(oid: int, code: str, hours: float, *children: str, **fields: object) -> str:
    base = {"CalendarObjectId": 1, "Id": code, "Name": f"Activity {code}", "ObjectId": oid,
            "RemainingDuration": hours, "Status": "Not Started", "Type": "Task Dependent"}
    return element("Activity", *children, **{**base, **fields})


def relationship(oid: int, pred: int, succ: int, kind: str = "Finish to Start",
                 lag: float = 0) -> str:
    return element("Relationship", Lag=lag, ObjectId=oid, PredecessorActivityObjectId=pred,
                   SuccessorActivityObjectId=succ, Type=kind)


def project(oid: int, code: str, *children: str, **fields: object) -> str:
    base = {"ActivityDefaultCalendarObjectId": 1, "DataDate": "2027-01-04T08:00:00",
            "Id": code, "Name": f"Project {code}", "ObjectId": oid}
    return element("Project", *children, **{**base, **fields})


def pmxml(*parts: str, calendars: str | None = None) -> str:
    cals = calendar(1, "Standard", IsDefault=1) if calendars is None else calendars
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<APIBusinessObjects xmlns="{NS}">\n' + cals + "\n"
            + "\n".join(parts) + "\n</APIBusinessObjects>\n")


def read(tmp_path, text: str, name: str = "plan.xml", **kwargs
         ) -> tuple[rk.Schedule, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(path, **kwargs)
    return sch, [str(w.message) for w in caught]


def test_the_hand_written_example_file():
    with warnings.catch_warnings():
        warnings.simplefilter("error", rk.InputWarning)  # nothing to report
        sch = rk.read_schedule(DATA / "bridge.pmxml")
    assert sch.ids == ("A1000", "A1010", "A1020") and str(sch.start) == "2027-01-04"
    assert [a.most_likely for a in sch.activities] == [2.0, 3.0, 2.0]
    assert [a.wbs for a in sch.activities] == ["BRIDGE.CIV"] * 3
    assert sch.calendar == rk.Calendar(holidays=("2027-01-06",), name="Standard 5 day")
    assert [(lk.type, lk.lag) for lk in sch.links] == [("FS", 0.0), ("SS", 1.0)]
    assert sch.duration() == 5.0


def test_types_progress_constraints_codes_costs_and_the_lag_calendar(tmp_path):
    codes = (element("ActivityCodeType", Name="Phase", ObjectId=5)
             + element("ActivityCode", CodeTypeObjectId=5, CodeValue="DES",
                       Description="Design", ObjectId=51))
    text = pmxml(codes, project(
        1, "P",
        activity(10, "A", 16, Status="Completed", ActualStartDate="2026-12-28T08:00:00",
                 ActualFinishDate="2026-12-29T16:00:00"),
        activity(11, "B", 24, element("Code", TypeObjectId=5, ValueObjectId=51),
                 Type="Resource Dependent", PrimaryConstraintType="Start On or After",
                 PrimaryConstraintDate="2027-01-06T08:00:00",
                 SecondaryConstraintType="Finish On or Before",
                 SecondaryConstraintDate="2027-01-29T16:00:00"),
        activity(12, "C", 0, Type="Start Milestone"),
        activity(13, "D", 0, Type="Finish Milestone",
                 PrimaryConstraintType="As Late As Possible"),
        activity(14, "E", 8, Type="Level of Effort", Status="In Progress",
                 ActualStartDate="2027-01-04T08:00:00"),
        activity(15, "F", 0, Type="WBS Summary"),
        relationship(100, 10, 11, lag=24), relationship(101, 11, 13, "Finish to Finish"),
        relationship(102, 12, 11, "Start to Start", 8),
        element("ResourceAssignment", ActivityObjectId=11, ObjectId=7, PlannedCost=2500,
                ProjectObjectId=1, ResourceObjectId=3),
        element("ScheduleOptions", RelationshipLagCalendar="24-Hour Calendar",
                ProjectObjectId=1)))
    sch, notes = read(tmp_path, text)
    assert [a.kind for a in sch.activities] == ["task", "resource_dependent",
                                                "start_milestone", "finish_milestone",
                                                "level_of_effort", "wbs_summary"]
    b = sch.activity("B")
    assert b.codes == (("Phase", "DES"),) and b.fixed_cost == 2500.0
    assert [c.kind for c in b.constraints] == ["start_on_or_after", "finish_on_or_before"]
    assert sch.activity("D").constraints[0].kind == "as_late_as_possible"
    assert sch.activity("A").status == "complete" and sch.activity("E").status == \
        "in_progress"
    # 24 h of lag: a day of the 24-hour calendar, three of A's own
    lag_ab = next(lk for lk in sch.links if lk.predecessor == "A")
    assert (lag_ab.lag, lag_ab.lag_calendar.hours_per_day) == (1.0, 24.0)
    (note,) = [n for n in notes if "cannot honour" in n]
    assert "1 WBS summary activity" in note and "1 resource-dependent activity" in note
    sch, _ = read(tmp_path, text.replace("24-Hour Calendar", "Predecessor Activity Calendar"))
    assert next(lk for lk in sch.links if lk.predecessor == "A").lag == 3.0


def test_several_projects_are_chosen_by_id(tmp_path):
    text = pmxml(project(1, "NORTH", activity(10, "N1", 8)),
                 project(2, "SOUTH", activity(20, "S1", 16), activity(21, "S2", 8),
                         relationship(200, 20, 21)))
    sch, _ = read(tmp_path, text, project="SOUTH")
    assert sch.ids == ("S1", "S2") and sch.duration() == 3.0 and sch.project == "SOUTH"
    with pytest.raises(rk.InputError, match="holds 2 projects: NORTH .*SOUTH"):
        read(tmp_path, text)


def test_problems_name_the_pmxml_element_field_and_line(tmp_path):
    text = pmxml(project(1, "P", activity(10, "A", 8), activity(11, "B", 8),
                         relationship(100, 10, 11, "Finish to Middle")))
    line = 1 + text[:text.index("<Relationship>")].count("\n")
    with pytest.raises(rk.InputError) as info:
        read(tmp_path, text)
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.value) == (line, "Relationship/Type",
                                                            "Finish to Middle")
    assert "unknown relationship type in A → B" in problem.message


@pytest.mark.parametrize("change, column, words", [
    (("<RemainingDuration>8<", "<RemainingDuration>-8<"), "Activity/RemainingDuration",
     "A has a negative remaining duration"),
    (("<RemainingDuration>8<", "<RemainingDuration>eight<"), "Activity/RemainingDuration",
     "not a number"),
    (("Task Dependent", "Task Independent"), "Activity/Type", "unknown type"),
    (("<Id>B</Id>", "<Id>A</Id>"), "Activity/Id", "duplicate activity id"),
    (("<CalendarObjectId>1<", "<CalendarObjectId>9<"), "Activity/CalendarObjectId",
     "names a calendar the file does not have"),
])
def test_bad_activities(tmp_path, capsys, change, column, words):
    text = pmxml(project(1, "P", activity(10, "A", 8), activity(11, "B", 8),
                         relationship(100, 10, 11)))
    assert change[0] in text
    path = tmp_path / "bad.xml"
    path.write_text(text.replace(*change, 1), encoding="utf-8")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    problem = info.value.problems[0]
    assert words in problem.message and problem.column == column
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize("text, words", [
    (pmxml(), "has no Project"),
    (pmxml(project(1, "P")), "has no Activity"),
    (pmxml(project(1, "P", activity(10, "A", 8)))[:-60], "the file is cut short"),
    (BOMB.replace("<Project xmlns=\"http://schemas.microsoft.com/project\">",
                  f'<APIBusinessObjects xmlns="{NS}">').replace(
        "</Project>", "</APIBusinessObjects>"), "declares the XML entity 'lol'"),
])
def test_bad_files(tmp_path, capsys, text, words):
    path = tmp_path / "bad.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rk.InputError, match=words):
        rk.read_schedule(path)
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_calendars_become_clndr_data_with_finishes_at_the_minute_work_stops():
    text = pmxml(project(1, "P", activity(10, "A", 8)), calendars=calendar(
        1, "Six day", "MTWTFS.", "07:30:00", "17:29:00", ("2027-12-25",), IsDefault=1))
    xer, columns = pmxml_as_xer(read_xml(text.encode(), name="six.xml"))
    (row,) = xer.table("CALENDAR").records()
    assert "(0||2()((0||0(s|07:30|f|17:30)())))" in row["clndr_data"]  # Monday
    assert "(0||1()())" in row["clndr_data"]  # Sunday off
    assert "(d|46746)" in row["clndr_data"]  # 2027-12-25 as P6's day number
    assert columns["TASK.remain_drtn_hr_cnt"] == "Activity/RemainingDuration"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = read_pmxml(io.BytesIO(text.encode()))
    assert sch.calendar.weekmask == "1111110" and sch.calendar.hours_per_day == 8.0
    assert sch.calendar.holidays == (np.datetime64("2027-12-25"),)
