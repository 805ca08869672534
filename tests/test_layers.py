"""Architecture: which modules may import which libraries (see STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "mcdm"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_layering(path):
    roots = imported_roots(path)
    rel = path.relative_to(PACKAGE).as_posix()
    assert "streamlit" not in roots, f"{rel} imports streamlit; only app.py and app_pages may"
    if not rel.startswith("milp/"):
        assert "pulp" not in roots and "highspy" not in roots, f"{rel} imports a solver"
    if rel != "ranking.py":
        assert "pymcdm" not in roots, f"{rel} imports pymcdm; only mcdm/ranking.py may"


def test_every_module_has_a_docstring():
    for path in SOURCES:
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path
