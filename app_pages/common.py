"""What the pages share: the data in use, the cached solves and analyses, the context, and the
messages for users.

The pages only describe the UI. Every result comes from the pipeline (``generate_packages``,
``analyse_packages``, ``run_tables``) exactly as ``mcdm run`` computes it from the scenario file
the Export page writes; the state transitions are in :mod:`mcdm.session`.

Solves and analyses are cached with ``st.cache_resource``, keyed on the instance (by its digest:
the scenario, the ranking choices and the data) and shared by every session; Streamlit computes
a missing entry once, with a lock per key, so two sessions that ask for the same instance at the
same time wait for one solve. Below those caches, every solve reuses the models already solved
by this server (:mod:`mcdm.solved_models`, the very answer a fresh solve gives): a change that
leaves some kinds of package untouched solves only the kinds it changes.

Uploaded data files live in the user's session (as text, validated), never on the server's disk:
nothing is left behind to clean up, and no server path can reach a page or an exported file.
Messages shown to users go through :func:`show_error` and friends: user text is escaped for
Markdown and server paths are replaced; the full error goes to the log.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from mcdm.budget_memo import BudgetMemo
from mcdm.cells import escape_markdown
from mcdm.errors import InputError, McdmError, Problem
from mcdm.instance import check_references, instantiate
from mcdm.io.data import DATA_FILES, default_data_dir, load_dataset
from mcdm.io.scenario import scenario_from_mapping
from mcdm.model import Dataset, Instance, Member, Scenario
from mcdm.packages import PackageSet, generate_packages, price_packages
from mcdm.parallel import available_cpus
from mcdm.pipeline import Analysis, analyse_packages
from mcdm.session import (
    Context,
    MemberCaps,
    RankingControls,
    ScenarioControls,
    Shown,
    Snapshot,
    SnapshotStore,
    ranked_scenario,
    summarise,
    track_changes,
)
from mcdm.solved_models import SolvedModels, new_folder, reusing
from mcdm.views import archetype_names, column_formats

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


#: The most the server's folder of solved models holds (about 8 KB a solve) before its oldest go.
SOLVED_FOLDER_BYTES = 256 * 2**20


@st.cache_resource(show_spinner=False)
def _solved_models() -> SolvedModels:
    """The models every session has solved, in a folder the solving workers share; removed when
    the server stops (if it is killed, by the next server or batch that starts)."""
    folder = new_folder()
    atexit.register(shutil.rmtree, folder, True)
    return SolvedModels(folder=folder)


def _reusing_solved_models():
    solved = _solved_models()
    solved.trim_folder(SOLVED_FOLDER_BYTES)
    return reusing(solved)


@st.cache_resource(show_spinner=False)
def _memo() -> BudgetMemo:
    """The solves of every session, kept to answer budget changes (:mod:`mcdm.budget_memo`)."""
    return BudgetMemo()


@st.cache_resource(show_spinner=False, max_entries=MAX_SOLVES, hash_funcs={Instance: _by_digest})
def _solves(instance: Instance) -> PackageSet:
    """Packages of an instance, as ``mcdm run`` generates them, without the constraint prices
    (:func:`priced` adds them when a page asks); solved once for every session (a progress bar
    meanwhile), and from solves at other budgets where those provably give the answer."""
    bar = st.progress(0.0, text="Solving the force-mix programs...")
    try:
        with _reusing_solved_models():
            return generate_packages(
                instance,
                prices=False,
                jobs=min(2, available_cpus()),
                progress=lambda f, m: bar.progress(min(1.0, f), text=escape_markdown(m)),
                memo=_memo(),
            )
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False, max_entries=MAX_SOLVES, hash_funcs={Instance: _by_digest})
def _fresh_solves(instance: Instance) -> PackageSet:
    """Packages of an instance solved afresh, as ``mcdm run`` solves them (no kept solves)."""
    with st.spinner("Solving afresh, as mcdm run does..."):
        return generate_packages(instance, prices=False, jobs=min(2, available_cpus()))


#: Session key: digests of the instances the user asked to solve afresh.
FRESH_KEY = "fresh_digests"


def kept_solves_note(ctx: Context) -> None:
    """Say when some of the packages were answered from solves at other budgets, and offer the
    fresh solve that ``mcdm run`` of the exported scenario reproduces file for file."""
    if not ctx.pset.kept_solves:
        return
    st.info(
        f"{ctx.pset.kept_solves} of the solves behind these packages were answered from solves "
        "at other budgets (a best package that fits the new budget stays best), each within "
        "the solver's gap of a fresh solve. `mcdm run` of the exported scenario solves afresh "
        "and may find other packages within that gap."
    )
    if st.button("Solve afresh, as mcdm run does", key="solve_afresh"):
        solved = ctx.solved or ctx.instance
        st.session_state[FRESH_KEY] = {*st.session_state.get(FRESH_KEY, ()), solved.digest}
        st.rerun()


def _packages_key(pset: PackageSet) -> str:
    """A package set's cache key: its packages' ids and mixes. An instance's digest alone does
    not determine them: a budget change answered from kept solves and the fresh solve of the
    same instance may give different packages (within the solver's gap)."""
    blob = repr([(p.package_id, p.allocation) for p in pset.packages]).encode()
    return hashlib.sha256(blob).hexdigest()


_KEYS = {Instance: _by_digest, PackageSet: _packages_key}


@st.cache_resource(show_spinner=False, max_entries=4 * MAX_SOLVES, hash_funcs=_KEYS)
def _priced(instance: Instance, archetype: str | None, pset: PackageSet) -> PackageSet:
    """``pset`` (the packages of ``instance``) with the constraints of one archetype priced,
    or of every one (None)."""
    kinds = None if archetype is None else (archetype,)
    with _reusing_solved_models():
        return price_packages(instance, pset, kinds, jobs=min(2, available_cpus()))


def priced(ctx: Context, archetype: str | None = None) -> PackageSet:
    """The context's packages with the constraint prices of one kind of package, or of every
    kind (None: what ``mcdm run`` writes), solved when first asked for and kept."""
    solved = ctx.solved or ctx.instance
    with st.spinner("Pricing the constraints: each kind re-solved without each one..."):
        return _priced(solved, archetype, ctx.pset)


@st.cache_resource(show_spinner=False, max_entries=MAX_ANALYSES, hash_funcs=_KEYS)
def _analyses(instance: Instance, reversal: bool, backstop: bool, pset: PackageSet) -> Analysis:
    """Rankings and robustness as ``mcdm run`` computes them from the instance's scenario,
    with or without the rank-reversal check and the US backstop's range (the pages that show
    them ask for them: a weight change re-ranks without), for these very packages."""
    return analyse_packages(instance, pset, reversal=reversal, backstop=backstop)


def criterion_values(scenario: Scenario, data: Dataset) -> dict[str, tuple[float, ...]]:
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
    """The context's analysis with the rank-reversal check (one re-ranking per package) and
    the US backstop's range: all that ``mcdm run`` computes."""
    return _analyses(ctx.instance, True, True, ctx.pset)


def with_backstop(ctx: Context) -> Analysis:
    """The context's analysis with the recommendation ranked again at each end of the US
    backstop's range (a second analysis, kept), for the pages and the briefing that say it."""
    return _analyses(ctx.instance, False, True, ctx.pset)


def build_context(
    scenario: Scenario, controls: RankingControls, data: Dataset
) -> tuple[Context | None, Exception | None]:
    """Solve (cached) and rank (cached) what the sidebar describes; note what changed.

    Returns the context, or None and the reason when the scenario could not be solved. A
    ranking that fails is a message in the context: the pages that need no ranking still show.
    """
    uploaded = uploaded_files()
    instance = instantiate(ranked_scenario(scenario, controls, bool(uploaded)), data)
    solved = instantiate(scenario, data)
    try:
        fresh = solved.digest in st.session_state.get(FRESH_KEY, ())
        pset = _fresh_solves(solved) if fresh else _solves(solved)
    except Exception as exc:  # every failure becomes a message; the details go to the log
        return None, exc
    analysis = None
    error = controls.problem()
    if error is None and len(pset.packages) >= 2:
        try:
            analysis = _analyses(instance, False, False, pset)
        except Exception as exc:  # shown on the pages that need a ranking; details to the log
            error = error_message("The packages could not be ranked", exc)
    shown = Shown(
        instance.digest, summarise(pset, analysis, archetype_names(instance)), instance.scenario
    )
    changes = track_changes(
        st.session_state.get("last_shown"), shown, st.session_state.get("changes", ()), data
    )
    st.session_state["last_shown"] = shown
    st.session_state["changes"] = changes
    ctx = Context(instance, pset, analysis, changes, error, uploaded, solved)
    st.session_state["ctx"] = ctx
    keep_snapshot_address()
    return ctx, None


def context() -> Context:
    """The context app.py built for this run (a page never runs without one)."""
    ctx = st.session_state.get("ctx")
    if ctx is None:
        st.stop()
    return ctx


def analysis(ctx: Context) -> Analysis:
    """The run's ranking analysis; without one (fewer than two packages, every weight zero),
    the page says why and stops."""
    if ctx.analysis is None:
        st.warning(ctx.error or "Nothing to rank.")
        st.stop()
    return ctx.analysis


# --- snapshots (Compare page) -------------------------------------------------------------------

#: The query parameter that holds the key of this session's snapshots in the page's address.
SNAPSHOT_PARAM = "snapshots"


@st.cache_resource(show_spinner=False)
def _snapshot_store() -> SnapshotStore:
    """Snapshots of every session, by key, in the server's memory (shared by sessions: a reload
    starts a new session, which finds its snapshots by the key in the page's address)."""
    return SnapshotStore()


def snapshots() -> dict[str, Snapshot]:
    """This session's snapshots by name (Compare page).

    They live in the session and in the server's memory under a random key that the page's
    address holds (``?snapshots=KEY``), so that reloading the page finds them while the server
    runs; a server restart loses them (the Compare page offers them as a file to keep).
    """
    snaps = st.session_state.get("snapshots")
    if snaps is None:
        store = _snapshot_store()
        key = st.query_params.get(SNAPSHOT_PARAM)
        snaps = store.get(key) if key else None
        if snaps is None:
            key, snaps = store.new()
        st.session_state["snapshots"] = snaps
        st.session_state["snapshot_key"] = key
    return snaps


def keep_snapshot_address() -> None:
    """Keep the key of this session's snapshots in the page's address (Streamlit drops query
    parameters on a change of page), and pick up the snapshots of a reloaded page."""
    if SNAPSHOT_PARAM not in st.query_params and "snapshots" not in st.session_state:
        return
    if snapshots():
        if st.query_params.get(SNAPSHOT_PARAM) != st.session_state["snapshot_key"]:
            st.query_params[SNAPSHOT_PARAM] = st.session_state["snapshot_key"]
    elif SNAPSHOT_PARAM in st.query_params:  # an unknown key (the server restarted): drop it
        del st.query_params[SNAPSHOT_PARAM]


# --- members and kinds of package (the Members page and the sidebar) --------------------------


#: The Members page's file (full width: the caps are the main political lever).
MEMBERS_PAGE = "app_pages/members.py"


def members_page() -> Any:
    """The Members page, for the navigation and for links to it (the sidebar's link comes
    before the navigation in a run, so it needs the page itself, not its path)."""
    return st.Page(MEMBERS_PAGE, title="Members", icon=":material/flag_circle:")


def member_settings(
    k: str, members: Mapping[str, Member], start: ScenarioControls
) -> tuple[tuple[str, ...], Mapping[str, MemberCaps]]:
    """The members taking part and their caps as the Members page set them for the preset of
    widget key ``k`` (the preset's own until the page applies a change).

    Records what the Members page needs (the key, every member as the preset sees it, the
    preset's controls) for this run.
    """
    st.session_state["members_page"] = (k, members, start)
    saved = st.session_state.get(f"member_settings:{k}")
    return saved if saved is not None else (start.members, start.caps)


def save_member_settings(k: str, chosen: tuple[str, ...], caps: Mapping[str, MemberCaps]) -> None:
    """Apply the Members page's settings (the next run solves with them)."""
    st.session_state[f"member_settings:{k}"] = (chosen, caps)


def reset_member_settings(k: str) -> None:
    """Back to the preset's members and caps, and an editor without edits (a callback)."""
    st.session_state.pop(f"member_settings:{k}", None)
    st.session_state.pop(f"members_editor:{k}", None)


def members_page_state() -> tuple[str, Mapping[str, Member], ScenarioControls]:
    """What app.py recorded for the Members page in this run (see :func:`member_settings`)."""
    state = st.session_state.get("members_page")
    if state is None:
        st.stop()
    return state


def kind_checkboxes(data: Dataset, start: tuple[str, ...], k: str) -> tuple[str, ...]:
    """The kinds of package as checkboxes with their full names (none ticked means all, as in
    a scenario file)."""
    st.markdown("Kinds of package")
    return tuple(
        aid
        for aid, a in data.archetypes.items()
        if st.checkbox(a.name, value=aid in start, key=f"kind:{aid}:{k}")
    )


# --- tables ------------------------------------------------------------------------------------

#: What a table shows where a value is missing or does not apply (never "None").
MISSING = "–"


def number_columns(
    frame: pd.DataFrame, helps: Mapping[str, str] | None = None, **config: Any
) -> dict[str, Any]:
    """Column settings for a table: each number column in its unit's format
    (:func:`mcdm.views.column_formats`) with its help (``helps``: column -> text), then
    ``config`` (column -> a setting of its own, which wins)."""
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    helps = helps or {}
    out: dict[str, Any] = {
        c: st.column_config.NumberColumn(format=fmt, help=helps.get(c))
        for c, fmt in column_formats(numeric).items()
    }
    out |= {c: st.column_config.Column(help=h) for c, h in helps.items() if c not in out}
    return out | config


def table(
    frame: pd.DataFrame,
    *,
    hide_index: bool = True,
    helps: Mapping[str, str] | None = None,
    **config: Any,
) -> None:
    """Show a table full width, numbers in their unit's format, missing values as a dash."""
    st.dataframe(
        frame,
        hide_index=hide_index,
        width="stretch",
        placeholder=MISSING,
        column_config=number_columns(frame, helps, **config),
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
