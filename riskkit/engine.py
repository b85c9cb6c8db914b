"""Monte Carlo simulation of a risk register: ``simulate``.

Sparse by design: in each block a risk draws *which* iterations it occurs in (exactly
stratified under Latin hypercube sampling), then draws impacts only for those. The cost
is proportional to the expected number of occurrences, not to risks x iterations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .exceptions import InputError, OptionError, Problem
from .register import RiskParams, RiskRegister, _check_scenario
from .result import SimulationResult
from .sampling import (
    BLOCK_SIZE,
    RISK_STREAM,
    Sampling,
    Seed,
    blocks,
    make_seed,
    occurrence_counts,
    restricted_ranks,
)

__all__ = ["simulate"]


@dataclass(frozen=True)
class _RiskModel:
    """One risk as the sampler sees it: its scenario, plus what fixes its draw counts.

    ``p_draw`` is the largest probability the risk has in any scenario, so every
    scenario's occurrences are a prefix of the same ordered draw; ``cost_any`` and
    ``schedule_any`` say whether any scenario has that impact, so the streams are
    consumed identically whichever scenario runs (common random numbers).
    """

    params: RiskParams
    p_draw: float
    cost_any: bool
    schedule_any: bool


@dataclass(frozen=True)
class _Plan:
    risks: tuple[_RiskModel, ...]
    sampling: Sampling
    iterations: int
    seed: Seed


@dataclass
class _ChunkOut:
    start: int
    cost: np.ndarray
    schedule: np.ndarray
    occurrences: np.ndarray


def _models(register: RiskRegister, scenario: str) -> tuple[_RiskModel, ...]:
    pre = register.risks("current")
    post = register.risks("mitigated")
    chosen = post if scenario == "mitigated" else pre
    return tuple(
        _RiskModel(c, max(a.probability, b.probability),
                   a.cost is not None or b.cost is not None,
                   a.schedule is not None or b.schedule is not None)
        for c, a, b in zip(chosen, pre, post))


_SCALE32 = 1.0 / float(2**32)
_SHIFT32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


class _Buffers:
    """Scratch arrays reused across the risks of a block (no per-risk allocation)."""

    def __init__(self, n: int):
        self.ramp = np.arange(n, dtype=float)
        self.words = np.empty(n, dtype=np.uint64)
        self.u = np.empty(n)

    def uniforms(self, raw: np.ndarray, k: int, high: bool, lhs: bool) -> np.ndarray:
        """Uniforms from 32 bits of each of the first k raw words (high or low half).

        With ``lhs`` they are the stratified ``(j + U_j) / k``, ascending. 32 bits are
        ample: a jitter only places a draw inside its stratum, or (random sampling)
        resolves probabilities to 2.3e-10.
        """
        words, u = self.words[:k], self.u[:k]
        if high:
            np.right_shift(raw[:k], _SHIFT32, out=words)
        else:
            np.bitwise_and(raw[:k], _LOW32, out=words)
        np.multiply(words, _SCALE32, out=u)
        if lhs:
            u += self.ramp[:k]
            u *= 1.0 / k
        return u


def _run_block(plan: _Plan, block: int, n: int, cost: np.ndarray, schedule: np.ndarray,
               occurrences: np.ndarray) -> None:
    """Add every risk's impacts in one block to ``cost`` and ``schedule`` (length n)."""
    lhs = plan.sampling is Sampling.LHS
    gens = [plan.seed.stream(block, RISK_STREAM, i) for i in range(len(plan.risks))]
    v = np.array([g.random() for g in gens])
    p_draw = np.array([r.p_draw for r in plan.risks])
    p_run = np.array([r.params.probability for r in plan.risks])
    k_draw = occurrence_counts(v, n, p_draw, plan.sampling)
    k_run = np.minimum(occurrence_counts(v, n, p_run, plan.sampling), k_draw)
    occurrences += k_run
    buf = _Buffers(n)
    add_at = np.add.at
    for model, g, big_k, k in zip(plan.risks, gens, k_draw.tolist(), k_run.tolist()):
        if big_k == 0 or not (model.cost_any or model.schedule_any):
            continue
        # What is drawn depends on big_k and the *_any flags alone, never on the
        # scenario, so every scenario sees the same random numbers; a scenario with a
        # lower probability keeps a prefix of the same occurrences.
        order = g.choice(n, big_k, replace=False)
        perm = g.choice(big_k, big_k, replace=False) if lhs and model.schedule_any else None
        raw = g.bit_generator.random_raw(big_k)
        if k == 0:
            continue
        occ = order[:k]
        dist = model.params.cost
        if dist is not None:
            if dist.is_fixed:
                add_at(cost, occ, dist.mean)
            else:
                u = buf.uniforms(raw, k, True, lhs)
                add_at(cost, occ, dist.ppf(u, sorted=lhs, out=u))
        dist = model.params.schedule
        if dist is not None:
            if dist.is_fixed:
                add_at(schedule, occ, dist.mean)
            elif lhs:
                assert perm is not None
                # Strata are evaluated in ascending order, then dealt to the
                # occurrences through an independent random permutation.
                u = buf.uniforms(raw, k, False, True)
                values = dist.ppf(u, sorted=True, out=u)
                add_at(schedule, occ, values[restricted_ranks(perm, k)])
            else:
                u = buf.uniforms(raw, k, False, False)
                add_at(schedule, occ, dist.ppf(u, out=u))


