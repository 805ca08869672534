"""Read, validate and write files: the only module that parses what users hand us.

Validation is lazy: every problem of every file is collected and raised together in one
:class:`~mcdm.errors.InputError`, each with its file, row (header = row 1), column or key, the
value found and what was expected. Core code trusts what this module returns.
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io as _stdio
import json
import math
import os
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from .errors import InputError, Problem
from .model import (
    CRITERIA_BY_ID,
    METHOD_NAMES,
    Archetype,
    Category,
    Dataset,
    DecisionMatrix,
    Element,
    GroupRule,
    Instance,
    Location,
    Member,
    Parameters,
    Position,
    Scenario,
    USBackstop,
)

__all__ = [
    "DATA_FILES",
    "atomic_write_bytes",
    "atomic_write_text",
    "default_data_dir",
    "dump_scenario_toml",
    "instantiate",
    "load_dataset",
    "load_instance",
    "load_scenario",
    "read_matrix",
    "read_scenario",
    "scenario_from_mapping",
    "validate_path",
]

DATA_FILES = (
    "members.csv",
    "elements.csv",
    "availability.csv",
    "archetypes.toml",
    "parameters.toml",
)
MAX_FILE_BYTES = 20_000_000
_CONFIDENCE = ("H", "M", "L", "A")


def default_data_dir() -> Path:
    """The bundled default data folder (``data/`` next to the package)."""
    return Path(__file__).resolve().parent.parent / "data"


def _display(path: Path | str) -> str:
    """A path as users should read it: relative to the working directory where possible."""
    p = Path(path)
    try:
        rel = os.path.relpath(p)
    except ValueError:  # different drive on Windows
        return str(p)
    return str(p.resolve()) if rel.startswith("..") else rel


# --- CSV columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One CSV column: how a cell is parsed and what it must hold."""

    name: str
    kind: str  # "text", "id", "int", "float", "bool", "choice"
    required: bool = True
    minimum: float | None = 0.0
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def expected(self) -> str:
        bounds = ""
        if self.minimum is not None and self.maximum is not None:
            bounds = f" between {self.minimum:g} and {self.maximum:g}"
        elif self.minimum is not None:
            bounds = f" >= {self.minimum:g}"
        return {
            "text": "some text",
            "id": "an identifier (letters, digits, '_' or '-', no spaces)",
            "int": f"a whole number{bounds}",
            "float": f"a number{bounds}",
            "bool": "true or false",
            "choice": "one of " + ", ".join(self.choices),
        }[self.kind]

    def parse(self, raw: object) -> tuple[object, bool]:
        """Parse one cell. Returns (value, ok); an empty optional cell parses to None."""
        if isinstance(raw, str):
            text = raw.strip()
            if text == "":
                return None, not self.required
        elif raw is None:
            return None, not self.required
        else:
            text = str(raw)
        if self.kind == "text":
            return text, True
        if self.kind == "id":
            ok = all(ch.isalnum() or ch in "_-" for ch in text)
            return text, ok
        if self.kind == "choice":
            return text, text in self.choices
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw, True
            low = text.lower()
            if low in ("true", "yes", "1"):
                return True, True
            if low in ("false", "no", "0"):
                return False, True
            return text, False
        # numbers
        if isinstance(raw, bool):
            return raw, False
        try:
            num = float(text)
        except ValueError:
            return text, False
        if not math.isfinite(num):
            return text, False
        if self.kind == "int":
            if num != int(num):
                return text, False
            num = int(num)
        if self.minimum is not None and num < self.minimum:
            return raw, False
        if self.maximum is not None and num > self.maximum:
            return raw, False
        return num, True


MEMBER_COLUMNS = (
    Column("member_id", "id"),
    Column("name", "text"),
    Column("position", "choice", choices=tuple(p.value for p in Position)),
    Column("role_stated", "text", required=False),
    Column("gdp_usd_bn", "float"),
    Column("milex_usd_bn", "float"),
    Column("active_personnel", "int"),
    Column("troop_pool", "int"),
    Column("max_troops_deployed", "int", required=False),
    Column("max_contribution_eur_m", "float"),
    Column("ground_in_ukraine", "bool"),
    Column("outside_ukraine", "bool"),
    Column("nato", "bool"),
    Column("eu", "bool", required=False),
    Column("nuclear", "bool", required=False),
    Column("source", "text"),
    Column("confidence", "choice", choices=_CONFIDENCE),
    Column("notes", "text", required=False),
)
ELEMENT_COLUMNS = (
    Column("element_id", "id"),
    Column("name", "text"),
    Column("category", "choice", choices=tuple(c.value for c in Category)),
    Column("location", "choice", choices=tuple(loc.value for loc in Location)),
    Column("troops_per_unit", "int"),
    Column("cost_eur_m", "float"),
    Column("cost_low_eur_m", "float", required=False),
    Column("cost_high_eur_m", "float", required=False),
    Column("deterrence", "float"),
    Column("early_warning_km", "float"),
    Column("air_defence_k_km2", "float"),
    Column("escalation", "float"),
    Column("readiness_days", "int"),
    Column("source", "text"),
    Column("confidence", "choice", choices=_CONFIDENCE),
    Column("notes", "text", required=False),
)
AVAILABILITY_COLUMNS = (
    Column("member_id", "id"),
    Column("element_id", "id"),
    Column("max_units", "int"),
    Column("basis", "text", required=False),
    Column("source", "text"),
    Column("confidence", "choice", choices=_CONFIDENCE),
)
#: Element columns a scenario's ``[element_overrides.<element_id>]`` table may set.
OVERRIDABLE_ELEMENT_COLUMNS = {
    c.name: c for c in ELEMENT_COLUMNS if c.name not in ("element_id", "category", "location")
}
#: Member columns a scenario's ``[member_overrides.ISO3]`` table may set.
OVERRIDABLE_MEMBER_COLUMNS = {c.name: c for c in MEMBER_COLUMNS if c.name != "member_id"}


