"""The decision matrix of a package set, and the same matrix with uncertain element costs drawn
for SMAA (each element's cost from the data's range, shared by every package that holds it)."""

from __future__ import annotations

import numpy as np

from .criteria import CRITERIA, CRITERIA_BY_ID
from .model import COST_RANGES, Instance
from .packages import PackageSet
from .results import ColumnDraws, DecisionMatrix

__all__ = ["cost_draws", "package_matrix"]


def package_matrix(pset: PackageSet, criteria: tuple[str, ...] = ()) -> DecisionMatrix:
    """The decision matrix of a package set: one row a package, one column a criterion."""
    crit = criteria or tuple(c.criterion_id for c in CRITERIA)
    values = np.array([[p.criteria[c] for c in crit] for p in pset.packages], dtype=float)
    return DecisionMatrix(
        tuple(p.package_id for p in pset.packages),
        crit,
        values.reshape(len(pset.packages), len(crit)),
        tuple(CRITERIA_BY_ID[c].direction.sign for c in crit),
    )


def cost_draws(
    instance: Instance,
    pset: PackageSet,
    matrix: DecisionMatrix,
    draws: int,
    spread: float | str,
    rng: np.random.Generator,
) -> ColumnDraws | None:
    """Decision matrices with uncertain element costs, independently per draw; packages that
    share an element share its draw. Only the annual-cost column changes (and only it is
    kept per draw: :class:`~mcdm.results.ColumnDraws`).

    ``spread`` :data:`~mcdm.model.COST_RANGES`: each element's annual cost from a triangular
    distribution over its range in the data (low, value, high); an element without a range
    keeps its cost. A share ``u``: uniformly within ±u of its value. 0: no draws (None).
    """
    if spread == 0 or "annual_cost_eur_bn" not in matrix.criteria:
        return None
    elements = list(instance.data.elements)
    units = np.zeros((len(pset.packages), len(elements)))
    for i, p in enumerate(pset.packages):
        for a in p.allocation:
            units[i, elements.index(a.element_id)] += a.units
    data = [instance.data.elements[e] for e in elements]
    base = np.array([e.cost_eur_m for e in data])
    if spread == COST_RANGES:
        low = np.array([e.cost_low_eur_m for e in data])
        high = np.array([e.cost_high_eur_m for e in data])
        if not np.any(high > low) or not units.any():
            return None
        # numpy's triangular needs left < right: a point range is drawn as its value
        wide = high > low
        costs_m = np.broadcast_to(base, (draws, len(elements))).copy()
        costs_m[:, wide] = rng.triangular(
            low[wide], base[wide], high[wide], size=(draws, int(wide.sum()))
        )
    else:
        costs_m = rng.uniform(1 - float(spread), 1 + float(spread), (draws, len(elements))) * base
    costs = costs_m @ units.T / 1000.0  # draws x packages, EUR bn
    return ColumnDraws(matrix.values, matrix.criteria.index("annual_cost_eur_bn"), costs)
