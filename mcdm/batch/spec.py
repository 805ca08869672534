"""Sweep options: ``--vary``/``--set`` values (``KEY=start:stop:step`` or ``KEY=a,b,c``) and the
keys they name, checked against what a scenario holds before any variant is built."""

from __future__ import annotations

import math
import re
from typing import Any

from .. import limits as lim
from ..errors import InputError, Problem
from ..io._values import number_hint, number_of
from ..io.scenario import scenario_keys
from ..limits import fmt
from ..model import Dataset

__all__ = ["check_key", "parse_vary"]


def _value(text: str) -> Any:
    """A sweep value as TOML would read it: bool, int, float or string."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    num = number_of(text)
    if num is None:
        return text.strip()
    return int(num) if re.fullmatch(r"[+-]?\d+", text.strip()) else num


def parse_vary(spec: str, option: str = "--vary") -> tuple[str, list[Any]]:
    """``key=start:stop:step`` (inclusive numeric range) or ``key=a,b,c`` (a list).

    A range is counted before it is expanded: one of more than
    :data:`~mcdm.limits.MAX_SWEEP_VARIANTS` values is refused, as are numbers that are not
    finite (``inf``, ``nan``) or are written with ``_`` between digits.
    """
    if "=" not in spec:
        raise InputError(
            [
                Problem.option(
                    option,
                    "KEY=VALUES, e.g. budget_eur_bn=5:40:5 or rotation_factor=3,4,5",
                    value=spec,
                )
            ]
        )
    key, _, values = spec.partition("=")
    key = key.strip()
    if values.count(":") == 2 and "," not in values:
        parts = values.split(":")
        nums = [number_of(v) for v in parts]
        if any(v is None or not math.isfinite(v) for v in nums):
            hint = next((number_hint(v) for v in parts if number_hint(v)), "")
            raise InputError(
                [
                    Problem.option(
                        option, f"finite numbers in START:STOP:STEP{hint}", value=spec, column=key
                    )
                ]
            )
        start, stop, step = (float(v) for v in nums)  # type: ignore[arg-type]
        if step <= 0 or stop < start:
            raise InputError(
                [Problem.option(option, "START <= STOP and STEP > 0", value=spec, column=key)]
            )
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > lim.MAX_SWEEP_VARIANTS:
            raise InputError(
                [
                    Problem.option(
                        option,
                        f"a range of at most {fmt(lim.MAX_SWEEP_VARIANTS)} values (a larger STEP)",
                        value=f"{values} ({count:,} values)",
                        column=key,
                    )
                ]
            )
        as_int = all(float(v).is_integer() for v in (start, stop, step))
        grid = [start + i * step for i in range(count)]
        return key, [round(v) if as_int else round(v, 10) for v in grid]
    items = [v for v in values.split(",") if v.strip()]
    if not items:
        raise InputError([Problem.option(option, "at least one value", value=spec, column=key)])
    for item in items:
        num = number_of(item)
        if (num is not None and not math.isfinite(num)) or number_hint(item):
            raise InputError(
                [
                    Problem.option(
                        option,
                        "finite numbers (no inf or nan)" + number_hint(item),
                        value=item.strip(),
                        column=key,
                    )
                ]
            )
    return key, [_value(v) for v in items]


def check_key(key: str, data: Dataset, option: str = "--vary") -> None:
    """Reject a sweep key that names nothing in a scenario, listing the valid choices, or that
    stops short of a single setting (the keys come from :func:`scenario_keys`)."""
    parts = key.split(".")
    if not all(parts):
        raise InputError(
            [Problem.option(option, "a key such as budget_eur_bn or frontier.levels", value=key)]
        )
    if parts[0] == "rules":
        raise InputError(
            [
                Problem.option(
                    option,
                    "a key other than rules (a list of tables): write a scenario file per "
                    "set of rules and run them with mcdm run",
                    value=key,
                    column=key,
                )
            ]
        )
    for depth in range(len(parts)):
        valid = scenario_keys(parts[:depth], data) or ()
        if parts[depth] not in valid:
            where = ".".join(parts[:depth]) or "a scenario"
            expected = (
                f"a key of {where}: " + ", ".join(valid)
                if valid
                else f"nothing after {where} (it is a single setting)"
            )
            raise InputError([Problem.option(option, expected, value=parts[depth], column=key)])
    example = list(parts)
    while below := scenario_keys(example, data):  # a table: name a setting in it
        example.append(below[0])
    if len(example) > len(parts):
        raise InputError(
            [
                Problem.option(
                    option,
                    "a single setting such as " + ".".join(example),
                    value=key,
                    column=key,
                )
            ]
        )
