"""Solve force-mix models: solver calls, status mapping, lexicographic and elastic solves.

The only place that calls a solver. PuLP's status codes stop here: callers get
:class:`~mcdm.model.SolveStatus` and small frozen results.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pulp

from ..errors import SolveError
from ..model import Allocation, Measure, SolverSettings, SolveStatus
from .build import ForceMixModel

__all__ = [
    "Shortfall",
    "Solution",
    "binding_rows",
    "diagnose",
    "map_status",
    "max_measure",
    "min_cost",
    "min_cost_for",
    "solve_lexicographic",
    "solve_raw",
]

#: Relative tolerance when the second stage keeps the first stage's optimum.
KEEP_TOL = 1e-6


@dataclass(frozen=True)
class RawResult:
    """One solver call."""

    status: SolveStatus
    objective: float | None
    time_s: float


@dataclass(frozen=True)
class Solution:
    """A lexicographic solve: best primary measure, then least cost."""

    status: SolveStatus
    allocation: tuple[Allocation, ...]
    primary: float
    cost_eur_m: float
    binding: tuple[str, ...]
    time_s: float
    tie_break_complete: bool = True


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


class _WarmHiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, plus a start solution: the variables' current values.

    PuLP's HiGHS API class has no warm start; with one, a tie-break or re-solve starts from a
    known feasible mix and needs only to prove (or improve) it. Only complete start vectors are
    passed: with a partial one (``setSolution`` with a sparse vector, which HiGHS completes
    itself) highspy 1.16 was seen to run far past its time limit.
    """

    def callSolver(self, lp: pulp.LpProblem) -> None:  # noqa: N802 (PuLP's name)
        import highspy

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


def _solver(settings: SolverSettings, warm: bool = False) -> pulp.LpSolver:
    common = {
        "msg": False,
        "timeLimit": settings.time_limit_s,
        "gapRel": settings.mip_gap,
        "threads": 1,
    }
    if settings.name == "highs":
        _quiet_highs_banner()
        return (_WarmHiGHS if warm else pulp.HiGHS)(**common)
    with warnings.catch_warnings():
        # PuLP 3.3 announces that PULP_CBC_CMD (the CBC bundled in its wheel) goes in PuLP 4;
        # we pin pulp<4, and the bundled CBC is what makes CBC work with no extra install.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**common, warmStart=warm)


def solve_raw(prob: pulp.LpProblem, settings: SolverSettings, warm: bool = False) -> RawResult:
    """One solver call; raises :class:`SolveError` if the solver itself fails.

    With ``warm``, the variables' current values (a previous solution) are the start.
    """
    start = time.perf_counter()
    try:
        prob.solve(_solver(settings, warm))
    except pulp.PulpSolverError as exc:
        raise SolveError(f"the {settings.name} solver failed: {exc}") from exc
    status = map_status(prob.status, prob.sol_status)
    obj = pulp.value(prob.objective) if status.has_solution else None
    return RawResult(status, None if obj is None else float(obj), time.perf_counter() - start)


def _allocation(model: ForceMixModel) -> tuple[Allocation, ...]:
    out = []
    for (mid, eid), var in model.x.items():
        units = round(var.value() or 0.0)
        if units > 0:
            out.append(Allocation(mid, eid, int(units)))
    return tuple(sorted(out))


def binding_rows(model: ForceMixModel) -> tuple[str, ...]:
    """Labels of constraints with no room for one more unit (or no room at all)."""
    out = []
    for r in model.rows:
        c = r.constraint
        value = c.value()  # lhs - rhs
        if value is None:
            continue
        if c.sense == pulp.LpConstraintLE:
            slack = -value
        elif c.sense == pulp.LpConstraintGE:
            slack = value
        else:
            continue
        room = r.step if r.family in ("budget", "troop_pools", "money_caps") else 0.0
        if slack < max(room, 1e-6 * max(1.0, abs(c.constant))):
            out.append(r.label)
    return tuple(dict.fromkeys(out))


