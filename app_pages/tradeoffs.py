"""Trade-offs: the frontier, every criterion at once, the marginal cost along each frontier."""

import streamlit as st

from app_pages.common import context
from mcdm.figures import frontier_chart, marginal_cost_chart, parallel_chart
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
st.plotly_chart(parallel_chart(ctx.instance, ctx.pset), width="stretch")
st.plotly_chart(marginal_cost_chart(ctx.instance, ctx.pset), width="stretch")
st.caption(
    "How much each extra unit of a package's primary measure costs as it grows: where "
    "the curve climbs steeply, more money buys little."
)
