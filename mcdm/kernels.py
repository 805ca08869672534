"""Vectorised scoring kernels: the ranking methods over many weight (and value) draws at once.

Each kernel reproduces pymcdm 1.4's arithmetic for one method, without any validation, for a
batch of weight vectors ``W`` (k x m) and either one decision matrix ``X`` (n x m) or a batch of
them (k x n x m). They return scores (k x n) where **higher is better** for every method (VIKOR's
Q and SPOTIS's distance are negated). ``tests/test_robustness.py`` checks each kernel against a
plain loop over pymcdm for the same draws.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .errors import RankingError
from .limits import promethee_problem
from .model import Method
from .results import ColumnDraws

__all__ = ["KERNELS", "Prepared", "best_first", "ordinal_ranks", "scores"]

Kernel = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _batched(X: np.ndarray, k: int) -> np.ndarray:
    return X if X.ndim == 3 else np.broadcast_to(X, (k, *X.shape))


def _minmax(X: np.ndarray, types: np.ndarray) -> np.ndarray:
    """pymcdm's minmax normalisation per column (constant columns give ones)."""
    lo = X.min(axis=-2, keepdims=True)
    hi = X.max(axis=-2, keepdims=True)
    span = hi - lo
    safe = np.where(span == 0, 1.0, span)
    out = np.where(types > 0, (X - lo) / safe, (hi - X) / safe)
    return np.where(span == 0, 1.0, out)


def _linear(X: np.ndarray, types: np.ndarray) -> np.ndarray:
    """pymcdm's linear normalisation: x / max for benefit, min / x for cost."""
    lo = X.min(axis=-2, keepdims=True)
    hi = X.max(axis=-2, keepdims=True)
    return np.where(types > 0, X / hi, lo / X)


def topsis(X: np.ndarray, W: np.ndarray, types: np.ndarray) -> np.ndarray:
    return Prepared(Method.TOPSIS, X, types)(W)


