"""The recommended package: the rule of mcdm/recommend.py and data/MODEL.md, and its sentence."""

from __future__ import annotations

import numpy as np
import pytest

from mcdm.headline import recommendation_sentence
from mcdm.model import Measure
from mcdm.ranking import MethodResult, Ranking, rank_matrix
from mcdm.recommend import MARGIN, recommend
from mcdm.results import DecisionMatrix, Package, PackageKind, SolveStatus
from mcdm.robustness import SmaaResult

IDS = ("a", "b", "c")


def _matrix() -> DecisionMatrix:
    # a: strong and dear, b: middling, c: cheap and weak (benefit, cost)
    values = np.array([[9.0, 8.0], [6.0, 4.0], [2.0, 1.0]])
    return DecisionMatrix(IDS, ("deterrence", "annual_cost_eur_bn"), values, (1, -1))


def _smaa(first: list[float]) -> SmaaResult:
    n = len(first)
    acc = np.zeros((n, n))
    acc[:, 0] = first
    return SmaaResult(
        alternatives=IDS,
        criteria=("deterrence", "annual_cost_eur_bn"),
        method="TOPSIS",
        draws=1000,
        seed=1,
        weight_band=None,
        acceptability=acc,
        central_weights=np.full((n, 2), 0.5),
        confidence=np.ones(n),
    )


def _package(pid: str, cost: float, troops: int, label: str) -> Package:
    return Package(
        package_id=pid,
        archetype="x",
        kind=PackageKind.FRONTIER,
        budget_level_eur_bn=cost,
        status=SolveStatus.OPTIMAL,
        allocation=(),
        criteria={"annual_cost_eur_bn": cost, "nations": 3.0},
        primary=Measure.DETERRENCE,
        objective=0.0,
        troops_deployed=troops,
        label=label,
    )


PACKAGES = {
    "a": _package("a", 6.9, 20_000, "Reassurance, best at EUR 8 bn"),
    "b": _package("b", 1.8, 10_000, "Hybrid, cheapest (10,000 troops)"),
    "c": _package("c", 0.154, 200, "Technical monitoring, cheapest (200 troops)"),
}


def test_a_clear_lead_in_first_places_is_recommended():
    ranking = rank_matrix(_matrix(), {"deterrence": 0.5, "annual_cost_eur_bn": 0.5})
    rec = recommend(ranking, _smaa([0.6, 0.3, 0.1]))
    assert (rec.package_id, rec.verdict, rec.basis) == ("a", "clear", "smaa")
    assert [c.package_id for c in rec.contenders] == ["a"]
    assert rec.runner_up == "b" and rec.runner_up_share == pytest.approx(0.3)
    sentence = recommendation_sentence(rec, PACKAGES)
    assert sentence == (
        "Recommended: Reassurance, best at EUR 8 bn (a), first in 60% of 1,000 weight draws, "
        "ahead of Hybrid, cheapest (10,000 troops) (b) (30%)."
    )


def test_shares_within_the_margin_are_too_close_to_call_with_the_figures():
    ranking = rank_matrix(_matrix(), {"deterrence": 0.5, "annual_cost_eur_bn": 0.5})
    rec = recommend(ranking, _smaa([0.39, 0.37, 0.24]))
    assert rec.verdict == "too_close" and rec.package_id == "a"
    # c is 15 points behind a: out of the running; b is 2 points behind: in it
    assert [c.package_id for c in rec.contenders] == ["a", "b"]
    sentence = recommendation_sentence(rec, PACKAGES)
    assert sentence.startswith(
        "Too close to call: Reassurance, best at EUR 8 bn (a) is first in 39%"
    )
    assert "Hybrid, cheapest (10,000 troops) (b) in 37%" in sentence
    assert "differ in cost by EUR 5.10 bn a year and in troops by 10,000" in sentence


def test_a_lead_of_exactly_the_margin_is_clear():
    ranking = rank_matrix(_matrix(), {"deterrence": 0.5, "annual_cost_eur_bn": 0.5})
    rec = recommend(ranking, _smaa([0.5, 0.5 - MARGIN, 0.1]))
    assert rec.verdict == "clear"


def test_equal_shares_go_to_the_better_consensus_rank():
    ranking = rank_matrix(_matrix(), {"deterrence": 0.9, "annual_cost_eur_bn": 0.1})
    first = [0.45 if a in ("b", "c") else 0.10 for a in IDS]
    rec = recommend(ranking, _smaa(first))
    ranks = dict(zip(IDS, ranking.consensus, strict=True))
    expected = min(("b", "c"), key=lambda a: (ranks[a], a))
    assert rec.package_id == expected and rec.verdict == "too_close"


def _ranking_by_methods(firsts: dict[str, str], consensus: list[float]) -> Ranking:
    """A ranking whose methods put the given package first (the others tied behind)."""
    results = {
        m: MethodResult(m, np.zeros(3), np.array([1.0 if a == top else 2.5 for a in IDS]), True)
        for m, top in firsts.items()
    }
    return Ranking(
        matrix=_matrix(),
        weights=np.array([0.5, 0.5]),
        results=results,
        consensus=np.array(consensus),
        consensus_score=-np.array(consensus),
        consensus_rule="borda",
    )


def test_without_draws_a_majority_of_methods_makes_it_clear():
    ranking = _ranking_by_methods({"TOPSIS": "a", "VIKOR": "a", "SPOTIS": "b"}, [1.0, 2.0, 3.0])
    rec = recommend(ranking, None)
    assert (rec.package_id, rec.verdict, rec.basis) == ("a", "clear", "methods")
    assert recommendation_sentence(rec, PACKAGES) == (
        "Recommended: Reassurance, best at EUR 8 bn (a), first under 2 of 3 methods."
    )


def test_without_draws_split_methods_are_too_close_and_name_the_others():
    firsts = {"TOPSIS": "a", "VIKOR": "b", "SPOTIS": "c", "WASPAS": "b"}
    ranking = _ranking_by_methods(firsts, [1.0, 1.5, 3.0])  # a has the best consensus rank
    rec = recommend(ranking, None)
    assert (rec.package_id, rec.verdict) == ("a", "too_close")
    assert [(c.package_id, c.methods_first) for c in rec.contenders] == [
        ("a", 1),
        ("b", 2),
        ("c", 1),
    ]
    assert recommendation_sentence(rec, PACKAGES) == (
        "Too close to call: Reassurance, best at EUR 8 bn (a) has the best consensus rank but is "
        "first under only 1 of 4 methods; Hybrid, cheapest (10,000 troops) (b) under 2; "
        "Technical monitoring, cheapest (200 troops) (c) under 1."
    )


def test_package_names_use_the_one_money_format():
    """Budget levels in names read as money elsewhere does: EUR m below a billion, two decimals
    above, whole billions whole; never "EUR 0.163 bn"."""
    import re

    from mcdm.examples import tiny_instance
    from mcdm.packages import generate_packages

    money = re.compile(r"EUR (?:[1-9]\d{0,2} m|[1-9][\d,]*(?:\.\d\d)? bn)$")
    small = [p.label for p in generate_packages(tiny_instance(budget_eur_bn=0.163)).packages]
    assert "Test package, best at EUR 163 m" in small, small
    for n in small:
        assert "troops" in n or money.search(n), n
    big = [p.label for p in generate_packages(tiny_instance(budget_eur_bn=8.0)).packages]
    assert "Test package, best at EUR 8 bn" in big, big
