"""Compare: save the current setting as a named snapshot; show two snapshots side by side."""

import streamlit as st

from app_pages.common import context, snapshots
from mcdm.cells import escape_markdown
from mcdm.session import Snapshot, snapshot_name
from mcdm.views import settings_diff_table, snapshot_results, snapshot_tops

ctx = context()
st.title("Compare settings")
snaps = snapshots()
with st.form("snapshot"):
    name = st.text_input("Name this setting", value=f"setting {len(snaps) + 1}")
    if st.form_submit_button("Save snapshot"):
        saved = snapshot_name(name, len(snaps))
        snaps[saved] = Snapshot.of(ctx)
        st.success(f"Saved '{escape_markdown(saved)}'.")
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
shown = [(a, snaps[a]), (b, snaps[b])]
st.subheader("Inputs that differ")
diff = settings_diff_table(a, snaps[a], b, snaps[b])
if len(diff):
    st.dataframe(diff, hide_index=True, width="stretch")
else:
    st.write("None: the same inputs.")
st.subheader("Results")
st.dataframe(snapshot_results(shown), hide_index=True, width="stretch")
tops = snapshot_tops(shown)
if tops is not None:
    st.dataframe(tops, width="stretch")
