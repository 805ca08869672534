"""Data and sources: what the model reads, with sources and confidence, and the assumptions."""

import pandas as pd
import streamlit as st

from app_pages.common import context, current_data_dir
from mcdm.io import default_data_dir

ctx = context()
data = ctx.instance.data
st.title("Data and sources")
where = (
    "the bundled data (data/)"
    if current_data_dir() == default_data_dir()
    else "data you uploaded (the rest from the bundled data)"
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
root = current_data_dir()
with tabs[4]:
    path = root / "SOURCES.md"
    st.markdown(path.read_text(encoding="utf-8") if path.exists() else "No SOURCES.md.")
with tabs[5]:
    path = root / "MODEL.md"
    if not path.exists():
        path = default_data_dir() / "MODEL.md"
    st.markdown(path.read_text(encoding="utf-8"))
