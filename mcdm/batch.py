"""Batch runs: many scenarios or sweeps of one, locally or on a Dask cluster, resumable.

A batch is a list of :class:`Variant` (each a complete, self-contained scenario TOML). Each
variant's results go to ``OUT/variants/<variant_id>/`` through an atomic rename, so a folder
that exists is complete; re-running the same batch skips those. A variant that fails is written
to ``failures.csv`` with its message and the others go on. At the end the variants' tables are
combined (CSV and Parquet) with summary tables and ``manifest.json``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import math
import os
import re
import resource
import shutil
import time
import tomllib
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import limits as lim
from .cells import neutralise_frame
from .errors import ClusterError, InputError, McdmError, OutputError, Problem
from .folders import check_out_folder, lock_folder, marker_kind, writing_to
from .instance import check_references, instantiate
from .io._values import number_hint, number_of
from .io.data import DATA_FILES, load_dataset
from .io.scenario import (
    dump_scenario_toml,
    read_scenario,
    scenario_from_mapping,
    scenario_keys,
    scenario_to_dict,
)
from .io.write import write_file, write_marker, write_tables
from .limits import fmt
from .model import Dataset, Scenario
from .parallel import available_cpus, executor
from .pipeline import run_scenario, versions, write_run

__all__ = [
    "BatchResult",
    "Variant",
    "expand_sweep",
    "parse_vary",
    "run_batch",
    "scenario_variants",
]

COMBINED = (
    "packages.csv",
    "rankings.csv",
    "acceptability.csv",
    "allocations.csv",
    "infeasible.csv",
    "prices.csv",
)


@dataclass(frozen=True)
class Variant:
    """One scenario of a batch: its id, what was changed, and the full scenario as TOML."""

    variant_id: str
    changes: Mapping[str, Any]
    scenario_toml: str
    sample: int | None = None
    error: str = ""  # a variant whose scenario is invalid fails with this message when run


@dataclass(frozen=True)
class BatchResult:
    """A batch's outcome: where it is, what ran, what failed, and the combined tables."""

    out: Path
    variants: tuple[Variant, ...]
    done: tuple[str, ...]
    skipped: tuple[str, ...]
    failures: pd.DataFrame
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failures.empty


# --- building variants -------------------------------------------------------------------------


