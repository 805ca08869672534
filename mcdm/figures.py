"""Chart builders for the app and the briefing: pure functions, no Streamlit (the tables the
pages show are in :mod:`mcdm.views`).

Every chart has axis titles with units and uses the Okabe-Ito palette, which stays distinct
for the common forms of colour blindness; heat maps use the perceptually uniform "cividis".

Plotly reads a subset of HTML in every label (``<a href>``, ``<b>``, ``<br>``...): user text in a
chart (names, ids) goes through :func:`_label`, so that it shows as the characters it holds.
"""

from __future__ import annotations

import html
import itertools
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .criteria import CRITERIA, CRITERIA_BY_ID
from .model import Instance
from .packages import PackageSet
from .results import Package, PackageKind
from .session.words import humanise
from .views import archetype_names, member_table
from .why import Gaia, PrometheeFlows, ScoreBreakdown

__all__ = [
    "ARCHETYPE_COLOURS",
    "MEASURE_UNITS",
    "OKABE_ITO",
    "acceptability_chart",
    "burden_chart",
    "contributions_chart",
    "core_chart",
    "correlation_heatmap",
    "frontier_chart",
    "gaia_chart",
    "marginal_cost_chart",
    "marginal_measures",
    "parallel_chart",
    "promethee_one_chart",
    "ranks_heatmap",
    "stability_chart",
    "why_chart",
]

#: Okabe & Ito (2008), "Color Universal Design": distinct under common colour blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
ARCHETYPE_COLOURS = {
    "reassurance": "#0072B2",
    "tripwire": "#E69F00",
    "observer": "#009E73",
    "technical_monitoring": "#CC79A7",
    "air_shield": "#56B4E9",
    "hybrid": "#D55E00",
}
_LAYOUT = {
    "template": "plotly_white",
    "font": {"size": 13},
    "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
}


def _colour(aid: str, order: Sequence[str]) -> str:
    if aid in ARCHETYPE_COLOURS:
        return ARCHETYPE_COLOURS[aid]
    return OKABE_ITO[list(order).index(aid) % len(OKABE_ITO)]


def _label(text: object) -> str:
    """User text for a Plotly label: its HTML subset escaped (Plotly decodes &amp; &lt; &gt;)."""
    return html.escape(str(text), quote=False)


# --- trade-offs --------------------------------------------------------------------------------


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
                name=_label(names.get(aid, aid)),
                marker={
                    "color": _colour(aid, order),
                    "size": [8 + 22 * np.sqrt(p.troops_deployed / 30000) for p in pkgs],
                    "symbol": ["x" if p.dominated else "circle" for p in pkgs],
                    "line": {
                        "width": [3 if p.package_id == highlight else 0.5 for p in pkgs],
                        "color": "black",
                    },
                },
                text=[_label(p.package_id) for p in pkgs],
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
        **_LAYOUT,
        title=f"Cost against {crit.label.lower()} (marker size: troops; x: dominated)",
        xaxis_title="Annual cost (EUR bn a year)",
        yaxis_title=crit.header,
        legend_title="Kind of package",
    )
    return fig


#: Each primary measure a kind of package maximises: what one extra unit of it is, in words.
MEASURE_UNITS = {
    "deterrence": "deterrence point",
    "early_warning_km": "km of line watched",
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
                    name=_label(a.name),
                    line={"color": _colour(aid, order)},
                    hovertemplate=f"{_label(a.name)}<br>at EUR %{{x:.2f}} bn a year: "
                    f"EUR %{{y:,.1f}} m a year per extra {unit}<extra></extra>",
                )
            )
    positive = [y for y in spread if y > 0]
    log = bool(positive) and len(positive) == len(spread) and max(spread) > 30 * min(positive)
    fig.update_layout(
        **_LAYOUT,
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
                "label": "<br>".join(_label(line) for line in _two_lines(c.header)),
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
                name=_label(a.name),
                marker={"color": _colour(aid, order), "size": 12, "symbol": "square"},
                hoverinfo="skip",
            )
        )
    # room above the axes for two-line names; the legend below, out of the axes' way
    layout = dict(_LAYOUT, margin={"l": 50, "r": 50, "t": 90, "b": 40})
    fig.update_layout(
        **layout,
        showlegend=True,
        legend={"title": "Kind of package", "orientation": "h", "y": -0.08},
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=520,
    )
    return fig


# --- contributions -----------------------------------------------------------------------------


