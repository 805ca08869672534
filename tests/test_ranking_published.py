"""The ranking adapter against worked examples published in the MCDA literature.

Every test reproduces one published numerical example: the decision matrix, weights and
criterion directions of the source go in, and the preference values and ranking the source
prints are what is expected. Tolerances are at most one unit of the last decimal the source
prints (its own intermediate rounding can move the last digit by one).

Where the source uses a setting the adapter does not (vector normalisation in TOPSIS, fixed
bounds in SPOTIS, the ``usual`` preference function in PROMETHEE II), pymcdm is called
directly with the published setting to reproduce the published values, and the adapter is
checked on what has to agree; the docstring says which and why.
"""

from __future__ import annotations

import numpy as np
import pytest
from pymcdm import methods as pm
from pymcdm import normalizations

from mcdm.ranking import method_preferences

# --- TOPSIS ---------------------------------------------------------------------------------


def test_topsis_hwang_yoon_fighter_aircraft():
    """TOPSIS on the fighter-aircraft example of Hwang & Yoon (1981).

    Four aircraft, six criteria: maximum speed, ferry range, maximum payload, acquisition
    cost (the only cost criterion), reliability and manoeuvrability; weights
    (0.2, 0.1, 0.1, 0.1, 0.2, 0.3). The book prints the relative closeness
    C* = (0.643, 0.268, 0.613, 0.312), i.e. A1 > A3 > A4 > A2.

    The book uses vector normalisation; the adapter uses pymcdm's default min-max
    normalisation. pymcdm's ``vector_normalization`` turns a cost column into
    ``1 - x/||x||``, which leaves every distance to the ideal and anti-ideal points as in
    the book, so pymcdm with that normalisation must reproduce the published values. The
    tolerance is 1e-3 because the book rounds its normalised matrix to four decimals and has
    small slips in it (it prints r_14 = 0.5063 where 5.5 / sqrt(117.75) = 0.5069), which
    move A3 to 0.6135 when computed exactly.

    Under min-max normalisation the closeness values are different and only the two best
    places are shared with the book: the adapter puts A2 (0.366) ahead of A4 (0.352),
    whereas the book puts A4 (0.312) ahead of A2 (0.268). That is the effect of the
    normalisation, not an error, so for the adapter only A1 first and A3 second are
    asserted, together with its identity with pymcdm's default TOPSIS.

    References
    ----------
    Hwang, C.-L., & Yoon, K. (1981). *Multiple Attribute Decision Making: Methods and
    Applications*. Lecture Notes in Economics and Mathematical Systems 186. Springer,
    Berlin. TOPSIS chapter, numerical example (fighter-aircraft selection).
    """
    X = np.array(
        [
            [2.0, 1500, 20000, 5.5, 5, 9],
            [2.5, 2700, 18000, 6.5, 3, 5],
            [1.8, 2000, 21000, 4.5, 7, 7],
            [2.2, 1800, 20000, 5.0, 5, 5],
        ]
    )
    w = np.array([0.2, 0.1, 0.1, 0.1, 0.2, 0.3])
    t = np.array([1, 1, 1, -1, 1, 1])
    published = [0.643, 0.268, 0.613, 0.312]
    published_ranks = [1, 4, 2, 3]

    vector = pm.TOPSIS(normalizations.vector_normalization)
    closeness = vector(X, w, t)
    assert closeness == pytest.approx(published, abs=1e-3)
    assert list(vector.rank(closeness)) == published_ranks

    res = method_preferences("TOPSIS", X, w, t)
    assert res.preferences == pytest.approx(pm.TOPSIS()(X, w, t), abs=1e-12)
    assert res.ranks[0] == 1  # A1 best, as published
    assert res.ranks[2] == 2  # A3 second, as published


# --- VIKOR ----------------------------------------------------------------------------------


