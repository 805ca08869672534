"""Solve force-mix models: one solve, with its objective given as an argument; the
lexicographic solve (best measure, then least cost); and the elastic diagnosis of archetypes
that cannot be met.

Every solve returns one frozen :class:`SolveResult` and leaves the model as it found it (its
objective, floors and caps); a solver failure raises :class:`~mcdm.errors.SolveError`, the one
way errors leave this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import pulp

from ..errors import SolveError
from ..model import Measure, SolverSettings
from ..results import Allocation, Shortfall, SolveStatus
from .build import ForceMixModel, Requirement
from .solver import RawResult, solve_raw

__all__ = [
    "COST",
    "ELASTIC",
    "Objective",
    "Sense",
    "SolveResult",
    "binding_rows",
    "diagnose",
    "max_measure",
    "min_cost",
    "optimise",
    "solve_lexicographic",
]

#: Relative tolerance when a floor keeps a measure at a value already reached.
KEEP_TOL = 1e-6
#: A right-hand side that leaves a row without effect (no quantity here comes near it).
FREE = 1e15
#: Objective targets besides the measures: the budget's cost, and an elastic model's penalty.
COST = "cost"
ELASTIC = "elastic"


class Sense(StrEnum):
    MAXIMISE = "maximise"
    MINIMISE = "minimise"


@dataclass(frozen=True)
class Objective:
    """What a solve optimises: a :class:`~mcdm.model.Measure`, ``COST``, ``ELASTIC`` or
    ``"requirement:<key>"`` (the measure of one requirement of an elastic model)."""

    sense: Sense
    target: Measure | str

    @classmethod
    def maximise(cls, target: Measure | str) -> Objective:
        return cls(Sense.MAXIMISE, target)

    @classmethod
    def minimise(cls, target: Measure | str) -> Objective:
        return cls(Sense.MINIMISE, target)


@dataclass(frozen=True)
class SolveResult:
    """One solve (or one lexicographic pair of solves).

    ``objective`` is the value of what was optimised (for a lexicographic solve, the primary
    measure); ``cost_eur_m`` the mix's cost as the budget counts it (a year, or over the
    horizon); ``bound`` and ``gap`` what the solver reports (HiGHS); ``note`` says which stage
    stopped at which limit, if any did (the status is then ``FEASIBLE``, never ``OPTIMAL``).
    """

    status: SolveStatus
    objective: float = math.nan
    allocation: tuple[Allocation, ...] = ()
    cost_eur_m: float = math.nan
    bound: float | None = None
    gap: float | None = None
    time_s: float = 0.0
    note: str = ""
    binding: tuple[str, ...] = ()
    budget_room_eur_m: float = 0.0  # the budget row's room: with less slack it is binding


def _expression(model: ForceMixModel, target: Measure | str) -> pulp.LpAffineExpression:
    if isinstance(target, Measure):
        return model.measures[target]
    if target == COST:
        return pulp.LpAffineExpression([(model.total_cost, 1.0)])
    if target == ELASTIC:
        if model.elastic_objective is None:
            raise ValueError("the ELASTIC objective needs a model built with elastic=True")
        return model.elastic_objective
    return pulp.LpAffineExpression(model.requirement(target.removeprefix("requirement:")).achieved)


def _switch(model: ForceMixModel, name: str, make) -> pulp.LpConstraint:
    """A row that solves switch on and off by its right-hand side (made once, kept)."""
    row = model.switches.get(name)
    if row is None:
        row = make()
        model.prob.addConstraint(row, name)
        model.switches[name] = row
    return row


def optimise(
    model: ForceMixModel,
    objective: Objective,
    settings: SolverSettings,
    *,
    floors: Mapping[Measure, float] | None = None,
    troop_cap: float | None = None,
    keep: Mapping[str, float] | None = None,
    warm: bool = False,
) -> SolveResult:
    """Optimise ``objective`` over the model, with optional extra rows for this solve only.

    Parameters
    ----------
    floors
        ``measure >= value`` for each measure given (tie-breaks and targets).
    troop_cap
        At most this many troops in all (the epsilon of a troop frontier).
    keep
        For an elastic model: each named requirement's slack at most the value given.
    warm
        Start from the variables' current values (a previous solution).

    Raises :class:`SolveError` if the solver fails or stops without any solution; an
    infeasible model gives a result with status ``INFEASIBLE``.
    """
    prob = model.prob
    used: list[pulp.LpConstraint] = []
    for measure, value in (floors or {}).items():
        row = _switch(
            model, f"floor_{list(Measure).index(measure)}", lambda m=measure: model.measures[m] >= 0
        )
        row.constant = -float(value)
        used.append(row)
    if troop_cap is not None:
        row = _switch(model, "troop_level", lambda: model.troops <= model.max_troops)
        row.constant = -float(troop_cap)
        used.append(row)
    for k, req in enumerate(model.requirements):
        if keep is not None and req.key in keep:
            row = _switch(model, f"keep_{k}", lambda r=req: r.slack <= FREE)
            limit = keep[req.key]
            row.constant = -FREE if limit >= FREE else -(limit * (1 + 1e-9) + 1e-9)
            used.append(row)
    sense, before = prob.sense, prob.objective
    prob.sense = pulp.LpMaximize if objective.sense is Sense.MAXIMISE else pulp.LpMinimize
    prob.setObjective(_expression(model, objective.target))
    try:
        raw = solve_raw(prob, settings, warm=warm)
    finally:
        _reset(model, used)
        prob.sense = sense
        prob.setObjective(before)
    if raw.status is SolveStatus.ERROR:
        raise SolveError(
            f"the {settings.name} solver stopped without a solution for "
            f"{model.archetype.name} (time limit {settings.time_limit_s:g} s, node limit "
            f"{settings.node_limit or 'none'})"
        )
    return _result(model, objective, raw, settings)


def _reset(model: ForceMixModel, rows: list[pulp.LpConstraint]) -> None:
    """Switch rows off again: floors to 0 (every measure is >= 0), caps to no cap."""
    for name, row in model.switches.items():
        if row not in rows:
            continue
        if name.startswith("floor_"):
            row.constant = 0.0
        elif name == "troop_level":
            row.constant = -model.max_troops
        else:
            row.constant = -FREE


def _result(
    model: ForceMixModel, objective: Objective, raw: RawResult, settings: SolverSettings
) -> SolveResult:
    if not raw.status.has_solution:
        return SolveResult(raw.status, time_s=raw.time_s)
    target = objective.target
    value = (
        model.measure_value(target)
        if isinstance(target, Measure)
        else float(pulp.value(_expression(model, target)) or 0.0)
    )
    stopped = raw.status is SolveStatus.FEASIBLE
    note = _stopped(f"the solve for {target}", raw, settings) if stopped else ""
    return SolveResult(
        raw.status,
        value,
        _allocation(model),
        float(model.total_cost.value() or 0.0),
        raw.bound,
        raw.gap,
        raw.time_s,
        note,
    )


def _stopped(what: str, res: RawResult | SolveResult, settings: SolverSettings) -> str:
    """Say that a solve stopped at a limit, which one, and how far from proven it may be."""
    gap = f" (within {100 * res.gap:.1f}% of the best bound)" if res.gap is not None else ""
    limit = getattr(res, "limit", "")
    nodes = getattr(res, "node_limit", settings.node_limit)
    if limit == "nodes":
        return f"{what} stopped at the node limit of {nodes:,}{gap}"
    if limit == "time":
        return f"{what} stopped at the time limit of {settings.time_limit_s:g} s{gap}"
    return (
        f"{what} stopped at the time limit of {settings.time_limit_s:g} s or the node limit "
        f"of {nodes or 0:,}{gap}"
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

    A per-member row of a member that sends nothing is not binding (a member that sends
    nothing meets its burden band at zero), and rows of one group are named once: with a band
    of 0 both bounds hold with equality, and the row reads "burden band X (pays its GDP share)".
    """
    out: list[str] = []
    groups: dict[str, list[str]] = {}
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
        room = r.step if r.unit_room else 0.0
        if slack >= max(room, 1e-6 * max(1.0, abs(c.constant))):
            continue
        if r.group is not None:
            if r.member is not None and (model.y[r.member].value() or 0.0) < 0.5:
                continue
            key, both = r.group
            groups.setdefault(key, []).append(r.label)
            if len(groups[key]) == 2:
                out.remove(groups[key][0])
                out.append(both)
                continue
        out.append(r.label)
    return tuple(dict.fromkeys(out))


