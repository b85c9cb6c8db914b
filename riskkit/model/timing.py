"""The network of a schedule from a planning tool: each activity on its own calendar,
lags on theirs, constraints, progress at the data date.

:class:`Grid` compiles the calendars into lookup tables (see
:mod:`riskkit.kernels.timed` for the arithmetic) over a span of days that grows when a
run needs more. :class:`TimedNetwork` has the interface the simulation uses of
:class:`riskkit.cpm.Network` (``passes``, ``forward_with_starts``, ``project_finish``,
``by_iteration``, ``overlay_finish``), so the engine runs either without knowing
which: durations are working days of each activity's own calendar, and the times it
returns are working days of the schedule's calendar from the start of the data date's
day (the schedule metric; that day is the schedule's start, its day 1).
:meth:`TimedNetwork.dates` gives the moments themselves (deterministic CPM, ``riskkit
verify``).

A schedule without calendars, constraints or progress keeps :class:`~riskkit.cpm.Network`
and its numbers.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

import numpy as np

from ..cpm import Workspace
from ..graph import topological_order
from .worktime import Constraint, WorkCalendar, moment

__all__ = ["Grid", "TimedDates", "TimedNetwork", "TimedPasses"]

_READS_FINISH = (1, 0, 1, 0)  # FS, SS, FF, SF
_SETS_FINISH = (0, 0, 2, 2)
_SS = 1
_MINUTE = np.timedelta64(1, "m")
#: iterations per thread below which a pass runs on one thread
_PER_THREAD = 512


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _on_threads(kernel: Callable[..., None], args: tuple[Any, ...],
               own: tuple[np.ndarray, ...], m: int) -> None:
    """``kernel(*args, *(x[k] for x in own), i0, i1)`` over the iterations (columns)
    ``0:m`` cut into parts ``k`` of ``i0:i1``, as many as there are cores (each at
    least :data:`_PER_THREAD` iterations), at once on threads: the kernels release
    the GIL, and each iteration's numbers are its own, so they are the same however
    the columns are cut. Each part has its own row ``k`` of the arrays ``own`` (its
    overflow bits, its counts)."""
    parts = max(1, min(len(own[0]), m // _PER_THREAD))
    step = -(-m // parts)
    ranges = [(k, k * step, min(m, (k + 1) * step)) for k in range(parts)]
    errors: list[BaseException] = []

    def run(k: int, i0: int, i1: int) -> None:
        try:
            kernel(*args, *(x[k] for x in own), i0, i1)
        except BaseException as e:  # raised in the caller's thread below
            errors.append(e)

    threads = [threading.Thread(target=run, args=r, daemon=True) for r in ranges[1:]]
    for t in threads:
        t.start()
    run(*ranges[0])
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


class Grid:
    """Working time of some calendars, slot by slot, from ``base`` (a midnight) over
    ``days`` days: the tables of :mod:`riskkit.kernels.timed`."""

    def __init__(self, calendars: Sequence[WorkCalendar], base: Any, days: int):
        self.calendars = tuple(calendars)
        self.base = np.asarray(base).astype("datetime64[D]").astype("datetime64[m]")[()]
        self.days = int(days)
        bounds = [round(x * 60) for c in self.calendars for day in
                  (*c.week, *c.exceptions.values()) for period in day for x in period]
        self.slot_minutes = int(reduce(math.gcd, bounds, 60 * 24)) or 60
        spd = 24 * 60 // self.slot_minutes
        self.slots_per_day = spd
        first = _dt.date.fromisoformat(str(self.base)[:10])
        weekday = (np.arange(self.days) + first.weekday()) % 7
        n = len(self.calendars)
        K = self.days * spd
        # whole slots up to 2**24 are exact in float32: half the memory, twice the cache
        self.W = np.zeros((n, K + 1), dtype=np.float32)
        counts = []
        rows = []
        for ci, cal in enumerate(self.calendars):
            week = np.array([self._slots(day) for day in cal.week])
            marks = week[weekday]
            for day, periods in cal.exceptions.items():
                k = (day - first).days
                if 0 <= k < self.days:
                    marks[k] = self._slots(periods)
            flat = marks.reshape(-1)
            self.W[ci, 1:] = np.cumsum(flat)
            starts = np.flatnonzero(flat).astype(float)
            rows.append(starts)
            counts.append(starts.size)
        width = max(1, *counts)
        self.T = np.full((n, width), np.inf, dtype=np.float32)
        for ci, starts in enumerate(rows):
            self.T[ci, :starts.size] = starts
        self.NW = np.array([max(c, 1) for c in counts], dtype=np.int64)
        self.index = {id(c): i for i, c in enumerate(self.calendars)}

    def _slots(self, periods: Sequence[tuple[float, float]]) -> np.ndarray:
        marks = np.zeros(self.slots_per_day)
        per_hour = 60 / self.slot_minutes
        for s, f in periods:
            marks[round(s * per_hour):round(f * per_hour)] = 1.0
        return marks

    @property
    def slot_hours(self) -> float:
        return self.slot_minutes / 60

    def time(self, when: np.datetime64 | None, missing: float = np.nan) -> float:
        """A moment in slots from the base."""
        if when is None:
            return missing
        return float((moment(when) - self.base) / _MINUTE) / self.slot_minutes

    def moments(self, t: np.ndarray) -> np.ndarray:
        """Slots from the base as moments (``datetime64[m]``)."""
        minutes = np.round(np.asarray(t, dtype=float) * self.slot_minutes)
        return self.base + minutes.astype(np.int64) * _MINUTE

    def work(self, calendar: WorkCalendar, t: np.ndarray) -> np.ndarray:
        """Work (slots) done on ``calendar`` by the moments ``t`` (slots)."""
        from ..kernels.timed import work_at

        t = np.ascontiguousarray(t, dtype=float).reshape(-1)
        out = np.empty_like(t)
        work_at(self.W, self.index[id(calendar)], t, out, np.zeros(1, np.int64))
        return out


@dataclass(frozen=True)
class TimedPasses:
    """What :meth:`TimedNetwork.passes` gives (the ``Passes`` the simulation reads):
    ``finish`` per iteration in working days of the schedule's calendar from the data
    date's day; the early moments in slots of the grid, as working days on demand
    (``early_start``, ``early_finish``, ``finish_sums``); per activity the number of
    iterations without float."""

    durations: np.ndarray
    network: TimedNetwork
    grid: Grid
    starts: np.ndarray
    finishes: np.ndarray
    finish: np.ndarray
    counts: np.ndarray | None = None

    @property
    def early_start(self) -> np.ndarray:
        return self.network._days(self.grid, self.starts)

    @property
    def early_finish(self) -> np.ndarray:
        return self.network._days(self.grid, self.finishes)

    def finish_sums(self) -> np.ndarray:
        """Per activity, the sum over iterations of its early finish (working days)."""
        return self.network._day_sums(self.grid, self.finishes)

    def finish_of(self, rows: np.ndarray) -> np.ndarray:
        """The early finish of the activities ``rows`` in working days of the
        schedule's calendar from the data date, (rows, iterations)."""
        return self.network._days(self.grid, self.finishes[rows])

    def critical_counts(self) -> np.ndarray:
        assert self.counts is not None, "a forward pass only"
        return self.counts


