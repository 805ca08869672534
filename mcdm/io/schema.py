"""What each value users hand in must be: the data folder's CSV columns, the member and
element settings a scenario may override, and an archetype's table.

These declarations are shared by the data folder (:mod:`mcdm.io.data`), scenario files
(:mod:`mcdm.io.scenario`) and the application of a scenario to its data
(:mod:`mcdm.instance`), which parses override values with the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from .. import limits as lim
from ..errors import Problem
from ..limits import fmt
from ..model import Archetype, Category, Location, Position, RestrictionKind, Zone
from ._keys import keys_under
from ._parse import pydantic_problems
from ._values import Column, outside

__all__ = [
    "AVAILABILITY_COLUMNS",
    "CONFIDENCE",
    "ELEMENT_COLUMNS",
    "MEMBER_COLUMNS",
    "OVERRIDABLE_ELEMENT_COLUMNS",
    "OVERRIDABLE_MEMBER_COLUMNS",
    "RESTRICTION_COLUMNS",
    "archetype_from_table",
    "check_element_ids",
    "known_ids",
]

#: Confidence of a figure: high, medium, low, or an assumption.
CONFIDENCE = ("H", "M", "L", "A")

# --- CSV columns -------------------------------------------------------------------------------

MEMBER_COLUMNS = (
    Column("member_id", "id"),
    Column("name", "text"),
    Column("position", "choice", choices=tuple(p.value for p in Position)),
    Column("role_stated", "text", required=False),
    Column("gdp_usd_bn", "float", maximum=lim.MAX_GDP_USD_BN),
    Column("milex_usd_bn", "float", maximum=lim.MAX_MILEX_USD_BN),
    Column("active_personnel", "int", maximum=lim.MAX_TROOPS),
    Column("troop_pool", "int", maximum=lim.MAX_TROOPS),
    Column("max_troops_deployed", "int", required=False, maximum=lim.MAX_TROOPS),
    Column("max_contribution_eur_m", "float", maximum=lim.MAX_MONEY_EUR_M),
    Column("ground_in_ukraine", "bool"),
    Column("outside_ukraine", "bool"),
    Column("nato", "bool"),
    Column("eu", "bool", required=False),
    Column("nuclear", "bool", required=False),
    Column("source", "text"),
    Column("confidence", "choice", choices=CONFIDENCE),
    Column("notes", "text", required=False),
    # optional, so that a members file written before it still reads (no Black Sea state)
    Column("black_sea", "bool", required=False),
)
ELEMENT_COLUMNS = (
    Column("element_id", "id"),
    Column("name", "text"),
    Column("category", "choice", choices=tuple(c.value for c in Category)),
    Column("location", "choice", choices=tuple(loc.value for loc in Location)),
    Column("zone", "choice", choices=tuple(z.value for z in Zone)),
    Column("troops_per_unit", "int", maximum=lim.MAX_TROOPS_PER_UNIT),
    Column("cost_eur_m", "float", maximum=lim.MAX_COST_EUR_M),
    Column("cost_low_eur_m", "float", required=False, maximum=lim.MAX_COST_EUR_M),
    Column("cost_high_eur_m", "float", required=False, maximum=lim.MAX_COST_EUR_M),
    Column("deterrence", "float", maximum=lim.MAX_PER_UNIT_POINTS),
    Column("early_warning_km", "float", maximum=lim.MAX_KM),
    Column("air_defence_k_km2", "float", maximum=lim.MAX_AREA_K_KM2),
    Column("escalation", "float", maximum=lim.MAX_PER_UNIT_POINTS),
    Column("readiness_days", "int", maximum=lim.MAX_READINESS_DAYS),
    Column("source", "text"),
    Column("confidence", "choice", choices=CONFIDENCE),
    Column("notes", "text", required=False),
    # deterrence and air protection (data/MODEL.md); an absent column or empty cell is 0
    Column("combat_power", "float", required=False, maximum=lim.MAX_COMBAT_POWER),
    Column("armed_troops", "int", required=False, maximum=lim.MAX_TROOPS_PER_UNIT),
    Column("patrol_hours", "float", required=False, maximum=lim.MAX_PATROL_HOURS),
    # spent once, in year 0 (mcdm/horizon.py); an absent column or empty cell is 0
    Column("one_off_cost_eur_m", "float", required=False, maximum=lim.MAX_COST_EUR_M),
    # how far behind the line a unit sees (early warning in depth, data/MODEL.md); absent is 0
    Column("warning_depth_km", "float", required=False, maximum=lim.MAX_KM),
)
AVAILABILITY_COLUMNS = (
    Column("member_id", "id"),
    Column("element_id", "id"),
    Column("max_units", "int", maximum=lim.MAX_UNITS),
    Column("basis", "text", required=False),
    Column("source", "text"),
    Column("confidence", "choice", choices=CONFIDENCE),
)
#: A member's stated restrictions: ``zones`` and ``categories`` are lists separated by ";"
#: (empty: every zone, or every category; not both empty).
RESTRICTION_COLUMNS = (
    Column("restriction_id", "id"),
    Column("member_id", "id"),
    Column("zones", "text", required=False),
    Column("categories", "text", required=False),
    Column("kind", "choice", choices=tuple(k.value for k in RestrictionKind)),
    Column("condition", "text", required=False),
    Column("source", "text"),
    Column("confidence", "choice", choices=CONFIDENCE),
    Column("notes", "text", required=False),
)
#: Element columns a scenario's ``[element_overrides.<element_id>]`` table may set (an
#: element's kind and place are what it is: a unit elsewhere is another element).
OVERRIDABLE_ELEMENT_COLUMNS = {
    c.name: c
    for c in ELEMENT_COLUMNS
    if c.name not in ("element_id", "category", "location", "zone")
}
#: Member columns a scenario's ``[member_overrides.ISO3]`` table may set.
OVERRIDABLE_MEMBER_COLUMNS = {c.name: c for c in MEMBER_COLUMNS if c.name != "member_id"}


def known_ids(column: str, table: Mapping[str, object], file: str) -> str:
    """What an id that names nothing was expected to be: one of those listed in ``file``."""
    ids = list(table)
    shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
    article = "an" if column[0] in "aeiou" else "a"
    return f"{article} {column} listed in {file} ({shown})"


def check_element_ids(
    named: Iterable[tuple[str, str]],
    elements: Mapping[str, object],
    shown: str,
    problems: list[Problem],
) -> None:
    """A problem for each ``(key, element_id)`` whose id is not in elements.csv."""
    for key, eid in named:
        if eid not in elements:
            problems.append(
                Problem(
                    shown,
                    known_ids("element_id", elements, "elements.csv"),
                    column=key,
                    value=eid,
                )
            )


# --- archetypes --------------------------------------------------------------------------------

_ARCHETYPE_ADAPTER = TypeAdapter(Archetype)


def archetype_from_table(
    table: Mapping[str, Any], shown: str, key: str, problems: list[Problem]
) -> Archetype | None:
    """An archetype from its table (its id included), checked against the schema (pydantic)
    and then the ranges; None if the schema is not met. Every problem goes to ``problems``
    under the key path ``key``. Reads archetypes.toml and a scenario's archetype overrides
    alike."""
    try:
        a = _ARCHETYPE_ADAPTER.validate_python(dict(table))
    except ValidationError as exc:
        problems.extend(
            pydantic_problems(exc, shown, prefix=key, keys=lambda p: keys_under(Archetype, p))
        )
        return None
    _check_archetype(a, shown, key, problems)
    return a


def _check_archetype(a: Archetype, shown: str, key: str, problems: list[Problem]) -> None:
    def bad(field: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=f"{key}.{field}", value=value))

    troops = f"a whole number between 0 and {fmt(lim.MAX_TROOPS)}"
    if outside(a.troops_min, 0, lim.MAX_TROOPS):
        bad("troops_min", a.troops_min, "a whole number >= 0" if a.troops_min < 0 else troops)
    if a.troops_max is not None and outside(a.troops_max, a.troops_min, lim.MAX_TROOPS):
        bad(
            "troops_max",
            a.troops_max,
            f"a number >= troops_min ({a.troops_min})" if a.troops_max < a.troops_min else troops,
        )
    if a.troops_in_ukraine_max is not None and outside(a.troops_in_ukraine_max, 0, lim.MAX_TROOPS):
        bad("troops_in_ukraine_max", a.troops_in_ukraine_max, troops)
    if outside(a.min_coverage, 0, 1):
        bad("min_coverage", a.min_coverage, "a share between 0 and 1")
    nations = f"a whole number between 0 and {fmt(lim.MAX_NATIONS)}"
    if outside(a.min_nations, 0, lim.MAX_NATIONS):
        bad("min_nations", a.min_nations, nations)
    if outside(a.min_nations_in_ukraine, 0, lim.MAX_NATIONS):
        bad("min_nations_in_ukraine", a.min_nations_in_ukraine, nations)
    for cat, n in a.required.items():
        if outside(n, 0, lim.MAX_UNITS):
            bad(f"required.{cat}", n, f"a whole number of units between 0 and {fmt(lim.MAX_UNITS)}")
    for kind, ratio in a.enablers.items():
        if outside(ratio, 0, lim.MAX_ENABLER_RATIO):
            bad(
                f"enablers.{kind}",
                ratio,
                f"a ratio between 0 and {fmt(lim.MAX_ENABLER_RATIO)} (units per 1,000 combat "
                "troops)",
            )
    if not a.allowed_locations:
        bad("allowed_locations", [], "at least one location")
    if not a.allowed_categories:
        bad("allowed_categories", [], "at least one category")
    if a.confidence not in CONFIDENCE:
        bad("confidence", a.confidence, "one of " + ", ".join(CONFIDENCE))
