"""The timed CPM of planning tools' schedules against dates worked out by hand (#18,
second part): calendars with holidays, round-the-clock calendars, lag calendars,
constraints, and a simulation of fixed durations that gives the same dates.

The P6 files are written here by :func:`xer` (only the fields the reader needs). Its
calendars:

- ``5d``: Monday to Friday 08:00-16:00, 8 hours a day, a public holiday on Monday
  2027-05-31 (the spring bank holiday);
- ``7d``: every day 08:00-16:00, 8 hours a day;
- ``24h``: round the clock, every day, 24 hours a day.

Working in the comments: "Mon 11 08:00" is 2027-01-11 at 08:00 unless a month is
named. January 2027 runs Friday 1, Monday 4, 11, 18, 25; Friday 8, 15, 22, 29.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import numpy as np
import pytest

import riskkit as rk

from .test_mspdi import link, mspdi, read, tag, task
from .test_xer import REAL, needs_realworld

_EPOCH = dt.date(1899, 12, 30)  # P6's day serials count from here


def clndr(days: range, start: str = "08:00", finish: str = "16:00",
          off: tuple[dt.date, ...] = ()) -> str:
    """P6's ``clndr_data``: ``days`` (1 Sunday ... 7 Saturday) working ``start`` to
    ``finish``, the days ``off`` as exceptions without hours."""
    week = "".join(f"(0||{d}()((0||0(s|{start}|f|{finish})())))" if d in days
                   else f"(0||{d}()())" for d in range(1, 8))
    holidays = "".join(f"(0||{i}(d|{(day - _EPOCH).days})())" for i, day in enumerate(off))
    return f"(0||CalendarData()((0||DaysOfWeek()({week}))(0||Exceptions()({holidays}))))"


CALENDARS = {"5d": ("5 days", 8, clndr(range(2, 7), off=(dt.date(2027, 5, 31),))),
             "7d": ("7 days", 8, clndr(range(1, 8))),
             "24h": ("24 hours", 24, clndr(range(1, 8), "00:00", "00:00"))}
_TASK = ("task_id", "proj_id", "clndr_id", "task_type", "status_code", "task_code",
         "task_name", "remain_drtn_hr_cnt", "cstr_type", "cstr_date", "cstr_type2",
         "cstr_date2")


def xer(tmp_path: Path, tasks: list[tuple], links: tuple[tuple, ...] = (), *,
        data_date: str = "2027-01-11 08:00", lag_calendar: str = "rcal_Predecessor",
        project_calendar: str = "5d") -> Path:
    """A one-project XER file. ``tasks``: (code, calendar, remaining hours, then up to
    two constraints as P6 type and date); ``links``: (predecessor, successor, type,
    lag hours); ``lag_calendar``: P6's "calendar for scheduling relationship lag"."""
    ids = {name: i + 1 for i, name in enumerate(CALENDARS)}
    rows = ["ERMHDR\t8.1\t2027-01-01\tProject\tadmin\triskkit tests\tdb\tPM\tGBP",
            "%T\tPROJECT",
            "%F\tproj_id\tproj_short_name\tclndr_id\tlast_recalc_date\tplan_start_date",
            f"%R\t1\tP\t{ids[project_calendar]}\t{data_date}\t{data_date}",
            "%T\tCALENDAR",
            "%F\tclndr_id\tdefault_flag\tclndr_name\tclndr_type\tday_hr_cnt\tclndr_data"]
    rows += [f"%R\t{ids[c]}\tN\t{name}\tCA_Base\t{hours}\t{data}"
             for c, (name, hours, data) in CALENDARS.items()]
    rows += ["%T\tSCHEDOPTIONS",
             "%F\tschedoptions_id\tproj_id\tsched_calendar_on_relationship_lag",
             f"%R\t1\t1\t{lag_calendar}", "%T\tTASK", "%F\t" + "\t".join(_TASK)]
    task_id = {}
    for k, (code, cal, hours, *constraints) in enumerate(tasks):
        task_id[code] = 100 + k
        cells = [100 + k, 1, ids[cal], "TT_Task", "TK_NotStart", code, code, hours,
                 *constraints, *[""] * (4 - len(constraints))]
        rows.append("%R\t" + "\t".join(str(c) for c in cells))
    rows += ["%T\tTASKPRED",
             "%F\ttask_pred_id\ttask_id\tpred_task_id\tproj_id\tpred_proj_id\tpred_type"
             "\tlag_hr_cnt"]
    rows += [f"%R\t{k + 1}\t{task_id[s]}\t{task_id[p]}\t1\t1\tPR_{kind}\t{lag}"
             for k, (p, s, kind, lag) in enumerate(links)]
    path = tmp_path / "plan.xer"
    path.write_text("\r\n".join([*rows, "%E"]) + "\r\n", encoding="utf-8")
    return path


