"""The crawl against the real WordPress test site with its REST API switched off, in the block
theme (Twenty Twenty-Three) and the classic one (Twenty Twenty-One).

Expected values come from WordPress itself through PHP (`wordpress.php`): every published
item of every public post type with its id, type, rendered title, GMT date, terms and
rendered content. The site state changed here (REST off, theme, a robots.txt rule) is put
back at the end: the site is shared by the whole session.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from wpmigrate import runs
from wpmigrate.cleaning import Cleaner
from wpmigrate.mapping import load_mapping
from wpmigrate.sources.crawl import CrawlSource
from wpmigrate.sources.http import HttpClient

THEMES = ("twentytwentythree", "twentytwentyone")
DISALLOWED = "/publications/drought-early-warning/"
DISALLOWED_TAG = "/tag/migration/"
MARKER = "@@CRAWL-EXPECTED@@"
ROBOTS_PLUGIN = "wpmigrate-test-crawl-robots.php"

EXPECTED_PHP = r"""
$out = array();
$types = array_values( array_filter(
    array_diff( get_post_types( array( 'public' => true ) ), array( 'attachment' ) ),
    'is_post_type_viewable'
) );
$query = new WP_Query( array(
    'post_type' => $types, 'post_status' => 'publish',
    'posts_per_page' => -1, 'orderby' => 'ID', 'order' => 'ASC',
) );
foreach ( $query->posts as $p ) {
    $GLOBALS['post'] = $p;
    setup_postdata( $p );
    $terms = array();
    foreach ( get_object_taxonomies( $p->post_type ) as $tax ) {
        if ( ! is_taxonomy_viewable( $tax ) ) { continue; }
        foreach ( wp_get_object_terms( $p->ID, $tax ) as $t ) {
            $terms[] = array( $tax, $t->slug, (int) $t->term_id );
        }
    }
    $out[] = array(
        'id' => $p->ID, 'type' => $p->post_type, 'parent' => $p->post_parent,
        'title' => apply_filters( 'the_title', $p->post_title, $p->ID ),
        'date_gmt' => $p->post_date_gmt, 'protected' => '' !== $p->post_password,
        'terms' => $terms,
        'content' => '' !== $p->post_password
            ? '' : apply_filters( 'the_content', $p->post_content ),
    );
}
echo "MARKER" . wp_json_encode( $out );
""".replace("MARKER", MARKER)

ROBOTS_RULES = (
    f"User-agent: wpmigrate\nDisallow: /wp-admin/\nDisallow: {DISALLOWED}\n"
    f"Disallow: {DISALLOWED_TAG}\nCrawl-delay: 0.01\n"
)
ROBOTS_PLUGIN_CODE = (
    "<?php\n// Added by tests/test_crawl_wordpress.py; removed when its tests end.\n"
    "add_filter( 'robots_txt', function ( $out ) {\n"
    '\treturn $out . "\\n" . base64_decode( \''
    + base64.b64encode(ROBOTS_RULES.encode()).decode()
    + "' );\n}, 99 );\n"
)


@contextmanager
def robots_rules(site) -> Iterator[None]:
    """A must-use plugin that adds our rules to WordPress's robots.txt, checked with php -l."""
    mu = Path(site.php("echo WPMU_PLUGIN_DIR;").strip())
    plugin = mu / ROBOTS_PLUGIN
    staged = mu / (ROBOTS_PLUGIN + ".tmp")
    staged.write_text(ROBOTS_PLUGIN_CODE)
    try:
        lint = subprocess.run(["php", "-l", str(staged)], capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout + lint.stderr
        staged.replace(plugin)
        yield
    finally:
        staged.unlink(missing_ok=True)
        plugin.unlink(missing_ok=True)


SNAPSHOT_PHP = """
global $wpdb;
$rows = $wpdb->get_results(
    "SELECT option_name, option_value, autoload FROM {$wpdb->options}", ARRAY_A
);
file_put_contents( PATH, serialize( $rows ) );
echo 'ok';
"""
RESTORE_PHP = """
global $wpdb;
$saved = array();
foreach ( unserialize( file_get_contents( PATH ) ) as $row ) {
    $saved[ $row['option_name'] ] = $row;
}
$now = $wpdb->get_results( "SELECT option_name, option_value FROM {$wpdb->options}", OBJECT_K );
foreach ( $now as $name => $row ) {
    if ( ! isset( $saved[ $name ] ) ) {
        $wpdb->delete( $wpdb->options, array( 'option_name' => $name ) );
    }
}
foreach ( $saved as $name => $row ) {
    if ( ! isset( $now[ $name ] ) || $now[ $name ]->option_value !== $row['option_value'] ) {
        $wpdb->replace( $wpdb->options, $row );
    }
}
wp_cache_flush();
echo 'ok';
"""


@contextmanager
def options_restored(site, snapshot: Path) -> Iterator[None]:
    """Put every WordPress option back as it was: switching themes also rewrites theme mods
    and the rewrite rules, which other tests of the session rely on."""
    site.php(SNAPSHOT_PHP.replace("PATH", repr(str(snapshot))))
    try:
        yield
    finally:
        site.php(RESTORE_PHP.replace("PATH", repr(str(snapshot))))


class RecordingClient(HttpClient):
    """Notes every URL asked for, to prove robots.txt was obeyed."""

    def __init__(self, **options):
        super().__init__(**options)
        self.urls: list[str] = []

    def request(self, method, url, **kwargs):
        self.urls.append(url)
        return super().request(method, url, **kwargs)


@pytest.fixture(scope="module")
def expected(wordpress) -> dict[int, dict]:
    out = wordpress.php(EXPECTED_PHP)
    return {row["id"]: row for row in json.loads(out.rsplit(MARKER, 1)[1])}


@pytest.fixture(scope="module")
def rest_off(wordpress, tmp_path_factory):
    """REST off, a robots.txt rule for our agent; all undone afterwards, theme included."""
    snapshot = tmp_path_factory.mktemp("options") / "options.ser"
    with options_restored(wordpress, snapshot), robots_rules(wordpress):
        wordpress.set_rest_enabled(False)
        yield wordpress


@pytest.fixture(scope="module", params=THEMES)
def crawled(request, rest_off, tmp_path_factory):
    """A crawl export of the site in one theme, with the URLs it asked for."""
    rest_off.set_theme(request.param)
    path = tmp_path_factory.mktemp(request.param) / "crawl.db"
    client = RecordingClient(concurrency=2)
    mapping = load_mapping([])
    source = CrawlSource(
        rest_off.url,
        skip_types=mapping.skip_types,
        skip_taxonomies=mapping.skip_taxonomies,
        client=client,
    )
    runs.run(source, path, mapping, command="export", detect_deletions=False)
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return {"theme": request.param, "db": db, "source": source, "urls": client.urls}


def item_terms(db: sqlite3.Connection, item_id: int) -> set[tuple[str, str]]:
    rows = db.execute(
        "select t.taxonomy, t.slug from item_terms it join terms t on t.id = it.term_id "
        "where it.item_id = ?",
        [item_id],
    )
    return {(r[0], r[1]) for r in rows}


def test_every_published_public_item_is_found_by_its_wordpress_id(crawled, expected):
    db = crawled["db"]
    found = {r["id"]: r for r in db.execute("select * from items")}
    drought = next(i for i, row in expected.items() if "Drought Early Warning" in row["title"])

    assert set(found) == set(expected) - {drought}
    for item_id, row in found.items():
        want = expected[item_id]
        assert row["type"] == want["type"]
        assert row["status"] == "publish" and row["source"] == "crawl"
        assert row["title"] == Cleaner().clean_title(want["title"]), item_id
        assert row["password_protected"] == want["protected"]
        assert (row["parent_id"] or 0) == want["parent"]


def test_dates_are_exact_where_the_theme_or_feed_shows_them(crawled, expected):
    for row in crawled["db"].execute("select id, type, date_gmt from items"):
        want = expected[row["id"]]["date_gmt"].replace(" ", "T") + "Z"
        if row["type"] == "page":  # neither theme prints a page's date
            assert row["date_gmt"] is None
        else:
            assert row["date_gmt"] == want, row["id"]


def test_terms_include_custom_taxonomies_with_their_wordpress_ids(crawled, expected):
    db = crawled["db"]
    ids = {r[0] for r in db.execute("select id from items")}
    for item_id in ids:
        want = expected[item_id]["terms"]
        assert item_terms(db, item_id) == {(t[0], t[1]) for t in want}, item_id
        got_ids = {
            r[0] for r in db.execute("select term_id from item_terms where item_id = ?", [item_id])
        }
        reachable = {t[2] for t in want if f"/tag/{t[1]}/" != DISALLOWED_TAG}
        assert reachable <= got_ids, item_id
    resource_types = {
        r[0] for r in db.execute("select slug from terms where taxonomy = 'resource_type'")
    }
    assert {"report", "annual-report", "briefing", "policy-paper"} <= resource_types


def test_content_is_clean_and_matches_what_wordpress_renders(crawled, expected):
    cleaner = Cleaner()
    for row in crawled["db"].execute("select id, content_text, excerpt from items"):
        want = cleaner.to_text(cleaner.clean_html(expected[row["id"]]["content"]))
        assert row["content_text"] == want, row["id"]
        for chrome in ("Proudly powered", "Skip to content", "Leave a Reply", "Leave a comment"):
            assert chrome not in row["content_text"]
            assert chrome not in (row["excerpt"] or "")
        assert "Read More" not in (row["excerpt"] or "")


def test_robots_txt_is_obeyed_with_its_crawl_delay(crawled, rest_off):
    urls = crawled["urls"]
    source = crawled["source"]

    assert not [u for u in urls if DISALLOWED in u or DISALLOWED_TAG in u or "/wp-admin/" in u]
    assert source.skipped.get("robots", 0) >= 1
    assert source.http.delay == pytest.approx(0.01) and source.concurrency == 1
    assert all(u.startswith(rest_off.url) for u in urls)
    requests_per_item = (
        len(urls) / crawled["db"].execute("select count(*) from items").fetchone()[0]
    )
    assert requests_per_item < 4  # a small site: sitemaps and archives dominate


def test_the_command_line_falls_back_to_the_crawl_and_says_so(rest_off, tmp_path):
    path = tmp_path / "auto.db"
    done = subprocess.run(
        [sys.executable, "-m", "wpmigrate", "export", rest_off.url, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    assert "REST API" in done.stderr and "crawling its HTML instead" in done.stderr
    db = sqlite3.connect(path)
    assert db.execute("select count(*) from items where source = 'crawl'").fetchone()[0] >= 15
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "wpmigrate",
            "export",
            rest_off.url,
            str(tmp_path / "r.db"),
            "--via",
            "rest",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode == 1 and "rest_cannot_access" in refused.stderr


def test_a_crawl_sync_finds_the_edits_and_keeps_the_deleted(rest_off, tmp_path):
    """The sync scenario over the crawl: exact change set, then a sync that changes nothing."""
    path = tmp_path / "crawl.db"
    base = [sys.executable, "-m", "wpmigrate"]
    run = {"capture_output": True, "text": True, "timeout": 300, "check": True}
    subprocess.run([*base, "export", rest_off.url, str(path), "--via", "crawl", "-q"], **run)
    db = sqlite3.connect(path)
    archived = {r[0] for r in db.execute("select id from items")}
    try:
        edits = rest_off.apply_edits()
        rest_off.set_rest_enabled(False)  # apply_edits works on the database; REST stays off
        subprocess.run([*base, "sync", str(path), "--via", "crawl", "-q"], **run)
        changes: dict[str, set[int]] = {}
        for change, item_id in db.execute(
            "select change, item_id from changes where run_id = (select max(id) from runs)"
        ):
            changes.setdefault(change, set()).add(item_id)
        disallowed = {
            r[0] for r in db.execute("select id from items where link like ?", (f"%{DISALLOWED}",))
        }
        assert changes["added"] == set(edits["added"]) - disallowed
        assert changes["modified"] == set(edits["modified"]) & archived
        gone = (set(edits["deleted"]) | set(edits["trashed"])) & archived
        assert changes["deleted"] == gone
        reasons = dict(
            db.execute("select id, deleted_reason from items where deleted_at is not null")
        )
        assert reasons == dict.fromkeys(gone, "gone")

        subprocess.run([*base, "sync", str(path), "--via", "crawl", "-q"], **run)
        last = db.execute("select count(*) from changes where run_id = (select max(id) from runs)")
        assert last.fetchone()[0] == 0
    finally:
        rest_off.reset()
        rest_off.set_rest_enabled(False)