def _read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    shown = _display(path)
    if not path.exists():
        problems.append(Problem(shown, "the file to exist", found=False))
        return None
    if not path.is_file():
        problems.append(Problem(shown, "a file, not a folder", value=str(path)))
        return None
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(shown, f"at most {MAX_FILE_BYTES:,} bytes", value=f"{size:,} bytes")
        )
        return None
    return path.read_bytes()


def _decode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                shown,
                "UTF-8 text (save the file as CSV UTF-8)",
                value=f"byte {raw[exc.start : exc.start + 1]!r} at offset {exc.start}",
            )
        )
        return None
    if "\x00" in text:
        problems.append(
            Problem(
                shown,
                "text without NUL characters (is this a binary file?)",
                value="a NUL character",
            )
        )
        return None
    return text


def parse_csv_text(
    text: str,
    shown: str,
    columns: Sequence[Column],
    problems: list[Problem],
    seen_ids: dict[str, set[str]] | None = None,
) -> list[tuple[int, dict[str, object]]]:
    """Parse CSV text against ``columns``; returns (spreadsheet row number, parsed row) pairs.

    Rows with a problem are reported in ``problems`` and left out of the result. If
    ``seen_ids`` is given, it collects every well-formed ``*_id`` cell, bad rows included, so
    that cross-file checks do not repeat a problem already reported.
    """
    reader = csv.reader(_stdio.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(shown, "well-formed CSV", value=str(exc)))
        return []
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.append(Problem(shown, "a header row naming the columns", row=1, found=False))
        return []
    header = [h.strip() for h in rows[0]]
    known = [c.name for c in columns]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(
                Problem(shown, "each column named once", row=1, column=name, value=name)
            )
        seen.add(name)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            if close and close[0] not in header:
                problems.append(
                    Problem(
                        shown,
                        f"a known column name (did you mean {close[0]!r}?)",
                        row=1,
                        column=name,
                        value=name,
                    )
                )
    missing = [c.name for c in columns if c.required and c.name not in header]
    for name in missing:
        problems.append(Problem(shown, f"a column named {name!r}", row=1, column=name, found=False))
    if missing:
        return []
    index = {name: i for i, name in enumerate(header)}
    out: list[tuple[int, dict[str, object]]] = []
    for rownum, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    shown,
                    f"at most {len(header)} cells, as in the header",
                    row=rownum,
                    value=f"{len(cells)} cells",
                )
            )
            continue
        parsed: dict[str, object] = {}
        ok_row = True
        for col in columns:
            i = index.get(col.name)
            raw = cells[i] if i is not None and i < len(cells) else ""
            value, ok = col.parse(raw)
            if not ok:
                ok_row = False
                problems.append(
                    Problem(
                        shown,
                        col.expected(),
                        row=rownum,
                        column=col.name,
                        value=raw,
                        found=str(raw).strip() != "",
                    )
                )
            parsed[col.name] = value
            if ok and seen_ids is not None and col.name.endswith("_id") and value is not None:
                seen_ids.setdefault(col.name, set()).add(str(value))
        if ok_row:
            out.append((rownum, parsed))
    return out


def _check_unique(
    rows: Iterable[tuple[int, dict[str, object]]],
    key: Callable[[dict], object],
    shown: str,
    column: str,
    problems: list[Problem],
) -> None:
    first: dict[object, int] = {}
    for rownum, row in rows:
        k = key(row)
        if k in first:
            problems.append(
                Problem(
                    shown,
                    f"a unique {column} (row {first[k]} has the same)",
                    row=rownum,
                    column=column,
                    value=k,
                )
            )
        else:
            first[k] = rownum


# --- TOML via pydantic -------------------------------------------------------------------------


def _read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    shown = _display(path)
    raw = _read_bytes(path, problems)
    if raw is None:
        return None
    text = _decode(raw, shown, problems)
    if text is None:
        return None
    return _parse_toml_text(text, shown, problems)


def _parse_toml_text(text: str, shown: str, problems: list[Problem]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(shown, "valid TOML", value=str(exc)))
        return None


