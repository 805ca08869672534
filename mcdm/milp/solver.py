"""The solver adapter: PuLP's HiGHS and CBC interfaces, their options and status codes.

The only place that calls a solver. PuLP's status codes stop here: callers get
:class:`~mcdm.results.SolveStatus` in a :class:`RawResult`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from ..errors import SolveError
from ..model import SolverSettings
from ..results import SolveStatus
from ..solved_models import HighsInput, Outcome, active

__all__ = ["RawResult", "map_status", "solve_raw"]


@dataclass(frozen=True)
class RawResult:
    """One solver call. ``gap`` is the relative gap the solver reports (HiGHS only)."""

    status: SolveStatus
    objective: float | None
    time_s: float
    gap: float | None = None
    limit: str = ""  # which limit stopped a FEASIBLE solve: "time", "nodes" or "limit" (CBC)
    node_limit: int | None = None
    bound: float | None = None  # the solver's best bound on the objective (HiGHS only)


def map_status(status: int, sol_status: int) -> SolveStatus:
    """Map PuLP's (status, sol_status) to ours.

    PuLP reports "Optimal" when HiGHS stops at a time limit with an incumbent; only
    ``sol_status == LpSolutionIntegerFeasible`` tells the two apart.
    """
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return SolveStatus.FEASIBLE
    if status == pulp.LpStatusOptimal and sol_status == pulp.LpSolutionOptimal:
        return SolveStatus.OPTIMAL
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return SolveStatus.INFEASIBLE
    return SolveStatus.ERROR


@functools.cache
def _quiet_highs_banner() -> None:
    """HiGHS prints a banner on stdout when its first instance is made, even with output off.

    Make that first instance here with stdout pointed at /dev/null, so the CLI's output stays
    clean (tables and messages only).
    """
    import highspy

    with _stdout_to_devnull():
        highspy.Highs()


@contextlib.contextmanager
def _stdout_to_devnull() -> Iterator[None]:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # captured or replaced stdout
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface with two additions: a start solution, and the node limit.

    With ``warm``, the variables' current values are passed as a start: a tie-break or re-solve
    then starts from a known feasible mix and needs only to prove (or improve) it. Only complete
    start vectors are passed: with a partial one (``setSolution`` with a sparse vector, which
    HiGHS completes itself) highspy 1.16 was seen to run far past its time limit.

    PuLP 3.3 has no entry for HiGHS's ``kSolutionLimit`` (the status after ``mip_max_nodes``
    nodes) and raises a KeyError; it is read here as the iteration limit it is, and the status
    HiGHS gave is kept in ``model_status`` so that a note can say which limit stopped a solve.
    """

    def __init__(self, *, warm: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.warm = warm
        self.model_status = ""
        self.outcome: Outcome | None = None

    def actualSolve(self, lp: pulp.LpProblem) -> int:  # noqa: N802 (PuLP's name)
        """PuLP's ``HiGHS.actualSolve`` with the problem's variables listed once, not five times.

        PuLP lists them (a pass over every row) to build the model, to read the solution and to
        clear flags; here the list is made once and the model goes to HiGHS in three bulk calls.
        HiGHS receives the very same model (columns in PuLP's order, rows in the problem's;
        ``tests/test_solver_adapter.py`` compares the two), so it finds the very same solution.
        Where solved models are reused (:mod:`mcdm.solved_models`), a model HiGHS has already
        solved with the same options and start is answered with that solve's outcome (then
        ``lp.solverModel`` is None: no HiGHS object holds this model). Only outcomes that do
        not depend on the machine's load are kept: not a solve stopped by the time limit.
        """
        variables = lp.variables()
        rows = list(lp._constraints.values())
        given = _highs_input(lp, variables, rows, mip=self.mip)
        start = _start_vector(variables) if self.warm else None
        solved = active() if not (self.callbackTuple or self.callbacksToActivate) else None
        key = given.digest(self._options(), start) if solved is not None else b""
        outcome = solved.get(key) if solved is not None else None
        if outcome is not None:
            lp.solverModel = None
        else:
            outcome = self._run(lp, given, start)
            if solved is not None and outcome.model_status in _reproducible():
                solved.put(key, outcome)
        self.outcome = outcome
        model_status = _model_status(outcome)
        self.model_status = model_status.name
        status, sol_status = _read_solution(lp, variables, rows, outcome, model_status)
        for var in variables:
            var.modified = False
        for row in rows:
            row.modifier = False  # (sic: PuLP's own attribute)
        lp.assignStatus(status, sol_status)
        return status

    def _options(self) -> tuple:
        """Everything :meth:`createAndConfigureSolver` sets, and the HiGHS that reads it."""
        return (
            _highs_version(),
            self.mip,
            self.msg,
            self.gapRel,
            self.gapAbs,
            self.threads,
            self.timeLimit,
            tuple(sorted((k, repr(v)) for k, v in self.optionsDict.items())),
        )

    def _run(self, lp: pulp.LpProblem, given: HighsInput, start: np.ndarray | None) -> Outcome:
        self.createAndConfigureSolver(lp)
        highs = lp.solverModel
        _load(highs, given)
        if start is not None:
            _set_start(highs, start)
        highs.run()
        if start is not None and _start_returned(highs):
            # highspy 1.16 can report the optimum's objective yet hand back the start as its
            # solution (seen when presolve settles the model): solve again without the start.
            highs.clearSolver()
            highs.run()
        return _outcome(highs)


@functools.cache
def _highs_version() -> str:
    from importlib.metadata import version

    return version("highspy")


def _start_vector(variables: list) -> np.ndarray | None:
    """The variables' current values (a previous solution), complete, or None if none is set."""
    values = np.zeros(len(variables))
    known = False
    for var in variables:
        if var.varValue is not None:
            values[var.index] = float(var.varValue)
            known = True
    return values if known else None


def _set_start(highs: Any, values: np.ndarray) -> None:
    import highspy

    sol = highspy.HighsSolution()
    sol.col_value = values.tolist()
    sol.value_valid = True
    highs.setSolution(sol)


def _start_returned(highs: Any) -> bool:
    """Whether HiGHS's solution disagrees with the objective value it reports."""
    info = highs.getInfo()
    sol = highs.getSolution()
    if not sol.value_valid:
        return False
    lp = highs.getLp()
    value = lp.offset_ + sum(c * v for c, v in zip(lp.col_cost_, sol.col_value, strict=False))
    reported = float(info.objective_function_value)
    return abs(value - reported) > 1e-6 * max(1.0, abs(reported))


def _outcome(highs: Any) -> Outcome:
    solution = highs.getSolution()
    info = highs.getInfo()
    return Outcome(
        model_status=int(highs.getModelStatus()),
        objective=float(highs.getObjectiveValue()),
        col_value=np.array(solution.col_value, dtype=np.float64),
        col_dual=np.array(solution.col_dual, dtype=np.float64),
        row_value=np.array(solution.row_value, dtype=np.float64),
        row_dual=np.array(solution.row_dual, dtype=np.float64),
        mip_dual_bound=float(info.mip_dual_bound),
        mip_gap=float(info.mip_gap),
    )


def _pass_model(lp: pulp.LpProblem, variables: list, rows: list, mip: bool = True) -> None:
    """Give HiGHS (``lp.solverModel``) the problem as PuLP's ``HiGHS.buildSolverModel`` does."""
    _load(lp.solverModel, _highs_input(lp, variables, rows, mip))


def _highs_input(lp: pulp.LpProblem, variables: list, rows: list, mip: bool) -> HighsInput:
    """The problem as PuLP's ``HiGHS.buildSolverModel`` would give it to HiGHS.

    Column j is ``variables[j]`` (PuLP's order, by name) with PuLP's sign for a maximisation
    and its bounds; row i is the problem's i-th constraint with its zero coefficients left out.
    Sets each variable's and row's ``index``, as PuLP does.
    """
    import highspy

    inf = highspy.kHighsInf
    mult = -1 if lp.sense == pulp.LpMaximize else 1
    objective = lp.objective
    n = len(variables)
    cost = np.empty(n)
    lower = np.empty(n)
    upper = np.empty(n)
    integer = []
    for j, var in enumerate(variables):
        var.index = j
        cost[j] = mult * objective.get(var, 0.0)
        lower[j] = -inf if var.lowBound is None else var.lowBound
        upper[j] = inf if var.upBound is None else var.upBound
        if var.cat == pulp.LpInteger and mip:
            integer.append(j)
    m = len(rows)
    starts = np.empty(m, dtype=np.int32)
    row_lower = np.empty(m)
    row_upper = np.empty(m)
    index: list[int] = []
    value: list[float] = []
    for i, row in enumerate(rows):
        starts[i] = len(index)
        for var, coef in row.items():
            if coef != 0:
                index.append(var.index)
                value.append(coef)
        row.index = i
        lb, ub = row.getLb(), row.getUb()
        row_lower[i] = -inf if lb is None else lb
        row_upper[i] = inf if ub is None else ub
    return HighsInput(
        cost=cost,
        lower=lower,
        upper=upper,
        integer=np.array(integer, dtype=np.int32),
        row_lower=row_lower,
        row_upper=row_upper,
        starts=starts,
        index=np.array(index, dtype=np.int32),
        value=np.array(value, dtype=np.float64),
    )


def _load(highs: Any, given: HighsInput) -> None:
    """Hand HiGHS the model in three bulk calls."""
    import highspy

    n = len(given.cost)
    none_i = np.empty(0, dtype=np.int32)
    highs.addCols(n, given.cost, given.lower, given.upper, 0, none_i, none_i, np.empty(0))
    if len(given.integer):
        k = len(given.integer)
        kind = np.full(k, int(highspy.HighsVarType.kInteger), dtype=np.uint8)
        highs.changeColsIntegrality(k, given.integer, kind)
    m = len(given.starts)
    if m:
        highs.addRows(
            m,
            given.row_lower,
            given.row_upper,
            len(given.index),
            given.starts,
            given.index,
            given.value,
        )


@functools.cache
def _status_map() -> dict[Any, tuple[int, int]]:
    """HiGHS's model status -> PuLP's (status, solution status), as PuLP 3.3 maps them, with
    the statuses absent from PuLP's map (the node limit's ``kSolutionLimit``, the memory limit,
    an interrupt) read as the iteration limit: stopped, with whatever solution was found."""
    import highspy

    s = highspy.HighsModelStatus
    none = (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
    stopped = (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
    return {
        s.kNotset: none,
        s.kLoadError: none,
        s.kModelError: none,
        s.kPresolveError: none,
        s.kSolveError: none,
        s.kPostsolveError: none,
        s.kModelEmpty: none,
        s.kOptimal: (pulp.LpStatusOptimal, pulp.LpSolutionOptimal),
        s.kInfeasible: (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible),
        s.kUnboundedOrInfeasible: (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible),
        s.kUnbounded: (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded),
        s.kObjectiveBound: stopped,
        s.kObjectiveTarget: stopped,
        s.kInterrupt: stopped,
        s.kTimeLimit: stopped,
        s.kIterationLimit: stopped,
        s.kSolutionLimit: stopped,
        s.kMemoryLimit: stopped,
        s.kHighsInterrupt: stopped,
        s.kUnknown: none,
    }


@functools.cache
def _reproducible() -> frozenset[int]:
    """HiGHS's statuses that the same input always gives: settled, or stopped by the node limit
    (the time limit, an interrupt or a memory limit depend on the machine)."""
    import highspy

    s = highspy.HighsModelStatus
    kept = (s.kOptimal, s.kInfeasible, s.kUnboundedOrInfeasible, s.kUnbounded, s.kSolutionLimit)
    return frozenset(int(status) for status in kept)


def _model_status(outcome: Outcome) -> Any:
    import highspy

    return highspy.HighsModelStatus(outcome.model_status)


def _read_solution(
    lp: pulp.LpProblem, variables: list, rows: list, outcome: Outcome, status: Any
) -> tuple[int, int]:
    """PuLP's ``HiGHS.findSolutionValues``: values and reduced costs onto the variables, slacks
    and duals onto the rows, and the statuses."""
    import highspy

    col_values = outcome.col_value.tolist()
    col_duals = outcome.col_dual.tolist()
    for var in variables:
        var.varValue = col_values[var.index]
        var.dj = col_duals[var.index]
    row_values = outcome.row_value.tolist()
    row_duals = outcome.row_dual.tolist()
    for row in rows:
        # PuLP keeps a row's constant on the left-hand side: the slack's sign flips for <= rows
        row.slack = row.constant + row_values[row.index]
        if row.sense == pulp.LpConstraintLE:
            row.slack *= -1.0
        row.pi = row_duals[row.index]
    s = highspy.HighsModelStatus
    if outcome.objective == float("inf") and status in (
        s.kTimeLimit,
        s.kIterationLimit,
        s.kSolutionLimit,
        s.kMemoryLimit,
        s.kInterrupt,
        s.kHighsInterrupt,
    ):  # stopped before any mix was found
        return pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound
    return _status_map()[status]


def _solver(settings: SolverSettings, warm: bool, node_limit: int | None) -> pulp.LpSolver:
    common = {
        "msg": False,
        "timeLimit": settings.time_limit_s,
        "gapRel": settings.mip_gap,
        "threads": 1,
    }
    if settings.name == "highs":
        _quiet_highs_banner()
        extra = {} if node_limit is None else {"mip_max_nodes": int(node_limit)}
        return _HiGHS(warm=warm, **common, **extra)
    with warnings.catch_warnings():
        # PuLP 3.3 announces that PULP_CBC_CMD (the CBC bundled in its wheel) goes in PuLP 4;
        # we pin pulp<4, and the bundled CBC is what makes CBC work with no extra install.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**common, warmStart=warm, maxNodes=node_limit)


def solve_raw(
    prob: pulp.LpProblem,
    settings: SolverSettings,
    warm: bool = False,
    node_limit: int | None = None,
) -> RawResult:
    """One solver call; raises :class:`SolveError` if the solver itself fails.

    With ``warm``, the variables' current values (a previous solution) are the start.
    ``node_limit`` (default ``settings.node_limit``) stops branch and bound after that many
    nodes: a limit that, unlike the time limit, does not depend on the machine's load.
    """
    nodes = settings.node_limit if node_limit is None else node_limit
    solver = _solver(settings, warm, nodes)
    start = time.perf_counter()
    try:
        prob.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolveError(f"the {settings.name} solver failed: {exc}") from exc
    status = map_status(prob.status, prob.sol_status)
    obj = pulp.value(prob.objective) if status.has_solution else None
    gap = bound = None
    limit = ""
    if isinstance(solver, _HiGHS):
        limit = {"kTimeLimit": "time", "kSolutionLimit": "nodes"}.get(solver.model_status, "")
        if status.has_solution:
            bound = solver.outcome.mip_dual_bound
            if status is SolveStatus.FEASIBLE:
                gap = solver.outcome.mip_gap
    elif status is SolveStatus.FEASIBLE:
        limit = "limit"
    return RawResult(
        status,
        None if obj is None else float(obj),
        time.perf_counter() - start,
        gap,
        limit,
        nodes,
        bound,
    )
