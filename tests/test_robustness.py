"""SMAA against a plain pymcdm loop, acceptability invariants, stability, reversal, core index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mcdm.kernels import KERNELS, ordinal_ranks, scores
from mcdm.ranking import method_preferences, prepare_values
from mcdm.results import DecisionMatrix
from mcdm.robustness import (
    core_index,
    rank_reversal,
    sample_weights,
    smaa,
    stability_intervals,
)

RNG = np.random.default_rng(20260106)
VALUES = RNG.uniform(1, 10, (9, 5))
VALUES[0, 3] = 0.0  # a zero, as troop counts have
MATRIX = DecisionMatrix(
    tuple(f"P{i}" for i in range(9)), tuple(f"c{j}" for j in range(5)), VALUES, (1, -1, 1, -1, 1)
)


@pytest.mark.parametrize("method", list(KERNELS))
def test_vectorised_kernel_equals_a_plain_loop_over_pymcdm(method):
    """The same 300 weight draws through the kernel and one pymcdm call per draw."""
    W = sample_weights(5, 300, np.random.default_rng(7))
    X, _ = prepare_values(method, MATRIX.values, MATRIX.criteria)
    S = scores(method, X, W, MATRIX.type_array)
    ours = ordinal_ranks(S)
    for k in range(len(W)):
        ref = method_preferences(method, MATRIX.values, W[k], MATRIX.type_array)
        np.testing.assert_array_equal(ours[k], ref.ranks.astype(int), err_msg=f"draw {k}")
        sign = 1 if ref.higher_is_better else -1
        np.testing.assert_allclose(S[k], sign * ref.preferences, rtol=1e-9, atol=1e-12)


def _value_draws(rng: np.random.Generator, k: int, varying: tuple[int, ...]) -> np.ndarray:
    """k matrices in which only the ``varying`` columns are drawn (as SMAA's cost draws vary
    the cost columns alone); the others keep the matrix's values in every draw."""
    Xs = np.repeat(MATRIX.values[None] + 0.5, k, axis=0)
    cols = list(varying)
    Xs[:, :, cols] = (MATRIX.values[:, cols] + 0.5) * rng.uniform(0.8, 1.2, (k, 9, len(cols)))
    return Xs


VARYING = [(0, 1, 2, 3, 4), (1,), (1, 3)]


