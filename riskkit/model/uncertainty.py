"""Uncertainty by rule: three-point durations as percentages of each activity's duration.

A planning tool's schedule gives one duration per activity (the remaining duration from
the data date). Rather than a three-point estimate typed for each of 4,000 activities,
an :class:`Uncertainty` holds rules such as "90%, 100%, 130%, triangular" for all
activities, or for those under a WBS node, with an activity code value, on a calendar,
or on (or off) the deterministic critical path. :meth:`Uncertainty.apply` returns the
schedule with each covered activity's duration replaced by the rule's distribution of
``min_pct % x d``, ``most_likely_pct % x d``, ``max_pct % x d`` (d: the activity's
planned duration, its ``most_likely``), and its plan's duration by
``most_likely_pct % x d``.

The rules (also in ``docs/schedules.md``):

- **Which rule.** A rule's conditions are its ``wbs`` (the node and everything under
  it, as :mod:`riskkit.model.selectors` reads WBS paths), ``code_type`` = ``code``, its
  ``calendar`` (the activity's calendar name; the schedule's for activities without
  one) and ``critical`` (yes or no: on the deterministic critical path of the schedule
  as given, :meth:`Schedule.cpm`). A rule without conditions covers every activity. Of
  the rules that cover an activity, the most specific wins: a rule is more specific than
  another when it has every condition of the other, each the same or narrower (a WBS
  node under the other's), and one more or a narrower one. When no single rule is more
  specific than every other that covers an activity, that is an error naming the rows
  and the activities (add a rule with both conditions, or narrow one). Two rules with
  the same conditions are an error.
- **What is kept.** Activities no rule covers keep their own estimate. So do, whatever
  the rules say: activities with nothing left to do (zero duration: milestones,
  completed activities), level-of-effort and WBS-summary activities (their length
  follows the work they span in the planning tool, it is not an estimate). An activity
  whose estimate is already a range (from the file, not a single value) keeps it unless
  the rule says ``override``; the activities so kept are named in one warning.
- **Nothing silently dropped.** A rule that applies to no activity (it covers none, or
  more specific rules win every activity it covers) is a warning naming its row.

Percentages are of the planned duration, so ``90, 100, 130`` keeps the plan's own
duration as the most likely value and ``95, 100, 150`` skews it late. The family is
any three-point family of :mod:`riskkit.distributions` (triangular by default; ``pert``,
``uniform``, ``trigen`` whose min and max are then percentiles, ...).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..distributions import Distribution, make_distribution, parse_family
from ..exceptions import InputError, InputWarning, OptionError, Problem
from .schedule import Activity, Schedule
from .selectors import wbs_nodes, wbs_path

__all__ = ["KEPT_KINDS", "UNCERTAINTY_COLUMNS", "Uncertainty", "UncertaintyRule"]

#: The columns of an uncertainty file (conditions, then the estimate).
UNCERTAINTY_COLUMNS: tuple[str, ...] = (
    "wbs", "code_type", "code", "calendar", "critical", "min_pct", "most_likely_pct",
    "max_pct", "distribution", "override",
)
#: Activity kinds whose duration no rule changes: their length follows their links.
KEPT_KINDS: tuple[str, ...] = ("level_of_effort", "wbs_summary")


@dataclass(frozen=True)
class UncertaintyRule:
    """One rule: its conditions (None: any) and its estimate in percent of an
    activity's planned duration (``most_likely`` may be None for a family that needs
    no mode, such as ``uniform``: then the middle of the range).

    Examples
    --------
    >>> rule = UncertaintyRule(90, 100, 130, wbs="PRJ.2")
    >>> rule.distribution_for(10.0)
    Triangular(low=9.0, mode=10.0, high=13.0)
    """

    low: float
    most_likely: float | None
    high: float
    distribution: str = "triangular"
    wbs: str | None = None
    code_type: str | None = None
    code: str | None = None
    calendar: str | None = None
    critical: bool | None = None
    override: bool = False
    parameters: tuple[tuple[str, float], ...] = ()
    row: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        try:
            family = parse_family(self.distribution)
        except OptionError:
            raise InputError(Problem("unknown distribution", row=self.row,
                                     column="distribution", value=str(self.distribution),
                                     hint="triangular, pert, uniform or another family of "
                                          "'riskkit families'")) from None
        object.__setattr__(self, "distribution", family.name)
        object.__setattr__(self, "parameters", tuple(
            (str(k), float(v)) for k, v in dict(self.parameters).items()))
        own = {p.name for p in family.parameters}
        for name, _ in self.parameters:
            if name not in own:
                problems.append(Problem(f"{name} is not a parameter of the {family.name} "
                                        "family", column=name,
                                        hint="set the distribution to a family that takes "
                                             "it, or clear the cell"))
        for name in ("wbs", "code_type", "code", "calendar"):
            value = getattr(self, name)
            object.__setattr__(self, name, str(value).strip() or None
                               if value is not None else None)
        if (self.code is None) != (self.code_type is None):
            problems.append(Problem("an activity code needs its type and its value",
                                    column="code" if self.code is None else "code_type",
                                    hint="give both code_type (such as Area) and code (such "
                                         "as North)"))
        values = {"min_pct": self.low, "most_likely_pct": self.most_likely,
                  "max_pct": self.high}
        for column, value in values.items():
            if value is None and column == "most_likely_pct":
                if family.needs_mode:
                    problems.append(Problem(f"a {family.name} estimate needs its most "
                                            "likely percentage", column=column))
            elif value is None or not math.isfinite(value) or value < 0:
                problems.append(Problem("must be a percentage of the duration, 0 or more",
                                        column=column, value=f"{value}"))
        if not problems:
            try:
                self._estimate(100.0)
            except InputError as exc:
                problems += [replace(p, column=p.column or "min_pct") for p in exc.problems]
        if problems:
            raise InputError([replace(p, row=self.row) for p in problems])

    # -- the estimate ---------------------------------------------------------------
    @property
    def mode(self) -> float:
        """The most likely percentage (the middle of the range when none is given)."""
        if self.most_likely is None:
            return 0.5 * (self.low + self.high)
        return self.most_likely

    def _estimate(self, duration: float) -> Distribution:
        f = duration / 100.0
        return make_distribution(self.distribution, self.low * f, self.mode * f,
                                 self.high * f, **dict(self.parameters))

    def distribution_for(self, duration: float) -> Distribution:
        """The duration distribution of an activity of planned ``duration``."""
        return self._estimate(duration)

    def applied(self, activity: Activity) -> Activity:
        """``activity`` with this rule's estimate of its planned duration."""
        d = activity.most_likely
        return replace(activity, duration=self._estimate(d), most_likely=self.mode * d / 100,
                       distribution=self.distribution)

    @property
    def estimate_text(self) -> str:
        ml = "" if self.most_likely is None else f"{self.most_likely:g}%, "
        return f"{self.low:g}%, {ml}{self.high:g}% {self.distribution}"

    # -- the conditions -------------------------------------------------------------
    @property
    def conditions(self) -> dict[str, Any]:
        """The conditions the rule sets, folded for comparison."""
        out: dict[str, Any] = {}
        if self.wbs is not None:
            out["wbs"] = wbs_path(self.wbs)
        if self.code_type is not None and self.code is not None:
            out["code"] = (self.code_type.casefold(), self.code.casefold())
        if self.calendar is not None:
            out["calendar"] = self.calendar.casefold()
        if self.critical is not None:
            out["critical"] = bool(self.critical)
        return out

    def narrows(self, other: UncertaintyRule) -> bool:
        """Whether this rule has every condition of ``other``, each the same or
        narrower."""
        mine = self.conditions
        for kind, value in other.conditions.items():
            if kind not in mine:
                return False
            if kind == "wbs" and value not in wbs_nodes(mine[kind]):
                return False
            if kind != "wbs" and mine[kind] != value:
                return False
        return True

    def more_specific(self, other: UncertaintyRule) -> bool:
        return self.narrows(other) and not other.narrows(self)

    def describe(self) -> str:
        parts = []
        if self.wbs is not None:
            parts.append(f"WBS {self.wbs}")
        if self.code is not None:
            parts.append(f"{self.code_type}={self.code}")
        if self.calendar is not None:
            parts.append(f"calendar {self.calendar}")
        if self.critical is not None:
            parts.append("critical" if self.critical else "not critical")
        where = f"row {self.row}" if self.row is not None else "the rule"
        return f"{where} ({', '.join(parts) or 'all activities'})"


