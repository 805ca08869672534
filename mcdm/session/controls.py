"""The sidebar's controls as frozen records, and the scenario they describe.

``app.py`` reads the widgets into :class:`ScenarioControls` and :class:`RankingControls`;
:func:`apply_scenario_controls` and :func:`ranked_scenario` turn them into the scenario that the
pipeline solves and ranks, exactly as ``mcdm run`` does with the file the Export page writes.
The Members page's caps are in :mod:`.caps`, the ranking controls in :mod:`.weighting`
(both importable from here too).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from ..cost_basis import CostBasis
from ..frozen import FrozenMap
from ..horizon import DEFAULT_DISCOUNT_RATE, DEFAULT_HORIZON_YEARS
from ..model import COST_RANGES, Dataset, Member, Scenario, USBackstop
from .caps import (
    CAPS_COLUMNS,
    TAKES_PART,
    MemberCaps,
    caps_from_rows,
    caps_rows,
    member_choices_from_rows,
    member_rows,
    preset_members,
)
from .restrictions import applied_restrictions, restriction_settings
from .weighting import (
    METHOD_HELP,
    OFFERED_METHODS,
    RankingControls,
    WeightScheme,
    ahp_matrix,
    methods_help,
    ranked_criteria,
    weight_help,
    weighting_help,
)

__all__ = [
    "BUNDLED_DATASET",
    "CAPS_COLUMNS",
    "METHOD_HELP",
    "OFFERED_METHODS",
    "TAKES_PART",
    "UPLOADED_DATASET",
    "MemberCaps",
    "RankingControls",
    "ScenarioControls",
    "WeightScheme",
    "ahp_matrix",
    "apply_scenario_controls",
    "caps_from_rows",
    "caps_rows",
    "controls_key",
    "member_choices_from_rows",
    "member_rows",
    "methods_help",
    "preset_members",
    "ranked_criteria",
    "ranked_scenario",
    "scenario_file_header",
    "slider_range",
    "weight_help",
    "weighting_help",
]

_N = TypeVar("_N", int, float)


#: Where the bundled data sit relative to a scenario file saved in the project's data/scenarios/.
BUNDLED_DATASET = ".."


#: The ``dataset`` an exported scenario names when the data in use were uploaded.
UPLOADED_DATASET = "uploaded_data"


def controls_key(preset: str, text: str) -> str:
    """The suffix of the sidebar's widget keys for a preset: its name and a digest of its text.

    Widgets start from each preset's values (a new key is a new widget), and the key is the same
    in every process: a SHA-256 digest, never Python's ``hash()``, which changes with
    ``PYTHONHASHSEED``.
    """
    return f"{preset}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


def slider_range(low: _N, high: _N, value: _N) -> tuple[_N, _N]:
    """A slider's bounds widened to hold ``value`` (a preset may go beyond the usual range)."""
    return min(low, value), max(high, value)


@dataclass(frozen=True)
class ScenarioControls:
    """What the scenario form holds: the figures, the members and kinds chosen, the caps."""

    budget_eur_bn: float
    rotation_factor: float
    line_length_km: float
    us_backstop: USBackstop
    members: tuple[str, ...]
    archetypes: tuple[str, ...]
    caps: Mapping[str, MemberCaps] = field(default_factory=FrozenMap)
    # costs over the years (mcdm/horizon.py): what the budget counts, horizon, real rate
    budget_basis: Literal["annual", "horizon"] = "annual"
    horizon_years: int = DEFAULT_HORIZON_YEARS
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    # the stated restrictions left in force (ids) and the Straits; None: as the preset sets them
    restrictions: tuple[str, ...] | None = None
    straits_open: bool | None = None
    cost_basis: CostBasis = CostBasis.FULL
    #: ``[resilience] withdrawals``: how many members' withdrawals packages must survive
    withdrawals: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "caps", FrozenMap(self.caps))

    @classmethod
    def of(cls, base: Scenario, members: Mapping[str, Member], data: Dataset) -> ScenarioControls:
        """The controls as a preset sets them (``members``: from :func:`preset_members`)."""
        return cls(
            budget_eur_bn=float(base.budget_eur_bn),
            rotation_factor=float(base.rotation_factor),
            line_length_km=float(base.line_length_km),
            us_backstop=USBackstop(base.us_backstop),
            members=tuple(base.members or data.members),
            archetypes=tuple(base.archetypes or data.archetypes),
            caps={mid: MemberCaps.of(m) for mid, m in members.items()},
            budget_basis=base.budget_basis,
            horizon_years=int(base.horizon_years),
            discount_rate=float(base.discount_rate),
            restrictions=applied_restrictions(base, data),
            straits_open=base.maritime.straits_open,
            cost_basis=CostBasis(base.cost_basis),
            withdrawals=base.resilience.withdrawals,
        )


