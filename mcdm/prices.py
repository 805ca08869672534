"""The price of each constraint: switch it off, re-solve, and say what it costs.

For each archetype's best package at the scenario budget, every price option that the constraint
families declare (:meth:`mcdm.milp.families.Family.price_options`) is re-solved twice: the best
primary measure without the constraint, and the least cost of reaching the base package's
measure without it. An option with a parent (one member's refusal within "all refusals") is
solved only if its parent is not free, and options that leave the very same model (lifting the
refusal of a member whose units no other limit lets in) are solved once.
"""

from __future__ import annotations

import math
from concurrent.futures import Executor
from dataclasses import dataclass, replace

from .errors import SolveError
from .formats import format_eur_bn
from .horizon import budget_cost_eur_bn, budget_phrase
from .milp import PriceOption, build_model, families, max_measure, min_cost, pairs_and_bounds
from .model import Instance, Measure, SolverSettings
from .parallel import map_tasks
from .results import Package, SolveStatus

__all__ = ["MEASURE_LABEL", "PRICE_GAP", "PRICE_NODE_LIMIT", "ConstraintPrice", "price_constraints"]

MEASURE_LABEL = {
    Measure.DETERRENCE: "deterrence",
    Measure.EARLY_WARNING_KM: "early warning (line and depth)",
    Measure.AIR_DEFENCE_K_KM2: "air-defence cover",
}
#: MIP gap for the re-solves that price constraints (their answers are read to a percent).
PRICE_GAP = 0.01
#: Branch-and-bound nodes a price's re-solve may take; beyond it the price is a lower bound.
PRICE_NODE_LIMIT = 2_000


@dataclass(frozen=True)
class ConstraintPrice:
    """What one constraint family costs at the scenario budget, for one archetype."""

    archetype: str
    family: str
    label: str
    measure: Measure
    base: float
    relaxed: float
    base_cost_eur_bn: float
    relaxed_cost_eur_bn: float
    mip_gap: float = 0.0
    exact: bool = True
    per: str = "a year"  # how the costs read: the budget's basis (mcdm.horizon.budget_phrase)

    @property
    def is_free(self) -> bool:
        """True if dropping the constraint gains nothing beyond the solver's own tolerance."""
        tol = max(0.05, 100.0 * self.mip_gap)
        return self.gain_pct <= tol and self.saving_eur_bn <= max(
            0.0005, self.mip_gap * self.base_cost_eur_bn
        )

    @property
    def gain_pct(self) -> float:
        """Primary measure gained by dropping the constraint, % of the base value."""
        if self.base <= 0:
            return 0.0 if self.relaxed <= 0 else math.inf
        return 100.0 * (self.relaxed - self.base) / self.base

    @property
    def saving_eur_bn(self) -> float:
        """Money saved reaching the base value without the constraint (on the budget's basis)."""
        return self.base_cost_eur_bn - self.relaxed_cost_eur_bn

    @property
    def message(self) -> str:
        """E.g. "the burden-sharing band costs 7.0% of deterrence or EUR 0.40 bn a year"."""
        what = MEASURE_LABEL[self.measure]
        verb = "cost" if self.label.startswith("the members'") else "costs"
        if self.is_free:
            return f"{self.label} {verb} nothing at this budget"
        parts = []
        tol = max(0.05, 100.0 * self.mip_gap)
        if self.gain_pct > tol:
            parts.append(f"{self.gain_pct:.1f}% of {what}")
        if self.saving_eur_bn > max(0.0005, self.mip_gap * self.base_cost_eur_bn):
            parts.append(f"{format_eur_bn(self.saving_eur_bn)} {self.per} at the same {what}")
        return f"{self.label} {verb} {'' if self.exact else 'at least '}" + " or ".join(parts)


