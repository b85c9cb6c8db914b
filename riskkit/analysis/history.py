"""The register over time: what changed between two snapshots, and why the totals moved.

:func:`compare` simulates both snapshots on common random numbers. Every random
stream is keyed by the risk's id (:mod:`riskkit.seeds`), so a risk that did not change
draws exactly the same impacts in the same iterations in both runs, and the difference
between the two runs is the effect of the changes alone, without Monte Carlo noise
between them.

Each changed risk is one :class:`Change` of one kind (:data:`KINDS`):

- ``new``: simulated in the new snapshot only (added, or re-opened);
- ``closed``: simulated in the old one only (closed, realised as an issue, or gone);
- ``mitigation``: a mitigation added, revised or dropped, or *realised*: the risk's
  current values are now the old post-mitigation values;
- ``impact``: cost or schedule impacts (or their family) re-assessed;
- ``probability``: the probability re-assessed (a risk re-assessed in both is two
  changes, one of each kind: in a combination with only one of the kinds, the old risk
  with that part applied; a mitigation edited at the same time goes with the whole);
- ``other``: the activities, correlation group or project changed;
- ``schedule``: the schedule changed between the snapshots (``compare(old, new,
  schedule, new_schedule=...)``): activities added, removed or re-estimated, links,
  calendars, the start or the data date. One change (id :data:`SCHEDULE_ID`) whose
  effect is the old register on the new schedule minus the old snapshot.

A change's effect is the old snapshot with that one change applied, minus the old
snapshot: for a new risk its own contribution, for a closed one minus its
contribution.

The **attribution** of the total movement (new − old, for mean and P80 of cost and
schedule) to the kinds is the Shapley value of the kinds: the value of a set of kinds
is the statistic of the old snapshot with the changes of those kinds applied, and a
kind gets its marginal effect averaged over every order of applying the kinds. It is
the one attribution that adds up exactly to new − old (the P80 of a sum is not the sum
of the P80s, so effects taken one at a time do not), treats the kinds symmetrically
(no order of application has to be chosen, and none changes the answer), and gives 0
to a kind that changes nothing. With k kinds present it needs the 2^k combinations.

How the combinations are evaluated:

- *separable* models (no schedule, or no changed risk acting on activities): a risk's
  cost and delay add into the totals, so each combination is the old run's totals
  plus the changes' per-iteration differences, taken from the changed risks' own
  draws (the same streams, simulated once); only the 2^k percentiles are computed.
  Every set, all the kinds included, is the old totals plus those differences, so a
  kind that changes nothing gets exactly 0; the attribution adds up to the new run's
  statistic minus the old one's to floating-point precision (the new run sums the
  same numbers in another order);
- otherwise (changed risks on the network, or a schedule change) each combination is
  a register simulated in full (2^k − 2 runs, plus one per change for the changes' own
  effects), on the same streams: a combination with the kind "schedule" on the new
  schedule, one without it on the old. Activities' streams are keyed by their ids, so
  an activity that did not change draws the same durations on both.
"""

from __future__ import annotations

import html
import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from .._format import money
from ..io.snapshots import Rename, Snapshot, check_pair, renames
from ..model import Risk, RiskRegister, Schedule
from ..result import SimulationResult
from ..sim import RunOptions, simulate
from ..sim.changes import ChangeTable, pair_differences
from ..sim.variants import baseline_result, simulate_variants
from .reductions import Reductions, lerp
from .schedules import schedule_change

__all__ = ["KINDS", "METRICS", "SCHEDULE_ID", "Change", "Comparison", "classify", "compare",
           "schedule_change", "shapley", "signed_money"]

#: The kinds of change, in the order tables list them.
KINDS = ("new", "closed", "probability", "impact", "mitigation", "other", "schedule")
#: The id of the change of kind "schedule" (not a risk's).
SCHEDULE_ID = "(schedule)"
#: The statistics every change and every kind's attribution carries.
METRICS = ("cost_mean", "cost_p80", "schedule_mean", "schedule_p80")

_IMPACT_FIELDS = ("cost", "schedule", "distribution")
_MITIGATION_FIELDS = ("mitigation", "mitigation_cost", "mitigated", "has_mitigation")
_OTHER_FIELDS = ("activities", "correlation_group", "project")


