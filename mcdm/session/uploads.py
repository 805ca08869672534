"""Files a user uploads: a scenario or data files that replace the bundled ones (Export page),
snapshots saved before (Compare page). Checked here, kept in the user's session, never written
to disk."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..frozen import FrozenMap
from ..instance import check_references
from ..io.data import DATA_FILES, dataset_from_texts
from ..io.scenario import scenario_from_mapping
from ..model import Dataset, Scenario
from .changes import MAX_SNAPSHOTS, SNAPSHOTS_FORMAT, SNAPSHOTS_VERSION, Snapshot, Summary

__all__ = [
    "MAX_UPLOAD_BYTES",
    "read_uploaded_data",
    "read_uploaded_scenario",
    "read_uploaded_snapshots",
]

MAX_UPLOAD_BYTES = 5_000_000


def _too_large(name: str, raw: bytes) -> Problem | None:
    if len(raw) <= MAX_UPLOAD_BYTES:
        return None
    return Problem(name, f"a file of at most {MAX_UPLOAD_BYTES:,} bytes", value=len(raw))


def read_uploaded_scenario(name: str, raw: bytes, data: Dataset) -> tuple[Scenario, str]:
    """An uploaded scenario file, checked against the data in use: the scenario and its text.

    Raises
    ------
    InputError
        The file is too large, not UTF-8 TOML, or not a valid scenario for these data.
    """
    big = _too_large(name, raw)
    if big is not None:
        raise InputError([big])
    try:
        text = raw.decode("utf-8")
        doc = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([Problem(name, "a UTF-8 TOML scenario file", value=str(exc))]) from None
    scenario = scenario_from_mapping(doc, name)
    problems = check_references(scenario, data, name)
    if problems:
        raise InputError(problems)
    return scenario, text


def read_uploaded_data(
    files: Sequence[tuple[str, bytes]], base: str | Path
) -> tuple[tuple[str, ...], Dataset]:
    """Uploaded data files, each checked, then validated together with the bundled files in
    ``base`` for the rest: the names of the files used and the dataset.

    Raises
    ------
    InputError
        Every file with an unexpected name, too large or not UTF-8; else every problem the
        validation finds (as ``mcdm validate`` reports them).
    """
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for name, raw in files:
        big = _too_large(name, raw)
        if name not in DATA_FILES:
            problems.append(Problem(name, "one of " + ", ".join(DATA_FILES), value=name))
        elif big is not None:
            problems.append(big)
        else:
            try:
                texts[name] = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                problems.append(
                    Problem(
                        name,
                        "UTF-8 text (save the file as CSV UTF-8)",
                        value=f"byte {raw[exc.start : exc.start + 1]!r} at offset {exc.start}",
                    )
                )
    if problems:
        raise InputError(problems)
    return tuple(texts), dataset_from_texts(texts, base)


_SNAPSHOTS_FILE = "a snapshots file saved on the Compare page"


def read_uploaded_snapshots(name: str, raw: bytes) -> dict[str, Snapshot]:
    """Snapshots from a file that the Compare page saved (:func:`snapshots_to_json`).

    Each snapshot's scenario is validated as a scenario file is; its figures are taken as
    saved (they are the results the app showed when it was saved).

    Raises
    ------
    InputError
        The file is too large, not UTF-8 JSON, not a snapshots file, or holds a snapshot that
        cannot be read (each named, with the key at fault).
    """
    big = _too_large(name, raw)
    if big is not None:
        raise InputError([big])
    source = f"uploaded {name}"
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            [Problem(source=source, expected=_SNAPSHOTS_FILE, value=str(exc))]
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != SNAPSHOTS_FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
        raise InputError(
            [
                Problem(
                    source=source,
                    expected=f"format '{SNAPSHOTS_FORMAT}'",
                    column="format",
                    value=found,
                )
            ]
        )
    if doc.get("version") != SNAPSHOTS_VERSION:
        raise InputError(
            [
                Problem(
                    source=source,
                    expected=f"version {SNAPSHOTS_VERSION}",
                    column="version",
                    value=doc.get("version"),
                )
            ]
        )
    items = doc.get("snapshots")
    if not isinstance(items, list) or len(items) > MAX_SNAPSHOTS:
        raise InputError(
            [
                Problem(
                    source=source,
                    expected=f"a list of at most {MAX_SNAPSHOTS} snapshots",
                    column="snapshots",
                    value=len(items) if isinstance(items, list) else items,
                )
            ]
        )
    out: dict[str, Snapshot] = {}
    problems: list[Problem] = []
    for i, item in enumerate(items):
        try:
            snap_name, snap = _snapshot(item, f"{source}, snapshot {i + 1}")
        except InputError as exc:
            problems += exc.problems
        else:
            out[snap_name] = snap
    if problems:
        raise InputError(problems)
    return out


def _no_constant(word: str) -> float:
    raise ValueError(f"{word} is not a number a snapshot can hold")


def _snapshot(item: Any, source: str) -> tuple[str, Snapshot]:
    """One snapshot of a snapshots file (``source`` names it in messages)."""

    def bad(key: str, expected: str, value: object) -> InputError:
        return InputError([Problem(source=source, expected=expected, column=key, value=value)])

    if not isinstance(item, dict):
        raise bad("snapshot", "a table of name, scenario_toml, summary, criteria", item)
    name = item.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise bad("name", "a name of 1 to 200 characters", name)
    text = item.get("scenario_toml")
    if not isinstance(text, str):
        raise bad("scenario_toml", "a scenario as TOML text", text)
    try:
        scenario = scenario_from_mapping(tomllib.loads(text), f"{source} ({name})")
    except tomllib.TOMLDecodeError as exc:
        raise bad("scenario_toml", "a scenario as TOML text", str(exc)) from None
    criteria = item.get("criteria")
    if not isinstance(criteria, dict) or not all(
        isinstance(v, dict) and all(_finite(x) for x in v.values()) for v in criteria.values()
    ):
        raise bad("criteria", "package id -> criterion -> a finite number", "another shape")
    labels = item.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise bad("labels", "package id -> its name", labels)
    summary = _summary(item.get("summary"), bad)
    digest = item.get("data_digest", "")
    return name, Snapshot(
        scenario=scenario,
        summary=summary,
        criteria={str(k): {str(c): float(x) for c, x in v.items()} for k, v in criteria.items()},
        labels={str(k): v for k, v in labels.items()},
        data_digest=digest if isinstance(digest, str) else "",
    )


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _summary(doc: Any, bad: Any) -> Summary:
    """A snapshot's summary, each field checked for its type."""
    if not isinstance(doc, dict):
        raise bad("summary", "a table of the snapshot's results", doc)
    numbers = ("top_cost_eur_bn", "top_share_first")
    texts = ("top", "top_archetype")
    for key in numbers:
        if doc.get(key) is not None and not _finite(doc[key]):
            raise bad(f"summary.{key}", "a finite number or nothing", doc[key])
    for key in texts:
        if doc.get(key) is not None and not isinstance(doc[key], str):
            raise bad(f"summary.{key}", "a text or nothing", doc[key])
    for key in ("top_troops", "packages"):
        value = doc.get(key)
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool)):
            raise bad(f"summary.{key}", "a whole number", value)
    for key in ("consensus", "top_criteria", "ranges"):
        value = doc.get(key, {})
        if not isinstance(value, dict) or not all(_finite(x) for x in value.values()):
            raise bad(f"summary.{key}", "a table of finite numbers", "another shape")
    infeasible = doc.get("infeasible", [])
    if not isinstance(infeasible, list) or not all(isinstance(x, str) for x in infeasible):
        raise bad("summary.infeasible", "a list of kinds of package", infeasible)

    def table(key: str) -> Mapping[str, float]:
        return FrozenMap((str(k), float(v)) for k, v in doc.get(key, {}).items())

    return Summary(
        top=doc.get("top"),
        top_archetype=doc.get("top_archetype"),
        top_cost_eur_bn=doc.get("top_cost_eur_bn"),
        top_troops=doc.get("top_troops"),
        top_share_first=doc.get("top_share_first"),
        packages=int(doc.get("packages") or 0),
        infeasible=tuple(infeasible),
        consensus=table("consensus"),
        top_label=str(doc.get("top_label") or ""),
        top_kind=str(doc.get("top_kind") or ""),
        top_criteria=table("top_criteria"),
        ranges=table("ranges"),
    )
