"""The number format of each column the app's tables show, read from its header's unit."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..session.words import UNIT_FORMATS

__all__ = ["column_formats"]

#: Columns whose header carries no unit, with the unit their numbers are in.
_COLUMN_UNITS = {
    "Troops deployed": "troops",
    "Troops": "troops",
    "Troops in Ukraine": "troops",
    "Its troops": "troops",
    "Troop pool": "troops",
    "Deployed cap": "troops",
    "Active personnel": "troops",
    "Troops per unit": "troops",
    "Units": "count",
    "Expected troops": "troops",
    "Troops, 10th percentile": "troops",
    "Expected primary measure": "points",
    "Primary measure, 10th percentile": "points",
    "Packages": "count",
    "Consensus rank": "points",  # Borda's mean rank or Copeland's wins: one decimal, as points
}


def column_formats(columns: Iterable[str]) -> dict[str, str]:
    """The number format of each column that has one (printf style, for the app's tables):
    one format a unit (:data:`~mcdm.session.words.UNIT_FORMATS`), the unit read from the
    header's "(unit)" or from the column's name."""
    out = {}
    for col in map(str, columns):
        found = re.search(r"\(([^()]*)\)$", col)
        unit = _COLUMN_UNITS.get(col) or (found.group(1) if found else "")
        if unit.startswith("%") and unit not in UNIT_FORMATS:
            unit = "%"  # "% of deployable cap": a percentage like any other
        if unit in UNIT_FORMATS:
            out[col] = UNIT_FORMATS[unit]
    return out
