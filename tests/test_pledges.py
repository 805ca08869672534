"""Pledges with their chance (data/MODEL.md, "Pledges with their chance"): the exact outlook
against brute force over the members' joint outcomes, Monte Carlo against exact, certain
packages, the order in which chances apply, and hostile chances in the data and in scenarios."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from mcdm import pledges
from mcdm.chances import PledgeSettings
from mcdm.criteria import score_allocation
from mcdm.errors import InputError
from mcdm.examples import member, tiny_instance
from mcdm.instance import check_references
from mcdm.io.data import load_dataset
from mcdm.io.scenario import scenario_from_mapping
from mcdm.milp import ConstraintFamily as F
from mcdm.model import Archetype, Category, Measure, Position
from mcdm.pledges import member_probability, pledge_basis, pledge_outlook, weighted_quantile
from mcdm.results import Allocation
from mcdm.tables import PLEDGE_COLUMNS
from tests.checker import CHECKS, _mix, primary_value
from tests.conftest import replace_in

A = Allocation

#: The families that are the archetype's requirements (mcdm/milp/requirements.py).
REQUIREMENTS = (F.TROOP_WINDOW, F.CAPABILITIES, F.COVERAGE, F.NATIONS, F.ENABLERS)


def _instance(chances: dict[str, float], archetype: Archetype | None = None, **kw):
    """Members A, B (conditional, undecided) and C (committed); chances set by the scenario."""
    members = [
        member("A", position=Position.CONDITIONAL),
        member("B", position=Position.UNDECIDED, nuclear=True),
        member("C", position=Position.COMMITTED),
    ]
    arch = archetype or Archetype(
        "test",
        "Test",
        "",
        Measure.DETERRENCE,
        troops_min=200,
        required={Category.OBSERVER: 1},
        min_nations=2,
    )
    return tiny_instance(
        members,
        archetype=arch,
        nation_bonus=2.0,
        pledges=PledgeSettings(members=chances, **kw),
    )


#: A 2 inf (200 troops), B 1 obs + 1 inf (120), C 1 inf (100): B's infantry makes it a tripwire.
ALLOC = (A("A", "inf", 2), A("B", "inf", 1), A("B", "obs", 1), A("C", "inf", 1))


def _brute_force(instance, allocation):
    """Every joint outcome scored by the independent checker: (weight, primary, troops, holds)."""
    members = sorted({a.member_id for a in allocation})
    probs = [member_probability(instance, m) for m in members]
    rows = []
    for outcome in itertools.product((0, 1), repeat=len(members)):
        weight = float(np.prod([p if x else 1 - p for p, x in zip(probs, outcome, strict=True)]))
        came = {m for m, x in zip(members, outcome, strict=True) if x}
        reduced = [a for a in allocation if a.member_id in came]
        mix, _ = _mix(instance, "test", reduced, None)
        holds = not any(CHECKS[f](mix) for f in REQUIREMENTS)
        rows.append((weight, primary_value(instance, "test", reduced), mix.total_troops, holds))
    return rows


def test_exact_outlook_matches_brute_force_and_hand_figures():
    """A comes with 0.5, B with 0.8, C surely. The requirements (200 troops, an observer, two
    nations) hold when A and B come (320 troops: A's 200 and B's observer), or B and C without
    A (220 troops): 0.5 x 0.8 + 0.5 x 0.8 = 0.8, B's chance."""
    inst = _instance({"A": 0.5, "B": 0.8, "C": 1.0})
    out = pledge_outlook(inst, "test", ALLOC)
    rows = _brute_force(inst, ALLOC)
    assert out.method == "exact" and out.outcomes == 4  # C is certain: 2 x 2 outcomes
    assert out.p_requirements_hold == pytest.approx(0.8)
    assert out.p_requirements_hold == pytest.approx(sum(w for w, *_, ok in rows if ok))
    assert out.expected_primary == pytest.approx(sum(w * v for w, v, *_ in rows))
    # troops: C's 100 always, A's 200 half the time, B's 120 four times in five
    assert out.expected_troops == pytest.approx(100 + 0.5 * 200 + 0.8 * 120)
    assert out.expected_troops == pytest.approx(sum(w * t for w, _, t, _ in rows))
    # P10: with A absent and B absent (0.1) only C's 100 troops remain; 0.1 reaches 10%
    assert out.p10_troops == pytest.approx(100)
    assert out.uncertain == ("A", "B") and out.troops_uncertain == 320


