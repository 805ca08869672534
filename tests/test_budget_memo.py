"""Budget changes answered from solves at other budgets (mcdm.budget_memo): the answers match a
fresh solve within the solver's gap and meet every constraint at the new budget, a budget the
kept solves cover needs no solve at all, and any other change to the scenario or the data
reaches none of the kept solves."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from mcdm import packages as packages_module
from mcdm.budget_memo import KEPT_PER_QUESTION, BudgetMemo, budget_free_key
from mcdm.instance import instantiate
from mcdm.io.data import load_dataset
from mcdm.io.load import load_scenario
from mcdm.milp import SolveResult
from mcdm.milp import solve as solve_module
from mcdm.packages import PackageKind, generate_packages
from mcdm.pledges import pledge_outlook
from mcdm.results import SolveStatus
from tests.checker import check_allocation

DATA = Path(__file__).resolve().parents[1] / "data"
START_EUR_BN = 0.5  # the tripwire's best package is held back by this budget


@pytest.fixture(scope="module")
def scenario(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    return replace(
        scenario,
        archetypes=("tripwire", "observer", "technical_monitoring"),
        frontier=replace(scenario.frontier, levels=4, alternatives=1),
        budget_eur_bn=START_EUR_BN,
    )


def at(scenario, dataset, budget_eur_bn):
    return instantiate(replace(scenario, budget_eur_bn=budget_eur_bn), dataset)


def best_of(pset, archetype):
    """The archetype's best package at the budget (the last of its budget frontier)."""
    return [
        p for p in pset.packages if p.archetype == archetype and p.kind is PackageKind.FRONTIER
    ][-1]


@pytest.fixture(scope="module")
def started(scenario, dataset):
    """A memo that has seen the scenario at EUR 0.5 bn, and that run's packages."""
    memo = BudgetMemo()
    pset = generate_packages(at(scenario, dataset, START_EUR_BN), prices=False, memo=memo)
    return memo, pset


def test_random_budgets_match_a_fresh_solve_within_the_gap(scenario, dataset, started):
    memo, _ = started
    gap = scenario.solver.mip_gap
    rng = np.random.default_rng(20261201)
    for budget in [*np.round(rng.uniform(0.15, 0.8, 5), 3), 0.3]:
        instance = at(scenario, dataset, float(budget))
        kept = generate_packages(instance, prices=False, memo=memo)
        fresh = generate_packages(instance, prices=False)
        assert [o.status.has_solution for o in kept.outcomes] == [
            o.status.has_solution for o in fresh.outcomes
        ], budget
        for p in kept.packages:  # every package meets every constraint at the new budget
            assert check_allocation(instance, p.archetype, p.allocation, float(budget)) == [], (
                budget,
                p.package_id,
            )
            # its pledge outlook (kept from another budget where the mix was seen) is the one
            # worked out at this budget
            assert p.pledges == pledge_outlook(instance, p.archetype, p.allocation), p.package_id
        for o in fresh.outcomes:
            if not o.status.has_solution:
                continue
            a, b = best_of(kept, o.archetype).objective, best_of(fresh, o.archetype).objective
            assert abs(a - b) <= gap / (1 - gap) * max(abs(a), abs(b)) + 1e-9, (budget, o.archetype)
    assert memo.hits > 0 and memo.misses > 0


def test_a_budget_the_kept_solves_cover_is_answered_without_a_solve(
    scenario, dataset, started, monkeypatch
):
    """Lower the budget to just above the dearest package found at EUR 0.5 bn (but clear of
    it by more than a unit, so the budget row stays slack): no solver call, and the same mixes."""
    memo, first = started
    dearest = max(p.annual_cost_eur_bn for p in first.packages)
    assert dearest < START_EUR_BN - 0.05
    calls = []
    real = solve_module.solve_raw
    monkeypatch.setattr(solve_module, "solve_raw", lambda *a, **k: calls.append(1) or real(*a, **k))
    outlooks = []
    made = packages_module.pledge_outlook
    monkeypatch.setattr(
        packages_module, "pledge_outlook", lambda *a: outlooks.append(1) or made(*a)
    )
    lower = at(scenario, dataset, round((dearest + START_EUR_BN) / 2 + 0.02, 3))
    again = generate_packages(lower, prices=False, memo=memo)
    assert calls == []
    assert outlooks == []  # every mix was seen: its outlook is kept too
    assert [p.pledges for p in again.packages] == [p.pledges for p in first.packages]
    generate_packages(lower, prices=False)  # the same budget without the memo: solved afresh
    assert len(calls) > 10
    assert [p.allocation for p in again.packages] == [p.allocation for p in first.packages]


