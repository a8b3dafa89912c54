"""What every spreadsheet export shares: cell values typed by people are never run as formulas.

A name or a title that starts with =, +, - or @ (or a tab or carriage return before one) is a
formula to Excel and LibreOffice ("CSV injection"); a leading apostrophe makes it text again.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    return f"'{text}" if text and text.startswith(FORMULA_STARTS) else text


__all__ = ["FORMULA_STARTS", "formula_safe"]
