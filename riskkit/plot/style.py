"""What every chart shares: the palette, line styles, number formats and axis labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from .._format import compact, days, money
from ..result import SimulationResult

__all__ = ["LINESTYLES", "MARKERS", "PALETTE", "PERCENTILES", "as_results", "axis_formatter",
           "metric_label", "new_axes", "value_text"]

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000")
LINESTYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v")
#: the percentiles charts mark
PERCENTILES = (0.1, 0.5, 0.8, 0.9)


def new_axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt  # only when the caller wants a new figure

        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def value_text(value: float, metric: str, currency: str | None) -> str:
    return money(value, currency) if metric == "cost" else f"{value:,.1f} d"


def axis_formatter(metric: str, currency: str | None) -> FuncFormatter:
    if metric == "cost":
        return FuncFormatter(lambda x, _: compact(x, currency))
    return FuncFormatter(lambda x, _: days(x))


def metric_label(metric: str, currency: str | None, has_schedule: bool = True) -> str:
    if metric == "cost":
        return f"cost ({currency.strip()})" if currency else "cost"
    return "project duration (working days)" if has_schedule else "total delay (working days)"


def as_results(results: Any) -> list[tuple[str, SimulationResult]]:
    if isinstance(results, SimulationResult):
        return [(results.scenario, results)]
    if isinstance(results, Mapping):
        return list(results.items())
    return [(r.scenario, r) for r in results]
