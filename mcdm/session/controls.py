"""The sidebar's controls as frozen records, and the scenario they describe.

``app.py`` reads the widgets into :class:`ScenarioControls` and :class:`RankingControls`;
:func:`apply_scenario_controls` and :func:`ranked_scenario` turn them into the scenario that the
pipeline solves and ranks, exactly as ``mcdm run`` does with the file the Export page writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from ..criteria import CRITERIA, Criterion
from ..errors import InputError, Problem
from ..formats import format_eur_bn, format_number
from ..frozen import FrozenMap
from ..instance import instantiate
from ..kernels import KERNELS
from ..limits import MAX_MONEY_EUR_M, MAX_TROOPS
from ..model import COST_RANGES, DEFAULT_METHODS, Dataset, Member, Method, Scenario, USBackstop

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
#: The ranking methods the app offers: every :class:`~mcdm.model.Method` (the one list of them).
OFFERED_METHODS: tuple[str, ...] = tuple(m.value for m in Method)

#: One line on each method, for the app's help text (a test checks every method has one).
METHOD_HELP: Mapping[str, str] = FrozenMap(
    {
        Method.TOPSIS: "closest to the ideal package and farthest from the worst one",
        Method.VIKOR: "best compromise between the group's total regret and the worst single "
        "regret",
        Method.PROMETHEE_II: "net outranking flow: how much a package beats the others, "
        "criterion by criterion, minus how much they beat it",
        Method.SPOTIS: "distance to the best value each criterion can take (no rank reversal "
        "when packages are added)",
        Method.WASPAS: "half weighted sum, half weighted product of the normalised values",
        Method.COPRAS: "weighted benefits, plus a bonus for low weighted costs",
        Method.MABAC: "distance of each package from the border of the average",
        Method.WSM: "weighted sum of the normalised values (the simplest scoring)",
        Method.WPM: "weighted product of the normalised values (a weak criterion is punished "
        "harder)",
        Method.ARAS: "weighted sum relative to an ideal package",
        Method.EDAS: "distance from the average package, above and below it",
        Method.MOORA: "benefits minus costs after dividing each criterion by its vector length",
        Method.CODAS: "distance from the worst package (Euclidean first, then city-block)",
        Method.MARCOS: "utility relative to both the ideal and the anti-ideal package",
        Method.OCRA: "competitiveness of each package on inputs (costs) and outputs (benefits)",
    }
)


def methods_help() -> str:
    """The help text of the methods' selector: one Markdown line a method."""
    return "\n".join(f"- **{m}**: {METHOD_HELP[m]}" for m in OFFERED_METHODS)


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


# --- the scenario controls ---------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCaps:
    """One member's caps and willingness as the Members page edits them."""

    troop_pool: int
    max_troops_deployed: int | None
    max_contribution_eur_m: float
    ground_in_ukraine: bool
    outside_ukraine: bool

    @classmethod
    def of(cls, member: Member) -> MemberCaps:
        return cls(
            member.troop_pool,
            member.max_troops_deployed,
            member.max_contribution_eur_m,
            member.ground_in_ukraine,
            member.outside_ukraine,
        )


#: The Members page's columns that a user may change, with the words it shows.
CAPS_COLUMNS = {
    "troop_pool": "Troop pool",
    "max_troops_deployed": "Deployed cap",
    "max_contribution_eur_m": "Money cap (EUR m/yr)",
    "ground_in_ukraine": "Troops in Ukraine",
    "outside_ukraine": "Forces outside Ukraine",
}
#: The column that says whether a member takes part, with its words.
TAKES_PART = ("takes_part", "Takes part")


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
        )


def preset_members(base: Scenario, data: Dataset) -> Mapping[str, Member]:
    """Every member of the data as the preset sees it (its overrides applied), not only the
    members the preset takes."""
    return instantiate(dataclasses.replace(base, members=()), data).data.members


def caps_rows(members: Mapping[str, Member]) -> list[dict[str, Any]]:
    """The caps as rows to edit: id and name, then the columns a user may change."""
    return [
        {"member_id": mid, "Member": m.name, **dataclasses.asdict(MemberCaps.of(m))}
        for mid, m in members.items()
    ]


