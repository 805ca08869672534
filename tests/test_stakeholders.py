"""Several stakeholders: ranks, regret and acceptable-to-all on hand-computed cases, the
[stakeholders.NAME] tables and their errors, stakeholders.csv, and the Stakeholders page."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA
from mcdm.errors import InputError, RankingError
from mcdm.instance import instantiate
from mcdm.io._parse import display
from mcdm.io.load import load_scenario
from mcdm.io.scenario import dump_scenario_toml, read_scenario, scenario_to_dict
from mcdm.pipeline import package_matrix, run_scenario, write_run
from mcdm.ranking import rank_matrix, weights_ahp
from mcdm.results import DecisionMatrix
from mcdm.session import add_profile, profile_rows, profiles_from_rows, profiles_key
from mcdm.stakeholders import (
    Profile,
    StakeholderComparison,
    compare_stakeholders,
    kendall_tau,
    scenario_profiles,
    summary_lines,
    with_profiles,
)
from tests.conftest import DATA
from tests.test_app import APP, editor_state, monitoring_app
from tests.test_io import BASE, scenario_problems, write_scenario

# --- hand-computed cases -------------------------------------------------------------------------


def test_regret_and_acceptable_to_all_by_hand():
    """Packages A, B, C; profile P ranks them 1, 2, 3 and profile Q 3, 1, 2.

    Regret (places below each profile's first choice): P: A 0, B 1, C 2; Q: A 2, B 0, C 1.
    Worst case: A 2, B 1, C 2, so B has the least; A and C tie at 2 and A goes first (total of
    ranks 4 against 5). In both tops of 2: only B. Kendall's tau-b: of the pairs AB, AC, BC
    only BC is ordered alike, so (1 - 2) / 3 = -1/3.
    """
    c = StakeholderComparison(
        profiles=(Profile("P"), Profile("Q")),
        packages=("A", "B", "C"),
        ranks=np.array([[1, 3], [2, 1], [3, 2]]),
        top_k=2,
    )
    assert c.regret.tolist() == [[0, 2], [1, 0], [2, 1]]
    assert c.worst_case_regret.tolist() == [2, 1, 2]
    assert c.least_regret == "B"
    assert c.acceptable_to_all == ("B",)
    assert c.tops == {"P": "A", "Q": "B"}
    assert c.kendall_tau().loc["P", "Q"] == pytest.approx(-1 / 3)
    assert list(c.frame()["package_id"]) == ["B", "A", "C"]
    assert dataclasses.replace(c, top_k=1).acceptable_to_all == ()
    assert dataclasses.replace(c, top_k=3).acceptable_to_all == ("B", "A", "C")


def test_regret_counts_from_a_tied_first_place():
    """P ties A and B first (1.5 each): neither stands below P's first choice."""
    c = StakeholderComparison(
        profiles=(Profile("P"),), packages=("A", "B", "C"), ranks=np.array([[1.5], [1.5], [3]])
    )
    assert c.regret[:, 0].tolist() == [0, 0, 1.5]
    assert c.least_regret == "A"  # tie on regret and rank: the earlier package


def test_kendall_tau_b_with_ties_by_hand():
    """a = (1, 2, 2), b = (1, 2, 3): pairs 12 and 13 concordant, 23 tied in a only, so
    tau-b = 2 / sqrt((3 - 1) * 3) = 0.8165; a ranking that ties everything has no tau."""
    assert kendall_tau([1, 2, 2], [1, 2, 3]) == pytest.approx(2 / math.sqrt(6))
    assert kendall_tau([1, 2, 3], [3, 2, 1]) == -1.0
    assert math.isnan(kendall_tau([1, 1, 1], [1, 2, 3]))


TRADE_OFF = DecisionMatrix(("A", "B", "C"), ("c1", "c2"), [[10, 0], [6, 6], [0, 10]], (1, 1))


def test_two_opposed_profiles_agree_on_the_compromise():
    """A is best on c1, C on c2, B halfway. P weighs only c1 (ranks A, B, C), Q only c2
    (C, B, A): B is second for both, A and C last for one; B has the least worst-case regret
    (1 place) and is the only package in both tops of 2."""
    c = compare_stakeholders(
        TRADE_OFF,
        [Profile("P", {"c1": 1.0}, label="Pays"), Profile("Q", {"c2": 1.0})],
        ("TOPSIS",),
        top_k=2,
    )
    assert c.ranks.tolist() == [[1, 3], [2, 2], [3, 1]]
    assert c.least_regret == "B" and c.worst_case_regret.tolist() == [2, 1, 2]
    assert c.acceptable_to_all == ("B",)
    assert c.kendall_tau().loc["P", "Q"] == -1.0
    assert summary_lines(c) == [
        "Each stakeholder's first choice: A for Pays; C for Q.",
        "The stakeholders' first choices differ (2 packages).",
        "Least worst-case regret: B, at most 1 place below any stakeholder's first choice "
        "(ranks: Pays 2, Q 2).",
        "Acceptable to all (in every stakeholder's top 2): B.",
    ]


def test_each_profile_is_ranked_on_the_runs_ranking_path(dataset):
    """The ranks are the consensus ranks that rank_matrix gives for the profile's weights; an
    AHP profile ranks as its AHP weights do."""
    rng = np.random.default_rng(7)
    values = rng.uniform(1, 10, size=(6, 3))
    m = DecisionMatrix(tuple("ABCDEF"), ("x", "y", "z"), values, (1, -1, 1))
    ahp = ((1.0, 3.0, 5.0), (1 / 3, 1.0, 2.0), (1 / 5, 1 / 2, 1.0))
    profiles = [Profile("p", {"x": 1.0, "y": 4.0, "z": 2.0}), Profile("q", ahp=ahp)]
    c = compare_stakeholders(m, profiles, consensus="copeland")
    p_ranks = rank_matrix(m, {"x": 1.0, "y": 4.0, "z": 2.0}, consensus="copeland").consensus
    w, _ = weights_ahp(ahp)
    q_ranks = rank_matrix(m, w, consensus="copeland").consensus
    assert c.ranks[:, 0].tolist() == list(p_ranks)
    assert c.ranks[:, 1].tolist() == list(q_ranks)


def test_an_inconsistent_ahp_profile_is_warned_about_by_name():
    cycle = ((1.0, 9.0, 1 / 9), (1 / 9, 1.0, 9.0), (9.0, 1 / 9, 1.0))  # x > y > z > x
    m = DecisionMatrix(("A", "B", "C"), ("x", "y", "z"), np.eye(3), (1, 1, 1))
    c = compare_stakeholders(m, [Profile("loop", ahp=cycle, label="Loop")], ("TOPSIS",))
    (msg,) = c.warnings()
    assert msg.startswith("Stakeholder 'Loop': The AHP comparisons are inconsistent")


def test_a_profile_that_cannot_rank_is_named():
    flat = DecisionMatrix(("A", "B"), ("c1", "c2"), [[1, 5], [1, 7]], (1, 1))
    with pytest.raises(RankingError, match=r"stakeholder 'Flat' \(flat\): no criterion"):
        compare_stakeholders(flat, [Profile("flat", {"c1": 1.0}, label="Flat")], ("TOPSIS",))


# --- scenario files ----------------------------------------------------------------------------


CRITERIA_LIST = ", ".join(c.criterion_id for c in CRITERIA)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "[stakeholders.cost_first]\ndeterence = 1\n",
            "key stakeholders.cost_first.deterence: found 'deterence'; expected a criterion, "
            f"'label' or 'ahp' (did you mean 'deterrence'?): {CRITERIA_LIST}",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = -1\nnations = 1\n",
            "key stakeholders.cost_first.deterrence: found -1.0; expected a weight between 0 and "
            "1,000,000",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = inf\nnations = 1\n",
            "key stakeholders.cost_first.deterrence: found inf; expected a weight between 0 and "
            "1,000,000",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = 1e308\n",
            "key stakeholders.cost_first.deterrence: found 1e+308; expected a weight between 0 "
            "and 1,000,000",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = 0\nnations = 0\n",
            "key stakeholders.cost_first: found {'deterrence': 0.0, 'nations': 0.0}; expected at "
            "least one weight > 0",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = 'a lot'\n",
            "key stakeholders.cost_first.deterrence: found 'a lot'; expected a valid number, "
            "unable to parse string as a number",
        ),
        (
            '[stakeholders."cost first"]\ndeterrence = 1\n',
            "key stakeholders.cost first: found 'cost first'; expected a profile name that is an "
            "id: 1-64 letters (A-Z, a-z), digits, '_' or '-', starting with a letter or digit",
        ),
        (
            "[stakeholders.cost_first]\nlabel = 'Cost first'\n",
            "key stakeholders.cost_first: found nothing; expected weights for the criteria, as "
            "in [weights], or an ahp matrix",
        ),
        (
            "[stakeholders.cost_first]\nlabel = 3\ndeterrence = 1\n",
            "key stakeholders.cost_first.label: found 3; expected text of 1-200 characters (the "
            "profile's name for people)",
        ),
        (
            "[stakeholders.cost_first]\ndeterrence = 1\nahp = [[1, 2], [0.5, 1]]\n"
            "[ranking]\ncriteria = ['deterrence', 'nations']\n",
            "key stakeholders.cost_first: found ['deterrence']; expected either weights or an "
            "ahp matrix, not both",
        ),
        (
            "[stakeholders.cost_first]\nahp = [[1, 2], [0.5, 1]]\n",
            "key stakeholders.cost_first.ahp: found '2 rows of 2 numbers'; expected a 10 x 10 "
            "matrix of pairwise comparisons, one row and column per ranked criterion in the "
            f"order {CRITERIA_LIST}",
        ),
        (
            "[stakeholders.cost_first]\nahp = [[1, 0], [0.5, 1]]\n"
            "[ranking]\ncriteria = ['deterrence', 'nations']\n",
            "key stakeholders.cost_first.ahp[1][2]: found 0.0; expected a comparison between "
            "0.001 and 1,000 (1 = equally important, 9 = far more important, 1/9 = far less)",
        ),
        (
            "stakeholders = 3\n",
            "key stakeholders: found 3; expected a valid dictionary",
        ),
    ],
    ids=lambda v: v.split("\n")[0][:40] if isinstance(v, str) else None,
)
def test_bad_profile_is_reported_with_file_key_value_and_expectation(data_copy, body, expected):
    path = write_scenario(data_copy, BASE + body)
    assert scenario_problems(path) == [msg_of(path, expected)]


