"""Odd but real WXR files, read as WordPress's importer reads them: foreign namespaces, items
that are not WordPress's, a missing or invalid version tag, items without a post type."""

from __future__ import annotations

import pytest
from rest_support import run_cli
from wxr_support import NAMESPACES, item, last_counts, rows, write_wxr

from wpmigrate.errors import SourceError
from wpmigrate.model import Comment, Item
from wpmigrate.sources.wxr import WXRSource

COMMENT = (
    "<wp:comment><wp:comment_id>{id}</wp:comment_id><wp:comment_author>Ann</wp:comment_author>"
    "<wp:comment_content>{text}</wp:comment_content>"
    "<wp:comment_approved>1</wp:comment_approved></wp:comment>"
)


def _items(path) -> list[Item]:
    return [r for r in WXRSource(path).records() if isinstance(r, Item)]


def test_a_namespace_bound_to_a_non_ascii_uri_is_ignored_not_fatal(tmp_path):
    namespaces = NAMESPACES + ' xmlns:geo="http://exämple.org/géo/"'
    items = [item(str(i), extra="<geo:lat>48.85</geo:lat>") for i in range(1, 1201)]
    path = write_wxr(tmp_path / "ns.xml", items, namespaces=namespaces)
    source = WXRSource(path)
    records = list(source.records())
    assert [r.id for r in records if isinstance(r, Item)] == list(range(1, 1201))
    assert source.warnings == [
        "namespace ignored: xmlns:geo: 'http://exämple.org/géo/' is not a valid URI, line 2"
    ]


def test_an_item_rebinding_wp_is_skipped_and_counted_the_rest_kept(tmp_path):
    stray = (
        '<item xmlns:wp="http://example.org/not-wordpress/"><title>Elsewhere</title>'
        "<wp:post_id>2</wp:post_id><wp:post_type>post</wp:post_type></item>"
    )
    rss_only = "<item><title>Plain RSS</title><link>https://shelf.example/rss</link></item>"
    path = write_wxr(tmp_path / "rebind.xml", [item("1"), stray, rss_only, item("3")])
    archive = tmp_path / "a.db"
    result = run_cli("export", str(path), str(archive))
    assert result.returncode == 0, result.stderr
    assert rows(archive, "select id, title from items order by id") == [
        (1, "Item 1"),
        (3, "Item 3"),
    ]
    assert last_counts(archive)["skipped"] == {"not a WordPress item": 2}
    assert "2 skipped" in result.stderr


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("", "not a WordPress export (no wp:wxr_version)"),
        (
            "<wp:wxr_version>1.x</wp:wxr_version>",
            "not a WordPress export (invalid wp:wxr_version '1.x')",
        ),
        ("<wp:wxr_version></wp:wxr_version>", "not a WordPress export (invalid wp:wxr_version '')"),
    ],
)
def test_a_missing_or_invalid_version_is_refused_with_one_line(tmp_path, version, message):
    path = write_wxr(tmp_path / "v.xml", [item("1")], version=version)
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        list(WXRSource(path).records())
    archive = tmp_path / "a.db"
    result = run_cli("export", str(path), str(archive))
    assert result.returncode == 1
    assert result.stderr == f"wpmigrate: error: {path}: {message}\n"
    assert not archive.exists()


def test_a_version_with_surrounding_whitespace_is_accepted(tmp_path):
    version = "<wp:wxr_version>\n  1.2\n</wp:wxr_version>"
    path = write_wxr(tmp_path / "v.xml", [item("1")], version=version)
    assert [i.id for i in _items(path)] == [1]


def test_an_item_without_post_type_does_not_take_over_another(tmp_path):
    real = item("10", extra=COMMENT.format(id="1", text="On the real post."))
    orphan = item("10", post_type="", title="Orphan", extra=COMMENT.format(id="2", text="Lost."))
    path = write_wxr(tmp_path / "orphan.xml", [real, orphan])
    archive = tmp_path / "a.db"
    result = run_cli("export", str(path), str(archive))
    assert result.returncode == 0, result.stderr
    assert rows(archive, "select id, type, title from items") == [(10, "post", "Item 10")]
    assert rows(archive, "select id, item_id, content_html from comments") == [
        (1, 10, "On the real post.")
    ]
    assert last_counts(archive)["skipped"] == {"no post type": 1}
    records = list(WXRSource(path).records())
    assert [c.id for r in records if isinstance(r, Item) for c in r.comments] == [1]
    assert not [r for r in records if isinstance(r, Comment)]
