"""Typed records of a batch: its variants, how each ran, what a complete one holds, the result.

A variant's outcome is a :class:`VariantDone` (its folder and files) or a :class:`VariantFailed`
(its error); the batch works with these records and turns them into table rows only where
``failures.csv`` and ``manifest.json`` are written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from ..results import SolveStatus

__all__ = [
    "ArchetypeResult",
    "BatchResult",
    "CompleteVariant",
    "Variant",
    "VariantDone",
    "VariantFailed",
    "VariantOutcome",
    "VariantStatus",
    "VariantTask",
    "failures_frame",
]


class VariantStatus(StrEnum):
    """What became of a variant in one batch run (the words ``manifest.json`` uses)."""

    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped (complete)"  # complete from an earlier run of the same batch
    NOT_RUN = "not run"  # the batch was stopped before it started


@dataclass(frozen=True)
class Variant:
    """One scenario of a batch: its id, what was changed, and the full scenario as TOML."""

    variant_id: str
    changes: Mapping[str, Any]
    scenario_toml: str
    sample: int | None = None
    error: str = ""  # a variant whose scenario is invalid fails with this message when run


@dataclass(frozen=True)
class VariantTask:
    """What a worker needs to run one variant: the variant, the batch folder, the options."""

    variant: Variant
    out: str
    prices: bool = False


@dataclass(frozen=True)
class VariantDone:
    """A variant that ran: its folder (complete, renamed into place) and the files in it."""

    variant_id: str
    folder: Path
    files: tuple[str, ...]
    packages: int
    top: str
    seconds: float
    peak_rss_mb: float

    @property
    def status(self) -> VariantStatus:
        return VariantStatus.DONE


@dataclass(frozen=True)
class VariantFailed:
    """A variant that failed, with its message; it left no folder.

    ``os_errno`` is set when the system refused a write (a full disk, a read-only folder): the
    batch stops there, as every other variant would fail the same way. ``seconds`` and
    ``peak_rss_mb`` are None for a variant whose worker was lost.
    """

    variant_id: str
    error: str
    seconds: float | None = None
    peak_rss_mb: float | None = None
    os_errno: int | None = None

    @property
    def status(self) -> VariantStatus:
        return VariantStatus.FAILED


VariantOutcome = VariantDone | VariantFailed


@dataclass(frozen=True)
class ArchetypeResult:
    """How one archetype fared in a complete variant (from its ``run.json``)."""

    archetype: str
    status: SolveStatus
    min_cost_eur_bn: float | None

    @property
    def feasible(self) -> bool:
        return self.status.has_solution


@dataclass(frozen=True)
class CompleteVariant:
    """What the summaries need from a complete variant's folder.

    ``changes`` holds every key any variant of the batch changes (None where this one does not),
    in the order of the combined tables' first columns.
    """

    variant_id: str
    changes: Mapping[str, Any]
    budget_eur_bn: float
    top: str | None
    archetypes: tuple[ArchetypeResult, ...]


@dataclass(frozen=True)
class BatchResult:
    """A batch's outcome: where it is, what ran, what failed, and the combined tables.

    ``outcomes`` are those of the variants run this time, in the order they finished;
    ``skipped`` the ids of the variants already complete from an earlier run.
    """

    out: Path
    variants: tuple[Variant, ...]
    outcomes: tuple[VariantOutcome, ...]
    skipped: tuple[str, ...]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    timings: Mapping[str, float] = field(default_factory=dict)

    @property
    def done(self) -> tuple[str, ...]:
        """The ids of the variants run this time, in the order they finished."""
        return tuple(o.variant_id for o in self.outcomes if isinstance(o, VariantDone))

    @property
    def failed(self) -> tuple[VariantFailed, ...]:
        return tuple(o for o in self.outcomes if isinstance(o, VariantFailed))

    @property
    def failures(self) -> pd.DataFrame:
        """The failures as ``failures.csv`` lists them: variant_id, changes (JSON), error."""
        return failures_frame(self.failed, self.variants)

    @property
    def ok(self) -> bool:
        return not self.failed


def failures_frame(failed: Sequence[VariantFailed], variants: Sequence[Variant]) -> pd.DataFrame:
    """The table of ``failures.csv``: one row a failed variant, with what its sweep changed."""
    changes = {v.variant_id: v.changes for v in variants}
    return pd.DataFrame(
        [
            {
                "variant_id": f.variant_id,
                "changes": json.dumps(dict(changes[f.variant_id]), default=str),
                "error": f.error,
            }
            for f in failed
        ],
        columns=["variant_id", "changes", "error"],
    )
