"""Statistical tests of simulate().

Every tolerance is a multiple of the Monte Carlo standard error of what is compared
(standard deviation / sqrt(n) for a mean; sqrt(p (1 - p) / n) / f(x_p) for a
percentile), at fixed seeds. With Latin hypercube sampling the true error is smaller
than the plain Monte Carlo one, so the tolerance is conservative there.
"""

import numpy as np
import pandas as pd
import pytest

import riskkit as rk


def register(rows, **columns):
    return rk.read_register(pd.DataFrame(rows, **columns))


SIX = pd.DataFrame({
    "id": [f"R{i}" for i in range(1, 7)],
    "probability": [0.6, 0.2, 0.45, 0.15, 0.35, 0.05],
    "cost_impact": [12_000, 25_000, 9_000, 50_000, 18_000, 100_000],
})


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_expected_value_register(sampling):
    reg = rk.read_register(SIX)
    p, impact = SIX["probability"].to_numpy(), SIX["cost_impact"].to_numpy()
    exact = float((p * impact).sum())
    sd = float(np.sqrt((p * (1 - p) * impact**2).sum()))
    n = 50_000
    res = rk.simulate(reg, iterations=n, rng=7, sampling=sampling)
    assert abs(res.cost.mean() - exact) < 3 * sd / np.sqrt(n)
    assert np.all(res.schedule == 0)


@pytest.mark.parametrize("sampling", ["lhs", "random"])
@pytest.mark.parametrize("dist", [rk.Triangular(1_000, 3_000, 8_000), rk.Pert(1_000, 3_000, 8_000)])
def test_impact_means(sampling, dist):
    family = type(dist).__name__.lower()
    p = 0.3
    reg = register({"id": ["A"], "probability": [p], "cost_min": [1000],
                    "cost_most_likely": [3000], "cost_max": [8000],
                    "schedule_min": [2], "schedule_most_likely": [5], "schedule_max": [20],
                    "distribution": [family]})
    n = 100_000
    res = rk.simulate(reg, iterations=n, rng=3, sampling=sampling)
    mean = p * dist.mean
    sd = np.sqrt(p * (dist.variance + dist.mean**2) - mean**2)
    assert abs(res.cost.mean() - mean) < 3 * sd / np.sqrt(n)
    sched = rk.make_distribution(family, 2, 5, 20)
    mean_s = p * sched.mean
    sd_s = np.sqrt(p * (sched.variance + sched.mean**2) - mean_s**2)
    assert abs(res.schedule.mean() - mean_s) < 3 * sd_s / np.sqrt(n)


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_certain_triangular_p80(sampling):
    reg = register({"id": ["A"], "probability": [1.0], "cost_min": [0],
                    "cost_most_likely": [50], "cost_max": [100]})
    n = 100_000
    res = rk.simulate(reg, iterations=n, rng=11, sampling=sampling)
    exact = 100 - np.sqrt(1000)
    density = 2 * (100 - exact) / (100 * 50)
    se = np.sqrt(0.8 * 0.2 / n) / density
    assert abs(res.percentile(0.8) - exact) < 3 * se


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_marginal_shape_kolmogorov_smirnov(sampling):
    reg = register({"id": ["A"], "probability": [1.0], "cost_min": [0],
                    "cost_most_likely": [20], "cost_max": [100]})
    n = 20_000
    x = np.sort(rk.simulate(reg, iterations=n, rng=5, sampling=sampling).cost)
    cdf = np.where(x < 20, x**2 / (100 * 20), 1 - (100 - x) ** 2 / (100 * 80))
    d = np.max(np.maximum(np.arange(1, n + 1) / n - cdf, cdf - np.arange(n) / n))
    assert d < 1.63 / np.sqrt(n)  # the 1% critical value


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_same_seed_any_chunk_size_is_bit_identical(sampling):
    reg = rk.read_register("sample_registers/office_fitout.csv")
    runs = [rk.simulate(reg, iterations=200_000, rng=99, sampling=sampling, chunk_size=c)
            for c in (1_000, 100_000, None)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].cost, other.cost)
        np.testing.assert_array_equal(runs[0].schedule, other.schedule)
        np.testing.assert_array_equal(runs[0].occurrences, other.occurrences)
    different = rk.simulate(reg, iterations=200_000, rng=100, sampling=sampling)
    assert not np.array_equal(runs[0].cost, different.cost)


