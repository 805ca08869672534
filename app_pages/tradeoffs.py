"""Trade-offs: the frontier, every criterion at once, the marginal cost along each frontier."""

import streamlit as st

from app_pages.common import context
from mcdm.figures import frontier_chart, marginal_cost_chart, marginal_measures, parallel_chart
from mcdm.views import frontier_measures

ctx = context()
st.title("Trade-offs")
measures = frontier_measures()
y = st.selectbox("Against cost, show", list(measures), format_func=measures.get, key="frontier_y")
top = ctx.analysis.top if ctx.analysis is not None else None
st.plotly_chart(frontier_chart(ctx.instance, ctx.pset, highlight=top, y=y), width="stretch")
st.caption(
    "Each line is one kind of package's frontier: the best it can do at each budget. "
    "Hover for details; the top package has a black ring."
)

st.subheader("Every criterion of every package")
st.caption(
    "One line a package, coloured by its kind; each axis is a criterion in its own unit. "
    "Drag along an axis to pick out the packages within a range."
)
st.plotly_chart(parallel_chart(ctx.instance, ctx.pset), width="stretch")

st.subheader("Marginal cost along each frontier")
st.caption(
    "What one more unit of a kind of package's primary measure costs as the package grows: "
    "where the curve climbs steeply, more money buys little. One chart a measure, so that "
    "each has one unit."
)
marginal = marginal_measures(ctx.instance, ctx.pset)
if not marginal:
    st.info("No frontier has two packages far enough apart to show a marginal cost.")
else:
    tabs = st.tabs([f"Per extra {unit}" for unit in marginal.values()])
    for tab, measure in zip(tabs, marginal, strict=True):
        with tab:
            st.plotly_chart(marginal_cost_chart(ctx.instance, ctx.pset, measure), width="stretch")