def apply_scenario_controls(
    base: Scenario, controls: ScenarioControls, members: Mapping[str, Member], data: Dataset
) -> Scenario:
    """The scenario the controls describe: the preset plus the user's changes.

    ``members`` are every member as the preset sees them (:func:`preset_members`). A cap equal
    to the member's own is not written as an override; caps of members not taking part are
    left out. No member or kind chosen means all of them, as in a scenario file. The stated
    restrictions and the Straits map to ``[restrictions]`` and ``[maritime]`` as a scenario file
    sets them (:mod:`.restrictions`).
    """
    chosen = controls.members or tuple(data.members)
    overrides = {k: dict(v) for k, v in base.member_overrides.items()}
    for mid in chosen:
        if mid not in controls.caps:
            continue
        now = MemberCaps.of(members[mid])
        for key, value in dataclasses.asdict(controls.caps[mid]).items():
            if value != getattr(now, key):
                overrides.setdefault(mid, {})[key] = value
    archetypes = controls.archetypes or tuple(data.archetypes)
    applied = controls.restrictions
    straits = controls.straits_open
    return dataclasses.replace(
        base,
        budget_eur_bn=float(controls.budget_eur_bn),
        rotation_factor=float(controls.rotation_factor),
        line_length_km=float(controls.line_length_km),
        us_backstop=USBackstop(controls.us_backstop),
        cost_basis=CostBasis(controls.cost_basis),
        members=() if set(chosen) == set(data.members) else tuple(chosen),
        archetypes=() if set(archetypes) == set(data.archetypes) else tuple(archetypes),
        member_overrides=overrides,
        budget_basis=controls.budget_basis,
        horizon_years=int(controls.horizon_years),
        discount_rate=float(controls.discount_rate),
        restrictions=base.restrictions
        if applied is None
        else restriction_settings(base, applied, data),
        maritime=base.maritime
        if straits is None
        else dataclasses.replace(base.maritime, straits_open=bool(straits)),
        resilience=dataclasses.replace(base.resilience, withdrawals=int(controls.withdrawals)),
    )


def ranked_scenario(scenario: Scenario, controls: RankingControls, uploaded: bool) -> Scenario:
    """The scenario as the user sees it: the preset, the scenario controls and the ranking
    choices; what the app ranks and what the Export page writes.

    ``dataset`` never names a folder on the server: it is ``..`` for the bundled data (the
    ``data/`` folder of the project, for a file saved in ``data/scenarios/``) and
    ``uploaded_data`` for uploaded data (see :func:`scenario_file_header`).
    """
    s = scenario
    ahp = controls.weighting is WeightScheme.AHP and controls.ahp
    ranking = dataclasses.replace(
        s.ranking,
        methods=controls.methods or ("TOPSIS",),
        weighting=str(controls.weighting),  # type: ignore[arg-type]
        consensus=controls.consensus,  # type: ignore[arg-type]
        ahp=controls.ahp if ahp else s.ranking.ahp,
    )
    robustness = dataclasses.replace(
        s.robustness,
        smaa_draws=int(controls.smaa_draws),
        method=controls.smaa_method,
        weight_band=controls.weight_band,
        cost_uncertainty=(
            COST_RANGES
            if controls.cost_uncertainty == COST_RANGES
            else float(controls.cost_uncertainty)
        ),
    )
    return dataclasses.replace(
        s,
        dataset=UPLOADED_DATASET if uploaded else BUNDLED_DATASET,
        weights=controls.weights if controls.weighting is WeightScheme.USER else s.weights,
        ranking=ranking,
        robustness=robustness,
        source_path="",
    )


def scenario_file_header(uploaded_names: tuple[str, ...]) -> str:
    """TOML comments that say where an exported scenario expects its data."""
    if uploaded_names:
        return (
            f"# Computed on data you uploaded ({', '.join(uploaded_names)}) and the bundled\n"
            f"# data files for the rest. To reproduce it, put those files in a folder named\n"
            f"# {UPLOADED_DATASET}/ beside this file (copy the other files from the project's\n"
            "# data/ folder) and run: mcdm run THIS_FILE --out DIR\n"
        )
    return (
        "# Computed on the bundled data. Save this file in the project's data/scenarios/\n"
        '# folder (dataset = ".." is data/, relative to this file), or set dataset to your data\n'
        "# folder, and run: mcdm run THIS_FILE --out DIR\n"
    )
