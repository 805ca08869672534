"""The ranking part of the sidebar: the methods offered and their help, the weighting schemes,
the weights' sliders and what a weight means on the packages, and the AHP grid read back."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..criteria import CRITERIA, Criterion
from ..errors import InputError, Problem
from ..formats import format_eur_bn, format_number
from ..frozen import FrozenMap
from ..kernels import KERNELS
from ..model import DEFAULT_METHODS, Method, Scenario
from .caps import as_float, is_blank

__all__ = [
    "METHOD_HELP",
    "OFFERED_METHODS",
    "RankingControls",
    "WeightScheme",
    "ahp_matrix",
    "methods_help",
    "ranked_criteria",
    "weight_help",
    "weighting_help",
]

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
    grid = [[as_float(values[i][j]) for j in range(n)] for i in range(n)]
    problems = [
        Problem(
            f"AHP comparisons, row {labels[i]}, column {labels[j]}",
            "a number above zero (1 = equally important, 9 = far more, 0.5 = less)",
            value=values[i][j],
            found=not is_blank(values[i][j]),
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


#: How one value of each criterion reads in the sliders' help.
_VALUE_FORMATS = {
    "annual_cost_eur_bn": lambda v: f"{format_eur_bn(v)} a year",
    "troops_exposed": lambda v: f"{v:,.0f} troops",
    "early_warning_pct": lambda v: f"{v:.0f}% early warning (line and depth)",
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
