"""The register template (``riskkit template register.xlsx``): an empty register that
riskkit reads back without options.

The workbook's first sheet, *Register*, holds the canonical columns (each header's
comment lists the aliases riskkit also recognises) with drop-down lists for the
distribution, the status and the type, probabilities formatted as percentages and a
min <= most likely <= max check; *Instructions* says how to fill it and shows an
example row (on that sheet only, so it never becomes a risk); *Scale* is the default
qualitative scale, editable, which ``--scale register.xlsx`` reads back. The CSV
template is the header and the example row, whose status is Closed: read without
options, it is left out of every simulation.
"""

from __future__ import annotations

import csv
import io
import os
from typing import Any

from ..distributions.families import FAMILIES
from ..exceptions import InputError, Problem
from ..model.risk import REGISTER_COLUMNS, STRUCTURE_COLUMNS
from ..words import read_words
from .headers import REGISTER_ALIASES
from .scale import DEFAULT_SCALE, Scale

__all__ = ["TEMPLATE_COLUMNS", "write_template"]

#: The template's columns: the canonical register columns, with the threat/opportunity
#: ``type`` after the category.
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(
    c for col in REGISTER_COLUMNS for c in ((col, "type") if col == "category" else (col,))
) + STRUCTURE_COLUMNS  # risk drivers, conditional and exclusive risks: optional, last
#: rows of the Register sheet that carry the drop-down lists and formats
ROWS = 500
_PERCENT = ("probability", "mitigated_probability")
_MONEY = ("cost_min", "cost_most_likely", "cost_max", "mitigation_cost",
          "mitigated_cost_min", "mitigated_cost_most_likely", "mitigated_cost_max")


def aliases(column: str, most: int = 12) -> tuple[str, ...]:
    """The English headers riskkit also reads as ``column`` (the first ``most``)."""
    return tuple(a for a in REGISTER_ALIASES.get(column, ()) if a != column)[:most]


def _words() -> dict[str, Any]:
    return read_words("template")  # type: ignore[no-any-return]


def scale_rows(scale: Scale = DEFAULT_SCALE) -> list[list[Any]]:
    """The rows of a scale sheet or CSV: ``dimension, score, labels, low, most_likely,
    high`` (labels separated by ``; ``), as :func:`riskkit.io.scale.read_scale` reads."""
    return [[lv.dimension, lv.score, "; ".join(lv.labels), lv.low, lv.most_likely, lv.high]
            for lv in scale.levels]


def write_template(path: str | os.PathLike[str]) -> str:
    """Write an empty register: ``.xlsx`` (needs the ``xlsx`` extra) or ``.csv``.

    Examples
    --------
    >>> import tempfile, os, riskkit as rk
    >>> from riskkit.io.template import write_template
    >>> p = write_template(os.path.join(tempfile.mkdtemp(), "register.csv"))
    >>> len(rk.read_register(p).active_risks)
    0
    """
    name = os.fspath(path)
    lower = name.lower()
    if lower.endswith(".csv"):
        example = _words()["example"]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TEMPLATE_COLUMNS)
        writer.writerow([example.get(c, "") for c in TEMPLATE_COLUMNS])
        _save(name, buffer.getvalue().encode("utf-8"))
        return name
    if not lower.endswith(".xlsx"):
        raise InputError(Problem("a register template is .xlsx or .csv", source=name,
                                 hint="e.g. riskkit template register.xlsx"))
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputError(Problem(
            "writing .xlsx needs openpyxl", source=name,
            hint='pip install "riskkit[xlsx]", or write register.csv')) from None
    book = Workbook()
    _register_sheet(book.active)
    _instructions_sheet(book.create_sheet("Instructions"))
    _scale_sheet(book.create_sheet("Scale"))
    data = io.BytesIO()
    book.save(data)
    _save(name, data.getvalue())
    return name


