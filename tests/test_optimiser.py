"""The optimiser: packages respect every constraint, are optimal, and fail with explanations."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.milp import build_model, map_status, min_cost, solve_lexicographic
from mcdm.model import (
    Archetype,
    BurdenSharing,
    Category,
    GroupRule,
    LeadNations,
    Location,
    Measure,
    RestrictionSettings,
    USBackstop,
)
from mcdm.packages import PackageKind, generate_packages
from mcdm.results import Allocation, Shortfall, SolveStatus
from tests.checker import (
    check_allocation,
    cost_eur_m,
    deterrence_parts,
    primary_value,
    warning_parts,
    warning_pct,
)
from tests.conftest import DATA

# --- brute force on tiny instances -------------------------------------------------------------


def brute_force(instance, aid="test", budget_eur_bn=None):
    """Best primary measure, then least cost, by enumerating every allocation."""
    pairs = sorted(instance.data.availability)
    ranges = [range(instance.data.availability[p] + 1) for p in pairs]
    best = None
    for combo in itertools.product(*ranges):
        alloc = [Allocation(m, e, n) for (m, e), n in zip(pairs, combo, strict=True) if n]
        if check_allocation(instance, aid, alloc, budget_eur_bn):
            continue
        key = (
            round(primary_value(instance, aid, alloc), 6),
            -round(cost_eur_m(instance, alloc), 6),
        )
        if best is None or key > best[0]:
            best = (key, alloc)
    return best


def solve(instance, aid="test"):
    return solve_lexicographic(build_model(instance, aid), instance.scenario.solver)


def test_tiny_instance_matches_brute_force():
    """Hand-checkable: with EUR 100m, A+B can afford 10 infantry units (3 each, cap 3 per
    pair) -> 6 inf (EUR 60m, 18 points) + the best use of EUR 40m among observers (0.5 for 3)
    and satellites (0.2 for 4): 6 obs (EUR 18m, 3 points) + 5 sat? only 3+3 allowed... the
    brute force settles it; the solver must agree on both measure and cost."""
    inst = tiny_instance()
    sol = solve(inst)
    (score, neg_cost), _ = brute_force(inst)
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.objective == pytest.approx(score)
    assert sol.cost_eur_m == pytest.approx(-neg_cost)
    assert check_allocation(inst, "test", sol.allocation) == []


@st.composite
def tiny_instances(draw):
    n_members = draw(st.integers(2, 3))
    n_elements = draw(st.integers(2, 3))
    cats = [Category.GROUND_COMBAT, Category.LIGHT_INFANTRY, Category.OBSERVER, Category.ISR]
    locs = list(Location)
    members = [
        member(
            f"M{i}",
            gdp=draw(st.sampled_from([100.0, 400.0, 900.0])),
            pool=draw(st.sampled_from([0, 400, 800, 2000])),
            money=draw(st.sampled_from([0.0, 15.0, 40.0, 100.0])),
            ground=draw(st.booleans()),
            outside=draw(st.booleans()),
            nato=draw(st.booleans()),
            nuclear=draw(st.booleans()),
        )
        for i in range(n_members)
    ]
    elements = [
        element(
            f"E{j}",
            draw(st.sampled_from(cats)),
            location=draw(st.sampled_from(locs)),
            troops=draw(st.sampled_from([0, 50, 100, 150])),
            cost=draw(st.sampled_from([2.0, 5.0, 7.5, 12.0])),
            deterrence=draw(st.sampled_from([0.0, 0.5, 1.0, 3.0])),
            early_warning_km=draw(st.sampled_from([0.0, 10.0, 25.0])),
            warning_depth_km=draw(st.sampled_from([0.0, 5.0, 30.0, 40.0])),
        )
        for j in range(n_elements)
    ]
    availability = {
        (m.member_id, e.element_id): draw(st.integers(0, 2)) for m in members for e in elements
    }
    primary = draw(st.sampled_from([Measure.DETERRENCE, Measure.EARLY_WARNING_KM]))
    archetype = Archetype(
        archetype_id="test",
        name="Test",
        description="",
        primary=primary,
        troops_min=draw(st.sampled_from([0, 100])),
        troops_max=draw(st.sampled_from([None, 300])),
        min_nations=draw(st.integers(0, 2)),
        min_nations_in_ukraine=draw(st.integers(0, 1)),
        min_coverage=draw(st.sampled_from([0.0, 0.2])),
        required={Category.GROUND_COMBAT: draw(st.integers(0, 1))},
        enablers={},
    )
    extra = {}
    if draw(st.booleans()):
        extra["lead_nations"] = LeadNations(members=("M0",), min_troop_share=0.3)
    if draw(st.booleans()):
        extra["burden_sharing"] = BurdenSharing(band=draw(st.sampled_from([0.3, 0.9])), exclude=())
    if draw(st.booleans()):
        extra["rules"] = (
            GroupRule(
                name="r",
                sense=draw(st.sampled_from([">=", "<="])),
                value=1,
                measure=draw(st.sampled_from(["units", "nations"])),
                members=("M1",),
            ),
        )
    return tiny_instance(
        members,
        elements,
        availability,
        archetype,
        budget_eur_bn=draw(st.sampled_from([0.02, 0.05])),
        line_length_km=100.0,
        nation_bonus=draw(st.sampled_from([0.0, 2.0])),
        **extra,
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_random_tiny_instances_match_brute_force(inst):
    """Optimality against enumeration of every allocation, on random 2-3 x 2-3 instances."""
    found = brute_force(inst)
    sol = solve(inst)
    if found is None:
        assert sol.status is SolveStatus.INFEASIBLE
        return
    (score, neg_cost), _ = found
    assert sol.status is SolveStatus.OPTIMAL
    assert check_allocation(inst, "test", sol.allocation) == []
    assert primary_value(inst, "test", sol.allocation) == pytest.approx(score, abs=1e-6)
    assert sol.objective == pytest.approx(score, abs=1e-6)
    assert sol.cost_eur_m == pytest.approx(-neg_cost, abs=1e-6)


# --- the default dataset -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_run(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    scenario = replace(scenario, frontier=replace(scenario.frontier, levels=4, alternatives=1))
    instance = instantiate(scenario, dataset)
    return instance, generate_packages(instance, prices=False, jobs=2)


def test_every_default_package_passes_the_independent_checker(default_run):
    instance, pset = default_run
    assert len(pset.packages) >= 6 * 2
    for p in pset.packages:
        assert p.status.has_solution
        assert check_allocation(instance, p.archetype, p.allocation, p.budget_level_eur_bn) == [], (
            p.package_id
        )
        assert p.objective == pytest.approx(
            primary_value(instance, p.archetype, p.allocation), rel=1e-6
        )
        # each part of deterrence, recomputed from the units apart from mcdm.criteria
        parts = deterrence_parts(instance, p.allocation)
        assert dict(p.deterrence_parts) == pytest.approx(parts, abs=1e-9), p.package_id
        assert p.criteria["deterrence"] == pytest.approx(sum(parts.values()), abs=1e-9)
        # early warning's parts and total, recomputed the same way
        warning = warning_parts(instance, p.allocation)
        assert dict(p.warning_parts) == pytest.approx(warning, abs=1e-9), p.package_id
        assert p.criteria["early_warning_pct"] == pytest.approx(
            warning_pct(instance, p.allocation), abs=1e-9
        )


def test_frontier_is_monotone_and_alternatives_differ(default_run):
    instance, pset = default_run
    gap = instance.scenario.solver.mip_gap  # the frontier's best is proven within this gap
    for aid in {p.archetype for p in pset.packages}:
        frontier = [
            p for p in pset.packages if p.archetype == aid and p.kind is PackageKind.FRONTIER
        ]
        levels = [p.budget_level_eur_bn for p in frontier]
        assert levels == sorted(levels)
        values = [p.objective for p in frontier]
        assert values == sorted(values), aid
        costs = [p.annual_cost_eur_bn for p in frontier]
        assert all(c <= lvl + 1e-6 for c, lvl in zip(costs, levels, strict=True))
        top = frontier[-1]
        for alt in (
            p for p in pset.packages if p.archetype == aid and p.kind is PackageKind.ALTERNATIVE
        ):
            a = {(x.member_id, x.element_id) for x in alt.allocation}
            b = {(x.member_id, x.element_id) for x in top.allocation}
            assert len(a ^ b) >= 2
            # an alternative (a different mix) may find up to the documented gap more
            assert alt.objective <= top.objective * (1 + gap) + 1e-9


def test_two_runs_give_the_same_packages(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    inst = instantiate(scenario, dataset)
    one = generate_packages(inst, prices=False)
    two = generate_packages(inst, prices=False, jobs=2)
    assert [p.allocation for p in one.packages] == [p.allocation for p in two.packages]


# --- monotonicity ------------------------------------------------------------------------------


@pytest.mark.parametrize("aid", ["tripwire", "observer", "air_shield"])
def test_larger_budget_never_worse(dataset, aid):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    scenario = replace(
        scenario,
        archetypes=(aid,),
        solver=replace(scenario.solver, mip_gap=0.0),
    )
    values = []
    for budget in (0.3, 0.6, 1.2, 2.4):
        inst = instantiate(replace(scenario, budget_eur_bn=budget), dataset)
        sol = solve(inst, aid)
        values.append(sol.objective if sol.status.has_solution else float("-inf"))
    # (the same optimum at two budgets may differ in the last bits of its sum)
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values)), values


@pytest.mark.parametrize("removed", ["GBR", "FRA", "DEU", "USA"])
def test_removing_a_member_never_improves(dataset, removed):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    scenario = replace(
        scenario,
        budget_eur_bn=1.0,
        archetypes=("tripwire",),
        solver=replace(scenario.solver, mip_gap=0.0),
    )
    full = solve(instantiate(scenario, dataset), "tripwire")
    fewer = tuple(m for m in dataset.members if m != removed)
    less = solve(instantiate(replace(scenario, members=fewer), dataset), "tripwire")
    assert less.objective <= full.objective + 1e-9


def test_us_backstop_governs_what_the_us_sends(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    for option in USBackstop:
        inst = instantiate(
            replace(scenario, us_backstop=option, archetypes=("technical_monitoring",)), dataset
        )
        sol = solve(inst, "technical_monitoring")
        us_units = [a for a in sol.allocation if a.member_id == "USA"]
        assert check_allocation(inst, "technical_monitoring", sol.allocation) == []
        if option is USBackstop.NONE:
            assert us_units == []


def test_status_mapping():
    import pulp

    assert map_status(pulp.LpStatusOptimal, pulp.LpSolutionOptimal) is SolveStatus.OPTIMAL
    assert map_status(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible) is SolveStatus.FEASIBLE
    assert map_status(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible) is SolveStatus.INFEASIBLE
    assert map_status(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound) is SolveStatus.ERROR


def test_cbc_gives_the_same_optimum_as_highs():
    inst = tiny_instance()
    highs = solve(inst)
    cbc = solve_lexicographic(build_model(inst, "test"), replace(inst.scenario.solver, name="cbc"))
    assert cbc.status is SolveStatus.OPTIMAL
    assert cbc.objective == pytest.approx(highs.objective)
    assert cbc.cost_eur_m == pytest.approx(highs.cost_eur_m)


# --- infeasibility explained -------------------------------------------------------------------


def outcome_of(instance, aid):
    pset = generate_packages(instance, prices=False)
    return next(o for o in pset.outcomes if o.archetype == aid)


def test_too_few_nations_willing_to_station_troops(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("tripwire",),
            archetype_overrides={"tripwire": {"min_nations_in_ukraine": 40, "min_nations": 0}},
        ),
        dataset,
    )
    o = outcome_of(inst, "tripwire")
    assert o.status is SolveStatus.INFEASIBLE
    (sf,) = [s for s in o.shortfalls if s.requirement == "min_nations_in_ukraine"]
    willing = sum(1 for m in dataset.members.values() if m.ground_in_ukraine)
    assert "Tripwire force needs at least 40 nations with troops in Ukraine; only" in sf.message
    assert "members are willing to station troops in Ukraine" in sf.message
    assert sf.achieved <= willing


def test_budget_too_small_says_what_it_would_take(dataset):
    # (the IISS medium option, used here before, is now beyond the members' stated offers in
    # Ukraine whatever the budget: the default's 10,000-strong force is short of money only)
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(replace(scenario, budget_eur_bn=1.0, archetypes=("reassurance",)), dataset)
    o = outcome_of(inst, "reassurance")
    assert o.status is SolveStatus.INFEASIBLE
    (sf,) = [s for s in o.shortfalls if s.requirement == "budget"]
    assert isinstance(sf, Shortfall)
    assert sf.message.startswith("needs EUR ") and "the budget is EUR 1.00 bn" in sf.message
    # required: what the cheapest package costs; achieved: the budget there is
    assert sf.required > 1.0 and sf.achieved == pytest.approx(1.0)


def test_troops_beyond_every_cap(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            budget_eur_bn=100.0,
            archetypes=("reassurance",),
            archetype_overrides={"reassurance": {"troops_min": 90000}},
        ),
        dataset,
    )
    o = outcome_of(inst, "reassurance")
    (sf,) = [s for s in o.shortfalls if s.requirement == "troops_min"]
    assert "needs at least 90,000 troops in Ukraine; at best" in sf.message
    assert sf.achieved < 90000


def test_missing_capability(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "no_us_backstop.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("air_shield",),
            archetype_overrides={"air_shield": {"required": {"air": 40, "hq": 1}}},
        ),
        dataset,
    )
    o = outcome_of(inst, "air_shield")
    (sf,) = [s for s in o.shortfalls if s.requirement == "required.air"]
    assert "needs at least 40 air units; members willing and able field at most" in sf.message


def test_rule_that_cannot_be_met(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    rule = GroupRule(
        name="Italy sends a battalion",
        sense=">=",
        value=1,
        members=("ITA",),
        elements=("mech_battalion",),
    )
    inst = instantiate(replace(scenario, archetypes=("reassurance",), rules=(rule,)), dataset)
    o = outcome_of(inst, "reassurance")
    (sf,) = [s for s in o.shortfalls if s.requirement == "rule.0"]
    assert "rule 'Italy sends a battalion' (units >= 1)" in sf.message


def test_infeasible_archetype_does_not_stop_the_others(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("tripwire", "observer"),
            frontier=replace(scenario.frontier, levels=2, alternatives=0),
            archetype_overrides={"tripwire": {"min_nations_in_ukraine": 40}},
        ),
        dataset,
    )
    pset = generate_packages(inst, prices=False)
    assert {o.archetype: o.status.has_solution for o in pset.outcomes} == {
        "tripwire": False,
        "observer": True,
    }
    assert pset.packages and all(p.archetype == "observer" for p in pset.packages)


# --- calibration -------------------------------------------------------------------------------


@pytest.mark.parametrize("troops", [10_000, 25_000])
def test_reassurance_cost_per_soldier_within_published_range(dataset, troops):
    """IISS-2025-04: small option ~10,000, medium ~25,000. Cost per soldier-year must lie
    between the German brigade in Lithuania (EUR 25-30m a month for ~4,800: about EUR 62k,
    DEU-BDE-LTU) and a US armoured brigade rotation ($1.14bn per 9-month rotation of
    3,300-4,000: about EUR 425k, ABCT-2024), as shared/research/domain_facts.md s5a reports.
    Both ends of the frontier are checked: the cheapest package of that size and the most
    deterrent one a EUR 15 bn budget buys (data/MODEL.md, "Calibration", gives the figures)."""
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    # 25,000 is beyond the members' firm offers (at most about 15,000 in Ukraine, see
    # test_troops_beyond_every_cap): the medium size counts every troop and takes Turkiye's
    # conditional offer (both parties agree)
    medium = troops > 10_000
    window = {"troops_min": int(troops * 0.95), "troops_max": int(troops * 1.05)}
    inst = instantiate(
        replace(
            scenario,
            budget_eur_bn=15.0,
            archetypes=("reassurance",),
            archetype_overrides={
                "reassurance": {**window, "troops_counted": "all" if medium else "in_ukraine"}
            },
            restrictions=RestrictionSettings(conditional="lift" if medium else "hold"),
        ),
        dataset,
    )
    res = min_cost(build_model(inst, "reassurance"), inst.scenario.solver)
    status, cheapest_cost, cheapest = res.status, res.objective, res.allocation
    best = solve(inst, "reassurance")
    assert status.has_solution and best.status.has_solution
    for cost, alloc in ((cheapest_cost, cheapest), (best.cost_eur_m, best.allocation)):
        people = sum(a.units * dataset.elements[a.element_id].troops_per_unit for a in alloc)
        assert 62 <= cost * 1000.0 / people <= 425
        assert check_allocation(inst, "reassurance", alloc) == []


def test_observer_mission_of_800_costs_like_the_osce_smm(dataset):
    """OSCE SMM 2017-18: EUR 105.5m a year for up to 800 monitors (OSCE-SMM-2017). The
    cheapest observer mission of about 800 monitors in the model must cost the same order:
    EUR 50-200m (the SMM's budget also bought drones and cameras)."""
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("observer",),
            archetype_overrides={
                "observer": {
                    "required": {"observer": 16},
                    "troops_min": 780,
                    "troops_max": 850,
                    "min_coverage": 0.0,
                }
            },
        ),
        dataset,
    )
    res = min_cost(build_model(inst, "observer"), inst.scenario.solver)
    status, cost, alloc = res.status, res.objective, res.allocation
    assert status.has_solution
    assert check_allocation(inst, "observer", alloc) == []
    assert 50 <= cost <= 200


