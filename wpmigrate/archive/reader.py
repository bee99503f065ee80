"""Reading an archive: the runs log, full-text search, SQL queries, the recorded source.

Everything here opens the archive read-only (`open_readonly`), so no write can slip through;
the CLI formats what these return and writes no SQL of its own.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import ArchiveError, WPMigrateError

CHANGE_KINDS = ("added", "modified", "deleted", "restored")


@dataclass
class Rows:
    """A query's answer: column names and rows of values, in order."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def open_readonly(path: str | os.PathLike[str]) -> sqlite_utils.Database:
    """A read-only connection: no write, ATTACH or VACUUM INTO can slip through.

    An archive on read-only media (a mounted backup, a CD) is read too: in WAL mode SQLite
    needs to create `ARCHIVE-shm` next to it, which it cannot there, so such an archive is
    opened `immutable` (nothing can be changing it).
    """
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"archive {path} does not exist")
    uri = f"{path.absolute().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        check_is_sqlite(conn, path)
    except ArchiveError:
        if os.access(path.parent, os.W_OK):
            raise
        conn = sqlite3.connect(uri + "&immutable=1", uri=True)
        check_is_sqlite(conn, path)
    conn.set_authorizer(_no_attach)
    return sqlite_utils.Database(conn)


def check_is_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    """One line that names what is wrong with the archive file, if anything is."""
    try:
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        name = getattr(exc, "sqlite_errorname", "")
        if name.startswith("SQLITE_NOTADB") or name.startswith("SQLITE_CORRUPT"):
            raise ArchiveError(f"{path} is not a SQLite archive ({exc})") from None
        if name.startswith("SQLITE_READONLY") or not os.access(path.parent, os.W_OK):
            raise ArchiveError(
                f"archive {path} is on read-only media: it can be read (query, search, log, "
                f"convert), not written ({exc})"
            ) from None
        raise ArchiveError(f"cannot open archive {path} ({exc})") from None


def run_query(path: str | os.PathLike[str], sql: str, params: dict[str, Any]) -> Rows:
    """Any SQL a user gives, read-only; a bad query is a one-line error."""
    db = open_readonly(path)
    try:
        cursor = db.execute(sql, params)
    except sqlite3.Error as exc:
        raise WPMigrateError(f"query failed: {exc}") from None
    return Rows([d[0] for d in cursor.description or []], cursor.fetchall())


def recent_runs(path: str | os.PathLike[str], limit: int) -> Rows:
    """The last `limit` runs, newest first, with how many items each added, modified..."""
    cursor = open_readonly(path).execute(
        """select r.id, r.started_at, r.command, r.status, r.source,
            sum(c.change = 'added') as added, sum(c.change = 'modified') as modified,
            sum(c.change = 'deleted') as deleted, sum(c.change = 'restored') as restored,
            r.error
        from runs r left join changes c on c.run_id = r.id
        group by r.id order by r.id desc limit ?""",
        [limit],
    )
    columns = [d[0] for d in cursor.description]
    rows = [
        tuple(0 if v is None and c in CHANGE_KINDS else v for c, v in zip(columns, r, strict=True))
        for r in cursor.fetchall()
    ]
    return Rows(columns, rows)


def recent_changes(path: str | os.PathLike[str], limit: int) -> Rows:
    """The items the last `limit` runs changed, with their type and title."""
    cursor = open_readonly(path).execute(
        """select c.run_id, c.change, c.item_id, i.type, i.title from changes c
        left join items i on i.id = c.item_id
        where c.run_id in (select id from runs order by id desc limit ?)
        order by c.run_id desc, c.change, c.item_id""",
        [limit],
    )
    return Rows([d[0] for d in cursor.description], cursor.fetchall())


def search(path: str | os.PathLike[str], text: str, *, types: tuple[str, ...], limit: int) -> Rows:
    """Live items matching every word of `text`, best first (titles weigh most)."""
    query = quote_fts(text)
    if not query:
        raise WPMigrateError("nothing to search for: give at least one word")
    db = open_readonly(path)
    where = "items.deleted_at is null"
    params: dict[str, Any] = {"query": query, "limit": limit}
    if types:
        where += " and items.type in (" + ", ".join(f":t{i}" for i in range(len(types))) + ")"
        params.update({f"t{i}": t for i, t in enumerate(types)})
    sql = f"""
        select items.id, items.type, substr(items.date_gmt, 1, 10) as date, items.title, items.link
        from items_fts join items on items.rowid = items_fts.rowid
        where items_fts match :query and {where}
        order by bm25(items_fts, 10.0, 3.0, 1.0) limit :limit
    """
    try:
        cursor = db.execute(sql, params)
    except sqlite3.Error as exc:
        raise WPMigrateError(f"search failed: {exc}") from None
    return Rows([d[0] for d in cursor.description], cursor.fetchall())


def quote_fts(text: str) -> str:
    """Each word must match (as a prefix-free token); FTS syntax in user input is neutralised."""
    words = [w.replace('"', '""') for w in text.split() if any(c.isalnum() for c in w)]
    return " ".join(f'"{w}"' for w in words)


def recorded_source(path: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """The source location and mapping files the archive's last run recorded."""
    db = open_readonly(path)
    try:
        rows = list(db["site"].rows_where("id = 1")) if db["site"].exists() else []
        mapping = (
            db.execute("select state from sync_state where collection = 'mapping'").fetchone()
            if db["sync_state"].exists()
            else None
        )
    finally:
        db.conn.close()
    if not rows or not rows[0].get("source_location"):
        raise ArchiveError(f"{path} has no source recorded: run `wpmigrate export` first")
    files = json.loads(mapping[0])["files"] if mapping else []
    return rows[0]["source_location"], files


def media_url(db: sqlite_utils.Database, media_id: int) -> str | None:
    """The file URL of media row `media_id`, or None when the archive has no such row."""
    row = db.execute("select url from media where id = ?", [media_id]).fetchone()
    return row[0] if row else None


def _no_attach(action: int, *_: object) -> int:
    """Read-only means no other file either: ATTACH and VACUUM INTO would create one."""
    return sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_ATTACH else sqlite3.SQLITE_OK
