"""Where a risk sits on the probability–impact matrix, and its level there.

The rule the heat map draws (:func:`riskkit.plot.heat_map`) and the register-over-time
charts count by: a risk's probability falls in one of five probability bands and its
mean impact (if it occurs) in one of five impact bands; the product of the two band
numbers (1 to 25) is its score, and the score's level (:data:`LEVELS`) its severity.
A risk's severity is the higher of its cost and its schedule level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..distributions import Distribution
from ..model import Risk, RiskRegister
from ..result import metric_name

__all__ = ["LEVELS", "PROBABILITY_BANDS", "SEVERITIES", "band", "impact_bands_for",
           "impact_bands_of", "impact_of", "level_of", "severities"]

#: A cell's score is its probability band times its impact band (1 to 25); a score up
#: to each bound has that level's name.
LEVELS = ((4, "low"), (9, "medium"), (14, "high"), (25, "very high"))
#: The four inner boundaries of the probability bands.
PROBABILITY_BANDS = (0.1, 0.3, 0.5, 0.7)
#: The severities :func:`severities` gives, lowest first, and "opportunity".
SEVERITIES = (*(name for _, name in LEVELS), "opportunity")


def impact_bands_for(largest: float, *, days: bool = False) -> list[float]:
    """Four round impact boundaries for a 5 x 5 matrix whose largest mean impact is
    ``largest``: the top one the largest of 1, 2, 4 or 8 times a power of ten not above
    40% of it, the others a half, a quarter and an eighth of that (so all are round).
    With ``days`` (delays), the top one the largest of 1, 2 or 5 times a power of ten
    not above 40%, the others the three numbers of that series below it.

    >>> impact_bands_for(325_000)
    [12500.0, 25000.0, 50000.0, 100000.0]
    >>> impact_bands_for(100_000)
    [5000.0, 10000.0, 20000.0, 40000.0]
    >>> impact_bands_for(45, days=True)
    [1.0, 2.0, 5.0, 10.0]
    """
    largest = float(largest)
    target = (largest if math.isfinite(largest) and largest > 1e-9 else 1.0) * 0.4
    power = 10.0 ** math.floor(math.log10(target))
    if days:
        series = [m * p for p in (power / 100, power / 10, power) for m in (1.0, 2.0, 5.0)]
        fits = [v for v in series if v <= target * (1 + 1e-12)]
        return [float(f"{v:.6g}") for v in fits[-4:]]
    top = max(m * power for m in (1.0, 2.0, 4.0, 8.0) if m * power <= target * (1 + 1e-12))
    return [top / 8, top / 4, top / 2, top]


def impact_of(risk: Risk, metric: str, scenario: str = "current") -> Distribution | None:
    """The risk's impact of ``metric`` in ``scenario``, None when it has none (or one
    whose mean is 0)."""
    exposure = risk.exposure(scenario)
    d = exposure.cost if metric == "cost" else exposure.schedule
    return d if d is not None and d.mean != 0 else None


def impact_bands_of(register: RiskRegister | Sequence[RiskRegister], metric: str = "cost",
                    scenario: str = "current") -> list[float]:
    """The impact bands of ``register`` (or of several, one set for all of them: the
    snapshots of a register over time): from the largest mean impact (threat or
    opportunity) of ``metric`` in ``scenario``. Pass the current scenario's to the
    mitigated map, so before and after share their bands."""
    metric = metric_name(metric)
    registers = [register] if isinstance(register, RiskRegister) else list(register)
    means = [abs(d.mean) for reg in registers for d in
             (impact_of(r, metric, scenario) for r in reg.active_risks) if d is not None]
    return impact_bands_for(max(means, default=0.0), days=metric == "schedule")


def band(value: float, bounds: Sequence[float]) -> int:
    """The band (0 to 4) of ``value`` between four ``bounds``: a value on a bound is in
    the band above it."""
    return int(np.searchsorted(list(bounds), value, side="right"))


def level_of(score: int) -> int:
    """The level (0 to 3, an index of :data:`LEVELS`) of a score from 1 to 25."""
    return next(i for i, (bound, _) in enumerate(LEVELS) if score <= bound)


def severities(register: RiskRegister, *, scenario: str = "current",
               cost_bands: Sequence[float] | None = None,
               schedule_bands: Sequence[float] | None = None,
               probability_bands: Sequence[float] = PROBABILITY_BANDS) -> pd.DataFrame:
    """One row per risk the register simulates: its probability, mean cost and delay
    if it occurs, the level of each on its heat map (``cost_level``, ``schedule_level``:
    a name of :data:`LEVELS`, None without that impact) and its ``severity``: the higher
    of the two, or "opportunity" for a risk whose impacts are all savings ("low" for
    one without impacts). The bands
    are the register's own unless given (give every snapshot the same ones).

    Examples
    --------
    >>> import riskkit as rk
    >>> from riskkit.analysis.severity import severities
    >>> s = severities(rk.read_register("sample_registers/office_fitout.csv"))
    >>> s.loc[s["id"] == "OF-01", "severity"].item()
    'high'
    """
    bands = {"cost": list(cost_bands) if cost_bands is not None else
             impact_bands_of(register, "cost", scenario),
             "schedule": list(schedule_bands) if schedule_bands is not None else
             impact_bands_of(register, "schedule", scenario)}
    rows = []
    for risk in register.active_risks:
        p = risk.exposure(scenario).probability
        row: dict[str, object] = {"id": risk.id, "title": risk.title, "probability": p}
        levels = []
        threat = False
        for metric in ("cost", "schedule"):
            d = impact_of(risk, metric, scenario)
            mean = float(d.mean) if d is not None else None
            row[f"{metric}_impact"] = mean
            if mean is None:
                row[f"{metric}_level"] = None
                continue
            score = (band(p, probability_bands) + 1) * (band(abs(mean), bands[metric]) + 1)
            name = LEVELS[level_of(score)][1]
            row[f"{metric}_level"] = name
            if mean > 0:
                threat = True
                levels.append(level_of(score))
        saving = row["cost_impact"] is not None or row["schedule_impact"] is not None
        row["severity"] = (LEVELS[max(levels)][1] if threat else
                           "opportunity" if saving else LEVELS[0][1])
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "title", "probability", "cost_impact",
                                       "schedule_impact", "cost_level", "schedule_level",
                                       "severity"])
