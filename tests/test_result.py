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
    assert "1 closed risks left out" in html
    assert "P80 cost=" in repr(res)
    assert isinstance(res.summary(), pd.DataFrame)
