"""The scenario's settings in words, for the briefing's closing table: budget, what is compared,
the caps and rules changed, the weights, the methods and the robustness check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..cost_basis import CostBasis
from ..describe import (
    BACKSTOP_LABELS,
    CRITERIA_LABEL,
    cost_uncertainty_words,
    format_troops,
    method_label,
)
from ..formats import format_eur_bn, format_number
from ..model import Instance

__all__ = ["CONSENSUS", "setting_rows"]

_WEIGHTING = {
    "user": "set by the user (the scenario's weights or the app's sliders)",
    "equal": "equal weights",
    "entropy": "entropy weights (from how much each criterion varies across the packages)",
    "critic": "CRITIC weights (from each criterion's contrast and its conflict with the others)",
    "roc": "rank-order centroid weights (from the order of importance given)",
    "swing": "swing weights (points for each criterion's swing from worst to best)",
    "ahp": "AHP pairwise comparisons",
}


CONSENSUS = {
    "borda": "Borda count (each method gives points by rank)",
    "copeland": "Copeland (pairwise wins across the methods)",
}


_SENSE = {">=": "at least", "<=": "at most", "==": "exactly"}


#: Settings a scenario may change, in words: members' columns, elements', kinds of package'.
_FIELDS = {
    "position": "stated position",
    "role_stated": "stated role",
    "gdp_usd_bn": "GDP",
    "milex_usd_bn": "military expenditure",
    "active_personnel": "active personnel",
    "troop_pool": "troop pool",
    "max_troops_deployed": "deployed cap",
    "max_contribution_eur_m": "money cap",
    "ground_in_ukraine": "troops in Ukraine",
    "outside_ukraine": "forces outside Ukraine",
    "nato": "NATO member",
    "eu": "EU member",
    "nuclear": "nuclear power",
    "troops_per_unit": "troops per unit",
    "cost_eur_m": "cost per unit",
    "cost_low_eur_m": "lowest cost per unit",
    "cost_high_eur_m": "highest cost per unit",
    "deterrence": "deterrence points per unit",
    "early_warning_km": "early-warning km per unit",
    "warning_depth_km": "km seen behind the line per unit",
    "air_defence_k_km2": "air-defence cover per unit (1,000 km²)",
    "escalation": "escalation points per unit",
    "readiness_days": "readiness (days)",
    "troops_min": "minimum troops",
    "troops_max": "maximum troops",
    "troops_in_ukraine_max": "maximum troops in Ukraine",
    "required": "units required by kind of force",
    "min_coverage": "minimum share of the line watched",
    "min_nations": "minimum contributing nations",
    "min_nations_in_ukraine": "minimum nations with troops in Ukraine",
    "enablers": "enablers per 1,000 combat troops",
    "allowed_locations": "where its forces may be",
    "allowed_categories": "kinds of force allowed",
    "primary": "what it maximises",
}


_TROOP_FIELDS = {
    "active_personnel",
    "troop_pool",
    "max_troops_deployed",
    "troops_per_unit",
    "troops_min",
    "troops_max",
    "troops_in_ukraine_max",
}


def setting_rows(instance: Instance, analysis: Any) -> list[list[str]]:
    """The scenario's main settings in words: budget, what is compared, caps changed, weights."""
    s = instance.scenario
    rows = _scenario_rows(instance) + _coalition_rows(instance)
    rows += _weighting_rows(analysis)
    rows += _robustness_rows(instance, analysis)
    if s.description:
        rows.append(["Description (from the scenario file)", s.description])
    return rows


#: What each cost basis counts, in words (data/MODEL.md, "Cost basis").
_BASIS_WORDS = {
    CostBasis.FULL: "full annual cost of each unit (pay, sustainment, transport, wear, capital)",
    CostBasis.INCREMENTAL: "incremental cost: only what deploying each unit adds to keeping it at "
    "home",
}


def _scenario_rows(instance: Instance) -> list[list[str]]:
    """The scenario's name, budget, members, kinds of package, backstop, rotation and line."""
    s = instance.scenario
    data = instance.data
    backstop = data.parameters.backstop[s.us_backstop]
    return [
        ["Scenario", s.name],
        ["Budget", f"{format_eur_bn(s.budget_eur_bn)} a year"],
        ["Costs counted", _BASIS_WORDS[s.cost_basis]],
        [
            "Members",
            f"all {len(data.members)} members in the data"
            if not s.members
            else ", ".join(data.members[m].name for m in s.members if m in data.members),
        ],
        ["Kinds of package", ", ".join(a.name for a in data.archetypes.values())],
        [
            "US backstop",
            f"{BACKSTOP_LABELS[s.us_backstop]} (deterrence multiplied by "
            f"{backstop.deterrence_multiplier:g})",
        ],
        [
            "Rotation factor",
            f"{s.rotation_factor:g} (troops in a member's pool for each one deployed)",
        ],
        ["Line of contact", f"{s.line_length_km:,.0f} km"],
    ]