def msg_of(path: Path, expected: str) -> str:
    """A problem's text for the scenario file ``path`` (named as messages name it)."""
    return f"{display(path)}, {expected}"


def test_too_many_profiles_are_refused(data_copy):
    tables = "".join(f"[stakeholders.p{i}]\nnations = 1\n" for i in range(21))
    path = write_scenario(data_copy, BASE + tables)
    assert scenario_problems(path) == [
        msg_of(
            path,
            "key stakeholders: found '21 profiles'; expected at most 20 stakeholder profiles "
            "([stakeholders.NAME] tables)",
        )
    ]


def test_profiles_are_read_typed_and_round_trip_through_toml(tmp_path):
    scenario = read_scenario(DATA / "scenarios" / "three_capitals.toml")
    profiles = scenario_profiles(scenario)
    assert [p.name for p in profiles] == ["cost_first", "deterrence_first", "exposure_averse"]
    assert all("illustrative" in p.label for p in profiles)
    assert "not any government's view" in scenario.description
    assert profiles[0].weights["annual_cost_eur_bn"] == 8.0
    with pytest.raises(TypeError):
        scenario.stakeholders["cost_first"]["deterrence"] = 0  # type: ignore[index]
    path = tmp_path / "copy.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    again = read_scenario(path)
    assert dataclasses.replace(again, source_path="") == dataclasses.replace(
        scenario, source_path=""
    )
    ahp = with_profiles(scenario, [Profile("a", ahp=((1.0, 2.0), (0.5, 1.0)), label="A")])
    ahp = dataclasses.replace(
        ahp, ranking=dataclasses.replace(ahp.ranking, criteria=("deterrence", "nations"))
    )
    path.write_text(dump_scenario_toml(ahp), encoding="utf-8")
    assert scenario_profiles(read_scenario(path)) == scenario_profiles(ahp)


