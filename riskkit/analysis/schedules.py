"""What changed between two schedules of a project, as far as a simulation reads them:
the change of kind "schedule" in :func:`riskkit.compare`."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ..model import Schedule

__all__ = ["schedule_change"]


def schedule_change(old: Schedule | None, new: Schedule | None) -> str | None:
    """What changed between two schedules that a simulation reads, in a line ("2
    activities re-estimated (A05, A14); 1 added (A40); links changed"), or None when
    they read the same (names, WBS, codes and resources are not read; nor the source)."""
    if old is None or new is None:
        return None if old is new else "schedule " + ("added" if old is None else "removed")
    a = {x.id: x for x in old.activities}
    b = {x.id: x for x in new.activities}
    parts = []

    def ids(found: list[str]) -> str:
        shown = ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4
                                        else "")
        return f"({shown})"

    added = [i for i in b if i not in a]
    removed = [i for i in a if i not in b]
    edited = [i for i in b if i in a and _activity_key(a[i]) != _activity_key(b[i])]
    if edited:
        parts.append(f"{len(edited)} activit{'y' if len(edited) == 1 else 'ies'} "
                     f"re-estimated {ids(edited)}")
    if added:
        parts.append(f"{len(added)} added {ids(added)}")
    if removed:
        parts.append(f"{len(removed)} removed {ids(removed)}")
    if sorted(map(_link_key, old.links)) != sorted(map(_link_key, new.links)):
        parts.append("links changed")
    for name in ("calendar", "start", "data_date", "must_finish_by", "project"):
        if not _same(getattr(old, name), getattr(new, name)):
            parts.append(f"{name.replace('_', ' ')} changed")
    return "schedule: " + "; ".join(parts) if parts else None


#: The fields of an activity a simulation does not read.
_UNREAD = frozenset({"id", "name", "row", "wbs", "codes", "resources", "saved", "calendar"})


def _activity_key(a: Any) -> tuple:
    return (*(_key(getattr(a, f.name)) for f in dataclasses.fields(a)
              if f.name not in _UNREAD), _calendar_key(a.calendar))


def _link_key(link: Any) -> tuple:
    return (link.predecessor, link.successor, link.type, float(link.lag),
            _calendar_key(link.lag_calendar))


def _calendar_key(cal: Any) -> Any:
    if cal is None:
        return None
    return (cal.hours_per_day, cal.week, tuple(sorted(dict(cal.exceptions).items())),
            cal.kind)


def _key(value: Any) -> Any:
    """A value that compares equal to another of the same content: NaN equal to NaN,
    NaT to NaT."""
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    if isinstance(value, np.datetime64) and np.isnat(value):
        return ("nat",)
    if isinstance(value, tuple):
        return tuple(_key(v) for v in value)
    return value


def _same(a: Any, b: Any) -> bool:
    return bool(_key(a) == _key(b))
