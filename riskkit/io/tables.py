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
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError, Problem
from ..words import read_words

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
    #: A units row's cells under the header's (``"€"``, ``"von 1 bis 10"``), or empty.
    units: tuple[str, ...] = field(default=())


def fold(text: str) -> str:
    """Text folded for matching: Unicode case folding, accents dropped, letters of every
    script kept.

    ``ß`` folds to ``ss`` (so ``Maßnahme`` matches ``Massnahme``), ``№`` to ``no``,
    ``ł`` to ``l``; Cyrillic ``й`` and ``ё`` to ``и`` and ``е``. Only the combining marks
    of the diacritics blocks are dropped: the vowel signs of Indic scripts or the voicing
    marks of kana are part of the letter and stay.

    >>> fold("Probabilità"), fold("MASSNAHME") == fold("Maßnahme"), fold("Zamknięte")
    ('probabilita', True, 'zamkniete')
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", str(text)).casefold())
    text = "".join(ch for ch in text if not _is_accent(ch)).translate(_LETTERS)
    return unicodedata.normalize("NFC", text)


def _is_accent(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _ACCENTS)


#: The combining diacritical marks (and their extensions and supplement, and the marks
#: for symbols and half marks): what accent stripping drops.
_ACCENTS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
            (0xFE20, 0xFE2F))
#: Latin letters with a stroke or ligatures, which Unicode does not decompose (after
#: case folding, so lower case only).
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŧ": "t",
                          "ƀ": "b", "ɨ": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})


def normalise_header(text: str) -> str:
    """Fold a header (:func:`fold`) and keep only its letters and digits, of any script.

    A unit in brackets (``(days)``, ``($)``, ``(T€)``, ``[руб.]``) or at the end after a
    comma or ``in`` (``Kosten in €``, ``Срок, дн.``) is dropped first
    (``words/header_units.json`` lists the units); ``#``, ``N°`` and ``№`` read as
    ``no`` so that a ``#`` or ``Risk #`` column is recognised.

    >>> normalise_header("Schedule Impact (days)")
    'scheduleimpact'
    >>> normalise_header("Post-mitigation  Probability")
    'postmitigationprobability'
    >>> normalise_header("Вероятность, %"), normalise_header("Wahrscheinlichkeit nach Maßnahme")
    ('вероятность', 'wahrscheinlichkeitnachmassnahme')
    """
    # NFKC first, so that full-width brackets and signs read as brackets and signs
    text = re.sub(r"[\(\[\{](.*?)[\)\]\}]", _drop_unit,
                  unicodedata.normalize("NFKC", str(text)))
    text = _TRAILING_UNIT.sub("", text)
    text = _NUMBER_SIGN.sub("no", text).replace("#", "no").replace("%", " ")
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _unit_pattern(words: Iterable[str]) -> str:
    """Alternatives for a regular expression, longest first; a space matches any run of
    spaces, or none."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s*")
                    for w in sorted(words, key=len, reverse=True))


_UNITS = read_words("header_units")
_UNIT = re.compile(r"\s*(?:" + _unit_pattern(
    [*_UNITS["currency"], *_UNITS["time"], *_UNITS["bracket_only"]]) + r")\s*", re.IGNORECASE)
_TRAILING_UNIT = re.compile(
    r"(?<=\S)(?:\s*,|\s+(?:" + _unit_pattern(_UNITS["joins"]) + r"))\s*(?:"
    + _unit_pattern([*_UNITS["currency"], *_UNITS["time"]]) + r")\s*$", re.IGNORECASE)
_NUMBER_SIGN = re.compile(r"\b[Nn]\s?°")
_JOINED_UNIT = re.compile(r"(?:" + _unit_pattern(_UNITS["joins"]) + r")\s+(?:" + _unit_pattern(
    [*_UNITS["currency"], *_UNITS["time"]]) + r")", re.IGNORECASE)
#: A scale as a units row writes it: "von 1 bis 10", "1-5", "scale 1..5", "от 1 до 5".
_SCALE = re.compile(r"(?:[^\W\d_]+\s+)?[+-]?\d+(?:[.,]\d+)?\s*(?:-|–|—|\.\.|…|[^\W\d_]+)\s*"
                    r"[+-]?\d+(?:[.,]\d+)?")
