"""Constraint families for an archetype's requirements: troops, capabilities, coverage, nations and
enablers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulp

from ..model import Category
from .family import ConstraintFamily, Family, category_label, troops_of

if TYPE_CHECKING:
    pass

__all__ = ["Capabilities", "Coverage", "Enablers", "Nations", "TroopWindow"]


# --- the archetype's requirements ---------------------------------------------------------------


class TroopWindow(Family):
    family = ConstraintFamily.TROOP_WINDOW
    label = "the kind of package's troop numbers"
    section = 3

    def add(self, ctx):
        a = ctx.archetype
        # a force whose size means its presence in Ukraine counts only the troops there
        in_ua = a.troops_counted == "in_ukraine"
        counted = ctx.troops_ua if in_ua else ctx.troops
        where = " in Ukraine" if in_ua else ""
        if a.troops_min > 0:
            ctx.need(
                self,
                "troops_min",
                f"{a.name} needs at least {a.troops_min:,} troops{where}",
                counted,
                a.troops_min,
                "troops",
            )
        if a.troops_max is not None:
            ctx.row(
                self, f"at most {a.troops_max:,} troops{where}", counted <= a.troops_max, "tmax"
            )
        if a.troops_in_ukraine_max is not None:
            ctx.row(
                self,
                f"at most {a.troops_in_ukraine_max:,} troops in Ukraine",
                ctx.troops_ua <= a.troops_in_ukraine_max,
                "tuamax",
            )


class Capabilities(Family):
    family = ConstraintFamily.CAPABILITIES
    label = "the kind of package's required capabilities"
    section = 4

    def add(self, ctx):
        a = ctx.archetype
        for cat, n in a.required.items():
            if n <= 0:
                continue
            cat_pairs = [p for p in ctx.pairs if ctx.element(p).category is Category(cat)]
            ctx.need(
                self,
                f"required.{cat}",
                f"{a.name} needs at least {n} {category_label(cat)} units",
                pulp.lpSum(ctx.x[p] for p in cat_pairs),
                n,
                "units",
                supply_text="members willing and able field at most {best}",
            )


class Coverage(Family):
    family = ConstraintFamily.COVERAGE
    label = "the kind of package's watch over the line"
    section = 5

    def add(self, ctx):
        a = ctx.archetype
        if a.min_coverage <= 0:
            return
        line = ctx.instance.scenario.line_length_km
        ctx.need(
            self,
            "min_coverage",
            f"{a.name} needs {a.min_coverage:.0%} of the {line:,.0f} km line watched",
            ctx.lin(ctx.pairs, lambda e: e.early_warning_km),
            a.min_coverage * line,
            "km",
        )


class Nations(Family):
    family = ConstraintFamily.NATIONS
    label = "the kind of package's contributing nations"
    section = 6

    def add(self, ctx):
        a = ctx.archetype
        if a.min_nations > 0:
            ctx.need(
                self,
                "min_nations",
                f"{a.name} needs at least {a.min_nations} contributing nations",
                pulp.lpSum(self._flags(ctx)),
                a.min_nations,
                "nations",
                supply_text="only {best} members are willing and able to send units "
                "this package allows",
            )
        if a.min_nations_in_ukraine > 0:
            ctx.need(
                self,
                "min_nations_in_ukraine",
                f"{a.name} needs at least {a.min_nations_in_ukraine} nations with troops in "
                "Ukraine",
                pulp.lpSum(ctx.z.values()),
                a.min_nations_in_ukraine,
                "nations",
                supply_text="only {best} members are willing to station troops in Ukraine",
            )

    def _flags(self, ctx) -> list:
        """One 0/1 per member that counts as a nation of the force: it sends units of its own.
        A member that only pays for Ukraine's own forces is no flag (``Category.is_funding``),
        so its count rests on a flag linked to its other units alone (at most their sum: the
        row is a lower bound, so no upper link is needed)."""
        flags = []
        for mid, ps in ctx.by_member.items():
            own = [p for p in ps if not ctx.element(p).category.is_funding]
            if len(own) == len(ps):
                flags.append(ctx.y[mid])
            elif own:
                flag = ctx.prob.add_variable(f"nf_{ctx.midx[mid]}", cat=pulp.LpBinary)
                row = flag <= pulp.lpSum(ctx.x[p] for p in own)
                ctx.aux_row(self, row, f"nfl_{ctx.midx[mid]}")
                flags.append(flag)
        return flags


class Enablers(Family):
    family = ConstraintFamily.ENABLERS
    label = "the kind of package's enablers per combat troop"
    section = 7

    def add(self, ctx):
        a = ctx.archetype
        combat = ctx.lin([p for p in ctx.pairs if ctx.element(p).combat], troops_of)
        for kind, ratio in a.enablers.items():
            if ratio <= 0:
                continue
            kind_pairs = [p for p in ctx.pairs if ctx.element(p).category is Category(kind)]
            have = pulp.lpSum(ctx.x[p] for p in kind_pairs)
            needed = ratio / 1000.0 * combat
            ctx.need(
                self,
                f"enablers.{kind}",
                f"{a.name} needs {ratio:g} {category_label(kind)} units per 1,000 combat troops",
                have - needed,
                0.0,
                "units",
                parts=(have, needed),
                size=ratio * max(a.troops_min, 1000) / 1000.0,
                weight=ENABLER_WEIGHT,
            )


#: How much more an elastic model penalises a relative shortfall of an enabler ratio than one
#: of troops, capabilities or nations: a ratio can always be met with fewer combat troops, so
#: it is reported only where no mix avoids it.
ENABLER_WEIGHT = 100.0
