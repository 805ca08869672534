"""Scores broken down by criterion, and one package against another in words.

:func:`contributions` splits each alternative's score by criterion, in the normalisation of
the method in use, on the values that method sees; :func:`score_breakdown`,
:func:`versus_sentence` and :func:`why_it_wins` put one package against another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..criteria import CRITERIA_BY_ID
from ..headline import package_name
from ..model import Method
from ..ranking import prepare_values
from ..recommend import Recommendation
from ..results import DecisionMatrix, Package
from .promethee import promethee_flows

if TYPE_CHECKING:
    from ..pipeline import Analysis

__all__ = [
    "ADDITIVE",
    "LEVEL",
    "READINGS",
    "ScoreBreakdown",
    "contributions",
    "criterion_label",
    "listed",
    "reference_for",
    "score_breakdown",
    "versus_sentence",
    "why_it_wins",
]

#: Differences smaller than this (in the method's score units) count as level: they show as
#: 0.00 at two decimals.
LEVEL = 0.005


#: What :func:`contributions` gives for each method, in a phrase ("TOPSIS: ...").
READINGS: Mapping[str, str] = {
    Method.PROMETHEE_II: "weighted net flows per criterion, which add up to the net flow",
    Method.MABAC: "weighted distances from the border area, which add up to the MABAC score",
    Method.WSM: "weighted sum-normalised values, which add up to the WSM score",
    Method.SPOTIS: "weighted min-max normalised values, which add up to 1 minus the distance",
    Method.VIKOR: "weighted min-max normalised values, which add up to 1 minus VIKOR's S",
    Method.WASPAS: "weighted values over the best: the weighted-sum half of WASPAS",
    Method.COPRAS: "weighted shares of each criterion's total: benefits add, costs subtract",
}


_MINMAX_READING = (
    "weighted min-max normalised values: 0 for the worst package, the weight for the best"
)


def criterion_label(criterion_id: str) -> str:
    """A criterion as people read it in a sentence: "annual cost", "early warning"."""
    c = CRITERIA_BY_ID.get(criterion_id)
    return c.label.lower() if c is not None else criterion_id


def _minmax(X: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Min-max normalisation, 1 = best; a column that does not vary gives 0 (it adds nothing)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.where(hi > lo, np.where(types > 0, (X - lo) / span, (hi - X) / span), 0.0)


def contributions(matrix: DecisionMatrix, weights: np.ndarray, method: str) -> np.ndarray:
    """(alternatives x criteria) parts of each alternative's score, larger is better everywhere.

    Parameters
    ----------
    matrix
        The decision matrix as ranked (criteria that do not vary already left out).
    weights
        Normalised weights over the matrix's criteria.
    method
        A :class:`~mcdm.model.Method`; the parts use its normalisation (:data:`READINGS`).
    """
    w = np.asarray(weights, dtype=float)
    types = matrix.type_array
    X, _ = prepare_values(method, matrix.values, matrix.criteria)  # as the method sees them
    if method == Method.PROMETHEE_II:
        return promethee_flows(matrix, w).per_criterion * w
    if method == Method.MABAC:
        # MABAC: q_ij = w_j (n_ij + 1) - prod_i(w_j (n_ij + 1))^(1/n); its score is sum_j q_ij
        n1 = _minmax(X, types) + 1.0
        return w * (n1 - np.exp(np.log(n1).mean(axis=0)))
    if method == Method.WSM:
        # pymcdm's WSM: sum normalisation, x / sum(x) for benefits, (1/x) / sum(1/x) for costs
        inv = 1.0 / X
        return w * np.where(types > 0, X / X.sum(axis=0), inv / inv.sum(axis=0))
    if method == Method.WASPAS:
        return w * np.where(types > 0, X / X.max(axis=0), X.min(axis=0) / X)
    if method == Method.COPRAS:
        share = X / X.sum(axis=0)
        return w * np.where(types > 0, share, -share)
    return _minmax(X, types) * w


@dataclass(frozen=True)
class ScoreBreakdown:
    """A package's score by criterion under a method, and another package's for comparison."""

    method: str
    criteria: tuple[str, ...]
    package_id: str
    values: np.ndarray  # (m,): the package's parts
    other_id: str | None = None
    other: np.ndarray | None = None  # (m,): the other package's parts

    @property
    def reading(self) -> str:
        """What the parts are, in a phrase."""
        return READINGS.get(self.method, _MINMAX_READING)

    @property
    def differences(self) -> np.ndarray:
        """The package's parts minus the other's (zeros without another package)."""
        return self.values - (self.other if self.other is not None else 0.0)

    def frame(self) -> pd.DataFrame:
        """One row a criterion: its name, the two packages' parts and the difference."""
        df = pd.DataFrame(
            {
                "Criterion": [
                    CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else c for c in self.criteria
                ],
                self.package_id: self.values,
            }
        )
        if self.other is not None and self.other_id is not None:
            df[self.other_id] = self.other
            df["Difference"] = self.differences
        return df