def test_coverage_that_cannot_be_reached(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("technical_monitoring",),
            budget_eur_bn=0.05,
            line_length_km=5000.0,
        ),
        dataset,
    )
    o = outcome_of(inst, "technical_monitoring")
    assert o.status is SolveStatus.INFEASIBLE
    messages = " ".join(s.message for s in o.shortfalls)
    assert (
        "Technical monitoring needs 80% of the 5,000 km line watched" in messages
        or "needs EUR" in messages
    )


def test_too_few_contributing_nations(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("air_shield",),
            members=("GBR", "FRA", "USA"),
            archetype_overrides={"air_shield": {"min_nations": 5}},
        ),
        dataset,
    )
    o = outcome_of(inst, "air_shield")
    (sf,) = [s for s in o.shortfalls if s.requirement == "min_nations"]
    assert sf.message == (
        "Air shield needs at least 5 contributing nations; only 3 members are "
        "willing and able to send units this package allows"
    )


def test_enabler_ratio_that_cannot_be_met(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("reassurance",),
            archetype_overrides={"reassurance": {"enablers": {"medical": 5.0}}},
        ),
        dataset,
    )
    o = outcome_of(inst, "reassurance")
    assert o.status is SolveStatus.INFEASIBLE
    # A ratio can always be met by fielding fewer combat troops: the shortfall is the combat
    # units, and the explanation names the ratio that holds them down.
    (sf,) = o.shortfalls
    assert sf.requirement == "required.ground_combat"
    assert sf.message.startswith(
        "Reassurance force needs at least 4 ground combat units; possible on its own, but at most "
    )
    assert sf.message.endswith("together with: 5 medical units per 1,000 combat troops")
    assert sf.achieved < 4


