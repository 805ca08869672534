"""Benchmark the optimiser: build and solve times, frontier and constraint-price times.

Prints, for the default scenario and a synthetic 200 x 50 case with a burden-sharing band:
model-build time, solve time per package with HiGHS and CBC (median of several runs in one
process), and the whole frontier (and prices) time with 1 and 2 worker processes. Targets on a
2-core machine with HiGHS: default frontiers and alternatives under 10 s, its constraint prices
under another 10 s; the synthetic case solves to a 1% gap.

Usage: python benchmarks/bench_optimiser.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from mcdm.examples import synthetic_instance
from mcdm.io.data import default_data_dir
from mcdm.io.load import load_instance
from mcdm.milp import build_model, solve_lexicographic
from mcdm.packages import generate_packages


def median_time(fn, runs: int) -> tuple[float, object]:
    times, last = [], None
    for _ in range(runs):
        start = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), last


def per_package(instance, aid: str, solver: str, runs: int, time_limit: float) -> None:
    settings = replace(instance.scenario.solver, name=solver, time_limit_s=time_limit)
    build_s, model = median_time(lambda: build_model(instance, aid), runs)
    solve_s, sol = median_time(
        lambda: solve_lexicographic(build_model(instance, aid), settings), runs
    )
    n_vars = len(model.prob.variables())
    n_rows = len(model.prob.constraints())
    print(
        f"  {aid:<22} {solver:<5} build {build_s:6.3f} s  solve {solve_s:7.3f} s  "
        f"({n_vars} vars, {n_rows} rows; {sol.status.value}, objective {sol.objective:,.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, skip CBC at scale")
    args = parser.parse_args()
    runs = 1 if args.quick else 3

    default = load_instance(default_data_dir() / "scenarios" / "default.toml")
    print("Default scenario: per package (median of", runs, "runs, one process)")
    for aid in default.data.archetypes:
        for solver in ("highs", "cbc"):
            per_package(default, aid, solver, runs, 120.0)

    print("Default scenario: whole run (frontiers + alternatives, then constraint prices)")
    for jobs in (1, 2):
        start = time.perf_counter()
        pset = generate_packages(default, prices=True, jobs=jobs)
        total = time.perf_counter() - start
        print(
            f"  jobs={jobs}: {len(pset.packages)} packages in {pset.timings['packages_s']:.2f} s"
            f" (target < 10 s), {len(pset.prices)} prices in {pset.timings['prices_s']:.2f} s"
            f" (target < 10 s); total {total:.2f} s"
        )

    print("Synthetic 200 members x 50 elements, burden-sharing band 0.5, 1% gap")
    big = synthetic_instance()
    per_package(big, "synthetic", "highs", 1, 300.0)
    if not args.quick:
        per_package(big, "synthetic", "cbc", 1, 300.0)
    start = time.perf_counter()
    frontier = replace(
        big,
        scenario=replace(
            big.scenario, frontier=replace(big.scenario.frontier, levels=4, alternatives=0)
        ),
    )
    pset = generate_packages(frontier, prices=False, jobs=2)
    statuses = sorted({p.status.value for p in pset.packages})
    print(
        f"  4-level frontier, jobs=2: {len(pset.packages)} packages in "
        f"{time.perf_counter() - start:.2f} s, statuses {statuses}"
    )


if __name__ == "__main__":
    main()