@dataclass(frozen=True)
class Uncertainty:
    """Rules that give activities three-point durations (see the module's text).

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.Schedule((rk.Activity("A", rk.Fixed(10.0)),
    ...                    rk.Activity("B", rk.Fixed(20.0))),
    ...                   (rk.Link("A", "B"),))
    >>> out = Uncertainty.percent(90, 100, 130).apply(sch)
    >>> out.activity("B").duration
    Triangular(low=18.0, mode=20.0, high=26.0)
    >>> out.duration()
    30.0
    """

    rules: tuple[UncertaintyRule, ...]
    source: str = "<uncertainty>"
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(self.rules))
        problems = []
        first: dict[tuple[Any, ...], UncertaintyRule] = {}
        for rule in self.rules:
            key = tuple(sorted(rule.conditions.items()))
            if key in first:
                problems.append(Problem(
                    f"gives the same conditions as {first[key].describe()}",
                    source=self.source, row=rule.row,
                    hint="keep one rule per set of conditions"))
            else:
                first[key] = rule
        if problems:
            raise InputError(problems)

    @classmethod
    def percent(cls, low: float, most_likely: float | None, high: float,
                distribution: str = "triangular", *, override: bool = False,
                source: str | None = None) -> Uncertainty:
        """One rule for every activity: ``low``, ``most_likely``, ``high`` percent."""
        rule = UncertaintyRule(low, most_likely, high, distribution, override=override)
        return cls((rule,), source or f"uncertainty {rule.estimate_text}")

    def header(self, column: str) -> str:
        return dict(self.headers).get(column, column)

    def apply(self, schedule: Schedule) -> Schedule:
        """``schedule`` with the rules' three-point durations.

        Raises
        ------
        InputError
            Activities that two rules cover and neither is more specific (the rows,
            how many activities and the first of them).
        """
        covered = self._covered(schedule)
        winners, ties = self._winners(covered, len(schedule))
        if ties:
            raise InputError([self._tie(rules, acts, schedule) for rules, acts in ties.items()])
        activities = list(schedule.activities)
        kept: list[str] = []
        for i, r in winners.items():
            a = activities[i]
            rule = self.rules[r]
            if a.most_likely <= 0 or a.kind in KEPT_KINDS or a.status == "complete":
                continue
            if not a.duration.is_fixed and not rule.override:
                kept.append(a.id)
                continue
            activities[i] = rule.applied(a)
        self._warn(schedule, covered, winners, kept)
        return schedule.with_activities(activities)

    # -- steps ----------------------------------------------------------------------
    def _covered(self, schedule: Schedule) -> list[set[int]]:
        """The positions each rule covers."""
        index = schedule.activity_index
        everyone = set(range(len(schedule)))
        critical: list[bool] | None = None
        out = []
        for rule in self.rules:
            hits = set(everyone)
            if rule.wbs is not None:
                hits &= set(index.under(rule.wbs))
            if rule.code_type is not None and rule.code is not None:
                hits &= set(index.with_code(rule.code_type, rule.code))
            if rule.calendar is not None:
                hits &= set(index.on_calendar(rule.calendar))
            if rule.critical is not None:
                if critical is None:
                    critical = [bool(c) for c in schedule.cpm()["critical"]]
                hits &= {i for i in hits if critical[i] == rule.critical}
            out.append(hits)
        return out

    def _winners(self, covered: list[set[int]], count: int
                 ) -> tuple[dict[int, int], dict[tuple[int, ...], list[int]]]:
        """The rule that wins each covered position, and the positions of each tie."""
        candidates: list[list[int]] = [[] for _ in range(count)]
        for r, hits in enumerate(covered):
            for i in hits:
                candidates[i].append(r)
        decided: dict[tuple[int, ...], tuple[int, ...]] = {}
        winners: dict[int, int] = {}
        ties: dict[tuple[int, ...], list[int]] = {}
        for i, cand in enumerate(candidates):
            if not cand:
                continue
            key = tuple(cand)
            best = decided.get(key)
            if best is None:
                rules = self.rules
                best = tuple(r for r in cand if not any(
                    rules[o].more_specific(rules[r]) for o in cand if o != r))
                decided[key] = best
            if len(best) == 1:
                winners[i] = best[0]
            else:
                ties.setdefault(best, []).append(i)
        return winners, ties

    def _tie(self, rules: tuple[int, ...], positions: list[int], schedule: Schedule
             ) -> Problem:
        named = [self.rules[r] for r in rules]
        ids = [schedule.ids[i] for i in positions]
        shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8:,} more" if len(ids) > 8 else "")
        return Problem(
            f"{' and '.join(r.describe() for r in named)} both cover {len(ids):,} "
            f"{'activity' if len(ids) == 1 else 'activities'} ({shown}) and neither is "
            f"more specific", source=self.source, row=named[0].row,
            hint="add a rule with both conditions for them, or narrow one of the rules")

    def _warn(self, schedule: Schedule, covered: list[set[int]], winners: Mapping[int, int],
              kept: list[str]) -> None:
        won = set(winners.values())
        idle = [rule.describe() + (" covers no activity of " + schedule.source
                                   if not covered[r] else " applies to no activity: more "
                                   "specific rules win each one it covers")
                for r, rule in enumerate(self.rules) if r not in won]
        if idle:
            warnings.warn(f"{self.source}: " + "; ".join(idle), InputWarning, stacklevel=3)
        if kept:
            shown = ", ".join(kept[:8]) + (f" and {len(kept) - 8:,} more"
                                           if len(kept) > 8 else "")
            warnings.warn(
                f"{self.source}: {len(kept):,} "
                f"{'activity keeps its' if len(kept) == 1 else 'activities keep their'} "
                f"own three-point estimate from {schedule.source} ({shown}); "
                + (f"say yes in the rule's {self.header('override')!r} column"
                   if self.headers else "give the rule override=True (an uncertainty file: "
                   "an 'override' column saying yes)") + " to replace them",
                InputWarning, stacklevel=3)
