"""What the commands share on their command lines: the parser (usage errors exit 2,
never a traceback), option types as people type them, and the input and run options
of the commands that read a register or a schedule."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["Parser", "UsageError", "add_escalation_options", "add_input_options",
           "add_run_options", "column_map",
           "count", "iterations", "positive", "seed", "sheet_option"]


class UsageError(Exception):
    """A command line riskkit cannot run: the message, then exit 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


def column_map(items: list[str] | None, option: str = "--map") -> dict[str, str] | None:
    if not items:
        return None
    out = {}
    for item in items:
        header, sep, canonical = item.rpartition("=")
        if not sep or not header.strip() or not canonical.strip():
            raise UsageError(f'{option} takes "Header as written=canonical_name"; '
                             f'got {item!r}')
        out[header.strip()] = canonical.strip()
    return out


def add_schedule_file_options(g: Any, *, inherits: bool = True) -> None:
    """The options of reading the --schedule file, on the argument group ``g``; with
    ``inherits``, the register's --delimiter, --decimal and --encoding are named as the
    schedule's defaults (the commands that read a register beside it)."""

    def also(option: str) -> str:
        return f"{option}, or " if inherits else ""

    g.add_argument("--schedule-map", action="append", metavar='"HEADER=column"',
                   help="map a schedule header to a riskkit column, e.g. --schedule-map "
                        "\"Task Code=id\" (repeatable; 'ignore' leaves a column out)")
    g.add_argument("--schedule-sheet", metavar="SHEET",
                   help="worksheet of an .xlsx schedule: its name, or its number counted "
                        "from 1 (default: the first)")
    g.add_argument("--schedule-delimiter", metavar="D",
                   help=f"CSV delimiter of the schedule (default: {also('--delimiter')}"
                        "detected)")
    g.add_argument("--schedule-decimal", choices=[".", ","],
                   help=f"decimal separator of the schedule (default: {also('--decimal')}',' "
                        "in ';'-delimited files, else '.')")
    g.add_argument("--schedule-encoding", metavar="E",
                   help=f"text encoding of the schedule (default: {also('--encoding')}"
                        "detected)")
    g.add_argument("--project", metavar="NAME",
                   help="the project to read from a P6 XER or XML schedule that holds several (its "
                        "short name or id); it also names the schedule's project")
    g.add_argument("--hours-per-day", type=positive, default=8.0, metavar="H",
                   help="working hours in a day, for durations and lags in hours "
                        "(default 8)")
    g.add_argument("--days-per-week", type=positive, default=5.0, metavar="D",
                   help="working days in a week, for durations in weeks and months "
                        "(default 5; a month is 52/12 weeks)")


def add_input_options(p: argparse.ArgumentParser, register_optional: bool = False) -> None:
    if register_optional:
        p.add_argument("register", nargs="?", help="risk register: CSV or .xlsx (optional "
                                                   "when --schedule is given)")
    else:
        p.add_argument("register", help="risk register: CSV (any delimiter) or .xlsx")
    p.add_argument("--schedule", metavar="FILE",
                   help="activity schedule (CSV, .xlsx, a Primavera P6 .xer or XML, MS Project "
                        "XML, or .mpp/.mpx with the mpxj extra): durations, "
                        "predecessors, costs")
    p.add_argument("--map", action="append", metavar='"HEADER=column"',
                   help="map a header to a riskkit column, e.g. --map \"Cost of Measures="
                        "mitigation_cost\" (repeatable)")
    p.add_argument("--delimiter", help="CSV delimiter (default: detected)")
    p.add_argument("--decimal", choices=[".", ","],
                   help="decimal separator (default: ',' in ';'-delimited files, else '.')")
    p.add_argument("--encoding", help="text encoding (default: detected)")
    p.add_argument("--sheet", help="worksheet of an .xlsx workbook: its name, or its number "
                                   "counted from 1 (default: the first)")
    p.add_argument("--scale", metavar="FILE|default",
                   help="how to read qualitative scores (1-5, High/Low): a scale CSV, or "
                        "'default'; labels are read with the default scale anyway")
    g = p.add_argument_group("schedule input options (the options above are the "
                             "register's; --delimiter, --decimal and --encoding also apply "
                             "to the schedule unless these say otherwise)")
    add_schedule_file_options(g)
    g.add_argument("--uncertainty", metavar="MIN,ML,MAX|FILE",
                   help="three-point durations as percentages of each activity's duration: "
                        "90,100,130 for all activities (pert:90,100,130 for another "
                        "family), or an uncertainty file of rules by WBS, activity code, "
                        "calendar and criticality (docs/uncertainty.md); milestones, "
                        "completed activities and ranges the schedule gives keep theirs")
    g.add_argument("--weather", metavar="FILE",
                   help="weather rules (CSV or .xlsx): working days lost per bad month, "
                        "with a probability per month, on the activities each names "
                        "(README: Risk drivers, branches ... and weather); needs --start")
    p.add_argument("--correlation", metavar="FILE|none",
                   help="correlation CSV or .xlsx: 'group,coefficient' rows for the "
                        "register's and schedule's correlation_group column, or a matrix "
                        "over risk or activity ids; 'none' ignores correlation groups")
    p.add_argument("--correlation-measure", choices=["spearman", "pearson"],
                   default="spearman",
                   help="what the coefficients are: rank correlations (default, as @RISK "
                        "and Crystal Ball) or correlations of normal scores (Pearson for "
                        "normal impacts)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors and warnings")


