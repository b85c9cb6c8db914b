"""``read_portfolio``: a manifest of projects (CSV or xlsx) into a :class:`Portfolio`.

One row per project: ``project, programme, register, schedule, start, currency,
value_per_day, budget, deadline`` (DESIGN.md, "Portfolio"), plus an optional
``exchange_rate``: what one unit of the project's currency is worth in the
portfolio's (the first project's currency). Paths are relative to the manifest. Every
problem of every row and of every file it names is collected and raised once.

A row whose project is ``*`` names a register of portfolio-level (shared) risks: each
risk's ``project`` cell says which projects it hits — ``*`` for all, or a list
``P1; P2`` — and it is added to each of them in the shared namespace, so one
occurrence and one impact draw per iteration hit them all, each with the risk's full
impact (write a project's share in the ranges of a risk per project to split it).
Shared risks act on each project's finish: they may not name activities.

The ``*`` row may also name, in a ``correlation`` column, the portfolio's correlation
file (its register cell may then be blank): correlation groups across projects, or a
matrix between projects whose ids are the project names (who share no risk)
(:attr:`Portfolio.correlation`, used by :func:`riskkit.simulate_portfolio` when the
run is given none).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .._format import currency_code
from ..correlation import Correlation
from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..model import Portfolio, Project, parse_day, relocate
from ..model.portfolio import SHARED
from .cells import parse_cell
from .correlation import read_correlation
from .headers import REGISTER_HEADERS
from .register import read_register, register_from_table
from .schedule import read_schedule
from .tables import RawTable, find_header, normalise_header, read_table, table_from_frame
from .xlsx import is_workbook, read_xlsx

__all__ = ["MANIFEST_ALIASES", "MANIFEST_COLUMNS", "read_portfolio"]

#: The manifest's columns, in order (``exchange_rate`` beyond DESIGN.md's).
MANIFEST_COLUMNS = ("project", "programme", "register", "schedule", "start", "currency",
                    "value_per_day", "budget", "deadline", "exchange_rate", "correlation")

#: Headers as people write them (normalised) for each canonical column.
MANIFEST_ALIASES = {
    "project": "project", "projectname": "project", "projectid": "project", "name": "project",
    "programme": "programme", "program": "programme", "programmename": "programme",
    "programname": "programme",
    "register": "register", "riskregister": "register", "registerfile": "register",
    "risks": "register",
    "schedule": "schedule", "schedulefile": "schedule", "programmeschedule": "schedule",
    "plan": "schedule",
    "start": "start", "startdate": "start", "projectstart": "start",
    "currency": "currency",
    "valueperday": "value_per_day", "costofdelay": "value_per_day",
    "costofdelayperday": "value_per_day",
    "budget": "budget", "approvedbudget": "budget",
    "deadline": "deadline", "targetfinish": "deadline", "duedate": "deadline",
    "finishdate": "deadline",
    "exchangerate": "exchange_rate", "rate": "exchange_rate", "fxrate": "exchange_rate",
    "correlation": "correlation", "correlationfile": "correlation",
    "correlationmatrix": "correlation", "projectcorrelation": "correlation",
}


def read_portfolio(source: Any, *, sheet: str | int | None = None,
                   columns: dict[str, str] | None = None) -> Portfolio:
    """Read a portfolio manifest and every register and schedule it names.

    Parameters
    ----------
    source : path or DataFrame
        A CSV file or ``.xlsx`` workbook with one row per project. ``register`` and
        ``schedule`` paths are relative to the manifest's folder (to the working
        directory for a DataFrame).
    sheet : str or int, optional
        The worksheet of a workbook (default: the first).
    columns : mapping, optional
        ``{"Header as written": "canonical_name"}``; overrides the alias table.

    Returns
    -------
    Portfolio
        Each project's register and schedule namespaced by the project's name, so two
        projects' risks called "R1" draw different random numbers.

    Raises
    ------
    InputError
        Every problem found (a missing file, a duplicate project, mixed currencies
        without exchange rates, a bad number or date), each naming the manifest, the
        row, the column and the value; problems inside a register or schedule name
        that file.

    Examples
    --------
    >>> import riskkit as rk
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> len(pf) >= 6
    True
    """
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, "<manifest DataFrame>")
        folder = Path.cwd()
    elif isinstance(source, (str, PathLike)):
        path = Path(source)
        if not path.exists():
            raise InputError(Problem("file not found", source=str(source),
                                     hint="give the path of the portfolio manifest"))
        table = read_xlsx(path, sheet, what="portfolio manifest") if is_workbook(path) \
            else read_table(path)
        folder = path.parent
    else:
        raise OptionError("source", type(source).__name__,
                          "a manifest path (CSV or .xlsx) or a DataFrame")
    if not any(MANIFEST_ALIASES.get(normalise_header(h)) == "register"
               for h in table.header) and _project_column(table) is not None:
        return _from_register(table)
    return _Manifest(table, folder, columns or {}).portfolio()


_PROJECT_WORDS = {"project", "projectname", "projectid"}
_PROGRAMME_WORDS = {"programme", "program", "programmename", "programname"}


def _project_column(table: RawTable) -> int | None:
    """Where a register of several projects keeps its project, or None."""
    try:
        table, _ = find_header(table, REGISTER_HEADERS, None)
    except InputError:
        return None
    heads = [normalise_header(h) for h in table.header]
    if "probability" not in " ".join(heads):
        return None
    return next((i for i, h in enumerate(heads) if h in _PROJECT_WORDS), None)


def _from_register(raw: RawTable) -> Portfolio:
    """One register with ``project`` (and ``programme``) columns: a project per name, its
    rows read as a register of their own (so projects may repeat ids); rows whose project
    is ``*`` or a list ``P1; P2`` are shared risks."""
    table, _ = find_header(raw, REGISTER_HEADERS, None)
    heads = [normalise_header(h) for h in table.header]
    at = next(i for i, h in enumerate(heads) if h in _PROJECT_WORDS)
    prog_at = next((i for i, h in enumerate(heads) if h in _PROGRAMME_WORDS), None)
    keep = [i for i in range(len(table.header)) if i != prog_at]
    src, problems = table.source, []

    def cell(cells: tuple[str, ...], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    groups: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    programme: dict[str, tuple[int, str]] = {}
    shared_rows: list[tuple[int, tuple[str, ...]]] = []
    for row, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        name, prog = cell(cells, at), cell(cells, prog_at)
        slim = tuple(cells[i] if i < len(cells) else "" for i in keep)
        if not name:
            problems.append(Problem("the risk names no project", source=src, row=row,
                                    column=table.header[at],
                                    hint="write its project, * for every project or a "
                                         "list such as P1; P2"))
        elif name == SHARED or ";" in name:
            shared_rows.append((row, slim))
        else:
            groups.setdefault(name, []).append((row, slim))
            first = programme.setdefault(name, (row, prog))
            if prog and first[1] and prog != first[1]:
                problems.append(Problem(
                    f"project {name} is in programme {first[1]!r} on row {first[0]}",
                    source=src, row=row, column=table.header[prog_at or 0], value=prog,
                    hint="a project belongs to one programme"))
            elif prog and not first[1]:
                programme[name] = (row, prog)

    def part(rows: list[tuple[int, tuple[str, ...]]]) -> RawTable:
        return replace(table, header=tuple(table.header[i] for i in keep), rows=tuple(rows),
                       units=tuple(table.units[i] for i in keep if i < len(table.units)))

    projects: list[Project] = []
    for name, rows in groups.items():
        try:
            reg = register_from_table(part(rows), project=name)
            projects.append(Project(name, reg, programme=programme[name][1] or None,
                                    currency=reg.currency, row=rows[0][0]))
        except InputError as exc:
            problems += exc.problems
    shared: list[tuple[int, Any]] = []
    if shared_rows:
        try:
            shared.append((shared_rows[0][0], register_from_table(part(shared_rows))))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    projects = _share(projects, shared, problems)
    if problems:
        raise InputError(problems)
    return Portfolio(tuple(projects), src)


class _Manifest:
    def __init__(self, table: RawTable, folder: Path, columns: dict[str, str]) -> None:
        self.table, self.folder, self.src = table, folder, table.source
        self.problems: list[Problem] = []
        #: the ``*`` row's correlation file, and its row
        self.correlation: Correlation | None = None
        self._correlation_row = 0
        self.at: dict[str, int] = {}
        self.written: dict[str, str] = {}
        mapped = {normalise_header(k): v for k, v in columns.items()}
        unknown = []
        for i, head in enumerate(table.header):
            if not head.strip():
                continue
            key = normalise_header(head)
            canon = mapped.get(key) or MANIFEST_ALIASES.get(key)
            if canon is None:
                unknown.append(head)
            elif canon in self.at:
                self.problems.append(Problem(f"two columns mean {canon}", source=self.src,
                                             row=table.header_row, column=head,
                                             hint=f"keep one of {self.written[canon]!r} "
                                                  f"and {head!r}"))
            else:
                self.at[canon], self.written[canon] = i, head
        if unknown:
            warnings.warn(f"{self.src}: columns not used: {', '.join(map(repr, unknown))} "
                          f"(a manifest has {', '.join(MANIFEST_COLUMNS)})",
                          InputWarning, stacklevel=3)
        for needed in ("project", "register"):
            if needed not in self.at:
                self.problems.append(Problem(f"no {needed} column", source=self.src,
                                             row=table.header_row,
                                             hint="a manifest has one row per project with "
                                                  "at least project and register"))

    def cell(self, cells: tuple[str, ...], name: str) -> str:
        i = self.at.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    def problem(self, row: int, name: str, message: str, value: str | None = None,
                hint: str | None = None) -> None:
        self.problems.append(Problem(message, source=self.src, row=row,
                                     column=self.written.get(name, name), value=value,
                                     hint=hint))

    def number(self, row: int, cells: tuple[str, ...], name: str) -> float | None:
        text = self.cell(cells, name)
        value = parse_cell(text, lambda m: self.problem(row, name, m, text),
                           decimal_comma=self.table.decimal_comma)
        if value is not None and math.isnan(value):
            return None
        if value is not None and value < 0:
            self.problem(row, name, "must not be negative", text)
            return None
        return value

    def day(self, row: int, cells: tuple[str, ...], name: str) -> Any:
        text = self.cell(cells, name)
        if not text:
            return None
        try:
            return parse_day(text, name)
        except OptionError as exc:
            self.problem(row, name, "is not a date", text, str(exc))
            return None

    def file(self, row: int, cells: tuple[str, ...], name: str) -> Path | None:
        text = self.cell(cells, name)
        if not text:
            if name == "register":
                self.problem(row, name, "no register file for this project", None,
                             "give the register's path, relative to the manifest")
            return None
        path = Path(text) if Path(text).is_absolute() else self.folder / text
        if not path.is_file():
            self.problem(row, name, "file not found", text,
                         f"paths are relative to the manifest's folder ({self.folder})")
            return None
        return path

    def portfolio(self) -> Portfolio:
        if self.problems:
            raise InputError(self.problems)
        projects: list[Project] = []
        shared: list[tuple[int, Any]] = []
        first_row: dict[str, int] = {}
        currencies: list[tuple[int, str | None, float | None]] = []
        for row, cells in self.table.rows:
            if not any(c.strip() for c in cells):
                continue
            name = self.cell(cells, "project")
            if not name:
                self.problem(row, "project", "project name is missing")
                continue
            if name in first_row:
                self.problem(row, "project", f"duplicate project (first on row "
                                             f"{first_row[name]})", name,
                             "project names namespace their risks: make them unique")
                continue
            if name == SHARED:
                if self.cell(cells, "correlation"):
                    self._correlation(row, cells)
                if self.cell(cells, "register") or not self.cell(cells, "correlation"):
                    path = self.file(row, cells, "register")
                    try:
                        if path is not None:
                            shared.append((row, read_register(path)))
                    except InputError as exc:
                        self.problems += exc.problems
                continue
            if self.cell(cells, "correlation"):
                self.problem(row, "correlation", "a correlation file belongs on the "
                             f"portfolio's own row (project {SHARED})",
                             self.cell(cells, "correlation"),
                             f"move it to a row whose project is {SHARED}")
            first_row[name] = row
            before = len(self.problems)
            reg_path, sch_path = self.file(row, cells, "register"), self.file(row, cells,
                                                                               "schedule")
            register = schedule = None
            try:
                register = read_register(reg_path, project=name) if reg_path else None
            except InputError as exc:
                self.problems += exc.problems
            try:
                schedule = read_schedule(sch_path, project=name) if sch_path else None
            except InputError as exc:
                self.problems += exc.problems
            currency = currency_code(self.cell(cells, "currency"))
            own = register.currency if register is not None else None
            if currency and own and currency != own:
                self.problem(row, "currency", f"the register {reg_path} writes amounts in "
                                              f"{own}", self.cell(cells, "currency"),
                             "make the manifest's currency that of the register")
            rate = self.number(row, cells, "exchange_rate")
            currencies.append((row, currency or own, rate))
            values = {k: self.number(row, cells, k) for k in ("value_per_day", "budget")}
            start, deadline = self.day(row, cells, "start"), self.day(row, cells, "deadline")
            if deadline is not None and start is None:
                self.problem(row, "deadline", "a deadline needs the project's start",
                             self.cell(cells, "deadline"), "give the start date too")
            elif deadline is not None and start is not None and deadline < start:
                self.problem(row, "deadline", f"the deadline is before the start ({start})",
                             self.cell(cells, "deadline"))
            if len(self.problems) > before or (reg_path is None and sch_path is None):
                continue
            try:
                projects.append(Project(name, register, schedule,
                                        programme=self.cell(cells, "programme") or None,
                                        start=start, currency=currency or own,
                                        value_per_day=values["value_per_day"],
                                        budget=values["budget"], deadline=deadline,
                                        exchange_rate=rate, row=row))
            except InputError as exc:
                self.problems += relocate(exc, self.src, row, self.written).problems
        self._check_currencies(currencies)
        projects = _share(projects, shared, self.problems)
        self._check_matrix(projects)
        if self.problems:
            raise InputError(self.problems)
        try:
            return Portfolio(tuple(projects), self.src, self.correlation)
        except InputError as exc:
            raise relocate(exc, self.src, None, self.written) from None

    def _correlation(self, row: int, cells: tuple[str, ...]) -> None:
        """The ``*`` row's correlation file: groups across projects, or a matrix
        between projects (read as ``riskkit portfolio --correlation`` reads it)."""
        if self.correlation is not None:
            self.problem(row, "correlation", f"a second correlation file (the first on "
                                             f"row {self._correlation_row})",
                         self.cell(cells, "correlation"), "give one")
            return
        path = self.file(row, cells, "correlation")
        if path is None:
            return
        try:
            self.correlation = read_correlation(path)
            self._correlation_row = row
        except InputError as exc:
            self.problems += exc.problems

    def _check_matrix(self, projects: list[Project]) -> None:
        """A matrix between projects names projects of the manifest that share no risk."""
        corr = self.correlation
        if corr is None or corr.matrix is None:
            return
        names = {p.name: p for p in projects}
        ids = [str(i) for i in corr.matrix.index]
        text = self.written.get("correlation", "correlation")
        unknown = [i for i in ids if i not in names]
        if unknown:
            self.problems.append(Problem(
                f"the correlation matrix names what is not a project of the manifest: "
                f"{', '.join(unknown)}", source=self.src, row=self._correlation_row,
                column=text, value=corr.source,
                hint="a matrix in a manifest is between projects: its ids are project "
                     "names (correlation groups correlate risks across projects)"))
        tied = [i for i in ids if i in names and names[i].shared_ids]
        if tied:
            self.problems.append(Problem(
                f"projects in the correlation matrix share risks: {', '.join(tied)}",
                source=self.src, row=self._correlation_row, column=text,
                value=corr.source,
                hint="a shared risk already ties its projects iteration by iteration; "
                     "leave these projects out of the matrix"))

    def _check_currencies(self, currencies: list[tuple[int, str | None, float | None]]
                          ) -> None:
        named = [(r, c, x) for r, c, x in currencies if c]
        if not named:
            return
        home = named[0][1]
        for row, cur, rate in named[1:]:
            if cur != home and rate is None:
                self.problem(row, "currency", f"projects in different currencies ({home} "
                                              f"on row {named[0][0]}) and no exchange rate",
                             cur, f"add an exchange_rate column: the value of one {cur} "
                                  f"in {home}")


def _share(projects: list[Project], shared: list[tuple[int, Any]],
           problems: list[Problem]) -> list[Project]:
    """Each project with the shared risks that name it."""
    names = [p.name for p in projects]
    hits: dict[str, list[Any]] = {n: [] for n in names}
    for _, reg in shared:
        column = reg.header("project")
        for risk in reg.risks:
            cell = (risk.project or "").strip()
            targets = names if cell == SHARED else [t.strip() for t in cell.split(";")
                                                    if t.strip()]
            unknown = [t for t in targets if t not in hits]
            if not targets or unknown:
                problems.append(Problem(
                    "a shared risk names no project of the portfolio" if not targets
                    else f"a shared risk names projects the manifest lacks: "
                         f"{', '.join(unknown)}", source=reg.source, row=risk.row,
                    column=column, value=cell or None,
                    hint=f"write * for every project or a list such as "
                         f"{'; '.join(names[:2])}"))
                continue
            if risk.activities:
                problems.append(Problem(
                    "a shared risk acts on each project's finish and may not name "
                    "activities", source=reg.source, row=risk.row,
                    column=reg.header("activities"), value="; ".join(risk.activities)))
                continue
            own = {p.name: p.register.ids if p.register else () for p in projects}
            clash = [t for t in dict.fromkeys(targets) if risk.id in own[t]]
            if clash:
                problems.append(Problem(
                    f"a shared risk has the id of a risk of {', '.join(clash)}",
                    source=reg.source, row=risk.row, column=reg.header("id"),
                    value=risk.id, hint="give shared risks ids of their own"))
                continue
            for t in dict.fromkeys(targets):
                hits[t].append(risk)
    return [p.with_shared(tuple(hits[p.name])) for p in projects]
