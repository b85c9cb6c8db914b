"""Mean and exact percentile changes of many variants of one baseline.

A variant differs from the baseline in a few iterations only. Its mean change is the
sum of its changes over the iterations; its percentile follows from the baseline sorted
once: replacing m values moves any order statistic by at most m places, so the
variant's percentile lies among the baseline's values near the baseline's and the
variant's new values. A window of the sorted baseline, centred where the changes move
the order statistic to and widened until it provably holds both order statistics the
percentile interpolates, is all that is sorted. The result equals ``np.percentile`` of
the variant's totals to the last bit (``tests/test_reductions.py``).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from ._jit import Array, inline, jit

__all__ = ["variant_reductions"]

#: Whether a table of 64 variants or more is reduced on two threads (bit-identical
#: either way: each variant's figures are computed alone).
PARALLEL = (os.cpu_count() or 1) > 1


@inline
def _first_pass(ordered: Array, rank: Array, base: Array, pos: Array, delta: Array, k0: int,
                removed: Array, new: Array) -> tuple[float, bool, int]:
    """One pass over a variant's changes: their sum in entry order, whether any is
    non-zero, and how many places they move the baseline's order statistic ``k0``;
    ``removed`` and ``new`` get each changed iteration's place in the sorted baseline
    and its new value."""
    x0 = ordered[k0]
    acc = 0.0
    nonzero = 0
    shift = 0
    for j in range(pos.shape[0]):
        d = delta[j]
        acc += d
        nonzero |= np.int64(d != 0.0)
        r = rank[pos[j]]
        x = base[pos[j]] + d
        removed[j] = r
        new[j] = x
        shift += np.int64(x < x0) - np.int64(r < k0)
    return acc, nonzero != 0, shift


@inline
def _order_statistics(ordered: Array, k0: int, k1: int, m: int, shift: int, removed: Array,
                      new: Array, gone: Array, fresh: Array) -> tuple[float, float]:
    """Order statistics k0 and k1 of the baseline with the ``m`` values at sorted places
    ``removed`` replaced by ``new`` (from :func:`_first_pass`): the window is centred
    where the changes move the order statistic to (``shift``) and widened until it
    provably holds both. ``gone`` and ``fresh``: scratch of at least ``m`` entries. The
    loops are branch-free (whether a change falls below or inside the window is as good
    as random), and the counting loop stores nothing: the changes inside the window
    are collected in a second loop once it holds (two loops cost half of one that
    does both)."""
    n = ordered.shape[0]
    centre = min(max(k0 - shift, 0), n - 1)
    width = 8
    while True:
        a, b = centre - width, centre + 1 + width
        lo = ordered[a] if a > 0 else -np.inf
        hi = ordered[b] if b < n - 1 else np.inf
        i_lo = np.searchsorted(ordered, lo, side="left")
        i_hi = np.searchsorted(ordered, hi, side="right")
        below, count = i_lo, i_hi - i_lo
        for j in range(m):  # counting only: no stores in this loop
            r, x = removed[j], new[j]
            below += np.int64(x < lo) - np.int64(r < i_lo)
            count += (np.int64(x >= lo) & np.int64(x <= hi)) - (
                np.int64(r >= i_lo) & np.int64(r < i_hi))
        if below <= k0 and below + count > k1:
            break
        width *= 4
    n_gone = n_fresh = 0
    for j in range(m):  # the changes inside the window, collected once it holds
        r, x = removed[j], new[j]
        gone[n_gone] = r
        n_gone += np.int64(r >= i_lo) & np.int64(r < i_hi)
        fresh[n_fresh] = x
        n_fresh += np.int64(x >= lo) & np.int64(x <= hi)
    keep = np.ones(i_hi - i_lo, dtype=np.bool_)
    for j in range(n_gone):
        keep[gone[j] - i_lo] = False
    window = np.empty(count)
    c = 0
    for i in range(i_hi - i_lo):
        if keep[i]:
            window[c] = ordered[i_lo + i]
            c += 1
    for j in range(n_fresh):
        window[c] = fresh[j]
        c += 1
    window.sort()
    return window[k0 - below], window[k1 - below]


@jit
def _variant_reductions(ordered: Array, rank: Array, base: Array, k0: int, k1: int,
                        pos: Array, delta: Array, slab: Array, start: Array, stop: Array,
                        ptr: Array, total: Array, v0: Array, v1: Array,
                        changed: Array) -> None:
    """For each variant ``v``, whose changes are segments ``ptr[v]:ptr[v + 1]`` (entries
    ``start[s]:stop[s]`` of slab ``slab[s]``, i.e. of the arrays ``pos[slab[s]]`` and
    ``delta[slab[s]]``): the sum of its changes in entry order, whether any is
    non-zero, and order statistics k0 and k1 of the baseline with the changes added
    (NaN when the sum is not a number: left to the caller, as no window holds a NaN)."""
    longest = 0
    for v in range(ptr.shape[0] - 1):
        m = 0
        for s in range(ptr[v], ptr[v + 1]):
            m += stop[s] - start[s]
        longest = max(longest, m)
    removed = np.empty(longest, dtype=np.int64)
    new, fresh = np.empty(longest), np.empty(longest)
    gone = np.empty(longest, dtype=np.int64)
    gathered_pos = np.empty(longest, dtype=pos[0].dtype)
    gathered = np.empty(longest)
    for v in range(ptr.shape[0] - 1):
        s0, s1 = ptr[v], ptr[v + 1]
        total[v] = 0.0
        changed[v] = False
        if s1 == s0:
            continue
        if s1 - s0 == 1:  # in one slab: read in place
            p = pos[slab[s0]][start[s0]:stop[s0]]
            d = delta[slab[s0]][start[s0]:stop[s0]]
        else:  # across slabs (runs of several blocks): gathered
            c = 0
            for s in range(s0, s1):
                p_s, d_s = pos[slab[s]], delta[slab[s]]
                for j in range(start[s], stop[s]):
                    gathered_pos[c] = p_s[j]
                    gathered[c] = d_s[j]
                    c += 1
            p, d = gathered_pos[:c], gathered[:c]
        acc, nonzero, shift = _first_pass(ordered, rank, base, p, d, k0, removed, new)
        total[v] = acc
        changed[v] = nonzero
        if acc != acc:  # a change is not a number (or infinities cancel): the plain way
            v0[v] = v1[v] = np.nan
        elif nonzero:
            v0[v], v1[v] = _order_statistics(ordered, k0, k1, d.shape[0], shift, removed,
                                             new, gone, fresh)


def variant_reductions(ordered: np.ndarray, rank: np.ndarray, base: np.ndarray, k0: int,
                       k1: int, pos: list[np.ndarray], delta: list[np.ndarray],
                       slab: np.ndarray, start: np.ndarray, stop: np.ndarray,
                       ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run :func:`_variant_reductions` over the slabs ``pos``/``delta`` (lists of
    arrays): per variant, the sum of its changes, whether any is non-zero, and the two
    order statistics (valid where changed)."""
    count = ptr.size - 1
    total, v0, v1 = np.zeros(count), np.zeros(count), np.zeros(count)
    changed = np.zeros(count, dtype=np.bool_)
    if not pos:
        return total, changed, v0, v1
    common = np.result_type(*(p.dtype for p in pos))  # one dtype: no copy of the big slab
    pos_list, delta_list = numba.typed.List(), numba.typed.List()
    for p, d in zip(pos, delta):  # a typed list holds writable contiguous arrays
        pos_list.append(np.require(p, common, ["C", "W"]))
        delta_list.append(np.require(d, np.float64, ["C", "W"]))
    # two halves of the variants (by their changes) on two threads: the kernel releases
    # the GIL, and each variant's figures are its own, so the split changes no bit
    entries = np.concatenate([[0], np.cumsum(stop - start)])[ptr]
    half = int(np.searchsorted(entries, entries[-1] / 2))
    parts = [(0, half), (half, count)] if PARALLEL and 64 <= count and 0 < half < count \
        else [(0, count)]

    def run(part: tuple[int, int]) -> None:
        a, b = part
        _variant_reductions(ordered, rank, base, k0, k1, pos_list, delta_list, slab, start,
                            stop, ptr[a:b + 1], total[a:b], v0[a:b], v1[a:b], changed[a:b])

    if len(parts) == 1:
        run(parts[0])
    else:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(run, parts))
    return total, changed, v0, v1
