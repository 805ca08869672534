"""Solves of a scenario kept across budget changes, reused where they are provably the answer.

A best-mix solve at budget ``L`` whose mix costs ``c`` is also the best mix at any budget ``L'``
with ``c <= L' <= L``: a lower budget only removes mixes that cost more than ``L'`` (the budget
row, and the members' shares, which never exceed the whole), and the mix found is not one of
them. Its measure is within the solver's gap of the best at ``L'`` as it was at ``L``, so the
answer is one a fresh solve at ``L'`` could have given (a fresh solve may return another mix
within that gap). The same holds for each of a sequence of near-optimal alternatives, and the
cheapest mix that meets an archetype's requirements does not depend on the budget at all once
the budget covers it. The budget row's own "binding" flag is part of a result: a result is
reused only where that flag would read the same at ``L'``; and a sequence of alternatives cut
short (no more fit) proves that only at its budget or a lower one. The argument is made for an
annual budget (a member's share of a mix's annual cost never exceeds the whole), which is the
only one :func:`mcdm.packages.generate_packages` uses a memo for.

Everything is keyed on the digest of the scenario with its budget left out and of the data
(:func:`budget_free_key`): any other change to the scenario or the data is another key, so a
kept solve is never used for an instance it was not solved for. The app keeps one memo for
the process (budget sliders); ``mcdm run`` and the batch solve afresh.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .instance import scenario_digest
from .milp import SolveResult
from .model import Instance, SolverSettings
from .results import SolveStatus

__all__ = ["KEPT_PER_QUESTION", "BudgetMemo", "MemoView", "budget_free_key", "covers"]


def budget_free_key(instance: Instance) -> str:
    """The digest of everything the instance's solves depend on except its budget."""
    return scenario_digest(dataclasses.replace(instance.scenario, budget_eur_bn=0.0), instance.data)


def covers(level_eur_m: float, result: SolveResult, budget_eur_m: float) -> bool:
    """Whether ``result``, the best mix at ``level_eur_m``, is also the best at ``budget_eur_m``
    (within the solver's gap) and reads the same there, budget row's binding flag included.

    Only results proven within the gap (``OPTIMAL``) are reused; the budget row is binding
    where its slack is below ``result.budget_room_eur_m`` (:func:`mcdm.milp.binding_rows`)."""
    if result.status is not SolveStatus.OPTIMAL:
        return False
    if budget_eur_m == level_eur_m:
        return True
    if not result.cost_eur_m <= budget_eur_m:
        return False
    if budget_eur_m > level_eur_m:
        return False

    def binding(level: float) -> bool:
        slack = level - result.cost_eur_m
        return slack < max(result.budget_room_eur_m, 1e-6 * max(1.0, abs(level)))

    return binding(level_eur_m) == binding(budget_eur_m)


@dataclass(frozen=True)
class _Kept:
    level_eur_m: float
    results: tuple[SolveResult, ...]
    short: bool = False  # fewer answers than asked: no more fit at this level, nor below it

    def answers(self, budget_eur_m: float) -> bool:
        """Whether these results are the answers at ``budget_eur_m``: a sequence cut short
        proves only that nothing more fits at this budget or a lower one."""
        if self.short and budget_eur_m > self.level_eur_m:
            return False
        return all(covers(self.level_eur_m, r, budget_eur_m) for r in self.results)


#: Kept solves per question (archetype, kind, troop cap...): the oldest go first.
KEPT_PER_QUESTION = 32
#: Kept figures of mixes that do not depend on the budget (pledge outlooks): the oldest go first.
KEPT_FIGURES = 4096


