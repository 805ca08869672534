"""The ``mcdm`` command: validate data, optimise, rank, run and sweep scenarios.

Bad input never ends in a traceback: every :class:`~mcdm.errors.McdmError` is printed as a
message and the command exits with status 1 (2 for a usage error, as argparse does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace

from . import __version__
from .errors import InputError, McdmError
from .io import load_instance, validate_path
from .model import SolverSettings
from .parallel import available_cpus
from .pipeline import RunResult, optimise_scenario, write_run

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
    table = result.tables["packages.csv"]
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
    for o in result.packages.outcomes:
        if not o.status.has_solution:
            print(f"! {o.message}")


def _cmd_optimise(args: argparse.Namespace) -> int:
    instance = load_instance(args.scenario)
    settings = _settings(args, instance.scenario.solver)
    result = optimise_scenario(
        instance,
        settings=settings,
        jobs=args.jobs,
        prices=not args.no_prices,
        progress=_progress(args),
    )
    out = write_run(result, args.out)
    _print_packages(result)
    print(f"{len(result.packages.packages)} packages written to {out}")
    return 0


def _add_solver_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--solver",
        choices=["highs", "cbc"],
        help="MILP solver (default: the scenario's, usually highs)",
    )
    p.add_argument(
        "--time-limit", type=_positive_float, metavar="S", help="time limit per solve in seconds"
    )
    p.add_argument("--gap", type=_gap, metavar="G", help="relative MIP gap, e.g. 0.005")
    p.add_argument(
        "--jobs",
        type=_positive_int,
        default=available_cpus(),
        metavar="N",
        help="worker processes (default: the CPUs available)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress messages")


def _number(
    cast: Callable[[str], float], ok: Callable[[float], bool], expected: str
) -> Callable[[str], float]:
    """An argparse type: parse with ``cast``, accept if ``ok``, else say what was expected."""

    def parse(text: str) -> float:
        try:
            value = cast(text)
        except ValueError:
            value = None
        if value is None or not ok(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_float = _number(float, lambda v: v > 0, "a number > 0")
_gap = _number(float, lambda v: 0 <= v < 1, "a gap between 0 and 1")
_positive_int = _number(int, lambda v: v >= 1, "a whole number >= 1")


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
    p.add_argument("--out", required=True, help="output folder (replaced when the run is done)")
    p.add_argument("--no-prices", action="store_true", help="skip the constraint prices")
    _add_solver_options(p)
    p.set_defaults(func=_cmd_optimise)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except McdmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
