"""Shared fixtures: the bundled data, throw-away copies of it to break, and small instances."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcdm.io import default_data_dir, load_dataset

ROOT = Path(__file__).resolve().parent.parent
DATA = default_data_dir()


@pytest.fixture(scope="session")
def dataset():
    """The bundled default dataset, loaded once."""
    return load_dataset(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the bundled data folder (scenarios included) that a test may break."""
    dst = tmp_path / "data"
    shutil.copytree(DATA, dst)
    return dst


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in a file; fail loudly if ``old`` is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
