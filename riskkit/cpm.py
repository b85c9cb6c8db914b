"""Critical path method, vectorised over iterations.

A :class:`Network` is an activity-on-node graph compiled once into a short program:
activities in topological order, each with its incoming (forward pass) and outgoing
(backward pass) links. Each pass then walks the activities once and works on whole rows
of iterations at a time, so the cost is a few array operations per activity and link,
never a Python loop over iterations.

Link semantics (lags in working days, negative allowed; no start before time 0):

- FS: start(b) >= finish(a) + lag      - SS: start(b) >= start(a) + lag
- FF: finish(b) >= finish(a) + lag     - SF: finish(b) >= start(a) + lag
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .graph import topological_order

__all__ = ["LINK_TYPES", "Network", "Passes", "Workspace", "critical_tolerance"]

LINK_TYPES = ("FS", "SS", "FF", "SF")
_READS_FINISH = (True, False, True, False)   # FS, FF read the predecessor's finish
_SETS_FINISH = (False, False, True, True)    # FF, SF constrain the successor's finish


@dataclass(frozen=True)
class Passes:
    """Early finish, late finish, durations and project finish, (activities, iters)."""

    durations: np.ndarray
    early_finish: np.ndarray
    late_finish: np.ndarray
    finish: np.ndarray  # project finish per iteration

    @property
    def early_start(self) -> np.ndarray:
        return self.early_finish - self.durations

    @property
    def total_float(self) -> np.ndarray:
        return self.late_finish - self.early_finish

    def critical(self) -> np.ndarray:
        """Zero total float, to a tolerance relative to the project length."""
        return self.total_float <= critical_tolerance(self.finish)

    def finish_sums(self) -> np.ndarray:
        """Per activity, the sum over iterations of its early finish."""
        return self.early_finish.sum(axis=1, dtype=float)

    def finish_of(self, rows: np.ndarray) -> np.ndarray:
        """The early finish of the activities ``rows``, (rows, iterations)."""
        return self.early_finish[rows]

    def critical_counts(self) -> np.ndarray:
        """Per activity, the number of iterations in which it is critical."""
        tol = critical_tolerance(self.finish)
        counts = np.zeros(self.early_finish.shape[0], dtype=np.int64)
        for r0 in range(0, counts.size, 256):  # row blocks keep the temporaries in cache
            tf = self.late_finish[r0:r0 + 256] - self.early_finish[r0:r0 + 256]
            counts[r0:r0 + 256] = np.count_nonzero(tf <= tol, axis=1)
        return counts


class Workspace:
    """Arrays reused from one slice of iterations to the next.

    Fresh memory is expensive (every page faults on first touch), so a simulation
    allocates its (activities x iterations) arrays once and reuses them.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any = float) -> np.ndarray:
        """A view of shape ``shape`` into a buffer at least that large; contents stale."""
        dtype = np.dtype(dtype)
        buf = self._arrays.get(name)
        if buf is None or buf.dtype != dtype or buf.ndim != len(shape) or any(
                b < s for b, s in zip(buf.shape, shape)):
            buf = np.empty(shape, dtype=dtype)
            self._arrays[name] = buf
        return buf[tuple(slice(0, s) for s in shape)]


def critical_tolerance(finish: np.ndarray) -> np.ndarray:
    """How close to zero a total float counts as zero (critical), per iteration."""
    # Rounding along a path of a few hundred additions stays far below these; float32
    # passes (used by the simulation, see docs/architecture.md) need the wider one.
    rel = 1e-5 if finish.dtype == np.float32 else 1e-9
    return rel * np.maximum(1.0, np.abs(finish))


