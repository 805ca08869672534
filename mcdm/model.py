"""Domain model: frozen value objects for members, elements, archetypes, scenarios and packages.

Every class here is a frozen dataclass; change one with :func:`dataclasses.replace`. Nothing here
reads files or calls a solver: :mod:`mcdm.io` builds these objects from validated input, and the
core trusts them. Scenario settings carry ``__pydantic_config__`` so that :mod:`mcdm.io` can
validate a TOML table straight into them with misspelt keys rejected (``extra="forbid"``); that
attribute is plain data and does not make this module depend on pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .enums import (
    COMBAT_CATEGORIES,
    DEFAULT_METHODS,
    METHOD_NAMES,
    US_MEMBER_ID,
    Category,
    Confidence,
    Location,
    Measure,
    Method,
    Position,
    RestrictionKind,
    USBackstop,
    Zone,
)
from .frozen import freeze_fields
from .resilience import ResilienceSettings

__all__ = [
    "COMBAT_CATEGORIES",
    "DEFAULT_METHODS",
    "METHOD_NAMES",
    "US_MEMBER_ID",
    "Archetype",
    "BackstopOption",
    "BurdenSharing",
    "Category",
    "Confidence",
    "Dataset",
    "Element",
    "FrontierSettings",
    "GroupRule",
    "Instance",
    "LeadNations",
    "Location",
    "MaritimeSettings",
    "Measure",
    "Member",
    "Method",
    "Parameters",
    "Position",
    "RankingSettings",
    "Restriction",
    "RestrictionKind",
    "RestrictionSettings",
    "RobustnessSettings",
    "Scenario",
    "SolverSettings",
    "USBackstop",
    "Zone",
]

_FORBID = {"extra": "forbid"}


@dataclass(frozen=True)
class Member:
    """A coalition country that may contribute, with its caps and stated willingness."""

    member_id: str
    name: str
    position: Position
    role_stated: str
    gdp_usd_bn: float
    milex_usd_bn: float
    active_personnel: int
    troop_pool: int
    max_troops_deployed: int | None
    max_contribution_eur_m: float
    ground_in_ukraine: bool
    outside_ukraine: bool
    nato: bool
    eu: bool
    nuclear: bool
    source: str = ""
    confidence: str = "A"
    notes: str = ""
    #: A Black Sea state: its navy is in the Black Sea already, so the Turkish Straits
    #: (Montreux) do not bar its ships.
    black_sea: bool = False

    def deployed_cap(self, rotation_factor: float) -> int:
        """Troops this member can keep deployed: its pool over the rotation factor, or its cap."""
        from_pool = int(self.troop_pool // rotation_factor) if rotation_factor > 0 else 0
        if self.max_troops_deployed is None:
            return from_pool
        return min(from_pool, self.max_troops_deployed)


@dataclass(frozen=True)
class Element:
    """A type of force unit, with its size, annual cost and per-unit contributions."""

    element_id: str
    name: str
    category: Category
    location: Location
    zone: Zone
    troops_per_unit: int
    cost_eur_m: float
    cost_low_eur_m: float
    cost_high_eur_m: float
    deterrence: float
    early_warning_km: float
    air_defence_k_km2: float
    escalation: float
    readiness_days: int
    source: str = ""
    confidence: str = "A"
    notes: str = ""
    # Deterrence and air protection (data/MODEL.md, "Deterrence"): ground combat power per unit
    # in mechanised-infantry equivalents, the armed combat troops that count towards a member's
    # tripwire presence, and the hours a year one unit keeps on a combat air patrol station.
    combat_power: float = 0.0
    armed_troops: int = 0
    patrol_hours: float = 0.0

    @property
    def combat(self) -> bool:
        return self.category in COMBAT_CATEGORIES


@dataclass(frozen=True)
class Archetype:
    """A kind of package, defined by what any package of this kind must satisfy."""

    __pydantic_config__ = _FORBID

    archetype_id: str
    name: str
    description: str
    primary: Measure
    troops_min: int = 0
    troops_max: int | None = None
    troops_in_ukraine_max: int | None = None
    required: Mapping[Category, int] = field(default_factory=dict)
    min_coverage: float = 0.0
    min_nations: int = 1
    min_nations_in_ukraine: int = 0
    enablers: Mapping[Literal["logistics", "medical", "hq"], float] = field(default_factory=dict)
    allowed_locations: tuple[Location, ...] = tuple(Location)
    allowed_categories: tuple[Category, ...] = tuple(Category)
    #: Elements a package of this kind never holds, whatever their category and location
    #: (e.g. training teams outside Ukraine in a force stationed in Ukraine).
    excluded_elements: tuple[str, ...] = ()
    #: Which troops the window [troops_min, troops_max] counts: all deployed troops, or only
    #: those in Ukraine (for a force whose size means its presence there).
    troops_counted: Literal["all", "in_ukraine"] = "all"
    source: str = ""
    confidence: str = "A"

    def __post_init__(self) -> None:
        freeze_fields(
            self,
            "required",
            "enablers",
            "allowed_locations",
            "allowed_categories",
            "excluded_elements",
        )


@dataclass(frozen=True)
class Restriction:
    """A member's stated restriction on where or what it sends (``restrictions.csv``).

    The member sends no element whose zone is one of ``zones`` and whose category is one of
    ``categories``; an empty tuple means every zone (or every category).
    """

    restriction_id: str
    member_id: str
    zones: tuple[Zone, ...]
    categories: tuple[Category, ...]
    kind: RestrictionKind
    condition: str = ""
    source: str = ""
    confidence: str = "A"
    notes: str = ""

    def covers(self, e: Element) -> bool:
        """Whether the restriction forbids the member units of element ``e``."""
        return (not self.zones or e.zone in self.zones) and (
            not self.categories or e.category in self.categories
        )


@dataclass(frozen=True)
class BackstopOption:
    """What one US backstop option allows the US to send and how it scales deterrence."""

    __pydantic_config__ = _FORBID

    deterrence_multiplier: float
    us_categories: tuple[Category, ...] = ()
    us_locations: tuple[Location, ...] = ()
    escalation_multiplier: float = 1.0
    # The sourced range of the multiplier (the model uses ``deterrence_multiplier``; the range
    # is for sensitivity analysis) and what the option is, in words: its legal form, how long
    # it runs and what it covers (A-BACKSTOP, US-GUARANTEE-15Y).
    deterrence_multiplier_low: float | None = None
    deterrence_multiplier_high: float | None = None
    legal_form: str = ""
    duration_years: float | None = None
    covers: str = ""
    source: str = ""
    confidence: str = "A"

    @property
    def multiplier_range(self) -> tuple[float, float]:
        """(low, high) of the deterrence multiplier; the point value where no range is given."""
        low = self.deterrence_multiplier_low
        high = self.deterrence_multiplier_high
        point = self.deterrence_multiplier
        return (point if low is None else low, point if high is None else high)


@dataclass(frozen=True)
class Parameters:
    """Model-wide parameters from ``data/parameters.toml`` (each documented in SOURCES.md)."""

    __pydantic_config__ = _FORBID

    backstop: Mapping[USBackstop, BackstopOption]
    nation_bonus_nato: float
    nation_bonus_nuclear: float
    nation_bonus_other: float
    usd_per_eur: float
    troop_pool_spread: float = 0.25
    # Deterrence (data/MODEL.md, "Deterrence"; SOURCES.md RU-FORCES-2025, A-DENIAL,
    # A-TRIPWIRE, A-CAP). The defaults are the bundled data's values.
    threat_troops: float = 700_000.0
    denial_share_of_threat: tuple[float, ...] = (0.0, 0.02, 0.05, 0.10, 0.20, 1.0 / 3.0)
    denial_points: tuple[float, ...] = (0.0, 15.0, 30.0, 50.0, 75.0, 100.0)
    tripwire_min_armed_troops: int = 150
    cap_station_hours: float = 17_520.0
    cap_station_area_k_km2: float = 50.0
    source: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "backstop", "denial_share_of_threat", "denial_points")


@dataclass(frozen=True)
class Dataset:
    """Everything read from one data folder, validated and cross-checked."""

    members: Mapping[str, Member]
    elements: Mapping[str, Element]
    availability: Mapping[tuple[str, str], int]
    archetypes: Mapping[str, Archetype]
    parameters: Parameters
    root: str = ""
    digest: str = ""
    restrictions: Mapping[str, Restriction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        freeze_fields(self, "members", "elements", "availability", "archetypes", "restrictions")

    def max_units(self, member_id: str, element_id: str) -> int:
        """Units of ``element_id`` that ``member_id`` can field; a missing pair means 0."""
        return self.availability.get((member_id, element_id), 0)


# --- scenario settings -----------------------------------------------------------------------


@dataclass(frozen=True)
class FrontierSettings:
    """How many packages to generate per archetype."""

    __pydantic_config__ = _FORBID

    levels: int = 8
    alternatives: int = 2
    troop_levels: int = 0


@dataclass(frozen=True)
class SolverSettings:
    """Which MILP solver to use and when to stop it.

    Every solve runs to ``mip_gap``. ``node_limit`` (branch-and-bound nodes per solve) is the
    working limit: it does not depend on the machine's load, so the same inputs give the same
    packages on a busy machine. ``time_limit_s`` is a safety net that a normal run never
    reaches; a solve stopped by either limit gives a package marked ``feasible_at_limit`` with
    a note. ``tie_break_time_s`` is no longer used (the cost tie-break is solved to the gap
    like every other solve); it is accepted so that older scenario files still load.
    """

    __pydantic_config__ = _FORBID

    name: Literal["highs", "cbc"] = "highs"
    time_limit_s: float = 60.0
    mip_gap: float = 0.005
    node_limit: int | None = 20_000
    tie_break_time_s: float | None = None


@dataclass(frozen=True)
class BurdenSharing:
    """Each contributing member's cost share must lie within ``band`` of its GDP share.

    With band 0.5 a member whose GDP is 10% of the contributors' GDP pays 5-15% of their cost.
    Members listed in ``exclude`` are outside the band and outside the GDP base.
    """

    __pydantic_config__ = _FORBID

    band: float = 0.5
    exclude: tuple[str, ...] = ("USA",)


@dataclass(frozen=True)
class LeadNations:
    """Lead nations must together field at least ``min_troop_share`` of the deployed troops."""

    __pydantic_config__ = _FORBID

    members: tuple[str, ...] = ("GBR", "FRA")
    min_troop_share: float = 0.4


@dataclass(frozen=True)
class RestrictionSettings:
    """Which stated restrictions (``restrictions.csv``) a scenario lifts.

    ``conditional = "lift"`` assumes every conditional restriction's condition met (e.g. both
    parties agree to Turkish ground troops); ``lift`` names restrictions to lift one by one.
    """

    __pydantic_config__ = _FORBID

    conditional: Literal["hold", "lift"] = "hold"
    lift: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaritimeSettings:
    """Whether Türkiye lets warships of non-Black-Sea states through the Straits (Montreux).

    Closed (the default, MONTREUX-2024): only the ships of Black Sea states can serve there.
    """

    __pydantic_config__ = _FORBID

    straits_open: bool = False


@dataclass(frozen=True)
class GroupRule:
    """A user rule over a set of members and elements, e.g. at least 1 battalion from the Nordics.

    Empty ``members`` means every member; empty ``elements`` and ``categories`` mean every
    element; empty ``archetypes`` means every archetype. ``measure`` "nations" counts members
    with at least one unit in the selection.
    """

    __pydantic_config__ = _FORBID

    name: str
    sense: Literal[">=", "<=", "=="]
    value: float
    measure: Literal["units", "troops", "cost_eur_m", "nations"] = "units"
    members: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    archetypes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RankingSettings:
    """How packages are ranked: methods, weighting scheme and consensus rule."""

    __pydantic_config__ = _FORBID

    methods: tuple[str, ...] = DEFAULT_METHODS
    weighting: Literal["user", "equal", "entropy", "critic", "roc", "swing", "ahp"] = "user"
    consensus: Literal["borda", "copeland"] = "borda"
    order: tuple[str, ...] = ()
    swing: Mapping[str, float] = field(default_factory=dict)
    ahp: tuple[tuple[float, ...], ...] = ()
    criteria: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, "swing", "ahp", "methods", "order", "criteria")


#: ``[robustness] cost_uncertainty`` for "the data's own cost ranges".
COST_RANGES: Literal["data"] = "data"


@dataclass(frozen=True)
class RobustnessSettings:
    """SMAA and stability settings. ``weight_band`` None means uniform on the simplex.

    ``cost_uncertainty``: how element costs vary between SMAA draws. ``"data"`` (the default)
    draws each element's annual cost from a triangular distribution over the data's own range
    (elements.csv ``cost_low_eur_m``, ``cost_eur_m``, ``cost_high_eur_m``); a share ``u`` draws it
    uniformly within ±u of its value instead; 0 keeps costs fixed.
    """

    __pydantic_config__ = _FORBID

    smaa_draws: int = 10_000
    method: str = "TOPSIS"
    weight_band: float | None = None
    cost_uncertainty: float | str = COST_RANGES  # a share, or COST_RANGES (checked on reading)


@dataclass(frozen=True)
class Scenario:
    """Everything one run needs besides the data folder itself.

    ``stakeholders``: named weight profiles, each a ``[stakeholders.NAME]`` table as the file
    holds it (criterion -> weight, or ``ahp``; an optional ``label``); see mcdm/stakeholders.py.
    """

    __pydantic_config__ = _FORBID

    name: str
    budget_eur_bn: float
    description: str = ""
    dataset: str = ".."
    rotation_factor: float = 4.0
    line_length_km: float = 1200.0
    # Russian troops in the theatre that a denial posture faces; None: the data's
    # ``threat_troops`` (parameters.toml, RU-FORCES-2025).
    threat_troops: float | None = None
    us_backstop: USBackstop = USBackstop.AIR_ISR
    members: tuple[str, ...] = ()
    archetypes: tuple[str, ...] = ()
    seed: int = 0
    frontier: FrontierSettings = field(default_factory=FrontierSettings)
    solver: SolverSettings = field(default_factory=SolverSettings)
    burden_sharing: BurdenSharing | None = None
    lead_nations: LeadNations | None = None
    rules: tuple[GroupRule, ...] = ()
    restrictions: RestrictionSettings = field(default_factory=RestrictionSettings)
    maritime: MaritimeSettings = field(default_factory=MaritimeSettings)
    resilience: ResilienceSettings = field(default_factory=ResilienceSettings)
    member_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    element_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    archetype_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    ranking: RankingSettings = field(default_factory=RankingSettings)
    robustness: RobustnessSettings = field(default_factory=RobustnessSettings)
    stakeholders: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    source_path: str = ""

    def __post_init__(self) -> None:
        freeze_fields(
            self,
            "members",
            "archetypes",
            "rules",
            "member_overrides",
            "element_overrides",
            "archetype_overrides",
            "weights",
            "stakeholders",
        )


@dataclass(frozen=True)
class Instance:
    """A scenario applied to its dataset: members filtered and overridden, archetypes chosen.

    ``data`` holds only the scenario's members (with their overrides), the scenario's archetypes
    (with theirs) and the availability of those members; this is what the optimiser reads.
    """

    scenario: Scenario
    data: Dataset
    digest: str = ""

    @property
    def backstop(self) -> BackstopOption:
        return self.data.parameters.backstop[self.scenario.us_backstop]

    @property
    def threat_troops(self) -> float:
        """The threat a denial posture faces: the scenario's, or the data's default."""
        t = self.scenario.threat_troops
        return self.data.parameters.threat_troops if t is None else t
