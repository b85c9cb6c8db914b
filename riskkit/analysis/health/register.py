"""Register hygiene: what a PMO audits before a review (:func:`check_register`).

Every check reads the open risks: those a simulation draws (neither closed nor
realised). Expected values are PMBOK's, probability x mean impact, before mitigation
unless said otherwise. The checks report; they never change the register.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from ...model import RiskRegister, Schedule, parse_day
from ...model.status import words_key
from .result import Health, HealthCheck, Rule, make_check, not_applicable, rules

__all__ = ["check_register"]

_SUBJECT = "register"


def check_register(register: RiskRegister, schedule: Schedule | None = None, *,
                   as_of: Any = None, value_per_day: float | None = None,
                   thresholds: Mapping[str, float] | None = None) -> Health:
    """The hygiene of a risk register: open risks without an owner, top risks without
    a response, reviews overdue, probabilities of exactly 0 or 1, single-point impacts
    on large risks, duplicate titles, open risks on activities that have all finished
    (with the ``schedule``), and mitigations that cost more than the expected exposure
    they remove.

    ``as_of`` (a date; default today) is the day review dates are judged against;
    ``value_per_day`` values the days a mitigation saves (without it, a mitigation that
    saves days is not judged on cost); ``thresholds`` (``{name: value}``) replace those
    of ``riskkit/io/words/health.json``. A check without the data it needs (no review
    dates, no schedule) is not applicable, never passed.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> health = rk.check_register(reg)
    >>> health["missing_owner"].value, health["overdue_review"].applicable
    (0.0, False)
    """
    day = parse_day(as_of if as_of is not None else _dt.date.today(), "as_of")
    table = rules(_SUBJECT, thresholds)
    context = _Context(register, schedule, day, value_per_day)
    checks = [_CHECKS[name](context, rule) for name, rule in table.items()]
    return Health(tuple(checks), (register.source,))


class _Context:
    def __init__(self, register: RiskRegister, schedule: Schedule | None, day: np.datetime64,
                 value_per_day: float | None) -> None:
        self.register, self.schedule, self.day = register, schedule, day
        self.value_per_day = value_per_day
        self.open = register.active_risks


def _count(rule: Rule, flagged: list[str], total: int, note: str = "") -> HealthCheck:
    flagged = list(dict.fromkeys(flagged))
    return make_check(rule, _SUBJECT, float(len(flagged)), flagged, len(flagged), total, note)


def _missing_owner(c: _Context, rule: Rule) -> HealthCheck:
    return _count(rule, [r.id for r in c.open if not (r.owner or "").strip()], len(c.open))


def _top(c: _Context, top: int) -> list[str]:
    """The ``top`` largest threats by expected cost, then those by expected delay."""
    out: list[str] = []
    for measure in ("expected_cost", "expected_delay"):
        threats = [(getattr(r.current, measure), i) for i, r in enumerate(c.open)]
        threats = sorted((t for t in threats if t[0] > 0), key=lambda t: (-t[0], t[1]))
        out += [c.open[i].id for _, i in threats[:top]]
    return list(dict.fromkeys(out))


def _missing_response(c: _Context, rule: Rule) -> HealthCheck:
    top = _top(c, int(rule.parameters["top"]))
    by_id = {r.id: r for r in c.open}
    return _count(rule, [x for x in top if not by_id[x].has_mitigation], len(top))


def _overdue_review(c: _Context, rule: Rule) -> HealthCheck:
    dated = [r for r in c.open if r.review_date is not None]
    if not dated:
        return not_applicable(rule, _SUBJECT, "no risk has a review date")
    undated = len(c.open) - len(dated)
    note = f"{undated:,} open {'risk has' if undated == 1 else 'risks have'} no review date" \
        if undated else ""
    return _count(rule, [r.id for r in dated if r.review_date < c.day], len(dated), note)


def _extreme_probability(c: _Context, rule: Rule) -> HealthCheck:
    # a risk driver at 100% is the rule, not a slip: it is a range, not an event
    events = [r for r in c.open if not r.is_driver]
    drivers = len(c.open) - len(events)
    note = (f"{drivers:,} risk {'driver' if drivers == 1 else 'drivers'} not judged (a "
            "driver at 100% is usual)" if drivers else "")
    return _count(rule, [r.id for r in events if r.probability in (0.0, 1.0)], len(events),
                  note)


def _single_point_impact(c: _Context, rule: Rule) -> HealthCheck:
    share = float(rule.parameters["share"])
    flagged: list[str] = []
    large: set[str] = set()
    for impact, measure in (("cost", "expected_cost"), ("schedule", "expected_delay")):
        values = [abs(getattr(r.current, measure)) for r in c.open]
        total = sum(values)
        if not total > 0:
            continue
        for r, v in zip(c.open, values):
            if v >= share * total:
                large.add(r.id)
                d = getattr(r, impact)
                if d is not None and d.is_fixed:
                    flagged.append(r.id)
    order = {r.id: i for i, r in enumerate(c.open)}
    return _count(rule, sorted(set(flagged), key=order.__getitem__), len(large))


def _duplicate_title(c: _Context, rule: Rule) -> HealthCheck:
    groups: dict[str, list[str]] = {}
    for r in c.open:
        key = words_key(r.title or "")
        if key:
            groups.setdefault(key, []).append(r.id)
    shared = [ids for ids in groups.values() if len(ids) > 1]
    note = "; ".join(" = ".join(ids) for ids in shared[:3])
    return _count(rule, [x for ids in shared for x in ids], len(c.open), note)


def _stale_open(c: _Context, rule: Rule) -> HealthCheck:
    s = c.schedule
    if s is None:
        return not_applicable(rule, _SUBJECT, "no schedule")
    on = [r for r in c.open if any(x in s for x in r.activities)]
    if not on:
        return not_applicable(rule, _SUBJECT, "no open risk names activities of the schedule")
    if all(a.status == "not_started" for a in s.activities):
        return not_applicable(rule, _SUBJECT, "the schedule records no progress")
    flagged = [r.id for r in on
               if all(s.activity(x).status == "complete" for x in r.activities if x in s)]
    return _count(rule, flagged, len(on))


def _mitigation_cost(c: _Context, rule: Rule) -> HealthCheck:
    # a risk driver's exposure is a factor of activities, not an amount: the ranking
    # (which simulates it) judges its mitigation, this table cannot
    paid = [r for r in c.open if r.mitigation_cost and not r.is_driver]
    flagged, unjudged = [], 0
    for r in paid:
        before, after = r.current, r.exposure("mitigated")
        cost_cut = before.expected_cost - after.expected_cost
        days_cut = before.expected_delay - after.expected_delay
        if days_cut > 1e-12 and c.value_per_day is None:
            if cost_cut + 1e-9 < float(r.mitigation_cost):  # type: ignore[arg-type]
                unjudged += 1
            continue
        removed = cost_cut + (c.value_per_day or 0.0) * days_cut
        if float(r.mitigation_cost) > removed + 1e-9:  # type: ignore[arg-type]
            flagged.append(r.id)
    note = (f"{unjudged:,} {'mitigation that saves' if unjudged == 1 else 'mitigations that save'}"
            f" days cost more than the cost exposure they remove: not judged without a value "
            f"per day" if unjudged else "")
    return _count(rule, flagged, len(paid), note)


_CHECKS = {
    "missing_owner": _missing_owner,
    "missing_response": _missing_response,
    "overdue_review": _overdue_review,
    "extreme_probability": _extreme_probability,
    "single_point_impact": _single_point_impact,
    "duplicate_title": _duplicate_title,
    "stale_open": _stale_open,
    "mitigation_cost": _mitigation_cost,
}
