"""``riskkit verify``: our CPM's dates against the dates the planning tool saved, the
proof a user needs before trusting a risk result on an imported schedule.

A thin layer over :func:`riskkit.io.planning.verify.compare_dates`: the JSON is its
``to_dict()``; the table counts the matches of each field, the project finish ours and
the file's, then the differences by their likely reason, with examples. Exit 0 when
every compared date matches (``DateComparison.all_match``), 1 when some differ, 2 on
bad input (a CSV or xlsx schedule has no saved dates to compare).
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from typing import Any

from .._format import plural
from ..exceptions import InputError, Problem
from ..io.formats import planning_format_error, sniff_format
from ..io.planning.mpxj import MPXJ_SUFFIXES
from ..io.planning.verify import compare_dates
from .options import count
from .output import write

NAME = "verify"

#: The fields compared, as ``riskkit verify --json`` names their counts, and in words.
FIELDS = (("early_start", "early start"), ("early_finish", "early finish"),
          ("late_finish", "late finish"), ("total_float", "total float"))
#: What verify reads: a planning tool's file with the dates it computed.
_NEEDS = ("verify needs a file from a planning tool, with the dates it computed: a "
          "Primavera P6 .xer or XML export, or an MS Project file (XML, .mpp or .mpx)")


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="compare riskkit's CPM dates with the dates the planning tool saved")
    p.add_argument("schedule", metavar="SCHEDULE",
                   help="a schedule from a planning tool, with its computed dates "
                        "(Primavera P6 .xer or XML, MS Project XML, .mpp or .mpx)")
    p.add_argument("--project", metavar="NAME",
                   help="the project to compare when the file holds several (its short "
                        "name or id)")
    p.add_argument("--encoding", help="text encoding (default: the file's, or cp1252)")
    p.add_argument("--json", metavar="PATH|-", help="write the comparison as JSON ('-': "
                                                    "stdout)")
    p.add_argument("--examples", type=count, default=3, metavar="N",
                   help="differences shown for each reason (default 3)")
    p.add_argument("--all", action="store_true", help="list every difference")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors and warnings (the exit code says "
                        "whether every date matches)")
    return p


def run(args: argparse.Namespace) -> int:
    path = args.schedule
    kind = sniff_format(path)
    if (kind is None and os.path.isfile(path)) or kind == "xlsx":
        raise InputError(Problem(
            "is a table of activities (CSV or .xlsx): it holds no dates computed by a "
            "planning tool to compare with", source=str(path), hint=_NEEDS))
    if kind in ("xls", "ole", "xml", "zip") and not str(path).lower().endswith(
            MPXJ_SUFFIXES):  # not a planning tool's file riskkit reads
        raise planning_format_error(kind, str(path))
    comparison = compare_dates(path, project=args.project, encoding=args.encoding)
    result = comparison.to_dict()
    if result["compared"] == 0 and result["activities"] > result["completed"]:
        raise InputError(Problem(
            (f"project {comparison.project}: " if comparison.project else "")
            + "no activity has the early dates the planning tool computes, so there is "
              "nothing to compare", source=comparison.source,
            hint="schedule the project in the planning tool (P6: F9) and export it again"))
    if args.json:
        write(args.json, json.dumps(result, indent=2) + "\n")
    if not args.quiet and args.json != "-":
        print(table(comparison, None if args.all else args.examples))
    return 0 if comparison.all_match else 1


def table(comparison: Any, examples: int | None) -> str:
    """The table of a :class:`~riskkit.io.planning.verify.DateComparison`: matches by field,
    the project finish, the differences by reason with up to ``examples`` of each
    (None: all)."""
    result = comparison.to_dict()
    compared = result["compared"]
    lines = [f"{comparison.source}"
             + (f", project {comparison.project}" if comparison.project else "")
             + f": {_activities(result['activities'])}, {compared:,} compared, "
             f"{result['completed']:,} complete (not compared)",
             f"{'':<16}{'matches':>9}{'of':>9}{'share':>9}"]
    for name, words in FIELDS:
        n = result[f"{name}_matches"]
        share = f"{n / compared:.1%}" if compared else "-"
        lines.append(f"{words:<16}{n:>9,}{compared:>9,}{share:>9}")
    finish = result["project_finish"]
    lines.append(f"project finish: ours {finish['ours'] or '-'}, file {finish['file'] or '-'}"
                 + ("" if finish["ours"] == finish["file"] else "  (differs)"))
    differences = result["differences"]
    if not differences:
        if not compared:
            lines.append("nothing to compare: every activity is complete")
        elif comparison.all_match:
            lines.append(f"every compared date matches the file's ({_activities(compared)})")
        else:
            lines.append(f"the dates of every compared activity match the file's "
                         f"({_activities(compared)}), the project finish does not")
        return "\n".join(lines)
    by_reason = Counter(d["reason"] or "no reason given" for d in differences)
    lines.append(f"{plural(len(differences), 'date')} "
                 f"{'differs' if len(differences) == 1 else 'differ'}, by likely reason:")
    width = max(len(str(d["id"])) for d in differences)
    cut = False
    for reason, n in by_reason.most_common():
        lines.append(f"  {n:>6,}  {reason}")
        rows = [d for d in differences if (d["reason"] or "no reason given") == reason]
        for d in rows[:examples]:
            field = dict(FIELDS).get(d["field"], d["field"])
            lines.append(f"          {d['id']!s:<{width}}  {field:<13} ours "
                         f"{_value(d['ours'], d['field'])}, file "
                         f"{_value(d['file'], d['field'])}")
        if examples is not None and len(rows) > examples:
            lines.append(f"          … and {len(rows) - examples:,} more")
            cut = True
    if cut:
        lines.append("(--all lists every difference)")
    return "\n".join(lines)


def _value(value: Any, field: str) -> str:
    """A date as it is; a total float in hours."""
    if value is None:
        return "-"
    return f"{value:g} h" if field == "total_float" else str(value)


def _activities(n: int) -> str:
    return f"{n:,} activit{'y' if n == 1 else 'ies'}"
