"""Activity durations, a slice of iterations at a time: the streams' words and
uniforms, then the inverse CDFs (see :mod:`riskkit.sim.durations`)."""

from __future__ import annotations

import numpy as np

from ._jit import Array, jit
from .pcg64 import next64, next_float32
from .rules import inverse_cdf

__all__ = ["inverse_rows", "uniform_rows"]


@jit
def uniform_rows(states: Array, size: int, lhs: bool, out: Array, words: Array) -> None:
    """Random sampling: ``out[a, :size]``, the next ``size`` float32 uniforms of
    activity ``a``'s stream ``states[a]`` (numpy's ``random(dtype=float32)``). Latin
    hypercube sampling: ``words[a, :size]``, its next ``size`` raw words, from which
    :func:`riskkit.sim.durations.stratified_rows` makes the strata."""
    for a in range(states.shape[0]):
        st = states[a]
        if lhs:
            row_words = words[a]
            for t in range(size):
                row_words[t] = next64(st)
            continue
        row = out[a]
        for t in range(size):
            row[t] = next_float32(st)


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