def load(path: Path) -> rk.Schedule:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)  # open ends
        return rk.read_schedule(path)


def m(text: str) -> np.datetime64:
    return np.datetime64(text, "m")


def check(sch: rk.Schedule, expected: dict[str, tuple[str, str, str, str, float]]) -> None:
    """Each activity's early start, early finish, late start, late finish (moments) and
    total float (hours) as ``expected``."""
    when = sch.dates()
    for a, (es, ef, ls, lf, tf) in expected.items():
        i = sch.index_of(a)
        got = (when.early_start[i], when.early_finish[i], when.late_start[i],
               when.late_finish[i])
        assert got == (m(es), m(ef), m(ls), m(lf)), a
        assert when.total_float_hours[i] == pytest.approx(tf, abs=1e-9), a


def simulated(sch: rk.Schedule) -> tuple[float, np.datetime64]:
    """A simulation of the schedule's fixed durations: every iteration's duration (it
    must be one number) and the P50 finish date, the day of the deterministic finish.
    Each iteration is the deterministic plan, so each activity's mean early finish is
    its early finish in working days of the schedule's calendar, and it is critical in
    every iteration or none: in all exactly when its total float is not positive (a
    completed activity never)."""
    res = rk.simulate(schedule=sch, iterations=32, rng=1, progress=False)
    assert np.ptp(res.schedule) == 0.0
    cpm = sch.cpm()
    assert np.allclose(res.mean_finish, cpm["early_finish"], rtol=0, atol=1e-9)
    when = sch.dates()
    assert res.finish_date(0.5) == when.finish.astype("datetime64[D]")
    floats = when.total_float_hours
    assert list(res.criticality) == [
        1.0 if f <= 1e-6 and a.status != "complete" else 0.0
        for f, a in zip(floats, sch.activities)]
    return float(res.schedule[0]), res.finish_date(0.5)


# --- (a) a holiday inside the span ------------------------------------------------------

def test_ten_days_from_a_friday_over_a_weekend_and_a_holiday(tmp_path):
    # 80 h on 5d from the data date Friday 2027-05-28 08:00. Working days: Fri 28 May
    # (1); Sat 29, Sun 30 off; Mon 31 May the holiday; Tue 1 June (2), Wed 2 (3),
    # Thu 3 (4), Fri 4 (5); Mon 7 (6), Tue 8 (7), Wed 9 (8), Thu 10 (9), Fri 11 (10).
    # The tenth day's work ends at 16:00: early finish Fri 2027-06-11 16:00, not the
    # Monday after (a finish is the end of the last working hour).
    sch = load(xer(tmp_path, [("A", "5d", 80)], data_date="2027-05-28 08:00"))
    assert sch.activity("A").most_likely == 10.0
    check(sch, {"A": ("2027-05-28T08:00", "2027-06-11T16:00", "2027-05-28T08:00",
                      "2027-06-11T16:00", 0.0)})
    # the schedule's metric: 10 working days of 5d from the data date
    assert simulated(sch) == (10.0, np.datetime64("2027-06-11"))


