"""The command line on a planning tool's schedule: every command that reads a schedule
chooses the project of a multi-project XER with ``--project``, and ``riskkit
validate`` says what the schedule holds (data date and finish, activities by kind and
progress, links by type, calendars, constraints, how many warnings).

``tests/data/two_projects.xer`` is described in tests/test_xer.py.
"""

from __future__ import annotations

import importlib
import json
import re
import warnings
from collections import Counter
from pathlib import Path

import pytest

import riskkit as rk
from riskkit.cli import COMMANDS, main
from riskkit.cli.validate import path_text

from .conftest import REALWORLD, SAMPLES

DATA = Path(__file__).resolve().parent / "data"
TWO = DATA / "two_projects.xer"
REAL = REALWORLD / "pyp6xer_SP10_cost_loaded.xer"
needs_realworld = pytest.mark.skipif(not REAL.exists(), reason="the real P6 file is absent")
REGISTER = "ID,Probability,Cost Impact,Mitigation Cost,Mitigated Probability\nR1,50%,100,10,10%\n"


def schedule(project: str | None, source: Path = TWO) -> rk.Schedule:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        return rk.read_schedule(source, project=project)


@pytest.mark.parametrize("module", COMMANDS)
def test_every_command_that_reads_a_schedule_takes_its_project(capsys, module):
    name = importlib.import_module(f"riskkit.cli.{module}").NAME
    assert main([name, "--help"]) == 0
    text = capsys.readouterr().out
    if re.search(r"--schedule(?!r)", text) or "SCHEDULE" in text:  # not --scheduler
        assert "--project NAME" in text, name


@pytest.mark.parametrize("command", ["validate", "simulate", "rank"])
def test_without_project_a_file_of_several_is_exit_2_naming_them(capsys, write_csv, command):
    register = [str(write_csv(REGISTER))] if command == "rank" else []
    runs = ["-n", "100"] if command != "validate" else []
    assert main([command, *register, "--schedule", str(TWO), *runs]) == 2
    err = capsys.readouterr().err
    assert "holds 2 projects: BRIDGE" in err and "DEPOT" in err and "Traceback" not in err


@pytest.mark.parametrize("project, other", [("BRIDGE", "DEPOT"), ("DEPOT", "BRIDGE")])
def test_simulate_and_rank_run_on_the_project_chosen(capsys, write_csv, project, other):
    sch = schedule(project)
    assert sch.duration() != schedule(other).duration()
    assert main(["simulate", "--schedule", str(TWO), "--project", project, "-n", "200",
                 "--seed", "1", "--json", "-"]) == 0
    result = json.loads(capsys.readouterr().out)
    # durations are fixed: every iteration is the plan
    assert result["schedule"]["base"] == pytest.approx(sch.duration())
    assert result["schedule"]["p90"] == pytest.approx(sch.duration())
    register = str(write_csv(REGISTER))
    assert main(["rank", register, "--schedule", str(TWO), "--project", project, "-n", "200",
                 "--seed", "1", "--json", "-"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == "R1" and row["mitigation_cost"] == 10.0


def test_validate_summarises_a_p6_project(capsys):
    assert main(["validate", "--schedule", str(TWO), "--project", "BRIDGE"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"{TWO}: 8 activities, 10 links; deterministic duration 11.0 "
                               "working days")
    assert lines[1:8] == [
        "  data date 2027-01-04; finish 2027-01-19 16:00 (deterministic, on the activities' "
        "calendars)",
        "  activities: 6 tasks, 1 start milestone, 1 finish milestone; 6 not started, "
        "1 complete, 1 in progress",
        # B1000 FS+80h, B1010 SS+16h, B1020 FF+24h, B1030 SF+40h, B1020 FS-8h
        "  links: 7 FS, 1 SS, 1 FF, 1 SF; 4 with a lag; 1 with a lead (a negative lag)",
        "  calendars (activities on each): '5 Tage – mit Feiertagen' 8; the schedule's, whose "
        "working days durations count: '5 Tage – mit Feiertagen', 8 hours a day",
        "  critical path: B1000 > B1010 > B1020 > B1030 > B1040 > B1050",
        "  2 warnings about the schedule (on standard error)",
        "  OK"]
    assert captured.err.count("riskkit: warning:") == 2
    assert "open starts: B1000, B1005" in captured.err


def test_validate_names_constraints_calendars_and_the_deadline(capsys):
    assert main(["validate", "--schedule", str(TWO), "--project", "DEPOT"]) == 0
    out = capsys.readouterr().out
    assert ("  data date 2027-03-01; finish 2027-03-19 16:00 (deterministic, on the "
            "activities' calendars); must finish by 2027-06-30 16:00") in out
    assert ("  activities: 2 tasks, 1 level of effort, 1 finish milestone; 4 not started"
            in out)
    assert "  calendars (activities on each): '5 Tage – mit Feiertagen' 3, '7 days' 1;" in out
    assert "  constraints: 1 start on or after, 1 as late as possible\n" in out


def test_validate_of_a_csv_schedule_says_what_it_always_did(capsys):
    assert main(["validate", "--schedule", str(SAMPLES / "office_fitout_schedule.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[1].startswith("  critical path: A01 > A02 > ")
    assert lines[2] == "  OK"


def test_a_long_critical_path_is_cut_to_its_start_and_end():
    ids = [f"ACT-{i:04d}" for i in range(300)]
    text = path_text(ids)
    assert text.startswith("ACT-0000 > ACT-0001 > ") and text.endswith(
        " > … > ACT-0299 (300 activities)")
    assert len(text) < 150
    assert path_text(ids[:5]) == " > ".join(ids[:5])
    assert path_text([]) == "none (every activity has float)"


@needs_realworld
def test_validate_summarises_the_real_p6_file(capsys):
    sch = schedule(None, REAL)
    assert main(["validate", "--schedule", str(REAL)]) == 0
    out = capsys.readouterr().out
    kinds = Counter(a.kind for a in sch.activities)
    assert kinds["finish_milestone"] == 1037 and kinds["task"] == 2635
    assert (f"  activities: 2,635 tasks, 1,037 finish milestones, "
            f"{kinds['start_milestone']:,} start milestones") in out
    assert "; 3,301 not started, 523 complete, 170 in progress\n" in out
    assert "  data date 2017-09-16; finish 2023-01-13 17:00" in out  # P6's finish day
    assert "'HS2 - 8h x 7d Workweek (No Holidays)' 659" in out
    constraints = Counter(c.kind for a in sch.activities for c in a.constraints)
    assert f"  constraints: {constraints['finish_on']:,} finish on, " in out
    (path,) = [line for line in out.splitlines() if line.startswith("  critical path:")]
    assert len(path) < 250 and path.endswith(f"({len(sch.critical_path()):,} activities)")