@dataclass(frozen=True)
class PriceTask:
    """One re-solve pair for a worker: an archetype's base package and what to switch off."""

    instance: Instance
    archetype: str
    base: Package
    option: PriceOption
    settings: SolverSettings

    def run(self) -> ConstraintPrice | None:
        """Best measure without the constraint, and the least cost of the base package's
        measure without it.

        Dropping a constraint only enlarges the feasible set, so the relaxed answers are never
        worse than the base package's. Prices are read to a percent, so they are solved to
        ``PRICE_GAP`` within ``PRICE_NODE_LIMIT`` nodes (a limit that does not depend on the
        machine's load); a solve stopped by a limit gives a lower bound on the price (``exact``
        False, and the message says "at least"). None if the model cannot be solved.
        """
        s, base = self.settings, self.base
        measure = self.instance.data.archetypes[self.archetype].primary
        model = build_model(self.instance, self.archetype, relax=self.option.relax)
        quick = replace(
            s,
            mip_gap=max(s.mip_gap, PRICE_GAP),
            node_limit=min(s.node_limit or PRICE_NODE_LIMIT, PRICE_NODE_LIMIT),
        )
        try:
            best = max_measure(model, quick, measure)
            if not best.status.has_solution:
                return None
            # The relaxed best mix reaches the base measure: it is the start of this solve.
            cheapest = min_cost(model, quick, floors={measure: base.objective})
        except SolveError:
            return None
        scenario = self.instance.scenario
        base_cost = budget_cost_eur_bn(scenario, base)
        relaxed_cost = (
            base_cost
            if not cheapest.status.has_solution
            else min(cheapest.objective / 1000.0, base_cost)
        )
        exact = best.status is SolveStatus.OPTIMAL and cheapest.status is SolveStatus.OPTIMAL
        return ConstraintPrice(
            self.archetype,
            self.option.family,
            self.option.label,
            measure,
            base.objective,
            max(best.objective, base.objective),
            base_cost,
            round(relaxed_cost, 6),
            quick.mip_gap,
            exact,
            budget_phrase(scenario),
        )


def _run(task: PriceTask) -> ConstraintPrice | None:
    return task.run()


def _same_model(task: PriceTask) -> tuple:
    """Equal for tasks that build the very same model: the archetype with its pairs and their
    bounds (a pair bounded at 0 units has no variable) where every family switched off acts
    only through those (``Family.acts_through_pairs``); else the archetype with what is off."""
    by_family = {f.family: f for f in families.REGISTRY}  # at call time: a test may add one
    relax = task.option.relax
    if all(
        (f := by_family.get(name)) is not None and f.acts_through_pairs
        for name, _ in relax.switches
    ):
        a = task.instance.data.archetypes[task.archetype]
        bounds = pairs_and_bounds(task.instance, a, relax)
        return (task.archetype, tuple((p, n) for p, n in bounds.items() if n > 0))
    return (task.archetype, relax)


def _solve_once(tasks: list[PriceTask], pool: Executor | None) -> list[ConstraintPrice | None]:
    """Each task's price; tasks that build the same model (same instance, base and settings
    too: one call prices one scenario) share one solve, which is deterministic."""
    keys = [_same_model(t) for t in tasks]
    first: dict[tuple, PriceTask] = {}
    for key, task in zip(keys, tasks, strict=True):
        first.setdefault(key, task)
    solved = dict(zip(first, map_tasks(_run, list(first.values()), pool), strict=True))
    return [
        None
        if (price := solved[key]) is None
        else replace(price, family=task.option.family, label=task.option.label)
        for key, task in zip(keys, tasks, strict=True)
    ]


def price_constraints(
    instance: Instance,
    tops: dict[str, Package],
    settings: SolverSettings,
    pool: Executor | None = None,
    progress=None,
) -> tuple[ConstraintPrice, ...]:
    """Every price option of every constraint family, for each archetype's package in ``tops``.

    Options with a parent are solved only where the parent's price is not free; where it is
    free they are free too, and take the parent's figures.
    """
    registry = families.REGISTRY  # read at call time: a test may add a family
    options = {aid: [o for f in registry for o in f.price_options(instance, aid)] for aid in tops}
    first = [
        PriceTask(instance, aid, top, o, settings)
        for aid, top in tops.items()
        for o in options[aid]
        if o.parent is None
    ]
    parents = [p for p in _solve_once(first, pool) if p is not None]
    if progress is not None:
        progress()
    children = [
        PriceTask(instance, p.archetype, tops[p.archetype], o, settings)
        for p in parents
        if not p.is_free
        for o in options[p.archetype]
        if o.parent == p.label
    ]
    solved = [q for q in _solve_once(children, pool) if q is not None]
    out: list[ConstraintPrice] = []
    for p in parents:
        out.append(p)
        kids = [o for o in options[p.archetype] if o.parent == p.label]
        if not kids:
            continue
        if p.is_free:
            out += [replace(p, family=o.family, label=o.label) for o in kids]
        else:
            labels = {o.label for o in kids}
            out += [q for q in solved if q.archetype == p.archetype and q.label in labels]
    return tuple(out)
