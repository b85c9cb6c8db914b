"""Risks and risk registers: immutable, validated when they are built.

Readers (:mod:`riskkit.io`) turn a file into these constructors; a register built in
Python gets the same checks. Problems name the risk's spreadsheet ``row`` when it came
from a file, and the column as the file wrote it.
"""

from __future__ import annotations

import html
import math
import os
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..distributions import Distribution, family_of, parameter_columns, parameter_values
from ..exceptions import InputError, InputWarning, OptionError, Problem
from .calendar import parse_day
from .status import SIMULATED_KINDS, status_kind, status_words

__all__ = ["CLOSED_STATUSES", "REGISTER_COLUMNS", "SCENARIOS", "STRUCTURE_COLUMNS", "Exposure",
           "Risk", "RiskRegister", "check_scenario"]

#: Canonical register columns (DESIGN.md), in display order.
REGISTER_COLUMNS: tuple[str, ...] = (
    "id", "title", "description", "category", "owner", "status", "project",
    "probability", "cost_min", "cost_most_likely", "cost_max",
    "schedule_min", "schedule_most_likely", "schedule_max", "distribution", "activities",
    "mitigation", "mitigation_cost", "mitigated_probability",
    "mitigated_cost_min", "mitigated_cost_most_likely", "mitigated_cost_max",
    "mitigated_schedule_min", "mitigated_schedule_most_likely", "mitigated_schedule_max",
    "correlation_group", "review_date",
)

#: Status values that mean a risk is closed and left out of the simulation (as
#: :func:`~riskkit.model.status.words_key` writes them; riskkit/io/words/status.json).
CLOSED_STATUSES = status_words("closed")

#: Columns of risk drivers and of conditional and exclusive risks, after the canonical
#: ones in :meth:`RiskRegister.to_frame` (left out of ``to_csv`` when no risk uses them).
STRUCTURE_COLUMNS: tuple[str, ...] = (
    "schedule_factor_min", "schedule_factor_most_likely", "schedule_factor_max",
    "cost_factor_min", "cost_factor_most_likely", "cost_factor_max", "depends_on",
    "exclusive_group",
)

#: The scenarios a register describes: before and after its mitigations.
SCENARIOS = ("current", "mitigated")


def check_scenario(scenario: object) -> str:
    """``"current"`` or ``"mitigated"`` (case and a str-Enum's value accepted)."""
    value = str(getattr(scenario, "value", scenario)).strip().lower()
    if value not in SCENARIOS:
        raise OptionError("scenario", scenario, "'current' or 'mitigated'")
    return value


@dataclass(frozen=True)
class Exposure:
    """A risk in one scenario: its probability and its impacts given it occurs
    (``None``: no impact of that kind). Schedule impacts are in working days."""

    probability: float
    cost: Distribution | None = None
    schedule: Distribution | None = None

    @property
    def expected_cost(self) -> float:
        return self.probability * (self.cost.mean if self.cost is not None else 0.0)

    @property
    def expected_delay(self) -> float:
        return self.probability * (self.schedule.mean if self.schedule is not None else 0.0)


def _check_probability(value: float, column: str, problems: list[Problem]) -> None:
    if not (isinstance(value, (int, float, np.floating, np.integer))
            and not isinstance(value, bool) and 0.0 <= float(value) <= 1.0):
        problems.append(Problem("probability outside 0-100%", column=column,
                                value=str(value)))


