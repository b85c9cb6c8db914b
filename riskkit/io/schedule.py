"""Reading activity schedules from CSV, xlsx or a DataFrame into
:class:`~riskkit.model.Schedule`.

The reader finds the columns, reads each row's duration estimate, costs and
predecessor cell (``A; B FS+2; C SS-1; D FF``), and builds activities and links. The
network checks (unknown predecessors, self-links, cycles, open ends) are the model's.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..distributions import (
    Distribution,
    Family,
    Fixed,
    family_names,
    make_distribution,
    parse_family,
    percentile_hint,
    read_parameters,
)
from ..distributions import parameter_columns as family_parameters
from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..model import SCHEDULE_COLUMNS, Activity, Link, Schedule, relocate
from .cells import parse_cell
from .tables import (
    RawTable,
    display_name,
    find_header,
    normalise_header,
    read_table,
    resolve_columns,
    table_from_frame,
)
from .xlsx import is_workbook, read_xlsx

__all__ = ["SCHEDULE_ALIASES", "read_schedule"]

_PARAMETERS = family_parameters()
SCHEDULE_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Activity ID", "Task ID", "Activity", "Task", "Activity Code", "Task Code",
           "Code", "Ref", "No", "#", "Step"),
    "name": ("Name", "Task Name", "Activity Name", "Description", "Activity Description",
             "Task Description", "Title"),
    "duration": ("Duration", "Original Duration", "Planned Duration", "Dur", "Days",
                 "Duration Days", "Time", "Expected Duration"),
    "duration_min": ("Optimistic", "Optimistic Duration", "Optimistic Time", "a", "O",
                     "Min", "Minimum", "Min Duration", "Duration Min", "Low", "Best Case",
                     "Best"),
    "duration_most_likely": ("Most Likely", "Most Likely Duration", "Most Likely Time", "m",
                             "M", "ML", "Likely", "Mode", "Duration Most Likely", "Base",
                             "Nominal"),
    "duration_max": ("Pessimistic", "Pessimistic Duration", "Pessimistic Time", "b", "P",
                     "Max", "Maximum", "Max Duration", "Duration Max", "High", "Worst Case",
                     "Worst"),
    "predecessors": ("Predecessors", "Predecessor", "Predecessor(s)", "Immediate Predecessor",
                     "Immediate Predecessors", "Immediate Predecessor(s)", "Precedents",
                     "Preceding Activities", "Depends on", "Dependencies", "Prerequisites"),
    "distribution": ("Distribution", "Dist", "Distribution Type", "Shape"),
    "cost_per_day": ("Cost per Day", "Daily Cost", "Cost/Day", "Rate", "Daily Rate",
                     "Time-dependent Cost", "Time Dependent Cost", "Cost per Working Day"),
    "correlation_group": ("Correlation Group", "Corr Group", "Correlation Set",
                          "Correlation Class", "Correlated Group"),
    "fixed_cost": ("Fixed Cost", "Cost", "Budget", "Fixed", "Lump Sum", "Material Cost"),
    **{name: p.aliases for name, p in _PARAMETERS.items()},
}
_COLUMNS = SCHEDULE_COLUMNS + tuple(_PARAMETERS)
_LOOKUP = {normalise_header(p): canon
           for canon, phrases in SCHEDULE_ALIASES.items() for p in (canon, *phrases)}
_NONE = {"", "-", "–", "—", "none", "n/a", "na", "nil"}
_LINK = re.compile(
    r"\s*(FS|SS|FF|SF)?\s*(?:([+\-−])\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:d|days?|wd)?)?\s*",
    re.IGNORECASE)
_ESTIMATE = ("duration_min", "duration_most_likely", "duration_max")


def read_schedule(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    project: str | None = None,
) -> Schedule:
    """Read and check an activity schedule (CSV or xlsx path, file object or DataFrame).

    Columns: ``id, name, duration_min, duration_most_likely, duration_max`` (or a single
    ``duration``), ``predecessors, distribution, cost_per_day, fixed_cost``, under the
    aliases real files use (Task ID, Optimistic / Most likely / Pessimistic, a / m / b,
    Immediate Predecessor, ...). Predecessor cells: ``A; B FS+2; C SS-1; D FF`` with ``;``
    or ``,`` between items, lags in working days.

    Raises
    ------
    InputError
        Every problem at once: unknown predecessors (naming both ids), cycles (naming
        every activity on them), invalid three-point estimates, negative durations,
        duplicate ids.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> len(sch) >= 30
    True
    """
    name = display_name(source)
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, name)
    elif is_workbook(source):
        table = read_xlsx(source, sheet)
    else:
        table = read_table(source, delimiter=delimiter, decimal=decimal, encoding=encoding)
    return _schedule_from_table(table, columns, project)


def _schedule_from_table(table: RawTable, columns: Mapping[str, str] | None,
                         project: str | None) -> Schedule:
    src = table.source
    table, title_note = find_header(table, _LOOKUP, columns)
    found, unrecognised, problems = resolve_columns(table.header, _LOOKUP, columns,
                                                    _COLUMNS, src)
    if problems:
        raise InputError(problems)
    if "id" not in found:
        problems.append(Problem("no activity id column", source=src,
                                hint="name a column 'ID', 'Activity' or 'Task ID', or map one"))
    if "duration" not in found and not any(c in found for c in _ESTIMATE):
        problems.append(Problem(
            "no duration column", source=src,
            hint="add 'Duration', or 'Optimistic / Most Likely / Pessimistic'"))
    if problems:
        problems.append(Problem("headers found: " + ", ".join(map(repr, table.header)),
                                source=src))
        raise InputError(problems)
    notes: list[str] = [title_note] if title_note else []
    if unrecognised:
        notes.append(f"{src}: columns not used by riskkit: "
                     + ", ".join(repr(table.header[i]) for i in unrecognised))
    written = {c: table.header[i] for c, i in found.items()}
    rows: list[_ActivityRow] = []
    for row, cells in table.rows:
        if not any(cells):
            continue
        if len(cells) > len(table.header) and any(cells[len(table.header):]):
            problems.append(Problem(
                f"has {len(cells)} cells but the header has {len(table.header)}", source=src,
                row=row, hint="an unquoted delimiter inside a cell? quote text that has one"))
            continue
        cells = cells + ("",) * (len(table.header) - len(cells))
        reader = _ActivityRow(row, cells, found, written, src, table.decimal_comma)
        if normalise_header(reader.cell("id")) == normalise_header(written["id"]):
            notes.append(f"{src}: row {row} repeats the header and was left out")
            continue
        if not reader.cell("id"):
            problems.append(Problem("activity id is missing", source=src, row=row,
                                    column=written["id"]))
            continue
        rows.append(reader)
    ids = {r.cell("id") for r in rows}
    activities = [r.activity() for r in rows]
    links = [lk for r in rows for lk in r.links(ids)]
    for r in rows:
        problems += r.problems
    if not rows and not problems:
        raise InputError(Problem("has no activities (no rows below the header)", source=src))
    with warnings.catch_warnings(record=True) as logic:
        warnings.simplefilter("always", InputWarning)
        try:
            schedule = Schedule(tuple(activities), tuple(links), src, project,
                                warnings=tuple(notes), headers=tuple(written.items()))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    for note in [*notes, *(str(w.message) for w in logic)]:
        warnings.warn(note, InputWarning, stacklevel=3)
    return schedule


class _ActivityRow:
    """One row of a schedule: its activity (a placeholder if a cell is bad, so that the
    network can still be checked and every problem reported at once) and its links."""

    def __init__(self, row: int, cells: tuple[str, ...], found: Mapping[str, int],
                 written: Mapping[str, str], src: str, decimal_comma: bool):
        self.row, self.cells, self.found, self.written = row, cells, found, written
        self.src, self.decimal_comma = src, decimal_comma
        self.problems: list[Problem] = []

    def cell(self, canon: str) -> str:
        return self.cells[self.found[canon]] if canon in self.found else ""

    def problem(self, canon: str, message: str, value: str | None = None,
                hint: str | None = None) -> None:
        self.problems.append(Problem(message, source=self.src, row=self.row,
                                     column=self.written.get(canon, canon), value=value,
                                     hint=hint))

    def number(self, canon: str) -> float | None:
        text = self.cell(canon)
        return parse_cell(
            text, lambda message: self.problem(canon, message, text),
            decimal_comma=self.decimal_comma, allow_percent=False, allow_days=True,
            allow_currency=canon in ("cost_per_day", "fixed_cost"))

    def activity(self) -> Activity:
        dist_text = self.cell("distribution")
        try:
            family = parse_family(dist_text)
        except OptionError:
            self.problem("distribution", "unknown distribution", dist_text,
                         f"use one of {family_names()} (riskkit families lists them)")
            family = parse_family(None)
        if family.pairs:
            self.problem("distribution", f"a {family.name} duration is not supported",
                         dist_text, "give the duration as a three-point estimate of "
                         "another family")
            family = parse_family(None)
        values = {name: value for name in _PARAMETERS if self.cell(name)
                  and (value := self.number(name)) is not None and not math.isnan(value)}
        params = read_parameters(family, values, lambda name, message, hint: self.problem(
            name, message, self.cell(name), hint))
        duration, most_likely = self.duration(family, params)
        costs = [self.number(c) for c in ("cost_per_day", "fixed_cost")]
        cost_per_day, fixed_cost = (0.0 if v is None or math.isnan(v) else v for v in costs)
        before = len(self.problems)
        try:
            return Activity(self.cell("id"), duration or Fixed(0.0),
                            self.cell("name") or None, most_likely, cost_per_day, fixed_cost,
                            self.cell("correlation_group") or None, family.name, self.row)
        except InputError as exc:
            self.problems += relocate(exc, self.src, self.row, self.written).problems
        if len(self.problems) == before:  # pragma: no cover - every failure is a problem
            raise AssertionError("an activity failed without a problem")
        return Activity(self.cell("id"), Fixed(0.0), row=self.row)

    def duration(self, family: Family, params: dict[str, float]
                 ) -> tuple[Distribution | None, float]:
        """The duration distribution and the plan's (most likely) duration."""
        single = self.number("duration")
        triple = [self.number(c) for c in _ESTIMATE]
        if any(v is not None and math.isnan(v) for v in (single, *triple)):
            return None, math.nan  # a cell that is not a number: reported already
        given = [v is not None for v in triple]
        if single is not None and any(given):
            if not all(given):
                self.problem("duration", "both a single duration and part of a three-point "
                             "estimate are given", self.cell("duration"), "keep one of them")
                return None, math.nan
            # With a full triple, a 'Duration' column (often the PERT mean) is left aside.
        elif single is not None:
            triple, given = [single] * 3, [True] * 3
        a, m, b = triple
        if given == [False, True, False]:
            a = b = m
        elif not any(given):
            self.problem("duration_most_likely" if "duration_most_likely" in self.written
                         else "duration", "duration is missing", "",
                         "give a duration or a three-point estimate")
            return None, math.nan
        elif a is None or b is None:
            self.problem("duration_min" if a is None else "duration_max",
                         "three-point duration lacks its " + ("optimistic" if a is None else
                                                              "pessimistic") + " value", "")
            return None, math.nan
        elif m is None and family.needs_mode:
            self.problem("duration_most_likely",
                         "three-point duration lacks its most likely value", "")
            return None, math.nan
        assert a is not None and b is not None
        if a < 0 or (m is not None and m < 0):
            self.problem("duration_min", "negative duration", f"{a:g}")
            return None, math.nan
        plan = 0.5 * (a + b) if m is None else m
        try:
            return make_distribution(family, a, plan, b, **params), plan
        except InputError as exc:
            for p in exc.problems:
                if p.message.startswith("estimate must"):
                    column = "duration_min" if (m is not None and a > m) else "duration_max"
                    self.problem(column, "invalid three-point estimate: need optimistic <= "
                                 "most likely <= pessimistic", p.value)
                else:
                    self.problem("duration_min", f"duration does not fit a {family.name} "
                                 f"distribution: {p.message}", p.value,
                                 percentile_hint().replace("min and max", "optimistic and "
                                                           "pessimistic"))
            return None, math.nan

    def links(self, ids: set[str]) -> list[Link]:
        """The links the predecessor cell names (unknown ids are left for the schedule
        to report, with this row)."""
        out = []
        successor = self.cell("id")
        for item in _split_predecessors(self.cell("predecessors")):
            pred, kind, lag = _parse_link(item, ids)
            out.append(Link(pred, successor, kind, lag, self.row))
        return out


