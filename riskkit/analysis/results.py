"""What an analysis returns: typed results with a table, a summary and an HTML view.

Each result (:class:`Ranking`, :class:`Drivers`, :class:`Selection`) keeps the
``SeedSequence`` its runs drew from, so a follow-on run (a confirmation, a selection)
can draw the same numbers; :class:`Effect` and :class:`MitigationSet` are figures
inside them. Tables are read by the column
names of :mod:`riskkit.analysis.columns`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._format import amount, number, plural
from ..seeds import reported_seed
from . import columns as C

__all__ = ["Baseline", "Drivers", "Effect", "Frontier", "MitigationSet", "Ranking",
           "Selection"]


@dataclass(frozen=True)
class Effect:
    """What a change of the register does to the totals, against the baseline on the
    same random numbers: reductions (baseline minus changed) of the expected cost and
    duration and of their ``percentile``."""

    percentile: float
    expected_cost_reduction: float
    percentile_cost_reduction: float
    expected_delay_reduction: float
    percentile_delay_reduction: float

    def as_dict(self) -> dict[str, float]:
        """The reductions under their column names (``p80_cost_reduction`` ...)."""
        q = self.percentile
        return {C.EXPECTED_COST_REDUCTION: self.expected_cost_reduction,
                C.cost_reduction(q): self.percentile_cost_reduction,
                C.EXPECTED_DELAY_REDUCTION: self.expected_delay_reduction,
                C.delay_reduction(q): self.percentile_delay_reduction}


@dataclass(frozen=True)
class MitigationSet:
    """Some mitigations funded together, simulated as one variant (their interactions
    through the network and on the same risks included)."""

    ids: tuple[str, ...]
    mitigation_cost: float
    effect: Effect
    value_per_day: float = 0.0

    @property
    def total_benefit(self) -> float:
        """Expected cost reduction + value per day x expected delay reduction."""
        e = self.effect
        return e.expected_cost_reduction + self.value_per_day * e.expected_delay_reduction

    @property
    def net_benefit(self) -> float:
        """Total benefit minus what the mitigations cost."""
        return self.total_benefit - self.mitigation_cost

    def as_dict(self) -> dict[str, Any]:
        return {"mitigations": len(self.ids), "ids": list(self.ids),
                C.MITIGATION_COST: self.mitigation_cost, **self.effect.as_dict(),
                C.TOTAL_BENEFIT: self.total_benefit, C.NET_BENEFIT: self.net_benefit}


@dataclass(frozen=True)
class Baseline:
    """The unmitigated totals the reductions are measured from."""

    percentile: float
    mean_cost: float
    percentile_cost: float
    mean_schedule: float
    percentile_schedule: float


def _check_table(table: pd.DataFrame, needed: tuple[str, ...], what: str) -> pd.DataFrame:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        from ..exceptions import InputError, Problem

        raise InputError(Problem(f"{what} lacks columns " + ", ".join(missing),
                                 hint=f"build it with riskkit's {what} function"))
    return table.reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Ranking:
    """Mitigations ranked by value for money, each alone against the unmitigated
    baseline on the same random numbers (:func:`riskkit.rank_mitigations`).

    ``table`` has the columns of :func:`riskkit.analysis.columns.ranking_columns`, best
    first; ``all_mitigations`` is every mitigation together, simulated as one variant.
    """

    table: pd.DataFrame = field(repr=False)
    all_mitigations: MitigationSet = field(repr=False)
    baseline: Baseline = field(repr=False)
    iterations: int
    percentile: float
    value_per_day: float
    seed_sequence: np.random.SeedSequence = field(repr=False)
    sampling: str = "lhs"

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _check_table(
            self.table, C.ranking_columns(self.percentile), "rank_mitigations"))

    @property
    def seed(self) -> int | None:
        return reported_seed(self.seed_sequence)

    @property
    def cost_reduction_column(self) -> str:
        """The column of the percentile cost reduction (``p80_cost_reduction``)."""
        return C.cost_reduction(self.percentile)

    @property
    def delay_reduction_column(self) -> str:
        return C.delay_reduction(self.percentile)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.table[C.ID])

    def column(self, name: str) -> np.ndarray:
        """One column of the table as an array, best first."""
        return self.table[name].to_numpy()

    def row(self, risk_id: str) -> dict[str, Any]:
        """The ranking's row of risk ``risk_id``."""
        match = self.table[self.table[C.ID] == risk_id]
        if match.empty:
            from ..exceptions import OptionError

            raise OptionError("risk_id", risk_id, "the id of a ranked mitigation")
        return match.iloc[0].to_dict()  # type: ignore[no-any-return]

    def to_frame(self) -> pd.DataFrame:
        """The ranking table (a copy), best first."""
        return self.table.copy()

    def summary(self, top: int = 10) -> pd.DataFrame:
        """The best ``top`` mitigations: cost, benefit, net benefit and ratio."""
        cols = [C.RANK, C.ID, C.TITLE, C.MITIGATION_COST, C.TOTAL_BENEFIT, C.NET_BENEFIT,
                C.BENEFIT_COST_RATIO]
        return self.table[cols].head(top).set_index(C.RANK)

    def _repr_html_(self) -> str:
        info = self.all_mitigations
        head = (f"<p><b>Mitigation ranking</b>: {len(self)} mitigations; all together "
                f"cost {info.mitigation_cost:,.0f} and cut the expected cost by "
                f"{info.effect.expected_cost_reduction:,.0f} and the "
                f"{C.label(self.percentile).upper()} delay by "
                f"{info.effect.percentile_delay_reduction:,.1f} days. Best value first."
                f"</p>")
        body = self.summary(15).to_html(na_rep="—", float_format="{:,.1f}".format)
        more = f"<p>… and {len(self) - 15} more.</p>" if len(self) > 15 else ""
        return head + body + more

    def __repr__(self) -> str:
        return (f"Ranking({len(self)} mitigations, best {', '.join(self.ids[:3])}"
                f"{' …' if len(self) > 3 else ''}; {self.iterations:,} iterations)")


