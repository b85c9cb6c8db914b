"""How variants differ from their baseline: changes kept in slabs, not per iteration.

A variant (some risks mitigated or removed) differs from the baseline only in the
iterations where one of its changed risks occurs, in either scenario. Those changes are
written where the simulation produces them: the changes of a risk that every variant
touching it changes the same way go straight into one array per block shared by all
variants (a "slab"); a variant owns a stretch of it (a segment). A
:class:`ChangeTable` lists every variant's segments; no (variants x iterations) array
is ever kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .plan import Plan

__all__ = ["ChangeLog", "ChangeTable", "SingleRisks", "Slab", "VariantRun", "pair_differences"]

Slab = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]  # iterations, cost, schedule


@dataclass(frozen=True)
class ChangeTable:
    """Where and by how much each variant differs from the baseline.

    The changes lie in slabs of (iterations, cost change, schedule change) arrays (a
    schedule array None: no schedule changes), as the simulation wrote them. Variant
    ``v`` owns segments ``ptr[v]:ptr[v + 1]``; segment ``s`` covers entries
    ``start[s]:stop[s]`` of slab ``slab[s]``. Segments are sorted by variant, slab and
    start; a variant's iterations are distinct. Arrays handed out may be views of the
    slabs: read them only.
    """

    count: int
    slabs: list[Slab]
    slab: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    ptr: np.ndarray

    @classmethod
    def build(cls, count: int, slabs: list[Slab],
              segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]) -> ChangeTable:
        """The table of ``segments`` (slab, variants, starts, stops) of ``slabs``."""
        variant = _joined([seg[1] for seg in segments], np.intp)
        slab = _joined([np.full(seg[1].size, seg[0], dtype=np.intp) for seg in segments],
                       np.intp)
        start = _joined([seg[2] for seg in segments], np.intp)
        stop = _joined([seg[3] for seg in segments], np.intp)
        order = np.lexsort((start, slab, variant))
        variant, slab, start, stop = variant[order], slab[order], start[order], stop[order]
        ptr = np.searchsorted(variant, np.arange(count + 1)).astype(np.intp)
        return cls(count, slabs, slab, start, stop, ptr)

    @classmethod
    def single(cls, pos: np.ndarray, cost: np.ndarray,
               sched: np.ndarray | None = None) -> ChangeTable:
        """A table of one variant."""
        zero, size = np.array([0], dtype=np.intp), np.array([pos.size], dtype=np.intp)
        return cls(1, [(pos, cost, sched)], zero, zero, size, np.array([0, 1], dtype=np.intp))

    @property
    def has_schedule(self) -> bool:
        return any(slab[2] is not None for slab in self.slabs)

    def of(self, v: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Variant ``v``'s iterations and its cost and schedule changes there."""
        pos, cost = self.layer(v, 1)
        return pos, cost, self.layer(v, 2)[1]

    def layer(self, v: int, which: int) -> tuple[np.ndarray, np.ndarray]:
        """Variant ``v``'s iterations and its changes there (``which``: 1 cost,
        2 schedule), in entry order."""
        parts = [(self.slabs[k], slice(i, j)) for k, i, j in zip(
            *(x[self.ptr[v]:self.ptr[v + 1]].tolist() for x in (self.slab, self.start, self.stop)))]
        return (_joined([slab[0][p] for slab, p in parts], np.intp),
                _joined([slab[which][p] if slab[which] is not None
                         else np.zeros(p.stop - p.start) for slab, p in parts], float))

    def columns(self, which: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every slab's iterations and changes (``which``: 1 cost, 2 schedule; zeros
        where a slab has none), for a kernel that reads the segments in place."""
        pos = [x[0] for x in self.slabs]
        values = []
        for x in self.slabs:
            column = x[which]
            values.append(column if column is not None else np.zeros(x[0].size))
        return pos, values


def _joined(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    """The arrays end to end (the one array itself when there is one)."""
    if len(arrays) == 1:
        return arrays[0]
    if not arrays:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(arrays)


@dataclass
class VariantRun:
    """Per-iteration totals of a baseline, and of each variant where it differs.

    A variant differs from the baseline only in the iterations where one of its changed
    risks occurs (in either scenario): ``changes.of(v)`` gives those iterations and the
    variant's cost and schedule minus the baseline's there. ``risk_ids`` are the
    active risks in plan order; ``impacts`` (for risk drivers) each risk's baseline
    occurrences as (iteration, cost impact, delay).
    """

    base_cost: np.ndarray
    base_schedule: np.ndarray
    changes: ChangeTable
    risk_ids: tuple[str, ...]
    impacts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
    base_cost_value: float = 0.0
    base_schedule_value: float = 0.0
    #: the root of the run's streams (the baseline's and every variant's)
    seed_sequence: np.random.SeedSequence | None = None
    #: the iterations, and the plan's sampling ("lhs" or "random")
    iterations: int = 0
    sampling: str = "lhs"
    #: per risk (plan order), its occurrences in the baseline, and its probability there
    occurrences: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    #: what the run correlated (as :attr:`SimulationResult.correlation`)
    correlation: str = ""
    #: the risk drivers of the run (not in ``risk_ids``: they act on durations)
    driver_ids: tuple[str, ...] = ()

    def totals(self, v: int) -> tuple[np.ndarray, np.ndarray]:
        """Dense cost and schedule of variant ``v`` (for tests and small runs)."""
        pos, dc, ds = self.changes.of(v)
        cost, sched = self.base_cost.copy(), self.base_schedule.copy()
        cost[pos] += dc
        sched[pos] += ds
        return cost, sched


class ChangeLog:
    """The changes of every variant over one chunk, as slabs of (iterations, cost
    change, schedule change) and the segments of them each variant owns.

    A variant that changes several risks, or a risk on activities whose effect passes
    through the network, is summed in block-sized arrays first ("dense"). The changes
    of a risk that every variant touching it changes the same way are written by the
    caller straight into a slab shared by all variants (:class:`SingleRisks`); any
    other single-risk change comes through :meth:`add` as a small slab of its own.
    """

    def __init__(self, dense: Sequence[bool], position: Any = np.intp) -> None:
        self.position = position  # the dtype of iterations in every slab
        self.dense = [vi for vi, flag in enumerate(dense) if flag]
        self.slabs: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
        self.segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self.blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.b0 = 0

    def begin(self, b0: int, n: int) -> None:
        self.b0 = b0
        self.stack = (np.zeros((len(self.dense), n)), np.zeros((len(self.dense), n)))
        self.blocks = {vi: (self.stack[0][d], self.stack[1][d])
                       for d, vi in enumerate(self.dense)}

    def slab(self, pos: np.ndarray, cost: np.ndarray, sched: np.ndarray | None,
             variant: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
        """A slab (``pos`` iterations of the run, not of the block) and its segments;
        kept only if a segment refers to it."""
        if variant.size:
            self.slabs.append((pos.astype(self.position, copy=False), cost, sched))
            self.segments.append((len(self.slabs) - 1, variant, start, stop))

    def add(self, vi: int, pos: np.ndarray, cost: np.ndarray | float = 0.0,
            sched: np.ndarray | float = 0.0) -> None:
        """Add variant ``vi``'s changes at block positions ``pos`` (distinct)."""
        if not pos.size:
            return
        if vi in self.blocks:
            c, s = self.blocks[vi]
            c[pos] += cost
            s[pos] += sched
            return
        whole = np.array([vi]), np.array([0]), np.array([pos.size])
        self.slab(pos + self.b0, np.broadcast_to(np.asarray(cost, dtype=float), pos.shape),
                  None if np.ndim(sched) == 0 and sched == 0 else
                  np.broadcast_to(np.asarray(sched, dtype=float), pos.shape), *whole)

    def end(self) -> None:
        for vi, (c, s) in self.blocks.items():
            nz = np.flatnonzero((c != 0) | (s != 0))
            if nz.size:
                sched = s[nz] if s.any() else None
                self.slab(nz + self.b0, c[nz], sched, np.array([vi]), np.array([0]),
                          np.array([nz.size]))

    def dense_rows(self) -> dict[int, int]:
        """Variant -> its row in the block's stacked dense arrays (:attr:`stack`)."""
        return {vi: d for d, vi in enumerate(self.dense)}


