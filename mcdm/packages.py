"""Package generation: per archetype, a budget frontier, near-optimal alternatives, the price of
each constraint, and an explanation for archetypes that cannot be met.

This module decides *which* models to solve; the models themselves are built and solved in
:mod:`mcdm.milp`, prices in :mod:`mcdm.prices` and explanations in :mod:`mcdm.explain`. Every
solve is a frozen task on a freshly built model, run here or in a worker process."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace

import numpy as np

from .criteria import contributions, criteria_parts, score_allocation
from .criteria import ukraine_forces_cost_eur_bn as funding_cost_eur_bn
from .errors import SolveError
from .explain import why_infeasible
from .horizon import horizon_costs_eur_bn
from .milp import SolveResult, build_model, min_cost, solve_lexicographic
from .model import Instance, SolverSettings
from .package_filters import (
    NEAR_DUPLICATE_SHARE,
    criteria_ranges,
    drop_near_duplicates,
    label_packages,
    mark_dominated,
    near_duplicate,
)
from .parallel import executor, map_tasks
from .pledges import pledge_outlook
from .prices import ConstraintPrice, price_constraints
from .results import Allocation, Package, PackageKind, Shortfall, SolveStatus
from .survival import withdrawal_fields

__all__ = [
    "NEAR_DUPLICATE_SHARE",
    "ArchetypeOutcome",
    "PackageSet",
    "criteria_ranges",
    "drop_near_duplicates",
    "generate_packages",
    "label_packages",
    "mark_dominated",
    "near_duplicate",
]

#: Share of the best package's member-element pairs an alternative must change.
ALTERNATIVE_DISTANCE = 0.2


@dataclass(frozen=True)
class ArchetypeOutcome:
    """How one archetype fared: packages found, or why none could be."""

    archetype: str
    name: str
    status: SolveStatus
    min_cost_eur_bn: float | None = None
    shortfalls: tuple[Shortfall, ...] = ()
    message: str = ""
    time_s: float = 0.0


@dataclass(frozen=True)
class PackageSet:
    """Everything package generation produced for one scenario."""

    packages: tuple[Package, ...]
    outcomes: tuple[ArchetypeOutcome, ...]
    prices: tuple[ConstraintPrice, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    solve_times: dict[str, float] = field(default_factory=dict)

    @property
    def infeasible(self) -> tuple[ArchetypeOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.status.has_solution)

    @property
    def by_id(self) -> dict[str, Package]:
        return {p.package_id: p for p in self.packages}

    def get(self, package_id: str) -> Package:
        for p in self.packages:
            if p.package_id == package_id:
                return p
        raise KeyError(package_id)


# --- tasks (each one runs on a freshly built model, here or in a worker) -----------------------


@dataclass(frozen=True)
class Ends:
    """The two ends of an archetype's frontier: its cheapest and its best package."""

    outcome: ArchetypeOutcome
    cheapest_eur_m: float = math.nan
    top: SolveResult | None = None


@dataclass(frozen=True)
class EndsTask:
    """Cheapest feasible mix and best mix at the scenario budget; or why there is none."""

    instance: Instance
    archetype: str
    settings: SolverSettings

    def run(self) -> Ends:
        instance, aid, settings = self.instance, self.archetype, self.settings
        a = instance.data.archetypes[aid]
        start = time.perf_counter()
        try:
            model = build_model(instance, aid)
            cheapest = min_cost(model, settings)
            if not cheapest.status.has_solution:
                shortfalls = why_infeasible(instance, aid, settings)
                message = f"{a.name} is not possible" + (
                    ": " + "; ".join(sf.message for sf in shortfalls) if shortfalls else ""
                )
                outcome = ArchetypeOutcome(
                    aid,
                    a.name,
                    SolveStatus.INFEASIBLE,
                    None,
                    shortfalls,
                    message,
                    time.perf_counter() - start,
                )
                return Ends(outcome)
            top = solve_lexicographic(model, settings)
        except SolveError as exc:
            outcome = ArchetypeOutcome(
                aid, a.name, SolveStatus.ERROR, message=str(exc), time_s=time.perf_counter() - start
            )
            return Ends(outcome)
        cost = cheapest.objective
        outcome = ArchetypeOutcome(
            aid, a.name, top.status, round(cost / 1000.0, 6), (), "", time.perf_counter() - start
        )
        return Ends(outcome, cost, top)


@dataclass(frozen=True)
class LevelTask:
    """Best mix at one budget level (and, for troop levels, at most ``troop_cap`` troops)."""

    instance: Instance
    archetype: str
    kind: PackageKind
    budget_eur_m: float
    troop_cap: int | None
    settings: SolverSettings

    def run(self) -> SolveResult:
        model = build_model(self.instance, self.archetype, budget_eur_m=self.budget_eur_m)
        return solve_lexicographic(model, self.settings, troop_cap=self.troop_cap)


