"""Run folders: the files, their columns, atomic writes and the optimise command."""

from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from mcdm.instance import instantiate
from mcdm.io.load import load_scenario
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
        ".mcdm-run",  # the marker that lets a later run with the same --out replace the folder
        "allocations.csv",
        "infeasible.csv",
        "packages.csv",
        "prices.csv",
        "run.json",
    ]
    packages = pd.read_csv(out / "packages.csv")
    assert list(packages.columns[:13]) == [
        "package_id",
        "label",
        "archetype",
        "kind",
        "budget_level_eur_bn",
        "status",
        "annual_cost_eur_bn",
        "annual_cost_full_eur_bn",
        "annual_cost_incremental_eur_bn",
        "one_off_cost_eur_bn",
        "horizon_cost_eur_bn",
        "troops_deployed",
        "nations",
    ]
    assert {"deterrence", "early_warning_pct", "burden_gap_pct", "dominated", "note"} <= set(
        packages.columns
    )
    assert packages["label"].is_unique and packages["label"].str.len().gt(0).all()
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
        tables=replace(monitoring.tables, prices=Exploding(monitoring.tables.prices)),
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
        monitoring,
        tables=replace(monitoring.tables, packages=Exploding(monitoring.tables.packages)),
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


# --- the whole pipeline: mcdm run ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small_default(dataset):
    scenario, _ = load_scenario(DATA / "scenarios" / "default.toml", dataset)
    scenario = replace(
        scenario,
        archetypes=("tripwire", "observer", "technical_monitoring"),
        frontier=replace(scenario.frontier, levels=3, alternatives=1),
        robustness=replace(scenario.robustness, smaa_draws=2000, cost_uncertainty=0.2),
    )
    return instantiate(scenario, dataset)


def test_run_writes_rankings_acceptability_stability_correlations(tmp_path, small_default):
    from mcdm.pipeline import run_scenario

    result = run_scenario(small_default, prices=False)
    out = write_run(result, tmp_path / "run")
    names = {p.name for p in out.iterdir()}
    assert {
        "rankings.csv",
        "acceptability.csv",
        "stability.csv",
        "correlations.csv",
        "weights.csv",
        "core.csv",
        "rank_reversal.csv",
    } <= names
    rankings = pd.read_csv(out / "rankings.csv")
    assert list(rankings.columns) == [
        "package_id",
        *small_default.scenario.ranking.methods,
        "consensus_rank",
    ]
    packages = pd.read_csv(out / "packages.csv")
    assert set(rankings["package_id"]) == set(packages["package_id"])
    acc = pd.read_csv(out / "acceptability.csv")
    n = len(packages)
    assert [f"rank_{k}" for k in range(1, n + 1)] == [
        c for c in acc.columns if c.startswith("rank_")
    ]
    assert "confidence" in acc.columns and any(c.startswith("central_weight_") for c in acc.columns)
    assert (abs(acc[[f"rank_{k}" for k in range(1, n + 1)]].sum(axis=1) - 1) < 1e-6).all()
    meta = json.loads((out / "run.json").read_text())
    assert meta["ranking"]["smaa"]["seed"] == small_default.scenario.seed
    assert meta["ranking"]["top"] in set(packages["package_id"])


def test_same_scenario_and_seed_give_byte_identical_csv_files(tmp_path, small_default):
    from mcdm.pipeline import run_scenario

    one = write_run(run_scenario(small_default, prices=False), tmp_path / "one")
    two = write_run(run_scenario(small_default, prices=False, jobs=2), tmp_path / "two")
    csvs = sorted(p.name for p in one.glob("*.csv"))
    assert len(csvs) >= 9
    for name in csvs:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_run_command(tmp_path):
    res = mcdm(
        "run",
        str(DATA / "scenarios" / "monitoring_only.toml"),
        "--out",
        str(tmp_path / "r"),
        "--jobs",
        "1",
        "--quiet",
        "--no-prices",
    )
    assert res.returncode == 0, res.stderr
    assert "consensus_rank" in res.stdout
    # the same sentence as run.json (and the Overview): one recommendation, worded once
    rec = json.loads((tmp_path / "r" / "run.json").read_text(encoding="utf-8"))["recommendation"]
    assert rec["sentence"] in res.stdout and rec["package_id"] in rec["sentence"]
    assert "SMAA seed 20150312" in res.stdout
    assert (tmp_path / "r" / "acceptability.csv").exists()


# --- mcdm rank on any matrix ----------------------------------------------------------------------


MATRIX_CSV = (
    "id,cost,quality,speed\ntype,cost,benefit,benefit\nweight,0.5,0.3,0.2\n"
    "A,100,7,3\nB,80,6,5\nC,120,9,4\nD,90,5,2\n"
)


