"""Find and read a site's XML sitemaps: WordPress core (`wp-sitemap.xml`), Yoast and Rank Math
(`sitemap_index.xml`) or any sitemaps.org file, plain or gzipped.

Sitemaps name the post types and taxonomies (`wp-sitemap-posts-publication-1.xml`,
`wp-sitemap-taxonomies-resource_type-1.xml`, Yoast's `category-sitemap.xml`), so each child
is classified from its URL. Files are parsed with lxml without DTDs, entities or network,
capped in size and URL count, and read as a stream of entries.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree

from .extract import split_datetime

MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit per file, uncompressed
MAX_URLS = 50_000  # likewise
MAX_DEPTH = 3  # index -> index -> urlset is as deep as real sites go
CANDIDATES = ("wp-sitemap.xml", "sitemap_index.xml", "sitemap.xml", "?sitemap=index")
TAXONOMY_NAMES = frozenset({"category", "post_tag", "tag", "post_format"})
_CORE = re.compile(r"/wp-sitemap-(posts|taxonomies)-([A-Za-z0-9_-]+?)-(\d+)\.xml$")
_CORE_USERS = re.compile(r"/wp-sitemap-users-(\d+)\.xml$")
_PLUGIN = re.compile(r"/([A-Za-z0-9_-]+?)-sitemap(\d*)\.xml(?:\.gz)?$")


class SitemapError(Exception):
    """A sitemap that cannot be read (broken XML, too large, not a sitemap)."""


@dataclass
class SitemapRef:
    """One sitemap file and what it lists: kind "posts", "taxonomies", "users" or "" (unknown,
    decided from the pages it lists), and the post type or taxonomy when the name says."""

    url: str
    kind: str = ""
    subtype: str = ""
    body: bytes | None = field(default=None, repr=False)  # kept from discovery, read once


@dataclass
class SitemapEntry:
    loc: str
    lastmod: str | None = None  # UTC, `2024-03-15T10:00:00Z`


Fetch = Callable[[str], bytes | None]  # body of a URL, or None when it cannot be had


def classify(url: str) -> SitemapRef:
    """What a sitemap URL lists, from WordPress's and the SEO plugins' naming schemes."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "sitemap" in query:  # plain permalinks: ?sitemap=posts&sitemap-subtype=post&paged=1
        kind = query["sitemap"][0]
        subtype = (query.get("sitemap-subtype") or [""])[0]
        return SitemapRef(url, kind if kind in ("posts", "taxonomies", "users") else "", subtype)
    if match := _CORE.search(parts.path):
        return SitemapRef(url, match.group(1), match.group(2))
    if _CORE_USERS.search(parts.path):
        return SitemapRef(url, "users")
    if match := _PLUGIN.search(parts.path):
        name = match.group(1)
        if name == "author":
            return SitemapRef(url, "users")
        if name in TAXONOMY_NAMES:
            return SitemapRef(url, "taxonomies", "post_tag" if name == "tag" else name)
        return SitemapRef(url, "", name)
    return SitemapRef(url)


def candidate_urls(site_url: str, from_robots: list[str]) -> list[str]:
    """Where to look: robots.txt `Sitemap:` lines first, then the usual WordPress places."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    seen: list[str] = []
    for url in [*from_robots, *(urljoin(base, c) for c in CANDIDATES)]:
        if url not in seen:
            seen.append(url)
    return seen


def entries(ref: SitemapRef, fetch: Fetch) -> Iterator[SitemapEntry]:
    """The page URLs a urlset lists (its body is released once read)."""
    body, ref.body = ref.body, None
    if body is None:
        body = fetch(ref.url)
    if body is None:
        return
    for kind, entry in parse(body, ref.url):
        if kind == "url":
            yield entry


def parse(body: bytes, url: str) -> Iterator[tuple[str, SitemapEntry]]:
    """Entries of a sitemap file as ("sitemap" | "url", entry), streamed.

    Raises SitemapError for what cannot be read; entries before a break are still yielded.
    """
    data = _decompress(body, url)
    head = data[:2048].lstrip()
    if b"<!DOCTYPE" in head.upper():
        raise SitemapError(f"{url}: refused: the sitemap declares a DOCTYPE")
    context = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    count = 0
    root_checked = False
    loc: str | None = None
    lastmod: str | None = None
    try:
        for event, element in context:
            name = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if not root_checked:
                if name not in ("urlset", "sitemapindex"):
                    raise SitemapError(f"{url}: not a sitemap (root element <{name}>)")
                root_checked = True
                continue
            if event == "start":
                continue
            if name == "loc":
                loc = (element.text or "").strip()
            elif name == "lastmod":
                lastmod = split_datetime(element.text)[1]
            elif name in ("url", "sitemap"):
                if loc:
                    count += 1
                    if count > MAX_URLS:
                        raise SitemapError(f"{url}: more than {MAX_URLS:,} entries; read the first")
                    yield ("sitemap" if name == "sitemap" else "url"), SitemapEntry(loc, lastmod)
                loc, lastmod = None, None
                element.clear()
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"{url}: broken XML ({exc.msg})") from None


def walk(
    fetch: Fetch, url: str, depth: int = 0, seen: set[str] | None = None
) -> Iterator[SitemapRef | SitemapError]:
    """The urlset files under a sitemap (index or not), depth-first, each URL once.

    Yields a SitemapRef (with its body) for every urlset, or a SitemapError for a file that
    failed.
    """
    seen = set() if seen is None else seen
    if url in seen or depth > MAX_DEPTH:
        return
    seen.add(url)
    body = fetch(url)
    if body is None:
        return
    children: list[str] = []
    is_index = False
    try:
        for kind, entry in parse(body, url):
            if kind == "sitemap":
                is_index = True
                children.append(urljoin(url, entry.loc))
            else:
                break
    except SitemapError as exc:
        yield exc
        return  # an unreadable file lists nothing: reported once, not read again
    if not is_index:
        ref = classify(url)
        ref.body = body
        yield ref
        return
    for child in children:
        yield from walk(fetch, child, depth + 1, seen)


def _decompress(body: bytes, url: str) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        data = gzip.GzipFile(fileobj=io.BytesIO(body)).read(MAX_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"{url}: cannot decompress ({exc})") from None
    if len(data) > MAX_BYTES:
        raise SitemapError(f"{url}: larger than {MAX_BYTES // 1024 // 1024} MB uncompressed")
    return data