@pytest.mark.parametrize("varying", VARYING)
@pytest.mark.parametrize("method", list(KERNELS))
def test_kernel_with_value_draws_equals_the_loop(method, varying):
    """Uncertain values: one matrix per draw, checked draw by draw, whether every column is
    drawn or only some (the TOPSIS kernel works the fixed ones out once)."""
    rng = np.random.default_rng(11)
    W = sample_weights(5, 40, rng)
    Xs = _value_draws(rng, 40, varying)
    S = scores(method, Xs, W, MATRIX.type_array)
    for k in range(len(W)):
        ref = method_preferences(method, Xs[k], W[k], MATRIX.type_array)
        np.testing.assert_array_equal(ordinal_ranks(S[k : k + 1])[0], ref.ranks.astype(int))
        sign = 1 if ref.higher_is_better else -1
        np.testing.assert_allclose(S[k], sign * ref.preferences, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("varying", VARYING)
@pytest.mark.parametrize("method", ["TOPSIS", "VIKOR"])
def test_confidence_with_value_draws_is_its_definition(method, varying):
    """The confidence factor under value draws, by its definition with pymcdm: the share of
    the draws' matrices in which the package comes first at its own central weights. (SMAA
    scores these in blocks of draws, all central weights at once.)"""
    values = _value_draws(np.random.default_rng(21), 1200, varying)
    res = smaa(MATRIX, np.ones(5) / 5, method=method, draws=1200, seed=4, value_draws=values)
    ever = np.flatnonzero(res.acceptability[:, 0] > 0)
    assert ever.size >= 2
    for i in ever:
        firsts = [
            method_preferences(method, X, res.central_weights[i], MATRIX.type_array).ranks.argmin()
            for X in values
        ]
        assert res.confidence[i] == pytest.approx(np.mean(np.array(firsts) == i), abs=1e-12)
    assert np.all(res.confidence[res.acceptability[:, 0] == 0] == 0)


@pytest.mark.parametrize("band", [None, 0.3])
def test_acceptabilities_sum_to_one_both_ways(band):
    res = smaa(MATRIX, np.ones(5) / 5, draws=5000, seed=3, weight_band=band)
    np.testing.assert_allclose(res.acceptability.sum(axis=1), 1.0)
    np.testing.assert_allclose(res.acceptability.sum(axis=0), 1.0)
    assert np.all((res.confidence >= 0) & (res.confidence <= 1))
    firsts = res.acceptability[:, 0] > 0
    np.testing.assert_allclose(np.nansum(res.central_weights[firsts], axis=1), 1.0)
    assert np.all(np.isnan(res.central_weights[~firsts]))


@pytest.mark.parametrize("method", list(KERNELS))
def test_zero_weight_uncertainty_collapses_to_the_deterministic_ranking(method):
    w = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
    res = smaa(MATRIX, w, method=method, draws=200, seed=1, weight_band=0.0)
    ranks = method_preferences(method, MATRIX.values, w, MATRIX.type_array).ranks.astype(int)
    expected = np.zeros((9, 9))
    expected[np.arange(9), ranks - 1] = 1.0
    np.testing.assert_array_equal(res.acceptability, expected)


def test_smaa_is_reproducible_from_its_seed():
    a = smaa(MATRIX, np.ones(5) / 5, draws=2000, seed=42)
    b = smaa(MATRIX, np.ones(5) / 5, draws=2000, seed=42)
    c = smaa(MATRIX, np.ones(5) / 5, draws=2000, seed=43)
    np.testing.assert_array_equal(a.acceptability, b.acceptability)
    assert not np.array_equal(a.acceptability, c.acceptability)
    assert a.seed == 42 and a.frame().shape[0] == 9


def test_smaa_without_confidence_keeps_the_acceptability_and_leaves_confidence_unknown():
    """What the backstop's range asks of SMAA: the same draws and acceptability, no confidence
    factors (NaN, never a made-up 0 or 1)."""
    values = MATRIX.values * np.random.default_rng(5).uniform(0.9, 1.1, (300, *MATRIX.shape))
    kw = {"draws": 300, "seed": 9, "value_draws": values}
    full = smaa(MATRIX, np.ones(5) / 5, **kw)
    light = smaa(MATRIX, np.ones(5) / 5, with_confidence=False, **kw)
    np.testing.assert_array_equal(light.acceptability, full.acceptability)
    np.testing.assert_array_equal(light.central_weights, full.central_weights)
    assert np.all(np.isnan(light.confidence)) and not np.any(np.isnan(full.confidence))


def test_weight_draws_respect_the_band():
    center = np.array([0.5, 0.3, 0.2])
    W = sample_weights(3, 1000, np.random.default_rng(0), center, 0.2)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    ratio = W / center
    assert ratio.min() > 0.8 / 1.2 - 1e-9 and ratio.max() < 1.2 / 0.8 + 1e-9
    U = sample_weights(3, 1000, np.random.default_rng(0))
    assert U.min() >= 0 and np.allclose(U.sum(axis=1), 1.0)


@pytest.mark.parametrize("method", ["TOPSIS", "SPOTIS", "MABAC"])
def test_stability_interval_holds_the_current_weight_and_ends_where_the_top_changes(method):
    w = np.array([0.3, 0.1, 0.2, 0.25, 0.15])
    table = stability_intervals(MATRIX, w, method)
    X, _ = prepare_values(method, MATRIX.values, MATRIX.criteria)

    def top_at(j, t):
        others = w.copy()
        others[j] = 0
        v = others * (1 - t) / others.sum()
        v[j] = t
        return int(np.argmax(scores(method, X, v[None, :], MATRIX.type_array)[0]))

    top = int(np.argmax(scores(method, X, w[None, :], MATRIX.type_array)[0]))
    for j, row in table.iterrows():
        assert row["low"] <= row["weight"] + 1e-9 <= row["high"] + 2e-3
        assert top_at(j, row["low"]) == top and top_at(j, row["high"]) == top
        if row["low"] > 0:
            assert top_at(j, row["low"] - 1e-3) != top
        if row["high"] < 1:
            assert top_at(j, row["high"] + 1e-3) != top


def test_rank_reversal_reports_each_removal():
    table = rank_reversal(MATRIX, np.ones(5), ("TOPSIS", "VIKOR", "MABAC"))
    assert list(table["removed"]) == list(MATRIX.alternatives)
    assert table["reversal"].dtype == bool
    for _, row in table.iterrows():
        assert row["reversal"] == bool(row["moved"])


def test_core_index_statuses():
    features = pd.DataFrame(
        {
            "member:A": [True, True, True],
            "member:B": [True, False, False],
            "member:C": [False, False, False],
        },
        index=["p", "q", "r"],
    )
    out = core_index(np.array([0.5, 0.3, 0.2]), features).set_index("feature")
    assert out.loc["member:A", "status"] == "core"
    assert out.loc["member:B", "core_index"] == pytest.approx(0.5)
    assert out.loc["member:B", "status"] == "borderline"
    assert out.loc["member:C", "status"] == "exterior"


@pytest.mark.parametrize("method", ["TOPSIS", "VIKOR", "WASPAS"])
def test_one_drawn_column_ranks_as_its_whole_matrices(method):
    """Cost draws keep only the drawn column (ColumnDraws); SMAA on them gives the
    acceptability and confidence factors of the same draws as whole matrices."""
    from mcdm.results import ColumnDraws

    rng = np.random.default_rng(31)
    drawn = ColumnDraws(
        MATRIX.values + 0.5, 1, (MATRIX.values[:, 1] + 0.5) * rng.uniform(0.7, 1.3, (800, 9))
    )
    kw = {"method": method, "draws": 800, "seed": 2, "weight_band": 0.5}
    matrix = MATRIX.replace(values=MATRIX.values + 0.5)
    one = smaa(matrix, np.ones(5) / 5, value_draws=drawn, **kw)
    whole = smaa(matrix, np.ones(5) / 5, value_draws=drawn.full(), **kw)
    np.testing.assert_array_equal(one.acceptability, whole.acceptability)
    np.testing.assert_array_equal(one.confidence, whole.confidence)
    assert one.confidence.max() > 0 and np.count_nonzero(one.acceptability[:, 0]) >= 2
