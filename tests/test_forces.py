"""Forces nations can field: zones, stated restrictions, the Turkish Straits, the training
mission, troop windows in Ukraine and a hybrid that stays small (data/MODEL.md, "Zones and
stated restrictions")."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mcdm.errors import InputError
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_instance
from mcdm.milp import ConstraintFamily
from mcdm.milp.families import family
from mcdm.model import (
    Archetype,
    Category,
    FrontierSettings,
    Location,
    MaritimeSettings,
    Measure,
    Restriction,
    RestrictionKind,
    RestrictionSettings,
    Zone,
)
from mcdm.packages import generate_packages
from tests.checker import check_allocation
from tests.conftest import DATA, replace_in

DEFAULT = DATA / "scenarios" / "default.toml"
LIGHT = FrontierSettings(levels=2, alternatives=0)


def solved(archetypes: tuple[str, ...], **changes: object):
    """The default scenario's packages for some archetypes (two frontier levels, no
    alternatives), every one checked by the independent checker."""
    base = load_instance(DEFAULT)
    scenario = dataclasses.replace(base.scenario, archetypes=archetypes, frontier=LIGHT, **changes)
    inst = instantiate(scenario, load_dataset(DATA))
    pset = generate_packages(inst, prices=False)
    for p in pset.packages:
        assert check_allocation(inst, p.archetype, p.allocation, p.budget_level_eur_bn) == []
    return inst, pset


@pytest.fixture(scope="module")
def armed():
    """Reassurance and hybrid packages of the default scenario."""
    return solved(("reassurance", "hybrid"))


def units(inst, package, test) -> list[tuple[str, str, int]]:
    els = inst.data.elements
    return [
        (a.member_id, a.element_id, a.units)
        for a in package.allocation
        if a.units > 0 and test(a.member_id, els[a.element_id])
    ]


# --- stated restrictions in solved packages -----------------------------------------------------


def test_france_has_no_units_near_the_front_and_the_uk_no_combat_units_in_ukraine(armed):
    inst, pset = armed
    assert {p.archetype for p in pset.packages} == {"reassurance", "hybrid"}
    near = (Zone.LINE_OF_CONTACT, Zone.NORTHERN_BORDER)
    combat = (Category.GROUND_COMBAT, Category.LIGHT_INFANTRY)
    french = 0
    for p in pset.packages:
        assert units(inst, p, lambda m, e: m == "FRA" and e.zone in near) == []
        assert (
            units(
                inst,
                p,
                lambda m, e: (
                    m == "GBR" and e.location is Location.IN_UKRAINE and e.category in combat
                ),
            )
            == []
        )
        french += sum(n for _, _, n in units(inst, p, lambda m, e: m == "FRA"))
    assert french > 0  # France takes part, in the rear


def test_lifting_frances_restriction_lets_it_serve_near_the_front():
    """The restriction is what keeps France from the front: lifted, the same tiny model sends
    French units there."""
    front = element("front", Category.GROUND_COMBAT, zone=Zone.LINE_OF_CONTACT, deterrence=5.0)
    rear = element("rear", Category.GROUND_COMBAT, zone=Zone.REAR, deterrence=1.0)
    far = Restriction(
        "FRA-FAR", "FRA", (Zone.LINE_OF_CONTACT, Zone.NORTHERN_BORDER), (), RestrictionKind.FIRM
    )

    def sent(**changes):
        inst = tiny_instance([member("FRA")], [front, rear], stated_restrictions=[far], **changes)
        p = max(generate_packages(inst, prices=False).packages, key=lambda p: p.objective)
        assert check_allocation(inst, "test", p.allocation, p.budget_level_eur_bn) == []
        return {a.element_id for a in p.allocation if a.units}

    assert sent() == {"rear"}
    assert "front" in sent(restrictions=RestrictionSettings(lift=("FRA-FAR",)))


def test_a_conditional_restriction_holds_until_the_scenario_assumes_its_condition_met():
    inf = element("inf", zone=Zone.REAR)
    cond = Restriction("T", "A", (Zone.REAR,), (), RestrictionKind.CONDITIONAL, "both agree")

    def sent(**changes) -> int:
        inst = tiny_instance([member("A")], [inf], stated_restrictions=[cond], **changes)
        packages = generate_packages(inst, prices=False).packages
        return sum(a.units for p in packages for a in p.allocation)

    assert sent() == 0
    assert sent(restrictions=RestrictionSettings(conditional="lift")) > 0
    assert sent(restrictions=RestrictionSettings(lift=("T",))) > 0


def test_the_default_scenario_keeps_turkish_ground_troops_out_as_a_conditional_offer(dataset):
    tur = dataset.restrictions["TUR-BOTH-PARTIES"]
    assert tur.kind is RestrictionKind.CONDITIONAL and tur.condition
    assert {z.location for z in tur.zones} == {Location.IN_UKRAINE}
    firm = [r for r in dataset.restrictions.values() if r.kind is RestrictionKind.FIRM]
    assert {r.member_id for r in firm} >= {"FRA", "GBR"}


# --- the Turkish Straits ------------------------------------------------------------------------


def test_the_montreux_switch_decides_whose_ships_reach_the_black_sea():
    """Closed Straits (the default): only Black Sea states' ships, and the Straits are a
    constraint with a price; open, they are no constraint and the least cost cannot rise. Mine
    countermeasures do not deter a land attack (no combat power in Ukraine, no armed presence),
    so a Black Sea package is the cheapest that meets its requirements."""
    closed_inst, closed = solved(("black_sea",))
    open_inst, opened = solved(("black_sea",), maritime=MaritimeSettings(straits_open=True))

    def ships(inst, pset):
        return {
            a.member_id
            for p in pset.packages
            for a in p.allocation
            if a.units and inst.data.elements[a.element_id].zone is Zone.BLACK_SEA
        }

    littoral = {m for m, x in closed_inst.data.members.items() if x.black_sea}
    assert littoral == {"TUR", "ROU", "BGR"}
    assert ships(closed_inst, closed) and ships(closed_inst, closed) <= littoral
    assert all(p.criteria["deterrence"] == 0 for p in closed.packages)
    cheapest = min(p.annual_cost_eur_bn for p in closed.packages)
    assert min(p.annual_cost_eur_bn for p in opened.packages) <= cheapest + 1e-9
    options = family(ConstraintFamily.STRAITS).price_options
    assert [o.family for o in options(closed_inst, "black_sea")] == ["straits"]
    assert options(open_inst, "black_sea") == []


def _naval(n: int) -> Archetype:
    return Archetype(
        "test", "Test", "", Measure.DETERRENCE, required={Category.NAVAL: n}, min_nations=0
    )


def test_a_black_sea_state_passes_closed_straits():
    mcm = element("mcm", Category.NAVAL, location=Location.OUTSIDE_UKRAINE, zone=Zone.BLACK_SEA)
    inst = tiny_instance(
        [member("A"), dataclasses.replace(member("B"), black_sea=True)], [mcm], archetype=_naval(1)
    )
    sent = {
        a.member_id for p in generate_packages(inst, prices=False).packages for a in p.allocation
    }
    assert sent == {"B"}


def test_open_straits_let_ships_from_beyond_the_black_sea_fill_what_its_states_cannot():
    """Two ships needed, the Black Sea state has one: closed Straits make the package
    infeasible, open ones let the other member's ship through."""
    mcm = element("mcm", Category.NAVAL, location=Location.OUTSIDE_UKRAINE, zone=Zone.BLACK_SEA)
    members = [member("A"), dataclasses.replace(member("B"), black_sea=True)]
    avail = {("A", "mcm"): 3, ("B", "mcm"): 1}

    def sent(**changes):
        inst = tiny_instance(members, [mcm], avail, archetype=_naval(2), **changes)
        pset = generate_packages(inst, prices=False)
        return {a.member_id for p in pset.packages for a in p.allocation if a.units}

    assert sent() == set()  # infeasible with the Straits closed
    assert "A" in sent(maritime=MaritimeSettings(straits_open=True))


