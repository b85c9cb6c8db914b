"""Occurrences of conditional and mutually exclusive risks.

A risk that others depend on, a conditional risk (``depends_on``) and a member of an
exclusive group have their occurrences drawn here, per block, and given to the risk
kernel (which then draws their impacts as for any risk):

- each such risk outside an exclusive group has a *score* per iteration, a uniform
  from its own stream (:data:`~riskkit.seeds.EVENT_STREAM`, keyed by its id);
- the members of an exclusive group share one uniform per iteration (keyed by the
  group's name), and each member owns a slice of [0, 1) as long as its largest
  probability: its score is the uniform's place within its slice, and no two slices
  overlap, so at most one member occurs in any iteration;
- a risk occurs, at probability p, where its score is below p and the risk it depends
  on occurs (at the probability that risk has in the run).

So a conditional risk B with probability q given A occurs in P(A) x q of the
iterations, never without A. Occurrences are listed in ascending order of score: a
scenario with a lower probability keeps a prefix of them, as the kernel expects. Under
Latin hypercube sampling the uniforms are stratified over the block.

In a variant run (rankings) the occurrences follow the parents' pre-mitigation
probabilities; a variant that changes a parent is simulated again whole
(:func:`~riskkit.sim.simulate_variants`), so its dependents follow it exactly.
"""

from __future__ import annotations

import numpy as np

from ..seeds import EVENT_STREAM, stream_key
from .effects import block_generator, block_uniforms
from .plan import Plan

__all__ = ["GivenOccurrences"]


class GivenOccurrences:
    """The occurrences of a block's given risks (see the module's text).

    ``positions[r]`` and ``scores[r]``: risk ``r``'s candidate iterations and their
    scores, ascending by score, at its largest probability; ``offsets`` and ``flat``
    the positions packed for the kernel."""

    def __init__(self, plan: Plan, block: int, n: int, probabilities: np.ndarray):
        self.positions: dict[int, np.ndarray] = {}
        self.scores: dict[int, np.ndarray] = {}
        score = {}
        groups: dict[str, list[int]] = {}
        for r, m in enumerate(plan.risks):
            if m.given and m.risk.exclusive_group is not None:
                groups.setdefault(m.risk.exclusive_group, []).append(r)
            elif m.given:
                gen = block_generator(plan, block, EVENT_STREAM, m.key)
                score[r] = block_uniforms(gen, n, plan.lhs)
        project = next((m.risk.project for m in plan.risks if m.risk.project), None)
        for name, members in groups.items():
            key = stream_key(f"exclusive:{name}", project)
            u = block_uniforms(block_generator(plan, block, EVENT_STREAM, key), n, plan.lhs)
            low = 0.0
            for r in members:
                width = plan.risks[r].p_draw
                place = u - low
                score[r] = np.where((place >= 0.0) & (place < width), place, np.inf)
                low += width
        occurs: dict[int, np.ndarray] = {}

        def occurrence(r: int) -> np.ndarray:
            """Where risk r occurs at its run probability (its parent's too)."""
            if r not in occurs:
                mask = score[r] < probabilities[r]
                parent = plan.risks[r].parent
                occurs[r] = mask if parent is None else mask & occurrence(parent)
            return occurs[r]

        for r in sorted(score):
            candidate = score[r] < plan.risks[r].p_draw
            parent = plan.risks[r].parent
            if parent is not None:
                candidate &= occurrence(parent)
            at = np.flatnonzero(candidate)
            ordered = np.argsort(score[r][at], kind="stable")
            self.positions[r] = at[ordered]
            self.scores[r] = score[r][at][ordered]
        count = len(plan.risks)
        self.offsets = np.zeros(count + 1, dtype=np.int64)
        sizes = np.zeros(count, dtype=np.int64)
        for r, pos in self.positions.items():
            sizes[r] = pos.size
        self.offsets[1:] = np.cumsum(sizes)
        self.flat = (np.concatenate([self.positions[r] for r in sorted(self.positions)])
                     if self.positions else np.zeros(0, dtype=np.int64)).astype(np.int64)
        self.sizes = sizes

    def counts(self, probabilities: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """``counts`` with each given risk's occurrences at ``probabilities``."""
        out = counts.copy()
        for r, s in self.scores.items():
            out[r] = int(np.searchsorted(s, probabilities[r], side="left"))
        return out
