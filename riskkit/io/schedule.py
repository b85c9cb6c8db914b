"""Reading activity schedules from CSV, xlsx or a DataFrame into
:class:`~riskkit.model.Schedule`.

The reader finds the columns, reads each row's duration estimate (in working days, or
in the unit a cell, a units column or the header writes: :mod:`.units`), costs and
predecessor cell (``A; B FS+2; C SS-1; D FF``), leaves out summary rows
(:mod:`.summary`), and builds activities and links. The network checks (unknown
predecessors, self-links, cycles, open ends, no links at all) are the model's. A
planning tool's own file is recognised by its content (:mod:`.formats`) and read:
Primavera P6 XER (:mod:`.xer`, :mod:`.xer_schedule`) and P6 XML (:mod:`.pmxml`) and MS
Project XML (:mod:`.mspdi`) natively, MS Project .mpp and MPX (and the other formats
MPXJ reads) through the optional MPXJ extra (:mod:`.mpxj`).
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
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
from ..words import read_words
from .cells import BAD, NumberFormatError, parse_cell, parse_number
from .formats import buffered, describe, planning_format_error, sniff_format
from .links import KnownIds, parse_link, split_predecessors, uncertain_lag
from .planning.mpxj import MPXJ_SUFFIXES, read_with_mpxj
from .planning.mspdi import read_mspdi
from .planning.pmxml import read_pmxml
from .planning.xer import read_xer
from .planning.xer_schedule import schedule_from_xer
from .summary import Outline, RowFacts, find_summaries, is_dash, spanning_rows
from .tables import (
    RawTable,
    display_name,
    find_header,
    normalise_header,
    read_table,
    resolve_columns,
    table_from_frame,
)
from .units import UnitError, WorkTime, header_unit, parse_duration, unit_of
from .xlsx import is_workbook, read_xlsx

__all__ = ["SCHEDULE_ALIASES", "read_schedule"]

_PARAMETERS = family_parameters()
SCHEDULE_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Activity ID", "Task ID", "Activity", "Task", "Activity Code", "Task Code",
           "Code", "Ref", "No", "#", "Step"),
    "name": ("Name", "Task Name", "Activity Name", "Description", "Activity Description",
             "Task Description", "Title"),
    "duration": ("Duration", "Original Duration", "Planned Duration", "Dur", "Days",
                 "Duration Days", "Time", "Expected Duration", "Hours", "Weeks", "Months",
                 "Working Days", "Work Days", "Remaining Duration"),
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
    # read by the reader only: the unit of a row's durations, and what makes a row a
    # summary (see riskkit.io.summary)
    "duration_unit": ("Unit", "Units", "Duration Unit", "Duration Units", "Time Unit",
                      "Time Units", "Unit of Time", "Duration UoM"),
    "wbs": ("WBS", "WBS Code", "WBS Number", "WBS No", "WBS ID", "WBS Element",
            "Outline Number"),
    "outline_level": ("Outline Level", "Level", "WBS Level", "Indent", "Indent Level",
                      "Outline", "Hierarchy Level"),
    "summary": ("Summary", "Summary Task", "Is Summary", "Summary Row", "Summary Activity"),
    "existence_probability": ("Existence Probability", "Existence", "Probability of Existence",
                              "Task Existence", "Exists", "Probability Needed"),
    "branch": ("Branch", "Branch Option", "Probabilistic Branch", "Branch Group"),
    "branch_probability": ("Branch Probability", "Branch Chance",
                           "Probability of Branch"),
    **{name: p.aliases for name, p in _PARAMETERS.items()},
}
_READER_COLUMNS = ("duration_unit", "wbs", "outline_level", "summary")
_BRANCHING = ("existence_probability", "branch", "branch_probability")
_COLUMNS = SCHEDULE_COLUMNS + tuple(_PARAMETERS) + _READER_COLUMNS + _BRANCHING
_DURATIONS = ("duration", "duration_min", "duration_most_likely", "duration_max")
_UNIT_WORDS = ("hours", "hrs", "h", "weeks", "wks", "w", "months", "mo", "minutes", "days",
               "d", "wd", "working days")
_LOOKUP = {normalise_header(p): canon
           for canon, phrases in SCHEDULE_ALIASES.items() for p in (canon, *phrases)}
# the same columns in other languages (riskkit/io/words/schedule_headers.json); an
# English phrase wins where a word means something else in another language
for _canon, _languages in read_words("schedule_headers").items():
    for _phrase in (p for phrases in _languages.values() for p in phrases):
        _LOOKUP.setdefault(normalise_header(_phrase), _canon)
# A duration header with its unit, as 'Duration (hours)' or 'Optimistic hrs': the unit is
# read from the header as written (riskkit.io.units.header_unit).
_LOOKUP.update({normalise_header(form.format(p, u)): canon
                for canon in _DURATIONS for p in (canon, *SCHEDULE_ALIASES[canon])
                for u in _UNIT_WORDS for form in ("{} ({})", "{} [{}]", "{} {}", "{} in {}")
                if ("(" in form or "[" in form or (len(u) > 3 and len(normalise_header(p)) > 2))
                and normalise_header(form.format(p, u)) not in _LOOKUP})
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
    hours_per_day: float = 8.0,
    days_per_week: float = 5.0,
) -> Schedule:
    """Read and check an activity schedule (CSV, xlsx, Primavera P6 XER or XML, MS
    Project XML, .mpp or MPX: a path, file object or DataFrame).

    Columns: ``id, name, duration_min, duration_most_likely, duration_max`` (or a single
    ``duration``), ``predecessors, distribution, cost_per_day, fixed_cost``, under the
    aliases real files use (Task ID, Optimistic / Most likely / Pessimistic, a / m / b,
    Immediate Predecessor, ...). Predecessor cells: ``A; B FS+2; C SS-1; D FF`` with ``;``
    or ``,`` between items, lags in working days unless they say otherwise (``A FS+2w``).

    Durations are working days, unless a cell writes its unit (``2w``, ``3 wks``,
    ``16h``, ``1.5 mo``), the row's ``Units`` column gives one (hours, days, weeks,
    months) or the header does (``Duration (hours)``). Summary rows (a ``Summary``
    column saying yes, an ``Outline Level`` or WBS codes with rows under them, ``—`` as
    the duration, a row no link touches that spans the others) are left out with a
    warning; see :mod:`riskkit.io.summary`. A ``WBS`` (or ``Outline Number``) column
    is each activity's WBS path (``Activity.wbs``), which risks and uncertainty rules
    can name (``WBS:1.2``).

    A P6 XER file (recognised by its content) is read natively: one project's
    activities, links, calendars, WBS and activity codes, durations remaining from the
    data date (:func:`riskkit.io.planning.xer_schedule.schedule_from_xer`); ``encoding`` applies
    (default cp1252), the other options do not. P6 XML (PMXML) is read by the same rules
    (:mod:`riskkit.io.planning.pmxml`), MS Project XML (MSPDI) natively
    (:mod:`riskkit.io.planning.mspdi`: tasks, calendars, links, constraints, progress, summary
    tasks left out with their links moved to the tasks under them), and an MS Project
    .mpp or MPX file (or another format MPXJ reads) through the optional MPXJ extra
    (``pip install "riskkit[mpxj]"``, which needs Java), as MS Project XML.

    Parameters
    ----------
    columns : mapping, optional
        ``{"Header as written": "canonical"}`` for headers riskkit does not recognise
        (``"ignore"`` leaves a column out).
    delimiter, decimal, encoding : str, optional
        CSV delimiter, decimal separator (``","`` or ``"."``) and text encoding
        (default: detected).
    sheet : str or int, optional
        The worksheet of an .xlsx workbook (default: the first).
    project : str, optional
        The schedule's project (namespaces its random streams). For a P6 XER or XML
        file that holds several projects, the one to read (its short name or id).
    hours_per_day, days_per_week : float, default 8 and 5
        How hours and weeks become working days (a month is 52/12 weeks).

    Raises
    ------
    InputError
        Every problem at once: unknown predecessors (naming both ids), cycles (naming
        every activity on them), invalid three-point estimates, negative durations,
        units riskkit does not read, duplicate ids, links to summary rows whose
        activities the file does not give.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> len(sch) >= 30
    True
    """
    time = WorkTime(hours_per_day, days_per_week)
    name = display_name(source)
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, name)
    else:
        source = buffered(source)
        kind = sniff_format(source)
        if kind == "xlsx" or (kind is None and is_workbook(source)):
            table = read_xlsx(source, sheet, _judge(columns), what="schedule")
        elif kind == "xer":
            return schedule_from_xer(read_xer(source, encoding=encoding), project)
        elif kind == "pmxml":
            return read_pmxml(source, project)
        elif kind == "mspdi":
            return read_mspdi(source, project)
        elif kind in ("mpp", "mpx") or (kind in ("ole", "xml", "zip")
                                        and name.lower().endswith(MPXJ_SUFFIXES)):
            what = (describe(kind) if kind in ("mpp", "mpx")
                    else f"a {os.path.splitext(name)[1]} file")
            return read_with_mpxj(source, what, project)
        elif kind is not None:
            raise planning_format_error(kind, name)
        else:
            table = read_table(source, delimiter=delimiter, decimal=decimal,
                               encoding=encoding)
    return _schedule_from_table(table, columns, project, time)


def _judge(columns: Mapping[str, str] | None) -> Callable[[RawTable], int]:
    """How much a worksheet looks like a schedule: 0 no header row, 1 a header row of
    known columns, 2 one with an id and a duration (or its three points)."""

    def judge(table: RawTable) -> int:
        try:
            table, _ = find_header(table, _LOOKUP, columns)
        except InputError:
            return 0
        found, _, _ = resolve_columns(table.header, _LOOKUP, columns, _COLUMNS, table.source)
        if len(found) < 2:
            return 0
        return 2 if "id" in found and any(c.startswith("duration") for c in found) else 1

    return judge


def _schedule_from_table(table: RawTable, columns: Mapping[str, str] | None,
                         project: str | None, time: WorkTime | None = None) -> Schedule:
    src = table.source
    table, title_note = find_header(table, _LOOKUP, columns,
                                    section="Schedule risk analysis")
    found, unrecognised, problems = resolve_columns(table.header, _LOOKUP, columns,
                                                    _COLUMNS, src, "--schedule-map")
    if problems:
        raise InputError(problems)
    if "id" not in found and "wbs" in found:
        found["id"] = found["wbs"]  # a WBS code is the activity's id when there is no other
    mapped = "map one (--schedule-map \"Header=id\" on the command line, columns= in Python)"
    if "id" not in found:
        problems.append(Problem("no activity id column", source=src,
                                hint="name a column 'ID', 'Activity' or 'Task ID', or "
                                     + mapped))
    if "duration" not in found and not any(c in found for c in _ESTIMATE):
        problems.append(Problem(
            "no duration column", source=src,
            hint="add 'Duration', or 'Optimistic / Most Likely / Pessimistic', or "
                 + mapped.replace('=id"', '=duration"')))
    if problems:
        problems.append(Problem("headers found: " + ", ".join(map(repr, table.header)),
                                source=src))
        raise InputError(problems)
    notes: list[str] = [title_note] if title_note else []
    if unrecognised:
        notes.append(f"{src}: columns not used by riskkit: "
                     + ", ".join(repr(table.header[i]) for i in unrecognised))
    written = {c: table.header[i] for c, i in found.items()}
    context = _Context(src, found, written, table.decimal_comma, time or WorkTime(),
                       {c: header_unit(written[c]) for c in _DURATIONS if c in written})
    rows: list[_ActivityRow] = []
    broken: set[str] = set()  # ids of rows left out for a problem: links to them are not
    id_header = normalise_header(written["id"])
    for row, cells in table.rows:
        if not any(cells):
            continue
        if len(cells) > len(table.header) and any(cells[len(table.header):]):
            problems.append(Problem(
                f"has {len(cells)} cells but the header has {len(table.header)}", source=src,
                row=row, hint="an unquoted delimiter inside a cell? quote text that has one"))
            if "id" in found and cells[found["id"]]:
                broken.add(cells[found["id"]])
            continue
        cells = cells + ("",) * (len(table.header) - len(cells))
        reader = _ActivityRow(row, cells, context)
        if normalise_header(reader.cell("id")) == id_header:
            notes.append(f"{src}: row {row} repeats the header and was left out")
            continue
        if not reader.cell("id") and not reader.is_heading():
            problems.append(Problem("activity id is missing", source=src, row=row,
                                    column=written["id"]))
            continue
        rows.append(reader)
    outline = find_summaries([r.facts() for r in rows], src, written)
    named = {r.cell("id") for r in rows if r.cell("id")} | broken
    activities, links, more = _parts(rows, outline, context, named, broken, notes)
    problems += more
    if not activities and not problems:
        problems.append(Problem("has no activities (no rows below the header)", source=src))
    if problems:  # with the network's own problems (unknown ids, cycles) added
        problems += _network_problems(activities, links, context)
        raise InputError(sorted(problems, key=lambda p: -1 if p.row is None else p.row))
    spanning = _spanning_rows(rows, outline, activities, links, context)
    if spanning:
        outline.reasons.update(spanning)
        outline.children.update(dict.fromkeys(spanning))
        activities = [r.activity() for i, r in enumerate(rows) if i not in outline.reasons]
    notes += outline.notes
    if outline.reasons:
        left = [f"row {rows[i].row} {rows[i].cell('id') or rows[i].cell('name')!r} "
                f"({reason})" for i, reason in sorted(outline.reasons.items())]
        shown = "; ".join(left[:10]) + (f"; and {len(left) - 10} more" if len(left) > 10
                                        else "")
        note = (f"{src}: {len(left)} summary {'row' if len(left) == 1 else 'rows'} left "
                f"out (a summary is not work: it would run in parallel and lengthen the "
                f"result): {shown}")
        if spanning:
            note += ("; if one of them is real work, give it a predecessor"
                     + (f" or say No in its {written['summary']!r} cell"
                        if "summary" in written else ""))
        notes.append(note)
    with warnings.catch_warnings(record=True) as logic:
        warnings.simplefilter("always", InputWarning)
        try:
            schedule = Schedule(tuple(activities), tuple(links), src, project,
                                warnings=tuple(notes), headers=tuple(written.items()))
        except InputError as exc:
            raise InputError(sorted(exc.problems, key=lambda p: -1 if p.row is None
                                    else p.row)) from None
    for note in [*notes, *(str(w.message) for w in logic)]:
        warnings.warn(note, InputWarning, stacklevel=3)
    return schedule


def _parts(rows: list[_ActivityRow], outline: Outline, context: _Context, named: set[str],
           broken: set[str], notes: list[str]
           ) -> tuple[list[Activity], list[Link], list[Problem]]:
    """The activities of the rows that are not summaries, the links between them
    (summaries replaced by the activities under them) and every problem, the network's
    included."""
    active = [r for i, r in enumerate(rows) if i not in outline.reasons]
    activities = [r.activity() for r in active]
    ids = KnownIds.of(named)
    links = [lk for r in rows if r.cell("id") for lk in r.links(ids)
             if lk.predecessor not in broken]
    position = {r.cell("id"): i for i, r in enumerate(rows) if r.cell("id")}
    links, problems, dropped = outline.rewrite(
        links, position, [r.cell("id") for r in rows], context.src,
        context.written.get("predecessors", "predecessors"))
    for r in rows:
        problems += r.problems
    if dropped:
        notes.append(f"{context.src}: {dropped} {'link' if dropped == 1 else 'links'} "
                     "between a summary row and an activity under it left out")
    late = sorted({r.row for r in active if r.unitless_lags})
    if late:
        notes.append(f"{context.src}: lags without a unit are working days "
                     f"({'row' if len(late) == 1 else 'rows'} "
                     + ", ".join(map(str, late[:10])) + (" ..." if len(late) > 10 else "")
                     + ", whose durations are in another unit); write 'A FS+4h' or "
                       "'A FS+1w' if they are not")
    return activities, links, problems


def _network(activities: list[Activity], links: list[Link], context: _Context) -> Schedule:
    """The schedule of the activities, its warnings left to the reader."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)  # the reader gives them, once
        return Schedule(tuple(activities), tuple(links), context.src,
                        headers=tuple(context.written.items()))


