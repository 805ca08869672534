"""Streamlit app: policy staff design security-guarantee packages and see the trade-offs.

This file builds the sidebar and the navigation. The sidebar holds the scenario (in a form: a
new setting means a new solve) and the ranking controls (no form: weights re-rank at once); it
reads the widgets into the frozen records of :mod:`mcdm.session`, which turn them into the
scenario the pipeline solves and ranks. The pages in app_pages/ read the context and draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd
import streamlit as st

from mcdm.parallel import available_cpus, warm_workers

# The solvers' worker server starts now and imports the solver's modules while this script
# imports the app's (about 1 s, pandas and pymcdm among them): the first solve then starts its
# workers at once. Later runs of the script find it running. (One CPU: no workers.)
if available_cpus() > 1:
    warm_workers()

from app_pages import common as ui
from mcdm.cells import escape_markdown
from mcdm.cost_basis import CostBasis
from mcdm.criteria import CRITERIA, CRITERIA_BY_ID
from mcdm.errors import InputError
from mcdm.horizon import MAX_DISCOUNT_RATE, MAX_HORIZON_YEARS
from mcdm.kernels import KERNELS
from mcdm.model import COST_RANGES, Dataset, Scenario, USBackstop
from mcdm.resilience import withdrawers
from mcdm.session import (
    OFFERED_METHODS,
    STRAITS_LABEL,
    RankingControls,
    ScenarioControls,
    WeightScheme,
    ahp_matrix,
    apply_scenario_controls,
    controls_key,
    methods_help,
    preset_members,
    ranked_criteria,
    restriction_help,
    restriction_label,
    slider_range,
    straits_help,
    weight_help,
    weighting_help,
)

st.set_page_config(page_title="Security-guarantee packages", page_icon=":shield:", layout="wide")

COST_BASIS_LABELS = {CostBasis.FULL: "Full cost", CostBasis.INCREMENTAL: "Incremental cost"}

BACKSTOP_LABELS = {
    USBackstop.NONE: "None",
    USBackstop.AIR_ISR: "Air power and ISR",
    USBackstop.ARTICLE5: "Article 5-like pledge",
}


def _choice(label: str, labels: Mapping, value: object, key: str, help: str | None = None):
    """A radio over ``labels`` (value -> words), starting at ``value``."""
    options = list(labels)
    return st.radio(
        label, options, index=options.index(value), format_func=labels.get, key=key, help=help
    )


def scenario_sidebar(base: Scenario, data: Dataset, k: str) -> Scenario:
    """The scenario form (one button, one solve): the preset plus the user's changes."""
    members = preset_members(base, data)
    start = ScenarioControls.of(base, members, data)
    chosen, caps = ui.member_settings(k, members, start)  # set on the Members page
    with st.form(f"scenario:{k}"):
        budget = st.slider(
            "Budget (EUR bn)",
            *slider_range(
                0.5, 40.0 if start.budget_basis == "annual" else 400.0, start.budget_eur_bn
            ),
            start.budget_eur_bn,
            0.5,
            key=f"budget:{k}",
            help="Most the whole package may cost: a year, or over the horizon (present value) "
            "as the budget counts it below; in full or incremental costs as 'Costs counted' says.",
        )
        basis, years, rate = horizon_controls(start, k)
        rotation = st.slider(
            "Rotation factor",
            *slider_range(2.0, 6.0, start.rotation_factor),
            start.rotation_factor,
            0.5,
            key=f"rotation:{k}",
            help="Troops in the pool for each troop "
            "deployed (3 = rule of thirds; 4 = the Times' 64,000 -> 256,000).",
        )
        line_km = int(start.line_length_km)
        line = st.slider(
            "Line of contact (km)",
            *slider_range(600, 2500, line_km),
            line_km,
            50,
            key=f"line:{k}",
            help="1,040 km active (2024) to 1,400 km (2026).",
        )
        backstop = _choice("US backstop", BACKSTOP_LABELS, start.us_backstop, f"backstop:{k}")
        cost_basis = _choice(
            "Costs counted",
            COST_BASIS_LABELS,
            start.cost_basis,
            f"cost_basis:{k}",
            help="Full: the whole annual cost of each unit (pay, sustainment, transport, wear, "
            "capital charges). Incremental: only what deploying it adds to keeping it at home "
            "(allowances, transport, sustainment in theatre, extra wear). The budget and every "
            "cost count the basis chosen.",
        )
        archetypes = ui.kind_checkboxes(data, start.archetypes, k)
        applied, straits = restriction_checkboxes(data, start, k)
        kept = sorted({0, 1, 2, start.withdrawals})
        withdrawals = st.selectbox(
            "Survive the withdrawal of",
            kept,
            index=kept.index(start.withdrawals),
            format_func=lambda n: withdrawers(n) if n else "no member (off)",
            key=f"withdrawals:{k}",
            help="Packages that still meet their kind's requirements if any one (or two) "
            "of the members withdraws, taking all its units ([resilience] withdrawals).",
        )
        st.form_submit_button("Solve", type="primary", width="stretch")
    st.page_link(ui.members_page(), label=f"Members: {len(chosen)} take part")
    controls = ScenarioControls(
        budget,
        rotation,
        line,
        USBackstop(backstop),
        tuple(chosen),
        tuple(archetypes),
        caps,
        budget_basis=basis,
        horizon_years=years,
        discount_rate=rate,
        restrictions=applied,
        straits_open=straits,
        cost_basis=CostBasis(cost_basis),
        withdrawals=int(withdrawals),
    )
    return apply_scenario_controls(base, controls, members, data)


