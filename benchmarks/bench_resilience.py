"""Benchmark the resilience family ([resilience] withdrawals, data/MODEL.md "Resilience").

Prints, in one process, the packages and prices of the default scenario without resilience
and with ``withdrawals = 1`` (and 2), and the 4-level frontier of the synthetic 200 x 50 case
without and with one withdrawal: wall-clock and CPU seconds (CPU time is the fairer figure on a
shared machine), packages found and the rows of the first models. Target: the default
scenario's run with one withdrawal within 2x of the run without (not met: see data/MODEL.md,
"Resilience", on the hybrid package).

Usage: python benchmarks/bench_resilience.py [--quick] [--synthetic-only]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

from mcdm.errors import SolveError
from mcdm.examples import synthetic_instance
from mcdm.instance import instantiate
from mcdm.io.data import default_data_dir
from mcdm.io.load import load_instance
from mcdm.milp import build_model
from mcdm.packages import generate_packages
from mcdm.resilience import ResilienceSettings


def with_withdrawals(instance, k: int):
    s = replace(instance.scenario, resilience=ResilienceSettings(k))
    return instantiate(s, instance.data)


def run(instance, label: str, prices: bool) -> float:
    rows = sum(len(build_model(instance, aid).prob.constraints) for aid in instance.data.archetypes)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        pset = generate_packages(instance, prices=prices)
    except SolveError as exc:  # a frontier level without a solution within the limits
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  {label:<24} wall {wall:7.2f} s  cpu {cpu:7.2f} s  stopped: {exc}")
        return cpu
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  {label:<24} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {len(pset.packages):3} packages  "
        f"{len(pset.infeasible)} kinds infeasible  {rows:,} rows in the first models"
    )
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip two withdrawals")
    parser.add_argument("--synthetic-only", action="store_true", help="only the 200 x 50 case")
    args = parser.parse_args()

    if not args.synthetic_only:
        default = load_instance(default_data_dir() / "scenarios" / "default.toml")
        print("Default scenario, packages and prices (one process)")
        base = run(default, "no withdrawals", True)
        one = run(with_withdrawals(default, 1), "withdrawals = 1", True)
        print(f"  one withdrawal / none: {one / base:.2f}x CPU")
        if not args.quick:
            run(with_withdrawals(default, 2), "withdrawals = 2", True)

    big = synthetic_instance(200, 50)
    # as bench_optimiser.py: a 4-level frontier without alternatives, 1% gap
    frontier = replace(big.scenario.frontier, levels=4, alternatives=0)
    big = replace(big, scenario=replace(big.scenario, frontier=frontier))
    print("Synthetic 200 x 50, 4-level frontier without prices (one process)")
    base = run(big, "no withdrawals", False)
    one = run(with_withdrawals(big, 1), "withdrawals = 1", False)
    print(f"  one withdrawal / none: {one / base:.2f}x CPU")


if __name__ == "__main__":
    main()
