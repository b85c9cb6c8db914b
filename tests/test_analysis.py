import dataclasses
import itertools
import json

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis import columns, knapsack
from riskkit.analysis.ranking import order
from riskkit.cli import main

from .conftest import SAMPLES

HAND = pd.DataFrame({
    "id": ["A", "B", "C"], "probability": [0.4, 0.4, 0.4], "cost_impact": [2000] * 3,
    "mitigation_cost": [50, 900, 200], "mitigated_probability": [0.1, 0.1, np.nan],
    "mitigated_cost_impact": [np.nan, np.nan, 1000],
})


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_hand_computable_ranking(sampling):
    n = 20_000
    ranking = rk.rank_mitigations(rk.read_register(HAND), iterations=n, rng=4,
                                  sampling=sampling).to_frame().set_index("id")
    # per-iteration reduction: 2000 x Bernoulli(0.3) for A and B, 1000 x Bernoulli(0.4) for C
    for rid, exact, sd in [("A", 600, 2000 * np.sqrt(0.21)), ("B", 600, 2000 * np.sqrt(0.21)),
                           ("C", 400, 1000 * np.sqrt(0.24))]:
        assert abs(ranking.loc[rid, "expected_cost_reduction"] - exact) < 3 * sd / np.sqrt(n)
    assert ranking.loc[["A", "C", "B"], "rank"].tolist() == [1, 2, 3]
    b = ranking.loc["B"]
    assert b["benefit_cost_ratio"] < 1 and b["net_benefit"] < 0
    assert ranking.loc["A", "net_benefit"] == pytest.approx(
        ranking.loc["A", "total_benefit"] - 50)


def test_a_mitigation_that_changes_nothing_saves_exactly_zero():
    reg = rk.read_register(pd.DataFrame({
        "id": ["A", "B"], "probability": [0.3, 0.5], "cost_min": [1, 10],
        "cost_most_likely": [5, 20], "cost_max": [9, 90], "schedule_impact": [2, 3],
        "mitigation": ["Talk about it", "Fix it"], "mitigated_probability": [np.nan, 0.2]}))
    ranking = rk.rank_mitigations(reg, iterations=30_000, rng=2).to_frame().set_index("id")
    for col in ("expected_cost_reduction", "p80_cost_reduction", "expected_delay_reduction",
                "p80_delay_reduction", "total_benefit"):
        assert ranking.loc["A", col] == 0.0
    assert ranking.loc["B", "expected_cost_reduction"] > 0


def test_rankings_are_stable_across_seeds():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    orders = [rk.rank_mitigations(reg, iterations=20_000, rng=s, value_per_day=3000).ids[:8]
              for s in (1, 2)]
    assert orders[0] == orders[1]


def test_float_absorbs_a_schedule_risk_so_its_mitigation_saves_no_days():
    sch = rk.read_schedule(pd.DataFrame({"id": ["A", "B", "C"], "duration": [10, 4, 1],
                                         "predecessors": ["", "", "A; B"]}))
    reg = rk.read_register(pd.DataFrame({
        "id": ["R", "S"], "probability": [0.5, 0.5], "schedule_impact": [5, 5],
        "activities": ["B", "A"], "mitigation_cost": [100, 100],
        "mitigated_schedule_impact": [1, 1]}))
    ranking = rk.rank_mitigations(reg, sch, iterations=10_000, rng=1).to_frame().set_index("id")
    assert ranking.loc["R", "expected_delay_reduction"] == 0  # B has 6 days of float
    assert ranking.loc["R", "p80_delay_reduction"] == 0
    assert ranking.loc["S", "expected_delay_reduction"] == pytest.approx(0.5 * 4, abs=0.05)


def test_removing_each_risk_matches_a_full_resimulation():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    n = 3_000
    drivers = rk.risk_drivers(reg, sch, iterations=n, rng=7).to_frame().set_index("id")
    base = rk.simulate(reg, sch, iterations=n, rng=7)
    for rid in drivers.index:
        without = rk.simulate(rk.read_register(reg.frame[reg.frame["id"] != rid]), sch,
                              iterations=n, rng=7)
        expected = base.cost.mean() - without.cost.mean()
        assert drivers.loc[rid, "expected_cost_reduction"] == pytest.approx(expected, abs=0.05)
        p80 = base.percentile(0.8, "schedule") - without.percentile(0.8, "schedule")
        assert drivers.loc[rid, "p80_delay_reduction"] == pytest.approx(p80, abs=1e-3)


