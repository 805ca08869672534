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
from typing import Any

import pulp

from ..errors import SolveError
from ..model import Allocation, Measure, SolverSettings, SolveStatus
from .build import ForceMixModel, Requirement

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
#: A right-hand side that leaves a slack free (an elastic slack never comes near it).
FREE = 1e15


@dataclass(frozen=True)
class RawResult:
    """One solver call. ``gap`` is the relative gap the solver reports (HiGHS only)."""

    status: SolveStatus
    objective: float | None
    time_s: float
    gap: float | None = None
    limit: str = ""  # which limit stopped a FEASIBLE solve: "time", "nodes" or "limit" (CBC)
    node_limit: int | None = None


@dataclass(frozen=True)
class Solution:
    """A lexicographic solve: best primary measure, then least cost."""

    status: SolveStatus
    allocation: tuple[Allocation, ...]
    primary: float
    cost_eur_m: float
    binding: tuple[str, ...]
    time_s: float
    note: str = ""


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
    gap = None
    limit = ""
    if isinstance(solver, _HiGHS):
        limit = {"kTimeLimit": "time", "kSolutionLimit": "nodes"}.get(solver.model_status, "")
        if status is SolveStatus.FEASIBLE:
            gap = float(prob.solverModel.getInfo().mip_gap)
    elif status is SolveStatus.FEASIBLE:
        limit = "limit"
    return RawResult(
        status,
        None if obj is None else float(obj),
        time.perf_counter() - start,
        gap,
        limit,
        nodes,
    )


def _stopped(what: str, res: RawResult, settings: SolverSettings) -> str:
    """Say that a solve stopped at a limit, which one, and how far from proven it may be."""
    gap = f" (within {100 * res.gap:.1f}% of the best bound)" if res.gap is not None else ""
    if res.limit == "nodes":
        return f"{what} stopped at the node limit of {res.node_limit:,}{gap}"
    if res.limit == "time":
        return f"{what} stopped at the time limit of {settings.time_limit_s:g} s{gap}"
    return (
        f"{what} stopped at the time limit of {settings.time_limit_s:g} s or the node limit "
        f"of {res.node_limit or 0:,}{gap}"
    )


def _allocation(model: ForceMixModel) -> tuple[Allocation, ...]:
    out = []
    for (mid, eid), var in model.x.items():
        units = round(var.value() or 0.0)
        if units > 0:
            out.append(Allocation(mid, eid, int(units)))
    return tuple(sorted(out))


def binding_rows(model: ForceMixModel) -> tuple[str, ...]:
    """Labels of constraints with no room for one more unit (or no room at all).

    A member's burden band binds only if the member sends something (a member that sends
    nothing meets both bounds at zero), and only one bound is named: with a band of 0 both
    bounds hold with equality, and the row reads "burden band X (pays its GDP share)".
    """
    out: list[str] = []
    band_bounds: dict[str, list[str]] = {}
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
        if slack >= max(room, 1e-6 * max(1.0, abs(c.constant))):
            continue
        if r.family == "burden_sharing" and r.member is not None:
            if (model.y[r.member].value() or 0.0) < 0.5:
                continue
            band_bounds.setdefault(r.member, []).append(r.label)
            if len(band_bounds[r.member]) == 2:  # both bounds: it pays exactly its GDP share
                out.remove(band_bounds[r.member][0])
                out.append(f"burden band {r.member} (pays its GDP share)")
                continue
        out.append(r.label)
    return tuple(dict.fromkeys(out))


