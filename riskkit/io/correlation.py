"""Reading correlation files: groups (``group, coefficient``) or a matrix over ids.

See :class:`riskkit.Correlation` for what the coefficients mean.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from ..correlation import (
    Correlation,
    check_measure,
    from_normal,
    group_key,
    nearest_correlation,
    to_normal,
)
from ..exceptions import InputError, InputWarning, OptionError, Problem
from .cells import BAD, parse_cell
from .tables import RawTable, normalise_header, read_table, table_from_frame
from .xlsx import is_workbook, read_xlsx

__all__ = ["read_correlation"]

_GROUP_WORDS = {"group", "groupname", "groupid", "correlationgroup", "corrgroup", "name", "set",
                "correlationset", "correlationgroupname"}
_COEF_WORDS = {"coefficient", "correlation", "rho", "r", "coef", "corr",
               "correlationcoefficient", "value"}


def read_correlation(source: Any, *, measure: str = "spearman", decimal: str | None = None,
                     delimiter: str | None = None, sheet: str | int | None = None
                     ) -> Correlation:
    """Read a correlation file (CSV or .xlsx): groups or a matrix.

    A groups file has a ``group`` column and a ``coefficient`` column (other columns are
    left out with a warning). A matrix file has ids across the header and down the first
    column, in any order; blank cells are 0 (off the diagonal) or mirror their
    transposed cell, so a lower triangle is enough. Values must be within [-1, 1], the
    diagonal 1, and the matrix symmetric. A matrix that is not positive semi-definite
    is replaced by the nearest correlation matrix (Higham 2002) with a warning naming
    the largest change. ``decimal``, ``delimiter`` and ``sheet`` (of a workbook; default
    the first) are as for :func:`riskkit.read_register`.
    """
    measure = check_measure(measure)
    if isinstance(source, Correlation):
        return source
    if isinstance(source, Mapping):
        return _groups_from_pairs([(None, _name(k), v) for k, v in source.items()],
                                  "<correlation dict>", measure=measure)
    if isinstance(source, pd.DataFrame):
        frame = source
        if set(map(str, frame.index)) == set(map(str, frame.columns)):
            frame = frame.reset_index()
        table = table_from_frame(frame, "<correlation DataFrame>")
    elif is_workbook(source):
        table = read_xlsx(source, sheet)
    elif isinstance(source, (str, PathLike)) or hasattr(source, "read"):
        table = read_table(source, decimal=decimal, delimiter=delimiter)
    else:
        raise OptionError("correlation", type(source).__name__,
                          "a CSV path, a {group: coefficient} dict, a square DataFrame or "
                          "a Correlation")
    width = len(table.header)
    while width and not table.header[width - 1].strip():
        width -= 1  # trailing empty columns, as spreadsheets export them
    header = [normalise_header(h) for h in table.header[:width]]
    group_at = next((i for i, h in enumerate(header) if h in _GROUP_WORDS), None)
    coef_at = next((i for i, h in enumerate(header) if h in _COEF_WORDS), None)
    if group_at is not None and coef_at is not None:
        unused = [table.header[i] for i in range(width) if i not in (group_at, coef_at)
                  and table.header[i].strip()]
        if unused:
            warnings.warn(f"{table.source}: columns not used: "
                          + ", ".join(map(repr, unused)), InputWarning, stacklevel=2)

        def at(cells: tuple[str, ...], i: int) -> str:
            return cells[i] if i < len(cells) else ""

        return _groups_from_pairs([(row, at(cells, group_at), at(cells, coef_at))
                                   for row, cells in table.rows if any(cells)],
                                  table.source, (table.header[group_at],
                                                 table.header[coef_at]),
                                  table.decimal_comma, measure)
    return _matrix_from_table(table, measure, width)


def _name(key: Any) -> str:
    """A group name as given in a dict: a whole-number float (from pandas) as an int."""
    if isinstance(key, (float, np.floating)) and float(key).is_integer():
        return str(int(key))
    return str(key)


def _coefficient(text: Any, decimal_comma: bool, report: Callable[[str], None],
                 low: float = -1.0) -> float | None:
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        value = float(text)
    else:
        parsed = parse_cell(str(text), report, decimal_comma=decimal_comma,
                                   allow_currency=False)
        if parsed is None or math.isnan(parsed):
            return parsed
        value = parsed
    if not low - 1e-9 <= value <= 1.0 + 1e-9:  # rounding noise of a computed matrix
        if low < 0:
            report("a correlation coefficient must be between -1 and 1")
        else:
            report("a group coefficient must be between 0 and 1 (for a negative "
                   "correlation between two ids, give a matrix)")
        return BAD
    return max(low, min(1.0, value))


def _groups_from_pairs(pairs: list[tuple[int | None, Any, Any]], source: str,
                       header: tuple[str, str] = ("group", "coefficient"),
                       decimal_comma: bool = False, measure: str = "spearman"
                       ) -> Correlation:
    problems: list[Problem] = []
    groups: dict[str, float] = {}
    rows: dict[str, int] = {}
    for row, name, text in pairs:
        name = str(name).strip()
        if not name:
            problems.append(Problem("group name is missing", source=source, row=row,
                                    column=header[0]))
            continue
        twin = next((g for g in groups if group_key(g) == group_key(name)), None)
        if twin is not None:
            problems.append(Problem(f"group {name!r} is listed twice (first on row "
                                    f"{rows[twin]})", source=source, row=row,
                                    column=header[0], value=name))
            continue

        def report(message: str, _row: int | None = row, _text: Any = text) -> None:
            problems.append(Problem(message, source=source, row=_row, column=header[1],
                                    value=str(_text)))

        value = _coefficient(text, decimal_comma, report, low=0.0)
        if value is None:
            report("coefficient is missing")
            continue
        if math.isnan(value):
            continue
        groups[name] = value
        rows[name] = row if row is not None else 0
    if problems:
        raise InputError(problems)
    if not groups:
        raise InputError(Problem("has no groups", source=source))
    return Correlation(groups=groups, source=source, rows=rows, measure=measure)


_FORMS = ("a groups file has columns 'group' and 'coefficient'; a matrix has ids across "
          "the first row and down the first column")


def _matrix_from_table(table: RawTable, measure: str, width: int) -> Correlation:
    src = table.source
    col_ids = [h.strip() for h in table.header[1:width]]
    problems: list[Problem] = []
    if not col_ids:
        raise InputError(Problem("is neither a groups file nor a matrix", source=src,
                                 hint=_FORMS))
    seen: dict[str, int] = {}
    for j, c in enumerate(col_ids):
        if not c:
            problems.append(Problem(f"column {j + 2} of the header has no id", source=src,
                                    row=table.header_row))
        elif c in seen:
            problems.append(Problem("id appears twice in the header", source=src,
                                    row=table.header_row, value=c))
        seen.setdefault(c, j)
    rows: dict[str, int] = {}
    cells_by_id: dict[str, tuple[int, tuple[str, ...]]] = {}
    for row, cells in table.rows:
        if not any(cells):
            continue
        rid = cells[0].strip()
        if not rid:
            problems.append(Problem("row has no id in its first cell", source=src, row=row))
            continue
        if rid in rows:
            problems.append(Problem(f"id appears twice down the first column (first on "
                                    f"row {rows[rid]})", source=src, row=row, value=rid))
            continue
        rows[rid] = row
        extra = [c for c in cells[len(col_ids) + 1:] if c.strip()]
        if extra:
            problems.append(Problem(
                f"row has {len(col_ids) + 1 + len(extra)} cells but the header names "
                f"{len(col_ids)} ids", source=src, row=row, value=extra[0],
                hint="every value needs an id above it"))
        cells_by_id[rid] = (row, cells[1:] + ("",) * (len(col_ids) + 1 - len(cells)))
    if problems:
        raise InputError(problems)
    if set(rows) != set(seen):
        only_rows = [i for i in rows if i not in seen]
        only_cols = [i for i in seen if i not in rows]
        msg = "the ids down the first column and across the header differ"
        parts = []
        if only_rows:
            parts.append("only down the side: " + ", ".join(only_rows[:10]))
        if only_cols:
            parts.append("only across the top: " + ", ".join(only_cols[:10]))
        raise InputError(Problem(msg, source=src, hint="; ".join(parts) + " (" + _FORMS
                                 + ")"))
    ids = list(col_ids)
    index = {c: j for j, c in enumerate(ids)}
    m = len(ids)
    given = np.full((m, m), np.nan)
    typed: dict[tuple[str, str], tuple[float, str]] = {}
    for rid, (row, cells) in cells_by_id.items():
        i = index[rid]
        for j, text in enumerate(cells[:m]):
            def report(message: str, _row: int = row, _col: str = ids[j],
                       _text: str = text) -> None:
                problems.append(Problem(message, source=src, row=_row, column=_col,
                                        value=_text))
            value = _coefficient(text, table.decimal_comma, report)
            if value is not None:
                given[i, j] = value
                typed[(rid, ids[j])] = (value, text)
    if problems:
        raise InputError(problems)
    matrix = np.where(np.isnan(given), given.T, given)
    diag = np.diag(matrix)
    for i in np.flatnonzero(~np.isnan(diag) & (np.abs(diag - 1.0) > 1e-9)).tolist():
        cell = typed.get((ids[i], ids[i]), (diag[i], f"{diag[i]:g}"))[1]
        problems.append(Problem("the diagonal must be 1 (an id is fully correlated with "
                                "itself)", source=src, row=rows[ids[i]], column=ids[i],
                                value=cell))
    both = ~np.isnan(given) & ~np.isnan(given.T) & (np.abs(given - given.T) > 1e-9)
    for i, j in zip(*np.nonzero(np.triu(both, 1))):
        problems.append(Problem(
            f"the matrix is not symmetric: {ids[i]}–{ids[j]} is {given[i, j]:g} here but "
            f"{given[j, i]:g} in row {rows[ids[j]]}, column {ids[i]!r}", source=src,
            row=rows[ids[i]], column=ids[j], value=typed[(ids[i], ids[j])][1],
            hint="give one triangle, or the same value in both"))
    if problems:
        raise InputError(problems)
    matrix = np.nan_to_num(matrix, nan=0.0)
    np.fill_diagonal(matrix, 1.0)
    matrix, repaired = _repaired(matrix, ids, src, measure)
    return Correlation(matrix=pd.DataFrame(matrix, index=ids, columns=ids), source=src,
                       rows=rows, repaired=repaired, measure=measure, written=typed)


def _repaired(matrix: np.ndarray, ids: list[str], src: str, measure: str
              ) -> tuple[np.ndarray, bool]:
    """The matrix, or (with a warning) the nearest one whose normal scores can exist."""
    normal = np.array(to_normal(matrix, measure), dtype=float)
    np.fill_diagonal(normal, 1.0)
    smallest = float(np.linalg.eigvalsh(normal)[0]) if matrix.size else 0.0
    if smallest >= -1e-10:
        return matrix, False
    near = np.array(from_normal(nearest_correlation(normal), measure), dtype=float)
    near[np.abs(near) < 1e-10] = 0.0  # rounding noise: zero blocks stay zero
    np.fill_diagonal(near, 1.0)
    change = np.abs(near - matrix)
    i, j = np.unravel_index(int(np.argmax(change)), change.shape)
    i, j = min(i, j), max(i, j)
    many = int(np.count_nonzero(np.triu(change, 1) > 0.005))
    warnings.warn(
        f"{src}: the correlation matrix is not positive semi-definite (smallest eigenvalue "
        f"{smallest:.3g}), so no set of variables can have it; using the nearest "
        f"correlation matrix (Higham 2002). Largest change: {ids[i]}–{ids[j]} "
        f"{matrix[i, j]:.3f} → {near[i, j]:.3f}; {many} coefficient"
        f"{'s' if many != 1 else ''} changed by more than 0.005", InputWarning, stacklevel=4)
    return near, True

