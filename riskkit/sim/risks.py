"""The risks of a block: seeding their streams, counting their occurrences, and the
kernel call that draws and evaluates them.

Risks are sampled sparsely: in each block a risk draws *which* iterations it occurs in
(exactly stratified under Latin hypercube sampling), then draws impacts only for those,
so the work is proportional to the expected number of occurrences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..kernels.kinds import ADD_COST, ADD_DELAY, EXPORT, EXPORT_ROWS, GIVEN
from ..seeds import CORRELATION_STREAM, RISK_STREAM, entropy_of
from .correlation import BlockScores
from .events import GivenOccurrences
from .options import occurrence_counts
from .plan import KernelTables, Plan, RiskModel

__all__ = ["BlockDraws", "Exports", "KernelCall", "sample_risks"]

_NONE = np.zeros(0)
_NO_INT = np.zeros(0, dtype=np.int64)
_NO_2D = np.zeros((0, 0))


def stream_prefix(plan: Plan, block: int, kind: int) -> np.ndarray:
    """The entropy words every stream of ``kind`` in ``block`` starts from."""
    from ..kernels import pcg64

    seed = plan.seed
    return pcg64.seed_words(entropy_of(seed), (*seed.spawn_key, block, kind))


class BlockDraws:
    """The random numbers of every risk in one block: each risk's stream (seeded, after
    the uniform that fixes its occurrence count), its occurrences drawn at its largest
    probability, and the correlated sets' scores.

    What a risk draws depends only on its largest probability in any scenario and on
    which impacts it has in any scenario, never on the scenario evaluated, so every
    scenario (and every variant) sees the same random numbers; a scenario with a lower
    probability keeps a prefix of the same occurrences.
    """

    def __init__(self, plan: Plan, block: int, n: int,
                 parent_probabilities: np.ndarray | None = None):
        from ..kernels import pcg64

        self.plan, self.block, self.n = plan, block, n
        keys = plan.derived.get_or_make(
            "risk keys", lambda: pcg64.key_table([r.key for r in plan.risks]))
        self.states, self.v = pcg64.stream_states(stream_prefix(plan, block, RISK_STREAM),
                                                  keys, first_double=True)
        self.k_draw = occurrence_counts(self.v, n, plan.derived.get_or_make(
            "p draw", lambda: np.array([r.p_draw for r in plan.risks])), plan.sampling)
        #: conditional and exclusive risks' occurrences (parents at
        #: ``parent_probabilities``; default: the probabilities of the scenario run)
        self.given: GivenOccurrences | None = None
        if any(m.given for m in plan.risks):
            parents = parent_probabilities if parent_probabilities is not None else (
                np.array([m.run.probability for m in plan.risks]))
            self.given = GivenOccurrences(plan, block, n, parents)
            self.k_draw = np.where([m.given for m in plan.risks], self.given.sizes,
                                   self.k_draw)
        self.scores: BlockScores | None = None
        if plan.correlation.risks:
            corr_keys = plan.derived.get_or_make("correlation keys", lambda: pcg64.key_table(
                BlockScores.stream_keys(plan.correlation)))
            states, _ = pcg64.stream_states(stream_prefix(plan, block, CORRELATION_STREAM),
                                            corr_keys)
            self.scores = BlockScores(plan.correlation, states, n)

    def counts(self, probabilities: np.ndarray) -> np.ndarray:
        """Occurrences in this block of each risk at the given probabilities."""
        k = np.minimum(occurrence_counts(self.v, self.n, probabilities, self.plan.sampling),
                       self.k_draw)
        return k if self.given is None else self.given.counts(probabilities, k)


def _correlation_slots(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Per risk: (how: 0 none, 1 group, 2 matrix; set), and its loadings (matrix sets)."""
    comps = plan.correlation.risks
    corr = np.zeros((len(plan.risks), 2), dtype=np.int64)
    factors = max((c.factors for c in comps if not c.is_group), default=0)
    load = np.zeros((len(plan.risks), factors))
    for r, (ci, j) in plan.correlation.risk_slot.items():
        comp = comps[ci]
        corr[r] = (1 if comp.is_group else 2, ci)
        if not comp.is_group:
            load[r, :comp.factors] = comp.loadings[j]
    return corr, load


@dataclass
class Exports:
    """What the kernel exported: per exported risk, from ``offset[r]``, its occurrence
    positions (in draw order) and the rows of :data:`riskkit.kernels.risks.EXPORT_ROWS`."""

    offset: np.ndarray
    positions: np.ndarray
    values: np.ndarray

    def of(self, r: int, k: int, row: int) -> np.ndarray:
        o = self.offset[r]
        return self.values[row, o:o + k]

    def positions_of(self, r: int, k: int) -> np.ndarray:
        o = self.offset[r]
        return self.positions[o:o + k]


