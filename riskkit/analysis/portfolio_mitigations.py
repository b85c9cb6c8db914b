"""Mitigations across a portfolio: ranked on common random numbers, and chosen under
one portfolio budget by the selection rules of a single project.

A candidate is a mitigation of one project's risk (``project``, ``id``), or of a shared
risk (project ``*``): that one is mitigated in every project it hits, and its
mitigation cost counts once. A set of candidates is evaluated by simulating, for each
project it touches, the project's own mitigations of the set together as one variant
of the project's run (:func:`riskkit.sim.simulate_variants`, the portfolio's seed and
iterations: the baseline is the project's run in :func:`simulate_portfolio`), and
adding each project's per-iteration change (in the portfolio's currency) to the
portfolio's totals. So mitigations in one project interact as they do in a project's
own selection, and mitigations in different projects combine per iteration.

The figures of a set, against the unmitigated portfolio:

- ``expected_cost_reduction``: mean(portfolio cost − with the set), gross of the
  mitigation costs; ``p80_cost_reduction``: P80 of the portfolio's cost minus the P80
  with the set.
- ``expected_delay_reduction``, ``p80_delay_reduction``: the same of the portfolio's
  finish (its latest project finish, working days from its earliest start).
- ``value_of_days_cut``: each project's expected reduction of its own duration times
  its ``value_per_day`` (the manifest's; 0 without), added over the projects.
- ``total_benefit`` = expected cost reduction + value of days cut; ``net_benefit`` =
  total benefit − mitigation cost; ``benefit_cost_ratio`` = total benefit / cost.

Selection (:func:`select_portfolio_mitigations`) is
:func:`riskkit.analysis.selection.best_net` (``objective="net"``: every set within the
budget when there are at most ``EXACT_LIMIT`` candidates, else the forward and backward
search, so nothing funded has a marginal net value ≤ 0 given the others) or the exact
knapsack on the single benefits confirmed together (``objective="benefit"``), over the
portfolio's candidates.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._format import amount, currency_symbol, plural
from ..exceptions import InputWarning, OptionError
from ..model import Portfolio
from ..model.portfolio import SHARED
from ..seeds import reported_seed
from ..sim import RunOptions, simulate_variants
from . import columns as C
from .portfolio import project_orders, split_correlation, start_offsets
from .ranking import check_percentile, knapsack, order
from .results import Baseline, Effect
from .selection import OBJECTIVES, SetEvaluator, SetValue, best_net

__all__ = ["PortfolioRanking", "PortfolioSelection", "rank_portfolio_mitigations",
           "select_portfolio_mitigations"]

PROJECT = "project"
#: each project's expected days cut times its value per day, added over the projects
VALUE_OF_DAYS_CUT = "value_of_days_cut"


@dataclass(frozen=True)
class _Candidate:
    key: str
    project: str  # a project's name, or SHARED
    id: str
    title: str | None
    owner: str | None
    mitigation: str | None
    cost: float  # in the portfolio's currency
    members: tuple[int, ...]  # the projects (indices) whose register it mitigates


@dataclass(frozen=True)
class _Model:
    """One project as the evaluator sees it: its run's baseline and its variants."""

    index: int
    project: Any
    rate: float
    value_per_day: float
    shift: int
    base_cost: np.ndarray
    base_schedule: np.ndarray
    #: a set of the project's risk ids -> (iterations, cost change, schedule change)
    variants: dict[frozenset[str], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict)


@dataclass(frozen=True)
class _PortfolioSetValue(SetValue):
    """A set's figures; its benefit values each project's days cut at its own rate."""

    time_value: float = 0.0

    @property
    def benefit(self) -> float:
        return self.effect.expected_cost_reduction + self.time_value


