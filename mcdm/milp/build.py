"""Build the force-mix integer program in PuLP (no solving here; see solve.py).

One :class:`ForceMixModel` per archetype: integer units ``x[m,e]``, participation binaries, the
rows of every constraint family in :data:`~mcdm.milp.families.REGISTRY` (each registered under
its family and a label, so that binding constraints and prices are reported in the user's
terms), and the measures an objective can use. PuLP names are built from integer indices only
(PuLP rewrites characters such as ``-`` and spaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pulp

from ..criteria import deterrence_components, early_warning_pct
from ..model import Archetype, Element, Instance, Location, Measure
from ..results import Allocation
from . import families
from .family import ConstraintFamily, Family, Relax
from .measures import MEASURES
from .supply import budgeted_cost

__all__ = ["BuildContext", "ForceMixModel", "Requirement", "Row", "build_model", "pairs_and_bounds"]

Pair = tuple[str, str]
#: Every constraint in force.
NO_RELAX = Relax()


@dataclass
class Row:
    """A registered constraint: its family, label and PuLP row.

    ``step`` is the smallest positive coefficient (below that much slack no further unit fits);
    ``member`` the member a per-member row is about; rows of one ``group`` (the two bounds of a
    member's burden band) are reported once, with the group's label when all of them bind.
    """

    family: ConstraintFamily
    label: str
    constraint: pulp.LpConstraint
    step: float = 0.0
    member: str | None = None
    group: tuple[str, str] | None = None
    unit_room: bool = False


@dataclass
class Requirement:
    """An elastic requirement: its slack variable and how to phrase a shortfall."""

    family: ConstraintFamily
    key: str
    label: str
    required: float
    unit: str
    slack: pulp.LpVariable
    scale: float
    achieved: pulp.LpAffineExpression | pulp.LpVariable
    # How a shortfall that the members' supply limits is worded; "{best}" is replaced by the
    # most that can be had (solved for, see milp.solve.diagnose).
    supply_text: str = ""
    # For ratio requirements (expr = have - need >= 0): what is had and what is needed, in the
    # requirement's own unit, so that a shortfall reads "needs 12 units, has 9".
    have: pulp.LpAffineExpression | None = None
    needed: pulp.LpAffineExpression | None = None


@dataclass
class ForceMixModel:
    """The PuLP problem for one archetype, with handles on its variables, rows and measures.

    Solving (objective, floors, troop caps) is done by :mod:`mcdm.milp.solve`, which leaves
    the model as it found it; only no-good cuts (:meth:`add_nogood`) change it for good.
    """

    instance: Instance
    archetype: Archetype
    prob: pulp.LpProblem
    pairs: list[Pair]
    x: dict[Pair, pulp.LpVariable]
    y: dict[str, pulp.LpVariable]
    z: dict[str, pulp.LpVariable]
    total_cost: pulp.LpVariable  # what the budget counts (a year, or over the horizon)
    troops: pulp.LpAffineExpression
    elastic: bool = False
    budget_row: pulp.LpConstraint | None = None
    measures: dict[Measure, pulp.LpAffineExpression] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    support: dict[Pair, pulp.LpVariable] = field(default_factory=dict)
    cuts: int = 0
    # deterrence's parts as variables: the denial points (bounded by the concave function's
    # segments) and the tripwire binaries k[m] (1 only with the minimum armed presence)
    denial: pulp.LpVariable | None = None
    tripwire: dict[str, pulp.LpVariable] = field(default_factory=dict)
    elastic_objective: pulp.LpAffineExpression | None = None
    max_troops: float = 0.0
    # rows that solve.py switches on and off between solves (floors, troop cap, kept slacks)
    switches: dict[str, pulp.LpConstraint] = field(default_factory=dict)

    def measure_value(self, measure: Measure) -> float:
        """A measure's value in the current solution, read from the units themselves.

        Early warning and deterrence are read from the units: their variables only bound
        them, and a cost-minimising solve may leave them below what the units actually give.
        """
        if measure is Measure.EARLY_WARNING_KM:
            line = self.instance.scenario.line_length_km
            return line * early_warning_pct(self.instance, self.allocation()) / 100.0
        if measure is Measure.DETERRENCE:
            return sum(deterrence_components(self.instance, self.allocation()).values())
        return float(pulp.value(self.measures[measure]) or 0.0)

    def allocation(self) -> list[Allocation]:
        """The units of the current solution (rounded: the solver's integers carry noise)."""
        out = []
        for (mid, eid), v in self.x.items():
            n = round(pulp.value(v) or 0.0)
            if n > 0:
                out.append(Allocation(mid, eid, n))
        return out

    def requirement(self, key: str) -> Requirement:
        return next(r for r in self.requirements if r.key == key)

    def add_nogood(self, support: Iterable[Pair], min_distance: int = 1) -> None:
        """Exclude mixes whose member-element support differs from ``support`` in fewer pairs
        than ``min_distance``."""
        if not self.support:  # indicators u[m,e] = 1 iff x[m,e] >= 1
            for k, pair in enumerate(self.pairs):
                u = self.prob.add_variable(f"u_{k}", cat=pulp.LpBinary)
                ub = self.x[pair].upBound or 0
                self.prob += self.x[pair] <= ub * u, f"su_{k}"
                self.prob += u <= self.x[pair], f"sl_{k}"
                self.support[pair] = u
        chosen = set(support)
        expr = pulp.lpSum((1 - u) if pair in chosen else u for pair, u in self.support.items())
        self.prob += expr >= min_distance, f"nogood_{self.cuts}"
        self.cuts += 1


@dataclass
class BuildContext:
    """What a family's builder sees while a model is built: the scenario, the variables, the
    usual sums, and ``row``/``need`` to add what the family requires."""

    instance: Instance
    archetype: Archetype
    relax: Relax
    elastic: bool
    budget_eur_m: float
    prob: pulp.LpProblem
    ub: dict[Pair, int]
    pairs: list[Pair]
    x: dict[Pair, pulp.LpVariable]
    y: dict[str, pulp.LpVariable]
    z: dict[str, pulp.LpVariable]
    by_member: dict[str, list[Pair]]
    midx: dict[str, int]
    total_cost: pulp.LpVariable
    cost_m: dict[str, pulp.LpAffineExpression]
    troops_m: dict[str, pulp.LpAffineExpression]
    troops: pulp.LpAffineExpression
    troops_ua: pulp.LpAffineExpression
    model: ForceMixModel
    # rows wait here and enter the problem sorted by (section, member, order, arrival)
    pending: list[tuple[tuple[int, int, int, int], str, pulp.LpConstraint]] = field(
        default_factory=list
    )

    def element(self, pair: Pair) -> Element:
        return self.instance.data.elements[pair[1]]

    def lin(
        self, pairs: Iterable[Pair], coef: Callable[[Element], float]
    ) -> pulp.LpAffineExpression:
        """Sum of ``coef(element) * x`` over the pairs (zero coefficients left out)."""
        els = self.instance.data.elements
        return pulp.LpAffineExpression(
            [(self.x[p], coef(els[p[1]])) for p in pairs if coef(els[p[1]])]
        )

    def aux_row(
        self,
        fam: Family,
        constraint: pulp.LpConstraint,
        name: str,
        member: str | None = None,
        order: int = 0,
    ) -> None:
        """A row that is part of a family's formulation but not reported on its own."""
        pos = list(self.by_member).index(member) if fam.by_member and member else 0
        self.pending.append(((fam.section, pos, order, len(self.pending)), name, constraint))

    def row(
        self,
        fam: Family,
        label: str,
        constraint: pulp.LpConstraint,
        name: str,
        member: str | None = None,
        *,
        order: int = 0,
        step: float | None = None,
        group: tuple[str, str] | None = None,
    ) -> None:
        """A constraint people can be told about (binding report, prices)."""
        self.aux_row(fam, constraint, name, member, order)
        if step is None:
            steps = [abs(v) for v in constraint.values() if abs(v) > 1e-9]
            step = min(steps) if steps else 0.0
        self.model.rows.append(
            Row(fam.family, label, constraint, step, member, group, fam.unit_room)
        )

    def add_requirement(
        self,
        key: str,
        label: str,
        required: float,
        unit: str,
        slack: pulp.LpVariable,
        achieved: pulp.LpAffineExpression | pulp.LpVariable,
        family: ConstraintFamily = ConstraintFamily.BUDGET,
    ) -> None:
        """Register an elastic requirement whose row the family added itself (the budget)."""
        scale = max(1.0, abs(required))
        self.model.requirements.append(
            Requirement(family, key, label, required, unit, slack, scale, achieved)
        )

    def need(
        self,
        fam: Family,
        key: str,
        label: str,
        expr: pulp.LpAffineExpression,
        required: float,
        unit: str,
        *,
        supply_text: str = "",
        parts: tuple[pulp.LpAffineExpression, pulp.LpAffineExpression] | None = None,
        size: float | None = None,
        weight: float = 1.0,
    ) -> None:
        """A requirement ``expr >= required``. An elastic model gives it a slack penalised per
        unit of shortfall relative to the requirement's size (``size``, for ratios whose
        right-hand side is 0), times ``weight``."""
        name = f"req_{len(self.model.requirements) + len(self.model.rows)}"
        if not self.elastic:
            self.row(fam, label, expr >= required, name)
            return
        slack = self.prob.add_variable(f"s_{len(self.model.requirements)}", 0)
        scale = max(1.0, abs(required) if size is None else size) / weight
        self.aux_row(fam, expr + slack >= required, name)
        have, needed = parts if parts is not None else (None, None)
        self.model.requirements.append(
            Requirement(
                fam.family,
                key,
                label,
                required,
                unit,
                slack,
                scale,
                expr,
                supply_text,
                have,
                needed,
            )
        )

    def nations_indicator(
        self, fam: Family, sel: list[Pair], index: int
    ) -> pulp.LpAffineExpression:
        """Sum of binaries v[m] = 1 iff member m has a unit in the selection."""
        by_m: dict[str, list[Pair]] = defaultdict(list)
        for p in sel:
            by_m[p[0]].append(p)
        vs = []
        for j, ps in enumerate(by_m.values()):
            v = self.prob.add_variable(f"v_{index}_{j}", cat=pulp.LpBinary)
            for k, p in enumerate(ps):
                self.aux_row(fam, self.x[p] <= self.ub[p] * v, f"lv_{index}_{j}_{k}")
            self.aux_row(fam, v <= pulp.lpSum(self.x[p] for p in ps), f"lvl_{index}_{j}")
            vs.append(v)
        return pulp.lpSum(vs)


def pairs_and_bounds(instance: Instance, a: Archetype, relax: Relax) -> dict[Pair, int]:
    """Member-element pairs every family allows, with the fewest units any family allows.

    Tight bounds make the linking constraints (x <= ub * y) and the LP relaxation much
    stronger than the raw availability would; they cut off nothing feasible.
    """
    els = instance.data.elements
    out = {}
    for (mid, eid), n in sorted(instance.data.availability.items()):
        if n <= 0:
            continue
        e = els[eid]
        if not _allowed(instance, a, relax, mid, e):
            continue
        registry = families.REGISTRY
        bounds = [b for f in registry if (b := f.bound(instance, relax, mid, e)) is not None]
        out[(mid, eid)] = max(0, int(min(bounds)))
    return out


def _allowed(instance: Instance, a: Archetype, relax: Relax, mid: str, e: Element) -> bool:
    """The first family with an opinion on the pair decides (scope, US backstop, refusals)."""
    for f in families.REGISTRY:
        verdict = f.allows(instance, a, relax, mid, e)
        if verdict is not None and not verdict:
            return False
        if verdict and f.family is ConstraintFamily.US_BACKSTOP:
            return True  # the backstop option, not a refusal, governs what the US sends
    return True


def build_model(
    instance: Instance,
    archetype_id: str,
    relax: Relax = NO_RELAX,
    elastic: bool = False,
    budget_eur_m: float | None = None,
) -> ForceMixModel:
    """Build the integer program of one archetype of a scenario.

    Parameters
    ----------
    instance
        Scenario applied to its data.
    archetype_id
        Which archetype's requirements apply.
    relax
        Constraint families (or items of one) to switch off, to price them.
    elastic
        Give every requirement a penalised slack, to explain infeasibility.
    budget_eur_m
        Budget level; defaults to the scenario budget.
    """
    ctx = _variables(instance, archetype_id, relax, elastic, budget_eur_m)
    for f in families.REGISTRY:  # read at call time: a test may add a family
        f.add(ctx)
    model = ctx.model
    MEASURES.add(ctx)  # after every family's rows
    order = sorted(ctx.pending, key=lambda r: r[0])
    for _, name, constraint in order:
        ctx.prob.addConstraint(constraint, name)
    rank = {id(constraint): k for k, (_, _, constraint) in enumerate(order)}
    model.rows.sort(key=lambda r: rank[id(r.constraint)])  # reports follow the model's order
    if elastic:
        penalty = pulp.lpSum(req.slack * (1.0 / req.scale) for req in model.requirements)
        # A tiny pull towards cheaper mixes keeps the diagnosis stable between runs.
        model.elastic_objective = penalty + 1e-7 * model.total_cost
        ctx.prob.setObjective(model.elastic_objective)
    else:
        ctx.prob.setObjective(model.measures[model.archetype.primary])
    return model


def _variables(
    instance: Instance,
    archetype_id: str,
    relax: Relax,
    elastic: bool,
    budget_eur_m: float | None,
) -> BuildContext:
    """Units, participation and presence variables, their linking rows, and the usual sums."""
    data = instance.data
    a = data.archetypes[archetype_id]
    sense = pulp.LpMinimize if elastic else pulp.LpMaximize
    prob = pulp.LpProblem(f"mix_{list(data.archetypes).index(archetype_id)}", sense)
    ub = pairs_and_bounds(instance, a, relax)
    pairs = [p for p, u in ub.items() if u > 0]
    x = {p: prob.add_variable(f"x_{k}", 0, ub[p], cat=pulp.LpInteger) for k, p in enumerate(pairs)}
    by_member = _by_member(pairs)
    midx = {mid: i for i, mid in enumerate(data.members)}
    y = {mid: prob.add_variable(f"y_{midx[mid]}", cat=pulp.LpBinary) for mid in by_member}
    els = data.elements
    in_ua = _in_ukraine(els, by_member)
    z = {
        mid: prob.add_variable(f"z_{midx[mid]}", cat=pulp.LpBinary)
        for mid, ps in in_ua.items()
        if ps
    }

    def lin(ps: Iterable[Pair], coef: Callable[[Element], float]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(x[p], coef(els[p[1]])) for p in ps if coef(els[p[1]])])

    cost_m = {mid: lin(ps, lambda e: e.cost_eur_m) for mid, ps in by_member.items()}
    troops_m = {mid: lin(ps, lambda e: e.troops_per_unit) for mid, ps in by_member.items()}
    total_cost = prob.add_variable("total_cost", 0)
    troops = lin(pairs, lambda e: e.troops_per_unit)
    model = ForceMixModel(
        instance=instance,
        archetype=a,
        prob=prob,
        pairs=pairs,
        x=x,
        y=y,
        z=z,
        total_cost=total_cost,
        troops=troops,
        elastic=elastic,
        max_troops=float(sum(ub[p] * els[p[1]].troops_per_unit for p in pairs)),
    )
    s = instance.scenario
    ctx = BuildContext(
        instance=instance,
        archetype=a,
        relax=relax,
        elastic=elastic,
        budget_eur_m=s.budget_eur_bn * 1000.0 if budget_eur_m is None else budget_eur_m,
        prob=prob,
        ub=ub,
        pairs=pairs,
        x=x,
        y=y,
        z=z,
        by_member=dict(by_member),
        midx=midx,
        total_cost=total_cost,
        cost_m=cost_m,
        troops_m=troops_m,
        troops=troops,
        troops_ua=lin([p for ps in in_ua.values() for p in ps], lambda e: e.troops_per_unit),
        model=model,
    )
    _link(ctx, in_ua)
    return ctx


def _by_member(pairs: list[Pair]) -> dict[str, list[Pair]]:
    """Each member's (member, element) pairs, in the order of ``pairs``."""
    by_member: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_member[p[0]].append(p)
    return by_member


def _in_ukraine(
    els: Mapping[str, Element], by_member: Mapping[str, list[Pair]]
) -> dict[str, list[Pair]]:
    """Each member's pairs that put people in Ukraine."""
    # A member is "in Ukraine" when it has people there (as the criteria count it): units based
    # in Ukraine with troops; a sensor segment without staff is no presence.
    return {
        mid: [
            p
            for p in ps
            if els[p[1]].location is Location.IN_UKRAINE and els[p[1]].troops_per_unit > 0
        ]
        for mid, ps in by_member.items()
    }


def _link(ctx: BuildContext, in_ua: dict[str, list[Pair]]) -> None:
    """Section 0: the cost definition and the participation and presence links."""
    structure = _STRUCTURE
    ctx.aux_row(structure, ctx.total_cost == budgeted_cost(ctx), "def_cost")
    index = {p: k for k, p in enumerate(ctx.pairs)}
    x = ctx.x
    for mid, ps in ctx.by_member.items():
        for p in ps:
            ctx.aux_row(structure, x[p] <= ctx.ub[p] * ctx.y[mid], f"ly_{index[p]}")
        ctx.aux_row(structure, ctx.y[mid] <= pulp.lpSum(x[p] for p in ps), f"lyl_{ctx.midx[mid]}")
    for mid, ps in in_ua.items():
        if not ps:
            continue
        for p in ps:
            ctx.aux_row(structure, x[p] <= ctx.ub[p] * ctx.z[mid], f"lz_{index[p]}")
        ctx.aux_row(structure, ctx.z[mid] <= pulp.lpSum(x[p] for p in ps), f"lzl_{ctx.midx[mid]}")


class _Structure(Family):
    """The rows every model has (cost definition, linking): not a constraint users set."""

    family = ConstraintFamily.SCOPE
    label = "structure"
    section = 0


_STRUCTURE = _Structure()
