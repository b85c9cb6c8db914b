"""``riskkit rank``: mitigations ranked by value for money; with a budget or a target,
the set to fund; the efficient frontier."""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from typing import Any

import numpy as np

from .._format import amount, currency_symbol, number, plural
from .._format import ratio as ratio_text
from ..analysis import efficient_frontier, rank_mitigations, select_mitigations
from ..analysis.health import warn_before_simulating
from ..correlation import Correlation
from ..io.export import safe_frame
from ..model import Calendar, RiskRegister, Schedule, parse_day
from ..sim import modelled_metrics, simulate
from .inputs import currency, holidays, load, progress
from .office import add_office_options, wants_activity_detail, write_office
from .options import add_input_options, add_run_options
from .output import json_value, write

NAME = "rank"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="rank mitigations by value for money; choose which to fund")
    add_input_options(p)
    add_run_options(p)
    p.add_argument("--value-per-day", type=float, default=None, metavar="AMOUNT",
                   help="what a working day of delay is worth, to add delay savings to "
                        "the benefit")
    p.add_argument("--budget", type=float, default=None, metavar="AMOUNT",
                   help="also choose the mitigations to fund within this budget (the "
                        "largest net value, every set simulated together)")
    p.add_argument("--objective", choices=["net", "benefit"], default="net",
                   help="with --budget: 'net' (default) funds only what adds net value "
                        "given the others; 'benefit' spends the budget on the largest "
                        "gross risk reduction")
    p.add_argument("--target-finish", metavar="DATE|DAYS",
                   help="choose the cheapest set found whose P80 finish meets this date "
                        "(needs --start) or number of working days")
    p.add_argument("--target-cost", type=float, default=None, metavar="AMOUNT",
                   help="choose the cheapest set found whose P80 cost (mitigation spend "
                        "included) is at most this")
    p.add_argument("--currency", help="currency of the printed amounts, e.g. '£' or 'CHF' "
                                      "(default: the register's, if it writes one)")
    p.add_argument("--frontier", action="store_true",
                   help="print the efficient frontier: spend against P80 cost and finish")
    p.add_argument("--json", metavar="PATH|-", help="write the ranking as JSON ('-': stdout)")
    p.add_argument("--csv", metavar="PATH", help="write the ranking as CSV")
    add_office_options(p)
    return p


