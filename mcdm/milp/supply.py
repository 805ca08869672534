"""Constraint families on money and people: the budget, the troop pools, the money caps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulp

from ..horizon import budgeted_unit_cost_eur_m
from .family import ConstraintFamily, Family, PriceOption, Relax

if TYPE_CHECKING:
    from .build import BuildContext

__all__ = ["Budget", "MoneyCaps", "TroopPools", "budgeted_cost"]


def budgeted_cost(ctx: BuildContext) -> pulp.LpAffineExpression:
    """What ``total_cost`` counts: the annual cost, or with ``budget_basis = "horizon"`` the
    horizon's present value (each unit's one-off plus its discounted annual cost; linear)."""
    s = ctx.instance.scenario
    if s.budget_basis == "annual":
        return pulp.lpSum(ctx.cost_m.values())
    return ctx.lin(ctx.pairs, lambda e: budgeted_unit_cost_eur_m(s, e))


# --- money and people ---------------------------------------------------------------------------


class Budget(Family):
    family = ConstraintFamily.BUDGET
    label = "budget"
    section = 1
    unit_room = True

    def add(self, ctx):
        if ctx.elastic:
            slack = ctx.prob.add_variable("s_budget", 0)
            row = ctx.total_cost - slack <= ctx.budget_eur_m
            ctx.aux_row(self, row, "budget")
            ctx.add_requirement(
                "budget", "the budget", ctx.budget_eur_m, "EUR m", slack, ctx.total_cost
            )
        else:
            row = ctx.total_cost <= ctx.budget_eur_m
            s = ctx.instance.scenario
            costs = (budgeted_unit_cost_eur_m(s, ctx.element(p)) for p in ctx.pairs)
            cheapest = min((c for c in costs if c > 0), default=0.0)
            ctx.row(self, "budget", row, "budget", step=cheapest)
        ctx.model.budget_row = row


class TroopPools(Family):
    family = ConstraintFamily.TROOP_POOLS
    label = "the members' troop pools and caps"
    section = 2
    unit_room = True
    by_member = True

    def bound(self, instance, relax, mid, e):
        if relax.covers(self.family) or e.troops_per_unit <= 0:
            return None
        m = instance.data.members[mid]
        return m.deployed_cap(instance.scenario.rotation_factor) // e.troops_per_unit

    def add(self, ctx):
        if ctx.relax.covers(self.family):
            return
        rot = ctx.instance.scenario.rotation_factor
        for mid in ctx.by_member:
            m = ctx.instance.data.members[mid]
            troops = ctx.troops_m[mid]
            if not troops.keys():
                continue
            i = ctx.midx[mid]
            ctx.row(self, f"troop pool {mid}", rot * troops <= m.troop_pool, f"pool_{i}", mid)
            if m.max_troops_deployed is not None:
                ctx.row(
                    self,
                    f"deployed cap {mid}",
                    troops <= m.max_troops_deployed,
                    f"dcap_{i}",
                    mid,
                    order=1,
                )

    def price_options(self, instance, archetype_id):
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))]


class MoneyCaps(Family):
    family = ConstraintFamily.MONEY_CAPS
    label = "the members' money caps"
    section = 2  # with the troop pools, member by member
    unit_room = True
    by_member = True

    def bound(self, instance, relax, mid, e):
        if relax.covers(self.family) or e.cost_eur_m <= 0:
            return None
        return int(instance.data.members[mid].max_contribution_eur_m / e.cost_eur_m + 1e-9)

    def add(self, ctx):
        if ctx.relax.covers(self.family):
            return
        for mid in ctx.by_member:
            cost = ctx.cost_m[mid]
            if cost.keys():
                cap = ctx.instance.data.members[mid].max_contribution_eur_m
                ctx.row(
                    self,
                    f"money cap {mid}",
                    cost <= cap,
                    f"money_{ctx.midx[mid]}",
                    mid,
                    order=2,
                )

    def price_options(self, instance, archetype_id):
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))]
