"""The US backstop's sourced range in the robustness analysis (mcdm/backstop_range.py)."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from mcdm.backstop_range import BackstopEnd, BackstopRange, names_of
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import instantiate
from mcdm.model import Category, Instance, RankingSettings, RobustnessSettings, USBackstop
from mcdm.packages import generate_packages
from mcdm.pipeline import analyse_packages

CRITERIA = ("deterrence", "annual_cost_eur_bn", "troops_exposed")
WEIGHTS = {"deterrence": 3.0, "annual_cost_eur_bn": 1.0, "troops_exposed": 1.0}


def _with_range(instance: Instance, point: float, low: float, high: float) -> Instance:
    """The instance with its scenario's backstop option at ``point`` in [low, high]."""
    data = instance.data
    option = instance.scenario.us_backstop
    params = data.parameters
    backstop = dict(params.backstop)
    backstop[option] = dataclasses.replace(
        backstop[option],
        deterrence_multiplier=point,
        deterrence_multiplier_low=low,
        deterrence_multiplier_high=high,
    )
    data = dataclasses.replace(data, parameters=dataclasses.replace(params, backstop=backstop))
    return instantiate(instance.scenario, data)


def _small() -> Instance:
    """Two members, a heavy and a light ground unit, a sensor; TOPSIS alone, no SMAA: the
    recommendation is TOPSIS's first package."""
    elements = [
        element("inf", Category.GROUND_COMBAT, troops=200, cost=10.0, deterrence=3.0),
        element("lgt", Category.LIGHT_INFANTRY, troops=150, cost=4.0, deterrence=1.0),
        element("obs", Category.OBSERVER, troops=20, cost=3.0, early_warning_km=20.0),
    ]
    inst = tiny_instance(
        [member("A", gdp=2000.0), member("B", gdp=500.0)],
        elements,
        us_backstop=USBackstop.ARTICLE5,
        nation_bonus=5.0,
        weights=WEIGHTS,
        ranking=RankingSettings(methods=("TOPSIS",), criteria=CRITERIA),
        robustness=RobustnessSettings(smaa_draws=0),
    )
    return _with_range(inst, 1.5, 1.25, 1.75)


def _topsis_first(values: np.ndarray, weights: np.ndarray, signs: np.ndarray) -> int:
    """TOPSIS by hand (Hwang & Yoon 1981) with min-max normalisation (pymcdm's default): the
    index of the alternative closest to the ideal and farthest from the anti-ideal."""
    low, high = values.min(axis=0), values.max(axis=0)
    n = np.where(signs > 0, values - low, high - values) / np.where(high > low, high - low, 1.0)
    v = n * weights
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    return int(np.argmax(d_minus / (d_plus + d_minus)))


def test_the_statement_is_true_of_the_packages_it_names():
    """Each end's recommendation is the package a hand-computed TOPSIS puts first with every
    package's deterrence recomputed as multiplier x (denial + tripwire), and the statement
    gives the recommended package's deterrence at each end."""
    inst = _small()
    pset = generate_packages(inst, prices=False)
    assert len(pset.packages) >= 3
    a = analyse_packages(inst, pset, reversal=False)
    br = a.backstop
    assert br is not None and not br.single_point
    assert [(e.end, e.multiplier) for e in br.ends] == [("low", 1.25), ("high", 1.75)]
    names = names_of(pset)
    text = br.statement(names)
    signs = np.array([1.0, -1.0, -1.0])
    w = np.array([WEIGHTS[c] for c in CRITERIA])
    w = w / w.sum()
    ids = [p.package_id for p in pset.packages]
    for end in br.ends:
        values = np.array(
            [
                [
                    end.multiplier
                    * (p.deterrence_parts["denial"] + p.deterrence_parts["tripwire"]),
                    p.criteria["annual_cost_eur_bn"],
                    p.criteria["troops_exposed"],
                ]
                for p in pset.packages
            ]
        )
        first = ids[_topsis_first(values, w, signs)]
        assert end.package_id == first
        assert end.deterrence[first] == pytest.approx(values[ids.index(first), 0])
    point = ids[
        _topsis_first(
            np.array([[p.criteria[c] for c in CRITERIA] for p in pset.packages]), w, signs
        )
    ]
    assert br.recommended == a.top == point
    top = pset.by_id[a.top]
    parts = top.deterrence_parts["denial"] + top.deterrence_parts["tripwire"]
    assert parts > 0
    assert "(×1.25, against the model's ×1.5)" in text and "(×1.75)" in text
    shown = [float(x.replace(",", "")) for x in re.findall(r"([\d,]+\.\d) (?:points )?at", text)]
    assert shown == pytest.approx([1.25 * parts, 1.5 * parts, 1.75 * parts], abs=0.051)
    if br.holds:
        assert "the recommendation is unchanged" in text and f"still {names[a.top]}" in text
    else:
        assert "becomes" in text


def test_the_packages_need_no_new_solve_at_either_end():
    """The multiplier scales the whole measure the optimiser maximises: solving with the
    multiplier at its low or its high value gives the same packages (data/MODEL.md)."""
    inst = _small()
    here = {p.package_id: p.allocation for p in generate_packages(inst, prices=False).packages}
    for mult in (1.25, 1.75):
        other = generate_packages(_with_range(inst, mult, 1.25, 1.75), prices=False)
        assert {p.package_id: p.allocation for p in other.packages} == here


def test_a_single_point_says_there_is_no_range():
    """The bundled option 'none' (x1 at both ends) and an option without low/high: no ends,
    and the statement says there is no range."""
    inst = tiny_instance(
        us_backstop=USBackstop.ARTICLE5,
        nation_bonus=5.0,
        robustness=RobustnessSettings(smaa_draws=0),
        ranking=RankingSettings(methods=("TOPSIS",), criteria=CRITERIA),
        weights=WEIGHTS,
    )
    pset = generate_packages(inst, prices=False)
    a = analyse_packages(inst, pset, reversal=False)
    br = a.backstop
    assert br is not None and br.single_point and br.holds
    text = br.statement(names_of(pset))
    assert "(×1.5) and no range" in text
    point = analyse_packages(_with_range(inst, 1.5, 1.5, 1.5), pset, reversal=False).backstop
    assert point is not None and point.single_point


def test_a_changed_recommendation_is_named():
    ends = (
        BackstopEnd("low", 1.25, "b", "clear", {"a": 10.0, "b": 9.0}),
        BackstopEnd("high", 1.75, "a", "too_close", {"a": 14.0, "b": 12.6}),
    )
    br = BackstopRange("article5", 1.5, "a", {"a": 12.0, "b": 10.8}, ends)
    text = br.statement({"a": "Package A (a)", "b": "Package B (b)"})
    assert not br.holds
    assert (
        "low estimate (×1.25, against the model's ×1.5) the recommendation becomes Package B"
        in text
    )
    assert "(×1.75) it is still Package A (a) (too close to call)" in text
    assert "The deterrence of Package A (a): 10.0 points at the low estimate, 12.0 at" in text
