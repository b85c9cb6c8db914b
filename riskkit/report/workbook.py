"""The results workbook (``--xlsx PATH``, :func:`write_workbook`), through openpyxl
(the ``xlsx`` extra).

Sheets: *Summary* (base, mean, standard deviation and P5 to P95 of cost and schedule,
with finish dates when the run has a start), *Confidence* (every 5%), *Risks* and
*Activities* (:mod:`riskkit.analysis.figures`), *Milestones* (the milestones and
deadlines of :meth:`SimulationResult.milestone_table`, when the schedule has any),
*Ranking*, *Selection* (the funded set) and *Contingency* (what the P80 contingency is
for) when given, *Settings*, and when asked *Iterations* (each iteration's cost and
schedule, up to Excel's rows). Numbers are stored as the floats riskkit computed (never
rounded, so a sheet equals :meth:`SimulationResult.summary` and the JSON) and shown
through Excel number formats: the currency, percentages, days, dates. Every sheet has a
frozen header row, column widths that fit and an Excel table; text is always stored as
text, so a title such as ``=HYPERLINK(...)`` is never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._format import currency_symbol
from .._version import __version__
from ..exceptions import InputError, InputWarning, Problem
from ..result import SimulationResult
from .facts import calendar_text

__all__ = ["CONFIDENCE_LEVELS", "EXCEL_ROWS", "SUMMARY_STATISTICS", "write_workbook"]

#: the rows of an Excel sheet, its header included
EXCEL_ROWS = 1_048_576

#: the rows of the Summary sheet after base, mean and std: P5 to P95
SUMMARY_STATISTICS = ("base", "mean", "std", *(f"p{q}" for q in range(5, 100, 5)))
#: the confidence levels of the Confidence sheet: 5% to 100%
CONFIDENCE_LEVELS = tuple(q / 100 for q in range(5, 101, 5))


def _cell_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    return pd.Timestamp(value).date()


def summary_frame(result: SimulationResult) -> pd.DataFrame:
    """The Summary sheet: one row per statistic; cost, schedule (working days) and,
    with a start, the schedule's finish date (none for the standard deviation)."""
    rows = []
    for stat in SUMMARY_STATISTICS:
        row: dict[str, Any] = {"statistic": stat}
        for metric in ("cost", "schedule"):
            v = result.values(metric)
            if stat == "base":
                row[metric] = result.base(metric)
            elif stat == "mean":
                row[metric] = float(v.mean())
            elif stat == "std":
                row[metric] = float(v.std(ddof=1)) if v.size > 1 else 0.0
            else:
                row[metric] = result.percentile(int(stat[1:]) / 100, metric)
        if result.start is not None:
            row["finish_date"] = (None if stat == "std" else _cell_date(
                result.calendar.finish_date(result.start, row["schedule"])))
        rows.append(row)
    return pd.DataFrame(rows)


def confidence_frame(result: SimulationResult) -> pd.DataFrame:
    """The Confidence sheet: cost and schedule (and finish date) at every 5%."""
    out: dict[str, Any] = {"confidence": list(CONFIDENCE_LEVELS)}
    for metric in ("cost", "schedule"):
        out[metric] = [result.percentile(q, metric) for q in CONFIDENCE_LEVELS]
    if result.start is not None:
        out["finish_date"] = [_cell_date(result.calendar.finish_date(result.start, d))
                              for d in out["schedule"]]
    return pd.DataFrame(out)


def settings_frame(result: SimulationResult, extra: dict[str, Any] | None = None
                   ) -> pd.DataFrame:
    """The Settings sheet: what repeats the run."""
    items: dict[str, Any] = {
        "riskkit version": __version__, "source": result.source or None,
        "seed": result.seed, "iterations": result.iterations,
        "sampling": result.sampling, "scenario": result.scenario,
        "correlation": result.correlation or "none",
        "currency": result.currency, "schedule unit": result.schedule_unit,
        "start": _cell_date(result.start),
        "calendar": calendar_text(result, most=50),
        "holidays": ", ".join(str(d) for d in result.holidays) or None,
        "risks simulated": len(result.risk_ids), "risks left out (closed)": len(result.excluded),
        "written": dt.datetime.now().replace(microsecond=0).isoformat(" "),
    }
    items.update(extra or {})
    return pd.DataFrame({"setting": list(items), "value": list(items.values())})


