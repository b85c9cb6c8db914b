import numpy as np
import pandas as pd
import pytest

import riskkit as rk


@pytest.fixture(scope="module")
def res():
    reg = rk.read_register("sample_registers/office_fitout.csv")
    return rk.simulate(reg, iterations=20_000, rng=42)


def test_summary_shape_and_definitions(res):
    s = res.summary()
    assert list(s.index) == ["cost", "schedule"]
    assert list(s.columns) == ["base", "mean", "std", "p10", "p50", "p80", "p90"]
    assert s.loc["cost", "mean"] == pytest.approx(res.cost.mean())
    assert s.loc["cost", "std"] == pytest.approx(res.cost.std(ddof=1))
    assert s.loc["schedule", "p80"] == pytest.approx(np.percentile(res.schedule, 80))
    assert s.loc["cost", "base"] == 0 and s.loc["schedule", "base"] == 0
    pcts = list(s.loc["cost", ["p10", "p50", "p80", "p90"]])
    assert pcts == sorted(pcts)


def test_percentile_and_contingency(res):
    assert res.percentile(0.8, "cost") == pytest.approx(np.percentile(res.cost, 80))
    assert res.percentile(0.5, "duration") == res.percentile(0.5, "schedule")
    assert res.contingency(0.8) == pytest.approx(res.percentile(0.8) - res.base("cost"))
    assert res.probability_within(res.percentile(0.8)) == pytest.approx(0.8, abs=1e-3)
    with pytest.raises(rk.OptionError, match="between 0 and 1"):
        res.percentile(80)
    with pytest.raises(rk.OptionError, match="'cost' or 'schedule'"):
        res.percentile(0.8, "money")


def test_arrays_are_read_only(res):
    with pytest.raises(ValueError):
        res.cost[0] = 1.0
    with pytest.raises(AttributeError):
        res.iterations = 3


def test_to_frame_and_risk_table(res):
    frame = res.to_frame()
    assert list(frame.columns) == ["iteration", "cost", "schedule"]
    assert frame["iteration"].iloc[0] == 1 and len(frame) == 20_000
    table = res.risk_table()
    assert len(table) == 29  # one closed risk left out
    # LHS: each risk occurs in exactly floor or ceil of p x n iterations
    expected = table["probability"] * 20_000
    assert np.all(np.abs(table["occurrences"] - expected) <= 1)


def test_to_dict_matches_design_json(res):
    d = res.to_dict()
    assert d["iterations"] == 20_000 and d["seed"] == 42 and d["risks"] == 29
    assert d["excluded"] == 1
    for metric in ("cost", "schedule"):
        assert set(d[metric]) >= {"base", "mean", "std", "p10", "p50", "p80", "p90"}
    assert d["schedule"]["unit"] == "days"


def test_reprs(res):
    html = res._repr_html_()
    assert "P80 cost" in html and "20,000 iterations" in html and "<table" in html
    assert "1 closed risk left out" in html
    assert "P80 cost=" in repr(res)
    assert isinstance(res.summary(), pd.DataFrame)


def _p80_spread_and_reported(sampling, iterations, seeds=50):
    reg = rk.read_register("sample_registers/it_migration.csv")
    p80, reported = [], []
    for seed in range(seeds):
        res = rk.simulate(reg, iterations=iterations, rng=seed, sampling=sampling)
        p80.append(res.percentile(0.8))
        reported.append(res.standard_error(0.8))
    return float(np.std(p80, ddof=1)), float(np.mean(reported)), res


def test_standard_error_of_p80_matches_the_spread_over_seeds_random():
    spread, reported, res = _p80_spread_and_reported("random", 10_000)
    assert reported == pytest.approx(spread, rel=0.2)
    assert res.standard_error_method == "iid formula"


def test_standard_error_of_p80_batch_means_under_lhs():
    spread, reported, res = _p80_spread_and_reported("lhs", 10 * 65_536)
    assert reported == pytest.approx(spread, rel=0.2)
    assert res.standard_error_method == "batch means over 10 independent blocks"
    assert res.standard_error("mean") < res.cost.std() / np.sqrt(res.iterations)


def test_iterations_auto_stops_at_the_target_and_equals_an_explicit_run():
    reg = rk.read_register("sample_registers/office_fitout.csv")
    res = rk.simulate(reg, iterations="auto", rng=5, tolerance=0.002)
    assert res.converged(0.002) and res.iterations % 65_536 == 0
    again = rk.simulate(reg, iterations=res.iterations, rng=5)
    np.testing.assert_array_equal(res.cost, again.cost)
    capped = rk.simulate(reg, iterations="auto", rng=5, tolerance=1e-6,
                         max_iterations=200_000)
    assert capped.iterations == 200_000 and not capped.converged(1e-6)
    d = capped.to_dict()
    assert set(d["standard_errors"]["cost"]) == {"mean", "p80"}
    assert d["converged"] == capped.converged(0.01)
    with pytest.raises(rk.OptionError, match="auto"):
        rk.simulate(reg, iterations="lots")
