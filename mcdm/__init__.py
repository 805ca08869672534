"""Design and compare post-ceasefire security-guarantee packages for Ukraine.

The public API: load a scenario, generate its packages (PuLP), rank them (pymcdm) and check how
robust the ranking is; the Streamlit app and the ``mcdm`` command use the same functions.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import (
    InfeasibleError,
    InputError,
    McdmError,
    ModelError,
    Problem,
    RankingError,
    SolveError,
)
from .io import instantiate, load_dataset, load_instance, load_scenario, read_scenario
from .model import CRITERIA, Dataset, Instance, Scenario

try:
    __version__ = version("mcdm-guarantees")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+local"

__all__ = [
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
]
