"""The solver adapter hands HiGHS exactly the model PuLP's own HiGHS interface builds, so a solve
gives the same answer as PuLP would (only faster): compared field by field on models of every
kind the tool solves (maximise, minimise with floors, relaxed, elastic), and solved both ways."""

from __future__ import annotations

import pulp
import pytest

from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.milp import Relax, build_model, families
from mcdm.milp.solve import _switch
from mcdm.milp.solver import _HiGHS, _pass_model, _status_map
from mcdm.model import Measure
from tests.conftest import DATA

highspy = pytest.importorskip("highspy")


def _lp_fields(highs) -> dict:
    lp = highs.getLp()
    a = lp.a_matrix_
    return {
        "format": a.format_,
        "start": list(a.start_),
        "index": list(a.index_),
        "value": list(a.value_),
        "cost": list(lp.col_cost_),
        "col_lower": list(lp.col_lower_),
        "col_upper": list(lp.col_upper_),
        "row_lower": list(lp.row_lower_),
        "row_upper": list(lp.row_upper_),
        "integrality": list(lp.integrality_),
        "shape": (lp.num_col_, lp.num_row_),
        "sense": lp.sense_,
        "offset": lp.offset_,
    }


def _both_ways(prob: pulp.LpProblem) -> tuple[dict, dict]:
    solver = _HiGHS(msg=False)
    solver.createAndConfigureSolver(prob)
    pulp.HiGHS.buildSolverModel(solver, prob)  # PuLP's own, one column and one row at a time
    theirs = _lp_fields(prob.solverModel)
    solver.createAndConfigureSolver(prob)
    _pass_model(prob, prob.variables(), list(prob._constraints.values()), mip=solver.mip)
    return theirs, _lp_fields(prob.solverModel)


@pytest.fixture(scope="module")
def instance(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "paris_2026.toml", dataset)
    return instantiate(scenario, dataset)


def _models(instance):
    aids = ["reassurance", "hybrid", "observer"]
    for aid in aids:
        yield f"{aid} as built", build_model(instance, aid)
        yield f"{aid} elastic", build_model(instance, aid, elastic=True)
        for option in [o for f in families.REGISTRY for o in f.price_options(instance, aid)][:4]:
            yield f"{aid} without {option.label}", build_model(instance, aid, relax=option.relax)
        model = build_model(instance, aid, budget_eur_m=1500.0)
        row = _switch(model, "floor_0", lambda m=model: m.measures[Measure.DETERRENCE] >= 0)
        row.constant = -3.0
        model.prob.sense = pulp.LpMinimize
        model.prob.setObjective(model.total_cost)
        yield f"{aid} least cost with a floor", model


def test_highs_gets_the_model_pulp_would_give_it(instance):
    seen = 0
    for what, model in _models(instance):
        theirs, ours = _both_ways(model.prob)
        assert ours == theirs, what
        assert ours["shape"][1] > 0, what
        seen += 1
    assert seen >= 12


def test_a_solve_gives_pulps_answer(instance):
    model = build_model(instance, "hybrid", relax=Relax())
    ours = _HiGHS(msg=False, gapRel=0.005, threads=1)
    model.prob.solve(ours)
    ours_values = {v.name: (v.varValue, v.dj) for v in model.prob.variables()}
    ours_rows = {n: (c.slack, c.pi) for n, c in model.prob._constraints.items()}
    ours_status = (model.prob.status, model.prob.sol_status, pulp.value(model.prob.objective))
    again = build_model(instance, "hybrid")
    plain = pulp.HiGHS(msg=False, gapRel=0.005, threads=1)
    again.prob.solve(plain)
    plain_status = (again.prob.status, again.prob.sol_status, pulp.value(again.prob.objective))
    assert ours_status == plain_status
    assert ours_values == {v.name: (v.varValue, v.dj) for v in again.prob.variables()}
    assert ours_rows == {n: (c.slack, c.pi) for n, c in again.prob._constraints.items()}
    assert ours_status[0] == pulp.LpStatusOptimal


def test_every_highs_status_has_a_reading():
    """PuLP 3.3 has no entry for the node limit's ``kSolutionLimit`` (a KeyError there)."""
    mapped = _status_map()
    assert set(mapped) == set(highspy.HighsModelStatus.__members__.values())
    stopped = (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
    assert mapped[highspy.HighsModelStatus.kSolutionLimit] == stopped
    assert mapped[highspy.HighsModelStatus.kTimeLimit] == stopped
