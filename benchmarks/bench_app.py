"""Benchmark the app with Streamlit's AppTest: rerun time after a weight and a budget change.

Prints the first run (solve included), then the median of several reruns after a weight change
(ranking, SMAA and stability included; no re-solve) and the time of a rerun after a budget change
(a new solve). Targets: under 0.1 s for a weight change; a budget change within the optimiser's
own time for that scenario.

Usage: python benchmarks/bench_app.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def main() -> None:
    start = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=600).run()
    print(f"first run (solves the default scenario): {time.perf_counter() - start:.2f} s")
    key = next(s.key for s in at.slider if s.key and s.key.startswith("w:deterrence"))
    times = []
    for value in [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 1.0, 2.5, 3.5, 4.5]:
        start = time.perf_counter()
        at.slider(key=key).set_value(value).run()
        times.append(time.perf_counter() - start)
        assert not at.exception
    print(
        f"rerun after a weight change: median {statistics.median(times):.3f} s, "
        f"min {min(times):.3f} s over {len(times)} changes (target < 0.1 s)"
    )
    budget = next(s for s in at.slider if s.key and s.key.startswith("budget:"))
    start = time.perf_counter()
    budget.set_value(6.0)
    next(b for b in at.button if b.label == "Solve" or "Solve" in str(b.label)).click().run()
    print(f"rerun after a budget change (new solve): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
