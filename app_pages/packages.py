"""Packages: every package with its criteria; one package's allocation; two side by side."""

import pandas as pd
import streamlit as st

from app_pages.common import context
from mcdm.cells import escape_markdown
from mcdm.figures import allocation_matrix, member_table, packages_table
from mcdm.model import CRITERIA

ctx = context()
st.title("Packages")
consensus = None
if ctx.analysis is not None:
    consensus = dict(
        zip(
            ctx.analysis.ranking.matrix.alternatives,
            map(float, ctx.analysis.ranking.consensus),
            strict=True,
        )
    )
table = packages_table(ctx.instance, ctx.pset, consensus)
st.caption(
    "One row a package, units in the headers. 'dominated': another package is at "
    "least as good on every criterion and better on one. Status 'feasible at limit': "
    "the solver stopped at its time limit with this package in hand."
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        c.header: st.column_config.NumberColumn(c.header, help=c.help, format="%.1f")
        for c in CRITERIA
    },
)

ids = [p.package_id for p in ctx.pset.packages]
if not ids:
    st.stop()
default = ids.index(ctx.analysis.top) if ctx.analysis is not None else 0
chosen = st.selectbox("Show the allocation of", ids, index=default, key="package_pick")
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

prices = [c for c in ctx.pset.prices if c.archetype == pkg.archetype]
if prices:
    with st.expander("What each constraint costs this kind of package (at the scenario budget)"):
        for c in prices:
            st.markdown("- " + escape_markdown(c.message[:1].upper() + c.message[1:]))

st.subheader("Compare two packages")
left, right = st.columns(2)
a = left.selectbox("First", ids, index=default, key="cmp_a")
b = right.selectbox("Second", ids, index=min(len(ids) - 1, default + 1), key="cmp_b")
pa, pb = ctx.pset.get(a), ctx.pset.get(b)
side = pd.DataFrame(
    {
        "criterion": [c.header for c in CRITERIA],
        a: [pa.criteria[c.criterion_id] for c in CRITERIA],
        b: [pb.criteria[c.criterion_id] for c in CRITERIA],
    }
)
side["better"] = [
    a
    if (pa.criteria[c.criterion_id] - pb.criteria[c.criterion_id]) * c.direction.sign > 0
    else b
    if (pa.criteria[c.criterion_id] - pb.criteria[c.criterion_id]) * c.direction.sign < 0
    else "same"
    for c in CRITERIA
]
st.dataframe(side, hide_index=True, width="stretch")