@dataclass(frozen=True)
class TimedDates:
    """The deterministic CPM of a timed network: moments (``datetime64[m]``) per
    activity, total float in hours of each activity's calendar, the project finish."""

    early_start: np.ndarray
    early_finish: np.ndarray
    late_start: np.ndarray
    late_finish: np.ndarray
    total_float_hours: np.ndarray
    finish: np.datetime64


class TimedNetwork:
    """Activities 0..n-1 on their calendars, their links (with lag calendars), their
    constraints and progress; the schedule's ``calendar`` measures the project
    duration. See the module's text."""

    def __init__(self, n: int, src: Sequence[int], dst: Sequence[int], ltype: Sequence[int],
                 lag: Sequence[float], lag_calendar: Sequence[WorkCalendar | None], *,
                 calendars: Sequence[WorkCalendar], calendar: WorkCalendar,
                 data_date: np.datetime64 | None,
                 constraints: Sequence[tuple[Constraint, ...]],
                 actual: Sequence[tuple[np.datetime64 | None, np.datetime64 | None]],
                 complete: Sequence[bool], finish_milestone: Sequence[bool],
                 must_finish_by: np.datetime64 | None = None,
                 drives: Sequence[bool] | None = None,
                 start_milestone: Sequence[bool] | None = None):
        self.n = n
        self.calendar = calendar
        self.activity_calendars = tuple(calendars)
        self.data_date = moment(data_date) if data_date is not None else None
        self.must_finish_by = must_finish_by
        self._constraints = tuple(constraints)
        self._actual = tuple(actual)
        self._complete = np.asarray(complete, dtype=bool)
        self._finish_mile = np.asarray(finish_milestone, dtype=bool)
        self._start_mile = np.asarray(start_milestone if start_milestone is not None
                                      else [False] * n, dtype=bool)
        drives = [True] * n if drives is None else list(drives)
        keep = [drives[s] for s in src]
        self._links = [(s, d, t, lg, lc) for s, d, t, lg, lc, k in
                       zip(src, dst, ltype, lag, lag_calendar, keep) if k]
        # a start-to-start link into an activity in progress is met (it has started):
        # it holds nothing in the forward pass but still bounds its predecessor's late
        # dates, as P6's backward pass does
        started = [pair[0] is not None and not done
                   for pair, done in zip(actual, self._complete.tolist())]
        self._forward_links = [lk for lk in self._links
                               if not (lk[2] == _SS and started[lk[1]])]
        self.loose_links = [(s, d, t, lg, lc) for s, d, t, lg, lc, k in
                            zip(src, dst, ltype, lag, lag_calendar, keep) if not k]
        self.order = topological_order(n, np.asarray(src, dtype=np.intp),
                                       np.asarray(dst, dtype=np.intp))
        self.position = np.empty(n, dtype=np.intp)
        self.position[self.order] = np.arange(n)
        self.has_successor = np.zeros(n, dtype=bool)
        self.has_predecessor = np.zeros(n, dtype=bool)
        for s, *_ in self._links:
            self.has_successor[s] = True
        for _s, d, *_ in self._forward_links:
            self.has_predecessor[d] = True
        self.finish_candidates = np.arange(n)
        self.start_row = np.arange(n, dtype=np.int64)
        self._grid: Grid | None = None
        self._arrays: dict[str, np.ndarray] = {}

    # -- the grid -------------------------------------------------------------------
    def _anchor(self) -> Any:
        known = [m for pair in self._actual for m in pair if m is not None]
        known += [c.date for cs in self._constraints for c in cs if c.date is not None]
        if self.data_date is not None:
            known.append(self.data_date)
        base = min(known) if known else np.datetime64("2000-01-03T00:00")
        if self.data_date is not None:  # constraints long before the data date hold nothing
            base = max(base, self.data_date - np.timedelta64(3650, "D"))
        day: Any = np.asarray(base).astype("datetime64[D]")[()]
        return day - np.timedelta64(7, "D")

    def grid(self, days: int | None = None, earlier: int = 0) -> Grid:
        """The grid, made (or grown) to ``days`` days; ``earlier`` days more before its
        base."""
        if self._grid is None or earlier or (days is not None and days > self._grid.days):
            cals = {id(c): c for c in (self.calendar, *self.activity_calendars,
                                       *(lc for *_, lc in self._links if lc is not None))}
            base = self._anchor() if self._grid is None else self._grid.base
            if days is None:  # grown (doubled) when a run reaches beyond it
                days = 10 * 365
                if self.data_date is not None:
                    days += int((self.data_date - base) / np.timedelta64(1, "D"))
            base = base - np.timedelta64(earlier, "D")
            self._grid = Grid(list(cals.values()), base, days)
            self._arrays = self._compile(self._grid)
        return self._grid

    def _grow(self, g: Grid, flags: int, earlier: bool) -> bool:
        """Grow the grid after a pass over ``g`` set ``flags`` (the kernels' ``BEYOND``,
        ``BEFORE``): twice as long when it ran beyond the end; with ``earlier``, as many
        days again before the base when work reached before it. Whether to run again."""
        from ..kernels.timed import BEFORE, BEYOND

        back = g.days if earlier and flags & BEFORE else 0
        if not (flags & BEYOND or back):
            return False
        self.grid(g.days * (2 if flags & BEYOND else 1) + back, back)
        return True

    def _compile(self, g: Grid) -> dict[str, np.ndarray]:
        n = self.n
        cal = np.array([g.index[id(c)] for c in self.activity_calendars], dtype=np.int64)
        hours = np.array([c.hours_per_day for c in self.activity_calendars])
        low = np.full(n, g.time(self.data_date, -np.inf))
        after_s, after_f = np.full(n, -np.inf), np.full(n, -np.inf)
        before_s, before_f = np.full(n, np.inf), np.full(n, np.inf)
        fix_s, fix_f = np.full(n, np.nan), np.full(n, np.nan)
        flags = np.zeros(n, dtype=np.int64)
        for a, cs in enumerate(self._constraints):
            for c in cs:
                t = g.time(c.date)
                if c.kind in ("start_on", "start_on_or_after"):
                    after_s[a] = max(after_s[a], t)
                if c.kind in ("finish_on", "finish_on_or_after"):
                    after_f[a] = max(after_f[a], t)
                if c.kind in ("start_on", "start_on_or_before"):
                    before_s[a] = min(before_s[a], t)
                if c.kind in ("finish_on", "finish_on_or_before"):
                    before_f[a] = min(before_f[a], t)
                if c.kind == "mandatory_start":
                    fix_s[a] = t
                if c.kind == "mandatory_finish":
                    fix_f[a] = t
        for a in np.flatnonzero(self._complete).tolist():
            start, finish = self._actual[a]
            when = finish if finish is not None else start if start is not None \
                else self.data_date
            fs = g.time(start if start is not None else when)
            ff = g.time(when)
            flags[a] |= 1
            fix_s[a], fix_f[a] = fs, ff
        flags[self._finish_mile] |= 2
        flags[self._start_mile] |= 4
        fixed_row = np.full(n, -1, dtype=np.int64)
        fixed_row[self._complete] = np.arange(int(self._complete.sum()))
        order = np.asarray(self.order, dtype=np.int64)

        def csr(by: int) -> tuple[np.ndarray, ...]:
            links = sorted(self._forward_links if by else self._links, key=lambda x: x[by])
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.add.at(ptr, np.array([x[by] for x in links], dtype=np.int64) + 1, 1)
            other = np.array([x[1 - by] for x in links], dtype=np.int64)
            kind = np.array([_READS_FINISH[t] | _SETS_FINISH[t] for _, _, t, _, _ in links],
                            dtype=np.int64)
            lag = np.array([lg * (lc or self.calendar).hours_per_day / g.slot_hours
                            for *_, lg, lc in links], dtype=float)
            lcal = np.array([g.index[id(lc or self.calendar)] if lg else -1
                             for *_, lg, lc in links], dtype=np.int64)
            return np.cumsum(ptr), other, kind, lag, lcal

        in_ptr, in_pred, in_kind, in_lag, in_cal = csr(1)
        out_ptr, out_succ, out_kind, out_lag, out_cal = csr(0)
        return {"order": order, "in_ptr": in_ptr, "in_pred": in_pred, "in_kind": in_kind,
                "in_lag": in_lag, "in_cal": in_cal, "out_ptr": out_ptr,
                "out_succ": out_succ, "out_kind": out_kind, "out_lag": out_lag,
                "out_cal": out_cal, "cal": cal, "scale": hours / g.slot_hours,
                "flags": flags, "low": low, "after_s": after_s, "after_f": after_f,
                "before_s": before_s, "before_f": before_f, "fix_s": fix_s, "fix_f": fix_f,
                "fixed_row": fixed_row}

    # -- passes in slots --------------------------------------------------------------
    def _forward(self, durations: np.ndarray, work: Workspace, earlier: bool = False
                 ) -> tuple[Grid, np.ndarray, np.ndarray]:
        from ..kernels.timed import forward

        d = np.ascontiguousarray(durations)
        while True:
            g = self.grid()
            x = self._arrays
            es = work.get("timed early start", d.shape, float)
            ef = work.get("timed early finish", d.shape, float)
            through = work.get("timed through", (int(self._complete.sum()), d.shape[1]),
                               float)
            overflow = np.zeros((_cores(), 1), dtype=np.int64)
            _on_threads(forward, (x["order"], x["in_ptr"], x["in_pred"], x["in_kind"],
                                  x["in_lag"], x["in_cal"], x["cal"], x["scale"],
                                  x["flags"], x["low"], x["after_s"], x["after_f"],
                                  x["fix_s"], x["fix_f"], x["fixed_row"], d, g.W, g.T,
                                  g.NW, es, ef, through), (overflow,), d.shape[1])
            flags = int(np.bitwise_or.reduce(overflow, axis=None))
            if not self._grow(g, flags, earlier):
                return g, es, ef

    def _backward(self, durations: np.ndarray, es: np.ndarray, ef: np.ndarray,
                  late: np.ndarray, work: Workspace, keep_float: bool = True,
                  earlier: bool = False
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """The late dates, float and critical counts, or None when the grid had to grow
        (run both passes again)."""
        from ..kernels.timed import backward

        g = self.grid()
        x = self._arrays
        ls = work.get("timed late start", es.shape, float)
        lf = work.get("timed late finish", es.shape, float)
        tf = work.get("timed float", es.shape if keep_float else (1, 1), float)
        d = np.ascontiguousarray(durations)
        late = np.ascontiguousarray(late, dtype=float)
        counts = np.zeros((_cores(), self.n), dtype=np.int64)
        overflow = np.zeros((_cores(), 1), dtype=np.int64)
        _on_threads(backward, (x["order"], x["out_ptr"], x["out_succ"], x["out_kind"],
                               x["out_lag"], x["out_cal"], x["cal"], x["scale"],
                               x["flags"], x["before_s"], x["before_f"], x["fix_s"],
                               x["fix_f"], d, g.W, g.T, g.NW, es, ef, late, ls, lf, tf,
                               keep_float), (counts, overflow), es.shape[1])
        flags = int(np.bitwise_or.reduce(overflow, axis=None))
        total = counts.sum(axis=0)
        return None if self._grow(g, flags, earlier) else (ls, lf, tf, total)

    def _origin(self, g: Grid) -> float:
        """Working days count from the start of the data date's day (slots of work of
        the schedule's calendar by then): the schedule's start is that day, its day 1,
        so a finish date is the working day ``ceil(days)`` from it, also when the data
        date falls within or at the end of a working day."""
        day = None if self.data_date is None else self.data_date.astype("datetime64[D]")
        return float(g.work(self.calendar, np.array([g.time(day, 0.0)]))[0])

    def _day_sums(self, g: Grid, t: np.ndarray) -> np.ndarray:
        from ..kernels.timed import work_sums

        c = g.index[id(self.calendar)]
        origin = self._origin(g)
        out = np.empty(t.shape[0])
        work_sums(g.W, c, t, float(origin), out, np.zeros(1, np.int64))
        return out * g.slot_hours / self.calendar.hours_per_day

    def _days(self, g: Grid, t: np.ndarray) -> np.ndarray:
        """Moments (slots) as working days of the schedule's calendar from the data
        date's day."""
        origin = self._origin(g)
        w = g.work(self.calendar, t.reshape(-1)).reshape(t.shape)
        return (w - origin) * g.slot_hours / self.calendar.hours_per_day

    def days_of(self, moments: np.ndarray) -> np.ndarray:
        """Moments (``datetime64[m]``) as working days of the schedule's calendar from
        the data date's day."""
        g = self.grid()
        when = np.asarray(moments, dtype="datetime64[m]").reshape(-1)
        if when.size and when.min() < g.base:  # late dates of negative float, say
            back = int((g.base - when.min()) / np.timedelta64(1, "D")) + 7
            g = Grid(g.calendars, g.base - np.timedelta64(back, "D"), g.days + back)
        t = np.array([g.time(m) for m in when])
        return self._days(g, t)

    # -- the interface of cpm.Network ---------------------------------------------------
    def passes(self, durations: np.ndarray, *, backward: bool = True,
               work: Workspace | None = None) -> TimedPasses:
        work = work or Workspace()
        while True:
            g, es, ef = self._forward(durations, work)
            finish_t = ef.max(axis=0) if self.n else np.zeros(durations.shape[1:])
            counts = None
            if backward:
                late = self._late(g, finish_t)
                # late dates before the grid's base are not grown into: they are the
                # grid's first working moment, critical as the true ones (no float), and
                # every run keeps one grid, so the numbers are the same whatever the
                # chunks and workers
                out = self._backward(durations, es, ef, late, work, keep_float=False)
                if out is None:
                    continue
                counts = out[3]
            finish = self._days(g, finish_t).astype(durations.dtype)
            return TimedPasses(durations, self, g, es, ef, finish, counts)

    def _late(self, g: Grid, finish_t: np.ndarray) -> np.ndarray:
        if self.must_finish_by is None:
            return finish_t
        return np.full(finish_t.shape, g.time(self.must_finish_by))

    def forward_with_starts(self, durations: np.ndarray, work: Workspace | None = None
                            ) -> tuple[np.ndarray, np.ndarray]:
        p = self.passes(durations, backward=False, work=work)
        return p.early_finish, p.early_start

    def project_finish(self, ef: np.ndarray) -> np.ndarray:
        if not self.n:
            return np.zeros(ef.shape[1:], dtype=ef.dtype)
        return ef.max(axis=0)

    def by_iteration(self, durations: np.ndarray, ef: np.ndarray, es: np.ndarray,
                     work: Workspace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The baseline's durations (a variant's pass is a full pass on its columns)."""
        return durations.copy(), ef, es

    def overlay_finish(self, durations: Mapping[int, np.ndarray], base_durations: np.ndarray,
                       base_ef: np.ndarray, base_es: np.ndarray, base_finish: np.ndarray,
                       columns: np.ndarray) -> np.ndarray:
        """The project finish in ``columns`` when some activities take new durations: a
        full forward pass over those iterations (calendars make every moment depend on
        the moments before it, so there is no cheaper exact overlay)."""
        d = np.ascontiguousarray(base_durations[:, columns])
        for a, row in durations.items():
            d[a] = row
        return self.passes(d, backward=False).finish

    # -- the deterministic CPM -------------------------------------------------------
    def dates(self, durations: np.ndarray, *, as_late_as_possible: bool = True) -> TimedDates:
        """Early and late moments of every activity for one set of durations (working
        days of each activity's calendar), total float in hours; activities as late as
        possible moved into their free float (as P6 does)."""
        d = np.asarray(durations, dtype=float).reshape(self.n, 1)
        work = Workspace()
        # moments before the grid's base (negative float reaching back, say) are grown
        # into on a grid of this call only: the simulation keeps the network's own
        kept = (self.grid(), self._arrays)
        try:
            while True:
                g, es, ef = self._forward(d, work, earlier=True)
                es, ef = es.copy(), ef.copy()
                finish_t = ef.max(axis=0) if self.n else np.zeros(1)
                out = self._backward(d, es, ef, self._late(g, finish_t), work,
                                     earlier=True)
                if out is not None:
                    break
            ls, lf, tf = (x[:, 0].copy() for x in out[:3])
            if as_late_as_possible:
                self._as_late_as_possible(g, d[:, 0], es[:, 0], ef[:, 0],
                                          float(finish_t[0]), tf)
            self._level_of_effort(g, es[:, 0], ef[:, 0])
        finally:
            if self.grid().base != kept[0].base:
                self._grid, self._arrays = kept
        return TimedDates(g.moments(es[:, 0]), g.moments(ef[:, 0]), g.moments(ls),
                          g.moments(lf), tf * g.slot_hours,
                          g.moments(np.array([finish_t[0]]))[0])

    def _as_late_as_possible(self, g: Grid, d: np.ndarray, es: np.ndarray, ef: np.ndarray,
                             finish: float, tf: np.ndarray) -> None:
        alap = [a for a, cs in enumerate(self._constraints)
                if any(c.kind == "as_late_as_possible" for c in cs) and not self._complete[a]]
        if not alap:
            return
        outgoing: dict[int, list[tuple[int, int, float, WorkCalendar | None]]] = {}
        for s, dst, t, lg, lc in self._forward_links:
            outgoing.setdefault(s, []).append((dst, t, lg, lc))
        chosen = set(alap)
        for a in reversed(self.order):
            if a not in chosen:
                continue
            cal = self.activity_calendars[a]
            h = d[a] * cal.hours_per_day / g.slot_hours
            # as late as its successors' early dates allow (even past its own late
            # finish, as P6 does); with none, the project's early finish
            bound_f, bound_s = (np.inf if outgoing.get(a) else finish), np.inf
            for s, t, lg, lc in outgoing.get(a, []):
                ref = self._before_lag(g, ef[s] if _SETS_FINISH[t] else es[s], lg, lc)
                if _READS_FINISH[t]:
                    bound_f = min(bound_f, ref)
                else:
                    bound_s = min(bound_s, ref)
            w = g.work(cal, np.array([bound_f]))[0]
            if bound_s < np.inf:
                w = min(w, g.work(cal, np.array([bound_s]))[0] + h)
            done = g.work(cal, np.array([ef[a]]))[0]
            if w <= done:
                continue
            tf[a] -= w - done
            if h > 0:
                ef[a] = self._finish_at(g, cal, w)
                es[a] = self._start_at(g, cal, w - h)
            else:
                t_new = (self._finish_at(g, cal, w) if self._finish_mile[a]
                         else self._start_at(g, cal, w))
                es[a] = ef[a] = t_new

    def _level_of_effort(self, g: Grid, es: np.ndarray, ef: np.ndarray) -> None:
        """A level-of-effort activity finishes with what its links out of it reach
        (they do not drive the successors)."""
        for s, dst, t, lg, lc in self.loose_links:
            ref = self._before_lag(g, ef[dst] if _SETS_FINISH[t] else es[dst], lg, lc)
            if ref > ef[s]:
                ef[s] = ref

    def _before_lag(self, g: Grid, ref: float, lag: float, calendar: WorkCalendar | None
                    ) -> float:
        """The moment a link's lag (working days of its calendar) before ``ref`` ends,
        as a finish (the backward pass's rule)."""
        if not lag:
            return ref
        cal = calendar or self.calendar
        w = g.work(cal, np.array([ref]))[0] - lag * cal.hours_per_day / g.slot_hours
        return self._finish_at(g, cal, w)

    @staticmethod
    def _finish_at(g: Grid, cal: WorkCalendar, w: float) -> float:
        c = g.index[id(cal)]
        if w <= 0:
            return float(g.T[c, 0])
        j = min(int(math.ceil(w)) - 1, int(g.NW[c]) - 1)
        return float(g.T[c, j] + (w - j))

    @staticmethod
    def _start_at(g: Grid, cal: WorkCalendar, w: float) -> float:
        c = g.index[id(cal)]
        if w <= 0:
            return float(g.T[c, 0])
        j = min(int(math.floor(w)), int(g.NW[c]) - 1)
        return float(g.T[c, j] + (w - j))