def test_outcome_values_equal_the_criteria_of_the_reduced_package():
    """Each joint outcome's primary measure is the deterrence score_allocation gives the
    package without the members that did not come (no re-solve, same figures)."""
    inst = _instance({"A": 0.5, "B": 0.5, "C": 0.5})
    sums = pledges.MemberSums.of(inst, ALLOC)
    present = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    primary, troops, _ = pledges.outcome_values(inst, "test", sums, present)
    for row, value, t in zip(present, primary, troops, strict=True):
        came = {m for m, x in zip(sums.members, row, strict=True) if x}
        reduced = [a for a in ALLOC if a.member_id in came]
        assert value == pytest.approx(score_allocation(inst, reduced)["deterrence"])
        assert t == sum(a.units * inst.data.elements[a.element_id].troops_per_unit for a in reduced)


def test_monte_carlo_is_close_to_exact_and_seeded(monkeypatch):
    """The same package judged both ways: Monte Carlo (20,000 draws) within sampling error of
    the exact enumeration, and the same figures on a second run."""
    inst = _instance({"A": 0.3, "B": 0.6, "C": 0.9})
    exact = pledge_outlook(inst, "test", ALLOC)
    monkeypatch.setattr(pledges, "EXACT_MAX_UNCERTAIN", 0)
    drawn = pledge_outlook(inst, "test", ALLOC)
    assert exact.method == "exact" and drawn.method == "monte_carlo"
    assert drawn.outcomes == inst.scenario.pledges.samples
    assert drawn.p_requirements_hold == pytest.approx(exact.p_requirements_hold, abs=0.02)
    assert drawn.expected_primary == pytest.approx(exact.expected_primary, rel=0.03)
    assert drawn.expected_troops == pytest.approx(exact.expected_troops, rel=0.02)
    assert drawn.p10_troops == exact.p10_troops
    assert pledge_outlook(inst, "test", ALLOC) == drawn


def test_certain_members_make_a_certain_package():
    inst = _instance({"A": 1.0, "B": 1.0, "C": 1.0})
    out = pledge_outlook(inst, "test", ALLOC)
    assert out.p_requirements_hold == 1.0
    assert out.method == "exact" and out.outcomes == 1 and out.uncertain == ()
    assert out.expected_primary == pytest.approx(score_allocation(inst, ALLOC)["deterrence"])
    assert out.p10_troops == out.expected_troops == 420


def test_a_member_that_never_comes_is_left_out_of_every_outcome():
    inst = _instance({"A": 0.0, "B": 1.0, "C": 1.0})
    out = pledge_outlook(inst, "test", ALLOC)
    assert out.outcomes == 1 and out.expected_troops == 220
    assert out.p_requirements_hold == 1.0  # B's observer and 220 troops from two nations


def test_chances_apply_member_first_then_position(dataset):
    """Scenario's member value, the data's condition, the scenario's position value, the
    data's position value: the first that applies."""
    inst = tiny_instance(
        [member("A", position=Position.COMMITTED), member("B", position=Position.UNDECIDED)],
        pledges=PledgeSettings(probability={Position.UNDECIDED: 0.05}, members={"A": 0.6}),
    )
    assert member_probability(inst, "A") == 0.6
    assert member_probability(inst, "B") == 0.05
    assert "scenario" in pledge_basis(inst, "A")
    data_chances = replace(
        inst.data.parameters.pledges,
        members={"B": replace(dataset.parameters.pledges.members["LVA"], probability=0.45)},
    )
    data = replace(inst.data, parameters=replace(inst.data.parameters, pledges=data_chances))
    inst2 = replace(inst, data=data)
    assert member_probability(inst2, "B") == 0.45
    assert "Saeima" in pledge_basis(inst2, "B")


def test_bundled_conditions_are_read(dataset):
    chances = dataset.parameters.pledges
    assert set(chances.probability) == set(Position)
    assert chances.members["GBR"].probability < chances.probability[Position.COMMITTED]
    assert "Commons" in chances.members["GBR"].condition


def test_weighted_quantile_is_the_inverse_distribution_function():
    values = np.array([3.0, 1.0, 2.0])
    assert weighted_quantile(values, np.array([0.05, 0.05, 0.9]), 0.1) == 2.0
    assert weighted_quantile(values, np.array([0.05, 0.1, 0.85]), 0.1) == 1.0
    assert weighted_quantile(values, np.array([0.0, 0.09, 0.91]), 0.1) == 2.0
    draws = np.arange(100.0)
    assert weighted_quantile(draws, np.full(100, 0.01), 0.1) == np.quantile(
        draws, 0.1, method="inverted_cdf"
    )


