"""The public API is small and deliberate: ``mcdm.__all__`` is pinned here."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


def _run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


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
        "assert pymcdm.visuals is sys.modules['pymcdm.visuals']\n"
        "print('ok')\n"
    )
    assert _run(code) == "ok"


@pytest.mark.parametrize(
    "use",
    [
        "from pymcdm.visuals import *\nassert callable(ranking_bar) and callable(polar_plot)",
        "import importlib.util\nassert importlib.util.find_spec('pymcdm.visuals') is not None",
        # as with pymcdm alone: the package binds the name to the function over the submodule
        "import sys, pymcdm.visuals.ranking_bar as m\nassert callable(m)\n"
        "import pymcdm\nassert pymcdm.visuals.ranking_bar is m\n"
        "assert type(sys.modules['pymcdm.visuals.ranking_bar']).__name__ == 'module'",
        "import pymcdm\nassert 'ranking_bar' in dir(pymcdm.visuals)",
        "import pymcdm\nassert pymcdm.visuals.__file__.endswith('__init__.py')",
        # two threads at once: both get the plots, neither an error
        "import threading, pymcdm\nv, got = pymcdm.visuals, []\n"
        "ts = [threading.Thread(target=lambda: got.append(v.ranking_bar)) for _ in range(4)]\n"
        "[t.start() for t in ts]; [t.join() for t in ts]\n"
        "assert len(got) == 4 and len(set(got)) == 1 and callable(got[0])",
    ],
    ids=["star", "find_spec", "submodule", "dir", "file", "threads"],
)
def test_pymcdm_plots_behave_as_the_real_module(use):
    assert _run(f"import mcdm.ranking\n{use}\nprint('ok')") == "ok"
