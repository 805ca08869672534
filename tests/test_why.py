"""Why a package wins: contributions against pymcdm, PROMETHEE I and GAIA on hand-computed
cases, the "wins on ... loses on ..." sentence, and the robustness statements."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from pymcdm import methods as pm
from pymcdm.methods.partial import PROMETHEE_I

from mcdm.briefing import describe_top
from mcdm.cells import escape_markdown
from mcdm.criteria import CRITERIA_BY_ID
from mcdm.headline import package_name, recommendation_sentence
from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.model import Method, SolverSettings
from mcdm.packages import generate_packages
from mcdm.pipeline import analyse_packages
from mcdm.ranking import prepare_values
from mcdm.recommend import Contender, Recommendation
from mcdm.results import DecisionMatrix, Package, PackageKind, SolveStatus
from mcdm.session import weight_help
from mcdm.why import (
    PrometheeFlows,
    contenders_table,
    contributions,
    gaia,
    promethee_flows,
    promethee_one,
    promethee_one_sentence,
    promethee_one_table,
    reference_for,
    score_breakdown,
    sensitivity_line,
    stability_lines,
    versus_sentence,
    why_it_wins,
)
from tests.conftest import DATA

# Five packages on four criteria (deterrence and early warning: benefits; cost and troops
# exposed: costs), with a zero in a cost column as the real matrices have.
MATRIX = DecisionMatrix(
    ("a", "b", "c", "d", "e"),
    ("deterrence", "annual_cost_eur_bn", "troops_exposed", "early_warning_pct"),
    np.array(
        [
            [300.0, 6.8, 14000.0, 100.0],
            [120.0, 1.7, 10000.0, 40.0],
            [200.0, 4.0, 0.0, 80.0],
            [60.0, 0.9, 0.0, 95.0],
            [250.0, 8.4, 20000.0, 60.0],
        ]
    ),
    (1, -1, -1, 1),
)
WEIGHTS = np.array([0.4, 0.3, 0.2, 0.1])


def _prefs(body, values=MATRIX.values, w=WEIGHTS):
    return np.asarray(body(values, w, MATRIX.type_array, validation=False), dtype=float)


# --- PROMETHEE II -------------------------------------------------------------------------------


def test_promethee_net_flows_are_the_weighted_per_criterion_flows_and_equal_pymcdm():
    """Same V-shape preference function and p (each criterion's range) as mcdm.ranking."""
    flows = promethee_flows(MATRIX, WEIGHTS)
    p = MATRIX.values.max(axis=0) - MATRIX.values.min(axis=0)
    expected = _prefs(pm.PROMETHEE_II("vshape", p=list(p)))
    np.testing.assert_allclose(flows.net, expected, atol=1e-12)
    np.testing.assert_allclose(flows.per_criterion @ WEIGHTS, flows.net, atol=1e-12)
    # each criterion's net flows sum to zero over the alternatives
    np.testing.assert_allclose(flows.per_criterion.sum(axis=0), 0.0, atol=1e-12)


def test_promethee_flows_equal_pymcdms_promethee_one_published_example():
    """pymcdm's documented PROMETHEE I example (usual criterion, weights 0.5, 0.3, 0.2):
    phi+ = (0.55, 0.35, 0.60), phi- = (0.45, 0.65, 0.40). The usual criterion is the V-shape
    with p = 0."""
    m = DecisionMatrix(
        ("A1", "A2", "A3"), ("x", "y", "z"), [[4, 3, 2], [3, 2, 4], [5, 1, 3]], (1, 1, 1)
    )
    w = np.array([0.5, 0.3, 0.2])
    flows = promethee_flows(m, w, p=np.zeros(3))
    np.testing.assert_allclose(flows.leaving, [0.55, 0.35, 0.60])
    np.testing.assert_allclose(flows.entering, [0.45, 0.65, 0.40])
    plus, minus = PROMETHEE_I("usual")(m.values, w, m.type_array)
    np.testing.assert_allclose(flows.leaving, plus)
    np.testing.assert_allclose(flows.entering, minus)
    # complete here: A3 outranks A1, which outranks A2
    rel = promethee_one(flows)
    assert rel[2, 0] == "P" and rel[0, 1] == "P" and rel[2, 1] == "P"
    assert rel[0, 2] == "-" and rel[1, 0] == "-"


# --- PROMETHEE I: a hand-computed partial order ------------------------------------------------

# Two benefit criteria of range 10, weights 1/2 each, V-shape with p = 10, so
# pi(x, y) = 0.5 * max(0, dx1) / 10 + 0.5 * max(0, dx2) / 10:
#   A = (10, 0), B = (0, 10), C = (5, 5), D = (0, 0)
#   pi(A,B) = pi(B,A) = 0.5; pi(A,C) = pi(C,A) = pi(B,C) = pi(C,B) = 0.25;
#   pi(A,D) = pi(B,D) = pi(C,D) = 0.5; pi(D, .) = 0
#   phi+ = (1.25, 1.25, 1.0, 0) / 3, phi- = (0.75, 0.75, 0.5, 1.5) / 3
# A and B: equal flows (indifferent). C: lower phi+ than A but also lower phi-: incomparable
# with A and B, although PROMETHEE II gives A, B and C the same net flow 1/6. All outrank D.
PARTIAL = DecisionMatrix(
    ("A", "B", "C", "D"), ("x", "y"), [[10, 0], [0, 10], [5, 5], [0, 0]], (1, 1)
)


def test_promethee_one_finds_indifference_and_incomparability_by_hand():
    flows = promethee_flows(PARTIAL, np.array([0.5, 0.5]))
    np.testing.assert_allclose(flows.leaving, np.array([1.25, 1.25, 1.0, 0.0]) / 3)
    np.testing.assert_allclose(flows.entering, np.array([0.75, 0.75, 0.5, 1.5]) / 3)
    np.testing.assert_allclose(flows.net, [1 / 6, 1 / 6, 1 / 6, -0.5])
    rel = promethee_one(flows)
    expected = np.array(
        [
            ["I", "I", "R", "P"],
            ["I", "I", "R", "P"],
            ["R", "R", "I", "P"],
            ["-", "-", "-", "I"],
        ],
        dtype=object,
    )
    assert (rel == expected).all(), rel


def test_promethee_one_first_by_net_flow_yet_incomparable():
    """Without D: phi+ = (0.35, 0.35, 0.3), phi- = (0.4, 0.4, 0.2) (by hand, C = (6, 6)):
    C has the best net flow (+0.1 against -0.05) but is incomparable with A and B."""
    m = DecisionMatrix(("A", "B", "C"), ("x", "y"), [[10, 0], [0, 10], [6, 6]], (1, 1))
    flows = promethee_flows(m, np.array([0.5, 0.5]))
    np.testing.assert_allclose(flows.leaving, [0.35, 0.35, 0.3])
    np.testing.assert_allclose(flows.entering, [0.4, 0.4, 0.2])
    assert int(np.argmax(flows.net)) == 2
    rel = promethee_one(flows)
    assert rel[2, 0] == rel[2, 1] == rel[0, 2] == "R"
    table = promethee_one_table(flows, rel, top=3)
    assert list(table["Package"]) == ["C", "A", "B"]
    row = table.iloc[0]
    assert row["Incomparable with"] == 2 and row["Outranks"] == 0
    assert row["Incomparable among the top 3"] == "A, B"


def test_a_relation_is_antisymmetric_on_the_real_shaped_matrix():
    rel = promethee_one(promethee_flows(MATRIX, WEIGHTS))
    flip = {"P": "-", "-": "P", "I": "I", "R": "R"}
    for a in range(5):
        for b in range(5):
            assert rel[b, a] == flip[rel[a, b]]


# --- GAIA ---------------------------------------------------------------------------------------


def _flows_of(phi: list[list[float]]) -> PrometheeFlows:
    Phi = np.array(phi)
    n, m = Phi.shape
    zeros = np.zeros(n)
    return PrometheeFlows(
        tuple(f"a{i}" for i in range(n)), tuple(f"c{j}" for j in range(m)), zeros, zeros, Phi
    )


def test_gaia_on_orthogonal_flows_computed_by_hand():
    """Columns of Phi orthogonal with sums of squares 8, 2 and 0.5: the components are the
    criteria themselves, the plane holds the first two, delta = 10 / 10.5."""
    flows = _flows_of([[2, 0, 0], [-2, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 0.5], [0, 0, -0.5]])
    g = gaia(flows, np.array([0.5, 0.3, 0.2]))
    assert g.delta == pytest.approx(10 / 10.5)
    np.testing.assert_allclose(g.criteria, [[1, 0], [0, 1], [0, 0]], atol=1e-12)
    np.testing.assert_allclose(g.stick, [0.5, 0.3], atol=1e-12)
    assert g.stick_share == pytest.approx(np.sqrt(0.34 / 0.38))  # |(0.5, 0.3)| / |w|
    np.testing.assert_allclose(g.alternatives[0], [2, 0], atol=1e-12)
    np.testing.assert_allclose(g.alternatives[3], [0, -1], atol=1e-12)


def test_gaia_delta_is_the_share_of_the_two_largest_eigenvalues():
    flows = promethee_flows(MATRIX, WEIGHTS)
    g = gaia(flows, WEIGHTS)
    eig = np.sort(np.linalg.eigvalsh(flows.per_criterion.T @ flows.per_criterion))[::-1]
    assert g.delta == pytest.approx(eig[:2].sum() / eig.sum())
    assert 0 < g.delta <= 1
    # the projection is orthogonal: alternatives are Phi times the criteria's axes
    np.testing.assert_allclose(g.alternatives, flows.per_criterion @ g.criteria, atol=1e-12)
    np.testing.assert_allclose(g.stick, WEIGHTS @ g.criteria, atol=1e-12)


def test_gaia_a_criterion_on_which_all_are_equal_sits_at_the_origin_and_changes_nothing():
    values = np.column_stack([MATRIX.values, np.full(5, 7.0)])
    flat = DecisionMatrix(
        MATRIX.alternatives, (*MATRIX.criteria, "nations"), values, (*MATRIX.types, 1)
    )
    w5 = np.append(WEIGHTS * 0.8, 0.2)
    with_flat = gaia(promethee_flows(flat, w5), w5)
    without = gaia(promethee_flows(MATRIX, WEIGHTS * 0.8), WEIGHTS * 0.8)
    assert np.all(np.isfinite(with_flat.criteria)) and np.all(np.isfinite(with_flat.alternatives))
    np.testing.assert_allclose(with_flat.criteria[-1], [0, 0], atol=1e-12)
    assert with_flat.delta == pytest.approx(without.delta)
    np.testing.assert_allclose(with_flat.alternatives, without.alternatives, atol=1e-12)
    np.testing.assert_allclose(with_flat.stick, without.stick, atol=1e-12)


def test_gaia_when_nothing_varies_is_empty_not_nan():
    m = DecisionMatrix(("a", "b"), ("x", "y"), [[1, 2], [1, 2]], (1, -1))
    g = gaia(promethee_flows(m, np.array([0.5, 0.5])), np.array([0.5, 0.5]))
    assert g.delta == 0.0
    assert np.all(g.criteria == 0) and np.all(g.alternatives == 0)


# --- contributions ------------------------------------------------------------------------------


def test_contributions_of_the_weighted_sum_add_up_to_pymcdms_wsm_score():
    """WSM divides by the values: both see the troops column shifted off zero."""
    X, _ = prepare_values("WSM", MATRIX.values, MATRIX.criteria)
    parts = contributions(MATRIX, WEIGHTS, Method.WSM)
    np.testing.assert_allclose(parts.sum(axis=1), _prefs(pm.WSM(), X), atol=1e-12)


def test_contributions_add_up_to_promethee_ii_and_mabac_scores():
    p = MATRIX.values.max(axis=0) - MATRIX.values.min(axis=0)
    promethee = contributions(MATRIX, WEIGHTS, Method.PROMETHEE_II).sum(axis=1)
    np.testing.assert_allclose(promethee, _prefs(pm.PROMETHEE_II("vshape", p=list(p))), atol=1e-12)
    mabac = contributions(MATRIX, WEIGHTS, Method.MABAC).sum(axis=1)
    np.testing.assert_allclose(mabac, _prefs(pm.MABAC()), atol=1e-12)


def test_contributions_add_up_to_one_minus_spotis_distance_and_vikor_s():
    bounds = np.column_stack([MATRIX.values.min(axis=0), MATRIX.values.max(axis=0)])
    spotis = contributions(MATRIX, WEIGHTS, Method.SPOTIS).sum(axis=1)
    np.testing.assert_allclose(1 - spotis, _prefs(pm.SPOTIS(bounds)), atol=1e-12)
    vikor = contributions(MATRIX, WEIGHTS, Method.VIKOR).sum(axis=1)
    S = pm.VIKOR()._method(MATRIX.values, WEIGHTS, MATRIX.type_array)[3]
    np.testing.assert_allclose(1 - vikor, S, atol=1e-12)


def test_contributions_of_waspas_are_its_weighted_sum_half():
    X, _ = prepare_values("WASPAS", MATRIX.values, MATRIX.criteria)
    waspas = contributions(MATRIX, WEIGHTS, Method.WASPAS).sum(axis=1)
    # WASPAS = 0.5 sum_j w_j n_ij + 0.5 prod_j n_ij^w_j, n linear: x / max, min / x for costs
    N = np.where(MATRIX.type_array > 0, X / X.max(axis=0), X.min(axis=0) / X)
    wpm = np.prod(N**WEIGHTS, axis=1)
    np.testing.assert_allclose(0.5 * waspas + 0.5 * wpm, _prefs(pm.WASPAS(), X), atol=1e-12)


@pytest.mark.parametrize("method", [str(m) for m in Method])
def test_contributions_favour_the_better_package_on_every_criterion(method):
    parts = contributions(MATRIX, WEIGHTS, method)
    assert parts.shape == MATRIX.shape and np.all(np.isfinite(parts))
    for j, sign in enumerate(MATRIX.types):
        better = np.argsort(sign * MATRIX.values[:, j], kind="stable")
        diffs = np.diff(parts[better, j])
        assert np.all(diffs >= -1e-12), (method, MATRIX.criteria[j])


# --- the sentence -------------------------------------------------------------------------------


def package(pid: str, label: str, cost: float = 1.0, troops: int = 1000) -> Package:
    return Package(
        package_id=pid,
        archetype="hybrid",
        kind=PackageKind.FRONTIER,
        budget_level_eur_bn=8.0,
        status=SolveStatus.OPTIMAL,
        allocation=(),
        criteria={"annual_cost_eur_bn": cost},
        primary="deterrence",  # type: ignore[arg-type]
        objective=0.0,
        troops_deployed=troops,
        label=label,
    )


PACKAGES = {
    "a": package("a", "Hybrid, best at EUR 8 bn", 6.8, 19960),
    "b": package("b", "Reassurance, cheapest", 1.7, 10020),
    "c": package("c", "Tripwire, best at EUR 4 bn", 4.0, 3000),
    "d": package("d", ""),
    "e": package("e", ""),
}


def test_versus_sentence_names_wins_and_losses_in_peoples_words():
    b = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a", "b")
    # min-max by hand: deterrence (300 - 120) / 240 * 0.4 = 0.30; early warning 60/60 * 0.1
    # = 0.10; cost (6.8 - 1.7) / 7.5 * 0.3 = 0.204 against; troops 4000 / 20000 * 0.2 = 0.04
    np.testing.assert_allclose(b.differences, [0.3, -0.204, -0.04, 0.1], atol=1e-12)
    text = versus_sentence(b, PACKAGES, "the runner-up")
    assert text == (
        "Hybrid, best at EUR 8 bn (a) against the runner-up, Reassurance, cheapest (b), under "
        "TOPSIS: it wins on deterrence (+0.30) and early warning (+0.10), loses on annual cost "
        "(-0.20) and troops exposed (-0.04); net +0.16 (weighted min-max normalised values: "
        "0 for the worst package, the weight for the best)."
    )


def test_versus_sentence_sums_what_it_does_not_name_and_says_when_level():
    b = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a", "b")
    text = versus_sentence(b, PACKAGES, limit=1)
    assert "it wins on deterrence (+0.30) and early warning (+0.10)" in text
    assert "loses on annual cost (-0.20) and troops exposed (-0.04)" in text
    b = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "d", "e")
    text = versus_sentence(b, PACKAGES, limit=1)
    # d against e: cheaper (+0.30), no troops exposed (+0.20), earlier warning (+0.06), less
    # deterrence (-0.32)
    assert "it wins on annual cost (+0.30) and 2 others (+0.26), loses on deterrence" in text
    level = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a", "a")
    assert versus_sentence(level, PACKAGES).endswith("the two are level on every criterion.")
    with pytest.raises(ValueError, match="against another package"):
        versus_sentence(score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a"), PACKAGES)


def test_versus_sentence_under_promethee_uses_the_net_flows():
    b = score_breakdown(MATRIX, WEIGHTS, "PROMETHEE_II", "c", "a")
    flows = promethee_flows(MATRIX, WEIGHTS)
    assert b.differences.sum() == pytest.approx(flows.net[2] - flows.net[0])
    text = versus_sentence(b, PACKAGES, "the recommended package")
    assert "(c) against the recommended package, Hybrid" in text
    assert text.endswith(
        "net +0.06 (weighted net flows per criterion, which add up to the net flow)."
    )
    # troops exposed by hand: phi(c) = (0.7 + 0.5 + 1) / 4 = 0.55, phi(a) = (0.3 - 1.6) / 4
    # = -0.325 (range 20,000); (0.55 + 0.325) * 0.2 = 0.175
    assert b.differences[2] == pytest.approx(0.175)
    assert "it wins on troops exposed (+0.17) and annual cost (+0.14), loses on deterrence" in text
    assert list(b.frame().columns) == ["Criterion", "c", "a", "Difference"]
    assert b.frame()["Criterion"].iloc[0] == "Deterrence"


def recommendation(verdict="clear", runner_up="b") -> Recommendation:
    contenders = (Contender("a", 0.39, 0, 1.0),)
    if verdict == "too_close":
        contenders += (Contender("b", 0.37, 5, 7.0),)
    return Recommendation("a", verdict, "smaa", contenders, runner_up, 7, 10000, 0.37)  # type: ignore[arg-type]


def test_the_reference_is_the_runner_up_for_the_recommended_package_and_it_for_others():
    rec = recommendation()
    assert reference_for(rec, "a") == ("b", "the runner-up")
    assert reference_for(rec, "c") == ("a", "the recommended package")


def test_contenders_table_gives_their_figures_and_differences():
    table = contenders_table(recommendation("too_close"), PACKAGES)
    assert list(table["Package"]) == ["Hybrid, best at EUR 8 bn (a)", "Reassurance, cheapest (b)"]
    assert list(table["First in (share of draws)"]) == [0.39, 0.37]
    assert list(table["Annual cost"]) == ["EUR 6.80 bn", "EUR 1.70 bn"]
    assert list(table["Troops deployed"]) == ["19,960", "10,020"]
    assert list(table["Cost against the recommended"]) == ["same", "-EUR 5.10 bn"]
    assert list(table["Troops against the recommended"]) == ["same", "-9,940"]


# --- statements about robustness ----------------------------------------------------------------


def stability(holds: bool, low=(0.1, 0.2), high=(0.6, 0.25)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "criterion": ["deterrence", "annual_cost_eur_bn", "nations"],
            "weight": [0.4, 0.22, 0.1],
            "low": [low[0], low[1], np.nan],
            "high": [high[0], high[1], np.nan],
            "top": ["a", "a", "a"],
            "holds_now": [holds] * 3,
        }
    )


