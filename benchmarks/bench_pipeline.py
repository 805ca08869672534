"""Benchmark the whole pipeline and its parts against the speed targets of a slider-paced app.

Prints, in one run, the median wall time of ``--runs`` runs (default 5) of:

- ``mcdm run data/scenarios/default.toml --jobs 2``, whole pipeline with constraint prices, each
  run a cold process (interpreter start, imports, solves, ranking, files written);
- the same with ``--no-prices``;
- the optimisation alone (:func:`mcdm.pipeline.optimise_scenario`, packages and prices, 2 jobs),
  with its split into packages and prices;
- a budget change as the app makes it: the default scenario with another ``budget_eur_bn``,
  instantiated and optimised again (prices included, 2 jobs, as the app's solve);
- the prices of one archetype's constraints (:func:`mcdm.prices.price_constraints`, 2 jobs, the
  pool's start included): by default the archetype with the most price options;
- the ranking alone (:func:`mcdm.pipeline.analyse_packages`) of the default package set: as
  ``mcdm run`` calls it (rank reversal included), and without the rank-reversal check, as the
  app re-ranks after a weight change (its target: 0.1 s);
- the synthetic 200 members x 50 elements case (:func:`mcdm.examples.synthetic_instance`, as in
  ``bench_optimiser.py``): one package, built and solved to its 1% gap with HiGHS;
- a plain PuLP + CBC script for the default frontier, as a user might write it: one model (an
  integer count of units per member and element within availability, each member's troop pool
  and deployment cap, no units in Ukraine from members that refuse it), maximise the summed
  deterrence points at each frontier budget level by changing the budget row. A simplified
  reference: no archetypes, requirements, denial function, burden sharing, restrictions,
  cost tie-break, alternatives or prices, so it solves a far easier problem than the pipeline.

Then a table of each figure with the issue's target and the ratio (figure / target; above 1 is
slower than the target). Figures are wall-clock: on a loaded machine they are noisy, so the
spread (min-max) is printed too.

Usage: python benchmarks/bench_pipeline.py [--runs 5] [--archetype ID] [--no-synthetic]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pulp

from mcdm.examples import synthetic_instance
from mcdm.instance import instantiate
from mcdm.io.data import default_data_dir
from mcdm.io.load import load_instance
from mcdm.milp import build_model, families, solve_lexicographic
from mcdm.model import Instance, Location
from mcdm.parallel import executor
from mcdm.pipeline import analyse_packages, optimise_scenario
from mcdm.prices import price_constraints
from mcdm.results import PackageKind

SCENARIO = default_data_dir() / "scenarios" / "default.toml"
JOBS = 2  # the app's min(2, CPUs) and the issue's `--jobs 2`


@dataclass(frozen=True)
class Figure:
    """One benchmark line: its wall times and the target it is held to (None: no target)."""

    label: str
    times: tuple[float, ...]
    target_s: float | None = None
    target: str = ""

    @property
    def median_s(self) -> float:
        return statistics.median(self.times)

    def row(self) -> str:
        spread = f"{min(self.times):7.2f}-{max(self.times):<7.2f}"
        if self.target_s is None:
            return f"  {self.label:<44} {self.median_s:8.2f} {spread}  {'-':>8} {'-':>6}"
        ratio = self.median_s / self.target_s
        return (
            f"  {self.label:<44} {self.median_s:8.2f} {spread}  {self.target_s:8.2f} "
            f"{ratio:5.2f}x  {self.target}"
        )


def wall_times(fn: Callable[[], object], runs: int) -> tuple[tuple[float, ...], object]:
    """Wall time of each of ``runs`` calls, and the last call's result."""
    times, last = [], None
    for _ in range(runs):
        start = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - start)
    return tuple(times), last


def cold_run(*extra: str) -> None:
    """``mcdm run`` on the default scenario in a fresh interpreter, into a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "mcdm", "run", str(SCENARIO), "--jobs", str(JOBS)]
        cmd += ["--out", str(Path(tmp) / "run"), "--quiet", *extra]
        subprocess.run(cmd, check=True, capture_output=True)


def with_budget(instance: Instance, budget_eur_bn: float) -> Instance:
    """The instance of the same scenario at another budget, as the app's form makes it."""
    return instantiate(replace(instance.scenario, budget_eur_bn=budget_eur_bn), instance.data)


def most_priced(instance: Instance) -> str:
    """The archetype with the most constraint-price options (the first of equals)."""
    counts = {
        aid: sum(len(f.price_options(instance, aid)) for f in families.REGISTRY)
        for aid in instance.data.archetypes
    }
    return max(counts, key=lambda aid: counts[aid])


def one_archetype_prices(instance: Instance, pset, aid: str) -> Callable[[], object]:
    """A call that prices ``aid``'s constraints at its top frontier package, with 2 workers."""
    frontier = [p for p in pset.packages if p.archetype == aid and p.kind is PackageKind.FRONTIER]
    top = max(frontier, key=lambda p: p.budget_level_eur_bn)  # as generate_packages: the top level

    def run():
        with executor(JOBS) as pool:
            return price_constraints(instance, {aid: top}, instance.scenario.solver, pool)

    return run


