"""The pack's pages of assumptions and method: what was read, assumed and computed, in
the terms a reviewer checks. Text flows onto a second page rather than into the footer."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .._format import money
from ..model import RiskRegister, Schedule
from ..model.weather import MONTH_NAMES
from ..result import SimulationResult
from .facts import activity_warning, calendar_text, scale_text, start_text
from .layout import Block, flow_pages

__all__ = ["method_pages", "method_sections"]


def method_sections(register: RiskRegister, schedule: Schedule | None,
                    res: SimulationResult, cur: str | None,
                    value_per_day: float | None) -> list[tuple[str, str]]:
    """The method page's (heading, paragraph) pairs."""
    dists = pd.Series([r.distribution for r in register.active_risks]).value_counts()
    se_cost = res.standard_error(0.8, "cost")
    se_sched = res.standard_error(0.8, "schedule")
    excluded = list(res.excluded)
    closed = (f"{len(excluded)} ({', '.join(map(str, excluded[:12]))}"
              f"{' …' if len(excluded) > 12 else ''})" if excluded else "none")
    text = [
        ("Iterations and sampling",
         f"{res.iterations:,} iterations, "
         f"{'Latin hypercube' if res.sampling == 'lhs' else 'plain Monte Carlo'} sampling, "
         f"seed {res.seed} (the same seed reproduces every number). Standard error of the "
         f"P80: cost {money(se_cost, cur)}, duration {se_sched:,.2f} days "
         f"({res.standard_error_method}); "
         + ("the P80s are converged to 1%." if res.converged() else
            "the P80s are NOT yet within 1%: run more iterations.")),
        ("Dates and calendar",
         f"Start: {start_text(res)}. Calendar: {calendar_text(res)}. Durations and delays are "
         "in working days; a duration of d working days finishes on working day d counted "
         "from the start day as day 1."),
        ("Risks",
         "Each active risk occurs in an iteration with its probability; if it occurs, its "
         "cost and delay are drawn from its three-point estimate, "
         + ("with the correlation below. " if res.correlation else "independently. ") +
         "Distributions used: " + ", ".join(f"{k} ({v})" for k, v in dists.items())
         + ". Triangular is the default; PERT is Beta-PERT with λ = 4. Opportunities are "
         f"negative impacts. Closed and realised risks left out: {closed}."),
        ("Qualitative scores", scale_text(register)[0].upper() + scale_text(register)[1:]
         + "."),
    ]
    if res.correlation:
        text.append(("Correlation",
                     res.correlation[0].upper() + res.correlation[1:] + ". It is induced by "
                     "Iman–Conover reordering of the sampled values, so every distribution "
                     "is unchanged; risk occurrences stay independent."))
    elif schedule is not None:
        text.append(("Correlation",
                     "None is modelled between risks: correlation arises only through shared "
                     "activities in the schedule. Leaving out correlation that exists "
                     "understates the spread, and so the contingency (riskkit --correlation "
                     "FILE)."))
    else:
        text.append(("Correlation",
                     "None is modelled: risks occur and vary independently of each other. "
                     "Leaving out correlation that exists understates the spread, and so the "
                     "contingency (riskkit --correlation FILE)."))
    structure = structure_text(register, schedule)
    if structure:
        text.append(("Risk drivers, branches and weather", structure))
    warning = activity_warning(register, schedule)
    if warning:
        text.append(("Warning: activities ignored", warning))
    if schedule is not None:
        text.append((
            "Schedule",
            "Activity durations are drawn from their three-point estimates and pass "
            "through the CPM forward pass with every link type (FS, SS, FF, SF) and lag; "
            "a risk on activities adds its drawn delay to each of them, so float can absorb "
            "it; a risk without activities delays the finish. Cost includes fixed costs and "
            "cost per day × duration. Criticality is the share of iterations in which an "
            "activity has zero total float; milestones (zero duration) are left out of the "
            "most critical activities. The joint confidence level is P(cost ≤ C and "
            "duration ≤ T) from the same iterations."))
    else:
        text.append((
            "Delay without a schedule",
            "Without a schedule the 'schedule' figures are the total delay: the sum of the "
            "drawn delays of the risks that occur in an iteration, added to the finish."))
    text += [
        ("Base and contingency",
         "The base is the plan without risks (most-likely durations; 0 without a "
         "schedule). Contingency at P80 is the P80 minus the base. Its split by kind is "
         "the Shapley value over estimate ranges and risk events (the P80 with each kind "
         "alone and with both, on the same random numbers); the risk part goes to each "
         "risk by its mean effect, if removed, over the iterations within 2.5% of the P80, "
         "scaled to add up, rounded to the cent by largest remainder."),
        ("Mitigations",
         "The mitigated scenario replaces pre-mitigation values with the post-mitigation "
         "ones and adds every mitigation's cost. Each mitigation is also valued on its own "
         "against the unmitigated baseline on the same random numbers (common random "
         "numbers): total benefit is the expected cost saving"
         + (f" plus {money(value_per_day, cur)} per working day saved"
            if value_per_day else "") + "; the benefit/cost ratio divides it by the "
         "mitigation cost. Risk drivers remove one risk at a time (Hulett's method); the "
         "tornado charts show opportunities as savings, to the left. The frontier adds, at "
         "each step, the mitigation that buys the most P80 reduction per unit of spend "
         "together with those before it."),
        ("Heat maps",
         "A risk is placed by its probability and its mean impact if it occurs, on the cost "
         "map by its cost and on the schedule map by its delay (before float); a risk "
         "without that impact is not on that map. Opportunities have a matrix of their "
         "own. The axes are labelled at the band edges; a value on an edge is in the band "
         "above it. A cell's level is its probability band times its impact band: low "
         "(1–4), medium (5–9), high (10–14), very high (15–25). Before and after mitigation "
         "share their bands."),
        ("What the results mean",
         "That page is written from the numbers by fixed rules (riskkit.report.meaning): "
         "chances in words by fixed bounds (under 5% very unlikely, under 35% unlikely, "
         "under 65% about as likely as not, under 95% likely), always with the count of "
         "outcomes; the risks needing most contingency until half of the risk part; the "
         "frontier's point of most net value; twice the standard error as the precision."),
        ("Currency",
         "Amounts are as written in the register"
         + (f" ({register.currency})" if register.currency else "")
         + "; riskkit does not convert currencies."),
        ("Sources",
         f"Register {register.source}"
         + (f"; schedule {schedule.source}" if schedule is not None else "") + "."),
    ]
    return text


