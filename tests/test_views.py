"""The tables and lines the app's pages show (mcdm.views), on the small monitoring scenario."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA
from mcdm.describe import describe_top, pledge_line
from mcdm.figures import marginal_cost_chart, marginal_measures, parallel_chart
from mcdm.formats import format_chance
from mcdm.io.load import load_instance
from mcdm.pipeline import analyse_packages, optimise_scenario
from mcdm.results import PackageKind
from mcdm.session import Context, Snapshot, consensus_by_package
from mcdm.views import (
    CONFIDENCE_MEANING,
    allocation_matrix,
    archetype_table,
    caps_basis,
    caps_table,
    column_formats,
    compare_criteria,
    confidence_table,
    dataset_tables,
    frontier_measures,
    left_out_lines,
    member_table,
    members_frame,
    method_notes,
    package_names,
    packages_table,
    price_lines,
    scenario_caption,
    settings_diff_table,
    side_by_side,
    smaa_caption,
    snapshot_deltas,
    snapshot_results,
    source_notes,
    sources_table,
    weights_caption,
)
from tests.conftest import DATA


@pytest.fixture(scope="module")
def run():
    """monitoring_only: observers against technical means (a run of a second or two)."""
    instance = load_instance(DATA / "scenarios" / "monitoring_only.toml")
    pset = optimise_scenario(instance).packages
    return instance, pset, analyse_packages(instance, pset, reversal=False)


def test_archetype_table_names_each_kind_and_its_best_package_at_the_budget(run):
    instance, pset, _ = run
    table = archetype_table(pset)
    assert list(table["Kind of package"]) == [o.name for o in pset.outcomes]
    for _, row in table.iterrows():
        aid = next(o.archetype for o in pset.outcomes if o.name == row["Kind of package"])
        frontier = [
            p for p in pset.packages if p.archetype == aid and p.kind is PackageKind.FRONTIER
        ]
        assert row["Status"] == "possible"
        assert row["Packages"] == sum(p.archetype == aid for p in pset.packages)
        assert row["Best at the budget"] == frontier[-1].label  # its name, not its id
        assert frontier[-1].annual_cost_eur_bn <= instance.scenario.budget_eur_bn + 1e-9


def test_packages_table_sorts_by_consensus_rank(run):
    instance, pset, analysis = run
    plain = packages_table(instance, pset)
    assert list(plain["Id"]) == [p.package_id for p in pset.packages]
    assert list(plain["Package"]) == [p.label for p in pset.packages]  # names people read
    assert all(plain["Package"])
    assert package_names(pset) == dict(zip(plain["Id"], plain["Package"], strict=True))
    ranked = packages_table(instance, pset, consensus_by_package(analysis))
    first = ranked["Consensus rank"].iloc[0]
    assert first == min(consensus_by_package(analysis).values())  # a consensus top comes first
    assert list(ranked["Consensus rank"]) == sorted(ranked["Consensus rank"])
    assert {c.header for c in CRITERIA} <= set(ranked.columns)


def test_allocation_member_and_caps_tables_add_up(run):
    instance, pset, analysis = run
    pkg = pset.get(analysis.top)
    alloc = allocation_matrix(instance, pkg)
    assert int(alloc.to_numpy().sum()) == sum(a.units for a in pkg.allocation)
    members = member_table(instance, pkg)
    assert members["Troops"].sum() == pkg.troops_deployed
    assert members["Cost share (%)"].sum() == pytest.approx(100.0)
    caps = caps_table(instance, pkg)
    assert set(caps["Member"]) == set(members["Member"])
    assert (caps["Money (% of annual cap)"].dropna() <= 100 + 1e-6).all()


def test_side_by_side_says_which_package_is_better_on_each_criterion_in_words(run):
    _, pset, _ = run
    a, b = pset.packages[0], pset.packages[-1]
    table = side_by_side(a, b).set_index("Criterion")
    assert list(table.columns) == [a.package_id, b.package_id, "Difference", "Better"]
    for c in CRITERIA:
        d = (a.criteria[c.criterion_id] - b.criteria[c.criterion_id]) * c.direction.sign
        better = table.loc[c.header, "Better"]
        if better != "same":
            assert better.startswith(a.package_id if d > 0 else b.package_id)
    cost = next(c.header for c in CRITERIA if c.criterion_id == "annual_cost_eur_bn")
    cheaper = min((a, b), key=lambda p: p.annual_cost_eur_bn)
    if round(a.annual_cost_eur_bn, 2) != round(b.annual_cost_eur_bn, 2):
        assert table.loc[cost, "Better"] == f"{cheaper.package_id}: cheaper"
    assert side_by_side(a, a)["Better"].eq("same").all()
    assert side_by_side(a, a)["Difference"].eq("0").all()


def test_compared_values_are_in_their_units_format_and_a_rounding_is_no_difference():
    first = {"annual_cost_eur_bn": 0.154, "troops_exposed": 14_720.0, "deterrence": 308.43}
    second = {"annual_cost_eur_bn": 0.1541, "troops_exposed": 15_170.0, "deterrence": 300.0}
    table = compare_criteria(("A", first), ("B", second)).set_index("Criterion")
    assert table.loc["Annual cost (EUR bn/yr)"].to_dict() == {
        "A": "0.15",
        "B": "0.15",
        "Difference": "0",
        "Better": "same",
    }
    assert table.loc["Troops exposed (troops)"].to_dict() == {
        "A": "14,720",
        "B": "15,170",
        "Difference": "+450",
        "Better": "A: fewer troops exposed",
    }
    assert table.loc["Deterrence (points)", "Better"] == "A: more deterrence"
    assert table.loc["Deterrence (points)", "Difference"] == "-8.4"
    assert len(table) == 3  # only the criteria both hold


def test_column_formats_one_a_unit():
    formats = column_formats(
        [
            "Annual cost (EUR bn/yr)",
            "Its cost (EUR bn/yr)",
            "Cost (EUR m/yr)",
            "Troops deployed",
            "Troops exposed (troops)",
            "Troops (% of deployable cap)",
            "Member",
        ]
    )
    assert formats == {
        "Annual cost (EUR bn/yr)": "%.2f",
        "Its cost (EUR bn/yr)": "%.2f",
        "Cost (EUR m/yr)": "%,.0f",
        "Troops deployed": "%,d",
        "Troops exposed (troops)": "%,d",
        "Troops (% of deployable cap)": "%.1f",
    }


def test_price_lines_are_those_of_one_kind_capitalised_and_escaped(run):
    _, pset, _ = run
    for aid in {p.archetype for p in pset.packages}:
        lines = price_lines(pset, aid)
        mine = [c for c in pset.prices if c.archetype == aid]
        assert len(lines) == len(mine)
        assert all(line.startswith("- ") and line[2].isupper() for line in lines if line[2:3])
    ugly = dataclasses.replace(pset.prices[0], label="[x](http://e) *more*")
    (shown,) = price_lines(dataclasses.replace(pset, prices=(ugly,)), ugly.archetype)
    assert shown == "- " + escape_markdown(ugly.message) and "[x](" not in shown


def test_ranking_lines(run):
    _, _, analysis = run
    left = left_out_lines(analysis)
    assert left[0].startswith("Left out of the ranking: ")
    for criterion, _ in analysis.ranking.dropped:
        assert criterion.replace("_", r"\_") in left[0] or criterion in left[0]
    # whether the run's criteria hold zeros depends on the mixes found: add a shift note so
    # that the split is tested either way
    note = "political_risk_pct shifted by +1.5 (it holds zeros)"
    messages = (*analysis.messages, note)
    general, shifted = method_notes(dataclasses.replace(analysis, messages=messages))
    assert note in shifted and all("shifted by" in m for m in shifted)
    assert sorted(general + shifted) == sorted(messages)
    caption = weights_caption(analysis.ranking)
    assert caption.startswith(f"Consensus: borda over {len(analysis.ranking.results)} methods.")


def test_confidence_table_lists_the_packages_that_come_first_in_some_draws(run):
    _, _, analysis = run
    table = confidence_table(analysis.smaa)
    assert list(table.columns) == ["First in (share of draws)", "Confidence factor"]
    first = table["First in (share of draws)"]
    assert (first > 0).all() and list(first) == sorted(first, reverse=True)
    assert first.sum() == pytest.approx(1.0)
    caption = smaa_caption(analysis.smaa)
    assert caption.startswith(
        f"SMAA-2 with {analysis.smaa.draws:,} draws of weights uniform over every weighting"
    )
    # the page that shows the confidence factor says what it means, in one sentence
    assert caption.endswith(CONFIDENCE_MEANING)
    assert (
        CONFIDENCE_MEANING.startswith("Confidence factor: ") and CONFIDENCE_MEANING.count(". ") == 0
    )


def test_dataset_tables(run):
    instance, _, _ = run
    data = instance.data
    tables = dataset_tables(data)
    assert list(tables) == [
        "Members",
        "Elements",
        "Availability",
        "Kinds of package",
        "Restrictions",
    ]
    assert list(tables["Restrictions"]["Id"]) == list(data.restrictions)
    assert list(tables["Members"]["Id"]) == list(data.members)
    assert list(tables["Members"]["Member"]) == [m.name for m in data.members.values()]
    assert list(tables["Elements"]["Element"]) == [e.name for e in data.elements.values()]
    avail = tables["Availability"]
    for (m, e), n in data.availability.items():
        assert avail.loc[data.members[m].name, data.elements[e].name] == n
    for frame in tables.values():  # headers in words, no raw field ids
        assert not [c for c in frame.columns if "_" in str(c)], frame.columns
    assert not tables["Members"]["Stated position"].str.contains("_").any()


def test_members_page_table_sources_and_caps_basis(run):
    instance, _, _ = run
    members = instance.data.members
    frame = members_frame(
        members, ["GBR"], {}, {"GBR": "A-POOL-PLEDGE;A-MONEY"}, rotation_factor=4.0
    )
    assert list(frame.index) == list(members)
    assert frame.loc["GBR", "takes_part"] and not frame.drop(index="GBR")["takes_part"].any()
    gbr = members["GBR"]
    assert frame.loc["GBR", "troop_pool"] == gbr.troop_pool
    assert frame.loc["GBR", "Can keep deployed"] == gbr.deployed_cap(4.0)
    assert frame.loc["GBR", "Caps from"] == "A-POOL-PLEDGE, A-MONEY"
    assert frame.loc["GBR", "Sources"] == gbr.source.replace(";", ", ")
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    notes = source_notes(text)
    assert notes["SIPRI-2024"].kind == "data" and "Military expenditure" in notes["SIPRI-2024"].what
    assert notes["A-MONEY"].kind == "assumption" and notes["A-MONEY"].what == "annual money caps"
    # every key the members cite resolves, caps basis included
    basis = caps_basis((DATA / "members.csv").read_text(encoding="utf-8"))
    assert basis["GBR"] and set(basis) == set(members)
    keys = [k for m in members.values() for k in m.source.split(";")] + [
        k for cell in basis.values() for k in cell.split(";") if k
    ]
    table = sources_table(keys, notes)
    assert list(table["Key"]) == list(dict.fromkeys(keys))
    assert not table["Kind"].eq("not in SOURCES.md").any()
    assert caps_basis("member_id,name\nGBR,x\n") == {}


def test_scenario_caption_and_frontier_measures(run):
    instance, pset, _ = run
    odd = dataclasses.replace(instance, scenario=dataclasses.replace(instance.scenario, name="*x*"))
    caption = scenario_caption(odd, pset)
    assert caption.startswith(r"Scenario **\*x\*** · budget EUR 1.5 bn a year")
    assert f" · {instance.scenario.cost_basis} costs · " in caption  # the basis beside the budget
    assert caption.endswith(f"{len(pset.packages)} packages")
    assert "annual_cost_eur_bn" not in frontier_measures()
    assert len(frontier_measures()) == len(CRITERIA) - 1


def test_snapshot_tables(run):
    instance, pset, analysis = run
    first = Snapshot.of(Context(instance, pset, analysis))
    moved = dataclasses.replace(
        instance, scenario=dataclasses.replace(instance.scenario, budget_eur_bn=2.0)
    )
    second = Snapshot.of(Context(moved, pset, None))
    diff = settings_diff_table("A", first, "B", second, instance.data)
    assert diff.to_dict("records") == [
        {"Setting": "Annual budget", "A": "EUR 1.50 bn a year", "B": "EUR 2.00 bn a year"}
    ]
    assert list(settings_diff_table("A", first, "A", first).columns) == [
        "Setting",
        "A (1)",
        "A (2)",
    ]
    results = snapshot_results([("A", first), ("A", first), ("B", second)])
    assert list(results["Snapshot"]) == ["A", "A", "B"]
    assert results["Top package"].iloc[0] == pset.get(analysis.top).label
    assert pd.isna(results["Top package"].iloc[2])
    assert snapshot_deltas("A", first, "B", second) is None  # B ranks nothing
    cheaper = dataclasses.replace(
        instance, scenario=dataclasses.replace(instance.scenario, budget_eur_bn=0.5)
    )
    third = Snapshot.of(Context(cheaper, pset, analysis))
    deltas = snapshot_deltas("A", first, "C", third)
    assert list(deltas.columns) == ["Criterion", "A: top", "C: top", "Difference", "Better"]
    assert deltas["Better"].eq("same").all()  # the same package on top


def test_trade_off_charts_give_each_axis_one_unit_and_a_name(run):
    instance, pset, _ = run
    measures = marginal_measures(instance, pset)
    assert measures  # monitoring_only's frontiers have marginal costs
    kinds = instance.data.archetypes
    for measure, unit in measures.items():
        fig = marginal_cost_chart(instance, pset, measure)
        assert fig.layout.yaxis.title.text == f"EUR m a year per extra {unit}"
        assert fig.layout.xaxis.title.text == "Annual cost of the package (EUR bn a year)"
        names = {t.name for t in fig.data}
        assert names == {a.name for a in kinds.values() if a.primary.value == measure} & names
        assert names and all(a.primary.value == measure for a in kinds.values() if a.name in names)
    parallel = parallel_chart(instance, pset)
    assert parallel.layout.title.text is None  # the page titles it: no title over the axes' names
    dims = parallel.data[0].dimensions
    assert [d.label.replace("<br>", " ") for d in dims] == [c.header for c in CRITERIA]
    assert parallel.layout.margin.t >= 90


def test_the_recommendation_says_how_likely_its_requirements_hold(run):
    """Pledges with their chance: the Overview's and the briefing's words give the chance for
    the package they recommend, and the Packages page's tables give it for every package."""
    instance, pset, analysis = run
    top = pset.get(analysis.top)
    line = pledge_line(instance, top)
    assert line in describe_top(instance, pset, analysis)
    assert f"**{format_chance(top.pledges.p_requirements_hold)}**" in line
    assert instance.data.archetypes[top.archetype].name in line
    assert f"of {top.troops_deployed:,}" in line
    table = packages_table(instance, pset).set_index("Id")
    hold = table["Requirements hold (%)"]
    for p in pset.packages:
        assert hold[p.package_id] == pytest.approx(100 * p.pledges.p_requirements_hold)
    members = member_table(instance, top)
    assert members["Chance it comes (%)"].between(0, 100).all()
