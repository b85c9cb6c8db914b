"""Analysis of simulations: which mitigations pay, which to fund, which risks drive the
outcome, and the set of results a steering-committee pack presents.

- :mod:`.columns`: the column names of the tables (one name per quantity);
- :mod:`.results`: :class:`Ranking`, :class:`Drivers`, :class:`Selection`,
  :class:`Frontier`, :class:`Effect`, :class:`MitigationSet`;
- :mod:`.reductions`: mean and exact percentile reductions of many variants;
- :mod:`.ranking`: :func:`rank_mitigations`;
- :mod:`.selection`: :func:`select_mitigations`, :func:`efficient_frontier` (sets of
  mitigations compared by simulating each set together);
- :mod:`.drivers`: :func:`risk_drivers`;
- :mod:`.contingency`: :func:`contingency` (what the contingency is for);
- :mod:`.health`: :func:`check_schedule`, :func:`check_register` (``riskkit check``);
- :mod:`.history`: :func:`compare` (two snapshots of a register on common random
  numbers, the movement attributed to the kinds of change);
- :mod:`.trend`: :func:`trend` (snapshots over time, the contingency held);
- :mod:`.pack`: :func:`analyse`;
- :mod:`.portfolio`: :func:`simulate_portfolio`, :class:`PortfolioResult`;
- :mod:`.portfolio_mitigations`: :func:`rank_portfolio_mitigations`,
  :func:`select_portfolio_mitigations` (mitigations across projects, one budget).
"""

from . import columns
from .contingency import Contingency, ContingencySplit, contingency
from .drivers import risk_drivers
from .health import Health, HealthCheck, check_register, check_schedule
from .history import Change, Comparison, compare
from .pack import Analysis, analyse
from .portfolio import PortfolioResult, simulate_portfolio
from .portfolio_mitigations import (
    PortfolioRanking,
    PortfolioSelection,
    rank_portfolio_mitigations,
    select_portfolio_mitigations,
)
from .ranking import knapsack, rank_mitigations
from .results import Baseline, Drivers, Effect, Frontier, MitigationSet, Ranking, Selection
from .selection import efficient_frontier, select_mitigations
from .trend import Trend, trend

__all__ = ["Analysis", "Baseline", "Change", "Comparison", "Contingency", "ContingencySplit",
           "Drivers", "Effect", "Frontier", "Health", "HealthCheck", "MitigationSet",
           "PortfolioRanking", "PortfolioResult", "PortfolioSelection", "Ranking",
           "Selection", "Trend", "simulate_portfolio",
           "analyse", "check_register", "check_schedule", "columns", "compare", "contingency",
           "efficient_frontier", "knapsack", "rank_mitigations", "rank_portfolio_mitigations",
           "risk_drivers", "trend", "select_mitigations", "select_portfolio_mitigations"]