def _topsis_distances(X: np.ndarray, types: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared distances of the normalised values to the ideal and to the anti-ideal, per
    criterion, before weighting. With w >= 0 the ideal is w_j * max_i N_ij, so both squared
    distances are linear in w**2: D+^2 = (N - max N)^2 @ w^2, D-^2 = (N - min N)^2 @ w^2."""
    N = _minmax(X, types)
    return (N - N.max(axis=-2, keepdims=True)) ** 2, (N - N.min(axis=-2, keepdims=True)) ** 2


def vikor(X: np.ndarray, W: np.ndarray, types: np.ndarray, v: float = 0.5) -> np.ndarray:
    hi = X.max(axis=-2, keepdims=True)
    N = np.where(types > 0, X, hi - X)  # pymcdm's VIKOR default: no scaling, costs flipped
    fstar = N.max(axis=-2, keepdims=True)
    fminus = N.min(axis=-2, keepdims=True)
    ff = (fstar - N) / (fstar - fminus)
    weighted = ff * W[:, None, :]
    S = weighted.sum(axis=2)
    R = weighted.max(axis=2)
    smin, smax = S.min(axis=1, keepdims=True), S.max(axis=1, keepdims=True)
    rmin, rmax = R.min(axis=1, keepdims=True), R.max(axis=1, keepdims=True)
    Q = v * (S - smin) / (smax - smin) + (1 - v) * (R - rmin) / (rmax - rmin)
    return -Q


def promethee_ii(
    X: np.ndarray, W: np.ndarray, types: np.ndarray, p: np.ndarray | None = None
) -> np.ndarray:
    """Net flow with the V-shape preference function, p = each criterion's range by default.

    The net flow is linear in the weights: phi(a) = sum_j w_j * phi_j(a).
    """
    Xb = X if X.ndim == 3 else X[None]
    if p is None:
        p = Xb.max(axis=1) - Xb.min(axis=1)  # (b, m)
    else:
        p = np.broadcast_to(p, (Xb.shape[0], Xb.shape[2]))
    n = Xb.shape[1]
    d = Xb[:, :, None, :] - Xb[:, None, :, :]  # d[b, i, j, c] = x_i - x_j
    d = d * types
    pp = p[:, None, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        pref = np.where(d <= 0, 0.0, np.where(d <= pp, d / pp, 1.0))
    phi = (pref.sum(axis=2) - pref.sum(axis=1)) / (n - 1)  # (b, n, m)
    if X.ndim == 2:
        return W @ phi[0].T
    return np.einsum("km,knm->kn", W, phi)


def spotis(
    X: np.ndarray, W: np.ndarray, types: np.ndarray, bounds: np.ndarray | None = None
) -> np.ndarray:
    """Minus the weighted distance to the ideal point; bounds default to each column's range."""
    if bounds is None:
        lo = X.min(axis=-2, keepdims=True)
        hi = X.max(axis=-2, keepdims=True)
    else:
        lo, hi = bounds[:, 0], bounds[:, 1]
    esp = np.where(types > 0, hi, lo)
    N = np.abs((X - esp) / (lo - hi))
    if N.ndim == 2:
        return -(W @ N.T)
    return -np.einsum("km,knm->kn", W, N)


def waspas(X: np.ndarray, W: np.ndarray, types: np.ndarray, lam: float = 0.5) -> np.ndarray:
    N = _linear(X, types)
    if N.ndim == 2:
        q_sum = W @ N.T
        q_prod = np.exp(W @ np.log(N).T)
    else:
        q_sum = np.einsum("km,knm->kn", W, N)
        q_prod = np.exp(np.einsum("km,knm->kn", W, np.log(N)))
    return lam * q_sum + (1 - lam) * q_prod


def copras(X: np.ndarray, W: np.ndarray, types: np.ndarray) -> np.ndarray:
    N = X / X.sum(axis=-2, keepdims=True)
    Xb = _batched(N, W.shape[0])
    wm = Xb * W[:, None, :]
    sp = wm[:, :, types > 0].sum(axis=2)
    sm = wm[:, :, types < 0].sum(axis=2)
    smin = sm.min(axis=1, keepdims=True)
    # the published relative significance (see mcdm.ranking._COPRAS for pymcdm 1.4's slip)
    q = sp + smin * sm.sum(axis=1, keepdims=True) / (sm * (smin / sm).sum(axis=1, keepdims=True))
    return q / q.max(axis=1, keepdims=True)


def mabac(X: np.ndarray, W: np.ndarray, types: np.ndarray) -> np.ndarray:
    """MABAC's score is linear in the weights: sum_j w_j (n1_ij - geomean_i(n1_ij))."""
    n1 = _minmax(X, types) + 1.0
    gm = np.exp(np.log(n1).mean(axis=-2, keepdims=True))
    D = n1 - gm
    if D.ndim == 2:
        return W @ D.T
    return np.einsum("km,knm->kn", W, D)


#: The methods with a vectorised kernel (SMAA and the stability intervals use them).
KERNELS: dict[str, Kernel] = {
    Method.TOPSIS: topsis,
    Method.VIKOR: vikor,
    Method.PROMETHEE_II: promethee_ii,
    Method.SPOTIS: spotis,
    Method.WASPAS: waspas,
    Method.COPRAS: copras,
    Method.MABAC: mabac,
}


def scores(
    method: str, X: np.ndarray, W: np.ndarray, types: np.ndarray, chunk: int = 2000
) -> np.ndarray:
    """Scores (k x n, higher is better) of ``method`` for every weight draw, in chunks.

    Raises
    ------
    RankingError
        For PROMETHEE II on more alternatives than its pairwise tables fit in memory (see
        :func:`mcdm.limits.promethee_problem`).
    """
    if method == "PROMETHEE_II" and (why := promethee_problem(X.shape[-2], X.shape[-1])):
        raise RankingError(why)
    kernel = KERNELS[method]
    types = np.asarray(types, dtype=float)
    out = np.empty((W.shape[0], X.shape[-2]))
    if X.ndim == 3 and method == "PROMETHEE_II":
        # pairwise differences are draws x n x n x m: keep a chunk near 20M numbers (160 MB)
        n, m = X.shape[-2], X.shape[-1]
        chunk = max(1, min(chunk, 20_000_000 // max(1, n * n * m)))
    for start in range(0, W.shape[0], chunk):
        stop = start + chunk
        Xs = X if X.ndim == 2 else X[start:stop]
        out[start:stop] = kernel(Xs, W[start:stop], types)
    return out


class Prepared:
    """A method's scores on one matrix (or one batch of matrices, a matrix a draw) for any
    weights, with what does not depend on the weights worked out once.

    For TOPSIS that is the normalisation and the squared distances to the ideal and the
    anti-ideal per criterion, so that each batch of weights costs one weighted sum (matrix
    products); in a batch, the criteria whose values no draw changes (every one but the costs,
    under cost uncertainty) are worked out once, not once a draw. SMAA scores the same draws
    again at each alternative's central weights, which is where this pays. The other methods
    score through :func:`scores`."""

    def __init__(
        self, method: str, X: np.ndarray, types: np.ndarray, column: ColumnDraws | None = None
    ) -> None:
        """``X``: one matrix (n x m) or a batch (k x n x m); or, for TOPSIS, one matrix and the
        draws of one ``column`` of it."""
        self.method, self.X = method, X
        self.types = np.asarray(types, dtype=float)
        self.batch = X.ndim == 3 or column is not None
        self.k = column.drawn.shape[0] if column is not None else X.shape[0] if X.ndim == 3 else 1
        self._topsis = None
        if method != Method.TOPSIS:
            if column is not None:
                raise RankingError("only TOPSIS takes the draws of one column as they are")
            return
        self.vary = np.zeros(X.shape[-1], dtype=bool)
        if column is not None:
            self.vary[column.column] = True
            drawn = _topsis_distances(column.drawn[:, :, None], self.types[self.vary])
        elif X.ndim == 3:
            self.vary = (X[:1] != X).any(axis=(0, 1))
            drawn = _topsis_distances(X[:, :, self.vary], self.types[self.vary])
        else:
            drawn = (None, None)
        base = X if X.ndim == 2 else X[0]
        self._topsis = (*_topsis_distances(base[:, ~self.vary], self.types[~self.vary]), *drawn)

    def __call__(self, W: np.ndarray) -> np.ndarray:
        """Scores (k x n, higher is better) for the weights ``W`` (k x m; row t weighs draw t of
        a batch)."""
        if self._topsis is None:
            return scores(self.method, self.X, W, self.types)
        far, near, far_v, near_v = self._topsis
        w2 = W**2
        dp2, dm2 = w2[:, ~self.vary] @ far.T, w2[:, ~self.vary] @ near.T
        if far_v is not None:
            dp2 += np.einsum("tnm,tm->tn", far_v, w2[:, self.vary])
            dm2 += np.einsum("tnm,tm->tn", near_v, w2[:, self.vary])
        dp, dm = np.sqrt(dp2), np.sqrt(dm2)
        return dm / (dm + dp)

    def firsts_at(self, Wc: np.ndarray) -> np.ndarray:
        """The alternative first in each draw of a batch (e x k) when every draw is weighed by
        each of the ``e`` weight vectors ``Wc`` (e x m) in turn (SMAA's confidence factors).

        TOPSIS leaves out, for each weight vector, the alternatives that score below another's
        lowest score in every draw: bounds from the draws' least and greatest distances, so
        the answer is the one the full scoring gives, on a fraction of it."""
        if self._topsis is None or not self.batch:
            return np.stack([np.argmax(self._tiled(w), axis=1) for w in Wc])
        far, near, far_v, near_v = self._topsis
        lo_p, hi_p = far_v.min(axis=0), far_v.max(axis=0)  # n x varying criteria
        lo_m, hi_m = near_v.min(axis=0), near_v.max(axis=0)
        out = np.empty((Wc.shape[0], self.k), dtype=np.intp)
        for e, w in enumerate(Wc):
            w2f, w2v = w[~self.vary] ** 2, w[self.vary] ** 2
            fp, fm = far @ w2f, near @ w2f
            with np.errstate(invalid="ignore", divide="ignore"):
                best = np.sqrt(fm + hi_m @ w2v) / (
                    np.sqrt(fm + hi_m @ w2v) + np.sqrt(fp + lo_p @ w2v)
                )
                worst = np.sqrt(fm + lo_m @ w2v) / (
                    np.sqrt(fm + lo_m @ w2v) + np.sqrt(fp + hi_p @ w2v)
                )
            keep = np.ones(len(fp), dtype=bool)
            if np.all(np.isfinite(best)) and np.all(np.isfinite(worst)):
                keep = best >= worst.max() - 1e-9  # the others lose every draw to its owner
            cand = np.flatnonzero(keep)
            dp = np.sqrt(fp[cand] + far_v[:, cand, :] @ w2v)
            dm = np.sqrt(fm[cand] + near_v[:, cand, :] @ w2v)
            out[e] = cand[np.argmax(dm / (dm + dp), axis=1)]
        return out

    def _tiled(self, w: np.ndarray) -> np.ndarray:
        """Scores (k x n) of every draw weighed by ``w``."""
        return self(np.ascontiguousarray(np.tile(w, (self.k, 1))))


def ordinal_ranks(S: np.ndarray) -> np.ndarray:
    """Ranks (1 = best) per row of a score matrix; exact ties are broken arbitrarily but the
    same way for the same input."""
    order = best_first(S)
    ranks = np.empty_like(order)
    rows = np.arange(S.shape[0])[:, None]
    ranks[rows, order] = np.arange(1, S.shape[1] + 1)
    return ranks


def best_first(S: np.ndarray) -> np.ndarray:
    """Per row, the alternatives' indices from best to worst score."""
    return np.argsort(-S, axis=1)  # quicksort: twice as fast as a stable sort here
