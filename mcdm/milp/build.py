"""Build the force-mix integer program in PuLP (no solving here; see solve.py).

One :class:`ForceMixModel` per archetype: integer units ``x[m,e]``, participation binaries, and
every constraint of data/MODEL.md registered under a family and a label, so that binding
constraints and the price of each family can be reported in the user's terms. PuLP names are
built from integer indices only (PuLP rewrites characters such as ``-`` and spaces).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pulp

from ..criteria import burden_base, nation_bonus
from ..model import (
    US_MEMBER_ID,
    Archetype,
    Category,
    Element,
    Instance,
    Location,
    Measure,
)

__all__ = ["ENABLER_WEIGHT", "ForceMixModel", "Relax", "Requirement", "Row", "build_model"]

#: How much more an elastic model penalises a relative shortfall of an enabler ratio (units per
#: 1,000 combat troops) than one of troops, capabilities or nations.
ENABLER_WEIGHT = 100.0


@dataclass(frozen=True)
class Relax:
    """Constraint families to switch off, for pricing them ("what does this rule cost?").

    ``refusals`` lists members whose refusal to station troops in Ukraine is lifted.
    """

    refusals: frozenset[str] = frozenset()
    money_caps: bool = False
    troop_pools: bool = False
    burden_sharing: bool = False
    lead_nations: bool = False
    rules: frozenset[int] = frozenset()


@dataclass
class Row:
    """A registered constraint: its family (what the user calls it), label and PuLP row."""

    family: str
    label: str
    constraint: pulp.LpConstraint
    step: float = 0.0  # smallest positive coefficient: below this slack no further unit fits
    member: str | None = None  # the member a per-member row is about


@dataclass
class Requirement:
    """An elastic requirement: its slack variable and how to phrase a shortfall."""

    key: str
    label: str
    required: float
    unit: str
    slack: pulp.LpVariable
    scale: float
    achieved: pulp.LpAffineExpression | pulp.LpVariable
    # How a shortfall of a requirement that the members' supply limits is worded; "{best}" is
    # replaced by the most that can be had (solved for, see milp.solve.diagnose).
    supply_text: str = ""
    # For ratio requirements (expr = have - need >= 0): what is had and what is needed, in the
    # requirement's own unit, so that a shortfall reads "needs 12 units, has 9".
    have: pulp.LpAffineExpression | None = None
    needed: pulp.LpAffineExpression | None = None


@dataclass
class ForceMixModel:
    """The PuLP problem for one archetype, with handles on its variables and rows."""

    instance: Instance
    archetype: Archetype
    prob: pulp.LpProblem
    pairs: list[tuple[str, str]]
    x: dict[tuple[str, str], pulp.LpVariable]
    y: dict[str, pulp.LpVariable]
    z: dict[str, pulp.LpVariable]
    total_cost: pulp.LpVariable
    budget_row: pulp.LpConstraint | None
    measures: dict[Measure, pulp.LpAffineExpression]
    troops: pulp.LpAffineExpression
    rows: list[Row] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    elastic: bool = False
    support: dict[tuple[str, str], pulp.LpVariable] = field(default_factory=dict)
    cuts: int = 0
    early_warning_km: pulp.LpAffineExpression | None = None
    floors: dict[Measure, pulp.LpConstraint] = field(default_factory=dict)
    troop_row: pulp.LpConstraint | None = None
    max_troops: float = 0.0
    keep_rows: dict[str, pulp.LpConstraint] = field(default_factory=dict)  # see solve.diagnose

    def measure_value(self, measure: Measure) -> float:
        """A measure's value in the current solution, read from the units themselves.

        Early warning is min(line, km watched): the coverage variable only bounds it, and a
        cost-minimising solve may leave it below what the units actually watch.
        """
        if measure is Measure.EARLY_WARNING_KM and self.early_warning_km is not None:
            line = self.instance.scenario.line_length_km
            return min(line, float(pulp.value(self.early_warning_km) or 0.0))
        return float(pulp.value(self.measures[measure]) or 0.0)

    def set_budget(self, budget_eur_m: float) -> None:
        """Change the budget level (the epsilon of the budget frontier)."""
        assert self.budget_row is not None
        self.budget_row.constant = -float(budget_eur_m)

    def set_floor(self, measure: Measure, value: float | None) -> None:
        """Require ``measure >= value`` (None: no floor). Used for tie-breaks and targets.

        The row exists from the start (every measure is >= 0, so a floor of 0 is no floor);
        changing its right-hand side avoids adding and removing rows between solves.
        """
        row = self.floors.get(measure)
        if row is None:
            row = self.measures[measure] >= 0
            self.prob.addConstraint(row, f"floor_{list(Measure).index(measure)}")
            self.floors[measure] = row
        row.constant = -float(value) if value is not None else 0.0

    def set_troop_cap(self, troops: int | None) -> None:
        """Cap total troops (the epsilon of a troop frontier); None removes the cap."""
        if self.troop_row is None:
            self.troop_row = self.troops <= self.max_troops
            self.prob.addConstraint(self.troop_row, "troop_level")
        self.troop_row.constant = -float(self.max_troops if troops is None else troops)

    def add_support_binaries(self) -> None:
        """Indicators u[m,e] = 1 iff x[m,e] >= 1, needed for no-good cuts."""
        if self.support:
            return
        for k, (mid, eid) in enumerate(self.pairs):
            u = self.prob.add_variable(f"u_{k}", cat=pulp.LpBinary)
            ub = self.x[(mid, eid)].upBound or 0
            self.prob += self.x[(mid, eid)] <= ub * u, f"su_{k}"
            self.prob += u <= self.x[(mid, eid)], f"sl_{k}"
            self.support[(mid, eid)] = u

    def add_nogood(self, support: Iterable[tuple[str, str]], min_distance: int = 1) -> None:
        """Exclude mixes whose member-element support differs from ``support`` in fewer pairs
        than ``min_distance``."""
        self.add_support_binaries()
        chosen = set(support)
        expr = pulp.lpSum((1 - u) if pair in chosen else u for pair, u in self.support.items())
        self.prob += expr >= min_distance, f"nogood_{self.cuts}"
        self.cuts += 1


def _allowed(instance: Instance, a: Archetype, mid: str, e: Element, relax: Relax) -> bool:
    m = instance.data.members[mid]
    if e.location not in a.allowed_locations or e.category not in a.allowed_categories:
        return False
    if mid == US_MEMBER_ID:
        b = instance.backstop
        return e.category in b.us_categories and e.location in b.us_locations
    if e.location is Location.IN_UKRAINE and not m.ground_in_ukraine:
        return mid in relax.refusals
    return not (e.location is Location.OUTSIDE_UKRAINE and not m.outside_ukraine)


def _upper_bound(instance: Instance, pair: tuple[str, str], relax: Relax) -> int:
    """Units of a pair that fit the member's availability, troop cap and money cap on their own.

    Tight bounds make the linking constraints (x <= ub * y) and the LP relaxation much
    stronger than the raw availability would; they cut off nothing feasible.
    """
    m = instance.data.members[pair[0]]
    e = instance.data.elements[pair[1]]
    bound = instance.data.availability[pair]
    if not relax.troop_pools and e.troops_per_unit > 0:
        bound = min(bound, m.deployed_cap(instance.scenario.rotation_factor) // e.troops_per_unit)
    if not relax.money_caps and e.cost_eur_m > 0:
        bound = min(bound, int(m.max_contribution_eur_m / e.cost_eur_m + 1e-9))
    return max(0, int(bound))


def build_model(
    instance: Instance,
    archetype_id: str,
    relax: Relax = Relax(),
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
        Constraint families to switch off (for the price of each constraint).
    elastic
        Give every requirement a penalised slack, to explain infeasibility.
    budget_eur_m
        Budget level; defaults to the scenario budget.
    """
    data = instance.data
    s = instance.scenario
    a = data.archetypes[archetype_id]
    budget = s.budget_eur_bn * 1000.0 if budget_eur_m is None else budget_eur_m
    sense = pulp.LpMinimize if elastic else pulp.LpMaximize
    prob = pulp.LpProblem(f"mix_{list(data.archetypes).index(archetype_id)}", sense)

    el = data.elements
    ub = {
        p: _upper_bound(instance, p, relax)
        for p, n in sorted(data.availability.items())
        if n > 0 and _allowed(instance, a, p[0], el[p[1]], relax)
    }
    pairs = [p for p, u in ub.items() if u > 0]
    x = {p: prob.add_variable(f"x_{k}", 0, ub[p], cat=pulp.LpInteger) for k, p in enumerate(pairs)}
    by_member: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in pairs:
        by_member[p[0]].append(p)
    members = list(by_member)
    midx = {mid: i for i, mid in enumerate(data.members)}
    y = {mid: prob.add_variable(f"y_{midx[mid]}", cat=pulp.LpBinary) for mid in members}
    # A member is "in Ukraine" when it has people there (as the criteria count it): units based
    # in Ukraine with troops; a sensor segment without staff is no presence.
    in_ua = {
        mid: [
            p
            for p in ps
            if el[p[1]].location is Location.IN_UKRAINE and el[p[1]].troops_per_unit > 0
        ]
        for mid, ps in by_member.items()
    }
    z = {
        mid: prob.add_variable(f"z_{midx[mid]}", cat=pulp.LpBinary)
        for mid, ps in in_ua.items()
        if ps
    }

    def lin(pairs_: Iterable[tuple[str, str]], coef) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(x[p], coef(el[p[1]])) for p in pairs_ if coef(el[p[1]])])

    cost_m = {mid: lin(ps, lambda e: e.cost_eur_m) for mid, ps in by_member.items()}
    troops_m = {mid: lin(ps, lambda e: e.troops_per_unit) for mid, ps in by_member.items()}
    total_cost = prob.add_variable("total_cost", 0)
    prob += total_cost == pulp.lpSum(cost_m.values()), "def_cost"
    troops = lin(pairs, lambda e: e.troops_per_unit)
    troops_ua = lin([p for ps in in_ua.values() for p in ps], lambda e: e.troops_per_unit)
    combat_troops = lin([p for p in pairs if el[p[1]].combat], lambda e: e.troops_per_unit)

    model = ForceMixModel(
        instance=instance,
        archetype=a,
        prob=prob,
        pairs=pairs,
        x=x,
        y=y,
        z=z,
        total_cost=total_cost,
        budget_row=None,
        measures={},
        troops=troops,
        elastic=elastic,
    )

    def row(
        family: str,
        label: str,
        constraint: pulp.LpConstraint,
        name: str,
        member: str | None = None,
    ) -> None:
        prob.addConstraint(constraint, name)
        steps = [abs(v) for v in constraint.values() if abs(v) > 1e-9]
        model.rows.append(Row(family, label, constraint, min(steps) if steps else 0.0, member))

    def need(
        key: str,
        label: str,
        expr,
        required: float,
        unit: str,
        sense_: str = ">=",
        supply_text: str = "",
        parts: tuple[pulp.LpAffineExpression, pulp.LpAffineExpression] | None = None,
        size: float | None = None,
    ) -> None:
        """A requirement; elastic models give it a slack penalised per unit of shortfall
        relative to the requirement's size (``size``, for ratios whose right-hand side is 0)."""
        name = f"req_{len(model.requirements) + len(model.rows)}"
        if elastic:
            slack = prob.add_variable(f"s_{len(model.requirements)}", 0)
            scale = max(1.0, abs(required) if size is None else size)
            if key.startswith("enablers."):
                # An enabler ratio is short only if no mix can avoid it: its shortfall weighs
                # far more than the same relative shortfall of troops, capabilities or nations,
                # so it is not reported where adding enablers (or fewer combat troops) would do.
                scale /= ENABLER_WEIGHT
            c = expr + slack >= required if sense_ == ">=" else expr - slack <= required
            prob.addConstraint(c, name)
            have, needed = parts if parts is not None else (None, None)
            model.requirements.append(
                Requirement(
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
        else:
            c = expr >= required if sense_ == ">=" else expr <= required
            row("requirement", label, c, name)

    # --- linking: participation and presence in Ukraine ----------------------------------------
    index = {p: k for k, p in enumerate(pairs)}
    for mid, ps in by_member.items():
        for p in ps:
            prob += x[p] <= ub[p] * y[mid], f"ly_{index[p]}"
        prob += y[mid] <= pulp.lpSum(x[p] for p in ps), f"lyl_{midx[mid]}"
    for mid, ps in in_ua.items():
        if not ps:
            continue
        for p in ps:
            prob += x[p] <= ub[p] * z[mid], f"lz_{index[p]}"
        prob += z[mid] <= pulp.lpSum(x[p] for p in ps), f"lzl_{midx[mid]}"

    # --- budget ---------------------------------------------------------------------------------
    if elastic:
        slack = prob.add_variable("s_budget", 0)
        budget_row = total_cost - slack <= budget
        prob.addConstraint(budget_row, "budget")
        model.requirements.append(
            Requirement(
                "budget", "the budget", budget, "EUR m", slack, max(1.0, budget), total_cost
            )
        )
    else:
        budget_row = total_cost <= budget
        prob.addConstraint(budget_row, "budget")
        cheapest = min((el[p[1]].cost_eur_m for p in pairs if el[p[1]].cost_eur_m > 0), default=0.0)
        model.rows.append(Row("budget", "budget", budget_row, cheapest))
    model.budget_row = budget_row

    # --- member caps ----------------------------------------------------------------------------
    rot = s.rotation_factor
    for mid in by_member:
        m = data.members[mid]
        if not relax.troop_pools and troops_m[mid].keys():
            row(
                "troop_pools",
                f"troop pool {mid}",
                rot * troops_m[mid] <= m.troop_pool,
                f"pool_{midx[mid]}",
            )
            if m.max_troops_deployed is not None:
                row(
                    "troop_pools",
                    f"deployed cap {mid}",
                    troops_m[mid] <= m.max_troops_deployed,
                    f"dcap_{midx[mid]}",
                )
        if not relax.money_caps and cost_m[mid].keys():
            row(
                "money_caps",
                f"money cap {mid}",
                cost_m[mid] <= m.max_contribution_eur_m,
                f"money_{midx[mid]}",
            )

    # --- archetype requirements -----------------------------------------------------------------
    name = a.name
    if a.troops_min > 0:
        need(
            "troops_min",
            f"{name} needs at least {a.troops_min:,} troops",
            troops,
            a.troops_min,
            "troops",
        )
    if a.troops_max is not None:
        row("requirement", f"at most {a.troops_max:,} troops", troops <= a.troops_max, "tmax")
    if a.troops_in_ukraine_max is not None:
        row(
            "requirement",
            f"at most {a.troops_in_ukraine_max:,} troops in Ukraine",
            troops_ua <= a.troops_in_ukraine_max,
            "tuamax",
        )
    for cat, n in a.required.items():
        if n <= 0:
            continue
        cat_pairs = [p for p in pairs if el[p[1]].category is Category(cat)]
        need(
            f"required.{cat}",
            f"{name} needs at least {n} {_cat_label(cat)} units",
            pulp.lpSum(x[p] for p in cat_pairs),
            n,
            "units",
            supply_text="members willing and able field at most {best}",
        )
    if a.min_coverage > 0:
        km = a.min_coverage * s.line_length_km
        need(
            "min_coverage",
            f"{name} needs {a.min_coverage:.0%} of the {s.line_length_km:,.0f} km line watched",
            lin(pairs, lambda e: e.early_warning_km),
            km,
            "km",
        )
    if a.min_nations > 0:
        need(
            "min_nations",
            f"{name} needs at least {a.min_nations} contributing nations",
            pulp.lpSum(y.values()),
            a.min_nations,
            "nations",
            supply_text="only {best} members are willing and able to send units "
            "this package allows",
        )
    if a.min_nations_in_ukraine > 0:
        need(
            "min_nations_in_ukraine",
            f"{name} needs at least {a.min_nations_in_ukraine} nations with troops in Ukraine",
            pulp.lpSum(z.values()),
            a.min_nations_in_ukraine,
            "nations",
            supply_text="only {best} members are willing to station troops in Ukraine",
        )
    for kind, ratio in a.enablers.items():
        if ratio <= 0:
            continue
        kind_pairs = [p for p in pairs if el[p[1]].category is Category(kind)]
        have = pulp.lpSum(x[p] for p in kind_pairs)
        needed = ratio / 1000.0 * combat_troops
        need(
            f"enablers.{kind}",
            f"{name} needs {ratio:g} {_cat_label(kind)} units per 1,000 combat troops",
            have - needed,
            0.0,
            "units",
            parts=(have, needed),
            size=ratio * max(a.troops_min, 1000) / 1000.0,
        )

    # --- burden-sharing band (exact: cost share / GDP share among contributors within band) ----
    bs = s.burden_sharing
    if bs is not None and not relax.burden_sharing:
        base = [mid for mid in burden_base(instance) if mid in by_member]
        if base:
            band = bs.band
            gdp = {mid: data.members[mid].gdp_usd_bn for mid in base}
            # r (EUR m per USD bn of GDP) = contributors' cost / contributors' GDP. A contributor
            # pays at least (1 - band) * r * its GDP, so r <= its own cost ceiling over that:
            # tight per-member bounds keep the big-M rows below strong.
            cost_cap = {
                mid: sum(ub[p] * el[p[1]].cost_eur_m for p in by_member[mid]) for mid in base
            }
            if not relax.money_caps:
                cost_cap = {
                    mid: min(c, data.members[mid].max_contribution_eur_m)
                    for mid, c in cost_cap.items()
                }
            # (an elastic model may exceed the budget, so only the member's own ceiling counts)
            ceiling = {
                mid: cost_cap[mid] if elastic else min(budget, cost_cap[mid]) for mid in base
            }
            cap_r = {mid: ceiling[mid] / ((1 - band) * gdp[mid]) for mid in base}
            big_r = max(cap_r.values()) * 1.0001 + 1e-9
            r = prob.add_variable("effort_rate", 0, big_r)
            ry = {mid: prob.add_variable(f"ry_{midx[mid]}", 0, big_r) for mid in base}
            for mid in base:
                i = midx[mid]
                prob += ry[mid] <= cap_r[mid] * 1.0001 * y[mid], f"bry1_{i}"
                prob += ry[mid] <= r, f"bry2_{i}"
                prob += ry[mid] >= r - big_r * (1 - y[mid]), f"bry3_{i}"
                row(
                    "burden_sharing",
                    f"burden band {mid} (pays the most its GDP share allows)",
                    cost_m[mid] <= (1 + band) * gdp[mid] * ry[mid],
                    f"bup_{i}",
                    member=mid,
                )
                row(
                    "burden_sharing",
                    f"burden band {mid} (pays the least its GDP share allows)",
                    cost_m[mid] >= (1 - band) * gdp[mid] * ry[mid],
                    f"blo_{i}",
                    member=mid,
                )
            prob += (
                (
                    pulp.lpSum(cost_m[mid] for mid in base)
                    == pulp.lpSum(gdp[mid] * ry[mid] for mid in base)
                ),
                "bdef",
            )

    # --- lead nations ---------------------------------------------------------------------------
    ln = s.lead_nations
    if ln is not None and not relax.lead_nations and ln.min_troop_share > 0:
        lead = pulp.lpSum(troops_m[mid] for mid in ln.members if mid in troops_m)
        label = (
            f"lead nations ({', '.join(ln.members)}) field at least "
            f"{ln.min_troop_share:.0%} of the troops"
        )
        need(
            "lead_nations",
            label,
            lead - ln.min_troop_share * troops,
            0.0,
            "troops",
            parts=(lead, ln.min_troop_share * troops),
            size=ln.min_troop_share * max(a.troops_min, 1000),
        )

    # --- user rules -----------------------------------------------------------------------------
    for i, rule in enumerate(s.rules):
        if i in relax.rules or (rule.archetypes and archetype_id not in rule.archetypes):
            continue
        sel = [
            p
            for p in pairs
            if (not rule.members or p[0] in rule.members)
            and (
                (not rule.elements and not rule.categories)
                or p[1] in rule.elements
                or el[p[1]].category in rule.categories
            )
        ]
        if rule.measure == "nations":
            expr = _nations_indicator(prob, x, sel, ub, i)
        else:
            coef = {
                "units": lambda e: 1.0,
                "troops": lambda e: e.troops_per_unit,
                "cost_eur_m": lambda e: e.cost_eur_m,
            }[rule.measure]
            expr = lin(sel, coef)
        label = f"rule '{rule.name}' ({rule.measure} {rule.sense} {rule.value:g})"
        if rule.sense in (">=", "=="):
            need(f"rule.{i}", label, expr, rule.value, rule.measure)
        if rule.sense in ("<=", "=="):
            row("rule", label, expr <= rule.value, f"rule_le_{i}")

    # --- measures (objectives) ------------------------------------------------------------------
    bonus = pulp.lpSum(nation_bonus(instance, mid) * zv for mid, zv in z.items())
    mult = instance.backstop.deterrence_multiplier
    model.measures[Measure.DETERRENCE] = mult * (lin(pairs, lambda e: e.deterrence) + bonus)
    model.measures[Measure.AIR_DEFENCE_K_KM2] = lin(pairs, lambda e: e.air_defence_k_km2)
    ew = lin(pairs, lambda e: e.early_warning_km)
    cov = prob.add_variable("coverage_km", 0, s.line_length_km)
    prob += cov <= ew, "def_cov"
    model.measures[Measure.EARLY_WARNING_KM] = pulp.LpAffineExpression([(cov, 1.0)])
    model.early_warning_km = ew
    model.max_troops = float(sum(ub[p] * el[p[1]].troops_per_unit for p in pairs))

    if elastic:
        penalty = pulp.lpSum(req.slack * (1.0 / req.scale) for req in model.requirements)
        # A tiny pull towards cheaper mixes keeps the diagnosis stable between runs.
        prob.setObjective(penalty + 1e-7 * total_cost)
    else:
        prob.setObjective(model.measures[a.primary])
    return model


def _nations_indicator(
    prob: pulp.LpProblem,
    x: Mapping,
    sel: list[tuple[str, str]],
    avail: Mapping[tuple[str, str], int],
    rule_index: int,
) -> pulp.LpAffineExpression:
    """Sum of binaries v[m] = 1 iff member m has a unit in the selection."""
    by_m: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for p in sel:
        by_m[p[0]].append(p)
    vs = []
    for j, (_mid, ps) in enumerate(by_m.items()):
        v = prob.add_variable(f"v_{rule_index}_{j}", cat=pulp.LpBinary)
        for k, p in enumerate(ps):
            prob += x[p] <= avail[p] * v, f"lv_{rule_index}_{j}_{k}"
        prob += v <= pulp.lpSum(x[p] for p in ps), f"lvl_{rule_index}_{j}"
        vs.append(v)
    return pulp.lpSum(vs)


def _cat_label(cat: str) -> str:
    return str(cat).replace("_", " ")
