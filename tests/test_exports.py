"""The public API is small and deliberate: ``mcdm.__all__`` is pinned here."""

from __future__ import annotations

import mcdm

EXPECTED = {
    "CRITERIA", "Analysis", "BatchResult", "Dataset", "DecisionMatrix",
    "InputError", "Instance", "McdmError", "Package", "PackageSet", "Problem",
    "Ranking", "RankingError", "RunResult", "Scenario", "SmaaResult", "SolveError",
    "__version__", "analyse_packages", "core_index", "expand_sweep", "generate_packages",
    "instantiate", "load_dataset", "load_instance", "load_scenario", "optimise_scenario",
    "package_matrix", "rank_matrix", "rank_reversal", "read_matrix", "read_scenario",
    "resolve_weights", "run_batch", "run_scenario", "scenario_variants", "smaa",
    "stability_intervals", "write_run",
}  # fmt: skip


def test_public_api_is_pinned():
    assert set(mcdm.__all__) == EXPECTED


def test_every_exported_name_exists():
    for name in mcdm.__all__:
        assert hasattr(mcdm, name), name
