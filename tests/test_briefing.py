"""The HTML briefing: its header, its words and numbers, and the tables it ends with.

Opening the file in a browser with the network off is tested in tests/test_browser.py; user
text shown as text in tests/test_export_safety.py.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

import pytest
from plotly.offline import get_plotlyjs

from mcdm.briefing import briefing_html
from mcdm.briefing.tables import member_rows
from mcdm.criteria import CRITERIA, DETERRENCE_PARTS, contributions
from mcdm.describe import describe_top, format_criterion
from mcdm.formats import format_eur_bn
from mcdm.io.data import folder_digest
from mcdm.io.load import load_instance
from mcdm.pipeline import run_scenario
from mcdm.session.words import DETERRENCE_PART_HEADERS
from tests.conftest import DATA

DATE = datetime.date(2026, 3, 14)
MONITORING = DATA / "scenarios" / "monitoring_only.toml"
#: monitoring_only with caps changed, a burden-sharing band, a rule and an archetype override
VARIANT = (
    MONITORING.read_text(encoding="utf-8").replace('dataset = "..."', "")
    + """
[member_overrides.POL]
max_troops_deployed = 5000
max_contribution_eur_m = 250

[member_overrides.DEU]
ground_in_ukraine = true

[archetype_overrides.observer]
troops_min = 500

[burden_sharing]
band = 0.9
exclude = ["USA"]

[[rules]]
name = "Nordic members take part"
members = ["DNK", "NOR", "SWE", "FIN"]
measure = "nations"
sense = ">="
value = 1
"""
)
#: One money format: "EUR 1.63 bn" (two decimals) or "EUR 148 m".
EUR = re.compile(r"^EUR (\d{1,3}(,\d{3})*\.\d\d bn|\d{1,3}(,\d{3})* m)$")


class _Page(HTMLParser):
    """The briefing's visible text (scripts and styles left out) and its tables as text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tables: list[list[list[str]]] = []
        self._skip = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, *headers: str) -> list[list[str]]:
        """The one table whose header row starts with ``headers`` (rows of cells)."""
        found = [t for t in self.tables if t and t[0][: len(headers)] == list(headers)]
        assert len(found) == 1, [t[0] for t in self.tables]
        return found[0]


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def monitoring():
    instance = load_instance(MONITORING)
    result = run_scenario(instance, prices=False, reversal=False)
    return instance, result


@pytest.fixture(scope="module")
def variant(tmp_path_factory, dataset):
    path = tmp_path_factory.mktemp("variant") / "variant.toml"
    path.write_text(VARIANT, encoding="utf-8")
    instance = load_instance(path, data=dataset)
    result = run_scenario(instance, prices=False, reversal=False)
    return instance, result


def _briefing(run, **kwargs) -> str:
    instance, result = run
    return briefing_html(instance, result.packages, result.analysis, date=DATE, **kwargs)


# --- the library and the charts ----------------------------------------------------------------


def test_plotly_js_is_inlined_once_before_every_chart_script(monitoring):
    page = _briefing(monitoring)
    library = get_plotlyjs()
    assert page.count(library[:500]) == 1
    start = page.index(library[:500])
    charts = [m.start() for m in re.finditer(r"<script[^>]*>\s*window\.PLOTLYENV", page)]
    assert len(charts) == 4
    assert start < min(charts)
    assert start < page.index("</head>")
    assert "cdn.plot.ly" not in page.replace(library, "")


# --- the header --------------------------------------------------------------------------------


def test_the_header_gives_scenario_one_budget_date_and_data_version(monitoring):
    instance, _ = monitoring
    page = _parse(_briefing(monitoring))
    header = page.table("Scenario")
    assert header == [
        ["Scenario", "monitoring_only"],
        ["Budget", "EUR 1.50 bn a year"],
        ["Date", "2026-03-14"],
        ["Data version", f"{folder_digest(DATA)[:12]} (digest of the data files; scenario and "
         f"data together {instance.digest[:12]})"],
    ]  # fmt: skip
    text = "".join(page.text)
    before = text[: text.index("The recommendation")]
    assert len(re.findall(r"EUR \d", before)) == 1, before
    assert 'class="classification"' not in _briefing(monitoring)


