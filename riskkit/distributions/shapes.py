"""The distributions riskkit samples: fixed, uniform, triangular (and trigen), PERT,
normal, lognormal and discrete. Each keeps the estimate it was built from."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import scipy.special as sc

from ..kernels.kinds import Rule
from .base import Distribution, KernelForm, estimate_error

__all__ = ["Discrete", "Fixed", "Lognormal", "Normal", "Pert", "Triangular", "Trigen",
           "Uniform", "beta_table", "trigen"]

_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


@dataclass(frozen=True)
class Fixed(Distribution):
    """A certain value: every draw returns ``value``."""

    value: float
    family: ClassVar[str] = "fixed"
    rule: ClassVar[Rule] = Rule.FIXED

    @property
    def low(self) -> float:  # type: ignore[override]
        return self.value

    @property
    def high(self) -> float:  # type: ignore[override]
        return self.value

    @property
    def mean(self) -> float:
        return self.value

    @property
    def variance(self) -> float:
        return 0.0

    @property
    def is_fixed(self) -> bool:
        return True

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.value, self.value, self.value)

    def kernel(self) -> KernelForm:
        return KernelForm(self.rule, (self.value, 0.0, 0.0, 0.0))


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high]; a most likely value, if given, is ignored."""

    low: float
    high: float
    family: ClassVar[str] = "uniform"
    rule: ClassVar[Rule] = Rule.UNIFORM

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise estimate_error("a uniform distribution needs min < max",
                           f"{self.low:g} / {self.high:g}")

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0

    def kernel(self) -> KernelForm:
        return KernelForm(self.rule, (self.low, 0.0, self.high, 0.0))


@dataclass(frozen=True)
class Triangular(Distribution):
    """Triangular on [low, high] with its peak at ``mode``."""

    low: float
    mode: float
    high: float
    family: ClassVar[str] = "triangular"
    rule: ClassVar[Rule] = Rule.TRIANGULAR

    def __post_init__(self) -> None:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise estimate_error("a triangular distribution needs min <= most likely <= max and "
                           "min < max", f"{self.low:g} / {self.mode:g} / {self.high:g}")

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3.0

    @property
    def variance(self) -> float:
        a, m, b = self.low, self.mode, self.high
        return (a * a + m * m + b * b - a * m - a * b - m * b) / 18.0

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.low, self.mode, self.high)

    def kernel(self) -> KernelForm:
        return KernelForm(self.rule, (self.low, self.mode, self.high, 0.0))


@dataclass(frozen=True)
class Trigen(Triangular):
    """The triangle with most likely value ``mode`` whose ``q_low`` and ``q_high``
    percentiles are ``p_low`` and ``p_high``; build it with :func:`trigen`."""

    p_low: float = math.nan
    p_high: float = math.nan
    q_low: float = 0.1
    q_high: float = 0.9
    family: ClassVar[str] = "trigen"

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.p_low, self.mode, self.p_high)


def _trigen_ends(p_low: float, mode: float, p_high: float, q_low: float, q_high: float
                 ) -> tuple[float, float]:
    """End points (a, b) of the triangle with mode ``mode`` whose q_low and q_high
    quantiles are p_low and p_high."""
    from scipy.optimize import brentq

    if not p_low < p_high or not p_low <= mode <= p_high:
        raise estimate_error("trigen needs P10 <= most likely <= P90 and P10 < P90",
                       f"{p_low:g} / {mode:g} / {p_high:g}")
    span = p_high - p_low

    def quantile(a: float, b: float, q: float) -> float:
        return float(Triangular(a, mode, b).ppf(np.array([q]))[0])

    def b_for(a: float) -> float:
        # For a given a, the b that puts the q_high quantile at p_high.
        lo, hi = max(p_high, mode) + 1e-12 * span, p_high + 100 * span
        return float(brentq(lambda b: quantile(a, b, q_high) - p_high, lo, hi,
                            xtol=1e-12 * span))

    a = float(brentq(lambda a: quantile(a, b_for(a), q_low) - p_low, p_low - 100 * span,
                     min(p_low, mode) - 1e-12 * span, xtol=1e-12 * span))
    return a, b_for(a)


def trigen(p_low: float, mode: float, p_high: float, q_low: float = 0.1,
           q_high: float = 0.9) -> Trigen:
    """The triangle with most likely value ``mode`` whose ``q_low`` and ``q_high``
    percentiles are ``p_low`` and ``p_high`` (the tails extend beyond them), as Safran
    Risk and Oracle Primavera Cloud offer.

    >>> d = trigen(80, 100, 130)
    >>> round(float(d.ppf(np.array([0.1]))[0]), 6), round(float(d.ppf(np.array([0.9]))[0]), 6)
    (80.0, 130.0)
    """
    a, b = _trigen_ends(p_low, mode, p_high, q_low, q_high)
    return Trigen(a, mode, b, p_low, p_high, q_low, q_high)


