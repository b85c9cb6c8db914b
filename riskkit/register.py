"""Risk registers: reading them as people write them, and the immutable result."""

from __future__ import annotations

import html
import math
import os
import re
import textwrap
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd

from . import _parse
from .distributions import FAMILIES, Discrete, Distribution, make_distribution, parse_family
from .exceptions import InputError, InputWarning, OptionError, Problem
from .scale import DEFAULT_SCALE, Level, Scale, read_scale

__all__ = ["RiskRegister", "RiskParams", "read_register", "REGISTER_COLUMNS", "REGISTER_ALIASES"]

#: Canonical register columns (DESIGN.md), in display order.
REGISTER_COLUMNS: tuple[str, ...] = (
    "id", "title", "description", "category", "owner", "status", "project",
    "probability", "cost_min", "cost_most_likely", "cost_max",
    "schedule_min", "schedule_most_likely", "schedule_max", "distribution", "activities",
    "mitigation", "mitigation_cost", "mitigated_probability",
    "mitigated_cost_min", "mitigated_cost_most_likely", "mitigated_cost_max",
    "mitigated_schedule_min", "mitigated_schedule_most_likely", "mitigated_schedule_max",
    "correlation_group",
)
#: Single-value (fixed impact) columns accepted on input.
FIXED_COLUMNS = ("cost_impact", "schedule_impact", "mitigated_cost_impact",
                 "mitigated_schedule_impact")
_INPUT_COLUMNS = REGISTER_COLUMNS + FIXED_COLUMNS

#: Status values that mean a risk is closed and left out of the simulation.
CLOSED_STATUSES = frozenset({"closed", "retired", "expired", "cancelled", "canceled",
                             "withdrawn", "void"})
_TOTAL_WORDS = ("total", "totals", "sum", "subtotal", "grandtotal", "overall")

# --- the alias table ---------------------------------------------------------------
# Written as people write headers; matching ignores case, spaces, punctuation and a
# bracketed unit such as "(days)" or "($)". README.md prints this table.
_PLAIN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Risk ID", "Ref", "Risk Ref", "Reference", "Risk Reference", "Risk No",
           "Risk Number", "No", "Number", "#", "Risk #", "Key", "Risk Code", "Code"),
    "title": ("Title", "Risk Title", "Risk Name", "Name", "Risk", "Summary",
              "Short Description", "Risk Event"),
    "description": ("Description", "Risk Description", "Details", "Risk Details",
                    "Risk Statement", "Cause and Effect"),
    "category": ("Category", "Risk Category", "Type", "Risk Type", "Class", "Area"),
    "owner": ("Owner", "Risk Owner", "Responsible", "Assigned To", "Accountable"),
    "status": ("Status", "Risk Status", "State"),
    "project": ("Project", "Project Name", "Project ID"),
    "probability": ("Probability", "Probability (%)", "P", "Prob", "Prob.", "Likelihood",
                    "Likelihood (%)", "Chance", "Probability of Occurrence", "Pct",
                    "Pre-mitigation Probability", "Inherent Probability",
                    "Current Probability", "Initial Probability"),
    "distribution": ("Distribution", "Dist", "Distribution Type", "Shape"),
    "activities": ("Activities", "Activity", "Affected Activities", "Activity IDs",
                   "Activity ID", "Tasks", "Task IDs", "Linked Activities"),
    "mitigation": ("Mitigation", "Response", "Mitigation Action", "Mitigation Actions",
                   "Mitigation Plan", "Response Plan", "Response Action", "Treatment",
                   "Mitigation Strategy", "Measures", "Action", "Actions"),
    "correlation_group": ("Correlation Group", "Corr Group", "Correlation Set",
                          "Correlation Class", "Correlated Group"),
    "mitigation_cost": ("Mitigation Cost", "Response Cost", "Cost of Mitigation",
                        "Treatment Cost", "Cost of Response", "Mitigation Budget",
                        "Action Cost", "Cost of Measures"),
}
_IMPACT_WORDS = {
    "cost": ("Cost", "Cost Impact", "Impact Cost", "Financial Impact", "Cost Consequence",
             "Cost Exposure"),
    "schedule": ("Schedule", "Schedule Impact", "Impact Schedule", "Time", "Time Impact",
                 "Impact Time", "Delay", "Schedule Delay", "Schedule Impact Days",
                 "Delay Days", "Days"),
}
_POINT_WORDS = {
    "min": ("Min", "Minimum", "Low", "Optimistic", "Best", "Best Case"),
    "most_likely": ("Most Likely", "ML", "Likely", "Base", "Mode", "Nominal"),
    "max": ("Max", "Maximum", "High", "Pessimistic", "Worst", "Worst Case"),
}
_MITIGATED_WORDS = ("Mitigated", "Residual", "Post-mitigation", "Post mitigation",
                    "Post-response", "Post", "After", "After Mitigation", "Target",
                    "Treated")


