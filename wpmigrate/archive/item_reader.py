"""Reading the archive for conversion: every SQL statement `convert` and `redirects` need.

The archive is opened read-only, as `query` does. Items stream in id order; their terms,
fields, events, media, comments and mapped-table rows come from cursors ordered by item id
and are joined as they go (a merge join), so memory stays flat however large the archive.
Lookups that every item needs (terms, authors, media, the site) are read once.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WPMigrateError
from .reader import open_readonly
from .schema import TABLES

LIVE = "deleted_at is null"
PUBLISHED = ("publish",)
ITEM_COLUMNS = tuple(TABLES["items"][0])


@dataclass
class ItemRecord:
    """One item with everything attached to it, as the archive holds it."""

    row: dict[str, Any]
    terms: list[int] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    event: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    mapped: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.row["id"]


@dataclass(frozen=True)
class Selection:
    """Which items a conversion covers."""

    types: tuple[str, ...] = ()
    include_unpublished: bool = False
    deleted: bool = False  # the items the archive marks deleted instead

    @classmethod
    def of(cls, types: Iterable[str], include_unpublished: bool) -> Selection:
        """From `--types` values, each a type or a comma-separated list."""
        names = tuple(t.strip() for value in types for t in value.split(",") if t.strip())
        return cls(types=names, include_unpublished=include_unpublished)

    def where(self) -> tuple[str, list[Any]]:
        if self.deleted:
            return "deleted_at is not null", []
        clauses, params = [LIVE], []
        if self.types:
            clauses.append(f"type in ({', '.join('?' for _ in self.types)})")
            params.extend(self.types)
        if not self.include_unpublished:  # what the public saw: published, no password
            clauses.append(f"status in ({', '.join('?' for _ in PUBLISHED)})")
            clauses.append("not password_protected")
            params.extend(PUBLISHED)
        return " and ".join(clauses), params


class ArchiveReader:
    """Read-only access to one archive for `convert` and `redirects`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.conn: sqlite3.Connection = open_readonly(path).conn

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _dicts(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Iterator[dict]:
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    # -- lookups read once -------------------------------------------------------------------

    def site(self) -> dict[str, Any]:
        row = next(self._dicts("select * from site order by id limit 1"), None)
        return row or {}

    def terms(self) -> dict[int, dict[str, Any]]:
        """Every term (deleted ones too: an item may still name one), by id."""
        return {
            t["id"]: t
            for t in self._dicts(
                "select id, taxonomy, name, slug, parent_id, description, count, deleted_at "
                "from terms order by id"
            )
        }

    def authors(self) -> dict[int, dict[str, Any]]:
        return {a["id"]: a for a in self._dicts("select id, login, name, slug from authors")}

    def media(self) -> dict[int, dict[str, Any]]:
        """Live media rows, by id."""
        return {
            m["id"]: m
            for m in self._dicts(
                f"""select id, item_id, url, mime_type, title, caption, alt, description, width,
                height, filesize, file, slug, local_path, sha256
                from media where {LIVE} order by id"""
            )
        }

    def linked_files(self) -> dict[str, str]:
        """URL -> local path (relative to the media folder) of downloaded linked files."""
        return dict(
            self.conn.execute(
                "select url, local_path from linked_files "
                "where local_path is not null and sha256 is not null"
            )
        )

    def mapped_tables(self) -> list[str]:
        """Tables a mapping file built (one row per item, keyed by item_id)."""
        names = [
            r[0]
            for r in self.conn.execute(
                "select name from sqlite_master where type = 'table' order by name"
            )
        ]
        mapped = []
        for name in names:
            if name in TABLES or name.startswith("sqlite_") or "_fts" in name:
                continue
            columns = [r[1] for r in self.conn.execute(f"pragma table_info([{name}])")]
            if columns[:1] == ["item_id"]:
                mapped.append(name)
        return mapped

    # -- items -------------------------------------------------------------------------------

    def item_keys(self, selection: Selection) -> Iterator[dict[str, Any]]:
        """The light columns of the selected items: enough to lay them out and link them."""
        where, params = selection.where()
        yield from self._dicts(
            f"""select id, type, status, slug, title, date, date_gmt, link, parent_id
            from items where {where} order by id""",
            params,
        )

    def deleted_item_ids(self) -> set[int]:
        rows = self.conn.execute("select id from items where deleted_at is not null")
        return {r[0] for r in rows}

    def check_types(self, selection: Selection) -> None:
        """A clear error for a --types value no item has (a typo would select nothing)."""
        known = {r[0] for r in self.conn.execute("select distinct type from items")}
        unknown = sorted(set(selection.types) - known)
        if unknown:
            raise WPMigrateError(f"--types: no item has type {unknown[0]!r}")

    def items(
        self, selection: Selection, *, with_comments: bool = False, ids: set[int] | None = None
    ) -> Iterator[ItemRecord]:
        """The selected items in id order, each with its terms, fields, event and media."""
        where, params = selection.where()
        scope = f"item_id in (select id from items where {where})"
        joins: dict[str, _ByItem] = {
            "terms": _ByItem(
                self.conn.execute(
                    f"select item_id, term_id from item_terms where {scope} "
                    "order by item_id, term_id",
                    params,
                )
            ),
            "fields": _ByItem(
                self.conn.execute(
                    f"select item_id, name, value from fields where {scope} order by item_id, name",
                    params,
                )
            ),
            "events": self._cursor(f"select * from events where {scope} order by item_id", params),
            "media": self._cursor(
                f"select item_id, * from media where {LIVE} and {scope} order by item_id, id",
                params,
            ),
        }
        if with_comments:
            joins["comments"] = self._cursor(
                f"select item_id, * from comments where {LIVE} and {scope} order by item_id, id",
                params,
            )
        mapped = {
            table: self._cursor(f"select * from [{table}] order by item_id")
            for table in self.mapped_tables()
        }
        columns = ", ".join(ITEM_COLUMNS)
        for row in self._dicts(f"select {columns} from items where {where} order by id", params):
            item_id = row["id"]
            record = ItemRecord(row=row)
            record.terms = [r[1] for r in joins["terms"].take(item_id)]
            record.fields = {r[1]: _json(r[2]) for r in joins["fields"].take(item_id)}
            events = joins["events"].take(item_id)
            record.event = _strip_key(events[0]) if events else None
            record.attachments = [_strip_key(m) for m in joins["media"].take(item_id)]
            if with_comments:
                record.comments = [_strip_key(c) for c in joins["comments"].take(item_id)]
            for table, rows in mapped.items():
                taken = rows.take(item_id)
                if taken:
                    record.mapped[table] = {k: _decoded(v) for k, v in _strip_key(taken[0]).items()}
            if ids is None or item_id in ids:
                yield record

    def _cursor(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> _ByItem:
        return _ByItem(self.conn.execute(sql, params), as_dicts=True)


class _ByItem:
    """A cursor ordered by item id, read forward in step with the items (a merge join).

    The cursor's first column is the item id; `take(id)` returns that item's rows (tuples, or
    dicts with `as_dicts`) and skips those of items the caller never asked for.
    """

    def __init__(self, cursor: sqlite3.Cursor, *, as_dicts: bool = False):
        self._names = [d[0] for d in cursor.description] if as_dicts else None
        self._rows = iter(cursor)
        self._next = next(self._rows, None)

    def take(self, item_id: int) -> list[Any]:
        taken = []
        while self._next is not None and self._next[0] <= item_id:
            if self._next[0] == item_id:
                taken.append(self._next)
            self._next = next(self._rows, None)
        if self._names is not None:
            return [dict(zip(self._names, row, strict=True)) for row in taken]
        return taken


def _strip_key(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "item_id"}


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


def _decoded(value: Any) -> Any:
    """A mapped column's value: JSON lists and objects (as = json/list/split) decoded."""
    if isinstance(value, str) and value[:1] in "[{" and value:
        return _json(value)
    return value
