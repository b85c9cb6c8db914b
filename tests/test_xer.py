"""Primavera P6 XER files (#18, first part): the reader, calendars, the translation of a
project into a schedule, and our early dates against the ones P6 saved.

``tests/data/two_projects.xer`` is written by hand (cp1252, CRLF). Project BRIDGE
(data date Monday 2027-01-04; calendar Monday to Friday 08:00-16:00 with holidays on
2026-12-25, 2027-01-01 and Monday 2027-01-18) carries P6 early dates worked out by
hand, working day 0 being 2027-01-04:

- B1000 completed 2026-12-18 16:00; B1000 -> B1010 FS + 80 h: 64 h (8 days) of the lag
  ran before the data date, so B1010 (40 h) starts on day 2 (Jan 6) and finishes at
  the end of day 6 (Jan 12);
- B1005 a start milestone on day 0; B1010 -> B1020 SS + 16 h: B1020 (24 h) days 4-6;
- B1020 -> B1030 FF + 24 h: B1030 (32 h) finishes at the end of day 9 (Jan 15), so
  starts on day 6 (Jan 12);
- B1030 -> B1040 SF + 40 h and B1020 -> B1040 FS - 8 h: B1040 (16 h) must finish by
  day 11, past the holiday: Jan 15 and 19;
- B1050 a finish milestone after B1040 (Jan 19); B1060 in progress, 16 h left.

Project DEPOT has a start-on-or-after constraint, a 7-day calendar activity, a level of
effort, an as-late-as-possible finish milestone, a must-finish-by date and a link to
BRIDGE.
"""

from __future__ import annotations

import datetime as dt
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.io.planning.verify import compare_dates
from riskkit.io.planning.xer import read_xer, value_kind
from riskkit.io.planning.xer_calendar import P6Calendar, parse_clndr_data

from .conftest import REALWORLD

DATA = Path(__file__).resolve().parent / "data"
TWO = DATA / "two_projects.xer"
REAL = REALWORLD / "pyp6xer_SP10_cost_loaded.xer"
needs_realworld = pytest.mark.skipif(not REAL.exists(), reason="the real P6 file is absent")


