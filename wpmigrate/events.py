"""Event calendars into `Event` records: The Events Calendar and All-in-One Event Calendar.

Pure parsing, no network: `sources/plugin_events.py` fetches, this module turns what a plugin
stores or serves into the one `events` row shape.

* **The Events Calendar** (TEC, post type `tribe_events`): its REST API
  (`tribe/events/v1/events`) and, in a WXR file, its postmeta (`_EventStartDate`…) with the
  venue in a separate `tribe_venue` post.
* **All-in-One Event Calendar** (ai1ec, post type `ai1ec_event`): its dates live in a plugin
  table that neither REST nor WXR carries; its public iCal export is parsed with `icalendar`.

Times come out as ISO 8601 with the offset in force on that day (`2024-01-18T14:00:00+00:00`
in a London January, `…+01:00` in July), so they are exact without knowing the zone. All-day
events are dates (`2024-05-04`), with `end` the last day *included*: TEC stores 23:59:59 of
the last day, iCal an exclusive next-day DTEND, and both come out the same.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import Event, Item, Term
from .values import int_or

TEC = "the-events-calendar"
AI1EC = "all-in-one-event-calendar"
TEC_TYPE = "tribe_events"
TEC_VENUE_TYPE = "tribe_venue"
AI1EC_TYPE = "ai1ec_event"

_MANUAL_OFFSET = re.compile(r"^UTC([+-])(\d{1,2})(?::?(\d{2}))?$")
_UID = re.compile(r"^ai1ec-(\d+)@(.+)$")


# -- times ------------------------------------------------------------------------------------


def zone(name: str | None) -> tzinfo | None:
    """A tzinfo for an IANA name or a manual offset (`UTC+1`, `UTC-5:30`); None if unknown.

    TEC offers manual offsets next to IANA zones in its settings; both end up in
    `_EventTimezone`.
    """
    if not name:
        return None
    name = name.strip()
    if name.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _MANUAL_OFFSET.match(name)
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_to_iso(local: str | None, zone_name: str | None, utc: str | None = None) -> str | None:
    """`2024-01-18 14:00:00` in `zone_name` → `2024-01-18T14:00:00+00:00`.

    Without a usable zone the offset comes from the UTC twin TEC stores next to each local
    time (`_EventStartDateUTC`); without either the time stays naive rather than guessed.
    """
    moment = _parse_mysql(local)
    if moment is None:
        return None
    tz = zone(zone_name)
    if tz is not None:
        return moment.replace(tzinfo=tz).isoformat()
    in_utc = _parse_mysql(utc)
    if in_utc is not None:
        return moment.replace(tzinfo=timezone(moment - in_utc)).isoformat()
    return moment.isoformat()


def _parse_mysql(value: str | None) -> datetime | None:
    if not value or value.startswith("0000-00-00"):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None


def _day(value: str | None) -> str | None:
    moment = _parse_mysql(value)
    return moment.date().isoformat() if moment else None


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "yes", "true", "on")


# -- The Events Calendar ------------------------------------------------------------------


@dataclass
class Venue:
    """What an event row needs from a `tribe_venue` post (or a REST venue object)."""

    name: str = ""
    address: str = ""
    city: str = ""
    country: str = ""

    @classmethod
    def from_meta(cls, title: str, meta: dict[str, str]) -> Venue:
        return cls(
            name=html.unescape(title or ""),
            address=meta.get("_VenueAddress", ""),
            city=meta.get("_VenueCity", ""),
            country=meta.get("_VenueCountry", ""),
        )


def tec_cost(meta: dict[str, str]) -> str:
    """The cost as TEC shows it (`£10`, `10 €`, `Free`), from the raw postmeta."""
    cost = (meta.get("_EventCost") or "").strip()
    if cost == "":
        return ""
    if cost in ("0", "0.00"):
        return "Free"
    symbol = meta.get("_EventCurrencySymbol", "")
    if meta.get("_EventCurrencyPosition") == "suffix":
        return f"{cost}{symbol}"
    return f"{symbol}{cost}"


def tec_event_from_meta(item_id: int, meta: dict[str, str], venue: Venue | None) -> Event:
    """An event from a `tribe_events` post's postmeta (WXR) and its resolved venue."""
    all_day = _truthy(meta.get("_EventAllDay", ""))
    tz_name = meta.get("_EventTimezone", "")
    if all_day:
        start, end = _day(meta.get("_EventStartDate")), _day(meta.get("_EventEndDate"))
    else:
        start = local_to_iso(meta.get("_EventStartDate"), tz_name, meta.get("_EventStartDateUTC"))
        end = local_to_iso(meta.get("_EventEndDate"), tz_name, meta.get("_EventEndDateUTC"))
    venue = venue or Venue()
    return Event(
        item_id=item_id,
        start=start,
        end=end,
        timezone=tz_name,
        all_day=all_day,
        venue=venue.name,
        address=venue.address,
        city=venue.city,
        country=venue.country,
        cost=tec_cost(meta),
        url=meta.get("_EventURL", ""),
        source_plugin=TEC,
    )


