"""``riskkit portfolio``: every project of a manifest on common iterations, rolled up to
programmes and the portfolio, as a table or DESIGN.md's JSON."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

from .._format import number
from .._format import ratio as ratio_text
from ..analysis.portfolio import PortfolioResult, portfolio_drivers, simulate_portfolio
from ..analysis.portfolio_mitigations import (
    PortfolioRanking,
    PortfolioSelection,
    rank_portfolio_mitigations,
    select_portfolio_mitigations,
)
from ..io.portfolio import read_portfolio
from .inputs import progress
from .options import add_run_options, count, money, sheet_option
from .output import json_value, write

NAME = "portfolio"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="simulate a portfolio of projects; contingency by project, programme "
                   "and portfolio")
    p.add_argument("manifest", metavar="MANIFEST",
                   help="CSV or .xlsx, one row per project: project, programme, register, "
                        "schedule, start, currency, value_per_day, budget, deadline")
    p.add_argument("--sheet", help="worksheet of an .xlsx manifest (name or number from 1)")
    add_run_options(p, dates=False)
    p.add_argument("--correlation", metavar="FILE",
                   help="correlation groups (group, coefficient) for the correlation_group "
                        "columns of every project, a group correlating across projects; or "
                        "a correlation matrix between projects, its ids the project names")
    p.add_argument("--top", type=count, default=None, metavar="N",
                   help="also list the portfolio's N top risks (their contribution to "
                        "the portfolio's P80; one removal run per project)")
    p.add_argument("--rank", action="store_true",
                   help="also rank every project's mitigations (and the shared risks') by "
                        "value for money to the portfolio, on the run's random numbers")
    p.add_argument("--mitigation-budget", type=money, default=None, metavar="AMOUNT",
                   help="also choose the mitigations to fund across all projects within "
                        "this one budget (the selection rules of 'riskkit rank --budget')")
    p.add_argument("--objective", choices=["net", "benefit"], default="net",
                   help="with --mitigation-budget: 'net' (default) funds only what adds "
                        "net value given the others; 'benefit' the largest gross benefit")
    p.add_argument("--json", metavar="PATH|-", help="write the results as JSON ('-': stdout)")
    p.add_argument("-o", "--output", metavar="PACK.pdf",
                   help="write the portfolio pack (board summary, charts, a page per "
                        "programme) as PDF")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return p


def run(args: argparse.Namespace) -> int:
    pf = read_portfolio(args.manifest, sheet=sheet_option(args.sheet, "--sheet"))
    res = simulate_portfolio(pf, iterations=args.iterations, rng=args.seed,
                             sampling=args.sampling, workers=args.workers, executor=args.executor,
                             progress=progress(args), correlation=args.correlation)
    top = portfolio_drivers(pf, res).head(args.top) if args.top else None
    ranking = chosen = None
    if args.rank or args.mitigation_budget is not None:
        ranking = rank_portfolio_mitigations(pf, iterations=args.iterations,
                                             rng=res.seed_sequence, sampling=args.sampling,
                                             correlation=args.correlation)
    if args.mitigation_budget is not None:
        assert ranking is not None
        chosen = select_portfolio_mitigations(ranking, args.mitigation_budget,
                                              objective=args.objective)
    if args.json:
        data = res.to_dict()
        if top is not None:
            data["top_risks"] = [{k: json_value(v) for k, v in row.items()}
                                 for row in top.to_dict(orient="records")]
        if ranking is not None:
            data["mitigations"] = mitigations_json(ranking, chosen)
        write(args.json, json.dumps(data, indent=2) + "\n")
    if args.output:
        from ..report.portfolio import write_portfolio_pack
        write_portfolio_pack(res, args.output, footer=f"{pf.source}; {res.iterations:,} "
                             f"iterations, seed {res.seed}")
    if not args.quiet and args.json != "-":
        print(f"{pf.source}: {len(pf)} projects in {len(res.programmes)} programmes; "
              f"{res.iterations:,} iterations, seed {res.seed}")
        print(table(res))
        print(f"diversification benefit at P80: {res.money(res.diversification_benefit_p80)}"
              f" (sum of project contingencies "
              f"{res.money(sum(p.contingency_p80 for p in res.projects.values()))} − "
              f"portfolio's {res.money(res.portfolio.contingency_p80)})")
        print(f"allocated: the portfolio's P80 contingency shared by Euler allocation over "
              f"the {res.window:,} iterations around its P80, to the cent")
        if top is not None:
            print("top risks (contribution to the portfolio's P80 | mean):")
            for row in top.itertuples():
                print(f"  {res.money(row.contribution_p80):>12} | "
                      f"{res.money(row.contribution_mean):>12}  {row.project}  {row.id}  "
                      f"{row.title or ''}")
        if ranking is not None and (args.rank or chosen is None):
            print(ranking_table(ranking, res))
        if chosen is not None:
            print(textwrap.fill(chosen.describe(), width=100))
    return 0


def mitigations_json(ranking: PortfolioRanking, chosen: PortfolioSelection | None
                     ) -> dict[str, Any]:
    """The ranking's rows (with ``funded`` when a budget was given) and the selection."""
    funded = set(zip(chosen.table["project"], chosen.table["id"])) if chosen else set()
    rows = []
    for rec in ranking.table.to_dict(orient="records"):
        row = {k: json_value(v) for k, v in rec.items()}
        if chosen is not None:
            row["funded"] = (rec["project"], rec["id"]) in funded
        rows.append(row)
    return {"ranking": rows, "selection": None if chosen is None else chosen.to_dict()}


