"""Step ``decode_entities``."""

from __future__ import annotations

import html as _html
import re
from html.entities import html5

from .config import CleaningConfig

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_KEEP_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "[": "&#91;"}


_ENTITY_CACHE: dict[str, str] = {}


def _entity_repl(m: re.Match, _get=_ENTITY_CACHE.get) -> str:
    entity = m[0]
    out = _get(entity)
    if out is None:
        # Named: exact name only (html.unescape would read "&notx;" as "¬x;").
        ch = _html.unescape(entity) if entity[1] == "#" else html5.get(entity[1:], entity)
        # unknown name: leave as written; markup characters stay escaped
        out = entity if ch == entity else _KEEP_ESCAPED.get(ch, ch)
        if len(_ENTITY_CACHE) < 10_000:
            _ENTITY_CACHE[entity] = out
    return out


def decode_entities(html: str, config: CleaningConfig | None = None) -> str:
    """Decode entities, keeping ``& < > " '`` and ``[`` escaped (HTML stays valid)."""
    if not html or "&" not in html:
        return html
    return _ENTITY_RE.sub(_entity_repl, html)
