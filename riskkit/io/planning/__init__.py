"""Schedules from planning tools: Primavera P6 (XER, PMXML), MS Project (MSPDI XML) and,
through MPXJ, .mpp/.mpx and the rest; the dates those tools saved, compared with ours.

The readers only translate a tool's file into the model's `Activity`, `Link` and
`WorkCalendar` objects; `riskkit.io.schedule.read_schedule` picks the reader by content.
"""

from .mspdi import read_mspdi
from .pmxml import read_pmxml
from .verify import DateComparison, compare_dates
from .xer import XerFile, read_xer

__all__ = ["DateComparison", "XerFile", "compare_dates", "read_mspdi", "read_pmxml", "read_xer"]