#: A cell that holds a number (so that its row is data, not a header).
_NUMBERISH = re.compile(r"[\s(+\-−–$€£¥₽]*\d[\d\s.,'’]*(?:[kKmM]|bn|%|\s*[A-Za-z]{3}|\s*d|"
                        r"\s*days?|\s*wd)?\s*\)?")


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
                scan: int = 15, section: str = "Loading your register"
                ) -> tuple[RawTable, str | None]:
    """Find the header row: the first of the first ``scan`` rows in which at least two
    cells are known column names (or named in the user's column map).

    - Title rows, dates or merged banner cells above the header are left out.
    - A data row is never the header: in a row that holds a number, one-letter names
      (the ``a``, ``m``, ``b`` of a PERT sheet) do not count, so ``B,A,6`` is data.
    - Two header rows are read as one when together they name more columns than either
      alone: a merged ``Cost`` over ``Min | Most likely | Max`` reads ``Cost Min``, ...,
      and a ``Post-mitigation`` banner over a second ``Probability`` tells it apart.
    - A units row right below the header (or right above it): cells such as
      ``von 1 bis 10``, ``(1-5)``, ``€``, ``in Tagen`` or ``%`` and nothing else, is left
      out; its cells are kept as the columns' units (:attr:`RawTable.units`).

    Returns the table and a note naming the rows left out, or the table unchanged and
    None. Raises :class:`InputError` when no row is a header and the first rows are
    data (a file without a header row).
    """
    mapped = {normalise_header(_without_position(k)) for k in (columns or {})}
    records = [(table.header_row, table.header), *table.rows[:scan + 1]]

    def names(cells: tuple[str, ...]) -> list[str]:
        """The columns the cells name (a mapped header stands for itself)."""
        data = any(_NUMBERISH.fullmatch(c) for c in cells if c)
        found = []
        for c in cells:
            key = normalise_header(c) if c else ""
            if key in mapped:
                found.append("=" + key)
            elif key and not (data and len(key) == 1) and key in aliases:
                found.append(aliases[key])
        return found

    for i, (_, cells) in enumerate(records[:scan + 1]):
        if not any(cells):
            continue
        own = names(cells)
        choice: tuple[str, ...] | None = None
        used = 1
        if i + 1 < len(records):
            merged = _merge_rows(cells, records[i + 1][1])
            if merged is not None:
                below = names(records[i + 1][1])
                together = names(merged)
                if (len(set(together)) > max(len(set(own)), len(set(below)))
                        and len(together) >= 2 and _keeps_names(cells, merged, names)):
                    choice, used = merged, 2
        if choice is None and len(own) >= 2:
            choice = cells
        if choice is None:
            continue
        return _with_header(table, records, i, used, choice)
    first_row, first = records[0]
    if any(_NUMBERISH.fullmatch(c) for c in first if c) and not any(
            names(tuple(c for c in cells if len(normalise_header(c)) > 1))
            for _, cells in records):
        raise InputError(Problem(
            f"has no header row: row {first_row} ({', '.join(map(repr, first))}) holds "
            f"data, and none of the first {scan} rows names the columns", source=table.source,
            hint=f"add a header row that names the columns (README: {section!r} lists "
                 f"the names riskkit knows)"))
    return table, None


def _without_position(written: str) -> str:
    """``Likelihood#2`` (the second column with that header) -> ``Likelihood``."""
    m = re.fullmatch(r"(.*?)\s*#(\d+)", written)
    return m.group(1) if m else written


def _merge_rows(top: tuple[str, ...], bottom: tuple[str, ...]) -> tuple[str, ...] | None:
    """Two header rows as one: a banner cell spans the blank cells to its right until a
    column blank in both rows; None when either row holds numbers (data) or the lower
    row has fewer than two cells."""
    if sum(1 for c in bottom if c) < 2 or any(
            _NUMBERISH.fullmatch(c) for c in (*top, *bottom) if c):
        return None
    width = max(len(top), len(bottom))
    top = top + ("",) * (width - len(top))
    bottom = bottom + ("",) * (width - len(bottom))
    out, banner = [], ""
    for t, b in zip(top, bottom):
        if t:
            banner = t
        elif not b:
            banner = ""
        head = t or (banner if b else "")
        out.append(f"{head} {b}".strip() if b else head)
    return tuple(out)


