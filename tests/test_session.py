"""The app's state transitions (mcdm.session), without Streamlit: controls to a scenario, caps
edits, the AHP grid, the ranked scenario, what changed, snapshots and uploads."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcdm.cost_basis import CostBasis
from mcdm.criteria import CRITERIA
from mcdm.errors import InputError
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.io.scenario_toml import dump_scenario_toml
from mcdm.model import Method, USBackstop
from mcdm.packages import NEAR_DUPLICATE_SHARE, PackageSet
from mcdm.ranking import weights_ahp
from mcdm.session import (
    BUNDLED_DATASET,
    MAX_SNAPSHOTS,
    MAX_UPLOAD_BYTES,
    METHOD_HELP,
    OFFERED_METHODS,
    UPLOADED_DATASET,
    Context,
    MemberCaps,
    RankingControls,
    ScenarioControls,
    Shown,
    Snapshot,
    SnapshotStore,
    Summary,
    WeightScheme,
    ahp_matrix,
    apply_scenario_controls,
    caps_from_rows,
    caps_rows,
    controls_key,
    describe_settings,
    diff_settings,
    member_choices_from_rows,
    member_rows,
    methods_help,
    preset_members,
    ranked_scenario,
    read_uploaded_data,
    read_uploaded_scenario,
    read_uploaded_snapshots,
    same_package,
    slider_range,
    snapshot_name,
    snapshots_to_json,
    track_changes,
    weighting_help,
    what_changed,
)
from tests.conftest import DATA

SCENARIOS = sorted((DATA / "scenarios").glob("*.toml"))


def preset(name: str):
    return load_scenario(DATA / "scenarios" / f"{name}.toml")


# --- scenario controls -------------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_untouched_controls_give_back_the_preset(path: Path):
    base, data = load_scenario(path)
    members = preset_members(base, data)
    controls = ScenarioControls.of(base, members, data)
    assert apply_scenario_controls(base, controls, members, data) == base


def test_controls_change_the_figures_members_and_kinds(dataset):
    base, _ = preset("default")
    members = preset_members(base, dataset)
    start = ScenarioControls.of(base, members, dataset)
    controls = dataclasses.replace(
        start,
        budget_eur_bn=7.5,
        rotation_factor=3.0,
        line_length_km=900,
        us_backstop=USBackstop.NONE,
        members=("GBR", "FRA"),
        archetypes=("observer",),
        cost_basis=CostBasis.INCREMENTAL,
    )
    assert start.cost_basis is CostBasis.FULL  # the preset's (the default)
    s = apply_scenario_controls(base, controls, members, dataset)
    assert (s.budget_eur_bn, s.rotation_factor, s.line_length_km) == (7.5, 3.0, 900.0)
    assert s.us_backstop is USBackstop.NONE
    assert s.cost_basis is CostBasis.INCREMENTAL  # the scenario key the sidebar's choice sets
    assert s.members == ("GBR", "FRA") and s.archetypes == ("observer",)
    assert s.member_overrides == base.member_overrides  # no cap was edited
    instance = instantiate(s, dataset)  # a scenario the pipeline takes
    assert set(instance.data.members) == {"GBR", "FRA"}


def test_horizon_controls_set_the_scenarios_cost_keys(dataset):
    base, _ = preset("default")
    members = preset_members(base, dataset)
    start = ScenarioControls.of(base, members, dataset)
    assert (start.budget_basis, start.horizon_years, start.discount_rate) == ("annual", 10, 0.035)
    controls = dataclasses.replace(
        start, budget_basis="horizon", horizon_years=15, discount_rate=0.0, budget_eur_bn=60.0
    )
    s = apply_scenario_controls(base, controls, members, dataset)
    assert (s.budget_basis, s.horizon_years, s.discount_rate, s.budget_eur_bn) == (
        "horizon",
        15,
        0.0,
        60.0,
    )


def test_restrictions_and_straits_map_to_the_keys_a_scenario_file_sets(tmp_path, dataset):
    """A scenario file with [restrictions] and [maritime] sets the checkboxes as they read, and
    the checkboxes give back those keys: the app and the file agree either way."""
    text = (DATA / "scenarios" / "monitoring_only.toml").read_text(encoding="utf-8")
    head, weights = text.split("[weights]")
    extra = '[restrictions]\nconditional = "lift"\nlift = ["FRA-FAR-FROM-FRONT"]\n\n'
    extra += "[maritime]\nstraits_open = true\n\n"
    path = tmp_path / "lifted.toml"
    path.write_text(f'{head}dataset = "{DATA}"\n{extra}[weights]{weights}', encoding="utf-8")
    base, data = load_scenario(path)
    members = preset_members(base, data)
    start = ScenarioControls.of(base, members, data)
    assert start.restrictions == ("GBR-LAND-CONCEPT", "IRL-NO-DETERRENT")  # TUR conditional
    assert start.straits_open is True
    assert apply_scenario_controls(base, start, members, data) == base
    # the defaults: every restriction applied, the Straits closed
    plain, _ = preset("monitoring_only")
    first = ScenarioControls.of(plain, preset_members(plain, dataset), dataset)
    assert first.restrictions == tuple(dataset.restrictions) and first.straits_open is False
    # France ticked back on, the Straits closed: the keys a file would hold
    controls = dataclasses.replace(
        start, restrictions=("FRA-FAR-FROM-FRONT", "GBR-LAND-CONCEPT"), straits_open=False
    )
    s = apply_scenario_controls(base, controls, members, data)
    assert s.restrictions.conditional == "hold"
    assert s.restrictions.lift == ("TUR-BOTH-PARTIES", "IRL-NO-DETERRENT")
    assert s.maritime.straits_open is False
    assert read_scenario_text(dump_scenario_toml(s), tmp_path) == dataclasses.replace(
        s, source_path=""
    )
    rows = {k: (a, b) for k, a, b in describe_settings(base, s, data)}
    assert rows["Straits open to mine-countermeasure ships"] == ("yes", "no")
    assert rows["Conditional restrictions"] == ("assumed met", "in force")
    assert rows["Stated restrictions lifted"] == (
        "France (FRA-FAR-FROM-FRONT)",
        "Turkiye (TUR-BOTH-PARTIES), Ireland (IRL-NO-DETERRENT)",
    )


def read_scenario_text(text: str, folder: Path):
    """A scenario read back from the TOML text the Export page writes."""
    path = folder / "exported.toml"
    path.write_text(text, encoding="utf-8")
    return dataclasses.replace(load_scenario(path)[0], source_path="")


def test_choosing_every_member_or_none_means_all_as_in_a_scenario_file(dataset):
    base, _ = preset("monitoring_only")
    members = preset_members(base, dataset)
    start = ScenarioControls.of(base, members, dataset)
    for chosen in ((), tuple(reversed(dataset.members))):
        s = apply_scenario_controls(
            base, dataclasses.replace(start, members=chosen), members, dataset
        )
        assert s.members == ()


def caps_frame(members) -> pd.DataFrame:
    """The caps editor's rows as st.data_editor hands them back (a DataFrame)."""
    return pd.DataFrame(caps_rows(members))


