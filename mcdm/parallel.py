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

Workers never outlive the process that opened the pool: on Linux each asks the kernel for
SIGKILL when its parent dies (a HiGHS solve may hold the GIL for long, so a Python thread alone
could not be relied on), and a watchdog thread ends it when its parent or the pool's owner is
gone. Ctrl-C is the owner's to handle: workers ignore SIGINT, and a pool left by an exception
(KeyboardInterrupt included) cancels what has not started and terminates its workers at once
instead of waiting for them.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, TypeVar

from .folders import process_alive
from .solved_models import active, reuse_in_this_process

__all__ = [
    "Pending",
    "available_cpus",
    "executor",
    "map_tasks",
    "mp_context",
    "submit_tasks",
    "warm_workers",
]

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


def warm_workers() -> None:
    """Start the server that worker processes are forked from now, so that it imports the
    solver's modules while this process goes on (a command loading its own); the first pool
    then starts its workers at once. Nothing to do where workers are spawned."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    mp_context()
    with _workers_skip_the_main_script():
        multiprocessing.forkserver.ensure_running()


@contextlib.contextmanager
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


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _let_the_forkserver_go() -> None:
    """A forkserver child inherits the write end of the pipe by which the forkserver learns
    that the pool's owner is gone (it exits at EOF). Closing it here lets the forkserver exit
    with the owner, and the kernel then kills this worker (PR_SET_PDEATHSIG), even in a solve.
    A worker never starts processes of its own, so it does not need the pipe."""
    from multiprocessing import forkserver

    server: Any = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _watch(parent: int, owner: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent or not process_alive(owner):
            os._exit(1)


def _init_worker(owner: int, solved: str = "") -> None:
    """Run in every worker as it starts: ignore Ctrl-C, die with the parent (see module doc),
    and reuse the solved models of the folder ``solved`` (if any).

    ``owner`` is the process that opened the pool; the parent is the forkserver, which exits
    when the owner does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        # without prctl (an unusual libc) the watchdog alone has to do
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if parent == 1 or not process_alive(owner):  # the parent died before prctl took effect
        os._exit(1)
    if parent != owner:  # forked by the forkserver (spawned workers are the owner's children)
        _let_the_forkserver_go()
    threading.Thread(
        target=_watch, args=(parent, owner), name="parent-watchdog", daemon=True
    ).start()
    if solved:
        reuse_in_this_process(solved)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the tasks not started and end the workers now, running tasks included."""
    # the pool forgets its processes on shutdown: take them first (private, but the only
    # handle on them before Python 3.14's terminate_workers)
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            p.kill()
            p.join(timeout=5)


@contextlib.contextmanager
def executor(jobs: int) -> Iterator[Executor | None]:
    """A process pool for ``jobs`` > 1 (see :func:`mp_context`), else None (this process).

    Opened where solved models are reused through a folder (:mod:`mcdm.solved_models`), its
    workers reuse them too. Leaving the block normally waits for every task; leaving it by an
    exception (Ctrl-C included) cancels the tasks not started and terminates the workers."""
    if jobs <= 1:
        yield None
        return
    solved = active()
    folder = str(solved.folder) if solved is not None and solved.folder is not None else ""
    with _workers_skip_the_main_script():
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=mp_context(),
            initializer=_init_worker,
            initargs=(os.getpid(), folder),
        )
        try:
            yield pool
        except BaseException:
            _stop(pool)
            raise
        pool.shutdown(wait=True)


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


class Pending:
    """Tasks handed out now, their results collected later, in the tasks' order: the next
    batch of tasks can be handed out meanwhile. Without a pool they run when collected, in
    this process, in the order the batches are collected."""

    def __init__(self, func: Callable[[Any], Any], items: Iterable[Any], pool: Executor | None):
        self._func = func
        self._items = list(items)
        self._done: list[Any] | None = None
        self._futures = [] if pool is None else [pool.submit(func, i) for i in self._items]

    def results(self) -> list[Any]:
        """Every task's result (waiting for those not done), in the tasks' order."""
        if self._done is None:
            if self._futures:
                self._done = [fut.result() for fut in self._futures]
            else:
                self._done = [self._func(item) for item in self._items]
        return self._done


def submit_tasks(
    func: Callable[[Any], Any], items: Iterable[Any], pool: Executor | None
) -> Pending:
    """Apply ``func`` to every item, in ``pool`` if given; :meth:`Pending.results` collects."""
    return Pending(func, items, pool)