def test_the_holiday_moves_a_successor_and_the_late_dates(tmp_path):
    # data date Wed 2027-05-26 08:00; A 3 days on 5d: Wed 26, Thu 27, Fri 28 May, to
    # Fri 16:00. B 10 days FS: from the next working hour, Tue 1 June 08:00 (Monday
    # 31 May is the holiday), ten days to Mon 14 June 16:00 (Tue 1 ... Fri 4: 4 days,
    # Mon 7 ... Fri 11: 9, Mon 14: 10). C 1 day, SS + 2 days from A: Wed 26 08:00 plus
    # 16 working hours ends Thu 27 16:00, so C starts Fri 28 08:00 and ends 16:00.
    # Backward from the finish Mon 14 June 16:00: A and B have no float; C's late
    # finish is the project's finish, so its late start is Mon 14 June 08:00 and its
    # float the work from Fri 28 May 16:00 to Mon 14 June 16:00 on 5d: Tue 1 to Fri 4
    # June (4 days), Mon 7 to Fri 11 (5), Mon 14 (1): 10 days, 80 h.
    sch = load(xer(tmp_path, [("A", "5d", 24), ("B", "5d", 80), ("C", "5d", 8)],
                   (("A", "B", "FS", 0), ("A", "C", "SS", 16)),
                   data_date="2027-05-26 08:00"))
    check(sch, {
        "A": ("2027-05-26T08:00", "2027-05-28T16:00", "2027-05-26T08:00",
              "2027-05-28T16:00", 0.0),
        "B": ("2027-06-01T08:00", "2027-06-14T16:00", "2027-06-01T08:00",
              "2027-06-14T16:00", 0.0),
        "C": ("2027-05-28T08:00", "2027-05-28T16:00", "2027-06-14T08:00",
              "2027-06-14T16:00", 80.0)})
    # 13 working days from Wed 26 May: 3 in May, 10 in June
    assert simulated(sch) == (13.0, np.datetime64("2027-06-14"))


def test_a_data_date_within_a_working_day(tmp_path):
    # The data date Fri 2027-05-28 12:00, half-way through Friday's work: A, 80 h on 5d,
    # works 4 h on Friday, 8 h a day Tue 1 to Fri 11 June (9 days, 72 h) and 4 h on Mon
    # 14 June: to Mon 14 June 12:00. The schedule's start is Friday, its day 1, and its
    # working days count from Friday's start: 10.5, so the finish date is working day
    # 11, Mon 14 June (counted from the data date, 10.0 days would say Fri 11 June).
    sch = load(xer(tmp_path, [("A", "5d", 80)], data_date="2027-05-28 12:00"))
    assert str(sch.start) == "2027-05-28"
    check(sch, {"A": ("2027-05-28T12:00", "2027-06-14T12:00", "2027-05-28T12:00",
                      "2027-06-14T12:00", 0.0)})
    assert simulated(sch) == (10.5, np.datetime64("2027-06-14"))


def test_a_status_date_at_the_end_of_a_working_day(tmp_path):
    # MS Project's status date Wed 6 Jan 17:00, the end of Wednesday's work (Standard
    # calendar). Task 1 finished Tue 5 17:00; task 2, 8 h after it, works Thu 7 08:00 to
    # 17:00. The start is Wednesday (day 1, all worked), so 2 working days: Thu 7.
    xml = mspdi(task(1, 16, PercentComplete=100, ActualStart="2027-01-04T08:00:00",
                     ActualFinish="2027-01-05T17:00:00"), task(2, 8, link(1)),
                project=tag("StatusDate", "2027-01-06T17:00:00"))
    sch, _ = read(xml, tmp_path)
    assert str(sch.start) == "2027-01-06"
    check(sch, {"2": ("2027-01-07T08:00", "2027-01-07T17:00", "2027-01-07T08:00",
                      "2027-01-07T17:00", 0.0)})
    assert simulated(sch) == (2.0, np.datetime64("2027-01-07"))


# --- (b) a round-the-clock calendar ------------------------------------------------------

