"""Distributions of impacts and durations, and the families a register may name.

A **family** is one record (:class:`Family`): the names and aliases a ``distribution``
column may use, whether it needs a most likely value, whether its min and max columns
are percentiles, any extra parameters (with the columns they are read from), how it
is built from a three-point estimate, and the distribution class it builds, whose
``rule`` is the kernel rule its draws go through. The readers (names, mode, columns,
parameters, hints), the documentation (``riskkit families``) and, through the class,
the kernels' dispatch all read that record: adding a family is adding
one record to :data:`FAMILIES` (see docs/architecture.md, "Adding a distribution").

A **distribution** is a small frozen object with its parameters, mean and variance,
the estimate as a register writes it (:attr:`Distribution.estimate`) and an inverse
CDF, :meth:`Distribution.ppf`, which is the compiled rule of :mod:`riskkit.kernels`:
sampling draws uniforms (Monte Carlo or Latin hypercube) and maps them through it.
"""

from .base import Distribution, KernelForm, pack_tables
from .families import (
    FAMILIES,
    Family,
    Parameter,
    family_names,
    family_of,
    make_distribution,
    parameter_columns,
    parameter_values,
    parse_family,
    percentile_hint,
    read_parameters,
)
from .shapes import (
    Discrete,
    Fixed,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Trigen,
    Uniform,
    beta_table,
    trigen,
)

__all__ = [
    "FAMILIES", "Discrete", "Distribution", "Family", "Fixed", "KernelForm", "Lognormal",
    "Normal", "Parameter", "Pert", "Triangular", "Trigen", "Uniform", "beta_table",
    "family_names", "family_of", "make_distribution", "pack_tables", "parameter_columns",
    "parameter_values", "parse_family", "percentile_hint", "read_parameters", "trigen",
]