def load(project: str = "BRIDGE", source=TWO) -> tuple[rk.Schedule, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(source, project=project)
    return sch, [str(w.message) for w in caught]


def variant(tmp_path: Path, *replacements: tuple[str, str], name: str = "v.xer") -> Path:
    """The test file with some text replaced (each replacement must apply)."""
    text = TWO.read_bytes().decode("cp1252")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_bytes(text.encode("cp1252"))
    return path


# --- the file: tables, types, projects, encoding -----------------------------------------

def test_every_table_is_read_and_typed_by_its_field_names():
    xer = read_xer(TWO)
    assert xer.version == "8.1" and xer.encoding == "cp1252"
    assert {"PROJECT", "CALENDAR", "TASK", "TASKPRED", "TASKRSRC", "CURRTYPE"} <= set(xer.tables)
    task = xer.tables["TASK"]
    assert len(task) == 12 and task.lines[0] == 27  # lines as the file counts them
    first = task.records()[0]
    assert first["task_id"] == "100" and first["task_code"] == "B1000"
    assert first["act_end_date"] == dt.datetime(2026, 12, 18, 16, 0)
    assert first["remain_drtn_hr_cnt"] == 0.0 and first["cstr_date"] is None
    assert xer.tables["CALENDAR"].records()[0]["default_flag"] is True
    assert xer.tables["CURRTYPE"].records()[0]["curr_symbol"] == "£"
    assert [value_kind(f) for f in ("lag_hr_cnt", "target_cost", "proj_node_flag",
                                    "clndr_data")] == ["number", "number", "flag", "text"]


def test_projects_are_listed_and_chosen_by_short_name_or_id():
    xer = read_xer(TWO)
    assert [(p.id, p.short_name, p.name, p.activities) for p in xer.projects] == [
        ("10", "BRIDGE", "Brücke über die Lahn", 8), ("20", "DEPOT", "Depot", 4)]
    assert xer.project("BRIDGE") == xer.project("10") == xer.project("bridge")
    with pytest.raises(rk.InputError, match="holds 2 projects: BRIDGE .*DEPOT.*--project"):
        rk.read_schedule(TWO)
    with pytest.raises(rk.InputError, match="no project 'PIER'; its projects: BRIDGE"):
        rk.read_schedule(TWO, project="PIER")


def test_cp1252_names_and_the_same_file_in_utf8(tmp_path):
    sch, _ = load()
    assert sch.activity("B1010").name == "Widerlager Süd – Fundament"
    assert sch.activity("B1020").name == "Pfeiler Nord “A”"
    assert sch.calendar is not None and sch.calendar.name == "5 Tage – mit Feiertagen"
    utf8 = tmp_path / "utf8.xer"
    utf8.write_bytes(TWO.read_bytes().decode("cp1252").encode("utf-8"))
    again, _ = load(source=utf8)
    assert again.activity("B1010").name == "Widerlager Süd – Fundament"
    assert read_xer(utf8).encoding == "utf-8"
    assert read_xer(TWO, encoding="latin-1").encoding == "latin-1"


def test_a_file_object_reads_as_a_path_does():
    with open(TWO, "rb") as fh:
        sch = rk.read_schedule(fh, project="BRIDGE")
    assert sch.ids == load()[0].ids


# --- calendars ---------------------------------------------------------------------------

def test_calendars_with_holidays_become_the_schedules_calendar():
    sch, _ = load()
    cal = sch.calendar
    assert cal.weekmask == "1111100" and cal.hours_per_day == 8.0
    assert [str(d) for d in cal.holidays] == ["2026-12-25", "2027-01-01", "2027-01-18",
                                              "2027-04-02"]
    assert str(sch.start) == "2027-01-04"


def test_clndr_data_work_week_exceptions_and_hours():
    xer = read_xer(TWO)
    rows = {r["clndr_name"]: r for r in xer.tables["CALENDAR"].records()}
    week, days = parse_clndr_data(rows["7 days"]["clndr_data"])  # written f|16:00|s|08:00
    assert week == (((8.0, 16.0),),) * 7 and days == {}
    week, _ = parse_clndr_data(rows["24 hours"]["clndr_data"])  # 00:00 to 00:00
    assert week == (((0.0, 24.0),),) * 7
    week, days = parse_clndr_data(rows["5 Tage – mit Feiertagen"]["clndr_data"])
    assert week[5:] == ((), ()) and days[dt.date(2027, 1, 18)] == ()


def test_working_hours_between_two_moments():
    split = ((8.0, 12.0), (13.0, 17.0))
    cal = P6Calendar("1", "split", 8.0, (split,) * 5 + ((), ()),
                     {dt.date(2027, 1, 18): (), dt.date(2027, 1, 16): ((8.0, 12.0),)})
    friday, monday = dt.datetime(2027, 1, 15, 11), dt.datetime(2027, 1, 19, 14)
    # Fri 11-12 and 13-17 (5 h), Sat exception 4 h, Mon holiday, Tue 8-12 and 13-14 (5 h)
    assert cal.hours_between(friday, monday) == 14.0
    assert cal.hours_between(monday, friday) == -14.0
    # 20 weekdays less the holiday, and the Saturday's 4 hours
    assert cal.hours_between(dt.datetime(2027, 1, 4), dt.datetime(2027, 2, 1)) == 156.0
    limits = cal.to_calendar()[1]
    assert limits == ["1 extra working day on days off of its week (first 2027-01-16)"]


def test_a_calendar_that_cannot_be_read_names_its_line(tmp_path):
    path = variant(tmp_path, ("(0||0(f|16:00|s|08:00)())", "(0||0(f|16:00)())"))
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path, project="BRIDGE")
    (problem,) = info.value.problems
    assert problem.row == 12 and problem.column == "CALENDAR.clndr_data"
    assert "'7 days' cannot be read: a work period without its start and finish" in \
        problem.message


