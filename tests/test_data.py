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

# What stands behind a key: SOURCES.md gives every source row a kind; every `### A-...` heading
# under "## Assumptions" is an assumption.
SOURCE_KINDS = {"official", "parliament", "research", "press", "data", "russian_official"}
ALLOWED_KINDS = SOURCE_KINDS | {"assumption", "basis"}
_ROW = re.compile(r"^\| `([A-Z0-9][A-Z0-9-]+)` \| ([a-z_]+) \|(.*)$", flags=re.M)
KIND_OF = {key: kind for key, kind, _ in _ROW.findall(SOURCES)}
_ASSUMPTIONS = SOURCES.split("\n## Assumptions", 1)[1]
KIND_OF |= dict.fromkeys(re.findall(r"^### (A-[A-Z0-9-]+)", _ASSUMPTIONS, re.M), "assumption")

# State media and disinformation outlets, and aggregators that copy other outlets' text: never a
# source, even where they quote one (cite the original instead). A host matches a domain or any
# of its subdomains.
BLOCKED_DOMAINS = (
    # Russian and Belarusian state media, and the "Pravda" network
    "tass.com", "tass.ru", "ria.ru", "rt.com", "sputniknews.com", "sputnikglobe.com",
    "noticiabrasil.net.br", "lenta.ru", "news.mail.ru", "news-pravda.com", "pravda-en.com",
    "news-front.info", "news-front.su", "tvzvezda.ru", "ridus.ru", "news.by",
    # other state-run or government-aligned outlets (cite the government's own text instead)
    "aa.com.tr", "trt.net.tr", "trtworld.com", "ahaber.com.tr", "dailysabah.com", "bssnews.net",
    "anews.com.tr", "ukrinform.net", "ukrinform.ua", "apa.az",
    # aggregators and mirrors
    "wikimili.com", "news.az", "menafn.com", "caliber.az", "benborges.xyz", "volknews.com",
    "beyazgazete.com", "allplaynews.com", "downthenews.com", "axy.media", "kinstranews.com",
    "interbellumnews.com",
    "fortunefwd.com", "lnginnorthernbc.ca", "eriinfo.com", "europesays.com", "devdiscourse.com",
    "strategicstudyindia.com", "geostrategicmedia.com", "sharek.se", "politicallore.com",
    "urdupoint.com", "getquin.com", "magyarnemzet.hu",
)  # fmt: skip
URL = re.compile(r"https?://([^/\s|)>\]`\"']+)")


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
    for mid in ("FRA", "EST"):
        assert m[mid].ground_in_ukraine and m[mid].deployed_cap(4) == m[mid].max_troops_deployed
    # A-POOL-GBR: four times 10,000 would be over half the Army's regulars; 6,000 sustained
    assert m["GBR"].ground_in_ukraine and m["GBR"].deployed_cap(4) == 6_000


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


def test_every_key_has_an_allowed_kind():
    assert KIND_OF, "no kinds found in SOURCES.md"
    for key in DEFINED_KEYS:
        assert key in KIND_OF, f"{key} has no kind in SOURCES.md"
        assert KIND_OF[key] in ALLOWED_KINDS, f"{key}: kind {KIND_OF[key]!r} not allowed"


def test_assumptions_and_sources_are_told_apart():
    for key, kind in KIND_OF.items():
        assert (kind == "assumption") == key.startswith("A-"), f"{key} is of kind {kind}"
    assert KIND_OF["S-OFFER"] == "basis"


def test_a_source_without_an_address_is_marked_low_confidence():
    for key, kind, rest in _ROW.findall(SOURCES):
        if kind in SOURCE_KINDS and "http" not in rest:
            confidence = rest.rstrip(" |").rsplit("|", 1)[-1].strip()
            assert confidence.startswith("L"), f"{key} cites no address but is marked {confidence}"


def test_no_address_is_from_a_blocked_outlet():
    files = [p for p in DATA.rglob("*") if p.suffix in {".md", ".csv", ".toml"}]
    assert any(p.name == "SOURCES.md" for p in files)
    for path in files:
        for host in URL.findall(path.read_text(encoding="utf-8")):
            host = host.lower().split(":")[0]
            blocked = [d for d in BLOCKED_DOMAINS if host == d or host.endswith("." + d)]
            assert not blocked, f"{path.name} cites {host}, a blocked outlet"


def test_the_blocked_list_catches_subdomains():
    hosts = ["france.news-pravda.com", "tass.com", "www.menafn.com", "mypravda.com"]
    caught = [h for h in hosts if any(h == d or h.endswith("." + d) for d in BLOCKED_DOMAINS)]
    assert caught == hosts[:3]


def test_turkiye_would_contribute_if_both_parties_agree(dataset):
    from mcdm.model import Position

    tur = dataset.members["TUR"]
    assert tur.position is Position.CONDITIONAL and tur.ground_in_ukraine


def test_czechia_offers_no_force_it_declined(dataset):
    """Czechia accepts only the Paris declaration's points 1 and 5 (monitoring, cooperation)."""
    assert dataset.availability.get(("CZE", "fighter_det"), 0) == 0
    assert dataset.availability.get(("CZE", "training_out"), 0) == 0


def test_stated_offers_name_the_statement():
    rows = csv.DictReader((DATA / "availability.csv").open(encoding="utf-8"))
    for i, row in enumerate(rows, start=2):
        keys = row["source"].split(";")
        if row["basis"] == "S-OFFER":
            assert any(k.startswith("STMT-") for k in keys), f"availability.csv row {i}"
        if row["member_id"] == "USA":  # no US number was ever stated
            assert row["basis"] != "S-OFFER" and row["confidence"] == "A", f"row {i}"
