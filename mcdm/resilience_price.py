"""The price of resilience, per archetype, in words: what surviving the scenario's withdrawals
costs the frontier's best package (data/MODEL.md, "Resilience").

It is the resilience family's constraint price (:mod:`mcdm.prices`): the best package at the
budget with the withdrawal rows against the best without them, on the primary measure, and
the least annual cost of the resilient package's measure without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .formats import format_eur_bn
from .milp import ConstraintFamily
from .milp.resilience import resilience_label
from .model import Instance
from .packages import PackageSet
from .prices import MEASURE_LABEL, ConstraintPrice

__all__ = ["ResiliencePrice", "price_of_resilience", "resilience_json"]


@dataclass(frozen=True)
class ResiliencePrice:
    """One archetype's price of resilience: % of the primary measure and EUR bn a year (None
    where not known: no package survives, or prices were not computed), and the sentence."""

    archetype: str
    sentence: str
    measure_loss_pct: float | None = None
    extra_cost_eur_bn: float | None = None
    exact: bool = True


def price_of_resilience(instance: Instance, pset: PackageSet) -> tuple[ResiliencePrice, ...]:
    """Per archetype, in the data's order; empty without ``[resilience] withdrawals``."""
    s = instance.scenario.resilience
    if s.withdrawals <= 0:
        return ()
    what = resilience_label(s.withdrawals, s.members)
    prices = {p.archetype: p for p in pset.prices if p.family == ConstraintFamily.RESILIENCE}
    out = []
    for o in pset.outcomes:
        a = o.name
        if not o.status.has_solution:
            out.append(ResiliencePrice(o.archetype, f"{a}: no package is possible {what}"))
            continue
        price = prices.get(o.archetype)
        if price is None:
            text = f"{a}: {what} - its price is computed with the constraint prices"
            out.append(ResiliencePrice(o.archetype, text))
            continue
        loss = 100.0 * (price.relaxed - price.base) / price.relaxed if price.relaxed > 0 else 0.0
        sentence = f"{a}: {what} {_costs(price, loss)}"
        out.append(
            ResiliencePrice(
                o.archetype, sentence, round(loss, 4), round(price.saving_eur_bn, 6), price.exact
            )
        )
    return tuple(out)


def _costs(price: ConstraintPrice, loss_pct: float) -> str:
    """E.g. "costs 11.0% of deterrence (31.0 instead of 34.8) or EUR 0.90 bn a year at the
    same deterrence": the share of the best package's measure given up, and the money."""
    if price.is_free:
        return "costs nothing at this budget"
    label = MEASURE_LABEL[price.measure]
    tol = max(0.05, 100.0 * price.mip_gap)
    parts = []
    if price.gain_pct > tol:
        parts.append(
            f"{loss_pct:.1f}% of {label} ({price.base:,.1f} instead of {price.relaxed:,.1f})"
        )
    if price.saving_eur_bn > max(0.0005, price.mip_gap * price.base_cost_eur_bn):
        parts.append(f"{format_eur_bn(price.saving_eur_bn)} a year at the same {label}")
    return f"costs {'' if price.exact else 'at least '}" + " or ".join(parts)


def resilience_json(instance: Instance, pset: PackageSet) -> dict[str, Any] | None:
    """``run.json``'s ``resilience``: the settings and each archetype's price (None if off)."""
    s = instance.scenario.resilience
    if s.withdrawals <= 0:
        return None
    return {
        "withdrawals": s.withdrawals,
        "members": s.members,
        "price": [
            {
                "archetype": p.archetype,
                "sentence": p.sentence,
                "measure_loss_pct": p.measure_loss_pct,
                "extra_cost_eur_bn": p.extra_cost_eur_bn,
                "exact": p.exact,
            }
            for p in price_of_resilience(instance, pset)
        ],
    }