def test_packages_table_reports_the_outlook():
    from mcdm.packages import generate_packages
    from mcdm.tables import packages_frame

    inst = _instance({"A": 0.5, "B": 0.8, "C": 1.0})
    inst = replace(inst, data=replace(inst.data, archetypes={"test": inst.data.archetypes["test"]}))
    frame = packages_frame(inst, generate_packages(inst, prices=False))
    assert set(PLEDGE_COLUMNS) <= set(frame.columns)
    assert frame["p_requirements_hold"].between(0, 1).all()
    assert (frame["expected_troops"] <= frame["troops_deployed"] + 1e-9).all()


# --- hostile chances ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        ("committed = 0.9 ", "committed = 1.5 ", "pledges.probability.committed", "found 1.5"),
        ("committed = 0.9 ", "committed = -0.1 ", "pledges.probability.committed", "found -0.1"),
        ("committed = 0.9 ", "committed = nan ", "pledges.probability.committed", "nan"),
        ("committed = 0.9 ", "perhaps = 0.9 ", "pledges.probability.perhaps", "committed"),
        ("committed = 0.9 ", "", "pledges.probability.committed", "every position"),
        ("[pledges.members.LVA]", "[pledges.members.XYZ]", "pledges.members.XYZ", "members.csv"),
        ("probability = 0.4\n", "probability = 4\n", "pledges.members.LVA.probability", "4"),
    ],
    ids=["above 1", "below 0", "nan", "unknown position", "missing", "unknown member", "member"],
)
def test_bad_chances_in_the_data_are_named(data_copy, old, new, key, expected):
    replace_in(data_copy / "parameters.toml", old, new)
    with pytest.raises(InputError) as exc:
        load_dataset(data_copy)
    text = str(exc.value)
    assert "parameters.toml" in text and key in text and expected in text


_SCENARIO = {"name": "t", "budget_eur_bn": 1.0}


@pytest.mark.parametrize(
    ("pledges_table", "key", "expected"),
    [
        ({"probability": {"committed": 1.2}}, "pledges.probability.committed", "between 0 and 1"),
        ({"probability": {"sure": 0.5}}, "pledges.probability.sure", "conditional"),
        ({"members": {"GBR": -1}}, "pledges.members.GBR", "between 0 and 1"),
        ({"members": {"GBR": "high"}}, "pledges.members.GBR", "number"),
        ({"samples": 5}, "pledges.samples", "between 100"),
        ({"draws": 5}, "pledges.draws", ""),
    ],
    ids=["above 1", "unknown position", "negative", "text", "few samples", "misspelt key"],
)
def test_bad_chances_in_a_scenario_are_named(pledges_table, key, expected):
    with pytest.raises(InputError) as exc:
        scenario_from_mapping({**_SCENARIO, "pledges": pledges_table}, source="t")
    text = str(exc.value)
    assert key in text and expected in text


def test_unknown_member_in_a_scenario_is_named(dataset):
    scenario = scenario_from_mapping({**_SCENARIO, "pledges": {"members": {"XYZ": 0.5}}})
    problems = check_references(scenario, dataset, source="t")
    assert any(p.column == "pledges.members.XYZ" and "members.csv" in p.expected for p in problems)


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (1.0, "100%"),
        (0.0, "0%"),
        (0.00005, "below 0.1%"),
        (0.9995, "above 99.9%"),
        (0.8, "80%"),
        (0.042, "4.2%"),
        (0.995, "99.5%"),
    ],
)
def test_chances_are_never_rounded_to_a_certainty(p, text):
    from mcdm.formats import format_chance

    assert format_chance(p) == text


def test_early_warning_outcomes_equal_the_criterion_of_the_reduced_package():
    """For an early-warning kind of package, each joint outcome's primary measure (km) is the
    early-warning criterion of the reduced package (the line watched and watched in depth)."""
    from mcdm.io.load import load_instance
    from tests.conftest import DATA

    inst = load_instance(DATA / "scenarios" / "monitoring_only.toml")
    els = inst.data.elements
    deep = [e for e in els.values() if e.early_warning_km > 0 and e.warning_depth_km >= 30]
    shallow = [e for e in els.values() if e.early_warning_km > 0 and e.warning_depth_km < 30]
    alloc = (
        A("GBR", deep[0].element_id, 2),
        A("NLD", shallow[0].element_id, 3),
        A("CAN", deep[-1].element_id, 1),
    )
    sums = pledges.MemberSums.of(inst, alloc)
    present = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    primary, _, _ = pledges.outcome_values(inst, "observer", sums, present)
    line = inst.scenario.line_length_km
    for row, value in zip(present, primary, strict=True):
        came = {m for m, x in zip(sums.members, row, strict=True) if x}
        reduced = [a for a in alloc if a.member_id in came]
        expected = score_allocation(inst, reduced)["early_warning_pct"] * line / 100
        assert value == pytest.approx(expected)
