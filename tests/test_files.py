"""Never lose a user's file: ``--out`` rules, the batch lock, Ctrl-C and kills, failed writes.

Tests run as root here, so a read-only folder or a full disk cannot be made with chmod: those are
simulated by making the system call raise the OSError the system would raise.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from mcdm.batch import expand_sweep, run_batch
from mcdm.cli import main
from mcdm.errors import OutputError
from mcdm.folders import MARKER, lock_folder
from mcdm.io.write import write_file, write_tables
from mcdm.parallel import executor
from tests.conftest import DATA, ROOT

MONITORING = DATA / "scenarios" / "monitoring_only.toml"
N = 15  # variants of the sweeps below that are stopped part-way
LIGHT = ["frontier.levels=2", "frontier.alternatives=0", "robustness.smaa_draws=500"]
QUICK = ["--no-prices", "--jobs", "1", "--quiet"]
MATRIX = "id,cost,quality\ntype,cost,benefit\nA,100,7\nB,80,6\nC,120,9\n"


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    """The single line a failure prints (and proof that nothing else, no traceback, came)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "notes.txt").write_text("three weeks of work\n")
    return path


COMMANDS = {
    "optimise": lambda out, m: ["optimise", str(MONITORING), "--out", out, *QUICK],
    "run": lambda out, m: ["run", str(MONITORING), "--out", out, *QUICK],
    "rank": lambda out, m: ["rank", str(m), "--out", out],
    "sweep": lambda out, m: [
        "sweep", str(MONITORING), "--vary", "budget_eur_bn=0.3,0.5", "--out", out, "--quiet",
    ],
    "run several": lambda out, m: [
        "run", str(MONITORING), str(MONITORING), "--out", out, "--no-prices", "--quiet",
    ],
}  # fmt: skip


@pytest.fixture
def matrix(tmp_path: Path) -> Path:
    path = tmp_path / "matrix.csv"
    path.write_text(MATRIX)
    return path


# --- --out: whose folder is it? ----------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
def test_out_at_a_folder_of_user_files_keeps_every_file(capsys, tmp_path, matrix, command):
    folder = user_folder(tmp_path / "mine")
    code, _, err = run_main(capsys, *COMMANDS[command](str(folder), matrix))
    assert code == 1
    assert one_line(err) == (
        f"error: {folder} exists and is not a folder written by mcdm (no .mcdm-run marker); "
        "choose a new folder or remove it yourself"
    )
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "three weeks of work\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["matrix.csv", "mine"]


def test_out_at_a_previous_run_replaces_it(capsys, tmp_path):
    out = tmp_path / "r"
    code, _, err = run_main(capsys, "optimise", str(MONITORING), "--out", str(out), *QUICK)
    assert code == 0, err
    first = (out / "packages.csv").read_bytes()
    (out / "left_over.csv").write_text("from the first run\n")
    code, stdout, err = run_main(capsys, "run", str(MONITORING), "--out", str(out), *QUICK)
    assert code == 0, err
    assert stdout.strip().splitlines()[-1] == f"Results written to {out}"
    names = {p.name for p in out.iterdir()}
    assert "left_over.csv" not in names  # the folder was replaced as a whole
    assert {MARKER, "rankings.csv", "acceptability.csv"} <= names
    assert (out / "packages.csv").read_bytes() == first  # same scenario, same packages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no temporary folder left


def test_an_empty_folder_is_used_and_new_folders_follow_the_umask(tmp_path):
    table = {"a.csv": pd.DataFrame({"x": [1, 2]})}
    (tmp_path / "empty").mkdir()
    old = os.umask(0o027)
    try:
        write_tables(table, tmp_path / "empty", {})
        write_tables(table, tmp_path / "new" / "deeper", {})
    finally:
        os.umask(old)
    for folder in (tmp_path / "empty", tmp_path / "new" / "deeper"):
        assert (folder / "a.csv").read_text() == "x\n1\n2\n"
        assert folder.stat().st_mode & 0o777 == 0o750, folder  # as mkdir makes it, not 0700
    marker = json.loads((tmp_path / "empty" / MARKER).read_text())
    assert marker["kind"] == "run" and marker["written_by"] == "mcdm"


