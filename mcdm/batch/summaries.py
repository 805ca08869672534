"""Combining a batch: the tidy tables of every complete variant, and the summaries analysts ask
for (how often each kind of package and each package is top, the cheapest package per budget,
where each kind of package is feasible and what its cheapest feasible package costs, how likely
its requirements hold when pledges come with their chance)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..io.scenario import scenario_from_mapping, scenario_to_dict
from ..results import SolveStatus
from .records import ArchetypeResult, CompleteVariant, Variant

__all__ = ["COMBINED", "combine", "is_complete", "summaries"]

COMBINED = (
    "packages.csv",
    "rankings.csv",
    "acceptability.csv",
    "allocations.csv",
    "infeasible.csv",
    "prices.csv",
)

#: Column of ``summary_feasibility.csv``: the least annual cost of a feasible package.
LEAST_FEASIBLE_COST = "least_feasible_cost_eur_bn"


def is_complete(out: Path, variant: Variant) -> bool:
    """A variant folder that exists is complete (atomic rename) and must be this variant."""
    meta = out / "variants" / variant.variant_id / "run.json"
    if variant.error or not meta.exists():
        return False
    try:
        stored = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    scenario = scenario_to_dict(scenario_from_mapping(tomllib.loads(variant.scenario_toml)))
    return stored.get("scenario") == json.loads(json.dumps(scenario, default=str))


def _read_complete(folder: Path, variant: Variant, change_keys: Sequence[str]) -> CompleteVariant:
    """What a complete variant's run.json says, with the value of every key of the batch."""
    meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    return CompleteVariant(
        variant_id=variant.variant_id,
        changes={k: variant.changes.get(k) for k in change_keys},
        budget_eur_bn=meta["scenario"]["budget_eur_bn"],
        top=(meta.get("ranking") or {}).get("top"),
        archetypes=tuple(
            ArchetypeResult(a["archetype"], SolveStatus(a["status"]), a.get("min_cost_eur_bn"))
            for a in meta["archetypes"]
        ),
    )


def combine(out: Path, variants: Sequence[Variant]) -> dict[str, pd.DataFrame]:
    """Tidy tables across the complete variants, plus the summaries analysts ask for."""
    change_keys = sorted({k for v in variants for k in v.changes})
    # keys that take more than one value: the dimensions of the sweep
    varied = [
        k
        for k in change_keys
        if len({json.dumps(v.changes.get(k), default=str) for v in variants}) > 1
    ]
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in COMBINED}
    runs = []
    for v in variants:
        folder = out / "variants" / v.variant_id
        if not is_complete(out, v):  # absent, stale (another scenario) or failed this time
            continue
        run = _read_complete(folder, v, change_keys)
        runs.append(run)
        info = {"variant_id": v.variant_id} | dict(run.changes)
        for name in COMBINED:
            path = folder / name
            if path.exists():
                df = pd.read_csv(path)
                for key, value in reversed(list(info.items())):
                    df.insert(0, key, str(value) if isinstance(value, list | dict) else value)
                frames[name].append(df)
    tables = {
        f"combined_{name}": pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        for name, parts in frames.items()
    }
    tables |= summaries(runs, tables.get("combined_packages.csv", pd.DataFrame()), varied)
    return tables