# --- troop windows, training and the hybrid -----------------------------------------------------


def test_a_troop_window_in_ukraine_is_not_padded_by_trainers_outside():
    inf = element("inf", troops=100, cost=10.0, deterrence=1.0)
    trn = element("trn", Category.TRAINING, location=Location.OUTSIDE_UKRAINE, troops=100, cost=2.0)
    a = Archetype("test", "Test", "", Measure.DETERRENCE, troops_min=300, min_nations=0)

    def cheapest(archetype):
        inst = tiny_instance([member("A")], [inf, trn], archetype=archetype, budget_eur_bn=1.0)
        p = next(p for p in generate_packages(inst, prices=False).packages)
        assert check_allocation(inst, "test", p.allocation, p.budget_level_eur_bn) == []
        return {a.element_id: a.units for a in p.allocation if a.units}

    assert cheapest(a).get("trn", 0) >= 1  # counting all troops, trainers fill the window
    assert cheapest(dataclasses.replace(a, troops_counted="in_ukraine"))["inf"] >= 3


def test_reassurance_counts_its_troops_and_nations_in_ukraine(armed):
    inst, pset = armed
    els = inst.data.elements
    for p in (p for p in pset.packages if p.archetype == "reassurance"):
        assert not any(a.element_id == "training_out" for a in p.allocation)
        in_ua = sum(
            a.units * els[a.element_id].troops_per_unit
            for a in p.allocation
            if els[a.element_id].location is Location.IN_UKRAINE
        )
        assert 10_000 <= in_ua <= 100_000


