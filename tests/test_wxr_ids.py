"""Ids that are not ids: a WXR record whose id is not a positive whole number SQLite can
store is skipped, counted and named in a warning, never written under a made-up id."""

from __future__ import annotations

from pathlib import Path

from rest_support import run_cli
from wxr_support import item, last_counts, rows, write_wxr

COMMENT = (
    "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
    "<wp:comment_date_gmt>2024-03-16 09:00:00</wp:comment_date_gmt>"
    "<wp:comment_content>Thanks.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
    "<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
)
HEADER = """
<wp:author><wp:author_id>zero</wp:author_id><wp:author_login>ghost</wp:author_login>
<wp:author_display_name>Ghost</wp:author_display_name></wp:author>
<wp:author><wp:author_id>3</wp:author_id><wp:author_login>ann</wp:author_login>
<wp:author_display_name>Ann Reader</wp:author_display_name></wp:author>
<wp:category><wp:term_id>-3</wp:term_id><wp:category_nicename>broken</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>Broken</wp:cat_name></wp:category>
<wp:category><wp:term_id>8</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>
"""
BAD_POST_IDS = ["abc", "0", "-4", "12345678901234567890", ""]
CATEGORIES = (
    '<category domain="category" nicename="broken"><![CDATA[Broken]]></category>'
    '<category domain="category" nicename="news"><![CDATA[News]]></category>'
)


def _file(tmp_path: Path) -> Path:
    items = [item(bad, extra="<dc:creator>ann</dc:creator>") for bad in BAD_POST_IDS]
    items.append(item("x7", post_type="attachment"))
    items.append(
        item(
            "10",
            extra="<dc:creator>ghost</dc:creator>"
            + CATEGORIES
            + COMMENT.format(id="5", parent="0")
            + COMMENT.format(id="not-a-number", parent="5")
            + COMMENT.format(id="6", parent="-1"),
        )
    )
    items.append(
        item("11", extra="<dc:creator>ann</dc:creator><wp:post_parent>-2</wp:post_parent>")
    )
    return write_wxr(tmp_path / "ids.xml", items, header=HEADER)


def test_records_with_invalid_ids_are_skipped_counted_and_named(tmp_path):
    archive = tmp_path / "a.db"
    result = run_cli("export", str(_file(tmp_path)), str(archive))
    assert result.returncode == 0, result.stderr
    assert rows(archive, "select id, parent_id, author_id from items order by id") == [
        (10, None, None),  # its author's id was not an id: no author rather than a wrong one
        (11, None, 3),
    ]
    assert rows(archive, "select count(*) from media") == [(0,)]
    assert rows(archive, "select id, parent_id from comments order by id") == [(5, None), (6, None)]
    assert rows(archive, "select id, slug from terms") == [(8, "news")]
    assert rows(archive, "select item_id, term_id from item_terms") == [(10, 8)]
    assert rows(archive, "select id, login from authors") == [(3, "ann")]
    assert rows(archive, "pragma foreign_key_check") == []
    assert last_counts(archive)["skipped"] == {
        "invalid id: author": 1,
        "invalid id: comment": 1,
        "invalid id: item": 5,
        "invalid id: media": 1,
        "invalid id: term": 1,
    }
    prefix = f"wpmigrate: warning: {tmp_path / 'ids.xml'}: skipped"
    assert [line for line in result.stderr.splitlines() if line.startswith(prefix)] == [
        f"{prefix} author records (1): wp:author_id is not a positive whole number ('zero')",
        f"{prefix} term records (1): wp:term_id is not a positive whole number ('-3')",
        f"{prefix} item records (5): wp:post_id is not a positive whole number "
        "('abc', '0', '-4' and 2 more)",
        f"{prefix} media records (1): wp:post_id is not a positive whole number ('x7')",
        f"{prefix} comment records (1): wp:comment_id is not a positive whole number "
        "('not-a-number')",
    ]
    assert "9 skipped; 5 warnings" in result.stderr


def test_a_twenty_digit_id_is_no_traceback(tmp_path):
    path = write_wxr(tmp_path / "big.xml", [item("99999999999999999999"), item("1")])
    result = run_cli("export", str(path), str(tmp_path / "a.db"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert rows(tmp_path / "a.db", "select id from items") == [(1,)]


def test_a_term_listed_again_is_judged_by_its_valid_listing(tmp_path):
    header = """
<wp:category><wp:term_id>junk</wp:term_id><wp:category_nicename>news</wp:category_nicename>
<wp:category_parent></wp:category_parent><wp:cat_name>News</wp:cat_name></wp:category>
<wp:term><wp:term_id>8</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy>
<wp:term_slug>news</wp:term_slug><wp:term_name>News</wp:term_name></wp:term>
<wp:term><wp:term_id>-8</wp:term_id><wp:term_taxonomy>category</wp:term_taxonomy>
<wp:term_slug>news</wp:term_slug><wp:term_name>News</wp:term_name></wp:term>
"""
    news = '<category domain="category" nicename="news"><![CDATA[News]]></category>'
    path = write_wxr(tmp_path / "again.xml", [item("10", extra=news)], header=header)
    archive = tmp_path / "a.db"
    assert run_cli("export", str(path), str(archive)).returncode == 0
    assert rows(archive, "select id, slug from terms") == [(8, "news")]
    assert rows(archive, "select item_id, term_id from item_terms") == [(10, 8)]
    assert last_counts(archive)["skipped"] == {"invalid id: term": 1}