def _coalition_rows(instance: Instance) -> list[list[str]]:
    """What the scenario asks of the coalition: burden sharing, lead nations, rules, and the
    members, elements and kinds of package it changes."""
    s = instance.scenario
    data = instance.data
    rows = []
    if s.burden_sharing is not None:
        left_out = ", ".join(
            data.members[m].name if m in data.members else m for m in s.burden_sharing.exclude
        )
        rows.append(
            [
                "Burden-sharing band",
                f"each contributor pays within ±{s.burden_sharing.band:.0%} of its GDP share"
                + (f"; left out: {left_out}" if left_out else ""),
            ]
        )
    if s.lead_nations is not None:
        leads = " and ".join(
            data.members[m].name if m in data.members else m for m in s.lead_nations.members
        )
        rows.append(
            [
                "Lead nations",
                f"{leads} field at least {s.lead_nations.min_troop_share:.0%} of the troops",
            ]
        )
    rows += [["Rule", _rule_words(instance, r)] for r in s.rules]
    rows += [
        [
            f"Changed for {data.members[m].name}" if m in data.members else f"Changed for {m}",
            _changes(t),
        ]
        for m, t in s.member_overrides.items()
    ]
    for kind, table in (("element", s.element_overrides), ("archetype", s.archetype_overrides)):
        names: Mapping[str, Any] = data.elements if kind == "element" else data.archetypes
        rows += [
            [f"Changed for {names[i].name}" if i in names else f"Changed for {i}", _changes(t)]
            for i, t in table.items()
        ]
    return rows


def _weighting_rows(analysis: Any) -> list[list[str]]:
    """The weights, how they were set, the criteria left out and the methods."""
    weights = ", ".join(
        f"{CRITERIA_LABEL.get(c, c)} {w:.0%}"
        for c, w in zip(analysis.ranking.matrix.criteria, analysis.ranking.weights, strict=True)
    )
    rows = [["Weights", weights]]
    rows.append(["How weighted", _WEIGHTING.get(analysis.weights.scheme, analysis.weights.scheme)])
    if analysis.ranking.dropped:
        rows.append(
            [
                "Left out of the ranking",
                "; ".join(
                    f"{CRITERIA_LABEL.get(c, c)} ({why})" for c, why in analysis.ranking.dropped
                ),
            ]
        )
    rows.append(
        [
            "Ranking methods",
            ", ".join(method_label(m) for m in analysis.ranking.results)
            + f"; consensus by {CONSENSUS.get(analysis.ranking.consensus_rule, '')}",
        ]
    )
    return rows


def _robustness_rows(instance: Instance, analysis: Any) -> list[list[str]]:
    """How the robustness was checked (none without SMAA draws)."""
    if analysis.smaa is None:
        return []
    sm = analysis.smaa
    spread = (
        "uniform over every possible weighting"
        if sm.weight_band is None
        else f"within ±{sm.weight_band:.0%} of the weights above"
    )
    cost = instance.scenario.robustness.cost_uncertainty
    return [
        [
            "Robustness",
            f"{sm.draws:,} weight draws {spread}, ranked by {method_label(sm.method)}"
            + cost_uncertainty_words(cost, prefix="; ")
            + f"; seed {sm.seed}",
        ]
    ]


def _rule_words(instance: Instance, rule: Any) -> str:
    """A scenario rule in words: "Nordic members field at least 1 unit (of light infantry)"."""
    data = instance.data
    if rule.measure == "cost_eur_m":
        value = format_eur_bn(rule.value / 1000) + " a year"
    else:
        unit = rule.measure.removesuffix("s") if rule.value == 1 else rule.measure
        value = f"{format_number(rule.value)} {'troops' if unit == 'troop' else unit}"
    parts = [f"{rule.name}: {_SENSE.get(rule.sense, rule.sense)} {value}"]
    if rule.members:
        parts.append(
            "from "
            + ", ".join(data.members[m].name if m in data.members else m for m in rule.members)
        )
    of = [data.elements[e].name if e in data.elements else e for e in rule.elements]
    of += [c.value.replace("_", " ") for c in rule.categories]
    if of:
        parts.append("of " + ", ".join(of))
    if rule.archetypes:
        parts.append(
            "in "
            + ", ".join(
                data.archetypes[a].name if a in data.archetypes else a for a in rule.archetypes
            )
        )
    return " ".join(parts)


def _changes(table: Mapping[str, Any]) -> str:
    """A scenario's override table in words: "troops in Ukraine allowed; money cap EUR 500 m"."""
    return "; ".join(
        f"{_FIELDS.get(k, k.replace('_', ' '))} {_value(k, v)}" for k, v in table.items()
    )


def _value(field: str, value: Any) -> str:
    """One overridden value in words, in the format of its unit."""
    if isinstance(value, bool):
        if field in ("ground_in_ukraine", "outside_ukraine"):
            return "allowed" if value else "not allowed"
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{_value(field, v)} {str(k).replace('_', ' ')}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(field, v) for v in value)
    if isinstance(value, (int, float)):
        if field.endswith("_eur_m"):
            return format_eur_bn(value / 1000) + (" a year" if field.startswith("max_") else "")
        if field.endswith("_usd_bn"):
            return f"USD {value:,.0f} bn"
        if field in _TROOP_FIELDS:
            return format_troops(value)
        if field == "min_coverage":
            return f"{value:.0%}"
        return format_number(value)
    return str(value).replace("_", " ") if field in ("position", "primary") else str(value)
