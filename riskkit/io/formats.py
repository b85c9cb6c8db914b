"""What a schedule file is, from its first bytes: CSV text, an xlsx workbook, a
Primavera P6 XER export (read by :mod:`.xer`) or P6 XML (:mod:`.pmxml`), MS Project XML
(:mod:`.mspdi`), an MS Project .mpp or MPX file (read through the optional MPXJ extra,
:mod:`.mpxj`), or a file riskkit cannot read as a schedule (.xls, another Office or XML
file, a zip archive), refused with what to export instead."""

from __future__ import annotations

import io
import os
import re
import zipfile
from typing import Any

from ..exceptions import InputError, Problem

__all__ = ["EXPORT_HINT", "buffered", "describe", "not_a_register_error",
           "planning_format_error", "sniff_format"]

#: What to export from a planning tool so that riskkit can read the schedule.
EXPORT_HINT = ("export the activities as CSV or .xlsx with the columns ID, Name, Duration "
               "(or Optimistic, Most Likely, Pessimistic) and Predecessors (ids with an "
               "optional type and lag, such as 'A; B FS+2d'), and give that file as the "
               "schedule")

#: Planning tools' formats riskkit reads as schedules.
_READABLE = {"xer": "a Primavera P6 XER export",
             "pmxml": "a Primavera P6 XML (PMXML) export",
             "mspdi": "a Microsoft Project XML (MSPDI) file",
             "mpp": "a Microsoft Project .mpp file",
             "mpx": "a Microsoft Project exchange (MPX) file"}
_FORMATS = {
    "xls": ("an Excel 97-2003 workbook (.xls)", "riskkit reads .xlsx workbooks, not .xls"),
    "ole": ("a binary Office file (OLE compound document)",
            "riskkit reads CSV and .xlsx schedules"),
    "xml": ("an XML file", "riskkit reads CSV and .xlsx schedules"),
    "zip": ("a zip archive that is not an .xlsx workbook",
            "riskkit reads CSV and .xlsx schedules"),
}


def describe(kind: str) -> str:
    """What a format of :func:`sniff_format` is, in words (``"a Microsoft Project
    .mpp file"``)."""
    return _READABLE.get(kind) or _FORMATS.get(kind, (f"a {kind} file", ""))[0]


def _head(source: Any, size: int = 65536) -> bytes | str | None:
    """The first bytes of a path, or of a file object that can seek back."""
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                return fh.read(size)
        except OSError:
            return None  # the table reader reports a missing file or a folder
    if hasattr(source, "read") and hasattr(source, "seek"):
        try:
            where = source.tell()
            data = source.read(size)
            source.seek(where)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, (bytes, str)) else None
    return None


def _is_xlsx(source: Any, data: bytes) -> bool:
    try:
        if isinstance(source, (str, os.PathLike)):
            with zipfile.ZipFile(source) as archive:
                names = archive.namelist()
        else:
            return b"xl/" in data
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return b"xl/" in data
    return any(n.startswith("xl/") for n in names)


def sniff_format(source: Any) -> str | None:
    """``"xlsx"``, a planning tool's format (``"xer"``, ``"pmxml"``, ``"mspdi"``,
    ``"mpp"``, ``"mpx"``), one riskkit cannot read as a schedule (``"xls"``, ``"ole"``,
    ``"xml"``, ``"zip"``), or None for text that should be read as CSV."""
    data = _head(source)
    if data is None:
        return None
    if isinstance(data, bytes):
        if data.startswith(b"PK\x03\x04"):
            return "xlsx" if _is_xlsx(source, data) else "zip"
        if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            utf16 = data.decode("latin-1").replace("\x00", "")
            if re.search(r"Workbook|Book\b", utf16) and "TBkndTask" not in utf16:
                return "xls"
            name = str(getattr(source, "name", source)).lower()
            if name.endswith(".mpp") or any(w in utf16 for w in ("TBkndTask", "Props",
                                                                 "   1")):
                return "mpp"
            return "ole"
        for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                         (b"\xfe\xff", "utf-16-be")):
            if data.startswith(bom):
                data = data[len(bom):].decode(enc, errors="ignore")
                break
        else:
            data = data.decode("latin-1")
    text = data.lstrip("\ufeff \t\r\n")
    if text.startswith("ERMHDR"):
        return "xer"
    if text.startswith("MPX,") or text.startswith("MPX;"):
        return "mpx"
    if text.startswith("<"):
        body = re.sub(r"<\?xml[^>]*\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "",
                      text[:8192], flags=re.S | re.I).lstrip()
        if re.match(r"<(\w+:)?Project\b[^>]*schemas\.microsoft\.com/project", body):
            return "mspdi"
        if re.match(r"<(\w+:)?APIBusinessObjects\b", body):
            return "pmxml"
        if (text.startswith("<?xml") or ("</" in body or "/>" in body)) and not re.match(
                r"<(html|table|!doctype)", body, re.I):
            return "xml"
    return None


def planning_format_error(kind: str, source: str) -> InputError:
    """The error for a file of a format riskkit cannot read as a schedule: what it is
    and what to do instead."""
    what, cannot = _FORMATS[kind]
    hint = EXPORT_HINT
    if kind == "xls":
        hint = "save it as .xlsx (Excel Workbook) or CSV"
    elif kind == "zip":
        hint = "unpack it, or " + EXPORT_HINT
    return InputError(Problem(f"is {what}: {cannot}", source=source, hint=hint))


def not_a_register_error(kind: str, source: str) -> InputError:
    """The error for a planning tool's file given as a risk register."""
    what = describe(kind)
    if kind in ("xls", "ole", "xml", "zip"):
        return InputError(Problem(f"is {what}, not a risk register", source=source,
                                  hint="save the register as .xlsx or CSV"))
    return InputError(Problem(f"is {what}: a schedule, not a risk register", source=source,
                              hint="give it as the schedule (--schedule FILE, or "
                                   "read_schedule); the register is a CSV or .xlsx of risks"))


def buffered(source: Any) -> Any:
    """A file object that :func:`sniff_format` can peek into (a non-seekable stream is
    read into memory, keeping its name)."""
    if isinstance(source, (str, os.PathLike)) or not hasattr(source, "read"):
        return source
    try:
        if source.seekable():
            return source
    except (AttributeError, ValueError, OSError):
        pass
    data = source.read()
    out: Any = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(str(data))
    name = getattr(source, "name", None)
    if isinstance(name, str):
        out.name = name
    return out
