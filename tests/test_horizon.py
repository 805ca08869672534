"""Costs over the years: present values, the horizon budget basis, one-off costs and who pays."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import replace

import pytest

from mcdm.errors import InputError
from mcdm.examples import element, member, tiny_instance
from mcdm.horizon import (
    FundingSettings,
    annuity_factor,
    budgeted_unit_cost_eur_m,
    horizon_cost,
    present_value_eur,
)
from mcdm.instance import check_references
from mcdm.io.data import load_dataset
from mcdm.io.scenario import scenario_from_mapping
from mcdm.milp import build_model, solve_lexicographic
from mcdm.model import Category
from mcdm.packages import PackageSet, generate_packages
from mcdm.results import Allocation, PackageKind
from mcdm.tables import funding_frame, packages_frame
from tests.checker import check_allocation

# --- the present value, by hand ----------------------------------------------------------------


def test_present_value_matches_a_hand_computation():
    """One-off 100 in year 0, 50 a year in years 1-3 at 10%:
    100 + 50/1.1 + 50/1.21 + 50/1.331 = 100 + 45.4545 + 41.3223 + 37.5657 = 224.3426."""
    assert present_value_eur(100.0, 50.0, 0.10, 3) == pytest.approx(224.3426, abs=1e-4)


def test_annuity_factor_at_the_green_book_rate():
    """Σ_{t=1..10} 1.035^-t = 8.3166 (the Green Book's discount factors for years 1-10:
    0.9662, 0.9335, 0.9019, 0.8714, 0.8420, 0.8135, 0.7860, 0.7594, 0.7337, 0.7089)."""
    factors = (0.9662, 0.9335, 0.9019, 0.8714, 0.8420, 0.8135, 0.7860, 0.7594, 0.7337, 0.7089)
    assert annuity_factor(0.035, 10) == pytest.approx(sum(factors), abs=5e-4)
    assert annuity_factor(0.035, 10) == pytest.approx(8.3166, abs=1e-4)
    assert annuity_factor(0.035, 15) == pytest.approx(11.5174, abs=1e-4)


def test_a_zero_rate_is_the_plain_sum_of_the_years():
    assert annuity_factor(0.0, 12) == 12.0
    assert present_value_eur(7.0, 3.0, 0.0, 10) == 37.0


# --- packages and the budget's basis -----------------------------------------------------------


def _garrison_or_rotation(**scenario):
    """One member, two combat units of equal combat power: ``garrison`` costs EUR 10m a year
    and EUR 60m to set up, ``rotation`` EUR 12m a year and nothing to set up."""
    garrison = replace(element("garrison", troops=100, cost=10.0), one_off_cost_eur_m=60.0)
    rotation = element("rotation", troops=100, cost=12.0)
    return tiny_instance(
        members=[member("A")],
        elements=[garrison, rotation],
        availability={("A", "garrison"): 1, ("A", "rotation"): 1},
        **scenario,
    )


def _best(instance):
    sol = solve_lexicographic(build_model(instance, "test"), instance.scenario.solver)
    assert sol.status.has_solution
    return sol


def test_the_horizon_basis_buys_what_fits_the_present_value():
    """A year's EUR 12m buys either unit and the cheaper a year wins (the garrison, EUR 10m).
    Over 10 years at 3.5% the garrison costs 60 + 8.3166 × 10 = EUR 143.2m and the rotation
    8.3166 × 12 = EUR 99.8m: a EUR 120m budget over the horizon buys only the rotation, dearer
    a year than the annual basis's answer."""
    annual = _garrison_or_rotation(budget_eur_bn=0.012)
    assert [a.element_id for a in _best(annual).allocation] == ["garrison"]
    horizon = _garrison_or_rotation(budget_eur_bn=0.12, budget_basis="horizon")
    sol = _best(horizon)
    assert [a.element_id for a in sol.allocation] == ["rotation"]
    cost = horizon_cost(horizon, sol.allocation)
    assert cost.horizon_eur_m == pytest.approx(99.8, abs=0.05)
    assert cost.horizon_eur_m <= 120.0
    assert cost.annual_eur_m == 12.0 > horizon_cost(annual, _best(annual).allocation).annual_eur_m
    # the model's cost is the budget's: the present value, not the annual cost
    assert sol.cost_eur_m == pytest.approx(cost.horizon_eur_m)
    # and the independent checker agrees: the garrison alone breaks the horizon budget
    assert check_allocation(horizon, "test", sol.allocation) == []
    (breach,) = check_allocation(horizon, "test", [Allocation("A", "garrison", 1)])
    assert breach.startswith("cost 143.1")