def test_rank_command_with_type_and_weight_rows(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(MATRIX_CSV)
    res = mcdm("rank", str(path), "--smaa", "500", "--seed", "7", "--out", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "TOPSIS",
        "VIKOR",
        "PROMETHEE_II",
        "SPOTIS",
        "WASPAS",
        "COPRAS",
        "MABAC",
        "consensus_rank",
    ]
    assert lines[1].split()[0] == "B"  # cheap, fast and decent: first by consensus
    for name in ("rankings.csv", "acceptability.csv", "stability.csv", "correlations.csv"):
        assert (tmp_path / "o" / name).exists()
    weights = pd.read_csv(tmp_path / "o" / "weights.csv")
    assert list(weights["weight"]) == pytest.approx([0.5, 0.3, 0.2])


def test_rank_command_writes_the_tables_the_pipeline_makes(tmp_path):
    """``mcdm rank`` builds no table of its own: each file is the pipeline's table for the
    matrix (the columns, the rounding and the weights table of a run folder)."""
    from mcdm.io.matrix import read_matrix
    from mcdm.pipeline import rank_decision_matrix
    from mcdm.ranking import resolve_weights

    path = tmp_path / "m.csv"
    path.write_text(MATRIX_CSV.replace("D,90,5,2", "D,90,5,2\nE,95,6,2"))
    res = mcdm("rank", str(path), "--smaa", "300", "--seed", "3", "--out", str(tmp_path / "o"))
    assert res.returncode == 0, res.stderr
    matrix, weights = read_matrix(path)
    assert weights is not None
    user = resolve_weights("user", matrix, user=dict(zip(matrix.criteria, weights, strict=True)))
    tables = rank_decision_matrix(matrix, user, smaa_draws=300, seed=3).tables("id")
    assert sorted(tables) == [
        "acceptability",
        "correlations",
        "rankings",
        "stability",
        "weights",
    ]
    for name, table in tables.items():
        written = pd.read_csv(tmp_path / "o" / f"{name}.csv")
        pd.testing.assert_frame_equal(written, table, check_dtype=False, obj=name)
    assert list(tables["weights"].columns) == ["criterion", "weight", "used"]
    assert list(tables["rankings"].columns[:2]) == ["id", "TOPSIS"]


def test_rank_command_with_options_overriding_the_file(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,cost,quality\nA,100,7\nB,80,6\nC,120,9\n")
    res = mcdm(
        "rank", str(path), "--types", "-1,1", "--weights", "1,3", "--methods", "topsis,vikor"
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0].split() == ["id", "TOPSIS", "VIKOR", "consensus_rank"]


def test_rank_command_reports_every_problem_of_a_bad_matrix(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,cost,quality\ntype,cost,better\nA,100,seven\nA,80,6\n")
    res = mcdm("rank", str(path))
    assert res.returncode == 1
    err = res.stderr
    assert "bad.csv, row 2, column quality: found 'better'; expected 1 or -1" in err
    assert "bad.csv, row 3, column quality: found 'seven'; expected a number" in err
    assert "bad.csv, row 4, column id: found 'A'; expected a unique id (row 3 has the same)" in err
    assert "Traceback" not in err


def test_rank_command_needs_directions(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,cost,quality\nA,100,7\nB,80,6\n")
    res = mcdm("rank", str(path))
    assert res.returncode == 1
    assert "expected criterion directions" in res.stderr


def test_rank_errors_name_the_spreadsheet_row_even_after_blank_lines(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("id,cost,quality\n\ntype,cost,benefit\nA,1,2\n\nB,x,3\n")
    res = mcdm("rank", str(path))
    assert res.returncode == 1
    assert "gaps.csv, row 6, column cost: found 'x'; expected a number" in res.stderr


# --- unit costs drawn over the data's ranges ------------------------------------------------------


def test_cost_draws_from_the_data_stay_in_each_package_range(small_default):
    """With the default cost uncertainty ("data"), every drawn package cost lies between the
    package's cost at every element's low estimate and at its high one, and averages the
    triangular mean; a fixed-cost run (0) draws nothing."""
    import numpy as np

    from mcdm.cost_draws import cost_draws, package_matrix
    from mcdm.model import COST_RANGES
    from mcdm.packages import generate_packages

    assert small_default.scenario.robustness.__class__().cost_uncertainty == COST_RANGES
    pset = generate_packages(small_default)
    matrix = package_matrix(pset, ())
    rng = np.random.default_rng(7)
    drawn = cost_draws(small_default, pset, matrix, 4000, COST_RANGES, rng)
    assert drawn is not None
    out = drawn.full()
    col = matrix.criteria.index("annual_cost_eur_bn")
    elements = small_default.data.elements
    for i, p in enumerate(pset.packages):
        low = sum(a.units * elements[a.element_id].cost_low_eur_m for a in p.allocation) / 1000
        high = sum(a.units * elements[a.element_id].cost_high_eur_m for a in p.allocation) / 1000
        mid = (
            sum(
                a.units
                * (
                    elements[a.element_id].cost_low_eur_m
                    + elements[a.element_id].cost_eur_m
                    + elements[a.element_id].cost_high_eur_m
                )
                / 3
                for a in p.allocation
            )
            / 1000
        )
        drawn = out[:, i, col]
        assert drawn.min() >= low - 1e-9 and drawn.max() <= high + 1e-9, p.package_id
        if high > low:
            assert drawn.std() > 0, p.package_id
            assert abs(drawn.mean() - mid) <= 0.05 * (high - low), p.package_id
        # the other criteria are untouched
        others = [j for j in range(len(matrix.criteria)) if j != col]
        assert np.array_equal(
            out[:, i, others], np.broadcast_to(matrix.values[i, others], (4000, len(others)))
        )
    assert cost_draws(small_default, pset, matrix, 10, 0.0, rng) is None


def test_confidence_factors_mean_something_by_default(dataset):
    """The acceptability table's confidence factor is no longer 1 or 0 everywhere: with unit
    costs drawn over the data's ranges, a package that wins on cost at the margin keeps only
    part of its first places."""
    from mcdm.packages import generate_packages
    from mcdm.pipeline import analyse_packages

    scenario, _ = load_scenario(DATA / "scenarios" / "monitoring_only.toml", dataset)
    scenario = replace(scenario, robustness=replace(scenario.robustness, smaa_draws=2000))
    instance = instantiate(scenario, dataset)
    pset = generate_packages(instance)
    fixed = analyse_packages(instance, pset, cost_uncertainty=0.0).smaa
    drawn = analyse_packages(instance, pset).smaa
    assert fixed is not None and drawn is not None
    assert set(fixed.confidence) <= {0.0, 1.0}
    assert any(0.0 < c < 1.0 for c in drawn.confidence), drawn.confidence
