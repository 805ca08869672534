"""Packages that survive a withdrawal ([resilience] withdrawals, data/MODEL.md "Resilience"):
validated settings, the worst-loss rows checked against brute force and against the
independent checker with each member (or pair of members) removed, resilient_to, the worst
withdrawal, and the price of resilience."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest

from mcdm.errors import InputError
from mcdm.examples import element, member, tiny_instance
from mcdm.instance import check_references
from mcdm.io.scenario import scenario_from_mapping
from mcdm.milp import build_model, solve_lexicographic
from mcdm.model import Archetype, Category, Measure, Position
from mcdm.packages import PackageKind, generate_packages
from mcdm.resilience import ResilienceSettings
from mcdm.resilience_price import price_of_resilience, resilience_json
from mcdm.results import Allocation, SolveStatus
from mcdm.survival import resilient_to, worst_withdrawal
from tests.checker import CHECKS, check_allocation, cost_eur_m, deterrence_parts
from tests.checker import F as Family

#: The archetype's minimums, the families a withdrawal must leave intact.
PROTECTED = (
    Family.TROOP_WINDOW,
    Family.CAPABILITIES,
    Family.COVERAGE,
    Family.NATIONS,
    Family.ENABLERS,
)


def _instance(withdrawals: int = 0, who: str = "any", budget_eur_bn: float = 0.05):
    """Three members (C only in principle), infantry and medical units, two of each a member;
    the package needs 2 infantry units, 2 nations and 5 medical units per 1,000 combat troops
    (one per two infantry units of 100 troops)."""
    members = [
        member("A", gdp=2000.0),
        member("B", gdp=800.0),
        member("C", gdp=400.0, position=Position.IN_PRINCIPLE),
    ]
    elements = [
        element("inf", Category.GROUND_COMBAT, troops=100, cost=10.0, deterrence=3.0),
        element("med", Category.MEDICAL, troops=50, cost=5.0, deterrence=0.0),
    ]
    availability = {(m.member_id, e.element_id): 2 for m in members for e in elements}
    availability[("C", "inf")] = 1
    archetype = Archetype(
        archetype_id="test",
        name="Test package",
        description="",
        primary=Measure.DETERRENCE,
        required={Category.GROUND_COMBAT: 2},
        min_nations=2,
        enablers={"medical": 5.0},
    )
    return tiny_instance(
        members,
        elements,
        availability,
        archetype,
        budget_eur_bn=budget_eur_bn,
        resilience=ResilienceSettings(withdrawals, who),
    )


def _allocations(instance):
    pairs = sorted(instance.data.availability)
    for combo in itertools.product(*(range(instance.data.availability[p] + 1) for p in pairs)):
        yield [Allocation(m, e, n) for (m, e), n in zip(pairs, combo, strict=True) if n]


def _deterrence(instance, alloc) -> float:
    return sum(deterrence_parts(instance, alloc).values())


def _brute_best(instance):
    """Most deterrence, then least cost, over every allocation the checker accepts."""
    best = None
    for alloc in _allocations(instance):
        if check_allocation(instance, "test", alloc):
            continue
        key = (round(_deterrence(instance, alloc), 6), -round(cost_eur_m(instance, alloc), 6))
        if best is None or key > best:
            best = key
    return best


def _holds_without(instance, alloc, gone) -> bool:
    """The protected checks of tests/checker.py on the allocation without ``gone``'s units."""
    rest = [al for al in alloc if al.member_id not in gone]
    plain = replace(instance, scenario=replace(instance.scenario, resilience=ResilienceSettings()))
    from tests.checker import _mix

    mix, bad = _mix(plain, "test", rest, None)
    return not bad and not any(CHECKS[f](mix) for f in PROTECTED)


# --- the scenario key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"withdrawals": -1}, "a whole number of withdrawals >= 0"),
        ({"withdrawals": 1.5}, "integer"),
        ({"withdrawals": 1, "members": "some"}, "'any' or 'uncertain'"),
        ({"withdrawal": 1}, "withdrawals"),
    ],
)
def test_bad_settings_are_refused_with_the_key_and_the_value(table, expected):
    with pytest.raises(InputError) as err:
        scenario_from_mapping({"name": "x", "budget_eur_bn": 1.0, "resilience": table})
    text = str(err.value)
    assert "resilience." in text and expected in text


def test_withdrawals_must_leave_a_member():
    inst = _instance()
    data = inst.data
    for k in (3, 4):  # three members: at most two may withdraw
        s = replace(inst.scenario, resilience=ResilienceSettings(k))
        [p] = check_references(s, data)
        assert p.column == "resilience.withdrawals" and p.value == k
        assert "fewer withdrawals than the scenario's 3 members" in p.expected
    assert check_references(replace(inst.scenario, resilience=ResilienceSettings(2)), data) == []


def test_the_default_scenario_takes_one_withdrawal_and_refuses_all_of_its_members():
    from mcdm.io.load import load_instance
    from tests.conftest import DATA

    base = load_instance(DATA / "scenarios" / "default.toml")
    n = len(base.data.members)
    ok = replace(base.scenario, resilience=ResilienceSettings(1, "uncertain"))
    assert check_references(ok, base.data) == []
    [p] = check_references(replace(ok, resilience=ResilienceSettings(n)), base.data)
    assert (p.column, p.value) == ("resilience.withdrawals", n)


