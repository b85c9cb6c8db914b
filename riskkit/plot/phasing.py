"""When the money is spent: the probabilistic cash-flow S-curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter
from matplotlib.ticker import FuncFormatter

from .._format import compact
from ..phasing import CashFlow
from ..result import SimulationResult
from .style import PALETTE, new_axes

__all__ = ["cash_flow"]


def _flow(data: CashFlow | SimulationResult) -> CashFlow:
    return data.cash_flow() if isinstance(data, SimulationResult) else data


def cash_flow(
    data: CashFlow | SimulationResult,
    *,
    ax: Axes | None = None,
    escalated: CashFlow | None = None,
    currency: str | None = None,
    bars: bool = True,
    title: str | None = None,
) -> Axes:
    """The cumulative spend by period (:meth:`SimulationResult.cash_flow`): the P50
    line in the band from P10 to P90, the mean dashed, and (``bars``) each period's P50
    spend as bars on the right-hand axis; ``escalated`` (the same run's cash flow with
    escalation) overlays its P50 and P90 so the cost of inflation shows. A percentile of
    the cumulative spend is not the sum of the periods' percentiles.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> res = rk.simulate(None, sch, iterations=1_000, rng=1, activity_detail=True,
    ...                   start="2027-01-04")
    >>> ax = rk.plot.cash_flow(res.cash_flow(), escalated=res.cash_flow(escalation=0.03))
    """
    flow = _flow(data)
    ax = new_axes(ax, (8, 4.5))
    t = flow.table
    cur = currency if currency is not None else None
    if flow.dated:
        x = np.concatenate([[pd.Timestamp(t["start"].iloc[0])],
                            pd.to_datetime(t["end"]) + pd.Timedelta(days=1)])
        mid = pd.to_datetime(t["start"]) + (pd.to_datetime(t["end"])
                                            - pd.to_datetime(t["start"])) / 2
        width = (pd.to_datetime(t["end"]) - pd.to_datetime(t["start"])).dt.days * 0.7
    else:
        x = np.arange(len(t) + 1, dtype=float)
        mid = x[1:] - 0.5
        width = np.full(len(t), 0.7)
    zero = np.zeros(1)
    p10, p50, p90 = (np.concatenate([zero, t[f"cumulative_p{q}"].to_numpy(float)])
                     for q in (10, 50, 90))
    mean = np.concatenate([zero, t["cumulative_mean"].to_numpy(float)])
    if bars:
        right = ax.twinx()
        right.bar(mid, t["p50"].to_numpy(float), width=width, color="0.6", alpha=0.35,
                  edgecolor="0.5", linewidth=0.5, hatch="///",
                  label="spend in the period, P50 (right axis)")
        right.yaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v, cur)))
        right.set_ylabel("spend in the period (P50)", fontsize=8, color="0.35")
        right.tick_params(axis="y", labelsize=8, colors="0.35")
        right.set_ylim(0, max(float(t["p90"].max()), 1.0) * 2.2)  # bars in the lower half
        right.spines["right"].set_alpha(0.4)
        ax.set_zorder(right.get_zorder() + 1)
        ax.patch.set_visible(False)
    ax.fill_between(x, p10, p90, color=PALETTE[0], alpha=0.18, linewidth=0,
                    label="P10 to P90")
    ax.plot(x, p50, color=PALETTE[0], linewidth=2, linestyle="-", label="P50")
    ax.plot(x, mean, color=PALETTE[0], linewidth=1, linestyle="--", label="mean")
    if escalated is not None:
        e = escalated.table
        label = escalated.escalation.label if escalated.escalation else "escalated"
        for q, style in ((50, "-"), (90, ":")):
            ax.plot(x, np.concatenate([zero, e[f"cumulative_p{q}"].to_numpy(float)]),
                    color=PALETTE[1], linewidth=1.6, linestyle=style,
                    label=f"P{q}, {label}")
        top = float(e["cumulative_p90"].iloc[-1])
        ax.annotate(f"P90 {compact(top, cur)}", (x[-1], top), xytext=(-4, 4),
                    textcoords="offset points", ha="right", va="bottom", fontsize=8,
                    color=PALETTE[1])
    for value, q in ((p50[-1], 50), (p90[-1], 90)):
        # below their lines (inside the band for the P90): the escalated P90 is above
        below = q == 50 or escalated is not None
        ax.annotate(f"P{q} {compact(float(value), cur)}", (x[-1], value),
                    xytext=(-4, -4 if below else 4), textcoords="offset points",
                    ha="right", va="top" if below else "bottom", fontsize=8,
                    color=PALETTE[0])
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v, cur)))
    ax.set_ylim(bottom=0)
    ax.set_ylabel("cumulative spend" + (f" ({cur.strip()})" if cur else ""))
    unit = {"M": "month", "Q": "quarter", "Y": "year"}.get(flow.freq, "period")
    if flow.dated:
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
        ax.tick_params(axis="x", labelsize=8)
    else:
        ax.set_xlabel(f"end of {unit} (no start date: a month is 21.75 working days)")
    ax.grid(True, alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if bars:
        h2, l2 = right.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.legend(handles, labels, loc="upper left", frameon=False, fontsize=8)
    ax.set_title(title or f"Cash flow: cumulative spend by {unit}")
    return ax
