"""Data and sources: what the model reads, with sources and confidence, and the assumptions."""

import pandas as pd
import streamlit as st

from app_pages.common import context, uploaded_files
from mcdm.io.data import default_data_dir

ctx = context()
data = ctx.instance.data
st.title("Data and sources")
uploaded = uploaded_files()
where = (
    f"data you uploaded ({', '.join(uploaded)}; the rest from the bundled data)"
    if uploaded
    else "the bundled data (data/)"
)
st.caption(
    f"In use: {where} · digest {data.digest[:12]} · confidence H high, M medium, L low, "
    "A modelling assumption (reasoning under Sources)."
)
tabs = st.tabs(["Members", "Elements", "Availability", "Kinds of package", "Sources", "The model"])
with tabs[0]:
    st.dataframe(
        pd.DataFrame([vars(m) for m in data.members.values()]), hide_index=True, width="stretch"
    )
with tabs[1]:
    st.dataframe(
        pd.DataFrame([vars(e) for e in data.elements.values()]), hide_index=True, width="stretch"
    )
with tabs[2]:
    avail = pd.DataFrame(
        [{"member": m, "element": e, "units": n} for (m, e), n in data.availability.items()]
    )
    if len(avail):
        st.dataframe(
            avail.pivot_table(index="member", columns="element", values="units", fill_value=0),
            width="stretch",
        )
with tabs[3]:
    st.dataframe(
        pd.DataFrame([vars(a) for a in data.archetypes.values()]).astype(str),
        hide_index=True,
        width="stretch",
    )
# The bundled documents (uploads cannot replace them, so this Markdown is the project's own).
root = default_data_dir()
with tabs[4]:
    path = root / "SOURCES.md"
    st.markdown(path.read_text(encoding="utf-8") if path.exists() else "No SOURCES.md.")
with tabs[5]:
    path = root / "MODEL.md"
    st.markdown(path.read_text(encoding="utf-8") if path.exists() else "No MODEL.md.")