def test_thirty_six_hours_round_the_clock_end_a_day_and_a_half_later(tmp_path):
    # 36 h on 24h from Friday 2027-01-08 08:00: 16 h to midnight, then Saturday's
    # first 20 h: Sat 09 20:00, 1.5 days later (the weekend is working time).
    sch = load(xer(tmp_path, [("B", "24h", 36)], data_date="2027-01-08 08:00"))
    assert sch.activity("B").most_likely == 1.5  # days of its calendar: 36 h / 24 h
    check(sch, {"B": ("2027-01-08T08:00", "2027-01-09T20:00", "2027-01-08T08:00",
                      "2027-01-09T20:00", 0.0)})
    # the schedule's calendar is the 24-hour one (its only activity's); its working days
    # count from the start of the data date's day (the schedule's start, its day 1):
    # Friday 00:00 to Saturday 20:00 is 44 h, 1 5/6 days, so day 2, Saturday
    days, finish = simulated(sch)
    assert (days, finish) == (pytest.approx(44 / 24), np.datetime64("2027-01-09"))


def test_round_the_clock_work_between_day_shifts(tmp_path):
    # A 1 day on 5d: Fri 08 08:00-16:00. B 36 h on 24h FS: from Fri 16:00, 8 h to
    # midnight, 24 h on Saturday, 4 h on Sunday: Sun 10 04:00. C 1 day on 5d FS: the
    # next working hour on 5d, Mon 11 08:00, to 16:00. The schedule's calendar is 5d
    # (two activities of three): the project takes 2 working days (Fri 8, Mon 11).
    # Late dates: C's are its early ones. B may finish as late as C's late start, Mon
    # 11 08:00 (the 24-hour calendar works all Sunday night), so starts 36 h before,
    # Sat 09 20:00: its float, on its own calendar, is Sun 04:00 to Mon 08:00, 28 h. A
    # must finish by Sat 20:00, which on 5d is the end of Friday's work: no float.
    # (As P6 reports it: the path is critical on 5d, not on 24h.)
    sch = load(xer(tmp_path, [("A", "5d", 8), ("B", "24h", 36), ("C", "5d", 8)],
                   (("A", "B", "FS", 0), ("B", "C", "FS", 0)),
                   data_date="2027-01-08 08:00"))
    check(sch, {
        "A": ("2027-01-08T08:00", "2027-01-08T16:00", "2027-01-08T08:00",
              "2027-01-08T16:00", 0.0),
        "B": ("2027-01-08T16:00", "2027-01-10T04:00", "2027-01-09T20:00",
              "2027-01-11T08:00", 28.0),
        "C": ("2027-01-11T08:00", "2027-01-11T16:00", "2027-01-11T08:00",
              "2027-01-11T16:00", 0.0)})
    assert simulated(sch) == (2.0, np.datetime64("2027-01-11"))


# --- (c) the calendar a lag runs on ---------------------------------------------------------

#: P1 2 days and P2 3 days on 5d, P1 -> P2 FS with a lag of 56 hours (7 days of 8 h),
#: from the data date Mon 11 08:00: P1 works Mon 11 and Tue 12, to Tue 12 16:00.
LAGGED = ([("P1", "5d", 16), ("P2", "5d", 24)], (("P1", "P2", "FS", 56),))


