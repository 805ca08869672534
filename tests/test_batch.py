"""Batches and sweeps: expansion, resume after a kill, failures, Monte Carlo, Dask, HiGHS+fork."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from mcdm.batch import (
    VariantDone,
    VariantFailed,
    VariantOutcome,
    expand_sweep,
    parse_vary,
    run_batch,
    scenario_variants,
)
from mcdm.errors import InputError
from tests.conftest import DATA, ROOT

MONITORING = DATA / "scenarios" / "monitoring_only.toml"
LIGHT = ["frontier.levels=2", "frontier.alternatives=0", "robustness.smaa_draws=500"]


# --- expansion ---------------------------------------------------------------------------------


def test_ranges_are_inclusive_and_lists_are_typed():
    assert parse_vary("budget_eur_bn=5:40:5") == ("budget_eur_bn", [5, 10, 15, 20, 25, 30, 35, 40])
    assert parse_vary("budget_eur_bn=0.5:1.5:0.5") == ("budget_eur_bn", [0.5, 1.0, 1.5])
    assert parse_vary("rotation_factor=3,4,5") == ("rotation_factor", [3, 4, 5])
    assert parse_vary("member_overrides.DEU.ground_in_ukraine=true,false") == (
        "member_overrides.DEU.ground_in_ukraine",
        [True, False],
    )
    assert parse_vary("us_backstop=none,article5") == ("us_backstop", ["none", "article5"])


def test_cross_product_with_nested_keys():
    variants = expand_sweep(
        MONITORING,
        [
            "budget_eur_bn=1:2:1",
            "rotation_factor=3,4,5",
            "member_overrides.DEU.ground_in_ukraine=true,false",
        ],
    )
    assert len(variants) == 2 * 3 * 2
    assert len({v.variant_id for v in variants}) == 12
    deu = [v for v in variants if v.changes["member_overrides.DEU.ground_in_ukraine"]]
    assert all("[member_overrides.DEU]\nground_in_ukraine = true" in v.scenario_toml for v in deu)
    assert all(not v.error for v in variants)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("budgt_eur_bn=1,2", "expected a key of a scenario: name, budget_eur_bn"),
        ("frontier.levls=2,3", "expected a key of frontier: levels, alternatives, troop_levels"),
        ("member_overrides.XXX.troop_pool=1,2", "expected a key of member_overrides: GBR, FRA"),
        (
            "member_overrides.DEU.troops=1,2",
            "expected a key of member_overrides.DEU: name, position",
        ),
        ("weights.deterence=1,2", "expected a key of weights: deterrence, annual_cost_eur_bn"),
        ("budget_eur_bn=5:1:1", "expected START <= STOP and STEP > 0"),
        ("budget_eur_bn", "expected KEY=VALUES"),
    ],
)
def test_unknown_keys_and_bad_specs_are_rejected_with_the_valid_choices(spec, message):
    with pytest.raises(InputError) as exc:
        expand_sweep(MONITORING, [spec])
    assert message in str(exc.value)


def test_monte_carlo_draws_are_reproducible_from_the_seed():
    a = expand_sweep(MONITORING, ["budget_eur_bn=1,2"], samples=3, seed=7)
    b = expand_sweep(MONITORING, ["budget_eur_bn=1,2"], samples=3, seed=7)
    c = expand_sweep(MONITORING, ["budget_eur_bn=1,2"], samples=3, seed=8)
    assert len(a) == 6
    assert [v.scenario_toml for v in a] == [v.scenario_toml for v in b]
    assert [v.scenario_toml for v in a] != [v.scenario_toml for v in c]
    # samples differ from each other, within the documented cost range
    assert len({v.scenario_toml for v in a}) == 6
    assert "[element_overrides.mech_battalion]" in a[0].scenario_toml


# --- running -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_sweep():
    return expand_sweep(MONITORING, ["budget_eur_bn=0.2,0.4"], LIGHT, samples=2, seed=3)


def test_batch_writes_variants_combined_tables_and_manifest(tmp_path, small_sweep):
    res = run_batch(small_sweep, tmp_path / "b", jobs=2)
    assert res.ok and len(res.done) == 4
    out = tmp_path / "b"
    assert sorted(p.name for p in (out / "variants").iterdir()) == sorted(
        v.variant_id for v in small_sweep
    )
    packages = pd.read_parquet(out / "combined" / "combined_packages.parquet")
    assert set(packages["variant_id"]) == {v.variant_id for v in small_sweep}
    assert {"budget_eur_bn", "sample"} <= set(packages.columns)
    for name in (
        "summary_top_archetype.csv",
        "summary_top_package.csv",
        "summary_cheapest_by_budget.csv",
        "summary_feasibility.csv",
    ):
        assert (out / "combined" / name).exists(), name
    top = pd.read_csv(out / "combined" / "summary_top_archetype.csv")
    assert top["variants_top"].sum() == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"] == {"variants": 4, "run": 4, "skipped": 0, "failed": 0}
    assert {v["sample"] for v in manifest["variants"]} == {0, 1}
    assert "highspy" in manifest["versions"]
    again = run_batch(small_sweep, out, jobs=2)
    assert again.done == () and len(again.skipped) == 4


def test_a_broken_variant_fails_alone(tmp_path):
    variants = expand_sweep(MONITORING, ["member_overrides.GBR.troop_pool=-5,40000"], LIGHT)
    bad = [v for v in variants if v.error]
    assert len(bad) == 1 and "found -5" in bad[0].error
    seen: list[VariantOutcome] = []
    res = run_batch(variants, tmp_path / "b", jobs=1, on_done=seen.append)
    assert len(res.done) == 1
    # each outcome is a typed record, passed on as it finishes and kept in the result
    assert res.outcomes == tuple(seen)
    (failed,) = res.failed
    assert isinstance(failed, VariantFailed) and failed.variant_id == bad[0].variant_id
    assert "found -5" in failed.error and failed.os_errno is None
    (done,) = [o for o in seen if isinstance(o, VariantDone)]
    assert done.folder == tmp_path / "b" / "variants" / done.variant_id
    assert {"packages.csv", "rankings.csv", "run.json"} <= set(done.files)
    assert done.packages > 0 and done.top
    failures = pd.read_csv(tmp_path / "b" / "failures.csv")
    assert list(failures["variant_id"]) == [bad[0].variant_id]
    assert "expected a whole number >= 0" in failures["error"][0]
    assert not (tmp_path / "b" / "variants" / bad[0].variant_id).exists()


def test_run_command_with_several_scenarios_one_broken(tmp_path, data_copy):
    broken = data_copy / "scenarios" / "broken.toml"
    broken.write_text('name = "broken"\nbudget_eur_bn = -1\n')
    good = data_copy / "scenarios" / "monitoring_only.toml"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "mcdm",
            "run",
            str(good),
            str(broken),
            "--out",
            str(tmp_path / "r"),
            "--quiet",
            "--no-prices",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 1
    assert "2 variants: 1 run, 0 already complete, 1 failed" in res.stdout
    assert "broken: " in res.stdout and "budget_eur_bn" in res.stdout
    assert (tmp_path / "r" / "variants" / "monitoring_only" / "rankings.csv").exists()
    assert scenario_variants([good])[0].variant_id == "monitoring_only"


def test_resume_after_a_kill_loses_nothing_and_redoes_nothing(tmp_path):
    out = tmp_path / "s"
    cmd = [
        sys.executable,
        "-m",
        "mcdm",
        "sweep",
        str(MONITORING),
        "--vary",
        "budget_eur_bn=0.2:1.4:0.1",
        *[a for s in LIGHT for a in ("--set", s)],
        "--jobs",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.time() + 300
    done_before: set[str] = set()
    while time.time() < deadline:
        folder = out / "variants"
        done_before = (
            {p.name for p in folder.iterdir() if not p.name.startswith(".")}
            if folder.exists()
            else set()
        )
        if len(done_before) >= 3:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 3 <= len(done_before) < 13, "the sweep finished before it could be interrupted"
    survivors = {p.name for p in (out / "variants").iterdir() if not p.name.startswith(".")}
    stamps = {n: (out / "variants" / n / "run.json").stat().st_mtime_ns for n in survivors}
    assert not (out / "combined").exists()  # nothing that looks complete
    # the killed sweep left its lock file; the lock itself died with it and must not block
    assert (out / ".mcdm-lock").exists() and (out / ".mcdm-run").exists()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert (
        f"13 variants: {13 - len(survivors)} run, {len(survivors)} already complete, "
        "0 failed" in res.stdout
    )
    for n, stamp in stamps.items():
        assert (out / "variants" / n / "run.json").stat().st_mtime_ns == stamp, n
    assert len(list((out / "variants").iterdir())) == 13
    packages = pd.read_csv(out / "combined" / "combined_packages.csv")
    assert packages["variant_id"].nunique() == 13


def test_dask_gives_the_same_results_as_local_processes(tmp_path, small_sweep):
    import distributed  # part of the test extras: a missing install fails here, never skips

    local = run_batch(small_sweep, tmp_path / "local", jobs=2)
    assert local.ok
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = run_batch(small_sweep, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert remote.ok and len(remote.done) == 4
    for name in ("combined_packages.csv", "combined_rankings.csv", "combined_allocations.csv"):
        a = pd.read_csv(tmp_path / "local" / "combined" / name)
        b = pd.read_csv(tmp_path / "dask" / "combined" / name)
        pd.testing.assert_frame_equal(a, b, obj=name)


def test_a_sweep_after_a_solve_in_the_parent_does_not_hang(tmp_path):
    """highspy 1.16: a worker forked after HiGHS has run in the parent hangs in its first
    solve. Workers here never come from a plain fork; this runs HiGHS first, then a pool."""
    script = textwrap.dedent(f"""
        from mcdm.batch import expand_sweep, run_batch
        from mcdm.examples import tiny_instance
        from mcdm.milp import build_model, solve_lexicographic
        inst = tiny_instance()
        assert solve_lexicographic(build_model(inst, "test"), inst.scenario.solver).objective > 0
        variants = expand_sweep({str(MONITORING)!r}, ["budget_eur_bn=0.3,0.5"], {LIGHT!r})
        res = run_batch(variants, {str(tmp_path / "o")!r}, jobs=2)
        print("OK", len(res.done))
    """)
    res = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert res.returncode == 0, res.stderr
    assert "OK 2" in res.stdout


def test_monte_carlo_keeps_the_values_the_sweep_varies():
    variants = expand_sweep(
        MONITORING, ["element_overrides.sat_tasking.cost_eur_m=10,30"], samples=2, seed=1
    )
    for v in variants:
        cost = v.changes["element_overrides.sat_tasking.cost_eur_m"]
        assert f"[element_overrides.sat_tasking]\ncost_eur_m = {cost}" in v.scenario_toml
    # the other elements are drawn, around their own values
    assert "[element_overrides.observer_team]" in variants[0].scenario_toml


def test_a_variant_that_raises_anything_is_a_failure_and_the_batch_goes_on(tmp_path, monkeypatch):
    import mcdm.batch.workers as workers

    variants = expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5"], LIGHT)
    real = workers.run_scenario

    def flaky(instance, **kw):
        if instance.scenario.budget_eur_bn == 0.5:
            raise TypeError("something nobody expected")
        return real(instance, **kw)

    monkeypatch.setattr(workers, "run_scenario", flaky)
    res = run_batch(variants, tmp_path / "b", jobs=1)
    assert len(res.done) == 1
    assert "TypeError: something nobody expected" in res.failures["error"][0]
    assert (tmp_path / "b" / "combined" / "combined_packages.csv").exists()


def test_a_stale_folder_of_a_failed_variant_is_not_combined(tmp_path):
    import dataclasses

    variants = expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5"], LIGHT)
    run_batch(variants, tmp_path / "b", jobs=1)
    # same ids, but the second variant's scenario is now broken (e.g. the base file changed)
    broken = dataclasses.replace(variants[1], scenario_toml="", error="found a bad value")
    res = run_batch([variants[0], broken], tmp_path / "b", jobs=1)
    assert list(res.failures["variant_id"]) == [broken.variant_id]
    packages = pd.read_csv(tmp_path / "b" / "combined" / "combined_packages.csv")
    assert set(packages["variant_id"]) == {variants[0].variant_id}
    assert not (tmp_path / "b" / "variants" / broken.variant_id).exists()


# --- summaries and files -----------------------------------------------------------------------


def test_feasibility_summary_gives_the_least_cost_of_a_feasible_package(tmp_path):
    """Issue 11: the summary's "lowest feasible budget" was the lowest budget tried (0.3 here),
    not what the cheapest feasible package of each kind costs (about 0.08 and 0.11)."""
    variants = expand_sweep(MONITORING, ["budget_eur_bn=0.3,0.5"], LIGHT)
    run_batch(variants, tmp_path / "b", jobs=2)
    combined = tmp_path / "b" / "combined"
    feasibility = pd.read_csv(combined / "summary_feasibility.csv")
    assert list(feasibility.columns) == [
        "archetype",
        "variants",
        "feasible_variants",
        "least_feasible_cost_eur_bn",
    ]
    packages = pd.read_csv(combined / "combined_packages.csv")
    feasible = packages[packages["status"].isin(["optimal", "feasible_at_limit"])]
    cheapest = feasible.groupby("archetype")["annual_cost_eur_bn"].min()
    least = feasibility.set_index("archetype")["least_feasible_cost_eur_bn"]
    assert sorted(least.index) == ["observer", "technical_monitoring"]
    for archetype, cost in least.items():
        assert cost == pytest.approx(cheapest[archetype], abs=1e-6), archetype
        assert cost < 0.3  # below every budget of the sweep: not a budget tried


@pytest.mark.parametrize(
    ("umask", "folder_mode", "file_mode"), [(0o022, 0o755, 0o644), (0o007, 0o770, 0o660)]
)
def test_batch_folders_and_files_follow_the_umask(tmp_path, umask, folder_mode, file_mode):
    """Issue 11: output folders must get the user's umask, as ``mkdir`` and any saved file do
    (``tempfile.mkdtemp`` and ``mkstemp`` would give 0700 and 0600). One job: the variant runs
    in this process, under the umask set here."""
    out = tmp_path / "b"
    old = os.umask(umask)
    try:
        run_batch(expand_sweep(MONITORING, ["budget_eur_bn=0.3"], LIGHT), out, jobs=1)
    finally:
        os.umask(old)
    entries = {p.relative_to(out).as_posix(): p for p in [out, *out.rglob("*")]}
    folders = {name: p.stat().st_mode & 0o777 for name, p in entries.items() if p.is_dir()}
    files = {name: p.stat().st_mode & 0o777 for name, p in entries.items() if not p.is_dir()}
    assert folders == dict.fromkeys(folders, folder_mode)
    assert files == dict.fromkeys(files, file_mode)
    variant = f"variants/{os.listdir(out / 'variants')[0]}"
    assert {".", "variants", variant, "combined"} <= set(folders)
    expected = {".mcdm-run", ".mcdm-lock", "manifest.json", "failures.csv"}
    expected |= {f"{variant}/packages.csv", f"{variant}/run.json", f"{variant}/.mcdm-run"}
    expected |= {"combined/combined_packages.csv", "combined/combined_packages.parquet"}
    assert expected <= set(files)


def test_a_sweep_over_pledge_chances_summarises_the_chance_requirements_hold(tmp_path):
    """Pledges with their chance: a sweep can set any member's chance, and the summary gives,
    per archetype and chance, how likely its requirements hold and its expected primary measure
    against cost. With every member certain, every package's requirements hold."""
    positions = ("committed", "in_principle", "conditional", "undecided", "unstated", "no_ground")
    certain = [f"pledges.probability.{p}=1" for p in (*positions, "backstop")]
    certain += [f"pledges.members.{m}=1" for m in ("GBR", "DEU", "LVA", "IRL")]
    variants = expand_sweep(MONITORING, ["pledges.members.USA=0.2,1"], [*LIGHT, *certain])
    assert len(variants) == 2
    run_batch(variants, tmp_path / "b", jobs=1)
    combined = tmp_path / "b" / "combined"
    summary = pd.read_csv(combined / "summary_pledges.csv")
    assert {"pledges.members.USA", "archetype", "mean_p_requirements_hold"} <= set(summary.columns)
    packages = pd.read_csv(combined / "combined_packages.csv")
    sure = packages[packages["pledges.members.USA"] == 1]
    assert len(sure) and (sure["p_requirements_hold"] == 1).all()
    assert sure["expected_primary"].to_numpy() == pytest.approx(sure["objective"].to_numpy())
    assert (packages["expected_primary"] <= packages["objective"] + 1e-6).all()
    row = summary.set_index(["pledges.members.USA", "archetype"])
    for (chance, archetype), r in row.iterrows():
        mine = packages[
            (packages["pledges.members.USA"] == chance) & (packages["archetype"] == archetype)
        ]
        assert r["mean_p_requirements_hold"] == pytest.approx(mine["p_requirements_hold"].mean())
