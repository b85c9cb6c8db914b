"""The immutable result of a simulation."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._format import amount, currency_symbol, number, plural
from .exceptions import OptionError
from .merges import MergeBias, merge_bias
from .model import Calendar, KeyActivity, Schedule
from .phasing import CashFlow, Escalation, RiskCosts, cash_flow
from .seeds import reported_seed

__all__ = ["STATISTICS", "FinishDates", "SimulationResult", "Summary", "metric_name"]

#: Columns of :meth:`SimulationResult.summary`, in order.
STATISTICS = ("base", "mean", "std", "p10", "p50", "p80", "p90")
_METRIC_ALIASES = {"cost": "cost", "schedule": "schedule", "duration": "schedule",
                   "delay": "schedule", "time": "schedule", "finish": "schedule"}


def metric_name(metric: str) -> str:
    """``cost`` or ``schedule`` for a metric as users name it (duration, delay, ...)."""
    key = str(metric).strip().lower()
    if key not in _METRIC_ALIASES:
        raise OptionError("metric", metric, "'cost' or 'schedule'")
    return _METRIC_ALIASES[key]


def _order_statistic_se(values: np.ndarray, q: float) -> float:
    """Distribution-free standard error of a percentile from the order statistics
    bracketing it at +-1.96 binomial standard deviations."""
    n = values.size
    if n < 2:
        return 0.0
    half = 1.96 * np.sqrt(n * q * (1 - q))
    lo = int(max(0, np.floor(n * q - half)))
    hi = int(min(n - 1, np.ceil(n * q + half)))
    part = np.partition(values, [lo, hi])
    return float((part[hi] - part[lo]) / (2 * 1.96))


def _quantile(q: float) -> float:
    if isinstance(q, (bool, np.bool_)) or not isinstance(q, (int, float, np.floating, np.integer)):
        raise OptionError("q", q, "a probability between 0 and 1, e.g. 0.8 for P80")
    q = float(q)
    if not 0.0 <= q <= 1.0:
        raise OptionError("q", q, "a probability between 0 and 1, e.g. 0.8 for P80")
    return q


#: The percentiles of the milestone table and of the finish dates.
_DATE_QS = (10, 50, 80, 90)


@dataclass(frozen=True)
class FinishDates:
    """The project finish as dates (:meth:`SimulationResult.finish_summary`): the
    deterministic plan's (``base``), the mean's, P10-P90, the schedule's must-finish-by
    date (``deadline``) and the share of iterations that finish on or before it
    (``p_meet``; None without a deadline)."""

    base: np.datetime64
    mean: np.datetime64
    p10: np.datetime64
    p50: np.datetime64
    p80: np.datetime64
    p90: np.datetime64
    deadline: np.datetime64 | None = None
    p_meet: float | None = None

    def to_dict(self) -> dict:
        """The ``"finish"`` object of ``riskkit simulate --json``: ISO dates."""
        out: dict = {k: str(getattr(self, k)) for k in ("base", "mean", *(
            f"p{q}" for q in _DATE_QS))}
        out["deadline"] = str(self.deadline) if self.deadline is not None else None
        out["p_meet"] = self.p_meet
        return out


class Summary(pd.DataFrame):
    """The table of :meth:`SimulationResult.summary`: a DataFrame of floats, shown as
    people read it.

    The numbers are the plain floats of the statistics; only the display changes: cost
    in whole units of the register's currency with thousands separators, days to one
    decimal, never in scientific notation, and a metric the inputs do not model (the
    schedule of a register without delays) left out of the display with a note, its
    zeros still in the data. Any operation on it gives an ordinary DataFrame.
    """

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def shown(self) -> pd.DataFrame:
        """The table as displayed: one row of text per metric shown, labelled with its
        unit ("cost (£)", "schedule (days)")."""
        currency = self.attrs.get("currency")
        unit = self.attrs.get("unit", "days")
        idle = dict(self.attrs.get("idle", {}))
        rows, labels = [], []
        for metric in self.index:
            if metric in idle:
                continue
            if metric == "cost":
                symbol = (currency_symbol(currency) or "").strip()
                labels.append(f"cost ({symbol})" if symbol else "cost")
                rows.append([number(v) for v in self.loc[metric]])
            else:
                labels.append(f"{metric} ({unit})")
                rows.append([number(v, 1) for v in self.loc[metric]])
        return pd.DataFrame(rows, index=labels, columns=list(self.columns))

    @property
    def notes(self) -> list[str]:
        """What the display leaves out, and why."""
        return [f"{metric} not shown: {why}"
                for metric, why in dict(self.attrs.get("idle", {})).items()]

    def __repr__(self) -> str:
        return "\n".join([self.shown().to_string(), *self.notes])

    def _repr_html_(self) -> str:
        table = self.shown().to_html(justify="right")
        table = table.replace("<td>", '<td style="text-align: right">')
        return table + "".join(f"<p><i>{html.escape(n)}</i></p>" for n in self.notes)


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Per-iteration cost and schedule of one simulation, with their summaries.

    ``cost`` is in the register's currency (``currency``, its ISO code when the register
    writes one); ``schedule`` is in working days (total risk delay without a schedule).
    ``metrics`` names the ones the inputs model: a register without schedule impacts
    and without a schedule has a schedule of 0 in every iteration, which printed
    summaries leave out. Arrays are read-only.

    Examples
    --------
    >>> import riskkit as rk
    >>> res = rk.simulate(rk.read_register("sample_registers/office_fitout.csv"),
    ...                   iterations=2_000, rng=1)
    >>> res.percentile(0.8, "cost") >= res.percentile(0.5, "cost")
    True
    """

    cost: np.ndarray = field(repr=False)
    schedule: np.ndarray = field(repr=False)
    iterations: int
    #: the root of every stream of the run: pass it as ``rng`` to draw the same numbers
    seed_sequence: np.random.SeedSequence = field(repr=False)
    sampling: str
    scenario: str
    risk_ids: tuple[str, ...] = field(repr=False)
    probabilities: np.ndarray = field(repr=False)
    occurrences: np.ndarray = field(repr=False)
    base_cost: float = 0.0
    base_schedule: float = 0.0
    mitigation_cost: float = 0.0
    excluded: tuple[str, ...] = ()
    source: str = ""
    schedule_unit: str = "days"
    activity_ids: tuple[str, ...] = field(default=(), repr=False)
    activity_names: tuple[str, ...] = field(default=(), repr=False)
    criticality: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    mean_finish: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    start: np.datetime64 | None = None
    calendar: Calendar = field(default_factory=Calendar, repr=False)
    has_schedule: bool = False
    block_size: int = 65_536
    correlation: str = ""  # what was correlated, for reports ("" = none)
    #: the register's currency (an ISO code such as "GBP"), None when it writes none
    currency: str | None = None
    #: the metrics the inputs model ("cost", "schedule"); see :meth:`summary`
    metrics: tuple[str, ...] = ("cost", "schedule")
    #: the schedule's milestones (activities of zero duration), left out of
    #: :meth:`activity_table` unless asked for
    milestones: tuple[str, ...] = ()
    #: the milestones and deadlines (:func:`riskkit.model.key_activities`) whose finish
    #: every iteration keeps in :attr:`key_finish`
    key_activities: tuple[KeyActivity, ...] = field(default=(), repr=False)
    #: their early finish per iteration, working days as :attr:`schedule`, (keys, iterations)
    key_finish: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32),
                                   repr=False)
    #: the schedule's must-finish-by date (a day), the project finish's target
    deadline: np.datetime64 | None = None
    #: with ``simulate(activity_detail=True)``: every activity's duration (in the
    #: schedule's units, risk delays included) and early finish (working days as
    #: :attr:`schedule`) per iteration, (activities, iterations); else empty
    activity_durations: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), np.float32), repr=False)
    activity_finishes: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), np.float32), repr=False)
    #: with ``activity_detail=True``: every activity's early start (working days as
    #: :attr:`schedule`) per iteration, (activities, iterations); else empty
    activity_starts: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), np.float32), repr=False)
    #: with ``activity_detail=True``: every occurrence's cost impact, for the cash flow
    risk_costs: RiskCosts | None = field(default=None, repr=False)
    #: with ``activity_detail=True`` and cost drivers or activities that may not exist:
    #: (their rows, what each one's cost is multiplied by per iteration), for the cash
    #: flow; None when every activity costs what its duration says
    activity_cost_factors: tuple[np.ndarray, np.ndarray] | None = field(default=None,
                                                                        repr=False)
    #: the schedule the run simulated (its links and costs, for :meth:`merge_bias`
    #: and :meth:`cash_flow`); None without one
    network_input: Schedule | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in ("cost", "schedule", "occurrences", "probabilities", "criticality",
                     "mean_finish", "key_finish", "activity_durations",
                     "activity_finishes", "activity_starts"):
            getattr(self, name).setflags(write=False)

    @property
    def seed(self) -> int | None:
        """The integer that repeats the run (``--seed``), or None when the run was
        seeded otherwise (a Generator, a spawned SeedSequence): then pass
        :attr:`seed_sequence` as ``rng``."""
        return reported_seed(self.seed_sequence)

    @property
    def holidays(self) -> tuple[np.datetime64, ...]:
        """The non-working days of the finish dates' calendar."""
        return self.calendar.holidays

    def values(self, metric: str = "cost") -> np.ndarray:
        """The per-iteration values of a metric (read-only array)."""
        return getattr(self, metric_name(metric))

    def base(self, metric: str = "cost") -> float:
        """The deterministic value without risks (0 without a schedule)."""
        return self.base_cost if metric_name(metric) == "cost" else self.base_schedule

    def percentile(self, q: float, metric: str = "cost") -> float:
        """The value not exceeded in a share ``q`` of iterations (``0.8`` for P80)."""
        return float(np.percentile(self.values(metric), 100.0 * _quantile(q)))

    def contingency(self, q: float = 0.8, metric: str = "cost") -> float:
        """Contingency at confidence ``q``: the ``q`` percentile minus the base."""
        return self.percentile(q, metric) - self.base(metric)

    def standard_error(self, statistic: str | float = 0.8, metric: str = "cost") -> float:
        """Monte Carlo standard error of the mean (``"mean"``) or of a percentile (``q``).

        Random sampling: the iid formulas (std / sqrt(n) for the mean; for a percentile,
        the distribution-free interval between the order statistics at n q +- 1.96
        sqrt(n q (1 - q))). Latin hypercube sampling or correlation, with at least 10
        random-number blocks: batch means over the blocks, which are independent designs
        (within a block, stratification and Iman–Conover reordering tie iterations
        together). With fewer blocks the iid value is reported (``standard_error_method``
        says which was used).
        """
        values = self.values(metric)
        batches = self._batches()
        if batches is not None:
            parts = [values[a:b] for a, b in batches]
            if statistic == "mean":
                stats = np.array([p.mean() for p in parts])
            else:
                q = _quantile(float(statistic))  # type: ignore[arg-type]
                stats = np.array([np.percentile(p, 100 * q) for p in parts])
            return float(stats.std(ddof=1) / np.sqrt(len(parts)))
        if statistic == "mean":
            return float(values.std(ddof=1) / np.sqrt(values.size)) if values.size > 1 else 0.0
        return _order_statistic_se(values, _quantile(float(statistic)))  # type: ignore[arg-type]

    @property
    def standard_error_method(self) -> str:
        """How :meth:`standard_error` is computed for this result."""
        batches = self._batches()
        if batches is not None:
            return f"batch means over {len(batches)} independent blocks"
        if self.sampling == "lhs" and not self.correlation:
            return "iid formula, an upper bound under Latin hypercube sampling"
        if self.correlation:
            return "iid formula, approximate under correlation with fewer than 10 blocks"
        return "iid formula"

    def _batches(self) -> list[tuple[int, int]] | None:
        if (self.sampling != "lhs" and not self.correlation) or \
                self.iterations < 10 * self.block_size:
            return None
        edges = list(range(0, self.iterations, self.block_size))
        spans = [(a, min(a + self.block_size, self.iterations)) for a in edges]
        if spans[-1][1] - spans[-1][0] < self.block_size // 2:  # fold a short tail in
            spans[-2] = (spans[-2][0], spans[-1][1])
            spans.pop()
        return spans

    def converged(self, tolerance: float = 0.01, q: float = 0.8) -> bool:
        """True when the standard error of the ``q`` percentile of both metrics is within
        ``tolerance`` of its value (relative), or 0 where the metric does not vary."""
        for metric in ("cost", "schedule"):
            value = abs(self.percentile(q, metric))
            se = self.standard_error(q, metric)
            if value > 0 and se > tolerance * value:
                return False
        return True

    def probability_within(self, value: float, metric: str = "cost") -> float:
        """Share of iterations at or below ``value``: the confidence of a budget or date."""
        return float(np.mean(self.values(metric) <= value))

    def finish_dates(self) -> np.ndarray:
        """Finish date of every iteration (needs ``start=``), as ``datetime64[D]``.

        A duration of d working days from the start ends on working day ceil(d) counted
        from the start day as day 1 (a 1-day job finishes the day it starts), on the
        run's calendar (Monday to Friday without the given holidays by default).
        """
        if self.start is None:
            raise OptionError("start", None, "a project start date (simulate(start=...))")
        return self.calendar.finish_dates(self.start, self.schedule)

    def finish_date(self, q: float) -> np.datetime64:
        """The finish date met with confidence ``q`` (e.g. 0.8 for the P80 date)."""
        duration = self.percentile(q, "schedule")
        if self.start is None:
            raise OptionError("start", None, "a project start date (simulate(start=...))")
        return self.calendar.finish_date(self.start, duration)

    def probability_by(self, day: object, values: np.ndarray | None = None) -> float:
        """Share of iterations whose finish date (of the project, or of ``values``:
        working days like :attr:`schedule`) is on or before ``day``: exactly the
        iterations :meth:`finish_dates` puts on or before it (needs ``start=``)."""
        if self.start is None:
            raise OptionError("start", None, "a project start date (simulate(start=...))")
        v = self.schedule if values is None else np.asarray(values)
        k = self.calendar.working_days_through(self.start, day)
        # the rule of Calendar.finish_dates: working day max(ceil(d), 1) from the start
        return float(np.mean(np.maximum(np.ceil(v - 1e-9), 1) <= k)) if k >= 1 else 0.0

    def finish_summary(self) -> FinishDates:
        """The project finish as dates: base, mean, P10-P90, the must-finish-by date
        and the probability of meeting it (needs ``start=`` or a planning tool's data
        date)."""
        if self.start is None:
            raise OptionError("start", None, "a project start date (simulate(start=...))")
        day = self.calendar.finish_date
        p10, p50, p80, p90 = (day(self.start, float(x))
                              for x in np.percentile(self.schedule, _DATE_QS))
        return FinishDates(day(self.start, self.base_schedule),
                           day(self.start, float(self.schedule.mean())), p10, p50, p80, p90,
                           deadline=self.deadline,
                           p_meet=(self.probability_by(self.deadline)
                                   if self.deadline is not None else None))

    def milestone_table(self, *, most: int | None = None) -> pd.DataFrame:
        """Per milestone or activity with a finish date to meet
        (:attr:`key_activities`), in schedule order (with ``most``: at most that many,
        those least likely to meet their target first, then the latest at P80, shown
        in the order of their P80 finish): ``id``, ``name``, ``milestone``,
        its finish in working days (``base``: the deterministic plan's, ``mean``,
        ``p10`` to ``p90``), the same as dates when the start is known (``base_date``,
        ``p10_date`` ...), its ``target`` date, where that comes from
        (``target_source``: constraint or baseline) and ``p_meet``, the share of
        iterations in which it finishes on or before the target. A risk on no activity
        delays the project finish, not the milestones.

        Examples
        --------
        >>> import riskkit as rk
        >>> sch = rk.Schedule((rk.Activity("A", rk.Uniform(4.5, 8.5)),
        ...                    rk.Activity("M", rk.Fixed(0.0), name="Handover",
        ...                                baseline_finish="2027-01-12T17:00")),
        ...                   (rk.Link("A", "M"),))
        >>> res = rk.simulate(None, sch, iterations=4_000, rng=1, start="2027-01-04")
        >>> row = res.milestone_table().iloc[0]
        >>> str(row["p80_date"].date()), str(row["target"].date()), float(round(row["p_meet"], 2))
        ('2027-01-13', '2027-01-12', 0.62)
        """
        keys = self.key_activities
        v = self.key_finish
        p = (np.percentile(v, _DATE_QS, axis=1) if v.size
             else np.zeros((len(_DATE_QS), len(keys))))
        table = pd.DataFrame({
            "id": [k.id for k in keys], "name": [k.name for k in keys],
            "milestone": [k.milestone for k in keys],
            "base": [k.base for k in keys],
            "mean": v.mean(axis=1, dtype=float) if v.size else np.zeros(len(keys)),
            **{f"p{q}": p[i].astype(float) for i, q in enumerate(_DATE_QS)}})
        for col in ("base", "mean", *(f"p{q}" for q in _DATE_QS)):
            table[f"{col}_date"] = (
                [self.calendar.finish_date(self.start, float(x)) for x in table[col]]
                if self.start is not None else np.full(len(keys), np.datetime64("NaT", "D")))
        table["target"] = np.array([k.target if k.target is not None else np.datetime64("NaT")
                                    for k in keys], dtype="datetime64[D]")
        table["target_source"] = [k.target_source for k in keys]
        table["p_meet"] = [self.probability_by(k.target, v[i])
                           if k.target is not None and self.start is not None else np.nan
                           for i, k in enumerate(keys)]
        if most is not None and len(table) > most:
            worst = table.assign(_p=table["p_meet"].fillna(2.0)).sort_values(
                ["_p", "p80"], ascending=[True, False], kind="stable").head(most)
            table = table.loc[worst.index].sort_values(["p80", "base"], kind="stable")
        return table

    def activity_sensitivity(self, *, milestones: bool = False) -> pd.DataFrame:
        """What drives the finish, per activity (needs ``simulate(...,
        activity_detail=True)``), most crucial first: ``criticality`` (share of
        iterations on a critical path), ``sensitivity`` (duration sensitivity: the
        Spearman rank correlation of the activity's duration, risk delays included,
        with the project finish), ``cruciality`` (criticality x sensitivity), ``ssi``
        (the schedule sensitivity index: criticality x the standard deviation of the
        activity's duration / that of the project finish) and the activity's finish:
        ``mean_finish``, ``p50_finish``, ``p80_finish`` (working days, and their dates
        when the run has a start). An activity whose duration never varies has
        sensitivity 0. Milestones are left out unless asked for."""
        if self.activity_finishes.shape[0] != len(self.activity_ids):
            raise OptionError("activity_detail", False,
                              "simulate(..., activity_detail=True) with a schedule: the "
                              "sensitivities need every activity's draws")
        from scipy.stats import rankdata

        d = self.activity_durations.astype(float)
        finish = np.asarray(self.schedule, dtype=float)
        sd_finish = finish.std()
        # Spearman: the correlation of the centred ranks (ties get their mean rank)
        ranks = rankdata(d, axis=1)
        ranks -= ranks.mean(axis=1, keepdims=True)
        rank_finish = rankdata(finish)
        rank_finish -= rank_finish.mean()
        norms = np.sqrt(np.sum(ranks ** 2, axis=1)) * np.sqrt(np.sum(rank_finish ** 2))
        sens = np.divide(ranks @ rank_finish, norms, out=np.zeros(len(d)), where=norms > 0)
        crit = np.asarray(self.criticality, dtype=float)
        ssi = (crit * d.std(axis=1) / sd_finish if sd_finish > 0
               else np.zeros(len(d)))
        p50, p80 = np.percentile(self.activity_finishes, (50, 80), axis=1)
        table = pd.DataFrame({
            "id": list(self.activity_ids),
            "name": list(self.activity_names) or [""] * len(d),
            "criticality": crit, "sensitivity": sens, "cruciality": crit * sens,
            "ssi": ssi, "mean_finish": self.activity_finishes.mean(axis=1, dtype=float),
            "p50_finish": p50.astype(float), "p80_finish": p80.astype(float)})
        if self.start is not None:
            for col in ("mean_finish", "p50_finish", "p80_finish"):
                table[f"{col}_date"] = [self.calendar.finish_date(self.start, float(x))
                                        for x in table[col]]
        if not milestones:
            table = table[~table["id"].isin(self.milestones)]
        order = np.lexsort((-table["criticality"].to_numpy(),
                            -np.abs(table["cruciality"].to_numpy())))
        return table.iloc[order].reset_index(drop=True)

    def merge_bias(self) -> MergeBias:
        """The merge points of the schedule (activities with two or more predecessors)
        and their merge bias: how much later the merge's P50 start is than the latest
        of its inputs' P50s, in working days (needs ``simulate(...,
        activity_detail=True)``); see :func:`riskkit.merges.merge_bias`."""
        return merge_bias(self)

    def cash_flow(self, freq: str = "M", *, escalation: Escalation | float | None = None
                  ) -> CashFlow:
        """The time-phased cost: the spend by month (``freq="M"``; ``"Q"``, ``"Y"``) at
        P10/P50/P90, per period and cumulative, each activity's cost spread over its
        sampled start to finish and each risk's cost at the finish of the activity it
        hits (over the project when it hits none); ``escalation`` an annual rate (0.03)
        or an :class:`~riskkit.Escalation` index. Needs ``simulate(...,
        activity_detail=True)``; the rules are in :mod:`riskkit.phasing`.

        Examples
        --------
        >>> import riskkit as rk
        >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
        >>> res = rk.simulate(None, sch, iterations=1_000, rng=1, activity_detail=True,
        ...                   start="2027-01-04")
        >>> flow = res.cash_flow()
        >>> bool(abs(flow.total - res.cost).max() < 0.01)
        True
        """
        return cash_flow(self, freq, escalation=escalation)

    def activity_table(self, *, milestones: bool = False) -> pd.DataFrame:
        """Per activity: criticality index (share of iterations on a critical path) and
        mean early finish, most critical first; equally critical ones in the order they
        finish.

        Milestones (zero-duration activities, :attr:`milestones`) are left out unless
        ``milestones=True``: a milestone is critical whenever the path through it is, so
        a project start would head every list at 100% and say nothing. This is the one
        rule behind every "most critical" list: the command line, the notebooks'
        views, the criticality chart and the pack.
        """
        names = list(self.activity_names) or [""] * len(self.activity_ids)
        table = pd.DataFrame({"id": list(self.activity_ids), "name": names,
                              "criticality": self.criticality, "mean_finish": self.mean_finish})
        if not milestones and self.milestones:
            table = table[~table["id"].isin(list(self.milestones))]
        return table.sort_values(["criticality", "mean_finish"], ascending=[False, True],
                                 kind="stable").reset_index(drop=True)

    def idle(self, metric: str) -> str | None:
        """Why ``metric`` is 0 in every iteration when the inputs do not model it (a
        register without schedule impacts and no schedule), else None."""
        metric = metric_name(metric)
        if metric in self.metrics:
            return None
        if metric == "schedule":
            return "no risk has a schedule impact and there is no schedule, so it is 0 " \
                   "days in every iteration"
        return "no risk has a cost impact and the schedule has no costs, so it is 0 in " \
               "every iteration"

    def summary(self) -> Summary:
        """Metrics (cost, schedule) x statistics (base, mean, std, p10, p50, p80, p90).

        ``std`` is the sample standard deviation; percentiles use numpy's default
        (linear) method. The numbers are floats; the table is shown with cost in the
        register's currency and days to one decimal (:class:`Summary`), and without the
        row of a metric the inputs do not model (:meth:`idle`), which stays in the data.
        """
        rows = {}
        for metric in ("cost", "schedule"):
            v = self.values(metric)
            p = np.percentile(v, [10, 50, 80, 90])
            rows[metric] = [self.base(metric), float(v.mean()),
                            float(v.std(ddof=1)) if v.size > 1 else 0.0, *map(float, p)]
        frame = Summary(pd.DataFrame.from_dict(rows, orient="index", columns=list(STATISTICS)))
        frame.index.name = "metric"
        frame.attrs.update(currency=self.currency, unit=self.schedule_unit,
                           idle={m: why for m in ("cost", "schedule")
                                 if (why := self.idle(m)) is not None})
        return frame

    def to_frame(self) -> pd.DataFrame:
        """One row per iteration: ``iteration`` (from 1), ``cost``, ``schedule``."""
        return pd.DataFrame({"iteration": np.arange(1, self.iterations + 1),
                             "cost": self.cost, "schedule": self.schedule})

    def risk_table(self) -> pd.DataFrame:
        """Per risk: its probability and how often it occurred in the run."""
        return pd.DataFrame({"id": list(self.risk_ids), "probability": self.probabilities,
                             "occurrences": self.occurrences,
                             "occurrence_rate": self.occurrences / self.iterations})

    def to_dict(self) -> dict:
        """The JSON object of ``riskkit simulate --json`` (DESIGN.md)."""
        s = self.summary()
        out: dict = {"iterations": self.iterations, "seed": self.seed,
                     "risks": len(self.risk_ids), "excluded": len(self.excluded),
                     "sampling": self.sampling, "scenario": self.scenario,
                     "currency": self.currency}
        for metric in ("cost", "schedule"):
            out[metric] = {k: float(s.loc[metric, k]) for k in STATISTICS}
        out["schedule"]["unit"] = self.schedule_unit
        # Beyond DESIGN.md's objects, as separate keys so those stay exactly as specified.
        out["standard_errors"] = {
            metric: {"mean": self.standard_error("mean", metric),
                     "p80": self.standard_error(0.8, metric)}
            for metric in ("cost", "schedule")}
        out["standard_errors"]["method"] = self.standard_error_method
        out["converged"] = self.converged()
        out["correlation"] = self.correlation or None
        if self.start is not None:
            out["finish_dates"] = {"start": str(self.start),
                                   **{f"p{q}": str(self.finish_date(q / 100))
                                      for q in (10, 50, 80, 90)}}
            out["finish"] = self.finish_summary().to_dict()
        if self.key_activities:
            out["milestones"] = _milestones_dict(self.milestone_table())
        return out

    def _p80_text(self, metric: str) -> str:
        """The P80 of a metric in its unit: '£2,292,481', '229.1 days'."""
        p80 = self.percentile(0.8, metric)
        if metric_name(metric) == "cost":
            return amount(p80, currency_symbol(self.currency))
        return f"{number(p80, 1)} {self.schedule_unit}"

    def __repr__(self) -> str:
        p80 = "".join(f", P80 {m}={self._p80_text(m)}" for m in self.metrics)
        return (f"SimulationResult(iterations={self.iterations}, seed={self.seed}, "
                f"risks={len(self.risk_ids)}, scenario={self.scenario!r}{p80})")

    def _repr_html_(self) -> str:
        p80 = ", ".join(f"P80 {m} <b>{html.escape(self._p80_text(m))}</b>"
                        for m in self.metrics)
        head = (f"<p><b>Simulation</b> of {plural(len(self.risk_ids), 'risk')}"
                f"{' (' + html.escape(self.source) + ')' if self.source else ''}, "
                f"{self.iterations:,} iterations ({self.sampling}, seed {self.seed}), "
                f"scenario <i>{self.scenario}</i>. " + (p80 + "." if p80 else "")
                + (f" {plural(len(self.excluded), 'closed risk')} left out."
                   if self.excluded else "")
                + (f" {html.escape(self.correlation[0].upper() + self.correlation[1:])}."
                   if self.correlation else "")
                + "</p>")
        html_out = head + self.summary()._repr_html_()
        if self.has_schedule and len(self.activity_ids):
            top = self.activity_table().head(5)
            html_out += ("<p>Most critical activities"
                         + (" (milestones left out)" if self.milestones else "") + ": "
                         + ", ".join(f"{html.escape(a)} ({c:.0%})"
                                     for a, c in zip(top["id"], top["criticality"]))
                         + "</p>")
        if self.key_activities:
            rows = self.milestone_table(most=5)
            dated = self.start is not None
            html_out += ("<p>Milestones and deadlines (P80"
                         + (", chance of meeting the target" if rows["p_meet"].notna().any()
                            else "") + "): "
                         + ", ".join(
                             html.escape(str(r["id"])) + " "
                             + (str(r["p80_date"].date()) if dated else f"{r['p80']:,.1f} d")
                             + ("" if pd.isna(r["p_meet"]) else f" ({r['p_meet']:.0%})")
                             for r in rows.to_dict("records"))
                         + (f" ({len(self.key_activities) - len(rows)} more)"
                            if len(self.key_activities) > len(rows) else "") + "</p>")
        return html_out


def _milestones_dict(table: pd.DataFrame) -> dict:
    """The ``"milestones"`` object of ``simulate --json``: by id, its P50 and P80 dates
    (null without a start), the same in working days, its target and the probability
    of meeting it."""

    def day(x: object) -> str | None:
        return None if pd.isna(x) else str(pd.Timestamp(x).date())  # type: ignore[arg-type]

    out = {}
    for r in table.to_dict("records"):
        out[r["id"]] = {
            "name": r["name"], "milestone": bool(r["milestone"]),
            "base": day(r["base_date"]), "p50": day(r["p50_date"]), "p80": day(r["p80_date"]),
            "base_days": r["base"], "p50_days": r["p50"], "p80_days": r["p80"],
            "target": day(r["target"]), "target_source": r["target_source"],
            "p_meet": None if pd.isna(r["p_meet"]) else float(r["p_meet"])}
    return out
