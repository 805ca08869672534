"""The data folder: members, elements and availability (CSV), archetypes and parameters (TOML).

:func:`load_dataset` reads a folder and :func:`dataset_from_texts` uploaded texts; both check
every file lazily and raise one :class:`~mcdm.errors.InputError` listing every problem, each
with its file, row (header = row 1), column or key, the value found and what was expected.
:func:`dataset_digest` is the one digest of a dataset's files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..limits import ID_PATTERN, ID_RULE
from ..model import (
    Archetype,
    Category,
    Dataset,
    Element,
    Location,
    Member,
    Position,
    Restriction,
    RestrictionKind,
    Zone,
)
from ._parse import (
    check_unique,
    decode,
    display,
    parse_csv_text,
    parse_toml_text,
    read_bytes,
)
from ._values import Column
from .parameters import check_cost_shares, check_pledge_members, parameters_from_doc
from .schema import (
    AVAILABILITY_COLUMNS,
    ELEMENT_COLUMNS,
    MEMBER_COLUMNS,
    RESTRICTION_COLUMNS,
    archetype_from_table,
    check_element_ids,
    known_ids,
)

__all__ = [
    "DATA_FILES",
    "dataset_digest",
    "dataset_from_texts",
    "default_data_dir",
    "folder_digest",
    "load_dataset",
]

DATA_FILES = (
    "members.csv",
    "elements.csv",
    "availability.csv",
    "archetypes.toml",
    "parameters.toml",
    "restrictions.csv",
)


def default_data_dir() -> Path:
    """The bundled default data folder (``data/`` next to the package)."""
    return Path(__file__).resolve().parent.parent.parent / "data"


# --- the one digest ----------------------------------------------------------------------------


def dataset_digest(files: Mapping[str, bytes]) -> str:
    """The digest of a dataset's files (SHA-256, hex): each of :data:`DATA_FILES` present in
    ``files``, in that order, as its name, NUL, its bytes, NUL. A run records it, and a cache
    of datasets can be keyed by it."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        if name in files:
            digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


def folder_digest(root: str | Path) -> str:
    """The digest of a data folder's files as they are now: for a valid folder, the same as
    ``load_dataset(root).digest`` (missing files are left out)."""
    base = Path(root)
    return dataset_digest(
        {name: (base / name).read_bytes() for name in DATA_FILES if (base / name).is_file()}
    )


# --- loading -----------------------------------------------------------------------------------


def load_dataset(root: str | Path | None = None) -> Dataset:
    """Read and validate a data folder; raise :class:`InputError` listing every problem.

    Parameters
    ----------
    root
        Folder holding ``members.csv``, ``elements.csv``, ``availability.csv``,
        ``archetypes.toml``, ``parameters.toml`` and ``restrictions.csv``. Defaults to the
        bundled ``data/``.
    """
    root = Path(root) if root is not None else default_data_dir()
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    raws: dict[str, bytes] = {}
    if not root.is_dir():
        raise InputError([Problem(display(root), "a data folder", value=str(root))])
    for name in DATA_FILES:
        raw = read_bytes(root / name, problems)
        if raw is None:
            continue
        raws[name] = raw
        text = decode(raw, display(root / name), problems)
        if text is not None:
            texts[name] = text
    return _dataset(texts, root, problems, dataset_digest(raws))


def dataset_from_texts(texts: Mapping[str, str], root: str | Path = "upload") -> Dataset:
    """Validate a dataset given as file texts (uploads); the files not given come from ``root``.

    A problem in a given text names it as the source ``uploaded <name>``; one in a file of
    ``root`` names the file.
    """
    problems: list[Problem] = []
    base = Path(root)
    full = dict(texts)
    raws = {name: text.encode() for name, text in texts.items()}
    for name in DATA_FILES:
        if name in full:
            continue
        if (base / name).is_file():
            raw = read_bytes(base / name, problems)
            text = decode(raw, display(base / name), problems) if raw is not None else None
            if raw is not None and text is not None:
                raws[name], full[name] = raw, text
        else:
            problems.append(Problem(display(base / name), "the file to exist", found=False))
    try:
        return _dataset(full, base, problems, dataset_digest(raws))
    except InputError as exc:
        uploads = {display(base / name): f"uploaded {name}" for name in texts}
        raise InputError(
            dataclasses.replace(p, file="", source=uploads[p.file]) if p.file in uploads else p
            for p in exc.problems
        ) from None


