"""The ``riskkit`` command line: a thin layer over the library.

Exit codes: 0 success; 2 bad input or usage (a message naming file, row and column,
never a traceback); 1 an unexpected internal error.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import textwrap
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._format import amount, currency_code, currency_symbol, number, plural
from ._format import ratio as ratio_text
from ._version import __version__
from .analysis import efficient_frontier, rank_mitigations, select_mitigations
from .correlation import Correlation
from .distributions import FAMILIES
from .exceptions import InputError, InputWarning, OptionError, Problem, RiskkitError
from .io.correlation import read_correlation
from .io.export import safe_frame
from .io.register import read_register
from .io.schedule import read_schedule
from .model import Calendar, RiskRegister, Schedule, parse_day
from .report import write_charts, write_report
from .seeds import fresh_seed
from .sim import modelled_metrics, simulate
from .sim.correlation import resolve as resolve_correlation


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}\n{self.format_usage().strip()}")


def _column_map(items: list[str] | None, option: str = "--map") -> dict[str, str] | None:
    if not items:
        return None
    out = {}
    for item in items:
        header, sep, canonical = item.rpartition("=")
        if not sep or not header.strip() or not canonical.strip():
            raise _UsageError(f'{option} takes "Header as written=canonical_name"; '
                              f'got {item!r}')
        out[header.strip()] = canonical.strip()
    return out


def _add_input_options(p: argparse.ArgumentParser, register_optional: bool = False) -> None:
    if register_optional:
        p.add_argument("register", nargs="?", help="risk register: CSV or .xlsx (optional "
                                                   "when --schedule is given)")
    else:
        p.add_argument("register", help="risk register: CSV (any delimiter) or .xlsx")
    p.add_argument("--schedule", metavar="FILE",
                   help="activity schedule (CSV, .xlsx or a Primavera P6 .xer): durations, "
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
    g.add_argument("--schedule-map", action="append", metavar='"HEADER=column"',
                   help="map a schedule header to a riskkit column, e.g. --schedule-map "
                        "\"Task Code=id\" (repeatable; 'ignore' leaves a column out)")
    g.add_argument("--schedule-sheet", metavar="SHEET",
                   help="worksheet of an .xlsx schedule: its name, or its number counted "
                        "from 1 (default: the first)")
    g.add_argument("--schedule-delimiter", metavar="D",
                   help="CSV delimiter of the schedule (default: --delimiter, or detected)")
    g.add_argument("--schedule-decimal", choices=[".", ","],
                   help="decimal separator of the schedule (default: --decimal, or ',' in "
                        "';'-delimited files, else '.')")
    g.add_argument("--schedule-encoding", metavar="E",
                   help="text encoding of the schedule (default: --encoding, or detected)")
    g.add_argument("--project", metavar="NAME",
                   help="the project to read from a P6 XER schedule that holds several (its "
                        "short name or id); it also names the schedule's project")
    g.add_argument("--hours-per-day", type=_positive, default=8.0, metavar="H",
                   help="working hours in a day, for durations and lags in hours "
                        "(default 8)")
    g.add_argument("--days-per-week", type=_positive, default=5.0, metavar="D",
                   help="working days in a week, for durations in weeks and months "
                        "(default 5; a month is 52/12 weeks)")
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


def _positive(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text!r}")
    return value


def _count(text: str) -> int:
    """Iterations as people type them: 10000, 10,000 or 10_000."""
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _iterations(text: str) -> int | str:
    """-n: a count, or "auto" (run until the P80s converge)."""
    if text.strip().lower() == "auto":
        return "auto"
    return _count(text)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def _add_run_options(p: argparse.ArgumentParser, *, auto: bool = False,
                     dates: bool = True) -> None:
    p.add_argument("-n", "--iterations", type=_iterations if auto else _count, default=10_000,
                   help="Monte Carlo iterations (default 10,000)" + (
                       "; 'auto': run until the P80s are within 1%%" if auto else ""))
    p.add_argument("--seed", type=_seed, default=None,
                   help="random seed (0 or more); the same seed gives the same numbers")
    p.add_argument("--sampling", choices=["lhs", "random"], default="lhs",
                   help="Latin hypercube (default) or plain Monte Carlo")
    p.add_argument("--workers", type=_count, default=None, metavar="N",
                   help="run on N local processes (same numbers as one)")
    if dates:
        p.add_argument("--start", metavar="DATE",
                       help="project start (e.g. 2027-01-04): report finish dates; a "
                            "weekend day or holiday moves to the next working day")
        p.add_argument("--holidays", metavar="DATES",
                       help="comma-separated non-working days for the finish dates")
        order = p.add_mutually_exclusive_group()
        order.add_argument("--dayfirst", action="store_const", const=True, dest="dayfirst",
                           help="read dates such as 04/01/2027 day first (4 January)")
        order.add_argument("--monthfirst", action="store_const", const=False,
                           dest="dayfirst",
                           help="read dates such as 04/01/2027 month first (April 1)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="riskkit",
                     description="Quantitative project risk analysis: Monte Carlo cost and "
                                 "schedule exposure of a risk register.")
    parser.add_argument("--version", action="version", version=f"riskkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("validate", help="check a register and/or schedule; report what was read")
    _add_input_options(p, register_optional=True)

    p = sub.add_parser("simulate", help="simulate cost and schedule; print P10-P90")
    _add_input_options(p, register_optional=True)
    _add_run_options(p, auto=True)
    p.add_argument("--scenario", choices=["current", "mitigated"], default="current",
                   help="current (pre-mitigation, default) or mitigated values")
    p.add_argument("--json", metavar="PATH|-", help="write the summary as JSON ('-': stdout)")
    p.add_argument("--csv", metavar="PATH", help="write one row per iteration")
    p.add_argument("--pdf", metavar="PATH", help="write the charts of this run to a PDF")
    p.add_argument("--currency", help="currency of the amounts, for the printed table, the "
                                      "JSON and the charts, e.g. '£', 'GBP' or 'CHF ' "
                                      "(default: the register's, if it writes one)")

    p = sub.add_parser("report", help="write the steering-committee PDF pack")
    _add_input_options(p)
    _add_run_options(p)
    p.add_argument("-o", "--output", required=True, metavar="PACK.pdf", help="the PDF to write")
    p.add_argument("--title", help="title on the cover (default: from the register's name)")
    p.add_argument("--currency", help="currency symbol, e.g. '£' or 'CHF ' (default: the "
                                      "register's, if it writes one)")
    p.add_argument("--value-per-day", type=float, default=None, metavar="AMOUNT",
                   help="what a working day of delay is worth, for the mitigation values")

    p = sub.add_parser("rank", help="rank mitigations by value for money; choose which to fund")
    _add_input_options(p)
    _add_run_options(p)
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

    sub.add_parser("families", help="list the distribution families a register or "
                                    "schedule may name, and what their columns hold")
    return parser


def _sheet_option(text: str | None, option: str) -> str | int | None:
    """A sheet name, or a sheet number counted from 1 as a spreadsheet user counts
    (Python's ``sheet=`` counts from 0, as pandas does)."""
    if text is None or not text.strip().isdigit():
        return text
    number = int(text)
    if number < 1:
        raise _UsageError(f"riskkit: error: {option} {text}: sheets are counted from 1 "
                          f"(or give the sheet's name)")
    return number - 1


def _load(args: argparse.Namespace
          ) -> tuple[RiskRegister | None, Schedule | None, Correlation | str | None]:
    """Read the register, the schedule and the correlation, reporting the problems of
    all at once."""
    sheet = _sheet_option(args.sheet, "--sheet")
    if args.register is None and args.schedule is None:
        raise _UsageError("riskkit: error: give a risk register, a --schedule, or both")
    if getattr(args, "start", None) and args.schedule is None:
        raise _UsageError("riskkit: error: --start needs --schedule: finish dates come "
                          "from the activity network")
    _read_dates(args)
    problems: list[Problem] = []
    reg: RiskRegister | None = None
    sch: Schedule | None = None
    if args.register is not None:
        try:
            reg = read_register(args.register, columns=_column_map(args.map),
                                delimiter=args.delimiter, decimal=args.decimal,
                                encoding=args.encoding, sheet=sheet, scale=args.scale)
        except InputError as exc:
            problems += exc.problems
    if args.schedule is not None:
        schedule_sheet = _sheet_option(args.schedule_sheet, "--schedule-sheet")
        try:
            # --delimiter, --decimal and --encoding apply to both files unless the
            # --schedule-* options say otherwise; --map, --sheet and --scale are the
            # register's
            sch = read_schedule(
                args.schedule, columns=_column_map(args.schedule_map, "--schedule-map"),
                delimiter=args.schedule_delimiter or args.delimiter,
                decimal=args.schedule_decimal or args.decimal,
                encoding=args.schedule_encoding or args.encoding, sheet=schedule_sheet,
                project=args.project, hours_per_day=args.hours_per_day,
                days_per_week=args.days_per_week)
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


def _read_dates(args: argparse.Namespace) -> None:
    """--start and --holidays as dates, read with --dayfirst / --monthfirst."""
    dayfirst = getattr(args, "dayfirst", None)
    try:
        if getattr(args, "start", None):
            args.start = parse_day(args.start, "--start", dayfirst=dayfirst)
        if getattr(args, "holidays", None):
            args.holidays_list = [parse_day(h.strip(), "--holidays", dayfirst=dayfirst)
                                  for h in args.holidays.split(",") if h.strip()]
    except OptionError as exc:
        raise _UsageError(f"riskkit: error: {exc}") from None


def _holidays(args: argparse.Namespace) -> list[Any] | None:
    return getattr(args, "holidays_list", None) or None


def _progress(args: argparse.Namespace) -> bool | None:
    """Bars on a terminal for long runs; none with --quiet or when stderr is not a TTY."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return False
    return None


def _summary_table(res: Any) -> str:
    """The summary as :class:`~riskkit.result.Summary` shows it, in fixed columns: cost
    in the currency, days to one decimal, no row for a metric the inputs do not model."""
    s = res.summary()
    shown = s.shown()
    label = max([16, *(len(str(i)) + 1 for i in shown.index)])
    width = max([13, *(len(v) + 2 for v in shown.to_numpy().ravel())])
    lines = [" " * label + "".join(f"{c:>{width}}" for c in shown.columns)]
    for name, row in shown.iterrows():
        lines.append(f"{name!s:<{label}}" + "".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines + s.notes)


def _currency(args: argparse.Namespace, reg: RiskRegister | None) -> str | None:
    """The ISO code of the amounts: --currency, else the register's."""
    if getattr(args, "currency", None) is not None:
        return currency_code(args.currency)
    return reg.currency if reg is not None else None


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _left_out(reg: Any) -> str:
    """"2 closed" or "2 closed, 1 realised (an issue)": the risks a simulation leaves out."""
    realised = len(reg.realised_ids)
    return f"{len(reg.closed_ids)} closed" + (
        f", {realised} realised ({'an issue' if realised == 1 else 'issues'})"
        if realised else "")


def _cmd_validate(args: argparse.Namespace) -> int:
    reg, sch, corr = _load(args)
    if reg is not None and sch is not None:
        reg.check_activities(sch)
    if not args.quiet:
        if reg is not None:
            ev = reg.expected_value()
            print(f"{reg.source}: {plural(len(reg), 'risk')} read, "
                  f"{_left_out(reg)}, {int(reg.has_mitigation.sum())} with a "
                  f"mitigation" + (f"; amounts in {reg.currency}" if reg.currency else "")
                  + (f"; scores read with the {reg.scale}" if reg.scale else ""))
            print(f"  expected cost (sum of P x mean cost impact): "
                  f"{amount(ev['expected_cost'].sum(), currency_symbol(reg.currency))}")
            print(f"  expected delay (sum of P x mean delay, before any float): "
                  f"{number(ev['expected_delay'].sum(), 1)} days")
        if sch is not None:
            print(f"{sch.source}: {len(sch):,} activit{'y' if len(sch) == 1 else 'ies'}, "
                  f"{plural(len(sch.links), 'link')}; "
                  f"deterministic duration {number(sch.duration(), 1)} working days, "
                  f"base cost "
                  f"{amount(sch.base_cost(), currency_symbol(_currency(args, reg)))}")
            print(f"  critical path: {' > '.join(sch.critical_path())}")
        plan = getattr(args, "correlation_plan", None)
        if isinstance(corr, Correlation) and plan is not None:
            n_risks = sum(len(c.members) for c in plan.risks)
            n_acts = sum(len(c.members) for c in plan.activities)
            print(f"{corr.describe()}: {plural(n_risks, 'risk')} in "
                  f"{plural(len(plan.risks), 'correlated set')}, "
                  f"{n_acts:,} {'activity' if n_acts == 1 else 'activities'} in "
                  f"{plural(len(plan.activities), 'correlated set')}")
        print("  OK")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    reg, sch, corr = _load(args)
    holidays = _holidays(args)
    res = simulate(reg, sch, iterations=args.iterations, rng=args.seed, sampling=args.sampling,
                   scenario=args.scenario, start=args.start, holidays=holidays,
                   progress=_progress(args), workers=args.workers, correlation=corr)
    if _currency(args, reg) != res.currency:  # --currency names the amounts' currency
        res = dataclasses.replace(res, currency=_currency(args, reg))
    if args.json:
        _write(args.json, json.dumps(res.to_dict(), indent=2) + "\n")
    if args.csv:
        _write(args.csv, res.to_frame().to_csv(index=False, lineterminator="\n"))
    if args.pdf:
        cur = (args.currency if args.currency is not None
               else currency_symbol(reg.currency if reg is not None else None))
        write_charts(args.pdf, res, currency=cur, schedule=sch)
        if not args.quiet and args.json != "-" and args.csv != "-":
            print(f"wrote {args.pdf}: the charts of this run")
    if not args.quiet and args.json != "-" and args.csv != "-":
        what = []
        if reg is not None:
            what.append(f"{reg.source}: {plural(len(res.risk_ids), 'risk')}"
                        + (f" ({_left_out(reg)} left out)" if res.excluded else ""))
        if sch is not None:
            what.append(f"{sch.source}: {len(sch)} activities")
        print("; ".join(what) + f"; {res.iterations:,} iterations, {res.sampling}, "
              f"seed {res.seed}, scenario {res.scenario}")
        if res.correlation:
            print(res.correlation)
        print(_summary_table(res))
        sym = currency_symbol(res.currency)
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
            top = res.activity_table().head(5)
            print("most critical activities (share of iterations on a critical path"
                  + (f"; milestones left out: {_listed(res.milestones)}"
                     if res.milestones else "") + "):")
            for a, name, c in zip(top["id"], top["name"], top["criticality"]):
                print(f"  {c:>4.0%}  {a}  {name}")
    return 0


def _listed(ids: Sequence[str], most: int = 6) -> str:
    """"A01, A38" or "A01, A05, … (9)": ids for a line of text."""
    if len(ids) <= most:
        return ", ".join(ids)
    return ", ".join(ids[:most]) + f", … ({len(ids)})"


def _json_value(value: Any) -> Any:
    if isinstance(value, (float, np.floating)):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _target_finish(text: str | None, dayfirst: bool | None) -> Any:
    """A --target-finish: working days (a number) or a date (read as --start is)."""
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return parse_day(text, "--target-finish", dayfirst=dayfirst)


def _cmd_rank(args: argparse.Namespace) -> int:
    reg, sch, corr = _load(args)
    assert reg is not None
    holidays = _holidays(args)
    ranking = rank_mitigations(reg, sch, iterations=args.iterations, rng=args.seed,
                               value_per_day=args.value_per_day, sampling=args.sampling,
                               progress=_progress(args), workers=args.workers,
                               correlation=corr)
    chosen = None
    target = _target_finish(args.target_finish, getattr(args, "dayfirst", None))
    if args.budget is not None or target is not None or args.target_cost is not None:
        chosen = select_mitigations(ranking, args.budget, sch, register=reg,
                                    objective=args.objective, target_finish=target,
                                    target_cost=args.target_cost, start=args.start,
                                    holidays=holidays, correlation=corr)
    records = [{k: _json_value(v) for k, v in rec.items()}
               for rec in ranking.table.to_dict("records")]
    if chosen is not None:
        funded = set(chosen.ids)
        for rec in records:
            rec["funded"] = rec["id"] in funded
    if args.json:
        _write(args.json, json.dumps(records, indent=2) + "\n")
    if args.csv:
        frame = ranking.to_frame()
        if chosen is not None:
            frame["funded"] = frame["id"].isin(chosen.ids)
        _write(args.csv, safe_frame(frame).to_csv(index=False, lineterminator="\n"))
    if not args.quiet and args.json != "-" and args.csv != "-":
        sym = currency_symbol(_currency(args, reg))
        delays = "schedule" in modelled_metrics(reg, sch)
        _print_ranking(args, reg, ranking, corr, sym, delays)
        if chosen is not None:
            print(textwrap.fill(chosen.describe(currency=sym), width=100))
        if args.frontier:
            _print_frontier(efficient_frontier(ranking, sch, register=reg, correlation=corr),
                            args.start, sch, holidays, sym, delays)
    return 0


def _print_ranking(args: argparse.Namespace, reg: RiskRegister, ranking: Any,
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


def _print_frontier(frontier: Any, start: Any, sch: Schedule | None,
                    holidays: list[Any] | None, sym: str | None = None,
                    delays: bool = True) -> None:
    table = frontier.table
    cost, finish = frontier.cost_column, frontier.finish_column
    calendar = Calendar.of(holidays, default=sch.calendar if sch is not None else None)
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


def _cmd_report(args: argparse.Namespace) -> int:
    reg, sch, corr = _load(args)
    assert reg is not None
    holidays = _holidays(args)
    # drawn here, as simulate() would, so that the line below can say which seed it was
    seed = args.seed if args.seed is not None else fresh_seed()
    path = write_report(args.output, reg, sch, iterations=args.iterations, rng=seed,
                        title=args.title, currency=args.currency, start=args.start,
                        holidays=holidays, value_per_day=args.value_per_day,
                        sampling=args.sampling, progress=_progress(args),
                        workers=args.workers, correlation=corr)
    if not args.quiet:
        print(f"wrote {path}: the steering-committee pack for {reg.source}"
              + (f" and {sch.source}" if sch is not None else "")
              + f" ({args.iterations:,} iterations, seed {seed})")
    return 0


def _cmd_families(args: argparse.Namespace) -> int:
    width = max(60, shutil.get_terminal_size((100, 24)).columns)
    for fam in FAMILIES.values():
        print(f"{fam.name}" + (f"  (also: {', '.join(fam.aliases)})" if fam.aliases else ""))
        what = "value:probability pairs in the impact cell" if fam.pairs else fam.columns
        lines = [f"columns: {what}"
                 + ("" if fam.needs_mode or fam.pairs else "; no most likely value needed")]
        lines += [f"{p.name} column (default {p.default:g}): {p.description}"
                  for p in fam.parameters]
        if fam.notes:
            lines.append(fam.notes)
        for line in lines:
            print(textwrap.fill(line, width, initial_indent="    ",
                                subsequent_indent="      "))
    return 0


_COMMANDS = {"validate": _cmd_validate, "simulate": _cmd_simulate, "rank": _cmd_rank,
             "report": _cmd_report, "families": _cmd_families}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0, 1 or 2)."""
    parser = build_parser()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            args = parser.parse_args(argv)
            code = _COMMANDS[args.command](args)
        except _UsageError as exc:
            _flush(caught)
            print(str(exc), file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help and --version
            return int(exc.code or 0)
        except (InputError, RiskkitError, ValueError) as exc:
            _flush(caught)
            if not isinstance(exc, RiskkitError):
                return _internal(exc)
            print(f"riskkit: error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("riskkit: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            # The reader went away (riskkit ... | head): not an error of ours.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            _flush(caught)
            return _internal(exc)
    _flush(caught)
    return code


def _flush(caught: list[warnings.WarningMessage]) -> None:
    shown = set()
    for w in caught:
        text = str(w.message)
        if issubclass(w.category, InputWarning) and text not in shown:
            shown.add(text)
            print(f"riskkit: warning: {text}", file=sys.stderr)
    caught.clear()


def _internal(exc: BaseException) -> int:
    print(f"riskkit: internal error: {type(exc).__name__}: {exc}\n"
          "This is a bug in riskkit; please report it with the command you ran. "
          "Set RISKKIT_DEBUG=1 to see the traceback.", file=sys.stderr)
    if os.environ.get("RISKKIT_DEBUG"):
        import traceback
        traceback.print_exception(exc)
    return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
