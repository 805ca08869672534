"""The public API is small and deliberate: ``mcdm.__all__`` is pinned here."""

from __future__ import annotations

import mcdm

EXPECTED = {
    "CRITERIA",
    "Dataset",
    "InfeasibleError",
    "InputError",
    "Instance",
    "McdmError",
    "ModelError",
    "Problem",
    "RankingError",
    "Scenario",
    "SolveError",
    "__version__",
    "instantiate",
    "load_dataset",
    "load_instance",
    "load_scenario",
    "read_scenario",
}


def test_public_api_is_pinned():
    assert set(mcdm.__all__) == EXPECTED


def test_every_exported_name_exists():
    for name in mcdm.__all__:
        assert hasattr(mcdm, name), name
