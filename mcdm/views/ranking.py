"""The Ranking and Robustness pages' lines and tables: what the ranking left out, the weights
used, the methods' notes, how SMAA was run and the confidence factors."""

from __future__ import annotations

import pandas as pd

from ..cells import escape_markdown
from ..criteria import CRITERIA_BY_ID
from ..pipeline import Analysis
from ..ranking import Ranking
from ..robustness import SmaaResult

__all__ = [
    "CONFIDENCE_MEANING",
    "confidence_table",
    "left_out_lines",
    "method_notes",
    "smaa_caption",
    "weights_caption",
]


def left_out_lines(analysis: Analysis) -> list[str]:
    """Criteria and methods the ranking left out, and why (Markdown, escaped)."""
    r = analysis.ranking
    out = []
    if r.dropped:
        out.append(
            "Left out of the ranking: "
            + escape_markdown("; ".join(f"{c} ({why})" for c, why in r.dropped))
        )
    if r.failed:
        out.append(
            "Methods left out: " + escape_markdown("; ".join(f"{m}: {why}" for m, why in r.failed))
        )
    return out


def weights_caption(ranking: Ranking) -> str:
    """The Ranking page's line on the consensus and the weights used (Markdown, escaped)."""
    weights = ", ".join(
        f"{CRITERIA_BY_ID[c].label.lower() if c in CRITERIA_BY_ID else c} {w:.0%}"
        for c, w in zip(ranking.matrix.criteria, ranking.weights, strict=True)
    )
    return (
        f"Consensus: {ranking.consensus_rule} over {len(ranking.results)} methods. Weights "
        f"used: {escape_markdown(weights)}"
    )


def method_notes(analysis: Analysis) -> tuple[list[str], list[str]]:
    """The analysis's messages split in two: the general ones, and the notes on criteria that
    methods dividing by the values shift away from zero (shown apart, folded away)."""
    shifted = [m for m in analysis.messages if "shifted by" in m]
    return [m for m in analysis.messages if m not in shifted], shifted


#: What the confidence factor means, in one sentence (shown where the factor is).
CONFIDENCE_MEANING = (
    "Confidence factor: how often a package still comes first when the weights are its own "
    "central weights (the typical weights that put it first) and the costs vary within the "
    "cost uncertainty band; with cost uncertainty at 0% nothing varies, so it is 1.00."
)


def smaa_caption(smaa: SmaaResult) -> str:
    """How the rank acceptability was computed, in a line, and what the confidence factor
    means (:data:`CONFIDENCE_MEANING`)."""
    band = (
        "weights uniform over every weighting"
        if smaa.weight_band is None
        else f"weights within ±{smaa.weight_band:.0%} of yours"
    )
    return (
        f"SMAA-2 with {smaa.draws:,} draws of {band}, method {smaa.method}, seed {smaa.seed}. "
        + CONFIDENCE_MEANING
    )


def confidence_table(smaa: SmaaResult) -> pd.DataFrame:
    """The packages that come first in some draws: that share and their confidence factor."""
    frame = smaa.frame()
    conf = frame[frame["rank_1"] > 0][["rank_1", "confidence"]].sort_values(
        "rank_1", ascending=False
    )
    conf.columns = ["First in (share of draws)", "Confidence factor"]
    return conf
