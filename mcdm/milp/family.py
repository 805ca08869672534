"""What a constraint family is: the family names, the switches that turn families off to price
them, and the builder every family subclasses (:mod:`mcdm.milp.families` registers them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from ..model import Archetype, Element, Instance

if TYPE_CHECKING:
    from .build import BuildContext

__all__ = [
    "ConstraintFamily",
    "Family",
    "PriceOption",
    "Relax",
    "category_label",
    "troops_of",
]


class ConstraintFamily(StrEnum):
    """The families of constraints of data/MODEL.md, as the user knows them."""

    SCOPE = "scope"  # what a package of the archetype may contain (locations, categories)
    US_BACKSTOP = "us_backstop"  # what the US backstop option lets the US send
    REFUSALS = "refusals"  # members' stated refusals (troops in Ukraine, bases outside it)
    RESTRICTIONS = "restrictions"  # members' stated restrictions by zone and category
    STRAITS = "straits"  # the Turkish Straits (Montreux): Black Sea ships of Black Sea states
    AVAILABILITY = "availability"  # units of each element a member can field
    BUDGET = "budget"
    TROOP_POOLS = "troop_pools"
    MONEY_CAPS = "money_caps"
    TROOP_WINDOW = "troop_window"  # the archetype's troop minimum and maxima
    CAPABILITIES = "capabilities"  # the archetype's required units per category
    COVERAGE = "coverage"  # the archetype's share of the line watched
    NATIONS = "nations"  # the archetype's contributing nations (in all, in Ukraine)
    ENABLERS = "enablers"  # logistics, medical and HQ units per 1,000 combat troops
    AIR_SUPPORT = "air_support"  # AEW orbits and tankers for the fighters' patrol hours
    BURDEN_SHARING = "burden_sharing"
    LEAD_NATIONS = "lead_nations"
    RULES = "rules"  # the scenario's own rules
    RESILIENCE = "resilience"  # the requirements again after each withdrawal scenario


@dataclass(frozen=True)
class Relax:
    """Constraint families, or single items of one (a member's refusal, one rule), switched off
    to price them: "what does this constraint cost?".

    ``switches`` holds ``(family, None)`` for a whole family and ``(family, item)`` for one item.
    """

    switches: frozenset[tuple[ConstraintFamily, str | None]] = frozenset()

    @classmethod
    def of(cls, family_: ConstraintFamily, *items: str) -> Relax:
        """The whole family, or only the given items of it."""
        if not items:
            return cls(frozenset({(family_, None)}))
        return cls(frozenset((family_, item) for item in items))

    def covers(self, family_: ConstraintFamily, item: str | None = None) -> bool:
        """Whether the family (or this item of it) is switched off."""
        return (family_, None) in self.switches or (
            item is not None and (family_, item) in self.switches
        )


@dataclass(frozen=True)
class PriceOption:
    """One constraint to price: the family name and label shown in prices.csv, what to switch
    off, and the group it belongs to (an option with a ``parent`` is priced only if its
    parent, which switches off the whole group, is not free: if lifting every refusal
    together buys nothing, no single refusal can)."""

    family: str
    label: str
    relax: Relax
    parent: str | None = None


class Family:
    """One constraint family. Subclasses set the class attributes and override the hooks."""

    family: ClassVar[ConstraintFamily]
    #: What people call it, as in data/MODEL.md's constraint table.
    label: ClassVar[str]
    #: Where its rows enter the model: rows are added sorted by (section, member, order).
    section: ClassVar[int] = 9
    #: A row of this family binds when less than one unit's worth of room is left.
    unit_room: ClassVar[bool] = False
    #: Rows of the families of one section that say so are added member by member.
    by_member: ClassVar[bool] = False
    #: The family acts only through which member-element pairs a model has and their bounds
    #: (``allows`` and ``bound``), never through rows: switching it off changes the model only
    #: if it changes the pairs (:func:`mcdm.milp.build.pairs_and_bounds`). The prices solve
    #: options that leave the same pairs once.
    acts_through_pairs: ClassVar[bool] = False

    def allows(self, instance: Instance, archetype: Archetype, relax: Relax, mid: str, e: Element):
        """Whether member ``mid`` may send units of element ``e`` at all (None: no opinion)."""
        return None

    def bound(self, instance: Instance, relax: Relax, mid: str, e: Element) -> int | None:
        """The most units of ``e`` that member ``mid`` can send under this family alone."""
        return None

    def add(self, ctx: BuildContext) -> None:
        """Add this family's rows (and requirements) to the model being built."""

    def price_options(self, instance: Instance, archetype_id: str) -> list[PriceOption]:
        """The ways this family can be switched off to price it (none: it is not priced)."""
        return []


def troops_of(e: Element) -> float:
    return e.troops_per_unit


def category_label(cat: str) -> str:
    return str(cat).replace("_", " ")
