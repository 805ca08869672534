"""How robust a ranking is: SMAA-2 rank acceptability, weight stability, rank reversal, core index.

Every random draw comes from ``numpy.random.default_rng(seed)`` with the seed recorded in the
result. SMAA runs the vectorised kernels of :mod:`mcdm.kernels` over all draws at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import RankingError
from .kernels import KERNELS, Prepared, best_first, scores
from .limits import smaa_problem
from .method_inputs import POSITIVE_ONLY
from .model import Method
from .ranking import prepare_values, rank_matrix
from .results import ColumnDraws, DecisionMatrix

__all__ = [
    "SmaaResult",
    "core_index",
    "rank_reversal",
    "sample_weights",
    "smaa",
    "stability_intervals",
]


@dataclass(frozen=True)
class SmaaResult:
    """SMAA-2 outcome for one method.

    ``acceptability[i, r]``: share of draws in which alternative i takes rank r + 1.
    ``central_weights[i]``: mean weight vector of the draws in which i ranks first (NaN if never).
    ``confidence[i]``: share of value draws in which i ranks first at its central weights (1 or 0
    without value uncertainty).
    """

    alternatives: tuple[str, ...]
    criteria: tuple[str, ...]
    method: str
    draws: int
    seed: int
    weight_band: float | None
    acceptability: np.ndarray
    central_weights: np.ndarray
    confidence: np.ndarray

    def frame(self, index_name: str = "package_id") -> pd.DataFrame:
        """acceptability.csv: rank_1..rank_K, central_weight_<criterion>, confidence."""
        n = len(self.alternatives)
        df = pd.DataFrame(
            self.acceptability,
            columns=[f"rank_{r + 1}" for r in range(n)],
            index=pd.Index(self.alternatives, name=index_name),
        )
        for j, c in enumerate(self.criteria):
            df[f"central_weight_{c}"] = self.central_weights[:, j]
        df["confidence"] = self.confidence
        return df

    @property
    def first(self) -> np.ndarray:
        """Share of draws in which each alternative ranks first."""
        return self.acceptability[:, 0]


def sample_weights(
    m: int,
    k: int,
    rng: np.random.Generator,
    center: np.ndarray | None = None,
    band: float | None = None,
) -> np.ndarray:
    """``k`` weight vectors over ``m`` criteria, each summing to 1.

    Without a band: uniform on the simplex (SMAA's "no preference information"). With a band
    b: each weight drawn uniformly in [w(1 - b), w(1 + b)] around ``center``, then normalised.
    """
    if band is None or center is None:
        return rng.dirichlet(np.ones(m), size=k)
    lo = center * (1 - band)
    hi = center * (1 + band)
    W = lo + (hi - lo) * rng.random((k, m))
    return W / W.sum(axis=1, keepdims=True)


def smaa(
    matrix: DecisionMatrix,
    weights: np.ndarray,
    *,
    method: str = "TOPSIS",
    draws: int = 10_000,
    seed: int = 0,
    weight_band: float | None = None,
    value_draws: np.ndarray | ColumnDraws | None = None,
    with_confidence: bool = True,
) -> SmaaResult:
    """SMAA-2 rank acceptability under weight (and optionally value) uncertainty.

    Parameters
    ----------
    matrix
        The decision matrix (criteria that do not vary should already be left out).
    weights
        The user's weights (normalised), the centre of a ``weight_band``.
    method
        A method with a vectorised kernel: TOPSIS, VIKOR, PROMETHEE_II, SPOTIS, WASPAS,
        COPRAS or MABAC.
    draws
        Number of weight draws.
    seed
        Seed of the random generator (recorded in the result).
    weight_band
        None for weights uniform on the simplex, else the relative band around ``weights``.
    value_draws
        Optional (draws x n x m) matrices, e.g. with uncertain costs; draw t uses weights t.
    with_confidence
        False leaves the confidence factors NaN (one scoring of every draw per alternative
        ever first: most of the time SMAA takes with value draws), for a caller that needs
        only the rank acceptability.
    """
    if method not in KERNELS:
        raise RankingError(f"SMAA needs one of {', '.join(KERNELS)}; got {method!r}")
    if draws < 1:
        raise RankingError("SMAA needs at least one draw")
    rng = np.random.default_rng(seed)
    n, m = matrix.shape
    if why := smaa_problem(draws, n, m, value_draws is not None, method):
        raise RankingError(f"SMAA with {draws:,} draws is too large: expected {why}")
    types = matrix.type_array
    W = sample_weights(m, draws, rng, np.asarray(weights, dtype=float), weight_band)
    X, column = _values(method, matrix, value_draws, draws)
    score = Prepared(method, X, types, column)
    S = score(W)
    order = best_first(S)  # order[t, r] = the alternative at rank r + 1 in draw t
    cells = (order * n + np.arange(n)[None, :]).ravel()
    acc = np.bincount(cells, minlength=n * n).reshape(n, n) / draws
    best = np.argmax(S, axis=1)
    counts = np.bincount(best, minlength=n)
    sums = np.zeros((n, m))
    np.add.at(sums, best, W)
    with np.errstate(invalid="ignore", divide="ignore"):
        central = np.where(counts[:, None] > 0, sums / counts[:, None], np.nan)
    confidence = (
        _confidence(score, central, np.flatnonzero(counts))
        if with_confidence
        else np.full(n, np.nan)
    )
    return SmaaResult(
        matrix.alternatives,
        matrix.criteria,
        method,
        draws,
        seed,
        weight_band,
        acc,
        central,
        confidence,
    )


def _values(
    method: str, matrix: DecisionMatrix, value_draws: np.ndarray | ColumnDraws | None, draws: int
) -> tuple[np.ndarray, ColumnDraws | None]:
    """What the method scores: the matrix, or one matrix a draw; TOPSIS takes one drawn
    column as it is."""
    X, _ = prepare_values(method, matrix.values, matrix.criteria)
    if value_draws is None:
        return X, None
    n, m = matrix.shape
    if value_draws.shape != (draws, n, m):
        raise RankingError(f"value draws must be {draws} x {n} x {m}")
    if isinstance(value_draws, ColumnDraws) and method == Method.TOPSIS:
        return X, value_draws
    full = value_draws.full() if isinstance(value_draws, ColumnDraws) else value_draws
    if method in POSITIVE_ONLY:  # the others see the values as they are
        return np.stack([prepare_values(method, v, matrix.criteria)[0] for v in full]), None
    return np.asarray(full, dtype=float), None


def _confidence(score: Prepared, central: np.ndarray, ever: np.ndarray) -> np.ndarray:
    """SMAA-2's confidence factors: for each alternative ``ever`` first, the share of the value
    draws (or, with one matrix, whether) it is first at its own central weights; 0 for the
    others."""
    n = central.shape[0]
    confidence = np.zeros(n)
    if not ever.size:
        return confidence
    if not score.batch:
        Sc = score(np.ascontiguousarray(central[ever]))
        confidence[ever] = (np.argmax(Sc, axis=1) == ever).astype(float)
        return confidence
    firsts = score.firsts_at(central[ever])  # e x draws
    confidence[ever] = (firsts == ever[:, None]).sum(axis=1)
    return confidence / score.k


def stability_intervals(
    matrix: DecisionMatrix,
    weights: np.ndarray,
    method: str = "TOPSIS",
    grid: int = 2001,
    target: str | None = None,
) -> pd.DataFrame:
    """For each criterion, the range of its weight over which ``target`` is on top.

    ``target`` defaults to the method's top alternative at ``weights``. The criterion's weight
    runs over [0, 1] with the other weights rescaled in proportion. If the target is on top at
    the current weight (``holds_now``), the interval is the connected stretch of the grid around
    it; otherwise it is the stretch where the target is on top that lies nearest the current
    weight (NaN if there is none).
    """
    weights = np.asarray(weights, dtype=float)
    X, _ = prepare_values(method, matrix.values, matrix.criteria)
    types = matrix.type_array
    if target is None:
        top = int(np.argmax(scores(method, X, weights[None, :], types)[0]))
    else:
        top = matrix.alternatives.index(target)
    t = np.linspace(0.0, 1.0, grid)
    rows = []
    for j, c in enumerate(matrix.criteria):
        others = weights.copy()
        others[j] = 0.0
        rest = others.sum()
        W = np.outer(1 - t, others / rest) if rest > 0 else np.zeros((grid, len(weights)))
        W[:, j] = t
        if rest <= 0:
            W[:, :] = 0.0
            W[:, j] = 1.0
        keeps = np.argmax(scores(method, X, W, types), axis=1) == top
        here = int(np.argmin(np.abs(t - weights[j])))
        holds = bool(keeps[here])
        if not holds and keeps.any():  # the nearest stretch where it is on top
            where = np.flatnonzero(keeps)
            here = int(where[np.argmin(np.abs(t[where] - weights[j]))])
        lo = hi = here
        while lo > 0 and keeps[lo - 1]:
            lo -= 1
        while hi < grid - 1 and keeps[hi + 1]:
            hi += 1
        found = bool(keeps[here])
        rows.append(
            {
                "criterion": c,
                "weight": weights[j],
                "low": t[lo] if found else np.nan,
                "high": t[hi] if found else np.nan,
                "top": matrix.alternatives[top],
                "holds_now": holds,
            }
        )
    return pd.DataFrame(rows)


def rank_reversal(
    matrix: DecisionMatrix,
    weights: Mapping[str, float] | np.ndarray,
    methods: Sequence[str],
    consensus: str = "borda",
) -> pd.DataFrame:
    """Remove each alternative in turn and say whether the others' consensus order changes.

    (pymcdm's leave-one-out helper reuses one method object across calls and knows nothing of
    constant criteria; ranking each subset through :func:`rank_matrix` handles both.)
    """
    base = rank_matrix(matrix, weights, methods, consensus)
    order = list(np.argsort(base.consensus, kind="stable"))
    rows = []
    n = len(matrix.alternatives)
    for i in range(n):
        keep = [k for k in range(n) if k != i]
        if len(keep) < 2:
            continue
        sub = rank_matrix(matrix.take(keep), weights, methods, consensus)
        before = [matrix.alternatives[k] for k in order if k != i]
        after = [sub.matrix.alternatives[k] for k in np.argsort(sub.consensus, kind="stable")]
        moved = [a for a, b in zip(before, after, strict=True) if a != b]
        rows.append(
            {
                "removed": matrix.alternatives[i],
                "reversal": bool(moved),
                "top_before": before[0],
                "top_after": after[0],
                "moved": "; ".join(moved),
            }
        )
    return pd.DataFrame(rows, columns=["removed", "reversal", "top_before", "top_after", "moved"])


def core_index(first_share: np.ndarray, features: pd.DataFrame) -> pd.DataFrame:
    """How often each feature (a member, an element) is in the package ranked first.

    ``first_share[i]``: share of SMAA draws in which alternative i ranks first.
    ``features``: one row per alternative (same order), one boolean column per feature.
    Status: "core" if in the first package in every draw, "exterior" if in none, else
    "borderline" (in the spirit of Robust Portfolio Modelling, Liesiö et al. 2007).
    """
    share = np.asarray(first_share, dtype=float) @ features.to_numpy(dtype=float)
    status = np.where(share >= 1 - 1e-9, "core", np.where(share <= 1e-12, "exterior", "borderline"))
    return pd.DataFrame({"feature": features.columns, "core_index": share, "status": status})