@dataclass(frozen=True)
class Risk:
    """One risk of a register.

    ``probability``, ``cost`` and ``schedule`` describe it before mitigation;
    ``mitigated`` after (None: the mitigation changes no value, as when a register
    gives only a mitigation text or cost). A risk that lists ``activities`` adds its
    delay to each of them; otherwise its delay adds to the finish.

    Examples
    --------
    >>> import riskkit as rk
    >>> r = rk.Risk("R1", 0.3, cost=rk.Triangular(1_000, 2_000, 6_000))
    >>> round(r.current.expected_cost)
    900
    """

    id: str
    probability: float
    cost: Distribution | None = None
    schedule: Distribution | None = None
    activities: tuple[str, ...] = ()
    title: str | None = None
    description: str | None = None
    category: str | None = None
    owner: str | None = None
    status: str | None = None
    project: str | None = None
    #: the family the register named for the impacts (for tables and reports); blank:
    #: the family of the impacts given (a PERT with a weight other than 4 is the
    #: modified PERT)
    distribution: str = ""
    correlation_group: str | None = None
    mitigation: str | None = None
    mitigation_cost: float | None = None
    mitigated: Exposure | None = None
    #: whether the risk has a mitigation (a text, a cost or post-mitigation values);
    #: None: decided from those fields
    has_mitigation: bool | None = None
    #: the spreadsheet row the risk was read from, for messages
    row: int | None = field(default=None, compare=False)
    #: when the risk is next due for review: a day (``datetime64[D]`` once built, from a
    #: date or text as a spreadsheet writes it); ``riskkit check`` flags it once past
    review_date: Any = None
    #: a risk driver (Hulett; AACE 57R-09): when it occurs, the durations of the
    #: activities it names (every activity when it names none) are multiplied by one
    #: draw of this factor (1.1: ten percent longer), the same draw for all of them
    schedule_factor: Distribution | None = None
    #: a cost driver: the cost of the activities it names multiplied by one draw
    cost_factor: Distribution | None = None
    #: the id of the risk this one can only occur with; ``probability`` is then the
    #: probability given that risk occurs
    depends_on: str | None = None
    #: risks sharing an exclusive group never occur together (at most one per iteration)
    exclusive_group: str | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name in ("schedule_factor", "cost_factor"):
            factor = getattr(self, name)
            if factor is not None and not isinstance(factor, Distribution):
                raise OptionError(name, type(factor).__name__, "a Distribution")
            if factor is not None and factor.low < 0:
                problems.append(Problem("a factor cannot be negative",
                                        column=f"{name}_min", value=f"{factor.low:g}"))
        if self.is_driver and (self.cost is not None or self.schedule is not None):
            problems.append(Problem(
                "a risk driver gives its impact as factors of the activities' durations or "
                "costs, not also as an amount", column="schedule_factor_min",
                hint="write the amount as a risk of its own"))
        if self.depends_on is not None and self.depends_on == self.id:
            problems.append(Problem("a risk cannot depend on itself", column="depends_on",
                                    value=self.depends_on))
        if self.review_date is not None:
            try:
                object.__setattr__(self, "review_date",
                                   parse_day(self.review_date, "review_date"))
            except OptionError as exc:
                problems.append(Problem("review date is not a date", column="review_date",
                                        value=str(self.review_date), hint=str(exc)))
        if not isinstance(self.id, str) or not self.id.strip():
            problems.append(Problem("risk id is missing", column="id", value=str(self.id)))
        _check_probability(self.probability, "probability", problems)
        if self.mitigated is not None:
            _check_probability(self.mitigated.probability, "mitigated_probability", problems)
        cost = self.mitigation_cost
        if cost is not None and not (math.isfinite(cost) and cost >= 0):
            problems.append(Problem("mitigation cost must be a non-negative amount",
                                    column="mitigation_cost", value=f"{cost:g}"))
        if not self.distribution:
            object.__setattr__(self, "distribution", family_of(
                self.cost if self.cost is not None else self.schedule))
        if isinstance(self.activities, str):
            object.__setattr__(self, "activities", (self.activities,))
        else:
            object.__setattr__(self, "activities", tuple(dict.fromkeys(self.activities)))
        if problems:
            raise InputError([replace(p, row=self.row) for p in problems])
        if self.has_mitigation is None:
            object.__setattr__(self, "has_mitigation", bool(
                self.mitigation or self.mitigation_cost is not None
                or self.mitigated is not None))

    @property
    def is_driver(self) -> bool:
        """Whether the risk is a risk driver: its impacts are factors of the durations
        or costs of activities, not amounts."""
        return self.schedule_factor is not None or self.cost_factor is not None

    @property
    def current(self) -> Exposure:
        """The risk before mitigation."""
        return Exposure(self.probability, self.cost, self.schedule)

    def exposure(self, scenario: str = "current") -> Exposure:
        """The risk in ``scenario`` ("current" or "mitigated")."""
        if check_scenario(scenario) == "mitigated" and self.mitigated is not None:
            return self.mitigated
        return self.current

    @property
    def status_kind(self) -> str:
        """What the status means: open, closed, realised, draft, on_hold or unknown
        (:mod:`riskkit.model.status`)."""
        return status_kind(self.status)

    @property
    def closed(self) -> bool:
        """Whether the status says the risk is closed (left out of simulations)."""
        return self.status_kind == "closed"

    @property
    def realised(self) -> bool:
        """Whether the status says the risk has occurred: an issue, left out of
        simulations (its impact belongs in the estimate)."""
        return self.status_kind == "realised"

    @property
    def simulated(self) -> bool:
        """Whether a simulation draws the risk (neither closed nor realised)."""
        return self.status_kind in SIMULATED_KINDS

    @property
    def parameters(self) -> dict[str, float]:
        """The family parameter columns of the risk (NaN where its family has none)."""
        return parameter_values(self.distribution, self.cost, self.schedule)


