"""Reading tables as spreadsheets write them.

This module knows nothing about risks: it turns a CSV file (or a DataFrame) into a
header plus rows that remember their spreadsheet row numbers, and normalises header
names so they can be matched against alias tables (:mod:`.cells` reads the cells).
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError, Problem

#: Delimiters the sniffer considers, in order of preference on a tie.
_DELIMITERS = (",", ";", "\t", "|")



@dataclass(frozen=True)
class RawTable:
    """A table read from a file: the header as written and rows with their row numbers."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    delimiter: str = ","
    decimal_comma: bool = False
    header_row: int = 1
    notes: tuple[str, ...] = field(default=())


def normalise_header(text: str) -> str:
    """Lower-case a header and keep only letters and digits.

    Text in brackets (a unit such as ``(days)`` or ``($)``) is dropped first; ``#``
    reads as ``no`` so that a ``#`` or ``Risk #`` column is recognised.

    >>> normalise_header("Schedule Impact (days)")
    'scheduleimpact'
    >>> normalise_header("Post-mitigation  Probability")
    'postmitigationprobability'
    """
    text = re.sub(r"[\(\[\{](.*?)[\)\]\}]", _drop_unit, str(text))
    text = text.replace("#", "no").replace("%", " ")
    return re.sub(r"[^0-9a-z]+", "", text.lower())


_UNIT = re.compile(
    r"\s*(%|percent|pct|[$€£¥]|chf|usd|eur|gbp|aud|cad|nzd|sek|nok|dkk|jpy|inr|zar|sgd|hkd|"
    r"cny|pln|czk|k[$€£]|[$€£]k|k|m|mm|[$€£]m|d|wd|days?|working days?|weeks?|currency|"
    r"number|no\.?|#)\s*", re.IGNORECASE)


def _drop_unit(match: re.Match[str]) -> str:
    """Drop a bracketed unit such as ``(days)`` or ``($)``; keep other bracketed words."""
    inner = match.group(1)
    if _UNIT.fullmatch(inner):
        return " "
    return " " + inner + " "


def header_says_percent(text: str) -> bool:
    """True when a header announces percentages, as in ``Probability (%)``."""
    return "%" in str(text) or bool(re.search(r"\bper ?cent\b|\bpct\b", str(text).lower()))


def display_name(source: object) -> str:
    if isinstance(source, (str, os.PathLike)):
        return str(source)
    name = getattr(source, "name", None)
    if isinstance(name, str):
        return name
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    return "<input>"


