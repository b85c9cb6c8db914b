"""The base of every distribution: an inverse CDF through the kernels' rules."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ..exceptions import InputError, Problem
from ..kernels.kinds import Rule

__all__ = ["Distribution", "KernelForm", "estimate_error", "pack_tables"]


@dataclass(frozen=True)
class KernelForm:
    """How the kernels draw from a distribution: a rule, its four parameters, and the
    tables it reads, as (x knots, y knots) pairs. Parameters that name a table hold its
    index in ``tables``."""

    rule: Rule
    params: tuple[float, float, float, float]
    tables: tuple[tuple[np.ndarray, np.ndarray], ...] = ()

    #: Which parameters of a rule are table indexes.
    TABLE_PARAMS: ClassVar[dict[Rule, tuple[int, ...]]] = {Rule.BETA: (1, 3),
                                                            Rule.DISCRETE: (0,)}


def estimate_error(message: str, value: Any = None, hint: str | None = None) -> InputError:
    """The error of an estimate a distribution cannot take, naming its values."""
    return InputError(Problem(message, value=None if value is None else str(value), hint=hint))


class Distribution:
    """Base class: a frozen distribution with an inverse CDF through the kernels."""

    family: ClassVar[str] = ""
    #: the compiled rule its draws go through (:mod:`riskkit.kernels.rules`)
    rule: ClassVar[Rule]
    #: the smallest and largest value a draw can take (a field or a property)
    low: float
    high: float

    @property
    def mean(self) -> float:
        raise NotImplementedError  # pragma: no cover - abstract

    @property
    def variance(self) -> float:
        raise NotImplementedError  # pragma: no cover - abstract

    @property
    def is_fixed(self) -> bool:
        return False

    @property
    def estimate(self) -> tuple[float, float, float]:
        """The estimate as a register writes it: (min, most likely, max), or for a
        percentile family (P10, most likely, P90); NaN where it has none."""
        return (self.low, math.nan, self.high)

    def kernel(self) -> KernelForm:
        """The rule and parameters the kernels draw with."""
        raise NotImplementedError  # pragma: no cover - abstract

    @functools.cached_property
    def form(self) -> KernelForm:
        """:meth:`kernel`, built once per distribution (plans read it for every run)."""
        return self.kernel()

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        """Inverse CDF at ``u``. ``sorted``: u is ascending (a faster path). ``out``:
        where to write the result; it may be ``u`` itself."""
        from ..kernels import rules

        form = self.kernel()
        tables, data = pack_tables([form.tables])
        values = rules.ppf(form.rule, form.params, tables, data, u, sorted)
        if out is None:
            return values
        out[...] = values
        return out


def pack_tables(groups: list[tuple[tuple[np.ndarray, np.ndarray], ...]]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Tables of several kernel forms as the kernels read them: rows of (start,
    length) into one float64 array holding, per table, its ``length`` x knots, its y
    knots and the slopes between them (as ``np.interp`` computes them), in order."""
    pairs = [pair for group in groups for pair in group]
    index = np.zeros((max(len(pairs), 1), 2), dtype=np.int64)
    parts: list[np.ndarray] = []
    start = 0
    for i, (x, y) in enumerate(pairs):
        index[i] = (start, x.size)
        with np.errstate(divide="ignore", invalid="ignore"):  # a discrete table's flats
            slopes = np.append(np.diff(y) / np.diff(x), 0.0)
        parts += [x, y, slopes]
        start += 3 * x.size
    data = np.concatenate(parts) if parts else np.zeros(1)
    return index, data
