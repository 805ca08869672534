"""What solving and ranking produce and work on: packages, their allocations and shortfalls,
and decision matrices. Frozen value objects, like :mod:`mcdm.model`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .frozen import freeze_fields
from .model import Measure

__all__ = [
    "Allocation",
    "ColumnDraws",
    "DecisionMatrix",
    "Package",
    "PackageKind",
    "PledgeOutlook",
    "Shortfall",
    "SolveStatus",
]


class SolveStatus(StrEnum):
    """Outcome of one solve, in our terms rather than a solver's codes."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible_at_limit"  # stopped by a time limit or gap with a solution in hand
    INFEASIBLE = "infeasible"
    ERROR = "error"

    @property
    def has_solution(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Shortfall:
    """One requirement that no package of an archetype can meet, with its figures.

    ``required`` is what the requirement asks for and ``achieved`` the most that can be had,
    solved for (see data/MODEL.md, "Infeasible archetypes"): for a ratio (enablers, the lead
    nations' share) what the mix needs and what it has; for money alone, the cost of the
    cheapest package and the budget. ``limited_by`` names the requirements that hold this one
    down when it could be met on its own. ``message`` says it all in the user's terms.
    """

    requirement: str
    required: float
    achieved: float
    unit: str
    message: str = ""
    label: str = ""
    supply_text: str = ""
    ratio: bool = False
    limited_by: tuple[str, ...] = ()

    @property
    def gap(self) -> float:
        return abs(self.required - self.achieved)


@dataclass(frozen=True, order=True)
class Allocation:
    """Units of one element sent by one member."""

    member_id: str
    element_id: str
    units: int


@dataclass(frozen=True)
class PledgeOutlook:
    """A package over its members' joint outcomes, each member's contribution coming with its
    chance and a member that does not come sending nothing (data/MODEL.md, "Pledges with their
    chance").

    ``method`` is ``"exact"`` (every joint outcome of the uncertain members enumerated; a
    package of certain members has one), or ``"monte_carlo"`` (``outcomes`` seeded draws).
    ``p10_*`` is the 10th percentile: the least value reached in at least 90% of outcomes.
    ``uncertain`` lists the members whose chance is below 1, ``troops_uncertain`` their troops.
    """

    p_requirements_hold: float
    expected_primary: float
    p10_primary: float
    expected_troops: float
    p10_troops: float
    method: str = "exact"
    outcomes: int = 1
    uncertain: tuple[str, ...] = ()
    troops_uncertain: int = 0


class PackageKind(StrEnum):
    """How a package was generated."""

    FRONTIER = "frontier"  # epsilon-constraint level over budget
    TROOPS = "troops"  # epsilon-constraint level over troops
    ALTERNATIVE = "alternative"  # near-optimal alternative at the scenario budget (no-good cut)


@dataclass(frozen=True)
class Package:
    """One solved force mix with its criteria and how it was found."""

    package_id: str
    archetype: str
    kind: PackageKind
    budget_level_eur_bn: float
    status: SolveStatus
    allocation: tuple[Allocation, ...]
    criteria: Mapping[str, float]
    primary: Measure
    objective: float
    binding: tuple[str, ...] = ()
    solve_time_s: float = 0.0
    troop_level: int | None = None
    troops_deployed: int = 0
    dominated: bool = False
    gap_to_best_pct: float = 0.0
    note: str = ""
    label: str = ""  # the name people read ("Hybrid, best at EUR 8 bn"); package_id is stable
    # deterrence by component (denial, tripwire, backstop; mcdm.criteria.DETERRENCE_PARTS),
    # summing to criteria["deterrence"]
    deterrence_parts: Mapping[str, float] = field(default_factory=dict)
    # costs over the years (mcdm/horizon.py): spent once, and the horizon's present value
    one_off_cost_eur_bn: float = 0.0
    horizon_cost_eur_bn: float = 0.0
    # early warning by component in % of the line (the line watched, the line watched in depth;
    # mcdm.criteria.WARNING_PARTS), which criteria["early_warning_pct"] weighs together
    warning_parts: Mapping[str, float] = field(default_factory=dict)
    # what the package spends on Ukraine's own forces (category ukraine_forces), EUR bn a year
    ukraine_forces_cost_eur_bn: float = 0.0
    # the package when each member's contribution comes with its chance (mcdm.pledges)
    pledges: PledgeOutlook | None = None
    # withdrawals (mcdm.survival): how many it survives, the member whose withdrawal costs the
    # most of the primary measure, and that loss in % of the package's value
    resilient_to: int = 0
    worst_withdrawal: str = ""
    worst_withdrawal_loss_pct: float = 0.0

    def __post_init__(self) -> None:
        freeze_fields(
            self, "criteria", "binding", "allocation", "deterrence_parts", "warning_parts"
        )

    @property
    def annual_cost_eur_bn(self) -> float:
        return self.criteria["annual_cost_eur_bn"]

    @property
    def ukraine_forces_share(self) -> float:
        """Share of the annual cost spent on Ukraine's own forces (0 to 1; 0 for a free package)."""
        cost = self.annual_cost_eur_bn
        return self.ukraine_forces_cost_eur_bn / cost if cost > 0 else 0.0

    @property
    def nations(self) -> int:
        return int(self.criteria["nations"])


# --- decision matrices -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DecisionMatrix:
    """Alternatives (rows) scored on criteria (columns), with each criterion's direction.

    Immutable: ``values`` is a read-only copy; change a matrix with :meth:`replace`,
    :meth:`drop` or :meth:`take`.
    """

    alternatives: tuple[str, ...]
    criteria: tuple[str, ...]
    values: np.ndarray
    types: tuple[int, ...]

    def __post_init__(self) -> None:
        values = np.array(self.values, dtype=float, copy=True)
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "alternatives", tuple(self.alternatives))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        object.__setattr__(self, "types", tuple(int(t) for t in self.types))
        n, m = len(self.alternatives), len(self.criteria)
        if values.shape != (n, m) or len(self.types) != m:
            raise ValueError(
                f"DecisionMatrix: values {values.shape} do not match {n} "
                f"alternatives x {m} criteria and {len(self.types)} types"
            )

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.values.shape
        return n, m

    @property
    def type_array(self) -> np.ndarray:
        return np.array(self.types, dtype=int)

    def replace(self, **changes: object) -> DecisionMatrix:
        from dataclasses import replace as _replace

        return _replace(self, **changes)  # type: ignore[arg-type]

    def drop(self, criteria: tuple[str, ...] | list[str]) -> DecisionMatrix:
        """The matrix without the given criteria."""
        keep = [j for j, c in enumerate(self.criteria) if c not in set(criteria)]
        return DecisionMatrix(
            self.alternatives,
            tuple(self.criteria[j] for j in keep),
            self.values[:, keep],
            tuple(self.types[j] for j in keep),
        )

    def take(self, rows: list[int] | np.ndarray) -> DecisionMatrix:
        """The matrix with only the given alternatives (by position)."""
        rows = list(rows)
        return DecisionMatrix(
            tuple(self.alternatives[i] for i in rows), self.criteria, self.values[rows], self.types
        )


@dataclass(frozen=True, eq=False)
class ColumnDraws:
    """A decision matrix with one column uncertain: ``values`` (n x m) as they are, except column
    ``column``, drawn anew in each draw (``drawn``: draws x n). SMAA's cost draws change the
    annual cost alone; kept this way, a draw costs n numbers, not n x m."""

    values: np.ndarray
    column: int
    drawn: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.drawn.shape[0], *self.values.shape)

    def full(self) -> np.ndarray:
        """Every draw's whole matrix (draws x n x m)."""
        out = np.broadcast_to(self.values, self.shape).copy()
        out[:, :, self.column] = self.drawn
        return out
