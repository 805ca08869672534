"""Packages: every package with its criteria; one package's allocation; two side by side."""

import streamlit as st

from app_pages.common import context
from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA
from mcdm.session import consensus_by_package
from mcdm.views import allocation_matrix, member_table, packages_table, price_lines, side_by_side

ctx = context()
st.title("Packages")
st.caption(
    "One row a package, units in the headers. 'dominated': another package is at "
    "least as good on every criterion and better on one. Status 'feasible at limit': "
    "the solver stopped at its time limit with this package in hand."
)
st.dataframe(
    packages_table(ctx.instance, ctx.pset, consensus_by_package(ctx.analysis)),
    hide_index=True,
    width="stretch",
    column_config={
        c.header: st.column_config.NumberColumn(c.header, help=c.help, format="%.1f")
        for c in CRITERIA
    },
)

ids = ctx.package_ids
if not ids:
    st.stop()
chosen = st.selectbox("Show the allocation of", ids, index=ctx.top_index, key="package_pick")
pkg = ctx.pset.get(chosen)
st.subheader(f"{escape_markdown(chosen)}: who sends what")
st.dataframe(allocation_matrix(ctx.instance, pkg), width="stretch")
st.dataframe(
    member_table(ctx.instance, pkg),
    hide_index=True,
    width="stretch",
    column_config={
        "Cost (EUR m/yr)": st.column_config.NumberColumn(format="%.1f"),
        "Cost share (%)": st.column_config.NumberColumn(format="%.1f"),
        "GDP share (%)": st.column_config.NumberColumn(format="%.1f"),
    },
)
st.markdown(
    "**Constraints that bind** (no further unit fits): "
    + ("; ".join(escape_markdown(b) for b in pkg.binding) if pkg.binding else "none")
)
if pkg.note:
    st.caption(escape_markdown(pkg.note))

prices = price_lines(ctx.pset, pkg.archetype)
if prices:
    with st.expander("What each constraint costs this kind of package (at the scenario budget)"):
        for line in prices:
            st.markdown(line)

st.subheader("Compare two packages")
left, right = st.columns(2)
a = left.selectbox("First", ids, index=ctx.top_index, key="cmp_a")
b = right.selectbox("Second", ids, index=min(len(ids) - 1, ctx.top_index + 1), key="cmp_b")
st.dataframe(side_by_side(ctx.pset.get(a), ctx.pset.get(b)), hide_index=True, width="stretch")
