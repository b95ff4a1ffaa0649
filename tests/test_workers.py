"""The worker pool batch and ``--online`` share: results in order, a dead worker costs its chunk only, and a
pool stopped early leaves no process and hands back what it finished."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

from converter.workers import pooled_chunks


def _squares(chunk: list[int]) -> list[int]:
    return [n * n for n in chunk]


def _squares_or_die(chunk: list[int]) -> list[int]:
    if 13 in chunk:  # as the out-of-memory killer would end it
        os.kill(os.getpid(), signal.SIGKILL)
    return _squares(chunk)


def _slow_squares(chunk: list[int]) -> list[int]:
    time.sleep(0.05)
    return _squares(chunk)


def _lost(chunk: list[int]) -> list[int]:
    return [-1] * len(chunk)


def test_results_come_back_in_the_chunks_order() -> None:
    chunks = [[n, n + 1] for n in range(0, 200, 2)]
    got = list(pooled_chunks(_slow_squares, chunks, 2, lost=_lost))
    assert got == [_squares(chunk) for chunk in chunks]
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_loses_its_chunk_not_the_run() -> None:
    """The dead worker's chunk gets the lost results (so may the chunks queued with it); a new pool does the
    rest, and nothing hangs."""
    chunks = [[n] for n in range(60)]
    got = list(pooled_chunks(_squares_or_die, chunks, 2, lost=_lost))
    assert len(got) == 60 and got[13] == [-1]
    assert all(result in ([n * n], [-1]) for n, result in enumerate(got))
    assert got[-10:] == [[n * n] for n in range(50, 60)]  # sent to the new pool
    assert not multiprocessing.active_children()


def test_a_pool_stopped_early_stops_its_workers_and_hands_back_what_they_finished() -> None:
    dropped: list[list[int]] = []
    results = pooled_chunks(_slow_squares, [[n] for n in range(100)], 2, lost=_lost, dropped=dropped.append)
    assert next(results) == [0]
    time.sleep(0.3)  # the workers finish a few more chunks meanwhile
    results.close()
    assert not multiprocessing.active_children()
    assert dropped and all(chunk == [chunk[0]] and chunk[0] ** 0.5 % 1 == 0 for chunk in dropped)
