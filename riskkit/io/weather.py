"""Reading weather rules (:class:`~riskkit.model.weather.Weather`) from CSV or xlsx.

One rule a row::

    name,months,probability,lost_min,lost_most_likely,lost_max,activities
    Winter,Nov-Feb,10%,3,5,8,code:Location=Outdoor
    Storms,Jul-Aug,5%,1,2,4,WBS:PRJ.3

``months``: ``Nov-Feb``, ``11-2``, ``Dec; Jan``; ``probability``: the chance per month;
``lost_*``: working days lost in a bad month (``distribution`` another family than
triangular); ``activities``: ids, ``WBS:`` or ``code:`` names (blank: every activity).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..distributions import make_distribution, parse_family
from ..exceptions import InputError, OptionError, Problem
from ..model import Calendar, relocate
from ..model.weather import Weather, WeatherRule, parse_months
from .cells import RuleRow, split_list
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

__all__ = ["read_weather"]

_COLUMNS = ("name", "months", "probability", "lost_min", "lost_most_likely", "lost_max",
            "distribution", "activities")
_ALIASES = {
    "name": ("Name", "Rule", "Weather", "Risk", "Title"),
    "months": ("Months", "Month", "Season", "Period"),
    "probability": ("Probability", "Probability per Month", "Chance", "Likelihood"),
    "lost_min": ("Lost Min", "Min", "Days Lost Min", "Lost Days Min", "Minimum"),
    "lost_most_likely": ("Lost Most Likely", "Most Likely", "Days Lost Most Likely",
                         "Lost Days Most Likely", "ML"),
    "lost_max": ("Lost Max", "Max", "Days Lost Max", "Lost Days Max", "Maximum"),
    "distribution": ("Distribution", "Dist"),
    "activities": ("Activities", "Activity", "Applies To", "Outdoor Activities"),
}
_LOOKUP = {normalise_header(p): canon for canon, phrases in _ALIASES.items()
           for p in (canon, *phrases)}


def read_weather(source: Any, *, start: Any, calendar: Calendar | None = None,
                 columns: Mapping[str, str] | None = None, sheet: str | int | None = None
                 ) -> Weather:
    """Read weather rules (see the module's text); ``start`` is the day work starts
    (it places working days in calendar months) and ``calendar`` the working days.

    Raises
    ------
    InputError
        Every problem at once, with its row, column and value.
    """
    name = display_name(source)
    if isinstance(source, pd.DataFrame):
        table = table_from_frame(source, name)
    elif is_workbook(source):
        table = read_xlsx(source, sheet, what="weather file")
    else:
        table = read_table(source)
    return _from_table(table, columns, start, calendar or Calendar())


def _from_table(table: RawTable, columns: Mapping[str, str] | None, start: Any,
                calendar: Calendar) -> Weather:
    src = table.source
    table, _ = find_header(table, _LOOKUP, columns, section="Weather rules")
    found, unused, problems = resolve_columns(table.header, _LOOKUP, columns, _COLUMNS, src)
    for needed in ("months", "probability"):
        if needed not in found and not problems:
            problems.append(Problem(f"no {needed} column", source=src,
                                    hint="a weather file gives name, months, probability, "
                                         "lost_min, lost_most_likely, lost_max, activities"))
    if unused and not problems:
        problems.append(Problem("columns riskkit does not read: " + ", ".join(
            repr(table.header[i]) for i in unused), source=src,
            hint="leave them out, or map them with columns="))
    if problems:
        raise InputError(problems)
    written = {c: table.header[i] for c, i in found.items()}
    rules = []
    for row, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        reader = _Row(row, cells, found, written, src, table.decimal_comma)
        rule = reader.rule()
        problems += reader.problems
        if rule is not None:
            rules.append(rule)
    if not rules and not problems:
        problems.append(Problem("has no rules (no rows below the header)", source=src))
    if problems:
        raise InputError(problems)
    try:
        return Weather(tuple(rules), start, calendar, src)
    except InputError as exc:
        raise relocate(exc, src, None, written) from None


class _Row(RuleRow):
    """One row of a weather file."""

    def rule(self) -> WeatherRule | None:
        """The row's rule, or None with its problems in :attr:`problems`."""
        try:
            months = parse_months(self.cell("months"))
        except ValueError as exc:
            self.problem("months", f"'{exc}' is not a month or a range of months",
                         "write months such as Nov-Feb, 11-2 or Dec; Jan; Feb")
            months = ()
        numbers = {}
        for canon in ("probability", "lost_min", "lost_most_likely", "lost_max"):
            parsed = self.number(canon)
            numbers[canon] = None if parsed is None else parsed.value
        p = numbers["probability"]
        if p is None and not self.cell("probability"):
            self.problem("probability", "probability per month is missing", "such as 10%")
        elif p is not None and not 0.0 <= p <= 1.0:
            self.problem("probability", "probability outside 0-100%",
                         "write it as 10% or 0.1")
        lo, ml, hi = numbers["lost_min"], numbers["lost_most_likely"], numbers["lost_max"]
        if lo is None and hi is None and ml is not None:
            lo = hi = ml
        if lo is None or hi is None:
            self.problem("lost_min" if lo is None else "lost_max", "lost working days need "
                         "a minimum and a maximum (or a most likely value alone)")
        try:
            family = parse_family(self.cell("distribution") or None)
        except OptionError:
            self.problem("distribution", "unknown distribution")
            family = parse_family(None)
        if self.problems:
            return None
        assert lo is not None and hi is not None and p is not None
        try:
            lost = make_distribution(family, lo, 0.5 * (lo + hi) if ml is None or math.isnan(ml)
                                     else ml, hi)
            return WeatherRule(self.cell("name") or f"weather rule on row {self.row}",
                               months, p, lost, split_list(self.cell("activities")),
                               self.row)
        except InputError as exc:
            for problem in exc.problems:
                self.problem(problem.column or "lost_min", f"lost days: {problem.message}",
                             problem.hint)
            return None
