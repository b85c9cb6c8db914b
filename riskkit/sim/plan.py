"""What a run needs of the model: its risks, its network and their kernel tables.

A :class:`Plan` is built once per run from a register and a schedule, and read by every
block of the run: the active risks in register order (each with its stream key, the
scenarios it is evaluated in and the activities it acts on), the network (durations'
kernel rules, costs), the correlated sets, and the kernel's tables of rules and
parameters, built once and shared by the blocks.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from ..distributions import Distribution, KernelForm, pack_tables
from ..exceptions import InputError, InputWarning, Problem
from ..kernels.kinds import Rule
from ..model import (
    Exposure,
    KeyActivity,
    Risk,
    RiskRegister,
    Schedule,
    check_scenario,
    key_activities,
)
from ..seeds import stream_key
from .correlation import CorrelationPlan, resolve
from .options import RunOptions, Sampling

__all__ = ["DriverModel", "KernelTables", "NetworkModel", "Plan", "RiskModel", "build_plan"]

#: The (activities x iterations) arrays of the CPM passes are float32: half the memory
#: traffic. A duration of 10,000 working days keeps a resolution of 0.001 day; costs and
#: the per-iteration results are accumulated in float64.
DURATION_DTYPE = np.float32


@dataclass(frozen=True)
class RiskModel:
    """One active risk as the sampler sees it.

    ``run`` is the scenario a simulation evaluates; ``pre`` and ``post`` the two a
    variant run compares. ``p_draw`` is the largest probability of any scenario, so every
    scenario's occurrences are a prefix of the same ordered draw; ``cost_any`` and
    ``schedule_any`` say whether any scenario has that impact, so the streams are
    consumed identically whichever scenario runs (common random numbers).
    """

    risk: Risk
    key: tuple[int, ...]
    run: Exposure
    pre: Exposure
    post: Exposure
    activities: tuple[int, ...] = ()  # indexes into the schedule; () = delays the finish
    #: the index of the risk it can only occur with (``depends_on``), if any
    parent: int | None = None
    #: whether its occurrences are drawn by :mod:`.events` and given to the kernel (a
    #: conditional risk, a member of an exclusive group, or a risk others depend on)
    given: bool = False

    @property
    def id(self) -> str:
        return self.risk.id

    @property
    def p_draw(self) -> float:
        return max(self.pre.probability, self.post.probability)

    @property
    def cost_any(self) -> bool:
        return self.pre.cost is not None or self.post.cost is not None

    @property
    def schedule_any(self) -> bool:
        return self.pre.schedule is not None or self.post.schedule is not None


@dataclass(frozen=True)
class DriverModel:
    """One active risk driver as the network pass sees it: its stream key, its
    probability in the scenario run, and the activities its factors multiply."""

    risk: Risk
    key: tuple[int, ...]
    probability: float
    activities: np.ndarray  # indexes into the schedule, ascending

    @property
    def id(self) -> str:
        return self.risk.id


class TablePacker:
    """Kernel forms of many distributions, with their tables packed into one pair of
    arrays (identical tables, such as the same PERT shape, stored once)."""

    def __init__(self) -> None:
        self.pairs: list[tuple[np.ndarray, np.ndarray]] = []
        self._ids: dict[tuple[int, int], int] = {}

    def add(self, form: KernelForm) -> tuple[int, list[float]]:
        """The rule and the four parameters of ``form``, table ids made global."""
        params = list(form.params)
        if not form.tables:
            return int(form.rule), params
        for p in KernelForm.TABLE_PARAMS.get(form.rule, ()):
            x, y = form.tables[int(params[p])]
            key = (id(x), id(y))
            if key not in self._ids:
                self._ids[key] = len(self.pairs)
                self.pairs.append((x, y))
            params[p] = float(self._ids[key])
        return int(form.rule), params

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return pack_tables([tuple(self.pairs)])


@dataclass(frozen=True)
class KernelTables:
    """Rules and parameters of the risks' impacts in two scenario slots, for the risk
    kernel: ``kinds[r, 2 s + layer]`` and ``params[r, 4 (2 s + layer):...]``, with
    their packed tables."""

    kinds: np.ndarray
    params: np.ndarray
    tables: np.ndarray
    data: np.ndarray

    @classmethod
    def of(cls, slots: Sequence[Sequence[Exposure | None]]) -> KernelTables:
        """``slots[s][r]``: risk r's exposure in slot s (None: not evaluated there)."""
        count = len(slots[0]) if slots else 0
        kinds = np.zeros((count, 4), dtype=np.int64)
        params = np.zeros((count, 16))
        packer = TablePacker()
        for s, exposures in enumerate(slots):
            for layer in range(2):
                q = 2 * s + layer
                rows, forms = [], []
                for r, exp in enumerate(exposures):
                    dist = None if exp is None else exp.cost if layer == 0 else exp.schedule
                    if dist is not None:
                        rows.append(r)
                        forms.append(dist.form)
                if not rows:
                    continue
                kinds[rows, q] = [form.rule for form in forms]
                params[rows, 4 * q:4 * q + 4] = [form.params for form in forms]
                for r, form in zip(rows, forms):
                    if form.tables:  # table indexes made global
                        params[r, 4 * q:4 * q + 4] = packer.add(form)[1]
        tables, data = packer.arrays()
        return cls(kinds, params, tables, data)