def contingency_frame(split: Any) -> pd.DataFrame:
    """The Contingency sheet of a :class:`~riskkit.Contingency`: the estimate
    uncertainty, each risk's allocation, what no risk carries, and the contingency they
    add up to, for cost and schedule."""
    cost, sched = split.cost, split.schedule
    risks = split.to_frame().fillna({"cost_allocation": 0.0, "schedule_allocation": 0.0})
    rows: list[dict[str, Any]] = [
        {"part": "estimate uncertainty", "id": None, "title": "(activity ranges)",
         "cost_allocation": cost.estimate, "schedule_allocation": sched.estimate}]
    rows += [{"part": "risk", **rec} for rec in risks.to_dict("records")]
    rows.append({"part": "not carried by one risk", "id": None, "title": None,
                 "cost_allocation": cost.unallocated,
                 "schedule_allocation": sched.unallocated})
    rows.append({"part": f"contingency at P{round(100 * cost.percentile)}", "id": None,
                 "title": None, "cost_allocation": cost.contingency,
                 "schedule_allocation": sched.contingency})
    return pd.DataFrame(rows, columns=["part", "id", "title", "cost_allocation",
                                       "schedule_allocation"])


def selection_frame(chosen: Any) -> pd.DataFrame:
    """The Selection sheet of a :class:`~riskkit.Selection`: the funded mitigations'
    rows of the ranking and, when they were simulated together, a last row with what
    they cost and buy together (interactions included)."""
    table = chosen.to_frame()
    together = chosen.confirmed
    if together is not None:
        row: dict[str, Any] = {c: None for c in table.columns}
        facts = together.as_dict()
        row.update({k: v for k, v in facts.items() if k in table.columns and k != "ids"})
        if "id" in table.columns:
            row["id"] = "together"
        if "title" in table.columns:
            row["title"] = f"the {len(together.ids)} funded, simulated together"
        table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
    return table


def iterations_frame(result: SimulationResult) -> pd.DataFrame:
    """The Iterations sheet: each iteration's cost and schedule (and finish date), cut
    at Excel's last row with a warning that says how many are left out."""
    n = result.iterations
    keep = min(n, EXCEL_ROWS - 1)
    if keep < n:
        warnings.warn(InputWarning(
            f"the Iterations sheet holds the first {keep:,} of {n:,} iterations (Excel's "
            f"last row); --csv writes them all"), stacklevel=3)
    out = pd.DataFrame({"iteration": np.arange(1, keep + 1),
                        "cost": result.values("cost")[:keep],
                        "schedule": result.values("schedule")[:keep]})
    return out


def _number_format(column: str, currency: str) -> str | None:
    name = column.lower()
    if name.endswith("date") or name in ("start", "target"):
        return "yyyy-mm-dd"
    if name in ("probability", "occurrence_rate", "criticality", "confidence",
                "mitigated_probability", "p_meet") or name.endswith("share"):
        return "0.0%"
    if "ratio" in name or name in ("sensitivity", "cruciality", "ssi"):
        return "0.00"
    if name in ("rank", "iterations", "iteration", "seed", "occurrences", "mitigations"):
        return "0"
    if any(w in name for w in ("delay", "schedule", "finish")):
        return "#,##0.00"
    if any(w in name for w in ("cost", "benefit", "amount")):
        return currency
    return None


