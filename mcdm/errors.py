"""Exceptions raised by the package, and the problem record that input errors carry.

The tree::

    McdmError                 base of everything raised on purpose
    ├── InputError            bad user input (data files, scenario files, matrices, options);
    │                         carries every Problem found, not just the first
    ├── SolveError            the solver failed (crashed, or stopped with no solution at all)
    ├── RankingError          a decision matrix or method set that cannot be ranked
    ├── OutputError           results cannot be written where asked: a folder the tool did not
    │                         create, a file in the way, a batch folder in use, a full disk, a
    │                         read-only or forbidden folder
    └── ClusterError          the Dask scheduler of a batch cannot be reached

An archetype that no package can meet is not an error: its outcome says why (see
:mod:`mcdm.explain`), and the other archetypes go on.

Third-party exceptions (PuLP, HiGHS, pymcdm, pydantic) are translated into these in one place
each: ``mcdm/io/_parse.py`` for pydantic, ``mcdm/milp/solve.py`` for the solvers,
``mcdm/ranking.py`` for pymcdm, ``mcdm/folders.py`` for the OSError of writing results (through
:meth:`OutputError.from_os_error`), ``mcdm/batch/`` for Dask.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ClusterError",
    "InputError",
    "McdmError",
    "OutputError",
    "Problem",
    "RankingError",
    "SolveError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    An input is a file or something else, and a problem names it by exactly one of two fields:

    - ``file``: the path of a file, as users should read it (``data/members.csv``);
    - ``source``: an input that is not a file, named as users would name it: a command-line
      option (``"option --vary"``, see :meth:`option`), a file handed to the app
      (``"uploaded members.csv"``), or a text or mapping handed to a function under a label
      (``"preset"``, ``"scenario 'Paris 2026'"``).

    Either way it comes first in the message: ``option --vary, key frontier.levels.x: found 'x';
    expected nothing after frontier.levels (it is a single setting)``.

    ``row`` counts as a spreadsheet user does: the header is row 1, the first data row is row 2.
    ``column`` is a CSV column, a dotted TOML key path or the part of an option's value.
    """

    file: str = ""
    expected: str = ""
    row: int | None = None
    column: str | None = None
    value: object = None
    found: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        # a programming slip, not bad input: every message must say where and what
        if bool(self.file) == bool(self.source):
            raise TypeError(f"a Problem names a file or a source, not both or neither: {self!r}")
        if not self.expected:
            raise TypeError(f"a Problem says what was expected: {self!r}")

    @classmethod
    def option(cls, name: str, expected: str, **where: Any) -> Problem:
        """A problem with the command-line option ``name`` (``--vary``)."""
        return cls(source=f"option {name}", expected=expected, **where)

    @property
    def where(self) -> str:
        """The file's path or the source's name: what the message starts with."""
        return self.file or self.source

    def __str__(self) -> str:
        where = [self.where]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" if self.row is not None else f"key {self.column}")
        got = f"found {self.value!r}" if self.found else "found nothing"
        return f"{', '.join(where)}: {got}; expected {self.expected}"


class McdmError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(McdmError, ValueError):
    """Bad input. ``problems`` lists every problem found in one pass."""

    def __init__(self, problems: Iterable[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(source="input", expected=problems, found=False)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class SolveError(McdmError):
    """The solver failed: it crashed, or it stopped without any solution."""


class RankingError(McdmError, ValueError):
    """A decision matrix, weight vector or method choice that cannot be ranked."""


# why a write failed, in the words a user acts on; anything else gets the system's own words
_OS_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device); free some space and run again",
    errno.EDQUOT: "the disk quota is used up; free some space and run again",
    errno.EROFS: "the file system is read-only; choose a folder you can write to with --out",
    errno.EACCES: "permission denied; choose a folder you can write to with --out",
    errno.EPERM: "permission denied; choose a folder you can write to with --out",
}


class OutputError(McdmError):
    """Results cannot be written where asked. ``os_errno`` is set when the system refused a
    write (a full disk, a read-only folder): then nothing further can be written there either.
    """

    def __init__(self, message: str, os_errno: int | None = None):
        super().__init__(message)
        self.os_errno = os_errno

    @classmethod
    def from_os_error(cls, exc: OSError, where: str | os.PathLike[str]) -> OutputError:
        """The one translation of a failed write: what failed (``where``, the folder the user
        named) and why, in one line."""
        reason = _OS_REASONS.get(exc.errno or 0)
        if reason is None:
            reason = exc.strerror or str(exc) or type(exc).__name__
            if exc.filename:
                reason += f" ({exc.filename})"
        return cls(f"cannot write results to {os.fspath(where)}: {reason}", exc.errno)


class ClusterError(McdmError):
    """The Dask scheduler of a batch cannot be reached (or was lost before any work started)."""
