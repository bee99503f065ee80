"""Small WXR files written by the tests: a channel header and items, as WordPress writes them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)
VERSION = "<wp:wxr_version>1.2</wp:wxr_version>"


def item(post_id: str, *, post_type: str = "post", title: str = "", extra: str = "") -> str:
    """One <item>; `post_type=""` leaves the type out."""
    type_tag = f"<wp:post_type>{post_type}</wp:post_type>" if post_type else ""
    return (
        f"<item><title>{title or 'Item ' + post_id}</title>"
        f"<wp:post_id>{post_id}</wp:post_id>{type_tag}"
        "<wp:status>publish</wp:status>"
        "<wp:post_date_gmt>2024-03-15 10:00:00</wp:post_date_gmt>"
        f"<content:encoded><![CDATA[<p>Text of {post_id}.</p>]]></content:encoded>{extra}</item>"
    )


def write_wxr(
    path: Path,
    items: list[str],
    *,
    header: str = "",
    version: str = VERSION,
    namespaces: str = NAMESPACES,
) -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f'<rss version="2.0" {namespaces}>\n<channel>\n'
        "<title>Test Shelf</title><link>https://shelf.example</link>\n"
        f"{version}<wp:base_site_url>https://shelf.example</wp:base_site_url>"
        f"<wp:base_blog_url>https://shelf.example</wp:base_blog_url>\n"
        f"{header}\n" + "\n".join(items) + "\n</channel>\n</rss>\n",
        encoding="utf-8",
    )
    return path


def rows(archive: Path, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(archive) as db:
        return db.execute(sql, params).fetchall()


def last_counts(archive: Path) -> dict[str, Any]:
    (counts,) = rows(archive, "select counts from runs order by id desc limit 1")[0]
    return json.loads(counts)
