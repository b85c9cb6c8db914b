"""Comparing two snapshots (issue 21: the register over time).

Two snapshots of a 1,000-risk register (cost and schedule impacts, no activity
network) a month apart: 30 risks added, 30 closed, 100 probabilities and 50 impacts
re-assessed, 40 mitigations added and 20 realised (six kinds of change, so the
attribution needs 64 combinations). ``rk.compare`` at 100,000 iterations is printed
as a multiple of one ``rk.simulate`` of the old snapshot in the same run. Target
<= 3x. Each figure is the best of several runs, so loading the compiled kernels does
not count.

    python benchmarks/bench_compare.py [--iterations N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from dataclasses import replace

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from _common import peak_rss_mb  # noqa: E402
from bench_rank import cost_register  # noqa: E402

import riskkit as rk  # noqa: E402


def snapshots(risks: int = 1_000, seed: int = 21) -> tuple[rk.RiskRegister, rk.RiskRegister]:
    """The old snapshot and the new one, a month of re-assessment later."""
    frame = cost_register(risks + 30)
    frame["schedule_min"], frame["schedule_most_likely"], frame["schedule_max"] = 1.0, 4.0, 12.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        everything = rk.read_register(frame)
    old_risks = list(everything.risks[:risks])
    g = np.random.default_rng(seed)
    order = g.permutation(risks)
    closed, prob, impact = order[:30], order[30:130], order[130:180]
    added, realised = order[180:220], order[220:240]
    new_risks = list(old_risks)
    for i in closed:
        new_risks[i] = replace(old_risks[i], status="Closed")
    for i in prob:
        r = old_risks[i]
        p = round(min(1.0, r.probability * g.uniform(0.5, 1.5)), 3)
        new_risks[i] = replace(r, probability=p)
    for i in impact:
        r = old_risks[i]
        lo, ml, hi = r.cost.estimate  # type: ignore[union-attr]
        new_risks[i] = replace(r, cost=rk.Triangular(lo, ml * 1.2, hi * 1.3))
    for i in added:  # a mitigation added: the current values stay
        new_risks[i] = replace(old_risks[i], mitigation="new action", mitigation_cost=2_000.0)
    for i in realised:  # carried out: the risk now stands at its post-mitigation values
        r = old_risks[i]
        post = r.mitigated
        assert post is not None
        new_risks[i] = replace(r, probability=post.probability, cost=post.cost,
                               schedule=post.schedule)
    new_risks += list(everything.risks[risks:])  # 30 new risks
    return (replace(everything, risks=tuple(old_risks)),
            replace(everything, risks=tuple(new_risks)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iterations", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    n = args.iterations
    old, new = snapshots()
    quiet = {"iterations": n, "rng": 1, "progress": False}
    sim_s = cmp_s = sim_cpu = cmp_cpu = float("inf")
    for _ in range(args.repeat):  # interleaved, so both see the same load on the machine
        for which in ("simulate", "compare"):
            t0, c0 = time.perf_counter(), time.process_time()
            if which == "simulate":
                rk.simulate(old, **quiet)
            else:
                c = rk.compare(old, new, iterations=n, seed=1)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if which == "simulate":
                sim_s, sim_cpu = min(sim_s, wall), min(sim_cpu, cpu)
            else:
                cmp_s, cmp_cpu = min(cmp_s, wall), min(cmp_cpu, cpu)
    kinds = ", ".join(f"{k} {sum(1 for x in c.changes if x.kind == k)}" for k in c.attribution)
    print(f"bench_compare: {len(old):,} and {len(new):,} risks, {n:,} iterations, LHS; "
          f"{len(c.changes)} changes ({kinds}), {2 ** len(c.attribution)} combinations")
    print(f"  wall: simulate {sim_s:6.3f} s   compare {cmp_s:6.3f} s   ratio "
          f"{cmp_s / sim_s:5.2f}   (target <= 3; method {c.method})")
    print(f"  CPU:  simulate {sim_cpu:6.3f} s   compare {cmp_cpu:6.3f} s   ratio "
          f"{cmp_cpu / sim_cpu:5.2f}   (both single-threaded; less sensitive to other load)")
    moved = c.movement("cost_p80")
    added = sum(v["cost_p80"] for v in c.attribution.values())
    print(f"  cost P80 moved {moved:,.2f}; attribution adds up to {added:,.2f}")
    print(f"  peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
