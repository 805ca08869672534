"""The pymcdm adapter: each pymcdm 1.4 pitfall handled, invariants over every method, weights."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mcdm.errors import InputError, RankingError
from mcdm.ranking import (
    consensus_ranks,
    method_preferences,
    rank_correlations,
    rank_matrix,
    resolve_weights,
    weights_ahp,
)
from mcdm.results import DecisionMatrix
from mcdm.weights import weights_roc

SEVEN = ("TOPSIS", "VIKOR", "PROMETHEE_II", "SPOTIS", "WASPAS", "COPRAS", "MABAC")


def dm(values, types, names=None):
    values = np.asarray(values, dtype=float)
    n, m = values.shape
    return DecisionMatrix(
        tuple(names or [f"A{i}" for i in range(n)]),
        tuple(f"c{j}" for j in range(m)),
        values,
        tuple(types),
    )


MIXED = dm(
    [[250, 16, 12, 5], [200, 16, 8, 3], [300, 32, 16, 4], [275, 32, 8, 4], [225, 16, 16, 2]],
    [-1, 1, 1, 1],
)


# --- pymcdm 1.4 behaviours -----------------------------------------------------------------------


def test_vikor_raises_on_a_constant_criterion_and_the_ranking_leaves_it_out():
    m = dm([[1, 5, 3], [2, 5, 1], [3, 5, 2]], [1, 1, -1])
    with pytest.raises(RankingError, match="VIKOR could not rank"):
        method_preferences("VIKOR", m.values, np.ones(3) / 3, m.type_array)
    r = rank_matrix(m, [1, 1, 1], SEVEN)
    assert r.dropped == (("c1", "the same for every alternative"),)
    assert r.matrix.criteria == ("c0", "c2")
    assert set(r.results) == set(SEVEN) and not r.failed


ZEROS = dm([[0, 3, 5], [10, 2, 4], [20, 1, 6]], [-1, 1, 1])


@pytest.mark.parametrize("method", ["WASPAS", "WPM", "ARAS", "MARCOS", "OCRA"])
def test_pymcdm_breaks_on_a_zero_in_a_column(method):
    """pymcdm 1.4: WASPAS, WPM and ARAS raise on a zero in a column, MARCOS and OCRA return
    NaN. This is the behaviour the adapter must handle (next test)."""
    from pymcdm import methods

    body = getattr(methods, method)()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method in ("MARCOS", "OCRA"):
            assert np.all(np.isnan(body(ZEROS.values, np.ones(3) / 3, ZEROS.type_array)))
        else:
            with pytest.raises(ValueError, match=r"zero|positive"):
                body(ZEROS.values, np.ones(3) / 3, ZEROS.type_array)


@pytest.mark.parametrize("method", ["WASPAS", "WPM", "ARAS", "MARCOS", "OCRA"])
def test_the_adapter_ranks_a_column_with_zeros(method):
    """A zero count of troops or nations is a normal value here: the column is shifted by a
    tenth of its range, which keeps every difference between alternatives."""
    res = method_preferences(method, ZEROS.values, np.ones(3) / 3, ZEROS.type_array, ZEROS.criteria)
    assert np.all(np.isfinite(res.preferences))
    assert any("c0 shifted by +2" in n for n in res.notes)
    # with (almost) all weight on troops, the troop-free alternative comes first
    troops = method_preferences(
        method, ZEROS.values, np.array([0.98, 0.01, 0.01]), ZEROS.type_array, ZEROS.criteria
    )
    assert troops.ranks[0] == 1


def test_a_method_that_fails_is_reported_and_the_others_go_on():
    """COPRAS needs a cost criterion; on an all-benefit matrix it is left out, not fatal."""
    m = dm([[1, 2], [2, 1], [3, 3]], [1, 1])
    r = rank_matrix(m, [1, 1], ("TOPSIS", "COPRAS"))
    assert "COPRAS" in dict(r.failed)
    assert "cost criterion" in dict(r.failed)["COPRAS"]
    assert list(r.results) == ["TOPSIS"]


def test_spotis_bounds_come_from_the_criteria_ranges():
    res = method_preferences("SPOTIS", MIXED.values, np.ones(4) / 4, MIXED.type_array)
    # The ideal is each criterion's best value: a distance of 0 is impossible here but the
    # preferences stay within [0, 1] because every value lies inside the bounds.
    assert np.all((res.preferences >= 0) & (res.preferences <= 1))


def test_promethee_ii_twice_gives_the_same_answer():
    """pymcdm 1.4's PROMETHEE_II with 'vshape' and p exhausts its preference functions on the
    first call; reusing one object fails on the second call. The adapter builds a fresh object
    per call."""
    from pymcdm.methods import PROMETHEE_II

    w = np.ones(4) / 4
    first = method_preferences("PROMETHEE_II", MIXED.values, w, MIXED.type_array)
    second = method_preferences("PROMETHEE_II", MIXED.values, w, MIXED.type_array)
    np.testing.assert_allclose(first.preferences, second.preferences)
    body = PROMETHEE_II("vshape", p=list(MIXED.values.max(0) - MIXED.values.min(0)))
    np.testing.assert_allclose(body(MIXED.values, w, MIXED.type_array), first.preferences)
    with pytest.raises(np.exceptions.AxisError):  # the pymcdm behaviour worked around
        body(MIXED.values, w, MIXED.type_array)


def test_weights_not_summing_to_one_are_normalised_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a pymcdm UserWarning escaping would fail here
        r = rank_matrix(MIXED, [2, 1, 1, 6], SEVEN)
    np.testing.assert_allclose(r.weights, [0.2, 0.1, 0.1, 0.6])


def test_dominant_alternative_is_reported_by_name():
    m = dm([[1, 9, 9], [2, 5, 4], [3, 4, 5]], [-1, 1, 1], names=["best", "x", "y"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = rank_matrix(m, [1, 1, 1], SEVEN)
    assert any(msg.startswith("best is at least as good as every other") for msg in r.messages)
    assert r.top == "best"


def test_zero_weight_leaves_the_criterion_out():
    r = rank_matrix(MIXED, {"c0": 1, "c1": 0, "c2": 1, "c3": 1}, ("TOPSIS",))
    assert ("c1", "weight 0") in r.dropped


def test_bad_inputs_are_input_errors():
    with pytest.raises(InputError):
        rank_matrix(MIXED, [1, -1, 1, 1])
    with pytest.raises(InputError):
        rank_matrix(MIXED, {"speed": 1})
    with pytest.raises(InputError):
        rank_matrix(MIXED, [1, 1, 1, 1], ("NOPE",))
    with pytest.raises(RankingError):
        rank_matrix(MIXED.take([0]), [1, 1, 1, 1])


# --- invariants over every method --------------------------------------------------------------


@st.composite
def matrices(draw):
    n = draw(st.integers(3, 7))
    m = draw(st.integers(2, 5))
    values = draw(arrays(np.float64, (n, m), elements=st.floats(1, 100, allow_subnormal=False)))
    # distinct values per column keep every method free of ties
    values = values + np.arange(n)[:, None] * 1e-3
    types = draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m))
    if all(t == 1 for t in types):
        types[0] = -1  # COPRAS needs a cost criterion
    weights = draw(arrays(np.float64, m, elements=st.floats(0.05, 1)))
    return dm(values, types), weights


@settings(max_examples=40, deadline=None)
@given(matrices(), st.floats(0.01, 100))
def test_scaling_all_weights_leaves_every_ranking_unchanged(case, factor):
    m, w = case
    a = rank_matrix(m, w, SEVEN)
    b = rank_matrix(m, w * factor, SEVEN)
    for name in a.results:
        np.testing.assert_array_equal(a.results[name].ranks, b.results[name].ranks)


def test_alternatives_a_rounding_error_apart_rank_alike_in_any_order():
    """A cost and a benefit criterion with the same values and weights cancel: the methods'
    preferences then differ by rounding errors that depend on the rows' order (Hypothesis found
    COPRAS ranking rows 1 and 5 as 3 and 4 in one order, tied at 3.5 in another)."""
    values = 41.0 + np.arange(7)[:, None] * 1e-3 * np.ones((1, 2))
    m = dm(values, [-1, 1])
    base = rank_matrix(m, [1.0, 1.0], SEVEN)
    for perm in ([6, 5, 4, 3, 2, 1, 0], [3, 0, 6, 1, 5, 2, 4], [1, 2, 3, 4, 5, 6, 0]):
        moved = rank_matrix(m.take(perm), [1.0, 1.0], SEVEN)
        for name in base.results:
            np.testing.assert_array_equal(
                base.results[name].ranks[perm], moved.results[name].ranks, err_msg=name
            )
    assert np.all(base.results["TOPSIS"].ranks == 4.0)  # an exact tie: everyone shares 4th


@settings(max_examples=40, deadline=None)
@given(matrices(), st.randoms(use_true_random=False))
def test_permuting_alternatives_permutes_the_ranking(case, rnd):
    m, w = case
    perm = list(range(len(m.alternatives)))
    rnd.shuffle(perm)
    a = rank_matrix(m, w, SEVEN)
    b = rank_matrix(m.take(perm), w, SEVEN)
    for name in a.results:
        np.testing.assert_array_equal(a.results[name].ranks[perm], b.results[name].ranks)


@settings(max_examples=40, deadline=None)
@given(matrices())
def test_an_alternative_dominating_all_others_ranks_first(case):
    """Guaranteed by every method here: the dominant alternative has the best normalised value
    on every criterion (COPRAS: the largest S+ and the smallest S-)."""
    m, w = case
    X = m.values.copy()
    X[0] = np.where(m.type_array > 0, X.max(axis=0) + 1, X.min(axis=0) / 2)
    r = rank_matrix(m.replace(values=X), w, SEVEN)
    for name in SEVEN:
        assert r.results[name].ranks[0] == 1, name


@settings(max_examples=50, deadline=None)
@given(st.permutations(list(range(1, 8))), st.integers(1, 6))
def test_consensus_of_identical_rankings_is_that_ranking(ranks, copies):
    r = np.array(ranks, dtype=float)
    for rule in ("borda", "copeland"):
        cons, _ = consensus_ranks({f"m{i}": r for i in range(copies)}, rule)
        np.testing.assert_array_equal(cons, r)


def test_copeland_follows_the_majority():
    cons, score = consensus_ranks(
        {"a": np.array([1, 2, 3.0]), "b": np.array([1, 3, 2.0]), "c": np.array([2, 1, 3.0])},
        "copeland",
    )
    np.testing.assert_array_equal(cons, [1, 2, 3])
    np.testing.assert_array_equal(score, [2, 0, -2])


def test_rank_correlations_of_identical_rankings_are_one():
    corr = rank_correlations({"a": np.array([1, 2, 3.0]), "b": np.array([1, 2, 3.0])})
    assert corr["weighted_spearman"].loc["a", "b"] == pytest.approx(1.0)
    assert corr["rank_similarity"].loc["a", "b"] == pytest.approx(1.0)


# --- weights -----------------------------------------------------------------------------------


def test_roc_weights_match_the_formula():
    """Barron & Barrett (1996): for three criteria ROC gives 11/18, 5/18, 2/18."""
    w = weights_roc(["b", "a", "c"], ["a", "b", "c"])
    np.testing.assert_allclose(w, [5 / 18, 11 / 18, 2 / 18])


def test_user_swing_equal_entropy_critic_weights_are_normalised():
    for scheme, kw in [
        ("user", {"user": {"c0": 3, "c1": 1, "c2": 0, "c3": 4}}),
        ("swing", {"swing": {"c0": 100, "c1": 50, "c2": 25, "c3": 25}}),
        ("equal", {}),
        ("entropy", {}),
        ("critic", {}),
    ]:
        res = resolve_weights(scheme, MIXED, **kw)
        assert res.weights.sum() == pytest.approx(1.0)
        assert np.all(res.weights >= 0)
    assert resolve_weights("user", MIXED, user={"c0": 3, "c1": 1, "c3": 4}).as_dict()[
        "c0"
    ] == pytest.approx(3 / 8)


def test_ahp_weights_and_consistency_ratio():
    """Saaty's scale: a consistent matrix has CR 0; a contradictory one is flagged above 0.1."""
    consistent = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    w, cr = weights_ahp(consistent)
    np.testing.assert_allclose(w, [4 / 7, 2 / 7, 1 / 7], atol=1e-6)
    assert cr == pytest.approx(0.0, abs=1e-9)
    contradictory = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    m = dm([[1, 2, 3], [3, 1, 2], [2, 3, 1]], [1, 1, 1])
    res = resolve_weights("ahp", m, ahp=contradictory)
    assert res.consistency_ratio > 0.1
    assert "inconsistent" in res.warnings[0]


