"""Which mitigations to fund: net value within a budget, the cheapest set that meets a
target, and the efficient frontier of spend against P80 cost and finish.

Benefits of mitigations are not additive: two parallel paths that each carry a risk
are worth nothing to mitigate alone and the whole delay together, and two mitigations of
risks on one path overlap. So every set considered here is simulated as one variant of
the baseline, on the ranking's random numbers (common random numbers: the figures of
two sets differ only by what their mitigations change), and the searches compare sets,
never sums of single figures. :class:`SetEvaluator` simulates each set once.

The searches (see METHODS.md, "Choosing mitigations"):

- **net value** (the default objective): with at most :data:`EXACT_LIMIT` mitigations
  every set within the budget is evaluated and the one with the largest net value
  (benefit − cost) is funded. With more, a forward selection adds the mitigation (or,
  when no single one helps, the pair) with the largest gain in net value, then a
  backward pass drops any funded mitigation whose marginal net value, given the others,
  is not positive, and the two alternate until neither changes the set. With more than
  :data:`GREEDY_LIMIT` the search starts from the ranking's mitigations with a positive
  single net value (in its order, within the budget) rather than from none. Either way every
  funded mitigation adds net value given the others: nothing funded destroys value.
- **benefit**: the largest gross benefit within the budget (an exact knapsack on the
  ranking's single figures, then the chosen set simulated together) — the explicit
  "spend the budget on risk reduction" option.
- **target**: the cheapest set whose P80 finish (or P80 cost, mitigation spend included)
  meets a target: exact with few mitigations, otherwise a greedy search by progress per
  unit of spend followed by pruning; the answer is the cheapest of all the sets it
  evaluated that meet the target, and "not reachable" when none does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputWarning, OptionError
from ..model import Calendar, RiskRegister, Schedule, parse_day
from ..sim import RunOptions, simulate_variants
from . import columns as C
from .ranking import check_percentile, check_value_per_day, knapsack, rank_mitigations
from .reductions import VariantEffects
from .results import Baseline, Effect, Frontier, MitigationSet, Ranking, Selection

__all__ = ["EXACT_LIMIT", "GREEDY_LIMIT", "OBJECTIVES", "PAIR_LIMIT", "SetEvaluator",
           "efficient_frontier", "select_mitigations"]

#: With at most this many candidate mitigations every subset is evaluated (2^10 sets).
EXACT_LIMIT = 10
#: Pairs are tried among at most this many candidates (the ranking's first ones).
PAIR_LIMIT = 40
#: With more candidates than this, the net-value search starts from the ranking's
#: mitigations with a positive single net value (within the budget) instead of from none.
GREEDY_LIMIT = 40
#: Sets simulated in one run (bounds the memory of the change table).
BATCH = 256
OBJECTIVES = ("net", "benefit")


@dataclass(frozen=True)
class SetValue:
    """One set of mitigations simulated together: what it costs and what it does."""

    ids: frozenset[str]
    mitigation_cost: float
    effect: Effect
    baseline: Baseline
    value_per_day: float

    @property
    def benefit(self) -> float:
        """Expected cost reduction + value per day x expected delay reduction."""
        e = self.effect
        return e.expected_cost_reduction + self.value_per_day * e.expected_delay_reduction

    @property
    def net(self) -> float:
        return self.benefit - self.mitigation_cost

    @property
    def percentile_cost(self) -> float:
        """The set's percentile cost, its mitigations' cost included."""
        return (self.baseline.percentile_cost - self.effect.percentile_cost_reduction
                + self.mitigation_cost)

    @property
    def percentile_finish(self) -> float:
        """The set's percentile duration (working days)."""
        return self.baseline.percentile_schedule - self.effect.percentile_delay_reduction

    def as_set(self, order: Sequence[str]) -> MitigationSet:
        return MitigationSet(tuple(i for i in order if i in self.ids), self.mitigation_cost,
                             self.effect, self.value_per_day)


