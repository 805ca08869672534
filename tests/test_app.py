"""The Streamlit app starts on the default data (AppTest, no browser)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_app_shows_members_elements_and_sources(dataset):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe) >= 3
    members = at.dataframe[0].value
    assert set(dataset.members) == set(members["member_id"])
    assert any("Sources" in e.label for e in at.expander)