def test_lead_nation_share_that_cannot_be_met(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "paris_2026.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=("tripwire",),
            burden_sharing=None,
            lead_nations=replace(scenario.lead_nations, members=("EST",), min_troop_share=0.9),
        ),
        dataset,
    )
    o = outcome_of(inst, "tripwire")
    (sf,) = [s for s in o.shortfalls if s.requirement == "lead_nations"]
    assert sf.message.startswith("lead nations (EST) field at least 90% of the troops: short by")


def test_money_cap_bound_keeps_every_unit_that_fits():
    """0.3 // 0.1 is 2.0 in floating point although three units of 0.1 fit in 0.3."""
    inst = tiny_instance(
        [member("A", money=0.3, pool=4000)],
        [element("cheap", troops=1, cost=0.1, deterrence=1.0)],
        {("A", "cheap"): 5},
        budget_eur_bn=1.0,
    )
    sol = solve(inst)
    assert sum(a.units for a in sol.allocation) == 3  # all three units that fit in 0.3
    assert sol.objective == pytest.approx(primary_value(inst, "test", sol.allocation))
    assert check_allocation(inst, "test", sol.allocation) == []


def test_a_unit_in_ukraine_without_troops_is_no_presence():
    """The optimiser's tripwire and the deterrence criterion agree: a staff-less sensor
    segment in Ukraine does not make its member present there, and earns no flag (it has no
    armed troops) and no denial (no combat power)."""
    from mcdm.criteria import score_allocation

    inst = tiny_instance(
        [member("A")],
        [element("sensor", Category.SENSORS, troops=0, cost=1.0, deterrence=0.1)],
        {("A", "sensor"): 1},
        nation_bonus=2.0,
        budget_eur_bn=1.0,
    )
    sol = solve(inst)
    assert sol.objective == 0.0  # a flag would be 2 points
    assert score_allocation(inst, sol.allocation)["deterrence"] == pytest.approx(sol.objective)


