"""The archive's schema, as data: tables, keys, foreign keys, indexes and full-text search.

Declared once here so that the schema reads in one place and Datasette gets every link;
`ensure_schema` applies it to a database, creating what is missing and changing nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the functions use a database: the data imports nothing
    import sqlite_utils

SCHEMA_VERSION = 1

# Where a row came from and whether the site still shows it: items and media carry these.
PROVENANCE: dict[str, type] = {
    "source": str,
    "source_url": str,
    "fetched_at": str,
    "content_hash": str,
    "deleted_at": str,
    "deleted_reason": str,
}

# The file `--media DIR` downloaded (path relative to DIR, as fetched): media and
# linked_files carry these.
DOWNLOADED_FILE: dict[str, type] = {
    "local_path": str,
    "sha256": str,
    "size": int,
    "mime": str,
    "file_etag": str,
    "file_last_modified": str,
    "file_error": str,
}

# table -> (columns with types, primary key)
TABLES: dict[str, tuple[dict[str, type], str | tuple[str, ...]]] = {
    "site": (
        {
            "id": int,
            "title": str,
            "url": str,
            "description": str,
            "language": str,
            "source_kind": str,
            "source_location": str,
            "wxr_version": str,
            "rest_namespaces": str,
            "timezone": str,
            "gmt_offset": float,
            "updated_at": str,
        },
        "id",
    ),
    "authors": ({"id": int, "login": str, "name": str, "slug": str}, "id"),
    "terms": (
        {
            "id": int,
            "taxonomy": str,
            "name": str,
            "slug": str,
            "parent_id": int,
            "description": str,
            "count": int,
            "deleted_at": str,
            "deleted_reason": str,
        },
        "id",
    ),
    "items": (
        {
            "id": int,
            "type": str,
            "status": str,
            "slug": str,
            "title": str,
            "excerpt": str,
            "content_html": str,
            "content_text": str,
            "date": str,
            "date_gmt": str,
            "modified_gmt": str,
            "author_id": int,
            "parent_id": int,
            "menu_order": int,
            "link": str,
            "password_protected": int,
            "sticky": int,
            "featured_media_id": int,
            "comment_status": str,
            **PROVENANCE,
        },
        "id",
    ),
    "item_terms": ({"item_id": int, "term_id": int}, ("item_id", "term_id")),
    "fields": ({"item_id": int, "name": str, "value": str}, ("item_id", "name")),
    "media": (
        {
            "id": int,
            "item_id": int,
            "url": str,
            "mime_type": str,
            "title": str,
            "caption": str,
            "alt": str,
            "description": str,
            "width": int,
            "height": int,
            "filesize": int,
            "file": str,
            "date_gmt": str,
            "modified_gmt": str,
            "author_id": int,
            "slug": str,
            "status": str,
            **PROVENANCE,
            **DOWNLOADED_FILE,
            "file_row_hash": str,  # content_hash of this row when the file was fetched
        },
        "id",
    ),
    # Files under /wp-content/uploads/ that content links to but no media row names.
    "linked_files": (
        {
            "url": str,
            "item_id": int,
            **DOWNLOADED_FILE,
        },
        "url",
    ),
    "comments": (
        {
            "id": int,
            "item_id": int,
            "parent_id": int,
            "author_name": str,
            "author_url": str,
            "date_gmt": str,
            "content_html": str,
            "content_text": str,
            "status": str,
            "type": str,
            "deleted_at": str,
            "deleted_reason": str,
        },
        "id",
    ),
    "events": (
        {
            "item_id": int,
            "start": str,
            "end": str,
            "timezone": str,
            "all_day": int,
            "venue": str,
            "address": str,
            "city": str,
            "country": str,
            "cost": str,
            "url": str,
            "source_plugin": str,
            "recurrence": str,
        },
        "item_id",
    ),
    "runs": (
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "source": str,
            "command": str,
            "status": str,
            "counts": str,
            "error": str,
        },
        "id",
    ),
    "changes": (
        {"run_id": int, "item_id": int, "change": str, "at": str},
        ("run_id", "item_id"),
    ),
    "item_versions": (
        {
            "item_id": int,
            "run_id": int,
            "title": str,
            "excerpt": str,
            "content_html": str,
            "modified_gmt": str,
            "content_hash": str,
            "fields": str,
            "saved_at": str,
        },
        ("item_id", "content_hash"),
    ),
    # What cleaning took out of an item's text (debris rules, learned or pinned, and the
    # cleaning steps that remove visible text): the run of text that went, not the page;
    # replaced whenever the item is written again.
    "removed": (
        {"item_id": int, "field": str, "rule": str, "text": str, "run_id": int},
        ("item_id", "field", "rule", "text"),
    ),
    "sync_state": (
        {"collection": str, "state": str, "updated_at": str},
        "collection",
    ),
}

# Tombstone.kind -> the table whose rows it marks
TOMBSTONE_TABLES = {"item": "items", "media": "media", "term": "terms", "comment": "comments"}

# (table, column, other table, other column)
FOREIGN_KEYS = [
    ("items", "author_id", "authors", "id"),
    ("items", "parent_id", "items", "id"),
    ("items", "featured_media_id", "media", "id"),
    ("terms", "parent_id", "terms", "id"),
    ("item_terms", "item_id", "items", "id"),
    ("item_terms", "term_id", "terms", "id"),
    ("fields", "item_id", "items", "id"),
    ("media", "item_id", "items", "id"),
    ("media", "author_id", "authors", "id"),
    ("comments", "item_id", "items", "id"),
    ("comments", "parent_id", "comments", "id"),
    ("events", "item_id", "items", "id"),
    ("linked_files", "item_id", "items", "id"),
    ("changes", "run_id", "runs", "id"),
    ("changes", "item_id", "items", "id"),
    ("item_versions", "item_id", "items", "id"),
    ("item_versions", "run_id", "runs", "id"),
    ("removed", "item_id", "items", "id"),
    ("removed", "run_id", "runs", "id"),
]

# Every foreign-key column is indexed (see ensure_schema); these are the extra ones.
INDEXES = [
    ("items", ["type", "status"]),
    ("items", ["modified_gmt"]),
    ("terms", ["taxonomy", "slug"]),
]

FTS = {"items": ["title", "excerpt", "content_text"]}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns, foreign keys, indexes and FTS. Idempotent."""
    for name, (columns, pk) in TABLES.items():
        table = db[name]
        if not table.exists():
            table.create(columns, pk=pk, not_null=key_columns(pk))
        else:
            missing = {c: t for c, t in columns.items() if c not in table.columns_dict}
            for column, col_type in missing.items():
                table.add_column(column, col_type)
    _ensure_foreign_keys(db)
    join_columns = [(table, [column]) for table, column, _, _ in FOREIGN_KEYS]
    for table, columns in INDEXES + join_columns:
        db[table].create_index(columns, if_not_exists=True)
    for table, columns in FTS.items():
        # Also rebuilds an index whose triggers a killed first export left dropped
        # (Archive.search_index_built_at_end).
        db[table].enable_fts(columns, create_triggers=True, tokenize="porter", replace=True)


