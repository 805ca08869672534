"""Members: every member's caps and willingness, the main political lever, with the sources of
its figures beside them; what the page applies is what the sidebar's scenario solves."""

import streamlit as st

from app_pages import common as ui
from mcdm.cells import escape_markdown
from mcdm.errors import InputError
from mcdm.io.data import default_data_dir
from mcdm.session import CAPS_COLUMNS, TAKES_PART, member_choices_from_rows
from mcdm.views import MEMBER_EDITABLE, caps_basis, members_frame, source_notes, sources_table

ctx = ui.context()
k, members, start = ui.members_page_state()
chosen, caps = ui.member_settings(k, members, start)
rotation = ctx.instance.scenario.rotation_factor
st.title("Members and their caps")
for line in ctx.changes:
    st.info(line)
st.caption(
    "Who takes part, how many troops each member has for the mission (its pool), how many it "
    f"may keep deployed (blank: the pool / the rotation factor, now {rotation:g}), how much "
    "it may pay a year, and where its forces may go. Edit the columns marked with a pencil, "
    "then apply: the scenario in the sidebar is solved again with them. Sources and "
    "confidence are those of the data (H high, M medium, L low, A modelling assumption); "
    "the keys are explained below and on the Data and sources page."
)

# The keys behind the caps are a column of members.csv that the model does not read; they come
# from the bundled file unless the user replaced it (then its own file is not kept).
bundled = default_data_dir()
basis = {}
if "members.csv" not in ctx.uploaded and (bundled / "members.csv").exists():
    basis = caps_basis((bundled / "members.csv").read_text(encoding="utf-8"))
frame = members_frame(members, chosen, caps, basis, rotation)
number = st.column_config.NumberColumn
with st.form(f"members_form:{k}"):
    edited = st.data_editor(
        frame,
        key=f"members_editor:{k}",
        hide_index=True,
        width="stretch",
        height=min(35 * (len(frame) + 1) + 3, 760),
        placeholder=ui.MISSING,
        disabled=[c for c in frame.columns if c not in MEMBER_EDITABLE],
        column_order=[
            "Member",
            *MEMBER_EDITABLE,
            "Can keep deployed",
            "Confidence",
            "Sources",
            "Caps from",
            "Stated position",
            "Stated role",
            "Notes",
        ],
        column_config={
            TAKES_PART[0]: st.column_config.CheckboxColumn(TAKES_PART[1]),
            "troop_pool": number(
                CAPS_COLUMNS["troop_pool"],
                min_value=0,
                step=50,
                format="%,d",
                help="Troops the member has for the mission, rotation included.",
            ),
            "max_troops_deployed": number(
                CAPS_COLUMNS["max_troops_deployed"],
                min_value=0,
                step=50,
                format="%,d",
                help="Most troops it keeps deployed at once. Blank: pool / rotation factor.",
            ),
            "max_contribution_eur_m": number(
                CAPS_COLUMNS["max_contribution_eur_m"],
                min_value=0.0,
                step=10.0,
                format="%,.0f",
                help="Most it pays a year for its units.",
            ),
            "ground_in_ukraine": st.column_config.CheckboxColumn(
                CAPS_COLUMNS["ground_in_ukraine"],
                help="Whether it sends troops into Ukraine (ground units, observers, staff).",
            ),
            "outside_ukraine": st.column_config.CheckboxColumn(
                CAPS_COLUMNS["outside_ukraine"],
                help="Whether it sends forces based outside Ukraine (air policing, "
                "air defence from neighbouring states).",
            ),
            "Can keep deployed": number(
                "Can keep deployed",
                format="%,d",
                help="Troops it can keep deployed: the lower of its pool / rotation and its cap.",
            ),
            "Confidence": st.column_config.TextColumn(width="small"),
            "Sources": st.column_config.TextColumn(
                help="Keys of the sources of its figures (explained below)."
            ),
            "Caps from": st.column_config.TextColumn(
                help="Keys of the sources and assumptions behind its caps (explained below)."
            ),
        },
    )
    left, right = st.columns([1, 3])
    applied = left.form_submit_button("Apply and solve", type="primary", width="stretch")
    right.caption(
        f"{len(chosen)} of {len(members)} members take part. Leaving this page drops edits "
        "that were not applied."
    )
st.button(
    "Back to the preset's members and caps",
    key=f"members_reset:{k}",
    on_click=ui.reset_member_settings,
    args=(k,),
)
if applied:
    try:
        new = member_choices_from_rows(edited.reset_index().to_dict("records"))
    except InputError as exc:
        st.error("Nothing was applied:\n" + "\n".join(ui.problem_lines(exc.problems)))
    else:
        if new != (chosen, caps):
            ui.save_member_settings(k, *new)
            st.rerun()

st.subheader("Sources of these figures")
path = bundled / "SOURCES.md"
notes = source_notes(path.read_text(encoding="utf-8")) if path.exists() else {}
keys = [key for c in ("Sources", "Caps from") for cell in frame[c] for key in cell.split(", ")]
ui.table(sources_table([key for key in keys if key], notes))
if ctx.uploaded:
    st.caption(
        escape_markdown(
            f"The data in use include your upload ({', '.join(ctx.uploaded)}); the keys are "
            "those of its source columns, explained by the bundled SOURCES.md."
        )
    )
