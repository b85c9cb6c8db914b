"""Readers and writers: files as people keep them, into and out of the model.

- :mod:`.tables`, :mod:`.cells`: tables with spreadsheet row numbers; numbers,
  percentages and amounts as spreadsheets write them;
- :mod:`.xlsx`: Excel workbooks;
- :mod:`.register`, :mod:`.schedule`, :mod:`.correlation`, :mod:`.scale`,
  :mod:`.uncertainty`: the readers;
- :mod:`.xer`, :mod:`.xer_calendar`, :mod:`.xer_schedule`: Primavera P6 XER files;
  :mod:`.pmxml`: P6 XML, read as XER; :mod:`.mspdi`, :mod:`.mspdi_calendar`: MS Project
  XML; :mod:`.mpxj`: .mpp, .mpx and more through the optional MPXJ extra; :mod:`.xmltree`
  the hardened XML they parse with, :mod:`.planning` what they share;
- :mod:`.verify` (:mod:`.xer_verify`), our CPM against the dates the tool saved;
- :mod:`.snapshots`: registers of one project at successive dates;
- :mod:`.export`: files that are safe to open in Excel.

A reader only translates: the model (:mod:`riskkit.model`) checks what it builds, and
the reader maps each problem back to the file's row and column.
"""

from .correlation import read_correlation
from .escalation import parse_escalation_rate, read_escalation_index
from .planning.mspdi import read_mspdi
from .planning.pmxml import read_pmxml
from .planning.verify import DateComparison, compare_dates
from .planning.xer import XerFile, read_xer
from .portfolio import read_portfolio
from .register import read_register
from .schedule import read_schedule
from .snapshots import Snapshot, SnapshotError, read_snapshots
from .uncertainty import apply_uncertainty, parse_uncertainty, read_uncertainty
from .weather import read_weather

__all__ = ["DateComparison", "Snapshot", "SnapshotError", "XerFile", "apply_uncertainty",
           "compare_dates", "parse_escalation_rate", "parse_uncertainty",
           "read_correlation", "read_escalation_index", "read_mspdi", "read_pmxml",
           "read_portfolio", "read_register", "read_schedule", "read_snapshots",
           "read_uncertainty", "read_weather", "read_xer"]
