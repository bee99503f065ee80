"""Event calendars into the `events` table, with exact times, from all three ways in.

Against the real WordPress with the two calendar stand-ins switched on (see
tests/wordpress/mu-plugin/wpmigrate-test-events.php): The Events Calendar over its REST
archive and over WXR postmeta, All-in-One Event Calendar over its iCal export. Then the
parsers on their own, on inputs the test site does not produce.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from wpmigrate import events as ev
from wpmigrate.cli import main
from wpmigrate.model import Item

TEC = "the-events-calendar"
AI1EC = "all-in-one-event-calendar"
COLUMNS = (
    "start",
    "end",
    "timezone",
    "all_day",
    "venue",
    "address",
    "city",
    "country",
    "cost",
    "url",
    "source_plugin",
    "recurrence",
)
LIBRARY = ("British Library Conference Centre", "96 Euston Road", "London", "United Kingdom")
KISUMU = ("Field Station Kisumu", "Off Nairobi Road", "Kisumu", "Kenya")
NO_VENUE = ("", "", "", "")

# slug -> (start, end, timezone, all_day, venue, address, city, country, cost, url, plugin, rrule)
TEC_EVENTS = {
    # 14:00 in a London January is GMT; in July it is BST.
    "water-data-launch": (
        "2024-01-18T14:00:00+00:00",
        "2024-01-18T16:30:00+00:00",
        "Europe/London",
        0,
        *LIBRARY,
        "£10",
        "https://water-data.example.org/launch",
        TEC,
        "",
    ),
    "summer-field-school": (
        "2024-07-10T14:00:00+01:00",
        "2024-07-12T17:30:00+01:00",
        "Europe/London",
        0,
        *KISUMU,  # a venue created after the event: in WXR it comes after it
        "Free",
        "",  # no website: TEC's REST answers the permalink, which is not one
        TEC,
        "",
    ),
    "open-archive-day": ("2024-05-04", "2024-05-04", "Europe/London", 1, *LIBRARY, "", "", TEC, ""),
    # before the plugin's "yesterday": only there because start_date is sent
    "autumn-lecture-2023": (
        "2023-11-15T18:00:00+00:00",
        "2023-11-15T19:30:00+00:00",
        "Europe/London",
        0,
        *NO_VENUE,
        "",
        "",
        TEC,
        "",
    ),
    # more than 24 months ahead: only there because end_date is sent; a manual UTC offset
    "adaptation-summit-2026": (
        "2026-03-02T09:00:00+01:00",
        "2026-03-02T17:00:00+01:00",
        "UTC+1",
        0,
        *NO_VENUE,
        "25€",
        "",
        TEC,
        "",
    ),
}
AI1EC_EVENTS = {
    "data-clinic-january": (
        "2024-01-25T14:00:00+00:00",
        "2024-01-25T16:00:00+00:00",
        "Europe/London",
        0,
        "Library Reading Room",
        "1 Example Street, London WC1E 7HU, United Kingdom",
        "",
        "",
        "£5",
        "https://tickets.example.org/data-clinic",
        AI1EC,
        "",
    ),
    "river-walk-july": (
        "2024-07-20T14:00:00+01:00",
        "2024-07-20T17:00:00+01:00",
        "Europe/London",
        0,
        "Thames Path Meeting Point",
        "",
        "",
        "",
        "Free",
        "",
        AI1EC,
        "",
    ),
    # all-day, and imported from another calendar with its own UID: joined by its URL
    "archive-open-house": (
        "2024-06-08",
        "2024-06-08",
        "Europe/London",
        1,
        "Reading Room",
        "1 Example Street, London",
        "",
        "",
        "",
        "",
        AI1EC,
        "",
    ),
    "monthly-reading-group": (
        "2024-02-06T18:30:00+00:00",
        "2024-02-06T20:00:00+00:00",
        "Europe/London",
        0,
        "Seminar Room 2",
        "",
        "",
        "",
        "",
        "",
        AI1EC,
        "FREQ=MONTHLY;BYDAY=1TU;COUNT=6",
    ),
}
PAST_AI1EC = {
    "ai1ec-past-lecture": (
        "2023-10-12T18:00:00+01:00",
        "2023-10-12T19:00:00+01:00",
        "Europe/London",
        0,
        "Lecture Theatre",
        "",
        "",
        "",
        "",
        "",
        AI1EC,
        "",
    )
}


def wpmigrate(monkeypatch, *args) -> None:
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args), "--quiet"])
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, f"wpmigrate {args} exited with {exc.code}"


def events_by_slug(archive: Path, ids: dict[str, int]) -> dict[str, tuple]:
    slugs = {item_id: slug for slug, item_id in ids.items()}
    with sqlite3.connect(archive) as conn:
        rows = conn.execute(f"select item_id, {', '.join(f'[{c}]' for c in COLUMNS)} from events")
        return {slugs[row[0]]: row[1:] for row in rows if row[0] in slugs}


def rows(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def calendars(wordpress):
    """The test site with both calendar plugins switched on; off again afterwards."""
    wordpress.set_event_plugins(True)
    try:
        yield wordpress
    finally:
        wordpress.set_event_plugins(False)


@pytest.fixture(scope="module")
def rest_archive(calendars, tmp_path_factory, monkeypatch_module):
    path = tmp_path_factory.mktemp("events-rest") / "library.db"
    wpmigrate(monkeypatch_module, "export", calendars.url, path)
    return path


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


# -- against the real WordPress ------------------------------------------------------------------


def test_the_events_calendar_over_its_rest_api(calendars, rest_archive):
    ids = calendars.manifest["events"][TEC]
    assert events_by_slug(rest_archive, ids) == TEC_EVENTS
    # The type is not in wp/v2 for anonymous clients: the events endpoint gives the items.
    titles = dict(rows(rest_archive, "select id, title from items where type = 'tribe_events'"))
    assert titles[ids["water-data-launch"]] == "Water Data Launch: Maps, Methods & “Lessons”"
    assert set(titles) == set(ids.values())
    workshops = rows(
        rest_archive,
        "select t.name from item_terms it join terms t on t.id = it.term_id where it.item_id = ?",
        (ids["water-data-launch"],),
    )
    assert workshops == [("Workshops",)]


def test_the_events_calendar_over_wxr(calendars, tmp_path, monkeypatch):
    wxr = calendars.export_wxr(tmp_path / "site.xml")
    archive = tmp_path / "library.db"
    wpmigrate(monkeypatch, "export", wxr, archive)
    ids = calendars.manifest["events"][TEC]
    assert events_by_slug(archive, ids) == TEC_EVENTS
    venues = calendars.manifest["events"]["venues"]
    # The venue that comes after its event in the file is resolved all the same.
    assert venues["field-station-kisumu"] > ids["summer-field-school"]
    assert dict(rows(archive, "select id, type from items where type = 'tribe_venue'")) == {
        v: "tribe_venue" for v in venues.values()
    }
    # ai1ec keeps its dates outside WordPress's tables: WXR has the posts, not the events.
    ai1ec = calendars.manifest["events"][AI1EC]
    assert {r[0] for r in rows(archive, "select id from items where type = 'ai1ec_event'")} == set(
        ai1ec.values()
    )
    assert events_by_slug(archive, ai1ec) == {}


def test_all_in_one_event_calendar_over_its_ical_export(calendars, rest_archive):
    ids = calendars.manifest["events"][AI1EC]
    # The export lists events from "yesterday" on; the past lecture is not in it.
    assert events_by_slug(rest_archive, ids) == AI1EC_EVENTS
    titles = dict(rows(rest_archive, "select id, title from items where type = 'ai1ec_event'"))
    assert titles == {
        ids["data-clinic-january"]: "Data Clinic: Cleaning Survey Data",
        ids["river-walk-july"]: "River Walk; Water, Weirs, and “Wildlife” \\ Part 2",
        ids["archive-open-house"]: "Archive Open House",
        ids["monthly-reading-group"]: "Monthly Reading Group",
    }
    counts = rows(rest_archive, "select counts from runs order by id desc limit 1")[0][0]
    assert '"events": {"all-in-one-event-calendar": 4, "the-events-calendar": 5}' in counts


def test_ai1ec_in_rest_sends_the_ids_and_gets_the_past_too(calendars, tmp_path, monkeypatch):
    calendars.set_event_plugins(True, ai1ec_in_rest=True)
    try:
        archive = tmp_path / "library.db"
        wpmigrate(monkeypatch, "export", calendars.url, archive)
    finally:
        calendars.set_event_plugins(True)
    ids = calendars.manifest["events"][AI1EC]
    assert events_by_slug(archive, ids) == {**AI1EC_EVENTS, **PAST_AI1EC}
    # The posts came through wp/v2 this time, with their dates.
    river = rows(archive, "select source, date from items where id = ?", (ids["river-walk-july"],))
    assert river == [("rest", "2023-09-01T12:00:00")]


def test_a_sync_rereads_the_calendars_and_changes_nothing(calendars, rest_archive, monkeypatch):
    wpmigrate(monkeypatch, "sync", rest_archive)
    assert rows(rest_archive, "select count(*) from changes where run_id = 2") == [(0,)]
    everything = {**calendars.manifest["events"][TEC], **calendars.manifest["events"][AI1EC]}
    assert events_by_slug(rest_archive, everything) == {**TEC_EVENTS, **AI1EC_EVENTS}


def test_a_site_without_the_plugins_is_asked_once(wordpress, tmp_path, monkeypatch):
    """The iCal export answers with the front page: nothing read, no error, no second ask."""
    was_on = wordpress.call_json("return (bool) get_option( 'wpmigrate_test_event_plugins' );")
    wordpress.set_event_plugins(False)
    try:
        archive = tmp_path / "library.db"
        wpmigrate(monkeypatch, "export", wordpress.url, archive)
    finally:
        wordpress.set_event_plugins(was_on)
    assert rows(archive, "select count(*) from events") == [(0,)]
    state = rows(archive, "select state from sync_state where collection = 'rest:events:ai1ec'")
    assert state == [('{"feed": false}',)]


# -- the parsers on their own ------------------------------------------------------------------


FEED = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//example//test//EN\r
X-WR-TIMEZONE:Europe/Lisbon\r
BEGIN:VTIMEZONE\r
TZID:Office Time\r
BEGIN:STANDARD\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:ai1ec-7@news.example.org/blog\r
DTSTART;TZID=Office Time:20240115T090000\r
DTEND;TZID=Office Time:20240115T100000\r
SUMMARY:Comma\\, semicolon\\; backslash \\\\ and\\nnewline\r
LOCATION:Hall\\, upstairs @ 2 Rua Example\\, Lisboa\r
X-COST:\xe2\x82\xac5\\, or \\;free\r
RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE\r
DESCRIPTION:<p>A long description that the server folded over two lines b\r
 ecause it is long.</p>\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:ai1ec-7@news.example.org/blog\r
RECURRENCE-ID;TZID=Office Time:20240129T090000\r
DTSTART;TZID=Office Time:20240129T110000\r
SUMMARY:moved occurrence\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:floating@elsewhere.example.net\r
URL;VALUE=URI:https://news.example.org/blog/event/floating/\r
DTSTART:20240710T183000\r
DTEND:20240710T193000\r
LOCATION:Somewhere, with a comma\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:three-days@elsewhere.example.net\r
URL;VALUE=URI:https://news.example.org/blog/?p=12\r
DTSTART;VALUE=DATE:20240301\r
DTEND;VALUE=DATE:20240304\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:ai1ec-99@another-site.example.com\r
URL;VALUE=URI:https://another-site.example.com/event/x/\r
DTSTART:20240101T000000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_ical_feed_zones_escapes_all_day_and_joins():
    links = {"https://news.example.org/blog/event/floating/": 31}
    feed = ev.parse_ai1ec_feed(FEED, site_host="news.example.org", links=links, feed_url="F")
    found = {e.event.item_id: e.event for e in feed.events if e.event is not None}
    assert set(found) == {7, 31, 12}
    assert feed.unmatched == 1  # another site's UID and URL
    first = found[7]
    # A TZID that is no IANA name: the feed's own VTIMEZONE says +01:00 in January.
    assert (first.start, first.end, first.timezone) == (
        "2024-01-15T09:00:00+01:00",
        "2024-01-15T10:00:00+01:00",
        "Office Time",
    )
    assert (first.venue, first.address) == ("Hall, upstairs", "2 Rua Example, Lisboa")
    assert first.cost == "€5, or ;free"  # X- properties unescaped too
    assert first.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"  # as written
    item = next(e.item for e in feed.events if e.item is not None and e.item.id == 7)
    assert item.title == "Comma, semicolon; backslash \\ and\nnewline"
    assert item.content_html == (
        "<p>A long description that the server folded over two lines because it is long.</p>"
    )
    # A floating time takes the calendar's X-WR-TIMEZONE (Lisbon: WEST in July).
    assert (found[31].start, found[31].address, found[31].venue) == (
        "2024-07-10T18:30:00+01:00",
        "Somewhere, with a comma",
        "",
    )
    # DTEND of a DATE event is exclusive: the last day is the 3rd.
    assert (found[12].start, found[12].end, found[12].all_day) == ("2024-03-01", "2024-03-03", True)


def test_ical_feed_asks_resolve_for_unknown_urls_on_the_site_only():
    asked = []

    def resolve(url: str) -> int | None:
        asked.append(url)
        return 40 if url.endswith("/floating/") else None

    feed = ev.parse_ai1ec_feed(FEED, site_host="news.example.org", resolve=resolve)
    assert asked == ["https://news.example.org/blog/event/floating/"]
    assert {e.event.item_id for e in feed.events if e.event} == {7, 40, 12}


def test_local_times_with_zones_offsets_and_utc_twins():
    assert ev.local_to_iso("2024-01-18 14:00:00", "Europe/London") == "2024-01-18T14:00:00+00:00"
    assert ev.local_to_iso("2024-07-18 14:00:00", "Europe/London") == "2024-07-18T14:00:00+01:00"
    assert ev.local_to_iso("2024-07-18 14:00:00", "UTC-5:30") == "2024-07-18T14:00:00-05:30"
    assert ev.local_to_iso("2024-07-18 14:00:00", "UTC") == "2024-07-18T14:00:00+00:00"
    # No usable zone: TEC's UTC twin gives the offset.
    twin = ev.local_to_iso("2024-07-18 14:00:00", "Mars/Olympus", "2024-07-18 12:00:00")
    assert twin == "2024-07-18T14:00:00+02:00"
    assert ev.local_to_iso("2024-07-18 14:00:00", "") == "2024-07-18T14:00:00"
    assert ev.local_to_iso("0000-00-00 00:00:00", "UTC") is None


def test_wxr_events_wait_for_a_later_venue_and_never_for_a_missing_one():
    reader = ev.TecPostmetaEvents()
    meta = {"_EventStartDate": "2024-03-01 10:00:00", "_EventEndDate": "2024-03-01 11:00:00"}
    early = Item(id=1, type="tribe_events", status="publish", meta={**meta, "_EventVenueID": "5"})
    lost = Item(id=2, type="tribe_events", status="publish", meta={**meta, "_EventVenueID": "9"})
    assert list(reader.events_for(early)) == list(reader.events_for(lost)) == []
    reader.see("tribe_venue", 5, "Hall &amp; Annex", {"_VenueCity": "Leeds"})
    done = {e.item_id: e for e in reader.finish()}
    assert (done[1].venue, done[1].city) == ("Hall & Annex", "Leeds")
    assert (done[2].venue, done[2].start) == ("", "2024-03-01T10:00:00")
    assert reader.waiting == []


def test_a_crawl_joins_the_ical_export_to_the_event_pages_it_found(
    calendars, tmp_path, monkeypatch
):
    """REST off: the event posts come from the crawl, their dates from the iCal export."""
    archive = tmp_path / "crawl.db"
    calendars.set_rest_enabled(False)
    try:
        wpmigrate(monkeypatch, "export", calendars.url, archive, "--via", "crawl")
    finally:
        calendars.set_rest_enabled(True)
    ids = calendars.manifest["events"][AI1EC]
    # Given the post ids, the export reaches back three years: the past lecture is in it.
    assert events_by_slug(archive, ids) == {**AI1EC_EVENTS, **PAST_AI1EC}
    sources = rows(archive, "select distinct source from items where type = 'ai1ec_event'")
    assert sources == [("crawl",)]
