"""Reading risk registers as people write them: CSV, xlsx or a DataFrame, into
:class:`~riskkit.model.RiskRegister`.

The reader finds the header and the columns (under the aliases real registers use),
reads every cell as a spreadsheet writes it, and builds :class:`~riskkit.model.Risk`
objects. What a risk must satisfy (probabilities, estimates, unique ids) is checked by
the model; the reader maps each problem back to its spreadsheet row and the column as
the file wrote it, and raises once with every problem of the file.
"""

from __future__ import annotations

import math
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..distributions import (
    Discrete,
    Distribution,
    Family,
    family_names,
    make_distribution,
    parse_family,
    percentile_hint,
    read_parameters,
)
from ..distributions import parameter_columns as family_parameters
from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..model import (
    REGISTER_COLUMNS,
    STRUCTURE_COLUMNS,
    Exposure,
    Risk,
    RiskRegister,
    relocate,
)
from ..model.status import status_notes
from . import sense
from .cells import NumberFormatError, parse_cell, parse_number, split_list
from .factors import read_factor
from .formats import buffered, not_a_register_error, sniff_format
from .headers import REGISTER_ALIASES, REGISTER_HEADERS, check_columns
from .scale import DEFAULT_SCALE, SCALE_HEADER, Level, Scale, read_scale
from .scores import (
    SCORE_COLUMNS,
    ScoreColumns,
    explicit_value,
    probability_hint,
    scores_as_amounts,
)
from .tables import (
    RawTable,
    display_name,
    find_header,
    header_says_percent,
    normalise_header,
    read_table,
    resolve_columns,
    table_from_frame,
)
from .xlsx import is_workbook, read_xlsx

__all__ = ["REGISTER_ALIASES", "read_register", "register_from_table"]

#: Single-value (fixed impact) columns accepted on input.
FIXED_COLUMNS = ("cost_impact", "schedule_impact", "mitigated_cost_impact",
                 "mitigated_schedule_impact")
_PARAMETERS = family_parameters()
#: "type": threat or opportunity (riskkit.io.sense); read, not kept on the model
_INPUT_COLUMNS = (REGISTER_COLUMNS + STRUCTURE_COLUMNS + FIXED_COLUMNS + tuple(_PARAMETERS)
                  + ("type",))
_POINTS = ("min", "most_likely", "max")
#: Columns of money whose values may be scores written as amounts.
COST_COLUMNS = ("cost_impact", "cost_min", "cost_most_likely", "cost_max",
                "mitigated_cost_impact", "mitigated_cost_min", "mitigated_cost_most_likely",
                "mitigated_cost_max")
_TOTAL_WORDS = ("total", "totals", "sum", "subtotal", "grandtotal", "overall")

_TEXT = ("id", "title", "description", "category", "owner", "status", "project",
         "mitigation", "correlation_group", "depends_on", "exclusive_group")
_CURRENCY_ALIASES = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "$": "USD", "US$": "USD",
                     "FR.": "CHF", "SFR": "CHF"}
_ISO = ("USD|EUR|GBP|CHF|AUD|CAD|NZD|SEK|NOK|DKK|JPY|INR|ZAR|SGD|HKD|CNY|PLN|CZK|RUB|BRL|"
        "MXN|TRY|HUF|RON")
#: a currency in a header: "(€)", "[GBP]", "in €", "in T€" (thousands are not read: the
#: cells say the amounts)
_HEADER_CURRENCY = re.compile(
    rf"[\(\[]\s*k?([$€£¥₹]|{_ISO})\s*k?[\)\]]|\bin\s+([$€£¥₹]|{_ISO})(?![\w])",
    re.IGNORECASE)
_DISCRETE = re.compile(r"\d\s*:\s*[\d.,]+%?\s*[;|]")


