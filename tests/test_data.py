"""The bundled dataset: sourced, complete, and showing what members actually said."""

from __future__ import annotations

import csv
import re
import tomllib

import pytest

from mcdm.model import Category, Location
from tests.conftest import DATA

SOURCES = (DATA / "SOURCES.md").read_text(encoding="utf-8")
DEFINED_KEYS = set(re.findall(r"^\| `([A-Z0-9][A-Z0-9-]+)` \|", SOURCES, flags=re.M)) | set(
    re.findall(r"^### ([A-Z][A-Z0-9-]+)", SOURCES, flags=re.M)
)
KEY = re.compile(r"\b(?:A|S)-[A-Z0-9-]+|\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+\b")


@pytest.mark.parametrize("name", ["members.csv", "elements.csv", "availability.csv"])
def test_every_row_has_a_source_and_a_confidence(name):
    rows = list(csv.DictReader((DATA / name).open(encoding="utf-8")))
    assert rows
    for i, row in enumerate(rows, start=2):
        assert row["source"].strip(), f"{name} row {i} has no source"
        assert row["confidence"] in {"H", "M", "L", "A"}, f"{name} row {i}: {row['confidence']}"


@pytest.mark.parametrize("name", ["members.csv", "elements.csv", "availability.csv"])
def test_every_source_key_resolves_in_sources_md(name):
    for i, row in enumerate(csv.DictReader((DATA / name).open(encoding="utf-8")), start=2):
        for col in ("source", "caps_basis", "basis"):
            for key in filter(None, (k.strip() for k in (row.get(col) or "").split(";"))):
                assert key in DEFINED_KEYS, f"{name} row {i} column {col}: {key} not in SOURCES.md"


def test_every_key_in_toml_comments_resolves():
    for path in [*DATA.glob("*.toml"), *(DATA / "scenarios").glob("*.toml")]:
        for key in KEY.findall(path.read_text(encoding="utf-8")):
            assert key in DEFINED_KEYS, f"{path.name}: {key} not in SOURCES.md"


def test_archetypes_say_where_their_numbers_come_from():
    doc = tomllib.loads((DATA / "archetypes.toml").read_text(encoding="utf-8"))
    for aid, table in doc.items():
        assert table.get("source"), aid
        assert table.get("confidence") in {"H", "M", "L", "A"}, aid


def test_members_cover_the_coalition_and_the_united_states(dataset):
    assert len(dataset.members) >= 30
    assert "USA" in dataset.members
    assert all(len(mid) == 3 and mid.isupper() for mid in dataset.members)


def test_stated_pledges_show_in_the_numbers(dataset):
    m = dataset.members
    assert m["GBR"].max_troops_deployed == 10_000
    assert m["FRA"].max_troops_deployed == 6_000
    assert 50 <= m["EST"].max_troops_deployed <= 250  # a company: 50-250, about 150
    for mid in ("GBR", "FRA", "EST"):
        assert m[mid].ground_in_ukraine and m[mid].deployed_cap(4) == m[mid].max_troops_deployed


@pytest.mark.parametrize("mid", ["ITA", "POL", "ESP", "FIN", "CZE", "ROU", "DEU", "USA"])
def test_stated_refusals_show_in_the_numbers(dataset, mid):
    assert dataset.members[mid].ground_in_ukraine is False


def test_opted_out_member_can_send_nothing(dataset):
    jpn = dataset.members["JPN"]
    assert jpn.troop_pool == 0 and jpn.max_contribution_eur_m == 0


def test_elements_cover_every_option(dataset):
    assert len(dataset.elements) >= 14
    assert {e.category for e in dataset.elements.values()} == set(Category)
    assert {e.location for e in dataset.elements.values()} == set(Location)
    for e in dataset.elements.values():
        assert e.cost_low_eur_m <= e.cost_eur_m <= e.cost_high_eur_m, e.element_id


def test_observer_team_cost_matches_the_osce_figure(dataset):
    """OSCE SMM 2017-18: EUR 105.5m for up to 800 monitors, about EUR 132k per monitor-year."""
    team = dataset.elements["observer_team"]
    per_monitor = team.cost_eur_m / team.troops_per_unit
    assert 0.12 <= per_monitor <= 0.14


def test_availability_refers_to_known_ids(dataset):
    for mid, eid in dataset.availability:
        assert mid in dataset.members and eid in dataset.elements


def test_every_us_backstop_option_is_defined(dataset):
    from mcdm.model import USBackstop

    assert set(dataset.parameters.backstop) == set(USBackstop)
    assert dataset.parameters.backstop[USBackstop.NONE].us_categories == ()