# --- activities, links, progress -------------------------------------------------------

def test_activities_kinds_durations_wbs_codes_and_costs():
    sch, _ = load()
    assert sch.ids == ("B1000", "B1005", "B1010", "B1020", "B1030", "B1040", "B1050",
                       "B1060")
    kinds = {a.id: a.kind for a in sch.activities}
    assert kinds["B1005"] == "start_milestone" and kinds["B1050"] == "finish_milestone"
    assert {"B1005", "B1050"} <= set(sch.milestones)
    days = dict(zip(sch.ids, sch.most_likely))
    assert days == {"B1000": 0.0, "B1005": 0.0, "B1010": 5.0, "B1020": 3.0, "B1030": 4.0,
                    "B1040": 2.0, "B1050": 0.0, "B1060": 2.0}  # hours / 8, remaining
    b1010 = sch.activity("B1010")
    assert b1010.wbs == "BRIDGE.ABUT" and b1010.codes == (("Phase", "CON"),)
    assert b1010.fixed_cost == 12500.5 and sch.activity("B1030").fixed_cost == 3000.0
    assert b1010.row == 29  # the TASK row's line


def test_each_link_type_with_its_lag_in_working_days_of_its_calendar():
    sch, _ = load()
    links = {(lk.predecessor, lk.successor): (lk.type, lk.lag) for lk in sch.links}
    assert links[("B1010", "B1020")] == ("SS", 2.0)
    assert links[("B1020", "B1030")] == ("FF", 3.0)
    assert links[("B1030", "B1040")] == ("SF", 5.0)
    assert links[("B1020", "B1040")] == ("FS", -1.0)
    # from the completed B1000: the whole 80 h; it runs from B1000's actual finish
    assert links[("B1000", "B1010")] == ("FS", 10.0)
    assert all(lk.lag_calendar is sch.activity(lk.predecessor).calendar for lk in sch.links)
    b1000 = sch.activity("B1000")
    assert b1000.status == "complete" and str(b1000.actual_finish) == "2026-12-18T16:00"


def test_the_cpm_reproduces_the_hand_worked_p6_dates():
    cmp = compare_dates(TWO, project="BRIDGE")
    assert (cmp.activities, cmp.completed, cmp.compared, cmp.matches) == (8, 1, 7, 7)
    assert cmp.share == 1.0 and dict(cmp.causes) == {}
    assert cmp.project_finish == (dt.date(2027, 1, 19), dt.date(2027, 1, 19))
    row = cmp.table.set_index("id").loc["B1040"]
    assert (row.early_start, row.early_finish) == (dt.date(2027, 1, 15), dt.date(2027, 1, 19))
    assert cmp.to_dict()["differences"] == []
    assert "7 (100.0%)" in cmp.describe()


def test_differences_get_their_likely_cause(tmp_path):
    assert compare_dates(TWO, project="DEPOT").matches == 4  # constraint, LOE, ALAP: as P6
    # without D100's start-on-or-after constraint our dates are earlier than P6's
    path = variant(tmp_path, ("CS_MSOA\t2027-03-08 08:00", "\t"))
    cmp = compare_dates(path, project="DEPOT")
    assert cmp.matches < 4
    diffs = cmp.differences().set_index(["id", "field"])
    assert diffs.loc[("D100", "early_start"), "ours"] < dt.date(2027, 3, 8)
    assert diffs.loc[("D100", "early_start"), "reason"] == "not explained"
    assert all(r in ("not explained", "upstream: not explained")
               for r in cmp.differences()["reason"] if r)


def test_what_the_engine_cannot_honour_is_said_once_with_counts():
    _, notes = load("DEPOT")
    (note,) = [n for n in notes if "cannot honour" in n]
    assert "1 link to activities of other projects left out" in note
    # calendars, constraints, level of effort, progress and the must-finish-by are
    # honoured now, so not reported
    for words in ("calendars other than", "constraint", "level-of-effort",
                  "must-finish-by", "in progress"):
        assert words not in note
    sch, notes = load("BRIDGE")
    (note,) = [n for n in notes if "cannot honour" in n]
    assert "budgeted cost of 3 resource assignments is read as fixed cost" in note
    depot, _ = load("DEPOT")
    assert str(depot.must_finish_by) == "2027-06-30T16:00"
    kinds = {a.id: [c.kind for c in a.constraints] for a in depot.activities}
    assert ["start_on_or_after"] in kinds.values() and ["as_late_as_possible"] in \
        kinds.values()


