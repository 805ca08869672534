"""One value of user input: numbers as people write them, ranges, safe text, and :class:`Column`.

A cell of a CSV file, an override in a scenario, an option's value and a matrix entry are all
read here, so that "1_000", "inf", "-0" and "1,500.5" get the same answer everywhere.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..limits import ID_PATTERN, ID_RULE, fmt

__all__ = ["Column", "bad_text", "below", "number_hint", "number_of", "outside"]


def number_of(raw: object) -> float | None:
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


def number_hint(raw: object) -> str:
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


def below(num: float, minimum: float | None) -> bool:
    """Below the minimum; "-0" counts as below a minimum of 0 (a sign that cannot be meant)."""
    if minimum is None:
        return False
    return num < minimum or (num == 0 == minimum and math.copysign(1.0, num) < 0)


def outside(value: float, low: float, high: float, *, open_low: bool = False) -> bool:
    """Whether ``value`` is outside [low, high] (or (low, high]); NaN is always outside."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return True
    inside = (low < value if open_low else low <= value) and value <= high
    return not inside or below(value, low)


def bad_text(text: str) -> str | None:
    """Why a string cannot be meant (or written back to TOML and read again), or None."""
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return "text without lone surrogates (it is not valid Unicode)"
        if (code < 32 and ch not in "\t\n\r") or code == 127:
            return "text without control characters"
    return None


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
            num = number_of(raw)
            low = f">= {fmt(self.minimum)}" if self.minimum is not None else ""
            if num is not None and math.isfinite(num) and low and below(num, self.minimum):
                return f"{noun} {low}"
            high = f"<= {fmt(self.maximum)}" if self.maximum is not None else ""
            bounds = " and ".join(b for b in (low, high) if b)
            return f"{noun}{' ' + bounds if bounds else ''}{number_hint(raw)}"
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
            return _parse_bool(raw, text)
        return self._parse_number(raw)

    def _parse_number(self, raw: object) -> tuple[object, bool]:
        if isinstance(raw, bool):
            return raw, False
        num = number_of(raw)
        if num is None or not math.isfinite(num):
            return raw, False
        if self.kind == "int" and num != int(num):
            return raw, False
        if self.minimum is not None and below(num, self.minimum):
            return raw, False
        if self.maximum is not None and num > self.maximum:
            return raw, False
        return (int(num) if self.kind == "int" else num), True


def _parse_bool(raw: object, text: str) -> tuple[object, bool]:
    if isinstance(raw, bool):
        return raw, True
    low = text.lower()
    if low in ("true", "yes", "1"):
        return True, True
    if low in ("false", "no", "0"):
        return False, True
    return text, False
