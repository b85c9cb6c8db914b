"""Activity schedules: reading them, checking their logic, deterministic CPM."""

from __future__ import annotations

import hashlib
import html
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _parse
from .cpm import LINK_TYPES, Network
from .distributions import FAMILIES, Distribution, make_distribution, parse_family
from .exceptions import InputError, InputWarning, OptionError, Problem

__all__ = ["Link", "Schedule", "read_schedule", "SCHEDULE_COLUMNS", "SCHEDULE_ALIASES"]

SCHEDULE_COLUMNS: tuple[str, ...] = (
    "id", "name", "duration_min", "duration_most_likely", "duration_max", "duration",
    "predecessors", "distribution", "cost_per_day", "fixed_cost", "correlation_group",
)

SCHEDULE_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ID", "Activity ID", "Task ID", "Activity", "Task", "Activity Code", "Task Code",
           "Code", "Ref", "No", "#", "Step"),
    "name": ("Name", "Task Name", "Activity Name", "Description", "Activity Description",
             "Task Description", "Title"),
    "duration": ("Duration", "Original Duration", "Planned Duration", "Dur", "Days",
                 "Duration Days", "Time", "Expected Duration"),
    "duration_min": ("Optimistic", "Optimistic Duration", "Optimistic Time", "a", "O",
                     "Min", "Minimum", "Min Duration", "Duration Min", "Low", "Best Case",
                     "Best"),
    "duration_most_likely": ("Most Likely", "Most Likely Duration", "Most Likely Time", "m",
                             "M", "ML", "Likely", "Mode", "Duration Most Likely", "Base",
                             "Nominal"),
    "duration_max": ("Pessimistic", "Pessimistic Duration", "Pessimistic Time", "b", "P",
                     "Max", "Maximum", "Max Duration", "Duration Max", "High", "Worst Case",
                     "Worst"),
    "predecessors": ("Predecessors", "Predecessor", "Predecessor(s)", "Immediate Predecessor",
                     "Immediate Predecessors", "Immediate Predecessor(s)", "Precedents",
                     "Preceding Activities", "Depends on", "Dependencies", "Prerequisites"),
    "distribution": ("Distribution", "Dist", "Distribution Type", "Shape"),
    "cost_per_day": ("Cost per Day", "Daily Cost", "Cost/Day", "Rate", "Daily Rate",
                     "Time-dependent Cost", "Time Dependent Cost", "Cost per Working Day"),
    "correlation_group": ("Correlation Group", "Corr Group", "Correlation Set",
                          "Correlation Class", "Correlated Group"),
    "fixed_cost": ("Fixed Cost", "Cost", "Budget", "Fixed", "Lump Sum", "Material Cost"),
}
_LOOKUP = {_parse.normalise_header(p): canon
           for canon, phrases in SCHEDULE_ALIASES.items() for p in (canon, *phrases)}