def _build_aliases() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Expand the phrase lists into a lookup (normalised header -> canonical) and the
    table README.md shows (canonical -> phrases)."""
    shown: dict[str, list[str]] = {}

    def add(canon: str, *phrases: str) -> None:
        shown.setdefault(canon, []).extend(phrases)

    for canon, phrases in _PLAIN_ALIASES.items():
        add(canon, canon, *phrases)
    for impact, words in _IMPACT_WORDS.items():
        add(f"{impact}_impact", f"{impact}_impact", *words)
        for point, pwords in _POINT_WORDS.items():
            canon = f"{impact}_{point}"
            add(canon, canon)
            for w, p in product(words, pwords):
                add(canon, f"{w} {p}", f"{p} {w}")
    # Post-mitigation forms: every pre-mitigation impact or probability phrase with a
    # "residual" / "post-mitigation" word before or after it.
    for canon in ("probability", "cost_impact", "schedule_impact",
                  *(f"{i}_{p}" for i in _IMPACT_WORDS for p in _POINT_WORDS)):
        base = [s for s in shown[canon] if "_" not in s and "Pre-" not in s
                and not s.startswith(("Inherent", "Current", "Initial"))]
        add(f"mitigated_{canon}", f"mitigated_{canon}")
        for w, b in product(_MITIGATED_WORDS, base):
            add(f"mitigated_{canon}", f"{w} {b}", f"{b} {w}")
    lookup: dict[str, str] = {}
    for canon, written in shown.items():
        for phrase in written:
            lookup.setdefault(_parse.normalise_header(phrase), canon)
    return lookup, {k: tuple(dict.fromkeys(v)) for k, v in shown.items()}


_ALIAS_LOOKUP, REGISTER_ALIASES = _build_aliases()
del _build_aliases


@dataclass(frozen=True)
class RiskParams:
    """What the engine needs of one risk in one scenario."""

    id: str
    probability: float
    cost: Distribution | None
    schedule: Distribution | None
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RiskRegister:
    """A parsed, validated risk register. Immutable.

    Build it with :func:`read_register`. ``frame`` is a tidy copy with the canonical
    columns (three-point triples; a fixed impact has min = most likely = max), the
    spreadsheet ``row`` each risk came from, and every post-mitigation value filled in.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> len(reg) > 20
    True
    """

    _frame: pd.DataFrame = field(repr=False)
    source: str = "<DataFrame>"
    warnings: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    currency: str | None = None  # the currency the amounts were written in, if any
    scale: str | None = None  # the qualitative scale used to read scores, if any

    def header(self, column: str) -> str:
        """The header as the user wrote it for a canonical column (for messages)."""
        return dict(self.headers).get(column, column)

    # -- table views ---------------------------------------------------------------
    @property
    def frame(self) -> pd.DataFrame:
        """All risks, closed ones included, as a new DataFrame (canonical columns)."""
        return self._frame.copy()

    def __len__(self) -> int:
        return len(self._frame)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._frame["id"])

    @property
    def closed(self) -> np.ndarray:
        """Boolean mask of closed risks (status Closed, Retired, ...)."""
        status = self._frame["status"].fillna("").str.strip().str.lower()
        return status.isin(CLOSED_STATUSES).to_numpy()

    @property
    def closed_ids(self) -> tuple[str, ...]:
        return tuple(self._frame.loc[self.closed, "id"])

    def active(self) -> RiskRegister:
        """The register without its closed risks."""
        return RiskRegister(self._frame.loc[~self.closed].reset_index(drop=True),
                            self.source, self.warnings, self.headers, self.currency,
                            self.scale)

    @property
    def has_mitigation(self) -> np.ndarray:
        """Risks with a mitigation: a text, a cost, or any post-mitigation value."""
        return self._frame["_has_mitigation"].to_numpy(dtype=bool)

    def risks(self, scenario: str = "current") -> list[RiskParams]:
        """Per-risk parameters of the active risks in a scenario (current or mitigated)."""
        scenario = _check_scenario(scenario)
        prefix = "mitigated_" if scenario == "mitigated" else ""
        out = []
        frame = self._frame.loc[~self.closed]
        for rec in frame.to_dict("records"):
            out.append(RiskParams(
                id=rec["id"],
                probability=float(rec[prefix + "probability"]),
                cost=_distribution(rec, prefix + "cost"),
                schedule=_distribution(rec, prefix + "schedule"),
                activities=tuple(rec["activities"] or ()),
            ))
        return out

    def mitigation_costs(self) -> np.ndarray:
        """Mitigation cost of each active risk (0 where none is given)."""
        frame = self._frame.loc[~self.closed]
        return frame["mitigation_cost"].fillna(0.0).to_numpy(dtype=float)

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write the tidy register (canonical columns) as CSV, safe to open in Excel:
        text that a spreadsheet would run as a formula is prefixed with a quote."""
        frame = self._frame.drop(columns=["_has_mitigation"]).copy()
        frame["activities"] = frame["activities"].map(lambda a: "; ".join(a or ()))
        _parse.safe_frame(frame).to_csv(path, index=False, lineterminator="\n")

    def expected_value(self, scenario: str = "current") -> pd.DataFrame:
        """PMBOK expected monetary value per active risk: probability x mean impact."""
        rows = []
        for r in self.risks(scenario):
            rows.append({
                "id": r.id,
                "expected_cost": r.probability * (r.cost.mean if r.cost else 0.0),
                "expected_delay": r.probability * (r.schedule.mean if r.schedule else 0.0),
            })
        return pd.DataFrame(rows, columns=["id", "expected_cost", "expected_delay"])

    # -- display -------------------------------------------------------------------
    def __repr__(self) -> str:
        return (f"RiskRegister({self.source!r}, risks={len(self)}, "
                f"closed={int(self.closed.sum())}, "
                f"mitigated={int(self.has_mitigation.sum())})")

    def _repr_html_(self) -> str:
        frame = self._frame
        ev = self.expected_value()
        head = (f"<p><b>Risk register</b> <code>{html.escape(self.source)}</code>: "
                f"{len(frame)} risks, {int(self.closed.sum())} closed, "
                f"{int(self.has_mitigation.sum())} with a mitigation. "
                f"Expected cost {ev['expected_cost'].sum():,.0f}, "
                f"expected delay {ev['expected_delay'].sum():,.1f} days.</p>")
        cols = ["id", "title", "owner", "status", "probability", "cost_min",
                "cost_most_likely", "cost_max", "schedule_min", "schedule_most_likely",
                "schedule_max"]
        shown = frame[cols].head(10)
        more = f"<p>… and {len(frame) - 10} more.</p>" if len(frame) > 10 else ""
        return head + shown.to_html(index=False, na_rep="", float_format="{:,.4g}".format) + more


