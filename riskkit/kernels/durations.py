"""Activity durations, a slice of iterations at a time: uniforms, then inverse CDFs.

Every activity draws from its own stream, the same draws whatever its distribution. Under
Latin hypercube sampling a row of ``size`` uniforms is ``(perm_j + U_j) / size``; the
permutation is the order of random keys, found by sorting 32-bit words whose low 12
bits are the iteration index and whose high 20 bits are random (sorting is several times
faster than shuffling). Keys that tie in their 20 random bits (about 8 pairs in 4,096)
keep index order, so those pairs are never swapped with each other: a departure from a
uniform permutation far below any effect on a result; every stratum is still used
exactly once. ``perm_j + U_j`` is assembled as float32 bits: the exponent of 4,096, the
12-bit stratum and 11 random bits of position within it (float32 resolves no finer at
4,096), then 4,096 is subtracted; the division by ``size`` keeps every value below 1.
"""

from __future__ import annotations

import numpy as np

from ._jit import Array, jit
from .pcg64 import next64, next_float32
from .rules import inverse_cdf

__all__ = ["MAX_SLICE", "inverse_rows", "uniform_rows"]

#: The largest slice: the iteration index must fit in the 12 low bits of a key.
MAX_SLICE = 4_096
_KEY_MASK = np.uint32(0xFFFF_F000)
_INDEX_MASK = np.uint32(0x0000_0FFF)
_FLOAT_4096 = np.uint32(0x4580_0000)  # float32 bits of 4,096.0: exponent 127 + 12


@jit
def uniform_rows(states: Array, size: int, lhs: bool, out: Array, words: Array,
                 keys: Array, bits: Array) -> None:
    """``out[a, :size]``: the next ``size`` uniforms (float32) of activity ``a``'s
    stream ``states[a]``: Latin hypercube strata from ``size`` raw words, or numpy's
    ``random(dtype=float32)``. ``words`` (uint64), ``keys`` and ``bits`` (uint32):
    scratch of at least ``size``."""
    key = keys[:size]
    as_float = bits.view(np.float32)
    scale = np.float32(size)
    for a in range(states.shape[0]):
        st = states[a]
        row = out[a]
        if not lhs:
            for t in range(size):
                row[t] = next_float32(st)
            continue
        for t in range(size):
            words[t] = next64(st)
        # the words as 2 x size uint32 (little-endian halves): keys, then jitters
        for t in range(size):
            half = (words[t >> 1] >> np.uint64(32 * (t & 1))) & np.uint64(0xFFFFFFFF)
            key[t] = (np.uint32(half) & _KEY_MASK) | np.uint32(t)
        key.sort()
        for t in range(size):
            u = size + t
            half = (words[u >> 1] >> np.uint64(32 * (u & 1))) & np.uint64(0xFFFFFFFF)
            jitter = np.uint32(half) >> np.uint32(21)
            bits[t] = ((key[t] & _INDEX_MASK) << np.uint32(11)) | jitter | _FLOAT_4096
        for t in range(size):
            row[t] = (as_float[t] - np.float32(4096.0)) / scale


@jit
def inverse_rows(rows: Array, kinds: Array, params: Array, tables: Array, data: Array,
                 f_ndtri: Array, u: Array, size: int,
                 scratch: Array) -> None:
    """The inverse CDF of each activity in ``rows`` over its uniforms ``u[a, :size]``,
    in place: the rule in float64, the duration rounded to float32."""
    for a in rows:
        row = u[a]
        for t in range(size):
            scratch[t] = float(row[t])
        inverse_cdf(kinds[a], params[a, 0], params[a, 1], params[a, 2], params[a, 3],
                    tables, data, f_ndtri, size, False, scratch)
        for t in range(size):
            row[t] = np.float32(scratch[t])