def test_ahp_matrix_of_the_wrong_size_is_an_input_error():
    with pytest.raises(InputError, match="a 4 x 4 matrix"):
        resolve_weights("ahp", MIXED, ahp=[[1, 2], [0.5, 1]])


def test_spotis_raises_outside_its_bounds_and_the_adapter_takes_bounds_from_the_values():
    """pymcdm's SPOTIS raises when a value lies outside the bounds it was given; the adapter
    always builds the bounds from the matrix it ranks, so perturbed matrices (SMAA cost draws)
    stay inside them."""
    from pymcdm.methods import SPOTIS

    bounds = np.column_stack([MIXED.values.min(0), MIXED.values.max(0)])
    shifted = MIXED.values.copy()
    shifted[0, 0] = bounds[0, 1] + 1
    with pytest.raises(ValueError, match="out of range"):
        SPOTIS(bounds)(shifted, np.ones(4) / 4, MIXED.type_array)
    res = method_preferences("SPOTIS", shifted, np.ones(4) / 4, MIXED.type_array)
    assert np.all(np.isfinite(res.preferences))


def test_objective_weights_give_a_constant_criterion_no_weight():
    m = dm([[1, 5, 3], [2, 5, 1], [3, 5, 2]], [1, 1, -1])
    for scheme in ("equal", "entropy", "critic"):
        res = resolve_weights(scheme, m)
        assert res.as_dict()["c1"] == 0.0, scheme
        assert res.weights.sum() == pytest.approx(1.0)


def test_every_method_is_implemented_and_every_kernel_is_a_method():
    """One list of methods (mcdm.model.Method): the adapter implements each, SMAA's kernels
    are a subset, and the defaults are methods."""
    from mcdm.kernels import KERNELS
    from mcdm.model import DEFAULT_METHODS, Method
    from mcdm.ranking import METHODS

    assert set(METHODS) == set(Method)
    assert all(METHODS[m].name == m.value for m in Method)
    assert set(KERNELS) <= set(Method)
    assert DEFAULT_METHODS and all(Method(m).default for m in DEFAULT_METHODS)