@dataclass(frozen=True, eq=False)
class Drivers:
    """Which risks drive the outcome (:func:`riskkit.risk_drivers`): per risk, what
    removing it alone changes, and how its impact correlates with the totals.

    ``table`` has the columns of :func:`riskkit.analysis.columns.drivers_columns`,
    sorted by the percentile reduction of ``metric``, largest first.
    """

    table: pd.DataFrame = field(repr=False)
    iterations: int
    percentile: float
    metric: str
    seed_sequence: np.random.SeedSequence = field(repr=False)
    sampling: str = "lhs"

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _check_table(
            self.table, C.drivers_columns(self.percentile), "risk_drivers"))

    @property
    def seed(self) -> int | None:
        return reported_seed(self.seed_sequence)

    def reduction_column(self, metric: str | None = None, kind: str = "percentile") -> str:
        """The column of ``metric``'s reduction (default: the table's metric)."""
        return C.reduction(metric or self.metric, self.percentile, kind)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.table[C.ID])

    def top(self, n: int = 10, metric: str | None = None) -> pd.DataFrame:
        """The ``n`` risks whose removal cuts ``metric``'s percentile most."""
        col = self.reduction_column(metric)
        return self.table.sort_values(col, ascending=False, kind="stable").head(n)

    def to_frame(self) -> pd.DataFrame:
        """The drivers table (a copy)."""
        return self.table.copy()

    def summary(self, top: int = 10) -> pd.DataFrame:
        """The ``top`` drivers: reductions of both percentiles and variance shares."""
        q = self.percentile
        cols = [C.ID, C.TITLE, C.cost_reduction(q), C.delay_reduction(q),
                C.COST_VARIANCE_SHARE, C.SCHEDULE_VARIANCE_SHARE]
        return self.table[cols].head(top).set_index(C.ID)

    def _repr_html_(self) -> str:
        top = self.table.head(10)
        col = self.reduction_column()
        names = ", ".join(html.escape(f"{i} ({v:,.0f})") for i, v in zip(top[C.ID], top[col]))
        head = (f"<p><b>Risk drivers</b> (risk removal, {C.label(self.percentile).upper()} "
                f"{self.metric}): {names}</p>")
        return head + self.summary().to_html(float_format="{:,.3g}".format, na_rep="")

    def __repr__(self) -> str:
        return (f"Drivers({len(self)} risks by {C.label(self.percentile)} {self.metric}, "
                f"top {', '.join(self.ids[:3])}; {self.iterations:,} iterations)")