def horizon_controls(
    start: ScenarioControls, k: str
) -> tuple[Literal["annual", "horizon"], int, float]:
    """What the budget counts, the horizon and the discount rate (inside the scenario form)."""
    basis = st.radio(
        "The budget counts",
        ["annual", "horizon"],
        index=["annual", "horizon"].index(start.budget_basis),
        format_func={"annual": "a year", "horizon": "over the horizon"}.get,
        key=f"basis:{k}",
        horizontal=True,
        help="Over the horizon: one-off costs plus every year's cost, discounted (present "
        "value); the budget above is then that total.",
    )
    years = st.slider(
        "Horizon (years)",
        1,
        MAX_HORIZON_YEARS,
        start.horizon_years,
        1,
        key=f"horizon:{k}",
        help="10 as in the public cost estimates; 15 as the US draft guarantee.",
    )
    rate = st.slider(
        "Discount rate (% a year, real)",
        0.0,
        100 * MAX_DISCOUNT_RATE,
        100 * start.discount_rate,
        0.5,
        key=f"rate:{k}",
        help="3.5% is HM Treasury's Green Book rate.",
    )
    return basis, int(years), round(rate / 100.0, 6)


def restriction_checkboxes(
    data: Dataset, start: ScenarioControls, k: str
) -> tuple[tuple[str, ...], bool]:
    """The members' stated restrictions, one checkbox each (ticked: in force), and the Straits
    (the scenario file's [restrictions] and [maritime])."""
    st.markdown("Members' stated restrictions (ticked: applied)")
    applied = tuple(
        rid
        for rid, r in data.restrictions.items()
        if st.checkbox(
            restriction_label(r, data),
            value=rid in (start.restrictions or ()),
            key=f"restriction:{rid}:{k}",
            help=restriction_help(r),
        )
    )
    straits = st.checkbox(
        STRAITS_LABEL,
        value=bool(start.straits_open),
        key=f"straits:{k}",
        help=straits_help(data),
    )
    return applied, straits


def weights_sidebar(
    start: RankingControls, base: Scenario, k: str, scheme: WeightScheme, ranges: Mapping
):
    """The weight sliders or the AHP grid: (slider weights, AHP matrix); ``ranges``: each
    criterion's values over the packages, for the sliders' help."""
    weights = dict(start.weights)
    ahp = start.ahp
    if scheme is WeightScheme.USER:
        for c in CRITERIA:
            weights[c.criterion_id] = st.slider(
                c.label,
                0.0,
                10.0,
                start.weights[c.criterion_id],
                0.5,
                key=f"w:{c.criterion_id}:{k}",
                help=weight_help(c, ranges.get(c.criterion_id, ())),
            )
        total = sum(weights.values())
        if total > 0:
            st.caption(
                "Normalised: "
                + ", ".join(
                    f"{c.label.lower()} {weights[c.criterion_id] / total:.0%}"
                    for c in CRITERIA
                    if weights[c.criterion_id] > 0
                )
            )
        else:
            st.warning("Every weight is zero: set at least one above zero.")
    elif scheme is WeightScheme.AHP:
        st.caption(
            "How much more important is the row than the column (1 = equal, 9 = far "
            "more; use fractions such as 0.5 for less). The lower triangle follows."
        )
        labels = [CRITERIA_BY_ID[c].label for c in ranked_criteria(base)]
        grid = st.data_editor(pd.DataFrame(start.ahp, index=labels, columns=labels), key=f"ahp:{k}")
        try:
            ahp = ahp_matrix(grid.values.tolist(), labels)
        except InputError as exc:
            st.error("\n".join(ui.problem_lines(exc.problems)))
            ahp = ()
    return weights, ahp


