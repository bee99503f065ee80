"""The REST API's JSON as model records: pure functions of one row, no requests.

What WordPress's REST answers look like, and how they differ from a WXR export of the same
site, is handled here: `raw` versus `rendered` fields, the excerpt WordPress makes up for an
empty attachment caption, ACF's empty values, GMT times without their `Z`.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import unquote, urlsplit

from ..model import Author, Comment, Item, Media, Term, synthetic_id

COMMENT_STATUS = {"approved": "approved", "hold": "pending", "spam": "spam", "trash": "trash"}
# A post's `format` (asked for when the post_format taxonomy is kept) stands in for the
# taxonomy REST does not list; it is read with the taxonomy fields.
FORMAT_FIELD = "format"
# WordPress's get_post_format_strings(): the names its post_format terms show.
POST_FORMAT_NAMES = {
    "aside": "Aside",
    "chat": "Chat",
    "gallery": "Gallery",
    "link": "Link",
    "image": "Image",
    "quote": "Quote",
    "status": "Status",
    "video": "Video",
    "audio": "Audio",
}


def author_from_rest(row: dict[str, Any]) -> Author:
    return Author(
        id=row["id"],
        login=row.get("username", ""),
        name=row.get("name", ""),
        slug=row.get("slug", ""),
    )


def term_from_rest(row: dict[str, Any]) -> Term:
    return Term(
        id=row["id"],
        taxonomy=row.get("taxonomy", ""),
        name=row.get("name", ""),
        slug=row.get("slug", ""),
        parent_id=row.get("parent") or None,
        description=row.get("description", ""),
        count=row.get("count"),
    )


def media_from_rest(row: dict[str, Any], *, source_url: str) -> Media:
    details = row.get("media_details") or {}
    url = row.get("source_url", "")
    description = _rendered(row.get("description"))
    caption = _rendered(row.get("caption"))
    if isinstance(row.get("caption"), dict) and "raw" in row["caption"]:
        caption = row["caption"]["raw"] or ""  # context=edit: what the author wrote
    elif generated_caption(caption, description):
        caption = ""
    return Media(
        id=row["id"],
        url=url,
        item_id=row.get("post") or None,
        mime_type=row.get("mime_type", ""),
        title=_raw_or_rendered(row.get("title")),
        caption=caption,
        alt=row.get("alt_text", ""),
        description=_PREPENDED_ATTACHMENT.sub("", description, count=1),
        width=details.get("width"),
        height=details.get("height"),
        filesize=details.get("filesize"),
        file=details.get("file") or upload_path(url),
        date_gmt=utc(row.get("date_gmt")),
        modified_gmt=utc(row.get("modified_gmt")),
        author_id=row.get("author") or None,
        slug=row.get("slug", ""),
        status=row.get("status", "inherit"),
        source_url=source_url,
    )


def item_from_rest(
    row: dict[str, Any], *, post_type: str, term_fields: list[str], source_url: str
) -> Item:
    """A post of any type; `term_fields` are the row's taxonomy fields (`categories`...)."""
    content = row.get("content") or {}
    return Item(
        id=row["id"],
        type=row.get("type", post_type),
        status=row.get("status", "publish"),
        title=_raw_or_rendered(row.get("title")),
        slug=row.get("slug", ""),
        content_html=content.get("rendered", "") if isinstance(content, dict) else "",
        excerpt_html=_rendered(row.get("excerpt")),
        date=row.get("date"),
        date_gmt=utc(row.get("date_gmt")),
        modified_gmt=utc(row.get("modified_gmt")),
        author_id=row.get("author") or None,
        parent_id=row.get("parent") or None,
        menu_order=row.get("menu_order") or 0,
        link=row.get("link", ""),
        password_protected=bool(isinstance(content, dict) and content.get("protected")),
        sticky=bool(row.get("sticky")),
        featured_media_id=row.get("featured_media") or None,
        comment_status=row.get("comment_status", ""),
        term_ids=term_ids_of(row, term_fields),
        fields=_fields_of(row),
        source="rest",
        source_url=source_url,
    )


