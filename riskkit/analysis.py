"""Which mitigations pay, and which risks drive the outcome.

Both questions are answered with variants of the baseline simulated on common random
numbers (:func:`riskkit.engine.simulate_variants`): a mitigation that changes nothing
shows a reduction of exactly 0, and differences between variants carry no sampling
noise from the risks they leave alone.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.stats as st

from .exceptions import InputError, OptionError, Problem
from .model import RiskRegister, Schedule
from .seeds import reported_seed
from .sim.changes import ChangeTable, VariantRun
from .sim.variants import simulate_variants

__all__ = ["rank_mitigations", "risk_drivers", "select_mitigations"]

RANKING_COLUMNS = (
    "rank", "id", "title", "owner", "mitigation", "mitigation_cost",
    "expected_cost_reduction", "p80_cost_reduction", "expected_delay_reduction",
    "p80_delay_reduction", "total_benefit", "net_benefit", "benefit_cost_ratio",
)


def _check_q(q: float, name: str = "percentile") -> float:
    if isinstance(q, bool) or not isinstance(q, (int, float, np.floating)) or not 0 < q < 1:
        raise OptionError(name, q, "a probability strictly between 0 and 1, e.g. 0.8")
    return float(q)


def _check_value_per_day(value: float | None) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
            not math.isfinite(value) or value < 0:
        raise OptionError("value_per_day", value, "a non-negative amount per working day")
    return float(value)


class RankingFrame(pd.DataFrame):
    """A ranking table that shows itself well in Jupyter."""

    @property
    def _constructor(self):  # keep the class through pandas operations
        return RankingFrame

    def _repr_html_(self) -> str:  # type: ignore[override]
        info = self.attrs.get("all_mitigations")
        head = ""
        if info:
            head = (f"<p><b>Mitigation ranking</b>: {len(self)} mitigations; all together "
                    f"cost {info['mitigation_cost']:,.0f} and cut the expected cost by "
                    f"{info['expected_cost_reduction']:,.0f} and the P80 delay by "
                    f"{info['p80_delay_reduction']:,.1f} days. Best value first.</p>")
        cols = ["rank", "id", "title", "mitigation_cost", "total_benefit", "net_benefit",
                "benefit_cost_ratio"]
        shown = pd.DataFrame(self)[[c for c in cols if c in self.columns]].head(15)
        body = shown.to_html(index=False, na_rep="—", float_format="{:,.1f}".format)
        return head + body + (f"<p>… and {len(self) - 15} more.</p>" if len(self) > 15 else "")


def _lerp(a: Any, b: Any, t: float) -> Any:
    """numpy's linear interpolation between neighbouring order statistics (the same
    operations as ``np.percentile``, so the same value to the last bit); a and b are
    numbers or arrays."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


