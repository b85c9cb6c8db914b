"""Running chunks of a simulation on an executor.

Work is cut into chunks of whole random-number blocks. Each block draws from its own
``SeedSequence`` child, so the numbers are identical whether the chunks run in this
process, in a local process pool (``workers=N``) or on any
``concurrent.futures.Executor``, such as a ``dask.distributed`` client's
(``client.get_executor()``).
"""

from __future__ import annotations

import gc
import math
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from .exceptions import OptionError

T = TypeVar("T")


def check_workers(workers: Any) -> int | None:
    if workers is None:
        return None
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise OptionError("workers", workers, "a whole number >= 1")
    return workers


@contextmanager
def executor_for(executor: Executor | None, workers: int | None, chunks: int | None = None
                 ) -> Iterator[Executor | None]:
    """The executor to use: the caller's, a process pool of ``workers`` (closed after),
    or None to run in this process. A pool is not started for fewer than two chunks of
    work (a run of one block cannot be shared; starting processes would only cost)."""
    if executor is not None:
        if not hasattr(executor, "map") or not hasattr(executor, "submit"):
            raise OptionError("executor", type(executor).__name__,
                              "a concurrent.futures.Executor")
        yield executor
    elif workers and workers > 1 and (chunks is None or chunks > 1):
        # Forked workers share this process's objects; frozen, the collector of a
        # worker does not scan them (and copy their pages) on its first collection.
        # Only for fork, and only if the caller has not frozen anything itself.
        freeze = (multiprocessing.get_start_method(allow_none=False) == "fork"
                  and gc.get_freeze_count() == 0)
        if freeze:
            gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                yield pool
        finally:
            if freeze:
                gc.unfreeze()
    else:
        yield None


def chunked(items: Sequence[T], per_chunk: int) -> list[list[T]]:
    return [list(items[i:i + per_chunk]) for i in range(0, len(items), per_chunk)]


def per_chunk_blocks(n_blocks: int, chunk_size: int | None, block_size: int,
                     parallel: bool, workers: int | None) -> int:
    """Blocks per chunk: from ``chunk_size``, or in parallel small enough to balance."""
    if chunk_size:
        return max(1, math.ceil(chunk_size / block_size))
    if parallel:
        return max(1, n_blocks // (4 * (workers or 2)))
    return 1


def run_chunks(fn: Callable[..., T], chunks: Sequence[Any], executor: Executor | None,
               *args: Any) -> Iterator[T]:
    """``fn(*args, chunk)`` for every chunk, in order, here or on ``executor``."""
    if executor is None:
        for chunk in chunks:
            yield fn(*args, chunk)
        return
    futures = [executor.submit(fn, *args, chunk) for chunk in chunks]
    for future in futures:
        yield future.result()
