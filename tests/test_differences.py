"""riskkit.kernels.differences: one variant of a run minus one of another, at the union
of their iterations, to the last bit of the dense-scratch way."""

from __future__ import annotations

import numpy as np

from riskkit.kernels.differences import differences
from riskkit.sim.changes import ChangeTable


def _table(g: np.random.Generator, n: int, count: int, shared: list[np.ndarray] | None,
           with_schedule: bool) -> ChangeTable:
    """A table of ``count`` variants over two blocks of ``n // 2`` iterations, each
    variant's changes at distinct iterations in both blocks (``shared``: the
    iterations to use, variant by variant; zeros among the changes)."""
    half = n // 2
    slabs, segments, at = [], [], [[0, 0], [0, 0]]
    pos_b: list[list[np.ndarray]] = [[], []]
    for v in range(count):
        if shared is not None:
            mine = shared[v]
        else:
            mine = g.choice(n, int(g.integers(0, n // 3)), replace=False)
        for b in range(2):
            part = mine[(mine >= half) == bool(b)]
            pos_b[b].append(part)
            segments.append((b, np.array([v]), np.array([at[b][0]]),
                             np.array([at[b][0] + part.size])))
            at[b][0] += part.size
    for b in range(2):
        pos = np.concatenate(pos_b[b]).astype(np.int32)
        cost = g.normal(size=pos.size).round(1)  # some exact zeros
        sched = g.normal(size=pos.size).round(1) if with_schedule else None
        slabs.append((pos, cost, sched))
    return ChangeTable.build(count, slabs, segments)


def _reference(a: ChangeTable | None, va: int, b: ChangeTable | None, vb: int, n: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plain way: each variant's changes gathered, then subtracted through dense
    scratch arrays (what riskkit.analysis.history did before the kernel)."""
    old = a.of(va) if a is not None and va >= 0 else None
    new = b.of(vb) if b is not None and vb >= 0 else None
    if old is None and new is None:
        return np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0)
    if old is None:
        assert new is not None
        return new[0], np.negative(new[1]), np.negative(new[2])
    if new is None:
        return old
    cost, sched, mark = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    mark[old[0]] = True
    pos = np.concatenate([old[0], new[0][~mark[new[0]]]])
    cost[old[0]] = old[1]
    cost[new[0]] -= new[1]
    sched[old[0]] = old[2]
    sched[new[0]] -= new[2]
    return pos, cost[pos], sched[pos]


def _same_bits(x: np.ndarray, y: np.ndarray) -> bool:
    return x.shape == y.shape and np.array_equal(np.signbit(x), np.signbit(y)) and \
        np.array_equal(x, y)


def test_differences_equal_the_dense_scratch_way_to_the_last_bit():
    g = np.random.default_rng(5)
    n = 400
    for trial in range(30):
        a = _table(g, n, 6, None, trial % 3 != 0)
        # the second run: some variants at the very same iterations as the first's
        # (an impact re-assessed), some not (a probability re-assessed)
        same = [a.of(v)[0] if v % 2 else g.choice(n, int(g.integers(0, n // 3)),
                                                  replace=False) for v in range(6)]
        b = _table(g, n, 6, same, trial % 4 != 0)
        # random pairs, and each variant with its namesake (half at the same iterations)
        va = np.concatenate([g.integers(-1, 6, size=12), np.arange(6)])
        vb = np.concatenate([g.integers(-1, 6, size=12), np.arange(6)])
        for ta, tb in ((a, b), (None, b), (a, None), (b, a)):
            pos, cost, sched, off = differences(ta, va, tb, vb, n)
            assert off[0] == 0 and off[-1] == pos.size
            for i in range(va.size):
                want = _reference(ta, int(va[i]), tb, int(vb[i]), n)
                got = (pos[off[i]:off[i + 1]], cost[off[i]:off[i + 1]],
                       sched[off[i]:off[i + 1]])
                assert np.array_equal(got[0], want[0])
                assert _same_bits(got[1], want[1]) and _same_bits(got[2], want[2])


def test_differences_of_no_tables_are_empty():
    pos, cost, sched, off = differences(None, np.array([0, -1]), None, np.array([-1, 1]), 10)
    assert pos.size == cost.size == sched.size == 0
    assert off.tolist() == [0, 0, 0]
