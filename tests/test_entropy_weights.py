"""Entropy weights (mcdm.ranking): pymcdm's values where it can compute them, and criteria
holding zeros weighted with Shannon's convention 0 log 0 = 0 instead of refused."""

from __future__ import annotations

import numpy as np
import pytest
from pymcdm import weights as pw

from mcdm.errors import RankingError
from mcdm.weights import entropy_weights


def test_entropy_weights_match_pymcdm_on_positive_values():
    rng = np.random.default_rng(7)
    values = rng.uniform(0.5, 20.0, size=(9, 5))
    assert np.allclose(entropy_weights(values), pw.entropy_weights(values))


def test_a_criterion_holding_zeros_counts_them_as_zero_entropy_terms():
    """Column 0: (0, 1, 1) has p = (0, 1/2, 1/2) and entropy log 2 / log 3; column 1:
    (1, 1, 2) has p = (1/4, 1/4, 1/2) and entropy 1.5 log 2 / log 3 (worked by hand)."""
    values = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 2.0]])
    d = np.array([1 - np.log(2) / np.log(3), 1 - 1.5 * np.log(2) / np.log(3)])
    assert np.allclose(entropy_weights(values), d / d.sum())


def test_negative_values_are_refused():
    with pytest.raises(RankingError, match="entropy weights need values >= 0"):
        entropy_weights(np.array([[-1.0, 1.0], [1.0, 2.0]]))