def test_band_does_not_distort_the_diagnosis():
    """With one contributor the burden-sharing band always holds; it must not change why a
    package is impossible (here: money alone)."""
    members = [member("A", money=100.0, pool=40000)]
    elements = [element("inf", troops=100, cost=10.0, deterrence=3.0)]
    archetype = Archetype(
        archetype_id="test",
        name="Test package",
        description="",
        primary=Measure.DETERRENCE,
        troops_min=400,
        min_nations=1,
    )
    for band in (None, BurdenSharing(band=0.5, exclude=())):
        inst = tiny_instance(
            members,
            elements,
            {("A", "inf"): 10},
            archetype,
            budget_eur_bn=0.015,
            burden_sharing=band,
        )
        o = outcome_of(inst, "test")
        assert [s.message for s in o.shortfalls] == [
            "needs EUR 40 m a year; the budget is EUR 15 m"
        ], band


# --- explanations that are true (issue: results that hold) --------------------------------------


def _most_troops_by_brute_force(instance):
    """The most troops any allocation within the members' caps fields (no requirements)."""
    free = instantiate(
        replace(instance.scenario, budget_eur_bn=1e6),
        replace(
            instance.data,
            archetypes={
                "test": replace(
                    instance.data.archetypes["test"], troops_min=0, required={}, min_nations=0
                )
            },
        ),
    )
    pairs = sorted(free.data.availability)
    best = 0
    for combo in itertools.product(*[range(free.data.availability[p] + 1) for p in pairs]):
        alloc = [Allocation(m, e, n) for (m, e), n in zip(pairs, combo, strict=True) if n]
        if not check_allocation(free, "test", alloc):
            troops = sum(a.units * free.data.elements[a.element_id].troops_per_unit for a in alloc)
            best = max(best, troops)
    return best


