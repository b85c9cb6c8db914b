"""Cost-register benchmark (issue: core).

1,000 risks (probabilities spread between 5% and 50%, three-point cost and schedule
impacts) x 1,000,000 iterations with Latin hypercube sampling. Prints wall time, peak
RSS, and the ratio to the floor: the time numpy's ``default_rng().random`` takes to draw
one double per risk-iteration, measured in this same run.

    python benchmarks/bench_register.py [--iterations N] [--risks R] [--distribution D]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, peak_rss_mb  # noqa: E402

import riskkit as rk  # noqa: E402


def make_register(risks: int, distribution: str, seed: int = 2024) -> rk.RiskRegister:
    g = np.random.default_rng(seed)
    cost_min = g.uniform(5_000, 50_000, risks).round(-2)
    cost_ml = cost_min + g.uniform(5_000, 100_000, risks).round(-2)
    cost_max = cost_ml + g.uniform(10_000, 300_000, risks).round(-2)
    sch_min = g.uniform(0, 10, risks).round(1)
    sch_ml = sch_min + g.uniform(1, 20, risks).round(1)
    sch_max = sch_ml + g.uniform(5, 60, risks).round(1)
    frame = pd.DataFrame({
        "id": [f"R{i:04d}" for i in range(risks)],
        "probability": g.uniform(0.05, 0.50, risks).round(3),
        "cost_min": cost_min, "cost_most_likely": cost_ml, "cost_max": cost_max,
        "schedule_min": sch_min, "schedule_most_likely": sch_ml, "schedule_max": sch_max,
        "distribution": distribution,
    })
    return rk.read_register(frame)


def floor_seconds(risks: int, iterations: int) -> float:
    """numpy's uniform draw of one double per risk-iteration, into a reused buffer."""
    rng = np.random.default_rng(0)
    buf = np.empty(1_000_000)
    total = risks * iterations
    reps, rest = divmod(total, buf.size)

    def draw() -> None:
        for _ in range(reps):
            rng.random(out=buf)
        if rest:
            rng.random(rest)

    seconds, _ = best_time(draw)
    return seconds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=1_000_000)
    ap.add_argument("--risks", type=int, default=1_000)
    ap.add_argument("--distribution", default="triangular")
    ap.add_argument("--sampling", default="lhs")
    args = ap.parse_args(argv)
    reg = make_register(args.risks, args.distribution)
    floor = floor_seconds(args.risks, args.iterations)
    seconds, res = best_time(lambda: rk.simulate(reg, iterations=args.iterations, rng=1,
                                                  sampling=args.sampling))
    ns = seconds / (args.risks * args.iterations) * 1e9
    print(f"bench_register: {args.risks} risks x {args.iterations:,} iterations, "
          f"{args.sampling}, {args.distribution}")
    print(f"  simulate     {seconds:8.2f} s   ({ns:.2f} ns per risk-iteration)")
    print(f"  floor        {floor:8.2f} s   (default_rng().random, one double per "
          f"risk-iteration)")
    print(f"  ratio        {seconds / floor:8.2f}   (target <= 4)")
    print(f"  peak RSS     {peak_rss_mb():8.0f} MB  (target <= 1,536 MB)")
    print(f"  P80 cost {res.percentile(0.8, 'cost'):,.0f}; "
          f"P80 schedule {res.percentile(0.8, 'schedule'):,.1f} days")


if __name__ == "__main__":
    main()
