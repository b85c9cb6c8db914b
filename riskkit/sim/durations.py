"""Activity durations of a block, a slice of :data:`SUB_BLOCK` iterations at a time.

Activity durations are dense: every activity has one in every iteration. Each draws
from its own stream (keyed by its id), the same draws whatever its distribution, so
editing one activity's estimate leaves the others unchanged. Correlated activities are
reordered by Iman–Conover before their inverse CDFs; a slice's uniforms are
Latin-hypercube stratified over the slice (see :mod:`riskkit.kernels.durations`).
"""

from __future__ import annotations

import numpy as np

from ..cpm import Workspace
from ..kernels.kinds import Rule
from ..seeds import ACTIVITY_STREAM, CORRELATION_STREAM
from .correlation import correlate_rows
from .plan import DURATION_DTYPE, NetworkModel, Plan
from .risks import OnActivities, stream_prefix

__all__ = ["SUB_BLOCK", "Durations", "add_activity_delays"]

#: Iterations per CPM slice. Activity durations are Latin-hypercube stratified over
#: each slice, so this is part of the reproducibility contract, like BLOCK_SIZE. At
#: most riskkit.kernels.durations.MAX_SLICE.
SUB_BLOCK = 4_096

_ROWS = 32  # rows of the duration matrix processed at once: keeps temporaries in cache


def _triangular_rows(u: np.ndarray, a: np.ndarray, m: np.ndarray, b: np.ndarray) -> None:
    """Triangular inverse CDF, in place, over a (rows, iterations) block of float32
    uniforms with per-row parameters of shape (rows, 1): a branch-free blend of both
    sides of the mode."""
    w = b - a
    c = (m - a) / w
    below = u < c
    t = u * c                         # lower tail: u c
    np.subtract(1.0, u, out=u)
    u *= 1.0 - c                      # upper tail: (1 - u)(1 - c)
    t -= u
    t *= below
    u += t
    np.sqrt(u, out=u)
    u *= w                            # distance from the nearer end
    np.multiply(u, 2.0, out=t)
    t += a - b
    t *= below
    np.subtract(b, u, out=u)          # b - w r, or a + w r below the mode
    u += t


class Durations:
    """Draws a block's activity durations slice by slice: one stream per activity and
    one per correlated set of activities, continued from slice to slice."""

    def __init__(self, plan: Plan, block: int):
        from ..kernels import pcg64

        net = plan.network
        assert net is not None
        self.net, self.lhs = net, plan.lhs
        keys = plan.derived.get_or_make("activity keys", lambda: pcg64.key_table(
            list(net.keys)))
        self.states, _ = pcg64.stream_states(stream_prefix(plan, block, ACTIVITY_STREAM), keys)
        comps = plan.correlation.activities
        self.sets: list[tuple[object, np.ndarray]] = []
        if comps:
            corr_keys = pcg64.key_table([(c.key, 2) for c in comps])
            states, _ = pcg64.stream_states(stream_prefix(plan, block, CORRELATION_STREAM),
                                            corr_keys)
            self.sets = list(zip(comps, states))
        self.tri, self.others, self.tri_params = plan.derived.get_or_make(
            "duration rows", lambda: _duration_rows(net))

    def sample(self, size: int, work: Workspace) -> np.ndarray:
        """Durations of every activity for the next ``size`` iterations, shape
        (activities, size)."""
        from ..kernels.durations import inverse_rows, uniform_rows
        from ..kernels.rules import ndtri

        net = self.net
        u = work.get("uniforms", (len(net.keys), size), DURATION_DTYPE)
        words = work.get("duration words", (size,), np.uint64)
        keys = work.get("duration keys", (size,), np.uint32)
        bits = work.get("duration bits", (size,), np.uint32)
        uniform_rows(self.states, size, self.lhs, u, words, keys, bits)
        if self.sets:
            correlate_rows(u, self.sets)  # type: ignore[arg-type]
        tri, (a, m, b) = self.tri, self.tri_params
        contiguous = tri.size == u.shape[0]
        for r0 in range(0, tri.size, _ROWS):
            rows = tri[r0:r0 + _ROWS]
            if contiguous:
                _triangular_rows(u[rows[0]:rows[-1] + 1], a[r0:r0 + _ROWS], m[r0:r0 + _ROWS],
                                 b[r0:r0 + _ROWS])
            else:
                block = u[rows]
                _triangular_rows(block, a[r0:r0 + _ROWS], m[r0:r0 + _ROWS], b[r0:r0 + _ROWS])
                u[rows] = block
        if self.others.size:
            inverse_rows(self.others, net.kinds, net.params, net.tables, net.data, ndtri, u,
                         size, work.get("duration scratch", (size,), float))
        return u


def _duration_rows(net: NetworkModel) -> tuple[np.ndarray, np.ndarray,
                                               tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The triangular activities (blended in float32), the others (through their
    kernel rule), and the triangular parameters as float32 columns."""
    tri = net.rows_of(Rule.TRIANGULAR)
    others = np.flatnonzero(net.kinds != int(Rule.TRIANGULAR)).astype(np.int64)
    params = tuple(net.params[tri, i].astype(DURATION_DTYPE)[:, None] for i in (0, 1, 2))
    return tri, others, params  # type: ignore[return-value]


def add_activity_delays(d: np.ndarray, on_activities: OnActivities, s0: int, s1: int) -> None:
    """Add risk delays (positions ascending) falling in [s0, s1) to their activities'
    rows; an opportunity can shorten an activity to zero, not below."""
    touched = set()
    for model, pos, values in on_activities:
        lo, hi = np.searchsorted(pos, [s0, s1])
        if hi > lo:
            local = pos[lo:hi] - s0
            for a in model.activities:
                d[a, local] += values[lo:hi]
                touched.add(a)
    for a in touched:
        np.maximum(d[a], 0.0, out=d[a])
