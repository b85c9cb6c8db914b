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
from .analysis import rank_mitigations, risk_drivers, select_mitigations
from .correlation import Correlation, read_correlation
from .distributions import Fixed, Pert, Triangular, Uniform, make_distribution
from .engine import simulate
from .exceptions import InputError, InputWarning, OptionError, Problem, RiskkitError
from .register import RiskRegister, read_register
from .report import write_report
from .result import SimulationResult
from .schedule import Link, Schedule, read_schedule

__all__ = [
    "Correlation",
    "Fixed",
    "InputError",
    "InputWarning",
    "Link",
    "OptionError",
    "Pert",
    "Problem",
    "RiskRegister",
    "RiskkitError",
    "Schedule",
    "SimulationResult",
    "Triangular",
    "Uniform",
    "__version__",
    "make_distribution",
    "plot",
    "rank_mitigations",
    "read_correlation",
    "read_register",
    "read_schedule",
    "risk_drivers",
    "select_mitigations",
    "simulate",
    "write_report",
]
