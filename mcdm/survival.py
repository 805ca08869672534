"""The archetype requirements a withdrawal must leave intact, and what a package loses when
members withdraw: how many withdrawals it survives and which single one hurts most
(data/MODEL.md, "Resilience").

The protected requirements are the archetype's minimums: troops, required units per category,
the line watched, contributing nations (in all and in Ukraine) and enablers per combat troop.
Each one is a sum over members of what each member contributes, so a withdrawal subtracts that
member's share: the integer program (:mod:`mcdm.milp.resilience`) and the counts here read the
same declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import TypedDict

import numpy as np

from . import limits as lim
from .criteria import air_cover_per_unit, deterrence_components
from .model import Archetype, Category, Element, Instance, Location, Measure
from .resilience import may_withdraw
from .results import Allocation

__all__ = [
    "Protected",
    "WithdrawalFields",
    "measure_of",
    "member_shares",
    "protected_requirements",
    "resilient_to",
    "withdrawal_fields",
    "worst_withdrawal",
]

#: Below this much a requirement is still met (the solver's integers carry noise).
TOL = 1e-6


@dataclass(frozen=True)
class Protected:
    """One requirement ``sum over members of their share >= required``.

    A member's share is ``per_unit(element)`` summed over its units; for a count of nations
    (``nations`` "all" or "in_ukraine") it is 1 for a member that contributes (with people in
    Ukraine), else 0.
    """

    key: str
    label: str
    required: float
    unit: str
    per_unit: Callable[[Element], float] | None = None
    nations: str = ""


def _has_people_in_ukraine(e: Element) -> bool:
    # as the nations rows count presence: units based in Ukraine with troops
    return e.location is Location.IN_UKRAINE and e.troops_per_unit > 0


def protected_requirements(instance: Instance, a: Archetype) -> list[Protected]:
    """The archetype's requirements that must survive a withdrawal, in model order."""
    out = []
    if a.troops_min > 0:
        in_ua = a.troops_counted == "in_ukraine"
        where = " in Ukraine" if in_ua else ""
        out.append(
            Protected(
                "troops_min",
                f"at least {a.troops_min:,} troops{where}",
                a.troops_min,
                "troops",
                (lambda e: e.troops_per_unit * _has_people_in_ukraine(e))
                if in_ua
                else (lambda e: e.troops_per_unit),
            )
        )
    for cat, n in a.required.items():
        if n > 0:
            label = f"at least {n} {str(cat).replace('_', ' ')} units"
            out.append(Protected(f"required.{cat}", label, n, "units", _is(Category(cat))))
    if a.min_coverage > 0:
        line = instance.scenario.line_length_km
        label = f"{a.min_coverage:.0%} of the {line:,.0f} km line watched"
        out.append(
            Protected(
                "min_coverage", label, a.min_coverage * line, "km", lambda e: e.early_warning_km
            )
        )
    if a.min_nations > 0:
        label = f"at least {a.min_nations} contributing nations"
        out.append(Protected("min_nations", label, a.min_nations, "nations", nations="all"))
    if a.min_nations_in_ukraine > 0:
        label = f"at least {a.min_nations_in_ukraine} nations with troops in Ukraine"
        out.append(
            Protected(
                "min_nations_in_ukraine",
                label,
                a.min_nations_in_ukraine,
                "nations",
                nations="in_ukraine",
            )
        )
    for kind, ratio in a.enablers.items():
        if ratio > 0:
            label = f"{ratio:g} {kind} units per 1,000 combat troops"
            out.append(Protected(f"enablers.{kind}", label, 0.0, "units", _enabler(kind, ratio)))
    return out


def _is(cat: Category) -> Callable[[Element], float]:
    return lambda e: 1.0 if e.category is cat else 0.0


def _enabler(kind: str, ratio: float) -> Callable[[Element], float]:
    """Enabler units had minus enabler units needed per unit: 1 for an enabler of the kind,
    minus ratio / 1,000 of a combat unit's troops."""
    cat = Category(kind)
    return lambda e: (e.category is cat) - (ratio / 1000.0 * e.troops_per_unit if e.combat else 0.0)


