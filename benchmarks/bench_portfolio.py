"""Portfolio benchmark (issue #20).

Case ``register``: 50 projects x 100 risks x 100,000 iterations, against one register
of the same 5,000 risks (ids prefixed by project) simulated once.
Case ``schedule``: 20 projects with 500-activity schedules (and 50 risks each) x 10,000
iterations, against one schedule of the same 10,000 activities (the 20 networks side by
side) and one register of the same 1,000 risks.

Each side runs in a fresh process, so its peak RSS is its own; the printed ratio is
portfolio / single, measured in this same run (targets: <= 1.3 and <= 1.5), the
fastest of ``--rounds`` alternating runs of each side.

    python benchmarks/bench_portfolio.py [--case register|schedule|both] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
# this checkout's riskkit, also in the child processes
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from _common import best_time, peak_rss_mb  # noqa: E402

import riskkit as rk  # noqa: E402

CASES = {"register": (50, 100, 100_000), "schedule": (20, 500, 10_000)}


def register_frame(risks: int, seed: int) -> pd.DataFrame:
    g = np.random.default_rng(seed)
    cost_min = g.uniform(5_000, 50_000, risks).round(-2)
    cost_ml = cost_min + g.uniform(5_000, 100_000, risks).round(-2)
    sch_min = g.uniform(0, 10, risks).round(1)
    sch_ml = sch_min + g.uniform(1, 20, risks).round(1)
    return pd.DataFrame({
        "id": [f"R{i:03d}" for i in range(risks)],  # the same ids in every project
        "probability": g.uniform(0.05, 0.50, risks).round(3),
        "cost_min": cost_min, "cost_most_likely": cost_ml,
        "cost_max": cost_ml + g.uniform(10_000, 300_000, risks).round(-2),
        "schedule_min": sch_min, "schedule_most_likely": sch_ml,
        "schedule_max": sch_ml + g.uniform(5, 60, risks).round(1)})


def schedule_frames(activities: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from bench_schedule import make_model

    frame, _, register, _ = make_model(activities=activities, links=activities * 3 // 2,
                                       risks=50, streams=5, seed=seed)
    return frame, register


def _predecessors(text: str, prefix: str) -> str:
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    return "; ".join(prefix + p for p in parts)


def build(case: str, side: str) -> tuple[object, int]:
    projects, size, iterations = CASES[case]
    if case == "register":
        frames = [register_frame(size, seed) for seed in range(projects)]
        if side == "portfolio":
            pf = rk.Portfolio(tuple(rk.Project(f"P{k:02d}", rk.read_register(f))
                                    for k, f in enumerate(frames)))
            return pf, iterations
        merged = pd.concat([f.assign(id=[f"P{k:02d}-{i}" for i in f["id"]])
                            for k, f in enumerate(frames)], ignore_index=True)
        return (rk.read_register(merged), None), iterations
    pairs = [schedule_frames(size, seed) for seed in range(projects)]
    if side == "portfolio":
        pf = rk.Portfolio(tuple(
            rk.Project(f"P{k:02d}", rk.read_register(r), rk.read_schedule(s))
            for k, (s, r) in enumerate(pairs)))
        return pf, iterations
    sch, reg = [], []
    for k, (s, r) in enumerate(pairs):
        pre = f"P{k:02d}-"
        s = s.assign(id=[pre + i for i in s["id"]],
                     predecessors=[_predecessors(p, pre) for p in s["predecessors"]])
        r = r.assign(id=[pre + i for i in r["id"]],
                     activities=[";".join(pre + a for a in str(v).split(";"))
                                 for v in r["activities"]])
        sch.append(s)
        reg.append(r)
    return (rk.read_register(pd.concat(reg, ignore_index=True)),
            rk.read_schedule(pd.concat(sch, ignore_index=True))), iterations


def measure(case: str, side: str) -> dict[str, float]:
    model, iterations = build(case, side)
    if side == "portfolio":
        def run() -> object:
            return rk.simulate_portfolio(model, iterations=iterations, rng=1,  # type: ignore[arg-type]
                                         progress=False)
    else:
        reg, sch = model  # type: ignore[misc]

        def run() -> object:
            return rk.simulate(reg, sch, iterations=iterations, rng=1, progress=False,
                               criticality=sch is not None)
    run_small = rk.simulate  # compile the kernels before timing
    run_small(rk.read_register(register_frame(3, 0)), iterations=1_000, rng=0)
    seconds, _ = best_time(run, repeat=2)
    return {"seconds": seconds, "peak_mb": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["register", "schedule", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating runs of each side; the fastest is shown")
    parser.add_argument("--side", choices=["portfolio", "single"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(measure(args.case, args.side)))
        return
    for case in (["register", "schedule"] if args.case == "both" else [args.case]):
        got: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):  # alternating, the best of each: the machine is shared
            for side in ("single", "portfolio"):
                out = subprocess.run([sys.executable, __file__, "--case", case, "--side",
                                      side], check=True, capture_output=True, text=True).stdout
                now = json.loads(out.strip().splitlines()[-1])
                best = got.setdefault(side, now)
                best["seconds"] = min(best["seconds"], now["seconds"])
        projects, size, iterations = CASES[case]
        what = (f"{projects} projects x {size} risks" if case == "register"
                else f"{projects} projects x {size}-activity schedules")
        ratio = got["portfolio"]["seconds"] / got["single"]["seconds"]
        print(f"{what} x {iterations:,} iterations: portfolio "
              f"{got['portfolio']['seconds']:.2f} s, peak {got['portfolio']['peak_mb']:.0f} MB;"
              f" one model {got['single']['seconds']:.2f} s, peak "
              f"{got['single']['peak_mb']:.0f} MB; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
