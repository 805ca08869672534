"""The stakeholder profiles of a scenario (``[stakeholders.NAME]`` tables): their weights or
AHP matrix typed and checked as ``[weights]`` and ``[ranking] ahp`` are, every problem
reported."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import limits as lim
from ..errors import Problem
from ..model import RankingSettings, Scenario
from ._parse import pydantic_problems
from .ranges import Report, check_ahp, check_weight_table, ranked_criteria

__all__ = ["PROFILE_SETTINGS", "profile_weights", "weight_tables", "with_profiles"]

# A profile's weights and AHP matrix are read with the types of [weights] and [ranking] ahp, so
# that a value means in a [stakeholders.NAME] table what it means there.
_WEIGHTS_ADAPTER: TypeAdapter[Mapping[str, float]] = TypeAdapter(
    typing.get_type_hints(Scenario)["weights"]
)


_AHP_ADAPTER: TypeAdapter[tuple[tuple[float, ...], ...]] = TypeAdapter(
    typing.get_type_hints(RankingSettings)["ahp"]
)


#: The keys of a ``[stakeholders.NAME]`` table that are not criteria: the profile's name for
#: people and a pairwise comparison matrix (instead of weights, as ``[ranking] ahp``).
PROFILE_SETTINGS = ("label", "ahp")


def profile_weights(table: Mapping[str, Any]) -> dict[str, Any]:
    """The criterion -> weight entries of a ``[stakeholders.NAME]`` table."""
    return {k: v for k, v in table.items() if k not in PROFILE_SETTINGS}


def weight_tables(scenario: Scenario) -> list[tuple[str, Mapping[str, Any]]]:
    """Every table of criterion weights in a scenario, by key: ``weights`` and the weights of
    each ``stakeholders.NAME``."""
    return [("weights", scenario.weights)] + [
        (f"stakeholders.{name}", profile_weights(table))
        for name, table in scenario.stakeholders.items()
    ]


def with_profiles(s: Scenario, shown: str, problems: list[Problem]) -> Scenario:
    """The scenario with its ``[stakeholders.NAME]`` tables checked and their values typed
    (weights as numbers, the AHP matrix as rows of numbers), every problem reported."""
    if not s.stakeholders:
        return s
    bad = Report(shown, problems)
    if len(s.stakeholders) > lim.MAX_STAKEHOLDERS:
        bad(
            "stakeholders",
            f"{len(s.stakeholders):,} profiles",
            f"at most {lim.MAX_STAKEHOLDERS} stakeholder profiles ([stakeholders.NAME] tables)",
        )
        return s
    tables: dict[str, dict[str, Any]] = {}
    for name, table in s.stakeholders.items():
        if not lim.ID_PATTERN.fullmatch(name):
            bad(f"stakeholders.{name}", name, f"a profile name that is {lim.ID_RULE}")
            continue
        tables[name] = _profile(table, f"stakeholders.{name}", s.ranking, shown, problems)
    return dataclasses.replace(s, stakeholders=tables)


def _profile(
    table: Mapping[str, Any], key: str, rs: RankingSettings, shown: str, problems: list[Problem]
) -> dict[str, Any]:
    """One ``[stakeholders.NAME]`` table, typed: label, then weights or the AHP matrix."""
    bad = Report(shown, problems)
    out: dict[str, Any] = {}
    label = table.get("label")
    if label is not None:
        if not isinstance(label, str) or not label.strip() or len(label) > lim.MAX_LABEL_CHARS:
            bad(
                f"{key}.label",
                label,
                f"text of 1-{lim.MAX_LABEL_CHARS} characters (the profile's name for people)",
            )
        else:
            out["label"] = label
    try:
        weights = dict(_WEIGHTS_ADAPTER.validate_python(profile_weights(table)))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, prefix=key))
        return out
    if "ahp" not in table:
        if not weights:
            expected = "weights for the criteria, as in [weights], or an ahp matrix"
            problems.append(Problem(shown, expected, column=key, found=False))
        check_weight_table(weights, key, rs, bad, user=True)
        return out | weights
    try:
        ahp = _AHP_ADAPTER.validate_python(table["ahp"])
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, prefix=f"{key}.ahp"))
        return out
    if weights:
        bad(key, sorted(weights), "either weights or an ahp matrix, not both")
    check_ahp(ahp, ranked_criteria(rs), Report(shown, problems, f"{key}."))
    return out | {"ahp": ahp}
