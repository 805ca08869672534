"""Run independent tasks in worker processes (or in this process when one job is asked for).

Workers are started with the ``spawn`` method: a worker forked after HiGHS has run in the parent
hangs in its first HiGHS solve (highspy 1.16 on Linux), and spawned workers do not inherit that
state. HiGHS gains nothing from a second thread on these models, so parallelism comes from
processes, one solver thread each.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["available_cpus", "executor", "map_tasks"]

T = TypeVar("T")
R = TypeVar("R")


def available_cpus() -> int:
    """CPUs this process may use (respects affinity masks and cgroup-limited containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def executor(jobs: int) -> Iterator[Executor | None]:
    """A spawn-based process pool for ``jobs`` > 1, else None (run in this process)."""
    if jobs <= 1:
        yield None
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        yield pool


def map_tasks(
    func: Callable[[T], R],
    items: Iterable[T],
    pool: Executor | None,
    on_done: Callable[[int, R], Any] | None = None,
) -> list[R]:
    """Apply ``func`` to every item, in ``pool`` if given; results keep the items' order."""
    items = list(items)
    results: list[R] = []
    if pool is None:
        for i, item in enumerate(items):
            res = func(item)
            results.append(res)
            if on_done:
                on_done(i, res)
        return results
    futures = [pool.submit(func, item) for item in items]
    for i, fut in enumerate(futures):
        res = fut.result()
        results.append(res)
        if on_done:
            on_done(i, res)
    return results