def plain_pulp_frontier(instance: Instance) -> list[float]:
    """The simplified reference: one PuLP model, CBC, best deterrence at each budget level."""
    data, s = instance.data, instance.scenario
    prob = pulp.LpProblem("frontier", pulp.LpMaximize)
    x = {
        (m, e): pulp.LpVariable(f"x_{m}_{e}", 0, n, cat="Integer")
        for (m, e), n in data.availability.items()
        if m in data.members
        and e in data.elements
        and (
            data.members[m].ground_in_ukraine
            or data.elements[e].location is not Location.IN_UKRAINE
        )
    }
    prob += pulp.lpSum(data.elements[e].deterrence * v for (m, e), v in x.items())
    for mid, member in data.members.items():
        troops = pulp.lpSum(
            data.elements[e].troops_per_unit * v for (m, e), v in x.items() if m == mid
        )
        prob += s.rotation_factor * troops <= member.troop_pool
        if member.max_troops_deployed is not None:
            prob += troops <= member.max_troops_deployed
    cost = pulp.lpSum(data.elements[e].cost_eur_m * v for (m, e), v in x.items())
    prob += cost <= 0.0, "budget"
    levels = s.frontier.levels
    best = []
    for k in range(1, levels + 1):
        prob.constraints["budget"].constant = -1000.0 * s.budget_eur_bn * k / levels
        prob.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=s.solver.mip_gap))
        best.append(pulp.value(prob.objective))
    return best


def synthetic_solve() -> Callable[[], object]:
    """Build and solve the 200 x 50 synthetic package to its 1% gap (HiGHS)."""
    big = synthetic_instance()
    settings = replace(big.scenario.solver, time_limit_s=300.0)  # as bench_optimiser.py
    return lambda: solve_lexicographic(build_model(big, "synthetic"), settings)


def timed(out: list[Figure], runs: int, label: str, fn, target_s=None, target="") -> object:
    """Time ``fn``, add its figure to ``out`` and print it; the last call's result."""
    times, last = wall_times(fn, runs)
    out.append(Figure(label, times, target_s, target))
    print(out[-1].row(), flush=True)
    return last


def measure(args: argparse.Namespace) -> list[Figure]:
    runs, out = args.runs, []
    default = load_instance(SCENARIO)
    timed(
        out, runs, "mcdm run default --jobs 2 (cold process)", cold_run, 5.0, "default run <= 5 s"
    )
    timed(
        out, runs, "mcdm run default --jobs 2 --no-prices (cold)", lambda: cold_run("--no-prices")
    )
    result = timed(
        out,
        runs,
        "optimise_scenario default (packages+prices)",
        lambda: optimise_scenario(default, jobs=JOBS),
        5.0,
        "any other scenario change <= 5 s (no ranking)",
    )
    pset = result.packages  # type: ignore[attr-defined]
    print(
        f"    last run's split: packages {pset.timings['packages_s']:.2f} s, "
        f"prices {pset.timings['prices_s']:.2f} s, {len(pset.packages)} packages, "
        f"{len(pset.prices)} prices",
        flush=True,
    )
    budget = default.scenario.budget_eur_bn * 0.75
    timed(
        out,
        runs,
        f"budget change to EUR {budget:g} bn (re-optimise)",
        lambda: optimise_scenario(with_budget(default, budget), jobs=JOBS),
        1.0,
        "budget change the frontier covers <= 1 s",
    )
    aid = args.archetype or most_priced(default)
    prices = one_archetype_prices(default, pset, aid)
    timed(
        out, runs, f"prices of one archetype ({aid})", prices, 3.0, "one archetype's prices <= 3 s"
    )
    timed(
        out, runs, "analyse_packages default, as mcdm run", lambda: analyse_packages(default, pset)
    )
    timed(
        out,
        runs,
        "analyse_packages, no reversal (app's re-rank)",
        lambda: analyse_packages(default, pset, reversal=False),
        0.1,
        "weight change in the script <= 0.1 s",
    )
    if not args.no_synthetic:
        label = "synthetic 200 x 50, one package to 1% gap"
        timed(out, runs, label, synthetic_solve(), 15.0, "1% gap <= 15 s")
    label = f"plain PuLP + CBC frontier, {default.scenario.frontier.levels} levels (ref.)"
    timed(out, runs, label, lambda: plain_pulp_frontier(default))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (default 5)")
    parser.add_argument("--archetype", help="whose prices to time (default: most options)")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the 200 x 50 case")
    args = parser.parse_args()
    header = f"  {'':<44} {'median':>8} {'min-max':^15}  {'target':>8} {'ratio':>6}"
    print(f"Wall seconds, median of {args.runs} runs ({JOBS} jobs)\n{header}", flush=True)
    figures = measure(args)
    print(f"\nSummary (ratio = median / target; above 1: slower than the target)\n{header}")
    for f in figures:
        print(f.row())
    ref = figures[-1].median_s
    opt = next(f for f in figures if f.label.startswith("optimise_scenario"))
    print(
        f"\n  optimise_scenario / plain PuLP + CBC reference: {opt.median_s / ref:.1f}x "
        f"(the reference solves a far simpler model: see the docstring)"
    )


if __name__ == "__main__":
    main()
