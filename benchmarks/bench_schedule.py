"""Schedule benchmark (issue: schedule risk analysis).

A generated network of 4,000 activities and 6,000 links (mixed FS/SS/FF/SF types with
lags) in 40 workstreams, with 300 risks on activities; 10,000 iterations with
criticality. Prints wall time, peak RSS, ns per activity-iteration, and the ratio to a
bare hand-written numpy forward pass (finish-to-start only, triangular durations, no
criticality, no risks) measured in the same run; then the same network with 100 risk
drivers over WBS groups and 10 probabilistic branches, and its ratio to the network
without them (issue: schedule-risk methods; target <= 1.3).

    python benchmarks/bench_schedule.py [--iterations N]
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, peak_rss_mb  # noqa: E402

import riskkit as rk  # noqa: E402

TYPES = np.array(["FS", "SS", "FF", "SF"])


def make_model(activities: int = 4_000, links: int = 6_000, risks: int = 300,
               streams: int = 40, seed: int = 7):
    """A schedule frame, its links as arrays, and a register on its activities."""
    g = np.random.default_rng(seed)
    per = activities // streams
    ids = [f"S{s:02d}-{i:03d}" for s in range(streams) for i in range(per)]
    src, dst, kind, lag = [], [], [], []
    for s in range(streams):
        for i in range(1, per):
            src.append(s * per + i - 1)
            dst.append(s * per + i)
            kind.append(0)
            lag.append(0.0)
    while len(src) < links:  # cross-links between workstreams, always forward in time
        a = int(g.integers(0, activities))
        pos = a % per
        if pos >= per - 3:
            continue
        b_stream = int(g.integers(0, streams))
        b = b_stream * per + min(per - 1, pos + int(g.integers(2, 12)))
        if b // per == a // per:
            continue
        src.append(a)
        dst.append(b)
        kind.append(int(g.choice(4, p=[0.7, 0.15, 0.1, 0.05])))
        lag.append(float(g.choice([0, 0, 1, 2, 5, -1])))
    ml = g.uniform(2, 20, activities).round(1)
    lo = (ml * g.uniform(0.6, 0.95, activities)).round(1)
    hi = (ml * g.uniform(1.1, 2.0, activities)).round(1)
    preds: list[list[str]] = [[] for _ in range(activities)]
    for a, b, t, lg in zip(src, dst, kind, lag):
        text = ids[a] if (t == 0 and lg == 0) else f"{ids[a]} {TYPES[t]}{lg:+g}"
        preds[b].append(text)
    frame = pd.DataFrame({"id": ids, "duration_min": lo, "duration_most_likely": ml,
                          "duration_max": hi, "predecessors": ["; ".join(p) for p in preds],
                          "cost_per_day": g.uniform(500, 5000, activities).round(0),
                          "wbs": [f"PRJ.{s + 1}" for s in range(streams) for _ in range(per)]})
    hit = g.choice(activities, size=(risks, 2))
    register = pd.DataFrame({
        "id": [f"R{i:03d}" for i in range(risks)],
        "probability": g.uniform(0.05, 0.5, risks).round(3),
        "cost_min": 1000.0, "cost_most_likely": 5000.0, "cost_max": 20000.0,
        "schedule_min": 1.0, "schedule_most_likely": g.uniform(2, 10, risks).round(1),
        "schedule_max": 30.0,
        "activities": [ids[a] if i % 3 else f"{ids[a]};{ids[b]}"
                       for i, (a, b) in enumerate(hit)],
    })
    return frame, (np.array(src), np.array(dst), np.array(lag)), register, (lo, ml, hi)


def bare_forward_pass(arrays, durations, iterations: int, seed: int = 0,
                      order=None) -> np.ndarray:
    """What a careful numpy user writes: activities in order (``order``, else as
    numbered), FS links, triangular (fixed where the range is empty)."""
    src, dst, lag = arrays
    lo, ml, hi = durations
    n = lo.size
    rng = np.random.default_rng(seed)
    preds: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(src.tolist(), dst.tolist()):
        preds[b].append(a)
    finish = np.empty((n, iterations))
    for i in (range(n) if order is None else order):
        d = rng.triangular(lo[i], ml[i], hi[i], iterations) if hi[i] > lo[i] else \
            np.full(iterations, float(ml[i]))
        if preds[i]:
            start = finish[preds[i][0]].copy()
            for p in preds[i][1:]:
                np.maximum(start, finish[p], out=start)
            d += start
        finish[i] = d
    return finish.max(axis=0)


REAL = Path(__file__).resolve().parents[2] / "shared" / "realworld" / \
    "pyp6xer_SP10_cost_loaded.xer"


def real_p6(iterations: int) -> None:
    """The real P6 programme (3,994 activities, 6 calendars, constraints, progress):
    every remaining duration as a triangular 90% / 100% / 130% range, calendars and
    criticality, against the bare numpy forward pass over the same network."""
    if not REAL.exists():
        print(f"bench_schedule (real P6): {REAL} is absent; skipped")
        return
    import time

    began = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sch = rk.read_schedule(REAL)
    read = time.perf_counter() - began
    acts = []
    for a in sch.activities:
        d = a.most_likely
        acts.append(replace(a, duration=rk.Triangular(0.9 * d, d, 1.3 * d), most_likely=d)
                    if d > 0 else a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sch = replace(sch, activities=tuple(acts))
    index = {a: i for i, a in enumerate(sch.ids)}
    src = np.array([index[lk.predecessor] for lk in sch.links])
    dst = np.array([index[lk.successor] for lk in sch.links])
    order = list(sch.network.order)
    ml = sch.most_likely
    lo, hi = 0.9 * ml, 1.3 * ml

    def bare() -> np.ndarray:
        return bare_forward_pass((src, dst, None), (lo, ml, hi), iterations, order=order)

    floor, _ = best_time(bare, 2)
    seconds, res = best_time(lambda: rk.simulate(schedule=sch, iterations=iterations,
                                                  rng=1, progress=False), 2)
    print(f"bench_schedule (real P6): {len(sch):,} activities, {len(sch.links):,} links, "
          f"{len({id(a.calendar) for a in sch.activities})} calendars, {iterations:,} "
          f"iterations, criticality; read in {read:.2f} s")
    print(f"  simulate     {seconds:8.2f} s   (target < 5 s)")
    print(f"  bare numpy   {floor:8.2f} s   (forward pass in working days, one calendar, "
          f"no constraints, no criticality)")
    print(f"  ratio        {seconds / floor:8.2f}   (target <= 2.5)")
    print(f"  peak RSS     {peak_rss_mb():8.0f} MB")
    print(f"  deterministic {sch.duration():.1f} d (P6: 1,390); P50 "
          f"{res.percentile(0.5, 'schedule'):.1f} d, {res.finish_date(0.5)}; P80 "
          f"{res.percentile(0.8, 'schedule'):.1f} d, {res.finish_date(0.8)}")


def with_structure(frame: pd.DataFrame, register: pd.DataFrame, drivers: int = 100,
                   branches: int = 10, seed: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same network and risks with ``drivers`` risk drivers over WBS groups (each
    on one workstream's WBS, probability 30-100%, factor 95/105/130%) and ``branches``
    two-way branches (60/40) on activities of the workstreams."""
    g = np.random.default_rng(seed)
    streams = frame["wbs"].unique()
    rows = pd.DataFrame({
        "id": [f"D{i:03d}" for i in range(drivers)],
        "probability": g.uniform(0.3, 1.0, drivers).round(2),
        "schedule_factor_min": 95.0, "schedule_factor_most_likely": 105.0,
        "schedule_factor_max": 130.0,
        "activities": [f"WBS:{streams[i % len(streams)]}" for i in range(drivers)]})
    branched = frame.copy()
    branched["branch"] = ""
    branched["branch_probability"] = np.nan
    per = len(frame) // len(streams)
    for b in range(branches):
        first = (b % len(streams)) * per + per // 2
        for offset, (option, p) in enumerate((("a", 0.6), ("b", 0.4))):
            branched.loc[first + offset, ["branch", "branch_probability"]] = (
                f"B{b}: {option}", p)
    return branched, pd.concat([register, rows], ignore_index=True)


