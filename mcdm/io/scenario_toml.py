"""Writing a scenario back: as plain data (for run.json and digests) and as TOML that
:func:`mcdm.io.scenario.read_scenario` reads back to an equal scenario."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any

from ..model import Scenario
from ._keys import RESERVED

__all__ = ["dump_scenario_toml", "scenario_to_dict"]


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, as a TOML file would hold it (no reserved keys)."""
    d = dataclasses.asdict(scenario)
    for key in RESERVED[Scenario]:
        d.pop(key, None)
    if not d["stakeholders"]:
        # left out when empty, so that a scenario without profiles is written (and digested)
        # exactly as before profiles existed
        del d["stakeholders"]
    if d["resilience"] == {"withdrawals": 0, "members": "any"}:
        del d["resilience"]  # likewise: a scenario without withdrawals digests as before
    return _plain(d)


def _plain(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if hasattr(obj, "value") and isinstance(getattr(obj, "value", None), str):
        return obj.value
    return obj


def dump_scenario_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML that :func:`read_scenario` reads back to an equal scenario."""
    d = scenario_to_dict(scenario)
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in d.items():
        if value is None:
            continue
        if isinstance(value, dict) or (
            isinstance(value, list) and value and isinstance(value[0], dict)
        ):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for key, value in tables:
        if isinstance(value, list):
            for item in value:
                lines += ["", f"[[{key}]]"]
                lines += [f"{k} = {_toml_value(v)}" for k, v in item.items()]
            continue
        nested = {k: v for k, v in value.items() if isinstance(v, dict)}
        flat = {k: v for k, v in value.items() if not isinstance(v, dict) and v is not None}
        if flat or not nested:
            lines += ["", f"[{key}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in flat.items()]
        for sub, table in nested.items():
            lines += ["", f"[{key}.{_toml_key(sub)}]"]
            lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML wants DEL escaped
    too and takes other characters (astral ones included) as they are."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"cannot write {value!r} as TOML")
