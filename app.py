"""Streamlit app: policy staff design security-guarantee packages and see the trade-offs.

The sidebar holds the scenario (in a form: a new setting means a new solve) and the ranking
controls (no form: weights re-rank at once). The pages in app_pages/ describe what is shown.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import common as ui
from mcdm.briefing import apply_controls, summarise, what_changed
from mcdm.cells import escape_markdown
from mcdm.kernels import KERNELS
from mcdm.model import CRITERIA, DEFAULT_METHODS, METHOD_NAMES, USBackstop

st.set_page_config(page_title="Security-guarantee packages", page_icon=":shield:", layout="wide")

BACKSTOP_LABELS = {
    "none": "None",
    "air_isr": "Air power and ISR",
    "article5": "Article 5-like pledge",
}

dataset = ui.current_dataset()
uploaded = bool(ui.uploaded_files())
presets, unusable = ui.presets(dataset)

# --- scenario controls (a form: one button, one solve) ----------------------------------------
with st.sidebar:
    st.header("Scenario")
    preset = st.selectbox(
        "Preset",
        list(presets),
        key="preset",
        help="Ready-made scenarios from data/scenarios (and any you upload on the Export page).",
    )
    base = ui.parse_preset(presets[preset])
    st.caption(escape_markdown(base.description))
    for name, why in unusable.items():
        st.caption(
            escape_markdown(f"Preset '{name}' does not fit the data in use: {ui.public_text(why)}")
        )
    k = f"{preset}:{hash(presets[preset]) & 0xFFFF}"  # widgets start from each preset's values
    all_members = tuple(dataset.members)
    all_archetypes = tuple(dataset.archetypes)
    with st.form(f"scenario:{k}"):
        budget = st.slider(
            "Annual budget (EUR bn)",
            0.5,
            40.0,
            float(base.budget_eur_bn),
            0.5,
            key=f"budget:{k}",
            help="Most the whole package may cost a year.",
        )
        rotation = st.slider(
            "Rotation factor",
            2.0,
            6.0,
            float(base.rotation_factor),
            0.5,
            key=f"rotation:{k}",
            help="Troops in the pool for each troop "
            "deployed (3 = rule of thirds; 4 = the Times' 64,000 -> 256,000).",
        )
        line = st.slider(
            "Line of contact (km)",
            600,
            2500,
            int(base.line_length_km),
            50,
            key=f"line:{k}",
            help="1,040 km active (2024) to 1,400 km (2026).",
        )
        backstop = st.radio(
            "US backstop",
            list(BACKSTOP_LABELS),
            index=list(BACKSTOP_LABELS).index(str(base.us_backstop)),
            format_func=BACKSTOP_LABELS.get,
            key=f"backstop:{k}",
        )
        chosen_archetypes = st.multiselect(
            "Kinds of package",
            all_archetypes,
            default=list(base.archetypes or all_archetypes),
            format_func=lambda a: dataset.archetypes[a].name,
            key=f"archetypes:{k}",
        )
        members_box = st.expander("Members and their caps")
        chosen_members = members_box.multiselect(
            "Members taking part",
            all_members,
            default=list(base.members or all_members),
            format_func=lambda m: dataset.members[m].name,
            key=f"members:{k}",
        )
        # every member as the preset sees it (its overrides applied), not only the preset's own
        members_now = ui.instance_of(replace(base, members=()), dataset).data.members
        caps = pd.DataFrame(
            [
                {
                    "member_id": mid,
                    "Member": m.name,
                    "troop_pool": m.troop_pool,
                    "max_troops_deployed": m.max_troops_deployed,
                    "max_contribution_eur_m": m.max_contribution_eur_m,
                    "ground_in_ukraine": m.ground_in_ukraine,
                }
                for mid, m in members_now.items()
            ]
        )
        edited = members_box.data_editor(
            caps,
            key=f"caps:{k}",
            hide_index=True,
            disabled=["member_id", "Member"],
            column_config={
                "troop_pool": st.column_config.NumberColumn("Troop pool", min_value=0, step=50),
                "max_troops_deployed": st.column_config.NumberColumn(
                    "Deployed cap", min_value=0, step=50, help="Blank: pool / rotation"
                ),
                "max_contribution_eur_m": st.column_config.NumberColumn(
                    "Money cap (EUR m/yr)", min_value=0.0, step=10.0
                ),
                "ground_in_ukraine": st.column_config.CheckboxColumn("Troops in Ukraine"),
            },
        )
        st.form_submit_button("Solve", type="primary", width="stretch")

edits = {}
for row in edited.to_dict("records"):
    mid = row["member_id"]
    deployed = row["max_troops_deployed"]
    deployed = None if deployed is None or pd.isna(deployed) else int(deployed)
    edits[mid] = {
        "troop_pool": int(row["troop_pool"]),
        "max_troops_deployed": deployed,
        "max_contribution_eur_m": float(row["max_contribution_eur_m"]),
        "ground_in_ukraine": bool(row["ground_in_ukraine"]),
    }
scenario = apply_controls(
    base,
    budget_eur_bn=budget,
    rotation_factor=rotation,
    line_length_km=line,
    us_backstop=USBackstop(backstop),
    members=tuple(chosen_members) or all_members,
    archetypes=tuple(chosen_archetypes) or all_archetypes,
    member_edits={mid: e for mid, e in edits.items() if mid in chosen_members},
    base_members=members_now,
    all_members=all_members,
    all_archetypes=all_archetypes,
)

# --- ranking controls (no form: they re-rank at once) -----------------------------------------
criteria = list(CRITERIA)
with st.sidebar:
    st.header("Ranking")
    scheme = st.radio(
        "Weights",
        ["sliders", "equal", "entropy", "critic", "ahp"],
        format_func={
            "sliders": "My weights",
            "equal": "Equal",
            "entropy": "Entropy",
            "critic": "CRITIC",
            "ahp": "AHP comparisons",
        }.get,
        horizontal=True,
        key=f"scheme:{k}",
    )
    raw_weights: dict[str, float] = {}
    ahp_matrix: list[list[float]] = []
    if scheme == "sliders":
        start = base.weights or {c.criterion_id: 1.0 for c in criteria}
        top = max(start.values()) or 1.0
        for c in criteria:
            raw_weights[c.criterion_id] = st.slider(
                c.label,
                0.0,
                10.0,
                round(10.0 * float(start.get(c.criterion_id, 0.0)) / top * 2) / 2,
                0.5,
                key=f"w:{c.criterion_id}:{k}",
                help=f"{c.help} ({c.direction.value}, {c.unit})",
            )
        total = sum(raw_weights.values())
        if total > 0:
            st.caption(
                "Normalised: "
                + ", ".join(
                    f"{c.label.lower()} {raw_weights[c.criterion_id] / total:.0%}"
                    for c in criteria
                    if raw_weights[c.criterion_id] > 0
                )
            )
        else:
            st.warning("Every weight is zero: set at least one above zero.")
    elif scheme == "ahp":
        st.caption(
            "How much more important is the row than the column (1 = equal, 9 = far "
            "more; use fractions such as 0.5 for less). The lower triangle follows."
        )
        labels = [c.label for c in criteria]
        start_ahp = pd.DataFrame(
            np.ones((len(criteria), len(criteria))), index=labels, columns=labels
        )
        grid = st.data_editor(start_ahp, key=f"ahp:{k}")
        M = grid.to_numpy(dtype=float)
        iu = np.triu_indices(len(criteria), 1)
        M[(iu[1], iu[0])] = 1.0 / np.where(M[iu] > 0, M[iu], 1.0)
        np.fill_diagonal(M, 1.0)
        ahp_matrix = M.tolist()
    methods = st.multiselect(
        "Methods", list(METHOD_NAMES), default=list(DEFAULT_METHODS), key=f"methods:{k}"
    ) or ["TOPSIS"]
    consensus = st.radio(
        "Consensus",
        ["borda", "copeland"],
        horizontal=True,
        key=f"consensus:{k}",
        help="Borda: points by rank. Copeland: head-to-head majorities.",
    )
    draws = st.slider(
        "SMAA weight draws",
        0,
        20000,
        int(base.robustness.smaa_draws),
        1000,
        key=f"draws:{k}",
        help="0 switches the rank acceptability analysis off.",
    )
    uniform = st.checkbox(
        "Weights uniform over every weighting",
        key=f"uniform:{k}",
        value=base.robustness.weight_band is None,
    )
    band = (
        None
        if uniform
        else st.slider(
            "Weight uncertainty band (±%)",
            0,
            100,
            int(100 * (base.robustness.weight_band or 0.3)),
            5,
            key=f"band:{k}",
        )
        / 100
    )
    smaa_methods = list(KERNELS)  # the methods with a vectorised SMAA kernel
    smaa_method = st.selectbox(
        "SMAA method",
        smaa_methods,
        index=smaa_methods.index(base.robustness.method)
        if base.robustness.method in smaa_methods
        else 0,
        key=f"smaa_method:{k}",
    )
    cost_spread = (
        st.slider(
            "Cost uncertainty (±%)",
            0,
            50,
            int(100 * base.robustness.cost_uncertainty),
            5,
            key=f"costunc:{k}",
            help="Each element's annual cost drawn within this band in every SMAA draw; "
            "gives the confidence factors meaning.",
        )
        / 100
    )

settings = {
    "weights": raw_weights if scheme == "sliders" else None,
    "weighting": {"sliders": "user"}.get(scheme, scheme),
    "methods": tuple(methods),
    "consensus": consensus,
    "smaa_draws": int(draws),
    "smaa_method": smaa_method,
    "weight_band": band,
    "cost_uncertainty": cost_spread,
}

# --- solve (cached per scenario) and analyse (cached per setting) -----------------------------
context_error = None
analysis = None
instance = ui.instance_of(scenario, dataset)
try:
    pset = ui.solve(instance)
except Exception as exc:  # every failure becomes a message; the details go to the log
    ui.show_error("The scenario could not be solved", exc)
    st.stop()
if settings["weighting"] == "user" and not any(v > 0 for v in raw_weights.values()):
    context_error = "Every weight is zero: set at least one weight above zero to rank."
else:
    try:
        run_settings = dict(settings)
        if scheme == "ahp":
            run_settings["weighting"] = "ahp"
            instance = ui.instance_of(
                ui.export_scenario(
                    scenario, uploaded, {**settings, "weights": base.weights, "ahp": ahp_matrix}
                ),
                dataset,
            )
        analysis = ui.analyse(
            instance,
            pset,
            {k2: v for k2, v in run_settings.items() if k2 not in ("weights",) or v is not None},
        )
    except Exception as exc:  # shown on the pages that need a ranking; the details go to the log
        context_error = ui.error_message("The packages could not be ranked", exc)
export = ui.export_scenario(
    scenario,
    uploaded,
    {
        **settings,
        "weights": raw_weights if scheme == "sliders" else base.weights,
        "ahp": ahp_matrix,
    },
)

if analysis is not None and scheme == "ahp":
    cr = analysis.weights.consistency_ratio
    st.sidebar.caption(f"AHP consistency ratio {cr:.2f}" if cr is not None else "")

summary = summarise(pset, analysis)
state_key = f"{instance.digest}:{hash(str(sorted(settings.items(), key=str)))}"
previous = st.session_state.get("last_state")
changes = st.session_state.get("changes", [])
if previous is None or previous[0] != state_key:
    if previous is not None:
        from mcdm.briefing import diff_settings

        what = [f"{key} {a} → {b}" for key, a, b in diff_settings(previous[2], export)]
        changes = what_changed(previous[1], summary, what)
    st.session_state["changes"] = changes
    st.session_state["last_state"] = (state_key, summary, export)

st.session_state["ctx"] = ui.Context(
    instance=instance,
    pset=pset,
    analysis=analysis,
    export_scenario=export,
    changes=changes,
    error=context_error,
)

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/flag:", default=True),
    st.Page("app_pages/packages.py", title="Packages", icon=":material/inventory_2:"),
    st.Page("app_pages/tradeoffs.py", title="Trade-offs", icon=":material/show_chart:"),
    st.Page("app_pages/contributions.py", title="Contributions", icon=":material/groups:"),
    st.Page("app_pages/ranking.py", title="Ranking", icon=":material/leaderboard:"),
    st.Page("app_pages/robustness.py", title="Robustness", icon=":material/balance:"),
    st.Page("app_pages/data.py", title="Data and sources", icon=":material/menu_book:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
]
try:
    st.navigation(pages).run()
except Exception as exc:  # a page that fails says so without a traceback; the log has it
    ui.show_error("This page could not be shown", exc)