def solve_lexicographic(
    model: ForceMixModel, settings: SolverSettings, measure: Measure | None = None
) -> Solution:
    """Maximise the primary measure, then minimise cost at that measure (the tie-break).

    The tie-break gets at most ``settings.tie_break_time_s``; if it stops there, its best mix
    so far is kept (the primary measure is unaffected) and ``tie_break_complete`` is False.
    Returns a solution with status INFEASIBLE (and no allocation) if nothing fits.
    """
    measure = measure or model.archetype.primary
    prob = model.prob
    expr = model.measures[measure]
    prob.sense = pulp.LpMaximize
    prob.setObjective(expr)
    first = solve_raw(prob, settings)
    if not first.status.has_solution:
        if first.status is SolveStatus.ERROR:
            raise SolveError(
                f"the solver stopped without a solution for {model.archetype.name} "
                f"(time limit {settings.time_limit_s:g} s?)"
            )
        return Solution(first.status, (), 0.0, 0.0, (), first.time_s)
    best = model.measure_value(measure)
    first_values = {v.name: v.varValue for v in prob.variables()}
    model.set_floor(measure, best - KEEP_TOL * max(1.0, abs(best)))
    prob.sense = pulp.LpMinimize
    prob.setObjective(model.total_cost)
    tie = replace(settings, time_limit_s=min(settings.time_limit_s, settings.tie_break_time_s))
    try:
        second = solve_raw(prob, tie, warm=True)  # the first stage's mix is a feasible start
    finally:
        model.set_floor(measure, None)
    complete = second.status is SolveStatus.OPTIMAL
    if not second.status.has_solution:  # no better mix found in time: keep the first stage's
        for v in prob.variables():
            v.varValue = first_values.get(v.name)
    return Solution(
        status=first.status,
        allocation=_allocation(model),
        primary=model.measure_value(measure),
        cost_eur_m=float(model.total_cost.value() or 0.0),
        binding=binding_rows(model),
        time_s=first.time_s + second.time_s,
        tie_break_complete=complete,
    )


def min_cost_for(
    model: ForceMixModel,
    settings: SolverSettings,
    measure: Measure,
    target: float,
) -> tuple[SolveStatus, float, tuple[Allocation, ...]]:
    """Least annual cost (EUR m) of a mix whose ``measure`` reaches ``target``."""
    prob = model.prob
    expr = model.measures[measure]
    model.set_floor(measure, target - KEEP_TOL * max(1.0, abs(target)))
    prob.sense = pulp.LpMinimize
    prob.setObjective(model.total_cost)
    # A previous solve of this model that reached the target (e.g. max_measure) is a start.
    warm = (pulp.value(expr) or -math.inf) >= target - KEEP_TOL * max(1.0, abs(target))
    try:
        res = solve_raw(prob, settings, warm=warm)
    finally:
        model.set_floor(measure, None)
    if not res.status.has_solution:
        return res.status, float("nan"), ()
    return res.status, float(model.total_cost.value() or 0.0), _allocation(model)


def max_measure(
    model: ForceMixModel,
    settings: SolverSettings,
    measure: Measure,
) -> tuple[SolveStatus, float]:
    """The best value of ``measure`` within the model's constraints."""
    prob = model.prob
    prob.sense = pulp.LpMaximize
    prob.setObjective(model.measures[measure])
    res = solve_raw(prob, settings)
    if not res.status.has_solution:
        return res.status, float("nan")
    return res.status, model.measure_value(measure)


@dataclass(frozen=True)
class Shortfall:
    """What an elastic solve could not meet, as numbers (packages.py phrases them)."""

    key: str
    label: str
    required: float
    achieved: float
    unit: str
    supply: float | None
    supply_text: str


def diagnose(model: ForceMixModel, settings: SolverSettings) -> tuple[Shortfall, ...]:
    """Solve an elastic model; return the requirements it had to relax, with the shortfalls."""
    assert model.elastic, "diagnose() needs a model built with elastic=True"
    res = solve_raw(model.prob, settings)
    if not res.status.has_solution:
        raise SolveError(
            f"the elastic model of {model.archetype.name} could not be solved ({res.status})"
        )
    out = []
    for req in model.requirements:
        gap = float(req.slack.value() or 0.0)
        if gap > 1e-6 * max(1.0, abs(req.required)):
            achieved = float(pulp.value(req.achieved) or 0.0)
            required = req.required
            if req.have is not None and req.needed is not None:  # a ratio: report its parts
                achieved = float(pulp.value(req.have) or 0.0)
                required = float(pulp.value(req.needed) or 0.0)
            out.append(
                Shortfall(
                    req.key,
                    req.label,
                    required,
                    achieved,
                    req.unit,
                    req.supply,
                    req.supply_text,
                )
            )
    return tuple(out)


def min_cost(
    model: ForceMixModel, settings: SolverSettings
) -> tuple[SolveStatus, float, tuple[Allocation, ...]]:
    """The cheapest mix that meets every requirement (EUR m a year)."""
    prob = model.prob
    prob.sense = pulp.LpMinimize
    prob.setObjective(model.total_cost)
    res = solve_raw(prob, settings)
    if res.status is SolveStatus.ERROR:
        raise SolveError(
            f"the solver stopped without a solution for {model.archetype.name} "
            f"(time limit {settings.time_limit_s:g} s?)"
        )
    if not res.status.has_solution:
        return res.status, float("nan"), ()
    return res.status, float(model.total_cost.value() or 0.0), _allocation(model)
