"""Airborne early warning and tankers as enablers of the fighters' patrols (data/MODEL.md, "Air
protection"; family ``air_support``): fighters fly only the hours their AEW orbits and tankers
support, the packages hold and pay for them, and bad ratios are clear errors."""

from __future__ import annotations

import dataclasses

import pytest

from mcdm.errors import InputError
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_instance
from mcdm.model import Archetype, Category, FrontierSettings, Location, Measure
from mcdm.packages import generate_packages
from tests.checker import check_allocation
from tests.conftest import DATA, replace_in

#: The bundled ratios (parameters.toml, A-AIR-SUPPORT): hours on station a year per unit.
AEW_HOURS = 70_080.0
TANKER_HOURS = 5_500.0

OUT = Location.OUTSIDE_UKRAINE
JET = element("jet", Category.AIR, location=OUT, troops=120, cost=70.0, patrol_hours=750.0)
AEW = element("aew", Category.AEW, location=OUT, troops=400, cost=200.0)
TANKER = element("tanker", Category.TANKER, location=OUT, troops=80, cost=80.0)
SHIELD = Archetype(
    "test",
    "Test air shield",
    "",
    Measure.AIR_DEFENCE_K_KM2,
    required={Category.AIR: 1},
    min_nations=0,
)


def shield(availability: dict[tuple[str, str], int], *, ratios: bool = True):
    """One member (money and people enough) that may send the given units; the bundled support
    ratios unless ``ratios`` is false (the rule then limits nothing)."""
    inst = tiny_instance(
        [member("A", gdp=1000.0, pool=100_000, money=10_000.0)],
        [JET, AEW, TANKER],
        availability,
        SHIELD,
        budget_eur_bn=5.0,
        frontier=FrontierSettings(levels=2, alternatives=0),
    )
    if not ratios:
        return inst
    params = dataclasses.replace(
        inst.data.parameters, aew_patrol_hours=AEW_HOURS, tanker_patrol_hours=TANKER_HOURS
    )
    return instantiate(inst.scenario, dataclasses.replace(inst.data, parameters=params))


def best(inst):
    pset = generate_packages(inst, prices=False)
    for p in pset.packages:
        assert check_allocation(inst, p.archetype, p.allocation, p.budget_level_eur_bn) == []
    return pset, max(pset.packages, key=lambda p: p.objective, default=None)


def units(package, element_id: str) -> int:
    return sum(a.units for a in package.allocation if a.element_id == element_id)


def test_fighters_without_enablers_give_no_air_cover():
    """Jets alone cannot fly their patrols: the air shield has no package, and the shortfall
    names both enablers; with an AEW orbit but no tanker, it names the tanker; the same jets
    with the rule dropped cover 3 x 750 / 17,520 x 50k km2."""
    pset, top = best(shield({("A", "jet"): 3}))
    assert top is None
    assert [s.message for s in pset.outcomes[0].shortfalls] == [
        "Test air shield needs at least 1 air units; possible on its own, but at most 0 "
        "together with: one airborne early-warning orbit per 70,080 fighter hours on station "
        "a year; one tanker detachment per 5,500 fighter hours on station a year"
    ]
    pset, top = best(shield({("A", "jet"): 3, ("A", "aew"): 1}))
    assert top is None
    (outcome,) = pset.outcomes
    assert not outcome.status.has_solution
    assert [s.message for s in outcome.shortfalls] == [
        "Test air shield needs at least 1 air units; possible on its own, but at most 0 "
        "together with: one tanker detachment per 5,500 fighter hours on station a year"
    ]
    _, free = best(shield({("A", "jet"): 3}, ratios=False))
    assert free.criteria["air_defence_k_km2"] == pytest.approx(3 * 750 / 17_520 * 50)


def test_an_aew_orbit_and_a_tanker_let_the_fighters_fly():
    """With one orbit and one tanker detachment on offer, the best package holds both and the
    jets count: 3 x 750 = 2,250 hours, within both enablers' support."""
    _, top = best(shield({("A", "jet"): 3, ("A", "aew"): 1, ("A", "tanker"): 1}))
    assert (units(top, "jet"), units(top, "aew"), units(top, "tanker")) == (3, 1, 1)
    assert top.criteria["air_defence_k_km2"] == pytest.approx(2_250 / 17_520 * 50)
    assert top.criteria["annual_cost_eur_bn"] == pytest.approx((3 * 70 + 200 + 80) / 1000)


