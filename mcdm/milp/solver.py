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

import pulp

from ..errors import SolveError
from ..model import SolverSettings
from ..results import SolveStatus

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

    def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        import highspy

        if self.warm:
            values = [0.0] * len(lp.variables())
            known = False
            for var in lp.variables():
                if var.varValue is not None:
                    values[var.index] = float(var.varValue)
                    known = True
            if known:
                sol = highspy.HighsSolution()
                sol.col_value = values
                sol.value_valid = True
                lp.solverModel.setSolution(sol)
        lp.solverModel.run()
        if self.warm and _start_returned(lp.solverModel):
            # highspy 1.16 can report the optimum's objective yet hand back the start as its
            # solution (seen when presolve settles the model): solve again without the start.
            lp.solverModel.clearSolver()
            lp.solverModel.run()

    def findSolutionValues(self, lp: pulp.LpProblem):  # noqa: N802 (PuLP's name)
        import highspy

        status = lp.solverModel.getModelStatus()
        self.model_status = status.name
        if status != highspy.HighsModelStatus.kSolutionLimit:
            return super().findSolutionValues(lp)
        highs = lp.solverModel
        lp.solverModel = _StatusAs(highs, highspy.HighsModelStatus.kIterationLimit)
        try:
            return super().findSolutionValues(lp)
        finally:
            lp.solverModel = highs


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


class _StatusAs:
    """A HiGHS object that reports another model status (see :class:`_HiGHS`)."""

    def __init__(self, highs: Any, status: Any) -> None:
        self._highs = highs
        self._status = status

    def getModelStatus(self) -> Any:  # noqa: N802 (highspy's name)
        return self._status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._highs, name)


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
            info = prob.solverModel.getInfo()
            bound = float(info.mip_dual_bound)
            if status is SolveStatus.FEASIBLE:
                gap = float(info.mip_gap)
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