def _split_predecessors(text: str) -> list[str]:
    text = str(text).strip()
    if text.lower() in _NONE:
        return []
    return [t.strip() for t in re.split(r"[;,\n]", text) if t.strip()]


def _parse_link(item: str, ids: set[str]) -> tuple[str, str, float]:
    """``(predecessor, type, lag)`` from one predecessor item.

    Ids are matched first, so ``1-2`` or ``3.1`` are ids when the schedule has them;
    otherwise the longest known id followed by an optional type and lag wins. An item
    that names no known id is split at its type and lag all the same (its id is then
    reported as unknown).
    """
    if item in ids:
        return item, "FS", 0.0
    folded: dict[str, str | None] = {}
    for i in ids:
        folded[i.casefold()] = None if i.casefold() in folded else i
    unknown: tuple[str, str, float] | None = None
    for cut in range(len(item), 0, -1):
        head = item[:cut].strip()
        m = _LINK.fullmatch(item[cut:])
        if m is None or not head:
            continue
        ltype = (m.group(1) or "FS").upper()
        lag = float(m.group(3)) if m.group(3) else 0.0
        if m.group(2) in ("-", "−"):
            lag = -lag
        known = head if head in ids else folded.get(head.casefold())
        if known:  # case-insensitive only where that names exactly one activity
            return known, ltype, lag
        unknown = (head, ltype, lag)  # the shortest head that leaves a valid suffix
    return unknown if unknown is not None else (item, "FS", 0.0)
