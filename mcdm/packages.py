"""Package generation: per archetype, a budget frontier, near-optimal alternatives, the price of
each constraint family, and an explanation for archetypes that cannot be met.

This module decides *which* models to solve and phrases the answers in the user's terms; the
models themselves are built and solved in :mod:`mcdm.milp`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .criteria import contributions, score_allocation
from .errors import Shortfall as ShortfallText
from .errors import SolveError
from .milp import (
    Relax,
    Shortfall,
    Solution,
    build_model,
    diagnose,
    max_measure,
    min_cost,
    min_cost_for,
    solve_lexicographic,
)
from .model import (
    CRITERIA,
    US_MEMBER_ID,
    Allocation,
    Instance,
    Location,
    Measure,
    Package,
    PackageKind,
    SolverSettings,
    SolveStatus,
)
from .parallel import executor, map_tasks

__all__ = [
    "ArchetypeOutcome",
    "ConstraintPrice",
    "PackageSet",
    "allocations_frame",
    "generate_packages",
    "infeasible_frame",
    "mark_dominated",
    "packages_frame",
    "prices_frame",
    "round_floats",
]

MEASURE_LABEL = {
    Measure.DETERRENCE: "deterrence",
    Measure.EARLY_WARNING_KM: "early-warning coverage",
    Measure.AIR_DEFENCE_K_KM2: "air-defence cover",
}
#: Share of the best package's member-element pairs an alternative must change.
ALTERNATIVE_DISTANCE = 0.2
#: MIP gap for the re-solves that price constraints (their answers are read to a percent).
PRICE_GAP = 0.01
#: Branch-and-bound nodes a price's re-solve may take; beyond it the price is a lower bound.
PRICE_NODE_LIMIT = 2_000


def format_eur_bn(value_bn: float) -> str:
    """Money for people: "EUR 1.63 bn" or, below EUR 1 bn, "EUR 40 m"."""
    if abs(value_bn) >= 1.0:
        return f"EUR {value_bn:,.2f} bn"
    return f"EUR {value_bn * 1000:,.0f} m"


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
        """Annual money saved reaching the base value without the constraint."""
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
            parts.append(f"{format_eur_bn(self.saving_eur_bn)} a year at the same {what}")
        return f"{self.label} {verb} {'' if self.exact else 'at least '}" + " or ".join(parts)


@dataclass(frozen=True)
class ArchetypeOutcome:
    """How one archetype fared: packages found, or why none could be."""

    archetype: str
    name: str
    status: SolveStatus
    min_cost_eur_bn: float | None = None
    shortfalls: tuple[ShortfallText, ...] = ()
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

    def get(self, package_id: str) -> Package:
        for p in self.packages:
            if p.package_id == package_id:
                return p
        raise KeyError(package_id)


def _make_package(
    instance: Instance,
    aid: str,
    kind: PackageKind,
    k: int,
    level_eur_m: float,
    status: SolveStatus,
    allocation: tuple[Allocation, ...],
    objective: float,
    binding: tuple[str, ...],
    time_s: float,
    troop_level: int | None = None,
) -> Package:
    prefix = {"frontier": "f", "troops": "t", "alternative": "a"}[kind.value]
    return Package(
        package_id=f"{aid}-{prefix}{k}",
        archetype=aid,
        kind=kind,
        budget_level_eur_bn=round(level_eur_m / 1000.0, 6),
        status=status,
        allocation=allocation,
        criteria=score_allocation(instance, allocation),
        primary=instance.data.archetypes[aid].primary,
        objective=objective,
        binding=binding,
        solve_time_s=time_s,
        troop_level=troop_level,
        troops_deployed=sum(c["troops"] for c in contributions(instance, allocation).values()),
    )


def format_number(value: float) -> str:
    """A figure for a sentence: thousands separated, small ones with three significant digits
    (never "0.0" for 0.04)."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _budget_shortfall(need_eur_bn: float, instance: Instance) -> ShortfallText:
    """Money alone is short: ``required`` is what the cheapest package costs, ``achieved``
    the budget there is."""
    budget = instance.scenario.budget_eur_bn
    text = f"needs {format_eur_bn(need_eur_bn)} a year; the budget is {format_eur_bn(budget)}"
    return ShortfallText("budget", need_eur_bn, budget, "EUR bn/yr", text)


