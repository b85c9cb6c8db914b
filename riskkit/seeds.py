"""Reproducibility as a value: the ``SeedSequence`` of a run and the keys of its streams.

Iterations are cut into fixed blocks of :data:`BLOCK_SIZE`. In block ``b`` every risk,
activity and correlated set draws from its own stream: the PCG64 generator of
``SeedSequence(entropy, spawn_key=root_key + (b, kind, *namespace, key))``, where
``key`` is a 63-bit hash of its id and ``namespace`` the hash of its project (empty for
a register or schedule without one). Streams never depend on row order, chunk size or
worker count, and two projects' risks called "R1" never share one.
"""

from __future__ import annotations

import hashlib
import secrets

import numpy as np

from .exceptions import OptionError

__all__ = ["ACTIVITY_STREAM", "BLOCK_SIZE", "BRANCH_STREAM", "CORRELATION_STREAM",
           "DRIVER_STREAM", "EVENT_STREAM", "FRESH_SEEDS", "RISK_STREAM", "WEATHER_STREAM",
           "blocks", "fresh_seed", "make_seed", "reported_seed", "stable_key", "stream_key"]

#: Iterations per random-number block. Part of the reproducibility contract: changing
#: it changes every result for a given seed.
BLOCK_SIZE = 65_536

#: Stream kinds within a block (the second element of a stream's spawn key).
RISK_STREAM = 0
ACTIVITY_STREAM = 1
CORRELATION_STREAM = 2  # key (block, 2, set, layer): layer 0 cost, 1 schedule, 2 durations
DRIVER_STREAM = 3  # key (block, 3, risk key): a risk driver's occurrence and factors
BRANCH_STREAM = 4  # key (block, 4, activity or branch key): existence and branch choices
WEATHER_STREAM = 5  # key (block, 5, rule key, month): a weather rule's lost days
EVENT_STREAM = 6  # key (block, 6, risk or group key): conditional and exclusive occurrences

#: An unseeded run draws its seed from this range: eight digits a person can read off a
#: pack or a terminal and retype as ``--seed`` (or ``rng=``) to repeat the run.
FRESH_SEEDS = range(10_000_000, 100_000_000)


def stable_key(text: str) -> int:
    """A 63-bit integer that depends only on ``text``: random streams are keyed by id,
    so reordering rows or adding an activity leaves every other draw unchanged."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(),
                          "little") >> 1


def stream_key(identifier: str, project: str | None = None) -> tuple[int, ...]:
    """The end of the spawn key of a risk's or an activity's streams: its id's key,
    after its project's when it has one."""
    if project:
        return (stable_key(f"project:{project}"), stable_key(identifier))
    return (stable_key(identifier),)


def make_seed(rng: object) -> np.random.SeedSequence:
    """Normalise ``rng`` (SPEC 7) into the ``SeedSequence`` a run draws from.

    An int or a SeedSequence is used as given. A Generator is consumed once to derive a
    root, so passing the same generator twice gives two different runs, as SPEC 7
    expects. None draws a fresh seed (:func:`fresh_seed`) and uses it as an int seed,
    so the run reports it and that int repeats it.
    """
    if isinstance(rng, (bool, np.bool_)):
        raise OptionError("rng", rng, "None, an int, a SeedSequence or a Generator")
    if rng is None:
        return np.random.SeedSequence(fresh_seed())
    if isinstance(rng, (int, np.integer)):
        if rng < 0:
            raise OptionError("rng", rng, "a non-negative int")
        return np.random.SeedSequence(int(rng))
    if isinstance(rng, np.random.SeedSequence):
        if rng.entropy is None:
            raise OptionError("rng", rng, "a SeedSequence with entropy")
        ent = rng.entropy
        root = int(ent) if isinstance(ent, (int, np.integer)) else tuple(int(e) for e in ent)
        return np.random.SeedSequence(root, spawn_key=tuple(rng.spawn_key))
    if isinstance(rng, np.random.Generator):
        words = rng.integers(0, 2**63, size=4, dtype=np.int64)
        return np.random.SeedSequence(tuple(int(w) for w in words))
    raise OptionError("rng", rng, "None, an int, a SeedSequence or a Generator")


def fresh_seed() -> int:
    """A seed for a run that was given none: eight digits from the operating system's
    entropy (:data:`FRESH_SEEDS`).

    Every seed gives streams of the same quality (a ``SeedSequence`` hashes it), so a
    short one costs nothing; what matters is that the number reported with the
    results can be typed back. Two unseeded runs share a seed once in 90 million.

    >>> fresh_seed() in FRESH_SEEDS
    True
    """
    return FRESH_SEEDS.start + secrets.randbelow(len(FRESH_SEEDS))


def reported_seed(seed: np.random.SeedSequence) -> int | None:
    """The integer that repeats a run (``--seed``), or None when its seed is not one
    (a Generator's draws, a spawned SeedSequence)."""
    ent = seed.entropy
    if isinstance(ent, (int, np.integer)) and not seed.spawn_key:
        return int(ent)
    return None


def entropy_of(seed: np.random.SeedSequence) -> int | tuple[int, ...]:
    ent = seed.entropy
    return int(ent) if isinstance(ent, (int, np.integer)) else tuple(int(e) for e in ent)  # type: ignore[union-attr]


def blocks(iterations: int) -> list[tuple[int, int, int]]:
    """``(block index, first iteration, stop)`` of every block of a run."""
    return [(b, start, min(start + BLOCK_SIZE, iterations))
            for b, start in enumerate(range(0, iterations, BLOCK_SIZE))]