def test_a_scenario_without_profiles_is_written_as_before():
    scenario = read_scenario(DATA / "scenarios" / "default.toml")
    assert "stakeholders" not in scenario_to_dict(scenario)
    assert "stakeholders" not in dump_scenario_toml(scenario)
    three = read_scenario(DATA / "scenarios" / "three_capitals.toml")
    # the illustrative scenario is the default one with profiles added
    assert dataclasses.replace(
        three, name="default", description=scenario.description, stakeholders={}, source_path=""
    ) == dataclasses.replace(scenario, source_path="")


# --- stakeholders.csv --------------------------------------------------------------------------

TWO_PROFILES = {
    "cheap": {"label": "Cheap (illustrative)", "annual_cost_eur_bn": 5.0, "nations": 1.0},
    "watchful": {"early_warning_pct": 5.0, "troops_exposed": 2.0},
}


@pytest.fixture(scope="module")
def small_run(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    scenario = dataclasses.replace(
        scenario,
        frontier=dataclasses.replace(scenario.frontier, levels=3, alternatives=1),
        stakeholders=TWO_PROFILES,
    )
    return run_scenario(instantiate(scenario, dataset), prices=False, reversal=False)


def test_stakeholders_csv_has_a_row_a_package_and_the_documented_columns(tmp_path, small_run):
    out = write_run(small_run, tmp_path / "run")
    table = pd.read_csv(out / "stakeholders.csv")
    assert list(table.columns) == [
        "package_id",
        "label",
        "rank_cheap",
        "rank_watchful",
        "worst_case_regret",
        "acceptable_to_all",
    ]
    packages = pd.read_csv(out / "packages.csv")
    assert sorted(table["package_id"]) == sorted(packages["package_id"])
    labels = dict(zip(packages["package_id"], packages["label"], strict=True))
    assert [labels[p] for p in table["package_id"]] == list(table["label"])
    # the ranks are each profile's consensus ranks, computed here on the ranking path itself
    matrix = package_matrix(small_run.packages)
    s = small_run.instance.scenario
    for name, weights in TWO_PROFILES.items():
        w = {k: v for k, v in weights.items() if k != "label"}
        ranking = rank_matrix(matrix, w, s.ranking.methods, s.ranking.consensus)
        expected = dict(zip(matrix.alternatives, ranking.consensus, strict=True))
        assert table[f"rank_{name}"].tolist() == [expected[p] for p in table["package_id"]]
    ranks = table[["rank_cheap", "rank_watchful"]]
    regret = (ranks - ranks.min()).max(axis=1)
    assert table["worst_case_regret"].tolist() == regret.tolist()
    assert table["worst_case_regret"].is_monotonic_increasing  # least regret first
    assert table["acceptable_to_all"].tolist() == (ranks <= 3).all(axis=1).tolist()
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    summary = meta["stakeholders"]
    assert summary["least_regret"]["package_id"] == table["package_id"][0]
    assert summary["acceptable_to_all"] == list(table["package_id"][table["acceptable_to_all"]])
    assert [p["name"] for p in summary["profiles"]] == ["cheap", "watchful"]
    assert meta["scenario"]["stakeholders"]["cheap"]["label"] == "Cheap (illustrative)"


def test_without_profiles_there_is_no_stakeholders_file(tmp_path, small_run):
    plain = dataclasses.replace(small_run.instance.scenario, stakeholders={}, source_path="x.toml")
    result = run_scenario(instantiate(plain, small_run.instance.data), prices=False)
    out = write_run(result, tmp_path / "run")
    assert not (out / "stakeholders.csv").exists()
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "stakeholders" not in meta and "stakeholders" not in meta["scenario"]


# --- the page's state --------------------------------------------------------------------------


def rows_of(profiles, scenario) -> list[dict]:
    return [dict(r) for r in profile_rows(profiles, scenario)]


def test_edited_weights_become_a_profile_and_untouched_ones_stay(dataset):
    scenario = read_scenario(DATA / "scenarios" / "three_capitals.toml")
    ahp = Profile("ahp_one", ahp=tuple((1.0,) * 10 for _ in range(10)), label="AHP")
    profiles = (*scenario_profiles(scenario), ahp)
    rows = rows_of(profiles, scenario)
    assert rows[0]["ahp_one"] == 10.0  # equal comparisons: 10% each
    rows[0]["cost_first"] = 7.5  # deterrence
    out = profiles_from_rows(rows, profiles, scenario)
    assert out[1:] == profiles[1:]
    assert out[0].weights["deterrence"] == 7.5 and out[0].label == profiles[0].label


def test_bad_cells_are_reported_by_row_and_column():
    scenario = read_scenario(DATA / "scenarios" / "three_capitals.toml")
    profiles = scenario_profiles(scenario)[:2]
    rows = rows_of(profiles, scenario)
    rows[0]["cost_first"] = -1.0
    rows[1]["deterrence_first"] = None
    for r in rows:
        r["deterrence_first"] = 0.0 if r["deterrence_first"] is not None else None
    with pytest.raises(InputError) as exc:
        profiles_from_rows(rows, profiles, scenario)
    assert [str(p) for p in exc.value.problems] == [
        "Stakeholder weights, row Deterrence, column Cost first (illustrative): found -1.0; "
        "expected a weight between 0 and 1,000,000",
        "Stakeholder weights, row Annual cost, column Deterrence first (illustrative): found "
        "nothing; expected a weight between 0 and 1,000,000",
    ]
    rows[0]["cost_first"] = 1.0
    rows[1]["deterrence_first"] = 0.0
    with pytest.raises(InputError, match=r"column Deterrence first .*at least one ranked"):
        profiles_from_rows(rows, profiles, scenario)


def test_new_profiles_copy_the_current_weights_up_to_the_limit():
    one = add_profile((), {"deterrence": 0.5, "nations": 0.25})
    assert one[0].name == "profile_1" and one[0].weights["deterrence"] == 10.0
    assert one[0].weights["nations"] == 5.0 and one[0].weights["annual_cost_eur_bn"] == 0.0
    two = add_profile(one, {"nations": 1.0})
    assert [p.name for p in two] == ["profile_1", "profile_2"]
    many = tuple(Profile(f"p{i}", {"nations": 1.0}) for i in range(20))
    with pytest.raises(InputError, match="at most 20 stakeholder profiles"):
        add_profile(many, {"nations": 1.0})


# --- the page ----------------------------------------------------------------------------------

PAGE = "app_pages/stakeholders.py"


def test_page_offers_to_start_from_the_current_weights_and_reranks_edits_without_solving():
    at = monitoring_app()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert any("has no stakeholder profiles" in i.value for i in at.info)
    pset = at.session_state["ctx"].pset
    at.button(key=next(b.key for b in at.button if b.key.startswith("stakeholders_start"))).click()
    at.run()
    ctx = at.session_state["ctx"]
    assert ctx.pset is pset  # no new solve
    add = next(b.key for b in at.button if b.key.startswith("stakeholders_add"))
    at.button(key=add).click().run()
    assert not at.exception, at.exception
    scenario = ctx.export_scenario
    (profiles,) = at.session_state["stakeholder_profiles"].values()
    assert [p.name for p in profiles] == ["profile_1", "profile_2"]
    # the second capital cares only about how many nations take part
    key = f"stakeholder_weights:{profiles_key(with_profiles(scenario, profiles))}"

    def only(criterion: str) -> dict[str, object]:
        return editor_state(
            {i: {"profile_2": 10.0 if c.criterion_id == criterion else 0.0}
             for i, c in enumerate(CRITERIA)}
        )  # fmt: skip

    at.session_state[key] = only("nations")
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["ctx"].pset is pset
    edited = (profiles[0], Profile("profile_2", {"nations": 10.0}, label=profiles[1].label))

    def compared(profiles):
        labels = {p.package_id: p.label for p in pset.packages}
        s = scenario.ranking
        return compare_stakeholders(
            package_matrix(pset), profiles, s.methods, s.consensus, labels=labels
        )

    expected = compared(edited)
    assert summary_lines(expected)[0] != summary_lines(compared(profiles))[0]  # the edit tells
    shown = [m.value for m in at.markdown]
    assert escape_markdown(summary_lines(expected)[0]) in shown
    assert escape_markdown(summary_lines(expected)[2]) in shown
    assert any(m.startswith("Least worst-case regret: ") for m in shown)
    table = next(d.value for d in at.dataframe if "Package" in d.value.columns)
    assert list(table["Package"]) == [expected.name_of(p) for p in expected.frame()["package_id"]]
    # a profile that weighs only a criterion on which every package scores the same
    at.session_state[key] = only("air_defence_k_km2")
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [
        "The profiles could not be compared: stakeholder 'Profile 2 (from the current "
        "weights)' (profile_2): no criterion tells the alternatives apart (all are constant or "
        "weighted 0)"
    ]


def test_page_shows_the_scenarios_own_profiles_as_mcdm_run_ranks_them():
    text = (DATA / "scenarios" / "monitoring_only.toml").read_text(encoding="utf-8")
    text = text.replace('name = "monitoring_only"', 'name = "monitoring_two"')
    text += "\n[frontier]\nlevels = 3\nalternatives = 1\n"
    for name, table in TWO_PROFILES.items():
        text += f"\n[stakeholders.{name}]\n" + "".join(
            f"{k} = {json.dumps(v)}\n" for k, v in table.items()
        )
    at = AppTest.from_file(APP, default_timeout=600)
    at.session_state["uploaded_scenarios"] = {"uploaded: monitoring_two": text}
    at.session_state["preset"] = "uploaded: monitoring_two"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    ctx = at.session_state["ctx"]
    run = ctx.analysis.stakeholders  # what `mcdm run` writes for this scenario
    assert run is not None
    shown = [m.value for m in at.markdown]
    assert all(escape_markdown(line) in shown for line in summary_lines(run))
    editor = next(d.value for d in at.dataframe if "Criterion" in d.value.columns)
    assert list(editor.columns) == ["criterion", "Criterion", "cheap", "watchful"]
    assert editor.set_index("criterion").loc["annual_cost_eur_bn", "cheap"] == 5.0
