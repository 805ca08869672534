"""Pledges with their chance: each member's contribution materialises with a probability (by
its stated position, its known condition or the scenario's value), and a package is judged over
the members' joint outcomes: the expected value and the 10th percentile of its primary measure
and of its troops, and the chance that its kind of package's requirements still hold when the
members that do not come send nothing (data/MODEL.md, "Pledges with their chance").

The joint outcomes are enumerated exactly while at most :data:`EXACT_MAX_UNCERTAIN` members of
a package are uncertain, and drawn (seeded Monte Carlo, ``[pledges] samples``) beyond. The
measures of a reduced package come from the domain data without solving again: every measure
is a sum over members (denial through its concave curve, :func:`mcdm.criteria.denial_points`).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from .criteria import air_cover_per_unit, denial_points, nation_bonus, tripwire_members
from .model import Instance, Location, Measure
from .results import Allocation, PledgeOutlook

__all__ = [
    "EXACT_MAX_UNCERTAIN",
    "P10",
    "MemberSums",
    "joint_outcomes",
    "member_probability",
    "outcome_values",
    "pledge_basis",
    "pledge_outlook",
    "weighted_quantile",
]

#: Most uncertain members whose 2^k joint outcomes are enumerated (4,096 outcomes); a package
#: with more is judged on ``[pledges] samples`` seeded draws.
EXACT_MAX_UNCERTAIN = 12

#: The percentile reported: the least value reached in at least 90% of outcomes.
P10 = 0.10

#: Slack in the requirement checks, as in the optimiser's feasibility tolerance.
_TOL = 1e-6


def member_probability(instance: Instance, member_id: str) -> float:
    """The chance that ``member_id``'s contribution materialises.

    The first that applies: the scenario's value for the member (``[pledges] members``), the
    data's for the member (``[pledges.members.ID]``, a known condition), the scenario's value
    for its position (``[pledges] probability``), the data's for its position.
    """
    scen = instance.scenario.pledges
    data = instance.data.parameters.pledges
    if member_id in scen.members:
        return float(scen.members[member_id])
    if member_id in data.members:
        return float(data.members[member_id].probability)
    position = instance.data.members[member_id].position
    if position in scen.probability:
        return float(scen.probability[position])
    return float(data.probability[position])


def pledge_basis(instance: Instance, member_id: str) -> str:
    """Where a member's chance comes from, in words (the rule of :func:`member_probability`)."""
    scen = instance.scenario.pledges
    data = instance.data.parameters.pledges
    position = instance.data.members[member_id].position
    if member_id in scen.members:
        return "the scenario's value for this member"
    if member_id in data.members:
        return f"its condition: {data.members[member_id].condition}"
    where = "the scenario's" if position in scen.probability else "the data's"
    return f"{where} value for its position ({position.value.replace('_', ' ')})"


@dataclass(frozen=True)
class MemberSums:
    """A package's allocation summed per contributing member, the sums every measure and
    requirement is made of (one entry of each array a member, in ``members`` order)."""

    members: tuple[str, ...]
    troops: np.ndarray
    troops_in_ukraine: np.ndarray
    combat_power: np.ndarray  # ground combat power in Ukraine
    combat_troops: np.ndarray  # troops of combat elements (the enabler ratios' base)
    tripwire: np.ndarray  # the member's tripwire points if it comes (A-TRIPWIRE)
    early_warning_km: np.ndarray
    early_warning_deep_km: np.ndarray  # watched by units that see deep enough (A-EW-DEPTH)
    air_defence_k_km2: np.ndarray
    units: Mapping[str, np.ndarray]  # units per element category

    @classmethod
    def of(cls, instance: Instance, allocation: Iterable[Allocation]) -> MemberSums:
        """The sums of an allocation (zero entries ignored)."""
        els = instance.data.elements
        deep = instance.data.parameters.warning_depth_min_km
        alloc = [a for a in allocation if a.units > 0]
        by_member: dict[str, list[Allocation]] = defaultdict(list)
        for a in alloc:
            by_member[a.member_id].append(a)
        members = tuple(sorted(by_member))

        def per_member(value) -> np.ndarray:
            return np.array(
                [sum(value(a, els[a.element_id]) for a in by_member[m]) for m in members],
                dtype=float,
            ).reshape(len(members))

        def ua(e) -> bool:
            return e.location is Location.IN_UKRAINE

        return cls(
            members=members,
            troops=per_member(lambda a, e: a.units * e.troops_per_unit),
            troops_in_ukraine=per_member(lambda a, e: a.units * e.troops_per_unit * ua(e)),
            combat_power=per_member(lambda a, e: a.units * e.combat_power * ua(e)),
            combat_troops=per_member(lambda a, e: a.units * e.troops_per_unit * e.combat),
            tripwire=np.array(
                [
                    nation_bonus(instance, m) if tripwire_members(instance, by_member[m]) else 0.0
                    for m in members
                ],
                dtype=float,
            ).reshape(len(members)),
            early_warning_km=per_member(lambda a, e: a.units * e.early_warning_km),
            early_warning_deep_km=per_member(
                lambda a, e: a.units * e.early_warning_km * (e.warning_depth_km >= deep)
            ),
            air_defence_k_km2=per_member(
                lambda a, e: a.units * air_cover_per_unit(instance, a.element_id)
            ),
            units={
                cat: per_member(lambda a, e, c=cat: a.units * (e.category.value == c))
                for cat in sorted({els[a.element_id].category.value for a in alloc})
            },
        )