def term_ids_of(row: dict[str, Any], term_fields: list[str]) -> list[int]:
    """A row's term ids: those of its taxonomy fields, and of its format (`FORMAT_FIELD`)."""
    ids = [t for f in term_fields if f != FORMAT_FIELD for t in (row.get(f) or [])]
    if FORMAT_FIELD in term_fields and (term := post_format_term(row)) is not None:
        ids.append(term.id)
    return ids


def post_format_term(row: dict[str, Any]) -> Term | None:
    """The `post_format` term of a post's `format` (None for `standard`).

    WordPress keeps formats as terms `post-format-<format>` but REST shows them only as the
    post's `format`; the term gets the id a WXR file of the site gives it (which names the
    term by slug only), so both sources agree.
    """
    name = row.get(FORMAT_FIELD)
    if not isinstance(name, str) or not name or name == "standard":
        return None
    slug = f"post-format-{name}"
    return Term(
        id=synthetic_id("post_format", slug),
        taxonomy="post_format",
        name=POST_FORMAT_NAMES.get(name, name.title()),
        slug=slug,
    )


def comment_from_rest(row: dict[str, Any]) -> Comment:
    return Comment(
        id=row["id"],
        item_id=row.get("post"),
        parent_id=row.get("parent") or None,
        author_name=row.get("author_name", ""),
        author_url=row.get("author_url", ""),
        date_gmt=utc(row.get("date_gmt")),
        content_html=_rendered(row.get("content")),
        status=COMMENT_STATUS.get(row.get("status", ""), row.get("status", "")),
        type=row.get("type") or "comment",
    )


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        return value.get("rendered", "") or ""
    return value or "" if isinstance(value, str) else ""


# `prepend_attachment` puts a link to the file (or an <img>) before an attachment's content.
_PREPENDED_ATTACHMENT = re.compile(r"""^\s*<p class=["']attachment["']>.*?</p>\s*""", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
EXCERPT_WORDS = 55  # wp_trim_excerpt's default excerpt_length


def _words(html: str) -> list[str]:
    return unescape(_TAG.sub(" ", html)).split()


def generated_caption(caption: str, description: str) -> bool:
    """Whether `caption.rendered` is WordPress's stand-in for an empty caption.

    Without a caption, `get_the_excerpt` builds one from the rendered description (which starts
    with the link `prepend_attachment` adds): its first 55 words, or all of them. A WXR export
    has an empty caption there.
    """
    said, source = _words(caption), _words(description)
    if not said:
        return False
    if said == source:
        return True
    return len(source) > EXCERPT_WORDS and said[:EXCERPT_WORDS] == source[:EXCERPT_WORDS]


def upload_path(url: str) -> str:
    """`2024/03/report.pdf` from a file URL under uploads/ (PDFs have no media_details.file)."""
    path = unquote(urlsplit(url).path)
    _, found, rest = path.partition("/uploads/")
    return rest if found else ""


def _raw_or_rendered(value: Any) -> str:
    """`raw` where context=edit gave it (a title as written, without the "Private: " prefix
    `title.rendered` carries for private items), else `rendered`."""
    if isinstance(value, dict) and isinstance(value.get("raw"), str):
        return value["raw"]
    return _rendered(value)


def utc(value: str | None) -> str | None:
    if not value:
        return None
    return value if value.endswith("Z") or "+" in value[10:] else value + "Z"


def _fields_of(row: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    meta = row.get("meta")
    if isinstance(meta, dict):
        fields.update(
            {k: v for k, v in meta.items() if not k.startswith("_") and v not in ("", [], None)}
        )
    acf = row.get("acf")
    if isinstance(acf, dict):
        # A field without a value is left out, as a WXR export leaves it out (ACF's REST API
        # lists every field of the group, null or [] when unset); inside rows, empty is null.
        values = {name: _acf_value(value) for name, value in acf.items()}
        fields.update({k: v for k, v in values.items() if v is not None and v != []})
    return fields


def _acf_value(value: Any) -> Any:
    """ACF values with empty strings as null, the way acf.py reads them from postmeta."""
    if value == "":
        return None
    if isinstance(value, list):
        return [_acf_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _acf_value(v) for k, v in value.items()}
    return value


def float_or_none(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
