"""Architecture: which modules may import which libraries (STYLE.md), which of our own modules
(the layers of ARCHITECTURE.md), and how long a module or a function may grow."""

from __future__ import annotations

import ast
import re
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


# --- the project's own layers (ARCHITECTURE.md) ---------------------------------------------------


def module_name(path: Path) -> str:
    """``mcdm/io/data.py`` -> ``io.data``; a package's ``__init__.py`` -> the package (``mcdm``
    for the top)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "mcdm"


MODULES = {module_name(p): p for p in SOURCES}


def architecture_order() -> dict[str, tuple[int, int]]:
    """Each module's (layer, place in its layer) from the ``layers`` block of ARCHITECTURE.md."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, flags=re.S)
    assert block, "ARCHITECTURE.md has no ```layers block"
    order: dict[str, tuple[int, int]] = {}
    for layer, line in enumerate(block.group(1).strip().splitlines()):
        _, names = line.split(":", 1)
        for place, name in enumerate(names.split()):
            assert name not in order, f"{name} is listed twice in ARCHITECTURE.md"
            order[name] = (layer, place)
    return order


def own_imports(path: Path) -> set[str]:
    """The mcdm modules a module imports at run time (type-checking imports aside)."""
    return imports_in(
        path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
    )


def imports_in(text: str, name: str, is_package: bool) -> set[str]:
    """The mcdm modules that the source ``text`` of module ``name`` imports at run time."""
    package = name.split(".") if is_package else name.split(".")[:-1]
    if name == "mcdm":
        package = []
    tree = ast.parse(text)
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for n in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == "mcdm" or node.module.startswith("mcdm.")):
                target = node.module.removeprefix("mcdm").removeprefix(".")
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in MODULES else target or "mcdm")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "mcdm" or alias.name.startswith("mcdm."):
                    found.add(alias.name.removeprefix("mcdm").removeprefix(".") or "mcdm")
    return found - {name}


def test_every_module_is_placed_in_a_layer():
    order = architecture_order()
    assert sorted(set(MODULES) - set(order)) == [], "modules missing from ARCHITECTURE.md"
    assert sorted(set(order) - set(MODULES)) == [], (
        "ARCHITECTURE.md lists modules that do not exist"
    )


@pytest.mark.parametrize("name", sorted(MODULES))
def test_own_imports_follow_the_layers(name):
    order = architecture_order()
    here = order[name]
    upward = sorted(m for m in own_imports(MODULES[name]) if order.get(m, (99, 0)) >= here)
    assert upward == [], f"{name} imports {upward}, which ARCHITECTURE.md puts above it"


def test_the_layer_check_sees_upward_and_typing_imports():
    order = architecture_order()
    assert order["pipeline"] > order["formats"]
    text = (PACKAGE / "formats.py").read_text(encoding="utf-8")
    assert "pipeline" not in imports_in(text, "formats", False)
    assert "pipeline" in imports_in(
        text + "\nfrom .pipeline import run_scenario\n", "formats", False
    )
    assert "milp.build" in imports_in("from . import build\n", "milp.family", False)
    hinted = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .build import X\n"
    assert imports_in(hinted, "milp.family", False) == set()
    assert imports_in("from .. import limits as lim\n", "io.data", False) == {"limits"}


def test_app_pages_are_not_imported_by_the_package():
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                assert not node.module.startswith("app_pages"), path
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("app_pages") for a in node.names), path


# --- sizes (issue 10: no module over about 500 lines, no function over about 80) ----------------

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80
#: Functions allowed to be longer: tables of declarations, not logic. Each builds a small
#: instance for tests and examples field by field, and splitting it would scatter one table.
LONG_DECLARATION_TABLES = {"examples.tiny_instance", "examples.synthetic_instance"}


def long_functions(text: str, module: str, limit: int = MAX_FUNCTION_LINES) -> dict[str, int]:
    """Functions and methods of a module's source longer than ``limit`` lines (from ``def`` to
    the last line, docstring included), by qualified name: ``module.Class.method``."""
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    length = (child.end_lineno or child.lineno) - child.lineno + 1
                    if length > limit:
                        found[name] = length
                visit(child, name)

    visit(ast.parse(text), module)
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name):
    text = MODULES[name].read_text(encoding="utf-8")
    lines = len(text.splitlines())
    assert lines <= MAX_MODULE_LINES, (
        f"{name} has {lines} lines (at most {MAX_MODULE_LINES}): split it into modules by topic"
    )
    long = {f: n for f, n in long_functions(text, name).items() if f not in LONG_DECLARATION_TABLES}
    assert long == {}, f"over {MAX_FUNCTION_LINES} lines, split into named steps: {long}"


def test_the_size_check_sees_long_functions_and_methods():
    body = "".join(f"    x{i} = {i}\n" for i in range(80))  # with its def line: 81 lines
    method = body.replace("    ", "        ")
    text = f"def long():\n{body}\n\nclass C:\n    def long(self):\n{method}"
    assert long_functions(text, "m") == {"m.long": 81, "m.C.long": 81}
    assert long_functions(text, "m", limit=81) == {}
    # the allow-list names functions that exist and are long (no stale entries)
    examples = (PACKAGE / "examples.py").read_text(encoding="utf-8")
    assert set(long_functions(examples, "examples")) == LONG_DECLARATION_TABLES
