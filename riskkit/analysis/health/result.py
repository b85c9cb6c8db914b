"""What a health check returns: :class:`HealthCheck` (one check) and :class:`Health`
(all of them), with a table, a description, an HTML view and the JSON of
``riskkit check --json``.

The checks' words, rules and thresholds are data (``riskkit/io/words/health.json``);
:func:`rules` reads them, with a caller's thresholds in place of the file's.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..._format import plural
from ...exceptions import OptionError
from ...words import read_words

__all__ = ["Health", "HealthCheck", "Rule", "rules"]

#: how many flagged ids a line of text names before "…"
SHOWN_IDS = 6


@dataclass(frozen=True)
class Rule:
    """How one check is judged: its words (``metric``), ``rule`` ("at_most" or
    "at_least" the ``threshold``), ``unit`` ("share", "count" or "ratio"), how far it
    must fail to be ``severe`` (a share of the population, None: never), and its
    parameters (``days``, ``delay``, ``top``, ``share``)."""

    name: str
    metric: str
    rule: str
    unit: str
    threshold: float
    severe: float | None = None
    parameters: Mapping[str, Any] = field(default_factory=dict)

    def passes(self, value: float) -> bool:
        tol = 1e-9 * max(1.0, abs(self.threshold))
        if self.rule == "at_least":
            return value >= self.threshold - tol
        return value <= self.threshold + tol


def rules(subject: str, thresholds: Mapping[str, float] | None = None) -> dict[str, Rule]:
    """The rules of the ``subject``'s checks ("schedule" or "register"), in the file's
    order, with ``thresholds`` (``{name: value}``) in place of the file's."""
    table = read_words("health")[subject]
    thresholds = dict(thresholds or {})
    unknown = [k for k in thresholds if k not in table]
    if unknown:
        raise OptionError("thresholds", unknown[0], "a mapping of check names to thresholds; "
                          f"the {subject} checks are " + ", ".join(table))
    out = {}
    for name, entry in table.items():
        params = {k: v for k, v in entry.items()
                  if k not in ("metric", "rule", "unit", "threshold", "severe")}
        value = thresholds.get(name, entry["threshold"])
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
                value):
            raise OptionError(f"thresholds[{name!r}]", value, "a finite number")
        out[name] = Rule(name, entry["metric"].format(**params), entry["rule"], entry["unit"],
                         float(value), entry.get("severe"), params)
    return out


def hard_constraint_kinds() -> tuple[str, ...]:
    """The constraint kinds counted as hard (``health.json``)."""
    return tuple(read_words("health")["hard_constraints"])


@dataclass(frozen=True)
class HealthCheck:
    """One check: its ``name``, what it measures (``metric``), its ``value`` (a share
    from 0 to 1, a count or a ratio, as ``unit`` says; None when not applicable), the
    ``threshold`` and ``rule``, whether it ``passed``, and the ``ids`` it flags
    (activities or risks). ``count`` of ``total`` are the flagged and the counted.

    A check that cannot be computed (no data date, no baseline dates ...) is not
    ``applicable``: it never passes, ``note`` says why, and it fails nothing."""

    name: str
    metric: str = field(repr=False)
    value: float | None
    threshold: float
    rule: str
    unit: str
    ids: tuple[str, ...] = field(default=(), repr=False)
    count: int | None = None
    total: int | None = None
    note: str = ""
    subject: str = "schedule"
    severe: bool = False

    @property
    def applicable(self) -> bool:
        return self.value is not None

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return Rule(self.name, self.metric, self.rule, self.unit, self.threshold
                    ).passes(self.value)

    @property
    def failed(self) -> bool:
        return self.applicable and not self.passed

    @property
    def status(self) -> str:
        """``pass``, ``FAIL`` or ``n/a``."""
        return "n/a" if not self.applicable else "pass" if self.passed else "FAIL"

    def _text(self, value: float, threshold: bool = False) -> str:
        if self.unit == "share":
            text = f"{100 * value:.1f}%"
            if text.endswith(".0%") and threshold:
                text = text[:-3] + "%"
            if not threshold and self.failed:  # never rounded onto the threshold it fails
                digits = 1
                while digits < 6 and float(text[:-1]) / 100 == round(self.threshold, 6):
                    digits += 1
                    text = f"{100 * value:.{digits}f}%"
            return text
        if self.unit == "count":
            return f"{value:,.0f}"
        text = f"{value:.2f}"
        if not threshold and self.failed and float(text) == round(self.threshold, 2):
            text = f"{value:.4f}"
        return text

    @property
    def value_text(self) -> str:
        """The value as a table shows it: 3.2%, 12, 0.97; a dash when not applicable."""
        return "—" if self.value is None else self._text(self.value)

    @property
    def threshold_text(self) -> str:
        """``≤ 5%``, ``= 0``, ``≥ 0.95``."""
        sign = "≥" if self.rule == "at_least" else "≤"
        if self.rule == "at_most" and self.threshold == 0:
            sign = "="
        return f"{sign} {self._text(self.threshold, threshold=True)}"

    def ids_text(self, most: int = SHOWN_IDS) -> str:
        """The first flagged ids, "A, B, … (12)"; the note when none are flagged."""
        if not self.ids:
            return self.note
        shown = ", ".join(self.ids[:most])
        return shown + (f", … ({len(self.ids):,})" if len(self.ids) > most else "")

    def to_dict(self) -> dict[str, Any]:
        """The check as ``riskkit check --json`` writes it."""
        return {"name": self.name, "metric": self.metric, "value": self.value,
                "threshold": self.threshold, "passed": self.passed, "ids": list(self.ids),
                "applicable": self.applicable, "status": self.status, "unit": self.unit,
                "rule": self.rule, "count": self.count, "total": self.total,
                "note": self.note, "subject": self.subject}


