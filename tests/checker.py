"""An independent checker of solved packages, written apart from the model code.

It reads only the domain objects (members, elements, availability, archetype, scenario) and a
package's allocation, and recomputes every constraint of data/MODEL.md from scratch, without
touching mcdm.milp's builders or mcdm.criteria: one check per constraint family, in
:data:`CHECKS` (a test keeps its keys equal to the families of the model's registry). Every
package a test produces must pass it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from mcdm.milp import ConstraintFamily as F
from mcdm.model import Archetype, Instance
from mcdm.results import Allocation

TOL = 1e-6
US = "USA"
#: Money for Ukraine's own forces: no member's people go, so no refusal or restriction bars it,
#: and it makes its payer no nation of the force.
FUNDING = "ukraine_forces"


@dataclass
class Mix:
    """A package's allocation, summed the ways the checks need."""

    instance: Instance
    archetype_id: str
    archetype: Archetype
    budget_eur_m: float
    units: dict[tuple[str, str], int]
    troops: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    troops_ua: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cost: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cat_units: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    early_warning_km: float = 0.0
    combat_troops: float = 0.0

    @property
    def total_troops(self) -> float:
        return sum(self.troops.values())

    @property
    def contributors(self) -> list[str]:
        """Members that send units of their own: paying for Ukraine's own brigades or air
        defence (category ukraine_forces) sends no flag."""
        els = self.instance.data.elements
        return [
            mid
            for mid in self.cost
            if any(
                n > 0 and els[e].category.value != FUNDING
                for (m, e), n in self.units.items()
                if m == mid
            )
        ]


def _mix(instance: Instance, archetype_id: str, allocation, budget_eur_bn) -> tuple[Mix, list[str]]:
    data = instance.data
    s = instance.scenario
    bad: list[str] = []
    units: dict[tuple[str, str], int] = defaultdict(int)
    for al in allocation:
        if al.units < 0 or int(al.units) != al.units:
            bad.append(f"{al}: units must be a whole number >= 0")
        units[(al.member_id, al.element_id)] += al.units
    budget = (s.budget_eur_bn if budget_eur_bn is None else budget_eur_bn) * 1000.0
    mix = Mix(instance, archetype_id, data.archetypes[archetype_id], budget, units)
    for (mid, eid), n in units.items():
        if n == 0:
            continue
        if mid not in data.members:
            bad.append(f"{mid} is not a member of the scenario")
            continue
        e = data.elements[eid]
        mix.troops[mid] += n * e.troops_per_unit
        mix.cost[mid] += n * e.cost_eur_m
        mix.cat_units[e.category.value] += n
        mix.early_warning_km += n * e.early_warning_km
        if e.location.value == "in_ukraine":
            mix.troops_ua[mid] += n * e.troops_per_unit
        if e.category.value in ("ground_combat", "light_infantry"):
            mix.combat_troops += n * e.troops_per_unit
    return mix, bad


def _sent(mix: Mix):
    """(member, element, units, Element) for every pair with units."""
    for (mid, eid), n in mix.units.items():
        if n > 0 and mid in mix.instance.data.members:
            yield mid, eid, n, mix.instance.data.elements[eid]


def check_scope(mix: Mix) -> list[str]:
    a = mix.archetype
    bad = []
    for mid, eid, _, e in _sent(mix):
        if e.location.value not in [x.value for x in a.allowed_locations]:
            bad.append(f"{mid} {eid}: location {e.location.value} not allowed in {a.archetype_id}")
        if e.category.value not in [x.value for x in a.allowed_categories]:
            bad.append(f"{mid} {eid}: category {e.category.value} not allowed in {a.archetype_id}")
        if eid in a.excluded_elements:
            bad.append(f"{mid} {eid}: element excluded from {a.archetype_id}")
    return bad


def check_us_backstop(mix: Mix) -> list[str]:
    s = mix.instance.scenario
    backstop = mix.instance.data.parameters.backstop[s.us_backstop]
    return [
        f"US sends {eid} ({e.category.value}, {e.location.value}) under backstop {s.us_backstop}"
        for mid, eid, _, e in _sent(mix)
        if mid == US
        and (
            e.category.value not in [x.value for x in backstop.us_categories]
            or e.location.value not in [x.value for x in backstop.us_locations]
        )
    ]


