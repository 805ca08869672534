"""Small hand-made instances for tests, docs and experiments (no files needed).

``tiny_instance`` builds a complete :class:`~mcdm.model.Instance` from a few members and
elements; the defaults give a two-member, three-element problem small enough to enumerate by
hand or by brute force.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .instance import instantiate
from .model import (
    COMBAT_CATEGORIES,
    Archetype,
    BackstopOption,
    Category,
    Dataset,
    Element,
    Instance,
    Location,
    Measure,
    Member,
    Parameters,
    Position,
    Restriction,
    Scenario,
    SolverSettings,
    USBackstop,
    Zone,
)

__all__ = ["element", "member", "tiny_instance"]


def member(
    member_id: str,
    *,
    gdp: float = 1000.0,
    pool: int = 4000,
    cap: int | None = None,
    money: float = 1000.0,
    ground: bool = True,
    outside: bool = True,
    nato: bool = True,
    nuclear: bool = False,
    position: Position = Position.COMMITTED,
) -> Member:
    """A member with round numbers; every figure is a keyword."""
    return Member(
        member_id=member_id,
        name=member_id,
        position=position,
        role_stated="",
        gdp_usd_bn=gdp,
        milex_usd_bn=gdp * 0.02,
        active_personnel=pool * 10,
        troop_pool=pool,
        max_troops_deployed=cap,
        max_contribution_eur_m=money,
        ground_in_ukraine=ground,
        outside_ukraine=outside,
        nato=nato,
        eu=True,
        nuclear=nuclear,
        source="example",
        confidence="A",
    )


def element(
    element_id: str,
    category: Category = Category.GROUND_COMBAT,
    *,
    location: Location = Location.IN_UKRAINE,
    zone: Zone | None = None,
    troops: int = 100,
    cost: float = 10.0,
    deterrence: float = 1.0,
    early_warning_km: float = 0.0,
    air_defence: float = 0.0,
    escalation: float = 0.5,
    readiness: int = 30,
    combat_power: float | None = None,
    armed_troops: int | None = None,
    patrol_hours: float = 0.0,
    warning_depth_km: float = 0.0,
) -> Element:
    """An element with round numbers; every figure is a keyword. Without a ``zone``, an element
    in Ukraine serves at the line of contact and one elsewhere in its location's own zone.

    Unless given, a combat element's combat power is 100 per point of ``deterrence`` (the old
    scale: a point was the combat power of 100 mechanised infantry) and all its troops are
    armed; other elements have neither.
    """
    if zone is None:
        zone = next(z for z in Zone if z.location is location)
    combat = category in COMBAT_CATEGORIES
    if combat_power is None:
        combat_power = 100.0 * deterrence if combat else 0.0
    if armed_troops is None:
        armed_troops = troops if combat else 0
    return Element(
        element_id=element_id,
        name=element_id,
        category=category,
        location=location,
        zone=zone,
        troops_per_unit=troops,
        cost_eur_m=cost,
        cost_low_eur_m=cost * 0.8,
        cost_high_eur_m=cost * 1.2,
        deterrence=deterrence,
        early_warning_km=early_warning_km,
        air_defence_k_km2=air_defence,
        escalation=escalation,
        readiness_days=readiness,
        source="example",
        confidence="A",
        combat_power=combat_power,
        armed_troops=armed_troops,
        patrol_hours=patrol_hours,
        warning_depth_km=warning_depth_km,
    )


def tiny_instance(
    members: Sequence[Member] | None = None,
    elements: Sequence[Element] | None = None,
    availability: Mapping[tuple[str, str], int] | None = None,
    archetype: Archetype | None = None,
    *,
    budget_eur_bn: float = 0.1,
    rotation_factor: float = 4.0,
    line_length_km: float = 100.0,
    us_backstop: USBackstop = USBackstop.NONE,
    nation_bonus: float = 0.0,
    threat_troops: float = 10_000.0,
    stated_restrictions: Sequence[Restriction] = (),
    **scenario_fields: object,
) -> Instance:
    """A complete instance from a few members, elements and one archetype ("test").

    Defaults: members A and B, elements ``inf`` (ground combat), ``obs`` (observer) and
    ``sat`` (remote ISR), availability 3 of each, an archetype with no requirements that
    maximises deterrence, EUR 0.1 bn budget, exact solves (gap 0). The threat is 10,000
    troops, so that a few units of combat power cross several segments of the denial function.
    """
    members = list(members or [member("A", gdp=2000.0), member("B", gdp=500.0)])
    elements = list(
        elements
        or [
            element("inf", Category.GROUND_COMBAT, troops=100, cost=10.0, deterrence=3.0),
            element(
                "obs", Category.OBSERVER, troops=20, cost=3.0, deterrence=0.5, early_warning_km=20.0
            ),
            element(
                "sat",
                Category.ISR,
                location=Location.REMOTE,
                troops=0,
                cost=4.0,
                deterrence=0.2,
                early_warning_km=30.0,
            ),
        ]
    )
    if availability is None:
        availability = {(m.member_id, e.element_id): 3 for m in members for e in elements}
    archetype = archetype or Archetype(
        archetype_id="test",
        name="Test package",
        description="",
        primary=Measure.DETERRENCE,
        min_nations=0,
    )
    backstop = {
        USBackstop.NONE: BackstopOption(1.0),
        USBackstop.AIR_ISR: BackstopOption(
            1.15, (Category.AIR, Category.ISR), (Location.OUTSIDE_UKRAINE, Location.REMOTE)
        ),
        USBackstop.ARTICLE5: BackstopOption(
            1.5, (Category.AIR, Category.ISR), (Location.OUTSIDE_UKRAINE, Location.REMOTE), 1.1
        ),
    }
    params = Parameters(
        backstop=backstop,
        nation_bonus_nato=nation_bonus,
        nation_bonus_nuclear=nation_bonus,
        nation_bonus_other=nation_bonus,
        usd_per_eur=1.0824,
        threat_troops=threat_troops,
    )
    data = Dataset(
        members={m.member_id: m for m in members},
        elements={e.element_id: e for e in elements},
        availability=dict(availability),
        archetypes={archetype.archetype_id: archetype},
        parameters=params,
        root="(example)",
        digest="example",
        restrictions={r.restriction_id: r for r in stated_restrictions},
    )
    scenario = Scenario(
        name="tiny",
        budget_eur_bn=budget_eur_bn,
        rotation_factor=rotation_factor,
        line_length_km=line_length_km,
        us_backstop=us_backstop,
        solver=SolverSettings(mip_gap=0.0, time_limit_s=30.0),
    )
    scenario = replace(scenario, **scenario_fields)  # type: ignore[arg-type]
    return instantiate(scenario, data)


def synthetic_instance(
    n_members: int = 200,
    n_elements: int = 50,
    *,
    seed: int = 0,
    burden_band: float | None = 0.5,
    budget_eur_bn: float = 20.0,
    density: float = 0.3,
) -> Instance:
    """A large random instance for benchmarks: ``n_members`` x ``n_elements``, seeded.

    Members have log-normal GDPs, pools and money caps in proportion; elements cycle through
    the categories and locations with costs of EUR 5-300m and matching troops; each pair is
    available with probability ``density``. One reassurance-like archetype ("synthetic")
    maximises deterrence with at least 10 nations and a few required capabilities.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    cats = list(Category)
    locs = list(Location)
    members = []
    for i in range(n_members):
        gdp = float(np.round(rng.lognormal(5.0, 1.4), 1)) + 1.0
        pool = int(gdp * rng.uniform(5, 25)) // 10 * 10
        members.append(
            member(
                f"M{i:03d}",
                gdp=gdp,
                pool=pool,
                money=round(gdp * 0.6, 1),
                ground=bool(rng.random() < 0.6),
                nato=bool(rng.random() < 0.8),
                nuclear=i < 3,
            )
        )
    elements = []
    for j in range(n_elements):
        cat = cats[j % len(cats)]
        loc = Location.REMOTE if cat is Category.ISR and j % 2 else locs[j % 2]
        troops = 0 if loc is Location.REMOTE else int(rng.choice([50, 100, 150, 300, 800]))
        cost = float(np.round(max(5.0, troops * rng.uniform(0.1, 0.35)), 1)) or 10.0
        elements.append(
            element(
                f"E{j:02d}",
                cat,
                location=loc,
                troops=troops,
                cost=cost,
                deterrence=float(
                    np.round(troops / 100 * rng.uniform(0.5, 1.5) + rng.uniform(0, 1), 1)
                ),
                early_warning_km=float(rng.choice([0, 0, 20, 50, 150])),
                air_defence=float(rng.choice([0, 0, 0, 5, 10])),
            )
        )
    availability = {
        (m.member_id, e.element_id): int(rng.integers(1, 6))
        for m in members
        for e in elements
        if rng.random() < density
    }
    archetype = Archetype(
        archetype_id="synthetic",
        name="Synthetic package",
        description="benchmark",
        primary=Measure.DETERRENCE,
        troops_min=5000,
        troops_max=60000,
        required={Category.GROUND_COMBAT: 4, Category.AIR_DEFENCE: 2, Category.HQ: 1},
        min_nations=10,
        min_nations_in_ukraine=5,
        enablers={"logistics": 0.2, "medical": 0.2},
    )
    from .model import BurdenSharing

    bands = BurdenSharing(band=burden_band, exclude=()) if burden_band is not None else None
    inst = tiny_instance(
        members,
        elements,
        availability,
        archetype,
        budget_eur_bn=budget_eur_bn,
        nation_bonus=2.0,
        threat_troops=700_000.0,  # the bundled data's threat: denial far from saturation
        burden_sharing=bands,
    )
    return replace(
        inst,
        scenario=replace(
            inst.scenario,
            solver=SolverSettings(mip_gap=0.01, time_limit_s=120.0),
        ),
    )