def test_caps_edits_become_member_overrides_only_where_they_differ(dataset):
    base, _ = preset("germany_in")
    members = preset_members(base, dataset)
    assert members["DEU"].ground_in_ukraine  # the preset's override shows in the editor
    rows = caps_frame(members)
    gbr = rows.index[rows["member_id"] == "GBR"][0]
    pol = rows.index[rows["member_id"] == "POL"][0]
    rows.loc[gbr, "troop_pool"] = 12_000
    rows.loc[gbr, "max_troops_deployed"] = np.nan  # blank: pool / rotation
    rows.loc[pol, "max_contribution_eur_m"] = 55.5
    caps = caps_from_rows(rows.to_dict("records"))
    assert caps["GBR"] == MemberCaps(
        12_000, None, members["GBR"].max_contribution_eur_m, True, True
    )
    start = ScenarioControls.of(base, members, dataset)
    s = apply_scenario_controls(base, dataclasses.replace(start, caps=caps), members, dataset)
    assert dict(s.member_overrides["GBR"]) == {"troop_pool": 12_000, "max_troops_deployed": None}
    assert dict(s.member_overrides["POL"]) == {"max_contribution_eur_m": 55.5}
    assert dict(s.member_overrides["DEU"]) == dict(base.member_overrides["DEU"])  # kept
    assert set(s.member_overrides) == {"GBR", "POL", "DEU"}
    inst = instantiate(s, dataset)
    assert inst.data.members["GBR"].troop_pool == 12_000
    assert inst.data.members["GBR"].max_troops_deployed is None
    # a member that does not take part gets no override, whatever its row says
    only_fra = dataclasses.replace(start, caps=caps, members=("FRA", "DEU"))
    s = apply_scenario_controls(base, only_fra, members, dataset)
    assert set(s.member_overrides) == {"DEU"}


