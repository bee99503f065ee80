"""REST listings are checked, not trusted: what arrives is held against X-WP-Total and the ids
already read; a gap is closed (an id sweep, then `include=` fetches) or the run fails with one
line that says how many rows are missing. A lying X-WP-TotalPages costs no extra request.

A fake API (tests/hostile_api.py) lists 250 posts, 100 a page, and lies in one way per test:
a page repeating the previous one, a page with rows left out, a negative, huge or 50-digit
page count, or a post deleted while the pages are read (the offsets shift under the reader).
"""

from __future__ import annotations

import sqlite3

import pytest
from hostile_api import FakeApi
from rest_support import assert_one_line, run_cli


def export(api: FakeApi, tmp_path, *options: str):
    archive = tmp_path / "site.db"
    done = run_cli("export", api.base + "/", str(archive), "--via", "rest", "--quiet", *options)
    return done, archive


def stored_ids(archive) -> list[int]:
    with sqlite3.connect(archive) as db:
        return [i for (i,) in db.execute("select id from items order by id")]


def test_a_page_repeating_the_previous_one_fails_with_the_count_missing(httpserver, tmp_path):
    api = FakeApi(httpserver)
    pages: dict[int, list] = {}

    def repeat(page, rows, headers):
        pages[page] = rows
        return (pages[2] if page == 3 else rows), headers

    api.lie = repeat
    done, _ = export(api, tmp_path)
    assert_one_line(
        done,
        "wp/v2/posts: 50 of 250 rows missing (page 3 repeated rows already read)",
        "cannot be trusted",
    )


def test_a_page_with_rows_left_out_fails_with_the_count_missing(httpserver, tmp_path):
    api = FakeApi(httpserver)
    api.lie = lambda page, rows, headers: (rows[:50] if page == 2 else rows, headers)
    done, _ = export(api, tmp_path)
    assert_one_line(
        done, "wp/v2/posts: 50 of 250 rows missing (its pages hold fewer rows than its X-WP-Total)"
    )
    # one id sweep (3 pages) tried to close the gap before giving up
    assert len(api.posts_requests()) == 3 + 3


@pytest.mark.parametrize("pages", ["-1", "100000", "9" * 50, "abc"])
def test_a_lying_page_count_reads_what_x_wp_total_allows(httpserver, tmp_path, pages):
    api = FakeApi(httpserver)
    api.lie = lambda page, rows, headers: (rows, {**headers, "X-WP-TotalPages": pages})
    done, archive = export(api, tmp_path)
    assert done.returncode == 0, done.stderr
    assert stored_ids(archive) == list(range(1, 251))
    assert len(api.posts_requests()) == 3


def test_without_a_total_reading_stops_at_the_first_empty_page(httpserver, tmp_path):
    api = FakeApi(httpserver)
    api.lie = lambda page, rows, headers: (rows, {"X-WP-TotalPages": "9" * 50})
    done, archive = export(api, tmp_path, "--concurrency", "1")
    assert done.returncode == 0, done.stderr
    assert stored_ids(archive) == list(range(1, 251))
    # pages 1-3, the empty page 4, and what the request window (2 a thread) had asked for
    assert len(api.posts_requests()) <= 4 + 2


def test_a_post_deleted_while_paging_loses_nothing(httpserver, tmp_path):
    api = FakeApi(httpserver)

    def delete_after_first_page(args):
        if args.get("page") == "1" and args.get("per_page") == "100" and 50 in api.ids:
            api.ids.remove(50)  # every later row moves back one place: post 101 to page 1

    api.on_page = delete_after_first_page
    done, archive = export(api, tmp_path, "--concurrency", "1")
    assert done.returncode == 0, done.stderr
    assert stored_ids(archive) == list(range(1, 251))  # 50 was read before it went
    fetched = [path for path in api.posts_requests() if "include=" in path]
    assert len(fetched) == 1 and "include=101&" in fetched[0] + "&"


def test_the_events_calendar_pages_are_bounded_by_its_total(httpserver, tmp_path):
    api = FakeApi(httpserver, count=0)
    api.index["namespaces"] = ["wp/v2", "tribe/events/v1"]
    calls: list[int] = []

    def events(request):
        page = int(request.args.get("page", 1))
        calls.append(page)
        rows = [tec_event(i) for i in range((page - 1) * 50 + 1, page * 50 + 1) if i <= 60]
        headers = {"X-TEC-Total": "60", "X-TEC-TotalPages": "100000"}
        return FakeApi.json({"events": rows or [tec_event(60)]}, headers)

    api.routes["tribe/events/v1/events"] = events
    done, archive = export(api, tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(calls) == [1, 2]
    with sqlite3.connect(archive) as db:
        assert db.execute("select count(*) from events").fetchone() == (60,)


def tec_event(event_id: int) -> dict:
    return {
        "id": event_id,
        "title": f"Event {event_id}",
        "status": "publish",
        "start_date": "2024-05-04 10:00:00",
        "end_date": "2024-05-04 12:00:00",
        "utc_start_date": "2024-05-04 09:00:00",
        "utc_end_date": "2024-05-04 11:00:00",
        "timezone": "Europe/London",
        "all_day": False,
        "url": f"http://fake.invalid/event/{event_id}/",
        "rest_url": f"http://fake.invalid/wp-json/tribe/events/v1/events/{event_id}",
    }