def test_at_best_troops_is_the_true_maximum_within_the_caps():
    """The elastic solution may stop anywhere short; the message gives the true maximum,
    checked against brute force over every allocation within the members' caps."""
    archetype = Archetype(
        archetype_id="test",
        name="Test package",
        description="",
        primary=Measure.DETERRENCE,
        troops_min=5000,
        min_nations=0,
    )
    inst = tiny_instance(
        [member("A", pool=1000, money=35.0), member("B", pool=600)],
        archetype=archetype,
        budget_eur_bn=1.0,
    )
    o = outcome_of(inst, "test")
    (sf,) = o.shortfalls
    most = _most_troops_by_brute_force(inst)
    assert most == sf.achieved
    assert (
        sf.message
        == f"Test package needs at least 5,000 troops; at best {most} within the members' caps"
    )


def test_unit_supply_counts_the_troop_pool_that_a_members_elements_share():
    """A's deployed cap (400 / 4 = 100 troops) fits one 100-strong unit in all, although each
    of its two elements alone could send one: A fields at most 1 ground combat unit, not 2."""
    archetype = Archetype(
        archetype_id="test",
        name="Test package",
        description="",
        primary=Measure.DETERRENCE,
        required={Category.GROUND_COMBAT: 3},
        min_nations=0,
    )
    inst = tiny_instance(
        [member("A", pool=400)],
        [element("inf"), element("mech", cost=12.0)],
        {("A", "inf"): 3, ("A", "mech"): 3},
        archetype,
        budget_eur_bn=1.0,
    )
    (sf,) = outcome_of(inst, "test").shortfalls
    assert sf.message == (
        "Test package needs at least 3 ground combat units; "
        "members willing and able field at most 1"
    )
    assert (sf.required, sf.achieved) == (3, 1)