def read_register(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    scale: Any = None,
    project: str | None = None,
) -> RiskRegister:
    """Read and validate a risk register.

    Parameters
    ----------
    source : path, file object or DataFrame
        A CSV file (any of ``,`` ``;`` tab delimiters, UTF-8 with or without BOM,
        UTF-16, Windows-1252), an ``.xlsx`` workbook (needs openpyxl) or a DataFrame.
    columns : mapping, optional
        ``{"Header as written": "canonical_name"}``; overrides the alias table.
    delimiter, decimal, encoding : str, optional
        Override detection. ``decimal=","`` reads decimal commas in a ``,``-less file.
    sheet : str or int, optional
        Worksheet of an ``.xlsx`` workbook (default: the first).
    scale : Scale, path or "default", optional
        How to read qualitative scores. Labels such as "High", "Likely" or "Hoch" are
        always read with the default scale (:data:`riskkit.io.scale.DEFAULT_SCALE`);
        with a scale given, 1-5 style scores are read through it too (a column holds
        scores or values, never both; ``-4`` is an opportunity of level 4), and its
        levels apply. A custom scale extends the default labels (:func:`read_scale`).
    project : str, optional
        The project the register belongs to (namespaces its random streams).

    Returns
    -------
    RiskRegister

    Raises
    ------
    InputError
        Listing every problem found, each with its spreadsheet row, column and value.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> reg.risks[0].id
    'OF-01'
    """
    name = display_name(source)
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, name)
    else:
        source = buffered(source)
        kind = sniff_format(source)
        if kind == "xlsx" or (kind is None and is_workbook(source)):
            table = read_xlsx(source, sheet, _judge(columns))
        elif kind is not None:
            raise not_a_register_error(kind, name)
        else:
            table = read_table(source, delimiter=delimiter, decimal=decimal,
                               encoding=encoding)
    reader = _RegisterReader(table, columns, read_scale(scale) if scale is not None else None)
    return reader.register(project)


def register_from_table(table: RawTable, *, columns: Mapping[str, str] | None = None,
                        project: str | None = None) -> RiskRegister:
    """:func:`read_register` of a table already read (its rows keep their spreadsheet
    row numbers): for readers that take a register's rows apart, such as one register
    of several projects."""
    return _RegisterReader(table, columns, None).register(project)


def _judge(columns: Mapping[str, str] | None) -> Callable[[RawTable], int]:
    """How much a worksheet looks like a register: 0 no header row, 1 a header row of
    known columns, 2 one with an id, a probability and an impact."""

    def judge(table: RawTable) -> int:
        try:
            table, _ = find_header(table, REGISTER_HEADERS, columns)
        except InputError:
            return 0
        found, _, _ = resolve_columns(table.header, REGISTER_HEADERS, columns, _INPUT_COLUMNS,
                                      table.source)
        if len(found) < 2:
            return 0
        complete = "id" in found and "probability" in found and any(
            c.startswith(("cost_", "schedule_")) for c in found)
        return 2 if complete else 1

    return judge


def _is_total(cells: tuple[str, ...], positions: list[int]) -> bool:
    for i in positions:
        if i < len(cells) and cells[i]:
            word = normalise_header(cells[i])
            return word in _TOTAL_WORDS or word.startswith(("total", "subtotal", "grandtotal"))
    return False


