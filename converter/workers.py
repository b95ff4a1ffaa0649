"""Worker processes: how many, how they start, and the one pool that batch and ``--online`` hand chunks to.

Example: ``for results in pooled_chunks(task, chunks, 2, lost=fail_all): ...`` gives ``task(chunk)`` for
each chunk in order, computed by two forked workers a few chunks ahead.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["pooled_chunks", "process_context", "usable_cpus"]

Item = TypeVar("Item")
Result = TypeVar("Result")

AHEAD = 4  # chunks queued per worker: bounds memory whatever the number of chunks
STOP_WITHIN = 5.0  # seconds a worker has to finish its chunk when the pool is stopped, before it is killed


def usable_cpus() -> int:
    """The CPUs this process may run on (containers and ``taskset`` give fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on macOS or Windows
        return os.cpu_count() or 1


def process_context() -> multiprocessing.context.BaseContext:
    """Fork on Linux: workers start at once, modules loaded; spawn elsewhere, where fork is unsafe."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def pooled_chunks(
    task: Callable[[list[Item]], list[Result]],
    chunks: Iterable[list[Item]],
    workers: int,
    lost: Callable[[list[Item]], list[Result]],
    dropped: Callable[[list[Result]], None] = lambda results: None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    context: multiprocessing.context.BaseContext | None = None,
) -> Iterator[list[Result]]:
    """``task(chunk)`` for every chunk, computed by ``workers`` processes a few chunks ahead of the consumer,
    given back in the chunks' order.

    A worker that dies (out of memory, killed) breaks the pool, and with it every chunk still out:
    ``lost(chunk)`` stands for their results, and a new pool takes the chunks to come. Closing the iterator
    (an exception in the consumer, Ctrl-C among them) stops the workers within a chunk's time (killed after
    :data:`STOP_WITHIN` seconds) and hands each finished chunk that will not be given back to ``dropped``.
    The workers ignore SIGINT and SIGTERM (Ctrl-C and a kill of the process group reach every process): the
    caller alone decides how a run stops, and stops them itself. ``initializer(*initargs)`` then runs in each.
    """
    sent: dict[int, tuple[list[Item], Future[list[Result]]]] = {}
    ready: dict[int, list[Result]] = {}
    others = set(multiprocessing.active_children())  # the caller's own processes: never stopped here

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers,
            mp_context=context or process_context(),
            initializer=_start_worker,
            initargs=(initializer, initargs),
        )

    pool, next_out, window = new_pool(), 0, workers * AHEAD

    def after_a_death() -> None:
        """A worker died: the pool fails every chunk still out, and they get ``lost`` results; a new pool
        takes the chunks to come."""
        nonlocal pool
        wait([future for _, future in sent.values()])  # a broken pool fails each at once
        _collect(sent, ready, lost)
        pool.shutdown(wait=False, cancel_futures=True)
        pool = new_pool()

    try:
        for seq, chunk in enumerate(itertools.chain(chunks, [None])):
            if chunk is not None:
                try:
                    future = pool.submit(task, chunk)
                except BrokenProcessPool:  # a worker died since the last look
                    after_a_death()
                    future = pool.submit(task, chunk)
                sent[seq] = (chunk, future)
            while sent and (chunk is None or len(sent) + len(ready) >= window):
                wait([future for _, future in sent.values()], return_when=FIRST_COMPLETED)
                if _collect(sent, ready, lost):
                    after_a_death()
                while next_out in ready:
                    yield ready.pop(next_out)
                    next_out += 1
    finally:
        _stop(pool, sent, ready, others, dropped)


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _collect(
    sent: dict[int, tuple[list[Item], Future[list[Result]]]],
    ready: dict[int, list[Result]],
    lost: Callable[[list[Item]], list[Result]],
) -> bool:
    """Move the finished chunks to ``ready``; whether a worker died (its chunk given ``lost`` results)."""
    broken = False
    for seq, (chunk, future) in list(sent.items()):
        if not future.done():
            continue
        del sent[seq]
        try:
            ready[seq] = future.result()
        except BrokenProcessPool:
            broken = True
            ready[seq] = lost(chunk)
    return broken


def _stop(
    pool: ProcessPoolExecutor,
    sent: dict[int, tuple[list[Item], Future[list[Result]]]],
    ready: dict[int, list[Result]],
    others: set[multiprocessing.process.BaseProcess],
    dropped: Callable[[list[Result]], None],
) -> None:
    """Stop the workers (``others`` are not ours); what they finished and nobody took goes to ``dropped``."""
    for _, future in sent.values():
        future.cancel()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WITHIN
    for child in set(multiprocessing.active_children()) - others:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join()
    finished = [
        f.result() for _, f in sent.values() if f.done() and not f.cancelled() and f.exception() is None
    ]
    for results in [*ready.values(), *finished]:
        dropped(results)
