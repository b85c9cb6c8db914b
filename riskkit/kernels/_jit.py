"""How the kernels are compiled: one set of numba options for all of them.

``cache=True`` keeps the machine code beside the sources, so only the first run after
installing compiles (tens of seconds); later processes load it in a fraction of a
second. No fast-math: the kernels round every operation as numpy would, so their
numbers do not depend on the compiler's choices.
"""

from __future__ import annotations

from typing import Any

import numba

__all__ = ["Array", "inline", "jit"]

#: Kernel arguments are numpy arrays typed by numba at the call; for mypy, Any.
Array = Any

#: The decorators; for mypy, Any (numba types each call itself).
jit: Any = numba.njit(cache=True, nogil=True, error_model="numpy")
inline: Any = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
