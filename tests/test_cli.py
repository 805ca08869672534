"""The ``mcdm`` command as users run it: exit codes and messages, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import DATA, ROOT, replace_in


def mcdm(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mcdm", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_validate_bundled_data_exits_zero():
    res = mcdm("validate", "data")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("OK: data: ")
    assert len(res.stdout.strip().splitlines()) == 1


def test_validate_scenario_file():
    res = mcdm("validate", str(DATA / "scenarios" / "paris_2026.toml"))
    assert res.returncode == 0, res.stderr
    assert "scenario 'paris_2026'" in res.stdout


def test_validate_broken_copy_lists_every_problem(data_copy):
    replace_in(data_copy / "members.csv", ",24000,10000,", ",-5,10000,")
    replace_in(data_copy / "scenarios" / "default.toml", "rotation_factor = 4", "rotaton = 4")
    res = mcdm("validate", str(data_copy))
    assert res.returncode == 1
    lines = res.stdout.strip().splitlines()
    assert any("members.csv, row 2, column troop_pool: found '-5'" in line for line in lines)
    assert "Traceback" not in res.stdout + res.stderr
    assert "1 problem found" in res.stderr


def test_validate_broken_scenario_reports_key(data_copy):
    replace_in(data_copy / "scenarios" / "default.toml", "rotation_factor = 4", "rotaton = 4")
    res = mcdm("validate", str(data_copy))
    assert res.returncode == 1
    assert "default.toml, key rotaton: found 'rotaton'; expected a known key" in res.stdout


def test_validate_missing_path():
    res = mcdm("validate", "no/such/place")
    assert res.returncode == 1
    assert "expected a data folder or a scenario .toml file" in res.stdout
    assert "Traceback" not in res.stderr


def test_console_script_is_installed():
    res = subprocess.run(["mcdm", "--version"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and res.stdout.startswith("mcdm ")