def test_a_longer_horizon_makes_the_set_up_pay():
    """Over 40 years at 0% the garrison (60 + 400) beats the rotation (480) within EUR 470m."""
    inst = _garrison_or_rotation(
        budget_eur_bn=0.47, budget_basis="horizon", horizon_years=40, discount_rate=0.0
    )
    assert [a.element_id for a in _best(inst).allocation] == ["garrison"]


@pytest.mark.parametrize("basis", ["annual", "horizon"])
def test_every_frontier_package_fits_its_budget_level_on_the_budgets_basis(basis):
    units = [
        replace(element("inf", troops=100, cost=10.0, deterrence=3.0), one_off_cost_eur_m=25.0),
        element("obs", Category.OBSERVER, troops=20, cost=3.0, early_warning_km=20.0),
    ]
    budget = 0.05 if basis == "annual" else 0.4
    inst = tiny_instance(elements=units, budget_eur_bn=budget, budget_basis=basis)
    pset = generate_packages(inst, prices=False)
    frontier = [p for p in pset.packages if p.kind is PackageKind.FRONTIER]
    assert len(frontier) >= 2
    for p in pset.packages:
        cost = horizon_cost(inst, p.allocation)
        assert p.one_off_cost_eur_bn == pytest.approx(cost.one_off_eur_m / 1000.0)
        assert p.horizon_cost_eur_bn == pytest.approx(cost.horizon_eur_m / 1000.0)
        spent = p.annual_cost_eur_bn if basis == "annual" else p.horizon_cost_eur_bn
        assert spent <= p.budget_level_eur_bn * (1 + 1e-6) + 1e-9
        assert check_allocation(inst, p.archetype, p.allocation, p.budget_level_eur_bn) == []
    frame = packages_frame(inst, pset).set_index("package_id")
    top = frontier[-1]
    # a name says what its budget is: "best at EUR 400 m over 10 years" on the horizon basis
    assert top.label.endswith("over 10 years") == (basis == "horizon"), top.label
    assert frame.loc[top.package_id, "horizon_cost_eur_bn"] == pytest.approx(
        top.one_off_cost_eur_bn + annuity_factor(0.035, 10) * top.annual_cost_eur_bn, abs=1e-6
    )


def test_the_budget_row_counts_each_unit_at_its_budgeted_cost():
    inst = _garrison_or_rotation(budget_eur_bn=1.0, budget_basis="horizon", horizon_years=15)
    garrison = inst.data.elements["garrison"]
    assert budgeted_unit_cost_eur_m(inst.scenario, garrison) == pytest.approx(
        60.0 + 11.5174 * 10.0, abs=1e-3
    )
    annual = replace(inst.scenario, budget_basis="annual")
    assert budgeted_unit_cost_eur_m(annual, garrison) == 10.0


def test_a_money_shortfall_is_told_on_the_budgets_basis():
    from mcdm.explain import budget_shortfall

    inst = _garrison_or_rotation(budget_eur_bn=0.05, budget_basis="horizon", horizon_years=15)
    sf = budget_shortfall(0.1498, inst)
    assert "over 15 years (present value)" in sf.message and sf.unit == "EUR bn over 15 years"
    annual = _garrison_or_rotation(budget_eur_bn=0.05)
    assert budget_shortfall(0.2, annual).message.endswith("a year; the budget is EUR 50 m")


# --- who pays ----------------------------------------------------------------------------------


def test_pooled_funding_splits_each_members_cost():
    inst = tiny_instance(
        members=[member("A"), replace(member("B"), eu=False), member("C")],
        funding=FundingSettings("SAFE", eu_share=0.5, shares={"C": 0.2}),
    )
    allocation = (Allocation("A", "inf", 2), Allocation("B", "inf", 1), Allocation("C", "obs", 1))
    package = replace(generate_packages(inst, prices=False).packages[0], allocation=allocation)
    pset = PackageSet(packages=(package,), outcomes=())
    frame = funding_frame(inst, pset).set_index("member_id")
    assert frame.loc["A", "pooled_share"] == 0.5  # an EU member: the EU share
    assert frame.loc["B", "pooled_share"] == 0.0  # not in the EU
    assert frame.loc["C", "pooled_share"] == 0.2  # named: its own share
    assert frame.loc["A", "annual_pooled_eur_bn"] == pytest.approx(0.01)
    total = frame["horizon_pooled_eur_bn"] + frame["horizon_national_eur_bn"]
    assert list(total) == pytest.approx(list(frame["horizon_cost_eur_bn"]))
    assert funding_frame(tiny_instance(), pset) is None


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "key", "expected"),
    [
        ({"horizon_years": 0}, "horizon_years", "between 1 and 50"),
        ({"horizon_years": 51}, "horizon_years", "between 1 and 50"),
        ({"horizon_years": 10.5}, "horizon_years", "fractional part"),
        ({"horizon_years": True}, "horizon_years", "written as a number"),
        ({"horizon_years": "10"}, "horizon_years", "written as a number"),
        ({"discount_rate": math.nan}, "discount_rate", "between 0 and 0.2"),
        ({"discount_rate": math.inf}, "discount_rate", "between 0 and 0.2"),
        ({"discount_rate": -0.01}, "discount_rate", "between 0 and 0.2"),
        ({"discount_rate": 3.5}, "discount_rate", "0.035 for 3.5%"),
        ({"discount_rate": "3.5%"}, "discount_rate", "written as a number"),
        ({"budget_basis": "monthly"}, "budget_basis", "'annual' or 'horizon'"),
        ({"funding": {"eu_share": 1.5}}, "funding.eu_share", "a share between 0 and 1"),
        ({"funding": {"shares": {"POL": math.nan}}}, "funding.shares.POL", "between 0 and 1"),
        ({"funding": {"eu_shar": 0.5}}, "funding.eu_shar", "did you mean 'eu_share'"),
    ],
)
def test_bad_horizon_settings_are_refused_with_their_key(extra, key, expected):
    with pytest.raises(InputError) as err:
        scenario_from_mapping({"name": "t", "budget_eur_bn": 8.0, **extra}, source="upload")
    problems = err.value.problems
    assert [p.column for p in problems] == [key]
    assert expected in problems[0].expected


