"""The comparison of riskkit's CPM with a planning tool's saved dates now lives in
:mod:`riskkit.io.verify` (it reads any planning tool's file); this name stays for code
written against the first XER reader."""

from .verify import DateComparison, compare_dates

__all__ = ["DateComparison", "compare_dates"]
