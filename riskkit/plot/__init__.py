"""Charts for risk results: ``f(data, *, ax=None, **options) -> Axes``.

Each function draws only through ``ax.`` methods, creates a figure with
``plt.subplots()`` only when ``ax`` is None, never calls ``plt.show()``, and returns the
Axes. Nothing here recomputes a simulation. Colours are the Okabe–Ito palette (safe for
colour-blind readers), and every series also differs by line style or marker so the
charts read in greyscale print.
"""

from __future__ import annotations

from .._format import compact, days, money, ratio_label, short  # noqa: F401
from .curves import contingency_waterfall, histogram, s_curve
from .drivers import mitigation_ranking, tornado
from .heat import heat_map, impact_bands_for, impact_bands_of
from .history import change_waterfall, contingency_trend, heat_trajectory, severity_trend
from .phasing import cash_flow
from .portfolio import (
    contingency_bridge,
    portfolio_heat_map,
    portfolio_s_curves,
    project_confidence,
)
from .schedule import activity_sensitivity, criticality, joint_confidence, milestone_dates
from .spend import contingency_split, frontier
from .style import LINESTYLES, MARKERS, PALETTE

# compact, days, money, ratio_label and short stay readable as riskkit.plot.money ...,
# as they were when the charts were one module (notebooks use them)

__all__ = [
    "LINESTYLES",
    "MARKERS",
    "PALETTE",
    "cash_flow",
    "change_waterfall",
    "contingency_bridge",
    "contingency_split",
    "contingency_trend",
    "contingency_waterfall",
    "activity_sensitivity",
    "criticality",
    "frontier",
    "heat_map",
    "heat_trajectory",
    "histogram",
    "impact_bands_for",
    "impact_bands_of",
    "joint_confidence",
    "portfolio_heat_map",
    "portfolio_s_curves",
    "project_confidence",
    "milestone_dates",
    "mitigation_ranking",
    "s_curve",
    "severity_trend",
    "tornado",
]
