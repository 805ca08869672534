"""Robustness: rank acceptability, confidence, weight stability, core index, rank reversal."""

import streamlit as st

from app_pages.common import context
from mcdm.cells import escape_markdown
from mcdm.figures import acceptability_chart, core_chart, stability_chart
from mcdm.robustness import rank_reversal

ctx = context()
st.title("Robustness")
a = ctx.analysis
if a is None:
    st.warning(ctx.error or "Nothing to rank.")
    st.stop()
if a.smaa is not None:
    band = (
        "weights uniform over every weighting"
        if a.smaa.weight_band is None
        else f"weights within ±{a.smaa.weight_band:.0%} of yours"
    )
    st.caption(
        f"SMAA-2 with {a.smaa.draws:,} draws of {band}, method {a.smaa.method}, seed {a.smaa.seed}."
    )
    frame = a.smaa.frame()
    st.plotly_chart(acceptability_chart(frame), width="stretch")
    conf = frame[frame["rank_1"] > 0][["rank_1", "confidence"]].sort_values(
        "rank_1", ascending=False
    )
    conf.columns = ["First in (share of draws)", "Confidence factor"]
    st.dataframe(
        conf,
        width="stretch",
        column_config={
            c: st.column_config.ProgressColumn(c, min_value=0, max_value=1, format="%.2f")
            for c in conf.columns
        },
    )
else:
    st.info("SMAA is off (0 draws); set draws in the sidebar.")
st.plotly_chart(stability_chart(a.stability), width="stretch")
st.caption(
    f"For each criterion: the range of its weight (the others rescaled in proportion) "
    f"over which {escape_markdown(a.top)} stays on top; the diamond is the current weight."
)
st.plotly_chart(core_chart(a.core), width="stretch")
st.caption("Core: in the top package whatever the weights. Borderline: depends on them.")
if st.button("Check rank reversal (re-ranks once per package)", key="reversal"):
    table = rank_reversal(
        a.ranking.matrix, a.ranking.weights, tuple(a.ranking.results), a.ranking.consensus_rule
    )
    st.dataframe(table, hide_index=True, width="stretch")
