"""Activity networks as graphs: topological order and the cycles that prevent one."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

import numpy as np

from .exceptions import RiskkitError

__all__ = ["CycleError", "find_cycles", "topological_order"]


class CycleError(RiskkitError):
    """The links have a cycle; ``left`` holds the activities no order could place."""

    def __init__(self, left: list[int]):
        super().__init__(f"{len(left)} activities lie on or behind a cycle")
        self.left = left


def topological_order(n: int, src: Sequence[int] | np.ndarray, dst: Sequence[int] | np.ndarray
                      ) -> list[int]:
    """Kahn's algorithm, in row order where there is a choice; on a cycle, raises
    :class:`CycleError` carrying the activities left over."""
    indeg = np.zeros(n, dtype=np.intp)
    np.add.at(indeg, np.asarray(dst, dtype=np.intp), 1)
    succ: list[list[int]] = [[] for _ in range(n)]
    for s, d in zip(list(src), list(dst)):
        succ[int(s)].append(int(d))
    ready = [i for i in range(n) if indeg[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        a = heapq.heappop(ready)
        order.append(a)
        for b in succ[a]:
            indeg[b] -= 1
            if indeg[b] == 0:
                heapq.heappush(ready, b)
    if len(order) != n:
        raise CycleError(sorted(set(range(n)) - set(order)))
    return order


def _components(left: set[int], succ: dict[int, list[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components of more than one member, iteratively."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on: set[int] = set()
    comps: list[list[int]] = []
    counter = 0
    for root in sorted(left):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            if i < len(succ[v]):
                work.append((v, i + 1))
                w = succ[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return comps


def find_cycles(n: int, src: Sequence[int], dst: Sequence[int]
                ) -> list[tuple[list[int], list[int]]]:
    """Each strongly connected component with a cycle: its members, and one cycle
    through it in order, preferring the one that visits the most members."""
    try:
        topological_order(n, src, dst)
        return []
    except CycleError as exc:
        left = set(exc.left)
    succ: dict[int, list[int]] = {i: [] for i in left}
    for s, d in zip(src, dst):
        if s in left and d in left:
            succ[s].append(d)
    cycles = []
    for comp in _components(left, succ):
        members = set(comp)
        best: list[int] = []
        for start in sorted(comp):
            # Walk, preferring unvisited members, until a node repeats.
            path: list[int] = []
            pos: dict[int, int] = {}
            v = start
            while v not in pos:
                pos[v] = len(path)
                path.append(v)
                nexts = [w for w in succ[v] if w in members]
                fresh = [w for w in nexts if w not in pos]
                v = fresh[0] if fresh else (start if start in nexts else nexts[0])
            cycle = path[pos[v]:]
            if len(cycle) > len(best):
                best = cycle
            if len(best) == len(comp):
                break
        cycles.append((comp, best))
    return cycles
