"""Reading uncertainty rules (:class:`~riskkit.model.Uncertainty`): a three-point range
for every activity written as ``90,100,130``, or an uncertainty file of rules by WBS,
activity code, calendar and criticality; and :func:`apply_uncertainty`.

An uncertainty file (CSV, xlsx or a DataFrame; ``docs/schedules.md``) has one rule a
row::

    wbs,code_type,code,critical,min_pct,most_likely_pct,max_pct,distribution,override
    ,,,,90,100,130,triangular,
    PRJ.2,,,,95,100,150,pert,
    ,Area,North,,90,105,140,,
    ,,,yes,95,100,120,,
    PRJ.3,,,,80,100,110,,yes

(and a ``calendar`` column for rules by calendar name).
Blank conditions match any activity; the most specific rule wins (see
:mod:`riskkit.model.uncertainty`). Percentages are of each activity's planned duration:
``90`` and ``90%`` are both ninety percent; three values that all look like fractions
(``0.9, 1, 1.3``) are an error, never a guess. ``critical`` and ``override`` say yes or
no (``override`` yes: replace a range the schedule already gives).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping
from os import PathLike
from typing import Any

import pandas as pd

from ..distributions import parameter_columns
from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..model import Schedule, relocate
from ..model.uncertainty import UNCERTAINTY_COLUMNS, Uncertainty, UncertaintyRule
from ..words import read_words
from .cells import NumberFormatError, RuleRow, parse_number, percentages
from .summary import yes_no
from .tables import (
    RawTable,
    display_name,
    find_header,
    normalise_header,
    read_table,
    resolve_columns,
    table_from_frame,
)
from .units import fold_unit
from .xlsx import is_workbook, read_xlsx

__all__ = ["apply_uncertainty", "parse_uncertainty", "read_uncertainty", "uncertainty_of"]

_WORDS = read_words("uncertainty")
_PARAMETERS = parameter_columns()
_COLUMNS = UNCERTAINTY_COLUMNS + tuple(_PARAMETERS)
_LOOKUP = {normalise_header(p): canon
           for canon, phrases in {**_WORDS["headers"],
                                  **{n: p.aliases for n, p in _PARAMETERS.items()}}.items()
           for p in (canon, *phrases)}
_PCT = ("min_pct", "most_likely_pct", "max_pct")
#: a spec such as "90,100,130", "pert: 90, 100, 130", "uniform:80/120", "90% 100% 130%"
_SPEC = re.compile(r"\s*(?:([^\W\d][\w \-]*?)\s*:)?\s*([\d.,;/%+\s]+?)\s*")
_SPEC_HINT = ("three percentages of each activity's duration, such as 90,100,130 "
              "(pert:90,100,130 for another family; uniform:80,120), or an uncertainty "
              "file (.csv, .xlsx)")


def apply_uncertainty(schedule: Schedule, spec: Any, *, distribution: str | None = None,
                      override: bool | None = None) -> Schedule:
    """``schedule`` with three-point durations by rule: ``spec`` is ``"90,100,130"``
    (``"pert:90,100,130"``), a tuple ``(90, 100, 130)``, an uncertainty file's path or
    DataFrame, or an :class:`~riskkit.model.Uncertainty`. ``distribution`` and
    ``override`` apply to a single range for all activities (an uncertainty file says
    them per rule).

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> flat = rk.Schedule(tuple(rk.Activity(a.id, rk.Fixed(a.most_likely))
    ...                          for a in sch.activities), sch.links)
    >>> ranged = rk.apply_uncertainty(flat, "90,100,130")
    >>> ranged.duration() == flat.duration()
    True
    >>> ranged.activities[0].distribution
    'triangular'
    """
    return uncertainty_of(spec, distribution=distribution, override=override).apply(schedule)


def uncertainty_of(spec: Any, *, distribution: str | None = None,
                   override: bool | None = None) -> Uncertainty:
    """The :class:`~riskkit.model.Uncertainty` that ``spec`` says (see
    :func:`apply_uncertainty`)."""
    single = distribution is not None or override is not None
    if isinstance(spec, Uncertainty):
        if single:
            raise OptionError("distribution/override", spec.source,
                              "given with a single range, not with rules")
        return spec
    if isinstance(spec, (tuple, list)):
        values = [float(v) for v in spec]
        if len(values) not in (2, 3):
            raise OptionError("uncertainty", spec, "(min, most likely, max) percentages")
        low, ml, high = (values[0], None, values[1]) if len(values) == 2 else values
        text = ",".join(f"{v:g}" for v in values)
        return _single(low, ml, high, distribution or "triangular", bool(override),
                       f"uncertainty {text}")
    if isinstance(spec, str) and _SPEC.fullmatch(spec):
        return parse_uncertainty(spec, distribution=distribution, override=override)
    if single:
        raise OptionError("distribution/override", display_name(spec),
                          "given with a single range, not with an uncertainty file")
    if isinstance(spec, (str, PathLike, pd.DataFrame)) or hasattr(spec, "read"):
        return read_uncertainty(spec)
    raise OptionError("uncertainty", type(spec).__name__,
                      "'90,100,130', (90, 100, 130), an uncertainty file or an Uncertainty")


def parse_uncertainty(text: str, *, distribution: str | None = None,
                      override: bool | None = None) -> Uncertainty:
    """One range for every activity from text such as ``90,100,130`` or
    ``pert:90,100,130`` (``uniform:80,120``: no most likely value).

    >>> parse_uncertainty("pert: 90%, 100%, 130%").rules[0].estimate_text
    '90%, 100%, 130% pert'
    """
    source = f"--uncertainty {text.strip()}"

    def bad(message: str) -> InputError:
        return InputError(Problem(message, source="--uncertainty", value=text,
                                  hint=_SPEC_HINT))

    m = _SPEC.fullmatch(text)
    if m is None:
        raise bad("is not a range of percentages")
    family = m.group(1) or distribution or "triangular"
    if m.group(1) and distribution is not None:
        raise bad(f"names its family ({m.group(1)}) and distribution= names another "
                  f"({distribution})")
    items = [t for t in re.split(r"[,;/\s]+", m.group(2).strip()) if t]
    try:
        numbers = [parse_number(t, allow_currency=False) for t in items]
    except NumberFormatError as exc:
        raise bad(str(exc)) from None
    if len(numbers) not in (2, 3) or any(n is None for n in numbers):
        raise bad(f"gives {len(items)} values, not a minimum, most likely and maximum")
    values, problem = percentages([n for n in numbers if n is not None])
    if problem:
        raise bad(problem)
    low, ml, high = (values[0], None, values[1]) if len(values) == 2 else values
    try:
        return _single(low, ml, high, family, bool(override), source)
    except InputError as exc:
        raise InputError([Problem(p.message, source="--uncertainty", value=text,
                                  hint=p.hint or _SPEC_HINT) for p in exc.problems]) from None


def _single(low: float, ml: float | None, high: float, family: str, override: bool,
            source: str) -> Uncertainty:
    return Uncertainty((UncertaintyRule(low, ml, high, family, override=override),), source)


def read_uncertainty(source: Any, *, columns: Mapping[str, str] | None = None,
                     delimiter: str | None = None, decimal: str | None = None,
                     encoding: str | None = None, sheet: str | int | None = None
                     ) -> Uncertainty:
    """Read an uncertainty file (CSV, xlsx or a DataFrame): rules by ``wbs``,
    ``code_type``/``code``, ``calendar`` and ``critical`` giving ``min_pct``,
    ``most_likely_pct``, ``max_pct``, ``distribution`` and ``override`` (see the
    module's text). ``columns`` maps headers riskkit does not recognise
    (``{"Header as written": "canonical"}``).

    Raises
    ------
    InputError
        Every problem at once, with its row, column and value: a missing min or max
        column, cells that are not percentages or yes/no, estimates out of order,
        unknown families, a code without its type, two rules with the same conditions.
    """
    name = display_name(source)
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, name)
    elif is_workbook(source):
        table = read_xlsx(source, sheet, what="uncertainty file")
    else:
        table = read_table(source, delimiter=delimiter, decimal=decimal, encoding=encoding)
    return _from_table(table, columns)


def _from_table(table: RawTable, columns: Mapping[str, str] | None) -> Uncertainty:
    src = table.source
    table, _ = find_header(table, _LOOKUP, columns, section="Uncertainty by rule")
    found, unused, problems = resolve_columns(table.header, _LOOKUP, columns, _COLUMNS, src,
                                              "columns=")
    for needed in ("min_pct", "max_pct"):
        if needed not in found and not problems:
            problems.append(Problem(f"no {needed} column", source=src,
                                    hint="an uncertainty file gives min_pct, "
                                         "most_likely_pct and max_pct (percent of each "
                                         "activity's duration); headers found: "
                                         + ", ".join(map(repr, table.header))))
    if problems:
        raise InputError(problems)
    if unused:
        warnings.warn(f"{src}: columns not used by riskkit: "
                      + ", ".join(repr(table.header[i]) for i in unused), InputWarning,
                      stacklevel=4)
    written = {c: table.header[i] for c, i in found.items()}
    rules: list[UncertaintyRule] = []
    for row, cells in table.rows:
        if not any(cells):
            continue
        rule = _Row(row, cells, found, written, src, table.decimal_comma).rule()
        if isinstance(rule, UncertaintyRule):
            rules.append(rule)
        else:
            problems += rule
    if not rules and not problems:
        problems.append(Problem("has no rules (no rows below the header)", source=src))
    if problems:
        raise InputError(problems)
    try:
        return Uncertainty(tuple(rules), src, tuple(written.items()))
    except InputError as exc:
        raise relocate(exc, src, None, written) from None


class _Row(RuleRow):
    """One row of an uncertainty file."""

    def flag(self, canon: str, extra: dict[str, bool]) -> bool | None:
        text = self.cell(canon)
        if not text:
            return None
        said = yes_no(text)
        if said is None:
            said = extra.get(fold_unit(text).replace("-", " "))
        if said is None:
            self.problem(canon, "is not yes or no", "yes, no or blank")
        return said

    def rule(self) -> UncertaintyRule | list[Problem]:
        words = {fold_unit(w).replace("-", " "): True for w in _WORDS["critical"]}
        words.update({fold_unit(w).replace("-", " "): False for w in _WORDS["not_critical"]})
        critical = self.flag("critical", words)
        override = self.flag("override", {fold_unit(w): True for w in _WORDS["override"]})
        code_type, code = self.cell("code_type") or None, self.cell("code") or None
        if code_type is None and code is not None and "=" in code:
            code_type, _, code = (t.strip() for t in code.partition("="))
        numbers = {c: self.number(c) for c in _PCT}
        for c in ("min_pct", "max_pct"):
            if numbers[c] is None and self.cell(c) == "":
                self.problem(c, "is missing", "give the percentage of the duration")
        given = [n for n in numbers.values() if n is not None]
        values, fractions = percentages(given)
        if fractions:
            self.problem("min_pct", fractions)
        if self.problems:
            return self.problems
        pct = dict(zip([c for c in _PCT if numbers[c] is not None], values))
        parameters = {}
        for name in _PARAMETERS:
            if self.cell(name):
                value = self.number(name)
                if value is not None and not math.isnan(value.value):
                    parameters[name] = value.value
        try:
            return UncertaintyRule(
                pct["min_pct"], pct.get("most_likely_pct"), pct["max_pct"],
                self.cell("distribution") or "triangular", self.cell("wbs") or None,
                code_type, code, self.cell("calendar") or None, critical, bool(override),
                tuple(parameters.items()), row=self.row)
        except InputError as exc:
            return list(relocate(exc, self.src, self.row, self.written).problems)
