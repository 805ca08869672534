"""Tables and lines the app's pages show, built from a run's objects: pure, no Streamlit.

A page reads its :class:`mcdm.session.Context`, calls these and draws what they return; the
charts are in :mod:`mcdm.figures`. Lines meant for Markdown have user text escaped.

- :mod:`.formats`: the number format of each column;
- :mod:`.packages`: the packages, allocations, members' shares and caps, two packages compared;
- :mod:`.ranking`: the ranking's and the robustness check's lines and tables;
- :mod:`.data`: the data in use, their sources, the members and their caps to edit;
- :mod:`.snapshots`: two snapshots compared.
"""

from .data import (
    MEMBER_EDITABLE,
    SourceNote,
    caps_basis,
    dataset_tables,
    members_frame,
    source_notes,
    sources_table,
    split_keys,
)
from .formats import column_formats
from .packages import (
    allocation_matrix,
    archetype_names,
    archetype_table,
    caps_table,
    compare_criteria,
    frontier_measures,
    horizon_columns,
    member_table,
    package_names,
    packages_table,
    price_lines,
    scenario_caption,
    side_by_side,
    withdrawal_line,
)
from .ranking import (
    CONFIDENCE_MEANING,
    confidence_table,
    left_out_lines,
    method_notes,
    smaa_caption,
    weights_caption,
)
from .snapshots import settings_diff_table, snapshot_deltas, snapshot_results

__all__ = [
    "CONFIDENCE_MEANING",
    "MEMBER_EDITABLE",
    "SourceNote",
    "allocation_matrix",
    "archetype_names",
    "archetype_table",
    "caps_basis",
    "caps_table",
    "column_formats",
    "compare_criteria",
    "confidence_table",
    "dataset_tables",
    "frontier_measures",
    "horizon_columns",
    "left_out_lines",
    "member_table",
    "members_frame",
    "method_notes",
    "package_names",
    "packages_table",
    "price_lines",
    "scenario_caption",
    "settings_diff_table",
    "side_by_side",
    "smaa_caption",
    "snapshot_deltas",
    "snapshot_results",
    "source_notes",
    "sources_table",
    "split_keys",
    "weights_caption",
    "withdrawal_line",
]