def test_the_date_defaults_to_today(monitoring):
    instance, result = monitoring
    page = _parse(briefing_html(instance, result.packages, result.analysis))
    assert page.table("Scenario")[2] == ["Date", datetime.date.today().isoformat()]


def test_the_classification_is_printed_at_top_and_bottom_as_text(monitoring):
    raw = _briefing(monitoring, classification=" <b>OFFICIAL</b> & SENSITIVE ")
    assert "<b>OFFICIAL" not in raw
    marked = re.findall(r'<p class="classification">(.*?)</p>', raw)
    assert marked == ["&lt;b&gt;OFFICIAL&lt;/b&gt; &amp; SENSITIVE"] * 2
    body = raw[raw.index("<body>") :]
    assert body.index('class="classification"') < body.index("<h1>")
    assert body.rindex('class="classification"') > body.index("Key tables")
    assert 'class="classification"' not in _briefing(monitoring, classification="  ")


# --- words and numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("run", ["monitoring", "variant"])
def test_no_nan_none_or_raw_ids_in_the_text(run, request):
    instance, result = request.getfixturevalue(run)
    text = " ".join(_parse(_briefing((instance, result))).text)
    for word in ("NaN", "nan", "None", "null", "inf"):
        assert not re.search(rf"\b{word}\b", text), word
    ids = {p.package_id for p in result.packages.packages}
    # an underscore only in a package id (shown beside its name, and in the ranking's id column)
    tokens = set(re.findall(r"[\w-]*_[\w-]*", text))
    assert tokens <= ids | {instance.scenario.name}, tokens - ids
    assert "air_isr" not in text and "Air power and ISR" in text
    assert "PROMETHEE II" in text


def test_the_us_gdp_share_is_na_with_a_reason(monitoring):
    page = _parse(_briefing(monitoring))
    members = page.table("Member", "Units")
    assert members[0] == [
        "Member", "Units", "Troops", "In Ukraine", "Annual cost", "Cost share", "GDP share",
        "Stated position",
    ]  # fmt: skip
    for row in members[1:]:
        assert EUR.match(row[4]), row
        assert re.fullmatch(r"\d+\.\d%|n/a", row[6]), row
    # Since satellites earn no deterrence and half the warning, the recommended monitoring
    # package no longer holds US units: take the first package that does.
    instance, result = monitoring
    with_us = next(
        p for p in result.packages.packages if any(a.member_id == "USA" for a in p.allocation)
    )
    rows, notes = member_rows(instance, with_us)
    us = next(r for r in rows if r[0] == "United States")
    assert us[6] == "n/a"
    assert "GDP share n/a for United States: the US backstop is outside the burden sharing" in (
        " ".join(notes)
    )


def test_describe_top_gives_the_scale_of_points(monitoring):
    instance, result = monitoring
    lines = describe_top(instance, result.packages, result.analysis)
    text = " ".join(lines)
    assert "up to 100 points of denial, reached by ground combat power a third the size" in text
    assert "2 points for each NATO nation with at least an armed company in Ukraine" in text
    assert "from 3 for an armoured battlegroup to 0 for anything remote" in text
    assert "None" not in text and "nan" not in text


@pytest.mark.parametrize(
    ("criterion", "value", "shown"),
    [
        ("annual_cost_eur_bn", 0.154, "EUR 154 m"),
        ("annual_cost_eur_bn", 6.8125, "EUR 6.81 bn"),
        ("troops_exposed", 10020.0, "10,020"),
        ("air_defence_k_km2", 336.0, "336,000 km²"),
        ("deterrence", 1.0, "1 point"),
        ("escalation_risk", 0.8, "0.8 points"),
        ("early_warning_pct", float("nan"), "n/a"),
    ],
)
def test_one_format_per_unit(criterion, value, shown):
    assert format_criterion(criterion, value) == shown


