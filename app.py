"""Streamlit app: design and compare security-guarantee packages (data and sources view)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from mcdm.io import default_data_dir, load_dataset

st.set_page_config(page_title="Security-guarantee packages", layout="wide")


@st.cache_data(show_spinner=False)
def _tables(root: str) -> dict[str, pd.DataFrame]:
    data = load_dataset(root)
    members = pd.DataFrame([vars(m) for m in data.members.values()])
    elements = pd.DataFrame([vars(e) for e in data.elements.values()])
    availability = pd.DataFrame(
        [
            {"member_id": m, "element_id": e, "max_units": n}
            for (m, e), n in data.availability.items()
        ]
    )
    archetypes = pd.DataFrame([vars(a) for a in data.archetypes.values()])
    return {
        "Members": members,
        "Elements": elements,
        "Availability": availability,
        "Archetypes": archetypes.astype(str),
    }


root = str(default_data_dir())
st.title("Security-guarantee packages for Ukraine")
st.caption("Default data: coalition members, force elements and package kinds, with sources.")
tables = _tables(root)
for tab, frame in zip(st.tabs(list(tables)), tables.values(), strict=True):
    with tab:
        st.dataframe(frame, hide_index=True, width="stretch")
with st.expander("Sources and assumptions"):
    st.markdown((default_data_dir() / "SOURCES.md").read_text(encoding="utf-8"))