#: Knots of the beta inverse-CDF tables. They are spaced in x (not in u) and packed
#: towards both ends, so the linear interpolation of the inverse errs by less than
#: 1e-6 of the range everywhere, tails included (tests/test_distributions.py checks
#: the maximum error against scipy's betaincinv over the whole parameter range).
_BETA_KNOTS = 4097


@functools.lru_cache(maxsize=4096)
def beta_table(alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """Knots (cdf, x) of the lower tail of Beta(alpha, beta), up to past the median.

    The upper tail is read from the table of Beta(beta, alpha) on 1 - u, so that
    probabilities near 1 keep their full precision (1 - F would round to 0 there).
    """
    t = np.linspace(0.0, np.pi, _BETA_KNOTS)
    # Chebyshev spacing: cells grow like sqrt(x) near 0, which is what keeps the chord
    # error of the inverse, dx^2 |f'| / (8 f), level where f ~ x^(alpha - 1).
    x = 0.5 * (1.0 - np.cos(t))
    # Evaluate only as far as just past the median, in steps: the upper tail comes
    # from the mirrored table.
    parts, stop, step = [], 0, _BETA_KNOTS // 8
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


@dataclass(frozen=True)
class Pert(Distribution):
    """Beta-PERT on [low, high] with most likely value ``mode`` and shape ``lam``
    (4 for the classic PERT; other values give the modified PERT, ModelRisk's
    VoseModPERT, which @RISK users build with RiskBetaGeneral: a larger lam
    concentrates it on the mode).

    alpha = 1 + lam (mode - low) / (high - low), beta = 1 + lam (high - mode) /
    (high - low), so the mean is (low + lam mode + high) / (lam + 2). Built from the
    mode, not from the mean. The inverse CDF interpolates a table of the exact
    regularised incomplete beta function (:func:`beta_table`).
    """

    low: float
    mode: float
    high: float
    lam: float = 4.0
    family: ClassVar[str] = "pert"
    rule: ClassVar[Rule] = Rule.BETA

    def __post_init__(self) -> None:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise estimate_error("a PERT distribution needs min <= most likely <= max and "
                           "min < max", f"{self.low:g} / {self.mode:g} / {self.high:g}")
        if not (math.isfinite(self.lam) and self.lam > 0):
            raise estimate_error("the PERT shape (lambda) must be a positive number", self.lam,
                           "4 is the classic PERT")

    @property
    def alpha(self) -> float:
        return 1.0 + self.lam * (self.mode - self.low) / (self.high - self.low)

    @property
    def beta(self) -> float:
        return 1.0 + self.lam * (self.high - self.mode) / (self.high - self.low)

    @property
    def mean(self) -> float:
        return (self.low + self.lam * self.mode + self.high) / (self.lam + 2.0)

    @property
    def variance(self) -> float:
        a, b = self.alpha, self.beta
        return (self.high - self.low) ** 2 * a * b / ((a + b) ** 2 * (a + b + 1.0))

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.low, self.mode, self.high)

    def kernel(self) -> KernelForm:
        alpha, beta = round(self.alpha, 12), round(self.beta, 12)
        return KernelForm(self.rule, (self.low, 0, self.high, 1),
                          (beta_table(alpha, beta), beta_table(beta, alpha)))

    def ppf_exact(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF through scipy's ``betaincinv``: exact, about 100x slower."""
        x = sc.betaincinv(self.alpha, self.beta, np.asarray(u, dtype=float))
        return self.low + x * (self.high - self.low)


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with ``mean_`` and ``sd``, truncated below at ``floor`` (None: not
    truncated). :meth:`from_percentiles` builds it from a P10 and a P90."""

    mean_: float
    sd: float
    floor: float | None = 0.0
    p10: float = field(default=math.nan, compare=False)
    p90: float = field(default=math.nan, compare=False)
    family: ClassVar[str] = "normal"
    rule: ClassVar[Rule] = Rule.NORMAL

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean_) and self.sd > 0):
            raise estimate_error("a normal distribution needs a finite mean and a positive "
                           "standard deviation", f"{self.mean_:g} / {self.sd:g}")

    @classmethod
    def from_percentiles(cls, p10: float, p90: float, floor: float | None = 0.0) -> Normal:
        if not p10 < p90:
            raise estimate_error("a normal distribution needs P10 < P90", f"{p10:g} / {p90:g}")
        return cls(0.5 * (p10 + p90), (p90 - p10) / (2 * _Z90), floor, p10, p90)

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

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.p10, math.nan, self.p90)

    def kernel(self) -> KernelForm:
        return KernelForm(self.rule, (self.mean_, self.sd, self._u0, 0.0))


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal: ``exp(mu + sigma Z)``. Built from a P10 and a P90
    (:meth:`from_percentiles`) or from a mean and standard deviation
    (:meth:`from_moments`)."""

    mu: float
    sigma: float
    p10: float = field(default=math.nan, compare=False)
    p90: float = field(default=math.nan, compare=False)
    family: ClassVar[str] = "lognormal"
    rule: ClassVar[Rule] = Rule.LOGNORMAL

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mu) and self.sigma > 0):
            raise estimate_error("a lognormal distribution needs a finite mu and a positive "
                           "sigma", f"{self.mu:g} / {self.sigma:g}")

    @classmethod
    def from_percentiles(cls, p10: float, p90: float) -> Lognormal:
        if not 0 < p10 < p90:
            raise estimate_error("a lognormal needs 0 < P10 < P90", f"{p10:g} / {p90:g}")
        return cls(0.5 * (math.log(p10) + math.log(p90)),
                   (math.log(p90) - math.log(p10)) / (2 * _Z90), p10, p90)

    @classmethod
    def from_moments(cls, mean: float, sd: float) -> Lognormal:
        if not (mean > 0 and sd > 0):
            raise estimate_error("a lognormal needs a positive mean and standard deviation",
                           f"{mean:g} / {sd:g}")
        sigma2 = math.log(1 + (sd / mean) ** 2)
        return cls(math.log(mean) - sigma2 / 2, math.sqrt(sigma2))

    @property
    def low(self) -> float:  # type: ignore[override]
        return 0.0

    @property
    def high(self) -> float:  # type: ignore[override]
        return math.inf

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma**2 / 2)

    @property
    def variance(self) -> float:
        return (math.exp(self.sigma**2) - 1) * math.exp(2 * self.mu + self.sigma**2)

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.p10, math.nan, self.p90)

    def kernel(self) -> KernelForm:
        return KernelForm(self.rule, (self.mu, self.sigma, 0.0, 0.0))


