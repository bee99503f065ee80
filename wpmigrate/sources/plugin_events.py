"""Calendar plugins over HTTP: what the REST reader and the crawler both fetch.

* The Events Calendar: `tribe/events/v1/events` when the index lists `tribe/events/v1`.
  Its archive hides past events unless `start_date` is given (default "yesterday 23:59")
  and events more than 24 months ahead unless `end_date` is, so both are set wide open.
* All-in-One Event Calendar: its public iCal export. A site without the plugin answers that
  URL with its front page (HTML) or an error: nothing is read, nothing fails. The export
  lists events from yesterday on, or from three years back when it is given post ids, so
  the ids are sent when the source knows the `ai1ec_event` posts.

Every function here takes the fetching it needs as a function (a GET, a JSON page reader),
so a source passes its own client and politeness in and this module imports no source.
Parsing is in `wpmigrate.events`.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .. import events as ev
from ..errors import SourceError
from ..model import Record
from .base import SourceState
from .http import HttpClient, ordered_window, read_start

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


class UnreadableExport(ValueError):
    """An iCal export that answered but does not parse; the message names its URL."""


# -- The Events Calendar ------------------------------------------------------------------


def tec_records(
    get: Callable[[str], requests.Response],
    route: Callable[[str, dict[str, Any]], str],
    *,
    with_items: bool,
    concurrency: int,
    warn: Callable[[str], None],
) -> Iterator[Record]:
    """Every TEC event (and, `with_items`, its post and terms), pages fetched concurrently,
    up to what its total allows and the first page that brings no new event."""
    first, pages = _tec_page(get, route, warn, 1)
    terms_sent: set[int] = set()
    seen: set[int] = set()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:

        def fetch(page: int) -> list[dict[str, Any]]:
            return _tec_page(get, route, warn, page)[0]

        later = ordered_window(pool, fetch, range(2, pages + 1), concurrency * 2)
        for rows in itertools.chain([first], (rows for _, rows in later)):
            ids = {ev.to_int(row.get("id")): row for row in rows if isinstance(row, dict)}
            fresh = [row for event_id, row in ids.items() if event_id and event_id not in seen]
            if not fresh:
                break  # an empty or repeated page: the end, whatever the page count said
            seen.update(ids)
            for row in fresh:
                if with_items:
                    yield from _new_terms(row, terms_sent)
                    yield ev.tec_item_from_rest(row, row.get("rest_url") or "")
                yield ev.tec_event_from_rest(row)


def _tec_page(
    get: Callable[[str], requests.Response],
    route: Callable[[str, dict[str, Any]], str],
    warn: Callable[[str], None],
    page: int,
) -> tuple[list[dict[str, Any]], int]:
    """One archive page and the page count; TEC answers 404 when there are no events."""
    url = route(f"{TEC_NAMESPACE}/events", {"per_page": TEC_PER_PAGE, "page": page, **TEC_WINDOW})
    response = get(url)
    if response.status_code == 404:
        return [], 0
    if response.status_code in (401, 403):
        warn(f"{url}: events not visible (HTTP {response.status_code})")
        return [], 0
    if response.status_code >= 400:
        raise SourceError(
            f"{url}: The Events Calendar answered HTTP {response.status_code}",
            status=response.status_code,
        )
    try:
        body = response.json()
    except ValueError:
        raise SourceError(f"{url}: The Events Calendar did not answer JSON") from None
    rows = body.get("events") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise SourceError(f"{url}: unexpected answer from The Events Calendar")
    total = ev.to_int(response.headers.get("X-TEC-Total")) or ev.to_int(body.get("total"))
    if total is not None:
        return rows, math.ceil(total / TEC_PER_PAGE)
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


def ai1ec_feeds(
    fetch: Callable[[str], bytes | None],
    home: str,
    ids: Sequence[int],
    *,
    links: dict[str, int],
    resolve: Callable[[str], int | None] | None = None,
) -> Iterator[tuple[str, ev.IcalFeed]]:
    """The export for `ids` (all upcoming events when empty), 400 ids a request, parsed.

    `fetch(url)` returns the body, or None when the site did not answer with iCal (reading
    stops there). An answer that does not parse raises UnreadableExport.
    """
    batches = [
        ids[i : i + AI1EC_IDS_PER_REQUEST] for i in range(0, len(ids), AI1EC_IDS_PER_REQUEST)
    ]
    for batch in batches or [[]]:
        url = ai1ec_export_url(home, batch)
        body = fetch(url)
        if body is None:
            return
        try:
            feed = ev.parse_ai1ec_feed(
                body,
                site_host=urlsplit(home).hostname or "",
                links=links,
                resolve=resolve,
                feed_url=url,
            )
        except ValueError as exc:
            raise UnreadableExport(f"{url}: unreadable iCal export ({exc})") from None
        yield url, feed


def ai1ec_export_url(home: str, ids: Sequence[int]) -> str:
    params = dict(AI1EC_EXPORT)
    if ids:
        params["ai1ec_post_ids"] = ",".join(map(str, ids))
    base = home.split("?", 1)[0].split("#", 1)[0]
    return (base if base.endswith("/") else base + "/") + "?" + urlencode(params, safe=",")


def ai1ec_worth_asking(state: SourceState) -> bool:
    """Whether to ask for the iCal export when no listing shows ai1ec posts.

    Always on a first or `--full` run. A sync asks again only if the export answered last
    time or the archive holds `ai1ec_event` posts (from a WXR, say), so syncing a site
    without the plugin costs no request.
    """
    if not state.archived:
        return True
    last = state.checkpoints.get(AI1EC_STATE)
    return (
        last is None or bool(last.get("feed")) or bool(state.versions.get(f"items:{ev.AI1EC_TYPE}"))
    )


def fetch_ical(http: HttpClient, url: str, warn: Callable[[str], None]) -> bytes | None:
    """The body at `url` if it is iCal (sniffed: a site without the plugin sends its front
    page, of which only the start is read), else None."""
    try:
        response = http.get(url, stream=True)
    except SourceError as exc:
        warn(f"{url}: {exc}")
        return None
    deadline = time.monotonic() + http.deadline
    try:
        if response.status_code != 200:
            return None
        head = read_start(response, max_bytes=512, deadline=deadline, url=url)
        if not ev.looks_like_ical(head, response.headers.get("Content-Type", "")):
            return None
        body = head + read_start(response, max_bytes=AI1EC_MAX_BYTES, deadline=deadline, url=url)
    except SourceError as exc:
        warn(str(exc))
        return None
    finally:
        response.close()
    if len(body) > AI1EC_MAX_BYTES:
        warn(f"{url}: iCal export larger than {AI1EC_MAX_BYTES} bytes, skipped")
        return None
    return body


def shortlink_id(http: HttpClient, url: str) -> int | None:
    """The post id behind a permalink, from the `rel=shortlink` header (`?p=<id>`).

    Only imported events need it (their UID is foreign); one HEAD each, no body.
    """
    try:
        response = http.head(url, allow_redirects=False)
    except SourceError:
        return None
    link = (response.links or {}).get("shortlink", {}).get("url", "")
    value = parse_qs(urlsplit(link).query).get("p", [""])[0]
    return int(value) if value.isdigit() else None


def api_home(api_root: str) -> str:
    """The site's home URL: WordPress serves the REST API under it (`get_rest_url`)."""
    if "rest_route=" in api_root:
        return api_root.split("?", 1)[0]
    return api_root.rstrip("/").removesuffix("/wp-json") + "/"
