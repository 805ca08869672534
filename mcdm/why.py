"""Why a package ranks where it does: scores broken down by criterion, PROMETHEE I and GAIA.

Pure numpy on a :class:`~mcdm.results.DecisionMatrix` and normalised weights:

- :func:`contributions`: each alternative's weighted normalised value per criterion, in the
  normalisation of the method in use (min-max for TOPSIS, VIKOR, MABAC and SPOTIS; x / max for
  WASPAS; x / sum for COPRAS; the net flow per criterion for PROMETHEE II). Larger is better on
  every criterion (cost criteria are flipped), so "A wins on deterrence by +0.12" reads the same
  whatever the method.
- :func:`promethee_flows`, :func:`promethee_one`: leaving, entering and per-criterion net flows
  with the V-shape preference function (p = each criterion's range, as the ranking uses), and
  PROMETHEE I's partial ranking: A outranks B only if it is at least as good on both flows.
- :func:`gaia`: the GAIA plane (Mareschal & Brans 1988): the alternatives' per-criterion net
  flows projected on their first two principal components, with the criteria's axes and the
  weight vector (the decision stick) in the same plane.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Method
from .results import DecisionMatrix

__all__ = [
    "Gaia",
    "PrometheeFlows",
    "contributions",
    "gaia",
    "promethee_flows",
    "promethee_one",
]


def _minmax(X: np.ndarray, types: np.ndarray) -> np.ndarray:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.where(types > 0, (X - lo) / span, (hi - X) / span)


def contributions(matrix: DecisionMatrix, weights: np.ndarray, method: str) -> np.ndarray:
    """(alternatives x criteria) weighted normalised values, larger is better everywhere.

    The values use the normalisation of ``method`` (see the module's docstring); for PROMETHEE II
    and MABAC their sum over the criteria is the method's own score up to a constant, for the
    other methods it is the additive reading of what they compare.
    """
    X = np.asarray(matrix.values, dtype=float)
    w = np.asarray(weights, dtype=float)
    types = matrix.type_array
    if method == Method.PROMETHEE_II:
        return promethee_flows(matrix, w).per_criterion * w
    if method == Method.WASPAS:
        with np.errstate(divide="ignore", invalid="ignore"):
            hi, lo = X.max(axis=0), X.min(axis=0)
            N = np.where(types > 0, X / np.where(hi != 0, hi, 1.0), lo / np.where(X != 0, X, 1.0))
        return N * w
    if method == Method.COPRAS:
        total = np.abs(X).sum(axis=0)
        share = X / np.where(total > 0, total, 1.0)
        return np.where(types > 0, share, -share) * w
    return _minmax(X, types) * w


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
        return self.leaving - self.entering


def promethee_flows(matrix: DecisionMatrix, weights: np.ndarray) -> PrometheeFlows:
    """Flows with the V-shape preference function, p = each criterion's range."""
    X = np.asarray(matrix.values, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = X.shape[0]
    d = (X[:, None, :] - X[None, :, :]) * matrix.type_array  # d[a, b, j]: a better than b by
    p = X.max(axis=0) - X.min(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        pref = np.where(d <= 0, 0.0, np.where(d <= p, d / np.where(p > 0, p, 1.0), 1.0))
    k = max(n - 1, 1)
    leaving = (pref * w).sum(axis=2).sum(axis=1) / k
    entering = (pref * w).sum(axis=2).sum(axis=0) / k
    per_criterion = (pref.sum(axis=1) - pref.sum(axis=0)) / k
    return PrometheeFlows(matrix.alternatives, matrix.criteria, leaving, entering, per_criterion)


def promethee_one(flows: PrometheeFlows, tol: float = 1e-12) -> np.ndarray:
    """PROMETHEE I's relation: ``R[a, b]`` is "P" (a outranks b), "I" (indifferent), "R"
    (incomparable) or "-" (b outranks a). a outranks b when it is at least as good on both the
    leaving and the entering flow and better on one."""
    lp, en = flows.leaving, flows.entering
    n = len(lp)
    out = np.full((n, n), "-", dtype=object)
    for a in range(n):
        for b in range(n):
            ge_plus, le_minus = lp[a] >= lp[b] - tol, en[a] <= en[b] + tol
            eq = abs(lp[a] - lp[b]) <= tol and abs(en[a] - en[b]) <= tol
            if eq:
                out[a, b] = "I"
            elif ge_plus and le_minus:
                out[a, b] = "P"
            elif not (lp[a] <= lp[b] + tol and en[a] >= en[b] - tol):
                out[a, b] = "R"
    return out


@dataclass(frozen=True)
class Gaia:
    """The GAIA plane: coordinates of alternatives, criteria axes and the decision stick, and
    the share of the flows' variance the plane shows (delta)."""

    alternatives: np.ndarray  # (n, 2)
    criteria: np.ndarray  # (m, 2): each criterion's unit axis projected
    stick: np.ndarray  # (2,): the weight vector projected
    delta: float


def gaia(flows: PrometheeFlows, weights: np.ndarray) -> Gaia:
    """Principal components of the per-criterion net flows (criteria as variables)."""
    Phi = flows.per_criterion
    centred = Phi - Phi.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    basis = vt[:2].T if vt.shape[0] >= 2 else np.pad(vt.T, ((0, 0), (0, 2 - vt.shape[0])))
    # a fixed sign per component: the largest loading positive (results do not flip run to run)
    for k in range(basis.shape[1]):
        if basis[np.argmax(np.abs(basis[:, k])), k] < 0:
            basis[:, k] *= -1
    var = s**2
    delta = float(var[:2].sum() / var.sum()) if var.sum() > 0 else 1.0
    w = np.asarray(weights, dtype=float)
    return Gaia(Phi @ basis, basis, w @ basis, delta)
