"""The package criteria (their ids, labels, units and directions) and their scores computed from a
package's allocation (formulas in data/MODEL.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .model import US_MEMBER_ID, Instance, Location
from .results import Allocation

__all__ = [
    "CRITERIA",
    "CRITERIA_BY_ID",
    "DETERRENCE_PARTS",
    "WARNING_PARTS",
    "Criterion",
    "Direction",
    "air_cover_per_unit",
    "burden_base",
    "contributions",
    "criteria_parts",
    "denial_points",
    "deterrence_components",
    "early_warning_pct",
    "nation_bonus",
    "score_allocation",
    "tripwire_members",
    "ukraine_forces_cost_eur_bn",
    "warning_components",
]


class Direction(StrEnum):
    """Whether more of a criterion is better (benefit) or worse (cost)."""

    BENEFIT = "benefit"
    COST = "cost"

    @property
    def sign(self) -> int:
        """pymcdm's type code: 1 for benefit, -1 for cost."""
        return 1 if self is Direction.BENEFIT else -1


@dataclass(frozen=True)
class Criterion:
    """A column of the decision matrix: its id, label, unit, direction and short explanation."""

    criterion_id: str
    label: str
    unit: str
    direction: Direction
    help: str

    @property
    def header(self) -> str:
        """Column header with the unit, for tables shown to users."""
        return f"{self.label} ({self.unit})"


#: The package criteria, in display order. Formulas are in data/MODEL.md and mcdm/criteria.py.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "deterrence",
        "Deterrence",
        "points",
        Direction.BENEFIT,
        "Denial (ground combat power in Ukraine against the Russian forces in theatre, with "
        "diminishing returns) plus tripwire (each nation with at least an armed company in "
        "Ukraine), raised by the US backstop.",
    ),
    Criterion(
        "annual_cost_eur_bn",
        "Annual cost",
        "EUR bn/yr",
        Direction.COST,
        "Annual cost of all units, sustainment included.",
    ),
    Criterion(
        "troops_exposed",
        "Troops exposed",
        "troops",
        Direction.COST,
        "Troops stationed inside Ukraine at any one time.",
    ),
    Criterion(
        "early_warning_pct",
        "Early warning",
        "% of line",
        Direction.BENEFIT,
        "Half the share of the line of contact watched (observers, sensors, drones, "
        "satellites), half the share watched in depth: far enough behind the line to see "
        "forces gather for an attack (30 km by default; drones and satellites).",
    ),
    Criterion(
        "air_defence_k_km2",
        "Air-defence cover",
        "1,000 km2",
        Direction.BENEFIT,
        "Area protected by air-defence batteries and by the combat air patrols the fighters "
        "can sustain around the clock.",
    ),
    Criterion(
        "escalation_risk",
        "Escalation risk",
        "points",
        Direction.COST,
        "Risk that the package is drawn into fighting with Russia.",
    ),
    Criterion(
        "burden_gap_pct",
        "Burden-sharing gap",
        "%",
        Direction.COST,
        "Half the sum of gaps between members' cost shares and GDP shares (0 = in line with GDP).",
    ),
    Criterion(
        "nations",
        "Contributing nations",
        "count",
        Direction.BENEFIT,
        "Members that send at least one unit of their own (paying for Ukraine's own forces "
        "is no flag).",
    ),
    Criterion(
        "readiness_days",
        "Readiness",
        "days",
        Direction.COST,
        "Days until the slowest element of the package is in place.",
    ),
    Criterion(
        "political_risk_pct",
        "Political risk",
        "% of cost",
        Direction.COST,
        "Share of the cost carried by members whose stated position is in principle, conditional, "
        "undecided or unstated.",
    ),
)
CRITERIA_BY_ID: Mapping[str, Criterion] = {c.criterion_id: c for c in CRITERIA}


#: The components of deterrence, in the order packages.csv gives them (``deterrence_<part>``);
#: they sum to the ``deterrence`` criterion. Warning and air protection are criteria of their
#: own and not part of deterrence (data/MODEL.md, "Deterrence").
DETERRENCE_PARTS: tuple[str, ...] = ("denial", "tripwire", "backstop")

#: The components of early warning, in % of the line (``warning_<part>_pct`` in packages.csv):
#: the line watched, and the line watched in depth (data/MODEL.md, "Early warning").
WARNING_PARTS: tuple[str, ...] = ("line", "depth")


def nation_bonus(instance: Instance, member_id: str) -> float:
    """Tripwire points a member adds with an armed presence in Ukraine of at least the minimum
    (``tripwire_min_armed_troops``), before the backstop (A-TRIPWIRE)."""
    p = instance.data.parameters
    m = instance.data.members[member_id]
    if m.nato:
        return p.nation_bonus_nato + (p.nation_bonus_nuclear if m.nuclear else 0.0)
    return p.nation_bonus_other + (p.nation_bonus_nuclear if m.nuclear else 0.0)


