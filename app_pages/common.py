"""State shared by the app's pages: the data in use, the solved packages and their analysis.

The pages only describe the UI. Everything computed here goes through mcdm's functions, so the
batch runner reproduces any result from the scenario file the Export page writes.

Uploaded data files live in the user's session (as text, validated), never on the server's disk:
nothing is left behind to clean up, and no server path can reach a page or an exported file.
Messages shown to users go through :func:`show_error` and friends: user text is escaped for
Markdown and server paths are replaced; the full error goes to the log.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import secrets
import tempfile
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import streamlit as st

from mcdm.cells import escape_markdown
from mcdm.errors import InputError, McdmError, Problem
from mcdm.instance import check_references, instantiate
from mcdm.io.data import (
    DATA_FILES,
    dataset_from_texts,
    default_data_dir,
    folder_digest,
    load_dataset,
)
from mcdm.io.scenario import scenario_from_mapping
from mcdm.model import Dataset, Instance, Scenario
from mcdm.packages import PackageSet, generate_packages
from mcdm.parallel import available_cpus
from mcdm.pipeline import Analysis, analyse_packages

MAX_UPLOAD_BYTES = 5_000_000
#: Where the bundled data sit relative to a scenario file saved in the project's data/scenarios/.
BUNDLED_DATASET = ".."
#: The ``dataset`` an exported scenario names when the data in use were uploaded.
UPLOADED_DATASET = "uploaded_data"

log = logging.getLogger("mcdm.app")


@dataclass
class Context:
    """What the pages show: the instance, its packages and their current analysis."""

    instance: Instance
    pset: PackageSet
    analysis: Analysis | None
    export_scenario: Scenario
    changes: list[str] = field(default_factory=list)  # Markdown, user text escaped
    error: str | None = None  # Markdown, user text escaped


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
    return folder_digest(root)  # the digest load_dataset records


def uploaded_files() -> tuple[str, ...]:
    """Names of the data files the user uploaded and uses now (empty: the bundled data)."""
    upload = st.session_state.get("uploaded_data")
    return tuple(upload["texts"]) if upload else ()


def current_dataset() -> Dataset:
    """The bundled data, or the data the user uploaded (Export page) over the bundled files."""
    upload = st.session_state.get("uploaded_data")
    if upload:
        return _uploaded_dataset(upload["digest"], upload["texts"])
    root = default_data_dir()
    return dataset_at(str(root), data_digest(root))


@st.cache_data(show_spinner=False, max_entries=16)
def _uploaded_dataset(digest: str, _texts: Mapping[str, str]) -> Dataset:
    """The dataset of uploaded texts (validated before), keyed by their digest."""
    return dataset_from_texts(_texts, default_data_dir())


def use_uploaded_data(texts: Mapping[str, str]) -> str:
    """Use validated uploaded data files (the rest from the bundled data) in this session.

    The texts stay in the session's memory; nothing is written to disk. Returns their digest.
    """
    h = hashlib.sha256()
    for name in sorted(texts):
        h.update(name.encode() + b"\0" + texts[name].encode() + b"\0")
    digest = h.hexdigest()
    st.session_state["uploaded_data"] = {"digest": digest, "texts": dict(texts)}
    return digest


def use_bundled_data() -> None:
    """Go back to the bundled data in this session."""
    st.session_state.pop("uploaded_data", None)


def presets(data: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """Scenario presets that fit the data in use (name -> TOML), and those that do not (why).

    The bundled scenarios come first (default at the top), then any the user uploaded.
    """
    uploaded = tuple(sorted(st.session_state.get("uploaded_scenarios", {}).items()))
    return _checked_presets(data.digest, uploaded, data)


@st.cache_data(show_spinner=False, max_entries=64)
def _checked_presets(
    digest: str, uploaded: tuple[tuple[str, str], ...], _data: Dataset
) -> tuple[dict[str, str], dict[str, str]]:
    data = _data
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
                progress=lambda f, m: bar.progress(min(1.0, f), text=escape_markdown(m)),
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


def export_scenario(scenario: Scenario, uploaded: bool, settings: dict[str, Any]) -> Scenario:
    """The scenario as the user sees it: preset, controls and ranking choices.

    ``dataset`` never names a folder on the server: it is ``..`` for the bundled data (the
    ``data/`` folder of the project, for a file saved in ``data/scenarios/``) and
    ``uploaded_data`` for uploaded data (see :func:`scenario_file_header`).
    """
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
        dataset=UPLOADED_DATASET if uploaded else BUNDLED_DATASET,
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


def scenario_file_header(uploaded_names: tuple[str, ...]) -> str:
    """TOML comments that say where an exported scenario expects its data."""
    if uploaded_names:
        return (
            f"# Computed on data you uploaded ({', '.join(uploaded_names)}) and the bundled\n"
            f"# data files for the rest. To reproduce it, put those files in a folder named\n"
            f"# {UPLOADED_DATASET}/ beside this file (copy the other files from the project's\n"
            "# data/ folder) and run: mcdm run THIS_FILE --out DIR\n"
        )
    return (
        "# Computed on the bundled data. Save this file in the project's data/scenarios/\n"
        '# folder (dataset = ".." is data/, relative to this file), or set dataset to your data\n'
        "# folder, and run: mcdm run THIS_FILE --out DIR\n"
    )


# --- messages for users ------------------------------------------------------------------------


def _server_paths() -> list[tuple[str, str]]:
    """Server folders that messages may name, longest first, with what users see instead."""
    data = default_data_dir()
    pairs = [
        (str(data), "data"),
        (str(data.resolve()), "data"),
        *([(str(Path.cwd()) + os.sep, "")] if Path.cwd().parent != Path.cwd() else []),
        (tempfile.gettempdir(), "(temporary folder)"),
        (str(Path.home()), "~"),
    ]
    return sorted({p for p in pairs if len(p[0]) > 1}, key=lambda p: -len(p[0]))


def public_text(text: str) -> str:
    """``text`` without the server's own folders (the data folder reads ``data``)."""
    for path, shown in _server_paths():
        text = text.replace(path, shown)
    return text