def test_caps_that_cannot_be_used_are_each_named():
    rows = [
        {
            "member_id": "GBR",
            "Member": "United Kingdom",
            "troop_pool": None,
            "max_troops_deployed": 2.5,
            "max_contribution_eur_m": math.inf,
            "ground_in_ukraine": True,
        },
        {
            "member_id": "FRA",
            "Member": "France",
            "troop_pool": -1,
            "max_troops_deployed": None,
            "max_contribution_eur_m": 1e308,
            "ground_in_ukraine": False,
        },
        {
            "member_id": "DEU",
            "Member": "Germany",
            "troop_pool": 5_000_001,
            "max_troops_deployed": float("nan"),  # blank: pool / rotation
            "max_contribution_eur_m": "lots",
            "ground_in_ukraine": None,
        },
    ]
    with pytest.raises(InputError) as err:
        caps_from_rows(rows)
    whole = "expected a whole number from 0 to 5,000,000"
    money = "expected a number from 0 to 1,000,000"
    assert [str(p) for p in err.value.problems] == [
        f"Members and their caps, row United Kingdom, column Troop pool: found nothing; {whole}",
        f"Members and their caps, row United Kingdom, column Deployed cap: found 2.5; {whole}",
        "Members and their caps, row United Kingdom, column Money cap (EUR m/yr): found inf; "
        + money,
        f"Members and their caps, row France, column Troop pool: found -1; {whole}",
        f"Members and their caps, row France, column Money cap (EUR m/yr): found 1e+308; {money}",
        f"Members and their caps, row Germany, column Troop pool: found 5000001; {whole}",
        f"Members and their caps, row Germany, column Money cap (EUR m/yr): found 'lots'; {money}",
    ]


def test_the_members_page_rows_give_the_members_taking_part_and_their_caps(dataset):
    base, _ = preset("germany_in")
    members = preset_members(base, dataset)
    start = ScenarioControls.of(base, members, dataset)
    rows = member_rows(members, start.members, start.caps)
    assert [r["member_id"] for r in rows] == list(members)
    assert all(r["takes_part"] for r in rows) == (set(start.members) == set(members))
    assert member_choices_from_rows(rows) == (
        tuple(m for m in members if m in start.members),
        start.caps,
    )
    # no member chosen means every member, as in a scenario file
    assert all(r["takes_part"] for r in member_rows(members, (), start.caps))
    # one member out, one refusing forces outside Ukraine: a scenario without it, an override
    frame = pd.DataFrame(rows)
    frame.loc[frame["member_id"] == "POL", "takes_part"] = False
    frame.loc[frame["member_id"] == "FRA", "outside_ukraine"] = False
    chosen, caps = member_choices_from_rows(frame.to_dict("records"))
    assert "POL" not in chosen and "FRA" in chosen
    controls = dataclasses.replace(start, members=chosen, caps=caps)
    s = apply_scenario_controls(base, controls, members, dataset)
    assert "POL" not in s.members
    assert dict(s.member_overrides["FRA"]) == {"outside_ukraine": False}
    assert not instantiate(s, dataset).data.members["FRA"].outside_ukraine


def test_the_members_page_needs_a_member_taking_part():
    rows = [
        {
            "member_id": "GBR",
            "takes_part": False,
            "Member": "United Kingdom",
            "troop_pool": -5,
            "max_troops_deployed": None,
            "max_contribution_eur_m": 10.0,
            "ground_in_ukraine": True,
            "outside_ukraine": True,
        }
    ]
    with pytest.raises(InputError) as err:
        member_choices_from_rows(rows)
    assert [str(p) for p in err.value.problems] == [
        "Members and their caps, row United Kingdom, column Troop pool: found -5; expected a "
        "whole number from 0 to 5,000,000",
        "Members and their caps, column Takes part: found nothing; expected at least one "
        "member taking part",
    ]


