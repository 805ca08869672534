"""The run's tables as files to hand on: a zip of CSV files, an Excel workbook; safe to open."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..cells import neutralise_frame, sheet_names

__all__ = ["csv_zip", "excel_workbook"]


def csv_zip(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """All tables as CSV files in one zip, as a run folder holds them, safe to open (text that
    a spreadsheet would run as a formula gets an apostrophe in front)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, frame in tables.items():
            z.writestr(name, neutralise_frame(frame).to_csv(index=False, lineterminator="\n"))
    return buf.getvalue()


def excel_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """All tables in one workbook, one sheet each, safe to open.

    Sheet names come from the table names (see :func:`mcdm.cells.sheet_names`: at most 31
    characters, unique); text that a spreadsheet would run as a formula gets an apostrophe in
    front (:func:`mcdm.cells.neutralise_frame`), and control characters that the file format
    cannot hold become U+FFFD.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for sheet, frame in zip(sheet_names(tables), tables.values(), strict=True):
            _printable(neutralise_frame(frame)).to_excel(writer, sheet_name=sheet, index=False)
    return buf.getvalue()


def _printable(frame: pd.DataFrame) -> pd.DataFrame:
    """openpyxl refuses control characters (other than tab, LF, CR) in a cell: replace them."""

    def fix(v: Any) -> Any:
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v

    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)]
    bad = [c for c in text if frame[c].map(lambda v: fix(v) != v).any()]
    header = [fix(c) for c in frame.columns]
    if not bad and header == list(frame.columns):
        return frame
    out = frame.copy()
    for c in bad:
        out[c] = frame[c].map(fix)
    out.columns = header
    return out
