"""Naming groups of activities: by id, WBS, activity code or calendar.

A risk's ``activities`` cell and the rules of an uncertainty file name activities in
the words of the planning tool. One :class:`ActivityIndex` per schedule answers them
all, and :meth:`ActivityIndex.resolve` is the one reading of a list of names:

=======================  ==========================================================
``A1020``                the activity with that id (as today)
``id:A1020``             the same, said explicitly (never read as a WBS code)
``WBS:PRJ.2``            every activity whose WBS path is ``PRJ.2`` or lies under it
``PRJ.2.*``              the same (a WBS path followed by a separator and ``*``)
``PRJ.2``                the same, when no activity has that id
``code:Area=North``      every activity whose activity code ``Area`` is ``North``
``A10*``, ``PRJ.*.DES``  a pattern (``*`` any text, ``?`` one character): the
                         activities whose id matches, and those whose WBS path or a
                         WBS node above it matches
=======================  ==========================================================

The prefixes ``id:``, ``WBS:`` and ``code:`` are read in any case. WBS paths, code
types and values are compared ignoring case; ids exactly (as predecessors are). A WBS
path is cut into nodes at ``.``, ``/``, ``\\`` and ``|`` (P6 joins its WBS short names
with the project's separator, ``.`` by default): ``PRJ.2`` is above ``PRJ.2.1`` but not
above ``PRJ.20``. A name that is an activity's id and also a WBS code means the
activity; the resolution says so (``notes``), with ``WBS:`` to name the WBS instead.
A name that names no activity is returned in ``unknown``: the caller reports it where
the user wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

__all__ = ["WBS_SEPARATORS", "ActivityIndex", "Resolution", "wbs_nodes", "wbs_path"]

#: The characters that separate the levels of a WBS path.
WBS_SEPARATORS = "./\\|"
_SPLIT = re.compile("[" + re.escape(WBS_SEPARATORS) + "]")
_PREFIX = re.compile(r"\s*(id|wbs|code)\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)


def wbs_path(text: str) -> str:
    """A WBS path as written in a name or a rule, folded for matching: case folded,
    spaces around its separators and a trailing ``.*`` (or separator) dropped.

    >>> wbs_path(" PRJ.2.* "), wbs_path("prj / 2 /")
    ('prj.2', 'prj/2')
    """
    text = str(text).strip()
    if text.endswith("*") and len(text) > 1 and text[-2] in WBS_SEPARATORS:
        text = text[:-2]
    text = re.sub(r"\s*([" + re.escape(WBS_SEPARATORS) + r"])\s*", r"\1", text)
    return text.rstrip(WBS_SEPARATORS).casefold()


def wbs_nodes(path: str) -> list[str]:
    """The nodes of a (folded) WBS path from the top down, each as its whole path.

    >>> wbs_nodes("prj.2.1")
    ['prj', 'prj.2', 'prj.2.1']
    """
    ends = [m.start() for m in _SPLIT.finditer(path)]
    return [path[:e] for e in ends if e] + ([path] if path else [])


@dataclass(frozen=True)
class Resolution:
    """What a list of names resolved to: activity ids (in the order the names give
    them, each once), the names that name no activity, and notes for the user (a name
    that is an id and a WBS code)."""

    ids: tuple[str, ...]
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


class ActivityIndex:
    """The activities of a schedule by id, WBS node, activity code and calendar name,
    built once per schedule (:meth:`riskkit.Schedule.resolve` uses it)."""

    def __init__(self, activities: Sequence[Any], calendar_name: str | None = None):
        self.ids: tuple[str, ...] = tuple(a.id for a in activities)
        self.positions = {a: i for i, a in enumerate(self.ids)}
        self.paths: list[str] = [wbs_path(a.wbs) if a.wbs else "" for a in activities]
        self.nodes: dict[str, list[int]] = {}
        for i, path in enumerate(self.paths):
            for node in wbs_nodes(path):
                self.nodes.setdefault(node, []).append(i)
        self.codes: dict[tuple[str, str], list[int]] = {}
        for i, a in enumerate(activities):
            for kind, value in a.codes:
                key = (kind.strip().casefold(), value.strip().casefold())
                self.codes.setdefault(key, []).append(i)
        self.code_types = sorted({k for k, _ in self.codes})
        self.calendars: list[str] = [
            (a.calendar.name if a.calendar is not None else calendar_name or "").strip()
            .casefold() for a in activities]

    # -- the groups -----------------------------------------------------------------
    def under(self, path: str) -> list[int]:
        """Positions of the activities at or under the WBS ``path`` (as written)."""
        return self.nodes.get(wbs_path(path), [])

    def with_code(self, kind: str, value: str) -> list[int]:
        """Positions of the activities whose code ``kind`` has ``value``."""
        return self.codes.get((kind.strip().casefold(), value.strip().casefold()), [])

    def on_calendar(self, name: str) -> list[int]:
        key = name.strip().casefold()
        return [i for i, c in enumerate(self.calendars) if c == key]

    def matching(self, pattern: str) -> list[int]:
        """Positions of the activities whose id, WBS path or a WBS node above it
        matches ``pattern`` (``*``, ``?``; WBS ignoring case)."""
        folded = pattern.strip().casefold()
        stem = wbs_path(pattern)
        nodes = [n for n in self.nodes if fnmatchcase(n, folded) or
                 (stem != folded and fnmatchcase(n, stem))]
        hits = {i for n in nodes for i in self.nodes[n]}
        hits.update(i for i, a in enumerate(self.ids) if fnmatchcase(a, pattern.strip()))
        return sorted(hits)

    # -- one list of names ----------------------------------------------------------
    def resolve(self, names: Iterable[str]) -> Resolution:
        """The activities ``names`` name (see the module's table)."""
        found: dict[int, None] = {}
        unknown: list[str] = []
        notes: list[str] = []
        for name in names:
            hits, note = self._one(str(name))
            if note:
                notes.append(note)
            if not hits:
                unknown.append(str(name))
            found.update(dict.fromkeys(hits))
        return Resolution(tuple(self.ids[i] for i in found), tuple(unknown), tuple(notes))

    def _one(self, name: str) -> tuple[list[int], str | None]:
        text = name.strip()
        if text in self.positions:
            under = self.under(text)
            if under and under != [self.positions[text]]:
                return [self.positions[text]], (
                    f"{text!r} is an activity id and also a WBS code (of {len(under):,} "
                    f"activities): the activity {text} is meant; write 'WBS:{text}' for "
                    f"the WBS")
            return [self.positions[text]], None
        prefixed = _PREFIX.fullmatch(text)
        if prefixed:
            kind, rest = prefixed.group(1).lower(), prefixed.group(2).strip()
            if kind == "id":
                return ([self.positions[rest]] if rest in self.positions else []), None
            if kind == "wbs":
                if any(c in rest for c in "*?["):
                    return self.matching(rest), None
                return self.under(rest), None
            code_type, sep, value = rest.partition("=")
            return (self.with_code(code_type, value) if sep else []), None
        if any(c in text for c in "*?["):
            return self.matching(text), None
        return self.under(text), None

    def describe_unknown(self, name: str) -> str:
        """A hint for a name that names no activity."""
        prefixed = _PREFIX.fullmatch(name.strip())
        if prefixed and prefixed.group(1).lower() == "code":
            types = ", ".join(self.code_types[:8]) or "none in this schedule"
            if "=" not in prefixed.group(2):
                return f"write code:TYPE=VALUE, e.g. code:Area=North (code types: {types})"
            return f"no activity has that code value (code types: {types})"
        if prefixed and prefixed.group(1).lower() == "wbs":
            tops = sorted({n for n in self.nodes if not _SPLIT.search(n)})[:5]
            return ("no activity lies under that WBS path"
                    + (f" (WBS starts: {', '.join(tops)})" if tops else
                       " (the schedule gives no WBS)"))
        return ("names are activity ids, WBS:PATH (or PATH.*), code:TYPE=VALUE or a pattern "
                "such as A10*")
