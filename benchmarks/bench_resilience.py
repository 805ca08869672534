"""Benchmark the resilience family ([resilience] withdrawals, data/MODEL.md "Resilience").

Prints, for the default scenario and the synthetic 200 x 50 case, the packages and prices of
a run without resilience and with ``withdrawals = 1`` (and 2 for the default scenario), in
one process: wall-clock and CPU seconds (CPU time is the fairer figure on a shared machine),
packages found and the rows the family adds. Target: the default scenario's run with one
withdrawal within 2x of the run without.

Usage: python benchmarks/bench_resilience.py [--quick]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

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
    pset = generate_packages(instance, prices=prices)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  {label:<24} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {len(pset.packages):3} packages  "
        f"{len(pset.infeasible)} kinds infeasible  {rows:,} rows in the first models"
    )
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip two withdrawals")
    args = parser.parse_args()

    default = load_instance(default_data_dir() / "scenarios" / "default.toml")
    print("Default scenario, packages and prices (one process)")
    base = run(default, "no withdrawals", True)
    one = run(with_withdrawals(default, 1), "withdrawals = 1", True)
    print(f"  one withdrawal / none: {one / base:.2f}x CPU")
    if not args.quick:
        run(with_withdrawals(default, 2), "withdrawals = 2", True)

    synthetic = synthetic_instance(200, 50)
    print("Synthetic 200 x 50, packages without prices (one process)")
    base = run(synthetic, "no withdrawals", False)
    one = run(with_withdrawals(synthetic, 1), "withdrawals = 1", False)
    print(f"  one withdrawal / none: {one / base:.2f}x CPU")


if __name__ == "__main__":
    main()