def test_vikor_opricovic_tzeng_three_alternatives():
    """VIKOR on the numerical example of Opricovic & Tzeng (2004).

    Three alternatives, two criteria of equal weight: f1 (to be minimised) = 1, 2, 5 and
    f2 (to be maximised) = 3000, 3750, 4500. A2 is the compromise solution with Q = 0;
    A1 and A3 both have Q = 1 and tie behind it. The adapter uses VIKOR's linear
    normalisation and v = 0.5 as in the paper; with two criteria the Q values above do not
    depend on v, as each alternative is at the same end of the S and R scales.

    References
    ----------
    Opricovic, S., & Tzeng, G.-H. (2004). Compromise solution by MCDM methods: A comparative
    analysis of VIKOR and TOPSIS. *European Journal of Operational Research*, 156(2),
    445-455. Numerical example (three alternatives, two criteria).
    """
    X = np.array([[1, 3000], [2, 3750], [5, 4500]], dtype=float)
    w = np.array([0.5, 0.5])
    t = np.array([-1, 1])

    res = method_preferences("VIKOR", X, w, t)
    assert res.preferences == pytest.approx([1.0, 0.0, 1.0], abs=1e-3)
    assert list(res.ranks) == [2.5, 1.0, 2.5]


# --- PROMETHEE II ---------------------------------------------------------------------------


def test_promethee_ii_zhao_peng_li_usual_criterion():
    """PROMETHEE II on the three-alternative example of Zhao, Peng & Li (2013).

    Three alternatives, three benefit criteria with weights (0.5, 0.3, 0.2) and the usual
    preference function on every criterion; the published net flows are
    (0.1, -0.3, 0.2), i.e. A3 > A1 > A2.

    The adapter uses the V-shape function with p equal to each criterion's range, so its net
    flows are not the published ones (they are (0.075, -0.225, 0.15) here). pymcdm is
    therefore called with the published ``usual`` function to reproduce the published flows,
    and only the ranking is compared for the adapter: it agrees with the published one.

    References
    ----------
    Zhao, H., Peng, Y., & Li, W. (2013). Revised PROMETHEE II for improving efficiency in
    emergency response. *Procedia Computer Science*, 17, 181-188. Illustrative example.
    """
    X = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    w = np.array([0.5, 0.3, 0.2])
    t = np.ones(3, dtype=int)

    assert pm.PROMETHEE_II("usual")(X, w, t) == pytest.approx([0.1, -0.3, 0.2], abs=0.01)

    res = method_preferences("PROMETHEE_II", X, w, t)
    assert list(res.ranks) == [2.0, 3.0, 1.0]


def test_promethee_ii_vshape_over_the_range_matches_pymcdm_and_the_closed_form():
    """PROMETHEE II exactly as the adapter configures it, on a hand-made matrix.

    No published example with the V-shape function and p equal to each criterion's range
    over the alternatives was found, so the adapter is compared with pymcdm called directly
    with the same settings. As no difference can exceed the range, every pairwise
    preference is linear, and the net flow has a closed form that does not need pymcdm:

    ``phi(a) = n / (n - 1) * sum_j w_j * t_j * (x_aj - mean_j) / range_j``

    with t_j = +1 for a benefit and -1 for a cost criterion: the preference of a over b minus
    that of b over a is t_j * (x_aj - x_bj) / range_j on every criterion, and summing it over
    the other n - 1 alternatives gives n * t_j * (x_aj - mean_j) / range_j. Both the direct
    pymcdm call and this expression must agree with the adapter.

    References
    ----------
    Brans, J.-P., & Vincke, Ph. (1985). A preference ranking organisation method (The
    PROMETHEE method for multiple criteria decision-making). *Management Science*, 31(6),
    647-656.
    """
    X = np.array([[120.0, 3.0, 0.40], [95.0, 5.0, 0.55], [150.0, 2.0, 0.80], [110.0, 4.0, 0.70]])
    w = np.array([0.5, 0.3, 0.2])
    t = np.array([-1, 1, 1])
    n = X.shape[0]
    span = X.max(axis=0) - X.min(axis=0)

    closed_form = n / (n - 1) * ((X - X.mean(axis=0)) / span * t * w).sum(axis=1)
    direct = pm.PROMETHEE_II("vshape", p=list(span))(X, w, t)

    res = method_preferences("PROMETHEE_II", X, w, t)
    assert res.preferences == pytest.approx(direct, abs=1e-12)
    assert res.preferences == pytest.approx(closed_form, abs=1e-12)
    assert list(res.ranks) == [3.0, 1.0, 4.0, 2.0]