class SetEvaluator:
    """Sets of mitigations, each simulated once as one variant on the same random
    numbers (the ranking's, unless ``options`` says otherwise)."""

    def __init__(self, register: RiskRegister, schedule: Schedule | None,
                 options: RunOptions, costs: dict[str, float], percentile: float,
                 value_per_day: float):
        self.register, self.schedule = register, schedule
        self.options = options.replace(progress=False)
        self.costs, self.q, self.vpd = costs, percentile, value_per_day
        self.cache: dict[frozenset[str], SetValue] = {}
        self.baseline: Baseline | None = None
        self.runs = 0

    def cost(self, ids: Iterable[str]) -> float:
        return float(sum(self.costs[i] for i in ids))

    def __call__(self, sets: Iterable[frozenset[str]]) -> list[SetValue]:
        sets = list(sets)
        new = [s for s in dict.fromkeys(sets) if s not in self.cache]
        if self.baseline is None and frozenset() not in new:
            new.append(frozenset())
        for start in range(0, len(new), BATCH):
            self._run(new[start:start + BATCH])
        return [self.cache[s] for s in sets]

    def one(self, ids: Iterable[str]) -> SetValue:
        return self([frozenset(ids)])[0]

    def _run(self, batch: list[frozenset[str]]) -> None:
        variants = [{i: "mitigated" for i in sorted(s)} for s in batch]
        with warnings.catch_warnings():  # the ranking said what the register lacks
            warnings.simplefilter("ignore", InputWarning)
            run = simulate_variants(self.register, self.schedule, variants,
                                    options=self.options, label="select mitigations")
        self.runs += 1
        q = self.q
        if self.baseline is None:
            self.baseline = Baseline(q, float(run.base_cost.mean()),
                                     float(np.percentile(run.base_cost, 100 * q)),
                                     float(run.base_schedule.mean()),
                                     float(np.percentile(run.base_schedule, 100 * q)))
        effects = VariantEffects.of(run, q)
        for v, s in enumerate(batch):
            effect = effects.effect(v) if s else Effect(q, 0.0, 0.0, 0.0, 0.0)
            self.cache[s] = SetValue(s, self.cost(s), effect, self.baseline, self.vpd)


def _affordable(ev: SetEvaluator, base: frozenset[str], adds: Iterable[Sequence[str]],
                budget: float) -> list[frozenset[str]]:
    room = budget - ev.cost(base)
    return [base | frozenset(a) for a in adds if ev.cost(a) <= room + 1e-9]


def _subsets(ev: SetEvaluator, candidates: Sequence[str], budget: float,
             smallest: int = 0) -> list[frozenset[str]]:
    """Every set of at least ``smallest`` of ``candidates`` within ``budget``."""
    return [frozenset(c) for k in range(smallest, len(candidates) + 1)
            for c in combinations(candidates, k) if ev.cost(c) <= budget + 1e-9]


def _larger(ev: SetEvaluator, current: SetValue, candidates: Sequence[str],
            pairs: Sequence[tuple[str, str]], budget: float,
            better: Callable[[SetValue], bool]) -> list[SetValue]:
    """The affordable sets one mitigation larger than ``current`` that are ``better``;
    when there are none, those one pair larger (pairs that only pay together)."""
    for adds in ([(m,) for m in candidates if m not in current.ids],
                 [p for p in pairs if not set(p) & current.ids]):
        trial = [v for v in ev(_affordable(ev, current.ids, adds, budget)) if better(v)]
        if trial:
            return trial
    return []


def _better_net(a: SetValue, b: SetValue | None) -> bool:
    """More net value; on a tie, cheaper, then fewer mitigations."""
    if b is None:
        return True
    if a.net != b.net:
        return a.net > b.net
    if a.mitigation_cost != b.mitigation_cost:
        return a.mitigation_cost < b.mitigation_cost
    return len(a.ids) < len(b.ids)


def _tolerance(value: float) -> float:
    return 1e-9 * max(1.0, abs(value))


