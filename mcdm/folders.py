"""Output folders: replace only what the tool wrote, lock batch folders, explain failed writes.

Every folder the tool writes (a run, the combined tables of a batch, a batch folder) holds a
small marker file, ``.mcdm-run``. An ``--out`` folder may be written when it does not exist, is
empty, or holds that marker of the same kind; anything else is refused with a message, so a
user's own files are never deleted or replaced. Folders are made with ``os.mkdir`` and so get
the user's umask, as the shell's ``mkdir`` would give them. A batch folder is locked while a
batch runs in it (``flock``, which the system releases when the process dies, so a killed
sweep never blocks its resume). The OSError of a failed write becomes one
:class:`~mcdm.errors.OutputError` line here, through :func:`writing_to`. The writing itself
(the marker included) is done, all or nothing, by :mod:`mcdm.io.write`.

Temporary folders the tool shares between its processes are named after the process that made
them (:func:`owned_temp_folder`); one left by a process that was killed is removed by the next
that makes one.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from .errors import OutputError

__all__ = [
    "LOCK",
    "MARKER",
    "check_out_folder",
    "lock_folder",
    "marker_kind",
    "new_folder_beside",
    "new_owned_temp_folder",
    "owned_temp_folder",
    "process_alive",
    "writing_to",
]

MARKER = ".mcdm-run"
LOCK = ".mcdm-lock"
Kind = Literal["run", "batch"]

_KIND_WORDS = {"run": "a single mcdm run", "batch": "an mcdm batch (a sweep or several scenarios)"}


def marker_kind(folder: Path) -> str | None:
    """The kind of folder (``"run"`` or ``"batch"``) its marker names, or None without one."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else None


def _refuse_special(path: Path, shown: str) -> None:
    """``--out .``, ``..``, the home folder or ``/`` would put (or replace) results in a folder
    full of other things: never a place for a folder the tool replaces as a whole."""
    where = path.resolve()
    cwd = Path.cwd().resolve()
    what = None
    if where.parent == where:
        what = "the root of the file system"
    elif where == cwd:
        what = "the current folder"
    elif where in cwd.parents:
        what = "a folder that holds the current folder"
    else:
        try:
            if where == Path.home().resolve():
                what = "your home folder"
        except RuntimeError:  # no home folder known: nothing to compare with
            pass
    if what:
        raise OutputError(
            f"--out {shown} is {what}; mcdm writes its results into a folder of their own: "
            "give a new folder, e.g. --out runs/first"
        )


def _check_writable(path: Path, shown: str) -> None:
    """Fail before any work when the folder cannot be written at all (read-only file system,
    no permission); as root only the read-only case can be told in advance."""
    probe = path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        return  # a file in the way: the write itself says so
    if os.access(probe, os.W_OK):
        return
    readonly = bool(os.statvfs(probe).f_flag & os.ST_RDONLY) if hasattr(os, "statvfs") else False
    code = errno.EROFS if readonly else errno.EACCES
    raise OutputError.from_os_error(OSError(code, os.strerror(code), str(probe)), shown)


def check_out_folder(out: str | os.PathLike[str], kind: Kind = "run") -> Path:
    """Check that ``out`` may receive results of ``kind``, before any work is done.

    Allowed: a folder that does not exist yet, an empty folder, or a folder whose marker says
    the tool wrote it as the same kind (a previous run is replaced; a batch is resumed).

    Raises
    ------
    OutputError
        With a one-line message naming the folder and what to do: for ``.``, ``..``, the home
        folder, a file, a folder of the user's, a folder of the other kind, or one that cannot
        be written.
    """
    shown = os.fspath(out) or "."
    path = Path(shown)
    _refuse_special(path, shown)
    with writing_to(shown):
        if path.exists() and not path.is_dir():
            raise OutputError(
                f"--out {shown} is a file, not a folder; give a new folder name for the results"
            )
        if path.is_dir():
            entries = {p.name for p in path.iterdir()} - {LOCK}
            if entries:
                found = marker_kind(path)
                if found is None:
                    raise OutputError(
                        f"{shown} exists and is not a folder written by mcdm (no {MARKER} "
                        "marker); choose a new folder or remove it yourself"
                    )
                if found != kind:
                    raise OutputError(
                        f"{shown} holds {_KIND_WORDS.get(found, found)}, not "
                        f"{_KIND_WORDS[kind]}; choose a new folder or remove it yourself"
                    )
        _check_writable(path, shown)
    return path


def new_folder_beside(out: Path, what: str) -> Path:
    """A new hidden folder next to ``out`` (``.NAME.WHAT-xxxxxxxx``), made by ``os.mkdir`` so
    that it gets the user's umask, as a folder made by ``mkdir`` would (``tempfile.mkdtemp``
    makes every folder 0700)."""
    for _ in range(100):
        path = out.parent / f".{out.name}.{what}-{secrets.token_hex(4)}"
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(errno.EEXIST, "no free name for a temporary folder", str(out.parent))


@contextmanager
def writing_to(where: str | os.PathLike[str]) -> Iterator[None]:
    """Turn an OSError raised while writing results into one :class:`OutputError` line that
    names ``where`` (the folder the user asked for) and the reason."""
    try:
        yield
    except OSError as exc:
        raise OutputError.from_os_error(exc, where) from exc


@contextmanager
def lock_folder(folder: Path, shown: str | None = None) -> Iterator[None]:
    """Hold the batch lock of ``folder`` (``.mcdm-lock``) or stop at once if another process
    holds it. ``flock`` locks die with their process: a sweep that was killed leaves a lock
    file but never a lock. The descriptor is not inherited by worker processes."""
    try:
        import fcntl
    except ImportError:  # no advisory locks here (Windows): run unlocked
        yield
        return
    shown = shown or str(folder)
    with writing_to(shown):
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            who = f" (process {pid})" if pid.isdigit() else ""
            raise OutputError(
                f"{shown} is in use by another mcdm batch{who}; wait for it to finish, "
                "or give another --out folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs; a zombie (dead, not yet reaped by its parent) does not."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):  # no /proc here: ask the kernel
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def new_owned_temp_folder(prefix: str) -> Path:
    """A new folder in the system's temporary folder named ``<prefix><this pid>-...``. Folders of
    that prefix whose process is gone (killed before it could remove its own) are removed first;
    nothing else is touched."""
    for stale in Path(tempfile.gettempdir()).glob(f"{prefix}*-*"):
        owner = stale.name[len(prefix) :].split("-", 1)[0]
        if owner.isdigit() and not process_alive(int(owner)) and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


@contextmanager
def owned_temp_folder(prefix: str) -> Iterator[Path]:
    """:func:`new_owned_temp_folder`, removed when the block ends."""
    folder = new_owned_temp_folder(prefix)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
