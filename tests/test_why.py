"""Why a package wins: contributions against pymcdm, PROMETHEE I and GAIA on hand-computed
cases, the "wins on ... loses on ..." sentence, and the robustness statements."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from pymcdm import methods as pm
from pymcdm.methods.partial import PROMETHEE_I

from mcdm.model import DecisionMatrix, Method, Package, PackageKind, SolveStatus
from mcdm.ranking import prepare_values
from mcdm.recommend import Contender, Recommendation
from mcdm.why import (
    PrometheeFlows,
    contenders_table,
    contributions,
    gaia,
    promethee_flows,
    promethee_one,
    promethee_one_table,
    reference_for,
    score_breakdown,
    sensitivity_line,
    stability_lines,
    versus_sentence,
)

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
        "(-0.20) and troops exposed (-0.04); +0.16 in all (weighted min-max normalised values: "
        "0 for the worst package, the weight for the best)."
    )


def test_versus_sentence_sums_what_it_does_not_name_and_says_when_level():
    b = score_breakdown(MATRIX, WEIGHTS, "TOPSIS", "a", "b")
    text = versus_sentence(b, PACKAGES, limit=1)
    assert "it wins on deterrence (+0.30) and 1 more (+0.10 in all)" in text
    assert "loses on annual cost (-0.20) and 1 more (-0.04 in all)" in text
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
    assert text.endswith("(weighted net flows per criterion, which add up to the net flow).")
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
    assert list(table["Troops against the recommended"]) == ["+0", "-9,940"]


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