def best_net(ev: SetEvaluator, candidates: Sequence[str], budget: float) -> SetValue:
    """The set of ``candidates`` within ``budget`` with the largest net value (see the
    module docstring for the search)."""
    if len(candidates) <= EXACT_LIMIT:
        best: SetValue | None = None
        for value in ev(_subsets(ev, candidates, budget)):
            if _better_net(value, best):
                best = value
        assert best is not None
        return best
    current = ev.one(_seed(ev, candidates, budget) if len(candidates) > GREEDY_LIMIT else ())
    seen = {current.ids}
    pairs = list(combinations(candidates[:PAIR_LIMIT], 2))
    for _ in range(4 * len(candidates) + 4):  # each round gains net value; bounded anyway
        changed = False
        while True:  # forward: the best single addition, else the best pair
            def gains(v: SetValue, floor: float = current.net + _tolerance(current.net)
                      ) -> bool:
                return v.net > floor

            trial = _larger(ev, current, candidates, pairs, budget, gains)
            step = max(trial, key=lambda v: (v.net, -v.mitigation_cost)) if trial else None
            if step is None or step.ids in seen:
                break
            current, changed = step, True
            seen.add(current.ids)
        while current.ids:  # backward: drop what does not pay given the others
            members = sorted(current.ids)
            without = ev([current.ids - {m} for m in members])
            idle = [m for m, v in zip(members, without) if v.net >= current.net]
            if not idle:  # every funded mitigation adds net value
                break
            worst = max(without, key=lambda v: (v.net, -v.mitigation_cost))
            if len(idle) > 1 and len(candidates) > GREEDY_LIMIT:
                # many at once (a seeded start): then check the smaller set as a whole
                smaller = ev.one(current.ids - set(idle))
                worst = smaller if smaller.net >= worst.net else worst
            current, changed = worst, True
            seen.add(current.ids)
        if not changed:
            break
    return current


def _seed(ev: SetEvaluator, candidates: Sequence[str], budget: float) -> frozenset[str]:
    """A start for a search among many mitigations: in the ranking's order (value for
    money one at a time), each whose single net value is positive, while the budget
    lasts (one run of the single sets, usually the ranking's own numbers)."""
    singles = ev([frozenset((m,)) for m in candidates])
    chosen: list[str] = []
    spend = 0.0
    for m, v in zip(candidates, singles):
        if v.net > 0 and spend + v.mitigation_cost <= budget + 1e-9:
            chosen.append(m)
            spend += v.mitigation_cost
    return frozenset(chosen)


def cheapest_meeting(ev: SetEvaluator, candidates: Sequence[str], budget: float,
                     metric: str, target: float) -> tuple[SetValue | None, SetValue]:
    """The cheapest set evaluated whose ``metric`` ("percentile_finish" or
    "percentile_cost") is at most ``target``, or None; and the best set evaluated
    by that metric (to report how close the search came)."""

    def value_of(v: SetValue) -> float:
        return float(getattr(v, metric))

    def meets(v: SetValue) -> bool:
        return value_of(v) <= target + 1e-9 * max(1.0, abs(target))

    ev.one(())
    everything = frozenset(candidates)
    if ev.cost(everything) <= budget + 1e-9:
        ev.one(everything)
    if len(candidates) <= EXACT_LIMIT:
        ev(_subsets(ev, candidates, budget, smallest=1))
    elif not meets(ev.one(())):
        current = ev.one(())
        pairs = list(combinations(candidates[:PAIR_LIMIT], 2))
        while not meets(current):
            def closer(v: SetValue, ceiling: float = value_of(current) - 1e-9) -> bool:
                return value_of(v) < ceiling

            trial = _larger(ev, current, candidates, pairs, budget, closer)
            if not trial:
                break

            def progress(v: SetValue, base: SetValue = current) -> float:
                spend = v.mitigation_cost - base.mitigation_cost
                gain = value_of(base) - value_of(v)
                return math.inf if spend <= 0 else gain / spend

            current = max(trial, key=lambda v: (meets(v), progress(v), -v.mitigation_cost))
        if meets(current):  # prune: the dearest first, while the target still holds
            for m in sorted(current.ids, key=lambda i: -ev.costs[i]):
                smaller = ev.one(current.ids - {m})
                if meets(smaller):
                    current = smaller
    found = [v for v in ev.cache.values() if v.mitigation_cost <= budget + 1e-9]
    meeting = [v for v in found if meets(v)]
    closest = min(found, key=lambda v: (value_of(v), v.mitigation_cost))
    if not meeting:
        return None, closest
    return min(meeting, key=lambda v: (v.mitigation_cost, value_of(v), len(v.ids))), closest


