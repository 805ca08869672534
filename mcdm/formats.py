"""Figures for people: one format per unit, used by every sentence and table the tool writes."""

from __future__ import annotations

__all__ = ["format_chance", "format_eur_bn", "format_number"]


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


def format_chance(p: float) -> str:
    """A probability for people, never rounded to a certainty it is not: "100%" only when
    certain, "below 0.1%" and "above 99.9%" near the ends, one decimal below 10%."""
    if p >= 1.0:
        return "100%"
    if p <= 0.0:
        return "0%"
    if p < 0.001:
        return "below 0.1%"
    if p > 0.999:
        return "above 99.9%"
    if p < 0.1 or p > 0.99:
        return f"{100 * p:.1f}%"
    return f"{100 * p:.0f}%"
