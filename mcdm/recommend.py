"""The recommended package: defined once, and every statement about robustness is about it.

The rule (data/MODEL.md, "The recommended package"):

1. With rank acceptability (SMAA draws > 0), the recommended package is the one ranked first
   in the most weight draws (its first-rank acceptability, a1); ties go to the better
   consensus rank, then to the package id. The verdict is ``clear`` if its a1 leads every other
   package's by at least :data:`MARGIN` (10 points); otherwise ``too_close``, and the
   contenders are every package whose a1 is within the margin of the recommended one's.
2. Without SMAA (0 draws), the recommended package is the consensus top (Borda or Copeland over
   the methods); ``clear`` if a majority of the methods put it first, otherwise ``too_close``
   with the packages that some method puts first as the contenders.

In both cases the runner-up is the best of the other packages by the same measure; "why it
wins" compares the recommended package with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .ranking import Ranking
from .robustness import SmaaResult

__all__ = ["MARGIN", "Contender", "Recommendation", "recommend"]

#: How far (in first-rank acceptability) the recommended package must lead every other one for
#: the verdict to be "clear".
MARGIN = 0.10


@dataclass(frozen=True)
class Contender:
    """A package in the running: its share of first places and how many methods put it first."""

    package_id: str
    first_share: float
    methods_first: int
    consensus_rank: float


@dataclass(frozen=True)
class Recommendation:
    """The recommended package, how clear the choice is, and who else is in the running."""

    package_id: str
    verdict: Literal["clear", "too_close"]
    basis: Literal["smaa", "methods"]
    contenders: tuple[Contender, ...]  # the recommended package first
    runner_up: str | None
    methods: int  # methods ranked
    draws: int  # SMAA draws (0 without SMAA)
    runner_up_share: float = 0.0  # the runner-up's first-rank share (or share of methods)

    @property
    def clear(self) -> bool:
        return self.verdict == "clear"

    def share(self, package_id: str) -> float:
        return next((c.first_share for c in self.contenders if c.package_id == package_id), 0.0)


def recommend(ranking: Ranking, smaa: SmaaResult | None) -> Recommendation:
    """Apply the rule of this module's docstring to a ranking and its rank acceptability."""
    ids = list(ranking.matrix.alternatives)
    consensus = np.asarray(ranking.consensus, dtype=float)
    firsts = np.zeros(len(ids), dtype=int)
    for res in ranking.results.values():
        firsts[np.asarray(res.ranks) == np.min(res.ranks)] += 1
    methods = len(ranking.results)
    if smaa is not None:
        pos = {a: i for i, a in enumerate(smaa.alternatives)}
        share = np.array([float(smaa.first[pos[a]]) for a in ids])
        basis: Literal["smaa", "methods"] = "smaa"
        draws = smaa.draws
    else:
        share = firsts / max(methods, 1)
        basis = "methods"
        draws = 0
    # best first: the larger share, then the better consensus rank, then the id
    if basis == "smaa":
        order = sorted(range(len(ids)), key=lambda i: (-share[i], consensus[i], ids[i]))
    else:
        order = sorted(range(len(ids)), key=lambda i: (consensus[i], -share[i], ids[i]))
    top = order[0]
    if basis == "smaa":
        # (a hair's tolerance: a lead of exactly the margin, in shares of draws, is clear)
        close = [i for i in order if share[i] > 0 and share[top] - share[i] < MARGIN - 1e-9]
        verdict: Literal["clear", "too_close"] = "clear" if close == [top] else "too_close"
    else:
        close = [top] + [i for i in order[1:] if firsts[i] > 0]
        verdict = "clear" if firsts[top] * 2 > methods else "too_close"
        if verdict == "clear":
            close = [top]
    contenders = tuple(
        Contender(ids[i], float(share[i]), int(firsts[i]), float(consensus[i])) for i in close
    )
    return Recommendation(
        package_id=ids[top],
        verdict=verdict,
        basis=basis,
        contenders=contenders,
        runner_up=ids[order[1]] if len(order) > 1 else None,
        methods=methods,
        draws=draws,
        runner_up_share=float(share[order[1]]) if len(order) > 1 else 0.0,
    )