def _ranking_of(ranking_or_register: Ranking | RiskRegister, schedule: Schedule | None,
                options: RunOptions | None, value_per_day: float | None,
                percentile: float | None, run: dict[str, Any]
                ) -> tuple[Ranking, RiskRegister | None]:
    if isinstance(ranking_or_register, RiskRegister):
        ranking = rank_mitigations(ranking_or_register, schedule, options=options,
                                   value_per_day=value_per_day,
                                   percentile=0.8 if percentile is None else percentile, **run)
        return ranking, ranking_or_register
    if isinstance(ranking_or_register, Ranking):
        return ranking_or_register, None
    raise OptionError("ranking_or_register", type(ranking_or_register).__name__,
                      "a Ranking from rank_mitigations or a RiskRegister")


def _evaluator(ranking: Ranking, register: RiskRegister, schedule: Schedule | None,
               options: RunOptions | None, value_per_day: float | None,
               percentile: float | None, run: dict[str, Any]) -> SetEvaluator:
    if options is None:  # the ranking's random numbers and iterations unless told otherwise
        defaults = {"rng": ranking.seed_sequence, "iterations": ranking.iterations,
                    "sampling": ranking.sampling}
        run = {**defaults, **{k: v for k, v in run.items() if v is not None}}
    options = RunOptions.of(options, **run)
    table = ranking.table
    costs = dict(zip(table[C.ID], table[C.MITIGATION_COST].fillna(0.0).astype(float)))
    q = check_percentile(ranking.percentile if percentile is None else percentile)
    return SetEvaluator(register, schedule, options, costs, q,
                        _value_per_day(ranking, value_per_day))


def _value_per_day(ranking: Ranking, given: float | None) -> float:
    """The value of a day: the one given, else the ranking's own."""
    return check_value_per_day(ranking.value_per_day if given is None else given)


