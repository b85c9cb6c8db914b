"""Optional fused kernels (``pip install riskkit[fast]``, which adds numba).

The numpy path in :mod:`riskkit.engine` is the reference. A kernel here does exactly
the same floating-point operations in the same order, in one loop instead of several
array passes: build a risk's uniforms from its raw words, map them through the
triangular inverse CDF and add them at the risk's occurrences. Results are bit-identical
(``tests/test_engine.py`` runs both and compares). Without numba, or with the
environment variable ``RISKKIT_NUMBA=0``, nothing here is used.
"""

from __future__ import annotations

import math
import os

import numpy as np

try:  # pragma: no cover - depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]

__all__ = ["enabled", "set_enabled", "triangular_add"]

_SCALE32 = 1.0 / float(2**32)
_enabled = numba is not None and os.environ.get("RISKKIT_NUMBA", "1") != "0"


def enabled() -> bool:
    """True when the fused kernels are used."""
    return _enabled


def set_enabled(flag: bool) -> bool:
    """Use the kernels (if numba is installed) or not; returns the previous setting."""
    global _enabled
    previous = _enabled
    _enabled = bool(flag) and numba is not None
    return previous


def _triangular_add(raw, high, k, lhs, a, m, b, order, ranks, dest, out,
                    scratch):  # pragma: no cover - compiled by numba
    """``out[order[i]] += F^-1(u_j)`` for the first ``k`` occurrences, where ``u_j`` is
    built from raw word ``j`` as :meth:`riskkit.engine._Buffers.uniforms` builds it and
    occurrence ``i`` gets stratum ``j = ranks[i]`` (LHS pairing), or stratum ``j`` goes
    to occurrence ``i = dest[j]`` (Iman–Conover), or ``j = i`` when both are empty.

    With ranks, the values are computed in stratum order into ``scratch`` first (a
    sequential loop), then dealt: reading raw words in a random order is slower.
    """
    c = (m - a) / (b - a)
    lower = (b - a) * (m - a)
    upper = (b - a) * (b - m)
    inv_k = 1.0 / k
    permuted = ranks.shape[0] > 0
    dealt = dest.shape[0] > 0
    shift = np.uint64(32) if high else np.uint64(0)
    for j in range(k):
        half = (raw[j] >> shift) & np.uint64(0xFFFFFFFF)
        u = float(half) * _SCALE32
        if lhs:
            u = (u + float(j)) * inv_k
        below = u < c
        r = math.sqrt(u * lower if below else (1.0 - u) * upper)
        v = a + r if below else b - r
        if permuted:
            scratch[j] = v
        elif dealt:
            out[order[dest[j]]] += v
        else:
            out[order[j]] += v
    if permuted:
        for i in range(k):
            out[order[i]] += scratch[ranks[i]]


if numba is not None:  # pragma: no branch
    _kernel = numba.njit(cache=True, nogil=True, error_model="numpy")(_triangular_add)
else:  # pragma: no cover
    _kernel = None

_NO_RANKS = np.zeros(0, dtype=np.int64)


def triangular_add(raw: np.ndarray, high: bool, k: int, lhs: bool, a: float, m: float,
                   b: float, order: np.ndarray, ranks: np.ndarray | None,
                   out: np.ndarray, scratch: np.ndarray, dest: np.ndarray | None = None
                   ) -> None:
    """Run the kernel (only call when :func:`enabled`); ``scratch`` holds >= k floats."""
    assert _kernel is not None
    _kernel(raw, high, k, lhs, a, m, b, order, _NO_RANKS if ranks is None else ranks,
            _NO_RANKS if dest is None else dest, out, scratch)
