"""Writing results: every file the package writes goes through here, all or nothing.

Two ways, one idea (write aside, then rename into place):

- :func:`write_file` replaces one file: the bytes go to a new hidden file beside it, are flushed
  to disk, and the file is renamed over the old one. Readers see the old file or the new one,
  never half of one.
- :func:`write_tables` writes a folder of tables: everything goes to a hidden folder beside it,
  which is renamed into place at the end, so a run that fails part-way never leaves a folder
  that looks complete.

:func:`write_marker` marks a folder as the tool's (see :mod:`mcdm.folders` for the rules on
which folders may be replaced).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import shutil
from collections.abc import Mapping
from contextlib import suppress
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

from ..cells import neutralise_frame
from ..folders import MARKER, Kind, check_out_folder, new_folder_beside, writing_to

__all__ = ["write_file", "write_marker", "write_tables"]


def write_file(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8), all or nothing.

    The temporary file is made with ``os.open`` and so gets the user's umask, as a file saved by
    any other program would. On failure ``path`` is as it was and no temporary file is left;
    the OSError propagates (see :func:`mcdm.folders.writing_to`).
    """
    path = Path(path)
    blob = data.encode("utf-8") if isinstance(data, str) else data
    tmp, fd = _new_file_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _new_file_beside(path: Path) -> tuple[Path, int]:
    """A new hidden file next to ``path`` (``.NAME.xxxxxxxx.tmp``) and its open descriptor."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def write_marker(folder: Path, kind: Kind) -> None:
    """Mark ``folder`` as written by the tool. The content never changes between runs (no
    time, no path), so two runs of the same inputs still give identical folders."""
    try:
        tool = version("mcdm-guarantees")
    except PackageNotFoundError:
        tool = "unknown"
    text = json.dumps(
        {
            "written_by": "mcdm",
            "version": tool,
            "kind": kind,
            "note": "mcdm replaces this folder when it is given as --out again",
        },
        indent=2,
    )
    write_file(folder / MARKER, text + "\n")


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    out: str | Path,
    meta: Mapping[str, Any],
    *,
    meta_name: str = "run.json",
    parquet: bool = False,
    texts: Mapping[str, str] | None = None,
) -> Path:
    """Write tables as CSV (and Parquet), ``texts`` (file name -> text, e.g. a Markdown
    report) and ``meta`` as JSON into ``out``, all or nothing.

    Everything is written to a hidden temporary folder beside ``out`` and renamed into place at
    the end. An existing ``out`` is replaced only if it is empty or holds a previous run (its
    ``.mcdm-run`` marker says so), and only once the new folder is whole; a folder holding
    anything else is never touched. Every CSV cell that a spreadsheet would run as a formula is
    neutralised (:func:`mcdm.cells.neutralise_frame`).

    Raises
    ------
    OutputError
        ``out`` is a file or a folder the tool did not write (see
        :func:`mcdm.folders.check_out_folder`), or the system refused a write (a full disk, a
        read-only folder): one line that names ``out`` and the reason.
    """
    out = Path(out)
    check_out_folder(out, "run")
    with writing_to(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = new_folder_beside(out, "partial")
        try:
            for name, frame in tables.items():
                neutralise_frame(frame).to_csv(tmp / name, index=False, lineterminator="\n")
                if parquet and len(frame.columns):
                    _to_parquet(frame, tmp / name.replace(".csv", ".parquet"))
            for name, text in (texts or {}).items():
                (tmp / name).write_text(text, encoding="utf-8")
            (tmp / meta_name).write_text(
                json.dumps(meta, indent=2, default=str) + "\n", encoding="utf-8"
            )
            write_marker(tmp, "run")
            _swap_into_place(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return out


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet needs one type per column: mixed object columns are written as text."""
    mixed = {c: "string" for c in frame.columns if frame[c].dtype == object}
    frame.astype(mixed).to_parquet(path, index=False)


def _swap_into_place(tmp: Path, out: Path) -> None:
    """Rename the finished ``tmp`` to ``out``; a previous run there is moved aside first and
    removed only once the new one is in place (checked again here: it must still be ours)."""
    if not out.exists():
        os.replace(tmp, out)
        return
    check_out_folder(out, "run")
    old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except BaseException:
        os.replace(old, out)  # put the previous run back
        raise
    shutil.rmtree(old, ignore_errors=True)
