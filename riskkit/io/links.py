"""Predecessor cells: ``A; B FS+2; C SS-1; D FF``, lags in working days unless they
say otherwise (``A FS+2w``), and three-point lags ``A FS+1/2/5`` (minimum, most likely,
maximum: a triangular lag)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..distributions import Distribution, make_distribution
from ..exceptions import InputError

__all__ = ["KnownIds", "parse_link", "split_predecessors", "uncertain_lag"]

_NONE = {"", "-", "–", "—", "none", "n/a", "na", "nil"}
_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_LINK = re.compile(
    rf"\s*(FS|SS|FF|SF)?\s*(?:([+\-−])\s*{_NUMBER}(?:\s*/\s*{_NUMBER}\s*/\s*{_NUMBER})?\s*"
    r"([^\W\d_][^\W\d_.\s]*(?:\s+[^\W\d_]+)*\.?)?\??)?\s*", re.IGNORECASE)

Lags = tuple[float, ...]  # one lag, or (minimum, most likely, maximum)


def uncertain_lag(lags: Lags, problem: Callable[[str], None]) -> Distribution | None:
    """The triangular distribution of a three-point lag (None, with the problem
    reported, when it is not one)."""
    low, ml, high = lags
    try:
        return make_distribution("triangular", low, ml, high)
    except InputError as exc:
        problem(exc.problems[0].message + " (write minimum/most likely/maximum)")
        return None


def split_predecessors(text: str) -> list[str]:
    text = str(text).strip()
    if text.lower() in _NONE:
        return []
    return [t.strip() for t in re.split(r"[;,\n]", text) if t.strip()]


@dataclass(frozen=True)
class KnownIds:
    """The ids a predecessor cell may name: as written, and case-folded where the
    folded form names exactly one of them (None where it names several). Folded once
    per file, so reading the links is linear in their number."""

    exact: frozenset[str]
    folded: Mapping[str, str | None]

    @classmethod
    def of(cls, ids: set[str]) -> KnownIds:
        folded: dict[str, str | None] = {}
        for i in ids:
            key = i.casefold()
            folded[key] = None if key in folded else i
        return cls(frozenset(ids), folded)


def parse_link(item: str, ids: KnownIds) -> tuple[str, str, Lags, str | None]:
    """``(predecessor, type, lags, lag unit as written or None)`` from one predecessor
    item: ``lags`` is one lag, or three for a three-point lag.

    Ids are matched first, so ``1-2`` or ``3.1`` are ids when the schedule has them;
    otherwise the longest known id followed by an optional type and lag wins. An item
    that names no known id is split at its type and lag all the same (its id is then
    reported as unknown).
    """
    if item in ids.exact:
        return item, "FS", (0.0,), None
    unknown: tuple[str, str, Lags, str | None] | None = None
    for cut in range(len(item), 0, -1):
        head = item[:cut].strip()
        m = _LINK.fullmatch(item[cut:])
        if m is None or not head:
            continue
        ltype = (m.group(1) or "FS").upper()
        lags: Lags = tuple(float(g) for g in m.group(3, 4, 5) if g) or (0.0,)
        if m.group(2) in ("-", "−"):
            lags = tuple(-v for v in lags)[::-1] if len(lags) == 3 else (-lags[0],)
        word = m.group(6)
        known = head if head in ids.exact else ids.folded.get(head.casefold())
        if known:  # case-insensitive only where that names exactly one activity
            return known, ltype, lags, word
        unknown = (head, ltype, lags, word)  # the shortest head that leaves a valid suffix
    return unknown if unknown is not None else (item, "FS", (0.0,), None)
