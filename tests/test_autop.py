"""Classic content gets WordPress's paragraphs (wpautop), exactly as WordPress renders them.

The expected strings below are what WordPress 6.1's own `wpautop()` + `shortcode_unautop()`
return for the same input (checked again on every run against the real test WordPress, last
tests in this file), including its oddities: a `<div>` opened before a paragraph gets a
stray `</p>`, a `<script>` with a blank line is split into paragraphs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from wpmigrate.autop import has_blocks, shortcode_unautop, wpautop
from wpmigrate.media_shortcodes import render_content
from wpmigrate.model import Item
from wpmigrate.sources.wxr import WXRSource

THEME_TEST_DATA = Path(__file__).parent / "fixtures" / "wxr" / "theme-test-data"
UNIT_TEST_DATA = THEME_TEST_DATA / "themeunittestdata.wordpress.xml"
BLOCK_TEST_DATA = THEME_TEST_DATA / "64-block-test-data.xml"

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

# (stored content, what WordPress renders)
EDGE_CASES = {
    "single newlines": (
        "First line\nsecond line\n\nNew paragraph.",
        "<p>First line<br />\nsecond line</p>\n<p>New paragraph.</p>\n",
    ),
    "pre untouched": (
        "Before\n\n<pre>keep\n\n  this\n</pre>\n\nAfter",
        "<p>Before</p>\n<pre>keep\n\n  this\n</pre>\n<p>After</p>\n",
    ),
    "nested block elements": (
        '<div class="box">\nIntro\n\n<blockquote>Quote one\n\nQuote two</blockquote>\n<ul>\n'
        "<li>One</li>\n<li>Two\nlines</li>\n</ul>\n</div>",
        '<div class="box">\nIntro</p>\n<blockquote><p>Quote one</p>\n<p>Quote two</p>'
        "</blockquote>\n<ul>\n<li>One</li>\n<li>Two<br />\nlines</li>\n</ul>\n</div>\n",
    ),
    "shortcodes on their own lines": (
        'Text\n\n[gallery ids="1,2"]\n\n[caption id="attachment_3"]<img src="a.jpg" /> Cap'
        "[/caption]\n\n[unknown]\n\nMore",
        '<p>Text</p>\n[gallery ids="1,2"]\n[caption id="attachment_3"]<img src="a.jpg" /> Cap'
        "[/caption]\n<p>[unknown]</p>\n<p>More</p>\n",
    ),
    "more tag": (
        "Teaser\n<!--more-->\nRest\n\nEnd",
        "<p>Teaser<br />\n<!--more--><br />\nRest</p>\n<p>End</p>\n",
    ),
    "table cells": (
        "<table>\n<tr>\n<td>a\nb</td>\n</tr>\n</table>",
        "<table>\n<tr>\n<td>a<br />\nb</td>\n</tr>\n</table>\n",
    ),
    "script": (
        "<script>\nvar a = 1;\n\nvar b;\n</script>\nText",
        "<p><script>\nvar a = 1;</p>\n<p>var b;\n</script><br />\nText</p>\n",
    ),
    "windows newlines": ("One\r\n\r\nTwo\r\nThree", "<p>One</p>\n<p>Two<br />\nThree</p>\n"),
    "double br": ("a<br><br>b<br/>\nc", "<p>a</p>\n<p>b<br />\nc</p>\n"),
    "paragraphs already": ("<p>One</p>\n<p>Two</p>", "<p>One</p>\n<p>Two</p>\n"),
    "comment over lines": (
        "<!-- note\nspanning -->\nText",
        "<p><!-- note\nspanning --><br />\nText</p>\n",
    ),
    "hr": ("Above\n<hr>\nBelow", "<p>Above</p>\n<hr>\n<p>Below</p>\n"),
    "whitespace only": ("  \n\n ", ""),
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_wpautop_matches_wordpress(name):
    stored, rendered = EDGE_CASES[name]
    assert shortcode_unautop(wpautop(stored)) == rendered


def test_without_br_single_newlines_stay():
    assert wpautop("a\nb\n\nc", br=False) == "<p>a\nb</p>\n<p>c</p>\n"


def test_block_content_is_not_autopd():
    block = "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\nloose\ntext"
    assert has_blocks(block) and not has_blocks("<!-- more -->")
    assert render_content(block, 1) == block


def contents(path: Path) -> dict[int, tuple[str, str]]:
    """post id → (post_type, stored content) of every item but attachments."""
    found = {}
    for item in etree.parse(str(path)).getroot().iter("item"):
        post_type = item.findtext("{*}post_type")
        if post_type != "attachment":
            content = item.findtext(CONTENT) or ""
            found[int(item.findtext("{*}post_id"))] = (post_type, content)
    return found


def items_of(path: Path) -> dict[int, Item]:
    return {r.id: r for r in WXRSource(path).records() if isinstance(r, Item)}


def stored_paragraphs(content: str) -> list[str]:
    """The text paragraphs an author typed: blank-line-separated chunks outside `<pre>` that
    start with text, first line only."""
    content = re.sub(r"<pre.*?</pre>", "", content, flags=re.S)
    chunks = (chunk.strip("\n") for chunk in re.split(r"\n\s*\n", content.replace("\r", "")))
    return [c.split("\n")[0] for c in chunks if c.strip() and c.lstrip()[0] not in "<["]


def test_theme_unit_test_data_classic_items_get_their_paragraphs():
    stored = contents(UNIT_TEST_DATA)
    exported = items_of(UNIT_TEST_DATA)
    classic = {i for i, (kind, text) in stored.items() if text.strip() and not has_blocks(text)}
    assert len(classic) == 62
    assert sum("\n\n" in stored[i][1] for i in classic) == 32
    paragraphs = 0
    for post_id in classic:
        html = exported[post_id].content_html
        for first_line in stored_paragraphs(stored[post_id][1]):
            assert "<p>" + first_line in html or "<br />\n" + first_line in html, post_id
            paragraphs += 1
    assert paragraphs == 259
    # Block items keep their markup as stored.
    for post_id, (_, text) in stored.items():
        if has_blocks(text):
            assert "<p>" + text[:20] not in exported[post_id].content_html


def test_the_more_tag_posts_three_paragraphs_no_longer_merge():
    html = items_of(UNIT_TEST_DATA)[996].content_html
    assert html == (
        '<p>This content is before the <a title="The More Tag" '
        'href="https://en.support.wordpress.com/splitting-content/more-tag/" target="_blank">'
        "more tag</a>.</p>\n"
        '<p>Right after this sentence should be a "continue reading" button of some sort on '
        "list pages of themes that show full content. It won't show on single pages or on "
        "themes showing excerpts.</p>\n"
        "<p><!--more--></p>\n"
        "<p>And this content is after the more tag. (which should be the anchor link for when "
        "the button is clicked)</p>\n"
    )


def test_block_test_data_keeps_block_markup():
    stored = contents(BLOCK_TEST_DATA)
    exported = items_of(BLOCK_TEST_DATA)
    blocks = [i for i, (_, text) in stored.items() if has_blocks(text)]
    assert len(blocks) == 62
    for post_id in blocks:
        text = stored[post_id][1]
        if "[" not in text:  # no shortcode to render: stored as it is
            assert exported[post_id].content_html == text, post_id


# -- the real WordPress ---------------------------------------------------------------------

EXTRA_SHORTCODES = "caption,wp_caption,gallery,playlist,audio,video,embed"


def run_in_wordpress(wordpress, tmp_path: Path, texts: list[str], php_call: str) -> list[str]:
    source = tmp_path / "contents.json"
    source.write_text(json.dumps(texts))
    return wordpress.call_json(
        f"""
        add_filter( 'pre_http_request', function () {{ return new WP_Error( 'offline' ); }} );
        $out = array();
        foreach ( json_decode( file_get_contents( '{source}' ), true ) as $text ) {{
            $out[] = {php_call};
        }}
        return $out;
        """
    )


def test_port_equals_wordpress_wpautop_on_all_theme_test_data(wordpress, tmp_path):
    """Every stored content of both files, and the edge cases, through WordPress's own
    wpautop + shortcode_unautop: byte for byte the same."""
    texts = [
        text for path in (UNIT_TEST_DATA, BLOCK_TEST_DATA) for _, text in contents(path).values()
    ]
    texts += [stored for stored, _ in EDGE_CASES.values()]
    assert len(texts) == 207
    php = run_in_wordpress(wordpress, tmp_path, texts, "shortcode_unautop( wpautop( $text ) )")
    assert [shortcode_unautop(wpautop(text)) for text in texts] == php


def test_port_equals_the_content_for_classic_items(wordpress, tmp_path):
    """The whole `the_content` chain on classic items without shortcodes: the same, once the
    filters that change text rather than structure are off (wptexturize: curly quotes;
    convert_smilies; capital_P_dangit; wp_filter_content_tags: loading/srcset attributes)."""
    texts = [
        text
        for _, text in contents(UNIT_TEST_DATA).values()
        if text.strip() and not has_blocks(text) and "[" not in text
    ]
    assert len(texts) == 53
    php = run_in_wordpress(
        wordpress,
        tmp_path,
        texts,
        """( function ( $text ) {
            foreach ( array( 'wptexturize', 'convert_smilies', 'capital_P_dangit',
                'wp_filter_content_tags' ) as $filter ) {
                remove_filter( 'the_content', $filter, has_filter( 'the_content', $filter ) );
            }
            return apply_filters( 'the_content', $text );
        } )( $text )""",
    )
    assert [render_content(text, 0) for text in texts] == php


def test_only_html_content_is_rendered(tmp_path):
    """A type whose content is CSS or JSON (kept when a mapping stops skipping it) stays as
    stored; a post gets its paragraphs."""
    items = "".join(
        f"<item><title>{kind}</title><content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{i}</wp:post_id><wp:post_type>{kind}</wp:post_type>"
        "<wp:status>publish</wp:status></item>"
        for i, (kind, content) in enumerate(
            [("post", "One\n\nTwo"), ("custom_css", "p {\n  color: red;\n}\n\nh1 {}")], 1
        )
    )
    path = tmp_path / "export.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Site</title>'
        f"<wp:wxr_version>1.2</wp:wxr_version>{items}</channel></rss>"
    )
    exported = items_of(path)
    assert exported[1].content_html == "<p>One</p>\n<p>Two</p>\n"
    assert exported[2].content_html == "p {\n  color: red;\n}\n\nh1 {}"
