"""Mitigations across a portfolio: ranked on common random numbers against the
portfolio's own run, and chosen under one budget (a case whose optimum is worked out by
hand, a shared risk's mitigation paid once, the budget respected on the sample)."""

import json
from pathlib import Path

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main

from .conftest import SAMPLES

MANIFEST = str(Path(SAMPLES) / "portfolio" / "portfolio.csv")
HEAD = "id,title,probability,cost_impact,mitigation,mitigation_cost,mitigated_cost_impact\n"


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory):
    """Certain risks with fixed impacts, so every benefit is exact:

    ====  ======  ======  =======  ====
    key   impact  after   cost     net
    ====  ======  ======  =======  ====
    P1 R1   100     40      30      30
    P1 R2    50      0      45       5
    P2 R1    80     20      50      10
    P2 R3    25      0      20       5
    * S1   30 in P1 and 30 in P2 → 0, 45 once: benefit 60, net 15
    ====  ======  ======  =======  ====
    """
    folder = tmp_path_factory.mktemp("hand")
    (folder / "p1.csv").write_text(HEAD + "R1,First,100%,100,m1,30,40\n"
                                          "R2,Second,100%,50,m2,45,0\n")
    (folder / "p2.csv").write_text(HEAD + "R1,Same id in P2,100%,80,m3,50,20\n"
                                          "R3,Third,100%,25,m4,20,0\n")
    (folder / "shared.csv").write_text(
        "id,title,project,probability,cost_impact,mitigation,mitigation_cost,"
        "mitigated_cost_impact\nS1,Shared,P1; P2,100%,30,m5,45,0\n")
    (folder / "manifest.csv").write_text("project,programme,register\nP1,A,p1.csv\n"
                                         "P2,A,p2.csv\n*,,shared.csv\n")
    pf = rk.read_portfolio(folder / "manifest.csv")
    return folder / "manifest.csv", rk.rank_portfolio_mitigations(pf, iterations=500, rng=1)


def _funded(selection):
    return set(selection.labels)


def test_single_figures_are_exact(by_hand):
    _, ranking = by_hand
    table = ranking.table.set_index(["project", "id"])
    expected = {("P1", "R1"): (30, 60), ("P1", "R2"): (45, 50), ("P2", "R1"): (50, 60),
                ("P2", "R3"): (20, 25), ("*", "S1"): (45, 60)}
    assert set(table.index) == set(expected)
    for key, (cost, benefit) in expected.items():
        row = table.loc[key]
        assert row["mitigation_cost"] == cost
        assert row["expected_cost_reduction"] == pytest.approx(benefit, abs=1e-9)
        assert row["p80_cost_reduction"] == pytest.approx(benefit, abs=1e-9)
        assert row["net_benefit"] == pytest.approx(benefit - cost, abs=1e-9)
    # best value for money first: 2.0, 1.33 (S1), 1.25, 1.2, 1.11
    assert list(zip(ranking.table["project"], ranking.table["id"])) == [
        ("P1", "R1"), ("*", "S1"), ("P2", "R3"), ("P2", "R1"), ("P1", "R2")]


@pytest.mark.parametrize("budget, funded, net", [
    # 75 buys R1 and the shared S1 (45 once; paid per project it would be 90): net 45
    (75, {"P1: R1", "*: S1"}, 45.0),
    # one less, and the best is R1 with P2's R3 (cost 50, net 35)
    (74, {"P1: R1", "P2: R3"}, 35.0),
    (29, {"P2: R3"}, 5.0),
    (0, set(), 0.0),
    # no limit: every mitigation adds net value
    (None, {"P1: R1", "P1: R2", "P2: R1", "P2: R3", "*: S1"}, 65.0),
])
def test_the_optimum_worked_out_by_hand(by_hand, budget, funded, net):
    _, ranking = by_hand
    chosen = rk.select_portfolio_mitigations(ranking, budget)
    assert _funded(chosen) == funded
    assert chosen.net_benefit == pytest.approx(net, abs=1e-9)
    assert chosen.mitigation_cost <= (np.inf if budget is None else budget)


def test_benefit_objective_spends_on_gross_benefit(by_hand):
    _, ranking = by_hand
    # within 95: R1 + S1 + R3 (cost 95, benefit 145) beats every other set
    chosen = rk.select_portfolio_mitigations(ranking, 95, objective="benefit")
    assert _funded(chosen) == {"P1: R1", "*: S1", "P2: R3"}
    assert chosen.total_benefit == pytest.approx(145, abs=1e-9)


@pytest.fixture(scope="module")
def sample():
    pf = rk.read_portfolio(MANIFEST)
    return pf, rk.rank_portfolio_mitigations(pf, iterations=4_000, rng=7)


def test_baseline_is_the_portfolio_run(sample):
    pf, ranking = sample
    res = rk.simulate_portfolio(pf, iterations=4_000, rng=7)
    cost, finish = res.portfolio.statistics("cost"), res.portfolio.statistics("schedule")
    assert ranking.baseline.mean_cost == cost["mean"]
    assert ranking.baseline.percentile_cost == cost["p80"]
    assert ranking.baseline.mean_schedule == finish["mean"]
    assert ranking.baseline.percentile_schedule == finish["p80"]


