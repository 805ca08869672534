"""The solves of package generation as frozen tasks, run here or in worker processes, and the
steps that hand them out: each archetype's cheapest and best packages, budget and troop levels,
near-optimal alternatives. With a :class:`~mcdm.budget_memo.BudgetMemo` a task whose answer a
solve at another budget provably gives is not solved again; every new answer is kept."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from .budget_memo import MemoView
from .errors import SolveError
from .explain import why_infeasible
from .milp import SolveResult, build_model, min_cost, solve_lexicographic
from .model import Instance, SolverSettings
from .parallel import map_tasks, submit_tasks
from .results import Allocation, PackageKind, Shortfall, SolveStatus

__all__ = [
    "AlternativesTask",
    "ArchetypeOutcome",
    "Ends",
    "EndsTask",
    "LevelTask",
    "ends_of",
    "run_task",
    "start_alternatives",
    "start_levels",
    "support_of",
]


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


# --- tasks (each one runs on a freshly built model, here or in a worker) -----------------------


@dataclass(frozen=True)
class Ends:
    """The two ends of an archetype's frontier: its cheapest and its best package."""

    outcome: ArchetypeOutcome
    cheapest_eur_m: float = math.nan
    top: SolveResult | None = None
    cheapest_exact: bool = False  # the least cost is proven (not stopped by a limit)


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
        return Ends(outcome, cost, top, cheapest.status is SolveStatus.OPTIMAL)


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
            model.add_nogood(support_of(sol.allocation), self.distance)
        return out


def run_task(task: EndsTask | LevelTask | AlternativesTask):
    """Run one task (a module-level function, so that worker processes can call it)."""
    return task.run()


def support_of(alloc: Sequence[Allocation]) -> frozenset[tuple[str, str]]:
    return frozenset((a.member_id, a.element_id) for a in alloc)


def ends_of(
    instance: Instance,
    aids: list[str],
    settings: SolverSettings,
    pool: Executor | None,
    memo: MemoView | None,
) -> dict[str, Ends]:
    """Each archetype's cheapest and best packages (from the memo where it has both)."""
    budget = instance.scenario.budget_eur_bn * 1000.0
    ends: dict[str, Ends] = {}
    for aid in aids if memo is not None else ():
        cheapest = memo.cheapest(instance, aid, budget)
        top = memo.best(instance, aid, budget) if cheapest is not None else None
        if cheapest is not None and top is not None:
            name = instance.data.archetypes[aid].name
            outcome = ArchetypeOutcome(aid, name, top.status, round(cheapest / 1000.0, 6))
            ends[aid] = Ends(outcome, cheapest, top, True)
    todo = [aid for aid in aids if aid not in ends]
    tasks = [EndsTask(instance, aid, settings) for aid in todo]
    for aid, end in zip(todo, map_tasks(run_task, tasks, pool), strict=True):
        ends[aid] = end
        if memo is not None and end.top is not None:
            memo.keep_best(instance, aid, budget, end.top)
            if end.cheapest_exact:
                memo.keep_cheapest(instance, aid, end.cheapest_eur_m)
    return {aid: ends[aid] for aid in aids}


def start_levels(
    instance: Instance, tasks: list[LevelTask], pool: Executor | None, memo: MemoView | None
) -> Callable[[], list[SolveResult]]:
    """The level tasks' answers: kept ones from the memo, the others solved (and kept), their
    solves handed out now: call the result for the answers."""
    kept = [
        memo.best(instance, t.archetype, t.budget_eur_m, t.troop_cap) if memo else None
        for t in tasks
    ]

    def keep(t: LevelTask, answer: SolveResult) -> None:
        if memo is not None:
            memo.keep_best(instance, t.archetype, t.budget_eur_m, answer, t.troop_cap)

    return _kept_or_solved(tasks, kept, keep, pool)


def start_alternatives(
    instance: Instance,
    tasks: list[AlternativesTask],
    pool: Executor | None,
    memo: MemoView | None,
) -> Callable[[], list[list[SolveResult]]]:
    """The alternatives tasks' answers: kept ones from the memo, the others solved (and kept),
    their solves handed out now: call the result for the answers."""
    budget = instance.scenario.budget_eur_bn * 1000.0

    def key(t: AlternativesTask) -> tuple:
        return (tuple(tuple(sorted(s)) for s in t.supports), t.distance, t.count)

    kept = [
        memo.alternatives(instance, t.archetype, key(t), budget) if memo else None for t in tasks
    ]

    def keep(t: AlternativesTask, answer: list[SolveResult]) -> None:
        if memo is not None:
            memo.keep_alternatives(instance, t.archetype, key(t), budget, answer, t.count)

    finish = _kept_or_solved(tasks, kept, keep, pool)
    return lambda: [list(k) for k in finish()]


def _kept_or_solved(
    tasks: list, kept: list, keep: Callable, pool: Executor | None
) -> Callable[[], list]:
    """Each task's kept answer, or (one batch of solves for all the others, handed out now) its
    answer solved and handed to ``keep``: call the result for the answers, in the tasks' order."""
    pending = submit_tasks(
        run_task, [t for t, k in zip(tasks, kept, strict=True) if k is None], pool
    )

    def finish() -> list:
        solved = iter(pending.results())
        out = []
        for t, k in zip(tasks, kept, strict=True):
            if k is None:
                k = next(solved)
                keep(t, k)
            out.append(k)
        return out

    return finish