def check_refusals(mix: Mix) -> list[str]:
    bad = []
    for mid, eid, n, e in _sent(mix):
        m = mix.instance.data.members[mid]
        if mid == US or e.category.value == FUNDING:
            continue
        if e.location.value == "in_ukraine" and not m.ground_in_ukraine:
            bad.append(f"{mid} refuses troops in Ukraine but sends {n} {eid}")
        if e.location.value == "outside_ukraine" and not m.outside_ukraine:
            bad.append(f"{mid} refuses bases outside Ukraine but sends {n} {eid}")
    return bad


def check_restrictions(mix: Mix) -> list[str]:
    """No member sends an element of a zone and category its stated restriction names, unless
    the scenario lifts it (by id, or every conditional one when conditions are assumed met)."""
    s = mix.instance.scenario
    bad = []
    for mid, eid, n, e in _sent(mix):
        if mid == US or e.category.value == FUNDING:
            continue  # the backstop option governs what the US sends; money sends no one
        for r in mix.instance.data.restrictions.values():
            if r.member_id != mid or r.restriction_id in s.restrictions.lift:
                continue
            if r.kind.value == "conditional" and s.restrictions.conditional == "lift":
                continue
            zone_hit = not r.zones or e.zone.value in [z.value for z in r.zones]
            cat_hit = not r.categories or e.category.value in [c.value for c in r.categories]
            if zone_hit and cat_hit:
                bad.append(f"{mid} sends {n} {eid} ({e.zone.value}) against {r.restriction_id}")
    return bad


def check_straits(mix: Mix) -> list[str]:
    """With the Straits closed, Black Sea elements come only from Black Sea states."""
    if mix.instance.scenario.maritime.straits_open:
        return []
    members = mix.instance.data.members
    return [
        f"{mid} sends {n} {eid} to the Black Sea through closed Straits"
        for mid, eid, n, e in _sent(mix)
        if e.zone.value == "black_sea" and not members[mid].black_sea
    ]


def check_availability(mix: Mix) -> list[str]:
    data = mix.instance.data
    return [
        f"{mid} {eid}: {n} units > availability {data.availability.get((mid, eid), 0)}"
        for mid, eid, n, _ in _sent(mix)
        if n > data.availability.get((mid, eid), 0)
    ]


def check_budget(mix: Mix) -> list[str]:
    total = sum(mix.cost.values())
    s = mix.instance.scenario
    if s.budget_basis == "horizon":
        # the present value, year by year: set-up in year 0, annual costs in years 1..T
        els = mix.instance.data.elements
        one_off = sum(n * els[eid].one_off_cost_eur_m for (_, eid), n in mix.units.items())
        years = range(1, s.horizon_years + 1)
        total = one_off + sum(total / (1 + s.discount_rate) ** t for t in years)
    if total > mix.budget_eur_m * (1 + TOL) + TOL:
        return [f"cost {total:.3f} > budget {mix.budget_eur_m:.3f} (EUR m)"]
    return []


def check_troop_pools(mix: Mix) -> list[str]:
    rot = mix.instance.scenario.rotation_factor
    bad = []
    for mid, t in mix.troops.items():
        m = mix.instance.data.members[mid]
        if rot * t > m.troop_pool + TOL:
            bad.append(f"{mid}: {rot} x {t} troops > pool {m.troop_pool}")
        if m.max_troops_deployed is not None and t > m.max_troops_deployed + TOL:
            bad.append(f"{mid}: {t} troops > deployed cap {m.max_troops_deployed}")
    return bad


def check_money_caps(mix: Mix) -> list[str]:
    members = mix.instance.data.members
    return [
        f"{mid}: cost {c} > money cap {members[mid].max_contribution_eur_m}"
        for mid, c in mix.cost.items()
        if c > members[mid].max_contribution_eur_m + TOL
    ]


