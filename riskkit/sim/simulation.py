"""``simulate``: a register and/or a schedule, Monte Carlo, into a SimulationResult.

A run is cut into blocks of iterations; each block samples its risks (sparsely: only
where they occur), then, with a schedule, draws the activity durations slice by slice,
adds the delays of risks on activities and runs the CPM passes. Chunks of blocks run
here or on an executor (:mod:`.runner`) with identical numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._progress import Silent
from ..cpm import Workspace
from ..exceptions import InputError, OptionError, Problem
from ..model import Calendar, RiskRegister, Schedule, check_scenario, parse_day, target_day
from ..phasing import RiskCosts
from ..result import SimulationResult
from ..seeds import BLOCK_SIZE
from .durations import SUB_BLOCK, Durations, add_activity_delays
from .effects import ActivityEffects, costed_rows
from .options import RunOptions, Sampling
from .plan import Plan, build_plan
from .risks import OnActivities, sample_risks
from .runner import Block, run_chunks, steps

__all__ = ["simulate"]


@dataclass
class _ChunkOut:
    start: int
    cost: np.ndarray
    schedule: np.ndarray
    occurrences: np.ndarray
    critical: np.ndarray = field(default_factory=lambda: np.zeros(0))
    finish_sum: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: the finish of the key activities (milestones, deadlines), (keys, iterations)
    key_finish: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    #: with activity detail, every activity's duration and finish, (activities, iterations)
    durations: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    finishes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    starts: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    #: with activity detail, the cost factors of :func:`~.effects.costed_rows`
    cost_factors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: with activity detail, each occurrence's cost: (risk, iterations in the chunk, costs)
    risk_costs: list = field(default_factory=list)
    steps: int = 0


def _run_network(plan: Plan, block: int, n: int, cost: np.ndarray, schedule: np.ndarray,
                 on_activities: OnActivities, critical: np.ndarray, finish_sum: np.ndarray,
                 key_finish: np.ndarray, work: Workspace, bar: Any,
                 detail: tuple[np.ndarray, ...] | None = None) -> None:
    """Durations, risk delays on activities, time-dependent cost and the CPM passes of
    one block, slice by slice."""
    net = plan.network
    assert net is not None
    network = net.network
    durations = Durations(plan, block)
    effects = ActivityEffects(plan, block, n) if ActivityEffects.needed(plan) else None
    for s0 in range(0, n, SUB_BLOCK):
        s1 = min(n, s0 + SUB_BLOCK)
        d = durations.sample(s1 - s0, work)
        if effects is not None:
            effects.scale(d, s0, s1)
        add_activity_delays(d, on_activities, s0, s1)
        if effects is not None:
            effects.settle(d, s0, s1, network, work)
            factors = effects.cost_factors(s0, s1)
            change = effects.cost_change(d, factors)
            if change is not None:
                cost[s0:s1] += change
        for r0 in range(0, d.shape[0], 256):  # float64 sums, small temporaries
            cost[s0:s1] += net.cost_per_day[r0:r0 + 256] @ d[r0:r0 + 256].astype(float)
        passes = network.passes(d, backward=net.criticality, work=work)
        schedule[s0:s1] += passes.finish
        finish_sum += passes.finish_sums()
        if key_finish.shape[0]:
            key_finish[:, s0:s1] = passes.finish_of(net.key_rows)
        if detail is not None:
            if effects is not None and effects.costed.size:
                detail[3][:, s0:s1] = factors
            detail[0][:, s0:s1] = d
            detail[1][:, s0:s1] = passes.finish_of(np.arange(d.shape[0]))
            detail[2][:, s0:s1] = passes.early_start
        if net.criticality:
            critical += passes.critical_counts()
            if effects is not None:
                for a, count in effects.missing_critical(passes, s0, s1).items():
                    critical[a] -= count
        bar.update()


def _run_chunk(plan: Plan, bar: Any, block_list: list[Block]) -> _ChunkOut:
    """The totals of a run of whole blocks (one unit of work)."""
    bar = bar if bar is not None else Silent()
    start, stop = block_list[0][1], block_list[-1][2]
    n_act = len(plan.network.keys) if plan.network else 0
    n_key = len(plan.network.key) if plan.network else 0
    out = _ChunkOut(start, np.zeros(stop - start), np.zeros(stop - start),
                    np.zeros(len(plan.risks), dtype=np.int64),
                    np.zeros(n_act, dtype=np.int64), np.zeros(n_act),
                    np.zeros((n_key, stop - start), dtype=np.float32))
    if plan.network is not None and plan.network.detail:
        out.durations = np.zeros((n_act, stop - start), dtype=np.float32)
        out.finishes = np.zeros((n_act, stop - start), dtype=np.float32)
        out.starts = np.zeros((n_act, stop - start), dtype=np.float32)
        out.cost_factors = np.ones((costed_rows(plan).size, stop - start))
    work = Workspace()
    for block, b0, b1 in block_list:
        n, o = b1 - b0, b0 - start
        cost, sched = out.cost[o:o + n], out.schedule[o:o + n]
        costs: list | None = [] if plan.network is not None and plan.network.detail else None
        on_activities = sample_risks(plan, block, n, cost, sched, out.occurrences, costs)
        out.risk_costs += [(r, at + o, c) for r, at, c in costs or ()]
        if plan.network is not None:
            detail = ((out.durations[:, o:o + n], out.finishes[:, o:o + n],
                       out.starts[:, o:o + n], out.cost_factors[:, o:o + n])
                      if plan.network.detail else None)
            _run_network(plan, block, n, cost, sched, on_activities, out.critical,
                         out.finish_sum, out.key_finish[:, o:o + n], work, bar, detail)
        else:
            bar.update()
    out.steps = steps(block_list, plan.network is not None)
    return out


def simulate(
    register: RiskRegister | None = None,
    schedule: Schedule | None = None,
    *,
    options: RunOptions | None = None,
    iterations: int | str | None = None,
    rng: Any = None,
    sampling: str | None = None,
    scenario: str = "current",
    chunk_size: int | None = None,
    start: Any = None,
    holidays: Sequence[Any] | None = None,
    calendar: Calendar | None = None,
    criticality: bool = True,
    activity_detail: bool = False,
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
    options : RunOptions, optional
        Iterations, seed, sampling, correlation, progress and where to run, as one
        value; the keyword arguments of the same names override it.
    iterations : int or "auto", default 10,000
        ``"auto"`` doubles the run, in whole blocks of 65,536 iterations, until the
        standard error of the P80 of cost and schedule is within ``tolerance`` (relative)
        or ``max_iterations`` is reached; the numbers equal an explicit run of the
        iterations it stopped at.
    rng : None, int, SeedSequence or Generator
        Seed (SPEC 7). The same seed gives identical numbers for any ``chunk_size``;
        the result keeps its ``seed_sequence`` for the runs that follow from it.
    sampling : {"lhs", "random"}
        Latin hypercube (stratified occurrences, impacts and durations) or plain Monte
        Carlo.
    scenario : {"current", "mitigated"}
        ``mitigated`` replaces pre-mitigation values by post-mitigation ones and adds
        each mitigation's cost. Both scenarios use the same random numbers.
    chunk_size : int, optional
        Iterations per unit of work, rounded up to whole blocks of 65,536.
    start : date or ISO string, optional
        Project start: finish dates are then reported on the ``calendar``. A start on a
        non-working day is moved to the next working day, with a warning; for a date
        such as ``04/01/2027`` pass ``riskkit.model.parse_day("04/01/2027", dayfirst=True)``.
        Default: the schedule's own start (a P6 file's data date), if it has one.
    holidays : list of dates, optional
        Non-working days of a Monday-Friday calendar (or give ``calendar``).
    calendar : Calendar, optional
        The working days of the finish dates (default: the schedule's, or Monday to
        Friday with ``holidays``).
    criticality : bool, default True
        Count how often each activity is critical (needs a backward pass).
    activity_detail : bool, default False
        Keep every activity's duration, finish and start in every iteration (float32,
        12 bytes per activity and iteration: 480 MB for 4,000 activities at 10,000
        iterations) and every risk occurrence's cost, for
        :meth:`~riskkit.SimulationResult.activity_sensitivity` (each activity's P50/P80
        finish, duration sensitivity, cruciality, schedule sensitivity index),
        :meth:`~riskkit.SimulationResult.merge_bias` and
        :meth:`~riskkit.SimulationResult.cash_flow`.
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
        square DataFrame over risk or activity ids. See :class:`riskkit.Correlation`.

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
    options = RunOptions.of(options, iterations=iterations, rng=rng, sampling=sampling,
                            chunk_size=chunk_size, progress=progress, executor=executor,
                            workers=workers, correlation=correlation)
    _check_inputs(register, schedule)
    scenario = check_scenario(scenario)
    if start is not None and schedule is None:
        raise OptionError("start", start, "given together with a schedule (finish dates "
                          "come from the network)")
    if start is None and schedule is not None:
        start = schedule.start  # a planning tool's data date; None for a CSV schedule
    start_day = parse_day(start, "start") if start is not None else None
    if calendar is None:
        calendar = Calendar.of(
            holidays, default=schedule.calendar if schedule is not None else None)
    if start_day is not None:
        start_day = calendar.start_day(start_day)  # a weekend start: the next working day
    if options.iterations == "auto":
        return _simulate_auto(register, schedule, options, tolerance, max_iterations,
                              scenario=scenario, start=start_day, calendar=calendar,
                              criticality=criticality, activity_detail=activity_detail)
    plan = build_plan(register, schedule, scenario, options, criticality=criticality,
                      activity_detail=activity_detail)
    return _run(plan, register, schedule, options, scenario, start_day, calendar)


def run_totals(plan: Plan, options: RunOptions, label: str = "variants"
               ) -> tuple[np.ndarray, np.ndarray]:
    """Per iteration, the cost (without the schedule's fixed cost) and finish of a run
    of ``plan``: what a variant run re-simulates exactly, on the same draws."""
    cost, sched = np.empty(plan.iterations), np.empty(plan.iterations)
    n_act = len(plan.network.keys) if plan.network is not None else 0
    work = plan.iterations * (len(plan.risks) * 0.3 + n_act * 4)
    for out in run_chunks(_run_chunk, plan, options, plan.iterations, label=label,
                          network=plan.network is not None, work=work):
        cost[out.start:out.start + out.cost.size] = out.cost
        sched[out.start:out.start + out.schedule.size] = out.schedule
    return cost, sched


def _check_inputs(register: object, schedule: object) -> None:
    if register is None and schedule is None:
        raise InputError(Problem("simulate needs a risk register, a schedule or both"))
    if register is not None and not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    if schedule is not None and not isinstance(schedule, Schedule):
        raise OptionError("schedule", type(schedule).__name__,
                          "a Schedule from riskkit.read_schedule")


def _run(plan: Plan, register: RiskRegister | None, schedule: Schedule | None,
         options: RunOptions, scenario: str, start: np.datetime64 | None,
         calendar: Calendar) -> SimulationResult:
    iterations = plan.iterations
    n_act = len(schedule) if schedule is not None else 0
    cost, sched = np.empty(iterations), np.empty(iterations)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    critical = np.zeros(n_act, dtype=np.int64)
    finish_sum = np.zeros(n_act)
    keys = plan.network.key if plan.network is not None else ()
    key_finish = np.empty((len(keys), iterations), dtype=np.float32)
    detail = plan.network is not None and plan.network.detail
    durations = np.empty((n_act if detail else 0, iterations), dtype=np.float32)
    finishes = np.empty((n_act if detail else 0, iterations), dtype=np.float32)
    starts = np.empty((n_act if detail else 0, iterations), dtype=np.float32)
    costed = costed_rows(plan) if detail else np.zeros(0, dtype=np.intp)
    cost_factors = np.ones((costed.size, iterations))
    risk_costs: list = []
    work = iterations * (len(plan.risks) * 0.3 + n_act * 4)
    for out in run_chunks(_run_chunk, plan, options, iterations, label="simulate",
                          network=plan.network is not None, work=work):
        cost[out.start:out.start + out.cost.size] = out.cost
        sched[out.start:out.start + out.schedule.size] = out.schedule
        occurrences += out.occurrences
        critical += out.critical
        finish_sum += out.finish_sum
        key_finish[:, out.start:out.start + out.cost.size] = out.key_finish
        if detail:
            durations[:, out.start:out.start + out.cost.size] = out.durations
            finishes[:, out.start:out.start + out.cost.size] = out.finishes
            starts[:, out.start:out.start + out.cost.size] = out.starts
            cost_factors[:, out.start:out.start + out.cost.size] = out.cost_factors
            risk_costs += [(r, at + out.start, c) for r, at, c in out.risk_costs]
    base_cost = base_schedule = 0.0
    if plan.network is not None and schedule is not None:
        cost += plan.network.fixed_cost
        base_cost, base_schedule = schedule.base_cost(), schedule.duration()
    mitigation_cost = 0.0
    if scenario == "mitigated" and register is not None:
        mitigation_cost = float(register.mitigation_costs().sum())
        cost += mitigation_cost
    return SimulationResult(
        cost=cost, schedule=sched, iterations=iterations, seed_sequence=plan.seed,
        sampling=plan.sampling.value, scenario=scenario, risk_ids=plan.ids,
        probabilities=np.array([r.run.probability for r in plan.risks]),
        occurrences=occurrences, base_cost=base_cost, base_schedule=base_schedule,
        mitigation_cost=mitigation_cost,
        excluded=register.excluded_ids if register is not None else (),
        source=register.source if register is not None else schedule.source,  # type: ignore[union-attr]
        activity_ids=schedule.ids if schedule is not None else (),
        activity_names=(tuple(a.name or "" for a in schedule.activities)
                        if schedule is not None else ()),
        criticality=(critical / iterations if plan.network is not None
                     and plan.network.criticality else np.full(n_act, np.nan)),
        mean_finish=finish_sum / iterations, start=start, calendar=calendar,
        has_schedule=schedule is not None, block_size=BLOCK_SIZE,
        correlation=plan.correlation.description,
        currency=register.currency if register is not None else None,
        metrics=modelled_metrics(register, schedule, scenario),
        milestones=schedule.milestones if schedule is not None else (),
        key_activities=keys, key_finish=key_finish,
        activity_durations=durations, activity_finishes=finishes, activity_starts=starts,
        activity_cost_factors=(costed, cost_factors) if costed.size else None,
        risk_costs=(RiskCosts.of(risk_costs, plan.ids, [r.activities for r in plan.risks])
                    if detail else None),
        network_input=schedule,
        deadline=target_day(schedule.must_finish_by) if schedule is not None else None)


def modelled_metrics(register: RiskRegister | None, schedule: Schedule | None,
                     scenario: str = "current") -> tuple[str, ...]:
    """The metrics the inputs speak of: cost when a risk has a cost impact, a
    mitigation costs something (mitigated scenario) or the schedule has costs; schedule
    when there is a schedule or a risk has a schedule impact. The other one is 0 in every
    iteration."""
    risks = register.active_risks if register is not None else ()
    exposures = [r.exposure(scenario) for r in risks]
    cost = any(e.cost is not None for e in exposures) or (
        schedule is not None and bool(np.any(schedule.cost_per_day) or
                                      np.any(schedule.fixed_cost))) or (
        scenario == "mitigated" and any(r.mitigation_cost for r in risks))
    delay = schedule is not None or any(e.schedule is not None for e in exposures)
    return tuple(m for m, on in (("cost", cost), ("schedule", delay)) if on)


def _simulate_auto(register: RiskRegister | None, schedule: Schedule | None,
                   options: RunOptions, tolerance: float, max_iterations: int,
                   **settings: Any) -> SimulationResult:
    """Double the run until the P80s converge; blocks make every run a prefix of the
    next, so the result equals an explicit run of its final size."""
    from .options import check_iterations

    if not (isinstance(tolerance, (int, float)) and 0 < tolerance < 1):
        raise OptionError("tolerance", tolerance, "a relative error between 0 and 1")
    max_iterations = check_iterations(max_iterations, "max_iterations")
    lhs = Sampling.parse(options.sampling) is Sampling.LHS
    n = min(max_iterations, (10 if lhs else 2) * BLOCK_SIZE)
    scenario, start, calendar = settings["scenario"], settings["start"], settings["calendar"]
    while True:
        opts = options.replace(iterations=n)
        plan = build_plan(register, schedule, scenario, opts,
                          criticality=settings["criticality"],
                          activity_detail=settings["activity_detail"])
        res = _run(plan, register, schedule, opts, scenario, start, calendar)
        if res.converged(tolerance) or n >= max_iterations:
            return res
        n = min(max_iterations, 2 * n)
