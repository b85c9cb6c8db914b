"""Primavera P6 XER files: every table of the file, typed, and the projects it holds.

An XER export is text, one record a line, values separated by tabs::

    ERMHDR  8.1  2017-09-27  Project  admin  ...     the export's header
    %T  TASK                                          a table
    %F  task_id  proj_id  task_code  ...              its fields
    %R  4711     549      A1000      ...              one row per record
    %E                                                the end of the file

:func:`read_xer` reads every table into an :class:`XerTable` that remembers the line
of each row, so that a problem names the file, the line and the field. Values are
typed by P6's field names when a table is read (:meth:`XerTable.records`): ``*_date``
as a ``datetime``, ``*_flag`` (``Y``/``N``) as a bool, counts, hours, quantities,
costs and percentages (``*_cnt``, ``*_qty``, ``*_cost``, ``*_pct``, ...) as floats,
everything else (ids included) as text, blanks as None. A file is read as cp1252 (the
Windows code page P6 writes), as UTF-8 when it starts with a byte-order mark or its
bytes are UTF-8 with non-ASCII text, or in the ``encoding`` given.

:mod:`.xer_schedule` translates one project of the file into a
:class:`~riskkit.model.Schedule`; :mod:`.xer_calendar` reads P6's calendars.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ...exceptions import InputError, Problem
from ..tables import display_name

__all__ = ["XerFile", "XerProject", "XerTable", "read_xer", "value_kind"]

_NUMBER_ENDINGS = ("_cnt", "_qty", "_cost", "_pct", "_num", "_rate", "_factor", "_wt",
                   "_per_hr")
_MAX_PROBLEMS = 25  # a broken file is described by its first problems, then a count


def value_kind(name: str) -> str:
    """How a P6 field is typed: ``"date"``, ``"flag"``, ``"number"`` or ``"text"``.

    >>> value_kind("early_start_date"), value_kind("lag_hr_cnt"), value_kind("task_id")
    ('date', 'number', 'text')
    """
    if name.endswith("_date"):
        return "date"
    if name.endswith("_flag"):
        return "flag"
    if name.endswith(_NUMBER_ENDINGS):
        return "number"
    return "text"


def _as_date(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text.strip())


def _as_flag(text: str) -> bool:
    flag = text.strip().upper()
    if flag not in ("Y", "N"):
        raise ValueError(text)
    return flag == "Y"


def _as_number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


_CONVERTERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "date": (_as_date, "a date such as 2017-09-16 08:00"),
    "flag": (_as_flag, "Y or N"),
    "number": (_as_number, "a number"),
}


@dataclass(frozen=True)
class XerTable:
    """One table of an XER file: its fields, its rows as written (text) and the line of
    each row in the file."""

    name: str
    fields: tuple[str, ...]
    values: tuple[tuple[str, ...], ...] = field(repr=False)
    lines: tuple[int, ...] = field(repr=False)
    source: str = field(default="<xer>", repr=False)
    _typed: list[tuple[dict[str, Any], ...]] = field(default_factory=list, init=False,
                                                     repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.values)

    def records(self) -> tuple[dict[str, Any], ...]:
        """Every row as a dict of typed values (see :func:`value_kind`), in file order.

        Raises
        ------
        InputError
            Every value that is not of its field's type, with its line and field.
        """
        if self._typed:
            return self._typed[0]
        plan = [(i, name, _CONVERTERS.get(value_kind(name))) for i, name in
                enumerate(self.fields)]
        problems: list[Problem] = []
        out = []
        for line, row in zip(self.lines, self.values):
            record: dict[str, Any] = {}
            for i, name, conv in plan:
                text = row[i]
                if conv is None:
                    record[name] = text
                elif not text:
                    record[name] = None
                else:
                    try:
                        record[name] = conv[0](text)
                    except ValueError:
                        record[name] = None
                        problems.append(Problem(f"not {conv[1]}", source=self.source,
                                                row=line, column=f"{self.name}.{name}",
                                                value=text))
            out.append(record)
        if problems:
            raise InputError(_capped(problems, self.source))
        self._typed.append(tuple(out))
        return self._typed[0]


@dataclass(frozen=True)
class XerProject:
    """A project of an XER file: its id (``proj_id``), short name (P6's project id,
    ``proj_short_name``), name (the WBS root's name), data date and how many activities
    (TASK rows) the file gives it."""

    id: str
    short_name: str
    name: str | None
    data_date: _dt.datetime | None
    activities: int
    row: int | None = None

    def describe(self) -> str:
        name = f" ({self.name})" if self.name and self.name != self.short_name else ""
        return (f"{self.short_name}{name}: proj_id {self.id}, {self.activities:,} "
                f"{'activity' if self.activities == 1 else 'activities'}")


@dataclass(frozen=True)
class XerFile:
    """Every table of an XER file (``tables``, by name) and the projects it holds.

    Examples
    --------
    >>> from riskkit.io.planning.xer import read_xer
    >>> xer = read_xer("tests/data/two_projects.xer")
    >>> [p.short_name for p in xer.projects]
    ['BRIDGE', 'DEPOT']
    >>> len(xer.tables["TASK"]) > 0
    True
    """

    source: str
    header: tuple[str, ...]
    tables: Mapping[str, XerTable]
    encoding: str = "cp1252"

    @property
    def version(self) -> str:
        """The P6 version that wrote the file (ERMHDR's first value)."""
        return self.header[0] if self.header else ""

    def table(self, name: str) -> XerTable:
        """The table ``name``, or an empty one when the file has none."""
        found = self.tables.get(name)
        return found if found is not None else XerTable(name, (), (), (), self.source)

    @property
    def projects(self) -> tuple[XerProject, ...]:
        tasks: dict[str, int] = {}
        for record in self.table("TASK").records():
            tasks[record.get("proj_id") or ""] = tasks.get(record.get("proj_id") or "", 0) + 1
        names = {r.get("proj_id"): r.get("wbs_name") for r in self.table("PROJWBS").records()
                 if r.get("proj_node_flag")}
        projects = self.table("PROJECT")
        return tuple(
            XerProject(str(r.get("proj_id") or ""), str(r.get("proj_short_name") or ""),
                       names.get(r.get("proj_id")) or None,
                       r.get("last_recalc_date") or r.get("plan_start_date"),
                       tasks.get(r.get("proj_id") or "", 0), line)
            for line, r in zip(projects.lines, projects.records()))

    def project(self, choice: str | None = None) -> XerProject:
        """The project ``choice`` names (its short name or ``proj_id``), or the file's
        only project.

        Raises
        ------
        InputError
            The file holds no project, or several and none is chosen, or none of that
            name; the message lists them.
        """
        projects = self.projects
        listed = "; ".join(p.describe() for p in projects)
        if not projects:
            raise InputError(Problem("has no project (its PROJECT table is missing or "
                                     "empty)", source=self.source,
                                     hint="export the project again from P6"))
        if choice is None:
            if len(projects) == 1:
                return projects[0]
            raise InputError(Problem(
                f"holds {len(projects)} projects: {listed}", source=self.source,
                hint="choose one by its short name or id (--project NAME on the command "
                     "line, project= in Python)"))
        text = str(choice).strip()
        for match in (lambda p: text in (p.short_name, p.id),
                      lambda p: p.short_name.casefold() == text.casefold()):
            found = [p for p in projects if match(p)]
            if len(found) == 1:
                return found[0]
        raise InputError(Problem(f"has no project {text!r}; its projects: {listed}",
                                 source=self.source, column="PROJECT.proj_short_name",
                                 value=text, hint="name a project by its short name or id"))


def read_xer(source: Any, *, encoding: str | None = None) -> XerFile:
    """Read a P6 XER file (a path or a file object) into its tables.

    Every table is kept; nothing is typed until a table is read
    (:meth:`XerTable.records`), so a value P6 wrote in a table riskkit does not use
    cannot stop a file from loading.

    Raises
    ------
    InputError
        Not an XER file (no ``ERMHDR`` line first), a row outside a table or longer
        than its fields, a line that is not a table, field or row line, a file cut
        short (no ``%E`` line at the end), text in neither cp1252 nor UTF-8, each with
        its line.

    Examples
    --------
    >>> xer = read_xer("tests/data/two_projects.xer")
    >>> xer.version, sorted(xer.tables)[:3]
    ('8.1', ['ACTVCODE', 'ACTVTYPE', 'CALENDAR'])
    """
    name = display_name(source)
    data = _read_bytes(source, name)
    text, used = _decode(data, encoding, name) if isinstance(data, bytes) else (data, "text")
    header, tables = _parse(text, name)
    return XerFile(name, header, MappingProxyType(tables), used)


def _read_bytes(source: Any, name: str) -> bytes | str:
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                return fh.read()
        except OSError as exc:
            raise InputError(Problem(f"cannot be read: {exc.strerror or exc}",
                                     source=name)) from None
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, (bytes, bytearray)):
            return bytes(data)
        return str(data)
    raise InputError(Problem(f"is not a file: {type(source).__name__}", source=name))


def _decode(data: bytes, encoding: str | None, source: str) -> tuple[str, str]:
    if encoding is None and data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8"
    if encoding is None:
        try:  # a file another tool saved as UTF-8; cp1252 text is almost never valid UTF-8
            text = data.decode("utf-8")
            if not text.isascii():
                return text, "utf-8"
        except UnicodeDecodeError:
            pass
    chosen = encoding or "cp1252"
    try:
        return data.decode(chosen), chosen
    except LookupError:
        raise InputError(Problem("unknown text encoding", source=source, column="encoding",
                                 value=chosen)) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(Problem(
            f"is not {chosen} text: byte {data[exc.start]:#04x} cannot be read",
            source=source, row=line,
            hint="give the file's encoding (--schedule-encoding on the command line, "
                 "encoding= in Python)")) from None


def _parse(text: str, source: str) -> tuple[tuple[str, ...], dict[str, XerTable]]:
    problems: list[Problem] = []
    header: tuple[str, ...] | None = None
    rows: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]], list[int]]] = {}
    current: str | None = None
    fields: tuple[str, ...] = ()
    ended = False
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if ended:
            problems.append(Problem("text after the end of the file (%E)", source=source,
                                    row=number, value=line[:40]))
            break
        tag, _, rest = line.partition("\t")
        if header is None:
            if tag.lstrip("\ufeff") != "ERMHDR":
                raise InputError(Problem(
                    "is not a P6 XER file: its first line is not the ERMHDR header",
                    source=source, row=number, value=line[:40]))
            header = tuple(rest.split("\t"))
        elif tag == "%T":
            current, fields = rest.strip(), ()
            if not current:
                problems.append(Problem("a table line (%T) without a table name",
                                        source=source, row=number))
                current = None
        elif tag == "%F":
            if current is None:
                problems.append(Problem("fields (%F) outside a table", source=source,
                                        row=number))
                continue
            fields = tuple(f.strip() for f in rest.split("\t"))
            if current in rows and rows[current][0] != fields:
                problems.append(Problem(f"table {current} appears twice with different "
                                        f"fields", source=source, row=number))
            rows.setdefault(current, (fields, [], []))
        elif tag == "%R":
            if current is None or not fields:
                problems.append(Problem("a row (%R) outside a table with fields",
                                        source=source, row=number))
                continue
            values = rest.split("\t")
            if len(values) > len(fields):
                if any(v.strip() for v in values[len(fields):]):
                    problems.append(Problem(
                        f"has {len(values)} values but table {current} has "
                        f"{len(fields)} fields", source=source, row=number,
                        hint="a tab inside a value? export the file again from P6"))
                    continue
                values = values[:len(fields)]
            values += [""] * (len(fields) - len(values))
            rows[current][1].append(tuple(values))
            rows[current][2].append(number)
        elif tag == "%E":
            ended = True
        else:
            problems.append(Problem("not a line of an XER file (%T, %F, %R or %E)",
                                    source=source, row=number, value=line[:40]))
    if header is None:
        raise InputError(Problem("is empty, not a P6 XER file", source=source))
    if not ended:
        problems.append(Problem("ends without its %E line: the file is cut short "
                                "(truncated)", source=source,
                                hint="export it again from P6, or copy it whole"))
    if problems:
        raise InputError(_capped(problems, source))
    tables = {name: XerTable(name, f, tuple(v), tuple(n), source)
              for name, (f, v, n) in rows.items()}
    return header, tables


def _capped(problems: list[Problem], source: str) -> list[Problem]:
    if len(problems) <= _MAX_PROBLEMS:
        return problems
    more = len(problems) - _MAX_PROBLEMS
    return [*problems[:_MAX_PROBLEMS],
            Problem(f"and {more:,} more problems like these", source=source)]