# --- the closing tables ------------------------------------------------------------------------


def test_the_allocation_table_adds_up_to_the_recommended_package(monitoring):
    instance, result = monitoring
    top = result.packages.get(result.analysis.top)
    rows = _parse(_briefing(monitoring)).table("Member", "Element")
    assert rows[0] == ["Member", "Element", "Where", "Units", "Troops", "Annual cost"]
    body, total = rows[1:-1], rows[-1]
    names = instance.data.members
    elements = instance.data.elements
    expected = {
        (names[a.member_id].name, elements[a.element_id].name): a.units for a in top.allocation
    }
    assert {(r[0], r[1]): int(r[3].replace(",", "")) for r in body} == expected
    assert total[0] == "Total"
    assert int(total[4].replace(",", "")) == top.troops_deployed
    cost_m = sum(r["cost_eur_m"] for r in contributions(instance, top.allocation).values())
    assert total[5] == format_eur_bn(cost_m / 1000) == format_eur_bn(top.annual_cost_eur_bn)
    assert {r[2] for r in body} <= {"in Ukraine", "outside Ukraine", "remote"}


def test_the_criteria_table_compares_the_recommended_package_first(monitoring):
    _, result = monitoring
    top = result.packages.get(result.analysis.top)
    rows = _parse(_briefing(monitoring)).table("Criterion")
    assert rows[0][:3] == ["Criterion", "Better", top.label]
    assert 2 < len(rows[0]) <= 2 + 5
    parts = [f"of which {h.split(' (')[0].lower()}" for h in DETERRENCE_PART_HEADERS.values()]
    labels = [c.label for c in CRITERIA]
    assert [r[0] for r in rows[2:]] == labels[:1] + parts + labels[1:]
    criteria_rows = rows[2:3] + rows[3 + len(parts) :]
    for c, row in zip(CRITERIA, criteria_rows, strict=True):
        assert row[1] == ("more" if c.direction.sign > 0 else "less")
        assert row[2] == format_criterion(c.criterion_id, top.criteria[c.criterion_id])
    for part, row in zip(DETERRENCE_PARTS, rows[3 : 3 + len(parts)], strict=True):
        assert row[2] == format_criterion("deterrence", top.deterrence_parts[part])


def test_the_settings_table_says_the_scenario_in_words(monitoring):
    text = _briefing(monitoring)
    settings = dict(_parse(text).table("Setting")[1:])
    assert settings["Budget"] == "EUR 1.50 bn a year"
    assert settings["Costs counted"].startswith("full annual cost of each unit")
    assert settings["US backstop"] == "Air power and ISR (deterrence multiplied by 1.15)"
    assert settings["Kinds of package"] == "Observer mission, Technical monitoring"
    assert settings["Weights"].startswith("annual cost 20%, troops exposed 20%, early warning 25%")
    assert "TOPSIS, VIKOR, PROMETHEE II" in settings["Ranking methods"]
    assert "budget_eur_bn" not in text and "[weights]" not in text  # no TOML dump


def test_the_settings_table_words_changed_caps_bands_and_rules(variant):
    settings = dict(_parse(_briefing(variant)).table("Setting")[1:])
    assert settings["Changed for Poland"] == "deployed cap 5,000; money cap EUR 250 m a year"
    assert settings["Changed for Germany"] == "troops in Ukraine allowed"
    assert settings["Changed for Observer mission"] == "minimum troops 500"
    assert settings["Burden-sharing band"] == (
        "each contributor pays within ±90% of its GDP share; left out: United States"
    )
    assert settings["Rule"] == (
        "Nordic members take part: at least 1 nation from Denmark, Norway, Sweden, Finland"
    )
