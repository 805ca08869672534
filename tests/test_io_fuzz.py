"""Property: mangled input ends in a clean load or our InputError, never another exception."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcdm.errors import InputError
from mcdm.io import load_dataset, load_scenario, scenario_from_mapping
from tests.conftest import DATA

FILES = ["members.csv", "elements.csv", "availability.csv", "archetypes.toml", "parameters.toml"]
ORIGINAL = {name: (DATA / name).read_bytes() for name in FILES}
SCENARIO = (DATA / "scenarios" / "default.toml").read_bytes()

cell_garbage = st.sampled_from(
    [
        "",
        "-1",
        "abc",
        "1e309",
        "nan",
        "true",
        "0.5",
        ",",
        '"',
        "\n",
        "\x00",
        "GBR",
        "in_ukraine",
        "[",
        "=",
        "é",
        "\xff",
    ]
)


@st.composite
def mangled(draw, original: bytes) -> bytes:
    """Delete, duplicate, truncate or overwrite a part of the file."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        op = draw(st.sampled_from(["delete", "insert", "truncate", "dup_line", "replace"]))
        i = draw(st.integers(0, len(data) - 1))
        if op == "delete":
            del data[i : i + draw(st.integers(1, 40))]
        elif op == "insert":
            data[i:i] = draw(cell_garbage).encode("utf-8", "surrogatepass")
        elif op == "truncate":
            del data[i:]
        elif op == "dup_line":
            lines = bytes(data).split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines[j])
            data = bytearray(b"\n".join(lines))
        else:
            data[i : i + 1] = draw(st.binary(min_size=0, max_size=3))
    return bytes(data)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_mangled_data_files(tmp_path_factory, data):
    folder: Path = tmp_path_factory.mktemp("fuzz")
    for name in FILES:
        (folder / name).write_bytes(ORIGINAL[name])
    name = data.draw(st.sampled_from(FILES))
    (folder / name).write_bytes(data.draw(mangled(ORIGINAL[name])))
    problems = _problems_or_none(load_dataset, folder)
    assert problems is None or (problems and all(str(p) for p in problems))
    shutil.rmtree(folder)


def _problems_or_none(func, *args):
    """None for a clean load, else the problems of our InputError (any other error escapes)."""
    try:
        func(*args)
    except InputError as exc:
        return exc.problems
    return None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mangled_scenario_files(tmp_path_factory, data):
    folder: Path = tmp_path_factory.mktemp("fuzzs")
    shutil.copytree(DATA, folder / "data")
    path = folder / "data" / "scenarios" / "x.toml"
    path.write_bytes(data.draw(mangled(SCENARIO)))
    problems = _problems_or_none(load_scenario, path)
    assert problems is None or len(problems) > 0
    shutil.rmtree(folder)


toml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["band", "levels", "GBR", "x", "members", "value", "sense", "name"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "name",
                "budget_eur_bn",
                "frontier",
                "solver",
                "rules",
                "weights",
                "member_overrides",
                "burden_sharing",
                "lead_nations",
                "robustness",
                "ranking",
                "archetypes",
                "members",
                "bogus",
            ]
        ),
        toml_values,
        max_size=6,
    )
)
def test_arbitrary_scenario_mappings(doc):
    base = tomllib.loads(SCENARIO.decode())
    base.update({k: v for k, v in doc.items() if v is not None})
    problems = _problems_or_none(scenario_from_mapping, base)
    assert problems is None or len(problems) > 0
