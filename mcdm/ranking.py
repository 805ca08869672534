"""The pymcdm adapter: ranking methods, weighting schemes, consensus and rank correlations (the
weights that need no pymcdm are in :mod:`mcdm.weights`).

The only module that imports pymcdm. It normalises weights, maps directions to pymcdm's types,
builds a fresh method object for every call (PROMETHEE II with ``vshape`` and ``p`` failed on a
second call of the same object in pymcdm 1.4), drops criteria that do not vary (VIKOR raises on
them, SPOTIS and CRITIC divide by their zero range), shifts columns holding zeros for the methods
whose normalisation divides by the values (``POSITIVE_ONLY``: WASPAS, WSM, CODAS, ...), turns
pymcdm's warnings into messages for the user, and reports a method that still fails instead of
letting it sink the rest. What the methods are handed (weights in order, shifted columns,
dominance notes) is prepared in :mod:`mcdm.method_inputs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pymcdm
from pymcdm import correlations
from pymcdm import methods as pm
from pymcdm import weights as pw
from pymcdm.helpers import rankdata
from pymcdm.weights.subjective import AHP

from .errors import InputError, Problem, RankingError
from .limits import promethee_problem
from .method_inputs import dominance_messages, prepare_values, weight_vector
from .model import DEFAULT_METHODS, Method
from .results import DecisionMatrix
from .weights import (
    WeightResult,
    constant_criteria,
    entropy_weights,
    normalise_weights,
    weights_roc,
    weights_swing,
)

__all__ = [
    "METHODS",
    "MethodResult",
    "Ranking",
    "consensus_ranks",
    "method_preferences",
    "prepare_values",
    "rank_correlations",
    "rank_matrix",
    "resolve_weights",
    "weights_ahp",
]


@dataclass(frozen=True)
class MethodSpec:
    """How to build one pymcdm method for a given matrix, and how to read its output."""

    name: str
    build: Callable[[np.ndarray, np.ndarray], pymcdm.methods.mcda_method.MCDA_method]
    higher_is_better: bool
    citation: str


class _COPRAS(pm.COPRAS):
    """pymcdm's COPRAS with the published relative significance.

    pymcdm 1.4.0 computes ``Sp + (min(Sm) * Sm) / (Sm * (min(Sm) / Sm))``, which drops the two
    sums of Zavadskas et al. (1994) and reduces to ``Sp + Sm``: a higher cost *raises* the
    score. Here Q_i = S+_i + S-min * sum_j S-_j / (S-_i * sum_j (S-min / S-_j)), as published;
    ``tests/test_ranking_published.py`` checks it against Kundakci & Tus Isik (2016).
    """

    def _method(self, matrix, weights, types):
        nmatrix, wmatrix, Sm, Sp, _, _ = super()._method(matrix, weights, types)
        Q = Sp + Sm.min() * Sm.sum() / (Sm * np.sum(Sm.min() / Sm))
        return nmatrix, wmatrix, Sm, Sp, Q, Q / np.max(Q)


def _bounds(matrix: np.ndarray) -> np.ndarray:
    return np.column_stack([matrix.min(axis=0), matrix.max(axis=0)])


def _ranges(matrix: np.ndarray) -> np.ndarray:
    return matrix.max(axis=0) - matrix.min(axis=0)


#: How each :class:`~mcdm.model.Method` is built and read (a test checks every method is here).
METHODS: dict[str, MethodSpec] = {
    Method.TOPSIS: MethodSpec("TOPSIS", lambda X, t: pm.TOPSIS(), True, "Hwang & Yoon (1981)"),
    Method.VIKOR: MethodSpec("VIKOR", lambda X, t: pm.VIKOR(), False, "Opricovic & Tzeng (2004)"),
    Method.PROMETHEE_II: MethodSpec(
        "PROMETHEE_II",
        lambda X, t: pm.PROMETHEE_II("vshape", p=list(_ranges(X))),
        True,
        "Brans & Vincke (1985); V-shape preference, p = each criterion's range",
    ),
    Method.SPOTIS: MethodSpec(
        "SPOTIS",
        lambda X, t: pm.SPOTIS(_bounds(X)),
        False,
        "Dezert et al. (2020); bounds = each criterion's range",
    ),
    Method.WASPAS: MethodSpec("WASPAS", lambda X, t: pm.WASPAS(), True, "Zavadskas et al. (2012)"),
    Method.COPRAS: MethodSpec(
        "COPRAS",
        lambda X, t: _COPRAS(),
        True,
        "Zavadskas et al. (1994); published formula (pymcdm 1.4's is wrong)",
    ),
    Method.MABAC: MethodSpec("MABAC", lambda X, t: pm.MABAC(), True, "Pamučar & Ćirović (2015)"),
    Method.WSM: MethodSpec("WSM", lambda X, t: pm.WSM(), True, "weighted sum"),
    Method.WPM: MethodSpec("WPM", lambda X, t: pm.WPM(), True, "weighted product"),
    Method.ARAS: MethodSpec("ARAS", lambda X, t: pm.ARAS(), True, "Zavadskas & Turskis (2010)"),
    Method.EDAS: MethodSpec(
        "EDAS", lambda X, t: pm.EDAS(), True, "Keshavarz Ghorabaee et al. (2015)"
    ),
    Method.MOORA: MethodSpec("MOORA", lambda X, t: pm.MOORA(), True, "Brauers & Zavadskas (2006)"),
    Method.CODAS: MethodSpec("CODAS", lambda X, t: pm.CODAS(), True, "Keshavarz Ghorabaee (2016)"),
    Method.MARCOS: MethodSpec("MARCOS", lambda X, t: pm.MARCOS(), True, "Stević et al. (2020)"),
    Method.OCRA: MethodSpec("OCRA", lambda X, t: pm.OCRA(), True, "Parkan (1994)"),
}


@dataclass(frozen=True)
class MethodResult:
    """One method's answer: preference values as pymcdm gives them, and ranks (1 = best)."""

    method: str
    preferences: np.ndarray
    ranks: np.ndarray
    higher_is_better: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranking:
    """All methods' rankings of one decision matrix, the consensus and method correlations."""

    matrix: DecisionMatrix
    weights: np.ndarray
    results: Mapping[str, MethodResult]
    consensus: np.ndarray
    consensus_score: np.ndarray
    consensus_rule: str
    dropped: tuple[tuple[str, str], ...] = ()
    failed: tuple[tuple[str, str], ...] = ()
    messages: tuple[str, ...] = ()
    correlations: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def top(self) -> str:
        """The alternative the consensus puts first."""
        return self.matrix.alternatives[int(np.argmin(self.consensus))]

    def frame(self) -> pd.DataFrame:
        """Ranks per method and the consensus, one row an alternative."""
        df = pd.DataFrame(
            {m: r.ranks for m, r in self.results.items()},
            index=pd.Index(self.matrix.alternatives, name="id"),
        )
        df["consensus_rank"] = self.consensus
        return df


