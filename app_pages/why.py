"""Why it wins: a package's score by criterion against its reference (the runner-up for the
recommended package, the recommended package for any other), PROMETHEE I and the GAIA plane."""

import hashlib

import numpy as np
import streamlit as st

from app_pages.common import analysis, context
from mcdm.cells import escape_markdown
from mcdm.figures import gaia_chart, promethee_one_chart, why_chart
from mcdm.headline import package_name, recommendation_sentence
from mcdm.limits import promethee_problem
from mcdm.why import (
    gaia,
    promethee_flows,
    promethee_one,
    promethee_one_sentence,
    promethee_one_table,
    reference_for,
    score_breakdown,
    why_it_wins,
)

ctx = context()
st.title("Why it wins")
a = analysis(ctx)
packages = ctx.pset.by_id
rec = a.recommendation
matrix, weights = a.ranking.matrix, a.ranking.weights
st.markdown(f"**{escape_markdown(recommendation_sentence(rec, packages))}**")

ids = list(matrix.alternatives)
by_consensus = [ids[i] for i in np.argsort(a.ranking.consensus, kind="stable")]
options = [rec.package_id] + [p for p in by_consensus if p != rec.package_id]
in_use = ctx.instance.scenario.robustness.method
methods = [in_use] + [m for m in a.ranking.results if m != in_use]
# the keys follow the options: a new set of packages starts from the recommended one
digest = hashlib.sha256("|".join(options + methods).encode()).hexdigest()[:10]
left, right = st.columns([3, 1])
chosen = left.selectbox(
    "Package",
    options,
    format_func=lambda pid: (
        package_name(packages[pid]) + (" (recommended)" if pid == rec.package_id else "")
    ),
    key=f"why_package:{digest}",
)
method = right.selectbox(
    "Method",
    methods,
    format_func=lambda m: f"{m} (robustness method)" if m == in_use else m,
    key=f"why_method:{digest}",
    help="The robustness method is the one the weight draws and the stability intervals use.",
)
other, _ = reference_for(rec, chosen)
st.markdown(escape_markdown(why_it_wins(a, packages, method, chosen)))
breakdown = score_breakdown(matrix, weights, method, chosen, other)
st.plotly_chart(why_chart(breakdown), width="stretch")
st.caption(escape_markdown(f"{method}: {breakdown.reading}."))
st.dataframe(
    breakdown.frame(),
    hide_index=True,
    width="stretch",
    column_config={
        c: st.column_config.NumberColumn(c, format="%+.3f" if c == "Difference" else "%.3f")
        for c in breakdown.frame().columns
        if c != "Criterion"
    },
)

st.subheader("PROMETHEE I: a partial ranking")
if why := promethee_problem(*matrix.shape):
    st.info(escape_markdown(why))
    st.stop()
flows = promethee_flows(matrix, weights)
relation = promethee_one(flows)
st.markdown(escape_markdown(promethee_one_sentence(flows, relation, chosen, packages)))
st.caption(
    "PROMETHEE I keeps both flows apart: a package outranks another only if it is at least as "
    "good on both the leaving flow (how much it beats the others) and the entering flow (how "
    "much the others beat it). PROMETHEE II ranks by their difference, the net flow, and so "
    "always gives a complete order."
)
st.plotly_chart(promethee_one_chart(flows, highlight=chosen), width="stretch")
st.dataframe(promethee_one_table(flows, relation), hide_index=True, width="stretch")

st.subheader("GAIA plane")
plane = gaia(flows, weights)
st.plotly_chart(
    gaia_chart(plane, flows, highlight=[p for p in (chosen, other) if p]), width="stretch"
)
st.caption(
    f"The packages' net flows per criterion seen from their two main directions, which hold "
    f"{plane.delta:.0%} of their spread. Criteria pointing the same way agree, opposite ones "
    "conflict; the thick black line (the decision stick) points where your weights pull, so "
    "packages far along it do well at these weights; the less of it lies in the plane, the "
    "less the plane tells about the ranking."
    + (" Below about 70%, read the plane with care." if plane.delta < 0.7 else "")
)
