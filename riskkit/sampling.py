"""Uniform random streams: seeding, blocks, and Latin hypercube stratification.

Reproducibility contract: iterations are cut into fixed blocks of ``BLOCK_SIZE``;
block ``b`` draws from its own ``SeedSequence`` child (spawn key ``(b,)`` under the
root), and each risk or activity in a block from a grandchild. A chunk of work is a
run of whole blocks, so numbers never depend on chunk size, worker count or order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import scipy.stats as st

from .exceptions import OptionError

__all__ = ["BLOCK_SIZE", "Sampling", "Seed", "make_seed", "blocks"]

#: Iterations per random-number block. Part of the reproducibility contract: changing
#: it changes every result for a given seed.
BLOCK_SIZE = 65_536

#: Stream kinds within a block (the second element of a stream's spawn key).
RISK_STREAM = 0
ACTIVITY_STREAM = 1
CORRELATION_STREAM = 2  # key (block, 2, set, layer): layer 0 cost, 1 schedule, 2 durations


class Sampling(str, enum.Enum):
    """How uniforms are drawn: Latin hypercube (default) or plain Monte Carlo."""

    LHS = "lhs"
    RANDOM = "random"

    @classmethod
    def parse(cls, value: object) -> Sampling:
        text = str(getattr(value, "value", value)).strip().lower()
        aliases = {"lhs": cls.LHS, "latin": cls.LHS, "latin hypercube": cls.LHS,
                   "random": cls.RANDOM, "mc": cls.RANDOM, "monte carlo": cls.RANDOM}
        if text not in aliases:
            raise OptionError("sampling", value, "'lhs' or 'random'")
        return aliases[text]


@dataclass(frozen=True)
class Seed:
    """The root of all streams of one run, and the integer to report for it."""

    entropy: int | tuple[int, ...]
    spawn_key: tuple[int, ...] = ()
    reported: int | None = None

    def stream(self, *key: int) -> np.random.Generator:
        ss = np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key + key)
        return np.random.Generator(np.random.PCG64(ss))


def make_seed(rng: None | int | np.random.SeedSequence | np.random.Generator) -> Seed:
    """Normalise ``rng`` (SPEC 7) into a :class:`Seed`.

    An int or SeedSequence is used as given. A Generator is consumed once to derive a
    root, so passing the same generator twice gives two different runs, as SPEC 7
    expects. None draws fresh entropy, which is reported so the run can be repeated.
    """
    if isinstance(rng, (bool, np.bool_)):
        raise OptionError("rng", rng, "None, an int, a SeedSequence or a Generator")
    if rng is None:
        entropy = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        return Seed(entropy, (), entropy)
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise OptionError("rng", rng, "a non-negative int")
        return Seed(int(rng), (), int(rng))
    if isinstance(rng, np.random.SeedSequence):
        ent = rng.entropy
        if isinstance(ent, (int, np.integer)):
            root: int | tuple[int, ...] = int(ent)
        elif ent is None:
            raise OptionError("rng", rng, "a SeedSequence with entropy")
        else:
            root = tuple(int(e) for e in ent)
        reported = root if isinstance(root, int) and not rng.spawn_key else None
        return Seed(root, tuple(rng.spawn_key), reported)
    if isinstance(rng, np.random.Generator):
        words = rng.integers(0, 2**63, size=4, dtype=np.int64)
        return Seed(tuple(int(w) for w in words), (), None)
    raise OptionError("rng", rng, "None, an int, a SeedSequence or a Generator")


def blocks(iterations: int) -> list[tuple[int, int, int]]:
    """``(block index, first iteration, stop)`` of every block of a run."""
    return [(b, start, min(start + BLOCK_SIZE, iterations))
            for b, start in enumerate(range(0, iterations, BLOCK_SIZE))]


def occurrence_counts(v: np.ndarray, n: int, p: np.ndarray, sampling: Sampling) -> np.ndarray:
    """How many of a block's ``n`` iterations each risk occurs in.

    Given one uniform ``v`` per risk, the count is monotone in ``p``, so scenarios that
    lower a probability keep a subset of the same occurrences (common random numbers).

    LHS: ``floor(p n)`` plus one with probability ``frac(p n)`` -- exactly the number of
    strata ``(j + U) / n`` that fall below ``p``. Random: the binomial quantile at ``v``.
    """
    p = np.asarray(p, dtype=float)
    if sampling is Sampling.LHS:
        pn = p * n
        whole = np.floor(pn)
        return (whole + (v < pn - whole)).astype(np.int64)
    k = st.binom.ppf(v, n, p)
    return np.clip(np.nan_to_num(k, nan=0.0), 0, n).astype(np.int64)


def stratified(jitter: np.ndarray) -> np.ndarray:
    """Latin hypercube uniforms ``(j + U_j) / k`` for ``j = 0..k-1``: ascending."""
    k = jitter.shape[0]
    out = np.arange(k, dtype=float)
    out += jitter
    out *= 1.0 / k if k else 1.0
    # (k - 1 + U) / k can round up to 1.0 when U is within an ulp of 1.
    np.minimum(out, np.nextafter(1.0, 0.0), out=out)
    return out


def restricted_ranks(perm: np.ndarray, k: int) -> np.ndarray:
    """Ranks of ``perm[:k]`` among themselves: a uniform random permutation of k."""
    if k == perm.shape[0]:
        return perm
    head = perm[:k]
    ranks = np.empty(k, dtype=np.int64)
    ranks[np.argsort(head, kind="stable")] = np.arange(k)
    return ranks