def _dataset(texts: Mapping[str, str], root: Path, problems: list[Problem], digest: str) -> Dataset:
    """Check the texts of a data folder together; raise every problem, sorted by file."""

    def shown(name: str) -> str:
        return display(root / name)

    members, elements, availability, restrictions = _tables(texts, shown, problems)
    archetypes: dict[str, Archetype] = {}
    if "archetypes.toml" in texts:
        doc = parse_toml_text(texts["archetypes.toml"], shown("archetypes.toml"), problems)
        if doc is not None:
            archetypes = _archetypes(doc, shown("archetypes.toml"), problems)
            _check_excluded(archetypes, elements, shown("archetypes.toml"), problems)
    parameters = None
    if "parameters.toml" in texts:
        doc = parse_toml_text(texts["parameters.toml"], shown("parameters.toml"), problems)
        if doc is not None:
            parameters = parameters_from_doc(doc, shown("parameters.toml"), problems)
        if parameters is not None and not any(p.file == shown("members.csv") for p in problems):
            check_pledge_members(parameters, members, shown("parameters.toml"), problems)
    if parameters is not None:
        check_cost_shares(parameters, elements, shown("parameters.toml"), problems)
    if problems:
        order = {name: i for i, name in enumerate(dict.fromkeys(p.file for p in problems))}
        raise InputError(sorted(problems, key=lambda p: (order[p.file], p.row or 0)))
    assert parameters is not None  # every missing file was reported above
    return Dataset(
        members=members,
        elements=elements,
        availability=availability,
        archetypes=archetypes,
        parameters=parameters,
        root=str(root),
        digest=digest,
        restrictions=restrictions,
    )


# --- the CSV tables ----------------------------------------------------------------------------

Rows = list[tuple[int, dict[str, object]]]


def _tables(
    texts: Mapping[str, str], shown: Callable[[str], str], problems: list[Problem]
) -> tuple[
    dict[str, Member], dict[str, Element], dict[tuple[str, str], int], dict[str, Restriction]
]:
    """Members, elements, availability and restrictions, each row checked and the files
    together."""
    ids: dict[str, set[str]] = {}

    def rows(name: str, columns: tuple[Column, ...], seen: dict | None = None) -> Rows:
        if name not in texts:
            return []
        return parse_csv_text(texts[name], shown(name), columns, problems, seen)

    mrows = rows("members.csv", MEMBER_COLUMNS, ids)
    erows = rows("elements.csv", ELEMENT_COLUMNS, ids)
    arows = rows("availability.csv", AVAILABILITY_COLUMNS)
    check_unique(mrows, lambda r: r["member_id"], shown("members.csv"), "member_id", problems)
    check_unique(erows, lambda r: r["element_id"], shown("elements.csv"), "element_id", problems)
    check_unique(
        arows,
        lambda r: (r["member_id"], r["element_id"]),
        shown("availability.csv"),
        "member_id and element_id pair",
        problems,
    )
    _check_cost_ranges(erows, shown("elements.csv"), problems)
    _check_zones(erows, shown("elements.csv"), problems)
    members = _members(mrows)
    elements = _elements(erows)
    availability = _availability(arows, members, elements, ids, shown("availability.csv"), problems)
    restrictions = _restrictions(texts, members, ids.get("member_id", set()), shown, problems)
    for name, found, what in (("members.csv", mrows, "member"), ("elements.csv", erows, "element")):
        if name in texts and not found and not any(p.file == shown(name) for p in problems):
            problems.append(Problem(shown(name), f"at least one {what} row", row=2, found=False))
    return members, elements, availability, restrictions