def _explain(s: Shortfall, instance: Instance, name: str) -> ShortfallText:
    """Phrase an elastic shortfall in the user's terms (``s.achieved`` is the most that can be
    had, solved for; for a ratio, what the mix has)."""
    achieved, required = s.achieved, s.required
    if s.ratio:
        text = (
            f"{s.label}: short by {format_number(required - achieved)} {s.unit} "
            f"(needs {format_number(required)}, has {format_number(achieved)})"
        )
    elif s.limited_by:
        others = "; ".join(label.removeprefix(f"{name} needs ") for label in s.limited_by)
        text = (
            f"{s.label}; possible on its own, but at most {format_number(achieved)} "
            f"together with: {others}"
        )
    elif s.supply_text:
        text = f"{s.label}; {s.supply_text.format(best=format_number(achieved))}"
    elif s.key == "min_coverage":
        line = instance.scenario.line_length_km
        achieved = min(achieved, line)
        text = (
            f"{s.label}; at best {format_number(achieved)} km "
            f"({format_number(100 * achieved / line)}%) within the members' caps"
        )
    else:
        text = f"{s.label}; at best {format_number(achieved)} within the members' caps"
    return ShortfallText(s.key, required, achieved, s.unit, text)


def _support(alloc: Sequence[Allocation]) -> set[tuple[str, str]]:
    return {(a.member_id, a.element_id) for a in alloc}


@dataclass(frozen=True)
class _Ends:
    """The two ends of an archetype's frontier: its cheapest and its best package."""

    outcome: ArchetypeOutcome
    cheapest_eur_m: float = math.nan
    top: Solution | None = None


def _why_infeasible(
    instance: Instance, aid: str, settings: SolverSettings
) -> tuple[ShortfallText, ...]:
    """What falls short, in two separable causes.

    First, without a budget: if the requirements can be met at some cost, money alone is short
    and the answer is that cost. Otherwise an elastic model (no budget either) finds the smallest
    shortfalls that the members' caps and stated willingness leave.
    """
    unlimited = 1e12
    status, cost, _ = min_cost(build_model(instance, aid, budget_eur_m=unlimited), settings)
    if status.has_solution:
        return (_budget_shortfall(cost / 1000.0, instance),)
    elastic = build_model(instance, aid, elastic=True, budget_eur_m=unlimited)
    name = instance.data.archetypes[aid].name
    return tuple(
        _explain(sf, instance, name) for sf in diagnose(elastic, settings) if sf.key != "budget"
    )


def _ends_task(args: tuple[Instance, str, SolverSettings]) -> _Ends:
    """Cheapest feasible mix and best mix at the scenario budget; or why there is none."""
    instance, aid, settings = args
    a = instance.data.archetypes[aid]
    start = time.perf_counter()
    try:
        model = build_model(instance, aid)
        status, cheapest, _ = min_cost(model, settings)
        if not status.has_solution:
            shortfalls = _why_infeasible(instance, aid, settings)
            message = (
                f"{a.name} is not possible: " + "; ".join(sf.message for sf in shortfalls)
                if shortfalls
                else f"{a.name} is not possible"
            )
            return _Ends(
                ArchetypeOutcome(
                    aid,
                    a.name,
                    SolveStatus.INFEASIBLE,
                    None,
                    shortfalls,
                    message,
                    time.perf_counter() - start,
                )
            )
        top = solve_lexicographic(model, settings)
    except SolveError as exc:
        return _Ends(
            ArchetypeOutcome(
                aid, a.name, SolveStatus.ERROR, message=str(exc), time_s=time.perf_counter() - start
            )
        )
    outcome = ArchetypeOutcome(
        aid, a.name, top.status, round(cheapest / 1000.0, 6), (), "", time.perf_counter() - start
    )
    return _Ends(outcome, cheapest, top)


def _level_task(args: tuple[Instance, str, float, int | None, SolverSettings]) -> Solution:
    """Best mix at one budget level (and, for troop levels, at most ``troop_cap`` troops)."""
    instance, aid, level, troop_cap, settings = args
    model = build_model(instance, aid, budget_eur_m=level)
    if troop_cap is not None:
        model.set_troop_cap(troop_cap)
    return solve_lexicographic(model, settings)


