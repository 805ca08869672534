"""The tables of a run: one row a package, its allocations, shortfalls and prices.

Floats are rounded to six digits so that files are stable across platforms.
"""

from __future__ import annotations

import math

import pandas as pd

from .cost_basis import costs_by_basis
from .criteria import CRITERIA, DETERRENCE_PARTS, WARNING_PARTS
from .horizon import funding_rows
from .model import Instance
from .packages import PackageSet
from .results import Package

__all__ = [
    "PLEDGE_COLUMNS",
    "allocations_frame",
    "funding_frame",
    "infeasible_frame",
    "packages_frame",
    "prices_frame",
    "round_floats",
]


def packages_frame(instance: Instance, pset: PackageSet) -> pd.DataFrame:
    """One row a package: id, archetype, budget level, status, cost, troops, nations, criteria.

    ``annual_cost_eur_bn`` counts the scenario's cost basis; ``annual_cost_full_eur_bn`` and
    ``annual_cost_incremental_eur_bn`` give both (the incremental one empty when the data give
    no incremental shares).
    """
    rows = []
    for p in pset.packages:
        both = costs_by_basis(instance, p.allocation)
        incremental = both.incremental_eur_m
        rows.append(
            {
                "package_id": p.package_id,
                "label": p.label,
                "archetype": p.archetype,
                "kind": p.kind.value,
                "budget_level_eur_bn": p.budget_level_eur_bn,
                "status": p.status.value,
                "annual_cost_eur_bn": p.criteria["annual_cost_eur_bn"],
                "annual_cost_full_eur_bn": both.full_eur_m / 1000.0,
                "annual_cost_incremental_eur_bn": None
                if incremental is None
                else incremental / 1000.0,
                "one_off_cost_eur_bn": p.one_off_cost_eur_bn,
                "horizon_cost_eur_bn": p.horizon_cost_eur_bn,
                "troops_deployed": p.troops_deployed,
                "nations": p.nations,
                "ukraine_forces_cost_eur_bn": p.ukraine_forces_cost_eur_bn,
                "ukraine_forces_share": p.ukraine_forces_share,
                **{
                    c.criterion_id: p.criteria[c.criterion_id]
                    for c in CRITERIA
                    if c.criterion_id not in ("annual_cost_eur_bn", "nations")
                },
                **{
                    f"deterrence_{part}": p.deterrence_parts.get(part, 0.0)
                    for part in DETERRENCE_PARTS
                },
                **{f"warning_{part}_pct": p.warning_parts.get(part, 0.0) for part in WARNING_PARTS},
                "primary_measure": p.primary.value,
                "objective": p.objective,
                **_pledge_columns(p),
                "dominated": p.dominated,
                "gap_to_best_pct": p.gap_to_best_pct,
                "resilient_to": p.resilient_to,
                "worst_withdrawal": p.worst_withdrawal,
                "worst_withdrawal_loss_pct": p.worst_withdrawal_loss_pct,
                "binding": "; ".join(p.binding),
                "note": p.note,
            }
        )
    return round_floats(pd.DataFrame(rows, columns=_PACKAGE_COLUMNS))


#: The columns of a package over its members' joint outcomes (mcdm.pledges): the chance that its
#: kind of package's requirements hold, the expected value and 10th percentile of its primary
#: measure and of its troops.
PLEDGE_COLUMNS = (
    "p_requirements_hold",
    "expected_primary",
    "p10_primary",
    "expected_troops",
    "p10_troops",
)


def _pledge_columns(p: Package) -> dict[str, float]:
    """A package's :data:`PLEDGE_COLUMNS` (empty where it was made without them)."""
    o = p.pledges
    return {c: (math.nan if o is None else getattr(o, c)) for c in PLEDGE_COLUMNS}


def _criteria_columns() -> list[str]:
    """The criteria's columns, with deterrence's and early warning's components right after
    their totals."""
    out = []
    for c in CRITERIA:
        if c.criterion_id in ("annual_cost_eur_bn", "nations"):
            continue
        out.append(c.criterion_id)
        if c.criterion_id == "deterrence":
            out += [f"deterrence_{part}" for part in DETERRENCE_PARTS]
        if c.criterion_id == "early_warning_pct":
            out += [f"warning_{part}_pct" for part in WARNING_PARTS]
    return out


