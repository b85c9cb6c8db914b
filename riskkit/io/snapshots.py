"""Snapshots: registers of the same project at different dates.

A snapshot is a register and the day it describes. The day comes, in this order, from
the date given for the file, from an ``as_of`` column (one date for every row), or from
a date in the file name (``office_fitout_2024-01.csv`` is 1 January 2024,
``register_2024-01-31.csv`` the 31st).

A workbook whose sheets are named by dates (``2024-01``, ``2024-02-29``, ``Mar 2024``)
is one snapshot a sheet, in the workbook's order; its other sheets are named in a
warning and left out. ``book.xlsx#Sheet name`` reads one sheet as one snapshot (its
date from the sheet's name or the date given).

Risks are matched across snapshots by id: a risk whose id changed but whose title is
the same is reported as a likely rename (:func:`renames`), never matched silently.

Bad snapshots raise :class:`SnapshotError` (an :class:`~riskkit.InputError`): a file
whose risks share no id with the one before, a currency that changes, dates that go
backwards; duplicate ids are the register's own error.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError, InputWarning, OptionError, Problem
from ..model import RiskRegister, parse_day
from .register import read_register
from .tables import display_name, normalise_header, read_table, table_from_frame
from .xlsx import is_workbook, sheet_names

__all__ = ["Rename", "Snapshot", "SnapshotError", "check_pair", "read_snapshots", "renames"]

#: Headers of the column that dates a snapshot (as :func:`normalise_header` writes them).
AS_OF_HEADERS = frozenset({"asof", "asofdate", "snapshotdate", "snapshot", "reportdate",
                           "datadate", "statusdate"})
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")


class SnapshotError(InputError):
    """Snapshots that cannot be compared: no common ids, different currencies, dates
    that go backwards."""


@dataclass(frozen=True)
class Snapshot:
    """A register at a date (``as_of``: a ``datetime64[D]``, or None when unknown)."""

    register: RiskRegister
    as_of: np.datetime64 | None = None

    @property
    def source(self) -> str:
        return self.register.source

    @property
    def label(self) -> str:
        """The date, or the file's name when the date is unknown."""
        return str(self.as_of) if self.as_of is not None else Path(self.source).name

    @classmethod
    def of(cls, value: Any, as_of: Any = None) -> Snapshot:
        """A snapshot from a Snapshot, a register or a file (read with
        :func:`read_snapshots`)."""
        if isinstance(value, Snapshot):
            return value if as_of is None else cls(value.register, _day(as_of, value.source))
        if isinstance(value, RiskRegister):
            return cls(value, _day(as_of, value.source) if as_of is not None else None)
        return read_snapshots([value], as_of=[as_of])[0]


@dataclass(frozen=True)
class Rename:
    """A likely rename: an id only in the old snapshot and one only in the new one,
    with the same title. Compared as a closed risk and a new one all the same."""

    old_id: str
    new_id: str
    title: str

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.new_id} ({self.title!r})"