def test_the_marker_keeps_two_runs_byte_identical(tmp_path):
    table = {"a.csv": pd.DataFrame({"x": [1.5]})}
    write_tables(table, tmp_path / "one", {"k": 1})
    write_tables(table, tmp_path / "two", {"k": 1})
    for name in (MARKER, "a.csv", "run.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_write_file_replaces_all_or_nothing_and_follows_the_umask(tmp_path, monkeypatch):
    """The one writer of single files (manifest.json, failures.csv, the marker): the old
    content stays whole when a write fails, no temporary file is left, and the new file gets
    the user's umask as any saved file would (a temporary file made by ``mkstemp`` is 0600)."""
    path = tmp_path / "manifest.json"
    old = os.umask(0o027)
    try:
        write_file(path, "first\n")
    finally:
        os.umask(old)
    assert path.read_text() == "first\n"
    assert path.stat().st_mode & 0o777 == 0o640

    def full(fd):  # the disk fills up before the bytes are on it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_file(path, b"second, and much longer\n")
    monkeypatch.undo()
    assert path.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]
    write_file(path, "second\n")
    assert path.read_text() == "second\n"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_write_run_from_python_refuses_a_user_folder_too(tmp_path):
    folder = user_folder(tmp_path / "mine")
    with pytest.raises(OutputError, match="not a folder written by mcdm"):
        write_tables({"a.csv": pd.DataFrame({"x": [1]})}, folder, {})
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


@pytest.mark.parametrize(
    ("out", "what"),
    [
        (".", "the current folder"),
        ("..", "a folder that holds the current folder"),
        ("", "the current folder"),
        ("/", "the root of the file system"),
    ],
)
def test_out_dot_and_its_parents_get_a_message(capsys, tmp_path, monkeypatch, out, what):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for command in ("run", "sweep"):
        code, _, err = run_main(capsys, *COMMANDS[command](out, None))
        assert code == 1
        assert one_line(err) == (
            f"error: --out {out or '.'} is {what}; mcdm writes its results into a folder of "
            "their own: give a new folder, e.g. --out runs/first"
        )
    assert list(work.iterdir()) == []