def test_slider_range_holds_a_preset_beyond_the_usual_bounds():
    assert slider_range(0.5, 40.0, 12.0) == (0.5, 40.0)
    assert slider_range(0.5, 40.0, 75.0) == (0.5, 75.0)
    assert slider_range(0, 20000, 50_000) == (0, 50_000)


# --- ranking controls --------------------------------------------------------------------------


def test_ranking_controls_start_from_the_preset():
    base, _ = preset("default")
    c = RankingControls.of(base)
    assert c.weighting is WeightScheme.USER
    assert c.methods == base.ranking.methods and c.consensus == base.ranking.consensus
    assert (c.smaa_draws, c.smaa_method, c.weight_band) == (10_000, "TOPSIS", 0.5)
    top = max(base.weights.values())
    assert max(c.weights.values()) == 10.0
    for cid, w in base.weights.items():  # the sliders keep the preset's proportions (to 0.5)
        assert c.weights[cid] == pytest.approx(10 * w / top, abs=0.25)
    n = len(CRITERIA)
    assert c.ahp == ((1.0,) * n,) * n  # no AHP matrix in the preset: all equal


def test_ranking_controls_start_from_a_preset_with_ahp_and_unknown_methods():
    base, _ = preset("default")
    n = len(CRITERIA)
    ahp = tuple(tuple(2.0 if j > i else 0.5 if j < i else 1.0 for j in range(n)) for i in range(n))
    base = dataclasses.replace(
        base,
        ranking=dataclasses.replace(base.ranking, weighting="ahp", ahp=ahp, methods=("NOPE",)),
    )
    c = RankingControls.of(base)
    assert c.weighting is WeightScheme.AHP and c.ahp == ahp
    assert c.methods == RankingControls.of(preset("default")[0]).methods  # the defaults


def test_the_methods_offered_are_the_methods_of_the_model_each_with_a_line_of_help():
    assert tuple(m.value for m in Method) == OFFERED_METHODS
    assert set(METHOD_HELP) == set(OFFERED_METHODS)
    lines = methods_help().splitlines()
    assert len(lines) == len(OFFERED_METHODS)
    for m, line in zip(OFFERED_METHODS, lines, strict=True):
        assert line.startswith(f"- **{m}**: ") and len(line) > len(m) + 20 and "\n" not in line
    assert [line.split("**")[1] for line in weighting_help().splitlines()] == [
        s.label for s in WeightScheme
    ]
    assert all(s.help for s in WeightScheme)


def controls(**changes) -> RankingControls:
    return dataclasses.replace(RankingControls.of(preset("monitoring_only")[0]), **changes)


@pytest.mark.parametrize("scheme", list(WeightScheme))
def test_the_ranked_scenario_holds_every_ranking_choice(scheme):
    base, _ = preset("monitoring_only")
    n = len(CRITERIA)
    ahp = ahp_matrix([[3.0] * n] * n, [c.label for c in CRITERIA])
    c = controls(
        weighting=scheme,
        weights={"deterrence": 4.0, "nations": 1.0},
        ahp=ahp,
        methods=("VIKOR", "SPOTIS"),
        consensus="copeland",
        smaa_draws=2000,
        smaa_method="VIKOR",
        weight_band=0.2,
        cost_uncertainty=0.15,
    )
    s = ranked_scenario(base, c, uploaded=False)
    assert s.ranking.weighting == str(scheme)
    assert s.ranking.methods == ("VIKOR", "SPOTIS") and s.ranking.consensus == "copeland"
    r = s.robustness
    assert (r.smaa_draws, r.method, r.weight_band, r.cost_uncertainty) == (2000, "VIKOR", 0.2, 0.15)
    if scheme is WeightScheme.USER:
        assert dict(s.weights) == {"deterrence": 4.0, "nations": 1.0}
    else:
        assert s.weights == base.weights  # the preset's weights stay in the file
    assert s.ranking.ahp == (ahp if scheme is WeightScheme.AHP else base.ranking.ahp)
    assert (s.dataset, s.source_path) == (BUNDLED_DATASET, "")
    assert ranked_scenario(base, c, uploaded=True).dataset == UPLOADED_DATASET
    # the rest of the scenario is the scenario's
    same = dataclasses.replace(
        s, weights=base.weights, ranking=base.ranking, robustness=base.robustness
    )
    assert dataclasses.replace(same, dataset=base.dataset, source_path=base.source_path) == base


