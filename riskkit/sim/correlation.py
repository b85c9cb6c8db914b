"""Correlation in a run: which risks and activities are correlated, and their scores.

:func:`resolve` turns a correlation specification (groups or a matrix) and the
``correlation_group`` columns of the model into components: sets of mutually
correlated risks (or activities), each with factor loadings ``F`` and own-score weights
``u`` so that member ``j``'s score is ``Z F_j + u_j E_j`` with ``F F' + diag(u^2)`` the
normal-score correlation. :class:`BlockScores` draws the scores of a block.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import ndtri

from ..correlation import Correlation, group_key, to_normal
from ..exceptions import InputError, InputWarning, Problem
from ..model import RiskRegister, Schedule
from ..seeds import stable_key

__all__ = ["BlockScores", "Component", "CorrelationPlan", "SCORES", "correlate_rows",
           "factor_scores", "prepare", "resolve"]

# --- resolution: ids and groups to components ------------------------------------------

@dataclass(frozen=True)
class Component:
    """One set of mutually correlated variables: the scores of member ``j`` are
    ``Z @ loadings[j] + unique[j] * E_j``, with ``Z`` the component's factor scores."""

    members: tuple[int, ...]       # indices into the risks (or activities) of a plan
    loadings: np.ndarray           # (members, factors)
    unique: np.ndarray             # (members,)
    key: int                       # stream key

    @property
    def factors(self) -> int:
        return self.loadings.shape[1]

    @property
    def is_group(self) -> bool:
        """A correlation group: one common factor and an own score per member."""
        return self.factors == 1 and bool(self.unique.any())

    @property
    def whiten(self) -> bool:
        """Matrix components whiten their factors (exact sample correlation)."""
        return not self.unique.any()


