"""``riskkit verify``: our CPM's dates against the ones the planning tool saved, from the
command line (DESIGN.md, "Schedule files from planning tools").

On ``tests/data/two_projects.xer`` (see tests/test_xer.py for the hand-worked dates)
both projects match P6 to the day (exit 0). With the start-on-or-after constraint of
DEPOT's first activity taken out of the file, but P6's dates kept, every compared early
date of DEPOT differs (exit 1): D100 by its own cause, the three after it upstream.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from riskkit.cli import main
from riskkit.io.planning.verify import compare_dates

from .conftest import REALWORLD, SAMPLES

DATA = Path(__file__).resolve().parent / "data"
TWO = DATA / "two_projects.xer"
REAL = REALWORLD / "pyp6xer_SP10_cost_loaded.xer"
needs_realworld = pytest.mark.skipif(not REAL.exists(), reason="the real P6 file is absent")

KEYS = {"activities": int, "compared": int, "early_start_matches": int,
        "early_finish_matches": int, "late_finish_matches": int, "total_float_matches": int,
        "project_finish": dict, "differences": list}


@pytest.fixture
def unconstrained(tmp_path) -> Path:
    """The test file without D100's constraint: P6's dates no longer follow from it."""
    text = TWO.read_bytes().decode("cp1252")
    old = "\tCS_MSOA\t2027-03-08 08:00\t"
    assert text.count(old) == 1
    path = tmp_path / "unconstrained.xer"
    path.write_bytes(text.replace(old, "\t\t\t").encode("cp1252"))
    return path


def verify_json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["verify", *args, "--json", "-"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def is_example(line: str) -> bool:
    """A line of the table that shows one difference: "   D110  early start  ours ..."."""
    return line.startswith(" " * 10) and ", file " in line and " ours " in line


def assert_contract(result: dict) -> None:
    """Every key DESIGN.md names, with its type; the differences' keys."""
    for key, kind in KEYS.items():
        assert isinstance(result[key], kind), key
        assert not isinstance(result[key], bool), key
    assert set(result["project_finish"]) == {"ours", "file"}
    for day in result["project_finish"].values():
        assert day is None or (isinstance(day, str) and len(day) == 10 and day[4] == "-")
    for d in result["differences"]:
        assert {"id", "field", "ours", "file", "reason"} <= set(d)
        assert d["field"] in ("early_start", "early_finish", "late_finish", "total_float")


def assert_counts_are_compare_dates(result: dict, cmp) -> None:
    assert result["activities"] == cmp.activities
    assert result["compared"] == cmp.compared
    assert result["early_start_matches"] == cmp.early_start_matches
    assert result["early_finish_matches"] == cmp.early_finish_matches
    ours, theirs = cmp.project_finish
    assert result["project_finish"] == {"ours": ours.isoformat(), "file": theirs.isoformat()}
    diffs = cmp.differences()
    assert len(result["differences"]) == len(diffs)
    assert [(d["id"], d["field"], d["reason"]) for d in result["differences"]] == \
        list(zip(diffs["id"], diffs["field"], diffs["reason"]))


@pytest.mark.parametrize("project, activities, compared, finish",
                         [("BRIDGE", 8, 7, "2027-01-19"), ("DEPOT", 4, 4, "2027-03-19")])
def test_a_project_that_matches_exits_0_with_every_key(capsys, project, activities,
                                                       compared, finish):
    code, result = verify_json(capsys, str(TWO), "--project", project)
    assert code == 0
    assert_contract(result)
    assert (result["activities"], result["compared"]) == (activities, compared)
    for name in ("early_start", "early_finish", "late_finish", "total_float"):
        assert result[f"{name}_matches"] == compared, name
    assert result["project_finish"] == {"ours": finish, "file": finish}
    assert result["differences"] == []
    assert_counts_are_compare_dates(result, compare_dates(TWO, project=project))


