"""The Problem record: a file or a source, worded the same way everywhere."""

from __future__ import annotations

import pytest

from mcdm.errors import InputError, Problem
from mcdm.io.data import dataset_from_texts
from mcdm.io.matrix import read_matrix
from mcdm.io.scenario import scenario_from_mapping
from tests.conftest import DATA


def test_a_problem_in_an_option_names_the_option():
    p = Problem.option("--vary", "a key of frontier: levels", value="levls", column="frontier")
    assert (p.file, p.source) == ("", "option --vary")
    assert (
        str(p) == "option --vary, key frontier: found 'levls'; expected a key of frontier: levels"
    )


def test_a_problem_in_a_file_reads_as_before():
    p = Problem("data/members.csv", "a number >= 0", row=3, column="gdp_usd_bn", value="x")
    assert p.source == "" and p.where == "data/members.csv"
    assert str(p) == "data/members.csv, row 3, column gdp_usd_bn: found 'x'; expected a number >= 0"


@pytest.mark.parametrize(
    "fields",
    [
        {"expected": "x"},  # neither a file nor a source
        {"file": "a.csv", "source": "option --x", "expected": "x"},  # both
        {"file": "a.csv"},  # nothing expected
    ],
    ids=["no place", "two places", "no expectation"],
)
def test_a_problem_must_say_where_and_what(fields):
    with pytest.raises(TypeError):
        Problem(**fields)


def test_an_input_error_from_text_has_a_source():
    (p,) = InputError("a scenario file").problems
    assert (p.file, p.source, str(p)) == (
        "",
        "input",
        "input: found nothing; expected a scenario file",
    )


def test_a_bad_option_of_mcdm_rank_names_the_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.csv").write_text("id,cost,quality\nA,1,2\nB,2,1\n")
    with pytest.raises(InputError) as exc:
        read_matrix("m.csv", types="cost,better", weights="1,x")
    assert [(p.file, p.source) for p in exc.value.problems] == [
        ("", "option --types"),
        ("m.csv", ""),
        ("", "option --weights"),
    ]
    assert [str(p) for p in exc.value.problems] == [
        "option --types, key type 2: found 'better'; expected 1 or -1 (or benefit / cost)",
        "m.csv: found '1 given'; expected 2 directions, one per criterion",
        "option --weights, key weight 2: found 'x'; expected a weight between 0 and 1,000,000",
    ]


def test_an_upload_is_named_as_an_upload_and_the_other_files_by_path(tmp_path):
    broken = (DATA / "members.csv").read_text(encoding="utf-8").replace(",24000,", ",-24000,", 1)
    with pytest.raises(InputError) as exc:
        dataset_from_texts({"members.csv": broken}, DATA)
    (p,) = exc.value.problems
    assert (p.file, p.source) == ("", "uploaded members.csv")
    assert str(p) == (
        "uploaded members.csv, row 2, column troop_pool: found '-24000'; expected a whole "
        "number >= 0"
    )
    with pytest.raises(InputError) as exc:
        dataset_from_texts({"members.csv": broken}, tmp_path)  # nothing else there
    assert {p.source for p in exc.value.problems} == {"uploaded members.csv", ""}
    assert {p.file for p in exc.value.problems if not p.source} == {
        str(tmp_path / name)
        for name in (
            "elements.csv",
            "availability.csv",
            "archetypes.toml",
            "parameters.toml",
            "restrictions.csv",
        )
    }


def test_a_mapping_is_named_by_the_source_it_is_given():
    with pytest.raises(InputError) as exc:
        scenario_from_mapping({"name": "t", "budget_eur_bn": -5}, "preset")
    (p,) = exc.value.problems
    assert (p.file, p.source) == ("", "preset")
    assert str(p).startswith("preset, key budget_eur_bn: found -5.0; expected an annual budget")
