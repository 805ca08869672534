"""Full and incremental costs (mcdm/cost_basis.py, parameters.toml [cost_basis], SOURCES.md
A-COST-BASIS): the shares, the calibration against the operating anchors, the switch and its
errors."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mcdm.cost_basis import CostBasis, IncrementalShares, costs_by_basis
from mcdm.errors import InputError
from mcdm.examples import tiny_instance
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.io.scenario import scenario_from_mapping
from mcdm.milp import build_model, min_cost
from mcdm.model import Category, Location, RestrictionSettings
from mcdm.packages import generate_packages
from mcdm.pipeline import run_metadata, run_scenario
from mcdm.tables import packages_frame
from tests.checker import check_allocation
from tests.conftest import DATA

#: The operating anchors, EUR k a soldier-year, from the figures SOURCES.md quotes.
#: DEU-BDE-LTU: EUR 25-30m a month for the German brigade in Lithuania (4,800 soldiers).
GERMAN_BRIGADE = (25_000 * 12 / 4_800, 30_000 * 12 / 4_800)  # 62.5-75
#: BLOOMBERG-2025-02: 40,000 troops for about USD 30 bn over 10 years, in USD k.
BLOOMBERG_USD = 30_000_000 / 10 / 40_000  # 75

#: Units whose cost is troops x a cost per soldier-year (A-COST-SOLDIER).
SOLDIER_COSTED = {
    Category.GROUND_COMBAT,
    Category.LIGHT_INFANTRY,
    Category.ENGINEER,
    Category.LOGISTICS,
    Category.MEDICAL,
    Category.HQ,
    Category.TRAINING,
}


def incremental(dataset, eid: str) -> float:
    e = dataset.elements[eid]
    share = dataset.parameters.cost_basis.share(eid, e.category)
    assert share is not None, eid
    return e.cost_eur_m * share


def test_incremental_is_at_most_full_for_every_element(dataset):
    """Every element of the bundled data has a share, and its incremental cost and range never
    exceed the full ones (a share is in (0, 1])."""
    inst = instantiate(
        replace(
            load_scenario(DATA / "scenarios" / "default.toml", dataset)[0],
            cost_basis=CostBasis.INCREMENTAL,
        ),
        dataset,
    )
    assert set(inst.data.elements) == set(dataset.elements)
    for eid, full in dataset.elements.items():
        inc = inst.data.elements[eid]
        assert 0 < inc.cost_eur_m <= full.cost_eur_m, eid
        assert 0 < inc.cost_low_eur_m <= full.cost_low_eur_m, eid
        assert inc.cost_high_eur_m <= full.cost_high_eur_m, eid
        assert inc.cost_low_eur_m <= inc.cost_eur_m <= inc.cost_high_eur_m, eid


def test_ground_units_cost_per_soldier_year_on_the_operating_anchors(dataset):
    """The calibration the issue asks for, with the basis stated: on the incremental basis a
    ground combat or light infantry unit in Ukraine costs a soldier-year what the German brigade
    costs (EUR 62.5-75k, DEU-BDE-LTU) and within 10% of Bloomberg Economics' USD 75k
    (BLOOMBERG-2025-02, at the data's exchange rate); on the full basis it costs at least twice
    the anchors (SOURCES.md A-COST-SOLDIER). Every other soldier-costed unit stays within a
    quarter of the German band."""
    bloomberg = BLOOMBERG_USD / dataset.parameters.usd_per_eur
    low, high = GERMAN_BRIGADE
    ground = [
        e
        for e in dataset.elements.values()
        if e.category in (Category.GROUND_COMBAT, Category.LIGHT_INFANTRY)
        and e.location is Location.IN_UKRAINE
    ]
    assert len(ground) >= 3
    for e in ground:
        per_soldier = 1000.0 * incremental(dataset, e.element_id) / e.troops_per_unit
        assert low - 0.5 <= per_soldier <= high + 0.5, e.element_id
        assert abs(per_soldier / bloomberg - 1) <= 0.1, e.element_id
        assert 1000.0 * e.cost_eur_m / e.troops_per_unit >= 2 * low, e.element_id
    for e in dataset.elements.values():
        if e.category in SOLDIER_COSTED:
            per_soldier = 1000.0 * incremental(dataset, e.element_id) / e.troops_per_unit
            assert 0.75 * low <= per_soldier <= 1.25 * high, e.element_id


def test_reassurance_force_per_soldier_year_on_each_basis(dataset):
    """IISS-2025-04's small option (about 10,000 in Ukraine), cheapest package: on the full
    basis its cost per soldier-year lies between the German brigade and a US armoured brigade
    rotation (EUR 62-425k, ABCT-2024); on the incremental basis it lies within a fifth of
    the operating anchors (EUR 62.5-75k; the package also holds air defence and ISR, whose
    incremental cost a soldier is higher). data/MODEL.md, "Calibration", gives the figures."""
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    per_soldier = {}
    for basis in CostBasis:
        inst = instantiate(
            replace(
                scenario,
                cost_basis=basis,
                archetypes=("reassurance",),
                archetype_overrides={
                    "reassurance": {
                        "troops_min": 9_500,
                        "troops_max": 10_500,
                        "troops_counted": "in_ukraine",
                    }
                },
                restrictions=RestrictionSettings(),
            ),
            dataset,
        )
        res = min_cost(build_model(inst, "reassurance"), inst.scenario.solver)
        assert res.status.has_solution
        assert check_allocation(inst, "reassurance", res.allocation) == []
        people = sum(
            a.units * dataset.elements[a.element_id].troops_per_unit for a in res.allocation
        )
        per_soldier[basis] = res.objective * 1000.0 / people
    low, high = GERMAN_BRIGADE
    assert low <= per_soldier[CostBasis.FULL] <= 425
    assert 0.8 * low <= per_soldier[CostBasis.INCREMENTAL] <= 1.2 * high
    assert per_soldier[CostBasis.INCREMENTAL] < per_soldier[CostBasis.FULL] / 2


# --- the switch on a small instance --------------------------------------------------------------

SHARES = IncrementalShares(
    categories={Category.GROUND_COMBAT: 0.25, Category.OBSERVER: 1.0, Category.ISR: 0.5}
)


def with_shares(inst, basis: CostBasis, shares: IncrementalShares = SHARES):
    """The tiny instance re-instantiated with incremental shares in its data and ``basis``."""
    data = replace(inst.data, parameters=replace(inst.data.parameters, cost_basis=shares))
    return instantiate(replace(inst.scenario, cost_basis=basis), data)


def test_the_basis_scales_costs_by_the_documented_shares():
    """inf costs EUR 10m (share 0.25), obs 3m (1.0), sat 4m (0.5): the incremental instance
    holds 2.5, 3 and 2, cost ranges scaled alike; a package's full and incremental columns
    are the sums of units x each basis's cost, whichever basis the scenario counts."""
    base = tiny_instance(budget_eur_bn=0.02)
    full, inc = with_shares(base, CostBasis.FULL), with_shares(base, CostBasis.INCREMENTAL)
    expected = {"inf": 2.5, "obs": 3.0, "sat": 2.0}
    for eid, cost in expected.items():
        assert inc.data.elements[eid].cost_eur_m == pytest.approx(cost)
        assert full.data.elements[eid].cost_eur_m == base.data.elements[eid].cost_eur_m
        share = cost / base.data.elements[eid].cost_eur_m
        for field in ("cost_low_eur_m", "cost_high_eur_m"):
            assert getattr(inc.data.elements[eid], field) == pytest.approx(
                share * getattr(base.data.elements[eid], field)
            )
    for inst in (full, inc):
        pset = generate_packages(inst, prices=False)
        frame = packages_frame(inst, pset).set_index("package_id")
        for p in pset.packages:
            units = {}
            for a in p.allocation:
                units[a.element_id] = units.get(a.element_id, 0) + a.units
            want_full = sum(n * base.data.elements[e].cost_eur_m for e, n in units.items())
            want_inc = sum(n * expected[e] for e, n in units.items())
            row = frame.loc[p.package_id]
            assert row["annual_cost_full_eur_bn"] == pytest.approx(want_full / 1000, abs=1e-6)
            assert row["annual_cost_incremental_eur_bn"] == pytest.approx(want_inc / 1000, abs=1e-6)
            on_basis = want_inc if inst is inc else want_full
            assert row["annual_cost_eur_bn"] == pytest.approx(on_basis / 1000, abs=1e-6)
            assert on_basis <= 20 + 1e-6  # the budget (EUR 0.02 bn) counts the basis


def test_the_budget_buys_more_on_the_incremental_basis():
    """EUR 20m buys 2 infantry units at full cost (10m each) and 6 (all available) at 2.5m: the
    most deterrent package on the incremental basis holds more combat power."""
    base = tiny_instance(budget_eur_bn=0.02)

    def infantry(inst):
        pset = generate_packages(inst, prices=False)
        best = max(pset.packages, key=lambda p: p.criteria["deterrence"])
        return sum(a.units for a in best.allocation if a.element_id == "inf")

    assert infantry(with_shares(base, CostBasis.FULL)) == 2
    assert infantry(with_shares(base, CostBasis.INCREMENTAL)) == 6


def test_without_shares_the_incremental_column_is_empty():
    inst = tiny_instance()
    pset = generate_packages(inst, prices=False)
    p = max(pset.packages, key=lambda q: q.annual_cost_eur_bn)
    assert p.allocation
    both = costs_by_basis(inst, p.allocation)
    assert both.incremental_eur_m is None
    assert both.full_eur_m == pytest.approx(1000 * p.annual_cost_eur_bn)
    assert packages_frame(inst, pset)["annual_cost_incremental_eur_bn"].isna().all()


def test_run_json_states_the_basis():
    inst = with_shares(tiny_instance(budget_eur_bn=0.02), CostBasis.INCREMENTAL)
    meta = run_metadata(run_scenario(inst, prices=False))
    assert meta["cost_basis"] == "incremental"
    assert meta["scenario"]["cost_basis"] == "incremental"


# --- errors ------------------------------------------------------------------------------------


def test_a_bad_scenario_value_is_a_clear_error():
    with pytest.raises(InputError) as err:
        scenario_from_mapping({"name": "x", "budget_eur_bn": 1.0, "cost_basis": "net"}, "preset")
    assert str(err.value.problems[0]) == (
        "preset, key cost_basis: found 'net'; expected 'full' or 'incremental'"
    )


def test_incremental_without_shares_in_the_data_is_a_clear_error():
    base = tiny_instance()
    with pytest.raises(InputError) as err:
        instantiate(replace(base.scenario, cost_basis=CostBasis.INCREMENTAL), base.data)
    (problem,) = err.value.problems
    assert problem.column == "cost_basis" and problem.value == "incremental"
    assert "no [cost_basis] section" in problem.expected
    partial = IncrementalShares(categories={Category.GROUND_COMBAT: 0.25})
    with pytest.raises(InputError) as err:
        with_shares(base, CostBasis.INCREMENTAL, partial)
    assert "no incremental share for obs, sat" in err.value.problems[0].expected


def test_bad_shares_in_parameters_toml_are_clear_errors(data_copy):
    params = data_copy / "parameters.toml"
    text = params.read_text(encoding="utf-8")

    def problems(old: str, new: str) -> list[str]:
        params.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_dataset(data_copy)
        return [str(p) for p in err.value.problems]

    where = f"{params.as_posix()}, key cost_basis."
    assert problems("ground_combat = 0.25", "ground_combat = 1.5") == [
        f"{where}categories.ground_combat: found 1.5; expected a share of the full cost > 0 "
        "and <= 1 (0.25 = a quarter of it)"
    ]
    assert problems("naval = 0.3\n", "") == [
        f"{where}categories.naval: found nothing; expected the incremental share of category "
        "naval's full cost (elements mcm_vessel), or a cost_basis.elements entry for each of them"
    ]
    (unknown,) = problems("hub_depot = 0.5", "hub_dept = 0.5")
    assert unknown.startswith(
        f"{where}elements.hub_dept: found 'hub_dept'; expected an element_id listed in "
        "elements.csv (armoured_bg, "
    )