def member_shares(
    instance: Instance, reqs: list[Protected], allocation: Iterable[Allocation]
) -> tuple[list[str], np.ndarray]:
    """The contributors (data order) and each one's share of each requirement (rows)."""
    els = instance.data.elements
    units: dict[str, list[tuple[Element, int]]] = {}
    for al in allocation:
        if al.units > 0:
            units.setdefault(al.member_id, []).append((els[al.element_id], al.units))
    members = [mid for mid in instance.data.members if mid in units]
    shares = np.zeros((len(members), len(reqs)))
    for i, mid in enumerate(members):
        for j, r in enumerate(reqs):
            if r.per_unit is not None:
                shares[i, j] = sum(n * r.per_unit(e) for e, n in units[mid])
            elif r.nations == "all":
                shares[i, j] = 1.0
            else:
                shares[i, j] = float(any(_has_people_in_ukraine(e) for e, _ in units[mid]))
    return members, shares


def resilient_to(instance: Instance, archetype_id: str, allocation: Iterable[Allocation]) -> int:
    """The most withdrawals (up to :data:`~mcdm.limits.MAX_RESILIENT_TO`) the allocation
    survives: after any set of at most that many of its contributors that may withdraw (the
    scenario's ``[resilience] members``) leaves, every protected requirement still holds.

    0 also for an allocation that misses a requirement as it is. With fewer contributors that
    may withdraw than the cap, surviving the loss of all of them counts as the cap.
    """
    reqs = protected_requirements(instance, instance.data.archetypes[archetype_id])
    members, shares = member_shares(instance, reqs, allocation)
    need = np.array([r.required for r in reqs])
    total = shares.sum(axis=0)
    if np.any(total < need - TOL):
        return 0
    who = may_withdraw(instance.data.members, instance.scenario.resilience.members)
    rows = [i for i, mid in enumerate(members) if mid in set(who)]
    for k in range(1, lim.MAX_RESILIENT_TO + 1):
        if k > len(rows):
            return lim.MAX_RESILIENT_TO
        lost = np.array([shares[list(c)].sum(axis=0) for c in combinations(rows, k)])
        if np.any(total - lost < need - TOL):
            return k - 1
    return lim.MAX_RESILIENT_TO


def measure_of(instance: Instance, measure: Measure, allocation: Iterable[Allocation]) -> float:
    """A primary measure of an allocation, from the units (as the criteria compute it)."""
    alloc = list(allocation)
    if measure is Measure.DETERRENCE:
        return sum(deterrence_components(instance, alloc).values())
    if measure is Measure.AIR_DEFENCE_K_KM2:
        return sum(al.units * air_cover_per_unit(instance, al.element_id) for al in alloc)
    els = instance.data.elements
    km = sum(al.units * els[al.element_id].early_warning_km for al in alloc)
    return min(instance.scenario.line_length_km, km)


def worst_withdrawal(
    instance: Instance, archetype_id: str, allocation: Iterable[Allocation]
) -> tuple[str, float]:
    """The contributor whose withdrawal costs the most of the primary measure, and that loss
    in % of the package's value; ties go to the member first in the data; ("", 0) without
    contributors or without any value to lose."""
    alloc = list(allocation)
    measure = instance.data.archetypes[archetype_id].primary
    full = measure_of(instance, measure, alloc)
    if full <= 0:
        return "", 0.0
    worst, loss = "", 0.0
    for mid in instance.data.members:
        rest = [al for al in alloc if al.member_id != mid]
        if len(rest) == len(alloc):
            continue
        lost = full - measure_of(instance, measure, rest)
        if not worst or lost > loss + TOL:
            worst, loss = mid, lost
    return worst, 100.0 * loss / full


class WithdrawalFields(TypedDict):
    """The fields of :class:`~mcdm.results.Package` that say what withdrawals do to it."""

    resilient_to: int
    worst_withdrawal: str
    worst_withdrawal_loss_pct: float


def withdrawal_fields(
    instance: Instance, archetype_id: str, allocation: Iterable[Allocation]
) -> WithdrawalFields:
    """A package's ``resilient_to``, ``worst_withdrawal`` and ``worst_withdrawal_loss_pct``."""
    alloc = list(allocation)
    worst, loss_pct = worst_withdrawal(instance, archetype_id, alloc)
    return {
        "resilient_to": resilient_to(instance, archetype_id, alloc),
        "worst_withdrawal": worst,
        "worst_withdrawal_loss_pct": round(loss_pct, 4),
    }
