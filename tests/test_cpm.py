"""Deterministic CPM: link types, lags, floats, exact finishes."""

import numpy as np
import pandas as pd
import pytest

import riskkit as rk
from riskkit.cpm import Network


def schedule(rows, **kw):
    return rk.read_schedule(pd.DataFrame(rows, columns=["id", "duration", "predecessors"]), **kw)


@pytest.mark.parametrize("pred, start, finish", [
    ("A", 10, 15), ("A FS+2", 12, 17), ("A FS-3", 7, 12), ("A+2", 12, 17),
    ("A SS", 0, 5), ("A SS+4", 4, 9), ("A SS-2", 0, 5),        # no start before time 0
    ("A FF", 5, 10), ("A FF+3", 8, 13), ("A FF-2", 3, 8),
    ("A SF", 0, 5), ("A SF+7", 2, 7), ("A SF+12", 7, 12), ("A SF-1", 0, 5),
    ("A FS+1.5d", 11.5, 16.5), ("a fs + 2 days", 12, 17),
])
def test_link_types_and_lags_give_the_exact_dates(pred, start, finish):
    sch = schedule([("A", 10, "-"), ("B", 5, pred)])
    table = sch.cpm().set_index("id")
    assert table.loc["B", "early_start"] == pytest.approx(start)
    assert table.loc["B", "early_finish"] == pytest.approx(finish)
    assert sch.duration() == pytest.approx(max(10, finish))


def test_floats_and_critical_path():
    sch = schedule([("A", 3, ""), ("B", 2, "A FS+1"), ("C", 4, "A SS+1"), ("D", 1, "B; C"),
                    ("E", 1, "C"), ("F", 0, "D; E")])
    t = sch.cpm().set_index("id")
    assert sch.duration() == 7
    assert t.loc["E", "total_float"] == pytest.approx(1)  # E may finish at 7
    assert t.loc["C", "total_float"] == pytest.approx(1)  # C (1-5) may finish at 6
    assert t.loc["C", "late_start"] == pytest.approx(2)
    assert list(t.index[t["critical"]]) == ["A", "B", "D", "F"]
    assert sch.critical_path() == ("A", "B", "D", "F")
    assert t.loc["F", "duration"] == 0  # a milestone


def test_ff_link_can_drive_the_critical_path():
    net = Network(5, [0, 0, 1, 2, 2], [1, 2, 3, 3, 4], [0, 1, 0, 0, 2], [1, 1, 0, 0, 2])
    p = net.passes(np.array([[3.0], [2.0], [4.0], [1.0], [2.0]]))
    assert p.finish[0] == 7
    assert p.critical()[:, 0].all()  # C is critical through its FF+2 link to E


def test_vectorised_passes_match_one_iteration_at_a_time():
    g = np.random.default_rng(0)
    n, m = 60, 120
    src = g.integers(0, n - 1, m)
    dst = src + 1 + g.integers(0, 5, m)
    keep = dst < n
    src, dst = src[keep], dst[keep]
    types = g.integers(0, 4, src.size)
    lags = g.normal(0, 2, src.size).round(1)
    net = Network(n, src, dst, types, lags)
    durations = g.uniform(0, 10, (n, 50))
    together = net.passes(durations)
    for j in range(50):
        alone = net.passes(durations[:, j:j + 1])
        np.testing.assert_allclose(alone.early_finish[:, 0], together.early_finish[:, j])
        np.testing.assert_allclose(alone.late_finish[:, 0], together.late_finish[:, j])
    # Brute force: every constraint holds at the early dates and one binds per activity.
    es, ef = together.early_start, together.early_finish
    for s, d, t, lag in zip(src, dst, types, lags):
        lhs = [es[d], es[d], ef[d], ef[d]][t]
        rhs = [ef[s], es[s], ef[s], es[s]][t] + lag
        assert np.all(lhs >= rhs - 1e-9)
    assert np.all(together.total_float >= -1e-9)
