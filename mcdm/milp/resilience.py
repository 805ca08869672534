"""The resilience family: the archetype's requirements hold again after the withdrawal of any
set of at most ``k`` members (the scenario's ``[resilience]`` settings; data/MODEL.md,
"Resilience"): the N-k criterion of power grids applied to a coalition.

Each protected requirement ``Σ_m share_m(x) >= required`` (:mod:`mcdm.survival`) is linear in
the units (a nation's share is its participation binary). Rather than one copy of the row per
withdrawal scenario (``Σ_{m ∉ S} share_m >= required`` for each of the ``Σ_j C(n, j)`` sets
``S``), one row takes off the worst loss, the sum of the ``k`` largest positive shares of the
members that may withdraw, written with ``n + 1`` auxiliary variables (``k·t + Σ u_m``,
``u_m >= share_m − t``, ``u, t >= 0``). Its projection on the units is the same set as the
enumerated rows' (the same integer solutions and the same LP relaxation), with ``n`` rows per
requirement whatever ``k``, and sparse ones: each holds one member's units.
"""

from __future__ import annotations

import pulp

from ..resilience import may_withdraw, withdrawers
from ..survival import Protected, protected_requirements
from .family import ConstraintFamily, Family, PriceOption, Relax

__all__ = ["Resilience", "resilience_label"]


def resilience_label(k: int, who: str) -> str:
    """E.g. "surviving the loss of any one member"."""
    return f"surviving the loss of {withdrawers(k, who)}"


class Resilience(Family):
    family = ConstraintFamily.RESILIENCE
    label = "the kind of package's requirements after a withdrawal"
    section = 11

    def add(self, ctx):
        settings = ctx.instance.scenario.resilience
        k = settings.withdrawals
        if k <= 0 or ctx.relax.covers(self.family):
            return
        who = set(may_withdraw(ctx.instance.data.members, settings.members))
        may_go = [mid for mid in ctx.by_member if mid in who]
        what = resilience_label(k, settings.members).replace("surviving ", "after ")
        for j, r in enumerate(protected_requirements(ctx.instance, ctx.archetype)):
            total = [(mid, self._share(ctx, r, mid)) for mid in ctx.by_member]
            shares = [(mid, e) for mid, e in total if e is not None]
            lost = [(mid, e) for mid, e in shares if mid in may_go]
            if not lost:
                continue  # no member that may withdraw counts towards it
            have = pulp.lpSum(e for _, e in shares)
            label = f"{ctx.archetype.name} needs {r.label} {what}"
            if r.nations and len(lost) == len(shares) and r.required >= 1:
                # every nation counted may withdraw: s nations lose min(k, s) of them, so
                # s - min(k, s) >= required is s >= required + k (and a much tighter row)
                ctx.need(self, f"resilience.{r.key}", label, have, r.required + k, r.unit)
                continue
            worst = self._worst_loss(ctx, j, k, lost)
            ctx.need(self, f"resilience.{r.key}", label, have - worst, r.required, r.unit)

    def _worst_loss(self, ctx, j: int, k: int, lost) -> pulp.LpAffineExpression:
        """At least the most that any set of at most ``k`` of the members withdrawing takes:
        ``k·t + Σ u[m]`` with ``u[m] >= share[m] − t``, ``u, t >= 0`` is, at its least, the sum
        of the ``k`` largest positive shares (for ``k = 1``: ``t >= share[m]``, no ``u``)."""
        t = ctx.prob.add_variable(f"wl_{j}", 0)
        if k == 1:
            for i, (_mid, e) in enumerate(lost):
                ctx.aux_row(self, t - e >= 0, f"wlr_{j}_{i}")
            return pulp.LpAffineExpression([(t, 1.0)])
        us = []
        for i, (_mid, e) in enumerate(lost):
            u = ctx.prob.add_variable(f"wlu_{j}_{i}", 0)
            ctx.aux_row(self, u + t - e >= 0, f"wlr_{j}_{i}")
            us.append((u, 1.0))
        return pulp.LpAffineExpression([(t, float(k)), *us])

    @staticmethod
    def _share(ctx, r: Protected, mid: str):
        """Member ``mid``'s share of requirement ``r`` as an expression (None: nothing)."""
        pairs = ctx.by_member[mid]
        if r.nations == "all":
            return ctx.y[mid]
        if r.nations == "in_ukraine":
            return ctx.z.get(mid)
        expr = ctx.lin(pairs, r.per_unit)
        return expr if expr.keys() else None

    def price_options(self, instance, archetype_id):
        s = instance.scenario.resilience
        if s.withdrawals <= 0:
            return []
        if not may_withdraw(instance.data.members, s.members):
            return []
        label = resilience_label(s.withdrawals, s.members)
        return [PriceOption(self.family.value, label, Relax.of(self.family))]
