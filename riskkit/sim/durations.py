"""Activity durations of a block, a slice of :data:`SUB_BLOCK` iterations at a time.

Activity durations are dense: every activity has one in every iteration. Each draws
from its own stream (keyed by its id), the same draws whatever its distribution, so
editing one activity's estimate leaves the others unchanged. Correlated activities are
reordered by Iman–Conover before their inverse CDFs.

Under Latin hypercube sampling a row of ``size`` uniforms is ``(perm_j + U_j) / size``;
the permutation is the order of random keys, found by sorting 32-bit words whose low 12
bits are the iteration index and whose high 20 bits are random (numpy sorts 32-bit
integers several times faster than it shuffles). Keys that tie in their 20 random bits
(about 8 pairs in 4,096) keep index order, so those pairs are never swapped with each
other: a departure from a uniform permutation far below any effect on a result; every
stratum is still used exactly once. ``perm_j + U_j`` is assembled as float32 bits: the
exponent of 4,096, the 12-bit stratum and 11 random bits of position within it
(float32 resolves no finer at 4,096), then 4,096 is subtracted; the division by
``size`` keeps every value below 1.
"""

from __future__ import annotations

import numpy as np

from ..cpm import Workspace
from ..seeds import ACTIVITY_STREAM, CORRELATION_STREAM
from .correlation import correlate_rows
from .plan import DURATION_DTYPE, NetworkModel, Plan
from .risks import OnActivities, stream_prefix

__all__ = ["SUB_BLOCK", "Durations", "add_activity_delays"]

#: Iterations per CPM slice. Activity durations are Latin-hypercube stratified over
#: each slice, so this is part of the reproducibility contract, like BLOCK_SIZE.
SUB_BLOCK = 4_096
_KEY_MASK = np.uint32(0xFFFF_F000)   # 20 random bits above a 12-bit iteration index
_INDEX_MASK = np.uint32(0x0000_0FFF)
_LHS_INDEX = np.arange(SUB_BLOCK, dtype=np.uint32)
_LHS_INDEX.flags.writeable = False
_FLOAT_4096 = np.uint32(0x4580_0000)  # float32 bits of 4,096.0: exponent 127 + 12
assert SUB_BLOCK <= 1 << 12
_NO_WORDS = np.zeros((0, 0), dtype=np.uint64)

_ROWS = 32  # rows of words sorted at once: keeps the temporaries in cache


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

    def sample(self, size: int, work: Workspace) -> np.ndarray:
        """Durations of every activity for the next ``size`` iterations, shape
        (activities, size)."""
        from ..kernels.durations import uniform_rows

        net = self.net
        u = work.get("uniforms", (len(net.keys), size), DURATION_DTYPE)
        if self.lhs:
            words = work.get("duration words", (_ROWS, size), np.uint64)
            for r0 in range(0, u.shape[0], _ROWS):
                r1 = min(u.shape[0], r0 + _ROWS)
                uniform_rows(self.states[r0:r1], size, True, u, words)
                stratified_rows(u[r0:r1], words[:r1 - r0], work)
        else:
            uniform_rows(self.states, size, False, u, _NO_WORDS)
        if self.sets:
            correlate_rows(u, self.sets)  # type: ignore[arg-type]
        inverse_durations(net, u, work)
        return u


def stratified_rows(u: np.ndarray, words: np.ndarray, work: Workspace) -> None:
    """Latin hypercube uniforms ``(perm_j + U_j) / size`` for each row of ``u`` (a few
    at a time, to stay in cache), from ``size`` raw words of its stream (the same row
    of ``words``), as the module's description says."""
    size = u.shape[1]
    index = _LHS_INDEX[:size]
    rows = work.get("lhs_words", (_ROWS, 2 * size), np.uint32)
    for r0 in range(0, u.shape[0], _ROWS):
        count = min(_ROWS, u.shape[0] - r0)
        block = rows[:count]
        block[:] = words[r0:r0 + count].view(np.uint32)
        keys, jitter = block[:, :size], block[:, size:]
        keys &= _KEY_MASK
        keys |= index
        keys.sort(axis=1)
        keys &= _INDEX_MASK
        keys <<= 11
        jitter >>= 21
        keys |= jitter
        keys |= _FLOAT_4096
        out = u[r0:r0 + count]
        np.subtract(keys.view(np.float32), np.float32(4096.0), out=out)
        out /= np.float32(size)


def inverse_durations(net: NetworkModel, u: np.ndarray, work: Workspace) -> None:
    """Every activity's uniforms (float32 rows of ``u``) through its duration rule, in
    place: the rule evaluated in float64 and the duration rounded once to float32."""
    from ..kernels.durations import inverse_rows
    from ..kernels.rules import ndtri

    size = u.shape[1]
    rows = np.arange(u.shape[0], dtype=np.int64)
    inverse_rows(rows, net.kinds, net.params, net.tables, net.data, ndtri, u, size,
                 work.get("duration scratch", (size,), float))


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
