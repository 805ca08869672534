"""Overview: the top package in plain words, how robust it is, and what the last change did."""

import streamlit as st

from app_pages.common import context
from mcdm.briefing import describe_top
from mcdm.cells import escape_markdown
from mcdm.packages import format_eur_bn

ctx = context()
s = ctx.instance.scenario
st.title("Security-guarantee packages for Ukraine")
st.caption(
    f"Scenario **{escape_markdown(s.name)}** · budget EUR {s.budget_eur_bn:g} bn a year · rotation "
    f"{s.rotation_factor:g} · line {s.line_length_km:,.0f} km · US backstop "
    f"{s.us_backstop} · {len(ctx.instance.data.members)} members · "
    f"{len(ctx.pset.packages)} packages"
)

for line in ctx.changes:
    st.info(line)

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
    for msg in ctx.analysis.weights.warnings:
        st.warning(escape_markdown(msg))
    if ctx.analysis.ranking.dropped:
        st.caption(
            "Left out of the ranking: "
            + escape_markdown("; ".join(f"{c} ({why})" for c, why in ctx.analysis.ranking.dropped))
        )
    if ctx.analysis.ranking.failed:
        st.caption(
            "Methods left out: "
            + escape_markdown("; ".join(f"{m}: {why}" for m, why in ctx.analysis.ranking.failed))
        )

st.subheader("Kinds of package")
rows = []
for o in ctx.pset.outcomes:
    pkgs = [p for p in ctx.pset.packages if p.archetype == o.archetype]
    frontier = [p for p in pkgs if p.kind.value == "frontier"]
    best = frontier[-1] if frontier else None  # the best package at the scenario budget
    rows.append(
        {
            "Kind of package": o.name,
            "Status": "possible" if o.status.has_solution else o.status.value,
            "Packages": len(pkgs),
            "Cheapest (EUR bn/yr)": o.min_cost_eur_bn,
            "Best at the budget": best.package_id if best else "",
            "Its cost": format_eur_bn(best.annual_cost_eur_bn) if best else "",
            "Its troops": best.troops_deployed if best else None,
        }
    )
st.dataframe(rows, hide_index=True, width="stretch")
for o in ctx.pset.infeasible:
    st.error(escape_markdown(o.message))
