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
    """The links into (forward) or out of (backward) one level, sorted by the activity
    they constrain, with everything the pass needs precomputed."""

    rows: np.ndarray         # row of the stacked [start; finish] array to read per link
    lag: np.ndarray | None   # lag per link (None when all are 0)
    adjust: np.ndarray       # links whose value needs +- the duration of `adjust_of`
    adjust_of: np.ndarray
    starts: np.ndarray | None  # reduceat offsets (None: one link per activity)
    group: np.ndarray        # the activity each group of links belongs to
    count: int


def _level_links(n, read, read_finish, adjust_mask, adjust_of, lag, key) -> _LevelLinks:
    order = np.argsort(key, kind="stable")
    read, read_finish, key = read[order], read_finish[order], key[order]
    adjust_mask, adjust_of, lag = adjust_mask[order], adjust_of[order], lag[order]
    rows = read + n * read_finish.astype(np.intp)
    if key.size:
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    else:
        starts = np.zeros(0, dtype=np.intp)
    group = key[starts]
    adjust = np.flatnonzero(adjust_mask)
    return _LevelLinks(rows, lag.astype(float) if np.any(lag) else None, adjust,
                       adjust_of[adjust], None if starts.size == key.size else starts,
                       group, int(key.size))


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
        is_ff_or_fs = np.isin(ltype, (0, 2))   # FS, FF read the predecessor's finish
        to_finish = np.isin(ltype, (2, 3))     # FF, SF constrain the successor's finish
        link_level_in = level[dst]
        link_level_out = level[src]
        self._in = []
        self._out = []
        for k in range(len(self.levels)):
            m = link_level_in == k
            # forward: successor start >= [start|finish](pred) + lag (- own duration)
            self._in.append(_level_links(n, src[m], is_ff_or_fs[m], to_finish[m], dst[m],
                                         lag[m], dst[m]))
            m = link_level_out == k
            # backward: predecessor finish <= [start|finish](succ) - lag (+ own duration)
            self._out.append(_level_links(n, dst[m], to_finish[m], ~is_ff_or_fs[m], src[m],
                                          -lag[m], src[m]))
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
        """Early start and finish, each of shape (activities, iterations)."""
        n = self.n
        dates = np.zeros((2 * n,) + durations.shape[1:])  # [early start; early finish]
        es, ef = dates[:n], dates[n:]
        for level, links in zip(self.levels, self._in):
            if links.count:
                cand = np.take(dates, links.rows, axis=0)
                if links.lag is not None:
                    cand += links.lag[:, None]
                if links.adjust.size:
                    cand[links.adjust] -= durations[links.adjust_of]
                if links.starts is not None:
                    cand = np.maximum.reduceat(cand, links.starts, axis=0)
                np.maximum(cand, 0.0, out=cand)
                es[links.group] = cand
            ef[level] = es[level] + durations[level]
        return es, ef

    def passes(self, durations: np.ndarray, *, backward: bool = True) -> Passes:
        """Forward (and backward) pass for durations of shape (activities, iterations)."""
        es, ef = self.forward(durations)
        finish = ef.max(axis=0) if self.n else np.zeros(durations.shape[1:])
        if not backward:
            return Passes(es, ef, ef, finish)
        n = self.n
        late = np.empty((2 * n,) + durations.shape[1:])  # [late start; late finish]
        ls, lf = late[:n], late[n:]
        lf[...] = finish
        for k in range(len(self.levels) - 1, -1, -1):
            links = self._out[k]
            level = self.levels[k]
            if links.count:
                cand = np.take(late, links.rows, axis=0)
                if links.lag is not None:
                    cand += links.lag[:, None]
                if links.adjust.size:
                    cand[links.adjust] += durations[links.adjust_of]
                if links.starts is not None:
                    cand = np.minimum.reduceat(cand, links.starts, axis=0)
                np.minimum(cand, lf[links.group], out=cand)
                lf[links.group] = cand
            ls[level] = lf[level] - durations[level]
        return Passes(es, ef, lf, finish)