def _network_problems(activities: list[Activity], links: list[Link], context: _Context
                      ) -> list[Problem]:
    try:
        _network(activities, links, context)
    except InputError as exc:
        return list(exc.problems)
    return []


def _spanning_rows(rows: list[_ActivityRow], outline: Outline, activities: list[Activity],
                   links: list[Link], context: _Context) -> dict[int, str]:
    """Positions (in ``rows``) of rows no link touches that span the others."""
    linked = {lk.predecessor for lk in links} | {lk.successor for lk in links}
    active = [i for i in range(len(rows)) if i not in outline.reasons]
    if len(active) < 3 or all(a.id in linked for a in activities):
        return {}
    finish = [0.0] * len(activities)
    if links:
        try:
            finish = list(_network(activities, links, context).cpm()["early_finish"])
        except InputError:
            return {}  # the final build reports the network's problems
    keep = {k for k, i in enumerate(active) if i in outline.keep}
    found = spanning_rows([a.id for a in activities], [a.most_likely for a in activities],
                          finish, links, keep)
    return {active[k]: reason for k, reason in found.items()}


@dataclass(frozen=True)
class _Context:
    """What every row of one file shares: its columns, number format and work time."""

    src: str
    found: Mapping[str, int]
    written: Mapping[str, str]
    decimal_comma: bool
    time: WorkTime
    #: the unit each duration header announces ('Duration (hours)'), if any
    header_units: Mapping[str, str | None]


