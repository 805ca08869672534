"""Property: mangled input ends in a clean load or our InputError, never another exception."""

from __future__ import annotations

import dataclasses
import math
import shutil
import tomllib
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mcdm.batch import check_key, parse_vary
from mcdm.errors import InputError
from mcdm.io.data import dataset_from_texts, load_dataset
from mcdm.io.load import load_scenario
from mcdm.io.matrix import read_matrix
from mcdm.io.scenario import dump_scenario_toml, read_scenario, scenario_from_mapping
from mcdm.io.schema import ELEMENT_COLUMNS, MEMBER_COLUMNS
from tests.conftest import DATA

FILES = [
    "members.csv",
    "elements.csv",
    "availability.csv",
    "archetypes.toml",
    "parameters.toml",
    "restrictions.csv",
]
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
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "-1e308",
        "-0",
        "1_000",
        "4_0_000",
        ";",
        "\t",
        "=SUM(A1)",
        "9" * 5000,
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


def _result_or_problems(func, *args):
    """(result, None) for a clean call, else (None, the problems of our InputError)."""
    try:
        return func(*args), None
    except InputError as exc:
        return None, exc.problems


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
    | st.sampled_from([2**63, -(2**63), 10**30, 0])
    | st.floats(allow_nan=True)
    | st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -0.0, 5e-324])
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


# --- numbers and nesting no file should hold -------------------------------------------------

HOSTILE_NUMBERS = [
    "inf",
    "-inf",
    "nan",
    "+nan",
    "1e308",
    "-1e308",
    "1e400",
    "-0.0",
    "-0",
    "4_0_000",
    "40_000",
    "0x10",
    "1_0.5",
    "9" * 5000,
    "99999999999999999999999",
]
SCENARIO_KEYS = [
    "budget_eur_bn",
    "rotation_factor",
    "line_length_km",
    "seed",
    "frontier.levels",
    "frontier.alternatives",
    "frontier.troop_levels",
    "solver.time_limit_s",
    "solver.mip_gap",
    "solver.tie_break_time_s",
    "robustness.smaa_draws",
    "robustness.weight_band",
    "robustness.cost_uncertainty",
    "weights.deterrence",
    "member_overrides.GBR.troop_pool",
    "member_overrides.GBR.max_contribution_eur_m",
    "element_overrides.mech_battalion.cost_eur_m",
    "element_overrides.mech_battalion.deterrence",
    "archetype_overrides.observer.min_nations",
    "archetype_overrides.observer.min_coverage",
    "lead_nations.min_troop_share",
    "burden_sharing.band",
]


def _nested(depth: int, opener: str) -> str:
    close = {"[": "]", "{a=": "}"}[opener]
    return opener * depth + ("1" if opener == "{a=" else "") + close * depth


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(SCENARIO_KEYS), st.sampled_from(HOSTILE_NUMBERS)),
        min_size=1,
        max_size=4,
    ),
    st.one_of(st.none(), st.tuples(st.integers(1, 3000), st.sampled_from(["[", "{a="]))),
)
def test_hostile_numbers_and_nesting_in_scenarios(tmp_path_factory, assignments, nesting):
    """A scenario file with absurd numbers (or nesting) at any key: a clean load or our
    InputError, whose every problem names the file."""
    folder: Path = tmp_path_factory.mktemp("hostile")
    shutil.copytree(DATA, folder / "data")
    tables: dict[str, list[str]] = {"": ['name = "t"', "budget_eur_bn = 5"]}
    for key, number in assignments:
        table, _, leaf = key.rpartition(".")
        tables.setdefault(table, []).append(f"{leaf} = {number}")
    if nesting:
        tables[""].append("x = " + _nested(*nesting))
    text = "\n".join(
        "\n".join(([f"[{table}]"] if table else []) + lines) for table, lines in tables.items()
    )
    path = folder / "data" / "scenarios" / "x.toml"
    path.write_text(text + "\n", encoding="utf-8")
    problems = _problems_or_none(load_scenario, path)
    assert problems is None or (problems and all(str(p).startswith(str(path)) for p in problems))
    shutil.rmtree(folder)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(MEMBER_COLUMNS + ELEMENT_COLUMNS),
    st.text(max_size=12) | st.sampled_from(HOSTILE_NUMBERS),
)
def test_every_cell_parses_or_is_refused(column, text):
    """A cell never raises: it is a value within the column's bounds, or refused with words."""
    value, ok = column.parse(text)
    expected = column.expected(text)
    assert expected
    if ok and column.kind in ("int", "float") and value is not None:
        assert math.isfinite(value) and column.minimum <= value
        assert column.maximum is None or value <= column.maximum