# --- the integer program ------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "who"), [(1, "any"), (1, "uncertain"), (2, "any")])
def test_resilient_optimum_matches_brute_force_and_survives_each_withdrawal(k, who):
    inst = _instance(k, who, budget_eur_bn=0.06)
    sol = solve_lexicographic(build_model(inst, "test"), inst.scenario.solver)
    best = _brute_best(inst)
    if best is None:
        assert not sol.status.has_solution
        return
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.objective == pytest.approx(best[0], abs=1e-6)
    assert sol.cost_eur_m == pytest.approx(-best[1], abs=1e-6)
    alloc = list(sol.allocation)
    assert check_allocation(inst, "test", alloc) == []
    # independently of the checker's resilience check: remove each (set of) member(s) in turn
    may_go = ["C"] if who == "uncertain" else ["A", "B", "C"]
    for size in range(1, k + 1):
        for gone in itertools.combinations(may_go, size):
            assert _holds_without(inst, alloc, gone), gone


def test_one_withdrawal_costs_deterrence_here_and_the_plain_optimum_does_not_survive_it():
    """Without resilience the best mix leans on one member; with it, it cannot."""
    plain, resilient = _instance(0), _instance(1)
    best_plain, best_res = _brute_best(plain), _brute_best(resilient)
    assert best_res[0] < best_plain[0]
    sol = solve_lexicographic(build_model(plain, "test"), plain.scenario.solver)
    assert resilient_to(resilient, "test", sol.allocation) == 0


# --- packages.csv: resilient_to and the worst withdrawal ----------------------------------------


def test_resilient_to_and_worst_withdrawal_agree_with_brute_force():
    inst = _instance(0, budget_eur_bn=0.1)
    seen = set()
    for alloc in _allocations(inst):
        if check_allocation(inst, "test", alloc):
            continue
        contributors = sorted({al.member_id for al in alloc})
        expected = 0
        for k in (1, 2, 3):
            sets = [g for j in range(1, k + 1) for g in itertools.combinations(contributors, j)]
            if all(_holds_without(inst, alloc, g) for g in sets):
                expected = k
            else:
                break
        assert resilient_to(inst, "test", alloc) == expected, alloc
        seen.add(expected)
        full = _deterrence(inst, alloc)
        losses = {
            mid: full - _deterrence(inst, [al for al in alloc if al.member_id != mid])
            for mid in contributors
        }
        worst, pct = worst_withdrawal(inst, "test", alloc)
        assert losses[worst] == pytest.approx(max(losses.values()), abs=1e-9)
        assert pct == pytest.approx(100.0 * max(losses.values()) / full, abs=1e-9)
    assert seen == {0, 1}  # (two of three members leave one nation: never 2)


def test_packages_carry_resilient_to_and_the_price_of_resilience_is_not_negative():
    inst = _instance(1)
    pset = generate_packages(inst, prices=True)
    assert pset.packages and all(p.resilient_to >= 1 for p in pset.packages)
    [price] = [p for p in pset.prices if p.family == "resilience"]
    assert price.label == "surviving the loss of any one member"
    assert price.gain_pct >= 0 and price.saving_eur_bn >= 0
    # the price's two ends are the two optima brute force finds
    assert price.base == pytest.approx(_brute_best(inst)[0], abs=1e-6)
    assert price.relaxed == pytest.approx(_brute_best(_instance(0))[0], abs=1e-6)
    top = [p for p in pset.packages if p.kind is PackageKind.FRONTIER][-1]
    assert top.worst_withdrawal in {"A", "B", "C"} and top.worst_withdrawal_loss_pct > 0


# --- the price of resilience in words, and the app's control ------------------------------------


def test_the_price_of_resilience_in_words_matches_brute_force():
    inst = _instance(1)
    pset = generate_packages(inst, prices=True)
    [price] = price_of_resilience(inst, pset)
    plain, resilient = _brute_best(_instance(0))[0], _brute_best(inst)[0]
    assert price.measure_loss_pct == pytest.approx(100.0 * (plain - resilient) / plain, abs=1e-3)
    assert price.measure_loss_pct > 0 and price.extra_cost_eur_bn >= 0
    assert price.sentence.startswith("Test package: surviving the loss of any one member costs ")
    assert f"{price.measure_loss_pct:.1f}% of deterrence" in price.sentence
    meta = resilience_json(inst, pset)
    assert meta["withdrawals"] == 1 and meta["price"][0]["sentence"] == price.sentence
    off = _instance(0)
    assert price_of_resilience(off, pset) == () and resilience_json(off, pset) is None


def test_a_kind_no_package_of_which_survives_is_said_so():
    inst = _instance(2)  # two of three members gone leave one nation; two are needed
    pset = generate_packages(inst, prices=True)
    [price] = price_of_resilience(inst, pset)
    assert (
        price.sentence
        == "Test package: no package is possible surviving the loss of any two members"
    )
    assert price.measure_loss_pct is None


def test_the_scenario_form_maps_its_choice_to_the_key_and_back():
    from mcdm.session.controls import ScenarioControls, apply_scenario_controls
    from mcdm.views import withdrawal_line

    inst = _instance(0)
    data, base = inst.data, inst.scenario
    start = ScenarioControls.of(base, data.members, data)
    assert start.withdrawals == 0
    chosen = replace(start, withdrawals=1)
    s = apply_scenario_controls(base, chosen, data.members, data)
    assert s.resilience == ResilienceSettings(1, "any")
    assert ScenarioControls.of(s, data.members, data).withdrawals == 1
    top = generate_packages(_instance(1), prices=False).packages[-1]
    line = withdrawal_line(_instance(1), top)
    assert line.startswith("Survives the withdrawal of any one member;")
    assert f"{top.worst_withdrawal_loss_pct:.1f}% of its deterrence" in line
