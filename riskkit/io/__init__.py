"""Readers and writers: files as people keep them, into and out of the model.

- :mod:`.tables`, :mod:`.cells`: tables with spreadsheet row numbers; numbers,
  percentages and amounts as spreadsheets write them;
- :mod:`.xlsx`: Excel workbooks;
- :mod:`.register`, :mod:`.schedule`, :mod:`.correlation`, :mod:`.scale`,
  :mod:`.uncertainty`: the readers;
- :mod:`.xer`, :mod:`.xer_calendar`, :mod:`.xer_schedule`: Primavera P6 XER files, and
  :mod:`.xer_verify`, our CPM against the dates P6 saved;
- :mod:`.export`: files that are safe to open in Excel.

A reader only translates: the model (:mod:`riskkit.model`) checks what it builds, and
the reader maps each problem back to the file's row and column.
"""

from .correlation import read_correlation
from .register import read_register
from .schedule import read_schedule
from .uncertainty import apply_uncertainty, parse_uncertainty, read_uncertainty
from .xer import XerFile, read_xer
from .xer_verify import DateComparison, compare_dates

__all__ = ["DateComparison", "XerFile", "apply_uncertainty", "compare_dates",
           "parse_uncertainty", "read_correlation", "read_register", "read_schedule",
           "read_uncertainty", "read_xer"]
