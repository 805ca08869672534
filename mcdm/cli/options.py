"""The arguments of each ``mcdm`` subcommand, and the argparse types that check their numbers
(plain, finite numbers within the documented limits)."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

from .. import limits as lim
from ..io._values import number_of
from ..kernels import KERNELS
from ..limits import fmt
from ..parallel import available_cpus

__all__ = ["add_optimise", "add_questions", "add_rank", "add_run", "add_sweep", "add_validate"]

Subparsers = argparse._SubParsersAction

_RUN_OUT_HELP = (
    "output folder: a new or empty one, or a previous run's (replaced when this run is done); "
    "a folder of other files is refused"
)


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


def add_validate(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm validate [PATH]``."""
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
    return p


def add_optimise(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm optimise SCENARIO --out DIR`` (alias ``optimize``) and the solver options."""
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
    p.add_argument("--out", required=True, metavar="DIR", help=_RUN_OUT_HELP)
    p.add_argument("--no-prices", action="store_true", help="skip the constraint prices")
    _add_solver_options(p)
    return p


def add_run(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm run SCENARIO... --out DIR``: one scenario, or several as a batch."""
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
    p.add_argument("--out", required=True, metavar="DIR", help=_RUN_OUT_HELP)
    p.add_argument("--no-prices", action="store_true", help="skip the constraint prices")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with several scenarios: a Dask scheduler to run them on (pip install '.[dask]')",
    )
    _add_solver_options(p)
    return p


def add_questions(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm questions SCENARIO --out DIR``: the public debate's questions, answered."""
    p = sub.add_parser(
        "questions",
        help="answer the debate's questions for a scenario",
        description="Answer, from the scenario's own packages, the questions the public "
        "debate asks: the size, cost and contributors of a reassurance force; what a tripwire "
        "buys and risks; observers against technical monitoring; what the US backstop changes "
        "(the scenario re-solved under each option); which members' refusals cost most. "
        "Writes questions.md, questions.csv (one row an answer), question_figures.csv and "
        "the tables the figures come from.",
    )
    p.add_argument("scenario", help="scenario .toml file")
    p.add_argument("--out", required=True, metavar="DIR", help=_RUN_OUT_HELP)
    _add_solver_options(p)
    return p


def add_sweep(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm sweep SCENARIO --vary KEY=VALUES... --out DIR``."""
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
    return p


def add_rank(sub: Subparsers) -> argparse.ArgumentParser:
    """``mcdm rank MATRIX``: rank any decision matrix."""
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
    return p
