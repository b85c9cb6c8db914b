"""Reductions of many sparse variants: the same values np.percentile gives."""

import numpy as np
import pytest

from riskkit.analysis.reductions import Reductions
from riskkit.sim.changes import ChangeTable


def test_windowed_percentile_of_a_variant_equals_numpys_to_the_last_bit():
    """The variant percentile is selected from a window of the sorted baseline; it must
    equal np.percentile of the variant's totals exactly, ties and extremes included."""
    _check_windowed_percentiles()


def test_variant_percentile_of_a_baseline_with_nan_is_numpys():
    base = np.array([3.0, np.nan, 1.0, 2.0, 5.0])
    reductions = Reductions(base, 0.8)
    variant = base.copy()
    variant[[0, 4]] += [1.0, -2.0]
    _, reduction = reductions(np.array([0, 4]), np.array([1.0, -2.0]))
    expected = np.percentile(base, 80) - np.percentile(variant, 80)
    assert np.isnan(reduction) and np.isnan(expected)


def _check_windowed_percentiles():
    g = np.random.default_rng(0)
    for trial in range(2_000):
        # small baselines, and some large ones whose changes move the percentile by
        # hundreds of places (the window is re-centred and widened)
        n = int(g.integers(1, 300)) if trial % 10 else int(g.integers(2_000, 20_000))
        base = g.normal(size=n)
        if trial % 3 == 0:
            base = base.round(1)  # many ties
        q = float(g.choice([0.8, 0.5, 0.1, 0.95, 0.29, 0.0, 1.0]))
        pos = g.choice(n, int(g.integers(1, n + 1)), replace=False)
        delta = g.normal(size=pos.size) * float(g.choice([0.01, 1.0, 10.0]))
        if trial % 7 == 0:
            delta -= 3.0  # a mitigation: everything it touches falls
        reductions = Reductions(base, q)
        mean, reduction = reductions(pos, delta)
        variant = base.copy()
        variant[pos] += delta
        assert reductions.base_q == np.percentile(base, 100 * q)
        assert reduction == np.percentile(base, 100 * q) - np.percentile(variant, 100 * q)
        assert mean == pytest.approx(base.mean() - variant.mean(), abs=1e-12)


def test_reductions_of_a_table_of_many_variants_across_slabs(monkeypatch):
    """Variants whose changes lie in several slabs (runs of several blocks), next to
    variants in one slab, variants without changes and variants whose changes are all
    zero: each gets np.percentile's reduction exactly and its mean change, on two
    threads (64 variants or more) and on one alike."""
    from riskkit.kernels import reductions as kernel

    g = np.random.default_rng(5)
    n, count = 30_000, 70
    base = g.gamma(2.0, 1_000.0, n).round(0)  # ties
    slabs, segments, truth = [], [], [[] for _ in range(count)]
    for block in range(3):
        lo, hi = block * 10_000, (block + 1) * 10_000
        pos, cost, seg = [], [], []
        at = 0
        for v in range(count):
            if v % 10 == 9 or (v % 2 and block):  # no changes; changes in block 0 only
                continue
            m = int(g.integers(1, 3_000))
            p = g.choice(np.arange(lo, hi), m, replace=False)
            d = np.zeros(m) if v % 10 == 8 else -g.exponential(500.0, m).round(1)
            pos.append(p.astype(np.int32 if block % 2 else np.intp))
            cost.append(d)
            seg.append((v, at, at + m))
            truth[v].append((p, d))
            at += m
        slabs.append((np.concatenate(pos), np.concatenate(cost), None))
        segments.append((block, *(np.array(x, dtype=np.intp) for x in zip(*seg))))
    table = ChangeTable.build(count, slabs, segments)
    for q in (0.8, 0.5, 0.95):
        mean, reduction = Reductions(base, q).of_table(table, 1)
        for v in range(count):
            variant = base.copy()
            for p, d in truth[v]:
                variant[p] += d
            expected = np.percentile(base, 100 * q) - np.percentile(variant, 100 * q)
            assert reduction[v] == expected
            assert mean[v] == pytest.approx(base.mean() - variant.mean(), rel=1e-12, abs=1e-9)
            assert (mean[v] == 0) == (not any(np.any(d) for _, d in truth[v]))
        assert not Reductions(base, q).of_table(table, 2)[1].any()  # no schedule
        monkeypatch.setattr(kernel, "PARALLEL", not kernel.PARALLEL)
        again = Reductions(base, q).of_table(table, 1)
        monkeypatch.undo()
        np.testing.assert_array_equal(again[0], mean)
        np.testing.assert_array_equal(again[1], reduction)


def test_a_change_that_is_not_a_number_gives_numpys_percentile():
    """No window can hold a NaN change: the plain computation answers (it used to loop
    for ever), as np.percentile would."""
    base = np.arange(50.0)
    for bad in (np.nan, np.inf, -np.inf):
        delta = np.array([1.0, bad, -2.0])
        pos = np.array([3, 40, 45])
        variant = base.copy()
        variant[pos] += delta
        with np.errstate(invalid="ignore"):
            expected = 40.0 - np.percentile(variant, 80)  # P80 of 0..49 is 39.2
            _, got = Reductions(base, 0.8)(pos, delta)
        np.testing.assert_equal(got, np.percentile(base, 80) - np.percentile(variant, 80))
        assert np.isnan(got) == np.isnan(expected)
