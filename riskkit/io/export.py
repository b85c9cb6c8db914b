"""Files people open in Excel: text that a spreadsheet would run as a formula is
neutralised with a leading quote; numbers stay numbers."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet (OWASP CSV injection).

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
    with a single quote so Excel shows it as text instead of running it as a formula.
    Numbers, negative ones included, are left alone.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "=+-@\t\r" and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and headers) pass :func:`safe_cell`."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