def _pydantic_problems(
    exc: ValidationError,
    shown: str,
    prefix: str = "",
    valid_keys: Mapping[tuple[Any, ...], Sequence[str]] | None = None,
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _dotted([*(prefix.split(".") if prefix else []), *loc])
        kind = err["type"]
        if kind in ("unexpected_keyword_argument", "extra_forbidden"):
            parent = tuple(part for part in loc[:-1] if not isinstance(part, int))
            choices = (valid_keys or {}).get(parent)
            hint = ""
            if choices:
                close = difflib.get_close_matches(str(loc[-1]), choices, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                hint += "; valid keys: " + ", ".join(choices)
            out.append(Problem(shown, f"a known key{hint}", column=key, value=str(loc[-1])))
        elif kind == "missing" or kind == "missing_keyword_argument":
            out.append(Problem(shown, "this key (it is required)", column=key, found=False))
        else:
            out.append(Problem(shown, _friendly(err["msg"]), column=key, value=err.get("input")))
    return out


def _dotted(parts: Sequence[object]) -> str:
    """A TOML key path for messages; list positions count from 1 ("rules[1]" is the first)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _friendly(msg: str) -> str:
    msg = msg.replace("Input should be ", "").replace("Input ", "")
    return msg[0].lower() + msg[1:] if msg else msg


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name not in _RESERVED.get(cls, ())]


_RESERVED: dict[type, tuple[str, ...]] = {Scenario: ("source_path",), Archetype: ("archetype_id",)}


def _valid_keys_for(cls: type) -> dict[tuple[Any, ...], list[str]]:
    """Valid keys for each nested table of a settings dataclass (for 'did you mean' hints)."""
    out: dict[tuple[Any, ...], list[str]] = {(): _field_names(cls)}
    for f in dataclasses.fields(cls):
        t = f.type if isinstance(f.type, type) else None
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        sub = type(default) if dataclasses.is_dataclass(default) else t
        if sub is not None and dataclasses.is_dataclass(sub):
            out[(f.name,)] = _field_names(sub)
    if cls is Scenario:
        out[("burden_sharing",)] = ["band", "exclude"]
        out[("lead_nations",)] = ["members", "min_troop_share"]
        out[("rules",)] = _field_names(GroupRule)
    return out


# --- dataset -----------------------------------------------------------------------------------


def _members(rows: list[tuple[int, dict[str, object]]]) -> dict[str, Member]:
    out = {}
    for _, r in rows:
        r = {k: v for k, v in r.items() if k in {f.name for f in dataclasses.fields(Member)}}
        r["position"] = Position(str(r["position"]))
        for name in ("eu", "nuclear"):
            r[name] = bool(r[name]) if r[name] is not None else False
        for name in ("role_stated", "notes"):
            r[name] = r[name] or ""
        out[str(r["member_id"])] = Member(**r)  # type: ignore[arg-type]
    return out


def _elements(rows: list[tuple[int, dict[str, object]]]) -> dict[str, Element]:
    out = {}
    for _, r in rows:
        r = dict(r)
        r["category"] = Category(str(r["category"]))
        r["location"] = Location(str(r["location"]))
        cost = float(r["cost_eur_m"])  # type: ignore[arg-type]
        r["cost_low_eur_m"] = cost if r["cost_low_eur_m"] is None else r["cost_low_eur_m"]
        r["cost_high_eur_m"] = cost if r["cost_high_eur_m"] is None else r["cost_high_eur_m"]
        r["notes"] = r["notes"] or ""
        out[str(r["element_id"])] = Element(**r)  # type: ignore[arg-type]
    return out


_ARCHETYPE_ADAPTER = TypeAdapter(Archetype)
_PARAMETERS_ADAPTER = TypeAdapter(Parameters)
_SCENARIO_ADAPTER = TypeAdapter(Scenario)


def _check_archetype(a: Archetype, shown: str, key: str, problems: list[Problem]) -> None:
    def bad(field: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=f"{key}.{field}", value=value))

    if a.troops_min < 0:
        bad("troops_min", a.troops_min, "a whole number >= 0")
    if a.troops_max is not None and a.troops_max < a.troops_min:
        bad("troops_max", a.troops_max, f"a number >= troops_min ({a.troops_min})")
    if a.troops_in_ukraine_max is not None and a.troops_in_ukraine_max < 0:
        bad("troops_in_ukraine_max", a.troops_in_ukraine_max, "a whole number >= 0")
    if not 0 <= a.min_coverage <= 1:
        bad("min_coverage", a.min_coverage, "a share between 0 and 1")
    if a.min_nations < 0:
        bad("min_nations", a.min_nations, "a whole number >= 0")
    if a.min_nations_in_ukraine < 0:
        bad("min_nations_in_ukraine", a.min_nations_in_ukraine, "a whole number >= 0")
    for cat, n in a.required.items():
        if n < 0:
            bad(f"required.{cat}", n, "a whole number >= 0")
    for kind, ratio in a.enablers.items():
        if ratio < 0:
            bad(f"enablers.{kind}", ratio, "a ratio >= 0")
    if not a.allowed_locations:
        bad("allowed_locations", [], "at least one location")
    if not a.allowed_categories:
        bad("allowed_categories", [], "at least one category")
    if a.confidence not in _CONFIDENCE:
        bad("confidence", a.confidence, "one of " + ", ".join(_CONFIDENCE))


def _archetypes(
    doc: Mapping[str, Any], shown: str, problems: list[Problem]
) -> dict[str, Archetype]:
    out: dict[str, Archetype] = {}
    valid = {(): _field_names(Archetype)}
    if not doc:
        problems.append(Problem(shown, "at least one [archetype] table", found=False))
    for aid, table in doc.items():
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
        try:
            a = _ARCHETYPE_ADAPTER.validate_python({**table, "archetype_id": aid})
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, shown, prefix=aid, valid_keys=valid))
            continue
        _check_archetype(a, shown, aid, problems)
        out[aid] = a
    return out


def load_dataset(root: str | Path | None = None) -> Dataset:
    """Read and validate a data folder; raise :class:`InputError` listing every problem.

    Parameters
    ----------
    root
        Folder holding ``members.csv``, ``elements.csv``, ``availability.csv``,
        ``archetypes.toml`` and ``parameters.toml``. Defaults to the bundled ``data/``.
    """
    root = Path(root) if root is not None else default_data_dir()
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    digest = hashlib.sha256()
    if not root.is_dir():
        raise InputError([Problem(_display(root), "a data folder", value=str(root))])
    for name in DATA_FILES:
        raw = _read_bytes(root / name, problems)
        if raw is None:
            continue
        digest.update(name.encode() + b"\0" + raw + b"\0")
        text = _decode(raw, _display(root / name), problems)
        if text is not None:
            texts[name] = text
    return _dataset_from_texts(texts, root, problems, digest.hexdigest())


def dataset_from_texts(texts: Mapping[str, str], root: str | Path = "upload") -> Dataset:
    """Validate a dataset given as file texts (for uploads); missing files come from ``root``."""
    problems: list[Problem] = []
    base = Path(root)
    full = dict(texts)
    for name in DATA_FILES:
        if name not in full and (base / name).is_file():
            full[name] = (base / name).read_text(encoding="utf-8-sig")
    digest = hashlib.sha256()
    for name in DATA_FILES:
        if name in full:
            digest.update(name.encode() + b"\0" + full[name].encode() + b"\0")
        else:
            problems.append(Problem(_display(base / name), "the file to exist", found=False))
    return _dataset_from_texts(full, base, problems, digest.hexdigest())


def _dataset_from_texts(
    texts: Mapping[str, str], root: Path, problems: list[Problem], digest: str
) -> Dataset:
    def shown(name: str) -> str:
        return _display(root / name)

    member_ids: dict[str, set[str]] = {}
    element_ids: dict[str, set[str]] = {}
    mrows = (
        parse_csv_text(
            texts["members.csv"], shown("members.csv"), MEMBER_COLUMNS, problems, member_ids
        )
        if "members.csv" in texts
        else []
    )
    erows = (
        parse_csv_text(
            texts["elements.csv"], shown("elements.csv"), ELEMENT_COLUMNS, problems, element_ids
        )
        if "elements.csv" in texts
        else []
    )
    known_members = member_ids.get("member_id", set())
    known_elements = element_ids.get("element_id", set())
    arows = (
        parse_csv_text(
            texts["availability.csv"], shown("availability.csv"), AVAILABILITY_COLUMNS, problems
        )
        if "availability.csv" in texts
        else []
    )
    _check_unique(mrows, lambda r: r["member_id"], shown("members.csv"), "member_id", problems)
    _check_unique(erows, lambda r: r["element_id"], shown("elements.csv"), "element_id", problems)
    _check_unique(
        arows,
        lambda r: (r["member_id"], r["element_id"]),
        shown("availability.csv"),
        "member_id and element_id pair",
        problems,
    )
    for rownum, r in erows:
        low, high, cost = r["cost_low_eur_m"], r["cost_high_eur_m"], r["cost_eur_m"]
        if low is not None and low > cost:  # type: ignore[operator]
            problems.append(
                Problem(
                    shown("elements.csv"),
                    f"a value <= cost_eur_m ({cost})",
                    row=rownum,
                    column="cost_low_eur_m",
                    value=low,
                )
            )
        if high is not None and high < cost:  # type: ignore[operator]
            problems.append(
                Problem(
                    shown("elements.csv"),
                    f"a value >= cost_eur_m ({cost})",
                    row=rownum,
                    column="cost_high_eur_m",
                    value=high,
                )
            )
    members = _members(mrows)
    elements = _elements(erows)
    availability: dict[tuple[str, str], int] = {}
    for rownum, r in arows:
        mid, eid = str(r["member_id"]), str(r["element_id"])
        if known_members and mid not in known_members:
            problems.append(
                Problem(
                    shown("availability.csv"),
                    _known("member_id", members, "members.csv"),
                    row=rownum,
                    column="member_id",
                    value=mid,
                )
            )
        if known_elements and eid not in known_elements:
            problems.append(
                Problem(
                    shown("availability.csv"),
                    _known("element_id", elements, "elements.csv"),
                    row=rownum,
                    column="element_id",
                    value=eid,
                )
            )
        availability[(mid, eid)] = int(r["max_units"])  # type: ignore[call-overload]
    if (
        "members.csv" in texts
        and not mrows
        and not any(p.file == shown("members.csv") for p in problems)
    ):
        problems.append(
            Problem(shown("members.csv"), "at least one member row", row=2, found=False)
        )
    if (
        "elements.csv" in texts
        and not erows
        and not any(p.file == shown("elements.csv") for p in problems)
    ):
        problems.append(
            Problem(shown("elements.csv"), "at least one element row", row=2, found=False)
        )

    archetypes: dict[str, Archetype] = {}
    if "archetypes.toml" in texts:
        doc = _parse_toml_text(texts["archetypes.toml"], shown("archetypes.toml"), problems)
        if doc is not None:
            archetypes = _archetypes(doc, shown("archetypes.toml"), problems)
    parameters = None
    if "parameters.toml" in texts:
        doc = _parse_toml_text(texts["parameters.toml"], shown("parameters.toml"), problems)
        if doc is not None:
            parameters = _parameters(doc, shown("parameters.toml"), problems)
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
    )


def _known(column: str, table: Mapping[str, object], file: str) -> str:
    ids = list(table)
    shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
    article = "an" if column[0] in "aeiou" else "a"
    return f"{article} {column} listed in {file} ({shown})"


def _parameters(doc: Mapping[str, Any], shown: str, problems: list[Problem]) -> Parameters | None:
    try:
        p = _PARAMETERS_ADAPTER.validate_python(doc)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, shown, valid_keys={(): _field_names(Parameters)}))
        return None
    missing = [o.value for o in USBackstop if o not in p.backstop]
    for name in missing:
        problems.append(
            Problem(
                shown,
                "a [backstop.<option>] table for every US backstop option",
                column=f"backstop.{name}",
                found=False,
            )
        )
    for name, opt in p.backstop.items():
        if opt.deterrence_multiplier <= 0:
            problems.append(
                Problem(
                    shown,
                    "a multiplier > 0",
                    column=f"backstop.{name}.deterrence_multiplier",
                    value=opt.deterrence_multiplier,
                )
            )
    if p.usd_per_eur <= 0:
        problems.append(Problem(shown, "a rate > 0", column="usd_per_eur", value=p.usd_per_eur))
    return None if missing else p


# --- scenario ----------------------------------------------------------------------------------


def scenario_from_mapping(doc: Mapping[str, Any], shown: str = "scenario") -> Scenario:
    """Validate a scenario given as a mapping (parsed TOML); schema and ranges only."""
    problems: list[Problem] = []
    scenario = _scenario(doc, shown, problems)
    if problems or scenario is None:
        raise InputError(problems)
    return scenario


def _scenario(doc: Mapping[str, Any], shown: str, problems: list[Problem]) -> Scenario | None:
    for reserved in _RESERVED[Scenario]:
        if reserved in doc:
            problems.append(
                Problem(
                    shown,
                    "a known key; valid keys: " + ", ".join(_field_names(Scenario)),
                    column=reserved,
                    value=reserved,
                )
            )
            return None
    try:
        s = _SCENARIO_ADAPTER.validate_python(dict(doc))
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, shown, valid_keys=_valid_keys_for(Scenario)))
        return None
    _check_scenario_ranges(s, shown, problems)
    return s


def _check_scenario_ranges(s: Scenario, shown: str, problems: list[Problem]) -> None:
    def bad(key: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=key, value=value))

    if not s.budget_eur_bn > 0:
        bad("budget_eur_bn", s.budget_eur_bn, "an annual budget > 0 (EUR bn)")
    if not s.rotation_factor >= 1:
        bad(
            "rotation_factor",
            s.rotation_factor,
            "a rotation factor >= 1 (troops in the pool per troop deployed; 3-5 is usual)",
        )
    if not s.line_length_km > 0:
        bad("line_length_km", s.line_length_km, "a length > 0 (km)")
    if s.frontier.levels < 1:
        bad("frontier.levels", s.frontier.levels, "a whole number >= 1")
    if s.frontier.alternatives < 0:
        bad("frontier.alternatives", s.frontier.alternatives, "a whole number >= 0")
    if s.frontier.troop_levels < 0:
        bad("frontier.troop_levels", s.frontier.troop_levels, "a whole number >= 0")
    if not s.solver.time_limit_s > 0:
        bad("solver.time_limit_s", s.solver.time_limit_s, "a time limit > 0 (seconds)")
    if not 0 <= s.solver.mip_gap < 1:
        bad("solver.mip_gap", s.solver.mip_gap, "a relative gap between 0 and 1")
    if s.burden_sharing is not None and not 0 <= s.burden_sharing.band < 1:
        bad(
            "burden_sharing.band",
            s.burden_sharing.band,
            "a band between 0 and 1 (0.5 = each member pays 50-150% of its GDP share)",
        )
    if s.lead_nations is not None and not 0 <= s.lead_nations.min_troop_share <= 1:
        bad(
            "lead_nations.min_troop_share",
            s.lead_nations.min_troop_share,
            "a share between 0 and 1",
        )
    for i, rule in enumerate(s.rules, start=1):
        if rule.value < 0:
            bad(f"rules[{i}].value", rule.value, "a value >= 0")
    for name, w in s.weights.items():
        if not (math.isfinite(w) and w >= 0):
            bad(f"weights.{name}", w, "a weight >= 0")
    if s.weights and not any(w > 0 for w in s.weights.values()):
        bad("weights", dict(s.weights), "at least one weight > 0")
    r = s.robustness
    if not 0 <= r.smaa_draws <= 1_000_000:
        bad("robustness.smaa_draws", r.smaa_draws, "a number of draws between 0 and 1,000,000")
    if r.weight_band is not None and not 0 <= r.weight_band <= 1:
        bad(
            "robustness.weight_band",
            r.weight_band,
            "a band between 0 and 1, or no key for weights uniform on the simplex",
        )
    if not 0 <= r.cost_uncertainty < 1:
        bad("robustness.cost_uncertainty", r.cost_uncertainty, "a share between 0 and 1")
    for i, m in enumerate(s.ranking.methods, start=1):
        if m not in METHOD_NAMES:
            bad(f"ranking.methods[{i}]", m, "one of " + ", ".join(METHOD_NAMES))
    if s.robustness.method not in METHOD_NAMES:
        bad("robustness.method", s.robustness.method, "one of " + ", ".join(METHOD_NAMES))


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML and check its schema and ranges (not its references)."""
    path = Path(path)
    problems: list[Problem] = []
    doc = _read_toml(path, problems)
    scenario = _scenario(doc, _display(path), problems) if doc is not None else None
    if problems or scenario is None:
        raise InputError(problems)
    return dataclasses.replace(scenario, source_path=str(path))


def check_references(scenario: Scenario, data: Dataset, shown: str) -> list[Problem]:
    """Problems with what a scenario names: members, archetypes, elements, criteria, overrides."""
    problems: list[Problem] = []

    def member(key: str, mid: str) -> None:
        if mid not in data.members:
            problems.append(
                Problem(
                    shown, _known("member_id", data.members, "members.csv"), column=key, value=mid
                )
            )

    def archetype(key: str, aid: str) -> bool:
        if aid in data.archetypes:
            return True
        problems.append(
            Problem(
                shown,
                "an archetype in archetypes.toml (" + ", ".join(data.archetypes) + ")",
                column=key,
                value=aid,
            )
        )
        return False

    for i, mid in enumerate(scenario.members, start=1):
        member(f"members[{i}]", mid)
    for i, aid in enumerate(scenario.archetypes, start=1):
        archetype(f"archetypes[{i}]", aid)
    if scenario.burden_sharing:
        for i, mid in enumerate(scenario.burden_sharing.exclude, start=1):
            member(f"burden_sharing.exclude[{i}]", mid)
    if scenario.lead_nations:
        for i, mid in enumerate(scenario.lead_nations.members, start=1):
            member(f"lead_nations.members[{i}]", mid)
    for i, rule in enumerate(scenario.rules, start=1):
        for j, mid in enumerate(rule.members, start=1):
            member(f"rules[{i}].members[{j}]", mid)
        for j, aid in enumerate(rule.archetypes, start=1):
            archetype(f"rules[{i}].archetypes[{j}]", aid)
        for j, eid in enumerate(rule.elements, start=1):
            if eid not in data.elements:
                problems.append(
                    Problem(
                        shown,
                        _known("element_id", data.elements, "elements.csv"),
                        column=f"rules[{i}].elements[{j}]",
                        value=eid,
                    )
                )
    for name in scenario.weights:
        if name not in CRITERIA_BY_ID:
            close = difflib.get_close_matches(name, list(CRITERIA_BY_ID), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(
                Problem(
                    shown,
                    f"a criterion{hint}: " + ", ".join(CRITERIA_BY_ID),
                    column=f"weights.{name}",
                    value=name,
                )
            )
    repeated = sorted({c for c in scenario.ranking.order if scenario.ranking.order.count(c) > 1})
    for name in repeated:
        problems.append(
            Problem(shown, "each criterion once in the order", column="ranking.order", value=name)
        )
    for name in (*scenario.ranking.order, *scenario.ranking.swing, *scenario.ranking.criteria):
        if name not in CRITERIA_BY_ID:
            problems.append(
                Problem(
                    shown, "a criterion: " + ", ".join(CRITERIA_BY_ID), column="ranking", value=name
                )
            )
    problems += _check_overrides(
        shown,
        "member_overrides",
        scenario.member_overrides,
        data.members,
        "member_id",
        "members.csv",
        "a member column",
        OVERRIDABLE_MEMBER_COLUMNS,
    )
    problems += _check_overrides(
        shown,
        "element_overrides",
        scenario.element_overrides,
        data.elements,
        "element_id",
        "elements.csv",
        "an element column",
        OVERRIDABLE_ELEMENT_COLUMNS,
    )
    for aid, table in scenario.archetype_overrides.items():
        if not archetype(f"archetype_overrides.{aid}", aid):
            continue
        base = dataclasses.asdict(data.archetypes[aid])
        if "archetype_id" in table:
            problems.append(
                Problem(
                    shown,
                    "no archetype_id key",
                    column=f"archetype_overrides.{aid}.archetype_id",
                    value=table["archetype_id"],
                )
            )
            continue
        try:
            merged = _ARCHETYPE_ADAPTER.validate_python({**base, **table})
        except ValidationError as exc:
            problems.extend(
                _pydantic_problems(
                    exc,
                    shown,
                    prefix=f"archetype_overrides.{aid}",
                    valid_keys={(): _field_names(Archetype)},
                )
            )
            continue
        _check_archetype(merged, shown, f"archetype_overrides.{aid}", problems)
    return problems


def _check_overrides(
    shown: str,
    section: str,
    overrides: Mapping[str, Mapping[str, object]],
    known: Mapping[str, object],
    id_column: str,
    file: str,
    what: str,
    columns: Mapping[str, Column],
) -> list[Problem]:
    """Problems with ``[section.<id>]`` tables: unknown ids, unknown columns, bad values."""
    problems = []
    for oid, table in overrides.items():
        if oid not in known:
            problems.append(
                Problem(shown, _known(id_column, known, file), column=f"{section}.{oid}", value=oid)
            )
            continue
        for key, value in table.items():
            col = columns.get(key)
            where = f"{section}.{oid}.{key}"
            if col is None:
                close = difflib.get_close_matches(key, list(columns), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    Problem(shown, f"{what}{hint}: " + ", ".join(columns), column=where, value=key)
                )
                continue
            _, ok = col.parse(value)
            # TOML gives typed values: a number written as a string is a mistake here
            if not ok or (isinstance(value, str) and col.kind in ("int", "float", "bool")):
                problems.append(Problem(shown, col.expected(), column=where, value=value))
    return problems


def _resolve_dataset_dir(scenario: Scenario) -> Path:
    base = Path(scenario.source_path).parent if scenario.source_path else Path.cwd()
    return (base / scenario.dataset).resolve()


def load_scenario(path: str | Path, data: Dataset | None = None) -> tuple[Scenario, Dataset]:
    """Read a scenario file, load its dataset and check every reference; raise on any problem.

    ``dataset`` in the scenario is a folder relative to the scenario file (default ``..``, so a
    scenario in ``data/scenarios/`` uses ``data/``). Pass ``data`` to reuse a loaded dataset.
    """
    scenario = read_scenario(path)
    if data is None:
        data = load_dataset(_resolve_dataset_dir(scenario))
    problems = check_references(scenario, data, _display(path))
    if problems:
        raise InputError(problems)
    return scenario, data


def instantiate(scenario: Scenario, data: Dataset) -> Instance:
    """Apply a checked scenario to its dataset: filter members and archetypes, apply overrides."""
    member_ids = list(scenario.members) or list(data.members)
    members: dict[str, Member] = {}
    for mid in member_ids:
        m = data.members[mid]
        overrides = scenario.member_overrides.get(mid, {})
        if overrides:
            parsed = {}
            for key, value in overrides.items():
                col = OVERRIDABLE_MEMBER_COLUMNS[key]
                v, _ = col.parse(value)
                if key == "position":
                    v = Position(str(v))
                parsed[key] = v
            m = dataclasses.replace(m, **parsed)  # type: ignore[arg-type]
        members[mid] = m
    archetype_ids = list(scenario.archetypes) or list(data.archetypes)
    archetypes = {}
    for aid in archetype_ids:
        a = data.archetypes[aid]
        if aid in scenario.archetype_overrides:
            a = _ARCHETYPE_ADAPTER.validate_python(
                {**dataclasses.asdict(a), **scenario.archetype_overrides[aid]}
            )
        archetypes[aid] = a
    elements = dict(data.elements)
    for eid, table in scenario.element_overrides.items():
        parsed = {
            key: OVERRIDABLE_ELEMENT_COLUMNS[key].parse(value)[0] for key, value in table.items()
        }
        e = dataclasses.replace(elements[eid], **parsed)  # type: ignore[arg-type]
        # a cost moved outside its documented range widens the range rather than contradict it
        elements[eid] = dataclasses.replace(
            e,
            cost_low_eur_m=min(e.cost_low_eur_m, e.cost_eur_m),
            cost_high_eur_m=max(e.cost_high_eur_m, e.cost_eur_m),
        )
    availability = {k: v for k, v in data.availability.items() if k[0] in members and v > 0}
    sub = dataclasses.replace(
        data, members=members, elements=elements, archetypes=archetypes, availability=availability
    )
    return Instance(scenario=scenario, data=sub, digest=scenario_digest(scenario, data))


def load_instance(path: str | Path, data: Dataset | None = None) -> Instance:
    """Read, check and apply a scenario file in one call."""
    scenario, data = load_scenario(path, data)
    return instantiate(scenario, data)


def scenario_digest(scenario: Scenario, data: Dataset) -> str:
    """A digest of everything a run depends on: the scenario's settings and the data files."""
    payload = scenario_to_dict(scenario)
    blob = json.dumps(payload, sort_keys=True, default=str).encode() + data.digest.encode()
    return hashlib.sha256(blob).hexdigest()


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data, as a TOML file would hold it (no reserved keys)."""
    d = dataclasses.asdict(scenario)
    for key in _RESERVED[Scenario]:
        d.pop(key, None)
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
    return key if all(ch.isalnum() or ch in "_-" for ch in key) and key else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"cannot write {value!r} as TOML")


# --- validate command --------------------------------------------------------------------------


def validate_path(path: str | Path | None = None) -> tuple[list[Problem], str]:
    """Check a data folder (and its scenarios) or one scenario file.

    Returns the problems found and a one-line summary of what was checked.
    """
    p = Path(path) if path is not None else default_data_dir()
    problems: list[Problem] = []
    if p.is_dir():
        try:
            data = load_dataset(p)
        except InputError as exc:
            return list(exc.problems), ""
        files = sorted((p / "scenarios").glob("*.toml")) if (p / "scenarios").is_dir() else []
        for f in files:
            try:
                load_scenario(
                    f, data if _resolve_dataset_dir(read_scenario(f)) == p.resolve() else None
                )
            except InputError as exc:
                problems.extend(exc.problems)
        summary = (
            f"{_display(p)}: {len(data.members)} members, {len(data.elements)} elements, "
            f"{len(data.availability)} availability pairs, {len(data.archetypes)} "
            f"archetypes, {len(files)} scenarios"
        )
        return problems, summary
    if p.suffix.lower() == ".toml":
        try:
            scenario, data = load_scenario(p)
        except InputError as exc:
            return list(exc.problems), ""
        return [], (
            f"{_display(p)}: scenario {scenario.name!r} on {_display(data.root)} "
            f"({len(data.members)} members, {len(data.elements)} elements)"
        )
    if not p.exists():
        return [Problem(_display(p), "a data folder or a scenario .toml file", found=False)], ""
    return [Problem(_display(p), "a data folder or a scenario .toml file", value=str(p))], ""


# --- atomic writes -----------------------------------------------------------------------------


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --- decision matrices (mcdm rank) -------------------------------------------------------------

_TYPE_WORDS = {
    "1": 1,
    "+1": 1,
    "benefit": 1,
    "max": 1,
    "profit": 1,
    "-1": -1,
    "cost": -1,
    "min": -1,
}


def parse_types(
    text: str, where: str, column: str | None = None
) -> tuple[list[int], list[Problem]]:
    """Criterion directions from "1,-1,..." or "benefit,cost,..." (also max/min)."""
    out, problems = [], []
    for i, word in enumerate(text.split(",")):
        key = word.strip().lower()
        if key in _TYPE_WORDS:
            out.append(_TYPE_WORDS[key])
        else:
            problems.append(
                Problem(
                    where,
                    "1 or -1 (or benefit / cost)",
                    value=word.strip(),
                    column=column or f"type {i + 1}",
                )
            )
    return out, problems


def parse_weights(text: str, where: str) -> tuple[list[float], list[Problem]]:
    """Weights from "0.3,0.2,..." (any non-negative numbers; they are normalised later)."""
    out, problems = [], []
    for i, word in enumerate(text.split(",")):
        try:
            w = float(word)
        except ValueError:
            w = math.nan
        if not math.isfinite(w) or w < 0:
            problems.append(
                Problem(where, "a weight >= 0", value=word.strip(), column=f"weight {i + 1}")
            )
        out.append(w)
    return out, problems


def read_matrix(
    path: str | Path, types: str | None = None, weights: str | None = None
) -> tuple[DecisionMatrix, list[float] | None]:
    """Read a decision matrix CSV for ``mcdm rank``.

    Format: a header row (``id`` then the criterion names), optionally rows whose first cell is
    ``type`` and ``weight`` right under the header, then one row an alternative. ``types`` and
    ``weights`` (comma-separated) override those rows. Returns the matrix and the weights (None
    if neither the file nor the options give any).
    """
    path = Path(path)
    shown = _display(path)
    problems: list[Problem] = []
    raw = _read_bytes(path, problems)
    text = _decode(raw, shown, problems) if raw is not None else None
    if text is None:
        raise InputError(problems)
    rows: list[list[str]] = []
    lines: list[int] = []  # the spreadsheet row of each kept row (blank lines are skipped)
    try:
        reader = csv.reader(_stdio.StringIO(text, newline=""))
        for r in reader:
            if any(c.strip() for c in r):
                rows.append(r)
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise InputError([Problem(shown, "well-formed CSV", value=str(exc))]) from exc
    if not rows:
        raise InputError(
            [Problem(shown, "a header row: id, then the criterion names", row=1, found=False)]
        )
    header = [h.strip() for h in rows[0]]
    criteria = header[1:]
    if len(criteria) < 1:
        problems.append(
            Problem(
                shown, "at least one criterion column after the id", row=1, value=",".join(header)
            )
        )
    for name in criteria:
        if not name:
            problems.append(Problem(shown, "a name for every criterion column", row=1, found=False))
    if len(set(criteria)) != len(criteria):
        problems.append(
            Problem(shown, "each criterion named once", row=1, value=",".join(criteria))
        )
    type_row = weight_row = None
    body_start = 1
    for k in (1, 2):
        if len(rows) > k and rows[k] and rows[k][0].strip().lower() in ("type", "types"):
            type_row, body_start = (lines[k], rows[k][1:]), k + 1
        elif len(rows) > k and rows[k] and rows[k][0].strip().lower() in ("weight", "weights"):
            weight_row, body_start = (lines[k], rows[k][1:]), k + 1
        else:
            break
    parsed_types: list[int] | None = None
    if types is not None:
        parsed_types, probs = parse_types(types, "--types")
        problems += probs
    elif type_row is not None:
        parsed_types = []
        for j, cell in enumerate(type_row[1]):
            t, probs = parse_types(cell, shown, column=criteria[j] if j < len(criteria) else "?")
            problems += [replace_row(p, type_row[0]) for p in probs]
            parsed_types += t
    parsed_weights: list[float] | None = None
    if weights is not None:
        parsed_weights, probs = parse_weights(weights, "--weights")
        problems += probs
    elif weight_row is not None:
        parsed_weights = []
        for j, cell in enumerate(weight_row[1]):
            try:
                w = float(cell)
            except ValueError:
                w = math.nan
            if not math.isfinite(w) or w < 0:
                problems.append(
                    Problem(
                        shown,
                        "a weight >= 0",
                        row=weight_row[0],
                        column=criteria[j] if j < len(criteria) else "?",
                        value=cell,
                    )
                )
            parsed_weights.append(w)
    if parsed_types is None:
        problems.append(
            Problem(
                shown,
                "criterion directions: a 'type' row under the header or "
                "--types 1,-1,... (benefit,cost,...)",
                found=False,
            )
        )
    elif len(parsed_types) != len(criteria):
        problems.append(
            Problem(
                shown,
                f"{len(criteria)} directions, one per criterion",
                value=f"{len(parsed_types)} given",
            )
        )
    if parsed_weights is not None and len(parsed_weights) != len(criteria):
        problems.append(
            Problem(
                shown,
                f"{len(criteria)} weights, one per criterion",
                value=f"{len(parsed_weights)} given",
            )
        )
    ids: list[str] = []
    values: list[list[float]] = []
    seen: dict[str, int] = {}
    for rownum, row in zip(lines[body_start:], rows[body_start:], strict=True):
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            problems.append(
                Problem(
                    shown,
                    f"{len(header)} cells, as in the header",
                    row=rownum,
                    value=f"{len(row)} cells",
                )
            )
            continue
        alt = cells[0]
        if not alt:
            problems.append(
                Problem(shown, "an id for the alternative", row=rownum, column="id", found=False)
            )
        elif alt in seen:
            problems.append(
                Problem(
                    shown,
                    f"a unique id (row {seen[alt]} has the same)",
                    row=rownum,
                    column="id",
                    value=alt,
                )
            )
        seen.setdefault(alt, rownum)
        vals = []
        for j, name in enumerate(criteria, start=1):
            try:
                v = float(cells[j])
            except ValueError:
                v = math.nan
            if not math.isfinite(v):
                problems.append(
                    Problem(
                        shown,
                        "a number",
                        row=rownum,
                        column=name,
                        value=cells[j],
                        found=cells[j] != "",
                    )
                )
            vals.append(v)
        ids.append(alt)
        values.append(vals)
    if len(ids) < 2:
        problems.append(
            Problem(shown, "at least two alternatives (rows)", value=f"{len(ids)} row(s)")
        )
    if problems:
        raise InputError(problems)
    assert parsed_types is not None
    return (
        DecisionMatrix(tuple(ids), tuple(criteria), np.array(values), tuple(parsed_types)),
        parsed_weights,
    )


def replace_row(problem: Problem, row: int) -> Problem:
    return dataclasses.replace(problem, row=row)