class _PortfolioEvaluator(SetEvaluator):
    """Sets of candidates (by key), each project's part simulated once per distinct
    set of its risk ids, on the portfolio's random numbers."""

    def __init__(self, portfolio: Portfolio, options: RunOptions, percentile: float):
        options, between = split_correlation(portfolio, options)
        self.options = options.replace(progress=False)
        self.q = percentile
        self.vpd = 0.0
        self.cache = {}
        self.baseline = None
        self.runs = 0
        offsets = start_offsets(portfolio)
        self.models: list[_Model] = []
        self.candidates: dict[str, _Candidate] = {}
        shared: dict[str, list[int]] = {}
        runs = [self._simulate(p, []) for p in portfolio]
        costs = {p.name: run.base_cost * (p.exchange_rate or 1.0)
                 if (p.exchange_rate or 1.0) != 1.0 else run.base_cost
                 for p, run in zip(portfolio, runs)}
        #: a project of a matrix between projects: its iterations in the portfolio's
        #: order, and where each of its own iterations went
        orders = project_orders(costs, between, options.seed) if between else {}
        self.where: dict[int, np.ndarray] = {}
        for j, (p, run) in enumerate(zip(portfolio, runs)):
            rate = p.exchange_rate or 1.0
            cost, schedule = costs[p.name], run.base_schedule
            if p.name in orders:
                take = orders[p.name]
                cost, schedule = cost[take], schedule[take]
                self.where[j] = np.argsort(take)
            self.models.append(_Model(j, p, rate, (p.value_per_day or 0.0) * rate,
                                      offsets[p.name], cost, schedule))
            if p.register is None:
                continue
            for r in p.register.active_risks:
                if not r.has_mitigation:
                    continue
                if r.project == SHARED:
                    shared.setdefault(r.id, []).append(j)
                    if len(shared[r.id]) > 1:
                        continue
                key = f"{SHARED if r.project == SHARED else p.name}: {r.id}"
                self.candidates[key] = _Candidate(
                    key, SHARED if r.project == SHARED else p.name, r.id, r.title, r.owner,
                    r.mitigation, (r.mitigation_cost or 0.0) * rate, (j,))
        for rid, members in shared.items():
            key = f"{SHARED}: {rid}"
            self.candidates[key] = _replace_members(self.candidates[key], tuple(members))
        self.costs = {k: c.cost for k, c in self.candidates.items()}
        # summed and maximised as simulate_portfolio rolls them up, to the last bit
        self.base_cost = self.models[0].base_cost.copy()
        for m in self.models[1:]:
            self.base_cost += m.base_cost
        first = min(m.shift for m in self.models)
        self.shifted = [m.base_schedule + (m.shift - first) for m in self.models]
        self.base_finish = np.max(self.shifted, axis=0)
        q = 100 * percentile
        self.baseline = Baseline(percentile, float(self.base_cost.mean()),
                                 float(np.percentile(self.base_cost, q)),
                                 float(self.base_finish.mean()),
                                 float(np.percentile(self.base_finish, q)))

    def _simulate(self, project: Any, variants: list[dict[str, str]]) -> Any:
        with warnings.catch_warnings():  # a project's reader said what it lacks
            warnings.simplefilter("ignore", InputWarning)
            return simulate_variants(project.register, project.schedule, variants,
                                     options=self.options,
                                     label="portfolio mitigations")

    def parts(self, keys: frozenset[str]) -> dict[int, frozenset[str]]:
        """The set's risk ids in each project it touches."""
        out: dict[int, set[str]] = {}
        for k in keys:
            c = self.candidates[k]
            for j in c.members:
                out.setdefault(j, set()).add(c.id)
        return {j: frozenset(v) for j, v in out.items()}

    def _run(self, batch: list[frozenset[str]]) -> None:
        split = [self.parts(s) for s in batch]
        for model in self.models:  # each project's new variants in one run
            new = list(dict.fromkeys(p[model.index] for p in split if model.index in p
                                     and p[model.index] not in model.variants))
            if not new:
                continue
            run = self._simulate(model.project,
                                 [{i: "mitigated" for i in sorted(s)} for s in new])
            self.runs += 1
            where = self.where.get(model.index)
            for v, ids in enumerate(new):
                pos, dc, ds = run.changes.of(v)
                if where is not None:  # where the portfolio has the project's iterations
                    pos = where[pos]
                model.variants[ids] = (pos, dc * model.rate, ds)
        assert self.baseline is not None
        q = 100 * self.q
        n = self.base_cost.size
        for s, part in zip(batch, split):
            cost = self.base_cost.copy()
            finish = None
            days_value = 0.0
            for j, ids in part.items():
                model = self.models[j]
                pos, dc, ds = model.variants[ids]
                np.add.at(cost, pos, dc)
                if ds.any():
                    if finish is None:
                        finish = list(self.shifted)
                    moved = finish[j].copy()
                    np.add.at(moved, pos, ds)
                    finish[j] = moved
                    days_value -= model.value_per_day * float(ds.sum()) / n
            if finish is None:
                delay_mean = delay_q = 0.0
            else:
                end = np.max(finish, axis=0)
                delay_mean = self.baseline.mean_schedule - float(end.mean())
                delay_q = self.baseline.percentile_schedule - float(np.percentile(end, q))
            effect = Effect(self.q, self.baseline.mean_cost - float(cost.mean()),
                            self.baseline.percentile_cost - float(np.percentile(cost, q)),
                            delay_mean, delay_q) if s else Effect(self.q, 0, 0, 0, 0)
            self.cache[s] = _PortfolioSetValue(s, self.cost(s), effect, self.baseline, 0.0,
                                               days_value if s else 0.0)