def _value(text: str) -> Any:
    """A sweep value as TOML would read it: bool, int, float or string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    num = number_of(text)
    if num is None:
        return text.strip()
    return int(num) if re.fullmatch(r"[+-]?\d+", text.strip()) else num


def parse_vary(spec: str, option: str = "--vary") -> tuple[str, list[Any]]:
    """``key=start:stop:step`` (inclusive numeric range) or ``key=a,b,c`` (a list).

    A range is counted before it is expanded: one of more than
    :data:`~mcdm.limits.MAX_SWEEP_VARIANTS` values is refused, as are numbers that are not
    finite (``inf``, ``nan``) or are written with ``_`` between digits.
    """
    if "=" not in spec:
        raise InputError(
            [
                Problem.option(
                    option,
                    "KEY=VALUES, e.g. budget_eur_bn=5:40:5 or rotation_factor=3,4,5",
                    value=spec,
                )
            ]
        )
    key, _, values = spec.partition("=")
    key = key.strip()
    if values.count(":") == 2 and "," not in values:
        parts = values.split(":")
        nums = [number_of(v) for v in parts]
        if any(v is None or not math.isfinite(v) for v in nums):
            hint = next((number_hint(v) for v in parts if number_hint(v)), "")
            raise InputError(
                [
                    Problem.option(
                        option, f"finite numbers in START:STOP:STEP{hint}", value=spec, column=key
                    )
                ]
            )
        start, stop, step = (float(v) for v in nums)  # type: ignore[arg-type]
        if step <= 0 or stop < start:
            raise InputError(
                [Problem.option(option, "START <= STOP and STEP > 0", value=spec, column=key)]
            )
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > lim.MAX_SWEEP_VARIANTS:
            raise InputError(
                [
                    Problem.option(
                        option,
                        f"a range of at most {fmt(lim.MAX_SWEEP_VARIANTS)} values (a larger STEP)",
                        value=f"{values} ({count:,} values)",
                        column=key,
                    )
                ]
            )
        as_int = all(float(v).is_integer() for v in (start, stop, step))
        grid = [start + i * step for i in range(count)]
        return key, [round(v) if as_int else round(v, 10) for v in grid]
    items = [v for v in values.split(",") if v.strip()]
    if not items:
        raise InputError([Problem.option(option, "at least one value", value=spec, column=key)])
    for item in items:
        num = number_of(item)
        if (num is not None and not math.isfinite(num)) or number_hint(item):
            raise InputError(
                [
                    Problem.option(
                        option,
                        "finite numbers (no inf or nan)" + number_hint(item),
                        value=item.strip(),
                        column=key,
                    )
                ]
            )
    return key, [_value(v) for v in items]


def check_key(key: str, data: Dataset, option: str = "--vary") -> None:
    """Reject a sweep key that names nothing in a scenario, listing the valid choices, or that
    stops short of a single setting (the keys come from :func:`scenario_keys`)."""
    parts = key.split(".")
    if not all(parts):
        raise InputError(
            [Problem.option(option, "a key such as budget_eur_bn or frontier.levels", value=key)]
        )
    if parts[0] == "rules":
        raise InputError(
            [
                Problem.option(
                    option,
                    "a key other than rules (a list of tables): write a scenario file per "
                    "set of rules and run them with mcdm run",
                    value=key,
                    column=key,
                )
            ]
        )
    for depth in range(len(parts)):
        valid = scenario_keys(parts[:depth], data) or ()
        if parts[depth] not in valid:
            where = ".".join(parts[:depth]) or "a scenario"
            expected = (
                f"a key of {where}: " + ", ".join(valid)
                if valid
                else f"nothing after {where} (it is a single setting)"
            )
            raise InputError([Problem.option(option, expected, value=parts[depth], column=key)])
    example = list(parts)
    while below := scenario_keys(example, data):  # a table: name a setting in it
        example.append(below[0])
    if len(example) > len(parts):
        raise InputError(
            [
                Problem.option(
                    option,
                    "a single setting such as " + ".".join(example),
                    value=key,
                    column=key,
                )
            ]
        )


def _set(doc: dict[str, Any], key: str, value: Any) -> None:
    node = doc
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _variant_id(index: int, changes: Mapping[str, Any]) -> str:
    blob = json.dumps(changes, sort_keys=True, default=str).encode()
    return f"v{index:04d}-{hashlib.sha256(blob).hexdigest()[:8]}"


def _resolved_doc(path: Path) -> dict[str, Any]:
    """A scenario file as plain data, with its data folder made absolute."""
    scenario = read_scenario(path)
    doc = scenario_to_dict(scenario)
    doc["dataset"] = str((path.parent / scenario.dataset).resolve())
    return doc


def _checked(doc: Mapping[str, Any], data: Dataset, source: str) -> Scenario:
    """A scenario given as a mapping, checked with its references; ``source`` names it."""
    scenario = scenario_from_mapping(doc, source)
    problems = check_references(scenario, data, source)
    if problems:
        raise InputError(problems)
    return scenario


@functools.lru_cache(maxsize=8)
def _dataset(root: str, stamp: float) -> Dataset:
    return load_dataset(root)


def _data_for(doc: Mapping[str, Any]) -> Dataset:
    root = Path(str(doc["dataset"]))
    stamp = max((root / n).stat().st_mtime for n in DATA_FILES if (root / n).exists())
    return _dataset(str(root), stamp)


def scenario_variants(paths: Sequence[str | Path]) -> list[Variant]:
    """One variant per scenario file (``mcdm run A.toml B.toml``); ids from the file names.

    A file that does not validate becomes a variant that fails with the validation message,
    so one bad scenario does not stop the others.
    """
    out = []
    seen: set[str] = set()
    for i, p in enumerate(paths):
        path = Path(p)
        vid = path.stem if path.stem not in seen else f"{path.stem}-{i + 1}"
        seen.add(vid)
        try:
            doc = _resolved_doc(path)
            text = dump_scenario_toml(_checked(doc, _data_for(doc), str(path)))
            out.append(Variant(vid, {"scenario": str(path)}, text))
        except InputError as exc:
            out.append(Variant(vid, {"scenario": str(path)}, "", error=str(exc)))
    return out


def expand_sweep(
    base: str | Path,
    vary: Sequence[str] = (),
    set_values: Sequence[str] = (),
    samples: int = 0,
    seed: int = 0,
    max_variants: int = lim.MAX_SWEEP_VARIANTS,
) -> list[Variant]:
    """The variants of a sweep: the cross product of ``vary``, times ``samples`` Monte Carlo draws.

    Parameters
    ----------
    base
        The scenario file every variant starts from.
    vary
        ``KEY=SPEC`` strings: ``budget_eur_bn=5:40:5`` (inclusive range), ``rotation_factor=3,4,5``
        (list), nested keys such as ``member_overrides.DEU.ground_in_ukraine=true,false``.
    set_values
        ``KEY=VALUE`` settings applied to every variant (e.g. ``frontier.levels=3``).
    samples
        Monte Carlo draws per combination (0: none). Each draws every element's annual cost from
        a triangular distribution on [cost_low_eur_m, cost_high_eur_m] with mode cost_eur_m, and
        every member's troop pool uniformly within +-``troop_pool_spread`` (parameters.toml).
    seed
        Seed of the draws: the same command gives the same variants.
    max_variants
        Refuse (before building any) a sweep of more variants than this; never more than
        :data:`~mcdm.limits.MAX_SWEEP_VARIANTS`.

    Raises
    ------
    InputError
        For a bad key or value, a sweep that is too large, or one whose every variant is
        invalid (nothing could run). A variant that is invalid while others are not is kept,
        with its message in ``error``: it fails when run and the others go on.
    """
    max_variants = min(max_variants, lim.MAX_SWEEP_VARIANTS)
    if _outside_int(samples, 0, lim.MAX_SAMPLES):
        raise InputError(
            [
                Problem.option(
                    "--samples",
                    f"a whole number between 0 and {fmt(lim.MAX_SAMPLES)}",
                    value=samples,
                )
            ]
        )
    if _outside_int(seed, 0, lim.MAX_SEED):
        raise InputError(
            [
                Problem.option(
                    "--seed", f"a whole number between 0 and {fmt(lim.MAX_SEED)}", value=seed
                )
            ]
        )
    base = Path(base)
    doc = _resolved_doc(base)
    data = _data_for(doc)
    fixed: dict[str, Any] = {}
    for spec in set_values:
        key, values = parse_vary(spec, "--set")
        if len(values) != 1:
            raise InputError([Problem.option("--set", "one value", value=spec, column=key)])
        check_key(key, data, "--set")
        fixed[key] = values[0]
    axes: list[tuple[str, list[Any]]] = []
    for spec in vary:
        key, values = parse_vary(spec)
        check_key(key, data)
        if any(key == k for k, _ in axes):
            raise InputError([Problem.option("--vary", "each key once", value=key, column=key)])
        axes.append((key, values))
    size = math.prod(len(values) for _, values in axes) * max(1, samples)
    if size > max_variants:
        raise InputError([_too_many(size, axes, samples, max_variants)])
    combos = list(itertools.product(*[[(k, v) for v in vals] for k, vals in axes])) or [()]
    variants: list[Variant] = []
    first_problems: list[Problem] = []
    for combo in combos:
        changes = dict(fixed) | dict(combo)
        for sample in range(max(1, samples)) if samples else [None]:
            vdoc = json.loads(json.dumps(doc))  # deep copy of plain data
            for key, value in changes.items():
                _set(vdoc, key, value)
            if sample is not None:
                drawn = _draw(data, vdoc, np.random.default_rng([seed, sample]))
                for key, value in drawn.items():
                    if key not in changes:  # what the sweep sets is not drawn
                        _set(vdoc, key, value)
            label = dict(changes) | ({"sample": sample} if sample is not None else {})
            vid = _variant_id(len(variants), label)
            try:
                scenario = _checked(vdoc, data, f"{base.name} [{vid}]")
            except InputError as exc:  # this variant fails when run; the others go on
                first_problems = first_problems or list(exc.problems)
                error = "\n".join(str(p) for p in exc.problems)  # first line: the first problem
                variants.append(Variant(vid, label, "", sample, error=error))
                continue
            variants.append(Variant(vid, label, dump_scenario_toml(scenario), sample))
    if all(v.error for v in variants):  # nothing could run: say why now, before any work
        raise InputError(first_problems)
    return variants


def _outside_int(value: object, low: int, high: int) -> bool:
    return isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high


def _too_many(size: int, axes: Sequence[tuple[str, list[Any]]], samples: int, most: int) -> Problem:
    """The problem of a sweep with more variants than ``most``."""
    parts = [f"{len(values):,} {key}" for key, values in axes]
    if samples:
        parts.append(f"{samples:,} samples")
    extra = (
        "; add --yes to run more, up to " + fmt(lim.MAX_SWEEP_VARIANTS)
        if most < lim.MAX_SWEEP_VARIANTS
        else ""
    )
    return Problem(
        source="mcdm sweep",
        expected=f"at most {fmt(most)} variants{extra}",
        value=f"{size:,} variants ({' x '.join(parts) or 'one scenario'})",
    )


def _draw(data: Dataset, doc: Mapping[str, Any], rng: np.random.Generator) -> dict[str, Any]:
    """One Monte Carlo draw of uncertain inputs, as scenario overrides.

    Draws centre on the variant's own values: an element cost or troop pool the scenario (or the
    sweep) overrides is the mode of its draw, with the documented range scaled to it. A value
    the sweep itself varies (``--vary``/``--set``) is kept as given, not drawn.
    """
    elements = doc.get("element_overrides", {})
    members = doc.get("member_overrides", {})
    out: dict[str, Any] = {}
    for eid, e in data.elements.items():
        given = elements.get(eid, {})
        mode = float(given.get("cost_eur_m", e.cost_eur_m))
        scale = mode / e.cost_eur_m if e.cost_eur_m else 1.0
        lo, hi = e.cost_low_eur_m * scale, e.cost_high_eur_m * scale
        cost = float(rng.triangular(lo, mode, hi)) if hi > lo else mode
        out[f"element_overrides.{eid}.cost_eur_m"] = round(cost, 3)
    spread = data.parameters.troop_pool_spread
    for mid, m in data.members.items():
        base = int(members.get(mid, {}).get("troop_pool", m.troop_pool))
        out[f"member_overrides.{mid}.troop_pool"] = max(
            0, round(base * rng.uniform(1 - spread, 1 + spread))
        )
    return out


# --- running -----------------------------------------------------------------------------------


DASK_CONNECT_TIMEOUT_S = 5  # an unreachable scheduler is reported after this, not waited for


def _run_variant(args: tuple[Variant, str, bool]) -> dict[str, Any]:
    """Run one variant and write its folder; never raises (a failure is a row).

    A row with ``os_errno`` set failed because the system refused a write (a full disk, a
    read-only folder): the batch stops there, as every other variant would fail the same way.
    """
    variant, out, prices = args
    start = time.perf_counter()
    try:
        if variant.error:
            raise McdmError(variant.error)
        doc = tomllib.loads(variant.scenario_toml)
        data = _data_for(doc)
        scenario = _checked(doc, data, variant.variant_id)
        result = run_scenario(instantiate(scenario, data), jobs=1, prices=prices)
        errors = [o.message for o in result.packages.outcomes if o.status.value == "error"]
        if errors:  # a solver failure or a time limit without any solution: retry on re-run
            raise McdmError("; ".join(errors))
        write_run(
            result,
            Path(out) / "variants" / variant.variant_id,
            extra={
                "variant": {
                    "id": variant.variant_id,
                    "changes": dict(variant.changes),
                    "sample": variant.sample,
                }
            },
        )
        a = result.analysis
        return {
            "variant_id": variant.variant_id,
            "status": "done",
            "packages": len(result.packages.packages),
            "top": a.top if a is not None else "",
            "seconds": round(time.perf_counter() - start, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "error": "",
            "os_errno": None,
        }
    except Exception as exc:  # one variant's failure, whatever it is, must not sink the rest
        message = (
            str(exc)
            if isinstance(exc, McdmError)
            else f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        )
        folder = Path(out) / "variants" / variant.variant_id
        if marker_kind(folder) == "run":  # a stale run of this id; never a folder of the user's
            shutil.rmtree(folder, ignore_errors=True)
        return {
            "variant_id": variant.variant_id,
            "status": "failed",
            "packages": 0,
            "top": "",
            "seconds": round(time.perf_counter() - start, 3),
            "peak_rss_mb": round(_peak_rss_mb(), 1),
            "error": message,
            "os_errno": exc.os_errno if isinstance(exc, OutputError) else None,
        }


def _peak_rss_mb() -> float:
    """This process's peak resident memory in MB (Linux reports kB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if os.uname().sysname != "Darwin" else peak / 1024 / 1024