@dataclass(frozen=True)
class AlternativesTask:
    """Near-optimal mixes at the scenario budget whose support differs from every known one."""

    instance: Instance
    archetype: str
    supports: tuple[frozenset[tuple[str, str]], ...]
    distance: int
    count: int
    settings: SolverSettings

    def run(self) -> list[SolveResult]:
        model = build_model(self.instance, self.archetype)
        for support in self.supports:
            model.add_nogood(support, self.distance)
        out = []
        for _ in range(self.count):
            sol = solve_lexicographic(model, self.settings)
            if not sol.status.has_solution:
                break
            out.append(sol)
            model.add_nogood(_support(sol.allocation), self.distance)
        return out


def run_task(task: EndsTask | LevelTask | AlternativesTask):
    """Run one task (a module-level function, so that worker processes can call it)."""
    return task.run()


def _support(alloc: Sequence[Allocation]) -> frozenset[tuple[str, str]]:
    return frozenset((a.member_id, a.element_id) for a in alloc)


# --- generation --------------------------------------------------------------------------------


def generate_packages(
    instance: Instance,
    *,
    prices: bool = True,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    progress: Callable[[float, str], None] | None = None,
) -> PackageSet:
    """All candidate packages of a scenario.

    For each archetype: an epsilon-constraint frontier over budget, from the cheapest package
    that meets the archetype's requirements up to the cost of the best package within the
    scenario budget (``frontier.levels`` points; above that cost more money buys nothing more),
    optional troop levels, and near-optimal alternatives at the scenario budget (no-good cuts).
    With ``prices=True`` each constraint family is then switched off in turn to price it.
    Archetypes that cannot be met are explained, not raised; the others go on.

    Every solve is an independent task on a freshly built model, so the result does not depend
    on ``jobs`` or on the order in which tasks finish.

    Parameters
    ----------
    instance
        The scenario applied to its data.
    prices
        Also price each constraint family (several extra solves per archetype).
    settings
        Solver settings; default the scenario's.
    jobs
        Worker processes (1: solve in this process).
    progress
        Called with (fraction done, message) as phases complete."""
    settings = settings or instance.scenario.solver
    aids = list(instance.data.archetypes)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    phases = 5 if prices else 3

    def report(phase: int, message: str) -> None:
        if progress is not None:
            progress(phase / phases, message)

    with executor(jobs) as pool:
        tasks = [EndsTask(instance, aid, settings) for aid in aids]
        ends: dict[str, Ends] = dict(zip(aids, map_tasks(run_task, tasks, pool), strict=True))
        report(1, "cheapest and best packages found")
        found = _Found(instance, [aid for aid in aids if ends[aid].top is not None])
        _frontiers(found, ends, settings, pool)
        report(2, "budget frontiers done")
        _alternatives(found, ends, settings, pool)
        report(3, "alternatives done")
        timings["packages_s"] = time.perf_counter() - t0
        all_prices: tuple[ConstraintPrice, ...] = ()
        if prices:
            t1 = time.perf_counter()
            tops = {
                aid: [p for p in found.by_aid[aid] if p.kind is PackageKind.FRONTIER][-1]
                for aid in found.by_aid
            }
            all_prices = price_constraints(
                instance, tops, settings, pool, lambda: report(4, "constraint prices done")
            )
            timings["prices_s"] = time.perf_counter() - t1
            report(5, "refusal prices done")
    distinct = drop_near_duplicates([p for pkgs in found.by_aid.values() for p in pkgs])
    marked = mark_dominated(label_packages(instance, distinct))
    return PackageSet(
        packages=marked,
        outcomes=_outcomes(aids, ends, found),
        prices=all_prices,
        timings=timings,
        solve_times={p.package_id: p.solve_time_s for p in marked},
    )


class _Found:
    """Packages found so far, per archetype; the same mix is kept once, where first found."""

    def __init__(self, instance: Instance, archetypes: list[str]) -> None:
        self.instance = instance
        self.by_aid: dict[str, list[Package]] = {aid: [] for aid in archetypes}
        self.seen: dict[str, set[tuple[Allocation, ...]]] = {aid: set() for aid in archetypes}

    def add(
        self,
        aid: str,
        kind: PackageKind,
        level_eur_m: float,
        sol: SolveResult,
        troop_level: int | None = None,
        gap: float = 0.0,
    ) -> None:
        if not sol.status.has_solution or sol.allocation in self.seen[aid]:
            return
        self.seen[aid].add(sol.allocation)
        k = 1 + sum(p.kind is kind for p in self.by_aid[aid])
        self.by_aid[aid].append(
            _make_package(self.instance, aid, kind, k, level_eur_m, sol, troop_level, gap)
        )


