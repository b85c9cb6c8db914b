"""Schedules as real files hold them (issue 16): summary rows and missing logic (16.4),
the schedule's own input options and .xlsx schedules (16.7), every problem at once
(16.10), planning tools' own formats (16.16), and dates (16.17)."""

import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.model import parse_day


def read(path, **kwargs):
    """The schedule and the text of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", rk.InputWarning)
        sch = rk.read_schedule(path, **kwargs)
    return sch, " | ".join(str(w.message) for w in caught
                           if issubclass(w.category, rk.InputWarning))


def links(sch):
    return {(lk.predecessor, lk.successor, lk.type, lk.lag) for lk in sch.links}


# --- 16.4 summary rows and missing logic ---------------------------------------------

PERT_WITH_PROJECT_ROW = (
    "ID,Name,Optimistic,Most Likely,Pessimistic,Predecessors\n"
    "P,Office move (project),8,10,12,\n"
    "A,Pack,3,3,3,\n"
    "B,Move,7,7,7,A\n")


def test_a_row_spanning_the_others_is_left_out_as_a_summary(write_csv):
    # On main the project row loaded as a third activity in parallel with A -> B, so the
    # P80 duration was that of max(10, Triangular(8, 10, 12)), about 10.9 days.
    sch, said = read(write_csv(PERT_WITH_PROJECT_ROW, "move.csv"))
    assert sch.ids == ("A", "B") and sch.duration() == 10
    assert "1 summary row left out" in said and "row 2 'P'" in said
    assert "span of the others" in said and "give it a predecessor" in said
    res = rk.simulate(schedule=sch, iterations=4000, rng=1)
    assert res.percentile(0.8, "schedule") == 10.0


def test_a_summary_column_saying_no_keeps_a_spanning_row(write_csv):
    text = PERT_WITH_PROJECT_ROW.replace("Predecessors\n", "Predecessors,Summary\n")
    text = text.replace("12,\n", "12,,No\n").replace("3,\n", "3,,No\n").replace(",A\n", ",A,\n")
    sch, said = read(write_csv(text))
    assert sch.ids == ("P", "A", "B") and "summary row" not in said


def test_wbs_codes_make_summaries_and_their_links_move_to_the_work_under_them(write_csv):
    # On main: "no activity id column" (a WBS column was not an id), and with ids the
    # summaries 1 and 2 loaded as activities.
    text = ("WBS,Name,Duration,Predecessors\n"
            "1,Design,—,\n1.1,Concept,5,\n1.2,Detail,10,1.1\n"
            "2,Build,—,1\n2.1,Frame,12,\n2.2,Fit out,8,2.1\n3,Handover,2,2\n")
    sch, said = read(write_csv(text))
    assert sch.ids == ("1.1", "1.2", "2.1", "2.2", "3")
    assert links(sch) == {("1.1", "1.2", "FS", 0), ("1.1", "2.1", "FS", 0),
                          ("1.2", "2.1", "FS", 0), ("1.1", "2.2", "FS", 0),
                          ("1.2", "2.2", "FS", 0), ("2.1", "2.2", "FS", 0),
                          ("2.1", "3", "FS", 0), ("2.2", "3", "FS", 0)}
    assert sch.duration() == 5 + 10 + 12 + 8 + 2
    assert "2 summary rows left out" in said and "row 2 '1' (WBS 1, with 2 rows under it)" in said


def test_ids_numbered_as_a_wbs_are_read_as_one(write_csv):
    text = ("ID,Name,Duration,Predecessors\n1,Project,27,\n1.1,Dig,5,\n1.2,Pour,10,1.1\n"
            "1.3,Cure,12,1.2\n")
    sch, said = read(write_csv(text))
    assert sch.ids == ("1.1", "1.2", "1.3") and sch.duration() == 27
    assert "WBS 1, with 3 rows under it" in said


def test_an_outline_level_column_makes_summaries(write_csv):
    # On main the Outline Level column was not used and rows 0, 1 and 4 were work.
    text = ("ID,Name,Outline Level,Duration,Predecessors\n"
            "0,Project,0,25,\n1,Design,1,8,\n2,Concept,2,3,\n3,Detail,2,5,2\n"
            "4,Build,1,12,1\n5,Frame,2,12,\n")
    sch, said = read(write_csv(text))
    assert sch.ids == ("2", "3", "5") and sch.duration() == 20
    assert ("3", "5", "FS", 0) in links(sch) and ("2", "5", "FS", 0) in links(sch)
    assert "3 summary rows left out" in said and "outline level 0, with 5 rows under it" in said


def test_dash_durations_headings_and_totals_are_summaries(write_csv):
    # On main the '—' row was "duration is missing", the heading "activity id is missing"
    # and the total row a 15-day activity in parallel.
    text = ("ID,Name,Optimistic,Most Likely,Pessimistic,Predecessors\n"
            ",Phase 1,,,,\nH,Groundworks,—,—,—,\nA,Dig,2,3,4,\nB,Pour,5,7,9,A\n"
            "T,Total,7,10,13,\n")
    sch, said = read(write_csv(text))
    assert sch.ids == ("A", "B")
    for words in ("3 summary rows left out", "row 2 'Phase 1' (a heading",
                  "row 3 'H' (its duration is '—')", "row 6 'T' (a total row)"):
        assert words in said


def test_a_link_to_a_summary_whose_work_is_unknown_is_an_error(write_csv):
    text = "ID,Name,Summary,Duration,Predecessors\nP,Project,Yes,20,\nA,Dig,,3,\nB,Pour,,7,P\n"
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(write_csv(text))
    (problem,) = info.value.problems
    assert problem.row == 4 and problem.column == "Predecessors"
    assert "lists predecessor 'P', a summary row" in problem.message
    assert "Outline Level or WBS column" in problem.hint


def test_a_schedule_without_links_warns_loudly(write_csv):
    # On main a sheet with no predecessor column ran every activity in parallel silently.
    sch, said = read(write_csv("Task,Duration\nA,3\nB,4\nC,5\n"))
    assert sch.links == () and sch.duration() == 5
    assert "NO LOGIC: none of its 3 activities has a predecessor" in said
    assert "predecessors column" in said


def test_no_logic_warning_from_the_model_itself():
    acts = (rk.Activity("A", rk.Fixed(1.0)), rk.Activity("B", rk.Fixed(2.0)))
    with pytest.warns(rk.InputWarning, match="NO LOGIC"):
        rk.Schedule(acts)


# --- 16.7 the schedule's own input options; .xlsx schedules ------------------------------

def test_schedule_map_delimiter_and_decimal_from_the_cli(write_csv, capsys):
    # On main --schedule-map and --schedule-decimal were unknown options (exit 2) and the
    # schedule took the register's --map nowhere.
    path = write_csv("Vorgang;Dauer;Abhängig von\nA;1.500;\nB;2;A\n", "plan.csv")
    code = main(["validate", "--schedule", str(path), "--schedule-map", "Vorgang=id",
                 "--schedule-map", "Dauer=duration", "--schedule-map",
                 "Abhängig von=predecessors", "--schedule-decimal", "."])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 activities, 1 link; deterministic duration 3.5 working days" in out


def test_schedule_errors_name_the_schedule_options(write_csv, capsys):
    path = write_csv("Schrittfolge,Zeitbedarf\nA,1\n", "plan.csv")  # no language names these
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert '--schedule-map "Header=id"' in err and '--schedule-map "Header=duration"' in err


def _workbook(path, sheets):
    pytest.importorskip("openpyxl")
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return path


def test_xlsx_schedule_with_a_sheet_option(tmp_path, capsys):
    plan = pd.DataFrame({"Task ID": ["A", "B", "C"], "Duration": ["2w", 3, 4],
                         "Predecessors": ["", "A", "B"]})
    path = _workbook(tmp_path / "plan.xlsx", {"Cover": pd.DataFrame({"Read me": ["x"]}),
                                              "Plan": plan})
    assert main(["validate", "--schedule", str(path), "--schedule-sheet", "Plan"]) == 0
    assert "3 activities, 2 links; deterministic duration 17.0" in capsys.readouterr().out
    assert rk.read_schedule(path, sheet=1).duration() == 17


def test_a_workbook_is_read_whatever_its_name(tmp_path):
    # On main: "looks like an Excel workbook, not a CSV file; give it a .xlsx name".
    plan = pd.DataFrame({"ID": ["A", "B"], "Duration": [2, 3], "Predecessors": ["", "A"]})
    path = _workbook(tmp_path / "plan.xlsx", {"Plan": plan})
    renamed = path.rename(tmp_path / "plan_export.csv")
    sch, _ = read(renamed)
    assert sch.ids == ("A", "B") and sch.duration() == 5


# --- 16.10 every schedule problem at once ------------------------------------------------

def test_every_schedule_problem_is_reported_at_once(write_csv, capsys):
    # On main the cycle C -> D -> E was not reported next to the other problems, the
    # negative duration named the internal column 'duration_min', and the row with a
    # stray cell made its successor's link an "unknown predecessor".
    text = ("ID,Duration,Predecessors,Fixed Cost\n"
            "A,-1,,\nB,3,Z,lots\nC,2,E,\nD,2,C,\nE,2,D,\nE,1,,\n"
            'F,2,,100,"a stray, cell"\nG,1,F,\n')
    path = write_csv(text, "plan.csv")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    problems = info.value.problems
    text = str(info.value)
    assert len(problems) == 6, text
    assert "cycle through C, D, E" in text
    negative = next(p for p in problems if "negative duration" in p.message)
    assert (negative.row, negative.column) == (2, "Duration")
    assert any(p.row == 3 and p.column == "Fixed Cost" for p in problems)
    assert any(p.row == 3 and "predecessor 'Z'" in p.message for p in problems)
    assert any(p.row == 7 and "duplicate activity id" in p.message for p in problems)
    assert any(p.row == 8 and "has 5 cells" in p.message for p in problems)
    assert "lists predecessor 'F'" not in text
    rows = [p.row for p in problems if p.row is not None]
    assert rows == sorted(rows)
    assert main(["validate", "--schedule", str(path)]) == 2
    assert "6 problems found" in capsys.readouterr().err


def test_units_and_estimates_are_reported_together(write_csv):
    text = ("ID,Optimistic,Most Likely,Pessimistic,Units,Predecessors\n"
            "A,5,3,8,,\nB,1,2,3,fortnights,\nC,1,2,3m,,A+2x\n")
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(write_csv(text))
    messages = [(p.row, p.column) for p in info.value.problems]
    assert messages == [(2, "Optimistic"), (3, "Units"), (4, "Pessimistic"),
                        (4, "Predecessors")]


# --- 16.16 planning tools' own files ----------------------------------------------------

XER = ("ERMHDR\t8.1\t2017-09-27\tProject\tadmin\n%T\tTASK\n%F\ttask_id\ttask_code\n"
       "%R\t1\tA1000\n%E\n")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

# P6 XML, MS Project XML, .mpp and MPX are read since #18 (tests/test_pmxml.py,
# tests/test_mspdi.py, tests/test_mpxj.py); other files still say what they are.
FORMATS = [
    ("plan.xml", "<?xml version='1.0'?>\n<Report><Row>Dig</Row></Report>\n",
     "is an XML file"),
    ("plan.doc", OLE, "is a binary Office file (OLE compound document)"),
]


@pytest.mark.parametrize("name, content, words", FORMATS)
def test_planning_tool_files_say_what_they_are_and_what_to_do(write_csv, capsys, name,
                                                              content, words):
    # On main each of these was read as CSV: "no activity id column; headers found:
    # 'ERMHDR', '8.1', ..." and the like.
    path = write_csv(content, name)
    with pytest.raises(rk.InputError) as info:
        rk.read_schedule(path)
    (problem,) = info.value.problems
    assert words in problem.message
    assert "export the activities as CSV or .xlsx with the columns ID, Name, Duration" in \
        problem.hint
    assert main(["validate", "--schedule", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and "headers found" not in err


def test_what_the_export_hint_proposes_loads(write_csv):
    sch, _ = read(write_csv("ID,Name,Duration,Predecessors\nA,Dig,3,\nB,Pour,2,A; B0 FS+2d\n"
                            "B0,Shutter,1,A\n"))
    assert sch.duration() == 3 + 1 + 2 + 2


def test_an_xer_is_read_by_content_whatever_its_name(write_csv):
    # P6 XER is read natively since #18 (tests/test_xer.py); a .csv name does not matter
    text = XER.replace("%T\tTASK", "%T\tPROJECT\n%F\tproj_id\tproj_short_name\n%R\t1\tP\n"
                       "%T\tCALENDAR\n%F\tclndr_id\tdefault_flag\tclndr_name\tclndr_data\n"
                       "%R\t7\tY\tStandard\t\n%T\tTASK")
    text = text.replace("task_code\n%R\t1\tA1000", "task_code\tproj_id\tremain_drtn_hr_cnt\n"
                        "%R\t1\tA1000\t1\t16")
    with pytest.raises(rk.InputError, match="has no project"):
        rk.read_schedule(write_csv(XER, "plan.csv"))
    sch = rk.read_schedule(write_csv(text, "plan.csv"))
    assert sch.ids == ("A1000",) and sch.duration() == 2.0


# --- 16.17 dates ---------------------------------------------------------------------------

def test_uk_dates_and_the_rule_for_ambiguous_ones():
    assert str(parse_day("04/01/2027", dayfirst=True)) == "2027-01-04"
    assert str(parse_day("04/01/2027", dayfirst=False)) == "2027-04-01"
    assert str(parse_day("25/12/2027")) == "2027-12-25"  # only one reading
    assert str(parse_day("12/25/2027")) == "2027-12-25"
    assert str(parse_day("04.01.2027")) == "2027-01-04"  # dotted dates are day first
    assert str(parse_day("2027-01-04 00:00:00")) == "2027-01-04"  # a spreadsheet cell
    with pytest.raises(rk.OptionError, match="2027-01-04 read day first, 2027-04-01 read "
                                             "month first"):
        parse_day("04/01/2027", "start")
    with pytest.raises(rk.OptionError, match="write the year in full"):
        parse_day("04/01/27")
    with pytest.raises(rk.OptionError, match="is not a date"):
        parse_day("31/02/2027", dayfirst=True)


def _json_run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out), captured.err


def test_dayfirst_start_and_holidays_from_the_cli(write_csv, capsys):
    # On main --dayfirst was an unknown option and 04/01/2027 not a date.
    path = str(write_csv("ID,Duration,Predecessors\nA,3,\nB,2,A\n", "plan.csv"))
    run = ["simulate", "--schedule", path, "-n", "200", "--seed", "1", "--json", "-"]
    data, _ = _json_run([*run, "--start", "04/01/2027", "--dayfirst",
                         "--holidays", "05/01/2027"], capsys)
    assert data["finish_dates"]["start"] == "2027-01-04"
    assert data["finish_dates"]["p50"] == "2027-01-11"  # 5 working days, the 5th a holiday
    data, _ = _json_run([*run, "--start", "01/04/2027", "--monthfirst"], capsys)
    assert data["finish_dates"]["start"] == "2027-01-04"
    assert main([*run, "--start", "04/01/2027"]) == 2
    err = capsys.readouterr().err
    assert "--dayfirst or --monthfirst" in err and "Traceback" not in err


def test_a_start_on_a_weekend_moves_to_the_next_working_day(write_csv, capsys):
    # On main a Saturday start was kept as the start without a word (and counted from
    # Monday all the same).
    path = str(write_csv("ID,Duration,Predecessors\nA,3,\nB,2,A\n", "plan.csv"))
    data, err = _json_run(["simulate", "--schedule", path, "-n", "200", "--seed", "1",
                           "--json", "-", "--start", "25/12/2027"], capsys)
    assert data["finish_dates"]["start"] == "2027-12-27"
    assert "the start 2027-12-25 (Saturday) is not a working day" in err
    assert "starts on the next working day, Monday 2027-12-27" in err
    sch = rk.read_schedule(path)
    with pytest.warns(rk.InputWarning, match="is a holiday"):
        res = rk.simulate(schedule=sch, iterations=100, rng=1, start="2027-12-27",
                          holidays=["2027-12-27"])
    assert res.start == np.datetime64("2027-12-28")


def test_review_findings_planning_files_as_registers_and_schedule_hints(tmp_path):
    """Review of #16: an XER given as the register says it is a schedule; a schedule's
    duplicate-header hint names --schedule-map; one link is '1 link'."""
    xer = tmp_path / "plan.xer"
    xer.write_text("ERMHDR\t8.1\t2020-01-01\n%T\tTASK\n%F\ttask_id\n%R\t1\n%E\n",
                   encoding="cp1252")
    with pytest.raises(rk.InputError, match="a schedule, not a risk register"):
        rk.read_register(xer)
    plan = tmp_path / "plan.csv"
    plan.write_text("ID,Task,Duration,Predecessors\nA,Dig,2,\nB,Build,3,A\n")
    with pytest.raises(rk.InputError, match='--schedule-map "Task=ignore"'):
        rk.read_schedule(plan)


def test_a_schedule_workbook_behind_a_cover_sheet_names_its_sheet(tmp_path, capsys):
    """Review of #16: a schedule's cover sheet gave 'no activity id column'; sheet
    numbers on the command line count from 1."""
    openpyxl = pytest.importorskip("openpyxl")
    from riskkit.cli import main

    book = openpyxl.Workbook()
    book.active.title = "Instructions"
    book.active.append(["Fill in the 'Schedule' sheet only"])
    sheet = book.create_sheet("Schedule")
    for row in (["ID", "Name", "Duration", "Predecessors"], ["A", "Dig", 2, None],
                ["B", "Build", 3, "A"]):
        sheet.append(row)
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with pytest.raises(rk.InputError, match='--schedule-sheet "Schedule"'):
        rk.read_schedule(path)
    assert main(["validate", "--schedule", str(path), "--schedule-sheet", "2"]) == 0
    assert "deterministic duration 5.0 working days" in capsys.readouterr().out
    assert main(["validate", "--schedule", str(path), "--schedule-sheet", "3"]) == 2
    assert "has no sheet number 3" in capsys.readouterr().err


def test_schedule_headers_in_other_languages():
    """Review of #16: German schedule headers needed six --schedule-map options."""
    from riskkit.io.tables import normalise_header
    from riskkit.words import read_words

    seen: dict[str, str] = {}
    for canon, languages in read_words("schedule_headers").items():
        for phrase in (p for phrases in languages.values() for p in phrases):
            key = normalise_header(phrase)
            assert seen.setdefault(key, canon) == canon, (phrase, seen[key], canon)
    frames = {
        "de": ("Vorgangs-Nr.", "Vorgang", "Optimistisch", "Wahrscheinlich", "Pessimistisch",
               "Vorgänger"),
        "fr": ("N°", "Tâche", "Optimiste", "Probable", "Pessimiste", "Prédécesseurs"),
        "es": ("Nº", "Tarea", "Optimista", "Más probable", "Pesimista", "Predecesoras"),
        "it": ("N.", "Attività", "Ottimistica", "Più probabile", "Pessimistica", "Predecessori"),
        "ru": ("№", "Задача", "Оптимистическая", "Наиболее вероятная", "Пессимистическая",
               "Предшественники"),
    }
    for language, header in frames.items():
        text = ",".join(header) + "\n1,A,2,3,5,\n2,B,4,6,9,1\n"
        sch = rk.read_schedule(io.StringIO(text))
        assert sch.ids == ("1", "2") and sch.duration() == 9.0, language
