"""What every run is told: iterations, seed, sampling, correlation and where to run.

One :class:`RunOptions` value carries what ``simulate``, ``rank_mitigations``,
``risk_drivers``, ``select_mitigations`` and ``write_report`` all take; their keyword
arguments of the same names build one, or override a given ``options``. Its seed is
normalised once, so every run made with the same options draws the same streams.
"""

from __future__ import annotations

import enum
from concurrent.futures import Executor
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
import scipy.stats as st

from ..exceptions import OptionError
from ..seeds import make_seed, reported_seed

__all__ = ["RunOptions", "Sampling", "check_iterations", "occurrence_counts"]


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


def check_iterations(iterations: object, name: str = "iterations") -> int:
    """A whole number >= 1."""
    if isinstance(iterations, (bool, np.bool_)) or not isinstance(iterations,
                                                                  (int, np.integer)):
        raise OptionError(name, iterations, "a whole number >= 1")
    if iterations < 1:
        raise OptionError(name, iterations, "a whole number >= 1")
    return int(iterations)


def check_workers(workers: object) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise OptionError("workers", workers, "a whole number >= 1")
    return workers


@dataclass(frozen=True)
class RunOptions:
    """How to run a simulation (and every run that follows from it).

    ``rng`` accepts None, an int, a ``SeedSequence`` or a ``Generator`` (SPEC 7) and is
    kept as the ``SeedSequence`` it stands for: two runs with the same options draw the
    same random numbers, even when ``rng`` was a Generator. ``iterations`` may be
    ``"auto"`` for :func:`riskkit.simulate`. ``correlation`` is a path, a dict, a
    DataFrame, a :class:`~riskkit.Correlation` or ``"none"``; a file is read once here.

    Examples
    --------
    >>> import riskkit as rk, numpy as np
    >>> opts = rk.RunOptions(iterations=2_000, rng=np.random.default_rng(1))
    >>> reg = rk.read_register("sample_registers/it_migration.csv")
    >>> a, b = rk.simulate(reg, options=opts), rk.simulate(reg, options=opts)
    >>> bool((a.cost == b.cost).all())
    True
    """

    iterations: int | str = 10_000
    rng: Any = None
    sampling: Sampling | str = Sampling.LHS
    correlation: Any = None
    progress: bool | None = None
    executor: Executor | None = None
    workers: int | None = None
    chunk_size: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.iterations, str):
            if self.iterations.strip().lower() != "auto":
                raise OptionError("iterations", self.iterations,
                                  "a whole number >= 1 or 'auto'")
            object.__setattr__(self, "iterations", "auto")
        else:
            object.__setattr__(self, "iterations", check_iterations(self.iterations))
        object.__setattr__(self, "rng", make_seed(self.rng))
        object.__setattr__(self, "sampling", Sampling.parse(self.sampling))
        object.__setattr__(self, "workers", check_workers(self.workers))
        if self.chunk_size is not None:
            object.__setattr__(self, "chunk_size", check_iterations(self.chunk_size,
                                                                    "chunk_size"))
        if self.executor is not None and not (hasattr(self.executor, "map")
                                              and hasattr(self.executor, "submit")):
            raise OptionError("executor", type(self.executor).__name__,
                              "a concurrent.futures.Executor")
        from .correlation import prepare

        object.__setattr__(self, "correlation", prepare(self.correlation))

    @property
    def seed(self) -> np.random.SeedSequence:
        """The root of every stream of the run."""
        return self.rng  # type: ignore[no-any-return]

    @property
    def reported_seed(self) -> int | None:
        """The integer that repeats the run, when there is one."""
        return reported_seed(self.seed)

    @property
    def count(self) -> int:
        """The iterations, as a number (not "auto")."""
        return check_iterations(self.iterations)

    @property
    def parallel(self) -> bool:
        return self.executor is not None or bool(self.workers and self.workers > 1)

    def replace(self, **changes: Any) -> RunOptions:
        """These options with some changed (the seed kept unless ``rng`` is given)."""
        return replace(self, **changes)

    @classmethod
    def of(cls, options: RunOptions | None = None, **given: Any) -> RunOptions:
        """``options`` (or the defaults) with every given value that is not None."""
        names = {f.name for f in fields(cls)}
        unknown = set(given) - names
        if unknown:
            raise OptionError("options", ", ".join(sorted(unknown)),
                              "fields of RunOptions: " + ", ".join(sorted(names)))
        changes = {k: v for k, v in given.items() if v is not None}
        if options is None:
            return cls(**changes)
        if not isinstance(options, RunOptions):
            raise OptionError("options", type(options).__name__, "a RunOptions")
        return options.replace(**changes) if changes else options


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
