"""The sampling rules, written once: uniforms, inverse CDFs, Latin hypercube pairing
and Iman–Conover dealing.

Every draw of a simulation goes through these functions, and so does
:meth:`riskkit.distributions.Distribution.ppf`: there is no second copy to keep in step.

Tables (the beta inverse CDF, discrete distributions) are rows of ``tables``, an int64
array of (start, length) into the float64 array ``data``, where ``length`` knots of x
are followed by ``length`` knots of y and the ``length`` slopes between them
(:func:`riskkit.distributions.pack_tables`).
"""

from __future__ import annotations

import ctypes
import math

import numpy as np

from ._jit import Array, inline, jit
from .kinds import Rule

__all__ = ["deal_by_scores", "ndtri", "ppf"]

_SCALE32 = 1.0 / float(2**32)
_FIXED, _TRIANGULAR, _UNIFORM = int(Rule.FIXED), int(Rule.TRIANGULAR), int(Rule.UNIFORM)
_BETA, _LOGNORMAL, _NORMAL = int(Rule.BETA), int(Rule.LOGNORMAL), int(Rule.NORMAL)
_DISCRETE = int(Rule.DISCRETE)
_LOW, _HIGH = 1e-300, 1 - 1e-16  # the normal rules' clip of u, so ndtri stays finite

#: Ranks of normal scores are 16-bit integers: the score times QUANTUM, truncated.
QUANTUM = 3_000.0


def _scipy_ndtri() -> object:
    """scipy's inverse normal CDF as a C function pointer: passed to the kernels as an
    argument (a global pointer would stop numba caching them)."""
    from numba.extending import get_cython_function_address

    address = get_cython_function_address("scipy.special.cython_special", "ndtri")
    return ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(address)


#: The inverse normal CDF the normal and lognormal rules call (scipy.special.ndtri).
ndtri = _scipy_ndtri()


@inline
def uniforms(raw: Array, shift: int, k: int, lhs: bool, values: Array) -> None:
    """``values[j]``: uniform ``j`` from 32 bits of raw word ``j`` (``shift`` 32: the
    high half, 0: the low half), stratified ``(j + U_j) / k`` under Latin hypercube
    sampling, so ascending."""
    inv_k = 1.0 / k
    for j in range(k):
        u = float((raw[j] >> np.uint64(shift)) & np.uint64(0xFFFFFFFF)) * _SCALE32
        values[j] = (u + float(j)) * inv_k if lhs else u


@inline
def _interp(x: float, data: Array, start: int, length: int, j: int) -> tuple[float, int]:
    """``np.interp(x, xp, fp)`` on table knots ``xp = data[start:start+length]``,
    ``fp`` and the slopes after them, with the same operations as numpy (which
    precomputes the slopes too when there are fewer knots than values): the same bits.
    ``j`` is where the knot search starts: a walk forward from it when x does not fall
    below ``xp[j]`` (ascending x), else a bisection. Returns the value and the knot."""
    xp0, last = data[start], data[start + length - 1]
    fp = start + length
    if x > last:
        return data[fp + length - 1], length - 1
    if x < xp0:
        return data[fp], 0
    if j < 0 or data[start + j] > x:
        lo, hi = 0, length
        while hi - lo > 1:
            mid = (lo + hi) >> 1
            if data[start + mid] <= x:
                lo = mid
            else:
                hi = mid
        j = lo
    else:
        while j + 1 < length and data[start + j + 1] <= x:
            j += 1
    if j == length - 1 or data[start + j] == x:
        return data[fp + j], j
    slope = data[fp + length + j]
    y = slope * (x - data[start + j]) + data[fp + j]
    if y != y:  # numpy: try from the other knot, then the flat value
        y = slope * (x - data[start + j + 1]) + data[fp + j + 1]
        if y != y and data[fp + j] == data[fp + j + 1]:
            y = data[fp + j]
    return y, j


