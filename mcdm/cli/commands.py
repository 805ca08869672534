"""What each ``mcdm`` subcommand does: load, solve or rank, write, and print a summary.

Each ``_cmd_*`` function takes the parsed arguments and returns the exit status; errors are
raised as :class:`~mcdm.errors.McdmError` and printed by :func:`mcdm.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .. import limits as lim
from ..backstop_range import names_of
from ..batch import BatchResult, expand_sweep, run_batch, scenario_variants
from ..errors import InputError, Problem
from ..headline import recommendation_sentence
from ..io.load import load_instance
from ..io.matrix import read_matrix
from ..io.validate import validate_path
from ..io.write import write_tables
from ..limits import promethee_problem, smaa_problem
from ..model import DEFAULT_METHODS, SolverSettings
from ..pipeline import (
    MatrixRanking,
    RunResult,
    optimise_scenario,
    rank_decision_matrix,
    run_scenario,
    versions,
    write_run,
)
from ..questions_report import run_questions, write_questions
from ..ranking import Ranking, resolve_weights
from ..resilience_price import price_of_resilience
from ..results import DecisionMatrix
from ..stakeholders import summary_lines


def _cmd_validate(args: argparse.Namespace) -> int:
    problems, summary = validate_path(args.path)
    if problems:
        for p in problems:
            print(p)
        n = len(problems)
        print(f"{n} problem{'s' if n != 1 else ''} found.", file=sys.stderr)
        return 1
    print(f"OK: {summary}")
    return 0


def _settings(args: argparse.Namespace, base: SolverSettings) -> SolverSettings:
    changes = {}
    if getattr(args, "solver", None):
        changes["name"] = args.solver
    if getattr(args, "time_limit", None) is not None:
        changes["time_limit_s"] = args.time_limit
    if getattr(args, "gap", None) is not None:
        changes["mip_gap"] = args.gap
    return replace(base, **changes)


def _progress(args: argparse.Namespace):
    if getattr(args, "quiet", False):
        return None

    def show(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return show


def _print_packages(result: RunResult) -> None:
    table = result.tables.packages
    cols = [
        "package_id",
        "status",
        "annual_cost_eur_bn",
        "troops_deployed",
        "nations",
        "deterrence",
        "early_warning_pct",
        "air_defence_k_km2",
        "dominated",
    ]
    if len(table):
        print(table[cols].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    for p in result.packages.packages:
        if p.note:
            print(f"! {p.package_id} ({p.status.value}): {p.note}")
    for o in result.packages.outcomes:
        if not o.status.has_solution:
            print(f"! {o.message}")
    for price in price_of_resilience(result.instance, result.packages):
        print(f"Resilience: {price.sentence}")


def _solve_and_write(args: argparse.Namespace, path: str, pipeline) -> tuple[RunResult, Path]:
    """Load a scenario, run ``pipeline`` (optimise or the whole run) with the command's solver
    options, write the run folder and print the packages."""
    instance = load_instance(path)
    result = pipeline(
        instance,
        settings=_settings(args, instance.scenario.solver),
        jobs=args.jobs,
        prices=not args.no_prices,
        progress=_progress(args),
    )
    out = write_run(result, args.out)
    _print_packages(result)
    return result, out


def _cmd_optimise(args: argparse.Namespace) -> int:
    result, out = _solve_and_write(args, args.scenario, optimise_scenario)
    print(f"{len(result.packages.packages)} packages written to {out}")
    return 0


def _print_ranking(ranking: Ranking, label: str = "package_id") -> None:
    table = ranking.frame().reset_index().rename(columns={"id": label})
    table = table.sort_values(["consensus_rank", label])
    print(table.to_string(index=False, float_format=lambda v: f"{v:g}"))
    for c, why in ranking.dropped:
        print(f"- criterion {c} left out: {why}")
    for m, why in ranking.failed:
        print(f"- method {m} left out: {why}")


def _cmd_run(args: argparse.Namespace) -> int:
    if len(args.scenario) > 1:
        return _finish_batch(
            run_batch(
                scenario_variants(args.scenario),
                args.out,
                jobs=args.jobs,
                scheduler=args.scheduler,
                prices=not args.no_prices,
                quiet=args.quiet,
            )
        )
    result, out = _solve_and_write(args, args.scenario[0], run_scenario)
    if result.analysis is not None:
        a = result.analysis
        print()
        _print_ranking(a.ranking)
        print(recommendation_sentence(a.recommendation, result.packages.by_id))
        if a.smaa is not None:
            print(f"(SMAA seed {a.smaa.seed}, method {a.smaa.method})")
        if a.backstop is not None:
            print(a.backstop.statement(names_of(result.packages)))
        for msg in a.weights.warnings:
            print(f"! {msg}")
        for line in summary_lines(a.stakeholders) if a.stakeholders is not None else ():
            print(line)
    print(f"Results written to {out}")
    return 0


def _cmd_questions(args: argparse.Namespace) -> int:
    instance = load_instance(args.scenario)
    run = run_questions(
        instance,
        settings=_settings(args, instance.scenario.solver),
        jobs=args.jobs,
        progress=_progress(args),
    )
    out = write_questions(run, args.out)
    for a in run.answers:
        print(f"{a.question}\n  {a.answer}\n")
    seconds = run.timings.get("questions_s", 0.0)
    print(f"Answers written to {out} ({seconds:.0f} s)")
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    # counted before any variant is built; above the unasked limit only with --yes
    most = lim.MAX_SWEEP_VARIANTS if args.yes else lim.MAX_SWEEP_VARIANTS_UNASKED
    variants = expand_sweep(
        args.scenario, args.vary or [], args.set or [], args.samples, args.seed, max_variants=most
    )
    if not args.quiet:
        print(f"{len(variants)} variants", file=sys.stderr)
    return _finish_batch(
        run_batch(
            variants,
            args.out,
            jobs=args.jobs,
            scheduler=args.scheduler,
            prices=args.prices,
            quiet=args.quiet,
        )
    )


def _finish_batch(result: BatchResult) -> int:
    """Print a batch's main summaries, its counts and failures; exit status 1 if any failed."""
    tables = result.tables
    for name in ("summary_top_archetype.csv", "summary_feasibility.csv"):
        if name in tables and len(tables[name]):
            print(f"{name.removeprefix('summary_').removesuffix('.csv').replace('_', ' ')}:")
            print(tables[name].to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
            print()
    n = len(result.variants)
    failed = len(result.failed)
    print(
        f"{n} variants: {len(result.done)} run, {len(result.skipped)} already complete, "
        f"{failed} failed. Results in {result.out}"
    )
    for f in result.failed:  # the first line of each message; failures.csv has them whole
        print(f"! {f.variant_id}: {(f.error.splitlines() or [''])[0]}")
    if failed:
        print(
            f"{failed} variant{'s' if failed != 1 else ''} failed; see "
            f"{result.out / 'failures.csv'}",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _cmd_rank(args: argparse.Namespace) -> int:
    matrix, weights = read_matrix(args.matrix, args.types, args.weights)
    _check_smaa_options(args, matrix)
    methods = (
        tuple(m.strip().upper() for m in args.methods.split(","))
        if args.methods
        else DEFAULT_METHODS
    )
    if weights is None:
        weights = [1.0] * len(matrix.criteria)
        print("(no weights given: equal weights)", file=sys.stderr)
    ranked = rank_decision_matrix(
        matrix,
        resolve_weights("user", matrix, user=dict(zip(matrix.criteria, weights, strict=True))),
        methods,
        args.consensus,
        smaa_draws=args.smaa or 0,
        smaa_method=args.smaa_method,
        seed=args.seed,
        weight_band=args.band,
    )
    _print_ranking(ranked.ranking, "id")
    if ranked.smaa is not None:
        print()
        print(
            ranked.smaa.frame("id")
            .iloc[:, : min(5, len(matrix.alternatives))]
            .to_string(float_format=lambda v: f"{v:.3f}")
        )
    if args.out:
        write_tables(
            {f"{name}.csv": table for name, table in ranked.tables("id").items()},
            args.out,
            _rank_metadata(args, methods, ranked),
        )
        print(f"Results written to {args.out}")
    return 0


def _check_smaa_options(args: argparse.Namespace, matrix: DecisionMatrix) -> None:
    """Refuse SMAA settings too large for this matrix, before any work."""
    n, m = matrix.shape
    if args.smaa and (why := smaa_problem(args.smaa, n, m, value_draws=False)):
        raise InputError([Problem.option("--smaa", why, value=args.smaa)])
    if args.smaa_method == "PROMETHEE_II" and (why := promethee_problem(n, m)):
        raise InputError(
            [
                Problem.option(
                    "--smaa-method",
                    f"a method that fits the matrix: {why}",
                    value=args.smaa_method,
                )
            ]
        )


def _rank_metadata(
    args: argparse.Namespace, methods: tuple[str, ...], ranked: MatrixRanking
) -> dict[str, object]:
    """run.json of ``mcdm rank``: the matrix, the methods, the weights used, SMAA, versions."""
    r = ranked.ranking
    return {
        "matrix": str(args.matrix),
        "methods": list(methods),
        "weights": dict(zip(r.matrix.criteria, map(float, r.weights), strict=True)),
        "smaa": {
            "draws": args.smaa,
            "seed": args.seed,
            "method": args.smaa_method,
            "weight_band": args.band,
        }
        if args.smaa
        else None,
        "versions": versions(),
    }
