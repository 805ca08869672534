"""Data and sources: what the model reads, with sources and confidence, and the assumptions."""

import re

import streamlit as st

from app_pages.common import context, table
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
    "A modelling assumption (reasoning under Sources). The files use the ids of the first "
    "column; the members' caps can be changed on the Members page."
)
tables = dataset_tables(data)
tabs = st.tabs([*tables, "Sources", "The model"])
for tab, (name, frame) in zip(tabs, tables.items(), strict=False):
    with tab:
        if len(frame):
            table(frame, hide_index=name != "Availability")
# The bundled documents (uploads cannot replace them, so this Markdown is the project's own).
# A "$" would start LaTeX in Streamlit's Markdown: "USD 5 bn ($5bn)" must read as dollars.
root = default_data_dir()
for tab, doc in zip(tabs[len(tables) :], ("SOURCES.md", "MODEL.md"), strict=True):
    with tab:
        path = root / doc
        text = path.read_text(encoding="utf-8") if path.exists() else f"No {doc}."
        st.markdown(re.sub(r"(?<!\\)\$", r"\\$", text))  # a "$" already escaped stays
