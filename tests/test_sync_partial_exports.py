"""Syncing a partial WXR export (Tools > Export "Posts", a date range) marks deleted only
what the file covers; `sync --complete` says the file is the whole site."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def wpmigrate(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result


def scalar(archive: Path, sql: str) -> int:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql).fetchone()[0]


def deleted(archive: Path) -> dict[str, set[tuple[int, str]]]:
    """(id, deleted_reason) of the rows marked deleted, table by table."""
    with sqlite3.connect(archive) as conn:
        return {
            table: set(conn.execute(f"select id, deleted_reason from {table} where deleted_at"))
            for table in ("items", "media", "comments", "terms")
        }


def not_compared(archive: Path) -> dict[str, int]:
    counts = json.loads(scalar(archive, "select counts from runs order by id desc limit 1"))
    return counts.get("not_compared", {})


@pytest.fixture
def full_archive(wordpress, tmp_path):
    """An archive of the whole test site, from WordPress's own "All content" export."""
    archive = tmp_path / "site.db"
    wpmigrate("export", str(wordpress.export_wxr(tmp_path / "all.xml")), str(archive), "-q")
    return archive


def live(archive: Path, table: str, where: str = "1") -> int:
    return scalar(archive, f"select count(*) from {table} where deleted_at is null and {where}")


def test_a_posts_only_export_tombstones_nothing_outside_posts(wordpress, full_archive, tmp_path):
    archive = full_archive
    before = deleted(archive)
    pages_and_others = live(archive, "items", "type != 'post'")
    media = live(archive, "media")
    comments_elsewhere = live(
        archive, "comments", "item_id not in (select id from items where type = 'post')"
    )
    assert pages_and_others > 0 and media > 0 and comments_elsewhere > 0

    terms = scalar(archive, "select count(*) from terms")

    posts_only = wordpress.export_wxr(tmp_path / "posts.xml", content="post")
    result = wpmigrate("sync", str(archive), str(posts_only))

    assert deleted(archive) == before
    # Its posts name their terms without the ids a full export declares: still the same terms.
    assert scalar(archive, "select count(*) from terms") == terms
    assert scalar(archive, "select count(*) from changes where run_id = 2") == 0
    assert not_compared(archive) == {
        "items": pages_and_others,
        "media": media,
        "comments": comments_elsewhere,
        "terms": live(
            archive,
            "terms",
            "id not in (select term_id from item_terms join items on items.id = item_id "
            "where items.type = 'post')",
        ),
    }
    assert f"not compared: {comments_elsewhere:,} comments, {pages_and_others:,} items" in (
        result.stderr
    )
    assert "types post;" in result.stderr and "sync --complete" in result.stderr

    # Said to be the whole site, the same file leaves only posts standing.
    wpmigrate("sync", str(archive), str(posts_only), "--complete", "-q")
    assert live(archive, "items", "type != 'post'") == 0
    assert live(archive, "media") == 0
    assert live(archive, "items", "type = 'post'") > 0
    assert "not_compared" not in json.loads(
        scalar(archive, "select counts from runs order by id desc limit 1")
    )


def test_a_date_range_export_leaves_posts_outside_its_dates_alone(
    wordpress, full_archive, tmp_path
):
    archive = full_archive
    before = deleted(archive)
    in_range = "type = 'post' and date >= '2023-01-01' and date < '2023-07-01'"
    posts_in_range = live(archive, "items", in_range)
    assert 0 < posts_in_range < live(archive, "items", "type = 'post'")

    spring = wordpress.export_wxr(
        tmp_path / "spring.xml", content="post", start_date="2023-01-01", end_date="2023-06-01"
    )
    wpmigrate("sync", str(archive), str(spring), "-q")

    assert deleted(archive) == before
    assert not_compared(archive)["items"] == live(archive, "items") - posts_in_range


# What each Tools > Export filter keeps of the posts: (export_wp() argument, SQL on items).
FILTERS = {
    "author": (
        "select author_id from items where type = 'post' group by author_id "
        "order by count(*) desc limit 1",
        "author_id = {}",
    ),
    "category": (
        "select slug from terms join item_terms on term_id = terms.id "
        "where taxonomy = 'category' group by terms.id order by count(*) desc limit 1",
        "id in (select item_id from item_terms join terms on terms.id = term_id "
        "where taxonomy = 'category' and slug = '{}')",
    ),
    "status": ("select 'publish'", "status = '{}'"),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_an_export_of_one_author_category_or_status_leaves_other_posts_alone(
    wordpress, full_archive, tmp_path, name
):
    archive = full_archive
    pick, matching = FILTERS[name]
    value = scalar(archive, pick)
    kept = f"type = 'post' and {matching.format(value)}"
    assert 0 < live(archive, "items", kept) < live(archive, "items", "type = 'post'")
    before = deleted(archive)

    partial = wordpress.export_wxr(tmp_path / f"{name}.xml", content="post", **{name: str(value)})
    wpmigrate("sync", str(archive), str(partial), "-q")

    assert deleted(archive) == before
    assert not_compared(archive)["items"] == live(archive, "items") - live(archive, "items", kept)


@pytest.fixture
def edited_site(wordpress):
    yield wordpress
    wordpress.reset()


def test_a_posts_only_export_still_marks_the_posts_it_lacks(edited_site, full_archive, tmp_path):
    edits = edited_site.apply_edits()["by_type"]
    posts_only = edited_site.export_wxr(tmp_path / "posts.xml", content="post")
    with sqlite3.connect(full_archive) as conn:
        dates = dict(conn.execute("select id, date from items where type = 'post'"))
    oldest_left = min(d for i, d in dates.items() if i not in edits["post"]["deleted"])
    # One deleted post lies within the dates the file spans, the other is older than any.
    inside, older = sorted(edits["post"]["deleted"], key=lambda i: dates[i] < oldest_left)
    assert dates[inside] > oldest_left > dates[older]

    wpmigrate("sync", str(full_archive), str(posts_only), "-q")
    gone = deleted(full_archive)["items"]
    assert {(inside, "gone")} | {(i, "trashed") for i in edits["post"]["trashed"]} <= gone
    # An older post and the deleted publications: a posts-only file cannot speak for them.
    assert not {i for i, _ in gone} & {older, *edits["publication"]["deleted"]}
    assert live(full_archive, "items", "type = 'publication'") > 0

    wpmigrate("sync", str(full_archive), str(posts_only), "--complete", "-q")
    assert (older, "gone") in deleted(full_archive)["items"]


SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"


def test_a_whole_content_export_still_marks_a_post_type_it_no_longer_holds(tmp_path):
    """A file whose header lists the site's terms is an "All content" export: a type of
    which it holds no item any more was emptied on the site."""
    archive = tmp_path / "library.db"
    wpmigrate("export", str(SAMPLE), str(archive), "-q")
    pages = live(archive, "items", "type = 'page'")
    assert pages == 4
    before = deleted(archive)["items"]
    head, *items = SAMPLE.read_text(encoding="utf-8").split("<item>")
    kept = [i for i in items if "<wp:post_type><![CDATA[page]]>" not in i]
    no_pages = tmp_path / "no-pages.xml"
    no_pages.write_text("<item>".join([head, *kept]), encoding="utf-8")

    wpmigrate("sync", str(archive), str(no_pages), "-q")

    assert live(archive, "items", "type = 'page'") == 0
    newly = deleted(archive)["items"] - before
    assert len(newly) == pages and {reason for _, reason in newly} == {"gone"}
    assert "not_compared" not in json.loads(
        scalar(archive, "select counts from runs order by id desc limit 1")
    )
