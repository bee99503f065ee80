"""Per-type tables: the items of a mapped type as rows of typed columns.

`[types.publication] table = "reports"` in a mapping file gives a `reports` table with one row
per live publication, keyed by `item_id` (a foreign key to `items.id`). The rows are built from
the archive's own tables (`items`, `fields`, `terms`, `item_terms`, `authors`, `media`) at
the end of every export and sync, dropped and rebuilt in one transaction, so they always agree
with them and a re-run gives the same table. `items`, `fields` and `terms` are only read:
a mapping adds tables, it never hides anything.

A value that does not convert (a `date` that is not a date) is stored as NULL and counted in
the run's counts: `unconverted` (per `table.column`) and `unconverted_items` (the first few
item ids).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from .archive import Archive, WriteCounts
from .cleaning import Cleaner
from .mapping import KEY_COLUMN, Column, Mapping, TypeTable

EXAMPLE_IDS = 5  # offending item ids kept per column in runs.counts
_INTEGER = re.compile(r"^[+-]?\d+$")
_YMD = re.compile(r"^\d{8}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Unconvertible(ValueError):
    """A value that the column's conversion cannot turn into its type."""


def build_tables(archive: Archive, mapping: Mapping, counts: WriteCounts) -> None:
    """Rebuild the table of every mapped type, in one transaction; count what happened."""
    if not mapping.types:
        return
    converter = Converter(archive.db, Cleaner(mapping.cleaning))
    with archive.transaction():
        for spec in mapping.types.values():
            build_table(archive.db, spec, converter, counts)


def build_table(
    db: sqlite_utils.Database, spec: TypeTable, converter: Converter, counts: WriteCounts
) -> int:
    """Drop and recreate `spec.table` from the archive; returns the number of rows."""
    db[f"{spec.table}_fts"].drop(ignore=True)
    db[spec.table].drop(ignore=True)
    table = db.table(spec.table)
    table.create(
        {KEY_COLUMN: int, **{c.name: c.sql_type for c in spec.columns}},
        pk=KEY_COLUMN,
        not_null={KEY_COLUMN},
        foreign_keys=[(KEY_COLUMN, "items", "id")],
    )
    failures = _Failures(spec.table)
    rows = list(_rows(db, spec, converter, failures))
    table.insert_all(rows, batch_size=500)
    if spec.search_columns:
        table.enable_fts(spec.search_columns, tokenize="porter")
    counts.add("tables", spec.table, len(rows))
    failures.record(counts)
    return len(rows)


# -- reading the archive ------------------------------------------------------------------


def _rows(
    db: sqlite_utils.Database, spec: TypeTable, converter: Converter, failures: _Failures
) -> Iterator[dict[str, Any]]:
    fields = _fields(db, spec)
    terms = _terms(db, spec)
    for record in _items(db, spec):
        item_id = record["id"]
        row: dict[str, Any] = {KEY_COLUMN: item_id}
        for column in spec.columns:
            raw = _raw_value(column, record, fields.get(item_id, {}), terms.get(item_id, {}))
            try:
                row[column.name] = converter.convert(raw, column)
            except Unconvertible:
                row[column.name] = None
                failures.add(column.name, item_id)
        yield row