def structure_ratio(frame: pd.DataFrame, register: pd.DataFrame, iterations: int,
                    sampling: str) -> None:
    """The ratio of a run with 100 drivers and 10 branches to the same network without."""
    branched, driven = with_structure(frame, register)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = (rk.read_schedule(frame), rk.read_register(register))
        rich = (rk.read_schedule(branched), rk.read_register(driven))
    base, _ = best_time(lambda: rk.simulate(plain[1], plain[0], iterations=iterations,
                                            rng=1, sampling=sampling), 2)
    more, res = best_time(lambda: rk.simulate(rich[1], rich[0], iterations=iterations,
                                              rng=1, sampling=sampling), 2)
    print("  with 100 risk drivers over WBS groups and 10 branches:")
    print(f"    without    {base:8.2f} s")
    print(f"    with       {more:8.2f} s   (P80 {res.percentile(0.8, 'schedule'):.1f} d)")
    print(f"    ratio      {more / base:8.2f}   (target <= 1.3)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=10_000)
    ap.add_argument("--sampling", default="lhs", choices=["lhs", "random"])
    ap.add_argument("--real-only", action="store_true", help="only the real P6 file")
    args = ap.parse_args(argv)
    real_p6(args.iterations)
    if args.real_only:
        return
    frame, arrays, register, durations = make_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sch = rk.read_schedule(frame)
        reg = rk.read_register(register)
    n_act = len(sch)
    floor, _ = best_time(lambda: bare_forward_pass(arrays, durations, args.iterations), 2)
    seconds, res = best_time(lambda: rk.simulate(reg, sch, iterations=args.iterations,
                                                  rng=1, sampling=args.sampling), 2)
    ns = seconds / (n_act * args.iterations) * 1e9
    print(f"bench_schedule: {n_act:,} activities, {len(sch.links):,} links, "
          f"{len(reg)} risks on activities, {args.iterations:,} iterations, {args.sampling}, "
          f"criticality")
    print(f"  simulate     {seconds:8.2f} s   ({ns:.1f} ns per activity-iteration; "
          f"target < 3 s)")
    print(f"  bare numpy   {floor:8.2f} s   (FS-only forward pass, triangular, "
          f"no criticality)")
    print(f"  ratio        {seconds / floor:8.2f}   (target <= 2)")
    print(f"  peak RSS     {peak_rss_mb():8.0f} MB")
    print(f"  deterministic {sch.duration():.1f} d; P50 {res.percentile(0.5, 'schedule'):.1f} d; "
          f"P80 {res.percentile(0.8, 'schedule'):.1f} d; "
          f"critical path {len(sch.critical_path())} activities")
    structure_ratio(frame, register, args.iterations, args.sampling)


if __name__ == "__main__":
    main()