@dataclass(frozen=True)
class CorrelationPlan:
    risks: tuple[Component, ...] = ()
    activities: tuple[Component, ...] = ()
    description: str = ""
    #: risk index -> (component, member) for correlated risks
    risk_slot: Mapping[int, tuple[int, int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.risks or self.activities)


def _group_component(members: list[int], rho: float, key: int) -> Component:
    m = len(members)
    return Component(tuple(members), np.full((m, 1), math.sqrt(rho)),
                     np.full(m, math.sqrt(max(0.0, 1.0 - rho))), key)


def _matrix_components(c: np.ndarray) -> list[tuple[list[int], np.ndarray]]:
    """Split a correlation matrix into connected components, each with its factor
    loadings ``F`` (``F F'`` is the component's matrix)."""
    m = c.shape[0]
    linked = (np.abs(c) > 1e-9) & ~np.eye(m, dtype=bool)
    seen = np.zeros(m, dtype=bool)
    out = []
    for s in range(m):
        if seen[s] or not linked[s].any():
            continue
        stack: list[int] = [s]
        part: list[int] = []
        seen[s] = True
        while stack:
            i = stack.pop()
            part.append(i)
            for j in np.flatnonzero(linked[i] & ~seen).tolist():
                seen[j] = True
                stack.append(j)
        part.sort()
        w, v = np.linalg.eigh(c[np.ix_(part, part)])
        keep = w > 1e-10 * max(1.0, w[-1])
        out.append((part, v[:, keep] * np.sqrt(w[keep])))
    return out


def _is_none(spec: Any) -> bool:
    return spec is False or (isinstance(spec, str) and spec.strip().lower() == "none")


def prepare(spec: Any) -> Correlation | str | None:
    """Read a correlation spec once (so its warnings show once), leaving None and
    "none" as they are: for callers that run several simulations on it."""
    if spec is None or _is_none(spec):
        return "none" if spec is not None else None
    from ..io.correlation import read_correlation

    return read_correlation(spec)


def resolve(spec: Any, register: RiskRegister | None, schedule: Schedule | None,
            risk_ids: tuple[str, ...], measure: str = "spearman") -> CorrelationPlan:
    """Turn a correlation spec and the group columns into the components a run samples.

    ``risk_ids`` are the active (not closed) risks of the plan, in plan order. ``spec``
    ``"none"`` (or False) runs without correlation even where a ``correlation_group``
    column names groups (with a warning), for an uncorrelated baseline.
    """
    act_ids: tuple[str, ...] = tuple(schedule.ids) if schedule is not None else ()
    risk_index = {r: i for i, r in enumerate(risk_ids)}
    act_index = {a: i for i, a in enumerate(act_ids)}
    members = _group_members(register, schedule, risk_index, act_index)
    if _is_none(spec):
        if members:
            warnings.warn(f"correlation 'none': the correlation groups "
                          f"{', '.join(m[3] for m in members.values())} are not used",
                          InputWarning, stacklevel=4)
        return CorrelationPlan()
    if spec is None:
        if members:
            (kind, _, rows, name) = next(iter(members.values()))
            row, src, col, what = rows[0]
            raise InputError(Problem(
                f"{what} is in correlation group {name!r}, but no coefficient was given "
                f"for any group", source=src, row=row, column=col, value=name,
                hint="pass --correlation groups.csv (columns group, coefficient) or "
                     "correlation={'" + name + "': 0.5}; --correlation none runs without"))
        return CorrelationPlan()
    from ..io.correlation import read_correlation

    corr = read_correlation(spec, measure=measure)
    problems: list[Problem] = []
    risk_parts: list[Component] = []
    act_parts: list[Component] = []
    if corr.groups is not None:
        listed = {group_key(g): g for g in corr.groups}
        for key, (kind, idx, rows, name) in members.items():
            if key not in listed:
                for row, src, col, what in rows:
                    problems.append(Problem(
                        f"{what} is in correlation group {name!r}, which {corr.source} "
                        f"does not list", source=src, row=row, column=col, value=name,
                        hint="groups listed: " + ", ".join(corr.groups)))
                continue
            if kind == "mixed":
                problems.append(Problem(
                    f"correlation group {name!r} has both risks and activities; correlate "
                    f"risks with risks and activities with activities", source=rows[0][1],
                    row=rows[0][0], column=rows[0][2], value=name))
                continue
            if len(idx) < 2:
                warnings.warn(f"correlation group {name!r} has one member ({rows[0][3]}), "
                              f"so it correlates nothing", InputWarning, stacklevel=4)
                continue
            coefficient = corr.groups[listed[key]]
            part = _group_component(sorted(idx), float(to_normal(coefficient, corr.measure)),
                                    stable_key(f"group:{key}"))
            (risk_parts if kind == "risk" else act_parts).append(part)
        unused = [g for k, g in listed.items() if k not in members]
        if unused:
            warnings.warn(f"{corr.source}: no risk or activity is in correlation group"
                          f"{'s' if len(unused) > 1 else ''} {', '.join(unused)}",
                          InputWarning, stacklevel=4)
    else:
        assert corr.matrix is not None
        if members:
            warnings.warn(f"the correlation_group column is not used: {corr.source} gives "
                          f"a correlation matrix", InputWarning, stacklevel=4)
        ids = list(corr.matrix.index)
        all_risks = set(register.ids) if register is not None else set()
        kinds = []
        for i in ids:
            is_risk, is_act = i in all_risks, i in act_index
            if is_risk and is_act:
                problems.append(Problem(f"{i} is both a risk and an activity id; rename one",
                                        source=corr.source, row=corr.rows.get(i),
                                        column=i, value=i))
            elif not (is_risk or is_act):
                where = " and ".join(x for x, ok in (("the register", register is not None),
                                                     ("the schedule", schedule is not None))
                                     if ok)
                problems.append(Problem(f"unknown id: {where} has no {i}",
                                        source=corr.source, row=corr.rows.get(i),
                                        column=i, value=i))
            kinds.append("risk" if is_risk else "activity")
        if problems:
            raise InputError(problems)
        closed = [i for i, k in zip(ids, kinds) if k == "risk" and i not in risk_index]
        if closed:
            warnings.warn(f"{corr.source}: closed risks are left out of the correlation: "
                          f"{', '.join(closed[:8])}{' …' if len(closed) > 8 else ''}",
                          InputWarning, stacklevel=4)
        keep = [j for j, i in enumerate(ids) if i in risk_index or i in act_index]
        c = corr.normal_matrix()[np.ix_(keep, keep)]
        kept = [ids[j] for j in keep]
        kinds = [kinds[j] for j in keep]
        kind_of = dict(zip(ids, [("risk" if i in all_risks else "activity") for i in ids]))
        # a risk and an activity correlated: judged on the cells as the file gives them
        # (a repair only spreads rounding noise between blocks that were apart)
        cells = corr.written or {(a, b): (float(corr.matrix.loc[a, b]),
                                          f"{corr.matrix.loc[a, b]:g}")
                                 for a in ids for b in ids}
        for (r, col), (value, text) in cells.items():
            if kind_of[r] != kind_of[col] and value != 0:
                problems.append(Problem(
                    f"{r} ({kind_of[r]}) and {col} ({kind_of[col]}) are correlated; "
                    f"correlate risks with risks and activities with activities",
                    source=corr.source, row=corr.rows.get(r), column=col, value=text))
        if problems:
            raise InputError(problems[:20])
        risk_rows = np.array([k == "risk" for k in kinds], dtype=bool)
        c[np.ix_(risk_rows, ~risk_rows)] = 0.0  # repair noise between the two blocks
        c[np.ix_(~risk_rows, risk_rows)] = 0.0

        def key_of(part: list[int]) -> int:
            return stable_key("matrix:" + "|".join(sorted(kept[i] for i in part)))

        for positions, loadings in _matrix_components(c):
            is_risk = kinds[positions[0]] == "risk"
            lookup = risk_index if is_risk else act_index
            comp = Component(tuple(lookup[kept[i]] for i in positions), loadings,
                             np.zeros(len(positions)), key_of(positions))
            (risk_parts if is_risk else act_parts).append(comp)
    slot = {r: (ci, j) for ci, comp in enumerate(risk_parts)
            for j, r in enumerate(comp.members)}
    if problems:
        raise InputError(problems)
    return CorrelationPlan(tuple(risk_parts), tuple(act_parts), corr.describe(), slot)


Members = dict[str, tuple[str, list[int], list[tuple[int | None, str, str, str]], str]]


def _group_members(register: RiskRegister | None, schedule: Schedule | None,
                   risk_index: Mapping[str, int], act_index: Mapping[str, int]) -> Members:
    """Group key -> (kind, member indices, [(row, source, column, what)], name as
    first written)."""
    out: Members = {}
    sources: list[tuple[Any, Mapping[str, int], str]] = []
    if register is not None:
        sources.append((register, risk_index, "risk"))
    if schedule is not None:
        sources.append((schedule, act_index, "activity"))
    for obj, index, what in sources:
        col = obj.header("correlation_group")
        items = obj.risks if what == "risk" else obj.activities
        for item in items:
            group = (item.correlation_group or "").strip()
            if not group or item.id not in index:
                continue
            key = group_key(group)
            kind, idx, rows, name = out.setdefault(key, (what, [], [], group))
            if kind != what:
                kind = "mixed"
            idx.append(index[item.id])
            rows.append((item.row, obj.source, col, f"{what} {item.id}"))
            out[key] = (kind, idx, rows, name)
    return out


# --- sampling ------------------------------------------------------------------------

def _score_table() -> np.ndarray:
    """65,536 normal scores (van der Waerden), scaled to unit variance: a normal draw is
    one table lookup by 16 random bits."""
    t = ndtri((np.arange(65_536) + 0.5) / 65_536)
    return t / np.sqrt(np.mean(t * t))


SCORES = _score_table()
#: Scores are ranked as 16-bit integers (numpy's radix sort): 1/3,000 of a standard
#: deviation apart. The largest group score, |z| <= 8 plus a table score <= 4.2 weighted
#: by loadings whose squares sum to 1, stays within the int16 range.
_QUANTUM = 3_000.0


def scores_from_bits(raw: np.ndarray, size: int) -> np.ndarray:
    """``size`` normal scores from 64-bit words (four scores a word)."""
    return SCORES[raw.view(np.uint16)[:size]]


def factor_scores(state: np.ndarray, n: int, comp: Component) -> np.ndarray:
    """The component's factor scores for ``n`` iterations, shape (n, factors), from
    its stream ``state`` (advanced).

    Matrix components are whitened: centred, and decorrelated by the inverse Cholesky
    factor of their sample covariance, so their sample correlation is exactly C.
    """
    from ..kernels.pcg64 import raw_words

    r = comp.factors
    z = scores_from_bits(raw_words(state, -(-n * r // 4)), n * r).reshape(n, r)
    z -= z.mean(axis=0)
    if comp.whiten and n > 2 * r + 1:
        cov = (z.T @ z) / n
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            return z
        z = np.linalg.solve(chol, z.T).T
    else:
        sd = np.sqrt(np.mean(z * z, axis=0))
        np.divide(z, sd, out=z, where=sd > 0)  # one iteration: no spread to scale
    return z


class BlockScores:
    """The scores of the correlated risks of one block, as the risk kernel reads them.

    For each correlated set and each impact layer (cost, schedule) the block draws the
    set's factor scores from the set's stream. A group's scores are kept as 16-bit rank
    keys (``keys``: sets x 2 x n): the factor times its loading, plus a table of the
    members' own scores times their weight (``own``: sets x 65,536), so a member's key
    at an occurrence is two lookups and an add. A matrix set keeps its factor scores
    (``z``: sets x 2 x n x factors); a member's score is its loadings times them.
    """

    def __init__(self, plan: CorrelationPlan, states: np.ndarray, n: int):
        comps = plan.risks
        factors = max((c.factors for c in comps if not c.is_group), default=0)
        self.keys = np.zeros((len(comps), 2, n if any(c.is_group for c in comps) else 0),
                             dtype=np.int16)
        self.own = np.zeros((len(comps), SCORES.size if self.keys.shape[2] else 0),
                            dtype=np.int16)
        self.z = np.zeros((len(comps), 2, n if factors else 0, factors))
        for ci, comp in enumerate(comps):
            if comp.is_group:
                self.own[ci] = np.rint(SCORES * (comp.unique[0] * _QUANTUM)).astype(np.int16)
            for layer in (0, 1):
                z = factor_scores(states[2 * ci + layer], n, comp)
                if comp.is_group:
                    self.keys[ci, layer] = np.rint(np.clip(z[:, 0], -8.0, 8.0) * (
                        comp.loadings[0, 0] * _QUANTUM)).astype(np.int16)
                else:
                    self.z[ci, layer, :, :comp.factors] = z

    @staticmethod
    def stream_keys(plan: CorrelationPlan) -> list[tuple[int, ...]]:
        """The keys of the streams of the correlated sets of risks: (set, layer)."""
        return [(comp.key, layer) for comp in plan.risks for layer in (0, 1)]


def correlate_rows(u: np.ndarray, sets: list[tuple[Component, np.ndarray]]) -> None:
    """Iman–Conover on the uniforms of correlated activities: each member's row is
    reordered to the ranks of its correlated scores (its marginal is unchanged). Each
    set draws from its stream ``state``, slice after slice."""
    from ..kernels.pcg64 import raw_words
    from ..kernels.rules import deal_by_scores

    size = u.shape[1]
    for comp, state in sets:
        z = factor_scores(state, size, comp)
        scores = comp.loadings @ z.T
        if comp.unique.any():
            m = len(comp.members)
            own = scores_from_bits(raw_words(state, -(-size * m // 4)), size * m
                                   ).reshape(m, size)
            scores += comp.unique[:, None] * own
        for j, a in enumerate(comp.members):
            u[a] = deal_by_scores(np.sort(u[a]), scores[j])
