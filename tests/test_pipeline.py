"""Run folders: the files, their columns, atomic writes and the optimise command."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from mcdm.io import instantiate, load_scenario
from mcdm.pipeline import optimise_scenario, write_run
from tests.conftest import DATA
from tests.test_cli import mcdm


@pytest.fixture(scope="module")
def monitoring(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    scenario = replace(scenario, frontier=replace(scenario.frontier, levels=3, alternatives=1))
    return optimise_scenario(instantiate(scenario, dataset))


def test_run_folder_has_every_file_with_the_documented_columns(tmp_path, monitoring):
    out = write_run(monitoring, tmp_path / "run")
    assert sorted(p.name for p in out.iterdir()) == [
        "allocations.csv",
        "infeasible.csv",
        "packages.csv",
        "prices.csv",
        "run.json",
    ]
    packages = pd.read_csv(out / "packages.csv")
    assert list(packages.columns[:8]) == [
        "package_id",
        "archetype",
        "kind",
        "budget_level_eur_bn",
        "status",
        "annual_cost_eur_bn",
        "troops_deployed",
        "nations",
    ]
    assert {"deterrence", "early_warning_pct", "burden_gap_pct", "dominated"} <= set(
        packages.columns
    )
    alloc = pd.read_csv(out / "allocations.csv")
    assert list(alloc.columns) == [
        "package_id",
        "member_id",
        "element_id",
        "units",
        "troops",
        "cost_eur_m",
    ]
    assert set(alloc["package_id"]) == set(packages["package_id"])
    # allocations add up to the package totals
    sums = alloc.groupby("package_id")[["troops", "cost_eur_m"]].sum()
    merged = packages.set_index("package_id").join(sums)
    assert (merged["troops"] == merged["troops_deployed"]).all()
    assert (abs(merged["cost_eur_m"] / 1000 - merged["annual_cost_eur_bn"]) < 1e-6).all()
    meta = json.loads((out / "run.json").read_text())
    assert meta["scenario"]["name"] == "monitoring_only"
    assert meta["solver"]["name"] == "highs"
    assert set(meta["versions"]) >= {"python", "pulp", "highspy", "pymcdm", "numpy", "pandas"}
    assert len(meta["input_digest"]) == 64


def test_same_inputs_give_identical_csv_files(tmp_path, monitoring, dataset):
    one = write_run(monitoring, tmp_path / "one")
    again = optimise_scenario(monitoring.instance)
    two = write_run(again, tmp_path / "two")
    for name in ("packages.csv", "allocations.csv", "infeasible.csv", "prices.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


class BoomError(RuntimeError):
    pass


def test_failed_write_leaves_nothing_that_looks_complete(tmp_path, monitoring):
    class Exploding(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise BoomError("disk full")

    broken = replace(
        monitoring,
        tables={**monitoring.tables, "prices.csv": Exploding(monitoring.tables["prices.csv"])},
    )
    with pytest.raises(BoomError):
        write_run(broken, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def test_failed_rewrite_keeps_the_previous_complete_run(tmp_path, monitoring):
    out = write_run(monitoring, tmp_path / "run")
    before = (out / "packages.csv").read_bytes()

    class Exploding(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise BoomError("disk full")

    broken = replace(
        monitoring, tables={"packages.csv": Exploding(monitoring.tables["packages.csv"])}
    )
    with pytest.raises(BoomError):
        write_run(broken, out)
    assert (out / "packages.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_optimise_command_writes_the_files_and_a_clean_table(tmp_path):
    out = tmp_path / "out"
    res = mcdm(
        "optimise",
        str(DATA / "scenarios" / "monitoring_only.toml"),
        "--out",
        str(out),
        "--jobs",
        "1",
        "--quiet",
        "--no-prices",
    )
    assert res.returncode == 0, res.stderr
    assert (out / "run.json").exists()
    assert "Running HiGHS" not in res.stdout  # the solver's banner stays off our output
    assert res.stdout.splitlines()[0].split()[:3] == ["package_id", "status", "annual_cost_eur_bn"]
    assert "packages written to" in res.stdout.splitlines()[-1]


def test_optimise_with_cbc_and_a_time_limit(tmp_path):
    res = mcdm(
        "optimise",
        str(DATA / "scenarios" / "monitoring_only.toml"),
        "--out",
        str(tmp_path / "cbc"),
        "--solver",
        "cbc",
        "--time-limit",
        "20",
        "--jobs",
        "1",
        "--quiet",
        "--no-prices",
    )
    assert res.returncode == 0, res.stderr
    meta = json.loads((tmp_path / "cbc" / "run.json").read_text())
    assert meta["solver"]["name"] == "cbc" and meta["solver"]["time_limit_s"] == 20


def test_optimise_reports_infeasible_archetypes(tmp_path, data_copy):
    path = data_copy / "scenarios" / "tight.toml"
    path.write_text(
        'name = "tight"\nbudget_eur_bn = 0.05\narchetypes = ["observer", '
        '"technical_monitoring"]\n[frontier]\nlevels = 2\nalternatives = 0\n'
    )
    res = mcdm("optimise", str(path), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet")
    assert res.returncode == 0, res.stderr
    infeasible = pd.read_csv(tmp_path / "o" / "infeasible.csv")
    assert "observer" in set(infeasible["archetype"])
    assert infeasible["message"].str.contains("the budget is EUR 50 m").any()
    assert "! Observer mission is not possible" in res.stdout


def test_bad_option_is_a_usage_error():
    res = mcdm("optimise", str(DATA / "scenarios" / "default.toml"), "--out", "x", "--gap", "2")
    assert res.returncode == 2
    assert "expected a gap between 0 and 1, got '2'" in res.stderr