def summaries(
    runs: Sequence[CompleteVariant], packages: pd.DataFrame, change_keys: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """How often each archetype and package is top; the cheapest feasible package per budget;
    per archetype, how often it is feasible and the least annual cost of a feasible package."""
    out: dict[str, pd.DataFrame] = {}
    if not runs:
        return out
    out |= _top_tables(runs, packages)
    if len(packages):
        out["summary_cheapest_by_budget.csv"] = _cheapest_by_budget(runs, packages)
    feasibility = _feasibility(runs, change_keys)
    if feasibility is not None:
        out["summary_feasibility.csv"] = feasibility
    if len(packages) and "p_requirements_hold" in packages:
        out["summary_pledges.csv"] = _pledges(packages, change_keys)
    return out


def _pledges(packages: pd.DataFrame, change_keys: Sequence[str]) -> pd.DataFrame:
    """Per archetype (and value of every varied key but the sample), over its packages in the
    variants: the mean and best chance that its requirements hold when each pledge comes with
    its chance, and its expected primary measure against its annual cost (means, and their
    ratio: expected primary per EUR bn a year)."""
    others = [k for k in change_keys if k != "sample" and k in packages]
    group = [*others, "archetype"]
    g = packages.groupby(group, dropna=False)
    table = g.agg(
        primary_measure=("primary_measure", "first"),
        packages=("package_id", "count"),
        mean_p_requirements_hold=("p_requirements_hold", "mean"),
        best_p_requirements_hold=("p_requirements_hold", "max"),
        mean_objective=("objective", "mean"),
        mean_expected_primary=("expected_primary", "mean"),
        mean_annual_cost_eur_bn=("annual_cost_eur_bn", "mean"),
    ).reset_index()
    cost = table["mean_annual_cost_eur_bn"]
    table["expected_primary_per_eur_bn"] = table["mean_expected_primary"] / cost.where(cost > 0)
    return table


def _top_tables(runs: Sequence[CompleteVariant], packages: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """How often each archetype, and each package, ranks first (share of all complete runs)."""
    top = pd.DataFrame([{"variant_id": r.variant_id, "top": r.top} for r in runs])
    top = top[top["top"].notna() & (top["top"] != "")]
    n = len(runs)
    if not (len(top) and len(packages)):
        return {}
    arche = packages.set_index(["variant_id", "package_id"])["archetype"]
    top["archetype"] = [
        arche.get((v, p)) for v, p in zip(top["variant_id"], top["top"], strict=True)
    ]
    return {
        "summary_top_archetype.csv": (
            top.groupby("archetype")
            .size()
            .rename("variants_top")
            .reset_index()
            .assign(share=lambda d: d["variants_top"] / n)
            .sort_values(["variants_top", "archetype"], ascending=[False, True])
        ),
        "summary_top_package.csv": (
            top.groupby("top")
            .size()
            .rename("variants_top")
            .reset_index()
            .rename(columns={"top": "package_id"})
            .assign(share=lambda d: d["variants_top"] / n)
            .sort_values(["variants_top", "package_id"], ascending=[False, True])
        ),
    }


def _cheapest_by_budget(runs: Sequence[CompleteVariant], packages: pd.DataFrame) -> pd.DataFrame:
    """The cheapest package of each budget (over the variants run at that budget)."""
    idx = packages.groupby("variant_id")["annual_cost_eur_bn"].idxmin()
    cheapest = packages.loc[
        idx,
        [
            "variant_id",
            "package_id",
            "archetype",
            "annual_cost_eur_bn",
            "troops_deployed",
            "deterrence",
        ],
    ]
    budgets = pd.DataFrame(
        [{"variant_id": r.variant_id, "budget_eur_bn": r.budget_eur_bn} for r in runs]
    )
    cheapest = budgets.merge(cheapest, on="variant_id")
    return (
        cheapest.sort_values(["budget_eur_bn", "annual_cost_eur_bn"])
        .groupby("budget_eur_bn")
        .head(1)
    )


def _feasibility(
    runs: Sequence[CompleteVariant], change_keys: Sequence[str]
) -> pd.DataFrame | None:
    """Per archetype (and value of every varied key but the budget and the sample): how many
    variants tried it, how many could build it, and ``least_feasible_cost_eur_bn``, the least
    annual cost of a package of it that meets all its requirements over those variants (from
    each variant's cheapest-package solve). That cost, not the lowest budget the sweep happened
    to try, is the budget from which the archetype is possible."""
    others = [k for k in change_keys if k != "budget_eur_bn" and k != "sample"]
    feas: list[dict[str, Any]] = [
        {
            "variant_id": r.variant_id,
            **{k: str(r.changes.get(k)) for k in others},
            "archetype": a.archetype,
            "feasible": a.feasible,
            "min_cost_eur_bn": a.min_cost_eur_bn,
        }
        for r in runs
        for a in r.archetypes
    ]
    if not feas:
        return None
    f = pd.DataFrame(feas)
    ok = f[f["feasible"]]
    group = [*others, "archetype"]
    least = (
        ok.groupby(group, dropna=False)["min_cost_eur_bn"].min().rename(LEAST_FEASIBLE_COST)
        if len(ok)
        else pd.Series(dtype=float, name=LEAST_FEASIBLE_COST)
    )
    tried = f.groupby(group, dropna=False).agg(
        variants=("variant_id", "count"), feasible_variants=("feasible", "sum")
    )
    return tried.join(least).reset_index()