def test_variants_over_several_blocks_match_full_resimulations():
    from riskkit.sim import simulate_variants

    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    active = [r.id for r in reg.active_risks]
    picks = [0, 5, 10, 20]  # on activities, on activities, cost only, finish delay
    n = 70_000  # two random-number blocks
    run = simulate_variants(reg, sch, [{active[i]: "removed"} for i in picks]
                            + [{rid: "mitigated" for rid in active}],
                            iterations=n, rng=3)
    for v, i in enumerate(picks):
        rid = active[i]
        full = rk.simulate(rk.read_register(reg.frame[reg.frame["id"] != rid]), sch,
                           iterations=n, rng=3)
        cost, sched = run.totals(v)
        np.testing.assert_allclose(cost, full.cost, atol=0.05)  # float32 durations
        np.testing.assert_allclose(sched, full.schedule, atol=1e-3)
    mitigated = rk.simulate(reg, sch, iterations=n, rng=3, scenario="mitigated")
    cost, sched = run.totals(len(picks))
    np.testing.assert_allclose(cost + mitigated.mitigation_cost, mitigated.cost, atol=0.05)
    np.testing.assert_allclose(sched, mitigated.schedule, atol=1e-3)


def test_ranking_order_rule():
    """Free mitigations that help first, then by benefit/cost ratio (ties by net
    benefit, then register order), free ones that do not help last."""
    cost = np.array([100.0, 0.0, 200.0, 50.0, 0.0, 100.0, 100.0])
    benefit = np.array([300.0, 10.0, 600.0, 150.0, 0.0, 50.0, 300.0])
    frame = pd.DataFrame({
        "id": list("ABCDEFG"), "mitigation_cost": cost, "total_benefit": benefit,
        "net_benefit": benefit - cost,
        "benefit_cost_ratio": np.where(cost > 0, benefit / np.where(cost > 0, cost, 1.0),
                                       np.nan)})
    # ratio 3 for A, C, D and G: C (net 400) before A and G (net 200, register order)
    # before D (net 100); F has ratio 0.5; B is free and helps; E is free and does not
    assert list(order(frame)["id"]) == ["B", "C", "A", "G", "D", "F", "E"]


def test_no_mitigations_and_no_occurrences_give_empty_or_zero_tables(tmp_path, capsys):
    """A register without mitigations ranks nothing; a risk that never occurs is
    removed at no effect (review finding: both raised IndexError)."""
    frame = pd.DataFrame({"id": ["A", "B"], "probability": [0.3, 0.5],
                          "cost_impact": [100.0, 200.0]})
    ranking = rk.rank_mitigations(rk.read_register(frame), iterations=1_000, rng=1)
    assert len(ranking) == 0 and ranking.all_mitigations.ids == ()
    never = rk.read_register(frame.assign(probability=0.0))
    drivers = rk.risk_drivers(never, iterations=100, rng=1)
    assert (drivers.table[["expected_cost_reduction", "p80_cost_reduction"]] == 0).all().all()
    frame.to_csv(tmp_path / "plain.csv", index=False)
    assert main(["rank", str(tmp_path / "plain.csv"), "--iterations", "500"]) == 0
    assert "internal error" not in capsys.readouterr().err


def test_risk_drivers_columns_and_order():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    result = rk.risk_drivers(reg, iterations=5_000, rng=1)
    drivers = result.to_frame()
    assert list(drivers.columns) == list(columns.drivers_columns(0.8))
    assert drivers["p80_cost_reduction"].is_monotonic_decreasing
    assert drivers["cost_variance_share"].sum() == pytest.approx(1)
    assert drivers["cost_spearman"].between(-1, 1).all()
    # OF-06 (P 0.5, 20k-110k) drives the cost more than OF-27 (P 0.15, 1k-5k)
    top = list(result.ids)
    assert top.index("OF-06") < top.index("OF-27")
    assert "Risk drivers" in result._repr_html_()
    by_schedule = rk.risk_drivers(reg, iterations=5_000, rng=1, metric="schedule")
    assert by_schedule.reduction_column() == "p80_delay_reduction"
    assert by_schedule.to_frame()["p80_delay_reduction"].is_monotonic_decreasing
    at_90 = rk.risk_drivers(reg, iterations=5_000, rng=1, percentile=0.9)
    assert at_90.reduction_column() == "p90_cost_reduction" in at_90.to_frame()


def test_knapsack_matches_brute_force():
    g = np.random.default_rng(3)
    for _ in range(20):
        values = g.uniform(-100, 1000, 10).round(0)
        weights = g.uniform(0, 500, 10).round(0)
        weights[g.random(10) < 0.1] = 0
        budget = float(g.uniform(200, 1500))
        best = 0.0
        for mask in itertools.product([False, True], repeat=10):
            m = np.array(mask)
            if weights[m].sum() <= budget:
                best = max(best, values[m].sum())
        pick = knapsack(values, weights, budget)
        assert weights[pick].sum() <= budget
        assert values[pick].sum() == pytest.approx(best)


