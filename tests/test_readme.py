"""The README's examples run as written."""

from __future__ import annotations

import shlex

from tests.conftest import ROOT
from tests.test_cli import mcdm


def test_the_readme_rank_example_runs(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("mcdm rank "))
    args = shlex.split(line.split("#", 1)[0])[1:]
    args[args.index("--out") + 1] = str(tmp_path / "matrix")
    res = mcdm(*args)
    assert res.returncode == 0, res.stderr
    ranks = (tmp_path / "matrix" / "rankings.csv").read_text(encoding="utf-8")
    assert ranks.count("\n") == 7  # the header and the six alternatives of examples/matrix.csv