@dataclass
class _RegisterReader:
    """One file's reading: its columns, and what the rows have taught so far."""

    table: RawTable
    columns: Mapping[str, str] | None
    user_scale: Scale | None
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    plain_probs: list[float] = field(default_factory=list)
    currencies: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    borrowed: set[str] = field(default_factory=set)  # dimensions read by default labels

    def __post_init__(self) -> None:
        self.scores = self.user_scale is not None
        self.scale = self.user_scale or DEFAULT_SCALE
        self.src = src = self.table.source
        table, title_note = find_header(self.table, REGISTER_HEADERS, self.columns)
        self.table = table
        if title_note:
            self.notes.append(title_note)
        found, unrecognised, problems = resolve_columns(
            table.header, REGISTER_HEADERS, self.columns, _INPUT_COLUMNS, src)
        if problems:
            raise InputError(problems)
        problems, unused = check_columns(table.header, found, unrecognised, _INPUT_COLUMNS,
                                         src)
        if problems:
            raise InputError(problems)
        if unused:
            self.notes.append(unused)
        # the column that marks opportunities: a type column, else the category; a
        # type column is the category too when the register has no other
        self.sense_at = found.get("type", found.get("category"))
        if "type" in found and "category" not in found:
            found["category"] = found["type"]
        self.found = found
        self._header_currencies()
        self.written = {canon: table.header[i] for canon, i in found.items()}
        # a units row below the header ("%") says what the header might not
        units = {canon: table.units[i] for canon, i in found.items() if i < len(table.units)}
        self.prob_percent = header_says_percent(
            f"{self.written['probability']} {units.get('probability', '')}")
        self.mit_percent = ("mitigated_probability" in self.written and header_says_percent(
            f"{self.written['mitigated_probability']} {units.get('mitigated_probability', '')}"))
        self.senses = sense.SenseReport(src, table.header[self.sense_at]
                                  if self.sense_at is not None else "type")
        if "type" in found:
            self.notes += sense.type_column_notes(
                src, table.header[found["type"]], self._column(found["type"]),
                category=found["category"] == found["type"])
        self.score_columns = ScoreColumns(self.scale, self.scale.name,
                                          self.table.decimal_comma)
        if self.scores:
            self.score_columns.source = src
            self.score_columns.decide(self.written, {
                c: list(zip((r for r, _ in table.rows), self._column(found[c])))
                for c in SCORE_COLUMNS if c in found})
            self.notes += self.score_columns.notes
        self.notes += self._score_like_costs()

    def _header_currencies(self) -> None:
        """A currency written in a cost column's header (``Kosten min (€)``, ``Cost in
        GBP``) is the register's currency, as one written in its cells would be."""
        for canon in (*COST_COLUMNS, "mitigation_cost"):
            if canon not in self.found:
                continue
            written = self.table.header[self.found[canon]]
            match = _HEADER_CURRENCY.search(written)
            if match:
                code = match.group(1) or match.group(2)
                code = _CURRENCY_ALIASES.get(code.upper(), code.upper())
                self.currencies.setdefault(code, (self.table.header_row, written, written))

    def _score_like_costs(self) -> list[str]:
        """A cost column read as money whose every value is a whole number from 1 to 10
        looks like a column of scores: say so (never guess)."""
        scored = set(self.score_columns.scored) if self.scores else set()
        notes = []
        for canon in COST_COLUMNS:
            if canon not in self.found or canon in scored:
                continue
            span = scores_as_amounts(self._column(self.found[canon]), self.table.decimal_comma)
            if span is not None:
                notes.append(
                    f"{self.src}: column {self.written.get(canon, canon)!r} holds only whole "
                    f"numbers from {span[0]:g} to {span[1]:g}: read as amounts of "
                    f"money. If they are scores, give a scale with cost levels "
                    f"(--scale FILE; README: Qualitative registers), or write the amounts")
        return notes

    def _column(self, position: int) -> list[str]:
        """The cells of one column, row by row."""
        return [cells[position] if position < len(cells) else "" for _, cells in self.table.rows]

    def register(self, project: str | None) -> RiskRegister:
        table, src, found = self.table, self.src, self.found
        label_positions = [found[c] for c in ("id", "title", "description") if c in found]
        header_norm = [normalise_header(h) for h in table.header]
        risks: list[Risk] = []
        for row, cells in table.rows:
            if not any(cells):
                continue
            if len(cells) > len(table.header) and any(cells[len(table.header):]):
                self.problems.append(Problem(
                    f"has {len(cells)} cells but the header has {len(table.header)}",
                    source=src, row=row,
                    hint="an unquoted delimiter inside a cell? quote text that contains one"))
                continue
            cells = cells + ("",) * (len(table.header) - len(cells))
            norm = [normalise_header(c) for c in cells]
            if sum(1 for a, b in zip(norm, header_norm) if a and a == b) >= max(
                    2, len(found) // 2):
                self.notes.append(f"{src}: row {row} repeats the header and was left out")
                continue
            if _is_total(cells, label_positions):
                self.notes.append(f"{src}: row {row} looks like a total "
                                  f"({cells[label_positions[0]]!r}) and was left out, "
                                  f"not summed")
                continue
            risk = _RowReader(self, row, cells).risk()
            if risk is not None:
                risks.append(risk)
        self._check_file()
        self.notes += self.senses.notes()
        self.notes += status_notes(risks, src, self.written.get("status", "status"))
        scale_used = None
        if self.used:
            dims = [d for d in ("probability", "cost", "schedule") if d in self.used]
            scale_used = f"{self.scale.name}: {', '.join(dims)}"
            if self.borrowed:
                scale_used += (f" ({', '.join(sorted(self.borrowed))} labels from the "
                               f"{DEFAULT_SCALE.name})")
            self.notes.append(f"{src}: qualitative scores read with the {scale_used}")
        try:
            register = RiskRegister(tuple(risks), src, project,
                                    next(iter(self.currencies), None), scale_used,
                                    tuple(self.notes), tuple(self.written.items()))
        except InputError as exc:  # duplicate ids, or no risks at all
            if risks or not self.problems:
                self.problems += exc.problems
        if self.problems:
            raise InputError(self.problems)
        for note in self.notes:
            warnings.warn(note, InputWarning, stacklevel=3)
        return register

    def _check_file(self) -> None:
        """What only the whole file shows: percentages read from a % header, and
        amounts in several currencies."""
        src, written = self.src, self.written
        plain = self.plain_probs
        if self.prob_percent and plain and 0 < max(plain) <= 1.0:
            self.notes.append(
                f"{src}: column {written['probability']!r} says % but holds only values "
                f"<= 1; they were read as percentages (0.35 = 0.35%). If they are "
                f"fractions, rename the header or map it with --map")
        if len(self.currencies) > 1:
            for code, (row, column, text) in sorted(self.currencies.items(),
                                                    key=lambda x: x[1][0]):
                self.problems.append(Problem(
                    f"amounts in more than one currency "
                    f"({', '.join(sorted(self.currencies))}); riskkit does not convert them, "
                    f"so they cannot be added up: this is the first {code} amount",
                    source=src, row=row, column=column, value=text,
                    hint="convert every amount to one currency"))


Triple = list[float | None]


class _RowReader:
    """One row of a register, read into a :class:`Risk` (or problems)."""

    def __init__(self, file: _RegisterReader, row: int, cells: tuple[str, ...]):
        self.file, self.row, self.cells = file, row, cells
        self.problems: list[Problem] = []
        at = file.sense_at
        self.sense = sense.sense_of(cells[at]) if at is not None and at < len(cells) else None
        #: impacts negated as an opportunity's savings: their triples as written, which
        #: blank post-mitigation fields take
        self.written_triples: dict[str, Triple] = {}

    def cell(self, canon: str) -> str:
        found = self.file.found
        return self.cells[found[canon]] if canon in found else ""

    def problem(self, canon: str | None, message: str, value: str | None = None,
                hint: str | None = None) -> None:
        # a column the file lacks has no name to give: the hint says how to add one
        column = self.file.written.get(canon) if canon else None
        if canon and column is None:
            hint = (f"{hint}; " if hint else "") + (
                f'the file has no column for it: add one, or map one with --map "Header={canon}"')
        self.problems.append(Problem(message, source=self.file.src, row=self.row,
                                     column=column, value=value, hint=hint))

    def number(self, canon: str, *, days: bool = False) -> float | None:
        text = explicit_value(self.cell(canon))
        seen: set[str] = set()
        value = parse_cell(text, lambda message: self.problem(canon, message, text), seen,
                           decimal_comma=self.file.table.decimal_comma, allow_percent=False,
                           allow_days=days, allow_currency=not days)
        for code in seen:
            self.file.currencies.setdefault(_CURRENCY_ALIASES.get(code, code),
                                            (self.row, self.file.written.get(canon, canon),
                                             text))
        return value

    def level(self, canon: str, dimension: str) -> Level | None:
        """The scale level a cell names: a label, or a score in a column of scores
        (:mod:`.scores`); a score off the scale is reported and read as a level of NaNs."""
        raw = self.cell(canon)
        text = explicit_value(raw)
        if not text:
            return None
        file, scale = self.file, self.file.scale
        level = scale.lookup(dimension, text, scores=False)
        if level is None and canon in file.score_columns.scored:
            read = file.score_columns.read(canon, raw)
            if isinstance(read, tuple):
                self.problem(canon, read[0], raw.strip(), read[1])
                return Level(dimension, 0, (), math.nan, math.nan, math.nan)
            level = read
            if level is not None and level.score < 0:
                file.senses.negative_scores.append(
                    (self.row, file.written.get(canon, canon), raw.strip(), -level.score))
        if level is not None:
            file.used.add(dimension)
            if scale.is_borrowed(level) and dimension not in scale.dimensions():
                file.borrowed.add(dimension)
        return level

    def probability(self, canon: str, header_percent: bool) -> float | None:
        text = explicit_value(self.cell(canon))
        scale = self.file.scale
        level = self.level(canon, "probability")
        if level is not None:
            self.file.used.add("probability")
            return None if math.isnan(level.most_likely) else level.most_likely
        try:
            parsed = parse_number(text, decimal_comma=self.file.table.decimal_comma,
                                  allow_currency=False)
        except NumberFormatError as exc:
            hint = "write it as 35% or 0.35"
            if any(ch.isalpha() for ch in text):
                hint = (f"'{text}' is not a level of the {scale.name} (its probability "
                        f"levels: {scale.levels_text('probability')}); write a probability, "
                        f"or give a scale that names it (--scale scale.csv)")
            self.problem(canon, f"probability is {exc}", text, hint)
            return None
        if parsed is None:
            return None
        value = parsed.value
        if header_percent and not parsed.percent:
            self.file.plain_probs.append(value)
            value /= 100.0
        if (parsed.percent or header_percent) and value > 1.0:
            self.problem(canon, "probability above 100%", text,
                         "a probability is between 0% and 100%")
            return None
        if not parsed.percent and not header_percent and value > 1.0:
            self.problem(canon, "probability above 1 without a % sign", text,
                         probability_hint(text, value, self.file.scale, self.file.scores))
            return None
        return value

    def qualitative(self, canon: str, dimension: str) -> Level | None:
        """The scale level a single-impact cell names, if it is a label or a score."""
        text = explicit_value(self.cell(canon))
        level = self.level(canon, dimension)
        if level is not None or not text:
            return level
        scale = self.file.scale
        named = scale.lookup("probability", text, scores=False)
        if any(ch.isalpha() for ch in text) and named is not None:
            # A qualitative word such as "High" with no level for this dimension.
            example = "30,45,60" if dimension == "schedule" else "100000,250000,500000"
            self.problem(canon, f"'{text}' is a qualitative {dimension} score and the "
                         f"{scale.name} does not say what it means for {dimension}", text,
                         f"give a scale with {dimension} levels (--scale scale.csv), e.g. a "
                         f"CSV with the header '{SCALE_HEADER}' and the row "
                         f"'{dimension},{named.score},{text},{example}'")
            return Level(dimension, 0, (), math.nan, math.nan, math.nan)
        return None

    def parameters(self, family: Family) -> dict[str, float]:
        """The family's extra parameters from their columns (blank: the default); a
        value for a family that takes none is named, never used in silence."""
        values = {}
        for name in _PARAMETERS:
            value = self.number(name, days=True) if self.cell(name) else None
            if value is not None and not math.isnan(value):
                values[name] = value
        return read_parameters(family, values, lambda name, message, hint: self.problem(
            name, message, self.cell(name), hint))

    # -- the risk ----------------------------------------------------------------------
    def risk(self) -> Risk | None:
        rec: dict[str, Any] = {c: self.cell(c) or None for c in _TEXT}
        if not rec["title"] and rec["description"]:
            # Registers often have only a description: it names the risk on charts.
            rec["title"] = textwrap.shorten(rec["description"], 80, placeholder="…")
        if not rec["id"]:
            self.problem("id", "risk id is missing",
                         hint="give every risk an id, or delete the row")
            rec["id"] = f"<row {self.row}>"
        before = len(self.problems)
        probability = self.probability("probability", self.file.prob_percent)
        if probability is None and len(self.problems) == before:
            self.problem("probability", "probability is missing", "",
                         "give a probability such as 35% or 0.35")
        mitigated_p = (self.probability("mitigated_probability", self.file.mit_percent)
                       if "mitigated_probability" in self.file.found else None)
        dist_text = self.cell("distribution")
        try:
            family = parse_family(dist_text)
        except OptionError:
            self.problem("distribution", "unknown distribution", dist_text,
                         f"use one of {family_names()} (riskkit families lists them)")
            family = parse_family(None)
        params = self.parameters(family)
        impacts: dict[str, Distribution | None] = {}
        any_impact = False
        for impact in ("cost", "schedule"):
            before_impact = len(self.problems)
            pre, given = self.impact(impact, "", family, params, None)
            impacts[impact] = pre
            any_impact = any_impact or given
            impacts[f"mitigated_{impact}"], _ = self.impact(
                impact, "mitigated_", family, params, pre,
                pre_failed=len(self.problems) > before_impact)
        factors = {impact: read_factor(self, impact, family, params)
                   for impact in ("schedule", "cost")}
        written_impact = any(self.cell(c) for c in self.file.found
                             if c.startswith(("cost_", "schedule_")))
        if not any_impact and not written_impact:
            self.problems.append(Problem(
                "risk has no cost or schedule impact", source=self.file.src, row=self.row,
                hint="give at least one impact (a three-point estimate or a single value)"))
        mitigation_cost = self.number("mitigation_cost")
        if mitigation_cost is not None and mitigation_cost < 0:
            self.problem("mitigation_cost", "mitigation cost is negative",
                         self.cell("mitigation_cost"))
            mitigation_cost = None
        acts = self.cell("activities")
        has_mitigation = bool(rec["mitigation"] or mitigation_cost is not None
                              or any(self.cell(c) for c in self.file.found
                                     if c.startswith("mitigated_")))
        if self.problems or probability is None:
            self.file.problems += self.problems
            return None
        mitigated = None
        if any(self.cell(c) for c in self.file.found if c.startswith("mitigated_")):
            mitigated = Exposure(probability if mitigated_p is None else mitigated_p,
                                 impacts["mitigated_cost"], impacts["mitigated_schedule"])
        try:
            return Risk(
                rec["id"], probability, impacts["cost"], impacts["schedule"],
                split_list(acts) if acts else (), rec["title"], rec["description"],
                rec["category"], rec["owner"], rec["status"], rec["project"], family.name,
                rec["correlation_group"], rec["mitigation"],
                None if mitigation_cost is None or math.isnan(mitigation_cost)
                else mitigation_cost, mitigated, has_mitigation, self.row,
                review_date=self.cell("review_date").strip() or None,
                schedule_factor=factors["schedule"], cost_factor=factors["cost"],
                depends_on=rec["depends_on"], exclusive_group=rec["exclusive_group"])
        except InputError as exc:
            self.file.problems += [
                p if not p.column or not self.cell(_canonical(self.file.written, p.column))
                else replace(p, value=self.cell(_canonical(self.file.written, p.column)))
                for p in relocate(exc, self.file.src, self.row, self.file.written).problems]
            return None

    def impact(self, impact: str, prefix: str, family: Family, params: dict[str, float],
               pre: Distribution | None, pre_failed: bool = False
               ) -> tuple[Distribution | None, bool]:
        """One impact of the row (``prefix`` "mitigated_" for the post-mitigation one,
        whose blank cells take the values of ``pre``): its distribution and whether
        the row writes it. When the pre-mitigation estimate failed (``pre_failed``), a
        post-mitigation one that needs its values is not read: its error would only
        repeat the first."""
        key = f"{prefix}{impact}"
        days = impact == "schedule"
        level = self.qualitative(f"{key}_impact", impact)
        if level is not None:
            if math.isnan(level.low):
                return None, True
            return self.build(key, family, params, [level.low, level.most_likely, level.high],
                              False), True
        spec_text = self.cell(f"{key}_impact")
        if _DISCRETE.search(spec_text):
            try:
                d = Discrete.parse(spec_text, decimal_comma=self.file.table.decimal_comma)
                how = sense.orientation(self.sense, d.values)
                self.file.senses.add(how, self.row)
                return (sense.mirrored_discrete(d) if how == "negate" else d), True
            except InputError as exc:
                for p in exc.problems:
                    self.problem(f"{key}_impact", f"not a discrete distribution: {p.message}",
                                 spec_text, p.hint)
                return None, True
        fixed = self.number(f"{key}_impact", days=days)
        triple: Triple = [self.number(f"{key}_{p}", days=days) for p in _POINTS]
        given = [v is not None for v in triple]
        if any(v is not None and math.isnan(v) for v in (fixed, *triple)):
            return None, True  # a cell that is not a number: reported already
        if fixed is not None and any(given):
            self.problem(f"{key}_impact", f"both a single {impact} impact and a three-point "
                         f"estimate are given", self.cell(f"{key}_impact"), "keep one of them")
        if fixed is not None:
            triple, given = [fixed, fixed, fixed], [True, True, True]
        filled = False
        if prefix and any(given) and not all(given):
            if pre_failed:
                return None, True
            # A blank post-mitigation field takes the pre-mitigation value (as written).
            pre_written = self.written_triples.get(impact) or _estimate_of(pre)
            triple = [t if t is not None else p for t, p in zip(triple, pre_written)]
            given, filled = [v is not None for v in triple], True
        if not any(given):
            return (pre if prefix else None), False
        a, m, b = triple
        if given == [False, True, False]:
            a = b = m  # a most likely value alone is a fixed impact
        elif a is None or b is None:
            missing = f"{key}_min" if a is None else f"{key}_max"
            self.problem(missing, f"{impact} three-point estimate lacks its "
                         f"{'minimum' if a is None else 'maximum'}", "",
                         "give min, most likely and max, or a single fixed value")
            return None, True
        elif m is None and family.needs_mode:
            self.problem(f"{key}_most_likely", f"{impact} estimate lacks its most likely "
                         f"value", "", "give one, or set the distribution to uniform")
            return None, True
        return self.build(key, family, params, [a, m, b], filled), True

    def build(self, key: str, family: Family, params: dict[str, float], triple: Triple,
              filled: bool) -> Distribution | None:
        """The distribution of a three-point estimate; its problems named at the column
        the estimate goes wrong in."""
        a, m, b = (math.nan if v is None else float(v) for v in triple)
        impact = key.removeprefix("mitigated_")
        try:
            d = make_distribution(family, a, 0.5 * (a + b) if math.isnan(m) else m, b,
                                  **params)
            how = sense.orientation(self.sense, (a, m, b))
            self.file.senses.add(how, self.row)
            if how == "negate":
                # an opportunity written as magnitudes: its savings, negated once (the
                # estimate is checked as written, so problems name the columns written)
                if not key.startswith("mitigated_"):
                    self.written_triples[impact] = [None if math.isnan(v) else v
                                                    for v in (a, m, b)]
                return self.negated(key, family, params, (a, m, b))
            return d
        except InputError as exc:
            for p in exc.problems:
                if p.message.startswith("estimate must"):
                    column = f"{key}_min" if (not math.isnan(m) and a > m) else f"{key}_max"
                    message = f"{impact} {p.message}" + (
                        " after blank post-mitigation fields took the pre-mitigation values"
                        if filled else "")
                    self.problem(column, message, p.value)
                else:
                    self.problem(f"{key}_min", f"{impact} estimate does not fit a "
                                 f"{family.name} distribution: {p.message}", p.value,
                                 percentile_hint())
            return None

    def negated(self, key: str, family: Family, params: dict[str, float],
                estimate: tuple[float, float, float]) -> Distribution | None:
        """The saving of an opportunity whose estimate was written as magnitudes."""
        a, _, b = estimate
        try:
            return sense.mirrored(family, params, estimate)
        except InputError:
            self.problem(f"{key}_min", f"an opportunity's {key.removeprefix('mitigated_')} "
                         f"cannot be a {family.name} distribution, which is never negative",
                         f"{a:g} / {b:g}", "give the opportunity another distribution, "
                         "e.g. triangular, pert or normal")
            return None


def _canonical(written: Mapping[str, str], header: str) -> str:
    """The canonical column a header as written stands for."""
    return next((c for c, h in written.items() if h == header), header)


def _estimate_of(d: Distribution | None) -> Triple:
    if d is None:
        return [None, None, None]
    return [None if math.isnan(v) else v for v in d.estimate]
