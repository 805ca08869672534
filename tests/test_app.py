"""The Streamlit app through AppTest: every page, every page under every weighting and every
ranking method, the Members page's caps and AHP edits, weights re-rank, budget re-solves,
uploads, "what changed" in words, snapshots that survive a reload, stable widget keys, shared
solves, the viewer toolbar.

Solves are cached for the whole test process (as for every session of a server), so tests that
are not about the default scenario use the small ``monitoring_only`` and share its solve.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import tomllib
import zipfile

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from mcdm.cells import escape_markdown
from mcdm.cost_basis import CostBasis
from mcdm.criteria import CRITERIA, CRITERIA_BY_ID
from mcdm.describe import method_label
from mcdm.formats import format_eur_bn
from mcdm.headline import package_name
from mcdm.instance import instantiate
from mcdm.io.load import load_instance, load_scenario
from mcdm.model import Zone
from mcdm.packages import PackageSet, generate_packages
from mcdm.pipeline import analyse_packages
from mcdm.ranking import weights_ahp
from mcdm.resilience_price import price_of_resilience
from mcdm.session import (
    METHOD_HELP,
    OFFERED_METHODS,
    STRAITS_LABEL,
    RankingControls,
    WeightScheme,
    controls_key,
    snapshots_to_json,
    weight_help,
)
from mcdm.tables import packages_frame
from mcdm.views import price_lines
from mcdm.why import why_it_wins
from tests.conftest import DATA, ROOT

APP = str(ROOT / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/packages.py",
    "app_pages/tradeoffs.py",
    "app_pages/contributions.py",
    "app_pages/ranking.py",
    "app_pages/robustness.py",
    "app_pages/why.py",
    "app_pages/stakeholders.py",
    "app_pages/questions.py",
    "app_pages/members.py",
    "app_pages/data.py",
    "app_pages/compare.py",
    "app_pages/export.py",
]


MONITORING = DATA / "scenarios" / "monitoring_only.toml"


def key_of(preset: str) -> str:
    """The suffix of the sidebar's widget keys for a bundled preset."""
    text = (DATA / "scenarios" / f"{preset}.toml").read_text(encoding="utf-8")
    return controls_key(preset, text)


def monitoring_app(**state: object) -> AppTest:
    """A fresh session on ``monitoring_only``; ``state`` seeds widgets by key suffix (the part
    before the preset's key), e.g. ``scheme=WeightScheme.AHP``, before the first run."""
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["preset"] = "monitoring_only"
    k = key_of("monitoring_only")
    for name, value in state.items():
        at.session_state[f"{name}:{k}"] = value
    at.run()
    assert not at.exception, at.exception
    return at


def editor_state(rows: dict[int, dict[str, object]]) -> dict[str, object]:
    """The edit state of an st.data_editor: cell edits by row position and column name."""
    return {"edited_rows": rows, "added_rows": [], "deleted_rows": []}


def slider_weights(weights) -> dict[str, float]:
    """The weights on the sidebar's sliders, as the app derives them from a preset's weights."""
    top = max(weights.values())
    return {
        c.criterion_id: round(10.0 * float(weights.get(c.criterion_id, 0.0)) / top * 2) / 2
        for c in CRITERIA
    }


@pytest.fixture(autouse=True)
def _no_kept_solves():
    """Each test starts with no solves kept from another test's budgets (mcdm.budget_memo), so
    that none depends on the order the tests run in."""
    import app_pages.common as common

    common._memo.clear()


@pytest.fixture(scope="module")
def app():
    """The app on the default scenario (the first run solves it)."""
    at = AppTest.from_file(APP, default_timeout=900).run()
    assert not at.exception, at.exception
    return at


def top_shown(at: AppTest) -> str:
    heads = [h.value for h in at.subheader if h.value.startswith("Top package: ")]
    assert heads, [h.value for h in at.subheader]
    return heads[0].removeprefix("Top package: ")


#: Ids and raw setting keys that must not reach a page (people's words there; ids in exports).
RAW = re.compile(
    r"member:|element:|weights\.|robustness\.|ranking\.|member_overrides|top_before|->|None"
)


def every_page_runs(at: AppTest, pages=PAGES) -> None:
    """Open each page in turn: none raises, none shows an error box."""
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title, page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_default_scenario(app, page):
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert app.title, page


def test_overview_names_the_top_package_that_the_ranking_puts_first(app):
    app.switch_page("app_pages/overview.py").run()
    ctx = app.session_state["ctx"]
    assert top_shown(app) == ctx.analysis.top
    assert "default" in app.caption[0].value


def test_moving_a_weight_slider_reranks_without_resolving(app):
    app.switch_page("app_pages/overview.py").run()
    before_top = top_shown(app)
    before_pset = app.session_state["ctx"].pset
    before_consensus = list(app.session_state["ctx"].analysis.ranking.consensus)
    key = next(s.key for s in app.slider if s.key and s.key.startswith("w:deterrence"))
    app.slider(key=key).set_value(0.0).run()
    assert not app.exception
    ctx = app.session_state["ctx"]
    assert ctx.pset is before_pset  # no new solve
    # The ranking shown is the ranking of these weights, computed independently here.
    instance = load_instance(DATA / "scenarios" / "default.toml")
    weights = {**slider_weights(instance.scenario.weights), "deterrence": 0.0}
    assert dict(ctx.export_scenario.weights) == weights
    expected = analyse_packages(instance, ctx.pset, weights=weights, reversal=False)
    assert top_shown(app) == expected.top
    # without deterrence the methods order the packages differently
    assert list(ctx.analysis.ranking.consensus) != before_consensus
    assert list(ctx.analysis.ranking.consensus) == list(expected.ranking.consensus)
    app.slider(key=key).set_value(10.0).run()  # back to where it was
    assert top_shown(app) == before_top