def _make_package(
    instance: Instance,
    aid: str,
    kind: PackageKind,
    k: int,
    level_eur_m: float,
    sol: SolveResult,
    troop_level: int | None,
    gap: float,
) -> Package:
    prefix = {"frontier": "f", "troops": "t", "alternative": "a"}[kind.value]
    parts = criteria_parts(instance, sol.allocation)
    return Package(
        package_id=f"{aid}-{prefix}{k}",
        archetype=aid,
        kind=kind,
        budget_level_eur_bn=round(level_eur_m / 1000.0, 6),
        status=sol.status,
        allocation=sol.allocation,
        criteria=score_allocation(instance, sol.allocation),
        deterrence_parts=parts["deterrence"],
        warning_parts=parts["warning"],
        ukraine_forces_cost_eur_bn=funding_cost_eur_bn(instance, sol.allocation),
        pledges=pledge_outlook(instance, aid, sol.allocation),
        primary=instance.data.archetypes[aid].primary,
        objective=sol.objective,
        binding=sol.binding,
        solve_time_s=sol.time_s,
        troop_level=troop_level,
        troops_deployed=sum(c["troops"] for c in contributions(instance, sol.allocation).values()),
        gap_to_best_pct=max(0.0, round(gap, 4)),
        note=sol.note,
        **horizon_costs_eur_bn(instance, sol.allocation),
        **withdrawal_fields(instance, aid, sol.allocation),
    )


def _frontiers(
    found: _Found, ends: dict[str, Ends], settings: SolverSettings, pool: Executor | None
) -> None:
    """Budget levels from each archetype's cheapest to its best package, and troop levels."""
    instance = found.instance
    s = instance.scenario
    budget = s.budget_eur_bn * 1000.0
    tasks: list[LevelTask] = []
    for aid in found.by_aid:
        top = ends[aid].top
        assert top is not None
        cheapest = ends[aid].cheapest_eur_m
        if s.frontier.levels > 1 and top.cost_eur_m > cheapest + 1e-6:
            tasks += [
                LevelTask(instance, aid, PackageKind.FRONTIER, float(level), None, settings)
                for level in np.linspace(cheapest, top.cost_eur_m, s.frontier.levels)[:-1]
            ]
        if s.frontier.troop_levels > 0:
            top_troops = sum(c["troops"] for c in contributions(instance, top.allocation).values())
            low = max(instance.data.archetypes[aid].troops_min, 1)
            tasks += [
                LevelTask(instance, aid, PackageKind.TROOPS, budget, int(t), settings)
                for t in np.linspace(low, top_troops, s.frontier.troop_levels + 1)[:-1]
            ]
    sols: list[SolveResult] = map_tasks(run_task, tasks, pool)
    for aid in found.by_aid:
        # A frontier never falls as the budget grows: a level whose answer (within the MIP
        # gap) is worse than the level below keeps the lower level's package.
        prev: SolveResult | None = None
        for task, sol in zip(tasks, sols, strict=True):
            if task.archetype != aid or task.kind is not PackageKind.FRONTIER:
                continue
            if prev is not None and sol.objective < prev.objective:
                sol = prev
            found.add(aid, task.kind, task.budget_eur_m, sol)
            prev = sol
        found.add(aid, PackageKind.FRONTIER, budget, ends[aid].top)  # type: ignore[arg-type]
        for task, sol in zip(tasks, sols, strict=True):
            if task.archetype == aid and task.kind is PackageKind.TROOPS:
                found.add(aid, task.kind, task.budget_eur_m, sol, troop_level=task.troop_cap)


def _alternatives(
    found: _Found, ends: dict[str, Ends], settings: SolverSettings, pool: Executor | None
) -> None:
    """Near-optimal alternatives to each archetype's best package, at the scenario budget."""
    s = found.instance.scenario
    if s.frontier.alternatives <= 0:
        return
    aids = list(found.by_aid)
    tasks = []
    for aid in aids:
        top = ends[aid].top
        assert top is not None
        distance = max(2, math.ceil(ALTERNATIVE_DISTANCE * len(top.allocation)))
        # Lower frontier packages score far below the best one, so cutting off the best mix
        # (and then each alternative in turn) is enough to find new near-best mixes.
        tasks.append(
            AlternativesTask(
                found.instance,
                aid,
                (_support(top.allocation),),
                distance,
                s.frontier.alternatives,
                settings,
            )
        )
    budget = s.budget_eur_bn * 1000.0
    for aid, sols in zip(aids, map_tasks(run_task, tasks, pool), strict=True):
        top_primary = ends[aid].top.objective  # type: ignore[union-attr]
        for sol in sols:
            gap = 100.0 * (top_primary - sol.objective) / top_primary if top_primary else 0
            found.add(aid, PackageKind.ALTERNATIVE, budget, sol, gap=gap)


def _outcomes(
    aids: list[str], ends: dict[str, Ends], found: _Found
) -> tuple[ArchetypeOutcome, ...]:
    outcomes = []
    for aid in aids:
        o = ends[aid].outcome
        if aid in found.by_aid:
            pkgs = found.by_aid[aid]
            status = (
                SolveStatus.FEASIBLE
                if any(p.status is SolveStatus.FEASIBLE for p in pkgs)
                else SolveStatus.OPTIMAL
            )
            o = replace(o, status=status, message=f"{len(pkgs)} packages")
        outcomes.append(o)
    return tuple(outcomes)
