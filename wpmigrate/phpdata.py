"""PHP-serialized values (postmeta, attachment metadata) decoded safely with phpserialize.

Objects (`O:`) are refused by phpserialize when no object hook is given, so a crafted value
can never instantiate anything; such values are kept as the original string.
"""

from __future__ import annotations

import re
from typing import Any

import phpserialize

_SERIALIZED = re.compile(r"^(?:a:\d+:\{|s:\d+:\"|i:-?\d+;|d:[-0-9.eE]+;|b:[01];|N;)")


def maybe_unserialize(value: Any) -> Any:
    """Decode `value` if it is a PHP-serialized string; otherwise return it unchanged."""
    if not isinstance(value, str) or not _SERIALIZED.match(value):
        return value
    try:
        return phpserialize.loads(value.encode("utf-8"), decode_strings=True)
    except (ValueError, TypeError, EOFError, UnicodeDecodeError):
        return value
