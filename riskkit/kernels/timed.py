"""The forward and backward passes of a network whose activities work on their own
calendars, with constraints, over (activities x iterations) arrays.

Time is counted in slots (a slot: the largest step all the calendars' work periods are
whole multiples of, such as an hour or half an hour) from the grid's base. For each
calendar ``c`` the grid holds ``W[c, k]``, the work (in slots) done before slot ``k``
(so ``W[c, k + 1] - W[c, k]`` is 1 when slot ``k`` is working time, else 0), and
``T[c, j]``, the slot at which the ``j``-th working slot begins. So the work done by a
time ``t`` is ``W[c, k] + (W[c, k + 1] - W[c, k]) (t - k)`` with ``k = floor(t)``, and
the inverse is one load:
the moment work ``w`` is reached, as a finish (the end of the last working slot it
needs, so a day's work ends at the day's end, not the next morning) or as a start (the
beginning of the next working slot, so a start after a weekend is on Monday morning).

An activity of duration ``h`` (slots of work) on calendar ``c``: its start is bounded
below by its start-reading links and start constraints (and the data date), its finish
by its finish-reading links and finish constraints; in work, ``w0 = max(work(c,
start bound), work(c, finish bound) - h)``; the early start is ``start_at(c, w0)``, the
early finish ``finish_at(c, w0 + h)``. A lag runs on its own calendar: from the
predecessor's moment ``t``, ``finish_at(lc, work(lc, t) + lag)``. The backward pass is
the mirror image. Completed activities keep their actual dates.

A moment beyond the grid's end sets the bit :data:`BEYOND` of ``overflow[0]``, work
before the grid's first working slot (late dates of negative float reaching back before
the base, say) the bit :data:`BEFORE` (the moment is then that first slot); the caller
grows the grid and runs again.
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import Array, inline, jit

__all__ = ["BEFORE", "BEYOND", "FINISH_MILESTONE", "FIXED", "START_MILESTONE", "backward",
           "forward", "work_at", "work_sums"]

#: bits of an activity's flags
FIXED, FINISH_MILESTONE, START_MILESTONE = 1, 2, 4
#: bits of a link's kind (as in :mod:`.network`)
_READS_FINISH, _SETS_FINISH = 1, 2
#: bits of ``overflow[0]``: a moment beyond the grid's end, work before its start
BEYOND, BEFORE = 1, 2
#: work below zero by more than rounding is before the grid
_BELOW = -1e-9


# The helpers return their overflow bits with the value (the kernels OR them into a
# local and store it once): an inlined helper that takes several arrays or writes one
# keeps numba's reference counting in the innermost loop, ten times the lookup's cost.
@inline
def _work(W: Array, c: int, t: float) -> tuple[float, int]:
    if t <= 0.0:
        return 0.0, 0
    last = W.shape[1] - 1
    k = int(math.floor(t))
    if k >= last:
        return float(W[c, last]), BEYOND
    w = float(W[c, k])
    return w + (float(W[c, k + 1]) - w) * (t - k), 0


@inline
def _finish_at(T: Array, nw: int, c: int, w: float) -> tuple[float, int]:
    if w <= 0.0:
        return float(T[c, 0]), (BEFORE if w < _BELOW else 0)
    j = int(math.ceil(w)) - 1
    if j >= nw:
        j = nw - 1
        return float(T[c, j]) + (w - j), BEYOND
    return float(T[c, j]) + (w - j), 0


@inline
def _start_at(T: Array, nw: int, c: int, w: float) -> tuple[float, int]:
    if w <= 0.0:
        return float(T[c, 0]), (BEFORE if w < _BELOW else 0)
    j = int(math.floor(w))
    if j >= nw:
        j = nw - 1
        return float(T[c, j]) + (w - j), BEYOND
    return float(T[c, j]) + (w - j), 0


@jit
def work_at(W: Array, c: int, t: Array, out: Array, overflow: Array) -> None:
    """The work done on calendar ``c`` by each moment of ``t`` (slots)."""
    fl = 0
    for i in range(t.shape[0]):
        out[i], f = _work(W, c, t[i])
        fl |= f
    overflow[0] |= fl


@jit
def work_sums(W: Array, c: int, t: Array, origin: float, out: Array,
              overflow: Array) -> None:
    """Per row of ``t`` (slots), the sum of the work done on calendar ``c`` by each
    moment, less ``origin``."""
    fl = 0
    for a in range(t.shape[0]):
        total = 0.0
        for i in range(t.shape[1]):
            w, f = _work(W, c, t[a, i])
            fl |= f
            total += w - origin
        out[a] = total
    overflow[0] |= fl


@jit
def forward(order: Array, in_ptr: Array, in_pred: Array, in_kind: Array, in_lag: Array,
            in_cal: Array, cal: Array, scale: Array, flags: Array, low: Array,
            start_after: Array, finish_after: Array, start_fixed: Array,
            finish_fixed: Array, fixed_row: Array, durations: Array, W: Array,
            T: Array, NW: Array, es: Array, ef: Array, through: Array,
            overflow: Array, i0: int, i1: int) -> None:
    """Early starts and finishes (slots), activities in ``order``, of the iterations
    (columns) ``i0:i1`` (each iteration's numbers are its own: halves of the columns
    may run at once on threads).

    Per activity: its calendar, slots per unit of ``durations`` (``scale``), flags
    (:data:`FIXED`: completed, ``start_fixed``/``finish_fixed`` are its actual
    moments; :data:`FINISH_MILESTONE`), the earliest moment it may start (``low``: the
    data date), its start-on-or-after and finish-on-or-after moments (-inf: none) and,
    for mandatory constraints, ``start_fixed`` or ``finish_fixed`` (NaN: none). Per
    link ``l`` into ``a`` (``in_ptr[a]:in_ptr[a+1]``): the predecessor, its kind, its
    lag (slots of work) and the lag's calendar (-1: no lag).

    A completed activity passes on its logic, as P6 does with retained logic: its
    successors start no earlier than the data date and what its own unfinished
    predecessors reach (``through``, row ``fixed_row[a]``), and a lag runs from its
    actual date.
    """
    s_bound = np.empty(durations.shape[1])
    f_bound = np.empty(durations.shape[1])
    fl = 0
    for a in order:
        first_s = max(low[a], start_after[a])
        first_f = finish_after[a]
        for i in range(i0, i1):
            s_bound[i] = first_s
            f_bound[i] = first_f
        for k in range(in_ptr[a], in_ptr[a + 1]):
            p = in_pred[k]
            kind = in_kind[k]
            lc = in_cal[k]
            lag = in_lag[k]
            held = flags[p] & FIXED
            row = fixed_row[p]
            src_row = ef[p] if kind & _READS_FINISH else es[p]
            bound = f_bound if kind & _SETS_FINISH else s_bound
            if lc < 0 and not held:  # the common link: a moment passed on as it is
                for i in range(i0, i1):
                    if src_row[i] > bound[i]:
                        bound[i] = src_row[i]
                continue
            lnw = NW[lc] if lc >= 0 else 0
            for i in range(i0, i1):
                src = src_row[i]
                if lc >= 0:
                    w, f1 = _work(W, lc, src)
                    src, f2 = _finish_at(T, lnw, lc, w + lag)
                    fl |= f1 | f2
                if held and src < through[row, i]:
                    src = through[row, i]
                if src > bound[i]:
                    bound[i] = src
        if flags[a] & FIXED:
            r = fixed_row[a]
            for i in range(i0, i1):
                es[a, i] = start_fixed[a]
                ef[a, i] = finish_fixed[a]
                through[r, i] = max(s_bound[i], f_bound[i])
            continue
        c = cal[a]
        nw = NW[c]
        sc = scale[a]
        fixed_start = start_fixed[a]
        fixed_finish = finish_fixed[a]
        finish_mile = flags[a] & FINISH_MILESTONE
        for i in range(i0, i1):
            h = durations[a, i] * sc
            if h < 0.0:
                h = 0.0
            w0, f = _work(W, c, s_bound[i])
            fl |= f
            if f_bound[i] > -np.inf:
                wf, f = _work(W, c, f_bound[i])
                fl |= f
                wf -= h
                if wf > w0:
                    w0 = wf
            if fixed_start == fixed_start:  # mandatory start
                w0, f = _work(W, c, fixed_start)
                fl |= f
            elif fixed_finish == fixed_finish:  # mandatory finish
                w0, f = _work(W, c, fixed_finish)
                fl |= f
                w0 -= h
            # a finish is the end of the work's last slot, unless a bound lies in the
            # gap after it: then the start of the next working slot (same work)
            if h > 0.0:
                es[a, i], f = _start_at(T, nw, c, w0)
                fl |= f
                t, f = _finish_at(T, nw, c, w0 + h)
                fl |= f
                if t < f_bound[i]:
                    t, f = _start_at(T, nw, c, w0 + h)
                    fl |= f
                ef[a, i] = t
            else:
                t, f = _start_at(T, nw, c, w0)
                fl |= f
                if finish_mile:
                    back, f = _finish_at(T, nw, c, w0)
                    fl |= f
                    if back >= s_bound[i] and back >= f_bound[i]:
                        t = back
                es[a, i] = t
                ef[a, i] = t
    overflow[0] |= fl


@jit
def backward(order: Array, out_ptr: Array, out_succ: Array, out_kind: Array,
             out_lag: Array, out_cal: Array, cal: Array, scale: Array, flags: Array,
             start_before: Array, finish_before: Array, start_fixed: Array,
             finish_fixed: Array, durations: Array, W: Array, T: Array,
             NW: Array, es: Array, ef: Array, late: Array, ls: Array, lf: Array,
             total_float: Array, keep_float: bool, critical: Array,
             overflow: Array, i0: int, i1: int) -> None:
    """Late starts and finishes (slots) from the late finish ``late`` of each
    iteration (the project's), activities in reverse ``order``, and total float
    (finish float: work on the activity's calendar from early to late finish, slots),
    of the iterations (columns) ``i0:i1``.
    ``start_before``/``finish_before``: start-on-or-before and finish-on-or-before
    moments (+inf: none); the out-links of ``a`` at ``out_ptr[a]:out_ptr[a+1]``.
    ``critical[a]`` counts the iterations in which ``a`` has no float (to a
    millionth of a slot); the float itself is kept only with ``keep_float``."""
    s_bound = np.empty(durations.shape[1])
    f_bound = np.empty(durations.shape[1])
    fl = 0
    for r in range(order.shape[0] - 1, -1, -1):
        a = order[r]
        c = cal[a]
        nw = NW[c]
        if flags[a] & FIXED:
            for i in range(i0, i1):
                ls[a, i] = es[a, i]
                lf[a, i] = ef[a, i]
                if keep_float:
                    total_float[a, i] = 0.0
            continue
        first_f = finish_before[a]
        first_s = start_before[a]
        for i in range(i0, i1):
            f_bound[i] = min(late[i], first_f)
            s_bound[i] = first_s
        for k in range(out_ptr[a], out_ptr[a + 1]):
            s = out_succ[k]
            kind = out_kind[k]
            lc = out_cal[k]
            lag = out_lag[k]
            ref_row = lf[s] if kind & _SETS_FINISH else ls[s]
            bound = f_bound if kind & _READS_FINISH else s_bound
            if lc < 0:
                for i in range(i0, i1):
                    if ref_row[i] < bound[i]:
                        bound[i] = ref_row[i]
                continue
            lnw = NW[lc]
            for i in range(i0, i1):
                w, f1 = _work(W, lc, ref_row[i])
                ref, f2 = _finish_at(T, lnw, lc, w - lag)
                fl |= f1 | f2
                if ref < bound[i]:
                    bound[i] = ref
        sc = scale[a]
        fixed_start = start_fixed[a]
        fixed_finish = finish_fixed[a]
        before = start_before[a]
        start_mile = flags[a] & START_MILESTONE
        count = 0
        for i in range(i0, i1):
            h = durations[a, i] * sc
            if h < 0.0:
                h = 0.0
            w, f = _work(W, c, f_bound[i])
            fl |= f
            if s_bound[i] < np.inf:
                ws, f = _work(W, c, s_bound[i])
                fl |= f
                ws += h
                if ws < w:
                    w = ws
            if fixed_start == fixed_start:
                w, f = _work(W, c, fixed_start)
                fl |= f
                w += h
            elif fixed_finish == fixed_finish:
                w, f = _work(W, c, fixed_finish)
                fl |= f
            if h > 0.0:
                lf[a, i], f = _finish_at(T, nw, c, w)
                fl |= f
                # a late start is the start of its first working slot, unless a
                # start-on-or-before date lies in the gap before it
                t, f = _start_at(T, nw, c, w - h)
                fl |= f
                if t > before:
                    t, f = _finish_at(T, nw, c, w - h)
                    fl |= f
                ls[a, i] = t
            else:
                # a start milestone's late dates start the next working slot; any
                # other activity of no duration ends the last one before (a finish)
                if start_mile:
                    t, f = _start_at(T, nw, c, w)
                else:
                    t, f = _finish_at(T, nw, c, w)
                fl |= f
                lf[a, i] = t
                ls[a, i] = t
            done, f = _work(W, c, ef[a, i])
            fl |= f
            slack = w - done
            if keep_float:
                total_float[a, i] = slack
            if slack <= 1e-6:
                count += 1
        critical[a] += count
    overflow[0] |= fl
