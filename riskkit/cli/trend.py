"""``riskkit trend SNAPSHOT...``: mean, P50 and P80 of cost and schedule over the
snapshots, simulated on one seed, with the contingency held (``--budget``) against the
contingency the P80 needs.

A thin layer over :func:`riskkit.read_snapshots` and :func:`riskkit.trend`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .._format import amount, currency_symbol, days
from ..analysis.history import compare
from ..analysis.trend import trend
from ..io.snapshots import read_snapshots
from ..sim import RunOptions
from .history import add_pack_options, add_schedule_options, as_of_dates, pack_path, schedule_of
from .inputs import progress
from .options import UsageError, add_run_options, column_map
from .output import write

NAME = "trend"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="mean, P50 and P80 over several snapshots of a register, with the "
                   "contingency held")
    p.add_argument("snapshots", nargs="+", metavar="SNAPSHOT",
                   help="the registers, oldest first (CSV or .xlsx)")
    p.add_argument("--schedule", metavar="FILE", action="append",
                   help="the activity schedule every snapshot is simulated with; or once "
                        "per snapshot, in order, when the schedule changed")
    p.add_argument("--as-of", action="append", metavar="DATE", dest="as_of",
                   help="the date of a snapshot, once per file in order ('-': from the "
                        "file's as_of column or name)")
    p.add_argument("--budget", metavar="AMOUNT[,AMOUNT...]",
                   help="the contingency held: one amount, or one per snapshot ('-' where "
                        "unknown), e.g. 90000 or 120000,100000,90000")
    p.add_argument("--map", action="append", metavar='"HEADER=column"',
                   help="map a header to a riskkit column (repeatable)")
    add_schedule_options(p)
    add_run_options(p, dates=False)
    p.add_argument("--json", metavar="PATH|-", help="write the trend as JSON ('-': stdout)")
    add_pack_options(p, "what changed since the snapshot before the last, the contingency "
                        "drawdown, open risks by severity and how the risks moved on the "
                        "heat map")
    p.add_argument("--currency", help="currency of the amounts in the printed table and "
                                      "the pack")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print nothing but errors and warnings")
    return p


def budgets(text: str | None, count: int) -> float | list[float | None] | None:
    if text is None:
        return None
    parts = [t.strip() for t in text.split(";" if ";" in text else ",")]
    try:
        values = [None if t in ("", "-") else float(t.replace("_", "")) for t in parts]
    except ValueError:
        raise UsageError(f"riskkit: error: --budget {text!r}: amounts separated by commas "
                         "(no thousands separators), '-' where unknown") from None
    if len(values) == 1:
        return values[0]
    if len(values) != count:
        raise UsageError(f"riskkit: error: --budget gives {len(values)} amounts for "
                         f"{count} snapshots (one amount, or one per snapshot)")
    return values


def run(args: argparse.Namespace) -> int:
    pack_path(args)
    snaps = read_snapshots(args.snapshots, as_of=as_of_dates(args, len(args.snapshots)),
                           columns=column_map(args.map))
    given = args.schedule or []
    if len(given) not in (0, 1, len(snaps)):
        raise UsageError(f"riskkit: error: --schedule given {len(given)} times for "
                         f"{len(snaps)} snapshots (once for all, or once per snapshot)")
    read = {path: schedule_of(args, path) for path in dict.fromkeys(given)}
    sch = ([read[path] for path in given] if len(given) > 1 else
           read[given[0]] if given else None)
    options = RunOptions.of(None, iterations=args.iterations, rng=args.seed,
                            sampling=args.sampling, workers=args.workers, executor=args.executor,
                            progress=progress(args))
    result = trend(snaps, sch, budget=budgets(args.budget, len(snaps)), options=options)
    cur = args.currency if args.currency is not None else currency_symbol(
        snaps[-1].register.currency)
    if args.json:
        write(args.json, json.dumps(result.to_dict(), indent=2) + "\n")
    if args.output:
        from ..report.history import write_history_pack

        # the last step explained: the same seed, so its two runs are the trend's own
        pair = sch if isinstance(sch, list) else [sch, sch]
        last = (compare(snaps[-2], snaps[-1], pair[-2], new_schedule=pair[-1],
                        options=options) if len(snaps) > 1 else None)
        write_history_pack(args.output, last, result, title=args.title, currency=cur,
                           sources=args.snapshots)
    if not args.quiet and args.json != "-":
        frame = result.to_frame()
        first = result.results[0]
        lines = [f"trend over {len(snaps)} snapshots, {first.iterations:,} iterations, "
                 f"seed {first.seed} (the same numbers for every risk that did not change)",
                 f"  {'as of':<12}{'open':>5}{'cost mean':>13}{'cost P80':>13}"
                 f"{'sched P80':>11}{'needed':>12}{'held':>12}{'headroom':>12}{'conf.':>7}"]
        for _, row in frame.iterrows():
            held = row["budget"]
            date = (str(row["as_of"])[:10] if row["as_of"] is not None
                    and str(row["as_of"]) != "NaT" else "?")
            lines.append(
                f"  {date:<12}{row['open_risks']:>5}{amount(row['cost_mean'], cur):>13}"
                f"{amount(row['cost_p80'], cur):>13}{days(row['schedule_p80']) + ' d':>11}"
                f"{amount(row['contingency_p80'], cur):>12}"
                + (f"{amount(held, cur):>12}{amount(row['headroom'], cur):>12}"
                   f"{row['p_within_budget']:>7.0%}" if held is not None
                   and held == held else f"{'':>12}{'':>12}{'':>7}"))
        lines.append("  needed: the cost P80 minus the base cost; held: --budget; conf.: "
                     "the chance the cost stays within base + held")
        if args.output:
            lines.append(f"wrote {args.output}: "
                         + ("what changed since last time, " if len(snaps) > 1 else "")
                         + "the contingency drawdown, open risks by severity"
                         + (" and how the risks moved on the heat map" if len(snaps) > 1
                            else ""))
        print("\n".join(lines))
    return 0