def test_no_method_chosen_ranks_with_topsis():
    base, _ = preset("monitoring_only")
    assert ranked_scenario(base, controls(methods=()), False).ranking.methods == ("TOPSIS",)


def test_what_stops_a_ranking():
    assert controls().problem() is None
    zero = controls(weighting=WeightScheme.USER, weights={c.criterion_id: 0.0 for c in CRITERIA})
    assert zero.problem() == "Every weight is zero: set at least one weight above zero to rank."
    assert controls(weighting=WeightScheme.EQUAL, weights=zero.weights).problem() is None
    assert "AHP comparisons cannot be used" in str(
        controls(weighting=WeightScheme.AHP, ahp=()).problem()
    )


def test_ranking_controls_are_hashable_values():
    a, b = controls(), controls()
    assert a == b and hash(a) == hash(b)
    assert controls(smaa_draws=1) != a


# --- the AHP grid ------------------------------------------------------------------------------


def test_the_ahp_grid_reads_the_upper_triangle_and_mirrors_it():
    labels = ["A", "B", "C"]
    frame = pd.DataFrame(
        [[1.0, 3.0, 5.0], [7.0, 1.0, 0.5], [9.0, 9.0, 4.0]], index=labels, columns=labels
    )
    values = frame.to_numpy()  # pandas 3: read-only
    values.flags.writeable = False
    m = ahp_matrix(values, labels)
    assert m == (
        (1.0, 3.0, 5.0),
        (1 / 3, 1.0, 0.5),
        (1 / 5, 2.0, 1.0),
    )
    assert not values.flags.writeable and values[1, 0] == 7.0  # the input is untouched
    w, cr = weights_ahp(m)  # a matrix the ranking takes
    assert w.argmax() == 0 and cr >= 0


def test_an_all_equal_grid_gives_equal_ahp_weights():
    n = len(CRITERIA)
    m = ahp_matrix(np.ones((n, n)), [c.label for c in CRITERIA])
    w, cr = weights_ahp(m)
    assert np.allclose(w, 1 / n) and cr == pytest.approx(0.0, abs=1e-9)


def test_ahp_cells_that_cannot_be_used_are_each_named():
    labels = ["Deterrence", "Annual cost", "Nations"]
    grid = [[1, 0, float("nan")], [None, 1, -2], [0, 0, 1]]
    with pytest.raises(InputError) as err:
        ahp_matrix(grid, labels)
    expected = "a number above zero (1 = equally important, 9 = far more, 0.5 = less)"
    assert [str(p) for p in err.value.problems] == [
        f"AHP comparisons, row Deterrence, column Annual cost: found 0; expected {expected}",
        f"AHP comparisons, row Deterrence, column Nations: found nothing; expected {expected}",
        f"AHP comparisons, row Annual cost, column Nations: found -2; expected {expected}",
    ]
    with pytest.raises(InputError):
        ahp_matrix([[1, math.inf], [1, 1]], labels[:2])


# --- widget keys -------------------------------------------------------------------------------


def test_widget_keys_follow_the_preset_name_and_text():
    text = (DATA / "scenarios" / "default.toml").read_text(encoding="utf-8")
    key = controls_key("default", text)
    assert key == controls_key("default", text)
    assert key.startswith("default:") and len(key) == len("default:") + 12
    assert controls_key("default", text + "\n") != key
    assert controls_key("other", text) != key


# --- what changed ------------------------------------------------------------------------------


def summary(top: str | None = "a-1", share: float | None = 0.5, **kw) -> Summary:
    fields = {
        "top": top,
        "top_archetype": "reassurance",
        "top_cost_eur_bn": 1.75,
        "top_troops": 10_020,
        "top_share_first": share,
        "packages": 4,
        "infeasible": (),
        "consensus": {},
        "top_label": "Reassurance force, cheapest",
        "top_kind": "Reassurance force",
    }
    return Summary(**(fields | kw))


