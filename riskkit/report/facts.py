"""What the pack states about its run, written once for the cover, the summary, the
plain-words page and the method page: the start, the calendar, the scale, and the
warnings a reader must not miss."""

from __future__ import annotations

import datetime as _dt

from ..model import RiskRegister, Schedule
from ..plot.style import date_text
from ..result import SimulationResult

__all__ = ["activity_warning", "calendar_text", "long_date", "plan_finish", "scale_text",
           "start_text"]


def long_date(day: object) -> str:
    """``Monday 4 January 2027``: a date no reader can take for another."""
    d = _dt.date.fromisoformat(str(day)[:10])
    return f"{d:%A} {d.day} {d:%B %Y}"


def start_text(res: SimulationResult) -> str:
    """When the project starts, or how finishes read without a start."""
    if res.start is None:
        return ("none given, so finishes are in working days from the start (riskkit "
                "report --start dates them)")
    return long_date(res.start)


def plan_finish(res: SimulationResult) -> str:
    """The date the plan (the base, no risks) finishes; "" without a start."""
    if res.start is None:
        return ""
    return date_text(res.calendar.finish_date(res.start, res.base_schedule))


def calendar_text(res: SimulationResult, most: int = 6) -> str:
    """The working week and the holidays of the finish dates' calendar."""
    cal = res.calendar
    week = cal.name or f"working days {cal.weekmask} (Monday first)"
    holidays = list(cal.holidays)
    if not holidays:
        return f"{week}, no holidays"
    shown = ", ".join(date_text(h) for h in holidays[:most])
    more = f" and {len(holidays) - most} more" if len(holidays) > most else ""
    return (f"{week} without {len(holidays)} holiday{'s' if len(holidays) != 1 else ''} "
            f"({shown}{more})")


def scale_text(register: RiskRegister) -> str:
    """How the register's qualitative scores were read, if it had any."""
    if register.scale:
        return (f"scores and labels (such as High or 4) read with the {register.scale}: a "
                f"probability level gives its most likely value, an impact level a "
                f"triangular range")
    return "none needed: the register gives probabilities and impacts as numbers"


def activity_warning(register: RiskRegister, schedule: Schedule | None) -> str | None:
    """The warning a pack without a schedule carries when risks name activities."""
    if schedule is not None:
        return None
    named = [r.id for r in register.active_risks if r.activities]
    if not named:
        return None
    ids = ", ".join(named[:8]) + (" …" if len(named) > 8 else "")
    return (f"No schedule was given, so the activities that {len(named)} risks name "
            f"({ids}) were ignored and each of their delays was added to the total delay. "
            f"No float absorbs them and delays to parallel work add up, so the delay "
            f"figures can overstate the effect on the finish; give the schedule "
            f"(--schedule) to place them.")