def _check_amount(name: str, value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
            not math.isfinite(value) or value < 0:
        raise OptionError(name, value, what)
    return float(value)


def _target(target_finish: Any, target_cost: Any, start: Any, schedule: Schedule | None,
            holidays: Iterable[Any] | None) -> tuple[str, float, str] | None:
    """(metric, target, as the user wrote it) of a target question, or None."""
    if target_finish is not None and target_cost is not None:
        raise OptionError("target_finish", target_finish,
                          "one target at a time: target_finish or target_cost")
    if target_cost is not None:
        value = _check_amount("target_cost", target_cost, "an amount (the P80 cost to reach)")
        return "percentile_cost", value, f"{value:,.0f}"
    if target_finish is None:
        return None
    if isinstance(target_finish, (int, float, np.floating)) and not isinstance(
            target_finish, bool):
        days = _check_amount("target_finish", target_finish,
                             "working days from the start, or a date with start=")
        return "percentile_finish", days, f"{days:g} working days"
    if start is None:
        raise OptionError("start", None, "the project start date, to read target_finish "
                          f"{target_finish!s} as a date (or give it in working days)")
    calendar = Calendar.of(
        holidays, default=schedule.calendar if schedule is not None else None)
    day = parse_day(target_finish, "target_finish")
    days = calendar.working_days_through(start, day)
    return "percentile_finish", float(days), str(day)


def select_mitigations(
    ranking_or_register: Ranking | RiskRegister,
    budget: float | None = None,
    schedule: Schedule | None = None,
    *,
    register: RiskRegister | None = None,
    objective: str = "net",
    target_finish: Any = None,
    target_cost: float | None = None,
    start: Any = None,
    holidays: Iterable[Any] | None = None,
    options: RunOptions | None = None,
    value_per_day: float | None = None,
    percentile: float | None = None,
    **run: Any,
) -> Selection:
    """Choose the mitigations to fund.

    - Default (``objective="net"``): the largest net value (benefit − mitigation cost)
      within ``budget`` (no budget: any spend), every set simulated as one variant so
      interactions count; no funded mitigation has a marginal net value ≤ 0 given the
      others.
    - ``objective="benefit"``: the largest gross benefit within ``budget`` (an exact
      knapsack on the ranking's single figures), then confirmed together.
    - ``target_finish`` (working days, or a date with ``start=``; working days by the
      schedule's calendar, or Monday to Friday without ``holidays``) or ``target_cost``
      (the P80 cost, mitigation spend included): the cheapest set found that meets it,
      within ``budget`` if given; ``Selection.reached`` is False when no set evaluated
      meets it.

    Joint evaluation needs the register (passed first, or as ``register=``); with a
    ranking alone the single figures are treated as additive, and the selection says so
    (``Selection.joint`` is False). ``value_per_day`` and ``percentile`` default to the
    ranking's own, the random numbers to the ranking's.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> chosen = rk.select_mitigations(reg, 50_000, iterations=2_000, rng=1)
    >>> chosen.mitigation_cost <= 50_000
    True
    """
    limit = math.inf if budget is None else _check_amount(
        "budget", budget, "a non-negative amount")
    if objective not in OBJECTIVES:
        raise OptionError("objective", objective, " or ".join(repr(o) for o in OBJECTIVES))
    ranking, given = _ranking_of(ranking_or_register, schedule, options, value_per_day,
                                 percentile, run)
    register = given or register
    target = _target(target_finish, target_cost, start, schedule, holidays)
    table = ranking.table
    ids = list(table[C.ID])
    costs = table[C.MITIGATION_COST].fillna(0.0).to_numpy(dtype=float)
    vpd = _value_per_day(ranking, value_per_day)
    benefits = (table[C.EXPECTED_COST_REDUCTION].to_numpy(dtype=float)
                + vpd * table[C.EXPECTED_DELAY_REDUCTION].to_numpy(dtype=float))
    additive = dict(zip(ids, benefits))
    if register is None:
        if target is not None:
            raise OptionError("register", None, "the register, to simulate the sets a "
                              "target search compares (pass it first or as register=)")
        values = benefits if objective == "benefit" else benefits - costs
        pick = knapsack(values, costs, limit)
        return _selection(table, pick, budget, objective, None, None, False, 0,
                          ranking, additive)
    ev = _evaluator(ranking, register, schedule, options, value_per_day, percentile, run)
    if target is not None:
        metric, goal, written = target
        found, closest = cheapest_meeting(ev, ids, limit, metric, goal)
        chosen = found if found is not None else closest
        pick = np.array([i in chosen.ids for i in ids], dtype=bool)
        return _selection(table, pick, budget, "target", chosen.as_set(ids),
                          (metric, goal, written, found is not None), True, len(ev.cache),
                          ranking, additive, closest=closest)
    if objective == "benefit":
        pick = knapsack(benefits, costs, limit)
        value = ev.one(i for i, p in zip(ids, pick) if p)
    else:
        value = best_net(ev, ids, limit)
        pick = np.array([i in value.ids for i in ids], dtype=bool)
    return _selection(table, pick, budget, objective, value.as_set(ids), None, True,
                      len(ev.cache), ranking, additive)


def _selection(table: pd.DataFrame, pick: np.ndarray, budget: float | None, objective: str,
               confirmed: MitigationSet | None, target: tuple[str, float, str, bool] | None,
               joint: bool, evaluated: int, ranking: Ranking, additive: dict[str, float],
               closest: SetValue | None = None) -> Selection:
    chosen = table.iloc[np.flatnonzero(pick)].reset_index(drop=True)
    spend = float(chosen[C.MITIGATION_COST].fillna(0.0).sum())
    summed = float(sum(additive[i] for i in chosen[C.ID]))
    return Selection(chosen, math.inf if budget is None else float(budget), spend, summed,
                     confirmed, ranking.seed_sequence, objective=objective,
                     target=None if target is None else target[:3],
                     reached=None if target is None else target[3], joint=joint,
                     sets_evaluated=evaluated,
                     closest=None if closest is None else closest.as_set(list(table[C.ID])))


def efficient_frontier(
    ranking_or_register: Ranking | RiskRegister,
    schedule: Schedule | None = None,
    *,
    register: RiskRegister | None = None,
    order: str = "greedy",
    points: int | None = None,
    options: RunOptions | None = None,
    value_per_day: float | None = None,
    percentile: float | None = None,
    **run: Any,
) -> Frontier:
    """Spend on mitigation against P80 cost (spend included) and P80 finish.

    Each point is a set of mitigations simulated together, from none to all.
    ``order="greedy"`` (the default): each step adds the mitigation that, with those
    already chosen, buys the most per unit of spend — P80 cost reduction plus
    ``value_per_day`` x P80 finish reduction, free ones first (one run per step).
    ``order="ranking"``: the ranking's order (its value for money one at a time), all
    points in one run — for registers with many mitigations. ``points`` keeps that many
    evenly spaced steps (the first and last always). ``Frontier.efficient`` marks the
    points that no cheaper point beats on both P80 cost and P80 finish.
    """
    if order not in ("greedy", "ranking"):
        raise OptionError("order", order, "'greedy' or 'ranking'")
    if points is not None and (isinstance(points, bool) or not isinstance(points, int)
                               or points < 2):
        raise OptionError("points", points, "a whole number of points, 2 or more")
    ranking, given = _ranking_of(ranking_or_register, schedule, options, value_per_day,
                                 percentile, run)
    register = given or register
    if register is None:
        raise OptionError("register", None, "the register, to simulate each point of the "
                          "frontier (pass it first or as register=)")
    ev = _evaluator(ranking, register, schedule, options, value_per_day, percentile, run)
    ids = list(ranking.table[C.ID])
    if order == "ranking":
        steps = _thinned(len(ids), points)
        nested = [frozenset(ids[:k]) for k in steps]
        values = ev(nested)
        path: list[tuple[str, SetValue]] = [
            (", ".join(ids[a:b]), v) for a, b, v in zip([0, *steps], steps, values)]
    else:
        path = _greedy_path(ev, ids)
        keep = _thinned(len(ids), points)
        path = [path[k] for k in keep]
    q = ev.q
    rows = [{"step": k, "added": new, "mitigations": len(v.ids),
             C.MITIGATION_COST: v.mitigation_cost, C.percentile_cost(q): v.percentile_cost,
             C.percentile_finish(q): v.percentile_finish, C.TOTAL_BENEFIT: v.benefit,
             C.NET_BENEFIT: v.net} for k, (new, v) in enumerate(path)]
    frame = pd.DataFrame(rows)
    cost, finish = frame[C.percentile_cost(q)].to_numpy(), frame[C.percentile_finish(q)].to_numpy()
    spend = frame[C.MITIGATION_COST].to_numpy()
    frame["efficient"] = [not bool(np.any((spend[:k] <= spend[k]) & (cost[:k] <= cost[k])
                                          & (finish[:k] <= finish[k]))) for k in range(len(frame))]
    assert ev.baseline is not None
    return Frontier(frame, ev.baseline, q, ev.vpd, ranking.seed_sequence,
                    tuple(tuple(i for i in ids if i in v.ids) for _, v in path))


def _thinned(count: int, points: int | None) -> list[int]:
    """Steps 0..count, or ``points`` of them evenly spaced (first and last kept)."""
    if points is None or points >= count + 1:
        return list(range(count + 1))
    return sorted({round(k * count / (points - 1)) for k in range(points)})


def _greedy_path(ev: SetEvaluator, ids: Sequence[str]) -> list[tuple[str, SetValue]]:
    current = ev.one(())
    path = [("", current)]
    while len(current.ids) < len(ids):
        trial = ev([current.ids | {m} for m in ids if m not in current.ids])

        def worth(v: SetValue, base: SetValue = current) -> tuple[float, float]:
            spend = v.mitigation_cost - base.mitigation_cost
            gain = (v.effect.percentile_cost_reduction - base.effect.percentile_cost_reduction
                    + ev.vpd * (base.percentile_finish - v.percentile_finish))
            if spend > 0:
                return gain / spend, gain
            return (math.inf if gain > 0 else 0.0), gain

        step = max(trial, key=worth)
        path.append((next(iter(step.ids - current.ids)), step))
        current = step
    return path
