"""Risk drivers, task existence, probabilistic branches, conditional and exclusive
risks: analytic answers with Monte Carlo tolerances (or exact where stratification
makes a count exact)."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest

import riskkit as rk
from riskkit.cli import main
from riskkit.sim import simulate_variants

from .conftest import register_from_text

CHAIN = "id,name,duration,predecessors\nA,A,10,\nB,B,10,A\nC,C,10,B\n"


def schedule_from_text(text: str) -> rk.Schedule:
    fh = io.BytesIO(text.encode("utf-8"))
    fh.name = "schedule.csv"
    return rk.read_schedule(fh)


# a triangular factor of 100% / 110% / 130%: its mean and standard deviation
TRI_MEAN = (1.0 + 1.1 + 1.3) / 3
TRI_SD = math.sqrt((1.0 + 1.21 + 1.69 - 1.1 - 1.3 - 1.43) / 18)


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_one_driver_on_a_chain_draws_once_for_all_its_activities(sampling):
    reg = register_from_text(
        "id,title,probability,schedule_factor_min,schedule_factor_most_likely,"
        "schedule_factor_max,activities\nD1,Productivity,100%,100,110,130,A;B;C\n")
    n = 20_000
    res = rk.simulate(reg, schedule_from_text(CHAIN), iterations=n, rng=3, sampling=sampling)
    finish = res.schedule
    # mean 30 x 1.1333, within 4 standard errors
    se = 30 * TRI_SD / math.sqrt(n)
    assert abs(finish.mean() - 30 * TRI_MEAN) < 4 * se
    # one draw for all three: sd 30 sigma (not sqrt(3) x 10 sigma), within 5%
    assert finish.std() == pytest.approx(30 * TRI_SD, rel=0.05)
    # every iteration is 30 x one factor in [1.0, 1.3]
    assert finish.min() >= 30 * 1.0 - 1e-3 and finish.max() <= 30 * 1.3 + 1e-3


def test_independent_drivers_per_activity_have_the_smaller_variance():
    rows = "".join(f"D{a},Factor {a},100%,100,110,130,{a}\n" for a in "ABC")
    reg = register_from_text("id,title,probability,schedule_factor_min,"
                             "schedule_factor_most_likely,schedule_factor_max,activities\n"
                             + rows)
    n = 20_000
    finish = rk.simulate(reg, schedule_from_text(CHAIN), iterations=n, rng=3).schedule
    assert abs(finish.mean() - 30 * TRI_MEAN) < 4 * math.sqrt(3) * 10 * TRI_SD / math.sqrt(n)
    assert finish.std() == pytest.approx(math.sqrt(3) * 10 * TRI_SD, rel=0.05)
    one = register_from_text(
        "id,title,probability,schedule_factor_min,schedule_factor_most_likely,"
        "schedule_factor_max,activities\nD1,Productivity,100%,100,110,130,A;B;C\n")
    shared = rk.simulate(one, schedule_from_text(CHAIN), iterations=n, rng=3).schedule
    assert shared.var() > 2.5 * finish.var()  # 3x in theory


def test_driver_probability_cost_factor_and_every_activity_when_none_named():
    sch = schedule_from_text("id,name,duration,predecessors,cost_per_day,fixed_cost\n"
                             "A,A,10,,100,500\nB,B,10,A,100,500\n")
    reg = register_from_text(
        "id,title,probability,schedule_factor_min,schedule_factor_most_likely,"
        "schedule_factor_max,cost_factor_min,cost_factor_most_likely,cost_factor_max\n"
        "D1,Ground,40%,120,120,120,150%,150%,150%\n")
    n = 10_000
    res = rk.simulate(reg, sch, iterations=n, rng=5)
    # LHS: the driver occurs in exactly 40% of the iterations, on both activities
    assert np.isclose(res.schedule, 24.0).sum() == 0.4 * n
    assert np.isclose(res.schedule, 20.0).sum() == 0.6 * n
    # cost: (2 x 10 x 1.2 x 100 + 2 x 500) x 1.5 when it occurs, 3,000 when not
    hit = np.isclose(res.schedule, 24.0)
    assert np.allclose(res.cost[hit], (2 * 12 * 100 + 1000) * 1.5)
    assert np.allclose(res.cost[~hit], 3000.0)


def test_a_mitigated_driver_probability_is_the_mitigated_scenario():
    reg = register_from_text(
        "id,title,probability,mitigated_probability,schedule_factor_min,"
        "schedule_factor_most_likely,schedule_factor_max,activities,mitigation\n"
        "D1,Ground,50%,10%,150,150,150,A,Survey\n")
    res = rk.simulate(reg, schedule_from_text(CHAIN), iterations=10_000, rng=1,
                      scenario="mitigated")
    assert np.isclose(res.schedule, 35.0).mean() == pytest.approx(0.1, abs=1e-12)


def test_existence_probability_gives_the_mixture_mean_and_p80():
    sch = schedule_from_text(
        "id,name,duration_min,duration_most_likely,duration_max,predecessors,"
        "existence_probability\nA,A,10,10,10,,\nX,Maybe,10,20,40,A,40%\nB,B,5,5,5,X,\n")
    n = 40_000
    finish = rk.simulate(None, sch, iterations=n, rng=11).schedule
    mean_x = (10 + 20 + 40) / 3
    sd_x = math.sqrt((100 + 400 + 1600 - 200 - 400 - 800) / 18)
    mix_sd = math.sqrt(0.4 * (sd_x**2 + mean_x**2) - (0.4 * mean_x) ** 2)
    assert abs(finish.mean() - (15 + 0.4 * mean_x)) < 4 * mix_sd / math.sqrt(n)
    # P80: 0.6 + 0.4 F_X(t - 15) = 0.8, so F_X = 0.5: X's median, 40 - sqrt(300)
    p80 = 15 + 40 - math.sqrt(300)
    density = 0.4 * 2 * (40 - (p80 - 15)) / (30 * 20)
    se = math.sqrt(0.8 * 0.2 / n) / density
    assert abs(np.quantile(finish, 0.8) - p80) < 4 * se
    # and in 60% of the iterations (exactly, under LHS) the activity is not needed
    assert np.isclose(finish, 15.0).sum() == 0.6 * n


BRANCH = """id,name,duration,predecessors,branch,branch_probability
S,Start,0,,,
T,Test,5,S,,
P,Pass,5,T,Test result: pass,70%
R1,Rework,10,T,Test result: rework,30%
R2,Retest,5,R1,Test result: rework,30%
F,Finish,0,P;R2,,
"""


def test_a_70_30_branch_gives_the_weighted_mean_of_its_chains_exactly():
    sch = schedule_from_text(BRANCH)
    res = rk.simulate(None, sch, iterations=10_000, rng=2)
    # 5 + 5 with 70%, 5 + 15 with 30%: under LHS exactly 7,000 and 3,000 iterations
    assert res.schedule.mean() == 0.7 * 10 + 0.3 * 20
    assert set(np.unique(res.schedule)) == {10.0, 20.0}
    rnd = rk.simulate(None, sch, iterations=20_000, rng=2, sampling="random").schedule
    assert abs(rnd.mean() - 13.0) < 4 * math.sqrt(0.21) * 10 / math.sqrt(20_000)


def test_a_branch_option_not_taken_costs_nothing():
    sch = schedule_from_text(
        "id,name,duration,predecessors,branch,branch_probability,fixed_cost,cost_per_day\n"
        "T,Test,5,,,,,\nR,Rework,10,T,Rework,25%,1000,10\n")
    res = rk.simulate(None, sch, iterations=8_000, rng=2)
    rework = np.isclose(res.schedule, 15.0)
    assert rework.sum() == 2_000
    assert np.allclose(res.cost[rework], 1100.0) and np.allclose(res.cost[~rework], 0.0)


def test_branch_problems_name_row_and_column():
    with pytest.raises(rk.InputError) as err:
        schedule_from_text("id,name,duration,predecessors,branch,branch_probability\n"
                           "A,A,1,,G: x,60%\nB,B,1,,G: y,50%\n")
    message = str(err.value)
    assert "branch 'G' add up to 110%" in message and "row 3" in message
    with pytest.raises(rk.InputError) as err:
        schedule_from_text("id,name,duration,predecessors,branch,branch_probability\n"
                           "A,A,1,,G: x,60%\nB,B,1,A,G: x,50%\n")
    assert "option 'x' of branch 'G' has probability 60%" in str(err.value)
    with pytest.raises(rk.InputError) as err:
        schedule_from_text("id,name,duration,predecessors,existence_probability\n"
                           "A,A,1,,140%\n")
    assert "existence_probability" in str(err.value) and "140%" in str(err.value)


EVENTS = """id,title,probability,cost_impact,depends_on,exclusive_group
A,Parent,20%,1,,
B,Given A,50%,10,A,
X1,One,30%,100,,G
X2,Other,40%,1000,,G
"""


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_conditional_and_exclusive_risks(sampling):
    n = 20_000
    cost = rk.simulate(register_from_text(EVENTS), iterations=n, rng=4,
                       sampling=sampling).cost.round().astype(int)
    a, b = cost % 10 == 1, cost % 100 // 10 == 1
    x1, x2 = cost % 1000 // 100 == 1, cost // 1000 == 1
    assert not (b & ~a).any()  # never without A
    assert not (x1 & x2).any()  # never both members of the group
    se = math.sqrt(0.1 * 0.9 / n)
    assert abs(b.mean() - 0.2 * 0.5) < 4 * se
    if sampling == "lhs":  # stratified: the counts are exact
        assert (a.sum(), x1.sum(), x2.sum()) == (0.2 * n, 0.3 * n, 0.4 * n)
    else:
        assert abs(x1.mean() - 0.3) < 4 * math.sqrt(0.21 / n)
        assert abs(x2.mean() - 0.4) < 4 * math.sqrt(0.24 / n)


def test_a_conditional_risk_follows_its_parent_into_the_mitigated_scenario():
    reg = register_from_text("id,title,probability,mitigated_probability,cost_impact,"
                             "depends_on\nA,Parent,40%,10%,1,\nB,Given A,100%,,10,A\n")
    cost = rk.simulate(reg, iterations=10_000, rng=1, scenario="mitigated"
                       ).cost.round().astype(int)
    assert ((cost == 11).sum(), (cost == 10).sum(), (cost == 1).sum()) == (1_000, 0, 0)


def test_register_problems_of_conditional_and_exclusive_risks():
    with pytest.raises(rk.InputError) as err:
        register_from_text("id,title,probability,cost_impact,depends_on\nA,a,10%,1,Z\n")
    assert "depends on a risk the register lacks" in str(err.value)
    with pytest.raises(rk.InputError) as err:
        register_from_text("id,title,probability,cost_impact,depends_on\n"
                           "A,a,10%,1,B\nB,b,10%,1,A\n")
    assert "circle" in str(err.value)
    with pytest.raises(rk.InputError) as err:
        register_from_text("id,title,probability,cost_impact,exclusive_group\n"
                           "A,a,60%,1,G\nB,b,50%,1,G\n")
    assert "exclusive group G add up to 110%" in str(err.value)


def test_factor_cells_that_look_like_fractions_are_refused():
    with pytest.raises(rk.InputError) as err:
        register_from_text("id,title,probability,schedule_factor_min,"
                           "schedule_factor_most_likely,schedule_factor_max\n"
                           "D1,d,100%,0.95,1.1,1.4\n")
    message = str(err.value)
    assert "row 2" in message and "0.95%" in message and "percentages" in message
    with pytest.raises(rk.InputError) as err:
        register_from_text("id,title,probability,schedule_min,schedule_max,"
                           "schedule_factor_min,schedule_factor_max,distribution\n"
                           "D1,d,100%,1,5,95,140,uniform\n")
    assert "risk driver" in str(err.value)


def test_drivers_without_a_schedule_are_named_and_left_out():
    reg = register_from_text(
        "id,title,probability,schedule_factor_most_likely,cost_impact\n"
        "D1,d,100%,110,\nR1,r,50%,,100\n")
    with pytest.warns(rk.InputWarning, match="risk drivers \\(D1\\)"):
        res = rk.simulate(reg, iterations=2_000, rng=1)
    assert res.risk_ids == ("R1",)


def test_ranking_and_the_cli_run_with_drivers_branches_and_conditional_risks(tmp_path):
    sch = tmp_path / "s.csv"
    sch.write_text(BRANCH)
    reg = tmp_path / "r.csv"
    reg.write_text(
        "id,title,probability,schedule_min,schedule_max,activities,depends_on,"
        "schedule_factor_min,schedule_factor_max,mitigation,mitigated_probability,"
        "mitigation_cost,distribution\n"
        "R1,Late parts,50%,2,6,T,,,,Order early,10%,100,uniform\n"
        "R2,Rework again,50%,3,3,R1,R1,,,,,,uniform\n"
        "D1,Productivity,100%,,,T;P;R1,,95,130,,,,uniform\n")
    register, schedule = rk.read_register(reg), rk.read_schedule(sch)
    base = rk.simulate(register, schedule, iterations=4_000, rng=9)
    ranking = rk.rank_mitigations(register, schedule, iterations=4_000, rng=9)
    assert ranking.ids == ("R1",)
    variants = simulate_variants(register, schedule, [{"R1": "removed"}],
                                 iterations=4_000, rng=9)
    assert np.array_equal(variants.base_schedule, base.schedule)
    assert np.array_equal(variants.base_cost, base.cost)
    assert main(["simulate", str(reg), "--schedule", str(sch), "-n", "2000",
                 "--seed", "1"]) == 0


def test_weather_loses_the_expected_days_in_the_months_an_activity_spans(tmp_path):
    # A (outdoor, 40 working days from Monday 4 January 2027) spans January and
    # February; C follows it through March; B is indoors
    sch = schedule_from_text("id,name,duration,predecessors\nA,Earthworks,40,\n"
                             "C,Paving,10,A\nB,Fit-out,30,\n")
    rules = tmp_path / "weather.csv"
    rules.write_text("name,months,probability,lost_min,lost_most_likely,lost_max,activities\n"
                     "Winter,Jan-Feb,10%,3,5,9,A\n"
                     "Spring rain,Mar,20%,,2,,C\n")
    weather = rk.read_weather(rules, start="2027-01-04")
    n = 20_000
    res = rk.simulate(None, sch.with_weather(weather), iterations=n, rng=8,
                      start="2027-01-04")
    winter = weather.rules[0]
    expected = 40 + 10 + 2 * winter.expected_loss + 0.2 * 2
    assert winter.expected_loss == pytest.approx(0.1 * 17 / 3)
    var_month = 0.1 * (28 / 18 + (17 / 3) ** 2) - winter.expected_loss ** 2
    sd = math.sqrt(2 * var_month + 0.2 * 4 - 0.4 ** 2)
    assert abs(res.schedule.mean() - expected) < 4 * sd / math.sqrt(n)
    # without the rules, exactly the plan
    assert np.all(rk.simulate(None, sch, iterations=1_000, rng=8).schedule == 50.0)


def test_weather_file_problems_name_row_and_column(tmp_path):
    rules = tmp_path / "weather.csv"
    rules.write_text("name,months,probability,lost_min,lost_max,activities\n"
                     "Winter,Novembre-Fev,10%,3,8,\nBad,Smarch,10%,3,8,\nWorse,Jan,140%,3,8,\n")
    with pytest.raises(rk.InputError) as err:
        rk.read_weather(rules, start="2027-01-04")
    message = str(err.value)
    assert "row 3, column 'months': 'Smarch' is not a month" in message
    assert "row 4, column 'probability'" in message and "140%" in message
    rules.write_text("name,months,probability,lost_min,lost_max,activities\n"
                     "Winter,Jan,10%,3,8,Z9\n")
    sch = schedule_from_text(CHAIN)
    with pytest.raises(rk.InputError, match="weather rule Winter names activities the "
                                            "schedule lacks: Z9"):
        sch.with_weather(rk.read_weather(rules, start="2027-01-04"))
    assert main(["simulate", "--schedule", str(tmp_path / "none.csv"), "--weather",
                 str(rules)]) == 2


@pytest.mark.parametrize("kind", ["FS", "SS", "FF", "SF"])
def test_an_uncertain_lag_plans_at_its_most_likely_value_and_simulates_its_mean(kind):
    fixed = schedule_from_text(f"id,name,duration,predecessors\nA,A,5,\nB,B,2,A {kind}+4\n")
    ranged = schedule_from_text(f"id,name,duration,predecessors\nA,A,5,\nB,B,2,A {kind}+2/4/9\n")
    assert ranged.duration() == fixed.duration()
    assert ranged.activities[-1].id == "A→B lag" and ranged.activities[-1].kind == "lag"
    n = 20_000
    res = rk.simulate(None, ranged, iterations=n, rng=6, activity_detail=True)
    finish_b = res.activity_finishes[1].astype(float)
    # B's finish: from A's finish (FS, FF) or start (SS, SF), plus the lag, plus B's
    # duration where the link holds B's start (FS, SS); the lag (2 to 9) is never
    # shorter than B (2), so B's own duration never binds
    anchor = 5 if kind in ("FS", "FF") else 0
    lag = finish_b - anchor - (2 if kind in ("FS", "SS") else 0)
    sd = math.sqrt((4 + 16 + 81 - 8 - 18 - 36) / 18)
    assert abs(lag.mean() - 5.0) < 4 * sd / math.sqrt(n)
    assert lag.min() >= 2 - 1e-4 and lag.max() <= 9 + 1e-4


def test_a_negative_uncertain_lag_is_refused():
    with pytest.raises(rk.InputError) as err:
        schedule_from_text("id,name,duration,predecessors\nA,A,5,\nB,B,2,A FS-1/2/3\n")
    assert "row 3" in str(err.value) and "predecessors" in str(err.value)


def test_a_branch_activity_is_critical_only_where_it_is_taken():
    res = rk.simulate(None, schedule_from_text(BRANCH), iterations=10_000, rng=2)
    crit = dict(zip(res.activity_ids, res.criticality))
    assert crit["R1"] == pytest.approx(0.3) and crit["P"] == pytest.approx(0.7)
    assert crit["T"] == 1.0


def test_removing_a_driver_is_exact_on_common_random_numbers():
    text = ("id,title,probability,schedule_min,schedule_most_likely,schedule_max,"
            "schedule_factor_min,schedule_factor_most_likely,schedule_factor_max,activities\n"
            "R1,Late,40%,2,4,8,,,,B\n"
            "D1,Productivity,100%,,,,95,110,140,A;B;C\n"
            "D2,Weather,30%,,,,100,120,150,C\n")
    reg, sch = register_from_text(text), schedule_from_text(CHAIN)
    run = simulate_variants(reg, sch, [{"D1": "removed"}, {"D2": "mitigated"}, {"R1": "removed"}],
                            iterations=5_000, rng=12)
    without = rk.RiskRegister(tuple(r for r in reg if r.id != "D1"), "x")
    alone = rk.simulate(without, sch, iterations=5_000, rng=12)
    assert np.array_equal(run.totals(0)[1], alone.schedule)
    assert np.array_equal(run.totals(1)[1], run.base_schedule)  # no mitigation given
    drivers = rk.risk_drivers(reg, sch, iterations=5_000, rng=12, metric="schedule")
    table = drivers.to_frame().set_index("id")
    assert set(table.index) == {"R1", "D1", "D2"}
    assert table.loc["D1", "expected_delay_reduction"] == pytest.approx(
        run.base_schedule.mean() - alone.schedule.mean())


def test_the_substation_sample_uses_drivers_branches_conditions_lags_and_weather(tmp_path):
    from .conftest import SAMPLES

    reg = rk.read_register(SAMPLES / "substation.csv")
    weather = rk.read_weather(SAMPLES / "substation_weather.csv", start="2027-09-06")
    sch = rk.read_schedule(SAMPLES / "substation_schedule.csv").with_weather(weather)
    assert sum(r.is_driver for r in reg) == 3
    assert any(r.depends_on for r in reg) and any(r.exclusive_group for r in reg)
    assert sch.branches and sch.conditional.size >= 3
    assert any(a.kind == "lag" for a in sch.activities)
    a = rk.simulate(reg, sch, iterations=3_000, rng=5, start="2027-09-06")
    b = rk.simulate(reg, sch, iterations=3_000, rng=5, start="2027-09-06", chunk_size=1_000,
                    workers=2)
    assert np.array_equal(a.cost, b.cost) and np.array_equal(a.schedule, b.schedule)
    # the drivers lengthen the work: without them the P80 finish is earlier
    events = rk.RiskRegister(tuple(r for r in reg if not r.is_driver), "events")
    plain = rk.simulate(events, sch, iterations=3_000, rng=5, start="2027-09-06")
    assert plain.percentile(0.8, "schedule") < a.percentile(0.8, "schedule")
    out = tmp_path / "pack.pdf"
    assert main(["report", str(SAMPLES / "substation.csv"), "--schedule",
                 str(SAMPLES / "substation_schedule.csv"), "--weather",
                 str(SAMPLES / "substation_weather.csv"), "--start", "2027-09-06", "-o",
                 str(out), "-n", "1000", "--seed", "1"]) == 0
    # every page of the full pack, sensitivity and cost over time included
    assert len(re.findall(rb"/Type\s*/Page[^s]", out.read_bytes())) == 19


def test_a_german_register_names_drivers_and_conditions_in_its_own_words():
    fh = io.BytesIO("ID;Titel;Wahrscheinlichkeit;Terminfaktor Min;Terminfaktor Wahrscheinlich;"
                    "Terminfaktor Max;Abhängig von;Ausschlussgruppe;Kosten\n"
                    "D1;Produktivität;100 %;95;105;125;;;\n"
                    "R1;Baugrund;20 %;;;;;G;100\n"
                    "R2;Nachtrag;50 %;;;;R1;;100\n".encode())
    fh.name = "register_de.csv"
    reg = rk.read_register(fh)
    d1, r1, r2 = reg.risks
    assert d1.schedule_factor == rk.Triangular(0.95, 1.05, 1.25)
    assert (r1.exclusive_group, r2.depends_on) == ("G", "R1")


def test_mitigating_a_parent_lowers_its_dependent_in_the_ranking_exactly():
    reg = register_from_text("id,title,probability,mitigated_probability,cost_impact,"
                             "depends_on,mitigation,mitigation_cost\n"
                             "A,Parent,40%,10%,1000,,Act early,50\n"
                             "B,Given A,50%,,5000,A,,\n")
    ranking = rk.rank_mitigations(reg, iterations=10_000, rng=3)
    # the saving is A's own and B's: (0.4 - 0.1) x (1,000 + 0.5 x 5,000), exactly the
    # difference of the two scenarios simulated on the same draws
    before = rk.simulate(reg, iterations=10_000, rng=3)
    after = rk.simulate(reg, iterations=10_000, rng=3, scenario="mitigated")
    saving = ranking.column("expected_cost_reduction")[0]
    assert saving == pytest.approx(before.cost.mean() - (after.cost.mean() - 50), abs=1e-6)
    assert saving == pytest.approx(0.3 * 3500, rel=0.02)


def test_the_cash_flow_places_driven_and_missing_activities_costs_where_they_fall():
    from riskkit.phasing import cumulative_spend

    sch = schedule_from_text(
        "id,name,duration,predecessors,cost_per_day,fixed_cost,existence_probability\n"
        "A,A,10,,100,500,\nB,B,10,A,100,500,40%\n")
    reg = register_from_text(
        "id,title,probability,cost_factor_min,cost_factor_most_likely,cost_factor_max,"
        "activities\nD1,Rates,100%,100,120,150,A\n")
    res = rk.simulate(reg, sch, iterations=5_000, rng=2, activity_detail=True)
    _, residual = cumulative_spend(res, np.array([5.0, 10.0, 20.0]))
    assert np.abs(residual).max() < 1e-6  # every cost placed by its rule, none spread
    flow = res.cash_flow(freq="Y")
    assert np.allclose(flow.total, res.cost)


def test_register_hygiene_does_not_flag_a_driver_at_100_percent():
    from .conftest import SAMPLES

    health = rk.check_register(rk.read_register(SAMPLES / "substation.csv"))
    checks = {c.name: c for c in health.checks}
    assert checks["extreme_probability"].ids == ()
    assert "3 risk drivers not judged" in checks["extreme_probability"].note
    assert "SS-D2" not in checks["mitigation_cost"].ids


def test_compare_with_a_re_assessed_driver_with_and_without_a_schedule():
    import dataclasses

    from .conftest import SAMPLES

    reg = rk.read_register(SAMPLES / "substation.csv")
    risks = [dataclasses.replace(r, probability=0.2) if r.id == "SS-D2" else r
             for r in reg.risks]
    new = dataclasses.replace(reg, risks=tuple(risks))
    with pytest.warns(rk.InputWarning, match="risk drivers"):
        alone = rk.compare(reg, new, iterations=2_000, seed=1)
    # without a schedule a driver acts on nothing: its change moves nothing, exactly
    assert alone.movement("cost_p80") == 0.0
    sch = rk.read_schedule(SAMPLES / "substation_schedule.csv")
    both = rk.compare(reg, new, sch, iterations=2_000, seed=1)
    moved = both.movement("schedule_p80")
    assert moved < 0 and sum(v["schedule_p80"] for v in both.attribution.values()) == \
        pytest.approx(moved, abs=1e-9)
