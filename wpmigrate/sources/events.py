"""Event plugins over HTTP, for a site read through its REST API.

* The Events Calendar: `tribe/events/v1/events` when the index lists `tribe/events/v1`.
  Its archive hides past events unless `start_date` is given (default "yesterday 23:59")
  and events more than 24 months ahead unless `end_date` is, so both are set wide open.
* All-in-One Event Calendar: its public iCal export, one GET after the main read. A site
  without the plugin answers that URL with its front page (HTML) or an error: nothing is
  read, nothing fails, and later syncs do not ask again (`--full` does). The export lists
  events from yesterday on, or from three years back when it is given post ids, so the ids
  are sent when REST shows `ai1ec_event` posts.

Parsing is in `wpmigrate.events`; this module only fetches and orders the records (terms,
then items, then their events).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from .. import events as ev
from ..errors import SourceError
from ..model import Checkpoint, Record

if TYPE_CHECKING:
    from .rest import Collection, RESTSource

TEC_NAMESPACE = "tribe/events/v1"
TEC_PER_PAGE = 50  # the endpoint's maximum (filter tribe_rest_event_max_per_page)
TEC_WINDOW = {"start_date": "1970-01-01 00:00:00", "end_date": "2200-01-01 00:00:00"}
AI1EC_EXPORT = {
    "plugin": "all-in-one-event-calendar",
    "controller": "ai1ec_exporter_controller",
    "action": "export_events",
}
AI1EC_MAX_BYTES = 64 * 1024 * 1024
AI1EC_IDS_PER_REQUEST = 400  # keeps the export URL well under common 8 KB limits
AI1EC_STATE = "rest:events:ai1ec"  # sync_state: did the export answer last time?


def read_plugin_events(source: RESTSource, collections: list[Collection]) -> Iterator[Record]:
    """Events of every calendar plugin the site runs, after the main REST read."""
    names = {c.name for c in collections}
    if TEC_NAMESPACE in source.namespaces and ev.TEC_TYPE not in source.skip_types:
        yield from _tec(source, with_items=f"items:{ev.TEC_TYPE}" not in names)
    if ev.AI1EC_TYPE not in source.skip_types:
        exposed = next((c for c in collections if c.name == f"items:{ev.AI1EC_TYPE}"), None)
        yield from _ai1ec(source, exposed)


# -- The Events Calendar ------------------------------------------------------------------


def _tec(source: RESTSource, *, with_items: bool) -> Iterator[Record]:
    first, pages = _tec_page(source, 1)
    terms_sent: set[int] = set()
    with ThreadPoolExecutor(max_workers=source.concurrency) as pool:
        rest = pool.map(lambda n: _tec_page(source, n)[0], range(2, pages + 1))
        for rows in (first, *rest):
            for row in rows:
                if not isinstance(row, dict) or not ev.to_int(row.get("id")):
                    continue
                if with_items:
                    yield from _new_terms(row, terms_sent)
                    item = ev.tec_item_from_rest(row, row.get("rest_url") or "")
                    if item.author_id:
                        source.authors_seen.add(item.author_id)
                    yield item
                yield ev.tec_event_from_rest(row)


def _tec_page(source: RESTSource, page: int) -> tuple[list[dict[str, Any]], int]:
    """One archive page and the page count; TEC answers 404 when there are no events."""
    url = source.root.route(
        f"{TEC_NAMESPACE}/events", {"per_page": TEC_PER_PAGE, "page": page, **TEC_WINDOW}
    )
    response = source.http.get(url)
    if response.status_code == 404:
        return [], 0
    if response.status_code in (401, 403):
        source.warn(f"{url}: events not visible (HTTP {response.status_code})")
        return [], 0
    if response.status_code >= 400:
        raise SourceError(f"{url}: The Events Calendar answered HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise SourceError(f"{url}: The Events Calendar did not answer JSON") from None
    rows = body.get("events") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise SourceError(f"{url}: unexpected answer from The Events Calendar")
    pages = ev.to_int(response.headers.get("X-TEC-TotalPages")) or ev.to_int(
        body.get("total_pages")
    )
    return rows, pages or 1


def _new_terms(row: dict[str, Any], sent: set[int]) -> Iterator[Record]:
    for term in ev.tec_terms(row):
        if int(term["id"]) not in sent:
            sent.add(int(term["id"]))
            yield ev.term_from_rest(term)


# -- All-in-One Event Calendar ------------------------------------------------------------


def _ai1ec(source: RESTSource, exposed: Collection | None) -> Iterator[Record]:
    if exposed is None and not _worth_asking(source):
        return
    # Ids only from a complete REST listing: with ids the export covers three years back
    # and ahead but nothing else, so a partial list would lose the new events.
    links = _exposed_links(source, exposed) if exposed is not None else {}
    home = _home(source.root.url)
    ids = sorted(set(links.values()))
    batches = [
        ids[i : i + AI1EC_IDS_PER_REQUEST] for i in range(0, len(ids), AI1EC_IDS_PER_REQUEST)
    ]
    sent: set[int] = set()
    answered = False
    for batch in batches or [[]]:
        body, feed_url = _fetch_feed(source, home, batch)
        if body is None:
            break
        answered = True
        try:
            feed = ev.parse_ai1ec_feed(
                body,
                site_host=urlsplit(home).hostname or "",
                links=links,
                resolve=lambda url: _shortlink_id(source, url),
                feed_url=feed_url,
            )
        except ValueError as exc:
            source.warn(f"{feed_url}: unreadable iCal export ({exc})")
            break
        for found in feed.events:
            if found.event is None or found.event.item_id in sent:
                continue
            sent.add(found.event.item_id)
            if exposed is None and found.item is not None:
                yield found.item  # the post type is not in REST: the feed is all we have
            yield found.event
        if feed.unmatched:
            key = "events:unmatched"
            source.skipped[key] = source.skipped.get(key, 0) + feed.unmatched
    yield Checkpoint(AI1EC_STATE, {"feed": answered})


def _worth_asking(source: RESTSource) -> bool:
    """Whether to ask for the iCal export: always on a first or `--full` run.

    A sync asks again only if the export answered last time or the archive holds
    `ai1ec_event` posts (from a WXR, say), so syncing a site without the plugin costs no
    request; `--full` looks again.
    """
    state = source.state
    if not state.archived:
        return True
    last = state.checkpoints.get(AI1EC_STATE)
    return (
        last is None or bool(last.get("feed")) or bool(state.versions.get(f"items:{ev.AI1EC_TYPE}"))
    )


def _home(api_root: str) -> str:
    """The site's home URL: WordPress serves the REST API under it (`get_rest_url`)."""
    if "rest_route=" in api_root:
        return api_root.split("?", 1)[0]
    return api_root.rstrip("/").removesuffix("/wp-json") + "/"


