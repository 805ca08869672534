"""Exports for people: a self-contained HTML briefing, the run's tables as an Excel workbook or
a zip of CSV files.

Pure functions (no Streamlit): the app offers what they return, the tests read it. The
recommended package in plain words is :func:`mcdm.describe.describe_top` (importable from here
too); what changed between two settings, and snapshots, are in :mod:`mcdm.session`.

- :mod:`.page`: the HTML briefing (:func:`briefing_html`), section by section;
- :mod:`.tables`: its tables as rows of text, and the one HTML table writer;
- :mod:`.settings`: the scenario's settings in words;
- :mod:`.exports`: the zip of CSV files and the Excel workbook.

The briefing is one HTML file that works offline: plotly.js is inlined once in its head, before
any chart's script, and every piece of user text (names, descriptions, rules, the
classification line) is escaped, so that it shows as text and never becomes markup.
"""

from ..describe import describe_top
from .exports import csv_zip, excel_workbook
from .page import briefing_html

__all__ = [
    "briefing_html",
    "csv_zip",
    "describe_top",
    "excel_workbook",
]
