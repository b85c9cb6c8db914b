"""Time-phased cost: when the money is spent, month by month, and what escalation adds.

From a run that kept every activity's draws (``simulate(..., activity_detail=True)``),
each iteration's cost is placed in time:

- an activity's cost (cost per day x its sampled duration, risk delays included, plus
  its fixed cost) is spread linearly over its sampled start to finish, in working days;
  an activity of zero duration spends at its finish;
- a risk's cost impact falls at the finish of the activity it hits (of the last of its
  activities to finish in that iteration, when it names several): the work it causes is
  paid when it is done; a risk on no activity is spread linearly over the project, from
  the start to that iteration's finish;
- the mitigation costs of the mitigated scenario are spent at the start;
- whatever else the run's cost holds (nothing today: the check that every cost is
  placed) is spread over the project like an unlinked risk.

Months run from the start date's month on the run's calendar: month m ends after the
working days through its last day (:meth:`Calendar.working_days_through`), so a cost
at working day t falls in the month of the finish date of t. Without a start date,
"month" k is working days 21.75 (k - 1) to 21.75 k (261 working days a year / 12).

Escalation (AACE 58R-10, 68R-11) multiplies each month's spend by a price index from
the start's month: an annual rate r gives the factor (1 + r) ** (m / 12) for the m-th
month after it (the first month, m = 0, at today's prices: monthly compounding, prices
stepping once a month), an index by month gives index(month) / index(start's month). So
a delay that moves spend later also costs more.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._format import amount, currency_symbol
from .exceptions import InputWarning, OptionError
from .model import Calendar, Schedule

__all__ = ["CASH_FLOW_COLUMNS", "DAYS_PER_MONTH", "CashFlow", "Escalation", "RiskCosts",
           "cash_flow"]

#: working days in a "month" of a run without a start date: 261 a year / 12
DAYS_PER_MONTH = 21.75
_FREQS = {"M": 1, "MS": 1, "ME": 1, "MONTH": 1, "Q": 3, "QS": 3, "QE": 3, "QUARTER": 3,
          "Y": 12, "A": 12, "YS": 12, "YE": 12, "YEAR": 12}
_QS = (10, 50, 90)
#: the columns of :attr:`CashFlow.table`, in order
CASH_FLOW_COLUMNS = ("period", "start", "end", "mean", "p10", "p50", "p90",
                     "cumulative_mean", "cumulative_p10", "cumulative_p50",
                     "cumulative_p90")


@dataclass(frozen=True)
class RiskCosts:
    """Every occurrence's cost impact in a run (sparse, by risk): risk ``r``'s
    iterations are ``iterations[offsets[r]:offsets[r + 1]]``, ascending, its costs
    ``values`` alike; ``activities[r]`` the rows of the schedule's activities it hits
    (() = none)."""

    ids: tuple[str, ...]
    activities: tuple[tuple[int, ...], ...]
    offsets: np.ndarray
    iterations: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, parts: Sequence[tuple[int, np.ndarray, np.ndarray]], ids: Sequence[str],
           activities: Sequence[tuple[int, ...]]) -> RiskCosts:
        """From (risk, iterations, costs) parts in any order."""
        n = len(ids)
        by_risk: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(n)]
        for r, at, c in parts:
            by_risk[r].append((np.asarray(at, dtype=np.int64), np.asarray(c, dtype=float)))
        its, vals, offsets = [], [], np.zeros(n + 1, dtype=np.int64)
        for r, chunks in enumerate(by_risk):
            at = np.concatenate([a for a, _ in chunks]) if chunks else np.zeros(0, np.int64)
            c = np.concatenate([v for _, v in chunks]) if chunks else np.zeros(0)
            order = np.argsort(at, kind="stable")
            its.append(at[order])
            vals.append(c[order])
            offsets[r + 1] = offsets[r] + at.size
        return cls(tuple(ids), tuple(tuple(a) for a in activities), offsets,
                   np.concatenate(its) if its else np.zeros(0, np.int64),
                   np.concatenate(vals) if vals else np.zeros(0))

    def of_risk(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """Risk ``r``'s iterations and cost impacts."""
        a, b = self.offsets[r], self.offsets[r + 1]
        return self.iterations[a:b], self.values[a:b]

    def totals(self, iterations: int) -> np.ndarray:
        """Each iteration's sum of cost impacts."""
        out = np.zeros(iterations)
        np.add.at(out, self.iterations, self.values)
        return out


