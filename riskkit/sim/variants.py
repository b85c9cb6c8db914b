"""Variants on common random numbers: the baseline and each variant in one run.

A variant changes some risks (by id) to their post-mitigation values ("mitigated") or
out of the model ("removed"). The random numbers are drawn once; a variant only
re-evaluates the risks it changes, in the iterations where they occur: cost and finish
delays are swapped in additively, and for risks on activities only the activities
downstream of the changed ones are recomputed, on the baseline's durations. This is
what rankings, risk drivers and selections are computed from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .._progress import Silent
from ..cpm import Workspace
from ..exceptions import OptionError
from ..kernels.kinds import ADD_COST, ADD_DELAY, DENSE, EXPORT, SLAB
from ..model import RiskRegister, Schedule
from .changes import ChangeLog, ChangeTable, SingleRisks, Slab, VariantRun
from .durations import SUB_BLOCK, Durations, add_activity_delays
from .effects import ActivityEffects
from .options import RunOptions
from .plan import Derived, KernelTables, Plan, RiskModel, build_plan
from .risks import BlockDraws, Exports, KernelCall, OnActivities
from .runner import Block, run_chunks, steps
from .simulation import run_totals

if TYPE_CHECKING:
    from ..result import SimulationResult

__all__ = ["Variant", "baseline_result", "simulate_variants"]

#: A variant: risk id -> "mitigated" or "removed". Everything else stays as in the
#: baseline (pre-mitigation).
Variant = Mapping[str, str]
_KINDS = ("mitigated", "removed")


def simulate_variants(
    register: RiskRegister,
    schedule: Schedule | None,
    variants: Sequence[Variant],
    *,
    options: RunOptions | None = None,
    keep_impacts: bool = False,
    label: str = "variants",
    **given: Any,
) -> VariantRun:
    """Simulate the baseline and each variant on common random numbers.

    ``keep_impacts`` also returns, per risk, its baseline occurrences as (iteration,
    cost impact, schedule impact) for rank correlations. The keyword arguments of
    :class:`RunOptions` (``iterations``, ``rng``, ...) override ``options``.
    """
    options = RunOptions.of(options, **given)
    plan = build_plan(register, schedule, "current", options, criticality=False)
    index = plan.index_of()
    drivers = {d.id for d in plan.drivers}
    # a change to a risk others depend on changes their occurrences too
    parents = {plan.risks[m.parent].id for m in plan.risks if m.parent is not None}
    by_index: list[dict[int, str]] = []
    resimulated: list[int] = []  # variants that change a risk driver or a parent
    for vi, v in enumerate(variants):
        entry: dict[int, str] = {}
        for rid, kind in v.items():
            if kind not in _KINDS:
                raise OptionError("variant", f"{rid}: {kind}", "'mitigated' or 'removed'")
            if rid not in index and rid not in drivers:
                raise OptionError("variant", rid, f"the id of an active risk of "
                                  f"{register.source}")
            if rid in index:
                entry[index[rid]] = kind
        if drivers.intersection(v) or parents.intersection(v):
            resimulated.append(vi)
            entry = {}  # re-simulated whole, below
        by_index.append(entry)
    iterations = plan.iterations
    base_cost, base_sched = np.zeros(iterations), np.zeros(iterations)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    slabs: list[Slab] = []
    segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [
        [] for _ in plan.risks] if keep_impacts else []
    n_act = len(schedule) if schedule is not None else 0
    effort = iterations * (len(plan.risks) * 0.6 + n_act * 4 * (1 + 0.05 * len(variants)))
    spec = _VariantSpec(plan, tuple(by_index), keep_impacts)
    for out in run_chunks(_variants_chunk, spec, options, iterations, label=label,
                          network=plan.network is not None, work=effort):
        base_cost[out.start:out.stop] = out.base_cost
        base_sched[out.start:out.stop] = out.base_schedule
        occurrences += out.occurrences
        segments.extend((slab + len(slabs), variant, first, last)
                        for slab, variant, first, last in out.segments)
        slabs.extend(out.slabs)
        for kept_parts, parts in zip(impacts, out.impacts):
            kept_parts.extend(parts)
    for vi in resimulated:
        # a driver scales durations in every iteration, a parent moves its dependents:
        # the variant is simulated again with its changes, on the same draws (streams
        # are keyed by id), and its whole difference from the baseline kept
        changed = build_plan(register, schedule, "current", options, criticality=False,
                             changes=variants[vi])
        cost_v, sched_v = run_totals(changed, options, label)
        at = np.flatnonzero((cost_v != base_cost) | (sched_v != base_sched))
        slabs.append((at, cost_v[at] - base_cost[at], sched_v[at] - base_sched[at]))
        segments.append((len(slabs) - 1, np.array([vi]), np.array([0]), np.array([at.size])))
    base_value_cost = base_value_sched = 0.0
    if plan.network is not None and schedule is not None:
        base_cost += plan.network.fixed_cost
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
                      plan.ids, kept, base_value_cost, base_value_sched,  # type: ignore[arg-type]
                      plan.seed, iterations, plan.sampling.value, occurrences,
                      np.array([m.run.probability for m in plan.risks]),
                      plan.correlation.description, tuple(d.id for d in plan.drivers))


def baseline_result(run: VariantRun, register: RiskRegister) -> SimulationResult:
    """The baseline of a variant run of ``register`` without a schedule, as the
    :class:`SimulationResult` that :func:`riskkit.simulate` returns for it with the same
    options (the same numbers: the baseline is the current scenario on the same
    streams)."""
    from ..result import SimulationResult
    from ..seeds import BLOCK_SIZE
    from .simulation import modelled_metrics

    assert run.occurrences is not None and run.probabilities is not None
    assert run.seed_sequence is not None
    return SimulationResult(
        cost=run.base_cost, schedule=run.base_schedule, iterations=run.iterations,
        seed_sequence=run.seed_sequence, sampling=run.sampling, scenario="current",
        risk_ids=run.risk_ids, probabilities=run.probabilities,
        occurrences=run.occurrences, excluded=register.excluded_ids, source=register.source,
        has_schedule=False, block_size=BLOCK_SIZE, correlation=run.correlation,
        currency=register.currency, metrics=modelled_metrics(register, None),
        activity_ids=(), activity_names=(), criticality=np.full(0, np.nan),
        mean_finish=np.zeros(0))


@dataclass(frozen=True)
class _VariantSpec:
    plan: Plan
    variants: tuple[dict[int, str], ...]
    keep_impacts: bool
    # what every chunk derives from the variants: built once when chunks run in this
    # process (serial runs, threads); a worker process rebuilds it with each chunk
    derived: Derived = field(default_factory=Derived, init=False, compare=False, repr=False)


class _VariantSetup:
    """What the chunks of a variant run share: which variants touch each risk, which
    variants are dense, the single-risk layout, the kernel's tables and flags, and
    where a kernel call must stop so that the changes the analysis adds in Python
    reach the dense variants in register order."""

    def __init__(self, spec: _VariantSpec):
        plan, variants = spec.plan, spec.variants
        count = len(plan.risks)
        # every (risk, variant) pair, in variant order: whether the variant mitigates
        # the risk (or removes it)
        pair_r = np.array([r for v in variants for r in v], dtype=np.intp)
        pair_v = np.repeat(np.arange(len(variants)), [len(v) for v in variants])
        pair_m = np.array([kind == "mitigated" for v in variants for kind in v.values()],
                          dtype=bool)
        self.touched_by: list[list[int]] = [[] for _ in plan.risks]
        for r, vi in zip(pair_r.tolist(), pair_v.tolist()):
            self.touched_by[r].append(vi)
        acts = [bool(m.activities) for m in plan.risks]
        on_activities = np.array(acts, dtype=bool)
        self.dense = [len(v) > 1 or any(acts[r] for r in v) for v in variants]
        dense = np.array(self.dense, dtype=bool)
        self.single = SingleRisks(plan, pair_r, pair_v, pair_m, on_activities, dense)
        self.pre_p = np.array([m.pre.probability for m in plan.risks])
        self.post_p = np.array([m.post.probability for m in plan.risks])
        self.needs_post = np.zeros(count, dtype=bool)
        self.needs_post[pair_r[pair_m]] = True
        self.tables = KernelTables.of([[m.pre for m in plan.risks],
                                       [m.post if self.needs_post[r] else None
                                        for r, m in enumerate(plan.risks)]])
        touched = np.zeros(count, dtype=bool)
        touched[pair_r] = True
        single = self.single.single & touched
        in_dense = single[pair_r] & dense[pair_v]  # pairs whose change goes into a row
        has_dense = np.zeros(count, dtype=bool)
        has_dense[pair_r[in_dense]] = True
        exported = (touched & ~single) | (on_activities & np.array(
            [m.pre.schedule is not None for m in plan.risks], dtype=bool))
        if spec.keep_impacts:
            exported[:] = True
        self.flags = (ADD_COST | np.where(on_activities, 0, ADD_DELAY)
                      | np.where(single, SLAB, 0) | np.where(has_dense, DENSE, 0)
                      | np.where(exported, EXPORT, 0)).astype(np.int64)
        # the dense rows each single risk adds its change into, in variant order
        rows = np.cumsum(dense) - 1
        by_risk = np.argsort(pair_r[in_dense], kind="stable")
        self.dense_idx = rows[pair_v[in_dense]][by_risk].astype(np.int64)
        self.dense_ptr = np.zeros(count + 1, dtype=np.int64)
        self.dense_ptr[1:] = np.cumsum(np.bincount(pair_r[in_dense], minlength=count))
        self.python: list[int] = np.flatnonzero(exported).tolist()  # the analysis adds
        # their changes in Python; a kernel call stops after each that changes a dense
        # variant of several risks, so the changes reach it in register order
        several = dense[pair_v] & (np.array([len(v) for v in variants],
                                            dtype=np.intp)[pair_v] > 1)
        stops = np.unique(pair_r[several & ~single[pair_r]] + 1).tolist()
        edges = sorted({0, *stops, count})
        self.runs = list(zip(edges[:-1], edges[1:]))


@dataclass
class _VariantChunk:
    start: int
    stop: int
    base_cost: np.ndarray
    base_schedule: np.ndarray
    slabs: list[Slab]
    segments: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]]
    steps: int
    occurrences: np.ndarray


NetworkChange = tuple[RiskModel, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_EMPTY = (np.zeros(0, dtype=np.intp), np.zeros(0))


def _variants_chunk(spec: _VariantSpec, bar: Any, block_list: list[Block]) -> _VariantChunk:
    """The baseline and every variant over a run of whole blocks (one unit of work)."""
    plan, variants, keep_impacts = spec.plan, spec.variants, spec.keep_impacts
    bar = bar if bar is not None else Silent()
    start, stop = block_list[0][1], block_list[-1][2]
    base_cost, base_sched = np.zeros(stop - start), np.zeros(stop - start)
    setup: _VariantSetup = spec.derived.get_or_make("setup", lambda: _VariantSetup(spec))
    single = setup.single
    impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [
        [] for _ in plan.risks] if keep_impacts else []
    work = Workspace()
    # iterations in the slabs: 4 bytes where they fit (a third less memory to fill)
    position = np.int32 if plan.iterations <= np.iinfo(np.int32).max else np.intp
    log = ChangeLog(setup.dense, position)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    for block, b0, b1 in block_list:
        n = b1 - b0
        bc, bs = base_cost[b0 - start:b1 - start], base_sched[b0 - start:b1 - start]
        on_activities: OnActivities = []
        # per variant: (risk, old positions, old delays, new positions, new delays) of
        # its changed risks on activities, positions within the block
        network_changes: list[list[NetworkChange]] = [[] for _ in variants]
        log.begin(b0, n)
        if plan.risks:
            draws = BlockDraws(plan, block, n, setup.pre_p)
            k_pre, k_post = draws.counts(setup.pre_p), draws.counts(setup.post_p)
            occurrences += k_pre
            offsets = single.offsets(k_pre, k_post)
            slab = (np.empty(offsets[-1], dtype=position), np.empty(offsets[-1]),
                    np.empty(offsets[-1]) if single.sched else None)
            counts = np.zeros((len(plan.risks), 2), dtype=np.int64)
            counts[:, 0] = k_pre
            counts[:, 1] = np.where(setup.needs_post, k_post, 0)
            call = KernelCall(plan, draws, setup.tables, counts, setup.flags)
            dense = (setup.dense_ptr, setup.dense_idx, *log.stack)
            python = iter(setup.python)
            r = next(python, None)
            for r0, r1 in setup.runs:
                exports = call.run(bc, bs, (offsets, slab[0], slab[1], slab[2] if slab[2]
                                            is not None else np.zeros(0)), dense, (r0, r1))
                while r is not None and r < r1:
                    _bookkeeping(setup, variants, r, plan.risks[r], exports, int(k_pre[r]),
                                 int(counts[r, 1]), b0, log, impacts, on_activities,
                                 network_changes)
                    r = next(python, None)
            if b0:
                slab[0][:] += b0
            log.slab(*slab, *single.segments(offsets))
        if plan.network is not None:
            _network_variants(plan, block, n, bc, bs, on_activities, network_changes,
                              log, work, bar)
        else:
            bar.update()
        log.end()
    return _VariantChunk(start, stop, base_cost, base_sched, log.slabs, log.segments,
                         impacts, steps(block_list, plan.network is not None), occurrences)


def _bookkeeping(setup: _VariantSetup, variants: Sequence[Mapping[int, str]], r: int,
                 model: RiskModel, exports: Exports, kp: int, kq: int, b0: int,
                 log: ChangeLog, impacts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]],
                 on_activities: OnActivities,
                 network_changes: list[list[NetworkChange]]) -> None:
    """What risk ``r`` adds to the baseline's impacts, the network pass and the
    variants that change it, from the kernel's exports."""
    kk = int(exports.offset[r + 1] - exports.offset[r])
    if kk == 0:
        return
    order = exports.positions_of(r, kk)
    pre_cost, pre_sched = exports.of(r, kp, 0), exports.of(r, kp, 1)
    has_cost, has_sched = model.pre.cost is not None, model.pre.schedule is not None
    if impacts and kp:
        impacts[r].append((order[:kp] + b0, pre_cost.copy(), pre_sched.copy()))
    if has_sched and model.activities and kp:
        by_position = np.argsort(order[:kp])
        on_activities.append((model, order[:kp][by_position], pre_sched[by_position]))
    for vi in setup.touched_by[r] if not setup.single.single[r] else ():
        mitigated = variants[vi][r] == "mitigated"
        kq_v = kq if mitigated else 0
        post_cost = exports.of(r, kq_v, 2) if model.post.cost is not None else None
        post_sched = exports.of(r, kq_v, 3) if model.post.schedule is not None else None
        if not model.activities:
            m = max(kp, kq_v)
            if mitigated:
                cost, sched = exports.of(r, m, 4), exports.of(r, m, 5)
            else:  # the zero-padded nothing minus the baseline's impacts
                cost = np.subtract(0.0, pre_cost) if has_cost else np.zeros(m)
                sched = np.subtract(0.0, pre_sched) if has_sched else np.zeros(m)
            log.add(vi, order[:m], cost, sched)
            continue
        if has_cost:
            log.add(vi, order[:kp], -pre_cost)
        if post_cost is not None and mitigated:
            log.add(vi, order[:kq_v], post_cost)
        old = _EMPTY if not has_sched else (order[:kp], pre_sched)
        new = _EMPTY if post_sched is None or not mitigated else (order[:kq_v], post_sched)
        network_changes[vi].append((model, *old, *new))


