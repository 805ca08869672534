"""The fighters' air support: airborne early warning (AEW) orbits and tankers as enablers of
the patrol hours that the air-cover criterion counts (data/MODEL.md, "Air protection")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulp

from ..model import Category, Instance
from .family import ConstraintFamily, Family, PriceOption, Relax
from .requirements import ENABLER_WEIGHT

if TYPE_CHECKING:
    pass

__all__ = ["AirSupport", "support_hours"]

#: The enabler categories, what one unit of each is called, and its parameter in parameters.toml.
ENABLERS: tuple[tuple[Category, str, str], ...] = (
    (Category.AEW, "airborne early-warning orbit", "aew_patrol_hours"),
    (Category.TANKER, "tanker detachment", "tanker_patrol_hours"),
)


def support_hours(instance: Instance) -> dict[Category, float]:
    """Fighter hours on station a year that one unit of each enabler category supports; a
    category whose parameter is absent limits nothing and is left out."""
    p = instance.data.parameters
    return {cat: float(v) for cat, _, key in ENABLERS if (v := getattr(p, key)) is not None}


class AirSupport(Family):
    """Fighters fly only the patrol hours their AEW orbits and tankers support: for each
    enabler category, ``Σ patrol_hours[e]·x <= hours per unit × Σ x(category)``. Exact and
    linear; a package with fighters must hold both enablers (and pays for them)."""

    family = ConstraintFamily.AIR_SUPPORT
    label = "the fighters' early-warning and tanker support"
    section = 7  # with the other enabler ratios

    def add(self, ctx):
        if ctx.relax.covers(self.family):
            return
        flown = ctx.lin(ctx.pairs, lambda e: e.patrol_hours)
        if not flown:
            return
        name = ctx.archetype.name
        per_unit = support_hours(ctx.instance)
        for cat, what, _ in ENABLERS:
            if cat not in per_unit:
                continue
            hours = per_unit[cat]
            units = pulp.lpSum(ctx.x[p] for p in ctx.pairs if ctx.element(p).category is cat)
            have = hours * units
            ctx.need(
                self,
                f"air_support.{cat.value}",
                f"{name} needs one {what} per {hours:,.0f} fighter hours on station a year",
                have - flown,
                0.0,
                "hours",
                parts=(have, flown),
                size=hours,
                weight=ENABLER_WEIGHT,  # met with fewer fighters: a shortfall only if unavoidable
            )

    def price_options(self, instance, archetype_id):
        if not support_hours(instance) or not _may_hold_fighters(instance, archetype_id):
            return []
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))]


def _may_hold_fighters(instance: Instance, archetype_id: str) -> bool:
    """Whether the archetype allows any element that flies patrol hours."""
    a = instance.data.archetypes[archetype_id]
    return any(
        e.patrol_hours > 0
        and e.location in a.allowed_locations
        and e.category in a.allowed_categories
        and e.element_id not in a.excluded_elements
        for e in instance.data.elements.values()
    )