def test_each_tanker_detachment_supports_its_hours_and_no_more():
    """Hand-computed optimum: one detachment supports 5,500 hours, 7 jets' worth (7 x 750 =
    5,250; an 8th would need 6,000); a second detachment lets all 10 fly."""
    offer = {("A", "jet"): 10, ("A", "aew"): 1, ("A", "tanker"): 1}
    _, one = best(shield(offer))
    assert (units(one, "jet"), units(one, "tanker")) == (7, 1)
    _, two = best(shield({**offer, ("A", "tanker"): 2}))
    assert (units(two, "jet"), units(two, "tanker")) == (10, 2)
    assert two.criteria["air_defence_k_km2"] > one.criteria["air_defence_k_km2"]


def test_the_checker_rejects_fighters_beyond_their_support():
    from mcdm.results import Allocation

    inst = shield({("A", "jet"): 10, ("A", "aew"): 1, ("A", "tanker"): 1})
    ok = [Allocation("A", "jet", 7), Allocation("A", "aew", 1), Allocation("A", "tanker", 1)]
    assert check_allocation(inst, "test", ok) == []
    too_many = [*ok[1:], Allocation("A", "jet", 8)]
    assert any("tanker" in v for v in check_allocation(inst, "test", too_many))
    no_aew = [Allocation("A", "jet", 1), Allocation("A", "tanker", 1)]
    assert any("aew" in v for v in check_allocation(inst, "test", no_aew))


def test_the_default_air_shield_holds_its_enablers_and_passes_the_checker():
    """The bundled data, the air shield of a small coalition (the UK, France and the US): every
    package holds an AEW orbit and tankers for its fighters' hours, and pays for them."""
    base = load_instance(DATA / "scenarios" / "default.toml")
    scenario = dataclasses.replace(
        base.scenario,
        members=("GBR", "FRA", "USA"),
        archetypes=("air_shield",),
        frontier=FrontierSettings(levels=2, alternatives=0),
    )
    inst = instantiate(scenario, load_dataset(DATA))
    pset, _ = best(inst)
    assert pset.packages
    els = inst.data.elements
    for p in pset.packages:
        flown = sum(a.units * els[a.element_id].patrol_hours for a in p.allocation)
        assert flown > 0
        assert units(p, "aew_orbit") * AEW_HOURS >= flown
        assert units(p, "tanker_det") * TANKER_HOURS >= flown
        cost = sum(a.units * els[a.element_id].cost_eur_m for a in p.allocation) / 1000
        assert p.criteria["annual_cost_eur_bn"] == pytest.approx(cost)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", "aew_patrol_hours"),
        ("-70080", "aew_patrol_hours"),
        ("2e6", "aew_patrol_hours"),
        ('"many"', "aew_patrol_hours"),
    ],
)
def test_bad_support_ratios_are_clear_errors(data_copy, value, expected):
    replace_in(
        data_copy / "parameters.toml", "aew_patrol_hours = 70080", f"aew_patrol_hours = {value}"
    )
    with pytest.raises(InputError) as exc:
        load_dataset(data_copy)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "parameters.toml" in text and expected in text, text
    if value != '"many"':
        assert "hours of fighter patrol" in text and "> 0 and <= 1,000,000" in text, text


def test_a_data_folder_without_the_ratios_drops_the_rule(data_copy):
    replace_in(data_copy / "parameters.toml", "tanker_patrol_hours = 5500\n", "")
    assert load_dataset(data_copy).parameters.tanker_patrol_hours is None


def test_every_kind_of_package_that_may_hold_fighters_may_hold_their_enablers(dataset):
    """A kind of package that allows fighters but not AEW orbits and tankers could never fly
    them: its fighters' places would be lost in silence (a 25,000-strong reassurance force
    became infeasible that way)."""
    for aid, arch in dataset.archetypes.items():
        allowed = set(arch.allowed_categories or Category)
        if Category.AIR in allowed:
            assert {Category.AEW, Category.TANKER} <= allowed, aid
