"""The Trade-offs page's charts: cost against a criterion, the marginal cost along each
frontier, and every criterion at once (parallel coordinates)."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..criteria import CRITERIA, CRITERIA_BY_ID
from ..model import Instance
from ..packages import PackageSet
from ..results import PackageKind
from ..views import archetype_names
from .style import ARCHETYPE_COLOURS, LAYOUT, OKABE_ITO, safe_text

__all__ = [
    "MEASURE_UNITS",
    "frontier_chart",
    "marginal_cost_chart",
    "marginal_measures",
    "parallel_chart",
]


def _colour(aid: str, order: Sequence[str]) -> str:
    if aid in ARCHETYPE_COLOURS:
        return ARCHETYPE_COLOURS[aid]
    return OKABE_ITO[list(order).index(aid) % len(OKABE_ITO)]


def frontier_chart(
    instance: Instance, pset: PackageSet, highlight: str | None = None, y: str = "deterrence"
) -> go.Figure:
    """Cost against a criterion, colour by kind of package, size by troops, hover details."""
    names = archetype_names(instance)
    fig = go.Figure()
    crit = CRITERIA_BY_ID[y]
    order = list(instance.data.archetypes)
    for aid in order:
        pkgs = [p for p in pset.packages if p.archetype == aid]
        if not pkgs:
            continue
        frontier = sorted(
            (p for p in pkgs if p.kind is PackageKind.FRONTIER), key=lambda p: p.annual_cost_eur_bn
        )
        fig.add_trace(
            go.Scatter(
                x=[p.annual_cost_eur_bn for p in frontier],
                y=[p.criteria[y] for p in frontier],
                mode="lines",
                line={"color": _colour(aid, order), "width": 1.5},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[p.annual_cost_eur_bn for p in pkgs],
                y=[p.criteria[y] for p in pkgs],
                mode="markers",
                name=safe_text(names.get(aid, aid)),
                marker={
                    "color": _colour(aid, order),
                    "size": [8 + 22 * np.sqrt(p.troops_deployed / 30000) for p in pkgs],
                    "symbol": ["x" if p.dominated else "circle" for p in pkgs],
                    "line": {
                        "width": [3 if p.package_id == highlight else 0.5 for p in pkgs],
                        "color": "black",
                    },
                },
                text=[safe_text(p.package_id) for p in pkgs],
                customdata=[
                    [
                        p.troops_deployed,
                        p.nations,
                        p.criteria["early_warning_pct"],
                        "dominated" if p.dominated else "",
                        p.status.value,
                    ]
                    for p in pkgs
                ],
                hovertemplate="<b>%{text}</b><br>cost EUR %{x:.2f} bn/yr<br>"
                f"{crit.label} %{{y:,.1f}} {crit.unit}<br>troops %{{customdata[0]:,}}"
                "<br>nations %{customdata[1]}<br>early warning %{customdata[2]:.0f}%"
                "<br>%{customdata[3]} %{customdata[4]}<extra></extra>",
            )
        )
    fig.update_layout(
        **LAYOUT,
        title=f"Cost against {crit.label.lower()} (marker size: troops; x: dominated)",
        xaxis_title="Annual cost (EUR bn a year)",
        yaxis_title=crit.header,
        legend_title="Kind of package",
    )
    return fig


#: Each primary measure a kind of package maximises: what one extra unit of it is, in words.
MEASURE_UNITS = {
    "deterrence": "deterrence point",
    "early_warning_km": "km of early warning (line and depth)",
    "air_defence_k_km2": "1,000 km2 defended",
}


def marginal_measures(instance: Instance, pset: PackageSet) -> dict[str, str]:
    """The primary measures whose frontiers have a marginal cost to show: id -> the unit of
    one extra of it (:data:`MEASURE_UNITS`), in the order of the kinds of package."""
    out = {}
    for aid, a in instance.data.archetypes.items():
        if len(_marginal_points(pset, aid)[0]) and a.primary.value not in out:
            out[a.primary.value] = MEASURE_UNITS.get(a.primary.value, a.primary.value)
    return out


def _marginal_points(pset: PackageSet, aid: str) -> tuple[list[float], list[float]]:
    """Along one kind's frontier: mid-point costs (EUR bn/yr) and the extra cost of one more
    unit of its primary measure between neighbouring packages (EUR m/yr)."""
    frontier = sorted(
        (p for p in pset.packages if p.archetype == aid and p.kind is PackageKind.FRONTIER),
        key=lambda p: p.objective,
    )
    xs, ys = [], []
    for lo, hi in itertools.pairwise(frontier):
        gain = hi.objective - lo.objective
        if gain > 1e-9:
            xs.append((lo.annual_cost_eur_bn + hi.annual_cost_eur_bn) / 2)
            ys.append(1000 * (hi.annual_cost_eur_bn - lo.annual_cost_eur_bn) / gain)
    return xs, ys


def marginal_cost_chart(
    instance: Instance, pset: PackageSet, measure: str = "deterrence"
) -> go.Figure:
    """Along each frontier of the kinds of package that maximise ``measure``: the extra cost
    of one more unit of it. One measure a chart, so that the y axis has one unit; a log axis
    (whole decades only) when the costs span more than a factor of 30."""
    fig = go.Figure()
    order = list(instance.data.archetypes)
    unit = MEASURE_UNITS.get(measure, measure)
    spread: list[float] = []
    for aid, a in instance.data.archetypes.items():
        if a.primary.value != measure:
            continue
        xs, ys = _marginal_points(pset, aid)
        if xs:
            spread += ys
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=safe_text(a.name),
                    line={"color": _colour(aid, order)},
                    hovertemplate=f"{safe_text(a.name)}<br>at EUR %{{x:.2f}} bn a year: "
                    f"EUR %{{y:,.1f}} m a year per extra {unit}<extra></extra>",
                )
            )
    positive = [y for y in spread if y > 0]
    log = bool(positive) and len(positive) == len(spread) and max(spread) > 30 * min(positive)
    fig.update_layout(
        **LAYOUT,
        title=f"Marginal cost: what one more {unit} costs",
        xaxis_title="Annual cost of the package (EUR bn a year)",
        yaxis_title=f"EUR m a year per extra {unit}",
        legend_title="Kind of package",
    )
    if log:
        fig.update_yaxes(type="log", dtick=1, tickformat=",~g")
    else:
        fig.update_yaxes(rangemode="tozero", tickformat=",~g")
    return fig


#: Each unit's tick format on the parallel-coordinates axes (d3 format, as tables show them).
_TICKS = {
    "EUR bn/yr": ".2f",
    "troops": ",.0f",
    "count": ".0f",
    "days": ".0f",
}


def _two_lines(text: str) -> list[str]:
    """``text`` on at most two lines, as narrow as that allows: an axis's name that does not
    run into its neighbours (Plotly writes a third line over the axis's top)."""
    for width in range(12, len(text) + 1):
        lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
        if len(lines) <= 2:
            return lines
    return [text]


def parallel_chart(instance: Instance, pset: PackageSet) -> go.Figure:
    """All criteria at once, one axis a criterion named with its unit; colour by kind of
    package. The title is left to the page: above the axes' names it would overlap them."""
    order = list(instance.data.archetypes)
    codes = [order.index(p.archetype) for p in pset.packages]
    dims = []
    for c in CRITERIA:
        vals = [p.criteria[c.criterion_id] for p in pset.packages]
        dims.append(
            {
                "label": "<br>".join(safe_text(line) for line in _two_lines(c.header)),
                "values": vals,
                "tickformat": _TICKS.get(c.unit, ",.1~f"),
            }
        )
    colours = [_colour(aid, order) for aid in order]
    scale = (
        [[i / max(1, len(order) - 1), col] for i, col in enumerate(colours)]
        if len(order) > 1
        else [[0, colours[0]], [1, colours[0]]]
    )
    fig = go.Figure(
        go.Parcoords(
            line={"color": codes, "colorscale": scale, "cmin": 0, "cmax": max(1, len(order) - 1)},
            dimensions=dims,
            labelside="top",
            labelfont={"size": 12},
            tickfont={"size": 11},
            # each axis's extremes would sit on the names; the ticks give the scale
            rangefont={"color": "rgba(0,0,0,0)"},
        )
    )
    # Parallel coordinates have no legend of their own: one empty marker trace per kind of
    # package gives the chart a legend (names as text, colours as drawn) on hidden axes.
    for aid, a in instance.data.archetypes.items():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=safe_text(a.name),
                marker={"color": _colour(aid, order), "size": 12, "symbol": "square"},
                hoverinfo="skip",
            )
        )
    # room above the axes for two-line names; the legend below, out of the axes' way
    layout = dict(LAYOUT, margin={"l": 50, "r": 50, "t": 90, "b": 40})
    fig.update_layout(
        **layout,
        showlegend=True,
        legend={"title": "Kind of package", "orientation": "h", "y": -0.08},
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=520,
    )
    return fig
