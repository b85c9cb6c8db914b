"""PDF pack benchmark (issue: charts and PDF pack).

``riskkit report`` on the bench_schedule model (4,000 activities, 6,000 links, 300 risks
on activities, 200 of them with mitigations), 10,000 iterations. Prints the wall time of
the whole pack and of one ``simulate`` of the same model. Target: under 30 s.

    python benchmarks/bench_report.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(__file__))
from _common import best_time, peak_rss_mb  # noqa: E402
from bench_rank import with_mitigations  # noqa: E402
from bench_schedule import make_model  # noqa: E402

import riskkit as rk  # noqa: E402
from riskkit.cli import main as cli  # noqa: E402


def main() -> None:
    frame, _, register, _ = make_model()
    with tempfile.TemporaryDirectory() as tmp:
        reg_path = os.path.join(tmp, "register.csv")
        sch_path = os.path.join(tmp, "schedule.csv")
        with_mitigations(register, 200).to_csv(reg_path, index=False)
        frame.to_csv(sch_path, index=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reg, sch = rk.read_register(reg_path), rk.read_schedule(sch_path)
        sim, _ = best_time(lambda: rk.simulate(reg, sch, iterations=10_000, rng=1))
        pack = os.path.join(tmp, "pack.pdf")
        t0 = time.perf_counter()
        code = cli(["report", reg_path, "--schedule", sch_path, "-n", "10000", "--seed", "1",
                    "-o", pack, "-q"])
        seconds = time.perf_counter() - t0
        size = os.path.getsize(pack) if code == 0 else 0
    print("bench_report: riskkit report, 4,000 activities, 300 risks (200 mitigated), "
          "10,000 iterations")
    print(f"  report       {seconds:8.2f} s   (target < 30 s; exit code {code}; "
          f"{size / 1e6:.1f} MB PDF)")
    print(f"  simulate     {sim:8.2f} s   (one run of the same model, for scale)")
    print(f"  peak RSS     {peak_rss_mb():8.0f} MB")


if __name__ == "__main__":
    main()