def _complete(out: Path, variant: Variant) -> bool:
    """A variant folder that exists is complete (atomic rename) and must be this variant."""
    meta = out / "variants" / variant.variant_id / "run.json"
    if variant.error or not meta.exists():
        return False
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    scenario = scenario_to_dict(scenario_from_mapping(tomllib.loads(variant.scenario_toml)))
    return stored.get("scenario") == json.loads(json.dumps(scenario, default=str))


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
    on_done: Callable[[dict[str, Any]], None] | None = None,
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
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(_dask_client(scheduler)) if scheduler else None
        with writing_to(out):
            out.mkdir(parents=True, exist_ok=True)
        stack.enter_context(lock_folder(out))
        with writing_to(out):
            if marker_kind(out) != "batch":
                write_marker(out, "batch")
            (out / "variants").mkdir(exist_ok=True)
            # left by a run that was killed; with the lock held nobody else is writing them
            for stale in [
                *(out / "variants").glob(".*.partial-*"),
                *(out / "variants").glob(".*.old-*"),
                *out.glob(".combined.partial-*"),
                *out.glob(".combined.old-*"),
            ]:
                shutil.rmtree(stale, ignore_errors=True)
        result = _run_batch_locked(variants, out, jobs, scheduler, client, prices, quiet, on_done)
    return result