def _check_cost_ranges(erows: Rows, shown: str, problems: list[Problem]) -> None:
    for rownum, r in erows:
        low, high, cost = r["cost_low_eur_m"], r["cost_high_eur_m"], r["cost_eur_m"]
        if low is not None and low > cost:  # type: ignore[operator]
            problems.append(
                Problem(
                    shown,
                    f"a value <= cost_eur_m ({cost})",
                    row=rownum,
                    column="cost_low_eur_m",
                    value=low,
                )
            )
        if high is not None and high < cost:  # type: ignore[operator]
            problems.append(
                Problem(
                    shown,
                    f"a value >= cost_eur_m ({cost})",
                    row=rownum,
                    column="cost_high_eur_m",
                    value=high,
                )
            )


def _check_zones(erows: Rows, shown: str, problems: list[Problem]) -> None:
    """An element's zone lies in its location (the rear is in Ukraine, the Black Sea is not)."""
    for rownum, r in erows:
        zone, location = Zone(str(r["zone"])), Location(str(r["location"]))
        if zone.location is not location:
            fits = [z.value for z in Zone if z.location is location]
            problems.append(
                Problem(
                    shown,
                    f"a zone of the location {location.value} ({' or '.join(fits)})",
                    row=rownum,
                    column="zone",
                    value=zone.value,
                )
            )


def _members(rows: Rows) -> dict[str, Member]:
    out = {}
    for _, r in rows:
        r = {k: v for k, v in r.items() if k in {f.name for f in dataclasses.fields(Member)}}
        r["position"] = Position(str(r["position"]))
        for name in ("eu", "nuclear", "black_sea"):
            r[name] = bool(r[name]) if r[name] is not None else False
        for name in ("role_stated", "notes"):
            r[name] = r[name] or ""
        out[str(r["member_id"])] = Member(**r)  # type: ignore[arg-type]
    return out


def _elements(rows: Rows) -> dict[str, Element]:
    out = {}
    for _, r in rows:
        r = dict(r)
        r["category"] = Category(str(r["category"]))
        r["location"] = Location(str(r["location"]))
        r["zone"] = Zone(str(r["zone"]))
        cost = float(r["cost_eur_m"])  # type: ignore[arg-type]
        r["cost_low_eur_m"] = cost if r["cost_low_eur_m"] is None else r["cost_low_eur_m"]
        r["cost_high_eur_m"] = cost if r["cost_high_eur_m"] is None else r["cost_high_eur_m"]
        r["notes"] = r["notes"] or ""
        for name in ("combat_power", "patrol_hours", "one_off_cost_eur_m"):
            r[name] = float(r.get(name) or 0.0)  # type: ignore[arg-type]
        r["armed_troops"] = int(r.get("armed_troops") or 0)  # type: ignore[call-overload]
        r["warning_depth_km"] = float(r.get("warning_depth_km") or 0.0)  # type: ignore[arg-type]
        out[str(r["element_id"])] = Element(**r)  # type: ignore[arg-type]
    return out


def _availability(
    arows: Rows,
    members: Mapping[str, Member],
    elements: Mapping[str, Element],
    ids: Mapping[str, set[str]],
    shown: str,
    problems: list[Problem],
) -> dict[tuple[str, str], int]:
    """Units per (member, element); a pair naming an unknown id is reported (unless the ids
    themselves could not be read: that problem is reported once, in its own file)."""
    known_members = ids.get("member_id", set())
    known_elements = ids.get("element_id", set())
    out: dict[tuple[str, str], int] = {}
    for rownum, r in arows:
        mid, eid = str(r["member_id"]), str(r["element_id"])
        if known_members and mid not in known_members:
            problems.append(
                Problem(
                    shown,
                    known_ids("member_id", members, "members.csv"),
                    row=rownum,
                    column="member_id",
                    value=mid,
                )
            )
        if known_elements and eid not in known_elements:
            problems.append(
                Problem(
                    shown,
                    known_ids("element_id", elements, "elements.csv"),
                    row=rownum,
                    column="element_id",
                    value=eid,
                )
            )
        out[(mid, eid)] = int(r["max_units"])  # type: ignore[call-overload]
    return out


# --- restrictions.csv --------------------------------------------------------------------------