# --- one method ----------------------------------------------------------------------------------


def method_preferences(
    method: str,
    values: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    criteria: Sequence[str] | None = None,
) -> MethodResult:
    """Run one pymcdm method with a fresh object; pymcdm's warnings become notes.

    Raises
    ------
    RankingError
        If pymcdm raises or returns NaN, or for PROMETHEE II on a matrix whose pairwise tables
        would not fit in memory (:func:`mcdm.limits.promethee_problem`); the message names the
        method and the reason.
    """
    spec = METHODS[method]
    if method == "PROMETHEE_II" and (why := promethee_problem(*values.shape)):
        raise RankingError(why)  # left out with this message; the other methods run
    criteria = list(criteria or [f"C{j + 1}" for j in range(values.shape[1])])
    X, notes = prepare_values(method, values, criteria)
    types = np.asarray(types, dtype=int)
    if method == "COPRAS" and np.all(types == 1):
        raise RankingError("COPRAS needs at least one cost criterion; all are benefits")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            body = spec.build(X, types)
            # pymcdm's own validation repeats checks made above (and its dominance scan is the
            # costliest part of a call); the adapter validates once, in rank_matrix.
            prefs = np.asarray(
                body(X, np.asarray(weights, dtype=float), types, validation=False), dtype=float
            )
        except (ValueError, ZeroDivisionError, FloatingPointError, IndexError) as exc:
            raise RankingError(f"{method} could not rank this matrix: {exc}") from exc
    for w in caught:
        text = str(w.message)
        if "dominant" in text or "dominated" in text:
            continue  # reported once for the whole matrix, with names (see rank_matrix)
        notes.append(f"{method}: {text}")
    if not np.all(np.isfinite(prefs)):
        raise RankingError(f"{method} returned undefined preference values (NaN) for this matrix")
    ranks = rankdata(_tie_key(prefs), reverse=spec.higher_is_better)
    return MethodResult(
        method, prefs, np.asarray(ranks, dtype=float), spec.higher_is_better, tuple(notes)
    )


#: Preferences this close rank as ties: apart by at most this share of the larger of the two...
TIE_RELATIVE = 1e-9
#: ... or by at most this share of the largest preference (for values near zero).
TIE_ABSOLUTE = 1e-12


