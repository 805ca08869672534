"""The Why page's charts: a package's score by criterion against another's, PROMETHEE I's
partial ranking and the GAIA plane."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..criteria import CRITERIA_BY_ID
from ..why import Gaia, PrometheeFlows, ScoreBreakdown
from .style import LAYOUT, OKABE_ITO, safe_text

__all__ = ["gaia_chart", "promethee_one_chart", "why_chart"]


def why_chart(breakdown: ScoreBreakdown) -> go.Figure:
    """Diverging bars: by how much the package beats (right) or trails (left) the other on
    each criterion, in the method's score parts (one unit); without another package, its own
    parts."""
    crit = list(breakdown.criteria)
    labels = [CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else safe_text(c) for c in crit]
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
    name = safe_text(breakdown.package_id)
    title = (
        f"{name} against {safe_text(breakdown.other_id)} under {breakdown.method}"
        if against
        else f"{name}'s score by criterion under {breakdown.method}"
    )
    span = float(np.max(np.abs(values))) if len(values) else 0.0
    fig.update_layout(
        **LAYOUT,
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
                text=[safe_text(ids[i]), safe_text(ids[i])],
                textposition=["middle left", "middle right"],
                name=safe_text(ids[i]),
                hovertemplate=(
                    f"{safe_text(ids[i])}<br>φ+ {flows.leaving[i]:.3f}, "
                    f"φ− {flows.entering[i]:.3f}<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        **LAYOUT,
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
            text=[safe_text(ids[i]) for i in rest],
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
            text=[safe_text(ids[i]) for i in marked],
            textposition="top center",
            hovertemplate="%{text}<extra></extra>",
        )
    )
    for j, c in enumerate(flows.criteria):
        x, y = scale * plane.criteria[j]
        name = CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else safe_text(c)
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
        **LAYOUT,
        title=f"GAIA plane: it shows {plane.delta:.0%} of the spread of the net flows (delta)",
        xaxis_title="First principal component of the net flows per criterion",
        yaxis_title="Second principal component",
        yaxis_scaleanchor="x",
        height=620,
    )
    return fig
