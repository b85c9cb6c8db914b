"""The simulation engine: plans built from the model, blocks of random numbers, the
risk and duration kernels, the network pass, and variants on common random numbers.

- :mod:`.options`: :class:`RunOptions`, sampling, occurrence counts;
- :mod:`.plan`: what a run reads of the model;
- :mod:`.correlation`: correlated sets and their scores;
- :mod:`.risks`, :mod:`.durations`: a block's risks and activity durations;
- :mod:`.runner`: chunks of blocks, here or on an executor;
- :mod:`.simulation`: :func:`simulate`;
- :mod:`.changes`, :mod:`.variants`: :func:`simulate_variants`.

The run's ``SeedSequence``, its blocks and the stream keys live in :mod:`riskkit.seeds`,
shared with the analysis; the compiled rules in :mod:`riskkit.kernels`.
"""

from .options import RunOptions, Sampling
from .simulation import modelled_metrics, simulate
from .variants import Variant, simulate_variants

__all__ = ["RunOptions", "Sampling", "Variant", "modelled_metrics", "simulate",
           "simulate_variants"]
