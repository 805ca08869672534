"""Package generation: per archetype, a budget frontier, near-optimal alternatives, the price of
each constraint, and an explanation for archetypes that cannot be met.

This module decides *which* models to solve; the models themselves are built and solved in
:mod:`mcdm.milp`, prices in :mod:`mcdm.prices` and explanations in :mod:`mcdm.explain`. Every
solve is a frozen task (:mod:`mcdm.package_tasks`) on a freshly built model, run here or in a
worker process."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from .budget_memo import BudgetMemo, MemoView
from .criteria import contributions, criteria_parts, score_allocation
from .criteria import ukraine_forces_cost_eur_bn as funding_cost_eur_bn
from .horizon import horizon_costs_eur_bn
from .milp import SolveResult
from .model import Instance, SolverSettings
from .package_filters import (
    NEAR_DUPLICATE_SHARE,
    criteria_ranges,
    drop_near_duplicates,
    label_packages,
    mark_dominated,
    near_duplicate,
)
from .package_tasks import (
    AlternativesTask,
    ArchetypeOutcome,
    Ends,
    LevelTask,
    ends_of,
    start_alternatives,
    start_levels,
    support_of,
)
from .parallel import executor
from .pledges import PledgeOutlook, pledge_outlook
from .prices import ConstraintPrice, price_constraints
from .results import Allocation, Package, PackageKind, SolveStatus
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
    "price_packages",
]

#: Share of the best package's member-element pairs an alternative must change.
ALTERNATIVE_DISTANCE = 0.2


@dataclass(frozen=True)
class PackageSet:
    """Everything package generation produced for one scenario."""

    packages: tuple[Package, ...]
    outcomes: tuple[ArchetypeOutcome, ...]
    prices: tuple[ConstraintPrice, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    solve_times: dict[str, float] = field(default_factory=dict)
    #: Each archetype's best package at the budget, as solved: the base its prices are read at.
    bases: dict[str, Package] = field(default_factory=dict)
    #: Solves answered from solves at other budgets (mcdm.budget_memo); 0: all solved afresh.
    kept_solves: int = 0

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


# --- generation --------------------------------------------------------------------------------


def generate_packages(
    instance: Instance,
    *,
    prices: bool = True,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    progress: Callable[[float, str], None] | None = None,
    memo: BudgetMemo | None = None,
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
        Called with (fraction done, message) as phases complete.
    memo
        Solves at other budgets (:mod:`mcdm.budget_memo`; ``BudgetMemo.answers_for`` says when
        it may serve): those that provably give an answer are used, new ones kept. Without one
        (``mcdm run``, the batch) everything is solved afresh."""
    settings = settings or instance.scenario.solver
    aids = list(instance.data.archetypes)
    timings: dict[str, float] = {}
    view = memo.view() if memo is not None and memo.answers_for(instance, settings) else None
    t0 = time.perf_counter()
    phases = 5 if prices else 3

    def report(phase: int, message: str) -> None:
        if progress is not None:
            progress(phase / phases, message)

    with executor(jobs) as pool:
        ends = ends_of(instance, aids, settings, pool, view)
        report(1, "cheapest and best packages found")
        found = _Found(instance, [aid for aid in aids if ends[aid].top is not None], view)
        _levels_and_alternatives(found, ends, settings, pool, view, report)
        timings["packages_s"] = time.perf_counter() - t0
        all_prices: tuple[ConstraintPrice, ...] = ()
        tops = {
            aid: [p for p in found.by_aid[aid] if p.kind is PackageKind.FRONTIER][-1]
            for aid in found.by_aid
        }
        if prices:
            t1 = time.perf_counter()
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
        bases=tops,
        kept_solves=view.kept if view is not None else 0,
    )


def _levels_and_alternatives(
    found: _Found,
    ends: dict[str, Ends],
    settings: SolverSettings,
    pool: Executor | None,
    memo: MemoView | None,
    report: Callable[[int, str], None],
) -> None:
    """Both batches of solves handed out at once (the alternatives need only each archetype's
    best package); their packages are added levels first, then alternatives."""
    add_frontiers = _frontiers(found, ends, settings, pool, memo)
    add_alternatives = _alternatives(found, ends, settings, pool, memo)
    add_frontiers()
    report(2, "budget frontiers done")
    add_alternatives()
    report(3, "alternatives done")


