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

from .conftest import SAMPLES


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
    kinds = [type(r.cost).__name__ for r in reg.risks()]
    assert kinds == ["Discrete", "Triangular", "Lognormal"]
    for sampling in ("lhs", "random"):
        res = rk.simulate(reg, iterations=n, rng=2, sampling=sampling)
        dists = [r.cost for r in reg.risks()]
        mean = sum(d.mean for d in dists)
        sd = np.sqrt(sum(d.variance for d in dists))
        assert abs(res.cost.mean() - mean) < 3 * sd / np.sqrt(n)
    one = rk.read_register(pd.DataFrame({"id": ["T"], "probability": [1.0],
                                         "cost_min": [80], "cost_most_likely": [100],
                                         "cost_max": [130], "distribution": ["trigen"]}))
    res = rk.simulate(one, iterations=n, rng=4)
    d = one.risks()[0].cost
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


def test_lhs_duration_rows_use_every_stratum_once_and_are_independent():
    """The sort-based Latin hypercube permutation: every stratum exactly once per row,
    values in [0, 1), and rows from different streams uncorrelated."""
    from riskkit.cpm import Workspace
    from riskkit.engine import _stratified_rows

    work = Workspace()
    for size in (4096, 1808, 7, 1):
        u = np.empty((40, size), np.float32)
        _stratified_rows(u, [np.random.default_rng(i) for i in range(40)], work)
        assert u.min() >= 0.0 and u.max() < 1.0
        # the j-th smallest value lies in stratum j (up to float32 rounding at its edge)
        offset = np.sort(u.astype(float) * size, axis=1) - np.arange(size)
        assert offset.min() > -1e-3 and offset.max() < 1.0
    u = np.empty((40, 4096), np.float32)
    _stratified_rows(u, [np.random.default_rng(100 + i) for i in range(40)], work)
    rho = np.corrcoef(u)[np.triu_indices(40, 1)]
    # 780 pairs of independent rows: |r| < 5 / sqrt(4096) with overwhelming probability
    assert np.abs(rho).max() < 5 / 64
    # every position equally likely to hold a low stratum: no position bias
    low = (u < 0.5).mean(axis=0)
    assert abs(low.mean() - 0.5) < 0.01


def test_draw_kernels_reproduce_numpys_choice_and_raw_words():
    """The fused draw kernels compute numpy's Generator.choice (tail shuffle, whole
    permutation, Floyd's algorithm) and random_raw from the PCG64 state, call after
    call on the same scratch arrays, and seed streams as SeedSequence and PCG64 do."""
    pytest.importorskip("numba")
    from riskkit import _kernels as kernels

    ws = kernels._workspace
    g = np.random.default_rng(11)
    cases = [(65_536, 65_536), (65_536, 1_311), (65_536, 1_310), (10_001, 10_001),
             (10_000, 10_000), (16_960, 339), (16_960, 340), (1, 1), (2, 1), (65_536, 0)]
    cases += [(int(n), int(g.integers(0, n + 1))) for n in g.integers(1, 65_537, 40)]
    for seed, (n, k) in enumerate(cases):
        gen = np.random.default_rng(seed)
        gen.random()
        state = kernels.pcg64_state(gen)
        kernels._choice(state, n, k, ws.order, ws.tagged, ws.tag, ws.hash)
        np.testing.assert_array_equal(ws.order[:k], gen.choice(n, k, replace=False),
                                      err_msg=f"choice({n}, {k})")
        words = np.array([kernels._next64_py(state) for _ in range(3)], dtype=np.uint64)
        np.testing.assert_array_equal(words, gen.bit_generator.random_raw(3))
    # seeding: SeedSequence hashing and PCG64 seeding, then the count uniform
    keys = [0, 1, 2**32, 2**64 - 1] + [int(k) for k in g.integers(0, 2**63, 20)]
    for entropy, spawn_key in ((0, (0, 0)), (42, (17, 0)), ((1, 2, 3, 4, 5), (2**40, 2)),
                               (2**100 + 7, (3,))):
        states, v = kernels.stream_states(kernels.seed_words(entropy, spawn_key),
                                         kernels.key_table(keys))
        for r, key in enumerate(keys):
            gen = np.random.Generator(np.random.PCG64(
                np.random.SeedSequence(entropy, spawn_key=(*spawn_key, key))))
            assert v[r] == gen.random()
            np.testing.assert_array_equal(states[r], kernels.pcg64_state(gen))
    assert kernels.draws_match_numpy()


