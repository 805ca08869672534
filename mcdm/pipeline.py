"""The one path from a scenario to results, shared by the app, the CLI and batch runs.

``optimise_scenario`` generates packages; ``run_scenario`` also ranks them and checks how robust
the ranking is; ``write_run`` writes a run folder atomically (all files or none).
``rank_decision_matrix`` (:mod:`mcdm.matrix_ranking`, importable from here too) ranks any
decision matrix and gives its tables: the packages' matrix in every run and a user's matrix in
``mcdm rank`` go through it alike.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .backstop_range import BackstopRange, backstop_range, range_json
from .cost_draws import cost_draws, package_matrix
from .errors import McdmError
from .headline import recommendation_sentence
from .io.scenario import scenario_to_dict
from .io.write import write_tables
from .matrix_ranking import MatrixRanking, rank_decision_matrix
from .model import Instance, SolverSettings
from .packages import PackageSet, generate_packages
from .ranking import Ranking, resolve_weights
from .recommend import Recommendation
from .resilience_price import resilience_json
from .results import ColumnDraws, DecisionMatrix
from .robustness import SmaaResult, core_index, rank_reversal
from .stakeholders import StakeholderComparison, compare_stakeholders, scenario_profiles
from .stakeholders import summary_json as stakeholders_json
from .tables import (
    allocations_frame,
    funding_frame,
    infeasible_frame,
    packages_frame,
    prices_frame,
    round_floats,
)
from .weights import WeightResult

__all__ = [
    "Analysis",
    "MatrixRanking",
    "RunResult",
    "RunTables",
    "analyse_packages",
    "optimise_scenario",
    "package_matrix",
    "rank_decision_matrix",
    "run_metadata",
    "run_scenario",
    "run_tables",
    "versions",
    "write_run",
]


@dataclass(frozen=True)
class Analysis:
    """Ranking and robustness of a set of packages under one choice of weights and methods."""

    matrix: DecisionMatrix
    weights: WeightResult
    ranking: Ranking
    smaa: SmaaResult | None
    stability: pd.DataFrame
    core: pd.DataFrame
    recommendation: Recommendation
    reversal: pd.DataFrame | None = None
    messages: tuple[str, ...] = ()
    stakeholders: StakeholderComparison | None = None  # with [stakeholders.NAME] profiles
    backstop: BackstopRange | None = None  # the recommendation across the backstop's range

    @property
    def top(self) -> str:
        """The recommended package (see :mod:`mcdm.recommend`): every statement about "the
        top package" and its robustness is about this one."""
        return self.recommendation.package_id

    def tables(self) -> dict[str, pd.DataFrame]:
        """The analysis's tables by :class:`RunTables` field: those of
        :meth:`MatrixRanking.tables` (rankings, weights, stability, correlations, acceptability
        where computed), the core index, and rank reversal where computed."""
        ranked = MatrixRanking(
            self.weights, self.ranking, self.smaa, self.stability, self.recommendation
        )
        out = ranked.tables() | {"core": round_floats(self.core.copy())}
        if self.reversal is not None:
            out["rank_reversal"] = self.reversal
        if self.stakeholders is not None:
            out["stakeholders"] = round_floats(self.stakeholders.frame())
        return out


@dataclass(frozen=True, eq=False)
class RunTables:
    """The tables of one run, each under its own name (see README for their columns).

    :meth:`files` gives them as a run folder holds them (``packages.csv``, ...); code reads the
    fields, never a file name.
    """

    packages: pd.DataFrame
    allocations: pd.DataFrame
    infeasible: pd.DataFrame
    prices: pd.DataFrame
    rankings: pd.DataFrame | None = None
    weights: pd.DataFrame | None = None
    stability: pd.DataFrame | None = None
    correlations: pd.DataFrame | None = None
    core: pd.DataFrame | None = None
    acceptability: pd.DataFrame | None = None
    rank_reversal: pd.DataFrame | None = None
    stakeholders: pd.DataFrame | None = None
    funding: pd.DataFrame | None = None  # who pays, with a [funding] table (mcdm/horizon.py)

    def files(self) -> dict[str, pd.DataFrame]:
        """File name -> table, for the tables this run has."""
        return {
            f"{f.name}.csv": getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None
        }


