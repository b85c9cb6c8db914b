"""The model: what riskkit knows about a project, independent of any file format.

Readers (:mod:`riskkit.io`) build these objects; the simulation engine
(:mod:`riskkit.sim`) reads them. Every object is immutable and validated when built,
so a register or schedule from any reader, or from Python code, gets the same checks.
"""

from .calendar import Calendar, parse_day
from .portfolio import Portfolio, Project
from .risk import (
                   CLOSED_STATUSES,
                   REGISTER_COLUMNS,
                   SCENARIOS,
                   Exposure,
                   Risk,
                   RiskRegister,
                   check_scenario,
                   relocate,
)
from .schedule import ACTIVITY_KINDS, SCHEDULE_COLUMNS, Activity, Link, Schedule
from .status import STATUS_KINDS, status_kind

__all__ = [
    "ACTIVITY_KINDS", "CLOSED_STATUSES", "REGISTER_COLUMNS", "SCENARIOS", "SCHEDULE_COLUMNS",
    "STATUS_KINDS",
    "Activity", "Calendar", "Exposure", "Link", "Portfolio", "Project", "Risk",
    "RiskRegister", "Schedule", "check_scenario", "parse_day", "relocate", "status_kind",
]
