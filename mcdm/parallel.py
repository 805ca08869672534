"""Run independent tasks in worker processes (or in this process when one job is asked for).

Workers never come from a plain fork of this process: a worker forked after HiGHS has run in
the parent hangs in its first HiGHS solve (highspy 1.16 on Linux). Where the platform has it,
workers are forked from a clean *forkserver* that has imported our modules but run no solver
(fast to start, nothing inherited from HiGHS); elsewhere they are spawned. A new worker imports
the parent's main module unless it is a ``__main__`` package module: under Streamlit the main
module is the app script, which would then run again in every worker, so while a pool is open a
main module run from a path is given the spec of the empty ``mcdm._mp_main`` instead.
HiGHS gains nothing from a second thread on these models, so parallelism comes from
processes, one solver thread each.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["available_cpus", "executor", "map_tasks", "mp_context"]

T = TypeVar("T")
R = TypeVar("R")


def available_cpus() -> int:
    """CPUs this process may use (respects affinity masks and cgroup-limited containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def mp_context() -> multiprocessing.context.BaseContext:
    """The start method for worker processes: forkserver (our modules preloaded), or spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["mcdm.packages"])  # never "__main__"
        return ctx
    return multiprocessing.get_context("spawn")


@contextmanager
def _workers_skip_the_main_script() -> Iterator[None]:
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    main.__spec__ = importlib.util.find_spec("mcdm._mp_main")
    try:
        yield
    finally:
        main.__spec__ = None


@contextmanager
def executor(jobs: int) -> Iterator[Executor | None]:
    """A process pool for ``jobs`` > 1 (see :func:`mp_context`), else None (this process)."""
    if jobs <= 1:
        yield None
        return
    with (
        _workers_skip_the_main_script(),
        ProcessPoolExecutor(max_workers=jobs, mp_context=mp_context()) as pool,
    ):
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
