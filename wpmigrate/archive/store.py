"""The archive's writer: the only code that changes an archive (and the reads a writing run needs).

`Archive.open` takes the archive's exclusive lock and brings its schema up to date. Rows are
written in batches,
one transaction per batch; every write is an upsert keyed by the WordPress id, so re-running
an interrupted export converges on the same archive.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock
import sqlite_utils

from ..errors import ArchiveError
from ..model import Author, Comment, Coverage, Event, Item, Media, Site, Term
from .reader import check_is_sqlite
from .schema import (
    FOREIGN_KEYS,
    SCHEMA_VERSION,
    TABLES,
    TOMBSTONE_TABLES,
    drop_search_triggers,
    ensure_schema,
    key_columns,
    rebuild_search_index,
)


def utc_now() -> str:
    """Now, in UTC; `SOURCE_DATE_EPOCH` (seconds) fixes it, for archives reproducible to the
    byte (https://reproducible-builds.org/specs/source-date-epoch/)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    now = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class CleanText:
    """The cleaned text of an item, computed by the pipeline from the raw Item."""

    title: str
    content_html: str
    content_text: str
    excerpt: str
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (field, rule, text)


@dataclass
class WriteCounts:
    """What a run did, per kind of record; stored as JSON in runs.counts."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    # The batch writer's thread and the reading thread both count.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        with self._lock:
            per_kind = self.counts.setdefault(kind, {})
            per_kind[outcome] = per_kind.get(outcome, 0) + n

    def get(self, kind: str, outcome: str) -> int:
        return self.counts.get(kind, {}).get(outcome, 0)


class Archive:
    """One site's archive. Open it with `Archive.open()`; it takes an exclusive lock."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        path: Path | None,
        lock: filelock.BaseFileLock | None = None,
    ):
        self.db = db
        self.path = path
        self._lock = lock
        self.keep_history = False  # store the previous version of modified items
        self._depth = 0  # open transactions: inner ones are savepoints

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> Archive:
        path = Path(path)
        if not path.parent.exists():
            raise ArchiveError(f"cannot create archive {path}: folder {path.parent} does not exist")
        if path.is_dir():
            raise ArchiveError(f"archive path {path} is a folder, not a file")
        if not path.exists() and not create:
            raise ArchiveError(f"archive {path} does not exist")
        lock = _acquire_lock(path)
        try:
            # The run's batches are written on a background thread (batch_writer.py), one
            # thread at a time.
            conn = sqlite3.connect(
                str(path), isolation_level=None, timeout=30, check_same_thread=False
            )
            check_is_sqlite(conn, path)
            db = sqlite_utils.Database(conn)
            archive = cls(db, path, lock)
            archive._prepare()
        except BaseException:
            _release_lock(lock)
            raise
        return archive

    def close(self) -> None:
        self.db.conn.close()
        if self._lock is not None:
            _release_lock(self._lock)
            self._lock = None

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _prepare(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"archive {self.path} was written by a newer wpmigrate (schema {version}, "
                f"this version knows {SCHEMA_VERSION}): upgrade wpmigrate"
            )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            with self.transaction():
                ensure_schema(self.db)
                self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        else:
            with self.transaction():
                ensure_schema(self.db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; inside another it is a savepoint, and the outer one decides.

        A run from a file wraps the whole run in one, so the file lands whole or not at all.
        """
        nested = self._depth > 0
        self.db.execute("SAVEPOINT nested" if nested else "BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
            self.db.execute("RELEASE nested" if nested else "COMMIT")
        except BaseException:
            # SQLite itself may have rolled back already (a full disk, a failed COMMIT).
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK TO nested" if nested else "ROLLBACK")
                if nested:
                    self.db.execute("RELEASE nested")
            raise
        finally:
            self._depth -= 1

    # -- full-text search -------------------------------------------------------------------

    @contextmanager
    def search_index_built_at_end(self) -> Iterator[None]:
        """Into an archive without items, build the full-text index once, when the block
        ends, instead of row by row through its triggers: the same index (every term,
        document, column and offset) for a fraction of the time.

        The block's writes may commit (a site's batches): should the process be killed
        meanwhile, the next `Archive.open` finds the triggers missing and rebuilds the index.
        """
        empty = self.db.execute("select not exists (select 1 from items)").fetchone()[0]
        if not empty:
            yield
            return
        with self.transaction():
            triggers = drop_search_triggers(self.db)
        try:
            yield
        except BaseException:
            # The error to tell is the first one.
            with contextlib.suppress(Exception), self.transaction():
                rebuild_search_index(self.db, triggers)
            raise
        with self.transaction():
            rebuild_search_index(self.db, triggers)

    # -- runs --------------------------------------------------------------------------------

    def start_run(self, source: str, command: str) -> int:
        with self.transaction():
            table = self.db["runs"]
            table.insert(
                {"started_at": utc_now(), "source": source, "command": command, "status": "running"}
            )
            return table.last_pk

    def finish_run(
        self, run_id: int, status: str, counts: WriteCounts, error: str | None = None
    ) -> None:
        row = {
            "finished_at": utc_now(),
            "status": status,
            "counts": json.dumps(counts.counts, sort_keys=True),
            "error": error,
        }
        try:
            with self.transaction():
                self.db["runs"].update(run_id, row)
        except sqlite3.OperationalError:
            if self._depth:
                raise
            # A full disk: the WAL still holds the pages of the batch that failed; give
            # them back to the disk, then record the run's end once more.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with self.transaction():
                self.db["runs"].update(run_id, row)

    # -- state ------------------------------------------------------------------------------

    def site(self) -> dict[str, Any] | None:
        rows = list(self.db["site"].rows_where("id = 1"))
        return rows[0] if rows else None

    def set_state(self, collection: str, state: dict[str, Any]) -> None:
        """Record a checkpoint; call inside the transaction that wrote what it covers."""
        self.db["sync_state"].upsert(
            {"collection": collection, "state": json.dumps(state), "updated_at": utc_now()},
            pk="collection",
        )

    # -- writers (call inside a transaction) ------------------------------------------------

    def save_site(self, site: Site) -> None:
        row = _columns(site)
        row["rest_namespaces"] = json.dumps(site.rest_namespaces)
        row.update(id=1, updated_at=utc_now())
        self.db["site"].upsert(row, pk="id")

    def save_authors(self, authors: Iterable[Author]) -> None:
        rows = [_columns(a) for a in authors]
        for row in rows:
            row["name"] = row["name"] or row["login"] or row["slug"]
        self._write("authors", rows)

    def save_terms(self, terms: Iterable[Term], counts: WriteCounts) -> None:
        rows = [{**_columns(t), "deleted_at": None, "deleted_reason": None} for t in terms]
        self._count_upserts("terms", rows, counts)
        self._write("terms", rows)

    def save_media(self, media: Iterable[Media], source: str, fetched_at: str, counts: WriteCounts):
        rows = []
        for m in media:
            row = _columns(m)
            row.update(
                source=source,
                fetched_at=fetched_at,
                content_hash=_hash_row(row),
                deleted_at=None,
                deleted_reason=None,
            )
            rows.append(row)
        self._count_upserts("media", rows, counts)
        self._write("media", rows)

    def save_events(self, events: Iterable[Event]) -> None:
        self._write("events", [_columns(e) for e in events])

    def save_items(
        self,
        batch: list[tuple[Item, CleanText, list[str]]],
        run_id: int,
        fetched_at: str,
        counts: WriteCounts,
    ) -> None:
        """Upsert items with their terms, fields and comments; log what changed.

        `batch` holds (item, its cleaned text, the cleaned text of each comment). Items whose
        content hash is unchanged are left alone, which keeps re-runs cheap. An item in the
        trash (WXR carries the trash) is archived with `deleted_at` set.
        """
        if not batch:
            return
        ids = [item.id for item, _, _ in batch]
        previous = {
            row[0]: (row[1], row[2])
            for row in self.db.execute(
                f"select id, content_hash, deleted_at from items where id in ({_marks(ids)})", ids
            )
        }
        rows = _ItemRows()
        for item, text, comment_texts in batch:
            digest = item.content_hash()
            trashed = item.status == "trash"
            before = previous.get(item.id)
            change = _change(before, digest, trashed)
            if change is None:
                counts.add("items", "unchanged")
                continue
            counts.add("items", change)
            row = _item_row(item, text, fetched_at, digest)
            if trashed:
                row.update(
                    deleted_at=(before and before[1]) or fetched_at, deleted_reason="trashed"
                )
            rows.add(item, row, comment_texts, change, run_id, fetched_at)
            rows.removed.extend(
                {"item_id": item.id, "field": f, "rule": rule, "text": gone, "run_id": run_id}
                for f, rule, gone in text.removed
            )
        if not rows.ids:
            return
        if self.keep_history:
            self._save_versions(rows.ids, run_id, fetched_at)
        # An item's terms, fields and removals are written with it: only items the archive
        # already held can have any to replace (a first export has none to look for).
        held = [item_id for item_id in rows.ids if item_id in previous]
        if held:
            marks = _marks(held)
            self.db.execute(f"delete from item_terms where item_id in ({marks})", held)
            self.db.execute(f"delete from fields where item_id in ({marks})", held)
            self.db.execute(f"delete from removed where item_id in ({marks})", held)
        self._write("items", rows.items)
        self._write("item_terms", rows.terms, on_conflict="ignore")
        self._write("fields", rows.fields, on_conflict="replace")
        self._write("comments", rows.comments)
        self._write("changes", rows.changes, on_conflict="replace")
        self._write("removed", rows.removed, on_conflict="replace")
        counts.add("comments", "seen", len(rows.comments))

    def _save_versions(self, ids: list[int], run_id: int, saved_at: str) -> None:
        """Copy the current rows of items about to change into item_versions."""
        self.db.execute(
            f"""insert or ignore into item_versions
                (item_id, run_id, title, excerpt, content_html, modified_gmt, content_hash,
                 fields, saved_at)
            select id, ?, title, excerpt, content_html, modified_gmt, content_hash,
                (select json_group_object(name, json(value)) from fields where item_id = items.id),
                ?
            from items where id in ({_marks(ids)})""",
            [run_id, saved_at, *ids],
        )

    def tombstone(
        self,
        kind: str,
        ids: list[int],
        reason: str,
        run_id: int,
        at: str,
        counts: WriteCounts,
        *,
        within: Coverage | None = None,
    ) -> None:
        """Mark rows the source no longer shows as deleted; their data stays.

        With `within` (a partial source), rows outside what it covers are left alone and
        counted as `not_compared`.
        """
        table = TOMBSTONE_TABLES[kind]
        if not ids:
            return
        live = [
            r[0]
            for r in self.db.execute(
                f"select id from {table} where deleted_at is null and id in ({_marks(ids)})", ids
            )
        ]
        if live and within is not None:
            inside = self._covered(kind, live, within)
            if len(inside) < len(live):
                counts.add("not_compared", table, len(live) - len(inside))
            live = [i for i in live if i in inside]
        if not live:
            return
        marks = _marks(live)
        self.db.execute(
            f"update {table} set deleted_at = ?, deleted_reason = ? where id in ({marks})",
            [at, reason, *live],
        )
        if table == "items":
            self._write(
                "changes",
                [{"run_id": run_id, "item_id": i, "change": "deleted", "at": at} for i in live],
                on_conflict="replace",
            )
        counts.add(table, "deleted", len(live))

    def drop_dangling_links(self, counts: WriteCounts) -> None:
        """Links to rows the archive does not have (a post's parent left out of the file, a
        term no item list names): the link goes, the row stays, and `unlinked` counts them.

        A link that is a row's key (an `item_terms` pair, an event's item) goes with its row.
        Called at the end of a complete run, when every row the source has is written.
        """
        for table, column, other, other_column in FOREIGN_KEYS:
            dangling = (
                f"[{column}] is not null and [{column}] not in (select [{other_column}] "
                f"from [{other}])"
            )
            if column in key_columns(TABLES[table][1]):
                sql = f"delete from [{table}] where {dangling}"
            else:
                sql = f"update [{table}] set [{column}] = null where {dangling}"
            dropped = self.db.execute(sql).rowcount
            if dropped:
                counts.add("unlinked", f"{table}.{column}", dropped)

    def _covered(self, kind: str, ids: list[int], within: Coverage) -> set[int]:
        """Of `ids` (rows of `kind`), those a partial source speaks for."""
        if kind == "term":
            return set(ids) if within.whole_content else set()
        if kind == "media":
            covered = within.whole_content or "attachment" in within.types
            if not covered or within.media_dates is None:
                return set()
            sql = f"select id from media where id in ({_marks(ids)}) and date_gmt between ? and ?"
            return {r[0] for r in self.db.execute(sql, [*ids, *within.media_dates])}
        scope, params = _item_scope(within)
        if kind == "item":
            sql = f"select id from items where id in ({_marks(ids)}) and {scope}"
        else:  # comments go with the items they are on
            sql = (
                f"select comments.id from comments join items on items.id = comments.item_id "
                f"where comments.id in ({_marks(ids)}) and {scope}"
            )
        return {r[0] for r in self.db.execute(sql, [*ids, *params])}

    def mark_abandoned_runs(self) -> None:
        """Runs left 'running' by a killed process (we hold the lock, so none is alive)."""
        with self.transaction():
            self.db.execute(
                "update runs set status = 'interrupted', error = 'the process was killed' "
                "where status = 'running'"
            )

    def save_comments(self, comments: list[tuple[Comment, str]], counts: WriteCounts) -> None:
        """Comments that a source lists on their own (REST), with their cleaned text."""
        rows = [_comment_row(comment, text) for comment, text in comments]
        self._count_upserts("comments", rows, counts)
        self._write("comments", rows)

    def _write(
        self, table: str, rows: list[dict[str, Any]], *, on_conflict: str = "update"
    ) -> None:
        """Insert rows in one executemany; on a key conflict update, ignore or replace.

        Plain SQL rather than sqlite-utils' upsert_all on this hot path: one statement per
        batch instead of two per row. Update triggers (FTS) fire as for any UPDATE.
        """
        if not rows:
            return
        columns = list(rows[0])
        pk = TABLES[table][1]
        keys = (pk,) if isinstance(pk, str) else pk
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" for _ in columns)
        if on_conflict == "update":
            updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c not in keys)
            sql = (
                f"insert into [{table}] ({names}) values ({marks}) "
                f"on conflict ({', '.join(keys)}) do update set {updates}"
            )
        else:
            sql = f"insert or {on_conflict} into [{table}] ({names}) values ({marks})"
        self.db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])

    def _count_upserts(self, table: str, rows: list[dict[str, Any]], counts: WriteCounts) -> None:
        if not rows:
            return
        ids = [r["id"] for r in rows]
        known = {
            r[0]
            for r in self.db.execute(f"select id from {table} where id in ({_marks(ids)})", ids)
        }
        added = sum(1 for i in ids if i not in known)
        counts.add(table, "added", added)
        counts.add(table, "seen", len(ids))

    # -- reading helpers ---------------------------------------------------------------------

    def known_versions(self) -> dict[str, dict[int, tuple[str | None, tuple[int, ...]]]]:
        """Per collection ('items:<type>', 'media', 'terms:<taxonomy>', 'comments'): id ->
        (modified_gmt, sorted term ids); terms and comments carry ids only.

        What an incremental run compares a source's sweep against; deleted rows are left
        out, so an item that comes back is fetched and restored.
        """
        versions: dict[str, dict[int, tuple[str | None, tuple[int, ...]]]] = {}
        rows = self.db.execute(
            """select id, type, modified_gmt,
                (select group_concat(term_id) from item_terms where item_id = items.id)
            from items where deleted_at is null"""
        )
        for item_id, item_type, modified, terms in rows:
            term_ids = tuple(sorted(int(t) for t in terms.split(","))) if terms else ()
            versions.setdefault(f"items:{item_type}", {})[item_id] = (modified, term_ids)
        media = self.db.execute("select id, modified_gmt from media where deleted_at is null")
        versions["media"] = {media_id: (modified, ()) for media_id, modified in media}
        terms = self.db.execute("select id, taxonomy from terms where deleted_at is null")
        for term_id, taxonomy in terms:
            versions.setdefault(f"terms:{taxonomy}", {})[term_id] = (None, ())
        comments = self.db.execute("select id from comments where deleted_at is null")
        versions["comments"] = {comment_id: (None, ()) for (comment_id,) in comments}
        return versions

    def term_ids(self) -> dict[tuple[str, str], int]:
        """(taxonomy, slug) -> id of the live terms."""
        rows = self.db.execute(
            "select taxonomy, slug, id from terms where deleted_at is null order by id"
        )
        return {(taxonomy, slug): term_id for taxonomy, slug, term_id in rows}

    def known_pages(self) -> dict[str, tuple[int, str | None]]:
        """Page URL -> (id, modified_gmt) of live items a crawl archived."""
        rows = self.db.execute(
            "select source_url, id, modified_gmt from items "
            "where source = 'crawl' and deleted_at is null"
        )
        return {url: (item_id, modified) for url, item_id, modified in rows}

    def states(self, prefix: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute(
            "select collection, state from sync_state where collection like ?", [prefix + "%"]
        )
        return {collection: json.loads(state) for collection, state in rows}

    # -- downloaded files (media_files.py) ---------------------------------------------------

    def media_for_download(self) -> list[dict[str, Any]]:
        """Live media rows with what the last download recorded about their file."""
        cursor = self.db.execute(
            """select id, url, file, mime_type, content_hash, local_path, sha256, size, mime,
                file_etag, file_last_modified, file_row_hash
            from media where deleted_at is null and coalesce(url, '') != '' order by id"""
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def linked_files(self) -> dict[str, dict[str, Any]]:
        cursor = self.db.execute("select * from linked_files order by url")
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}

    def html_mentioning(self, needle: str) -> Iterator[tuple[int, str]]:
        """(id, content_html) of live items whose HTML contains `needle`."""
        yield from self.db.execute(
            "select id, content_html from items where deleted_at is null "
            "and instr(content_html, ?) > 0 order by id",
            [needle],
        )

    def record_files(self, media: list[dict[str, Any]], linked: list[dict[str, Any]]) -> None:
        """What downloads found: media rows by id, linked files by URL. One transaction."""
        with self.transaction():
            for row in media:
                self.db.execute(
                    "update media set "
                    + ", ".join(f"[{k}] = ?" for k in row if k != "id")
                    + " where id = ?",
                    [*(v for k, v in row.items() if k != "id"), row["id"]],
                )
            self._write("linked_files", linked)

    def set_item_html(self, changes: list[tuple[int, str]]) -> None:
        """Replace items' content_html (links pointed at local copies)."""
        with self.transaction():
            self.db.conn.executemany(
                "update items set content_html = ? where id = ?",
                [(html, item_id) for item_id, html in changes],
            )

    def add_run_counts(self, run_id: int, counts: WriteCounts) -> None:
        """Merge counts into a finished run's row (downloads run after the export)."""
        with self.transaction():
            row = self.db.execute("select counts from runs where id = ?", [run_id]).fetchone()
            merged = json.loads(row[0]) if row and row[0] else {}
            for kind, outcomes in counts.counts.items():
                for outcome, n in outcomes.items():
                    merged.setdefault(kind, {})[outcome] = merged.get(kind, {}).get(outcome, 0) + n
            self.db.execute(
                "update runs set counts = ? where id = ?",
                [json.dumps(merged, sort_keys=True), run_id],
            )

    def live_ids(self) -> dict[str, set[int]]:
        """Ids not marked deleted, by Tombstone kind: item, media, term, comment."""
        return {
            kind: {
                r[0] for r in self.db.execute(f"select id from {table} where deleted_at is null")
            }
            for kind, table in TOMBSTONE_TABLES.items()
        }


