"""Merge bias: where parallel paths join, the join waits for the latest of them.

A merge point is an activity with two or more predecessors. In each iteration, each
link into it gives the date it allows the merge to start: FS the predecessor's finish
plus the lag, SS its start plus the lag, FF and SF its finish (start) plus the lag less
the merge's own span (finish minus start). The merge starts at the latest of them (or
later, held by a constraint). Because the maximum of uncertain dates is later than
each of them, the merge's P50 start is later than the latest of its inputs' P50s: that
difference is its **merge bias** (GAO Schedule Assessment Guide; Hulett). Both are in
working days from the start (the units of :attr:`SimulationResult.schedule`), so the
bias is in working days; lags on a planning tool's lag calendar are taken as working
days of the schedule's calendar here.

What holds a merge apart from its inputs in the deterministic plan (most-likely
durations, no risks) is not merge bias: a start constraint, progress (an activity
already under way), calendars that differ. That gap, ``plan_gap``, is subtracted:
``bias_p50 = start_p50 - input_p50 - plan_gap`` (0 for a CSV schedule's merge, whose
plan starts it at its latest input).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import OptionError

__all__ = ["MERGE_COLUMNS", "MergeBias", "merge_bias"]

#: the columns of :attr:`MergeBias.table`, in order
MERGE_COLUMNS = ("id", "name", "inputs", "latest_input", "input_p50", "start_p50",
                 "plan_gap", "bias_p50", "input_mean", "start_mean", "bias_mean")


@dataclass(frozen=True, eq=False)
class MergeBias:
    """The merge points of a run (:meth:`SimulationResult.merge_bias`), largest P50 bias
    first: ``id``, ``name``, ``inputs`` (links into it), ``latest_input`` (the
    predecessor whose link has the latest P50 date), ``input_p50`` (that P50),
    ``start_p50`` (the merge's P50 start), ``plan_gap`` (the same gap in the
    deterministic plan), ``bias_p50`` (start_p50 - input_p50 - plan_gap), and the same
    for the means (``input_mean``: the latest of the links' mean dates). Working days
    from the start (``unit``)."""

    table: pd.DataFrame
    unit: str = "working days"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        if not len(self.table):
            return "MergeBias(no merge points)"
        top = self.table.iloc[0]
        return (f"MergeBias({len(self.table)} merge points; largest: {top['id']}, "
                f"{top['bias_p50']:,.1f} {self.unit} at P50)")

    def _repr_html_(self) -> str:
        shown = self.table.copy()
        for col in MERGE_COLUMNS[4:]:
            shown[col] = [f"{v:,.1f}" for v in shown[col]]
        return (f"<p><b>Merge bias</b> ({html.escape(self.unit)}): how much later each "
                "merge starts than the latest of its inputs, at P50 and on average</p>"
                + shown.to_html(index=False))


def merge_bias(result: Any) -> MergeBias:
    """The merge bias of every merge point of ``result`` (module docstring), from a
    run with ``activity_detail=True``.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.Schedule((rk.Activity("A", rk.Uniform(10, 20)),
    ...                    rk.Activity("B", rk.Uniform(10, 20)),
    ...                    rk.Activity("M", rk.Fixed(5.0))),
    ...                   (rk.Link("A", "M"), rk.Link("B", "M")))
    >>> res = rk.simulate(None, sch, iterations=20_000, rng=1, activity_detail=True)
    >>> round(float(res.merge_bias().table["bias_p50"].iloc[0]), 1)  # 10 (1/sqrt 2 - 1/2)
    2.1
    """
    schedule = getattr(result, "network_input", None)
    if schedule is None or result.activity_finishes.shape[0] != len(result.activity_ids) \
            or result.activity_starts.shape[0] != len(result.activity_ids):
        raise OptionError("activity_detail", False,
                          "simulate(..., activity_detail=True) with a schedule: merge bias "
                          "needs every activity's start and finish")
    into: dict[str, list[Any]] = {}
    for link in schedule.links:
        into.setdefault(link.successor, []).append(link)
    merges = {m: links for m, links in into.items()
              if len({lk.predecessor for lk in links}) >= 2}
    rows = []
    if merges:
        # the deterministic plan, by the simulation's own forward pass
        plan = schedule.network.passes(  # type: ignore[attr-defined]
            schedule.most_likely[:, None].astype(result.activity_starts.dtype),
            backward=False)
        plan_s = np.asarray(plan.early_start, dtype=float)
        plan_f = np.asarray(plan.early_finish, dtype=float)
    for m, links in merges.items():
        j = schedule.index_of(m)
        start, dates = _link_dates(schedule, links, j, result.activity_starts,
                                   result.activity_finishes)
        plan_start, plan_dates = _link_dates(schedule, links, j, plan_s, plan_f)
        p50 = np.percentile(dates, 50, axis=1)
        k = int(np.argmax(p50))
        start_p50 = float(np.percentile(start, 50))
        gap = float(plan_start[0] - plan_dates.max())
        means = dates.mean(axis=1)
        rows.append({"id": m, "name": schedule.activities[j].name or "",
                     "inputs": len(links), "latest_input": links[k].predecessor,
                     "input_p50": float(p50[k]), "start_p50": start_p50, "plan_gap": gap,
                     "bias_p50": start_p50 - float(p50[k]) - gap,
                     "input_mean": float(means.max()), "start_mean": float(start.mean()),
                     "bias_mean": float(start.mean() - means.max()) - gap})
    table = pd.DataFrame(rows, columns=list(MERGE_COLUMNS))
    table = table.sort_values("bias_p50", ascending=False, kind="stable")
    return MergeBias(table.reset_index(drop=True))


def _link_dates(schedule: Any, links: list[Any], j: int, s: np.ndarray, f: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """The merge ``j``'s start and each link's date for it, (links, iterations)."""
    start = s[j].astype(float)
    span = f[j].astype(float) - start
    dates = []
    for lk in links:
        i = schedule.index_of(lk.predecessor)
        base = (f[i] if lk.type in ("FS", "FF") else s[i]).astype(float) + lk.lag
        dates.append(base - span if lk.type in ("FF", "SF") else base)
    return start, np.maximum(np.array(dates), 0.0)  # no start before the project start