# --- SPOTIS ---------------------------------------------------------------------------------

SPOTIS_EXAMPLES = {
    # Example 1: synthetic 4 x 3 matrix with negative values; C2 is a cost criterion.
    "dezert-example-1": (
        np.array([[10.5, -3.1, 1.7], [-4.7, 0.0, 3.4], [8.1, 0.3, 1.3], [3.2, 7.3, -5.3]]),
        np.array([[-5.0, 12.0], [-6.0, 10.0], [-8.0, 5.0]]),
        np.array([0.2, 0.3, 0.5]),
        np.array([1, -1, 1]),
        [0.1989, 0.3705, 0.3063, 0.7491],
        [1, 3, 2, 4],
    ),
    # Example 2: car selection; criteria 1-3 are costs, importances 5, 4, 4, 1, 3.
    "dezert-example-2-cars": (
        np.array(
            [
                [15000, 4.3, 99, 42, 737],
                [15290, 5.0, 116, 42, 892],
                [15350, 5.0, 114, 45, 952],
                [15490, 5.3, 123, 45, 1120],
            ],
            dtype=float,
        ),
        np.array([[14000, 16000], [3, 8], [80, 140], [35, 60], [650, 1300]], dtype=float),
        np.array([5, 4, 4, 1, 3]) / 17,
        np.array([-1, -1, -1, 1, 1]),
        [0.4779, 0.5781, 0.5558, 0.5801],
        [1, 3, 2, 4],
    ),
}


@pytest.mark.parametrize("example", list(SPOTIS_EXAMPLES))
def test_spotis_dezert_examples(example):
    """SPOTIS on the two numerical examples of Dezert et al. (2020).

    The paper fixes the bounds of every criterion by hand (the ``bounds`` above) and prints
    the distances to the ideal solution point, smaller being better: example 1 gives
    (0.1989, 0.3705, 0.3063, 0.7491) and example 2 (the car choice) gives
    (0.4779, 0.5781, 0.5558, 0.5801); both rank A1 > A3 > A2 > A4.

    The adapter takes the bounds from the data (each criterion's minimum and maximum over
    the alternatives), which rescales each criterion's distances by a different span, so its
    distances are not the published ones. pymcdm is therefore called with the published
    bounds to reproduce the published distances, and for the adapter only the ranking is
    compared: in both examples it is the published one.

    References
    ----------
    Dezert, J., Tchamova, A., Han, D., & Tacnet, J.-M. (2020). The SPOTIS rank reversal free
    method for multi-criteria decision-making support. In *2020 IEEE 23rd International
    Conference on Information Fusion (FUSION)*, pp. 1-8. IEEE. Examples 1 and 2.
    """
    X, bounds, w, t, published, published_ranks = SPOTIS_EXAMPLES[example]

    body = pm.SPOTIS(bounds)
    distances = body(X, w, t)
    assert distances == pytest.approx(published, abs=1e-4)
    assert list(body.rank(distances)) == published_ranks

    res = method_preferences("SPOTIS", X, w, t)
    assert list(res.ranks) == published_ranks


# --- WASPAS ---------------------------------------------------------------------------------