def score_breakdown(
    matrix: DecisionMatrix,
    weights: np.ndarray,
    method: str,
    package_id: str,
    other_id: str | None = None,
) -> ScoreBreakdown:
    """``package_id``'s parts of its score under ``method`` (see :func:`contributions`), and
    ``other_id``'s for comparison."""
    parts = contributions(matrix, weights, method)
    ids = list(matrix.alternatives)
    other = parts[ids.index(other_id)].copy() if other_id is not None else None
    return ScoreBreakdown(
        method, matrix.criteria, package_id, parts[ids.index(package_id)].copy(), other_id, other
    )


def listed(items: Sequence[str]) -> str:
    """Items in a sentence: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _side(pairs: list[tuple[str, float]], limit: int) -> str:
    """ "deterrence (+0.12) and early warning (+0.05)", the largest first, the rest summed."""
    shown = [f"{criterion_label(c)} ({d:+.2f})" for c, d in pairs[:limit]]
    rest = pairs[limit:]
    if len(rest) == 1:
        shown.append(f"{criterion_label(rest[0][0])} ({rest[0][1]:+.2f})")
    elif rest:
        shown.append(f"{len(rest)} others ({sum(d for _, d in rest):+.2f})")
    return listed(shown)


def versus_sentence(
    breakdown: ScoreBreakdown,
    packages: Mapping[str, Package],
    role: str = "",
    limit: int = 3,
) -> str:
    """The breakdown's package against the other one, in words.

    "Hybrid, best at EUR 8 bn (hybrid-f8) against the runner-up, Reassurance, cheapest
    (reassurance-f1), under TOPSIS: it wins on deterrence (+0.12) and early warning (+0.05),
    loses on annual cost (-0.08); net +0.09 (weighted min-max normalised values ...)."

    Parameters
    ----------
    breakdown
        From :func:`score_breakdown`, with another package.
    packages
        The run's packages by id.
    role
        How the other package is introduced ("the runner-up"), or nothing.
    limit
        At most this many criteria named on each side; the rest are summed.
    """
    if breakdown.other_id is None:
        raise ValueError("versus_sentence needs a breakdown against another package")
    name = package_name(packages[breakdown.package_id])
    other = package_name(packages[breakdown.other_id])
    d = breakdown.differences
    pairs = list(zip(breakdown.criteria, (float(x) for x in d), strict=True))
    wins = sorted((p for p in pairs if p[1] >= LEVEL), key=lambda p: -p[1])
    losses = sorted((p for p in pairs if p[1] <= -LEVEL), key=lambda p: p[1])
    head = f"{name} against {role + ', ' if role else ''}{other}, under {breakdown.method}: "
    if not wins and not losses:
        return head + "the two are level on every criterion."
    parts = []
    parts.append(f"it wins on {_side(wins, limit)}" if wins else "it wins on no criterion")
    parts.append(f"loses on {_side(losses, limit)}" if losses else "loses on none")
    return head + ", ".join(parts) + f"; net {float(d.sum()):+.2f} ({breakdown.reading})."


def reference_for(recommendation: Recommendation, package_id: str) -> tuple[str | None, str]:
    """The package to compare ``package_id`` with, and its role: the runner-up for the
    recommended package, the recommended package for any other."""
    if package_id == recommendation.package_id:
        return recommendation.runner_up, "the runner-up"
    return recommendation.package_id, "the recommended package"


#: Methods whose score is the sum of the parts :func:`contributions` gives (up to a constant).
ADDITIVE = frozenset({Method.PROMETHEE_II, Method.MABAC, Method.WSM, Method.SPOTIS})


def why_it_wins(
    analysis: Analysis,
    packages: Mapping[str, Package],
    method: str,
    package_id: str | None = None,
    limit: int = 3,
) -> str:
    """The sentence for a package (the recommended one by default) against its reference
    (:func:`reference_for`), under ``method`` on the analysis's matrix and weights.

    For the recommended package it also says where ``method`` itself puts the two at the
    current weights, when that is not what the parts suggest: the runner-up ranked above it
    (and why the package is recommended all the same: the rule of :mod:`mcdm.recommend`), or,
    for a method that does not add the parts up (TOPSIS, VIKOR, ...), the package ranked above
    the runner-up although the parts sum lower.
    """
    rec = analysis.recommendation
    pid = package_id or rec.package_id
    other, role = reference_for(rec, pid)
    if other is None:
        return f"{package_name(packages[pid])} is the only package ranked."
    b = score_breakdown(analysis.ranking.matrix, analysis.ranking.weights, method, pid, other)
    text = versus_sentence(b, packages, role, limit)
    if pid != rec.package_id:
        return text
    net = float(b.differences.sum())
    result = analysis.ranking.results.get(method)
    if result is not None:
        ids = list(analysis.ranking.matrix.alternatives)
        behind = bool(result.ranks[ids.index(other)] < result.ranks[ids.index(pid)])
    else:
        behind = method in ADDITIVE and net <= -LEVEL
    if behind:
        if rec.basis == "smaa":
            because = (
                f"it comes first in more of the {rec.draws:,} weight draws "
                f"({rec.share(pid):.0%} against {rec.runner_up_share:.0%})"
            )
        else:
            because = "it has the better consensus rank over the methods"
        text += (
            f" Under {method} at your exact weights {other} ranks above it; {pid} is "
            f"recommended because {because}."
        )
    elif result is not None and net <= -LEVEL:
        text += (
            f" {method} does not simply add these parts up: at your exact weights it ranks "
            f"{pid} above {other}."
        )
    return text
