"""Monte Carlo simulation of a risk register and an activity network: ``simulate``.

Risks are sampled sparsely: in each block a risk draws *which* iterations it occurs in
(exactly stratified under Latin hypercube sampling), then draws impacts only for those,
so the work is proportional to the expected number of occurrences. Activity durations
are dense: every activity has a duration in every iteration, and the CPM passes run on
(activities x iterations) slices of ``SUB_BLOCK`` iterations.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _fused, _progress, parallel
from . import correlation as _correlation
from .correlation import BlockScores, CorrelationPlan, factor_scores, reorder
from .cpm import Workspace
from .distributions import Distribution, Fixed, Triangular, Uniform
from .exceptions import InputError, InputWarning, OptionError, Problem
from .register import RiskParams, RiskRegister, _check_scenario
from .result import SimulationResult
from .sampling import (
    ACTIVITY_STREAM,
    BLOCK_SIZE,
    CORRELATION_STREAM,
    RISK_STREAM,
    Sampling,
    Seed,
    blocks,
    make_seed,
    occurrence_counts,
    restricted_ranks,
)
from .schedule import Schedule, stable_key

__all__ = ["simulate", "SUB_BLOCK"]

#: Iterations per CPM slice. Activity durations are Latin-hypercube stratified over
#: each slice, so this is part of the reproducibility contract, like BLOCK_SIZE.
SUB_BLOCK = 4_096

#: The (activities x iterations) arrays of the CPM passes are float32: half the memory
#: traffic. A duration of 10,000 working days keeps a resolution of 0.001 day; costs and
#: the per-iteration results are accumulated in float64.
DURATION_DTYPE = np.float32


@dataclass(frozen=True)
class _RiskModel:
    """One risk as the sampler sees it: its scenario, plus what fixes its draw counts.

    ``p_draw`` is the largest probability the risk has in any scenario, so every
    scenario's occurrences are a prefix of the same ordered draw; ``cost_any`` and
    ``schedule_any`` say whether any scenario has that impact, so the streams are
    consumed identically whichever scenario runs (common random numbers).
    """

    params: RiskParams
    key: int
    p_draw: float
    cost_any: bool
    schedule_any: bool
    activities: tuple[int, ...] = ()  # indexes into the schedule; () = delays the finish
    pre: RiskParams | None = None     # both scenarios, for variants (rank, drivers)
    post: RiskParams | None = None


@dataclass(frozen=True)
class _NetworkModel:
    schedule: Schedule
    distributions: tuple[Distribution, ...]
    keys: tuple[int, ...]
    cost_per_day: np.ndarray
    fixed_cost: float
    criticality: bool
    triangular: np.ndarray = field(init=False)
    triangular_contiguous: bool = field(init=False)
    tri_params: tuple[np.ndarray, np.ndarray, np.ndarray] = field(init=False)
    others: tuple[int, ...] = field(init=False)

    @classmethod
    def of(cls, schedule: Schedule | None, criticality: bool) -> _NetworkModel | None:
        if schedule is None:
            return None
        return cls(schedule, tuple(schedule.distributions()),
                   tuple(stable_key(a) for a in schedule.ids), schedule.cost_per_day,
                   float(schedule.fixed_cost.sum()), criticality)

    def __post_init__(self) -> None:
        tri = [i for i, d in enumerate(self.distributions) if isinstance(d, Triangular)]
        params = tuple(np.array([getattr(self.distributions[i], f) for i in tri],
                                dtype=float)[:, None] for f in ("low", "mode", "high"))
        object.__setattr__(self, "triangular", np.array(tri, dtype=np.intp))
        object.__setattr__(self, "triangular_contiguous",
                           len(tri) == len(self.distributions))
        object.__setattr__(self, "tri_params",
                           tuple(p.astype(DURATION_DTYPE) for p in params))
        object.__setattr__(self, "others", tuple(i for i, d in enumerate(self.distributions)
                                                 if not isinstance(d, Triangular)))


@dataclass(frozen=True)
class _Plan:
    risks: tuple[_RiskModel, ...]
    sampling: Sampling
    iterations: int
    seed: Seed
    network: _NetworkModel | None = None
    correlation: CorrelationPlan = field(default_factory=CorrelationPlan)
    fused: bool = False  # the numba kernels take the risks they can (same numbers)
    # what the blocks of a run derive from the plan alone (kernel tables), kept with it
    derived: _Derived = field(default_factory=lambda: _Derived(), init=False, compare=False,
                              repr=False)


class _Derived(dict):
    """Per-plan cache. Entries are rebuilt where needed, never pickled with the plan;
    threads sharing a plan at worst build an entry twice."""

    def __reduce__(self):
        return (_Derived, ())

    def get_or_make(self, name: str, make: Any, plan: _Plan) -> Any:
        found = self.get(name)
        if found is None:
            found = self.setdefault(name, make(plan))
        return found


@dataclass
class _ChunkOut:
    start: int
    cost: np.ndarray
    schedule: np.ndarray
    occurrences: np.ndarray
    critical: np.ndarray = field(default_factory=lambda: np.zeros(0))
    finish_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))
    steps: int = 0


_SCALE32 = 1.0 / float(2**32)
_LITTLE_ENDIAN = np.little_endian


class _Buffers:
    """Scratch arrays reused across the risks of a block (no per-risk allocation)."""

    def __init__(self, n: int):
        self.ramp = np.arange(n, dtype=float)
        self.u_high = np.empty(n)
        self.u_low = np.empty(n)

    def uniforms(self, raw: np.ndarray, k: int, high: bool, lhs: bool) -> np.ndarray:
        """Uniforms from 32 bits of each of the first k raw words (high or low half).

        With ``lhs`` they are the stratified ``(j + U_j) / k``, ascending. 32 bits are
        ample: a jitter only places a draw inside its stratum, or (random sampling)
        resolves probabilities to 2.3e-10.
        """
        halves = raw[:k].view(np.uint32)[1 if _LITTLE_ENDIAN == high else 0::2]
        u = np.multiply(halves, _SCALE32, out=(self.u_high if high else self.u_low)[:k])
        if lhs:
            u += self.ramp[:k]
            u *= 1.0 / k
        return u


class _BlockDraws:
    """The random numbers of every risk in one block, drawn risk by risk.

    What a risk draws depends only on its largest probability in any scenario and on
    which impacts it has in any scenario, never on the scenario evaluated, so every
    scenario (and every variant of a ranking) sees the same random numbers; a scenario
    with a lower probability keeps a prefix of the same occurrences.

    Correlated risks (Iman–Conover) also draw one normal score per occurrence for each
    impact, and the block draws the factor scores of each correlated set: the sorted
    impacts are then dealt to the occurrences in the order of the correlated scores
    instead of at random.
    """

    def __init__(self, plan: _Plan, block: int, n: int):
        self.plan, self.block, self.n = plan, block, n
        self.lhs = plan.sampling is Sampling.LHS
        self.gens: list[np.random.Generator | None]
        self.states: np.ndarray | None = None
        if plan.fused:
            # the kernels seed every risk's stream; a Generator only where numpy draws
            seed = plan.seed
            prefix = _fused.seed_words(seed.entropy, (*seed.spawn_key, block, RISK_STREAM))
            self.states, self.v = _fused.stream_states(prefix, _risk_keys(plan))
            self.gens = [None] * len(plan.risks)
        else:
            self.gens = [self._stream(r) for r in range(len(plan.risks))]
            self.v = np.array([g.random() for g in self.gens])  # type: ignore[union-attr]
        self.k_draw = occurrence_counts(self.v, n, np.array([r.p_draw for r in plan.risks]),
                                        plan.sampling)
        self.buf = _Buffers(n)
        self.slot = plan.correlation.risk_slot
        self.scores = (BlockScores(plan.correlation, lambda key, layer: plan.seed.stream(
            block, CORRELATION_STREAM, key, layer), n) if self.slot else None)

    def _stream(self, r: int) -> np.random.Generator:
        return self.plan.seed.stream(self.block, RISK_STREAM, self.plan.risks[r].key)

    def generator(self, r: int) -> np.random.Generator:
        """Risk ``r``'s generator, after the uniform of its occurrence count."""
        g = self.gens[r]
        if g is None:
            g = self.gens[r] = self._stream(r)
            g.random()
        return g

    def counts(self, probabilities: np.ndarray) -> np.ndarray:
        """Occurrences in this block of each risk at the given probabilities."""
        k = occurrence_counts(self.v, self.n, probabilities, self.plan.sampling)
        return np.minimum(k, self.k_draw)

    def draw(self, r: int) -> _Drawn | None:
        """Risk ``r``'s ordered occurrence positions and the words its impacts use.

        Must be called once per risk, in order: it consumes the risk's stream.
        """
        model, big_k = self.plan.risks[r], int(self.k_draw[r])
        if big_k == 0 or not (model.cost_any or model.schedule_any):
            return None
        g = self.generator(r)
        order = g.choice(self.n, big_k, replace=False)
        correlated = r in self.slot
        perm = (g.choice(big_k, big_k, replace=False)
                if self.lhs and model.schedule_any and not correlated else None)
        raw = g.bit_generator.random_raw(big_k)
        # 16 bits per occurrence and impact for the risk's own scores: cost then schedule
        scores = (g.bit_generator.random_raw(-(-big_k // 2)).view(np.uint16)
                  if correlated else None)
        return _Drawn(r, order, raw, perm, scores)

    def impacts(self, drawn: _Drawn, params: RiskParams, k: int
                ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Cost and schedule impacts of the first ``k`` occurrences (None: no impact).

        The arrays may be views of scratch buffers: valid until the next call.
        """
        raw, perm = drawn.raw, drawn.perm
        lhs, buf = self.lhs, self.buf
        cost = sched = None
        if k == 0:
            return cost, sched
        dist = params.cost
        if dist is not None:
            if dist.is_fixed:
                cost = np.full(k, dist.mean)
            elif drawn.scores is not None:
                cost = self._correlated(drawn, dist, k, 0)
            else:
                u = buf.uniforms(raw, k, True, lhs)
                cost = dist.ppf(u, sorted=lhs, out=u)
        dist = params.schedule
        if dist is not None:
            if dist.is_fixed:
                sched = np.full(k, dist.mean)
            elif drawn.scores is not None:
                sched = self._correlated(drawn, dist, k, 1)
            elif lhs:
                assert perm is not None
                # Strata are evaluated in ascending order, then dealt to the
                # occurrences through an independent random permutation.
                u = buf.uniforms(raw, k, False, True)
                sched = dist.ppf(u, sorted=True, out=u)[restricted_ranks(perm, k)]
            else:
                u = buf.uniforms(raw, k, False, False)
                sched = dist.ppf(u, out=u)
        return cost, sched

    def _correlated(self, drawn: _Drawn, dist: Distribution, k: int, layer: int
                    ) -> np.ndarray:
        """Iman–Conover: the impacts' ascending values, dealt in the order of the scores
        of the risk's correlated set at its occurrences."""
        u = self.buf.uniforms(drawn.raw, k, layer == 0, self.lhs)
        if not self.lhs:
            u.sort()
        values = dist.ppf(u, sorted=True, out=u)
        out = np.empty_like(values)
        out[self.dealing(drawn, k, layer)] = values
        return out

    def dealing(self, drawn: _Drawn, k: int, layer: int) -> np.ndarray:
        """Which of the first ``k`` occurrences gets each ascending stratum: the order
        of the risk's correlated scores there (Iman–Conover)."""
        assert self.scores is not None and drawn.scores is not None
        big_k = drawn.order.size
        own = drawn.scores[layer * big_k:layer * big_k + k]
        return self.scores.order(layer, drawn.risk, drawn.order[:k], own)


@dataclass(frozen=True)
class _Drawn:
    risk: int
    order: np.ndarray                 # occurrence positions, in draw order
    raw: np.ndarray                   # words for the impacts' uniforms
    perm: np.ndarray | None           # LHS pairing of schedule strata (uncorrelated)
    scores: np.ndarray | None         # 16-bit words for the risk's own normal scores


def _sample_risks(plan: _Plan, block: int, n: int, cost: np.ndarray, delay: np.ndarray,
                  occurrences: np.ndarray) -> list[tuple[_RiskModel, np.ndarray, np.ndarray]]:
    """Add every risk's cost impacts to ``cost`` and finish delays to ``delay``.

    Returns the delays of risks that act on activities, as (risk, positions, values)
    with positions ascending, for the network pass.
    """
    if not plan.risks:
        return []
    draws = _BlockDraws(plan, block, n)
    k_run = draws.counts(np.array([r.params.probability for r in plan.risks]))
    occurrences += k_run
    add_at = np.add.at
    on_activities = []
    fused = plan.fused
    kernel = _KernelRisks.of(plan) if fused else None
    for r, (model, k) in enumerate(zip(plan.risks, k_run.tolist())):
        if kernel is not None and kernel.starts(r):
            kernel.run(draws, r, k_run, cost, delay)
        if kernel is not None and kernel.simple[r]:
            continue
        drawn = draws.draw(r)
        if drawn is None or k == 0:
            continue
        occ = drawn.order[:k]
        params = model.params
        if fused and (drawn.scores is None or draws.lhs):
            params = _fused_impacts(draws, drawn, model, k, cost, delay)
        cost_values, delays = draws.impacts(drawn, params, k)
        if cost_values is not None:
            add_at(cost, occ, cost_values)
        if delays is None:
            continue
        if model.activities:
            by_position = np.argsort(occ)
            on_activities.append((model, occ[by_position], delays[by_position]))
        else:
            add_at(delay, occ, delays)
    return on_activities


def _runs_of(mask: np.ndarray) -> dict[int, int]:
    """Start -> stop of each run of consecutive True entries."""
    edges = np.diff(np.concatenate([[False], mask, [False]]).astype(np.int8))
    return dict(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


class _KernelRisks:
    """The risks whose draws and impacts the fused kernel can take whole: uncorrelated,
    not on activities, each impact absent, fixed, triangular or uniform. They are
    handed over in runs of consecutive risks, so costs are summed in register order
    as in the numpy path."""

    _KINDS = {Triangular: 2, Uniform: 3}
    LAYERS = 2  # impacts per risk: cost, schedule
    GROUPS = True  # correlation groups' members too (Iman–Conover in the kernel)

    def __init__(self, plan: _Plan):
        self._setup(plan)
        for r, model in enumerate(plan.risks):
            self._classify(r, model, [model.params.cost, model.params.schedule])
        self._finish()

    def _setup(self, plan: _Plan) -> None:
        self.count = len(plan.risks)
        self.lhs = plan.sampling is Sampling.LHS
        self.correlated = plan.correlation.risk_slot
        self.components = plan.correlation.risks
        # per simple risk: its index, kinds, parameters, group, drawn, permutation needed
        self._rows: list[tuple[int, list[int], list[float], int, bool, bool]] = []

    def _classify(self, r: int, model: _RiskModel, dists: list[Distribution | None]
                  ) -> bool:
        """Note risk ``r`` as simple if it is, with the kinds of its ``dists``."""
        if model.activities:
            return False
        group = -1
        if r in self.correlated:
            ci, _ = self.correlated[r]
            if not (self.GROUPS and self.components[ci].is_group):
                return False
            group = ci
        kinds: list[int] = []
        params: list[float] = []
        for d in dists:
            found = self._kind(d)
            if found is None:
                return False
            kinds.append(found[0])
            params.extend(found[1])
        # correlated risks deal their schedule strata by their scores, not a permutation
        self._rows.append((r, kinds, params, group, model.cost_any or model.schedule_any,
                           self.lhs and model.schedule_any and group < 0))
        return True

    def _finish(self) -> None:
        """The notes as arrays, one row per risk, and the runs of simple risks."""
        count, rows = self.count, self._rows
        self.group = np.full(count, -1, dtype=np.int64)
        self.simple = np.zeros(count, dtype=bool)
        self.kinds = np.zeros((count, self.LAYERS), dtype=np.int64)
        self.params = np.zeros((count, 3 * self.LAYERS))
        self.drawn = np.zeros(count, dtype=bool)
        self.perm_needed = np.zeros(count, dtype=bool)
        if rows:
            index = np.array([row[0] for row in rows], dtype=np.intp)
            self.simple[index] = True
            self.kinds[index] = [row[1] for row in rows]
            self.params[index] = [row[2] for row in rows]
            self.group[index] = [row[3] for row in rows]
            self.drawn[index] = [row[4] for row in rows]
            self.perm_needed[index] = [row[5] for row in rows]
        self.runs = _runs_of(self.simple)

    @classmethod
    def _kind(cls, dist: Distribution | None) -> tuple[int, tuple[float, float, float]] | None:
        if dist is None:
            return 0, (0.0, 0.0, 0.0)
        if dist.is_fixed:
            return 1, (dist.mean, 0.0, 0.0)
        kind = next((v for t, v in cls._KINDS.items() if isinstance(dist, t)), None)
        if kind is None:
            return None
        return kind, (dist.low, getattr(dist, "mode", 0.0), dist.high)  # type: ignore[attr-defined]

    @classmethod
    def of(cls, plan: _Plan) -> _KernelRisks | None:
        found = plan.derived.get_or_make("kernel risks", cls, plan)
        return found if found.runs else None

    def starts(self, r: int) -> bool:
        return r in self.runs

    def run(self, draws: _BlockDraws, r0: int, k_run: np.ndarray, cost: np.ndarray,
            delay: np.ndarray) -> None:
        """Draw and add the risks of the run starting at ``r0``."""
        r1 = self.runs[r0]
        assert draws.states is not None
        states = draws.states[r0:r1]
        big_k = np.where(self.drawn[r0:r1], draws.k_draw[r0:r1], 0)
        group = self.group[r0:r1]
        keys = own = None
        if (group >= 0).any():
            assert draws.scores is not None
            keys, own = draws.scores.stacked()
        _fused.add_risks(states, draws.n, big_k, k_run[r0:r1], self.perm_needed[r0:r1],
                         draws.lhs, self.kinds[r0:r1], self.params[r0:r1], cost, delay,
                         group, keys, own)


class _KernelVariants(_KernelRisks):
    """The risks of a ranking whose draws, baseline impacts and changes the fused kernel
    takes whole: simple (as for :class:`_KernelRisks`) in both scenarios, and changed
    the same way (mitigated or removed) by every variant that touches them."""

    LAYERS = 4  # pre cost, pre schedule, post cost, post schedule
    GROUPS = False

    def __init__(self, plan: _Plan, variants: Sequence[dict[int, str]],
                 touched_by: list[list[int]], single: _SingleRisks, dense: list[bool]):
        self._setup(plan)
        self.mitigated = single.mitigated
        for r, model in enumerate(plan.risks):
            if touched_by[r] and not single.single[r]:
                continue
            assert model.pre is not None and model.post is not None
            mitigated = bool(self.mitigated[r])
            self._classify(r, model, [
                model.pre.cost, model.pre.schedule,
                model.post.cost if mitigated else None,
                model.post.schedule if mitigated else None])
        self._finish()
        # one variant that changes many risks (all mitigations together) is summed in
        # the kernel; any others from the slab
        many = [vi for vi, flag in enumerate(dense) if flag]
        self.dense = many[0] if len(many) == 1 else None
        self.into_dense = np.array([self.dense in touched for touched in touched_by],
                                   dtype=bool) & self.simple
        # other dense variants touching the simple risks, by run
        self.other_dense: dict[int, list[tuple[int, int]]] = {}
        for r0, r1 in self.runs.items():
            pairs = [(r, vi) for r in range(r0, r1)
                     for vi in touched_by[r] if dense[vi] and vi != self.dense]
            if pairs:
                self.other_dense[r0] = pairs

    def run_variants(self, draws: _BlockDraws, r0: int, k_pre: np.ndarray,
                     k_post: np.ndarray, offsets: np.ndarray,
                     slab: tuple[np.ndarray, np.ndarray, np.ndarray | None],
                     log: _ChangeLog, bc: np.ndarray, bs: np.ndarray) -> None:
        """The risks of the run starting at ``r0``: baseline into ``bc``/``bs``, their
        changes into the block's ``slab`` at ``offsets`` (block positions) and into the
        dense variants of ``log``."""
        r1 = self.runs[r0]
        assert draws.states is not None
        big_k = np.where(self.drawn[r0:r1], draws.k_draw[r0:r1], 0)
        kq = np.where(self.mitigated[r0:r1], k_post[r0:r1], 0)
        o0, o1 = offsets[r0], offsets[r1]
        dense = log.dense_block(self.dense)
        pos, dc, ds = slab
        _fused.variant_risks(
            draws.states[r0:r1], draws.n, big_k, k_pre[r0:r1], kq,
            self.perm_needed[r0:r1], draws.lhs, self.kinds[r0:r1], self.params[r0:r1],
            offsets[r0:r1 + 1] - o0, bc, bs, pos[o0:o1], dc[o0:o1],
            ds[o0:o1] if ds is not None else bs[:0], self.into_dense[r0:r1],
            dense[0] if dense else bc[:0], dense[1] if dense else bs[:0])
        for r, vi in self.other_dense.get(r0, ()):
            part = slice(offsets[r], offsets[r + 1])
            log.add(vi, pos[part], dc[part], ds[part] if ds is not None else 0.0)


def _risk_keys(plan: _Plan) -> tuple[np.ndarray, np.ndarray]:
    """The words of every risk's stream key, for the seeding kernel (kept per plan)."""
    return plan.derived.get_or_make(
        "risk keys", lambda p: _fused.key_table([r.key for r in p.risks]), plan)


def _fused_impacts(draws: _BlockDraws, drawn: _Drawn, model: _RiskModel, k: int,
                   cost: np.ndarray, delay: np.ndarray) -> RiskParams:
    """Add the triangular impacts of a risk with the fused kernel (same numbers as the
    numpy path); return its parameters without the impacts handled. Correlated risks
    only under LHS, where their strata are already ascending."""
    params = model.params
    done: dict[str, Any] = {}
    correlated = drawn.scores is not None
    for layer, dist, out, scratch in ((0, params.cost, cost, draws.buf.u_high),
                                      (1, params.schedule, delay, draws.buf.u_low)):
        if not isinstance(dist, Triangular) or dist.is_fixed or (layer and model.activities):
            continue
        ranks = dest = None
        if correlated:
            dest = draws.dealing(drawn, k, layer)
        elif layer and draws.lhs:
            ranks = restricted_ranks(drawn.perm, k)  # type: ignore[arg-type]
        _fused.triangular_add(drawn.raw, layer == 0, k, draws.lhs, dist.low, dist.mode,
                              dist.high, drawn.order, ranks, out, scratch, dest)
        done["schedule" if layer else "cost"] = None
    return dataclasses.replace(params, **done) if done else params


_ROWS = 32  # rows of the duration matrix processed at once: keeps temporaries in cache


def _triangular_rows(u: np.ndarray, a: np.ndarray, m: np.ndarray, b: np.ndarray) -> None:
    """Triangular inverse CDF, in place, over a (rows, iterations) block of uniforms with
    per-row parameters of shape (rows, 1).

    Branch-free: both sides of the mode are blended arithmetically, which is faster
    than a masked select on large arrays.
    """
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


class _Durations:
    """Draws a block's activity durations slice by slice: one stream per activity (keyed
    by its id) and one per correlated set of activities."""

    def __init__(self, plan: _Plan, block: int):
        net = plan.network
        assert net is not None
        self.net, self.lhs = net, plan.sampling is Sampling.LHS
        self.gens = [plan.seed.stream(block, ACTIVITY_STREAM, k) for k in net.keys]
        self.sets = [(c, plan.seed.stream(block, CORRELATION_STREAM, c.key, 2))
                     for c in plan.correlation.activities]

    def sample(self, size: int, work: Workspace) -> np.ndarray:
        return _sample_durations(self.net, self.gens, size, self.lhs, work, self.sets)


def _correlate_rows(u: np.ndarray, sets: list[tuple[Any, np.random.Generator]]) -> None:
    """Iman–Conover on the uniforms of correlated activities: each row's values are
    reordered to the ranks of its correlated scores (its marginal is unchanged)."""
    size = u.shape[1]
    for comp, g in sets:
        z = factor_scores(g, size, comp)
        scores = comp.loadings @ z.T
        if comp.unique.any():
            m = len(comp.members)
            own = _correlation.scores_from_bits(
                g.bit_generator.random_raw(-(-size * m // 4)), size * m).reshape(m, size)
            scores += comp.unique[:, None] * own
        for j, a in enumerate(comp.members):
            u[a] = reorder(np.sort(u[a]), scores[j])


_KEY_MASK = np.uint32(0xFFFF_F000)   # 20 random bits above a 12-bit iteration index
_INDEX_MASK = np.uint32(0x0000_0FFF)
_LHS_INDEX = np.arange(SUB_BLOCK, dtype=np.uint32)
_LHS_INDEX.flags.writeable = False
_FLOAT_4096 = np.uint32(0x4580_0000)  # float32 bits of 4,096.0: exponent 127 + 12
assert SUB_BLOCK <= 1 << 12


def _stratified_rows(u: np.ndarray, gens: list[np.random.Generator], work: Workspace
                     ) -> None:
    """Latin hypercube uniforms ``(perm_j + U_j) / size`` for every row, one stream each.

    The permutation is the order of random keys, found by sorting 32-bit words whose
    low 12 bits are the iteration index and whose high 20 bits are random: numpy sorts
    32-bit integers several times faster than it shuffles. Keys that tie in their 20
    random bits (about 8 pairs in 4,096) keep index order, so those pairs are never
    swapped with each other: a departure from a uniform permutation far below any
    effect on a result; every stratum is still used exactly once.

    ``perm_j + U_j`` is assembled as float32 bits: the exponent of 4,096, the 12-bit
    stratum and 11 random bits of position within it (float32 resolves no finer at
    4,096), then 4,096 is subtracted; the division by ``size`` keeps every value < 1.
    """
    size = u.shape[1]
    index = _LHS_INDEX[:size]
    rows = work.get("lhs_words", (_ROWS, 2 * size), np.uint32)
    for r0 in range(0, len(gens), _ROWS):
        chunk = gens[r0:r0 + _ROWS]
        words = rows[:len(chunk)]
        for w, g in zip(words, chunk):
            w[:] = g.bit_generator.random_raw(size).view(np.uint32)  # type: ignore[attr-defined]
        keys, jitter = words[:, :size], words[:, size:]
        keys &= _KEY_MASK
        keys |= index
        keys.sort(axis=1)
        keys &= _INDEX_MASK
        keys <<= 11
        jitter >>= 21
        keys |= jitter
        keys |= _FLOAT_4096
        np.subtract(keys.view(np.float32), np.float32(4096.0), out=u[r0:r0 + len(chunk)])
    u /= np.float32(size)


def _sample_durations(net: _NetworkModel, gens: list[np.random.Generator], size: int,
                      lhs: bool, work: Workspace,
                      sets: list[tuple[Any, np.random.Generator]] | None = None) -> np.ndarray:
    """Durations of every activity for ``size`` iterations, shape (activities, size).

    Each activity draws from its own stream (keyed by its id), the same draws whatever
    its distribution, so editing one activity's estimate leaves the others unchanged.
    Under LHS an activity's uniforms are ``(perm_j + U_j) / size`` over the slice.
    """
    n_act = len(net.distributions)
    u = work.get("uniforms", (n_act, size), DURATION_DTYPE)
    if lhs:
        _stratified_rows(u, gens, work)
    else:
        for i, g in enumerate(gens):
            g.random(out=u[i], dtype=DURATION_DTYPE)
    if sets:
        _correlate_rows(u, sets)
    tri = net.triangular
    a, m, b = net.tri_params
    for r0 in range(0, tri.size, _ROWS):
        rows = tri[r0:r0 + _ROWS]
        if net.triangular_contiguous:
            _triangular_rows(u[rows[0]:rows[-1] + 1], a[r0:r0 + _ROWS], m[r0:r0 + _ROWS],
                             b[r0:r0 + _ROWS])
        else:
            block = u[rows]
            _triangular_rows(block, a[r0:r0 + _ROWS], m[r0:r0 + _ROWS], b[r0:r0 + _ROWS])
            u[rows] = block
    for i in net.others:
        d = net.distributions[i]
        if isinstance(d, Fixed):
            u[i] = d.value
        else:
            u[i] = d.ppf(u[i])
    return u


def _add_activity_delays(d: np.ndarray, on_activities, s0: int, s1: int) -> None:
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


def _run_network(plan: _Plan, block: int, n: int, cost: np.ndarray, schedule: np.ndarray,
                 on_activities: list[tuple[_RiskModel, np.ndarray, np.ndarray]],
                 critical: np.ndarray, finish_sum: np.ndarray, work: Workspace,
                 bar: Any = None) -> None:
    net = plan.network
    assert net is not None
    network = net.schedule.network  # type: ignore[attr-defined]
    durations = _Durations(plan, block)
    for s0 in range(0, n, SUB_BLOCK):
        s1 = min(n, s0 + SUB_BLOCK)
        d = durations.sample(s1 - s0, work)
        _add_activity_delays(d, on_activities, s0, s1)
        for r0 in range(0, d.shape[0], 256):  # float64 sums, small temporaries
            cost[s0:s1] += net.cost_per_day[r0:r0 + 256] @ d[r0:r0 + 256].astype(float)
        passes = network.passes(d, backward=net.criticality, work=work)
        schedule[s0:s1] += passes.finish
        finish_sum += passes.early_finish.sum(axis=1, dtype=float)
        if net.criticality:
            critical += passes.critical_counts()
        if bar is not None:
            bar.update()


def _run_block(plan: _Plan, block: int, n: int, out: _ChunkOut, offset: int,
               work: Workspace, bar: Any = None) -> None:
    cost = out.cost[offset:offset + n]
    schedule = out.schedule[offset:offset + n]
    on_activities = _sample_risks(plan, block, n, cost, schedule, out.occurrences)
    if plan.network is not None:
        _run_network(plan, block, n, cost, schedule, on_activities, out.critical,
                     out.finish_sum, work, bar)
    elif bar is not None:
        bar.update()


def _steps(block_list: Sequence[tuple[int, int, int]], network: bool) -> int:
    """Progress steps of some blocks: one per block, or per CPM slice with a network."""
    return sum(math.ceil((b1 - b0) / SUB_BLOCK) if network else 1 for _, b0, b1 in block_list)


def _run_chunk(plan: _Plan, bar: Any, block_list: list[tuple[int, int, int]]) -> _ChunkOut:
    start = block_list[0][1]
    stop = block_list[-1][2]
    n_act = len(plan.network.distributions) if plan.network else 0
    out = _ChunkOut(start, np.zeros(stop - start), np.zeros(stop - start),
                    np.zeros(len(plan.risks), dtype=np.int64),
                    np.zeros(n_act, dtype=np.int64), np.zeros(n_act))
    work = Workspace()
    for block, b0, b1 in block_list:
        _run_block(plan, block, b1 - b0, out, b0 - start, work, bar)
    out.steps = _steps(block_list, plan.network is not None)
    return out


def _check_iterations(iterations: object, name: str = "iterations") -> int:
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations, (int, np.integer)):
        raise OptionError(name, iterations, "a whole number >= 1")
    if iterations < 1:
        raise OptionError(name, iterations, "a whole number >= 1")
    return int(iterations)


def _risk_models(register: RiskRegister | None, scenario: str, schedule: Schedule | None
                 ) -> tuple[_RiskModel, ...]:
    if register is None:
        return ()
    pre = register.risks("current")
    post = register.risks("mitigated")
    chosen = post if scenario == "mitigated" else pre
    frame = register.frame.loc[~register.closed]
    rows = frame["row"].tolist()
    problems: list[Problem] = []
    ignored: list[str] = []
    models = []
    for c, a, b, row in zip(chosen, pre, post, rows):
        acts: tuple[int, ...] = ()
        if c.activities and schedule is None:
            ignored.append(c.id)
        elif c.activities and schedule is not None:
            unknown = [x for x in c.activities if x not in schedule]
            if unknown:
                problems.append(Problem(
                    f"risk {c.id} names activities the schedule lacks: {', '.join(unknown)}",
                    source=register.source, row=row, column=register.header("activities"),
                    value="; ".join(c.activities),
                    hint=f"activity ids are those of {schedule.source}"))
                continue
            acts = tuple(dict.fromkeys(schedule.index_of(x) for x in c.activities))
        models.append(_RiskModel(c, stable_key(c.id), max(a.probability, b.probability),
                                 a.cost is not None or b.cost is not None,
                                 a.schedule is not None or b.schedule is not None, acts,
                                 a, b))
    if problems:
        raise InputError(problems)
    if ignored:
        import warnings
        warnings.warn(f"{register.source}: no schedule given, so the activities named by "
                      f"{len(ignored)} risks ({', '.join(ignored[:8])}"
                      f"{' …' if len(ignored) > 8 else ''}) are ignored and their delays "
                      f"add to the finish", InputWarning, stacklevel=3)
    return tuple(models)


def _make_plan(register: RiskRegister | None, schedule: Schedule | None, scenario: str,
               sampling: Sampling, iterations: int, seed: Seed,
               network: _NetworkModel | None, correlation: Any) -> _Plan:
    """The risks of a scenario and the correlated sets among them and the activities."""
    risks = _risk_models(register, scenario, schedule)
    return _Plan(risks, sampling, iterations, seed, network,
                 _correlation.resolve(correlation, register, schedule,
                                      tuple(r.params.id for r in risks)),
                 _fused.use(float(iterations) * len(risks)))


def simulate(
    register: RiskRegister | None = None,
    schedule: Schedule | None = None,
    *,
    iterations: int | str = 10_000,
    rng: None | int | np.random.SeedSequence | np.random.Generator = None,
    sampling: str = "lhs",
    scenario: str = "current",
    chunk_size: int | None = None,
    start: str | _dt.date | np.datetime64 | None = None,
    holidays: Sequence[str | _dt.date] | None = None,
    criticality: bool = True,
    progress: bool | None = None,
    executor: Any = None,
    workers: int | None = None,
    tolerance: float = 0.01,
    max_iterations: int = 10_000_000,
    correlation: Any = None,
) -> SimulationResult:
    """Simulate the cost and schedule exposure of a risk register and/or a schedule.

    Each iteration, every active risk occurs with its probability; if it occurs, its
    cost and schedule impacts are drawn independently from their distributions. Without
    a schedule, the schedule metric is the total delay in days. With one, activity
    durations are drawn from their three-point estimates, a risk that lists activities
    adds its delay to each of them (the same draw), a risk without activities delays the
    finish, and the schedule metric is the project duration from the CPM forward pass.

    Cost is the schedule's fixed costs, plus cost per day x (sampled duration + risk
    delays) per activity, plus occurring risk cost impacts (plus mitigation costs in the
    ``mitigated`` scenario).

    Parameters
    ----------
    register : RiskRegister, optional
        From :func:`riskkit.read_register`. Closed risks are left out and reported.
    schedule : Schedule, optional
        From :func:`riskkit.read_schedule`. At least one of the two is needed.
    iterations : int or "auto", default 10,000
        ``"auto"`` doubles the run, in whole blocks of 65,536 iterations, until the
        standard error of the P80 of cost and schedule is within ``tolerance`` (relative)
        or ``max_iterations`` is reached; the numbers equal an explicit run of the
        iterations it stopped at.
    rng : None, int, SeedSequence or Generator
        Seed (SPEC 7). The same seed gives identical numbers for any ``chunk_size``.
    sampling : {"lhs", "random"}
        Latin hypercube (stratified occurrences, impacts and durations) or plain Monte
        Carlo.
    scenario : {"current", "mitigated"}
        ``mitigated`` replaces pre-mitigation values by post-mitigation ones and adds
        each mitigation's cost. Both scenarios use the same random numbers.
    chunk_size : int, optional
        Iterations per unit of work, rounded up to whole blocks of 65,536.
    start : date or ISO string, optional
        Project start: finish dates are then reported on a Monday-Friday calendar.
    holidays : list of dates, optional
        Non-working days of that calendar.
    criticality : bool, default True
        Count how often each activity is critical (needs a backward pass).
    progress : bool, optional
        Show a progress bar (tqdm); by default only for long runs.
    executor : concurrent.futures.Executor, optional
        Run chunks of blocks on it, e.g. a ``dask.distributed`` client's
        ``get_executor()``. Results are identical to a serial run.
    workers : int, optional
        Without an executor: run chunks on a local pool of this many processes.
    correlation : path, dict, DataFrame or Correlation, optional
        Correlation between risk impacts and between activity durations, induced by
        Iman–Conover so every marginal is unchanged: ``{group: coefficient}`` (or a CSV
        with columns ``group, coefficient``) for the groups named in the
        ``correlation_group`` column of the register and schedule, or a matrix CSV /
        square DataFrame over risk or activity ids. See :mod:`riskkit.correlation`.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> res = rk.simulate(reg, sch, iterations=2_000, rng=42)
    >>> res.percentile(0.8, "schedule") >= sch.duration()
    True
    """
    if isinstance(iterations, str):
        if iterations.strip().lower() != "auto":
            raise OptionError("iterations", iterations, "a whole number >= 1 or 'auto'")
        return _simulate_auto(register, schedule, rng=rng, tolerance=tolerance,
                              max_iterations=max_iterations, sampling=sampling,
                              scenario=scenario, chunk_size=chunk_size, start=start,
                              holidays=holidays, criticality=criticality, progress=progress,
                              executor=executor, workers=workers, correlation=correlation)
    if register is None and schedule is None:
        raise InputError(Problem("simulate needs a risk register, a schedule or both"))
    if register is not None and not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    if schedule is not None and not isinstance(schedule, Schedule):
        raise OptionError("schedule", type(schedule).__name__,
                          "a Schedule from riskkit.read_schedule")
    iterations = _check_iterations(iterations)
    sampling_ = Sampling.parse(sampling)
    scenario = _check_scenario(scenario)
    if chunk_size is not None:
        chunk_size = _check_iterations(chunk_size, "chunk_size")
    if start is not None and schedule is None:
        raise OptionError("start", start, "given together with a schedule (finish dates "
                          "come from the network)")
    start_day = _parse_day(start, "start") if start is not None else None
    holiday_days = tuple(_parse_day(h, "holidays") for h in (holidays or ()))
    seed = make_seed(rng)
    network = _NetworkModel.of(schedule, bool(criticality))
    plan = _make_plan(register, schedule, scenario, sampling_, iterations, seed, network,
                      correlation)

    workers = parallel.check_workers(workers)
    all_blocks = blocks(iterations)
    is_parallel = executor is not None or bool(workers and workers > 1)
    per_chunk = parallel.per_chunk_blocks(len(all_blocks), chunk_size, BLOCK_SIZE,
                                          is_parallel, workers)
    n_act = len(schedule) if schedule is not None else 0
    cost = np.empty(iterations)
    sched = np.empty(iterations)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    critical = np.zeros(n_act, dtype=np.int64)
    finish_sum = np.zeros(n_act)
    work = iterations * (len(plan.risks) * 0.3 + n_act * 4)
    steps = _steps(all_blocks, network is not None)
    chunks = parallel.chunked(all_blocks, per_chunk)
    with _progress.bar(steps, "simulate", progress, work) as bar, \
            parallel.executor_for(executor, workers, len(chunks)) as pool:
        for out in parallel.run_chunks(_run_chunk, chunks, pool, plan,
                                       None if pool is not None else bar):
            if pool is not None:
                bar.update(out.steps)
            cost[out.start:out.start + out.cost.size] = out.cost
            sched[out.start:out.start + out.schedule.size] = out.schedule
            occurrences += out.occurrences
            critical += out.critical
            finish_sum += out.finish_sum

    base_cost = base_schedule = 0.0
    if network is not None and schedule is not None:
        cost += network.fixed_cost
        base_cost = schedule.base_cost()
        base_schedule = schedule.duration()
    mitigation_cost = 0.0
    if scenario == "mitigated" and register is not None:
        mitigation_cost = float(register.mitigation_costs().sum())
        cost += mitigation_cost
    return SimulationResult(
        cost=cost, schedule=sched, iterations=iterations, seed=seed.reported,
        sampling=sampling_.value, scenario=scenario,
        risk_ids=tuple(r.params.id for r in plan.risks),
        probabilities=np.array([r.params.probability for r in plan.risks]),
        occurrences=occurrences, base_cost=base_cost, base_schedule=base_schedule,
        mitigation_cost=mitigation_cost,
        excluded=register.closed_ids if register is not None else (),
        source=register.source if register is not None else schedule.source,  # type: ignore[union-attr]
        activity_ids=schedule.ids if schedule is not None else (),
        activity_names=(tuple("" if x is None else str(x) for x in schedule.frame["name"])
                        if schedule is not None else ()),
        criticality=(critical / iterations if criticality else np.full(n_act, np.nan)),
        mean_finish=finish_sum / iterations,
        start=start_day, holidays=holiday_days,
        has_schedule=schedule is not None, block_size=BLOCK_SIZE,
        correlation=plan.correlation.description)


def _simulate_auto(register, schedule, *, rng, tolerance, max_iterations, **options
                   ) -> SimulationResult:
    """Double the run until the P80s converge; blocks make every run a prefix of the
    next, so the result equals an explicit run of its final size."""
    if not (isinstance(tolerance, (int, float)) and 0 < tolerance < 1):
        raise OptionError("tolerance", tolerance, "a relative error between 0 and 1")
    max_iterations = _check_iterations(max_iterations, "max_iterations")
    # read (and warn) once, not per doubling
    options["correlation"] = _correlation.prepare(options.get("correlation"))
    seed = make_seed(rng)
    root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    lhs = Sampling.parse(options.get("sampling", "lhs")) is Sampling.LHS
    n = min(max_iterations, (10 if lhs else 2) * BLOCK_SIZE)
    while True:
        res = simulate(register, schedule, iterations=n, rng=root, **options)
        if res.converged(tolerance) or n >= max_iterations:
            break
        n = min(max_iterations, 2 * n)
    if seed.reported is not None and res.seed is None:
        object.__setattr__(res, "seed", seed.reported)
    return res


def _parse_day(value: object, name: str) -> np.datetime64:
    try:
        raw: Any = value.date() if isinstance(value, _dt.datetime) else value
        day = np.datetime64(raw, "D")
    except (ValueError, TypeError):
        raise OptionError(name, value, "a date such as 2027-01-04") from None
    if np.isnat(day):
        raise OptionError(name, value, "a date such as 2027-01-04")
    return day


# --- variants on common random numbers (rank_mitigations, risk_drivers) -----------------

#: A variant changes some risks: to their post-mitigation values ("mitigated") or out
#: of the model ("removed"). Everything else stays as in the baseline (pre-mitigation).
Variant = Mapping[int, str]


Slab = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]  # iterations, cost, schedule


@dataclass(frozen=True)
class ChangeTable:
    """Where and by how much each variant differs from the baseline.

    The changes lie in slabs of (iterations, cost change, schedule change) arrays (a
    schedule array None: no schedule changes), as the simulation wrote them. Variant
    ``v`` owns segments ``ptr[v]:ptr[v + 1]``; segment ``s`` covers entries
    ``start[s]:stop[s]`` of slab ``slab[s]``. Segments are sorted by variant, slab and
    start; a variant's iterations are distinct. Arrays handed out may be views of the
    slabs: read them only.
    """

    count: int
    slabs: list[Slab]
    slab: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    ptr: np.ndarray

    @classmethod
    def build(cls, count: int, slabs: list[Slab],
              segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]) -> ChangeTable:
        """The table of ``segments`` (slab, variants, starts, stops) of ``slabs``."""
        variant = _joined([seg[1] for seg in segments], np.intp)
        slab = _joined([np.full(seg[1].size, seg[0], dtype=np.intp) for seg in segments],
                       np.intp)
        start = _joined([seg[2] for seg in segments], np.intp)
        stop = _joined([seg[3] for seg in segments], np.intp)
        order = np.lexsort((start, slab, variant))
        variant, slab, start, stop = variant[order], slab[order], start[order], stop[order]
        ptr = np.searchsorted(variant, np.arange(count + 1)).astype(np.intp)
        return cls(count, slabs, slab, start, stop, ptr)

    @classmethod
    def single(cls, pos: np.ndarray, cost: np.ndarray,
               sched: np.ndarray | None = None) -> ChangeTable:
        """A table of one variant."""
        zero, size = np.array([0], dtype=np.intp), np.array([pos.size], dtype=np.intp)
        return cls(1, [(pos, cost, sched)], zero, zero, size, np.array([0, 1], dtype=np.intp))

    @property
    def has_schedule(self) -> bool:
        return any(slab[2] is not None for slab in self.slabs)

    def of(self, v: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Variant ``v``'s iterations and its cost and schedule changes there."""
        pos, cost = self.layer(v, 1)
        return pos, cost, self.layer(v, 2)[1]

    def layer(self, v: int, which: int) -> tuple[np.ndarray, np.ndarray]:
        """Variant ``v``'s iterations and its changes there (``which``: 1 cost,
        2 schedule), in entry order."""
        parts = [(self.slabs[k], slice(i, j)) for k, i, j in zip(
            *(x[self.ptr[v]:self.ptr[v + 1]].tolist() for x in (self.slab, self.start, self.stop)))]
        return (_joined([slab[0][p] for slab, p in parts], np.intp),
                _joined([slab[which][p] if slab[which] is not None
                         else np.zeros(p.stop - p.start) for slab, p in parts], float))

    def columns(self, which: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Every slab's iterations and changes (``which``: 1 cost, 2 schedule; zeros
        where a slab has none), for a kernel that reads the segments in place."""
        pos = [x[0] for x in self.slabs]
        values = []
        for x in self.slabs:
            column = x[which]
            values.append(column if column is not None else np.zeros(x[0].size))
        return pos, values


def _joined(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    """The arrays end to end (the one array itself when there is one)."""
    if len(arrays) == 1:
        return arrays[0]
    if not arrays:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(arrays)


@dataclass
class VariantRun:
    """Per-iteration totals of a baseline, and of each variant where it differs.

    A variant differs from the baseline only in the iterations where one of its changed
    risks occurs (in either scenario): ``changes.of(v)`` gives those iterations and the
    variant's cost and schedule minus the baseline's there.
    """

    base_cost: np.ndarray
    base_schedule: np.ndarray
    changes: ChangeTable
    risk_ids: tuple[str, ...]
    impacts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None
    base_cost_value: float = 0.0
    base_schedule_value: float = 0.0
    seed: int | None = None
    fused: bool = False  # the run used the numba kernels (the analysis may too)

    def totals(self, v: int) -> tuple[np.ndarray, np.ndarray]:
        """Dense cost and schedule of variant ``v`` (for tests and small runs)."""
        pos, dc, ds = self.changes.of(v)
        cost, sched = self.base_cost.copy(), self.base_schedule.copy()
        cost[pos] += dc
        sched[pos] += ds
        return cost, sched


class _ChangeLog:
    """The changes of every variant over one chunk, as slabs of (iterations, cost
    change, schedule change) and the segments of them each variant owns.

    A variant that changes several risks, or a risk on activities whose effect passes
    through the network, is summed in block-sized arrays first ("dense"). The changes
    of a risk that every variant touching it changes the same way are written by the
    caller straight into a slab shared by all variants (:class:`_SingleRisks`); any
    other single-risk change comes through :meth:`add` as a small slab of its own.
    """

    def __init__(self, dense: Sequence[bool], position: Any = np.intp) -> None:
        self.position = position  # the dtype of iterations in every slab
        self.dense = [vi for vi, flag in enumerate(dense) if flag]
        self.slabs: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
        self.segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self.blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.b0 = 0

    def begin(self, b0: int, n: int) -> None:
        self.b0 = b0
        self.blocks = {vi: (np.zeros(n), np.zeros(n)) for vi in self.dense}

    def slab(self, pos: np.ndarray, cost: np.ndarray, sched: np.ndarray | None,
             variant: np.ndarray, start: np.ndarray, stop: np.ndarray) -> None:
        """A slab (``pos`` iterations of the run, not of the block) and its segments;
        kept only if a segment refers to it."""
        if variant.size:
            self.slabs.append((pos.astype(self.position, copy=False), cost, sched))
            self.segments.append((len(self.slabs) - 1, variant, start, stop))

    def add(self, vi: int, pos: np.ndarray, cost: np.ndarray | float = 0.0,
            sched: np.ndarray | float = 0.0) -> None:
        """Add variant ``vi``'s changes at block positions ``pos`` (distinct)."""
        if not pos.size:
            return
        if vi in self.blocks:
            c, s = self.blocks[vi]
            c[pos] += cost
            s[pos] += sched
            return
        whole = np.array([vi]), np.array([0]), np.array([pos.size])
        self.slab(pos + self.b0, np.broadcast_to(np.asarray(cost, dtype=float), pos.shape),
                  None if np.ndim(sched) == 0 and sched == 0 else
                  np.broadcast_to(np.asarray(sched, dtype=float), pos.shape), *whole)

    def end(self) -> None:
        for vi, (c, s) in self.blocks.items():
            nz = np.flatnonzero((c != 0) | (s != 0))
            if nz.size:
                sched = s[nz] if s.any() else None
                self.slab(nz + self.b0, c[nz], sched, np.array([vi]), np.array([0]),
                          np.array([nz.size]))

    def dense_block(self, vi: int | None) -> tuple[np.ndarray, np.ndarray] | None:
        return self.blocks.get(vi) if vi is not None else None


class _SingleRisks:
    """The risks whose changes go straight into a block's slab: not on activities, and
    changed the same way (mitigated or removed) by every variant that touches them. A
    risk's changes are a prefix of its own ordered draws: as many entries per block as
    the more of its occurrences before and after."""

    def __init__(self, plan: _Plan, variants: Sequence[Mapping[int, str]],
                 touched_by: list[list[int]], dense: Sequence[bool]):
        count = len(plan.risks)
        self.single = np.zeros(count, dtype=bool)
        self.mitigated = np.zeros(count, dtype=bool)
        pair_r, pair_v = [], []
        for r, model in enumerate(plan.risks):
            ways = {variants[vi][r] for vi in touched_by[r]}
            if model.activities or len(ways) != 1 or not (model.cost_any or model.schedule_any):
                continue
            self.single[r] = True
            self.mitigated[r] = ways == {"mitigated"}
            for vi in touched_by[r]:
                if not dense[vi]:
                    pair_r.append(r)
                    pair_v.append(vi)
        self.pair_r = np.array(pair_r, dtype=np.intp)
        self.pair_v = np.array(pair_v, dtype=np.intp)
        self.sched = any(plan.risks[r].schedule_any for r in np.flatnonzero(self.single))

    def offsets(self, k_pre: np.ndarray, k_post: np.ndarray) -> np.ndarray:
        """Where each risk's entries start in the block's slab (count + 1 entries)."""
        width = np.where(self.single,
                         np.maximum(k_pre, np.where(self.mitigated, k_post, 0)), 0)
        return np.concatenate([[0], np.cumsum(width)]).astype(np.intp)

    def segments(self, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Variants, starts and stops of the non-empty single-risk segments."""
        start, stop = offsets[self.pair_r], offsets[self.pair_r + 1]
        keep = stop > start
        return self.pair_v[keep], start[keep], stop[keep]


def simulate_variants(
    register: RiskRegister,
    schedule: Schedule | None,
    variants: Sequence[Variant],
    *,
    iterations: int,
    rng: None | int | np.random.SeedSequence | np.random.Generator = None,
    sampling: str = "lhs",
    keep_impacts: bool = False,
    progress: bool | None = None,
    label: str = "variants",
    executor: Any = None,
    workers: int | None = None,
    correlation: Any = None,
) -> VariantRun:
    """Simulate the baseline and each variant on common random numbers.

    The random numbers are drawn once. A variant only re-evaluates the risks it changes,
    in the iterations where they occur: cost and finish delays are swapped in
    additively, and for risks on activities only the activities downstream of the
    changed ones are recomputed, on the stored durations of the baseline.

    ``keep_impacts`` also returns, per risk, its baseline occurrences as (iteration,
    cost impact, schedule impact) for rank correlations.
    """
    iterations = _check_iterations(iterations)
    sampling_ = Sampling.parse(sampling)
    seed = make_seed(rng)
    network = _NetworkModel.of(schedule, False)
    plan = _make_plan(register, schedule, "current", sampling_, iterations, seed, network,
                      correlation)
    for v in variants:
        for r, kind in v.items():
            if kind not in ("mitigated", "removed") or not 0 <= r < len(plan.risks):
                raise ValueError(f"bad variant entry {r}: {kind}")
    base_cost = np.zeros(iterations)
    base_sched = np.zeros(iterations)
    slabs: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]] = []
    segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [
        [] for _ in plan.risks] if keep_impacts else []
    n_act = len(schedule) if schedule is not None else 0
    effort = iterations * (len(plan.risks) * 0.6 + n_act * 4 * (1 + 0.05 * len(variants)))
    all_blocks = blocks(iterations)
    steps = _steps(all_blocks, network is not None)
    bar = _progress.bar(steps, label, progress, effort)
    workers = parallel.check_workers(workers)
    is_parallel = executor is not None or bool(workers and workers > 1)
    chunks = parallel.chunked(all_blocks, parallel.per_chunk_blocks(
        len(all_blocks), None, BLOCK_SIZE, is_parallel, workers))
    spec = _VariantSpec(plan, tuple(dict(v) for v in variants), keep_impacts)
    with parallel.executor_for(executor, workers, len(chunks)) as pool:
        for out in parallel.run_chunks(_variants_chunk, chunks, pool, spec,
                                       None if pool is not None else bar):
            base_cost[out.start:out.stop] = out.base_cost
            base_sched[out.start:out.stop] = out.base_schedule
            segments.extend((slab + len(slabs), variant, first, last)
                            for slab, variant, first, last in out.segments)
            slabs.extend(out.slabs)
            for kept_parts, parts in zip(impacts, out.impacts):
                kept_parts.extend(parts)
            if pool is not None:
                bar.update(out.steps)
    bar.close()
    base_value_cost = base_value_sched = 0.0
    if network is not None and schedule is not None:
        base_cost += network.fixed_cost
        base_value_cost, base_value_sched = schedule.base_cost(), schedule.duration()
    kept = None
    if keep_impacts:
        kept = []
        for parts in impacts:
            if parts:
                kept.append(tuple(np.concatenate(x) for x in zip(*parts)))
            else:
                kept.append((np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0)))
    return VariantRun(base_cost, base_sched, ChangeTable.build(len(variants), slabs, segments),
                      tuple(m.params.id for m in plan.risks), kept,  # type: ignore[arg-type]
                      base_value_cost, base_value_sched, seed.reported, plan.fused)


@dataclass(frozen=True)
class _VariantSpec:
    plan: _Plan
    variants: tuple[dict[int, str], ...]
    keep_impacts: bool
    # what every chunk derives from the variants: built once when chunks run in this
    # process (serial runs, threads); a worker process rebuilds it with each chunk
    derived: _Derived = field(default_factory=lambda: _Derived(), init=False, compare=False,
                              repr=False)


class _VariantSetup:
    """What the chunks of a variant run share: which variants touch each risk, which
    variants are dense, the single-risk layout, the kernel's classification and the
    probabilities of both scenarios."""

    def __init__(self, spec: _VariantSpec):
        plan, variants = spec.plan, spec.variants
        self.touched_by: list[list[int]] = [[] for _ in plan.risks]
        for vi, v in enumerate(variants):
            for r in v:
                self.touched_by[r].append(vi)
        self.dense = [len(v) > 1 or any(plan.risks[r].activities for r in v)
                      for v in variants]
        self.single = _SingleRisks(plan, variants, self.touched_by, self.dense)
        self.pre_p = np.array([m.pre.probability for m in plan.risks])  # type: ignore[union-attr]
        self.post_p = np.array([m.post.probability for m in plan.risks])  # type: ignore[union-attr]
        self.kernel = (_KernelVariants(plan, variants, self.touched_by, self.single,
                                       self.dense)
                       if plan.fused and not spec.keep_impacts else None)


@dataclass
class _VariantChunk:
    start: int
    stop: int
    base_cost: np.ndarray
    base_schedule: np.ndarray
    slabs: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]
    segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]]
    steps: int


def _variants_chunk(spec: _VariantSpec, bar: Any, block_list: list[tuple[int, int, int]]
                    ) -> _VariantChunk:
    """The baseline and every variant over a run of whole blocks (one unit of work)."""
    plan, variants, keep_impacts = spec.plan, spec.variants, spec.keep_impacts
    network = plan.network
    bar = bar if bar is not None else _progress._Silent()
    start, stop = block_list[0][1], block_list[-1][2]
    base_cost = np.zeros(stop - start)
    base_sched = np.zeros(stop - start)
    setup = spec.derived.get_or_make("setup", lambda _: _VariantSetup(spec), plan)
    touched_by, dense, single, kernel = (setup.touched_by, setup.dense, setup.single,
                                         setup.kernel)
    pre_p, post_p = setup.pre_p, setup.post_p
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [
        [] for _ in plan.risks] if keep_impacts else []
    work = Workspace()
    add_at = np.add.at
    empty = (np.zeros(0, dtype=np.intp), np.zeros(0))
    # iterations in the slabs: 4 bytes where they fit (a third less memory to fill)
    position = np.int32 if plan.iterations <= np.iinfo(np.int32).max else np.intp
    log = _ChangeLog(dense, position)
    for block, b0, b1 in block_list:
        n = b1 - b0
        bc, bs = base_cost[b0 - start:b1 - start], base_sched[b0 - start:b1 - start]
        on_activities: list[tuple[_RiskModel, np.ndarray, np.ndarray]] = []
        # per variant: (risk, old positions, old delays, new positions, new delays) of
        # its changed risks on activities, positions within the block
        network_changes: list[list[tuple]] = [[] for _ in variants]
        log.begin(b0, n)
        if plan.risks:
            draws = _BlockDraws(plan, block, n)
            k_pre, k_post = draws.counts(pre_p), draws.counts(post_p)
            offsets = single.offsets(k_pre, k_post)
            slab = (np.empty(offsets[-1], dtype=position), np.empty(offsets[-1]),
                    np.empty(offsets[-1]) if single.sched else None)
            for r, model in enumerate(plan.risks):
                if kernel is not None:
                    if r in kernel.runs:
                        kernel.run_variants(draws, r, k_pre, k_post, offsets, slab, log,
                                            bc, bs)
                    if kernel.simple[r]:
                        continue
                drawn = draws.draw(r)
                if drawn is None:
                    continue
                order = drawn.order
                kp = int(k_pre[r])
                c_pre, s_pre = draws.impacts(drawn, model.pre, kp)  # type: ignore[arg-type]
                c_pre = None if c_pre is None else c_pre.copy()
                s_pre = None if s_pre is None else s_pre.copy()
                occ_pre = order[:kp]
                if keep_impacts and kp:
                    impacts[r].append((occ_pre + b0,
                                       c_pre if c_pre is not None else np.zeros(kp),
                                       s_pre if s_pre is not None else np.zeros(kp)))
                if c_pre is not None:
                    add_at(bc, occ_pre, c_pre)
                if s_pre is not None and not model.activities:
                    add_at(bs, occ_pre, s_pre)
                if s_pre is not None and model.activities:
                    by_position = np.argsort(occ_pre)
                    on_activities.append((model, occ_pre[by_position], s_pre[by_position]))
                if not touched_by[r]:
                    continue
                post: tuple[np.ndarray, np.ndarray | None, np.ndarray | None] = (
                    order[:0], None, None)
                if any(variants[vi][r] == "mitigated" for vi in touched_by[r]):
                    kq = int(k_post[r])
                    c_post, s_post = draws.impacts(drawn, model.post, kq)  # type: ignore[arg-type]
                    post = (order[:kq], None if c_post is None else c_post.copy(),
                            None if s_post is None else s_post.copy())
                if single.single[r]:
                    # both scenarios are prefixes of the same ordered draw
                    _single_changes(slab, offsets[r], offsets[r + 1], order, c_pre, s_pre,
                                    *post[1:] if single.mitigated[r] else (None, None))
                    o0, o1 = offsets[r], offsets[r + 1]
                    for vi in touched_by[r]:
                        if dense[vi]:
                            log.add(vi, order[:o1 - o0], slab[1][o0:o1],
                                    slab[2][o0:o1] if slab[2] is not None else 0.0)
                    continue
                for vi in touched_by[r]:
                    occ_post, c_post, s_post = (post if variants[vi][r] == "mitigated"
                                                else (order[:0], None, None))
                    if not model.activities:
                        m = max(kp, occ_post.size)
                        changed = (order[:m], np.zeros(m), np.zeros(m))
                        _single_changes(changed, 0, m, order, c_pre, s_pre, c_post, s_post)
                        log.add(vi, *changed)
                        continue
                    if c_pre is not None:
                        log.add(vi, occ_pre, -c_pre)
                    if c_post is not None:
                        log.add(vi, occ_post, c_post)
                    old = empty if s_pre is None else (occ_pre, s_pre)
                    new = empty if s_post is None else (occ_post, s_post)
                    network_changes[vi].append((model, *old, *new))
            if b0:
                slab[0][:] += b0
            log.slab(*slab, *single.segments(offsets))
        if network is not None:
            _network_variants(plan, block, n, bc, bs, on_activities, network_changes,
                              log, work, bar)
        else:
            bar.update()
        log.end()
    return _VariantChunk(start, stop, base_cost, base_sched, log.slabs, log.segments,
                         impacts, _steps(block_list, network is not None))


def _single_changes(slab: tuple[np.ndarray, np.ndarray, np.ndarray | None], o0: int, o1: int,
                    order: np.ndarray, c_pre: np.ndarray | None, s_pre: np.ndarray | None,
                    c_post: np.ndarray | None, s_post: np.ndarray | None) -> None:
    """Write a single risk's changes into the slab: post-scenario impacts minus
    pre-scenario impacts over its first ``o1 - o0`` ordered draws (zero-padded)."""
    slab[0][o0:o1] = order[:o1 - o0]
    for dest, pre, post in ((slab[1], c_pre, c_post), (slab[2], s_pre, s_post)):
        if dest is None:
            continue
        part = dest[o0:o1]
        part[:] = 0.0
        if post is not None:
            part[:post.size] = post
        if pre is not None:
            part[:pre.size] -= pre


def _network_variants(plan: _Plan, block: int, n: int, bc: np.ndarray,
                      bs: np.ndarray, on_activities, network_changes,
                      log: _ChangeLog, work: Workspace, bar: Any) -> None:
    """Baseline network pass for the block, then each variant that changes a risk on
    activities: only downstream activities, only in the iterations the change touches."""
    net = plan.network
    assert net is not None
    network = net.schedule.network  # type: ignore[attr-defined]
    durations = _Durations(plan, block)
    subsets = {}
    for vi, ch in enumerate(network_changes):
        acts = sorted({a for model, *_ in ch for a in model.activities})
        if acts:
            positions = np.unique(np.concatenate(
                [np.concatenate([old, new]) for _, old, _, new, _ in ch]))
            subsets[vi] = (acts, positions)
    affected = sorted({a for v in subsets.values() for a in v[0]})
    for s0 in range(0, n, SUB_BLOCK):
        s1 = min(n, s0 + SUB_BLOCK)
        d = durations.sample(s1 - s0, work)
        # durations of the activities a variant changes: sampled + every baseline delay,
        # before the clamp at zero (a variant swaps its own risk's delays in and out)
        unclamped = {a: d[a].astype(float) for a in affected}
        whole = np.arange(s1 - s0)
        for model, pos, values in on_activities:
            _add_delays_to_rows(unclamped, model, pos, values, s0, s1, 1.0, whole)
        _add_activity_delays(d, on_activities, s0, s1)
        for r0 in range(0, d.shape[0], 256):
            bc[s0:s1] += net.cost_per_day[r0:r0 + 256] @ d[r0:r0 + 256].astype(float)
        ef = network.forward(d, work)
        base_finish = network.project_finish(ef)
        bs[s0:s1] += base_finish
        for vi, (acts, positions) in subsets.items():
            lo, hi = np.searchsorted(positions, [s0, s1])
            if hi <= lo:
                continue
            cols = positions[lo:hi] - s0
            # Few changed iterations: work on those columns only; many: on whole rows,
            # which are contiguous and need no gathers.
            narrow = cols.size * 4 < s1 - s0
            index = np.full(s1 - s0, -1, dtype=np.intp)
            index[cols] = np.arange(cols.size) if narrow else cols
            rows = {a: (unclamped[a][cols] if narrow else unclamped[a].copy()) for a in acts}
            for model, old_pos, old_val, new_pos, new_val in network_changes[vi]:
                for pos, val, sign in ((old_pos, old_val, -1.0), (new_pos, new_val, 1.0)):
                    by_position = np.argsort(pos)
                    _add_delays_to_rows(rows, model, pos[by_position], val[by_position], s0, s1,
                                        sign, index)
            new_rows = {a: np.maximum(row, 0.0).astype(d.dtype) for a, row in rows.items()}
            over = network.forward_overlay(new_rows, d, ef, cols if narrow else None)
            cands = network.finish_candidates
            moved = [a for a in cands.tolist() if a in over]
            finish = base_finish[cols] if narrow else base_finish.copy()
            if moved:
                still = cands[~np.isin(cands, moved)]
                finish = ((ef[np.ix_(still, cols)] if narrow else ef[still]).max(axis=0)
                          if still.size else None)
                for a in moved:
                    finish = over[a] if finish is None else np.maximum(finish, over[a])
            if not narrow:
                finish = finish[cols]
            cost_delta = np.zeros(cols.size)
            for a, row in new_rows.items():
                new = row if narrow else row[cols]
                cost_delta += net.cost_per_day[a] * (new.astype(float) - d[a, cols])
            log.add(vi, cols + s0, cost_delta, finish.astype(float) - base_finish[cols])
        bar.update()


def _add_delays_to_rows(rows: dict[int, np.ndarray], model: _RiskModel, pos: np.ndarray,
                        values: np.ndarray, s0: int, s1: int, sign: float,
                        index: np.ndarray) -> None:
    """Add delays at block positions ``pos`` (ascending) in [s0, s1) to the rows kept
    for the iterations in ``index`` (slice position -> row position, -1 if not kept)."""
    lo, hi = np.searchsorted(pos, [s0, s1])
    if hi <= lo:
        return
    where = index[pos[lo:hi] - s0]
    keep = where >= 0
    if not keep.any():
        return
    where, vals = where[keep], values[lo:hi][keep]
    for a in model.activities:
        if a in rows:
            rows[a][where] += sign * vals