def _fetch_feed(source: RESTSource, home: str, ids: list[int]) -> tuple[bytes | None, str]:
    """The export for `ids` (all upcoming events when empty); None when it is not iCal."""
    params = dict(AI1EC_EXPORT)
    if ids:
        params["ai1ec_post_ids"] = ",".join(map(str, ids))
    base = home.split("?", 1)[0].split("#", 1)[0]
    url = (base if base.endswith("/") else base + "/") + "?" + urlencode(params, safe=",")
    try:
        response = source.http.get(url, stream=True)
    except SourceError as exc:
        source.warn(f"{url}: {exc}")
        return None, url
    try:
        if response.status_code != 200:
            return None, url
        # A site without the plugin sends its front page: look at the start, read no more.
        head = response.raw.read(512, decode_content=True) or b""
        if not ev.looks_like_ical(head, response.headers.get("Content-Type", "")):
            return None, url
        body = head + (response.raw.read(AI1EC_MAX_BYTES, decode_content=True) or b"")
    finally:
        response.close()
    if len(body) > AI1EC_MAX_BYTES:
        source.warn(f"{url}: iCal export larger than {AI1EC_MAX_BYTES} bytes, skipped")
        return None, url
    return body, url


def _shortlink_id(source: RESTSource, url: str) -> int | None:
    """The post id behind a permalink, from the `rel=shortlink` header (`?p=<id>`).

    Only imported events need it (their UID is foreign); one HEAD each, no body.
    """
    try:
        response = source.http.head(url, allow_redirects=False)
    except SourceError:
        return None
    link = (response.links or {}).get("shortlink", {}).get("url", "")
    value = parse_qs(urlsplit(link).query).get("p", [""])[0]
    return int(value) if value.isdigit() else None


def _exposed_links(source: RESTSource, collection: Collection) -> dict[str, int]:
    """Permalink → id of every `ai1ec_event` post REST shows, to join and to ask for ids."""
    links: dict[str, int] = {}
    page, pages = 1, 1
    while page <= pages:
        params = {"_fields": "id,link", "per_page": 100, "page": page, "orderby": "id"}
        body, response = source.get_json(
            source.root.route(collection.route, {**collection.params, **params}), optional=True
        )
        if not isinstance(body, list):
            break
        links.update({row["link"]: row["id"] for row in body if row.get("link")})
        pages = ev.to_int(response.headers.get("X-WP-TotalPages")) or 1
        page += 1
    return links