@dataclass
class _ItemRows:
    """The rows one batch of changed items writes, table by table."""

    ids: list[int] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    fields: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)  # what cleaning took out

    def add(
        self,
        item: Item,
        row: dict[str, Any],
        comment_texts: list[str],
        change: str,
        run_id: int,
        at: str,
    ) -> None:
        self.ids.append(item.id)
        self.items.append(row)
        self.terms.extend({"item_id": item.id, "term_id": t} for t in dict.fromkeys(item.term_ids))
        self.fields.extend(
            {"item_id": item.id, "name": name, "value": json.dumps(value, ensure_ascii=False)}
            for name, value in item.fields.items()
        )
        self.comments.extend(
            _comment_row(c, t) for c, t in zip(item.comments, comment_texts, strict=True)
        )
        self.changes.append({"run_id": run_id, "item_id": item.id, "change": change, "at": at})


def _change(before: tuple[str, str | None] | None, digest: str, trashed: bool) -> str | None:
    """What writing this item changes: added, modified, deleted, restored, or None."""
    if before is None:
        return "added"
    old_digest, deleted_at = before
    if deleted_at is not None and not trashed:
        return "restored"
    if deleted_at is None and trashed:
        return "deleted"
    return None if old_digest == digest else "modified"


@functools.cache
def _field_names(record_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_type))


