"""The inverse-CDF rules the kernels implement, by number (no numba here).

A distribution family names the rule its draws go through
(:attr:`riskkit.distributions.Family.rule`); the kernels dispatch on these numbers.
Each rule takes up to four parameters (``p0..p3``) and, for tabulated rules, table ids.
"""

from __future__ import annotations

import enum

__all__ = ["ADD_COST", "ADD_DELAY", "DENSE", "EXPORT", "EXPORT_ROWS", "GIVEN", "SLAB", "Rule"]


class Rule(enum.IntEnum):
    """An inverse CDF of the kernels, with what its parameters ``p0..p3`` mean."""

    NONE = 0        #: no impact
    FIXED = 1       #: p0: the value
    TRIANGULAR = 2  #: p0 low, p1 mode, p2 high
    UNIFORM = 3     #: p0 low, p2 high
    BETA = 4        #: p0 low, p2 high, p1 lower-tail table, p3 upper-tail table
    LOGNORMAL = 5   #: p0 mu, p1 sigma
    NORMAL = 6      #: p0 mean, p1 sd, p2 the CDF at the floor (0: not truncated)
    DISCRETE = 7    #: p0 table of (cumulative probability, value)


#: What the risk kernel does with a risk (bit flags, per risk).
ADD_COST = 1    #: add scenario 0's cost impacts into the block's cost
ADD_DELAY = 2   #: add scenario 0's delays into the block's delay (a risk not on activities)
EXPORT = 4      #: export positions, both scenarios' values and the change
SLAB = 8        #: write the change into the slab
DENSE = 16      #: and add it into the dense variants that change the risk
GIVEN = 32      #: occurrence positions given by the caller (conditional, exclusive risks)
#: Rows of the risk kernel's exports: scenario 0 cost and delay, scenario 1 cost and
#: delay, the change (scenario 1 minus scenario 0, zero-padded) in cost and delay.
EXPORT_ROWS = 6