_PACKAGE_COLUMNS = [
    "package_id",
    "label",
    "archetype",
    "kind",
    "budget_level_eur_bn",
    "status",
    "annual_cost_eur_bn",
    "annual_cost_full_eur_bn",
    "annual_cost_incremental_eur_bn",
    "one_off_cost_eur_bn",
    "horizon_cost_eur_bn",
    "troops_deployed",
    "nations",
    "ukraine_forces_cost_eur_bn",  # what goes to Ukraine's own forces, and its share of the cost
    "ukraine_forces_share",
    *_criteria_columns(),
    "primary_measure",
    "objective",
    *PLEDGE_COLUMNS,
    "dominated",
    "gap_to_best_pct",
    "resilient_to",
    "worst_withdrawal",
    "worst_withdrawal_loss_pct",
    "binding",
    "note",
]


def allocations_frame(instance: Instance, pset: PackageSet) -> pd.DataFrame:
    """Tidy: package, member, element, units, troops, cost."""
    rows = []
    for p in pset.packages:
        for a in p.allocation:
            e = instance.data.elements[a.element_id]
            rows.append(
                {
                    "package_id": p.package_id,
                    "member_id": a.member_id,
                    "element_id": a.element_id,
                    "units": a.units,
                    "troops": a.units * e.troops_per_unit,
                    "cost_eur_m": a.units * e.cost_eur_m,
                }
            )
    return round_floats(
        pd.DataFrame(
            rows, columns=["package_id", "member_id", "element_id", "units", "troops", "cost_eur_m"]
        )
    )


def funding_frame(instance: Instance, pset: PackageSet) -> pd.DataFrame | None:
    """Who pays (``[funding]``, optional): per package and contributing member, its annual and
    horizon cost split into the pooled instrument's part and the national budget's. None
    without a ``[funding]`` table."""
    if instance.scenario.funding is None:
        return None
    rows = [r for p in pset.packages for r in funding_rows(instance, p.package_id, p.allocation)]
    return round_floats(pd.DataFrame(rows, columns=FUNDING_COLUMNS))


#: The columns of ``funding.csv``.
FUNDING_COLUMNS = [
    "package_id",
    "member_id",
    "instrument",
    "pooled_share",
    "annual_cost_eur_bn",
    "annual_pooled_eur_bn",
    "annual_national_eur_bn",
    "horizon_cost_eur_bn",
    "horizon_pooled_eur_bn",
    "horizon_national_eur_bn",
]


def infeasible_frame(pset: PackageSet) -> pd.DataFrame:
    """One row per shortfall of each archetype that could not be met."""
    rows: list[dict[str, object]] = []
    for o in pset.outcomes:
        if o.status.has_solution:
            continue
        if not o.shortfalls:
            rows.append(
                {
                    "archetype": o.archetype,
                    "status": o.status.value,
                    "requirement": "",
                    "required": None,
                    "achieved": None,
                    "unit": "",
                    "message": o.message,
                }
            )
        for sf in o.shortfalls:
            rows.append(
                {
                    "archetype": o.archetype,
                    "status": o.status.value,
                    "requirement": sf.requirement,
                    "required": sf.required,
                    "achieved": sf.achieved,
                    "unit": sf.unit,
                    "message": f"{o.name} {sf.message}"
                    if sf.requirement == "budget"
                    else sf.message,
                }
            )
    return round_floats(
        pd.DataFrame(
            rows,
            columns=[
                "archetype",
                "status",
                "requirement",
                "required",
                "achieved",
                "unit",
                "message",
            ],
        )
    )


def prices_frame(pset: PackageSet) -> pd.DataFrame:
    """The price of each constraint family, per archetype."""
    rows = [
        {
            "archetype": c.archetype,
            "family": c.family,
            "constraint": c.label,
            "measure": c.measure.value,
            "base": c.base,
            "relaxed": c.relaxed,
            "gain_pct": c.gain_pct,
            "base_cost_eur_bn": c.base_cost_eur_bn,
            "relaxed_cost_eur_bn": c.relaxed_cost_eur_bn,
            "saving_eur_bn": c.saving_eur_bn,
            "message": c.message,
        }
        for c in pset.prices
    ]
    return round_floats(
        pd.DataFrame(
            rows,
            columns=[
                "archetype",
                "family",
                "constraint",
                "measure",
                "base",
                "relaxed",
                "gain_pct",
                "base_cost_eur_bn",
                "relaxed_cost_eur_bn",
                "saving_eur_bn",
                "message",
            ],
        )
    )


def round_floats(df: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Round floats so files are stable across platforms (last-bit noise never shows)."""
    floats = df.select_dtypes(include="float").columns
    df[floats] = df[floats].round(digits)
    return df
