"""How the kernels are compiled: one set of numba options for all of them.

``cache=True`` keeps the machine code beside the sources, so only the first run after
installing compiles (tens of seconds); later processes load it in a fraction of a
second. No fast-math: the kernels round every operation as numpy would, so their
numbers do not depend on the compiler's choices.

numba invalidates a cached function when its own file changes, not when a function it
calls from another file does (it compiles the callee into the caller). So the cache is
dropped whenever any kernel source changes: a digest of them all is kept beside it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def _drop_stale_caches() -> None:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(here.glob("*.py"))))
    cache = here / "__pycache__"
    stamp = cache / "riskkit-kernels.digest"
    try:
        if stamp.read_text() == digest.hexdigest():
            return
        for old in cache.glob("*.nb[ic]"):
            old.unlink()
    except OSError:  # no cache yet, or a folder riskkit cannot write (numba then
        pass         # caches elsewhere, keyed by these files, which nobody edits)
    try:
        cache.mkdir(exist_ok=True)
        stamp.write_text(digest.hexdigest())
    except OSError:
        pass


_drop_stale_caches()

import numba  # noqa: E402

__all__ = ["Array", "inline", "jit"]

#: Kernel arguments are numpy arrays typed by numba at the call; for mypy, Any.
Array = Any

#: The decorators; for mypy, Any (numba types each call itself).
jit: Any = numba.njit(cache=True, nogil=True, error_model="numpy")
inline: Any = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
