"""Incremental sync: only what changed is fetched, deletions become tombstones, kill -9 is safe."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wpmigrate.archive import SCHEMA_VERSION, Archive
from wpmigrate.errors import ArchiveError
from wpmigrate.mapping import load_mapping
from wpmigrate.runs import run
from wpmigrate.sources import open_source

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"


def wpmigrate(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args], capture_output=True, text=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"wpmigrate {' '.join(args)} failed: {result.stderr}")
    return result


def rows(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchall()


def changes_of_last_run(archive: Path) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for change, item_id in rows(
        archive, "select change, item_id from changes where run_id = (select max(id) from runs)"
    ):
        found.setdefault(change, set()).add(item_id)
    return found


def last_counts(archive: Path) -> dict:
    return json.loads(rows(archive, "select counts from runs order by id desc limit 1")[0][0])


def content_dump(archive: Path) -> dict[str, list[tuple]]:
    """Every table that holds site content, without provenance that differs run to run."""
    tables = {
        "items": "select id, type, status, slug, title, excerpt, content_html, content_text, "
        "date_gmt, modified_gmt, author_id, parent_id, link, content_hash, deleted_at "
        "from items order by id",
        "fields": "select * from fields order by item_id, name",
        "item_terms": "select * from item_terms order by item_id, term_id",
        "terms": "select * from terms order by id",
        "authors": "select * from authors order by id",
        "media": "select id, item_id, url, mime_type, title, width, height, filesize from media "
        "order by id",
        "comments": "select * from comments order by id",
    }
    return {name: rows(archive, sql) for name, sql in tables.items()}


# -- over REST, against the real WordPress ----------------------------------------------------


@pytest.fixture
def edited_site(wordpress):
    """The test site after the sync scenario's edits; restored afterwards."""
    yield wordpress
    wordpress.reset()


def test_sync_fetches_exactly_what_changed_and_keeps_the_deleted(edited_site, tmp_path):
    site = edited_site
    archive = tmp_path / "library.db"
    wpmigrate("export", site.url, str(archive), "--quiet")
    before = {r[0]: r[1] for r in rows(archive, "select id, title from items")}

    edits = site.apply_edits()
    dataset = site.manifest["terms"]["resource_type"]["dataset"]
    comment = site.manifest["comments"]["water-report-comment"]["id"]
    site.php(f"wp_delete_term( {dataset}, 'resource_type' ); wp_delete_comment( {comment}, true );")
    wpmigrate("sync", str(archive), "--quiet")

    visible = set(before)
    changes = changes_of_last_run(archive)
    assert changes.get("modified") == set(edits["modified"]) & visible
    assert changes.get("added") == set(edits["added"])
    assert changes.get("deleted") == (set(edits["deleted"]) | set(edits["trashed"])) & visible
    assert "restored" not in changes

    reasons = dict(
        rows(archive, "select id, deleted_reason from items where deleted_at is not null")
    )
    assert reasons == {
        **{i: "deleted" for i in edits["deleted"] if i in visible},
        **{i: "no longer public" for i in edits["trashed"] if i in visible},
    }
    # Nothing archived is lost: deleted items keep their title and content.
    for item_id in reasons:
        assert rows(archive, "select title from items where id = ?", (item_id,)) == [
            (before[item_id],)
        ]
    # Terms and comments the site no longer lists are marked too, and kept.
    assert rows(archive, "select id, name from terms where deleted_at is not null") == [
        (dataset, "Dataset")
    ]
    assert rows(archive, "select id, author_name from comments where deleted_at is not null") == [
        (comment, "Lucía Fernández")
    ]
    modified_title = rows(archive, "select title from items where id = ?", (edits["modified"][0],))
    assert modified_title[0][0].endswith("(updated)")
    counts = last_counts(archive)
    assert counts["items"]["added"] == 5
    assert counts["items"]["modified"] == len(set(edits["modified"]) & visible)

    # A second sync with nothing changed on the site: a run row, no change rows.
    wpmigrate("sync", str(archive), "--quiet")
    assert changes_of_last_run(archive) == {}
    runs = rows(archive, "select command, status from runs order by id")
    assert runs == [("export", "ok"), ("sync", "ok"), ("sync", "ok")]
    log = wpmigrate("log", str(archive), "--json")
    assert [r["command"] for r in json.loads(log.stdout)] == ["sync", "sync", "export"]