def _run_chunk(plan: _Plan, block_list: list[tuple[int, int, int]]) -> _ChunkOut:
    start = block_list[0][1]
    stop = block_list[-1][2]
    cost = np.zeros(stop - start)
    schedule = np.zeros(stop - start)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    for block, b0, b1 in block_list:
        _run_block(plan, block, b1 - b0, cost[b0 - start:b1 - start],
                   schedule[b0 - start:b1 - start], occurrences)
    return _ChunkOut(start, cost, schedule, occurrences)


def _check_iterations(iterations: object) -> int:
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations, (int, np.integer)):
        raise OptionError("iterations", iterations, "a whole number >= 1")
    if iterations < 1:
        raise OptionError("iterations", iterations, "a whole number >= 1")
    return int(iterations)


def simulate(
    register: RiskRegister | None = None,
    *,
    iterations: int = 10_000,
    rng: None | int | np.random.SeedSequence | np.random.Generator = None,
    sampling: str = "lhs",
    scenario: str = "current",
    chunk_size: int | None = None,
) -> SimulationResult:
    """Simulate the cost and schedule exposure of a risk register.

    Each iteration, every active risk occurs with its probability; if it occurs, its
    cost and schedule impacts are drawn independently from their distributions. Cost is
    the sum of occurring cost impacts (plus the mitigation costs in the ``mitigated``
    scenario); schedule is the sum of occurring delays, in days.

    Parameters
    ----------
    register : RiskRegister
        From :func:`riskkit.read_register`. Closed risks are left out and reported.
    iterations : int, default 10,000
    rng : None, int, SeedSequence or Generator
        Seed (SPEC 7). The same seed gives identical numbers for any ``chunk_size``.
    sampling : {"lhs", "random"}
        Latin hypercube (stratified occurrences and impacts, per block of 65,536
        iterations) or plain Monte Carlo.
    scenario : {"current", "mitigated"}
        ``mitigated`` replaces pre-mitigation values by post-mitigation ones and adds
        each mitigation's cost. Both scenarios use the same random numbers.
    chunk_size : int, optional
        Iterations per unit of work, rounded up to whole blocks of 65,536.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> res = rk.simulate(reg, iterations=5_000, rng=42)
    >>> res.summary().columns.tolist()
    ['base', 'mean', 'std', 'p10', 'p50', 'p80', 'p90']
    """
    if register is None:
        raise InputError(Problem("simulate needs a risk register"))
    if not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    iterations = _check_iterations(iterations)
    sampling_ = Sampling.parse(sampling)
    scenario = _check_scenario(scenario)
    if chunk_size is not None:
        chunk_size = _check_iterations(chunk_size)
    seed = make_seed(rng)
    plan = _Plan(_models(register, scenario), sampling_, iterations, seed)

    per_chunk = max(1, math.ceil((chunk_size or BLOCK_SIZE) / BLOCK_SIZE))
    all_blocks = blocks(iterations)
    cost = np.empty(iterations)
    schedule = np.empty(iterations)
    occurrences = np.zeros(len(plan.risks), dtype=np.int64)
    for i in range(0, len(all_blocks), per_chunk):
        out = _run_chunk(plan, all_blocks[i:i + per_chunk])
        cost[out.start:out.start + out.cost.size] = out.cost
        schedule[out.start:out.start + out.schedule.size] = out.schedule
        occurrences += out.occurrences

    mitigation_cost = 0.0
    if scenario == "mitigated":
        mitigation_cost = float(register.mitigation_costs().sum())
        cost += mitigation_cost
    return SimulationResult(
        cost=cost, schedule=schedule, iterations=iterations, seed=seed.reported,
        sampling=sampling_.value, scenario=scenario,
        risk_ids=tuple(r.params.id for r in plan.risks),
        probabilities=np.array([r.params.probability for r in plan.risks]),
        occurrences=occurrences, mitigation_cost=mitigation_cost,
        excluded=register.closed_ids, source=register.source)
