"""Scenario settings: the small frozen tables of a scenario file ([frontier], [solver],
[burden_sharing], [lead_nations], [restrictions], [maritime], [[group_rules]], [ranking],
[robustness]).

Each carries ``__pydantic_config__`` so that :mod:`mcdm.io` can validate a TOML table straight
into it with misspelt keys rejected (``extra="forbid"``). :mod:`mcdm.model` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .enums import DEFAULT_METHODS, Category
from .frozen import freeze_fields

_FORBID = {"extra": "forbid"}


@dataclass(frozen=True)
class FrontierSettings:
    """How many packages to generate per archetype."""

    __pydantic_config__ = _FORBID

    levels: int = 8
    alternatives: int = 2
    troop_levels: int = 0


@dataclass(frozen=True)
class SolverSettings:
    """Which MILP solver to use and when to stop it (data/MODEL.md, "Objective and tie-break").

    ``node_limit`` is the working limit (independent of the machine's load), ``time_limit_s``
    a safety net; ``tie_break_time_s`` is unused, accepted so that older scenario files load.
    """

    __pydantic_config__ = _FORBID

    name: Literal["highs", "cbc"] = "highs"
    time_limit_s: float = 600.0
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

    ``cost_uncertainty``: how element costs vary between SMAA draws. ``"data"`` (the default):
    triangular over the data's range (elements.csv ``cost_low_eur_m``, ``cost_eur_m``,
    ``cost_high_eur_m``); a share ``u``: uniform within ±u of the value; 0: fixed.
    """

    __pydantic_config__ = _FORBID

    smaa_draws: int = 10_000
    method: str = "TOPSIS"
    weight_band: float | None = None
    cost_uncertainty: float | str = COST_RANGES  # a share, or COST_RANGES (checked on reading)
