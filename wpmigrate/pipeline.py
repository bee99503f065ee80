"""Source → cleaning → archive: the export loop every source goes through.

A source yields model records; this module filters them by the mapping, cleans their text
and hands them to the archive in batches, one transaction each, with the run recorded in
`runs`. Interrupted or failed runs are marked as such and leave every committed batch valid
(a run from a file runs inside one outer transaction, where each batch is a savepoint). A
complete run ends by dropping links to rows the archive does not have.
"""

from __future__ import annotations

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .archive import Archive, CleanText, WriteCounts, utc_now
from .archive.type_tables import build_tables
from .batch_writer import BatchWriter
from .cleaning import Cleaner
from .cleaning.debris import DebrisRules, apply_rules
from .cleaning.removals import Removals
from .debris import Facts
from .errors import ArchiveError, SourceError, WPMigrateError
from .mapping import Mapping
from .model import (
    Author,
    Checkpoint,
    Comment,
    Coverage,
    Event,
    Item,
    LearnedCleaning,
    Media,
    Record,
    Site,
    Term,
    Tombstone,
)
from .progress import Progress
from .sources.base import EMPTY_STATE, Source, SourceState

BATCH_SIZE = 500


@dataclass
class RunResult:
    run_id: int
    status: str
    counts: WriteCounts
    warnings: list[str] = field(default_factory=list)
    coverage: Coverage | None = None  # a partial source's reach; tombstones stayed inside


@dataclass
class _Batch:
    site: Site | None = None
    authors: list[Author] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    items: list[tuple[Item, CleanText, list[str]]] = field(default_factory=list)
    comments: list[tuple[Comment, str]] = field(default_factory=list)
    tombstones: list[Tombstone] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)

    def size(self) -> int:
        return (
            len(self.items)
            + len(self.media)
            + len(self.terms)
            + len(self.authors)
            + len(self.comments)
            + len(self.tombstones)
        )


