"""Domain model: frozen value objects for members, elements, archetypes, scenarios and packages.

Every class here is a frozen dataclass; change one with :func:`dataclasses.replace`. Nothing here
reads files or calls a solver: :mod:`mcdm.io` builds these objects from validated input, and the
core trusts them. Scenario settings carry ``__pydantic_config__`` (plain data, no dependency on
pydantic) so that :mod:`mcdm.io` validates a TOML table into them with misspelt keys rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .chances import PledgeChances, PledgeSettings
from .cost_basis import CostBasis, IncrementalShares
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
from .horizon import DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_YEARS, FundingSettings
from .resilience import ResilienceSettings
from .settings import (
    COST_RANGES,
    BurdenSharing,
    FrontierSettings,
    GroupRule,
    LeadNations,
    MaritimeSettings,
    RankingSettings,
    RestrictionSettings,
    RobustnessSettings,
    SolverSettings,
)

__all__ = [
    "COMBAT_CATEGORIES",
    "COST_RANGES",
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
    # Deterrence, air protection and warning (data/MODEL.md): combat power per unit (mechanised
    # infantry equivalents), armed troops towards a member's tripwire, hours a year on a combat
    # air patrol station, and how far behind the line of contact the unit sees (km).
    combat_power: float = 0.0
    armed_troops: int = 0
    patrol_hours: float = 0.0
    one_off_cost_eur_m: float = 0.0  # set-up and entry, spent once (mcdm/horizon.py)
    warning_depth_km: float = 0.0

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
    # Deterrence and warning (data/MODEL.md; SOURCES.md RU-FORCES-2025, A-DENIAL, A-TRIPWIRE,
    # A-CAP, A-EW-DEPTH). The defaults are the bundled data's values.
    threat_troops: float = 700_000.0
    denial_share_of_threat: tuple[float, ...] = (0.0, 0.02, 0.05, 0.10, 0.20, 1.0 / 3.0)
    denial_points: tuple[float, ...] = (0.0, 15.0, 30.0, 50.0, 75.0, 100.0)
    tripwire_min_armed_troops: int = 150
    cap_station_hours: float = 17_520.0
    cap_station_area_k_km2: float = 50.0
    aew_patrol_hours: float | None = None  # fighter hours on station one AEW orbit supports
    tanker_patrol_hours: float | None = None  # ... one tanker detachment supports (A-AIR-SUPPORT)
    warning_depth_min_km: float = 30.0
    warning_depth_share: float = 0.5
    cost_basis: IncrementalShares = field(default_factory=IncrementalShares)  # A-COST-BASIS
    pledges: PledgeChances = field(default_factory=PledgeChances)  # A-PLEDGE
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
    cost_basis: CostBasis = CostBasis.FULL  # what costs, the budget and money caps count
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
    pledges: PledgeSettings = field(default_factory=PledgeSettings)
    resilience: ResilienceSettings = field(default_factory=ResilienceSettings)
    member_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    element_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    archetype_overrides: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    ranking: RankingSettings = field(default_factory=RankingSettings)
    robustness: RobustnessSettings = field(default_factory=RobustnessSettings)
    stakeholders: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    # costs over the years (mcdm/horizon.py): budget basis, horizon, real rate, pooled funds
    budget_basis: Literal["annual", "horizon"] = "annual"
    horizon_years: int = DEFAULT_HORIZON_YEARS
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    funding: FundingSettings | None = None
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
    (with theirs) and the availability of those members; this is what the optimiser reads. Its
    elements' costs are on the scenario's cost basis (:mod:`mcdm.cost_basis`).
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