def test_what_changed_in_plain_words_with_user_text_escaped():
    before = summary(infeasible=("Tripwire force",))
    after = summary(
        top="b*x*",
        share=0.25,
        packages=6,
        infeasible=("Observer mission",),
        top_label="Hybrid *package*, best at EUR 8 bn",
        top_kind="Hybrid package",
        top_cost_eur_bn=6.93,
        top_troops=20_000,
        top_criteria={"x": 9.0},
    )
    lines = what_changed(before, after, ["Weight on deterrence: 5 → 0"])
    assert lines == [
        "You changed: Weight on deterrence: 5 → 0.",
        r"The top package changed from **Reassurance force, cheapest** to **Hybrid \*package\*, "
        "best at EUR 8 bn**. It is a hybrid package instead of a reassurance force, costs "
        "EUR 6.93 bn a year instead of EUR 1.75 bn and deploys 20,000 troops instead of 10,020.",
        "Its share of first places across weight draws went from 50% to 25%.",
        "Packages: 4 → 6.",
        "No longer possible: Observer mission.",
        "Possible again: Tripwire force.",
    ]
    assert what_changed(None, after, ["x"]) == []
    assert what_changed(summary(), summary(share=0.505), []) == [
        "**Reassurance force, cheapest** stays on top."
    ]
    assert what_changed(summary(), summary(top=None, top_label=""), []) == [
        "No package is ranked now."
    ]


def test_the_top_package_changed_only_when_the_new_one_differs_materially():
    ranges = {"cost": 5.0, "troops": 20_000.0}
    tol = NEAR_DUPLICATE_SHARE
    old = summary(top="hybrid-f8", top_criteria={"cost": 6.9, "troops": 20_000.0}, ranges=ranges)
    twin = summary(
        top="hybrid-a1",
        top_label="Hybrid package, alternative 1",
        top_criteria={"cost": 6.9 + tol * 5.0 * 0.9, "troops": 20_000.0 - tol * 20_000 * 0.9},
        ranges=ranges,
    )
    other = dataclasses.replace(twin, top_criteria={"cost": 6.9 + tol * 5.0 * 1.1, "troops": 2e4})
    assert same_package(old, old) and same_package(old, twin) and not same_package(old, other)
    assert what_changed(old, twin, []) == [
        "The top package is **Hybrid package, alternative 1**, practically the same as before "
        "(**Reassurance force, cheapest**): within 1% of the packages' range on every criterion."
    ]
    assert what_changed(old, other, [])[0].startswith("The top package changed from")
    # without the criteria (an old snapshot) another id is another package
    assert not same_package(summary(top="a"), summary(top="b"))


def test_changes_are_kept_on_a_rerun_and_computed_for_a_new_setting(dataset):
    base, _ = preset("monitoring_only")
    first = Shown("d1", summary(), base)
    assert track_changes(None, first, ("old",)) == ()
    assert track_changes(first, first, ("kept",)) == ("kept",)
    moved = dataclasses.replace(base, weights={**base.weights, "nations": 0.0})
    second = Shown("d2", summary(top="b-2", top_label="Observer mission, best"), moved)
    assert track_changes(first, second, ("old",), dataset) == (
        "You changed: Weight on contributing nations: 2 → 0.",
        "The top package changed from **Reassurance force, cheapest** to **Observer mission, "
        "best**.",
    )


