"""Constraint families: each one declares, in one place, everything the tool does with it.

A family is a small builder: which member-element pairs it allows and how many units of each
(before the variables exist), the rows it adds to the model, its label for people, whether and
how it can be switched off to price it, and (through the labels of its requirements) how its
shortfall is worded. :data:`REGISTRY` lists them in the order their rows enter the model; the
budget frontier, the prices, the infeasibility explanations and the binding report iterate over
it, and ``tests/checker.py`` holds one independent check per family. Adding a family is one
class (here or in :mod:`~mcdm.milp.supply`, :mod:`~mcdm.milp.requirements`,
:mod:`~mcdm.milp.politics`, :mod:`~mcdm.milp.air_support`), its entry in the registry and one
check there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import US_MEMBER_ID, Instance, Location
from .air_support import AirSupport
from .family import ConstraintFamily, Family, PriceOption, Relax
from .politics import BurdenSharing, LeadNations, Restrictions, Rules, Straits
from .requirements import Capabilities, Coverage, Enablers, Nations, TroopWindow
from .resilience import Resilience
from .supply import Budget, MoneyCaps, TroopPools

if TYPE_CHECKING:
    pass

__all__ = [
    "REGISTRY",
    "ConstraintFamily",
    "Family",
    "PriceOption",
    "Relax",
    "family",
]


# --- what a package may contain -----------------------------------------------------------------


class Scope(Family):
    family = ConstraintFamily.SCOPE
    acts_through_pairs = True
    label = "what the kind of package may contain"

    def allows(self, instance, archetype, relax, mid, e):
        return (
            e.location in archetype.allowed_locations
            and e.category in archetype.allowed_categories
            and e.element_id not in archetype.excluded_elements
        )


class USBackstopScope(Family):
    family = ConstraintFamily.US_BACKSTOP
    acts_through_pairs = True
    label = "what the US backstop lets the US send"

    def allows(self, instance, archetype, relax, mid, e):
        if mid != US_MEMBER_ID:
            return None
        b = instance.backstop
        return e.category in b.us_categories and e.location in b.us_locations


class Refusals(Family):
    family = ConstraintFamily.REFUSALS
    acts_through_pairs = True
    label = "the members' stated refusals"

    def allows(self, instance, archetype, relax, mid, e):
        if mid == US_MEMBER_ID:
            return None  # the US backstop option governs what the US sends
        if e.category.is_funding:
            return None  # money for Ukraine's own forces sends none of the member's people
        m = instance.data.members[mid]
        if e.location is Location.IN_UKRAINE and not m.ground_in_ukraine:
            return relax.covers(self.family, mid)
        return not (e.location is Location.OUTSIDE_UKRAINE and not m.outside_ukraine)

    def price_options(self, instance, archetype_id):
        a = instance.data.archetypes[archetype_id]
        if Location.IN_UKRAINE not in a.allowed_locations:
            return []
        refusing = refusing_members(instance, archetype_id)
        if not refusing:
            return []
        group = "all refusals to station troops in Ukraine"
        return [PriceOption("refusals", group, Relax.of(self.family, *refusing))] + [
            PriceOption(
                "refusal",
                f"{instance.data.members[mid].name}'s refusal",
                Relax.of(self.family, mid),
                parent=group,
            )
            for mid in refusing
        ]


def refusing_members(instance: Instance, archetype_id: str) -> list[str]:
    """Members that refuse to station troops in Ukraine but could field units the archetype
    allows there."""
    data = instance.data
    a = data.archetypes[archetype_id]
    return sorted(
        mid
        for mid, m in data.members.items()
        if not m.ground_in_ukraine
        and mid != US_MEMBER_ID
        and any(
            data.elements[e].location is Location.IN_UKRAINE
            and not data.elements[e].category.is_funding
            and data.elements[e].category in a.allowed_categories
            for (mm, e), n in data.availability.items()
            if mm == mid and n > 0
        )
    )


class Availability(Family):
    family = ConstraintFamily.AVAILABILITY
    acts_through_pairs = True
    label = "the units each member can field"

    def bound(self, instance, relax, mid, e):
        return instance.data.availability[(mid, e.element_id)]


#: Every family, in the order its rows enter the model (see ``Family.section``).
REGISTRY: tuple[Family, ...] = (
    Scope(),
    USBackstopScope(),
    Refusals(),
    Restrictions(),
    Straits(),
    Availability(),
    Budget(),
    MoneyCaps(),  # (rows enter member by member with the troop pools', see Family.section)
    TroopPools(),
    TroopWindow(),
    Capabilities(),
    Coverage(),
    Nations(),
    Enablers(),
    AirSupport(),
    BurdenSharing(),
    LeadNations(),
    Rules(),
    Resilience(),
)
_BY_FAMILY = {f.family: f for f in REGISTRY}


def family(which: ConstraintFamily) -> Family:
    """The registered builder of a family."""
    return _BY_FAMILY[which]