def _network_variants(plan: Plan, block: int, n: int, bc: np.ndarray, bs: np.ndarray,
                      on_activities: OnActivities, network_changes: list[list[NetworkChange]],
                      log: ChangeLog, work: Workspace, bar: Any) -> None:
    """Baseline network pass for the block, then each variant that changes a risk on
    activities: only downstream activities, only in the iterations the change touches."""
    net = plan.network
    assert net is not None
    network = net.network
    durations = Durations(plan, block)
    subsets = {}
    for vi, ch in enumerate(network_changes):
        acts = sorted({a for model, *_ in ch for a in model.activities})
        if acts:
            positions = np.unique(np.concatenate(
                [np.concatenate([old, new]) for _, old, _, new, _ in ch]))
            subsets[vi] = (acts, positions)
    affected = sorted({a for v in subsets.values() for a in v[0]})
    effects = ActivityEffects(plan, block, n) if ActivityEffects.needed(plan) else None
    for s0 in range(0, n, SUB_BLOCK):
        s1 = min(n, s0 + SUB_BLOCK)
        d = durations.sample(s1 - s0, work)
        if effects is not None:
            effects.scale(d, s0, s1)
        # durations of the activities a variant changes: sampled + every baseline delay,
        # before the clamp at zero (a variant swaps its own risk's delays in and out)
        unclamped = {a: d[a].astype(float) for a in affected}
        whole = np.arange(s1 - s0)
        for model, pos, values in on_activities:
            _add_delays_to_rows(unclamped, model, pos, values, s0, s1, 1.0, whole)
        add_activity_delays(d, on_activities, s0, s1)
        if effects is not None:
            for a, lost in effects.settle(d, s0, s1, network, work).items():
                if a in unclamped:
                    unclamped[a] += lost
            change = effects.cost_change(d, effects.cost_factors(s0, s1))
            if change is not None:
                bc[s0:s1] += change
        for r0 in range(0, d.shape[0], 256):
            bc[s0:s1] += net.cost_per_day[r0:r0 + 256] @ d[r0:r0 + 256].astype(float)
        ef, es = network.forward_with_starts(d, work)
        base_finish = network.project_finish(ef)
        bs[s0:s1] += base_finish
        if subsets:  # the variants' passes read one iteration's values together
            by_iteration = network.by_iteration(d, ef, es, work)
        for vi, (acts, positions) in subsets.items():
            lo, hi = np.searchsorted(positions, [s0, s1])
            if hi <= lo:
                continue
            cols = positions[lo:hi] - s0
            index = np.full(s1 - s0, -1, dtype=np.intp)
            index[cols] = np.arange(cols.size)
            rows = {a: unclamped[a][cols] for a in acts}
            for model, old_pos, old_val, new_pos, new_val in network_changes[vi]:
                for pos, val, sign in ((old_pos, old_val, -1.0), (new_pos, new_val, 1.0)):
                    by_position = np.argsort(pos)
                    _add_delays_to_rows(rows, model, pos[by_position], val[by_position], s0,
                                        s1, sign, index)
            new_rows = {a: np.maximum(row, 0.0).astype(d.dtype) for a, row in rows.items()}
            if effects is not None:  # a missing activity stays missing in every variant
                for a, row in new_rows.items():
                    exists = effects.exists_at(a, cols + s0)
                    if exists is not None:
                        row *= exists
            finish = network.overlay_finish(new_rows, *by_iteration, base_finish, cols)
            cost_delta = np.zeros(cols.size)
            for a, row in new_rows.items():
                cost_delta += net.cost_per_day[a] * (row.astype(float) - d[a, cols])
            log.add(vi, cols + s0, cost_delta, finish.astype(float) - base_finish[cols])
        bar.update()


def _add_delays_to_rows(rows: dict[int, np.ndarray], model: RiskModel, pos: np.ndarray,
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
