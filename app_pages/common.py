"""What the pages share: the data in use, the cached solves and analyses, the context, and the
messages for users.

The pages only describe the UI. Every result comes from the pipeline (``generate_packages``,
``analyse_packages``, ``run_tables``) exactly as ``mcdm run`` computes it from the scenario file
the Export page writes; the state transitions are in :mod:`mcdm.session`.

Solves and analyses are cached with ``st.cache_resource``, keyed on the instance (by its digest:
the scenario, the ranking choices and the data) and shared by every session; Streamlit computes
a missing entry once, with a lock per key, so two sessions that ask for the same instance at the
same time wait for one solve.

Uploaded data files live in the user's session (as text, validated), never on the server's disk:
nothing is left behind to clean up, and no server path can reach a page or an exported file.
Messages shown to users go through :func:`show_error` and friends: user text is escaped for
Markdown and server paths are replaced; the full error goes to the log.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import secrets
import tempfile
import tomllib
from pathlib import Path

import streamlit as st

from mcdm.cells import escape_markdown
from mcdm.errors import InputError, McdmError, Problem
from mcdm.instance import check_references, instantiate
from mcdm.io.data import DATA_FILES, default_data_dir, load_dataset
from mcdm.io.scenario import scenario_from_mapping
from mcdm.model import Dataset, Instance, Scenario
from mcdm.packages import PackageSet, generate_packages
from mcdm.parallel import available_cpus
from mcdm.pipeline import Analysis, analyse_packages
from mcdm.session import (
    Context,
    RankingControls,
    Shown,
    Snapshot,
    ranked_scenario,
    summarise,
    track_changes,
)

log = logging.getLogger("mcdm.app")

#: Solved package sets kept (each a few MB at most); analyses are small and many.
MAX_SOLVES = 24
MAX_ANALYSES = 256


def _by_digest(instance: Instance) -> str:
    """An instance's cache key: its digest covers the scenario and the data (hashing the data
    themselves would take Streamlit's hasher tens of milliseconds on every rerun)."""
    return instance.digest


def _dataset_key(data: Dataset) -> str:
    return data.digest


# --- the data in use ---------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=8)
def dataset_at(root: str, stamps: tuple[tuple[int, int], ...]) -> Dataset:
    """The dataset of a folder, read again when a file changes (``stamps``: each file's
    modification time and size; reruns are hot)."""
    return load_dataset(root)


def uploaded_files() -> tuple[str, ...]:
    """Names of the data files the user uploaded and uses now (empty: the bundled data)."""
    upload = st.session_state.get("uploaded_data")
    return upload["names"] if upload else ()


def current_dataset() -> Dataset:
    """The bundled data, or the data the user uploaded (Export page) over the bundled files."""
    upload = st.session_state.get("uploaded_data")
    if upload:
        return upload["dataset"]
    root = default_data_dir()
    return dataset_at(str(root), tuple(_stamp(root / name) for name in DATA_FILES))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:  # a missing file: load_dataset names it
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def use_uploaded_data(names: tuple[str, ...], data: Dataset) -> None:
    """Use validated uploaded data (the files ``names``, the rest from the bundled data) in
    this session. The dataset stays in the session's memory; nothing is written to disk."""
    st.session_state["uploaded_data"] = {"names": names, "dataset": data}


def use_bundled_data() -> None:
    """Go back to the bundled data in this session."""
    st.session_state.pop("uploaded_data", None)


def keep_uploaded_scenario(scenario: Scenario, text: str) -> str:
    """Offer an uploaded (checked) scenario as a preset in this session; returns its name."""
    name = f"uploaded: {scenario.name}"
    st.session_state.setdefault("uploaded_scenarios", {})[name] = text
    return name


