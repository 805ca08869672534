"""The force-mix integer program: constraint families (families.py), building (build.py),
solving (solve.py) and the solver adapter (solver.py), with PuLP.

The only package that imports PuLP or highspy.
"""

from . import families
from .build import ForceMixModel, build_model, pairs_and_bounds
from .families import REGISTRY, family
from .family import ConstraintFamily, PriceOption, Relax
from .solve import (
    COST,
    Objective,
    SolveResult,
    diagnose,
    max_measure,
    min_cost,
    optimise,
    solve_lexicographic,
)
from .solver import map_status

__all__ = [
    "COST",
    "REGISTRY",
    "ConstraintFamily",
    "ForceMixModel",
    "Objective",
    "PriceOption",
    "Relax",
    "SolveResult",
    "build_model",
    "diagnose",
    "families",
    "family",
    "map_status",
    "max_measure",
    "min_cost",
    "optimise",
    "pairs_and_bounds",
    "solve_lexicographic",
]