def structure_text(register: RiskRegister, schedule: Schedule | None) -> str:
    """What the model holds beyond independent risk events: risk drivers, conditional
    and exclusive risks, uncertain logic and weather ("" when none)."""
    active = register.modelled_risks(schedule)
    drivers = [r.id for r in active if r.is_driver]
    conditional = [f"{r.id} (given {r.depends_on})" for r in active if r.depends_on]
    groups = sorted({r.exclusive_group for r in active if r.exclusive_group})
    parts = []
    if drivers:
        parts.append(f"{len(drivers)} risk drivers ({', '.join(drivers[:8])}) multiply the "
                     "durations (or costs) of the activities they name by one draw of their "
                     "factor per iteration, the same for all of them (Hulett's risk driver "
                     "method, AACE 57R-09); several drivers on one activity multiply")
    if conditional:
        parts.append("conditional risks occur only with the risk they depend on, with their "
                     "probability given it: " + ", ".join(conditional[:6]))
    if groups:
        parts.append(f"exclusive groups ({', '.join(groups[:6])}): at most one risk of a "
                     "group occurs in an iteration")
    if schedule is not None:
        branches = schedule.branches
        maybe = [a.id for a in schedule.activities if a.existence_probability < 1]
        lags = [a.id for a in schedule.activities if a.kind == "lag"]
        if branches:
            parts.append("probabilistic branches: " + "; ".join(
                f"{b.group} (" + ", ".join(f"{o} {p:.0%}" for o, p, _ in b.options) + ")"
                for b in branches[:4]) + "; activities of an option not taken take no time "
                "and cost nothing, and count as critical only where taken; the plan (base) "
                "includes every activity")
        if maybe:
            parts.append(f"{len(maybe)} activities exist with a probability "
                         f"({', '.join(maybe[:6])})")
        if lags:
            parts.append(f"{len(lags)} uncertain lags are lag activities ({', '.join(lags[:4])})")
        if schedule.weather is not None:
            rules = schedule.weather.rules
            parts.append("weather: " + "; ".join(
                f"{r.name}, {r.probability:.0%} a month in " + ", ".join(
                    MONTH_NAMES[m - 1].title() for m in r.months)
                + f", {r.lost.mean:.1f} days lost on average"
                for r in rules[:3]) + " (months of the activities' simulated dates before "
                "weather; every activity at work in a bad month loses that month's days)")
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def method_pages(register: RiskRegister, schedule: Schedule | None, res: SimulationResult,
                 cur: str | None, footer: str, value_per_day: float | None,
                 then: Sequence[Block] = ()) -> list[Figure]:
    """The method's page, or pages when it does not fit on one, and ``then`` (the
    glossary) after it."""
    blocks: list[Block] = []
    for heading, body in method_sections(register, schedule, res, cur, value_per_day):
        blocks.append(Block(heading, size=9.5, bold=True, before=5, keep=1))
        blocks.append(Block(body, size=9, before=0.5))
    return flow_pages("Assumptions and method", [*blocks, *then], footer)
