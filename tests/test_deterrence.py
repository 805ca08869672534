"""Deterrence, decomposed: denial, tripwire and backstop (data/MODEL.md, "Deterrence").

The sanity orderings a defence analyst would check first, on the bundled data (scored from
allocations, no solve) and on tiny instances (solved exactly and compared with the independent
checker); the data's checks of the new parameters.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from mcdm.criteria import DETERRENCE_PARTS, denial_points, deterrence_components, score_allocation
from mcdm.errors import InputError
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.io.scenario import scenario_from_mapping
from mcdm.milp import build_model, solve_lexicographic
from mcdm.model import Category, Location, USBackstop
from mcdm.results import Allocation, SolveStatus
from mcdm.tables import packages_frame
from tests.checker import check_allocation, deterrence_parts, primary_value
from tests.conftest import DATA, replace_in

A = Allocation


@pytest.fixture(scope="module")
def default(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    return instantiate(scenario, dataset)


#: 1,000 armed and supporting troops: four light companies from four nations (two of them
#: nuclear powers), a forward HQ and a field hospital.
TRIPWIRE = [
    A("GBR", "light_company", 1),
    A("FRA", "light_company", 1),
    A("EST", "light_company", 1),
    A("LTU", "light_company", 1),
    A("GBR", "hq_forward", 1),
    A("FRA", "medical_unit", 1),
]
#: 725 unarmed people: 14 observer teams of 50 from 14 nations and a 25-person sensor team.
MONITORS = [
    A(mid, "observer_team", 1)
    for mid in (
        "GBR",
        "FRA",
        "NLD",
        "BEL",
        "DNK",
        "NOR",
        "EST",
        "LVA",
        "LTU",
        "PRT",
        "IRL",
        "AUT",
        "CAN",
        "TUR",
    )
] + [A("FIN", "ground_sensors", 1)]


def troops(instance, allocation):
    return sum(a.units * instance.data.elements[a.element_id].troops_per_unit for a in allocation)


def test_an_armed_tripwire_deters_more_than_unarmed_monitors(default):
    """The issue's first artefact: 725 monitors (38.5 points) out-deterred a 1,000-strong
    armed tripwire (28.5). Now the monitors earn nothing and the tripwire its four flags:
    (2 + 4) UK + (2 + 4) France + 2 + 2 = 16 tripwire points, 300 combat power (0.32 denial
    points), times 1.15 for the default's air/ISR backstop."""
    assert troops(default, TRIPWIRE) == 1000 and troops(default, MONITORS) == 725
    tripwire = deterrence_components(default, TRIPWIRE)
    monitors = deterrence_components(default, MONITORS)
    assert monitors == {"denial": 0.0, "tripwire": 0.0, "backstop": 0.0}
    assert tripwire["tripwire"] == pytest.approx(16.0)
    assert tripwire["denial"] == pytest.approx(15.0 * 300 / 700_000 / 0.02)
    assert tripwire["backstop"] == pytest.approx(0.15 * (16.0 + tripwire["denial"]))
    det_tripwire = score_allocation(default, TRIPWIRE)["deterrence"]
    assert det_tripwire == pytest.approx(1.15 * 16.3214, abs=1e-3)
    assert det_tripwire > score_allocation(default, MONITORS)["deterrence"] == 0.0


@pytest.mark.parametrize(
    "eid", ["ground_sensors", "observer_team", "medical_unit", "training_in", "hq_forward"]
)
def test_a_team_that_is_not_an_armed_company_earns_no_flag(default, eid):
    """A 25-person sensor team (once worth 6 points, as much as 600 mechanised infantry), a
    field hospital (tripwire-f1's UK "flag"), trainers or an HQ: no tripwire credit."""
    alloc = [A("GBR", eid, 1)]
    assert deterrence_components(default, alloc)["tripwire"] == 0.0
    assert score_allocation(default, alloc)["deterrence"] == 0.0


def test_satellites_do_not_raise_a_tripwires_deterrence(default):
    """tripwire-f8 bought 13 satellite taskings at 0.2 points each; now they add warning only."""
    with_sats = [*TRIPWIRE, A("FRA", "sat_tasking", 13)]
    before, after = score_allocation(default, TRIPWIRE), score_allocation(default, with_sats)
    assert after["deterrence"] == before["deterrence"]
    assert after["early_warning_pct"] > before["early_warning_pct"]