def test_waspas_chakraborty_zavadskas_antucheviciene_machine_selection():
    """WASPAS on example 2 (machine selection for a flexible manufacturing cell).

    Ten machines, four criteria: purchase cost, floor space and number of machines (all to
    be minimised) and productivity (to be maximised), weights (0.467, 0.160, 0.095, 0.278).
    The paper normalises linearly (x / max for benefits, min / x for costs) and tabulates
    the joint criterion Q for lambda from 0 to 1. The adapter uses exactly that
    normalisation and lambda = 0.5, and the matrix is strictly positive, so no column is
    shifted: the published lambda = 0.5 values and ranking must come out as printed. The
    lambda = 0 (pure WPM) and lambda = 1 (pure WSM) columns are checked on pymcdm directly.

    References
    ----------
    Chakraborty, S., Zavadskas, E. K., & Antucheviciene, J. (2015). Applications of WASPAS
    method as a multi-criteria decision-making tool. *Economic Computation and Economic
    Cybernetics Studies and Research*, 49(1), 5-22. Example 2, Q values for lambda = 0 ... 1.
    """
    X = np.array(
        [
            [581818, 54.49, 3, 5500],
            [595454, 49.73, 3, 4500],
            [586060, 51.24, 3, 5000],
            [522727, 45.71, 3, 5800],
            [561818, 52.66, 3, 5200],
            [543030, 74.46, 4, 5600],
            [522727, 75.42, 4, 5800],
            [486970, 62.62, 4, 5600],
            [509394, 65.87, 4, 6400],
            [513333, 70.67, 4, 6000],
        ],
        dtype=float,
    )
    w = np.array([0.467, 0.160, 0.095, 0.278])
    t = np.array([-1, -1, -1, 1])
    published = {
        0.0: [0.8578, 0.8144, 0.8408, 0.9413, 0.8632, 0.8241, 0.8454, 0.8915, 0.8987, 0.8697],
        0.5: [0.8584, 0.8169, 0.8419, 0.9417, 0.8638, 0.8278, 0.8503, 0.8949, 0.9027, 0.8740],
        1.0: [0.8590, 0.8194, 0.8430, 0.9420, 0.8645, 0.8315, 0.8552, 0.8983, 0.9067, 0.8784],
    }
    published_ranks = [6, 10, 8, 1, 5, 9, 7, 3, 2, 4]

    for lam in (0.0, 1.0):
        assert pm.WASPAS(l=lam)(X, w, t) == pytest.approx(published[lam], abs=1e-4)

    res = method_preferences("WASPAS", X, w, t)
    assert not res.notes  # nothing shifted
    assert res.preferences == pytest.approx(published[0.5], abs=1e-4)
    assert list(res.ranks) == published_ranks


# --- COPRAS ---------------------------------------------------------------------------------


def test_copras_kundakci_isik_air_compressor():
    """COPRAS on the air-compressor selection of Kundakcı & Tuş Işık (2016).

    Six compressors, nine criteria, MACBETH weights; criteria 1, 2, 3 and 6 are costs. The
    published utility degrees are N = (100, 91.67, 86.75, 90.84, 93.15, 94.86) %, i.e.
    A1 > A6 > A5 > A2 > A4 > A3. The adapter passes strictly positive values, so nothing is
    shifted and the published values must come out as printed.

    They do not with pymcdm 1.4.0. Its COPRAS computes the relative significance as
    ``Sp + (min(Sm) * Sm) / (Sm * (min(Sm) / Sm))``: the two sums of the published formula
    Q_i = S+_i + S-min * sum(S-) / (S-_i * sum(S-min / S-_i)) are missing and the term
    collapses to S-_i, so Q_i = S+_i + S-_i and a larger cost raises an alternative's
    utility. On this matrix it returns (0.9459, 1, 0.8192, 0.8839, 0.8556, 0.7789), ranking
    A2 first and A6 last. The adapter computes the published formula on pymcdm's normalised
    sums (``mcdm.ranking._COPRAS``); the last assertion pins the upstream slip so that a fixed
    pymcdm release is noticed.

    References
    ----------
    Kundakcı, N., & Tuş Işık, A. (2016). Integration of MACBETH and COPRAS methods to select
    air compressor for a textile company. *Decision Science Letters*, 5(3), 381-394.
    doi:10.5267/j.dsl.2016.2.003. COPRAS results (utility degrees).

    Zavadskas, E. K., Kaklauskas, A., & Sarka, V. (1994). The new method of multicriteria
    complex proportional assessment of projects. *Technological and Economic Development of
    Economy*, 1(3), 131-139 (the relative-significance formula).
    """
    X = np.array(
        [
            [1543, 2000, 39000, 15, 13.76, 3.86, 5, 3, 5000],
            [1496, 3600, 43000, 14, 14.00, 2.50, 4, 4, 4000],
            [1584, 3100, 24500, 10, 13.10, 3.70, 2, 2, 3500],
            [1560, 2700, 36000, 12, 13.20, 3.20, 3, 3, 3500],
            [1572, 2500, 31500, 13, 13.30, 3.40, 3, 2, 3500],
            [1580, 2400, 20000, 12, 12.80, 3.90, 2, 2, 3000],
        ],
        dtype=float,
    )
    w = np.array([0.2027, 0.1757, 0.1622, 0.1351, 0.1081, 0.0946, 0.0676, 0.0405, 0.0135])
    t = np.array([-1, -1, -1, 1, 1, -1, 1, 1, 1])

    res = method_preferences("COPRAS", X, w, t)
    assert not res.notes  # nothing shifted
    assert res.preferences == pytest.approx([1.0, 0.9167, 0.8675, 0.9084, 0.9315, 0.9486], abs=1e-4)
    assert list(res.ranks) == [1, 4, 6, 5, 3, 2]
    from pymcdm.methods import COPRAS

    upstream = COPRAS()(X, w, t)
    assert upstream == pytest.approx([0.9459, 1, 0.8192, 0.8839, 0.8556, 0.7789], abs=1e-4)


