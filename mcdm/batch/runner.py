"""Running a batch: its folder and lock, the variants not yet complete on local workers or a
Dask cluster, a stop on Ctrl-C or a refused write, and the combined tables at the end."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError, Problem
from ..folders import check_out_folder, lock_folder, marker_kind, writing_to
from ..io.write import write_marker
from ..parallel import available_cpus
from .outputs import write_outputs
from .records import BatchResult, Variant, VariantFailed, VariantOutcome, VariantTask
from .summaries import combine, is_complete
from .workers import dask_client, run_locally, run_on_dask

__all__ = ["run_batch"]


class _StopError(Exception):
    """Raised from the progress callback to end a batch early: results cannot be written."""

    def __init__(self, error: OutputError):
        super().__init__(str(error))
        self.error = error


def run_batch(
    variants: Sequence[Variant],
    out: str | Path,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    prices: bool = False,
    quiet: bool = True,
    on_done: Callable[[VariantOutcome], None] | None = None,
) -> BatchResult:
    """Run every variant not yet complete in ``out``, then combine all of them.

    Parameters
    ----------
    variants
        From :func:`expand_sweep` or :func:`scenario_variants`.
    out
        The batch folder: new, empty, or a batch folder of the tool (re-running with the same
        variants skips the complete ones). A folder holding anything else is refused, and so is
        a batch folder another batch is running in.
    jobs
        Local worker processes (default: the CPUs available).
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``); the same work goes to
        that cluster instead of local processes. Needs ``pip install ".[dask]"``.
    prices
        Also price each constraint in every variant (slower).
    quiet
        No progress bar.
    on_done
        Called with each variant's outcome (:class:`VariantDone` or :class:`VariantFailed`) as
        it finishes.

    Returns
    -------
    BatchResult
        ``tables`` holds the combined tables and summaries as DataFrames.

    Raises
    ------
    OutputError
        ``out`` is refused (see :func:`mcdm.folders.check_out_folder`) or in use, or the system
        refused a write (a full disk, a read-only folder): the variants complete so far are
        kept and ``manifest.json`` says which they are.
    ClusterError
        The Dask scheduler cannot be reached within ``DASK_CONNECT_TIMEOUT_S`` seconds.
    KeyboardInterrupt
        On Ctrl-C, after the running variants were stopped and the manifest written; its
        message says what is complete and how to finish.
    """
    out = Path(out)
    ids = [v.variant_id for v in variants]
    if len(set(ids)) != len(ids):
        raise InputError([Problem("batch", "distinct variant ids", value=ids)])
    check_out_folder(out, "batch")
    execution = {"scheduler": scheduler, "jobs": jobs or available_cpus()}
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(dask_client(scheduler)) if scheduler else None
        with writing_to(out):
            out.mkdir(parents=True, exist_ok=True)
        stack.enter_context(lock_folder(out))
        _prepare_folder(out)
        return _run_locked(variants, out, client, execution, prices, quiet, on_done)


def _run_locked(
    variants: Sequence[Variant],
    out: Path,
    client: Any,
    execution: Mapping[str, Any],
    prices: bool,
    quiet: bool,
    on_done: Callable[[VariantOutcome], None] | None,
) -> BatchResult:
    """Run the variants not yet complete, then combine them all (with the batch lock held)."""
    tasks = [VariantTask(v, str(out), prices) for v in variants if not is_complete(out, v)]
    progress = _Progress(len(variants), len(variants) - len(tasks), quiet, on_done)
    start = time.perf_counter()
    stopped = _run_tasks(tasks, execution["jobs"], client, progress)
    pending = {t.variant.variant_id for t in tasks}
    result = BatchResult(
        out=out,
        variants=tuple(variants),
        outcomes=tuple(progress.outcomes),
        skipped=tuple(v.variant_id for v in variants if v.variant_id not in pending),
        timings={"run_s": time.perf_counter() - start},
    )
    if stopped is not None:
        _stop_batch(result, execution, stopped)
    return _combine(result, execution)


def _prepare_folder(out: Path) -> None:
    """Mark ``out`` as a batch folder, make its ``variants/`` and clear what a killed run left
    (called with the lock held: nobody else is writing those)."""
    with writing_to(out):
        if marker_kind(out) != "batch":
            write_marker(out, "batch")
        (out / "variants").mkdir(exist_ok=True)
        for stale in [
            *(out / "variants").glob(".*.partial-*"),
            *(out / "variants").glob(".*.old-*"),
            *out.glob(".combined.partial-*"),
            *out.glob(".combined.old-*"),
        ]:
            shutil.rmtree(stale, ignore_errors=True)


def _combine(result: BatchResult, execution: Mapping[str, Any]) -> BatchResult:
    """Combine every complete variant's tables, write the batch's outputs, time it."""
    start = time.perf_counter()
    tables = combine(result.out, result.variants)
    timings = dict(result.timings) | {"combine_s": time.perf_counter() - start}
    result = replace(result, tables=tables, timings=timings)
    write_outputs(result, execution)
    return result


class _Progress:
    """Collects the outcomes as they arrive, shows them on a progress bar (unless quiet), passes
    them on to ``on_done``, and stops the batch at a write the system refused."""

    def __init__(
        self,
        total: int,
        complete: int,
        quiet: bool,
        on_done: Callable[[VariantOutcome], None] | None,
    ) -> None:
        self.outcomes: list[VariantOutcome] = []
        self.on_done = on_done
        self.bar = None
        if not quiet:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, initial=complete, unit="variant", desc="variants", dynamic_ncols=True
            )

    def __call__(self, outcome: VariantOutcome) -> None:
        self.outcomes.append(outcome)
        failed = isinstance(outcome, VariantFailed)
        if self.bar is not None:
            self.bar.update(1)
            if failed:
                n = sum(isinstance(o, VariantFailed) for o in self.outcomes)
                self.bar.set_postfix_str(f"{n} failed")
        if self.on_done is not None:
            self.on_done(outcome)
        if isinstance(outcome, VariantFailed) and outcome.os_errno is not None:
            raise _StopError(OutputError(outcome.error, outcome.os_errno))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run_tasks(
    tasks: list[VariantTask], jobs: int, client: Any, progress: _Progress
) -> OutputError | KeyboardInterrupt | None:
    """Run the tasks on ``client`` (Dask) or here; what stopped them early, if anything."""
    try:
        if client is not None:
            run_on_dask(tasks, client, progress)
        else:
            run_locally(tasks, jobs, progress)
    except KeyboardInterrupt as exc:
        return exc
    except _StopError as exc:
        return exc.error
    finally:
        progress.close()
    return None


def _stop_batch(
    result: BatchResult, execution: Mapping[str, Any], why: OutputError | KeyboardInterrupt
) -> None:
    """End a batch that was stopped (Ctrl-C, or a write the system refused): write the manifest
    and failures.csv for what finished (the combined tables are left as they were: they would
    look complete), then raise with one line that says what is kept and how to go on."""
    out = result.out
    # on disk, not as reported: a worker may have renamed a variant into place just before the
    # stop, with its report never read (a resume skips it all the same: is_complete)
    complete = sum(is_complete(out, v) for v in result.variants)
    failed = len(result.failed)
    n = len(result.variants)
    reason = "interrupted" if isinstance(why, KeyboardInterrupt) else str(why)
    # the local workers are gone: what they were writing is debris
    if execution["scheduler"] is None:
        for stale in (out / "variants").glob(".*.partial-*"):
            shutil.rmtree(stale, ignore_errors=True)
    try:
        write_outputs(result, execution, stopped=reason, combined=False)
        note = "manifest.json lists them"
    except OutputError as exc:
        same = isinstance(why, OutputError) and exc.os_errno == why.os_errno
        note = "manifest.json not updated" + ("" if same else f": {exc}")
    if isinstance(why, KeyboardInterrupt):
        raise KeyboardInterrupt(
            f"interrupted: {complete} of {n} variants complete in {out}, {failed} failed, "
            f"{n - complete - failed} not run ({note}); run the same command again to finish"
        ) from None
    raise OutputError(
        f"{why} ({complete} of {n} variants complete in {out} are kept; {note})", why.os_errno
    ) from None