def _run_batch_locked(
    variants: Sequence[Variant],
    out: Path,
    jobs: int | None,
    scheduler: str | None,
    client: Any,
    prices: bool,
    quiet: bool,
    on_done: Callable[[dict[str, Any]], None] | None,
) -> BatchResult:
    start = time.perf_counter()
    pending = [v for v in variants if not _complete(out, v)]
    skipped = tuple(v.variant_id for v in variants if v not in pending)
    rows: list[dict[str, Any]] = []
    bar = None
    if not quiet:
        from tqdm import tqdm

        bar = tqdm(
            total=len(variants),
            initial=len(skipped),
            unit="variant",
            desc="variants",
            dynamic_ncols=True,
        )

    def done(row: dict[str, Any]) -> None:
        rows.append(row)
        if bar is not None:
            bar.update(1)
            if row["status"] != "done":
                bar.set_postfix_str(f"{sum(r['status'] != 'done' for r in rows)} failed")
        if on_done is not None:
            on_done(row)
        if row.get("os_errno") is not None:
            raise _StopError(OutputError(row["error"], row["os_errno"]))

    args = [(v, str(out), prices) for v in pending]
    stopped: OutputError | KeyboardInterrupt | None = None
    try:
        if client is not None:
            _run_on_dask(args, client, done)
        else:
            _run_locally(args, jobs or available_cpus(), done)
    except KeyboardInterrupt as exc:
        stopped = exc
    except _StopError as exc:
        stopped = exc.error
    finally:
        if bar is not None:
            bar.close()
    failures = pd.DataFrame(
        [
            {
                "variant_id": r["variant_id"],
                "changes": json.dumps(
                    dict(next(v.changes for v in variants if v.variant_id == r["variant_id"])),
                    default=str,
                ),
                "error": r["error"],
            }
            for r in rows
            if r["status"] != "done"
        ],
        columns=["variant_id", "changes", "error"],
    )
    timings = {"run_s": time.perf_counter() - start}
    if stopped is not None:
        _stop_batch(out, variants, rows, skipped, failures, timings, scheduler, jobs, stopped)
    t = time.perf_counter()
    tables = combine(out, variants)
    timings["combine_s"] = time.perf_counter() - t
    _write_outputs(out, variants, rows, skipped, failures, timings, scheduler, jobs, tables)
    return BatchResult(
        out=out,
        variants=tuple(variants),
        done=tuple(r["variant_id"] for r in rows if r["status"] == "done"),
        skipped=skipped,
        failures=failures,
        tables=tables,
        timings=timings,
    )