def test_more_combat_power_gives_diminishing_increments(default):
    """Each brigade-sized increment (4 armoured battlegroups + 8 mechanised battalions, 12,400
    combat power) adds less denial than the one before, until the function is flat at a third
    of the threat (MODEL.md's worked example: 13.3, 22.7, 31.3, 38.3)."""
    brigade = 4 * 1500 + 8 * 800
    values = [denial_points(default, k * brigade) for k in range(0, 21)]
    assert values[1:5] == pytest.approx([13.286, 22.714, 31.257, 38.343], abs=1e-3)
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all(s >= 0 for s in steps)
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(steps))
    assert steps[0] > steps[5] > steps[10] > 0
    assert values[-1] == 100.0  # 248,000 > a third of 700,000: flat
    # the same through allocations: doubling the heavy force less than doubles denial
    one = [A("GBR", "armoured_bg", 4), A("FRA", "mech_battalion", 8)]
    two = [A("GBR", "armoured_bg", 8), A("FRA", "mech_battalion", 16)]
    d1 = deterrence_components(default, one)["denial"]
    d2 = deterrence_components(default, two)["denial"]
    assert d1 < d2 < 2 * d1


def test_the_threat_is_a_scenario_setting(default):
    """A larger Russian grouping makes the same force deny less."""
    force = [A("GBR", "armoured_bg", 4), A("FRA", "mech_battalion", 8)]
    bigger = replace(default, scenario=replace(default.scenario, threat_troops=1_400_000.0))
    assert bigger.threat_troops == 1_400_000.0 and default.threat_troops == 700_000.0
    d = deterrence_components(default, force)["denial"]
    assert deterrence_components(bigger, force)["denial"] == pytest.approx(d / 2)
    with pytest.raises(InputError) as exc:
        scenario_from_mapping({"name": "x", "budget_eur_bn": 1.0, "threat_troops": -5})
    assert [p.column for p in exc.value.problems] == ["threat_troops"]
    assert "troops > 0 and <= 5,000,000" in str(exc.value.problems[0])


def test_the_backstop_multiplies_denial_and_tripwire(default):
    """The backstop part is (B - 1) x (denial + tripwire), and the parts sum to the total."""
    force = [*TRIPWIRE, A("GBR", "armoured_bg", 2)]
    for option, mult in ((USBackstop.NONE, 1.0), (USBackstop.ARTICLE5, 1.5)):
        inst = replace(default, scenario=replace(default.scenario, us_backstop=option))
        parts = deterrence_components(inst, force)
        assert parts["backstop"] == pytest.approx(
            (mult - 1) * (parts["denial"] + parts["tripwire"])
        )
        assert sum(parts.values()) == pytest.approx(score_allocation(inst, force)["deterrence"])
        assert parts == pytest.approx(deterrence_parts(inst, force))
    low, high = default.data.parameters.backstop[USBackstop.ARTICLE5].multiplier_range
    assert low < 1.5 < high


# --- the optimiser on tiny instances -----------------------------------------------------------


def tripwire_instance(units: int, **kw):
    """Members A and B (NATO, 2 tripwire points each); infantry of 100 armed troops a unit, so
    that a member needs 2 units to reach the 150-troop minimum; a threat of 10,000."""
    members = [member("A", gdp=1000.0), member("B", gdp=1000.0)]
    elements = [
        element("inf", Category.LIGHT_INFANTRY, troops=100, cost=10.0, deterrence=0.5),
        element("sat", Category.ISR, location=Location.REMOTE, troops=0, cost=1.0),
    ]
    avail = {("A", "inf"): units, ("B", "inf"): units, ("A", "sat"): 3, ("B", "sat"): 3}
    return tiny_instance(members, elements, avail, nation_bonus=2.0, **kw)


def solve(inst):
    return solve_lexicographic(build_model(inst, "test"), inst.scenario.solver)


def test_a_member_below_the_minimum_armed_presence_earns_no_tripwire_credit():
    """One unit of 100 armed troops each: no flag, whatever the budget; two units: both flags.
    The optimiser's value is what the independent checker recomputes."""
    below = solve(tripwire_instance(1))
    assert below.status is SolveStatus.OPTIMAL
    assert {(a.member_id, a.units) for a in below.allocation} == {("A", 1), ("B", 1)}
    parts = deterrence_parts(tripwire_instance(1), below.allocation)
    assert parts["tripwire"] == 0.0
    assert below.objective == pytest.approx(15.0 * 100 / 10_000 / 0.02)  # 2 units of 50
    above = solve(tripwire_instance(2))
    assert deterrence_parts(tripwire_instance(2), above.allocation)["tripwire"] == 4.0
    assert above.objective == pytest.approx(4.0 + 15.0 * 200 / 10_000 / 0.02)
    assert not any(a.element_id == "sat" for a in above.allocation + below.allocation)


def test_the_optimiser_buys_flags_before_more_of_one_flag():
    """With money for 4 units: 2 units from each member (two flags) beats 3 + 1 (one flag),
    though both have the same combat power."""
    inst = tripwire_instance(3, budget_eur_bn=0.04)
    sol = solve(inst)
    assert sorted((a.member_id, a.units) for a in sol.allocation) == [("A", 2), ("B", 2)]
    assert sol.objective == pytest.approx(primary_value(inst, "test", sol.allocation))
    assert check_allocation(inst, "test", sol.allocation) == []