def _alternatives_task(
    args: tuple[Instance, str, list[set[tuple[str, str]]], int, int, SolverSettings],
) -> list[Solution]:
    """Near-optimal mixes at the scenario budget whose support differs from every known one."""
    instance, aid, supports, distance, count, settings = args
    model = build_model(instance, aid)
    for support in supports:
        model.add_nogood(support, distance)
    out = []
    for _ in range(count):
        sol = solve_lexicographic(model, settings)
        if not sol.status.has_solution:
            break
        out.append(sol)
        model.add_nogood(_support(sol.allocation), distance)
    return out


def _price_families(instance: Instance, aid: str) -> list[tuple[str, str, Relax]]:
    """The constraint families to price for one archetype: (family, label, relaxation)."""
    s = instance.scenario
    data = instance.data
    a = data.archetypes[aid]
    out: list[tuple[str, str, Relax]] = []
    if Location.IN_UKRAINE in a.allowed_locations:
        refusing = _refusing_members(instance, aid)
        if refusing:
            out.append(
                (
                    "refusals",
                    "all refusals to station troops in Ukraine",
                    Relax(refusals=frozenset(refusing)),
                )
            )
    out.append(("money_caps", "the members' money caps", Relax(money_caps=True)))
    out.append(("troop_pools", "the members' troop pools and caps", Relax(troop_pools=True)))
    if s.burden_sharing is not None:
        out.append(("burden_sharing", "the burden-sharing band", Relax(burden_sharing=True)))
    if s.lead_nations is not None:
        out.append(("lead_nations", "the lead-nation rule", Relax(lead_nations=True)))
    for i, rule in enumerate(s.rules):
        if not rule.archetypes or aid in rule.archetypes:
            out.append(("rule", f"rule '{rule.name}'", Relax(rules=frozenset({i}))))
    return out


def _refusing_members(instance: Instance, aid: str) -> list[str]:
    """Members that refuse to station troops in Ukraine but could field units this archetype
    allows there."""
    data = instance.data
    a = data.archetypes[aid]
    return sorted(
        mid
        for mid, m in data.members.items()
        if not m.ground_in_ukraine
        and mid != US_MEMBER_ID
        and any(
            data.elements[e].location is Location.IN_UKRAINE
            and data.elements[e].category in a.allowed_categories
            for (mm, e), n in data.availability.items()
            if mm == mid and n > 0
        )
    )


def _price_task(
    args: tuple[Instance, str, Package, str, str, Relax, SolverSettings],
) -> ConstraintPrice | None:
    """Price one constraint family: best measure without it, and the least cost of the base
    package's measure without it.

    Dropping a constraint only enlarges the feasible set, so the relaxed answers are never worse
    than the base package's. Prices are read to a percent, so they are solved to
    ``PRICE_GAP`` within ``PRICE_NODE_LIMIT`` nodes (a limit that does not depend on the
    machine's load); a solve stopped by a limit gives a lower bound on the price (``exact``
    False, and the message says "at least").
    """
    instance, aid, base, family, label, relax, settings = args
    measure = instance.data.archetypes[aid].primary
    model = build_model(instance, aid, relax=relax)
    quick = replace(
        settings,
        mip_gap=max(settings.mip_gap, PRICE_GAP),
        node_limit=min(settings.node_limit or PRICE_NODE_LIMIT, PRICE_NODE_LIMIT),
    )
    try:
        status, relaxed = max_measure(model, quick, measure)
        if not status.has_solution:
            return None
        # The relaxed best mix reaches the base measure: it is the start of this solve.
        cost_status, cost, _ = min_cost_for(model, quick, measure, base.objective)
    except SolveError:
        return None
    relaxed_cost = (
        base.annual_cost_eur_bn
        if not cost_status.has_solution
        else min(cost / 1000.0, base.annual_cost_eur_bn)
    )
    exact = status is SolveStatus.OPTIMAL and cost_status is SolveStatus.OPTIMAL
    return ConstraintPrice(
        aid,
        family,
        label,
        measure,
        base.objective,
        max(relaxed, base.objective),
        base.annual_cost_eur_bn,
        round(relaxed_cost, 6),
        quick.mip_gap,
        exact,
    )