@pytest.mark.parametrize("rule, project_calendar, lag_hours, days, p2_start, p2_finish", [
    # P6's default counts the lag on the predecessor's calendar (5d), as does the
    # successor's (also 5d): 7 working days after Tue 12 16:00 are Wed 13, Thu 14, Fri
    # 15, Mon 18, Tue 19, Wed 20, Thu 21, to Thu 21 16:00; P2 starts with the next
    # working hour, Fri 22 08:00, and works Fri 22, Mon 25, Tue 26 to 16:00. The project
    # takes 12 working days (Mon 11 ... Tue 26).
    ("rcal_Predecessor", "5d", 56, 12.0, "2027-01-22T08:00", "2027-01-26T16:00"),
    ("rcal_Successor", "5d", 56, 12.0, "2027-01-22T08:00", "2027-01-26T16:00"),
    # the project's default calendar, 7d: 7 days after Tue 12 16:00, weekend included,
    # are Wed 13 ... Tue 19, to Tue 19 16:00; P2 works Wed 20, Thu 21, Fri 22 to 16:00:
    # 10 working days of 5d (Mon 11 ... Fri 22)
    ("rcal_ProjDefault", "7d", 56, 10.0, "2027-01-20T08:00", "2027-01-22T16:00"),
    # the 24-hour calendar: 56 h are 56 elapsed hours, from Tue 12 16:00 to Fri 15 00:00;
    # P2 starts Fri 15 08:00 and works Fri 15, Mon 18, Tue 19 (7 working days)
    ("rcal_24Hour", "5d", 56, 7.0, "2027-01-15T08:00", "2027-01-19T16:00"),
    # and 168 h on it are 7 calendar days: Tue 19 16:00, so as the 7d calendar
    ("rcal_24Hour", "5d", 168, 10.0, "2027-01-20T08:00", "2027-01-22T16:00"),
])
def test_a_seven_day_lag_on_each_of_p6s_lag_calendars(tmp_path, rule, project_calendar,
                                                      lag_hours, days, p2_start,
                                                      p2_finish):
    tasks, ((p, s, kind, _),) = LAGGED
    sch = load(xer(tmp_path, tasks, ((p, s, kind, lag_hours),), lag_calendar=rule,
                   project_calendar=project_calendar))
    (lk,) = sch.links
    assert lk.lag * lk.lag_calendar.hours_per_day == pytest.approx(lag_hours)
    # backward: P2's late dates are its early ones; P1 must finish the lag before P2's
    # late start, which on every rule is Tue 12 16:00 on 5d (P2's late start less the
    # lag: the end of Tuesday's work, or Wed 13 00:00 on the 24-hour calendar, which is
    # the same work on 5d): no float anywhere
    check(sch, {"P1": ("2027-01-11T08:00", "2027-01-12T16:00", "2027-01-11T08:00",
                       "2027-01-12T16:00", 0.0),
                "P2": (p2_start, p2_finish, p2_start, p2_finish, 0.0)})
    assert simulated(sch) == (days, np.datetime64(p2_finish[:10]))


def test_a_lag_over_the_holiday_and_a_negative_lag(tmp_path):
    # data date Wed 2027-05-26 08:00. A 3 days on 5d: to Fri 28 May 16:00. B 1 day,
    # FS + 2 days (16 h) on A's calendar: Tue 1 and Wed 2 June (Monday 31 May is the
    # holiday), so B works Thu 3 June. C 2 days, FF - 1 day (-8 h) from B: C must finish
    # no earlier than Thu 3 June 16:00 less 8 working hours, Wed 2 June 16:00, so it
    # works Tue 1 and Wed 2 June (its start, Mon 31 May 08:00 in work, is the next
    # working hour: Tue 1 June 08:00). Backward: the finish Thu 3 June 16:00; B has no
    # float; C, with no successor, may finish with the project, Thu 3 June 16:00 (from
    # Wed 2 June 08:00): 8 h of float; A's late finish is B's late start less 16 h:
    # Thu 3 June 08:00 less two working days (Wed 2, Tue 1 June), Fri 28 May 16:00.
    sch = load(xer(tmp_path, [("A", "5d", 24), ("B", "5d", 8), ("C", "5d", 16)],
                   (("A", "B", "FS", 16), ("B", "C", "FF", -8)),
                   data_date="2027-05-26 08:00"))
    check(sch, {
        "A": ("2027-05-26T08:00", "2027-05-28T16:00", "2027-05-26T08:00",
              "2027-05-28T16:00", 0.0),
        "B": ("2027-06-03T08:00", "2027-06-03T16:00", "2027-06-03T08:00",
              "2027-06-03T16:00", 0.0),
        "C": ("2027-06-01T08:00", "2027-06-02T16:00", "2027-06-02T08:00",
              "2027-06-03T16:00", 8.0)})
    assert simulated(sch) == (6.0, np.datetime64("2027-06-03"))


