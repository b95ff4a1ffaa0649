"""The worker pool batch and ``--online`` share: results in order, a dead worker costs the chunks in flight
only, and a pool stopped early leaves no process and hands back what it finished."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

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


def _workers_of(results: Iterator[list[int]]) -> tuple[list[int], set[int]]:
    """The first results and the pids of the pool's workers, read while it runs."""
    first = next(results)
    return first, {child.pid for child in multiprocessing.active_children() if child.pid is not None}


def _all_gone(pids: set[int]) -> bool:
    """Whether every process of ``pids`` has ended and been reaped (read from /proc; 5 s at most)."""
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_results_come_back_in_the_chunks_order() -> None:
    chunks = [[n, n + 1] for n in range(0, 200, 2)]
    results = pooled_chunks(_slow_squares, chunks, 2, lost=_lost)
    first, pids = _workers_of(results)
    assert [first, *results] == [_squares(chunk) for chunk in chunks]
    assert len(pids) == 2 and _all_gone(pids)


def test_a_worker_that_dies_loses_the_chunks_in_flight_not_the_run() -> None:
    """The dead worker's chunk gets the lost results (so may the chunks queued with it); a new pool does the
    rest, and nothing hangs."""
    chunks = [[n] for n in range(60)]
    results = pooled_chunks(_squares_or_die, chunks, 2, lost=_lost)
    first, pids = _workers_of(results)
    got = [first, *results]
    assert len(got) == 60 and got[13] == [-1]
    assert all(result in ([n * n], [-1]) for n, result in enumerate(got))
    assert got[-10:] == [[n * n] for n in range(50, 60)]  # done by the new pool
    assert _all_gone(pids | {child.pid for child in multiprocessing.active_children() if child.pid})


def test_a_pool_stopped_early_stops_its_workers_and_hands_back_what_they_finished() -> None:
    dropped: list[list[int]] = []
    results = pooled_chunks(_slow_squares, [[n] for n in range(100)], 2, lost=_lost, dropped=dropped.append)
    first, pids = _workers_of(results)
    assert first == [0]
    time.sleep(0.3)  # the workers finish a few more chunks meanwhile
    results.close()
    assert _all_gone(pids)
    assert dropped and all(len(chunk) == 1 and chunk[0] ** 0.5 % 1 == 0 for chunk in dropped)


def test_the_workers_leave_ctrl_c_and_sigterm_to_the_caller() -> None:
    """Ctrl-C and a kill of the process group reach the workers too: they carry on, and the caller decides."""
    results = pooled_chunks(_slow_squares, [[n] for n in range(40)], 2, lost=_lost)
    first, pids = _workers_of(results)
    for pid in pids:
        os.kill(pid, signal.SIGINT)
        os.kill(pid, signal.SIGTERM)
    assert [first, *results] == [[n * n] for n in range(40)], "no chunk was lost to a dead worker"
    assert _all_gone(pids)