def test_rng_forms():
    reg = rk.read_register(SIX)
    a = rk.simulate(reg, iterations=1000, rng=5)
    b = rk.simulate(reg, iterations=1000, rng=np.random.SeedSequence(5))
    np.testing.assert_array_equal(a.cost, b.cost)
    assert a.seed == b.seed == 5
    fresh = rk.simulate(reg, iterations=1000)
    again = rk.simulate(reg, iterations=1000, rng=fresh.seed)
    np.testing.assert_array_equal(fresh.cost, again.cost)  # the reported seed repeats it
    g = np.random.default_rng(1)
    c, d = rk.simulate(reg, iterations=1000, rng=g), rk.simulate(reg, iterations=1000, rng=g)
    assert not np.array_equal(c.cost, d.cost)  # a Generator moves on, as SPEC 7 expects
    c2 = rk.simulate(reg, iterations=1000, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(c.cost, c2.cost)
    with pytest.raises(rk.OptionError, match="rng"):
        rk.simulate(reg, iterations=10, rng="seed")


def test_lhs_has_a_smaller_standard_error_than_random():
    reg = rk.read_register("sample_registers/it_migration.csv")
    means = {s: [rk.simulate(reg, iterations=2_000, rng=seed, sampling=s).cost.mean()
                 for seed in range(30)] for s in ("lhs", "random")}
    se_lhs, se_random = np.std(means["lhs"], ddof=1), np.std(means["random"], ddof=1)
    # 30 seeds estimate each spread to about +-13%: a ratio under 0.5 is no accident.
    assert se_lhs < 0.5 * se_random


def test_lhs_occurrence_counts_are_stratified():
    reg = register({"id": ["A", "B"], "probability": [0.3, 0.07], "cost_impact": [1, 1]})
    n = 65_536 * 2 + 1000
    res = rk.simulate(reg, iterations=n, rng=2)
    for count, p in zip(res.occurrences, (0.3, 0.07)):
        blocks = [65_536, 65_536, 1000]
        low = sum(np.floor(p * b) for b in blocks)
        assert low <= count <= low + 3


def test_risks_are_independent_and_cost_and_delay_independent():
    reg = register({"id": ["A", "B"], "probability": [0.5, 0.5],
                    "cost_min": [0, 0], "cost_most_likely": [0, 0], "cost_max": [1, 1000],
                    "schedule_min": [0, 0], "schedule_most_likely": [5, 5],
                    "schedule_max": [10, 10]}, dtype=object)
    n = 100_000
    res = rk.simulate(reg, iterations=n, rng=8)
    # A's cost is in [0, 1] and B's in [0, 1000]: B occurred iff cost >= 1 (almost surely)
    a = (res.cost > 0) & (res.cost < 1)
    both = res.cost > 1  # A and B, or B alone with a draw above 1
    assert abs(a.mean() - 0.5 * 0.5) < 3 * np.sqrt(0.25 * 0.75 / n)
    assert both.mean() > 0.45
    single = register({"id": ["C"], "probability": [1.0], "cost_min": [0],
                       "cost_most_likely": [5], "cost_max": [10], "schedule_min": [0],
                       "schedule_most_likely": [5], "schedule_max": [10]})
    r = rk.simulate(single, iterations=n, rng=4)
    corr = np.corrcoef(r.cost, r.schedule)[0, 1]
    assert abs(corr) < 3 / np.sqrt(n)


def test_closed_risks_are_excluded_and_counted():
    reg = register({"id": ["A", "B"], "probability": [1.0, 1.0], "cost_impact": [10, 1000],
                    "status": ["Open", "Closed"]})
    res = rk.simulate(reg, iterations=100, rng=1)
    assert res.excluded == ("B",) and res.risk_ids == ("A",)
    assert np.all(res.cost == 10)


def test_mitigated_scenario_uses_post_values_and_adds_mitigation_cost():
    reg = register({"id": ["A", "B"], "probability": [0.4, 0.4], "cost_impact": [2000, 2000],
                    "mitigation_cost": [50, 200], "mitigated_probability": [0.1, np.nan],
                    "mitigated_cost_impact": [np.nan, 1000]})
    n = 100_000
    cur = rk.simulate(reg, iterations=n, rng=1)
    mit = rk.simulate(reg, iterations=n, rng=1, scenario="mitigated")
    assert mit.mitigation_cost == 250
    sd = np.sqrt(0.1 * 0.9 * 2000**2 + 0.4 * 0.6 * 1000**2)
    assert abs(mit.cost.mean() - (250 + 0.1 * 2000 + 0.4 * 1000)) < 3 * sd / np.sqrt(n)
    # Common random numbers: mitigation only ever removes or shrinks the same draws.
    assert np.all(mit.cost - 250 <= cur.cost)


def test_a_mitigation_that_changes_nothing_changes_nothing():
    reg = rk.read_register(pd.DataFrame({
        "id": ["A", "B"], "probability": [0.3, 0.6], "cost_min": [1, 5],
        "cost_most_likely": [2, 6], "cost_max": [9, 20], "schedule_impact": [3, 4],
        "mitigation": ["Talk", "Walk"]}))
    for sampling in ("lhs", "random"):
        cur = rk.simulate(reg, iterations=70_000, rng=3, sampling=sampling)
        mit = rk.simulate(reg, iterations=70_000, rng=3, sampling=sampling,
                          scenario="mitigated")
        np.testing.assert_array_equal(cur.cost, mit.cost)
        np.testing.assert_array_equal(cur.schedule, mit.schedule)


def test_delays_add_up_without_a_schedule():
    reg = register({"id": ["A", "B"], "probability": [1.0, 1.0], "schedule_impact": [3, 4]})
    res = rk.simulate(reg, iterations=500, rng=1)
    assert np.all(res.schedule == 7) and np.all(res.cost == 0)


def test_bad_options_name_parameter_and_allowed_values():
    reg = rk.read_register(SIX)
    with pytest.raises(rk.OptionError, match="sampling must be 'lhs' or 'random'; got 'sobol'"):
        rk.simulate(reg, sampling="sobol")
    with pytest.raises(rk.OptionError, match="iterations"):
        rk.simulate(reg, iterations=0)
    with pytest.raises(rk.OptionError, match="scenario"):
        rk.simulate(reg, scenario="best")
    with pytest.raises(rk.InputError):
        rk.simulate()


def test_progress_bars_go_to_stderr_and_can_be_switched_off(capsys):
    reg = rk.read_register("sample_registers/office_fitout.csv")
    sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    rk.simulate(reg, sch, iterations=20_000, rng=1, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "simulate" in captured.err
    rk.simulate(reg, sch, iterations=20_000, rng=1, progress=False)
    rk.rank_mitigations(reg, sch, iterations=5_000, rng=1, progress=False)
    assert capsys.readouterr().err == ""
    a = rk.simulate(reg, sch, iterations=9_000, rng=1, progress=True)
    b = rk.simulate(reg, sch, iterations=9_000, rng=1, progress=False)
    np.testing.assert_array_equal(a.cost, b.cost)


def test_new_families_in_registers_and_schedules():
    n = 100_000
    reg = rk.read_register(pd.DataFrame({
        "id": ["D", "T", "L"], "probability": [1.0, 1.0, 1.0],
        "cost_impact": ["50:0.1;100:0.5;200:0.4", None, None],
        "cost_min": [None, 80, 50], "cost_most_likely": [None, 100, None],
        "cost_max": [None, 130, 200], "distribution": ["", "trigen", "lognormal"]},
        dtype=object))
    kinds = [type(r.cost).__name__ for r in reg.active_risks]
    assert kinds == ["Discrete", "Trigen", "Lognormal"]
    for sampling in ("lhs", "random"):
        res = rk.simulate(reg, iterations=n, rng=2, sampling=sampling)
        dists = [r.cost for r in reg.active_risks]
        mean = sum(d.mean for d in dists)
        sd = np.sqrt(sum(d.variance for d in dists))
        assert abs(res.cost.mean() - mean) < 3 * sd / np.sqrt(n)
    one = rk.read_register(pd.DataFrame({"id": ["T"], "probability": [1.0],
                                         "cost_min": [80], "cost_most_likely": [100],
                                         "cost_max": [130], "distribution": ["trigen"]}))
    res = rk.simulate(one, iterations=n, rng=4)
    d = one.active_risks[0].cost
    for q, x in ((0.1, 80), (0.9, 130)):
        density = float(np.diff(d.ppf(np.array([q - 1e-6, q + 1e-6])))[0])
        se = np.sqrt(q * (1 - q) / n) * density / 2e-6
        assert abs(res.percentile(q) - x) < 3 * se
    sch = rk.read_schedule(pd.DataFrame({"id": ["A", "B"], "optimistic": [5, 8],
                                         "pessimistic": [20, 12], "most likely": [None, 10],
                                         "distribution": ["lognormal", "trigen"],
                                         "predecessors": ["", "A"]}, dtype=object))
    res = rk.simulate(None, sch, iterations=50_000, rng=1)
    expected = sch.distributions()[0].mean + sch.distributions()[1].mean
    assert res.schedule.mean() == pytest.approx(expected, rel=0.01)
