"""The ``mcdm`` command: validate data, optimise, rank, run and sweep scenarios.

Bad input never ends in a traceback: every :class:`~mcdm.errors.McdmError` is printed as a
message and the command exits with status 1 (2 for a usage error, as argparse does).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from . import __version__
from . import limits as lim
from .batch import BatchResult, expand_sweep, run_batch, scenario_variants
from .errors import InputError, McdmError, Problem
from .folders import Kind, check_out_folder
from .headline import recommendation_sentence
from .io._values import number_of
from .io.load import load_instance
from .io.matrix import read_matrix
from .io.validate import validate_path
from .io.write import write_tables
from .kernels import KERNELS
from .limits import fmt, promethee_problem, smaa_problem
from .model import DEFAULT_METHODS, DecisionMatrix, SolverSettings
from .parallel import available_cpus
from .pipeline import (
    MatrixRanking,
    RunResult,
    optimise_scenario,
    rank_decision_matrix,
    run_scenario,
    versions,
    write_run,
)
from .ranking import Ranking, resolve_weights
from .stakeholders import summary_lines

__all__ = ["main"]


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
        for msg in a.weights.warnings:
            print(f"! {msg}")
        for line in summary_lines(a.stakeholders) if a.stakeholders is not None else ():
            print(line)
    print(f"Results written to {out}")
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
    tables = result.tables
    for name in ("summary_top_archetype.csv", "summary_feasibility.csv"):
        if name in tables and len(tables[name]):
            print(f"{name.removeprefix('summary_').removesuffix('.csv').replace('_', ' ')}:")
            print(tables[name].to_string(index=False, float_format=lambda v: f"{v:,.3g}"))
            print()
    n = len(result.variants)
    failed = len(result.failures)
    print(
        f"{n} variants: {len(result.done)} run, {len(result.skipped)} already complete, "
        f"{failed} failed. Results in {result.out}"
    )
    for _, row in result.failures.iterrows():
        print(f"! {row['variant_id']}: {str(row['error']).splitlines()[0]}")
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


def _add_jobs_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--jobs",
        type=_jobs,
        default=available_cpus(),
        metavar="N",
        help=f"{what} (default: the CPUs available, {available_cpus()} here; more only with "
        "--oversubscribe)",
    )
    p.add_argument(
        "--oversubscribe",
        action="store_true",
        help="allow --jobs above the CPUs available (otherwise it is lowered to them)",
    )


def _add_solver_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--solver",
        choices=["highs", "cbc"],
        help="MILP solver (default: the scenario's, usually highs)",
    )
    p.add_argument(
        "--time-limit",
        type=_time_limit,
        metavar="S",
        help=f"time limit per solve in seconds (at most {fmt(lim.MAX_TIME_LIMIT_S)})",
    )
    p.add_argument("--gap", type=_gap, metavar="G", help="relative MIP gap, e.g. 0.005")
    _add_jobs_options(p, "worker processes")
    p.add_argument("--quiet", action="store_true", help="no progress messages")


def _with_jobs_checked(func: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Run ``func`` with ``--jobs`` lowered to the CPUs available unless --oversubscribe: more
    processes than CPUs only slow every solve down (and each takes memory)."""

    def run(args: argparse.Namespace) -> int:
        cpus = available_cpus()
        if args.jobs > cpus and not args.oversubscribe and not getattr(args, "scheduler", None):
            print(
                f"note: --jobs {args.jobs} is more than the {cpus} CPUs available; using {cpus} "
                "(add --oversubscribe to start them all)",
                file=sys.stderr,
            )
            args.jobs = cpus
        return func(args)

    return run