@dataclass(frozen=True)
class Discrete(Distribution):
    """A discrete distribution: ``values`` with ``probabilities`` summing to 1.

    :meth:`parse` reads a cell such as ``50:0.1;100:0.5;200:0.4`` (``50:10%`` works too).
    """

    values: tuple[float, ...]
    probabilities: tuple[float, ...]
    text: str = field(default="", compare=False)
    family: ClassVar[str] = "discrete"
    rule: ClassVar[Rule] = Rule.DISCRETE

    def __post_init__(self) -> None:
        if not self.values or len(self.values) != len(self.probabilities):
            raise estimate_error("a discrete distribution needs value:probability pairs")
        if any(p < 0 for p in self.probabilities) or abs(sum(self.probabilities) - 1) > 1e-6:
            raise estimate_error(f"probabilities must be >= 0 and sum to 1 (they sum to "
                           f"{sum(self.probabilities):g})")

    @classmethod
    def parse(cls, text: str, *, decimal_comma: bool = False) -> Discrete:
        from ..io.cells import NumberFormatError, parse_number

        pairs = [p for p in re.split(r"[;|\n]", str(text)) if p.strip()]
        values, probs = [], []
        hint = "write value:probability pairs such as 50:0.1;100:0.5;200:0.4"
        for pair in pairs:
            if ":" not in pair:
                raise estimate_error(f"'{pair.strip()}' is not a value:probability pair",
                                     text, hint)
            v, p = pair.rsplit(":", 1)
            try:
                value = parse_number(v, decimal_comma=decimal_comma, allow_days=True)
                prob = parse_number(p, decimal_comma=decimal_comma, allow_currency=False)
            except NumberFormatError as exc:
                raise estimate_error(f"'{pair.strip()}': {exc}", text, hint) from None
            if value is None or prob is None:
                raise estimate_error(f"'{pair.strip()}' lacks a value or a probability", text, hint)
            values.append(value.value)
            probs.append(prob.value)
        if not values:
            raise estimate_error("no value:probability pairs", text, hint)
        order = np.argsort(values, kind="stable")
        return cls(tuple(float(values[i]) for i in order),
                   tuple(float(probs[i]) for i in order), str(text))

    @property
    def low(self) -> float:  # type: ignore[override]
        return self.values[0]

    @property
    def high(self) -> float:  # type: ignore[override]
        return self.values[-1]

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

    @property
    def estimate(self) -> tuple[float, float, float]:
        return (self.low, self.mean, self.high)

    def kernel(self) -> KernelForm:
        if self.is_fixed:  # a single value is drawn as a fixed impact
            return KernelForm(Rule.FIXED, (self.mean, 0.0, 0.0, 0.0))
        cum = np.cumsum(self.probabilities)
        cum[-1] = 1.0
        return KernelForm(self.rule, (0, 0.0, 0.0, 0.0),
                          ((cum, np.asarray(self.values, dtype=float)),))
