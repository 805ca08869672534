"""The US backstop's sourced range in the robustness analysis: the packages' deterrence with the
option's multiplier at the low and at the high end of its range (parameters.toml,
``deterrence_multiplier_low/_high``), ranked again with the same methods, weights and draws, and
whether the recommendation (:mod:`mcdm.recommend`) holds at each end.

The packages are not solved again: the multiplier scales the whole deterrence measure the
optimiser maximises (denial plus tripwire, :mod:`mcdm.milp.measures`), which leaves its best
mixes where they are, and the cost tie-break's floor is relative to the best value. Only the
packages' deterrence and its backstop component change (data/MODEL.md, "The backstop's range").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .criteria import deterrence_components
from .frozen import FrozenMap
from .headline import package_name
from .matrix_ranking import MatrixRanking
from .model import Instance
from .packages import PackageSet
from .recommend import Recommendation
from .results import DecisionMatrix

__all__ = [
    "BackstopEnd",
    "BackstopRange",
    "backstop_range",
    "names_of",
    "package_deterrence",
    "range_json",
    "rescaled_matrix",
]


@dataclass(frozen=True)
class BackstopEnd:
    """The ranking at one end of the multiplier's range."""

    end: Literal["low", "high"]
    multiplier: float
    package_id: str  # the recommended package at this end (the rule of mcdm.recommend)
    verdict: str  # "clear" or "too_close", as Recommendation.verdict
    deterrence: Mapping[str, float] = field(default_factory=FrozenMap)  # package id -> points

    def __post_init__(self) -> None:
        object.__setattr__(self, "deterrence", FrozenMap(self.deterrence))


@dataclass(frozen=True)
class BackstopRange:
    """Whether the recommendation holds across the US backstop's range.

    ``ends`` is empty when the scenario's option has a single value (no range to test).
    """

    option: str
    multiplier: float  # the value the model uses
    recommended: str  # the recommended package at that value
    deterrence: Mapping[str, float] = field(default_factory=FrozenMap)  # at that value
    ends: tuple[BackstopEnd, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "deterrence", FrozenMap(self.deterrence))

    @property
    def single_point(self) -> bool:
        return not self.ends

    @property
    def holds(self) -> bool:
        """The recommendation is the same package at both ends (trivially without a range)."""
        return all(e.package_id == self.recommended for e in self.ends)

    def statement(self, names: Mapping[str, str]) -> str:
        """The range's result in words; ``names``: package id -> name for people."""
        top = names.get(self.recommended, self.recommended)
        if self.single_point:
            return (
                f"The US backstop option of this scenario ({self.option}) has one estimate of "
                f"its effect on deterrence (×{self.multiplier:g}) and no range, so there is no "
                "range to test the recommendation against."
            )
        low, high = self.ends
        first = _holds_words(low, names, self.recommended, "the recommendation is unchanged")
        second = _holds_words(high, names, self.recommended, f"it is still {top}")
        text = (
            f"With the US backstop at its low estimate (×{low.multiplier:g}, against the "
            f"model's ×{self.multiplier:g}) {first}; at its high estimate "
            f"(×{high.multiplier:g}) {second}."
        )
        points = [self.deterrence.get(self.recommended, 0.0)]
        points += [e.deterrence.get(self.recommended, 0.0) for e in self.ends]
        whose = "Its deterrence" if self.holds else f"The deterrence of {top}"
        return text + (
            f" {whose}: {points[1]:,.1f} points at the low estimate, "
            f"{points[0]:,.1f} at the model's, {points[2]:,.1f} at the high."
        )

    def as_json(self, names: Mapping[str, str]) -> dict[str, Any]:
        """For run.json: the option, its range, the recommendation at each end, the statement."""
        return {
            "option": self.option,
            "multiplier": self.multiplier,
            "recommended": self.recommended,
            "single_point": self.single_point,
            "holds": self.holds,
            "ends": [
                {
                    "end": e.end,
                    "multiplier": e.multiplier,
                    "recommended": e.package_id,
                    "verdict": e.verdict,
                    "deterrence_of_recommended": round(e.deterrence.get(self.recommended, 0.0), 6),
                }
                for e in self.ends
            ],
            "statement": self.statement(names),
        }


def _holds_words(end: BackstopEnd, names: Mapping[str, str], recommended: str, same: str) -> str:
    if end.package_id == recommended:
        words = same
    else:
        words = f"the recommendation becomes {names.get(end.package_id, end.package_id)}"
    return words + (" (too close to call)" if end.verdict == "too_close" else "")


def package_deterrence(
    instance: Instance, pset: PackageSet, multiplier: float | None = None
) -> dict[str, float]:
    """Each package's deterrence with the backstop multiplier given (None: the scenario's)."""
    return {
        p.package_id: sum(deterrence_components(instance, p.allocation, multiplier).values())
        for p in pset.packages
    }


def rescaled_matrix(matrix: DecisionMatrix, deterrence: Mapping[str, float]) -> DecisionMatrix:
    """The decision matrix with its deterrence column replaced (unchanged without one)."""
    if "deterrence" not in matrix.criteria:
        return matrix
    values = matrix.values.copy()
    j = matrix.criteria.index("deterrence")
    values[:, j] = [deterrence[a] for a in matrix.alternatives]
    return matrix.replace(values=values)


def backstop_range(
    instance: Instance,
    pset: PackageSet,
    matrix: DecisionMatrix,
    recommendation: Recommendation,
    rank: Callable[..., MatrixRanking],
) -> BackstopRange:
    """Rank the packages again at each end of the backstop multiplier's range.

    Parameters
    ----------
    matrix
        The packages' decision matrix at the model's multiplier, before constant criteria are
        dropped (what ``rank`` was handed for ``recommendation``).
    recommendation
        The recommendation at the model's multiplier.
    rank
        The ranking of the run (same weights, methods, consensus, SMAA draws and seed), called
        with ``full=False``: only what the recommendation needs
        (:func:`mcdm.matrix_ranking.rank_decision_matrix`).
    """
    option = instance.backstop
    point = option.deterrence_multiplier
    here = package_deterrence(instance, pset)
    low, high = option.multiplier_range
    out = BackstopRange(instance.scenario.us_backstop.value, point, recommendation.package_id, here)
    if low == point and high == point:
        return out
    ends = []
    for end, mult in (("low", low), ("high", high)):
        if mult == point:
            rec, values = recommendation, here
        else:
            values = package_deterrence(instance, pset, mult)
            rec = rank(rescaled_matrix(matrix, values), full=False).recommendation
        ends.append(BackstopEnd(end, mult, rec.package_id, rec.verdict, values))  # type: ignore[arg-type]
    return BackstopRange(out.option, point, out.recommended, here, tuple(ends))


def names_of(pset: PackageSet) -> dict[str, str]:
    """Package id -> the name people read (:func:`mcdm.headline.package_name`)."""
    return {p.package_id: package_name(p) for p in pset.packages}


def range_json(backstop: BackstopRange | None, pset: PackageSet) -> dict[str, Any] | None:
    """run.json's ``backstop_range`` (None without a ranking)."""
    return None if backstop is None else backstop.as_json(names_of(pset))
