"""Draw docs/distributions.png: the shapes of every distribution family riskkit reads.

    python tools/distribution_pictures.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from riskkit.distributions import Discrete, make_distribution  # noqa: E402

CASES = [
    ("triangular", "triangular 80 / 100 / 130 (min / ML / max)", (80, 100, 130)),
    ("pert", "pert 80 / 100 / 130 (Beta-PERT, lambda 4)", (80, 100, 130)),
    ("modified_pert", "modified_pert 80 / 100 / 130, pert_lambda 8", (80, 100, 130)),
    ("uniform", "uniform 80 – 130", (80, 100, 130)),
    ("trigen", "trigen: P10 80, ML 100, P90 130", (80, 100, 130)),
    ("lognormal", "lognormal: P10 80, P90 130", (80, 100, 130)),
    ("normal", "normal: P10 80, P90 130", (80, 100, 130)),
]


def main() -> None:
    fig, axes = plt.subplots(3, 3, figsize=(12, 8), layout="constrained")
    u = (np.arange(200_000) + 0.5) / 200_000
    for ax, (family, title, (a, m, b)) in zip(axes.flat, CASES):
        extra = {"pert_lambda": 8.0} if family == "modified_pert" else {}
        x = make_distribution(family, a, m, b, **extra).ppf(u)
        ax.hist(x, bins=120, density=True, color="#0072B2")
        for q in (0.1, 0.9):
            ax.axvline(np.percentile(x, 100 * q), color="#D55E00", linestyle="--", lw=1)
        ax.set_title(title, fontsize=9)
        ax.set_yticks([])
        ax.set_xlim(40, 190)
    d = Discrete.parse("50:0.1;100:0.5;200:0.4")
    axes.flat[7].bar(d.values, d.probabilities, width=12, color="#0072B2")
    axes.flat[7].set_title("discrete 50:0.1;100:0.5;200:0.4 (mean 135)", fontsize=9)
    axes.flat[8].axis("off")
    axes.flat[8].text(0, 0.5, "dashed lines: P10 and P90\nof each distribution", fontsize=10)
    fig.suptitle("Distribution families (distribution column)", fontsize=12)
    out = Path(__file__).resolve().parent.parent / "docs" / "distributions.png"
    fig.savefig(out, dpi=70)


if __name__ == "__main__":
    main()
