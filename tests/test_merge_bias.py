"""Merge bias (issue 19, part 5): the merge of parallel paths is later than each."""

import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import riskkit as rk

N = 40_000


def _merge(lag: float = 0.0, kind: str = "FS") -> rk.Schedule:
    return rk.Schedule((rk.Activity("A", rk.Uniform(10.0, 20.0)),
                        rk.Activity("B", rk.Uniform(10.0, 20.0)),
                        rk.Activity("M", rk.Fixed(5.0), name="Merge"),
                        rk.Activity("C", rk.Fixed(3.0))),
                       (rk.Link("A", "M", kind, lag), rk.Link("B", "M", kind, lag),
                        rk.Link("M", "C")))


def _run(schedule: rk.Schedule, **kw) -> rk.SimulationResult:
    return rk.simulate(None, schedule, iterations=N, rng=19, sampling="random",
                       activity_detail=True, **kw)


def test_two_identical_independent_uniform_inputs_give_the_analytic_bias():
    # inputs U(a, b): the merge starts at max(A, B), whose CDF is ((x - a) / (b - a))^2
    a, b = 10.0, 20.0
    row = _run(_merge()).merge_bias().table
    assert list(row["id"]) == ["M"]  # C has one predecessor: not a merge
    r = row.iloc[0]
    assert r["inputs"] == 2 and r["latest_input"] in ("A", "B") and r["name"] == "Merge"
    p50_max = a + (b - a) / math.sqrt(2)
    mean_max = a + 2 * (b - a) / 3
    # standard errors: sqrt(p (1 - p) / n) / f(x_p), f of the max at its median
    # 2 (x - a) / (b - a)^2, of an input 1 / (b - a); the mean's sd / sqrt(n)
    se_max = 0.5 / math.sqrt(N) / (2 * (p50_max - a) / (b - a) ** 2)
    se_input = 0.5 / math.sqrt(N) * (b - a)
    assert abs(r["start_p50"] - p50_max) < 4 * se_max
    assert abs(r["input_p50"] - (a + b) / 2) < 4 * se_input
    assert abs(r["bias_p50"] - (b - a) * (1 / math.sqrt(2) - 0.5)) < 4 * (se_max + se_input)
    sd_max = (b - a) * math.sqrt(1 / 18)  # the max of two U(0, 1): variance 1/18
    sd_input = (b - a) / math.sqrt(12)
    assert abs(r["start_mean"] - mean_max) < 4 * sd_max / math.sqrt(N)
    assert abs(r["bias_mean"] - (b - a) / 6) < 4 * (sd_max + sd_input) / math.sqrt(N)


def test_a_lag_moves_the_inputs_and_the_merge_alike():
    plain = _run(_merge()).merge_bias().table.iloc[0]
    lagged = _run(_merge(lag=3.0)).merge_bias().table.iloc[0]
    # the same draws (common random numbers): every date 3 days later, the bias unchanged
    assert lagged["input_p50"] == pytest.approx(plain["input_p50"] + 3.0, abs=1e-4)
    assert lagged["start_p50"] == pytest.approx(plain["start_p50"] + 3.0, abs=1e-4)
    assert lagged["bias_p50"] == pytest.approx(plain["bias_p50"], abs=1e-4)


def test_start_to_start_links_read_the_inputs_starts():
    sch = rk.Schedule((rk.Activity("S", rk.Uniform(0.0, 10.0)),
                       rk.Activity("A", rk.Fixed(4.0)), rk.Activity("B", rk.Fixed(6.0)),
                       rk.Activity("M", rk.Fixed(1.0))),
                      (rk.Link("S", "A"), rk.Link("A", "M", "SS", 2.0),
                       rk.Link("B", "M", "SS", 1.0)))
    r = _run(sch).merge_bias().table.iloc[0]
    # A starts after S, B at 0: M starts at max(S + 2, 1), A's link the latest at P50
    assert r["latest_input"] == "A"
    s = _run(sch).activity_finishes[0].astype(float)
    assert r["input_p50"] == pytest.approx(np.percentile(s + 2.0, 50), abs=1e-4)
    assert r["bias_p50"] == pytest.approx(0.0, abs=1e-4)  # one input always drives


def test_a_deterministic_merge_has_no_bias():
    sch = rk.Schedule((rk.Activity("A", rk.Fixed(10.0)), rk.Activity("B", rk.Fixed(12.0)),
                       rk.Activity("M", rk.Fixed(1.0))),
                      (rk.Link("A", "M"), rk.Link("B", "M")))
    r = _run(sch).merge_bias().table.iloc[0]
    assert (r["latest_input"], r["input_p50"], r["start_p50"], r["bias_p50"]) == \
        ("B", 12.0, 12.0, 0.0)


def test_merge_bias_needs_the_activities_draws():
    res = rk.simulate(None, _merge(), iterations=1_000, rng=1)
    with pytest.raises(rk.OptionError, match="activity_detail"):
        res.merge_bias()


def test_the_sample_schedule_lists_its_merges_largest_bias_first():
    sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    res = rk.simulate(None, sch, iterations=2_000, rng=1, activity_detail=True)
    table = res.merge_bias().table
    preds: dict[str, set[str]] = {}
    for link in sch.links:
        preds.setdefault(link.successor, set()).add(link.predecessor)
    assert set(table["id"]) == {a for a, p in preds.items() if len(p) >= 2}
    assert table["bias_p50"].is_monotonic_decreasing
    assert (table["bias_p50"] > -1e-3).all()  # a merge never starts before an input
    assert "merge points" in repr(res.merge_bias())


REALWORLD = Path("/work/shared/realworld/pyp6xer_SP10_cost_loaded.xer")


@pytest.mark.skipif(not REALWORLD.exists(), reason="the real-world P6 file is not here")
def test_what_holds_a_merge_in_the_plan_is_not_merge_bias():
    # a progressed P6 schedule with constraints, durations fixed: merges wait for
    # constraints and progress in the plan itself (plan_gap), and there is no bias
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rk.InputWarning)
        sch = rk.read_schedule(REALWORLD)
        table = rk.simulate(None, sch, iterations=200, rng=1,
                            activity_detail=True).merge_bias().table
    assert len(table) > 100 and table["plan_gap"].abs().max() > 10
    assert table["bias_p50"].abs().max() < 1e-3 and table["bias_mean"].abs().max() < 1e-3
