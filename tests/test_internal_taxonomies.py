"""`--include-internals` keeps WordPress's internal taxonomies too: post formats (which REST
shows only as a post's `format`), menus, template parts. By default they are left out."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

THEME_UNIT = (
    Path(__file__).resolve().parent
    / "fixtures"
    / "wxr"
    / "theme-test-data"
    / "themeunittestdata.wordpress.xml"
)
WP = "{*}"  # any WXR version's namespace


def wpmigrate(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args, "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


def format_links(archive: Path) -> set[tuple[int, int, str, str]]:
    """(item id, term id, slug, name) of every item's post_format term."""
    with sqlite3.connect(archive) as conn:
        return set(
            conn.execute(
                "select item_id, terms.id, slug, name from item_terms "
                "join terms on terms.id = term_id where taxonomy = 'post_format'"
            )
        )


def formats_in_file(path: Path) -> set[tuple[int, str, str]]:
    """(post id, slug, name) of each item's post_format category, as the file lists them."""
    found = set()
    for item in etree.parse(str(path)).iter("item"):
        if item.findtext(f"{WP}status") == "auto-draft":
            continue
        for category in item.iterfind("category[@domain='post_format']"):
            post_id = int(item.findtext(f"{WP}post_id"))
            found.add((post_id, category.get("nicename"), category.text))
    return found


def test_post_formats_are_kept_on_request_from_wxr(tmp_path):
    kept, default = tmp_path / "kept.db", tmp_path / "default.db"
    wpmigrate("export", str(THEME_UNIT), str(kept), "--include-internals")
    wpmigrate("export", str(THEME_UNIT), str(default))

    expected = formats_in_file(THEME_UNIT)
    assert len(expected) == 13
    assert {(i, slug, name) for i, _, slug, name in format_links(kept)} == expected
    assert format_links(default) == set()
    with sqlite3.connect(default) as conn:
        counts = json.loads(conn.execute("select counts from runs").fetchone()[0])
    assert counts["skipped"]["taxonomy:post_format"] == 9


@pytest.fixture
def formatted_site(wordpress):
    """The test site with two posts given a format; restored afterwards."""
    ids = wordpress.call_json(
        """
        $ids = array();
        foreach ( array( 'welcome-to-the-research-library' => 'aside',
                         'supply-chain-data-field-checks' => 'quote' ) as $slug => $format ) {
            $post = get_page_by_path( $slug, OBJECT, 'post' );
            set_post_format( $post->ID, $format );
            $ids[ $format ] = $post->ID;
        }
        return $ids;
        """
    )
    yield wordpress, ids
    wordpress.reset()


def test_post_formats_are_kept_on_request_over_rest_as_from_wxr(formatted_site, tmp_path):
    wordpress, ids = formatted_site
    rest, wxr, default = tmp_path / "rest.db", tmp_path / "wxr.db", tmp_path / "default.db"
    wpmigrate("export", wordpress.url, str(rest), "--include-internals")
    site_file = wordpress.export_wxr(tmp_path / "site.xml")
    wpmigrate("export", str(site_file), str(wxr), "--include-internals")
    wpmigrate("export", wordpress.url, str(default))

    links = format_links(rest)
    assert {(i, slug, name) for i, _, slug, name in links} == {
        (ids["aside"], "post-format-aside", "Aside"),
        (ids["quote"], "post-format-quote", "Quote"),
    }
    assert links == format_links(wxr)  # the same term ids from both sources
    assert format_links(default) == set()
