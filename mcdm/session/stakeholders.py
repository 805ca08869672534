"""The Stakeholders page's state: the profiles' weights as a table to edit, the edits read back
(checked) into profiles, new profiles from the current weights, and the comparison of the
context's packages under the profiles (no new solve: the packages are the context's).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import limits as lim
from ..criteria import CRITERIA, CRITERIA_BY_ID
from ..errors import InputError, Problem
from ..io.scenario import scenario_to_dict
from ..limits import fmt
from ..model import Scenario
from ..pipeline import package_matrix
from ..ranking import weights_ahp
from ..stakeholders import DEFAULT_TOP_K, Profile, StakeholderComparison, compare_stakeholders
from .changes import Context
from .controls import ranked_criteria

__all__ = [
    "EDITOR_WHERE",
    "add_profile",
    "compare_in_context",
    "profile_rows",
    "profiles_from_rows",
    "profiles_key",
]

#: How the weights table is named in messages about its cells.
EDITOR_WHERE = "Stakeholder weights"


def profiles_key(scenario: Scenario) -> str:
    """A digest of what the page starts from: the scenario's name and profiles (not its weights:
    moving a slider keeps the edits). The same in every process: SHA-256, not ``hash()``."""
    d = scenario_to_dict(scenario)
    payload = json.dumps([d["name"], d.get("stakeholders", {})], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def _shown(profile: Profile, scenario: Scenario) -> dict[str, float]:
    """A profile's weights as the table shows them: its own numbers, or for an AHP profile the
    weights its matrix gives, in percent (criteria it does not rank: 0)."""
    if not profile.ahp:
        return {c.criterion_id: float(profile.weights.get(c.criterion_id, 0.0)) for c in CRITERIA}
    ranked = ranked_criteria(scenario)
    w, _ = weights_ahp(profile.ahp)
    derived = dict(zip(ranked, (round(100.0 * float(v), 1) for v in w), strict=True))
    return {c.criterion_id: derived.get(c.criterion_id, 0.0) for c in CRITERIA}


def profile_rows(profiles: Sequence[Profile], scenario: Scenario) -> list[dict[str, Any]]:
    """The table to edit: one row a criterion (its id and label), one column a profile (by
    name) holding its weights."""
    shown = {p.name: _shown(p, scenario) for p in profiles}
    return [
        {
            "criterion": c.criterion_id,
            "Criterion": c.label,
            **{p.name: shown[p.name][c.criterion_id] for p in profiles},
        }
        for c in CRITERIA
    ]


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def profiles_from_rows(
    rows: Iterable[Mapping[str, Any]], profiles: Sequence[Profile], scenario: Scenario
) -> tuple[Profile, ...]:
    """The profiles as the edited table holds them (``DataFrame.to_dict("records")``).

    A column left as it was keeps its profile (an AHP profile stays one); an edited column
    becomes weights, label kept.

    Raises
    ------
    InputError
        Every cell that is blank, not a number, negative, not finite or above the largest
        weight, and every profile left without a weight above zero on a ranked criterion.
    """
    rows = list(rows)
    start = profile_rows(profiles, scenario)
    ranked = set(ranked_criteria(scenario))
    problems: list[Problem] = []
    out = []
    for p in profiles:
        weights: dict[str, float] = {}
        for row in rows:
            cid = str(row["criterion"])
            value = _number(row.get(p.name))
            if math.isnan(value) or not 0 <= value <= lim.MAX_WEIGHT:
                raw = row.get(p.name)
                blank = raw is None or (isinstance(raw, float) and math.isnan(raw))
                problems.append(
                    Problem(
                        f"{EDITOR_WHERE}, row {CRITERIA_BY_ID[cid].label}, column {p.title}",
                        f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}",
                        value=raw,
                        found=not blank,
                    )
                )
                continue
            weights[cid] = value
        if len(weights) != len(rows):
            continue
        if all(weights.get(r["criterion"]) == r[p.name] for r in start):
            out.append(p)  # untouched: an AHP profile stays one
            continue
        if not any(w > 0 for c, w in weights.items() if c in ranked):
            problems.append(
                Problem(
                    f"{EDITOR_WHERE}, column {p.title}",
                    "a weight above 0 for at least one ranked criterion",
                    value=dict(weights),
                )
            )
            continue
        out.append(Profile(p.name, weights=weights, label=p.label))
    if problems:
        raise InputError(problems)
    return tuple(out)


def add_profile(profiles: Sequence[Profile], weights: Mapping[str, float]) -> tuple[Profile, ...]:
    """The profiles and a new one holding ``weights`` (the current weights, rescaled so that
    the largest is 10, as on the sliders, to two decimals), named ``profile_N`` with the first
    N not taken; refused past the most profiles a scenario holds.

    Raises
    ------
    InputError
        If there are already :data:`mcdm.limits.MAX_STAKEHOLDERS` profiles.
    """
    if len(profiles) >= lim.MAX_STAKEHOLDERS:
        raise InputError(
            [
                Problem(
                    EDITOR_WHERE,
                    f"at most {lim.MAX_STAKEHOLDERS} stakeholder profiles",
                    value=f"{len(profiles) + 1} profiles",
                )
            ]
        )
    taken = {p.name for p in profiles}
    n = next(i for i in range(1, len(taken) + 2) if f"profile_{i}" not in taken)
    top = max(weights.values(), default=0.0) or 1.0
    new = Profile(
        f"profile_{n}",
        weights={
            c.criterion_id: round(10.0 * float(weights.get(c.criterion_id, 0.0)) / top, 2)
            for c in CRITERIA
        },
        label=f"Profile {n} (from the current weights)",
    )
    return (*profiles, new)


def compare_in_context(
    ctx: Context, profiles: Sequence[Profile], top_k: int = DEFAULT_TOP_K
) -> StakeholderComparison:
    """The context's packages ranked under each profile with the methods and consensus the
    context ranks with, as ``mcdm run`` ranks the scenario's profiles."""
    s = ctx.instance.scenario
    return compare_stakeholders(
        package_matrix(ctx.pset, s.ranking.criteria),
        profiles,
        s.ranking.methods,
        s.ranking.consensus,
        labels={p.package_id: p.label for p in ctx.pset.packages},
        top_k=top_k,
    )
