"""What the commands write for spreadsheets: ``--risks-csv``, ``--activities-csv`` and
``--xlsx`` (the results workbook), shared by ``simulate``, ``rank`` and ``report``."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from ..analysis.figures import activity_figures, risk_figures
from ..io.export import safe_frame
from ..report.workbook import write_workbook
from .inputs import currency
from .options import UsageError
from .output import write

__all__ = ["add_office_options", "wants_activity_detail", "write_office"]


def add_office_options(p: argparse.ArgumentParser, *, tables: bool = True) -> None:
    p.add_argument("--xlsx", metavar="PATH",
                   help="write the results workbook: summary, confidence table, risks, "
                        "activities, settings (needs the xlsx extra)")
    p.add_argument("--iterations-sheet", action="store_true",
                   help="with --xlsx: add each iteration's cost and schedule (up to "
                        "Excel's 1,048,575 rows)")
    if tables:
        p.add_argument("--risks-csv", metavar="PATH",
                       help="write each risk's figures: probability, expected impact, "
                            "contribution to the mean and to the P80")
        p.add_argument("--activities-csv", metavar="PATH",
                       help="write each activity's criticality and mean finish")


def wants_activity_detail(args: argparse.Namespace, sch: Any) -> bool:
    """Whether the run keeps every activity's draws: for the activities' P50/P80
    finish and sensitivities in --activities-csv and the workbook."""
    return sch is not None and bool(getattr(args, "xlsx", None)
                                    or getattr(args, "activities_csv", None))


def write_office(args: argparse.Namespace, reg: Any, sch: Any, res: Any, corr: Any, *,
                 ranking: Any = None, selection: Any = None,
                 contingency: Any = None) -> list[str]:
    """Write what the office options ask for; the lines to print."""
    risks_csv = getattr(args, "risks_csv", None)
    activities_csv = getattr(args, "activities_csv", None)
    if getattr(args, "iterations_sheet", False) and not args.xlsx:
        raise UsageError("riskkit: error: --iterations-sheet adds a sheet to the --xlsx "
                         "workbook; give --xlsx PATH")
    if not (args.xlsx or risks_csv or activities_csv):
        return []
    said = []
    risks = None
    if reg is not None and (args.xlsx or risks_csv):
        if res.scenario != "current":
            if risks_csv:
                raise UsageError("riskkit: error: --risks-csv gives each risk's part of "
                                 "the current (pre-mitigation) totals; drop --scenario "
                                 "mitigated")
        else:
            risks = risk_figures(reg, sch, res, correlation=corr, workers=args.workers,
                                 executor=args.executor)
    if risks_csv and risks is not None:
        write(risks_csv, safe_frame(risks).to_csv(index=False, lineterminator="\n"))
        said.append(f"wrote {risks_csv}: {len(risks)} risks' figures")
    activities = activity_figures(res) if sch is not None else None
    if activities_csv:
        if activities is None:
            raise UsageError("riskkit: error: --activities-csv needs a --schedule")
        write(activities_csv, safe_frame(activities).to_csv(index=False,
                                                            lineterminator="\n"))
        said.append(f"wrote {activities_csv}: {len(activities)} activities' figures")
    if args.xlsx:
        scale = getattr(reg, "scale", None) if reg is not None else None
        code = currency(args, reg)
        if code is not None and code != res.currency:  # --currency names the amounts'
            res = dataclasses.replace(res, currency=code)
        write_workbook(args.xlsx, res, risks=risks, activities=activities, ranking=ranking,
                       selection=selection, contingency=contingency,
                       settings={"scale": scale or "none (numbers)"},
                       iterations=getattr(args, "iterations_sheet", False))
        said.append(f"wrote {args.xlsx}: the results workbook")
    return said
