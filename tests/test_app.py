"""The Streamlit app through AppTest: every page, weights re-rank, budget re-solves, uploads."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mcdm.io.load import load_instance
from mcdm.pipeline import analyse_packages
from mcdm.tables import packages_frame
from tests.conftest import DATA, ROOT

APP = str(ROOT / "app.py")
PAGES = [
    "app_pages/overview.py",
    "app_pages/packages.py",
    "app_pages/tradeoffs.py",
    "app_pages/contributions.py",
    "app_pages/ranking.py",
    "app_pages/robustness.py",
    "app_pages/data.py",
    "app_pages/compare.py",
    "app_pages/export.py",
]


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
    weights = dict(ctx.export_scenario.weights)
    assert weights["deterrence"] == 0.0
    expected = analyse_packages(ctx.instance, ctx.pset, weights=weights, reversal=False)
    assert top_shown(app) == expected.top
    # without deterrence the methods order the packages differently
    assert list(ctx.analysis.ranking.consensus) != before_consensus
    assert list(ctx.analysis.ranking.consensus) == list(expected.ranking.consensus)
    app.slider(key=key).set_value(10.0).run()  # back to where it was
    assert top_shown(app) == before_top


def test_changing_the_budget_changes_the_packages():
    at = AppTest.from_file(APP, default_timeout=900).run()
    at.selectbox(key="preset").set_value("monitoring_only").run()
    before = packages_frame(at.session_state["ctx"].pset)
    budget = next(s for s in at.slider if s.key and s.key.startswith("budget:"))
    budget.set_value(0.5)
    next(b for b in at.button if "Solve" in str(b.label)).click().run()
    assert not at.exception
    after = packages_frame(at.session_state["ctx"].pset)
    assert at.session_state["ctx"].instance.scenario.budget_eur_bn == 0.5
    assert not before.equals(after)
    assert after["annual_cost_eur_bn"].max() <= 0.5 + 1e-9


def test_a_broken_uploaded_csv_shows_the_validation_message_and_the_app_keeps_working(app):
    app.switch_page("app_pages/export.py").run()
    broken = (
        (DATA / "members.csv")
        .read_text()
        .replace("3588,81.76,138100,40000,10000", "3588,81.76,138100,-40000,10000")
    )
    app.file_uploader(key="upload_data").set_value(("members.csv", broken.encode(), "text/csv"))
    app.run()
    assert not app.exception
    errors = " ".join(e.value for e in app.error)
    assert (
        "members.csv, row 2, column troop_pool: found '-40000'; expected a whole number >= 0"
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


def test_the_exported_scenario_reproduces_packages_and_rankings(app, tmp_path, data_copy):
    app.switch_page("app_pages/export.py").run()
    toml_text = app.code[0].value
    ctx = app.session_state["ctx"]
    path = data_copy / "scenarios" / "exported.toml"  # dataset = ".." is the data folder
    path.write_text(toml_text)
    res = subprocess.run(
        [sys.executable, "-m", "mcdm", "run", str(path), "--out", str(tmp_path / "run"), "--quiet"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert res.returncode == 0, res.stderr
    run_packages = pd.read_csv(tmp_path / "run" / "packages.csv")
    app_packages = pd.read_csv(pd.io.common.StringIO(packages_frame(ctx.pset).to_csv(index=False)))
    pd.testing.assert_frame_equal(run_packages, app_packages)
    run_ranks = pd.read_csv(tmp_path / "run" / "rankings.csv").set_index("package_id")
    app_ranks = ctx.analysis.ranking.frame()
    assert list(run_ranks.index) == list(app_ranks.index)
    for col in app_ranks.columns:
        assert list(run_ranks[col]) == list(app_ranks[col]), col
    assert load_instance(path).scenario.weights == ctx.export_scenario.weights


def test_snapshots_compare_two_settings(app):
    app.switch_page("app_pages/compare.py").run()
    app.text_input[0].set_value("first")
    app.button[0].click().run()
    key = next(s.key for s in app.slider if s.key and s.key.startswith("w:annual_cost"))
    app.slider(key=key).set_value(0.0).run()
    app.text_input[0].set_value("second")
    app.button[0].click().run()
    assert not app.exception
    shown = " ".join(str(df.value.to_dict()) for df in app.dataframe)
    assert "weights.annual_cost_eur_bn" in shown
    app.slider(key=key).set_value(8.0).run()
