"""Critical path method, vectorised over iterations.

A :class:`Network` is an activity-on-node graph compiled for speed: activities are
grouped into topological levels (every predecessor of an activity is in an earlier
level), and each level's incoming links are sorted by target so the forward pass is a
handful of array operations per level, not a Python loop per activity or iteration.

Link semantics (lags in working days, negative allowed; no start before time 0):

- FS: start(b) >= finish(a) + lag      - SS: start(b) >= start(a) + lag
- FF: finish(b) >= finish(a) + lag     - SF: finish(b) >= start(a) + lag
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LINK_TYPES", "Network", "Passes"]

LINK_TYPES = ("FS", "SS", "FF", "SF")


@dataclass(frozen=True)
class _LevelLinks:
    src: np.ndarray        # predecessor index per link
    dst: np.ndarray        # successor index per link
    from_finish: np.ndarray  # 1.0 where the link starts at the predecessor's finish
    to_finish: np.ndarray    # 1.0 where the link constrains the successor's finish
    lag: np.ndarray
    starts: np.ndarray     # reduceat offsets of the groups
    group: np.ndarray      # the activity each group belongs to


def _group(src, dst, ltype, lag, key):
    order = np.argsort(key, kind="stable")
    src, dst, ltype, lag, key = src[order], dst[order], ltype[order], lag[order], key[order]
    if key.size:
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    else:
        starts = np.zeros(0, dtype=np.intp)
    from_finish = np.isin(ltype, (0, 2)).astype(float)  # FS, FF
    to_finish = np.isin(ltype, (2, 3)).astype(float)    # FF, SF
    return _LevelLinks(src, dst, from_finish, to_finish, lag.astype(float), starts, key[starts])


@dataclass(frozen=True)
class Passes:
    """Early start / finish, late finish and total float of every activity."""

    early_start: np.ndarray
    early_finish: np.ndarray
    late_finish: np.ndarray
    finish: np.ndarray  # project finish per iteration

    @property
    def total_float(self) -> np.ndarray:
        return self.late_finish - self.early_finish

    def critical(self) -> np.ndarray:
        """Zero total float, to a tolerance relative to the project length."""
        tol = 1e-9 * np.maximum(1.0, np.abs(self.finish))
        return self.total_float <= tol


class Network:
    """Activities 0..n-1 and their links, compiled into topological levels.

    ``links`` are ``(predecessor, successor, type, lag)`` with type an index into
    :data:`LINK_TYPES`. The caller guarantees the graph is acyclic.
    """

    def __init__(self, n: int, src, dst, ltype, lag):
        self.n = n
        src = np.asarray(src, dtype=np.intp)
        dst = np.asarray(dst, dtype=np.intp)
        ltype = np.asarray(ltype, dtype=np.int8)
        lag = np.asarray(lag, dtype=float)
        self.src, self.dst, self.ltype, self.lag = src, dst, ltype, lag
        level = np.zeros(n, dtype=np.intp)
        # Longest-path levels by repeated relaxation in topological order.
        order = self.topological_order(n, src, dst)
        preds: list[list[int]] = [[] for _ in range(n)]
        for s, d in zip(src.tolist(), dst.tolist()):
            preds[d].append(s)
        for a in order:
            if preds[a]:
                level[a] = 1 + max(level[p] for p in preds[a])
        self.level = level
        self.levels = [np.flatnonzero(level == k) for k in range(int(level.max(initial=0)) + 1)]
        link_level_in = level[dst]
        link_level_out = level[src]
        self._in = []
        self._out = []
        for k in range(len(self.levels)):
            m = link_level_in == k
            self._in.append(_group(src[m], dst[m], ltype[m], lag[m], dst[m]))
            m = link_level_out == k
            self._out.append(_group(src[m], dst[m], ltype[m], lag[m], src[m]))
        self.has_successor = np.zeros(n, dtype=bool)
        self.has_successor[src] = True
        self.has_predecessor = np.zeros(n, dtype=bool)
        self.has_predecessor[dst] = True

    @staticmethod
    def topological_order(n: int, src, dst) -> list[int]:
        """Kahn's algorithm; raises ValueError with the leftover nodes on a cycle."""
        indeg = np.zeros(n, dtype=np.intp)
        np.add.at(indeg, np.asarray(dst, dtype=np.intp), 1)
        succ: list[list[int]] = [[] for _ in range(n)]
        for s, d in zip(list(src), list(dst)):
            succ[int(s)].append(int(d))
        ready = [i for i in range(n) if indeg[i] == 0]
        order: list[int] = []
        while ready:
            a = ready.pop()
            order.append(a)
            for b in succ[a]:
                indeg[b] -= 1
                if indeg[b] == 0:
                    ready.append(b)
        if len(order) != n:
            raise ValueError(sorted(set(range(n)) - set(order)))
        return order

    def forward(self, durations: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Early start and finish, shape (activities, iterations)."""
        es = np.zeros_like(durations)
        for links in self._in:
            if links.src.size:
                cand = es[links.src]
                cand += durations[links.src] * links.from_finish[:, None]
                cand += links.lag[:, None]
                cand -= durations[links.dst] * links.to_finish[:, None]
                best = np.maximum.reduceat(cand, links.starts, axis=0)
                np.maximum(best, 0.0, out=best)
                es[links.group] = best
        return es, es + durations

    def passes(self, durations: np.ndarray, *, backward: bool = True) -> Passes:
        """Forward (and backward) pass for durations of shape (activities, iterations)."""
        es, ef = self.forward(durations)
        finish = ef.max(axis=0) if self.n else np.zeros(durations.shape[1:])
        if not backward:
            return Passes(es, ef, ef, finish)
        lf = np.empty_like(durations)
        lf[...] = finish
        for k in range(len(self.levels) - 1, -1, -1):
            links = self._out[k]
            if links.src.size:
                # latest finish of the predecessor allowed by each outgoing link
                cand = lf[links.dst].copy()
                cand -= durations[links.dst] * (1.0 - links.to_finish)[:, None]
                cand -= links.lag[:, None]
                cand += durations[links.src] * (1.0 - links.from_finish)[:, None]
                best = np.minimum.reduceat(cand, links.starts, axis=0)
                np.minimum(lf[links.group], best, out=best)
                lf[links.group] = best
        return Passes(es, ef, lf, finish)