def test_changing_the_budget_changes_the_packages():
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.selectbox(key="preset").set_value("monitoring_only").run()
    before = packages_frame(at.session_state["ctx"].instance, at.session_state["ctx"].pset)
    budget = next(s for s in at.slider if s.key and s.key.startswith("budget:"))
    budget.set_value(0.5)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception
    after = packages_frame(at.session_state["ctx"].instance, at.session_state["ctx"].pset)
    assert at.session_state["ctx"].instance.scenario.budget_eur_bn == 0.5
    assert not before.equals(after)
    assert after["annual_cost_eur_bn"].max() <= 0.5 + 1e-9


def test_the_horizon_controls_reach_the_scenario_and_the_packages_table():
    at = monitoring_app()
    k = key_of("monitoring_only")
    at.radio(key=f"basis:{k}").set_value("horizon")
    at.slider(key=f"horizon:{k}").set_value(15)
    at.slider(key=f"budget:{k}").set_value(2.0)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception, at.exception
    ctx = at.session_state["ctx"]
    s = ctx.instance.scenario
    assert (s.budget_basis, s.horizon_years, s.budget_eur_bn) == ("horizon", 15, 2.0)
    frame = packages_frame(ctx.instance, ctx.pset)
    assert frame["horizon_cost_eur_bn"].max() <= 2.0 + 1e-9  # the budget is the present value
    at.switch_page("app_pages/packages.py").run()
    headers = [c for df in at.dataframe for c in df.value.columns]
    assert "One-off cost (EUR bn)" in headers and "Cost over 15 years (EUR bn)" in headers


def test_the_cost_basis_chosen_in_the_form_reaches_the_solve_and_the_overview():
    """The sidebar's "Costs counted" sets the scenario's cost_basis: the packages then cost
    their incremental share (never more than in full) and the Overview says which basis."""
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.selectbox(key="preset").set_value("monitoring_only").run()
    full = packages_frame(at.session_state["ctx"].instance, at.session_state["ctx"].pset)
    basis = next(r for r in at.radio if r.key and r.key.startswith("cost_basis:"))
    basis.set_value(CostBasis.INCREMENTAL)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception
    ctx = at.session_state["ctx"]
    assert ctx.instance.scenario.cost_basis is CostBasis.INCREMENTAL
    inc = packages_frame(ctx.instance, ctx.pset)
    assert (inc["annual_cost_eur_bn"] == inc["annual_cost_incremental_eur_bn"]).all()
    assert (inc["annual_cost_incremental_eur_bn"] <= inc["annual_cost_full_eur_bn"]).all()
    assert inc["annual_cost_eur_bn"].min() < full["annual_cost_eur_bn"].min()
    assert any("incremental costs" in c.value for c in at.caption)


def test_a_broken_uploaded_csv_shows_the_validation_message_and_the_app_keeps_working(app):
    app.switch_page("app_pages/export.py").run()
    broken = (
        (DATA / "members.csv")
        .read_text()
        .replace("3588,81.76,138100,24000,10000", "3588,81.76,138100,-24000,10000")
    )
    app.file_uploader(key="upload_data").set_value(("members.csv", broken.encode(), "text/csv"))
    app.run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert (
        "members.csv, row 2, column troop_pool: found '-24000'; expected a whole number >= 0"
        in errors
    )
    app.file_uploader(key="upload_data").set_value(None).run()
    app.switch_page("app_pages/overview.py").run()
    assert not app.exception and top_shown(app)


def test_a_broken_uploaded_scenario_shows_the_validation_message(app):
    app.switch_page("app_pages/export.py").run()
    app.file_uploader(key="upload_scenario").set_value(
        ("mine.toml", b'name = "mine"\nbudget_eur_bn = 5\nrotaton_factor = 3\n', "application/toml")
    )
    app.run()
    errors = " ".join(e.value for e in app.error)
    assert (
        "mine.toml, key rotaton_factor: found 'rotaton_factor'; expected a known key "
        "(did you mean 'rotation_factor'?)" in errors
    )
    app.file_uploader(key="upload_scenario").set_value(None).run()
    assert not app.exception


@pytest.fixture
def downloads(monkeypatch):
    """What the app offers for download in a run, by file name (AppTest cannot read them)."""
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return seen


