"""Data and sources: what the model reads, with sources and confidence, and the assumptions."""

import streamlit as st

from app_pages.common import context
from mcdm.io.data import default_data_dir
from mcdm.views import dataset_tables

ctx = context()
data = ctx.instance.data
st.title("Data and sources")
where = (
    f"data you uploaded ({', '.join(ctx.uploaded)}; the rest from the bundled data)"
    if ctx.uploaded
    else "the bundled data (data/)"
)
st.caption(
    f"In use: {where} · digest {data.digest[:12]} · confidence H high, M medium, L low, "
    "A modelling assumption (reasoning under Sources)."
)
tables = dataset_tables(data)
tabs = st.tabs([*tables, "Sources", "The model"])
for tab, (name, frame) in zip(tabs, tables.items(), strict=False):
    with tab:
        if len(frame):
            st.dataframe(frame, hide_index=name != "Availability", width="stretch")
# The bundled documents (uploads cannot replace them, so this Markdown is the project's own).
root = default_data_dir()
for tab, doc in zip(tabs[len(tables) :], ("SOURCES.md", "MODEL.md"), strict=True):
    with tab:
        path = root / doc
        st.markdown(path.read_text(encoding="utf-8") if path.exists() else f"No {doc}.")
