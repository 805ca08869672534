"""The ``mcdm`` command: validate data, optimise, rank, run and sweep scenarios.

Bad input never ends in a traceback: every :class:`~mcdm.errors.McdmError` is printed as a
message and the command exits with status 1 (2 for a usage error, as argparse does).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError, McdmError
from .io import validate_path

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