def test_a_horizon_budget_is_worded_as_one():
    with pytest.raises(InputError, match="a budget over the horizon > 0"):
        scenario_from_mapping({"name": "t", "budget_eur_bn": 0, "budget_basis": "horizon"})


def test_funding_names_known_members(dataset):
    s = scenario_from_mapping(
        {"name": "t", "budget_eur_bn": 8.0, "funding": {"shares": {"XYZ": 0.5, "POL": 0.5}}}
    )
    problems = check_references(s, dataset)
    assert [p.column for p in problems] == ["funding.shares.XYZ"]
    assert "members.csv" in problems[0].expected


def _write_rows(path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.mark.parametrize("bad", ["-5", "abc", "inf", "1e9"])
def test_a_bad_one_off_cost_names_its_file_row_and_column(data_copy, bad):
    path = data_copy / "elements.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("one_off_cost_eur_m")
    assert rows[1][column] == "80"
    rows[1][column] = bad
    _write_rows(path, rows)
    with pytest.raises(InputError) as err:
        load_dataset(data_copy)
    (problem,) = err.value.problems
    assert (problem.row, problem.column, str(problem.value)) == (2, "one_off_cost_eur_m", bad)
    assert "elements.csv" in problem.file


def test_the_one_off_column_may_be_left_out(data_copy):
    path = data_copy / "elements.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("one_off_cost_eur_m")
    _write_rows(path, [r[:column] + r[column + 1 :] for r in rows])
    data = load_dataset(data_copy)
    assert all(e.one_off_cost_eur_m == 0.0 for e in data.elements.values())


def test_bundled_one_off_costs_follow_their_assumption(dataset):
    """A-ONE-OFF: EUR 80k a soldier in Ukraine, 20k outside, the hub's entry only (40k)."""
    per_soldier = {"in_ukraine": 0.08, "outside_ukraine": 0.02, "remote": 0.0}
    for e in dataset.elements.values():
        rate = 0.04 if e.element_id == "hub_depot" else per_soldier[e.location.value]
        assert e.one_off_cost_eur_m == pytest.approx(e.troops_per_unit * rate), e.element_id
        assert "A-ONE-OFF" in e.source or e.one_off_cost_eur_m == 0


def test_an_element_override_sets_a_one_off_cost():
    inst = _garrison_or_rotation(
        budget_eur_bn=1.0, element_overrides={"garrison": {"one_off_cost_eur_m": 5.0}}
    )
    assert inst.data.elements["garrison"].one_off_cost_eur_m == 5.0


def test_prices_speak_in_the_budgets_terms():
    """On the horizon basis a constraint's price is read against the base package's present
    value, and its message says so."""
    members = [member("A", money=10.0), member("B")]
    inst = tiny_instance(members=members, budget_eur_bn=0.5, budget_basis="horizon")
    pset = generate_packages(inst, prices=True)
    top = next(p for p in pset.packages if p.label.endswith("best at EUR 500 m over 10 years"))
    assert pset.prices
    for price in pset.prices:
        assert price.base_cost_eur_bn == pytest.approx(top.horizon_cost_eur_bn)
        assert price.relaxed_cost_eur_bn <= price.base_cost_eur_bn + 1e-9
        assert price.per == "over 10 years (present value)"
    caps = next(p for p in pset.prices if p.family == "money_caps")
    assert caps.gain_pct > 0  # A's cap of EUR 10 m a year holds it to one unit
