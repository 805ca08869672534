"""The app's state transitions (mcdm.session), without Streamlit: controls to a scenario, caps
edits, the AHP grid, the ranked scenario, what changed, snapshots and uploads."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mcdm.criteria import CRITERIA
from mcdm.errors import InputError
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.model import USBackstop
from mcdm.packages import PackageSet
from mcdm.ranking import weights_ahp
from mcdm.session import (
    BUNDLED_DATASET,
    MAX_UPLOAD_BYTES,
    UPLOADED_DATASET,
    Context,
    MemberCaps,
    RankingControls,
    ScenarioControls,
    Shown,
    Summary,
    WeightScheme,
    ahp_matrix,
    apply_scenario_controls,
    caps_from_rows,
    caps_rows,
    controls_key,
    diff_settings,
    preset_members,
    ranked_scenario,
    read_uploaded_data,
    read_uploaded_scenario,
    slider_range,
    snapshot_name,
    track_changes,
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
    )
    s = apply_scenario_controls(base, controls, members, dataset)
    assert (s.budget_eur_bn, s.rotation_factor, s.line_length_km) == (7.5, 3.0, 900.0)
    assert s.us_backstop is USBackstop.NONE
    assert s.members == ("GBR", "FRA") and s.archetypes == ("observer",)
    assert s.member_overrides == base.member_overrides  # no cap was edited
    instance = instantiate(s, dataset)  # a scenario the pipeline takes
    assert set(instance.data.members) == {"GBR", "FRA"}


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
    assert caps["GBR"] == MemberCaps(12_000, None, members["GBR"].max_contribution_eur_m, True)
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
    ]
    with pytest.raises(InputError) as err:
        caps_from_rows(rows)
    assert [str(p) for p in err.value.problems] == [
        "Members and their caps, row United Kingdom, column Troop pool: found nothing; "
        "expected a whole number >= 0",
        "Members and their caps, row United Kingdom, column Deployed cap: found 2.5; "
        "expected a whole number >= 0",
        "Members and their caps, row United Kingdom, column Money cap (EUR m/yr): found inf; "
        "expected a number >= 0",
        "Members and their caps, row France, column Troop pool: found -1; "
        "expected a whole number >= 0",
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
        "top_archetype": "a",
        "top_cost_eur_bn": 1.0,
        "top_troops": 10,
        "top_share_first": share,
        "packages": 4,
        "infeasible": (),
        "consensus": {},
    }
    return Summary(**(fields | kw))


def test_what_changed_in_plain_words_with_user_text_escaped():
    before = summary(infeasible=("tripwire",))
    after = summary(top="b*x*", share=0.25, packages=6, infeasible=("observer",))
    lines = what_changed(before, after, ["weights.deterrence 5.0 → 0.0"])
    assert lines == [
        "You changed: weights.deterrence 5.0 → 0.0.",
        r"The top package changed from **a-1** to **b\*x\***.",
        "Its share of first places across weight draws went from 50% to 25%.",
        "Packages: 4 → 6.",
        "No longer possible: observer.",
        "Possible again: tripwire.",
    ]
    assert what_changed(None, after, ["x"]) == []
    assert what_changed(summary(), summary(share=0.505), []) == ["**a-1** stays on top."]


def test_changes_are_kept_on_a_rerun_and_computed_for_a_new_setting():
    base, _ = preset("monitoring_only")
    first = Shown("d1", summary(), base)
    assert track_changes(None, first, ("old",)) == ()
    assert track_changes(first, first, ("kept",)) == ("kept",)
    moved = dataclasses.replace(base, weights={**base.weights, "nations": 0.0})
    second = Shown("d2", summary(top="b-2"), moved)
    assert track_changes(first, second, ("old",)) == (
        "You changed: weights.nations 2.0 → 0.0.",
        "The top package changed from **a-1** to **b-2**.",
    )


def test_diff_settings_leaves_out_names_and_the_dataset():
    base, _ = preset("monitoring_only")
    other = dataclasses.replace(
        base, name="x", description="y", dataset="uploaded_data", budget_eur_bn=2.0
    )
    assert diff_settings(base, other) == [("budget_eur_bn", 1.5, 2.0)]


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
        "availability.csv, archetypes.toml, parameters.toml",
        "elements.csv: found \"byte b'\\\\xe9' at offset 3\"; expected UTF-8 text (save the file "
        "as CSV UTF-8)",
        f"availability.csv: found {MAX_UPLOAD_BYTES + 1}; expected a file of at most "
        f"{MAX_UPLOAD_BYTES:,} bytes",
    ]
    broken = members.replace(b"3588,81.76,138100,40000", b"3588,81.76,138100,-40000")
    with pytest.raises(InputError) as err:
        read_uploaded_data([("members.csv", broken)], DATA)
    assert any(
        str(p).endswith(
            "members.csv, row 2, column troop_pool: found '-40000'; expected a whole number >= 0"
        )
        for p in err.value.problems
    )
