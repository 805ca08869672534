"""Stakeholders: weight profiles side by side, each one's first choice, the package of least
worst-case regret and those acceptable to all; editing a weight re-ranks without a new solve."""

import pandas as pd
import streamlit as st

from app_pages.common import analysis, context, problem_lines, safe_file_stem, show_error
from mcdm.cells import escape_markdown
from mcdm.errors import InputError, McdmError
from mcdm.io.scenario import dump_scenario_toml
from mcdm.limits import MAX_WEIGHT
from mcdm.session import (
    add_profile,
    compare_in_context,
    profile_rows,
    profiles_from_rows,
    profiles_key,
    scenario_file_header,
)
from mcdm.stakeholders import (
    DEFAULT_TOP_K,
    agreement_table,
    people_table,
    scenario_profiles,
    summary_lines,
    with_profiles,
)

ctx = context()
st.title("Stakeholders")
analysis(ctx)  # stops the page without one
scenario = ctx.export_scenario
k = profiles_key(scenario)
store = st.session_state.setdefault("stakeholder_profiles", {})  # this session's edits
profiles = store.get(k, scenario_profiles(scenario))
current = ctx.analysis.weights.as_dict()  # the weights the other pages rank with

if not profiles:
    st.info(
        "This scenario has no stakeholder profiles. A profile is one capital's weights on the "
        "criteria; with two or more, this page shows where they agree, which package no one "
        "ranks far down, and which every one has near the top. Start with a copy of the "
        "current weights, then add profiles and change their weights."
    )
    if st.button("Start from the current weights", key=f"stakeholders_start:{k}", type="primary"):
        store[k] = add_profile((), current)
        st.rerun()
    st.stop()

st.caption(
    "Each column is one stakeholder's weights (any numbers of 0 or more; only their ratios "
    "count). Change a number and the packages are ranked again with the same methods; nothing "
    "is solved again. A profile given as AHP comparisons shows the weights they give (in %)."
)
rows = profile_rows(profiles, scenario)
number = st.column_config.NumberColumn
edited = st.data_editor(
    pd.DataFrame(rows),
    key=f"stakeholder_weights:{profiles_key(with_profiles(scenario, profiles))}",
    hide_index=True,
    disabled=["criterion", "Criterion"],
    column_config={
        "criterion": None,
        **{p.name: number(p.title, min_value=0.0, max_value=MAX_WEIGHT) for p in profiles},
    },
    width="stretch",
)
try:
    profiles = profiles_from_rows(edited.to_dict("records"), profiles, scenario)
except InputError as exc:
    st.error("The weights were not changed:\n" + "\n".join(problem_lines(exc.problems)))

left, right = st.columns(2)
if left.button("Add a profile (a copy of the current weights)", key=f"stakeholders_add:{k}"):
    try:
        store[k] = add_profile(profiles, current)
        st.rerun()
    except InputError as exc:
        st.error("\n".join(problem_lines(exc.problems)))
if k in store and right.button("Back to the scenario's profiles", key=f"stakeholders_reset:{k}"):
    store.pop(k)
    st.rerun()

top_k = st.number_input(
    "Acceptable to all: in every stakeholder's top",
    min_value=1,
    max_value=max(1, len(ctx.pset.packages)),
    value=min(DEFAULT_TOP_K, len(ctx.pset.packages)),
    key=f"stakeholders_k:{k}",
)
try:
    comparison = compare_in_context(ctx, profiles, int(top_k))
except McdmError as exc:
    show_error("The profiles could not be compared", exc)
    st.stop()

st.subheader("Where they agree and where they differ")
for line in summary_lines(comparison):
    st.markdown(escape_markdown(line))
for msg in comparison.warnings():
    st.warning(escape_markdown(msg))
if len(profiles) > 1:
    st.dataframe(agreement_table(comparison), width="stretch")
    st.caption(
        "How alike two stakeholders' orders of the packages are (Kendall's tau): 1 = the same "
        "order, 0 = unrelated, -1 = reversed."
    )

st.subheader("Every package under every profile")
st.dataframe(people_table(comparison), hide_index=True, width="stretch")
st.caption(
    "Rank: the package's place under that stakeholder's weights (consensus of the methods; "
    "1 = first). Worst-case regret: the most places it stands below any stakeholder's first "
    "choice; the package with the least is the one no stakeholder ranks far down "
    "(data/MODEL.md, 'Several stakeholders')."
)
st.download_button(
    "Scenario with these profiles (TOML)",
    scenario_file_header(ctx.uploaded) + dump_scenario_toml(with_profiles(scenario, profiles)),
    file_name=f"{safe_file_stem(scenario.name)}-stakeholders.toml",
    mime="application/toml",
    help="Run it with: mcdm run FILE --out DIR (writes stakeholders.csv).",
    key=f"stakeholders_download:{k}",
)