def presets(data: Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """Scenario presets that fit the data in use (name -> TOML), and those that do not (why).

    The bundled scenarios come first (default at the top), then any the user uploaded.
    """
    uploaded = tuple(sorted(st.session_state.get("uploaded_scenarios", {}).items()))
    return _checked_presets(data, uploaded)


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Dataset: _dataset_key})
def _checked_presets(
    data: Dataset, uploaded: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], dict[str, str]]:
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


@st.cache_resource(show_spinner=False, max_entries=64)
def parse_preset(text: str) -> Scenario:
    """A preset's scenario (frozen: one object serves every session)."""
    return scenario_from_mapping(tomllib.loads(text), "preset")


# --- solves and analyses: the pipeline, cached -------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=MAX_SOLVES, hash_funcs={Instance: _by_digest})
def _solves(instance: Instance) -> PackageSet:
    """Packages of an instance, as ``mcdm run`` generates them; solved once for every session
    (a progress bar meanwhile)."""
    bar = st.progress(0.0, text="Solving the force-mix programs...")
    try:
        return generate_packages(
            instance,
            jobs=min(2, available_cpus()),
            progress=lambda f, m: bar.progress(min(1.0, f), text=escape_markdown(m)),
        )
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False, max_entries=MAX_ANALYSES, hash_funcs={Instance: _by_digest})
def _analyses(instance: Instance, reversal: bool, _pset: PackageSet) -> Analysis:
    """Rankings and robustness as ``mcdm run`` computes them from the instance's scenario.

    ``_pset`` is not part of the key: the instance's digest determines the packages.
    """
    return analyse_packages(instance, _pset, reversal=reversal)


def criteria_ranges(scenario: Scenario, data: Dataset) -> dict[str, tuple[float, ...]]:
    """Each criterion's values over the scenario's packages (the cached solve that
    :func:`build_context` uses), for the weight sliders' help; empty if it cannot be solved
    (:func:`build_context` says why)."""
    try:
        pset = _solves(instantiate(scenario, data))
    except Exception:  # reported by build_context, with the details in the log
        return {}
    names = {k for p in pset.packages for k in p.criteria}
    return {k: tuple(p.criteria[k] for p in pset.packages if k in p.criteria) for k in names}


def with_reversal(ctx: Context) -> Analysis:
    """The context's analysis with the rank-reversal check (one re-ranking per package)."""
    return _analyses(ctx.instance, True, ctx.pset)


def build_context(
    scenario: Scenario, controls: RankingControls, data: Dataset
) -> tuple[Context | None, Exception | None]:
    """Solve (cached) and rank (cached) what the sidebar describes; note what changed.

    Returns the context, or None and the reason when the scenario could not be solved. A
    ranking that fails is a message in the context: the pages that need no ranking still show.
    """
    uploaded = uploaded_files()
    instance = instantiate(ranked_scenario(scenario, controls, bool(uploaded)), data)
    try:
        pset = _solves(instantiate(scenario, data))
    except Exception as exc:  # every failure becomes a message; the details go to the log
        return None, exc
    analysis = None
    error = controls.problem()
    if error is None and len(pset.packages) >= 2:
        try:
            analysis = _analyses(instance, False, pset)
        except Exception as exc:  # shown on the pages that need a ranking; details to the log
            error = error_message("The packages could not be ranked", exc)
    shown = Shown(instance.digest, summarise(pset, analysis), instance.scenario)
    changes = track_changes(
        st.session_state.get("last_shown"), shown, st.session_state.get("changes", ())
    )
    st.session_state["last_shown"] = shown
    st.session_state["changes"] = changes
    ctx = Context(instance, pset, analysis, changes, error, uploaded)
    st.session_state["ctx"] = ctx
    return ctx, None


def context() -> Context:
    """The context app.py built for this run (a page never runs without one)."""
    ctx = st.session_state.get("ctx")
    if ctx is None:
        st.stop()
    return ctx


def snapshots() -> dict[str, Snapshot]:
    """This session's snapshots by name (Compare page)."""
    return st.session_state.setdefault("snapshots", {})


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