@dataclass(frozen=True)
class NetworkModel:
    """The schedule as the network pass reads it: each activity's stream key, duration
    rule and costs."""

    schedule: Schedule
    keys: tuple[tuple[int, ...], ...]
    cost_per_day: np.ndarray
    fixed_cost: float
    criticality: bool
    #: keep every activity's duration and finish per iteration (float32), for the
    #: activities' finish percentiles and sensitivities
    detail: bool = False
    kinds: np.ndarray = field(init=False)
    params: np.ndarray = field(init=False)
    tables: np.ndarray = field(init=False)
    data: np.ndarray = field(init=False)

    @classmethod
    def of(cls, schedule: Schedule | None, criticality: bool,
           detail: bool = False) -> NetworkModel | None:
        if schedule is None:
            return None
        return cls(schedule, tuple(stream_key(a, schedule.project) for a in schedule.ids),
                   schedule.cost_per_day, float(schedule.fixed_cost.sum()), criticality,
                   detail)

    def __post_init__(self) -> None:
        packer = TablePacker()
        forms = [packer.add(d.form) for d in self.distributions]
        object.__setattr__(self, "kinds", np.array([k for k, _ in forms], dtype=np.int64))
        object.__setattr__(self, "params", np.array([p for _, p in forms], dtype=float
                                                    ).reshape(len(forms), 4))
        tables, data = packer.arrays()
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "data", data)

    @property
    def distributions(self) -> list[Distribution]:
        return self.schedule.distributions()

    @property
    def network(self) -> Any:
        return self.schedule.network  # type: ignore[attr-defined]

    @cached_property
    def key(self) -> tuple[KeyActivity, ...]:
        """The milestones and deadlines whose finish every iteration keeps."""
        return key_activities(self.schedule)

    @cached_property
    def key_rows(self) -> np.ndarray:
        return np.array([k.row for k in self.key], dtype=np.intp)

    def rows_of(self, rule: Rule) -> np.ndarray:
        return np.flatnonzero(self.kinds == int(rule))


class Derived(dict[str, Any]):
    """What the blocks of a run derive from its plan alone (kernel tables), kept with
    it. Rebuilt where needed, never pickled with the plan; threads sharing a plan at
    worst build an entry twice."""

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (Derived, ())

    def get_or_make(self, name: str, make: Callable[[], Any]) -> Any:
        found = self.get(name)
        if found is None:
            found = self.setdefault(name, make())
        return found


@dataclass(frozen=True)
class Plan:
    """Everything a block of a run reads."""

    risks: tuple[RiskModel, ...]
    sampling: Sampling
    iterations: int
    seed: np.random.SeedSequence
    network: NetworkModel | None = None
    correlation: CorrelationPlan = field(default_factory=CorrelationPlan)
    #: the risk drivers, drawn in the network pass (not by the risk kernel)
    drivers: tuple[DriverModel, ...] = ()
    derived: Derived = field(default_factory=Derived, init=False, compare=False, repr=False)

    @property
    def lhs(self) -> bool:
        return self.sampling is Sampling.LHS

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.risks)

    def index_of(self) -> dict[str, int]:
        return {m.id: i for i, m in enumerate(self.risks)}


def risk_models(register: RiskRegister | None, scenario: str, schedule: Schedule | None,
                changes: Mapping[str, str] | None,
                named: Mapping[str, tuple[str, ...]]) -> tuple[RiskModel, ...]:
    """The active risks of ``register`` as the sampler sees them; ``named``: the
    activity ids each risk's activities cell names
    (:meth:`~riskkit.model.RiskRegister.check_activities`)."""
    if register is None:
        return ()
    scenario = check_scenario(scenario)
    ignored: list[str] = []
    models = []
    for risk in register.active_risks:
        if risk.is_driver:
            continue
        acts: tuple[int, ...] = ()
        if risk.activities and schedule is None:
            ignored.append(risk.id)
        elif risk.activities and schedule is not None:
            acts = tuple(schedule.index_of(x) for x in named[risk.id])
        pre, post = risk.exposure("current"), risk.exposure("mitigated")
        run = _changed(post if scenario == "mitigated" else pre, post,
                       (changes or {}).get(risk.id))
        models.append(RiskModel(risk, stream_key(risk.id, risk.project or register.project),
                                run, pre, post, acts))
    models = _linked(register, models)
    if ignored:
        warnings.warn(f"{register.source}: no schedule given, so the activities named by "
                      f"{len(ignored)} risks ({', '.join(ignored[:8])}"
                      f"{' …' if len(ignored) > 8 else ''}) are ignored and their delays "
                      f"add to the finish", InputWarning, stacklevel=4)
    return tuple(models)


