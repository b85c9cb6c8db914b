"""Each risk's and each activity's figures of a run, as tables for spreadsheets
(``--risks-csv``, ``--activities-csv``, the workbook's sheets).

Per risk, on the run's own random numbers (common random numbers): its probability,
how often it occurred, its expected impact (probability x the mean of its impact
range), its contribution to the mean (what removing it alone lowers the mean by: the
risk-removal method of :func:`riskkit.risk_drivers`) and to the P80's contingency (its
Euler allocation of the risk events' part, :func:`riskkit.contingency`: the
allocations add up to that part to the cent), for cost and for the schedule, and the
rank-correlation sensitivities. Per activity: criticality and mean finish (and its
date when the run has a start) and, from a run that kept every activity's draws, its
P50 and P80 finish, sensitivity, cruciality and schedule sensitivity index.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from ..sim import RunOptions
from . import columns as C
from .contingency import contingency
from .drivers import drivers_of, removal_run

__all__ = ["ACTIVITY_COLUMNS", "RISK_COLUMNS", "activity_figures", "risk_figures"]

#: the columns of :func:`risk_figures`, in order
RISK_COLUMNS = (
    "id", "title", "owner", "category", "status", "probability", "occurrence_rate",
    "expected_cost_impact", "cost_mean_contribution", "cost_p80_contribution",
    "p80_cost_reduction", "cost_variance_share",
    "expected_delay", "schedule_mean_contribution", "schedule_p80_contribution",
    "p80_delay_reduction", "schedule_variance_share",
)
#: the columns of :func:`activity_figures`, in order (the dates only with a start; the
#: percentiles and sensitivities only from a run with ``activity_detail=True``)
ACTIVITY_COLUMNS = ("id", "name", "criticality", "mean_finish", "mean_finish_date",
                    "p50_finish", "p50_finish_date", "p80_finish", "p80_finish_date",
                    "sensitivity", "cruciality", "ssi")


def risk_figures(register: RiskRegister, schedule: Schedule | None,
                 result: SimulationResult, *, options: RunOptions | None = None,
                 **run: Any) -> pd.DataFrame:
    """Every active risk's figures in ``result``'s run (module docstring), in register
    order. ``options`` (or its keywords, e.g. ``correlation=``) say how the run was made;
    its iterations, seed and sampling are taken from ``result``. The contributions are
    of the current (pre-mitigation) scenario: a mitigated result is refused.

    Examples
    --------
    >>> import riskkit as rk
    >>> from riskkit.analysis.figures import risk_figures
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> res = rk.simulate(reg, iterations=2_000, rng=1)
    >>> t = risk_figures(reg, None, res)
    >>> bool(abs(t["cost_p80_contribution"].sum() - res.contingency(0.8)) < 0.01)
    True
    """
    if result.scenario != "current":
        raise OptionError("result", f"a {result.scenario} run",
                          "a run of the current scenario (each risk's contribution is "
                          "to the pre-mitigation totals)")
    options = RunOptions.of(options, **run).replace(
        iterations=result.iterations, rng=result.seed_sequence, sampling=result.sampling)
    active = register.modelled_risks(schedule)
    if not active:
        return pd.DataFrame(columns=list(RISK_COLUMNS))
    removals = removal_run(register, schedule, options, everything=True)
    drivers = drivers_of(removals, register, 0.8).table.set_index(C.ID)
    split = contingency(register, schedule, options=options, current=result,
                        removals=removals)
    cost_p80 = split.cost.table.set_index("id")["allocation"]
    sched_p80 = split.schedule.table.set_index("id")["allocation"]
    rate = dict(zip(result.risk_ids, result.occurrences / result.iterations))
    ids = [r.id for r in active]
    return pd.DataFrame({
        "id": ids,
        "title": [r.title for r in active],
        "owner": [r.owner for r in active],
        "category": [r.category for r in active],
        "status": [r.status for r in active],
        "probability": [r.probability for r in active],
        "occurrence_rate": [float(rate.get(i, np.nan)) for i in ids],
        "expected_cost_impact": [r.current.expected_cost for r in active],
        "cost_mean_contribution": drivers.loc[ids, C.EXPECTED_COST_REDUCTION].to_numpy(),
        "cost_p80_contribution": cost_p80.loc[ids].to_numpy(),
        "p80_cost_reduction": drivers.loc[ids, C.cost_reduction(0.8)].to_numpy(),
        "cost_variance_share": drivers.loc[ids, C.COST_VARIANCE_SHARE].to_numpy(),
        "expected_delay": [r.current.expected_delay for r in active],
        "schedule_mean_contribution":
            drivers.loc[ids, C.EXPECTED_DELAY_REDUCTION].to_numpy(),
        "schedule_p80_contribution": sched_p80.loc[ids].to_numpy(),
        "p80_delay_reduction": drivers.loc[ids, C.delay_reduction(0.8)].to_numpy(),
        "schedule_variance_share": drivers.loc[ids, C.SCHEDULE_VARIANCE_SHARE].to_numpy(),
    }, columns=list(RISK_COLUMNS))


def activity_figures(result: SimulationResult, *, milestones: bool = True) -> pd.DataFrame:
    """Every activity's criticality (share of iterations on a critical path) and mean
    early finish in working days, most critical first (:meth:`SimulationResult.
    activity_table`), with the mean finish's date when the run has a start; from a run
    with ``activity_detail=True`` also its P50 and P80 finish, duration sensitivity,
    cruciality and schedule sensitivity index (:meth:`SimulationResult.
    activity_sensitivity`). Empty without a schedule.
    """
    if result.activity_finishes.shape[0] and len(result.activity_ids):
        detail = result.activity_sensitivity(milestones=milestones)
        # in the order of activity_table: most critical first
        table = result.activity_table(milestones=milestones)[["id"]].merge(
            detail, on="id", how="left")
        return table[[c for c in ACTIVITY_COLUMNS if c in table.columns]]
    table = result.activity_table(milestones=milestones)
    if result.start is not None:
        table["mean_finish_date"] = [
            result.calendar.finish_date(result.start, float(d)) for d in table["mean_finish"]]
    return table[[c for c in ACTIVITY_COLUMNS if c in table.columns]]