def test_lag_calendar_and_start_to_start_settings(tmp_path):
    options = "1\t10\tY\tN\tY\trcal_Predecessor"
    # P6 counts lags on a 24-hour calendar: 80 h from 2026-12-18 16:00 ran out long ago
    day24 = variant(tmp_path, (options, "1\t10\tY\tN\tY\trcal_24Hour"), name="24.xer")
    sch = load(source=day24)[0]
    links = {(lk.predecessor, lk.successor): lk for lk in sch.links}
    assert links[("B1010", "B1020")].lag == pytest.approx(16 / 24)
    assert links[("B1000", "B1010")].lag == pytest.approx(80 / 24)
    assert links[("B1000", "B1010")].lag_calendar.hours_per_day == 24
    # so B1010 starts at the data date instead of two days later
    cpm = sch.cpm().set_index("id")
    assert cpm.at["B1010", "early_start_date"] == np.datetime64("2027-01-04T08:00")
    # an SS lag from the in-progress B1060 runs from its early start by default; when
    # P6 counts it from the actual start, riskkit says it does not
    ss = "%R\t25\t104\t107\t10\t10\tPR_SS\t80\r\n"
    path = variant(tmp_path, (options, "1\t10\tY\tN\tN\trcal_Predecessor"),
                   ("%R\t20\t210", ss + "%R\t20\t210"), name="ssN.xer")
    _, notes = load(source=path)
    assert any("1 start-to-start lag from activities in progress that P6 counts from "
               "their actual start" in n for n in notes)
    override = variant(tmp_path, (options, "1\t10\tY\tY\tY\trcal_Predecessor"))
    sch, notes = load(source=override)
    assert ("B1000", "B1060") not in {(lk.predecessor, lk.successor) for lk in sch.links}
    assert any("1 link into activities in progress (P6's progress override) left out" in n
               for n in notes)


def test_a_simulation_reports_finish_dates_from_the_data_date():
    sch, _ = load()
    res = rk.simulate(schedule=sch, iterations=200, rng=1, progress=False)
    assert str(res.start) == "2027-01-04"
    assert str(res.finish_date(0.5)) == "2027-01-19"