def _stop_batch(
    out: Path,
    variants: Sequence[Variant],
    rows: list[dict[str, Any]],
    skipped: Sequence[str],
    failures: pd.DataFrame,
    timings: Mapping[str, float],
    scheduler: str | None,
    jobs: int | None,
    why: OutputError | KeyboardInterrupt,
) -> None:
    """End a batch that was stopped (Ctrl-C, or a write the system refused): write the manifest
    and failures.csv for what finished (the combined tables are left as they were: they would
    look complete), then raise with one line that says what is kept and how to go on."""
    complete = len(skipped) + sum(r["status"] == "done" for r in rows)
    failed = sum(r["status"] != "done" for r in rows)
    n = len(variants)
    reason = "interrupted" if isinstance(why, KeyboardInterrupt) else str(why)
    if scheduler is None:  # the local workers are gone: what they were writing is debris
        for stale in (out / "variants").glob(".*.partial-*"):
            shutil.rmtree(stale, ignore_errors=True)
    try:
        _write_outputs(
            out, variants, rows, skipped, failures, timings, scheduler, jobs, None, reason
        )
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


def _lost(args: tuple[Variant, str, bool], exc: BaseException) -> dict[str, Any]:
    """The failure row of a variant whose worker was lost (it crashed or was killed)."""
    return {
        "variant_id": args[0].variant_id,
        "status": "failed",
        "packages": 0,
        "top": "",
        "seconds": None,
        "peak_rss_mb": None,
        "error": f"the worker running it was lost: {type(exc).__name__}: {exc}",
        "os_errno": None,
    }