MATRIX = b"id,cost,quality\ntype,-1,1\nweight,1,2\nA,100,7\nB,80,6\nC,120,9\n"


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mangled_rank_matrices(tmp_path_factory, data):
    path: Path = tmp_path_factory.mktemp("m") / "m.csv"
    raw = data.draw(mangled(MATRIX))
    if data.draw(st.booleans()):  # or a hostile number in a cell
        raw = raw.replace(b"100", data.draw(st.sampled_from(HOSTILE_NUMBERS)).encode(), 1)
    path.write_bytes(raw)
    result, problems = _result_or_problems(read_matrix, path)
    if result is None:
        assert problems
        return
    matrix, weights = result
    assert np.all(np.isfinite(matrix.values)) and np.all(np.abs(matrix.values) <= 1e15)
    assert weights is None or all(0 <= w <= 1e6 for w in weights)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=30)
    | st.builds(
        lambda k, v: f"{k}={v}",
        st.sampled_from(["budget_eur_bn", "frontier.levels", "member_overrides.GBR.troop_pool"]),
        st.lists(
            st.sampled_from([*HOSTILE_NUMBERS, "1", "2.5", "true", ":", "1:2:0"]), max_size=5
        ).map(lambda parts: ":".join(parts) if len(parts) == 3 else ",".join(parts)),
    )
)
def test_sweep_specs_parse_or_are_refused(spec):
    """--vary and --set specs: a short, finite list of values, or our InputError at once."""
    parsed, problems = _result_or_problems(parse_vary, spec)
    if parsed is not None:
        _, problems = _result_or_problems(check_key, parsed[0], _DATA)
    if problems is not None:
        assert problems
        return
    _, values = parsed
    assert 1 <= len(values) <= 100_000
    assert all(not isinstance(v, float) or math.isfinite(v) for v in values)


_DATA = load_dataset(DATA)

# Text a user may type in a scenario (any Unicode scalar; control characters are refused).
scenario_text = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\x7f", "\t", "\n", '"']),
    max_size=20,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,20}", fullmatch=True) | scenario_text,
    description=scenario_text,
    budget=st.floats(min_value=0, max_value=2000) | st.sampled_from([-0.0, math.nan, math.inf]),
    rule_name=scenario_text,
)
def test_an_exported_scenario_always_reads_back_equal(
    tmp_path_factory, name, description, budget, rule_name
):
    """Whatever a scenario that validates holds, its TOML export reads back to an equal one."""
    doc = {
        "name": name,
        "description": description,
        "budget_eur_bn": budget,
        "rules": [{"name": rule_name, "sense": ">=", "value": 1}],
        "weights": {"deterrence": 1, "nations": 0.5},
    }
    scenario, problems = _result_or_problems(scenario_from_mapping, doc)
    if scenario is None:
        assert problems
        return
    path = tmp_path_factory.mktemp("rt") / "s.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    again = read_scenario(path)
    assert dataclasses.replace(again, source_path="") == scenario


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(FILES),
    st.text(max_size=200)
    | st.builds(
        lambda depth, key: f"{key} = " + "[" * depth + "]" * depth,
        st.integers(1, 5000),
        st.sampled_from(["x", "usd_per_eur", "reassurance"]),
    )
    | st.builds(
        lambda line, number: ORIGINAL[line].decode().replace("24000", number, 1),
        st.just("members.csv"),
        st.sampled_from(HOSTILE_NUMBERS),
    ),
)
def test_any_text_in_an_uploaded_file(name, text):
    """Text handed to the loaders as an upload (any characters, deep nesting, hostile numbers
    in a real file): a dataset, or our InputError with at least one problem."""
    problems = _problems_or_none(dataset_from_texts, {name: text}, DATA)
    assert problems is None or len(problems) > 0
