"""Constraint families for stated positions and the scenario's political rules: the members'
stated restrictions, the Turkish Straits, burden sharing, lead nations, rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulp

from ..criteria import burden_base
from ..model import (
    US_MEMBER_ID,
    Archetype,
    Element,
    Instance,
    Restriction,
    RestrictionKind,
    RestrictionSettings,
    Zone,
)
from .family import ConstraintFamily, Family, PriceOption, Relax, troops_of

if TYPE_CHECKING:
    pass

__all__ = [
    "BurdenSharing",
    "LeadNations",
    "Restrictions",
    "Rules",
    "Straits",
    "restriction_in_force",
    "restrictions_in_force",
]


# --- what members said they would not send, and where ships can go ------------------------------


def restriction_in_force(r: Restriction, settings: RestrictionSettings) -> bool:
    """Whether a scenario's ``[restrictions]`` leave ``r`` in force: a conditional restriction
    holds unless the scenario assumes conditions met, any one can be lifted by its id."""
    return r.restriction_id not in settings.lift and not (
        r.kind is RestrictionKind.CONDITIONAL and settings.conditional == "lift"
    )


def restrictions_in_force(instance: Instance, member_id: str) -> list[Restriction]:
    """The stated restrictions of ``member_id`` that the scenario does not lift
    (:func:`restriction_in_force`)."""
    settings = instance.scenario.restrictions
    return [
        r
        for r in instance.data.restrictions.values()
        if r.member_id == member_id and restriction_in_force(r, settings)
    ]


def _fieldable(instance: Instance, archetype: Archetype, mid: str) -> list[Element]:
    """Elements the member has units of and the archetype allows (before any restriction)."""
    data = instance.data
    return [
        data.elements[eid]
        for (mm, eid), n in data.availability.items()
        if mm == mid
        and n > 0
        and data.elements[eid].location in archetype.allowed_locations
        and data.elements[eid].category in archetype.allowed_categories
        and eid not in archetype.excluded_elements
    ]


class Restrictions(Family):
    """A member's stated restriction (restrictions.csv) bars it from elements of the zones and
    categories it names; each restriction can be switched off alone to price it."""

    family = ConstraintFamily.RESTRICTIONS
    acts_through_pairs = True
    label = "the members' stated restrictions"

    def allows(self, instance, archetype, relax, mid, e):
        if e.category.is_funding:
            return None  # money for Ukraine's own forces sends none of the member's people
        for r in restrictions_in_force(instance, mid):
            if r.covers(e) and not relax.covers(self.family, r.restriction_id):
                return False
        return None

    def price_options(self, instance, archetype_id):
        a = instance.data.archetypes[archetype_id]
        binding = [
            r
            for mid in instance.data.members
            if mid != US_MEMBER_ID
            for r in restrictions_in_force(instance, mid)
            if any(r.covers(e) and not e.category.is_funding for e in _fieldable(instance, a, mid))
        ]
        if not binding:
            return []
        group = "all stated restrictions"
        ids = [r.restriction_id for r in binding]
        return [PriceOption("restrictions", group, Relax.of(self.family, *ids))] + [
            PriceOption(
                "restriction",
                f"{instance.data.members[r.member_id].name}'s restriction {r.restriction_id}",
                Relax.of(self.family, r.restriction_id),
                parent=group,
            )
            for r in binding
        ]


class Straits(Family):
    """With the Turkish Straits closed (the scenario's ``[maritime] straits_open = false``),
    only Black Sea states (``black_sea`` in members.csv) send elements to the Black Sea."""

    family = ConstraintFamily.STRAITS
    acts_through_pairs = True
    label = "the closed Turkish Straits (Montreux)"

    def allows(self, instance, archetype, relax, mid, e):
        if e.zone is not Zone.BLACK_SEA or instance.scenario.maritime.straits_open:
            return None
        if instance.data.members[mid].black_sea:
            return None
        return relax.covers(self.family)

    def price_options(self, instance, archetype_id):
        if instance.scenario.maritime.straits_open:
            return []
        a = instance.data.archetypes[archetype_id]
        barred = any(
            e.zone is Zone.BLACK_SEA
            for mid, m in instance.data.members.items()
            if not m.black_sea
            for e in _fieldable(instance, a, mid)
        )
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))] if barred else []


# --- the scenario's political rules -------------------------------------------------------------


class BurdenSharing(Family):
    family = ConstraintFamily.BURDEN_SHARING
    label = "the burden-sharing band"
    section = 8

    def add(self, ctx):
        bs = ctx.instance.scenario.burden_sharing
        if bs is None or ctx.relax.covers(self.family):
            return
        data = ctx.instance.data
        base = [mid for mid in burden_base(ctx.instance) if mid in ctx.by_member]
        if not base:
            return
        band = bs.band
        gdp = {mid: data.members[mid].gdp_usd_bn for mid in base}
        # r (EUR m per USD bn of GDP) = contributors' cost / contributors' GDP. A contributor
        # pays at least (1 - band) * r * its GDP, so r <= its own cost ceiling over that:
        # tight per-member bounds keep the big-M rows below strong.
        cost_cap = {
            mid: sum(ctx.ub[p] * ctx.element(p).cost_eur_m for p in ctx.by_member[mid])
            for mid in base
        }
        if not ctx.relax.covers(ConstraintFamily.MONEY_CAPS):
            cost_cap = {
                mid: min(c, data.members[mid].max_contribution_eur_m) for mid, c in cost_cap.items()
            }
        # (an elastic model may exceed the budget, so only the member's own ceiling counts; and
        # a horizon's budget is a present value, which a year's cost may exceed: one year
        # discounted is less than the year's cost)
        by_budget = not ctx.elastic and ctx.instance.scenario.budget_basis == "annual"
        ceiling = {
            mid: min(ctx.budget_eur_m, cost_cap[mid]) if by_budget else cost_cap[mid]
            for mid in base
        }
        cap_r = {mid: ceiling[mid] / ((1 - band) * gdp[mid]) for mid in base}
        big_r = max(cap_r.values()) * 1.0001 + 1e-9
        r = ctx.prob.add_variable("effort_rate", 0, big_r)
        ry = {mid: ctx.prob.add_variable(f"ry_{ctx.midx[mid]}", 0, big_r) for mid in base}
        for mid in base:
            i = ctx.midx[mid]
            ctx.aux_row(self, ry[mid] <= cap_r[mid] * 1.0001 * ctx.y[mid], f"bry1_{i}")
            ctx.aux_row(self, ry[mid] <= r, f"bry2_{i}")
            ctx.aux_row(self, ry[mid] >= r - big_r * (1 - ctx.y[mid]), f"bry3_{i}")
            group = (f"band {mid}", f"burden band {mid} (pays its GDP share)")
            ctx.row(
                self,
                f"burden band {mid} (pays the most its GDP share allows)",
                ctx.cost_m[mid] <= (1 + band) * gdp[mid] * ry[mid],
                f"bup_{i}",
                mid,
                group=group,
            )
            ctx.row(
                self,
                f"burden band {mid} (pays the least its GDP share allows)",
                ctx.cost_m[mid] >= (1 - band) * gdp[mid] * ry[mid],
                f"blo_{i}",
                mid,
                group=group,
            )
        ctx.aux_row(
            self,
            pulp.lpSum(ctx.cost_m[mid] for mid in base)
            == pulp.lpSum(gdp[mid] * ry[mid] for mid in base),
            "bdef",
        )

    def price_options(self, instance, archetype_id):
        if instance.scenario.burden_sharing is None:
            return []
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))]


class LeadNations(Family):
    family = ConstraintFamily.LEAD_NATIONS
    label = "the lead-nation rule"
    section = 9

    def add(self, ctx):
        ln = ctx.instance.scenario.lead_nations
        if ln is None or ctx.relax.covers(self.family) or ln.min_troop_share <= 0:
            return
        lead = pulp.lpSum(ctx.troops_m[mid] for mid in ln.members if mid in ctx.troops_m)
        ctx.need(
            self,
            "lead_nations",
            f"lead nations ({', '.join(ln.members)}) field at least "
            f"{ln.min_troop_share:.0%} of the troops",
            lead - ln.min_troop_share * ctx.troops,
            0.0,
            "troops",
            parts=(lead, ln.min_troop_share * ctx.troops),
            size=ln.min_troop_share * max(ctx.archetype.troops_min, 1000),
        )

    def price_options(self, instance, archetype_id):
        if instance.scenario.lead_nations is None:
            return []
        return [PriceOption(self.family.value, self.label, Relax.of(self.family))]


class Rules(Family):
    family = ConstraintFamily.RULES
    label = "the scenario's rules"
    section = 10

    def add(self, ctx):
        for i, rule in enumerate(ctx.instance.scenario.rules):
            if ctx.relax.covers(self.family, str(i)):
                continue
            if rule.archetypes and ctx.archetype.archetype_id not in rule.archetypes:
                continue
            sel = [
                p
                for p in ctx.pairs
                if (not rule.members or p[0] in rule.members)
                and (
                    (not rule.elements and not rule.categories)
                    or p[1] in rule.elements
                    or ctx.element(p).category in rule.categories
                )
            ]
            if rule.measure == "nations":
                expr = ctx.nations_indicator(self, sel, i)
            else:
                coef = {
                    "units": lambda e: 1.0,
                    "troops": troops_of,
                    "cost_eur_m": lambda e: e.cost_eur_m,
                }[rule.measure]
                expr = ctx.lin(sel, coef)
            label = f"rule '{rule.name}' ({rule.measure} {rule.sense} {rule.value:g})"
            if rule.sense in (">=", "=="):
                ctx.need(self, f"rule.{i}", label, expr, rule.value, rule.measure)
            if rule.sense in ("<=", "=="):
                ctx.row(self, label, expr <= rule.value, f"rule_le_{i}")

    def price_options(self, instance, archetype_id):
        return [
            PriceOption("rule", f"rule '{rule.name}'", Relax.of(self.family, str(i)))
            for i, rule in enumerate(instance.scenario.rules)
            if not rule.archetypes or archetype_id in rule.archetypes
        ]