def test_the_exported_scenario_reproduces_every_table_of_the_app(tmp_path, data_copy, downloads):
    """One path: `mcdm run` on the scenario the Export page writes gives the very files the
    app's zip holds, ranking choices, SMAA settings and cost uncertainty included."""
    at = monitoring_app(
        consensus="copeland",
        draws=3000,
        uniform=False,
        band=20,
        costdata=False,
        costunc=15,
        smaa_method="VIKOR",
    )
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, at.exception
    toml_text = at.code[0].value
    ctx = at.session_state["ctx"]
    r = ctx.export_scenario.robustness
    assert (r.smaa_draws, r.weight_band, r.cost_uncertainty, r.method) == (3000, 0.2, 0.15, "VIKOR")
    path = data_copy / "scenarios" / "exported.toml"  # dataset = ".." is the data folder
    path.write_text(toml_text)
    res = subprocess.run(
        [sys.executable, "-m", "mcdm", "run", str(path), "--out", str(tmp_path / "run"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr
    zipped = next(v for k, v in downloads.items() if k.endswith("-csv.zip"))
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        names = z.namelist()
        assert {"packages.csv", "rankings.csv", "acceptability.csv"} <= set(names)
        for name in names:
            assert z.read(name) == (tmp_path / "run" / name).read_bytes(), name
    assert load_instance(path).scenario.weights == ctx.export_scenario.weights


def save_snapshot(at: AppTest, name: str) -> None:
    """Type a name on the Compare page and save the setting shown under it."""
    at.text_input(key="snapshot_name").set_value(name)
    next(b for b in at.button if b.label == "Save snapshot").click().run()
    assert not at.exception, at.exception


def test_snapshots_compare_two_settings_in_words_and_survive_a_reload():
    at = monitoring_app()
    at.switch_page("app_pages/compare.py").run()
    save_snapshot(at, "first")
    key = next(s.key for s in at.slider if s.key and s.key.startswith("w:annual_cost"))
    at.slider(key=key).set_value(0.0).run()
    save_snapshot(at, "second")
    assert not at.exception and not at.error
    # the newest is selected and compared with the one before it
    assert (at.selectbox(key="snap_a").value, at.selectbox(key="snap_b").value) == (
        "first",
        "second",
    )
    frames = {tuple(df.value.columns): df.value for df in at.dataframe}
    diff = frames[("Setting", "first", "second")]
    assert diff.to_dict("records") == [
        {"Setting": "Weight on annual cost", "first": "8", "second": "0"}
    ]
    deltas = next(f for cols, f in frames.items() if "Better" in cols)
    assert list(deltas.columns) == [
        "Criterion",
        "first: top",
        "second: top",
        "Difference",
        "Better",
    ]
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert not RAW.search(shown), RAW.search(shown)
    # a third snapshot is selectable at once
    save_snapshot(at, "third")
    assert at.selectbox(key="snap_b").value == "third"
    assert at.selectbox(key="snap_b").options == ["first", "second", "third"]
    # a reload is a new session on the same address: the key in it finds the snapshots
    address = dict(at.query_params)
    assert (
        address["snapshots"] == [at.session_state["snapshot_key"]]
        or address["snapshots"] == at.session_state["snapshot_key"]
    )
    reloaded = AppTest.from_file(APP, default_timeout=600)
    reloaded.session_state["preset"] = "monitoring_only"
    reloaded.query_params["snapshots"] = at.session_state["snapshot_key"]
    reloaded.run()
    reloaded.switch_page("app_pages/overview.py").run()  # any page, then Compare
    reloaded.switch_page("app_pages/compare.py").run()
    assert not reloaded.exception
    assert reloaded.selectbox(key="snap_b").options == ["first", "second", "third"]
    # an unknown key (the server restarted) starts afresh and leaves the address
    lost = AppTest.from_file(APP, default_timeout=600)
    lost.session_state["preset"] = "monitoring_only"
    lost.query_params["snapshots"] = "no-such-key"
    lost.run()
    assert "snapshots" not in lost.query_params
    lost.switch_page("app_pages/compare.py").run()
    assert any("Save at least two snapshots" in i.value for i in lost.info)


def test_snapshots_downloaded_as_json_come_back_after_an_upload(downloads):
    at = monitoring_app()
    at.switch_page("app_pages/compare.py").run()
    for name in ("one", "two"):
        save_snapshot(at, name)
    saved = at.session_state["snapshots"]
    assert downloads["snapshots.json"] == snapshots_to_json(saved).encode()
    fresh = monitoring_app()
    fresh.switch_page("app_pages/compare.py").run()
    fresh.file_uploader(key="upload_snapshots").set_value(
        ("snapshots.json", downloads["snapshots.json"], "application/json")
    )
    fresh.run()
    assert not fresh.exception and not fresh.error
    assert fresh.session_state["snapshots"] == saved
    assert fresh.selectbox(key="snap_b").options == ["one", "two"]
    fresh.file_uploader(key="upload_snapshots").set_value(
        ("broken.json", b'{"format": "x"}', "application/json")
    )
    fresh.run()
    assert [e.value for e in fresh.error] == [
        "The snapshots could not be read:\n- uploaded broken.json, key format: found 'x'; "
        "expected format 'mcdm-snapshots'"
    ]


@pytest.mark.parametrize("scheme", list(WeightScheme), ids=str)
def test_each_weighting_ranks_as_the_scenario_file_with_that_weighting(scheme):
    at = monitoring_app(scheme=scheme)
    assert not at.error, [e.value for e in at.error]
    ctx = at.session_state["ctx"]
    assert ctx.analysis.weights.scheme == str(scheme)
    assert top_shown(at) == ctx.analysis.top
    # the same ranking, straight from the file with that weighting (no UI involved)
    base, data = load_scenario(MONITORING)
    n = len(CRITERIA)
    expected = analyse_packages(
        instantiate(
            dataclasses.replace(
                base,
                weights=slider_weights(base.weights),
                ranking=dataclasses.replace(
                    base.ranking, weighting=str(scheme), ahp=((1.0,) * n,) * n
                ),
            ),
            data,
        ),
        ctx.pset,
        reversal=False,
    )
    assert np.allclose(ctx.analysis.weights.weights, expected.weights.weights)
    assert ctx.analysis.top == expected.top
    captions = [c.value for c in at.sidebar.caption]
    assert ("AHP consistency ratio 0.00" in captions) == (scheme is WeightScheme.AHP)
    every_page_runs(at)


def test_the_weightings_weigh_differently_and_the_ranking_follows():
    """Switching the weighting re-ranks at once (no new solve) with weights that differ where
    they should: entropy and CRITIC read the packages, equal and an all-ones AHP grid agree."""
    at = monitoring_app()
    k = key_of("monitoring_only")
    pset = at.session_state["ctx"].pset
    weights, tops = {}, {}
    start = RankingControls.of(at.session_state["ctx"].export_scenario).weighting
    # every other weighting, then back to the preset's: each a change from the one before
    for scheme in [*(s for s in WeightScheme if s is not start), start]:
        at.radio(key=f"scheme:{k}").set_value(scheme).run()
        assert not at.exception and not at.error, scheme
        ctx = at.session_state["ctx"]
        assert ctx.pset is pset
        used = dict(
            zip(ctx.analysis.ranking.matrix.criteria, ctx.analysis.ranking.weights, strict=True)
        )
        weights[scheme] = np.array([used.get(c.criterion_id, 0.0) for c in CRITERIA])
        tops[scheme] = top_shown(at)
        said = ctx.changes[0]
        assert said.startswith("You changed: ") and "Weighting: " in said, ctx.changes
        assert not RAW.search(said), said
    assert np.allclose(weights[WeightScheme.EQUAL], weights[WeightScheme.AHP])
    assert tops[WeightScheme.EQUAL] == tops[WeightScheme.AHP]
    for a, b in [
        (WeightScheme.USER, WeightScheme.EQUAL),
        (WeightScheme.ENTROPY, WeightScheme.EQUAL),
        (WeightScheme.CRITIC, WeightScheme.EQUAL),
        (WeightScheme.ENTROPY, WeightScheme.CRITIC),
    ]:
        assert not np.allclose(weights[a], weights[b]), (a, b)


def test_ahp_comparisons_typed_in_the_grid_set_the_weights():
    labels = [c.label for c in CRITERIA]
    at = monitoring_app(
        scheme=WeightScheme.AHP,
        ahp=editor_state({0: {labels[1]: 5.0, labels[2]: 3.0}, 1: {labels[2]: 0.5}}),
    )
    assert not at.error, [e.value for e in at.error]
    n = len(CRITERIA)
    m = np.ones((n, n))
    m[0, 1], m[0, 2], m[1, 2] = 5.0, 3.0, 0.5
    m[1, 0], m[2, 0], m[2, 1] = 1 / 5, 1 / 3, 2.0
    ctx = at.session_state["ctx"]
    assert np.allclose(ctx.export_scenario.ranking.ahp, m)
    weights, cr = weights_ahp(m.tolist())
    assert np.allclose(ctx.analysis.weights.weights, weights)
    assert f"AHP consistency ratio {cr:.2f}" in [c.value for c in at.sidebar.caption]
    # "AHP comparisons" once crashed every page ("assignment destination is read-only": pandas
    # 3 hands out read-only arrays); every page runs with a typed grid
    every_page_runs(at)


def test_an_ahp_comparison_that_cannot_be_used_is_named_and_every_page_still_runs():
    labels = [c.label for c in CRITERIA]
    at = monitoring_app(scheme=WeightScheme.AHP, ahp=editor_state({0: {labels[1]: 0.0}}))
    assert [e.value for e in at.error] == [
        "- AHP comparisons, row Deterrence, column Annual cost: found 0.0; expected a number "
        "above zero (1 = equally important, 9 = far more, 0.5 = less)"
    ]
    assert at.session_state["ctx"].analysis is None
    assert any("AHP comparisons cannot be used" in w.value for w in at.warning)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)


@pytest.mark.parametrize("method", OFFERED_METHODS)
def test_each_ranking_method_alone_ranks_as_the_scenario_file_and_every_page_runs(method):
    at = monitoring_app(methods=[method])
    at.switch_page("app_pages/ranking.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    ctx = at.session_state["ctx"]
    ranking = ctx.analysis.ranking
    assert list(ranking.results) == [method]
    shown = next(df.value for df in at.dataframe if "Consensus rank" in df.value.columns)
    assert list(shown.columns) == ["Package", method_label(method), "Consensus rank"]
    assert len(shown) == len(ranking.matrix.alternatives)
    assert set(shown["Package"]) == {p.label for p in ctx.pset.packages}  # names, not ids
    # the ranking shown is that method's, straight from the file with that method
    base, data = load_scenario(MONITORING)
    expected = analyse_packages(
        instantiate(
            dataclasses.replace(
                base,
                weights=slider_weights(base.weights),
                ranking=dataclasses.replace(base.ranking, methods=(method,)),
            ),
            data,
        ),
        ctx.pset,
        reversal=False,
    )
    assert list(ranking.results[method].ranks) == list(expected.ranking.results[method].ranks)
    assert ctx.analysis.top == expected.top
    every_page_runs(at)


def test_every_method_has_its_line_of_help_in_the_sidebar():
    at = monitoring_app()
    selector = at.multiselect(key=f"methods:{key_of('monitoring_only')}")
    assert list(selector.options) == list(OFFERED_METHODS)
    for method in OFFERED_METHODS:
        assert f"**{method}**: {METHOD_HELP[method]}" in selector.help
    scheme = at.radio(key=f"scheme:{key_of('monitoring_only')}")
    assert all(f"**{s.label}**: {s.help}" in scheme.help for s in WeightScheme)


def test_methods_disagree_so_the_choice_of_method_matters():
    """Not every method orders the monitoring packages alike: choosing one changes the
    ranking (the app shows the one chosen, see above)."""
    base, data = load_scenario(MONITORING)
    instance = instantiate(base, data)
    pset = monitoring_app().session_state["ctx"].pset
    orders = set()
    for method in OFFERED_METHODS:
        r = analyse_packages(
            instance,
            pset,
            weights=slider_weights(base.weights),
            methods=(method,),
            reversal=False,
        )
        orders.add(tuple(r.ranking.results[method].ranks))
    assert len(orders) > 1


def members_page(at: AppTest, rows: dict[int, dict[str, object]]) -> AppTest:
    """Edit the Members page's table (cell edits by row position and column id) and apply."""
    at.switch_page("app_pages/members.py").run()
    at.session_state[f"members_editor:{key_of('monitoring_only')}"] = editor_state(rows)
    at.run()
    next(b for b in at.button if b.label == "Apply and solve").click().run()
    assert not at.exception, at.exception
    return at


def test_a_cap_edited_on_the_members_page_reaches_the_solve():
    members = load_instance(MONITORING).data.members
    row = list(members).index("GBR")
    at = members_page(monitoring_app(), {row: {"max_contribution_eur_m": 0.0}})
    assert not at.error, [e.value for e in at.error]
    ctx = at.session_state["ctx"]
    assert dict(ctx.export_scenario.member_overrides) == {"GBR": {"max_contribution_eur_m": 0.0}}
    assert ctx.instance.data.members["GBR"].max_contribution_eur_m == 0.0
    assert ctx.pset.packages
    assert not [a for p in ctx.pset.packages for a in p.allocation if a.member_id == "GBR"]
    # what changed, in words, on the page itself and on the Overview
    said = " ".join(i.value for i in at.info)
    assert "United Kingdom: money cap: EUR 3,770 m a year → EUR 0 m a year" in said
    assert not RAW.search(said)
    # the setting stays when the user goes elsewhere, and the sidebar says who takes part
    at.switch_page("app_pages/overview.py").run()
    assert at.session_state["ctx"].instance.data.members["GBR"].max_contribution_eur_m == 0.0
    # back to the preset
    at.switch_page("app_pages/members.py").run()
    next(b for b in at.button if b.label.startswith("Back to the preset")).click().run()
    assert not at.session_state["ctx"].export_scenario.member_overrides


def test_members_taken_out_and_willingness_on_the_members_page():
    members = list(load_instance(MONITORING).data.members)
    rows = {members.index("FRA"): {"takes_part": False}, 0: {"outside_ukraine": False}}
    at = members_page(monitoring_app(), rows)
    assert not at.error, [e.value for e in at.error]
    s = at.session_state["ctx"].export_scenario
    assert "FRA" not in s.members and len(s.members) == len(members) - 1
    assert dict(s.member_overrides) == {members[0]: {"outside_ukraine": False}}
    assert f"Members: {len(members) - 1} take part" in [
        link.label for link in at.sidebar.get("page_link")
    ]


def test_a_blank_cap_is_named_and_the_caps_stay():
    at = members_page(monitoring_app(), {0: {"troop_pool": None}})
    errors = [e.value for e in at.error]
    assert errors == [
        "Nothing was applied:\n- Members and their caps, row United Kingdom, column "
        "Troop pool: found nothing; expected a whole number from 0 to 5,000,000"
    ]
    assert not at.session_state["ctx"].export_scenario.member_overrides


def test_no_member_taking_part_is_named():
    n = len(load_instance(MONITORING).data.members)
    at = members_page(monitoring_app(), {i: {"takes_part": False} for i in range(n)})
    assert [e.value for e in at.error] == [
        "Nothing was applied:\n- Members and their caps, column Takes part: found nothing; "
        "expected at least one member taking part"
    ]


def test_kinds_of_package_are_checkboxes_with_their_full_names(dataset):
    """Ticking a kind off solves nothing again: the other kinds' models are the ones already
    solved (mcdm.solved_models), and their packages are those of a fresh solve."""
    import app_pages.common as common

    at = monitoring_app()
    k = key_of("monitoring_only")
    data = dataset
    boxes = {b.key: b for b in at.sidebar.checkbox if b.key and b.key.startswith("kind:")}
    assert [b.label for b in boxes.values()] == [a.name for a in data.archetypes.values()]
    chosen = [aid for aid in data.archetypes if boxes[f"kind:{aid}:{k}"].value]
    assert len(chosen) >= 2
    folder = common._solved_models().folder

    def answers() -> set:  # each answer file as written (a model solved again is a new file)
        return {(p.name, p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}

    solved = answers()
    assert solved
    boxes[f"kind:{chosen[0]}:{k}"].uncheck()
    next(b for b in at.button if b.label == "Solve").click().run()
    ctx = at.session_state["ctx"]
    assert chosen[0] not in {p.archetype for p in ctx.pset.packages}
    assert chosen[0] not in ctx.export_scenario.archetypes
    assert answers() == solved  # no model solved again
    fresh = generate_packages(ctx.solved, prices=False)
    assert packages_frame(ctx.instance, ctx.pset).equals(packages_frame(ctx.instance, fresh))
    at.slider(key=f"rotation:{k}").set_value(4.5)  # every model changes: solved anew
    next(b for b in at.button if b.label == "Solve").click().run()
    assert not at.exception, at.exception
    assert len(answers() - solved) >= len(chosen) - 1


def solve(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Solve").click().run()
    assert not at.exception, at.exception


def test_the_straits_checkbox_decides_who_sends_mine_countermeasure_ships(dataset):
    """The Black Sea package alone (the smallest solve that shows it): with the Straits
    closed only Black Sea states' ships serve there; ticked, other members' ships come in."""
    at = monitoring_app(
        **{"kind:observer": False, "kind:technical_monitoring": False, "kind:black_sea": True}
    )
    k = key_of("monitoring_only")
    box = at.sidebar.checkbox(key=f"straits:{k}")
    assert box.label == STRAITS_LABEL and box.value is False
    assert "Montreux Convention" in box.help and "straits_open" in box.help
    coastal = {mid for mid, m in dataset.members.items() if m.black_sea}

    def at_sea() -> set[str]:
        pset = at.session_state["ctx"].pset
        assert {p.archetype for p in pset.packages} == {"black_sea"}
        els = dataset.elements
        return {
            a.member_id
            for p in pset.packages
            for a in p.allocation
            if els[a.element_id].zone is Zone.BLACK_SEA
        }

    closed = at_sea()
    assert closed and closed <= coastal
    box.check()
    solve(at)
    ctx = at.session_state["ctx"]
    assert ctx.export_scenario.maritime.straits_open is True
    assert at_sea() - coastal, "no ship of a member outside the Black Sea came in"
    assert any("Straits open to mine-countermeasure ships" in c for c in ctx.changes)


def test_unticking_a_stated_restriction_lets_the_member_send_what_it_forbids(dataset):
    """The tripwire alone: France's stated restriction keeps its units away from the front;
    lifted in the sidebar (the scenario's [restrictions] lift), French light companies go there."""
    at = monitoring_app(
        **{"kind:observer": False, "kind:technical_monitoring": False, "kind:tripwire": True}
    )
    k = key_of("monitoring_only")
    boxes = [b for b in at.sidebar.checkbox if b.key and b.key.startswith("restriction:")]
    assert [b.key for b in boxes] == [f"restriction:{r}:{k}" for r in dataset.restrictions]
    assert all(b.value for b in boxes)
    box = at.sidebar.checkbox(key=f"restriction:FRA-FAR-FROM-FRONT:{k}")
    assert box.label == "France: no units near the line of contact or on the northern border"
    front = {Zone.LINE_OF_CONTACT, Zone.NORTHERN_BORDER}

    def french_at_the_front() -> int:
        pset = at.session_state["ctx"].pset
        assert {p.archetype for p in pset.packages} == {"tripwire"}
        els = dataset.elements
        return sum(
            a.units
            for p in pset.packages
            for a in p.allocation
            if a.member_id == "FRA" and els[a.element_id].zone in front
        )

    assert french_at_the_front() == 0
    box.uncheck()
    solve(at)
    ctx = at.session_state["ctx"]
    assert ctx.export_scenario.restrictions.lift == ("FRA-FAR-FROM-FRONT",)
    assert french_at_the_front() > 0
    assert any("Stated restrictions lifted" in c for c in ctx.changes)


def test_rank_reversal_is_the_one_mcdm_run_writes():
    at = monitoring_app()
    at.switch_page("app_pages/robustness.py").run()
    at.button(key="reversal").click().run()
    assert not at.exception, at.exception
    ctx = at.session_state["ctx"]
    expected = analyse_packages(ctx.instance, ctx.pset, reversal=True).reversal
    pd.testing.assert_frame_equal(at.main.dataframe[-1].value, expected, check_dtype=False)


def test_solves_are_shared_by_sessions():
    first = monitoring_app().session_state["ctx"]
    second = monitoring_app(scheme=WeightScheme.ENTROPY).session_state["ctx"]
    assert second.pset is first.pset  # one solve, two sessions
    assert second.analysis is not first.analysis


def test_one_instance_is_solved_once_when_two_sessions_ask_at_the_same_time(monkeypatch):
    """Streamlit's cache_resource computes a missing entry under a lock per key: the second
    caller waits for the first solve and gets its packages."""
    import app_pages.common as common

    instance = load_instance(MONITORING)
    instance = dataclasses.replace(instance, digest="concurrency-test")  # a key no one has
    pset = PackageSet(packages=(), outcomes=())
    calls = []
    inside, release = threading.Event(), threading.Event()

    def slow_solve(*args, **kwargs):
        calls.append(1)
        inside.set()
        release.wait(timeout=60)
        return pset

    monkeypatch.setattr(common, "generate_packages", slow_solve)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(common._solves(instance)))]
    threads[0].start()
    assert inside.wait(timeout=60)
    threads.append(threading.Thread(target=lambda: results.append(common._solves(instance))))
    threads[1].start()
    time.sleep(0.5)  # let the second caller reach the cache while the first still solves
    release.set()
    for t in threads:
        t.join(timeout=60)
    assert len(calls) == 1
    assert len(results) == 2 and results[0] is results[1] is pset


KEY_SCRIPT = (
    "import sys; from mcdm.session import controls_key; "
    "print(controls_key(sys.argv[1], open(sys.argv[2], encoding='utf-8').read()))"
)


def test_widget_keys_are_the_same_in_every_process():
    """Keys from Python's hash() of a string change with PYTHONHASHSEED; the app's do not."""
    keys = set()
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run(
            [sys.executable, "-c", KEY_SCRIPT, "default", str(DATA / "scenarios" / "default.toml")],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert res.returncode == 0, res.stderr
        keys.add(res.stdout.strip())
    assert keys == {key_of("default")}
    # and they are the keys the app's widgets carry
    at = monitoring_app()
    k = key_of("monitoring_only")
    assert at.slider(key=f"budget:{k}").value == 1.5
    assert at.radio(key=f"scheme:{k}").value is WeightScheme.USER


# --- why it wins, and robustness about the recommended package -------------------------------


def texts(at: AppTest) -> list[str]:
    """Every Markdown and caption the page shows."""
    return [m.value for m in at.markdown] + [c.value for c in at.caption]


def test_overview_says_why_the_recommended_package_wins_against_the_runner_up(app):
    app.switch_page("app_pages/overview.py").run()
    ctx = app.session_state["ctx"]
    a = ctx.analysis
    method = ctx.instance.scenario.robustness.method
    expected = why_it_wins(a, ctx.pset.by_id, method, limit=2)
    shown = [t for t in texts(app) if t.startswith("Why it wins: ")]
    assert shown == [f"Why it wins: {escape_markdown(expected)} (details on the Why it wins page)"]
    top, runner_up = ctx.pset.get(a.top), ctx.pset.get(a.recommendation.runner_up)
    assert expected.startswith(
        f"{package_name(top)} against the runner-up, {package_name(runner_up)}, under {method}: "
    )


def test_why_page_breaks_down_the_chosen_package_against_the_recommended_one(app):
    app.switch_page("app_pages/why.py").run()
    assert not app.exception and not app.error
    ctx = app.session_state["ctx"]
    a = ctx.analysis
    package = next(s for s in app.selectbox if s.key and s.key.startswith("why_package:"))
    assert package.value == a.top
    other = next(o for o in package.options if o != package.options[0])
    package.set_value(next(p for p in ctx.pset.by_id if package_name(ctx.pset.by_id[p]) in other))
    app.run()
    chosen = next(s for s in app.selectbox if s.key.startswith("why_package:")).value
    assert chosen != a.top
    method = next(s for s in app.selectbox if s.key.startswith("why_method:")).value
    assert method == ctx.instance.scenario.robustness.method
    shown = texts(app)
    assert escape_markdown(why_it_wins(a, ctx.pset.by_id, method, chosen)) in shown
    table = next(df.value for df in app.dataframe if "Difference" in df.value.columns)
    assert list(table.columns) == ["Criterion", chosen, a.top, "Difference"]
    assert any(t.startswith("Under PROMETHEE I ") for t in shown)
    assert any("two main directions, which hold" in t for t in shown)


def robustness_texts(at: AppTest) -> list[str]:
    at.switch_page("app_pages/robustness.py").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return texts(at)


def assert_robustness_is_about_the_recommended_package(at: AppTest) -> None:
    shown = robustness_texts(at)
    ctx = at.session_state["ctx"]
    a = ctx.analysis
    name = escape_markdown(package_name(ctx.pset.get(a.top)))
    assert set(a.stability["top"]) == {a.top}
    assert f"Every statement on this page is about the recommended package, {name}." in shown
    stability = [t for t in shown if t.startswith("Under ")]
    assert stability and stability[0].startswith(
        f"Under {ctx.instance.scenario.robustness.method} at your "
    )
    assert name in stability[0]
    # the US backstop's range: the statement names the recommended package (the re-rank at a
    # weight change leaves the range out; the page asks for it)
    assert a.backstop is None
    backstop = [t for t in shown if t.startswith("With the US backstop at its low estimate")]
    assert len(backstop) == 1 and f"it is still {name}" in backstop[0]
    # a lead is spoken of only if the package is first at these weights
    assert any("lead" in t for t in shown) <= bool(a.stability["holds_now"].all())


def test_robustness_page_with_a_clear_verdict():
    at = monitoring_app(draws=0, methods=["TOPSIS"])
    assert at.session_state["ctx"].analysis.recommendation.verdict == "clear"
    assert_robustness_is_about_the_recommended_package(at)
    assert not at.warning
    assert not any("Cost against the recommended" in df.value.columns for df in at.dataframe)


def test_robustness_page_with_too_close_a_verdict_shows_the_contenders():
    # weights drawn uniformly over every weighting, nations not weighed: two frontier packages
    # of technical monitoring (a cheaper one and the one that watches the whole line in
    # depth) share the first rank
    at = monitoring_app(uniform=True, **{"w:nations": 0.0})
    rec = at.session_state["ctx"].analysis.recommendation
    assert rec.verdict == "too_close" and len(rec.contenders) >= 2
    assert_robustness_is_about_the_recommended_package(at)
    assert any("Too close to call" in w.value for w in at.warning)
    tables = [df.value for df in at.dataframe]
    table = next(t for t in tables if "Cost against the recommended" in t.columns)
    pset = at.session_state["ctx"].pset
    assert list(table["Package"]) == [package_name(pset.get(c.package_id)) for c in rec.contenders]
    assert list(table["First in (share of draws)"]) == [c.first_share for c in rec.contenders]
    assert table["Cost against the recommended"].iloc[0] == "same"


def test_the_weight_sliders_say_what_a_weight_means_on_these_packages():
    at = monitoring_app()
    pset = at.session_state["ctx"].pset
    k = key_of("monitoring_only")
    cost = at.slider(key=f"w:annual_cost_eur_bn:{k}")
    values = [p.annual_cost_eur_bn for p in pset.packages]
    assert cost.help == weight_help(CRITERIA_BY_ID["annual_cost_eur_bn"], values)
    assert f"from {format_eur_bn(max(values))} a year (worst) to " in cost.help


def test_users_get_the_viewer_toolbar_and_no_error_details():
    """No Deploy button or developer menu for people who use the app, and no tracebacks."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["headless"] is True


def test_what_changed_after_a_weight_speaks_of_criteria_not_ids(app):
    app.switch_page("app_pages/overview.py").run()
    key = next(s.key for s in app.slider if s.key and s.key.startswith("w:deterrence"))
    before = app.slider(key=key).value
    app.slider(key=key).set_value(0.0).run()
    said = [i.value for i in app.info]
    assert said[0] == f"You changed: Weight on deterrence: {before:g} → 0."
    assert not RAW.search(" ".join(said)), said
    app.slider(key=key).set_value(before).run()


def test_tables_show_no_none_and_money_to_two_decimals(app):
    money = 0
    for page in ("app_pages/packages.py", "app_pages/contributions.py", "app_pages/members.py"):
        app.switch_page(page).run()
        for df in app.dataframe:
            proto = df.proto
            assert proto.placeholder == "–", page
            config = json.loads(proto.columns) if proto.columns else {}
            for column, cfg in config.items():
                if column.endswith("(EUR bn/yr)"):
                    assert cfg["type_config"]["format"] == "%.2f", (page, column)
                    money += 1
                if column.startswith("Troops") and "%" not in column:
                    assert cfg["type_config"]["format"] == "%,d", (page, column)
    assert money


def test_unit_costs_default_to_the_data_ranges_and_the_briefing_carries_a_classification(
    downloads,
):
    """The sidebar starts with unit costs drawn over the data's ranges (the scenario's
    default), so confidence factors mean something; the Export page's classification line is
    printed in the briefing, as text."""
    at = monitoring_app()
    k = key_of("monitoring_only")
    assert at.checkbox(key=f"costdata:{k}").value is True
    assert at.session_state["ctx"].instance.scenario.robustness.cost_uncertainty == "data"
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, at.exception
    at.text_input(key="briefing_classification").input("OFFICIAL <b>x</b>").run()
    assert not at.exception, at.exception
    html_files = [v for name, v in downloads.items() if name.endswith(".html")]
    assert html_files, list(downloads)
    text = html_files[-1].decode("utf-8")
    assert "OFFICIAL &lt;b&gt;x&lt;/b&gt;" in text
    assert "<b>x</b>" not in text


def test_the_withdrawal_choice_reaches_the_solve_and_the_overview_gives_its_price():
    at = monitoring_app()
    k = key_of("monitoring_only")
    at.selectbox(key=f"withdrawals:{k}").set_value(1)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception, at.exception
    ctx = at.session_state["ctx"]
    assert ctx.instance.scenario.resilience.withdrawals == 1
    assert ctx.export_scenario.resilience.withdrawals == 1
    said = [m.value for m in at.markdown if m.value.startswith("**Resilience.**")]
    kinds = {o.name for o in ctx.pset.outcomes}
    assert len(said) == len(kinds) and all(
        "surviving the loss of any one member" in s for s in said
    )
    # the price itself, from the constraint prices the page asks for (the solve has none)
    assert not any("computed with the constraint prices" in s for s in said), said
    expected = price_of_resilience(ctx.instance, generate_packages(ctx.solved, prices=True))
    assert said == [f"**Resilience.** {escape_markdown(p.sentence)}" for p in expected]
    at.switch_page("app_pages/packages.py").run()
    assert not at.exception, at.exception
    assert any(m.value.startswith("**If a member withdraws:**") for m in at.markdown)


def test_constraint_prices_come_when_asked_and_are_those_of_a_whole_run():
    """The app solves without prices; the Packages page prices the shown package's kind when
    the toggle asks, with the very figures `mcdm run` writes for that kind."""
    at = monitoring_app()
    ctx = at.session_state["ctx"]
    assert ctx.pset.prices == ()
    at.switch_page("app_pages/packages.py").run()
    at.toggle(key="show_prices").set_value(True).run()
    assert not at.exception, at.exception
    kind = ctx.pset.packages[ctx.top_index].archetype
    whole = generate_packages(ctx.solved, prices=True)
    expected = price_lines(whole, kind)
    shown = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert expected and all(line in shown for line in expected)


def test_a_budget_change_answered_from_kept_solves_says_so_and_can_be_solved_afresh():
    """Raise the budget, then lower it back to where every package fits: the packages come
    from the kept solves (no solve), the Overview says so, and its button solves afresh as
    `mcdm run` does (what the exported scenario reproduces)."""
    at = monitoring_app()
    k = key_of("monitoring_only")
    at.slider(key=f"budget:{k}").set_value(3.0)
    next(b for b in at.button if b.label == "Solve").click().run()
    high = at.session_state["ctx"].pset
    assert max(p.annual_cost_eur_bn for p in high.packages) < 2.5
    at.slider(key=f"budget:{k}").set_value(2.5)
    next(b for b in at.button if b.label == "Solve").click().run()
    assert not at.exception, at.exception
    ctx = at.session_state["ctx"]
    assert ctx.instance.scenario.budget_eur_bn == 2.5 and ctx.pset.kept_solves > 0
    assert [p.allocation for p in ctx.pset.packages] == [p.allocation for p in high.packages]
    assert any("answered from solves at other budgets" in i.value for i in at.info)
    at.button(key="solve_afresh").click().run()
    assert not at.exception, at.exception
    ctx = at.session_state["ctx"]
    assert ctx.pset.kept_solves == 0
    fresh = generate_packages(ctx.solved, prices=False)
    assert packages_frame(ctx.instance, ctx.pset).equals(packages_frame(ctx.instance, fresh))
    # the ranking is of these packages, not of the kept ones (cached on the package set too)
    ranked = analyse_packages(ctx.instance, fresh, reversal=False, backstop=False)
    assert ctx.analysis.matrix.alternatives == ranked.matrix.alternatives
    assert ctx.analysis.top == ranked.top
    assert not any("answered from solves at other budgets" in i.value for i in at.info)
