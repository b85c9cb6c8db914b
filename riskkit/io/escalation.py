"""An escalation index by month (``--escalation-index``): a CSV of ``month, index``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError, OptionError, Problem
from ..phasing import Escalation
from .cells import parse_cell
from .tables import normalise_header, read_table

__all__ = ["parse_escalation_rate", "read_escalation_index"]

_MONTH_WORDS = {"month", "period", "date", "months"}
_INDEX_WORDS = {"index", "price index", "factor", "value", "escalation index"}
_MONTH = re.compile(r"\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*")


def _month(text: str) -> np.datetime64 | None:
    """``2027-01``, ``2027-01-01``, ``2027/1`` as a month; None otherwise."""
    m = _MONTH.fullmatch(text)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        return None
    return np.datetime64(f"{int(m.group(1)):04d}-{int(m.group(2)):02d}", "M")


def read_escalation_index(source: Any) -> Escalation:
    """Read a price index by month: columns ``month`` (``2027-01`` or a date in the
    month) and ``index`` (positive numbers, any base), one row per month without gaps,
    in order. Each month's spend is escalated by index(month) / index(start's month);
    months after the last row follow the last twelve months' growth, with a warning.

    Examples
    --------
    >>> import io
    >>> e = read_escalation_index(io.StringIO("month,index\\n2027-01,100\\n2027-02,101\\n"))
    >>> [float(x) for x in e.factors(np.datetime64("2027-01", "M"), 2)]
    [1.0, 1.01]
    """
    table = read_table(source)
    header = [normalise_header(h) for h in table.header]
    at_month = next((i for i, h in enumerate(header) if h in _MONTH_WORDS), None)
    at_index = next((i for i, h in enumerate(header) if h in _INDEX_WORDS), None)
    if at_month is None or at_index is None:
        raise InputError(Problem("an escalation index needs the columns month and index",
                                 source=table.source, row=table.header_row,
                                 value=", ".join(table.header),
                                 hint="e.g. month,index then 2027-01,100"))
    problems: list[Problem] = []
    months: list[np.datetime64] = []
    values: list[float] = []
    for row, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        month_text = cells[at_month] if at_month < len(cells) else ""
        index_text = cells[at_index] if at_index < len(cells) else ""
        month = _month(month_text)
        if month is None:
            problems.append(Problem("not a month", source=table.source, row=row,
                                    column=table.header[at_month], value=month_text,
                                    hint="a year and month such as 2027-01"))
        elif months and month != months[-1] + np.timedelta64(1, "M"):
            problems.append(Problem(
                f"months must follow each other without gaps (the row before is "
                f"{months[-1]})", source=table.source, row=row,
                column=table.header[at_month], value=month_text))

        def report(message: str, row: int = row, text: str = index_text) -> None:
            problems.append(Problem(message, source=table.source, row=row,
                                    column=table.header[at_index], value=text))

        value = parse_cell(index_text, report, decimal_comma=table.decimal_comma,
                           allow_percent=False, allow_currency=False)
        if value is None:
            report("the index is missing")
        elif value == value and value <= 0:
            report("an index must be positive")
        if month is not None:
            months.append(month)
            values.append(value if value is not None else float("nan"))
    if not months and not problems:
        problems.append(Problem("has no months", source=table.source))
    if problems:
        raise InputError(problems)
    index = pd.Series(values, index=pd.PeriodIndex(
        [str(m) for m in months], freq="M").to_timestamp(), name="index")
    return Escalation(index=index, source=table.source)


def parse_escalation_rate(text: str) -> float:
    """An annual rate as typed: ``3%``, ``0.03``, ``3 %`` (a plain number above 1 is
    refused, as a probability is: ``3`` could be 3% or 300%)."""
    stripped = str(text).strip()
    percent = stripped.endswith("%")
    try:
        value = float(stripped.rstrip("%").strip().replace(",", "."))
    except ValueError:
        raise OptionError("--escalation", text, "an annual rate such as 3% or 0.03") from None
    if percent:
        value /= 100.0
    elif abs(value) > 1:
        raise OptionError("--escalation", text, "an annual rate such as 3% or 0.03 (a plain "
                          "number above 1 is ambiguous: write 3% for three percent)")
    if value <= -1:
        raise OptionError("--escalation", text, "an annual rate above -100%")
    return value