def test_kernels_load_only_for_large_runs_in_auto_mode():
    """In mode "auto" a small run does not load numba (it would cost more than it
    saves); a large one does, and so do later runs once the kernels are loaded. In a
    fresh interpreter, so that nothing has loaded them yet."""
    pytest.importorskip("numba")
    code = """
import sys, warnings
warnings.simplefilter("ignore")
import riskkit as rk
from riskkit import _fused
assert "numba" not in sys.modules, "importing riskkit loads numba"
reg = rk.read_register(sys.argv[1])
small = rk.simulate(reg, iterations=1_000, rng=1, progress=False)
assert "riskkit._kernels" not in sys.modules, "a small run loaded the kernels"
_fused.AUTO_WORK = 1_000 * 29  # this register's 29 risks x 1,000 iterations
rk.simulate(reg, iterations=1_000, rng=1, progress=False)
assert "riskkit._kernels" in sys.modules, "a large run did not load them"
_fused.AUTO_WORK = 1e8
again = rk.simulate(reg, iterations=1_000, rng=1, progress=False)
assert (again.cost == small.cost).all() and (again.schedule == small.schedule).all()
print("ok")
"""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "RISKKIT_NUMBA"}
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / "office_fitout.csv")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_draw_kernels_give_the_numpy_numbers_with_every_kind_of_risk():
    """Runs of kernel risks (fixed, triangular, uniform, cost- or schedule-only) between
    risks the numpy path takes (PERT, correlated, on activities), over a partial last
    block, in both scenarios and both sampling methods."""
    pytest.importorskip("numba")
    from riskkit import _fused

    rows = []
    kinds = [("triangular", 1, 5, 20), ("uniform", 2, 2, 9), ("triangular", 4, 4, 4),
             ("pert", 1, 3, 11), ("triangular", 0, 9, 10)]
    for i in range(30):
        family, a, m, b = kinds[i % len(kinds)]
        cost = i % 3 != 1
        sched = i % 3 != 2
        rows.append({
            "id": f"R{i:02d}", "probability": 0.02 + 0.03 * i,
            "distribution": family,
            "cost_min": a * 1000 if cost else "", "cost_most_likely": m * 1000 if cost else "",
            "cost_max": b * 1000 if cost else "",
            "schedule_min": a if sched else "", "schedule_most_likely": m if sched else "",
            "schedule_max": b if sched else "",
            "mitigated_probability": 0.01 + 0.02 * i,
            "correlation_group": "G" if i % 7 == 3 else "",
        })
    reg = rk.read_register(pd.DataFrame(rows))
    runs = {}
    previous = _fused.set_enabled(True)
    try:
        for flag in (True, False):
            _fused.set_enabled(flag)
            runs[flag] = [rk.simulate(reg, iterations=70_000, rng=5, sampling=sampling,
                                      scenario=scenario, correlation={"G": 0.6})
                          for sampling in ("lhs", "random")
                          for scenario in ("current", "mitigated")]
    finally:
        _fused.set_enabled(previous)
    for fused, plain in zip(runs[True], runs[False]):
        np.testing.assert_array_equal(fused.cost, plain.cost)
        np.testing.assert_array_equal(fused.schedule, plain.schedule)


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_fused_kernels_give_the_numpy_numbers_bit_for_bit(sampling):
    """The optional numba kernels (extra 'fast') against the numpy reference path: a
    register with triangular, PERT and fixed impacts, risks on activities and on the
    finish, mitigations, over two blocks."""
    pytest.importorskip("numba")
    from riskkit import _fused

    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    runs = {}
    previous = _fused.set_enabled(True)
    try:
        for flag in (True, False):
            _fused.set_enabled(flag)
            runs[flag] = [rk.simulate(reg, iterations=70_000, rng=9, sampling=sampling),
                          rk.simulate(reg, sch, iterations=70_000, rng=9, sampling=sampling,
                                      scenario="mitigated")]
    finally:
        _fused.set_enabled(previous)
    for fused, plain in zip(runs[True], runs[False]):
        np.testing.assert_array_equal(fused.cost, plain.cost)
        np.testing.assert_array_equal(fused.schedule, plain.schedule)
