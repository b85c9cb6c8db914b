import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

OFFICE = str(SAMPLES / "office_fitout.csv")


def test_simulate_prints_a_table(capsys):
    assert main(["simulate", OFFICE, "-n", "2000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "p80" in out and "cost" in out and "schedule (days)" in out
    assert "contingency at P80" in out and "1 closed left out" in out


def test_simulate_json_to_stdout_is_pure_json(capsys):
    assert main(["simulate", OFFICE, "-n", "2000", "--seed", "1", "--json", "-"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["iterations"] == 2000 and data["seed"] == 1 and data["risks"] == 29
    assert data["excluded"] == 1
    assert set(data["cost"]) == {"base", "mean", "std", "p10", "p50", "p80", "p90"}
    assert set(data["schedule"]) == {"base", "mean", "std", "p10", "p50", "p80", "p90", "unit"}
    assert data["schedule"]["unit"] == "days"
    assert data["standard_errors"]["cost"]["p80"] > 0 and "method" in data["standard_errors"]
    res = rk.simulate(rk.read_register(OFFICE), iterations=2000, rng=1)
    assert data["cost"]["p80"] == res.percentile(0.8, "cost")
    assert data["cost"]["std"] == pytest.approx(res.cost.std(ddof=1))


def test_simulate_csv_and_json_files(tmp_path, capsys):
    out_json, out_csv = tmp_path / "s.json", tmp_path / "it.csv"
    code = main(["simulate", OFFICE, "-n", "1500", "--seed", "3", "--json", str(out_json),
                 "--csv", str(out_csv), "--quiet"])
    assert code == 0
    assert capsys.readouterr().out == ""
    frame = pd.read_csv(out_csv)
    assert list(frame.columns) == ["iteration", "cost", "schedule"] and len(frame) == 1500
    data = json.loads(out_json.read_text())
    assert data["cost"]["mean"] == pytest.approx(frame["cost"].mean())
    assert data["schedule"]["p50"] == pytest.approx(np.percentile(frame["schedule"], 50))


def test_mitigated_scenario_from_the_cli(capsys):
    assert main(["simulate", OFFICE, "-n", "3000", "--seed", "1", "--json", "-",
                 "--scenario", "mitigated"]) == 0
    mitigated = json.loads(capsys.readouterr().out)
    assert main(["simulate", OFFICE, "-n", "3000", "--seed", "1", "--json", "-"]) == 0
    current = json.loads(capsys.readouterr().out)
    assert mitigated["scenario"] == "mitigated"
    assert mitigated["schedule"]["mean"] < current["schedule"]["mean"]


def test_validate_reports_counts(capsys):
    assert main(["validate", OFFICE]) == 0
    out = capsys.readouterr().out
    assert "30 risks read, 1 closed" in out and "OK" in out


def test_warnings_go_to_stderr(capsys, write_csv):
    path = write_csv("ID,P,Cost Impact,Notes\nA,0.5,10,hello\nTotal,,10,\n")
    assert main(["simulate", str(path), "-n", "100", "--json", "-"]) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)
    assert "warning" in captured.err and "row 3 looks like a total" in captured.err
    assert "'Notes'" in captured.err


@pytest.mark.parametrize("argv, words", [
    (["simulate"], "give a risk register"),
    (["simulate", OFFICE, "-n", "many"], "not a whole number"),
    (["frobnicate"], "invalid choice"),
    (["simulate", OFFICE, "-n", "0"], "iterations"),
    (["simulate", "no_such_file.csv"], "file not found"),
    (["validate", OFFICE, "--map", "oops"], "--map takes"),
    (["rank", OFFICE, "-n", "auto"], "not a whole number"),  # auto is for simulate
    (["rank", OFFICE, "--start", "2027-01-04"], "--start needs --schedule"),
])
def test_usage_errors_exit_2(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_unwritable_output_exits_2(capsys, tmp_path):
    code = main(["simulate", OFFICE, "-n", "100", "--json", str(tmp_path / "no" / "x.json")])
    assert code == 2
    assert "cannot write" in capsys.readouterr().err


def test_internal_error_exits_1(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr("riskkit.cli.simulate", boom)
    assert main(["simulate", OFFICE, "-n", "10"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "kaboom" in err and "Traceback" not in err


def test_module_entry_point_and_real_process(write_csv):
    path = write_csv("ID,Probability,Cost Impact\nR1,35,100\n")
    proc = subprocess.run([sys.executable, "-m", "riskkit", "validate", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "row 2" in proc.stderr and "'Probability'" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "riskkit", "--version"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and rk.__version__ in proc.stdout


def test_options_as_people_type_them(capsys):
    assert main(["simulate", OFFICE, "-n", "1,000", "--seed", "1", "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["iterations"] == 1000
    assert main(["simulate", OFFICE, "--seed", "-1"]) == 2
    assert "--seed: must be 0 or more" in capsys.readouterr().err
    assert main(["simulate", OFFICE, "--start", "2027-01-04"]) == 2
    assert "--start needs --schedule" in capsys.readouterr().err


def test_validate_a_schedule_alone(capsys):
    assert main(["validate", "--schedule", str(SAMPLES / "it_migration_schedule.csv")]) == 0
    out = capsys.readouterr().out
    assert "34 activities" in out and "critical path: M01 > M02" in out


def test_piping_into_a_closed_reader_is_not_an_error():
    proc = subprocess.run(
        ["bash", "-c", f'set -o pipefail; "{sys.executable}" -m riskkit simulate "{OFFICE}" '
                       f'-n 200000 --csv - | head -c 10'], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_csv_named_xlsx_gets_a_hint(capsys, tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "register.xlsx"
    path.write_text("id,p\n1,2\n")
    assert main(["validate", str(path)]) == 2
    assert "a CSV file must be named .csv" in capsys.readouterr().err


def test_families_lists_every_family_from_its_record(capsys):
    assert main(["families"]) == 0
    out = capsys.readouterr().out
    for fam in rk.FAMILIES.values():
        assert fam.name in out
        assert all(alias in out for alias in fam.aliases)
        assert all(p.name in out for p in fam.parameters)
    assert "P10, mode, P90" in out  # what trigen's columns hold


def test_the_schedule_is_read_with_the_delimiter_and_decimal_given(capsys, write_csv):
    """--delimiter and --decimal apply to the schedule too (0.1 read it with --encoding
    only, and its error message advised a --decimal it then ignored)."""
    sch = write_csv("id|name|duration_min|duration_most_likely|duration_max|predecessors\n"
                    "A|Dig|1,5|2|3,5|\nB|Build|2|3|4|A\n", name="schedule.csv")
    assert main(["validate", "--schedule", str(sch), "--delimiter", "|",
                 "--decimal", ","]) == 0
    assert "2 activities, 1 link; deterministic duration 5.0 working days" in \
        capsys.readouterr().out


def test_schedule_input_and_date_options_are_on_every_command(capsys):
    # issue 16.7 and 16.17: the schedule's own input options and the date order
    for command in ("validate", "simulate", "rank", "report"):
        assert main([command, "--help"]) == 0
        text = capsys.readouterr().out
        for option in ("--schedule-map", "--schedule-sheet", "--schedule-delimiter",
                       "--schedule-decimal", "--schedule-encoding", "--hours-per-day",
                       "--days-per-week"):
            assert option in text, (command, option)
        assert ("--dayfirst" in text) == (command in ("simulate", "rank", "report"))