def robustness_sidebar(
    start: RankingControls, k: str
) -> tuple[int, float | None, str, float | str]:
    """SMAA draws, weight band (None: uniform), SMAA method, cost uncertainty (a fraction, or
    COST_RANGES for the data's own cost ranges)."""
    draws = st.slider(
        "SMAA weight draws",
        *slider_range(0, 20000, start.smaa_draws),
        start.smaa_draws,
        1000,
        key=f"draws:{k}",
        help="0 switches the rank acceptability analysis off.",
    )
    uniform = st.checkbox(
        "Weights uniform over every weighting",
        key=f"uniform:{k}",
        value=start.weight_band is None,
    )
    band_pct = round(100 * (start.weight_band or 0.3))
    band = None
    if not uniform:
        band = (
            st.slider(
                "Weight uncertainty band (±%)",
                *slider_range(0, 100, band_pct),
                band_pct,
                5,
                key=f"band:{k}",
            )
            / 100
        )
    smaa_methods = list(KERNELS)  # the methods with a vectorised SMAA kernel
    smaa_method = st.selectbox(
        "SMAA method",
        smaa_methods,
        index=smaa_methods.index(start.smaa_method),
        key=f"smaa_method:{k}",
    )
    from_data = st.checkbox(
        "Unit costs from the data's ranges",
        value=start.cost_uncertainty == COST_RANGES,
        key=f"costdata:{k}",
        help="In every SMAA draw each element's annual cost is drawn between its low and high "
        "estimate in the data (most likely its central value). The confidence factor of a "
        "package is then the share of these cost draws in which it stays first at its central "
        "weights.",
    )
    if from_data:
        return int(draws), band, smaa_method, COST_RANGES
    spread = start.cost_uncertainty
    cost_start = 0 if spread == COST_RANGES else round(100 * float(spread))
    cost_pct = st.slider(
        "Cost uncertainty (±%)",
        *slider_range(0, 50, cost_start),
        cost_start,
        5,
        key=f"costunc:{k}",
        help="Each element's annual cost drawn within this band in every SMAA draw; "
        "0 keeps costs fixed (every confidence factor is then 1 or 0).",
    )
    return int(draws), band, smaa_method, cost_pct / 100


def ranking_sidebar(base: Scenario, k: str, ranges: Mapping) -> RankingControls:
    """The ranking controls (no form: they re-rank at once)."""
    start = RankingControls.of(base)
    st.header("Ranking")
    scheme = st.radio(
        "Weights",
        list(WeightScheme),
        index=list(WeightScheme).index(start.weighting),
        format_func=lambda s: s.label,
        horizontal=True,
        key=f"scheme:{k}",
        help=weighting_help(),
    )
    weights, ahp = weights_sidebar(start, base, k, scheme, ranges)
    methods = st.multiselect(
        "Methods",
        OFFERED_METHODS,
        default=list(start.methods),
        key=f"methods:{k}",
        help=methods_help(),
    )
    consensus = st.radio(
        "Consensus",
        ["borda", "copeland"],
        index=["borda", "copeland"].index(start.consensus),
        horizontal=True,
        key=f"consensus:{k}",
        help="Borda: points by rank. Copeland: head-to-head majorities.",
    )
    draws, band, smaa_method, cost_spread = robustness_sidebar(start, k)
    return RankingControls(
        weighting=WeightScheme(scheme),
        weights=weights,
        ahp=ahp,
        methods=tuple(methods),
        consensus=consensus,
        smaa_draws=draws,
        smaa_method=smaa_method,
        weight_band=band,
        cost_uncertainty=cost_spread,
    )


dataset = ui.current_dataset()
presets, unusable = ui.presets(dataset)
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
    key = controls_key(preset, presets[preset])  # widgets start from each preset's values
    scenario = scenario_sidebar(base, dataset, key)
ranges = ui.criterion_values(scenario, dataset)  # the cached solve the pages use, for the help
with st.sidebar:
    controls = ranking_sidebar(base, key, ranges)

ctx, failure = ui.build_context(scenario, controls, dataset)
if ctx is None:
    ui.show_error("The scenario could not be solved", failure)
    st.stop()
if ctx.analysis is not None and controls.weighting is WeightScheme.AHP:
    cr = ctx.analysis.weights.consistency_ratio
    st.sidebar.caption(f"AHP consistency ratio {cr:.2f}" if cr is not None else "")

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/flag:", default=True),
    st.Page("app_pages/packages.py", title="Packages", icon=":material/inventory_2:"),
    st.Page("app_pages/tradeoffs.py", title="Trade-offs", icon=":material/show_chart:"),
    st.Page("app_pages/contributions.py", title="Contributions", icon=":material/groups:"),
    st.Page("app_pages/ranking.py", title="Ranking", icon=":material/leaderboard:"),
    st.Page("app_pages/robustness.py", title="Robustness", icon=":material/balance:"),
    st.Page("app_pages/why.py", title="Why it wins", icon=":material/help:"),
    st.Page("app_pages/stakeholders.py", title="Stakeholders", icon=":material/diversity_3:"),
    ui.members_page(),
    st.Page("app_pages/data.py", title="Data and sources", icon=":material/menu_book:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/download:"),
    # last: the sidebar shows ten pages before "View more", and the pages above are the daily ones
    st.Page("app_pages/questions.py", title="Questions", icon=":material/quiz:"),
]
try:
    st.navigation(pages).run()
except Exception as exc:  # a page that fails says so without a traceback; the log has it
    ui.show_error("This page could not be shown", exc)
