"""Baseline minus variant, for many sparse variants: mean and exact percentile.

A variant differs from the baseline in a few iterations only: its mean follows from the
changes, and its percentile from the baseline sorted once (see
:mod:`riskkit.kernels.reductions`). Every value equals what numpy computes from the
variant's totals in full (``np.mean``'s sum aside: the changes are summed in order).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..sim.changes import ChangeTable, VariantRun
from .results import Effect

__all__ = ["Reductions", "VariantEffects", "lerp"]


def lerp(a: Any, b: Any, t: float) -> Any:
    """numpy's linear interpolation between neighbouring order statistics (the same
    operations as ``np.percentile``, so the same value to the last bit); a and b are
    numbers or arrays."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class Reductions:
    """Baseline minus variant: mean and a percentile, for sparse variants.

    A variant differs from the baseline in a few iterations only: its mean follows from
    the deltas, and its percentile from the baseline sorted once. Replacing m values
    moves any order statistic by at most m places, so the variant's percentile lies
    among the baseline's values near the baseline percentile and the variant's new
    values: a window around it, widened until it provably holds both order statistics
    the percentile interpolates, is all that is selected from. The value equals
    ``np.percentile`` of the variant's totals.
    """

    def __init__(self, base: np.ndarray, q: float):
        self.base, self.q = base, q
        self.finite = bool(np.isfinite(base).all())
        n = self.n = base.size
        # any order that sorts will do (equal values are interchangeable: the window
        # is cut by value, and each rank stands for its own iteration), so numpy's
        # fastest (vectorised where the CPU has it), not the stable one: 7x faster
        order = np.argsort(base)
        self.sorted = base[order]
        self.rank = np.empty(n, dtype=np.intp)
        self.rank[order] = np.arange(n)
        virtual = (n - 1) * (100.0 * q / 100.0)  # as np.percentile computes it
        self.k0 = int(np.floor(virtual))
        self.k1 = min(self.k0 + 1, n - 1)
        self.t = float(virtual - self.k0)
        self.base_q = (lerp(float(self.sorted[self.k0]), float(self.sorted[self.k1]), self.t)
                       if self.finite else float(np.percentile(base, 100 * q)))

    def __call__(self, pos: np.ndarray, delta: np.ndarray) -> tuple[float, float]:
        """Mean and percentile reductions of one variant: ``delta`` added at ``pos``."""
        mean, reduction = self.of_table(ChangeTable.single(pos, delta), 1)
        return float(mean[0]), float(reduction[0])

    def of_table(self, table: ChangeTable, which: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and percentile reductions of every variant of ``table`` (``which``:
        1 cost, 2 schedule). A variant's mean change is the sum of its changes in entry
        order, over n."""
        mean, reduction = np.zeros(table.count), np.zeros(table.count)
        if which == 2 and not table.has_schedule:
            return mean, reduction
        if self.finite:
            from ..kernels.reductions import variant_reductions

            positions, changes = table.columns(which)
            total, changed, v0, v1 = variant_reductions(
                self.sorted, self.rank, self.base, self.k0, self.k1, positions, changes,
                table.slab, table.start, table.stop, table.ptr)
            mean[changed] = -total[changed] / self.n
            reduction[changed] = self.base_q - lerp(v0[changed], v1[changed], self.t)
            for v in np.flatnonzero(changed & np.isnan(v0)).tolist():
                reduction[v] = self._plain(*table.layer(v, which))
            return mean, reduction
        for v in range(table.count):  # a baseline that is not finite: the plain way
            pos, d = table.layer(v, which)
            if d.any():
                mean[v] = -np.cumsum(d)[-1] / self.n
                reduction[v] = self._plain(pos, d)
        return mean, reduction

    def _plain(self, pos: np.ndarray, delta: np.ndarray) -> float:
        """The percentile reduction the plain way: the variant's totals in full."""
        variant = self.base.copy()
        variant[pos] += delta
        return self.base_q - float(np.percentile(variant, 100 * self.q))


@dataclass(frozen=True)
class VariantEffects:
    """Per variant of a run: the mean and percentile reductions of cost and duration
    (baseline minus variant, on common random numbers)."""

    percentile: float
    expected_cost: np.ndarray
    percentile_cost: np.ndarray
    expected_delay: np.ndarray
    percentile_delay: np.ndarray

    @classmethod
    def of(cls, run: VariantRun, q: float) -> VariantEffects:
        table = run.changes
        cost_mean, cost_q = Reductions(run.base_cost, q).of_table(table, 1)
        if table.has_schedule:
            delay_mean, delay_q = Reductions(run.base_schedule, q).of_table(table, 2)
        else:  # no variant changes a delay: nothing to sort the baseline's for
            delay_mean, delay_q = np.zeros(table.count), np.zeros(table.count)
        return cls(q, cost_mean, cost_q, delay_mean, delay_q)

    def effect(self, v: int) -> Effect:
        """Variant ``v``'s reductions."""
        return Effect(self.percentile, float(self.expected_cost[v]),
                      float(self.percentile_cost[v]), float(self.expected_delay[v]),
                      float(self.percentile_delay[v]))


