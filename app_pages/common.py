"""State shared by the app's pages: the data in use, the solved packages and their analysis.

The pages only describe the UI. Everything computed here goes through mcdm's functions, so the
batch runner reproduces any result from the scenario file the Export page writes.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import streamlit as st

from mcdm.errors import InputError
from mcdm.io import (
    DATA_FILES,
    check_references,
    default_data_dir,
    instantiate,
    load_dataset,
    scenario_from_mapping,
)
from mcdm.model import Dataset, Instance, Scenario
from mcdm.packages import PackageSet, generate_packages
from mcdm.parallel import available_cpus
from mcdm.pipeline import Analysis, analyse_packages

MAX_UPLOAD_BYTES = 5_000_000


@dataclass
class Context:
    """What the pages show: the instance, its packages and their current analysis."""

    instance: Instance
    pset: PackageSet
    analysis: Analysis | None
    export_scenario: Scenario
    changes: list[str] = field(default_factory=list)
    error: str | None = None


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def remember(self, key: Any, make: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = make()
        self[key] = value
        while len(self) > self.size:
            self.popitem(last=False)
        return value


@st.cache_resource
def _solves() -> _LRU:
    """Solved package sets by (scenario, data) digest, shared by every session (deterministic)."""
    return _LRU(24)


@st.cache_resource
def _analyses() -> _LRU:
    return _LRU(256)


@st.cache_data(show_spinner=False)
def dataset_at(root: str, digest: str) -> Dataset:
    """The dataset of a folder (``digest`` keys the cache to the files' content)."""
    return load_dataset(root)


def data_digest(root: Path) -> str:
    """Digest of a data folder's files; re-read only when a file changes (reruns are hot)."""
    stamps = tuple((root / n).stat().st_mtime_ns if (root / n).exists() else 0 for n in DATA_FILES)
    return _digest(str(root), stamps)


@st.cache_data(show_spinner=False)
def _digest(root: str, stamps: tuple[int, ...]) -> str:
    h = hashlib.sha256()
    for name in DATA_FILES:
        p = Path(root) / name
        h.update(name.encode() + (p.read_bytes() if p.exists() else b""))
    return h.hexdigest()


def current_data_dir() -> Path:
    """The bundled data, or the folder holding data the user uploaded (Export page)."""
    return Path(st.session_state.get("data_dir", str(default_data_dir())))


def use_uploaded_data(texts: dict[str, str]) -> Path:
    """Save validated uploaded data files beside the bundled ones, in a private folder."""
    folder = Path(tempfile.mkdtemp(prefix="mcdm-data-"))
    base = default_data_dir()
    for name in (*DATA_FILES, "SOURCES.md"):
        content = texts.get(name)
        if content is None and (base / name).exists():
            content = (base / name).read_text(encoding="utf-8")
        if content is not None:
            (folder / name).write_text(content, encoding="utf-8")
    st.session_state["data_dir"] = str(folder)
    return folder


def presets(data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Scenario presets that fit the data in use (name -> TOML), and those that do not (why).

    The bundled scenarios come first (default at the top), then any the user uploaded.
    """
    uploaded = tuple(sorted(st.session_state.get("uploaded_scenarios", {}).items()))
    return _checked_presets(str(data_dir), data_digest(data_dir), uploaded)


@st.cache_data(show_spinner=False)
def _checked_presets(
    root: str, digest: str, uploaded: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], dict[str, str]]:
    data = dataset_at(root, digest)
    texts = {
        p.stem: p.read_text(encoding="utf-8")
        for p in sorted((default_data_dir() / "scenarios").glob("*.toml"))
    }
    texts |= dict(uploaded)
    ok: dict[str, str] = {}
    unusable: dict[str, str] = {}
    for name in sorted(texts, key=lambda n: (n != "default", n)):
        try:
            problems = check_references(parse_preset(texts[name]), data, name)
        except InputError as exc:
            problems = list(exc.problems)
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            unusable[name] = str(problems[0]) + more
        else:
            ok[name] = texts[name]
    return ok, unusable


def parse_preset(text: str) -> Scenario:
    import tomllib

    return scenario_from_mapping(tomllib.loads(text), "preset")


def solve(instance: Instance) -> PackageSet:
    """Packages of an instance, solved once per (scenario, data) and then remembered."""
    key = instance.digest

    def make() -> PackageSet:
        bar = st.progress(0.0, text="Solving the force-mix programs...")
        try:
            pset = generate_packages(
                instance,
                jobs=min(2, available_cpus()),
                progress=lambda f, m: bar.progress(min(1.0, f), text=m),
            )
        finally:
            bar.empty()
        return pset

    return _solves().remember(key, make)


def analyse(instance: Instance, pset: PackageSet, settings: dict[str, Any]) -> Analysis | None:
    """Rankings and robustness under the current controls; remembered per setting."""
    if len(pset.packages) < 2:
        return None
    key = (instance.digest, tuple(sorted((k, _freeze(v)) for k, v in settings.items())))
    return _analyses().remember(
        key, lambda: analyse_packages(instance, pset, reversal=False, **settings)
    )


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    return v


def export_scenario(scenario: Scenario, data_dir: Path, settings: dict[str, Any]) -> Scenario:
    """The scenario as the user sees it: preset, controls and ranking choices, data path."""
    s = scenario
    ranking = replace(
        s.ranking,
        methods=tuple(settings["methods"]),
        weighting=settings["weighting"],
        consensus=settings["consensus"],
        ahp=tuple(tuple(r) for r in settings.get("ahp", ())) or s.ranking.ahp,
    )
    robustness = replace(
        s.robustness,
        smaa_draws=settings["smaa_draws"],
        method=settings["smaa_method"],
        weight_band=settings["weight_band"],
    )
    weights = settings["weights"] if settings["weighting"] == "user" else s.weights
    return replace(
        s,
        dataset=str(data_dir.resolve()),
        weights=dict(weights),
        ranking=ranking,
        robustness=robustness,
        source_path="",
    )


def instance_of(scenario: Scenario, data: Dataset) -> Instance:
    return instantiate(scenario, data)


def context() -> Context:
    ctx = st.session_state.get("ctx")
    if ctx is None:
        st.stop()
    return ctx
