"""The normalised model every source yields and the archive writes.

Sources (WXR, REST, crawl) only read a site and yield these records; they never touch the
archive. Text fields hold what the source gave (raw HTML, entities and all): cleaning happens
later, in one place, so every source is cleaned the same way.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Site:
    """What the source says about the site itself."""

    title: str
    url: str
    description: str = ""
    language: str = ""
    source_kind: str = ""  # wxr | rest | crawl
    source_location: str = ""  # the file path or URL the run read (no credentials)
    wxr_version: str = ""
    rest_namespaces: list[str] = field(default_factory=list)
    timezone: str = ""
    gmt_offset: float | None = None


@dataclass
class Author:
    id: int
    login: str = ""
    name: str = ""
    slug: str = ""


@dataclass
class Term:
    id: int
    taxonomy: str
    name: str
    slug: str
    parent_id: int | None = None
    description: str = ""
    count: int | None = None


@dataclass
class Comment:
    id: int
    item_id: int
    parent_id: int | None
    author_name: str
    date_gmt: str | None
    content_html: str
    status: str  # approved | pending | spam | trash
    type: str = "comment"
    author_url: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Media:
    id: int
    url: str
    item_id: int | None = None  # the item it is attached to (post_parent)
    mime_type: str = ""
    title: str = ""
    caption: str = ""
    alt: str = ""
    description: str = ""
    width: int | None = None
    height: int | None = None
    filesize: int | None = None
    file: str = ""  # path relative to uploads, e.g. 2024/03/report.pdf
    date_gmt: str | None = None
    modified_gmt: str | None = None
    author_id: int | None = None
    slug: str = ""
    status: str = "inherit"
    source_url: str = ""


@dataclass
class Event:
    item_id: int
    start: str | None
    end: str | None
    timezone: str = ""
    all_day: bool = False
    venue: str = ""
    address: str = ""
    city: str = ""
    country: str = ""
    cost: str = ""
    url: str = ""
    source_plugin: str = ""
    recurrence: str = ""


# Provenance and raw meta are not part of what an item says.
_UNHASHED = frozenset({"source", "source_url", "meta"})


@dataclass
class Item:
    """One piece of content: a post, page or any custom post type entry."""

    id: int
    type: str
    status: str
    title: str = ""
    slug: str = ""
    content_html: str = ""  # as the source gave it; the pipeline cleans it
    excerpt_html: str = ""  # as the source gave it ('' when the author set none)
    date: str | None = None  # site-local, ISO 8601 without offset
    date_gmt: str | None = None  # UTC, ISO 8601 with 'Z'
    modified_gmt: str | None = None
    author_id: int | None = None
    parent_id: int | None = None
    menu_order: int = 0
    link: str = ""
    password_protected: bool = False
    sticky: bool = False
    featured_media_id: int | None = None
    comment_status: str = ""
    term_ids: list[int] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # ACF and custom fields, decoded
    meta: dict[str, Any] = field(default_factory=dict)  # the raw postmeta the source exposed
    comments: list[Comment] = field(default_factory=list)
    source: str = ""  # wxr | rest | crawl
    source_url: str = ""

    def content_hash(self) -> str:
        """A stable hash of everything the source said about this item.

        Sync compares it to decide whether an item changed, so it covers the raw source
        values (not the cleaned ones: a change of cleaning rules is not a change on the site)
        and leaves out provenance such as fetch time.
        """
        payload = {k: v for k, v in vars(self).items() if k not in _UNHASHED}
        payload["term_ids"] = sorted(self.term_ids)
        payload["comments"] = [vars(c) for c in self.comments]
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass
class Tombstone:
    """The source no longer shows this item or media: mark it deleted, keep its row."""

    kind: str  # item | media | term | comment
    id: int
    reason: str  # trashed | no longer public | deleted | gone


@dataclass
class Coverage:
    """What a WXR file speaks for, as its content shows: a sync tombstones only the rows
    inside it (`sync --complete` says the file is the whole site). Sources that read the
    whole site (REST, a crawl) yield none.

    WordPress's exporter can write part of a site ("Posts", a date range, one category,
    author or status) and notes none of it, so each limit is inferred: a file whose header
    declares the site's terms is a whole-content export (every post type, every term);
    otherwise only the post types it holds items of are covered. Dates are covered between
    the first and last of its items'; an author or a status only when all its items share
    it, as a filter makes them.
    """

    types: frozenset[str]  # post types the file holds items of ('attachment': media)
    whole_content: bool  # every post type and term: the header declares the site's terms
    item_dates: tuple[str, str] | None  # first and last site-local date of its items
    media_dates: tuple[str, str] | None  # first and last date_gmt of its attachments
    status: str | None = None  # the one status all its items have
    author_id: int | None = None  # the one author all its items have
    category: str | None = None  # slug of the one category a category export is limited to

    def describe(self) -> str:
        """What the file covers, in a few words for the summary."""
        types = ", ".join(sorted(self.types)) or "none"
        parts = ["every type" if self.whole_content else f"types {types}"]
        if self.item_dates:
            parts.append(f"dates {self.item_dates[0][:10]} to {self.item_dates[1][:10]}")
        for name, value in (
            ("category", self.category),
            ("status", self.status),
            ("author", self.author_id),
        ):
            if value is not None:
                parts.append(f"{name} {value}")
        return "; ".join(parts)


@dataclass
class Checkpoint:
    """Sync state for one collection, committed with the records that precede it."""

    collection: str
    state: dict[str, Any]


@dataclass
class DebrisRule:
    """One rule of template debris a source learned (see wpmigrate/debris.py)."""

    kind: str  # drop (a CSS selector) | drop_text (a whole-text pattern) | keep (a doubt)
    pattern: str
    items: int = 0  # items of the type it was seen in
    example: str = ""
    fields: tuple[str, ...] = ()  # where: content, excerpt


@dataclass
class LearnedCleaning:
    """The debris rules learned for one post type, yielded before that type's items."""

    post_type: str
    rules: list[DebrisRule]


