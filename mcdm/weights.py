"""Weights without pymcdm: the record of a weighting, normalisation, rank-order centroid, swing
and entropy weights, and the criteria that tell no alternatives apart. :mod:`mcdm.ranking` adds
the schemes pymcdm computes (CRITIC, AHP) and resolves a scenario's weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import InputError, Problem, RankingError
from .results import DecisionMatrix

__all__ = [
    "CONSTANT_TOL",
    "WeightResult",
    "constant_criteria",
    "entropy_weights",
    "normalise_weights",
    "weights_roc",
    "weights_swing",
]

#: Relative threshold below which a criterion's spread counts as "does not vary".
CONSTANT_TOL = 1e-9


@dataclass(frozen=True)
class WeightResult:
    """Weights (normalised, aligned with the criteria), how they were made, and any warning."""

    criteria: tuple[str, ...]
    weights: np.ndarray
    scheme: str
    consistency_ratio: float | None = None
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, float]:
        return {c: float(w) for c, w in zip(self.criteria, self.weights, strict=True)}


def constant_criteria(matrix: DecisionMatrix) -> list[str]:
    """Criteria whose value is the same for every alternative (they tell nothing apart)."""
    values = matrix.values
    spread = values.max(axis=0) - values.min(axis=0)
    scale = np.maximum(np.abs(values).max(axis=0), 1.0)
    return [
        c for c, s, sc in zip(matrix.criteria, spread, scale, strict=True) if s <= CONSTANT_TOL * sc
    ]


def normalise_weights(raw: np.ndarray, what: str) -> np.ndarray:
    raw = np.asarray(raw, dtype=float)
    if raw.ndim != 1 or not np.all(np.isfinite(raw)) or np.any(raw < 0) or raw.sum() <= 0:
        raise InputError(
            [
                Problem(
                    "weights",
                    "non-negative numbers, at least one above zero",
                    value=list(np.round(raw, 6)),
                    column=what,
                )
            ]
        )
    return raw / raw.sum()


def weights_roc(order: Sequence[str], criteria: Sequence[str]) -> np.ndarray:
    """Rank-order centroid weights from an ordering, most important first.

    ``w_k = (1/n) * sum_{i=k..n} 1/i`` (Barron & Barrett 1996); criteria missing from
    ``order`` share the last places equally.
    """
    n = len(criteria)
    named = list(dict.fromkeys(c for c in order if c in criteria))  # known, each once
    full = named + [c for c in criteria if c not in named]
    roc = np.array([sum(1.0 / i for i in range(k, n + 1)) / n for k in range(1, n + 1)])
    return np.array([roc[full.index(c)] for c in criteria])


def weights_swing(points: Mapping[str, float], criteria: Sequence[str]) -> np.ndarray:
    """SWING weights: points given to each criterion's swing from worst to best (the most
    valued swing gets 100), normalised."""
    return normalise_weights(np.array([float(points.get(c, 0.0)) for c in criteria]), "swing")


def entropy_weights(values: np.ndarray) -> np.ndarray:
    """Entropy weights with 0 log 0 = 0 (Shannon's convention): pymcdm 1.4 refuses any zero, and
    most criteria here hold zeros (no troops exposed, no air-defence cover)."""
    if np.any(values < 0):
        raise RankingError("entropy weights need values >= 0 in every criterion")
    p = values / values.sum(axis=0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = 1.0 + plogp.sum(axis=0) / np.log(len(values))
    return e / e.sum()
