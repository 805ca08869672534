"""The Contributions page's charts: who gives what, and each member's cost share against its
GDP share."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..model import Instance
from ..results import Package
from ..session.words import humanise
from ..views import member_table
from .style import LAYOUT, OKABE_ITO, safe_text

__all__ = ["burden_chart", "contributions_chart"]


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
                    x=[safe_text(m) for m in order],
                    y=part[measure],
                    name=cat,
                    marker_color=OKABE_ITO[i % len(OKABE_ITO)],
                )
            )
    label = "Annual cost (EUR m a year)" if measure == "cost_eur_m" else "Troops deployed"
    fig.update_layout(
        **LAYOUT,
        barmode="stack",
        title=f"Who gives what in {safe_text(package.package_id)}",
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
            x=[safe_text(m) for m in table["Member"]],
            y=table["Cost share (%)"],
            name="Cost share",
            marker_color=OKABE_ITO[0],
        )
    )
    fig.add_trace(
        go.Bar(
            x=[safe_text(m) for m in table["Member"]],
            y=table["GDP share (%)"],
            name="GDP share (of members able to contribute)",
            marker_color=OKABE_ITO[1],
        )
    )
    fig.update_layout(
        **LAYOUT,
        barmode="group",
        title="Cost share against GDP share",
        xaxis_title="Member",
        yaxis_title="Share (%)",
    )
    return fig
