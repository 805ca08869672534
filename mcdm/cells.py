"""Text that is safe to open: spreadsheet cells that cannot run as formulas, Markdown shown as text.

Two kinds of reader would otherwise act on text that users typed into the data files, scenarios
or matrices (names, notes, sources, descriptions, rule names, ids, criterion names):

- A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return as a formula ("CSV injection", OWASP). Every CSV and
  Excel file the package writes goes through :func:`neutralise_frame`, which puts an apostrophe
  before such text, as OWASP advises (and writes a carriage return inside text as a line feed,
  which CSV writers quote). Numbers stay numbers: a negative number in a numeric column is
  data, not a formula. Parquet files are not spreadsheets and keep the text as it is.
- Markdown (Streamlit's ``st.markdown``, ``st.caption``, ``st.info`` and the like) renders links,
  images, raw HTML tags and ``$...$`` formulas. :func:`escape_markdown` makes user text show as
  the characters it holds.

Pure functions, no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = [
    "FORMULA_PREFIXES",
    "escape_markdown",
    "neutralise_frame",
    "neutralise_text",
    "sheet_names",
]

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it: an apostrophe before a formula start.

    A carriage return inside the text becomes a line feed: pandas quotes a CSV cell that holds
    a line feed but not one that holds a bare carriage return, which spreadsheets then read as
    the end of the row (the rest of the cell would open as a row of its own).

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("United Kingdom")
    'United Kingdom'
    >>> neutralise_text("\\rline one\\r\\nline two")
    "'\\nline one\\nline two"
    """
    safe = "'" + text if text.startswith(FORMULA_PREFIXES) else text
    return safe.replace("\r\n", "\n").replace("\r", "\n") if "\r" in safe else safe


def _cell(value: Any) -> Any:
    return neutralise_text(value) if isinstance(value, str) else value


def _needs(values: Iterable[Any]) -> bool:
    return any(isinstance(v, str) and (v.startswith(FORMULA_PREFIXES) or "\r" in v) for v in values)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels cannot run as formulas.

    Only text changes (see :func:`neutralise_text`); numeric columns, and numbers inside mixed
    columns, are returned as they are. ``frame`` itself is not modified; when nothing needs a
    change, ``frame`` is returned.
    """
    out = frame
    changed_columns = {
        c: frame[c].map(_cell)
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
        and _needs(frame[c].array)
    }
    if changed_columns:
        out = out.copy()
        for c, values in changed_columns.items():
            out[c] = values
    if _needs(_labels(frame.columns)):
        out = out.copy() if out is frame else out
        out.columns = _relabel(frame.columns)
    if _needs(_labels(frame.index)):
        out = out.copy() if out is frame else out
        out.index = _relabel(frame.index)
    return out


def _labels(index: pd.Index) -> Iterable[Any]:
    if isinstance(index, pd.MultiIndex):
        return (part for label in index for part in label)
    return iter(index)


def _relabel(index: pd.Index) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(_cell(p) for p in label) for label in index], names=index.names
        )
    return pd.Index([_cell(v) for v in index], name=index.name)


# Characters Excel refuses in a sheet name; it also refuses an apostrophe at either end.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_SHEET_MAX = 31


def sheet_names(names: Iterable[str]) -> list[str]:
    """Excel sheet names for tables: allowed characters, at most 31, unique, no formula start.

    A name is cut to 31 characters (Excel's limit); characters Excel refuses (``[]:*?/\\`` and
    control characters) become ``_``, as does a leading formula character or apostrophe (an
    apostrophe prefix is not allowed in a sheet name); a name taken already gets `` (2)``,
    `` (3)``, ... so that no table overwrites another.
    """
    out: list[str] = []
    taken: set[str] = set()
    for raw in names:
        name = _SHEET_FORBIDDEN.sub("_", str(raw).removesuffix(".csv")).strip(" ")
        while name and (name[0] in FORMULA_PREFIXES or name[0] == "'"):
            name = "_" + name[1:]
        name = name.rstrip("'") or "Sheet"
        if name.lower() == "history":  # reserved by Excel
            name = "History_"
        name = name[:_SHEET_MAX]
        unique, k = name, 2
        while unique.lower() in taken:
            tail = f" ({k})"
            unique, k = name[: _SHEET_MAX - len(tail)] + tail, k + 1
        taken.add(unique.lower())
        out.append(unique)
    return out


# --- Markdown ----------------------------------------------------------------------------------

# Escaped anywhere: what makes Markdown act rather than show text. "[" and "]" open links, images
# and Streamlit's directives (:red[...]); "<" opens raw HTML and autolinks; "$" opens a LaTeX
# formula; "`" a code span; "*" bold (so user text cannot pose as the bold our own sentences
# use); "\\" is the escape character itself. "_" ( ) and a ">" inside a line are left alone:
# they can only change the look of the text, and messages that name columns such as troop_pool,
# allow "'_' or '-'" or expect ">= 0" read the same in the raw string as on the page.
_MD_ALWAYS = re.compile(r"([\\`*\[\]<$])")
# Bare web addresses, which GFM turns into links: break the "://" and the "www." they need.
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=\bwww)\.")
# At the start of a line these make a heading, a quote, a list item, a rule, a table or a fence.
_MD_LINE_START = re.compile(r"(\A|[\r\n])([ \t]*)(?:([#>+\-=|~_])|(\d+)\.)")


def _line_start(m: re.Match[str]) -> str:
    head = m.group(1) + m.group(2)
    return head + ("\\" + m.group(3) if m.group(3) else m.group(4) + "\\.")


def escape_markdown(text: object) -> str:
    """``text`` for Streamlit Markdown: shown as the characters it holds, never as a link, image,
    HTML, formula, heading or list.

    The escapes are CommonMark's backslash escapes, so the page shows the text unchanged.

    Examples
    --------
    >>> escape_markdown("[click](http://x)")
    '\\\\[click\\\\](http\\\\://x)'
    >>> escape_markdown("column troop_pool: found '-1'; expected a number >= 0")
    "column troop_pool: found '-1'; expected a number >= 0"
    """
    s = _MD_ALWAYS.sub(r"\\\1", str(text))
    s = _MD_AUTOLINK.sub(lambda m: "\\" + m.group(0), s)
    return _MD_LINE_START.sub(_line_start, s)
