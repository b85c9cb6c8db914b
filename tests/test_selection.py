"""Choosing mitigations: net value with interactions, targets and the frontier.

Every set is simulated together on common random numbers, so the figures below are
exact consequences of the model, not Monte Carlo estimates: a network of two parallel
paths with one certain risk each gives exactly 0 for either mitigation alone and the
whole delay for both.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis.selection import EXACT_LIMIT, SetEvaluator, best_net, cheapest_meeting

from .conftest import SAMPLES


def parallel_paths(extra: int = 0) -> tuple[rk.RiskRegister, rk.Schedule]:
    """Two parallel 10-day activities, each with a certain 5-day risk that its
    mitigation (cost 100) removes; ``extra`` mitigations of a risk that changes nothing
    (cost 10 each) make the search too large to be exhaustive."""
    sch = rk.read_schedule(pd.DataFrame({
        "id": ["S", "A", "B", "F"], "name": ["start", "path A", "path B", "finish"],
        "duration": [0, 10, 10, 0], "predecessors": ["", "S", "S", "A;B"]}))
    rows = [{"id": r, "probability": 1.0, "schedule_impact": 5, "activities": act,
             "mitigation": "remove it", "mitigation_cost": 100,
             "mitigated_probability": 0.0} for r, act in (("RA", "A"), ("RB", "B"))]
    rows += [{"id": f"X{k}", "probability": 0.5, "cost_impact": 50, "activities": "",
              "mitigation": "paperwork", "mitigation_cost": 10,
              "mitigated_probability": 0.5} for k in range(extra)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = rk.read_register(pd.DataFrame(rows))
    return reg, sch


@pytest.mark.parametrize("extra", [0, EXACT_LIMIT + 2])
def test_two_parallel_paths_are_funded_together_or_not_at_all(extra):
    reg, sch = parallel_paths(extra)
    run = {"iterations": 500, "rng": 3, "value_per_day": 1_000}
    ranking = rk.rank_mitigations(reg, sch, **run)
    singles = ranking.table.set_index("id")
    # alone, each saves nothing: the other path still ends at day 15
    assert singles.loc["RA", "expected_delay_reduction"] == 0.0
    assert singles.loc["RB", "expected_delay_reduction"] == 0.0
    both = rk.select_mitigations(reg, 200, sch, **run)
    assert set(both.ids) == {"RA", "RB"}
    assert both.confirmed is not None
    assert both.confirmed.effect.expected_delay_reduction == 5.0  # the whole delay
    assert both.confirmed.net_benefit == 5 * 1_000 - 200
    assert both.interaction == 5_000.0  # pays only together, and says so
    assert "pay more together" in both.describe()
    one = rk.select_mitigations(reg, 150, sch, **run)
    assert one.ids == ()
    assert "Fund nothing" in one.describe()


def test_a_mitigation_with_negative_net_value_is_never_funded():
    reg = rk.read_register(pd.DataFrame({
        "id": ["R1", "R2", "R3"], "probability": [0.5, 0.5, 0.5],
        "cost_impact": [1_000, 1_000, 1_000], "mitigation": ["a", "b", "c"],
        "mitigation_cost": [100, 600, 0], "mitigated_probability": [0.0, 0.0, 0.5]}))
    for budget in (0, 50, 100, 700, 10_000, None):
        chosen = rk.select_mitigations(reg, budget, iterations=2_000, rng=1)
        # R1 saves 500 for 100; R2 saves 500 for 600; R3 changes nothing for free
        assert chosen.ids == (("R1",) if budget is None or budget >= 100 else ())
    gross = rk.select_mitigations(reg, 10_000, iterations=2_000, rng=1, objective="benefit")
    assert set(gross.ids) == {"R1", "R2"}  # the explicit option still spends for gross value


def _evaluator(reg, sch, ranking):
    costs = dict(zip(ranking.table["id"], ranking.table["mitigation_cost"].fillna(0.0)))
    options = rk.RunOptions(iterations=ranking.iterations, rng=ranking.seed_sequence,
                            sampling=ranking.sampling)
    return SetEvaluator(reg, sch, options, costs, ranking.percentile, ranking.value_per_day)


@pytest.mark.parametrize("budget", [5_000, 20_000, 50_000, 1_000_000])
def test_office_fitout_funds_nothing_with_negative_marginal_net_value(budget):
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=2_000, rng=42, value_per_day=5_000)
    chosen = rk.select_mitigations(ranking, budget, sch, register=reg)
    assert chosen.mitigation_cost <= budget and chosen.confirmed is not None
    # an independent evaluation of the chosen set without each of its members
    ev = _evaluator(reg, sch, ranking)
    funded = frozenset(chosen.ids)
    whole = ev.one(funded)
    assert whole.net == pytest.approx(chosen.confirmed.net_benefit, abs=1e-6)
    for m in funded:
        assert whole.net - ev.one(funded - {m}).net > 0, m
    # and the search beats funding every affordable single one with a positive net
    assert whole.net >= 0


def test_exact_search_matches_brute_force_on_few_mitigations():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    sch = rk.read_schedule(SAMPLES / "it_migration_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=1_000, rng=2, value_per_day=3_000)
    ids = list(ranking.table["id"][:8])
    ev = _evaluator(reg, sch, ranking)
    found = best_net(ev, ids, 30_000)
    every = [frozenset(c) for k in range(len(ids) + 1) for c in itertools.combinations(ids, k)
             if ev.cost(c) <= 30_000]
    assert found.net == max(v.net for v in ev(every))


def test_target_finish_is_met_and_nothing_cheaper_evaluated_meets_it():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=2_000, rng=42, value_per_day=5_000)
    base = ranking.baseline.percentile_schedule
    goal = base - 12.0
    chosen = rk.select_mitigations(ranking, None, sch, register=reg, target_finish=goal)
    assert chosen.reached and chosen.objective == "target"
    ev = _evaluator(reg, sch, ranking)
    assert ev.one(chosen.ids).percentile_finish <= goal  # confirmed independently
    again, _ = cheapest_meeting(ev, list(ranking.table["id"]), np.inf, "percentile_finish",
                                goal)
    assert again is not None and again.ids == frozenset(chosen.ids)
    cheaper = [v for v in ev.cache.values() if v.mitigation_cost < again.mitigation_cost]
    assert cheaper and all(v.percentile_finish > goal for v in cheaper)
    # as a date: the same question through the calendar
    start = "2027-01-04"
    day = rk.Calendar().finish_date(start, goal)
    by_date = rk.select_mitigations(ranking, None, sch, register=reg, target_finish=str(day),
                                    start=start)
    assert by_date.reached
    assert rk.Calendar().finish_date(start, ev.one(by_date.ids).percentile_finish) <= day


def test_an_unreachable_target_says_so():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=1_000, rng=1)
    chosen = rk.select_mitigations(ranking, None, sch, register=reg, target_finish=10)
    assert chosen.reached is False
    assert "No set of these mitigations" in chosen.describe()
    cost = rk.select_mitigations(ranking, 5_000, sch, register=reg, target_cost=1.0)
    assert cost.reached is False and cost.mitigation_cost <= 5_000
    with pytest.raises(rk.OptionError, match="start"):
        rk.select_mitigations(ranking, None, sch, register=reg, target_finish="2027-10-01")


def test_target_cost_counts_the_mitigation_spend():
    reg = rk.read_register(pd.DataFrame({
        "id": ["R1", "R2"], "probability": [1.0, 1.0], "cost_impact": [1_000, 1_000],
        "mitigation": ["a", "b"], "mitigation_cost": [300, 900],
        "mitigated_probability": [0.0, 0.0]}))
    # P80 cost 2,000; mitigating R1 gives 1,000 + 300, R2 1,000 + 900, both 0 + 1,200
    chosen = rk.select_mitigations(reg, None, iterations=500, rng=1, target_cost=1_300)
    assert chosen.ids == ("R1",) and chosen.reached
    chosen = rk.select_mitigations(reg, None, iterations=500, rng=1, target_cost=1_250)
    assert set(chosen.ids) == {"R1", "R2"} and chosen.reached


def test_frontier_runs_from_no_mitigation_to_all():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    sch = rk.read_schedule(SAMPLES / "it_migration_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=1_000, rng=5, value_per_day=2_000)
    frontier = rk.efficient_frontier(ranking, sch, register=reg)
    table = frontier.to_frame()
    assert len(table) == len(ranking) + 1
    assert table["mitigation_cost"].iloc[0] == 0
    assert table["p80_cost"].iloc[0] == pytest.approx(ranking.baseline.percentile_cost)
    assert table["p80_finish"].iloc[0] == pytest.approx(ranking.baseline.percentile_schedule)
    assert np.all(np.diff(table["mitigation_cost"]) >= 0)
    assert frontier.sets[-1] and set(frontier.sets[-1]) == set(ranking.table["id"])
    everything = ranking.all_mitigations
    assert table["p80_finish"].iloc[-1] == pytest.approx(
        ranking.baseline.percentile_schedule - everything.effect.percentile_delay_reduction)
    assert bool(table["efficient"].iloc[0])


def test_rank_cli_target_and_frontier(capsys):
    from riskkit.cli import main

    code = main(["rank", str(SAMPLES / "it_migration.csv"), "--schedule",
                 str(SAMPLES / "it_migration_schedule.csv"), "-n", "1000", "--seed", "2",
                 "--value-per-day", "2000", "--target-finish", "2027-06-30",
                 "--start", "2027-01-04", "--frontier"])
    out = capsys.readouterr().out
    assert code == 0
    assert "P80 finish to 2027-06-30" in out
    assert "efficient frontier" in out and "finish date" in out


def test_many_mitigations_start_from_the_ranking_and_keep_only_what_pays():
    """60 independent cost risks (more than GREEDY_LIMIT): net values add up, so with no
    budget the best set is every mitigation with a positive single net value, and under
    a budget no funded one has a non-positive marginal net value."""
    from riskkit.analysis.selection import GREEDY_LIMIT

    g = np.random.default_rng(8)
    n = 60
    assert n > GREEDY_LIMIT
    p = g.uniform(0.1, 0.6, n).round(2)
    reg = rk.read_register(pd.DataFrame({
        "id": [f"C{i:02d}" for i in range(n)], "probability": p,
        "cost_impact": g.uniform(1_000, 20_000, n).round(-2), "mitigation": "act",
        "mitigation_cost": g.uniform(100, 6_000, n).round(-1),
        "mitigated_probability": (p * g.uniform(0.1, 0.9, n)).round(3)}))
    ranking = rk.rank_mitigations(reg, iterations=2_000, rng=3)
    everything = rk.select_mitigations(ranking, None, register=reg)
    positive = set(ranking.table.loc[ranking.table["net_benefit"] > 0, "id"])
    assert set(everything.ids) == positive
    chosen = rk.select_mitigations(ranking, 20_000, register=reg)
    assert chosen.mitigation_cost <= 20_000
    ev = _evaluator(reg, None, ranking)
    whole = ev.one(chosen.ids)
    for m in chosen.ids:
        assert whole.net - ev.one(frozenset(chosen.ids) - {m}).net > 0, m
