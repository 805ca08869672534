"""Ranking: ranks by method, the consensus, and how far the methods agree."""

import streamlit as st

from app_pages.common import analysis, context
from mcdm.cells import escape_markdown
from mcdm.describe import method_label
from mcdm.figures import correlation_heatmap, ranks_heatmap
from mcdm.views import method_notes, weights_caption

ctx = context()
st.title("Ranking")
r = analysis(ctx).ranking
st.caption(weights_caption(r))
frame = r.frame()
st.plotly_chart(ranks_heatmap(frame), width="stretch")
names = {p.package_id: p.label for p in ctx.pset.packages}
table = frame.sort_values("consensus_rank", kind="stable").rename(
    columns={m: method_label(m) for m in r.results} | {"consensus_rank": "Consensus rank"}
)
table.insert(0, "Package", [names.get(i, i) for i in table.index])
st.dataframe(table.rename_axis("Id"), width="stretch")
if r.correlations:
    st.caption(
        "How far the methods agree, pair by pair (1: the same order). Weighted Spearman "
        "correlation counts disagreements near the top more; rank similarity (the WS "
        "coefficient) does so more strongly still."
    )
    left, right = st.columns(2)
    left.plotly_chart(
        correlation_heatmap(r.correlations["weighted_spearman"], "weighted Spearman correlation"),
        width="stretch",
    )
    right.plotly_chart(
        correlation_heatmap(r.correlations["rank_similarity"], "rank similarity"),
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
