"""``riskkit check``: the schedule's health (the DCMA 14-point assessment, open ends,
out-of-sequence progress, dangling activities) and the register's hygiene, as a table
or DESIGN's JSON.

A thin layer over :func:`riskkit.check_schedule` and :func:`riskkit.check_register`.
Exit 0 when every check that applies passes, 1 when some fail (a check that cannot be
computed fails nothing), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import shutil
from typing import Any

from .._format import plural
from ..analysis import Health, check_register, check_schedule
from ..exceptions import OptionError
from ..model import moment, parse_day
from .inputs import load
from .options import UsageError, add_input_options
from .output import write

NAME = "check"

_HEADINGS = {"schedule": "schedule health", "register": "register hygiene"}


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="check a schedule's health (DCMA 14-point assessment) and a register's "
                   "hygiene")
    add_input_options(p, register_optional=True)
    p.add_argument("--json", metavar="PATH|-", help="write the checks as JSON ('-': stdout)")
    p.add_argument("--as-of", metavar="DATE",
                   help="the day review dates are judged against (default: today)")
    p.add_argument("--data-date", metavar="DATE",
                   help="judge progress at this date instead of the schedule's data date")
    p.add_argument("--value-per-day", type=float, default=None, metavar="AMOUNT",
                   help="what a working day of delay is worth, to judge mitigations that "
                        "save days against their cost")
    return p


def run(args: argparse.Namespace) -> int:
    try:
        as_of = parse_day(args.as_of, "--as-of") if args.as_of else None
        data_date = moment(args.data_date, "--data-date") if args.data_date else None
    except OptionError as exc:
        raise UsageError(f"riskkit: error: {exc}") from None
    reg, sch, _ = load(args)
    if reg is not None and sch is not None:
        reg.check_activities(sch)
    health = Health(())
    if sch is not None:
        health += check_schedule(sch, data_date=data_date)
    if reg is not None:
        health += check_register(reg, sch, as_of=as_of, value_per_day=args.value_per_day)
    if args.json:
        write(args.json, json.dumps(health.to_dict(), indent=2) + "\n")
    if not args.quiet and args.json != "-":
        lines = []
        width = max([5, *(len(c.name) for c in health)])
        if sch is not None:
            lines.append(f"{_HEADINGS['schedule']}: {sch.source} ({len(sch):,} "
                         f"activit{'y' if len(sch) == 1 else 'ies'}, "
                         f"{plural(len(sch.links), 'link')})")
            lines += table(health.of("schedule"), width)
        if reg is not None:
            lines.append(f"{_HEADINGS['register']}: {reg.source} "
                         f"({plural(len(reg), 'risk')}, {len(reg.active_risks):,} open)")
            lines += table(health.of("register"), width)
        lines.append(health.counts() + ("" if health.passed else
                                        " (--json - lists every flagged id)"))
        print("\n".join(lines))
    return 0 if health.passed else 1


def table(health: Health, name: int = 19) -> list[str]:
    """The rows: check (``name`` characters wide), value, threshold, result, the first
    flagged ids (or why a check could not be computed), cut to the terminal's width."""
    width = max(80, shutil.get_terminal_size((120, 24)).columns)
    head = f"  {'check':<{name}}  {'value':>9}  {'threshold':<9}  {'result':<6}  "
    lines = [head + "flagged"]
    room = max(20, width - len(head))
    for c in health:
        flagged = c.ids_text()
        if len(flagged) > room:
            flagged = flagged[:room - 1] + "…"
        lines.append(f"  {c.name:<{name}}  {c.value_text:>9}  {c.threshold_text:<9}  "
                     f"{c.status:<6}  {flagged}".rstrip())
    return lines
