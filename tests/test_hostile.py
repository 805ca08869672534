"""Hostile input: every absurd, unsafe or malformed input ends in one exact message, no traceback.

Each case runs the ``mcdm`` command (``mcdm.cli.main`` in this process, a few in a subprocess as
users run it) on a copy of the bundled data with one thing broken, and checks the whole message:
file, row or key, the value found and the range expected. Work that would exhaust the machine
(a range of a trillion values, an N x N table for 10,000 alternatives) is refused before it
starts. The bounds are those of ``mcdm/limits.py`` and README "Limits".
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mcdm.batch import _variant_id
from mcdm.cli import main
from mcdm.errors import InputError, RankingError
from mcdm.io.scenario import dump_scenario_toml, read_scenario, scenario_from_mapping
from mcdm.kernels import scores
from tests.conftest import DATA, ROOT, replace_in

ID = "an id: 1-64 letters (A-Z, a-z), digits, '_' or '-', starting with a letter or digit"
NAME = (
    "a name of 1-64 letters (A-Z, a-z), digits, spaces, '.', '_' or '-', starting with a "
    "letter or digit"
)
UNDERSCORE = ", written without '_' (1000, not 1_000)"
SEMICOLON = (
    "comma-separated columns; the file seems to use ';' as separator: save it as "
    "comma-separated CSV (CSV UTF-8 in Excel's Save As)"
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding a copy of the bundled data as ``data/``, made the working directory
    (so that messages name ``data/members.csv`` and so on)."""
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], list[str]]:
    """Run ``mcdm ARGS``; return the exit code and the lines of stdout and stderr. No
    traceback may reach the user."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse ends a usage error with exit code 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err.splitlines()


def validate_lines(capsys: pytest.CaptureFixture[str], path: str) -> list[str]:
    code, out, err = cli(capsys, "validate", path)
    assert code == 1, out
    assert err[-1] == f"{len(out)} problem{'s' if len(out) != 1 else ''} found."
    return out


# --- data files: members.csv, elements.csv, availability.csv ----------------------------------

MEMBER = "3588,81.76,138100,24000,10000,3770"  # GBR: gdp, milex, personnel, pool, cap, money
ELEMENT = "in_ukraine,line_of_contact,1000,300,210,425,12,10,0,3.0,60,"  # armoured_bg, place ..
AVAIL = "GBR,armoured_bg,2,"
#: armoured_bg's last cells: combat power, armed troops, patrol hours, warning depth (km)
ELEMENT_END = ",1500,1000,0,80,10\n"
KM = "a number >= 0 and <= 10,000"
WHOLE_TROOPS = "a whole number >= 0 and <= 5,000,000"


def member(**cells: str) -> str:
    names = ["gdp", "milex", "personnel", "pool", "cap", "money"]
    values = dict(zip(names, MEMBER.split(","), strict=True)) | cells
    return ",".join(values[n] for n in names)


def element(**cells: str) -> str:
    names = [
        "loc",
        "zone",
        "troops",
        "cost",
        "low",
        "high",
        "det",
        "ew",
        "ad",
        "esc",
        "ready",
        "end",
    ]
    values = dict(zip(names, ELEMENT.split(","), strict=True)) | cells
    return ",".join(values[n] for n in names)


CSV_CELLS = [
    # (file, text in the file, replacement, column, value, expected)
    ("members.csv", MEMBER, member(pool="1e308"), "troop_pool", "1e308", WHOLE_TROOPS),
    ("members.csv", MEMBER, member(pool="inf"), "troop_pool", "inf", WHOLE_TROOPS),
    ("members.csv", MEMBER, member(pool="nan"), "troop_pool", "nan", WHOLE_TROOPS),
    ("members.csv", MEMBER, member(pool="Infinity"), "troop_pool", "Infinity", WHOLE_TROOPS),
    ("members.csv", MEMBER, member(pool="-0"), "troop_pool", "-0", "a whole number >= 0"),
    ("members.csv", MEMBER, member(pool="-1"), "troop_pool", "-1", "a whole number >= 0"),
    (
        "members.csv",
        MEMBER,
        member(pool="4_0_000"),
        "troop_pool",
        "4_0_000",
        WHOLE_TROOPS + UNDERSCORE,
    ),
    (
        "members.csv",
        MEMBER,
        member(pool="40 000"),
        "troop_pool",
        "40 000",
        WHOLE_TROOPS + ", without spaces between the digits",
    ),
    (
        "members.csv",
        MEMBER,
        member(gdp="1e6"),
        "gdp_usd_bn",
        "1e6",
        "a number >= 0 and <= 100,000",
    ),
    (
        "members.csv",
        MEMBER,
        member(milex="99999"),
        "milex_usd_bn",
        "99999",
        "a number >= 0 and <= 10,000",
    ),
    (
        "members.csv",
        MEMBER,
        member(personnel="6000000"),
        "active_personnel",
        "6000000",
        WHOLE_TROOPS,
    ),
    ("members.csv", MEMBER, member(cap="1e7"), "max_troops_deployed", "1e7", WHOLE_TROOPS),
    (
        "members.csv",
        MEMBER,
        member(money="1e12"),
        "max_contribution_eur_m",
        "1e12",
        "a number >= 0 and <= 1,000,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(cost="1e308"),
        "cost_eur_m",
        "1e308",
        "a number >= 0 and <= 100,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(troops="1000000"),
        "troops_per_unit",
        "1000000",
        "a whole number >= 0 and <= 100,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(det="inf"),
        "deterrence",
        "inf",
        "a number >= 0 and <= 1,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(ew="1e5"),
        "early_warning_km",
        "1e5",
        "a number >= 0 and <= 10,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(ad="nan"),
        "air_defence_k_km2",
        "nan",
        "a number >= 0 and <= 10,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(esc="1e4"),
        "escalation",
        "1e4",
        "a number >= 0 and <= 1,000",
    ),
    (
        "elements.csv",
        ELEMENT,
        element(ready="99999"),
        "readiness_days",
        "99999",
        "a whole number >= 0 and <= 3,650",
    ),
    ("elements.csv", ELEMENT, element(ready="-0"), "readiness_days", "-0", "a whole number >= 0"),
    (
        "elements.csv",
        ELEMENT,
        element(low="2_10"),
        "cost_low_eur_m",
        "2_10",
        "a number >= 0 and <= 100,000" + UNDERSCORE,
    ),
    (
        "elements.csv",
        ELEMENT,
        element(high="1e6"),
        "cost_high_eur_m",
        "1e6",
        "a number >= 0 and <= 100,000",
    ),
    (
        "elements.csv",
        ELEMENT_END,
        ",1500,1000,0,80,-5\n",
        "warning_depth_km",
        "-5",
        "a number >= 0",
    ),
    ("elements.csv", ELEMENT_END, ",1500,1000,0,80,inf\n", "warning_depth_km", "inf", KM),
    ("elements.csv", ELEMENT_END, ",1500,1000,0,80,nan\n", "warning_depth_km", "nan", KM),
    ("elements.csv", ELEMENT_END, ",1500,1000,0,80,deep\n", "warning_depth_km", "deep", KM),
    ("elements.csv", ELEMENT_END, ",1500,1000,0,80,1e5\n", "warning_depth_km", "1e5", KM),
    (
        "elements.csv",
        "1500,1000,0,80",
        "1500,1000,0,-80",
        "one_off_cost_eur_m",
        "-80",
        "a number >= 0",
    ),
    (
        "elements.csv",
        "1500,1000,0,80",
        "1500,1000,0,nan",
        "one_off_cost_eur_m",
        "nan",
        "a number >= 0 and <= 100,000",
    ),
    (
        "availability.csv",
        AVAIL,
        "GBR,armoured_bg,1e9,",
        "max_units",
        "1e9",
        "a whole number >= 0 and <= 10,000",
    ),
    (
        "availability.csv",
        AVAIL,
        "GBR,armoured_bg,inf,",
        "max_units",
        "inf",
        "a whole number >= 0 and <= 10,000",
    ),
    (
        "availability.csv",
        AVAIL,
        "GBR,armoured_bg,4_0,",
        "max_units",
        "4_0",
        "a whole number >= 0 and <= 10,000" + UNDERSCORE,
    ),
    (
        "availability.csv",
        AVAIL,
        "GBR,armoured_bg,4.5,",
        "max_units",
        "4.5",
        "a whole number >= 0 and <= 10,000",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "value", "expected"),
    CSV_CELLS,
    ids=[f"{c[0]}:{c[3]}={c[4]}" for c in CSV_CELLS],
)
def test_absurd_csv_cell(work, capsys, file, old, new, column, value, expected):
    replace_in(work / "data" / file, old, new)
    assert validate_lines(capsys, "data") == [
        f"data/{file}, row 2, column {column}: found {value!r}; expected {expected}"
    ]


BAD_IDS = ["=SUM(A1)", "+GBR", "-GBR", "@GBR", "GB R", "Ärger", "X" * 65, "GBR;DROP"]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(("file", "column"), [("members.csv", "member_id")])
def test_unsafe_member_id(work, capsys, file, column, bad):
    path = work / "data" / file
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(bad + lines[1][3:])  # a copy of GBR's row under another id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert validate_lines(capsys, "data") == [
        f"data/{file}, row {len(lines)}, column {column}: found {bad!r}; expected {ID}"
    ]


@pytest.mark.parametrize(
    ("file", "row", "column", "bad"),
    [
        ("elements.csv", "{bad},x,ground_combat," + ELEMENT + "s,A,", "element_id", "@sum"),
        ("availability.csv", "{bad},armoured_bg,1,,s,A", "member_id", "+GBR"),
        ("availability.csv", "GBR,{bad},1,,s,A", "element_id", "=cmd|' /C calc'!A0"),
    ],
)
def test_unsafe_ids_in_other_files(work, capsys, file, row, column, bad):
    path = work / "data" / file
    with path.open("a", encoding="utf-8") as f:
        f.write(row.format(bad=bad) + "\n")
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert validate_lines(capsys, "data") == [
        f"data/{file}, row {n}, column {column}: found {bad!r}; expected {ID}"
    ]


def test_semicolon_separated_members(work, capsys):
    path = work / "data" / "members.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    header = "member_id;name;position;role_stated;gdp_usd_bn;milex_usd_..."  # first 57
    assert validate_lines(capsys, "data") == [
        f"data/members.csv, row 1: found {header!r}; expected {SEMICOLON}"
    ]


def test_tab_separated_availability(work, capsys):
    path = work / "data" / "availability.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")
    header = "member_id\telement_id\tmax_units\tbasis\tsource\tconfidence"
    assert validate_lines(capsys, "data") == [
        f"data/availability.csv, row 1: found {header!r}; expected comma-separated columns; "
        "the file seems to use tabs as separator: save it as comma-separated CSV (CSV UTF-8 in "
        "Excel's Save As)"
    ]


def test_latin1_members(work, capsys):
    path = work / "data" / "members.csv"
    text = path.read_text(encoding="utf-8").replace("United Kingdom", "Großbritannien")
    raw = text.encode("latin-1")
    path.write_bytes(raw)
    at = raw.index(b"\xdf")
    assert validate_lines(capsys, "data") == [
        f"data/members.csv: found \"byte b'\\\\xdf' at offset {at}\"; expected UTF-8 text; the "
        "file looks like Latin-1 or Windows-1252: save it as CSV UTF-8 in Excel's Save As"
    ]


def test_windows_1252_archetypes(work, capsys):
    path = work / "data" / "archetypes.toml"
    text = path.read_text(encoding="utf-8").replace("# Kinds of package", "# Kinds (€ 1 bn)", 1)
    raw = text.encode("cp1252")
    path.write_bytes(raw)
    at = raw.index(b"\x80")
    assert validate_lines(capsys, "data") == [
        f"data/archetypes.toml: found \"byte b'\\\\x80' at offset {at}\"; "
        "expected UTF-8 text; the file looks like Windows-1252: save it as UTF-8"
    ]


def test_utf16_elements(work, capsys):
    path = work / "data" / "elements.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    assert validate_lines(capsys, "data") == [
        "data/elements.csv: found \"byte b'\\\\xff' at offset 0\"; expected UTF-8 text; the "
        "file looks like UTF-16 (Excel's 'Unicode text'): save it as CSV UTF-8 in Excel's "
        "Save As"
    ]


# --- data files: archetypes.toml, parameters.toml ------------------------------------------------

TOML_CASES = [
    # (file, text in the file, replacement, key, value, expected)
    (
        "archetypes.toml",
        "troops_max = 100000",
        "troops_max = 1000000000",
        "reassurance.troops_max",
        1000000000,
        "a whole number between 0 and 5,000,000",
    ),
    (
        "archetypes.toml",
        "troops_in_ukraine_max = 1500",
        "troops_in_ukraine_max = 6000000",
        "air_shield.troops_in_ukraine_max",
        6000000,
        "a whole number between 0 and 5,000,000",
    ),
    (
        "archetypes.toml",
        "min_coverage = 0.5        # A-ARCH-COVERAGE",
        "min_coverage = nan",
        "observer.min_coverage",
        float("nan"),
        "a share between 0 and 1",
    ),
    (
        "archetypes.toml",
        "min_nations = 5           # A-ARCH-NATIONS",
        "min_nations = 100000",
        "reassurance.min_nations",
        100000,
        "a whole number between 0 and 1,000",
    ),
    (
        "archetypes.toml",
        "enablers = { logistics = 0.3,",
        "enablers = { logistics = inf,",
        "reassurance.enablers.logistics",
        float("inf"),
        "a ratio between 0 and 1,000 (units per 1,000 combat troops)",
    ),
    (
        "archetypes.toml",
        "required = { ground_combat = 4,",
        "required = { ground_combat = 100000,",
        "reassurance.required.ground_combat",
        100000,
        "a whole number of units between 0 and 10,000",
    ),
    (
        "archetypes.toml",
        "troops_min = 10000 ",
        "troops_min = 1_0000 ",
        "reassurance.troops_min",
        "1_0000",
        "'_' only between groups of three digits, as in 40_000 (TOML would read 1_0000 as 10000)",
    ),
    (
        "parameters.toml",
        "usd_per_eur = 1.0824",
        "usd_per_eur = inf",
        "usd_per_eur",
        float("inf"),
        "a rate > 0 and <= 100",
    ),
    (
        "parameters.toml",
        "usd_per_eur = 1.0824",
        "usd_per_eur = 0.0",
        "usd_per_eur",
        0.0,
        "a rate > 0 and <= 100",
    ),
    (
        "parameters.toml",
        "nation_bonus_nato = 2.0",
        "nation_bonus_nato = -1.0",
        "nation_bonus_nato",
        -1.0,
        "deterrence points >= 0 and <= 1,000",
    ),
    (
        "parameters.toml",
        "nation_bonus_nuclear = 4.0",
        "nation_bonus_nuclear = nan",
        "nation_bonus_nuclear",
        float("nan"),
        "deterrence points >= 0 and <= 1,000",
    ),
    (
        "parameters.toml",
        "troop_pool_spread = 0.25",
        "troop_pool_spread = 1.5",
        "troop_pool_spread",
        1.5,
        "a share >= 0 and < 1 (0.25 = troop pools drawn within +-25%)",
    ),
    (
        "parameters.toml",
        "escalation_multiplier = 1.1",
        "escalation_multiplier = 1e308",
        "backstop.article5.escalation_multiplier",
        1e308,
        "a multiplier > 0 and <= 100",
    ),
    (
        "parameters.toml",
        "deterrence_multiplier = 1.15",
        "deterrence_multiplier = 0.0",
        "backstop.air_isr.deterrence_multiplier",
        0.0,
        "a multiplier > 0 and <= 100",
    ),
    (
        "parameters.toml",
        "warning_depth_min_km = 30",
        "warning_depth_min_km = -30",
        "warning_depth_min_km",
        -30.0,
        "a depth in km >= 0 and <= 10,000",
    ),
    (
        "parameters.toml",
        "warning_depth_min_km = 30",
        "warning_depth_min_km = inf",
        "warning_depth_min_km",
        float("inf"),
        "a depth in km >= 0 and <= 10,000",
    ),
    (
        "parameters.toml",
        "warning_depth_share = 0.5",
        "warning_depth_share = 1.5",
        "warning_depth_share",
        1.5,
        "a share >= 0 and <= 1",
    ),
    (
        "parameters.toml",
        "warning_depth_share = 0.5",
        'warning_depth_share = "half"',
        "warning_depth_share",
        "half",
        "a valid number, unable to parse string as a number",
    ),
    (
        "parameters.toml",
        "nation_bonus_other = 1.0",
        "nation_bonus_other = 1_0.0",
        "nation_bonus_other",
        "1_0.0",
        "'_' only between groups of three digits, as in 40_000 (TOML would read 1_0.0 as 10.0)",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "key", "value", "expected"),
    TOML_CASES,
    ids=[f"{c[0]}:{c[3]}" for c in TOML_CASES],
)
def test_absurd_toml_value(work, capsys, file, old, new, key, value, expected):
    replace_in(work / "data" / file, old, new)
    assert validate_lines(capsys, "data") == [
        f"data/{file}, key {key}: found {value!r}; expected {expected}"
    ]


@pytest.mark.parametrize("name", ['"=evil"', '"my archetype"', '"-x"', '"a/b"'])
def test_unsafe_archetype_table_name(work, capsys, name):
    with (work / "data" / "archetypes.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[{name}]\nname = "x"\ndescription = "x"\nprimary = "deterrence"\n')
    bare = name.strip('"')
    assert validate_lines(capsys, "data") == [
        f"data/archetypes.toml, key {bare}: found {bare!r}; expected a table name that is {ID}"
    ]


@pytest.mark.parametrize("file", ["archetypes.toml", "parameters.toml"])
@pytest.mark.parametrize("depth", [17, 5000])
def test_toml_nested_too_deeply(work, capsys, file, depth):
    with (work / "data" / file).open("a", encoding="utf-8") as f:
        f.write("\nx = " + "[" * depth + "]" * depth + "\n")
    assert validate_lines(capsys, "data") == [
        f"data/{file}: found 'deeper nesting'; expected tables and arrays nested at most 16 "
        "levels deep"
    ]


def test_toml_integer_of_thousands_of_digits(work, capsys):
    replace_in(
        work / "data" / "archetypes.toml", "troops_max = 100000", "troops_max = " + "9" * 5000
    )
    assert validate_lines(capsys, "data") == [
        "data/archetypes.toml: found 'Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5000 digits'; expected valid TOML with numbers of sane size"
    ]


# --- scenarios ---------------------------------------------------------------------------------

SCENARIO = 'name = "t"\nbudget_eur_bn = 5\n'
BUDGET = "an annual budget > 0 (EUR bn) and <= 1,000"
ROTATION = (
    "a rotation factor between 1 and 20 (troops in the pool per troop deployed; 3-5 is usual)"
)
SEED = "a whole number between 0 and 4,294,967,295"
HORIZON = (
    "a whole number of years between 1 and 50 (10 in the public cost estimates, 15 in the US "
    "draft guarantee)"
)
RATE = "a real discount rate between 0 and 0.2 (a share: 0.035 for 3.5%)"
TIME = "a time limit > 0 and <= 86,400 (seconds)"
AHP_SHAPE = (
    "a 10 x 10 matrix of pairwise comparisons, one row and column per ranked criterion in the "
    "order deterrence, annual_cost_eur_bn, troops_exposed, early_warning_pct, "
    "air_defence_k_km2, escalation_risk, burden_gap_pct, nations, readiness_days, "
    "political_risk_pct"
)
ALL_CRITERIA = (
    "deterrence, annual_cost_eur_bn, troops_exposed, early_warning_pct, air_defence_k_km2, "
    "escalation_risk, burden_gap_pct, nations, readiness_days, political_risk_pct"
)
METHODS = (
    "TOPSIS, VIKOR, PROMETHEE_II, SPOTIS, WASPAS, COPRAS, MABAC, WSM, WPM, ARAS, EDAS, MOORA, "
    "CODAS, MARCOS, OCRA"
)

SCENARIO_CASES = [
    # (id, scenario text, key, value, expected)
    ("budget inf", 'name = "t"\nbudget_eur_bn = inf\n', "budget_eur_bn", "inf", BUDGET),
    ("budget -inf", 'name = "t"\nbudget_eur_bn = -inf\n', "budget_eur_bn", "-inf", BUDGET),
    ("budget nan", 'name = "t"\nbudget_eur_bn = nan\n', "budget_eur_bn", "nan", BUDGET),
    ("budget 1e308", 'name = "t"\nbudget_eur_bn = 1e308\n', "budget_eur_bn", "1e+308", BUDGET),
    ("budget -0.0", 'name = "t"\nbudget_eur_bn = -0.0\n', "budget_eur_bn", "-0.0", BUDGET),
    (
        "budget 4_0_000",
        'name = "t"\nbudget_eur_bn = 4_0_000\n',
        "budget_eur_bn",
        "'4_0_000'",
        "'_' only between groups of three digits, as in 40_000 (TOML would read 4_0_000 as 40000)",
    ),
    ("rotation inf", SCENARIO + "rotation_factor = inf\n", "rotation_factor", "inf", ROTATION),
    (
        "rotation 1e308",
        SCENARIO + "rotation_factor = 1e308\n",
        "rotation_factor",
        "1e+308",
        ROTATION,
    ),
    (
        "line 1e308",
        SCENARIO + "line_length_km = 1e308\n",
        "line_length_km",
        "1e+308",
        "a length > 0 and <= 10,000 (km)",
    ),
    ("seed -1", SCENARIO + "seed = -1\n", "seed", "-1", SEED),
    ("seed 2**63", SCENARIO + "seed = 9223372036854775807\n", "seed", "9223372036854775807", SEED),
    (
        "levels 1e6",
        SCENARIO + "[frontier]\nlevels = 1000000\n",
        "frontier.levels",
        "1000000",
        "a whole number between 1 and 50 (budget levels per archetype)",
    ),
    (
        "alternatives 1e6",
        SCENARIO + "[frontier]\nalternatives = 1000000\n",
        "frontier.alternatives",
        "1000000",
        "a whole number between 0 and 20 (alternatives per archetype)",
    ),
    (
        "troop levels 1e6",
        SCENARIO + "[frontier]\ntroop_levels = 1000000\n",
        "frontier.troop_levels",
        "1000000",
        "a whole number between 0 and 50 (troop levels per archetype)",
    ),
    (
        "time limit inf",
        SCENARIO + "[solver]\ntime_limit_s = inf\n",
        "solver.time_limit_s",
        "inf",
        TIME,
    ),
    (
        "tie-break -1",
        SCENARIO + "[solver]\ntie_break_time_s = -1\n",
        "solver.tie_break_time_s",
        "-1.0",
        TIME,
    ),
    (
        "gap nan",
        SCENARIO + "[solver]\nmip_gap = nan\n",
        "solver.mip_gap",
        "nan",
        "a relative gap between 0 and 1",
    ),
    (
        "lead nations empty",
        SCENARIO + "[lead_nations]\nmembers = []\nmin_troop_share = 0.4\n",
        "lead_nations.members",
        "[]",
        "at least one member id, as min_troop_share is 0.4 (or no [lead_nations] table)",
    ),
    (
        "rule inf",
        SCENARIO + '[[rules]]\nname = "r"\nsense = ">="\nvalue = inf\n',
        "rules[1].value",
        "inf",
        "a value between 0 and 1,000,000 (units)",
    ),
    (
        "rule troops 1e308",
        SCENARIO + '[[rules]]\nname = "r"\nsense = ">="\nvalue = 1e308\nmeasure = "troops"\n',
        "rules[1].value",
        "1e+308",
        "a value between 0 and 5,000,000 (troops)",
    ),
    (
        "rule nations nan",
        SCENARIO + '[[rules]]\nname = "r"\nsense = "<="\nvalue = nan\nmeasure = "nations"\n',
        "rules[1].value",
        "nan",
        "a value between 0 and 1,000 (nations)",
    ),
    (
        "weight 1e308",
        SCENARIO + "[weights]\ndeterrence = 1e308\n",
        "weights.deterrence",
        "1e+308",
        "a weight between 0 and 1,000,000",
    ),
    (
        "weight -0.0",
        SCENARIO + "[weights]\ndeterrence = -0.0\nnations = 1\n",
        "weights.deterrence",
        "-0.0",
        "a weight between 0 and 1,000,000",
    ),
    (
        "weights only for unranked criteria",
        SCENARIO
        + '[weights]\ndeterrence = 1\n[ranking]\ncriteria = ["nations", "troops_exposed"]\n',
        "weights",
        "{'deterrence': 1.0}",
        "a weight > 0 for at least one ranked criterion (ranking.criteria: nations, "
        "troops_exposed)",
    ),
    (
        "no method",
        SCENARIO + "[ranking]\nmethods = []\n",
        "ranking.methods",
        "[]",
        "at least one method: " + METHODS,
    ),
    (
        "method twice",
        SCENARIO + '[ranking]\nmethods = ["TOPSIS", "TOPSIS"]\n',
        "ranking.methods[2]",
        "'TOPSIS'",
        "each method once",
    ),
    (
        "ROC without order",
        SCENARIO + '[ranking]\nweighting = "roc"\n',
        "ranking.order",
        "[]",
        "every criterion ranked, most important first, for ROC weighting; missing: " + ALL_CRITERIA,
    ),
    (
        "ROC order short",
        SCENARIO
        + '[ranking]\nweighting = "roc"\ncriteria = ["deterrence", "nations"]\n'
        + 'order = ["nations"]\n',
        "ranking.order",
        "['nations']",
        "every criterion ranked, most important first, for ROC weighting; missing: deterrence",
    ),
    (
        "SWING all zero",
        SCENARIO + '[ranking]\nweighting = "swing"\nswing = { nations = 0 }\n',
        "ranking.swing",
        "{'nations': 0.0}",
        "points > 0 for at least one ranked criterion for SWING weighting, e.g. swing = { "
        "deterrence = 100 }",
    ),
    (
        "SWING inf",
        SCENARIO + '[ranking]\nweighting = "swing"\nswing = { nations = inf }\n',
        "ranking.swing.nations",
        "inf",
        "points between 0 and 100 (the most valued swing gets 100)",
    ),
    (
        "SWING unknown criterion",
        SCENARIO + '[ranking]\nweighting = "swing"\nswing = { natoins = 50 }\n',
        "ranking.swing.natoins",
        "'natoins'",
        "a criterion: " + ALL_CRITERIA,
    ),
    (
        "AHP missing",
        SCENARIO + '[ranking]\nweighting = "ahp"\n',
        "ranking.ahp",
        "'no matrix'",
        AHP_SHAPE,
    ),
    (
        "AHP ragged",
        SCENARIO + '[ranking]\nweighting = "ahp"\nahp = [[1, 2], [0.5]]\n',
        "ranking.ahp",
        "'2 rows of different lengths'",
        AHP_SHAPE,
    ),
    (
        "AHP wrong size",
        SCENARIO + '[ranking]\nweighting = "ahp"\nahp = [[1, 2], [0.5, 1]]\n',
        "ranking.ahp",
        "'2 rows of 2 numbers'",
        AHP_SHAPE,
    ),
    (
        "AHP non-positive",
        SCENARIO
        + '[ranking]\nweighting = "ahp"\ncriteria = ["deterrence", "nations"]\n'
        + "ahp = [[1, -2], [0.5, 1]]\n",
        "ranking.ahp[1][2]",
        "-2.0",
        "a comparison between 0.001 and 1,000 (1 = equally important, 9 = far more "
        "important, 1/9 = far less)",
    ),
    (
        "AHP inf",
        SCENARIO
        + '[ranking]\nweighting = "ahp"\ncriteria = ["deterrence", "nations"]\n'
        + "ahp = [[1, inf], [0.5, 1]]\n",
        "ranking.ahp[1][2]",
        "inf",
        "a comparison between 0.001 and 1,000 (1 = equally important, 9 = far more "
        "important, 1/9 = far less)",
    ),
    (
        "criterion twice",
        SCENARIO + '[ranking]\ncriteria = ["nations", "nations"]\n',
        "ranking.criteria[2]",
        "'nations'",
        "each criterion once",
    ),
    (
        "SMAA method without kernel",
        SCENARIO + '[robustness]\nmethod = "WSM"\n',
        "robustness.method",
        "'WSM'",
        "one of TOPSIS, VIKOR, PROMETHEE_II, SPOTIS, WASPAS, COPRAS, MABAC (the methods SMAA "
        "and the stability intervals use)",
    ),
    (
        "SMAA draws negative",
        SCENARIO + "[robustness]\nsmaa_draws = -5\n",
        "robustness.smaa_draws",
        "-5",
        "a number of draws between 0 and 1,000,000",
    ),
    (
        "name formula",
        'name = "=HYPERLINK(\\"http://x\\")"\nbudget_eur_bn = 5\n',
        "name",
        "'=HYPERLINK(\"http://x\")'",
        NAME,
    ),
    ("name path", 'name = "../../etc"\nbudget_eur_bn = 5\n', "name", "'../../etc'", NAME),
    ("name empty", 'name = ""\nbudget_eur_bn = 5\n', "name", "''", NAME),
    (
        "name bell",
        'name = "a\\u0007b"\nbudget_eur_bn = 5\n',
        "name",
        "'a\\x07b'",
        "text without control characters",
    ),
    (
        "description DEL",
        SCENARIO + 'description = "x\\u007f"\n',
        "description",
        "'x\\x7f'",
        "text without control characters",
    ),
    (
        "member override inf",
        SCENARIO + "[member_overrides.GBR]\ntroop_pool = inf\n",
        "member_overrides.GBR.troop_pool",
        "inf",
        WHOLE_TROOPS,
    ),
    (
        "member override 1e22",
        SCENARIO + "[member_overrides.GBR]\ntroop_pool = 10000000000000000000000\n",
        "member_overrides.GBR.troop_pool",
        "10000000000000000000000",
        WHOLE_TROOPS,
    ),
    (
        "member override -0.0",
        SCENARIO + "[member_overrides.GBR]\nmax_contribution_eur_m = -0.0\n",
        "member_overrides.GBR.max_contribution_eur_m",
        "-0.0",
        "a number >= 0",
    ),
    (
        "element override 1e308",
        SCENARIO + "[element_overrides.mech_battalion]\ncost_eur_m = 1e308\n",
        "element_overrides.mech_battalion.cost_eur_m",
        "1e+308",
        "a number >= 0 and <= 100,000",
    ),
    (
        "archetype override nations",
        SCENARIO + "[archetype_overrides.observer]\nmin_nations = 100000000\n",
        "archetype_overrides.observer.min_nations",
        "100000000",
        "a whole number between 0 and 1,000",
    ),
    (
        "SMAA with PROMETHEE II over uncertain costs",
        SCENARIO
        + "[frontier]\nlevels = 50\ntroop_levels = 50\nalternatives = 20\n"
        + '[robustness]\nmethod = "PROMETHEE_II"\ncost_uncertainty = 0.2\n',
        "robustness.smaa_draws",
        "10000",
        "at most 171 draws for PROMETHEE_II with uncertain values over 1,080 alternatives x 10 "
        "criteria (it compares every pair in every draw: draws x alternatives² x criteria at "
        "most 2,000,000,000), or another method; up to 1,080 packages come from 9 archetypes x "
        "(50 levels + 50 troop levels + 20 alternatives)",
    ),
    ("horizon of 0 years", SCENARIO + "horizon_years = 0\n", "horizon_years", "0", HORIZON),
    (
        "horizon of 1e9 years",
        SCENARIO + "horizon_years = 1e9\n",
        "horizon_years",
        "1000000000",
        HORIZON,
    ),
    (
        "horizon of true",
        SCENARIO + "horizon_years = true\n",
        "horizon_years",
        "True",
        "a whole number of years between 1 and 50, written as a number",
    ),
    ("discount rate nan", SCENARIO + "discount_rate = nan\n", "discount_rate", "nan", RATE),
    ("discount rate -inf", SCENARIO + "discount_rate = -inf\n", "discount_rate", "-inf", RATE),
    (
        "pooled share of 2",
        SCENARIO + "[funding]\nshares = { GBR = 2 }\n",
        "funding.shares.GBR",
        "2.0",
        "a share between 0 and 1 of the member's cost that the instrument pays",
    ),
    (
        "cost uncertainty neither a share nor the data's ranges",
        SCENARIO + '[robustness]\ncost_uncertainty = "guess"\n',
        "robustness.cost_uncertainty",
        "'guess'",
        'a share between 0 and 1, or "data" for the data\'s own cost ranges',
    ),
    (
        "cost uncertainty of infinity",
        SCENARIO + "[robustness]\ncost_uncertainty = inf\n",
        "robustness.cost_uncertainty",
        "inf",
        'a share between 0 and 1, or "data" for the data\'s own cost ranges',
    ),
    (
        "SMAA too large for memory",
        SCENARIO
        + 'archetypes = ["observer", "tripwire"]\n[robustness]\nsmaa_draws = 1000000\n'
        + "cost_uncertainty = 0.5\n",
        "robustness.smaa_draws",
        "1000000",
        "at most 250,000 draws for 20 alternatives x 10 criteria (draws x alternatives x "
        "criteria at most 50,000,000 numbers); up to 20 packages come from 2 archetypes x (8 "
        "levels + 0 troop levels + 2 alternatives)",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "value", "expected"),
    [c[1:] for c in SCENARIO_CASES],
    ids=[c[0] for c in SCENARIO_CASES],
)
def test_absurd_scenario(work, capsys, text, key, value, expected):
    (work / "data" / "scenarios" / "t.toml").write_text(text, encoding="utf-8")
    assert validate_lines(capsys, "data/scenarios/t.toml") == [
        f"data/scenarios/t.toml, key {key}: found {value}; expected {expected}"
    ]


@pytest.mark.parametrize("depth", [17, 100_000])
def test_scenario_nested_too_deeply(work, capsys, depth):
    (work / "data" / "scenarios" / "t.toml").write_text(
        SCENARIO + "x = " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )
    assert validate_lines(capsys, "data/scenarios/t.toml") == [
        "data/scenarios/t.toml: found 'deeper nesting'; expected tables and arrays nested at "
        "most 16 levels deep"
    ]


def test_scenario_in_latin1(work, capsys):
    raw = 'name = "t"\ndescription = "Zürich"\nbudget_eur_bn = 5\n'.encode("latin-1")
    (work / "data" / "scenarios" / "t.toml").write_bytes(raw)
    at = raw.index(b"\xfc")
    assert validate_lines(capsys, "data/scenarios/t.toml") == [
        f"data/scenarios/t.toml: found \"byte b'\\\\xfc' at offset {at}\"; "
        "expected UTF-8 text; the file looks like Latin-1 or Windows-1252: save it as UTF-8"
    ]


SURROGATE = "text without lone surrogates (it is not valid Unicode)"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"description": "\ud800"}, f"api, key description: found '\\ud800'; expected {SURROGATE}"),
        (
            {"description": "a\x00b"},
            "api, key description: found 'a\\x00b'; expected text without control characters",
        ),
        (
            {"weights": {"\udfff": 1}},
            f"api, key weights: found '\\udfff'; expected a key of {SURROGATE}",
        ),
        (
            {"rules": [{"name": "\x1b[2J", "sense": ">=", "value": 1}]},
            "api, key rules[1].name: found '\\x1b[2J'; expected text without control characters",
        ),
    ],
)
def test_mapping_with_text_toml_cannot_hold(doc, expected):
    with pytest.raises(InputError) as exc:
        scenario_from_mapping({"name": "t", "budget_eur_bn": 5, **doc}, "api")
    assert [str(p) for p in exc.value.problems] == [expected]


def test_mapping_nested_too_deeply():
    deep: object = 1
    for _ in range(10_000):
        deep = [deep]
    with pytest.raises(InputError) as exc:
        scenario_from_mapping({"name": "t", "budget_eur_bn": 5, "x": deep}, "api")
    assert [str(p) for p in exc.value.problems] == [
        "api: found 'deeper nesting'; expected tables and arrays nested at most 16 levels deep"
    ]


def test_exported_scenario_with_awkward_text_reads_back_equal(tmp_path):
    text = 'tab\there, quote " and \\ backslash, new\nline, é, 😀, \u2028'
    scenario = scenario_from_mapping(
        {"name": "Odd name. v1", "budget_eur_bn": 5, "description": text}
    )
    path = tmp_path / "s.toml"
    path.write_text(dump_scenario_toml(scenario), encoding="utf-8")
    assert read_scenario(path).description == text


# --- mcdm rank ----------------------------------------------------------------------------------

MATRIX = "id,cost,quality\ntype,-1,1\nA,100,7\nB,80,6\nC,120,9\n"
VALUE = "a number between -1e+15 and 1e+15"


@pytest.mark.parametrize(
    ("cell", "value", "expected"),
    [
        ("1e308", "1e308", VALUE),
        ("-1e16", "-1e16", VALUE),
        ("inf", "inf", VALUE),
        ("-inf", "-inf", VALUE),
        ("nan", "nan", VALUE),
        ("1_000", "1_000", VALUE + UNDERSCORE),
        (
            '"1,5"',
            "1,5",
            VALUE + ", with '.' as the decimal point and no thousands separator "
            "(1500.5, not 1,500.5)",
        ),
    ],
)
def test_rank_matrix_absurd_value(work, capsys, cell, value, expected):
    Path("m.csv").write_text(MATRIX.replace("A,100,", f"A,{cell},"), encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv")
    assert code == 1
    assert out == []
    assert err == [f"m.csv, row 3, column cost: found {value!r}; expected {expected}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            MATRIX.replace(",", ";"),
            f"m.csv, row 1: found 'id;cost;quality'; expected {SEMICOLON}",
        ),
        (
            MATRIX.replace("A,", "=1+1,"),
            "m.csv, row 3, column id: found '=1+1'; expected a name that does not start with "
            "=, +, - or @ (a spreadsheet would run it)",
        ),
        (
            MATRIX.replace("quality", "@SUM(A1)"),
            "m.csv, row 1, column @SUM(A1): found '@SUM(A1)'; expected a name that does not "
            "start with =, +, - or @ (a spreadsheet would run it)",
        ),
        (
            MATRIX.replace("type,-1,1\n", "type,-1,1\nweight,1e308,1\n"),
            "m.csv, row 3, column cost: found '1e308'; expected a weight between 0 and 1,000,000",
        ),
        (
            MATRIX.replace("type,-1,1\n", "type,-1,1\nweight,-0,1\n"),
            "m.csv, row 3, column cost: found '-0'; expected a weight between 0 and 1,000,000",
        ),
        (
            MATRIX.replace("type,-1,1\n", "type,-1,1\nweight,0,0\n"),
            "m.csv, row 3: found '0,0'; expected at least one weight above zero",
        ),
        (
            "id," + ",".join(f"c{j}" for j in range(101)) + "\n",
            "m.csv, row 1: found '101 criteria'; expected at most 100 criteria (columns after "
            "the id)",
        ),
        (
            "id,c\ntype,1\n" + "".join(f"a{i},{i}\n" for i in range(10_001)),
            "m.csv: found '10,001 alternatives'; expected at most 10,000 alternatives (rows)",
        ),
    ],
    ids=[
        "semicolons",
        "formula id",
        "formula criterion",
        "weight 1e308",
        "weight -0",
        "weights all zero",
        "101 criteria",
        "10,001 rows",
    ],
)
def test_rank_matrix_file(work, capsys, text, expected):
    Path("m.csv").write_text(text, encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv")
    assert code == 1
    assert out == []
    assert err == [expected]


def test_rank_matrix_in_latin1(work, capsys):
    raw = MATRIX.replace("A,", "Zürich,").encode("latin-1")
    Path("m.csv").write_bytes(raw)
    at = raw.index(b"\xfc")
    code, out, err = cli(capsys, "rank", "m.csv")
    assert code == 1
    assert out == []
    assert err == [
        f"m.csv: found \"byte b'\\\\xfc' at offset {at}\"; expected UTF-8 "
        "text; the file looks like Latin-1 or Windows-1252: save it as CSV UTF-8 in Excel's "
        "Save As"
    ]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--smaa", "0"],
            "mcdm rank: error: argument --smaa: expected a whole number between 1 and "
            "1,000,000, got '0'",
        ),
        (
            ["--smaa", "1e3"],
            "mcdm rank: error: argument --smaa: expected a whole number between 1 and "
            "1,000,000, got '1e3'",
        ),
        (
            ["--smaa", "10", "--seed", "-1"],
            "mcdm rank: error: argument --seed: expected a whole number between 0 and "
            "4,294,967,295, got '-1'",
        ),
        (
            ["--smaa", "10", "--seed", str(2**32)],
            "mcdm rank: error: argument --seed: expected a whole number between 0 and "
            "4,294,967,295, got '4294967296'",
        ),
        (
            ["--band", "nan"],
            "mcdm rank: error: argument --band: expected a band between 0 and 1, got 'nan'",
        ),
    ],
)
def test_rank_usage_errors(work, capsys, options, expected):
    Path("m.csv").write_text(MATRIX, encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv", *options)
    assert code == 2
    assert out == []
    assert err[-1] == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--weights", "inf,1"],
            "option --weights, key weight 1: found 'inf'; expected a weight between 0 and "
            "1,000,000",
        ),
        (
            ["--weights", "1,1_0"],
            "option --weights, key weight 2: found '1_0'; expected a weight between 0 and "
            "1,000,000" + UNDERSCORE,
        ),
        (
            ["--weights", "0,0"],
            "option --weights: found '0,0'; expected at least one weight above zero",
        ),
        (
            ["--smaa", "1000000"],
            "option --smaa: found 1000000; expected at most 500,000 draws for 100 alternatives "
            "(draws x alternatives at most 50,000,000 numbers)",
        ),
    ],
)
def test_rank_options_too_large(work, capsys, options, expected):
    rows = "".join(f"a{i},{i},{i % 7}\n" for i in range(100))
    Path("m.csv").write_text("id,cost,quality\ntype,-1,1\n" + rows, encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv", *options)
    assert code == 1
    assert out == []
    assert err == [expected]


def big_matrix(n: int) -> str:
    rng = np.random.default_rng(0)
    X = rng.random((n, 10)).round(4)
    head = "id," + ",".join(f"c{j}" for j in range(10)) + "\ntype," + ",".join("1" * 10) + "\n"
    return head + "".join(f"a{i}," + ",".join(map(str, row)) + "\n" for i, row in enumerate(X))


PROMETHEE = (
    "PROMETHEE_II compares every pair of alternatives: 2,000 alternatives x 10 criteria would "
    "need about 0.4 GB of memory; it runs on at most 1,961 alternatives with 10 criteria"
)


def test_promethee_is_left_out_above_its_size_and_the_others_run(work, capsys):
    Path("m.csv").write_text(big_matrix(2_000), encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv", "--methods", "TOPSIS,PROMETHEE_II")
    assert code == 0
    assert err == ["(no weights given: equal weights)"]
    assert out[0].split() == ["id", "TOPSIS", "consensus_rank"]
    assert f"- method PROMETHEE_II left out: {PROMETHEE}" in out


def test_smaa_with_promethee_refused_above_its_size(work, capsys):
    Path("m.csv").write_text(big_matrix(2_000), encoding="utf-8")
    code, out, err = cli(capsys, "rank", "m.csv", "--smaa", "10", "--smaa-method", "PROMETHEE_II")
    assert code == 1
    assert out == []
    assert err == [
        f"option --smaa-method: found 'PROMETHEE_II'; expected a method that fits the matrix: "
        f"{PROMETHEE}"
    ]


def test_promethee_kernel_refuses_a_matrix_too_large():
    X = np.random.default_rng(0).random((2_000, 10))
    with pytest.raises(RankingError) as exc:
        scores("PROMETHEE_II", X, np.full((3, 10), 0.1), np.ones(10))
    assert str(exc.value) == PROMETHEE


# --- mcdm sweep ---------------------------------------------------------------------------------

MONITORING = "data/scenarios/monitoring_only.toml"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--vary", "budget_eur_bn=0:1e9:0.001"],
            "option --vary, key budget_eur_bn: found '0:1e9:0.001 (1,000,000,000,001 values)'; "
            "expected a range of at most 100,000 values (a larger STEP)",
        ),
        (
            ["--vary", "budget_eur_bn=0:inf:1"],
            "option --vary, key budget_eur_bn: found 'budget_eur_bn=0:inf:1'; expected finite "
            "numbers in START:STOP:STEP",
        ),
        (
            ["--vary", "budget_eur_bn=nan:1:1"],
            "option --vary, key budget_eur_bn: found 'budget_eur_bn=nan:1:1'; expected finite "
            "numbers in START:STOP:STEP",
        ),
        (
            ["--vary", "budget_eur_bn=1:1_0:1"],
            "option --vary, key budget_eur_bn: found 'budget_eur_bn=1:1_0:1'; expected finite "
            "numbers in START:STOP:STEP" + UNDERSCORE,
        ),
        (
            ["--vary", "budget_eur_bn=1,inf"],
            "option --vary, key budget_eur_bn: found 'inf'; expected finite numbers (no inf or "
            "nan)",
        ),
        (
            ["--vary", "frontier.levels=4_0"],
            "option --vary, key frontier.levels: found '4_0'; expected finite numbers (no inf or "
            "nan)" + UNDERSCORE,
        ),
        (
            ["--vary", "budget_eur_bn=1:30:1", "--vary", "rotation_factor=1:20:1"],
            "mcdm sweep: found '600 variants (30 budget_eur_bn x 20 rotation_factor)'; expected "
            "at most 500 variants; add --yes to run more, up to 100,000",
        ),
        (
            ["--vary", "budget_eur_bn=1:2:1", "--samples", "501"],
            "mcdm sweep: found '1,002 variants (2 budget_eur_bn x 501 samples)'; expected at "
            "most 500 variants; add --yes to run more, up to 100,000",
        ),
        (
            ["--vary", "budget_eur_bn=1:1000:1", "--vary", "line_length_km=1:1000:1", "--yes"],
            "mcdm sweep: found '1,000,000 variants (1,000 budget_eur_bn x 1,000 "
            "line_length_km)'; expected at most 100,000 variants",
        ),
        (
            ["--set", "frontier.levels=1:3:1"],
            "option --set, key frontier.levels: found 'frontier.levels=1:3:1'; expected one value",
        ),
        (
            ["--vary", "member_overrides.GBR=1,2"],
            "option --vary, key member_overrides.GBR: found 'member_overrides.GBR'; expected a "
            "single setting such as member_overrides.GBR.name",
        ),
        (
            ["--vary", "archetype_overrides.observer.required=1,2"],
            "option --vary, key archetype_overrides.observer.required: found "
            "'archetype_overrides.observer.required'; expected a single setting such as "
            "archetype_overrides.observer.required.ground_combat",
        ),
        (
            ["--vary", "frontier.levels.x=1,2"],
            "option --vary, key frontier.levels.x: found 'x'; expected nothing after "
            "frontier.levels (it is a single setting)",
        ),
        (
            ["--vary", "rules.value=1,2"],
            "option --vary, key rules.value: found 'rules.value'; expected a key other than rules "
            "(a list of tables): write a scenario file per set of rules and run them with mcdm run",
        ),
        (
            ["--vary", "frontier..levels=1,2"],
            "option --vary: found 'frontier..levels'; expected a key such as budget_eur_bn or "
            "frontier.levels",
        ),
    ],
    ids=[
        "range of a trillion",
        "range to inf",
        "range from nan",
        "range 1_0",
        "list inf",
        "list 4_0",
        "600 variants",
        "1,002 variants with samples",
        "a million with --yes",
        "--set range",
        "override table",
        "archetype requirement table",
        "below a setting",
        "rules",
        "empty key part",
    ],
)
def test_sweep_refused_before_any_work(work, capsys, options, expected):
    code, out, err = cli(capsys, "sweep", MONITORING, *options, "--out", "s", "--quiet")
    assert code == 1
    assert out == []
    assert err == [expected]
    assert not (work / "s").exists()  # nothing was started


def test_sweep_whose_every_variant_is_invalid_stops_at_once(work, capsys):
    code, out, err = cli(
        capsys, "sweep", MONITORING, "--set", "budget_eur_bn=-5", "--out", "s", "--quiet"
    )
    vid = _variant_id(0, {"budget_eur_bn": -5})
    assert code == 1
    assert out == []
    assert err == [
        f"monitoring_only.toml [{vid}], key budget_eur_bn: found -5.0; expected an annual "
        "budget > 0 (EUR bn) and <= 1,000"
    ]
    assert not (work / "s").exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--samples", "-1"],
            "argument --samples: expected a whole number between 0 and 100,000, got '-1'",
        ),
        (
            ["--samples", "100001"],
            "argument --samples: expected a whole number between 0 and 100,000, got '100001'",
        ),
        (
            ["--seed", "4294967296"],
            "argument --seed: expected a whole number between 0 and 4,294,967,295, got "
            "'4294967296'",
        ),
        (["--jobs", "0"], "argument --jobs: expected a whole number between 1 and 1,024, got '0'"),
        (
            ["--jobs", "100000"],
            "argument --jobs: expected a whole number between 1 and 1,024, got '100000'",
        ),
        (
            ["--jobs", "1_0"],
            "argument --jobs: expected a whole number between 1 and 1,024, got '1_0'",
        ),
    ],
)
def test_sweep_usage_errors(work, capsys, options, expected):
    code, out, err = cli(capsys, "sweep", MONITORING, *options, "--out", "s")
    assert code == 2
    assert out == []
    assert err[-1] == "mcdm sweep: error: " + expected


# --- solver options and --jobs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--time-limit", "inf"],
            "argument --time-limit: expected a time limit > 0 and <= 86,400 (seconds), got 'inf'",
        ),
        (
            ["--time-limit", "1e9"],
            "argument --time-limit: expected a time limit > 0 and <= 86,400 (seconds), got '1e9'",
        ),
        (["--gap", "nan"], "argument --gap: expected a gap between 0 and 1, got 'nan'"),
        (["--gap", "-0.0"], "argument --gap: expected a gap between 0 and 1, got '-0.0'"),
    ],
)
@pytest.mark.parametrize("command", ["optimise", "run"])
def test_solver_usage_errors(work, capsys, command, options, expected):
    code, out, err = cli(capsys, command, MONITORING, "--out", "o", *options)
    assert code == 2
    assert out == []
    assert err[-1] == f"mcdm {command}: error: {expected}"


@pytest.mark.parametrize("command", ["optimise", "run", "sweep"])
def test_jobs_above_the_cpus_are_lowered_with_a_note(work, capsys, monkeypatch, command):
    monkeypatch.setattr("mcdm.cli.available_cpus", lambda: 2)
    started: list[int] = []
    name = {"optimise": "_cmd_optimise", "run": "_cmd_run", "sweep": "_cmd_sweep"}[command]
    monkeypatch.setattr(f"mcdm.cli.commands.{name}", lambda args: started.append(args.jobs) or 0)
    code, out, err = cli(capsys, command, MONITORING, "--out", "o", "--jobs", "64")
    assert (code, out, started) == (0, [], [2])
    assert err == [
        "note: --jobs 64 is more than the 2 CPUs available; using 2 (add --oversubscribe to "
        "start them all)"
    ]
    code, out, err = cli(
        capsys, command, MONITORING, "--out", "o", "--jobs", "64", "--oversubscribe"
    )
    assert (code, out, err, started) == (0, [], [], [2, 64])


# --- as users run it: a separate process -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "files", "expected"),
    [
        (
            ["validate", "deep.toml"],
            {"deep.toml": 'name = "t"\nbudget_eur_bn = 5\nx = ' + "{a=" * 3000 + "1" + "}" * 3000},
            "deep.toml: found 'deeper nesting'; expected tables and arrays nested at most 16 "
            "levels deep",
        ),
        (
            ["rank", "m.csv"],
            {"m.csv": MATRIX.replace(",", ";")},
            f"m.csv, row 1: found 'id;cost;quality'; expected {SEMICOLON}",
        ),
        (
            [
                "sweep",
                str(DATA / "scenarios" / "monitoring_only.toml"),
                "--vary",
                "budget_eur_bn=0:1e12:1e-6",
                "--out",
                "s",
            ],
            {},
            "option --vary, key budget_eur_bn: found '0:1e12:1e-6 (1,000,000,000,000,000,001 "
            "values)'; expected a range of at most 100,000 values (a larger STEP)",
        ),
    ],
    ids=["deep inline tables", "semicolon matrix", "sweep of 1e18 values"],
)
def test_as_a_separate_process(tmp_path, args, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "mcdm", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert expected in (res.stdout + res.stderr).splitlines()