def test_stability_lines_when_the_recommended_package_is_first_now():
    lines = stability_lines(stability(True), "TOPSIS", PACKAGES)
    assert lines[0].startswith(
        "Under TOPSIS at your weights Hybrid, best at EUR 8 bn (a) is first."
    )
    assert lines[1] == (
        "Its lead is sensitive to the weight of: annual cost (a change of under 10 points moves "
        "another package to the top)."
    )


def test_stability_lines_never_speak_of_a_lead_the_package_does_not_have():
    table = stability(False)
    lines = stability_lines(table, "TOPSIS", PACKAGES, first_now="b")
    assert lines[0].startswith(
        "Under TOPSIS at your exact weights Hybrid, best at EUR 8 bn (a) is not first "
        "(Reassurance, cheapest (b) is)"
    )
    assert lines[1] == (
        "It comes first with a weight of deterrence 10% to 60% (now 40%); annual cost 20% to "
        "25% (now 22%)."
    )
    assert lines[2] == "No weight of contributing nations alone puts it first."
    assert not any("lead" in line for line in lines)
    assert sensitivity_line(table) is None


def test_stability_lines_about_the_package_of_the_intervals_only():
    other = dataclasses.replace(PACKAGES["c"])
    table = stability(True).assign(top="c")
    assert "(c) is first" in stability_lines(table, "VIKOR", {"c": other})[0]