class Network:
    """Activities 0..n-1 and their links, compiled for the forward and backward passes.

    ``src, dst, ltype, lag``: one entry per link (predecessor, successor, index into
    :data:`LINK_TYPES`, lag in working days). The graph must be acyclic.
    """

    def __init__(self, n: int, src: Sequence[int] | np.ndarray, dst: Sequence[int] | np.ndarray,
                 ltype: Sequence[int] | np.ndarray, lag: Sequence[float] | np.ndarray):
        self.n = n
        src = np.asarray(src, dtype=np.intp)
        dst = np.asarray(dst, dtype=np.intp)
        ltype = np.asarray(ltype, dtype=np.int8)
        lag = np.asarray(lag, dtype=float)
        self.order = topological_order(n, src, dst)
        incoming: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
        outgoing: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
        for s, d, t, lg in zip(src.tolist(), dst.tolist(), ltype.tolist(), lag.tolist()):
            incoming[d].append((s, _READS_FINISH[t], _SETS_FINISH[t], lg))
            outgoing[s].append((d, _READS_FINISH[t], _SETS_FINISH[t], lg))
        self._incoming = incoming
        self._outgoing = outgoing
        # Early starts are kept only where a successor reads them (SS, SF links).
        self._keep_start = np.zeros(n, dtype=bool)
        for s, t in zip(src.tolist(), ltype.tolist()):
            if not _READS_FINISH[t]:
                self._keep_start[s] = True
        # A start can only come out negative through a negative lag or a finish link.
        self._clamp = [any(lg < 0 or sets for _, _, sets, lg in links) for links in incoming]
        # Only these can finish last: any other activity has an FS or FF successor with
        # a non-negative lag, which finishes no earlier (durations are >= 0).
        bounded = np.zeros(n, dtype=bool)
        for s, t, lg in zip(src.tolist(), ltype.tolist(), lag.tolist()):
            if _READS_FINISH[t] and lg >= 0 and (t == 0 or t == 2):
                bounded[s] = True
        self.finish_candidates = np.flatnonzero(~bounded)
        self.position = np.empty(n, dtype=np.intp)
        self.position[self.order] = np.arange(n)
        self.has_successor = np.zeros(n, dtype=bool)
        self.has_successor[src] = True
        self.has_predecessor = np.zeros(n, dtype=bool)
        self.has_predecessor[dst] = True
        #: the row of each activity's early start in :meth:`forward_with_starts` (-1: a
        #: start no successor reads is not kept)
        self.start_row = np.full(n, -1, dtype=np.int64)
        self.start_row[self._keep_start] = np.arange(int(self._keep_start.sum()))
        self._arrays: tuple[np.ndarray, ...] | None = None

    def forward(self, durations: np.ndarray, work: Workspace | None = None) -> np.ndarray:
        """Early finish of every activity, shape (activities, iterations)."""
        return self.forward_with_starts(durations, work)[0]

    def forward_with_starts(self, durations: np.ndarray, work: Workspace | None = None
                            ) -> tuple[np.ndarray, np.ndarray]:
        """Early finishes of every activity, and the early starts a successor reads (SS,
        SF links): row ``start_row[a]`` for activity ``a``."""
        work = work or Workspace()
        cols = durations.shape[1:]
        ef = work.get("early_finish", durations.shape, durations.dtype)
        keep = np.flatnonzero(self._keep_start)
        starts = work.get("early_start", (keep.size, *cols), durations.dtype)
        row_of = dict(zip(keep.tolist(), range(keep.size)))
        scratch = work.get("scratch", cols, durations.dtype)
        tmp = work.get("tmp", cols, durations.dtype)
        add, maximum, copyto = np.add, np.maximum, np.copyto
        for a in self.order:
            links = self._incoming[a]
            d = durations[a]
            start = starts[row_of[a]] if a in row_of else scratch
            if not links:
                start.fill(0.0)
                copyto(ef[a], d)
                continue
            first = True
            for p, reads_finish, sets_finish, lag in links:
                source = ef[p] if reads_finish else starts[row_of[p]]
                if lag or sets_finish:
                    value = tmp
                    if lag:
                        add(source, lag, out=value)
                    else:
                        copyto(value, source)
                    if sets_finish:
                        value -= d
                else:
                    value = source
                if first:
                    copyto(start, value)
                    first = False
                else:
                    maximum(start, value, out=start)
            if self._clamp[a]:
                maximum(start, 0.0, out=start)
            add(start, d, out=ef[a])
        return ef, starts

    def project_finish(self, ef: np.ndarray) -> np.ndarray:
        """The latest early finish per iteration."""
        if not self.n:
            return np.zeros(ef.shape[1:], dtype=ef.dtype)
        return ef[self.finish_candidates].max(axis=0)

    def overlay_finish(self, durations: Mapping[int, np.ndarray], base_durations: np.ndarray,
                       base_ef: np.ndarray, base_es: np.ndarray, base_finish: np.ndarray,
                       columns: np.ndarray) -> np.ndarray:
        """The project finish in the iterations ``columns`` of a baseline pass when the
        durations of some activities change there: ``durations`` maps each to its new
        values in ``columns``. The baseline's durations, early finishes and kept early
        starts come from :meth:`by_iteration`; ``base_finish`` is its project finish.

        Only what the change moves is recomputed, in each iteration
        (:func:`riskkit.kernels.network.overlay_finish`), and the result is what a full
        forward pass with the new durations gives: this is how a variant recomputes
        only what it affects.
        """
        from .kernels.network import overlay_finish

        finish = np.empty(columns.size, dtype=base_ef.dtype)
        changed = self.position[np.fromiter(durations, dtype=np.intp, count=len(durations))]
        rows = np.empty((changed.size, columns.size), dtype=base_ef.dtype)
        for i, row in enumerate(durations.values()):
            rows[i] = row
        overlay_finish(*self._compiled(), base_durations, base_ef, base_es, base_finish,
                       columns.astype(np.int64, copy=False), changed.astype(np.int64), rows,
                       finish)
        return finish

    def by_iteration(self, durations: np.ndarray, ef: np.ndarray, es: np.ndarray,
                     work: Workspace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The arrays of a forward pass (:meth:`forward_with_starts`) as
        :meth:`overlay_finish` reads them: transposed, (iterations, activities), with
        the activities in topological order (the early starts in their own order)."""
        from .kernels.network import transpose

        out = []
        for x, name, place in ((durations, "durations by iteration", self.position),
                               (ef, "finishes by iteration", self.position),
                               (es, "starts by iteration", np.arange(es.shape[0]))):
            t = work.get(name, x.shape[::-1], x.dtype)
            transpose(x, t, place)
            out.append(t)
        return out[0], out[1], out[2]

    def _compiled(self) -> tuple[np.ndarray, ...]:
        """The network as the overlay kernel reads it (built once): every activity
        numbered by its topological position."""
        if self._arrays is None:
            from .kernels.network import HAS_LAG, READS_FINISH, SETS_FINISH

            pos = self.position

            def csr(lists: list[list[tuple[int, bool, bool, float]]]) -> tuple[np.ndarray, ...]:
                ordered = [lists[a] for a in self.order]
                ptr = np.zeros(self.n + 1, dtype=np.int64)
                ptr[1:] = np.cumsum([len(x) for x in ordered])
                flat = [link for x in ordered for link in x]
                other = pos[np.array([o for o, *_ in flat], dtype=np.intp)].astype(np.int64)
                kind = np.array([(READS_FINISH if r else 0) | (SETS_FINISH if s else 0)
                                 | (HAS_LAG if lg else 0) for _, r, s, lg in flat],
                                dtype=np.int64)
                lag = np.array([lg for *_, lg in flat], dtype=np.float32)
                return ptr, other, kind, lag

            in_ptr, in_pred, in_kind, in_lag = csr(self._incoming)
            out_ptr, out_succ, _, _ = csr(self._outgoing)
            order = np.asarray(self.order, dtype=np.intp)
            self._arrays = (in_ptr, in_pred, in_kind, in_lag, out_ptr, out_succ,
                            self.start_row[order], np.array(self._clamp, dtype=bool)[order],
                            np.sort(pos[self.finish_candidates]).astype(np.int64))
        return self._arrays

    def passes(self, durations: np.ndarray, *, backward: bool = True,
               work: Workspace | None = None) -> Passes:
        """Forward (and backward) pass for durations of shape (activities, iterations).

        With ``work``, the returned arrays are views into its buffers: valid until the
        next call with the same workspace.
        """
        work = work or Workspace()
        ef = self.forward(durations, work)
        finish = self.project_finish(ef)
        if not backward:
            return Passes(durations, ef, ef, finish)
        lf = work.get("late_finish", durations.shape, durations.dtype)
        tmp = work.get("tmp", durations.shape[1:], durations.dtype)
        subtract, minimum, copyto = np.subtract, np.minimum, np.copyto
        for a in reversed(self.order):
            late = lf[a]
            copyto(late, finish)
            for s, reads_finish, sets_finish, lag in self._outgoing[a]:
                # the latest finish of `a` that this link allows: from the successor's
                # late finish, or its late start (late finish - duration)
                if sets_finish and not lag and reads_finish:
                    minimum(late, lf[s], out=late)
                    continue
                value = tmp
                if sets_finish:
                    subtract(lf[s], lag, out=value) if lag else copyto(value, lf[s])
                else:
                    subtract(lf[s], durations[s], out=value)
                    if lag:
                        value -= lag
                if not reads_finish:
                    value += durations[a]
                minimum(late, value, out=late)
        return Passes(durations, ef, lf, finish)
