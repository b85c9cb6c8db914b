"""The model: what riskkit knows about a project, independent of any file format.

Readers (:mod:`riskkit.io`) build these objects; the simulation engine
(:mod:`riskkit.sim`) reads them. Every object is immutable and validated when built,
so a register or schedule from any reader, or from Python code, gets the same checks.
"""

from .branches import Branch
from .calendar import Calendar, parse_day
from .milestones import TARGET_SOURCES, KeyActivity, key_activities, target_day
from .portfolio import Portfolio, Project
from .risk import (
                   CLOSED_STATUSES,
                   REGISTER_COLUMNS,
                   SCENARIOS,
                   STRUCTURE_COLUMNS,
                   Exposure,
                   Risk,
                   RiskRegister,
                   check_scenario,
                   relocate,
)
from .schedule import (
                       ACTIVITY_KINDS,
                       ACTIVITY_STATUSES,
                       SCHEDULE_COLUMNS,
                       Activity,
                       Link,
                       Schedule,
)
from .selectors import ActivityIndex, Resolution
from .status import STATUS_KINDS, status_kind
from .uncertainty import UNCERTAINTY_COLUMNS, Uncertainty, UncertaintyRule
from .weather import Weather, WeatherRule
from .worktime import CONSTRAINT_KINDS, Constraint, SavedDates, WorkCalendar, moment

__all__ = [
    "ACTIVITY_KINDS", "ACTIVITY_STATUSES", "CLOSED_STATUSES", "CONSTRAINT_KINDS",
    "REGISTER_COLUMNS", "SCENARIOS", "SCHEDULE_COLUMNS", "STATUS_KINDS", "STRUCTURE_COLUMNS",
    "TARGET_SOURCES", "UNCERTAINTY_COLUMNS", "Activity", "ActivityIndex", "Branch", "Calendar",
    "Constraint", "Exposure", "KeyActivity", "Link", "Portfolio", "Project", "Resolution",
    "Risk", "RiskRegister", "SavedDates", "Schedule", "Uncertainty", "UncertaintyRule",
    "Weather", "WeatherRule", "WorkCalendar", "check_scenario", "key_activities", "moment",
    "parse_day", "relocate", "status_kind", "target_day",
]