def check_troop_window(mix: Mix) -> list[str]:
    a = mix.archetype
    in_ua = sum(mix.troops_ua.values())
    total = in_ua if a.troops_counted == "in_ukraine" else mix.total_troops
    bad = []
    if total < a.troops_min - TOL:
        bad.append(f"{total} troops < minimum {a.troops_min}")
    if a.troops_max is not None and total > a.troops_max + TOL:
        bad.append(f"{total} troops > maximum {a.troops_max}")
    if a.troops_in_ukraine_max is not None and in_ua > a.troops_in_ukraine_max:
        bad.append(f"{in_ua} troops in Ukraine > {a.troops_in_ukraine_max}")
    return bad


def check_capabilities(mix: Mix) -> list[str]:
    return [
        f"{mix.cat_units[str(cat)]} {cat} units < required {need}"
        for cat, need in mix.archetype.required.items()
        if mix.cat_units[str(cat)] < need
    ]


def check_coverage(mix: Mix) -> list[str]:
    a = mix.archetype
    line = mix.instance.scenario.line_length_km
    if mix.early_warning_km < a.min_coverage * line - TOL:
        return [f"early warning {mix.early_warning_km} km < {a.min_coverage} x {line} km"]
    return []


def check_nations(mix: Mix) -> list[str]:
    a = mix.archetype
    bad = []
    if len(mix.contributors) < a.min_nations:
        bad.append(f"{len(mix.contributors)} nations < {a.min_nations}")
    # a nation is in Ukraine when it has people there (a staff-less sensor is no presence)
    in_ua = [mid for mid, t in mix.troops_ua.items() if t > 0]
    if len(in_ua) < a.min_nations_in_ukraine:
        bad.append(f"{len(in_ua)} nations in Ukraine < {a.min_nations_in_ukraine}")
    return bad


def check_enablers(mix: Mix) -> list[str]:
    return [
        f"{mix.cat_units[str(kind)]} {kind} units < {ratio} per 1,000 of "
        f"{mix.combat_troops} combat troops"
        for kind, ratio in mix.archetype.enablers.items()
        if mix.cat_units[str(kind)] < ratio * mix.combat_troops / 1000.0 - TOL
    ]


def check_air_support(mix: Mix) -> list[str]:
    """MODEL.md, "Air protection": the fighters' hours on station a year (patrol_hours x units)
    are at most the AEW orbits' units x aew_patrol_hours, and at most the tanker detachments'
    units x tanker_patrol_hours (a parameter that is absent limits nothing)."""
    p = mix.instance.data.parameters
    flown = sum(n * e.patrol_hours for _, _, n, e in _sent(mix))
    out = []
    for category, per_unit in (("aew", p.aew_patrol_hours), ("tanker", p.tanker_patrol_hours)):
        if per_unit is None:
            continue
        supported = mix.cat_units[category] * per_unit
        if flown > supported + TOL:
            out.append(
                f"fighters fly {flown:,.0f} patrol hours; {mix.cat_units[category]} {category} "
                f"units support {supported:,.0f}"
            )
    return out


def check_burden_sharing(mix: Mix) -> list[str]:
    bs = mix.instance.scenario.burden_sharing
    if bs is None:
        return []
    members = mix.instance.data.members
    base = [mid for mid in mix.contributors if mid not in bs.exclude]
    gdp = sum(members[mid].gdp_usd_bn for mid in base)
    paid = sum(mix.cost[mid] for mid in base)
    bad = []
    for mid in base:
        share_gdp = members[mid].gdp_usd_bn / gdp
        share_cost = mix.cost[mid] / paid if paid else 0.0
        if not (1 - bs.band) * share_gdp - 1e-5 <= share_cost <= (1 + bs.band) * share_gdp + 1e-5:
            bad.append(
                f"{mid}: cost share {share_cost:.4f} outside the band around GDP share "
                f"{share_gdp:.4f}"
            )
    return bad


