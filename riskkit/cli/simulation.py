"""``riskkit simulate``: cost and schedule P10-P90, as a table, JSON, CSV or charts."""

from __future__ import annotations

import argparse
import dataclasses
import json
from typing import Any

from .. import cli
from .._format import amount, currency_symbol, number, plural
from ..analysis.health import warn_before_simulating
from ..report import write_charts
from .inputs import currency, escalation, holidays, load, progress
from .office import add_office_options, wants_activity_detail, write_office
from .options import UsageError, add_escalation_options, add_input_options, add_run_options
from .output import left_out, listed, milestone_lines, summary_table, write

NAME = "simulate"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="simulate cost and schedule; print P10-P90")
    add_input_options(p, register_optional=True)
    add_run_options(p, auto=True)
    p.add_argument("--scenario", choices=["current", "mitigated"], default="current",
                   help="current (pre-mitigation, default) or mitigated values")
    p.add_argument("--json", metavar="PATH|-", help="write the summary as JSON ('-': stdout)")
    p.add_argument("--csv", metavar="PATH", help="write one row per iteration")
    p.add_argument("--pdf", metavar="PATH", help="write the charts of this run to a PDF")
    p.add_argument("--currency", help="currency of the amounts, for the printed table, the "
                                      "JSON and the charts, e.g. '£', 'GBP' or 'CHF ' "
                                      "(default: the register's, if it writes one)")
    add_escalation_options(p)
    p.add_argument("--cash-flow-csv", metavar="PATH",
                   help="write the time-phased cost by month: P10/P50/P90 of the spend in "
                        "each month and to date (escalated with --escalation; needs "
                        "--schedule)")
    add_office_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    reg, sch, corr = load(args)
    escalated = escalation(args, sch)
    if args.cash_flow_csv and sch is None:
        raise UsageError("riskkit: error: --cash-flow-csv places the activities' costs in "
                         "time: it needs a --schedule")
    phased = escalated is not None or bool(args.cash_flow_csv)
    warn_before_simulating(sch)  # a schedule that fails its health checks by far
    # the library's simulate, looked up on the package when called (riskkit.cli.simulate),
    # so that a test can stand an error in for it
    res = cli.simulate(reg, sch, iterations=args.iterations, rng=args.seed,
                       sampling=args.sampling, scenario=args.scenario, start=args.start,
                       holidays=holidays(args), progress=progress(args),
                       workers=args.workers, executor=args.executor, correlation=corr,
                       activity_detail=wants_activity_detail(args, sch) or phased)
    if currency(args, reg) != res.currency:  # --currency names the amounts' currency
        res = dataclasses.replace(res, currency=currency(args, reg))
    flow = res.cash_flow(escalation=escalated) if phased else None
    if args.json:
        out = res.to_dict()
        if escalated is not None and flow is not None:
            out["escalated_cost"] = {**flow.summary(), "escalation": escalated.label}
        write(args.json, json.dumps(out, indent=2) + "\n")
    if args.cash_flow_csv and flow is not None:
        write(args.cash_flow_csv, flow.table.to_csv(index=False, lineterminator="\n",
                                                    date_format="%Y-%m-%d"))
    if args.csv:
        write(args.csv, res.to_frame().to_csv(index=False, lineterminator="\n"))
    if args.pdf:
        cur = (args.currency if args.currency is not None
               else currency_symbol(reg.currency if reg is not None else None))
        write_charts(args.pdf, res, currency=cur, schedule=sch)
        if not args.quiet and args.json != "-" and args.csv != "-":
            print(f"wrote {args.pdf}: the charts of this run")
    said = write_office(args, reg, sch, res, corr)
    if not args.quiet and args.json != "-" and args.csv != "-":
        for line in said:
            print(line)
        what = []
        if reg is not None:
            drivers = sum(r.is_driver for r in reg.modelled_risks(sch))
            what.append(f"{reg.source}: {plural(len(res.risk_ids), 'risk')}"
                        + (f" and {plural(drivers, 'risk driver')}" if drivers else "")
                        + (f" ({left_out(reg)} left out)" if res.excluded else ""))
        if sch is not None:
            what.append(f"{sch.source}: {len(sch)} activities" + (
                f" (durations --uncertainty {args.uncertainty})" if args.uncertainty else "")
                + (f", weather {sch.weather.source}" if sch.weather is not None else ""))
        print("; ".join(what) + f"; {res.iterations:,} iterations, {res.sampling}, "
              f"seed {res.seed}, scenario {res.scenario}")
        if res.correlation:
            print(res.correlation)
        print(summary_table(res))
        sym = currency_symbol(res.currency)
        if escalated is not None and flow is not None:
            e = flow.summary()
            print(f"cost {escalated.label}: mean {amount(e['mean'], sym)}, P50 "
                  f"{amount(e['p50'], sym)}, P80 {amount(e['p80'], sym)}, P90 "
                  f"{amount(e['p90'], sym)}")
        if args.cash_flow_csv and args.cash_flow_csv != "-":
            print(f"wrote {args.cash_flow_csv}: the cash flow by month")
        shown = [m for m in ("cost", "schedule") if m in res.metrics]
        if shown:
            print("contingency at P80: " + ", ".join(
                f"cost {amount(res.contingency(0.8, 'cost'), sym)}" if m == "cost" else
                f"schedule {number(res.contingency(0.8, 'schedule'), 1)} days"
                for m in shown))
            print("standard error of the P80: " + ", ".join(
                f"cost {amount(res.standard_error(0.8, 'cost'), sym)}" if m == "cost" else
                f"schedule {number(res.standard_error(0.8, 'schedule'), 2)} days"
                for m in shown)
                + f" ({res.standard_error_method}"
                + ("" if res.converged() else "; not yet within 1%: run more iterations")
                + ")")
        if sch is not None:
            print(f"probability of meeting the base: cost "
                  f"{res.probability_within(res.base_cost, 'cost'):.0%}, duration "
                  f"{res.probability_within(res.base_schedule, 'schedule'):.0%}")
            if res.start is not None:
                print("finish dates: " + ", ".join(
                    f"P{q} {res.finish_date(q / 100)}" for q in (10, 50, 80, 90)))
                finish = res.finish_summary()
                if finish.deadline is not None:
                    print(f"must finish by {finish.deadline}: probability of meeting it "
                          f"{finish.p_meet:.0%}")
            for line in milestone_lines(res):
                print(line)
            top = res.activity_table().head(5)
            print("most critical activities (share of iterations on a critical path"
                  + (f"; milestones left out: {listed(res.milestones)}"
                     if res.milestones else "") + "):")
            for a, name, c in zip(top["id"], top["name"], top["criticality"]):
                print(f"  {c:>4.0%}  {a}  {name}")
    return 0
