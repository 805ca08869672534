"""Robustness of the recommended package: rank acceptability, confidence, weight stability,
core index, rank reversal. Every statement here is about ``analysis.top``."""

import numpy as np
import streamlit as st

from app_pages.common import analysis, context, with_backstop, with_reversal
from mcdm.backstop_range import names_of
from mcdm.cells import escape_markdown
from mcdm.figures import acceptability_chart, core_chart, stability_chart
from mcdm.headline import package_name, recommendation_sentence
from mcdm.views import confidence_table, smaa_caption
from mcdm.why import contenders_table, stability_lines

ctx = context()
st.title("Robustness")
a = analysis(ctx)
packages = ctx.pset.by_id
rec = a.recommendation
st.markdown(f"**{escape_markdown(recommendation_sentence(rec, packages))}**")
st.caption(
    f"Every statement on this page is about the recommended package, "
    f"{escape_markdown(package_name(packages[a.top]))}."
)
if not rec.clear:
    st.warning(
        "Too close to call: these packages are in the running. Choose between them on what "
        "the figures below mean to you, not on the ranking alone."
    )
    table = contenders_table(rec, packages)
    share = table.columns[1]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={share: st.column_config.NumberColumn(share, format="percent")},
    )
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
method = ctx.instance.scenario.robustness.method
result = a.ranking.results.get(method)
first_now = (
    a.ranking.matrix.alternatives[int(np.argmin(result.ranks))] if result is not None else None
)
st.plotly_chart(stability_chart(a.stability), width="stretch")
for line in stability_lines(a.stability, method, packages, first_now):
    st.caption(escape_markdown(line))
backstop = with_backstop(ctx).backstop
if backstop is not None:
    st.markdown(escape_markdown(backstop.statement(names_of(ctx.pset))))
    st.caption(
        "The US backstop's effect on deterrence is a judgement with a sourced range "
        "(parameters.toml): the packages ranked again with the same methods and weights, with "
        "the multiplier at each end of its range."
    )
st.plotly_chart(core_chart(a.core), width="stretch")
st.caption(
    "Core index: the share of weight draws in which a member or element is part of the package "
    "that comes first in that draw, whichever it is. Core: in every draw; borderline: in some."
)
if st.button("Check rank reversal (re-ranks once per package)", key="reversal"):
    # the rank_reversal.csv of `mcdm run`: the same analysis, with the check
    st.dataframe(with_reversal(ctx).reversal, hide_index=True, width="stretch")
