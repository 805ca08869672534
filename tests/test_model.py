"""Value objects are immutable and hashable all the way down, so that caches can key on them."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

import pytest

from mcdm.frozen import FrozenMap, freeze
from mcdm.io.load import load_instance
from tests.conftest import DATA


@pytest.fixture(scope="module")
def instance():
    return load_instance(DATA / "scenarios" / "paris_2026.toml")


def test_scenarios_datasets_and_instances_hash_and_compare_by_value(instance):
    again = load_instance(DATA / "scenarios" / "paris_2026.toml")
    assert again is not instance
    assert again == instance and hash(again) == hash(instance)
    assert hash(again.scenario) == hash(instance.scenario)
    changed = replace(instance.scenario, weights={**instance.scenario.weights, "nations": 9.0})
    assert changed != instance.scenario
    assert {instance.scenario: 1}[again.scenario] == 1


def test_nested_mappings_cannot_be_changed(instance):
    s = instance.scenario
    with pytest.raises(TypeError, match="cannot be changed"):
        s.weights["deterrence"] = 0.0  # type: ignore[index]
    with pytest.raises(TypeError):
        instance.data.members.pop("GBR")  # type: ignore[attr-defined]
    archetype = instance.data.archetypes["reassurance"]
    with pytest.raises(TypeError):
        archetype.required.update({"hq": 9})  # type: ignore[attr-defined]
    assert isinstance(s.rules, tuple)


def test_frozen_values_survive_pickle_json_and_freeze_again(instance):
    assert pickle.loads(pickle.dumps(instance)) == instance
    m = freeze({"a": [1, {"b": 2}]})
    assert m == {"a": (1, {"b": 2})} and isinstance(m["a"][1], FrozenMap)
    assert json.loads(json.dumps(m)) == {"a": [1, {"b": 2}]}
    assert freeze(m) is m