def run_tables(instance: Instance, pset: PackageSet, analysis: Analysis | None = None) -> RunTables:
    """Every table of a run: the packages' (always) and the analysis's (if there is one)."""
    return RunTables(
        packages=packages_frame(instance, pset),
        allocations=allocations_frame(instance, pset),
        infeasible=infeasible_frame(pset),
        prices=prices_frame(pset),
        funding=funding_frame(instance, pset),
        **(analysis.tables() if analysis is not None else {}),
    )


@dataclass(frozen=True)
class RunResult:
    """Everything one scenario run produced."""

    instance: Instance
    packages: PackageSet
    settings: SolverSettings
    tables: RunTables
    timings: Mapping[str, float] = field(default_factory=dict)
    analysis: Analysis | None = None


def analyse_packages(
    instance: Instance,
    pset: PackageSet,
    *,
    weights: Mapping[str, float] | None = None,
    methods: tuple[str, ...] | None = None,
    weighting: str | None = None,
    consensus: str | None = None,
    smaa_draws: int | None = None,
    smaa_method: str | None = None,
    weight_band: float | str | None = "scenario",
    cost_uncertainty: float | str | None = None,
    seed: int | None = None,
    reversal: bool = True,
    backstop: bool = True,
) -> Analysis:
    """Rank the packages and check the ranking's robustness.

    Every setting defaults to the scenario's (``[weights]``, ``[ranking]``, ``[robustness]``,
    ``seed``); the app passes the user's current choices instead. With ``[stakeholders.NAME]``
    profiles in the scenario, the packages are also ranked under each, with the same methods
    and consensus (:func:`mcdm.stakeholders.compare_stakeholders`). ``reversal``/``backstop``
    False leave out the rank-reversal check/the US backstop's range (the app's re-rank).
    """
    s = instance.scenario
    rs = s.ranking
    rb = s.robustness
    if len(pset.packages) < 2:
        raise McdmError(
            f"ranking needs at least two packages; this scenario produced {len(pset.packages)}"
        )
    matrix = package_matrix(pset, rs.criteria)
    wres = _package_weights(instance, matrix, weights, weighting)
    band = rb.weight_band if weight_band == "scenario" else weight_band
    seed = s.seed if seed is None else seed
    spread = rb.cost_uncertainty if cost_uncertainty is None else cost_uncertainty

    rank = partial(  # the run's ranking, for its matrix and the backstop's range
        rank_decision_matrix,
        weights=wres,
        methods=methods or rs.methods,
        consensus=consensus or rs.consensus,
        smaa_draws=rb.smaa_draws if smaa_draws is None else smaa_draws,
        smaa_method=smaa_method or rb.method,
        seed=seed,
        weight_band=band if isinstance(band, float) else None,
        value_draws=partial(_cost_draws, instance, pset, seed, spread),
    )
    ranked = rank(matrix)
    ranking, used = ranked.ranking, ranked.ranking.matrix
    rev = (
        rank_reversal(used, ranking.weights, tuple(ranking.results), ranking.consensus_rule)
        if reversal
        else None
    )
    stakeholders = _stakeholder_comparison(
        instance, pset, matrix, methods or rs.methods, consensus or rs.consensus
    )
    return Analysis(
        matrix=used,
        weights=wres,
        ranking=ranking,
        smaa=ranked.smaa,
        stability=ranked.stability,
        core=_core(pset, ranked),
        recommendation=ranked.recommendation,
        reversal=rev,
        messages=(
            *wres.warnings,
            *ranking.messages,
            *(stakeholders.warnings() if stakeholders is not None else ()),
        ),
        stakeholders=stakeholders,
        backstop=backstop_range(instance, pset, matrix, ranked.recommendation, rank)
        if backstop
        else None,
    )


