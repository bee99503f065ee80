"""PHP-serialized values (postmeta, attachment metadata) decoded safely with phpserialize.

Objects (`O:`) are refused by phpserialize when no object hook is given, so a crafted value
can never instantiate anything; such values are kept as the original string.
"""

from __future__ import annotations

import io
import re
from typing import Any

import phpserialize

_SERIALIZED = re.compile(r"^(?:a:\d+:\{|s:\d+:\"|i:-?\d+;|d:[-0-9.eE]+;|b:[01];|N;)")


def maybe_unserialize(value: Any) -> Any:
    """Decode `value` if it is a PHP-serialized string; otherwise return it unchanged."""
    if not isinstance(value, str) or not _SERIALIZED.match(value):
        return value
    stream = io.BytesIO(value.strip().encode("utf-8"))
    try:
        decoded = phpserialize.load(stream, decode_strings=True)
    except (ValueError, TypeError, EOFError, UnicodeDecodeError, RecursionError):
        return value
    # Like WordPress's is_serialized(): the whole value must be the serialization, so
    # `i:5; apples` or `a:0:{}junk` stay text.
    if stream.read(1):
        return value
    return decoded
