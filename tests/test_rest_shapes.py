"""JSON of the wrong type from a server is checked where it is read: what cannot be used is
left out, counted in `runs.counts.skipped` and warned about once; the rest is exported, and
nothing ends in a traceback.

A fake API (tests/hostile_api.py) sends an index whose `name` is a list, `null` among
wp/v2/types, posts whose `modified_gmt` is a number or whose fields hold lists and objects
where text belongs, and rows whose id is not an id.
"""

from __future__ import annotations

import json
import sqlite3

from hostile_api import FakeApi
from rest_support import run_cli


def export(api: FakeApi, tmp_path):
    archive = tmp_path / "site.db"
    done = run_cli("export", api.base + "/", str(archive), "--via", "rest", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return archive


def query(archive, sql: str) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql).fetchall()


def skipped(archive) -> dict[str, int]:
    [(counts,)] = query(archive, "select counts from runs")
    return json.loads(counts).get("skipped", {})


def test_an_index_with_a_list_for_a_name(httpserver, tmp_path):
    api = FakeApi(httpserver, count=3)
    api.index["name"] = ["not", "a", "name"]
    api.index["timezone_string"] = 7
    archive = export(api, tmp_path)
    assert query(archive, "select title, timezone from site") == [("", "")]
    assert skipped(archive)["malformed:index"] == 2
    assert query(archive, "select count(*) from items") == [(3,)]


def test_null_among_the_post_types(httpserver, tmp_path):
    api = FakeApi(httpserver, count=3)
    api.types["broken"] = None
    api.types["post"]["taxonomies"] = None
    api.taxonomies["odd"] = ["a list"]
    archive = export(api, tmp_path)
    assert query(archive, "select count(*) from items") == [(3,)]
    assert skipped(archive)["malformed:wp/v2/types"] == 1
    assert skipped(archive)["malformed:wp/v2/taxonomies"] == 1


def test_fields_of_the_wrong_type_are_left_empty(httpserver, tmp_path):
    api = FakeApi(httpserver, count=3)

    def wrong_types(page, rows, headers):
        rows[0].update(modified_gmt=1704189600, date_gmt=["2024"], slug={"x": 1}, author="7")
        rows[1].update(title=["list"], content=None, parent=True, sticky="yes", link=5)
        return rows, headers

    api.lie = wrong_types
    archive = export(api, tmp_path)
    rows = query(
        archive,
        "select id, modified_gmt, date_gmt, slug, author_id, title, parent_id, sticky, link "
        "from items order by id",
    )
    assert rows[0] == (1, None, None, "", None, "Post 1", None, 0, "http://fake.invalid/?p=1")
    assert rows[1] == (
        2,
        "2024-01-02T10:00:00Z",
        "2024-01-01T10:00:00Z",
        "post-2",
        None,
        "",
        None,
        0,
        "",
    )
    assert len(rows) == 3


def test_rows_whose_id_is_not_an_id_are_skipped_and_counted(httpserver, tmp_path):
    api = FakeApi(httpserver, count=6)

    def junk_ids(page, rows, headers):
        rows[0]["id"] = "1"
        rows[1]["id"] = True
        rows[2]["id"] = -3
        del rows[3]["id"]
        return rows, headers

    api.lie = junk_ids
    archive = export(api, tmp_path)
    assert query(archive, "select id from items order by id") == [(5,), (6,)]
    assert skipped(archive)["malformed:wp/v2/posts"] == 4