def _tie_key(prefs: np.ndarray) -> np.ndarray:
    """Preferences to rank by: runs of values each within a rounding error of the next share
    the run's lowest value.

    Alternatives that tie in exact arithmetic (a cost and a benefit criterion that cancel, say)
    can come out of a method a rounding error apart, one way or the other depending on their
    order in the matrix; ranked as ties, the ranking no longer depends on that order. The runs
    depend only on the values, not on their order."""
    scale = float(np.max(np.abs(prefs))) if prefs.size else 0.0
    if prefs.size < 2 or scale == 0.0:
        return prefs
    order = np.argsort(prefs, kind="stable")
    v = prefs[order]
    near = np.maximum(np.abs(v[:-1]), np.abs(v[1:])) * TIE_RELATIVE + scale * TIE_ABSOLUTE
    starts = np.concatenate([[True], np.diff(v) > near])
    run = np.cumsum(starts) - 1
    key = np.empty_like(prefs)
    key[order] = v[starts][run]
    return key


# --- weights ------------------------------------------------------------------------------------


def weights_ahp(pairwise: Sequence[Sequence[float]]) -> tuple[np.ndarray, float]:
    """AHP weights from a reciprocal pairwise comparison matrix, and its consistency ratio."""
    M = np.asarray(pairwise, dtype=float)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or np.any(M <= 0):
        raise InputError(
            [Problem("AHP matrix", "a square matrix of positive comparisons", value=M.tolist())]
        )
    ahp = AHP(matrix=M)
    w = np.asarray(ahp(), dtype=float)
    return w / w.sum(), float(ahp.get_cr())


def resolve_weights(
    scheme: str,
    matrix: DecisionMatrix,
    *,
    user: Mapping[str, float] | None = None,
    order: Sequence[str] = (),
    swing: Mapping[str, float] | None = None,
    ahp: Sequence[Sequence[float]] = (),
) -> WeightResult:
    """Weights for the matrix's criteria under a scheme.

    ``user``: any non-negative numbers per criterion (missing means 0), normalised. ``equal``,
    ``entropy`` and ``critic`` come from the matrix (pymcdm). ``roc`` needs ``order``,
    ``swing`` needs points, ``ahp`` a pairwise matrix over the criteria in their order; an AHP
    consistency ratio above 0.1 gives a warning.
    """
    crit = matrix.criteria
    msgs: list[str] = []
    cr = None
    if scheme == "user":
        w = normalise_weights(np.array([float((user or {}).get(c, 0.0)) for c in crit]), "user")
    elif scheme in ("equal", "entropy", "critic"):
        # Objective schemes read the spread of each criterion: one that does not vary gets
        # weight 0 (it is left out of the ranking anyway; CRITIC would divide by its range).
        fixed = set(constant_criteria(matrix))
        varying = matrix.drop(list(fixed))
        if not varying.criteria:
            raise RankingError("no criterion varies across the alternatives")
        fn = {
            "equal": pw.equal_weights,
            "entropy": entropy_weights,
            "critic": pw.critic_weights,
        }[scheme]
        with np.errstate(all="ignore"):
            part = dict(
                zip(varying.criteria, np.asarray(fn(varying.values), dtype=float), strict=True)
            )
        w = np.array([part.get(c, 0.0) for c in crit])
    elif scheme == "roc":
        w = weights_roc(order, crit)
    elif scheme == "swing":
        w = weights_swing(swing or {}, crit)
    elif scheme == "ahp":
        if len(ahp) != len(crit):
            raise InputError(
                [
                    Problem(
                        "AHP matrix",
                        f"a {len(crit)} x {len(crit)} matrix, one row and column per criterion",
                        value=f"{len(ahp)} rows",
                    )
                ]
            )
        w, cr = weights_ahp(ahp)
        if cr > 0.1:
            msgs.append(
                f"The AHP comparisons are inconsistent (consistency ratio {cr:.2f} > "
                "0.10): revisit the judgements before relying on these weights."
            )
    else:
        raise InputError(
            [
                Problem(
                    "weights", "one of user, equal, entropy, critic, roc, swing, ahp", value=scheme
                )
            ]
        )
    w = np.asarray(w, dtype=float)
    if not np.all(np.isfinite(w)):
        raise RankingError(
            f"{scheme} weights are undefined for this matrix (a criterion with no spread?)"
        )
    return WeightResult(crit, w / w.sum(), scheme, cr, tuple(msgs))


# --- consensus and correlations ---------------------------------------------------------------


