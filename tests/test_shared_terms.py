"""Terms that share a WordPress id: before WordPress 4.2 (and on WordPress.com) a category
and a tag could be one `term_id`. Both survive with their own item links, over WXR and REST
alike, with the same archive ids: the category keeps the WordPress id, the tag gets
`shared_term_id`.

WXR: the theme unit test data (WordPress.com) has one (tests/test_theme_test_data.py).
REST: a current WordPress cannot be made to answer one faithfully (its term cache is keyed
by id, so it mislabels the category as the tag in its own listings and exports), so the
recorded answers of the test site are edited the way a pre-4.2 site answers: the tag
"climate" has the id of the category "news".
"""

from __future__ import annotations

import sqlite3

import pytest
from rest_support import RECORDED_BASE, Replay, ReplayClient

from wpmigrate import runs
from wpmigrate.mapping import load_mapping
from wpmigrate.model import TermIds, shared_term_id
from wpmigrate.sources.rest import RESTSource

MAPPING = load_mapping([])


def _by_slug(rows: list[dict], slug: str) -> dict:
    (row,) = [r for r in rows if r["slug"] == slug]
    return row


@pytest.fixture
def replay() -> Replay:
    replay = Replay()
    news = _by_slug(replay.recordings["wp/v2/categories"]["body"], "news")["id"]
    climate = _by_slug(replay.recordings["wp/v2/tags"]["body"], "climate")
    old_id, climate["id"] = climate["id"], news
    for post in replay.recordings["wp/v2/posts"]["body"]:
        post["tags"] = [news if t == old_id else t for t in post["tags"]]
    return replay


def _links(path, term_id: int) -> list[int]:
    with sqlite3.connect(path) as db:
        sql = "select item_id from item_terms where term_id = ? order by item_id"
        return [r[0] for r in db.execute(sql, (term_id,))]


def _run(replay: Replay, archive, command: str) -> runs.RunResult:
    source = RESTSource(
        RECORDED_BASE,
        # The recordings predate the event calendars: their feed check is left out too.
        skip_types=MAPPING.skip_types | {"tribe_events", "ai1ec_event"},
        skip_taxonomies=MAPPING.skip_taxonomies,
        client=ReplayClient(replay),
    )
    return runs.run(source, archive, MAPPING, command=command, detect_deletions=True)


def test_rest_keeps_a_category_and_a_tag_that_share_an_id(replay, tmp_path):
    posts = replay.recordings["wp/v2/posts"]["body"]
    news = _by_slug(replay.recordings["wp/v2/categories"]["body"], "news")["id"]
    archive = tmp_path / "a.db"
    result = _run(replay, archive, "export")
    with sqlite3.connect(archive) as db:
        shared = db.execute(
            "select id, taxonomy, slug from terms where id in (?, ?) order by id desc",
            (news, shared_term_id("post_tag", news)),
        ).fetchall()
        (terms,) = db.execute("select count(*) from terms").fetchone()
    assert shared == [
        (news, "category", "news"),
        (shared_term_id("post_tag", news), "post_tag", "climate"),
    ]
    assert _links(archive, news) == sorted(p["id"] for p in posts if news in p["categories"])
    assert _links(archive, shared_term_id("post_tag", news)) == sorted(
        p["id"] for p in posts if news in p["tags"]
    )
    assert result.counts.get("terms", "seen") == terms  # nothing counted twice

    # A sync compares each item's terms as the archive holds them: nothing changed.
    again = _run(replay, archive, "sync")
    assert again.counts.get("items", "modified") == 0
    assert again.counts.get("terms", "deleted") == 0


def test_the_first_taxonomy_in_precedence_keeps_the_id_whatever_the_order():
    keys = TermIds()
    assert keys.archive_id("category", 7) == 7
    assert keys.archive_id("post_tag", 7) == shared_term_id("post_tag", 7)
    assert keys.archive_id("category", 7) == 7  # asked again: the same
    assert shared_term_id("post_tag", 7) < 0
    assert shared_term_id("post_tag", 7) != shared_term_id("genre", 7)
