"""Our CPM against the dates P6 saved: the proof a user needs before trusting a risk
result on an imported schedule.

:func:`compare_dates` reads a project of an XER file as a schedule, runs the
deterministic CPM (:meth:`~riskkit.model.Schedule.cpm`) and compares each activity's
early start and early finish with P6's ``early_start_date`` and ``early_end_date``,
to the calendar day. Completed activities are counted but not compared: P6 keeps the
data date as their early dates, and riskkit holds them there by construction.

How a time becomes a day. The CPM's times are working days on the schedule's calendar
from its start (the first working day at or after the data date). A start at time t
falls on working day ``floor(t)`` (counting from 0), a finish on working day
``ceil(t) - 1``: a task that starts at 0 and lasts 2 days starts on day 0 and
finishes at the end of day 1. A start milestone has both dates by the start rule, a
finish milestone both by the finish rule, another zero-duration activity both on its
start's day.

Each activity whose dates differ gets its likely cause, the first along the logic: its
own constraint when P6's date is the constraint's; else a predecessor whose date
differs, through the link (the cause is then that predecessor's, "upstream: ..."; an
activity P6 moved as late as possible moves no successor, since it uses only its free
float); else as late as possible when P6 put it later; else its own constraint, level
of effort or WBS summary kind, a calendar with other working days than the schedule's,
progress; else "not explained".
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

from ..exceptions import InputWarning
from ..model import Schedule
from .xer import XerFile, read_xer
from .xer_schedule import CONSTRAINTS, XerActivity, same_days, schedule_from_xer, xer_activities

__all__ = ["DateComparison", "compare_dates"]

_STARTS = ("CS_MSO", "CS_MSOA", "CS_MSOB", "CS_MANDSTART")
_FINISHES = ("CS_MEO", "CS_MEOA", "CS_MEOB", "CS_MANDFIN")
_ALAP = "as late as possible"


@dataclass(frozen=True)
class DateComparison:
    """Our early dates against P6's, activity by activity.

    ``table`` has one row per activity: ``id``, ``status``, ``kind``, ``calendar``,
    ``early_start`` and ``early_finish`` (ours, dates), ``file_early_start`` and
    ``file_early_finish`` (P6's), ``start_matches``, ``finish_matches``, ``compared``
    and ``cause`` (blank where both match). ``causes`` counts the activities that differ
    by their likely cause.
    """

    source: str
    project: str
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
        """Activities with P6 early dates that are not complete."""
        return int(self.table["compared"].sum())

    @property
    def completed(self) -> int:
        return int((self.table["status"] == "TK_Complete").sum())

    @property
    def early_start_matches(self) -> int:
        return int((self.table["compared"] & self.table["start_matches"]).sum())

    @property
    def early_finish_matches(self) -> int:
        return int((self.table["compared"] & self.table["finish_matches"]).sum())

    @property
    def matches(self) -> int:
        """Compared activities whose early start and early finish both match."""
        t = self.table
        return int((t["compared"] & t["start_matches"] & t["finish_matches"]).sum())

    @property
    def share(self) -> float:
        """The share of compared activities whose two early dates match P6's."""
        return self.matches / self.compared if self.compared else math.nan

    def differences(self) -> pd.DataFrame:
        """One row per compared date that differs: ``id``, ``field``, ``ours``,
        ``file``, ``reason``."""
        rows = []
        for r in self.table[self.table["compared"]].itertuples(index=False):
            for name, ours, theirs, ok in (
                    ("early_start", r.early_start, r.file_early_start, r.start_matches),
                    ("early_finish", r.early_finish, r.file_early_finish, r.finish_matches)):
                if not ok:
                    rows.append({"id": r.id, "field": name, "ours": ours, "file": theirs,
                                 "reason": r.cause})
        return pd.DataFrame(rows, columns=["id", "field", "ours", "file", "reason"])

    def to_dict(self) -> dict[str, Any]:
        """As ``riskkit verify --json`` will write it (early dates only, so far)."""
        ours, theirs = self.project_finish
        return {
            "activities": self.activities, "compared": self.compared,
            "completed": self.completed, "early_start_matches": self.early_start_matches,
            "early_finish_matches": self.early_finish_matches, "matches": self.matches,
            "late_finish_matches": 0, "total_float_matches": 0,  # not compared yet
            "project_finish": {"ours": None if ours is None else ours.isoformat(),
                               "file": None if theirs is None else theirs.isoformat()},
            "causes": dict(self.causes),
            "differences": [{k: (v.isoformat() if isinstance(v, _dt.date) else v)
                             for k, v in row.items()}
                            for row in self.differences().to_dict("records")]}

    def describe(self) -> str:
        ours, theirs = self.project_finish
        lines = [f"{self.source}, project {self.project}: {self.activities:,} activities, "
                 f"{self.completed:,} complete (not compared), {self.compared:,} compared",
                 f"  early start and finish both match P6 to the day: {self.matches:,} "
                 f"({self.share:.1%}); early start {self.early_start_matches:,}, early "
                 f"finish {self.early_finish_matches:,}",
                 f"  project finish: ours {ours}, P6 {theirs}"]
        if self.causes:
            lines.append("  activities that differ, by likely cause:")
            lines += [f"    {n:6,}  {cause}" for cause, n in
                      sorted(self.causes.items(), key=lambda kv: -kv[1])]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"DateComparison({self.source!r}, compared={self.compared}, "
                f"matches={self.matches}, share={self.share:.3f})")