def ranking_table(ranking: PortfolioRanking, res: PortfolioResult) -> str:
    """The portfolio's mitigations, best first: cost, the cuts of the portfolio's
    expected and P80 cost, the value of the days cut, benefit, net and ratio."""
    lines = [f"mitigations across the portfolio ({len(ranking)}), each alone against the "
             f"unmitigated portfolio on the same random numbers; amounts in "
             f"{res.currency or 'the portfolio currency'}; benefit = expected cost cut + "
             f"value of the days cut (each project's value_per_day):",
             f"{'rank':>4}  {'project':<22} {'id':<10} {'cost':>9} {'E[cost cut]':>12} "
             f"{'P80 cut':>10} {'days value':>10} {'benefit':>10} {'net':>10} {'ratio':>6}"]
    for rec in ranking.table.to_dict(orient="records"):
        r = rec["benefit_cost_ratio"]
        lines.append(
            f"{rec['rank']:>4}  {str(rec['project'])[:22]:<22} {str(rec['id'])[:10]:<10} "
            f"{number(rec['mitigation_cost']):>9} {number(rec['expected_cost_reduction']):>12} "
            f"{number(rec['p80_cost_reduction']):>10} {number(rec['value_of_days_cut']):>10} "
            f"{number(rec['total_benefit']):>10} {number(rec['net_benefit']):>10} "
            f"{'free' if r != r else ratio_text(r):>6}")
    return "\n".join(lines)


def table(res: PortfolioResult) -> str:
    """Portfolio, programmes and their projects: cost P50 and P80, contingency, its
    allocation, P(within budget), the P80 schedule and P(every deadline met)."""
    head = ("", "cost P50", "cost P80", "contingency", "allocated", "P(budget)",
            "P80 days", "P(on time)")
    rows: list[tuple[str, ...]] = []

    def line(label: str, kind: str, name: str | None = None) -> None:
        lv = res.level(kind, name)
        c = lv.statistics("cost")
        pb, pt = lv.p_within_budget, lv.p_on_time
        rows.append((label, number(c["p50"]), number(c["p80"]), number(lv.contingency_p80),
                     number(lv.allocated), "" if pb is None else f"{pb:.0%}",
                     number(lv.statistics("schedule")["p80"], 1),
                     "" if pt is None else f"{pt:.0%}"))

    line("Portfolio", "portfolio")
    for prog, lv in res.programmes.items():
        line(f"  {prog}", "programme", prog)
        if lv.projects != (prog,):
            for p in lv.projects:
                line(f"    {p}", "project", p)
    width = max(len(r[0]) for r in rows) + 2
    cols = [max(len(h), *(len(r[i]) for r in rows)) + 2 for i, h in enumerate(head)]
    out = [f"{head[0]:<{width}}" + "".join(f"{h:>{w}}" for h, w in zip(head[1:], cols[1:]))]
    out += [f"{r[0]:<{width}}" + "".join(f"{v:>{w}}" for v, w in zip(r[1:], cols[1:]))
            for r in rows]
    return "\n".join(out)