class _Reductions:
    """Baseline minus variant: mean and a percentile, for sparse variants.

    A variant differs from the baseline in a few iterations only: its mean follows from
    the deltas, and its percentile from the baseline sorted once. Replacing m values
    moves any order statistic by at most m places, so the variant's percentile lies
    among the baseline's values near the baseline percentile and the variant's new
    values: a window around it, widened until it provably holds both order statistics
    the percentile interpolates, is all that is selected from. The value equals
    ``np.percentile`` of the variant's totals.
    """

    def __init__(self, base: np.ndarray, q: float):
        self.base, self.q = base, q
        self.finite = bool(np.isfinite(base).all())
        n = self.n = base.size
        order = np.argsort(base, kind="stable")
        self.sorted = base[order]
        self.rank = np.empty(n, dtype=np.intp)
        self.rank[order] = np.arange(n)
        virtual = (n - 1) * (100.0 * q / 100.0)  # as np.percentile computes it
        self.k0 = int(np.floor(virtual))
        self.k1 = min(self.k0 + 1, n - 1)
        self.t = float(virtual - self.k0)
        self.base_q = (_lerp(float(self.sorted[self.k0]), float(self.sorted[self.k1]), self.t)
                       if self.finite else float(np.percentile(base, 100 * q)))

    def __call__(self, pos: np.ndarray, delta: np.ndarray) -> tuple[float, float]:
        """Mean and percentile reductions of one variant: ``delta`` added at ``pos``."""
        mean, reduction = self.of_table(ChangeTable.single(pos, delta), 1)
        return float(mean[0]), float(reduction[0])

    def of_table(self, table: ChangeTable, which: int) -> tuple[np.ndarray, np.ndarray]:
        """Mean and percentile reductions of every variant of ``table`` (``which``:
        1 cost, 2 schedule). A variant's mean change is the sum of its changes in entry
        order, over n."""
        mean, reduction = np.zeros(table.count), np.zeros(table.count)
        if which == 2 and not table.has_schedule:
            return mean, reduction
        if self.finite:
            from .kernels.reductions import variant_reductions

            positions, changes = table.columns(which)
            total, changed, v0, v1 = variant_reductions(
                self.sorted, self.rank, self.base, self.k0, self.k1, positions, changes,
                table.slab, table.start, table.stop, table.ptr)
            mean[changed] = -total[changed] / self.n
            reduction[changed] = self.base_q - _lerp(v0[changed], v1[changed], self.t)
            for v in np.flatnonzero(changed & np.isnan(v0)).tolist():
                reduction[v] = self._plain(*table.layer(v, which))
            return mean, reduction
        for v in range(table.count):  # a baseline that is not finite: the plain way
            pos, d = table.layer(v, which)
            if d.any():
                mean[v] = -np.cumsum(d)[-1] / self.n
                reduction[v] = self._plain(pos, d)
        return mean, reduction

    def _plain(self, pos: np.ndarray, delta: np.ndarray) -> float:
        """The percentile reduction the plain way: the variant's totals in full."""
        variant = self.base.copy()
        variant[pos] += delta
        return self.base_q - float(np.percentile(variant, 100 * self.q))


