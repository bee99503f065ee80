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
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from ..cleaning import Cleaner
from ..conversions import Converter, Unconvertible
from ..mapping import KEY_COLUMN, Column, Mapping, TypeTable
from .store import Archive, WriteCounts

EXAMPLE_IDS = 5  # offending item ids kept per column in runs.counts


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