class BudgetMemo:
    """Best-mix solves (troop-capped or not), alternatives and cheapest costs of the last few
    scenarios, by archetype. Safe to share between threads (the app's sessions)."""

    def __init__(self, scenarios: int = 8) -> None:
        self._scenarios = scenarios
        self._store: OrderedDict[str, dict[tuple, list[_Kept]]] = OrderedDict()
        self._figures: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._last: tuple[Instance, str] | None = None
        self.hits = 0
        self.misses = 0

    def _key(self, instance: Instance) -> str:
        # (an instance is frozen: the same object has the same key; worked out once a run)
        last = self._last
        if last is None or last[0] is not instance:
            last = self._last = (instance, budget_free_key(instance))
        return last[1]

    def _slot(self, instance: Instance) -> dict[tuple, list[_Kept]]:
        key = self._key(instance)
        slot = self._store.setdefault(key, {})
        self._store.move_to_end(key)
        while len(self._store) > self._scenarios:
            self._store.popitem(last=False)
        return slot

    def _find(self, instance: Instance, what: tuple, budget_eur_m: float):
        """The kept results that answer at ``budget_eur_m``, and whether they were solved at
        that very budget (the same model: what a fresh solve gives), or (None, False)."""
        with self._lock:
            slot = self._slot(instance).get(what, ())
            for kept in sorted(slot, key=lambda k: k.level_eur_m != budget_eur_m):
                if kept.answers(budget_eur_m):
                    self.hits += 1
                    return kept.results, kept.level_eur_m == budget_eur_m
            self.misses += 1
            return None, False

    def _keep(
        self, instance: Instance, what: tuple, level: float, results: Sequence, short: bool = False
    ) -> None:
        with self._lock:
            kept = self._slot(instance).setdefault(what, [])
            kept.append(_Kept(level, tuple(results), short))
            del kept[:-KEPT_PER_QUESTION]

    def best(
        self, instance: Instance, archetype: str, budget_eur_m: float, troop_cap: int | None = None
    ) -> SolveResult | None:
        """A kept best mix of the archetype (at most ``troop_cap`` troops) that is the best at
        ``budget_eur_m``, or None."""
        return self.find_best(instance, archetype, budget_eur_m, troop_cap)[0]

    def find_best(
        self, instance: Instance, archetype: str, budget_eur_m: float, troop_cap: int | None = None
    ) -> tuple[SolveResult | None, bool]:
        """:meth:`best`, and whether it was solved at this very budget."""
        found, same = self._find(instance, ("best", archetype, troop_cap), budget_eur_m)
        return (None if found is None else found[0]), same

    def keep_best(
        self,
        instance: Instance,
        archetype: str,
        level_eur_m: float,
        result: SolveResult,
        troop_cap: int | None = None,
    ) -> None:
        if result.status.has_solution:
            self._keep(instance, ("best", archetype, troop_cap), level_eur_m, [result])

    def alternatives(
        self, instance: Instance, archetype: str, task_key: tuple, budget_eur_m: float
    ) -> tuple[SolveResult, ...] | None:
        """Kept alternatives (the same known mixes cut off, the same distance and count) that
        are, one after another, the answers at ``budget_eur_m``; None if there are none."""
        return self.find_alternatives(instance, archetype, task_key, budget_eur_m)[0]

    def find_alternatives(
        self, instance: Instance, archetype: str, task_key: tuple, budget_eur_m: float
    ) -> tuple[tuple[SolveResult, ...] | None, bool]:
        """:meth:`alternatives`, and whether they were solved at this very budget."""
        return self._find(instance, ("alternatives", archetype, task_key), budget_eur_m)

    def keep_alternatives(
        self,
        instance: Instance,
        archetype: str,
        task_key: tuple,
        level_eur_m: float,
        results: Sequence[SolveResult],
        asked: int,
    ) -> None:
        """Keep the alternatives found (``asked`` were asked for: fewer means no more fit)."""
        what = ("alternatives", archetype, task_key)
        self._keep(instance, what, level_eur_m, results, short=len(results) < asked)

    def cheapest(self, instance: Instance, archetype: str, budget_eur_m: float) -> float | None:
        """The archetype's least cost (EUR m), if kept and within ``budget_eur_m``."""
        with self._lock:
            kept = self._slot(instance).get(("cheapest", archetype))
            if kept and kept[0].level_eur_m <= budget_eur_m:
                return kept[0].level_eur_m
            return None

    def keep_cheapest(self, instance: Instance, archetype: str, cost_eur_m: float) -> None:
        if math.isfinite(cost_eur_m):
            with self._lock:
                self._slot(instance)[("cheapest", archetype)] = [_Kept(cost_eur_m, ())]

    def budget_free(self, instance: Instance, what: tuple, compute: Callable[[], Any]) -> Any:
        """A figure of the scenario that does not depend on its budget (a mix's pledge
        outlook: ``what`` names it), kept from an earlier run at another budget or computed by
        ``compute`` now and kept. The caller vouches that the figure ignores the budget."""
        key = (self._key(instance), *what)
        with self._lock:
            if key in self._figures:
                self._figures.move_to_end(key)
                return self._figures[key]
        value = compute()
        with self._lock:
            self._figures[key] = value
            while len(self._figures) > KEPT_FIGURES:
                self._figures.popitem(last=False)
        return value

    @staticmethod
    def answers_for(instance: Instance, settings: SolverSettings) -> bool:
        """Whether a memo may answer this run's solves: solved with the scenario's own solver
        settings (the key's) and against an annual budget (the argument's)."""
        return settings == instance.scenario.solver and instance.scenario.budget_basis == "annual"

    def view(self) -> MemoView:
        """This memo, counting what one run takes from it."""
        return MemoView(self)


class MemoView:
    """A memo as one run uses it: the same answers, and how many of the run's solves were
    answered by solves at another budget (``kept``; a solve kept from this very budget is the
    same model, and gives what a fresh solve gives), whatever other runs (the app's other
    sessions) take at the same time."""

    def __init__(self, memo: BudgetMemo) -> None:
        self._memo = memo
        self.kept = 0

    def _count(self, found_same):
        found, same = found_same
        self.kept += found is not None and not same
        return found

    def best(self, *args, **kwargs) -> SolveResult | None:
        return self._count(self._memo.find_best(*args, **kwargs))

    def alternatives(self, *args, **kwargs) -> tuple[SolveResult, ...] | None:
        return self._count(self._memo.find_alternatives(*args, **kwargs))

    def cheapest(self, *args, **kwargs) -> float | None:
        return self._memo.cheapest(*args, **kwargs)  # a figure, not a solve's answer

    def keep_best(self, *args, **kwargs) -> None:
        self._memo.keep_best(*args, **kwargs)

    def keep_alternatives(self, *args, **kwargs) -> None:
        self._memo.keep_alternatives(*args, **kwargs)

    def keep_cheapest(self, *args, **kwargs) -> None:
        self._memo.keep_cheapest(*args, **kwargs)

    def budget_free(self, *args, **kwargs) -> Any:
        return self._memo.budget_free(*args, **kwargs)  # a figure, not a solve's answer