def problem_lines(problems: tuple[Problem, ...], base_names: bool = False) -> list[str]:
    """Problems as Markdown list items; with ``base_names`` each file is named without folder
    (uploaded files: the name the user gave them)."""
    out = []
    for p in problems:
        if base_names:
            p = dataclasses.replace(p, file=re.split(r"[\\/]", p.file)[-1])
        out.append("- " + escape_markdown(public_text(str(p))))
    return out


def error_text(exc: BaseException) -> str:
    """A McdmError's message as Markdown for the page: escaped, without server paths."""
    if isinstance(exc, InputError):
        return "\n".join(problem_lines(exc.problems))
    return escape_markdown(public_text(str(exc)))


def error_message(what: str, exc: BaseException) -> str:
    """Markdown saying that ``what`` failed, with the reason when it is ours to tell; the
    details go to the log.

    ``what`` is our own words ("The scenario could not be solved"). A McdmError (bad input, an
    infeasible or failed solve) is explained, escaped and without server paths; anything else is
    a fault of the app: the message says so with a reference that finds the traceback in the
    log, and shows no traceback.
    """
    if isinstance(exc, McdmError):
        log.warning("%s: %s", what, exc)
        body = error_text(exc)
        return f"{what}:\n\n{body}" if isinstance(exc, InputError) else f"{what}: {body}"
    ref = secrets.token_hex(4)
    log.error("%s (reference %s)", what, ref, exc_info=exc)
    return (
        f"{what}: the app met an internal error. It has been logged with reference {ref}; "
        "please report it with that reference."
    )


def show_error(what: str, exc: BaseException) -> None:
    """Show :func:`error_message` as an error box."""
    st.error(error_message(what, exc))


def safe_file_stem(name: str) -> str:
    """A name fit for a downloaded file: letters, digits, '-', '_' and '.' (others become _)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "scenario"
    return stem[:80]
