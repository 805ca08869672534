"""What the ranking methods are handed, checked and prepared without pymcdm: the weights in the
matrix's criterion order, the columns shifted for the methods whose normalisation divides by
the values, and the alternatives that dominate all others (reported once, by name)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .errors import InputError, Problem
from .results import DecisionMatrix

__all__ = ["POSITIVE_ONLY", "dominance_messages", "prepare_values", "weight_vector"]

#: Methods whose normalisation divides by the values, so a zero (or negative) breaks them.
POSITIVE_ONLY = frozenset({"WASPAS", "WPM", "ARAS", "MARCOS", "OCRA", "COPRAS", "WSM", "CODAS"})


def _shift_non_positive(
    values: np.ndarray, criteria: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Shift columns holding a value <= 0 so their minimum becomes a tenth of their range.

    A translation keeps every difference between alternatives; a zero troop count or a zero
    political risk is a normal value here, and WASPAS, WPM and ARAS divide by the values.
    """
    out = values.astype(float).copy()
    notes = []
    for j, name in enumerate(criteria):
        col = out[:, j]
        if col.min() <= 0:
            span = col.max() - col.min()
            shift = -col.min() + (0.1 * span if span > 0 else 1.0)
            out[:, j] = col + shift
            notes.append(f"{name} shifted by {shift:+,.4g} (it holds zeros)")
    return out, notes


def prepare_values(
    method: str, values: np.ndarray, criteria: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """The matrix a method actually sees: shifted where its normalisation needs positive
    values (see :func:`_shift_non_positive`), unchanged otherwise."""
    X = np.asarray(values, dtype=float)
    if method in POSITIVE_ONLY:
        X, shifted = _shift_non_positive(X, criteria)
        return X, [f"{method}: {s}" for s in shifted]
    return X, []


def weight_vector(
    matrix: DecisionMatrix, weights: Mapping[str, float] | Sequence[float] | np.ndarray
) -> np.ndarray:
    """The weights in the matrix's criterion order (0 for a criterion a mapping leaves out)."""
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in matrix.criteria]
        if unknown:
            raise InputError(
                [
                    Problem(
                        "weights",
                        "a criterion of the matrix (" + ", ".join(matrix.criteria) + ")",
                        value=k,
                        column=k,
                    )
                    for k in unknown
                ]
            )
        return np.array([float(weights.get(c, 0.0)) for c in matrix.criteria])
    raw = np.asarray(weights, dtype=float)
    if raw.shape != (len(matrix.criteria),):
        raise InputError(
            [
                Problem(
                    "weights", f"{len(matrix.criteria)} weights, one per criterion", value=list(raw)
                )
            ]
        )
    return raw


def dominance_messages(matrix: DecisionMatrix) -> list[str]:
    """A note for each alternative at least as good as every other on every criterion."""
    X = matrix.values * matrix.type_array
    out = []
    n = X.shape[0]
    for i in range(n):
        others = np.delete(np.arange(n), i)
        if others.size and np.all(X[i] >= X[others]):
            out.append(
                f"{matrix.alternatives[i]} is at least as good as every other "
                "alternative on every criterion: every method ranks it first."
            )
    return out
