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
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from . import limits as lim
from .errors import InputError, Problem
from .kernels import KERNELS
from .limits import ID_PATTERN, ID_RULE, fmt
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
    RankingSettings,
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
    """One CSV column (or overridable setting): how a cell is parsed and what it must hold."""

    name: str
    kind: str  # "text", "id", "int", "float", "bool", "choice"
    required: bool = True
    minimum: float | None = 0.0
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def expected(self, raw: object = None) -> str:
        """What the column holds, worded for the value ``raw`` that was found.

        A number below the minimum is told the minimum ("a whole number >= 0"); any other bad
        number is told the whole range, with a hint where the text shows a likely slip.
        """
        if self.kind in ("int", "float"):
            noun = "a whole number" if self.kind == "int" else "a number"
            num = _number_of(raw)
            low = f">= {fmt(self.minimum)}" if self.minimum is not None else ""
            if num is not None and math.isfinite(num) and low and _below(num, self.minimum):
                return f"{noun} {low}"
            high = f"<= {fmt(self.maximum)}" if self.maximum is not None else ""
            bounds = " and ".join(b for b in (low, high) if b)
            return f"{noun}{' ' + bounds if bounds else ''}{_number_hint(raw)}"
        return {
            "text": "some text",
            "id": ID_RULE,
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
            return text, ID_PATTERN.fullmatch(text) is not None
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
        num = _number_of(raw)
        if num is None or not math.isfinite(num):
            return raw, False
        if self.kind == "int" and num != int(num):
            return raw, False
        if self.minimum is not None and _below(num, self.minimum):
            return raw, False
        if self.maximum is not None and num > self.maximum:
            return raw, False
        return (int(num) if self.kind == "int" else num), True


def _below(num: float, minimum: float | None) -> bool:
    """Below the minimum; "-0" counts as below a minimum of 0 (a sign that cannot be meant)."""
    if minimum is None:
        return False
    return num < minimum or (num == 0 == minimum and math.copysign(1.0, num) < 0)


def _number_of(raw: object) -> float | None:
    """A cell as a float: plain decimal or scientific notation only (no '_', no 'inf' words);
    None if it is not a number at all. Python's float() also reads "1_000" and "infinity":
    in a data file the first is a slip (1_0 is 10) and the second cannot be meant."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        try:
            return float(raw)
        except OverflowError:  # an int too large for a float
            return math.inf
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not _DECIMAL.fullmatch(text):
        low = text.lower().lstrip("+-")
        return math.inf if low in ("inf", "infinity") else math.nan if low == "nan" else None
    return float(text)


_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _number_hint(raw: object) -> str:
    """A hint for number-like text that is not a plain number."""
    if not isinstance(raw, str):
        return ""
    text = raw.strip()
    if re.fullmatch(r"[+-]?\d[\d_]*_\d[\d_.]*", text):
        return ", written without '_' (1000, not 1_000)"
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?|[+-]?\d+,\d+", text):
        return ", with '.' as the decimal point and no thousands separator (1500.5, not 1,500.5)"
    if re.fullmatch(r"[+-]?\d{1,3}( \d{3})+(\.\d+)?", text):
        return ", without spaces between the digits"
    return ""


MEMBER_COLUMNS = (
    Column("member_id", "id"),
    Column("name", "text"),
    Column("position", "choice", choices=tuple(p.value for p in Position)),
    Column("role_stated", "text", required=False),
    Column("gdp_usd_bn", "float", maximum=lim.MAX_GDP_USD_BN),
    Column("milex_usd_bn", "float", maximum=lim.MAX_MILEX_USD_BN),
    Column("active_personnel", "int", maximum=lim.MAX_TROOPS),
    Column("troop_pool", "int", maximum=lim.MAX_TROOPS),
    Column("max_troops_deployed", "int", required=False, maximum=lim.MAX_TROOPS),
    Column("max_contribution_eur_m", "float", maximum=lim.MAX_MONEY_EUR_M),
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
    Column("troops_per_unit", "int", maximum=lim.MAX_TROOPS_PER_UNIT),
    Column("cost_eur_m", "float", maximum=lim.MAX_COST_EUR_M),
    Column("cost_low_eur_m", "float", required=False, maximum=lim.MAX_COST_EUR_M),
    Column("cost_high_eur_m", "float", required=False, maximum=lim.MAX_COST_EUR_M),
    Column("deterrence", "float", maximum=lim.MAX_PER_UNIT_POINTS),
    Column("early_warning_km", "float", maximum=lim.MAX_KM),
    Column("air_defence_k_km2", "float", maximum=lim.MAX_AREA_K_KM2),
    Column("escalation", "float", maximum=lim.MAX_PER_UNIT_POINTS),
    Column("readiness_days", "int", maximum=lim.MAX_READINESS_DAYS),
    Column("source", "text"),
    Column("confidence", "choice", choices=_CONFIDENCE),
    Column("notes", "text", required=False),
)
AVAILABILITY_COLUMNS = (
    Column("member_id", "id"),
    Column("element_id", "id"),
    Column("max_units", "int", maximum=lim.MAX_UNITS),
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
                "UTF-8 text" + _encoding_hint(raw, shown),
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


def _encoding_hint(raw: bytes, shown: str) -> str:
    """Which encoding text that is not UTF-8 seems to be in, and how to save it as UTF-8."""
    how = "CSV UTF-8 in Excel's Save As" if shown.lower().endswith(".csv") else "UTF-8"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"; the file looks like UTF-16 (Excel's 'Unicode text'): save it as {how}"
    controls = set(range(32)) - {9, 10, 13}
    if any(b in controls for b in raw[:65536]):
        return f" (save the file as {how})"
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return f"; the file looks like Latin-1 (ISO-8859-1): save it as {how}"
    if any(0x80 <= b <= 0x9F for b in raw):
        return f"; the file looks like Windows-1252: save it as {how}"
    return f"; the file looks like Latin-1 or Windows-1252: save it as {how}"


def _separator_problem(header: Sequence[str], shown: str) -> Problem | None:
    """A header of one cell holding ';' or a tab: the file uses another separator."""
    if len(header) != 1:
        return None
    for sep, name in ((";", "';'"), ("\t", "tabs")):
        if sep in header[0]:
            return Problem(
                shown,
                f"comma-separated columns; the file seems to use {name} as separator: save it "
                "as comma-separated CSV (CSV UTF-8 in Excel's Save As)",
                row=1,
                value=header[0] if len(header[0]) <= 60 else header[0][:57] + "...",
            )
    return None


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
    sep = _separator_problem(rows[0], shown)
    if sep is not None:
        problems.append(sep)
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
                        col.expected(raw),
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
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(shown, "valid TOML", value=str(exc)))
        return None
    except RecursionError:
        problems.append(_too_deep(shown))
        return None
    except ValueError as exc:  # an integer of more than 4,300 digits
        problems.append(
            Problem(shown, "valid TOML with numbers of sane size", value=str(exc).split(";")[0])
        )
        return None
    if _depth(doc) > lim.MAX_TOML_DEPTH:
        problems.append(_too_deep(shown))
        return None
    before = len(problems)
    problems.extend(_odd_digit_groups(text, shown))
    return doc if len(problems) == before else None


def _too_deep(shown: str) -> Problem:
    return Problem(
        shown,
        f"tables and arrays nested at most {lim.MAX_TOML_DEPTH} levels deep",
        value="deeper nesting",
    )


def _depth(obj: object, limit: int = lim.MAX_TOML_DEPTH + 1) -> int:
    """How deeply tables and arrays nest in ``obj`` (counting stops just past ``limit``)."""
    if limit <= 0 or not isinstance(obj, Mapping | list | tuple):
        return 0
    items = obj.values() if isinstance(obj, Mapping) else obj
    return 1 + max((_depth(v, limit - 1) for v in items), default=0)


# A TOML string or comment (skipped), or a number with '_' between its digits.
_TOML_TOKEN = re.compile(
    r"(?P<skip>'''.*?'''"  # multi-line literal string
    r'|"""(?:\\.|[^\\])*?"""'  # multi-line basic string
    r"|'[^'\n]*'"  # literal string
    r'|"(?:\\.|[^"\\\n])*"'  # basic string
    r"|#[^\n]*)"  # comment
    r"|(?<![\w.])(?P<num>[+-]?\d+(?:_\d+)+(?:\.[\d_]+)?(?:[eE][+-]?[\d_]+)?)(?![\w-])",
    re.DOTALL,
)


def _odd_digit_groups(text: str, shown: str) -> list[Problem]:
    """Numbers whose '_' does not split the whole part in groups of three (4_0_000).

    TOML reads 4_0_000 as 40000, so a slip of the finger passes unnoticed; a thousands
    separator written as '_' (40_000) is fine.
    """
    out = []
    for m in _TOML_TOKEN.finditer(text):
        number = m.group("num")
        if not number:
            continue
        whole = number.lstrip("+-").split(".")[0].split("e")[0].split("E")[0]
        groups = whole.split("_")
        if 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            continue
        line = text.count("\n", 0, m.start()) + 1
        key = _key_on_line(text, m.start())
        out.append(
            Problem(
                shown,
                "'_' only between groups of three digits, as in 40_000 (TOML would read "
                f"{number} as {number.replace('_', '')})",
                column=key or f"on line {line}",
                value=number,
            )
        )
    return out


def _key_on_line(text: str, pos: int) -> str:
    """The dotted key whose value starts on the line of ``pos`` (with its table's name)."""
    start = text.rfind("\n", 0, pos) + 1
    line = text[start:pos]
    key = line.split("=", 1)[0].strip() if "=" in line else ""
    table = ""
    for header in re.finditer(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", text[:start], re.MULTILINE):
        table = header.group(1)
    return ".".join(part for part in (table, key) if part)


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

    troops = f"a whole number between 0 and {fmt(lim.MAX_TROOPS)}"
    if _outside(a.troops_min, 0, lim.MAX_TROOPS):
        bad("troops_min", a.troops_min, "a whole number >= 0" if a.troops_min < 0 else troops)
    if a.troops_max is not None and _outside(a.troops_max, a.troops_min, lim.MAX_TROOPS):
        bad(
            "troops_max",
            a.troops_max,
            f"a number >= troops_min ({a.troops_min})" if a.troops_max < a.troops_min else troops,
        )
    if a.troops_in_ukraine_max is not None and _outside(a.troops_in_ukraine_max, 0, lim.MAX_TROOPS):
        bad("troops_in_ukraine_max", a.troops_in_ukraine_max, troops)
    if _outside(a.min_coverage, 0, 1):
        bad("min_coverage", a.min_coverage, "a share between 0 and 1")
    nations = f"a whole number between 0 and {fmt(lim.MAX_NATIONS)}"
    if _outside(a.min_nations, 0, lim.MAX_NATIONS):
        bad("min_nations", a.min_nations, nations)
    if _outside(a.min_nations_in_ukraine, 0, lim.MAX_NATIONS):
        bad("min_nations_in_ukraine", a.min_nations_in_ukraine, nations)
    for cat, n in a.required.items():
        if _outside(n, 0, lim.MAX_UNITS):
            bad(f"required.{cat}", n, f"a whole number of units between 0 and {fmt(lim.MAX_UNITS)}")
    for kind, ratio in a.enablers.items():
        if _outside(ratio, 0, lim.MAX_ENABLER_RATIO):
            bad(
                f"enablers.{kind}",
                ratio,
                f"a ratio between 0 and {fmt(lim.MAX_ENABLER_RATIO)} (units per 1,000 combat "
                "troops)",
            )
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
    before = len(problems)

    def check(key: str, value: float, low: float, high: float, what: str, **kw: bool) -> None:
        if _outside(value, low, high, **kw):
            above = "> " if kw.get("open_low") else ">= "
            problems.append(
                Problem(
                    shown,
                    f"{what} {above}{fmt(low)} and <= {fmt(high)}",
                    column=key,
                    value=value,
                )
            )

    for name, opt in p.backstop.items():
        for field in ("deterrence_multiplier", "escalation_multiplier"):
            check(
                f"backstop.{name}.{field}",
                getattr(opt, field),
                0,
                lim.MAX_MULTIPLIER,
                "a multiplier",
                open_low=True,
            )
    for field in ("nation_bonus_nato", "nation_bonus_nuclear", "nation_bonus_other"):
        check(field, getattr(p, field), 0, lim.MAX_NATION_BONUS, "deterrence points")
    check("usd_per_eur", p.usd_per_eur, 0, lim.MAX_USD_PER_EUR, "a rate", open_low=True)
    if _outside(p.troop_pool_spread, 0, 1) or p.troop_pool_spread == 1:
        problems.append(
            Problem(
                shown,
                "a share >= 0 and < 1 (0.25 = troop pools drawn within +-25%)",
                column="troop_pool_spread",
                value=p.troop_pool_spread,
            )
        )
    return None if missing or len(problems) > before else p


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
    if _depth(doc) > lim.MAX_TOML_DEPTH:
        problems.append(_too_deep(shown))
        return None
    before = len(problems)
    _check_text(doc, shown, problems)
    if len(problems) > before:
        return None
    try:
        s = _SCENARIO_ADAPTER.validate_python(dict(doc))
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, shown, valid_keys=_valid_keys_for(Scenario)))
        return None
    _check_scenario_ranges(s, shown, problems)
    return s


def _bad_text(text: str) -> str | None:
    """Why a string cannot be meant (or written back to TOML and read again), or None."""
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "text without lone surrogates (it is not valid Unicode)"
        if (code < 32 and ch not in "\t\n\r") or code == 127:
            return "text without control characters"
    return None


def _check_text(obj: object, shown: str, problems: list[Problem], key: str = "") -> None:
    """Every key and string in a scenario must be text that a TOML file can hold."""
    if isinstance(obj, str):
        why = _bad_text(obj)
        if why:
            problems.append(Problem(shown, why, column=key or None, value=obj))
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            name = str(k)
            why = _bad_text(name)
            if why:
                problems.append(Problem(shown, f"a key of {why}", column=key or None, value=name))
                continue
            _check_text(v, shown, problems, f"{key}.{name}" if key else name)
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj, start=1):
            _check_text(v, shown, problems, f"{key}[{i}]")