def _linked(register: RiskRegister, models: list[RiskModel]) -> list[RiskModel]:
    """The models with their conditional links: a risk that depends on a realised risk
    (one that has occurred) occurs with its conditional probability on its own; one that
    depends on a closed risk can no longer occur and is left out, with a warning."""
    if not any(m.risk.depends_on or m.risk.exclusive_group for m in models):
        return models  # nothing conditional or exclusive: the models as they are
    active = {m.id for m in models}
    dropped: dict[str, str] = {}
    changed = True
    while changed:  # a risk left out takes the risks that depend on it along
        changed = False
        for m in models:
            parent = m.risk.depends_on
            if parent is None or m.id in dropped or (parent in active and parent not in dropped):
                continue
            gone = register.risk(parent)
            if gone.is_driver:
                raise InputError(Problem(
                    f"risk {m.id} depends on {parent}, a risk driver", source=register.source,
                    row=m.risk.row, column=register.header("depends_on"), value=parent,
                    hint="a conditional risk depends on an event risk"))
            if parent in dropped or not gone.realised:
                dropped[m.id] = f"{m.id} (depends on {parent}, {gone.status or 'closed'})"
                changed = True
    kept = [m for m in models if m.id not in dropped]
    index = {m.id: i for i, m in enumerate(kept)}
    parents = {m.risk.depends_on for m in kept if m.risk.depends_on in index}
    out: list[RiskModel] = []
    for m in kept:
        at = index.get(m.risk.depends_on) if m.risk.depends_on else None
        given = at is not None or m.risk.exclusive_group is not None or m.id in parents
        out.append(replace(m, given=True, parent=at) if given else m)
    if dropped:
        warnings.warn(f"{register.source}: left out, because the risk they depend on is "
                      f"closed: {', '.join(dropped.values())}", InputWarning, stacklevel=5)
    return out


def _changed(run: Exposure, post: Exposure, change: str | None) -> Exposure:
    """The exposure a run evaluates for a risk a variant changes ("removed": never
    occurs; "mitigated": after its mitigation); the draws stay those of the risk."""
    if change == "removed":
        return Exposure(0.0)
    return post if change == "mitigated" else run


def driver_models(register: RiskRegister | None, scenario: str, schedule: Schedule | None,
                  changes: Mapping[str, str] | None,
                  named: Mapping[str, tuple[str, ...]]) -> tuple[DriverModel, ...]:
    """The active risk drivers of ``register``; without a schedule they have no
    activities to act on and are left out, with a warning naming them."""
    if register is None:
        return ()
    drivers = [r for r in register.active_risks if r.is_driver]
    if drivers and schedule is None:
        warnings.warn(f"{register.source}: no schedule given, so the {len(drivers)} risk "
                      f"drivers ({', '.join(r.id for r in drivers[:8])}"
                      f"{' …' if len(drivers) > 8 else ''}), which multiply activities' "
                      f"durations or costs, are left out", InputWarning, stacklevel=4)
        return ()
    if not drivers or schedule is None:
        return ()
    every = np.arange(len(schedule), dtype=np.intp)
    return tuple(DriverModel(
        r, stream_key(r.id, r.project or register.project),
        _changed(r.exposure(scenario), r.exposure("mitigated"),
                 (changes or {}).get(r.id)).probability,
        np.array(sorted(schedule.index_of(x) for x in named[r.id]), dtype=np.intp)
        if r.activities else every) for r in drivers)


def build_plan(register: RiskRegister | None, schedule: Schedule | None, scenario: str,
               options: RunOptions, *, criticality: bool = True,
               activity_detail: bool = False, changes: Mapping[str, str] | None = None
               ) -> Plan:
    """The plan of a run of ``options.iterations`` in ``scenario``; ``changes`` (risk
    id -> "removed" or "mitigated") evaluates those risks so, on the same draws."""
    # what each risk's activities cell names (ids, WBS, activity codes; unknown names
    # are an error naming the risk's row), resolved once for the events and drivers
    named = (register.check_activities(schedule) if register is not None
             and schedule is not None else {})
    risks = risk_models(register, scenario, schedule, changes, named)
    return Plan(risks, Sampling.parse(options.sampling), options.count, options.seed,
                NetworkModel.of(schedule, bool(criticality), bool(activity_detail)),
                resolve(options.correlation, register, schedule, tuple(r.id for r in risks)),
                driver_models(register, check_scenario(scenario), schedule, changes, named))