def test_a_project_that_differs_exits_1_and_lists_every_difference(capsys, unconstrained):
    code, result = verify_json(capsys, str(unconstrained), "--project", "DEPOT")
    assert code == 1
    assert_contract(result)
    assert (result["activities"], result["compared"]) == (4, 4)
    assert result["early_start_matches"] == result["early_finish_matches"] == 0
    # the file saves no late dates or floats: nothing of them to differ
    assert result["late_finish_matches"] == result["total_float_matches"] == 4
    # D100 now starts at the data date, Monday 1 March, a week before P6 held it
    assert result["project_finish"] == {"ours": "2027-03-12", "file": "2027-03-19"}
    assert len(result["differences"]) == 8  # two dates of each of the four activities
    first = result["differences"][0]
    assert first == {"id": "D100", "field": "early_start", "ours": "2027-03-01",
                     "file": "2027-03-08", "reason": "not explained"}
    assert_counts_are_compare_dates(result, compare_dates(unconstrained, project="DEPOT"))


def test_the_table_counts_matches_and_groups_differences_by_reason(capsys, unconstrained):
    assert main(["verify", str(unconstrained), "--project", "DEPOT"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (f"{unconstrained}, project DEPOT: 4 activities, 4 compared, "
                        "0 complete (not compared)")
    assert lines[1].split() == ["matches", "of", "share"]
    assert lines[2].split() == ["early", "start", "0", "4", "0.0%"]
    assert lines[3].split() == ["early", "finish", "0", "4", "0.0%"]
    assert lines[4].split() == ["late", "finish", "4", "4", "100.0%"]
    assert lines[5].split() == ["total", "float", "4", "4", "100.0%"]
    assert lines[6] == "project finish: ours 2027-03-12, file 2027-03-19  (differs)"
    assert lines[7] == "8 dates differ, by likely reason:"
    # the larger group first, its count, then up to three examples and what is left
    assert lines[8].split() == ["6", "upstream:", "not", "explained"]
    assert lines[9].split() == ["D110", "early", "start", "ours", "2027-03-06,", "file",
                                "2027-03-13"]
    assert lines[12].strip() == "… and 3 more"
    assert lines[13].split() == ["2", "not", "explained"]
    assert lines[14].split() == ["D100", "early", "start", "ours", "2027-03-01,", "file",
                                 "2027-03-08"]
    assert lines[-1] == "(--all lists every difference)"


def test_all_lists_every_difference_and_examples_limits_them(capsys, unconstrained):
    assert main(["verify", str(unconstrained), "--project", "DEPOT", "--all"]) == 1
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if is_example(line)]
    assert sorted(listed) == ["D100", "D100", "D110", "D110", "D120", "D120", "D130",
                              "D130"]
    assert "more" not in out and "--all" not in out
    assert main(["verify", str(unconstrained), "--project", "DEPOT", "--examples", "1"]) == 1
    out = capsys.readouterr().out
    assert sum(map(is_example, out.splitlines())) == 2  # one per reason
    assert "… and 5 more" in out and "… and 1 more" in out


def test_a_matching_project_says_so_and_quiet_prints_nothing(capsys, unconstrained):
    assert main(["verify", str(TWO), "--project", "BRIDGE"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "every compared date matches the file's (7 activities)"
    assert "(differs)" not in out
    assert main(["verify", str(unconstrained), "--project", "DEPOT", "-q"]) == 1
    assert capsys.readouterr().out == ""


def test_json_to_a_file_and_the_table_on_the_terminal(capsys, tmp_path, unconstrained):
    path = tmp_path / "verify.json"
    assert main(["verify", str(unconstrained), "--project", "DEPOT", "--json", str(path)]) == 1
    assert "8 dates differ" in capsys.readouterr().out
    result = json.loads(path.read_text(encoding="utf-8"))
    assert_contract(result)
    assert len(result["differences"]) == 8


def test_several_projects_without_project_is_exit_2(capsys):
    assert main(["verify", str(TWO)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 projects" in err and "--project" in err and "Traceback" not in err
    assert main(["verify", str(TWO), "--project", "NOPE"]) == 2
    assert "has no project 'NOPE'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["office_fitout_schedule.csv", "schedule.xlsx"])
def test_a_table_of_activities_has_no_saved_dates_exit_2(capsys, tmp_path, name):
    path = SAMPLES / name
    if name.endswith(".xlsx"):
        path = tmp_path / name
        pd.read_csv(SAMPLES / "office_fitout_schedule.csv").to_excel(path, index=False)
    assert main(["verify", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "verify needs a file from a planning tool" in captured.err
    assert str(path) in captured.err and "Traceback" not in captured.err


def test_a_missing_file_and_a_format_riskkit_cannot_read_exit_2(capsys, tmp_path):
    assert main(["verify", str(tmp_path / "absent.xer")]) == 2
    err = capsys.readouterr().err
    assert "absent.xer" in err and "not found" in err and "Traceback" not in err
    mpp = tmp_path / "plan.mpp"  # the first bytes of an OLE compound file, nothing more
    mpp.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert main(["verify", str(mpp)]) == 2
    err = capsys.readouterr().err
    assert "plan.mpp" in err and "Traceback" not in err
    pmxml = tmp_path / "p.xml"
    pmxml.write_text('<?xml version="1.0"?>\n<APIBusinessObjects xmlns="x"></APIBusinessObjects>',
                     encoding="utf-8")
    assert main(["verify", str(pmxml)]) == 2  # P6 XML is read since #18: this has no project
    assert "has no Project" in capsys.readouterr().err
    other = tmp_path / "report.xml"
    other.write_text("<?xml version='1.0'?>\n<Report/>\n", encoding="utf-8")
    assert main(["verify", str(other)]) == 2
    assert "is an XML file" in capsys.readouterr().err


def _without_early_dates(tmp_path: Path) -> Path:
    """The test file with DEPOT's saved early dates blanked (as an unscheduled export)."""
    lines = TWO.read_bytes().decode("cp1252").split("\r\n")
    fields = next(line for line in lines if line.startswith("%F\ttask_id")).split("\t")
    blank = [fields.index("early_start_date"), fields.index("early_end_date")]
    out = []
    for line in lines:
        cells = line.split("\t")
        if cells[0] == "%R" and len(cells) == len(fields) and cells[2] == "20":
            for i in blank:
                cells[i] = ""
        out.append("\t".join(cells))
    path = tmp_path / "unscheduled.xer"
    path.write_bytes("\r\n".join(out).encode("cp1252"))
    return path


def test_a_project_without_saved_dates_is_exit_2(capsys, tmp_path):
    path = _without_early_dates(tmp_path)
    assert compare_dates(path, project="DEPOT").compared == 0
    assert main(["verify", str(path), "--project", "DEPOT"]) == 2
    err = capsys.readouterr().err
    assert "project DEPOT: no activity has the early dates" in err
    assert main(["verify", str(path), "--project", "BRIDGE"]) == 0  # untouched


@needs_realworld
def test_the_real_p6_file(capsys):
    code, result = verify_json(capsys, str(REAL))
    cmp = compare_dates(REAL)
    assert code == (0 if cmp.all_match else 1)
    assert_contract(result)
    assert_counts_are_compare_dates(result, cmp)
    assert (result["activities"], result["compared"]) == (3994, 3471)
    assert result["project_finish"]["file"] == "2023-01-13"
    assert main(["verify", str(REAL), "--all"]) == code
    lines = capsys.readouterr().out.splitlines()
    assert sum(map(is_example, lines)) == len(result["differences"])
    floats = [line for line in lines if is_example(line) and "total float" in line]
    assert len(floats) == len(result["differences"]) - sum(
        d["field"] != "total_float" for d in result["differences"])
    assert all(line.endswith(" h") for line in floats)
