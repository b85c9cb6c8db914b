"""Programmes and portfolios: every project on common iterations, rolled up.

How it is simulated. Every project of the portfolio is simulated with the same
``SeedSequence`` and number of iterations. A project's name namespaces the random
streams of its risks and activities (:func:`riskkit.seeds.stream_key`), so projects
draw independent numbers even when their registers share ids, and each project's run
is exactly the run it gets alone with the same seed (``result.project(name)`` is that
ordinary :class:`~riskkit.SimulationResult`). Iteration ``i`` of the portfolio is
iteration ``i`` of every project.

How it rolls up (per iteration, then the statistics of the totals):

- **cost** of a programme or the portfolio: the sum of its projects' costs, each in the
  portfolio's currency (the first project's; a project in another currency is
  multiplied by its ``exchange_rate``). Its base is the sum of the projects' bases.
- **schedule** of a programme or the portfolio: its latest project finish, in working
  days (Monday to Friday) from its earliest project start; a project without a start
  starts at the earliest one. Its base is the same of the projects' base durations.
- **correlation between projects** (a matrix over project names): the projects in it
  are paired across iterations by Iman and Conover's method on their costs
  (:func:`project_orders`), so iteration ``i`` of the portfolio is iteration
  ``orders[p][i]`` of such a project; every other project is paired iteration by
  iteration.
- **contingency_p80**: P80(cost) − base, at every level. The **diversification
  benefit** is the sum of the projects' contingencies minus the portfolio's.
- **allocated_contingency_p80**: the portfolio's contingency shared out by Euler
  (conditional-expectation) allocation (METHODS.md, "Allocating a contingency"): each
  project's mean cost over the iterations whose portfolio cost lies in a window around
  its P80 — the iterations ranked within ``window`` / 2 of 0.8 (at least 20) — minus its
  base, scaled so the parts add up to the portfolio's contingency, and rounded to the
  cent by the largest remainder so they add up to it to the cent. A programme's
  allocation is the sum of its projects' (Euler allocations are additive).
- **p_within_budget**: P(cost <= budget); a programme's or the portfolio's budget is
  the sum of its projects' when every one has a budget, else there is none (null).
- **p_on_time** (beyond DESIGN.md's STATS): a project's P(finish date <= deadline), its
  finish counted in working days of its run's calendar from its start; a programme's or
  the portfolio's, the probability that every project with a deadline meets it in the
  same iteration (null when none has one).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtri

from .._format import amount, currency_symbol, number
from ..correlation import Correlation
from ..exceptions import OptionError
from ..model import Calendar, Portfolio, Project
from ..model.portfolio import SHARED
from ..result import STATISTICS, SimulationResult
from ..seeds import reported_seed, stable_key
from ..sim import RunOptions, simulate
from ..sim.runner import executor_for
from .contingency import allocate_cents

__all__ = ["LEVELS", "Level", "PortfolioResult", "portfolio_drivers", "simulate_portfolio"]

#: The kinds of level of a portfolio, top down.
LEVELS = ("portfolio", "programme", "project")
_MIN_WINDOW = 20
_Q = 0.8


@dataclass(frozen=True, eq=False)
class Level:
    """One project, programme or the portfolio: its per-iteration totals and targets.

    ``cost`` is in the portfolio's currency; ``schedule`` in working days from the
    level's earliest project start. ``budget`` is None when the level has none.
    """

    kind: str
    name: str
    projects: tuple[str, ...]
    cost: np.ndarray = field(repr=False)
    schedule: np.ndarray = field(repr=False)
    base_cost: float
    base_schedule: float
    budget: float | None = None
    allocated: float = 0.0
    #: which iterations meet every deadline of the level (None: no deadline)
    on_time: np.ndarray | None = field(default=None, repr=False)

    def base(self, metric: str) -> float:
        return self.base_cost if metric == "cost" else self.base_schedule

    def statistics(self, metric: str) -> dict[str, float]:
        """``base, mean, std, p10, p50, p80, p90`` of ``cost`` or ``schedule``."""
        v = self.cost if metric == "cost" else self.schedule
        p = np.percentile(v, [10, 50, 80, 90])
        values = [self.base(metric), float(v.mean()),
                  float(v.std(ddof=1)) if v.size > 1 else 0.0, *map(float, p)]
        return dict(zip(STATISTICS, values))

    @property
    def contingency_p80(self) -> float:
        """P80 of cost minus the base."""
        return float(np.percentile(self.cost, 100 * _Q)) - self.base_cost

    @property
    def p_within_budget(self) -> float | None:
        if self.budget is None:
            return None
        return float(np.mean(self.cost <= self.budget))

    @property
    def p_on_time(self) -> float | None:
        """The probability that every project of the level with a deadline meets it."""
        return None if self.on_time is None else float(np.mean(self.on_time))

    def to_dict(self) -> dict[str, Any]:
        """DESIGN.md's STATS object."""
        return {"cost": self.statistics("cost"), "schedule": self.statistics("schedule"),
                "contingency_p80": self.contingency_p80,
                "allocated_contingency_p80": self.allocated,
                "p_within_budget": self.p_within_budget, "p_on_time": self.p_on_time}


