"""The register over time, snapshot by snapshot: mean, P50 and P80 of cost and schedule,
and the contingency the P80 needs against the contingency held (a drawdown).

Every snapshot is simulated with the same seed, so risks that did not change draw the
same numbers at every date and the trend shows the register's changes, not Monte
Carlo noise (see :mod:`riskkit.analysis.history`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import OptionError
from ..io.snapshots import Snapshot, check_pair
from ..model import Schedule
from ..result import SimulationResult
from ..sim import RunOptions, simulate
from .severity import SEVERITIES, impact_bands_of, severities

__all__ = ["Trend", "trend"]

#: The columns of :meth:`Trend.to_frame`, after ``as_of`` and ``source``.
TREND_COLUMNS = ("open_risks", "cost_mean", "cost_p50", "cost_p80", "schedule_mean",
                 "schedule_p50", "schedule_p80", "contingency_p80", "budget", "headroom",
                 "p_within_budget")


@dataclass(frozen=True)
class Trend:
    """One simulation per snapshot (oldest first) on the same seed, and the contingency
    held at each date (``budgets``: None where not given)."""

    snapshots: tuple[Snapshot, ...]
    results: tuple[SimulationResult, ...]
    budgets: tuple[float | None, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per snapshot: its date, the open risks, mean / P50 / P80 of cost and
        schedule, the contingency the P80 needs (P80 − base cost), the contingency
        held, the headroom (held − needed) and the confidence of base + held."""
        rows = []
        for snap, res, budget in zip(self.snapshots, self.results, self.budgets):
            cost, sched = res.values("cost"), res.values("schedule")
            needed = float(np.percentile(cost, 80)) - res.base("cost")
            rows.append({
                "as_of": snap.as_of, "source": snap.source,
                "open_risks": len(snap.register.active_risks),
                "cost_mean": float(cost.mean()), "cost_p50": float(np.percentile(cost, 50)),
                "cost_p80": float(np.percentile(cost, 80)),
                "schedule_mean": float(sched.mean()),
                "schedule_p50": float(np.percentile(sched, 50)),
                "schedule_p80": float(np.percentile(sched, 80)),
                "contingency_p80": needed, "budget": budget,
                "headroom": None if budget is None else budget - needed,
                "p_within_budget": (None if budget is None else
                                    res.probability_within(res.base("cost") + budget)),
            })
        return pd.DataFrame(rows, columns=["as_of", "source", *TREND_COLUMNS])

    def severities(self) -> list[pd.DataFrame]:
        """Per snapshot, the severity of each open risk
        (:func:`riskkit.analysis.severity.severities`), on impact bands shared by every
        snapshot (from the largest impact in any of them), so a level means the same at
        every date."""
        registers = [s.register for s in self.snapshots]
        cost = impact_bands_of(registers, "cost")
        schedule = impact_bands_of(registers, "schedule")
        return [severities(r, cost_bands=cost, schedule_bands=schedule) for r in registers]

    def severity_frame(self) -> pd.DataFrame:
        """Open risks by severity: one row per snapshot (its label), one column per
        severity (:data:`~riskkit.analysis.severity.SEVERITIES`), counts."""
        rows = [{k: int((frame["severity"] == k).sum()) for k in SEVERITIES}
                for frame in self.severities()]
        return pd.DataFrame(rows, columns=list(SEVERITIES),
                            index=pd.Index([s.label for s in self.snapshots], name="as_of"))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``riskkit trend --json``."""
        out = []
        for row in self.to_frame().to_dict(orient="records"):
            row["as_of"] = None if pd.isna(row["as_of"]) else str(row["as_of"])[:10]
            out.append({k: (None if isinstance(v, float) and np.isnan(v) else v)
                        for k, v in row.items()})
        first = self.results[0]
        return {"iterations": first.iterations, "seed": first.seed, "snapshots": out}

    def _repr_html_(self) -> str:
        return (f"<p><b>Trend</b> over {len(self.snapshots)} snapshots</p>"
                + self.to_frame().to_html(index=False, float_format="{:,.2f}".format,
                                          na_rep=""))


def trend(snapshots: Sequence[Any],
          schedule: Schedule | Sequence[Schedule | None] | None = None, *,
          iterations: int = 10_000, seed: Any = None,
          budget: float | Sequence[float | None] | None = None,
          options: RunOptions | None = None) -> Trend:
    """Simulate each snapshot (oldest first) on one seed.

    Parameters
    ----------
    snapshots : sequence of Snapshot, RiskRegister or path
    schedule : Schedule or sequence of Schedule, optional
        The schedule every snapshot is simulated with, or one per snapshot (the
        schedule may change between snapshots too).
    iterations, seed
        As for :func:`riskkit.compare`.
    budget : float or sequence, optional
        The contingency held: one amount for every snapshot, or one per snapshot (None
        where unknown).

    Examples
    --------
    >>> import riskkit as rk
    >>> t = rk.trend([f"sample_registers/office_fitout_2024-0{m}.csv" for m in (1, 2, 3)],
    ...              iterations=2_000, seed=1, budget=90_000)
    >>> list(t.to_frame()["open_risks"])
    [29, 29, 29]
    """
    snaps = tuple(Snapshot.of(s) for s in snapshots)
    if not snaps:
        raise OptionError("snapshots", snapshots, "one snapshot or more")
    for old, new in zip(snaps, snaps[1:]):
        check_pair(old, new)
    if budget is None or isinstance(budget, (int, float)):
        budgets: tuple[float | None, ...] = (None if budget is None else float(budget),) * len(
            snaps)
    else:
        budgets = tuple(None if b is None else float(b) for b in budget)
        if len(budgets) != len(snaps):
            raise OptionError("budget", budget, f"one amount, or {len(snaps)}: one per "
                              "snapshot")
    if schedule is None or isinstance(schedule, Schedule):
        schedules: tuple[Schedule | None, ...] = (schedule,) * len(snaps)
    else:
        schedules = tuple(schedule)
        if len(schedules) != len(snaps) or not all(
                s is None or isinstance(s, Schedule) for s in schedules):
            raise OptionError("schedule", f"{len(schedules)} schedules", "one Schedule, or "
                              f"{len(snaps)}: one per snapshot")
        if len({s is None for s in schedules}) > 1:
            raise OptionError("schedule", "some snapshots without a schedule", "a schedule "
                              "for every snapshot, or for none")
    options = options or RunOptions.of(None, iterations=iterations, rng=seed, progress=False)
    results = tuple(simulate(s.register, sch, options=options)
                    for s, sch in zip(snaps, schedules))
    return Trend(snaps, results, budgets)
