"""Robustness: rank acceptability, confidence, weight stability, core index, rank reversal."""

import streamlit as st

from app_pages.common import context, with_reversal
from mcdm.cells import escape_markdown
from mcdm.figures import acceptability_chart, core_chart, stability_chart
from mcdm.views import confidence_table, smaa_caption

ctx = context()
st.title("Robustness")
a = ctx.analysis
if a is None:
    st.warning(ctx.error or "Nothing to rank.")
    st.stop()
if a.smaa is not None:
    st.caption(smaa_caption(a.smaa))
    st.plotly_chart(acceptability_chart(a.smaa.frame()), width="stretch")
    conf = confidence_table(a.smaa)
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
    # the rank_reversal.csv of `mcdm run`: the same analysis, with the check
    st.dataframe(with_reversal(ctx).reversal, hide_index=True, width="stretch")
