"""Ranking benchmark (issue: mitigation ranking).

1. Rank 200 mitigations on the bench_schedule model (4,000 activities, 6,000 links, 300
   risks on activities) at 10,000 iterations; printed as a multiple of one ``simulate``
   of the same model in the same run. Target <= 10x (re-simulating each variant would
   cost 201x).
2. A cost-only register of 1,000 risks, every one with a mitigation, 10,000
   iterations. Target <= 1.5x. Each figure is the best of several runs, so loading
   the compiled kernels does not count.

    python benchmarks/bench_rank.py
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, peak_rss_mb  # noqa: E402
from bench_schedule import make_model  # noqa: E402

import riskkit as rk  # noqa: E402


def with_mitigations(register: pd.DataFrame, count: int, seed: int = 11) -> pd.DataFrame:
    g = np.random.default_rng(seed)
    frame = register.copy()
    chosen = g.choice(len(frame), count, replace=False)
    frame["mitigation"] = ""
    frame["mitigation_cost"] = np.nan
    frame["mitigated_probability"] = np.nan
    frame.loc[chosen, "mitigation"] = "act"
    frame.loc[chosen, "mitigation_cost"] = g.uniform(500, 20_000, count).round(0)
    frame.loc[chosen, "mitigated_probability"] = (
        frame.loc[chosen, "probability"] * g.uniform(0.2, 0.8, count)).round(3)
    return frame


def cost_register(risks: int = 1_000, seed: int = 5) -> pd.DataFrame:
    g = np.random.default_rng(seed)
    low = g.uniform(5_000, 50_000, risks).round(-2)
    mode = low + g.uniform(5_000, 100_000, risks).round(-2)
    high = mode + g.uniform(10_000, 300_000, risks).round(-2)
    p = g.uniform(0.05, 0.5, risks).round(3)
    return pd.DataFrame({
        "id": [f"C{i:04d}" for i in range(risks)], "probability": p,
        "cost_min": low, "cost_most_likely": mode, "cost_max": high,
        "mitigation": "act", "mitigation_cost": g.uniform(1_000, 30_000, risks).round(0),
        "mitigated_probability": (p * g.uniform(0.2, 0.9, risks)).round(3),
    })


def row(name: str, simulate_s: float, rank_s: float, target: float, note: str = "") -> None:
    print(f"  {name:<54} simulate {simulate_s:6.3f} s   rank {rank_s:6.3f} s   "
          f"ratio {rank_s / simulate_s:5.2f}   (target <= {target:g}{note})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=10_000)
    args = ap.parse_args(argv)
    n = args.iterations
    frame, _, register, _ = make_model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sch = rk.read_schedule(frame)
        reg = rk.read_register(with_mitigations(register, 200))
        cost_reg = rk.read_register(cost_register())
    print(f"bench_rank: {n:,} iterations, LHS")
    quiet = {"iterations": n, "rng": 1, "progress": False}
    sim_s, _ = best_time(lambda: rk.simulate(reg, sch, **quiet), 2)
    rank_s, ranking = best_time(lambda: rk.rank_mitigations(reg, sch, **quiet), 2)
    row(f"schedule model, {len(ranking)} mitigations", sim_s, rank_s, 10)
    sim_s, _ = best_time(lambda: rk.simulate(cost_reg, **quiet), 5)
    rank_s, ranking = best_time(lambda: rk.rank_mitigations(cost_reg, **quiet), 5)
    row(f"cost-only register, {len(ranking)} mitigations", sim_s, rank_s, 1.5)
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