@pytest.mark.parametrize("fmt, raw, p2_start, p2_finish", [
    # MS Project counts a lag in days (LagFormat 7) on the successor's calendar, the
    # Standard one here (Monday to Friday 08:00-12:00, 13:00-17:00): P1 works Mon 11 and
    # Tue 12 to 17:00; 7 working days after are Wed 13 ... Thu 21 (to 17:00); P2 works
    # Fri 22, Mon 25, Tue 26 to 17:00
    (7, 7 * 480 * 10, "2027-01-22T08:00", "2027-01-26T17:00"),
    # and in elapsed days (LagFormat 8, "7ed") round the clock: Tue 12 17:00 plus 7 × 24
    # h is Tue 19 17:00; P2 works Wed 20, Thu 21, Fri 22
    (8, 7 * 24 * 60 * 10, "2027-01-20T08:00", "2027-01-22T17:00"),
])
def test_ms_projects_lag_in_working_days_and_in_elapsed_days(tmp_path, fmt, raw,
                                                              p2_start, p2_finish):
    xml = mspdi(task(1, 16), task(2, 24, link(1, "FS", raw=raw, fmt=fmt)),
                start="2027-01-11T08:00:00")
    sch, _ = read(xml, tmp_path)
    (lk,) = sch.links
    assert lk.lag == 7.0
    check(sch, {"1": ("2027-01-11T08:00", "2027-01-12T17:00", "2027-01-11T08:00",
                      "2027-01-12T17:00", 0.0),
                "2": (p2_start, p2_finish, p2_start, p2_finish, 0.0)})


# --- (d) constraints ----------------------------------------------------------------------

def test_mandatory_start_and_finish_override_the_logic_in_both_passes(tmp_path):
    # From the data date Mon 11 08:00 on 5d: A 5 days, Mon 11 to Fri 15 16:00.
    # B 3 days after A, with a mandatory start Wed 13 08:00: it starts then although A
    # is not finished, and works Wed 13, Thu 14, Fri 15. C 2 days after B: Mon 18, Tue
    # 19 to 16:00, and must finish on or before Mon 18 16:00. D 3 days after A with a
    # mandatory finish Wed 13 16:00: it works Mon 11, Tue 12, Wed 13. E 1 day after D:
    # Thu 14. The project finishes Tue 19 16:00 (C), 7 working days.
    # Backward: C's late finish is its constraint, Mon 18 16:00 (float Tue 19 16:00 back
    # to Mon 18 16:00: -8 h), so its late start Fri 15 08:00. B's late dates stay at
    # its mandatory start (Wed 13 08:00 to Fri 15 16:00, no float) whatever C asks
    # (without the constraint C would move B's late finish to Thu 14 16:00). D's stay at
    # its mandatory finish (Mon 11 08:00 to Wed 13 16:00). E may finish with the project:
    # Tue 19 08:00 to 16:00, 3 days of float (Fri 15, Mon 18, Tue 19: 24 h). A must
    # finish before D's late start, Mon 11 08:00, so by Fri 8 16:00 (and before B's,
    # Tue 12 16:00, which holds less): 5 days earlier than its early finish, -40 h; its
    # late start five working days before, Mon 4 08:00.
    sch = load(xer(tmp_path, [
        ("A", "5d", 40), ("B", "5d", 24, "CS_MANDSTART", "2027-01-13 08:00"),
        ("C", "5d", 16, "CS_MEOB", "2027-01-18 16:00"),
        ("D", "5d", 24, "CS_MANDFIN", "2027-01-13 16:00"), ("E", "5d", 8)],
        (("A", "B", "FS", 0), ("B", "C", "FS", 0), ("A", "D", "FS", 0),
         ("D", "E", "FS", 0))))
    assert [c.kind for c in sch.activity("B").constraints] == ["mandatory_start"]
    assert [c.kind for c in sch.activity("D").constraints] == ["mandatory_finish"]
    check(sch, {
        "A": ("2027-01-11T08:00", "2027-01-15T16:00", "2027-01-04T08:00",
              "2027-01-08T16:00", -40.0),
        "B": ("2027-01-13T08:00", "2027-01-15T16:00", "2027-01-13T08:00",
              "2027-01-15T16:00", 0.0),
        "C": ("2027-01-18T08:00", "2027-01-19T16:00", "2027-01-15T08:00",
              "2027-01-18T16:00", -8.0),
        "D": ("2027-01-11T08:00", "2027-01-13T16:00", "2027-01-11T08:00",
              "2027-01-13T16:00", 0.0),
        "E": ("2027-01-14T08:00", "2027-01-14T16:00", "2027-01-19T08:00",
              "2027-01-19T16:00", 24.0)})
    assert simulated(sch) == (7.0, np.datetime64("2027-01-19"))


