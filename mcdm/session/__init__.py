"""The app's state transitions, pure and tested: controls to a scenario, caps edits, the AHP
grid, uploads, "what changed", snapshots and the stakeholder profiles to edit.

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
)
from .stakeholders import (
    EDITOR_WHERE,
    add_profile,
    compare_in_context,
    profile_rows,
    profiles_from_rows,
    profiles_key,
)
from .uploads import MAX_UPLOAD_BYTES, read_uploaded_data, read_uploaded_scenario

__all__ = [
    "BUNDLED_DATASET",
    "CAPS_COLUMNS",
    "EDITOR_WHERE",
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
    "add_profile",
    "ahp_matrix",
    "apply_scenario_controls",
    "caps_from_rows",
    "caps_rows",
    "compare_in_context",
    "consensus_by_package",
    "controls_key",
    "diff_settings",
    "preset_members",
    "profile_rows",
    "profiles_from_rows",
    "profiles_key",
    "ranked_criteria",
    "ranked_scenario",
    "read_uploaded_data",
    "read_uploaded_scenario",
    "scenario_file_header",
    "slider_range",
    "snapshot_name",
    "summarise",
    "track_changes",
    "what_changed",
]