def solve_lexicographic(
    model: ForceMixModel, settings: SolverSettings, measure: Measure | None = None
) -> Solution:
    """Maximise the primary measure, then minimise cost at that measure (the tie-break).

    Both stages are solved to ``settings.mip_gap``, so a package never costs more than that gap
    above the least cost of its primary measure. No stage has a limit of its own: a result
    never depends on how busy the machine is, unless a stage reaches the solver's overall time
    limit, and then the status is ``FEASIBLE`` (never ``OPTIMAL``) and ``note`` says which
    stage stopped. Returns a solution with status INFEASIBLE (and no allocation) if nothing
    fits.
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
    notes = []
    if first.status is SolveStatus.FEASIBLE:
        notes.append(_stopped(f"the search for the best {measure.value}", first, settings))
    best = model.measure_value(measure)
    first_values = {v.name: v.varValue for v in prob.variables()}
    model.set_floor(measure, best - KEEP_TOL * max(1.0, abs(best)))
    prob.sense = pulp.LpMinimize
    prob.setObjective(model.total_cost)
    try:
        second = solve_raw(prob, settings, warm=True)  # the first stage's mix is a feasible start
    finally:
        model.set_floor(measure, None)
    if not second.status.has_solution:  # no mix found in time: keep the first stage's
        for v in prob.variables():
            v.varValue = first_values.get(v.name)
        notes.append(
            "the cost tie-break found no mix within its limits: the cost may be above the "
            f"least for this {measure.value}"
        )
    elif second.status is SolveStatus.FEASIBLE:
        notes.append(_stopped("the cost tie-break", second, settings))
    status = SolveStatus.FEASIBLE if notes else SolveStatus.OPTIMAL
    return Solution(
        status=status,
        allocation=_allocation(model),
        primary=model.measure_value(measure),
        cost_eur_m=float(model.total_cost.value() or 0.0),
        binding=binding_rows(model),
        time_s=first.time_s + second.time_s,
        note="; ".join(notes),
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
    """What an elastic solve could not meet, as numbers (packages.py phrases them).

    ``required`` is what the requirement asks for and ``achieved`` the most that can be had,
    solved for: for a ratio (enablers, lead nations), what the mix needs and what it has.
    Otherwise, if the members' caps alone fall short (``limited_by`` empty), the true maximum
    of the requirement's measure within the caps and the archetype's limits; if the
    requirement could be met on its own, the most it reaches while no other requirement falls
    shorter than it must, and ``limited_by`` names the requirements that hold it down.
    """

    key: str
    label: str
    required: float
    achieved: float
    unit: str
    supply_text: str
    ratio: bool = False
    limited_by: tuple[str, ...] = ()


def diagnose(model: ForceMixModel, settings: SolverSettings) -> tuple[Shortfall, ...]:
    """Solve an elastic model; return the requirements it had to relax, with the shortfalls.

    The elastic model is solved to optimality (gap 0), so that only requirements that must be
    relaxed are reported. Raises :class:`SolveError` if it cannot be solved.
    """
    if not model.elastic:
        raise ValueError("diagnose() needs a model built with elastic=True")
    exact = replace(settings, mip_gap=0.0)
    res = solve_raw(model.prob, exact)
    if not res.status.has_solution:
        raise SolveError(
            f"the elastic model of {model.archetype.name} could not be solved ({res.status})"
        )
    slack = {req.key: float(req.slack.value() or 0.0) for req in model.requirements}
    short = [
        req for req in model.requirements if slack[req.key] > 1e-6 * max(1.0, abs(req.required))
    ]
    ratios = {
        req.key: (float(pulp.value(req.needed) or 0.0), float(pulp.value(req.have) or 0.0))
        for req in short
        if req.have is not None and req.needed is not None
    }
    out = []
    for req in short:
        if req.key in ratios:  # a ratio: report its parts
            needed, have = ratios[req.key]
            out.append(Shortfall(req.key, req.label, needed, have, req.unit, req.supply_text, True))
            continue
        alone = _most_within(model, req, {}, exact)
        if alone < req.required - 1e-6 * max(1.0, abs(req.required)):
            out.append(
                Shortfall(req.key, req.label, req.required, alone, req.unit, req.supply_text)
            )
            continue
        keep = {k: v for k, v in slack.items() if k != req.key}
        joint = _most_within(model, req, keep, exact)
        limits = tuple(
            other.label
            for other in model.requirements
            if other.key in keep
            and _most_within(model, req, {k: v for k, v in keep.items() if k != other.key}, exact)
            > joint + 1e-6 * max(1.0, abs(joint))
        )
        out.append(Shortfall(req.key, req.label, req.required, joint, req.unit, "", False, limits))
    return tuple(out)


def _most_within(
    model: ForceMixModel,
    req: Requirement,
    keep: dict[str, float],
    settings: SolverSettings,
) -> float:
    """The most of ``req``'s measure that a mix can have within the members' caps and the
    archetype's limits, while each requirement named in ``keep`` falls no shorter than the
    slack given there (the others may fall short freely)."""
    prob = model.prob
    rows = model.keep_rows
    for k, other in enumerate(model.requirements):
        if other.key not in rows:
            rows[other.key] = other.slack <= FREE
            prob.addConstraint(rows[other.key], f"keep_{k}")
        limit = keep.get(other.key)
        rows[other.key].constant = -(FREE if limit is None else limit * (1 + 1e-9) + 1e-9)
    sense, objective = prob.sense, prob.objective
    prob.sense = pulp.LpMaximize
    prob.setObjective(req.achieved)
    try:
        res = solve_raw(prob, settings)
    finally:
        for row in rows.values():
            row.constant = -FREE
        prob.sense = sense
        prob.setObjective(objective)
    if not res.status.has_solution:
        raise SolveError(
            f"the most that {model.archetype.name} can have of '{req.label}' could not be "
            f"solved for ({res.status})"
        )
    return float(pulp.value(req.achieved) or 0.0)


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