# --- MABAC ----------------------------------------------------------------------------------


def test_mabac_pamucar_cirovic_forklifts():
    """MABAC on the forklift example of Pamučar & Ćirović (2015), the method's original paper.

    Seven forklifts, ten criteria (C1, C5 and C6 to be minimised), weights (0.146, 0.144,
    0.119, 0.121, 0.115, 0.101, 0.088, 0.068, 0.050, 0.048). The paper normalises min-max,
    as the adapter does, and prints the sums of distances from the border approximation
    area S = (0.0826, 0.2183, -0.0488, 0.0246, -0.0704, 0.0465, 0.0464), i.e.
    A2 > A1 > A6 > A7 > A4 > A3 > A5.

    References
    ----------
    Pamučar, D., & Ćirović, G. (2015). The selection of transport and handling resources in
    logistics centers using Multi-Attributive Border Approximation area Comparison (MABAC).
    *Expert Systems with Applications*, 42(6), 3016-3028. Final criterion functions S_i and
    ranking of the forklifts.
    """
    X = np.array(
        [
            [22600, 3800, 2, 5, 1.06, 3.00, 3.5, 2.8, 24.5, 6.5],
            [19500, 4200, 3, 2, 0.95, 3.00, 3.4, 2.2, 24.0, 7.0],
            [21700, 4000, 1, 3, 1.25, 3.20, 3.3, 2.5, 24.5, 7.3],
            [20600, 3800, 2, 5, 1.05, 3.25, 3.2, 2.0, 22.5, 11.0],
            [22500, 3800, 4, 3, 1.35, 3.20, 3.7, 2.1, 23.0, 6.3],
            [23250, 4210, 3, 5, 1.45, 3.60, 3.5, 2.8, 23.5, 7.0],
            [20300, 3850, 2, 5, 0.90, 3.25, 3.0, 2.6, 21.5, 6.0],
        ]
    )
    w = np.array([0.146, 0.144, 0.119, 0.121, 0.115, 0.101, 0.088, 0.068, 0.050, 0.048])
    t = np.array([-1, 1, 1, 1, -1, -1, 1, 1, 1, 1])

    res = method_preferences("MABAC", X, w, t)
    assert res.preferences == pytest.approx(
        [0.0826, 0.2183, -0.0488, 0.0246, -0.0704, 0.0465, 0.0464], abs=1e-4
    )
    assert list(res.ranks) == [2, 1, 6, 5, 7, 3, 4]