@dataclass(frozen=True, eq=False)
class PortfolioResult:
    """Every project of a portfolio simulated on common iterations, rolled up to
    programmes and the portfolio (see :mod:`riskkit.analysis.portfolio` for the rules).

    Examples
    --------
    >>> import riskkit as rk
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> res = rk.simulate_portfolio(pf, iterations=2_000, rng=7)
    >>> res.level("portfolio").contingency_p80 <= sum(
    ...     res.level("project", p).contingency_p80 for p in res.names)
    True
    """

    results: dict[str, SimulationResult] = field(repr=False)
    iterations: int
    seed_sequence: np.random.SeedSequence = field(repr=False)
    currency: str | None
    portfolio: Level = field(repr=False)
    programmes: dict[str, Level] = field(repr=False)
    projects: dict[str, Level] = field(repr=False)
    #: the iterations of the Euler allocation's window around the portfolio's P80
    inside: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp),
                               repr=False)
    #: with a correlation matrix between projects: iteration ``i`` of the portfolio is
    #: iteration ``orders[p][i]`` of project ``p`` (:func:`project_orders`); a project
    #: not in the matrix (or without one) is paired iteration by iteration
    orders: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: the correlation matrix between projects, or None
    project_correlation: Correlation | None = field(default=None, repr=False)

    @property
    def window(self) -> int:
        """How many iterations the Euler allocation averages over."""
        return int(self.inside.size)

    @property
    def seed(self) -> int | None:
        """The integer that repeats the run, or None."""
        return reported_seed(self.seed_sequence)

    @property
    def names(self) -> tuple[str, ...]:
        """The projects, in manifest order."""
        return tuple(self.projects)

    def project(self, name: str) -> SimulationResult:
        """The ordinary simulation result of one project (in its own currency)."""
        if name not in self.results:
            raise OptionError("name", name, "a project of the portfolio: "
                              + ", ".join(self.results))
        return self.results[name]

    def level(self, kind: str, name: str | None = None) -> Level:
        """The portfolio (``level("portfolio")``), a programme or a project by name."""
        if kind == "portfolio":
            return self.portfolio
        table = {"programme": self.programmes, "project": self.projects}.get(kind)
        if table is None:
            raise OptionError("kind", kind, "'portfolio', 'programme' or 'project'")
        if name not in table:
            raise OptionError("name", name, f"a {kind} of the portfolio: "
                              + ", ".join(table))
        return table[name]

    @property
    def diversification_benefit_p80(self) -> float:
        """The sum of the projects' P80 contingencies minus the portfolio's."""
        return sum(p.contingency_p80 for p in self.projects.values()) - \
            self.portfolio.contingency_p80

    def summary(self) -> pd.DataFrame:
        """One row per level (portfolio, programmes, projects): base, mean, P50, P80,
        P90 of cost, contingency, allocated contingency, P(within budget), P50 and P80
        of schedule."""
        rows = []
        for lv in self._levels():
            c, s = lv.statistics("cost"), lv.statistics("schedule")
            rows.append({"level": lv.kind, "name": lv.name, "cost_base": c["base"],
                         "cost_mean": c["mean"], "cost_p50": c["p50"], "cost_p80": c["p80"],
                         "cost_p90": c["p90"], "contingency_p80": lv.contingency_p80,
                         "allocated_contingency_p80": lv.allocated,
                         "p_within_budget": lv.p_within_budget, "p_on_time": lv.p_on_time,
                         "schedule_base": s["base"], "schedule_p50": s["p50"],
                         "schedule_p80": s["p80"]})
        return pd.DataFrame(rows)

    def allocation(self) -> pd.DataFrame:
        """Which projects most need contingency: per project, its programme, its own P80
        contingency, its allocated share of the portfolio's, the share as a fraction,
        and ``released`` (own − allocated: what pooling frees); largest share first."""
        programme = {p: k for k, lv in self.programmes.items() for p in lv.projects}
        total = self.portfolio.contingency_p80
        rows = [{"project": k, "programme": programme[k],
                 "contingency_p80": lv.contingency_p80,
                 "allocated_contingency_p80": lv.allocated,
                 "share": lv.allocated / total if total else float("nan"),
                 "released": lv.contingency_p80 - lv.allocated}
                for k, lv in self.projects.items()]
        return pd.DataFrame(rows).sort_values("allocated_contingency_p80", ascending=False,
                                              kind="stable").reset_index(drop=True)

    def _levels(self) -> list[Level]:
        return [self.portfolio, *self.programmes.values(), *self.projects.values()]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``riskkit portfolio --json`` (DESIGN.md, "Portfolio")."""
        top = self.portfolio.to_dict()
        top["diversification_benefit_p80"] = self.diversification_benefit_p80
        return {"iterations": self.iterations, "seed": self.seed, "currency": self.currency,
                "portfolio": top,
                "programmes": {k: v.to_dict() for k, v in self.programmes.items()},
                "projects": {k: v.to_dict() for k, v in self.projects.items()},
                "allocation": {"method": "euler", "percentile": _Q,
                               "window_iterations": self.window}}

    def __repr__(self) -> str:
        p80 = self.money(self.portfolio.statistics("cost")["p80"])
        return (f"PortfolioResult(projects={len(self.projects)}, programmes="
                f"{len(self.programmes)}, iterations={self.iterations}, seed={self.seed}, "
                f"P80 cost={p80})")

    def money(self, value: float) -> str:
        """An amount in the portfolio's currency, for a line of text."""
        return amount(value, currency_symbol(self.currency))

    def _repr_html_(self) -> str:
        table = self.summary()
        for col in table.columns:
            if col.startswith(("cost_", "contingency", "allocated")):
                table[col] = table[col].map(lambda v: number(v))
            elif col.startswith("schedule_"):
                table[col] = table[col].map(lambda v: number(v, 1))
            elif col in ("p_within_budget", "p_on_time"):
                table[col] = table[col].map(lambda v: "" if v is None or
                                            (isinstance(v, float) and math.isnan(v))
                                            else f"{v:.0%}")
        return (f"<p><b>Portfolio</b> of {len(self.projects)} projects in "
                f"{len(self.programmes)} programmes, {self.iterations:,} iterations "
                f"(seed {self.seed}); diversification benefit at P80 "
                f"<b>{html.escape(self.money(self.diversification_benefit_p80))}</b>.</p>"
                + table.to_html(index=False))