def test_any_change_but_the_budget_reaches_no_kept_solve(scenario, dataset, data_copy, started):
    memo, _ = started
    base = at(scenario, dataset, START_EUR_BN)
    assert budget_free_key(at(scenario, dataset, 3.0)) == budget_free_key(base)
    changed = [
        replace(scenario, solver=replace(scenario.solver, mip_gap=0.01)),
        replace(scenario, frontier=replace(scenario.frontier, levels=5)),
        replace(scenario, archetypes=("tripwire", "observer")),
        replace(scenario, seed=scenario.seed + 1),
    ]
    keys = {budget_free_key(instantiate(s, dataset)) for s in changed}
    assert len(keys) == len(changed) and budget_free_key(base) not in keys
    # the data: one element's high cost estimate changed in a copy of the data folder
    text = (data_copy / "elements.csv").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("observer_team,"))
    fields = row.split(",")
    cost_col = text.splitlines()[0].split(",").index("cost_high_eur_m")
    fields[cost_col] = str(float(fields[cost_col]) + 1.0)
    (data_copy / "elements.csv").write_text(text.replace(row, ",".join(fields)), encoding="utf-8")
    other = instantiate(replace(scenario, budget_eur_bn=START_EUR_BN), load_dataset(data_copy))
    assert budget_free_key(other) != budget_free_key(base)
    hits = memo.hits
    generate_packages(other, prices=False, memo=memo)
    assert memo.hits == hits


def _result(cost_eur_m: float, status: SolveStatus = SolveStatus.OPTIMAL) -> SolveResult:
    return SolveResult(status, 1.0, (), cost_eur_m, budget_room_eur_m=10.0)


def test_what_a_kept_answer_proves_and_what_it_does_not(scenario, dataset):
    """A best mix kept at EUR 500 m costing 300 m answers 300-500 m (budget slack there) and
    nothing above; a mix stopped by a limit answers nowhere; alternatives cut short (no more
    fit) answer only at their budget or below; each question keeps its newest answers."""
    memo, instance = BudgetMemo(), at(scenario, dataset, 0.5)
    memo.keep_best(instance, "tripwire", 500.0, _result(300.0))
    assert memo.best(instance, "tripwire", 400.0) is not None
    assert memo.best(instance, "tripwire", 600.0) is None
    assert memo.best(instance, "tripwire", 305.0) is None  # the budget row would bind there
    memo.keep_best(instance, "observer", 500.0, _result(300.0, SolveStatus.FEASIBLE))
    assert memo.best(instance, "observer", 500.0) is None
    assert memo.best(instance, "observer", 400.0) is None
    memo.keep_alternatives(instance, "tripwire", ("k",), 500.0, [], 2)
    assert memo.alternatives(instance, "tripwire", ("k",), 400.0) == ()
    assert memo.alternatives(instance, "tripwire", ("k",), 600.0) is None
    memo.keep_alternatives(instance, "observer", ("k",), 500.0, [_result(200.0)] * 2, 2)
    assert memo.alternatives(instance, "observer", ("k",), 450.0) is not None
    assert memo.alternatives(instance, "observer", ("k",), 650.0) is None
    for level in range(1000, 1000 + 2 * KEPT_PER_QUESTION):
        memo.keep_best(instance, "technical_monitoring", float(level), _result(float(level)))
    assert memo.best(instance, "technical_monitoring", 1000.0) is None  # dropped, the oldest
    assert memo.best(instance, "technical_monitoring", 1000.0 + 2 * KEPT_PER_QUESTION - 1.0)
