"""The contingency split: by kind (estimate uncertainty, risk events) and to the risks."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.analysis.contingency import allocate_cents

from .conftest import SAMPLES


def _cents(x: float) -> int:
    return int(round(x * 100))


def _adds_up(split) -> None:
    """Estimate + every risk's allocation = the contingency, to the cent."""
    total = _cents(split.contingency)
    assert _cents(split.estimate) + _cents(split.risk) == total
    assert sum(_cents(a) for a in split.table["allocation"]) == _cents(split.risk)


def test_the_fitout_split_adds_up_to_the_cent():
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    split = rk.contingency(reg, sch, iterations=4_000, rng=3)
    for part in (split.cost, split.schedule):
        _adds_up(part)
        assert part.estimate > 0 and part.risk > 0  # both kinds matter in this model
    res = rk.simulate(reg, sch, iterations=4_000, rng=3)
    assert split.cost.value == res.percentile(0.8, "cost")
    assert split.cost.base == res.base("cost")
    table = split.cost.to_frame()
    assert table["allocation"].is_monotonic_decreasing
    assert "estimate uncertainty" in split.describe("£")


def test_a_register_without_schedule_ranges_has_no_estimate_part():
    reg = rk.read_register(SAMPLES / "it_migration.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        split = rk.contingency(reg, iterations=3_000, rng=1)
    for part in (split.cost, split.schedule):
        assert part.estimate == 0.0
        assert part.risk == pytest.approx(part.contingency, abs=0.005)
        _adds_up(part)
    # a schedule whose durations are all fixed: no ranges either
    sch = rk.read_schedule(pd.DataFrame({"id": ["A", "B"], "duration": [10, 5],
                                         "predecessors": ["", "A"],
                                         "cost_per_day": [100, 100]}))
    reg2 = rk.read_register(pd.DataFrame({
        "id": ["R1"], "probability": [0.5], "schedule_min": [2], "schedule_most_likely": [4],
        "schedule_max": [9], "cost_min": [100], "cost_most_likely": [200],
        "cost_max": [400], "activities": ["A"]}))
    split = rk.contingency(reg2, sch, iterations=2_000, rng=2)
    assert split.cost.estimate == 0.0 and split.schedule.estimate == 0.0
    _adds_up(split.cost)
    _adds_up(split.schedule)


def test_a_schedule_without_risks_has_no_risk_part():
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    empty = rk.read_register(pd.DataFrame({"id": ["R1"], "probability": [0.3],
                                           "cost_impact": [1000], "status": ["Closed"]}))
    split = rk.contingency(empty, sch, iterations=3_000, rng=4)
    for part in (split.cost, split.schedule):
        assert part.risk == 0.0
        assert part.estimate == pytest.approx(part.contingency, abs=0.005)
        assert len(part.table) == 0


def test_a_cost_register_is_allocated_by_euler_contributions():
    """T = X1 + X2 with X1 a certain 100 and X2 a 50% chance of 1,000: the iterations at
    the P80 all have X2 = 1,000, so its contribution is 1,000 and X1's 100."""
    reg = rk.read_register(pd.DataFrame({"id": ["X1", "X2"], "probability": [1.0, 0.5],
                                         "cost_impact": [100, 1000]}))
    split = rk.contingency(reg, iterations=10_000, rng=1)
    table = split.cost.table.set_index("id")
    assert split.cost.contingency == 1100.0
    assert table.loc["X1", "window_mean_change"] == 100.0
    assert table.loc["X2", "window_mean_change"] == 1000.0
    assert table.loc["X2", "allocation"] == 1000.0 and table.loc["X1", "allocation"] == 100.0


def test_allocate_cents_keeps_the_total():
    g = np.random.default_rng(0)
    for _ in range(200):
        parts = g.uniform(-50, 500, g.integers(1, 30))
        total = float(parts.sum())
        cents = allocate_cents(parts, total)
        assert int(round(cents.sum() * 100)) == int(round(total * 100))
        assert np.all(np.abs(cents - parts) < 0.02)