def _reductions(run: VariantRun, q: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per variant: mean and q-percentile reductions of cost and of schedule."""
    table = run.changes
    cost_mean, cost_q = _Reductions(run.base_cost, q).of_table(table, 1)
    delay_mean, delay_q = _Reductions(run.base_schedule, q).of_table(table, 2)
    return cost_mean, cost_q, delay_mean, delay_q


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Free mitigations with a positive benefit first, then the others by benefit/cost
    ratio descending (ties by net benefit), then free ones without benefit; stable."""
    cost = frame["mitigation_cost"].to_numpy(dtype=float)
    free = cost <= 0
    positive = frame["total_benefit"].to_numpy(dtype=float) > 0
    group = np.where(free & positive, 0, np.where(free, 2, 1))
    ratio = frame["benefit_cost_ratio"].to_numpy(dtype=float)
    ratio = np.where(np.isnan(ratio), -np.inf, ratio)
    net = frame["net_benefit"].to_numpy(dtype=float)
    return frame.iloc[np.lexsort((-net, -ratio, group))]


def rank_mitigations(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    iterations: int = 10_000,
    rng: Any = None,
    value_per_day: float | None = None,
    percentile: float = 0.8,
    sampling: str = "lhs",
    progress: bool | None = None,
    executor: Any = None,
    workers: int | None = None,
    correlation: Any = None,
) -> pd.DataFrame:
    """Rank mitigations by value for money, each against the unmitigated baseline.

    One row per active risk with a mitigation (a text, a cost or any post-mitigation
    value). Each row is that risk alone mitigated, on the baseline's random numbers:

    - ``expected_cost_reduction``: mean(baseline cost - variant cost), gross of the
      mitigation cost; ``p80_cost_reduction``: P80(baseline) - P80(variant). Delay alike
      (working days). The ``p80`` columns use ``percentile``.
    - ``total_benefit`` = expected cost reduction + ``value_per_day`` x expected delay
      reduction; ``net_benefit`` = total benefit - mitigation cost;
      ``benefit_cost_ratio`` = total benefit / mitigation cost (NaN when free).
    - Order: free mitigations with a positive benefit first, then benefit/cost ratio
      descending, ties by net benefit.

    ``ranking.attrs["all_mitigations"]`` holds the same figures for every mitigation
    together, simulated as one variant (interactions included).

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> ranking = rk.rank_mitigations(reg, iterations=2_000, rng=1)
    >>> list(ranking["rank"][:3])
    [1, 2, 3]
    """
    q = _check_q(percentile)
    vpd = _check_value_per_day(value_per_day)
    active = register.active_risks
    chosen = [i for i, r in enumerate(active) if r.has_mitigation]
    variants = [{active[i].id: "mitigated"} for i in chosen]
    variants.append({active[i].id: "mitigated" for i in chosen})
    run = simulate_variants(register, schedule, variants, iterations=iterations, rng=rng,
                            sampling=sampling, progress=progress, label="rank mitigations",
                            executor=executor, workers=workers, correlation=correlation)
    costs = register.mitigation_costs()
    cost_mean, cost_q, delay_mean, delay_q = _reductions(run, q)
    label = f"p{round(q * 100):d}"
    own = costs[chosen]
    benefit = cost_mean[:-1] + vpd * delay_mean[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(own > 0, benefit / np.where(own > 0, own, 1.0), np.nan)
    picked = [active[i] for i in chosen]
    table = pd.DataFrame({
        "id": [r.id for r in picked], "title": [r.title for r in picked],
        "owner": [r.owner for r in picked], "mitigation": [r.mitigation for r in picked],
        "mitigation_cost": own,
        "expected_cost_reduction": cost_mean[:-1], f"{label}_cost_reduction": cost_q[:-1],
        "expected_delay_reduction": delay_mean[:-1], f"{label}_delay_reduction": delay_q[:-1],
        "total_benefit": benefit, "net_benefit": benefit - own, "benefit_cost_ratio": ratio,
    })
    table = _order(table).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    out = RankingFrame(table[[c.replace("p80", label) for c in RANKING_COLUMNS]])
    all_cost = float(own.sum())
    all_benefit = cost_mean[-1] + vpd * delay_mean[-1]
    out.attrs.update({
        "all_mitigations": {
            "mitigations": len(chosen), "mitigation_cost": all_cost,
            "expected_cost_reduction": float(cost_mean[-1]),
            f"{label}_cost_reduction": float(cost_q[-1]),
            "expected_delay_reduction": float(delay_mean[-1]),
            f"{label}_delay_reduction": float(delay_q[-1]),
            "total_benefit": float(all_benefit), "net_benefit": float(all_benefit - all_cost),
        },
        "iterations": int(iterations), "seed": reported_seed(run.seed_sequence),
        "seed_sequence": run.seed_sequence, "percentile": q,
        "value_per_day": vpd,
        "baseline": {"mean_cost": float(run.base_cost.mean()),  # noqa: E501
                     f"{label}_cost": float(np.percentile(run.base_cost, 100 * q)),
                     "mean_schedule": float(run.base_schedule.mean()),
                     f"{label}_schedule": float(np.percentile(run.base_schedule, 100 * q))},
    })
    return out


def select_mitigations(
    ranking_or_register: pd.DataFrame | RiskRegister,
    budget: float,
    schedule: Schedule | None = None,
    *,
    register: RiskRegister | None = None,
    iterations: int = 10_000,
    rng: Any = None,
    value_per_day: float | None = None,
    percentile: float = 0.8,
    sampling: str = "lhs",
    correlation: Any = None,
) -> pd.DataFrame:
    """Choose the mitigations to fund under ``budget``, maximising total benefit.

    The choice is an exact 0/1 knapsack on the ranking's ``total_benefit`` and
    ``mitigation_cost`` (branch and bound). Benefits of separate mitigations are not
    additive through a schedule network, so when the register is known (passed first,
    or as ``register=``) the chosen set is confirmed by one simulation of all of them
    together on the same random numbers; ``attrs["confirmed"]`` holds its figures.

    Returns the chosen rows of the ranking, with ``attrs`` summarising the selection.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> chosen = rk.select_mitigations(reg, 50_000, iterations=2_000, rng=1)
    >>> bool(chosen["mitigation_cost"].sum() <= 50_000)
    True
    """
    if isinstance(budget, bool) or not isinstance(budget, (int, float, np.floating)) or \
            not math.isfinite(budget) or budget < 0:
        raise OptionError("budget", budget, "a non-negative amount")
    if isinstance(ranking_or_register, RiskRegister):
        register = ranking_or_register
        ranking = rank_mitigations(register, schedule, iterations=iterations, rng=rng,
                                   value_per_day=value_per_day, percentile=percentile,
                                   sampling=sampling, correlation=correlation)
    elif isinstance(ranking_or_register, pd.DataFrame):
        ranking = ranking_or_register
        missing = {"id", "mitigation_cost", "total_benefit"} - set(ranking.columns)
        if missing:
            raise InputError(Problem("the ranking lacks columns " + ", ".join(sorted(missing)),
                                     hint="pass the result of rank_mitigations"))
    else:
        raise OptionError("ranking_or_register", type(ranking_or_register).__name__,
                          "a ranking DataFrame or a RiskRegister")
    costs = ranking["mitigation_cost"].fillna(0.0).to_numpy(dtype=float)
    benefits = ranking["total_benefit"].to_numpy(dtype=float)
    pick = knapsack(benefits, costs, float(budget))
    chosen = ranking.iloc[np.flatnonzero(pick)].reset_index(drop=True)
    attrs: dict[str, Any] = {
        "budget": float(budget), "mitigation_cost": float(costs[pick].sum()),
        "additive_total_benefit": float(benefits[pick].sum()),
    }
    if register is not None and pick.any():
        variant = {rid: "mitigated" for rid in chosen["id"]}
        seed = ranking.attrs.get("seed_sequence") if rng is None else rng
        run = simulate_variants(register, schedule, [variant], iterations=iterations,
                                rng=seed, sampling=sampling, correlation=correlation)
        q = _check_q(percentile)
        cost_mean, cost_q, delay_mean, delay_q = _reductions(run, q)
        vpd = _check_value_per_day(value_per_day)
        total = float(cost_mean[0] + vpd * delay_mean[0])
        label = f"p{round(q * 100):d}"
        attrs["confirmed"] = {
            "expected_cost_reduction": float(cost_mean[0]),
            f"{label}_cost_reduction": float(cost_q[0]),
            "expected_delay_reduction": float(delay_mean[0]),
            f"{label}_delay_reduction": float(delay_q[0]),
            "total_benefit": total, "net_benefit": total - attrs["mitigation_cost"],
        }
    chosen.attrs = attrs
    return chosen


def knapsack(values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray,
             capacity: float) -> np.ndarray:
    """Exact 0/1 knapsack by branch and bound (items sorted by value density, bounded
    by the fractional relaxation). Items with no positive value are never chosen; free
    items with a positive value always are. Returns a boolean mask."""
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    chosen = np.zeros(values.size, dtype=bool)
    free = (weights <= 0) & (values > 0)
    chosen[free] = True
    items = [i for i in range(values.size) if weights[i] > 0 and values[i] > 0
             and weights[i] <= capacity]
    items.sort(key=lambda i: values[i] / weights[i], reverse=True)
    v = [values[i] for i in items]
    w = [weights[i] for i in items]
    best_value, best_set = 0.0, []

    def bound(k: int, room: float, value: float) -> float:
        for j in range(k, len(items)):
            if w[j] <= room:
                room -= w[j]
                value += v[j]
            else:
                return value + v[j] * room / w[j]
        return value

    stack: list[tuple[int, float, float, list[int]]] = [(0, capacity, 0.0, [])]
    while stack:
        k, room, value, taken = stack.pop()
        if value > best_value + 1e-9:
            best_value, best_set = value, taken
        if k == len(items) or bound(k, room, value) <= best_value + 1e-9:
            continue
        stack.append((k + 1, room, value, taken))          # without item k
        if w[k] <= room:
            stack.append((k + 1, room - w[k], value + v[k], [*taken, k]))  # with it
    for j in best_set:
        chosen[items[j]] = True
    return chosen


def risk_drivers(
    register: RiskRegister,
    schedule: Schedule | None = None,
    *,
    iterations: int = 10_000,
    rng: Any = None,
    percentile: float = 0.8,
    sampling: str = "lhs",
    metric: str = "cost",
    progress: bool | None = None,
    executor: Any = None,
    workers: int | None = None,
    correlation: Any = None,
) -> pd.DataFrame:
    """Per risk, what removing it alone changes, and how it correlates with the totals.

    The risk-removal method (Hulett; Safran Risk): each active risk is removed on its
    own, on the baseline's random numbers. Columns (reductions are baseline minus
    without the risk): ``mean_cost_reduction``, ``p80_cost_reduction``,
    ``mean_delay_reduction``, ``p80_delay_reduction``; ``cost_spearman`` and
    ``schedule_spearman``, the rank correlation of the risk's impact (0 when it does not
    occur) with the total; ``cost_variance_share`` and ``schedule_variance_share``, the
    squared rank correlations normalised to 1 (Crystal Ball's contribution to variance).
    Sorted by the P80 reduction of ``metric`` ("cost" or "schedule"), largest first.

    Examples
    --------
    >>> import riskkit as rk
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> drivers = rk.risk_drivers(reg, iterations=2_000, rng=1)
    >>> drivers["p80_cost_reduction"].is_monotonic_decreasing
    True
    """
    q = _check_q(percentile)
    key = {"cost": "cost", "schedule": "delay", "delay": "delay", "duration": "delay"}.get(
        str(metric).lower())
    if key is None:
        raise OptionError("metric", metric, "'cost' or 'schedule'")
    active = register.active_risks
    variants = [{r.id: "removed"} for r in active]
    run = simulate_variants(register, schedule, variants, iterations=iterations, rng=rng,
                            sampling=sampling, keep_impacts=True, progress=progress,
                            label="risk drivers", executor=executor, workers=workers,
                            correlation=correlation)
    cost_mean, cost_q, delay_mean, delay_q = _reductions(run, q)
    label = f"p{round(q * 100):d}"
    rank_cost = st.rankdata(run.base_cost)
    rank_sched = st.rankdata(run.base_schedule)
    rho_cost, rho_sched = [], []
    assert run.impacts is not None
    for pos, cost_values, sched_values in run.impacts:
        rho_cost.append(_spearman(pos, cost_values, rank_cost))
        rho_sched.append(_spearman(pos, sched_values, rank_sched))
    rc, rs = np.array(rho_cost), np.array(rho_sched)
    table = pd.DataFrame({
        "id": [r.id for r in active], "title": [r.title for r in active],
        "owner": [r.owner for r in active], "probability": [r.probability for r in active],
        "mean_cost_reduction": cost_mean, f"{label}_cost_reduction": cost_q,
        "mean_delay_reduction": delay_mean, f"{label}_delay_reduction": delay_q,
        "cost_spearman": rc, "schedule_spearman": rs,
        "cost_variance_share": _shares(rc), "schedule_variance_share": _shares(rs),
    })
    table = table.sort_values(f"{label}_{key}_reduction", ascending=False, kind="stable")
    table = table.reset_index(drop=True)
    table.attrs.update({"iterations": int(iterations), "seed": reported_seed(run.seed_sequence),
                        "seed_sequence": run.seed_sequence, "percentile": q,
                        "metric": "cost" if key == "cost" else "schedule"})
    return DriversFrame(table)


class DriversFrame(pd.DataFrame):
    """A risk-drivers table that shows itself well in Jupyter."""

    @property
    def _constructor(self):
        return DriversFrame

    def _repr_html_(self) -> str:  # type: ignore[override]
        top = pd.DataFrame(self).head(10)
        label = next((c for c in self.columns if c.endswith("_cost_reduction")
                      and c.startswith("p")), "p80_cost_reduction")
        names = ", ".join(html.escape(f"{i} ({v:,.0f})") for i, v in zip(top["id"], top[label]))
        head = f"<p><b>Risk drivers</b> (risk removal, {label.split('_')[0].upper()}): {names}</p>"
        return head + top.to_html(index=False, float_format="{:,.3g}".format, na_rep="")


def _spearman(pos: np.ndarray, values: np.ndarray, total_ranks: np.ndarray) -> float:
    """Spearman correlation of a sparse impact (zero where absent) with a total."""
    n = total_ranks.size
    if pos.size == 0 or not np.any(values):
        return 0.0
    x = np.zeros(n)
    x[pos] = values
    rx = st.rankdata(x)
    if rx.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, total_ranks)[0, 1])


def _shares(rho: np.ndarray) -> np.ndarray:
    squares = rho**2
    total = squares.sum()
    return squares / total if total > 0 else np.zeros_like(rho)