def price_packages(
    instance: Instance,
    pset: PackageSet,
    archetypes: Sequence[str] | None = None,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
) -> PackageSet:
    """``pset`` with the constraints of ``archetypes`` priced (default: every archetype with
    packages), exactly as ``generate_packages(prices=True)`` prices them; prices already in
    ``pset`` are kept, not solved again. For prices asked for one kind of package at a time
    (the app), in the order a whole run lists them."""
    settings = settings or instance.scenario.solver
    have = {c.archetype for c in pset.prices}
    todo = {
        aid: base
        for aid, base in pset.bases.items()
        if (archetypes is None or aid in archetypes) and aid not in have
    }
    if not todo:
        return pset
    with executor(jobs) as pool:
        new = price_constraints(instance, todo, settings, pool)
    order = list(pset.bases)
    merged = sorted((*pset.prices, *new), key=lambda c: order.index(c.archetype))
    return replace(pset, prices=tuple(merged))


class _Found:
    """Packages found so far, per archetype; the same mix is kept once, where first found."""

    def __init__(
        self, instance: Instance, archetypes: list[str], memo: MemoView | None = None
    ) -> None:
        self.instance = instance
        self.by_aid: dict[str, list[Package]] = {aid: [] for aid in archetypes}
        self.seen: dict[str, set[tuple[Allocation, ...]]] = {aid: set() for aid in archetypes}
        self.memo = memo

    def pledges(self, aid: str, alloc: tuple[Allocation, ...]) -> PledgeOutlook:
        """The mix's pledge outlook; with a memo, kept across budget changes (the outlook
        weighs the members' chances of coming, never the budget)."""
        if self.memo is None:
            return pledge_outlook(self.instance, aid, alloc)
        compute = partial(pledge_outlook, self.instance, aid, alloc)
        return self.memo.budget_free(self.instance, ("pledges", aid, alloc), compute)

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
        pledges = self.pledges(aid, sol.allocation)
        self.by_aid[aid].append(
            _make_package(self.instance, aid, kind, k, level_eur_m, sol, troop_level, gap, pledges)
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
    pledges: PledgeOutlook,
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
        pledges=pledges,
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
    found: _Found,
    ends: dict[str, Ends],
    settings: SolverSettings,
    pool: Executor | None,
    memo: MemoView | None = None,
) -> Callable[[], None]:
    """Budget levels from each archetype's cheapest to its best package, and troop levels:
    the solves are handed out now; the function returned adds their packages."""
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
    answers = start_levels(instance, tasks, pool, memo)
    return lambda: _add_levels(found, ends, tasks, answers(), budget)


def _add_levels(
    found: _Found, ends: dict[str, Ends], tasks: list[LevelTask], sols: list, budget: float
) -> None:
    """The levels' packages, archetype by archetype, each with its best package at the budget."""
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
    found: _Found,
    ends: dict[str, Ends],
    settings: SolverSettings,
    pool: Executor | None,
    memo: MemoView | None = None,
) -> Callable[[], None]:
    """Near-optimal alternatives to each archetype's best package, at the scenario budget:
    the solves are handed out now; the function returned adds their packages."""
    s = found.instance.scenario
    if s.frontier.alternatives <= 0:
        return lambda: None
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
                (support_of(top.allocation),),
                distance,
                s.frontier.alternatives,
                settings,
            )
        )
    budget = s.budget_eur_bn * 1000.0
    answers = start_alternatives(found.instance, tasks, pool, memo)

    def add() -> None:
        for aid, sols in zip(aids, answers(), strict=True):
            top_primary = ends[aid].top.objective  # type: ignore[union-attr]
            for sol in sols:
                gap = 100.0 * (top_primary - sol.objective) / top_primary if top_primary else 0
                found.add(aid, PackageKind.ALTERNATIVE, budget, sol, gap=gap)

    return add


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