def test_enablers_are_not_reported_where_they_could_be_added(dataset):
    """Troops beyond every cap: the troops fall short, and only the troops (medical, logistics
    and HQ units are there to be had)."""
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            budget_eur_bn=100.0,
            archetypes=("reassurance",),
            archetype_overrides={"reassurance": {"troops_min": 90000}},
        ),
        dataset,
    )
    o = outcome_of(inst, "reassurance")
    assert [s.requirement for s in o.shortfalls] == ["troops_min"]


def test_small_figures_are_not_rounded_to_zero():
    from mcdm.formats import format_number

    values = (0.04, 0.25, 2.5, 12.34, 99.96, 999.6, 1234.4, 0)
    assert [format_number(v) for v in values] == [
        "0.04",
        "0.25",
        "2.5",
        "12.3",
        "100",
        "1,000",
        "1,234",
        "0",
    ]


def test_binding_lists_one_bound_of_a_band_and_never_a_member_that_sends_nothing():
    """With a band of 0 each contributor pays exactly its GDP share (both bounds hold with
    equality): one row says so. B sends nothing, so its band is not binding."""
    inst = tiny_instance(
        [member("A", gdp=1000.0), member("B", gdp=1000.0, ground=False, outside=False)],
        [element("inf", troops=100, cost=10.0, deterrence=3.0)],
        {("A", "inf"): 3, ("B", "inf"): 3},
        budget_eur_bn=1.0,
        burden_sharing=BurdenSharing(band=0.0, exclude=()),
    )
    sol = solve(inst)
    band_rows = [b for b in sol.binding if b.startswith("burden band")]
    assert band_rows == ["burden band A (pays its GDP share)"]