def check_lead_nations(mix: Mix) -> list[str]:
    ln = mix.instance.scenario.lead_nations
    total = mix.total_troops
    if ln is None or total <= 0:
        return []
    lead = sum(mix.troops[mid] for mid in ln.members)
    if lead < ln.min_troop_share * total - TOL:
        return [f"lead nations field {lead} of {total} troops < {ln.min_troop_share:.0%}"]
    return []


def check_rules(mix: Mix) -> list[str]:
    elements = mix.instance.data.elements
    bad = []
    for rule in mix.instance.scenario.rules:
        if rule.archetypes and mix.archetype_id not in rule.archetypes:
            continue
        sel = [
            (mid, eid, n)
            for mid, eid, n, e in _sent(mix)
            if (not rule.members or mid in rule.members)
            and (
                (not rule.elements and not rule.categories)
                or eid in rule.elements
                or e.category in rule.categories
            )
        ]
        if rule.measure == "units":
            value = sum(n for _, _, n in sel)
        elif rule.measure == "troops":
            value = sum(n * elements[eid].troops_per_unit for _, eid, n in sel)
        elif rule.measure == "cost_eur_m":
            value = sum(n * elements[eid].cost_eur_m for _, eid, n in sel)
        else:
            value = len({mid for mid, _, _ in sel})
        ok = {
            ">=": value >= rule.value - TOL,
            "<=": value <= rule.value + TOL,
            "==": abs(value - rule.value) <= TOL,
        }[rule.sense]
        if not ok:
            bad.append(f"rule {rule.name!r}: {rule.measure} {value} not {rule.sense} {rule.value}")
    return bad


def check_resilience(mix: Mix) -> list[str]:
    """data/MODEL.md, "Resilience": with ``withdrawals = k``, the archetype's minimums (troops,
    required units, line watched, nations in all and in Ukraine, enablers) hold again with the
    units of every set of at most k members taken away; ``members = "uncertain"`` counts only
    members whose position is not "committed". Enumerated here, from the allocation."""
    settings = mix.instance.scenario.resilience
    k = settings.withdrawals
    if k <= 0:
        return []
    members = mix.instance.data.members
    may_go = [
        mid
        for mid in mix.contributors
        if settings.members == "any" or members[mid].position.value != "committed"
    ]
    kept = [Allocation(mid, eid, n) for (mid, eid), n in mix.units.items() if n > 0]
    bad = []
    for size in range(1, min(k, len(may_go)) + 1):
        for gone in combinations(may_go, size):
            rest = [al for al in kept if al.member_id not in gone]
            without, _ = _mix(mix.instance, mix.archetype_id, rest, mix.budget_eur_m / 1000.0)
            for check in (
                check_troop_window,
                check_capabilities,
                check_coverage,
                check_nations,
                check_enablers,
            ):
                bad += [f"without {', '.join(gone)}: {b}" for b in check(without)]
    return bad


#: One check per constraint family.
CHECKS: dict[F, Callable[[Mix], list[str]]] = {
    F.SCOPE: check_scope,
    F.US_BACKSTOP: check_us_backstop,
    F.REFUSALS: check_refusals,
    F.RESTRICTIONS: check_restrictions,
    F.STRAITS: check_straits,
    F.AVAILABILITY: check_availability,
    F.BUDGET: check_budget,
    F.MONEY_CAPS: check_money_caps,
    F.TROOP_POOLS: check_troop_pools,
    F.TROOP_WINDOW: check_troop_window,
    F.CAPABILITIES: check_capabilities,
    F.COVERAGE: check_coverage,
    F.NATIONS: check_nations,
    F.ENABLERS: check_enablers,
    F.AIR_SUPPORT: check_air_support,
    F.BURDEN_SHARING: check_burden_sharing,
    F.LEAD_NATIONS: check_lead_nations,
    F.RULES: check_rules,
    F.RESILIENCE: check_resilience,
}


def check_allocation(
    instance: Instance,
    archetype_id: str,
    allocation: tuple[Allocation, ...] | list[Allocation],
    budget_eur_bn: float | None = None,
) -> list[str]:
    """Every violated constraint, as text; an empty list means the package is valid."""
    mix, bad = _mix(instance, archetype_id, allocation, budget_eur_bn)
    for check in CHECKS.values():
        bad += check(mix)
    return bad


