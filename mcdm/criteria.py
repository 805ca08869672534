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
    "Criterion",
    "Direction",
    "burden_base",
    "contributions",
    "nation_bonus",
    "score_allocation",
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
        "Combat power deployed plus a bonus per nation with troops in Ukraine, scaled by "
        "the US backstop's credibility multiplier.",
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
        "Share of the line of contact watched by observers, sensors, drones and satellites.",
    ),
    Criterion(
        "air_defence_k_km2",
        "Air-defence cover",
        "1,000 km2",
        Direction.BENEFIT,
        "Area protected by air-defence batteries and air policing.",
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
        "Members that send at least one unit.",
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


def nation_bonus(instance: Instance, member_id: str) -> float:
    """Deterrence points a member adds by having troops in Ukraine (before the multiplier)."""
    p = instance.data.parameters
    m = instance.data.members[member_id]
    if m.nato:
        return p.nation_bonus_nato + (p.nation_bonus_nuclear if m.nuclear else 0.0)
    return p.nation_bonus_other + (p.nation_bonus_nuclear if m.nuclear else 0.0)


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
    det = ew_km = ad = esc = 0.0
    readiness = 0
    for a in alloc:
        e = data.elements[a.element_id]
        det += e.deterrence * a.units
        ew_km += e.early_warning_km * a.units
        ad += e.air_defence_k_km2 * a.units
        esc += e.escalation * a.units
        readiness = max(readiness, e.readiness_days)
    det += sum(
        nation_bonus(instance, mid)
        for mid, row in per_member.items()
        if row["troops_in_ukraine"] > 0
    )
    total_cost = sum(row["cost_eur_m"] for row in per_member.values())
    line = instance.scenario.line_length_km
    uncertain = sum(
        row["cost_eur_m"]
        for mid, row in per_member.items()
        if data.members[mid].position.is_uncertain
    )
    scores = {
        "deterrence": backstop.deterrence_multiplier * det,
        "annual_cost_eur_bn": total_cost / 1000.0,
        "troops_exposed": float(sum(r["troops_in_ukraine"] for r in per_member.values())),
        "early_warning_pct": 100.0 * min(line, ew_km) / line,
        "air_defence_k_km2": ad,
        "escalation_risk": backstop.escalation_multiplier * esc,
        "burden_gap_pct": _burden_gap_pct(instance, per_member, total_cost),
        "nations": float(len(per_member)),
        "readiness_days": float(readiness),
        "political_risk_pct": 100.0 * uncertain / total_cost if total_cost > 0 else 0.0,
    }
    assert set(scores) == {c.criterion_id for c in CRITERIA}
    return scores


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