def _save(name: str, data: bytes) -> None:
    try:
        with open(name, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", source=name)) from None


def _register_sheet(sheet: Any) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    words = _words()
    sheet.title = "Register"
    letter = {c: get_column_letter(i) for i, c in enumerate(TEMPLATE_COLUMNS, start=1)}
    for i, col in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i, value=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        text = words["columns"].get(col, "")
        also = aliases(col)
        if also:
            text += "\nAlso read as: " + ", ".join(also)
        cell.comment = Comment(text, "riskkit", width=320, height=140)
        sheet.column_dimensions[letter[col]].width = max(12, min(40, len(col) + 4))
    sheet.freeze_panes = "B2"
    last = ROWS + 1

    def column_range(col: str) -> str:
        return f"{letter[col]}2:{letter[col]}{last}"

    def choose(col: str, values: list[str], strict: bool) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                            allow_blank=True, showDropDown=False)
        dv.errorStyle = "stop" if strict else "warning"
        dv.error = "riskkit knows: " + ", ".join(values)
        dv.add(column_range(col))
        sheet.add_data_validation(dv)

    choose("distribution", list(FAMILIES), strict=False)
    choose("status", list(words["status"]), strict=False)
    choose("type", list(words["type"]), strict=False)
    for col in _PERCENT:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1",
                            allow_blank=True)
        dv.errorStyle = "warning"
        dv.error = "a probability between 0% and 100%"
        dv.add(column_range(col))
        sheet.add_data_validation(dv)
    for prefix in ("cost", "schedule", "mitigated_cost", "mitigated_schedule"):
        lo, ml, hi = (letter[f"{prefix}_{p}"] for p in ("min", "most_likely", "max"))
        dv = DataValidation(type="custom", allow_blank=True,
                            formula1=f"AND(OR(ISBLANK({lo}2),{lo}2<={ml}2),"
                                     f"OR(ISBLANK({hi}2),{ml}2<={hi}2))")
        dv.errorStyle = "warning"
        dv.promptTitle = "three-point estimate"
        dv.prompt = "min <= most likely <= max"
        dv.error = "riskkit needs min <= most likely <= max"
        dv.add(column_range(f"{prefix}_most_likely"))
        sheet.add_data_validation(dv)
    for row in range(2, last + 1):
        for col in _PERCENT:
            sheet[f"{letter[col]}{row}"].number_format = "0%"
        for col in _MONEY:
            sheet[f"{letter[col]}{row}"].number_format = "#,##0"
        sheet[f"{letter['review_date']}{row}"].number_format = "yyyy-mm-dd"


def _instructions_sheet(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    words = _words()
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 90
    lines = words["instructions"]
    sheet.cell(row=1, column=1, value=lines[0]).font = Font(bold=True, size=14)
    row = 2
    for line in lines[1:]:
        sheet.cell(row=row, column=1, value=line)
        row += 1
    row += 1
    sheet.cell(row=row, column=1, value="Example row").font = Font(bold=True)
    row += 1
    example = words["example"]
    for i, col in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.cell(row=row, column=i, value=col).font = Font(bold=True)
        cell = sheet.cell(row=row + 1, column=i, value=example.get(col))
        if col in _PERCENT:
            cell.number_format = "0%"
    row += 3
    for i, head in enumerate(("column", "what it holds", "headers also read as"), start=1):
        sheet.cell(row=row, column=i, value=head).font = Font(bold=True)
    for col in TEMPLATE_COLUMNS:
        row += 1
        sheet.cell(row=row, column=1, value=col)
        sheet.cell(row=row, column=2, value=words["columns"].get(col, ""))
        cell = sheet.cell(row=row, column=3, value=", ".join(aliases(col, 30)))
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _scale_sheet(sheet: Any) -> None:
    from openpyxl.styles import Font

    head = ("dimension", "score", "labels", "low", "most_likely", "high")
    for i, h in enumerate(head, start=1):
        sheet.cell(row=1, column=i, value=h).font = Font(bold=True)
    for r, values in enumerate(scale_rows(), start=2):
        for i, v in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=i, value=v)
            if values[0] == "probability" and i >= 4:
                cell.number_format = "0%"
    for col, width in zip("ABCDEF", (14, 8, 60, 10, 12, 10)):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
