"""Values as WordPress's importer reads them: a pretty-printed export's values trimmed,
logins matched as `sanitize_user` makes them, serialized PHP objects decoded as data."""

from __future__ import annotations

import json

from rest_support import run_cli
from wxr_support import rows, write_wxr

from wpmigrate.model import Author, Item, Media, synthetic_id
from wpmigrate.sources.wxr import WXRSource

HEADER = """
<wp:author>
    <wp:author_id>
        3
    </wp:author_id>
    <wp:author_login>
        alice
    </wp:author_login>
    <wp:author_display_name><![CDATA[Alice Archivist]]></wp:author_display_name>
</wp:author>
<wp:category>
    <wp:term_id> 8 </wp:term_id>
    <wp:category_nicename>
        news
    </wp:category_nicename>
    <wp:category_parent></wp:category_parent>
    <wp:cat_name><![CDATA[News]]></wp:cat_name>
</wp:category>
"""
POST = """
<item>
    <title>A pretty-printed post</title>
    <link>
        https://shelf.example/pretty/
    </link>
    <dc:creator>
        <![CDATA[alice
]]>
    </dc:creator>
    <content:encoded><![CDATA[First line.

Second paragraph.]]></content:encoded>
    <wp:post_id>
        10
    </wp:post_id>
    <wp:post_date_gmt>
        2024-03-15 10:00:00
    </wp:post_date_gmt>
    <wp:post_name>
        pretty
    </wp:post_name>
    <wp:status>
        publish
    </wp:status>
    <wp:post_type>
        post
    </wp:post_type>
    <category domain=" category " nicename=" news "><![CDATA[ News ]]></category>
    <wp:postmeta>
        <wp:meta_key>
            shelf_location
        </wp:meta_key>
        <wp:meta_value><![CDATA[ Room 2 ]]></wp:meta_value>
    </wp:postmeta>
    <wp:postmeta>
        <wp:meta_key>legacy_widgets</wp:meta_key>
        <wp:meta_value><![CDATA[a:2:{i:0;O:8:"stdClass":2:{s:5:"title";s:5:"Hours";s:5:"order";i:1;}i:1;O:8:"stdClass":1:{s:5:"title";s:7:"Contact";}}]]></wp:meta_value>
    </wp:postmeta>
</item>
"""
ATTACHMENT = """
<item>
    <title>Reading room</title>
    <dc:creator>Alice</dc:creator>
    <wp:post_id>
        11
    </wp:post_id>
    <wp:post_parent>
        10
    </wp:post_parent>
    <wp:status>inherit</wp:status>
    <wp:post_type>
        attachment
    </wp:post_type>
    <wp:attachment_url>
        https://shelf.example/wp-content/uploads/2024/03/room.jpg
    </wp:attachment_url>
    <wp:postmeta>
        <wp:meta_key>_wp_attached_file</wp:meta_key>
        <wp:meta_value>
            2024/03/room.jpg
        </wp:meta_value>
    </wp:postmeta>
</item>
"""
LATE = """
<item><title>By login with spaces</title><dc:creator>  alice  </dc:creator>
<wp:post_id>12</wp:post_id><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
</item>
"""


def test_pretty_printed_values_are_trimmed_as_wordpress_does(tmp_path):
    path = write_wxr(tmp_path / "pretty.xml", [POST, ATTACHMENT, LATE], header=HEADER)
    records = list(WXRSource(path).records())
    items = {r.id: r for r in records if isinstance(r, Item)}
    (media,) = [r for r in records if isinstance(r, Media)]
    post = items[10]
    assert (post.type, post.status, post.slug, post.link, post.date_gmt) == (
        "post",
        "publish",
        "pretty",
        "https://shelf.example/pretty/",
        "2024-03-15T10:00:00Z",
    )
    assert post.term_ids == [8]
    # Text bodies keep their whitespace: it is content.
    assert post.meta["shelf_location"] == " Room 2 "
    assert (media.id, media.item_id, media.url, media.mime_type, media.file) == (
        11,
        10,
        "https://shelf.example/wp-content/uploads/2024/03/room.jpg",
        "image/jpeg",
        "2024/03/room.jpg",
    )
    archive = tmp_path / "a.db"
    result = run_cli("export", str(path), str(archive))
    assert result.returncode == 0, result.stderr
    assert rows(archive, "pragma foreign_key_check") == []
    assert rows(archive, "select id, item_id, url from media") == [
        (11, 10, "https://shelf.example/wp-content/uploads/2024/03/room.jpg")
    ]


def test_logins_with_whitespace_are_one_author(tmp_path):
    path = write_wxr(tmp_path / "pretty.xml", [POST, ATTACHMENT, LATE], header=HEADER)
    records = list(WXRSource(path).records())
    authors = [r for r in records if isinstance(r, Author)]
    # WordPress's importer compares logins as sanitize_user() leaves them: trimmed, but not
    # lower-cased (only multisite does that), so `Alice` is another login.
    assert [(a.id, a.login, a.name) for a in authors] == [
        (3, "alice", "Alice Archivist"),
        (synthetic_id("author", "Alice"), "Alice", "Alice"),
    ]
    by_id = {r.id: r.author_id for r in records if isinstance(r, Item | Media)}
    assert by_id == {10: 3, 11: synthetic_id("author", "Alice"), 12: 3}


def test_serialized_php_objects_are_decoded_as_plain_data(tmp_path):
    path = write_wxr(tmp_path / "pretty.xml", [POST], header=HEADER)
    archive = tmp_path / "a.db"
    assert run_cli("export", str(path), str(archive)).returncode == 0
    ((value,),) = rows(
        archive, "select value from fields where item_id = 10 and name = 'legacy_widgets'"
    )
    assert json.loads(value) == [{"title": "Hours", "order": 1}, {"title": "Contact"}]
