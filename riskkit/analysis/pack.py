"""The results a steering-committee pack presents, from one set of random numbers.

:func:`analyse` runs what the pack shows: the current and the mitigated scenario, the
risk drivers and the mitigation ranking. Every run after the first draws the first
run's streams (its ``SeedSequence``), so the before/after difference, the drivers and
the ranking carry no sampling noise between them, and the same call gives the same
numbers even with ``rng`` a Generator.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import InputWarning
from ..model import Calendar, RiskRegister, Schedule
from ..phasing import CashFlow, Escalation
from ..result import SimulationResult
from ..sim import RunOptions, simulate
from .contingency import Contingency, contingency
from .drivers import drivers_of, removal_run
from .health import Health, check_register, warn_before_simulating
from .ranking import check_value_per_day, rank_mitigations
from .results import Drivers, Frontier, Ranking
from .selection import efficient_frontier

__all__ = ["FRONTIER_GREEDY_LIMIT", "Analysis", "analyse"]

#: Up to this many mitigations the pack's frontier adds them one at a time by joint
#: value (one run per step); with more, it follows the ranking's order in one run, at
#: FRONTIER_POINTS points (each a set simulated together).
FRONTIER_GREEDY_LIMIT = 30
FRONTIER_POINTS = 8


@dataclass(frozen=True, eq=False)
class Analysis:
    """What a pack presents: the register and schedule, the current and mitigated
    simulations, the drivers, the contingency split, (when the register has
    mitigations) the ranking and the efficient frontier of mitigation spend, and the
    health of the schedule and the register (:func:`riskkit.check_schedule`,
    :func:`riskkit.check_register`); with a costed schedule and the activities' draws,
    the time-phased cost (``cash_flow``, by month) and, when an escalation was given,
    the same escalated (``escalated_cash_flow``)."""

    register: RiskRegister
    schedule: Schedule | None
    current: SimulationResult
    mitigated: SimulationResult
    drivers: Drivers
    ranking: Ranking | None
    value_per_day: float | None = None
    options: RunOptions = field(default_factory=RunOptions, repr=False)
    frontier: Frontier | None = None
    contingency: Contingency | None = None
    health: Health | None = None
    cash_flow: CashFlow | None = None
    escalated_cash_flow: CashFlow | None = None

    @property
    def iterations(self) -> int:
        return self.current.iterations

    @property
    def seed(self) -> int | None:
        return self.current.seed


def analyse(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    options: RunOptions | None = None,
    value_per_day: float | None = None,
    start: Any = None,
    holidays: Sequence[Any] | None = None,
    calendar: Calendar | None = None,
    activity_detail: bool = False,
    escalation: Escalation | float | None = None,
    **run: Any,
) -> Analysis:
    """Run everything a pack presents, on one set of random numbers.

    ``options`` (or the keyword arguments of :class:`riskkit.RunOptions`) say how to
    run; ``start`` (and ``holidays`` or ``calendar``) give finish dates; a
    ``value_per_day`` adds the value of days saved to the mitigations' benefit;
    ``activity_detail`` keeps every activity's draws in the current run
    (:meth:`SimulationResult.activity_sensitivity`), and with a schedule that has
    costs the cash flow (:meth:`SimulationResult.cash_flow`), escalated too when
    ``escalation`` (an annual rate or an :class:`riskkit.Escalation`) is given. The
    schedule's and the register's health are checked first (the pack's health pages);
    a schedule that fails its checks by far is warned about, once, before it is
    simulated.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> a = rk.analyse(reg, iterations=2_000, rng=1)
    >>> a.mitigated.seed_sequence.entropy == a.current.seed_sequence.entropy
    True
    """
    options = RunOptions.of(options, **run)
    check_value_per_day(value_per_day)
    # a schedule that fails its health checks by far is said to before it is simulated
    schedule_health = warn_before_simulating(schedule)
    health = check_register(register, schedule, value_per_day=value_per_day)
    if schedule_health is not None:
        health = schedule_health + health
    dates = {"start": start, "holidays": holidays, "calendar": calendar}
    current = simulate(register, schedule, options=options,
                       activity_detail=activity_detail and schedule is not None, **dates)
    # every follow-on run draws the main run's streams (common random numbers)
    same = options.replace(rng=current.seed_sequence, iterations=current.iterations)
    with warnings.catch_warnings():  # the main run has said what the register lacks
        warnings.simplefilter("ignore", InputWarning)
        mitigated = simulate(register, schedule, options=same, scenario="mitigated", **dates)
        removals = removal_run(register, schedule, same, everything=True)
        drivers = drivers_of(removals, register, 0.8)
        ranking = (rank_mitigations(register, schedule, options=same,
                                    value_per_day=value_per_day)
                   if any(r.has_mitigation for r in register.active_risks) else None)
    frontier = None
    if ranking is not None and len(ranking):
        few = len(ranking) <= FRONTIER_GREEDY_LIMIT
        frontier = efficient_frontier(ranking, schedule, register=register, options=same,
                                      order="greedy" if few else "ranking",
                                      points=None if few else FRONTIER_POINTS)
    split = contingency(register, schedule, options=same, current=current,
                        removals=removals)  # its own runs keep quiet about the register
    flow = escalated = None
    if schedule is not None and current.activity_starts.shape[0] and (
            schedule.cost_per_day.any() or schedule.fixed_cost.any()):
        flow = current.cash_flow()
        escalated = (current.cash_flow(escalation=escalation) if escalation is not None
                     else None)
    return Analysis(register, schedule, current, mitigated, drivers, ranking, value_per_day,
                    same, frontier, split, health, flow, escalated)
