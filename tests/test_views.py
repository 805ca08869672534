"""The tables and lines the app's pages show (mcdm.views), on the small monitoring scenario."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA
from mcdm.io.load import load_instance
from mcdm.pipeline import analyse_packages, optimise_scenario
from mcdm.results import PackageKind
from mcdm.session import Context, Snapshot, consensus_by_package
from mcdm.views import (
    allocation_matrix,
    archetype_table,
    caps_table,
    confidence_table,
    dataset_tables,
    frontier_measures,
    left_out_lines,
    member_table,
    method_notes,
    packages_table,
    price_lines,
    scenario_caption,
    settings_diff_table,
    side_by_side,
    smaa_caption,
    snapshot_results,
    snapshot_tops,
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
        assert row["Best at the budget"] == frontier[-1].package_id
        assert frontier[-1].annual_cost_eur_bn <= instance.scenario.budget_eur_bn + 1e-9


def test_packages_table_sorts_by_consensus_rank(run):
    instance, pset, analysis = run
    plain = packages_table(instance, pset)
    assert list(plain["Package"]) == [p.package_id for p in pset.packages]
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


def test_side_by_side_says_which_package_is_better_on_each_criterion(run):
    _, pset, _ = run
    a, b = pset.packages[0], pset.packages[-1]
    table = side_by_side(a, b).set_index("criterion")
    for c in CRITERIA:
        d = (a.criteria[c.criterion_id] - b.criteria[c.criterion_id]) * c.direction.sign
        expected = a.package_id if d > 0 else b.package_id if d < 0 else "same"
        assert table.loc[c.header, "better"] == expected
    cost = next(c.header for c in CRITERIA if c.criterion_id == "annual_cost_eur_bn")
    cheaper = min((a, b), key=lambda p: p.annual_cost_eur_bn)
    if a.annual_cost_eur_bn != b.annual_cost_eur_bn:
        assert table.loc[cost, "better"] == cheaper.package_id
    assert side_by_side(a, a)["better"].eq("same").all()


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
    general, shifted = method_notes(analysis)
    assert shifted and all("shifted by" in m for m in shifted)
    assert sorted(general + shifted) == sorted(analysis.messages)
    caption = weights_caption(analysis.ranking)
    assert caption.startswith(f"Consensus: borda over {len(analysis.ranking.results)} methods.")


def test_confidence_table_lists_the_packages_that_come_first_in_some_draws(run):
    _, _, analysis = run
    table = confidence_table(analysis.smaa)
    assert list(table.columns) == ["First in (share of draws)", "Confidence factor"]
    first = table["First in (share of draws)"]
    assert (first > 0).all() and list(first) == sorted(first, reverse=True)
    assert first.sum() == pytest.approx(1.0)
    assert smaa_caption(analysis.smaa).startswith(
        f"SMAA-2 with {analysis.smaa.draws:,} draws of weights uniform over every weighting"
    )


def test_dataset_tables(run):
    instance, _, _ = run
    data = instance.data
    tables = dataset_tables(data)
    assert list(tables) == ["Members", "Elements", "Availability", "Kinds of package"]
    assert list(tables["Members"]["member_id"]) == list(data.members)
    avail = tables["Availability"]
    for (m, e), n in data.availability.items():
        assert avail.loc[m, e] == n


def test_scenario_caption_and_frontier_measures(run):
    instance, pset, _ = run
    odd = dataclasses.replace(instance, scenario=dataclasses.replace(instance.scenario, name="*x*"))
    caption = scenario_caption(odd, pset)
    assert caption.startswith(r"Scenario **\*x\*** · budget EUR 1.5 bn a year")
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
    diff = settings_diff_table("A", first, "B", second)
    assert diff.to_dict("records") == [{"setting": "budget_eur_bn", "A": "1.5", "B": "2.0"}]
    results = snapshot_results([("A", first), ("A", first), ("B", second)])
    assert list(results["snapshot"]) == ["A", "A", "B"]
    assert results["top package"].iloc[0] == analysis.top
    assert pd.isna(results["top package"].iloc[2])
    tops = snapshot_tops([("A", first), ("B", second)])
    assert list(tops.columns) == [f"A: {analysis.top}"]
    assert tops[f"A: {analysis.top}"].to_dict() == dict(pset.get(analysis.top).criteria)
    assert snapshot_tops([("B", second)]) is None
