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
from .facts import activity_warning
from .health import health_pages
from .layout import check_folder, now, page, save
from .meaning import glossary_blocks, meaning_pages
from .method import method_pages
from .pages import (
    cash_flow_page,
    contingency_page,
    curves_page,
    drivers_page,
    frontier_page,
    heat_pages,
    milestones_page,
    mitigation_page,
    schedule_page,
    sensitivity_page,
)
from .risks import risk_table_page
from .summary import cover, summary_page

__all__ = ["pack_pages", "pack_title", "write_charts", "write_pack", "write_report"]


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
    template: str | os.PathLike[str] | None = None,
    **run: Any,
) -> Path:
    """Write the steering-committee PDF pack and return its path; a ``path`` ending in
    ``.pptx`` gets the same pages as 16:9 slides (:mod:`riskkit.report.slides`, the
    ``pptx`` extra), laid out on the ``template``'s layouts and theme if one is given.

    Two forms: ``write_report(analysis, path)`` presents the results of
    :func:`riskkit.analyse` (nothing is simulated); ``write_report(path, register,
    schedule, iterations=..., rng=..., ...)`` runs :func:`riskkit.analyse` first, with
    ``options`` or the keyword arguments of :class:`riskkit.RunOptions`, ``start``,
    ``holidays`` and ``value_per_day``.

    Pages (:func:`pack_pages`): cover (files, start, calendar, scale, currency, run);
    executive summary (P10-P90 cost and finish, contingency at P80, how often the plan
    is met, top five risks, top five mitigations by value); what the results mean, in
    plain words; cost and schedule S-curves before and after mitigation; risk drivers
    (opportunities as savings); mitigation value; cost and schedule heat maps before
    and after (opportunities apart); the frontier of mitigation spend; the contingency
    split; joint confidence and criticality (with a schedule); the dates of the
    milestones and deadlines and the chance of meeting them (with milestones or a
    must-finish-by date); the cash flow by month (with a schedule that has costs;
    escalated too with ``escalation=``, an annual rate or an :class:`riskkit.Escalation`);
    the top-20 risk table; the schedule's health (with a
    schedule) and the register's hygiene; assumptions and method, and a glossary.

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
        return write_pack(path, register, title=title, currency=currency, template=template)
    if not isinstance(register, RiskRegister):
        raise OptionError("register", type(register).__name__,
                          "a RiskRegister from riskkit.read_register")
    check_folder(Path(path))
    run.setdefault("activity_detail", schedule is not None)
    analysis = analyse(register, schedule, options=options, start=start, holidays=holidays,
                       value_per_day=value_per_day, **run)
    return write_pack(analysis, path, title=title, currency=currency, template=template)


def write_pack(analysis: Analysis, path: str | os.PathLike[str], *, title: str | None = None,
               currency: str | None = None,
               template: str | os.PathLike[str] | None = None) -> Path:
    """Write the pack of ``analysis`` (from :func:`riskkit.analyse`) to ``path``, a PDF
    or, ending in ``.pptx``, slides (on the ``template``'s layouts): it only draws what
    the analysis holds."""
    path = Path(path)
    check_folder(path)
    if path.suffix.lower() == ".pptx":
        from .slides import write_slides

        return write_slides(analysis, path, title=title, currency=currency,
                            template=template)
    if template is not None:
        raise OptionError("template", os.fspath(template),
                          "a slide template only for a .pptx pack")
    name = pack_title(analysis, title)
    when = now()
    pages = pack_pages(analysis, title=title, currency=currency, when=when)
    metadata = {"Title": name, "Author": "riskkit", "Subject": "Quantitative risk analysis",
                "Creator": f"riskkit {__version__}", "Producer": f"riskkit {__version__}",
                "CreationDate": when, "Keywords": "risk; Monte Carlo; contingency"}
    save(path, pages, metadata)
    return path


def pack_title(analysis: Analysis, title: str | None = None) -> str:
    """The pack's title: ``title``, or one made from the register's file name."""
    stem = Path(analysis.register.source).stem.replace("_", " ")
    return title or f"Quantitative risk analysis: {stem}"


def pack_pages(analysis: Analysis, *, title: str | None = None, currency: str | None = None,
               when: Any = None) -> list[Figure]:
    """The pages of the pack of ``analysis`` as matplotlib Figures, in order, before
    their layout (:func:`riskkit.report.layout.lay_out` fits each to its page, as
    :func:`write_pack` does): to look at, or to test.

    Cover; executive summary; what the results mean; S-curves
    before and after mitigation; risk drivers; mitigation value; heat maps of cost and
    of schedule before and after mitigation; the frontier of mitigation spend; the
    contingency split; joint confidence and criticality (with a schedule); milestones
    and deadlines (with milestones or a must-finish-by date); the cash flow (with a
    costed schedule); the top-20 risk table;
    the schedule's health (with a schedule) and the register's hygiene; assumptions
    and method, and the glossary.
    """
    register, schedule = analysis.register, analysis.schedule
    res, after, drivers, ranking = (analysis.current, analysis.mitigated, analysis.drivers,
                                    analysis.ranking)
    cur = currency if currency is not None else currency_symbol(register.currency)
    name = pack_title(analysis, title)
    footer = (f"{name} · riskkit {__version__} · {res.iterations:,} iterations · "
              f"seed {res.seed}")
    warning = activity_warning(register, schedule)
    pages: list[Figure] = [
        cover(name, register, schedule, res, now() if when is None else when, cur),
        summary_page(res, after, drivers, ranking, cur, footer, warning),
        *meaning_pages(analysis, cur, footer),
        curves_page(res, after, cur, footer, waterfalls=analysis.contingency is None),
        drivers_page(drivers, res, cur, footer),
    ]
    if ranking is not None:
        pages.append(mitigation_page(ranking, cur, footer))
    pages += heat_pages(register, cur, footer)
    if analysis.frontier is not None:
        pages.append(frontier_page(analysis.frontier, res, cur, footer))
    if analysis.contingency is not None:
        pages.append(contingency_page(analysis.contingency, res, cur, footer))
    if schedule is not None:
        pages.append(schedule_page(res, schedule, cur, footer))
        if res.activity_finishes.shape[0]:
            pages.append(sensitivity_page(res, footer))
        if res.key_activities or res.deadline is not None:
            pages.append(milestones_page(res, after, footer))
        if analysis.cash_flow is not None:
            pages.append(cash_flow_page(analysis.cash_flow, analysis.escalated_cash_flow,
                                        cur, footer))
    pages.append(risk_table_page(register, drivers, cur, footer))
    if analysis.health is not None:
        pages += health_pages(analysis.health, footer)
    pages += method_pages(register, schedule, res, cur, footer, analysis.value_per_day,
                          glossary_blocks())
    return pages


def write_charts(path: str | os.PathLike[str], result: SimulationResult, *,
                 currency: str | None = None, schedule: Schedule | None = None) -> Path:
    """Write the charts of one simulation to a PDF (``riskkit simulate --pdf``); with
    the ``schedule`` it ran, its milestones are left out of the most critical
    activities, as in the pack."""
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
        pages.append(schedule_page(result, schedule, currency, footer))
    metadata = {"Title": f"riskkit charts: {result.source}", "Creator": f"riskkit {__version__}",
                "CreationDate": now()}
    save(path, pages, metadata)
    return path
