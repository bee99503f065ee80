"""Read a WordPress site whose REST API is switched off by crawling its public HTML.

The work runs in this order, each step streamed:

1. robots.txt (obeyed for every URL, redirects included: Disallow, Crawl-delay) and the home
   page (is it WordPress at all? the site's title, tagline and language);
2. sitemaps: robots.txt `Sitemap:` lines, `/wp-sitemap.xml`, Yoast/Rank Math indexes;
3. authors (users sitemap -> page 1 of each author archive) and terms (taxonomy sitemaps ->
   page 1 of each term archive: the term id from `term-N`, its name and description);
4. one listing per post type (`?post_type=X`, every page): `post_class` names each listed
   post's terms, custom taxonomies included, which single pages of block themes don't show;
   teasers give excerpts. When a listing shows no dates (classic themes skip them for custom
   post types), the type's RSS feed supplies them;
5. one single page per sitemap URL: the item, merged with what the listings said;
6. the posts listings showed and sitemaps missed.

Without sitemaps a breadth-first walk over the site's own links (listings and term archives
before single pages) stands in for steps 2-6. Requests per item stay near 1.1.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import mimetypes
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from .. import events as ev
from ..errors import SourceError
from ..model import (
    Author,
    Checkpoint,
    Item,
    Media,
    Record,
    Site,
    Term,
    Tombstone,
    synthetic_id,
)
from . import extract as x
from . import sitemaps
from .base import EMPTY_STATE, SourceState
from .crawl_fetch import (
    HTML_TYPES,
    ICAL_TYPES,
    MAX_REDIRECTS,
    XML_TYPES,
    Skip,
    decode,
    fetch,
    read_capped,
)
from .http import HttpClient, Robots, conditional_headers, ordered_window
from .plugin_events import AI1EC_MAX_BYTES, UnreadableExport, ai1ec_feeds

DEFAULT_CONCURRENCY = 2
MAX_PAGE_BYTES = 8 * 1024 * 1024
MAX_LISTING_PAGES = 10_000
MAX_FAILURES_IN_A_ROW = 25
MAX_WARNINGS = 200
VALIDATORS_STATE = "crawl:validators"  # the checkpoint of pages' ETag and Last-Modified
MAX_PRINTED_WARNINGS = 20
_NOT_CONTENT = re.compile(
    r"/(wp-admin|wp-login\.php|wp-json|xmlrpc\.php|wp-comments-post\.php|wp-cron\.php)"
    r"|/(feed|trackback|embed)/?$|/comment-page-\d+|[?&](replytocom|share|s|action|like_comment)="
)
# Skips that leave a post's fate unknown: after one of these, nothing is marked deleted.
_UNCERTAIN = ("unreachable", "robots", "too-large", "not-html", "redirect-loop", "offsite")
_UNCERTAIN += ("empty-page", "not-modified", "broken-sitemap", "http-4", "http-5")
_PAGE_NUMBER = re.compile(r"(/page/)(\d+)(/?)|([?&]paged=)(\d+)")

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Loaded:
    """A fetched page, parsed."""

    url: str  # where it was asked for
    final_url: str  # where it was found, after redirects
    headers: dict[str, str]
    raw: str
    doc: Any  # lxml HtmlElement


@dataclass
class Listed:
    """What listings said about one post (merged over every listing it appeared in)."""

    link: str
    type: str = ""
    classes: set[str] = field(default_factory=set)
    excerpt_html: str = ""
    date: str | None = None
    date_gmt: str | None = None
    term_links: list[x.TermLink] = field(default_factory=list)
    media: list[x.MediaRef] = field(default_factory=list)
    member_of: set[int] = field(default_factory=set)  # term ids, when themes print no post_class


class CrawlSource:
    """A live WordPress site read from its public HTML (see the module docstring)."""

    kind = "crawl"

    def __init__(
        self,
        url: str,
        *,
        skip_types: frozenset[str] | set[str] = frozenset(),
        skip_taxonomies: frozenset[str] | set[str] = frozenset(),
        concurrency: int = DEFAULT_CONCURRENCY,
        delay: float = 0.0,
        client: HttpClient | None = None,
        max_page_bytes: int = MAX_PAGE_BYTES,
        max_pages: int = 200_000,
        notify: Callable[[str], None] | None = None,
    ):
        parts = urlsplit(url if "://" in url else "https://" + url)
        if not parts.scheme or not parts.netloc:
            raise SourceError(f"{url}: not a URL")
        self.start_url = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
        self.home = self.start_url
        self.host = parts.netloc.lower()
        self.skip_types = set(skip_types)
        self.skip_taxonomies = set(skip_taxonomies)
        self.concurrency = max(1, concurrency)
        self.delay = max(0.0, delay)
        self.http = client or HttpClient(concurrency=self.concurrency, retries=3)
        self.max_page_bytes = max_page_bytes
        self.max_pages = max_pages
        # url -> (ETag, Last-Modified) from an earlier run
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.notify = notify  # where skipped pages are reported as they happen
        self._warned = 0
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []
        self.robots: Robots | None = None
        self.page_validators: dict[str, tuple[str | None, str | None]] = {}
        self.items_read = 0
        self.known_items: set[int] = set()  # a sync: what the archive holds
        # page URL -> (item id, modified_gmt) of archived items, so a sitemap lastmod or a
        # 304 that says "unchanged" spares the page
        self.known_pages: dict[str, tuple[int, str | None]] = {}
        self._ai1ec_links: dict[str, int] = {}  # All-in-One Event Calendar posts found
        self._unread: set[str] = set()  # single pages that could not be read
        self._doubts: set[str] = set()  # skips that could hide any item (sitemaps, listings)
        self._pool: ThreadPoolExecutor | None = None
        self._failures_in_a_row = 0
        self._preloaded: dict[str, Loaded | Skip] = {}
        self._pages_fetched: set[str] = set()
        # what is known so far
        self._taxonomies: set[str] = {"category", "post_tag"}
        self._term_ids: dict[tuple[str, str], int] = {}  # (taxonomy, class-safe slug) -> id
        self._term_urls: dict[str, tuple[str, str]] = {}  # archive URL -> (taxonomy, slug)
        self._terms_out: set[int] = set()
        self._known_term_ids: set[int] = set()
        self._found_terms: list[Term] = []  # term archives read on demand, not yet yielded
        self._authors_by_slug: dict[str, int] = {}
        self._authors_by_name: dict[str, int] = {}
        self._authors_out: set[int] = set()
        self._media_out: set[int] = set()
        self._items_out: set[int] = set()
        self._listed: dict[int, Listed] = {}
        self._listed_by_url: dict[str, Listed] = {}
        self._feed_dates: dict[str, str] = {}
        self._feed_authors: dict[str, str] = {}
        self._post_class_seen = False
        self._home_loaded: Loaded | None = None
        self._home_listing: x.Listing | None = None
        self._home_is_blog = False

    def describe(self) -> str:
        return self.home

    @property
    def fraction(self) -> float | None:
        return None  # sitemaps of WordPress core give no totals up front

    # -- the run ----------------------------------------------------------------------------

    @property
    def requests_made(self) -> int:
        return self.http.requests

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator[Record]:
        self._read_state(state)
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            self._pool = pool
            yield self._start()
            refs = self._sitemap_refs()
            if refs:
                yield from self._from_sitemaps(refs)
            else:
                self._warn("sitemaps", f"{self.home}: no readable sitemap; following links instead")
                yield from self._from_links()
            yield from self._ai1ec_events()
        if not self._items_out:
            raise SourceError(
                f"{self.home}: no post or page could be read ({self._skipped_summary()}); "
                "nothing was archived"
            )
        yield from self._tombstones()
        if self.page_validators:
            state = {url: list(pair) for url, pair in sorted(self.page_validators.items())}
            yield Checkpoint(VALIDATORS_STATE, state)

    def _read_state(self, state: SourceState) -> None:
        self.known_pages = state.pages
        earlier = state.checkpoints.get(VALIDATORS_STATE, {})
        self.validators = {url: tuple(pair) for url, pair in earlier.items() if url in state.pages}
        self.known_items = state.live_ids.get("item", set()) if state.detect_deletions else set()

    def _tombstones(self) -> Iterator[Tombstone]:
        """Items a sync knew that this crawl did not find, when nothing left that in doubt.

        A single page that could not be read keeps only its own item from being marked; a
        sitemap, listing or archive that could not be read could hide any item, so then
        nothing is marked.
        """
        if not self.known_items:
            return
        if self._doubts:
            doubts = sorted(self._doubts)
            self._warn("deletions", f"not marking deletions: some pages were not read ({doubts})")
            return
        unread = {known[0] for url, known in self.known_pages.items() if url in self._unread}
        for gone in sorted(self.known_items - self._items_out - unread):
            yield Tombstone("item", gone, "gone")

    def _start(self) -> Site:
        """robots.txt, then the home page: refuse what is not WordPress."""
        self.robots = Robots.fetch(self.http, self.start_url)
        self.http.delay = max(self.delay, self.robots.crawl_delay)
        if self.robots.crawl_delay:
            self.concurrency = 1  # the site asked for one request at a time, spaced out
        loaded = self._home_page()
        if not x.looks_like_wordpress(loaded.doc, loaded.raw[:400_000], loaded.headers):
            raise SourceError(
                f"{self.home}: this does not look like a WordPress site (no wp-content, "
                "wp-includes or WordPress generator in its home page); wpmigrate reads "
                "WordPress sites only"
            )
        info = x.extract_site(loaded.doc)
        self._home_loaded = loaded
        self._home_listing = self._record_entries(loaded)
        self._home_is_blog = "blog" in x.body_classes(loaded.doc)
        self._pages_fetched.add(_norm(self.home))
        return Site(
            title=_html_escape(info.title),
            url=self.home.rstrip("/"),
            description=_html_escape(info.description),
            language=info.language,
            source_kind="crawl",
            source_location=self.home,
        )

    def _home_page(self) -> Loaded:
        """The home page; a redirect to another host (www., https) moves the whole crawl."""
        url = self.start_url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.robots.allowed(url):
                raise SourceError(f"{url}: robots.txt does not allow us to read this site")
            response = self.http.get(url, allow_redirects=False, stream=True)
            try:
                location = response.headers.get("Location")
                if response.is_redirect and location:
                    url = urljoin(url, location)
                    if self._host(url) != self.host:
                        self.host = self._host(url)
                        self.robots = Robots.fetch(self.http, url)
                    continue
                if response.status_code >= 400:
                    raise SourceError(f"{url}: the site answered HTTP {response.status_code}")
                content_type = response.headers.get("Content-Type", "")
                if not any(t in content_type for t in HTML_TYPES):
                    raise SourceError(f"{url}: not an HTML page ({content_type or 'no type'})")
                try:
                    body = read_capped(response, self.max_page_bytes, url, self.http.deadline)
                except Skip as skip:
                    raise SourceError(skip.message) from None
            finally:
                response.close()
            raw = decode(body, content_type)
            doc = x.parse_html(raw)
            if doc is None:
                raise SourceError(f"{url}: the home page is empty")
            parts = urlsplit(url)
            self.home = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
            return Loaded(url, url, dict(response.headers), raw, doc)
        raise SourceError(f"{self.start_url}: too many redirects (a redirect loop?)")

    # -- sitemaps ---------------------------------------------------------------------------

    def _sitemap_refs(self) -> list[sitemaps.SitemapRef]:
        found: list[sitemaps.SitemapRef] = []
        seen: set[str] = set()
        for candidate in sitemaps.candidate_urls(self.home, self.robots.sitemaps):
            if self._host(candidate) != self.host:
                continue
            for ref in sitemaps.walk(self._sitemap_body, candidate, seen=seen):
                if isinstance(ref, sitemaps.SitemapError):
                    self._doubts.add("broken-sitemap")
                    self._warn("broken-sitemap", str(ref))
                else:
                    found.append(ref)
            if found:
                break
        return found

    def _sitemap_body(self, url: str) -> bytes | None:
        try:
            fetched = self._get(url, types=XML_TYPES, max_bytes=sitemaps.MAX_BYTES)
        except Skip as skip:
            if skip.reason != "http-404":
                self._note(skip)
            return None
        return fetched[2]

    def _from_sitemaps(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Record]:
        self._classify_unknown(refs)
        for ref in refs:
            if ref.kind == "taxonomies" and ref.subtype:
                self._taxonomies.add(ref.subtype)
        yield from self._authors([r for r in refs if r.kind == "users"])
        yield from self._terms([r for r in refs if r.kind == "taxonomies"])
        types = list(dict.fromkeys(r.subtype for r in refs if r.kind == "posts" and r.subtype))
        self._read_listings([t for t in types if t not in self.skip_types])
        post_refs = [r for r in refs if r.kind == "posts" and r.subtype not in self.skip_types]
        for ref in refs:
            if ref.kind == "posts" and ref.subtype in self.skip_types:
                self._count(ref.subtype)
        yield from self._singles(self._sitemap_entries(post_refs))
        yield from self._missed()

    def _sitemap_entries(self, refs: list[sitemaps.SitemapRef]) -> Iterator[tuple[str, str | None]]:
        seen: set[str] = set()
        for ref in refs:
            try:
                for entry in sitemaps.entries(ref, self._sitemap_body):
                    loc = urljoin(ref.url, entry.loc)
                    if loc not in seen:  # Rank Math serves some files twice
                        seen.add(loc)
                        yield loc, entry.lastmod
            except sitemaps.SitemapError as exc:
                self._doubts.add("broken-sitemap")
                self._warn("broken-sitemap", str(exc))

    def _classify_unknown(self, refs: list[sitemaps.SitemapRef]) -> None:
        """Plugin sitemaps (`foo-sitemap.xml`) don't say what they list: look at one page."""
        for ref in refs:
            if ref.kind:
                continue
            first = next(iter(self._sitemap_entries([dataclasses.replace(ref)])), None)
            if first is None:
                ref.kind = "posts"
                continue
            outcome = self._load(first[0])
            self._preloaded[first[0]] = outcome
            if isinstance(outcome, Skip):
                ref.kind = "posts"
                continue
            classes = x.body_classes(outcome.doc)
            kind = x.page_kind(classes)
            if kind == "term":
                term = x.extract_term(outcome.doc, outcome.final_url)
                ref.kind, ref.subtype = "taxonomies", term.taxonomy if term else ref.subtype
            elif kind == "author":
                ref.kind = "users"
            else:
                post_type = x.extract_post(outcome.doc, outcome.final_url).type
                ref.kind, ref.subtype = "posts", post_type or ref.subtype

    # -- authors and terms ------------------------------------------------------------------

    def _authors(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Record]:
        for loaded in self._sitemap_pages(refs):
            yield from self._on_author_page(loaded)

    def _sitemap_pages(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Loaded]:
        """The pages the sitemaps list, read `concurrency` at a time; skips are noted."""
        urls = (loc for loc, _ in self._sitemap_entries(refs))
        for _, outcome in self._window(self._load, urls):
            if isinstance(outcome, Skip):
                self._note(outcome)
                continue
            yield outcome

    def _on_author_page(self, loaded: Loaded) -> Iterator[Record]:
        page = x.extract_author(loaded.doc, loaded.final_url)
        self._record_entries(loaded)
        if page is None:
            return
        author_id = page.id or synthetic_id("author", page.slug)
        self._authors_by_slug[page.slug] = author_id
        if page.name:
            self._authors_by_name[page.name] = author_id
        if author_id not in self._authors_out:
            self._authors_out.add(author_id)
            yield Author(id=author_id, name=page.name, slug=page.slug)

    def _terms(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Record]:
        for ref in refs:
            if ref.subtype in self.skip_taxonomies:
                self._count(f"taxonomy:{ref.subtype}")
        wanted = [r for r in refs if r.subtype not in self.skip_taxonomies]
        for loaded in self._sitemap_pages(wanted):
            yield from self._on_term_page(loaded)

    def _on_term_page(self, loaded: Loaded, *, follow: bool = True) -> Iterator[Record]:
        page = x.extract_term(loaded.doc, loaded.final_url)
        if page is None:
            self._warn("not-a-term-archive", f"{loaded.url}: not a term archive")
            return
        term = self._register_term(page, loaded.final_url)
        listing = self._record_entries(loaded, term_id=term.id)
        if term.id not in self._terms_out:
            self._terms_out.add(term.id)
            yield term
        if follow and listing.entries and not self._post_class_seen:
            # No post_class on this theme: membership of the archive is the only witness.
            for more in self._listing_pages(listing.next_url):
                self._record_listing(more, term_id=term.id)

    def _register_term(self, page: x.TermPage, url: str) -> Term:
        self._taxonomies.add(page.taxonomy)
        key = (page.taxonomy, x.sanitize_html_class(page.slug))
        term_id = page.id or self._term_ids.get(key) or synthetic_id(page.taxonomy, page.slug)
        self._term_ids[key] = term_id
        self._known_term_ids.add(term_id)
        self._term_urls[_norm(url)] = (page.taxonomy, page.slug)
        return Term(
            id=term_id,
            taxonomy=page.taxonomy,
            name=page.name_html or page.slug,
            slug=page.slug,
            description=page.description_html,
        )

    # -- listings ---------------------------------------------------------------------------

    def _read_listings(self, types: list[str]) -> None:
        """Every page of one listing per post type: post_class, teasers, dates, stickiness."""
        for post_type in types:
            if post_type in ("page", "attachment"):
                continue
            if post_type == "post" and self._home_is_blog and self._home_listing is not None:
                listings = itertools.chain(
                    [self._home_listing], self._listing_pages(self._home_listing.next_url)
                )
            else:
                first = self.home + "?" + urlencode({"post_type": post_type})
                listings = self._listing_pages(first, first_page=True)
            shown, dated = self._read_listing(listings, post_type)
            if shown and not dated:
                self._read_feed(post_type)

    def _read_listing(self, listings: Iterator[x.Listing], post_type: str) -> tuple[bool, bool]:
        """Record a type's listing pages: (did it list that type?, did it show dates?).

        A type WordPress gives no listing (not publicly queryable) falls back to the blog:
        that is noticed on page 1 and not paged through again."""
        shown = dated = False
        for listing in listings:
            mine = [e for e in listing.entries if e.type in ("", post_type)]
            if not mine:
                break
            self._record_listing(listing)
            shown = True
            dated = dated or any(e.date_gmt for e in mine)
        return shown, dated

    def _listing_pages(self, url: str | None, *, first_page: bool = False) -> Iterator[x.Listing]:
        """Page 1 (when asked) and the pages after it, fetched ahead when the page numbers
        follow WordPress's pattern (`/page/N/`, `paged=N`)."""
        if url is None:
            return
        if first_page:
            outcome = self._load(url)
            if isinstance(outcome, Skip):
                self._note(outcome)
                return
            listing = x.extract_listing(outcome.doc, outcome.final_url)
            yield listing
            url = listing.next_url
            if url is None:
                return
        numbered = _page_numbers(url)
        if numbered is None:  # no pattern: follow the links one page at a time
            for _ in range(MAX_LISTING_PAGES):
                outcome = self._load(url)
                if isinstance(outcome, Skip):
                    self._note(outcome)
                    return
                listing = x.extract_listing(outcome.doc, outcome.final_url)
                yield listing
                if not listing.entries or not listing.next_url or listing.next_url == url:
                    return
                url = listing.next_url
            return
        for _, outcome in self._window(self._load, itertools.islice(numbered, MAX_LISTING_PAGES)):
            if isinstance(outcome, Skip):
                if outcome.reason != "http-404":
                    self._note(outcome)
                return
            listing = x.extract_listing(outcome.doc, outcome.final_url)
            yield listing
            if not listing.entries or not listing.next_url:
                return

    def _record_entries(self, loaded: Loaded, term_id: int | None = None) -> x.Listing:
        listing = x.extract_listing(loaded.doc, loaded.final_url)
        self._record_listing(listing, term_id=term_id)
        return listing

    def _record_listing(self, listing: x.Listing, term_id: int | None = None) -> None:
        for entry in listing.entries:
            if entry.id is not None and entry.id in self._items_out:
                continue
            if any(c.startswith("type-") for c in entry.classes):
                self._post_class_seen = True
            listed = self._listed_for(entry)
            listed.classes.update(entry.classes)
            listed.type = listed.type or entry.type
            listed.excerpt_html = listed.excerpt_html or entry.excerpt_html
            if entry.date_gmt and not listed.date_gmt:
                listed.date, listed.date_gmt = entry.date, entry.date_gmt
            known = {t.url for t in listed.term_links}
            listed.term_links.extend(t for t in entry.term_links if t.url not in known)
            listed.media.extend(m for m in entry.media if m not in listed.media)
            if term_id is not None and not any(c.startswith("type-") for c in entry.classes):
                listed.member_of.add(term_id)

    def _listed_for(self, entry: x.Entry) -> Listed:
        link = _norm(entry.link)
        if entry.id is None:
            return self._listed_by_url.setdefault(link, Listed(link=entry.link))
        listed = self._listed.get(entry.id)
        if listed is None:
            listed = self._listed_by_url.pop(link, None) or Listed(link=entry.link)
            self._listed[entry.id] = listed
        return listed

    def _read_feed(self, post_type: str) -> None:
        """The type's RSS feed, for publication dates a theme does not print (GMT, exact)."""
        first = self.home + "?" + urlencode({"feed": "rss2", "post_type": post_type})
        urls = itertools.chain([first], (f"{first}&paged={n}" for n in itertools.count(2)))
        for _, outcome in self._window(self._load_feed, itertools.islice(urls, MAX_LISTING_PAGES)):
            if isinstance(outcome, Skip):
                if outcome.reason != "http-404":
                    self._note(outcome)
                return
            if not outcome:
                return
            for link, date_gmt, creator in outcome:
                self._feed_dates[_norm(link)] = date_gmt
                if creator:
                    self._feed_authors[_norm(link)] = creator

    def _load_feed(self, url: str) -> list[tuple[str, str, str]] | Skip:
        try:
            _, _, body = self._get(url, types=XML_TYPES, max_bytes=self.max_page_bytes)
        except Skip as skip:
            return skip
        return _feed_items(body)

    # -- single pages -----------------------------------------------------------------------

    def _singles(self, urls: Iterable[tuple[str, str | None]]) -> Iterator[Record]:
        pending = (
            (u, m)
            for u, m in urls
            if _norm(u) not in self._pages_fetched and not self._unchanged(u, m)
        )
        for (url, lastmod), outcome in self._window(lambda pair: self._load(pair[0]), pending):
            self._pages_fetched.add(_norm(url))
            if isinstance(outcome, Skip):
                self._note(outcome, page=url)
                continue
            yield from self._on_page(outcome, lastmod)

    def _missed(self) -> Iterator[Record]:
        """Posts that listings showed but no sitemap listed."""
        links = [
            (listed.link, None) for i, listed in self._listed.items() if i not in self._items_out
        ]
        links += [(listed.link, None) for listed in self._listed_by_url.values()]
        yield from self._singles(links)

    def _on_page(self, loaded: Loaded, lastmod: str | None = None) -> Iterator[Record]:
        """Whatever the page is: an item, a term or author archive, or a listing."""
        kind = x.page_kind(x.body_classes(loaded.doc))
        if kind == "term":
            yield from self._on_term_page(loaded, follow=False)
        elif kind == "author":
            yield from self._on_author_page(loaded)
        elif kind == "listing":
            self._record_entries(loaded)
        elif kind == "attachment":
            self._count("attachment-page")
        elif kind == "notfound":
            self._warn("http-404", f"{loaded.url}: WordPress says there is no such page")
        else:
            yield from self._item_records(loaded, lastmod, kind)

    def _item_records(self, loaded: Loaded, lastmod: str | None, kind: str) -> Iterator[Record]:
        post = x.extract_post(loaded.doc, loaded.final_url, loaded.headers)
        if post.id is None and kind != "single":
            self._warn("not-a-post", f"{loaded.url}: no WordPress post on this page")
            return
        post.id = post.id or synthetic_id("item", _norm(post.url))
        if post.id in self._items_out:
            return
        if post.type in self.skip_types:
            self._count(post.type)
            return
        if post.page_links:
            post.content_html += "".join(self._more_pages(post.page_links))
        listed = self._listed.pop(post.id, None) or self._listed_by_url.pop(_norm(post.url), None)
        listed = (
            listed or self._listed_by_url.pop(_norm(loaded.final_url), None) or Listed(post.url)
        )
        term_ids, new_terms = self._item_terms(post, listed)
        yield from new_terms
        author_id, new_author = self._item_author(post, listed)
        if new_author is not None:
            yield new_author
        media = self._item_media(post, listed, loaded.final_url)
        yield from media
        self._items_out.add(post.id)
        self.items_read += 1
        if post.type == ev.AI1EC_TYPE:
            self._ai1ec_links[post.url] = post.id
        yield self._item(post, listed, loaded, lastmod, term_ids, author_id)

    def _item(
        self,
        post: x.PostPage,
        listed: Listed,
        loaded: Loaded,
        lastmod: str | None,
        term_ids: list[int],
        author_id: int | None,
    ) -> Item:
        link = _norm(post.url)
        date, date_gmt = post.date, post.date_gmt
        if date_gmt is None:
            date = date or listed.date
            date_gmt = listed.date_gmt or self._feed_dates.get(link)
        featured = post.featured
        for comment in post.comments:
            comment.item_id = post.id
        return Item(
            id=post.id,
            type=post.type or listed.type or "post",
            status="publish",
            title=post.title_html,
            slug=x.last_path_segment(post.url) if not urlsplit(post.url).query else "",
            content_html=post.content_html,
            excerpt_html="" if post.password_required else listed.excerpt_html,
            date=date,
            date_gmt=date_gmt,
            modified_gmt=post.modified_gmt or (_utc_z(lastmod) if lastmod else None),
            author_id=author_id,
            parent_id=post.parent_id,
            link=post.url,
            password_protected=post.password_required,
            sticky="sticky" in listed.classes,
            featured_media_id=self._media_id(featured) if featured else None,
            comment_status="" if post.password_required else _comment_status(post),
            term_ids=term_ids,
            comments=post.comments,
            source="crawl",
            source_url=loaded.final_url,
        )

    def _more_pages(self, urls: list[str]) -> Iterator[str]:
        """Pages 2..n of a post split with <!--nextpage-->, joined to the first."""
        for url in urls[:50]:
            outcome = self._load(url)
            if isinstance(outcome, Skip):
                self._note(outcome)
                continue
            region = x.content_region(outcome.doc)
            if region is not None:
                yield x.inner_html(x.strip_chrome(region))

    # -- resolving terms, authors, media ----------------------------------------------------

    def _item_terms(self, post: x.PostPage, listed: Listed) -> tuple[list[int], list[Term]]:
        ids: list[int] = []
        keys = self._class_terms([*post.classes, *listed.classes])
        keys += [self._link_term(link) for link in [*post.term_links, *listed.term_links]]
        new = [t for t in self._found_terms if t.id not in self._terms_out]
        self._terms_out.update(t.id for t in new)
        self._found_terms.clear()
        for key in keys:
            if key is None:
                continue
            term_id, term = self._term_id(*key)
            if term is not None:
                new.append(term)
            if term_id not in ids:
                ids.append(term_id)
        if not any(c.startswith("type-") for c in [*post.classes, *listed.classes]):
            ids.extend(t for t in sorted(listed.member_of) if t not in ids)
        return ids, new

    def _class_terms(self, classes: Iterable[str]) -> list[tuple[str, str, str] | None]:
        """post_class entries (`category-news`, `tag-water`, `resource_type-report`) as terms."""
        prefixes = sorted(
            ((("tag-" if t == "post_tag" else t + "-"), t) for t in self._taxonomies),
            key=lambda p: -len(p[0]),
        )
        keys: list[tuple[str, str, str] | None] = []
        for c in dict.fromkeys(classes):
            for prefix, taxonomy in prefixes:
                if c.startswith(prefix) and len(c) > len(prefix):
                    keys.append((taxonomy, c[len(prefix) :], ""))
                    break
        return keys

    def _link_term(self, link: x.TermLink) -> tuple[str, str, str] | None:
        known = self._term_urls.get(_norm(link.url))
        if known is None and self._host(link.url) == self.host:
            known = self._resolve_term_url(link.url)
        if known is not None:
            return known[0], x.sanitize_html_class(known[1]), link.name_html
        return None

    def _resolve_term_url(self, url: str) -> tuple[str, str] | None:
        """A term archive no sitemap listed (an empty-looking term, a missing sitemap)."""
        key = _norm(url)
        if key in self._pages_fetched:
            return self._term_urls.get(key)
        self._pages_fetched.add(key)
        outcome = self._load(url)
        if isinstance(outcome, Skip):
            self._note(outcome)
            return None
        page = x.extract_term(outcome.doc, outcome.final_url)
        if page is None:
            return None
        term = self._register_term(page, outcome.final_url)
        self._term_urls[key] = (page.taxonomy, page.slug)
        self._record_entries(outcome)
        self._found_terms.append(term)
        return page.taxonomy, page.slug

    def _term_id(self, taxonomy: str, slug: str, name_html: str) -> tuple[int, Term | None]:
        """The id of a term by its class-safe slug (a numeric one may be the id itself), and
        the Term record when it is new (named by its link when nothing better is known)."""
        term_id = self._term_ids.get((taxonomy, slug))
        if term_id is None and slug.isdigit() and int(slug) in self._known_term_ids:
            term_id = int(slug)
        if term_id is None:
            term_id = synthetic_id(taxonomy, slug)
            self._term_ids[(taxonomy, slug)] = term_id
        if term_id in self._terms_out:
            return term_id, None
        self._terms_out.add(term_id)
        return term_id, Term(id=term_id, taxonomy=taxonomy, name=name_html or slug, slug=slug)

    def _item_author(self, post: x.PostPage, listed: Listed) -> tuple[int | None, Author | None]:
        slug = x.last_path_segment(post.author_url) if post.author_url else ""
        name = post.author_name or self._feed_authors.get(_norm(post.url), "")
        author_id = self._authors_by_slug.get(slug) if slug else None
        if author_id is None and name:
            author_id = self._authors_by_name.get(name)
        if author_id is not None or not (slug or name):
            return author_id, None
        author_id = synthetic_id("author", slug or name)
        if slug:
            self._authors_by_slug[slug] = author_id
        if name:
            self._authors_by_name[name] = author_id
        self._authors_out.add(author_id)
        return author_id, Author(id=author_id, name=name or slug, slug=slug)

    def _item_media(self, post: x.PostPage, listed: Listed, page_url: str) -> list[Media]:
        refs = [*post.media, *listed.media]
        if post.featured is not None:
            refs.append(post.featured)
        found: list[Media] = []
        for ref in refs:
            media_id = self._media_id(ref)
            if media_id in self._media_out:
                continue
            self._media_out.add(media_id)
            found.append(_media(ref, media_id, post.id, page_url))
        return found

    def _media_id(self, ref: x.MediaRef) -> int:
        return ref.id or synthetic_id("media", x.original_file_url(ref.url))

    # -- no sitemaps: follow links ----------------------------------------------------------

    def _from_links(self) -> Iterator[Record]:
        """Breadth-first over the site's links: listings first, term archives, then posts."""
        frontier: list[tuple[int, int, str]] = []
        queued: set[str] = set(self._pages_fetched)
        counter = itertools.count()

        def push(url: str, priority: int) -> None:
            url = url.split("#", 1)[0]
            key = _norm(url)
            if key in queued or not self._crawlable(url):
                return
            queued.add(key)
            heapq.heappush(frontier, (priority, next(counter), url))

        if self._home_loaded is not None:
            self._push_links(self._home_loaded, push)
        budget = self.max_pages
        while frontier and budget > 0:
            batch = [heapq.heappop(frontier)[2] for _ in range(min(len(frontier), 8, budget))]
            budget -= len(batch)
            for url, outcome in self._window(self._load, batch):
                self._pages_fetched.add(_norm(url))
                if isinstance(outcome, Skip):
                    self._note(outcome)
                    continue
                self._push_links(outcome, push)
                yield from self._on_page(outcome)
        yield from self._missed()

    def _push_links(self, loaded: Loaded, push: Callable[[str, int], None]) -> None:
        kind = x.page_kind(x.body_classes(loaded.doc))
        listing = x.extract_listing(loaded.doc, loaded.final_url)
        if listing.next_url:
            push(listing.next_url, 0)
        for link in x.term_links(loaded.doc, loaded.final_url):
            push(link.url, 1)
        for entry in listing.entries:
            push(entry.link, 2)
        for href in loaded.doc.xpath("//a/@href"):
            url = urljoin(loaded.final_url, str(href).strip())
            push(url, 1 if kind in ("listing", "term", "author") else 2)

    def _crawlable(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != self.host:
            return False
        if _NOT_CONTENT.search(parts.path + ("?" + parts.query if parts.query else "")):
            return False
        name = parts.path.rsplit("/", 1)[-1]
        return "." not in name or name.endswith((".html", ".htm", ".php"))

    # -- calendars --------------------------------------------------------------------------

    def _ai1ec_events(self) -> Iterator[Record]:
        """Dates of the All-in-One Event Calendar posts found, from the plugin's iCal export.

        The plugin keeps them in its own table, shown on no page in a form worth parsing;
        its export, given the post ids, lists them (one request per 400 events).
        """
        if not self._ai1ec_links:
            return
        feeds = ai1ec_feeds(
            lambda url: self._get(url, types=ICAL_TYPES, max_bytes=AI1EC_MAX_BYTES)[2],
            self.home,
            sorted(set(self._ai1ec_links.values())),
            links=self._ai1ec_links,
        )
        try:
            for _, feed in feeds:
                yield from (found.event for found in feed.events if found.event is not None)
                if feed.unmatched:
                    self._count("events:unmatched")
        except Skip as skip:
            self._note(skip)
        except UnreadableExport as exc:
            self._warn("events-unreadable", str(exc))

    # -- fetching ---------------------------------------------------------------------------

    def _load(self, url: str) -> Loaded | Skip:
        """Fetch and parse one HTML page (runs in worker threads; never raises)."""
        preloaded = self._preloaded.pop(url, None)
        if preloaded is not None:
            return preloaded
        headers = conditional_headers(*self.validators[url]) if url in self.validators else None
        try:
            final_url, response_headers, body = self._get(
                url, types=HTML_TYPES, max_bytes=self.max_page_bytes, headers=headers
            )
        except Skip as skip:
            return skip
        raw = decode(body, response_headers.get("Content-Type", ""))
        doc = x.parse_html(raw)
        if doc is None:
            return Skip("empty-page", f"{url}: empty page")
        validator = (response_headers.get("ETag"), response_headers.get("Last-Modified"))
        if any(validator):
            self.page_validators[final_url] = validator
        return Loaded(url, final_url, response_headers, raw, doc)

    def _get(
        self,
        url: str,
        *,
        types: tuple[str, ...],
        max_bytes: int,
        headers: dict[str, str] | None = None,
    ) -> tuple[str, dict[str, str], bytes]:
        return fetch(
            self.http, url, check=self._check, types=types, max_bytes=max_bytes, headers=headers
        )

    def _check(self, url: str) -> None:
        if self._host(url) != self.host:
            raise Skip("offsite", f"{url}: on another host; not followed")
        if self.robots is not None and not self.robots.allowed(url):
            raise Skip("robots", f"{url}: disallowed by robots.txt")

    def _window(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[T, R]]:
        """fn over items with `concurrency` requests in flight, results in order; stops the
        run when the site stops answering."""
        assert self._pool is not None
        for item, result in ordered_window(self._pool, fn, items, self.concurrency):
            self._track_failures(result)
            yield item, result

    def _track_failures(self, result: Any) -> None:
        if isinstance(result, Skip) and result.reason == "unreachable":
            self._failures_in_a_row += 1
            if self._failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
                raise SourceError(
                    f"{self.home}: {MAX_FAILURES_IN_A_ROW} requests in a row failed; the site "
                    f"stopped answering ({result.message})"
                )
        else:
            self._failures_in_a_row = 0

    # -- bookkeeping ------------------------------------------------------------------------

    def _unchanged(self, url: str, lastmod: str | None) -> bool:
        """An archived page whose sitemap lastmod is the modification we hold: not fetched."""
        known = self.known_pages.get(_norm(url))
        if known is None or not lastmod or _utc_z(lastmod) != known[1]:
            return False
        self._seen_unchanged(known[0])
        return True

    def _seen_unchanged(self, item_id: int) -> None:
        self._items_out.add(item_id)
        self._count("unchanged")

    def _note(self, skip: Skip, page: str | None = None) -> None:
        """Count and report a skip; `page` is the single page it cost, if that is all."""
        if skip.reason == "not-modified":
            known = self.known_pages.get(_norm(skip.message))
            if known is not None:  # 304 for a page we hold: the item is there, unchanged
                self._seen_unchanged(known[0])
                return
        if skip.reason.startswith(_UNCERTAIN) and skip.reason != "http-404":
            if page is not None:
                self._unread.add(_norm(page))
            else:
                self._doubts.add(skip.reason)
        self._warn(skip.reason, skip.message)

    def _skipped_summary(self) -> str:
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return f"skipped: {skipped}" if skipped else "none found"

    def _warn(self, reason: str, message: str) -> None:
        self._count(reason)
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        if self.notify is None:
            return
        self._warned += 1
        if self._warned <= MAX_PRINTED_WARNINGS:
            self.notify(f"wpmigrate: skipped: {message}")
        elif self._warned == MAX_PRINTED_WARNINGS + 1:
            self.notify("wpmigrate: more pages skipped; the run's counts list them all")

    def _count(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    @staticmethod
    def _host(url: str) -> str:
        return urlsplit(url).netloc.lower()


def _page_numbers(url: str) -> Iterator[str] | None:
    """Page 2's URL -> the URLs of pages 2, 3, 4... when it follows WordPress's pattern."""
    matches = list(_PAGE_NUMBER.finditer(url))
    if not matches:
        return None
    match = matches[-1]
    start, end = match.span(2) if match.group(2) else match.span(5)
    return (url[:start] + str(n) + url[end:] for n in itertools.count(int(url[start:end])))


def _feed_items(body: bytes) -> list[tuple[str, str, str]]:
    """(link, GMT date, author name) of each RSS item."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=True)
    try:
        root = etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    found = []
    for item in root.iter("item"):
        link = (item.findtext("link") or "").strip()
        try:
            when = parsedate_to_datetime((item.findtext("pubDate") or "").strip())
        except (TypeError, ValueError):
            continue
        gmt = x.split_datetime(when.isoformat())[1]
        creator = item.findtext("{http://purl.org/dc/elements/1.1/}creator") or ""
        if link and gmt:
            found.append((link, gmt, creator.strip()))
    return found


def _media(ref: x.MediaRef, media_id: int, item_id: int, page_url: str) -> Media:
    path = urlsplit(ref.url).path
    name = path.rsplit("/", 1)[-1]
    uploads = path.split("/uploads/", 1)
    return Media(
        id=media_id,
        url=ref.url,
        item_id=item_id,
        mime_type=mimetypes.guess_type(name)[0] or "",
        title=_html_escape(ref.title) or name.rsplit(".", 1)[0],
        caption=ref.caption,
        alt=ref.alt,
        width=ref.width,
        height=ref.height,
        file=uploads[1] if len(uploads) == 2 else "",
        slug="",
        source_url=page_url,
    )


def _comment_status(post: x.PostPage) -> str:
    return "open" if post.comments_open else "closed"


def _utc_z(value: str) -> str | None:
    """A sitemap lastmod (W3C datetime, any offset) as the archive writes dates: UTC with Z."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _norm(url: str) -> str:
    """URLs that name the same page compare equal (no fragment, one trailing slash)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _html_escape(text: str) -> str:
    """Model text is HTML as the source gave it: plain text found in a page is escaped back."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
