"""What happens to solved packages before ranking: near-duplicates merged, names people read,
dominated packages marked. Pure functions of packages (no solving)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .criteria import CRITERIA
from .formats import format_eur_bn
from .model import Instance
from .results import Package, PackageKind

__all__ = [
    "NEAR_DUPLICATE_SHARE",
    "criteria_ranges",
    "drop_near_duplicates",
    "label_packages",
    "mark_dominated",
    "near_duplicate",
]

#: Two packages whose criteria all lie within this share of each criterion's range (over the
#: scenario's packages) are one package: the one found first is kept (data/MODEL.md).
NEAR_DUPLICATE_SHARE = 0.01


def near_duplicate(a: Package, b: Package, ranges: dict[str, float]) -> bool:
    """Whether ``a`` and ``b`` differ by less than the tolerance on every criterion."""
    return all(
        abs(a.criteria[c] - b.criteria[c]) <= NEAR_DUPLICATE_SHARE * ranges[c] + 1e-9
        for c in ranges
    )


def criteria_ranges(packages: Sequence[Package]) -> dict[str, float]:
    """Each criterion's range over the packages (max - min)."""
    ids = [c.criterion_id for c in CRITERIA]
    if not packages:
        return dict.fromkeys(ids, 0.0)
    return {
        c: max(p.criteria[c] for p in packages) - min(p.criteria[c] for p in packages) for c in ids
    }


def drop_near_duplicates(packages: Sequence[Package]) -> list[Package]:
    """The packages without near-duplicates of a package found before them (frontier levels
    come before troop levels and alternatives, so a "0.0% below the best" copy goes)."""
    ranges = criteria_ranges(packages)
    kept: list[Package] = []
    for p in packages:
        if not any(near_duplicate(p, q, ranges) for q in kept):
            kept.append(p)
    return kept


def label_packages(instance: Instance, packages: Sequence[Package]) -> list[Package]:
    """Give each package the name people read: its kind of package and how it was found."""
    s = instance.scenario
    budget = s.budget_eur_bn
    per = "" if s.budget_basis == "annual" else f" over {s.horizon_years} years"  # a PV budget
    labels = []
    for p in packages:
        a = instance.data.archetypes[p.archetype]
        frontier = [q for q in packages if q.archetype == p.archetype and q.kind is p.kind]
        if p.kind is PackageKind.FRONTIER and p is frontier[0] and len(frontier) > 1:
            how = f"cheapest ({p.troops_deployed:,} troops)"
        elif p.kind is PackageKind.FRONTIER:
            level = p.budget_level_eur_bn
            how = f"best at {_eur_bn(budget if level >= budget - 1e-9 else level)}{per}"
        elif p.kind is PackageKind.TROOPS:
            how = f"best with at most {p.troop_level or 0:,} troops"
        else:
            how = f"alternative {frontier.index(p) + 1} at {_eur_bn(budget)}{per}"
        labels.append(f"{a.name}, {how}")
    seen = {lab: labels.count(lab) for lab in labels}
    return [
        replace(p, label=lab if seen[lab] == 1 else f"{lab} ({p.package_id})")
        for p, lab in zip(packages, labels, strict=True)
    ]


def _eur_bn(value: float) -> str:
    """A budget level for a name, in the one money format (:func:`format_eur_bn`) with whole
    billions shown whole: "EUR 8 bn", "EUR 6.21 bn", "EUR 163 m"."""
    text = format_eur_bn(value)
    return text.replace(".00 bn", " bn")


def mark_dominated(packages: Sequence[Package]) -> tuple[Package, ...]:
    """Flag (not drop) packages that another package Pareto-dominates on every criterion."""
    if not packages:
        return ()
    signs = np.array([c.direction.sign for c in CRITERIA], dtype=float)
    ids = [c.criterion_id for c in CRITERIA]
    values = np.array([[p.criteria[i] for i in ids] for p in packages], dtype=float) * signs
    out = []
    for i, p in enumerate(packages):
        ge = np.all(values >= values[i] - 1e-9, axis=1)
        gt = np.any(values > values[i] + 1e-9, axis=1)
        out.append(replace(p, dominated=bool(np.any(ge & gt))))
    return tuple(out)
