"""Benchmark batch sweeps: variants per second with 1 and 2 worker processes, and memory.

Runs a sweep of the default scenario (budget x rotation factor; light settings: 2 frontier
levels, no alternatives, 1,000 SMAA draws, no constraint prices) with --jobs 1 and --jobs 2 into
fresh folders, and prints variants per second, the speed-up (target: at least 1.7x on 2 cores)
and the peak resident memory per worker process.

Usage: python benchmarks/bench_batch.py [--variants 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from mcdm.batch import expand_sweep, run_batch
from mcdm.io.data import default_data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=200, help="about how many (default 200)")
    args = parser.parse_args()
    rotations = [3.0, 3.25, 3.5, 3.75, 4.0, 4.25, 4.5, 4.75, 5.0, 5.25]
    budgets = max(1, args.variants // len(rotations))
    vary = [f"budget_eur_bn=1:{budgets}:1", "rotation_factor=" + ",".join(map(str, rotations))]
    variants = expand_sweep(
        default_data_dir() / "scenarios" / "default.toml",
        vary,
        ["frontier.levels=2", "frontier.alternatives=0", "robustness.smaa_draws=1000"],
    )
    print(f"{len(variants)} variants of the default scenario ({' x '.join(vary)})")
    rates = {}
    for jobs in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            result = run_batch(variants, Path(tmp) / "sweep", jobs=jobs)
            elapsed = time.perf_counter() - start
            manifest = json.loads((Path(tmp) / "sweep" / "manifest.json").read_text())
        peaks = [v["peak_rss_mb"] for v in manifest["variants"] if v["peak_rss_mb"]]
        rates[jobs] = len(result.done) / elapsed
        print(
            f"  jobs={jobs}: {len(result.done)} done, {len(result.failures)} failed in "
            f"{elapsed:.1f} s = {rates[jobs]:.2f} variants/s; peak memory per worker "
            f"{max(peaks):.0f} MB (median over variants {statistics.median(peaks):.0f} MB)"
        )
    print(f"  speed-up with 2 processes: {rates[2] / rates[1]:.2f}x (target >= 1.7x)")


if __name__ == "__main__":
    main()
