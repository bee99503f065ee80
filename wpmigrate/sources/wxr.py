"""Read a WordPress export (WXR 1.0, 1.1, 1.2; .xml or .xml.gz) as a stream of model records.

The file is parsed with lxml's iterparse and every channel child is cleared once read, so
memory stays flat however large the export. Safety: no DTD is loaded, no entity resolved,
no network touched, and a document with a DOCTYPE is refused outright, as WordPress's own
importer does.
"""

from __future__ import annotations

import codecs
import functools
import gzip
import io
import mimetypes
import re
import unicodedata
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from lxml import etree

from ..acf import AcfDefinitions, extract_fields
from ..errors import SourceError
from ..events import TecPostmetaEvents
from ..media_shortcodes import Attachment, MediaLibrary, image_sizes, render_content
from ..model import Author, Comment, Item, Media, Record, Site, Term, Tombstone, synthetic_id
from ..phpdata import maybe_unserialize
from ..values import int_or
from .base import EMPTY_STATE, SourceState

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

    def __init__(self, path: str | Path, *, skip_types: set[str] | frozenset[str] = frozenset()):
        self.path = Path(path)
        self.skip_types = set(skip_types)
        self.seen: dict[str, set[int]] = {kind: set() for kind in TOMBSTONE_KINDS}
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []
        self.bytes_read = 0
        self.total_bytes = 0

    def describe(self) -> str:
        return str(self.path)

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
        for ids in self.seen.values():
            ids.clear()
        definitions, library = self._read_ahead()
        self.bytes_read = 0
        with self._open() as stream:
            yield from _WXRReader(stream, self, definitions, library).read()
        # Only a file read to its end says what is gone: ids the archive holds, by kind.
        if not state.detect_deletions:
            return
        for kind, known in state.live_ids.items():
            for gone in sorted(known - self.seen[kind]):
                yield Tombstone(kind, gone, "gone")

    def _read_ahead(self) -> tuple[AcfDefinitions, MediaLibrary]:
        """The `acf-field` definitions and the attachments, read ahead of the content.

        WordPress exports posts in id order, so field definitions created after the content
        (the usual case on a site that adopted ACF later) come after the items that use them,
        and so do files uploaded after a post that shows them with `[gallery]`/`[playlist]`.
        A quick byte scan decides whether the file needs either; only then is it parsed twice,
        keeping of each attachment only what rendering a shortcode needs.
        """
        definitions, library = AcfDefinitions(), MediaLibrary()
        found = self._mentions(b"acf-field", *_MEDIA_SHORTCODES)
        wanted = set()
        if b"acf-field" in found:
            wanted |= ACF_DEFINITION_TYPES
        if found & set(_MEDIA_SHORTCODES):
            wanted.add("attachment")
        if not wanted:
            return definitions, library
        with self._open() as stream:
            try:
                for _, element in etree.iterparse(
                    stream, events=("end",), tag="{*}item", **_PARSER_OPTIONS
                ):
                    parent = element.getparent()
                    if parent is not None and _local(parent.tag) == "channel":
                        post_type = element.findtext("{*}post_type")
                        if post_type in wanted:
                            fields = {_qualified(child.tag): child.text or "" for child in element}
                            if post_type == "attachment":
                                attachment = _attachment(fields, element)
                                if attachment is not None:
                                    library.add(attachment)
                            else:
                                _add_definition(definitions, fields)
                        element.clear()
                        while element.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError:
                pass  # the main pass reports what is wrong with the file
        return definitions, library

    def _mentions(self, *needles: bytes) -> set[bytes]:
        """Which of the byte strings occur in the file, in one read."""
        found: set[bytes] = set()
        overlap = max(len(n) for n in needles)
        with self._open() as stream:
            tail = b""
            while len(found) < len(needles) and (chunk := stream.read(1 << 20)):
                window = tail + chunk
                found.update(n for n in needles if n not in found and n in window)
                tail = chunk[-overlap:]
        return found

    def _open(self) -> IO[bytes]:
        raw = self.path.open("rb")
        if raw.read(2) == b"\x1f\x8b":
            raw.seek(0)
            return _SanitisingReader(gzip.GzipFile(fileobj=raw), self, raw)
        raw.seek(0)
        return _SanitisingReader(raw, self, raw)


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
        library: MediaLibrary | None = None,
    ):
        self.stream = stream
        self.source = source
        self.channel: dict[str, str] = {}
        self.site_sent = False
        self.pending_terms: list[Term] = []
        self.term_ids: dict[tuple[str, str], int] = {}
        self.authors_by_login: dict[str, int] = {}
        self.parent_slugs: dict[tuple[str, str], str] = {}
        self.slugs_by_name: dict[tuple[str, str], str] = {}
        self.late_authors: list[Author] = []
        self.acf = acf if acf is not None else AcfDefinitions()
        self.library = library if library is not None else MediaLibrary()
        self.version = ""
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
            raise SourceError(f"{self.source.path}: not a readable WXR file ({reason})") from None
        if not saw_channel:
            raise SourceError(
                f"{self.source.path}: not a WordPress export (no RSS <channel> found)"
            )
        yield from self._flush_header()
        yield from self.events.finish()
        self.source.seen["term"].update(self.term_ids.values())

    # -- channel ----------------------------------------------------------------------------

    def _channel_child(self, element: etree._Element) -> Iterator[Record]:
        name = _local(element.tag)
        ns = _ns_kind(element.tag)
        if name == "item":
            yield from self._flush_header()
            yield from self._item(element)
        elif ns == "wp" and name == "author":
            yield from self._flush_site()
            yield self._author(_children(element))
        elif ns == "wp" and name in ("category", "tag", "term"):
            self._collect_term(name, _children(element))
        else:
            self.channel[f"{ns}:{name}" if ns else name] = (element.text or "").strip()
            if ns == "wp" and self.version == "":
                self.version = _wxr_version(element.tag)

    def _flush_site(self) -> Iterator[Record]:
        if self.site_sent:
            return
        self.site_sent = True
        c = self.channel
        yield Site(
            title=c.get("title", ""),
            url=c.get("wp:base_blog_url") or c.get("link", ""),
            description=c.get("description", ""),
            language=c.get("language", ""),
            source_kind="wxr",
            source_location=str(self.source.path),
            wxr_version=c.get("wp:wxr_version", self.version),
        )

    def _flush_header(self) -> Iterator[Record]:
        yield from self._flush_site()
        # Terms wait for the first item: parents are named by slug and may come later.
        for term in self.pending_terms:
            parent_slug = self.parent_slugs.pop((term.taxonomy, term.slug), "")
            if parent_slug:
                term.parent_id = self.term_ids.get((term.taxonomy, parent_slug))
            yield term
        self.pending_terms = []

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
        term_id = int_or(fields.get("term_id"), 0) or synthetic_id(taxonomy, slug)
        self.term_ids[(taxonomy, slug)] = term_id
        self.slugs_by_name.setdefault((taxonomy, fields.get(name, "")), slug)
        self.parent_slugs[(taxonomy, slug)] = parent
        self.pending_terms.append(
            Term(
                id=term_id,
                taxonomy=taxonomy,
                name=fields.get(name, ""),
                slug=slug,
                description=fields.get(description, ""),
            )
        )

    def _author(self, fields: dict[str, str]) -> Author:
        login = fields.get("author_login", "")
        author_id = int_or(fields.get("author_id"), 0) or synthetic_id("author", login)
        self.authors_by_login[login] = author_id
        return Author(
            id=author_id,
            login=login,
            name=fields.get("author_display_name", ""),
            slug=login.lower(),
        )

    # -- items ------------------------------------------------------------------------------

    def _item(self, element: etree._Element) -> Iterator[Record]:
        fields: dict[str, str] = {}
        terms: list[tuple[str, str, str]] = []
        meta: dict[str, str] = {}
        repeated: dict[str, list[str]] = {}
        comments: list[etree._Element] = []
        for child in element:
            ns, name = _split_tag(child.tag)
            if name == "category" and ns == "":
                domain = child.get("domain")
                if domain:
                    terms.append(
                        (
                            _TAXONOMY_ALIASES.get(domain, domain),
                            child.get("nicename") or "",
                            child.text or "",
                        )
                    )
            elif ns == "wp" and name == "postmeta":
                pair = _children(child)
                key, value = pair.get("meta_key", ""), pair.get("meta_value", "")
                if key in meta:  # a key can repeat: keep the first, remember them all
                    repeated.setdefault(key, [meta[key]]).append(value)
                else:
                    meta[key] = value
            elif ns == "wp" and name == "comment":
                comments.append(child)
            else:
                fields[f"{ns}:{name}" if ns else name] = child.text or ""

        if "wp:post_id" not in fields:
            raise SourceError(
                f"{self.source.path}: not a WordPress export (an <item> has no wp:post_id: "
                "is this an RSS feed?)"
            )
        post_type = fields.get("wp:post_type", "post")
        status = fields.get("wp:status", "")
        post_id = int_or(fields.get("wp:post_id"), 0)
        if post_type in ACF_DEFINITION_TYPES:
            _add_definition(self.acf, fields)
        self.events.see(post_type, post_id, fields.get("title", ""), meta)
        if status == "auto-draft" or post_type in self.source.skip_types:
            self._skip(post_type if status != "auto-draft" else "auto-draft")
            return
        self.source.seen["media" if post_type == "attachment" else "item"].add(post_id)
        if post_type == "attachment":
            media = self._media(post_id, fields, meta)
            yield from self._drain_late_authors()
            yield media
            return

        term_ids: list[int] = []
        for taxonomy, nicename, name in terms:
            # WXR 1.0 lists each tag twice, once without nicename: find it by its name.
            slug = nicename or self.slugs_by_name.get((taxonomy, name)) or _slugify(name)
            key = (taxonomy, slug)
            if key not in self.term_ids:
                self.term_ids[key] = synthetic_id(taxonomy, slug)
                self.slugs_by_name.setdefault((taxonomy, name), slug)
                yield Term(id=self.term_ids[key], taxonomy=taxonomy, name=name, slug=slug)
            if self.term_ids[key] not in term_ids:
                term_ids.append(self.term_ids[key])

        date_gmt = _gmt(fields.get("wp:post_date_gmt"))
        local = _local_date(fields.get("wp:post_date"))
        modified_gmt = _gmt(fields.get("wp:post_modified_gmt")) or _shift(
            fields.get("wp:post_modified"), local, date_gmt
        )
        content = fields.get("content:encoded", "")
        if post_type not in _NOT_HTML_TYPES:
            # As WordPress shows it: paragraphs (classic content), media shortcodes rendered.
            content = render_content(content, post_id, self.library)
        item = Item(
            id=post_id,
            type=post_type,
            status=status,
            title=fields.get("title", ""),
            slug=fields.get("wp:post_name", ""),
            content_html=content,
            excerpt_html=fields.get("excerpt:encoded", ""),
            date=local,
            date_gmt=date_gmt,
            modified_gmt=modified_gmt,
            author_id=self._author_id(fields.get("dc:creator", "")),
            parent_id=int_or(fields.get("wp:post_parent"), 0) or None,
            menu_order=int_or(fields.get("wp:menu_order"), 0),
            link=fields.get("link", ""),
            password_protected=bool(fields.get("wp:post_password")),
            sticky=fields.get("wp:is_sticky", "0") == "1",
            featured_media_id=int_or(meta.get("_thumbnail_id"), 0) or None,
            comment_status=fields.get("wp:comment_status", ""),
            term_ids=term_ids,
            fields=extract_fields(meta, self.acf, repeated),
            meta=meta,
            comments=[self._comment(c, post_id) for c in comments],
            source="wxr",
            source_url=fields.get("link", ""),
        )
        yield from self._drain_late_authors()
        yield item
        yield from self.events.events_for(item)

    def _drain_late_authors(self) -> Iterator[Author]:
        yield from self.late_authors
        self.late_authors.clear()

    def _skip(self, kind: str) -> None:
        self.source.skipped[kind] = self.source.skipped.get(kind, 0) + 1

    def _author_id(self, login: str) -> int | None:
        if not login:
            return None
        if login not in self.authors_by_login:
            # WXR 1.0 has no author list: authors are known only by their login.
            self.authors_by_login[login] = synthetic_id("author", login)
            self.late_authors.append(
                Author(id=self.authors_by_login[login], login=login, name=login, slug=login.lower())
            )
        return self.authors_by_login[login]

    def _comment(self, element: etree._Element, post_id: int) -> Comment:
        fields: dict[str, str] = {}
        meta: dict[str, Any] = {}
        for child in element:
            name = _local(child.tag)
            if name == "commentmeta":
                pair = _children(child)
                meta[pair.get("meta_key", "")] = maybe_unserialize(pair.get("meta_value", ""))
            else:
                fields[name] = child.text or ""
        approved = fields.get("comment_approved", "1")
        self.source.seen["comment"].add(int_or(fields.get("comment_id"), 0))
        return Comment(
            id=int_or(fields.get("comment_id"), 0),
            item_id=post_id,
            parent_id=int_or(fields.get("comment_parent"), 0) or None,
            author_name=fields.get("comment_author", ""),
            author_url=fields.get("comment_author_url", ""),
            date_gmt=_gmt(fields.get("comment_date_gmt")),
            content_html=fields.get("comment_content", ""),
            status=_COMMENT_STATUS.get(approved, approved),
            type=fields.get("comment_type") or "comment",
            meta=meta,
        )

    def _media(self, post_id: int, fields: dict[str, str], meta: dict[str, str]) -> Media:
        url = fields.get("wp:attachment_url") or fields.get("guid", "")
        details = maybe_unserialize(meta.get("_wp_attachment_metadata", ""))
        details = details if isinstance(details, dict) else {}
        file = meta.get("_wp_attached_file", "")
        return Media(
            id=post_id,
            url=url,
            item_id=int_or(fields.get("wp:post_parent"), 0) or None,
            mime_type=mimetypes.guess_type(file or url)[0] or "",
            title=fields.get("title", ""),
            caption=fields.get("excerpt:encoded", ""),
            alt=meta.get("_wp_attachment_image_alt", ""),
            description=fields.get("content:encoded", ""),
            width=int_or(details.get("width"), 0) or None,
            height=int_or(details.get("height"), 0) or None,
            filesize=int_or(details.get("filesize"), 0) or None,
            file=file,
            date_gmt=_gmt(fields.get("wp:post_date_gmt")),
            modified_gmt=_gmt(fields.get("wp:post_modified_gmt")),
            author_id=self._author_id(fields.get("dc:creator", "")),
            slug=fields.get("wp:post_name", ""),
            status=fields.get("wp:status", "inherit"),
            source_url=fields.get("link", ""),
        )


