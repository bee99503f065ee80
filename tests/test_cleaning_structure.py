"""Cleaning never breaks HTML structure: on WordPress's own test data, the shipped sample,
the crawl fixtures and the real test WordPress (REST and WXR exports), every item's
``content_html`` has its source's tree minus what cleaning documents that it removes
(tests/html_structure.py), and its ``content_text`` keeps every line of that HTML.
Block posts are also checked against what the real WordPress renders for them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import wp_harness
from html_structure import plain_lines, structure_changes, text_lines

from wpmigrate.cleaning import Cleaner
from wpmigrate.mapping import load_mapping
from wpmigrate.model import Item
from wpmigrate.pipeline import export
from wpmigrate.sources import extract, open_source
from wpmigrate.sources.base import EMPTY_STATE, SourceState
from wpmigrate.sources.wxr import WXRSource

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
THEME_TEST_DATA = FIXTURES / "wxr" / "theme-test-data"
BLOCK_TEST_DATA = THEME_TEST_DATA / "64-block-test-data.xml"
THEME_UNIT_TEST_DATA = THEME_TEST_DATA / "themeunittestdata.wordpress.xml"
SAMPLE = ROOT / "samples" / "research-library.xml"


class Recording:
    """A source that remembers each item's raw HTML as the export reads it."""

    def __init__(self, source):
        self.source = source
        self.raw: dict[int, str] = {}

    def __getattr__(self, name):
        return getattr(self.source, name)

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator:
        for record in self.source.records(state):
            if isinstance(record, Item):
                self.raw[record.id] = record.content_html
            yield record


def exported(source, archive: Path) -> list[tuple[int, str, str, str]]:
    """Export ``source``; (id, raw HTML, content_html, content_text) of every archived item."""
    recording = Recording(source)
    export(recording, archive, load_mapping([]))
    with sqlite3.connect(archive) as db:
        rows = db.execute("select id, content_html, content_text from items order by id")
        return [(i, recording.raw[i], html, text) for i, html, text in rows]


def broken_items(rows: list[tuple[int, str, str, str]]) -> dict[int, list[str]]:
    """Items whose HTML changed its tree or whose text lost a line break."""
    broken = {}
    for item_id, raw, html, text in rows:
        problems = structure_changes(raw, html)
        if plain_lines(text) != text_lines(html):
            problems.append(f"text lines differ: {plain_lines(text)[:3]} …")
        if problems:
            broken[item_id] = problems
    return broken


# Items archived under the default mapping, which leaves WordPress internals out (menu items,
# revisions, ACF definitions, the block test data's wp_navigation).
@pytest.mark.parametrize(
    ("path", "items"),
    [(BLOCK_TEST_DATA, 62), (THEME_UNIT_TEST_DATA, 79), (SAMPLE, 22)],
    ids=lambda v: v.name if isinstance(v, Path) else str(v),
)
def test_every_item_of_a_wxr_file_keeps_its_tree(path, items, tmp_path):
    rows = exported(WXRSource(path), tmp_path / "archive.db")
    assert len(rows) == items
    assert broken_items(rows) == {}


def test_block_test_data_closing_tags_all_survive(tmp_path):
    """Every element opened in an item's content_html is closed in it (the issue's count)."""
    rows = exported(WXRSource(BLOCK_TEST_DATA), tmp_path / "archive.db")
    unbalanced = {
        (item_id, tag)
        for item_id, _, html, _ in rows
        for tag in ("div", "ul", "ol", "figure", "blockquote", "details", "table")
        if html.count(f"<{tag}") != html.count(f"</{tag}>")
    }
    assert unbalanced == set()
    nested_lists = next(html for item_id, _, html, _ in rows if item_id == 19)  # "List"
    assert (nested_lists.count("<ul"), nested_lists.count("</ul>")) == (74, 74)


@pytest.mark.parametrize("theme", ["twentytwentythree", "twentytwentyone"])
def test_every_crawled_page_keeps_its_tree(theme):
    cleaner = Cleaner()
    checked = 0
    for path in sorted((FIXTURES / "crawl" / theme).glob("*.html")):
        post = extract.extract_post(extract.parse_html(path.read_bytes()), "http://x.test/p/")
        if post is None or not post.content_html:
            continue
        html = cleaner.clean_html(post.content_html)
        assert structure_changes(post.content_html, html) == [], path.name
        assert plain_lines(cleaner.to_text(html)) == text_lines(html), path.name
        checked += 1
    assert checked >= 5


def test_every_item_of_the_real_sites_rest_export_keeps_its_tree(wordpress, tmp_path):
    source = open_source(wordpress.url, load_mapping([]), via="rest")
    rows = exported(source, tmp_path / "rest.db")
    assert len(rows) >= 20
    assert broken_items(rows) == {}


def test_every_item_of_the_real_sites_wxr_export_keeps_its_tree(wordpress, tmp_path):
    wxr = wordpress.export_wxr(tmp_path / "site.xml")
    rows = exported(WXRSource(wxr), tmp_path / "wxr.db")
    assert len(rows) == 29
    assert broken_items(rows) == {}


# Dynamic blocks (latest posts, archives, navigation…) render from the database: what the
# archive keeps of them is their saved markup, so WordPress is asked for that too.
RENDER_PHP = """
$items = json_decode( file_get_contents( {path} ), true );
add_filter( 'render_block', function ( $content, $block ) {{
    $type = WP_Block_Type_Registry::get_instance()->get_registered( $block['blockName'] ?? '' );
    return ( $type && $type->is_dynamic() ) ? serialize_block( $block ) : $content;
}}, 1000, 2 );
$out = array();
foreach ( $items as $id => $content ) {{
    $out[ $id ] = do_blocks( $content );
}}
return $out;
"""


@pytest.mark.parametrize("path", [BLOCK_TEST_DATA, THEME_UNIT_TEST_DATA], ids=lambda p: p.name)
def test_block_posts_match_what_wordpress_renders(wordpress, path, tmp_path):
    """Elements, nesting, order and text as do_blocks() renders them, comments removed.

    Attributes are left out: WordPress's render filters add classes and styles (layout,
    duotone, elements) that the saved markup has not.
    """
    cleaner = Cleaner()
    items = {
        str(r.id): r.content_html
        for r in WXRSource(path).records()
        if isinstance(r, Item) and "<!-- wp:" in r.content_html
    }
    source = tmp_path / "items.json"
    source.write_text(json.dumps(items))
    rendered = wordpress.call_json(RENDER_PHP.format(path=wp_harness.php_str(source)))
    assert len(items) >= 15
    assert set(rendered) == set(items)
    differing = {
        item_id: problems
        for item_id, html in items.items()
        if (
            problems := structure_changes(
                rendered[item_id], cleaner.clean_html(html), attributes=False
            )
        )
    }
    assert differing == {}
