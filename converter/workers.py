"""Worker processes, as validate and the related-pathway index start them: how many, and how.

Example: ``ProcessPoolExecutor(usable_cpus(), mp_context=process_context())``.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys

__all__ = ["process_context", "usable_cpus"]


def usable_cpus() -> int:
    """The CPUs this process may run on (containers and ``taskset`` give fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on macOS or Windows
        return os.cpu_count() or 1


def process_context() -> multiprocessing.context.BaseContext:
    """Fork on Linux: workers start at once, modules loaded; spawn elsewhere, where fork is unsafe."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
