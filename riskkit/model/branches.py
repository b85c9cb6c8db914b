"""Uncertain logic of a schedule: probabilistic branching (options of a branch group,
each a set of activities taken together with a probability: see
:class:`~riskkit.model.Activity`'s ``branch`` and ``branch_probability``) and uncertain
lags.

An uncertain (three-point) lag between A and B becomes a *lag activity* ``A→B lag``
(kind ``"lag"``, no cost) whose duration is the lag, linked so that B waits as the link
says: FS ``A -FS-> lag -FS-> B``; SS ``A -SS-> lag -FS-> B``; FF ``A -FS-> lag -FF-> B``;
SF ``A -SS-> lag -FF-> B``. The plan uses the lag's most likely value, as before; in a
simulation every iteration draws the lag, and reports list the lag activity like any
other (its criticality says when the wait drives the finish).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import Problem
from .activity import Activity, Link

__all__ = ["Branch", "branch_problems", "branches_of", "lag_activities"]

#: link types (into the lag activity, out of it) for each type of an uncertain lag
_LAG_LINKS = {"FS": ("FS", "FS"), "SS": ("SS", "FS"), "FF": ("FS", "FF"), "SF": ("SS", "FF")}


@dataclass(frozen=True)
class Branch:
    """A probabilistic branch: ``options`` are (name, probability, activity indexes);
    in each iteration at most one is taken (none with the rest of 100%)."""

    group: str
    options: tuple[tuple[str, float, tuple[int, ...]], ...]

    @property
    def probabilities(self) -> np.ndarray:
        return np.array([p for _, p, _ in self.options])


def _branch_key(text: str) -> tuple[str, str]:
    group, _, option = str(text).partition(":")
    group = group.strip()
    return group, option.strip() or group


def branches_of(activities: tuple[Activity, ...]) -> tuple[Branch, ...]:
    """The branches the activities' ``branch`` cells make, groups in order of first use."""
    groups: dict[str, dict[str, list[Any]]] = {}
    for i, a in enumerate(activities):
        if a.branch is None:
            continue
        group, option = _branch_key(a.branch)
        entry = groups.setdefault(group, {}).setdefault(option, [a.branch_probability, []])
        entry[1].append(i)
    return tuple(Branch(g, tuple((o, float(p), tuple(acts)) for o, (p, acts) in opts.items()))
                 for g, opts in groups.items())


def branch_problems(activities: tuple[Activity, ...], source: str, column: str
                    ) -> list[Problem]:
    """Options of one branch given different probabilities, and branches whose options
    add up to more than 100%."""
    problems = []
    seen: dict[tuple[str, str], Activity] = {}
    totals: dict[str, float] = {}
    for a in activities:
        if a.branch is None or a.branch_probability is None:
            continue
        key = _branch_key(a.branch)
        first = seen.setdefault(key, a)
        if first is a:
            totals[key[0]] = totals.get(key[0], 0.0) + float(a.branch_probability)
        elif not math.isclose(first.branch_probability or 0.0, a.branch_probability):
            problems.append(Problem(
                f"option '{key[1]}' of branch '{key[0]}' has probability "
                f"{first.branch_probability:.0%} on activity {first.id} and "
                f"{a.branch_probability:.0%} here", source=source, row=a.row,
                column=column, value=f"{a.branch_probability:g}",
                hint="the activities of one option are taken together: give them one "
                     "probability"))
    for group, total in totals.items():
        if total > 1.0 + 1e-9:
            options = [f"{k[1]} {a.branch_probability:.0%}" for k, a in seen.items()
                       if k[0] == group]
            last = [a for k, a in seen.items() if k[0] == group][-1]
            problems.append(Problem(
                f"the options of branch '{group}' add up to {total:.0%} "
                f"({', '.join(options)}): one of them is taken at most", source=source,
                row=last.row, column=column, value=f"{total:g}",
                hint="their probabilities must add up to 100% or less"))
    return problems


def lag_activities(activities: tuple[Activity, ...], links: tuple[Link, ...]
                   ) -> tuple[tuple[Activity, ...], tuple[Link, ...]]:
    """The activities and links with every uncertain lag made a lag activity (see the
    module's text)."""
    from dataclasses import replace

    from ..exceptions import InputError

    problems = []
    extra: list[Activity] = []
    out: list[Link] = []
    for lk in links:
        if lk.lag_range is None:
            out.append(lk)
            continue
        if lk.lag_range.low < 0:
            problems.append(Problem(
                f"an uncertain lag cannot be negative ({lk.predecessor} → {lk.successor})",
                row=lk.row, column="predecessors", value=f"{lk.lag_range.low:g}",
                hint="give a lead (negative lag) as a single value"))
            continue
        lag_id = f"{lk.predecessor}→{lk.successor} lag"
        extra.append(Activity(lag_id, lk.lag_range, most_likely=lk.lag, row=lk.row,
                              kind="lag", calendar=lk.lag_calendar))
        into, out_of = _LAG_LINKS[lk.type]
        out.append(replace(lk, successor=lag_id, type=into, lag=0.0, lag_range=None))
        out.append(replace(lk, predecessor=lag_id, type=out_of, lag=0.0, lag_range=None))
    if problems:
        raise InputError(problems)
    return (*activities, *extra), tuple(out)