def _restrictions(
    texts: Mapping[str, str],
    members: Mapping[str, Member],
    known_members: set[str],
    shown: Callable[[str], str],
    problems: list[Problem],
) -> dict[str, Restriction]:
    """The members' stated restrictions: each names a known member and at least one zone or
    category, every listed zone and category known. A member id read in members.csv (its row
    bad or not) counts as known: a bad row there is reported once, in its own file."""
    name = "restrictions.csv"
    if name not in texts:
        return {}
    where = shown(name)
    rows = parse_csv_text(texts[name], where, RESTRICTION_COLUMNS, problems)
    check_unique(rows, lambda r: r["restriction_id"], where, "restriction_id", problems)
    out: dict[str, Restriction] = {}
    for rownum, r in rows:
        before = len(problems)
        mid = str(r["member_id"])
        if known_members and mid not in known_members:
            problems.append(
                Problem(
                    where,
                    known_ids("member_id", members, "members.csv"),
                    row=rownum,
                    column="member_id",
                    value=mid,
                )
            )
        zones = _listed(r["zones"], Zone, "zones", where, rownum, problems)
        cats = _listed(r["categories"], Category, "categories", where, rownum, problems)
        if not r["zones"] and not r["categories"]:
            problems.append(
                Problem(
                    where,
                    "at least one zone or category (a member that sends nothing at all has a "
                    "troop pool and money cap of 0 in members.csv)",
                    row=rownum,
                    column="zones",
                    found=False,
                )
            )
        if len(problems) > before:
            continue
        out[str(r["restriction_id"])] = Restriction(
            restriction_id=str(r["restriction_id"]),
            member_id=mid,
            zones=tuple(Zone(z) for z in zones),
            categories=tuple(Category(c) for c in cats),
            kind=RestrictionKind(str(r["kind"])),
            condition=str(r["condition"] or ""),
            source=str(r["source"]),
            confidence=str(r["confidence"]),
            notes=str(r["notes"] or ""),
        )
    return out


def _listed(
    cell: object, enum: type[Zone] | type[Category], column: str, where: str, row: int, problems
) -> list[str]:
    """The values of a ";"-separated cell, each one checked against ``enum``."""
    values = [v.strip() for v in str(cell or "").split(";") if v.strip()]
    known = [m.value for m in enum]
    for v in values:
        if v not in known:
            problems.append(
                Problem(
                    where,
                    f"{column} separated by ';', each one of " + ", ".join(known),
                    row=row,
                    column=column,
                    value=v,
                )
            )
    return values


def _check_excluded(
    archetypes: Mapping[str, Archetype],
    elements: Mapping[str, Element],
    shown: str,
    problems: list[Problem],
) -> None:
    """An archetype's excluded elements are elements of elements.csv."""
    if not elements:
        return  # elements.csv could not be read: reported there
    for aid, a in archetypes.items():
        named = enumerate(a.excluded_elements, start=1)
        keyed = ((f"{aid}.excluded_elements[{i}]", eid) for i, eid in named)
        check_element_ids(keyed, elements, shown, problems)


# --- archetypes.toml ---------------------------------------------------------------------------


def _archetypes(
    doc: Mapping[str, Any], shown: str, problems: list[Problem]
) -> dict[str, Archetype]:
    out: dict[str, Archetype] = {}
    if not doc:
        problems.append(Problem(shown, "at least one [archetype] table", found=False))
    for aid, table in doc.items():
        if not ID_PATTERN.fullmatch(aid):
            problems.append(
                Problem(shown, f"a table name that is {ID_RULE}", column=aid, value=aid)
            )
            continue
        if not isinstance(table, dict):
            problems.append(
                Problem(shown, "a table such as [reassurance]", column=aid, value=table)
            )
            continue
        if "archetype_id" in table:
            problems.append(
                Problem(
                    shown,
                    "no archetype_id key (the table name is the id)",
                    column=f"{aid}.archetype_id",
                    value=table["archetype_id"],
                )
            )
            continue
        a = archetype_from_table({**table, "archetype_id": aid}, shown, aid, problems)
        if a is not None:
            out[aid] = a
    return out
