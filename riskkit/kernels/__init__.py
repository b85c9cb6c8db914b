"""Compiled kernels (numba): the one implementation of every sampling rule.

- :mod:`.pcg64`: random streams (numpy's PCG64, SeedSequence and ``choice``);
- :mod:`.rules`: uniforms, inverse CDFs, Latin hypercube pairing, Iman–Conover dealing;
- :mod:`.risks`: the draws and impacts of the risks of a block, for a simulation and
  for its variants;
- :mod:`.durations`: activity durations slice by slice;
- :mod:`.reductions`: mean and exact percentile changes of many variants.

``import riskkit`` does not import numba: these modules load on first use. Their
machine code is cached beside them (see :mod:`._jit`).
"""