class SingleRisks:
    """The risks whose changes go straight into a block's slab: not on activities, and
    changed the same way (mitigated or removed) by every variant that touches them. A
    risk's changes are a prefix of its own ordered draws: as many entries per block as
    the more of its occurrences before and after."""

    def __init__(self, plan: Plan, pair_r: np.ndarray, pair_v: np.ndarray,
                 pair_m: np.ndarray, on_activities: np.ndarray, dense: np.ndarray):
        """``pair_r``, ``pair_v``, ``pair_m``: every (risk, variant) pair, and whether the
        variant mitigates the risk (else removes it)."""
        count = len(plan.risks)
        mitigated = np.bincount(pair_r, weights=pair_m, minlength=count)
        removed = np.bincount(pair_r, weights=~pair_m, minlength=count)
        drawn = np.array([m.cost_any or m.schedule_any for m in plan.risks], dtype=bool)
        one_way = (mitigated > 0) != (removed > 0)
        self.single = one_way & drawn & ~on_activities
        self.mitigated = self.single & (mitigated > 0)
        own = self.single[pair_r] & ~dense[pair_v]
        self.pair_r = pair_r[own].astype(np.intp)
        self.pair_v = pair_v[own].astype(np.intp)
        self.sched = any(plan.risks[r].schedule_any for r in np.flatnonzero(self.single))

    def offsets(self, k_pre: np.ndarray, k_post: np.ndarray) -> np.ndarray:
        """Where each risk's entries start in the block's slab (count + 1 entries)."""
        width = np.where(self.single,
                         np.maximum(k_pre, np.where(self.mitigated, k_post, 0)), 0)
        return np.concatenate([[0], np.cumsum(width)]).astype(np.intp)

    def segments(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Variants, starts and stops of the non-empty single-risk segments."""
        start, stop = offsets[self.pair_r], offsets[self.pair_r + 1]
        keep = stop > start
        return self.pair_v[keep], start[keep], stop[keep]


def pair_differences(wants: Sequence[tuple[tuple[str, int] | None, tuple[str, int] | None]],
                     tables: Mapping[str, ChangeTable], iterations: int
                     ) -> tuple[list[Slab], list[tuple[int, int, int]]]:
    """:func:`riskkit.kernels.differences.differences` of many pairs of variants of
    named runs: each of ``wants`` is (run, variant) of the first and of the second
    (None: none; a missing first counts as run "old", a missing second as "new"),
    ``tables`` the runs' tables.
    Returns slabs of (iterations, cost, delay), one per pair of runs met (one kernel
    pass each), and per want its slab and stretch of entries. ``compare`` asks for
    each change the old version's removal minus the applied one's: the change's new
    contribution minus its old one."""
    from ..kernels.differences import differences

    pairs: dict[tuple[str, str], list[int]] = {}
    for i, (a, b) in enumerate(wants):
        pairs.setdefault((a[0] if a else "old", b[0] if b else "new"), []).append(i)
    slabs: list[Slab] = []
    where: list[tuple[int, int, int]] = [(0, 0, 0)] * len(wants)
    for (side_a, side_b), at in pairs.items():
        va = [wants[i][0][1] if wants[i][0] else -1 for i in at]  # type: ignore[index]
        vb = [wants[i][1][1] if wants[i][1] else -1 for i in at]  # type: ignore[index]
        pos, cost, sched, off = differences(tables.get(side_a), np.array(va, dtype=np.int64),
                                            tables.get(side_b), np.array(vb, dtype=np.int64),
                                            iterations)
        for j, i in enumerate(at):
            where[i] = (len(slabs), int(off[j]), int(off[j + 1]))
        slabs.append((pos, cost, sched))
    if not slabs:
        slabs.append((np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0)))
    return slabs, where
