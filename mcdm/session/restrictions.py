"""The scenario form's political switches: the members' stated restrictions (restrictions.csv),
one checkbox each, and whether Türkiye lets mine-countermeasure ships through the Straits. They
map to the keys a scenario file sets (``[restrictions] conditional/lift`` and ``[maritime]
straits_open``), so that the app and a scenario file agree."""

from __future__ import annotations

import dataclasses

from ..milp.politics import restriction_in_force
from ..model import Dataset, Restriction, RestrictionKind, RestrictionSettings, Scenario, Zone
from .words import humanise

__all__ = [
    "STRAITS_LABEL",
    "applied_restrictions",
    "restriction_help",
    "restriction_label",
    "restriction_settings",
    "straits_help",
]

#: The Straits checkbox, in plain words.
STRAITS_LABEL = "Türkiye lets mine-countermeasure ships through the Straits"

_ZONE_WORDS = {
    Zone.LINE_OF_CONTACT: "near the line of contact",
    Zone.NORTHERN_BORDER: "on the northern border",
    Zone.REAR: "in the rear of Ukraine",
    Zone.OUTSIDE_UKRAINE: "outside Ukraine",
    Zone.BLACK_SEA: "in the Black Sea",
    Zone.REMOTE: "from home or space",
}
_IN_UKRAINE = frozenset({Zone.LINE_OF_CONTACT, Zone.NORTHERN_BORDER, Zone.REAR})


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def restriction_label(r: Restriction, data: Dataset) -> str:
    """A restriction in a few words: "France: no units near the line of contact or on the
    northern border"; a conditional one says so."""
    member = data.members.get(r.member_id)
    name = member.name if member is not None else r.member_id
    what = _or([humanise(str(c)) for c in r.categories]) + " units" if r.categories else "units"
    zones = set(r.zones)
    if not zones:
        where = ""
    elif zones == _IN_UKRAINE:
        where = " in Ukraine"
    else:
        where = " " + _or([_ZONE_WORDS[z] for z in Zone if z in zones])
    text = f"{name}: no {what}{where}"
    return text + (" (conditional)" if r.kind is RestrictionKind.CONDITIONAL else "")


def restriction_help(r: Restriction) -> str:
    """What the member said (restrictions.csv's notes), the condition, the sources, and the
    scenario key that lifts it."""
    said = r.notes or r.restriction_id
    parts = [said if said.endswith((".", "!", "?")) else said + "."]
    if r.kind is RestrictionKind.CONDITIONAL and r.condition:
        parts.append(f"Holds unless {r.condition}.")
    if r.source:
        parts.append(f"Sources: {r.source.replace(';', ', ')}.")
    lift = f'[restrictions] lift = ["{r.restriction_id}"]'
    parts.append(f"Untick to lift it (scenario file: {lift}).")
    return " ".join(p for p in parts if p)


def straits_help(data: Dataset) -> str:
    """The Straits checkbox's help: the Montreux Convention, the Black Sea states of the data,
    and the scenario key."""
    states = [m.name for m in data.members.values() if m.black_sea]
    who = f" ({', '.join(states)})" if states else ""
    return (
        "Under the Montreux Convention (1936), in time of war Türkiye closes the Bosporus and "
        "the Dardanelles to belligerents' warships; it has done so since 2022 and in January "
        "2024 refused passage to two minehunters the UK gave Ukraine (MONTREUX-2024). "
        f"Unticked, only the ships of Black Sea states{who} serve in the Black Sea; ticked, "
        "every member's can. Scenario file: [maritime] straits_open."
    )


def applied_restrictions(scenario: Scenario, data: Dataset) -> tuple[str, ...]:
    """The ids of the restrictions a scenario leaves in force, in the data's order."""
    settings = scenario.restrictions
    return tuple(rid for rid, r in data.restrictions.items() if restriction_in_force(r, settings))


def restriction_settings(
    base: Scenario, applied: tuple[str, ...], data: Dataset
) -> RestrictionSettings:
    """The ``[restrictions]`` that leave exactly ``applied`` in force: the preset's own if it
    already does (a scenario file passes through the app unchanged), else every other
    restriction lifted by id."""
    if set(applied) == set(applied_restrictions(base, data)):
        return base.restrictions
    lift = tuple(rid for rid in data.restrictions if rid not in applied)
    return dataclasses.replace(base.restrictions, conditional="hold", lift=lift)
