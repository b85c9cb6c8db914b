"""Three-point distributions as vectorised inverse CDFs in probability space.

Sampling in riskkit draws uniforms first (Monte Carlo or Latin hypercube) and maps
them through each distribution's ``ppf``. Every distribution here is a small frozen
object on a minimum ``low``, a most likely ``mode`` and a maximum ``high``.

``ppf(u, sorted=True)`` is a fast path for ascending ``u``, which the Latin hypercube
sampler produces: it avoids branch masks and lets the PERT table walk forward.
"""

from __future__ import annotations

import enum
import functools
import math
import re
from dataclasses import dataclass

import numpy as np
import scipy.special as sc

from .exceptions import OptionError

__all__ = [
    "Discrete",
    "Distribution",
    "Family",
    "Fixed",
    "Lognormal",
    "Normal",
    "Pert",
    "Triangular",
    "Uniform",
    "trigen",
    "make_distribution",
    "parse_family",
]


class Family(str, enum.Enum):
    """Distribution families a register row may name in its ``distribution`` column."""

    TRIANGULAR = "triangular"
    PERT = "pert"
    UNIFORM = "uniform"
    TRIGEN = "trigen"
    LOGNORMAL = "lognormal"
    NORMAL = "normal"
    DISCRETE = "discrete"


#: Families whose min and max columns are the P10 and P90, not the end points.
PERCENTILE_FAMILIES = frozenset({Family.TRIGEN, Family.LOGNORMAL, Family.NORMAL})
_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


_FAMILY_NAMES = {
    "triangular": Family.TRIANGULAR, "triangle": Family.TRIANGULAR,
    "triang": Family.TRIANGULAR, "tri": Family.TRIANGULAR,
    "pert": Family.PERT, "betapert": Family.PERT, "beta-pert": Family.PERT,
    "beta pert": Family.PERT, "beta_pert": Family.PERT,
    "uniform": Family.UNIFORM, "rectangular": Family.UNIFORM, "flat": Family.UNIFORM,
    "trigen": Family.TRIGEN, "triangular p10 p90": Family.TRIGEN,
    "lognormal": Family.LOGNORMAL, "log-normal": Family.LOGNORMAL, "log normal": Family.LOGNORMAL,
    "normal": Family.NORMAL, "gaussian": Family.NORMAL,
    "discrete": Family.DISCRETE,
}


def parse_family(name: str | Family | None) -> Family:
    """Read a distribution name as users write it (case and spacing ignored).

    >>> parse_family("Beta-PERT")
    <Family.PERT: 'pert'>
    """
    if name is None or (isinstance(name, str) and not name.strip()):
        return Family.TRIANGULAR
    if isinstance(name, Family):
        return name
    key = " ".join(str(name).strip().lower().split())
    if key in _FAMILY_NAMES:
        return _FAMILY_NAMES[key]
    raise OptionError("distribution", name, "one of triangular, pert, uniform, trigen, "
                      "lognormal, normal, discrete")


