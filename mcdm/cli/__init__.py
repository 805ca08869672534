"""The ``mcdm`` command: validate data, optimise, rank, run and sweep scenarios, answer the
debate's questions.

Bad input never ends in a traceback: every :class:`~mcdm.errors.McdmError` is printed as a
message and the command exits with status 1 (2 for a usage error, as argparse does).
:mod:`~mcdm.cli.options` declares each subcommand's arguments and :mod:`~mcdm.cli.commands`
does the work; here they are put together and run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import InputError, McdmError
from ..folders import Kind, check_out_folder
from ..parallel import available_cpus, warm_workers
from .options import add_optimise, add_questions, add_rank, add_run, add_sweep, add_validate

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``mcdm`` parser: one subcommand each, its arguments and the function that runs it."""
    parser = argparse.ArgumentParser(
        prog="mcdm",
        description="Design and compare security-guarantee packages for Ukraine.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_validate(sub).set_defaults(func=_command("_cmd_validate"))
    add_optimise(sub).set_defaults(func=_with_jobs_checked(_command("_cmd_optimise")))
    add_run(sub).set_defaults(func=_with_jobs_checked(_command("_cmd_run")))
    add_sweep(sub).set_defaults(func=_with_jobs_checked(_command("_cmd_sweep")))
    add_rank(sub).set_defaults(func=_command("_cmd_rank"))
    add_questions(sub).set_defaults(func=_with_jobs_checked(_command("_cmd_questions")))
    return parser


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """The subcommand ``name`` of :mod:`mcdm.cli.commands`, imported when it runs: the pipeline,
    pandas and pymcdm load while the worker processes start (:func:`_with_jobs_checked`)."""

    def run(args: argparse.Namespace) -> int:
        from . import commands

        return getattr(commands, name)(args)

    return run


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
        if args.jobs > 1 and not getattr(args, "scheduler", None):
            warm_workers()
        return func(args)

    return run


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
    """Run the ``mcdm`` command with ``argv`` (default: the command line); the exit status."""
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