def read_snapshots(
    paths: Sequence[Any],
    *,
    as_of: Sequence[Any] | Mapping[Any, Any] | Any = None,
    columns: Mapping[str, str] | None = None,
    project: str | None = None,
) -> tuple[Snapshot, ...]:
    """Read registers of one project at successive dates, oldest first.

    Parameters
    ----------
    paths : sequence of paths, file objects, DataFrames or registers
        The snapshots in date order.
    as_of : date, sequence or mapping, optional
        The date of each file (None entries: from the file), or a mapping from path to
        date. A date given here wins over an ``as_of`` column, which wins over a date
        in the file name (``YYYY-MM`` or ``YYYY-MM-DD``).
    columns, project
        As for :func:`riskkit.read_register`.

    Raises
    ------
    SnapshotError
        When consecutive snapshots share no risk id, their currencies differ or their
        dates go backwards (the register's own errors, duplicate ids among them, are
        raised as :class:`~riskkit.InputError`).

    Examples
    --------
    >>> import riskkit as rk
    >>> snaps = rk.read_snapshots(["sample_registers/office_fitout_2024-01.csv",
    ...                            "sample_registers/office_fitout_2024-02.csv"])
    >>> [str(s.as_of) for s in snaps]
    ['2024-01-01', '2024-02-01']
    """
    paths = list(paths)
    if as_of is None:
        given: list[Any] = [None] * len(paths)
    elif isinstance(as_of, Mapping):
        given = [as_of.get(p, as_of.get(str(p))) for p in paths]
    elif isinstance(as_of, (list, tuple)):
        given = list(as_of)
    else:  # one date: for one snapshot only
        given = [as_of]
    if len(given) != len(paths):
        raise OptionError("as_of", as_of, f"{len(paths)} dates, one per snapshot")
    snaps = []
    for path, day in zip(paths, given):
        sheets = _dated_sheets(path)
        if sheets and day is not None:
            raise OptionError("as_of", day, f"no date for {display_name(path)}: its sheets "
                              "are dated by their names")
        if not sheets:
            snaps.append(_read_one(path, day, columns, project))
        for sheet, sheet_day in sheets:
            snaps.append(_read_one(f"{path}#{sheet}", sheet_day, columns, project))
    for old, new in zip(snaps, snaps[1:]):
        check_pair(old, new)
    return tuple(snaps)


def check_pair(old: Snapshot, new: Snapshot) -> None:
    """Raise :class:`SnapshotError` when ``new`` cannot follow ``old``: no common id,
    another currency, an earlier date."""
    problems = []
    a, b = old.register, new.register
    if not set(a.ids) & set(b.ids):
        problems.append(Problem(
            f"shares no risk id with {a.source}, so the two are not snapshots of one "
            "register", source=b.source, column=b.header("id"),
            hint=f"ids there are {_some(a.ids)}; here {_some(b.ids)}"))
    if a.currency and b.currency and a.currency != b.currency:
        problems.append(Problem(
            f"amounts are in {b.currency} but {a.source} has them in {a.currency}",
            source=b.source, value=b.currency,
            hint="convert one register so both use one currency"))
    if old.as_of is not None and new.as_of is not None and new.as_of < old.as_of:
        problems.append(Problem(
            f"is dated {new.as_of}, before {a.source} "
            f"({old.as_of}); snapshots go oldest first", source=b.source,
            value=str(new.as_of), hint="list the files in date order or correct --as-of"))
    if problems:
        raise SnapshotError(problems)


def renames(old: RiskRegister, new: RiskRegister) -> tuple[Rename, ...]:
    """Likely renames: an id only in ``old`` and an id only in ``new`` whose titles are
    the same (case, spaces and punctuation ignored)."""
    new_ids, old_ids = set(new.ids), set(old.ids)
    only_old = [r for r in old.risks if r.id not in new_ids and r.title]
    gone: dict[str, Any] = {}
    for r in only_old:
        gone.setdefault(_title_key(r.title or ""), r)
    out = []
    for r in new.risks:
        if r.id in old_ids or not r.title:
            continue
        match = gone.pop(_title_key(r.title), None)
        if match is not None:
            out.append(Rename(match.id, r.id, r.title))
    return tuple(out)


def _title_key(title: str) -> str:
    return normalise_header(title)


def _some(ids: Sequence[str], most: int = 4) -> str:
    shown = ", ".join(ids[:most])
    return shown + (", …" if len(ids) > most else "")


def _day(value: Any, source: str) -> np.datetime64:
    try:
        return parse_day(value, f"as_of of {source}")
    except OptionError as exc:
        raise SnapshotError(Problem("the snapshot's date is not a date", source=source,
                                    value=str(value), hint=str(exc))) from None


_MONTH_YEAR = re.compile(r"^\s*([^\W\d_]+)\.?[\s_-]*(\d{4})\s*$")


