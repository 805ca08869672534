"""Solves kept within a batch: a model HiGHS has solved once is answered again without solving,
and the answer is the fresh solve's to the last bit. Checked field by field against fresh solves
(in one process and through the folder other processes read), on the digest (any change to what
HiGHS receives is another solve), and on sweeps whose variants' files must not change."""

from __future__ import annotations

import contextlib
import dataclasses
import filecmp
import os
import tempfile

import numpy as np
import pytest

from mcdm import solved_models as ks
from mcdm.batch import expand_sweep, run_batch, workers
from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
from mcdm.milp import build_model, solve_lexicographic
from mcdm.milp.solver import _HiGHS, _highs_input
from mcdm.solved_models import SolvedModels, reusing
from tests.conftest import DATA

MONITORING = DATA / "scenarios" / "monitoring_only.toml"
LIGHT = ["frontier.levels=2", "frontier.alternatives=0", "robustness.smaa_draws=500"]


@pytest.fixture(scope="module")
def instance(dataset):
    scenario, _ = load_scenario(MONITORING, dataset)
    return instantiate(scenario, dataset)


def _solved(instance, aid: str = "technical_monitoring") -> tuple:
    """A two-stage solve (the second stage starts from the first's mix) and all it leaves."""
    model = build_model(instance, aid)
    result = solve_lexicographic(model, instance.scenario.solver)
    prob = model.prob
    return (
        (result.status, result.objective, result.cost_eur_m, result.bound, result.gap),
        result.allocation,
        result.binding,
        (prob.status, prob.sol_status),
        {v.name: (v.varValue, v.dj) for v in prob.variables()},
        {n: (c.slack, c.pi) for n, c in prob._constraints.items()},
    )


def _highs_runs(monkeypatch) -> list[int]:
    """Counts HiGHS's own solves."""
    runs = [0]
    real = _HiGHS._run

    def counted(self, *args):
        runs[0] += 1
        return real(self, *args)

    monkeypatch.setattr(_HiGHS, "_run", counted)
    return runs


def test_a_kept_answer_is_the_fresh_solve_to_the_last_bit(instance, tmp_path, monkeypatch):
    fresh = _solved(instance)
    runs = _highs_runs(monkeypatch)
    with reusing(SolvedModels(folder=tmp_path)) as kept:
        first = _solved(instance)
        assert runs[0] == 2 and kept.misses == 2 and kept.hits == 0
        again = _solved(instance)  # a model built anew, the same as HiGHS receives it
        assert runs[0] == 2 and kept.hits == 2
    assert first == fresh
    assert again == fresh
    assert len(list(tmp_path.glob("*.npz"))) == 2
    with reusing(SolvedModels(folder=tmp_path)) as other:  # another process reads the folder
        shared = _solved(instance)
    assert runs[0] == 2 and other.hits == 2 and other.misses == 0
    assert shared == fresh
    assert ks.active() is None
    _solved(instance)  # outside a batch, every solve is run
    assert runs[0] == 4


def _changes(given: ks.HighsInput):
    """Copies of ``given`` with one thing changed, each a different model to HiGHS."""
    for field in dataclasses.fields(given):
        array = getattr(given, field.name)
        if not len(array):
            continue
        changed = array.copy()
        changed[-1] = changed[-1] + 1 if np.isfinite(changed[-1]) else 0
        yield field.name, dataclasses.replace(given, **{field.name: changed})


def test_anything_highs_receives_changes_the_digest(instance):
    model = build_model(instance, "technical_monitoring")
    prob = model.prob
    solver = _HiGHS(msg=False, gapRel=0.005, threads=1)
    given = _highs_input(prob, prob.variables(), list(prob._constraints.values()), mip=True)
    options = solver._options()
    key = given.digest(options, None)
    rebuilt = build_model(instance, "technical_monitoring").prob
    same = _highs_input(rebuilt, rebuilt.variables(), list(rebuilt._constraints.values()), True)
    assert same.digest(options, None) == key
    seen = {key}
    for what, other in _changes(given):
        seen.add(other.digest(options, None))
        assert len(seen) > 1, what
    start = np.zeros(len(given.cost))
    for other in (
        given.digest(_HiGHS(msg=False, gapRel=0.01, threads=1)._options(), None),
        given.digest(_HiGHS(msg=False, gapRel=0.005, threads=1, timeLimit=9)._options(), None),
        given.digest(_HiGHS(msg=False, gapRel=0.005, threads=1, mip_max_nodes=5)._options(), None),
        given.digest(options, start),
        given.digest(options, start + 1),
    ):
        seen.add(other)
    assert len(seen) == 1 + len(list(_changes(given))) + 5