def test_settings_that_differ_are_told_in_peoples_words(dataset):
    base, _ = preset("default")
    changed = dataclasses.replace(
        base,
        budget_eur_bn=0.154,
        weights={**base.weights, "annual_cost_eur_bn": 2.0},
        members=("GBR", "FRA"),
        member_overrides={"FRA": {"troop_pool": 1000, "ground_in_ukraine": False}},
        element_overrides={"sat_tasking": {"cost_eur_m": 12.5}},
        robustness=dataclasses.replace(
            base.robustness, weight_band=None, smaa_draws=2000, cost_uncertainty=0.2
        ),
        us_backstop=USBackstop.ARTICLE5,
        cost_basis=CostBasis.INCREMENTAL,
        ranking=dataclasses.replace(base.ranking, weighting="entropy", consensus="copeland"),
    )
    sat = dataset.elements["sat_tasking"]
    rows = describe_settings(base, changed, dataset)
    assert rows == [
        ("Annual budget", "EUR 8.00 bn a year", "EUR 154 m a year"),
        ("Cost basis", "full", "incremental"),
        (f"{sat.name}: cost per unit", f"EUR {sat.cost_eur_m:,.0f} m a year", "EUR 12 m a year"),
        ("France: troops in Ukraine", "yes", "no"),
        ("France: troop pool", "24,000", "1,000"),
        ("Members taking part", "all", "United Kingdom, France"),
        ("Consensus rule", "Borda", "Copeland"),
        ("Weighting", "my weights", "entropy"),
        ("Cost uncertainty", "the data's cost ranges", "±20%"),
        ("SMAA weight draws", "10,000", "2,000"),
        ("Weight band", "±50%", "uniform over every weighting"),
        ("US backstop", "air power and ISR", "Article 5-like pledge"),
        ("Weight on annual cost", "4", "2"),
    ]
    shown = " ".join(" ".join(r) for r in rows)
    for raw in ("member_overrides", "weights.", "robustness.", "None", "sat_tasking", "->"):
        assert raw not in shown


def test_diff_settings_leaves_out_names_and_the_dataset():
    base, _ = preset("monitoring_only")
    other = dataclasses.replace(
        base, name="x", description="y", dataset="uploaded_data", budget_eur_bn=2.0
    )
    assert diff_settings(base, other) == [("budget_eur_bn", 1.5, 2.0)]
    # an override where there was none: one line, not "member_overrides {} -> None" as well
    capped = dataclasses.replace(base, member_overrides={"GBR": {"troop_pool": 5}})
    assert diff_settings(base, capped) == [("member_overrides.GBR.troop_pool", None, 5)]


def snapshot(budget: float = 1.5) -> Snapshot:
    base, _ = preset("monitoring_only")
    return Snapshot(
        scenario=dataclasses.replace(base, budget_eur_bn=budget, source_path=""),
        summary=summary(top_criteria={"deterrence": 3.0}, ranges={"deterrence": 2.0}),
        criteria={"a-1": {"deterrence": 3.0, "annual_cost_eur_bn": 0.154}},
        labels={"a-1": "Reassurance force, cheapest"},
        data_digest="abc",
    )


def test_snapshots_saved_as_json_come_back_as_they_were():
    snaps = {"first": snapshot(), "second, cheaper": snapshot(0.5)}
    raw = snapshots_to_json(snaps).encode()
    assert read_uploaded_snapshots("snapshots.json", raw) == snaps


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(format="other"),
            "uploaded s.json, key format: found 'other'; expected format 'mcdm-snapshots'",
        ),
        (
            lambda d: d["snapshots"][0]["summary"].update(top_cost_eur_bn="cheap"),
            "uploaded s.json, snapshot 1, key summary.top_cost_eur_bn: found 'cheap'; "
            "expected a finite number or nothing",
        ),
        (
            lambda d: d["snapshots"][0].update(scenario_toml='name = "x"\nbudget_eur_bn = -1\n'),
            "uploaded s.json, snapshot 1 (first), key budget_eur_bn: found -1.0; expected an "
            "annual budget > 0 (EUR bn) and <= 1,000",
        ),
        (
            lambda d: d.update(snapshots=[d["snapshots"][0]] * (MAX_SNAPSHOTS + 1)),
            f"uploaded s.json, key snapshots: found {MAX_SNAPSHOTS + 1}; expected a list of at "
            f"most {MAX_SNAPSHOTS} snapshots",
        ),
    ],
)
def test_a_snapshots_file_that_cannot_be_used_is_named(change, expected):
    doc = json.loads(snapshots_to_json({"first": snapshot()}))
    change(doc)
    with pytest.raises(InputError) as err:
        read_uploaded_snapshots("s.json", json.dumps(doc).encode())
    assert [str(p) for p in err.value.problems][:1] == [expected]


def test_a_snapshots_file_with_nan_or_not_json_is_refused():
    raw = snapshots_to_json({"first": snapshot()}).replace('"deterrence": 3.0', '"deterrence": NaN')
    for bad in (raw.encode(), b"\xff", b"[1, 2"):
        with pytest.raises(InputError) as err:
            read_uploaded_snapshots("s.json", bad)
        assert str(err.value.problems[0]).startswith("uploaded s.json: found ")


