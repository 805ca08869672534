"""Constraint prices solve once what several options share: options that build the very same
model (lifting the refusal of a member whose units no other limit lets in) get one solve. The
claim rests on the models being the same, checked here model by model as HiGHS receives them,
and on the prices being those of solving every option, checked on a small scenario."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest

from mcdm import prices
from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.milp import build_model, families, solve_lexicographic
from mcdm.milp.solver import _HiGHS, _pass_model
from mcdm.packages import generate_packages
from mcdm.prices import PriceTask, price_constraints
from tests.conftest import DATA
from tests.test_solver_adapter import _lp_fields


def _highs_model(instance, aid, relax) -> dict:
    prob = build_model(instance, aid, relax=relax).prob
    solver = _HiGHS(msg=False)
    solver.createAndConfigureSolver(prob)
    _pass_model(prob, prob.variables(), list(prob._constraints.values()))
    return _lp_fields(prob.solverModel)


def _tasks(instance):
    settings = instance.scenario.solver
    for aid in instance.scenario.archetypes:
        model = build_model(instance, aid)
        base = solve_lexicographic(model, settings)  # (only the task's key is read here)
        for f in families.REGISTRY:
            for option in f.price_options(instance, aid):
                yield PriceTask(instance, aid, base, option, settings)


@pytest.mark.parametrize("name", ["default", "paris_2026"])
def test_options_that_share_a_solve_build_the_same_model(dataset, name):
    scenario, _ = load_scenario(DATA / "scenarios" / f"{name}.toml", dataset)
    scenario = replace(scenario, archetypes=("tripwire", "hybrid", "observer"))
    instance = instantiate(scenario, dataset)
    groups = defaultdict(list)
    for task in _tasks(instance):
        groups[prices._same_model(task)].append(task)
    shared = [g for g in groups.values() if len(g) > 1]
    for group in shared:
        first = _highs_model(instance, group[0].archetype, group[0].option.relax)
        for task in group[1:]:
            assert _highs_model(instance, task.archetype, task.option.relax) == first, (
                group[0].option.label,
                task.option.label,
            )
    by_pairs = families.family
    for group in groups.values():
        if not all(by_pairs(f).acts_through_pairs for f, _ in group[0].option.relax.switches):
            assert len(group) == 1  # a family with rows of its own is never shared
    if name == "default":
        assert sum(len(g) - 1 for g in shared) >= 6  # six refusals that lift nothing


def test_shared_solves_give_the_prices_of_solving_every_option(dataset, monkeypatch):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    instance = instantiate(replace(scenario, archetypes=("tripwire",)), dataset)
    pset = generate_packages(instance, prices=False)
    solved = []
    run = PriceTask.run

    def counted(task):
        solved.append(task.option.label)
        return run(task)

    monkeypatch.setattr(PriceTask, "run", counted)
    once = price_constraints(instance, pset.bases, scenario.solver)
    solves_shared = len(solved)
    solved.clear()
    monkeypatch.setattr(prices, "_same_model", lambda task: (task.archetype, task.option))
    every = price_constraints(instance, pset.bases, scenario.solver)
    assert once == every
    assert solves_shared < len(solved) == len(every)
    assert any(p.label.endswith("'s refusal") for p in once)
