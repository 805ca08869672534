"""An independent checker of solved packages, written apart from the model code.

It reads only the domain objects (members, elements, availability, archetype, scenario) and a
package's allocation, and recomputes every constraint of data/MODEL.md from scratch, without
touching mcdm.milp or mcdm.criteria. Every package a test produces must pass it.
"""

from __future__ import annotations

from collections import defaultdict

from mcdm.model import Allocation, Instance

TOL = 1e-6


def check_allocation(
    instance: Instance,
    archetype_id: str,
    allocation: tuple[Allocation, ...] | list[Allocation],
    budget_eur_bn: float | None = None,
) -> list[str]:
    """Every violated constraint, as text; an empty list means the package is valid."""
    data = instance.data
    s = instance.scenario
    a = data.archetypes[archetype_id]
    budget = (s.budget_eur_bn if budget_eur_bn is None else budget_eur_bn) * 1000.0
    bad: list[str] = []
    units: dict[tuple[str, str], int] = defaultdict(int)
    for al in allocation:
        if al.units < 0 or int(al.units) != al.units:
            bad.append(f"{al}: units must be a whole number >= 0")
        units[(al.member_id, al.element_id)] += al.units
    troops = defaultdict(float)
    troops_ua = defaultdict(float)
    cost = defaultdict(float)
    cat_units = defaultdict(int)
    ew = 0.0
    combat_troops = 0.0
    us = "USA"
    backstop = data.parameters.backstop[s.us_backstop]
    for (mid, eid), n in units.items():
        if n == 0:
            continue
        if mid not in data.members:
            bad.append(f"{mid} is not a member of the scenario")
            continue
        m = data.members[mid]
        e = data.elements[eid]
        avail = data.availability.get((mid, eid), 0)
        if n > avail:
            bad.append(f"{mid} {eid}: {n} units > availability {avail}")
        loc = e.location.value
        cat = e.category.value
        if loc not in [x.value for x in a.allowed_locations]:
            bad.append(f"{mid} {eid}: location {loc} not allowed in {archetype_id}")
        if cat not in [x.value for x in a.allowed_categories]:
            bad.append(f"{mid} {eid}: category {cat} not allowed in {archetype_id}")
        if mid == us:
            if cat not in [x.value for x in backstop.us_categories] or loc not in [
                x.value for x in backstop.us_locations
            ]:
                bad.append(f"US sends {eid} ({cat}, {loc}) under backstop {s.us_backstop}")
        else:
            if loc == "in_ukraine" and not m.ground_in_ukraine:
                bad.append(f"{mid} refuses troops in Ukraine but sends {n} {eid}")
            if loc == "outside_ukraine" and not m.outside_ukraine:
                bad.append(f"{mid} refuses bases outside Ukraine but sends {n} {eid}")
        troops[mid] += n * e.troops_per_unit
        cost[mid] += n * e.cost_eur_m
        cat_units[cat] += n
        ew += n * e.early_warning_km
        if loc == "in_ukraine":
            troops_ua[mid] += n * e.troops_per_unit
        if cat in ("ground_combat", "light_infantry"):
            combat_troops += n * e.troops_per_unit
    total_cost = sum(cost.values())
    total_troops = sum(troops.values())
    if total_cost > budget * (1 + TOL) + TOL:
        bad.append(f"cost {total_cost:.3f} > budget {budget:.3f} (EUR m)")
    for mid, t in troops.items():
        m = data.members[mid]
        if s.rotation_factor * t > m.troop_pool + TOL:
            bad.append(f"{mid}: {s.rotation_factor} x {t} troops > pool {m.troop_pool}")
        if m.max_troops_deployed is not None and t > m.max_troops_deployed + TOL:
            bad.append(f"{mid}: {t} troops > deployed cap {m.max_troops_deployed}")
    for mid, c in cost.items():
        if c > data.members[mid].max_contribution_eur_m + TOL:
            bad.append(f"{mid}: cost {c} > money cap {data.members[mid].max_contribution_eur_m}")
    if total_troops < a.troops_min - TOL:
        bad.append(f"{total_troops} troops < minimum {a.troops_min}")
    if a.troops_max is not None and total_troops > a.troops_max + TOL:
        bad.append(f"{total_troops} troops > maximum {a.troops_max}")
    if a.troops_in_ukraine_max is not None and sum(troops_ua.values()) > a.troops_in_ukraine_max:
        bad.append(f"{sum(troops_ua.values())} troops in Ukraine > {a.troops_in_ukraine_max}")
    for cat, need in a.required.items():
        if cat_units[str(cat)] < need:
            bad.append(f"{cat_units[str(cat)]} {cat} units < required {need}")
    if ew < a.min_coverage * s.line_length_km - TOL:
        bad.append(f"early warning {ew} km < {a.min_coverage} x {s.line_length_km} km")
    contributors = [
        mid
        for mid in cost
        if troops[mid] > 0 or cost[mid] > 0 or any(units[(mid, e)] > 0 for e in data.elements)
    ]
    if len(contributors) < a.min_nations:
        bad.append(f"{len(contributors)} nations < {a.min_nations}")
    # a nation is in Ukraine when it has people there (a staff-less sensor is no presence)
    in_ua = [mid for mid, t in troops_ua.items() if t > 0]
    if len(in_ua) < a.min_nations_in_ukraine:
        bad.append(f"{len(in_ua)} nations in Ukraine < {a.min_nations_in_ukraine}")
    for kind, ratio in a.enablers.items():
        if cat_units[str(kind)] < ratio * combat_troops / 1000.0 - TOL:
            bad.append(
                f"{cat_units[str(kind)]} {kind} units < {ratio} per 1,000 of "
                f"{combat_troops} combat troops"
            )
    bs = s.burden_sharing
    if bs is not None:
        base = [mid for mid in contributors if mid not in bs.exclude]
        gdp = sum(data.members[mid].gdp_usd_bn for mid in base)
        paid = sum(cost[mid] for mid in base)
        for mid in base:
            share_gdp = data.members[mid].gdp_usd_bn / gdp
            share_cost = cost[mid] / paid if paid else 0.0
            if (
                not (1 - bs.band) * share_gdp - 1e-5
                <= share_cost
                <= (1 + bs.band) * share_gdp + 1e-5
            ):
                bad.append(
                    f"{mid}: cost share {share_cost:.4f} outside the band around GDP share "
                    f"{share_gdp:.4f}"
                )
    ln = s.lead_nations
    if ln is not None and total_troops > 0:
        lead = sum(troops[mid] for mid in ln.members)
        if lead < ln.min_troop_share * total_troops - TOL:
            bad.append(
                f"lead nations field {lead} of {total_troops} troops < {ln.min_troop_share:.0%}"
            )
    for rule in s.rules:
        if rule.archetypes and archetype_id not in rule.archetypes:
            continue
        sel = [
            (mid, eid, n)
            for (mid, eid), n in units.items()
            if n > 0
            and (not rule.members or mid in rule.members)
            and (
                (not rule.elements and not rule.categories)
                or eid in rule.elements
                or data.elements[eid].category in rule.categories
            )
        ]
        if rule.measure == "units":
            value = sum(n for _, _, n in sel)
        elif rule.measure == "troops":
            value = sum(n * data.elements[eid].troops_per_unit for _, eid, n in sel)
        elif rule.measure == "cost_eur_m":
            value = sum(n * data.elements[eid].cost_eur_m for _, eid, n in sel)
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