def _replace_members(c: _Candidate, members: tuple[int, ...]) -> _Candidate:
    from dataclasses import replace

    return replace(c, members=members)


def _row(ev: _PortfolioEvaluator, key: str, value: SetValue) -> dict[str, Any]:
    c = ev.candidates[key]
    q = ev.q
    benefit = value.benefit
    return {PROJECT: c.project, C.ID: c.id, C.TITLE: c.title, C.OWNER: c.owner,
            C.MITIGATION: c.mitigation, C.MITIGATION_COST: c.cost,
            C.EXPECTED_COST_REDUCTION: value.effect.expected_cost_reduction,
            C.cost_reduction(q): value.effect.percentile_cost_reduction,
            C.EXPECTED_DELAY_REDUCTION: value.effect.expected_delay_reduction,
            C.delay_reduction(q): value.effect.percentile_delay_reduction,
            VALUE_OF_DAYS_CUT: benefit - value.effect.expected_cost_reduction,
            C.TOTAL_BENEFIT: benefit, C.NET_BENEFIT: benefit - c.cost,
            C.BENEFIT_COST_RATIO: benefit / c.cost if c.cost > 0 else math.nan,
            "key": key}


@dataclass(frozen=True, eq=False)
class PortfolioRanking:
    """Every mitigation of a portfolio ranked by value for money, each alone against
    the unmitigated portfolio on the same random numbers
    (:func:`rank_portfolio_mitigations`).

    ``table``: ``rank, project, id, title, owner, mitigation, mitigation_cost,
    expected_cost_reduction, p80_cost_reduction, expected_delay_reduction,
    p80_delay_reduction, value_of_days_cut, total_benefit, net_benefit,
    benefit_cost_ratio``, best first (the order of :func:`riskkit.rank_mitigations`).
    The cost and delay reductions are of the portfolio's totals; ``baseline`` holds
    the portfolio's unmitigated mean and P80 cost and finish.
    """

    table: pd.DataFrame = field(repr=False)
    baseline: Baseline = field(repr=False)
    iterations: int
    percentile: float
    currency: str | None
    seed_sequence: np.random.SeedSequence = field(repr=False)
    evaluator: _PortfolioEvaluator = field(repr=False)
    keys: tuple[str, ...] = field(repr=False, default=())

    @property
    def seed(self) -> int | None:
        return reported_seed(self.seed_sequence)

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_html_(self) -> str:
        return (f"<p><b>Portfolio mitigations</b>: {len(self)} ranked, "
                f"{self.iterations:,} iterations (seed {self.seed})</p>"
                + self.table.to_html(index=False, float_format=lambda v: f"{v:,.0f}"))


