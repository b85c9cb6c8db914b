"""One table of the performance figures (issue: scale).

Each row runs in its own process, so its peak RSS is its own (workers report their own
peak separately). Ratios are to an in-run floor: numpy's uniform draw of one double per
risk-iteration (W1), a bare numpy forward pass (W2), one ``simulate`` of the same model
(W3).

    python benchmarks/run.py            # the full table (about two minutes)
    python benchmarks/run.py --quick    # smaller sizes, for a smoke test
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def _rss() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, kids


def _seconds(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def row(kind: str, iterations: int, workers: int) -> dict:
    """Run one measurement in this process and return its figures."""
    import numpy as np

    import riskkit as rk

    warnings.simplefilter("ignore")
    out: dict = {"kind": kind, "iterations": iterations, "workers": workers}
    if kind == "W1":
        from bench_register import floor_seconds, make_register

        reg = make_register(1_000, "triangular")
        # warm-up: numba loads (or compiles) the kernels once per process; forked
        # workers inherit them
        rk.simulate(reg, iterations=100_000, rng=1, progress=False)
        t0 = time.perf_counter()
        rk.simulate(reg, iterations=iterations, rng=1, workers=workers)
        out["seconds"] = time.perf_counter() - t0
        out["floor"] = floor_seconds(1_000, iterations)
        out["unit"] = "ns per risk-iteration"
        out["per_unit"] = out["seconds"] / (1_000 * iterations) * 1e9
    elif kind == "W2":
        from bench_schedule import bare_forward_pass, make_model

        frame, arrays, register, durations = make_model()
        sch, reg = rk.read_schedule(frame), rk.read_register(register)
        # sub-second runs: the best of three, for the run and its floor alike, so
        # first-touch page faults of the workspace do not count (as bench_schedule.py)
        out["seconds"] = min(_seconds(lambda: rk.simulate(
            reg, sch, iterations=iterations, rng=1, workers=workers)) for _ in range(3))
        out["floor"] = min(_seconds(lambda: bare_forward_pass(arrays, durations, iterations))
                           for _ in range(3))
        out["unit"] = "ns per activity-iteration"
        out["per_unit"] = out["seconds"] / (len(sch) * iterations) * 1e9
    elif kind == "W3":
        from bench_rank import with_mitigations
        from bench_schedule import make_model

        frame, _, register, _ = make_model()
        sch, reg = rk.read_schedule(frame), rk.read_register(with_mitigations(register, 200))
        t0 = time.perf_counter()
        rk.rank_mitigations(reg, sch, iterations=iterations, rng=1, workers=workers)
        out["seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        rk.simulate(reg, sch, iterations=iterations, rng=1)
        out["floor"] = time.perf_counter() - t0
        out["unit"] = "x one simulate"
        out["per_unit"] = out["seconds"] / out["floor"]
    elif kind == "bundled":
        root = os.path.dirname(HERE)
        reg = rk.read_register(os.path.join(root, "sample_registers", "office_fitout.csv"))
        sch = rk.read_schedule(os.path.join(root, "sample_registers",
                                            "office_fitout_schedule.csv"))
        t0 = time.perf_counter()
        res = rk.simulate(reg, sch, iterations=iterations, rng=1, workers=workers)
        out["seconds"] = time.perf_counter() - t0
        out["floor"] = float("nan")
        out["unit"] = "ns per iteration"
        out["per_unit"] = out["seconds"] / iterations * 1e9
        out["p80_cost"] = float(np.percentile(res.cost, 80))
    out["rss_main_mb"], out["rss_worker_mb"] = _rss()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--row", nargs=3, metavar=("KIND", "ITERATIONS", "WORKERS"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.row:
        kind, n, w = args.row
        print(json.dumps(row(kind, int(float(n)), int(w))))
        return
    big = not args.quick
    plan = [("W1", 1e6 if big else 1e5, 1), ("W1", 1e6 if big else 1e5, 2),
            ("W2", 1e4 if big else 2e3, 1), ("W2", 1e4 if big else 2e3, 2),
            ("W3", 1e4 if big else 2e3, 1), ("W3", 1e4 if big else 2e3, 2),
            ("W1", 1e5, 2), ("W1", 1e6, 2), ("W1", 1e7 if big else 2e6, 2),
            ("bundled", 1e7 if big else 1e6, 2)]
    print(f"{'workload':<40} {'iterations':>11} {'workers':>7} {'wall s':>8} {'floor s':>8} "
          f"{'ratio':>6} {'per unit':>10}  {'RSS main / worker MB':>21}")
    names = {"W1": "W1 cost register, 1,000 risks", "W2": "W2 schedule, 4,000 activities",
             "W3": "W3 ranking, 200 mitigations (schedule)",
             "bundled": "office fit-out register + schedule"}
    for kind, n, w in plan:
        proc = subprocess.run([sys.executable, __file__, "--row", kind, str(int(n)), str(w)],
                              capture_output=True, text=True)
        if proc.returncode:
            print(f"{names[kind]:<40} failed: {proc.stderr.strip()[-300:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        ratio = r["seconds"] / r["floor"] if r["floor"] == r["floor"] else float("nan")
        ratio_text = f"{ratio:6.2f}" if ratio == ratio else f"{'-':>6}"
        floor_text = f"{r['floor']:8.2f}" if r["floor"] == r["floor"] else f"{'-':>8}"
        print(f"{names[kind]:<40} {int(n):>11,} {w:>7} {r['seconds']:8.2f} {floor_text} "
              f"{ratio_text} {r['per_unit']:10.2f}  {r['rss_main_mb']:>10.0f} / "
              f"{r['rss_worker_mb']:<8.0f}  ({r['unit']})")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
