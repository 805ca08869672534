"""The force-mix integer program: building (build.py) and solving (solve.py) with PuLP.

The only package that imports PuLP or highspy.
"""

from .build import ForceMixModel, Relax, build_model
from .solve import (
    Shortfall,
    Solution,
    diagnose,
    map_status,
    max_measure,
    min_cost,
    min_cost_for,
    solve_lexicographic,
)

__all__ = [
    "ForceMixModel",
    "Relax",
    "Shortfall",
    "Solution",
    "build_model",
    "diagnose",
    "map_status",
    "max_measure",
    "min_cost",
    "min_cost_for",
    "solve_lexicographic",
]