def simulate_portfolio(
    portfolio: Portfolio,
    *,
    options: RunOptions | None = None,
    iterations: int | None = None,
    rng: Any = None,
    sampling: str | None = None,
    progress: bool | None = None,
    executor: Any = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    correlation: Any = None,
    window: float = 0.05,
) -> PortfolioResult:
    """Simulate every project of a portfolio on common iterations and roll them up.

    Parameters
    ----------
    portfolio : Portfolio
        From :func:`riskkit.read_portfolio` (or built from :class:`riskkit.Project`).
    options, iterations, rng, sampling, progress, executor, workers, chunk_size
        As for :func:`riskkit.simulate`; one seed for the whole portfolio (``iterations``
        must be a number: "auto" would stop each project at its own size). With
        ``workers`` or an ``executor``, whole projects run in parallel, with the same
        numbers.
    correlation : path, dict or Correlation, optional
        Correlation groups (``{group: coefficient}`` or a ``group, coefficient`` file)
        for the ``correlation_group`` columns of every project's register and schedule.
        A group's common factor is drawn from one stream keyed by the group's name, so
        members of a group in different projects are correlated as members in one
        register are; a group takes effect in a project that has at least two of its
        members. Or a correlation matrix between projects (the same file formats as
        for a register, its ids the project names): the projects in it keep their own
        runs, and their iterations are paired so their costs have the matrix's rank
        correlation (:func:`project_orders`; ``result.orders``). A project in it may
        share no risk with others. A matrix over risk ids is refused: ids repeat
        across projects.
    window : float, default 0.05
        The share of iterations around the portfolio's P80 over which the Euler
        allocation averages (at least 20 iterations).

    Returns
    -------
    PortfolioResult
        ``result.project(name)`` equals ``riskkit.simulate`` of that project alone with
        the same seed, bit for bit.

    Examples
    --------
    >>> import riskkit as rk
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> res = rk.simulate_portfolio(pf, iterations=2_000, rng=7)
    >>> total = sum(res.level("programme", k).allocated for k in res.programmes)
    >>> round(total, 2) == round(res.level("portfolio").contingency_p80, 2)
    True
    """
    if not isinstance(portfolio, Portfolio):
        raise OptionError("portfolio", type(portfolio).__name__,
                          "a Portfolio from riskkit.read_portfolio")
    if isinstance(window, bool) or not isinstance(window, (int, float)) or \
            not 0 < window < 1:
        raise OptionError("window", window, "a share of the iterations, e.g. 0.05")
    options = RunOptions.of(options, iterations=iterations, rng=rng, sampling=sampling,
                            progress=progress, executor=executor, workers=workers,
                            chunk_size=chunk_size, correlation=correlation)
    options, between = split_correlation(portfolio, options)
    if options.iterations == "auto":
        raise OptionError("iterations", "auto", "a whole number: every project of a "
                                                "portfolio runs the same iterations")
    # in parallel, whole projects go to the workers (each run serially there): the
    # numbers are the same, since each project's run depends only on its seed
    serial = options.replace(executor=None, workers=None, progress=False)
    with executor_for(options.executor, options.workers, len(portfolio)) as pool:
        runs = ([_simulate_project(options, p) for p in portfolio] if pool is None
                else list(pool.map(partial(_simulate_project, serial), portfolio.projects)))
    results = {p.name: r for p, r in zip(portfolio, runs)}
    return _roll_up(portfolio, results, options, window, between)


