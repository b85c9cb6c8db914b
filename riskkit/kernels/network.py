"""The forward pass of one variant: the project finish when the durations of some
activities change, in some iterations of a block.

In each iteration the variant changes, only the activities whose duration changed
there, and the successors of those that move, are recomputed, in topological order (a
bitmap of positions, scanned forwards: a successor always comes later): a change stops
where float absorbs it. Every recomputed activity
does the baseline pass's arithmetic in float32 on the same inputs (a link's source plus
its lag, the lag rounded to float32 once; minus the successor's duration for finish
links; the largest of them; clamped at 0 where a start can come out negative; plus the
duration), and reads the baseline's early finishes and early starts wherever nothing
moved. So the result is, to the last bit, what a full forward pass with the changed
durations gives (``tests/test_kernels.py``), at a cost proportional to what moves.
"""

from __future__ import annotations

import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

from ._jit import Array, inline, jit

__all__ = ["HAS_LAG", "READS_FINISH", "SETS_FINISH", "overlay_finish", "transpose"]

#: bits of a link's kind
READS_FINISH, SETS_FINISH, HAS_LAG = 1, 2, 4


@inline
def _maximum(a: float, b: float) -> float:
    """numpy's maximum: ``a`` on ties, NaN from either side."""
    return a if a >= b or a != a else b


@jit
def overlay_finish(in_ptr: Array, in_pred: Array, in_kind: Array, in_lag: Array,
                   out_ptr: Array, out_succ: Array, start_row: Array, clamp: Array,
                   candidates: Array, base_d: Array, base_ef: Array, base_es: Array,
                   base_finish: Array, columns: Array, changed: Array, rows: Array,
                   finish: Array) -> int:
    """Write into ``finish[j]`` the project finish of the variant at iteration
    ``columns[j]`` of the block, where the activities ``changed`` take the durations
    ``rows[i, j]``. Returns the number of activity recomputations.

    Activities are numbered by their topological position, so that the forward scan
    reads every per-activity array forwards. The network: the incoming links of
    activity ``a`` at ``in_ptr[a]:in_ptr[a + 1]`` (the predecessor; the kind:
    :data:`READS_FINISH`, :data:`SETS_FINISH`, :data:`HAS_LAG`; the lag in float32); its
    successors ``out_succ[out_ptr[a]:out_ptr[a + 1]]``; the row of its early start in
    ``base_es`` where a successor reads it (else -1); whether its start can come out
    negative (``clamp``); the activities that can finish last (``candidates``).
    ``base_d``, ``base_ef``: the baseline's durations and early finishes, (block,
    activities), and ``base_es`` its kept early starts, (block, kept): one iteration's
    values together (:func:`transpose`); ``base_finish`` its project finish.

    The variant's values are written over the baseline's in place while an iteration
    is worked on (so every read is one load, with no test of whether it moved), and
    the baseline's are put back before the next: the arrays are as given on return.
    """
    n = in_ptr.shape[0] - 1
    zero = np.float32(0.0)
    # what an iteration overwrote: (activity or start row, the baseline's value)
    d_at, d_old = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float32)
    ef_at, ef_old = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float32)
    es_at, es_old = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.float32)
    is_candidate = np.zeros(n, dtype=np.bool_)
    for a in candidates:
        is_candidate[a] = True
    queued = np.zeros((n + 63) // 64, dtype=np.uint64)
    one = np.uint64(1)
    work = 0
    for j in range(columns.shape[0]):
        c = columns[j]
        d_c, ef_c, es_c = base_d[c], base_ef[c], base_es[c]
        n_d = n_ef = n_es = 0
        word = queued.shape[0]
        for i in range(changed.shape[0]):
            a = changed[i]
            value = rows[i, j]
            if value != d_c[a]:
                d_at[n_d], d_old[n_d] = a, d_c[a]
                n_d += 1
                d_c[a] = value
                queued[a >> 6] |= one << np.uint64(a & 63)
                word = min(word, a >> 6)
        candidate_moved = False
        while True:
            while word < queued.shape[0] and queued[word] == 0:
                word += 1
            if word == queued.shape[0]:
                break
            bits = queued[word]
            queued[word] = bits & (bits - one)
            a = (word << 6) + np.int64(trailing_zeros(bits))  # type: ignore[call-arg]
            work += 1
            d = d_c[a]
            start = zero
            for t in range(in_ptr[a], in_ptr[a + 1]):
                q, kind = in_pred[t], in_kind[t]
                v = ef_c[q] if kind & READS_FINISH else es_c[start_row[q]]
                if kind & HAS_LAG:
                    v = v + in_lag[t]
                if kind & SETS_FINISH:
                    v = v - d
                start = v if t == in_ptr[a] else _maximum(start, v)
            if in_ptr[a + 1] > in_ptr[a] and clamp[a]:
                start = _maximum(start, zero)
            moved = False
            ef = start + d
            if ef != ef_c[a]:
                ef_at[n_ef], ef_old[n_ef] = a, ef_c[a]
                n_ef += 1
                ef_c[a] = ef
                moved = True
                candidate_moved |= is_candidate[a]
            row = start_row[a]
            if row >= 0 and start != es_c[row]:
                es_at[n_es], es_old[n_es] = row, es_c[row]
                n_es += 1
                es_c[row] = start
                moved = True
            if moved:
                for t in range(out_ptr[a], out_ptr[a + 1]):
                    b = out_succ[t]
                    queued[b >> 6] |= one << np.uint64(b & 63)
        if candidate_moved:
            best = -np.inf
            for a in candidates:
                best = _maximum(best, ef_c[a])
            finish[j] = best
        else:
            finish[j] = base_finish[c]
        for i in range(n_d):
            d_c[d_at[i]] = d_old[i]
        for i in range(n_ef):
            ef_c[ef_at[i]] = ef_old[i]
        for i in range(n_es):
            es_c[es_at[i]] = es_old[i]
    return work


@jit
def transpose(src: Array, out: Array, place: Array) -> None:
    """``out[c, place[r]] = src[r, c]``: the transpose, its columns placed by ``place``,
    in tiles that stay in cache (numpy's copy of a transposed view walks one of them a
    whole row apart)."""
    rows, cols = src.shape
    tile = 64
    for r0 in range(0, rows, tile):
        for c0 in range(0, cols, tile):
            for r in range(r0, min(rows, r0 + tile)):
                to = place[r]
                for c in range(c0, min(cols, c0 + tile)):
                    out[c, to] = src[r, c]