class Exporter:
    """Runs one source into one archive with one mapping."""

    def __init__(
        self,
        archive: Archive,
        mapping: Mapping,
        progress: Progress | None = None,
        *,
        expected_site_url: str | None = None,
        complete: bool = False,
    ):
        self.archive = archive
        self.complete = complete  # the source is the whole site, whatever it seems to cover
        self.expected_site_url = expected_site_url
        self.mapping = mapping
        self.cleaner = Cleaner(mapping.cleaning)
        self.progress = progress or Progress("items", enabled=False)
        self.skipped_terms: set[int] = set()  # left out by the mapping: items drop them
        self.skipped: Counter[str] = Counter()  # records the mapping leaves out, by reason
        self.skipped_items: set[int] = set()
        self.source_kind = ""
        self.facts = Facts()  # term and author names: what an item's debris may echo
        self.learned: dict[str, dict[str, DebrisRules]] = {}  # type -> field -> rules

    def run(self, source: Source, command: str, state: SourceState = EMPTY_STATE) -> RunResult:
        self.source_kind = source.kind
        self.archive.mark_abandoned_runs()
        run_id = self.archive.start_run(source.describe(), command)
        result = RunResult(run_id=run_id, status="running", counts=WriteCounts())
        try:
            self._copy(source, state, result)
        except BaseException as exc:
            status, error = _failure(exc)
            # On a full disk even this can fail: what the user must hear is the first error.
            with suppress(Exception):
                self._finish(result, source, status, error)
            raise
        self._finish(result, source, "ok", None)
        return result

    def _finish(self, result: RunResult, source: Source, status: str, error: str | None) -> None:
        self.progress.close()
        # What the source left out, and what the mapping did (statuses, taxonomies).
        for kind, n in sorted((Counter(source.skipped) + self.skipped).items()):
            result.counts.add("skipped", kind, n)
        if source.requests_made is not None:
            result.counts.add("http", "requests", source.requests_made)
        result.warnings = list(source.warnings)
        if result.warnings:
            result.counts.add("warnings", "source", len(result.warnings))
        result.status = status
        self.archive.finish_run(result.run_id, status, result.counts, error)

    def _copy(self, source: Source, state: SourceState, result: RunResult) -> None:
        fetched_at = utc_now()
        with (
            self.archive.search_index_built_at_end(),
            BatchWriter[_Batch](lambda b: self._write(b, result, fetched_at)) as writer,
        ):
            batch = _Batch()
            for record in source.records(state):
                self._add(record, batch, result, source)
                if batch.size() >= BATCH_SIZE:
                    writer.put(batch)
                    batch = _Batch()
            writer.put(batch)
        with self.archive.transaction():
            self.archive.drop_dangling_links(result.counts)
        build_tables(self.archive, self.mapping, result.counts)

    def _add(self, record: Record, batch: _Batch, result: RunResult, source: Source) -> None:
        clean = self.cleaner
        self.facts.note(record)
        reason = self.mapping.skip_reason(record)
        if reason is not None:
            self.skipped[reason] += 1
            if isinstance(record, Item):
                self.skipped_items.add(record.id)  # their events go too
            elif isinstance(record, Term):
                self.skipped_terms.add(record.id)  # and items do not point at them
            return
        if isinstance(record, Item):
            if self.skipped_terms:
                record.term_ids = [t for t in record.term_ids if t not in self.skipped_terms]
            batch.items.append((record, self.clean_item(record), self.clean_comments(record)))
            self.progress.advance(fraction=source.fraction)
        elif isinstance(record, Media):
            record.title = clean.clean_title(record.title)
            record.caption = clean.to_text(record.caption)
            record.description = clean.to_text(record.description)
            batch.media.append(record)
        elif isinstance(record, Term):
            record.name = clean.clean_title(record.name)
            record.description = clean.to_text(record.description)
            batch.terms.append(record)
        elif isinstance(record, Author):
            record.name = clean.clean_title(record.name)
            batch.authors.append(record)
        elif isinstance(record, Site):
            if self.expected_site_url and not same_site(self.expected_site_url, record.url):
                raise ArchiveError(
                    f"source mismatch: the archive holds {self.expected_site_url}, the source is "
                    f"{record.url}; use --force to write it anyway"
                )
            record.title = clean.clean_title(record.title)
            record.description = clean.clean_title(record.description)
            batch.site = record
        elif isinstance(record, Comment):
            record.author_name = clean.clean_title(record.author_name)
            batch.comments.append((record, clean.to_text(record.content_html)))
        elif isinstance(record, Event):
            if record.item_id in self.skipped_items:
                return
            batch.events.append(record)
            result.counts.add("events", record.source_plugin or "seen")
        elif isinstance(record, Tombstone):
            batch.tombstones.append(record)
        elif isinstance(record, Coverage):
            if not self.complete:
                result.coverage = record
        elif isinstance(record, Checkpoint):
            batch.checkpoints.append(record)
        elif isinstance(record, LearnedCleaning):
            self.learned[record.post_type] = learned_rules(record)
            result.counts.add("debris", "rules learned", len(record.rules))

    def clean_item(self, item: Item) -> CleanText:
        clean = self.cleaner
        raw_content, raw_excerpt, removed = self.drop_debris(item)
        gone: Removals = []
        content_html = clean.clean_html(raw_content, gone)
        removed.extend(("content", rule, text) for rule, text in gone)
        content_text = clean.to_text(content_html)
        gone = []
        excerpt = clean.clean_excerpt(raw_excerpt, gone) if raw_excerpt.strip() else ""
        removed.extend(("excerpt", rule, text) for rule, text in gone)
        excerpt, after = clean.split_excerpt(excerpt)
        if after:
            removed.append(("excerpt", "teaser: what follows a teaser phrase", after))
        if not excerpt:
            excerpt = clean.make_excerpt(content_text)
        return CleanText(
            title=clean.clean_title(item.title),
            content_html=content_html,
            content_text=content_text,
            excerpt=excerpt,
            removed=removed,
        )

    def drop_debris(self, item: Item) -> tuple[str, str, list[tuple[str, str, str]]]:
        """Content and excerpt HTML without the type's template debris, and what went.

        Rules a mapping pins for the type win over what the source learned."""
        pinned = self.mapping.type_cleaning.get(item.type)
        rules = {"content": pinned, "excerpt": pinned} if pinned else self.learned.get(item.type)
        if not rules:
            return item.content_html, item.excerpt_html, []
        facts = self.facts.of(item)
        removed: list[tuple[str, str, str]] = []
        out = []
        for name, html in (("content", item.content_html), ("excerpt", item.excerpt_html)):
            kept, gone = apply_rules(html, rules.get(name) or DebrisRules(), facts)
            out.append(kept)
            removed.extend((name, r.rule, r.text) for r in gone)
        return out[0], out[1], removed

    def clean_comments(self, item: Item) -> list[str]:
        for comment in item.comments:
            comment.author_name = self.cleaner.clean_title(comment.author_name)
        return [self.cleaner.to_text(c.content_html) for c in item.comments]

    def _write(self, batch: _Batch, result: RunResult, fetched_at: str) -> None:
        try:
            self._write_batch(batch, result, fetched_at)
        except OverflowError:  # SQLite integers are 64-bit
            raise SourceError(
                "the source holds a number too large to store (an id over 9223372036854775807)"
            ) from None

    def _write_batch(self, batch: _Batch, result: RunResult, fetched_at: str) -> None:
        archive, counts = self.archive, result.counts
        with archive.transaction():
            if batch.site is not None:
                archive.save_site(batch.site)
            archive.save_authors(batch.authors)
            archive.save_terms(batch.terms, counts)
            archive.save_media(batch.media, self.source_kind, fetched_at, counts)
            archive.save_items(batch.items, result.run_id, fetched_at, counts)
            archive.save_comments(batch.comments, counts)
            gone_ids: dict[tuple[str, str], list[int]] = {}
            for gone in batch.tombstones:
                gone_ids.setdefault((gone.kind, gone.reason), []).append(gone.id)
            for (kind, reason), ids in gone_ids.items():
                archive.tombstone(
                    kind, ids, reason, result.run_id, fetched_at, counts, within=result.coverage
                )
            for checkpoint in batch.checkpoints:
                archive.set_state(checkpoint.collection, checkpoint.state)
            archive.save_events(batch.events)