def analysis_of(rec: Recommendation, ranks: dict[str, list[float]] | None = None):
    """The parts of an analysis that why_it_wins reads; ``ranks`` by method (1 = best)."""
    results = {m: SimpleNamespace(ranks=np.array(r)) for m, r in (ranks or {}).items()}
    ranking = SimpleNamespace(matrix=MATRIX, weights=WEIGHTS, results=results)
    return SimpleNamespace(recommendation=rec, ranking=ranking, top=rec.package_id)


def test_why_it_wins_says_when_the_runner_up_ranks_above_and_why_it_is_recommended():
    # at these weights c adds up to more than a under TOPSIS's reading, by hand:
    # +0.167 deterrence, -0.112 cost, -0.14 troops, +0.033 early warning: net -0.052;
    # TOPSIS itself ranks c first and a second (mcdm.ranking gives ranks 2, 4, 1, 3, 5)
    rec = dataclasses.replace(recommendation(), runner_up="c")
    b = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a", "c")
    assert b.differences.sum() == pytest.approx(0.4 / 2.4 - 0.112 - 0.14 + 0.1 / 3)
    text = why_it_wins(analysis_of(rec, {"TOPSIS": [2, 4, 1, 3, 5]}), PACKAGES, "TOPSIS")
    assert text.startswith(versus_sentence(b, PACKAGES, "the runner-up"))
    assert text.endswith(
        " Under TOPSIS at your exact weights c ranks above it; a is recommended because it "
        "comes first in more of the 10,000 weight draws (39% against 37%)."
    )
    # a method that does not add up the parts may rank a above c all the same
    text = why_it_wins(analysis_of(rec, {"TOPSIS": [1, 4, 2, 3, 5]}), PACKAGES, "TOPSIS")
    assert text.endswith(
        " TOPSIS does not simply add these parts up: at your exact weights it ranks a above c."
    )
    # without the method's ranks: only an additive method's sum speaks for it
    assert "ranks above it" in why_it_wins(analysis_of(rec), PACKAGES, "MABAC")
    assert "ranks" not in why_it_wins(analysis_of(rec), PACKAGES, "TOPSIS")
    # against b, a adds up to more and ranks above: nothing to add
    plain = analysis_of(recommendation(), {"TOPSIS": [2, 4, 1, 3, 5]})
    assert why_it_wins(plain, PACKAGES, "TOPSIS").endswith("the weight for the best).")
    # another package is compared with the recommended one, with nothing added
    other = why_it_wins(plain, PACKAGES, "TOPSIS", "e")
    assert other.startswith("e against the recommended package, Hybrid, best at EUR 8 bn (a)")
    assert other.endswith("the weight for the best).")


