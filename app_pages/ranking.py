"""Ranking: ranks by method, the consensus, and how far the methods agree."""

import streamlit as st

from app_pages.common import context
from mcdm.cells import escape_markdown
from mcdm.figures import correlation_heatmap, ranks_heatmap
from mcdm.views import method_notes, weights_caption

ctx = context()
st.title("Ranking")
if ctx.analysis is None:
    st.warning(ctx.error or "Nothing to rank.")
    st.stop()
r = ctx.analysis.ranking
st.caption(weights_caption(r))
frame = r.frame()
st.plotly_chart(ranks_heatmap(frame), width="stretch")
st.dataframe(frame.sort_values("consensus_rank"), width="stretch")
if r.correlations:
    left, right = st.columns(2)
    left.plotly_chart(
        correlation_heatmap(r.correlations["weighted_spearman"], "weighted Spearman r_w"),
        width="stretch",
    )
    right.plotly_chart(
        correlation_heatmap(r.correlations["rank_similarity"], "rank similarity WS"),
        width="stretch",
    )
general, shifted = method_notes(ctx.analysis)
for msg in general:
    st.caption(escape_markdown(msg))
if shifted:
    with st.expander("Method notes"):
        st.caption(
            "Some methods (WASPAS, COPRAS, WSM, CODAS and others) divide by the values, so a "
            "criterion holding zeros (no troops exposed, no political risk) is shifted up by "
            "a tenth of its range for them; differences between packages are unchanged "
            "(data/MODEL.md)."
        )
        for msg in shifted:
            st.caption(escape_markdown(msg))
