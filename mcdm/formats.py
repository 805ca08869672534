"""Figures for people: one format per unit, used by every sentence and table the tool writes."""

from __future__ import annotations

__all__ = ["format_eur_bn", "format_number"]


def format_eur_bn(value_bn: float) -> str:
    """Money for people: "EUR 1.63 bn" or, below EUR 1 bn, "EUR 40 m"."""
    if abs(value_bn) >= 1.0:
        return f"EUR {value_bn:,.2f} bn"
    return f"EUR {value_bn * 1000:,.0f} m"


def format_number(value: float) -> str:
    """A figure for a sentence: thousands separated, small ones with three significant digits
    (never "0.0" for 0.04)."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
