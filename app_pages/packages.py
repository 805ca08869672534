"""Packages: every package with its criteria; one package's allocation; two side by side."""

import streamlit as st

from app_pages.common import context, priced, table
from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA
from mcdm.describe import pledge_line
from mcdm.session import consensus_by_package
from mcdm.views import (
    allocation_matrix,
    member_table,
    package_names,
    packages_table,
    price_lines,
    side_by_side,
    withdrawal_line,
)

ctx = context()
st.title("Packages")
st.caption(
    "One row a package, units in the headers. 'dominated': another package is at "
    "least as good on every criterion and better on one. Status 'feasible at limit': "
    "the solver stopped at its limit with this package in hand. Consensus rank: the "
    "package's place when the ranking methods are combined (1 = first). One-off cost: the "
    "set-up and entry of the units, spent once; cost over the horizon: the one-off cost and "
    f"every year's cost, discounted at {100 * ctx.instance.scenario.discount_rate:.1f}% a "
    "year (present value). Requirements hold: "
    "the chance that the kind of package's requirements still hold when each member's "
    "contribution comes with its chance (its stated position, or a known condition such as a "
    "parliament's vote); expected and 10th-percentile primary measure and troops over the "
    "same outcomes."
)
table(
    packages_table(ctx.instance, ctx.pset, consensus_by_package(ctx.analysis)),
    helps={c.header: c.help for c in CRITERIA},
)

ids = ctx.package_ids
if not ids:
    st.stop()
names = package_names(ctx.pset)
chosen = st.selectbox(
    "Show the allocation of", ids, index=ctx.top_index, format_func=names.get, key="package_pick"
)
pkg = ctx.pset.get(chosen)
st.subheader(f"{escape_markdown(names[chosen])}: who sends what")
st.caption("Units of each element that each member sends.")
table(allocation_matrix(ctx.instance, pkg), hide_index=False)
table(
    member_table(ctx.instance, pkg),
    helps={
        "GDP share (%)": "Share of the GDP of the members in the burden-sharing base (a "
        "dash: outside it, such as a backstop).",
        "Chance it comes (%)": "The chance that the member's contribution materialises: "
        "by its stated position, a known condition (a parliament's vote) or the scenario's "
        "[pledges] value.",
    },
)
if pkg.pledges is not None:
    st.markdown(pledge_line(ctx.instance, pkg))
st.markdown(
    "**Constraints that bind** (no further unit fits): "
    + ("; ".join(escape_markdown(b) for b in pkg.binding) if pkg.binding else "none")
)
st.markdown(f"**If a member withdraws:** {escape_markdown(withdrawal_line(ctx.instance, pkg))}")
if pkg.note:
    st.caption(escape_markdown(pkg.note))

if st.toggle(
    "What each constraint costs this kind of package (at the scenario budget)",
    key="show_prices",
    help="Re-solves this kind of package without each constraint in turn: a few seconds the "
    "first time, kept after that.",
):
    lines = price_lines(priced(ctx, pkg.archetype), pkg.archetype)
    for line in lines or ["- No constraint of this kind of package can be priced."]:
        st.markdown(line)

st.subheader("Compare two packages")
left, right = st.columns(2)
a = left.selectbox("First", ids, index=ctx.top_index, format_func=names.get, key="cmp_a")
b = right.selectbox(
    "Second",
    ids,
    index=min(len(ids) - 1, ctx.top_index + 1),
    format_func=names.get,
    key="cmp_b",
)
st.caption(
    f"First: {escape_markdown(names[a])} ({escape_markdown(a)}). Second: "
    f"{escape_markdown(names[b])} ({escape_markdown(b)}). Difference: second minus first."
)
table(side_by_side(ctx.pset.get(a), ctx.pset.get(b)))