def target_finish(text: str | None, dayfirst: bool | None) -> Any:
    """A --target-finish: working days (a number) or a date (read as --start is)."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return parse_day(text, "--target-finish", dayfirst=dayfirst)


def run(args: argparse.Namespace) -> int:
    reg, sch, corr = load(args)
    warn_before_simulating(sch)  # a schedule that fails its health checks by far
    assert reg is not None
    days_off = holidays(args)
    ranking = rank_mitigations(reg, sch, iterations=args.iterations, rng=args.seed,
                               value_per_day=args.value_per_day, sampling=args.sampling,
                               progress=progress(args), workers=args.workers,
                               executor=args.executor, correlation=corr)
    chosen = None
    target = target_finish(args.target_finish, getattr(args, "dayfirst", None))
    if args.budget is not None or target is not None or args.target_cost is not None:
        chosen = select_mitigations(ranking, args.budget, sch, register=reg,
                                    objective=args.objective, target_finish=target,
                                    target_cost=args.target_cost, start=args.start,
                                    holidays=days_off, correlation=corr)
    records = [{k: json_value(v) for k, v in rec.items()}
               for rec in ranking.table.to_dict("records")]
    if chosen is not None:
        funded = set(chosen.ids)
        for rec in records:
            rec["funded"] = rec["id"] in funded
    if args.json:
        write(args.json, json.dumps(records, indent=2) + "\n")
    if args.csv:
        frame = ranking.to_frame()
        if chosen is not None:
            frame["funded"] = frame["id"].isin(chosen.ids)
        write(args.csv, safe_frame(frame).to_csv(index=False, lineterminator="\n"))
    said = []
    if args.xlsx or args.risks_csv or args.activities_csv:
        # the ranking's baseline: the same random numbers, so the sheets agree
        res = simulate(reg, sch, iterations=args.iterations, rng=ranking.seed_sequence,
                       sampling=args.sampling, start=args.start, holidays=days_off,
                       progress=progress(args), workers=args.workers,
                       executor=args.executor, correlation=corr,
                       activity_detail=wants_activity_detail(args, sch))
        frame = ranking.to_frame()
        if chosen is not None:
            frame["funded"] = frame["id"].isin(chosen.ids)
        said = write_office(args, reg, sch, res, corr, ranking=frame, selection=chosen)
    if not args.quiet and args.json != "-" and args.csv != "-":
        for line in said:
            print(line)
        sym = currency_symbol(currency(args, reg))
        delays = "schedule" in modelled_metrics(reg, sch)
        print_ranking(args, reg, ranking, corr, sym, delays)
        if chosen is not None:
            print(textwrap.fill(chosen.describe(currency=sym), width=100))
        if args.frontier:
            print_frontier(efficient_frontier(ranking, sch, register=reg, correlation=corr),
                           args.start, sch, days_off, sym, delays)
    return 0


def print_ranking(args: argparse.Namespace, reg: RiskRegister, ranking: Any,
                  corr: Any, sym: str | None, delays: bool) -> None:
    """The ranking table; without delays in the inputs (a cost-only register), no
    column or words about days."""
    print(f"{reg.source}: {plural(len(ranking), 'mitigation')} ranked against the unmitigated "
          f"baseline, {args.iterations:,} iterations, seed {ranking.seed}"
          + (f", a day of delay valued at {amount(args.value_per_day, sym)}"
             if args.value_per_day else ""))
    if isinstance(corr, Correlation):
        print(corr.describe())
    print((f"Amounts in {sym.strip()}. " if sym else "")
          + "Cost cuts are gross, before the mitigation's own cost; benefit = expected "
          "cost cut" + (" + value of the expected days cut" if args.value_per_day else "")
          + "; net = benefit - cost; ratio = benefit / cost.")
    width = max(40, shutil.get_terminal_size((120, 24)).columns - (92 if delays else 80))
    print(f"{'rank':>4}  {'id':<10} {'cost':>10} {'E[cost cut]':>12} {'P80 cut':>10} "
          + (f"{'E[days cut]':>11} " if delays else "")
          + f"{'benefit':>10} {'net':>10} {'ratio':>6}  title")
    for rec in ranking.table.to_dict("records"):
        ratio = rec["benefit_cost_ratio"]
        title = textwrap.shorten(str(rec["title"] or rec["mitigation"] or ""), width,
                                 placeholder="…")
        cut = round(rec["expected_delay_reduction"], 1) + 0.0  # no "-0.0"
        days_cut = f"{number(cut, 1):>11} " if delays else ""
        print(f"{rec['rank']:>4}  {str(rec['id'])[:10]:<10} "
              f"{number(rec['mitigation_cost']):>10} "
              f"{number(rec['expected_cost_reduction']):>12} "
              f"{number(rec['p80_cost_reduction']):>10} {days_cut}"
              f"{number(rec['total_benefit']):>10} {number(rec['net_benefit']):>10} "
              f"{'free' if not np.isfinite(ratio) else ratio_text(ratio):>6}  {title}")
    info = ranking.all_mitigations
    e = info.effect
    cuts = (f"the P80 cost by {amount(e.percentile_cost_reduction, sym)}"
            + (f", the expected delay by {number(e.expected_delay_reduction, 1)} days and the "
               f"P80 delay by {number(e.percentile_delay_reduction, 1)} days" if delays else ""))
    print(f"all {len(info.ids)} mitigations together: cost "
          f"{amount(info.mitigation_cost, sym)}; they cut the expected cost by "
          f"{amount(e.expected_cost_reduction, sym)} before their cost, {cuts}: benefit "
          f"{amount(info.total_benefit, sym)}, net {amount(info.net_benefit, sym)}")


def print_frontier(frontier: Any, start: Any, sch: Schedule | None,
                   days_off: list[Any] | None, sym: str | None = None,
                   delays: bool = True) -> None:
    table = frontier.table
    cost, finish = frontier.cost_column, frontier.finish_column
    calendar = Calendar.of(days_off, default=sch.calendar if sch is not None else None)
    unit = f" ({sym.strip()})" if sym else ""
    print("efficient frontier (each step adds the mitigation that buys the most P80 "
          "reduction per unit of spend; * = no cheaper point is as good on both):")
    print(f"{'step':>4}  {'added':<10} {'spend' + unit:>12} {'P80 cost' + unit:>14}"
          + (f" {'P80 finish':>11}" if delays else "") + ("  finish date" if start else ""))
    for rec in table.to_dict("records"):
        date = f"  {calendar.finish_date(start, rec[finish])}" if start else ""
        print(f"{rec['step']:>4}{'*' if rec['efficient'] else ' '} {str(rec['added'])[:10]:<10} "
              f"{number(rec['mitigation_cost']):>12} {number(rec[cost]):>14}"
              + (f" {number(rec[finish], 1):>11}" if delays else "") + date)
