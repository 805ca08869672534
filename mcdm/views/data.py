"""The Data and Members pages' tables: the data in use in words, the sources behind the
figures (data/SOURCES.md) and the members with their caps to edit."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

import pandas as pd

from ..model import Dataset, Member
from ..session import CAPS_COLUMNS, TAKES_PART, MemberCaps, member_rows
from ..session.words import (
    ARCHETYPE_FIELDS,
    ELEMENT_FIELDS,
    MEMBER_FIELDS,
    RESTRICTION_FIELDS,
    humanise,
)

__all__ = [
    "MEMBER_EDITABLE",
    "SourceNote",
    "caps_basis",
    "dataset_tables",
    "members_frame",
    "source_notes",
    "sources_table",
    "split_keys",
]


def _frame(records: Iterable[object], words: Mapping[str, str]) -> pd.DataFrame:
    """Records (dataclasses) as a table with people's headers and values (enums as words)."""
    rows = []
    for r in records:
        row = {}
        for f in fields(r):  # type: ignore[arg-type]
            value = getattr(r, f.name)
            if hasattr(value, "value") and isinstance(value.value, str):
                value = humanise(value.value)
            elif isinstance(value, Mapping):
                value = "; ".join(f"{humanise(str(k))} {v:g}" for k, v in value.items()) or ""
            elif isinstance(value, tuple):
                value = ", ".join(humanise(getattr(v, "value", str(v))) for v in value)
            row[words.get(f.name, humanise(f.name).capitalize())] = value
        rows.append(row)
    return pd.DataFrame(rows)


def dataset_tables(data: Dataset) -> dict[str, pd.DataFrame]:
    """The data in use as the Data page shows them, by tab: members, elements, availability
    (member x element, by name), kinds of package, stated restrictions; headers and values in
    words."""
    avail = pd.DataFrame(
        [
            {
                "Member": data.members[m].name if m in data.members else m,
                "element": data.elements[e].name if e in data.elements else e,
                "units": n,
            }
            for (m, e), n in data.availability.items()
        ],
        columns=["Member", "element", "units"],
    )
    table = pd.DataFrame()
    if len(avail):
        table = avail.pivot_table(index="Member", columns="element", values="units", fill_value=0)
        table.columns.name = None
    return {
        "Members": _frame(data.members.values(), MEMBER_FIELDS),
        "Elements": _frame(data.elements.values(), ELEMENT_FIELDS),
        "Availability": table,
        "Kinds of package": _frame(data.archetypes.values(), ARCHETYPE_FIELDS),
        "Restrictions": _frame(data.restrictions.values(), RESTRICTION_FIELDS),
    }


@dataclass(frozen=True)
class SourceNote:
    """One key of data/SOURCES.md: what kind of source it is, what the data take from it, and
    where it is (for an assumption: its title)."""

    key: str
    kind: str
    what: str
    where: str


_SOURCE_ROW = re.compile(r"^\| `([A-Z0-9][A-Z0-9-]+)` \| ([a-z_]+) \|(.*)$", re.M)


_ASSUMPTION = re.compile(r"^### ((?:A|S)-[A-Z0-9-]+)(?::\s*(.*))?$", re.M)


def source_notes(markdown: str) -> dict[str, SourceNote]:
    """The keys of a SOURCES.md text: its table rows (key, kind, what we use, source, ...) and
    its assumption headings (``### A-KEY: title``)."""
    notes = {}
    for key, kind, rest in _SOURCE_ROW.findall(markdown):
        cells = [c.strip() for c in rest.split(" | ")]
        what = cells[0].strip("| ") if cells else ""
        where = cells[1].strip("| ") if len(cells) > 1 else ""
        notes[key] = SourceNote(key, kind.replace("_", " "), what, where)
    for key, title in _ASSUMPTION.findall(markdown):
        notes.setdefault(key, SourceNote(key, "assumption", title.strip(), "data/SOURCES.md"))
    return notes


def split_keys(cell: str) -> list[str]:
    """The source keys of a data cell ("SIPRI-2024;STMT-GBR")."""
    return [k.strip() for k in re.split(r"[;,\s]+", cell or "") if k.strip()]


def caps_basis(members_csv: str) -> dict[str, str]:
    """The ``caps_basis`` cell of each member of a members.csv text (the keys behind its
    caps); empty where the file has no such column."""
    reader = csv.DictReader(io.StringIO(members_csv))
    if not reader.fieldnames or "caps_basis" not in reader.fieldnames:
        return {}
    return {
        str(row.get("member_id") or ""): str(row.get("caps_basis") or "")
        for row in reader
        if row.get("member_id")
    }


def sources_table(keys: Iterable[str], notes: Mapping[str, SourceNote]) -> pd.DataFrame:
    """The sources behind some keys, one row a key, in the order first cited."""
    rows = []
    for key in dict.fromkeys(keys):
        note = notes.get(key)
        rows.append(
            {
                "Key": key,
                "Kind": note.kind if note else "not in SOURCES.md",
                "What the data take from it": note.what if note else "",
                "Where": note.where if note else "",
            }
        )
    return pd.DataFrame(rows, columns=["Key", "Kind", "What the data take from it", "Where"])


def members_frame(
    members: Mapping[str, Member],
    chosen: Iterable[str],
    caps: Mapping[str, MemberCaps],
    basis: Mapping[str, str] | None = None,
    rotation_factor: float | None = None,
) -> pd.DataFrame:
    """The Members page's table: one row a member (indexed by id), whether it takes part, its
    caps and willingness to edit, and beside them the troops it can keep deployed (with
    ``rotation_factor``), its stated position, the confidence and the sources of its figures
    (``basis``: the keys behind each member's caps)."""
    rows = member_rows(members, chosen, caps)
    for row in rows:
        m = members[row["member_id"]]
        if rotation_factor is not None:
            now = dataclasses.replace(
                m,
                troop_pool=row["troop_pool"],
                max_troops_deployed=row["max_troops_deployed"],
            )
            row["Can keep deployed"] = now.deployed_cap(rotation_factor)
        row["Stated position"] = humanise(m.position.value)
        row["Stated role"] = m.role_stated
        row["Confidence"] = m.confidence
        row["Sources"] = ", ".join(split_keys(m.source))
        row["Caps from"] = ", ".join(split_keys((basis or {}).get(m.member_id, "")))
        row["Notes"] = m.notes
    return pd.DataFrame(rows).set_index("member_id")


#: The Members page's columns that a user edits, with the words it shows.
MEMBER_EDITABLE = {TAKES_PART[0]: TAKES_PART[1], **CAPS_COLUMNS}