def denial_points(instance: Instance, combat_power: float) -> float:
    """Denial points of a ground combat power in Ukraine (mechanised-infantry equivalents).

    A concave piecewise-linear function of the share of the threat (``threat_troops``) that
    the combat power matches, through the breakpoints of parameters.toml and flat beyond the
    last one (A-DENIAL): each further battalion adds less than the one before.
    """
    p = instance.data.parameters
    threat = instance.threat_troops
    share = combat_power / threat if threat > 0 else 0.0
    xs, ys = p.denial_share_of_threat, p.denial_points
    if share >= xs[-1]:
        return float(ys[-1])
    for k in range(1, len(xs)):
        if share <= xs[k]:
            t = (share - xs[k - 1]) / (xs[k] - xs[k - 1])
            return float(ys[k - 1] + t * (ys[k] - ys[k - 1]))
    return float(ys[-1])  # pragma: no cover - share >= xs[-1] is handled above


def tripwire_members(instance: Instance, allocation: Iterable[Allocation]) -> list[str]:
    """Members whose armed combat troops in Ukraine reach the tripwire minimum (A-TRIPWIRE)."""
    data = instance.data
    armed: dict[str, float] = defaultdict(float)
    for a in allocation:
        e = data.elements[a.element_id]
        if e.location is Location.IN_UKRAINE:
            armed[a.member_id] += a.units * e.armed_troops
    need = data.parameters.tripwire_min_armed_troops
    return sorted(mid for mid, t in armed.items() if t > 0 and t >= need)


def deterrence_components(
    instance: Instance, allocation: Iterable[Allocation], multiplier: float | None = None
) -> dict[str, float]:
    """Deterrence by component (:data:`DETERRENCE_PARTS`), summing to the criterion.

    denial
        :func:`denial_points` of the combat power of the units in Ukraine.
    tripwire
        :func:`nation_bonus` summed over :func:`tripwire_members`.
    backstop
        (multiplier - 1) x (denial + tripwire): what the US option adds to both. The
        multiplier is the scenario's option's unless ``multiplier`` is given (the ends of its
        sourced range, :mod:`mcdm.backstop_range`).
    """
    alloc = [a for a in allocation if a.units > 0]
    els = instance.data.elements
    power = sum(
        a.units * els[a.element_id].combat_power
        for a in alloc
        if els[a.element_id].location is Location.IN_UKRAINE
    )
    denial = denial_points(instance, power)
    tripwire = sum(nation_bonus(instance, mid) for mid in tripwire_members(instance, alloc))
    mult = instance.backstop.deterrence_multiplier if multiplier is None else multiplier
    backstop = (mult - 1.0) * (denial + tripwire)
    return {"denial": denial, "tripwire": tripwire, "backstop": backstop}


def warning_components(instance: Instance, allocation: Iterable[Allocation]) -> dict[str, float]:
    """Early warning by component (:data:`WARNING_PARTS`), in % of the line of contact.

    line
        Kilometres of line watched (elements.csv ``early_warning_km``), capped at the line.
    depth
        The kilometres of those watched by units that see at least ``warning_depth_min_km``
        behind the line (``warning_depth_km``, A-EW-DEPTH), capped at the line.
    """
    data = instance.data
    need = data.parameters.warning_depth_min_km
    line = instance.scenario.line_length_km
    watched = in_depth = 0.0
    for a in allocation:
        e = data.elements[a.element_id]
        watched += a.units * e.early_warning_km
        if e.warning_depth_km >= need:
            in_depth += a.units * e.early_warning_km
    return {"line": 100.0 * min(line, watched) / line, "depth": 100.0 * min(line, in_depth) / line}


def criteria_parts(
    instance: Instance, allocation: Iterable[Allocation]
) -> dict[str, dict[str, float]]:
    """The criteria that are made of parts, by part: ``deterrence``
    (:func:`deterrence_components`) and ``warning`` (:func:`warning_components`)."""
    alloc = list(allocation)
    return {
        "deterrence": deterrence_components(instance, alloc),
        "warning": warning_components(instance, alloc),
    }


def early_warning_pct(instance: Instance, allocation: Iterable[Allocation]) -> float:
    """The early-warning criterion: the line watched and the line watched in depth (% of the
    line), weighted ``1 - warning_depth_share`` and ``warning_depth_share``."""
    parts = warning_components(instance, allocation)
    share = instance.data.parameters.warning_depth_share
    return (1.0 - share) * parts["line"] + share * parts["depth"]


def air_cover_per_unit(instance: Instance, element_id: str) -> float:
    """Air-defence cover of one unit (1,000 km2): its own (batteries) plus the share of a 24/7
    combat air patrol station its patrol hours sustain, times a station's area (A-CAP)."""
    p = instance.data.parameters
    e = instance.data.elements[element_id]
    patrol = e.patrol_hours / p.cap_station_hours * p.cap_station_area_k_km2
    return e.air_defence_k_km2 + patrol