def test_the_denial_segments_are_exact_in_the_milp():
    """Combat power across several segments of the denial function: the optimiser's value is
    the function's value at the mix, not an approximation (threat 2,000: each unit of 300 is
    15% of the threat, past the 2%, 5% and 10% breakpoints)."""
    members = [member("A", gdp=1000.0)]
    elements = [element("inf", troops=100, cost=10.0, deterrence=3.0)]
    for n in range(1, 4):
        inst = tiny_instance(members, elements, {("A", "inf"): n}, threat_troops=2_000.0)
        sol = solve(inst)
        share = 300.0 * n / 2_000.0
        expected = (
            50 + 25 * (share - 0.10) / 0.10
            if share <= 0.20
            else 75 + 25 * (share - 0.2) / (1 / 3 - 0.2)
            if share <= 1 / 3
            else 100.0
        )
        assert sol.objective == pytest.approx(expected)
        assert sol.objective == pytest.approx(primary_value(inst, "test", sol.allocation))


# --- outputs -----------------------------------------------------------------------------------


def test_packages_csv_gives_each_part_beside_the_total():
    from mcdm.packages import generate_packages

    inst = tripwire_instance(2)
    pset = generate_packages(inst, prices=False)
    frame = packages_frame(inst, pset)
    cols = list(frame.columns)
    at = cols.index("deterrence")
    assert cols[at + 1 : at + 4] == [f"deterrence_{p}" for p in DETERRENCE_PARTS]
    for _, row in frame.iterrows():
        total = sum(row[f"deterrence_{p}"] for p in DETERRENCE_PARTS)
        assert total == pytest.approx(row["deterrence"], abs=1e-5)
    for p in pset.packages:
        assert dict(p.deterrence_parts) == pytest.approx(deterrence_parts(inst, p.allocation))


# --- the data's checks -------------------------------------------------------------------------


def test_a_denial_function_with_rising_slopes_is_refused(data_copy):
    """A convex function would need binaries to stay exact: the loader refuses it."""
    replace_in(
        data_copy / "parameters.toml",
        "denial_points = [0.0, 15.0, 30.0, 50.0, 75.0, 100.0]",
        "denial_points = [0.0, 5.0, 30.0, 50.0, 75.0, 100.0]",
    )
    with pytest.raises(InputError) as exc:
        load_dataset(data_copy)
    (problem,) = exc.value.problems
    assert str(problem).endswith(
        "parameters.toml, key denial_points: found [0.0, 5.0, 30.0, 50.0, 75.0, 100.0]; "
        "expected points that rise by less and less from one share to the next (diminishing "
        "returns: a concave function)"
    )


def test_a_backstop_range_must_hold_its_point_value(data_copy):
    replace_in(
        data_copy / "parameters.toml",
        "deterrence_multiplier_high = 1.75",
        "deterrence_multiplier_high = 1.2",
    )
    with pytest.raises(InputError) as exc:
        load_dataset(data_copy)
    (problem,) = exc.value.problems
    assert str(problem).endswith(
        "parameters.toml, key backstop.article5.deterrence_multiplier_high: found 1.2; "
        "expected a multiplier >= deterrence_multiplier (1.5) and <= 100"
    )


def test_the_new_element_columns_are_optional(data_copy):
    """A data folder written before these columns loads, with no combat power, armed troops,
    patrol hours or warning depth (its deterrence is then tripwire-free and denial-free, and
    none of its line is watched in depth)."""
    path = data_copy / "elements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    dropped = {
        rows[0].index(c)
        for c in ("combat_power", "armed_troops", "patrol_hours", "warning_depth_km")
    }
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [v for i, v in enumerate(r) if i not in dropped] for r in rows
    )
    path.write_text(out.getvalue(), encoding="utf-8")
    data = load_dataset(data_copy)
    e = data.elements["armoured_bg"]
    assert (e.combat_power, e.armed_troops, e.patrol_hours) == (0.0, 0, 0.0)
    assert data.elements["male_orbit"].warning_depth_km == 0.0


def test_the_default_tripwire_buys_no_satellites(default):
    """tripwire-f8 spent EUR 260 m a year on satellite taskings. At the default budget the
    best tripwire now holds none: they add no deterrence, and the cost tie-break (whose warm
    start HiGHS once handed back as its answer) drops them. Its cost is the least cost of its
    deterrence, and the checker agrees with every part."""
    model = build_model(default, "tripwire")
    sol = solve_lexicographic(model, default.scenario.solver)
    assert sol.status is SolveStatus.OPTIMAL
    assert not [a for a in sol.allocation if a.element_id == "sat_tasking"]
    assert check_allocation(default, "tripwire", sol.allocation) == []
    assert sol.objective == pytest.approx(primary_value(default, "tripwire", sol.allocation))
    parts = deterrence_parts(default, sol.allocation)
    assert parts["tripwire"] >= 2.0 * 6  # at least the six nations the archetype needs
