"""Batch runs: many scenarios or sweeps of one, locally or on a Dask cluster, resumable.

A batch is a list of :class:`Variant` (each a complete, self-contained scenario TOML). Each
variant's results go to ``OUT/variants/<variant_id>/`` through an atomic rename, so a folder
that exists is complete; re-running the same batch skips those. A variant that fails is written
to ``failures.csv`` with its message and the others go on. At the end the variants' tables are
combined (CSV and Parquet) with summary tables and ``manifest.json``.

The modules: :mod:`~mcdm.batch.spec` (``--vary``/``--set`` values and keys),
:mod:`~mcdm.batch.sweep` (building variants), :mod:`~mcdm.batch.runner` (the folder, its lock,
the run and its stop), :mod:`~mcdm.batch.workers` (one variant in a worker; local and Dask
pools), :mod:`~mcdm.batch.summaries` (combined tables and summaries),
:mod:`~mcdm.batch.outputs` (failures.csv and manifest.json) and :mod:`~mcdm.batch.records`
(the typed records they pass).
"""

from __future__ import annotations

from .records import BatchResult, Variant, VariantDone, VariantFailed, VariantOutcome
from .runner import run_batch
from .spec import check_key, parse_vary
from .sweep import _variant_id as _variant_id
from .sweep import expand_sweep, scenario_variants

__all__ = [
    "BatchResult",
    "Variant",
    "VariantDone",
    "VariantFailed",
    "VariantOutcome",
    "check_key",
    "expand_sweep",
    "parse_vary",
    "run_batch",
    "scenario_variants",
]
