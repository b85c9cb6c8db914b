"""Correlation between risk impacts and between activity durations (Iman–Conover).

A correlation is given either as **groups** (every member of a group is correlated with
every other member by the group's coefficient; members name their group in a
``correlation_group`` column of the register or schedule) or as a **matrix** over risk
or activity ids. It is induced by Iman and Conover's (1982) method: each correlated
variable's sampled values (its Latin hypercube strata, already drawn) are *reordered*
to follow the ranks of a matrix of normal scores that has the target correlation, so
every marginal distribution is exactly what it was without correlation.

What a coefficient means (``measure``):

- ``"spearman"`` (the default, as in @RISK and Crystal Ball): the rank correlation the
  variables get, whatever their distributions. The scores are given the normal
  correlation ``2 sin(pi rho / 6)``, whose Spearman correlation is ``rho``.
- ``"pearson"``: the correlation of the normal scores themselves (a Gaussian copula's
  parameter), as cost-estimating guides state coefficients. For normally distributed
  impacts it is their ordinary (Pearson) correlation, so the variance of a sum follows
  the textbook formula; their Spearman correlation is ``(6 / pi) asin(rho / 2)``,
  within 0.018 of ``rho``.

Scores: a group is one common factor per block plus each member's own normal score,
``sqrt(rho) W + sqrt(1 - rho) E``, so a group of hundreds of risks costs one extra
column, not a dense matrix. A matrix is factored (``C = F F'``) and its factor scores
are whitened over each block, so over a block the scores' sample correlation is exactly
``C`` (Iman and Conover's own refinement). Risks are sparse: a risk's impacts exist
only where it occurs, so scores are evaluated at those iterations only, and impacts of
two risks are correlated in the iterations in which both occur. Occurrences themselves
stay independent.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from . import _parse
from .exceptions import InputError, InputWarning, OptionError, Problem

__all__ = ["Correlation", "read_correlation", "nearest_correlation"]

_GROUP_WORDS = {"group", "groupname", "groupid", "correlationgroup", "corrgroup", "name", "set",
                "correlationset", "correlationgroupname"}
_COEF_WORDS = {"coefficient", "correlation", "rho", "r", "coef", "corr",
               "correlationcoefficient", "value"}
MEASURES = ("spearman", "pearson")


def _check_measure(measure: object) -> str:
    text = str(measure).strip().lower()
    aliases = {"spearman": "spearman", "rank": "spearman", "pearson": "pearson",
               "normal": "pearson", "linear": "pearson"}
    if text not in aliases:
        raise OptionError("measure", measure, "'spearman' (rank correlation, the default) "
                          "or 'pearson' (correlation of normal scores)")
    return aliases[text]


def to_normal(rho: np.ndarray | float, measure: str) -> np.ndarray | float:
    """The normal-score correlation that gives coefficient ``rho`` in ``measure``."""
    if measure == "spearman":
        return 2.0 * np.sin(np.pi * np.asarray(rho) / 6.0)
    return rho


def from_normal(r: np.ndarray | float, measure: str) -> np.ndarray | float:
    """Inverse of :func:`to_normal`."""
    if measure == "spearman":
        return 6.0 / np.pi * np.arcsin(np.asarray(r) / 2.0)
    return r


@dataclass(frozen=True)
class Correlation:
    """A correlation specification: coefficients per group, or a matrix over ids.

    Build it with :func:`read_correlation`, or pass ``simulate(..., correlation=...)`` a
    path, a ``{group: coefficient}`` dict or a square DataFrame (ids as index and
    columns), which are read the same way.
    """

    groups: Mapping[str, float] | None = None
    matrix: pd.DataFrame | None = field(default=None, repr=False)
    source: str = "<correlation>"
    rows: Mapping[str, int] = field(default_factory=dict, repr=False)  # id/group -> row
    repaired: bool = False
    measure: str = "spearman"
    #: (row id, column id) -> (value, text as typed) of the cells the file gave (the
    #: others mirror them or are 0), before any repair
    written: Mapping[tuple[str, str], tuple[float, str]] = field(default_factory=dict,
                                                                 repr=False)

    @property
    def form(self) -> str:
        return "groups" if self.groups is not None else "matrix"

    def describe(self) -> str:
        """One line for reports: what is correlated, from where."""
        what = "rank (Spearman)" if self.measure == "spearman" else "Pearson (normal-score)"
        if self.groups is not None:
            parts = ", ".join(f"{g} {c:g}" for g, c in self.groups.items())
            return f"{what} correlation groups from {self.source}: {parts}"
        assert self.matrix is not None
        m = self.matrix.shape[0]
        note = " (repaired to the nearest correlation matrix)" if self.repaired else ""
        return f"{what} correlation matrix of {m} ids from {self.source}{note}"

    def normal_matrix(self) -> np.ndarray:
        """The correlation matrix of the normal scores (positive semi-definite)."""
        assert self.matrix is not None
        c = np.array(to_normal(self.matrix.to_numpy(), self.measure), dtype=float)
        np.fill_diagonal(c, 1.0)
        return c


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
    measure = _check_measure(measure)
    if isinstance(source, Correlation):
        return source
    if isinstance(source, Mapping):
        return _groups_from_pairs([(None, _name(k), v) for k, v in source.items()],
                                  "<correlation dict>", measure=measure)
    if isinstance(source, pd.DataFrame):
        frame = source
        if set(map(str, frame.index)) == set(map(str, frame.columns)):
            frame = frame.reset_index()
        table = _parse.table_from_frame(frame, "<correlation DataFrame>")
    elif isinstance(source, (str, PathLike)) and str(source).lower().endswith(
            (".xlsx", ".xlsm")):
        from .register import _read_xlsx

        table = _read_xlsx(source, sheet)
    elif isinstance(source, (str, PathLike)) or hasattr(source, "read"):
        table = _parse.read_table(source, decimal=decimal, delimiter=delimiter)
    else:
        raise OptionError("correlation", type(source).__name__,
                          "a CSV path, a {group: coefficient} dict, a square DataFrame or "
                          "a Correlation")
    width = len(table.header)
    while width and not table.header[width - 1].strip():
        width -= 1  # trailing empty columns, as spreadsheets export them
    header = [_parse.normalise_header(h) for h in table.header[:width]]
    group_at = next((i for i, h in enumerate(header) if h in _GROUP_WORDS), None)
    coef_at = next((i for i, h in enumerate(header) if h in _COEF_WORDS), None)
    if group_at is not None and coef_at is not None:
        unused = [table.header[i] for i in range(width) if i not in (group_at, coef_at)
                  and table.header[i].strip()]
        if unused:
            warnings.warn(f"{table.source}: columns not used: "
                          + ", ".join(map(repr, unused)), InputWarning, stacklevel=2)

        def at(cells, i):
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


def group_key(name: Any) -> str:
    """How group names are matched: case and spaces ignored, and a whole number
    written as a float (pandas reads 1, 2 and blanks as 1.0, 2.0, NaN) as that number.

    >>> group_key(" Civil  Works"), group_key("M & E"), group_key(2.0), group_key("2")
    ('civilworks', 'm&e', '2', '2')
    """
    text = "".join(str(name).split()).casefold()
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


def _coefficient(text: Any, decimal_comma: bool, report, low: float = -1.0
                 ) -> float | None:
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        value = float(text)
    else:
        parsed = _parse.parse_cell(str(text), report, decimal_comma=decimal_comma,
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
        return _parse.BAD
    return max(low, min(1.0, value))


def _groups_from_pairs(pairs, source: str, header=("group", "coefficient"),
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

        def report(message, _row=row, _text=text):
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


def _matrix_from_table(table: _parse.RawTable, measure: str, width: int) -> Correlation:
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
            def report(message, _row=row, _col=ids[j], _text=text):
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


def nearest_correlation(a: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000
                        ) -> np.ndarray:
    """The correlation matrix nearest to symmetric ``a`` in the Frobenius norm.

    Higham's (2002) alternating projections with Dykstra's correction: between the
    positive semi-definite matrices and the matrices with a unit diagonal.

    >>> c = nearest_correlation(np.array([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]]))
    >>> bool(np.linalg.eigvalsh(c)[0] > -1e-9), np.allclose(np.diag(c), 1)
    (True, True)
    """
    a = np.asarray(a, dtype=float)
    y = a.copy()
    correction = np.zeros_like(a)
    for _ in range(max_iter):
        r = y - correction
        w, v = np.linalg.eigh(r)
        x = (v * np.maximum(w, 0.0)) @ v.T
        correction = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        done = bool(np.linalg.norm(y_new - y) <= tol * max(1.0, float(np.linalg.norm(y))))
        y = y_new
        if done:
            break
    y = 0.5 * (y + y.T)
    w, v = np.linalg.eigh(y)
    y = (v * np.maximum(w, 0.0)) @ v.T
    d = np.sqrt(np.diag(y))
    y = y / np.outer(d, d)
    np.fill_diagonal(y, 1.0)
    return y


# --- resolution: ids and groups to components ------------------------------------------

@dataclass(frozen=True)
class Component:
    """One set of mutually correlated variables: the scores of member ``j`` are
    ``Z @ loadings[j] + unique[j] * E_j``, with ``Z`` the component's factor scores."""

    members: tuple[int, ...]       # indices into the risks (or activities) of a plan
    loadings: np.ndarray           # (members, factors)
    unique: np.ndarray             # (members,)
    key: int                       # stream key

    @property
    def factors(self) -> int:
        return self.loadings.shape[1]

    @property
    def is_group(self) -> bool:
        """A correlation group: one common factor and an own score per member."""
        return self.factors == 1 and bool(self.unique.any())

    @property
    def whiten(self) -> bool:
        """Matrix components whiten their factors (exact sample correlation)."""
        return not self.unique.any()