def _failure(exc: BaseException) -> tuple[str, str]:
    """The status and error a run that raised `exc` is recorded with."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", "interrupted by the user"
    if isinstance(exc, WPMigrateError):
        return "failed", str(exc)
    return "failed", f"{type(exc).__name__}: {exc}"


def learned_rules(record: LearnedCleaning) -> dict[str, DebrisRules]:
    """A type's learned rules per field: each applies where it was seen (content, excerpt)."""
    by_field: dict[str, DebrisRules] = {}
    for name in ("content", "excerpt"):
        rules = [r for r in record.rules if name in r.fields]
        by_field[name] = DebrisRules(
            drop=tuple(r.pattern for r in rules if r.kind == "drop"),
            drop_text=tuple(r.pattern for r in rules if r.kind == "drop_text"),
            keep=tuple(r.pattern for r in rules if r.kind == "keep"),
            origin="learned",
        )
    return by_field


def same_site(archive_url: str, source_url: str) -> bool:
    """Same host and path, ignoring scheme, `www.` and trailing slashes."""

    def key(url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        return parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/")

    return key(archive_url) == key(source_url)


def export(
    source: Source,
    archive_path: str | Path,
    mapping: Mapping,
    *,
    command: str = "export",
    progress: Progress | None = None,
) -> RunResult:
    """Export `source` into the archive at `archive_path` (created if missing)."""
    with Archive.open(archive_path) as archive:
        return Exporter(archive, mapping, progress).run(source, command)
