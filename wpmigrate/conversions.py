"""Conversions of a mapped column: a raw value (a field, term names, an archive column) to its type.

Each is a small function of the value; `Converter` picks one by the column's `convert`. A value
that does not convert raises `Unconvertible`, which the per-type tables store as NULL and count.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from .archive.reader import media_url
from .cleaning import Cleaner
from .mapping import Column

_INTEGER = re.compile(r"^[+-]?\d+$")
_YMD = re.compile(r"^\d{8}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Unconvertible(ValueError):
    """A value that the column's conversion cannot turn into its type."""


# -- conversions --------------------------------------------------------------------------


class Converter:
    """Turns a raw value (decoded JSON, term names, an archive column) into a column's type.

    Empty values (missing, null, "", [] or {}) become NULL whatever the conversion.
    """

    def __init__(self, db: sqlite_utils.Database, cleaner: Cleaner | None = None):
        self.db = db
        self.cleaner = cleaner or Cleaner()
        self._media_urls: dict[int, str | None] = {}
        self._conversions: dict[str, Callable[[Any, Column], Any]] = {
            "text": lambda v, c: to_text(v),
            "int": lambda v, c: to_int(v),
            "float": lambda v, c: to_float(v),
            "bool": lambda v, c: to_bool(v),
            "date": lambda v, c: to_date(v, c.format),
            "datetime": lambda v, c: to_datetime(v, c.format),
            "json": lambda v, c: json.dumps(v, ensure_ascii=False),
            "list": lambda v, c: to_list(v, c.split),
            "media_url": lambda v, c: self.media_url(v),
            "html_to_text": lambda v, c: self.html_to_text(v),
            "markdown": lambda v, c: self.markdown(v),
        }

    def convert(self, value: Any, column: Column) -> Any:
        if _is_empty(value):
            return None
        result = self._conversions[column.convert](value, column)
        return None if _is_empty(result) else result

    def media_url(self, value: Any) -> str | None:
        """An attachment id (or ACF's file array, or a URL already) -> the file's URL."""
        if isinstance(value, dict):
            value = value.get("url") or value.get("ID") or value.get("id")
        if isinstance(value, str) and value.startswith(("http://", "https://", "/")):
            return value
        if isinstance(value, bool | float | list | dict) or value is None:
            raise Unconvertible(value)
        media_id = to_int(value)
        if media_id <= 0:
            return None  # WordPress writes 0 for "no file"
        if media_id not in self._media_urls:
            self._media_urls[media_id] = media_url(self.db, media_id)
        url = self._media_urls[media_id]
        if not url:
            raise Unconvertible(value)  # no such attachment in the archive
        return url

    def html_to_text(self, value: Any) -> str:
        return self.cleaner.to_text(self.cleaner.clean_html(_html(value)))

    def markdown(self, value: Any) -> str:
        # Imported here: markdownify pulls in BeautifulSoup, start-up time that every other run
        # (a nightly no-change sync, say) would pay for nothing.
        from markdownify import ATX, markdownify

        html = self.cleaner.clean_html(_html(value))
        return markdownify(html, heading_style=ATX, bullets="-").strip()


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _html(value: Any) -> str:
    if not isinstance(value, str):
        raise Unconvertible(value)
    return value


def to_text(value: Any) -> str:
    """Strings as they are; numbers and booleans spelt out; a list of names joined by ", "."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_scalar(value):
        return str(value)
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        return ", ".join(to_text(v) for v in value)
    return json.dumps(value, ensure_ascii=False)


def to_int(value: Any) -> int:
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    number = to_float(value)
    if not number.is_integer():
        raise Unconvertible(value)
    return int(number)


def to_float(value: Any) -> float:
    if isinstance(value, bool | int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise Unconvertible(value) from None
    else:
        raise Unconvertible(value)
    if not math.isfinite(number):
        raise Unconvertible(value)
    return number


def to_bool(value: Any) -> bool:
    """true/false, 1/0 (as numbers or text), yes/no, on/off."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise Unconvertible(value)


def to_date(value: Any, format: str | None = None) -> str:
    """`YYYY-MM-DD`, read with `format`, or else as ACF's `Ymd` or ISO 8601."""
    return _parse_datetime(value, format).date().isoformat()


def to_datetime(value: Any, format: str | None = None) -> str:
    """ISO 8601: `YYYY-MM-DDTHH:MM:SS`, in UTC with a `Z` when the value has an offset."""
    parsed = _parse_datetime(value, format)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return parsed.strftime("%Y-%m-%dT%H:%M:%S")


def _parse_datetime(value: Any, format: str | None) -> datetime:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Unconvertible(value)
    text = str(value).strip()
    try:
        if format:
            return datetime.strptime(text, format)
        if _YMD.match(text):
            return datetime.strptime(text, "%Y%m%d")
        return datetime.fromisoformat(text)
    except ValueError:
        raise Unconvertible(value) from None


def to_list(value: Any, split: str | None = None) -> str:
    """A JSON list: lists as they are, one value as a list of one, text cut at `split`."""
    values = value if isinstance(value, list) else [value]
    if split is not None:
        if not all(_is_scalar(v) for v in values):
            raise Unconvertible(value)
        parts = (part.strip() for v in values for part in to_text(v).split(split))
        values = [part for part in parts if part]
    return json.dumps(values, ensure_ascii=False) if values else ""
