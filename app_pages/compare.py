"""Compare: save the current setting as a named snapshot; show two snapshots side by side."""

import pandas as pd
import streamlit as st

from app_pages.common import context
from mcdm.briefing import diff_settings, summarise
from mcdm.cells import escape_markdown

ctx = context()
st.title("Compare settings")
snaps = st.session_state.setdefault("snapshots", {})
with st.form("snapshot"):
    name = st.text_input("Name this setting", value=f"setting {len(snaps) + 1}")
    if st.form_submit_button("Save snapshot"):
        snaps[name.strip() or f"setting {len(snaps) + 1}"] = {
            "scenario": ctx.export_scenario,
            "summary": summarise(ctx.pset, ctx.analysis),
            "packages": {p.package_id: dict(p.criteria) for p in ctx.pset.packages},
        }
        st.success(f"Saved '{escape_markdown(name)}'.")
if len(snaps) < 2:
    st.info(
        "Save at least two snapshots (change the scenario or the weights in between) to "
        "compare them."
    )
    st.stop()
names = list(snaps)
left, right = st.columns(2)
a = left.selectbox("Snapshot A", names, index=len(names) - 2, key="snap_a")
b = right.selectbox("Snapshot B", names, index=len(names) - 1, key="snap_b")
sa, sb = snaps[a], snaps[b]
st.subheader("Inputs that differ")
diff = diff_settings(sa["scenario"], sb["scenario"])
if diff:
    st.dataframe(
        pd.DataFrame(diff, columns=["setting", a, b]).astype(str), hide_index=True, width="stretch"
    )
else:
    st.write("None: the same inputs.")
st.subheader("Results")
rows = []
for label, s in ((a, sa), (b, sb)):
    m = s["summary"]
    rows.append(
        {
            "snapshot": label,
            "packages": m.packages,
            "top package": m.top,
            "its cost (EUR bn/yr)": m.top_cost_eur_bn,
            "its troops": m.top_troops,
            "first in (share of draws)": m.top_share_first,
            "not possible": ", ".join(m.infeasible),
        }
    )
st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
tops = [x for x in (sa["summary"].top, sb["summary"].top) if x]
if tops:
    crit = sorted({k for s in (sa, sb) for p in s["packages"].values() for k in p})
    table = pd.DataFrame(
        {
            f"{lbl}: {s['summary'].top}": [s["packages"][s["summary"].top][c] for c in crit]
            for lbl, s in ((a, sa), (b, sb))
            if s["summary"].top
        },
        index=crit,
    )
    st.dataframe(table, width="stretch")