def test_select_mitigations_with_confirmation():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    sch = rk.read_schedule(SAMPLES / "it_migration_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=3_000, rng=1, value_per_day=4000)
    chosen = rk.select_mitigations(ranking, 60_000, sch, register=reg, value_per_day=4000)
    table = chosen.to_frame()
    assert table["mitigation_cost"].sum() == chosen.mitigation_cost <= 60_000
    assert chosen.additive_total_benefit == pytest.approx(table["total_benefit"].sum())
    assert chosen.confirmed is not None and chosen.confirmed.total_benefit > 0
    # on the ranking's random numbers by default: the same as giving its seed
    again = rk.select_mitigations(ranking, 60_000, sch, register=reg, value_per_day=4000,
                                  iterations=3_000, rng=ranking.seed_sequence)
    assert again.confirmed == chosen.confirmed
    # the ranking's value of a day and its random numbers unless told otherwise
    implied = rk.select_mitigations(ranking, 60_000, sch, register=reg)
    assert implied.confirmed == chosen.confirmed
    assert implied.confirmed is not None and implied.confirmed.value_per_day == 4000
    assert implied.seed_sequence is ranking.seed_sequence
    # brute force over the ten best-ratio mitigations with the rest fixed out
    sub = dataclasses.replace(ranking, table=ranking.table.head(10))
    best = max(
        sub.table["total_benefit"][list(m)].sum()
        for m in itertools.product([False, True], repeat=10)
        if sub.table["mitigation_cost"][list(m)].sum() <= 20_000)
    picked = rk.select_mitigations(sub, 20_000, objective="benefit")
    assert picked.additive_total_benefit == pytest.approx(best)
    assert not picked.joint  # a ranking alone: the single figures are added, and it says so
    best_net = max(
        sub.table["net_benefit"][list(m)].sum()
        for m in itertools.product([False, True], repeat=10)
        if sub.table["mitigation_cost"][list(m)].sum() <= 20_000)
    net = rk.select_mitigations(sub, 20_000)
    assert net.to_frame()["net_benefit"].sum() == pytest.approx(best_net)
    assert (net.to_frame()["net_benefit"] > 0).all()
    with pytest.raises(rk.OptionError, match="budget"):
        rk.select_mitigations(ranking, -1)


def test_rank_cli_json_and_budget(capsys, tmp_path):
    out_csv = tmp_path / "rank.csv"
    argv = ["rank", str(SAMPLES / "office_fitout.csv"), "-n", "2000", "--seed", "3",
            "--json", "-", "--csv", str(out_csv), "--budget", "20000",
            "--value-per-day", "2500"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)
    keys = {"id", "title", "mitigation_cost", "expected_cost_reduction", "p80_cost_reduction",
            "expected_delay_reduction", "p80_delay_reduction", "total_benefit", "net_benefit",
            "benefit_cost_ratio", "rank", "funded"}
    assert keys <= set(rows[0])
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    free = [r for r in rows if r["mitigation_cost"] == 0]
    assert all(r["benefit_cost_ratio"] is None for r in free)
    assert pd.read_csv(out_csv)["funded"].any()
    assert main(["rank", str(SAMPLES / "office_fitout.csv"), "-n", "1000", "--seed", "1"]) == 0
    table = capsys.readouterr().out
    assert "all 26 mitigations together" in table and "ratio" in table
    # gross cuts say so; the summary gives the expected delay cut too
    assert "before their cost" in table and "the expected delay by" in table
    assert main(["rank", str(SAMPLES / "office_fitout.csv"), "--value-per-day", "lots"]) == 2


def test_html_reprs_lead_with_the_figures():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    sch = rk.read_schedule(SAMPLES / "it_migration_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=2_000, rng=1)
    html = ranking._repr_html_()
    assert "Mitigation ranking" in html and "all together cost" in html
    assert ranking.ids[0] in html
    drivers = rk.risk_drivers(reg, iterations=2_000, rng=1)
    assert drivers.ids[0] in drivers._repr_html_().split("</p>")[0]
    sched_html = sch._repr_html_()
    assert "34 activities" in sched_html and "179.0 working days" in sched_html
    assert "Critical path: M01" in sched_html
    res = rk.simulate(reg, sch, iterations=2_000, rng=1)
    assert "Most critical activities" in res._repr_html_()
