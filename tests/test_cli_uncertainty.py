"""--uncertainty on the command line (issue 18 part 5)."""

from __future__ import annotations

import json
import math

import pytest

from riskkit.cli import main

DURATIONS = [4.0, 10.0, 7.0, 3.0, 12.0]


@pytest.fixture
def chain(write_csv):
    rows = [f"A{i},{d:g},{'' if i == 0 else f'A{i - 1}'}" for i, d in enumerate(DURATIONS)]
    return str(write_csv("id,duration,predecessors\n" + "\n".join(rows) + "\n", "chain.csv"))


def test_simulate_with_a_range_for_every_activity(chain, capsys):
    n = 20_000
    assert main(["simulate", "--schedule", chain, "--uncertainty", "90,100,130", "-n",
                 str(n), "--seed", "3", "--sampling", "random", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    mean = sum(d * 3.2 / 3 for d in DURATIONS)  # triangular means: (0.9 + 1 + 1.3) d / 3
    var = sum(d * d * (0.81 + 1 + 1.69 - 0.9 - 1.17 - 1.3) / 18 for d in DURATIONS)
    assert data["schedule"]["base"] == pytest.approx(sum(DURATIONS))
    assert abs(data["schedule"]["mean"] - mean) < 4 * math.sqrt(var / n)


def test_simulate_says_what_it_applied(chain, capsys):
    assert main(["simulate", "--schedule", chain, "--uncertainty", "pert:90,100,130", "-n",
                 "500", "--seed", "1"]) == 0
    assert "5 activities (durations --uncertainty pert:90,100,130)" in capsys.readouterr().out


def test_an_uncertainty_file_with_rank_and_validate(chain, write_csv, capsys):
    rules = str(write_csv("wbs,min_pct,most_likely_pct,max_pct\n,90,100,130\n", "u.csv"))
    register = str(write_csv("id,probability,schedule_impact,mitigation_cost,"
                             "mitigated_probability,activities\nR1,0.5,4,1000,0.1,A2\n",
                             "reg.csv"))
    assert main(["validate", register, "--schedule", chain, "--uncertainty", rules,
                 "-q"]) == 0
    assert main(["rank", register, "--schedule", chain, "--uncertainty", rules, "-n",
                 "2000", "--seed", "1", "--json", "-"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["id"] == "R1" and row["expected_delay_reduction"] > 0


def test_bad_uncertainty_exits_2_naming_the_cell(chain, write_csv, capsys):
    rules = str(write_csv("wbs,min_pct,most_likely_pct,max_pct\n,90,100,lots\n", "u.csv"))
    assert main(["simulate", "--schedule", chain, "--uncertainty", rules]) == 2
    err = capsys.readouterr().err
    assert "u.csv, row 2, column 'max_pct'" in err and "Traceback" not in err
    assert main(["simulate", "--schedule", chain, "--uncertainty", "0.9,1,1.3"]) == 2
    assert "would be 0.9%, 1%, 1.3%" in capsys.readouterr().err
    assert main(["simulate", "--uncertainty", "90,100,130", "x.csv"]) == 2
    assert "--uncertainty needs --schedule" in capsys.readouterr().err
