"""People's words for the ids the app would otherwise show: settings, data columns, values.

The app shows these words; ids stay in the files it exports (scenario TOML, CSV). One place
for them, so that "what changed", the Compare page and the data tables say the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..criteria import CRITERIA_BY_ID
from ..formats import format_eur_bn, format_number
from ..model import COST_RANGES, Dataset, USBackstop

__all__ = [
    "ARCHETYPE_FIELDS",
    "BACKSTOP_WORDS",
    "BETTER_WORDS",
    "DETERRENCE_PART_HEADERS",
    "ELEMENT_FIELDS",
    "MEMBER_FIELDS",
    "RESTRICTION_FIELDS",
    "UNIT_FORMATS",
    "criterion_value",
    "describe_setting",
    "humanise",
    "value_words",
]

#: The members' columns (members.csv) in words.
MEMBER_FIELDS: Mapping[str, str] = {
    "member_id": "Id",
    "name": "Member",
    "position": "Stated position",
    "role_stated": "Stated role",
    "gdp_usd_bn": "GDP (USD bn)",
    "milex_usd_bn": "Military spending (USD bn)",
    "active_personnel": "Active personnel",
    "troop_pool": "Troop pool",
    "max_troops_deployed": "Deployed cap",
    "max_contribution_eur_m": "Money cap (EUR m/yr)",
    "ground_in_ukraine": "Troops in Ukraine",
    "outside_ukraine": "Forces outside Ukraine",
    "nato": "NATO",
    "eu": "EU",
    "nuclear": "Nuclear power",
    "source": "Sources",
    "confidence": "Confidence",
    "notes": "Notes",
    "black_sea": "Black Sea state",
}

#: The elements' columns (elements.csv) in words.
ELEMENT_FIELDS: Mapping[str, str] = {
    "element_id": "Id",
    "name": "Element",
    "category": "Kind of force",
    "location": "Based",
    "zone": "Zone",
    "troops_per_unit": "Troops per unit",
    "cost_eur_m": "Cost per unit (EUR m/yr)",
    "cost_low_eur_m": "Cost per unit, low (EUR m/yr)",
    "cost_high_eur_m": "Cost per unit, high (EUR m/yr)",
    "deterrence": "Deterrence per unit (points, no longer used)",
    "early_warning_km": "Early warning per unit (km of line)",
    "air_defence_k_km2": "Air-defence cover per unit (1,000 km2)",
    "escalation": "Escalation risk per unit (points)",
    "readiness_days": "Readiness (days)",
    "source": "Sources",
    "confidence": "Confidence",
    "notes": "Notes",
    "combat_power": "Ground combat power per unit (mechanised-infantry equivalents)",
    "armed_troops": "Armed combat troops per unit",
    "patrol_hours": "Air patrol hours on station per unit (h/yr)",
    "warning_depth_km": "Sees behind the line of contact (km)",
}

#: The parts of deterrence (mcdm.criteria.DETERRENCE_PARTS) as table headers.
DETERRENCE_PART_HEADERS: Mapping[str, str] = {
    "denial": "Deterrence from combat power (points)",
    "tripwire": "Deterrence from flags at risk (points)",
    "backstop": "Deterrence added by the US (points)",
}

#: The kinds of package's fields (archetypes.toml) in words.
ARCHETYPE_FIELDS: Mapping[str, str] = {
    "archetype_id": "Id",
    "name": "Kind of package",
    "description": "What it is",
    "primary": "Measured by",
    "troops_min": "Troops, at least",
    "troops_max": "Troops, at most",
    "troops_in_ukraine_max": "Troops in Ukraine, at most",
    "required": "Units it needs",
    "min_coverage": "Share of the line watched, at least",
    "min_nations": "Nations, at least",
    "min_nations_in_ukraine": "Nations in Ukraine, at least",
    "enablers": "Enabler units per 1,000 combat troops",
    "allowed_locations": "Where its forces may be",
    "allowed_categories": "Kinds of force it may use",
    "excluded_elements": "Elements it never holds",
    "troops_counted": "Troops counted",
    "source": "Sources",
    "confidence": "Confidence",
}

#: The members' stated restrictions (restrictions.csv) in words.
RESTRICTION_FIELDS: Mapping[str, str] = {
    "restriction_id": "Id",
    "member_id": "Member",
    "zones": "Zones it bars",
    "categories": "Kinds of force it bars",
    "kind": "Firm or conditional",
    "condition": "Condition",
    "source": "Sources",
    "confidence": "Confidence",
    "notes": "Notes",
}

#: What being better on each criterion means, in words ("cheaper", "ready sooner").
BETTER_WORDS: Mapping[str, str] = {
    "deterrence": "more deterrence",
    "annual_cost_eur_bn": "cheaper",
    "troops_exposed": "fewer troops exposed",
    "early_warning_pct": "watches more of the line and behind it",
    "air_defence_k_km2": "more air-defence cover",
    "escalation_risk": "less escalation risk",
    "burden_gap_pct": "burden shared more in line with GDP",
    "nations": "more contributing nations",
    "readiness_days": "ready sooner",
    "political_risk_pct": "less political risk",
}

#: One format a unit (printf style, as tables show numbers): money in EUR bn to two decimals,
#: EUR m and troops whole with thousands separators.
UNIT_FORMATS: Mapping[str, str] = {
    "EUR bn/yr": "%.2f",
    "EUR bn": "%.2f",
    "EUR m/yr": "%,.0f",
    "EUR m": "%,.0f",
    "USD bn": "%,.0f",
    "troops": "%,d",
    "points": "%,.1f",
    "%": "%.1f",
    "% of line": "%.1f",
    "% of cost": "%.1f",
    "1,000 km2": "%,.1f",
    "count": "%d",
    "days": "%d",
    "km": "%,.0f",
    "share": "%.2f",
}


def criterion_value(cid: str, value: float) -> str:
    """A criterion's value as tables show it (its unit's format of :data:`UNIT_FORMATS`)."""
    c = CRITERIA_BY_ID.get(cid)
    fmt = UNIT_FORMATS.get(c.unit, "%,.2f") if c else "%,.2f"
    return _printf(fmt, value)


def _printf(fmt: str, value: float) -> str:
    """A value in one of the :data:`UNIT_FORMATS` (``%,`` separates thousands, as the app's
    tables do)."""
    decimals = 0 if fmt.endswith("d") else int(fmt.split(".")[1][0])
    return f"{value:{',' if ',' in fmt else ''}.{decimals}f}"


BACKSTOP_WORDS: Mapping[str, str] = {
    USBackstop.NONE: "none",
    USBackstop.AIR_ISR: "air power and ISR",
    USBackstop.ARTICLE5: "Article 5-like pledge",
}

_WEIGHTING_WORDS = {
    "user": "my weights",
    "equal": "equal",
    "entropy": "entropy",
    "critic": "CRITIC",
    "ahp": "AHP comparisons",
    "roc": "rank order (ROC)",
    "swing": "swing",
}

#: Settings of a scenario (dotted keys) in words; weights, swing points and overrides are
#: worded by :func:`describe_setting` from the criterion, member, element or kind they name.
_SETTINGS = {
    "budget_eur_bn": "Annual budget",
    "budget_basis": "Budget counts",
    "horizon_years": "Horizon (years)",
    "discount_rate": "Discount rate",
    "funding": "Pooled funding",
    "funding.instrument": "Pooled instrument",
    "funding.eu_share": "Pooled share of EU members' costs",
    "funding.shares": "Pooled shares by member",
    "rotation_factor": "Rotation factor",
    "line_length_km": "Line of contact",
    "threat_troops": "Russian troops in theatre",
    "us_backstop": "US backstop",
    "restrictions.conditional": "Conditional restrictions",
    "restrictions.lift": "Stated restrictions lifted",
    "maritime.straits_open": "Straits open to mine-countermeasure ships",
    "cost_basis": "Cost basis",
    "members": "Members taking part",
    "archetypes": "Kinds of package",
    "seed": "Random seed",
    "frontier.levels": "Budget levels per kind of package",
    "frontier.alternatives": "Alternatives per kind of package",
    "frontier.troop_levels": "Troop levels per kind of package",
    "solver.name": "Solver",
    "solver.time_limit_s": "Solver time limit (s)",
    "solver.mip_gap": "Solver optimality gap",
    "solver.node_limit": "Solver node limit",
    "solver.tie_break_time_s": "Solver tie-break time (s)",
    "burden_sharing": "Burden-sharing band",
    "burden_sharing.band": "Burden-sharing band",
    "burden_sharing.exclude": "Outside the burden-sharing band",
    "lead_nations": "Lead nations",
    "lead_nations.members": "Lead nations",
    "lead_nations.min_troop_share": "Lead nations' share of troops, at least",
    "rules": "Rules",
    "resilience.withdrawals": "Withdrawals every package survives",
    "resilience.members": "Members that may withdraw",
    "ranking.methods": "Ranking methods",
    "ranking.weighting": "Weighting",
    "ranking.consensus": "Consensus rule",
    "ranking.order": "Criteria in order of importance",
    "ranking.ahp": "AHP comparisons",
    "ranking.criteria": "Criteria ranked on",
    "robustness.smaa_draws": "SMAA weight draws",
    "robustness.method": "SMAA method",
    "robustness.weight_band": "Weight band",
    "robustness.cost_uncertainty": "Cost uncertainty",
}


#: Ids whose words are not the id with spaces (kinds of force, places, positions).
_ID_WORDS = {
    "isr": "ISR",
    "hq": "headquarters",
    "in_ukraine": "in Ukraine",
    "outside_ukraine": "outside Ukraine",
    "air_isr": "air power and ISR",
    "article5": "Article 5-like pledge",
}


def humanise(key: str) -> str:
    """An id as words: ``max_troops_deployed`` -> "max troops deployed", ``isr`` -> "ISR"."""
    return _ID_WORDS.get(key, key.replace("_", " ").strip())


def _names(ids: Sequence[Any], table: Mapping[str, Any] | None) -> str:
    if not ids:
        return "all"
    return ", ".join(
        str(getattr(table.get(str(i)), "name", i)) if table else humanise(str(i)) for i in ids
    )


def value_words(value: Any) -> str:
    """A setting's value for people: yes/no, none, lists joined, numbers as in sentences."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return format_number(float(value))
    if isinstance(value, Mapping):
        return "; ".join(f"{humanise(str(k))} {value_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(value_words(v) for v in value) if value else "none"
    return humanise(str(value))


def _percent(value: Any) -> str:
    return "none" if value is None else f"±{100 * float(value):.0f}%"


def _described_value(key: str, value: Any, data: Dataset | None) -> str:
    """The value of one setting in words (``key`` a dotted key of :func:`describe_setting`)."""
    members = data.members if data else None
    match key:
        case "budget_eur_bn":
            return format_eur_bn(float(value)) + " a year"
        case "line_length_km":
            return f"{float(value):,.0f} km"
        case "budget_basis":
            return "a year" if value == "annual" else "over the horizon (present value)"
        case "discount_rate":
            return f"{100 * float(value):.1f}% real"
        case "us_backstop":
            return BACKSTOP_WORDS.get(str(value), humanise(str(value)))
        case "members" | "burden_sharing.exclude" | "lead_nations.members":
            return _names(value or (), members)
        case "archetypes":
            return _names(value or (), data.archetypes if data else None)
        case "ranking.methods":
            return ", ".join(humanise(m) for m in value or ())
        case "ranking.weighting":
            return _WEIGHTING_WORDS.get(str(value), humanise(str(value)))
        case "ranking.consensus":
            return str(value).capitalize()
        case "ranking.order" | "ranking.criteria":
            if not value:
                return "all" if key == "ranking.criteria" else "none"
            return ", ".join(_criterion(c) for c in value)
        case "ranking.ahp":
            if not value:
                return "none"
            return "all equal" if all(v == 1 for row in value for v in row) else "edited"
        case "robustness.smaa_draws":
            return f"{int(value):,}"
        case "robustness.weight_band":
            return "uniform over every weighting" if value is None else _percent(value)
        case "robustness.cost_uncertainty":
            return "the data's cost ranges" if value == COST_RANGES else _percent(value)
        case "burden_sharing.band":
            return _percent(value)
        case "rules":
            return f"{len(value)} rules" if value else "none"
        case "restrictions.conditional":
            return "assumed met" if value == "lift" else "in force"
        case "restrictions.lift":
            restrictions = data.restrictions if data else {}
            return (
                ", ".join(
                    f"{_names([restrictions[r].member_id], members)} ({r})"
                    if r in restrictions
                    else r
                    for r in value or ()
                )
                or "none"
            )
    return value_words(value)


def _criterion(cid: str) -> str:
    c = CRITERIA_BY_ID.get(cid)
    return c.label.lower() if c else humanise(cid)


def _override(key: str, data: Dataset | None) -> tuple[str, Any] | None:
    """An override's words and the value the data hold without it (None: not an override)."""
    parts = key.split(".")
    tables = {
        "member_overrides": ("members", MEMBER_FIELDS),
        "element_overrides": ("elements", ELEMENT_FIELDS),
        "archetype_overrides": ("archetypes", ARCHETYPE_FIELDS),
    }
    if parts[0] not in tables or len(parts) < 2:
        return None
    table_name, fields = tables[parts[0]]
    table = getattr(data, table_name) if data else {}
    thing = table.get(parts[1])
    name = thing.name if thing is not None else parts[1]
    if len(parts) == 2:
        return f"{name}: every setting", None
    field = parts[2]
    # the unit goes with the value ("EUR 3,770 m a year"), not in the setting's name
    words = re.sub(r" \([^()]*\)$", "", fields.get(field, humanise(field)))
    return f"{name}: {words[:1].lower() + words[1:]}", getattr(thing, field, None)


def describe_setting(
    key: str, before: Any, after: Any, data: Dataset | None
) -> tuple[str, str, str]:
    """One setting that differs, in people's words: (setting, before, after).

    ``key`` is a dotted key of the scenario (``weights.annual_cost_eur_bn``,
    ``member_overrides.FRA.troop_pool``, ``robustness.weight_band``); ``None`` stands for a
    value the scenario leaves out. An override left out means the data's own value, which
    ``data`` gives.
    """
    parts = key.split(".")
    override = _override(key, data)
    if override is not None:
        label, own = override
        field = parts[-1]
        return (
            label,
            _field_value(field, own if before is None else before),
            _field_value(field, own if after is None else after),
        )
    if parts[0] == "weights" and len(parts) == 2:
        label = f"Weight on {_criterion(parts[1])}"
    elif key.startswith("ranking.swing.") and len(parts) == 3:
        label = f"Swing points for {_criterion(parts[2])}"
    else:
        label = _SETTINGS.get(key, humanise(key).capitalize())
    if key in ("ranking.swing", "weights", "member_overrides"):
        return label, value_words(before), value_words(after)
    return label, _described_value(key, before, data), _described_value(key, after, data)


def _field_value(field: str, value: Any) -> str:
    if value is None:
        return "none (pool / rotation)" if field == "max_troops_deployed" else "none"
    if field in ("troop_pool", "max_troops_deployed", "troops_per_unit", "active_personnel"):
        return f"{int(value):,}"
    if field.endswith("_eur_m"):
        return f"EUR {float(value):,.0f} m a year"
    return value_words(value)
