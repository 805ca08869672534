"""The tables of a run: one row a package, its allocations, shortfalls and prices.

Floats are rounded to six digits so that files are stable across platforms.
"""

from __future__ import annotations

import pandas as pd

from .criteria import CRITERIA, DETERRENCE_PARTS
from .model import Instance
from .packages import PackageSet

__all__ = [
    "allocations_frame",
    "infeasible_frame",
    "packages_frame",
    "prices_frame",
    "round_floats",
]


def packages_frame(pset: PackageSet) -> pd.DataFrame:
    """One row a package: id, archetype, budget level, status, cost, troops, nations, criteria."""
    rows = []
    for p in pset.packages:
        rows.append(
            {
                "package_id": p.package_id,
                "label": p.label,
                "archetype": p.archetype,
                "kind": p.kind.value,
                "budget_level_eur_bn": p.budget_level_eur_bn,
                "status": p.status.value,
                "annual_cost_eur_bn": p.criteria["annual_cost_eur_bn"],
                "troops_deployed": p.troops_deployed,
                "nations": p.nations,
                **{
                    c.criterion_id: p.criteria[c.criterion_id]
                    for c in CRITERIA
                    if c.criterion_id not in ("annual_cost_eur_bn", "nations")
                },
                **{
                    f"deterrence_{part}": p.deterrence_parts.get(part, 0.0)
                    for part in DETERRENCE_PARTS
                },
                "primary_measure": p.primary.value,
                "objective": p.objective,
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


def _criteria_columns() -> list[str]:
    """The criteria's columns, with deterrence's components right after the total."""
    out = []
    for c in CRITERIA:
        if c.criterion_id in ("annual_cost_eur_bn", "nations"):
            continue
        out.append(c.criterion_id)
        if c.criterion_id == "deterrence":
            out += [f"deterrence_{part}" for part in DETERRENCE_PARTS]
    return out


_PACKAGE_COLUMNS = [
    "package_id",
    "label",
    "archetype",
    "kind",
    "budget_level_eur_bn",
    "status",
    "annual_cost_eur_bn",
    "troops_deployed",
    "nations",
    *_criteria_columns(),
    "primary_measure",
    "objective",
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