@dataclass(frozen=True)
class Escalation:
    """A price index by month for time-phased cost: an annual ``rate`` (0.03 for 3% a
    year, monthly compounding) or an ``index`` (a Series of positive numbers by month,
    ``datetime64[M]``), read by :func:`riskkit.read_escalation_index`.

    Examples
    --------
    >>> import numpy as np
    >>> e = Escalation(rate=0.03)
    >>> float(e.factors(np.datetime64("2027-01", "M"), 13)[12])
    1.03
    """

    rate: float | None = None
    index: pd.Series | None = field(default=None, repr=False)
    source: str = ""

    def __post_init__(self) -> None:
        if (self.rate is None) == (self.index is None):
            raise OptionError("escalation", "both or neither",
                              "an annual rate or an index by month")
        if self.rate is not None:
            rate = self.rate
            if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) \
                    or not np.isfinite(rate) or rate <= -1:
                raise OptionError("escalation", rate, "an annual rate above -100%, "
                                  "e.g. 0.03 (or '3%' on the command line)")
            object.__setattr__(self, "rate", float(rate))

    @property
    def label(self) -> str:
        """How the escalation is written in a chart or a report."""
        if self.rate is not None:
            return f"escalated at {self.rate:.2%} a year".replace(".00%", "%")
        return "escalated by the index" + (f" {self.source}" if self.source else "")

    def factors(self, first: np.datetime64 | None, months: int) -> np.ndarray:
        """The factor of each of ``months`` months from ``first`` (the start's month,
        factor 1); without a date (a run without a start), month m after the first."""
        m = np.arange(months, dtype=float)
        if self.rate is not None:
            return (1.0 + self.rate) ** (m / 12.0)
        assert self.index is not None
        if first is None:
            raise OptionError("start", None, "a start date for an escalation index by "
                              "month (simulate(start=...), --start)")
        first = _as(first, "M")
        index = self.index
        keys = np.asarray(index.index.values).astype("datetime64[M]")
        values = index.to_numpy(dtype=float)
        if first not in keys:
            raise OptionError("escalation index", f"months {keys[0]} to {keys[-1]}",
                              f"an index that includes the start's month {first}")
        base = values[int(np.flatnonzero(keys == first)[0])]
        wanted = first + np.arange(months).astype("timedelta64[M]")
        out = np.empty(months)
        last = keys[-1]
        known = wanted <= last
        where = np.searchsorted(keys, wanted[known])
        if np.any(keys[np.minimum(where, keys.size - 1)] != wanted[known]):
            raise OptionError("escalation index", "a month missing",
                              "one row per month, without gaps")
        out[known] = values[where] / base
        if not known.all():
            span = min(12, keys.size - 1)
            growth = (values[-1] / values[-1 - span]) ** (1.0 / span) if span else 1.0
            ahead = (wanted[~known] - last).astype(int)
            out[~known] = values[-1] / base * growth ** ahead
            warnings.warn(InputWarning(
                f"escalation index{' ' + self.source if self.source else ''} ends in "
                f"{last}; the {int((~known).sum())} month(s) after it are escalated at "
                f"its last {span} months' growth ({growth ** 12 - 1:.2%} a year)"),
                stacklevel=2)
        return out


def _as(value: Any, unit: str) -> Any:
    """``value`` (a date or month) as a ``datetime64`` of ``unit`` ("M", "D")."""
    return np.asarray(value).astype(f"datetime64[{unit}]")[()]


def periods(start: np.datetime64 | None, calendar: Calendar, months: int,
            step: int = 1) -> tuple[np.ndarray, list[str], list[Any], list[Any]]:
    """The end of each period in working days from the start, and its label, first and
    last day (None without a start)."""
    ends: list[float] = []
    labels: list[str] = []
    firsts: list[Any] = []
    lasts: list[Any] = []
    for k in range(0, months, step):
        if start is None:
            ends.append(DAYS_PER_MONTH * min(k + step, months))
            labels.append(f"month {k + 1}" if min(k + step, months) == k + 1 else
                          f"months {k + 1}-{min(k + step, months)}")
            firsts.append(None)
            lasts.append(None)
            continue
        month = _as(start, "M") + np.timedelta64(k, "M")
        after = _as(start, "M") + np.timedelta64(min(k + step, months), "M")
        last = _as(after, "D") - np.timedelta64(1, "D")
        ends.append(float(calendar.working_days_through(start, last)))
        labels.append(str(month) if step == 1 else (
            f"{month.astype(object).year}" if step == 12 and k % 12 == 0
            and _as(start, "M").astype(object).month == 1
            else str(month) if after - month == np.timedelta64(1, "M")
            else f"{month} to {after - np.timedelta64(1, 'M')}"))
        firsts.append(max(_as(month, "D"), _as(start, "D")))
        lasts.append(last)
    return np.array(ends), labels, firsts, lasts


