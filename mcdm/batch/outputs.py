"""What a batch writes at the top of its folder: ``failures.csv`` and ``manifest.json`` (the
edge where outcome records become table rows), then the ``combined/`` folder."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from typing import Any

from ..cells import neutralise_frame
from ..folders import writing_to
from ..io.write import write_file, write_tables
from ..pipeline import versions
from .records import BatchResult, VariantStatus

__all__ = ["write_outputs"]


def _variant_rows(result: BatchResult) -> list[dict[str, Any]]:
    """One manifest entry a variant: what it changed, what became of it, its time and memory."""
    by_id = {o.variant_id: o for o in result.outcomes}
    rows = []
    for v in result.variants:
        o = by_id.get(v.variant_id)
        if v.variant_id in result.skipped:
            status = VariantStatus.SKIPPED
        else:
            status = o.status if o is not None else VariantStatus.NOT_RUN
        rows.append(
            {
                "variant_id": v.variant_id,
                "changes": dict(v.changes),
                "sample": v.sample,
                "status": status.value,
                "seconds": o.seconds if o is not None else None,
                "peak_rss_mb": o.peak_rss_mb if o is not None else None,
            }
        )
    return rows


def manifest(
    result: BatchResult, execution: Mapping[str, Any], stopped: str | None = None
) -> dict[str, Any]:
    """``manifest.json``: every variant's status, versions, solver, execution, timings, counts,
    and why the batch stopped (None when it ran to its end)."""
    first = tomllib.loads(result.variants[0].scenario_toml) if result.variants else {}
    return {
        "variants": _variant_rows(result),
        "versions": versions(),
        "solver": first.get("solver", {}),
        "execution": dict(execution),
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
        "counts": {
            "variants": len(result.variants),
            "run": len(result.outcomes),
            "skipped": len(result.skipped),
            "failed": len(result.failed),
        },
        "stopped": stopped,
    }


def write_outputs(
    result: BatchResult,
    execution: Mapping[str, Any],
    *,
    stopped: str | None = None,
    combined: bool = True,
) -> None:
    """failures.csv and manifest.json at the top of ``result.out``, each replaced atomically,
    then (with ``combined``) the combined folder; a failed write raises :class:`OutputError`.

    ``execution`` is the manifest's record of where the batch ran (scheduler, jobs).
    """
    out = result.out
    failures = result.failures
    meta = manifest(result, execution, stopped)
    # failures.csv and manifest.json at the top, where a user looks first, and written first:
    # small, and what a stopped batch leaves to say what it did
    with writing_to(out):
        write_file(out / "failures.csv", neutralise_frame(failures).to_csv(index=False))
        write_file(out / "manifest.json", json.dumps(meta, indent=2, default=str) + "\n")
    if combined:
        write_tables(
            dict(result.tables) | {"failures.csv": failures},
            out / "combined",
            meta,
            meta_name="manifest.json",
            parquet=True,
        )
