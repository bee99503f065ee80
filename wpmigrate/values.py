"""Small parsers every reader shares: WordPress hands numbers over as text, or not at all."""

from __future__ import annotations

import re
from typing import Any, TypeVar

T = TypeVar("T")

# SQLite's INTEGER: a larger number cannot be stored (OverflowError), so it is not a value.
_INT64 = range(-(2**63), 2**63)
_DIGITS = re.compile(r"[0-9]+")


def int_or(value: Any, default: T) -> int | T:
    """`value` as an integer ("42", " 42 ", 42) SQLite can store, or `default` otherwise."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number in _INT64 else default


def wp_id(value: Any) -> int | None:
    """A WordPress id (post, term, comment, user): a whole number from 1 up to what SQLite
    stores, given as digits (surrounding whitespace allowed) or an int; None for anything
    else (`abc`, `0`, `-4`, `1e3`, twenty digits)."""
    if isinstance(value, str):
        text = value.strip()
        number = int(text) if _DIGITS.fullmatch(text) and len(text) < 20 else None
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        return None
    return number if number is not None and 0 < number < 2**63 else None