def member_rows(
    members: Mapping[str, Member], chosen: Iterable[str], caps: Mapping[str, MemberCaps]
) -> list[dict[str, Any]]:
    """The Members page's rows: id, whether the member takes part, its name, then its caps
    (``caps`` where given, else the member's own).

    ``members`` are every member as the preset sees them (:func:`preset_members`); no member
    chosen means all of them, as in a scenario file.
    """
    taking = set(chosen) or set(members)
    return [
        {
            "member_id": mid,
            TAKES_PART[0]: mid in taking,
            "Member": m.name,
            **dataclasses.asdict(caps.get(mid) or MemberCaps.of(m)),
        }
        for mid, m in members.items()
    ]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


_CAP_LIMITS = {
    "troop_pool": MAX_TROOPS,
    "max_troops_deployed": MAX_TROOPS,
    "max_contribution_eur_m": MAX_MONEY_EUR_M,
}


def _cap(row: Mapping[str, Any], key: str, problems: list[Problem]) -> Any:
    value = row.get(key)
    where = f"Members and their caps, row {row.get('Member', row.get('member_id'))}, column "
    whole = key != "max_contribution_eur_m"
    top = _CAP_LIMITS[key]
    expected = f"a {'whole number' if whole else 'number'} from 0 to {top:,.0f}"
    if _blank(value):
        if key == "max_troops_deployed":
            return None  # blank: pool / rotation
        problems.append(Problem(source=where + CAPS_COLUMNS[key], expected=expected, found=False))
        return None
    number = _float(value)
    if not 0 <= number <= top or (whole and not number.is_integer()):  # NaN and inf fail too
        problems.append(Problem(source=where + CAPS_COLUMNS[key], expected=expected, value=value))
        return None
    return int(number) if whole else number


def _flag(row: Mapping[str, Any], key: str) -> bool:
    value = row.get(key)
    return False if _blank(value) else bool(value)


def caps_from_rows(rows: Iterable[Mapping[str, Any]]) -> FrozenMap:
    """Rows of caps (``DataFrame.to_dict("records")``) as member id -> caps.

    Raises
    ------
    InputError
        Every cell that is blank where a number is needed, negative, not whole where it must
        be, not finite or beyond the data's limits.
    """
    problems: list[Problem] = []
    caps = {}
    for row in rows:
        values = {key: _cap(row, key, problems) for key in _CAP_LIMITS}
        caps[str(row["member_id"])] = MemberCaps(
            **values,
            ground_in_ukraine=_flag(row, "ground_in_ukraine"),
            outside_ukraine=_flag(row, "outside_ukraine"),
        )
    if problems:
        raise InputError(problems)
    return FrozenMap(caps)


def member_choices_from_rows(
    rows: Sequence[Mapping[str, Any]],
) -> tuple[tuple[str, ...], FrozenMap]:
    """The Members page's rows (:func:`member_rows`, as edited) as the members taking part
    and every member's caps.

    Raises
    ------
    InputError
        Every cap that cannot be used (:func:`caps_from_rows`), and no member taking part.
    """
    problems: list[Problem] = []
    try:
        caps = caps_from_rows(rows)
    except InputError as exc:
        problems += exc.problems
    chosen = tuple(str(r["member_id"]) for r in rows if _flag(r, TAKES_PART[0]))
    if not chosen:
        problems.append(
            Problem(
                source=f"Members and their caps, column {TAKES_PART[1]}",
                expected="at least one member taking part",
                found=False,
            )
        )
    if problems:
        raise InputError(problems)
    return chosen, caps


