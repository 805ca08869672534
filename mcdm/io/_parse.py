"""Reading what users hand in, below any one kind of file: bytes, text, CSV, TOML, pydantic.

Every function here reports into a list of :class:`~mcdm.errors.Problem` instead of raising, so
that one pass over the input finds every problem. pydantic's ``ValidationError`` is translated
into problems here and nowhere else.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import limits as lim
from ..errors import Problem
from ._values import Column, bad_text

__all__ = [
    "MAX_FILE_BYTES",
    "check_text",
    "check_unique",
    "decode",
    "display",
    "parse_csv_text",
    "parse_toml_text",
    "pydantic_problems",
    "read_bytes",
    "read_toml",
    "separator_problem",
    "toml_depth",
    "too_deep",
]

MAX_FILE_BYTES = 20_000_000


def display(path: Path | str) -> str:
    """A path as users should read it: relative to the working directory where possible."""
    p = Path(path)
    try:
        rel = os.path.relpath(p)
    except ValueError:  # different drive on Windows
        return str(p)
    return str(p.resolve()) if rel.startswith("..") else rel


# --- bytes and text ----------------------------------------------------------------------------


def read_bytes(path: Path, problems: list[Problem]) -> bytes | None:
    """A file's bytes, or None with a problem: missing, a folder, or too large."""
    shown = display(path)
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


def decode(raw: bytes, shown: str, problems: list[Problem]) -> str | None:
    """UTF-8 text (a byte-order mark is dropped), or None with a problem that names the
    encoding the bytes seem to be in."""
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


def check_text(obj: object, shown: str, problems: list[Problem], key: str = "") -> None:
    """Every key and string in a parsed document must be text that a TOML file can hold."""
    if isinstance(obj, str):
        why = bad_text(obj)
        if why:
            problems.append(Problem(shown, why, column=key or None, value=obj))
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            name = str(k)
            why = bad_text(name)
            if why:
                problems.append(Problem(shown, f"a key of {why}", column=key or None, value=name))
                continue
            check_text(v, shown, problems, f"{key}.{name}" if key else name)
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj, start=1):
            check_text(v, shown, problems, f"{key}[{i}]")


# --- CSV ---------------------------------------------------------------------------------------


def separator_problem(header: Sequence[str], shown: str) -> Problem | None:
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error as exc:
        problems.append(Problem(shown, "well-formed CSV", value=str(exc)))
        return []
    header = _checked_header(rows, shown, columns, problems)
    if header is None:
        return []
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
        parsed = _parse_row(cells, rownum, header, shown, columns, problems, seen_ids)
        if parsed is not None:
            out.append((rownum, parsed))
    return out


def _checked_header(
    rows: list[list[str]], shown: str, columns: Sequence[Column], problems: list[Problem]
) -> list[str] | None:
    """The header's names, with a problem for each duplicate, unknown or missing column; None
    if the rows cannot be read against ``columns`` at all."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.append(Problem(shown, "a header row naming the columns", row=1, found=False))
        return None
    sep = separator_problem(rows[0], shown)
    if sep is not None:
        problems.append(sep)
        return None
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
    return None if missing else header


def _parse_row(
    cells: list[str],
    rownum: int,
    header: list[str],
    shown: str,
    columns: Sequence[Column],
    problems: list[Problem],
    seen_ids: dict[str, set[str]] | None,
) -> dict[str, object] | None:
    """One data row parsed against ``columns``, or None if a cell is bad (each one reported)."""
    index = {name: i for i, name in enumerate(header)}
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
    return parsed if ok_row else None


def check_unique(
    rows: Iterable[tuple[int, dict[str, object]]],
    key: Callable[[dict], object],
    shown: str,
    column: str,
    problems: list[Problem],
) -> None:
    """A problem for each row whose ``key`` an earlier row already has."""
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


# --- TOML --------------------------------------------------------------------------------------


def read_toml(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """A TOML file as a document, or None with its problems."""
    shown = display(path)
    raw = read_bytes(path, problems)
    if raw is None:
        return None
    text = decode(raw, shown, problems)
    if text is None:
        return None
    return parse_toml_text(text, shown, problems)


def parse_toml_text(text: str, shown: str, problems: list[Problem]) -> dict[str, Any] | None:
    """TOML text as a document, or None with its problems (syntax, nesting, odd '_')."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(shown, "valid TOML", value=str(exc)))
        return None
    except RecursionError:
        problems.append(too_deep(shown))
        return None
    except ValueError as exc:  # an integer of more than 4,300 digits
        problems.append(
            Problem(shown, "valid TOML with numbers of sane size", value=str(exc).split(";")[0])
        )
        return None
    if toml_depth(doc) > lim.MAX_TOML_DEPTH:
        problems.append(too_deep(shown))
        return None
    before = len(problems)
    problems.extend(_odd_digit_groups(text, shown))
    return doc if len(problems) == before else None


def too_deep(shown: str) -> Problem:
    return Problem(
        shown,
        f"tables and arrays nested at most {lim.MAX_TOML_DEPTH} levels deep",
        value="deeper nesting",
    )


def toml_depth(obj: object, limit: int = lim.MAX_TOML_DEPTH + 1) -> int:
    """How deeply tables and arrays nest in ``obj`` (counting stops just past ``limit``)."""
    if limit <= 0 or not isinstance(obj, Mapping | list | tuple):
        return 0
    items = obj.values() if isinstance(obj, Mapping) else obj
    return 1 + max((toml_depth(v, limit - 1) for v in items), default=0)


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


# --- pydantic ----------------------------------------------------------------------------------


def pydantic_problems(
    exc: ValidationError,
    shown: str,
    prefix: str = "",
    keys: Callable[[tuple[str, ...]], Sequence[str] | None] | None = None,
) -> list[Problem]:
    """pydantic's errors as problems; ``keys`` gives the valid keys under a table's path, for a
    "did you mean" hint on a misspelt key."""
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = _dotted([*(prefix.split(".") if prefix else []), *loc])
        kind = err["type"]
        if kind in ("unexpected_keyword_argument", "extra_forbidden"):
            parent = tuple(str(part) for part in loc[:-1] if not isinstance(part, int))
            choices = keys(parent) if keys is not None else None
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
    return msg[0].lower() + msg[1:] if msg else "a valid value"