def _keeps_names(top: tuple[str, ...], merged: tuple[str, ...],
                 names: Callable[[tuple[str, ...]], list[str]]) -> bool:
    """A header cell that names a column alone still names one once merged (so that a
    header and the first row of data below it are never read as one header)."""
    for t, m in zip(top, merged):
        if t and m != t and names((t,)) and not names((m,)):
            return False
    return True


def _with_header(table: RawTable, records: list[tuple[int, tuple[str, ...]]], i: int,
                 used: int, header: tuple[str, ...]) -> tuple[RawTable, str | None]:
    """The table with the header found at ``records[i]`` (``used`` rows of it), the
    units row below or above it left out."""
    notes = []
    rest = list(table.rows[i + used - 1:])
    row = records[i][0]
    last = records[i + used - 1][0]
    units: tuple[str, ...] = ()
    first_title = records[0][0]
    if i and _is_units_row(records[i - 1][1]):
        units = records[i - 1][1]
        notes.append(f"row {records[i - 1][0]} above the header reads as units "
                     f"({_cells_text(units)}) and was left out")
        i_titles_end = records[i - 1][0] - 1
    else:
        i_titles_end = row - 1
    if i and i_titles_end >= first_title:
        notes.insert(0, f"rows {first_title}-{i_titles_end} above the header (row {row}) were "
                        f"read as titles and left out")
    if used == 2:
        notes.append(f"rows {row} and {last} were read as one header ("
                     + ", ".join(repr(h) for h in header if h) + ")")
    if rest and _is_units_row(rest[0][1]) and not units:
        units = rest[0][1]
        notes.append(f"row {rest[0][0]} below the header reads as units "
                     f"({_cells_text(units)}) and was left out")
        rest = rest[1:]
    note = f"{table.source}: " + "; ".join(notes) if notes else None
    width = len(header)
    units = tuple(units[:width]) + ("",) * max(0, width - len(units))
    return RawTable(table.source, header, tuple(rest), table.delimiter, table.decimal_comma,
                    row, table.notes, units if any(units) else ()), note


def _cells_text(cells: tuple[str, ...]) -> str:
    return ", ".join(repr(c) for c in cells if c)


def _is_units_row(cells: tuple[str, ...]) -> bool:
    """Cells that only say units or scales (``von 1 bis 10``, ``€``, ``(days)``, ``%``)."""
    filled = [c for c in cells if c]
    return bool(filled) and all(_is_unit(c) for c in filled)


def _is_unit(cell: str) -> bool:
    text = unicodedata.normalize("NFKC", cell).strip()
    if len(text) > 2 and text[0] in "([{" and text[-1] in ")]}":
        text = text[1:-1].strip()
    return bool(_UNIT.fullmatch(text) or _SCALE.fullmatch(text)
                or _JOINED_UNIT.fullmatch(text) or text in ("%", "in %"))


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
    option: str = "--map",
) -> tuple[dict[str, int], list[int], list[Problem]]:
    """Map canonical names to column positions.

    ``aliases`` maps normalised header text to a canonical name; ``columns`` is the
    user's explicit ``{"Header as written": "canonical"}`` map, which wins. Returns the
    mapping, the positions left unrecognised and the problems found (two headers for the
    same canonical column, a map naming a header the file lacks); hints name the
    command-line ``option`` that maps this file's columns.
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
            hint = (f'say what the other one is with a column map, e.g. {option} "{which}='
                    f'{other}", or leave it out with {option} "{which}=ignore"'
                    if other in canonical else
                    f'leave one out with a column map, e.g. {option} "{which}=ignore", or '
                    f'map it to another riskkit column')
            problems.append(Problem(
                f"headers {header[found[alias]]!r} and {h!r} both mean {alias!r}"
                + (" (the header appears twice)" if same else ""),
                source=source, column=h, hint=hint))
            continue
        found[alias] = i
    return found, unrecognised, problems