def split_correlation(portfolio: Portfolio, options: RunOptions
                      ) -> tuple[RunOptions, Correlation | None]:
    """The options for each project's run, and a correlation matrix between projects
    (its ids the projects' names), or None. A matrix over anything else is refused:
    risk ids repeat across projects."""
    if options.correlation is None and portfolio.correlation is not None:
        options = options.replace(correlation=portfolio.correlation)  # the manifest's
    corr = options.correlation
    matrix = getattr(corr, "matrix", None)
    if matrix is None:
        return options, None
    assert isinstance(corr, Correlation)
    ids = [str(i) for i in matrix.index]
    unknown = [i for i in ids if i not in portfolio.names]
    if unknown:
        raise OptionError("correlation", corr.source,
                          "correlation groups, or a matrix between the portfolio's "
                          "projects (its ids the project names: " + ", ".join(
                              portfolio.names) + "); not projects: " + ", ".join(unknown))
    tied = [i for i in ids if portfolio.project(i).shared_ids]
    if tied:
        raise OptionError("correlation", corr.source,
                          "a matrix between projects that share no risk (a shared risk "
                          "ties its projects iteration by iteration; these share some: "
                          + ", ".join(tied) + ")")
    return options.replace(correlation=None), corr


def project_orders(costs: dict[str, np.ndarray], corr: Correlation,
                   seed: np.random.SeedSequence) -> dict[str, np.ndarray]:
    """How the projects of a matrix ``corr`` are paired across iterations: iteration
    ``i`` of the portfolio is iteration ``orders[p][i]`` of project ``p``.

    Iman and Conover's method on the projects' costs: van der Waerden scores, a random
    order per project (from a stream of the run's seed keyed "project correlation"),
    whitened so their sample correlation is the identity and mixed by a square root of
    the matrix's normal-score correlation; each project's iterations are then put in
    the rank order of its column. Every project keeps its own iterations (its
    distribution, and its cost and finish together); only their pairing changes.
    """
    names = [str(i) for i in corr.matrix.index] if corr.matrix is not None else []
    n = next(iter(costs.values())).size
    c = corr.normal_matrix()
    w, v = np.linalg.eigh(c)
    root = v * np.sqrt(np.clip(w, 0.0, None))  # root @ root.T == c (c may be singular)
    key = (*seed.spawn_key, stable_key("project correlation"))
    rng = np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=key))
    scores = ndtri(np.arange(1, n + 1) / (n + 1))
    raw = np.column_stack([rng.permutation(scores) for _ in names])
    if n > len(names):
        chol = np.linalg.cholesky(np.corrcoef(raw, rowvar=False).reshape(len(names), -1))
        raw = raw @ np.linalg.inv(chol).T
    mixed = raw @ root.T
    orders = {}
    for j, name in enumerate(names):
        rank = np.argsort(np.argsort(mixed[:, j], kind="stable"), kind="stable")
        orders[name] = np.argsort(costs[name], kind="stable")[rank]
    return orders


