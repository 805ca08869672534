"""Running variants: one variant in a worker (a failure is a record, never an exception), and
the pools that run them, local processes or a Dask cluster."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import time
import tomllib
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ClusterError, McdmError, OutputError
from ..folders import marker_kind
from ..instance import instantiate
from ..parallel import executor
from ..pipeline import run_scenario, write_run
from ..solved_models import SolvedModels, active, reusing, shared_folder
from .records import VariantDone, VariantFailed, VariantOutcome, VariantTask
from .sweep import checked_scenario, data_for

__all__ = ["DASK_CONNECT_TIMEOUT_S", "dask_client", "run_locally", "run_on_dask", "run_variant"]

DASK_CONNECT_TIMEOUT_S = 5  # an unreachable scheduler is reported after this, not waited for

Report = Callable[[VariantOutcome], None]

#: A Dask worker's solved models, kept across the variants it runs (a local batch brings its own):
#: variants that build the very same model get the very same answer without solving it again.
SOLVED = SolvedModels()


def run_variant(task: VariantTask) -> VariantOutcome:
    """Run one variant and write its folder; never raises (a failure is a record).

    A failure with ``os_errno`` set is a write the system refused (a full disk, a read-only
    folder): the batch stops there, as every other variant would fail the same way.
    """
    variant = task.variant
    folder = Path(task.out) / "variants" / variant.variant_id
    start = time.perf_counter()
    try:
        if variant.error:
            raise McdmError(variant.error)
        doc = tomllib.loads(variant.scenario_toml)
        data = data_for(doc)
        scenario = checked_scenario(doc, data, variant.variant_id)
        solved = active()  # the batch's (its pool's), or this Dask worker's own
        with reusing(solved if solved is not None else SOLVED):
            result = run_scenario(instantiate(scenario, data), jobs=1, prices=task.prices)
        errors = [o.message for o in result.packages.outcomes if o.status.value == "error"]
        if errors:  # a solver failure or a time limit without any solution: retry on re-run
            raise McdmError("; ".join(errors))
        meta = {
            "id": variant.variant_id,
            "changes": dict(variant.changes),
            "sample": variant.sample,
        }
        write_run(result, folder, extra={"variant": meta})
        a = result.analysis
        return VariantDone(
            variant_id=variant.variant_id,
            folder=folder,
            files=tuple(sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))),
            packages=len(result.packages.packages),
            top=a.top if a is not None else "",
            seconds=round(time.perf_counter() - start, 3),
            peak_rss_mb=round(_peak_rss_mb(), 1),
        )
    except Exception as exc:  # one variant's failure, whatever it is, must not sink the rest
        message = (
            str(exc)
            if isinstance(exc, McdmError)
            else f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        )
        if marker_kind(folder) == "run":  # a stale run of this id; never a folder of the user's
            shutil.rmtree(folder, ignore_errors=True)
        return VariantFailed(
            variant_id=variant.variant_id,
            error=message,
            seconds=round(time.perf_counter() - start, 3),
            peak_rss_mb=round(_peak_rss_mb(), 1),
            os_errno=exc.os_errno if isinstance(exc, OutputError) else None,
        )


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if os.uname().sysname != "Darwin" else peak / 1024 / 1024


def _lost(task: VariantTask, exc: BaseException) -> VariantFailed:
    """The failure of a variant whose worker was lost (it crashed or was killed)."""
    return VariantFailed(
        task.variant.variant_id,
        f"the worker running it was lost: {type(exc).__name__}: {exc}",
    )


def run_locally(tasks: list[VariantTask], jobs: int, done: Report) -> None:
    """Run the variants here (one job) or in a pool; an exception out of ``done`` (or Ctrl-C)
    leaves the pool, which cancels what has not started and terminates the workers.

    The variants reuse each other's solved models (:mod:`mcdm.solved_models`): a pool's workers
    through a temporary folder, removed once they have stopped."""
    from concurrent.futures import as_completed

    jobs = min(jobs, max(1, len(tasks)))
    with (
        shared_folder() as folder,
        reusing(SolvedModels(folder=folder if jobs > 1 else None)),
        executor(jobs) as pool,
    ):
        if pool is None:
            for task in tasks:
                done(run_variant(task))
            return
        futures = {pool.submit(run_variant, task): task for task in tasks}
        for fut in as_completed(futures):
            try:
                outcome = fut.result()
            except Exception as exc:  # BrokenProcessPool and the like: record, go on
                outcome = _lost(futures[fut], exc)
            done(outcome)


@contextlib.contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A client of the Dask scheduler at ``address``, or one line saying why there is none
    (within ``DASK_CONNECT_TIMEOUT_S``, instead of Dask's default of 30 s)."""
    try:
        from distributed import Client
    except ImportError:
        raise McdmError('--scheduler needs Dask: pip install ".[dask]"') from None
    try:
        client = Client(address, timeout=f"{DASK_CONNECT_TIMEOUT_S}s")
    except ValueError as exc:  # a malformed address: Dask's words say what is wrong
        reason = str(exc)
    except (OSError, TimeoutError):
        reason = f"no scheduler answered within {DASK_CONNECT_TIMEOUT_S} s"
    except Exception as exc:  # something answered, but not as a scheduler does
        reason = f"what answered is not a Dask scheduler ({type(exc).__name__})"
    else:
        with client:
            yield client
        return
    raise ClusterError(
        f"cannot reach the Dask scheduler at {address}: {reason}; check the address and that "
        "the scheduler is running, or leave out --scheduler to run here"
    )


def run_on_dask(tasks: list[VariantTask], client: Any, done: Report) -> None:
    """Run the variants on a Dask cluster; a worker the cluster loses is a failure."""
    from distributed import as_completed

    futures = client.map(run_variant, tasks, pure=False)
    by_key = {f.key: task for f, task in zip(futures, tasks, strict=True)}
    try:
        for fut in as_completed(futures):
            try:
                outcome = fut.result()
            except Exception as exc:  # a worker lost by the cluster: record, go on
                outcome = _lost(by_key[fut.key], exc)
            done(outcome)
    except BaseException:  # Ctrl-C or a stop: the cluster drops what has not finished
        client.cancel(futures)
        raise
