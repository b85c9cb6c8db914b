"""``riskkit compare OLD NEW``: what changed between two snapshots of a register and
how each change moved the mean and P80 of cost and schedule, on common random numbers,
with the movement attributed to the kinds of change (DESIGN.md, "Register history").

A thin layer over :func:`riskkit.read_snapshots` and :func:`riskkit.compare`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._format import amount, currency_symbol, days, plural
from ..analysis.history import KINDS, Comparison, compare
from ..io.schedule import read_schedule
from ..io.snapshots import read_snapshots
from ..model import Schedule
from ..sim import RunOptions
from .inputs import progress
from .options import (
    UsageError,
    add_run_options,
    add_schedule_file_options,
    column_map,
    sheet_option,
)
from .output import write

NAME = "compare"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="compare two snapshots of a register: every change, its effect on the "
                   "mean and P80, and the movement attributed to the kinds of change")
    p.add_argument("old", help="the earlier register (CSV or .xlsx)")
    p.add_argument("new", help="the later register (CSV or .xlsx)")
    p.add_argument("--schedule", metavar="FILE", help="the activity schedule both are "
                                                      "simulated with (with --new-schedule: "
                                                      "the old snapshot's)")
    p.add_argument("--new-schedule", metavar="FILE",
                   help="the new snapshot's schedule, when it changed: a change of kind "
                        "'schedule' in the attribution")
    p.add_argument("--as-of", action="append", metavar="DATE", dest="as_of",
                   help="the date of a snapshot, once per file in order ('-': from the "
                        "file's as_of column or name)")
    p.add_argument("--map", action="append", metavar='"HEADER=column"',
                   help="map a header to a riskkit column (repeatable)")
    add_schedule_options(p)
    add_run_options(p, dates=False)
    p.add_argument("--json", metavar="PATH|-", help="write the comparison as JSON ('-': "
                                                   "stdout)")
    add_pack_options(p, "what changed since last time (the attribution waterfalls in "
                        "money and days, the top changes) and how the risks moved on the "
                        "heat map")
    p.add_argument("--currency", help="currency of the amounts in the printed table and "
                                      "the pack (default: the registers')")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors and warnings")
    return p


def add_pack_options(p: argparse.ArgumentParser, pages: str) -> None:
    """-o PACK.pdf and --title."""
    p.add_argument("-o", "--output", metavar="PACK.pdf",
                   help=f"write a PDF pack for the steering committee: {pages}")
    p.add_argument("--title", help="title of the pack (default: from the files' names)")


def pack_path(args: argparse.Namespace) -> None:
    """Refuse an -o that is not a PDF before anything is simulated."""
    if args.output and not str(args.output).lower().endswith(".pdf"):
        raise UsageError(f"riskkit: error: -o {args.output}: the pack is a PDF (a name "
                         "ending in .pdf)")


def add_schedule_options(p: argparse.ArgumentParser) -> None:
    """The options of reading the --schedule file (as the other commands name them)."""
    add_schedule_file_options(p.add_argument_group("schedule input options"), inherits=False)


def schedule_of(args: argparse.Namespace, path: str | None = None) -> Schedule | None:
    """The --schedule file (or ``path``), read with the schedule input options."""
    path = path or args.schedule
    if not path:
        return None
    return read_schedule(path,
                         columns=column_map(args.schedule_map, "--schedule-map"),
                         sheet=sheet_option(args.schedule_sheet, "--schedule-sheet"),
                         delimiter=args.schedule_delimiter, decimal=args.schedule_decimal,
                         encoding=args.schedule_encoding,
                         project=args.project, hours_per_day=args.hours_per_day,
                         days_per_week=args.days_per_week)


def as_of_dates(args: argparse.Namespace, count: int) -> list[str | None]:
    given = list(args.as_of or [])
    if len(given) > count:
        raise UsageError(f"riskkit: error: --as-of given {len(given)} times for {count} "
                         "snapshots (once per file, in order; '-' for the file's own)")
    given += [None] * (count - len(given))
    return [None if g in (None, "-") else g for g in given]


def run(args: argparse.Namespace) -> int:
    pack_path(args)
    old, new = read_snapshots([args.old, args.new], as_of=as_of_dates(args, 2),
                              columns=column_map(args.map))
    if args.new_schedule and not args.schedule:
        raise UsageError("riskkit: error: --new-schedule needs --schedule (the old "
                         "snapshot's schedule)")
    sch = schedule_of(args)
    new_sch = schedule_of(args, args.new_schedule) if args.new_schedule else None
    options = RunOptions.of(None, iterations=args.iterations, rng=args.seed,
                            sampling=args.sampling, workers=args.workers, executor=args.executor,
                            progress=progress(args))
    result = compare(old, new, sch, new_schedule=new_sch, options=options)
    cur = args.currency if args.currency is not None else currency_symbol(result.currency)
    if args.json:
        write(args.json, json.dumps(result.to_dict(), indent=2) + "\n")
    if args.output:
        from ..report.history import write_history_pack

        write_history_pack(args.output, result, title=args.title, currency=cur,
                           sources=[args.old, args.new])
    if not args.quiet and args.json != "-":
        print("\n".join(lines(result, cur, args.old, args.new)))
        if args.output:
            print(f"wrote {args.output}: what changed since last time, and how the risks "
                  "moved on the heat map")
    return 0


def _signed(value: float, cur: str | None) -> str:
    text = amount(value, cur)
    return "+" + text if text.strip("0,.") and value > 0 else text


def _signed_days(value: float) -> str:
    text = days(value)
    if text in ("0", "-0"):
        return "0 d"
    return ("+" + text if value > 0 else text) + " d"


def lines(c: Comparison, cur: str | None, old: str, new: str) -> list[str]:
    """The terminal report: both snapshots' figures, the attribution, the changes."""
    label = lambda source, when: f"{source}" + (f" ({when})" if when is not None else "")  # noqa: E731
    out = [f"compare: {label(old, c.old_as_of)} -> {label(new, c.new_as_of)}",
           f"  {c.old.iterations:,} iterations, seed {c.old.seed}, common random numbers "
           "(streams keyed by risk id)", ""]
    out.append(f"  {'':<15}{'old':>14}{'new':>14}{'change':>14}")
    for metric in ("cost_mean", "cost_p80", "schedule_mean", "schedule_p80"):
        a, b = c.stat(c.old, metric), c.stat(c.new, metric)
        name = metric.replace("_", " ").replace("p80", "P80")
        if metric.startswith("cost"):
            cells = (amount(a, cur), amount(b, cur), _signed(b - a, cur))
        else:
            cells = (days(a) + " d", days(b) + " d", _signed_days(b - a))
        out.append(f"  {name:<15}" + "".join(f"{x:>14}" for x in cells))
    out += ["", "attribution to the kinds of change (Shapley values: adds up to the change, "
                "whatever the order)"]
    out.append(f"  {'kind':<13}{'changes':>8}{'cost mean':>14}{'cost P80':>14}"
               f"{'sched mean':>12}{'sched P80':>12}")
    counts = {k: sum(1 for x in c.changes if x.kind == k) for k in KINDS}
    for kind, v in c.attribution.items():
        out.append(f"  {kind:<13}{counts[kind]:>8}{_signed(v['cost_mean'], cur):>14}"
                   f"{_signed(v['cost_p80'], cur):>14}{_signed_days(v['schedule_mean']):>12}"
                   f"{_signed_days(v['schedule_p80']):>12}")
    if not c.changes:
        out.append("  (no change a simulation reads)")
    out += ["", f"{plural(len(c.changes), 'change')}, largest effect on the cost P80 first "
                "(each alone on the old snapshot)"]
    if c.changes:
        width = max(10, *(len(str(x.id)) + 2 for x in c.changes))
        out.append(f"  {'id':<{width}}{'kind':<12}{'cost mean':>12}{'cost P80':>12}"
                   f"{'sched mean':>12}{'sched P80':>12}  detail")
        for _, row in c.to_frame().iterrows():
            out.append(f"  {row['id']:<{width}}{row['kind']:<12}"
                       f"{_signed(row['cost_mean'], cur):>12}"
                       f"{_signed(row['cost_p80'], cur):>12}"
                       f"{_signed_days(row['schedule_mean']):>12}"
                       f"{_signed_days(row['schedule_p80']):>12}  {row['detail']}")
    for r in c.renames:
        out.append(f"likely rename: {r.old_id} -> {r.new_id} (same title {r.title!r}); "
                   "compared as a closed risk and a new one")
    return out
