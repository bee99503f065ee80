"""How a crawl finds what a site holds: sitemaps, one listing per post type (with its RSS
feed when the listing shows no dates), and without sitemaps a walk over the site's links.

A part of CrawlSource (crawl.py), which holds the state these methods share."""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import etree

from ..model import (
    Record,
)
from . import extract as x
from . import sitemaps
from .crawl_fetch import (
    XML_TYPES,
    Loaded,
    Skip,
    norm_url,
)

MAX_LISTING_PAGES = 10_000
_NOT_CONTENT = re.compile(
    r"/(wp-admin|wp-login\.php|wp-json|xmlrpc\.php|wp-comments-post\.php|wp-cron\.php)"
    r"|/(feed|trackback|embed)/?$|/comment-page-\d+|[?&](replytocom|share|s|action|like_comment)="
)
_PAGE_NUMBER = re.compile(r"(/page/)(\d+)(/?)|([?&]paged=)(\d+)")


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


class Discovery:
    """CrawlSource's discovery steps."""

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
            listing = self._listing_in(self._load(url))
            if listing is None:
                return
            yield listing
            url = listing.next_url
            if url is None:
                return
        numbered = _page_numbers(url)
        if numbered is None:  # no pattern: follow the links one page at a time
            for _ in range(MAX_LISTING_PAGES):
                listing = self._listing_in(self._load(url))
                if listing is None:
                    return
                yield listing
                if not listing.entries or not listing.next_url or listing.next_url == url:
                    return
                url = listing.next_url
            return
        for _, outcome in self._window(self._load, itertools.islice(numbered, MAX_LISTING_PAGES)):
            listing = self._listing_in(outcome, end_at_404=True)
            if listing is None:
                return
            yield listing
            if not listing.entries or not listing.next_url:
                return

    def _listing_in(self, outcome: Loaded | Skip, *, end_at_404: bool = False) -> x.Listing | None:
        """The listing a loaded page shows; None for a skipped page, which is noted (but not a
        404 with `end_at_404`: there the numbered pages end)."""
        if isinstance(outcome, Skip):
            if not (end_at_404 and outcome.reason == "http-404"):
                self._note(outcome)
            return None
        return x.extract_listing(outcome.doc, outcome.final_url)

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
        link = norm_url(entry.link)
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
                self._feed_dates[norm_url(link)] = date_gmt
                if creator:
                    self._feed_authors[norm_url(link)] = creator

    def _load_feed(self, url: str) -> list[tuple[str, str, str]] | Skip:
        try:
            _, _, body = self._get(url, types=XML_TYPES, max_bytes=self.max_page_bytes)
        except Skip as skip:
            return skip
        return _feed_items(body)

    # -- no sitemaps: follow links ----------------------------------------------------------

    def _from_links(self) -> Iterator[Record]:
        """Breadth-first over the site's links: listings first, term archives, then posts."""
        frontier: list[tuple[int, int, str]] = []
        queued: set[str] = set(self._pages_fetched)
        counter = itertools.count()

        def push(url: str, priority: int) -> None:
            url = url.split("#", 1)[0]
            key = norm_url(url)
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
                self._pages_fetched.add(norm_url(url))
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