def test_negative_float_reaching_back_before_every_date_of_the_file(tmp_path):
    # A 10 days from Mon 11 08:00 to Fri 22 16:00; D 3 days after A with a mandatory
    # finish Wed 13 16:00 (Mon 11 to Wed 13). A must finish before D's late start, Mon
    # 11 08:00: by Fri 8 16:00, and start 10 working days before, Mon 2026-12-28 08:00
    # (Dec 28 ... 31, Jan 1, Jan 4 ... 8), two weeks before the data date; float -80 h.
    sch = load(xer(tmp_path, [("A", "5d", 80),
                              ("D", "5d", 24, "CS_MANDFIN", "2027-01-13 16:00")],
                   (("A", "D", "FS", 0),)))
    check(sch, {
        "A": ("2027-01-11T08:00", "2027-01-22T16:00", "2026-12-28T08:00",
              "2027-01-08T16:00", -80.0),
        "D": ("2027-01-11T08:00", "2027-01-13T16:00", "2027-01-11T08:00",
              "2027-01-13T16:00", 0.0)})
    # in working days from the data date: A's late start 10 days before it, its late
    # finish the end of the working day before it (0), its float -10 days
    a = sch.cpm().set_index("id").loc["A"]
    assert (a.late_start, a.late_finish, a.total_float) == (-10.0, 0.0, -10.0)
    assert simulated(sch) == (10.0, np.datetime64("2027-01-22"))
    # asking for the dates does not move the grid the simulation runs on
    assert sch.network.grid().base == np.datetime64("2027-01-04T00:00")


@needs_realworld
def test_the_real_p6_files_negative_float_before_its_earliest_date():
    """Four activities of the real file have late finishes in July and August 2016,
    before the grid of its dates began (a week before its earliest actual or constraint
    date): they were held at the grid's first working day, 2016-11-07; now they match
    P6's."""
    from riskkit.io.planning.verify import compare_dates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        cmp = compare_dates(REAL)
    table = cmp.table.set_index("id")
    for a, late_finish, total_float in (("P1EWCC-PWP02-190", "2016-07-28", -2575.0),
                                        ("P1EWCC-PWP02-220", "2016-08-11", -3616.0)):
        row = table.loc[a]
        assert row.late_finish == row.file_late_finish == dt.date.fromisoformat(late_finish)
        assert row.total_float == row.file_total_float == total_float
    assert (cmp.late_finish_matches, cmp.total_float_matches) == (3455, 3423)