def positive(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
    return value


def money(text: str) -> float:
    """An amount of 0 or more as people type it: 50000, 50,000 or 50_000."""
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be an amount of 0 or more: {text!r}")
    return value


def count(text: str) -> int:
    """Iterations as people type them: 10000, 10,000 or 10_000."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def iterations(text: str) -> int | str:
    """-n: a count, or "auto" (run until the P80s converge)."""
    if text.strip().lower() == "auto":
        return "auto"
    return count(text)


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def escalation_rate(text: str) -> float:
    """``--escalation``: an annual rate as typed (``3%``, ``0.03``)."""
    from ..exceptions import OptionError
    from ..io.escalation import parse_escalation_rate

    try:
        return parse_escalation_rate(text)
    except OptionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_escalation_options(p: argparse.ArgumentParser) -> None:
    """--escalation and --escalation-index: the time-phased cost escalated (needs a
    schedule with costs)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--escalation", type=escalation_rate, metavar="RATE",
                   help="escalate the time-phased cost at this annual rate, e.g. 3%% "
                        "(monthly compounding from the start's month; needs --schedule "
                        "with costs): the escalated cost is reported beside the cost")
    g.add_argument("--escalation-index", metavar="FILE",
                   help="escalate by a price index by month: a CSV of month,index "
                        "(e.g. 2027-01,100); needs --schedule and --start")


def add_run_options(p: argparse.ArgumentParser, *, auto: bool = False,
                     dates: bool = True) -> None:
    p.add_argument("-n", "--iterations", type=iterations if auto else count, default=10_000,
                   help="Monte Carlo iterations (default 10,000)" + (
                       "; 'auto': run until the P80s are within 1%%" if auto else ""))
    p.add_argument("--seed", type=seed, default=None,
                   help="random seed (0 or more); the same seed gives the same numbers")
    p.add_argument("--sampling", choices=["lhs", "random"], default="lhs",
                   help="Latin hypercube (default) or plain Monte Carlo")
    p.add_argument("--workers", type=count, default=None, metavar="N",
                   help="run on N local processes (same numbers as one)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on an existing dask.distributed cluster, given its scheduler's "
                        "address (tcp://host:8786); the same numbers as one process (needs "
                        "the 'distributed' extra)")
    if dates:
        p.add_argument("--start", metavar="DATE",
                       help="project start (e.g. 2027-01-04): report finish dates; a "
                            "weekend day or holiday moves to the next working day")
        p.add_argument("--deadline", metavar="DATE",
                       help="the date the project must finish by (default: the schedule's "
                            "must-finish-by date, if it has one): the chance of meeting it")
        p.add_argument("--holidays", metavar="DATES",
                       help="comma-separated non-working days for the finish dates")
        order = p.add_mutually_exclusive_group()
        order.add_argument("--dayfirst", action="store_const", const=True, dest="dayfirst",
                           help="read dates such as 04/01/2027 day first (4 January)")
        order.add_argument("--monthfirst", action="store_const", const=False,
                           dest="dayfirst",
                           help="read dates such as 04/01/2027 month first (April 1)")


def sheet_option(text: str | None, option: str) -> str | int | None:
    """A sheet name, or a sheet number counted from 1 as a spreadsheet user counts
    (Python's ``sheet=`` counts from 0, as pandas does)."""
    if text is None or not text.strip().isdigit():
        return text
    number = int(text)
    if number < 1:
        raise UsageError(f"riskkit: error: {option} {text}: sheets are counted from 1 "
                         f"(or give the sheet's name)")
    return number - 1