def _run_locally(
    args: list[tuple[Variant, str, bool]], jobs: int, done: Callable[[dict[str, Any]], None]
) -> None:
    """Run the variants here (one job) or in a pool; an exception out of ``done`` (or Ctrl-C)
    leaves the pool, which cancels what has not started and terminates the workers."""
    from concurrent.futures import as_completed

    with executor(min(jobs, max(1, len(args)))) as pool:
        if pool is None:
            for a in args:
                done(_run_variant(a))
            return
        futures = {pool.submit(_run_variant, a): a for a in args}
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as exc:  # BrokenProcessPool and the like: record, go on
                row = _lost(futures[fut], exc)
            done(row)


@contextlib.contextmanager
def _dask_client(address: str) -> Iterator[Any]:
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


def _run_on_dask(
    args: list[tuple[Variant, str, bool]], client: Any, done: Callable[[dict[str, Any]], None]
) -> None:
    from distributed import as_completed

    futures = client.map(_run_variant, args, pure=False)
    by_key = {f.key: a for f, a in zip(futures, args, strict=True)}
    try:
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except Exception as exc:  # a worker lost by the cluster: record, go on
                row = _lost(by_key[fut.key], exc)
            done(row)
    except BaseException:  # Ctrl-C or a stop: the cluster drops what has not finished
        client.cancel(futures)
        raise


