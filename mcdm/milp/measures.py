"""The measures an objective can maximise: deterrence (denial and tripwire, times the
backstop), air-defence cover and early warning (the line watched and the line watched in
depth), added after every constraint family's rows (data/MODEL.md, "Deterrence", "Early
warning")."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulp

from ..criteria import air_cover_per_unit, nation_bonus
from ..model import Location, Measure
from .family import ConstraintFamily, Family

if TYPE_CHECKING:
    from .build import BuildContext

__all__ = ["MEASURES"]


class _Measures(Family):
    family = ConstraintFamily.SCOPE
    label = "measures"
    section = 99

    def add(self, ctx: BuildContext) -> None:
        """The quantities an objective can maximise (after every family's rows)."""
        model = ctx.model
        instance = ctx.instance
        mult = instance.backstop.deterrence_multiplier
        denial = _denial(ctx)
        tripwire = _tripwire(ctx)
        model.measures[Measure.DETERRENCE] = mult * (denial + tripwire)
        model.measures[Measure.AIR_DEFENCE_K_KM2] = pulp.LpAffineExpression(
            [(ctx.x[p], c) for p in ctx.pairs if (c := air_cover_per_unit(instance, p[1]))]
        )
        model.measures[Measure.EARLY_WARNING_KM] = _warning(ctx)


def _warning(ctx: BuildContext) -> pulp.LpAffineExpression:
    """Early warning in km of line: (1 - s) x min(L, km watched) + s x min(L, km watched by
    units that see at least the minimum depth), s = ``warning_depth_share``. Each min is a
    variable bounded by the line and by its km; maximised, it reaches the smaller of the two, so
    the measure is exact without binaries (A-EW-DEPTH)."""
    instance = ctx.instance
    p = instance.data.parameters
    line = instance.scenario.line_length_km
    watched = ctx.lin(ctx.pairs, lambda e: e.early_warning_km)
    deep = ctx.lin(
        ctx.pairs,
        lambda e: e.early_warning_km if e.warning_depth_km >= p.warning_depth_min_km else 0.0,
    )
    cov = ctx.prob.add_variable("coverage_km", 0, line)
    ctx.aux_row(MEASURES, cov <= watched, "def_cov")
    terms = [(cov, 1.0 - p.warning_depth_share)]
    if p.warning_depth_share > 0:
        cov_deep = ctx.prob.add_variable("coverage_depth_km", 0, line)
        ctx.aux_row(MEASURES, cov_deep <= deep, "def_cov_depth")
        terms.append((cov_deep, p.warning_depth_share))
    return pulp.LpAffineExpression(terms)


def _denial(ctx: BuildContext) -> pulp.LpAffineExpression:
    """Denial points: a variable under every segment of the concave piecewise-linear function
    of the combat power in Ukraine (parameters.toml). A maximised concave function needs no
    binaries: the lowest segment at the mix's combat power is the function's value."""
    instance = ctx.instance
    p = instance.data.parameters
    els = instance.data.elements
    ua = [q for q in ctx.pairs if els[q[1]].location is Location.IN_UKRAINE]
    power = ctx.lin(ua, lambda e: e.combat_power)
    if not power:
        return pulp.LpAffineExpression()
    threat = instance.threat_troops
    xs, ys = p.denial_share_of_threat, p.denial_points
    d = ctx.prob.add_variable("denial", 0, ys[-1])
    for k in range(1, len(xs)):
        slope = (ys[k] - ys[k - 1]) / (xs[k] - xs[k - 1]) / threat  # points per combat power
        # d <= y[k-1] + slope * (power - x[k-1] * threat)
        ctx.aux_row(
            MEASURES, d - slope * power <= ys[k - 1] - slope * xs[k - 1] * threat, f"dn_{k}"
        )
    ctx.model.denial = d
    return pulp.LpAffineExpression([(d, 1.0)])


def _tripwire(ctx: BuildContext) -> pulp.LpAffineExpression:
    """Tripwire points: k[m] = 1 only if member m's armed combat troops in Ukraine reach the
    minimum (A-TRIPWIRE); each k[m] is worth the member's points."""
    instance = ctx.instance
    els = instance.data.elements
    need = instance.data.parameters.tripwire_min_armed_troops
    terms = []
    for mid, ps in ctx.by_member.items():
        armed = ctx.lin(
            [q for q in ps if els[q[1]].location is Location.IN_UKRAINE], lambda e: e.armed_troops
        )
        points = nation_bonus(instance, mid)
        if not armed or points <= 0:
            continue
        k = ctx.prob.add_variable(f"k_{ctx.midx[mid]}", cat=pulp.LpBinary)
        # with a minimum of 0, any armed troops at all
        ctx.aux_row(MEASURES, max(float(need), 1.0) * k <= armed, f"tw_{ctx.midx[mid]}")
        ctx.model.tripwire[mid] = k
        terms.append((k, points))
    return pulp.LpAffineExpression(terms)


MEASURES = _Measures()