def write_workbook(path: str | os.PathLike[str], result: SimulationResult, *,
                   risks: pd.DataFrame | None = None,
                   activities: pd.DataFrame | None = None,
                   ranking: Any = None,
                   selection: Any = None,
                   contingency: Any = None,
                   settings: dict[str, Any] | None = None,
                   iterations: bool = False) -> str:
    """Write the results workbook of ``result`` (module docstring).

    ``risks`` is :func:`riskkit.analysis.figures.risk_figures` (or any table of risks),
    ``activities`` defaults to :func:`~riskkit.analysis.figures.activity_figures` of a
    run with a schedule, ``ranking`` is a :class:`~riskkit.Ranking` (or its frame),
    ``selection`` the :class:`~riskkit.MitigationSet` funded, ``contingency`` a
    :class:`~riskkit.Contingency`, ``settings`` adds rows to the Settings sheet, and
    ``iterations`` adds the per-iteration values. Returns the path.

    Examples
    --------
    >>> import os, tempfile, riskkit as rk
    >>> res = rk.simulate(rk.read_register("sample_registers/it_migration.csv"),
    ...                   iterations=2_000, rng=1)
    >>> path = rk.write_workbook(os.path.join(tempfile.mkdtemp(), "run.xlsx"), res)
    >>> import openpyxl
    >>> openpyxl.load_workbook(path).sheetnames[:2]
    ['Summary', 'Confidence']
    """
    name = os.fspath(path)
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputError(Problem(
            "writing an .xlsx workbook needs openpyxl", source=name,
            hint='pip install "riskkit[xlsx]", or use --json, --risks-csv and '
                 "--activities-csv")) from None
    from ..analysis.figures import activity_figures

    symbol = (currency_symbol(result.currency) or "").strip()
    currency = f'"{symbol}"#,##0.00' if symbol else "#,##0.00"
    sheets: list[tuple[str, pd.DataFrame]] = [
        ("Summary", summary_frame(result)), ("Confidence", confidence_frame(result))]
    if risks is not None:
        sheets.append(("Risks", risks))
    if activities is None and result.has_schedule and len(result.activity_ids):
        activities = activity_figures(result)
    if activities is not None:
        sheets.append(("Activities", activities))
    if result.key_activities:
        sheets.append(("Milestones", result.milestone_table()))
    if ranking is not None:
        sheets.append(("Ranking", ranking if isinstance(ranking, pd.DataFrame)
                       else ranking.to_frame()))
    if selection is not None:
        sheets.append(("Selection", selection_frame(selection)))
    if contingency is not None:
        sheets.append(("Contingency", contingency_frame(contingency)))
    sheets.append(("Settings", settings_frame(result, settings)))
    if iterations:
        sheets.append(("Iterations", iterations_frame(result)))
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets:
        _sheet(book.create_sheet(title), title, frame, currency)
    data = io.BytesIO()
    book.save(data)
    try:
        with open(name, "wb") as fh:
            fh.write(data.getvalue())
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror}", source=name)) from None
    return name


def _value(value: Any) -> Any:
    """A table's cell as openpyxl stores it: numbers as floats, days as dates, NaN blank,
    lists as text."""
    if value is None:
        return None
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        return None if pd.isna(value) else pd.Timestamp(value).date()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (tuple, list)):
        return "; ".join(map(str, value))
    if isinstance(value, (int, dt.date, str)):
        return value
    return str(value)


def _text(cell: Any) -> None:
    """Keep a text cell text: openpyxl would store ``=...`` as a formula."""
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"
        cell.quotePrefix = True


def _sheet(sheet: Any, title: str, frame: pd.DataFrame, currency: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    headers = _unique([str(c) for c in frame.columns])
    for j, head in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=j, value=head)
        _text(cell)
        cell.font = Font(bold=True)
    formats = [_number_format(h, currency) for h in headers]
    widths = [len(h) + 2 for h in headers]
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for j, raw in enumerate(row, start=1):
            cell = sheet.cell(row=i, column=j, value=_value(raw))
            _text(cell)
            fmt = formats[j - 1]
            if title == "Settings" and isinstance(cell.value, dt.date):
                fmt = "yyyy-mm-dd"
            if fmt is None and isinstance(cell.value, float):
                fmt = "#,##0.00"  # days and amounts without a rule: not 15 digits
            if fmt is not None and not isinstance(cell.value, str):
                cell.number_format = fmt
            widths[j - 1] = max(widths[j - 1], _width(cell.value, fmt))
    for j, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = min(60, w)
    sheet.freeze_panes = "A2"
    # printed, a sheet is as wide as a landscape page and as long as it needs
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"
    last = max(len(frame), 1) + 1
    table = Table(displayName=title, ref=f"A1:{get_column_letter(len(headers))}{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)


def _width(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}") + (4 if fmt and '"' in fmt else 2)
    return len(str(value)) + 2


def _unique(names: Sequence[str]) -> list[str]:
    """Table headers must differ: a repeated name gets a number."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        n = n or "column"
        count = seen.get(n, 0)
        seen[n] = count + 1
        out.append(n if count == 0 else f"{n} {count + 1}")
    return out
