"""Read a WordPress export (WXR 1.0, 1.1, 1.2; .xml or .xml.gz) as a stream of model records.

The file is parsed with lxml's iterparse and every channel child is cleared once read, so
memory stays flat however large the export. Safety: no DTD is loaded, no entity resolved,
no network touched, and a document with a DOCTYPE is refused outright, as WordPress's own
importer does.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gzip
import io
import mimetypes
import os
import re
import unicodedata
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ..acf import AcfDefinitions, extract_fields
from ..errors import SourceError
from ..events import TEC_VENUE_TYPE, TecPostmetaEvents
from ..media_shortcodes import Attachment, MediaLibrary, image_sizes, render_content
from ..model import (
    Author,
    Comment,
    Coverage,
    Item,
    Media,
    Record,
    Site,
    Term,
    TermIds,
    Tombstone,
    synthetic_id,
    term_id_precedence,
)
from ..phpdata import maybe_unserialize
from ..values import int_or, wp_id
from .base import EMPTY_STATE, SourceState
from .child_process import can_fork, records_in_child

# Bytes XML 1.0 forbids, which buggy exporters copy verbatim into CDATA.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_PROLOG_LIMIT = 1 << 20  # comments and declarations before the root: more than this is not WXR
_ENCODING = re.compile(rb"<\?xml[^>]*?\sencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_CP1252_FALLBACK = "wpmigrate-cp1252"
_MYSQL_DATETIME = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)")

_COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
_TAXONOMY_ALIASES = {"tag": "post_tag"}
ACF_DEFINITION_TYPES = {"acf-field"}
# Shortcodes that show a post's attachments, which the file may list after the post.
_MEDIA_SHORTCODES = (b"[gallery", b"[playlist", b"[audio", b"[video")
# Internal types whose content is not HTML (CSS, JSON): never rendered as a post is.
_NOT_HTML_TYPES = {
    "custom_css",
    "customize_changeset",
    "oembed_cache",
    "user_request",
    "wp_global_styles",
    "wp_font_family",
    "wp_font_face",
}
TOMBSTONE_KINDS = ("item", "media", "term", "comment")
# Values whose whitespace is content (local names); every other value is trimmed, so that a
# pretty-printed export (a URL, an id, a login on its own indented line) reads as WordPress
# reads it.
_BODY_TAGS = frozenset(
    {
        "encoded",  # content:encoded, excerpt:encoded
        "comment_content",
        "meta_value",
        "category_description",
        "tag_description",
        "term_description",
    }
)
_WXR_VERSION = re.compile(r"\d+\.\d+")
# What a skipped record's id was, by kind: the warning says which tag held it.
_ID_TAGS = {
    "item": "wp:post_id",
    "media": "wp:post_id",
    "comment": "wp:comment_id",
    "term": "wp:term_id",
    "author": "wp:author_id",
}
# Channel children the reader uses (any namespace: it changes with the WXR version).
_CHANNEL_TAGS = [
    f"{{*}}{name}"
    for name in (
        "item",
        "title",
        "link",
        "description",
        "language",
        "wxr_version",
        "base_site_url",
        "base_blog_url",
        "author",
        "category",
        "tag",
        "term",
    )
]
_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": True,
    "remove_comments": True,
    "remove_pis": True,
}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 in a UTF-8 export: old sites copy Windows-1252 text (smart
    quotes, Latin-1 accents) into their tables, and WordPress exports it as it is."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


class WXRSource:
    """A WXR file. `records()` yields Site, then authors and terms, then items and media."""

    kind = "wxr"

    def __init__(
        self,
        path: str | Path,
        *,
        skip_types: set[str] | frozenset[str] = frozenset(),
        notify: Callable[[str], None] | None = None,
    ):
        self.path = Path(path)
        # Recorded absolute, so a later sync from another folder (cron) finds the file.
        self.location = os.path.abspath(path)
        self.skip_types = set(skip_types)
        self.notify = notify  # where warnings are told as they happen
        self.seen: dict[str, set[int]] = {kind: set() for kind in TOMBSTONE_KINDS}
        self.covered = FileCoverage()
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []
        self.bytes_read = 0
        self.total_bytes = 0

    def describe(self) -> str:
        return self.location

    def warn(self, message: str) -> None:
        """Something not read, that does not stop the run: kept for the summary, told now."""
        self.warnings.append(message)
        if self.notify is not None:
            self.notify(f"wpmigrate: warning: {self.path}: {message}")

    @property
    def fraction(self) -> float | None:
        """How much of the file has been read, for the progress ETA."""
        return self.bytes_read / self.total_bytes if self.total_bytes else None

    @property
    def requests_made(self) -> None:
        return None  # a file: no HTTP

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator[Record]:
        if not self.path.is_file():
            raise SourceError(f"{self.path}: no such file")
        self.total_bytes = self.path.stat().st_size
        self.skipped.clear()
        self.warnings.clear()
        for ids in self.seen.values():
            ids.clear()
        self.covered = FileCoverage()
        if can_fork():
            read = records_in_child(
                lambda: self._read(state), snapshot=self._snapshot, restore=self._restore
            )
        else:
            read = self._read(state)
        # What needs no parsing is done here, so that with a forked reader the parent does
        # it, in step with the child: decoding the attachments' serialized metadata as
        # the read-ahead finds them, and rendering content as WordPress shows it.
        library, decoded = MediaLibrary(), _DecodedMetadata()
        for record in read:
            if isinstance(record, _AttachmentEntry):
                attachment = record.attachment(decoded)
                if attachment is not None:
                    library.add(attachment)
                continue
            if isinstance(record, _UndecodedMedia):
                record = record.media_with(decoded)
            elif isinstance(record, Item) and record.type not in _NOT_HTML_TYPES:
                # Paragraphs (classic content), media shortcodes rendered.
                record.content_html = render_content(record.content_html, record.id, library)
            yield record

    def _snapshot(self) -> tuple[int, dict[str, int], list[str]]:
        return self.bytes_read, self.skipped, self.warnings

    def _restore(self, snapshot: tuple[int, dict[str, int], list[str]]) -> None:
        self.bytes_read, self.skipped, self.warnings = snapshot

    def _read(self, state: SourceState) -> Iterator[Any]:
        """The records as stored (content not rendered, media metadata not decoded: see
        `records()`), after the attachments media shortcodes may show."""
        definitions = yield from self._read_ahead()
        self.bytes_read = 0
        with self._open() as stream:
            reader = _WXRReader(stream, self, definitions, state.term_ids)
            yield from reader.read()
        # Only a file read to its end says what is gone: ids the archive holds, by kind.
        if not state.detect_deletions:
            return
        yield self.covered.coverage()  # what the file can speak for: tombstones stay inside
        for kind, known in state.live_ids.items():
            for gone in sorted(known - self.seen[kind]):
                yield Tombstone(kind, gone, "gone")

    def _read_ahead(self) -> Generator[_AttachmentEntry, None, AcfDefinitions]:
        """The attachments (yielded) and the `acf-field` definitions (returned), read ahead
        of the content.

        WordPress exports posts in id order, so field definitions created after the content
        (the usual case on a site that adopted ACF later) come after the items that use them,
        and so do files uploaded after a post that shows them with `[gallery]`/`[playlist]`.
        A quick byte scan decides whether the file needs either; only then is it parsed twice,
        keeping of each attachment only what rendering a shortcode needs (`records()`
        decodes its metadata).
        """
        definitions = AcfDefinitions()
        found = self._mentions(b"acf-field", *_MEDIA_SHORTCODES)
        wanted = set()
        if b"acf-field" in found:
            wanted |= ACF_DEFINITION_TYPES
        if found & set(_MEDIA_SHORTCODES):
            wanted.add("attachment")
        if not wanted:
            return definitions
        with self._open() as stream:
            try:
                for _, element in etree.iterparse(
                    stream, events=("end",), tag="{*}item", **_PARSER_OPTIONS
                ):
                    parent = element.getparent()
                    if parent is not None and _local(parent.tag) == "channel":
                        post_type = element.findtext("{*}post_type")
                        if post_type in wanted:
                            fields = {_tag_info(child.tag)[2]: _text(child) for child in element}
                            if post_type == "attachment":
                                yield _AttachmentEntry.of(fields, _postmeta(element))
                            else:
                                _add_definition(definitions, fields)
                        element.clear()
                        while element.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError:
                pass  # the main pass reports what is wrong with the file
        return definitions

    def _mentions(self, *needles: bytes) -> set[bytes]:
        """Which of the (ASCII) byte strings occur in the file, in one read; a damaged file
        is the main pass's to report."""
        found: set[bytes] = set()
        overlap = max(len(n) for n in needles)
        try:
            with self._open_for_scan() as stream:
                tail = b""
                while len(found) < len(needles) and (chunk := stream.read(1 << 22)):
                    window = tail + chunk
                    found.update(n for n in needles if n not in found and n in window)
                    tail = chunk[-overlap:]
        except (OSError, EOFError, zlib.error, SourceError):
            pass
        return found

    @contextlib.contextmanager
    def _open_for_scan(self) -> Iterator[IO[bytes]]:
        """The bytes as stored, uncompressed, for a byte search: the sanitising reader costs
        more than the search. A UTF-16 or UTF-32 file is read transcoded, as it is parsed."""
        with self.path.open("rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
            raw.seek(0)
            stream: Any = gzip.GzipFile(fileobj=raw) if compressed else raw
            if _wide_encoding(stream.peek(4)[:4]) is None:
                yield stream
                return
        with self._open() as transcoded:
            yield transcoded

    def _open(self) -> IO[bytes]:
        raw = self.path.open("rb")
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            return _SanitisingReader(gzip.GzipFile(fileobj=raw), self, raw)
        raw.seek(0)
        return _SanitisingReader(raw, self, raw)


class FileCoverage:
    """Which part of the site a file holds, gathered while it is read (see `Coverage`)."""

    def __init__(self) -> None:
        self.types: set[str] = set()
        self.statuses: set[str] = set()
        self.authors: set[int | None] = set()
        self.item_dates: list[str] = []  # [first, last]
        self.media_dates: list[str] = []
        self.header_terms: list[tuple[str, str]] = []  # (taxonomy, slug) the header declares

    def see_term(self, taxonomy: str, slug: str) -> None:
        self.header_terms.append((taxonomy, slug))

    def see(self, post_type: str, status: str, date: str | None, author_id: int | None) -> None:
        """An item (site-local date) or, for `attachment`, a file (GMT date)."""
        self.types.add(post_type)
        if post_type != "attachment":
            self.statuses.add(status)
            self.authors.add(author_id)
        if date:
            span = self.media_dates if post_type == "attachment" else self.item_dates
            if not span:
                span.extend((date, date))
            elif date < span[0]:
                span[0] = date
            elif date > span[1]:
                span[1] = date

    def coverage(self) -> Coverage:
        # A one-category export declares that category alone, and holds posts only.
        one_category = (
            len(self.header_terms) == 1
            and self.header_terms[0][0] == "category"
            and self.types <= {"post"}
        )
        return Coverage(
            types=frozenset(self.types),
            whole_content=bool(self.header_terms) and not one_category,
            item_dates=(self.item_dates[0], self.item_dates[1]) if self.item_dates else None,
            media_dates=(self.media_dates[0], self.media_dates[1]) if self.media_dates else None,
            status=next(iter(self.statuses)) if len(self.statuses) == 1 else None,
            author_id=next(iter(self.authors)) if len(self.authors) == 1 else None,
            category=self.header_terms[0][1] if one_category else None,
        )


class _SanitisingReader(io.RawIOBase):
    """Feeds the parser: drops bytes illegal in XML 1.0 and junk before `<?xml`, refuses DTDs.

    It also counts compressed bytes read, for progress.
    """

    def __init__(self, stream: IO[bytes], source: WXRSource, raw: IO[bytes]):
        self.stream = stream
        self.source = source
        self.raw = raw
        self.started = False
        self.decoder: codecs.IncrementalDecoder | None = None
        self.finished = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        while not self.finished:
            try:
                data = self.stream.read(size if size and size > 0 else 1 << 16)
                if not self.started:
                    encoding = _wide_encoding(data)
                    if encoding is not None:
                        self.stream = _Transcoded(self.stream, data, encoding, self.source.path)
                        data = self.stream.read(1 << 16)
                    data = self._prolog(data)
            except (OSError, EOFError, zlib.error) as exc:
                raise SourceError(
                    f"{self.source.path}: cannot read compressed data ({exc})"
                ) from None
            self.source.bytes_read = self.raw.tell()
            data = data.translate(None, _CONTROL_BYTES)
            if self.decoder is None:
                return data
            # Valid UTF-8 passes through; stray Windows-1252 bytes become their characters.
            # (An empty result would read as the end: a lone partial character reads on.)
            self.finished = not data
            data = self.decoder.decode(data, final=self.finished).encode("utf-8")
            if data:
                return data
        return b""

    def _prolog(self, data: bytes) -> bytes:
        """Drop a BOM, whitespace and junk (PHP notices) before `<?xml`; refuse a DOCTYPE.

        The prolog is walked construct by construct (declaration, processing instructions,
        comments) up to the root element, so a `<` inside a comment cannot hide a DOCTYPE.
        """
        data = self._read_at_least(data, 1 << 12)
        declaration = data.find(b"<?xml", 0, 1 << 16)
        if declaration > 0:
            data = data[declaration:]
        data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if data and not data.startswith(b"<"):
            raise SourceError(f"{self.source.path}: not an XML file (it does not start with '<')")
        position = 0
        while True:
            data = self._read_at_least(data, position + 16)
            while position < len(data) and data[position : position + 1] in b" \t\r\n":
                position += 1
            rest = data[position : position + 16]
            if rest.startswith(b"<?"):
                end_marker = b"?>"
            elif rest.startswith(b"<!--"):
                end_marker = b"-->"
            elif _DOCTYPE.match(rest):
                raise SourceError(
                    f"{self.source.path}: refused: the file declares a DOCTYPE (entities are a "
                    "way to attack XML readers, and WordPress never writes one)"
                )
            else:
                break  # the root element, or something the parser will report
            end = data.find(end_marker, position + 2)
            while end < 0 and len(data) < _PROLOG_LIMIT:
                more = self.stream.read(1 << 16)
                if not more:
                    break
                data += more
                end = data.find(end_marker, position + 2)
            if end < 0:
                break  # unterminated: the parser reports it
            position = end + len(end_marker)
        declared = _ENCODING.match(data)
        if declared is not None and isinstance(self.stream, _Transcoded):
            start, end = declared.span(1)  # now UTF-8, whatever the file said
            data = data[:start] + b"UTF-8" + data[end:]
            declared = None
        if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
            self.decoder = codecs.getincrementaldecoder("utf-8")(errors=_CP1252_FALLBACK)
        self.started = True
        return data

    def _read_at_least(self, data: bytes, size: int) -> bytes:
        while len(data) < size:
            more = self.stream.read(max(size - len(data), 1 << 16))
            if not more:
                break
            data += more
        return data

    def close(self) -> None:
        self.stream.close()
        self.raw.close()
        super().close()


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16 or UTF-32, told by a byte order mark or by how `<` is written; else None."""
    for marks, encoding in _WIDE_ENCODINGS:
        if any(head.startswith(mark) for mark in marks):
            return encoding
    return None


_WIDE_ENCODINGS = [  # UTF-32 first: its little-endian mark starts like UTF-16's
    ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
    ((b"<\x00\x00\x00",), "utf-32-le"),
    ((b"\x00\x00\x00<",), "utf-32-be"),
    ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
    ((b"<\x00",), "utf-16-le"),
    ((b"\x00<",), "utf-16-be"),
]


class _Transcoded(io.RawIOBase):
    """A UTF-16 or UTF-32 file (as Windows editors save one) read as UTF-8."""

    def __init__(self, stream: IO[bytes], head: bytes, encoding: str, path: Path):
        self.stream = stream
        self.pending = head
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.path = path
        self.done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self.done:
            data = self.pending + self.stream.read(size if size and size > 0 else 1 << 16)
            self.pending = b""
            self.done = not data
            try:
                text = self.decoder.decode(data, final=self.done)
            except UnicodeDecodeError as exc:
                raise SourceError(
                    f"{self.path}: not a readable WXR file (not valid {self.encoding.upper()}: "
                    f"{exc.reason})"
                ) from None
            if text:
                return text.encode("utf-8")
        return b""

    def close(self) -> None:
        self.stream.close()
        super().close()


class _WXRReader:
    def __init__(
        self,
        stream: IO[bytes],
        source: WXRSource,
        acf: AcfDefinitions | None = None,
        archived_terms: dict[tuple[str, str], int] | None = None,
    ):
        self.stream = stream
        # (taxonomy, slug) -> id of the terms the archive holds, for items whose terms the
        # file does not declare (a partial export): they keep the archive's terms.
        self.archived_terms = archived_terms or {}
        self.source = source
        self.channel: dict[str, str] = {}
        self.site_sent = False
        # Header terms by (taxonomy, slug), with their WordPress id: ids are given out once
        # all are known (see _flush_header), as some share one.
        self.pending_terms: dict[tuple[str, str], tuple[int | None, Term]] = {}
        self.term_ids: dict[tuple[str, str], int] = {}
        self.term_keys = TermIds()
        self.refused_terms: set[tuple[str, str]] = set()  # their id was not an id
        self.authors_by_login: dict[str, int | None] = {}  # by _login_key; None: refused
        self.bad_ids: dict[str, list[str]] = {}  # kind -> the values that were not ids
        self.parent_slugs: dict[tuple[str, str], str] = {}
        self.slugs_by_name: dict[tuple[str, str], str] = {}
        self.late_authors: list[Author] = []
        self.acf = acf if acf is not None else AcfDefinitions()
        self.events = TecPostmetaEvents()  # The Events Calendar: a venue may come later

    def read(self) -> Iterator[Record]:
        # Only the tags the channel holds wake Python up: most of an item's elements are
        # read from the item itself, which makes the loop several times cheaper.
        parser = etree.iterparse(self.stream, events=("end",), tag=_CHANNEL_TAGS, **_PARSER_OPTIONS)
        saw_channel = False
        checked_doctype = False
        try:
            for _, element in parser:
                if not checked_doctype:
                    checked_doctype = True
                    docinfo = element.getroottree().docinfo
                    if docinfo.doctype or docinfo.internalDTD is not None:
                        raise SourceError(
                            f"{self.source.path}: refused: the file declares a DOCTYPE"
                        )
                parent = element.getparent()
                if parent is None or _local(parent.tag) != "channel":
                    continue
                saw_channel = True
                yield from self._channel_child(element)
                element.clear()
                while element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            reason = " ".join(re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc)).split())
            if not _only_namespace_errors(parser.error_log):
                raise SourceError(
                    f"{self.source.path}: not a readable WXR file ({reason})"
                ) from None
            for error in parser.error_log:
                self.source.warn(f"namespace ignored: {error.message}, line {error.line}")
        if not saw_channel:
            raise SourceError(
                f"{self.source.path}: not a WordPress export (no RSS <channel> found)"
            )
        yield from self._flush_header()
        yield from self.events.finish()
        self.source.seen["term"].update(self.term_ids.values())
        self._warn_bad_ids()

    # -- channel ----------------------------------------------------------------------------

    def _channel_child(self, element: etree._Element) -> Iterator[Record]:
        ns, name, key, _ = _tag_info(element.tag)
        if name == "item":
            yield from self._flush_header()
            yield from self._item(element)
        elif ns == "wp" and name == "author":
            yield from self._flush_site()
            yield from self._author(_children(element))
        elif ns == "wp" and name in ("category", "tag", "term"):
            self._collect_term(name, _children(element))
        else:
            self.channel[key] = (element.text or "").strip()

    def _flush_site(self) -> Iterator[Record]:
        if self.site_sent:
            return
        self.site_sent = True
        c = self.channel
        # WordPress's importer refuses a file without a valid version: it is not a WXR file.
        version = c.get("wp:wxr_version")
        if version is None:
            raise SourceError(f"{self.source.path}: not a WordPress export (no wp:wxr_version)")
        if not _WXR_VERSION.fullmatch(version):
            raise SourceError(
                f"{self.source.path}: not a WordPress export (invalid wp:wxr_version {version!r})"
            )
        yield Site(
            title=c.get("title", ""),
            url=c.get("wp:base_blog_url") or c.get("link", ""),
            description=c.get("description", ""),
            language=c.get("language", ""),
            source_kind="wxr",
            source_location=self.source.location,
            wxr_version=version,
        )

    def _flush_header(self) -> Iterator[Record]:
        yield from self._flush_site()
        if not self.pending_terms:
            return
        # Terms wait for the first item: parents are named by slug and may come later, and
        # ids some taxonomies share are given out in one order (model.TermIds).
        pending = list(self.pending_terms.values())
        self.pending_terms = {}
        for term_id, term in sorted(pending, key=lambda p: term_id_precedence(p[1].taxonomy)):
            if term_id is None:
                term.id = synthetic_id(term.taxonomy, term.slug)
            else:
                term.id = self.term_keys.archive_id(term.taxonomy, term_id)
            self.term_ids[(term.taxonomy, term.slug)] = term.id
        for _, term in pending:  # in the file's order
            parent_slug = self.parent_slugs.pop((term.taxonomy, term.slug), "")
            if parent_slug:
                term.parent_id = self.term_ids.get((term.taxonomy, parent_slug))
            yield term

    def _collect_term(self, kind: str, fields: dict[str, str]) -> None:
        if kind == "category":
            taxonomy, slug, name = "category", fields.get("category_nicename", ""), "cat_name"
            parent, description = fields.get("category_parent", ""), "category_description"
        elif kind == "tag":
            taxonomy, slug, name = "post_tag", fields.get("tag_slug", ""), "tag_name"
            parent, description = "", "tag_description"
        else:
            taxonomy, slug, name = (
                fields.get("term_taxonomy", ""),
                fields.get("term_slug", ""),
                "term_name",
            )
            parent, description = fields.get("term_parent", ""), "term_description"
        key = (taxonomy, slug)
        if key in self.pending_terms or key in self.term_ids:
            return  # WXR 1.2 lists categories and tags again among its <wp:term>s
        raw_id = fields.get("term_id", "")
        term_id = wp_id(raw_id)
        if raw_id and term_id is None:
            self.refused_terms.add(key)
            self._bad_id("term", raw_id)
            return
        self.source.covered.see_term(taxonomy, slug)
        self.slugs_by_name.setdefault((taxonomy, fields.get(name, "")), slug)
        self.parent_slugs[key] = parent
        term = Term(
            id=0,  # given out with the others (_flush_header)
            taxonomy=taxonomy,
            name=fields.get(name, ""),
            slug=slug,
            description=fields.get(description, ""),
        )
        self.pending_terms[key] = (term_id, term)
        self.refused_terms.discard(key)  # listed again with a valid id

    def _author(self, fields: dict[str, str]) -> Iterator[Author]:
        login = fields.get("author_login", "")
        raw_id = fields.get("author_id", "")
        author_id = wp_id(raw_id)
        if raw_id and author_id is None:
            self.authors_by_login[_login_key(login)] = None  # their items keep no author
            self._bad_id("author", raw_id)
            return
        author_id = author_id or synthetic_id("author", login)
        self.authors_by_login[_login_key(login)] = author_id
        yield Author(
            id=author_id,
            login=login,
            name=fields.get("author_display_name", ""),
            slug=login.lower(),
        )

    # -- items ------------------------------------------------------------------------------

    def _item(self, element: etree._Element, *, read_all: bool = False) -> Iterator[Record]:
        fields: dict[str, str] = {}
        terms: list[tuple[str, str, str]] = []
        meta: dict[str, str] = {}
        repeated: dict[str, list[str]] = {}
        comments: list[etree._Element] = []
        # An item of a type left out (revisions, menu items...: often most of a file) is
        # skipped below; its meta, terms and comments are not read. Venues are read: the
        # events that come later need them.
        left_out = passed_over = False
        for child in element:
            ns, name, key, body = _tag_info(child.tag)
            if name == "category" and ns == "":
                domain = (child.get("domain") or "").strip()
                passed_over |= left_out
                if domain and not left_out:
                    terms.append(
                        (
                            _TAXONOMY_ALIASES.get(domain, domain),
                            (child.get("nicename") or "").strip(),
                            (child.text or "").strip(),
                        )
                    )
            elif ns == "wp" and name == "postmeta":
                if left_out:
                    passed_over = True
                    continue
                meta_key, meta_value = _meta_pair(child)
                if meta_key in meta:  # a key can repeat: keep the first, remember them all
                    repeated.setdefault(meta_key, [meta[meta_key]]).append(meta_value)
                else:
                    meta[meta_key] = meta_value
            elif ns == "wp" and name == "comment":
                passed_over |= left_out
                if not left_out:
                    comments.append(child)
            else:
                text = child.text or ""
                fields[key] = text if body else text.strip()
                if key == "wp:post_type" and not read_all:
                    left_out = self._left_out(fields[key])

        if passed_over and not self._left_out(fields.get("wp:post_type", "")):
            # Another wp:post_type came later and said otherwise: read the item whole.
            yield from self._item(element, read_all=True)
            return
        if "wp:post_id" not in fields:
            # Not in WordPress's namespace (a plain RSS item, or one that binds `wp:` to
            # another URI): WordPress's importer finds no post in it either.
            self._skip("not a WordPress item")
            return
        post_type = fields.get("wp:post_type", "")
        status = fields.get("wp:status", "")
        post_id = wp_id(fields["wp:post_id"])
        if post_id is None:
            self._bad_id("media" if post_type == "attachment" else "item", fields["wp:post_id"])
            return
        if not post_type:
            # WordPress's importer refuses a post without a type; such an item that reuses
            # another's id would otherwise take over its row and its comments.
            self._skip("no post type")
            return
        if post_type in ACF_DEFINITION_TYPES:
            _add_definition(self.acf, fields)
        self.events.see(post_type, post_id, fields.get("title", ""), meta)
        if status == "auto-draft" or post_type in self.source.skip_types:
            self._skip(post_type if status != "auto-draft" else "auto-draft")
            return
        seen = self.source.seen["media" if post_type == "attachment" else "item"]
        if post_id in seen:
            # WordPress.com exports list some items twice; the importer keeps the first.
            self._skip("duplicate id")
            return
        seen.add(post_id)
        if post_type == "attachment":
            entry = self._media(post_id, fields, meta)
            media = entry.media
            self.source.covered.see(post_type, media.status, media.date_gmt, media.author_id)
            yield from self._drain_late_authors()
            yield entry
            return

        term_ids: list[int] = []
        for taxonomy, nicename, name in terms:
            # WXR 1.0 lists each tag twice, once without nicename: find it by its name.
            slug = nicename or self.slugs_by_name.get((taxonomy, name)) or _slugify(name)
            key = (taxonomy, slug)
            if key in self.refused_terms:
                continue
            if key not in self.term_ids:
                archived = self.archived_terms.get(key)
                self.term_ids[key] = archived or synthetic_id(taxonomy, slug)
                self.slugs_by_name.setdefault((taxonomy, name), slug)
                if archived is None:
                    yield Term(id=self.term_ids[key], taxonomy=taxonomy, name=name, slug=slug)
            if self.term_ids[key] not in term_ids:
                term_ids.append(self.term_ids[key])

        date_gmt = _gmt(fields.get("wp:post_date_gmt"))
        local = _local_date(fields.get("wp:post_date"))
        modified_gmt = _gmt(fields.get("wp:post_modified_gmt")) or _shift(
            fields.get("wp:post_modified"), local, date_gmt
        )
        item = Item(
            id=post_id,
            type=post_type,
            status=status,
            title=fields.get("title", ""),
            slug=fields.get("wp:post_name", ""),
            content_html=fields.get("content:encoded", ""),  # rendered by records()
            excerpt_html=fields.get("excerpt:encoded", ""),
            date=local,
            date_gmt=date_gmt,
            modified_gmt=modified_gmt,
            author_id=self._author_id(fields.get("dc:creator", "")),
            parent_id=wp_id(fields.get("wp:post_parent")),
            menu_order=int_or(fields.get("wp:menu_order"), 0),
            link=fields.get("link", ""),
            password_protected=bool(fields.get("wp:post_password")),
            sticky=fields.get("wp:is_sticky", "0") == "1",
            featured_media_id=wp_id(meta.get("_thumbnail_id")),
            comment_status=fields.get("wp:comment_status", ""),
            term_ids=term_ids,
            fields=extract_fields(meta, self.acf, repeated),
            meta=meta,
            comments=[c for c in (self._comment(e, post_id) for e in comments) if c is not None],
            source="wxr",
            source_url=fields.get("link", ""),
        )
        self.source.covered.see(post_type, status, local, item.author_id)
        yield from self._drain_late_authors()
        yield item
        yield from self.events.events_for(item)

    def _left_out(self, post_type: str) -> bool:
        return post_type in self.source.skip_types and post_type != TEC_VENUE_TYPE

    def _drain_late_authors(self) -> Iterator[Author]:
        yield from self.late_authors
        self.late_authors.clear()

    def _skip(self, kind: str) -> None:
        self.source.skipped[kind] = self.source.skipped.get(kind, 0) + 1

    def _bad_id(self, kind: str, value: str) -> None:
        """A record whose id is not an id (`abc`, `0`, `-4`, 20 digits) is skipped, counted
        and named in a warning: it has no row it could be written to."""
        self._skip(f"invalid id: {kind}")
        self.bad_ids.setdefault(kind, []).append(value)

    def _warn_bad_ids(self) -> None:
        for kind, values in self.bad_ids.items():
            shown = ", ".join(repr(v[:30]) for v in values[:3])
            more = f" and {len(values) - 3:,} more" if len(values) > 3 else ""
            self.source.warn(
                f"skipped {kind} records ({len(values):,}): {_ID_TAGS[kind]} is not a positive "
                f"whole number ({shown}{more})"
            )

    def _author_id(self, creator: str) -> int | None:
        if not creator:
            return None
        key = _login_key(creator)
        if key not in self.authors_by_login:
            # WXR 1.0 has no author list: authors are known only by their login.
            self.authors_by_login[key] = synthetic_id("author", creator)
            self.late_authors.append(
                Author(
                    id=synthetic_id("author", creator),
                    login=creator,
                    name=creator,
                    slug=creator.lower(),
                )
            )
        return self.authors_by_login[key]

    def _comment(self, element: etree._Element, post_id: int) -> Comment | None:
        fields: dict[str, str] = {}
        meta: dict[str, Any] = {}
        for child in element:
            name = _local(child.tag)
            if name == "commentmeta":
                meta_key, meta_value = _meta_pair(child)
                meta[meta_key] = maybe_unserialize(meta_value)
            else:
                fields[name] = _text(child)
        comment_id = wp_id(fields.get("comment_id"))
        if comment_id is None:
            self._bad_id("comment", fields.get("comment_id", ""))
            return None
        approved = fields.get("comment_approved", "1")
        self.source.seen["comment"].add(comment_id)
        return Comment(
            id=comment_id,
            item_id=post_id,
            parent_id=wp_id(fields.get("comment_parent")),
            author_name=fields.get("comment_author", ""),
            author_url=fields.get("comment_author_url", ""),
            date_gmt=_gmt(fields.get("comment_date_gmt")),
            content_html=fields.get("comment_content", ""),
            status=_COMMENT_STATUS.get(approved, approved),
            type=fields.get("comment_type") or "comment",
            meta=meta,
        )

    def _media(self, post_id: int, fields: dict[str, str], meta: dict[str, str]) -> _UndecodedMedia:
        url = fields.get("wp:attachment_url") or fields.get("guid", "")
        file = meta.get("_wp_attached_file", "").strip()
        media = Media(
            id=post_id,
            url=url,
            item_id=wp_id(fields.get("wp:post_parent")),
            mime_type=mimetypes.guess_type(file or url)[0] or "",
            title=fields.get("title", ""),
            caption=fields.get("excerpt:encoded", ""),
            alt=meta.get("_wp_attachment_image_alt", ""),
            description=fields.get("content:encoded", ""),
            file=file,
            date_gmt=_gmt(fields.get("wp:post_date_gmt")),
            modified_gmt=_gmt(fields.get("wp:post_modified_gmt")),
            author_id=self._author_id(fields.get("dc:creator", "")),
            slug=fields.get("wp:post_name", ""),
            status=fields.get("wp:status", "inherit"),
            source_url=fields.get("link", ""),
        )
        return _UndecodedMedia(media, meta.get("_wp_attachment_metadata", ""))


def _postmeta(item: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for pair in item.iterfind("{*}postmeta"):
        key = (pair.findtext("{*}meta_key") or "").strip()
        meta.setdefault(key, pair.findtext("{*}meta_value") or "")
    return meta


class _DecodedMetadata:
    """Attachment id -> its `_wp_attachment_metadata` text and the width, height and filesize
    decoded from it for the read-ahead, so its media row does not decode the same text again.
    An entry serves only the same text (a repeated id may carry another) and only once."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[str, Any, Any, Any]] = {}

    def keep(self, attachment_id: int, text: str, details: Any) -> None:
        if isinstance(details, dict):
            fields = (details.get("width"), details.get("height"), details.get("filesize"))
        else:
            fields = (None, None, None)
        self._by_id.setdefault(attachment_id, (text, *fields))

    def dimensions(self, attachment_id: int, text: str) -> tuple[Any, Any, Any]:
        """Width, height and filesize as stored in `text` (None where it has none)."""
        kept = self._by_id.pop(attachment_id, None)
        if kept is not None and kept[0] == text:
            return kept[1], kept[2], kept[3]
        details = maybe_unserialize(text)
        if not isinstance(details, dict):
            return None, None, None
        return details.get("width"), details.get("height"), details.get("filesize")


@dataclass
class _AttachmentEntry:
    """An attachment item as the read-ahead found it: what rendering a shortcode needs of
    its fields and meta, the metadata not yet decoded (see `WXRSource.records()`)."""

    fields: dict[str, str]
    meta: dict[str, str]

    @classmethod
    def of(cls, fields: dict[str, str], meta: dict[str, str]) -> _AttachmentEntry:
        return cls(
            {key: fields[key] for key in _ATTACHMENT_FIELDS if key in fields},
            {key: meta[key] for key in _ATTACHMENT_META if key in meta},
        )

    def attachment(self, decoded: _DecodedMetadata) -> Attachment | None:
        return _attachment(self.fields, self.meta, decoded)


_ATTACHMENT_FIELDS = (
    "wp:post_id",
    "wp:attachment_url",
    "guid",
    "title",
    "excerpt:encoded",
    "wp:post_parent",
    "wp:menu_order",
    "link",
)
_ATTACHMENT_META = ("_wp_attached_file", "_wp_attachment_image_alt", "_wp_attachment_metadata")


@dataclass
class _UndecodedMedia:
    """A media row whose width, height and filesize are still in its serialized metadata."""

    media: Media
    metadata: str

    def media_with(self, decoded: _DecodedMetadata) -> Media:
        width, height, filesize = decoded.dimensions(self.media.id, self.metadata)
        self.media.width = int_or(width, 0) or None
        self.media.height = int_or(height, 0) or None
        self.media.filesize = int_or(filesize, 0) or None
        return self.media


def _attachment(
    fields: dict[str, str], meta: dict[str, str], metadata: _DecodedMetadata
) -> Attachment | None:
    """What rendering `[gallery]`/`[playlist]`/`[audio]` needs of an attachment item; None for
    a file no media shortcode shows (PDFs, documents)."""
    attachment_id = wp_id(fields.get("wp:post_id"))
    if attachment_id is None:
        return None  # the main pass skips it and says why
    url = fields.get("wp:attachment_url") or fields.get("guid", "")
    file = meta.get("_wp_attached_file", "").strip()
    mime = mimetypes.guess_type(file or url)[0] or ""
    if not mime.startswith(("image/", "audio/", "video/")):
        return None
    width = height = 0
    sizes: list[tuple[str, str, int, int]] = []
    if mime.startswith("image/"):
        text = meta.get("_wp_attachment_metadata", "")
        details = maybe_unserialize(text)
        metadata.keep(attachment_id, text, details)
        if isinstance(details, dict):
            width, height = int_or(details.get("width"), 0), int_or(details.get("height"), 0)
            for name, size in (details.get("sizes") or {}).items():
                if isinstance(size, dict) and size.get("file"):
                    sizes.append(
                        (
                            str(name),
                            str(size["file"]),
                            int_or(size.get("width"), 0),
                            int_or(size.get("height"), 0),
                        )
                    )
    return Attachment(
        id=attachment_id,
        url=url,
        mime_type=mime,
        title=fields.get("title", ""),
        caption=fields.get("excerpt:encoded", ""),
        alt=meta.get("_wp_attachment_image_alt", ""),
        parent_id=wp_id(fields.get("wp:post_parent")) or 0,
        menu_order=int_or(fields.get("wp:menu_order"), 0),
        page_url=fields.get("link", ""),
        width=width,
        height=height,
        sizes=image_sizes(sizes),
    )


def _local(tag: Any) -> str:
    return _tag_info(tag)[1]


@functools.lru_cache(maxsize=1024)
def _tag_info(tag: Any) -> tuple[str, str, str, bool]:
    """(namespace short name, local name, `ns:name`, whether its whitespace is content),
    worked out once per distinct tag (a file has a few dozen): an item's loop asks for
    every child."""
    if not isinstance(tag, str):
        return "", "", "", False
    ns, name = _namespace_kind(tag), tag.rsplit("}", 1)[-1]
    return ns, name, f"{ns}:{name}" if ns else name, name in _BODY_TAGS


def _namespace_kind(tag: str) -> str:
    """Map a namespace URI to a stable short name: the URIs change with the WXR version."""
    if not tag.startswith("{"):
        return ""
    uri = tag[1 : tag.index("}")]
    if "/excerpt/" in uri:
        return "excerpt"
    if uri.startswith("http://wordpress.org/export/") or uri.startswith(
        "https://wordpress.org/export/"
    ):
        return "wp"
    if "purl.org/rss/1.0/modules/content" in uri:
        return "content"
    if "purl.org/dc/elements" in uri:
        return "dc"
    if "wellformedweb.org" in uri:
        return "wfw"
    return uri


def _add_definition(definitions: AcfDefinitions, fields: dict[str, str]) -> None:
    """An `acf-field` post: post_name is the field key, the excerpt its name, the content
    its serialized settings (type...), post_parent the group or container field."""
    key = fields.get("wp:post_name", "")
    if definitions.get(key) is None:
        definitions.add(
            key,
            fields.get("excerpt:encoded", ""),
            fields.get("content:encoded", ""),
            post_id=int_or(fields.get("wp:post_id"), 0),
            parent_id=int_or(fields.get("wp:post_parent"), 0),
        )


def _slugify(name: str) -> str:
    """Roughly WordPress's sanitize_title, for terms an old export names without a slug."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _only_namespace_errors(log: Any) -> bool:
    """Whether the parser's only complaints (its own log: an exception's log can hold other
    parses' errors) are namespace declarations, such as an `xmlns:x` bound to a non-ASCII
    URI. libxml2 reads on past them and lxml reports them once the whole file is read:
    WordPress's importer reads such a file, and so does wpmigrate."""
    errors = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
    return bool(errors) and all(e.domain == etree.ErrorDomains.NAMESPACE for e in errors)


def _children(element: etree._Element) -> dict[str, str]:
    return {_tag_info(child.tag)[1]: _text(child) for child in element}


def _text(element: etree._Element) -> str:
    """An element's value: trimmed, unless its whitespace is content (_BODY_TAGS)."""
    text = element.text or ""
    return text if _tag_info(element.tag)[3] else text.strip()


def _meta_pair(element: etree._Element) -> tuple[str, str]:
    """A postmeta's or commentmeta's key (trimmed) and value (as stored), as `_children`
    reads them, without building a dict for each: an item can have dozens."""
    key = value = ""
    for part in element:
        name = _tag_info(part.tag)[1]
        if name == "meta_key":
            key = (part.text or "").strip()
        elif name == "meta_value":
            value = part.text or ""
    return key, value


@functools.lru_cache(maxsize=4096)
def _login_key(login: str) -> str:
    """A login as WordPress's importer matches it: `sanitize_user($login, true)` (tags,
    accents, %XX and entities out, only `a-z 0-9 _ . - @ space`, trimmed, spaces collapsed)."""
    text = re.sub(r"<[^>]*>", "", login)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"%[a-fA-F0-9]{2}|&.+?;", "", text)
    text = re.sub(r"[^a-zA-Z0-9 _.\-@]", "", text).strip()
    return re.sub(r"\s+", " ", text) or login.strip()


def _parse_mysql(value: str | None) -> datetime | None:
    """A MySQL DATETIME as WXR writes it; None for empty, `0000-00-00 …` or invalid."""
    match = _MYSQL_DATETIME.fullmatch(value.strip()) if value else None
    if match is None:
        return None
    try:
        return datetime(*map(int, match.groups()))
    except ValueError:  # 0000-00-00, month 13...
        return None


def _gmt(value: str | None) -> str | None:
    parsed = _parse_mysql(value)
    return parsed.isoformat() + "Z" if parsed else None


def _local_date(value: str | None) -> str | None:
    parsed = _parse_mysql(value)
    return parsed.isoformat() if parsed else None


def _shift(modified_local: str | None, date_local: str | None, date_gmt: str | None) -> str | None:
    """Older WXR has no post_modified_gmt: apply the item's own local-to-GMT offset."""
    modified = _parse_mysql(modified_local)
    if modified is None or date_local is None or date_gmt is None:
        return None
    offset = datetime.fromisoformat(date_local) - datetime.fromisoformat(date_gmt.rstrip("Z"))
    return (modified - offset + timedelta(0)).strftime("%Y-%m-%dT%H:%M:%SZ")