@dataclass(frozen=True, eq=False)
class Selection:
    """Mitigations chosen (:func:`riskkit.select_mitigations`): their rows of the
    ranking, and the set simulated together when the register was known.

    ``objective`` is "net", "benefit" or "target". ``joint`` says whether sets were
    compared by simulating them together (True whenever the register was known);
    ``additive_total_benefit`` is the sum of the chosen rows' single benefits, which
    differs from ``confirmed.total_benefit`` when mitigations interact. For a target
    question, ``target`` is (metric, value, as written) and ``reached`` says whether the
    chosen set meets it; when it does not, the set is the one that came closest.
    """

    table: pd.DataFrame = field(repr=False)
    budget: float
    mitigation_cost: float
    additive_total_benefit: float
    confirmed: MitigationSet | None = None
    seed_sequence: np.random.SeedSequence | None = field(default=None, repr=False)
    """The ranking's random numbers, which the sets compared drew from too."""
    objective: str = "net"
    target: tuple[str, float, str] | None = None
    reached: bool | None = None
    joint: bool = False
    sets_evaluated: int = 0
    closest: MitigationSet | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.table[C.ID])

    @property
    def interaction(self) -> float | None:
        """Joint benefit minus the sum of the single benefits (None without a joint
        run): negative where mitigations overlap, positive where they only pay together."""
        if self.confirmed is None:
            return None
        return self.confirmed.total_benefit - self.additive_total_benefit

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        cols = [C.ID, C.TITLE, C.MITIGATION_COST, C.TOTAL_BENEFIT, C.NET_BENEFIT]
        return self.table[[c for c in cols if c in self.table.columns]].set_index(C.ID)

    def describe(self, currency: str | None = None) -> str:
        """One paragraph in words: what is funded, what it buys, and how it was chosen;
        amounts with ``currency`` (a symbol such as "£" or "CHF ") when given."""
        within = ("" if not np.isfinite(self.budget)
                  else f" within a budget of {amount(self.budget, currency)}")
        if self.target is not None:
            metric, _, written = self.target
            what = "P80 finish" if metric == "percentile_finish" else "P80 cost"
            if not self.reached:
                head = (f"No set of these mitigations{within} brings the {what} to "
                        f"{written}; the closest ({plural(len(self), 'mitigation')}, "
                        f"costing {amount(self.mitigation_cost, currency)}) is shown.")
            elif not len(self):
                head = f"The {what} already meets {written} without any mitigation."
            else:
                head = (f"The cheapest set found that brings the {what} to {written}: "
                        f"{', '.join(self.ids)} (cost {amount(self.mitigation_cost, currency)}; "
                        f"{self.sets_evaluated:,} sets compared).")
        elif not len(self):
            head = f"Fund nothing{within}: no set of mitigations adds net value."
        else:
            rule = ("the largest net value (benefit − cost)" if self.objective == "net"
                    else "the largest gross benefit")
            head = (f"Fund {', '.join(self.ids)}{within} (cost "
                    f"{amount(self.mitigation_cost, currency)}), chosen for {rule}.")
        if self.confirmed is None:
            return head + (" Benefits were treated as additive (no register given)."
                           if len(self) else "")
        m = self.confirmed
        text = (f"{head} Simulated together: benefit {amount(m.total_benefit, currency)}, net "
                f"{amount(m.net_benefit, currency)}")
        gap = self.interaction
        if gap is not None and len(self) > 1 and abs(gap) > 1e-6 * max(
                1.0, abs(self.additive_total_benefit)):
            text += (" (the single benefits add up to "
                     f"{amount(self.additive_total_benefit, currency)}: they "
                     f"{'overlap' if gap < 0 else 'pay more together'})")
        return text + "."

    def _repr_html_(self) -> str:
        return (f"<p>{html.escape(self.describe())}</p>"
                + self.summary().to_html(float_format="{:,.0f}".format))

    def __repr__(self) -> str:
        within = "" if not np.isfinite(self.budget) else f" within {number(self.budget)}"
        return (f"Selection({len(self)} mitigations{within} by {self.objective}: "
                f"{', '.join(self.ids[:5])})")


@dataclass(frozen=True, eq=False)
class Frontier:
    """Spend on mitigation against the percentile cost (spend included) and finish
    (:func:`riskkit.efficient_frontier`): one row per point, each a set of mitigations
    (``sets[k]``), from none to all; ``efficient`` marks the points that no cheaper
    point beats on both."""

    table: pd.DataFrame = field(repr=False)
    baseline: Baseline
    percentile: float
    value_per_day: float
    seed_sequence: np.random.SeedSequence | None = field(default=None, repr=False)
    sets: tuple[tuple[str, ...], ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        return len(self.table)

    @property
    def cost_column(self) -> str:
        return C.percentile_cost(self.percentile)

    @property
    def finish_column(self) -> str:
        return C.percentile_finish(self.percentile)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        return self.table.set_index("step")

    def _repr_html_(self) -> str:
        return (f"<p><b>Efficient frontier</b>: {len(self) - 1} mitigations added one at a "
                f"time by value per unit of spend.</p>"
                + self.summary().to_html(float_format="{:,.1f}".format))

    def __repr__(self) -> str:
        return f"Frontier({len(self)} points, {int(self.table['efficient'].sum())} efficient)"
