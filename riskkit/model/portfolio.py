"""Portfolios: several projects, each a register and/or a schedule, in programmes.

A project's name namespaces the random streams of its risks and activities, so that
two projects with a risk "R1" never share their draws when simulated together.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..exceptions import InputError, Problem
from .calendar import parse_day
from .risk import Risk, RiskRegister
from .schedule import Schedule

__all__ = ["SHARED", "Portfolio", "Project"]

#: The namespace of portfolio-level (shared) risks: a risk whose ``project`` is this
#: draws from the same streams in every project it is part of, so one occurrence (and
#: one impact draw) per iteration hits all of them. No project may be called this.
SHARED = "*"


@dataclass(frozen=True)
class Project:
    """One project of a portfolio: what it risks, its plan and its targets."""

    name: str
    register: RiskRegister | None = None
    schedule: Schedule | None = None
    programme: str | None = None
    start: np.datetime64 | None = None
    currency: str | None = None
    value_per_day: float | None = None
    budget: float | None = None
    deadline: np.datetime64 | None = None
    #: what one unit of this project's currency is worth in the portfolio's (None: 1)
    exchange_rate: float | None = None
    row: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.name, str) or not self.name.strip():
            problems.append(Problem("project name is missing", row=self.row, column="project"))
        elif self.name.strip() == SHARED:
            problems.append(Problem(f"{SHARED!r} is not a project name: it marks risks "
                                    f"shared by every project", row=self.row,
                                    column="project", value=self.name))
        if self.register is None and self.schedule is None:
            problems.append(Problem(f"project {self.name} has neither a register nor a "
                                    f"schedule", row=self.row, column="register"))
        for name in ("start", "deadline"):
            value: Any = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, parse_day(value, name))
        if self.exchange_rate is not None and not (
                isinstance(self.exchange_rate, (int, float)) and self.exchange_rate > 0
                and np.isfinite(self.exchange_rate)):
            problems.append(Problem("an exchange rate must be a positive number",
                                    row=self.row, column="exchange_rate",
                                    value=str(self.exchange_rate)))
        if problems:
            raise InputError(problems)
        # the project namespaces the streams of its risks and activities
        # (a risk's own project column would otherwise win: the portfolio's name rules)
        # shared risks (project SHARED) keep their common namespace
        keep = (None, self.name, SHARED)
        if self.register is not None and (self.register.project != self.name or any(
                r.project not in keep for r in self.register.risks)):
            risks = tuple(r if r.project in keep else replace(r, project=None)
                          for r in self.register.risks)
            object.__setattr__(self, "register",
                               replace(self.register, risks=risks, project=self.name))
        if self.schedule is not None and self.schedule.project != self.name:
            object.__setattr__(self, "schedule", self.schedule.with_project(self.name))


    @property
    def shared_ids(self) -> tuple[str, ...]:
        """The ids of the portfolio-level risks this project shares with others."""
        return tuple(r.id for r in self.register.risks if r.project == SHARED) \
            if self.register is not None else ()

    def with_shared(self, risks: tuple[Risk, ...], source: str = "<shared risks>"
                    ) -> Project:
        """The project with portfolio-level ``risks`` added to its register, each in the
        shared namespace (the same draws in every project that has it)."""
        if not risks:
            return self
        shared = tuple(replace(r, project=SHARED) for r in risks)
        if self.register is None:
            register = RiskRegister(shared, source, self.name)
        else:
            register = replace(self.register, risks=self.register.risks + shared)
        return replace(self, register=register)


@dataclass(frozen=True, eq=False)
class Portfolio:
    """Projects simulated together, grouped in programmes; ``correlation`` the
    portfolio's own correlation (groups across projects, or a matrix between projects:
    a :class:`riskkit.Correlation`), used when a run is given none."""

    projects: tuple[Project, ...]
    source: str = "<portfolio>"
    correlation: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "projects", tuple(self.projects))
        problems = []
        seen: set[str] = set()
        for p in self.projects:
            if p.name in seen:
                problems.append(Problem("two projects have the same name", source=self.source,
                                        row=p.row, column="project", value=p.name,
                                        hint="project names namespace their risks: make "
                                             "them unique"))
            seen.add(p.name)
        if not self.projects:
            problems.append(Problem("has no projects", source=self.source))
        if problems:
            raise InputError(problems)

    def __len__(self) -> int:
        return len(self.projects)

    def __iter__(self) -> Iterator[Project]:
        return iter(self.projects)

    def programmes(self) -> dict[str, tuple[Project, ...]]:
        """Projects by programme (a project without one is its own programme)."""
        out: dict[str, list[Project]] = {}
        for p in self.projects:
            out.setdefault(p.programme or p.name, []).append(p)
        return {k: tuple(v) for k, v in out.items()}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.projects)

    def project(self, name: str) -> Project:
        for p in self.projects:
            if p.name == name:
                return p
        raise InputError(Problem(f"no project named {name!r}", source=self.source))

    def replace_project(self, project: Project) -> Portfolio:
        """The portfolio with ``project`` in place of the one of the same name."""
        return replace(self, projects=tuple(project if p.name == project.name else p
                                            for p in self.projects))
