"""Risk drivers' factors in a register: three percentage columns per impact.

``schedule_factor_min``, ``schedule_factor_most_likely`` and ``schedule_factor_max``
(and ``cost_factor_*``) are percentages of the plan: ``95, 110, 140`` or ``95%, 110%,
140%``. Three values that all look like fractions are refused, never guessed.
"""

from __future__ import annotations

from typing import Any

from ..distributions import Distribution, Family, make_distribution
from ..exceptions import InputError
from .cells import NumberFormatError, parse_number, percentages
from .scores import explicit_value

__all__ = ["read_factor"]

_POINTS = ("min", "most_likely", "max")


def read_factor(row: Any, impact: str, family: Family, params: dict[str, float]
                ) -> Distribution | None:
    """Of a register ``row`` (its row reader): a risk driver's factor of the durations
    (``impact`` "schedule") or costs of its activities, as a ratio (1.1), from its three
    percentage columns; None when the row gives none (or its problems are reported)."""
    names = [f"{impact}_factor_{p}" for p in _POINTS]
    texts = [explicit_value(row.cell(n)) for n in names]
    if not any(texts):
        return None
    numbers = []
    for name, text in zip(names, texts):
        try:
            numbers.append(parse_number(text, decimal_comma=row.file.table.decimal_comma,
                                        allow_currency=False) if text else None)
        except NumberFormatError as exc:
            row.problem(name, f"{impact} factor is {exc}", text,
                         "write a percentage of the plan, such as 110 or 110%")
            return None
    given = [n for n in numbers if n is not None]
    plan = "durations" if impact == "schedule" else "costs"
    values, problem = percentages(given, f"the plan's {plan}")
    if problem:
        row.problem(names[0], problem, ", ".join(t for t in texts if t))
        return None
    triple: list[float | None] = []
    it = iter(values)
    for n in numbers:
        triple.append(None if n is None else next(it) / 100.0)
    a, m, b = triple
    if a is None and b is None and m is not None:
        a = b = m  # a most likely factor alone is a fixed factor
    if a is None or b is None:
        missing = names[0] if a is None else names[2]
        row.problem(missing, f"{impact} factor lacks its "
                     f"{'minimum' if a is None else 'maximum'}", "",
                     "give min, most likely and max percentages, or the most likely alone")
        return None
    if m is None and family.needs_mode:
        row.problem(names[1], f"{impact} factor lacks its most likely value", "",
                     "give one, or set the distribution to uniform")
        return None
    try:
        return make_distribution(family, a, 0.5 * (a + b) if m is None else m, b, **params)
    except InputError as exc:
        for p in exc.problems:
            row.problem(names[0], f"{impact} factor {p.message}",
                         ", ".join(t for t in texts if t), p.hint)
        return None