def rank_portfolio_mitigations(
    portfolio: Portfolio,
    *,
    options: RunOptions | None = None,
    percentile: float = 0.8,
    **run: Any,
) -> PortfolioRanking:
    """Rank the mitigations of every project (and the shared risks') by value for money
    to the portfolio, each alone against the unmitigated portfolio on common random
    numbers (the figures: :mod:`riskkit.analysis.portfolio_mitigations`).

    ``options`` (or ``iterations``, ``rng``, ``sampling``, ``correlation``) as for
    :func:`riskkit.simulate_portfolio`: with the same ones, the baseline is that run.

    Examples
    --------
    >>> import riskkit as rk
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> ranking = rk.rank_portfolio_mitigations(pf, iterations=1_000, rng=7)
    >>> ranking.table.columns[:3].tolist()
    ['rank', 'project', 'id']
    """
    if not isinstance(portfolio, Portfolio):
        raise OptionError("portfolio", type(portfolio).__name__,
                          "a Portfolio from riskkit.read_portfolio")
    q = check_percentile(percentile)
    options = RunOptions.of(options, **run)
    if options.iterations == "auto":
        raise OptionError("iterations", "auto", "a whole number: every project of a "
                                                "portfolio runs the same iterations")
    ev = _PortfolioEvaluator(portfolio, options, q)
    keys = list(ev.candidates)
    singles = ev([frozenset((k,)) for k in keys])
    columns = [C.RANK, PROJECT, C.ID, C.TITLE, C.OWNER, C.MITIGATION, C.MITIGATION_COST,
               C.EXPECTED_COST_REDUCTION, C.cost_reduction(q), C.EXPECTED_DELAY_REDUCTION,
               C.delay_reduction(q), VALUE_OF_DAYS_CUT, C.TOTAL_BENEFIT, C.NET_BENEFIT,
               C.BENEFIT_COST_RATIO]
    frame = pd.DataFrame([_row(ev, k, v) for k, v in zip(keys, singles)],
                         columns=[c for c in columns if c != C.RANK] + ["key"])
    frame = order(frame).reset_index(drop=True)
    frame.insert(0, C.RANK, np.arange(1, len(frame) + 1))
    ranked = tuple(frame.pop("key"))
    currency = next((p.currency for p in portfolio if p.currency), None)
    assert ev.baseline is not None
    return PortfolioRanking(frame[columns], ev.baseline, ev.base_cost.size, q, currency,
                            options.seed, ev, ranked)


@dataclass(frozen=True, eq=False)
class PortfolioSelection:
    """The portfolio's mitigations to fund under one budget
    (:func:`select_portfolio_mitigations`): their rows of the ranking, and the set
    simulated together (``effect``, ``total_benefit``, ``net_benefit``)."""

    table: pd.DataFrame = field(repr=False)
    budget: float
    mitigation_cost: float
    effect: Effect
    total_benefit: float
    additive_total_benefit: float
    objective: str
    sets_evaluated: int
    currency: str | None = None

    def __len__(self) -> int:
        return len(self.table)

    @property
    def net_benefit(self) -> float:
        return self.total_benefit - self.mitigation_cost

    @property
    def labels(self) -> tuple[str, ...]:
        """``project: id`` of each funded mitigation, in the ranking's order."""
        return tuple(f"{p}: {i}" for p, i in zip(self.table[PROJECT], self.table[C.ID]))

    def by_project(self) -> pd.DataFrame:
        """Spend and single benefits of the funded mitigations, per project (``*``:
        shared risks)."""
        if not len(self.table):
            return pd.DataFrame(columns=[PROJECT, "mitigations", C.MITIGATION_COST,
                                         C.TOTAL_BENEFIT])
        return (self.table.groupby(PROJECT, sort=False)
                .agg(mitigations=(C.ID, "size"),
                     mitigation_cost=(C.MITIGATION_COST, "sum"),
                     total_benefit=(C.TOTAL_BENEFIT, "sum")).reset_index())

    def to_dict(self) -> dict[str, Any]:
        within = None if not np.isfinite(self.budget) else self.budget
        return {"budget": within, "objective": self.objective,
                "mitigation_cost": self.mitigation_cost,
                "funded": [{PROJECT: p, C.ID: i} for p, i in
                           zip(self.table[PROJECT], self.table[C.ID])],
                **self.effect.as_dict(), C.TOTAL_BENEFIT: self.total_benefit,
                C.NET_BENEFIT: self.net_benefit, "sets_evaluated": self.sets_evaluated}

    def describe(self, currency: str | None = None) -> str:
        """One paragraph: what is funded, what it buys for the portfolio, how it was
        chosen; amounts with ``currency`` (a symbol), else the portfolio's."""
        sym = currency if currency is not None else currency_symbol(self.currency)
        within = ("" if not np.isfinite(self.budget)
                  else f" within a portfolio budget of {amount(self.budget, sym)}")
        if not len(self):
            return f"Fund nothing{within}: no set of mitigations adds net value."
        rule = ("the largest net value (benefit − cost)" if self.objective == "net"
                else "the largest gross benefit")
        projects = self.by_project()
        e = self.effect
        if len(self) <= 12:
            which = ", ".join(self.labels)
        else:  # too many to name: how many in each project, and what they cost there
            which = "; ".join(f"{r.project} {r.mitigations} ({amount(r.mitigation_cost, sym)})"
                              for r in projects.itertuples())
        own = int((projects[PROJECT] != SHARED).sum())
        shared = int((self.table[PROJECT] == SHARED).sum())
        where = " and ".join(x for x in (plural(own, "project") if own else "",
                                         plural(shared, "shared risk") if shared else "") if x)
        return (f"Fund {plural(len(self), 'mitigation')} in {where}{within} (cost "
                f"{amount(self.mitigation_cost, sym)}), chosen for {rule} on "
                f"{self.sets_evaluated:,} sets simulated together: "
                f"{which}. Together they cut the portfolio's expected "
                f"cost by {amount(e.expected_cost_reduction, sym)} and its P80 by "
                f"{amount(e.percentile_cost_reduction, sym)}; benefit "
                f"{amount(self.total_benefit, sym)}, net {amount(self.net_benefit, sym)}.")


