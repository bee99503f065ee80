"""What every reader of WordPress's markup shares: parsing, class tests, the chrome that
is never the post, and the records the extractors return."""

from __future__ import annotations

import copy
import functools
import html as _html
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..model import Comment

HtmlElement = lxml_html.HtmlElement


HtmlElement = lxml_html.HtmlElement


DOCUMENT_EXTENSIONS = frozenset(
    ("pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp", "zip")
)


_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


# Page regions that are never the post itself: loops of other posts, comments, widgets,
# related posts and share buttons, the site header and footer.
CHROME_CLASSES = (
    "wp-block-post-template",
    "wp-block-query",
    "wp-block-comments",
    "wp-block-post-comments-form",
    "comments-area",
    "comment-list",
    "commentlist",
    "comment-respond",
    "widget-area",
    "widget",
    "sidebar",
    "site-header",
    "site-footer",
    "jp-relatedposts",
    "related-posts",
    "yarpp-related",
    "sharedaddy",
    "sd-sharing-enabled",
    "addtoany_share_save_container",
    "a2a_kit",
    "share-buttons",
    "social-share",
    "post-navigation",
    "posts-navigation",
    "page-links",
    "skip-link",
)


CHROME_IDS = ("comments", "respond", "secondary", "colophon", "masthead", "sidebar")


# Removed from a content region before it is stored: chrome themes and plugins put inside it.
# (Query loops and widgets stay: inside the content they are the author's blocks.)
_CONTENT_BLOCKS = ("wp-block-post-template", "wp-block-query", "widget", "sidebar")


STRIP_CLASSES = (
    *(c for c in CHROME_CLASSES if c not in _CONTENT_BLOCKS),
    "entry-footer",
    "post-meta",
)


def has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def any_class(*names: str) -> str:
    return " or ".join(has_class(n) for n in names)


