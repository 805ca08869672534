"""PROMETHEE I and GAIA: leaving, entering and per-criterion net flows with the V-shape
preference function (p = each criterion's range, as the ranking uses), PROMETHEE I's partial
ranking (A outranks B only if it is at least as good on both flows), and the GAIA plane
(Mareschal & Brans 1988): the per-criterion net flows projected on their first two principal
components, with the criteria's axes and the weight vector (the decision stick)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..headline import package_name
from ..results import DecisionMatrix, Package

__all__ = [
    "Gaia",
    "PrometheeFlows",
    "gaia",
    "promethee_flows",
    "promethee_one",
    "promethee_one_sentence",
    "promethee_one_table",
]


@dataclass(frozen=True)
class PrometheeFlows:
    """PROMETHEE flows: leaving (phi+), entering (phi-), net, and net per criterion."""

    alternatives: tuple[str, ...]
    criteria: tuple[str, ...]
    leaving: np.ndarray
    entering: np.ndarray
    per_criterion: np.ndarray  # (n, m): phi_j(a), unweighted

    @property
    def net(self) -> np.ndarray:
        """The net flow phi = phi+ - phi- (PROMETHEE II's score)."""
        return self.leaving - self.entering


def promethee_flows(
    matrix: DecisionMatrix, weights: np.ndarray, p: np.ndarray | None = None
) -> PrometheeFlows:
    """Flows with the V-shape preference function.

    ``p``: each criterion's preference threshold; by default its range over the alternatives,
    as the ranking uses. A threshold of 0 gives the "usual" criterion (any difference is a full
    preference). The net flow is the weighted sum of the per-criterion net flows.
    """
    X = np.asarray(matrix.values, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = X.shape[0]
    d = (X[:, None, :] - X[None, :, :]) * matrix.type_array  # d[a, b, j]: a better than b by
    p = X.max(axis=0) - X.min(axis=0) if p is None else np.asarray(p, dtype=float)
    pref = np.where(d <= 0, 0.0, np.where(d <= p, d / np.where(p > 0, p, 1.0), 1.0))
    k = max(n - 1, 1)
    leaving = (pref * w).sum(axis=2).sum(axis=1) / k
    entering = (pref * w).sum(axis=2).sum(axis=0) / k
    per_criterion = (pref.sum(axis=1) - pref.sum(axis=0)) / k
    return PrometheeFlows(matrix.alternatives, matrix.criteria, leaving, entering, per_criterion)


def promethee_one(flows: PrometheeFlows, tol: float = 1e-9) -> np.ndarray:
    """PROMETHEE I's relation: ``R[a, b]`` is "P" (a outranks b), "I" (indifferent), "R"
    (incomparable) or "-" (b outranks a).

    a outranks b when it is at least as good on both the leaving and the entering flow and
    better on one; they are incomparable when each is better on one flow (Brans & Mareschal
    2005). Flows within ``tol`` count as equal.
    """
    lp, en = flows.leaving[:, None], flows.entering[:, None]
    plus, minus = lp - lp.T, en - en.T  # [a, b]: a's flow minus b's
    same = (np.abs(plus) <= tol) & (np.abs(minus) <= tol)
    a_over_b = (plus >= -tol) & (minus <= tol)
    b_over_a = (plus <= tol) & (minus >= -tol)
    out = np.where(same, "I", np.where(a_over_b, "P", np.where(b_over_a, "-", "R")))
    return out.astype(object)


def promethee_one_table(flows: PrometheeFlows, relation: np.ndarray, top: int = 10) -> pd.DataFrame:
    """PROMETHEE I for people: one row a package (best net flow first), its flows, how many
    packages it outranks, is outranked by, is incomparable with, and which of the ``top``
    packages by net flow it is incomparable with."""
    ids = list(flows.alternatives)
    order = sorted(range(len(ids)), key=lambda i: (-flows.net[i], ids[i]))
    best = set(order[:top])
    rows = []
    for i in order:
        rel = relation[i]
        rows.append(
            {
                "Package": ids[i],
                "Leaving flow φ+": float(flows.leaving[i]),
                "Entering flow φ−": float(flows.entering[i]),
                "Net flow φ": float(flows.net[i]),
                "Outranks": int(np.sum(rel == "P")),
                "Outranked by": int(np.sum(rel == "-")),
                "Incomparable with": int(np.sum(rel == "R")),
                f"Incomparable among the top {top}": ", ".join(
                    ids[j] for j in order if j in best and rel[j] == "R"
                ),
            }
        )
    return pd.DataFrame(rows)


def promethee_one_sentence(
    flows: PrometheeFlows, relation: np.ndarray, package_id: str, packages: Mapping[str, Package]
) -> str:
    """What PROMETHEE I says of a package: how many packages outrank it, how many it outranks
    and how many it cannot be compared with (better on one flow, worse on the other)."""
    i = list(flows.alternatives).index(package_id)
    rel = relation[i]
    n = len(rel) - 1
    above, below, apart = int(np.sum(rel == "-")), int(np.sum(rel == "P")), int(np.sum(rel == "R"))
    name = package_name(packages[package_id]) if package_id in packages else package_id
    head = "no package outranks it" if above == 0 else f"{above} of the {n} others outrank it"
    return (
        f"Under PROMETHEE I {name}: {head}; it outranks {below} and cannot be compared with "
        f"{apart} (better on one flow, worse on the other)."
    )


@dataclass(frozen=True)
class Gaia:
    """The GAIA plane: coordinates of alternatives, criteria axes and the decision stick, and
    the share of the flows' variance the plane shows (delta)."""

    alternatives: np.ndarray  # (n, 2)
    criteria: np.ndarray  # (m, 2): each criterion's unit axis projected
    stick: np.ndarray  # (2,): the weight vector projected
    delta: float
    stick_share: float = 1.0  # the projected stick's length over the weight vector's


def gaia(flows: PrometheeFlows, weights: np.ndarray) -> Gaia:
    """The GAIA plane: principal components of the per-criterion net flows (criteria as the
    variables; each column already sums to zero over the alternatives).

    A criterion on which every alternative is equal has a zero column: its axis projects on
    the origin and it changes nothing else. When every criterion is such, the plane is empty
    and delta is 0.
    """
    Phi = np.asarray(flows.per_criterion, dtype=float)
    centred = Phi - Phi.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    m = Phi.shape[1]
    basis = np.zeros((m, 2))
    k = min(2, vt.shape[0])
    basis[:, :k] = vt[:k].T
    basis[:, :k] *= s[:k] > 1e-12 * max(1.0, float(s.max(initial=0.0)))  # no arbitrary axes
    # a fixed sign per component: the largest loading positive (results do not flip run to run)
    for j in range(2):
        if basis[np.argmax(np.abs(basis[:, j])), j] < 0:
            basis[:, j] *= -1
    var = s**2
    delta = float(var[:2].sum() / var.sum()) if var.sum() > 0 else 0.0
    w = np.asarray(weights, dtype=float)
    stick = w @ basis
    norm = float(np.linalg.norm(w))
    return Gaia(
        Phi @ basis, basis, stick, delta, float(np.linalg.norm(stick)) / norm if norm else 0.0
    )