def mark_dominated(packages: Sequence[Package]) -> tuple[Package, ...]:
    """Flag (not drop) packages that another package Pareto-dominates on every criterion."""
    if not packages:
        return ()
    signs = np.array([c.direction.sign for c in CRITERIA], dtype=float)
    ids = [c.criterion_id for c in CRITERIA]
    values = np.array([[p.criteria[i] for i in ids] for p in packages], dtype=float) * signs
    out = []
    for i, p in enumerate(packages):
        ge = np.all(values >= values[i] - 1e-9, axis=1)
        gt = np.any(values > values[i] + 1e-9, axis=1)
        out.append(replace(p, dominated=bool(np.any(ge & gt))))
    return tuple(out)


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
        Called with (fraction done, message) as phases complete.
    """
    settings = settings or instance.scenario.solver
    s = instance.scenario
    aids = list(instance.data.archetypes)
    budget = s.budget_eur_bn * 1000.0
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    phases = 5 if prices else 3

    def report(phase: int, message: str) -> None:
        if progress is not None:
            progress(phase / phases, message)

    with executor(jobs) as pool:
        ends = dict(
            zip(
                aids,
                map_tasks(_ends_task, [(instance, aid, settings) for aid in aids], pool),
                strict=True,
            )
        )
        report(1, "cheapest and best packages found")
        ok = [aid for aid in aids if ends[aid].top is not None]
        level_tasks: list[tuple[str, PackageKind, float, int | None]] = []
        for aid in ok:
            top = ends[aid].top
            assert top is not None
            cheapest = ends[aid].cheapest_eur_m
            if s.frontier.levels > 1 and top.cost_eur_m > cheapest + 1e-6:
                level_tasks += [
                    (aid, PackageKind.FRONTIER, float(level), None)
                    for level in np.linspace(cheapest, top.cost_eur_m, s.frontier.levels)[:-1]
                ]
            if s.frontier.troop_levels > 0:
                top_troops = sum(
                    c["troops"] for c in contributions(instance, top.allocation).values()
                )
                low = max(instance.data.archetypes[aid].troops_min, 1)
                level_tasks += [
                    (aid, PackageKind.TROOPS, budget, int(t))
                    for t in np.linspace(low, top_troops, s.frontier.troop_levels + 1)[:-1]
                ]
        level_sols = map_tasks(
            _level_task,
            [(instance, aid, level, cap, settings) for aid, _, level, cap in level_tasks],
            pool,
        )
        report(2, "budget frontiers done")

        by_aid: dict[str, list[Package]] = {aid: [] for aid in ok}
        seen: dict[str, set[tuple[Allocation, ...]]] = {aid: set() for aid in ok}

        def add(
            aid: str,
            kind: PackageKind,
            level: float,
            sol: Solution,
            troop_level: int | None = None,
            gap: float = 0.0,
        ) -> None:
            if not sol.status.has_solution or sol.allocation in seen[aid]:
                return
            seen[aid].add(sol.allocation)
            pkgs = by_aid[aid]
            k = 1 + sum(p.kind is kind for p in pkgs)
            note = sol.note
            pkgs.append(
                replace(
                    _make_package(
                        instance,
                        aid,
                        kind,
                        k,
                        level,
                        sol.status,
                        sol.allocation,
                        sol.primary,
                        sol.binding,
                        sol.time_s,
                        troop_level,
                    ),
                    note=note,
                    gap_to_best_pct=max(0.0, round(gap, 4)),
                )
            )

        for aid in ok:
            # A frontier never falls as the budget grows: a level whose answer (within the MIP
            # gap) is worse than the level below keeps the lower level's package.
            prev: Solution | None = None
            for (taid, kind, level, _), sol in zip(level_tasks, level_sols, strict=True):
                if taid != aid or kind is not PackageKind.FRONTIER:
                    continue
                if prev is not None and sol.primary < prev.primary:
                    sol = prev
                add(aid, kind, level, sol)
                prev = sol
            add(aid, PackageKind.FRONTIER, budget, ends[aid].top)  # type: ignore[arg-type]
            for (taid, kind, level, cap), sol in zip(level_tasks, level_sols, strict=True):
                if taid == aid and kind is PackageKind.TROOPS:
                    add(aid, kind, level, sol, troop_level=cap)

        if s.frontier.alternatives > 0:
            alt_args = []
            for aid in ok:
                top = ends[aid].top
                assert top is not None
                distance = max(2, math.ceil(ALTERNATIVE_DISTANCE * len(top.allocation)))
                # Lower frontier packages score far below the best one, so cutting off the best
                # mix (and then each alternative in turn) is enough to find new near-best mixes.
                alt_args.append(
                    (
                        instance,
                        aid,
                        [_support(top.allocation)],
                        distance,
                        s.frontier.alternatives,
                        settings,
                    )
                )
            for aid, sols in zip(ok, map_tasks(_alternatives_task, alt_args, pool), strict=True):
                top_primary = ends[aid].top.primary  # type: ignore[union-attr]
                for sol in sols:
                    gap = 100.0 * (top_primary - sol.primary) / top_primary if top_primary else 0
                    add(aid, PackageKind.ALTERNATIVE, budget, sol, gap=gap)
        report(3, "alternatives done")
        timings["packages_s"] = time.perf_counter() - t0

        all_prices: list[ConstraintPrice] = []
        if prices:
            t1 = time.perf_counter()
            tops = {
                aid: [p for p in by_aid[aid] if p.kind is PackageKind.FRONTIER][-1] for aid in ok
            }
            tasks = [
                (instance, aid, top, fam, label, relax, settings)
                for aid, top in tops.items()
                for fam, label, relax in _price_families(instance, aid)
            ]
            first = [p for p in map_tasks(_price_task, tasks, pool) if p is not None]
            report(4, "constraint prices done")
            # If lifting every refusal together buys nothing, no single refusal can: skip them.
            single = [
                (
                    instance,
                    p.archetype,
                    tops[p.archetype],
                    "refusal",
                    f"{instance.data.members[mid].name}'s refusal",
                    Relax(refusals=frozenset({mid})),
                    settings,
                )
                for p in first
                if p.family == "refusals" and not p.is_free
                for mid in _refusing_members(instance, p.archetype)
            ]
            second = [p for p in map_tasks(_price_task, single, pool) if p is not None]
            for p in first:
                all_prices.append(p)
                if p.family != "refusals":
                    continue
                if p.is_free:
                    all_prices += [
                        replace(
                            p,
                            family="refusal",
                            label=f"{instance.data.members[mid].name}'s refusal",
                        )
                        for mid in _refusing_members(instance, p.archetype)
                    ]
                else:
                    all_prices += [q for q in second if q.archetype == p.archetype]
            timings["prices_s"] = time.perf_counter() - t1
            report(5, "refusal prices done")

    outcomes = []
    for aid in aids:
        o = ends[aid].outcome
        if aid in by_aid:
            pkgs = by_aid[aid]
            status = (
                SolveStatus.FEASIBLE
                if any(p.status is SolveStatus.FEASIBLE for p in pkgs)
                else SolveStatus.OPTIMAL
            )
            o = replace(o, status=status, message=f"{len(pkgs)} packages")
        outcomes.append(o)
    marked = mark_dominated([p for aid in ok for p in by_aid[aid]])
    return PackageSet(
        packages=marked,
        outcomes=tuple(outcomes),
        prices=tuple(all_prices),
        timings=timings,
        solve_times={p.package_id: p.solve_time_s for p in marked},
    )


# --- tables ------------------------------------------------------------------------------------


def packages_frame(pset: PackageSet) -> pd.DataFrame:
    """One row a package: id, archetype, budget level, status, cost, troops, nations, criteria."""
    rows = []
    for p in pset.packages:
        rows.append(
            {
                "package_id": p.package_id,
                "archetype": p.archetype,
                "kind": p.kind.value,
                "budget_level_eur_bn": p.budget_level_eur_bn,
                "status": p.status.value,
                "annual_cost_eur_bn": p.criteria["annual_cost_eur_bn"],
                "troops_deployed": p.troops_deployed,
                "nations": p.nations,
                **{
                    c.criterion_id: p.criteria[c.criterion_id]
                    for c in CRITERIA
                    if c.criterion_id not in ("annual_cost_eur_bn", "nations")
                },
                "primary_measure": p.primary.value,
                "objective": p.objective,
                "dominated": p.dominated,
                "gap_to_best_pct": p.gap_to_best_pct,
                "binding": "; ".join(p.binding),
                "note": p.note,
            }
        )
    return round_floats(pd.DataFrame(rows, columns=_PACKAGE_COLUMNS))


_PACKAGE_COLUMNS = [
    "package_id",
    "archetype",
    "kind",
    "budget_level_eur_bn",
    "status",
    "annual_cost_eur_bn",
    "troops_deployed",
    "nations",
    *[c.criterion_id for c in CRITERIA if c.criterion_id not in ("annual_cost_eur_bn", "nations")],
    "primary_measure",
    "objective",
    "dominated",
    "gap_to_best_pct",
    "binding",
    "note",
]


def allocations_frame(instance: Instance, pset: PackageSet) -> pd.DataFrame:
    """Tidy: package, member, element, units, troops, cost."""
    rows = []
    for p in pset.packages:
        for a in p.allocation:
            e = instance.data.elements[a.element_id]
            rows.append(
                {
                    "package_id": p.package_id,
                    "member_id": a.member_id,
                    "element_id": a.element_id,
                    "units": a.units,
                    "troops": a.units * e.troops_per_unit,
                    "cost_eur_m": a.units * e.cost_eur_m,
                }
            )
    return round_floats(
        pd.DataFrame(
            rows, columns=["package_id", "member_id", "element_id", "units", "troops", "cost_eur_m"]
        )
    )


def infeasible_frame(pset: PackageSet) -> pd.DataFrame:
    """One row per shortfall of each archetype that could not be met."""
    rows: list[dict[str, object]] = []
    for o in pset.outcomes:
        if o.status.has_solution:
            continue
        if not o.shortfalls:
            rows.append(
                {
                    "archetype": o.archetype,
                    "status": o.status.value,
                    "requirement": "",
                    "required": None,
                    "achieved": None,
                    "unit": "",
                    "message": o.message,
                }
            )
        for sf in o.shortfalls:
            rows.append(
                {
                    "archetype": o.archetype,
                    "status": o.status.value,
                    "requirement": sf.requirement,
                    "required": sf.required,
                    "achieved": sf.achieved,
                    "unit": sf.unit,
                    "message": f"{o.name} {sf.message}"
                    if sf.requirement == "budget"
                    else sf.message,
                }
            )
    return round_floats(
        pd.DataFrame(
            rows,
            columns=[
                "archetype",
                "status",
                "requirement",
                "required",
                "achieved",
                "unit",
                "message",
            ],
        )
    )


def prices_frame(pset: PackageSet) -> pd.DataFrame:
    """The price of each constraint family, per archetype."""
    rows = [
        {
            "archetype": c.archetype,
            "family": c.family,
            "constraint": c.label,
            "measure": c.measure.value,
            "base": c.base,
            "relaxed": c.relaxed,
            "gain_pct": c.gain_pct,
            "base_cost_eur_bn": c.base_cost_eur_bn,
            "relaxed_cost_eur_bn": c.relaxed_cost_eur_bn,
            "saving_eur_bn": c.saving_eur_bn,
            "message": c.message,
        }
        for c in pset.prices
    ]
    return round_floats(
        pd.DataFrame(
            rows,
            columns=[
                "archetype",
                "family",
                "constraint",
                "measure",
                "base",
                "relaxed",
                "gain_pct",
                "base_cost_eur_bn",
                "relaxed_cost_eur_bn",
                "saving_eur_bn",
                "message",
            ],
        )
    )


def round_floats(df: pd.DataFrame, digits: int = 6) -> pd.DataFrame:
    """Round floats so files are stable across platforms (last-bit noise never shows)."""
    floats = df.select_dtypes(include="float").columns
    df[floats] = df[floats].round(digits)
    return df
