"""The domain's enumerations: ranking methods, where and what an element is, a member's
position, confidence grades, the US backstop options and the measures an archetype can maximise.
Re-exported by :mod:`mcdm.model`, the place to import them from."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "COMBAT_CATEGORIES",
    "DEFAULT_METHODS",
    "METHOD_NAMES",
    "US_MEMBER_ID",
    "Category",
    "Confidence",
    "Location",
    "Measure",
    "Method",
    "Position",
    "RestrictionKind",
    "USBackstop",
    "Zone",
]


class Method(StrEnum):
    """The ranking methods: the one list of them. mcdm/ranking.py implements each (a test
    checks that it does); mcdm/kernels.py holds vectorised kernels for those SMAA can use."""

    TOPSIS = "TOPSIS"
    VIKOR = "VIKOR"
    PROMETHEE_II = "PROMETHEE_II"
    SPOTIS = "SPOTIS"
    WASPAS = "WASPAS"
    COPRAS = "COPRAS"
    MABAC = "MABAC"
    WSM = "WSM"
    WPM = "WPM"
    ARAS = "ARAS"
    EDAS = "EDAS"
    MOORA = "MOORA"
    CODAS = "CODAS"
    MARCOS = "MARCOS"
    OCRA = "OCRA"

    @property
    def default(self) -> bool:
        """Whether the method ranks unless a scenario or user names others."""
        return self in _DEFAULT_METHODS


_DEFAULT_METHODS = frozenset(
    {
        Method.TOPSIS,
        Method.VIKOR,
        Method.PROMETHEE_II,
        Method.SPOTIS,
        Method.WASPAS,
        Method.COPRAS,
        Method.MABAC,
    }
)
#: The ranking methods used unless a scenario or user names others, in the enum's order.
DEFAULT_METHODS: tuple[str, ...] = tuple(m.value for m in Method if m.default)
#: Every method's name (the values of :class:`Method`).
METHOD_NAMES: tuple[str, ...] = tuple(m.value for m in Method)


class Location(StrEnum):
    """Where an element's people and kit are based during the mission."""

    IN_UKRAINE = "in_ukraine"
    OUTSIDE_UKRAINE = "outside_ukraine"
    REMOTE = "remote"


class Zone(StrEnum):
    """Where an element serves, finer than its :class:`Location`: near the line of contact, on
    the northern border (Belarus and Russia), in the rear (hubs, depots, Kyiv), outside Ukraine
    (neighbouring NATO territory), in the Black Sea, or remote (space, home bases)."""

    LINE_OF_CONTACT = "line_of_contact"
    NORTHERN_BORDER = "northern_border"
    REAR = "rear"
    OUTSIDE_UKRAINE = "outside_ukraine"
    BLACK_SEA = "black_sea"
    REMOTE = "remote"

    @property
    def location(self) -> Location:
        """The location every element of this zone must have."""
        return _ZONE_LOCATION[self]


_ZONE_LOCATION = {
    Zone.LINE_OF_CONTACT: Location.IN_UKRAINE,
    Zone.NORTHERN_BORDER: Location.IN_UKRAINE,
    Zone.REAR: Location.IN_UKRAINE,
    Zone.OUTSIDE_UKRAINE: Location.OUTSIDE_UKRAINE,
    Zone.BLACK_SEA: Location.OUTSIDE_UKRAINE,  # ships at sea, not troops on Ukrainian soil
    Zone.REMOTE: Location.REMOTE,
}


class Category(StrEnum):
    """Kind of force an element belongs to; archetype requirements are stated per category."""

    GROUND_COMBAT = "ground_combat"
    LIGHT_INFANTRY = "light_infantry"
    AIR_DEFENCE = "air_defence"
    AIR = "air"
    AEW = "aew"  # airborne early warning and control (AWACS class): enables fighter patrols
    TANKER = "tanker"  # air-to-air refuelling: enables fighter patrols
    ISR = "isr"
    SENSORS = "sensors"
    OBSERVER = "observer"
    ENGINEER = "engineer"
    LOGISTICS = "logistics"
    MEDICAL = "medical"
    HQ = "hq"
    NAVAL = "naval"
    TRAINING = "training"
    #: Ukraine's own brigades and air defence, funded and equipped by the coalition: money
    #: paid, no member's people sent (data/MODEL.md, "Ukraine's own forces").
    UKRAINE_FORCES = "ukraine_forces"

    @property
    def is_funding(self) -> bool:
        """Whether a unit of this kind is money for Ukraine's own forces, not people sent: no
        refusal, restriction or strait bars it, and its payer is no nation of the force."""
        return self is Category.UKRAINE_FORCES


#: Categories whose units count as "combat units" in the enabler ratios.
COMBAT_CATEGORIES = frozenset({Category.GROUND_COMBAT, Category.LIGHT_INFANTRY})


class Position(StrEnum):
    """A member's stated position on contributing to a post-ceasefire force."""

    COMMITTED = "committed"
    IN_PRINCIPLE = "in_principle"
    CONDITIONAL = "conditional"
    UNDECIDED = "undecided"
    NO_GROUND = "no_ground"
    OPTED_OUT = "opted_out"
    UNSTATED = "unstated"
    BACKSTOP = "backstop"

    @property
    def is_uncertain(self) -> bool:
        """Whether a contribution from a member in this position may not materialise."""
        return self in _UNCERTAIN


_UNCERTAIN = frozenset(
    {Position.CONDITIONAL, Position.UNDECIDED, Position.UNSTATED, Position.IN_PRINCIPLE}
)

#: The member id of the United States, whose contributions the backstop option governs.
US_MEMBER_ID = "USA"


class RestrictionKind(StrEnum):
    """A stated restriction is firm, or holds until its stated condition is met."""

    FIRM = "firm"
    CONDITIONAL = "conditional"


class Confidence(StrEnum):
    """Confidence in a figure: high, medium, low, or a modelling assumption (see SOURCES.md)."""

    H = "H"
    M = "M"
    L = "L"
    A = "A"


class USBackstop(StrEnum):
    """The United States' role: none, air power and ISR support, or an Article 5-like pledge."""

    NONE = "none"
    AIR_ISR = "air_isr"
    ARTICLE5 = "article5"


class Measure(StrEnum):
    """Quantities an archetype can maximise (its primary measure)."""

    DETERRENCE = "deterrence"
    EARLY_WARNING_KM = "early_warning_km"
    AIR_DEFENCE_K_KM2 = "air_defence_k_km2"