def solve_lexicographic(
    model: ForceMixModel,
    settings: SolverSettings,
    measure: Measure | None = None,
    *,
    troop_cap: float | None = None,
) -> SolveResult:
    """Maximise the primary measure, then minimise cost at that measure (the tie-break).

    Both stages are solved to ``settings.mip_gap``, so a package never costs more than that gap
    above the least cost of its primary measure. A stage stopped by the node limit (or by the
    time limit, a safety net) makes the status ``FEASIBLE`` and ``note`` says which stage
    stopped. Returns a result with status INFEASIBLE (and no allocation) if nothing fits.
    """
    measure = measure or model.archetype.primary
    first = optimise(model, Objective.maximise(measure), settings, troop_cap=troop_cap)
    if not first.status.has_solution:
        return first
    notes = [first.note.replace(f"the solve for {measure}", f"the search for the best {measure}")]
    best = first.objective
    first_values = {v.name: v.varValue for v in model.prob.variables()}
    floor = {measure: best - KEEP_TOL * max(1.0, abs(best))}
    try:  # the first stage's mix is a feasible start
        second: SolveResult | None = optimise(
            model, Objective.minimise(COST), settings, floors=floor, troop_cap=troop_cap, warm=True
        )
    except SolveError:
        second = None
    if second is None or not second.status.has_solution:  # keep the first stage's mix
        for v in model.prob.variables():
            v.varValue = first_values.get(v.name)
        notes.append(
            "the cost tie-break found no mix within its limits: the cost may be above the "
            f"least for this {measure.value}"
        )
    else:
        notes.append(second.note.replace(f"the solve for {COST}", "the cost tie-break"))
    notes = [n for n in notes if n]
    return SolveResult(
        status=SolveStatus.FEASIBLE if notes else SolveStatus.OPTIMAL,
        objective=model.measure_value(measure),
        allocation=_allocation(model),
        cost_eur_m=float(model.total_cost.value() or 0.0),
        bound=first.bound,
        gap=first.gap,
        time_s=first.time_s + (second.time_s if second is not None else 0.0),
        note="; ".join(notes),
        binding=binding_rows(model),
        budget_room_eur_m=next(
            (r.step for r in model.rows if r.constraint is model.budget_row), 0.0
        ),
    )


