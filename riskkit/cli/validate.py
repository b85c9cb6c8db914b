"""``riskkit validate``: read a register and/or a schedule and say what was read."""

from __future__ import annotations

import argparse
from typing import Any

from .._format import amount, currency_symbol, number, plural
from ..correlation import Correlation
from .inputs import currency, load
from .options import add_input_options
from .output import left_out

NAME = "validate"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        NAME, help="check a register and/or schedule; report what was read")
    add_input_options(p, register_optional=True)
    return p


def run(args: argparse.Namespace) -> int:
    reg, sch, corr = load(args)
    if reg is not None and sch is not None:
        reg.check_activities(sch)
    if not args.quiet:
        if reg is not None:
            ev = reg.expected_value()
            print(f"{reg.source}: {plural(len(reg), 'risk')} read, "
                  f"{left_out(reg)}, {int(reg.has_mitigation.sum())} with a "
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
                  f"{amount(sch.base_cost(), currency_symbol(currency(args, reg)))}")
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
