"""Design and compare post-ceasefire security-guarantee packages for Ukraine.

The public API: load a scenario, generate its packages (PuLP), rank them (pymcdm) and check how
robust the ranking is; the Streamlit app and the ``mcdm`` command use the same functions.

>>> import mcdm
>>> instance = mcdm.load_instance("data/scenarios/default.toml")   # doctest: +SKIP
>>> result = mcdm.run_scenario(instance, jobs=2)                    # doctest: +SKIP
>>> result.analysis.top                                             # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below are imported on first use (see __getattr__)
    from .batch import BatchResult, expand_sweep, run_batch, scenario_variants
    from .criteria import CRITERIA
    from .errors import (
        InputError,
        McdmError,
        Problem,
        RankingError,
        SolveError,
    )
    from .instance import instantiate
    from .io.data import load_dataset
    from .io.load import load_instance, load_scenario
    from .io.matrix import read_matrix
    from .io.scenario import read_scenario
    from .model import Dataset, Instance, Scenario
    from .packages import PackageSet, generate_packages
    from .pipeline import (
        Analysis,
        RunResult,
        analyse_packages,
        optimise_scenario,
        package_matrix,
        run_scenario,
        write_run,
    )
    from .ranking import Ranking, rank_matrix, resolve_weights
    from .results import DecisionMatrix, Package
    from .robustness import SmaaResult, core_index, rank_reversal, smaa, stability_intervals

#: Where each public name lives: imported when first used, so that ``import mcdm.packages``
#: (a worker process, ``mcdm validate``) does not import the ranking, pymcdm and matplotlib.
_PUBLIC = {
    "BatchResult": "batch",
    "expand_sweep": "batch",
    "run_batch": "batch",
    "scenario_variants": "batch",
    "CRITERIA": "criteria",
    "InputError": "errors",
    "McdmError": "errors",
    "Problem": "errors",
    "RankingError": "errors",
    "SolveError": "errors",
    "instantiate": "instance",
    "load_dataset": "io.data",
    "load_instance": "io.load",
    "load_scenario": "io.load",
    "read_matrix": "io.matrix",
    "read_scenario": "io.scenario",
    "Dataset": "model",
    "Instance": "model",
    "Scenario": "model",
    "PackageSet": "packages",
    "generate_packages": "packages",
    "Analysis": "pipeline",
    "RunResult": "pipeline",
    "analyse_packages": "pipeline",
    "optimise_scenario": "pipeline",
    "package_matrix": "pipeline",
    "run_scenario": "pipeline",
    "write_run": "pipeline",
    "Ranking": "ranking",
    "rank_matrix": "ranking",
    "resolve_weights": "ranking",
    "DecisionMatrix": "results",
    "Package": "results",
    "SmaaResult": "robustness",
    "core_index": "robustness",
    "rank_reversal": "robustness",
    "smaa": "robustness",
    "stability_intervals": "robustness",
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'mcdm' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


_PLOTS_LOCK = threading.Lock()


class _PlotsOnDemand(types.ModuleType):
    """Stands in for ``pymcdm.visuals`` until it is used, then imports it: any name of it (a
    plot, ``__all__`` for a star import, ``__file__``, ``dir()``) is the real module's, and the
    real module replaces the stand-in everywhere it is looked up (``sys.modules``,
    ``pymcdm.visuals``). A submodule imported through the stand-in's ``__path__`` leaves the
    names as the real package binds them (``visuals.ranking_bar`` is the function)."""

    _REAL_DUNDERS = frozenset({"__all__", "__file__", "__cached__"})

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name not in self._REAL_DUNDERS:
            raise AttributeError(name)
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("__"):
            super().__setattr__(name, value)
            return
        real = self._real()
        if not (
            isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
            and hasattr(real, name)
        ):  # (the import system binding a submodule the package has bound a name over)
            setattr(real, name, value)

    def __dir__(self) -> list[str]:
        return dir(self._real())

    def _real(self) -> types.ModuleType:
        with _PLOTS_LOCK:  # one thread imports it; the others find it imported
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            parent = sys.modules.get("pymcdm")
            if parent is not None:
                parent.visuals = real  # type: ignore[attr-defined]
        return real


def _pymcdm_plots_on_demand() -> None:
    """pymcdm's package imports its plotting module, and with it matplotlib: about 1 s of every
    start of ``mcdm run`` and of the app, for plots the tool never asks pymcdm to draw (its
    charts are its own). Until pymcdm is imported, ``pymcdm.visuals`` is a stand-in that
    imports the real module when it is first used (tests/test_exports.py)."""
    if "pymcdm" in sys.modules or "pymcdm.visuals" in sys.modules:
        return
    try:
        spec = importlib.util.find_spec("pymcdm")
    except (ImportError, ValueError):
        return
    if spec is None or not spec.submodule_search_locations:
        return
    paths = list(spec.submodule_search_locations)
    real_spec = importlib.machinery.PathFinder.find_spec("pymcdm.visuals", paths)
    if real_spec is None:
        return
    stub = _PlotsOnDemand("pymcdm.visuals")
    stub.__spec__ = real_spec  # (importlib.util.find_spec reads it)
    stub.__path__ = list(real_spec.submodule_search_locations or ())
    sys.modules["pymcdm.visuals"] = stub


_pymcdm_plots_on_demand()

try:
    __version__ = version("mcdm-guarantees")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"

__all__ = [
    "CRITERIA",
    "Analysis",
    "BatchResult",
    "Dataset",
    "DecisionMatrix",
    "InputError",
    "Instance",
    "McdmError",
    "Package",
    "PackageSet",
    "Problem",
    "Ranking",
    "RankingError",
    "RunResult",
    "Scenario",
    "SmaaResult",
    "SolveError",
    "__version__",
    "analyse_packages",
    "core_index",
    "expand_sweep",
    "generate_packages",
    "instantiate",
    "load_dataset",
    "load_instance",
    "load_scenario",
    "optimise_scenario",
    "package_matrix",
    "rank_matrix",
    "rank_reversal",
    "read_matrix",
    "read_scenario",
    "resolve_weights",
    "run_batch",
    "run_scenario",
    "scenario_variants",
    "smaa",
    "stability_intervals",
    "write_run",
]
