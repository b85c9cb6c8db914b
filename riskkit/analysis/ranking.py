"""Which mitigations pay: the ranking of single mitigations (selections of several:
:mod:`.selection`).

Both are computed from variants of the baseline simulated on common random numbers
(:func:`riskkit.sim.simulate_variants`): a mitigation that changes nothing shows a
reduction of exactly 0, and differences between mitigations carry no sampling noise
from the risks they leave alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..model import RiskRegister, Schedule
from ..sim import RunOptions, simulate_variants
from . import columns as C
from .reductions import VariantEffects
from .results import Baseline, MitigationSet, Ranking

__all__ = ["knapsack", "order", "rank_mitigations"]


def check_percentile(q: object, name: str = "percentile") -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float, np.floating)) or not 0 < q < 1:
        raise OptionError(name, q, "a probability strictly between 0 and 1, e.g. 0.8")
    return float(q)


def check_value_per_day(value: object) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
            not math.isfinite(value) or value < 0:
        raise OptionError("value_per_day", value, "a non-negative amount per working day")
    return float(value)


def order(frame: pd.DataFrame) -> pd.DataFrame:
    """Free mitigations with a positive benefit first, then the others by benefit/cost
    ratio descending (ties by net benefit), then free ones without benefit; stable."""
    cost = frame[C.MITIGATION_COST].to_numpy(dtype=float)
    free = cost <= 0
    positive = frame[C.TOTAL_BENEFIT].to_numpy(dtype=float) > 0
    group = np.where(free & positive, 0, np.where(free, 2, 1))
    ratio = frame[C.BENEFIT_COST_RATIO].to_numpy(dtype=float)
    ratio = np.where(np.isnan(ratio), -np.inf, ratio)
    net = frame[C.NET_BENEFIT].to_numpy(dtype=float)
    return frame.iloc[np.lexsort((-net, -ratio, group))]


def rank_mitigations(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    options: RunOptions | None = None,
    value_per_day: float | None = None,
    percentile: float = 0.8,
    **run: Any,
) -> Ranking:
    """Rank mitigations by value for money, each against the unmitigated baseline.

    One row per active risk with a mitigation (a text, a cost or any post-mitigation
    value). Each row is that risk alone mitigated, on the baseline's random numbers:

    - ``expected_cost_reduction``: mean(baseline cost - variant cost), gross of the
      mitigation cost; ``p80_cost_reduction``: P80(baseline) - P80(variant). Delay alike
      (working days). The ``p80`` columns use ``percentile``.
    - ``total_benefit`` = expected cost reduction + ``value_per_day`` x expected delay
      reduction; ``net_benefit`` = total benefit - mitigation cost;
      ``benefit_cost_ratio`` = total benefit / mitigation cost (NaN when free).
    - Order: free mitigations with a positive benefit first, then benefit/cost ratio
      descending, ties by net benefit.

    ``options`` (or the keyword arguments of :class:`riskkit.RunOptions`: iterations,
    rng, sampling, progress, executor, workers, correlation) say how to run.
    ``Ranking.all_mitigations`` holds the same figures for every mitigation together,
    simulated as one variant (interactions included).

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> ranking = rk.rank_mitigations(reg, iterations=2_000, rng=1)
    >>> [int(r) for r in ranking.column("rank")[:3]]
    [1, 2, 3]
    """
    q = check_percentile(percentile)
    vpd = check_value_per_day(value_per_day)
    options = RunOptions.of(options, **run)
    active = register.active_risks
    chosen = [r for r in active if r.has_mitigation]
    variants = [{r.id: "mitigated"} for r in chosen]
    variants.append({r.id: "mitigated" for r in chosen})
    result = simulate_variants(register, schedule, variants, options=options,
                               label="rank mitigations")
    effects = VariantEffects.of(result, q)
    own = np.array([r.mitigation_cost or 0.0 for r in chosen])
    cost_mean, delay_mean = effects.expected_cost[:-1], effects.expected_delay[:-1]
    benefit = cost_mean + vpd * delay_mean
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(own > 0, benefit / np.where(own > 0, own, 1.0), np.nan)
    table = pd.DataFrame({
        C.ID: [r.id for r in chosen], C.TITLE: [r.title for r in chosen],
        C.OWNER: [r.owner for r in chosen], C.MITIGATION: [r.mitigation for r in chosen],
        C.MITIGATION_COST: own, C.EXPECTED_COST_REDUCTION: cost_mean,
        C.cost_reduction(q): effects.percentile_cost[:-1],
        C.EXPECTED_DELAY_REDUCTION: delay_mean,
        C.delay_reduction(q): effects.percentile_delay[:-1],
        C.TOTAL_BENEFIT: benefit, C.NET_BENEFIT: benefit - own, C.BENEFIT_COST_RATIO: ratio,
    })
    table = order(table).reset_index(drop=True)
    table.insert(0, C.RANK, np.arange(1, len(table) + 1))
    base_cost, base_sched = result.base_cost, result.base_schedule
    baseline = Baseline(q, float(base_cost.mean()), float(np.percentile(base_cost, 100 * q)),
                        float(base_sched.mean()), float(np.percentile(base_sched, 100 * q)))
    everything = MitigationSet(tuple(r.id for r in chosen), float(own.sum()),
                               effects.effect(len(variants) - 1), vpd)
    return Ranking(table[list(C.ranking_columns(q))], everything, baseline,
                   result.iterations, q, vpd, result.seed_sequence,  # type: ignore[arg-type]
                   result.sampling)


def knapsack(values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray,
             capacity: float) -> np.ndarray:
    """Exact 0/1 knapsack by branch and bound (items sorted by value density, bounded
    by the fractional relaxation). Items with no positive value are never chosen; free
    items with a positive value always are. Returns a boolean mask."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    chosen = np.zeros(values.size, dtype=bool)
    free = (weights <= 0) & (values > 0)
    chosen[free] = True
    items = [i for i in range(values.size) if weights[i] > 0 and values[i] > 0
             and weights[i] <= capacity]
    items.sort(key=lambda i: values[i] / weights[i], reverse=True)
    v = [values[i] for i in items]
    w = [weights[i] for i in items]
    best_value, best_set = 0.0, []

    def bound(k: int, room: float, value: float) -> float:
        for j in range(k, len(items)):
            if w[j] <= room:
                room -= w[j]
                value += v[j]
            else:
                return value + v[j] * room / w[j]
        return value

    stack: list[tuple[int, float, float, list[int]]] = [(0, capacity, 0.0, [])]
    while stack:
        k, room, value, taken = stack.pop()
        if value > best_value + 1e-9:
            best_value, best_set = value, taken
        if k == len(items) or bound(k, room, value) <= best_value + 1e-9:
            continue
        stack.append((k + 1, room, value, taken))          # without item k
        if w[k] <= room:
            stack.append((k + 1, room - w[k], value + v[k], [*taken, k]))  # with it
    for j in best_set:
        chosen[items[j]] = True
    return chosen
