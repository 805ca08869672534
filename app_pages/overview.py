"""Overview: the top package in plain words, how robust it is, and what the last change did."""

import streamlit as st

from app_pages.common import context, kept_solves_note, priced
from mcdm.briefing import describe_top
from mcdm.cells import escape_markdown
from mcdm.resilience_price import price_of_resilience
from mcdm.views import archetype_table, left_out_lines, scenario_caption
from mcdm.why import why_it_wins

ctx = context()
st.title("Security-guarantee packages for Ukraine")
st.caption(scenario_caption(ctx.instance, ctx.pset))

for line in ctx.changes:
    st.info(line)
kept_solves_note(ctx)

if ctx.error:
    st.warning(ctx.error)
elif ctx.analysis is None:
    st.warning(
        "Fewer than two packages could be built, so there is nothing to rank. See the "
        "explanations below and on the Packages page."
    )
else:
    st.subheader(f"Top package: {escape_markdown(ctx.analysis.top)}")
    for line in describe_top(ctx.instance, ctx.pset, ctx.analysis):
        st.markdown(line)
    why = why_it_wins(
        ctx.analysis, ctx.pset.by_id, ctx.instance.scenario.robustness.method, limit=2
    )
    st.markdown(f"Why it wins: {escape_markdown(why)} (details on the Why it wins page)")
    for msg in ctx.analysis.weights.warnings:
        st.warning(escape_markdown(msg))
    for line in left_out_lines(ctx.analysis):
        st.caption(line)

st.subheader("Kinds of package")
st.dataframe(archetype_table(ctx.pset), hide_index=True, width="stretch")
resilient = ctx.instance.scenario.resilience.withdrawals > 0  # its price: a constraint price
for price in price_of_resilience(ctx.instance, priced(ctx) if resilient else ctx.pset):
    st.markdown(f"**Resilience.** {escape_markdown(price.sentence)}")
for o in ctx.pset.infeasible:
    st.error(escape_markdown(o.message))