def test_promethee_one_sentence_counts_by_hand():
    flows = promethee_flows(PARTIAL, np.array([0.5, 0.5]))
    rel = promethee_one(flows)
    assert promethee_one_sentence(flows, rel, "C", {}) == (
        "Under PROMETHEE I C: no package outranks it; it outranks 1 and cannot be compared with "
        "2 (better on one flow, worse on the other)."
    )
    assert promethee_one_sentence(flows, rel, "D", {}).startswith(
        "Under PROMETHEE I D: 3 of the 3 others outrank it; it outranks 0"
    )


# --- what a weight means on these packages (the sliders' help) -----------------------------


def test_weight_help_gives_the_swing_from_the_worst_to_the_best_package():
    cost = CRITERIA_BY_ID["annual_cost_eur_bn"]
    text = weight_help(cost, [1.2, 8.4, 3.0])
    assert text == (
        "Annual cost of all units, sustainment included (cost, EUR bn/yr). Across these 3 "
        "packages it runs from EUR 8.40 bn a year (worst) to EUR 1.20 bn a year (best): its "
        "weight says how much that swing is worth against the other criteria's swings."
    )
    deterrence = weight_help(CRITERIA_BY_ID["deterrence"], [308.4, 40.0])
    assert "from 40 points (worst) to 308 points (best)" in deterrence
    assert "from 0 troops (worst)" not in weight_help(CRITERIA_BY_ID["troops_exposed"], [0, 14720])
    assert "from 14,720 troops (worst) to 0 troops (best)" in weight_help(
        CRITERIA_BY_ID["troops_exposed"], [0, 14720]
    )
    assert "EUR 40 m a year (best)" in weight_help(cost, [0.04, 0.9])


