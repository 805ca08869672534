"""The public API is small and deliberate: ``mcdm.__all__`` is pinned here."""

from __future__ import annotations

import subprocess
import sys

import mcdm
from tests.conftest import ROOT

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


def test_ranking_imports_no_plotting_and_pymcdm_plots_on_demand():
    """pymcdm's plotting (matplotlib) is not imported for a ranking; asked for, it is there."""
    code = (
        "import sys\n"
        "import mcdm.ranking\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
        "import pymcdm\n"
        "from pymcdm.visuals import polar_plot\n"
        "assert callable(pymcdm.visuals.ranking_bar) and callable(polar_plot)\n"
        "assert 'matplotlib' in sys.modules\n"
        "assert type(sys.modules['pymcdm.visuals']).__name__ == 'module'\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
