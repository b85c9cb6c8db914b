"""Distribution families: one record each, read by the readers, the engine and the
kernels (see the package's description)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..exceptions import OptionError
from ..kernels.kinds import Rule
from .base import Distribution, estimate_error
from .shapes import Discrete, Fixed, Lognormal, Normal, Pert, Triangular, Trigen, Uniform, trigen

__all__ = ["FAMILIES", "Family", "Parameter", "family_of", "family_names", "make_distribution",
           "parameter_columns", "parameter_values", "parse_family", "percentile_hint",
           "read_parameters"]


@dataclass(frozen=True)
class Parameter:
    """An extra parameter of a family, read from a column of its own."""

    name: str                     #: the canonical column, e.g. "pert_lambda"
    default: float
    aliases: tuple[str, ...] = ()  #: headers that name the column
    description: str = ""
    #: the attribute of the built distribution that holds it (for tables)
    attribute: str = ""


Builder = Callable[[float, float, float, Mapping[str, float]], Distribution]


@dataclass(frozen=True)
class Family:
    """A distribution family, as a register's ``distribution`` column names it."""

    name: str
    aliases: tuple[str, ...]
    build: Builder = field(repr=False)
    #: the distribution class it builds, which holds the compiled rule of its draws
    shape: type[Distribution] = Triangular
    needs_mode: bool = True
    #: the percentiles the min and max columns hold (None: they are the end points)
    percentiles: tuple[float, float] | None = None
    parameters: tuple[Parameter, ...] = ()
    #: what the min / most likely / max columns are, for the documentation
    columns: str = "end points and mode"
    notes: str = ""
    #: written as value:probability pairs in one cell, not as a three-point estimate
    pairs: bool = False

    @property
    def rule(self) -> Rule:
        """The kernel rule its draws go through (:mod:`riskkit.kernels.rules`)."""
        return self.shape.rule


def _build_triangular(low: float, mode: float, high: float, _: Mapping[str, float]
                      ) -> Distribution:
    return Triangular(low, mode, high)


def _build_pert(low: float, mode: float, high: float, _: Mapping[str, float]) -> Distribution:
    return Pert(low, mode, high)


def _build_modified_pert(low: float, mode: float, high: float, extra: Mapping[str, float]
                         ) -> Distribution:
    return Pert(low, mode, high, float(extra.get("pert_lambda", 4.0)))


def _build_uniform(low: float, mode: float, high: float, _: Mapping[str, float]
                   ) -> Distribution:
    return Uniform(low, high)


def _build_trigen(low: float, mode: float, high: float, _: Mapping[str, float]
                  ) -> Distribution:
    return trigen(low, mode, high)


def _build_lognormal(low: float, mode: float, high: float, _: Mapping[str, float]
                     ) -> Distribution:
    return Lognormal.from_percentiles(low, high)


def _build_normal(low: float, mode: float, high: float, _: Mapping[str, float]
                  ) -> Distribution:
    return Normal.from_percentiles(low, high, floor=0.0 if low >= 0 else None)


def _build_discrete(low: float, mode: float, high: float, _: Mapping[str, float]
                    ) -> Distribution:
    raise estimate_error("a discrete distribution is written as value:probability pairs",
                   hint="write value:probability pairs such as 50:0.1;100:0.5;200:0.4")


#: The families, in the order the documentation lists them.
FAMILIES: dict[str, Family] = {f.name: f for f in (
    Family("triangular", ("triangle", "triang", "tri"), _build_triangular,
           notes="the default; mean (min + ML + max) / 3"),
    Family("pert", ("betapert", "beta-pert", "beta pert", "beta_pert"), _build_pert,
           shape=Pert, notes="Beta-PERT, lambda 4: mean (min + 4 ML + max) / 6"),
    Family("modified_pert", ("modified pert", "modpert", "mod pert", "modified-pert",
                             "pert alt", "pertalt"),
           _build_modified_pert, shape=Pert,
           parameters=(Parameter("pert_lambda", 4.0,
                                 ("PERT Lambda", "Lambda", "PERT Shape", "Shape Lambda"),
                                 "the weight of the most likely value (4: the classic "
                                 "PERT; larger is more peaked)", "lam"),),
           notes="Beta-PERT with the weight lambda from the pert_lambda column "
                 "(default 4): mean (min + lambda ML + max) / (lambda + 2); ModelRisk's "
                 "VoseModPERT"),
    Family("uniform", ("rectangular", "flat"), _build_uniform, shape=Uniform,
           needs_mode=False, columns="end points (ML ignored)"),
    Family("trigen", ("triangular p10 p90",), _build_trigen, shape=Trigen,
           percentiles=(0.1, 0.9),
           columns="P10, mode, P90",
           notes="the triangle with those percentiles; its tails extend beyond them "
                 "(Safran Risk, Primavera Cloud)"),
    Family("lognormal", ("log-normal", "log normal"), _build_lognormal, shape=Lognormal,
           needs_mode=False, percentiles=(0.1, 0.9), columns="P10, –, P90",
           notes="mu = (ln P10 + ln P90) / 2, sigma = (ln P90 − ln P10) / (2 x 1.2816); "
                 "P10 > 0. Lognormal.from_moments(mean, sd) in Python"),
    Family("normal", ("gaussian",), _build_normal, shape=Normal, needs_mode=False,
           percentiles=(0.1, 0.9), columns="P10, –, P90",
           notes="truncated at 0 when the P10 is not negative (a delay or cost cannot "
                 "go below 0)"),
    Family("discrete", (), _build_discrete, shape=Discrete,
           needs_mode=False,
           pairs=True, columns="—",
           notes="a single impact cell of value:probability pairs, e.g. "
                 "50:0.1;100:0.5;200:0.4 (mean 135)"),
)}