def min_cost(
    model: ForceMixModel,
    settings: SolverSettings,
    floors: Mapping[Measure, float] | None = None,
) -> SolveResult:
    """The cheapest mix that meets every requirement (and reaches each floor given); its
    ``objective`` is its cost in EUR m as the budget counts it. A previous solve of this model
    whose mix reaches the floors (e.g. :func:`max_measure`) is the start."""
    tol = {m: v - KEEP_TOL * max(1.0, abs(v)) for m, v in (floors or {}).items()}
    warm = bool(tol) and all(
        (pulp.value(model.measures[m]) or -math.inf) >= v for m, v in tol.items()
    )
    return optimise(model, Objective.minimise(COST), settings, floors=tol or None, warm=warm)


def max_measure(model: ForceMixModel, settings: SolverSettings, measure: Measure) -> SolveResult:
    """The best value of ``measure`` within the model's constraints."""
    return optimise(model, Objective.maximise(measure), settings)


def diagnose(model: ForceMixModel, settings: SolverSettings) -> tuple[Shortfall, ...]:
    """Solve an elastic model; return the requirements it had to relax, with the shortfalls.

    The elastic model is solved to optimality (gap 0), so that only requirements that must be
    relaxed are reported. Raises :class:`SolveError` if it cannot be solved.
    """
    if not model.elastic:
        raise ValueError("diagnose() needs a model built with elastic=True")
    exact = replace(settings, mip_gap=0.0)
    res = optimise(model, Objective.minimise(ELASTIC), exact)
    if not res.status.has_solution:
        raise SolveError(
            f"the elastic model of {model.archetype.name} could not be solved ({res.status})"
        )
    slack = {req.key: float(req.slack.value() or 0.0) for req in model.requirements}
    short = [r for r in model.requirements if slack[r.key] > 1e-6 * max(1.0, abs(r.required))]
    ratios = {
        r.key: (float(pulp.value(r.needed) or 0.0), float(pulp.value(r.have) or 0.0))
        for r in short
        if r.have is not None and r.needed is not None
    }
    out = []
    for req in short:
        if req.key in ratios:  # a ratio: report its parts
            needed, have = ratios[req.key]
            out.append(
                Shortfall(req.key, needed, have, req.unit, "", req.label, req.supply_text, True)
            )
            continue
        alone = _most_within(model, req, {}, exact)
        if alone < req.required - 1e-6 * max(1.0, abs(req.required)):
            out.append(
                Shortfall(req.key, req.required, alone, req.unit, "", req.label, req.supply_text)
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
        ) or _family_limits(model, req, keep, joint, exact)
        out.append(
            Shortfall(req.key, req.required, joint, req.unit, "", req.label, limited_by=limits)
        )
    return tuple(out)


def _family_limits(
    model: ForceMixModel,
    req: Requirement,
    keep: dict[str, float],
    joint: float,
    settings: SolverSettings,
) -> tuple[str, ...]:
    """The requirements that hold ``req`` down only together, lifted a family at a time (no
    AEW orbit and no tanker: lifting either alone leaves the other in the way)."""
    families = list(dict.fromkeys(r.family for r in model.requirements if r.key in keep))
    for fam in families:
        of_fam = {r.key for r in model.requirements if r.key in keep and r.family == fam}
        if len(of_fam) < 2:
            continue
        rest = {k: v for k, v in keep.items() if k not in of_fam}
        if _most_within(model, req, rest, settings) > joint + 1e-6 * max(1.0, abs(joint)):
            return tuple(r.label for r in model.requirements if r.key in of_fam)
    return ()


def _most_within(
    model: ForceMixModel, req: Requirement, keep: dict[str, float], settings: SolverSettings
) -> float:
    """The most of ``req``'s measure that a mix can have within the members' caps and the
    archetype's limits, while each requirement named in ``keep`` falls no shorter than the
    slack given there (the others may fall short freely)."""
    # every requirement's keep row is made on the first call, so rows keep one order
    free = {r.key: FREE for r in model.requirements if r.key not in keep}
    res = optimise(
        model,
        Objective.maximise(f"requirement:{req.key}"),
        settings,
        keep={**free, **keep},
    )
    if not res.status.has_solution:
        raise SolveError(
            f"the most that {model.archetype.name} can have of '{req.label}' could not be "
            f"solved for ({res.status})"
        )
    return res.objective
