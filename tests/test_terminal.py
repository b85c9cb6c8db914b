"""What the terminal and a notebook print (#17.4, and #17.3's milestones for the command
line): amounts in the register's currency, no scientific notation, no row for a metric
the inputs do not model, a seed a person can retype, milestones out of "most critical"."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit import _format as fmt
from riskkit.cli import main

from .conftest import SAMPLES

OFFICE = str(SAMPLES / "office_fitout.csv")
OFFICE_EU = str(SAMPLES / "office_fitout_eu.csv")  # amounts written "€ 40.000,00"
OFFICE_SCHEDULE = str(SAMPLES / "office_fitout_schedule.csv")
IT_EU = SAMPLES / "it_migration_eu.csv"
IT_SCHEDULE = SAMPLES / "it_migration_schedule.csv"
SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")
FRESH_SEEDS = range(10_000_000, 100_000_000)  # eight digits: riskkit.seeds.FRESH_SEEDS

COST_ONLY = ('id,title,probability,cost_min,cost_most_likely,cost_max,mitigation_cost,'
             'mitigated_probability\n'
             'C1,Steel price rise,40%,"£20,000","£50,000","£120,000","£5,000",20%\n'
             'C2,Design fee overrun,25%,"£10,000","£15,000","£40,000","£2,000",10%\n')


@pytest.fixture(scope="module")
def eu_result():
    return rk.simulate(rk.read_register(IT_EU), rk.read_schedule(IT_SCHEDULE),
                       iterations=4_000, rng=7)


# -- summary() and the CLI tables --------------------------------------------------

def test_summary_reads_in_the_currency_without_scientific_notation(eu_result):
    s = eu_result.summary()
    text, page = repr(s), s._repr_html_()
    assert not SCIENTIFIC.search(text) and not SCIENTIFIC.search(page)
    assert "cost (€)" in text and "cost (€)" in page and "schedule (days)" in text
    p80 = s.loc["cost", "p80"]
    assert f"{p80:,.0f}" in text  # whole currency units with thousands separators
    assert f"{s.loc['schedule', 'p80']:,.1f}" in text  # days to one decimal
    # the data is still the floats of the contract
    assert isinstance(s, pd.DataFrame) and s.dtypes.eq(float).all()
    assert p80 == eu_result.percentile(0.8, "cost")
    assert type(s.loc[["cost"]]) is pd.DataFrame  # derived frames are plain


def test_result_views_carry_the_currency(eu_result):
    p80 = fmt.amount(eu_result.percentile(0.8, "cost"), "€")
    assert f"P80 cost={p80}" in repr(eu_result)
    page = eu_result._repr_html_()
    assert p80 in page and not SCIENTIFIC.search(page)


def test_cli_tables_carry_the_register_currency(capsys):
    assert main(["simulate", OFFICE_EU, "--schedule", OFFICE_SCHEDULE, "-n", "2000",
                 "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^cost \(€\)\s+1,793,500 ", out, re.M)
    assert re.search(r"contingency at P80: cost €[\d,]+, schedule [\d.]+ days", out)
    assert not SCIENTIFIC.search(out)
    # --currency names the amounts of a register that writes none
    assert main(["simulate", OFFICE, "-n", "2000", "--seed", "1", "--currency", "£"]) == 0
    assert re.search(r"^cost \(£\)\s+0 ", capsys.readouterr().out, re.M)


def test_cost_only_register_prints_no_schedule_row(capsys, write_csv):
    path = write_csv(COST_ONLY)
    res = rk.simulate(rk.read_register(path), iterations=2_000, rng=2)
    assert res.metrics == ("cost",) and res.idle("schedule")
    shown = repr(res.summary())
    assert "schedule (days)" not in shown and "schedule not shown" in shown
    assert res.summary().loc["schedule", "p80"] == 0  # the zeros stay in the data
    assert main(["simulate", str(path), "-n", "2000", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "cost (£)" in out and "schedule (days)" not in out
    assert "schedule not shown: no risk has a schedule impact" in out
    after = out.split("every iteration\n")[1]
    assert after.startswith("contingency at P80: cost £") and "days" not in after
    assert main(["rank", str(path), "-n", "2000", "--seed", "2", "--frontier"]) == 0
    out = capsys.readouterr().out
    assert "E[days cut]" not in out and "delay" not in out and "P80 finish" not in out
    assert "Amounts in £" in out and "net £" in out


def test_a_register_with_delays_only_prints_no_cost_row(capsys, write_csv):
    path = write_csv("id,probability,schedule_min,schedule_most_likely,schedule_max\n"
                     "D1,0.5,5,10,20\n")
    assert main(["simulate", str(path), "-n", "1000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert not re.search(r"^cost \(|^cost\s+\d", out, re.M) and "cost not shown" in out
    assert "1 risk;" in out
    assert "schedule (days)" in out


def test_json_carries_the_currency(capsys):
    for argv, currency in (([OFFICE_EU], "EUR"), ([OFFICE], None),
                           ([OFFICE, "--currency", "£"], "GBP"),
                           ([OFFICE, "--currency", "CHF "], "CHF")):
        assert main(["simulate", *argv, "-n", "500", "--seed", "1", "--json", "-"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["currency"] == currency, argv
        assert set(data["cost"]) == {"base", "mean", "std", "p10", "p50", "p80", "p90"}


def test_amounts_for_lines_of_text():
    assert fmt.amount(499_817.4, "£") == "£499,817" and fmt.amount(-582, "£") == "-£582"
    assert fmt.amount(-0.3) == "0" and fmt.amount(12_345_678.9, "CHF ") == "CHF 12,345,679"
    assert [fmt.currency_code(c) for c in ("£", "€", "CHF ", "usd", None, " ")] == [
        "GBP", "EUR", "CHF", "USD", None, None]


# -- seeds -------------------------------------------------------------------------

def test_an_unseeded_run_reports_a_seed_that_can_be_retyped_and_repeats_it():
    reg = rk.read_register(OFFICE)
    res = rk.simulate(reg, iterations=3_000)
    assert res.seed in FRESH_SEEDS and len(str(res.seed)) == 8
    assert rk.seeds.FRESH_SEEDS == FRESH_SEEDS
    again = rk.simulate(reg, iterations=3_000, rng=res.seed)
    np.testing.assert_array_equal(res.cost, again.cost)
    np.testing.assert_array_equal(res.schedule, again.schedule)
    ranking = rk.rank_mitigations(reg, iterations=500)
    assert ranking.seed in FRESH_SEEDS


def test_the_cli_prints_the_seed_of_an_unseeded_run_and_it_repeats_the_run(capsys):
    assert main(["simulate", OFFICE, "-n", "2000", "--json", "-"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["seed"] in FRESH_SEEDS
    assert main(["simulate", OFFICE, "-n", "2000", "--seed", str(first["seed"]),
                 "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == first
    assert main(["simulate", OFFICE, "-n", "500"]) == 0
    assert re.search(r"seed \d{8}, scenario", capsys.readouterr().out)


# -- milestones --------------------------------------------------------------------

def test_milestones_are_left_out_of_most_critical_lists(capsys, write_csv):
    sch = write_csv("id,name,duration_min,duration_most_likely,duration_max,predecessors\n"
                    "T01,Project start,0,0,0,\n"
                    "T02,Survey,4,5,8,T01\n"
                    "T03,Design,8,10,15,T01\n"
                    "T04,Build,15,20,30,T02; T03\n"
                    "T05,Handover,0,0,0,T04\n", name="schedule.csv")
    res = rk.simulate(None, rk.read_schedule(sch), iterations=2_000, rng=1)
    assert res.milestones == ("T01", "T05")
    assert list(res.activity_table()["id"])[:2] == ["T03", "T04"]  # both 100%, by finish
    assert not {"T01", "T05"} & set(res.activity_table()["id"])
    everything = res.activity_table(milestones=True)
    assert set(everything["id"]) == {"T01", "T02", "T03", "T04", "T05"}
    assert everything["criticality"].iloc[0] == 1.0
    assert "milestones left out" in res._repr_html_()
    assert main(["simulate", "--schedule", str(sch), "-n", "2000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    listed = out.split("most critical activities")[1]
    assert "milestones left out: T01, T05" in listed
    assert "Project start" not in listed and "Handover" not in listed
    assert re.search(r"^\s+100%\s+T04\s+Build$", listed, re.M)


def test_the_bundled_schedule_lists_no_milestone_as_most_critical(capsys):
    assert main(["simulate", OFFICE, "--schedule", OFFICE_SCHEDULE, "-n", "2000",
                 "--seed", "1"]) == 0
    listed = capsys.readouterr().out.split("most critical activities")[1]
    assert "(milestone)" not in listed and "A01" not in listed.splitlines()[1]


def test_an_unseeded_pack_names_its_seed_and_that_seed_repeats_it(capsys, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, again = tmp_path / "first.pdf", tmp_path / "again.pdf"
    assert main(["report", OFFICE, "-n", "1000", "-o", str(first)]) == 0
    seed = re.search(r"\(1,000 iterations, seed (\d+)\)", capsys.readouterr().out)
    assert seed and int(seed[1]) in FRESH_SEEDS
    assert main(["report", OFFICE, "-n", "1000", "--seed", seed[1], "-o", str(again)]) == 0
    assert first.read_bytes() == again.read_bytes()