def consensus_ranks(
    ranks: Mapping[str, np.ndarray], rule: str = "borda"
) -> tuple[np.ndarray, np.ndarray]:
    """Combine methods' ranks (1 = best) into one ranking; returns (ranks, scores).

    ``borda``: each method gives an alternative n - rank points; most points first.
    ``copeland``: an alternative scores +1 for each other alternative it beats in a majority of
    methods and -1 for each that beats it; highest score first. Ties share the average rank.
    """
    R = np.array(list(ranks.values()), dtype=float)  # methods x n
    n = R.shape[1]
    if rule == "borda":
        score = (n - R).sum(axis=0)
    elif rule == "copeland":
        # i beats j if it ranks better in a majority of all the methods (ties count against).
        # The n x n table of wins is built a block of rows at a time: whole, it would take
        # methods x n x n comparisons and n x n counts (1.5 GB for 10,000 alternatives).
        wins_over = np.zeros(n)
        lost_to = np.zeros(n)
        block = max(1, 2_000_000 // max(1, R.shape[0] * n))
        for start in range(0, n, block):
            rows = R[:, start : start + block]
            beats = (rows[:, :, None] < R[:, None, :]).sum(axis=0) > R.shape[0] / 2
            wins_over[start : start + block] = beats.sum(axis=1)
            lost_to += beats.sum(axis=0)
        score = wins_over - lost_to
    else:
        raise InputError([Problem("consensus", "borda or copeland", value=rule)])
    return np.asarray(rankdata(score, reverse=True), dtype=float), score


def rank_correlations(ranks: Mapping[str, np.ndarray]) -> dict[str, pd.DataFrame]:
    """Weighted Spearman (r_w) and rank similarity (WS) between every pair of methods."""
    names = list(ranks)
    out = {}
    for label, fn in (
        ("weighted_spearman", correlations.weighted_spearman),
        ("rank_similarity", correlations.rank_similarity_coef),
    ):
        M = np.ones((len(names), len(names)))
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                if i != j:
                    M[i, j] = float(fn(np.asarray(ranks[a]), np.asarray(ranks[b])))
        out[label] = pd.DataFrame(M, index=names, columns=names)
    return out


# --- the whole ranking ------------------------------------------------------------------------


def rank_matrix(
    matrix: DecisionMatrix,
    weights: Mapping[str, float] | Sequence[float] | np.ndarray,
    methods: Sequence[str] = DEFAULT_METHODS,
    consensus: str = "borda",
) -> Ranking:
    """Rank the alternatives of a decision matrix with several methods and a consensus.

    Parameters
    ----------
    matrix
        Alternatives x criteria, with directions.
    weights
        One non-negative number per criterion (a mapping by name, or a sequence in the
        matrix's order); normalised here. A criterion with weight 0 is left out.
    methods
        pymcdm methods by name (see :data:`METHODS`).
    consensus
        ``borda`` or ``copeland`` (see :func:`consensus_ranks`).

    Criteria that do not vary are reported in ``dropped`` and left out; a method that fails on
    this matrix is reported in ``failed`` and left out of the consensus.
    """
    raw = normalise_weights(weight_vector(matrix, weights), "weights")
    bad = [m for m in methods if m not in METHODS]
    if bad:
        raise InputError([Problem("methods", "one of " + ", ".join(METHODS), value=m) for m in bad])
    if len(matrix.alternatives) < 2:
        raise RankingError("ranking needs at least two alternatives")
    dropped = [(c, "the same for every alternative") for c in constant_criteria(matrix)]
    dropped += [
        (c, "weight 0")
        for c, w in zip(matrix.criteria, raw, strict=True)
        if w == 0 and c not in dict(dropped)
    ]
    used = matrix.drop([c for c, _ in dropped])
    if not used.criteria:
        raise RankingError(
            "no criterion tells the alternatives apart (all are constant or weighted 0)"
        )
    w = np.array([raw[matrix.criteria.index(c)] for c in used.criteria])
    w = w / w.sum()
    results: dict[str, MethodResult] = {}
    failed = []
    for name in methods:
        try:
            results[name] = method_preferences(name, used.values, w, used.type_array, used.criteria)
        except RankingError as exc:
            failed.append((name, str(exc)))
    if not results:
        raise RankingError("every method failed: " + "; ".join(f"{m}: {r}" for m, r in failed))
    ranks = {m: r.ranks for m, r in results.items()}
    cons, score = consensus_ranks(ranks, consensus)
    messages = dominance_messages(used)
    messages += [n for r in results.values() for n in r.notes]
    return Ranking(
        matrix=used,
        weights=w,
        results=results,
        consensus=cons,
        consensus_score=score,
        consensus_rule=consensus,
        dropped=tuple(dropped),
        failed=tuple(failed),
        messages=tuple(dict.fromkeys(messages)),
        correlations=rank_correlations(ranks) if len(ranks) > 1 else {},
    )
