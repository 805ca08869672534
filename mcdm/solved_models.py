"""Models already solved, answered again without solving: the same input, the same answer.

HiGHS answers the same input with the same output: one thread, and limits that count nodes, not
seconds (the time limit is a safety net that the bundled scenarios never reach). The key is a
digest of everything HiGHS receives (the columns with their costs, bounds and integrality, the
rows, the options and the start solution), so a reused answer is the answer a fresh solve would
give, to the last bit: never "close enough", never stale.

Where it pays:
- a sweep's variants often build the very same model (a frontier level or a tie-break that does
  not read the swept budget is the same for every budget at one rotation factor);
- in the app, a change that leaves some kinds of package untouched (a kind ticked off or on
  again, a restriction on elements only some kinds use) solves only the kinds it changes.

Used only while :func:`reusing` is in force (a batch, the app's solves); elsewhere (``mcdm run``,
the tests) every solve is run. With a folder, answers are also written there, one file a solve,
for other processes to read: a pool opened while it is in force (:func:`mcdm.parallel.executor`)
gives its workers the same folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .folders import new_owned_temp_folder, owned_temp_folder

__all__ = [
    "HighsInput",
    "Outcome",
    "SolvedModels",
    "active",
    "new_folder",
    "reuse_in_this_process",
    "reusing",
    "shared_folder",
]

#: Answers kept in one process's memory, at most (the least recently used go first).
MAX_BYTES = 96 * 2**20
#: What one process writes to a shared folder, at most (beyond it, answers stay in memory).
MAX_FOLDER_BYTES = 512 * 2**20
#: A shared folder's name in the system's temporary folder: this prefix, then the owner's pid.
PREFIX = "mcdm-solves-"


@dataclass(frozen=True, eq=False)
class HighsInput:
    """A model as HiGHS receives it: columns, then rows in compressed (CSR) form."""

    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # indices of the integer columns
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray

    def digest(self, options: tuple, start: np.ndarray | None) -> bytes:
        """What identifies a solve: this model, the solver's options and the start solution."""
        h = hashlib.blake2b(digest_size=32)
        h.update(repr(options).encode())
        for part in (
            self.cost,
            self.lower,
            self.upper,
            self.integer,
            self.row_lower,
            self.row_upper,
            self.starts,
            self.index,
            self.value,
        ):
            h.update(f"|{part.dtype.str}{part.shape}|".encode())
            h.update(np.ascontiguousarray(part).tobytes())
        h.update(b"|start|" if start is not None else b"|no start|")
        if start is not None:
            h.update(np.ascontiguousarray(start, dtype=np.float64).tobytes())
        return h.digest()


@dataclass(frozen=True, eq=False)
class Outcome:
    """All that is read back from one HiGHS solve."""

    model_status: int  # HiGHS's model status (``highspy.HighsModelStatus``), as a number
    objective: float  # HiGHS's objective value (inf if no solution was found)
    col_value: np.ndarray
    col_dual: np.ndarray
    row_value: np.ndarray
    row_dual: np.ndarray
    mip_dual_bound: float
    mip_gap: float

    @property
    def nbytes(self) -> int:
        arrays = (self.col_value, self.col_dual, self.row_value, self.row_dual)
        return sum(a.nbytes for a in arrays) + 256


class SolvedModels:
    """Answers by digest, least recently used first out, within ``max_bytes``; with a
    ``folder``, shared through it with other processes. Safe to use from several threads."""

    def __init__(self, max_bytes: int = MAX_BYTES, folder: Path | None = None) -> None:
        self.max_bytes = max_bytes
        self.folder = folder
        self._kept: OrderedDict[bytes, Outcome] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0
        self._written = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._kept)

    def __bool__(self) -> bool:  # a store is a store, empty or not
        return True

    def get(self, key: bytes) -> Outcome | None:
        with self._lock:
            outcome = self._kept.get(key)
            if outcome is not None:
                self._kept.move_to_end(key)
        if outcome is None and self.folder is not None:
            outcome = _read(self.folder / f"{key.hex()}.npz")
            if outcome is not None:
                self._keep(key, outcome)
        with self._lock:
            if outcome is None:
                self.misses += 1
            else:
                self.hits += 1
        return outcome

    def put(self, key: bytes, outcome: Outcome) -> None:
        self._keep(key, outcome)
        if self.folder is None:
            return
        with self._lock:
            room = self._written + outcome.nbytes <= MAX_FOLDER_BYTES
            if room:
                self._written += outcome.nbytes
        if room:
            _write(self.folder, f"{key.hex()}.npz", outcome)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._bytes = 0

    def trim_folder(self, max_bytes: int) -> None:
        """Remove the folder's oldest answers beyond ``max_bytes`` (a long-lived folder's); what
        is left counts as this process's writing."""
        if self.folder is None:
            return
        files = []
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):  # (a file renamed or removed meanwhile)
                    info = entry.stat()
                    files.append((info.st_mtime_ns, info.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files):
            if total <= max_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size
        with self._lock:
            self._written = total

    def _keep(self, key: bytes, outcome: Outcome) -> None:
        with self._lock:
            if outcome.nbytes > self.max_bytes or key in self._kept:
                return
            self._kept[key] = outcome
            self._bytes += outcome.nbytes
            while self._bytes > self.max_bytes:
                _, old = self._kept.popitem(last=False)
                self._bytes -= old.nbytes


_ARRAYS = ("col_value", "col_dual", "row_value", "row_dual")


def _write(folder: Path, name: str, outcome: Outcome) -> bool:
    """Write one answer whole or not at all (a reader never sees half a file); a failed write
    only means the answer is not shared."""
    scalars = np.array(
        [int(outcome.model_status), outcome.objective, outcome.mip_dual_bound, outcome.mip_gap]
    )
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".part-", suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, scalars=scalars, **{k: getattr(outcome, k) for k in _ARRAYS})
        os.replace(tmp, folder / name)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return False
    return True


def _read(path: Path) -> Outcome | None:
    """One answer another process wrote, or None if there is none (or it cannot be read)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            status, objective, bound, gap = f["scalars"].tolist()
            arrays = {k: f[k] for k in _ARRAYS}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):
        return None
    return Outcome(
        model_status=int(status),
        objective=objective,
        mip_dual_bound=bound,
        mip_gap=gap,
        **arrays,
    )


_ACTIVE: ContextVar[SolvedModels | None] = ContextVar("solved_models", default=None)


def active() -> SolvedModels | None:
    """The solved models in force here, if any."""
    return _ACTIVE.get()


@contextlib.contextmanager
def reusing(solved: SolvedModels) -> Iterator[SolvedModels]:
    """Solves within the block are answered from ``solved`` where it has them, and kept there."""
    token = _ACTIVE.set(solved)
    try:
        yield solved
    finally:
        _ACTIVE.reset(token)


def reuse_in_this_process(folder: str) -> None:
    """A worker's start: share the opener's answers through ``folder`` for the worker's life
    (its tasks run in the thread that starts it)."""
    _ACTIVE.set(SolvedModels(folder=Path(folder)))


def new_folder() -> Path:
    """A new folder for answers shared between processes (see :mod:`mcdm.folders`)."""
    return new_owned_temp_folder(PREFIX)


def shared_folder() -> contextlib.AbstractContextManager[Path]:
    """:func:`new_folder`, removed when the block ends."""
    return owned_temp_folder(PREFIX)