def compare_dates(source: Any, *, project: str | None = None,
                  encoding: str | None = None) -> DateComparison:
    """Compare the early dates of riskkit's CPM with the ones P6 saved in an XER file.

    ``source`` is an XER path, file object or :class:`~riskkit.io.xer.XerFile`;
    ``project`` chooses one of several projects. The reader's warnings (what riskkit
    cannot honour yet) are not repeated: the comparison gives each difference its
    likely cause.

    Examples
    --------
    >>> cmp = compare_dates("tests/data/two_projects.xer", project="BRIDGE")
    >>> cmp.compared, cmp.matches
    (7, 7)
    """
    xer = source if isinstance(source, XerFile) else read_xer(source, encoding=encoding)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        sch = schedule_from_xer(xer, project)
    chosen = xer.project(project)
    acts, _, _ = xer_activities(xer, chosen)
    by_id = {a.id: a for a in acts.values()}
    cpm = sch.cpm()
    ours_start, ours_finish = _our_days(sch, [by_id[i] for i in sch.ids],
                                        cpm["early_start"].to_numpy(),
                                        cpm["early_finish"].to_numpy())
    rows = []
    for k, a in enumerate(by_id[i] for i in sch.ids):
        fs, ff = a.task.get("early_start_date"), a.task.get("early_end_date")
        fs_day = fs.date() if fs is not None else None
        ff_day = ff.date() if ff is not None else None
        compared = not a.complete and fs_day is not None and ff_day is not None
        rows.append({"id": a.id, "status": a.status, "kind": a.kind,
                     "calendar": a.calendar.name, "early_start": ours_start[k],
                     "early_finish": ours_finish[k], "file_early_start": fs_day,
                     "file_early_finish": ff_day, "start_matches": ours_start[k] == fs_day,
                     "finish_matches": ours_finish[k] == ff_day, "compared": compared,
                     "cause": ""})
    table = pd.DataFrame(rows)
    causes = _causes(sch, by_id, table)
    table["cause"] = [causes.get(i, "") for i in table["id"]]
    counted = Counter(c for c, ok in zip(table["cause"], table["compared"]) if ok and c)
    finish = (sch.calendar.finish_date(sch.start, sch.duration())
              if sch.calendar is not None and sch.start is not None else None)
    file_finish = max((d for d in table["file_early_finish"] if d is not None), default=None)
    return DateComparison(xer.source, chosen.short_name, chosen.data_date, table,
                          (_date(finish), file_finish), counted)


def _date(day: np.datetime64 | None) -> _dt.date | None:
    return None if day is None else _dt.date.fromisoformat(str(day))


