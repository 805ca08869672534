"""Applying a scenario to its data: the public API cannot be handed a scenario that does not fit."""

from __future__ import annotations

import dataclasses

import pytest

import mcdm
from mcdm.errors import InputError
from mcdm.instance import check_references
from mcdm.io.scenario import read_scenario, scenario_from_mapping

MEMBERS = "expected a member_id listed in members.csv (GBR, FRA, DEU, ITA, ESP, POL, NLD, BEL, ...)"


def scenario(**settings):
    return scenario_from_mapping({"name": "t", "budget_eur_bn": 5, **settings}, "test")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"members": ["GBR", "XXX"]}, f"scenario 't', key members[2]: found 'XXX'; {MEMBERS}"),
        (
            {"archetypes": ["nope"]},
            "scenario 't', key archetypes[1]: found 'nope'; expected an archetype in "
            "archetypes.toml (reassurance, tripwire, observer, technical_monitoring, "
            "air_shield, hybrid, training_mission, black_sea, steel_porcupine)",
        ),
        (
            {"element_overrides": {"tank": {"cost_eur_m": 1}}},
            "scenario 't', key element_overrides.tank: found 'tank'; expected an element_id "
            "listed in elements.csv (armoured_bg, mech_battalion, light_company, sam_long, "
            "sam_medium, fighter_det, male_orbit, sat_tasking, ...)",
        ),
        (
            {"member_overrides": {"GBR": {"troop_pool": -1}}},
            "scenario 't', key member_overrides.GBR.troop_pool: found -1; expected a whole "
            "number >= 0",
        ),
        (
            {"archetype_overrides": {"observer": {"troops_min": "many"}}},
            "scenario 't', key archetype_overrides.observer.troops_min: found 'many'; expected "
            "a valid integer, unable to parse string as an integer",
        ),
    ],
    ids=["member", "archetype", "element override", "override value", "archetype override"],
)
def test_instantiate_refuses_what_the_data_do_not_hold(dataset, settings, expected):
    """Before, each of these ended in a bare KeyError or in an instance with a negative troop
    pool: instantiate trusted that check_references had been called."""
    s = scenario(**settings)
    with pytest.raises(InputError) as exc:
        mcdm.instantiate(s, dataset)
    assert [str(p) for p in exc.value.problems] == [expected]
    assert list(exc.value.problems) == check_references(s, dataset)
    assert all(p.source == "scenario 't'" and p.file == "" for p in exc.value.problems)


def test_instantiate_names_the_scenario_file_when_there_is_one(dataset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.toml").write_text('name = "t"\nbudget_eur_bn = 5\nmembers = ["XXX"]\n')
    s = read_scenario(tmp_path / "mine.toml")
    with pytest.raises(InputError) as exc:
        mcdm.instantiate(s, dataset)
    (problem,) = exc.value.problems
    assert (problem.file, problem.source) == ("mine.toml", "")
    assert str(problem) == f"mine.toml, key members[1]: found 'XXX'; {MEMBERS}"


def test_check_references_names_a_source_it_is_given(dataset):
    s = scenario(weights={"deterence": 1})
    (problem,) = check_references(s, dataset, "uploaded mine.toml")
    assert (problem.file, problem.source) == ("", "uploaded mine.toml")
    assert str(problem).startswith(
        "uploaded mine.toml, key weights.deterence: found 'deterence'; expected a criterion "
        "(did you mean 'deterrence'?): "
    )


def test_instantiate_applies_a_valid_scenario_with_overrides(dataset):
    s = scenario(
        members=["GBR", "FRA"],
        member_overrides={"GBR": {"troop_pool": 123, "position": "conditional"}},
        element_overrides={"mech_battalion": {"cost_eur_m": 1.0}},
        archetype_overrides={"observer": {"min_nations": 3}},
    )
    instance = mcdm.instantiate(s, dataset)
    assert list(instance.data.members) == ["GBR", "FRA"]
    gbr = instance.data.members["GBR"]
    assert (gbr.troop_pool, gbr.position.value) == (123, "conditional")
    mech = instance.data.elements["mech_battalion"]
    assert mech.cost_eur_m == 1.0 and mech.cost_low_eur_m == 1.0  # the range widens to it
    assert instance.data.archetypes["observer"].min_nations == 3
    assert instance.data.archetypes["observer"] == dataclasses.replace(
        dataset.archetypes["observer"], min_nations=3
    )
    assert all(mid in ("GBR", "FRA") for mid, _ in instance.data.availability)
