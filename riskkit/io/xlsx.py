"""Excel workbooks (.xlsx, .xlsm) as tables, through openpyxl (``riskkit[xlsx]``)."""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from ..exceptions import InputError, Problem
from .tables import RawTable, cell_text

__all__ = ["is_workbook", "read_xlsx"]


def is_workbook(source: Any) -> bool:
    """Whether ``source`` names an Excel workbook by its extension."""
    return isinstance(source, (str, os.PathLike)) and str(source).lower().endswith(
        (".xlsx", ".xlsm"))


def read_xlsx(source: Any, sheet: str | int | None) -> RawTable:
    """A worksheet (default: the first) as a table; formula cells as the values Excel
    last calculated; rows keep the numbers Excel shows."""
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
    cells = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    records = [(i, tuple(r)) for i, r in enumerate(cells, start=1)]
    first = next((k for k, (_, c) in enumerate(records) if any(c)), None)
    if first is None:
        raise InputError(Problem("the sheet is empty", source=name))
    return RawTable(name, records[first][1], tuple(records[first + 1:]),
                    header_row=records[first][0])