# --- combining ---------------------------------------------------------------------------------


def combine(out: Path, variants: Sequence[Variant]) -> dict[str, pd.DataFrame]:
    """Tidy tables across the complete variants, plus the summaries analysts ask for."""
    change_keys = sorted({k for v in variants for k in v.changes})
    # keys that take more than one value: the dimensions of the sweep
    varied = [
        k
        for k in change_keys
        if len({json.dumps(v.changes.get(k), default=str) for v in variants}) > 1
    ]
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in COMBINED}
    runs = []
    for v in variants:
        folder = out / "variants" / v.variant_id
        if not _complete(out, v):  # absent, stale (another scenario) or failed this time
            continue
        meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        info = {"variant_id": v.variant_id} | {k: v.changes.get(k) for k in change_keys}
        runs.append(
            info
            | {
                "budget_eur_bn": meta["scenario"]["budget_eur_bn"],
                "top": (meta.get("ranking") or {}).get("top"),
                "archetypes": meta["archetypes"],
            }
        )
        for name in COMBINED:
            path = folder / name
            if path.exists():
                df = pd.read_csv(path)
                for key, value in reversed(list(info.items())):
                    df.insert(0, key, str(value) if isinstance(value, list | dict) else value)
                frames[name].append(df)
    tables = {
        f"combined_{name}": pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        for name, parts in frames.items()
    }
    tables |= summaries(runs, tables.get("combined_packages.csv", pd.DataFrame()), varied)
    return tables