def _key(name: str) -> str:
    return " ".join(str(name).strip().lower().replace("_", " ").split())


_NAMES = {_key(alias): fam for fam in FAMILIES.values() for alias in (fam.name, *fam.aliases)}


def parse_family(name: str | Family | None) -> Family:
    """Read a distribution name as users write it (case and spacing ignored); blank
    means triangular.

    >>> parse_family("Beta-PERT").name
    'pert'
    """
    if isinstance(name, Family):
        return name
    if name is None or (isinstance(name, str) and not name.strip()):
        return FAMILIES["triangular"]
    found = _NAMES.get(_key(name))
    if found is None:
        raise OptionError("distribution", name, "one of " + ", ".join(FAMILIES))
    return found


def family_names() -> str:
    """The families as a hint lists them: "triangular (the default), pert, ..."."""
    names = list(FAMILIES)
    return f"{names[0]} (the default), " + ", ".join(names[1:])


def percentile_hint() -> str:
    """Which families read their min and max columns as percentiles, from the records:
    "for trigen, lognormal and normal the min and max columns are the P10 and P90"."""
    by_pair: dict[tuple[float, float], list[str]] = {}
    for fam in FAMILIES.values():
        if fam.percentiles is not None:
            by_pair.setdefault(fam.percentiles, []).append(fam.name)
    parts = []
    for (lo, hi), names in by_pair.items():
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"for {listed} the min and max columns are the P{100 * lo:g} and "
                     f"P{100 * hi:g}")
    return "; ".join(parts)


def family_of(distribution: Distribution | None) -> str:
    """The family a built distribution belongs to, for tables: a PERT with a weight
    other than 4 is the modified PERT; a fixed value (or nothing) is triangular, the
    default."""
    if isinstance(distribution, Pert) and distribution.lam != 4.0:
        return "modified_pert"
    name = getattr(distribution, "family", "")
    return name if name in FAMILIES else "triangular"


def parameter_columns() -> dict[str, Parameter]:
    """Every family parameter, by its canonical column."""
    return {p.name: p for fam in FAMILIES.values() for p in fam.parameters}


def parameter_values(family: str, *dists: Distribution | None) -> dict[str, float]:
    """The value of every family parameter column for an item of ``family`` whose
    distributions are ``dists`` (NaN where the family has no such parameter)."""
    fam = FAMILIES.get(family)
    own = {p.name: p for p in fam.parameters} if fam is not None else {}
    out = {}
    for name in parameter_columns():
        value = math.nan
        if name in own:
            for d in dists:
                if d is not None and hasattr(d, own[name].attribute):
                    value = float(getattr(d, own[name].attribute))
                    break
        out[name] = value
    return out


def read_parameters(family: Family, values: Mapping[str, float],
                    problem: Callable[[str, str, str], None]) -> dict[str, float]:
    """The family's extra parameters among ``values`` (parameter column -> the value a
    row writes there); a value for a family that does not take it is reported through
    ``problem(column, message, hint)``, never used or dropped in silence."""
    own = {p.name for p in family.parameters}
    out: dict[str, float] = {}
    for name, value in values.items():
        if name in own:
            out[name] = value
            continue
        takers = [f.name for f in FAMILIES.values() if name in {p.name for p in f.parameters}]
        problem(name, f"{name} is a parameter of the {', '.join(takers)} family, not of "
                f"{family.name}", "set the distribution to that family, or clear the cell")
    return out


def make_distribution(family: Family | str | None, low: float, mode: float, high: float,
                      **parameters: float) -> Distribution:
    """Build a distribution of ``family`` from a three-point estimate (for a
    percentile family, P10 / most likely / P90) and the family's extra parameters.

    Equal low and high give a :class:`Fixed` value whatever the family. Raises
    :class:`~riskkit.InputError` for an estimate the family cannot take.

    >>> make_distribution("pert", 0, 50, 100).mean
    50.0
    >>> make_distribution("modified pert", 0, 10, 100, pert_lambda=8).mean
    18.0
    """
    fam = parse_family(family)
    unknown = set(parameters) - {p.name for p in fam.parameters}
    if unknown:
        raise OptionError("parameters", ", ".join(sorted(unknown)),
                          f"parameters of the {fam.name} family "
                          f"({', '.join(p.name for p in fam.parameters) or 'none'})")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise estimate_error("estimate must be finite", f"{low:g} / {high:g}")
    if fam.needs_mode and not (math.isfinite(mode) and low <= mode <= high):
        raise estimate_error("estimate must have min <= most likely <= max",
                       f"{low:g} / {'' if math.isnan(mode) else f'{mode:g}'} / {high:g}")
    if not low <= high:
        raise estimate_error("estimate must have min <= max", f"{low:g} / {high:g}")
    if low == high:
        return Fixed(low)
    extra = {p.name: float(parameters.get(p.name, p.default)) for p in fam.parameters}
    return fam.build(low, mode, high, extra)
