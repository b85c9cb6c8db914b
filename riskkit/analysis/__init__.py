"""Analysis of simulations: which mitigations pay, which risks drive the outcome, and
the set of results a steering-committee pack presents.

- :mod:`.columns`: the column names of the tables (one name per quantity);
- :mod:`.results`: :class:`Ranking`, :class:`Drivers`, :class:`Selection`,
  :class:`Effect`, :class:`MitigationSet`;
- :mod:`.reductions`: mean and exact percentile reductions of many variants;
- :mod:`.ranking`: :func:`rank_mitigations`, :func:`select_mitigations`;
- :mod:`.drivers`: :func:`risk_drivers`;
- :mod:`.pack`: :func:`analyse`.
"""

from . import columns
from .drivers import risk_drivers
from .pack import Analysis, analyse
from .ranking import knapsack, rank_mitigations, select_mitigations
from .results import Baseline, Drivers, Effect, MitigationSet, Ranking, Selection

__all__ = ["Analysis", "Baseline", "Drivers", "Effect", "MitigationSet", "Ranking", "Selection",
           "analyse", "columns", "knapsack", "rank_mitigations", "risk_drivers",
           "select_mitigations"]