def summaries(
    runs: list[dict[str, Any]], packages: pd.DataFrame, change_keys: list[str]
) -> dict[str, pd.DataFrame]:
    """How often each archetype and package is top; the cheapest feasible package per budget;
    the budget at which each archetype becomes feasible."""
    out: dict[str, pd.DataFrame] = {}
    if not runs:
        return out
    top = pd.DataFrame([{"variant_id": r["variant_id"], "top": r["top"]} for r in runs])
    top = top[top["top"].notna() & (top["top"] != "")]
    n = len(runs)
    if len(top) and len(packages):
        arche = packages.set_index(["variant_id", "package_id"])["archetype"]
        top["archetype"] = [
            arche.get((v, p)) for v, p in zip(top["variant_id"], top["top"], strict=True)
        ]
        out["summary_top_archetype.csv"] = (
            top.groupby("archetype")
            .size()
            .rename("variants_top")
            .reset_index()
            .assign(share=lambda d: d["variants_top"] / n)
            .sort_values(["variants_top", "archetype"], ascending=[False, True])
        )
        out["summary_top_package.csv"] = (
            top.groupby("top")
            .size()
            .rename("variants_top")
            .reset_index()
            .rename(columns={"top": "package_id"})
            .assign(share=lambda d: d["variants_top"] / n)
            .sort_values(["variants_top", "package_id"], ascending=[False, True])
        )
    if len(packages):
        idx = packages.groupby("variant_id")["annual_cost_eur_bn"].idxmin()
        cheapest = packages.loc[
            idx,
            [
                "variant_id",
                "package_id",
                "archetype",
                "annual_cost_eur_bn",
                "troops_deployed",
                "deterrence",
            ],
        ]
        budgets = pd.DataFrame(
            [{"variant_id": r["variant_id"], "budget_eur_bn": r["budget_eur_bn"]} for r in runs]
        )
        cheapest = budgets.merge(cheapest, on="variant_id")
        out["summary_cheapest_by_budget.csv"] = (
            cheapest.sort_values(["budget_eur_bn", "annual_cost_eur_bn"])
            .groupby("budget_eur_bn")
            .head(1)
        )
    feas = []
    others = [k for k in change_keys if k != "budget_eur_bn" and k != "sample"]
    for r in runs:
        for a in r["archetypes"]:
            feas.append(
                {
                    "variant_id": r["variant_id"],
                    **{k: str(r.get(k)) for k in others},
                    "archetype": a["archetype"],
                    "budget_eur_bn": r["budget_eur_bn"],
                    "feasible": a["status"] in ("optimal", "feasible_at_limit"),
                    "min_cost_eur_bn": a.get("min_cost_eur_bn"),
                }
            )
    if feas:
        f = pd.DataFrame(feas)
        ok = f[f["feasible"]]
        group = [*others, "archetype"]
        first = (
            ok.groupby(group, dropna=False)["budget_eur_bn"]
            .min()
            .rename("lowest_feasible_budget_eur_bn")
            if len(ok)
            else pd.Series(dtype=float, name="lowest_feasible_budget_eur_bn")
        )
        cheapest_cost = (
            ok.groupby(group, dropna=False)["min_cost_eur_bn"]
            .min()
            .rename("cheapest_package_eur_bn")
            if len(ok)
            else pd.Series(dtype=float, name="cheapest_package_eur_bn")
        )
        tried = f.groupby(group, dropna=False).agg(
            variants=("variant_id", "count"), feasible_variants=("feasible", "sum")
        )
        out["summary_feasibility.csv"] = tried.join(first).join(cheapest_cost).reset_index()
    return out


def _write_outputs(
    out: Path,
    variants: Sequence[Variant],
    rows: list[dict[str, Any]],
    skipped: Sequence[str],
    failures: pd.DataFrame,
    timings: Mapping[str, float],
    scheduler: str | None,
    jobs: int | None,
    tables: Mapping[str, pd.DataFrame] | None,
    stopped: str | None = None,
) -> None:
    """failures.csv and manifest.json at the top of ``out``, each replaced atomically, then (with
    ``tables``) the combined folder; a failed write raises :class:`OutputError`."""
    by_id = {r["variant_id"]: r for r in rows}
    status = []
    for v in variants:
        r = by_id.get(v.variant_id)
        status.append(
            {
                "variant_id": v.variant_id,
                "changes": dict(v.changes),
                "sample": v.sample,
                "status": "skipped (complete)"
                if v.variant_id in skipped
                else (r["status"] if r else "not run"),
                "seconds": r["seconds"] if r else None,
                "peak_rss_mb": r["peak_rss_mb"] if r else None,
            }
        )
    first = tomllib.loads(variants[0].scenario_toml) if variants else {}
    manifest = {
        "variants": status,
        "versions": versions(),
        "solver": first.get("solver", {}),
        "execution": {"scheduler": scheduler, "jobs": jobs or available_cpus()},
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "counts": {
            "variants": len(variants),
            "run": len(rows),
            "skipped": len(skipped),
            "failed": len(failures),
        },
        "stopped": stopped,
    }
    # failures.csv and manifest.json at the top, where a user looks first, and written first:
    # small, and what a stopped batch leaves to say what it did
    with writing_to(out):
        write_file(out / "failures.csv", neutralise_frame(failures).to_csv(index=False))
        write_file(out / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n")
    if tables is not None:
        write_tables(
            dict(tables) | {"failures.csv": failures},
            out / "combined",
            manifest,
            meta_name="manifest.json",
            parquet=True,
        )