def _cost_draws(
    instance: Instance,
    pset: PackageSet,
    seed: int,
    spread: float | str,
    used: DecisionMatrix,
    draws: int,
) -> ColumnDraws | None:
    """The run's cost draws for SMAA (its own stream of the scenario's seed)."""
    return cost_draws(instance, pset, used, draws, spread, np.random.default_rng([seed, 1]))


def _package_weights(
    instance: Instance,
    matrix: DecisionMatrix,
    weights: Mapping[str, float] | None,
    weighting: str | None,
) -> WeightResult:
    """The weights of the packages' criteria: the scheme given or the scenario's, from the
    weights given, the scenario's, or (without either) equal user weights."""
    s = instance.scenario
    rs = s.ranking
    return resolve_weights(
        weighting or rs.weighting,
        matrix,
        user=weights if weights is not None else (s.weights or dict.fromkeys(matrix.criteria, 1.0)),
        order=rs.order,
        swing=rs.swing,
        ahp=rs.ahp,
    )


def _stakeholder_comparison(
    instance: Instance,
    pset: PackageSet,
    matrix: DecisionMatrix,
    methods: Sequence[str],
    consensus: str,
) -> StakeholderComparison | None:
    """The packages ranked under each ``[stakeholders.NAME]`` profile (None without any)."""
    profiles = scenario_profiles(instance.scenario)
    if not profiles:
        return None
    return compare_stakeholders(
        matrix,
        profiles,
        methods,
        consensus,
        labels={p.package_id: p.label for p in pset.packages},
    )


def _core(pset: PackageSet, ranked: MatrixRanking) -> pd.DataFrame:
    """The core index of each member and element: its share of the first places, over the
    SMAA draws (or, without them, over the consensus winners)."""
    r = ranked.ranking
    if ranked.smaa is not None:
        first = ranked.smaa.first
    else:
        first = (r.consensus == r.consensus.min()).astype(float)
        first = first / first.sum()
    return core_index(first, _features(pset).loc[list(r.matrix.alternatives)])


def _features(pset: PackageSet) -> pd.DataFrame:
    """For the core index: does each package include each member, and each element?"""
    names = sorted(
        {f"member:{a.member_id}" for p in pset.packages for a in p.allocation}
        | {f"element:{a.element_id}" for p in pset.packages for a in p.allocation}
    )
    col = {n: j for j, n in enumerate(names)}
    has = np.zeros((len(pset.packages), len(names)), dtype=bool)
    for i, p in enumerate(pset.packages):
        for a in p.allocation:
            has[i, col[f"member:{a.member_id}"]] = True
            has[i, col[f"element:{a.element_id}"]] = True
    return pd.DataFrame(has, index=[p.package_id for p in pset.packages], columns=names)


