"""``riskkit validate``: read a register and/or a schedule and say what was read; of a
planning tool's schedule also its data date and finish, activities by kind and
progress, links by type, calendars and constraints."""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._format import amount, currency_symbol, number, plural
from ..correlation import Correlation
from ..model import Schedule
from .inputs import currency, load
from .options import add_input_options
from .output import left_out

NAME = "validate"

#: The activity kinds and progress states as the summary names them (one, several).
KIND_WORDS = {"task": ("task", "tasks"),
              "resource_dependent": ("resource-dependent task", "resource-dependent tasks"),
              "start_milestone": ("start milestone", "start milestones"),
              "finish_milestone": ("finish milestone", "finish milestones"),
              "level_of_effort": ("level of effort", "levels of effort"),
              "wbs_summary": ("WBS summary", "WBS summaries")}
STATUS_WORDS = {"not_started": "not started", "in_progress": "in progress",
                "complete": "complete"}


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
            if sch.timed:
                for line in planning_lines(sch):
                    print(f"  {line}")
            print(f"  critical path: {path_text(sch.critical_path())}")
            if sch.timed and sch.warnings:
                print(f"  {plural(len(sch.warnings), 'warning')} about the schedule "
                      f"(on standard error)")
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


def planning_lines(sch: Schedule) -> list[str]:
    """What a planning tool's schedule holds beyond the network: the data date and the
    deterministic finish, activities by kind and progress, links by type, calendars
    and constraints."""
    when = [f"finish {_moment(sch.dates().finish)} (deterministic, on the activities' "
            f"calendars)"]
    if sch.data_date is not None:
        when.insert(0, f"data date {_moment(sch.data_date)}")
    if sch.must_finish_by is not None:
        when.append(f"must finish by {_moment(sch.must_finish_by)}")
    kinds = Counter(a.kind for a in sch.activities)
    status = Counter(a.status for a in sch.activities)
    lines = ["; ".join(when),
             "activities: " + _counted(kinds, lambda k, n: KIND_WORDS[k][n != 1])
             + "; " + _counted(status, lambda k, n: STATUS_WORDS[k])]
    types = Counter(lk.type for lk in sch.links)
    lags = sum(lk.lag > 0 for lk in sch.links)
    leads = sum(lk.lag < 0 for lk in sch.links)
    if sch.links:
        lines.append("links: " + _counted(types, lambda k, n: k)
                     + (f"; {lags:,} with a lag" if lags else "")
                     + (f"; {leads:,} with a lead (a negative lag)" if leads else ""))
    own = sch.work_calendar.name
    calendars = Counter(a.calendar.name if a.calendar is not None else own
                        for a in sch.activities)
    shown = calendars.most_common(4)
    text = ", ".join(f"{name!r} {n:,}" for name, n in shown)
    if len(calendars) > len(shown):
        text += f" and {len(calendars) - len(shown)} more"
    cal = sch.calendar
    lines.append(f"calendars (activities on each): {text}"
                 + (f"; the schedule's, whose working days durations count: {cal.name!r}, "
                    f"{cal.hours_per_day:g} hours a day" if cal is not None else ""))
    constraints = Counter(c.kind for a in sch.activities for c in a.constraints)
    if constraints:
        lines.append("constraints: " + _counted(constraints,
                                                lambda k, n: k.replace("_", " ")))
    return lines


def path_text(path: Sequence[str], width: int = 200) -> str:
    """A critical path for a line of text: the whole of one that fits in ``width``
    characters, else its first activities, its last and how many."""
    if not path:
        return "none (every activity has float)"
    whole = " > ".join(path)
    if len(whole) <= width:
        return whole
    shown: list[str] = []
    while len(" > ".join([*shown, path[len(shown)]])) <= width // 2:
        shown.append(path[len(shown)])
    return " > ".join([*shown, "…", path[-1]]) + f" ({len(path):,} activities)"


def _counted(counts: Counter[str], word: Any) -> str:
    return ", ".join(f"{n:,} {word(k, n)}" for k, n in counts.most_common())


def _moment(value: np.datetime64) -> str:
    """2027-01-04, or 2027-01-04 08:00 when the time is not midnight."""
    text = str(value.astype("datetime64[m]")).replace("T", " ")
    return text[:10] if text.endswith(" 00:00") else text
