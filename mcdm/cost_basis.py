"""Full or incremental costs: the two cost bases and each element's incremental share.

``elements.csv`` holds every element's **full** annual cost (pay, allowances, sustainment,
rotation and transport, equipment wear, capital charges; SOURCES.md A-COST-BASIS). The
**incremental** cost is what a government pays extra for deploying the unit rather than keeping
it at home (the UK's "net additional cost of operations": allowances, movements, stocks
consumed, extra wear; not the salaries or the capital it pays anyway). ``parameters.toml``'s
``[cost_basis]`` section gives the incremental share of each element's full cost, per category
with per-element exceptions; a scenario's ``cost_basis`` says which basis the budget, the money
caps and the cost criterion count (:func:`mcdm.instance.instantiate` applies it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from .enums import Category
from .frozen import freeze_fields

if TYPE_CHECKING:
    from .model import Element, Instance
    from .results import Allocation

__all__ = ["BasisCosts", "CostBasis", "IncrementalShares", "costs_by_basis", "element_on_basis"]

_FORBID = {"extra": "forbid"}


class CostBasis(StrEnum):
    """What an element's annual cost counts: all of it, or only the extra cost of deploying it."""

    FULL = "full"
    INCREMENTAL = "incremental"


@dataclass(frozen=True)
class IncrementalShares:
    """The incremental share of each element's full cost (``parameters.toml`` ``[cost_basis]``).

    ``elements`` (by element id) wins over ``categories``; each share is in (0, 1]. Empty when
    the data hold no incremental basis: then only the full basis can be used.
    """

    __pydantic_config__ = _FORBID

    categories: Mapping[Category, float] = field(default_factory=dict)
    elements: Mapping[str, float] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        freeze_fields(self, "categories", "elements")

    def __bool__(self) -> bool:
        return bool(self.categories or self.elements)

    def share(self, element_id: str, category: Category) -> float | None:
        """The incremental share of the element's full cost; None if the data give none."""
        if element_id in self.elements:
            return self.elements[element_id]
        return self.categories.get(category)


def element_on_basis(e: Element, share: float) -> Element:
    """The element with its full annual cost and cost range scaled to the incremental basis
    (``share`` of each), so that the budget, the money caps, the cost criterion and SMAA's cost
    draws all count the same basis."""
    return dataclasses.replace(
        e,
        cost_eur_m=e.cost_eur_m * share,
        cost_low_eur_m=e.cost_low_eur_m * share,
        cost_high_eur_m=e.cost_high_eur_m * share,
    )


@dataclass(frozen=True)
class BasisCosts:
    """An annual cost (EUR m) on both bases; ``incremental_eur_m`` None when the data give no
    incremental share for one of the elements."""

    full_eur_m: float
    incremental_eur_m: float | None


def costs_by_basis(instance: Instance, allocation: tuple[Allocation, ...]) -> BasisCosts:
    """An allocation's annual cost on each basis.

    The instance's elements carry the scenario's basis; the other is derived with each
    element's share (a full cost is the incremental one over its share).
    """
    shares = instance.data.parameters.cost_basis
    on_incremental = instance.scenario.cost_basis is CostBasis.INCREMENTAL
    full = incremental = 0.0
    missing = not shares  # no incremental basis in the data at all
    for a in allocation:
        e = instance.data.elements[a.element_id]
        cost = a.units * e.cost_eur_m
        share = shares.share(e.element_id, e.category)
        if on_incremental:
            assert share is not None  # instantiate refuses an incremental basis without shares
            full, incremental = full + cost / share, incremental + cost
        elif share is None:
            full, missing = full + cost, True
        else:
            full, incremental = full + cost, incremental + cost * share
    return BasisCosts(full, None if missing else incremental)