def versions() -> dict[str, str]:
    """Versions of Python and of the libraries whose behaviour shapes the results."""
    out = {"python": platform.python_version()}
    for dist in ("mcdm-guarantees", "pulp", "highspy", "pymcdm", "numpy", "pandas", "scipy"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def optimise_scenario(
    instance: Instance,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    prices: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> RunResult:
    """Generate the packages of a scenario and their tables (packages, allocations, ...)."""
    settings = settings or instance.scenario.solver
    start = time.perf_counter()
    pset = generate_packages(
        instance, prices=prices, settings=settings, jobs=jobs, progress=progress
    )
    timings = {**pset.timings, "optimise_s": time.perf_counter() - start}
    return RunResult(
        instance=instance,
        packages=pset,
        settings=settings,
        tables=run_tables(instance, pset),
        timings=timings,
    )


def run_scenario(
    instance: Instance,
    *,
    settings: SolverSettings | None = None,
    jobs: int = 1,
    prices: bool = True,
    reversal: bool = True,
    progress: Callable[[float, str], None] | None = None,
) -> RunResult:
    """The whole pipeline: optimise, rank, check robustness; every table for the run folder."""
    result = optimise_scenario(
        instance, settings=settings, jobs=jobs, prices=prices, progress=progress
    )
    start = time.perf_counter()
    if len(result.packages.packages) < 2:
        return result
    analysis = analyse_packages(instance, result.packages, reversal=reversal)
    tables = run_tables(instance, result.packages, analysis)
    timings = {**result.timings, "analyse_s": time.perf_counter() - start}
    return replace(result, tables=tables, timings=timings, analysis=analysis)


def run_metadata(result: RunResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """run.json: scenario, cost basis, versions, solver, seed, timings, input digest."""
    inst = result.instance
    s = result.settings
    return {
        "scenario": scenario_to_dict(inst.scenario),
        "scenario_file": inst.scenario.source_path,
        "data_folder": inst.data.root,
        "input_digest": inst.digest,
        "data_digest": inst.data.digest,
        "seed": inst.scenario.seed,
        "cost_basis": str(inst.scenario.cost_basis),  # what annual_cost_eur_bn and budget count
        "solver": {
            "name": s.name,
            "time_limit_s": s.time_limit_s,
            "mip_gap": s.mip_gap,
            "node_limit": s.node_limit,
        },
        "versions": versions(),
        "archetypes": [
            {
                "archetype": o.archetype,
                "status": o.status.value,
                "min_cost_eur_bn": o.min_cost_eur_bn,
                "message": o.message,
            }
            for o in result.packages.outcomes
        ],
        "timings_s": {k: round(v, 4) for k, v in result.timings.items()},
        "solve_times_s": {k: round(v, 4) for k, v in result.packages.solve_times.items()},
        "resilience": resilience_json(inst, result.packages),  # None without withdrawals
        "recommendation": None
        if result.analysis is None
        else _recommendation_json(result.analysis.recommendation, result.packages),
        "ranking": None
        if result.analysis is None
        else {
            "top": result.analysis.top,
            "weights": result.analysis.weights.as_dict(),
            "weighting": result.analysis.weights.scheme,
            "consistency_ratio": result.analysis.weights.consistency_ratio,
            "methods": list(result.analysis.ranking.results),
            "failed": [list(f) for f in result.analysis.ranking.failed],
            "dropped_criteria": [list(d) for d in result.analysis.ranking.dropped],
            "smaa": None
            if result.analysis.smaa is None
            else {
                "method": result.analysis.smaa.method,
                "draws": result.analysis.smaa.draws,
                "seed": result.analysis.smaa.seed,
                "weight_band": result.analysis.smaa.weight_band,
            },
            "messages": list(result.analysis.messages),
        },
        "backstop_range": range_json(getattr(result.analysis, "backstop", None), result.packages),
        **(
            {"stakeholders": stakeholders_json(result.analysis.stakeholders)}
            if result.analysis is not None and result.analysis.stakeholders is not None
            else {}
        ),
        **(extra or {}),
    }


def _recommendation_json(rec: Recommendation, pset: PackageSet) -> dict[str, Any]:
    return {
        "package_id": rec.package_id,
        "sentence": recommendation_sentence(rec, pset.by_id),
        "verdict": rec.verdict,
        "basis": rec.basis,
        "runner_up": rec.runner_up,
        "contenders": [
            {
                "package_id": c.package_id,
                "first_rank_acceptability": round(c.first_share, 6),
                "methods_first": c.methods_first,
                "consensus_rank": c.consensus_rank,
            }
            for c in rec.contenders
        ],
    }


def write_run(result: RunResult, out: str | Path, extra: Mapping[str, Any] | None = None) -> Path:
    """Write a run folder: every table as CSV, then run.json (see :func:`write_tables`)."""
    return write_tables(result.tables.files(), out, run_metadata(result, extra))
