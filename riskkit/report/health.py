"""The pack's health pages: the schedule's (the DCMA 14-point assessment and more) and
the register's hygiene, as tables of what :func:`riskkit.check_schedule` and
:func:`riskkit.check_register` found."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..analysis import Health
from .layout import draw_table, page

__all__ = ["health_pages"]

_TITLES = {
    "schedule": "Is the schedule fit for a risk analysis? (DCMA 14-point assessment)",
    "register": "Is the register kept up? Register hygiene",
}
_HEADER = ["check", "what is measured", "value", "threshold", "result", "flagged"]
_WIDTHS = [0.13, 0.41, 0.07, 0.08, 0.06, 0.25]


def health_pages(health: Health, footer: str) -> list[Figure]:
    """A page per subject checked (the schedule, the register): each check's value
    against its threshold, pass / FAIL / n/a, and the first ids it flags (or why it
    could not be computed)."""
    pages = []
    for subject, title in _TITLES.items():
        part = health.of(subject)
        if not len(part):
            continue
        fig = page(title, footer)
        ax = fig.add_subplot()
        rows = [[c.name.replace("_", " "), c.metric, c.value_text, c.threshold_text, c.status,
                 "; ".join(x for x in (c.ids_text(4), c.note) if x) if c.ids else c.note]
                for c in part]
        draw_table(ax, rows, _HEADER, _WIDTHS, fontsize=7.5, lines=3)
        cells = ax.tables[-1].get_celld()
        for r, c in enumerate(part, start=1):  # a failing check stands out, in greyscale too
            if c.failed:
                cells[r, 4].set_facecolor("#f6d5cf")
                cells[r, 4].get_text().set_fontweight("bold")
            elif not c.applicable:
                cells[r, 4].get_text().set_color("0.45")
        failing = ", ".join(c.name.replace("_", " ") for c in part.failed)
        ax.set_title(f"{part.counts()}" + (f": failing {failing}" if failing else "")
                     + ". n/a: the file lacks what the check needs (never a pass).",
                     loc="left", fontsize=9)
        pages.append(fig)
    return pages
