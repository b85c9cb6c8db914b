"""What the contingency is for: estimate uncertainty, risk events, and each risk's part.

The contingency at a percentile q is P_q(total) − base, for cost and for the finish. It
is split two ways (see METHODS.md, "Allocating a contingency"):

1. **By kind**, as AACE RP 40R-08/57R-09 and the UK IPA's guidance ask: *estimate
   uncertainty* (the ranges of the activities' durations and costs) and *risk events*
   (the register). Their effects are not additive — a risk on a long path matters more
   when durations run long — so the split is the Shapley value over the two kinds,
   on common random numbers: with ``v(S)`` the percentile with only the kinds in S
   switched on (``v(∅)`` = the base, every duration at its plan value and no risk),
   estimate = ½[(v(E) − v(∅)) + (v(E, R) − v(R))] and risk = ½[(v(R) − v(∅)) +
   (v(E, R) − v(E))]. They add up to the contingency exactly and do not depend on an
   order. A register without schedule ranges has an estimate part of 0; a schedule
   without risks a risk part of 0.
2. **To the risks**, the risk part only: each risk's Euler contribution, the mean of
   what removing it changes (on common random numbers) over the iterations in a window
   around the percentile of the total — ranks within ``window`` / 2 of q, at least 20
   iterations — scaled so the contributions add up to the risk part. For a total that is
   a sum of risk impacts (a cost register), this is E[X_i | T ≈ P_q(T)], the allocation
   that adds up to the quantile. Amounts are rounded to the cent (hundredths of a day) by
   the largest remainder, so the rounded parts add up to the rounded contingency.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .._format import money
from ..distributions import Fixed
from ..exceptions import InputWarning, OptionError
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from ..sim import RunOptions, simulate
from ..sim.changes import VariantRun
from .drivers import removal_run
from .ranking import check_percentile

__all__ = ["Contingency", "ContingencySplit", "allocate_cents", "contingency"]

_METRICS = ("cost", "schedule")
_MIN_WINDOW = 20


def allocate_cents(parts: np.ndarray, total: float) -> np.ndarray:
    """``parts`` rounded to hundredths so that they add up to ``total`` rounded to
    hundredths: each rounded down, then the missing hundredths to the largest
    remainders (or the surplus from the smallest)."""
    parts = np.asarray(parts, dtype=float)
    if parts.size == 0:
        return parts
    scaled = parts * 100
    cents = np.floor(scaled)
    short = int(round(total * 100)) - int(cents.sum())
    order = np.argsort(-(scaled - cents), kind="stable")
    step = 1 if short > 0 else -1
    if short < 0:
        order = order[::-1]
    for j in range(abs(short)):
        cents[order[j % parts.size]] += step
    return cents / 100


@dataclass(frozen=True, eq=False)
class ContingencySplit:
    """One metric's contingency at ``percentile``: its split by kind and its risk part
    allocated to the risks (``table``: ``id``, ``title``, ``allocation``, ``share``,
    largest first)."""

    metric: str
    percentile: float
    base: float
    value: float
    estimate: float
    risk: float
    table: pd.DataFrame = field(repr=False)
    window: int = 0

    @property
    def contingency(self) -> float:
        return self.value - self.base

    @property
    def unallocated(self) -> float:
        """The risk part no risk's contribution carries (0 unless no removal changes
        anything near the percentile while the risks together do)."""
        return self.risk - float(self.table["allocation"].sum())

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


@dataclass(frozen=True, eq=False)
class Contingency:
    """What the contingency is for, for cost and finish (:func:`riskkit.contingency`)."""

    cost: ContingencySplit
    schedule: ContingencySplit
    iterations: int
    seed_sequence: np.random.SeedSequence | None = field(default=None, repr=False)

    def split(self, metric: str) -> ContingencySplit:
        if metric not in _METRICS:
            raise OptionError("metric", metric, "'cost' or 'schedule'")
        return self.cost if metric == "cost" else self.schedule

    def summary(self) -> pd.DataFrame:
        rows = []
        for s in (self.cost, self.schedule):
            rows.append({"metric": s.metric, "base": s.base, f"p{round(100 * s.percentile)}":
                         s.value, "contingency": s.contingency,
                         "estimate_uncertainty": s.estimate, "risk_events": s.risk})
        return pd.DataFrame(rows).set_index("metric")

    def to_frame(self) -> pd.DataFrame:
        """Every risk's allocation of the cost and the schedule contingency."""
        cost = self.cost.table.set_index("id")[["title", "allocation"]]
        sched = self.schedule.table.set_index("id")[["allocation"]]
        both = cost.rename(columns={"allocation": "cost_allocation"}).join(
            sched.rename(columns={"allocation": "schedule_allocation"}), how="outer")
        return both.reset_index()

    def describe(self, currency: str | None = None) -> str:
        c, s = self.cost, self.schedule
        p = f"P{round(100 * c.percentile)}"
        text = (f"{p} cost contingency {money(c.contingency, currency)}: "
                f"{money(c.estimate, currency)} for estimate uncertainty, "
                f"{money(c.risk, currency)} for risk events")
        if s.contingency or s.base:
            text += (f"; {p} schedule contingency {s.contingency:,.1f} working days: "
                     f"{s.estimate:,.1f} for estimate uncertainty, {s.risk:,.1f} for risk "
                     f"events")
        return text + "."

    def _repr_html_(self) -> str:
        return (f"<p>{self.describe()}</p>"
                + self.summary().to_html(float_format="{:,.2f}".format))