class _ActivityRow:
    """One row of a schedule: its activity (a placeholder if a cell is bad, so that the
    network can still be checked and every problem reported at once) and its links."""

    def __init__(self, row: int, cells: tuple[str, ...], context: _Context):
        self.row, self.cells, self.context = row, cells, context
        self.found, self.written, self.src = context.found, context.written, context.src
        self.decimal_comma = context.decimal_comma
        self.problems: list[Problem] = []
        self.unitless_lags = False
        self._unit: str | None = None
        self._units_read = False
        self._activity: Activity | None = None
        self._links: list[Link] | None = None

    def cell(self, canon: str) -> str:
        return self.cells[self.found[canon]] if canon in self.found else ""

    def column(self, canon: str) -> str:
        """The header as written for a canonical column; a single 'Duration' stands for
        the three points and the other way round."""
        if canon in self.written:
            return self.written[canon]
        if canon in _DURATIONS:
            for other in ("duration", "duration_most_likely", *_DURATIONS):
                if other in self.written:
                    return self.written[other]
        return canon

    def problem(self, canon: str, message: str, value: str | None = None,
                hint: str | None = None) -> None:
        self.problems.append(Problem(message, source=self.src, row=self.row,
                                     column=self.column(canon), value=value, hint=hint))

    def is_heading(self) -> bool:
        """A row with a name but no id, no duration and no predecessors (a heading)."""
        durations = [self.cell(c) for c in _DURATIONS]
        return bool(self.cell("name")) and not self.cell("predecessors") and all(
            not d.strip() or is_dash(d) for d in durations)

    def facts(self) -> RowFacts:
        return RowFacts(self.row, self.cell("id"), self.cell("name"), self.cell("wbs"),
                        self.cell("outline_level"), self.cell("summary"),
                        tuple(self.cell(c) for c in _DURATIONS if c in self.found))

    def unit(self) -> str | None:
        """The unit of this row's durations from its units column (None: not given)."""
        if not self._units_read:
            self._units_read = True
            text = self.cell("duration_unit").strip()
            if text:
                try:
                    self._unit = unit_of(text)
                except UnitError as exc:
                    self.problem("duration_unit", str(exc), text,
                                 "leave the cell blank for working days")
        return self._unit

    def duration_unit(self, canon: str) -> str | None:
        """The unit of a duration column on this row: the units column, else the
        header's unit, else None (working days)."""
        return self.unit() or self.context.header_units.get(canon)

    def number(self, canon: str) -> float | None:
        text = self.cell(canon)
        if canon in _DURATIONS:
            try:
                value = parse_duration(text, unit=self.duration_unit(canon),
                                       time=self.context.time,
                                       decimal_comma=self.decimal_comma)
            except NumberFormatError as exc:
                self.problem(canon, str(exc), text)
                return BAD
            if value is not None and not math.isfinite(value):
                self.problem(canon, "not a finite number", text)
                return BAD
            return value
        return parse_cell(
            text, lambda message: self.problem(canon, message, text),
            decimal_comma=self.decimal_comma, allow_percent=False, allow_days=True,
            allow_currency=canon in ("cost_per_day", "fixed_cost"))

    def probability(self, canon: str) -> float | None:
        """A probability cell: ``30%`` or ``0.3`` (a number above 1 needs its % sign)."""
        text = self.cell(canon).strip()
        if not text:
            return None
        try:
            parsed = parse_number(text, decimal_comma=self.decimal_comma, allow_currency=False)
        except NumberFormatError as exc:
            self.problem(canon, f"is {exc}", text, "write a probability such as 40% or 0.4")
            return None
        if parsed is None:
            return None
        value = parsed.value  # "40%" reads as 0.4
        if not 0.0 < value <= 1.0:
            self.problem(canon, "probability must be above 0% and at most 100%", text,
                         "write it as 40% or 0.4")
            return None
        return value

    def activity(self) -> Activity:
        """This row's activity (built once: its problems are recorded once)."""
        if self._activity is None:
            self._activity = self._build()
        return self._activity

    def _build(self) -> Activity:
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
        existence = self.probability("existence_probability")
        branch_p = self.probability("branch_probability")
        before = len(self.problems)
        try:
            return Activity(self.cell("id"), duration or Fixed(0.0),
                            self.cell("name") or None, most_likely, cost_per_day, fixed_cost,
                            self.cell("correlation_group") or None, family.name, self.row,
                            wbs=self.cell("wbs").strip() or None,
                            existence_probability=1.0 if existence is None else existence,
                            branch=self.cell("branch").strip() or None,
                            branch_probability=branch_p)
        except InputError as exc:
            columns = {c: self.column(c) for c in _COLUMNS}
            self.problems += relocate(exc, self.src, self.row, columns).problems
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

    def links(self, ids: KnownIds) -> list[Link]:
        """The links the predecessor cell names (unknown ids are left for the schedule
        to report, with this row); read once."""
        if self._links is None:
            self._links = self._read_links(ids)
        return self._links

    def lag_problem(self, item: str, text: str, message: str) -> None:
        self.problem("predecessors", f"lag of {item!r}: {message}", text)

    def _read_links(self, ids: KnownIds) -> list[Link]:
        out = []
        successor = self.cell("id")
        text = self.cell("predecessors")
        units = {self.duration_unit(c) for c in _DURATIONS if c in self.found}
        for item in split_predecessors(text):
            pred, kind, lags, word = parse_link(item, ids)
            if word is not None:
                try:
                    lags = tuple(self.context.time.days(v, unit_of(word)) for v in lags)
                except UnitError as exc:
                    self.problem("predecessors", f"lag of {item!r}: {exc}", text)
                    continue
            elif any(lags) and units - {None, "days"}:
                self.unitless_lags = True
            lag_range = None
            if len(lags) == 3:
                lag_range = uncertain_lag(lags, partial(self.lag_problem, item, text))
                if lag_range is None:
                    continue
            out.append(Link(pred, successor, kind, lags[1] if len(lags) == 3 else lags[0],
                            self.row, lag_range=lag_range))
        return out