def _simulate_project(options: RunOptions, project: Project) -> SimulationResult:
    """One project's run (its start gives finish dates when it has a schedule)."""
    start = project.start if project.schedule is not None else None
    return simulate(project.register, project.schedule, options=options, start=start)


def start_offsets(portfolio: Portfolio) -> dict[str, int]:
    """Working days (Monday to Friday) from the earliest project start to each one's."""
    cal = Calendar()
    starts = {p.name: cal.start_day(p.start, warn=False) for p in portfolio
              if p.start is not None}
    if not starts:
        return {p.name: 0 for p in portfolio}
    first = min(starts.values())
    return {p.name: int(np.busday_count(first, starts[p.name], weekmask=cal.weekmask))
            if p.name in starts else 0 for p in portfolio}


def _group(kind: str, name: str, members: list[Level], offsets: dict[str, int]) -> Level:
    """The sum of the members' costs and their latest finish from the earliest start."""
    if len(members) == 1:  # a programme of one project: its arrays, not copies
        m = members[0]
        return Level(kind, name, m.projects, m.cost, m.schedule, m.base_cost,
                     m.base_schedule, m.budget, on_time=m.on_time)
    cost = members[0].cost.copy()
    for m in members[1:]:
        cost += m.cost
    first = min(offsets[m.name] for m in members)
    finish = np.full(cost.size, -np.inf)
    base_finish = -math.inf
    for m in members:
        shift = offsets[m.name] - first
        np.maximum(finish, m.schedule + shift, out=finish)
        base_finish = max(base_finish, m.base_schedule + shift)
    budgets = [m.budget for m in members]
    budget = None if any(b is None for b in budgets) else float(sum(budgets))  # type: ignore[arg-type]
    marks = [m.on_time for m in members if m.on_time is not None]
    on_time = np.logical_and.reduce(marks) if marks else None
    cost.setflags(write=False)
    finish.setflags(write=False)
    return Level(kind, name, tuple(n for m in members for n in m.projects), cost, finish,
                 float(sum(m.base_cost for m in members)), float(base_finish), budget,
                 on_time=on_time)


def _roll_up(portfolio: Portfolio, results: dict[str, SimulationResult],
             options: RunOptions, window: float,
             between: Correlation | None = None) -> PortfolioResult:
    currency = next((p.currency for p in portfolio if p.currency), None)
    offsets = start_offsets(portfolio)
    costs = {p.name: results[p.name].cost * (p.exchange_rate or 1.0)
             if (p.exchange_rate or 1.0) != 1.0 else results[p.name].cost for p in portfolio}
    orders = project_orders(costs, between, options.seed) if between is not None else {}
    projects: dict[str, Level] = {}
    for p in portfolio:
        res, rate = results[p.name], p.exchange_rate or 1.0
        cost, schedule = costs[p.name], res.schedule
        on_time = None
        if p.deadline is not None and p.start is not None:
            days = res.calendar.working_days_through(p.start, p.deadline)
            on_time = res.schedule <= days
        if p.name in orders:  # paired with the other projects of the matrix
            take = orders[p.name]
            cost, schedule = cost[take], schedule[take]
            on_time = None if on_time is None else on_time[take]
        projects[p.name] = Level("project", p.name, (p.name,), cost, schedule,
                                 res.base_cost * rate, res.base_schedule,
                                 p.budget * rate if p.budget is not None else None,
                                 on_time=on_time)
    programmes = {name: _group("programme", name, [projects[p.name] for p in members],
                               offsets)
                  for name, members in portfolio.programmes().items()}
    top = _group("portfolio", "portfolio", list(projects.values()), offsets)
    cents, inside = _euler_cents(top, list(projects.values()), window)
    share = dict(zip(projects, (int(c) for c in cents)))
    projects = {k: replace(lv, allocated=share[k] / 100) for k, lv in projects.items()}
    programmes = {k: replace(lv, allocated=sum(share[n] for n in lv.projects) / 100)
                  for k, lv in programmes.items()}
    top = replace(top, allocated=top.contingency_p80)
    return PortfolioResult(results, options.count, options.seed, currency, top,
                           programmes, projects, inside, orders, between)