def _estimate(d: Distribution | None) -> tuple[float, float, float]:
    return d.estimate if d is not None else (math.nan, math.nan, math.nan)


@dataclass(frozen=True, eq=False)
class RiskRegister:
    """A validated risk register. Immutable.

    Build it with :func:`riskkit.read_register`, or from :class:`Risk` objects.
    ``project`` (when the register belongs to one project of a portfolio) namespaces
    the random streams of its risks, so that two registers with a risk "R1" never
    draw the same numbers; a register without one keeps the streams of its ids.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> len(reg) > 20, reg.risks[0].id
    (True, 'OF-01')
    """

    risks: tuple[Risk, ...]
    source: str = "<register>"
    project: str | None = None
    currency: str | None = None  # the currency the amounts were written in, if any
    scale: str | None = None  # the qualitative scale used to read scores, if any
    warnings: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "risks", tuple(self.risks))
        problems: list[Problem] = []
        seen: dict[str, Risk] = {}
        for risk in self.risks:
            if not isinstance(risk, Risk):
                raise OptionError("risks", type(risk).__name__, "Risk objects")
            first = seen.setdefault(risk.id, risk)
            if first is not risk:
                where = f" (first used on row {first.row})" if first.row is not None else ""
                problems.append(Problem(f"duplicate risk id{where}", source=self.source,
                                        row=risk.row, column=self.header("id"),
                                        value=risk.id, hint="every risk needs its own id"))
        if not self.risks:
            problems.append(Problem("has no risks (no rows below the header)",
                                    source=self.source))
        problems += self._structure_problems(seen)
        if problems:
            raise InputError(problems)

    def _structure_problems(self, by_id: Mapping[str, Risk]) -> list[Problem]:
        """Conditional risks that name no risk of the register or depend on each other
        in a circle; exclusive groups whose probabilities add up to more than 100%."""
        problems = []
        for risk in self.risks:
            if risk.depends_on is not None and risk.depends_on not in by_id:
                problems.append(Problem(
                    f"risk {risk.id} depends on a risk the register lacks",
                    source=self.source, row=risk.row, column=self.header("depends_on"),
                    value=risk.depends_on, hint="name the id of another risk"))
        for risk in self.risks:
            seen, at = [risk.id], risk.depends_on
            while at is not None and at in by_id and at not in seen:
                seen.append(at)
                at = by_id[at].depends_on
            if at == risk.id:
                problems.append(Problem(
                    "risks depend on each other in a circle: " + " → ".join([*seen, at]),
                    source=self.source, row=risk.row, column=self.header("depends_on"),
                    value=risk.depends_on, hint="a conditional risk needs a risk that can "
                    "occur on its own at the start of its chain"))
                break
        groups: dict[str, list[Risk]] = {}
        for risk in self.risks:
            if risk.exclusive_group is not None and risk.simulated:
                groups.setdefault(risk.exclusive_group, []).append(risk)
        for name, members in groups.items():
            # each member keeps its share of every iteration at its larger probability
            # (before or after mitigation), so those must fit in 100%
            total = sum(max(r.probability, r.exposure("mitigated").probability)
                        for r in members)
            if total > 1.0 + 1e-9:
                problems.append(Problem(
                    f"the probabilities of exclusive group {name} add up to {total:.0%} "
                    f"({', '.join(r.id for r in members)}, each at the larger of its "
                    f"probabilities before and after mitigation): at most one of them can "
                    f"occur, so they cannot exceed 100%", source=self.source,
                    row=members[-1].row, column=self.header("exclusive_group"), value=name))
        return problems

    def header(self, column: str) -> str:
        """The header as the user wrote it for a canonical column (for messages)."""
        return dict(self.headers).get(column, column)

    def __len__(self) -> int:
        return len(self.risks)

    def __iter__(self) -> Iterator[Risk]:
        return iter(self.risks)

    def risk(self, risk_id: str) -> Risk:
        """The risk with id ``risk_id``."""
        for r in self.risks:
            if r.id == risk_id:
                return r
        raise OptionError("risk_id", risk_id, f"an id of {self.source}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.risks)

    @property
    def active_risks(self) -> tuple[Risk, ...]:
        """The risks that are neither closed nor realised, in register order: those a
        simulation draws."""
        return tuple(r for r in self.risks if r.simulated)

    def modelled_risks(self, schedule: Any = None) -> tuple[Risk, ...]:
        """The active risks a simulation with ``schedule`` draws, in register order:
        risk drivers only with a schedule (they act on its activities), and no risk
        that depends, directly or not, on a closed one (it can no longer occur)."""
        by_id = {r.id: r for r in self.risks}

        def possible(risk: Risk, seen: int = 0) -> bool:
            parent = by_id.get(risk.depends_on) if risk.depends_on else None
            if parent is None or seen > len(by_id):
                return True
            if parent.realised:
                return True
            return parent.simulated and possible(parent, seen + 1)

        return tuple(r for r in self.active_risks
                     if (schedule is not None or not r.is_driver) and possible(r))

    @property
    def closed(self) -> np.ndarray:
        """Boolean mask of closed risks (status Closed, Retired, ...)."""
        return np.array([r.closed for r in self.risks], dtype=bool)

    @property
    def closed_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.risks if r.closed)

    @property
    def realised_ids(self) -> tuple[str, ...]:
        """Risks whose status says they have occurred (Occurred, Realised, Eingetreten,
        ...): issues, left out of simulations."""
        return tuple(r.id for r in self.risks if r.realised)

    @property
    def excluded_ids(self) -> tuple[str, ...]:
        """Every risk a simulation leaves out (closed or realised), in register order."""
        return tuple(r.id for r in self.risks if not r.simulated)

    @property
    def has_mitigation(self) -> np.ndarray:
        """Risks with a mitigation: a text, a cost, or any post-mitigation value."""
        return np.array([bool(r.has_mitigation) for r in self.risks], dtype=bool)

    def active(self) -> RiskRegister:
        """The register without its closed and realised risks."""
        return replace(self, risks=self.active_risks)

    def with_project(self, project: str | None) -> RiskRegister:
        """The same register as part of ``project`` (its streams namespaced by it)."""
        return replace(self, project=project)

    def check_activities(self, schedule: Any, *, warn: bool = True
                         ) -> dict[str, tuple[str, ...]]:
        """The activity ids each active risk that names activities acts on, by risk id
        (``schedule.resolve``: ids, ``WBS:PRJ.2`` or ``PRJ.2.*``, ``code:Area=North``,
        patterns); raise :class:`~riskkit.InputError` naming every risk whose names
        ``schedule`` lacks (its row, the column, the names). A name that is an id and
        a WBS code (the id is meant) is an :class:`~riskkit.InputWarning` when
        ``warn``."""
        problems = []
        notes: list[str] = []
        out: dict[str, tuple[str, ...]] = {}
        for risk in self.active_risks:
            if not risk.activities:
                continue
            found = schedule.resolve(risk.activities)
            out[risk.id] = found.ids
            where = (f"{self.source}" + (f", row {risk.row}" if risk.row is not None else "")
                     + f", risk {risk.id}: ")
            notes += [where + note for note in found.notes]
            if found.unknown:
                index = schedule.activity_index
                problems.append(Problem(
                    f"risk {risk.id} names activities the schedule lacks: "
                    f"{', '.join(found.unknown)}", source=self.source, row=risk.row,
                    column=self.header("activities"), value="; ".join(risk.activities),
                    hint=f"activity ids are those of {schedule.source}; "
                         + index.describe_unknown(found.unknown[0])))
        if problems:
            raise InputError(problems)
        if warn:
            for note in notes:
                warnings.warn(note, InputWarning, stacklevel=3)
        return out

    def mitigation_costs(self) -> np.ndarray:
        """Mitigation cost of each active risk (0 where none is given)."""
        return np.array([r.mitigation_cost or 0.0 for r in self.active_risks])

    def expected_value(self, scenario: str = "current") -> pd.DataFrame:
        """PMBOK expected monetary value per active risk: probability x mean impact."""
        rows = [(r.id, r.exposure(scenario).expected_cost, r.exposure(scenario).expected_delay)
                for r in self.active_risks]
        return pd.DataFrame(rows, columns=["id", "expected_cost", "expected_delay"])

    # -- table views ---------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """All risks, closed ones included, as a new DataFrame: the canonical columns
        (a fixed impact has min = most likely = max; post-mitigation values filled in;
        for percentile families the min and max are the P10 and P90), the family
        parameters (``pert_lambda``) and the spreadsheet ``row``."""
        records = []
        for r in self.risks:
            after = r.exposure("mitigated")
            rec: dict[str, Any] = {
                "id": r.id, "title": r.title, "description": r.description,
                "category": r.category, "owner": r.owner, "status": r.status,
                "project": r.project, "probability": float(r.probability)}
            for prefix, exp in (("", r.current), ("mitigated_", after)):
                if prefix:
                    rec["mitigated_probability"] = float(exp.probability)
                for impact, d in (("cost", exp.cost), ("schedule", exp.schedule)):
                    lo, ml, hi = _estimate(d)
                    rec.update({f"{prefix}{impact}_min": lo, f"{prefix}{impact}_most_likely": ml,
                                f"{prefix}{impact}_max": hi})
            for impact, d in (("schedule", r.schedule_factor), ("cost", r.cost_factor)):
                # factors as the register writes them: percentages of the plan
                lo, ml, hi = (100 * v for v in _estimate(d))
                rec.update({f"{impact}_factor_min": lo, f"{impact}_factor_most_likely": ml,
                            f"{impact}_factor_max": hi})
            rec.update({"distribution": r.distribution, "activities": r.activities,
                        "mitigation": r.mitigation,
                        "mitigation_cost": (math.nan if r.mitigation_cost is None
                                            else float(r.mitigation_cost)),
                        "correlation_group": r.correlation_group, **r.parameters,
                        "depends_on": r.depends_on, "exclusive_group": r.exclusive_group,
                        "review_date": r.review_date, "row": r.row})
            records.append(rec)
        columns = [*REGISTER_COLUMNS, *STRUCTURE_COLUMNS, *parameter_columns(), "row"]
        return pd.DataFrame.from_records(records, columns=columns)

    @property
    def frame(self) -> pd.DataFrame:
        """The same as :meth:`to_frame`: a new DataFrame each time."""
        return self.to_frame()

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the tidy register (canonical columns) as CSV, safe to open in Excel:
        text that a spreadsheet would run as a formula is prefixed with a quote."""
        from ..io.export import safe_frame

        frame = self.to_frame()
        frame["activities"] = frame["activities"].map(lambda a: "; ".join(a or ()))
        unused = [c for c in (*parameter_columns(), *STRUCTURE_COLUMNS, "review_date")
                  if frame[c].isna().all()]
        frame = frame.drop(columns=unused)
        safe_frame(frame).to_csv(path, index=False, lineterminator="\n")

    # -- display -------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"RiskRegister({self.source!r}, risks={len(self)}, "
                f"closed={len(self.closed_ids)}, "
                + (f"realised={len(self.realised_ids)}, " if self.realised_ids else "")
                + f"mitigated={int(self.has_mitigation.sum())})")

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        ev = self.expected_value()
        head = (f"<p><b>Risk register</b> <code>{html.escape(self.source)}</code>: "
                f"{len(frame)} risks, {len(self.closed_ids)} closed, "
                + (f"{len(self.realised_ids)} realised (issues, left out), "
                   if self.realised_ids else "")
                + f"{int(self.has_mitigation.sum())} with a mitigation. "
                f"Expected cost {ev['expected_cost'].sum():,.0f}, "
                f"expected delay {ev['expected_delay'].sum():,.1f} days.</p>")
        cols = ["id", "title", "owner", "status", "probability", "cost_min",
                "cost_most_likely", "cost_max", "schedule_min", "schedule_most_likely",
                "schedule_max"]
        shown = frame[cols].head(10)
        more = f"<p>… and {len(frame) - 10} more.</p>" if len(frame) > 10 else ""
        return head + shown.to_html(index=False, na_rep="", float_format="{:,.4g}".format) + more


def relocate(error: InputError, source: str, row: int | None,
             columns: Mapping[str, str]) -> InputError:
    """The problems of ``error`` placed in a file: its source, the row (where a problem
    has none) and each canonical column as the file wrote it."""
    return InputError([replace(p, source=p.source or source,
                               row=p.row if p.row is not None else row,
                               column=columns.get(p.column, p.column) if p.column else None)
                       for p in error.problems])