def test_out_at_the_home_folder_gets_a_message(capsys, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    code, _, err = run_main(capsys, *COMMANDS["optimise"](str(home), None))
    assert code == 1
    assert one_line(err).startswith(f"error: --out {home} is your home folder; ")


@pytest.mark.parametrize("command", ["optimise", "rank", "sweep"])
def test_out_at_a_file_gets_a_message(capsys, tmp_path, matrix, command):
    code, _, err = run_main(capsys, *COMMANDS[command](str(matrix), matrix))
    assert code == 1
    assert one_line(err) == (
        f"error: --out {matrix} is a file, not a folder; give a new folder name for the results"
    )
    assert matrix.read_text() == MATRIX


def test_a_run_folder_and_a_batch_folder_do_not_replace_each_other(capsys, tmp_path):
    single, batch = tmp_path / "single", tmp_path / "batch"
    assert run_main(capsys, *COMMANDS["optimise"](str(single), None))[0] == 0
    run_batch(expand_sweep(MONITORING, ["budget_eur_bn=0.3"], LIGHT), batch, jobs=1)
    code, _, err = run_main(capsys, *COMMANDS["sweep"](str(single), None))
    assert code == 1
    assert one_line(err) == (
        f"error: {single} holds a single mcdm run, not an mcdm batch (a sweep or several "
        "scenarios); choose a new folder or remove it yourself"
    )
    code, _, err = run_main(capsys, *COMMANDS["run"](str(batch), None))
    assert code == 1
    assert one_line(err) == (
        f"error: {batch} holds an mcdm batch (a sweep or several scenarios), not a single mcdm "
        "run; choose a new folder or remove it yourself"
    )
    assert (batch / "manifest.json").exists() and (single / "packages.csv").exists()


def test_a_failed_variant_never_removes_a_user_folder_among_the_variants(tmp_path):
    variants = expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5"], LIGHT)
    out = tmp_path / "b"
    run_batch(variants[:1], out, jobs=1)
    theirs = user_folder(out / "variants" / variants[1].variant_id)
    res = run_batch(variants, out, jobs=1)
    assert list(res.failures["variant_id"]) == [variants[1].variant_id]
    assert "is not a folder written by mcdm" in res.failures["error"][0]
    assert sorted(p.name for p in theirs.iterdir()) == ["notes.txt"]


# --- two batches into one folder ---------------------------------------------------------------


def sweep_command(out: Path, budgets: str = "0.2:1.6:0.1", jobs: str = "2") -> list[str]:
    return [
        sys.executable,
        "-m",
        "mcdm",
        "sweep",
        str(MONITORING),
        "--vary",
        f"budget_eur_bn={budgets}",
        *[a for s in LIGHT for a in ("--set", s)],
        "--jobs",
        jobs,
        "--quiet",
        "--out",
        str(out),
    ]


def start_sweep(out: Path, **kw) -> subprocess.Popen[str]:
    # SIGINT as a terminal sends it: restored to its default even if this test runs in a
    # background job (where the shell makes children ignore it)
    return subprocess.Popen(
        sweep_command(out, **kw),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def complete_variants(out: Path) -> set[str]:
    folder = out / "variants"
    if not folder.exists():
        return set()
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def wait_for_variants(proc: subprocess.Popen[str], out: Path, n: int) -> set[str]:
    deadline = time.monotonic() + 300  # a failure guard, not a measure of speed
    while time.monotonic() < deadline and proc.poll() is None:
        done = complete_variants(out)
        if len(done) >= n:
            return done
        time.sleep(0.05)
    raise AssertionError(f"the sweep ended or stalled before {n} variants: {proc.poll()}")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (the forkserver, the resource tracker and the workers)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent_of[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, pp in parent_of.items() if pp == p}
        todo += list(kids - found)
        found |= kids
    return found


def running(pids: set[int]) -> set[int]:
    """The pids still running (a zombie has ended; it only waits to be reaped)."""
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            alive.add(pid)
    return alive


def wait_until_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 30  # a failure guard: they go within a second or so
    while running(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running(pids)


def stop(proc: subprocess.Popen[str]) -> None:
    """Clean up after a failed test: nothing of the sweep may outlive it."""
    with contextlib.suppress(ProcessLookupError):  # the whole session, leader dead or not
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)


def test_a_second_sweep_into_the_same_folder_stops_at_once(capsys, tmp_path):
    out = tmp_path / "s"
    first = start_sweep(out, budgets="0.2:6:0.1")  # long enough to be still running
    try:
        wait_for_variants(first, out, 1)
        code, _, err = run_main(
            capsys, "sweep", str(MONITORING), "--vary", "budget_eur_bn=0.2:1.6:0.1",
            *[a for s in LIGHT for a in ("--set", s)], "--jobs", "2", "--quiet", "--out", str(out),
        )  # fmt: skip
        assert first.poll() is None, "the first sweep ended before the second started"
        assert code == 1
        assert one_line(err) == (
            f"error: {out} is in use by another mcdm batch (process {first.pid}); wait for it "
            "to finish, or give another --out folder"
        )
    finally:
        stop(first)


def test_a_lock_left_by_a_dead_process_does_not_block(tmp_path):
    out = tmp_path / "b"
    out.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from mcdm.folders import lock_folder\n"
            f"with lock_folder(Path({str(out)!r})):\n    print('locked', flush=True)\n"
            "    time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with pytest.raises(OutputError, match=f"process {holder.pid}"), lock_folder(out):
            pass
    finally:
        holder.kill()
        holder.communicate(timeout=60)
    assert (out / ".mcdm-lock").exists()
    with lock_folder(out):  # the lock file is still there; the lock died with its process
        assert (out / ".mcdm-lock").read_text() == f"{os.getpid()}\n"


# --- Ctrl-C and kills --------------------------------------------------------------------------


def test_ctrl_c_stops_a_sweep_keeps_what_finished_and_a_resume_runs_only_the_rest(tmp_path):
    out = tmp_path / "s"
    proc = start_sweep(out)
    try:
        before = wait_for_variants(proc, out, 2)
        workers = descendants(proc.pid)
        assert len(workers) >= 3  # forkserver, resource tracker, workers
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)  # generous: failing, not timing
    finally:
        stop(proc)
    assert proc.returncode == 130, stderr
    kept = complete_variants(out)
    assert before <= kept and len(kept) < N
    assert one_line(stderr) == (
        f"interrupted: {len(kept)} of {N} variants complete in {out}, 0 failed, "
        f"{N - len(kept)} not run (manifest.json lists them); run the same command again to "
        "finish"
    )
    assert stdout == ""
    assert wait_until_gone(workers) == set()
    # what finished is whole and readable; nothing half-written is left
    for name in kept:
        assert json.loads((out / "variants" / name / "run.json").read_text())["variant"]["id"]
        assert len(pd.read_csv(out / "variants" / name / "packages.csv")) > 0
    assert [p.name for p in (out / "variants").iterdir() if p.name.startswith(".")] == []
    assert not (out / "combined").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stopped"] == "interrupted"
    status = {v["variant_id"]: v["status"] for v in manifest["variants"]}
    assert {k for k, s in status.items() if s == "done"} == kept
    assert list(status.values()).count("not run") == N - len(kept)
    stamps = {n: (out / "variants" / n / "run.json").stat().st_mtime_ns for n in kept}
    res = subprocess.run(sweep_command(out), capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert (
        f"{N} variants: {N - len(kept)} run, {len(kept)} already complete, 0 failed" in res.stdout
    )
    assert all(
        (out / "variants" / n / "run.json").stat().st_mtime_ns == s for n, s in stamps.items()
    )
    assert pd.read_csv(out / "combined" / "combined_packages.csv")["variant_id"].nunique() == N


def test_a_killed_sweep_leaves_no_process_and_a_resume_loses_and_redoes_nothing(tmp_path):
    out = tmp_path / "s"
    proc = start_sweep(out)
    try:
        wait_for_variants(proc, out, 2)
        workers = descendants(proc.pid)
        assert len(workers) >= 3
        os.kill(proc.pid, signal.SIGKILL)  # the main process only: its workers must follow
        # not reaped yet: the dead sweep stays a zombie, as under a parent that is busy
        assert wait_until_gone(workers) == set()
        assert wait_until_gone({proc.pid}) == set()
    finally:
        stop(proc)
    kept = complete_variants(out)
    assert 2 <= len(kept) < N
    stamps = {n: (out / "variants" / n / "run.json").stat().st_mtime_ns for n in kept}
    assert (out / ".mcdm-lock").exists()  # a stale lock file, but no lock
    res = subprocess.run(sweep_command(out), capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert (
        f"{N} variants: {N - len(kept)} run, {len(kept)} already complete, 0 failed" in res.stdout
    )
    assert all(
        (out / "variants" / n / "run.json").stat().st_mtime_ns == s for n, s in stamps.items()
    )
    assert len(list((out / "variants").iterdir())) == N  # no debris of the killed writes


def _sleep_and_tell(path: str) -> None:
    Path(path).write_text(str(os.getpid()))
    time.sleep(600)


def _leave_a_busy_pool_by_ctrl_c(tmp_path: Path) -> None:
    with executor(2) as pool:
        assert pool is not None
        for i in range(3):
            pool.submit(_sleep_and_tell, str(tmp_path / f"w{i}"))
        deadline = time.monotonic() + 120
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        raise KeyboardInterrupt


def test_a_pool_left_by_an_exception_terminates_its_running_workers(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        _leave_a_busy_pool_by_ctrl_c(tmp_path)
    pids = {int(p.read_text()) for p in tmp_path.iterdir()}
    assert len(pids) == 2
    assert wait_until_gone(pids) == set()
    assert not (tmp_path / "w2").exists()  # the task that had not started never will


# --- a full disk, a read-only folder, no scheduler ---------------------------------------------


def test_a_full_disk_stops_the_sweep_and_keeps_what_finished(capsys, tmp_path, monkeypatch):
    out = tmp_path / "s"
    first = run_batch(expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5"], LIGHT), out, jobs=1)
    manifest = (out / "manifest.json").read_bytes()
    stamps = {n: (out / "variants" / n / "run.json").stat().st_mtime_ns for n in first.done}

    def full(self, path=None, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    code, stdout, err = run_main(
        capsys, "sweep", str(MONITORING), "--vary", "budget_eur_bn=0.3,0.5,0.7,0.9",
        *[a for s in LIGHT for a in ("--set", s)], "--jobs", "1", "--quiet", "--out", str(out),
    )  # fmt: skip
    assert code == 1
    new = expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5,0.7,0.9"], LIGHT)[2].variant_id
    assert one_line(err) == (
        f"error: cannot write results to {out / 'variants' / new}: the disk is full (no space "
        f"left on device); free some space and run again (2 of 4 variants complete in {out} are "
        "kept; manifest.json not updated)"
    )
    assert stdout == ""
    assert (out / "manifest.json").read_bytes() == manifest
    assert complete_variants(out) == set(first.done)
    assert all(
        (out / "variants" / n / "run.json").stat().st_mtime_ns == s for n, s in stamps.items()
    )
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [
        ".mcdm-lock",
        ".mcdm-run",
    ]  # no temporary file or folder left
    assert [p.name for p in (out / "variants").iterdir() if p.name.startswith(".")] == []


def test_a_read_only_folder_is_one_line_and_leaves_nothing(capsys, tmp_path, monkeypatch):
    readonly = tmp_path / "ro"
    readonly.mkdir()
    real_mkdir = os.mkdir

    def refuse(path, *args, **kwargs):
        if str(path).startswith(str(readonly)):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refuse)
    out = readonly / "run"
    code, stdout, err = run_main(capsys, "optimise", str(MONITORING), "--out", str(out), *QUICK)
    assert code == 1
    assert one_line(err) == (
        f"error: cannot write results to {out}: the file system is read-only; choose a folder "
        "you can write to with --out"
    )
    assert "packages written" not in stdout
    assert list(readonly.iterdir()) == []


def test_a_read_only_file_system_is_refused_before_any_work(capsys, tmp_path, monkeypatch):
    """``access(2)`` reports a read-only file system even to root: checked before solving."""
    readonly = tmp_path / "ro"
    readonly.mkdir()
    real_access, real_statvfs = os.access, os.statvfs

    class ReadOnly:
        f_flag = os.ST_RDONLY

    def access(path, mode, *a, **kw):
        return False if Path(path) == readonly and mode == os.W_OK else real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(
        os, "statvfs", lambda p: ReadOnly() if Path(p) == readonly else real_statvfs(p)
    )
    out = readonly / "s" / "deeper"
    code, stdout, err = run_main(capsys, *COMMANDS["sweep"](str(out), None))
    assert code == 1
    assert one_line(err) == (
        f"error: cannot write results to {out}: the file system is read-only; choose a folder "
        "you can write to with --out"
    )
    assert stdout == "" and list(readonly.iterdir()) == []


def test_an_unreachable_scheduler_is_one_line_and_keeps_the_batch(capsys, tmp_path, monkeypatch):
    import mcdm.batch

    out = tmp_path / "s"
    run_batch(expand_sweep(MONITORING, ["budget_eur_bn=0.3"], LIGHT), out, jobs=1)
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    monkeypatch.setattr(mcdm.batch.workers, "DASK_CONNECT_TIMEOUT_S", 1)
    for where in (out, tmp_path / "new"):
        code, stdout, err = run_main(
            capsys, "sweep", str(MONITORING), "--vary", "budget_eur_bn=0.3,0.5", "--quiet",
            "--scheduler", "tcp://127.0.0.1:1", "--out", str(where),
        )  # fmt: skip
        assert code == 1
        assert one_line(err) == (
            "error: cannot reach the Dask scheduler at tcp://127.0.0.1:1: no scheduler answered "
            "within 1 s; check the address and that the scheduler is running, or leave out "
            "--scheduler to run here"
        )
        assert stdout == ""
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert not (tmp_path / "new").exists()