def apply_scenario_controls(
    base: Scenario, controls: ScenarioControls, members: Mapping[str, Member], data: Dataset
) -> Scenario:
    """The scenario the controls describe: the preset plus the user's changes.

    ``members`` are every member as the preset sees them (:func:`preset_members`). A cap equal
    to the member's own is not written as an override; caps of members not taking part are
    left out. No member or kind chosen means all of them, as in a scenario file.
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
    return dataclasses.replace(
        base,
        budget_eur_bn=float(controls.budget_eur_bn),
        rotation_factor=float(controls.rotation_factor),
        line_length_km=float(controls.line_length_km),
        us_backstop=USBackstop(controls.us_backstop),
        members=() if set(chosen) == set(data.members) else tuple(chosen),
        archetypes=() if set(archetypes) == set(data.archetypes) else tuple(archetypes),
        member_overrides=overrides,
    )


# --- the ranking controls ----------------------------------------------------------------------


class WeightScheme(StrEnum):
    """The weightings the sidebar offers (values as a scenario's ``ranking.weighting`` names
    them)."""

    USER = "user"
    EQUAL = "equal"
    ENTROPY = "entropy"
    CRITIC = "critic"
    AHP = "ahp"

    @property
    def label(self) -> str:
        return _SCHEME_LABELS[self]

    @property
    def help(self) -> str:
        """One line on what the weighting does."""
        return _SCHEME_HELP[self]


_SCHEME_LABELS = {
    WeightScheme.USER: "My weights",
    WeightScheme.EQUAL: "Equal",
    WeightScheme.ENTROPY: "Entropy",
    WeightScheme.CRITIC: "CRITIC",
    WeightScheme.AHP: "AHP comparisons",
}
_SCHEME_HELP = {
    WeightScheme.USER: "the sliders below: the larger a criterion's slider, the more it counts",
    WeightScheme.EQUAL: "every criterion counts the same",
    WeightScheme.ENTROPY: "from the packages: criteria on which they differ most count most",
    WeightScheme.CRITIC: "from the packages: criteria that vary a lot and repeat no other "
    "criterion count most",
    WeightScheme.AHP: "from pairwise comparisons you type in (how much more a row matters "
    "than a column)",
}


def weighting_help() -> str:
    """The help text of the weighting selector: one Markdown line a weighting."""
    return "\n".join(f"- **{s.label}**: {s.help}" for s in WeightScheme)


def ranked_criteria(scenario: Scenario) -> tuple[str, ...]:
    """The criteria a scenario ranks on, in order (the AHP grid's rows and columns)."""
    return tuple(scenario.ranking.criteria) or tuple(c.criterion_id for c in CRITERIA)


def _slider_weights(scenario: Scenario) -> FrozenMap:
    """The preset's weights on the 0-10 sliders (largest at 10, in steps of 0.5)."""
    start = scenario.weights or {c.criterion_id: 1.0 for c in CRITERIA}
    top = max(start.values()) or 1.0
    return FrozenMap(
        (c.criterion_id, round(10.0 * float(start.get(c.criterion_id, 0.0)) / top * 2) / 2)
        for c in CRITERIA
    )


def _ahp_start(scenario: Scenario) -> tuple[tuple[float, ...], ...]:
    """The preset's AHP matrix, or all ones (every criterion as important as the others)."""
    n = len(ranked_criteria(scenario))
    if len(scenario.ranking.ahp) == n and all(len(r) == n for r in scenario.ranking.ahp):
        return tuple(tuple(float(v) for v in r) for r in scenario.ranking.ahp)
    return tuple((1.0,) * n for _ in range(n))


@dataclass(frozen=True)
class RankingControls:
    """What the ranking part of the sidebar holds.

    ``weights`` are the sliders' values (used by :attr:`WeightScheme.USER`); ``ahp`` is the
    full pairwise matrix (used by :attr:`WeightScheme.AHP`; empty when the grid holds a value
    that cannot be used).
    """

    weighting: WeightScheme
    weights: Mapping[str, float]
    methods: tuple[str, ...]
    consensus: str
    smaa_draws: int
    smaa_method: str
    weight_band: float | None
    cost_uncertainty: float | str  # a share, or COST_RANGES for the data's own ranges
    ahp: tuple[tuple[float, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", FrozenMap(self.weights))
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "ahp", tuple(tuple(r) for r in self.ahp))

    @classmethod
    def of(cls, base: Scenario) -> RankingControls:
        """The controls as a preset sets them (the widgets' starting values)."""
        schemes = {str(s) for s in WeightScheme}
        rb = base.robustness
        return cls(
            weighting=WeightScheme(
                base.ranking.weighting if base.ranking.weighting in schemes else "user"
            ),
            weights=_slider_weights(base),
            ahp=_ahp_start(base),
            methods=tuple(m for m in base.ranking.methods if m in OFFERED_METHODS)
            or DEFAULT_METHODS,
            consensus=base.ranking.consensus,
            smaa_draws=int(rb.smaa_draws),
            smaa_method=rb.method if rb.method in KERNELS else next(iter(KERNELS)),
            weight_band=rb.weight_band,
            cost_uncertainty=rb.cost_uncertainty,
        )

    def problem(self) -> str | None:
        """Why these controls cannot rank (Markdown), or None."""
        if self.weighting is WeightScheme.USER and not any(v > 0 for v in self.weights.values()):
            return "Every weight is zero: set at least one weight above zero to rank."
        if self.weighting is WeightScheme.AHP and not self.ahp:
            return (
                "The AHP comparisons cannot be used: every comparison must be a number above "
                "zero (see the sidebar)."
            )
        return None


def ahp_matrix(
    values: Sequence[Sequence[Any]], labels: Sequence[str]
) -> tuple[tuple[float, ...], ...]:
    """The full pairwise matrix from the grid a user fills: the upper triangle is read, the
    lower triangle holds its reciprocals, the diagonal is 1.

    ``values`` is only read (pandas 3 hands out read-only arrays); an n x n grid for n labels.

    Raises
    ------
    InputError
        Every upper-triangle cell that is blank, not a number, not finite, or not above zero.
    """
    n = len(labels)
    grid = [[_float(values[i][j]) for j in range(n)] for i in range(n)]
    problems = [
        Problem(
            f"AHP comparisons, row {labels[i]}, column {labels[j]}",
            "a number above zero (1 = equally important, 9 = far more, 0.5 = less)",
            value=values[i][j],
            found=not _blank(values[i][j]),
        )
        for i in range(n)
        for j in range(i + 1, n)
        if not (math.isfinite(grid[i][j]) and grid[i][j] > 0)
    ]
    if problems:
        raise InputError(problems)
    return tuple(
        tuple(1.0 if i == j else grid[i][j] if i < j else 1.0 / grid[j][i] for j in range(n))
        for i in range(n)
    )


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


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


# --- what a weight means on these packages ------------------------------------------------------

#: How one value of each criterion reads in the sliders' help.
_VALUE_FORMATS = {
    "annual_cost_eur_bn": lambda v: f"{format_eur_bn(v)} a year",
    "troops_exposed": lambda v: f"{v:,.0f} troops",
    "early_warning_pct": lambda v: f"{v:.0f}% of the line",
    "air_defence_k_km2": lambda v: f"{1000 * v:,.0f} km²",
    "deterrence": lambda v: f"{format_number(v)} points",
    "escalation_risk": lambda v: f"{format_number(v)} points",
    "burden_gap_pct": lambda v: f"a gap of {v:.1f}%",
    "nations": lambda v: f"{v:.0f} nations",
    "readiness_days": lambda v: f"{v:.0f} days",
    "political_risk_pct": lambda v: f"{v:.0f}% of the cost",
}


def _value(criterion: Criterion, value: float) -> str:
    fmt = _VALUE_FORMATS.get(criterion.criterion_id)
    return fmt(value) if fmt is not None else f"{format_number(value)} {criterion.unit}"


def weight_help(criterion: Criterion, values: Sequence[float]) -> str:
    """A weight slider's help: what the criterion is, and what its weight means on this set of
    packages, the swing from the worst to the best of them on it ("from EUR 8.40 bn a year
    (worst) to EUR 1.20 bn a year (best)").

    Parameters
    ----------
    criterion
        The criterion of the slider.
    values
        Its value in every package ranked (empty: no packages yet).
    """
    head = f"{criterion.help.rstrip('.')} ({criterion.direction.value}, {criterion.unit})."
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if not finite:
        return head
    lo, hi = min(finite), max(finite)
    n = len(finite)
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):
        return (
            f"{head} All {n:,} packages have {_value(criterion, lo)}: its weight changes "
            "nothing in the ranking."
        )
    worst, best = (lo, hi) if criterion.direction.sign > 0 else (hi, lo)
    return (
        f"{head} Across these {n:,} packages it runs from {_value(criterion, worst)} (worst) to "
        f"{_value(criterion, best)} (best): its weight says how much that swing is worth "
        "against the other criteria's swings."
    )
