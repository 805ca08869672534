"""Why an archetype cannot be met, in the user's terms.

Two separable causes: money alone (the requirements can be met at some cost above the budget),
or the members' caps and stated willingness (an elastic model finds the smallest shortfalls;
:func:`mcdm.milp.diagnose` solves for the figures and this module words them).
"""

from __future__ import annotations

from dataclasses import replace

from .formats import format_eur_bn, format_number
from .horizon import budget_phrase
from .milp import build_model, diagnose, min_cost
from .model import Instance, SolverSettings
from .results import Shortfall

__all__ = ["budget_shortfall", "explain_shortfall", "why_infeasible"]

#: A budget no package comes near: the requirements alone decide (EUR m a year).
UNLIMITED_EUR_M = 1e12


def budget_shortfall(need_eur_bn: float, instance: Instance) -> Shortfall:
    """Money alone is short: ``required`` is what the cheapest package costs, ``achieved``
    the budget there is."""
    s = instance.scenario
    per = budget_phrase(s)
    text = (
        f"needs {format_eur_bn(need_eur_bn)} {per}; the budget is {format_eur_bn(s.budget_eur_bn)}"
    )
    unit = "EUR bn/yr" if s.budget_basis == "annual" else f"EUR bn over {s.horizon_years} years"
    return Shortfall("budget", need_eur_bn, s.budget_eur_bn, unit, text)


def explain_shortfall(s: Shortfall, instance: Instance, name: str) -> Shortfall:
    """Word an elastic shortfall (``s.achieved`` is the most that can be had, solved for; for a
    ratio, what the mix has). ``name`` is the archetype's name."""
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
    elif s.requirement == "min_coverage":
        line = instance.scenario.line_length_km
        achieved = min(achieved, line)
        text = (
            f"{s.label}; at best {format_number(achieved)} km "
            f"({format_number(100 * achieved / line)}%) within the members' caps"
        )
    else:
        text = f"{s.label}; at best {format_number(achieved)} within the members' caps"
    return replace(s, achieved=achieved, message=text)


def why_infeasible(instance: Instance, aid: str, settings: SolverSettings) -> tuple[Shortfall, ...]:
    """What falls short, in two separable causes.

    First, without a budget: if the requirements can be met at some cost, money alone is short
    and the answer is that cost. Otherwise an elastic model (no budget either) finds the smallest
    shortfalls that the members' caps and stated willingness leave.
    """
    res = min_cost(build_model(instance, aid, budget_eur_m=UNLIMITED_EUR_M), settings)
    if res.status.has_solution:
        return (budget_shortfall(res.objective / 1000.0, instance),)
    elastic = build_model(instance, aid, elastic=True, budget_eur_m=UNLIMITED_EUR_M)
    name = instance.data.archetypes[aid].name
    return tuple(
        explain_shortfall(sf, instance, name)
        for sf in diagnose(elastic, settings)
        if sf.requirement != "budget"
    )