class KernelCall:
    """One call of the risk kernel over every risk of a block: the scenario slots'
    tables, the flags and the outputs."""

    def __init__(self, plan: Plan, draws: BlockDraws, tables: KernelTables,
                 counts: np.ndarray, flags: np.ndarray):
        self.plan, self.draws, self.tables = plan, draws, tables
        self.counts, self.flags = counts, flags
        drawn = plan.derived.get_or_make("drawn", lambda: np.array(
            [m.cost_any or m.schedule_any for m in plan.risks], dtype=bool))
        self.big_k = np.where(drawn, draws.k_draw, 0)
        exported = (flags & EXPORT) != 0
        offset = np.zeros(len(plan.risks) + 1, dtype=np.int64)
        offset[1:] = np.cumsum(np.where(exported, self.big_k, 0))
        self.exports = Exports(offset, np.empty(offset[-1], dtype=np.int64),
                               np.empty((EXPORT_ROWS, offset[-1])))

    def run(self, base_cost: np.ndarray, base_delay: np.ndarray,
            slab: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
            dense: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
            risks: tuple[int, int] | None = None) -> Exports:
        """Run the kernel on risks ``risks`` (start, stop; default: all) of the block.
        ``slab``: (offsets, positions, cost and schedule changes); ``dense``: (pointers,
        variant rows, cost and schedule block arrays) of the dense variants."""
        from ..kernels.risks import risk_block, workspace
        from ..kernels.rules import ndtri

        plan, draws, t = self.plan, self.draws, self.tables
        perm_needed, corr, load = plan.derived.get_or_make("kernel risks", lambda: (
            np.array([plan.lhs and m.schedule_any and r not in plan.correlation.risk_slot
                      for r, m in enumerate(plan.risks)], dtype=bool),
            *_correlation_slots(plan)))
        scores = draws.scores
        gkeys = scores.keys if scores is not None else np.zeros((0, 2, 0), dtype=np.int16)
        gown = scores.own if scores is not None else np.zeros((0, 0), dtype=np.int16)
        mz = scores.z if scores is not None else np.zeros((0, 2, 0, 0))
        off, pos, dc, ds = slab if slab is not None else (
            np.zeros(len(plan.risks) + 1, dtype=np.int64), _NO_INT, _NONE, _NONE)
        dense_ptr, dense_idx, dense_cost, dense_sched = dense if dense is not None else (
            np.zeros(len(plan.risks) + 1, dtype=np.int64), _NO_INT, _NO_2D, _NO_2D)
        r0, r1 = risks if risks is not None else (0, len(plan.risks))
        given = draws.given
        given_off, given_pos = ((given.offsets, given.flat) if given is not None
                                else (np.zeros(len(plan.risks) + 1, dtype=np.int64), _NO_INT))
        flags = self.flags if given is None else self.flags | plan.derived.get_or_make(
            "given flags", lambda: np.array([GIVEN if m.given else 0 for m in plan.risks],
                                            dtype=np.int64))
        ws = workspace
        ws.reset_tags()
        e = self.exports
        risk_block(draws.n, plan.lhs, ndtri, t.tables, t.data, draws.states, self.big_k,
                   perm_needed, t.kinds, t.params, self.counts, flags, corr, gkeys, gown,
                   mz, load, base_cost, base_delay, off, pos, dc, ds, dense_ptr, dense_idx,
                   dense_cost, dense_sched, r0, r1, given_off, given_pos, e.offset,
                   e.positions, e.values,
                   ws.tagged, ws.tag, ws.hash, ws.order, ws.perm, ws.raw, ws.ranks, ws.words,
                   ws.values, ws.keys, ws.slot, ws.key_scratch, ws.counts)
        return e


OnActivities = list[tuple[RiskModel, np.ndarray, np.ndarray]]


def sample_risks(plan: Plan, block: int, n: int, cost: np.ndarray, delay: np.ndarray,
                 occurrences: np.ndarray, costs: list | None = None) -> OnActivities:
    """Add every risk's cost impacts to ``cost`` and finish delays to ``delay``, in the
    scenario the plan runs; count the occurrences. With a list ``costs``, every risk's
    cost impacts are also appended to it as (risk, positions, values), to place them in
    time (the time-phased cost).

    Returns the delays of risks that act on activities, as (risk, positions, values)
    with positions ascending, for the network pass.
    """
    if not plan.risks:
        return []
    draws = BlockDraws(plan, block, n)
    k_run = draws.counts(plan.derived.get_or_make(
        "p run", lambda: np.array([r.run.probability for r in plan.risks])))
    occurrences += k_run
    tables = plan.derived.get_or_make(
        "run tables", lambda: KernelTables.of([[m.run for m in plan.risks]]))
    flags = plan.derived.get_or_make("run flags", lambda: np.array(
        [ADD_COST | (EXPORT if m.activities and m.run.schedule is not None else ADD_DELAY)
         for m in plan.risks], dtype=np.int64))
    counts = np.zeros((len(plan.risks), 2), dtype=np.int64)
    counts[:, 0] = k_run
    call = KernelCall(plan, draws, tables, counts, flags | EXPORT if costs is not None else flags)
    exports = call.run(cost, delay)
    for r in range(len(plan.risks)) if costs is not None else ():
        if k_run[r] and plan.risks[r].run.cost is not None and costs is not None:
            costs.append((r, exports.positions_of(r, int(k_run[r])).copy(),
                          exports.of(r, int(k_run[r]), 0).copy()))
    on_activities: OnActivities = []
    for r in np.flatnonzero(flags & EXPORT).tolist():
        k = int(k_run[r])
        if k == 0:
            continue
        occ = exports.positions_of(r, k)
        by_position = np.argsort(occ)
        on_activities.append((plan.risks[r], occ[by_position],
                              exports.of(r, k, 1)[by_position]))
    return on_activities
