"""The one path from a scenario to results, shared by the app, the CLI and batch runs.

``optimise_scenario`` generates packages; ``run_scenario`` also ranks them and checks how robust
the ranking is; ``write_run`` writes a run folder atomically (all files or none).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from .io import scenario_to_dict
from .model import Instance, SolverSettings
from .packages import (
    PackageSet,
    allocations_frame,
    generate_packages,
    infeasible_frame,
    packages_frame,
    prices_frame,
)

__all__ = ["RunResult", "optimise_scenario", "run_metadata", "versions", "write_run"]


@dataclass(frozen=True)
class RunResult:
    """Everything one scenario run produced."""

    instance: Instance
    packages: PackageSet
    settings: SolverSettings
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    timings: Mapping[str, float] = field(default_factory=dict)


def versions() -> dict[str, str]:
    """Versions of Python and of the libraries whose behaviour shapes the results."""
    out = {"python": platform.python_version()}
    for dist in ("mcdm-guarantees", "pulp", "highspy", "pymcdm", "numpy", "pandas", "scipy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def optimise_scenario(
    instance: Instance,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    prices: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> RunResult:
    """Generate the packages of a scenario and their tables (packages, allocations, ...)."""
    settings = settings or instance.scenario.solver
    start = time.perf_counter()
    pset = generate_packages(
        instance, prices=prices, settings=settings, jobs=jobs, progress=progress
    )
    tables = {
        "packages.csv": packages_frame(pset),
        "allocations.csv": allocations_frame(instance, pset),
        "infeasible.csv": infeasible_frame(pset),
        "prices.csv": prices_frame(pset),
    }
    timings = {**pset.timings, "optimise_s": time.perf_counter() - start}
    return RunResult(
        instance=instance, packages=pset, settings=settings, tables=tables, timings=timings
    )


def run_metadata(result: RunResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The content of run.json: scenario, versions, solver, seed, timings, input digest."""
    inst = result.instance
    s = result.settings
    return {
        "scenario": scenario_to_dict(inst.scenario),
        "scenario_file": inst.scenario.source_path,
        "data_folder": inst.data.root,
        "input_digest": inst.digest,
        "data_digest": inst.data.digest,
        "seed": inst.scenario.seed,
        "solver": {
            "name": s.name,
            "time_limit_s": s.time_limit_s,
            "mip_gap": s.mip_gap,
            "tie_break_time_s": s.tie_break_time_s,
        },
        "versions": versions(),
        "archetypes": [
            {"archetype": o.archetype, "status": o.status.value, "message": o.message}
            for o in result.packages.outcomes
        ],
        "timings_s": {k: round(v, 4) for k, v in result.timings.items()},
        "solve_times_s": {k: round(v, 4) for k, v in result.packages.solve_times.items()},
        **(extra or {}),
    }


def write_run(result: RunResult, out: str | Path, extra: Mapping[str, Any] | None = None) -> Path:
    """Write a run folder: every table as CSV, then run.json.

    Everything is written to a hidden temporary folder beside ``out`` and renamed into place at
    the end, so a run that fails part-way never leaves a folder that looks complete; an older
    folder of the same name is replaced only once the new one is whole.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        for name, frame in result.tables.items():
            frame.to_csv(tmp / name, index=False, lineterminator="\n")
        meta = run_metadata(result, extra)
        (tmp / "run.json").write_text(
            json.dumps(meta, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8"
        )
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _swap_into_place(tmp: Path, out: Path) -> None:
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.replace(out, old / "previous")
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def with_solver(instance: Instance, settings: SolverSettings) -> Instance:
    """The same instance with other solver settings (recorded in run.json)."""
    return replace(instance, scenario=replace(instance.scenario, solver=settings))