Record = (
    Site
    | Author
    | Term
    | Item
    | Media
    | Comment
    | Event
    | Tombstone
    | Coverage
    | Checkpoint
    | LearnedCleaning
)


def synthetic_id(kind: str, key: str) -> int:
    """A stable negative id for what a source names but gives no id (WXR 1.0 authors and
    terms, crawled pages without a post id): the same key gives the same id on every run."""
    return -(zlib.crc32(f"{kind}/{key}".encode()) & 0x7FFFFFFF) - 1


# Which taxonomy keeps a WordPress term id that several taxonomies share: these first, then
# the others by name (see TermIds).
_TERM_ID_PRECEDENCE = ("category", "post_tag")


def term_id_precedence(taxonomy: str) -> tuple[int, str]:
    """Sort key of taxonomies for `TermIds.archive_id`: category, post_tag, then by name."""
    if taxonomy in _TERM_ID_PRECEDENCE:
        return _TERM_ID_PRECEDENCE.index(taxonomy), ""
    return len(_TERM_ID_PRECEDENCE), taxonomy


class TermIds:
    """A source's WordPress term ids as archive term ids (`terms.id`).

    Before WordPress 4.2 (and on WordPress.com) a category and a tag can share one `term_id`;
    the archive keys terms by id alone. The taxonomy that comes first in
    `term_id_precedence` keeps the WordPress id and every other taxonomy using it gets a
    stable negative id, so both terms survive with their own item links. A source asks in
    that order (every term of a taxonomy before the next one), so the same site gives the
    same ids whichever source reads it.
    """

    def __init__(self) -> None:
        self.owners: dict[int, str] = {}

    def archive_id(self, taxonomy: str, term_id: int) -> int:
        owner = self.owners.setdefault(term_id, taxonomy)
        return term_id if owner == taxonomy else shared_term_id(taxonomy, term_id)


def shared_term_id(taxonomy: str, term_id: int) -> int:
    """The archive id of a term whose WordPress id a term of another taxonomy holds."""
    return synthetic_id("shared-term", f"{taxonomy}/{term_id}")