@dataclass(frozen=True)
class Change:
    """One risk's change between two snapshots and its effect (the old snapshot with
    this change alone applied, minus the old snapshot) on the mean and P80 of cost
    and schedule."""

    id: str
    kind: str
    detail: str
    fields: tuple[str, ...] = ()
    title: str | None = None
    cost_mean: float = 0.0
    cost_p80: float = 0.0
    schedule_mean: float = 0.0
    schedule_p80: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The object of ``compare --json``'s ``changes``."""
        return {"id": self.id, "kind": self.kind, "detail": self.detail,
                "fields": list(self.fields), "title": self.title,
                **{m: float(getattr(self, m)) for m in METRICS}}


def classify(old: Risk | None, new: Risk | None) -> tuple[str, str, tuple[str, ...]] | None:
    """The kind, a line of detail and the changed fields of a risk between two
    snapshots (either None when the risk is not in that register), or None when
    nothing a simulation reads changed."""
    was = old is not None and old.simulated
    now = new is not None and new.simulated
    if not was and not now:
        return None
    if not was:
        assert new is not None
        return "new", ("re-opened" if old is not None else "added"), ()
    assert old is not None
    if not now:
        if new is None:
            return "closed", "no longer in the register", ()
        return "closed", ("realised (now an issue)" if new.realised else "closed"), ()
    assert new is not None
    changed = tuple(f for f in ("probability", *_IMPACT_FIELDS, *_MITIGATION_FIELDS,
                                *_OTHER_FIELDS) if getattr(old, f) != getattr(new, f))
    if not changed:
        return None
    current = {"probability", *_IMPACT_FIELDS} & set(changed)
    if current and old.mitigated is not None and new.current == old.mitigated:
        return "mitigation", "mitigation realised: now at its post-mitigation values", changed
    if set(_OTHER_FIELDS) & set(changed):
        return "other", "re-assessed: " + ", ".join(changed), changed
    if set(_IMPACT_FIELDS) & set(changed):
        return "impact", "re-assessed: " + ", ".join(c for c in changed if c in current), changed
    if "probability" in changed:
        return ("probability", f"probability {old.probability:.0%} -> {new.probability:.0%}",
                changed)
    if not old.has_mitigation and new.has_mitigation:
        detail = "mitigation added"
    elif old.has_mitigation and not new.has_mitigation:
        detail = "mitigation dropped"
    else:
        detail = "mitigation revised"
    return "mitigation", detail, changed


