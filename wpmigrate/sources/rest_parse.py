"""The REST API's JSON as model records: pure functions of one row, no requests.

What WordPress's REST answers look like, and how they differ from a WXR export of the same
site, is handled here: `raw` versus `rendered` fields, the excerpt WordPress makes up for an
empty attachment caption, ACF's empty values, GMT times without their `Z`.

Every value is read through a typed accessor (`text`, `object_id`, `ids`, `utc`...): a server
that sends a list where a name belongs, or a number where a date belongs, gives an empty
value, never an AttributeError. Rows without a usable id never get here (rest.py skips and
counts them).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import unquote, urlsplit

from ..model import Author, Comment, Item, Media, Term, TermIds, synthetic_id
from ..values import wp_id

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


def is_id(value: Any) -> bool:
    """A WordPress object id in JSON: an integer `wp_id` accepts (JSON true, `"12"` and a
    number past what SQLite stores are not ids)."""
    return isinstance(value, int) and wp_id(value) is not None


def object_id(value: Any) -> int | None:
    """An id field (`parent`, `author`, `post`...): the id, or None for 0 and for junk."""
    return value if is_id(value) else None


def ids(value: Any) -> list[int]:
    """A list of ids (`categories`, `tags`...), junk left out."""
    return [v for v in value if is_id(v)] if isinstance(value, list) else []


def text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def number(value: Any) -> int | None:
    """A count or a size: a non-negative int, else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def mapping_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def author_from_rest(row: dict[str, Any]) -> Author:
    return Author(
        id=row["id"],
        login=text(row.get("username")),
        name=text(row.get("name")),
        slug=text(row.get("slug")),
    )


def term_from_rest(row: dict[str, Any]) -> Term:
    return Term(
        id=row["id"],
        taxonomy=text(row.get("taxonomy")),
        name=text(row.get("name")),
        slug=text(row.get("slug")),
        parent_id=object_id(row.get("parent")),
        description=text(row.get("description")),
        count=number(row.get("count")),
    )


def media_from_rest(row: dict[str, Any], *, source_url: str) -> Media:
    details = mapping_of(row.get("media_details"))
    url = text(row.get("source_url"))
    description = _rendered(row.get("description"))
    caption = _rendered(row.get("caption"))
    if isinstance(row.get("caption"), dict) and "raw" in row["caption"]:
        caption = text(row["caption"]["raw"])  # context=edit: what the author wrote
    elif generated_caption(caption, description):
        caption = ""
    return Media(
        id=row["id"],
        url=url,
        item_id=object_id(row.get("post")),
        mime_type=text(row.get("mime_type")),
        title=_raw_or_rendered(row.get("title")),
        caption=caption,
        alt=text(row.get("alt_text")),
        description=_PREPENDED_ATTACHMENT.sub("", description, count=1),
        width=number(details.get("width")),
        height=number(details.get("height")),
        filesize=number(details.get("filesize")),
        file=text(details.get("file")) or upload_path(url),
        date_gmt=utc(row.get("date_gmt")),
        modified_gmt=utc(row.get("modified_gmt")),
        author_id=object_id(row.get("author")),
        slug=text(row.get("slug")),
        status=text(row.get("status"), "inherit"),
        source_url=source_url,
    )


def item_from_rest(
    row: dict[str, Any], *, post_type: str, term_ids: list[int], source_url: str
) -> Item:
    """A post of any type; `term_ids` are its terms' archive ids (see `terms_of`)."""
    content = row.get("content")
    return Item(
        id=row["id"],
        type=text(row.get("type"), post_type) or post_type,
        status=text(row.get("status"), "publish"),
        title=_raw_or_rendered(row.get("title")),
        slug=text(row.get("slug")),
        content_html=_rendered(content),
        excerpt_html=_rendered(row.get("excerpt")),
        date=text(row.get("date")) or None,
        date_gmt=utc(row.get("date_gmt")),
        modified_gmt=utc(row.get("modified_gmt")),
        author_id=object_id(row.get("author")),
        parent_id=object_id(row.get("parent")),
        menu_order=row["menu_order"] if isinstance(row.get("menu_order"), int) else 0,
        link=text(row.get("link")),
        password_protected=bool(isinstance(content, dict) and content.get("protected") is True),
        sticky=row.get("sticky") is True,
        featured_media_id=object_id(row.get("featured_media")),
        comment_status=text(row.get("comment_status")),
        term_ids=term_ids,
        fields=_fields_of(row),
        source="rest",
        source_url=source_url,
    )


def terms_of(row: dict[str, Any], term_fields: dict[str, str], term_keys: TermIds) -> list[int]:
    """The archive ids of a post's terms; `term_fields` maps the row's taxonomy fields
    (`categories`, `tags`...) to their taxonomy, as ids some taxonomies share differ, and
    holds `FORMAT_FIELD` when the post's format is read as its post_format term."""
    found = [
        term_keys.archive_id(taxonomy, term_id)
        for field_name, taxonomy in term_fields.items()
        if field_name != FORMAT_FIELD
        for term_id in ids(row.get(field_name))
    ]
    if FORMAT_FIELD in term_fields and (term := post_format_term(row)) is not None:
        found.append(term.id)
    return found


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
    status = text(row.get("status"))
    return Comment(
        id=row["id"],
        item_id=object_id(row.get("post")),
        parent_id=object_id(row.get("parent")),
        author_name=text(row.get("author_name")),
        author_url=text(row.get("author_url")),
        date_gmt=utc(row.get("date_gmt")),
        content_html=_rendered(row.get("content")),
        status=COMMENT_STATUS.get(status, status),
        type=text(row.get("type")) or "comment",
    )


def _rendered(value: Any) -> str:
    if isinstance(value, dict):
        return text(value.get("rendered"))
    return text(value)


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


def utc(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
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