def test_the_command_line_reads_xer_and_chooses_the_project(capsys):
    assert main(["validate", "--schedule", str(TWO), "--project", "DEPOT"]) == 0
    out = capsys.readouterr().out
    assert "4 activities, 4 links" in out
    assert main(["validate", "--schedule", str(TWO)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 projects" in err and "Traceback" not in err


# --- bad files ---------------------------------------------------------------------------

@pytest.mark.parametrize("replacements, row, column, words", [
    ((("%E\r\n", ""),), None, None, "cut short (truncated)"),
    ((("%T\tTASK\r\n", "%T\tTASKX\r\n"),), None, None, "has no TASK table"),
    ((("PR_SF", "PR_XX"),), 53, "TASKPRED.pred_type", "unknown relationship type in B1030 → "
                                                       "B1040"),
    ((("2027-01-12 16:00\t\t\t2027-01-06", "2027-13-12 16:00\t\t\t2027-01-06"),), 29,
     "TASK.early_end_date", "not a date such as 2017-09-16 08:00"),
    ((("TT_Mile", "TT_Flag"),), 28, "TASK.task_type", "unknown type"),
    ((("%R\t8\t106\t104", "%R\t8\t106\t999"),), 55, "TASKPRED.pred_task_id",
     "not in the TASK table"),
    ((("%R\t1\t£\tGBP", "%R\t1\t£\tGBP\tone too many"),), 4, None, "has 4 values but table "
                                                                  "CURRTYPE has 3 fields"),
    ((("%R\t2\t101\t105", "%R\t2\t105\t106"),), None, "TASKPRED.pred_task_id",
     "the logic has a cycle through B1005"),
    ((("B1020\tPfeiler Nord “A”\t24", "B1020\tPfeiler Nord “A”\t-24"),), 30,
     "TASK.remain_drtn_hr_cnt", "B1020 has a negative remaining duration"),
])
def test_bad_files_are_errors_with_line_and_field(tmp_path, capsys, replacements, row,
                                                  column, words):
    path = variant(tmp_path, *replacements)
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path, project="BRIDGE")
    problem = info.value.problems[0]
    assert words in problem.message and (problem.row, problem.column) == (row, column)
    assert main(["validate", "--schedule", str(path), "--project", "BRIDGE"]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_duplicate_activity_id_names_both_lines(tmp_path):
    path = variant(tmp_path, ("\tB1020\t", "\tB1010\t"))
    with pytest.raises(rk.InputError, match=r"row 30, column 'TASK.task_code': duplicate "
                                            r"activity id \(first used on row 29\)"):
        rk.read_schedule(path, project="BRIDGE")


def test_not_an_xer_file():
    with pytest.raises(rk.InputError, match="first line is not the ERMHDR header"):
        read_xer(DATA.parent / "test_xer.py")


# --- the real P6 file --------------------------------------------------------------------

@needs_realworld
def test_the_real_p6_file_loads_fast_and_says_once_what_it_cannot_honour():
    began = time.perf_counter()
    sch, notes = load(None, REAL)
    elapsed = time.perf_counter() - began
    assert len(sch) == 3994 and elapsed < 5.0  # ~0.4 s here; generous for a busy machine
    assert str(sch.start) == "2017-09-18"  # the data date, Saturday 2017-09-16, rolled on
    assert str(sch.data_date) == "2017-09-16T00:00"
    assert sch.calendar.name == "HS2 - 8h x 5d Workweek (No Holidays)"
    assert sch.timed
    assert len({id(a.calendar) for a in sch.activities}) == 4
    assert sum(bool(a.constraints) for a in sch.activities) == 1427
    statuses = [a.status for a in sch.activities]
    assert (statuses.count("complete"), statuses.count("in_progress")) == (523, 170)
    assert sum(sch.activity(i).kind == "finish_milestone" for i in sch.ids) == 1037
    # the project finish P6 computed, 2023-01-13 17:00, in working days of the
    # schedule's calendar from the data date
    assert sch.duration() == pytest.approx(1390.0)


@needs_realworld
def test_the_real_p6_file_against_its_saved_dates():
    cmp = compare_dates(REAL)
    assert (cmp.activities, cmp.completed, cmp.compared) == (3994, 523, 3471)
    # every early start and finish to the day, and the project finish
    assert cmp.early_start_matches == cmp.early_finish_matches == cmp.matches == 3471
    assert cmp.project_finish == (dt.date(2023, 1, 13), dt.date(2023, 1, 13))
    # late dates: 99% and more (start-to-start links into activities in progress bound
    # their predecessors' late dates); each difference has its likely cause
    assert cmp.late_finish_matches / cmp.compared > 0.99
    assert cmp.total_float_matches / cmp.compared > 0.98
    diffs = cmp.differences()
    assert len(diffs) and (diffs["reason"] != "").all()
    assert "not explained" not in " ".join(diffs["reason"])
    assert set(diffs["field"]) <= {"late_finish", "total_float"}


@needs_realworld
def test_the_real_p6_file_simulates_with_its_calendars_and_progress():
    """Fixed durations: every iteration is the deterministic plan, P6's 1,390 working
    days (restarting completed activities' lags at the data date would give 1,565)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.read_schedule(REAL)
    res = rk.simulate(schedule=sch, iterations=64, rng=1, progress=False)
    assert np.allclose(res.schedule, 1390.0)
    assert str(res.finish_date(0.8)) == "2023-01-13"


