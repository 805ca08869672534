"""Files a user uploads on the Export page: a scenario, or data files that replace the
bundled ones. Checked here, kept as text in the user's session, never written to disk."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError, Problem
from ..instance import check_references
from ..io.data import DATA_FILES, dataset_from_texts
from ..io.scenario import scenario_from_mapping
from ..model import Dataset, Scenario

__all__ = ["MAX_UPLOAD_BYTES", "read_uploaded_data", "read_uploaded_scenario"]

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