def test_weight_help_when_all_packages_are_equal_or_there_are_none():
    nations = CRITERIA_BY_ID["nations"]
    assert weight_help(nations, [12, 12]).endswith(
        "All 2 packages have 12 nations: its weight changes nothing in the ranking."
    )
    assert weight_help(nations, []) == f"{nations.help.rstrip('.')} (benefit, count)."
    assert "from 3 nations (worst) to 12 nations (best)" in weight_help(
        nations, [12, float("nan"), 3]
    )


# --- one package in every statement, on every bundled scenario -----------------------------

SCENARIOS = sorted((DATA / "scenarios").glob("*.toml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_statement_on_every_bundled_scenario_is_about_the_recommended_package(path):
    """The Overview's headline (describe_top's first line), the stability intervals, the
    Robustness page's statements and "why it wins" all name analysis.top.

    Kept quick: two frontier levels per kind of package, no alternatives, a 10% gap, no
    constraint prices, no rank reversal, 1,000 weight draws. Which package comes out differs
    from a full run; that every statement names the same one must not."""
    scenario, data = load_scenario(path)
    quick = dataclasses.replace(
        scenario,
        frontier=dataclasses.replace(scenario.frontier, levels=2, alternatives=0, troop_levels=0),
    )
    instance = instantiate(quick, data)
    pset = generate_packages(
        instance, prices=False, settings=SolverSettings(mip_gap=0.1, node_limit=5000)
    )
    a = analyse_packages(instance, pset, reversal=False, smaa_draws=1000)
    rec = a.recommendation
    top = package_name(pset.get(a.top))
    packages = pset.by_id
    # the Overview
    headline = describe_top(instance, pset, a)[0]
    assert headline == f"**{escape_markdown(recommendation_sentence(rec, packages))}**"
    lead = "Recommended: " if rec.clear else "Too close to call: "
    assert recommendation_sentence(rec, packages).startswith(lead + top)
    assert why_it_wins(a, packages, quick.robustness.method).startswith(f"{top} against ")
    # the stability intervals and the Robustness page
    assert set(a.stability["top"]) == {a.top} == {rec.package_id}
    lines = stability_lines(a.stability, quick.robustness.method, packages)
    assert top in lines[0]
    assert contenders_table(rec, packages)["Package"].iloc[0] == top
    sensitive = sensitivity_line(a.stability)
    assert sensitive is None or bool(a.stability["holds_now"].all())
    # the acceptability that the verdict reads is the recommended package's
    if a.smaa is not None:
        first = dict(zip(a.smaa.alternatives, a.smaa.first, strict=True))
        assert first[a.top] == max(first.values())
