"""Any decision matrix ranked: every method and the consensus, SMAA rank acceptability and the
weight stability intervals, and the tables they give. The packages' matrix in every run and a
user's matrix in ``mcdm rank`` go through :func:`rank_decision_matrix` alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import DEFAULT_METHODS
from .ranking import Ranking, rank_matrix
from .recommend import Recommendation, recommend
from .results import ColumnDraws, DecisionMatrix
from .robustness import SmaaResult, smaa, stability_intervals
from .tables import round_floats
from .weights import WeightResult

__all__ = ["MatrixRanking", "rank_decision_matrix"]


@dataclass(frozen=True)
class MatrixRanking:
    """A decision matrix ranked by several methods, with SMAA rank acceptability and the weight
    stability intervals: what ``mcdm rank`` writes, and the heart of every :class:`Analysis`."""

    weights: WeightResult
    ranking: Ranking
    smaa: SmaaResult | None
    stability: pd.DataFrame
    recommendation: Recommendation

    def tables(self, label: str = "package_id") -> dict[str, pd.DataFrame]:
        """rankings, weights, stability, correlations and (with SMAA) acceptability, rounded
        so that files are stable across platforms; ``label`` names the alternatives' column."""
        rank = self.ranking.frame().reset_index().rename(columns={"id": label})
        used = self.ranking.matrix.criteria
        out = {
            "rankings": round_floats(rank),
            "weights": round_floats(
                pd.DataFrame(
                    {
                        "criterion": self.weights.criteria,
                        "weight": self.weights.weights,
                        "used": [c in used for c in self.weights.criteria],
                    }
                )
            ),
            "stability": round_floats(self.stability.copy()),
            "correlations": round_floats(_tidy_correlations(self.ranking)),
        }
        if self.smaa is not None:
            out["acceptability"] = round_floats(self.smaa.frame(label).reset_index())
        return out


def rank_decision_matrix(
    matrix: DecisionMatrix,
    weights: WeightResult,
    methods: Sequence[str] = DEFAULT_METHODS,
    consensus: str = "borda",
    *,
    smaa_draws: int = 0,
    smaa_method: str = "TOPSIS",
    seed: int = 0,
    weight_band: float | None = None,
    value_draws: Callable[[DecisionMatrix, int], np.ndarray | ColumnDraws | None] | None = None,
    full: bool = True,
) -> MatrixRanking:
    """Rank any decision matrix: every method and the consensus, SMAA (with ``smaa_draws``)
    and the stability intervals of ``smaa_method``.

    Parameters
    ----------
    weights
        Weights over the matrix's criteria (see :func:`mcdm.ranking.resolve_weights`).
    smaa_draws, seed, weight_band
        SMAA draws (0: none), their seed, and the band of weights around ``weights`` (None:
        weights uniform on the simplex).
    value_draws
        Given the matrix as ranked (criteria that do not vary are left out) and the number of
        draws, uncertain values for each draw (see :func:`mcdm.robustness.smaa`), or None.
    full
        False: only what the recommendation needs (no SMAA confidence factors, an empty
        stability table), for a ranking made again only to see what it recommends.
    """
    ranking = rank_matrix(matrix, weights.as_dict(), methods, consensus)
    used = ranking.matrix
    smaa_res = None
    if smaa_draws > 0:
        smaa_res = smaa(
            used,
            ranking.weights,
            method=smaa_method,
            draws=smaa_draws,
            seed=seed,
            weight_band=weight_band,
            value_draws=value_draws(used, smaa_draws) if value_draws is not None else None,
            with_confidence=full,
        )
    rec = recommend(ranking, smaa_res)
    stability = (
        stability_intervals(used, ranking.weights, smaa_method, target=rec.package_id)
        if full
        else pd.DataFrame()
    )
    return MatrixRanking(weights, ranking, smaa_res, stability, rec)


def _tidy_correlations(ranking: Ranking) -> pd.DataFrame:
    """Each pair of methods and how alike their rankings are (the correlations table)."""
    rows = []
    if ranking.correlations:
        ws = ranking.correlations["weighted_spearman"]
        rs = ranking.correlations["rank_similarity"]
        for a in ws.index:
            for b in ws.columns:
                if a != b:
                    rows.append(
                        {
                            "method_a": a,
                            "method_b": b,
                            "weighted_spearman": float(ws.loc[a, b]),
                            "rank_similarity": float(rs.loc[a, b]),
                        }
                    )
    return pd.DataFrame(
        rows, columns=["method_a", "method_b", "weighted_spearman", "rank_similarity"]
    )