def month_count(start: np.datetime64 | None, calendar: Calendar, until: float) -> int:
    """How many months from the start's month it takes to reach working day ``until``."""
    if start is None:
        return max(1, int(np.ceil(until / DAYS_PER_MONTH - 1e-12)))
    # a first guess from about 21 working days a month, then month by month
    k = max(1, int(until // 23))
    while periods(start, calendar, k)[0][-1] < until:
        k += max(1, int((until - periods(start, calendar, k)[0][-1]) // 23))
    return k


def cumulative_spend(result: Any, ends: np.ndarray, *, chunk: int = 2_000_000
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Each iteration's cost spent by each working day of ``ends``, (iterations,
    len(ends)), and the part of each iteration's cost that no rule placed (the
    residual, spread over the project; 0 to rounding)."""
    schedule: Schedule = result.network_input
    n = result.iterations
    cost_per_day, fixed = schedule.cost_per_day[:, None], schedule.fixed_cost[:, None]
    out = np.full((n, ends.size), float(result.mitigation_cost))  # spent at the start
    placed = np.full(n, float(result.mitigation_cost))
    step = max(1, chunk // max(1, len(schedule)))
    for i0 in range(0, n, step):  # float64 copies of a few thousand iterations at a time
        i1 = min(n, i0 + step)
        s = result.activity_starts[:, i0:i1].astype(float)
        f = result.activity_finishes[:, i0:i1].astype(float)
        c = cost_per_day * result.activity_durations[:, i0:i1].astype(float) + fixed
        if result.activity_cost_factors is not None:  # cost drivers, missing activities
            rows, factors = result.activity_cost_factors
            c[rows] *= factors[:, i0:i1]
        width = f - s
        spread = width > 0
        safe = np.where(spread, width, 1.0)
        for m, end in enumerate(ends):
            share = np.where(spread, np.clip((end - s) / safe, 0.0, 1.0), f <= end)
            out[i0:i1, m] += np.einsum("ai,ai->i", c, share)
        placed[i0:i1] += c.sum(axis=0)
    unlinked = np.zeros(n)
    risks: RiskCosts | None = result.risk_costs
    for r in range(len(risks.ids) if risks is not None else 0):
        assert risks is not None
        at, c = risks.of_risk(r)  # one occurrence per iteration: ``at`` has no repeats
        rows = list(risks.activities[r])
        if not rows:
            unlinked[at] += c
            continue
        when = result.activity_finishes[rows][:, at].max(axis=0)
        out[at] += c[:, None] * (when[:, None] <= ends[None, :])
        placed[at] += c
    placed += unlinked
    residual = np.asarray(result.cost, dtype=float) - placed
    finish = np.asarray(result.schedule, dtype=float)
    span = np.where(finish > 0, finish, 1.0)
    share = np.where(finish[:, None] > 0, np.clip(ends[None, :] / span[:, None], 0.0, 1.0),
                     1.0)
    out += (unlinked + residual)[:, None] * share
    return out, residual


@dataclass(frozen=True, eq=False)
class CashFlow:
    """The time-phased cost of a run (:meth:`SimulationResult.cash_flow`): per period,
    the spend's mean and P10/P50/P90 in the period and cumulative to its end, across
    the iterations, escalated when an :class:`Escalation` was given. A percentile of
    the cumulative spend is not the sum of the periods' percentiles.

    ``cumulative`` (iterations x periods) is each iteration's spend to each period's
    end; its last column is each iteration's total (``total``), equal to the run's cost
    when not escalated. ``unplaced`` is the largest cost of an iteration that no rule
    placed (spread over the project; 0 to rounding). :meth:`by` regroups the months
    into quarters or years.
    """

    table: pd.DataFrame
    cumulative: np.ndarray = field(repr=False)
    freq: str = "M"
    currency: str | None = None
    escalation: Escalation | None = None
    unplaced: float = 0.0
    dated: bool = True
    #: each iteration's spend to the end of each month, (iterations, months)
    monthly: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    start: np.datetime64 | None = field(default=None, repr=False)
    calendar: Calendar = field(default_factory=Calendar, repr=False)

    def by(self, freq: str) -> CashFlow:
        """The same spend by ``freq``: "M" (months), "Q" (quarters of three months
        from the start's month), "Y" (years of twelve)."""
        key = str(freq).strip().upper()
        if key not in _FREQS:
            raise OptionError("freq", freq, "'M' (months), 'Q' (quarters) or 'Y' (years)")
        step = _FREQS[key]
        months = self.monthly.shape[1]
        _, labels, firsts, lasts = periods(self.start, self.calendar, months, step)
        pick = np.minimum(np.arange(step - 1, months + step - 1, step), months - 1)
        cum = np.ascontiguousarray(self.monthly[:, pick])
        per = np.diff(cum, axis=1, prepend=0.0)
        pp, pc = np.percentile(per, _QS, axis=0), np.percentile(cum, _QS, axis=0)
        table = pd.DataFrame({
            "period": labels, "start": pd.to_datetime(firsts), "end": pd.to_datetime(lasts),
            "mean": per.mean(axis=0), **{f"p{q}": pp[i] for i, q in enumerate(_QS)},
            "cumulative_mean": cum.mean(axis=0),
            **{f"cumulative_p{q}": pc[i] for i, q in enumerate(_QS)}},
            columns=list(CASH_FLOW_COLUMNS))
        return CashFlow(table, cum, {1: "M", 3: "Q", 12: "Y"}[step], self.currency,
                        self.escalation, self.unplaced, self.dated, self.monthly,
                        self.start, self.calendar)

    @property
    def total(self) -> np.ndarray:
        """Each iteration's total (escalated) cost."""
        return self.cumulative[:, -1]

    def summary(self) -> dict[str, float]:
        """Mean, std and P10-P90 of the total."""
        t = self.total
        p = np.percentile(t, (10, 50, 80, 90))
        return {"mean": float(t.mean()), "std": float(t.std(ddof=1)) if t.size > 1 else 0.0,
                **{f"p{q}": float(v) for q, v in zip((10, 50, 80, 90), p)}}

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __repr__(self) -> str:
        return (f"CashFlow({len(self.table)} periods ({self.freq}), P50 total "
                f"{amount(float(np.median(self.total)), currency_symbol(self.currency))}"
                + (f", {self.escalation.label}" if self.escalation else "") + ")")

    def _repr_html_(self) -> str:
        shown = self.table[["period", "p10", "p50", "p90", "cumulative_p10",
                            "cumulative_p50", "cumulative_p90"]].copy()
        sym = currency_symbol(self.currency)
        for col in shown.columns[1:]:
            shown[col] = [amount(float(v), sym) for v in shown[col]]
        return ("<p><b>Cash flow</b> by period, P10/P50/P90"
                + (f", {html.escape(self.escalation.label)}" if self.escalation else "")
                + "</p>" + shown.to_html(index=False))


def cash_flow(result: Any, freq: str = "M", *, escalation: Escalation | float | None = None
              ) -> CashFlow:
    """The time-phased cost of ``result`` (module docstring); see
    :meth:`SimulationResult.cash_flow`."""
    if getattr(result, "network_input", None) is None or \
            result.activity_finishes.shape[0] != len(result.activity_ids) or \
            result.risk_costs is None:
        raise OptionError("activity_detail", False,
                          "simulate(..., activity_detail=True) with a schedule: the cash "
                          "flow places every activity's cost between its sampled start "
                          "and finish")
    key = str(freq).strip().upper()
    if key not in _FREQS:
        raise OptionError("freq", freq, "'M' (months), 'Q' (quarters) or 'Y' (years)")
    if escalation is not None and not isinstance(escalation, Escalation):
        escalation = Escalation(rate=escalation)
    assert escalation is None or isinstance(escalation, Escalation)
    start, calendar = result.start, result.calendar
    last = max(float(np.max(result.schedule, initial=0.0)),
               float(np.max(result.activity_finishes, initial=0.0)))
    months = month_count(start, calendar, last)
    ends = periods(start, calendar, months)[0]
    cum, residual = cumulative_spend(result, ends)
    # one path with and without escalation, so a rate of 0 gives the same bits
    factors = (escalation.factors(_as(start, "M") if start is not None else None, months)
               if escalation is not None else np.ones(months))
    cum = np.cumsum(np.diff(cum, axis=1, prepend=0.0) * factors[None, :], axis=1)
    return CashFlow(pd.DataFrame(), cum, "M", result.currency, escalation,
                    float(np.max(np.abs(residual), initial=0.0)), start is not None, cum,
                    start, calendar).by(key)
