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

Each type's first items are held back until they show its template debris (debris.py): the
rules come first, as a LearnedCleaning record, then the items.

Without sitemaps a breadth-first walk over the site's own links (listings and term archives
before single pages) stands in for steps 2-6. Requests per item stay near 1.1.

CrawlSource holds the run and its state, single pages and fetching; discovery (sitemaps,
listings, links) is in crawl_discovery.py, terms and authors in crawl_terms.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from .. import events as ev
from ..debris import Learner
from ..errors import SourceError
from ..model import (
    Checkpoint,
    Item,
    Record,
    Site,
    Term,
    Tombstone,
    synthetic_id,
)
from . import extract as x
from .base import EMPTY_STATE, SourceState
from .crawl_discovery import Discovery, Listed
from .crawl_fetch import (
    HTML_TYPES,
    ICAL_TYPES,
    MAX_REDIRECTS,
    Loaded,
    Skip,
    decode,
    fetch,
    html_escape,
    norm_url,
    read_capped,
)
from .crawl_terms import TermsAndAuthors
from .http import HttpClient, Robots, conditional_headers, ordered_window
from .plugin_events import AI1EC_MAX_BYTES, UnreadableExport, ai1ec_feeds

DEFAULT_CONCURRENCY = 2
MAX_PAGE_BYTES = 8 * 1024 * 1024
MAX_FAILURES_IN_A_ROW = 25
MAX_WARNINGS = 200
VALIDATORS_STATE = "crawl:validators"  # the checkpoint of pages' ETag and Last-Modified
DEBRIS_STATE = "crawl:debris"  # the debris rules learned per type, for a sync reading few pages
MAX_PRINTED_WARNINGS = 20
# Skips that leave a post's fate unknown: after one of these, nothing is marked deleted.
_UNCERTAIN = ("unreachable", "robots", "too-large", "not-html", "redirect-loop", "offsite")
_UNCERTAIN += ("empty-page", "not-modified", "broken-sitemap", "http-4", "http-5")
T = TypeVar("T")
R = TypeVar("R")


class CrawlSource(Discovery, TermsAndAuthors):
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
        self.debris_rules: dict[str, Any] = {}  # what an earlier run learned, per type
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
            learner = Learner(self.debris_rules)
            yield from learner.stream(self._discovered())
            yield from self._ai1ec_events()
        if not self._items_out:
            raise SourceError(
                f"{self.home}: no post or page could be read ({self._skipped_summary()}); "
                "nothing was archived"
            )
        yield from self._tombstones()
        yield Checkpoint(DEBRIS_STATE, learner.state())
        if self.page_validators:
            state = {url: list(pair) for url, pair in sorted(self.page_validators.items())}
            yield Checkpoint(VALIDATORS_STATE, state)

    def _discovered(self) -> Iterator[Record]:
        refs = self._sitemap_refs()
        if refs:
            yield from self._from_sitemaps(refs)
        else:
            self._warn("sitemaps", f"{self.home}: no readable sitemap; following links instead")
            yield from self._from_links()

    def _read_state(self, state: SourceState) -> None:
        self.known_pages = state.pages
        earlier = state.checkpoints.get(VALIDATORS_STATE, {})
        self.validators = {url: tuple(pair) for url, pair in earlier.items() if url in state.pages}
        self.known_items = state.live_ids.get("item", set()) if state.detect_deletions else set()
        self.debris_rules = state.checkpoints.get(DEBRIS_STATE, {})

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
        self._pages_fetched.add(norm_url(self.home))
        return Site(
            title=html_escape(info.title),
            url=self.home.rstrip("/"),
            description=html_escape(info.description),
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

    # -- single pages -----------------------------------------------------------------------

    def _singles(self, urls: Iterable[tuple[str, str | None]]) -> Iterator[Record]:
        pending = (
            (u, m)
            for u, m in urls
            if norm_url(u) not in self._pages_fetched and not self._unchanged(u, m)
        )
        for (url, lastmod), outcome in self._window(lambda pair: self._load(pair[0]), pending):
            self._pages_fetched.add(norm_url(url))
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
        post.id = post.id or synthetic_id("item", norm_url(post.url))
        if post.id in self._items_out:
            return
        if post.type in self.skip_types:
            self._count(post.type)
            return
        if post.page_links:
            post.content_html += "".join(self._more_pages(post.page_links))
        listed = self._listed.pop(post.id, None) or self._listed_by_url.pop(
            norm_url(post.url), None
        )
        listed = (
            listed or self._listed_by_url.pop(norm_url(loaded.final_url), None) or Listed(post.url)
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
        link = norm_url(post.url)
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
        known = self.known_pages.get(norm_url(url))
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
            known = self.known_pages.get(norm_url(skip.message))
            if known is not None:  # 304 for a page we hold: the item is there, unchanged
                self._seen_unchanged(known[0])
                return
        if skip.reason.startswith(_UNCERTAIN) and skip.reason != "http-404":
            if page is not None:
                self._unread.add(norm_url(page))
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
