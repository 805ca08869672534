"""Shared fixtures: the bundled data, throw-away copies of it to break, and small instances."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from mcdm.io.data import default_data_dir, load_dataset

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


_MAIN = sys.modules.get("__main__")


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's AppTest leaves ``sys.modules['__main__']`` pointing at the app script; a
    worker process started later (a Dask nanny, say) would then run the app. Put it back after
    every test (to the main module of the test session itself)."""
    yield
    if _MAIN is not None:
        sys.modules["__main__"] = _MAIN
