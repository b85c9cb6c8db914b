"""The pack's page of assumptions and method."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure

from .._format import money
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from .layout import INK, page

__all__ = ["method_page"]


def method_page(register: RiskRegister, schedule: Schedule | None, res: SimulationResult,
                 cur: str | None, footer: str, value_per_day: float | None) -> Figure:
    fig = page("Assumptions and method", footer)
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
        ("Risks",
         "Each active risk occurs in an iteration with its probability; if it occurs, its "
         "cost and delay are drawn from its three-point estimate, "
         + ("with the correlation below. " if res.correlation else "independently. ") +
         "Distributions used: " + ", ".join(f"{k} ({v})" for k, v in dists.items())
         + ". Triangular is the default; PERT is Beta-PERT with λ = 4. Opportunities are "
         f"negative impacts. Closed and realised risks left out: {closed}."),
        ("Correlation",
         res.correlation[0].upper() + res.correlation[1:] + ". It is induced by "
         "Iman–Conover reordering of the sampled values, so every distribution is "
         "unchanged; risk occurrences stay independent." if res.correlation else
         "None is modelled between risks: correlation arises only through shared "
         "activities in the schedule. Leaving out correlation that exists understates the "
         "spread, and so the contingency (riskkit --correlation FILE)."),
    ]
    if register.scale:
        text.append(("Qualitative scores",
                     f"Scores and labels in the register (such as High or 4) were turned "
                     f"into numbers with the {register.scale}: a probability level gives its "
                     f"most likely value, an impact level a triangular range."))
    if schedule is not None:
        text.append((
            "Schedule",
            "Activity durations are drawn from their three-point estimates and pass "
            "through the CPM forward pass with every link type (FS, SS, FF, SF) and lag; "
            "a risk on activities adds its drawn delay to each of them, so float can absorb "
            "it; a risk without activities delays the finish. Cost includes fixed costs and "
            "cost per day × duration. Criticality is the share of iterations in which an "
            "activity has zero total float. The joint confidence level is P(cost ≤ C and "
            "duration ≤ T) from the same iterations."))
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
         "mitigation cost. Risk drivers remove one risk at a time (Hulett's method). The "
         "frontier adds, at each step, the mitigation that buys the most P80 reduction per "
         "unit of spend together with those before it."),
        ("Currency",
         "Amounts are as written in the register"
         + (f" ({register.currency})" if register.currency else "")
         + "; riskkit does not convert currencies."),
        ("Sources",
         f"Register {register.source}"
         + (f"; schedule {schedule.source}" if schedule is not None else "") + "."),
    ]
    ax = fig.add_subplot()
    ax.axis("off")
    # a bold heading above each paragraph, placed in points down from the top of the
    # axes (so the layout engine's resizing does not change the spacing); 145
    # characters of 10 pt type fit the width of an A4 landscape page
    line = 10 * 1.45
    down = 0.0
    for heading, body in text:
        ax.annotate(heading, (0, 1), xycoords="axes fraction", xytext=(0, -down),
                    textcoords="offset points", fontsize=10, fontweight="bold", va="top",
                    color=INK)
        lines = textwrap.wrap(body, 145)
        ax.annotate("\n".join(lines), (0, 1), xycoords="axes fraction",
                    xytext=(0, -down - line), textcoords="offset points", fontsize=10,
                    va="top", color=INK, linespacing=1.45)
        down += line * (len(lines) + 1.8)
    return fig
