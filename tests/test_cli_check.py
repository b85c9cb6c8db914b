"""``riskkit check``: the table, DESIGN's JSON, the exit codes; and the warning before a
schedule that fails its health checks by far is simulated."""

from __future__ import annotations

import json

from riskkit.cli import main

from .conftest import SAMPLES

REGISTER = str(SAMPLES / "office_fitout.csv")
SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")
DCMA = ("logic", "leads", "lags", "relationship_types", "hard_constraints", "high_float",
        "negative_float", "high_duration", "invalid_dates", "resources", "missed_tasks",
        "critical_path_test", "cpli", "bei")
CLEAN = ("ID,Name,Duration,Predecessors,Cost per Day\n"
         "A,Design,5,,100\nB,Build,10,A,200\nC,Handover,3,B,50\n")
NO_LOGIC = ("ID,Name,Duration,Cost per Day\n"
            "A,Design,5,100\nB,Build,10,200\nC,Test,4,50\nD,Handover,3,50\n")


def test_check_prints_a_table_and_fails_when_a_check_fails(capsys):
    assert main(["check", REGISTER, "--schedule", SCHEDULE]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("schedule health: ") and "(39 activities, 61 links)" in lines[0]
    row = next(line for line in lines if line.split()[:1] == ["lags"])
    assert row.split()[1:5] == ["29.5%", "≤", "5%", "FAIL"] and "A05, A07" in row
    bei = next(line for line in lines if line.split()[:1] == ["bei"])
    assert "n/a" in bei and "no data date" in bei
    assert any(line.startswith("register hygiene: ") for line in lines)
    cost = next(line for line in lines if line.split()[:1] == ["mitigation_cost"])
    assert "FAIL" in cost and "OF-11, OF-30" in cost
    assert lines[-1].startswith("12 pass, 6 FAIL, 7 n/a")


def test_check_json_follows_design(capsys):
    assert main(["check", REGISTER, "--schedule", SCHEDULE, "--json", "-"]) == 1
    data = json.loads(capsys.readouterr().out)
    names = [c["name"] for c in data["checks"]]
    assert names[:14] == list(DCMA)
    for check in data["checks"]:
        assert {"name", "metric", "value", "threshold", "passed", "ids"} <= set(check)
        assert isinstance(check["passed"], bool) and isinstance(check["ids"], list)
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["lags"]["value"] == 18 / 61 and by_name["lags"]["passed"] is False
    assert by_name["cpli"]["value"] is None and by_name["cpli"]["passed"] is False
    assert by_name["cpli"]["applicable"] is False
    assert by_name["mitigation_cost"]["ids"] == ["OF-11", "OF-30"]
    assert by_name["mitigation_cost"]["subject"] == "register"


def test_check_exits_0_when_every_check_that_applies_passes(write_csv, capsys):
    path = write_csv(CLEAN, "clean.csv")
    assert main(["check", "--schedule", str(path)]) == 0
    out = capsys.readouterr().out
    assert " FAIL " not in out and "register hygiene" not in out
    assert out.splitlines()[-1] == "12 pass, 0 FAIL, 5 n/a"
    assert main(["check", "--schedule", str(path), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_check_review_dates_as_of_a_day(write_csv, capsys):
    path = write_csv("ID,Title,Owner,Probability,Cost Min,Cost ML,Cost Max,Mitigation,"
                     "Review Date\n"
                     "R1,Late permit,Ann,40%,5000,8000,15000,Early application,2027-01-10\n"
                     "R2,Crane failure,Bob,10%,2000,3000,8000,Spare crane,2027-03-01\n")
    assert main(["check", str(path), "--as-of", "2027-02-01", "--json", "-"]) == 1
    data = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert data["overdue_review"]["ids"] == ["R1"]
    assert main(["check", str(path), "--as-of", "2027-01-01"]) == 0
    capsys.readouterr()
    assert main(["check", str(path), "--as-of", "someday"]) == 2
    assert "--as-of must be a date" in capsys.readouterr().err


def test_check_bad_input_exits_2_without_a_traceback(write_csv, capsys):
    assert main(["check"]) == 2
    assert "give a risk register, a --schedule, or both" in capsys.readouterr().err
    bad = write_csv("ID,Probability,Cost,Review Date\nR1,40%,100,04/01/2027\n")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'Review Date': review date is not a date" in err
    assert "Traceback" not in err
    assert main(["check", "--schedule", str(bad.parent / "missing.csv")]) == 2


def test_simulate_warns_once_before_a_schedule_that_fails_badly(write_csv, capsys):
    path = write_csv(NO_LOGIC, "nologic.csv")
    assert main(["simulate", "--schedule", str(path), "-n", "200", "--seed", "1", "-q"]) == 0
    err = capsys.readouterr().err
    assert err.count("fails its health checks by far") == 1
    assert "logic 100.0% (4 of 4), threshold ≤ 5%" in err
    clean = write_csv(CLEAN, "clean.csv")
    assert main(["simulate", "--schedule", str(clean), "-n", "200", "--seed", "1", "-q"]) == 0
    assert "health checks" not in capsys.readouterr().err
