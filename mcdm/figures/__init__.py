"""Chart builders for the app and the briefing: pure functions, no Streamlit (the tables the
pages show are in :mod:`mcdm.views`).

One module a page: :mod:`.tradeoffs`, :mod:`.contributions`, :mod:`.ranking`,
:mod:`.robustness` and :mod:`.why`; what they share is in :mod:`.style`.

Every chart has axis titles with units and uses the Okabe-Ito palette, which stays distinct
for the common forms of colour blindness; heat maps use the perceptually uniform "cividis".

Plotly reads a subset of HTML in every label (``<a href>``, ``<b>``, ``<br>``...): user text in a
chart (names, ids) goes through :func:`.style.safe_text`, so that it shows as the characters it
holds.
"""

from .contributions import burden_chart, contributions_chart
from .ranking import correlation_heatmap, ranks_heatmap
from .robustness import acceptability_chart, core_chart, stability_chart
from .style import ARCHETYPE_COLOURS, OKABE_ITO
from .tradeoffs import (
    MEASURE_UNITS,
    frontier_chart,
    marginal_cost_chart,
    marginal_measures,
    parallel_chart,
)
from .why import gaia_chart, promethee_one_chart, why_chart

__all__ = [
    "ARCHETYPE_COLOURS",
    "MEASURE_UNITS",
    "OKABE_ITO",
    "acceptability_chart",
    "burden_chart",
    "contributions_chart",
    "core_chart",
    "correlation_heatmap",
    "frontier_chart",
    "gaia_chart",
    "marginal_cost_chart",
    "marginal_measures",
    "parallel_chart",
    "promethee_one_chart",
    "ranks_heatmap",
    "stability_chart",
    "why_chart",
]