def _outside(value: float, low: float, high: float, *, open_low: bool = False) -> bool:
    """Whether ``value`` is outside [low, high] (or (low, high]); NaN is always outside."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    inside = (low < value if open_low else low <= value) and value <= high
    return not inside or _below(value, low)


#: The most a rule's value may ask for, per measure.
_RULE_MAX: dict[str, float] = {
    "units": lim.MAX_RULE_UNITS,
    "troops": lim.MAX_TROOPS,
    "cost_eur_m": lim.MAX_MONEY_EUR_M,
    "nations": lim.MAX_NATIONS,
}


def _check_scenario_ranges(s: Scenario, shown: str, problems: list[Problem]) -> None:
    def bad(key: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=key, value=value))

    if not lim.NAME_PATTERN.fullmatch(s.name):
        bad("name", s.name, lim.NAME_RULE)
    if _outside(s.budget_eur_bn, 0, lim.MAX_BUDGET_EUR_BN, open_low=True):
        bad(
            "budget_eur_bn",
            s.budget_eur_bn,
            f"an annual budget > 0 (EUR bn) and <= {fmt(lim.MAX_BUDGET_EUR_BN)}",
        )
    if _outside(s.rotation_factor, 1, lim.MAX_ROTATION):
        bad(
            "rotation_factor",
            s.rotation_factor,
            f"a rotation factor between 1 and {fmt(lim.MAX_ROTATION)} (troops in the pool per "
            "troop deployed; 3-5 is usual)",
        )
    if _outside(s.line_length_km, 0, lim.MAX_KM, open_low=True):
        bad("line_length_km", s.line_length_km, f"a length > 0 and <= {fmt(lim.MAX_KM)} (km)")
    if _outside(s.seed, 0, lim.MAX_SEED):
        bad("seed", s.seed, f"a whole number between 0 and {fmt(lim.MAX_SEED)}")
    f = s.frontier
    frontier_limits: tuple[tuple[str, int, int, int, str], ...] = (
        ("levels", f.levels, 1, lim.MAX_LEVELS, "budget levels per archetype"),
        ("alternatives", f.alternatives, 0, lim.MAX_ALTERNATIVES, "alternatives per archetype"),
        ("troop_levels", f.troop_levels, 0, lim.MAX_TROOP_LEVELS, "troop levels per archetype"),
    )
    for key, value, low, high, what in frontier_limits:
        if _outside(value, low, high):
            bad(f"frontier.{key}", value, f"a whole number between {low} and {high} ({what})")
    times = {"time_limit_s": s.solver.time_limit_s, "tie_break_time_s": s.solver.tie_break_time_s}
    for key, seconds in times.items():
        if seconds is None:  # tie_break_time_s: accepted from older files and ignored
            continue
        if _outside(seconds, 0, lim.MAX_TIME_LIMIT_S, open_low=True):
            bad(
                f"solver.{key}",
                seconds,
                f"a time limit > 0 and <= {fmt(lim.MAX_TIME_LIMIT_S)} (seconds)",
            )
    nodes = s.solver.node_limit
    if nodes is not None and _outside(nodes, 1, lim.MAX_NODE_LIMIT):
        bad(
            "solver.node_limit",
            nodes,
            f"a whole number of branch-and-bound nodes between 1 and {fmt(lim.MAX_NODE_LIMIT)}",
        )
    if not 0 <= s.solver.mip_gap < 1:
        bad("solver.mip_gap", s.solver.mip_gap, "a relative gap between 0 and 1")
    if s.burden_sharing is not None and not 0 <= s.burden_sharing.band < 1:
        bad(
            "burden_sharing.band",
            s.burden_sharing.band,
            "a band between 0 and 1 (0.5 = each member pays 50-150% of its GDP share)",
        )
    lead = s.lead_nations
    if lead is not None and not 0 <= lead.min_troop_share <= 1:
        bad("lead_nations.min_troop_share", lead.min_troop_share, "a share between 0 and 1")
    elif lead is not None and lead.min_troop_share > 0 and not lead.members:
        bad(
            "lead_nations.members",
            [],
            f"at least one member id, as min_troop_share is {lead.min_troop_share:g} "
            "(or no [lead_nations] table)",
        )
    for i, rule in enumerate(s.rules, start=1):
        most = _RULE_MAX[rule.measure]
        if _outside(rule.value, 0, most):
            bad(
                f"rules[{i}].value",
                rule.value,
                f"a value between 0 and {fmt(most)} ({rule.measure})",
            )
    for name, w in s.weights.items():
        if _outside(w, 0, lim.MAX_WEIGHT):
            bad(f"weights.{name}", w, f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}")
    ranked = set(s.ranking.criteria) or set(CRITERIA_BY_ID)
    if s.weights and not any(w > 0 for w in s.weights.values()):
        bad("weights", dict(s.weights), "at least one weight > 0")
    elif (
        s.ranking.criteria
        and s.ranking.weighting == "user"
        and any(c in CRITERIA_BY_ID for c in s.weights)  # unknown names are reported later
        and not any(w > 0 for c, w in s.weights.items() if c in ranked)
    ):
        bad(
            "weights",
            dict(s.weights),
            "a weight > 0 for at least one ranked criterion (ranking.criteria: "
            + ", ".join(s.ranking.criteria)
            + ")",
        )
    r = s.robustness
    if _outside(r.smaa_draws, 0, lim.MAX_SMAA_DRAWS):
        bad(
            "robustness.smaa_draws",
            r.smaa_draws,
            f"a number of draws between 0 and {fmt(lim.MAX_SMAA_DRAWS)}",
        )
    if r.weight_band is not None and not 0 <= r.weight_band <= 1:
        bad(
            "robustness.weight_band",
            r.weight_band,
            "a band between 0 and 1, or no key for weights uniform on the simplex",
        )
    if not 0 <= r.cost_uncertainty < 1:
        bad("robustness.cost_uncertainty", r.cost_uncertainty, "a share between 0 and 1")
    if r.method not in KERNELS:
        bad(
            "robustness.method",
            r.method,
            "one of " + ", ".join(KERNELS) + " (the methods SMAA and the stability intervals use)",
        )
    _check_ranking(s.ranking, shown, problems)


def _check_ranking(rs: RankingSettings, shown: str, problems: list[Problem]) -> None:
    """Ranking settings that cannot work: no method, an order, points or a pairwise matrix
    that do not fit the criteria ranked."""

    def bad(key: str, value: object, expected: str) -> None:
        problems.append(Problem(shown, expected, column=f"ranking.{key}", value=value))

    known = ", ".join(CRITERIA_BY_ID)
    if not rs.methods:
        bad("methods", [], "at least one method: " + ", ".join(METHOD_NAMES))
    for i, m in enumerate(rs.methods, start=1):
        if m not in METHOD_NAMES:
            bad(f"methods[{i}]", m, "one of " + ", ".join(METHOD_NAMES))
        elif m in rs.methods[: i - 1]:
            bad(f"methods[{i}]", m, "each method once")
    for i, c in enumerate(rs.criteria, start=1):
        if c not in CRITERIA_BY_ID:
            bad(f"criteria[{i}]", c, "a criterion: " + known)
        elif c in rs.criteria[: i - 1]:
            bad(f"criteria[{i}]", c, "each criterion once")
    used = list(dict.fromkeys(c for c in rs.criteria if c in CRITERIA_BY_ID)) or list(
        CRITERIA_BY_ID
    )
    for i, c in enumerate(rs.order, start=1):
        if c not in CRITERIA_BY_ID:
            bad(f"order[{i}]", c, "a criterion: " + known)
        elif c in rs.order[: i - 1]:
            bad(f"order[{i}]", c, "each criterion once in the order")
    if rs.weighting == "roc":
        missing = [c for c in used if c not in rs.order]
        if missing:
            bad(
                "order",
                list(rs.order),
                "every criterion ranked, most important first, for ROC weighting; missing: "
                + ", ".join(missing),
            )
    for c, points in rs.swing.items():
        if c not in CRITERIA_BY_ID:
            bad(f"swing.{c}", c, "a criterion: " + known)
        elif _outside(points, 0, lim.MAX_SWING_POINTS):
            bad(
                f"swing.{c}",
                points,
                f"points between 0 and {fmt(lim.MAX_SWING_POINTS)} (the most valued swing gets "
                f"{fmt(lim.MAX_SWING_POINTS)})",
            )
    points_ok = all(
        c in CRITERIA_BY_ID and not _outside(v, 0, lim.MAX_SWING_POINTS)
        for c, v in rs.swing.items()
    )
    if rs.weighting == "swing" and points_ok and not any(rs.swing.get(c, 0) > 0 for c in used):
        bad(
            "swing",
            dict(rs.swing),
            "points > 0 for at least one ranked criterion for SWING weighting, e.g. "
            f"swing = {{ {used[0]} = 100 }}",
        )
    if rs.ahp or rs.weighting == "ahp":
        k = len(used)
        rows = [len(row) for row in rs.ahp]
        if len(rs.ahp) != k or any(n != k for n in rows):
            shape = f"{len(rs.ahp)} rows of " + (
                f"{rows[0]} numbers" if len(set(rows)) == 1 else "different lengths"
            )
            bad(
                "ahp",
                shape if rs.ahp else "no matrix",
                f"a {k} x {k} matrix of pairwise comparisons, one row and column per ranked "
                "criterion in the order " + ", ".join(used),
            )
        else:
            low, high = lim.AHP_RANGE
            for i, row in enumerate(rs.ahp, start=1):
                for j, v in enumerate(row, start=1):
                    if _outside(v, low, high):
                        bad(
                            f"ahp[{i}][{j}]",
                            v,
                            f"a comparison between {fmt(low)} and {fmt(high)} (1 = equally "
                            "important, 9 = far more important, 1/9 = far less)",
                        )


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
    # (the ranking settings themselves are checked with the scenario's ranges)
    problems += _check_smaa_size(scenario, data, shown)
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


def _check_smaa_size(scenario: Scenario, data: Dataset, shown: str) -> list[Problem]:
    """Refuse SMAA settings too large for memory, before any solve: the package count is
    bounded by archetypes x (frontier levels + troop levels + alternatives)."""
    r = scenario.robustness
    archetypes = len(scenario.archetypes or data.archetypes)
    f = scenario.frontier
    most = archetypes * (f.levels + f.troop_levels + f.alternatives)
    ranked = set(scenario.ranking.criteria) or set(CRITERIA_BY_ID)
    criteria = len(ranked)
    values = r.cost_uncertainty > 0 and "annual_cost_eur_bn" in ranked  # costs drawn per draw
    origin = (
        f"; up to {most:,} packages come from {archetypes} archetypes x ({f.levels} levels + "
        f"{f.troop_levels} troop levels + {f.alternatives} alternatives)"
    )
    # the stability intervals use the method even without SMAA draws
    if r.method == "PROMETHEE_II" and (why := lim.promethee_problem(most, criteria)):
        return [
            Problem(
                shown,
                f"a method that fits the packages: {why}{origin}",
                column="robustness.method",
                value=r.method,
            )
        ]
    why = lim.smaa_problem(r.smaa_draws, most, criteria, values, r.method)
    if r.smaa_draws <= 0 or why is None:
        return []
    return [Problem(shown, why + origin, column="robustness.smaa_draws", value=r.smaa_draws)]


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
                problems.append(Problem(shown, col.expected(value), column=where, value=value))
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


_WEIGHT_RULE = f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}"


def _weight(word: str) -> float | None:
    """A weight from text, or None if it is not a number within the documented range."""
    w = _number_of(word)
    return None if w is None or _outside(w, 0, lim.MAX_WEIGHT) else w


def parse_weights(text: str, where: str) -> tuple[list[float], list[Problem]]:
    """Weights from "0.3,0.2,..." (any non-negative numbers; they are normalised later)."""
    out, problems = [], []
    for i, word in enumerate(text.split(",")):
        w = _weight(word)
        if w is None:
            problems.append(
                Problem(
                    where,
                    _WEIGHT_RULE + _number_hint(word),
                    value=word.strip(),
                    column=f"weight {i + 1}",
                )
            )
        out.append(math.nan if w is None else w)
    return out, problems


def _safe_label(text: str) -> str | None:
    """Why an alternative or criterion name of a matrix cannot be used, or None.

    Names reach CSV files that people open in spreadsheets: one that starts with =, +, -, @
    would run there as a formula.
    """
    if len(text) > 100:
        return "a name of at most 100 characters"
    if text[:1] in ("=", "+", "-", "@"):
        return "a name that does not start with =, +, - or @ (a spreadsheet would run it)"
    if _bad_text(text):
        return "a name without control characters"
    return None


def read_matrix(
    path: str | Path, types: str | None = None, weights: str | None = None
) -> tuple[DecisionMatrix, list[float] | None]:
    """Read a decision matrix CSV for ``mcdm rank``.

    Format: a header row (``id`` then the criterion names), optionally rows whose first cell is
    ``type`` and ``weight`` right under the header, then one row an alternative. ``types`` and
    ``weights`` (comma-separated) override those rows. Returns the matrix and the weights (None
    if neither the file nor the options give any). At most
    :data:`~mcdm.limits.MAX_MATRIX_ALTERNATIVES` alternatives and
    :data:`~mcdm.limits.MAX_MATRIX_CRITERIA` criteria.
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
    sep = _separator_problem(rows[0], shown)
    if sep is not None:
        raise InputError([sep])
    header = [h.strip() for h in rows[0]]
    criteria = header[1:]
    if len(criteria) > lim.MAX_MATRIX_CRITERIA:
        raise InputError(
            [
                Problem(
                    shown,
                    f"at most {fmt(lim.MAX_MATRIX_CRITERIA)} criteria (columns after the id)",
                    row=1,
                    value=f"{len(criteria):,} criteria",
                )
            ]
        )
    if len(criteria) < 1:
        problems.append(
            Problem(
                shown, "at least one criterion column after the id", row=1, value=",".join(header)
            )
        )
    for name in criteria:
        if not name:
            problems.append(Problem(shown, "a name for every criterion column", row=1, found=False))
        elif why := _safe_label(name):
            problems.append(Problem(shown, why, row=1, column=name, value=name))
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
    if len(rows) - body_start > lim.MAX_MATRIX_ALTERNATIVES:
        raise InputError(
            [
                Problem(
                    shown,
                    f"at most {fmt(lim.MAX_MATRIX_ALTERNATIVES)} alternatives (rows)",
                    value=f"{len(rows) - body_start:,} alternatives",
                )
            ]
        )
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
            w = _weight(cell)
            if w is None:
                problems.append(
                    Problem(
                        shown,
                        _WEIGHT_RULE + _number_hint(cell),
                        row=weight_row[0],
                        column=criteria[j] if j < len(criteria) else "?",
                        value=cell,
                    )
                )
            parsed_weights.append(math.nan if w is None else w)
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
    elif parsed_weights is not None and not any(w > 0 or w != w for w in parsed_weights):
        if weights is not None:
            problems.append(Problem("--weights", "at least one weight above zero", value=weights))
        elif weight_row is not None:
            problems.append(
                Problem(
                    shown,
                    "at least one weight above zero",
                    row=weight_row[0],
                    value=",".join(weight_row[1]),
                )
            )
    ids: list[str] = []
    values: list[list[float]] = []
    seen: dict[str, int] = {}
    big = lim.MAX_MATRIX_VALUE
    value_rule = f"a number between -{big:g} and {big:g}"
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
        elif why := _safe_label(alt):
            problems.append(Problem(shown, why, row=rownum, column="id", value=alt))
        seen.setdefault(alt, rownum)
        vals = []
        for j, name in enumerate(criteria, start=1):
            v = _number_of(cells[j])
            if v is None or _outside(v, -big, big):
                problems.append(
                    Problem(
                        shown,
                        value_rule + _number_hint(cells[j]),
                        row=rownum,
                        column=name,
                        value=cells[j],
                        found=cells[j] != "",
                    )
                )
                v = math.nan
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