def deterrence_parts(instance: Instance, allocation) -> dict[str, float]:
    """Deterrence's components, recomputed from the data (not from mcdm.criteria):

    - denial: the combat power of the units in Ukraine, as a share of the threat, through the
      breakpoints of the denial function (linear between them, flat beyond the last);
    - tripwire: each member whose armed troops in Ukraine reach the minimum adds its points
      (NATO / other, plus the nuclear points);
    - backstop: (multiplier - 1) times the two.
    """
    data = instance.data
    p = data.parameters
    units: dict[tuple[str, str], int] = defaultdict(int)
    for al in allocation:
        units[(al.member_id, al.element_id)] += al.units
    power = 0.0
    armed: dict[str, float] = defaultdict(float)
    for (mid, eid), n in units.items():
        e = data.elements[eid]
        if n > 0 and e.location.value == "in_ukraine":
            power += n * e.combat_power
            armed[mid] += n * e.armed_troops
    threat = instance.scenario.threat_troops or p.threat_troops
    share = power / threat
    xs, ys = list(p.denial_share_of_threat), list(p.denial_points)
    denial = float(ys[-1])
    for k in range(1, len(xs)):
        if share <= xs[k]:
            denial = ys[k - 1] + (share - xs[k - 1]) * (ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1])
            break
    tripwire = 0.0
    for mid, t in armed.items():
        if t > 0 and t >= p.tripwire_min_armed_troops:
            m = data.members[mid]
            tripwire += p.nation_bonus_nato if m.nato else p.nation_bonus_other
            tripwire += p.nation_bonus_nuclear if m.nuclear else 0.0
    mult = p.backstop[instance.scenario.us_backstop].deterrence_multiplier
    return {"denial": denial, "tripwire": tripwire, "backstop": (mult - 1) * (denial + tripwire)}


def primary_value(instance: Instance, archetype_id: str, allocation) -> float:
    """The archetype's primary measure, recomputed from the data (not from mcdm.criteria)."""
    data = instance.data
    a = data.archetypes[archetype_id]
    p = data.parameters
    units: dict[tuple[str, str], int] = defaultdict(int)
    for al in allocation:
        units[(al.member_id, al.element_id)] += al.units
    if a.primary.value == "deterrence":
        return sum(deterrence_parts(instance, allocation).values())
    if a.primary.value == "air_defence_k_km2":
        return sum(
            n
            * (
                data.elements[eid].air_defence_k_km2
                + data.elements[eid].patrol_hours * p.cap_station_area_k_km2 / p.cap_station_hours
            )
            for (_, eid), n in units.items()
        )
    return instance.scenario.line_length_km * warning_pct(instance, allocation) / 100.0


def warning_parts(instance: Instance, allocation) -> dict[str, float]:
    """Early warning's parts in % of the line (data/MODEL.md, "Early warning"), recomputed
    from the data: the km of line watched, and those watched by units that see at least the
    minimum depth behind the line, each capped at the line."""
    data = instance.data
    line = instance.scenario.line_length_km
    km = deep = 0.0
    for al in allocation:
        e = data.elements[al.element_id]
        km += al.units * e.early_warning_km
        if e.warning_depth_km >= data.parameters.warning_depth_min_km:
            deep += al.units * e.early_warning_km
    return {"line": 100.0 * min(km, line) / line, "depth": 100.0 * min(deep, line) / line}


def warning_pct(instance: Instance, allocation) -> float:
    """The early-warning criterion (%): the line watched and the line watched in depth,
    weighted by ``warning_depth_share``."""
    parts = warning_parts(instance, allocation)
    share = instance.data.parameters.warning_depth_share
    return (1.0 - share) * parts["line"] + share * parts["depth"]


def cost_eur_m(instance: Instance, allocation) -> float:
    return sum(al.units * instance.data.elements[al.element_id].cost_eur_m for al in allocation)