def test_the_hybrid_stays_small(armed):
    inst, pset = armed
    els = inst.data.elements
    hybrids = [p for p in pset.packages if p.archetype == "hybrid"]
    assert hybrids
    for p in hybrids:
        troops = sum(a.units * els[a.element_id].troops_per_unit for a in p.allocation)
        in_ua = sum(
            a.units * els[a.element_id].troops_per_unit
            for a in p.allocation
            if els[a.element_id].location is Location.IN_UKRAINE
        )
        assert troops <= 8_000 and in_ua <= 5_000
        assert not [a for a in p.allocation if els[a.element_id].category is Category.GROUND_COMBAT]


def test_training_teams_outside_ukraine_are_their_own_kind_of_package(dataset):
    a = dataset.archetypes["training_mission"]
    assert a.allowed_locations == (Location.OUTSIDE_UKRAINE,)
    assert a.required[Category.TRAINING] >= 1
    for aid in ("reassurance", "hybrid"):
        assert "training_out" in dataset.archetypes[aid].excluded_elements
    # a tripwire is all in Ukraine (satellites aside): nothing based outside pads it
    assert Location.OUTSIDE_UKRAINE not in dataset.archetypes["tripwire"].allowed_locations


def test_every_description_states_the_requirements_in_numbers(dataset):
    def shown(n: float) -> str:
        return f"{n:,.0f}"

    for a in dataset.archetypes.values():
        text = a.description
        if a.troops_max is not None:
            assert shown(a.troops_max) in text, (a.archetype_id, a.troops_max)
        if a.troops_min:
            assert shown(a.troops_min) in text, (a.archetype_id, a.troops_min)
        assert f"{a.min_nations} nations" in text, a.archetype_id
        for cat, n in a.required.items():
            assert str(n) in text, (a.archetype_id, cat)
        if a.min_coverage:
            assert f"{a.min_coverage:.0%}" in text, a.archetype_id


# --- the data: zones and restrictions checked like every other column ---------------------------


def broken(folder: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_dataset(folder)
    return [str(p) for p in exc.value.problems]


ARMOURED = "armoured_bg,Armoured battlegroup (tanks and IFVs),ground_combat,in_ukraine,"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "front",
            "expected one of line_of_contact, northern_border, rear, outside_ukraine, "
            "black_sea, remote",
        ),
        (
            "black_sea",
            "expected a zone of the location in_ukraine (line_of_contact or "
            "northern_border or rear)",
        ),
        ("", "found nothing; expected one of line_of_contact"),
    ],
)
def test_a_bad_zone_names_file_row_column_value_and_expectation(data_copy, zone, expected):
    replace_in(data_copy / "elements.csv", ARMOURED + "line_of_contact,", ARMOURED + zone + ",")
    (msg,) = broken(data_copy)
    found = f"found {zone!r}; " if zone else ""
    assert msg.startswith(f"{data_copy / 'elements.csv'}, row 2, column zone: {found}"), msg
    assert expected in msg