def contributions_chart(
    instance: Instance, package: Package, measure: str = "cost_eur_m"
) -> go.Figure:
    """Who gives what: stacked bars per member, split by element category."""
    rows = [
        {
            "member": instance.data.members[a.member_id].name,
            "category": humanise(instance.data.elements[a.element_id].category.value),
            "cost_eur_m": a.units * instance.data.elements[a.element_id].cost_eur_m,
            "troops": a.units * instance.data.elements[a.element_id].troops_per_unit,
        }
        for a in package.allocation
    ]
    fig = go.Figure()
    if rows:
        df = pd.DataFrame(rows).groupby(["member", "category"], as_index=False).sum()
        order = df.groupby("member")[measure].sum().sort_values(ascending=False).index
        for i, cat in enumerate(sorted(df["category"].unique())):
            part = df[df["category"] == cat].set_index("member")[[measure]].reindex(order)
            part = part.fillna(0.0)
            fig.add_trace(
                go.Bar(
                    x=[_label(m) for m in order],
                    y=part[measure],
                    name=cat,
                    marker_color=OKABE_ITO[i % len(OKABE_ITO)],
                )
            )
    label = "Annual cost (EUR m a year)" if measure == "cost_eur_m" else "Troops deployed"
    fig.update_layout(
        **_LAYOUT,
        barmode="stack",
        title=f"Who gives what in {_label(package.package_id)}",
        xaxis_title="Member",
        yaxis_title=label,
        legend_title="Kind of force",
    )
    return fig


def burden_chart(instance: Instance, package: Package) -> go.Figure:
    """Each member's share of the cost against its share of the contributors' GDP."""
    table = member_table(instance, package).dropna(subset=["GDP share (%)"])
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=[_label(m) for m in table["Member"]],
            y=table["Cost share (%)"],
            name="Cost share",
            marker_color=OKABE_ITO[0],
        )
    )
    fig.add_trace(
        go.Bar(
            x=[_label(m) for m in table["Member"]],
            y=table["GDP share (%)"],
            name="GDP share (of members able to contribute)",
            marker_color=OKABE_ITO[1],
        )
    )
    fig.update_layout(
        **_LAYOUT,
        barmode="group",
        title="Cost share against GDP share",
        xaxis_title="Member",
        yaxis_title="Share (%)",
    )
    return fig


# --- ranking and robustness --------------------------------------------------------------------


