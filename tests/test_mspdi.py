"""MS Project XML (MSPDI) schedules (#18, readers): the hardened XML reader, calendars,
tasks, links, progress and summary tasks, and bad files.

The files are written here by a small writer (:func:`mspdi`) from the same networks as
CSV schedules, so the two readings can be compared; ``tests/data/bridge.xml`` is a
hand-written file for the docs. Working time: MS Project's default Standard calendar
(Monday to Friday, 08:00-12:00 and 13:00-17:00) unless a test gives another; 480
minutes a day, so 8 hours are one working day.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from xml.sax.saxutils import escape

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.planning.common import ELAPSED
from riskkit.io.planning.mspdi import read_mspdi
from riskkit.io.planning.verify import compare_dates
from riskkit.io.planning.xmltree import read_xml
from riskkit.model import Constraint, SavedDates

from .test_xer import DATA

HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Project xmlns="http://schemas.microsoft.com/project">\n')
_TYPES = {"FF": 0, "FS": 1, "SF": 2, "SS": 3}


def tag(name: str, value: object) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def link(pred: int, kind: str = "FS", lag_hours: float = 0.0, fmt: int = 7,
         raw: float | None = None) -> str:
    """A PredecessorLink: the lag in working hours (tenths of a minute in the file)."""
    lag = raw if raw is not None else round(lag_hours * 600)
    return ("<PredecessorLink>" + tag("PredecessorUID", pred) + tag("Type", _TYPES[kind])
            + tag("LinkLag", f"{lag:g}") + tag("LagFormat", fmt) + "</PredecessorLink>")


def task(uid: int, hours: float, *links: str, name: str | None = None, level: int = 1,
         **fields: object) -> str:
    """A Task of ``hours`` working hours (``Duration``) and its links; ``fields`` more
    elements as written (``Summary=1``, ``CalendarUID=3`` ...)."""
    h, m = divmod(round(hours * 60), 60)
    body = (tag("UID", uid) + tag("ID", uid) + tag("Name", name or f"Task {uid}")
            + tag("OutlineLevel", level) + tag("Duration", f"PT{h}H{m}M0S"))
    body += "".join(tag(k, v) for k, v in fields.items())
    return "<Task>" + body + "".join(links) + "</Task>"


def mspdi(*tasks: str, calendars: str = "", project: str = "", start: str =
          "2027-01-04T08:00:00", minutes: int = 480, extra: str = "") -> str:
    """An MSPDI file: the project's fields, calendars (default: none, MS Project's
    Standard), tasks."""
    return (HEAD + tag("Title", "Test") + tag("StartDate", start)
            + tag("MinutesPerDay", minutes) + project
            + (f"<Calendars>{calendars}</Calendars>" if calendars else "")
            + "<Tasks>" + "".join(tasks) + "</Tasks>" + extra + "</Project>\n")


def write(tmp_path, text: str, name: str = "plan.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path_or_text, tmp_path=None, **kwargs) -> tuple[rk.Schedule, list[str]]:
    source = path_or_text
    if isinstance(path_or_text, str) and path_or_text.startswith("<?xml"):
        source = write(tmp_path, path_or_text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(source, **kwargs)
    return sch, [str(w.message) for w in caught]


# --- the same network as a CSV schedule ---------------------------------------------------

#: id, duration (working days), links (predecessor, type, lag in working days)
NETWORK = [
    ("A", 3, []),
    ("B", 2, [("A", "FS", 1)]),
    ("C", 4, [("A", "SS", 2)]),
    ("D", 2.5, [("B", "FF", 1), ("C", "FS", -1)]),
    ("E", 3, [("D", "SF", 4)]),
    ("F", 1, [("C", "FF", 0), ("E", "FS", 0.5)]),
    ("G", 0, [("F", "FS", 0)]),
]


def test_an_mspdi_file_of_a_network_gives_the_csv_schedules_cpm(tmp_path, write_csv):
    rows = ["ID,Name,Duration,Predecessors"]
    for ident, days, preds in NETWORK:
        cell = "; ".join(f"{p} {k}{lag:+g}" for p, k, lag in preds)
        rows.append(f"{ident},Task {ident},{days},{cell}")
    csv, _ = read(write_csv("\n".join(rows) + "\n"))
    uid = {ident: k for k, (ident, _, _) in enumerate(NETWORK, 1)}
    # an 8-hour day without a lunch break: the CSV schedule's days (08:00-16:00)
    eight = ("<Calendar>" + tag("UID", 1) + tag("Name", "Standard") + tag("IsBaseCalendar", 1)
             + "<WeekDays>" + "".join(day(k, hours("08:00:00", "16:00:00")) if 2 <= k <= 6
                                      else day(k) for k in range(1, 8)) + "</WeekDays>"
             + "</Calendar>")
    xml = mspdi(*(task(uid[i], 8 * d, *(link(uid[p], k, 8 * lag) for p, k, lag in preds),
                       name=f"Task {i}", Milestone=int(d == 0)) for i, d, preds in NETWORK),
                calendars=eight, project=tag("CalendarUID", 1))
    sch, notes = read(xml, tmp_path)
    assert sch.ids == tuple(str(k) for k in range(1, 8)) and notes == []
    assert [lk.type for lk in sch.links] == ["FS", "SS", "FF", "FS", "SF", "FF", "FS", "FS"]
    assert sch.duration() == csv.duration() == 10.5  # A 0-3, C 2-6, D 5-7.5, E 6-9, F 9.5-
    ours, theirs = sch.cpm(), csv.cpm()
    for column in ("early_start", "early_finish", "late_finish", "total_float"):
        np.testing.assert_allclose(ours[column], theirs[column], err_msg=column)
    assert str(sch.start) == "2027-01-04" and sch.data_date is None
    assert sch.activity("7").kind == "finish_milestone"
    assert sch.calendar == rk.Calendar(name="Standard")


def test_a_file_is_read_by_content_and_from_a_file_object(tmp_path):
    xml = mspdi(task(1, 16), task(2, 8, link(1)))
    by_name, _ = read(write(tmp_path, xml, "plan.csv"))
    stream = io.BytesIO(xml.encode("utf-8"))
    stream.name = "upload.xml"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        by_stream = rk.read_schedule(stream)
    assert by_name.duration() == by_stream.duration() == 3.0
    assert by_stream.source == "upload.xml"


def test_the_hand_written_example_file():
    sch, notes = read(DATA / "bridge.xml")
    assert notes == []  # its project summary task is no news
    assert sch.calendar.holidays == (np.datetime64("2027-01-06"),)
    assert [a.most_likely for a in sch.activities] == [2.0, 3.0, 2.0, 0.0]
    assert sch.activity("1").fixed_cost == 12000.0
    assert sch.activity("1").saved == SavedDates("2027-01-04T08:00", "2027-01-05T17:00",
                                                    total_float_hours=0.0)
    cmp = compare_dates(sch)  # our dates against the ones the file saved (Dig's only)
    assert (cmp.compared, cmp.matches) == (1, 1)


# --- calendars ----------------------------------------------------------------------------

def hours(start: str, finish: str) -> str:
    return ("<WorkingTime>" + tag("FromTime", start) + tag("ToTime", finish)
            + "</WorkingTime>")


def day(kind: int, *periods: str, working: bool | None = None, first: str = "",
        last: str = "") -> str:
    span = (f"<TimePeriod>{tag('FromDate', first + 'T00:00:00')}"
            f"{tag('ToDate', (last or first) + 'T23:59:00')}</TimePeriod>" if first else "")
    on = bool(periods) if working is None else working
    return ("<WeekDay>" + tag("DayType", kind) + tag("DayWorking", int(on)) + span
            + (f"<WorkingTimes>{''.join(periods)}</WorkingTimes>" if periods else "")
            + "</WeekDay>")


def exception(first: str, last: str, *periods: str, **recurrence: object) -> str:
    return ("<Exception>" + f"<TimePeriod>{tag('FromDate', first + 'T00:00:00')}"
            f"{tag('ToDate', last + 'T23:59:00')}</TimePeriod>"
            + "".join(tag(k, v) for k, v in recurrence.items())
            + tag("DayWorking", int(bool(periods)))
            + (f"<WorkingTimes>{''.join(periods)}</WorkingTimes>" if periods else "")
            + "</Exception>")


SITE = ("<Calendar>" + tag("UID", 3) + tag("Name", "Site") + tag("IsBaseCalendar", 1)
        + "<WeekDays>" + day(1)
        + "".join(day(k, hours("07:00:00", "12:00:00"), hours("13:00:00", "16:00:00"))
                  for k in range(2, 7))
        + day(7, hours("08:00:00", "12:00:00"))
        + day(0, working=False, first="2027-01-18", last="2027-01-19")  # MS Project 2003
        + "</WeekDays><Exceptions>"
        + exception("2026-12-25", "2030-12-25", Type=2, Month=11, MonthDay=25,
                    Occurrences=5)  # every Christmas Day
        + exception("2027-01-01", "2027-03-31", hours("08:00:00", "12:00:00"), Type=5,
                    MonthPosition=4, MonthItem=8, Period=1)  # last Friday of the month
        + exception("2027-02-01", "2027-02-28", Type=6, DaysOfWeek=8, Period=2)  # every
        + exception("2027-04-01", "2027-04-02", hours("10:00:00", "14:00:00"), Type=1)
        + "</Exceptions><WorkWeeks><WorkWeek>" + "<TimePeriod>"  # other Wednesday off
        + tag("FromDate", "2027-07-05T00:00:00") + tag("ToDate", "2027-07-16T23:59:00")
        + "</TimePeriod>" + tag("Name", "Summer") + "<WeekDays>" + day(6) + "</WeekDays>"
        + "</WorkWeek></WorkWeeks></Calendar>")
CRANE = ("<Calendar>" + tag("UID", 4) + tag("Name", "Crane") + tag("IsBaseCalendar", 0)
         + tag("BaseCalendarUID", 3) + "<WeekDays>" + day(7)
         + day(0, hours("08:00:00", "16:00:00"), first="2027-01-24") + "</WeekDays>"
         + "</Calendar>")
DAY24 = ("<Calendar>" + tag("UID", 5) + tag("Name", "24 Hours") + tag("IsBaseCalendar", 1)
         + "<WeekDays>" + "".join(day(k, hours("00:00:00", "00:00:00")) for k in range(1, 8))
         + "</WeekDays></Calendar>")


def test_calendars_work_week_exceptions_recurrences_work_weeks_and_bases(tmp_path):
    xml = mspdi(task(1, 20, CalendarUID=3), task(2, 14, link(1), CalendarUID=4),
                task(3, 36, link(2), CalendarUID=5), calendars=SITE + CRANE + DAY24,
                minutes=420, project=tag("CalendarUID", 3))
    sch, _ = read(xml, tmp_path)
    site, crane, day24 = (sch.activity(i).calendar for i in "123")
    assert (site.name, crane.name, day24.name) == ("Site", "Crane", "24 Hours")
    assert site.hours_per_day == crane.hours_per_day == 7.0  # the project's 420 minutes
    assert site.week[0] == ((7.0, 12.0), (13.0, 16.0)) and site.week[5] == ((8.0, 12.0),)
    assert site.week[6] == () and crane.week[5] == () and crane.week[0] == site.week[0]
    off = {d for d, p in site.exceptions.items() if not p}
    christmas = {dt.date(y, 12, 25) for y in range(2026, 2031)}
    wednesdays = {dt.date(2027, 2, 3), dt.date(2027, 2, 17)}
    summer = {dt.date(2027, 7, 9), dt.date(2027, 7, 16)}  # the work week's Fridays
    assert off == {dt.date(2027, 1, 18), dt.date(2027, 1, 19)} | christmas | wednesdays \
        | summer
    half = {d for d, p in site.exceptions.items() if p == ((8.0, 12.0),)}
    assert half == {dt.date(2027, 1, 29), dt.date(2027, 2, 26), dt.date(2027, 3, 26)}
    assert site.exceptions[dt.date(2027, 4, 1)] == site.exceptions[dt.date(2027, 4, 2)] \
        == ((10.0, 14.0),)
    assert dict(crane.exceptions) == {**site.exceptions,
                                      dt.date(2027, 1, 24): ((8.0, 16.0),)}
    # Friday 07:00 to Wednesday 16:00: Friday 8 h, Saturday 4 h, Monday and Tuesday off
    assert site.hours_between(dt.datetime(2027, 1, 15, 7), dt.datetime(2027, 1, 20, 16)) \
        == 8 + 4 + 8
    assert day24.week == (((0.0, 24.0),),) * 7
    # durations: hours / the project's hours per day, on the activity's own calendar
    assert [a.most_likely for a in sch.activities] == [20 / 7, 2.0, 36 / 7]
    assert sch.calendar.name == "Site"  # the project's calendar, on a tie


def test_elapsed_durations_and_lags_and_percent_lags(tmp_path):
    xml = mspdi(task(1, 32), task(2, 48, link(1, "FS", raw=14400, fmt=8),
                                  DurationFormat=8),
                task(3, 8, link(1, "SS", raw=50, fmt=19)))
    sch, notes = read(xml, tmp_path)
    elapsed = sch.activity("2")
    assert elapsed.calendar is ELAPSED and elapsed.most_likely == 2.0  # 48 h elapsed
    first, percent = sch.links
    assert (first.lag, first.lag_calendar) == (1.0, ELAPSED)  # 24 elapsed hours
    assert percent.lag == 2.0  # 50 % of 4 days
    (note,) = [n for n in notes if "cannot honour" in n]
    assert note.endswith("riskkit cannot honour yet: 1 lag given as a percentage of the "
                         "predecessor's duration (read as that many hours of its duration, "
                         "not re-scaled when durations vary)")
    when = sch.dates()  # 2 starts 24 elapsed hours after 1 ends (Thursday 17:00), runs 48
    assert when.early_start[1] == np.datetime64("2027-01-08T17:00")
    assert when.early_finish[1] == np.datetime64("2027-01-10T17:00")


def test_a_lag_counts_on_the_successors_calendar(tmp_path):
    xml = mspdi(task(1, 8), task(2, 14, link(1, "FS", 14), CalendarUID=3), calendars=SITE,
                minutes=420)
    sch, _ = read(xml, tmp_path)
    (lk,) = sch.links
    assert lk.lag_calendar is sch.activity("2").calendar and lk.lag == 2.0  # 14 h of 7


# --- tasks: constraints, progress, baseline, resources, costs -----------------------------

def test_constraints_progress_baseline_saved_dates_resources_and_costs(tmp_path):
    extra = ("<Resources>" + "<Resource>" + tag("UID", 1) + tag("Name", "Crew A")
             + "</Resource><Resource>" + tag("UID", 2) + tag("Name", "Crane")
             + "</Resource></Resources><Assignments>"
             + "".join("<Assignment>" + tag("TaskUID", t) + tag("ResourceUID", r)
                       + tag("Cost", c) + "</Assignment>" for t, r, c in
                       ((2, 1, 1000), (2, 2, 500), (3, 1, 250)))
             + "</Assignments>")
    baseline = ("<Baseline>" + tag("Number", 1) + tag("Start", "2026-01-01T08:00:00")
                + "</Baseline><Baseline>" + tag("Number", 0)
                + tag("Start", "2027-01-04T08:00:00") + tag("Finish", "2027-01-08T17:00:00")
                + "</Baseline>")
    xml = mspdi(
        task(1, 16, ConstraintType=4, ConstraintDate="2027-01-11T08:00:00",
             Deadline="2027-02-26T17:00:00", Cost=7000, WBS="1.1"),
        task(2, 16, ConstraintType=2, ConstraintDate="2027-01-13T08:00:00", FixedCost=100),
        task(3, 16, ConstraintType=1, PercentComplete=100,
             ActualStart="2027-01-04T08:00:00", ActualFinish="2027-01-05T17:00:00"),
        task(4, 40, PercentComplete=40, ActualStart="2027-01-04T08:00:00",
             RemainingDuration="PT24H0M0S", EarlyStart="2027-01-04T08:00:00",
             EarlyFinish="2027-01-12T17:00:00", LateStart="2027-01-05T08:00:00",
             LateFinish="2027-01-13T17:00:00", TotalSlack=4800),
        task(5, 8, ConstraintType=7), extra=extra + baseline,
        project=tag("StatusDate", "2027-01-06T17:00:00"))
    xml = xml.replace(tag("Duration", "PT8H0M0S") + tag("ConstraintType", 7),
                      tag("Duration", "PT8H0M0S") + tag("ConstraintType", 7)
                      + tag("ConstraintDate", "2027-01-29T17:00:00"))
    xml = xml.replace("</Task><Task><UID>2</UID>", baseline + "</Task><Task><UID>2</UID>", 1)
    sch, notes = read(xml, tmp_path)
    one, two, three, four, five = sch.activities
    assert one.constraints == (Constraint("start_on_or_after", "2027-01-11T08:00"),
                               Constraint("finish_on_or_before", "2027-02-26T17:00"))
    assert two.constraints == (Constraint("mandatory_start", "2027-01-13T08:00"),)
    assert three.constraints == ()  # complete: its ALAP no longer matters
    assert five.constraints == (Constraint("finish_on_or_before", "2027-01-29T17:00"),)
    assert (one.wbs, one.fixed_cost, two.fixed_cost) == ("1.1", 7000.0, 1600.0)
    assert two.resources == ("Crew A", "Crane") and three.resources == ("Crew A",)
    assert (one.baseline_start, one.baseline_finish) == (
        np.datetime64("2027-01-04T08:00"), np.datetime64("2027-01-08T17:00"))
    assert [a.status for a in sch.activities] == ["not_started", "not_started", "complete",
                                                  "in_progress", "not_started"]
    assert three.actual_finish == np.datetime64("2027-01-05T17:00")
    assert (three.most_likely, four.most_likely) == (0.0, 3.0)  # remaining 24 h
    assert four.saved == SavedDates("2027-01-04T08:00", "2027-01-12T17:00",
                                       "2027-01-05T08:00", "2027-01-13T17:00", 8.0)
    assert sch.data_date == np.datetime64("2027-01-06T17:00")
    assert str(sch.start) == "2027-01-06"  # the data date's day; its lags run from there
    (note,) = [n for n in notes if "cannot honour" in n]
    assert note.endswith("riskkit cannot honour yet: the cost of 2 tasks with resource "
                         "assignments is read as fixed cost (it does not grow with delay)")
    soft, _ = read(xml.replace(tag("MinutesPerDay", 480), tag("MinutesPerDay", 480)
                               + tag("HonorConstraints", 0)), tmp_path)
    assert soft.activity("2").constraints == (Constraint("start_on", "2027-01-13T08:00"),)


def test_progress_at_the_status_date_as_p6_schedules_it(tmp_path):
    # 1 finished Tuesday 17:00: its FS + 2 days holds 2 until Thursday 17:00; 4, not
    # started, runs from the status date (Wednesday 17:00): Thursday; 3, in progress, has
    # 12 h left from the status date, its start-to-start link met
    xml = mspdi(task(1, 16, PercentComplete=100, ActualStart="2027-01-04T08:00:00",
                     ActualFinish="2027-01-05T17:00:00"),
                task(2, 16, link(1, "FS", 16), link(4, "FS")),
                task(3, 24, link(1, "SS", 4), PercentComplete=50,
                     ActualStart="2027-01-05T08:00:00", RemainingDuration="PT12H0M0S"),
                task(4, 8), task(5, 8, link(4, "FS"), PercentComplete=100,
                                 ActualStart="2027-01-04T08:00:00",
                                 ActualFinish="2027-01-04T17:00:00"),
                project=tag("StatusDate", "2027-01-06T17:00:00"))
    sch, notes = read(xml, tmp_path)
    assert [(lk.predecessor, lk.successor, lk.lag) for lk in sch.links] == [
        ("1", "2", 2.0), ("4", "2", 0.0), ("1", "3", 0.5), ("4", "5", 0.0)]
    assert not [n for n in notes if "cannot honour" in n]
    assert sch.activity("3").most_likely == 1.5
    when = sch.dates()
    assert list(when.early_start) == [np.datetime64(d) for d in (
        "2027-01-04T08:00", "2027-01-08T08:00", "2027-01-07T08:00", "2027-01-07T08:00",
        "2027-01-04T08:00")]
    assert when.early_finish[2] == np.datetime64("2027-01-08T12:00")


def test_a_start_to_start_link_into_an_activity_in_progress_bounds_its_predecessor(tmp_path):
    # 1 and 2 are both in progress at the status date (Wednesday 17:00), 2 from 1 SS: the
    # link is met, so 2 runs from the status date (10 days left), but P6's backward pass
    # still holds 1 to 2's late start, so 1 (2 days left) has no float: without the link
    # it would have 8 days (64 h)
    xml = mspdi(task(1, 40, PercentComplete=20, ActualStart="2027-01-04T08:00:00",
                     RemainingDuration="PT16H0M0S"),
                task(2, 100, link(1, "SS"), PercentComplete=20,
                     ActualStart="2027-01-05T08:00:00", RemainingDuration="PT80H0M0S"),
                project=tag("StatusDate", "2027-01-06T17:00:00"))
    sch, notes = read(xml, tmp_path)
    assert [(lk.predecessor, lk.successor, lk.type) for lk in sch.links] == [("1", "2", "SS")]
    when = sch.dates()
    assert list(when.early_start) == [np.datetime64("2027-01-07T08:00")] * 2
    assert list(when.early_finish) == [np.datetime64("2027-01-08T17:00"),
                                       np.datetime64("2027-01-20T17:00")]
    assert when.late_finish[0] == np.datetime64("2027-01-08T17:00")
    assert list(when.total_float_hours) == [0.0, 0.0]


def test_without_a_status_date_progress_needs_the_current_date(tmp_path):
    done = task(1, 8, PercentComplete=100, ActualFinish="2027-01-04T17:00:00")
    sch, notes = read(mspdi(done, project=tag("CurrentDate", "2027-01-07T08:00:00")),
                      tmp_path)
    assert sch.data_date == np.datetime64("2027-01-07T08:00")
    assert any("the data date is the file's current date 2027-01-07" in n for n in notes)
    with pytest.raises(rk.InputError, match="has tasks in progress or complete but no "
                                            "status date"):
        read(mspdi(done), tmp_path)


# --- summary tasks, ids -------------------------------------------------------------------

def test_summary_tasks_are_left_out_and_their_links_move_to_their_tasks(tmp_path):
    xml = mspdi(task(0, 64, level=0, Summary=1), task(1, 8),
                task(10, 32, link(1, "FS"), name="Civils", Summary=1),
                task(11, 16, level=2), task(12, 24, level=2),
                task(20, 8, link(10, "FS", 8)), task(21, 8, link(11, "FS")))
    sch, notes = read(xml, tmp_path)
    assert sch.ids == ("1", "11", "12", "20", "21")
    assert [(lk.predecessor, lk.successor, lk.lag) for lk in sch.links] == [
        ("1", "11", 0.0), ("1", "12", 0.0), ("11", "20", 1.0), ("12", "20", 1.0),
        ("11", "21", 0.0)]
    assert sch.duration() == 1 + 3 + 1 + 1
    (note,) = [n for n in notes if "cannot honour" in n]
    assert note.endswith("1 summary task left out (not work; the links of 1 moved to the "
                         "tasks under them)")


def test_tasks_are_named_by_uid_when_ids_repeat(tmp_path):
    xml = mspdi(task(1, 8), task(2, 8, link(1))).replace(tag("ID", 2), tag("ID", 1))
    sch, notes = read(xml, tmp_path)
    assert sch.ids == ("1", "2")
    assert any("the tasks' IDs are repeated: activities are named by their UIDs" in n
               for n in notes)


def test_blank_and_inactive_tasks_are_left_out(tmp_path):
    xml = mspdi(task(1, 8), task(2, 8, link(1), Active=0), task(3, 8, link(2), link(1)),
                "<Task><UID>4</UID><ID>4</ID><IsNull>1</IsNull></Task>")
    sch, notes = read(xml, tmp_path)
    assert sch.ids == ("1", "3") and len(sch.links) == 1
    assert any("1 inactive task left out (with their links)" in n for n in notes)


# --- bad files ----------------------------------------------------------------------------

BOMB = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
        '<Project xmlns="http://schemas.microsoft.com/project"><Name>&lol3;</Name>'
        '</Project>\n')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE Project [\n'
       '  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
       '<Project xmlns="http://schemas.microsoft.com/project"><Name>&secret;</Name>'
       '</Project>\n')
GOOD = mspdi(task(1, 16), task(2, 8, link(1)))
LINE_OF_TYPE = 1 + GOOD[:GOOD.index("<Type>")].count("\n")


@pytest.mark.parametrize("text, row, column, words", [
    (GOOD[:GOOD.index("<UID>2")], 3, None, "the file is cut short"),
    (BOMB, 3, None, "declares the XML entity 'lol'"),
    (XXE, 3, None, "declares the XML entity 'secret'"),
    (GOOD.replace(tag("Type", 1), tag("Type", 7)), LINE_OF_TYPE, "PredecessorLink/Type",
     "unknown link type in 1 → 2"),
    (GOOD.replace(tag("PredecessorUID", 1), tag("PredecessorUID", 9)), LINE_OF_TYPE,
     "PredecessorLink/PredecessorUID", "task 2 has a predecessor (UID 9) that is not"),
    (GOOD.replace("PT16H0M0S", "16 hours"), 3, "Task/Duration", "not a duration such as"),
    (GOOD.replace("PT16H0M0S", "-PT16H0M0S"), 3, "Task/RemainingDuration",
     "task 1 has a negative remaining duration"),
    (GOOD.replace(tag("StartDate", "2027-01-04T08:00:00"), tag("StartDate", "04/01/27")),
     3, "Project/StartDate", "not a date and time"),
    (GOOD.replace("<Tasks>", "<Tasks><Task><Name>x</Name></Task>"), 3, "Task/UID",
     "a task without its UID"),
    (GOOD.replace(tag("UID", 2), tag("UID", 1)), 3, "Task/UID", "duplicate task UID"),
    (GOOD.replace("<Tasks>", "<Tasks>" + task(3, 8, CalendarUID=9)), 3, "Task/CalendarUID",
     "task names calendar UID 9, which the file does not have"),
    (GOOD.replace("schemas.microsoft.com/project", "example.com/other"), None, None,
     "is an XML file"),
])
def test_bad_files_are_errors_naming_file_line_and_element(tmp_path, capsys, text, row,
                                                           column, words):
    path = write(tmp_path, text)
    with pytest.raises(rk.InputError) as info:
        read(path)
    problem = info.value.problems[0]
    assert words in str(problem) and problem.source == str(path)
    assert (problem.row, problem.column) == (row, column)
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_xml_reader_refuses_entities_before_expanding_any():
    with pytest.raises(rk.InputError, match="XML bombs"):
        read_xml(BOMB.encode())
    doc = read_xml(GOOD.encode(), name="plan.xml")
    assert doc.source == "plan.xml" and doc.root.items("Tasks")[1].line == 3
    with pytest.raises(rk.InputError, match="is empty"):
        read_xml(b"")


def test_a_calendar_without_a_working_day_is_named_when_used(tmp_path):
    idle = ("<Calendar>" + tag("UID", 7) + tag("Name", "Idle") + tag("IsBaseCalendar", 1)
            + "<WeekDays>" + "".join(day(k) for k in range(1, 8)) + "</WeekDays></Calendar>")
    loop = ("<Calendar>" + tag("UID", 8) + tag("Name", "Loop") + tag("IsBaseCalendar", 0)
            + tag("BaseCalendarUID", 8) + "</Calendar>")
    sch, _ = read(mspdi(task(1, 8), calendars=idle + loop), tmp_path)  # unused: no matter
    assert len(sch) == 1
    with pytest.raises(rk.InputError) as info:
        read(mspdi(task(1, 8, CalendarUID=7), task(2, 8, CalendarUID=8),
                   calendars=idle + loop), tmp_path)
    assert [p.message for p in info.value.problems] == [
        "calendar 'Idle' cannot be used: the calendar has no working day in its week",
        "calendar 'Loop' cannot be used: its base calendars refer back to it"]


def test_read_mspdi_names_the_schedules_project():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = read_mspdi(DATA / "bridge.xml", project="BRIDGE")
    assert sch.project == "BRIDGE"
