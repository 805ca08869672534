"""Withdrawals a package must survive: the scenario's ``[resilience]`` settings, which members
count as ones that may withdraw, and the withdrawal scenarios (data/MODEL.md, "Resilience").

A package survives ``k`` withdrawals when the archetype's requirements still hold after any set
of at most ``k`` of the counted members leaves it, each taking all its units. "At most" and not
"exactly": a requirement that is a ratio (enablers per combat troop) can be met without two
members and missed without one of them, so surviving ``k`` must include surviving fewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .enums import Position

if TYPE_CHECKING:
    from .model import Member

__all__ = [
    "ResilienceSettings",
    "may_withdraw",
    "withdrawers",
]

#: ``members``: who may withdraw. "any": every contributor; "uncertain": contributors whose
#: stated position is not ``committed`` (in principle, conditional, undecided, ...).
WhoWithdraws = Literal["any", "uncertain"]
_FORBID = {"extra": "forbid"}  # a misspelt key is an error (see mcdm.model)


@dataclass(frozen=True)
class ResilienceSettings:
    """``withdrawals``: how many members' withdrawals every package must survive (0: off)."""

    __pydantic_config__ = _FORBID

    withdrawals: int = 0
    members: WhoWithdraws = "any"


def may_withdraw(members: Mapping[str, Member], who: WhoWithdraws) -> list[str]:
    """The members that count as ones that may withdraw, in the data's order."""
    if who == "any":
        return list(members)
    return [mid for mid, m in members.items() if m.position is not Position.COMMITTED]


def withdrawers(k: int, who: WhoWithdraws = "any") -> str:
    """Who may leave, in words: "any one member", "any two uncommitted members"."""
    count = {1: "one", 2: "two", 3: "three"}.get(k, str(k))
    return f"any {count} {'uncommitted ' if who == 'uncertain' else ''}member{'s' if k > 1 else ''}"