def _outcome(n: int) -> ks.Outcome:
    values = np.arange(n, dtype=np.float64)
    return ks.Outcome(7, 1.0, values, values, values, values, 1.0, 0.0)


def test_kept_answers_stay_within_their_memory():
    kept = SolvedModels(max_bytes=3 * _outcome(100).nbytes)
    for i in range(5):
        kept.put(bytes([i]), _outcome(100))
    assert len(kept) == 3
    assert kept.get(bytes([0])) is None and kept.get(bytes([4])) is not None
    kept.get(bytes([2]))  # used: the least recently used goes first
    kept.put(bytes([5]), _outcome(100))
    assert kept.get(bytes([2])) is not None and kept.get(bytes([3])) is None


def test_a_folder_that_fails_only_loses_the_sharing(instance, tmp_path):
    fresh = _solved(instance)
    with reusing(SolvedModels(folder=tmp_path / "gone")) as kept:  # every write fails
        assert _solved(instance) == fresh
    assert kept.misses == 2 and not (tmp_path / "gone").exists()
    with reusing(SolvedModels(folder=tmp_path)) as kept:
        _solved(instance)
    for path in tmp_path.glob("*.npz"):  # broken answers: read as none, and solved again
        path.write_bytes(b"PK\x03\x04 not an answer")
    with reusing(SolvedModels(folder=tmp_path)) as kept:
        assert _solved(instance) == fresh
    assert kept.hits == 0 and kept.misses == 2


def _variant_files(folder) -> dict:
    return {
        p.relative_to(folder): p
        for p in sorted((folder / "variants").rglob("*"))
        if p.suffix in (".csv", ".json") and p.name != "run.json"
    }


def test_a_sweep_reuses_solves_and_each_variant_is_as_if_run_alone(tmp_path, monkeypatch):
    variants = expand_sweep(MONITORING, ["budget_eur_bn=0.2,0.4,0.6"], LIGHT)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    runs = _highs_runs(monkeypatch)
    assert run_batch(variants, tmp_path / "reused", jobs=1).ok
    reused = runs[0]
    assert len(workers.SOLVED) == 0  # the batch's own answers, gone with it
    assert run_batch(variants, tmp_path / "shared", jobs=2).ok  # (HiGHS runs in the workers)
    assert not list((tmp_path / "tmp").glob("mcdm-solves-*"))  # gone with the batch
    made = []

    @contextlib.contextmanager
    def left_to_look_into():
        made.append(ks.new_folder())
        yield made[-1]

    with monkeypatch.context() as m:  # the workers share their answers through the folder
        m.setattr(workers, "shared_folder", left_to_look_into)
        assert run_batch(variants, tmp_path / "shared_kept", jobs=2).ok
    assert len(list(made[0].glob("*.npz"))) >= 10
    monkeypatch.setattr(workers, "reusing", lambda solved: contextlib.nullcontext())
    assert run_batch(variants, tmp_path / "alone", jobs=1).ok
    assert reused < runs[0] - reused  # the variants built some of the very same models
    alone = _variant_files(tmp_path / "alone")
    assert len([p for p in alone if p.suffix == ".csv"]) >= 3 * 5
    for run in ("reused", "shared", "shared_kept"):
        files = _variant_files(tmp_path / run)
        assert files.keys() == alone.keys()
        for name, path in alone.items():
            assert filecmp.cmp(path, files[name], shallow=False), (run, name)


def test_a_solve_the_time_limit_stopped_is_not_kept(instance, monkeypatch):
    """A time limit depends on the machine's load: such an answer is never reused."""
    import highspy

    real = _HiGHS._run

    def stopped(self, *args):
        outcome = real(self, *args)
        return dataclasses.replace(outcome, model_status=int(highspy.HighsModelStatus.kTimeLimit))

    monkeypatch.setattr(_HiGHS, "_run", stopped)
    with reusing(SolvedModels()) as solved:
        _solved(instance)
    assert solved.misses == 2 and len(solved) == 0


def test_folders_left_by_killed_processes_are_removed_and_nothing_else(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    stale = tmp_path / f"{ks.PREFIX}{gone.stdout.strip()}-abc"
    stale.mkdir()
    (stale / "x.npz").write_bytes(b"old")
    mine = ks.new_folder()
    others = [tmp_path / f"{ks.PREFIX}notapid-x", tmp_path / "mcdm-solves", tmp_path / "users"]
    for folder in others:
        folder.mkdir()
    with ks.shared_folder() as shared:
        assert shared.is_dir() and mine.is_dir() and shared != mine
        assert str(os.getpid()) in shared.name
    assert not stale.exists() and not shared.exists()
    assert mine.is_dir() and all(folder.is_dir() for folder in others)
