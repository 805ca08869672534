"""A scenario file with its data folder, checked end to end: :func:`load_scenario` and
:func:`load_instance`.

This module sits above :mod:`mcdm.instance` (which checks what a scenario names in its data),
while the reading of the data folder and of scenario files sits below it.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..instance import check_references, instantiate
from ..model import Dataset, Instance, Scenario
from .data import load_dataset
from .scenario import read_scenario

__all__ = ["dataset_dir", "load_instance", "load_scenario"]


def dataset_dir(scenario: Scenario) -> Path:
    """The data folder a scenario names: ``dataset``, relative to the scenario's file (or to
    the working directory for a scenario that has none)."""
    base = Path(scenario.source_path).parent if scenario.source_path else Path.cwd()
    return (base / scenario.dataset).resolve()


def load_scenario(path: str | Path, data: Dataset | None = None) -> tuple[Scenario, Dataset]:
    """Read a scenario file, load its dataset and check every reference; raise on any problem.

    ``dataset`` in the scenario is a folder relative to the scenario file (default ``..``, so a
    scenario in ``data/scenarios/`` uses ``data/``). Pass ``data`` to reuse a loaded dataset.
    """
    scenario = read_scenario(path)
    if data is None:
        data = load_dataset(dataset_dir(scenario))
    problems = check_references(scenario, data)
    if problems:
        raise InputError(problems)
    return scenario, data


def load_instance(path: str | Path, data: Dataset | None = None) -> Instance:
    """Read, check and apply a scenario file in one call."""
    scenario, data = load_scenario(path, data)
    return instantiate(scenario, data)
