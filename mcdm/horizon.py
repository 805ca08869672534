"""Costs over the years: one-off costs, the horizon's present value, the budget's basis, who pays.

A package costs its units' one-off costs once, in year 0 (set-up of hubs, depots and camps,
the units' entry), and their annual costs in each year 1 to T of the horizon. Discounted at the
real rate r, its horizon cost (present value) is

    PV = one-off + AF(r, T) × annual,    AF(r, T) = Σ_{t=1..T} (1 + r)^-t = (1 − (1 + r)^-T) / r

(AF = T at r = 0). The annual cost is the full cost of keeping the units in place, rotations
included (``rotation_factor`` sizes the troop pools; the unit costs carry the rotations'
transport and pay, ``A-COST-BASIS``), so sustaining a package over the horizon needs no other
term. With ``budget_basis = "horizon"`` the scenario's budget is such a present value and the
optimiser's budget row counts each unit at ``one-off + AF × annual``: still linear.

``[funding]`` optionally says which share of a member's cost a pooled instrument (an EU loan or
facility) pays; :func:`funding_rows` splits each contributor's cost into pooled and national.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from .frozen import freeze_fields

if TYPE_CHECKING:
    from .model import Element, Instance, Scenario
    from .results import Allocation, Package

__all__ = [
    "BUDGET_BASES",
    "DEFAULT_DISCOUNT_RATE",
    "DEFAULT_HORIZON_YEARS",
    "MAX_DISCOUNT_RATE",
    "MAX_HORIZON_YEARS",
    "FundingSettings",
    "HorizonCost",
    "PackageCosts",
    "annuity_factor",
    "budget_cost_eur_bn",
    "budget_phrase",
    "budgeted_unit_cost_eur_m",
    "funding_rows",
    "funding_share",
    "horizon_cost",
    "horizon_costs_eur_bn",
    "present_value_eur",
]

#: The horizon of the public cost estimates (10 years, BLOOMBERG-2025-02); the US draft
#: guarantee runs 15 (US-GUARANTEE-15Y).
DEFAULT_HORIZON_YEARS = 10
#: HM Treasury's Green Book discount rate, 3.5% real for the first 30 years (HMT-GREEN-BOOK).
DEFAULT_DISCOUNT_RATE = 0.035
MAX_HORIZON_YEARS = 50
MAX_DISCOUNT_RATE = 0.2
#: What ``budget_eur_bn`` is: a budget a year (the default) or the horizon's present value.
BUDGET_BASES = ("annual", "horizon")
_FORBID = {"extra": "forbid"}


@dataclass(frozen=True)
class FundingSettings:
    """Which share of a member's cost a pooled instrument pays (``[funding]``, optional).

    ``eu_share`` applies to every EU member, ``shares`` to the members it names (any member,
    overriding ``eu_share``); the rest of each cost is national. ``instrument`` names the
    instrument in reports (e.g. SAFE loans, the European Peace Facility).
    """

    __pydantic_config__ = _FORBID

    instrument: str = "EU instrument"
    eu_share: float = 0.0
    shares: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        freeze_fields(self, "shares")


@dataclass(frozen=True)
class HorizonCost:
    """A package's costs: a year, once, and over the horizon (present value), EUR m."""

    annual_eur_m: float
    one_off_eur_m: float
    horizon_eur_m: float


def annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 a year paid at the end of each of ``years`` years at ``rate``."""
    if rate == 0:
        return float(years)
    return (1.0 - (1.0 + rate) ** -years) / rate


def present_value_eur(one_off: float, annual: float, rate: float, years: int) -> float:
    """One-off in year 0 plus ``annual`` in each year 1 to ``years``, discounted at ``rate``."""
    return one_off + annuity_factor(rate, years) * annual


def budgeted_unit_cost_eur_m(scenario: Scenario, e: Element) -> float:
    """What one unit of ``e`` counts against the budget: its annual cost, or (horizon basis)
    its one-off cost plus its annual cost over the horizon, discounted."""
    if scenario.budget_basis == "annual":
        return e.cost_eur_m
    return present_value_eur(
        e.one_off_cost_eur_m, e.cost_eur_m, scenario.discount_rate, scenario.horizon_years
    )


def horizon_cost(instance: Instance, allocation: Iterable[Allocation]) -> HorizonCost:
    """A mix's annual, one-off and horizon cost (EUR m) under the instance's horizon and rate."""
    els = instance.data.elements
    units = [(a.units, els[a.element_id]) for a in allocation]
    annual = sum(n * e.cost_eur_m for n, e in units)
    one_off = sum(n * e.one_off_cost_eur_m for n, e in units)
    s = instance.scenario
    return HorizonCost(
        annual, one_off, present_value_eur(one_off, annual, s.discount_rate, s.horizon_years)
    )


class PackageCosts(TypedDict):
    """A package's costs beyond its annual cost, as :class:`~mcdm.results.Package` holds them."""

    one_off_cost_eur_bn: float
    horizon_cost_eur_bn: float


def horizon_costs_eur_bn(instance: Instance, allocation: Iterable[Allocation]) -> PackageCosts:
    """A package's one-off and horizon cost in EUR bn, as :class:`~mcdm.results.Package`
    holds them (``one_off_cost_eur_bn``, ``horizon_cost_eur_bn``)."""
    cost = horizon_cost(instance, allocation)
    return PackageCosts(
        one_off_cost_eur_bn=cost.one_off_eur_m / 1000.0,
        horizon_cost_eur_bn=cost.horizon_eur_m / 1000.0,
    )


def budget_cost_eur_bn(scenario: Scenario, package: Package) -> float:
    """A package's cost as the budget counts it: a year, or over the horizon."""
    if scenario.budget_basis == "annual":
        return package.annual_cost_eur_bn
    return package.horizon_cost_eur_bn


def budget_phrase(scenario: Scenario) -> str:
    """How a budget figure reads: "a year", or "over 10 years (present value)"."""
    if scenario.budget_basis == "annual":
        return "a year"
    return f"over {scenario.horizon_years} years (present value)"


def funding_share(scenario: Scenario, member_id: str, eu: bool) -> float:
    """The share of ``member_id``'s cost that the pooled instrument pays (0 without one)."""
    f = scenario.funding
    if f is None:
        return 0.0
    return f.shares.get(member_id, f.eu_share if eu else 0.0)


def funding_rows(
    instance: Instance, package_id: str, allocation: Iterable[Allocation]
) -> list[dict[str, object]]:
    """Per contributing member of one package: its annual and horizon cost, split into what
    the pooled instrument pays and what the member's national budget pays (EUR bn)."""
    by_member: dict[str, list[Allocation]] = {}
    for a in allocation:
        by_member.setdefault(a.member_id, []).append(a)
    s = instance.scenario
    rows: list[dict[str, object]] = []
    for mid, allocs in by_member.items():
        member = instance.data.members[mid]
        share = funding_share(s, mid, member.eu)
        cost = horizon_cost(instance, allocs)
        rows.append(
            {
                "package_id": package_id,
                "member_id": mid,
                "instrument": s.funding.instrument if s.funding else "",
                "pooled_share": share,
                "annual_cost_eur_bn": cost.annual_eur_m / 1000.0,
                "annual_pooled_eur_bn": share * cost.annual_eur_m / 1000.0,
                "annual_national_eur_bn": (1.0 - share) * cost.annual_eur_m / 1000.0,
                "horizon_cost_eur_bn": cost.horizon_eur_m / 1000.0,
                "horizon_pooled_eur_bn": share * cost.horizon_eur_m / 1000.0,
                "horizon_national_eur_bn": (1.0 - share) * cost.horizon_eur_m / 1000.0,
            }
        )
    return rows
