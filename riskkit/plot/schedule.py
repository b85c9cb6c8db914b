"""Charts of a run with a schedule: joint cost-schedule confidence, criticality and the
dates of milestones and deadlines."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .._format import money
from ..exceptions import OptionError
from ..result import SimulationResult
from .style import MARKERS, PALETTE, axis_formatter, date_axis, metric_label, new_axes, wrap

__all__ = ["activity_sensitivity", "criticality", "jcl_frontier", "joint_confidence",
           "milestone_dates"]

_MEASURES = {
    "sensitivity": ("duration sensitivity (rank correlation of the activity's duration "
                    "with the finish)", "What moves the finish: duration sensitivity"),
    "cruciality": ("cruciality (criticality x duration sensitivity)",
                   "What moves the finish: cruciality"),
    "ssi": ("schedule sensitivity index (criticality x sd of duration / sd of finish)",
            "What moves the finish: schedule sensitivity index"),
}


def joint_confidence(
    result: SimulationResult,
    cost: float | None = None,
    duration: float | None = None,
    *,
    ax: Axes | None = None,
    level: float = 0.7,
    currency: str | None = None,
    max_points: int = 5_000,
    title: str | None = None,
) -> Axes:
    """Cost against duration per iteration (NASA's joint confidence level chart).

    The targets (default: the P80 of each) are drawn as lines, the joint probability
    P(cost <= C and duration <= T) is printed, and the frontier of (C, T) pairs with a
    joint probability of ``level`` (70% by default: the JCL at which NASA baselines
    programmes) is drawn.
    """
    ax = new_axes(ax, (8, 6))
    c, t = result.cost, result.schedule
    cost = result.percentile(0.8, "cost") if cost is None else float(cost)
    duration = result.percentile(0.8, "schedule") if duration is None else float(duration)
    joint = float(np.mean((c <= cost) & (t <= duration)))
    step = max(1, c.size // max_points)
    ax.scatter(t[::step], c[::step], s=4, alpha=0.3, color=PALETTE[0], rasterized=True,
               linewidths=0)
    frontier_t, frontier_c = jcl_frontier(c, t, level)
    ax.plot(frontier_t, frontier_c, color=PALETTE[1], linewidth=2,
            label=f"{level:.0%} joint confidence frontier")
    ax.axvline(duration, color="0.2", linestyle="--", linewidth=1)
    ax.axhline(cost, color="0.2", linestyle="--", linewidth=1)
    ax.annotate(f"P(cost ≤ {money(cost, currency)} and duration ≤ {duration:,.0f} d) = "
                f"{joint:.0%}", (0.02, 0.97), xycoords="axes fraction", va="top", fontsize=9,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.7"})
    ax.yaxis.set_major_formatter(axis_formatter("cost", currency))
    ax.set_xlabel(metric_label("schedule", currency, result.has_schedule))
    ax.set_ylabel(metric_label("cost", currency))
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.grid(True, alpha=0.3)
    ax.set_title(title or "Joint cost and schedule confidence")
    return ax


def jcl_frontier(cost: np.ndarray, duration: np.ndarray, level: float,
                  points: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(T, C) pairs with P(cost <= C and duration <= T) = level. It starts at the
    largest cost: at the ``level`` quantile of duration any larger C keeps the joint
    probability at ``level``, so the frontier rises vertically to the top."""
    n = cost.size
    need = int(np.ceil(level * n))
    order = np.argsort(duration, kind="stable")
    t_sorted, c_by_t = duration[order], cost[order]
    ts, cs = [t_sorted[need - 1]], [float(cost.max())]
    for m in np.unique(np.linspace(need, n, points).astype(int)):
        prefix = c_by_t[:m]
        ts.append(t_sorted[m - 1])
        cs.append(np.partition(prefix, need - 1)[need - 1])
    return np.array(ts), np.array(cs)


def criticality(
    result: SimulationResult,
    *,
    ax: Axes | None = None,
    top: int = 15,
    title: str | None = None,
    skip: Sequence[str] = (),
    skip_reason: str = "not shown",
) -> Axes:
    """Criticality index per activity (share of iterations on a critical path), top N;
    ties in the order of their mean finish. ``skip``: activity ids left out, named
    under the axis after ``skip_reason`` (the pack leaves out milestones, critical
    whenever the path through them is)."""
    table = result.activity_table()
    table = table[~table["id"].isin(list(skip))].head(top).iloc[::-1]
    ax = new_axes(ax, (8, 0.4 * len(table) + 1.5))
    y = np.arange(len(table))
    ax.barh(y, table["criticality"], color=PALETTE[0], height=0.65)
    names = table["name"] if "name" in table else [""] * len(table)
    ax.set_yticks(y, ["\n".join(wrap(f"{a}  {n}", 40)) or str(a)
                      for a, n in zip(table["id"], names)], fontsize=8)
    for yi, v in zip(y, table["criticality"]):
        ax.annotate(f"{v:.0%}", (v, yi), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    shown = ", ".join(list(skip)[:8]) + (" …" if len(skip) > 8 else "")
    ax.set_xlabel("criticality index (share of iterations on a critical path)"
                  + (f"\n{skip_reason}: {shown}" if len(skip) else ""))
    ax.set_title(title or "Most critical activities")
    return ax


def activity_sensitivity(
    result: SimulationResult,
    measure: str = "cruciality",
    *,
    ax: Axes | None = None,
    top: int = 15,
    title: str | None = None,
) -> Axes:
    """A tornado of the activities by ``measure`` of
    :meth:`SimulationResult.activity_sensitivity` ("sensitivity", "cruciality" or
    "ssi"; needs a run with ``activity_detail=True``), the largest in size first;
    negative values (an activity whose longer duration goes with an earlier finish)
    point left."""
    if measure not in _MEASURES:
        raise OptionError("measure", measure, "'sensitivity', 'cruciality' or 'ssi'")
    table = result.activity_sensitivity()
    table = table.iloc[np.argsort(-np.abs(table[measure].to_numpy()), kind="stable")]
    table = table[table[measure].abs() > 0].head(top).iloc[::-1]
    ax = new_axes(ax, (8, 0.4 * len(table) + 1.5))
    y = np.arange(len(table))
    values = table[measure].to_numpy()
    ax.barh(y, values, color=[PALETTE[0] if v >= 0 else PALETTE[2] for v in values],
            height=0.65)
    names = table["name"] if "name" in table else [""] * len(table)
    ax.set_yticks(y, ["\n".join(wrap(f"{a}  {n}", 40)) or str(a)
                      for a, n in zip(table["id"], names)], fontsize=8)
    for yi, v in zip(y, values):
        ax.annotate(f"{v:.2f}", (v, yi), xytext=(3 if v >= 0 else -3, 0),
                    textcoords="offset points", va="center", fontsize=8,
                    ha="left" if v >= 0 else "right")
    low = min(0.0, float(values.min()) * 1.25) if len(values) else 0.0
    ax.set_xlim(low, 1.12 if measure != "ssi" else max(1.12, float(values.max()) * 1.15
                                                       if len(values) else 1.12))
    ax.axvline(0, color="0.3", lw=0.8)
    label, default_title = _MEASURES[measure]
    ax.set_xlabel(label if len(values) else label + "\nno activity's duration varies")
    ax.set_title(title or default_title)
    return ax


def milestone_dates(
    result: SimulationResult,
    *,
    ax: Axes | None = None,
    top: int = 15,
    title: str | None = None,
) -> Axes:
    """The finish of each milestone and deadline (:meth:`SimulationResult.milestone_table`,
    at most ``top``: those least likely to meet their target), in working days from the
    start (dates on the top axis when the start is known): the P10-P90 range as a bar,
    the P50 and P80 marked, the plan's date as a tick and the target as a diamond."""
    table = result.milestone_table(most=top).iloc[::-1]
    ax = new_axes(ax, (8, 0.4 * len(table) + 1.5))
    y = np.arange(len(table))
    ax.barh(y, table["p90"] - table["p10"], left=table["p10"], height=0.5,
            color=PALETTE[5], alpha=0.55, label="P10-P90")
    ax.plot(table["p50"], y, MARKERS[0], color=PALETTE[0], label="P50")
    ax.plot(table["p80"], y, MARKERS[1], color=PALETTE[1], label="P80")
    ax.plot(table["base"], y, "|", color=PALETTE[7], markersize=14, label="plan")
    if result.start is not None and table["target"].notna().any():
        have = table["target"].notna().to_numpy()
        at = [float(result.calendar.working_days_through(result.start, t))
              for t in table["target"][have]]
        ax.plot(at, y[have], MARKERS[3], color=PALETTE[3], markerfacecolor="none",
                markersize=8, label="target")
    ax.set_yticks(y, ["\n".join(wrap(f"{a}  {n}", 40)) or str(a)
                      for a, n in zip(table["id"], table["name"])], fontsize=8)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.set_xlabel("finish (working days from the start)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    if result.start is not None and len(table):
        date_axis(ax, result)
    ax.set_title(title or "Milestones and deadlines: when they finish")
    return ax
