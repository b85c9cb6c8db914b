"""Which risks drive the outcome: Hulett's risk removal, and rank correlations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from ..exceptions import OptionError
from ..model import RiskRegister, Schedule
from ..sim import RunOptions, simulate_variants
from ..sim.changes import VariantRun
from . import columns as C
from .ranking import check_percentile
from .reductions import VariantEffects
from .results import Drivers

__all__ = ["drivers_of", "removal_run", "risk_drivers"]

_METRICS = {"cost": "cost", "schedule": "schedule", "delay": "schedule", "duration": "schedule"}


def risk_drivers(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    options: RunOptions | None = None,
    percentile: float = 0.8,
    metric: str = "cost",
    **run: Any,
) -> Drivers:
    """Per risk, what removing it alone changes, and how it correlates with the totals.

    The risk-removal method (Hulett; Safran Risk): each active risk is removed on its
    own, on the baseline's random numbers. Columns (reductions are baseline minus
    without the risk): ``expected_cost_reduction``, ``p80_cost_reduction``,
    ``expected_delay_reduction``, ``p80_delay_reduction``; ``cost_spearman`` and
    ``schedule_spearman``, the rank correlation of the risk's impact (0 when it does not
    occur) with the total; ``cost_variance_share`` and ``schedule_variance_share``, the
    squared rank correlations normalised to 1 (Crystal Ball's contribution to variance).
    Sorted by the percentile reduction of ``metric`` ("cost" or "schedule"), largest
    first. ``options`` (or its keyword arguments) say how to run.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> drivers = rk.risk_drivers(reg, iterations=2_000, rng=1)
    >>> drivers.to_frame()["p80_cost_reduction"].is_monotonic_decreasing
    True
    """
    q = check_percentile(percentile)
    key = _METRICS.get(str(metric).strip().lower())
    if key is None:
        raise OptionError("metric", metric, "'cost' or 'schedule'")
    options = RunOptions.of(options, **run)
    return drivers_of(removal_run(register, schedule, options), register, q, key)


def removal_run(register: RiskRegister, schedule: Schedule | None, options: RunOptions, *,
                everything: bool = False) -> VariantRun:
    """Each active risk removed on its own (and, with ``everything``, every risk removed
    as one more variant), on the baseline's random numbers, keeping the baseline's
    impacts: what :func:`risk_drivers` and :func:`riskkit.contingency` read."""
    risks = register.modelled_risks(schedule)
    variants = [{r.id: "removed"} for r in risks]
    if everything and variants:
        variants.append({r.id: "removed" for r in risks})
    return simulate_variants(register, schedule, variants, options=options,
                             keep_impacts=True, label="risk drivers")


def drivers_of(result: VariantRun, register: RiskRegister, percentile: float,
               metric: str = "cost") -> Drivers:
    """The drivers table of a :func:`removal_run`."""
    q, key = percentile, metric
    effects = VariantEffects.of(result, q)
    rank_cost = st.rankdata(result.base_cost)
    rank_sched = st.rankdata(result.base_schedule)
    assert result.impacts is not None
    index = {rid: i for i, rid in enumerate(result.risk_ids)}
    # the risks the variants removed, in order: the risk ids of the run, and risk
    # drivers, whose impact is what removing them changes
    modelled = {*result.risk_ids, *result.driver_ids}
    active = [r for r in register.active_risks if r.id in modelled]
    removed = [r.id for r in active]
    rc, rs = np.zeros(len(active)), np.zeros(len(active))
    for v, rid in enumerate(removed):
        if rid in index:
            pos, cost, sched = result.impacts[index[rid]]
        else:
            pos, dc, ds = result.changes.of(v)
            cost, sched = -dc, -ds
        rc[v], rs[v] = spearman(pos, cost, rank_cost), spearman(pos, sched, rank_sched)
    table = pd.DataFrame({
        C.ID: [r.id for r in active], C.TITLE: [r.title for r in active],
        C.OWNER: [r.owner for r in active],
        C.PROBABILITY: [r.probability for r in active],
        C.EXPECTED_COST_REDUCTION: effects.expected_cost[:len(active)],
        C.cost_reduction(q): effects.percentile_cost[:len(active)],
        C.EXPECTED_DELAY_REDUCTION: effects.expected_delay[:len(active)],
        C.delay_reduction(q): effects.percentile_delay[:len(active)],
        C.COST_SPEARMAN: rc, C.SCHEDULE_SPEARMAN: rs,
        C.COST_VARIANCE_SHARE: shares(rc), C.SCHEDULE_VARIANCE_SHARE: shares(rs),
    })
    table = table.sort_values(C.reduction(key, q), ascending=False, kind="stable")
    return Drivers(table, result.iterations, q, key, result.seed_sequence,  # type: ignore[arg-type]
                   result.sampling)


def spearman(pos: np.ndarray, values: np.ndarray, total_ranks: np.ndarray) -> float:
    """Spearman correlation of a sparse impact (zero where absent) with a total."""
    n = total_ranks.size
    if pos.size == 0 or not np.any(values):
        return 0.0
    x = np.zeros(n)
    x[pos] = values
    rx = st.rankdata(x)
    if rx.std() == 0 or total_ranks.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, total_ranks)[0, 1])


def shares(rho: np.ndarray) -> np.ndarray:
    """Squared correlations normalised to sum to 1 (zeros when all are 0)."""
    squares = rho**2
    total = squares.sum()
    return squares / total if total > 0 else np.zeros_like(rho)