@inline
def _beta_walk(values: Array, first: int, stop: int, step: int, data: Array, start: int,
               length: int, width: float, low: float, upper: bool) -> None:
    """The beta rule on ``values[first:stop:step]``, whose table argument (u, or 1 - u
    for the upper tail) ascends: ``np.interp`` found by walking the knots forward, as
    :func:`_interp` does, with the knots, values and slopes of the table held as
    views."""
    xp = data[start:start + length]
    fp = data[start + length:start + 2 * length]
    slopes = data[start + 2 * length:start + 3 * length]
    last = length - 1
    x_first, x_last, fp_last = xp[0], xp[last], fp[last]
    j = 0
    x_next = xp[1] if length > 1 else x_last
    for i in range(first, stop, step):
        x = 1.0 - values[i] if upper else values[i]
        if x >= x_last:
            y = fp_last
        elif x < x_first:
            y = fp[0]
        else:
            while x_next <= x:
                j += 1
                x_next = xp[j + 1]
            xj = xp[j]
            if xj == x:
                y = fp[j]
            else:
                y = slopes[j] * (x - xj) + fp[j]
                if y != y:  # numpy: try from the other knot, then the flat value
                    y = slopes[j] * (x - x_next) + fp[j + 1]
                    if y != y and fp[j] == fp[j + 1]:
                        y = fp[j]
        values[i] = ((1.0 - y) if upper else y) * width + low


@jit
def inverse_cdf(kind: int, p0: float, p1: float, p2: float, p3: float, tables: Array,
                data: Array, f_ndtri: Array, k: int, ascending: bool,
                values: Array) -> None:
    """The inverse CDF of rule ``kind`` on ``values[:k]``, in place.

    ``ascending``: the values are ascending (Latin hypercube strata, or sorted), which
    lets the triangular rule split at the mode and the beta rule walk its tables. The
    beta rule reads u = 0.5 from its upper-tail table when ascending and from its
    lower-tail table otherwise, as riskkit always has.
    """
    if kind == _FIXED:
        for j in range(k):
            values[j] = p0
    elif kind == _TRIANGULAR:
        a, m, b = p0, p1, p2
        c = (m - a) / (b - a)
        lower = (b - a) * (m - a)
        upper = (b - a) * (b - m)
        if ascending:
            split = np.searchsorted(values[:k], c)
            for j in range(split):
                values[j] = a + math.sqrt(values[j] * lower)
            for j in range(split, k):
                values[j] = b - math.sqrt((1.0 - values[j]) * upper)
            return
        for j in range(k):
            u = values[j]
            below = a + math.sqrt(u * lower)
            above = b - math.sqrt((1.0 - u) * upper)
            values[j] = below if u < c else above
    elif kind == _UNIFORM:
        for j in range(k):
            values[j] = values[j] * (p2 - p0) + p0
    elif kind == _BETA:
        lo_start, lo_len = tables[int(p1), 0], tables[int(p1), 1]
        hi_start, hi_len = tables[int(p3), 0], tables[int(p3), 1]
        width = p2 - p0
        if ascending:
            split = np.searchsorted(values[:k], 0.5)
            _beta_walk(values, 0, split, 1, data, lo_start, lo_len, width, p0, False)
            # 1 - u ascends as u descends
            _beta_walk(values, k - 1, split - 1, -1, data, hi_start, hi_len, width, p0, True)
            return
        for i in range(k):
            u = values[i]
            if u <= 0.5:
                x, _ = _interp(u, data, lo_start, lo_len, -1)
            else:
                x, _ = _interp(1.0 - u, data, hi_start, hi_len, -1)
                x = 1.0 - x
            values[i] = x * width + p0
    elif kind == _LOGNORMAL:
        for j in range(k):
            z = f_ndtri(min(max(values[j], _LOW), _HIGH))
            values[j] = math.exp(p0 + p1 * z)
    elif kind == _NORMAL:
        for j in range(k):
            v = values[j] * (1.0 - p2) + p2 if p2 != 0.0 else values[j]
            values[j] = p0 + p1 * f_ndtri(min(max(v, _LOW), _HIGH))
    elif kind == _DISCRETE:
        start, length = tables[int(p0), 0], tables[int(p0), 1]
        for j in range(k):
            u = values[j]
            lo, hi = 0, length  # searchsorted(cum, u, side="right")
            while lo < hi:
                mid = (lo + hi) >> 1
                if data[start + mid] <= u:
                    lo = mid + 1
                else:
                    hi = mid
            values[j] = data[start + length + min(lo, length - 1)]


