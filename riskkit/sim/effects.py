"""What acts on activities besides their own durations and the risks' delays: risk
drivers (factors of durations and costs), task existence, probabilistic branches and
the weather.

Each draws from streams of its own (:data:`~riskkit.seeds.DRIVER_STREAM`,
:data:`~riskkit.seeds.BRANCH_STREAM`), keyed by the driver's risk id, the activity's id
or the branch's group, one uniform per iteration of the block for each choice (Latin
hypercube stratified over the block under LHS, so a 30% branch is taken in exactly 30%
of a block's iterations when that is a whole number). A schedule without any of them
draws nothing more: its numbers are those it always had.

Per slice of the network pass, in this order:

1. :meth:`ActivityEffects.scale`: every driver that occurs multiplies the durations of
   its activities by its factor (one draw for all of them: Hulett's risk driver
   method); several drivers on one activity multiply;
2. the risks' delays are added (:func:`~riskkit.sim.durations.add_activity_delays`);
3. :meth:`ActivityEffects.settle`: an activity that does not exist in an iteration (its
   existence draw, or a branch option not taken) gets duration zero there, risk delays
   included, so its links pass straight through; then the weather rules add the days
   lost in bad months to the activities at work in them (dates from one forward pass;
   :mod:`riskkit.model.weather`, stream :data:`~riskkit.seeds.WEATHER_STREAM`);
4. :meth:`ActivityEffects.cost_change`: what the cost drivers and the missing activities
   change in the activities' costs (time-dependent and fixed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cpm import critical_tolerance
from ..seeds import (
    BRANCH_STREAM,
    DRIVER_STREAM,
    WEATHER_STREAM,
    entropy_of,
    stable_key,
    stream_key,
)
from .plan import DURATION_DTYPE, DriverModel, Plan

__all__ = ["ActivityEffects", "block_generator", "block_uniforms", "costed_rows"]


def block_generator(plan: Plan, block: int, kind: int, key: tuple[int, ...]
                    ) -> np.random.Generator:
    """The generator of the stream ``key`` of ``kind`` in ``block`` of the run."""
    seed = plan.seed
    sequence = np.random.SeedSequence(entropy_of(seed),
                                      spawn_key=(*seed.spawn_key, block, kind, *key))
    return np.random.Generator(np.random.PCG64(sequence))


def block_uniforms(gen: np.random.Generator, n: int, lhs: bool) -> np.ndarray:
    """``n`` uniforms on [0, 1): under Latin hypercube sampling one in each stratum
    ``[j/n, (j+1)/n)``, in random order."""
    if lhs:
        return (gen.permutation(n) + gen.random(n)) / n
    return gen.random(n)


@dataclass
class _Driver:
    model: DriverModel
    schedule: np.ndarray | None  # per iteration of the block: the factor (1: no effect)
    cost: np.ndarray | None


def _draw_driver(plan: Plan, block: int, n: int, model: DriverModel) -> _Driver:
    """A driver's occurrences and factors in one block: its occurrence uniforms first,
    then its schedule factor's, then its cost factor's."""
    gen = block_generator(plan, block, DRIVER_STREAM, model.key)
    occurs = block_uniforms(gen, n, plan.lhs) < model.probability
    factors: list[np.ndarray | None] = []
    for dist in (model.risk.schedule_factor, model.risk.cost_factor):
        if dist is None:
            factors.append(None)
            continue
        f = dist.ppf(block_uniforms(gen, n, plan.lhs))
        factors.append(np.where(occurs, f, 1.0))
    schedule, cost = factors
    return _Driver(model, None if schedule is None else schedule.astype(DURATION_DTYPE), cost)


def _existence(plan: Plan, block: int, n: int) -> dict[int, np.ndarray]:
    """Per activity whose existence is uncertain: whether it exists in each iteration
    of the block (its own existence draw and its branch's choice)."""
    net = plan.network
    assert net is not None
    schedule = net.schedule
    exists: dict[int, np.ndarray] = {}
    for a in schedule.conditional.tolist():
        activity = schedule.activities[a]
        if activity.existence_probability < 1.0:
            gen = block_generator(plan, block, BRANCH_STREAM, net.keys[a])
            exists[a] = block_uniforms(gen, n, plan.lhs) < activity.existence_probability
    for branch in schedule.branches:
        key = stream_key(f"branch:{branch.group}", schedule.project)
        gen = block_generator(plan, block, BRANCH_STREAM, key)
        u = block_uniforms(gen, n, plan.lhs)
        # option j is taken where u falls in its share of [0, 1); past the last: none
        taken = np.searchsorted(np.cumsum(branch.probabilities), u, side="right")
        for j, (_, _, acts) in enumerate(branch.options):
            here = taken == j
            for a in acts:
                exists[a] = exists[a] & here if a in exists else here
    return exists


def costed_rows(plan: Plan) -> np.ndarray:
    """The activities whose cost a cost driver or an uncertain existence changes."""
    net = plan.network
    if net is None:
        return np.zeros(0, dtype=np.intp)
    rows = {int(a) for d in plan.drivers if d.risk.cost_factor is not None
            for a in d.activities}
    rows |= set(net.schedule.conditional.tolist())
    return np.array(sorted(rows), dtype=np.intp)


class _WeatherDraws:
    """A block's bad months per weather rule, and the days they cost the activities at
    work then (see :mod:`riskkit.model.weather`)."""

    def __init__(self, plan: Plan, block: int, n: int):
        net = plan.network
        assert net is not None
        schedule = net.schedule
        weather = schedule.weather
        self.acts: list[np.ndarray] = plan.derived.get_or_make(
            "weather activities", schedule.weather_activities)
        # working days 0 .. horizon - 1 placed in months; later days count as the last
        self.horizon = int(4 * (schedule.duration() + 1)) + 260
        self.table: np.ndarray = plan.derived.get_or_make(
            "weather months", lambda: weather.month_table(self.horizon))
        serials = np.unique(self.table)
        self.lost: list[list[tuple[int, np.ndarray]]] = []
        for rule in weather.rules:
            months = [int(m) for m in serials if m % 12 + 1 in rule.months]
            draws = []
            for m in months:
                gen = block_generator(plan, block, WEATHER_STREAM, (stable_key(rule.name), m))
                bad = block_uniforms(gen, n, plan.lhs) < rule.probability
                days = np.where(bad, rule.lost.ppf(block_uniforms(gen, n, plan.lhs)), 0.0)
                draws.append((m, days.astype(DURATION_DTYPE)))
            self.lost.append(draws)

    def add(self, d: np.ndarray, network: Any, work: Any, s0: int, s1: int
            ) -> dict[int, np.ndarray]:
        """Add the days lost in slice [s0, s1) to ``d``, from one forward pass at ``d``;
        returns what each activity gained."""
        ef, _ = network.forward_with_starts(d, work)
        gained: dict[int, np.ndarray] = {}
        last = self.horizon - 1
        for acts, draws in zip(self.acts, self.lost):
            if not acts.size or not draws:
                continue
            finish = ef[acts].astype(float)
            start = finish - d[acts]
            first_month = self.table[np.clip(np.floor(start), 0, last).astype(np.intp)]
            last_month = self.table[np.clip(np.ceil(finish) - 1, 0, last).astype(np.intp)]
            working = finish > start
            added = np.zeros(finish.shape, dtype=DURATION_DTYPE)
            for m, days in draws:
                lost = days[s0:s1]
                if lost.any():
                    at_work = working & (first_month <= m) & (last_month >= m)
                    added += at_work * lost
            for j, a in enumerate(acts.tolist()):
                gained[a] = gained[a] + added[j] if a in gained else added[j]
        for a, extra in gained.items():
            d[a] += extra
        return gained


class ActivityEffects:
    """The drivers, existence and branches of one block (see the module's text)."""

    def __init__(self, plan: Plan, block: int, n: int):
        net = plan.network
        assert net is not None
        self.net = net
        self.drivers = [_draw_driver(plan, block, n, m) for m in plan.drivers]
        self.exists = _existence(plan, block, n)
        self.weather = (_WeatherDraws(plan, block, n) if net.schedule.weather is not None
                        else None)
        self.costed = costed_rows(plan)

    def cost_factors(self, s0: int, s1: int) -> np.ndarray:
        """Per activity of :func:`costed_rows`, what its cost is multiplied by in slice
        [s0, s1): its cost drivers' factors, and 0 where it does not exist."""
        out = np.ones((self.costed.size, s1 - s0))
        row = {int(a): i for i, a in enumerate(self.costed)}
        for driver in self.drivers:
            if driver.cost is not None:
                for a in driver.model.activities.tolist():
                    out[row[a]] *= driver.cost[s0:s1]
        for a, exists in self.exists.items():
            out[row[a]] *= exists[s0:s1]
        return out

    @staticmethod
    def needed(plan: Plan) -> bool:
        """Whether the plan has anything for this class to do."""
        net = plan.network
        return net is not None and (bool(plan.drivers) or net.schedule.conditional.size > 0
                                    or net.schedule.weather is not None)

    def scale(self, d: np.ndarray, s0: int, s1: int) -> None:
        """Multiply the durations of slice [s0, s1) by the drivers' factors."""
        for driver in self.drivers:
            if driver.schedule is not None:
                d[driver.model.activities] *= driver.schedule[s0:s1]

    def settle(self, d: np.ndarray, s0: int, s1: int, network: Any, work: Any
               ) -> dict[int, np.ndarray]:
        """Zero the durations of the activities that do not exist in slice [s0, s1),
        then add the working days the weather costs the others; returns the days each
        activity lost to the weather."""
        for a, exists in self.exists.items():
            d[a] *= exists[s0:s1]
        if self.weather is None:
            return {}
        return self.weather.add(d, network, work, s0, s1)

    def missing_critical(self, passes: Any, s0: int, s1: int) -> dict[int, int]:
        """Per activity whose existence is uncertain: the iterations of the slice in
        which it is on a critical path only as a zero-length activity that does not
        exist (left out of its criticality, as it is not there to be critical)."""
        late = getattr(passes, "late_finish", None)
        if late is None or not self.exists:
            return {}
        tol = critical_tolerance(passes.finish)
        out = {}
        for a, exists in self.exists.items():
            critical = (late[a] - passes.early_finish[a]) <= tol
            out[a] = int(np.count_nonzero(critical & ~exists[s0:s1]))
        return out

    def exists_at(self, a: int, columns: np.ndarray) -> np.ndarray | None:
        """Whether activity ``a`` exists at block positions ``columns`` (None: always)."""
        found = self.exists.get(a)
        return None if found is None else found[columns]

    def cost_change(self, d: np.ndarray, factors: np.ndarray) -> np.ndarray | None:
        """What the cost drivers and missing activities change in the slice's cost
        (its activities' costs at the settled durations ``d``, their
        :meth:`cost_factors` ``factors``); None: nothing."""
        if not self.costed.size:
            return None
        net = self.net
        fixed = net.schedule.fixed_cost
        # an activity's cost is (cost per day x duration + fixed cost) x its factor; a
        # missing one has duration 0 already, and factor 0 for its fixed cost
        change = np.zeros(d.shape[1])
        for i, a in enumerate(self.costed.tolist()):
            cost = net.cost_per_day[a] * d[a].astype(float) + fixed[a]
            change += cost * (factors[i] - 1.0)
        return change
