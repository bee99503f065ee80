"""PHP-serialized values (postmeta, attachment metadata) decoded safely with phpserialize.

Objects (`O:8:"stdClass":…`, which older plugins wrote) are decoded as plain data: their
properties as a dict, the class name dropped. Nothing is ever instantiated. Values that do
not decode whole (custom `C:` serializations, damaged strings) are kept as the original text.
"""

from __future__ import annotations

import io
import re
from typing import Any

import phpserialize

_SERIALIZED = re.compile(r"^(?:a:\d+:\{|O:\d+:\"|s:\d+:\"|i:-?\d+;|d:[-0-9.eE]+;|b:[01];|N;)")


def maybe_unserialize(value: Any) -> Any:
    """Decode `value` if it is a PHP-serialized string; otherwise return it unchanged."""
    if not isinstance(value, str) or not _SERIALIZED.match(value):
        return value
    stream = io.BytesIO(value.strip().encode("utf-8"))
    try:
        decoded = phpserialize.load(stream, decode_strings=True, object_hook=_properties)
    except (ValueError, TypeError, EOFError, UnicodeDecodeError, RecursionError):
        return value
    # Like WordPress's is_serialized(): the whole value must be the serialization, so
    # `i:5; apples` or `a:0:{}junk` stay text.
    if stream.read(1):
        return value
    return decoded


def _properties(class_name: str, properties: dict[Any, Any]) -> dict[Any, Any]:
    """An object's properties. Protected and private ones are serialized as
    `\\0*\\0name` and `\\0Class\\0name`: they keep their plain name."""
    return {
        key.rsplit("\0", 1)[-1] if isinstance(key, str) else key: value
        for key, value in properties.items()
    }