@dataclass(frozen=True)
class Comparison:
    """Two snapshots on common random numbers: both results, every change with its
    effect, and the attribution of the movement to the kinds of change (``attribution
    [kind][metric]``, adding up to ``movement(metric)``)."""

    old: SimulationResult
    new: SimulationResult
    changes: tuple[Change, ...]
    attribution: Mapping[str, Mapping[str, float]]
    renames: tuple[Rename, ...] = ()
    old_as_of: np.datetime64 | None = None
    new_as_of: np.datetime64 | None = None
    #: "separable" (combinations from per-iteration differences) or "simulated"
    method: str = "separable"
    currency: str | None = field(default=None)
    #: the old and the new register (for the heat-map trajectories of the pack)
    registers: tuple[RiskRegister, RiskRegister] | None = field(default=None, repr=False)

    def stat(self, result: SimulationResult, metric: str) -> float:
        name, stat = metric.split("_")
        values = result.values(name)
        return float(values.mean()) if stat == "mean" else float(np.percentile(values, 80))

    def movement(self, metric: str = "cost_p80") -> float:
        """New minus old for one of :data:`METRICS`."""
        return self.stat(self.new, metric) - self.stat(self.old, metric)

    def change(self, risk_id: str) -> Change:
        """The change of risk ``risk_id``."""
        for c in self.changes:
            if c.id == risk_id:
                return c
        raise KeyError(risk_id)

    def to_frame(self) -> pd.DataFrame:
        """The changes, largest effect on the cost P80 first."""
        rows = [c.to_dict() for c in self.changes]
        frame = pd.DataFrame(rows, columns=["id", "kind", "detail", "fields", "title",
                                            *METRICS])
        return frame.sort_values("cost_p80", key=np.abs, ascending=False,
                                 kind="stable").reset_index(drop=True)

    def attribution_frame(self) -> pd.DataFrame:
        """Kinds x metrics, with a total row equal to new − old."""
        frame = pd.DataFrame.from_dict({k: dict(v) for k, v in self.attribution.items()},
                                       orient="index", columns=list(METRICS))
        frame.loc["total"] = [self.movement(m) for m in METRICS]
        return frame

    def _stats(self, result: SimulationResult, as_of: np.datetime64 | None) -> dict:
        out = result.to_dict()
        keep = {k: out[k] for k in ("iterations", "seed", "risks", "excluded", "currency",
                                    "cost", "schedule")}
        keep["as_of"] = str(as_of) if as_of is not None else None
        keep["source"] = getattr(result, "source", None)
        return keep

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``riskkit compare --json`` (DESIGN.md)."""
        return {"old": self._stats(self.old, self.old_as_of),
                "new": self._stats(self.new, self.new_as_of),
                "changes": [c.to_dict() for c in self.changes],
                "attribution": {k: {m: float(v[m]) for m in METRICS}
                                for k, v in self.attribution.items()},
                "movement": {m: self.movement(m) for m in METRICS},
                "renames": [{"old_id": r.old_id, "new_id": r.new_id, "title": r.title}
                            for r in self.renames],
                "method": self.method}

    def __repr__(self) -> str:
        return (f"Comparison({len(self.changes)} changes, cost P80 "
                f"{signed_money(self.movement('cost_p80'), self.currency)})")

    def _repr_html_(self) -> str:
        head = (f"<p><b>Comparison</b>: {len(self.changes)} changes; cost P80 moved "
                f"{html.escape(signed_money(self.movement('cost_p80'), self.currency))}"
                "</p>")
        return (head + self.attribution_frame().to_html(float_format="{:,.2f}".format)
                + self.to_frame().head(20).to_html(index=False))


def signed_money(value: float, currency: str | None = None) -> str:
    """An amount with its sign: "+£180k", "-9,250", "0"."""
    return ("+" if value > 0 else "") + money(value, currency)


def compare(
    old: Any,
    new: Any,
    schedule: Schedule | None = None,
    *,
    new_schedule: Schedule | None = None,
    iterations: int = 10_000,
    seed: Any = None,
    options: RunOptions | None = None,
    method: str = "auto",
) -> Comparison:
    """Compare two snapshots of a register on common random numbers.

    Parameters
    ----------
    old, new : Snapshot, RiskRegister or path
        The earlier and the later snapshot.
    schedule : Schedule, optional
        The schedule both are simulated with or, with ``new_schedule``, the old
        snapshot's.
    new_schedule : Schedule, optional
        The new snapshot's schedule when it changed: the change is one of kind
        "schedule" (:func:`schedule_change` says what changed; a schedule that reads
        the same is no change at all and contributes exactly 0).
    iterations, seed
        As ``iterations`` and ``rng`` of :func:`riskkit.simulate` (one seed for both:
        that is what makes the comparison exact); ``options`` overrides them.
    method : "auto", "separable" or "simulated"
        How the combinations of kinds are evaluated (see the module's notes); "auto"
        takes "separable" whenever the model allows it. Both give the same numbers to
        floating-point precision.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import riskkit as rk
    >>> c = rk.compare("sample_registers/office_fitout_2024-01.csv",
    ...                "sample_registers/office_fitout_2024-02.csv", iterations=2_000, seed=1)
    >>> abs(sum(v["cost_p80"] for v in c.attribution.values()) - c.movement("cost_p80")) < 0.01
    True
    """
    a, b = Snapshot.of(old), Snapshot.of(new)
    check_pair(a, b)
    options = options or RunOptions.of(None, iterations=iterations, rng=seed, progress=False)
    ra, rb = a.register, b.register
    by_old = {r.id: r for r in ra.risks}
    by_new = {r.id: r for r in rb.risks}
    order = [*rb.ids, *(i for i in ra.ids if i not in by_new)]
    found: list[tuple[str, str, str, tuple[str, ...]]] = []
    for rid in order:
        kind = classify(by_old.get(rid), by_new.get(rid))
        if kind is not None:
            found += _split(rid, by_old.get(rid), by_new.get(rid), *kind)
    if new_schedule is not None and schedule is None:
        from ..exceptions import OptionError
        raise OptionError("new_schedule", new_schedule.source, "a new schedule with the "
                          "old one (schedule=): both snapshots simulated on a network, or "
                          "neither")
    moved = schedule_change(schedule, new_schedule) if new_schedule is not None else None
    if moved is None:
        new_schedule = schedule
    else:
        found.append((SCHEDULE_ID, "schedule", moved, ()))
    present = [k for k in KINDS if any(f[1] == k for f in found)]
    separable = moved is None and (schedule is None or not any(
        r is not None and r.simulated and r.activities
        for rid, *_ in found for r in (by_old.get(rid), by_new.get(rid))))
    if method not in ("auto", "separable", "simulated"):
        from ..exceptions import OptionError
        raise OptionError("method", method, "'auto', 'separable' or 'simulated'")
    if method == "separable" and not separable:
        from ..exceptions import OptionError
        raise OptionError("method", method, "'simulated' or 'auto' when changed risks act "
                          "on the schedule's activities or the schedule changed")
    use_separable = separable if method == "auto" else method == "separable"
    if use_separable and schedule is None:
        # each snapshot's own run gives its changed risks' draws too (as variants)
        engine: _Engine = _Separable(ra, rb, by_old, by_new, found, schedule, options,
                                     None, None)
    else:
        runs = (simulate(ra, schedule, options=options),
                simulate(rb, new_schedule, options=options))
        engine = (_Separable if use_separable else _Simulated)(
            ra, rb, by_old, by_new, found, schedule, options, *runs)
        engine.new_schedule = new_schedule
    res_old, res_new = engine.res_old, engine.res_new
    values: dict[frozenset[str], np.ndarray] = {
        frozenset(): _metrics(res_old.values("cost"), res_old.values("schedule"))}
    for size in range(1, len(present) + 1):
        for subset in itertools.combinations(present, size):
            values[frozenset(subset)] = engine.coalition(frozenset(subset))
    attribution = shapley(present, values)
    effects = engine.effects()
    changes = tuple(Change(rid, kind, detail, fields,
                           new_schedule.source if rid == SCHEDULE_ID and new_schedule
                           is not None else _title(by_old, by_new, rid),
                           *effects[i]) for i, (rid, kind, detail, fields) in enumerate(found))
    return Comparison(res_old, res_new, changes, attribution, renames(ra, rb), a.as_of,
                      b.as_of, "separable" if use_separable else "simulated",
                      rb.currency or ra.currency, (ra, rb))


def shapley(kinds: Sequence[str], values: Mapping[frozenset[str], np.ndarray]
            ) -> dict[str, dict[str, float]]:
    """Shapley values of ``kinds`` for the game ``values`` (a metrics vector per set
    of kinds): phi_k = sum over S without k of |S|! (n - |S| - 1)! / n! (v(S + k) - v(S)).
    The subsets are visited in one canonical order, so the answer does not depend on
    the order the kinds are given in."""
    kinds = sorted(kinds, key=KINDS.index)
    n = len(kinds)
    out = {}
    for k in kinds:
        rest = [x for x in kinds if x != k]
        total = np.zeros(len(METRICS))
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(rest, size):
                s = frozenset(subset)
                total += weight * (values[s | {k}] - values[s])
        out[k] = {m: float(v) for m, v in zip(METRICS, total)}
    return out


def _metrics(cost: np.ndarray, sched: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """Mean and P80 of cost and schedule (``overwrite``: the arrays are scratch, the
    percentiles may reorder them; the means are taken first)."""
    means = float(cost.mean()), float(sched.mean())
    return np.array([means[0], _p80(cost, means[0], overwrite),
                     means[1], _p80(sched, means[1], overwrite)])


def _p80(values: np.ndarray, mean: float, overwrite: bool) -> float:
    """``np.percentile(values, 80)`` to the last bit, from one partition: numpy
    partitions at four places (the ends and both order statistics), a single place is
    several times faster; the lower order statistic is then the largest value below
    the upper. A mean that is not finite (a NaN or an infinity among the values):
    numpy's own way."""
    n = values.size
    if n < 2 or not math.isfinite(mean):
        return float(np.percentile(values, 80, overwrite_input=overwrite))
    virtual = (n - 1) * (80 / 100)  # as np.percentile computes it
    k0 = int(math.floor(virtual))
    k1 = min(k0 + 1, n - 1)
    work = values if overwrite else values.copy()
    work.partition(k1)
    upper = work[k1]
    lower = work[:k1].max() if k0 < k1 else upper
    return float(lerp(lower, upper, np.float64(virtual - k0)))


def _group_order(item: tuple[tuple[frozenset[str], frozenset[str]], Any]) -> tuple:
    """Groups of differences in one order, whatever the registers' row order."""
    (every, pat), _ = item
    return (sorted(KINDS.index(k) for k in every), sorted(KINDS.index(k) for k in pat))


def _same_draws(old: Risk | None, new: Risk | None) -> bool:
    """Whether both versions are simulated and draw the same impacts in the current
    scenario: the same current values, the same largest probability (which fixes the
    occurrence draws) and the same kinds of impact in any scenario (which fix the
    uniforms drawn)."""
    if old is None or new is None or not (old.simulated and new.simulated):
        return False

    def drawn(r: Risk) -> tuple:
        post = r.mitigated or r.current
        return (r.current, max(r.probability, post.probability),
                r.cost is not None or post.cost is not None,
                r.schedule is not None or post.schedule is not None)

    return drawn(old) == drawn(new)


def _title(by_old: Mapping[str, Risk], by_new: Mapping[str, Risk], rid: str) -> str | None:
    risk = by_new.get(rid) or by_old.get(rid)
    return risk.title if risk is not None else None


def _split(rid: str, old: Risk | None, new: Risk | None, kind: str, detail: str,
           fields: tuple[str, ...]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """A risk re-assessed in probability and impact as two changes, one of each kind
    (anything else as it is)."""
    if kind != "impact" or "probability" not in fields or old is None or new is None:
        return [(rid, kind, detail, fields)]
    rest = tuple(f for f in fields if f != "probability")
    p_detail = f"probability {old.probability:.0%} -> {new.probability:.0%}"
    return [(rid, "probability", p_detail, ("probability",)),
            (rid, "impact", "re-assessed: " + ", ".join(f for f in rest if f in
                                                         _IMPACT_FIELDS), rest)]


def _hybrid(old: Risk, new: Risk, kind: str) -> Risk:
    """The old risk with one part of a split change applied: the new probability, or
    the new impacts (the mitigation's fields follow the whole change)."""
    if kind == "probability":
        return replace(old, probability=new.probability)
    return replace(old, cost=new.cost, schedule=new.schedule, distribution=new.distribution)


class _Engine:
    def __init__(self, old: RiskRegister, new: RiskRegister, by_old: Mapping[str, Risk],
                 by_new: Mapping[str, Risk], found: Sequence[tuple[str, str, str, tuple]],
                 schedule: Any, options: RunOptions, res_old: SimulationResult | None,
                 res_new: SimulationResult | None):
        self.old, self.new, self.by_old, self.by_new = old, new, by_old, by_new
        self.found, self.schedule, self.options = found, schedule, options
        self.new_schedule = schedule  # the new snapshot's, when the schedule changed
        # None: the engine runs the snapshots itself
        self.res_old: SimulationResult = res_old  # type: ignore[assignment]
        self.res_new: SimulationResult = res_new  # type: ignore[assignment]
        self.kinds_of: dict[str, tuple[str, ...]] = {}
        for rid, kind, *_ in found:
            self.kinds_of[rid] = (*self.kinds_of.get(rid, ()), kind)

    def version(self, rid: str, applied: frozenset[str]) -> Risk | None:
        """Risk ``rid`` with the changes of the kinds ``applied``: the old risk, the new
        one, or for a split change the old one with its applied part; None when that
        version is not simulated."""
        kinds = self.kinds_of.get(rid, ())
        now = applied & set(kinds)
        if not kinds or len(now) == len(kinds):
            risk = self.by_new.get(rid) if kinds or rid in self.by_new else self.by_old.get(rid)
        elif not now:
            risk = self.by_old.get(rid)
        else:
            (part,) = now
            risk = _hybrid(self.by_old[rid], self.by_new[rid], part)
        return risk if risk is not None and risk.simulated else None

    def coalition(self, kinds: frozenset[str]) -> np.ndarray:
        raise NotImplementedError

    def effects(self) -> list[tuple[float, float, float, float]]:
        raise NotImplementedError


class _Separable(_Engine):
    """Each risk's cost and delay add into the totals: a combination is the old run's
    totals plus the per-iteration differences of the changes it applies."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        full = self.res_old is None  # the snapshots' own runs are variant runs
        n = int(self.options.iterations)
        none: frozenset[str] = frozenset()
        # the versions each changed risk takes: old, new and, for a split change, the
        # old risk with one part applied; a risk that draws the same impacts in both
        # snapshots (a mitigation added or revised, its current values and what it
        # draws unchanged) changes nothing: exactly 0, without simulating it
        patterns: dict[str, list[frozenset[str]]] = {}
        for rid, kinds in self.kinds_of.items():
            if len(kinds) == 1 and _same_draws(self.by_old.get(rid), self.by_new.get(rid)):
                continue
            every = frozenset(kinds)
            patterns[rid] = [none, every, *(frozenset([k]) for k in kinds if len(kinds) > 1)]
        # removal changes (minus each version's contribution): per (risk, pattern), the
        # side whose run has it and its variant there
        removals: dict[tuple[str, frozenset[str]], tuple[str, int]] = {}
        tables: dict[str, ChangeTable] = {}
        # one register per side: "old", "new", and one per part of the split changes
        wanted: dict[str, list[tuple[Risk, frozenset[str]]]] = {"old": [], "new": []}
        for rid, pats in patterns.items():
            every = frozenset(self.kinds_of[rid])
            for pat in pats:
                risk = self.version(rid, pat)
                if risk is not None:
                    side = "old" if pat == none else "new" if pat == every else min(pat)
                    wanted.setdefault(side, []).append((risk, pat))
        # the old and new runs also remove, per kind, all its single-kind risks at once
        # (a variant the kernel sums block by block): the kinds' differences in two
        # scatters each
        single = {k: {rid for rid, kinds in self.kinds_of.items() if kinds == (k,)}
                  for k in KINDS}
        by_kind: dict[str, list[tuple]] = {}
        for side, entries in wanted.items():
            register = self.new if side == "new" else self.old
            risks = [risk for risk, _ in entries]
            groups = [[r.id for r in risks if r.id in single[k]] for k in KINDS] if side in (
                "old", "new") else []
            mine = full and side in ("old", "new")
            got, summed, run = self._removals(register, risks, groups, mine)
            if run is not None:
                tables[side] = run.changes
            if mine:
                result = baseline_result(run, register)
                if side == "old":
                    self.res_old = result
                else:
                    self.res_new = result
            for risk, pat in entries:
                removals[risk.id, pat] = (side, got[risk.id])
            for k, change in zip(KINDS, summed):
                by_kind.setdefault(k, []).append((change, 1.0 if side == "old" else -1.0))
        # the differences wanted (old version's removal minus the applied one's): per
        # change its own (the old risk with it alone applied), and per split change one
        # per pattern; -1: a change of a risk that changes nothing
        wants: list[tuple[tuple[str, int] | None, tuple[str, int] | None]] = []
        own = []
        for rid, kind, *_ in self.found:
            if rid not in patterns:
                own.append(-1)
                continue
            own.append(len(wants))
            wants.append((removals.get((rid, none)), removals.get((rid, frozenset([kind])))))
        split = []
        for rid, kinds in self.kinds_of.items():
            if len(kinds) == 1 or rid not in patterns:
                continue
            every = frozenset(kinds)
            for pat in [every, *(frozenset([k]) for k in kinds)]:
                split.append((every, pat, len(wants)))
                wants.append((removals.get((rid, none)), removals.get((rid, pat))))
        self.slabs, where = pair_differences(wants, tables, n)
        # per change: its slab and entries (an empty stretch: exactly 0)
        self.deltas = [where[i] if i >= 0 else (0, 0, 0) for i in own]
        # per (kinds of a risk, kinds applied): the summed differences, added to a
        # combination whose kinds meet that risk's in exactly those applied
        self.groups: dict[tuple[frozenset[str], frozenset[str]], tuple[np.ndarray,
                                                                        np.ndarray]] = {}
        for k, sides in by_kind.items():
            if not any(change[0].size for change, _ in sides):
                continue
            gc, gs = self.groups.setdefault((frozenset([k]), frozenset([k])),
                                            (np.zeros(n), np.zeros(n)))
            for (pos, c, d), sign in sides:  # old removal minus new removal
                gc[pos] += sign * c
                gs[pos] += sign * d
        for every, pat, i in split:
            slab, i0, i1 = where[i]
            pos, c, d = self.slabs[slab]
            assert d is not None  # the differences always have a schedule column
            gc, gs = self.groups.setdefault((every, pat), (np.zeros(n), np.zeros(n)))
            gc[pos[i0:i1]] += c[i0:i1]
            gs[pos[i0:i1]] += d[i0:i1]

    def _removals(self, register: RiskRegister, risks: list[Risk],
                  groups: Sequence[Sequence[str]] = (), whole: bool = False
                  ) -> tuple[dict[str, int], list, Any]:
        """Each risk's removal change (iterations, cost, delay: minus its draws) on the
        run's streams, a variant each, written by the kernel as it draws (its variant in
        the run's table); the change of removing each group of them at once; and the
        run. ``whole``: variants of the
        whole register (whose baseline is then its own run), else of ``risks`` alone."""
        empty = (np.zeros(0, dtype=np.intp), np.zeros(0), np.zeros(0))
        if not risks and not whole:
            return {}, [empty for _ in groups], None
        ids = [r.id for r in risks]
        several = [g for g in groups if g]
        # a risk the run does not draw (a risk driver without a schedule) changes
        # nothing: an empty variant
        drawn = {r.id for r in register.modelled_risks(None)}
        variants = [*({rid: "removed"} if rid in drawn else {} for rid in ids),
                    *({rid: "removed" for rid in g if rid in drawn} for g in several)]
        if whole:  # the snapshot's own run: its warnings are the user's
            run = simulate_variants(register, None, variants, options=self.options,
                                    label="compare")
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                run = simulate_variants(replace(register, risks=tuple(risks), warnings=()),
                                        None, variants, options=self.options,
                                        label="compare")
        singles = {rid: v for v, rid in enumerate(ids)}
        summed, v = [], len(ids)
        for g in groups:
            if g:
                summed.append(run.changes.of(v))
                v += 1
            else:
                summed.append(empty)
        return singles, summed, run

    def coalition(self, kinds: frozenset[str]) -> np.ndarray:
        cost = self.res_old.values("cost").copy()
        sched = self.res_old.values("schedule").copy()
        for (every, pat), (gc, gs) in sorted(self.groups.items(), key=_group_order):
            if every & kinds == pat:
                cost += gc
                sched += gs
        return _metrics(cost, sched, overwrite=True)

    def effects(self) -> list[tuple[float, float, float, float]]:
        if not self.deltas:
            return []
        segments = [(k, np.array([i]), np.array([i0]), np.array([i1]))
                    for i, (k, i0, i1) in enumerate(self.deltas)]
        table = ChangeTable.build(len(self.deltas), self.slabs, segments)
        out = []
        cm, cq = Reductions(self.res_old.values("cost"), 0.8).of_table(table, 1)
        sm, sq = Reductions(self.res_old.values("schedule"), 0.8).of_table(table, 2)
        for i in range(len(self.deltas)):  # reductions are old minus changed: effects the opposite
            out.append((-float(cm[i]) + 0.0, -float(cq[i]) + 0.0, -float(sm[i]) + 0.0,
                        -float(sq[i]) + 0.0))
        return out


class _Simulated(_Engine):
    """Every combination simulated in full on the same streams."""

    def _register(self, applied: Mapping[str, frozenset[str]]) -> np.ndarray:
        """The statistics of the old register with, for each risk id in ``applied``,
        the changes of those kinds (and the new schedule when :data:`SCHEDULE_ID`'s
        change is applied)."""
        schedule = (self.new_schedule if "schedule" in applied.get(SCHEDULE_ID, ())
                    else self.schedule)
        order = [*self.new.ids, *(i for i in self.old.ids if i not in self.by_new)]
        risks = []
        for rid in order:
            if rid in self.kinds_of:
                r = self.version(rid, applied.get(rid, frozenset()))
            else:
                r = self.version(rid, frozenset())
            if r is not None:
                risks.append(r)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if not risks:
                if schedule is None:
                    zeros = np.zeros(self.res_old.iterations)
                    return _metrics(zeros, zeros)
                res = simulate(None, schedule, options=self.options, criticality=False)
            else:
                res = simulate(replace(self.new, risks=tuple(risks), warnings=()),
                               schedule, options=self.options, criticality=False)
        return _metrics(res.values("cost"), res.values("schedule"))

    def coalition(self, kinds: frozenset[str]) -> np.ndarray:
        if kinds == frozenset(rid[1] for rid in self.found):  # every change: the new run
            return _metrics(self.res_new.values("cost"), self.res_new.values("schedule"))
        return self._register({rid: kinds for rid in self.kinds_of})

    def effects(self) -> list[tuple[float, float, float, float]]:
        base = _metrics(self.res_old.values("cost"), self.res_old.values("schedule"))
        out = []
        for rid, kind, *_ in self.found:
            d = self._register({rid: frozenset([kind])}) - base
            out.append((float(d[0]), float(d[1]), float(d[2]), float(d[3])))
        return out
