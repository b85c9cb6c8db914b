"""Differences between variants of two variant runs, in one pass each.

A variant's changes lie in segments of a run's slabs (:class:`riskkit.sim.changes.
ChangeTable`). :func:`differences` gives, for many pairs of variants (one of each
run, either missing), the first's changes minus the second's at the union of their
iterations: the first's iterations in entry order, then the second's others in entry
order; the first minus the second where both change, the first's where only it
does, zero minus the second's where only the second does, and minus the second's
when the first is missing. That is what gathering each variant's segments and
subtracting them through dense scratch arrays gives, to the last bit, without the
copies.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

from ._jit import Array, jit

__all__ = ["differences"]


@jit
def _differences(a_pos: Array, a_cost: Array, a_sched: Array, a_slab: Array, a_start: Array,
                 a_stop: Array, a_ptr: Array, va: Array, b_pos: Array, b_cost: Array,
                 b_sched: Array, b_slab: Array, b_start: Array, b_stop: Array,
                 b_ptr: Array, vb: Array, slot: Array, out_pos: Array, out_cost: Array,
                 out_sched: Array, out_off: Array) -> None:
    """Pair ``i``: variant ``va[i]`` of run a minus ``vb[i]`` of run b (-1: none) into
    ``out_*[out_off[i]:out_off[i + 1]]``. ``slot``: one entry per iteration, -1 on entry
    and on return (a pair's entries fit 32 bits: at most two variants' changes at
    distinct iterations)."""
    at = 0
    for i in range(va.shape[0]):
        out_off[i] = at
        first = at
        if va[i] >= 0:
            v = va[i]
            for s in range(a_ptr[v], a_ptr[v + 1]):
                p, c, d = a_pos[a_slab[s]], a_cost[a_slab[s]], a_sched[a_slab[s]]
                for j in range(a_start[s], a_stop[s]):
                    out_pos[at] = p[j]
                    out_cost[at] = c[j]
                    out_sched[at] = d[j]
                    at += 1
        if vb[i] < 0:
            continue
        v = vb[i]
        if va[i] < 0:
            for s in range(b_ptr[v], b_ptr[v + 1]):
                p, c, d = b_pos[b_slab[s]], b_cost[b_slab[s]], b_sched[b_slab[s]]
                for j in range(b_start[s], b_stop[s]):
                    out_pos[at] = p[j]
                    out_cost[at] = -c[j]
                    out_sched[at] = -d[j]
                    at += 1
            continue
        old = at
        # the same iterations in the same order (an impact re-assessed): in place
        same = True
        k = first
        for s in range(b_ptr[v], b_ptr[v + 1]):
            p = b_pos[b_slab[s]]
            for j in range(b_start[s], b_stop[s]):
                if k >= old or out_pos[k] != p[j]:
                    same = False
                    break
                k += 1
            if not same:
                break
        if same and k == old:
            k = first
            for s in range(b_ptr[v], b_ptr[v + 1]):
                c, d = b_cost[b_slab[s]], b_sched[b_slab[s]]
                for j in range(b_start[s], b_stop[s]):
                    out_cost[k] = out_cost[k] - c[j]
                    out_sched[k] = out_sched[k] - d[j]
                    k += 1
            continue
        for k in range(first, old):
            slot[out_pos[k]] = k - first
        for s in range(b_ptr[v], b_ptr[v + 1]):
            p, c, d = b_pos[b_slab[s]], b_cost[b_slab[s]], b_sched[b_slab[s]]
            for j in range(b_start[s], b_stop[s]):
                q = p[j]
                k = slot[q]
                if k >= 0:
                    k += first
                    out_cost[k] = out_cost[k] - c[j]
                    out_sched[k] = out_sched[k] - d[j]
                else:
                    out_pos[at] = q
                    out_cost[at] = 0.0 - c[j]
                    out_sched[at] = 0.0 - d[j]
                    at += 1
        for k in range(first, old):
            slot[out_pos[k]] = -1
    out_off[va.shape[0]] = at


def _columns(table: Any, dtype: Any) -> tuple[Any, Any, Any]:
    """A table's slabs as three typed lists (positions, cost, schedule; zeros where a
    slab has no schedule changes)."""
    pos, cost, sched = numba.typed.List(), numba.typed.List(), numba.typed.List()
    # a table without slabs (no variant changes anything): one empty slab, so that the
    # lists have a type
    for p, c, d in table.slabs or [(np.zeros(0, dtype=dtype), np.zeros(0), None)]:
        pos.append(np.require(p, dtype, ["C", "W"]))
        cost.append(np.require(c, np.float64, ["C", "W"]))
        sched.append(np.require(d, np.float64, ["C", "W"]) if d is not None
                     else np.zeros(p.size))
    return pos, cost, sched


def _lengths(table: Any) -> np.ndarray:
    """Entries of each variant of a table."""
    entries = np.concatenate([[0], np.cumsum(table.stop - table.start)])[table.ptr]
    return np.diff(entries)


def differences(a: Any, va: np.ndarray, b: Any, vb: np.ndarray, iterations: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Variant ``va[i]`` of table ``a`` minus variant ``vb[i]`` of table ``b`` (-1, or a
    table None: none) for every ``i``, as in the module's description: positions, cost
    and schedule differences end to end, and the offsets of each pair's
    (``len(va) + 1`` entries)."""
    va, vb = np.asarray(va, dtype=np.int64), np.asarray(vb, dtype=np.int64)
    if a is None:
        a, va = b, np.full(va.size, -1, dtype=np.int64)
    if b is None:
        b, vb = a, np.full(vb.size, -1, dtype=np.int64)
    if a is None:  # neither: every pair is empty
        return (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0),
                np.zeros(va.size + 1, dtype=np.int64))
    dtype = np.result_type(np.int32, *(s[0].dtype for t in (a, b) for s in t.slabs))
    size = int(_lengths(a)[va[va >= 0]].sum() + _lengths(b)[vb[vb >= 0]].sum())
    out_pos, out_cost, out_sched = (np.empty(size, dtype=dtype), np.empty(size),
                                    np.empty(size))
    out_off = np.zeros(va.size + 1, dtype=np.int64)
    slot = np.full(iterations, -1, dtype=np.int32)
    _differences(*_columns(a, dtype), a.slab, a.start, a.stop, a.ptr, va,
                 *_columns(b, dtype), b.slab, b.start, b.stop, b.ptr, vb, slot, out_pos,
                 out_cost, out_sched, out_off)
    end = int(out_off[-1])
    return out_pos[:end], out_cost[:end], out_sched[:end], out_off

