"""The steering-committee PDF pack: ``write_report``.

Pages are drawn on plain ``matplotlib.figure.Figure`` objects (no pyplot), A4
landscape, and saved through ``PdfPages``. With ``SOURCE_DATE_EPOCH`` set, the date on
the cover and in the metadata comes from it, and identical inputs give identical bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from .. import plot
from .._format import currency_symbol
from .._version import __version__
from ..analysis import Analysis, analyse
from ..exceptions import OptionError
from ..model import RiskRegister, Schedule
from ..result import SimulationResult
from ..sim import RunOptions
from .layout import check_folder, now, page, save
from .method import method_page
from .pages import (
    contingency_page,
    curves_page,
    drivers_page,
    frontier_page,
    mitigation_page,
    schedule_page,
)
from .risks import risk_table_page
from .summary import cover, summary_page

__all__ = ["write_charts", "write_pack", "write_report"]


def write_report(
    path: str | os.PathLike[str] | Analysis,
    register: RiskRegister | str | os.PathLike[str] | None = None,
    schedule: Schedule | None = None,
    *,
    title: str | None = None,
    currency: str | None = None,
    options: RunOptions | None = None,
    start: Any = None,
    holidays: Any = None,
    value_per_day: float | None = None,
    **run: Any,
) -> Path:
    """Write the steering-committee PDF pack and return its path.

    Two forms: ``write_report(analysis, path)`` presents the results of
    :func:`riskkit.analyse` (nothing is simulated); ``write_report(path, register,
    schedule, iterations=..., rng=..., ...)`` runs :func:`riskkit.analyse` first, with
    ``options`` or the keyword arguments of :class:`riskkit.RunOptions`, ``start``,
    ``holidays`` and ``value_per_day``.

    Pages: cover; executive summary (P10-P90 cost and finish, contingency at P80, the
    probability of meeting the base cost and date, top five risks, top five mitigations
    by value); cost and schedule S-curves before and after mitigation; contingency;
    risk drivers; mitigation value; heat maps before and after; joint confidence and
    criticality (with a schedule); the top-20 risk table; assumptions and method.

    Examples
    --------
    >>> import riskkit as rk, tempfile, os
    >>> reg = rk.read_register("sample_registers/office_fitout.csv")
    >>> out = rk.write_report(os.path.join(tempfile.mkdtemp(), "pack.pdf"), reg,
    ...                       iterations=2_000, rng=1)
    >>> out.suffix
    '.pdf'
    """
    if isinstance(path, Analysis):
        if register is None or isinstance(register, RiskRegister):
            raise OptionError("path", register, "the PDF to write, after the analysis")
        return write_pack(path, register, title=title, currency=currency)
    if not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    check_folder(Path(path))
    analysis = analyse(register, schedule, options=options, start=start, holidays=holidays,
                       value_per_day=value_per_day, **run)
    return write_pack(analysis, path, title=title, currency=currency)


def write_pack(analysis: Analysis, path: str | os.PathLike[str], *, title: str | None = None,
               currency: str | None = None) -> Path:
    """Write the pack of ``analysis`` (from :func:`riskkit.analyse`) to ``path``: it
    only draws what the analysis holds."""
    path = Path(path)
    check_folder(path)
    register, schedule = analysis.register, analysis.schedule
    res, after, drivers, ranking = (analysis.current, analysis.mitigated, analysis.drivers,
                                    analysis.ranking)
    cur = currency if currency is not None else currency_symbol(register.currency)
    name = title or f"Quantitative risk analysis: {Path(register.source).stem.replace('_', ' ')}"
    when = now()
    footer = (f"{name} · riskkit {__version__} · {res.iterations:,} iterations · "
              f"seed {res.seed}")
    pages: list[Figure] = [
        cover(name, register, schedule, res, when),
        summary_page(res, after, drivers, ranking, cur, footer),
        curves_page(res, after, cur, footer),
    ]
    pages.append(drivers_page(drivers, res, cur, footer))
    if ranking is not None:
        pages.append(mitigation_page(ranking, register, cur, footer))
    if analysis.frontier is not None:
        pages.append(frontier_page(analysis.frontier, res, cur, footer))
    if analysis.contingency is not None:
        pages.append(contingency_page(analysis.contingency, res, cur, footer))
    if schedule is not None:
        pages.append(schedule_page(res, schedule, cur, footer))
    pages.append(risk_table_page(register, drivers, cur, footer))
    pages.append(method_page(register, schedule, res, cur, footer, analysis.value_per_day))
    metadata = {"Title": name, "Author": "riskkit", "Subject": "Quantitative risk analysis",
                "Creator": f"riskkit {__version__}", "Producer": f"riskkit {__version__}",
                "CreationDate": when, "Keywords": "risk; Monte Carlo; contingency"}
    save(path, pages, metadata)
    return path


def write_charts(path: str | os.PathLike[str], result: SimulationResult, *,
                 currency: str | None = None) -> Path:
    """Write the charts of one simulation to a PDF (``riskkit simulate --pdf``)."""
    path = Path(path)
    check_folder(path)
    footer = (f"{result.source} · riskkit {__version__} · {result.iterations:,} iterations · "
              f"seed {result.seed}")
    pages = []
    fig = page("Cost", footer)
    axes = fig.subplots(1, 2)
    plot.s_curve(result, "cost", ax=axes[0], currency=currency)
    plot.histogram(result, "cost", ax=axes[1], currency=currency)
    pages.append(fig)
    fig = page("Schedule" if result.has_schedule else "Delay", footer)
    axes = fig.subplots(1, 2)
    plot.s_curve(result, "schedule", ax=axes[0])
    plot.histogram(result, "schedule", ax=axes[1])
    pages.append(fig)
    if result.has_schedule:
        pages.append(schedule_page(result, None, currency, footer))
    metadata = {"Title": f"riskkit charts: {result.source}", "Creator": f"riskkit {__version__}",
                "CreationDate": now()}
    save(path, pages, metadata)
    return path