def outcome_values(
    instance: Instance, archetype_id: str, sums: MemberSums, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The primary measure, the troops and whether the archetype's requirements hold, for each
    joint outcome (a row of ``present``: 1 where the member comes, 0 where it sends nothing).

    The requirements are those of the kind of package (troop window, required capabilities,
    coverage, nations, enablers; data/MODEL.md); a member that does not come cannot break a
    member's cap, the budget or a refusal, and scenario rules are not the archetype's.
    """
    x = np.asarray(present, dtype=float)
    by_member = np.ascontiguousarray(x.T)  # one row a member: each term a contiguous vector

    def total(per_member: np.ndarray) -> np.ndarray:
        # summed member by member in a fixed order, not by BLAS: the same figures whatever
        # the threads, and fast for the few members a package has
        out = np.zeros(x.shape[0])
        for m in np.flatnonzero(per_member):
            out += per_member[m] * by_member[m]
        return out

    a = instance.data.archetypes[archetype_id]
    line = instance.scenario.line_length_km
    troops = total(sums.troops)
    troops_ua = total(sums.troops_in_ukraine)
    ew = total(sums.early_warning_km)
    if a.primary is Measure.DETERRENCE:
        power = total(sums.combat_power)
        levels, where = np.unique(power, return_inverse=True)
        denial = np.array([denial_points(instance, float(v)) for v in levels])[where]
        mult = instance.backstop.deterrence_multiplier
        primary = mult * (denial.reshape(power.shape) + total(sums.tripwire))
    elif a.primary is Measure.AIR_DEFENCE_K_KM2:
        primary = total(sums.air_defence_k_km2)
    else:  # the line watched and the line watched in depth, in km (data/MODEL.md)
        share = instance.data.parameters.warning_depth_share
        deep = np.minimum(total(sums.early_warning_deep_km), line)
        primary = (1.0 - share) * np.minimum(ew, line) + share * deep
    counted = troops_ua if a.troops_counted == "in_ukraine" else troops
    holds = counted >= a.troops_min - _TOL
    if a.troops_max is not None:
        holds &= counted <= a.troops_max + _TOL
    if a.troops_in_ukraine_max is not None:
        holds &= troops_ua <= a.troops_in_ukraine_max + _TOL
    for cat, need in a.required.items():
        have = total(sums.units.get(str(cat), np.zeros(len(sums.members))))
        holds &= have >= need - _TOL
    holds &= ew >= a.min_coverage * line - _TOL
    holds &= total(np.ones(len(sums.members))) >= a.min_nations - _TOL
    holds &= total(sums.troops_in_ukraine > 0) >= a.min_nations_in_ukraine - _TOL
    combat = total(sums.combat_troops)
    for kind, ratio in a.enablers.items():
        have = total(sums.units.get(str(kind), np.zeros(len(sums.members))))
        holds &= have >= ratio / 1000.0 * combat - _TOL
    return primary, troops, holds


def joint_outcomes(
    probabilities: np.ndarray, samples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, str]:
    """The members' joint outcomes and their weights (summing to 1), and how they were had.

    Members with a chance of 0 or 1 are fixed; the others' 2^k outcomes are enumerated when
    k <= :data:`EXACT_MAX_UNCERTAIN`, else ``samples`` outcomes are drawn from ``rng``, each
    member coming independently of the others (a Bernoulli trial with its chance).
    """
    p = np.asarray(probabilities, dtype=float)
    open_ = np.flatnonzero((p > 0) & (p < 1))
    k = len(open_)
    if k <= EXACT_MAX_UNCERTAIN:
        bits = (np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1
        present = np.tile(p >= 1, (2**k, 1)).astype(float)
        present[:, open_] = bits
        po = p[open_]
        weights = np.prod(np.where(bits == 1, po, 1 - po), axis=1)
        return present, weights, "exact"
    present = (rng.random((samples, len(p))) < p).astype(float)
    return present, np.full(samples, 1.0 / samples), "monte_carlo"


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The least value whose outcomes and all lower ones weigh at least ``q`` (the inverse of
    the distribution function; for equal weights numpy's ``inverted_cdf``)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    k = int(np.searchsorted(cum, q * cum[-1] - 1e-12, side="left"))
    return float(values[order][min(k, len(values) - 1)])


def pledge_outlook(
    instance: Instance, archetype_id: str, allocation: Iterable[Allocation]
) -> PledgeOutlook:
    """The package over its members' joint outcomes (see the module's docstring).

    Monte Carlo draws are seeded with the scenario's seed and the allocation itself, so that
    the same package gets the same figures in every run and in any order.
    """
    alloc = tuple(sorted(a for a in allocation if a.units > 0))
    sums = MemberSums.of(instance, alloc)
    probs = np.array([member_probability(instance, m) for m in sums.members], dtype=float)
    seed = zlib.crc32(repr(alloc).encode())
    rng = np.random.default_rng([instance.scenario.seed, seed])
    present, weights, method = joint_outcomes(probs, instance.scenario.pledges.samples, rng)
    primary, troops, holds = outcome_values(instance, archetype_id, sums, present)
    uncertain = tuple(m for m, p in zip(sums.members, probs, strict=True) if p < 1)
    return PledgeOutlook(
        p_requirements_hold=float(np.clip(np.sum(weights * holds), 0.0, 1.0)),
        expected_primary=float(np.sum(weights * primary)),
        p10_primary=weighted_quantile(primary, weights, P10),
        expected_troops=float(np.sum(weights * troops)),
        p10_troops=weighted_quantile(troops, weights, P10),
        method=method,
        outcomes=len(weights),
        uncertain=uncertain,
        troops_uncertain=int(sums.troops[probs < 1].sum()),
    )
