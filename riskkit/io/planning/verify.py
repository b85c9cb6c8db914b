"""Our CPM against the dates the planning tool saved: the proof a user needs before
trusting a risk result on an imported schedule (``riskkit verify``).

:func:`compare_dates` reads a schedule from a planning tool (P6 XER, MS Project or P6
XML), runs the deterministic CPM on the activities' own calendars
(:meth:`~riskkit.model.Schedule.dates`: constraints, progress, as late as possible and
level of effort as P6 does them) and compares each activity's early start, early
finish and late finish with the ones the tool saved (:class:`~riskkit.model.SavedDates`),
to the calendar day, and its total float to the hour. Completed activities are counted
but not compared: they keep their actual dates.

A moment's day is its date; a finish at midnight ends the day before.

Each activity whose dates differ gets its likely cause: for an early date, the first
along the logic — its own constraint when the tool's date is the constraint's; else a
predecessor whose date differs (the cause is then that predecessor's, "upstream: ...";
an activity as late as possible moves no successor); else its own constraint, as late
as possible, level of effort or WBS summary kind, progress; else "not explained". For a
late date or the float, the same downstream, from the successors.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ...exceptions import InputError, InputWarning, Problem
from ...model import Activity, Schedule
from ...model import moment as as_moment

__all__ = ["DateComparison", "compare_dates"]

_FIELDS = ("early_start", "early_finish", "late_finish")
_ALAP = "as late as possible"
_FLOAT_HOURS = 0.05  # total floats within three minutes match


@dataclass(frozen=True)
class DateComparison:
    """Our dates against the tool's, activity by activity.

    ``table`` has one row per activity: ``id``, ``status``, ``kind``, ``calendar``; for
    each of ``early_start``, ``early_finish``, ``late_finish``: ours (a date), the
    file's (``file_<field>``) and ``<field>_matches``; ``total_float`` and
    ``file_total_float`` (hours) and ``total_float_matches``; ``compared``; ``cause``
    and ``late_cause`` (blank where the dates match). ``causes`` counts the compared
    activities that differ by their likely cause.
    """

    source: str
    project: str | None
    data_date: _dt.datetime | None
    table: pd.DataFrame = field(repr=False)
    project_finish: tuple[_dt.date | None, _dt.date | None]
    causes: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "causes", MappingProxyType(dict(self.causes)))

    @property
    def activities(self) -> int:
        return len(self.table)

    @property
    def compared(self) -> int:
        """Activities with saved early dates that are not complete."""
        return int(self.table["compared"].sum())

    @property
    def completed(self) -> int:
        return int((self.table["status"] == "complete").sum())

    def _count(self, column: str) -> int:
        return int((self.table["compared"] & self.table[column]).sum())

    @property
    def early_start_matches(self) -> int:
        return self._count("early_start_matches")

    @property
    def early_finish_matches(self) -> int:
        return self._count("early_finish_matches")

    @property
    def late_finish_matches(self) -> int:
        return self._count("late_finish_matches")

    @property
    def total_float_matches(self) -> int:
        return self._count("total_float_matches")

    @property
    def matches(self) -> int:
        """Compared activities whose early start and early finish both match."""
        t = self.table
        return int((t["compared"] & t["early_start_matches"] & t["early_finish_matches"]
                    ).sum())

    @property
    def share(self) -> float:
        """The share of compared activities whose two early dates match the file's."""
        return self.matches / self.compared if self.compared else math.nan

    @property
    def all_match(self) -> bool:
        t = self.table[self.table["compared"]]
        ours, theirs = self.project_finish
        return bool(ours == theirs and t[[f"{f}_matches" for f in _FIELDS]
                                       + ["total_float_matches"]].to_numpy().all())

    def differences(self) -> pd.DataFrame:
        """One row per compared value that differs: ``id``, ``field``, ``ours``,
        ``file``, ``reason``."""
        rows = []
        for r in self.table[self.table["compared"]].to_dict("records"):
            for name in (*_FIELDS, "total_float"):
                if not r[f"{name}_matches"]:
                    why = r["cause"] if name.startswith("early") else r["late_cause"]
                    rows.append({"id": r["id"], "field": name, "ours": r[name],
                                 "file": r[f"file_{name}"], "reason": why})
        return pd.DataFrame(rows, columns=["id", "field", "ours", "file", "reason"])

    def to_dict(self) -> dict[str, Any]:
        """As ``riskkit verify --json`` writes it (DESIGN.md)."""
        ours, theirs = self.project_finish

        def plain(v: Any) -> Any:
            if isinstance(v, _dt.date):
                return v.isoformat()
            if isinstance(v, (float, np.floating)):
                return None if not math.isfinite(v) else round(float(v), 4)
            return v

        return {
            "activities": self.activities, "compared": self.compared,
            "completed": self.completed, "early_start_matches": self.early_start_matches,
            "early_finish_matches": self.early_finish_matches,
            "late_finish_matches": self.late_finish_matches,
            "total_float_matches": self.total_float_matches, "matches": self.matches,
            "project_finish": {"ours": None if ours is None else ours.isoformat(),
                               "file": None if theirs is None else theirs.isoformat()},
            "causes": dict(self.causes),
            "differences": [{k: plain(v) for k, v in row.items()}
                            for row in self.differences().to_dict("records")]}

    def describe(self) -> str:
        ours, theirs = self.project_finish
        n = self.compared or 1
        lines = [f"{self.source}" + (f", project {self.project}" if self.project else "")
                 + f": {self.activities:,} activities, {self.completed:,} complete (not "
                   f"compared), {self.compared:,} compared",
                 f"  early start and finish both match the file to the day: "
                 f"{self.matches:,} ({self.share:.1%})",
                 f"  early start {self.early_start_matches:,} "
                 f"({self.early_start_matches / n:.1%}), early finish "
                 f"{self.early_finish_matches:,} ({self.early_finish_matches / n:.1%}), "
                 f"late finish {self.late_finish_matches:,} "
                 f"({self.late_finish_matches / n:.1%}), total float "
                 f"{self.total_float_matches:,} ({self.total_float_matches / n:.1%})",
                 f"  project finish: ours {ours}, file {theirs}"
                 + (" (the same)" if ours == theirs else " (DIFFERENT)")]
        if self.causes:
            lines.append("  activities that differ, by likely cause:")
            lines += [f"    {k:6,}  {cause}" for cause, k in
                      sorted(self.causes.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"DateComparison({self.source!r}, compared={self.compared}, "
                f"matches={self.matches}, share={self.share:.3f})")


def compare_dates(source: Any, *, project: str | None = None,
                  encoding: str | None = None) -> DateComparison:
    """Compare riskkit's deterministic CPM with the dates a planning tool saved.

    ``source`` is a :class:`~riskkit.model.Schedule` or what
    :func:`riskkit.read_schedule` reads (an XER, MSPDI or PMXML file); ``project``
    chooses one of several projects. The reader's warnings are not repeated.

    Raises
    ------
    InputError
        When the schedule has no dates saved by a planning tool (a CSV schedule).

    Examples
    --------
    >>> cmp = compare_dates("tests/data/two_projects.xer", project="BRIDGE")
    >>> cmp.compared, cmp.matches
    (7, 7)
    """
    if isinstance(source, Schedule):
        sch = source
    else:
        from ..schedule import read_schedule

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            sch = read_schedule(source, project=project, encoding=encoding)
    if not any(a.saved is not None for a in sch.activities):
        raise InputError(Problem("has no dates saved by a planning tool to compare with",
                                 source=sch.source, hint="verify reads a P6 XER or XML "
                                 "file or an MS Project file, whose activities carry the "
                                 "tool's own early and late dates"))
    when = sch.dates()
    rows = []
    for k, a in enumerate(sch.activities):
        saved = a.saved
        row: dict[str, Any] = {"id": a.id, "status": a.status, "kind": a.kind,
                               "calendar": (a.calendar.name if a.calendar else "")}
        for name, starts in (("early_start", True), ("early_finish", False),
                             ("late_finish", False)):
            ours = _day(getattr(when, name)[k], starts)
            theirs = _day(getattr(saved, name) if saved else None, starts)
            row[name], row[f"file_{name}"] = ours, theirs
            row[f"{name}_matches"] = theirs is None or ours == theirs
        tf = float(when.total_float_hours[k])
        file_tf = saved.total_float_hours if saved else None
        row["total_float"], row["file_total_float"] = tf, file_tf
        row["total_float_matches"] = file_tf is None or abs(tf - file_tf) <= _FLOAT_HOURS
        row["compared"] = (a.status != "complete" and row["file_early_start"] is not None
                           and row["file_early_finish"] is not None)
        rows.append(row)
    table = pd.DataFrame(rows)
    early, late = _causes(sch, table)
    table["cause"] = [early.get(i, "") for i in table["id"]]
    table["late_cause"] = [late.get(i, "") for i in table["id"]]
    counted: Counter[str] = Counter()
    for r in table[table["compared"]].itertuples(index=False):
        if r.cause:
            counted[r.cause] += 1
        elif r.late_cause:
            counted["late dates: " + r.late_cause] += 1
    ours_finish = _day(when.finish, False)
    file_finish = max((d for d in table["file_early_finish"] if d is not None), default=None)
    data_date = None if sch.data_date is None else \
        _dt.datetime.fromisoformat(str(sch.data_date))
    return DateComparison(sch.source, sch.project or project, data_date, table,
                          (ours_finish, file_finish), counted)


def _day(moment: np.datetime64 | None, start: bool) -> _dt.date | None:
    """The day of a moment; a finish at midnight ends the day before."""
    if moment is None or np.isnat(moment):
        return None
    m = as_moment(moment)
    if not start and m == m.astype("datetime64[D]"):
        m = m - np.timedelta64(1, "m")
    return _dt.date.fromisoformat(str(m.astype("datetime64[D]")))


def _own_causes(a: Activity) -> list[str]:
    out = [_ALAP if c.kind == "as_late_as_possible" else
           f"constraint: {c.kind.replace('_', ' ')}" for c in a.constraints]
    if a.kind in ("level_of_effort", "wbs_summary"):
        out.append(a.kind.replace("_", " "))
    if a.status == "in_progress":
        out.append("in progress")
    return out


def _causes(sch: Schedule, table: pd.DataFrame) -> tuple[dict[str, str], dict[str, str]]:
    """The likely cause of each activity whose early dates differ, and of each whose
    late finish or float differs (see the module's text)."""
    t = table.set_index("id")
    ok_start = t["early_start_matches"].to_dict()
    ok_finish = t["early_finish_matches"].to_dict()
    ok_late = (t["late_finish_matches"] & t["total_float_matches"]).to_dict()
    incoming: dict[str, list[tuple[str, str]]] = {}
    outgoing: dict[str, list[str]] = {}
    for lk in sch.links:
        incoming.setdefault(lk.successor, []).append((lk.predecessor, lk.type))
        outgoing.setdefault(lk.predecessor, []).append(lk.successor)
    order = [sch.ids[i] for i in sch.network.order]  # type: ignore[attr-defined]
    early: dict[str, str] = {}
    for aid in order:
        a = sch.activity(aid)
        if a.status == "complete" or (ok_start[aid] and ok_finish[aid]):
            continue
        own = _own_causes(a)
        held = [c for c in a.constraints if c.date is not None]
        theirs = (t.at[aid, "file_early_start"], t.at[aid, "file_early_finish"])
        if any(_day(c.date, c.on_start) == theirs[0 if c.on_start else 1] for c in held):
            early[aid] = own[0]
            continue
        upstream = [p for p, kind in incoming.get(aid, [])
                    if not (ok_start[p] if kind in ("SS", "SF") else ok_finish[p])
                    and early.get(p, _ALAP) != _ALAP]
        if upstream:
            root = early[upstream[0]]
            early[aid] = root if root.startswith("upstream: ") else f"upstream: {root}"
        else:
            early[aid] = own[0] if own else "not explained"
    late: dict[str, str] = {}
    for aid in reversed(order):
        a = sch.activity(aid)
        if a.status == "complete" or ok_late[aid]:
            continue
        if aid in early:
            late[aid] = early[aid]
            continue
        down = [s for s in outgoing.get(aid, []) if not ok_late[s] and s in late]
        own = _own_causes(a)
        if down:
            root = late[down[0]]
            late[aid] = root if root.startswith("downstream: ") else f"downstream: {root}"
        elif own:
            late[aid] = own[0]
        else:
            late[aid] = ("a successor on another calendar" if any(
                sch.activity(s).calendar is not a.calendar for s in outgoing.get(aid, []))
                else "not explained")
    return early, late
