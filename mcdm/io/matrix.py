"""Decision matrices for ``mcdm rank``: a CSV of alternatives x criteria, with directions and
weights from the file or from the ``--types`` and ``--weights`` options.

Format: a header row (``id`` then the criterion names), optionally rows whose first cell is
``type`` and ``weight`` right under the header, then one row an alternative. Problems in the
file name the file, row and column; problems in an option name the option.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from .. import limits as lim
from ..errors import InputError, Problem
from ..limits import fmt
from ..results import DecisionMatrix
from ._parse import decode, display, read_bytes, separator_problem
from ._values import bad_text, number_hint, number_of, outside

__all__ = ["parse_types", "parse_weights", "read_matrix"]

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
_TYPE_RULE = "1 or -1 (or benefit / cost)"
_WEIGHT_RULE = f"a weight between 0 and {fmt(lim.MAX_WEIGHT)}"

# a row of the file: its spreadsheet row number and its cells
Line = tuple[int, list[str]]


def parse_types(text: str, option: str = "--types") -> tuple[list[int], list[Problem]]:
    """Criterion directions from an option's value: "1,-1,..." or "benefit,cost,..." (also
    max/min)."""
    out, problems = [], []
    for i, word in enumerate(text.split(",")):
        key = word.strip().lower()
        if key in _TYPE_WORDS:
            out.append(_TYPE_WORDS[key])
        else:
            problems.append(
                Problem.option(option, _TYPE_RULE, value=word.strip(), column=f"type {i + 1}")
            )
    return out, problems


def parse_weights(text: str, option: str = "--weights") -> tuple[list[float], list[Problem]]:
    """Weights from an option's value "0.3,0.2,..." (any non-negative numbers; they are
    normalised later). A bad weight is NaN in the list and a problem."""
    out, problems = [], []
    for i, word in enumerate(text.split(",")):
        w = _weight(word)
        if w is None:
            problems.append(
                Problem.option(
                    option,
                    _WEIGHT_RULE + number_hint(word),
                    value=word.strip(),
                    column=f"weight {i + 1}",
                )
            )
        out.append(math.nan if w is None else w)
    return out, problems


def _weight(word: str) -> float | None:
    """A weight from text, or None if it is not a number within the documented range."""
    w = number_of(word)
    return None if w is None or outside(w, 0, lim.MAX_WEIGHT) else w


def _safe_label(text: str) -> str | None:
    """Why an alternative or criterion name of a matrix cannot be used, or None.

    Names reach CSV files that people open in spreadsheets: one that starts with =, +, -, @
    would run there as a formula.
    """
    if len(text) > 100:
        return "a name of at most 100 characters"
    if text[:1] in ("=", "+", "-", "@"):
        return "a name that does not start with =, +, - or @ (a spreadsheet would run it)"
    if bad_text(text):
        return "a name without control characters"
    return None


def read_matrix(
    path: str | Path, types: str | None = None, weights: str | None = None
) -> tuple[DecisionMatrix, list[float] | None]:
    """Read a decision matrix CSV for ``mcdm rank``.

    ``types`` and ``weights`` (the options' comma-separated values) override the file's
    ``type`` and ``weight`` rows. Returns the matrix and the weights (None if neither the file
    nor the options give any). At most :data:`~mcdm.limits.MAX_MATRIX_ALTERNATIVES`
    alternatives and :data:`~mcdm.limits.MAX_MATRIX_CRITERIA` criteria.

    Raises
    ------
    InputError
        Listing every problem of the file and the options.
    """
    path = Path(path)
    shown = display(path)
    problems: list[Problem] = []
    lines = _rows(path, shown)
    header = [h.strip() for h in lines[0][1]]
    criteria = header[1:]
    _check_criteria(criteria, header, shown, problems)
    type_row, weight_row, body = _split_rows(lines)
    if len(body) > lim.MAX_MATRIX_ALTERNATIVES:
        raise InputError(
            [
                Problem(
                    shown,
                    f"at most {fmt(lim.MAX_MATRIX_ALTERNATIVES)} alternatives (rows)",
                    value=f"{len(body):,} alternatives",
                )
            ]
        )
    parsed_types = _directions(types, type_row, criteria, shown, problems)
    parsed_weights = _weights(weights, weight_row, criteria, shown, problems)
    ids, values = _alternatives(body, header, shown, problems)
    if problems:
        raise InputError(problems)
    assert parsed_types is not None  # no directions is a problem
    return (
        DecisionMatrix(tuple(ids), tuple(criteria), np.array(values), tuple(parsed_types)),
        parsed_weights,
    )


def _rows(path: Path, shown: str) -> list[Line]:
    """The file's non-blank rows with their spreadsheet row numbers; raise if there are none
    or the file cannot be read as comma-separated text."""
    problems: list[Problem] = []
    raw = read_bytes(path, problems)
    text = decode(raw, shown, problems) if raw is not None else None
    if text is None:
        raise InputError(problems)
    lines: list[Line] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for r in reader:
            if any(c.strip() for c in r):
                lines.append((reader.line_num, r))
    except csv.Error as exc:
        raise InputError([Problem(shown, "well-formed CSV", value=str(exc))]) from exc
    if not lines:
        raise InputError(
            [Problem(shown, "a header row: id, then the criterion names", row=1, found=False)]
        )
    sep = separator_problem(lines[0][1], shown)
    if sep is not None:
        raise InputError([sep])
    return lines


def _check_criteria(
    criteria: list[str], header: list[str], shown: str, problems: list[Problem]
) -> None:
    """Criterion names: at most so many (else raise at once), each safe and named once."""
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


def _split_rows(lines: list[Line]) -> tuple[Line | None, Line | None, list[Line]]:
    """The ``type`` and ``weight`` rows right under the header (without their first cell), and
    the alternatives' rows."""
    type_row = weight_row = None
    body_start = 1
    for k in (1, 2):
        first = lines[k][1][0].strip().lower() if len(lines) > k and lines[k][1] else None
        if first in ("type", "types"):
            type_row, body_start = (lines[k][0], lines[k][1][1:]), k + 1
        elif first in ("weight", "weights"):
            weight_row, body_start = (lines[k][0], lines[k][1][1:]), k + 1
        else:
            break
    return type_row, weight_row, lines[body_start:]


def _directions(
    option: str | None,
    row: Line | None,
    criteria: list[str],
    shown: str,
    problems: list[Problem],
) -> list[int] | None:
    """One direction per criterion, from ``--types`` or else the file's type row."""
    parsed: list[int] | None = None
    if option is not None:
        parsed, found = parse_types(option)
        problems += found
    elif row is not None:
        parsed = []
        rownum, cells = row
        for j, cell in enumerate(cells):
            column = criteria[j] if j < len(criteria) else "?"
            for word in cell.split(","):  # a quoted cell may hold several
                key = word.strip().lower()
                if key in _TYPE_WORDS:
                    parsed.append(_TYPE_WORDS[key])
                else:
                    problems.append(
                        Problem(shown, _TYPE_RULE, row=rownum, column=column, value=word.strip())
                    )
    if parsed is None:
        problems.append(
            Problem(
                shown,
                "criterion directions: a 'type' row under the header or "
                "--types 1,-1,... (benefit,cost,...)",
                found=False,
            )
        )
    elif len(parsed) != len(criteria):
        problems.append(
            Problem(
                shown,
                f"{len(criteria)} directions, one per criterion",
                value=f"{len(parsed)} given",
            )
        )
    return parsed


def _weights(
    option: str | None,
    row: Line | None,
    criteria: list[str],
    shown: str,
    problems: list[Problem],
) -> list[float] | None:
    """One weight per criterion from ``--weights`` or else the file's weight row; None if
    neither gives any."""
    parsed: list[float] | None = None
    if option is not None:
        parsed, found = parse_weights(option)
        problems += found
    elif row is not None:
        parsed = []
        rownum, cells = row
        for j, cell in enumerate(cells):
            w = _weight(cell)
            if w is None:
                problems.append(
                    Problem(
                        shown,
                        _WEIGHT_RULE + number_hint(cell),
                        row=rownum,
                        column=criteria[j] if j < len(criteria) else "?",
                        value=cell,
                    )
                )
            parsed.append(math.nan if w is None else w)
    if parsed is None:
        return None
    if len(parsed) != len(criteria):
        problems.append(
            Problem(
                shown,
                f"{len(criteria)} weights, one per criterion",
                value=f"{len(parsed)} given",
            )
        )
    elif not any(w > 0 or w != w for w in parsed):  # NaN: a bad weight, reported above
        if option is not None:
            problems.append(
                Problem.option("--weights", "at least one weight above zero", value=option)
            )
        elif row is not None:
            problems.append(
                Problem(
                    shown,
                    "at least one weight above zero",
                    row=row[0],
                    value=",".join(row[1]),
                )
            )
    return parsed


def _alternatives(
    body: list[Line], header: list[str], shown: str, problems: list[Problem]
) -> tuple[list[str], list[list[float]]]:
    """The alternatives' ids and values; a bad cell is reported and read as NaN."""
    ids: list[str] = []
    values: list[list[float]] = []
    seen: dict[str, int] = {}
    for rownum, row in body:
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
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        _check_id(cells[0], rownum, seen, shown, problems)
        ids.append(cells[0])
        values.append(_values(cells, rownum, header[1:], shown, problems))
    if len(ids) < 2:
        problems.append(
            Problem(shown, "at least two alternatives (rows)", value=f"{len(ids)} row(s)")
        )
    return ids, values


def _check_id(
    alt: str, rownum: int, seen: dict[str, int], shown: str, problems: list[Problem]
) -> None:
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


def _values(
    cells: list[str], rownum: int, criteria: list[str], shown: str, problems: list[Problem]
) -> list[float]:
    big = lim.MAX_MATRIX_VALUE
    out = []
    for j, name in enumerate(criteria, start=1):
        v = number_of(cells[j])
        if v is None or outside(v, -big, big):
            problems.append(
                Problem(
                    shown,
                    f"a number between -{big:g} and {big:g}" + number_hint(cells[j]),
                    row=rownum,
                    column=name,
                    value=cells[j],
                    found=cells[j] != "",
                )
            )
            v = math.nan
        out.append(v)
    return out
