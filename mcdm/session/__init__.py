"""The app's state transitions, pure and tested: controls to a scenario, caps edits, the AHP
grid, uploads, "what changed" and snapshots.

No Streamlit here (``tests/test_layers.py``): ``app.py`` reads the widgets into the frozen
records of :mod:`.controls`, and the pages read the :class:`Context` of :mod:`.changes`.
"""

from .changes import (
    Context,
    Shown,
    Snapshot,
    Summary,
    consensus_by_package,
    diff_settings,
    snapshot_name,
    summarise,
    track_changes,
    what_changed,
)
from .controls import (
    BUNDLED_DATASET,
    CAPS_COLUMNS,
    OFFERED_METHODS,
    UPLOADED_DATASET,
    MemberCaps,
    RankingControls,
    ScenarioControls,
    WeightScheme,
    ahp_matrix,
    apply_scenario_controls,
    caps_from_rows,
    caps_rows,
    controls_key,
    preset_members,
    ranked_criteria,
    ranked_scenario,
    scenario_file_header,
    slider_range,
    weight_help,
)
from .uploads import MAX_UPLOAD_BYTES, read_uploaded_data, read_uploaded_scenario

__all__ = [
    "BUNDLED_DATASET",
    "CAPS_COLUMNS",
    "MAX_UPLOAD_BYTES",
    "OFFERED_METHODS",
    "UPLOADED_DATASET",
    "Context",
    "MemberCaps",
    "RankingControls",
    "ScenarioControls",
    "Shown",
    "Snapshot",
    "Summary",
    "WeightScheme",
    "ahp_matrix",
    "apply_scenario_controls",
    "caps_from_rows",
    "caps_rows",
    "consensus_by_package",
    "controls_key",
    "diff_settings",
    "preset_members",
    "ranked_criteria",
    "ranked_scenario",
    "read_uploaded_data",
    "read_uploaded_scenario",
    "scenario_file_header",
    "slider_range",
    "snapshot_name",
    "summarise",
    "track_changes",
    "weight_help",
    "what_changed",
]