def _euler_cents(top: Level, parts: list[Level], window: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Each part's share of the top's P80 contingency in whole cents (they add up to
    the contingency rounded to the cent), and the window's iterations."""
    n = top.cost.size
    half = max(_MIN_WINDOW // 2, int(math.ceil(window * n / 2)))
    rank = int(np.floor((n - 1) * _Q))
    order = np.argsort(top.cost, kind="stable")
    inside = order[max(rank - half, 0):min(rank + half + 1, n)]
    raw = np.array([float(p.cost[inside].mean()) - p.base_cost for p in parts])
    total = top.contingency_p80
    if abs(raw.sum()) < 1e-9 * max(1.0, float(np.abs(raw).sum())):
        # nothing varies near the P80: share by the parts' own contingencies, or equally
        raw = np.array([p.contingency_p80 for p in parts])
        if abs(raw.sum()) < 1e-12:
            raw = np.ones(len(parts))
    shares = raw * (total / raw.sum())
    cents = np.rint(allocate_cents(shares, total) * 100).astype(np.int64)
    return cents, np.sort(inside)


def portfolio_drivers(portfolio: Portfolio, result: PortfolioResult) -> pd.DataFrame:
    """The portfolio's top risks: each risk's contribution to the portfolio's mean cost
    and to its P80, across projects, largest P80 contribution first.

    Each project's risks are removed one at a time on the run's random numbers
    (:func:`riskkit.analysis.drivers.removal_run`, the project's own seed and
    iterations, so the baseline is ``result.project(name)``). A risk's
    ``contribution_mean`` is the mean of what removing it takes off its project's cost;
    its ``contribution_p80`` the same mean over the iterations of the Euler window
    around the portfolio's P80 (:attr:`PortfolioResult.inside`): E[X_r | portfolio cost
    ≈ its P80], its Euler contribution, in the portfolio's currency. A shared risk is
    one row (project ``*``) with its contributions in every project it hits added up.
    Without schedules the contributions add up to the portfolio's contingency; with
    them, a risk's delay costs through the network and they need not.

    Examples
    --------
    >>> import riskkit as rk
    >>> from riskkit.analysis.portfolio import portfolio_drivers
    >>> pf = rk.read_portfolio("sample_registers/portfolio/portfolio.csv")
    >>> res = rk.simulate_portfolio(pf, iterations=2_000, rng=7)
    >>> portfolio_drivers(pf, res).columns[:3].tolist()
    ['project', 'id', 'title']
    """
    from .drivers import removal_run

    options = RunOptions(iterations=result.iterations, rng=result.seed_sequence,
                         sampling=result.project(result.names[0]).sampling, progress=False)
    window = np.zeros(result.iterations, dtype=bool)
    window[result.inside] = True
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for p in portfolio:
        if p.register is None or not p.register.active_risks:
            continue
        rate = p.exchange_rate or 1.0
        inside = window
        if p.name in result.orders:  # the window in the project's own iterations
            inside = np.zeros(result.iterations, dtype=bool)
            inside[result.orders[p.name][result.inside]] = True
        run = removal_run(p.register, p.schedule, options)
        for v, risk in enumerate(p.register.modelled_risks(p.schedule)):
            pos, delta = run.changes.layer(v, 1)
            shared = risk.project == SHARED
            key = (SHARED if shared else p.name, risk.id)
            row = rows.setdefault(key, {"project": key[0], "id": risk.id,
                                        "title": risk.title, "projects": 0,
                                        "contribution_mean": 0.0, "contribution_p80": 0.0})
            row["projects"] += 1
            row["contribution_mean"] -= rate * float(delta.sum()) / result.iterations
            row["contribution_p80"] -= rate * float(delta[inside[pos]].sum()) / \
                max(result.window, 1)
    table = pd.DataFrame(list(rows.values()), columns=[
        "project", "id", "title", "projects", "contribution_mean", "contribution_p80"])
    return table.sort_values("contribution_p80", ascending=False,
                             kind="stable").reset_index(drop=True)
