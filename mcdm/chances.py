"""The chance that a member's pledge materialises: the data's defaults by stated position and its
known conditions per member (``parameters.toml`` ``[pledges]``), and a scenario's own values
(``[pledges]`` in a scenario). Frozen value objects, like :mod:`mcdm.model`; the resolution and
the outlook of a package are in :mod:`mcdm.pledges`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .enums import Position
from .frozen import freeze_fields

__all__ = ["DEFAULT_PLEDGE_PROBABILITY", "MemberChance", "PledgeChances", "PledgeSettings"]

_FORBID = {"extra": "forbid"}

#: The bundled data's chance by position (parameters.toml ``[pledges.probability]``,
#: SOURCES.md A-PLEDGE), used where a data folder's parameters.toml has no ``[pledges]`` table.
DEFAULT_PLEDGE_PROBABILITY: Mapping[Position, float] = {
    Position.COMMITTED: 0.9,
    Position.IN_PRINCIPLE: 0.7,
    Position.CONDITIONAL: 0.5,
    Position.UNDECIDED: 0.3,
    Position.UNSTATED: 0.2,
    Position.NO_GROUND: 0.9,
    Position.OPTED_OUT: 0.0,
    Position.BACKSTOP: 0.8,
}


@dataclass(frozen=True)
class MemberChance:
    """A member's own chance, where a known condition (a parliament's vote, a stated
    precondition) sets it apart from the others in its position."""

    __pydantic_config__ = _FORBID

    probability: float
    condition: str = ""
    source: str = ""
    confidence: str = "A"


@dataclass(frozen=True)
class PledgeChances:
    """The data's chances: one per position (every position given) and per member."""

    __pydantic_config__ = _FORBID

    probability: Mapping[Position, float] = field(
        default_factory=lambda: dict(DEFAULT_PLEDGE_PROBABILITY)
    )
    members: Mapping[str, MemberChance] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "probability", "members")


@dataclass(frozen=True)
class PledgeSettings:
    """A scenario's ``[pledges]``: chances by position and by member that replace the data's,
    and the Monte Carlo draws where too many members are uncertain to enumerate their joint
    outcomes (data/MODEL.md, "Pledges with their chance")."""

    __pydantic_config__ = _FORBID

    probability: Mapping[Position, float] = field(default_factory=dict)
    members: Mapping[str, float] = field(default_factory=dict)
    samples: int = 20_000

    def __post_init__(self) -> None:
        freeze_fields(self, "probability", "members")
