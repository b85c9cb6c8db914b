"""Correlation between risk impacts and between activity durations (Iman–Conover).

A correlation is given either as **groups** (every member of a group is correlated with
every other member by the group's coefficient; members name their group in a
``correlation_group`` column of the register or schedule) or as a **matrix** over risk
or activity ids. It is induced by Iman and Conover's (1982) method: each correlated
variable's sampled values (its Latin hypercube strata, already drawn) are *reordered*
to follow the ranks of a matrix of normal scores that has the target correlation, so
every marginal distribution is exactly what it was without correlation.

What a coefficient means (``measure``):

- ``"spearman"`` (the default, as in @RISK and Crystal Ball): the rank correlation the
  variables get, whatever their distributions. The scores are given the normal
  correlation ``2 sin(pi rho / 6)``, whose Spearman correlation is ``rho``.
- ``"pearson"``: the correlation of the normal scores themselves (a Gaussian copula's
  parameter), as cost-estimating guides state coefficients. For normally distributed
  impacts it is their ordinary (Pearson) correlation, so the variance of a sum follows
  the textbook formula; their Spearman correlation is ``(6 / pi) asin(rho / 2)``,
  within 0.018 of ``rho``.

Scores: a group is one common factor per block plus each member's own normal score,
``sqrt(rho) W + sqrt(1 - rho) E``, so a group of hundreds of risks costs one extra
column, not a dense matrix. A matrix is factored (``C = F F'``) and its factor scores
are whitened over each block, so over a block the scores' sample correlation is exactly
``C`` (Iman and Conover's own refinement). Risks are sparse: a risk's impacts exist
only where it occurs, so scores are evaluated at those iterations only, and impacts of
two risks are correlated in the iterations in which both occur. Occurrences themselves
stay independent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import OptionError

__all__ = ["MEASURES", "Correlation", "check_measure", "from_normal", "group_key",
           "nearest_correlation", "to_normal"]

MEASURES = ("spearman", "pearson")


def check_measure(measure: object) -> str:
    text = str(measure).strip().lower()
    aliases = {"spearman": "spearman", "rank": "spearman", "pearson": "pearson",
               "normal": "pearson", "linear": "pearson"}
    if text not in aliases:
        raise OptionError("measure", measure, "'spearman' (rank correlation, the default) "
                          "or 'pearson' (correlation of normal scores)")
    return aliases[text]


def to_normal(rho: np.ndarray | float, measure: str) -> np.ndarray | float:
    """The normal-score correlation that gives coefficient ``rho`` in ``measure``."""
    if measure == "spearman":
        return 2.0 * np.sin(np.pi * np.asarray(rho) / 6.0)
    return rho


def from_normal(r: np.ndarray | float, measure: str) -> np.ndarray | float:
    """Inverse of :func:`to_normal`."""
    if measure == "spearman":
        return 6.0 / np.pi * np.arcsin(np.asarray(r) / 2.0)
    return r


@dataclass(frozen=True)
class Correlation:
    """A correlation specification: coefficients per group, or a matrix over ids.

    Build it with :func:`read_correlation`, or pass ``simulate(..., correlation=...)`` a
    path, a ``{group: coefficient}`` dict or a square DataFrame (ids as index and
    columns), which are read the same way.
    """

    groups: Mapping[str, float] | None = None
    matrix: pd.DataFrame | None = field(default=None, repr=False)
    source: str = "<correlation>"
    rows: Mapping[str, int] = field(default_factory=dict, repr=False)  # id/group -> row
    repaired: bool = False
    measure: str = "spearman"
    #: (row id, column id) -> (value, text as typed) of the cells the file gave (the
    #: others mirror them or are 0), before any repair
    written: Mapping[tuple[str, str], tuple[float, str]] = field(default_factory=dict,
                                                                 repr=False)

    @property
    def form(self) -> str:
        return "groups" if self.groups is not None else "matrix"

    def describe(self) -> str:
        """One line for reports: what is correlated, from where."""
        what = "rank (Spearman)" if self.measure == "spearman" else "Pearson (normal-score)"
        if self.groups is not None:
            parts = ", ".join(f"{g} {c:g}" for g, c in self.groups.items())
            return f"{what} correlation groups from {self.source}: {parts}"
        assert self.matrix is not None
        m = self.matrix.shape[0]
        note = " (repaired to the nearest correlation matrix)" if self.repaired else ""
        return f"{what} correlation matrix of {m} ids from {self.source}{note}"

    def normal_matrix(self) -> np.ndarray:
        """The correlation matrix of the normal scores (positive semi-definite)."""
        assert self.matrix is not None
        c = np.array(to_normal(self.matrix.to_numpy(), self.measure), dtype=float)
        np.fill_diagonal(c, 1.0)
        return c


def group_key(name: Any) -> str:
    """How group names are matched: case and spaces ignored, and a whole number
    written as a float (pandas reads 1, 2 and blanks as 1.0, 2.0, NaN) as that number.

    >>> group_key(" Civil  Works"), group_key("M & E"), group_key(2.0), group_key("2")
    ('civilworks', 'm&e', '2', '2')
    """
    text = "".join(str(name).split()).casefold()
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() else text


def nearest_correlation(a: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000
                        ) -> np.ndarray:
    """The correlation matrix nearest to symmetric ``a`` in the Frobenius norm.

    Higham's (2002) alternating projections with Dykstra's correction: between the
    positive semi-definite matrices and the matrices with a unit diagonal.

    >>> c = nearest_correlation(np.array([[1, .9, .9], [.9, 1, -.9], [.9, -.9, 1]]))
    >>> bool(np.linalg.eigvalsh(c)[0] > -1e-9), np.allclose(np.diag(c), 1)
    (True, True)
    """
    a = np.asarray(a, dtype=float)
    y = a.copy()
    correction = np.zeros_like(a)
    for _ in range(max_iter):
        r = y - correction
        w, v = np.linalg.eigh(r)
        x = (v * np.maximum(w, 0.0)) @ v.T
        correction = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        done = bool(np.linalg.norm(y_new - y) <= tol * max(1.0, float(np.linalg.norm(y))))
        y = y_new
        if done:
            break
    y = 0.5 * (y + y.T)
    w, v = np.linalg.eigh(y)
    y = (v * np.maximum(w, 0.0)) @ v.T
    d = np.sqrt(np.diag(y))
    y = y / np.outer(d, d)
    np.fill_diagonal(y, 1.0)
    return y

