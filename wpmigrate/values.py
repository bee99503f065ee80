"""Small parsers every reader shares: WordPress hands numbers over as text, or not at all."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def int_or(value: Any, default: T) -> int | T:
    """`value` as an integer ("42", " 42 ", 42), or `default` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
