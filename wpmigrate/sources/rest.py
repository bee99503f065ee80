"""Read a live site through the WordPress REST API: its collections, paged and checked.

Finding the API, the site and its types and taxonomies is rest_discovery.py's job; turning
rows into records is rest_parse.py's. Requests are few and small: `per_page=100`, `_fields`
naming only what the model needs, no `_embed`, `orderby=id` for stable paging. The first
page of every collection is fetched concurrently (it tells the page count), then all
remaining pages of all collections go through one bounded window of concurrent requests,
yielded in order, and what arrived is checked against X-WP-Total (see `Listing`).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

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
    TermIds,
    Tombstone,
    term_id_precedence,
)
from .base import EMPTY_STATE, SourceState
from .http import HttpClient, ordered_window
from .plugin_events import (
    AI1EC_STATE,
    TEC_NAMESPACE,
    UnreadableExport,
    ai1ec_export_url,
    ai1ec_feeds,
    ai1ec_worth_asking,
    api_home,
    fetch_ical,
    shortlink_id,
    tec_records,
)
from .rest_discovery import (
    INDEX_FIELDS,
    ApiRoot,
    RestUnavailableError,
    described,
    discover_api_root,
    error_code,
    http_error,
    is_json,
    refuse_credentials_in,
    site_from_index,
)
from .rest_parse import (
    FORMAT_FIELD,
    author_from_rest,
    comment_from_rest,
    is_id,
    item_from_rest,
    mapping_of,
    media_from_rest,
    post_format_term,
    term_from_rest,
    terms_of,
    text,
)
from .rest_plan import PROBE_PARAMS, Sweep, batches, gone_reason, probe_of, unchanged

PER_PAGE = 100
ITEM_FIELDS = (
    "id,date,date_gmt,modified_gmt,slug,status,type,link,title,content,excerpt,author,"
    "featured_media,comment_status,sticky,parent,menu_order,meta,acf"
)
# `media_details` whole: WordPress 6.1's media controller checks for the top-level name, so
# nested selections (`media_details.width`) come back empty.
MEDIA_FIELDS = (
    "id,date_gmt,modified_gmt,slug,status,link,title,author,caption,alt_text,mime_type,post,"
    "source_url,description,media_details"
)
TERM_FIELDS = "id,name,slug,taxonomy,parent,description,count"
USER_FIELDS = "id,name,slug"
USER_EDIT_FIELDS = USER_FIELDS + ",username"  # the login, for authenticated runs only
COMMENT_FIELDS = "id,post,parent,author_name,author_url,date_gmt,content,status,type"
# Collections read whole on every run (no probe): what a sync marks when they drop an id.
UNTRACKED_TOMBSTONES = {"terms": "term", "comments": "comment"}


@dataclass
class Listing:
    """One paged GET of a REST list endpoint: route and params, then what page 1 said.

    Nothing a server says about its pages is taken on trust: `pages` is what `X-WP-Total`
    allows (a lying `X-WP-TotalPages` cannot add pages), `totals` collects the `X-WP-Total`
    of every page (a listing that changed while read shows there), and `repeated` notes a
    page that brought only rows already read.
    """

    route: str
    params: dict[str, Any]
    optional: bool = False  # a 401/403 means "not visible to us", not a failed export
    visible: bool = True
    total: int = 0  # rows the listing holds: X-WP-Total, else what page 1 brought
    counted: bool = False  # whether `total` is the server's X-WP-Total
    pages: int = 0
    first_rows: list[dict[str, Any]] = field(default_factory=list)
    totals: set[int] = field(default_factory=set)
    repeated: int = 0  # the first page that repeated earlier rows, if any
    malformed: int = 0  # rows without a usable id: sent, counted, not kept

    def include(self, ids: Iterable[int]) -> Listing:
        """The same listing narrowed to `ids` (at most PER_PAGE of them)."""
        return Listing(self.route, {**self.params, "include": ",".join(map(str, ids))})


# Listings whose X-WP-Total counts rows the reader is then not shown: WordPress counts with
# WP_Query and filters each row by read permission afterwards, so attachments of unpublished
# posts, and the editor's own types (reusable blocks, templates, navigation menus, global
# styles) read without an editor's rights, come up short with nothing wrong. A shortfall on
# these warns; on any other listing it fails the run.
HIDDEN_AFTER_COUNT = frozenset(
    {
        "wp/v2/media",
        "wp/v2/blocks",
        "wp/v2/templates",
        "wp/v2/template-parts",
        "wp/v2/navigation",
        "wp/v2/global-styles",
    }
)


@dataclass
class Collection:
    """One REST collection and how to turn its rows into records."""

    name: str  # e.g. "items:publication", "terms:category", "media", "users", "comments"
    route: str
    params: dict[str, Any]
    parse: Callable[[dict[str, Any]], Record | None]
    optional: bool = False
    tracked: bool = False  # items and media: probed, swept and synced incrementally
    sweep_fields: str = "id,modified_gmt"
    term_fields: dict[str, str] = field(default_factory=dict)  # items: rest field -> taxonomy

    def listing(self, **extra: Any) -> Listing:
        return Listing(self.route, {**self.params, **extra}, self.optional)


@dataclass
class _Started:
    """What `RESTSource.start()` asked for, for `records()` to take; or why it could not
    start, which `records()` raises inside the run, as if it had asked first."""

    collections: list[Collection] = field(default_factory=list)
    pool: ThreadPoolExecutor | None = None
    probes: dict[str, Future] = field(default_factory=dict)
    plans: dict[str, Listing | None] = field(default_factory=dict)
    firsts: list[Future] = field(default_factory=list)
    error: Exception | None = None


class RESTSource:
    """A live WordPress site read over its REST API."""

    kind = "rest"

    def __init__(
        self,
        url: str,
        *,
        skip_types: frozenset[str] | set[str] = frozenset(),
        skip_taxonomies: frozenset[str] | set[str] = frozenset(),
        concurrency: int = 4,
        auth: tuple[str, str] | None = None,
        client: HttpClient | None = None,
        notify: Callable[[str], None] | None = None,
        allowed_origins: Iterable[str] = (),
        max_response_bytes: int | None = None,
    ):
        """Requests go only to the origin of `url` and the `allowed_origins` (--allow-origin):
        a Link header or redirect elsewhere is refused, and credentials never leave them."""
        refuse_credentials_in(url)
        self.start_url = url
        self.skip_types = set(skip_types)
        self.skip_taxonomies = set(skip_taxonomies)
        self.concurrency = max(1, concurrency)
        self.authenticated = auth is not None
        limits = {"max_response_bytes": max_response_bytes} if max_response_bytes else {}
        self.http = client or HttpClient(
            concurrency=self.concurrency, auth=auth, origins=[url, *allowed_origins], **limits
        )
        self.root: ApiRoot | None = None
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []
        self.notify = notify  # where warnings are told as they happen
        self.total_items = 0
        self.items_read = 0
        self.taxonomy_bases: dict[str, str] = {}  # taxonomy -> rest field on items
        self.term_keys = TermIds()  # WordPress term ids -> archive ids (shared ids)
        self.namespaces: list[str] = []
        self.authors_seen: set[int] = set()
        self.formats_seen: set[int] = set()  # post_format terms yielded
        self.users_visible = True
        self.state = SourceState()  # what the archive holds, given to records()
        self._site: Site | None = None
        self._listings: dict[str, Future] = {}  # wp/v2/types, wp/v2/taxonomies
        self._started: _Started | None = None  # what start() asked for

    def describe(self) -> str:
        return self.root.url if self.root else self.start_url

    @property
    def fraction(self) -> float | None:
        return self.items_read / self.total_items if self.total_items else None

    # -- discovery -------------------------------------------------------------------------

    def warn(self, message: str) -> None:
        """Something not read, that does not stop the run: kept for the summary, told now."""
        self.warnings.append(message)
        if self.notify is not None:
            self.notify(f"wpmigrate: warning: {message}")

    def discover(self) -> ApiRoot:
        if self.root is None:
            self.root = discover_api_root(self.http, self.start_url)
        return self.root

    def get_json(self, url: str, *, optional: bool = False) -> tuple[Any, requests.Response]:
        response = self.http.get(url)
        if response.status_code in (401, 403) and optional:
            return None, response
        if response.status_code == 400 and error_code(response) == "rest_post_invalid_page_number":
            return [], response
        if response.status_code >= 400:
            message = http_error(url, response, self.authenticated)
            refused = {"status": response.status_code, "code": error_code(response)}
            if response.status_code in (401, 403, 404) and "authentication" not in message:
                raise RestUnavailableError(message, **refused)
            raise SourceError(message, **refused)
        try:
            return response.json(), response
        except ValueError:
            raise RestUnavailableError(
                f"{url}: expected JSON from the WordPress REST API, got "
                f"{response.headers.get('Content-Type', 'something else')}"
            ) from None

    def site(self) -> Site:
        """The site as the API index describes it; asked once (`--via auto` asks first).

        wp/v2/types and wp/v2/taxonomies are asked at the same time: `collections()` needs
        them next, and none of the three answers depends on another.
        """
        if self._site is None:
            self.discover()
            with ThreadPoolExecutor(max_workers=2) as pool:
                self._listings = {
                    what: pool.submit(self.get_json, self._listing_of(what))
                    for what in ("types", "taxonomies")
                }
                self._site = self._read_site()
        return self._site

    def _read_site(self) -> Site:
        root = self.discover()
        index, _ = self.get_json(root.route("", {"_fields": INDEX_FIELDS}))
        site = site_from_index(index, root.url, self._malformed)
        self.namespaces = site.rest_namespaces
        return site

    def _listing(self, what: str) -> Any:
        """The answer of wp/v2/`what`: the one `site()` fetched, or a new request."""
        fetched = self._listings.pop(what, None)
        body, _ = fetched.result() if fetched is not None else self.get_json(self._listing_of(what))
        return body

    def _listing_of(self, what: str) -> str:
        """The URL of wp/v2/types or wp/v2/taxonomies (edit context when authenticated)."""
        context = {"context": "edit"} if self.authenticated else {}
        return self.discover().route(f"wp/v2/{what}", context)

    def collections(self) -> list[Collection]:
        """Every collection to read, in the order records should reach the archive."""
        root = self.discover()
        context = {"context": "edit"} if self.authenticated else {}
        types = self._listing("types")
        taxonomies = self._listing("taxonomies")
        if not isinstance(types, dict) or not isinstance(taxonomies, dict):
            raise SourceError(f"{root.url}: unexpected answer from wp/v2/types")
        types = described("wp/v2/types", types, self._malformed)
        taxonomies = described("wp/v2/taxonomies", taxonomies, self._malformed)
        found: list[Collection] = [
            Collection(
                "users",
                "wp/v2/users",
                {"_fields": USER_EDIT_FIELDS if context else USER_FIELDS, **context},
                author_from_rest,
                optional=True,
            ),
        ]
        # In TermIds' order: a term id two taxonomies share goes to the same one as over WXR.
        for name, tax in sorted(taxonomies.items(), key=lambda t: term_id_precedence(t[0])):
            if name in self.skip_taxonomies:
                self.skipped[f"taxonomy:{name}"] = self.skipped.get(f"taxonomy:{name}", 0) + 1
                continue
            base = text(tax.get("rest_base")) or name
            self.taxonomy_bases[name] = base
            found.append(
                Collection(
                    f"terms:{name}",
                    f"{text(tax.get('rest_namespace')) or 'wp/v2'}/{base}",
                    {"_fields": TERM_FIELDS, "orderby": "id", "hide_empty": "false"},
                    functools.partial(self._term, name),
                    optional=True,
                )
            )
        found.append(
            Collection(
                "media",
                "wp/v2/media",
                {"_fields": MEDIA_FIELDS, **context},
                self._media,
                optional=True,
                tracked=True,
            )
        )
        for name, info in sorted(types.items()):
            if name == "attachment":
                continue
            if name in self.skip_types:
                self.skipped[name] = self.skipped.get(name, 0) + 1
                continue
            base = text(info.get("rest_base")) or name
            term_fields = self._term_fields(info.get("taxonomies"))
            params = {"_fields": ",".join([ITEM_FIELDS, *term_fields]), **context}
            if self.authenticated:
                params["status"] = "any"
            route = f"{text(info.get('rest_namespace')) or 'wp/v2'}/{base}"
            found.append(
                Collection(
                    f"items:{name}",
                    route,
                    params,
                    self._item_parser(name, route, term_fields),
                    optional=True,
                    tracked=True,
                    sweep_fields=",".join(["id,modified_gmt", *term_fields]),
                    term_fields=term_fields,
                )
            )
        found.append(
            Collection(
                "comments",
                "wp/v2/comments",
                {"_fields": COMMENT_FIELDS},
                comment_from_rest,
                optional=True,
            )
        )
        return found

    # -- reading ----------------------------------------------------------------------------

    @property
    def requests_made(self) -> int:
        return self.http.requests

    def start(self) -> None:
        """Start reading: the change probes, then the first page of every collection that
        has none, go out now. None of them needs the archive, so a caller that calls this
        before opening it (`open_source`) has them back sooner; `records()` takes them."""
        if self._started is not None:
            return
        try:
            self.site()
            collections = self.collections()
        except Exception as exc:  # told by records(), in the run
            self._started = _Started(error=exc)
            return
        pool = ThreadPoolExecutor(max_workers=self.concurrency)
        # Probes first: a change made while we read is then caught by the next sync.
        probes = {c.name: pool.submit(self._probe, c) for c in collections if c.tracked}
        # A probed collection is read once its probe is back, so that a change made while
        # it is read shows in the next probe; the others are asked for meanwhile.
        plans = {c.name: self._plan(c, None) for c in collections if not c.tracked}
        firsts = [pool.submit(self._first_page, plan) for plan in plans.values() if plan]
        self._started = _Started(collections, pool, probes, plans, firsts)

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator[Record]:
        self.state = state
        site = self.site()
        self.start()
        started, self._started = self._started, None  # a later run starts afresh
        assert started is not None
        if started.error is not None:
            raise started.error
        assert started.pool is not None
        collections, probes, plans = started.collections, started.probes, started.plans
        firsts, pool = started.firsts, started.pool
        try:
            yield site
            plans |= {c.name: self._plan(c, probes[c.name]) for c in collections if c.tracked}
            for c in collections:
                if plans[c.name] and c.tracked:
                    probes[c.name].result()
                    firsts.append(pool.submit(self._first_page, plans[c.name]))
            # The calendar plugin's export is asked for now, not after the last page.
            ai1ec = self._ai1ec_prefetch(collections, pool)
            for future in firsts:
                future.result()
            self.total_items = sum(
                plan.total for name, plan in plans.items() if plan and name.startswith("items:")
            )
            for collection in collections:
                plan = plans[collection.name]
                if plan is not None and self._incremental(collection):
                    yield from self._changes(collection, plan, pool)
                elif plan is not None:
                    yield from self._listed(collection, plan, pool)
                if collection.name in probes:
                    probe = probes[collection.name].result()
                    if probe is not None:
                        yield Checkpoint(f"rest:{collection.name}", probe)
            yield from self._plugin_events(collections, ai1ec)
        except BaseException:
            # A failed or abandoned run (a source mismatch stops at the site) asks for
            # nothing more; the requests in flight end before the run's failure is recorded.
            pool.shutdown(cancel_futures=True)
            raise
        pool.shutdown()
        if not self.users_visible:
            yield from self._authors_from_items()

    # -- calendar plugins (see plugin_events.py) -------------------------------------------

    def _ai1ec_prefetch(
        self, collections: list[Collection], pool: ThreadPoolExecutor
    ) -> Future[bytes | None] | None:
        """All-in-One Event Calendar's export of upcoming events, asked for at once when no
        REST listing shows its posts (then no ids are needed to ask)."""
        names = {c.name for c in collections}
        if ev.AI1EC_TYPE in self.skip_types or f"items:{ev.AI1EC_TYPE}" in names:
            return None
        if not ai1ec_worth_asking(self.state):
            return None
        url = ai1ec_export_url(api_home(self.root.url), [])
        return pool.submit(fetch_ical, self.http, url, self.warn)

    def _plugin_events(
        self, collections: list[Collection], ai1ec: Future[bytes | None] | None
    ) -> Iterator[Record]:
        """Events of every calendar plugin the site runs, after the main REST read."""
        names = {c.name for c in collections}
        if TEC_NAMESPACE in self.namespaces and ev.TEC_TYPE not in self.skip_types:
            for record in tec_records(
                self.http.get,
                self.root.route,
                with_items=f"items:{ev.TEC_TYPE}" not in names,
                concurrency=self.concurrency,
                warn=self.warn,
            ):
                if isinstance(record, Item) and record.author_id:
                    self.authors_seen.add(record.author_id)
                yield record
        if ev.AI1EC_TYPE not in self.skip_types:
            exposed = next((c for c in collections if c.name == f"items:{ev.AI1EC_TYPE}"), None)
            if exposed is not None or ai1ec_worth_asking(self.state):
                yield from self._ai1ec(exposed, ai1ec)

    def _ai1ec(
        self, exposed: Collection | None, prefetched: Future[bytes | None] | None = None
    ) -> Iterator[Record]:
        """All-in-One Event Calendar dates, from its iCal export (one GET per 400 posts)."""
        # Ids only from a complete REST listing: with ids the export covers three years back
        # and ahead but nothing else, so a partial list would lose the new events.
        links = self._exposed_links(exposed) if exposed is not None else {}
        sent: set[int] = set()
        answered: list[str] = []  # export URLs that answered with iCal

        home = api_home(self.root.url)

        def fetch(url: str) -> bytes | None:
            if prefetched is not None and url == ai1ec_export_url(home, []):
                body = prefetched.result()
            else:
                body = fetch_ical(self.http, url, self.warn)
            if body is not None:
                answered.append(url)
            return body

        feeds = ai1ec_feeds(
            fetch,
            home,
            sorted(set(links.values())),
            links=links,
            resolve=lambda url: shortlink_id(self.http, url),
        )
        try:
            for _, feed in feeds:
                for found in feed.events:
                    if found.event is None or found.event.item_id in sent:
                        continue
                    sent.add(found.event.item_id)
                    if exposed is None and found.item is not None:
                        yield found.item  # the post type is not in REST: the feed is all we have
                    yield found.event
                if feed.unmatched:
                    key = "events:unmatched"
                    self.skipped[key] = self.skipped.get(key, 0) + feed.unmatched
        except UnreadableExport as exc:
            self.warn(str(exc))
        yield Checkpoint(AI1EC_STATE, {"feed": bool(answered)})

    def _exposed_links(self, collection: Collection) -> dict[str, int]:
        """Permalink -> id of every `ai1ec_event` post REST shows, to join and to ask for ids."""
        links: dict[str, int] = {}
        page, pages = 1, 1
        while page <= pages:
            params = {"_fields": "id,link", "per_page": PER_PAGE, "page": page, "orderby": "id"}
            body, response = self.get_json(
                self.root.route(collection.route, {**collection.params, **params}), optional=True
            )
            if not isinstance(body, list):
                break
            found = {
                row["link"]: row["id"]
                for row in body
                if isinstance(row, dict)
                and isinstance(row.get("link"), str)
                and is_id(row.get("id"))
            }
            if not found.keys() - links.keys():
                break  # an empty page, or one repeating the last: the end, whatever it says
            links.update(found)
            total = header_count(response.headers.get("X-WP-Total"))
            pages = math.ceil(total / PER_PAGE) if total is not None else pages + 1
            page += 1
        return links

    def _incremental(self, collection: Collection) -> bool:
        return collection.tracked and self.state.archived

    def _plan(self, collection: Collection, probe: Future | None) -> Listing | None:
        """The listing to page through for `collection`, or None when nothing changed."""
        if not self._incremental(collection):
            return collection.listing()
        assert probe is not None
        state = probe.result()
        if unchanged(state, self.state.checkpoints.get(f"rest:{collection.name}")):
            self.skipped[f"unchanged:{collection.name}"] = state["total"]
            return None
        return collection.listing(_fields=collection.sweep_fields)

    def _probe(self, collection: Collection) -> dict[str, Any] | None:
        """Count and newest modification of a collection, in one tiny request."""
        body, response = self.get_json(
            self.root.route(collection.route, {**collection.params, **PROBE_PARAMS}),
            optional=collection.optional,
        )
        if body is None:
            return None
        return probe_of(body, response.headers.get("X-WP-Total"))

    def _changes(
        self, collection: Collection, sweep: Listing, pool: ThreadPoolExecutor
    ) -> Iterator[Record]:
        """Sweep ids and modification times; fetch only new or changed rows; report the gone."""
        found = Sweep(
            self.state.versions,
            collection.name,
            functools.partial(
                terms_of, term_fields=collection.term_fields, term_keys=self.term_keys
            ),
        )
        found.see(self._rows(sweep, pool))
        if not sweep.visible:
            return
        fetched = pool.map(
            lambda ids: self._page(collection.listing().include(ids), 1),
            batches(found.changed, PER_PAGE),
        )
        for rows in fetched:
            yield from self._parsed(collection, self._fresh(sweep, rows, set()))
        gone = found.gone()
        if self.state.detect_deletions and gone:
            kind = "media" if collection.name == "media" else "item"
            reasons = pool.map(lambda i: self._why_gone(collection, i), gone)
            for item_id, reason in zip(gone, reasons, strict=True):
                yield Tombstone(kind, item_id, reason)

    def _why_gone(self, collection: Collection, item_id: int) -> str:
        """Ask for the item itself: 404 is deleted, 401/403 is no longer public."""
        params = {"_fields": "id,status", **({"context": "edit"} if self.authenticated else {})}
        response = self.http.get(self.root.route(f"{collection.route}/{item_id}", params))
        status = None
        if response.ok and is_json(response):
            status = text(mapping_of(response.json()).get("status"))
        return gone_reason(response.status_code, status)

    def _listed(
        self, collection: Collection, listing: Listing, pool: ThreadPoolExecutor
    ) -> Iterator[Record]:
        """A whole collection; on a sync, terms and comments it no longer lists are gone."""
        seen: set[int] = set()
        for row in self._rows(listing, pool):
            yield from self._parsed(collection, [row])
            seen.add(self._archive_id(collection, row))
        kind = UNTRACKED_TOMBSTONES.get(collection.name.split(":", 1)[0])
        if kind and self.state.detect_deletions and self.state.archived and listing.visible:
            for gone in sorted(set(self.state.versions.get(collection.name, {})) - seen):
                yield Tombstone(kind, gone, "gone")

    def _archive_id(self, collection: Collection, row: dict[str, Any]) -> int:
        """A listed row's id in the archive: a term's can differ from WordPress's (TermIds)."""
        kind, _, taxonomy = collection.name.partition(":")
        if kind == "terms":
            return self.term_keys.archive_id(taxonomy, row["id"])
        return row["id"]

    def _parsed(self, collection: Collection, rows: Iterable[dict[str, Any]]) -> Iterator[Record]:
        for row in rows:
            record = collection.parse(row)
            if isinstance(record, Item):
                yield from self._format_term(row)
            if record is not None:
                yield record

    def _format_term(self, row: dict[str, Any]) -> Iterator[Term]:
        """A post format's term, before the first item that has it."""
        term = post_format_term(row) if FORMAT_FIELD in row else None
        if term is not None and term.id not in self.formats_seen:
            self.formats_seen.add(term.id)
            yield term

    def _page_params(self, listing: Listing, page: int) -> dict[str, Any]:
        params = {"per_page": PER_PAGE, "page": page, "orderby": "id", "order": "asc"}
        params.update(listing.params)
        return params

    def _first_page(self, listing: Listing) -> None:
        url = self.root.route(listing.route, self._page_params(listing, 1))
        body, response = self.get_json(url, optional=listing.optional)
        if body is None:
            self.warn(f"{listing.route}: not visible (HTTP {response.status_code})")
            self.skipped[f"hidden:{listing.route}"] = 1
            listing.visible = False
            if listing.route.endswith("/users"):
                self.users_visible = False
            return
        listing.first_rows = _rows_of(body, url)
        total = header_count(response.headers.get("X-WP-Total"))
        listing.counted = total is not None
        listing.total = total if total is not None else len(listing.first_rows)
        if total is not None:
            listing.totals.add(total)
            listing.pages = max(1, math.ceil(total / PER_PAGE))
        else:  # no count: TotalPages, read until an empty or repeated page
            listing.pages = header_count(response.headers.get("X-WP-TotalPages")) or 1

    def _rows(self, listing: Listing, pool: ThreadPoolExecutor) -> Iterator[dict[str, Any]]:
        """Every row of the listing once, checked against its X-WP-Total (see `_check`)."""
        seen: set[int] = set()
        yield from self._paged(listing, pool, seen)
        if listing.visible and listing.counted and len(seen) + listing.malformed < listing.total:
            yield from self._close_gap(listing, pool, seen)
            self._check(listing, len(seen) + listing.malformed)

    def _paged(
        self, listing: Listing, pool: ThreadPoolExecutor, seen: set[int]
    ) -> Iterator[dict[str, Any]]:
        """Rows not seen yet, page by page, up to the first empty or repeated page."""
        first, listing.first_rows = listing.first_rows, []
        pages = itertools.chain([(1, first)], self._later_pages(listing, pool))
        for page, rows in pages:
            fresh = self._fresh(listing, rows, seen)
            if not fresh:
                if rows and not listing.repeated:
                    listing.repeated = page
                return
            yield from fresh

    def _later_pages(
        self, listing: Listing, pool: ThreadPoolExecutor
    ) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        fetch = functools.partial(self._page, listing)
        yield from ordered_window(pool, fetch, range(2, listing.pages + 1), self.concurrency * 2)

    def _fresh(
        self, listing: Listing, rows: list[dict[str, Any]], seen: set[int]
    ) -> list[dict[str, Any]]:
        fresh = []
        for row in rows:
            row_id = row.get("id")
            if not is_id(row_id):
                listing.malformed += 1
                self._malformed(listing.route, f"a row whose id is {row_id!r}")
            elif row_id not in seen:
                seen.add(row_id)
                fresh.append(row)
        return fresh

    def _close_gap(
        self, listing: Listing, pool: ThreadPoolExecutor, seen: set[int]
    ) -> Iterator[dict[str, Any]]:
        """Rows the pages missed: when the listing changed while read (offsets shift) or
        repeated itself, sweep its ids once and fetch the missing ones with `include=`."""
        changed = len(listing.totals) > 1 or listing.repeated
        if not changed and listing.route in HIDDEN_AFTER_COUNT:
            return  # rows WordPress counts and then hides: a sweep would not show them
        ids = Listing(listing.route, {**listing.params, "_fields": "id"}, listing.optional)
        self._first_page(ids)
        swept = {row["id"] for row in self._paged(ids, pool, set())}

        def fetch(batch: list[int]) -> list[dict[str, Any]]:
            return self._page(listing.include(batch), 1)

        for rows in pool.map(fetch, batches(sorted(swept - seen), PER_PAGE)):
            yield from self._fresh(listing, rows, seen)

    def _check(self, listing: Listing, found: int) -> None:
        """Fewer rows than X-WP-Total after closing the gap: fail, naming the count missing
        (`HIDDEN_AFTER_COUNT` routes only warn: WordPress counts rows it then hides)."""
        missing = listing.total - found
        if missing <= 0:
            return
        why = (
            f"page {listing.repeated} repeated rows already read"
            if listing.repeated
            else "its pages hold fewer rows than its X-WP-Total"
        )
        message = f"{listing.route}: {missing} of {listing.total} rows missing ({why})"
        if listing.route in HIDDEN_AFTER_COUNT and not listing.repeated:
            self.skipped[f"unlisted:{listing.route}"] = missing
            self.warn(message + "; WordPress counts rows it hides from this reader")
            return
        raise SourceError(message + "; the site's listing cannot be trusted")

    def _page(self, listing: Listing, page: int) -> list[dict[str, Any]]:
        url = self.root.route(listing.route, self._page_params(listing, page))
        body, response = self.get_json(url, optional=listing.optional)
        total = header_count(response.headers.get("X-WP-Total"))
        if total is not None and "include" not in listing.params:
            listing.totals.add(total)
        return _rows_of(body, url) if body is not None else []

    def _malformed(self, route: str, what: str) -> None:
        """Something of the wrong JSON type, left out: counted, and told once per route."""
        key = f"malformed:{route}"
        self.skipped[key] = self.skipped.get(key, 0) + 1
        if self.skipped[key] == 1:
            self.warn(f"{route}: {what} left out (not what WordPress sends)")

    # -- JSON -> model (rest_parse.py) ----------------------------------------------------

    def _media(self, row: dict[str, Any]) -> Media:
        return media_from_rest(row, source_url=self.root.route(f"wp/v2/media/{row['id']}"))

    def _term(self, taxonomy: str, row: dict[str, Any]) -> Term:
        term = term_from_rest(row)
        term.taxonomy = taxonomy  # the listing's: a shared id can confuse a row's own
        term.id = self.term_keys.archive_id(taxonomy, term.id)
        if term.parent_id:
            term.parent_id = self.term_keys.archive_id(taxonomy, term.parent_id)
        return term

    def _term_fields(self, taxonomies: Any) -> dict[str, str]:
        """The item fields that hold its terms, with their taxonomy; `format` when post
        formats are kept (REST lists no post_format taxonomy)."""
        fields = {
            self.taxonomy_bases[t]: t
            for t in taxonomies or []
            if isinstance(t, str) and t in self.taxonomy_bases
        }
        if "post_format" not in self.skip_taxonomies:
            fields[FORMAT_FIELD] = "post_format"
        return fields

    def _item_parser(self, post_type: str, collection_route: str, term_fields: dict[str, str]):
        api_url = self.root.route

        def parse(row: dict[str, Any]) -> Item:
            item = item_from_rest(
                row,
                post_type=post_type,
                term_ids=terms_of(row, term_fields, self.term_keys),
                source_url=api_url(f"{collection_route}/{row['id']}"),
            )
            if item.author_id:
                self.authors_seen.add(item.author_id)
            self.items_read += 1
            return item

        return parse

    def _authors_from_items(self) -> Iterator[Author]:
        for author_id in sorted(self.authors_seen):
            yield Author(id=author_id, name=f"user {author_id}")


def _rows_of(body: Any, url: str) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        return body["events"]
    if not isinstance(body, list):
        raise SourceError(f"{url}: expected a list of records, got {type(body).__name__}")
    return [row for row in body if isinstance(row, dict)]


def header_count(value: str | None) -> int | None:
    """A count header (X-WP-Total, X-WP-TotalPages) as a non-negative int, else None.

    Digits of any length count: a lying 50-digit page count is still "many pages" (read until
    an empty one), never a value to store.
    """
    digits = (value or "").strip()
    return int(digits) if digits.isascii() and digits.isdigit() else None