@functools.lru_cache(maxsize=1024)
def _compiled(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def find(element: Any, expression: str) -> list[Any]:
    """element.xpath(expression), compiled once: the chrome filters are long to parse."""
    return _compiled(expression)(element)


_IN_CHROME = (
    "ancestor-or-self::*["
    + " or ".join(has_class(c) for c in CHROME_CLASSES)
    + " or "
    + " or ".join(f"@id='{i}'" for i in CHROME_IDS)
    + "] or ancestor::aside or ancestor::nav"
    + " or ancestor::header["
    + has_class("wp-block-template-part")
    + "]"
    + " or ancestor::footer["
    + has_class("wp-block-template-part")
    + "]"
)


OUTSIDE_CHROME = f"[not({_IN_CHROME})]"


@dataclass
class MediaRef:
    """An image or document the page links to, with the attachment id when the markup has it."""

    url: str
    id: int | None = None
    title: str = ""
    alt: str = ""
    caption: str = ""
    width: int | None = None
    height: int | None = None


@dataclass
class TermLink:
    url: str
    taxonomy: str = ""  # when the markup says (a `taxonomy-X` wrapper, rel="category")
    name_html: str = ""
    term_id: int | None = None  # from `cat-item-N` / `tag-link-N` classes


@dataclass
class PostPage:
    """A singular view: one post, page or custom post type entry."""

    id: int | None
    type: str
    url: str
    title_html: str = ""
    content_html: str = ""
    password_required: bool = False
    date: str | None = None
    date_gmt: str | None = None
    modified_gmt: str | None = None
    author_name: str = ""
    author_url: str = ""
    parent_id: int | None = None
    classes: list[str] = field(default_factory=list)  # post_class, when the theme prints it
    term_links: list[TermLink] = field(default_factory=list)
    featured: MediaRef | None = None
    media: list[MediaRef] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    comments_open: bool = False
    page_links: list[str] = field(default_factory=list)  # pages 2..n of a <!--nextpage--> post


@dataclass
class Entry:
    """One post as a listing (home, archive, term archive) shows it."""

    id: int | None
    type: str
    link: str
    classes: list[str] = field(default_factory=list)
    title_html: str = ""
    excerpt_html: str = ""
    password_required: bool = False
    date: str | None = None
    date_gmt: str | None = None
    term_links: list[TermLink] = field(default_factory=list)
    media: list[MediaRef] = field(default_factory=list)


@dataclass
class Listing:
    entries: list[Entry]
    next_url: str | None = None


@dataclass
class TermPage:
    taxonomy: str
    id: int | None
    slug: str
    name_html: str = ""
    description_html: str = ""


@dataclass
class AuthorPage:
    id: int | None
    slug: str
    name: str = ""


@dataclass
class SiteInfo:
    title: str = ""
    description: str = ""
    language: str = ""
    feed_url: str = ""


def parse_html(content: bytes | str, encoding: str | None = None) -> HtmlElement | None:
    """A tolerant parse: broken or hostile markup gives a partial tree, not an error."""
    if isinstance(content, bytes):
        content = content.decode(encoding or "utf-8", errors="replace")
    if not content.strip():
        return None
    parser = lxml_html.HTMLParser(recover=True, no_network=True, remove_comments=False)
    try:
        return lxml_html.document_fromstring(content, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def body_classes(doc: HtmlElement) -> list[str]:
    body = doc.find(".//body")
    return (body.get("class") or "").split() if body is not None else []


def page_kind(classes: list[str]) -> str:
    """What WordPress rendered, from its body classes: single, term, author, listing, ..."""
    names = set(classes)
    if "error404" in names:
        return "notfound"
    if "attachment" in names or any(c.startswith("attachmentid-") for c in names):
        return "attachment"
    if body_id(classes) is not None:
        return "single"
    if any(c.startswith("tax-") for c in names) or ({"category", "tag"} & names):
        return "term"
    if "author" in names:
        return "author"
    if names & {"home", "blog", "archive", "search", "post-type-archive", "date", "paged"}:
        return "listing"
    return "unknown"


def is_upload(url: str) -> bool:
    return "/uploads/" in urlsplit(url).path or extension(url) in DOCUMENT_EXTENSIONS


def original_file_url(url: str) -> str:
    """`photo-300x200.jpg` -> `photo.jpg`: WordPress's resized copies share the original's name."""
    parts = urlsplit(url)
    path = _SIZE_SUFFIX.sub("", parts.path)
    return parts._replace(path=path, query="", fragment="").geturl()


def last_path_segment(url: str) -> str:
    """The slug in a pretty permalink, as WordPress stores it (non-ASCII stays %-encoded)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > 2 and segments[-1].isdigit() and segments[-2] == "page":
        segments = segments[:-2]
    return segments[-1].lower() if segments and "%" in segments[-1] else (segments or [""])[-1]


def inner_html(element: HtmlElement) -> str:
    """The HTML inside `element`, as a string (entities escaped, like WordPress prints it)."""
    parts = [_html.escape(element.text, quote=False)] if element.text else []
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts)


def text_of(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def sanitize_html_class(value: str) -> str:
    """PHP's sanitize_html_class(): how a term slug appears in post_class."""
    value = re.sub(r"%[a-fA-F0-9][a-fA-F0-9]", "", value)
    return re.sub(r"[^A-Za-z0-9_-]", "", value)


def body_id(classes: list[str]) -> int | None:
    return prefixed_int(classes, "postid-") or prefixed_int(classes, "page-id-")


def body_type(classes: list[str]) -> str:
    names = set(classes)
    if "page" in names and prefixed_int(classes, "page-id-"):
        return "page"
    for c in classes:
        if c.startswith("single-") and not c.startswith(("single-format-", "single-paged")):
            return c[7:]
    return ""


def class_id(classes: list[str]) -> int | None:
    return prefixed_int(classes, "post-")


def class_type(classes: list[str]) -> str:
    for c in classes:
        if c.startswith("type-") and len(c) > 5:
            return c[5:]
    return ""


def prefixed_int(classes: list[str], prefix: str) -> int | None:
    for c in classes:
        if c.startswith(prefix):
            value = to_int(c[len(prefix) :])
            if value is not None:
                return value
    return None


def to_int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


def strip_tags(value: str) -> str:
    return re.sub(r"<[^>]*>", "", value)


def extension(url: str) -> str:
    path = urlsplit(url).path
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def copy_element(element: HtmlElement) -> HtmlElement:
    return copy.deepcopy(element)


def drop_element(element: HtmlElement) -> None:
    """Remove an element (and what is inside it) but keep the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()
