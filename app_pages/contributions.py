"""Contributions: who gives what, cost share against GDP share, how close members are to caps."""

import streamlit as st

from app_pages.common import context, table
from mcdm.figures import burden_chart, contributions_chart
from mcdm.views import caps_table, package_names

ctx = context()
st.title("Contributions")
ids = ctx.package_ids
if not ids:
    st.warning("No package to show.")
    st.stop()
names = package_names(ctx.pset)
chosen = st.selectbox(
    "Package", ids, index=ctx.top_index, format_func=names.get, key="contrib_pick"
)
pkg = ctx.pset.get(chosen)
measure = st.radio(
    "Show",
    ["cost_eur_m", "troops"],
    horizontal=True,
    format_func={"cost_eur_m": "Annual cost", "troops": "Troops"}.get,
    key="contrib_measure",
)
st.plotly_chart(contributions_chart(ctx.instance, pkg, measure), width="stretch")
st.plotly_chart(burden_chart(ctx.instance, pkg), width="stretch")
st.caption(
    f"Burden-sharing gap of this package: {pkg.criteria['burden_gap_pct']:.1f}% (half "
    "the sum of gaps between cost shares and GDP shares; 0 = in line with GDP)."
)
st.subheader("How close each member is to its caps")
st.caption("A dash: the member has no such cap (or a cap of zero).")
table(
    caps_table(ctx.instance, pkg),
    **{
        c: st.column_config.ProgressColumn(c, min_value=0, max_value=100, format="%.0f%%")
        for c in ("Troops (% of deployable cap)", "Money (% of annual cap)")
    },
)