def test_a_stage_stopped_by_the_time_limit_is_never_optimal_and_says_so(monkeypatch):
    """If the cost tie-break stops at a limit, the package is feasible, not optimal, and
    packages.csv's note says which stage stopped, at which limit, and how far from proven."""
    import mcdm.milp.solve as solve_module
    from mcdm.tables import packages_frame

    real = solve_module.solve_raw
    calls = []

    def stopped_tie_break(prob, settings, warm=False):
        res = real(prob, settings, warm)
        calls.append(warm)
        if warm:  # the tie-break is the warm-started stage
            return replace(res, status=SolveStatus.FEASIBLE, gap=0.031, limit="nodes")
        return res

    monkeypatch.setattr(solve_module, "solve_raw", stopped_tie_break)
    inst = tiny_instance(
        frontier=replace(tiny_instance().scenario.frontier, levels=1, alternatives=0)
    )
    pset = generate_packages(inst, prices=False)
    assert calls and all(p.status is SolveStatus.FEASIBLE for p in pset.packages)
    frame = packages_frame(inst, pset)
    assert (frame["status"] == "feasible_at_limit").all()
    assert (
        frame["note"]
        .str.contains(
            "the cost tie-break stopped at the node limit of 20,000 "
            "\\(within 3.1% of the best bound\\)"
        )
        .all()
    )


@pytest.mark.parametrize("aid", ["tripwire", "hybrid"])
def test_no_package_costs_more_than_the_gap_above_the_least_cost_of_its_measure(dataset, aid):
    """Each frontier package's cost against the least cost of its primary measure, solved
    exactly: never more than the documented gap above it, whatever the budget level."""

    scenario, _ = load_scenario(DATA / "scenarios" / "paris_2026.toml", dataset)
    inst = instantiate(
        replace(
            scenario,
            archetypes=(aid,),
            frontier=replace(scenario.frontier, levels=3, alternatives=0),
        ),
        dataset,
    )
    pset = generate_packages(inst, prices=False)
    gap = inst.scenario.solver.mip_gap
    for p in pset.packages:
        model = build_model(inst, aid, budget_eur_m=p.budget_level_eur_bn * 1000.0)
        least = min_cost(
            model, replace(inst.scenario.solver, mip_gap=0.0), floors={p.primary: p.objective}
        )
        assert least.status is SolveStatus.OPTIMAL
        assert p.annual_cost_eur_bn * 1000.0 <= least.objective * (1 + gap) + 1e-6, p.package_id
