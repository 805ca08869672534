"""Constraint families: each one declares, in one place, everything the tool does with it.

A family is a small builder: which member-element pairs it allows and how many units of each
(before the variables exist), the rows it adds to the model, its label for people, whether and
how it can be switched off to price it, and (through the labels of its requirements) how its
shortfall is worded. :data:`REGISTRY` lists them in the order their rows enter the model; the
budget frontier, the prices, the infeasibility explanations and the binding report iterate over
it, and ``tests/checker.py`` holds one independent check per family. Adding a family is one
class here and one check there.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

import pulp

from ..criteria import burden_base
from ..model import US_MEMBER_ID, Archetype, Category, Element, Instance, Location

if TYPE_CHECKING:
    from .build import BuildContext

__all__ = [
    "REGISTRY",
    "ConstraintFamily",
    "Family",
    "PriceOption",
    "Relax",
    "family",
]


class ConstraintFamily(StrEnum):
    """The families of constraints of data/MODEL.md, as the user knows them."""

    SCOPE = "scope"  # what a package of the archetype may contain (locations, categories)
    US_BACKSTOP = "us_backstop"  # what the US backstop option lets the US send
    REFUSALS = "refusals"  # members' stated refusals (troops in Ukraine, bases outside it)
    AVAILABILITY = "availability"  # units of each element a member can field
    BUDGET = "budget"
    TROOP_POOLS = "troop_pools"
    MONEY_CAPS = "money_caps"
    TROOP_WINDOW = "troop_window"  # the archetype's troop minimum and maxima
    CAPABILITIES = "capabilities"  # the archetype's required units per category
    COVERAGE = "coverage"  # the archetype's share of the line watched
    NATIONS = "nations"  # the archetype's contributing nations (in all, in Ukraine)
    ENABLERS = "enablers"  # logistics, medical and HQ units per 1,000 combat troops
    BURDEN_SHARING = "burden_sharing"
    LEAD_NATIONS = "lead_nations"
    RULES = "rules"  # the scenario's own rules


@dataclass(frozen=True)
class Relax:
    """Constraint families, or single items of one (a member's refusal, one rule), switched off
    to price them: "what does this constraint cost?".

    ``switches`` holds ``(family, None)`` for a whole family and ``(family, item)`` for one item.
    """

    switches: frozenset[tuple[ConstraintFamily, str | None]] = frozenset()

    @classmethod
    def of(cls, family_: ConstraintFamily, *items: str) -> Relax:
        """The whole family, or only the given items of it."""
        if not items:
            return cls(frozenset({(family_, None)}))
        return cls(frozenset((family_, item) for item in items))

    def covers(self, family_: ConstraintFamily, item: str | None = None) -> bool:
        """Whether the family (or this item of it) is switched off."""
        return (family_, None) in self.switches or (
            item is not None and (family_, item) in self.switches
        )


@dataclass(frozen=True)
class PriceOption:
    """One constraint to price: the family name and label shown in prices.csv, what to switch
    off, and the group it belongs to (an option with a ``parent`` is priced only if its
    parent, which switches off the whole group, is not free: if lifting every refusal
    together buys nothing, no single refusal can)."""

    family: str
    label: str
    relax: Relax
    parent: str | None = None


class Family:
    """One constraint family. Subclasses set the class attributes and override the hooks."""

    family: ClassVar[ConstraintFamily]
    #: What people call it, as in data/MODEL.md's constraint table.
    label: ClassVar[str]
    #: Where its rows enter the model: rows are added sorted by (section, member, order).
    section: ClassVar[int] = 9
    #: A row of this family binds when less than one unit's worth of room is left.
    unit_room: ClassVar[bool] = False
    #: Rows of the families of one section that say so are added member by member.
    by_member: ClassVar[bool] = False

    def allows(self, instance: Instance, archetype: Archetype, relax: Relax, mid: str, e: Element):
        """Whether member ``mid`` may send units of element ``e`` at all (None: no opinion)."""
        return None

    def bound(self, instance: Instance, relax: Relax, mid: str, e: Element) -> int | None:
        """The most units of ``e`` that member ``mid`` can send under this family alone."""
        return None

    def add(self, ctx: BuildContext) -> None:
        """Add this family's rows (and requirements) to the model being built."""

    def price_options(self, instance: Instance, archetype_id: str) -> list[PriceOption]:
        """The ways this family can be switched off to price it (none: it is not priced)."""
        return []


# --- what a package may contain -----------------------------------------------------------------


class Scope(Family):
    family = ConstraintFamily.SCOPE
    label = "what the kind of package may contain"

    def allows(self, instance, archetype, relax, mid, e):
        return e.location in archetype.allowed_locations and (
            e.category in archetype.allowed_categories
        )


class USBackstopScope(Family):
    family = ConstraintFamily.US_BACKSTOP
    label = "what the US backstop lets the US send"

    def allows(self, instance, archetype, relax, mid, e):
        if mid != US_MEMBER_ID:
            return None
        b = instance.backstop
        return e.category in b.us_categories and e.location in b.us_locations


class Refusals(Family):
    family = ConstraintFamily.REFUSALS
    label = "the members' stated refusals"

    def allows(self, instance, archetype, relax, mid, e):
        if mid == US_MEMBER_ID:
            return None  # the US backstop option governs what the US sends
        m = instance.data.members[mid]
        if e.location is Location.IN_UKRAINE and not m.ground_in_ukraine:
            return relax.covers(self.family, mid)
        return not (e.location is Location.OUTSIDE_UKRAINE and not m.outside_ukraine)

    def price_options(self, instance, archetype_id):
        a = instance.data.archetypes[archetype_id]
        if Location.IN_UKRAINE not in a.allowed_locations:
            return []
        refusing = refusing_members(instance, archetype_id)
        if not refusing:
            return []
        group = "all refusals to station troops in Ukraine"
        return [PriceOption("refusals", group, Relax.of(self.family, *refusing))] + [
            PriceOption(
                "refusal",
                f"{instance.data.members[mid].name}'s refusal",
                Relax.of(self.family, mid),
                parent=group,
            )
            for mid in refusing
        ]


def refusing_members(instance: Instance, archetype_id: str) -> list[str]:
    """Members that refuse to station troops in Ukraine but could field units the archetype
    allows there."""
    data = instance.data
    a = data.archetypes[archetype_id]
    return sorted(
        mid
        for mid, m in data.members.items()
        if not m.ground_in_ukraine
        and mid != US_MEMBER_ID
        and any(
            data.elements[e].location is Location.IN_UKRAINE
            and data.elements[e].category in a.allowed_categories
            for (mm, e), n in data.availability.items()
            if mm == mid and n > 0
        )
    )


class Availability(Family):
    family = ConstraintFamily.AVAILABILITY
    label = "the units each member can field"

    def bound(self, instance, relax, mid, e):
        return instance.data.availability[(mid, e.element_id)]


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
            cheapest = min(
                (ctx.element(p).cost_eur_m for p in ctx.pairs if ctx.element(p).cost_eur_m > 0),
                default=0.0,
            )
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


# --- the archetype's requirements ---------------------------------------------------------------


class TroopWindow(Family):
    family = ConstraintFamily.TROOP_WINDOW
    label = "the kind of package's troop numbers"
    section = 3

    def add(self, ctx):
        a = ctx.archetype
        if a.troops_min > 0:
            ctx.need(
                self,
                "troops_min",
                f"{a.name} needs at least {a.troops_min:,} troops",
                ctx.troops,
                a.troops_min,
                "troops",
            )
        if a.troops_max is not None:
            ctx.row(self, f"at most {a.troops_max:,} troops", ctx.troops <= a.troops_max, "tmax")
        if a.troops_in_ukraine_max is not None:
            ctx.row(
                self,
                f"at most {a.troops_in_ukraine_max:,} troops in Ukraine",
                ctx.troops_ua <= a.troops_in_ukraine_max,
                "tuamax",
            )


class Capabilities(Family):
    family = ConstraintFamily.CAPABILITIES
    label = "the kind of package's required capabilities"
    section = 4

    def add(self, ctx):
        a = ctx.archetype
        for cat, n in a.required.items():
            if n <= 0:
                continue
            cat_pairs = [p for p in ctx.pairs if ctx.element(p).category is Category(cat)]
            ctx.need(
                self,
                f"required.{cat}",
                f"{a.name} needs at least {n} {category_label(cat)} units",
                pulp.lpSum(ctx.x[p] for p in cat_pairs),
                n,
                "units",
                supply_text="members willing and able field at most {best}",
            )


class Coverage(Family):
    family = ConstraintFamily.COVERAGE
    label = "the kind of package's watch over the line"
    section = 5

    def add(self, ctx):
        a = ctx.archetype
        if a.min_coverage <= 0:
            return
        line = ctx.instance.scenario.line_length_km
        ctx.need(
            self,
            "min_coverage",
            f"{a.name} needs {a.min_coverage:.0%} of the {line:,.0f} km line watched",
            ctx.lin(ctx.pairs, lambda e: e.early_warning_km),
            a.min_coverage * line,
            "km",
        )


class Nations(Family):
    family = ConstraintFamily.NATIONS
    label = "the kind of package's contributing nations"
    section = 6

    def add(self, ctx):
        a = ctx.archetype
        if a.min_nations > 0:
            ctx.need(
                self,
                "min_nations",
                f"{a.name} needs at least {a.min_nations} contributing nations",
                pulp.lpSum(ctx.y.values()),
                a.min_nations,
                "nations",
                supply_text="only {best} members are willing and able to send units "
                "this package allows",
            )
        if a.min_nations_in_ukraine > 0:
            ctx.need(
                self,
                "min_nations_in_ukraine",
                f"{a.name} needs at least {a.min_nations_in_ukraine} nations with troops in "
                "Ukraine",
                pulp.lpSum(ctx.z.values()),
                a.min_nations_in_ukraine,
                "nations",
                supply_text="only {best} members are willing to station troops in Ukraine",
            )


class Enablers(Family):
    family = ConstraintFamily.ENABLERS
    label = "the kind of package's enablers per combat troop"
    section = 7

    def add(self, ctx):
        a = ctx.archetype
        combat = ctx.lin([p for p in ctx.pairs if ctx.element(p).combat], troops_of)
        for kind, ratio in a.enablers.items():
            if ratio <= 0:
                continue
            kind_pairs = [p for p in ctx.pairs if ctx.element(p).category is Category(kind)]
            have = pulp.lpSum(ctx.x[p] for p in kind_pairs)
            needed = ratio / 1000.0 * combat
            ctx.need(
                self,
                f"enablers.{kind}",
                f"{a.name} needs {ratio:g} {category_label(kind)} units per 1,000 combat troops",
                have - needed,
                0.0,
                "units",
                parts=(have, needed),
                size=ratio * max(a.troops_min, 1000) / 1000.0,
                weight=ENABLER_WEIGHT,
            )


#: How much more an elastic model penalises a relative shortfall of an enabler ratio than one
#: of troops, capabilities or nations: a ratio can always be met with fewer combat troops, so
#: it is reported only where no mix avoids it.
ENABLER_WEIGHT = 100.0


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
        # (an elastic model may exceed the budget, so only the member's own ceiling counts)
        ceiling = {
            mid: cost_cap[mid] if ctx.elastic else min(ctx.budget_eur_m, cost_cap[mid])
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


def troops_of(e: Element) -> float:
    return e.troops_per_unit


def category_label(cat: str) -> str:
    return str(cat).replace("_", " ")


#: Every family, in the order its rows enter the model (see ``Family.section``).
REGISTRY: tuple[Family, ...] = (
    Scope(),
    USBackstopScope(),
    Refusals(),
    Availability(),
    Budget(),
    MoneyCaps(),  # (rows enter member by member with the troop pools', see Family.section)
    TroopPools(),
    TroopWindow(),
    Capabilities(),
    Coverage(),
    Nations(),
    Enablers(),
    BurdenSharing(),
    LeadNations(),
    Rules(),
)
_BY_FAMILY = {f.family: f for f in REGISTRY}


def family(which: ConstraintFamily) -> Family:
    """The registered builder of a family."""
    return _BY_FAMILY[which]
