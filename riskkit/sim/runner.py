"""The one chunk runner: blocks of a run cut into chunks, run here or on an executor.

Work is cut into chunks of whole random-number blocks. Each block draws from its own
streams, so the numbers are identical whether the chunks run in this process, in a
local process pool (``workers=N``) or on any ``concurrent.futures.Executor``, such as a
``dask.distributed`` client's (``client.get_executor()``). ``simulate`` and the variant
runs both go through :func:`run_chunks`.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from .._progress import bar as progress_bar
from ..seeds import BLOCK_SIZE, blocks
from .durations import SUB_BLOCK
from .options import RunOptions

__all__ = ["Block", "ChunkOutput", "run_chunks", "steps"]

T = TypeVar("T", bound="ChunkOutput")
Block = tuple[int, int, int]  # block index, first iteration, stop


class ChunkOutput(Protocol):
    """What a chunk function returns: at least the progress steps it made."""

    steps: int


def steps(block_list: Sequence[Block], network: bool) -> int:
    """Progress steps of some blocks: one per block, or per CPM slice with a network."""
    return sum(math.ceil((b1 - b0) / SUB_BLOCK) if network else 1 for _, b0, b1 in block_list)


@contextmanager
def executor_for(executor: Executor | None, workers: int | None, chunks: int
                 ) -> Iterator[Executor | None]:
    """The executor to use: the caller's, a process pool of ``workers`` (closed after),
    or None to run in this process. A pool is not started for fewer than two chunks of
    work (a run of one block cannot be shared; starting processes would only cost)."""
    if executor is not None:
        yield executor
    elif workers and workers > 1 and chunks > 1:
        # Forked workers share this process's objects; frozen, the collector of a
        # worker does not scan them (and copy their pages) on its first collection.
        # Only for fork, and only if the caller has not frozen anything itself. A
        # process that runs other threads (a Java VM for MPXJ, a dask client) cannot be
        # forked safely: a lock one of them holds would stay locked in the worker, so
        # its workers come from a fork server instead.
        forking = multiprocessing.get_start_method(allow_none=False) == "fork"
        context = None
        if forking and _threaded():
            context, forking = multiprocessing.get_context("forkserver"), False
        freeze = forking and gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                yield pool
        finally:
            if freeze:
                gc.unfreeze()
    else:
        yield None


def _threaded() -> bool:
    """Whether this process runs threads besides the main one (Python's, or a JVM's)."""
    jpype = sys.modules.get("jpype")
    jvm = jpype is not None and bool(getattr(jpype, "isJVMStarted", lambda: False)())
    return jvm or threading.active_count() > 1


def chunk_blocks(options: RunOptions, iterations: int) -> list[list[Block]]:
    """The blocks of a run, cut into chunks: of ``chunk_size`` iterations (rounded up
    to whole blocks), or in parallel small enough to balance."""
    all_blocks = blocks(iterations)
    if options.chunk_size:
        per_chunk = max(1, math.ceil(options.chunk_size / BLOCK_SIZE))
    elif options.parallel:
        per_chunk = max(1, len(all_blocks) // (4 * (options.workers or 2)))
    else:
        per_chunk = 1
    return [all_blocks[i:i + per_chunk] for i in range(0, len(all_blocks), per_chunk)]


def run_chunks(fn: Callable[[Any, Any, list[Block]], T], spec: Any, options: RunOptions,
               iterations: int, *, label: str, network: bool, work: float
               ) -> Iterator[T]:
    """``fn(spec, bar, chunk)`` for every chunk of the run, in order, here or on the
    options' executor, with one progress bar (``bar`` is None in another process)."""
    chunks = chunk_blocks(options, iterations)
    total = sum(steps(c, network) for c in chunks)
    with progress_bar(total, label, options.progress, work) as bar, \
            executor_for(options.executor, options.workers, len(chunks)) as pool:
        if pool is None:
            for chunk in chunks:
                yield fn(spec, bar, chunk)
            return
        futures = [pool.submit(fn, spec, None, chunk) for chunk in chunks]
        for future in futures:
            out = future.result()
            bar.update(out.steps)
            yield out
