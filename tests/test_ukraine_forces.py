"""Ukraine's own forces as an option (data/MODEL.md, "Ukraine's own forces"): funded Ukrainian
brigades compete with foreign units for the same money, count in denial and never as a flag
or as coalition troops exposed; any member with money can pay for them, whatever it refuses to
send; the steel porcupine's packages report the split of their cost.

The small instances are solved exactly and every package is checked by the independent
checker; the hand-computed optima are in each test's docstring.
"""

from __future__ import annotations

import dataclasses

import pytest

from mcdm.criteria import deterrence_components, score_allocation
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.io.load import load_instance, load_scenario
from mcdm.milp import build_model, solve_lexicographic
from mcdm.model import Archetype, Category, FrontierSettings, Measure
from mcdm.packages import generate_packages
from mcdm.results import Allocation, SolveStatus
from mcdm.tables import packages_frame
from tests.checker import check_allocation, primary_value
from tests.conftest import DATA

A = Allocation
#: A threat so large that every mix below stays on the denial function's first segment
#: (15 points at 2%): denial is then linear in combat power, 15 / 20,000 points a unit.
THREAT = 1_000_000.0
SLOPE = 15.0 / (0.02 * THREAT)


@pytest.fixture(scope="module")
def default(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    return instantiate(scenario, dataset)


def brigade(cost: float = 400.0, combat_power: float = 2000.0):
    """A Ukrainian brigade-year: money, no coalition troops, combat power in Ukraine."""
    return element(
        "ua_bde",
        Category.UKRAINE_FORCES,
        troops=0,
        cost=cost,
        combat_power=combat_power,
        armed_troops=0,
        escalation=0.2,
    )


def battalion():
    """A foreign battalion: 800 troops, EUR 200m, combat power 1,200 (6 a EUR m, above the
    brigade's 5), no armed-company credit so that only denial decides."""
    return element(
        "bn", Category.GROUND_COMBAT, troops=800, cost=200.0, combat_power=1200.0, armed_troops=0
    )


def competing(cap: int | None):
    """Member A can send battalions (up to ``cap`` troops deployed) and pay for brigades, from
    EUR 1,000m; budget EUR 1 bn."""
    return tiny_instance(
        [member("A", pool=100_000, cap=cap, money=1000.0)],
        [battalion(), brigade()],
        {("A", "bn"): 10},  # the brigade's pair comes from the money cap (A-AVAIL-UA)
        budget_eur_bn=1.0,
        threat_troops=THREAT,
    )


def solve(inst, archetype: str = "test"):
    sol = solve_lexicographic(build_model(inst, archetype), inst.scenario.solver)
    assert sol.status is SolveStatus.OPTIMAL
    assert check_allocation(inst, archetype, sol.allocation) == []
    assert sol.objective == pytest.approx(primary_value(inst, archetype, sol.allocation))
    return sol


def units(sol) -> dict[str, int]:
    return {a.element_id: a.units for a in sol.allocation if a.units}


def test_with_foreign_troops_capped_the_money_goes_to_ukraines_brigades():
    """A may deploy 800 troops: one battalion (EUR 200m, 1,200 combat power) and, with the
    other EUR 800m, two Ukrainian brigades (4,000): 5,200 in all, against 4,000 for brigades
    alone; the foreign battalion is the better buy but only one fits."""
    sol = solve(competing(cap=800))
    assert units(sol) == {"bn": 1, "ua_bde": 2}
    assert sol.objective == pytest.approx(5200 * SLOPE)


def test_with_foreign_troops_free_the_better_buy_wins_and_no_brigade_is_funded():
    """Without the troop cap the same EUR 1 bn buys five battalions (6,000) rather than one and
    two brigades (5,200) or three and one (5,600): the reverse ordering, where foreign units
    give more denial a euro."""
    sol = solve(competing(cap=None))
    assert units(sol) == {"bn": 5}
    assert sol.objective == pytest.approx(6000 * SLOPE)


def test_the_brigade_wins_when_it_is_the_cheaper_way_to_denial():
    """At EUR 200m a brigade-year (10 combat power a EUR m against the battalion's 6), five
    brigades (10,000) beat any mix with battalions, within the member's money cap."""
    inst = tiny_instance(
        [member("A", pool=100_000, money=1000.0)],
        [battalion(), brigade(cost=200.0)],
        {("A", "bn"): 10},
        budget_eur_bn=1.0,
        threat_troops=THREAT,
    )
    assert units(solve(inst)) == {"ua_bde": 5}


def test_funding_obeys_each_members_money_cap():
    """A has EUR 500m, B EUR 300m: A funds at most one brigade of EUR 400m and B none (its pair
    does not exist: its cap pays for no whole brigade), whatever the budget."""
    inst = tiny_instance(
        [member("A", money=500.0), member("B", money=300.0)],
        [brigade()],
        {},
        budget_eur_bn=5.0,
        threat_troops=THREAT,
    )
    assert inst.data.availability == {("A", "ua_bde"): 1}
    assert units(solve(inst)) == {"ua_bde": 1}


def test_a_row_in_availability_bars_or_limits_funding():
    """A stated pair (0 to bar it) takes precedence over the money cap's count."""
    inst = tiny_instance(
        [member("A", money=5000.0), member("B", money=5000.0)],
        [brigade()],
        {("A", "ua_bde"): 0, ("B", "ua_bde"): 2},
        budget_eur_bn=5.0,
        threat_troops=THREAT,
    )
    assert inst.data.availability == {("B", "ua_bde"): 2}


def test_money_for_ukraine_crosses_refusals_but_a_payer_is_no_nation():
    """B refuses troops in Ukraine yet may pay for a brigade; an archetype that needs 2 nations
    is met only when B also sends a unit of its own (an observer team), never by paying."""
    obs = element("obs", Category.OBSERVER, troops=20, cost=3.0, early_warning_km=20.0)
    need_two = Archetype("test", "Test package", "", Measure.DETERRENCE, min_nations=2)
    members = [member("A", money=1000.0), member("B", money=1000.0, ground=False, outside=True)]
    bn = battalion()
    paying = tiny_instance(members, [bn, brigade()], {("A", "bn"): 1}, need_two, budget_eur_bn=2.0)
    assert ("B", "ua_bde") in build_model(paying, "test").pairs
    assert solve_lexicographic(build_model(paying, "test"), paying.scenario.solver).status is (
        SolveStatus.INFEASIBLE
    )
    flag = tiny_instance(
        [members[0], dataclasses.replace(members[1], ground_in_ukraine=True)],
        [bn, brigade(), obs],
        {("A", "bn"): 1, ("B", "obs"): 1},
        need_two,
        budget_eur_bn=2.0,
        threat_troops=THREAT,
    )
    sol = solve(flag)
    assert {(a.member_id, a.element_id) for a in sol.allocation if a.units} >= {("B", "obs")}
    assert score_allocation(flag, sol.allocation)["nations"] == 2


def test_ukrainian_units_never_make_a_tripwire_or_expose_coalition_troops(default):
    """Ten Ukrainian brigades and four air-defence units paid by five members: denial from
    20,000 combat power (2.86% of 700,000: 15 + 15 x 0.86 / 3 = 19.3 points), no tripwire, no
    coalition troops in Ukraine, no nation, 20k km2 of air cover and escalation 0.2 a brigade
    and 0.1 a fire unit."""
    alloc = [A(mid, "ua_mech_brigade", 2) for mid in ("GBR", "FRA", "DEU", "POL", "ITA")] + [
        A("NLD", "ua_air_defence", 4)
    ]
    parts = deterrence_components(default, alloc)
    assert parts["tripwire"] == 0.0
    assert parts["denial"] == pytest.approx(15 + 15 * (20_000 / 700_000 - 0.02) / 0.03)
    scores = score_allocation(default, alloc)
    assert scores["troops_exposed"] == 0.0
    assert scores["nations"] == 0.0
    assert scores["air_defence_k_km2"] == pytest.approx(20.0)
    esc = default.backstop.escalation_multiplier * (10 * 0.2 + 4 * 0.1)
    assert scores["escalation_risk"] == pytest.approx(esc)


def test_no_member_is_barred_by_what_it_refuses_to_send(default):
    """Germany refuses troops in Ukraine, France serves far from the front, the UK sends no
    combat units: each may still pay for Ukrainian brigades at the line of contact, as many as
    its money cap pays; the US, under its backstop option, may not."""
    model = build_model(default, "steel_porcupine")
    for mid in ("DEU", "FRA", "GBR"):
        assert (mid, "ua_mech_brigade") in model.pairs, mid
        cap = default.data.members[mid].max_contribution_eur_m
        assert default.data.availability[(mid, "ua_mech_brigade")] == int(cap // 400)
    assert ("USA", "ua_mech_brigade") not in model.pairs
    assert not any(
        default.data.elements[e].category is Category.UKRAINE_FORCES
        for _, e in build_model(default, "reassurance").pairs
    )


@pytest.fixture(scope="module")
def porcupine(dataset):
    """The default scenario's steel porcupine and reassurance frontiers (three levels)."""
    base = load_instance(DATA / "scenarios" / "default.toml")
    scenario = dataclasses.replace(
        base.scenario,
        archetypes=("steel_porcupine", "reassurance"),
        frontier=FrontierSettings(levels=3, alternatives=0),
    )
    inst = instantiate(scenario, dataset)
    return inst, generate_packages(inst, prices=False)


def test_steel_porcupine_packages_pass_the_checker_and_report_their_split(porcupine):
    inst, pset = porcupine
    table = packages_frame(inst, pset).set_index("package_id")
    els = inst.data.elements
    for p in pset.packages:
        assert check_allocation(inst, p.archetype, p.allocation, p.budget_level_eur_bn) == []
        spent = sum(
            a.units * els[a.element_id].cost_eur_m
            for a in p.allocation
            if els[a.element_id].category is Category.UKRAINE_FORCES
        )
        row = table.loc[p.package_id]
        assert row["ukraine_forces_cost_eur_bn"] == pytest.approx(spent / 1000, abs=1e-6)
        assert row["ukraine_forces_share"] == pytest.approx(
            spent / 1000 / row["annual_cost_eur_bn"], abs=1e-6
        )
        if p.archetype == "reassurance":
            assert spent == 0
        else:
            units_ua = sum(
                a.units
                for a in p.allocation
                if els[a.element_id].category is Category.UKRAINE_FORCES
            )
            assert units_ua >= 6