def _check_scenario(scenario: str) -> str:
    value = str(getattr(scenario, "value", scenario)).strip().lower()
    if value not in ("current", "mitigated"):
        raise OptionError("scenario", scenario, "'current' or 'mitigated'")
    return value


def _distribution(rec: Mapping[str, Any], prefix: str) -> Distribution | None:
    spec = rec.get(f"{prefix}_spec")
    if isinstance(spec, str) and spec:
        return Discrete.parse(spec)
    a, m, b = rec[f"{prefix}_min"], rec[f"{prefix}_most_likely"], rec[f"{prefix}_max"]
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return None
    if isinstance(m, float) and math.isnan(m):
        m = 0.5 * (a + b)  # only the uniform family may lack a most likely value
    return make_distribution(rec["distribution"], a, m, b)


# --- reading ------------------------------------------------------------------------

def read_register(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    scale: Any = None,
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
        How to read qualitative scores. Labels such as "High" or "Likely" are always
        read with the default scale (:data:`riskkit.scale.DEFAULT_SCALE`); with a scale
        given, 1-5 style scores are read through it too, and its cost levels apply.

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
    >>> reg.frame.loc[0, "id"]
    'OF-01'
    """
    name = _parse.display_name(source)
    if isinstance(source, pd.DataFrame):
        table = _parse.table_from_frame(source, name)
    elif (isinstance(source, (str, os.PathLike))
          and str(source).lower().endswith((".xlsx", ".xlsm"))):
        table = _read_xlsx(source, sheet)
    else:
        table = _parse.read_table(source, delimiter=delimiter, decimal=decimal,
                                  encoding=encoding)
    return _register_from_table(table, columns, read_scale(scale) if scale is not None
                                else None)


def _read_xlsx(source: Any, sheet: str | int | None) -> _parse.RawTable:
    name = str(source)
    if not os.path.exists(name):
        raise InputError(Problem("file not found", source=name))
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise InputError(Problem(
            "reading .xlsx needs openpyxl", source=name,
            hint='pip install "riskkit[xlsx]", or save the sheet as CSV')) from None
    try:
        frame = pd.read_excel(name, sheet_name=sheet if sheet is not None else 0,
                              dtype=object, header=None)
    except ValueError as exc:
        hint = ("is it really an .xlsx file? a CSV file must be named .csv"
                if "format cannot be determined" in str(exc) else None)
        raise InputError(Problem(str(exc), source=name, hint=hint)) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise InputError(Problem(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})", source=name,
            hint="is it really an .xlsx file? a CSV file must be named .csv")) from None
    frame = frame.dropna(how="all", axis=1)
    cells = [[_parse.cell_text(v) for v in row]
             for row in frame.itertuples(index=False, name=None)]
    records = [(i, tuple(r)) for i, r in enumerate(cells, start=1)]
    first = next((k for k, (_, c) in enumerate(records) if any(c)), None)
    if first is None:
        raise InputError(Problem("the sheet is empty", source=name))
    return _parse.RawTable(name, records[first][1], tuple(records[first + 1:]),
                           header_row=records[first][0])


def _is_total(cells: tuple[str, ...], positions: list[int]) -> bool:
    for i in positions:
        if i < len(cells) and cells[i]:
            word = _parse.normalise_header(cells[i])
            return word in _TOTAL_WORDS or word.startswith(("total", "subtotal", "grandtotal"))
    return False


def _register_from_table(table: _parse.RawTable, columns: Mapping[str, str] | None,
                         scale: Scale | None = None) -> RiskRegister:
    scores = scale is not None
    scale = scale or DEFAULT_SCALE
    src = table.source
    notes: list[str] = []
    table, title_note = _parse.find_header(table, _ALIAS_LOOKUP, columns)
    if title_note:
        notes.append(title_note)
    found, unrecognised, problems = _parse.resolve_columns(
        table.header, _ALIAS_LOOKUP, columns, _INPUT_COLUMNS, src)
    if problems:
        raise InputError(problems)
    if "id" not in found:
        problems.append(Problem(
            "no risk id column", source=src,
            hint="name a column 'ID' or 'Risk ID', or map one with --map \"Header=id\""))
    if "probability" not in found:
        problems.append(Problem(
            "no probability column", source=src,
            hint="name a column 'Probability' or 'Likelihood', or map one with --map"))
    impact_cols = [c for c in found if c.startswith(("cost_", "schedule_"))]
    if not impact_cols:
        problems.append(Problem(
            "no cost or schedule impact column", source=src,
            hint="add 'Cost Min / Cost Most Likely / Cost Max' (or 'Cost Impact'), and/or "
                 "the same for 'Schedule'"))
    if problems:
        problems.append(Problem("headers found: " + ", ".join(map(repr, table.header)),
                                source=src))
        raise InputError(problems)
    if unrecognised:
        notes.append(f"{src}: columns not used by riskkit: "
                     + ", ".join(repr(table.header[i]) for i in unrecognised))

    written = {canon: table.header[i] for canon, i in found.items()}
    prob_percent = _parse.header_says_percent(written["probability"])
    mit_percent = ("mitigated_probability" in written
                   and _parse.header_says_percent(written["mitigated_probability"]))
    label_positions = [found[c] for c in ("id", "title", "description") if c in found]
    header_norm = [_parse.normalise_header(h) for h in table.header]

    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    plain_probs: list[float] = []
    currencies: dict[str, tuple[int, str, str]] = {}
    used: set[str] = set()
    for row, cells in table.rows:
        if not any(cells):
            continue
        if len(cells) > len(table.header) and any(cells[len(table.header):]):
            problems.append(Problem(
                f"has {len(cells)} cells but the header has {len(table.header)}",
                source=src, row=row,
                hint="an unquoted delimiter inside a cell? quote text that contains one"))
            continue
        cells = cells + ("",) * (len(table.header) - len(cells))
        norm = [_parse.normalise_header(c) for c in cells]
        if sum(1 for a, b in zip(norm, header_norm) if a and a == b) >= max(2, len(found) // 2):
            notes.append(f"{src}: row {row} repeats the header and was left out")
            continue
        if _is_total(cells, label_positions):
            notes.append(f"{src}: row {row} looks like a total ({cells[label_positions[0]]!r}"
                         f") and was left out, not summed")
            continue
        rec, row_problems, plain = _parse_row(cells, row, found, written, src,
                                              table.decimal_comma, prob_percent, mit_percent,
                                              currencies, scale, scores, used)
        problems += row_problems
        plain_probs += plain
        if rec is None:
            continue
        rid = rec["id"]
        if rid in seen:
            problems.append(Problem(
                f"duplicate risk id (first used on row {seen[rid]})", source=src, row=row,
                column=written["id"], value=rid, hint="every risk needs its own id"))
        else:
            seen[rid] = row
        records.append(rec)
    if prob_percent and plain_probs and max(plain_probs) <= 1.0 and max(plain_probs) > 0:
        notes.append(
            f"{src}: column {written['probability']!r} says % but holds only values <= 1; "
            f"they were read as percentages (0.35 = 0.35%). If they are fractions, rename "
            f"the header or map it with --map")
    if len(currencies) > 1:
        for code, (row, column, text) in sorted(currencies.items(), key=lambda x: x[1][0]):
            problems.append(Problem(
                f"amounts in more than one currency ({', '.join(sorted(currencies))}); "
                f"riskkit does not convert them, so they cannot be added up: this is the "
                f"first {code} amount", source=src, row=row, column=column, value=text,
                hint="convert every amount to one currency"))
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError(Problem("has no risks (no rows below the header)", source=src))
    frame = pd.DataFrame.from_records(records)
    for note in notes:
        warnings.warn(note, InputWarning, stacklevel=3)
    scale_used = None
    if used:
        dims = [d for d in ("probability", "cost", "schedule") if d in used]
        scale_used = f"{scale.name}: {', '.join(dims)}"
        notes.append(f"{src}: qualitative scores read with the {scale_used}")
        warnings.warn(notes[-1], InputWarning, stacklevel=3)
    return RiskRegister(frame, src, tuple(notes), tuple(written.items()),
                        next(iter(currencies), None), scale_used)


_TEXT = ("id", "title", "description", "category", "owner", "status", "project",
         "mitigation", "correlation_group")


_CURRENCY_ALIASES = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "$": "USD", "US$": "USD",
                     "FR.": "CHF", "SFR": "CHF"}


_EXPLICIT = re.compile(r"\s*\d+\s*[=:]\s*([^;|]*\S)\s*")
_DISCRETE = re.compile(r"\d\s*:\s*[\d.,]+%?\s*[;|]")


def _parse_row(cells, row, found, written, src, decimal_comma, prob_percent, mit_percent,
               currencies, scale, scores, used):
    problems: list[Problem] = []
    plain_probs: list[float] = []

    def cell(canon: str) -> str:
        return cells[found[canon]] if canon in found else ""

    def problem(canon: str, message: str, value: str | None = None, hint: str | None = None):
        problems.append(Problem(message, source=src, row=row,
                                column=written.get(canon, canon), value=value, hint=hint))

    def explicit(text: str) -> str:
        """"4 = 75%" style cells: the value the cell spells out wins over its score."""
        m = _EXPLICIT.fullmatch(text)
        return m.group(1).strip() if m else text

    def qualitative(canon: str, dimension: str) -> Level | None:
        """The scale level a single-impact cell names, if it is a label or a score."""
        text = explicit(cell(canon))
        if not text:
            return None
        level = scale.lookup(dimension, text, scores=scores)
        if level is not None:
            used.add(dimension)
            return level
        if any(ch.isalpha() for ch in text) and scale.lookup(
                "probability", text, scores=False) is not None:
            # A qualitative word such as "High" with no level for this dimension.
            problem(canon, f"'{text}' is a qualitative {dimension} score and the "
                    f"{scale.name} does not say what it means for {dimension}", text,
                    f"give a scale with {dimension} levels, e.g. a CSV row "
                    f"'{dimension},4,High,100000,250000,500000' (--scale scale.csv)")
            return Level(dimension, 0, (), math.nan, math.nan, math.nan)
        return None

    rec: dict[str, Any] = {"row": row}
    for canon in _TEXT:
        rec[canon] = cell(canon) or None
    if not rec["title"] and rec["description"]:
        # Registers often have only a description: it names the risk on charts.
        rec["title"] = textwrap.shorten(rec["description"], 80, placeholder="…")
    if not rec["id"]:
        problem("id", "risk id is missing", hint="give every risk an id, or delete the row")
        rec["id"] = f"<row {row}>"

    def number(canon: str, *, days: bool = False) -> float | None:
        text = explicit(cell(canon))
        seen: set[str] = set()
        value = _parse.parse_cell(text, lambda message: problem(canon, message, text), seen,
                                  decimal_comma=decimal_comma, allow_percent=False,
                                  allow_days=days, allow_currency=not days)
        for code in seen:
            currencies.setdefault(_CURRENCY_ALIASES.get(code, code),
                                  (row, written.get(canon, canon), text))
        return value

    def probability(canon: str, header_percent: bool) -> float | None:
        text = explicit(cell(canon))
        level = scale.lookup("probability", text, scores=scores) if text else None
        if level is not None:
            used.add("probability")
            return level.most_likely
        try:
            parsed = _parse.parse_number(text, decimal_comma=decimal_comma,
                                         allow_currency=False)
        except _parse.NumberFormatError as exc:
            hint = "write it as 35% or 0.35"
            if any(ch.isalpha() for ch in text):
                hint = (f"'{text}' is not a level of the {scale.name}; write a probability, "
                        f"or give a scale that names it (--scale scale.csv)")
            problem(canon, f"probability is {exc}", text, hint)
            return None
        if parsed is None:
            return None
        value = parsed.value
        if header_percent and not parsed.percent:
            plain_probs.append(value)
            value /= 100.0
        if not parsed.percent and not header_percent and value > 1.0:
            hint = f"write {text}% for a percentage, or a fraction such as 0.35"
            if float(value).is_integer() and value <= 10:
                hint += ("; if it is a 1-5 score, read the register with a scale "
                         "(--scale default, or your own scale CSV)")
            problem(canon, "probability above 1 without a % sign", text, hint)
            return None
        if not 0.0 <= value <= 1.0:
            problem(canon, "probability outside 0-100%", text)
            return None
        return value

    before = len(problems)
    rec["probability"] = probability("probability", prob_percent)
    if rec["probability"] is None and len(problems) == before:
        problem("probability", "probability is missing", "",
                "give a probability such as 35% or 0.35")
    rec["mitigated_probability"] = (probability("mitigated_probability", mit_percent)
                                    if "mitigated_probability" in found else None)

    dist_text = cell("distribution")
    try:
        family = parse_family(dist_text)
    except OptionError:
        problem("distribution", "unknown distribution", dist_text,
                "use triangular (the default), pert or uniform")
        family = FAMILIES["triangular"]
    rec["distribution"] = family.name

    any_impact = False
    for impact in ("cost", "schedule"):
        days = impact == "schedule"
        for prefix in ("", "mitigated_"):
            level = qualitative(f"{prefix}{impact}_impact", impact)
            if level is not None:
                fixed = None
                triple = [level.low, level.most_likely, level.high]
                key = f"{prefix}{impact}"
                rec.update({f"{key}_{p}": v for p, v in
                            zip(("min", "most_likely", "max"), triple)})
                any_impact = any_impact or not prefix
                continue
            spec_text = cell(f"{prefix}{impact}_impact")
            if _DISCRETE.search(spec_text):
                key = f"{prefix}{impact}"
                try:
                    dist = Discrete.parse(spec_text, decimal_comma=decimal_comma)
                except (ValueError, _parse.NumberFormatError) as exc:
                    problem(f"{key}_impact", f"not a discrete distribution: {exc}", spec_text,
                            "write value:probability pairs such as 50:0.1;100:0.5;200:0.4")
                    rec.update({f"{key}_{p}": None for p in ("min", "most_likely", "max")})
                    any_impact = any_impact or not prefix
                    continue
                rec.update({f"{key}_min": dist.low, f"{key}_most_likely": dist.mean,
                            f"{key}_max": dist.high, f"{key}_spec": spec_text})
                any_impact = any_impact or not prefix
                continue
            fixed = number(f"{prefix}{impact}_impact", days=days)
            triple = [number(f"{prefix}{impact}_{p}", days=days)
                      for p in ("min", "most_likely", "max")]
            given = [v is not None for v in triple]
            key = f"{prefix}{impact}"
            if any(v is not None and math.isnan(v) for v in (fixed, *triple)):
                # a cell that is not a number: reported already, nothing more to check
                any_impact = any_impact or not prefix
                rec.update({f"{key}_{p}": None for p in ("min", "most_likely", "max")})
                continue
            if fixed is not None and any(given):
                problem(f"{key}_impact", f"both a single {impact} impact and a three-point "
                        f"estimate are given", cell(f"{key}_impact"),
                        "keep one of them")
            if fixed is not None:
                triple, given = [fixed, fixed, fixed], [True, True, True]
            if prefix and any(given) and not all(given):
                # A blank post-mitigation field takes the pre-mitigation value.
                pre = [rec[f"{impact}_{p}"] for p in ("min", "most_likely", "max")]
                triple = [t if t is not None else p for t, p in zip(triple, pre)]
                given = [v is not None for v in triple]
            if not any(given):
                if prefix:
                    triple = [rec[f"{impact}_{p}"] for p in ("min", "most_likely", "max")]
                    if rec.get(f"{impact}_spec"):
                        rec[f"{key}_spec"] = rec[f"{impact}_spec"]
                rec.update({f"{key}_{p}": v for p, v in
                            zip(("min", "most_likely", "max"), triple)})
                continue
            a, m, b = triple
            if not prefix:
                any_impact = True
            if given == [False, True, False]:
                a = b = m  # a most likely value alone is a fixed impact
            elif a is None or b is None:
                missing = f"{key}_min" if a is None else f"{key}_max"
                problem(missing, f"{impact} three-point estimate lacks its "
                        f"{'minimum' if a is None else 'maximum'}", "",
                        "give min, most likely and max, or a single fixed value")
                a, m, b = None, None, None
            elif m is None and family.needs_mode:
                problem(f"{key}_most_likely", f"{impact} estimate lacks its most likely "
                        f"value", "", "give one, or set the distribution to uniform")
                a, m, b = None, None, None
            if a is not None:
                bad = not (a <= b) if m is None else not (a <= m <= b)
                if bad:
                    shown = f"{a:g} / {'' if m is None else f'{m:g}'} / {b:g}"
                    col = f"{key}_min" if (m is not None and a > m) else f"{key}_max"
                    problem(col, f"{impact} estimate must have min <= most likely <= max"
                            + (" after blank post-mitigation fields took the "
                               "pre-mitigation values" if prefix else ""), shown)
                else:
                    try:
                        make_distribution(family, a, 0.5 * (a + b) if m is None else m, b)
                    except ValueError as exc:
                        problem(f"{key}_min", f"{impact} estimate does not fit a "
                                f"{family.name} distribution: {exc}",
                                f"{a:g} / {'' if m is None else f'{m:g}'} / {b:g}",
                                "for trigen, lognormal and normal the min and max columns "
                                "are the P10 and P90")
            rec.update({f"{key}_min": a, f"{key}_most_likely": m, f"{key}_max": b})
    written_impact = any(cell(c) for c in found
                         if c.startswith(("cost_", "schedule_")))
    if not any_impact and not written_impact:
        problems.append(Problem("risk has no cost or schedule impact", source=src, row=row,
                                hint="give at least one impact (a three-point estimate or "
                                     "a single value)"))
    rec["mitigation_cost"] = number("mitigation_cost")
    if rec["mitigation_cost"] is not None and rec["mitigation_cost"] < 0:
        problem("mitigation_cost", "mitigation cost is negative", cell("mitigation_cost"))
    acts = cell("activities")
    rec["activities"] = _parse.split_list(acts) if acts else ()
    rec["_has_mitigation"] = bool(
        rec["mitigation"] or rec["mitigation_cost"] is not None
        or any(cell(c) for c in found if c.startswith("mitigated_")))
    if rec["mitigated_probability"] is None:
        rec["mitigated_probability"] = rec["probability"]
    if problems:
        return None, problems, plain_probs
    return rec, problems, plain_probs