def test_no_change_sync_costs_discovery_and_one_probe_per_collection(wordpress, tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", wordpress.url, str(archive), "--quiet")
    export_requests = last_counts(archive)["http"]["requests"]
    wpmigrate("sync", str(archive), "--quiet")
    counts = last_counts(archive)
    assert "added" not in counts.get("items", {})
    assert changes_of_last_run(archive) == {}
    # index + types + taxonomies, users, 4 term collections, comments, and one probe for
    # media and each of the 3 content types: nothing is swept or fetched.
    assert counts["http"]["requests"] == 3 + 1 + 4 + 1 + 4
    assert counts["http"]["requests"] < export_requests


def test_keep_history_stores_the_previous_version(edited_site, tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", edited_site.url, str(archive), "--quiet")
    edits = edited_site.apply_edits()
    wpmigrate("sync", str(archive), "--keep-history", "--quiet")
    first = edits["modified"][0]
    old = rows(archive, "select title from item_versions where item_id = ?", (first,))
    new = rows(archive, "select title from items where id = ?", (first,))
    assert old and new and new[0][0] == old[0][0] + " (updated)"


def kill_when(process: subprocess.Popen, archive: Path, items: int) -> None:
    """SIGKILL `process` once the archive it writes holds at least `items` items."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(f"file:{archive}?mode=ro", uri=True, timeout=1) as conn:
                count = conn.execute("select count(*) from items").fetchone()[0]
        except sqlite3.Error:
            count = 0
        if count >= items:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait()


def test_a_killed_export_rerun_ends_like_a_clean_export(wordpress, tmp_path):
    wordpress.seed_bulk(1500)
    try:
        clean = tmp_path / "clean.db"
        wpmigrate("export", wordpress.url, str(clean), "--quiet", "--concurrency", "2")
        for kill_at in (1, 500, 1000):
            killed = tmp_path / f"killed-{kill_at}.db"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "wpmigrate",
                    "export",
                    wordpress.url,
                    str(killed),
                    "--quiet",
                    "--concurrency",
                    "2",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            kill_when(process, killed, kill_at)
            assert process.returncode == -signal.SIGKILL, f"export ended before {kill_at} items"
            assert rows(killed, "pragma integrity_check") == [("ok",)]
            partial = rows(killed, "select count(*) from items")[0][0]
            # Batches are written on their own thread, so the last ones can land within a
            # few milliseconds of each other: a late kill may find every item written, but
            # never the run finished (its status and tail are checked below).
            assert kill_at <= partial <= 1500 + 22

            wpmigrate("export", wordpress.url, str(killed), "--quiet")
            assert content_dump(killed) == content_dump(clean), f"killed at {kill_at} items"
            statuses = [r[0] for r in rows(killed, "select status from runs order by id")]
            assert statuses == ["interrupted", "ok"]
            resumed = json.loads(rows(killed, "select counts from runs where id = 2")[0][0])
            assert resumed.get("items", {}).get("added", 0) == 1500 + 22 - partial
    finally:
        wordpress.reset()


def test_sync_of_a_site_that_is_down_leaves_the_archive_as_it_was(wordpress, tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", wordpress.url, str(archive), "--quiet")
    before = content_dump(archive)
    result = wpmigrate("sync", str(archive), "http://127.0.0.1:9/", "--force", check=False)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "cannot reach 127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
    assert content_dump(archive) == before


# -- over WXR -----------------------------------------------------------------------------


def newer_sample(
    tmp_path: Path, *, drop: int | None = None, retitle: tuple[str, str] | None = None
):
    text = SAMPLE.read_text(encoding="utf-8")
    if retitle:
        text = text.replace(*retitle)
    if drop is not None:
        head, *items = text.split("<item>")
        items = [i for i in items if f"<wp:post_id>{drop}</wp:post_id>" not in i]
        text = "<item>".join([head, *items])
    path = tmp_path / f"newer-{drop}.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sync_with_a_newer_wxr_marks_modified_gone_and_restored(tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", str(SAMPLE), str(archive), "--quiet")
    title = "Hidden Hands: Forced Labour in Global Supply Chains"
    newer = newer_sample(tmp_path, drop=12, retitle=(title, title + " (2nd edition)"))

    wpmigrate("sync", str(archive), str(newer), "--quiet")
    assert changes_of_last_run(archive) == {"modified": {19}, "deleted": {12}}

    assert rows(archive, "select deleted_reason, title from items where id = 12") == [
        ("gone", "Displacement & Drought in the Horn of Africa")
    ]
    assert rows(archive, "select count(*) from item_versions") == [(0,)]

    wpmigrate("sync", str(archive), str(SAMPLE), "--quiet")
    assert changes_of_last_run(archive) == {"modified": {19}, "restored": {12}}
    assert rows(archive, "select deleted_at from items where id = 12") == [(None,)]

    wpmigrate("sync", str(archive), "--quiet")  # the recorded source: the sample again
    assert changes_of_last_run(archive) == {}


def test_a_wxr_sync_marks_terms_and_comments_the_file_no_longer_has(tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", str(SAMPLE), str(archive), "--quiet")
    newer = newer_sample(tmp_path, drop=11)  # the post with one comment
    text = newer.read_text(encoding="utf-8")
    slug = text.index("<wp:category_nicename><![CDATA[uncategorized]]>")
    start = text.rindex("<wp:category>", 0, slug)  # the one category no item uses
    unused = text[start : text.index("</wp:category>", start) + len("</wp:category>")]
    newer.write_text(text.replace(unused, ""), encoding="utf-8")

    wpmigrate("sync", str(archive), str(newer), "--quiet")
    assert rows(archive, "select id, slug from terms where deleted_at is not null") == [
        (1, "uncategorized")
    ]
    assert rows(archive, "select item_id from comments where deleted_at is not null") == [(11,)]
    assert changes_of_last_run(archive) == {"deleted": {11}}


def test_sync_refuses_another_site_without_force(tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", str(SAMPLE), str(archive), "--quiet")
    other = tmp_path / "other.xml"
    other.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "https://library.example.org", "https://elsewhere.example.net"
        ),
        encoding="utf-8",
    )
    result = wpmigrate("sync", str(archive), str(other), check=False)
    assert result.returncode == 1
    assert "source mismatch" in result.stderr and "--force" in result.stderr
    # A refused file changes nothing, not even the runs log.
    assert rows(archive, "select command, status from runs") == [("export", "ok")]
    wpmigrate("sync", str(archive), str(other), "--force", "--quiet")


def test_sync_needs_an_archive_with_a_recorded_source(tmp_path):
    result = wpmigrate("sync", str(tmp_path / "missing.db"), check=False)
    assert result.returncode == 1 and "does not exist" in result.stderr


def test_an_archive_from_a_newer_wpmigrate_is_refused(tmp_path):
    archive = tmp_path / "library.db"
    wpmigrate("export", str(SAMPLE), str(archive), "--quiet")
    with sqlite3.connect(archive) as conn:
        conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    result = wpmigrate("sync", str(archive), check=False)
    assert result.returncode == 1 and "newer wpmigrate" in result.stderr


def test_a_second_writer_gets_a_busy_error(tmp_path):
    archive = tmp_path / "library.db"
    with Archive.open(archive):
        result = wpmigrate("export", str(SAMPLE), str(archive), check=False)
    assert result.returncode == 1
    assert "is busy" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(ArchiveError, match="busy"), Archive.open(archive), Archive.open(archive):
        pass


def test_library_api_runs_an_incremental_sync(tmp_path):
    mapping = load_mapping()
    archive = tmp_path / "library.db"
    first = run(
        open_source(str(SAMPLE), mapping),
        archive,
        mapping,
        command="export",
        detect_deletions=False,
    )
    again = run(
        open_source(str(SAMPLE), mapping), archive, mapping, command="sync", detect_deletions=True
    )
    assert first.counts.get("items", "added") == 22
    assert again.counts.get("items", "unchanged") == 22


def test_sync_applies_the_mapping_the_export_used(tmp_path):
    archive = tmp_path / "library.db"
    mapping = Path(__file__).resolve().parent.parent / "mappings" / "research-library.toml"
    wpmigrate("export", str(SAMPLE), str(archive), "--mapping", str(mapping), "--quiet")
    with sqlite3.connect(archive) as conn:
        conn.execute("delete from reports")
    wpmigrate("sync", str(archive), "--quiet")
    assert rows(archive, "select count(*) from reports") == [(13,)]


def test_a_failed_first_export_leaves_no_archive_behind(tmp_path):
    archive = tmp_path / "library.db"
    junk = Path(__file__).resolve().parent / "fixtures" / "wxr" / "junk.bin"
    result = wpmigrate("export", str(junk), str(archive), check=False)
    assert result.returncode == 1
    assert list(tmp_path.iterdir()) == []
