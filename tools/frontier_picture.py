"""Draw docs/frontier.png: the efficient frontier of the bundled office fit-out.

    python tools/frontier_picture.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

import riskkit as rk  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_registers"


def main() -> None:
    reg = rk.read_register(SAMPLES / "office_fitout.csv")
    sch = rk.read_schedule(SAMPLES / "office_fitout_schedule.csv")
    ranking = rk.rank_mitigations(reg, sch, iterations=10_000, rng=42, value_per_day=5_000)
    frontier = rk.efficient_frontier(ranking, sch, register=reg)
    fig = Figure(figsize=(11, 4.2))
    axes = fig.subplots(1, 2)
    rk.plot.frontier(frontier, "cost", ax=axes[0], currency="£")
    rk.plot.frontier(frontier, "schedule", ax=axes[1], currency="£")
    fig.tight_layout()
    out = Path(__file__).resolve().parent.parent / "docs" / "frontier.png"
    fig.savefig(out, dpi=90)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