def tec_event_from_rest(row: dict[str, Any]) -> Event:
    """An event from one entry of `tribe/events/v1/events` (documented shape, TEC-PR)."""
    all_day = bool(row.get("all_day"))
    tz_name = row.get("timezone") or ""
    if all_day:
        start, end = _day(row.get("start_date")), _day(row.get("end_date"))
    else:
        start = local_to_iso(row.get("start_date"), tz_name, row.get("utc_start_date"))
        end = local_to_iso(row.get("end_date"), tz_name, row.get("utc_end_date"))
    venue = row.get("venue") if isinstance(row.get("venue"), dict) else {}
    website = row.get("website") or ""
    if website == row.get("url"):
        website = ""  # TEC falls back to the permalink when the event has no website
    return Event(
        item_id=int(row["id"]),
        start=start,
        end=end,
        timezone=tz_name,
        all_day=all_day,
        venue=html.unescape(venue.get("venue") or ""),
        address=venue.get("address") or "",
        city=venue.get("city") or "",
        country=venue.get("country") or "",
        cost=html.unescape(row.get("cost") or ""),
        url=html.unescape(website),
        source_plugin=TEC,
    )


def tec_item_from_rest(row: dict[str, Any], source_url: str) -> Item:
    """The `tribe_events` post itself, for sites that keep the type out of `wp/v2`.

    TEC's events endpoint carries what the model needs (title, content, dates, author,
    terms), so the archive gets the event's item even when only the plugin's API shows it.
    """
    image = row.get("image") if isinstance(row.get("image"), dict) else {}
    return Item(
        id=int(row["id"]),
        type=TEC_TYPE,
        status=row.get("status") or "publish",
        title=row.get("title") or "",
        slug=row.get("slug") or "",
        content_html=row.get("description") or "",
        excerpt_html=row.get("excerpt") or "",
        date=_iso_local(row.get("date")),
        date_gmt=_iso_utc(row.get("date_utc")),
        modified_gmt=_iso_utc(row.get("modified_utc")),
        author_id=to_int(row.get("author")),
        link=row.get("url") or "",
        featured_media_id=to_int(image.get("id")),
        term_ids=[int(t["id"]) for t in tec_terms(row)],
        source="rest",
        source_url=source_url,
    )