def select_portfolio_mitigations(
    ranking_or_portfolio: PortfolioRanking | Portfolio,
    budget: float | None = None,
    *,
    objective: str = "net",
    options: RunOptions | None = None,
    percentile: float = 0.8,
    **run: Any,
) -> PortfolioSelection:
    """Choose the portfolio's mitigations to fund under one ``budget`` (None: any
    spend), by the rules of :func:`riskkit.select_mitigations`: ``objective="net"``
    the largest net value, every set simulated together, nothing funded that adds no
    net value given the others; ``"benefit"`` the largest gross benefit (an exact
    knapsack on the single figures), confirmed together. A ranking's random numbers
    (and its simulated sets) are reused; a portfolio is ranked first with ``options``.

    Examples
    --------
    >>> import riskkit as rk
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> chosen = rk.select_portfolio_mitigations(pf, 100_000, iterations=1_000, rng=7)
    >>> chosen.mitigation_cost <= 100_000
    True
    """
    if budget is None:
        limit = math.inf
    elif isinstance(budget, bool) or not isinstance(budget, (int, float, np.floating)) \
            or not math.isfinite(budget) or budget < 0:
        raise OptionError("budget", budget, "a non-negative amount")
    else:
        limit = float(budget)
    if objective not in OBJECTIVES:
        raise OptionError("objective", objective, " or ".join(repr(o) for o in OBJECTIVES))
    if isinstance(ranking_or_portfolio, Portfolio):
        ranking = rank_portfolio_mitigations(ranking_or_portfolio, options=options,
                                             percentile=percentile, **run)
    elif isinstance(ranking_or_portfolio, PortfolioRanking):
        ranking = ranking_or_portfolio
    else:
        raise OptionError("ranking_or_portfolio", type(ranking_or_portfolio).__name__,
                          "a PortfolioRanking or a Portfolio")
    ev = ranking.evaluator
    keys: Sequence[str] = ranking.keys
    table = ranking.table
    if objective == "benefit":
        pick = knapsack(table[C.TOTAL_BENEFIT].to_numpy(dtype=float),
                        table[C.MITIGATION_COST].to_numpy(dtype=float), limit)
        value = ev.one(k for k, p in zip(keys, pick) if p)
    else:
        value = best_net(ev, list(keys), limit)
        pick = np.array([k in value.ids for k in keys], dtype=bool)
    chosen = table.iloc[np.flatnonzero(pick)].reset_index(drop=True)
    return PortfolioSelection(chosen, limit, value.mitigation_cost, value.effect,
                              value.benefit, float(chosen[C.TOTAL_BENEFIT].sum()),
                              objective, len(ev.cache), ranking.currency)
