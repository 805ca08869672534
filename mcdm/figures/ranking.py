"""The Ranking page's charts: each method's ranks, and how far the methods agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .style import LAYOUT, safe_text

__all__ = ["correlation_heatmap", "ranks_heatmap"]


def ranks_heatmap(rank_frame: pd.DataFrame, top: int = 25) -> go.Figure:
    """Packages (rows, best consensus first) x methods (columns), cell = rank."""
    df = rank_frame.sort_values("consensus_rank").head(top)
    fig = go.Figure(
        go.Heatmap(
            z=df.to_numpy(),
            x=list(df.columns),
            y=[safe_text(i) for i in df.index],
            colorscale="cividis_r",
            colorbar={"title": "Rank"},
            text=df.to_numpy(),
            texttemplate="%{text:.0f}",
            hovertemplate="%{y}<br>%{x}: rank %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        **LAYOUT,
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
            x=[safe_text(c) for c in corr.columns],
            y=[safe_text(i) for i in corr.index],
            zmin=0,
            zmax=1,
            colorscale="cividis",
            colorbar={"title": label},
            text=np.round(corr.to_numpy(), 2),
            texttemplate="%{text}",
        )
    )
    fig.update_layout(
        **LAYOUT,
        title=f"Agreement between methods ({label})",
        xaxis_title="Method",
        yaxis_title="Method",
    )
    return fig