def _decode(data: bytes, source: str, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(
                Problem(f"cannot be read as {encoding}: {exc}", source=source,
                        hint="check the encoding the file was saved with")
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4000]:
        # UTF-16 without a byte-order mark, or a binary file such as an .xlsx.
        if data.startswith(b"PK\x03\x04"):
            raise InputError(Problem(
                "looks like an Excel workbook, not a CSV file", source=source,
                hint="give it a .xlsx name, or save the sheet as CSV"))
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return text, enc
        raise InputError(Problem("is not a text file (it contains NUL bytes)", source=source,
                                 hint="export the register as CSV"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Excel on Windows writes "CSV" in the ANSI code page; cp1252 decodes any byte
        # except five, which then mean the file is something else entirely.
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise InputError(Problem(
                "is neither UTF-8 nor Windows-1252 text", source=source,
                hint="save it as 'CSV UTF-8' from Excel")) from None


def _sniff_delimiter(text: str) -> str:
    first = ""
    for line in text.splitlines():
        if line.strip():
            first = line
            break
    counts = {}
    for d in _DELIMITERS:
        # Count outside double quotes only.
        count, quoted = 0, False
        for ch in first:
            if ch == '"':
                quoted = not quoted
            elif ch == d and not quoted:
                count += 1
        counts[d] = count
    best = max(_DELIMITERS, key=lambda d: (counts[d], -_DELIMITERS.index(d)))
    return best if counts[best] > 0 else ","


def read_table(
    source: Any,
    *,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Read a CSV path or file object into a :class:`RawTable`.

    Row numbers count records as a spreadsheet shows them (header = 1), blank lines
    included, so an error message points at the row the user sees in Excel.
    """
    name = display_name(source)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise InputError(Problem("file not found", source=name))
        if path.is_dir():
            raise InputError(Problem("is a folder, not a file", source=name))
        data = path.read_bytes()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise InputError(Problem(
            f"cannot read a register from a {type(source).__name__}", source=name,
            hint="pass a file path, an open file or a pandas DataFrame"))
    if isinstance(data, bytes):
        text, _ = _decode(data, name, encoding)
    else:
        text = str(data)
        if text.startswith("\ufeff"):
            text = text[1:]
    if not text.strip():
        raise InputError(Problem("is empty", source=name))
    delim = delimiter or _sniff_delimiter(text)
    if decimal is None:
        decimal_comma = delim == ";"
    elif decimal in (",", "."):
        decimal_comma = decimal == ","
    else:
        raise InputError(f"decimal must be ',' or '.'; got {decimal!r}", source=name)

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    records: list[tuple[int, tuple[str, ...]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, tuple(c.strip() for c in cells)))
    except csv.Error as exc:
        raise InputError(Problem(f"is not valid CSV: {exc}", source=name,
                                 row=reader.line_num)) from None
    # The header is the first non-blank record.
    header_index = next((i for i, (_, cells) in enumerate(records) if any(cells)), None)
    if header_index is None:
        raise InputError(Problem("has no header row", source=name))
    header_row, header = records[header_index]
    rows = tuple(records[header_index + 1:])
    return RawTable(name, header, rows, delim, decimal_comma, header_row)


def find_header(table: RawTable, aliases: Mapping[str, str], columns: Mapping[str, str] | None,
                scan: int = 15) -> tuple[RawTable, str | None]:
    """Move the header down past title rows when the first row is not the header.

    Spreadsheets often start with a title, a date or merged banner cells. The header is
    the first of the first ``scan`` rows in which at least two cells are known column
    names (or named in the user's column map). Returns the table and a note naming the
    rows left out, or the table unchanged.
    """
    known = set(aliases) | {normalise_header(k) for k in (columns or {})}

    def score(cells: tuple[str, ...]) -> int:
        return sum(1 for c in cells if c and normalise_header(c) in known)

    if score(table.header) >= 2:
        return table, None
    for i, (row, cells) in enumerate(table.rows[:scan]):
        if score(cells) >= 2:
            rest = tuple(table.rows[i + 1:])
            note = (f"{table.source}: rows {table.header_row}-{row - 1} above the header "
                    f"(row {row}) were read as titles and left out")
            return RawTable(table.source, cells, rest, table.delimiter, table.decimal_comma,
                            row), note
    return table, None


def cell_text(value: Any) -> str:
    """A typed cell (from a DataFrame or a workbook) as the text a CSV would hold."""
    if value is None or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (tuple, list)):
        return "; ".join(str(x) for x in value)
    return str(value).strip()


def table_from_frame(frame: pd.DataFrame, name: str = "<DataFrame>") -> RawTable:
    """Wrap a DataFrame as a :class:`RawTable`; row 1 is the header, as in a sheet."""
    header = tuple(str(c) for c in frame.columns)
    rows = []
    for i, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        rows.append((i, tuple(cell_text(v) for v in values)))
    return RawTable(name, header, tuple(rows))


# ---------------------------------------------------------------------------------
# Numbers as spreadsheets write them
# ---------------------------------------------------------------------------------

def resolve_columns(
    header: Iterable[str],
    aliases: Mapping[str, str],
    columns: Mapping[str, str] | None,
    canonical: Iterable[str],
    source: str,
) -> tuple[dict[str, int], list[int], list[Problem]]:
    """Map canonical names to column positions.

    ``aliases`` maps normalised header text to a canonical name; ``columns`` is the
    user's explicit ``{"Header as written": "canonical"}`` map, which wins. Returns the
    mapping, the positions left unrecognised and the problems found (two headers for the
    same canonical column, a map naming a header the file lacks).
    """
    canonical = set(canonical)
    header = list(header)
    problems: list[Problem] = []
    found: dict[str, int] = {}
    explicit: dict[int, str] = {}
    ignored: set[int] = set()
    if columns:
        by_written: dict[str, list[int]] = {}
        by_norm: dict[str, list[int]] = {}
        for i, h in enumerate(header):
            by_written.setdefault(h, []).append(i)
            by_norm.setdefault(normalise_header(h), []).append(i)
        for written, target in columns.items():
            target_norm = target.strip().lower()
            if target_norm in ("", "ignore", "-"):
                target_norm = ""
            elif target_norm not in canonical:
                problems.append(Problem(
                    f"the column map names {target!r}, which is not a riskkit column",
                    source=source, hint="known columns: " + ", ".join(sorted(canonical))
                    + "; map a header to 'ignore' to leave it out"))
                continue
            # "Header#2" is the second column with that header, for duplicated headers.
            m = re.fullmatch(r"(.*?)\s*#(\d+)", written)
            name, nth = (m.group(1), int(m.group(2))) if m else (written, None)
            hits = by_written.get(name) or by_norm.get(normalise_header(name), [])
            if not hits or (nth is not None and not 1 <= nth <= len(hits)):
                problems.append(Problem(
                    f"the column map names header {written!r}, which the file does not have",
                    source=source, hint="headers found: " + ", ".join(map(repr, header))))
                continue
            if len(hits) > 1 and nth is None:
                problems.append(Problem(
                    f"the column map names header {written!r}, which the file has "
                    f"{len(hits)} times", source=source,
                    hint=f'say which one: "{name}#1", "{name}#2", ... (in file order)'))
                continue
            position = hits[(nth or 1) - 1]
            if target_norm:
                explicit[position] = target_norm
            else:
                ignored.add(position)
    for i, target in explicit.items():
        if target in found:
            problems.append(Problem(
                f"the column map sends two headers to {target!r}", source=source,
                column=header[i]))
        found[target] = i
    unrecognised = []
    for i, h in enumerate(header):
        if i in explicit or i in ignored:
            continue
        alias = aliases.get(normalise_header(h))
        if alias is None or alias not in canonical:
            if h.strip():
                unrecognised.append(i)
            continue
        if alias in found:
            if found[alias] in explicit:
                unrecognised.append(i)  # the user's map chose another column for this
                continue
            same = header[found[alias]] == h
            which = f"{h}#2" if same else h
            # propose only a column that exists: the post-mitigation twin if there is one
            other = f"mitigated_{alias}"
            hint = (f'say what the other one is with a column map, e.g. --map "{which}='
                    f'{other}", or leave it out with --map "{which}=ignore"'
                    if other in canonical else
                    f'leave one out with a column map, e.g. --map "{which}=ignore", or '
                    f'map it to another riskkit column')
            problems.append(Problem(
                f"headers {header[found[alias]]!r} and {h!r} both mean {alias!r}"
                + (" (the header appears twice)" if same else ""),
                source=source, column=h, hint=hint))
            continue
        found[alias] = i
    return found, unrecognised, problems
