"""The Robustness page's charts: rank acceptability across weight draws, the weight stability
intervals and the core index."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..criteria import CRITERIA_BY_ID
from .style import LAYOUT, OKABE_ITO, safe_text

__all__ = ["acceptability_chart", "core_chart", "stability_chart"]


def acceptability_chart(acceptability: pd.DataFrame, top: int = 12, ranks: int = 5) -> go.Figure:
    """Stacked bars: how often each package takes rank 1, 2, ... across weight draws."""
    cols = [c for c in acceptability.columns if c.startswith("rank_")][:ranks]
    df = acceptability.sort_values(cols, ascending=False).head(top)
    fig = go.Figure()
    for i, c in enumerate(cols):
        fig.add_trace(
            go.Bar(
                y=[safe_text(i) for i in df.index],
                x=100 * df[c],
                orientation="h",
                name=f"rank {c.split('_')[1]}",
                marker_color=OKABE_ITO[i % len(OKABE_ITO)],
            )
        )
    fig.update_layout(
        **LAYOUT,
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
    target = safe_text(stability["top"].iloc[0]) if len(stability) else "the package"
    labels = [
        CRITERIA_BY_ID[c].label if c in CRITERIA_BY_ID else safe_text(c)
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
        **LAYOUT,
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
            y=[safe_text(f) for f in df["feature"]],
            x=100 * df["core_index"],
            orientation="h",
            marker_color=[colours[s] for s in df["status"]],
            text=df["status"],
            textposition="auto",
        )
    )
    fig.update_layout(
        **LAYOUT,
        title="Core index: in the top package in what share of draws",
        xaxis_title="Share of weight draws (%)",
        yaxis_title="Member or element",
        yaxis_autorange="reversed",
        xaxis_range=[0, 100],
        height=max(350, 22 * len(df) + 120),
    )
    return fig
