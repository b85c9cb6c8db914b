"""What a command reads: the register, the schedule and the correlation its options
name (every file's problems reported at once), the dates it is given, and the
currency its amounts are in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._format import currency_code
from ..correlation import Correlation
from ..exceptions import InputError, OptionError, Problem
from ..io.correlation import read_correlation
from ..io.escalation import read_escalation_index
from ..io.register import read_register
from ..io.schedule import read_schedule
from ..io.uncertainty import apply_uncertainty
from ..io.weather import read_weather
from ..model import RiskRegister, Schedule, parse_day
from ..phasing import Escalation
from ..sim.correlation import resolve as resolve_correlation
from .options import UsageError, column_map, sheet_option

__all__ = ["currency", "escalation", "holidays", "load", "progress", "read_dates"]


def load(args: argparse.Namespace
         ) -> tuple[RiskRegister | None, Schedule | None, Correlation | str | None]:
    """Read the register, the schedule (with the ranges of --uncertainty) and the
    correlation, reporting the problems of all at once."""
    sheet = sheet_option(args.sheet, "--sheet")
    if args.register is None and args.schedule is None:
        raise UsageError("riskkit: error: give a risk register, a --schedule, or both")
    if getattr(args, "weather", None) and args.schedule is None:
        raise UsageError("riskkit: error: --weather needs --schedule: its rules act on "
                         "activities")
    if getattr(args, "uncertainty", None) and args.schedule is None:
        raise UsageError("riskkit: error: --uncertainty needs --schedule: its ranges are "
                         "percentages of the activities' durations")
    for option in ("start", "deadline"):
        if getattr(args, option, None) and args.schedule is None:
            raise UsageError(f"riskkit: error: --{option} needs --schedule: finish dates "
                             "come from the activity network")
    read_dates(args)
    problems: list[Problem] = []
    reg: RiskRegister | None = None
    sch: Schedule | None = None
    if args.register is not None:
        try:
            reg = read_register(args.register, columns=column_map(args.map),
                                delimiter=args.delimiter, decimal=args.decimal,
                                encoding=args.encoding, sheet=sheet, scale=args.scale)
        except InputError as exc:
            problems += exc.problems
    if args.schedule is not None:
        schedule_sheet = sheet_option(args.schedule_sheet, "--schedule-sheet")
        try:
            # --delimiter, --decimal and --encoding apply to both files unless the
            # --schedule-* options say otherwise; --map, --sheet and --scale are the
            # register's
            sch = read_schedule(
                args.schedule, columns=column_map(args.schedule_map, "--schedule-map"),
                delimiter=args.schedule_delimiter or args.delimiter,
                decimal=args.schedule_decimal or args.decimal,
                encoding=args.schedule_encoding or args.encoding, sheet=schedule_sheet,
                project=args.project, hours_per_day=args.hours_per_day,
                days_per_week=args.days_per_week)
            if getattr(args, "uncertainty", None):
                sch = apply_uncertainty(sch, args.uncertainty)
            if getattr(args, "weather", None):
                start = getattr(args, "start", None) or sch.start
                if start is None:
                    raise UsageError("riskkit: error: --weather needs --start: its rules "
                                     "are by calendar month")
                sch = sch.with_weather(read_weather(args.weather, start=start,
                                                    calendar=sch.calendar))
            if getattr(args, "deadline", None):
                sch = sch.with_deadline(args.deadline)
        except InputError as exc:
            problems += exc.problems
    corr: Correlation | str | None = None
    if args.correlation is not None and args.correlation.strip().lower() == "none":
        corr = "none"
    elif args.correlation is not None:
        try:
            corr = read_correlation(args.correlation, measure=args.correlation_measure,
                                    decimal=args.decimal, delimiter=args.delimiter)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(list(problems))
    if reg is not None or sch is not None:
        # ids and groups checked against the register and schedule before any run
        active = tuple(r.id for r in reg.active_risks) if reg is not None else ()
        args.correlation_plan = resolve_correlation(corr, reg, sch, active)
    return reg, sch, corr


def read_dates(args: argparse.Namespace) -> None:
    """--start and --holidays as dates, read with --dayfirst / --monthfirst."""
    dayfirst = getattr(args, "dayfirst", None)
    try:
        if getattr(args, "start", None):
            args.start = parse_day(args.start, "--start", dayfirst=dayfirst)
        if getattr(args, "deadline", None):
            args.deadline = parse_day(args.deadline, "--deadline", dayfirst=dayfirst)
        if getattr(args, "holidays", None):
            args.holidays_list = [parse_day(h.strip(), "--holidays", dayfirst=dayfirst)
                                  for h in args.holidays.split(",") if h.strip()]
    except OptionError as exc:
        raise UsageError(f"riskkit: error: {exc}") from None


def holidays(args: argparse.Namespace) -> list[Any] | None:
    return getattr(args, "holidays_list", None) or None


def progress(args: argparse.Namespace) -> bool | None:
    """Bars on a terminal for long runs; none with --quiet or when stderr is not a TTY."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return False
    return None


def currency(args: argparse.Namespace, reg: RiskRegister | None) -> str | None:
    """The ISO code of the amounts: --currency, else the register's."""
    if getattr(args, "currency", None) is not None:
        return currency_code(args.currency)
    return reg.currency if reg is not None else None


def escalation(args: argparse.Namespace, sch: Schedule | None) -> Escalation | None:
    """The escalation --escalation or --escalation-index asks for, or None; refused
    without a schedule that has costs (nothing to place in time)."""
    rate, index = getattr(args, "escalation", None), getattr(args, "escalation_index", None)
    if rate is None and index is None:
        return None
    option = "--escalation" if rate is not None else "--escalation-index"
    if sch is None or not (sch.cost_per_day.any() or sch.fixed_cost.any()):
        raise UsageError(f"riskkit: error: {option} escalates the time-phased cost: it needs "
                         "a --schedule with activity costs (cost_per_day or fixed_cost)")
    if index is not None and getattr(args, "start", None) is None and sch.start is None:
        raise UsageError("riskkit: error: --escalation-index reads the index by month: give "
                         "the project's --start")
    return Escalation(rate=rate) if rate is not None else read_escalation_index(index)