def _items(db: sqlite_utils.Database, spec: TypeTable) -> Iterator[dict[str, Any]]:
    """Live items of the type with the item, author and featured-media columns used."""
    wanted = {"i.id as id"}
    for column in spec.columns:
        if column.origin == "items":
            wanted.add(f'i."{column.key}" as "{column.key}"')
        elif column.origin == "author":
            wanted.add(f'a."{column.key}" as "author.{column.key}"')
        elif column.origin == "media":
            wanted.add(f'm."{column.key}" as "media.{column.key}"')
    sql = f"""
        select {", ".join(sorted(wanted))} from items i
        left join authors a on a.id = i.author_id
        left join media m on m.id = i.featured_media_id
        where i.type = ? and i.deleted_at is null order by i.id
    """
    cursor = db.execute(sql, [spec.post_type])
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def _fields(db: sqlite_utils.Database, spec: TypeTable) -> dict[int, dict[str, Any]]:
    """item id -> field name -> decoded value, for the fields the columns read."""
    names = {c.key for c in spec.columns if c.origin in ("acf", "meta")}
    names |= {n.split(".", 1)[0] for n in names}
    if not names:
        return {}
    marks = ", ".join("?" for _ in names)
    sql = f"""
        select f.item_id, f.name, f.value from fields f join items i on i.id = f.item_id
        where i.type = ? and i.deleted_at is null and f.name in ({marks})
    """
    result: dict[int, dict[str, Any]] = {}
    for item_id, name, value in db.execute(sql, [spec.post_type, *sorted(names)]):
        result.setdefault(item_id, {})[name] = _json(value)
    return result


def _terms(db: sqlite_utils.Database, spec: TypeTable) -> dict[int, dict[str, list[str]]]:
    """item id -> taxonomy -> term names (in name order), for the taxonomies the columns read."""
    taxonomies = sorted({c.key for c in spec.columns if c.origin == "terms"})
    if not taxonomies:
        return {}
    marks = ", ".join("?" for _ in taxonomies)
    sql = f"""
        select it.item_id, t.taxonomy, t.name from item_terms it
        join terms t on t.id = it.term_id join items i on i.id = it.item_id
        where i.type = ? and i.deleted_at is null and t.taxonomy in ({marks})
        order by t.name, t.id
    """
    result: dict[int, dict[str, list[str]]] = {}
    for item_id, taxonomy, name in db.execute(sql, [spec.post_type, *taxonomies]):
        result.setdefault(item_id, {}).setdefault(taxonomy, []).append(name)
    return result


def _raw_value(
    column: Column, record: dict[str, Any], fields: dict[str, Any], terms: dict[str, list[str]]
) -> Any:
    origin, key = column.origin, column.key
    if origin in ("acf", "meta"):
        return _field(fields, key)
    if origin == "terms":
        return terms.get(key)
    if origin in ("author", "media"):
        return record.get(f"{origin}.{key}")
    return record.get(key)


def _field(fields: dict[str, Any], key: str) -> Any:
    """A field by name, or a part of one: `contact.email`, `partners.0.name`."""
    if key in fields:
        return fields[key]
    name, _, path = key.partition(".")
    value = fields.get(name)
    for part in path.split(".") if path else []:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


@dataclass
class _Failures:
    table: str
    counts: dict[str, int] = field(default_factory=dict)
    items: dict[str, list[int]] = field(default_factory=dict)

    def add(self, column: str, item_id: int) -> None:
        key = f"{self.table}.{column}"
        self.counts[key] = self.counts.get(key, 0) + 1
        examples = self.items.setdefault(key, [])
        if len(examples) < EXAMPLE_IDS:
            examples.append(item_id)

    def record(self, counts: WriteCounts) -> None:
        for key, n in self.counts.items():
            counts.add("unconverted", key, n)
        if self.items:
            # Item ids rather than a count: runs.counts is JSON, and this is where users look.
            examples: dict[str, Any] = counts.counts.setdefault("unconverted_items", {})
            examples.update(self.items)


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
            row = self.db.execute("select url from media where id = ?", [media_id]).fetchone()
            self._media_urls[media_id] = row[0] if row else None
        url = self._media_urls[media_id]
        if not url:
            raise Unconvertible(value)  # no such attachment in the archive
        return url

    def html_to_text(self, value: Any) -> str:
        return self.cleaner.to_text(self.cleaner.clean_html(_html(value)))

    def markdown(self, value: Any) -> str:
        # Imported here: markdownify pulls in BeautifulSoup, ~0.15 s that every other run
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