def _number(
    cast: Callable[[str], float], ok: Callable[[float], bool], expected: str
) -> Callable[[str], float]:
    """An argparse type: parse with ``cast``, accept if ``ok``, else say what was expected.

    Only plain numbers count: Python would also read "1_000", "inf" and "nan", which on a
    command line are slips or cannot be meant.
    """

    def parse(text: str) -> float:
        value: float | None = None
        plain = text.strip()
        if cast is int and re.fullmatch(r"[+-]?\d+", plain):
            value = int(plain)
        elif cast is not int:
            number = number_of(plain)
            value = number if number is not None and math.isfinite(number) else None
        if value == 0 and plain.startswith("-"):
            value = None  # "-0": no option takes a negative number, and a sign cannot be meant
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_time_limit = _number(
    float,
    lambda v: 0 < v <= lim.MAX_TIME_LIMIT_S,
    f"a time limit > 0 and <= {fmt(lim.MAX_TIME_LIMIT_S)} (seconds)",
)
_gap = _number(float, lambda v: 0 <= v < 1, "a gap between 0 and 1")
_band = _number(float, lambda v: 0 <= v < 1, "a band between 0 and 1")
_jobs = _number(
    int, lambda v: 1 <= v <= lim.MAX_JOBS, f"a whole number between 1 and {fmt(lim.MAX_JOBS)}"
)
_samples = _number(
    int, lambda v: 0 <= v <= lim.MAX_SAMPLES, f"a whole number between 0 and {fmt(lim.MAX_SAMPLES)}"
)
_seed = _number(
    int, lambda v: 0 <= v <= lim.MAX_SEED, f"a whole number between 0 and {fmt(lim.MAX_SEED)}"
)
_draws = _number(
    int,
    lambda v: 1 <= v <= lim.MAX_SMAA_DRAWS,
    f"a whole number between 1 and {fmt(lim.MAX_SMAA_DRAWS)}",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcdm",
        description="Design and compare security-guarantee packages for Ukraine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "validate",
        help="check a data folder or a scenario file",
        description="Check a data folder (and the scenarios in its scenarios/ "
        "folder) or one scenario file. Prints every problem on its own line and "
        "exits 1 if there are any.",
    )
    p.add_argument(
        "path",
        nargs="?",
        default=None,
        help="data folder or scenario .toml (default: the bundled data/)",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser(
        "optimise",
        aliases=["optimize"],
        help="generate the packages of a scenario",
        description="Solve the scenario's force-mix programs: a budget frontier "
        "and near-optimal alternatives per archetype, the price of each "
        "constraint, and an explanation for archetypes that cannot be met. "
        "Writes packages.csv, allocations.csv, infeasible.csv, prices.csv and "
        "run.json to the output folder.",
    )
    p.add_argument("scenario", help="scenario .toml file")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: a new or empty one, or a previous run's (replaced when this run is "
        "done); a folder of other files is refused",
    )
    p.add_argument("--no-prices", action="store_true", help="skip the constraint prices")
    _add_solver_options(p)
    p.set_defaults(func=_with_jobs_checked(_cmd_optimise))

    p = sub.add_parser(
        "run",
        help="optimise, rank and check robustness for a scenario",
        description="The whole pipeline: packages (as optimise), then rankings "
        "by every method of the scenario, the consensus, SMAA rank "
        "acceptability, weight stability intervals, rank reversal and the core "
        "index. Same scenario and seed give byte-identical CSV files.",
    )
    p.add_argument(
        "scenario",
        nargs="+",
        help="scenario .toml file(s); several run as a batch "
        "with one sub-folder each and combined tables",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: a new or empty one, or a previous run's (replaced when this run is "
        "done); a folder of other files is refused",
    )
    p.add_argument("--no-prices", action="store_true", help="skip the constraint prices")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with several scenarios: a Dask scheduler to run them on (pip install '.[dask]')",
    )
    _add_solver_options(p)
    p.set_defaults(func=_with_jobs_checked(_cmd_run))

    p = sub.add_parser(
        "sweep",
        help="run many variants of a scenario",
        description="Run the cross product of --vary values (and --samples Monte "
        "Carlo draws of element costs and troop pools) of one scenario. Each "
        "variant is written to OUT/variants/<id>/ when complete, failures to "
        "failures.csv, combined tables and summaries to OUT/combined/ (CSV and "
        "Parquet) with manifest.json. Re-running the same command skips the "
        "variants already complete. Exits 1 if any variant failed.",
    )
    p.add_argument("scenario", help="scenario .toml file every variant starts from")
    p.add_argument(
        "--vary",
        action="append",
        metavar="KEY=VALUES",
        help="e.g. budget_eur_bn=5:40:5 (start:stop:step, inclusive), "
        "rotation_factor=3,4,5, member_overrides.DEU.ground_in_ukraine=true,false",
    )
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="a setting for every variant, e.g. frontier.levels=3",
    )
    p.add_argument(
        "--samples",
        type=_samples,
        default=0,
        metavar="N",
        help="Monte Carlo draws of uncertain inputs per combination (default 0)",
    )
    p.add_argument("--seed", type=_seed, default=0, help="seed of the draws (default 0)")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="batch folder: a new or empty one, or this command's earlier batch folder (re-run "
        "to resume); a folder of other files is refused",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help=f"run a sweep of more than {fmt(lim.MAX_SWEEP_VARIANTS_UNASKED)} variants (at most "
        f"{fmt(lim.MAX_SWEEP_VARIANTS)})",
    )
    _add_jobs_options(p, "local worker processes")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. "
        "tcp://10.0.0.5:8786, instead of local processes (pip install '.[dask]')",
    )
    p.add_argument("--prices", action="store_true", help="also price each constraint (slower)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_with_jobs_checked(_cmd_sweep))

    p = sub.add_parser(
        "rank",
        help="rank any decision matrix (CSV)",
        description="Rank the alternatives of a decision matrix. The CSV has a "
        "header row (id, then the criterion names), optionally rows whose first "
        "cell is 'type' (1/-1 or benefit/cost) and 'weight' right under it, "
        "then one row an alternative.",
    )
    p.add_argument("matrix", help="decision matrix .csv")
    p.add_argument("--types", help="directions, e.g. 1,-1,1 or benefit,cost,benefit")
    p.add_argument("--weights", help="weights, e.g. 0.3,0.2,0.5 (any non-negative numbers)")
    p.add_argument("--methods", help="comma-separated, e.g. TOPSIS,VIKOR (default: seven)")
    p.add_argument("--consensus", choices=["borda", "copeland"], default="borda")
    p.add_argument("--smaa", type=_draws, metavar="N", help="SMAA weight draws")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the SMAA draws (default 0)")
    p.add_argument(
        "--smaa-method",
        default="TOPSIS",
        choices=sorted(KERNELS),
        help="method used in SMAA and stability intervals (default TOPSIS)",
    )
    p.add_argument(
        "--band",
        type=_band,
        help="SMAA weight band around the weights (default: uniform on the simplex)",
    )
    p.add_argument(
        "--out",
        metavar="DIR",
        help="folder for rankings.csv, acceptability.csv, ...: a new or empty one, or a previous "
        "run's (replaced); a folder of other files is refused",
    )
    p.set_defaults(func=_cmd_rank)
    return parser


def _glue_values(argv: Sequence[str]) -> list[str]:
    """``--types -1,1`` would read "-1,1" as an option; glue such values to their option."""
    out: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        if (
            args[i] in ("--types", "--weights")
            and i + 1 < len(args)
            and args[i + 1].startswith("-")
        ):
            out.append(f"{args[i]}={args[i + 1]}")
            i += 2
            continue
        out.append(args[i])
        i += 1
    return out


def _out_kind(args: argparse.Namespace) -> Kind:
    """What ``--out`` will hold: one batch folder for a sweep or several scenarios, else a run."""
    several = args.command == "run" and len(args.scenario) > 1
    return "batch" if args.command == "sweep" or several else "run"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_glue_values(sys.argv[1:] if argv is None else argv))
    try:
        if getattr(args, "out", None) is not None:
            # before any work: a refused folder should not cost the user a long solve first
            check_out_folder(args.out, _out_kind(args))
        return int(args.func(args))
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except McdmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        # a batch says what it kept and how to go on; anything else was simply stopped
        print(str(exc) or "interrupted", file=sys.stderr)
        return 130