def _our_days(sch: Schedule, acts: list[XerActivity], es: np.ndarray, ef: np.ndarray
              ) -> tuple[list[_dt.date | None], list[_dt.date | None]]:
    if sch.calendar is None or sch.start is None:
        return [None] * len(acts), [None] * len(acts)
    start_index = np.floor(es + 1e-9)
    finish_index = np.maximum(np.ceil(ef - 1e-9) - 1, 0)
    zero = np.abs(ef - es) < 1e-9
    kinds = np.array([a.kind for a in acts])
    s_idx = np.where(kinds == "finish_milestone", np.maximum(np.ceil(es - 1e-9) - 1, 0),
                     start_index)
    f_idx = np.where(zero & (kinds != "finish_milestone"), s_idx, finish_index)
    cal = sch.calendar
    first = sch.start
    starts = cal.finish_dates(first, s_idx + 1)
    finishes = cal.finish_dates(first, f_idx + 1)
    return ([_dt.date.fromisoformat(str(d)) for d in starts],
            [_dt.date.fromisoformat(str(d)) for d in finishes])


def _causes(sch: Schedule, acts: dict[str, XerActivity], table: pd.DataFrame
            ) -> dict[str, str]:
    """The likely cause of each activity whose dates differ (see the module's text)."""
    ok_start = dict(zip(table["id"], table["start_matches"]))
    ok_finish = dict(zip(table["id"], table["finish_matches"]))
    files = {r.id: (r.file_early_start, r.file_early_finish)
             for r in table.itertuples(index=False)}
    ours = {r.id: (r.early_start, r.early_finish) for r in table.itertuples(index=False)}
    incoming: dict[str, list[tuple[str, str]]] = {}
    for lk in sch.links:
        incoming.setdefault(lk.successor, []).append((lk.predecessor, lk.type))
    calendar = sch.calendar
    out: dict[str, str] = {}
    for index in sch.network.order:  # type: ignore[attr-defined]
        aid = sch.ids[index]
        a = acts[aid]
        if a.complete or (ok_start[aid] and ok_finish[aid]):
            continue
        own = _own_causes(a, calendar)
        fs, ff = files[aid]
        cstr = str(a.task.get("cstr_type") or "")
        at = a.task.get("cstr_date")
        if cstr in _STARTS + _FINISHES and at is not None and (
                (cstr in _STARTS and fs == at.date()) or (cstr in _FINISHES and ff == at.date())):
            out[aid] = f"constraint: {CONSTRAINTS[cstr]}"
            continue
        upstream = []
        for pred, kind in incoming.get(aid, []):
            bad = not (ok_start[pred] if kind in ("SS", "SF") else ok_finish[pred])
            # as late as possible uses only free float: it moves no successor in P6
            if bad and out.get(pred, _ALAP) != _ALAP:
                passed = files[pred][0 if kind in ("SS", "SF") else 1]
                upstream.append((passed or _dt.date.min, pred))
        if upstream:
            root = out[max(upstream)[1]]
            out[aid] = root if root.startswith("upstream: ") else f"upstream: {root}"
        elif cstr == "CS_ALAP" and fs is not None and ours[aid][0] is not None \
                and fs > ours[aid][0]:
            out[aid] = _ALAP
        elif own:
            out[aid] = own[0]
        else:
            out[aid] = "not explained"
    return out


def _own_causes(a: XerActivity, calendar: Any) -> list[str]:
    out = []
    for name in ("cstr_type", "cstr_type2"):
        kind = str(a.task.get(name) or "")
        if kind:
            out.append(_ALAP if kind == "CS_ALAP"
                       else f"constraint: {CONSTRAINTS.get(kind, kind)}")
    if a.kind in ("level_of_effort", "wbs_summary"):
        out.append(a.kind.replace("_", " "))
    if calendar is not None and not same_days(a.calendar.to_calendar()[0], calendar):
        out.append("calendar with other working days")
    if a.started:
        out.append("in progress")
    return out
