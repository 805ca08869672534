"""How a year's money should be split between foreign forces and Ukraine's own, answered from
the steel porcupine's budget frontier (the optimiser's own split at each budget) beside the
reassurance force, all foreign, at the same cost. Pure: no solver call in this module."""

from __future__ import annotations

from .formats import format_eur_bn, format_number
from .headline import package_name
from .model import Instance
from .packages import PackageSet
from .questions import (
    QUESTIONS_BY_ID,
    Answer,
    Figure,
    frontier,
    missing_reason,
    split_sources,
)
from .results import Package
from .tables import packages_frame

__all__ = ["PORCUPINE", "answer_ukraine_forces"]

#: The kind of package whose frontier splits the money (data/archetypes.toml).
PORCUPINE = "steel_porcupine"

_COLUMNS = {
    "annual_cost_eur_bn": ("annual cost", "EUR bn/yr"),
    "ukraine_forces_cost_eur_bn": ("to Ukraine's own forces", "EUR bn/yr"),
    "ukraine_forces_share": ("share of the cost to Ukraine's own forces", "share"),
    "deterrence": ("deterrence", "points"),
    "deterrence_denial": ("denial", "points"),
    "troops_exposed": ("troops in Ukraine", "troops"),
}


def answer_ukraine_forces(instance: Instance, pset: PackageSet) -> Answer:
    """The share of each steel-porcupine frontier package's cost that goes to Ukraine's own
    forces, the split at the budget, and the deterrence of the best reassurance force against
    the steel porcupine's at no more than its cost."""
    q = QUESTIONS_BY_ID["ukraine_forces"]
    why = missing_reason(instance, pset, PORCUPINE)
    if why is not None:
        return Answer(q.question_id, q.text, why, answered=False)
    table = packages_frame(instance, pset).set_index("package_id")

    def value(p: Package, column: str) -> float:
        return float(table.at[p.package_id, column])

    def pct(p: Package) -> str:
        return f"{100 * value(p, 'ukraine_forces_share'):.0f}%"

    levels = frontier(pset, PORCUPINE)
    best = levels[-1]
    name = instance.data.archetypes[PORCUPINE].name
    budget = format_eur_bn(instance.scenario.budget_eur_bn)
    spent = format_eur_bn(value(best, "ukraine_forces_cost_eur_bn"))
    foreign = value(best, "annual_cost_eur_bn") - value(best, "ukraine_forces_cost_eur_bn")
    text = (
        f"For the most deterrence within {budget} a year, {package_name(best)} puts "
        f"{spent} ({pct(best)}) into Ukraine's own brigades and air defence and "
        f"{format_eur_bn(foreign)} into foreign forces, for "
        f"{format_number(value(best, 'deterrence'))} points of deterrence with "
        f"{value(best, 'troops_exposed'):,.0f} coalition troops in Ukraine. Along its frontier "
        "the share to Ukraine's own forces runs "
        + ", ".join(f"{pct(p)} of {format_eur_bn(value(p, 'annual_cost_eur_bn'))}" for p in levels)
        + "."
    )
    shown = list(levels)
    compare = frontier(pset, "reassurance")
    if compare:
        ref = compare[-1]
        cost = value(ref, "annual_cost_eur_bn")
        within = [p for p in levels if value(p, "annual_cost_eur_bn") <= cost + 1e-9]
        text += (
            f" The best reassurance force, all foreign, {package_name(ref)}, buys "
            f"{format_number(value(ref, 'deterrence'))} points for {format_eur_bn(cost)} a year "
            f"with {value(ref, 'troops_exposed'):,.0f} troops in Ukraine"
        )
        if within:
            at = within[-1]
            text += (
                f"; at no more than that cost, {package_name(at)} buys "
                f"{format_number(value(at, 'deterrence'))} for "
                f"{format_eur_bn(value(at, 'annual_cost_eur_bn'))}, {pct(at)} of it to "
                "Ukraine's own forces."
            )
        else:
            text += f"; the {name}'s cheapest package costs more."
        shown.append(ref)
    figures = tuple(
        Figure(label, value(p, c), unit, "packages", p.package_id, c)
        for p in shown
        for c, (label, unit) in _COLUMNS.items()
        if c in table.columns
    )
    data = instance.data
    cells = [data.archetypes[p.archetype].source for p in shown] + [
        data.elements[e].source for e in sorted({a.element_id for p in shown for a in p.allocation})
    ]
    return Answer(
        q.question_id,
        q.text,
        text,
        figures,
        tuple((p.package_id, package_name(p)) for p in dict.fromkeys(shown)),
        split_sources(*cells),
    )
