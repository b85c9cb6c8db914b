"""riskkit: quantitative project risk analysis for PMOs.

Load a risk register, simulate its cost and schedule exposure by Monte Carlo, and read
P10/P50/P80/P90 figures and contingency from the result.

>>> import riskkit as rk
>>> reg = rk.read_register("sample_registers/office_fitout.csv")
>>> res = rk.simulate(reg, iterations=2_000, rng=42)
>>> float(res.contingency(0.8)) > 0
True
"""

from . import plot
from ._version import __version__
from .analysis import (
    Analysis,
    Change,
    Comparison,
    Contingency,
    Drivers,
    Effect,
    Frontier,
    Health,
    HealthCheck,
    MitigationSet,
    PortfolioRanking,
    PortfolioResult,
    PortfolioSelection,
    Ranking,
    Selection,
    Trend,
    analyse,
    check_register,
    check_schedule,
    compare,
    contingency,
    efficient_frontier,
    rank_mitigations,
    rank_portfolio_mitigations,
    risk_drivers,
    select_mitigations,
    select_portfolio_mitigations,
    simulate_portfolio,
    trend,
)
from .correlation import Correlation
from .distributions import (
    FAMILIES,
    Discrete,
    Fixed,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Trigen,
    Uniform,
    make_distribution,
)
from .exceptions import InputError, InputWarning, OptionError, Problem, RiskkitError
from .io.correlation import read_correlation
from .io.escalation import read_escalation_index
from .io.portfolio import read_portfolio
from .io.register import read_register
from .io.schedule import read_schedule
from .io.snapshots import Snapshot, SnapshotError, read_snapshots
from .io.uncertainty import apply_uncertainty, read_uncertainty
from .io.weather import read_weather
from .merges import MergeBias
from .model import (
    Activity,
    Branch,
    Calendar,
    Exposure,
    Link,
    Portfolio,
    Project,
    Risk,
    RiskRegister,
    Schedule,
    Uncertainty,
    Weather,
    WeatherRule,
)
from .phasing import CashFlow, Escalation
from .report import write_pack, write_report
from .report.history import write_history_pack
from .report.workbook import write_workbook
from .result import SimulationResult
from .sim import RunOptions, simulate

__all__ = [
    "CashFlow",
    "Escalation",
    "FAMILIES",
    "Activity",
    "Analysis",
    "Branch",
    "Calendar",
    "Change",
    "Comparison",
    "Contingency",
    "Correlation",
    "Discrete",
    "Drivers",
    "Effect",
    "Exposure",
    "Fixed",
    "Health",
    "HealthCheck",
    "InputError",
    "InputWarning",
    "Link",
    "Lognormal",
    "MergeBias",
    "MitigationSet",
    "Frontier",
    "Normal",
    "OptionError",
    "Pert",
    "Portfolio",
    "PortfolioRanking",
    "PortfolioResult",
    "PortfolioSelection",
    "Problem",
    "Project",
    "Ranking",
    "Risk",
    "RiskRegister",
    "RiskkitError",
    "RunOptions",
    "Schedule",
    "Selection",
    "SimulationResult",
    "Snapshot",
    "SnapshotError",
    "Trend",
    "Triangular",
    "Trigen",
    "Uncertainty",
    "Uniform",
    "Weather",
    "WeatherRule",
    "__version__",
    "analyse",
    "apply_uncertainty",
    "check_register",
    "check_schedule",
    "compare",
    "contingency",
    "efficient_frontier",
    "make_distribution",
    "plot",
    "rank_mitigations",
    "rank_portfolio_mitigations",
    "read_correlation",
    "read_escalation_index",
    "read_portfolio",
    "read_register",
    "read_schedule",
    "read_snapshots",
    "read_uncertainty",
    "read_weather",
    "risk_drivers",
    "select_mitigations",
    "select_portfolio_mitigations",
    "simulate",
    "simulate_portfolio",
    "trend",
    "write_history_pack",
    "write_pack",
    "write_report",
    "write_workbook",
]