def ranks_heatmap(rank_frame: pd.DataFrame, top: int = 25) -> go.Figure:
    """Packages (rows, best consensus first) x methods (columns), cell = rank."""
    df = rank_frame.sort_values("consensus_rank").head(top)
    fig = go.Figure(
        go.Heatmap(
            z=df.to_numpy(),
            x=list(df.columns),
            y=[_label(i) for i in df.index],
            colorscale="cividis_r",
            colorbar={"title": "Rank"},
            text=df.to_numpy(),
            texttemplate="%{text:.0f}",
            hovertemplate="%{y}<br>%{x}: rank %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title=f"Rank by method (top {len(df)} by consensus)",
        xaxis_title="Method",
        yaxis_title="Package",
        yaxis_autorange="reversed",
        height=max(350, 24 * len(df) + 120),
    )
    return fig


def correlation_heatmap(corr: pd.DataFrame, label: str) -> go.Figure:
    fig = go.Figure(
        go.Heatmap(
            z=corr.to_numpy(),
            x=[_label(c) for c in corr.columns],
            y=[_label(i) for i in corr.index],
            zmin=0,
            zmax=1,
            colorscale="cividis",
            colorbar={"title": label},
            text=np.round(corr.to_numpy(), 2),
            texttemplate="%{text}",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title=f"Agreement between methods ({label})",
        xaxis_title="Method",
        yaxis_title="Method",
    )
    return fig


def acceptability_chart(acceptability: pd.DataFrame, top: int = 12, ranks: int = 5) -> go.Figure:
    """Stacked bars: how often each package takes rank 1, 2, ... across weight draws."""
    cols = [c for c in acceptability.columns if c.startswith("rank_")][:ranks]
    df = acceptability.sort_values(cols, ascending=False).head(top)
    fig = go.Figure()
    for i, c in enumerate(cols):
        fig.add_trace(
            go.Bar(
                y=[_label(i) for i in df.index],
                x=100 * df[c],
                orientation="h",
                name=f"rank {c.split('_')[1]}",
                marker_color=OKABE_ITO[i % len(OKABE_ITO)],
            )
        )
    fig.update_layout(
        **_LAYOUT,
        barmode="stack",
        title="Rank acceptability across weight draws",
        xaxis_title="Share of weight draws (%)",
        yaxis_title="Package",
        yaxis_autorange="reversed",
        height=max(350, 28 * len(df) + 120),
    )
    return fig


def stability_chart(stability: pd.DataFrame) -> go.Figure:
    """For each criterion: the weight interval over which the package of the intervals (the
    recommended one) is first; the current weight."""
    target = _label(stability["top"].iloc[0]) if len(stability) else "the package"
    labels = [
        CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else _label(c)
        for c in stability["criterion"]
    ]
    lo = 100 * stability["low"].fillna(0)
    hi = 100 * stability["high"].fillna(0)
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=hi - lo,
            base=lo,
            orientation="h",
            marker_color=OKABE_ITO[4],
            name=f"{target} first",
            hovertemplate="%{y}: %{base:.1f}% to %{x:.1f}% wide<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            y=labels,
            x=100 * stability["weight"],
            mode="markers",
            marker={"color": OKABE_ITO[5], "size": 12, "symbol": "diamond"},
            name="current weight",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title=f"Weights over which {target} is first",
        xaxis_title="Weight of the criterion (%)",
        yaxis_title="Criterion",
        xaxis_range=[0, 100],
        height=max(350, 34 * len(labels) + 120),
    )
    return fig


def core_chart(core: pd.DataFrame, top: int = 30) -> go.Figure:
    """Core index of members and elements: share of draws in which the first package has them."""
    df = core[core["core_index"] > 0].sort_values("core_index", ascending=False).head(top)
    colours = {"core": OKABE_ITO[2], "borderline": OKABE_ITO[1], "exterior": OKABE_ITO[7]}
    fig = go.Figure(
        go.Bar(
            y=[_label(f) for f in df["feature"]],
            x=100 * df["core_index"],
            orientation="h",
            marker_color=[colours[s] for s in df["status"]],
            text=df["status"],
            textposition="auto",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title="Core index: in the top package in what share of draws",
        xaxis_title="Share of weight draws (%)",
        yaxis_title="Member or element",
        yaxis_autorange="reversed",
        xaxis_range=[0, 100],
        height=max(350, 22 * len(df) + 120),
    )
    return fig


# --- why it wins: score parts, PROMETHEE I, GAIA --------------------------------------------------


def why_chart(breakdown: ScoreBreakdown) -> go.Figure:
    """Diverging bars: by how much the package beats (right) or trails (left) the other on
    each criterion, in the method's score parts (one unit); without another package, its own
    parts."""
    crit = list(breakdown.criteria)
    labels = [CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else _label(c) for c in crit]
    against = breakdown.other_id is not None
    values = breakdown.differences if against else breakdown.values
    order = np.argsort(values, kind="stable")
    fig = go.Figure(
        go.Bar(
            y=[labels[i] for i in order],
            x=[float(values[i]) for i in order],
            orientation="h",
            marker_color=[OKABE_ITO[2] if values[i] >= 0 else OKABE_ITO[5] for i in order],
            text=[f"{values[i]:+.2f}" for i in order],
            textposition="outside",
            hovertemplate="%{y}: %{x:+.3f}<extra></extra>",
        )
    )
    name = _label(breakdown.package_id)
    title = (
        f"{name} against {_label(breakdown.other_id)} under {breakdown.method}"
        if against
        else f"{name}'s score by criterion under {breakdown.method}"
    )
    span = float(np.max(np.abs(values))) if len(values) else 0.0
    fig.update_layout(
        **_LAYOUT,
        title=title,
        xaxis_title=(
            f"{'Difference in score' if against else 'Score'} (weighted, normalised; "
            f"{'right: ' + name + ' better' if against else 'larger is better'})"
        ),
        yaxis_title="Criterion",
        xaxis_range=[-1.25 * span - 1e-9, 1.25 * span + 1e-9] if against else None,
        xaxis_zeroline=True,
        showlegend=False,
        height=max(320, 34 * len(crit) + 120),
    )
    return fig


def promethee_one_chart(
    flows: PrometheeFlows, top: int = 12, highlight: str | None = None
) -> go.Figure:
    """PROMETHEE I as Visual PROMETHEE draws it: the leaving flow on the left scale, the
    entering flow on the right one, upside down so that up is better on both; each package a
    line between its two places. Two lines that cross: packages that cannot be compared.

    Each scale runs from the worst to the best of the packages shown (crossings do not depend
    on the scales); the flows themselves are in the hover text."""
    ids = list(flows.alternatives)
    order = sorted(range(len(ids)), key=lambda i: (-flows.net[i], ids[i]))[:top]
    plus = np.array([flows.leaving[i] for i in order])
    minus = np.array([flows.entering[i] for i in order])

    def scaled(v: np.ndarray, best_high: bool) -> np.ndarray:
        span = float(v.max() - v.min()) if len(v) else 0.0
        if span <= 0:
            return np.full(len(v), 0.5)
        return (v - v.min()) / span if best_high else (v.max() - v) / span

    left, right = scaled(plus, True), scaled(minus, False)
    fig = go.Figure()
    for rank, i in enumerate(order):
        mine = ids[i] == highlight
        fig.add_trace(
            go.Scatter(
                x=[0, 1],
                y=[float(left[rank]), float(right[rank])],
                mode="lines+markers+text",
                line={
                    "color": OKABE_ITO[5] if mine else OKABE_ITO[rank % 5],
                    "width": 4 if mine else 2,
                },
                text=[_label(ids[i]), _label(ids[i])],
                textposition=["middle left", "middle right"],
                name=_label(ids[i]),
                hovertemplate=(
                    f"{_label(ids[i])}<br>φ+ {flows.leaving[i]:.3f}, "
                    f"φ− {flows.entering[i]:.3f}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        **_LAYOUT,
        title=f"PROMETHEE I partial ranking (top {len(order)} by net flow)",
        xaxis={
            "tickvals": [0, 1],
            "ticktext": [
                f"Leaving flow φ+ ({plus.min():.3f} to {plus.max():.3f})",
                f"Entering flow φ− ({minus.max():.3f} to {minus.min():.3f})",
            ],
            "range": [-0.7, 1.7],
            "title": "Lines that cross: packages that cannot be compared",
        },
        yaxis={
            "title": "Place on each flow's scale (top: best of these packages)",
            "showticklabels": False,
            "range": [-0.05, 1.05],
        },
        showlegend=False,
        height=max(460, 34 * len(order) + 150),
    )
    return fig


def gaia_chart(
    plane: Gaia,
    flows: PrometheeFlows,
    highlight: Sequence[str] = (),
) -> go.Figure:
    """The GAIA plane: packages as points, each criterion as an axis from the centre (enlarged
    to the spread of the packages), the weights as the decision stick (its direction; drawn at
    80% of that spread). Packages far along the stick do well at these weights."""
    pts = plane.alternatives
    reach = float(np.max(np.linalg.norm(pts, axis=1))) if len(pts) else 1.0
    longest = float(np.max(np.linalg.norm(plane.criteria, axis=1), initial=0.0))
    scale = reach / longest if longest > 0 and reach > 0 else 1.0
    ids = list(flows.alternatives)
    fig = go.Figure()
    marked = [i for i, a in enumerate(ids) if a in highlight]
    rest = [i for i in range(len(ids)) if i not in marked]
    fig.add_trace(
        go.Scatter(
            x=pts[rest, 0],
            y=pts[rest, 1],
            mode="markers",
            name="package",
            marker={"color": OKABE_ITO[4], "size": 8},
            text=[_label(ids[i]) for i in rest],
            hovertemplate="%{text}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=pts[marked, 0],
            y=pts[marked, 1],
            mode="markers+text",
            name="recommended and compared",
            marker={"color": OKABE_ITO[5], "size": 12, "symbol": "diamond"},
            text=[_label(ids[i]) for i in marked],
            textposition="top center",
            hovertemplate="%{text}<extra></extra>",
        )
    )
    for j, c in enumerate(flows.criteria):
        x, y = scale * plane.criteria[j]
        name = CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else _label(c)
        fig.add_trace(
            go.Scatter(
                x=[0, x],
                y=[0, y],
                mode="lines+text",
                line={"color": OKABE_ITO[0], "width": 1.5},
                text=["", name],
                textposition="top center",
                showlegend=j == 0,
                name="criterion",
                hoverinfo="skip",
            )
        )
    # the stick's direction is what matters; drawn to 80% of the packages' spread
    norm = float(np.linalg.norm(plane.stick))
    sx, sy = (0.8 * reach / norm) * plane.stick if norm > 0 and reach > 0 else plane.stick
    fig.add_trace(
        go.Scatter(
            x=[0, sx],
            y=[0, sy],
            mode="lines+markers",
            line={"color": OKABE_ITO[7], "width": 5},
            marker={"symbol": "arrow", "angleref": "previous", "size": [0, 16]},
            name=f"decision stick: where the weights pull ({plane.stick_share:.0%} in the plane)",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        **_LAYOUT,
        title=f"GAIA plane: it shows {plane.delta:.0%} of the spread of the net flows (delta)",
        xaxis_title="First principal component of the net flows per criterion",
        yaxis_title="Second principal component",
        yaxis_scaleanchor="x",
        height=620,
    )
    return fig