def _plan_schedule(schedule: Schedule) -> Schedule:
    """The schedule with every duration fixed at its plan value (no estimate ranges)."""
    fixed = tuple(replace(a, duration=Fixed(a.most_likely), distribution="fixed")
                  for a in schedule.activities)
    with warnings.catch_warnings():  # its logic warnings were given once already
        warnings.simplefilter("ignore", InputWarning)
        return replace(schedule, activities=fixed, warnings=())


def contingency(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    options: RunOptions | None = None,
    percentile: float = 0.8,
    window: float = 0.05,
    current: SimulationResult | None = None,
    removals: VariantRun | None = None,
    **run: Any,
) -> Contingency:
    """Split the contingency at ``percentile`` into estimate uncertainty and risk events,
    and allocate the risk part to the risks (see the module docstring). Three runs on
    the same random numbers (the risk removals in one); ``current`` (the run of these
    options) and ``removals`` (:func:`riskkit.analysis.drivers.removal_run` with
    ``everything=True``) save two when a pack has them already."""
    q = check_percentile(percentile)
    if isinstance(window, bool) or not isinstance(window, (int, float)) or \
            not 0 < window < 1:
        raise OptionError("window", window, "a share of the iterations, e.g. 0.05")
    options = RunOptions.of(options, **run)
    full = current if current is not None else simulate(register, schedule, options=options,
                                                       criticality=False)
    same = options.replace(rng=full.seed_sequence, iterations=full.iterations)
    ids = [r.id for r in register.modelled_risks(schedule)]
    with warnings.catch_warnings():  # the main run has said what the register lacks
        warnings.simplefilter("ignore", InputWarning)
        plan = _plan_schedule(schedule) if schedule is not None else None
        risks_only = simulate(register, plan, options=same, criticality=False)
        # each risk removed, and (the estimate alone) every risk removed, in one run
        if removals is None and ids:
            removals = removal_run(register, schedule, same, everything=True)
    if removals is not None and removals.changes.count != len(ids) + 1 and (
            schedule is not None or removals.changes.count != len(ids)):
        raise OptionError("removals", f"{removals.changes.count} variants",
                          f"a removal_run of the {len(ids)} active risks with everything=True")
    if not ids:
        removals = None
    titles = {r.id: r.title for r in register.modelled_risks(schedule)}
    splits = []
    for k, metric in enumerate(_METRICS):
        base = full.base(metric)
        v_er = float(full.percentile(q, metric))
        if schedule is None:
            v_e = base  # no estimate ranges without a schedule
        elif removals is None:
            v_e = v_er  # no risks: the estimate is all there is
        else:
            totals_e = (removals.base_cost if metric == "cost"
                        else removals.base_schedule).copy()
            pos, delta = removals.changes.layer(len(ids), k + 1)
            np.add.at(totals_e, pos, delta)
            v_e = float(np.percentile(totals_e, 100 * q))
        v_r = float(risks_only.percentile(q, metric))
        estimate = 0.5 * ((v_e - base) + (v_er - v_r))
        risk = 0.5 * ((v_r - base) + (v_er - v_e))
        totals = full.cost if metric == "cost" else full.schedule
        n = totals.size
        half = max(_MIN_WINDOW // 2, int(math.ceil(window * n / 2)))
        rank = int(np.floor((n - 1) * q))
        order = np.argsort(totals, kind="stable")
        inside = np.zeros(n, dtype=bool)
        inside[order[max(rank - half, 0):min(rank + half + 1, n)]] = True
        window_size = int(inside.sum())
        raw = np.zeros(len(ids))
        if removals is not None:
            for v in range(len(ids)):
                pos, delta = removals.changes.layer(v, k + 1)
                raw[v] = -float(delta[inside[pos]].sum()) / window_size
        estimate_c, risk_c = allocate_cents(np.array([estimate, risk]), v_er - base)
        # shares of the risk part by Euler contribution (an opportunity's is negative)
        share = raw / raw.sum() if raw.sum() != 0 else np.zeros(len(ids))
        allocation = allocate_cents(share * risk_c, risk_c) if raw.sum() != 0 \
            else np.zeros(len(ids))
        table = pd.DataFrame({"id": ids, "title": [titles[i] for i in ids],
                              "allocation": allocation, "share": share,
                              "window_mean_change": raw})
        table = table.sort_values("allocation", ascending=False, kind="stable")
        splits.append(ContingencySplit(metric, q, base, v_er, float(estimate_c),
                                       float(risk_c), table.reset_index(drop=True),
                                       window_size))
    return Contingency(splits[0], splits[1], full.iterations, full.seed_sequence)