def burden_base(instance: Instance) -> list[str]:
    """Members whose GDP shares define a fair split of the cost.

    The scenario's members that could pay for something (a money cap above zero and some
    availability), less those a burden-sharing band excludes (by default the US).
    """
    s = instance.scenario
    exclude = set(s.burden_sharing.exclude) if s.burden_sharing else {US_MEMBER_ID}
    can_give = {mid for (mid, _), n in instance.data.availability.items() if n > 0}
    return [
        mid
        for mid, m in instance.data.members.items()
        if mid in can_give
        and mid not in exclude
        and m.max_contribution_eur_m > 0
        and m.gdp_usd_bn > 0
    ]


def contributions(instance: Instance, allocation: Iterable[Allocation]) -> dict[str, dict]:
    """Per member: units, troops (all, in Ukraine) and cost in EUR m."""
    out: dict[str, dict] = defaultdict(
        lambda: {"units": 0, "troops": 0, "troops_in_ukraine": 0, "cost_eur_m": 0.0}
    )
    for a in allocation:
        e = instance.data.elements[a.element_id]
        row = out[a.member_id]
        row["units"] += a.units
        row["troops"] += a.units * e.troops_per_unit
        row["cost_eur_m"] += a.units * e.cost_eur_m
        if e.location is Location.IN_UKRAINE:
            row["troops_in_ukraine"] += a.units * e.troops_per_unit
    return dict(out)


def ukraine_forces_cost_eur_bn(instance: Instance, allocation: Iterable[Allocation]) -> float:
    """EUR bn a year an allocation spends on Ukraine's own forces (``Category.is_funding``)."""
    els = instance.data.elements
    spent = sum(
        a.units * els[a.element_id].cost_eur_m
        for a in allocation
        if els[a.element_id].category.is_funding
    )
    return spent / 1000.0


def score_allocation(instance: Instance, allocation: Iterable[Allocation]) -> dict[str, float]:
    """All criteria of :data:`CRITERIA` for one allocation.

    Parameters
    ----------
    instance
        The scenario applied to its data (members with overrides, backstop, line length).
    allocation
        Units per member and element; zero entries are ignored.

    Returns
    -------
    dict
        One value per criterion id, in the units the criteria table gives.
    """
    data = instance.data
    backstop = instance.backstop
    alloc = [a for a in allocation if a.units > 0]
    per_member = contributions(instance, alloc)
    ad = esc = 0.0
    readiness = 0
    for a in alloc:
        e = data.elements[a.element_id]
        ad += air_cover_per_unit(instance, a.element_id) * a.units
        esc += e.escalation * a.units
        readiness = max(readiness, e.readiness_days)
    total_cost = sum(row["cost_eur_m"] for row in per_member.values())
    uncertain = sum(
        row["cost_eur_m"]
        for mid, row in per_member.items()
        if data.members[mid].position.is_uncertain
    )
    scores = {
        "deterrence": sum(deterrence_components(instance, alloc).values()),
        "annual_cost_eur_bn": total_cost / 1000.0,
        "troops_exposed": float(sum(r["troops_in_ukraine"] for r in per_member.values())),
        "early_warning_pct": early_warning_pct(instance, alloc),
        "air_defence_k_km2": ad,
        "escalation_risk": backstop.escalation_multiplier * esc,
        "burden_gap_pct": _burden_gap_pct(instance, per_member, total_cost),
        "nations": float(len(_flags(instance, alloc))),
        "readiness_days": float(readiness),
        "political_risk_pct": 100.0 * uncertain / total_cost if total_cost > 0 else 0.0,
    }
    assert set(scores) == {c.criterion_id for c in CRITERIA}
    return scores


def _flags(instance: Instance, alloc: Iterable[Allocation]) -> set[str]:
    """Members that send units of their own: paying for Ukraine's own forces is no flag."""
    els = instance.data.elements
    return {a.member_id for a in alloc if not els[a.element_id].category.is_funding}


def _burden_gap_pct(instance: Instance, per_member: Mapping[str, dict], total: float) -> float:
    """Total-variation distance (in %) between cost shares and GDP shares of the burden base."""
    base = burden_base(instance)
    gdp = {mid: instance.data.members[mid].gdp_usd_bn for mid in base}
    gdp_total = sum(gdp.values())
    paid = {mid: per_member.get(mid, {}).get("cost_eur_m", 0.0) for mid in base}
    paid_total = sum(paid.values())
    if gdp_total <= 0 or paid_total <= 0:
        return 0.0 if total <= 0 else 100.0
    return 50.0 * sum(abs(paid[mid] / paid_total - gdp[mid] / gdp_total) for mid in base)