@dataclass(frozen=True)
class CorrelationPlan:
    risks: tuple[Component, ...] = ()
    activities: tuple[Component, ...] = ()
    description: str = ""
    #: risk index -> (component, member) for correlated risks
    risk_slot: Mapping[int, tuple[int, int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.risks or self.activities)


def _group_component(members: list[int], rho: float, key: int) -> Component:
    m = len(members)
    return Component(tuple(members), np.full((m, 1), math.sqrt(rho)),
                     np.full(m, math.sqrt(max(0.0, 1.0 - rho))), key)


def _matrix_components(c: np.ndarray) -> list[tuple[list[int], np.ndarray]]:
    """Split a correlation matrix into connected components, each with its factor
    loadings ``F`` (``F F'`` is the component's matrix)."""
    m = c.shape[0]
    linked = (np.abs(c) > 1e-9) & ~np.eye(m, dtype=bool)
    seen = np.zeros(m, dtype=bool)
    out = []
    for s in range(m):
        if seen[s] or not linked[s].any():
            continue
        stack: list[int] = [s]
        part: list[int] = []
        seen[s] = True
        while stack:
            i = stack.pop()
            part.append(i)
            for j in np.flatnonzero(linked[i] & ~seen).tolist():
                seen[j] = True
                stack.append(j)
        part.sort()
        w, v = np.linalg.eigh(c[np.ix_(part, part)])
        keep = w > 1e-10 * max(1.0, w[-1])
        out.append((part, v[:, keep] * np.sqrt(w[keep])))
    return out


def _is_none(spec: Any) -> bool:
    return spec is False or (isinstance(spec, str) and spec.strip().lower() == "none")


def prepare(spec: Any) -> Any:
    """Read a correlation spec once (so its warnings show once), leaving None and
    "none" as they are: for callers that run several simulations on it."""
    if spec is None or _is_none(spec):
        return spec
    return read_correlation(spec)


def resolve(spec: Any, register: Any, schedule: Any, risk_ids: tuple[str, ...],
            measure: str = "spearman") -> CorrelationPlan:
    """Turn a correlation spec and the group columns into the components a run samples.

    ``risk_ids`` are the active (not closed) risks of the plan, in plan order. ``spec``
    ``"none"`` (or False) runs without correlation even where a ``correlation_group``
    column names groups (with a warning), for an uncorrelated baseline.
    """
    from .schedule import stable_key

    act_ids: tuple[str, ...] = tuple(schedule.ids) if schedule is not None else ()
    risk_index = {r: i for i, r in enumerate(risk_ids)}
    act_index = {a: i for i, a in enumerate(act_ids)}
    members = _group_members(register, schedule, risk_index, act_index)
    if _is_none(spec):
        if members:
            warnings.warn(f"correlation 'none': the correlation groups "
                          f"{', '.join(m[3] for m in members.values())} are not used",
                          InputWarning, stacklevel=4)
        return CorrelationPlan()
    if spec is None:
        if members:
            (kind, _, rows, name) = next(iter(members.values()))
            row, src, col, what = rows[0]
            raise InputError(Problem(
                f"{what} is in correlation group {name!r}, but no coefficient was given "
                f"for any group", source=src, row=row, column=col, value=name,
                hint="pass --correlation groups.csv (columns group, coefficient) or "
                     "correlation={'" + name + "': 0.5}; --correlation none runs without"))
        return CorrelationPlan()
    corr = read_correlation(spec, measure=measure)
    problems: list[Problem] = []
    risk_parts: list[Component] = []
    act_parts: list[Component] = []
    if corr.groups is not None:
        listed = {group_key(g): g for g in corr.groups}
        for key, (kind, idx, rows, name) in members.items():
            if key not in listed:
                for row, src, col, what in rows:
                    problems.append(Problem(
                        f"{what} is in correlation group {name!r}, which {corr.source} "
                        f"does not list", source=src, row=row, column=col, value=name,
                        hint="groups listed: " + ", ".join(corr.groups)))
                continue
            if kind == "mixed":
                problems.append(Problem(
                    f"correlation group {name!r} has both risks and activities; correlate "
                    f"risks with risks and activities with activities", source=rows[0][1],
                    row=rows[0][0], column=rows[0][2], value=name))
                continue
            if len(idx) < 2:
                warnings.warn(f"correlation group {name!r} has one member ({rows[0][3]}), "
                              f"so it correlates nothing", InputWarning, stacklevel=4)
                continue
            coefficient = corr.groups[listed[key]]
            part = _group_component(sorted(idx), float(to_normal(coefficient, corr.measure)),
                                    stable_key(f"group:{key}"))
            (risk_parts if kind == "risk" else act_parts).append(part)
        unused = [g for k, g in listed.items() if k not in members]
        if unused:
            warnings.warn(f"{corr.source}: no risk or activity is in correlation group"
                          f"{'s' if len(unused) > 1 else ''} {', '.join(unused)}",
                          InputWarning, stacklevel=4)
    else:
        assert corr.matrix is not None
        if members:
            warnings.warn(f"the correlation_group column is not used: {corr.source} gives "
                          f"a correlation matrix", InputWarning, stacklevel=4)
        ids = list(corr.matrix.index)
        all_risks = set(register.frame["id"]) if register is not None else set()
        kinds = []
        for i in ids:
            is_risk, is_act = i in all_risks, i in act_index
            if is_risk and is_act:
                problems.append(Problem(f"{i} is both a risk and an activity id; rename one",
                                        source=corr.source, row=corr.rows.get(i),
                                        column=i, value=i))
            elif not (is_risk or is_act):
                where = " and ".join(x for x, ok in (("the register", register is not None),
                                                     ("the schedule", schedule is not None))
                                     if ok)
                problems.append(Problem(f"unknown id: {where} has no {i}",
                                        source=corr.source, row=corr.rows.get(i),
                                        column=i, value=i))
            kinds.append("risk" if is_risk else "activity")
        if problems:
            raise InputError(problems)
        closed = [i for i, k in zip(ids, kinds) if k == "risk" and i not in risk_index]
        if closed:
            warnings.warn(f"{corr.source}: closed risks are left out of the correlation: "
                          f"{', '.join(closed[:8])}{' …' if len(closed) > 8 else ''}",
                          InputWarning, stacklevel=4)
        keep = [j for j, i in enumerate(ids) if i in risk_index or i in act_index]
        c = corr.normal_matrix()[np.ix_(keep, keep)]
        kept = [ids[j] for j in keep]
        kinds = [kinds[j] for j in keep]
        kind_of = dict(zip(ids, [("risk" if i in all_risks else "activity") for i in ids]))
        # a risk and an activity correlated: judged on the cells as the file gives them
        # (a repair only spreads rounding noise between blocks that were apart)
        cells = corr.written or {(a, b): (float(corr.matrix.loc[a, b]),
                                          f"{corr.matrix.loc[a, b]:g}")
                                 for a in ids for b in ids}
        for (r, col), (value, text) in cells.items():
            if kind_of[r] != kind_of[col] and value != 0:
                problems.append(Problem(
                    f"{r} ({kind_of[r]}) and {col} ({kind_of[col]}) are correlated; "
                    f"correlate risks with risks and activities with activities",
                    source=corr.source, row=corr.rows.get(r), column=col, value=text))
        if problems:
            raise InputError(problems[:20])
        risk_rows = np.array([k == "risk" for k in kinds], dtype=bool)
        c[np.ix_(risk_rows, ~risk_rows)] = 0.0  # repair noise between the two blocks
        c[np.ix_(~risk_rows, risk_rows)] = 0.0

        def key_of(part):
            return stable_key("matrix:" + "|".join(sorted(kept[i] for i in part)))

        for positions, loadings in _matrix_components(c):
            is_risk = kinds[positions[0]] == "risk"
            lookup = risk_index if is_risk else act_index
            comp = Component(tuple(lookup[kept[i]] for i in positions), loadings,
                             np.zeros(len(positions)), key_of(positions))
            (risk_parts if is_risk else act_parts).append(comp)
    slot = {r: (ci, j) for ci, comp in enumerate(risk_parts)
            for j, r in enumerate(comp.members)}
    if problems:
        raise InputError(problems)
    return CorrelationPlan(tuple(risk_parts), tuple(act_parts), corr.describe(), slot)


def _group_members(register, schedule, risk_index, act_index):
    """Group key -> (kind, member indices, [(row, source, column, what)], name as
    first written)."""
    out: dict[str, tuple[str, list[int], list[tuple[int | None, str, str, str]], str]] = {}
    for obj, index, what in ((register, risk_index, "risk"), (schedule, act_index,
                                                               "activity")):
        frame = obj.frame if obj is not None else None
        if frame is None or "correlation_group" not in frame:
            continue
        col = obj.header("correlation_group")
        for ident, group, row in zip(frame["id"], frame["correlation_group"], frame["row"]):
            if group is None or (isinstance(group, float) and math.isnan(group)):
                continue
            group = str(group).strip()
            if not group or ident not in index:
                continue
            key = group_key(group)
            kind, idx, rows, name = out.setdefault(key, (what, [], [], group))
            if kind != what:
                kind = "mixed"
            idx.append(index[ident])
            rows.append((int(row) if row is not None else None, obj.source, col,
                         f"{what} {ident}"))
            out[key] = (kind, idx, rows, name)
    return out


# --- sampling ------------------------------------------------------------------------

def _score_table() -> np.ndarray:
    """65,536 normal scores (van der Waerden), scaled to unit variance: a normal draw is
    one table lookup by 16 random bits."""
    t = ndtri((np.arange(65_536) + 0.5) / 65_536)
    return t / np.sqrt(np.mean(t * t))


SCORES = _score_table()
#: Scores are ranked as 16-bit integers (numpy's radix sort): 1/3,000 of a standard
#: deviation apart. The largest group score, |z| <= 8 plus a table score <= 4.2 weighted
#: by loadings whose squares sum to 1, stays within the int16 range.
_QUANTUM = 3_000.0


def scores_from_bits(raw: np.ndarray, size: int) -> np.ndarray:
    """``size`` normal scores from 64-bit words (four scores a word)."""
    return SCORES[raw.view(np.uint16)[:size]]


def factor_scores(g: np.random.Generator, n: int, comp: Component) -> np.ndarray:
    """The component's factor scores for ``n`` iterations, shape (n, factors).

    Matrix components are whitened: centred, and decorrelated by the inverse Cholesky
    factor of their sample covariance, so their sample correlation is exactly C.
    """
    r = comp.factors
    z = scores_from_bits(g.bit_generator.random_raw(-(-n * r // 4)), n * r).reshape(n, r)
    z -= z.mean(axis=0)
    if comp.whiten and n > 2 * r + 1:
        cov = (z.T @ z) / n
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            return z
        z = np.linalg.solve(chol, z.T).T
    else:
        sd = np.sqrt(np.mean(z * z, axis=0))
        np.divide(z, sd, out=z, where=sd > 0)  # one iteration: no spread to scale
    return z


def rank_order(scores: np.ndarray) -> np.ndarray:
    """Positions that sort ``scores`` ascending (ties at 1/3,000 sd broken by position)."""
    if scores.dtype == np.int16:
        return np.argsort(scores, kind="stable")
    q = np.multiply(scores, _QUANTUM)
    np.clip(q, -32_767.0, 32_767.0, out=q)
    return np.argsort(q.astype(np.int16), kind="stable")


def reorder(sorted_values: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Iman–Conover: deal ascending values to the positions in the order of the scores."""
    out = np.empty_like(sorted_values)
    out[rank_order(scores)] = sorted_values
    return out


class BlockScores:
    """The scores of the correlated risks of one block, at any risk's occurrences.

    For each correlated set and each impact layer (cost, schedule) the block draws the
    set's factor scores. A group's scores are kept as 16-bit rank keys: the factor
    times its loading plus a table of the members' own scores times their weight, so a
    member's key at its occurrences is two small gathers and an add.
    """

    def __init__(self, plan: CorrelationPlan, stream, n: int):
        self.plan, self.n = plan, n
        self._stacked: tuple[np.ndarray, np.ndarray] | None = None
        self.z: list[list[np.ndarray]] = [[], []]
        self.keys: list[list[np.ndarray | None]] = [[], []]
        self.own: list[np.ndarray | None] = []
        for comp in plan.risks:
            group = comp.is_group
            self.own.append(np.rint(SCORES * (comp.unique[0] * _QUANTUM)).astype(np.int16)
                            if group else None)
            for layer in (0, 1):
                z = factor_scores(stream(comp.key, layer), n, comp)
                self.z[layer].append(z)
                self.keys[layer].append(
                    np.rint(np.clip(z[:, 0], -8.0, 8.0) * (comp.loadings[0, 0] * _QUANTUM))
                    .astype(np.int16) if group else None)

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """The groups' rank keys as two arrays for the fused kernel: (sets x 2 x n) at
        the iterations and (sets x 65,536) for own scores; zeros for matrix sets."""
        if self._stacked is None:
            count, n = len(self.plan.risks), self.n
            keys = np.zeros((count, 2, n), dtype=np.int16)
            own = np.zeros((count, SCORES.size), dtype=np.int16)
            for ci in range(count):
                for layer in (0, 1):
                    layer_keys = self.keys[layer][ci]
                    if layer_keys is not None:
                        keys[ci, layer] = layer_keys
                own_keys = self.own[ci]
                if own_keys is not None:
                    own[ci] = own_keys
            self._stacked = keys, own
        return self._stacked

    def order(self, layer: int, risk: int, occ: np.ndarray, own_bits: np.ndarray
              ) -> np.ndarray:
        """Positions of ``occ`` in ascending order of risk ``risk``'s scores there.

        ``own_bits``: one 16-bit word per occurrence for the risk's own score.
        """
        ci, j = self.plan.risk_slot[risk]
        comp = self.plan.risks[ci]
        keys = self.keys[layer][ci]
        if keys is not None:
            own = self.own[ci]
            assert own is not None
            return rank_order(keys[occ] + own[own_bits])
        z = self.z[layer][ci][occ]
        scores = z @ comp.loadings[j]
        if comp.unique[j]:
            scores += comp.unique[j] * SCORES[own_bits]
        return rank_order(scores)