def test_start_on_or_after_and_finish_on_or_before(tmp_path):
    # From Mon 11 08:00 on 5d. F 2 days, start on or after Wed 13 12:00: Wed 13
    # 12:00-16:00 (4 h), Thu 14 (8 h), Fri 15 08:00-12:00 (4 h), to Fri 15 12:00.
    # G 3 days after F, finish on or before Mon 18 16:00: from Fri 15 12:00, 4 h on
    # Friday, Mon 18, Tue 19, 4 h on Wed 20: to Wed 20 12:00, the project's finish (7.5
    # working days). H 1 day, start on or after Saturday 16 00:00: the next working
    # hour, Mon 18 08:00, to 16:00. K 1 day, start on or before Tue 12 08:00: Mon 11.
    # L 1 day, finish on or before Wed 13 16:00: Mon 11.
    # Backward: G must finish by Mon 18 16:00 (the constraint, before the project's
    # finish): late start 24 working hours before, Thu 14 08:00; float Wed 20 12:00
    # back to Mon 18 16:00, -12 h. F must finish before Thu 14 08:00, so by Wed 13
    # 16:00, from Tue 12 08:00 (a start-on-or-after holds only the early dates); float
    # Fri 15 12:00 back to Wed 13 16:00, -12 h. H may finish with the project, Wed 20
    # 12:00, from Tue 19 12:00: 12 h of float. K must start by Tue 12 08:00: late
    # dates Tue 12, 8 h of float. L must finish by Wed 13 16:00: from Wed 13 08:00,
    # 16 h of float.
    sch = load(xer(tmp_path, [
        ("F", "5d", 16, "CS_MSOA", "2027-01-13 12:00"),
        ("G", "5d", 24, "CS_MEOB", "2027-01-18 16:00"),
        ("H", "5d", 8, "CS_MSOA", "2027-01-16 00:00"),
        ("K", "5d", 8, "CS_MSOB", "2027-01-12 08:00"),
        ("L", "5d", 8, "CS_MEOB", "2027-01-13 16:00")], (("F", "G", "FS", 0),)))
    check(sch, {
        "F": ("2027-01-13T12:00", "2027-01-15T12:00", "2027-01-12T08:00",
              "2027-01-13T16:00", -12.0),
        "G": ("2027-01-15T12:00", "2027-01-20T12:00", "2027-01-14T08:00",
              "2027-01-18T16:00", -12.0),
        "H": ("2027-01-18T08:00", "2027-01-18T16:00", "2027-01-19T12:00",
              "2027-01-20T12:00", 12.0),
        "K": ("2027-01-11T08:00", "2027-01-11T16:00", "2027-01-12T08:00",
              "2027-01-12T16:00", 8.0),
        "L": ("2027-01-11T08:00", "2027-01-11T16:00", "2027-01-13T08:00",
              "2027-01-13T16:00", 16.0)})
    assert simulated(sch) == (7.5, np.datetime64("2027-01-20"))


def test_ms_projects_must_start_on_and_must_finish_on(tmp_path):
    # MS Project's Standard calendar (Monday to Friday 08:00-12:00, 13:00-17:00), from
    # Mon 11 08:00. Task 1, 5 days: Mon 11 to Fri 15 17:00. Task 2, 3 days after 1, must
    # start on Wed 13 08:00: Wed 13 to Fri 15 17:00 (constraints honoured: it overrides
    # the link). Task 3, 3 days after 1, must finish on Wed 13 17:00: Mon 11 08:00 to
    # Wed 13 17:00. The finish: Fri 15 17:00. Backward: 2's and 3's late dates are their
    # constraints'; 1 must finish before 3's late start, Mon 11 08:00, so by Fri 8 17:00,
    # from Mon 4 08:00: float -40 h (Fri 15 17:00 back to Fri 8 17:00).
    xml = mspdi(task(1, 40),
                task(2, 24, link(1), ConstraintType=2, ConstraintDate="2027-01-13T08:00:00"),
                task(3, 24, link(1), ConstraintType=3, ConstraintDate="2027-01-13T17:00:00"),
                start="2027-01-11T08:00:00")
    sch, _ = read(xml, tmp_path)
    assert [a.constraints[0].kind for a in sch.activities[1:]] == ["mandatory_start",
                                                                   "mandatory_finish"]
    check(sch, {
        "1": ("2027-01-11T08:00", "2027-01-15T17:00", "2027-01-04T08:00",
              "2027-01-08T17:00", -40.0),
        "2": ("2027-01-13T08:00", "2027-01-15T17:00", "2027-01-13T08:00",
              "2027-01-15T17:00", 0.0),
        "3": ("2027-01-11T08:00", "2027-01-13T17:00", "2027-01-11T08:00",
              "2027-01-13T17:00", 0.0)})
    assert simulated(sch) == (5.0, np.datetime64("2027-01-15"))