def sheet_day(name: str) -> np.datetime64 | None:
    """The date a sheet's name gives: ``2024-01`` (the 1st), ``2024-01-31``, ``Jan 2024``
    or ``January 2024`` (month names in the register languages); None otherwise."""
    from ..model.weather import parse_months

    m = _NAME_DATE.search(name)
    if m is not None:
        try:
            return parse_day(f"{m[1]}-{m[2]}-{m[3] or '01'}", "sheet")
        except OptionError:
            return None
    m = _MONTH_YEAR.match(name)
    if m is not None:
        try:
            months = parse_months(m[1])
        except ValueError:
            return None
        if len(months) == 1:
            return np.datetime64(f"{m[2]}-{months[0]:02d}-01", "D")
    return None


def _dated_sheets(path: Any) -> list[tuple[str, np.datetime64]]:
    """A workbook's sheets named by dates, in order ([] when it has none, or when
    ``path`` is not a workbook or names a sheet); its other sheets named in a
    warning."""
    if not is_workbook(path) or "#" in str(path):
        return []
    names = sheet_names(path)
    dated = [(n, d) for n in names if (d := sheet_day(n)) is not None]
    if len(dated) < 2:
        return []
    others = [n for n in names if sheet_day(n) is None]
    if others:
        warnings.warn(f"{display_name(path)}: its sheets named by dates are the snapshots; "
                      f"left out: {', '.join(others)}", InputWarning, stacklevel=4)
    return dated


def _read_one(path: Any, given: Any, columns: Mapping[str, str] | None,
              project: str | None) -> Snapshot:
    if isinstance(path, Snapshot):
        return Snapshot.of(path, given)
    if isinstance(path, RiskRegister):
        return Snapshot.of(path, given)
    sheet = None
    if isinstance(path, (str, os.PathLike)) and "#" in str(path) and is_workbook(
            str(path).rsplit("#", 1)[0]):
        path, sheet = str(path).rsplit("#", 1)
        if given is None:
            given = sheet_day(sheet)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        register = read_register(path, columns=columns, project=project, sheet=sheet)
    if sheet is not None:
        register = replace(register, source=f"{register.source}#{sheet}")
    for w in caught:  # the as_of column is ours: not a column riskkit leaves unused
        text = str(w.message)
        if not re.search(r"columns? not used by riskkit: '[^']*'$", text) or \
                normalise_header(text.rsplit("'", 2)[-2]) not in AS_OF_HEADERS:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    name = display_name(path)
    if given is not None:
        return Snapshot(register, _day(given, name))
    day = _column_day(path, name)
    if day is None and isinstance(path, (str, os.PathLike)):
        m = _NAME_DATE.search(Path(path).name)
        if m is not None:
            text = f"{m[1]}-{m[2]}-{m[3] or '01'}"
            day = _day(text, name)
    return Snapshot(register, day)


def _column_day(path: Any, name: str) -> np.datetime64 | None:
    """The one date of an ``as_of`` column, or None without one (CSV and DataFrames)."""
    if isinstance(path, pd.DataFrame):
        table = table_from_frame(path, name)
    elif isinstance(path, (str, os.PathLike)) and Path(path).suffix.lower() not in (
            ".xlsx", ".xlsm"):
        try:
            table = read_table(path)
        except InputError:
            return None
    else:
        return None
    cols = [i for i, h in enumerate(table.header) if normalise_header(h) in AS_OF_HEADERS]
    if not cols:
        return None
    i = cols[0]
    days: dict[np.datetime64, int] = {}
    problems = []
    for row, cells in table.rows:
        text = cells[i].strip() if i < len(cells) else ""
        if not text:
            continue
        try:
            days.setdefault(parse_day(text, "as_of"), row)
        except OptionError as exc:
            problems.append(Problem("not a date", source=name, row=row,
                                    column=table.header[i], value=text, hint=str(exc)))
    if problems:
        raise SnapshotError(problems)
    if len(days) > 1:
        (d1, r1), (d2, r2) = list(days.items())[:2]
        raise SnapshotError(Problem(
            f"a snapshot has one date, but row {r1} says {d1} and row {r2} {d2}",
            source=name, row=r2, column=table.header[i], value=str(d2),
            hint="split the file into one register per date"))
    return next(iter(days)) if days else None