@jit
def _ppf(kind: int, p0: float, p1: float, p2: float, p3: float, tables: Array, data: Array,
         f_ndtri: Array, u: Array, out: Array, ascending: bool) -> None:
    for i in range(u.shape[0]):
        out[i] = u[i]
    inverse_cdf(kind, p0, p1, p2, p3, tables, data, f_ndtri, u.shape[0], ascending, out)


def ppf(kind: int, params: tuple[float, float, float, float], tables: np.ndarray,
        data: np.ndarray, u: np.ndarray, ascending: bool) -> np.ndarray:
    """The inverse CDF of rule ``kind`` at ``u`` (any shape) as a new float64 array."""
    flat = np.ascontiguousarray(u, dtype=float).reshape(-1)
    out = np.empty_like(flat)
    _ppf(int(kind), *map(float, params), tables, data, ndtri, flat, out, bool(ascending))
    return out.reshape(np.shape(u))


# -- Latin hypercube pairing and Iman–Conover dealing --------------------------------

@inline
def restricted_ranks(perm: Array, kk: int, k: int, ranks: Array) -> None:
    """``ranks[v]`` for each value v of ``perm[:k]``: its rank among them (counting),
    so ``ranks[perm[:k]]`` is a uniform random permutation of k."""
    for q in range(kk):
        ranks[q] = 0
    for i in range(k):
        ranks[perm[i]] = 1
    seen = 0
    for q in range(kk):
        flag = ranks[q]
        ranks[q] = seen
        seen += flag


@inline
def quantised(score: float) -> int:
    """A normal score as a biased 16-bit rank key: score x QUANTUM, clipped to the int16
    range, truncated towards zero, plus 32,768."""
    q = min(max(score * QUANTUM, -32767.0), 32767.0)
    return int(q) + 32768


@inline
def deal(keys: Array, k: int, counts: Array, values: Array, out: Array, slot: Array,
         key_scratch: Array, add: bool, base: Array, order: Array) -> None:
    """Iman–Conover: ``out[i] = values[rank of i]`` (with ``add``: ``base[order[i]] +=``
    it instead), where item ``i`` ranks by its biased 16-bit key ``keys[i]`` (uint16)
    in a stable ascending sort (ties keep their order, as numpy's stable argsort). Two
    8-bit counting passes; ``counts`` holds the histograms of the low and high bytes
    (512 entries), filled by the caller; ``slot`` (int32) and ``key_scratch`` (uint16):
    scratch of k entries."""
    for base_count in (0, 256):
        total = 0
        for q in range(base_count, base_count + 256):
            c = counts[q]
            counts[q] = total
            total += c
    for i in range(k):
        low = keys[i] & 255
        at = counts[low]
        counts[low] += 1
        slot[at] = order[i] if add else i  # the keys and their targets travel together
        key_scratch[at] = keys[i]
    if add:
        for i in range(k):
            high = 256 + (key_scratch[i] >> 8)
            base[slot[i]] += values[counts[high]]
            counts[high] += 1
        return
    for i in range(k):
        high = 256 + (key_scratch[i] >> 8)
        out[slot[i]] = values[counts[high]]
        counts[high] += 1


@jit
def _deal_by_scores(values: Array, scores: Array, out: Array, keys: Array, counts: Array,
                    slot: Array, key_scratch: Array) -> None:
    k = values.shape[0]
    for q in range(512):
        counts[q] = 0
    for i in range(k):
        key = quantised(scores[i])
        keys[i] = key
        counts[key & 255] += 1
        counts[256 + (key >> 8)] += 1
    deal(keys, k, counts, values, out, slot, key_scratch, False, out, slot)


def deal_by_scores(sorted_values: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Iman–Conover: ascending values dealt to the positions in the order of their
    scores (ranked as 16-bit keys, ties by position)."""
    k = sorted_values.shape[0]
    out = np.empty_like(sorted_values)
    _deal_by_scores(sorted_values, np.ascontiguousarray(scores, dtype=float), out,
                    np.empty(k, dtype=np.uint16), np.empty(512, dtype=np.int32),
                    np.empty(k, dtype=np.int32), np.empty(k, dtype=np.uint16))
    return out