def drop_search_triggers(db: sqlite_utils.Database) -> list[str]:
    """Drop the triggers that keep the full-text indexes in step; returns their SQL."""
    names = [f"{table}{suffix}" for table in FTS for suffix in ("_ai", "_ad", "_au")]
    rows = db.execute(
        f"select name, sql from sqlite_master where type = 'trigger' "
        f"and name in ({', '.join('?' for _ in names)}) order by rowid",
        names,
    ).fetchall()
    for name, _ in rows:
        db.execute(f"drop trigger [{name}]")
    return [sql for _, sql in rows]


def rebuild_search_index(db: sqlite_utils.Database, triggers: list[str]) -> None:
    """Index every row at once, then put back the triggers `drop_search_triggers` took."""
    for table in FTS:
        db.execute(f"insert into [{table}_fts]([{table}_fts]) values ('rebuild')")
    for sql in triggers:
        db.execute(sql)


def key_columns(pk: str | tuple[str, ...]) -> set[str]:
    return {pk} if isinstance(pk, str) else set(pk)


def _ensure_foreign_keys(db: sqlite_utils.Database) -> None:
    wanted = []
    for table, column, other, other_column in FOREIGN_KEYS:
        existing = {(fk.column, fk.other_table) for fk in db[table].foreign_keys}
        if (column, other) not in existing:
            wanted.append((table, column, other, other_column))
    if wanted:
        # sqlite-utils rebuilds each table once with all its new foreign keys.
        db.add_foreign_keys(wanted)
