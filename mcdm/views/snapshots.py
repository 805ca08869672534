"""The Compare page's tables: two snapshots' settings, results and top packages side by side."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..model import Dataset
from ..session import Snapshot, describe_settings
from .packages import compare_criteria

__all__ = ["settings_diff_table", "snapshot_deltas", "snapshot_results"]


def settings_diff_table(
    a: str, sa: Snapshot, b: str, sb: Snapshot, data: Dataset | None = None
) -> pd.DataFrame:
    """The inputs that differ between two snapshots, in words (one row a setting)."""
    header_a, header_b = (a, b) if a != b else (f"{a} (1)", f"{b} (2)")
    return pd.DataFrame(
        describe_settings(sa.scenario, sb.scenario, data), columns=["Setting", header_a, header_b]
    )


def snapshot_results(named: Sequence[tuple[str, Snapshot]]) -> pd.DataFrame:
    """One row a snapshot: how many packages, the top one and how it fares, what failed."""
    return pd.DataFrame(
        [
            {
                "Snapshot": label,
                "Packages": s.summary.packages,
                "Top package": s.summary.top_name if s.summary.top else None,
                "Its cost (EUR bn/yr)": s.summary.top_cost_eur_bn,
                "Its troops": s.summary.top_troops,
                "First in (share of draws)": s.summary.top_share_first,
                "Not possible": ", ".join(s.summary.infeasible),
            }
            for label, s in named
        ]
    )


def snapshot_deltas(a: str, sa: Snapshot, b: str, sb: Snapshot) -> pd.DataFrame | None:
    """The two snapshots' top packages criterion by criterion: values, the difference (B - A)
    and which is better, in words (None unless both rank a top package)."""
    if not (sa.summary.top and sb.summary.top):
        return None
    top_a, top_b = sa.criteria.get(sa.summary.top), sb.criteria.get(sb.summary.top)
    if top_a is None or top_b is None:
        return None
    return compare_criteria((f"{a}: top", top_a), (f"{b}: top", top_b))