_NONE = {"", "-", "–", "—", "none", "n/a", "na", "nil"}
_LINK = re.compile(
    r"\s*(FS|SS|FF|SF)?\s*(?:([+\-−])\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:d|days?|wd)?)?\s*",
    re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    """A precedence link: ``successor`` depends on ``predecessor``."""

    predecessor: str
    successor: str
    type: str = "FS"
    lag: float = 0.0


def stable_key(text: str) -> int:
    """A 63-bit integer that depends only on ``text``: random streams are keyed by id,
    so reordering rows or adding an activity leaves every other draw unchanged."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(),
                          "little") >> 1


@dataclass(frozen=True, eq=False)
class Schedule:
    """A parsed, validated activity network. Immutable; build it with :func:`read_schedule`.

    Durations are in working days. ``frame`` holds one row per activity (three-point
    durations, distribution, costs and the spreadsheet row); ``links`` the logic.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> sch.duration() > 0
    True
    """

    _frame: pd.DataFrame = field(repr=False)
    links: tuple[Link, ...] = field(repr=False)
    source: str = "<DataFrame>"
    warnings: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        index = {a: i for i, a in enumerate(self._frame["id"])}
        net = Network(len(index), [index[lk.predecessor] for lk in self.links],
                      [index[lk.successor] for lk in self.links],
                      [LINK_TYPES.index(lk.type) for lk in self.links],
                      [lk.lag for lk in self.links])
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_ids", tuple(self._frame["id"]))
        object.__setattr__(self, "network", net)

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame.copy()

    def header(self, column: str) -> str:
        """The header as the user wrote it for a canonical column (for messages)."""
        return dict(self.headers).get(column, column)

    @property
    def ids(self) -> tuple[str, ...]:
        return self._ids  # type: ignore[attr-defined,no-any-return]

    def __len__(self) -> int:
        return len(self._frame)

    def __contains__(self, activity: object) -> bool:
        return activity in self._index  # type: ignore[attr-defined]

    def index_of(self, activity: str) -> int:
        return self._index[activity]  # type: ignore[attr-defined]

    def distributions(self) -> list[Distribution]:
        return [make_distribution(r.distribution, r.duration_min, r.duration_most_likely,
                                  r.duration_max)
                for r in self._frame.itertuples(index=False)]

    @property
    def most_likely(self) -> np.ndarray:
        return self._frame["duration_most_likely"].to_numpy(dtype=float)

    @property
    def cost_per_day(self) -> np.ndarray:
        return self._frame["cost_per_day"].fillna(0.0).to_numpy(dtype=float)

    @property
    def fixed_cost(self) -> np.ndarray:
        return self._frame["fixed_cost"].fillna(0.0).to_numpy(dtype=float)

    def cpm(self) -> pd.DataFrame:
        """Deterministic CPM on most-likely durations: dates, total float, critical flag."""
        d = self.most_likely[:, None]
        p = self.network.passes(d)  # type: ignore[attr-defined]
        out = pd.DataFrame({
            "id": self.ids, "name": self._frame["name"],
            "duration": d[:, 0], "early_start": p.early_start[:, 0],
            "early_finish": p.early_finish[:, 0],
            "late_start": p.late_finish[:, 0] - d[:, 0], "late_finish": p.late_finish[:, 0],
            "total_float": p.total_float[:, 0], "critical": p.critical()[:, 0],
        })
        return out

    def duration(self) -> float:
        """Deterministic project duration from most-likely durations (working days)."""
        if not len(self):
            return 0.0
        return float(self.network.passes(self.most_likely[:, None],  # type: ignore[attr-defined]
                                         backward=False).finish[0])

    def base_cost(self) -> float:
        """Fixed costs plus cost per day x most-likely duration."""
        return float(self.fixed_cost.sum() + self.cost_per_day @ self.most_likely)

    def critical_path(self) -> tuple[str, ...]:
        table = self.cpm()
        table = table[table["critical"]].sort_values(["early_start", "early_finish"])
        return tuple(table["id"])

    def __repr__(self) -> str:
        return (f"Schedule({self.source!r}, activities={len(self)}, links={len(self.links)}, "
                f"duration={self.duration():g} days)")

    def _repr_html_(self) -> str:
        table = self.cpm()
        crit = " → ".join(self.critical_path()[:12])
        head = (f"<p><b>Schedule</b> <code>{html.escape(self.source)}</code>: {len(self)} "
                f"activities, {len(self.links)} links; deterministic duration "
                f"<b>{self.duration():,.1f} working days</b>, base cost "
                f"{self.base_cost():,.0f}. Critical path: {html.escape(crit)}"
                f"{' …' if len(self.critical_path()) > 12 else ''}</p>")
        return head + table.head(12).to_html(index=False, float_format="{:,.1f}".format)


# --- reading -----------------------------------------------------------------------

def read_schedule(
    source: Any,
    *,
    columns: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
) -> Schedule:
    """Read and check an activity schedule (CSV path, file object or DataFrame).

    Columns: ``id, name, duration_min, duration_most_likely, duration_max`` (or a single
    ``duration``), ``predecessors, distribution, cost_per_day, fixed_cost``, under the
    aliases real files use (Task ID, Optimistic / Most likely / Pessimistic, a / m / b,
    Immediate Predecessor, ...). Predecessor cells: ``A; B FS+2; C SS-1; D FF`` with ``;``
    or ``,`` between items, lags in working days.

    Raises
    ------
    InputError
        Every problem at once: unknown predecessors (naming both ids), cycles (naming
        every activity on them), invalid three-point estimates, negative durations,
        duplicate ids.

    Examples
    --------
    >>> import riskkit as rk
    >>> sch = rk.read_schedule("sample_registers/office_fitout_schedule.csv")
    >>> len(sch) >= 30
    True
    """
    name = _parse.display_name(source)
    if isinstance(source, pd.DataFrame):
        table = _parse.table_from_frame(source, name)
    else:
        table = _parse.read_table(source, delimiter=delimiter, decimal=decimal,
                                  encoding=encoding)
    return _schedule_from_table(table, columns)


def _schedule_from_table(table: _parse.RawTable, columns: Mapping[str, str] | None) -> Schedule:
    src = table.source
    table, title_note = _parse.find_header(table, _LOOKUP, columns)
    found, unrecognised, problems = _parse.resolve_columns(
        table.header, _LOOKUP, columns, SCHEDULE_COLUMNS, src)
    if problems:
        raise InputError(problems)
    if "id" not in found:
        problems.append(Problem("no activity id column", source=src,
                                hint="name a column 'ID', 'Activity' or 'Task ID', or map one"))
    if "duration" not in found and not any(
            c in found for c in ("duration_min", "duration_most_likely", "duration_max")):
        problems.append(Problem(
            "no duration column", source=src,
            hint="add 'Duration', or 'Optimistic / Most Likely / Pessimistic'"))
    if problems:
        problems.append(Problem("headers found: " + ", ".join(map(repr, table.header)),
                                source=src))
        raise InputError(problems)
    notes: list[str] = [title_note] if title_note else []
    if unrecognised:
        notes.append(f"{src}: columns not used by riskkit: "
                     + ", ".join(repr(table.header[i]) for i in unrecognised))
    written = {c: table.header[i] for c, i in found.items()}

    def cell(cells, canon):
        return cells[found[canon]] if canon in found else ""

    records: list[dict[str, Any]] = []
    raw_preds: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for row, cells in table.rows:
        if not any(cells):
            continue
        cells = cells + ("",) * (len(table.header) - len(cells))
        if len(cells) > len(table.header) and any(cells[len(table.header):]):
            problems.append(Problem(
                f"has {len(cells)} cells but the header has {len(table.header)}", source=src,
                row=row, hint="an unquoted delimiter inside a cell? quote text that has one"))
            continue
        aid = cell(cells, "id")
        if _parse.normalise_header(aid) == _parse.normalise_header(written["id"]):
            notes.append(f"{src}: row {row} repeats the header and was left out")
            continue
        if not aid:
            problems.append(Problem("activity id is missing", source=src, row=row,
                                    column=written["id"]))
            continue
        if aid in seen:
            problems.append(Problem(f"duplicate activity id (first used on row {seen[aid]})",
                                    source=src, row=row, column=written["id"], value=aid))
            continue
        seen[aid] = row
        rec, row_problems = _parse_activity(cells, row, cell, written, src, table.decimal_comma)
        problems += row_problems
        rec["id"] = aid
        rec["correlation_group"] = cell(cells, "correlation_group") or None
        records.append(rec)
        raw_preds.append((row, cell(cells, "predecessors")))
    if not records and not problems:
        raise InputError(Problem("has no activities (no rows below the header)", source=src))

    ids = {r["id"] for r in records}
    links: list[Link] = []
    pred_col = written.get("predecessors", "predecessors")
    for rec, (row, text) in zip(records, raw_preds):
        for item in _split_predecessors(text):
            parsed = _parse_link(item, ids)
            if parsed is None:
                problems.append(Problem(
                    f"activity {rec['id']} lists predecessor {item!r}, which is not an "
                    f"activity of this schedule", source=src, row=row, column=pred_col,
                    value=text, hint="predecessors are ids, optionally with a type and lag "
                                     "such as 'A FS+2', 'B SS-1', 'C FF'"))
                continue
            pred, ltype, lag = parsed
            if pred == rec["id"]:
                problems.append(Problem(f"activity {pred} is its own predecessor", source=src,
                                        row=row, column=pred_col, value=text))
                continue
            links.append(Link(pred, rec["id"], ltype, lag))
    if problems:
        raise InputError(problems)

    order = [r["id"] for r in records]
    index = {a: i for i, a in enumerate(order)}
    cycles = _find_cycles(len(order), [index[lk.predecessor] for lk in links],
                          [index[lk.successor] for lk in links])
    for members, cycle in cycles:
        names = [order[i] for i in sorted(members, key=lambda i: seen[order[i]])]
        path = [order[i] for i in cycle]
        rows = [str(seen[n]) for n in names]
        problems.append(Problem(
            f"the logic has a cycle through {', '.join(names)} (for example "
            + " → ".join([*path, path[0]]) + ")", source=src, column=pred_col,
            hint=f"rows {', '.join(rows)}; remove a link so no activity waits on itself"))
    if problems:
        raise InputError(problems)

    frame = pd.DataFrame.from_records(records, columns=[
        "id", "name", "duration_min", "duration_most_likely", "duration_max", "distribution",
        "cost_per_day", "fixed_cost", "correlation_group", "row"])
    notes += _logic_warnings(src, order, links)
    for note in notes:
        warnings.warn(note, InputWarning, stacklevel=3)
    return Schedule(frame, tuple(links), src, tuple(notes), tuple(written.items()))


def _parse_activity(cells, row, cell, written, src, decimal_comma):
    problems: list[Problem] = []

    def problem(canon, message, value=None, hint=None):
        problems.append(Problem(message, source=src, row=row,
                                column=written.get(canon, canon), value=value, hint=hint))

    def number(canon):
        text = cell(cells, canon)
        return _parse.parse_cell(
            text, lambda message: problem(canon, message, text), decimal_comma=decimal_comma,
            allow_percent=False, allow_days=True,
            allow_currency=canon in ("cost_per_day", "fixed_cost"))

    rec: dict[str, Any] = {"row": row, "name": cell(cells, "name") or None}
    dist_text = cell(cells, "distribution")
    try:
        family = parse_family(dist_text)
    except OptionError:
        problem("distribution", "unknown distribution", dist_text,
                "use triangular (the default), pert or uniform")
        family = FAMILIES["triangular"]
    rec["distribution"] = family.name
    single = number("duration")
    triple = [number(c) for c in ("duration_min", "duration_most_likely", "duration_max")]
    if any(v is not None and math.isnan(v) for v in (single, *triple)):
        # a cell that is not a number: reported already, nothing more to check
        rec.update(duration_min=None, duration_most_likely=None, duration_max=None)
        rec["cost_per_day"] = number("cost_per_day")
        rec["fixed_cost"] = number("fixed_cost")
        return rec, problems
    given = [v is not None for v in triple]
    if single is not None and any(given):
        if not all(given):
            problem("duration", "both a single duration and part of a three-point estimate "
                    "are given", cell(cells, "duration"), "keep one of them")
        # With a full triple, a 'Duration' column (often the PERT mean) is left aside.
    elif single is not None:
        triple, given = [single] * 3, [True] * 3
    a, m, b = triple
    if given == [False, True, False]:
        a = b = m
    elif not any(given):
        problem("duration_most_likely" if "duration_most_likely" in written else "duration",
                "duration is missing", "", "give a duration or a three-point estimate")
    elif a is None or b is None:
        problem("duration_min" if a is None else "duration_max",
                "three-point duration lacks its " + ("optimistic" if a is None else
                                                      "pessimistic") + " value", "")
    elif m is None and family.needs_mode:
        problem("duration_most_likely", "three-point duration lacks its most likely value", "")
    if a is not None and b is not None:
        if a < 0 or (m is not None and m < 0):
            problem("duration_min", "negative duration", f"{a:g}")
        elif m is not None and not a <= m <= b:
            col = "duration_min" if a > m else "duration_max"
            problem(col, "invalid three-point estimate: need optimistic <= most likely <= "
                    "pessimistic", f"{a:g} / {m:g} / {b:g}")
        elif m is None and not a <= b:
            problem("duration_max", "invalid estimate: optimistic > pessimistic",
                    f"{a:g} / {b:g}")
        else:
            try:
                make_distribution(family, a, 0.5 * (a + b) if m is None else m, b)
            except ValueError as exc:
                problem("duration_min", f"duration does not fit a {family.name} "
                        f"distribution: {exc}", f"{a:g} / {b:g}",
                        "for trigen, lognormal and normal, optimistic and pessimistic are "
                        "the P10 and P90")
    if m is None and a is not None and b is not None:
        m = 0.5 * (a + b)
    rec.update(duration_min=a, duration_most_likely=m, duration_max=b)
    rec["cost_per_day"] = number("cost_per_day")
    rec["fixed_cost"] = number("fixed_cost")
    return rec, problems


def _split_predecessors(text: str) -> list[str]:
    text = str(text).strip()
    if text.lower() in _NONE:
        return []
    return [t.strip() for t in re.split(r"[;,\n]", text) if t.strip()]


def _parse_link(item: str, ids: set[str]) -> tuple[str, str, float] | None:
    """``(predecessor, type, lag)`` from one predecessor item, or None if unknown.

    Ids are matched first, so ``1-2`` or ``3.1`` are ids when the schedule has them;
    otherwise the longest known id followed by an optional type and lag wins.
    """
    if item in ids:
        return item, "FS", 0.0
    folded: dict[str, str | None] = {}
    for i in ids:
        folded[i.casefold()] = None if i.casefold() in folded else i
    for cut in range(len(item), 0, -1):
        head = item[:cut].strip()
        if head not in ids:
            # Case-insensitive only where that names exactly one activity.
            head = folded.get(head.casefold()) or ""
            if not head:
                continue
        m = _LINK.fullmatch(item[cut:])
        if m is None:
            continue
        ltype = (m.group(1) or "FS").upper()
        lag = float(m.group(3)) if m.group(3) else 0.0
        if m.group(2) in ("-", "−"):
            lag = -lag
        return head, ltype, lag
    return None


def _find_cycles(n: int, src: list[int], dst: list[int]) -> list[tuple[list[int], list[int]]]:
    """Each strongly connected component with a cycle: its members, and one cycle
    through it in order, preferring the one that visits the most members."""
    try:
        Network.topological_order(n, src, dst)
        return []
    except ValueError as exc:
        left = set(exc.args[0])
    succ: dict[int, list[int]] = {i: [] for i in left}
    for s, d in zip(src, dst):
        if s in left and d in left:
            succ[s].append(d)
    # Tarjan's strongly connected components, iteratively.
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on: set[int] = set()
    comps: list[list[int]] = []
    counter = 0
    for root in sorted(left):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            if i < len(succ[v]):
                work.append((v, i + 1))
                w = succ[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    cycles = []
    for comp in comps:
        members = set(comp)
        best: list[int] = []
        for start in sorted(comp):
            # Walk, preferring unvisited members, until a node repeats.
            path: list[int] = []
            pos: dict[int, int] = {}
            v = start
            while v not in pos:
                pos[v] = len(path)
                path.append(v)
                nexts = [w for w in succ[v] if w in members]
                fresh = [w for w in nexts if w not in pos]
                v = fresh[0] if fresh else (start if start in nexts else nexts[0])
            cycle = path[pos[v]:]
            if len(cycle) > len(best):
                best = cycle
            if len(best) == len(comp):
                break
        cycles.append((comp, best))
    return cycles


def _logic_warnings(src: str, order: list[str], links: list[Link]) -> list[str]:
    notes: list[str] = []
    if not links or len(order) < 2:
        return notes
    has_pred = {lk.successor for lk in links}
    has_succ = {lk.predecessor for lk in links}
    starts = [a for a in order if a not in has_pred]
    ends = [a for a in order if a not in has_succ]

    def names(xs):
        shown = ", ".join(xs[:10])
        return shown + (f" and {len(xs) - 10} more" if len(xs) > 10 else "")

    if len(starts) > 1:
        notes.append(f"{src}: {len(starts)} activities have no predecessor (open starts: "
                     f"{names(starts)}); each starts at the project start")
    if len(ends) > 1:
        notes.append(f"{src}: {len(ends)} activities have no successor (open ends: "
                     f"{names(ends)}); the project finishes with the latest of them")
    parent = {a: a for a in order}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for lk in links:
        parent[find(lk.predecessor)] = find(lk.successor)
    groups: dict[str, list[str]] = {}
    for a in order:
        groups.setdefault(find(a), []).append(a)
    if len(groups) > 1:
        sizes = sorted((len(g) for g in groups.values()), reverse=True)
        notes.append(f"{src}: the network falls into {len(groups)} disconnected parts "
                     f"(sizes {', '.join(map(str, sizes[:10]))}); check for missing links")
    return notes

