"""Scenario files: reading a scenario's TOML, its schema and ranges, and writing it back.

:func:`read_scenario` checks a file on its own (schema and ranges); what a scenario names in its
data (members, archetypes, elements) is checked by :func:`mcdm.instance.check_references`, and
:func:`mcdm.io.load.load_scenario` does both. :func:`scenario_keys` lists the keys a scenario
allows at any level, derived from the dataclasses of :mod:`mcdm.model`.

The ranges are checked in :mod:`mcdm.io.ranges`, the stakeholder profiles in
:mod:`mcdm.io.profiles`; a scenario is written back by :mod:`mcdm.io.scenario_toml`. Their
public names are importable from here too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import limits as lim
from ..criteria import CRITERIA_BY_ID
from ..errors import InputError, Problem
from ..model import Archetype, Dataset, Scenario
from ._keys import RESERVED, keys_under
from ._parse import check_text, display, pydantic_problems, read_toml, toml_depth, too_deep
from .profiles import PROFILE_SETTINGS, profile_weights, weight_tables, with_profiles
from .ranges import check_ranges
from .scenario_toml import dump_scenario_toml, scenario_to_dict
from .schema import OVERRIDABLE_ELEMENT_COLUMNS, OVERRIDABLE_MEMBER_COLUMNS

__all__ = [
    "PROFILE_SETTINGS",
    "dump_scenario_toml",
    "profile_weights",
    "read_scenario",
    "scenario_from_mapping",
    "scenario_keys",
    "scenario_to_dict",
    "weight_tables",
]

_SCENARIO_ADAPTER = TypeAdapter(Scenario)
#: Numbers that must be written as numbers (the schema would read ``true`` as 1, "10" as 10).
_NUMBERS = {
    "horizon_years": "a whole number of years between 1 and 50, written as a number",
    "discount_rate": "a real discount rate between 0 and 0.2, written as a number",
}


def scenario_keys(path: Sequence[str] = (), data: Dataset | None = None) -> tuple[str, ...] | None:
    """The keys a scenario allows under the key path ``path`` (``()``: the top level).

    The tables come from the dataclasses of :mod:`mcdm.model`; the ids that key the override
    tables come from ``data`` (without it, none), the criteria that key ``weights`` and
    ``ranking.swing`` from :data:`~mcdm.criteria.CRITERIA_BY_ID`. Empty below a single setting
    (``frontier.levels``); None if ``path`` names nothing in a scenario.
    """
    criteria = tuple(CRITERIA_BY_ID)
    named = {
        "member_overrides": (
            tuple(data.members) if data else (),
            tuple(OVERRIDABLE_MEMBER_COLUMNS),
        ),
        "element_overrides": (
            tuple(data.elements) if data else (),
            tuple(OVERRIDABLE_ELEMENT_COLUMNS),
        ),
        "archetype_overrides": (tuple(data.archetypes) if data else (), Archetype),
        "weights": (criteria, float),
        "swing": (criteria, float),
        "members": (tuple(data.members) if data else (), float),  # [pledges] members
    }
    return keys_under(Scenario, path, named)


def scenario_from_mapping(doc: Mapping[str, Any], source: str = "scenario") -> Scenario:
    """Validate a scenario given as a mapping (parsed TOML); schema and ranges only.

    ``source`` names the mapping in messages (an upload, a preset, a sweep's variant).
    """
    problems: list[Problem] = []
    scenario = _scenario(doc, source, problems)
    if problems or scenario is None:
        raise InputError(dataclasses.replace(p, file="", source=source) for p in problems)
    return scenario


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML and check its schema and ranges (not its references)."""
    path = Path(path)
    problems: list[Problem] = []
    doc = read_toml(path, problems)
    scenario = _scenario(doc, display(path), problems) if doc is not None else None
    if problems or scenario is None:
        raise InputError(problems)
    return dataclasses.replace(scenario, source_path=str(path))


def _scenario(doc: Mapping[str, Any], shown: str, problems: list[Problem]) -> Scenario | None:
    for reserved in RESERVED[Scenario]:
        if reserved in doc:
            problems.append(
                Problem(
                    shown,
                    "a known key; valid keys: " + ", ".join(scenario_keys() or ()),
                    column=reserved,
                    value=reserved,
                )
            )
            return None
    if toml_depth(doc) > lim.MAX_TOML_DEPTH:
        problems.append(too_deep(shown))
        return None
    before = len(problems)
    check_text(doc, shown, problems)
    for key, expected in _NUMBERS.items():
        value = doc.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(Problem(shown, expected, column=key, value=value))
    if len(problems) > before:
        return None
    try:
        s = _SCENARIO_ADAPTER.validate_python(dict(doc))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, keys=scenario_keys))
        return None
    check_ranges(s, shown, problems)
    return with_profiles(s, shown, problems)
