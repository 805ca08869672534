"""The ``mcdm validate`` command: a data folder and its scenarios, or one scenario file."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ._parse import display
from .data import default_data_dir, load_dataset
from .load import dataset_dir, load_scenario
from .scenario import read_scenario

__all__ = ["validate_path"]


def validate_path(path: str | Path | None = None) -> tuple[list[Problem], str]:
    """Check a data folder (and the scenarios in its ``scenarios/`` folder) or one scenario file.

    Returns the problems found and a one-line summary of what was checked (empty when there
    are problems).
    """
    p = Path(path) if path is not None else default_data_dir()
    if p.is_dir():
        return _validate_folder(p)
    if p.suffix.lower() == ".toml":
        try:
            scenario, data = load_scenario(p)
        except InputError as exc:
            return list(exc.problems), ""
        return [], (
            f"{display(p)}: scenario {scenario.name!r} on {display(data.root)} "
            f"({len(data.members)} members, {len(data.elements)} elements)"
        )
    expected = "a data folder or a scenario .toml file"
    if not p.exists():
        return [Problem(display(p), expected, found=False)], ""
    return [Problem(display(p), expected, value=str(p))], ""


def _validate_folder(p: Path) -> tuple[list[Problem], str]:
    try:
        data = load_dataset(p)
    except InputError as exc:
        return list(exc.problems), ""
    problems: list[Problem] = []
    files = sorted((p / "scenarios").glob("*.toml")) if (p / "scenarios").is_dir() else []
    for f in files:
        try:
            own = dataset_dir(read_scenario(f)) == p.resolve()
            load_scenario(f, data if own else None)
        except InputError as exc:
            problems.extend(exc.problems)
    summary = (
        f"{display(p)}: {len(data.members)} members, {len(data.elements)} elements, "
        f"{len(data.availability)} availability pairs, {len(data.archetypes)} "
        f"archetypes, {len(files)} scenarios"
    )
    return problems, summary