def _columns(record: Any) -> dict[str, Any]:
    """A record's fields as a row: `dataclasses.asdict` without its deep copy, which the
    flat records written this way (site, authors, terms, media, events) do not need."""
    return {name: getattr(record, name) for name in _field_names(type(record))}


def _item_row(item: Item, text: CleanText, fetched_at: str, digest: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "type": item.type,
        "status": item.status,
        "slug": item.slug,
        "title": text.title,
        "excerpt": text.excerpt,
        "content_html": text.content_html,
        "content_text": text.content_text,
        "date": item.date,
        "date_gmt": item.date_gmt,
        "modified_gmt": item.modified_gmt,
        "author_id": item.author_id,
        "parent_id": item.parent_id,
        "menu_order": item.menu_order,
        "link": item.link,
        "password_protected": int(item.password_protected),
        "sticky": int(item.sticky),
        "featured_media_id": item.featured_media_id,
        "comment_status": item.comment_status,
        "source": item.source,
        "source_url": item.source_url,
        "fetched_at": fetched_at,
        "content_hash": digest,
        "deleted_at": None,
        "deleted_reason": None,
    }


def _comment_row(comment: Comment, text: str) -> dict[str, Any]:
    return {
        "id": comment.id,
        "item_id": comment.item_id,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "date_gmt": comment.date_gmt,
        "content_html": comment.content_html,
        "content_text": text,
        "status": comment.status,
        "type": comment.type,
        "deleted_at": None,
        "deleted_reason": None,
    }