def primary_value(instance: Instance, archetype_id: str, allocation) -> float:
    """The archetype's primary measure, recomputed from the data (not from mcdm.criteria)."""
    data = instance.data
    a = data.archetypes[archetype_id]
    p = data.parameters
    units = defaultdict(int)
    for al in allocation:
        units[(al.member_id, al.element_id)] += al.units
    if a.primary.value == "deterrence":
        total = sum(n * data.elements[eid].deterrence for (_, eid), n in units.items())
        in_ua = {
            mid
            for (mid, eid), n in units.items()
            if n > 0
            and data.elements[eid].location.value == "in_ukraine"
            and data.elements[eid].troops_per_unit > 0
        }
        for mid in in_ua:
            m = data.members[mid]
            total += p.nation_bonus_nato if m.nato else p.nation_bonus_other
            total += p.nation_bonus_nuclear if m.nuclear else 0.0
        return total * p.backstop[instance.scenario.us_backstop].deterrence_multiplier
    if a.primary.value == "air_defence_k_km2":
        return sum(n * data.elements[eid].air_defence_k_km2 for (_, eid), n in units.items())
    km = sum(n * data.elements[eid].early_warning_km for (_, eid), n in units.items())
    return min(km, instance.scenario.line_length_km)


def cost_eur_m(instance: Instance, allocation) -> float:
    return sum(al.units * instance.data.elements[al.element_id].cost_eur_m for al in allocation)
