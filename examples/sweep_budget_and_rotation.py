"""Example: how does the preferred package change with the budget and the rotation factor?

Copy this script and change the scenario or the sweep. It runs a budget x rotation sweep of the
bundled default scenario (light settings, so it finishes in a few minutes on a laptop), then
prints the summaries an analyst usually wants. Re-running it resumes where it stopped.

    python examples/sweep_budget_and_rotation.py [OUT_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from mcdm.batch import expand_sweep, run_batch
from mcdm.io.data import default_data_dir

out = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/budget-rotation")
variants = expand_sweep(
    default_data_dir() / "scenarios" / "default.toml",
    vary=["budget_eur_bn=2:10:2", "rotation_factor=3,4,5"],
    # lighter than the default scenario: fewer frontier points, no alternatives, fewer draws
    set_values=["frontier.levels=3", "frontier.alternatives=0", "robustness.smaa_draws=2000"],
)
result = run_batch(variants, out, quiet=False)

print(f"{len(result.variants)} variants, {len(result.failures)} failed; tables in {out}")
tables = result.tables
print("\nHow often each kind of package ranks first:")
print(tables["summary_top_archetype.csv"].to_string(index=False))
print("\nCheapest package that can be built at each budget:")
print(tables["summary_cheapest_by_budget.csv"].to_string(index=False))
print("\nThe least annual cost of a feasible package of each kind (the budget it needs):")
print(tables["summary_feasibility.csv"].to_string(index=False))

# Everything is also on disk, e.g. for pandas or a spreadsheet:
#   OUT/combined/combined_packages.parquet, OUT/combined/summary_*.csv, OUT/manifest.json
