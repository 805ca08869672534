"""Why a package ranks where it does: scores broken down by criterion, PROMETHEE I and GAIA.

Pure numpy on a :class:`~mcdm.results.DecisionMatrix` and normalised weights (those the ranking
used, over the criteria it kept):

- :func:`contributions`: each alternative's score split by criterion, in the normalisation of
  the method in use, on the values that method sees (shifted where it divides by them, see
  :func:`mcdm.ranking.prepare_values`). Larger is better on every criterion (cost criteria are
  flipped), so "A wins on deterrence by +0.12" reads the same whatever the method. For the
  additive methods the parts add up to the method's own score: the net flow of PROMETHEE II,
  the WSM and MABAC scores, 1 minus the SPOTIS distance, 1 minus VIKOR's group utility S; for
  the others they are the additive reading of what the method compares (:data:`READINGS`).
- :func:`score_breakdown` and :func:`versus_sentence`: one package against another, criterion
  by criterion, and the sentence "it wins on deterrence (+0.12), loses on annual cost (-0.08)".
- :func:`promethee_flows`, :func:`promethee_one`: leaving, entering and per-criterion net flows
  with the V-shape preference function (p = each criterion's range, as the ranking uses), and
  PROMETHEE I's partial ranking: A outranks B only if it is at least as good on both flows.
- :func:`gaia`: the GAIA plane (Mareschal & Brans 1988): the alternatives' per-criterion net
  flows projected on their first two principal components, with the criteria's axes and the
  weight vector (the decision stick) in the same plane.
- :func:`stability_lines`, :func:`sensitivity_line`, :func:`contenders_table`: the statements
  about the recommended package's robustness, worded once for the app and the briefing.

Sentences are plain text: callers that render Markdown or HTML escape them. The modules:
:mod:`.breakdown` (scores by criterion, one package against another), :mod:`.promethee`
(PROMETHEE I and GAIA) and :mod:`.stability` (the robustness statements).
"""

from .breakdown import (
    ADDITIVE,
    LEVEL,
    READINGS,
    ScoreBreakdown,
    contributions,
    criterion_label,
    reference_for,
    score_breakdown,
    versus_sentence,
    why_it_wins,
)
from .promethee import (
    Gaia,
    PrometheeFlows,
    gaia,
    promethee_flows,
    promethee_one,
    promethee_one_sentence,
    promethee_one_table,
)
from .stability import contenders_table, sensitivity_line, stability_lines

__all__ = [
    "ADDITIVE",
    "LEVEL",
    "READINGS",
    "Gaia",
    "PrometheeFlows",
    "ScoreBreakdown",
    "contenders_table",
    "contributions",
    "criterion_label",
    "gaia",
    "promethee_flows",
    "promethee_one",
    "promethee_one_sentence",
    "promethee_one_table",
    "reference_for",
    "score_breakdown",
    "sensitivity_line",
    "stability_lines",
    "versus_sentence",
    "why_it_wins",
]