def test_an_element_without_a_zone_column_is_refused(data_copy):
    path = data_copy / "elements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != 4) for line in lines[:1]]
    path.write_text("\n".join(cut + lines[1:]) + "\n", encoding="utf-8")
    msgs = broken(data_copy)
    where = f"{data_copy / 'elements.csv'}, row 1, column zone"
    assert f"{where}: found nothing; expected a column named 'zone'" in msgs


RESTRICTION = "FRA-FAR-FROM-FRONT,FRA,line_of_contact;northern_border,,firm,"


@pytest.mark.parametrize(
    ("new", "column", "expected"),
    [
        (
            "FRA-FAR-FROM-FRONT,XXX,line_of_contact;northern_border,,firm,",
            "member_id",
            "found 'XXX'; expected a member_id listed in members.csv",
        ),
        (
            "FRA-FAR-FROM-FRONT,FRA,line_of_contact;the_front,,firm,",
            "zones",
            "found 'the_front'; expected zones separated by ';', each one of line_of_contact",
        ),
        (
            "FRA-FAR-FROM-FRONT,FRA,line_of_contact,tanks,firm,",
            "categories",
            "found 'tanks'; expected categories separated by ';', each one of ground_combat",
        ),
        (
            "FRA-FAR-FROM-FRONT,FRA,,,firm,",
            "zones",
            "found nothing; expected at least one zone or category",
        ),
        (
            "FRA-FAR-FROM-FRONT,FRA,line_of_contact,,maybe,",
            "kind",
            "found 'maybe'; expected one of firm, conditional",
        ),
        (
            "=HYPERLINK(1),FRA,line_of_contact,,firm,",
            "restriction_id",
            "found '=HYPERLINK(1)'; expected",
        ),
    ],
)
def test_a_bad_restriction_names_file_row_column_value_and_expectation(
    data_copy, new, column, expected
):
    replace_in(data_copy / "restrictions.csv", RESTRICTION, new)
    (msg,) = broken(data_copy)
    assert msg.startswith(f"{data_copy / 'restrictions.csv'}, row 2, column {column}: "), msg
    assert expected in msg


def test_a_duplicate_restriction_and_a_missing_file_are_reported(data_copy):
    path = data_copy / "restrictions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")
    (msg,) = broken(data_copy)
    assert "restrictions.csv, row 6, column restriction_id: found 'FRA-FAR-FROM-FRONT'" in msg
    path.unlink()
    (msg,) = broken(data_copy)
    assert msg.startswith(str(path)) and "expected the file to exist" in msg


def test_a_scenario_cannot_lift_a_restriction_that_is_not_in_the_data(dataset):
    base = load_instance(DEFAULT).scenario
    bad = dataclasses.replace(base, restrictions=RestrictionSettings(lift=("FRA-NOWHERE",)))
    with pytest.raises(InputError) as exc:
        instantiate(bad, dataset)
    (p,) = exc.value.problems
    assert p.column == "restrictions.lift[1]" and p.value == "FRA-NOWHERE"
    assert p.expected.startswith("a restriction_id listed in restrictions.csv (FRA-FAR-FROM-FRONT")


def test_an_archetype_cannot_exclude_an_unknown_element(data_copy):
    replace_in(
        data_copy / "archetypes.toml",
        'excluded_elements = ["training_out"]  # A-ARCH-TRAINING: its own',
        'excluded_elements = ["training_abroad"]  # A-ARCH-TRAINING: its own',
    )
    (msg,) = broken(data_copy)
    assert msg.startswith(
        f"{data_copy / 'archetypes.toml'}, key reassurance.excluded_elements[1]: found "
        "'training_abroad'; expected an element_id listed in elements.csv"
    ), msg


def test_restrictions_cite_their_sources():
    import csv

    from tests.test_data import DEFINED_KEYS

    rows = list(csv.DictReader((DATA / "restrictions.csv").open(encoding="utf-8")))
    assert rows
    for row in rows:
        keys = [k.strip() for k in row["source"].split(";") if k.strip()]
        assert keys and all(k in DEFINED_KEYS for k in keys), row["restriction_id"]
        assert row["confidence"] in {"H", "M", "L", "A"}
