"""Working-day calendars: how durations in working days become dates."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import OptionError

__all__ = ["Calendar", "parse_day"]


def parse_day(value: object, name: str = "date") -> np.datetime64:
    """A date given as an ISO string, a ``date``, a ``datetime`` or a numpy date."""
    try:
        raw: Any = value.date() if isinstance(value, _dt.datetime) else value
        day = np.datetime64(raw, "D")
    except (ValueError, TypeError):
        raise OptionError(name, value, "a date such as 2027-01-04") from None
    if np.isnat(day):
        raise OptionError(name, value, "a date such as 2027-01-04")
    return day


@dataclass(frozen=True)
class Calendar:
    """Working days: a week (``weekmask``, numpy's "1111100" for Monday to Friday) and
    non-working ``holidays``.

    A duration of d working days from a start ends on working day ceil(d), counting
    the first working day on or after the start as day 1 (a one-day job finishes the
    day it starts).

    Examples
    --------
    >>> cal = Calendar(holidays=("2027-01-01",))
    >>> str(cal.finish_date("2026-12-31", 2))  # Thursday, then (New Year) Monday
    '2027-01-04'
    """

    weekmask: str = "1111100"
    holidays: tuple[np.datetime64, ...] = ()
    name: str = "Monday to Friday"

    def __post_init__(self) -> None:
        days = tuple(sorted({parse_day(h, "holidays") for h in self.holidays}))
        object.__setattr__(self, "holidays", days)
        try:
            np.busdaycalendar(weekmask=self.weekmask)
        except ValueError:
            raise OptionError("weekmask", self.weekmask, "seven 0/1 flags from Monday, such "
                              "as 1111100") from None

    @classmethod
    def of(cls, holidays: Iterable[Any] | None = None) -> Calendar:
        """Monday to Friday without ``holidays``."""
        return cls(holidays=tuple(holidays or ()))

    def _offsets(self, start: np.datetime64, days: np.ndarray) -> np.ndarray:
        holidays = list(self.holidays)
        first = np.busday_offset(start, 0, roll="forward", weekmask=self.weekmask,
                                 holidays=holidays)
        return np.busday_offset(first, days, weekmask=self.weekmask, holidays=holidays)

    def finish_dates(self, start: Any, durations: np.ndarray) -> np.ndarray:
        """The finish date of each duration (working days) from ``start``."""
        days = np.maximum(np.ceil(np.asarray(durations) - 1e-9) - 1, 0).astype(np.int64)
        return self._offsets(parse_day(start, "start"), days)

    def finish_date(self, start: Any, duration: float) -> np.datetime64:
        """The finish date of one duration (working days) from ``start``."""
        days = max(int(np.ceil(duration - 1e-9)) - 1, 0)
        day: Any = self._offsets(parse_day(start, "start"), np.array(days))[()]
        return day  # type: ignore[no-any-return]

    def working_days_through(self, start: Any, day: Any) -> int:
        """How many working days run from ``start`` to ``day``, both included: the
        largest duration whose finish date (:meth:`finish_date`) is on or before
        ``day`` (0 when ``day`` is before the first working day)."""
        holidays = list(self.holidays)
        first = np.busday_offset(parse_day(start, "start"), 0, roll="forward",
                                 weekmask=self.weekmask, holidays=holidays)
        end = parse_day(day, "date") + np.timedelta64(1, "D")
        return max(int(np.busday_count(first, end, weekmask=self.weekmask,
                                       holidays=holidays)), 0)