def _hash_row(row: dict[str, Any]) -> str:
    import hashlib

    encoded = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _item_scope(within: Coverage) -> tuple[str, list[Any]]:
    """SQL on `items` for the items a partial source covers (see `Coverage`)."""
    if within.item_dates is None:
        return "0", []
    scope, params = "items.date between ? and ?", list(within.item_dates)
    if not within.whole_content:
        types = sorted(within.types - {"attachment"})
        scope += f" and items.type in ({_marks(types)})"
        params += types
    if within.status is not None:
        scope += " and items.status = ?"
        params.append(within.status)
    if within.author_id is not None:
        scope += " and items.author_id = ?"
        params.append(within.author_id)
    if within.category is not None:
        scope += (
            " and exists (select 1 from item_terms join terms on terms.id = item_terms.term_id "
            "where item_terms.item_id = items.id and terms.taxonomy = 'category' "
            "and terms.slug = ?)"
        )
        params.append(within.category)
    return scope, params


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _acquire_lock(path: Path) -> filelock.BaseFileLock:
    """Take the archive's writer lock, or fail at once with "busy".

    The lock lives in a sidecar `ARCHIVE.lock` (a lock library must not open the database
    file itself); filelock holds it with flock on POSIX and msvcrt on Windows, so it dies
    with the process, kill -9 included.
    """
    lock = filelock.FileLock(_lock_path(path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise ArchiveError(
            f"archive {path} is busy: another wpmigrate process is writing to it"
        ) from None
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ArchiveError(
                f"archive {path} is on read-only media ({exc.strerror}): export and sync "
                f"write it; query, search, log and convert can read it"
            ) from None
        raise ArchiveError(f"cannot lock archive {path}: {exc.strerror}") from None
    return lock


def _release_lock(lock: filelock.BaseFileLock) -> None:
    # Unlinked while still held, so a waiting process sees a dead inode and retries on a new
    # file (filelock checks st_nlink), and no lock file is left next to the archive.
    with contextlib.suppress(OSError):
        os.unlink(lock.lock_file)
    lock.release()


def _lock_path(path: Path) -> str:
    return f"{path}.lock"


def discard_if_empty(path: Path) -> None:
    """A first export that failed before writing any content leaves no archive behind."""
    if not path.exists():
        return
    conn = sqlite3.connect(path)
    try:
        written = conn.execute(
            "select (select count(*) from items) + (select count(*) from media)"
        ).fetchone()[0]
    except sqlite3.Error:
        written = 0  # not even the schema made it
    finally:
        conn.close()
    if written == 0:
        remove_archive(path)


def remove_archive(path: Path) -> None:
    """Delete an archive this run created, with its WAL, shared-memory and lock files."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