def _postmeta(item: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for pair in item.iterfind("{*}postmeta"):
        meta.setdefault(pair.findtext("{*}meta_key") or "", pair.findtext("{*}meta_value") or "")
    return meta


def _attachment(fields: dict[str, str], item: etree._Element) -> Attachment | None:
    """What rendering `[gallery]`/`[playlist]`/`[audio]` needs of an attachment item; None for
    a file no media shortcode shows (PDFs, documents)."""
    url = fields.get("wp:attachment_url") or fields.get("guid", "")
    meta = _postmeta(item)
    file = meta.get("_wp_attached_file", "")
    mime = mimetypes.guess_type(file or url)[0] or ""
    if not mime.startswith(("image/", "audio/", "video/")):
        return None
    width = height = 0
    sizes: list[tuple[str, str, int, int]] = []
    if mime.startswith("image/"):
        details = maybe_unserialize(meta.get("_wp_attachment_metadata", ""))
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
        id=int_or(fields.get("wp:post_id"), 0),
        url=url,
        mime_type=mime,
        title=fields.get("title", ""),
        caption=fields.get("excerpt:encoded", ""),
        alt=meta.get("_wp_attachment_image_alt", ""),
        parent_id=int_or(fields.get("wp:post_parent"), 0),
        menu_order=int_or(fields.get("wp:menu_order"), 0),
        page_url=fields.get("link", ""),
        width=width,
        height=height,
        sizes=image_sizes(sizes),
    )


def _local(tag: Any) -> str:
    return _split_tag(tag)[1]


def _ns_kind(tag: Any) -> str:
    return _split_tag(tag)[0]


@functools.lru_cache(maxsize=1024)
def _split_tag(tag: Any) -> tuple[str, str]:
    """(namespace short name, local name): a file has a few dozen distinct tags."""
    if not isinstance(tag, str):
        return "", ""
    return _namespace_kind(tag), tag.rsplit("}", 1)[-1]


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


def _qualified(tag: Any) -> str:
    ns, name = _split_tag(tag)
    return f"{ns}:{name}" if ns else name


def _slugify(name: str) -> str:
    """Roughly WordPress's sanitize_title, for terms an old export names without a slug."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _wxr_version(tag: str) -> str:
    match = re.search(r"/export/([\d.]+)/", tag)
    return match.group(1) if match else ""


def _children(element: etree._Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "") for child in element}


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
