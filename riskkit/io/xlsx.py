"""Excel workbooks (.xlsx, .xlsm) as tables, through openpyxl (``riskkit[xlsx]``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..exceptions import InputError, Problem
from .tables import RawTable, cell_text

__all__ = ["is_workbook", "read_xlsx", "sheet_names"]

#: How much a sheet looks like what the reader wants: 0 not at all (no header row),
#: 1 a header row of known columns, 2 every column the reader needs.
Judge = Callable[[RawTable], int]


def is_workbook(source: Any) -> bool:
    """Whether ``source`` names an Excel workbook by its extension."""
    return isinstance(source, (str, os.PathLike)) and str(source).lower().endswith(
        (".xlsx", ".xlsm"))


def sheet_names(source: Any) -> list[str]:
    """The names of a workbook's sheets, in order ([] when it cannot be opened: reading
    it then says why)."""
    try:
        return [str(s) for s in pd.ExcelFile(str(source)).sheet_names]
    except Exception:  # noqa: BLE001 - read_xlsx names the problem
        return []


def read_xlsx(source: Any, sheet: str | int | None, judge: Judge | None = None,
              what: str = "register") -> RawTable:
    """A worksheet (default: the first) as a table; formula cells as the values Excel
    last calculated; rows keep the numbers Excel shows.

    With no ``sheet`` given and a ``judge``, a first sheet that does not look like a
    ``what`` at all (a cover or an instructions page) is refused with the list of the
    workbook's sheets, naming those that do look like one: never a guess.
    """
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
        book = pd.ExcelFile(name)
    except ValueError as exc:
        hint = ("is it really an .xlsx file? a CSV file must be named .csv"
                if "format cannot be determined" in str(exc) else None)
        raise InputError(Problem(str(exc), source=name, hint=hint)) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise InputError(Problem(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})", source=name,
            hint="is it really an .xlsx file? a CSV file must be named .csv")) from None
    names = [str(s) for s in book.sheet_names]
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise InputError(Problem(
            f"has no sheet number {sheet + 1} (counted from 1; sheet={sheet} in Python "
            f"counts from 0): it has {len(names)}", source=name,
            hint="the workbook's sheets: " + ", ".join(map(repr, names))))
    try:
        first = _sheet(book, sheet if sheet is not None else 0, name)
    except ValueError as exc:  # no such sheet
        raise InputError(Problem(str(exc), source=name, hint="the workbook's sheets: "
                                 + ", ".join(map(repr, names)))) from None
    if sheet is None and judge is not None and len(names) > 1 and (
            first is None or judge(first) == 0):
        _refuse_cover(book, names, judge, what, name)
    if first is None:
        raise InputError(Problem("the sheet is empty", source=name))
    return first


def _sheet(book: pd.ExcelFile, sheet: str | int, name: str) -> RawTable | None:
    """One sheet as a table (None when it is empty)."""
    frame = pd.read_excel(book, sheet_name=sheet, dtype=object, header=None)
    frame = frame.dropna(how="all", axis=1)
    cells = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    records = [(i, tuple(r)) for i, r in enumerate(cells, start=1)]
    first = next((k for k, (_, c) in enumerate(records) if any(c)), None)
    if first is None:
        return None
    return RawTable(name, records[first][1], tuple(records[first + 1:]),
                    header_row=records[first][0])


def _refuse_cover(book: pd.ExcelFile, names: list[str], judge: Judge, what: str,
                  name: str) -> None:
    """The first sheet is no ``what``: say which sheets are."""
    option = "--sheet" if what == "register" else f"--{what}-sheet"
    mapping = "--map" if what == "register" else f"--{what}-map"
    scores = {}
    for sheet in names[1:]:
        try:
            table = _sheet(book, sheet, name)
        except Exception:  # noqa: BLE001 - a sheet openpyxl cannot read is not the one
            continue
        scores[sheet] = judge(table) if table is not None else 0
    best = max(scores.values(), default=0)
    likely = [s for s, v in scores.items() if v == best and v > 0]
    listed = ", ".join(map(repr, names))
    message = (f"the first sheet, {names[0]!r}, does not look like a {what} (no row of it "
               f"names {what} columns); the workbook's sheets: {listed}")
    if len(likely) == 1:
        message += f"; {likely[0]!r} looks like one"
        hint = f'read it with {option} "{likely[0]}" (sheet="{likely[0]}" in Python)'
    elif likely:
        message += "; " + ", ".join(map(repr, likely)) + f" look like {what}s"
        hint = f'say which one with {option} "Sheet name" (sheet= in Python)'
    else:
        hint = (f'give the {what}\'s sheet with {option} "Sheet name" (sheet= in Python), '
                f"and map its columns with {mapping} if riskkit does not know their names")
    raise InputError(Problem(message, source=name, hint=hint))