def test_the_snapshot_store_keeps_each_sessions_snapshots_under_an_unguessable_key():
    store = SnapshotStore(max_keys=2)
    k1, s1 = store.new()
    s1["first"] = snapshot()
    assert store.get(k1) is s1 and len(k1) >= 20
    k2, _ = store.new()
    assert k2 != k1 and store.get("nope") is None
    store.get(k1)  # k1 used last: k2 goes first
    store.new()
    assert store.get(k1) is s1 and store.get(k2) is None


def test_snapshot_names():
    assert snapshot_name("  mine ", 3) == "mine"
    assert snapshot_name("  ", 3) == "setting 4"


def test_the_context_finds_the_top_package():
    inst = instantiate(*preset("monitoring_only"))
    ctx = Context(inst, PackageSet((), ()), None)
    assert ctx.package_ids == [] and ctx.top_index == 0
    assert ctx.export_scenario is inst.scenario


# --- uploads -----------------------------------------------------------------------------------


def test_an_uploaded_scenario_is_checked_against_the_data(dataset):
    raw = (DATA / "scenarios" / "monitoring_only.toml").read_bytes()
    scenario, text = read_uploaded_scenario("mine.toml", raw, dataset)
    assert scenario.name == "monitoring_only" and text == raw.decode("utf-8")
    bad_member = raw.replace(
        b'archetypes = ["observer"', b'members = ["XXX"]\narchetypes = ["observer"'
    )
    with pytest.raises(InputError) as err:
        read_uploaded_scenario("mine.toml", bad_member, dataset)
    assert "XXX" in str(err.value.problems[0]) and "mine.toml" in str(err.value.problems[0])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b"name = ",
            "mine.toml: found 'Invalid value (at end of document)'; expected a UTF-8 "
            "TOML scenario file",
        ),
        (
            b'name = "\xe9"',
            "mine.toml: found \"'utf-8' codec can't decode byte 0xe9 in position "
            '8: invalid continuation byte"; expected a UTF-8 TOML scenario file',
        ),
        (
            b"#" * (MAX_UPLOAD_BYTES + 1),
            f"mine.toml: found {MAX_UPLOAD_BYTES + 1}; expected a "
            f"file of at most {MAX_UPLOAD_BYTES:,} bytes",
        ),
    ],
)
def test_an_uploaded_scenario_that_cannot_be_read(dataset, raw, expected):
    with pytest.raises(InputError) as err:
        read_uploaded_scenario("mine.toml", raw, dataset)
    assert [str(p) for p in err.value.problems] == [expected]


def test_uploaded_data_files_are_checked_one_by_one_then_validated_together():
    members = (DATA / "members.csv").read_bytes()
    names, data = read_uploaded_data([("members.csv", members)], DATA)
    assert names == ("members.csv",)
    assert data.digest == load_dataset(DATA).digest  # the same files as the bundled data
    with pytest.raises(InputError) as err:
        read_uploaded_data(
            [
                ("notes.txt", b"x"),
                ("elements.csv", b"id\n\xe9t\xe9\n"),
                ("availability.csv", b"x" * (MAX_UPLOAD_BYTES + 1)),
            ],
            DATA,
        )
    assert [str(p) for p in err.value.problems] == [
        "notes.txt: found 'notes.txt'; expected one of members.csv, elements.csv, "
        "availability.csv, archetypes.toml, parameters.toml, restrictions.csv",
        "elements.csv: found \"byte b'\\\\xe9' at offset 3\"; expected UTF-8 text (save the file "
        "as CSV UTF-8)",
        f"availability.csv: found {MAX_UPLOAD_BYTES + 1}; expected a file of at most "
        f"{MAX_UPLOAD_BYTES:,} bytes",
    ]
    broken = members.replace(b"3588,81.76,138100,24000", b"3588,81.76,138100,-24000")
    with pytest.raises(InputError) as err:
        read_uploaded_data([("members.csv", broken)], DATA)
    assert any(
        str(p).endswith(
            "members.csv, row 2, column troop_pool: found '-24000'; expected a whole number >= 0"
        )
        for p in err.value.problems
    )
