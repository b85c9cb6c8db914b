"""Summary rows of a schedule file: project, phase and WBS rows that are not work.

A summary row loaded as an activity runs in parallel with the work it sums and
lengthens the result, so the schedule reader leaves it out, with a warning naming it.
A row is a summary when

- its ``Summary`` cell says yes (``riskkit/io/words/schedule_rows.json``);
- an ``Outline Level`` column puts the next row below it;
- its WBS code (a ``WBS`` column, or ids numbered ``1`` / ``1.1`` / ``1.1.1``) has
  codes under it;
- every duration cell it has is a dash (``—``), or its id or name is a total word.

Links to or from a summary whose activities are known (outline or WBS) move to the
activities under it; other links to a summary are errors naming it. The reader also
leaves out a row that no link touches whose duration equals the span of the linked
activities, or, first or last, the sum of the others (:func:`spanning_rows`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..exceptions import Problem
from ..model import Link
from ..words import read_words
from .units import fold_unit

__all__ = ["Outline", "RowFacts", "find_summaries", "is_dash", "spanning_rows", "yes_no"]


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    data = read_words("schedule_rows")
    return {k: frozenset(fold_unit(w) for w in v) for k, v in data.items()}


def is_dash(text: str) -> bool:
    """A duration cell that says "no duration of its own" (``—``, ``-``)."""
    return str(text).strip() in _words()["dashes"]


@dataclass(frozen=True)
class RowFacts:
    """What the summary rules read from one row of the file."""

    row: int
    id: str
    name: str = ""
    wbs: str = ""
    level: str = ""
    flag: str = ""
    durations: tuple[str, ...] = ()


@dataclass
class Outline:
    """The summary rows found: a reason per position, and the positions under each
    summary (None when the file does not say which rows are under it)."""

    reasons: dict[int, str] = field(default_factory=dict)
    children: dict[int, list[int] | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: rows a Summary column says are work (never taken for summaries)
    keep: set[int] = field(default_factory=set)
    _under: dict[int, set[int]] = field(default_factory=dict, repr=False)

    def rewrite(self, links: Sequence[Link], position: dict[str, int], ids: Sequence[str],
                src: str, column: str) -> tuple[list[Link], list[Problem], int]:
        """Links with summaries replaced by the activities under them; the problems of
        links to summaries whose activities are unknown; how many links were dropped
        because they joined a summary to its own activities."""
        out: list[Link] = []
        problems: list[Problem] = []
        dropped = 0
        seen: set[tuple[str, str, str, float]] = set()
        for lk in links:
            ip, js = position.get(lk.predecessor), position.get(lk.successor)
            if ip not in self.reasons and js not in self.reasons:
                out.append(lk)  # an activity's own link (a self-link is the model's error)
                continue
            if self._contains(ip, js) or self._contains(js, ip):
                dropped += 1  # a summary and an activity under it
                continue
            preds = self._ends(lk.predecessor, position, ids)
            succs = self._ends(lk.successor, position, ids)
            for end, side in ((preds, lk.predecessor), (succs, lk.successor)):
                if end is None:
                    i = position[side]
                    if side == lk.predecessor:
                        text = (f"activity {lk.successor} lists predecessor {side!r}, a "
                                f"summary row ({self.reasons[i]}) left out of the network")
                    else:
                        text = (f"summary row {side!r} ({self.reasons[i]}) has predecessors, "
                                "but the file does not say which activities are under it")
                    problems.append(Problem(
                        text, source=src, row=lk.row, column=column,
                        hint="link the activities under it instead, or give an Outline "
                             "Level or WBS column that says which they are"))
            if preds is None or succs is None:
                continue
            for p in preds:
                for s in succs:
                    key = (p, s, lk.type, lk.lag)
                    if p != s and key not in seen:
                        seen.add(key)
                        out.append(Link(p, s, lk.type, lk.lag, lk.row))
        return out, problems, dropped

    def _ends(self, activity: str, position: dict[str, int], ids: Sequence[str]
              ) -> list[str] | None:
        i = position.get(activity)
        if i is None or i not in self.reasons:
            return [activity]
        under = self.children.get(i)
        if under is None:
            return None
        return [ids[j] for j in under if j not in self.reasons]

    def _contains(self, summary: int | None, other: int | None) -> bool:
        if summary is None or other is None or not self.children.get(summary):
            return False
        if summary not in self._under:
            self._under[summary] = set(self.children[summary] or ())
        return other in self._under[summary]


def yes_no(text: str) -> bool | None:
    """True or False for a cell that says yes or no (in the words of
    ``words/schedule_rows.json``), None for any other text."""
    word = fold_unit(text)
    if word in _words()["yes"]:
        return True
    if word in _words()["no"]:
        return False
    return None


def _code(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).rstrip(".").casefold()


_WBS_ID = re.compile(r"\d+(\.\d+)*\.?")


def find_summaries(facts: Sequence[RowFacts], src: str, written: dict[str, str]) -> Outline:
    """The summary rows of a file, by the rules in the module docstring."""
    out = Outline()
    n = len(facts)
    flags: list[bool | None] = [None] * n
    if "summary" in written:
        read = [yes_no(f.flag) if f.flag.strip() else None for f in facts]
        other = sum(1 for f, v in zip(facts, read) if v is None and f.flag.strip())
        if other:
            out.notes.append(
                f"{src}: column {written['summary']!r} was not used: {other} of its cells "
                f"are not yes or no (it should say which rows are summaries)")
        else:
            flags = read
            out.keep = {i for i, v in enumerate(read) if v is False}
    levels: list[int | None] = [None] * n
    if "outline_level" in written:
        parsed: list[int | None] = []
        for f in facts:
            text = f.level.strip()
            parsed.append(int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else None)
        bad = sum(1 for f, v in zip(facts, parsed) if v is None and f.level.strip())
        if bad:
            out.notes.append(f"{src}: column {written['outline_level']!r} was not used: "
                             f"{bad} of its cells are not whole numbers (outline levels)")
        else:
            levels = parsed
    for i, level in enumerate(levels):
        if level is None or flags[i] is False:
            continue
        under: list[int] = []
        for j in range(i + 1, n):
            if levels[j] is None or levels[j] <= level:  # type: ignore[operator]
                break
            under.append(j)
        if under:
            out.reasons[i] = (f"outline level {level}, with {len(under)} "
                              f"{'row' if len(under) == 1 else 'rows'} under it")
            out.children[i] = under
    codes = [_code(f.wbs) for f in facts] if "wbs" in written else None
    if codes is None:
        ids = [f.id for f in facts if f.id]
        if ids and all(_WBS_ID.fullmatch(i) for i in ids) and any("." in i for i in ids):
            codes = [_code(f.id) for f in facts]
    if codes is not None:
        below: dict[str, list[int]] = {}  # a code -> the rows whose codes extend it
        for j, c in enumerate(codes):
            parts = c.split(".")
            for k in range(1, len(parts)):
                below.setdefault(".".join(parts[:k]), []).append(j)
        for i, code in enumerate(codes):
            if not code or i in out.reasons or flags[i] is False or code not in below:
                continue
            under = below[code]
            out.reasons[i] = (f"WBS {facts[i].wbs or facts[i].id}, with {len(under)} "
                              f"{'row' if len(under) == 1 else 'rows'} under it")
            out.children[i] = under
    totals = _words()["totals"]
    for i, f in enumerate(facts):
        if i in out.reasons or flags[i] is False:
            continue
        if not f.id:
            out.reasons[i] = "a heading: a name without an id, a duration or predecessors"
        elif flags[i]:
            out.reasons[i] = f"its {written['summary']!r} cell says {f.flag.strip()!r}"
        elif f.durations and any(is_dash(d) for d in f.durations) and all(
                is_dash(d) or not d.strip() for d in f.durations):
            out.reasons[i] = "its duration is " + repr(next(d for d in f.durations
                                                            if is_dash(d)))
        elif fold_unit(f.id) in totals or (f.name and fold_unit(f.name) in totals):
            out.reasons[i] = "a total row"
        else:
            continue
        out.children.setdefault(i, None)
    return out


def spanning_rows(ids: Sequence[str], most_likely: Sequence[float],
                  early_finish: Sequence[float], links: Sequence[Link],
                  keep: set[int]) -> dict[int, str]:
    """Rows that no link touches whose duration equals the span of the linked
    activities, or (the first or last row, with three others at least) the sum of all
    the others: summaries written without an outline. ``keep`` are rows a Summary column
    says are work."""
    linked = {lk.predecessor for lk in links} | {lk.successor for lk in links}
    n = len(ids)
    found: dict[int, str] = {}
    if n < 3:
        return found
    span = max((ef for a, ef in zip(ids, early_finish) if a in linked), default=0.0)
    total = float(sum(most_likely))
    for i, (a, ml) in enumerate(zip(ids, most_likely)):
        if a in linked or i in keep or not ml > 0:
            continue
        if span > 0 and math.isclose(ml, span, rel_tol=1e-9):
            found[i] = "no link touches it and its duration equals the span of the others"
        elif i in (0, n - 1) and n >= 4 and math.isclose(ml, total - ml, rel_tol=1e-9):
            found[i] = "no link touches it and its duration is the sum of the others"
    return found