def test_a_project_alone_ranks_as_rank_mitigations(sample):
    pf, _ = sample
    project = pf.project("Leeds fit-out")  # no schedule, no shared risk with a mitigation
    alone = rk.rank_portfolio_mitigations(rk.Portfolio((project,)), iterations=4_000, rng=7)
    own = rk.rank_mitigations(project.register, iterations=4_000, rng=7,
                              value_per_day=project.value_per_day)
    a = alone.table.set_index("id").sort_index()
    b = own.table.set_index("id").sort_index()
    for col in ("mitigation_cost", "expected_cost_reduction", "p80_cost_reduction",
                "expected_delay_reduction", "total_benefit", "net_benefit"):
        np.testing.assert_allclose(a[col], b[col], rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("budget", [0, 5_000, 60_000])
@pytest.mark.parametrize("objective", ["net", "benefit"])
def test_the_sample_selection_stays_within_the_budget(sample, budget, objective):
    _, ranking = sample
    chosen = rk.select_portfolio_mitigations(ranking, budget, objective=objective)
    assert chosen.mitigation_cost <= budget + 1e-9
    assert chosen.table["mitigation_cost"].sum() == pytest.approx(chosen.mitigation_cost)
    if objective == "net" and len(chosen):
        assert chosen.net_benefit > 0
        # mitigations across several projects compete for the one budget
        assert len(chosen.by_project()) > 1


def test_nothing_funded_destroys_value(sample):
    pf, ranking = sample
    chosen = rk.select_portfolio_mitigations(ranking, 20_000)
    ev = ranking.evaluator
    keys = {f"{p}: {i}" for p, i in zip(chosen.table["project"], chosen.table["id"])}
    whole = ev.one(keys)
    for k in keys:  # each funded mitigation adds net value given the others
        assert ev.one(keys - {k}).net < whole.net


def test_bad_budget_and_objective(by_hand):
    _, ranking = by_hand
    with pytest.raises(rk.OptionError, match="budget"):
        rk.select_portfolio_mitigations(ranking, -1)
    with pytest.raises(rk.OptionError, match="objective"):
        rk.select_portfolio_mitigations(ranking, 10, objective="most")


def test_cli_mitigation_budget(by_hand, capsys):
    manifest, _ = by_hand
    assert main(["portfolio", str(manifest), "-n", "500", "--seed", "1",
                 "--mitigation-budget", "75", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)["mitigations"]
    sel = data["selection"]
    assert sel["mitigation_cost"] == 75 and sel["net_benefit"] == pytest.approx(45)
    assert {(f["project"], f["id"]) for f in sel["funded"]} == {("P1", "R1"), ("*", "S1")}
    assert [r["funded"] for r in data["ranking"]] == [True, True, False, False, False]
    assert main(["portfolio", str(manifest), "-n", "500", "--seed", "1", "--rank",
                 "--mitigation-budget", "75"]) == 0
    out = capsys.readouterr().out
    assert "mitigations across the portfolio (5)" in out
    assert "Fund 2 mitigations in 1 project and 1 shared risk" in out


def test_cli_bad_mitigation_budget_exits_2(by_hand, capsys):
    manifest, _ = by_hand
    assert main(["portfolio", str(manifest), "--mitigation-budget", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--mitigation-budget" in err and "'-5'" in err and "Traceback" not in err


def test_with_a_matrix_between_projects_the_baseline_is_the_correlated_run(tmp_path):
    import pandas as pd

    folder = tmp_path
    (folder / "a.csv").write_text(
        "id,probability,cost_min,cost_most_likely,cost_max,mitigation_cost,"
        "mitigated_probability\nR1,50%,100,200,400,10,10%\nR2,30%,50,60,90,,\n")
    (folder / "b.csv").write_text(
        "id,probability,cost_min,cost_most_likely,cost_max,mitigation_cost,"
        "mitigated_probability\nR1,40%,300,500,900,20,20%\n")
    (folder / "m.csv").write_text("project,programme,register\nA,X,a.csv\nB,X,b.csv\n")
    pf = rk.read_portfolio(folder / "m.csv")
    matrix = pd.DataFrame([[1.0, 0.7], [0.7, 1.0]], index=["A", "B"], columns=["A", "B"])
    res = rk.simulate_portfolio(pf, iterations=3_000, rng=4, correlation=matrix)
    ranking = rk.rank_portfolio_mitigations(pf, iterations=3_000, rng=4,
                                            correlation=matrix)
    assert ranking.baseline.percentile_cost == res.portfolio.statistics("cost")["p80"]
    # a mitigation's expected cut is its project's, whatever the pairing
    alone = rk.rank_mitigations(pf.project("B").register, iterations=3_000, rng=4)
    row = ranking.table.set_index(["project", "id"]).loc[("B", "R1")]
    assert row["expected_cost_reduction"] == pytest.approx(
        alone.table.set_index("id").loc["R1", "expected_cost_reduction"], rel=1e-12)
