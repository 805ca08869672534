"""Scenario files: reading a scenario's TOML, its schema and ranges, and writing it back.

:func:`read_scenario` checks a file on its own (schema and ranges); what a scenario names in its
data (members, archetypes, elements) is checked by :func:`mcdm.instance.check_references`, and
:func:`mcdm.io.load.load_scenario` does both. :func:`scenario_keys` lists the keys a scenario
allows at any level, derived from the dataclasses of :mod:`mcdm.model`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import limits as lim
from ..criteria import CRITERIA_BY_ID
from ..errors import InputError, Problem
from ..kernels import KERNELS
from ..limits import fmt
from ..model import METHOD_NAMES, Archetype, Dataset, RankingSettings, Scenario
from ._keys import RESERVED, keys_under
from ._parse import check_text, display, pydantic_problems, read_toml, toml_depth, too_deep
from ._values import outside
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
    if len(problems) > before:
        return None
    try:
        s = _SCENARIO_ADAPTER.validate_python(dict(doc))
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, keys=scenario_keys))
        return None
    _check_ranges(s, shown, problems)
    return _with_profiles(s, shown, problems)


# --- ranges ------------------------------------------------------------------------------------

#: The most a rule's value may ask for, per measure.
_RULE_MAX: dict[str, float] = {
    "units": lim.MAX_RULE_UNITS,
    "troops": lim.MAX_TROOPS,
    "cost_eur_m": lim.MAX_MONEY_EUR_M,
    "nations": lim.MAX_NATIONS,
}


class _Report:
    """Collects the problems of one scenario under its name, by key path."""

    def __init__(self, shown: str, problems: list[Problem], prefix: str = ""):
        self.shown, self.problems, self.prefix = shown, problems, prefix

    def __call__(self, key: str, value: object, expected: str) -> None:
        self.problems.append(Problem(self.shown, expected, column=self.prefix + key, value=value))


def _check_ranges(s: Scenario, shown: str, problems: list[Problem]) -> None:
    """Values the schema lets through but that cannot be meant or would exhaust the machine."""
    bad = _Report(shown, problems)
    _check_basics(s, bad)
    _check_frontier_and_solver(s, bad)
    _check_groups(s, bad)
    _check_weights(s, bad)
    _check_robustness(s, bad)
    _check_ranking(s.ranking, _Report(shown, problems, "ranking."))


def _check_basics(s: Scenario, bad: _Report) -> None:
    if not lim.NAME_PATTERN.fullmatch(s.name):
        bad("name", s.name, lim.NAME_RULE)
    if outside(s.budget_eur_bn, 0, lim.MAX_BUDGET_EUR_BN, open_low=True):
        bad(
            "budget_eur_bn",
            s.budget_eur_bn,
            f"an annual budget > 0 (EUR bn) and <= {fmt(lim.MAX_BUDGET_EUR_BN)}",
        )
    if outside(s.rotation_factor, 1, lim.MAX_ROTATION):
        bad(
            "rotation_factor",
            s.rotation_factor,
            f"a rotation factor between 1 and {fmt(lim.MAX_ROTATION)} (troops in the pool per "
            "troop deployed; 3-5 is usual)",
        )
    if outside(s.line_length_km, 0, lim.MAX_KM, open_low=True):
        bad("line_length_km", s.line_length_km, f"a length > 0 and <= {fmt(lim.MAX_KM)} (km)")
    if s.threat_troops is not None and outside(s.threat_troops, 0, lim.MAX_TROOPS, open_low=True):
        bad("threat_troops", s.threat_troops, f"troops > 0 and <= {fmt(lim.MAX_TROOPS)}")
    if outside(s.seed, 0, lim.MAX_SEED):
        bad("seed", s.seed, f"a whole number between 0 and {fmt(lim.MAX_SEED)}")


def _check_frontier_and_solver(s: Scenario, bad: _Report) -> None:
    f = s.frontier
    frontier_limits: tuple[tuple[str, int, int, int, str], ...] = (
        ("levels", f.levels, 1, lim.MAX_LEVELS, "budget levels per archetype"),
        ("alternatives", f.alternatives, 0, lim.MAX_ALTERNATIVES, "alternatives per archetype"),
        ("troop_levels", f.troop_levels, 0, lim.MAX_TROOP_LEVELS, "troop levels per archetype"),
    )
    for key, value, low, high, what in frontier_limits:
        if outside(value, low, high):
            bad(f"frontier.{key}", value, f"a whole number between {low} and {high} ({what})")
    times = {"time_limit_s": s.solver.time_limit_s, "tie_break_time_s": s.solver.tie_break_time_s}
    for key, seconds in times.items():
        if seconds is None:  # tie_break_time_s: accepted from older files and ignored
            continue
        if outside(seconds, 0, lim.MAX_TIME_LIMIT_S, open_low=True):
            bad(
                f"solver.{key}",
                seconds,
                f"a time limit > 0 and <= {fmt(lim.MAX_TIME_LIMIT_S)} (seconds)",
            )
    nodes = s.solver.node_limit
    if nodes is not None and outside(nodes, 1, lim.MAX_NODE_LIMIT):
        bad(
            "solver.node_limit",
            nodes,
            f"a whole number of branch-and-bound nodes between 1 and {fmt(lim.MAX_NODE_LIMIT)}",
        )
    if not 0 <= s.solver.mip_gap < 1:
        bad("solver.mip_gap", s.solver.mip_gap, "a relative gap between 0 and 1")


def _check_groups(s: Scenario, bad: _Report) -> None:
    """Burden sharing, lead nations and group rules."""
    if s.burden_sharing is not None and not 0 <= s.burden_sharing.band < 1:
        bad(
            "burden_sharing.band",
            s.burden_sharing.band,
            "a band between 0 and 1 (0.5 = each member pays 50-150% of its GDP share)",
        )
    lead = s.lead_nations
    if lead is not None and not 0 <= lead.min_troop_share <= 1:
        bad("lead_nations.min_troop_share", lead.min_troop_share, "a share between 0 and 1")
    elif lead is not None and lead.min_troop_share > 0 and not lead.members:
        bad(
            "lead_nations.members",
            [],
            f"at least one member id, as min_troop_share is {lead.min_troop_share:g} "
            "(or no [lead_nations] table)",
        )
    for i, rule in enumerate(s.rules, start=1):
        most = _RULE_MAX[rule.measure]
        if outside(rule.value, 0, most):
            bad(
                f"rules[{i}].value",
                rule.value,
                f"a value between 0 and {fmt(most)} ({rule.measure})",
            )


def _check_weights(s: Scenario, bad: _Report) -> None:
    _check_weight_table(s.weights, "weights", s.ranking, bad, user=s.ranking.weighting == "user")


def _check_weight_table(
    weights: Mapping[str, float], key: str, rs: RankingSettings, bad: _Report, *, user: bool
) -> None:
    """A table of criterion weights (``[weights]``, a stakeholder's): each weight in range, one
    above zero, and (when ``user`` weights rank) one above zero on a ranked criterion."""
    for name, w in weights.items():
        if outside(w, 0, lim.MAX_WEIGHT):
            bad(f"{key}.{name}", w, f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}")
    ranked = set(rs.criteria) or set(CRITERIA_BY_ID)
    if weights and not any(w > 0 for w in weights.values()):
        bad(key, dict(weights), "at least one weight > 0")
    elif (
        rs.criteria
        and user
        and any(c in CRITERIA_BY_ID for c in weights)  # unknown names are reported later
        and not any(w > 0 for c, w in weights.items() if c in ranked)
    ):
        bad(
            key,
            dict(weights),
            "a weight > 0 for at least one ranked criterion (ranking.criteria: "
            + ", ".join(rs.criteria)
            + ")",
        )


def _with_profiles(s: Scenario, shown: str, problems: list[Problem]) -> Scenario:
    """The scenario with its ``[stakeholders.NAME]`` tables checked and their values typed
    (weights as numbers, the AHP matrix as rows of numbers), every problem reported."""
    if not s.stakeholders:
        return s
    bad = _Report(shown, problems)
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
    bad = _Report(shown, problems)
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
        _check_weight_table(weights, key, rs, bad, user=True)
        return out | weights
    try:
        ahp = _AHP_ADAPTER.validate_python(table["ahp"])
    except ValidationError as exc:
        problems.extend(pydantic_problems(exc, shown, prefix=f"{key}.ahp"))
        return out
    if weights:
        bad(key, sorted(weights), "either weights or an ahp matrix, not both")
    _check_ahp(ahp, _ranked(rs), _Report(shown, problems, f"{key}."))
    return out | {"ahp": ahp}


def _check_robustness(s: Scenario, bad: _Report) -> None:
    r = s.robustness
    if outside(r.smaa_draws, 0, lim.MAX_SMAA_DRAWS):
        bad(
            "robustness.smaa_draws",
            r.smaa_draws,
            f"a number of draws between 0 and {fmt(lim.MAX_SMAA_DRAWS)}",
        )
    if r.weight_band is not None and not 0 <= r.weight_band <= 1:
        bad(
            "robustness.weight_band",
            r.weight_band,
            "a band between 0 and 1, or no key for weights uniform on the simplex",
        )
    if not 0 <= r.cost_uncertainty < 1:
        bad("robustness.cost_uncertainty", r.cost_uncertainty, "a share between 0 and 1")
    if r.method not in KERNELS:
        bad(
            "robustness.method",
            r.method,
            "one of " + ", ".join(KERNELS) + " (the methods SMAA and the stability intervals use)",
        )


def _check_ranking(rs: RankingSettings, bad: _Report) -> None:
    """Ranking settings that cannot work: no method, an order, points or a pairwise matrix
    that do not fit the criteria ranked."""
    known = ", ".join(CRITERIA_BY_ID)
    if not rs.methods:
        bad("methods", [], "at least one method: " + ", ".join(METHOD_NAMES))
    _check_listed("methods", rs.methods, METHOD_NAMES, "one of " + ", ".join(METHOD_NAMES), bad)
    _check_listed("criteria", rs.criteria, CRITERIA_BY_ID, "a criterion: " + known, bad)
    used = _ranked(rs)
    _check_listed("order", rs.order, CRITERIA_BY_ID, "a criterion: " + known, bad, " in the order")
    if rs.weighting == "roc":
        missing = [c for c in used if c not in rs.order]
        if missing:
            bad(
                "order",
                list(rs.order),
                "every criterion ranked, most important first, for ROC weighting; missing: "
                + ", ".join(missing),
            )
    _check_swing(rs, used, bad)
    if rs.ahp or rs.weighting == "ahp":
        _check_ahp(rs.ahp, used, bad)


def _ranked(rs: RankingSettings) -> list[str]:
    """The criteria ranked, in order: those ``ranking.criteria`` lists (known ones), or all."""
    return list(dict.fromkeys(c for c in rs.criteria if c in CRITERIA_BY_ID)) or list(
        CRITERIA_BY_ID
    )


def _check_listed(
    key: str,
    items: Sequence[str],
    known: Sequence[str] | Mapping[str, object],
    expected: str,
    bad: _Report,
    where: str = "",
) -> None:
    """Each item of a list must be known and listed once."""
    noun = {"methods": "method", "criteria": "criterion", "order": "criterion"}[key]
    for i, item in enumerate(items, start=1):
        if item not in known:
            bad(f"{key}[{i}]", item, expected)
        elif item in items[: i - 1]:
            bad(f"{key}[{i}]", item, f"each {noun} once{where}")


def _check_swing(rs: RankingSettings, used: list[str], bad: _Report) -> None:
    for c, points in rs.swing.items():
        if c not in CRITERIA_BY_ID:
            bad(f"swing.{c}", c, "a criterion: " + ", ".join(CRITERIA_BY_ID))
        elif outside(points, 0, lim.MAX_SWING_POINTS):
            bad(
                f"swing.{c}",
                points,
                f"points between 0 and {fmt(lim.MAX_SWING_POINTS)} (the most valued swing gets "
                f"{fmt(lim.MAX_SWING_POINTS)})",
            )
    points_ok = all(
        c in CRITERIA_BY_ID and not outside(v, 0, lim.MAX_SWING_POINTS) for c, v in rs.swing.items()
    )
    if rs.weighting == "swing" and points_ok and not any(rs.swing.get(c, 0) > 0 for c in used):
        bad(
            "swing",
            dict(rs.swing),
            "points > 0 for at least one ranked criterion for SWING weighting, e.g. "
            f"swing = {{ {used[0]} = 100 }}",
        )


def _check_ahp(ahp: tuple[tuple[float, ...], ...], used: list[str], bad: _Report) -> None:
    k = len(used)
    rows = [len(row) for row in ahp]
    if len(ahp) != k or any(n != k for n in rows):
        shape = f"{len(ahp)} rows of " + (
            f"{rows[0]} numbers" if len(set(rows)) == 1 else "different lengths"
        )
        bad(
            "ahp",
            shape if ahp else "no matrix",
            f"a {k} x {k} matrix of pairwise comparisons, one row and column per ranked "
            "criterion in the order " + ", ".join(used),
        )
        return
    low, high = lim.AHP_RANGE
    for i, row in enumerate(ahp, start=1):
        for j, v in enumerate(row, start=1):
            if outside(v, low, high):
                bad(
                    f"ahp[{i}][{j}]",
                    v,
                    f"a comparison between {fmt(low)} and {fmt(high)} (1 = equally "
                    "important, 9 = far more important, 1/9 = far less)",
                )


# --- writing a scenario back -------------------------------------------------------------------


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, as a TOML file would hold it (no reserved keys)."""
    d = dataclasses.asdict(scenario)
    for key in RESERVED[Scenario]:
        d.pop(key, None)
    if not d["stakeholders"]:
        # left out when empty, so that a scenario without profiles is written (and digested)
        # exactly as before profiles existed
        del d["stakeholders"]
    return _plain(d)


def _plain(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if hasattr(obj, "value") and isinstance(getattr(obj, "value", None), str):
        return obj.value
    return obj


def dump_scenario_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML that :func:`read_scenario` reads back to an equal scenario."""
    d = scenario_to_dict(scenario)
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in d.items():
        if value is None:
            continue
        if isinstance(value, dict) or (
            isinstance(value, list) and value and isinstance(value[0], dict)
        ):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in tables:
        if isinstance(value, list):
            for item in value:
                lines += ["", f"[[{key}]]"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
            continue
        nested = {k: v for k, v in value.items() if isinstance(v, dict)}
        flat = {k: v for k, v in value.items() if not isinstance(v, dict) and v is not None}
        if flat or not nested:
            lines += ["", f"[{key}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in flat.items()]
        for sub, table in nested.items():
            lines += ["", f"[{key}.{_toml_key(sub)}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML wants DEL escaped
    too and takes other characters (astral ones included) as they are."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"cannot write {value!r} as TOML")