def make_check(rule: Rule, subject: str, value: float | None, ids: Sequence[str] = (),
               count: int | None = None, total: int | None = None, note: str = ""
               ) -> HealthCheck:
    """A check of ``rule``: severe when it fails by at least the rule's ``severe`` share
    of its population (``count / total``)."""
    check = HealthCheck(rule.name, rule.metric, value, rule.threshold, rule.rule, rule.unit,
                        tuple(dict.fromkeys(ids)), count, total, note, subject)
    if rule.severe is not None and check.failed:
        share = (count / total) if count is not None and total else 1.0
        if share >= rule.severe:
            check = replace(check, severe=True)
    return check


def not_applicable(rule: Rule, subject: str, why: str) -> HealthCheck:
    return make_check(rule, subject, None, note=why)


@dataclass(frozen=True, eq=False)
class Health:
    """The health of a schedule or register (:func:`riskkit.check_schedule`,
    :func:`riskkit.check_register`), or of both (``a + b``): its ``checks`` in order.

    ``health["logic"]`` is one check; ``failed`` and ``not_applicable`` the checks that
    fail and those that could not be computed; ``passed`` is True when every check
    that applies passes.
    """

    checks: tuple[HealthCheck, ...]
    sources: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[HealthCheck]:
        return iter(self.checks)

    def __len__(self) -> int:
        return len(self.checks)

    def __getitem__(self, name: str) -> HealthCheck:
        for check in self.checks:
            if check.name == name:
                return check
        raise OptionError("name", name, "the name of a check: "
                          + ", ".join(c.name for c in self.checks))

    def __add__(self, other: Health) -> Health:
        return Health(self.checks + other.checks, self.sources + other.sources)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.checks)

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> tuple[HealthCheck, ...]:
        return tuple(c for c in self.checks if c.failed)

    @property
    def severe(self) -> tuple[HealthCheck, ...]:
        """The checks that fail by far (see ``severe`` in ``health.json``)."""
        return tuple(c for c in self.checks if c.severe)

    @property
    def not_applicable(self) -> tuple[HealthCheck, ...]:
        return tuple(c for c in self.checks if not c.applicable)

    def of(self, subject: str) -> Health:
        """The checks of one subject ("schedule" or "register")."""
        return Health(tuple(c for c in self.checks if c.subject == subject), self.sources)

    def to_dict(self) -> dict[str, Any]:
        """``{"checks": [{"name", "metric", "value", "threshold", "passed", "ids", ...}]}``,
        as ``riskkit check --json`` writes it (DESIGN.md)."""
        return {"checks": [c.to_dict() for c in self.checks]}

    def to_frame(self) -> pd.DataFrame:
        """One row per check: name, subject, metric, value, threshold, rule, unit,
        status, passed, applicable, count, total, ids, note."""
        rows = [{**c.to_dict(), "ids": c.ids} for c in self.checks]
        return pd.DataFrame(rows, columns=[
            "name", "subject", "metric", "value", "threshold", "rule", "unit", "status",
            "passed", "applicable", "count", "total", "ids", "note"])

    def counts(self) -> str:
        """"11 pass, 3 FAIL, 3 n/a"."""
        n_pass = sum(c.passed for c in self.checks)
        return (f"{n_pass} pass, {len(self.failed)} FAIL, {len(self.not_applicable)} n/a")

    def describe(self) -> str:
        """In words: how many checks pass, which fail (value against threshold) and
        which could not be computed, and why."""
        lines = [f"{', '.join(self.sources) or 'health'}: {plural(len(self), 'check')}: "
                 f"{self.counts()}."]
        if self.failed:
            lines.append("Failing: " + "; ".join(
                f"{c.name} {c.value_text} ({c.threshold_text})" for c in self.failed) + ".")
        if self.not_applicable:
            lines.append("Not applicable: " + "; ".join(
                f"{c.name} ({c.note})" for c in self.not_applicable) + ".")
        return " ".join(lines)

    def __repr__(self) -> str:
        return f"Health({', '.join(self.sources)!r}: {self.counts()})"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(c.name)}</td><td>{html.escape(c.value_text)}</td>"
            f"<td>{html.escape(c.threshold_text)}</td><td><b>{c.status}</b></td>"
            f"<td>{html.escape(c.ids_text())}</td><td>{html.escape(c.metric)}</td></tr>"
            for c in self.checks)
        return (f"<p><b>Health</b> {html.escape(', '.join(self.sources))}: "
                f"{html.escape(self.counts())}</p><table><tr><th>check</th><th>value</th>"
                f"<th>threshold</th><th>result</th><th>flagged</th><th>what is measured</th>"
                f"</tr>{rows}</table>")
