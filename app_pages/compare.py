"""Compare: save the current setting as a named snapshot; show two snapshots side by side.

Snapshots live in the session and, under a random key that the page's address holds, in the
server's memory: a reload of the page finds them while the server runs. To keep them longer
(or take them to another machine), the page offers them as a JSON file to download and upload.
"""

import streamlit as st

from app_pages.common import context, keep_snapshot_address, problem_lines, snapshots, table
from mcdm.cells import escape_markdown
from mcdm.errors import InputError
from mcdm.session import (
    MAX_SNAPSHOTS,
    Snapshot,
    read_uploaded_snapshots,
    snapshot_name,
    snapshots_to_json,
)
from mcdm.views import settings_diff_table, snapshot_deltas, snapshot_results

ctx = context()
st.title("Compare settings")
snaps = snapshots()
st.caption(
    "Save the setting in use as a snapshot, change the scenario or the weights, save again, "
    "then compare. Snapshots stay while this page's address (with its ?snapshots= key) is "
    "open, reloads included, as long as the app's server runs; download them to keep them."
)


def save_snapshot() -> None:
    """Save the setting shown as a snapshot (a callback: it runs before the page is drawn, so
    the name box and the selectors below already hold the new snapshot)."""
    shown = st.session_state.get("ctx")
    if shown is None:
        return
    saved = snapshot_name(st.session_state.get("snapshot_name", ""), len(snaps))
    if saved not in snaps and len(snaps) >= MAX_SNAPSHOTS:
        st.session_state["snapshot_note"] = (
            "error",
            f"At most {MAX_SNAPSHOTS} snapshots: download them, then reload the page.",
        )
        return
    previous = list(snaps)[-1] if snaps else None
    snaps.pop(saved, None)  # saved again: it becomes the newest
    snaps[saved] = Snapshot.of(shown)
    # compare the newest with the one before it
    st.session_state["snap_b"] = saved
    if previous is not None and previous != saved:
        st.session_state["snap_a"] = previous
    st.session_state["snapshot_note"] = ("success", f"Saved '{escape_markdown(saved)}'.")


with st.form("snapshot", clear_on_submit=True):
    st.text_input("Name this setting", key="snapshot_name", placeholder=f"setting {len(snaps) + 1}")
    st.form_submit_button("Save snapshot", on_click=save_snapshot)
note = st.session_state.pop("snapshot_note", None)
if note is not None:
    getattr(st, note[0])(note[1])
keep_snapshot_address()

upload = st.file_uploader(
    "Bring back snapshots downloaded before (JSON)", type=["json"], key="upload_snapshots"
)
if upload is not None and st.session_state.get("snapshots_loaded") != upload.file_id:
    try:
        loaded = read_uploaded_snapshots(upload.name, upload.getvalue())
    except InputError as exc:
        st.error("The snapshots could not be read:\n" + "\n".join(problem_lines(exc.problems)))
    else:
        room = MAX_SNAPSHOTS - len(set(snaps) - set(loaded))
        for snap_name in list(loaded)[: max(0, room)]:
            snaps.pop(snap_name, None)
            snaps[snap_name] = loaded[snap_name]
        keep_snapshot_address()
        st.session_state["snapshots_loaded"] = upload.file_id
        st.success(f"Loaded {min(len(loaded), max(0, room))} snapshots.")

if snaps:
    st.download_button(
        "Download the snapshots (JSON)",
        snapshots_to_json(snaps),
        file_name="snapshots.json",
        mime="application/json",
        key="download_snapshots",
    )
if len(snaps) < 2:
    st.info(
        "Save at least two snapshots (change the scenario or the weights in between) to "
        "compare them."
    )
    st.stop()
names = list(snaps)
for key, default in (("snap_a", names[-2]), ("snap_b", names[-1])):
    if st.session_state.get(key) not in names:
        st.session_state[key] = default
left, right = st.columns(2)
a = left.selectbox("Snapshot A", names, key="snap_a")
b = right.selectbox("Snapshot B", names, key="snap_b")

st.subheader("Inputs that differ")
diff = settings_diff_table(a, snaps[a], b, snaps[b], ctx.instance.data)
if len(diff):
    table(diff)
else:
    st.write("None: the same inputs.")
if snaps[a].data_digest != snaps[b].data_digest:
    st.caption("The two snapshots were computed on different data.")

st.subheader("Results")
table(
    snapshot_results([(n, snaps[n]) for n in names]),
    **{
        "First in (share of draws)": st.column_config.ProgressColumn(
            "First in (share of draws)", min_value=0, max_value=1, format="percent"
        )
    },
)
deltas = snapshot_deltas(a, snaps[a], b, snaps[b])
if deltas is not None:
    st.subheader("Top packages, criterion by criterion")
    st.caption(
        f"A: {escape_markdown(snaps[a].summary.top_name)}. B: "
        f"{escape_markdown(snaps[b].summary.top_name)}. Difference: B minus A."
    )
    table(deltas)