def tec_terms(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The category and tag objects TEC embeds in an event."""
    found = []
    for key in ("categories", "tags"):
        for term in row.get(key) or []:
            if isinstance(term, dict) and to_int(term.get("id")):
                found.append(term)
    return found


def term_from_rest(term: dict[str, Any]) -> Term:
    return Term(
        id=int(term["id"]),
        taxonomy=term.get("taxonomy") or "",
        name=term.get("name") or "",
        slug=term.get("slug") or "",
        parent_id=to_int(term.get("parent")),
        description=term.get("description") or "",
        count=term.get("count"),
    )


class TecPostmetaEvents:
    """TEC events from a WXR stream: events by postmeta, venues from `tribe_venue` posts.

    A venue may come after the events that use it (WordPress exports by id, and a venue
    created later has a higher id), so an event whose venue is not known yet waits until
    `finish()`. Only venues (four short strings each) and waiting events are held: memory
    follows the number of events, not the size of the site.
    """

    def __init__(self) -> None:
        self.venues: dict[int, Venue] = {}
        self.waiting: list[tuple[int, dict[str, str], int]] = []

    def see(self, post_type: str, post_id: int, title: str, meta: dict[str, str]) -> None:
        """Record a venue; call for every post, before the mapping may skip it."""
        if post_type == TEC_VENUE_TYPE:
            self.venues[post_id] = Venue.from_meta(title, meta)

    def events_for(self, item: Item) -> Iterator[Event]:
        """The event of a `tribe_events` item now, or later if its venue is still unknown."""
        if item.type != TEC_TYPE or not item.meta.get("_EventStartDate"):
            return
        meta = {k: v for k, v in item.meta.items() if k.startswith("_Event")}
        venue_id = to_int(meta.get("_EventVenueID")) or 0
        if venue_id and venue_id not in self.venues:
            self.waiting.append((item.id, meta, venue_id))
            return
        yield tec_event_from_meta(item.id, meta, self.venues.get(venue_id))

    def finish(self) -> Iterator[Event]:
        """Events that waited for their venue; an unresolved venue is left empty."""
        for item_id, meta, venue_id in self.waiting:
            yield tec_event_from_meta(item_id, meta, self.venues.get(venue_id))
        self.waiting.clear()


# -- All-in-One Event Calendar: the iCal export ---------------------------------------------


@dataclass
class FeedEvent:
    """One VEVENT of an ai1ec feed, joined (or not) to its WordPress post."""

    event: Event | None  # None when the VEVENT could not be joined to a post
    item: Item | None  # the post as the feed describes it (title, content, link)
    uid: str = ""


@dataclass
class IcalFeed:
    """An ai1ec iCal export, parsed; `events` in feed order, one per post."""

    calendar_zone: str = ""
    events: list[FeedEvent] = field(default_factory=list)

    @property
    def unmatched(self) -> int:
        return sum(1 for e in self.events if e.event is None)


def looks_like_ical(body: bytes, content_type: str = "") -> bool:
    """True for an iCalendar body: a site without the plugin answers its front page (HTML)."""
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:15].upper() == b"BEGIN:VCALENDAR" or (
        "text/calendar" in content_type.lower() and head[:6].upper() == b"BEGIN:"
    )


def parse_ai1ec_feed(
    body: bytes,
    *,
    site_host: str,
    links: dict[str, int] | None = None,
    resolve: Callable[[str], int | None] | None = None,
    feed_url: str = "",
) -> IcalFeed:
    """Parse the ai1ec export and join each VEVENT to its post.

    The join uses the UID the plugin generates (`ai1ec-<post id>@<site host>[path]`), then
    the event URL: `?p=<id>` forms, `links` (permalink → post id), and last `resolve(url)`
    (the source asks the page for its shortlink). Events imported from other calendars keep
    their original UID, hence the URL fallbacks.
    """
    import icalendar  # imported here: only sites with ai1ec pay for it

    calendar = icalendar.Calendar.from_ical(body)
    default_zone = str(calendar.get("X-WR-TIMEZONE") or "")
    zones = _vtimezones(calendar)
    rules = _raw_rrules(body)
    feed = IcalFeed(calendar_zone=default_zone)
    seen: set[int] = set()
    for index, component in enumerate(calendar.walk("VEVENT")):
        if component.get("RECURRENCE-ID") is not None:
            continue  # a changed occurrence: the series row already describes the event
        uid = str(component.get("UID") or "")
        url = str(component.get("URL") or "")
        post_id = _post_id(uid, url, site_host, links or {})
        if post_id is None and url and resolve is not None and _same_host(url, site_host):
            post_id = resolve(url)
        if post_id is None or post_id in seen:
            feed.events.append(FeedEvent(None, None, uid))
            continue
        seen.add(post_id)
        event = _feed_event(post_id, component, zones, default_zone)
        raw = rules[index] if index < len(rules) and rules[index][0] == uid else None
        if raw is not None and raw[1]:
            event.recurrence = "\n".join(raw[1])  # the plugin's own text, not re-serialised
        feed.events.append(FeedEvent(event, _feed_item(post_id, component, url, feed_url), uid))
    return feed


def _same_host(url: str, site_host: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == site_host.lower().split(":", 1)[0]


def _raw_rrules(body: bytes) -> list[tuple[str, list[str]]]:
    """(UID, RRULE values) of each VEVENT in document order, as written in the feed."""
    text = body.decode("utf-8", errors="replace")
    lines = re.sub(r"\r?\n[ \t]", "", text).splitlines()
    found: list[tuple[str, list[str]]] = []
    depth, uid, rules = 0, "", []
    for line in lines:
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            depth += 1
            if value.upper() == "VEVENT" and depth == 2:
                uid, rules = "", []
        elif name == "END":
            if value.upper() == "VEVENT" and depth == 2:
                found.append((uid, rules))
            depth -= 1
        elif depth == 2 and name == "UID":
            uid = _unescape_text(value)
        elif depth == 2 and name == "RRULE":
            rules.append(value.strip())
    return found


def _post_id(uid: str, url: str, site_host: str, links: dict[str, int]) -> int | None:
    match = _UID.match(uid.strip())
    if match:
        host = match.group(2).split("/", 1)[0].lower()
        if host == site_host.lower().split(":", 1)[0]:
            return int(match.group(1))
    if url:
        if url in links:
            return links[url]
        query = parse_qs(urlsplit(url).query)
        for key in ("p", "post"):
            if query.get(key, [""])[0].isdigit():
                return int(query[key][0])
        trimmed = url.rstrip("/")
        for link, post_id in links.items():
            if link.rstrip("/") == trimmed:
                return post_id
    return None


def _feed_event(post_id: int, component: Any, zones: dict[str, tzinfo], default_zone: str):
    start_prop, end_prop = component.get("DTSTART"), component.get("DTEND")
    start = _ical_time(start_prop, zones, default_zone)
    end = _ical_time(end_prop, zones, default_zone) if end_prop is not None else None
    all_day = isinstance(start, date) and not isinstance(start, datetime)
    if all_day:
        # DTEND of a DATE event is exclusive; store the last day the event covers.
        last = end - timedelta(days=1) if isinstance(end, date) and end > start else start
        start_text, end_text = start.isoformat(), last.isoformat()
        zone_name = default_zone
    else:
        start_text = start.isoformat() if start is not None else None
        end_text = end.isoformat() if end is not None else start_text
        zone_name = str(start_prop.params.get("TZID") or "") if start_prop is not None else ""
        if not zone_name and isinstance(start, datetime) and start.tzinfo is not None:
            zone_name = "UTC" if start.utcoffset() == timedelta(0) else default_zone
    venue, address = _split_location(str(component.get("LOCATION") or ""))
    recurrence = component.get("RRULE")
    return Event(
        item_id=post_id,
        start=start_text,
        end=end_text,
        timezone=zone_name,
        all_day=all_day,
        venue=venue,
        address=address,
        cost=_x_text(component.get("X-COST")),
        url=_x_text(component.get("X-TICKETS-URL")),
        source_plugin=AI1EC,
        recurrence=_rrule_text(recurrence),
    )


def _feed_item(post_id: int, component: Any, url: str, feed_url: str) -> Item:
    return Item(
        id=post_id,
        type=AI1EC_TYPE,
        status="publish",  # the export lists published events only
        title=str(component.get("SUMMARY") or ""),
        content_html=str(component.get("DESCRIPTION") or ""),
        link=url,
        source="ical",
        source_url=feed_url,
    )


def _ical_time(prop: Any, zones: dict[str, tzinfo], default_zone: str) -> date | None:
    """A DTSTART/DTEND as an aware datetime (or a date for all-day events).

    icalendar resolves IANA TZIDs itself; a TZID it does not know is looked up among the
    feed's VTIMEZONEs, and a floating time takes the calendar's X-WR-TIMEZONE.
    """
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime) and value.tzinfo is None:
        tzid = str(prop.params.get("TZID") or "")
        tz = zones.get(tzid) or zone(tzid) or zone(default_zone)
        if tz is not None:
            value = value.replace(tzinfo=tz)
    return value


def _vtimezones(calendar: Any) -> dict[str, tzinfo]:
    zones: dict[str, tzinfo] = {}
    for component in calendar.walk("VTIMEZONE"):
        tzid = str(component.get("TZID") or "")
        if not tzid or zone(tzid) is not None:
            continue
        try:
            zones[tzid] = component.to_tz()
        except Exception:
            continue
    return zones


def _split_location(location: str) -> tuple[str, str]:
    """ai1ec writes LOCATION as `venue @ address`; a lone value with a comma is an address.

    The plugin's own importer reads it back the same way.
    """
    location = location.strip()
    if " @ " in location:
        venue, address = location.split(" @ ", 1)
        return venue.strip(), address.strip()
    if "," in location:
        return "", location
    return location, ""


def _x_text(value: Any) -> str:
    """An X- property as text: icalendar leaves their TEXT escapes in place."""
    if value is None:
        return ""
    text = value.to_ical().decode("utf-8") if hasattr(value, "to_ical") else str(value)
    return _unescape_text(text)


def _unescape_text(text: str) -> str:
    return re.sub(
        r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text
    ).strip()


def _rrule_text(value: Any) -> str:
    if value is None:
        return ""
    rules = value if isinstance(value, list) else [value]
    return "\n".join(rule.to_ical().decode("ascii") for rule in rules)


# -- helpers ------------------------------------------------------------------------------------


def to_int(value: Any) -> int | None:
    """A WordPress id: a positive integer, or None (0 means "none" in WordPress)."""
    return int_or(value, None) or None


def _iso_local(value: str | None) -> str | None:
    moment = _parse_mysql(value)
    return moment.isoformat() if moment else None


def _iso_utc(value: str | None) -> str | None:
    moment = _parse_mysql(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