def _into(values: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """Return ``values``, or copy them into ``out`` and return that."""
    if out is None:
        return values
    out[...] = values
    return out


class Distribution:
    """Base class: a frozen distribution with a vectorised inverse CDF."""

    low: float
    high: float

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        """Inverse CDF at ``u``. ``sorted``: u is ascending (a faster path). ``out``:
        where to write the result; it may be ``u`` itself."""
        raise NotImplementedError  # pragma: no cover - abstract

    @property
    def mean(self) -> float:
        raise NotImplementedError  # pragma: no cover - abstract

    @property
    def is_fixed(self) -> bool:
        return False


@dataclass(frozen=True)
class Fixed(Distribution):
    """A certain value: every draw returns ``value``."""

    value: float

    @property
    def low(self) -> float:  # type: ignore[override]
        return self.value

    @property
    def high(self) -> float:  # type: ignore[override]
        return self.value

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        if out is None:
            return np.full(np.shape(u), self.value, dtype=float)
        out[...] = self.value
        return out

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    @property
    def is_fixed(self) -> bool:
        return True


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high]; a most likely value, if given, is ignored."""

    low: float
    high: float

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        out = np.multiply(u, self.high - self.low, out=out)
        out += self.low
        return out

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on [low, high] with its peak at ``mode``; inverse CDF in closed form."""

    low: float
    mode: float
    high: float

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        a, m, b = self.low, self.mode, self.high
        u = np.asarray(u, dtype=float)
        c = (m - a) / (b - a)
        if out is None:
            out = np.empty_like(u)
        if sorted:
            i = int(np.searchsorted(u, c))
            lo, hi = out[:i], out[i:]
            np.multiply(u[:i], (b - a) * (m - a), out=lo)
            np.sqrt(lo, out=lo)
            lo += a
            np.subtract(1.0, u[i:], out=hi)
            hi *= (b - a) * (b - m)
            np.sqrt(hi, out=hi)
            np.subtract(b, hi, out=hi)
            return out
        below = u < c
        out[below] = a + np.sqrt(u[below] * ((b - a) * (m - a)))
        above = ~below
        out[above] = b - np.sqrt((1.0 - u[above]) * ((b - a) * (b - m)))
        return out

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    @property
    def variance(self) -> float:
        a, m, b = self.low, self.mode, self.high
        return (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0


#: Knots of the PERT inverse-CDF table. They are spaced in x (not in u) and packed
#: towards both ends, so the linear interpolation of the inverse errs by less than
#: 1e-6 of the range everywhere, tails included (tests/test_distributions.py checks
#: the maximum error against scipy's betaincinv over the whole parameter range).
_PERT_KNOTS = 4097


@functools.lru_cache(maxsize=4096)
def _beta_table(alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Knots (cdf, x) of the lower tail of Beta(alpha, beta), up to past the median.

    The upper tail is read from the table of Beta(beta, alpha) on 1 - u, so that
    probabilities near 1 keep their full precision (1 - F would round to 0 there).
    """
    t = np.linspace(0.0, np.pi, _PERT_KNOTS)
    # Chebyshev spacing: cells grow like sqrt(x) near 0, which is what keeps the chord
    # error of the inverse, dx^2 |f'| / (8 f), level where f ~ x^(alpha - 1).
    x = 0.5 * (1.0 - np.cos(t))
    # Evaluate only as far as just past the median, in steps: the upper tail comes
    # from the mirrored table.
    parts, stop, step = [], 0, _PERT_KNOTS // 8
    while stop < x.size:
        part = sc.betainc(alpha, beta, x[stop:stop + step])
        parts.append(part)
        stop += part.size
        if part[-1] > 0.5:
            break
    cdf = np.concatenate(parts)
    cdf[0] = 0.0
    stop = min(int(np.searchsorted(cdf, 0.5)) + 2, cdf.size)
    x, cdf = x[:stop], cdf[:stop]
    keep = np.concatenate(([True], np.diff(cdf) > 0))
    x, cdf = x[keep], cdf[keep]
    x.setflags(write=False)
    cdf.setflags(write=False)
    return cdf, x


def _beta_ppf(alpha: float, beta: float, u: np.ndarray, is_sorted: bool) -> np.ndarray:
    lo_cdf, lo_x = _beta_table(alpha, beta)
    hi_cdf, hi_x = _beta_table(beta, alpha)
    if is_sorted:
        i = int(np.searchsorted(u, 0.5))
        out = np.empty_like(u)
        out[:i] = np.interp(u[:i], lo_cdf, lo_x)
        upper = np.subtract(1.0, u[i:])
        out[i:] = np.interp(upper, hi_cdf, hi_x)
        np.subtract(1.0, out[i:], out=out[i:])
        return out
    low = u <= 0.5
    out = np.interp(u, lo_cdf, lo_x)
    high = ~low
    out[high] = 1.0 - np.interp(1.0 - u[high], hi_cdf, hi_x)
    return out


@dataclass(frozen=True)
class Pert(Distribution):
    """Beta-PERT with lambda 4 on [low, high] with most likely value ``mode``.

    alpha = 1 + 4 (mode - low) / (high - low), beta = 1 + 4 (high - mode) / (high - low),
    so the mean is (low + 4 mode + high) / 6. Built from the mode, not from the mean.
    The inverse CDF is a table of the exact regularised incomplete beta function,
    interpolated; see ``_beta_table``.
    """

    low: float
    mode: float
    high: float

    @property
    def alpha(self) -> float:
        return 1.0 + 4.0 * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        return 1.0 + 4.0 * (self.high - self.mode) / (self.high - self.low)

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        out = _into(_beta_ppf(round(self.alpha, 12), round(self.beta, 12), u, sorted), out)
        out *= self.high - self.low
        out += self.low
        return out

    def ppf_exact(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF through scipy's ``betaincinv``: exact, about 100x slower."""
        x = sc.betaincinv(self.alpha, self.beta, np.asarray(u, dtype=float))
        return self.low + x * (self.high - self.low)

    @property
    def mean(self) -> float:
        return (self.low + 4.0 * self.mode + self.high) / 6.0

    @property
    def variance(self) -> float:
        a, b = self.alpha, self.beta
        return (self.high - self.low) ** 2 * a * b / ((a + b) ** 2 * (a + b + 1.0))


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with ``mean`` and ``sd``, truncated below at ``floor`` (None: not truncated).

    :meth:`from_percentiles` builds it from a P10 and a P90.
    """

    mean_: float
    sd: float
    floor: float | None = 0.0

    @classmethod
    def from_percentiles(cls, p10: float, p90: float, floor: float | None = 0.0) -> Normal:
        return cls(0.5 * (p10 + p90), (p90 - p10) / (2 * _Z90), floor)

    @property
    def _u0(self) -> float:
        if self.floor is None:
            return 0.0
        return float(sc.ndtr((self.floor - self.mean_) / self.sd))

    @property
    def low(self) -> float:  # type: ignore[override]
        return -math.inf if self.floor is None else self.floor

    @property
    def high(self) -> float:  # type: ignore[override]
        return math.inf

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        u0 = self._u0
        v = np.asarray(u, dtype=float) * (1.0 - u0) + u0 if u0 else np.asarray(u, dtype=float)
        x = self.mean_ + self.sd * sc.ndtri(np.clip(v, 1e-300, 1 - 1e-16))
        return _into(x, out)

    @property
    def mean(self) -> float:
        if self.floor is None:
            return self.mean_
        a = (self.floor - self.mean_) / self.sd
        return self.mean_ + self.sd * float(np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)
                                            / (1.0 - sc.ndtr(a)))

    @property
    def variance(self) -> float:
        if self.floor is None:
            return self.sd**2
        a = (self.floor - self.mean_) / self.sd
        phi = float(np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi))
        z = 1.0 - float(sc.ndtr(a))
        lam = phi / z
        return self.sd**2 * (1 + a * lam - lam * lam)


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal: ``exp(mu + sigma Z)``. Built from a P10 and a P90
    (:meth:`from_percentiles`) or from a mean and standard deviation (:meth:`from_moments`).
    """

    mu: float
    sigma: float

    @classmethod
    def from_percentiles(cls, p10: float, p90: float) -> Lognormal:
        if not 0 < p10 < p90:
            raise ValueError(f"a lognormal needs 0 < P10 < P90, got {p10}, {p90}")
        return cls(0.5 * (math.log(p10) + math.log(p90)),
                   (math.log(p90) - math.log(p10)) / (2 * _Z90))

    @classmethod
    def from_moments(cls, mean: float, sd: float) -> Lognormal:
        if not (mean > 0 and sd > 0):
            raise ValueError("a lognormal needs a positive mean and standard deviation")
        sigma2 = math.log(1 + (sd / mean) ** 2)
        return cls(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))

    @property
    def low(self) -> float:  # type: ignore[override]
        return 0.0

    @property
    def high(self) -> float:  # type: ignore[override]
        return math.inf

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        z = sc.ndtri(np.clip(np.asarray(u, dtype=float), 1e-300, 1 - 1e-16))
        x = np.exp(self.mu + self.sigma * z)
        return _into(x, out)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    @property
    def variance(self) -> float:
        return (math.exp(self.sigma**2) - 1) * math.exp(2 * self.mu + self.sigma**2)


def _trigen_ends(p_low: float, mode: float, p_high: float, q_low: float, q_high: float
                 ) -> tuple[float, float]:
    """End points (a, b) of the triangle with mode ``mode`` whose q_low and q_high
    quantiles are p_low and p_high."""
    from scipy.optimize import brentq

    if not p_low < p_high or not p_low <= mode <= p_high:
        raise ValueError(f"trigen needs P10 <= most likely <= P90 and P10 < P90, got "
                         f"{p_low}, {mode}, {p_high}")
    span = p_high - p_low

    def b_for(a: float) -> float:
        # For a given a, the b that puts the q_high quantile at p_high.
        def f(b: float) -> float:
            return float(Triangular(a, mode, b).ppf(np.array([q_high]))[0] - p_high)
        lo, hi = max(p_high, mode) + 1e-12 * span, p_high + 100 * span
        return float(brentq(f, lo, hi, xtol=1e-12 * span))

    def g(a: float) -> float:
        b = b_for(a)
        return float(Triangular(a, mode, b).ppf(np.array([q_low]))[0] - p_low)

    a = float(brentq(g, p_low - 100 * span, min(p_low, mode) - 1e-12 * span,
                     xtol=1e-12 * span))
    return a, b_for(a)


def trigen(p_low: float, mode: float, p_high: float, q_low: float = 0.1,
           q_high: float = 0.9) -> Triangular:
    """The triangle with most likely value ``mode`` whose ``q_low`` and ``q_high``
    percentiles are ``p_low`` and ``p_high`` (the tails extend beyond them), as Safran Risk
    and Oracle Primavera Cloud offer.

    >>> d = trigen(80, 100, 130)
    >>> round(float(d.ppf(np.array([0.1]))[0]), 6), round(float(d.ppf(np.array([0.9]))[0]), 6)
    (80.0, 130.0)
    """
    a, b = _trigen_ends(p_low, mode, p_high, q_low, q_high)
    return Triangular(a, mode, b)


@dataclass(frozen=True)
class Discrete(Distribution):
    """A discrete distribution: ``values`` with ``probabilities`` summing to 1.

    :meth:`parse` reads a cell such as ``50:0.1;100:0.5;200:0.4`` (``50:10%`` works too).
    """

    values: tuple[float, ...]
    probabilities: tuple[float, ...]

    @classmethod
    def parse(cls, text: str, *, decimal_comma: bool = False) -> Discrete:
        from . import _parse

        pairs = [p for p in re.split(r"[;|\n]", str(text)) if p.strip()]
        values, probs = [], []
        for pair in pairs:
            if ":" not in pair:
                raise ValueError(f"'{pair.strip()}' is not a value:probability pair")
            v, p = pair.rsplit(":", 1)
            value = _parse.parse_number(v, decimal_comma=decimal_comma, allow_days=True)
            prob = _parse.parse_number(p, decimal_comma=decimal_comma, allow_currency=False)
            if value is None or prob is None:
                raise ValueError(f"'{pair.strip()}' lacks a value or a probability")
            values.append(value.value)
            probs.append(prob.value)
        if len(values) < 1:
            raise ValueError("no value:probability pairs")
        if any(p < 0 for p in probs) or abs(sum(probs) - 1.0) > 1e-6:
            raise ValueError(f"probabilities must be >= 0 and sum to 1 (they sum to "
                             f"{sum(probs):g})")
        order = np.argsort(values, kind="stable")
        return cls(tuple(float(values[i]) for i in order), tuple(float(probs[i]) for i in order))

    @property
    def low(self) -> float:  # type: ignore[override]
        return self.values[0]

    @property
    def high(self) -> float:  # type: ignore[override]
        return self.values[-1]

    def ppf(self, u: np.ndarray, *, sorted: bool = False, out: np.ndarray | None = None
            ) -> np.ndarray:
        cum = np.cumsum(self.probabilities)
        cum[-1] = 1.0
        idx = np.searchsorted(cum, np.asarray(u, dtype=float), side="right")
        x = np.asarray(self.values)[np.minimum(idx, len(self.values) - 1)]
        return _into(x, out)

    @property
    def mean(self) -> float:
        return float(np.dot(self.values, self.probabilities))

    @property
    def variance(self) -> float:
        v, p = np.asarray(self.values), np.asarray(self.probabilities)
        return float(np.dot(p, (v - self.mean) ** 2))

    @property
    def is_fixed(self) -> bool:
        return len(self.values) == 1


def make_distribution(
    family: Family | str | None, low: float, mode: float, high: float
) -> Distribution:
    """Build a distribution from a three-point estimate.

    Equal low, mode and high give a :class:`Fixed` value whatever the family.

    >>> make_distribution("pert", 0, 50, 100).mean
    50.0
    """
    fam = parse_family(family)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("three-point estimate must be finite")
    if fam in PERCENTILE_FAMILIES and low == high:
        return Fixed(low)
    if fam is Family.LOGNORMAL:
        return Lognormal.from_percentiles(low, high)
    if fam is Family.NORMAL:
        return Normal.from_percentiles(low, high, floor=0.0 if low >= 0 else None)
    if fam is Family.TRIGEN:
        return trigen(low, mode if math.isfinite(mode) else 0.5 * (low + high), high)
    if fam is Family.DISCRETE:
        raise ValueError("a discrete distribution is written as value:probability pairs")
    if fam is Family.UNIFORM:
        if not low <= high:
            raise ValueError(f"min {low} > max {high}")
        return Fixed(low) if low == high else Uniform(low, high)
    if not (math.isfinite(mode) and low <= mode <= high):
        raise ValueError(f"need min <= most likely <= max, got {low}, {mode}, {high}")
    if low == high:
        return Fixed(low)
    if fam is Family.PERT:
        return Pert(low, mode, high)
    return Triangular(low, mode, high)
