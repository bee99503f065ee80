"""Read WordPress's own markup: what one crawled page says about posts, terms, authors and
the site.

Pure functions over lxml trees, no HTTP. They rely on what WordPress core prints whatever the
theme (`body_class`, `post_class`, `rel="tag"` links, `<time datetime>`, the shortlink,
`.entry-content` / `.wp-block-post-content`) and on Open Graph / JSON-LD when an SEO plugin
adds them, so block and classic themes read the same; the tests run them on pages saved from
Twenty Twenty-Three and Twenty Twenty-One.
"""

from __future__ import annotations

import copy
import functools
import html as _html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from ..model import Comment

HtmlElement = lxml_html.HtmlElement

DOCUMENT_EXTENSIONS = frozenset(
    ("pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp", "zip")
)
_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
_TITLE_SEPARATORS = (" \u2013 ", " | ", " - ", " \u2014 ", " \u00bb ", " :: ")
_JSONLD_MAX = 200_000

# Page regions that are never the post itself: loops of other posts, comments, widgets,
# related posts and share buttons, the site header and footer.
_CHROME_CLASSES = (
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
_CHROME_IDS = ("comments", "respond", "secondary", "colophon", "masthead", "sidebar")
# Removed from a content region before it is stored: chrome themes and plugins put inside it.
# (Query loops and widgets stay: inside the content they are the author's blocks.)
_CONTENT_BLOCKS = ("wp-block-post-template", "wp-block-query", "widget", "sidebar")
_STRIP_CLASSES = (
    *(c for c in _CHROME_CLASSES if c not in _CONTENT_BLOCKS),
    "entry-footer",
    "post-meta",
)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _any_class(*names: str) -> str:
    return " or ".join(_has_class(n) for n in names)


@functools.lru_cache(maxsize=1024)
def _compiled(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def _find(element: Any, expression: str) -> list[Any]:
    """element.xpath(expression), compiled once: the chrome filters are long to parse."""
    return _compiled(expression)(element)


_IN_CHROME = (
    "ancestor-or-self::*["
    + " or ".join(_has_class(c) for c in _CHROME_CLASSES)
    + " or "
    + " or ".join(f"@id='{i}'" for i in _CHROME_IDS)
    + "] or ancestor::aside or ancestor::nav"
    + " or ancestor::header["
    + _has_class("wp-block-template-part")
    + "]"
    + " or ancestor::footer["
    + _has_class("wp-block-template-part")
    + "]"
)
_OUTSIDE_CHROME = f"[not({_IN_CHROME})]"


# -- records the extractors return -----------------------------------------------------------


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


# -- parsing ----------------------------------------------------------------------------------


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
    if _body_id(classes) is not None:
        return "single"
    if any(c.startswith("tax-") for c in names) or ({"category", "tag"} & names):
        return "term"
    if "author" in names:
        return "author"
    if names & {"home", "blog", "archive", "search", "post-type-archive", "date", "paged"}:
        return "listing"
    return "unknown"


def looks_like_wordpress(doc: HtmlElement | None, raw: str, headers: dict[str, str]) -> bool:
    """Signs WordPress leaves in any front-end page, whatever the theme."""
    link = headers.get("Link", "") or headers.get("link", "")
    if "api.w.org" in link or "wp-json" in link:
        return True
    markers = ("/wp-content/", "/wp-includes/", 'content="WordPress', "api.w.org", "wp-block-")
    if any(m in raw for m in markers):
        return True
    if doc is None:
        return False
    return any(c.startswith(("postid-", "page-id-", "wp-")) for c in body_classes(doc))


# -- singular views ---------------------------------------------------------------------------


def extract_post(doc: HtmlElement, url: str, headers: dict[str, str] | None = None) -> PostPage:
    """Everything a singular view says about its post."""
    classes = body_classes(doc)
    article = _post_article(doc, _body_id(classes))
    post_classes = (article.get("class") or "").split() if article is not None else []
    post_id = _body_id(classes) or _class_id(post_classes) or _shortlink_id(doc, headers or {})
    page = PostPage(
        id=post_id,
        type=_body_type(classes) or _class_type(post_classes) or "",
        url=canonical_url(doc, url),
        classes=post_classes,
    )
    page.password_required = _password_required(doc, post_classes)
    page.title_html = _title_html(doc, page.password_required)
    meta = _meta_dates(doc)
    published = meta.get("published") or _time_value(doc, "published")
    page.date, page.date_gmt = split_datetime(published)
    _, page.modified_gmt = split_datetime(meta.get("modified") or _time_value(doc, "modified"))
    page.author_name, page.author_url = _post_author(doc, meta)
    page.parent_id = _prefixed_int(classes, "parent-pageid-")
    page.term_links = term_links(doc, url, _OUTSIDE_CHROME)
    region = content_region(doc)
    if region is not None and not page.password_required:
        page.media = media_refs(region, url)
        page.page_links = _page_links(region, url)
        page.content_html = inner_html(strip_chrome(region))
    page.featured = _featured_image(doc, url, page.media)
    page.comments = extract_comments(doc)
    page.comments_open = bool(
        _find(doc, "//form[@id='commentform' or contains(@action, 'wp-comments-post')]")
    )
    return page


def content_region(doc: HtmlElement) -> HtmlElement | None:
    """The element holding the post's content (the_content), without the page around it."""
    for xpath in (
        f"//*[{_has_class('wp-block-post-content')}]",
        f"//article//*[{_has_class('entry-content')}]",
        f"//*[{_has_class('entry-content')}]",
        "//*[@itemprop='articleBody']",
        f"//*[{_has_class('post-content')}]",
        f"//*[{_has_class('entry')}]",
    ):
        found = _find(doc, xpath + _OUTSIDE_CHROME)
        if found:
            return found[0]
    if _find(doc, f"//*[{_any_class('wp-site-blocks', 'wp-block-post-title', 'entry-title')}]"):
        return None  # WordPress's own markup, without a content element: the post is empty
    for xpath in ("//article", "//main", "//*[@role='main']", "//*[@id='content']"):
        found = _find(doc, xpath)
        if found:
            return strip_page_furniture(found[0])
    return None


def strip_chrome(region: HtmlElement) -> HtmlElement:
    """A copy of `region` without scripts, forms, share buttons, related posts and the like."""
    region = _copy(region)
    doomed = _find(
        region,
        ".//script | .//style | .//noscript | .//template | .//form | .//*["
        + " or ".join(_has_class(c) for c in _STRIP_CLASSES)
        + "]",
    )
    for element in doomed:
        _drop(element)
    return region


def strip_page_furniture(region: HtmlElement) -> HtmlElement:
    """For themes without WordPress's content classes: drop header, nav, sidebars, footer."""
    region = strip_chrome(region)
    furniture = " or ".join(_has_class(c) for c in _CHROME_CLASSES)
    ids = " or ".join(f"@id='{i}'" for i in _CHROME_IDS)
    for element in _find(
        region, f".//header | .//nav | .//aside | .//footer | .//h1 | .//*[{furniture} or {ids}]"
    ):
        _drop(element)
    return region


def extract_comments(doc: HtmlElement) -> list[Comment]:
    """Approved comments as the page shows them (id, thread parent, author, date, text)."""
    comments: list[Comment] = []
    for li in _find(doc, "//li[starts-with(@id, 'comment-')]"):
        comment_id = _int(li.get("id", "")[8:])
        if comment_id is None:
            continue
        parent = _nearest_comment(li)
        body = _own(
            li, f".//*[{_has_class('comment-content')} or {_has_class('wp-block-comment-content')}]"
        )
        author = _own(
            li, f".//*[{_has_class('fn')} or {_has_class('wp-block-comment-author-name')}]"
        )
        when = _own(li, ".//time[@datetime]")
        link = _find(author[0], ".//a[@href]") if author else []
        li_classes = (li.get("class") or "").split()
        comments.append(
            Comment(
                id=comment_id,
                item_id=0,
                parent_id=parent,
                author_name=text_of(author[0]) if author else "",
                author_url=link[0].get("href", "") if link else "",
                date_gmt=split_datetime(when[0].get("datetime"))[1] if when else None,
                content_html=inner_html(body[0]) if body else "",
                status="approved",
                type=next((t for t in ("pingback", "trackback") if t in li_classes), "comment"),
            )
        )
    return comments


# -- listings ---------------------------------------------------------------------------------


def extract_listing(doc: HtmlElement, url: str) -> Listing:
    """The posts a listing shows, with their post_class, teaser and links, and the next page."""
    entries = []
    for element in _entry_elements(doc):
        entry = _entry(element, url)
        if entry is not None:
            entries.append(entry)
    return Listing(entries=entries, next_url=next_page_url(doc, url))


def next_page_url(doc: HtmlElement, url: str) -> str | None:
    for xpath in (
        f"//a[{_has_class('next')} and {_has_class('page-numbers')}]/@href",
        f"//a[{_has_class('wp-block-query-pagination-next')}]/@href",
        "//link[@rel='next']/@href",
        f"//*[{_has_class('nav-previous')}]//a/@href",
        "//a[@rel='next']/@href",
    ):
        found = _find(doc, xpath)
        if found:
            return urljoin(url, str(found[0]).strip())
    return None


def _entry_elements(doc: HtmlElement) -> list[HtmlElement]:
    """Elements carrying a post_class (`post-N type-X`), outermost only; else bare articles."""
    found = [
        el
        for el in _find(doc, "//body//*[contains(@class, 'type-') and contains(@class, 'post-')]")
        if _class_id((el.get("class") or "").split()) is not None
    ]
    outer = [el for el in found if not any(a in found for a in el.iterancestors())]
    if outer:
        return outer
    return _find(doc, "//main//article | //*[@id='main']//article")


def _entry(element: HtmlElement, url: str) -> Entry | None:
    classes = (element.get("class") or "").split()
    link_el = _find(
        element,
        ".//*[self::h1 or self::h2 or self::h3 or "
        + _has_class("entry-title")
        + " or "
        + _has_class("wp-block-post-title")
        + "]//a[@href] | .//a[@rel='bookmark'][@href]",
    )
    if not link_el:
        return None
    heading = link_el[0]
    entry = Entry(
        id=_class_id(classes) or _prefixed_int([element.get("id", "")], "post-"),
        type=_class_type(classes) or "",
        link=urljoin(url, heading.get("href", "").strip()),
        classes=classes,
        title_html=inner_html(heading),
        password_required="post-password-required" in classes,
    )
    excerpt = _find(
        element,
        ".//*["
        + " or ".join(
            _has_class(c)
            for c in (
                "wp-block-post-excerpt",
                "entry-summary",
                "entry-content",
                "excerpt",
                "post-excerpt",
            )
        )
        + "]",
    )
    if excerpt and not entry.password_required:
        entry.excerpt_html = inner_html(strip_chrome(excerpt[0]))
    times = _find(element, ".//time[@datetime]")
    if times:
        entry.date, entry.date_gmt = split_datetime(times[0].get("datetime"))
    entry.term_links = term_links(element, url)
    entry.media = [m for m in media_refs(element, url) if _extension(m.url) in DOCUMENT_EXTENSIONS]
    return entry


# -- term and author archives -----------------------------------------------------------------


def extract_term(doc: HtmlElement, url: str) -> TermPage | None:
    """A term archive's taxonomy, term id, slug, name and description (from body classes)."""
    classes = body_classes(doc)
    taxonomy, prefix = "", ""
    for c in classes:
        if c.startswith("tax-"):
            taxonomy, prefix = c[4:], "term-"
            break
    else:
        if "category" in classes:
            taxonomy, prefix = "category", "category-"
        elif "tag" in classes:
            taxonomy, prefix = "post_tag", "tag-"
    if not taxonomy:
        return None
    values = [c[len(prefix) :] for c in classes if c.startswith(prefix) and len(c) > len(prefix)]
    numbers = [v for v in values if v.isdigit()]
    slugs = [v for v in values if not v.isdigit()]
    url_slug = last_path_segment(url)
    return TermPage(
        taxonomy=taxonomy,
        id=int(numbers[-1]) if numbers else None,
        slug=url_slug or (slugs[0] if slugs else ""),
        name_html=_archive_name(doc),
        description_html=_archive_description(doc),
    )


def extract_author(doc: HtmlElement, url: str) -> AuthorPage | None:
    classes = body_classes(doc)
    if "author" not in classes:
        return None
    values = [c[7:] for c in classes if c.startswith("author-") and len(c) > 7]
    numbers = [v for v in values if v.isdigit()]
    slug = last_path_segment(url) or next((v for v in values if not v.isdigit()), "")
    name = _html.unescape(_strip_tags(_archive_name(doc)))
    return AuthorPage(id=int(numbers[-1]) if numbers else None, slug=slug, name=name)


def _archive_name(doc: HtmlElement) -> str:
    """The name in "Category: <span>News</span>" titles, else the document title's first part."""
    for xpath in (
        f"//h1[{_any_class('page-title', 'wp-block-query-title', 'archive-title')}]",
        "//main//h1",
    ):
        found = _find(doc, xpath)
        if found:
            spans = _find(found[0], "./span")
            return inner_html(spans[-1]) if spans else inner_html(found[0])
    return _html.escape(document_title(doc)[0], quote=False)


def _archive_description(doc: HtmlElement) -> str:
    found = _find(
        doc,
        "//*["
        + " or ".join(
            _has_class(c)
            for c in (
                "archive-description",
                "taxonomy-description",
                "wp-block-term-description",
                "term-description",
            )
        )
        + "]",
    )
    return inner_html(found[0]).strip() if found else ""


# -- the site ---------------------------------------------------------------------------------


def extract_site(doc: HtmlElement) -> SiteInfo:
    """Title, tagline and language from the home page (the RSS feed, when read, is better)."""
    title, rest = document_title(doc, home=True)
    info = SiteInfo(language=(doc.get("lang") or "").strip())
    info.title = (
        _meta(doc, "og:site_name")
        or _first_text(
            doc, f"//*[{_has_class('wp-block-site-title')} or {_has_class('site-title')}]"
        )
        or title
    )
    info.description = (
        _first_text(
            doc, f"//*[{_has_class('wp-block-site-tagline')} or {_has_class('site-description')}]"
        )
        or _meta(doc, "description")
        or rest
    )
    feeds = _find(doc, "//link[@rel='alternate'][@type='application/rss+xml']/@href")
    info.feed_url = str(feeds[0]) if feeds else ""
    return info


def document_title(doc: HtmlElement, *, home: bool = False) -> tuple[str, str]:
    """The <title> split at WordPress's separator: ("Post title", "Site name"), or on the
    home page ("Site name", "Tagline")."""
    text = " ".join((doc.findtext(".//title") or "").split())
    for sep in _TITLE_SEPARATORS:
        if sep in text:
            head, _, tail = text.partition(sep) if home else text.rpartition(sep)
            return head.strip(), tail.strip()
    return text, ""


# -- shared pieces ----------------------------------------------------------------------------


def canonical_url(doc: HtmlElement, url: str) -> str:
    found = _find(doc, "//head/link[@rel='canonical']/@href")
    return urljoin(url, str(found[0]).strip()) if found else url


def term_links(scope: HtmlElement, url: str, condition: str = "") -> list[TermLink]:
    """Links to term archives: rel="tag"/"category tag" and `cat-item-N`/`tag-link-N` lists."""
    links: list[TermLink] = []
    seen: set[str] = set()
    for a in _find(scope, f".//a[@href][contains(concat(' ', @rel, ' '), ' tag ')]{condition}"):
        href = urljoin(url, a.get("href", "").strip())
        if href in seen:
            continue
        seen.add(href)
        links.append(TermLink(url=href, taxonomy=_link_taxonomy(a), name_html=inner_html(a)))
    return links


def media_refs(scope: HtmlElement, url: str) -> list[MediaRef]:
    """Images (with `wp-image-N` ids) and linked documents (PDF, DOCX...) in `scope`."""
    refs: dict[str, MediaRef] = {}
    for img in _find(scope, ".//img[@src]"):
        ref = _image_ref(img, url)
        if ref is not None and ref.url not in refs and is_upload(ref.url):
            refs[ref.url] = ref
    for a in _find(scope, ".//a[@href]"):
        href = urljoin(url, a.get("href", "").strip())
        if _extension(href) in DOCUMENT_EXTENSIONS and href not in refs:
            refs[href] = MediaRef(url=href, title=text_of(a))
    return list(refs.values())


def is_upload(url: str) -> bool:
    return "/uploads/" in urlsplit(url).path or _extension(url) in DOCUMENT_EXTENSIONS


def original_file_url(url: str) -> str:
    """`photo-300x200.jpg` -> `photo.jpg`: WordPress's resized copies share the original's name."""
    parts = urlsplit(url)
    path = _SIZE_SUFFIX.sub("", parts.path)
    return parts._replace(path=path, query="", fragment="").geturl()


def split_datetime(value: str | None) -> tuple[str | None, str | None]:
    """ISO 8601 with offset -> (site-local `2024-03-15T10:00:00`, UTC `2024-03-15T09:00:00Z`)."""
    if not value:
        return None, None
    text = value.strip().replace(" ", "T", 1)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None, None
    local = parsed.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
    if parsed.tzinfo is None:
        return local, None
    return local, parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# -- internals --------------------------------------------------------------------------------


def _body_id(classes: list[str]) -> int | None:
    return _prefixed_int(classes, "postid-") or _prefixed_int(classes, "page-id-")


def _body_type(classes: list[str]) -> str:
    names = set(classes)
    if "page" in names and _prefixed_int(classes, "page-id-"):
        return "page"
    for c in classes:
        if c.startswith("single-") and not c.startswith(("single-format-", "single-paged")):
            return c[7:]
    return ""


def _class_id(classes: list[str]) -> int | None:
    return _prefixed_int(classes, "post-")


def _class_type(classes: list[str]) -> str:
    for c in classes:
        if c.startswith("type-") and len(c) > 5:
            return c[5:]
    return ""


def _prefixed_int(classes: list[str], prefix: str) -> int | None:
    for c in classes:
        if c.startswith(prefix):
            value = _int(c[len(prefix) :])
            if value is not None:
                return value
    return None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


def _post_article(doc: HtmlElement, post_id: int | None) -> HtmlElement | None:
    """The element with the post's own post_class (classic themes print it on singles)."""
    if post_id is not None:
        found = _find(
            doc, f"//*[@id='post-{post_id}'] | //article[{_has_class(f'post-{post_id}')}]"
        )
        if found:
            return found[0]
    found = _find(doc, "//main//article[starts-with(@id, 'post-')]" + _OUTSIDE_CHROME)
    return found[0] if found else None


def _shortlink_id(doc: HtmlElement, headers: dict[str, str]) -> int | None:
    candidates = [str(h) for h in _find(doc, "//head/link[@rel='shortlink']/@href")]
    candidates += re.findall(r"<([^>]+)>;\s*rel=\"?shortlink", headers.get("Link", ""))
    for href in candidates:
        values = parse_qs(urlsplit(href).query).get("p") or parse_qs(urlsplit(href).query).get(
            "page_id"
        )
        if values and values[0].isdigit():
            return int(values[0])
    alternates = _find(doc, "//head/link[@rel='alternate'][@type='application/json']/@href")
    for href in alternates:
        match = re.search(r"/wp/v2/[^/?]+/(\d+)", str(href))
        if match:
            return int(match.group(1))
    return None


def _password_required(doc: HtmlElement, post_classes: list[str]) -> bool:
    if "post-password-required" in post_classes:
        return True
    return bool(
        _find(
            doc,
            f"//form[{_has_class('post-password-form')} or contains(@action, 'action=postpass')]",
        )
    )


def _title_html(doc: HtmlElement, protected: bool) -> str:
    found = (
        _find(
            doc,
            f"//h1[{_any_class('entry-title', 'wp-block-post-title', 'post-title')}]"
            + _OUTSIDE_CHROME,
        )
        or _find(doc, "//article//h1" + _OUTSIDE_CHROME)
        or _find(doc, "//main//h1")
    )
    title = inner_html(found[0]).strip() if found else ""
    if not title:
        title = _html.escape(_meta(doc, "og:title") or document_title(doc)[0], quote=False)
    if protected:
        title = _without_protected_prefix(title, doc)
    return title


def _without_protected_prefix(title: str, doc: HtmlElement) -> str:
    """Drop "Protected: " (or its translation): the document <title> never carries it."""
    plain = document_title(doc)[0]
    text = _html.unescape(_strip_tags(title)).strip()
    if plain and text != plain and text.endswith(plain) and ":" in text[: len(text) - len(plain)]:
        return _html.escape(plain, quote=False)
    return title


def _meta(doc: HtmlElement, name: str) -> str:
    found = _find(doc, f"//head/meta[@property='{name}' or @name='{name}']/@content")
    return str(found[0]).strip() if found else ""


def _meta_dates(doc: HtmlElement) -> dict[str, str]:
    dates = {
        "published": _meta(doc, "article:published_time"),
        "modified": _meta(doc, "article:modified_time"),
        "author": _meta(doc, "author"),
    }
    for node in _jsonld_nodes(doc):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(
            k in ("Article", "BlogPosting", "NewsArticle", "WebPage", "Event") for k in kinds
        ):
            continue
        dates["published"] = dates["published"] or str(node.get("datePublished") or "")
        dates["modified"] = dates["modified"] or str(node.get("dateModified") or "")
        author = node.get("author")
        if isinstance(author, dict) and not dates["author"]:
            dates["author"] = str(author.get("name") or "")
    return {k: v for k, v in dates.items() if v}


def _jsonld_nodes(doc: HtmlElement) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for script in _find(doc, "//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > _JSONLD_MAX:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                graph = item.get("@graph")
                nodes.extend(
                    n for n in (graph if isinstance(graph, list) else [item]) if isinstance(n, dict)
                )
    return nodes


def _time_value(doc: HtmlElement, which: str) -> str | None:
    """The post's own <time datetime> (not a comment's or another post's)."""
    if which == "published":
        xpaths = (
            f"//time[@datetime][{_has_class('published')} or {_has_class('entry-date')}]",
            f"//*[{_has_class('wp-block-post-date')}]//time[@datetime]",
            "//time[@itemprop='datePublished']",
            "//article//time[@datetime]",
        )
    else:
        xpaths = (
            f"//time[@datetime][{_has_class('updated')} and not({_has_class('published')})]",
            f"//*[{_has_class('wp-block-post-date__modified-date')}]//time[@datetime]",
            "//time[@itemprop='dateModified']",
        )
    for xpath in xpaths:
        found = _find(doc, xpath + _OUTSIDE_CHROME)
        if found:
            return found[0].get("datetime")
    return None


def _post_author(doc: HtmlElement, meta: dict[str, str]) -> tuple[str, str]:
    links = _find(doc, "//a[@href][contains(concat(' ', @rel, ' '), ' author ')]" + _OUTSIDE_CHROME)
    names = _find(
        doc,
        f"//*[{_has_class('wp-block-post-author__name')} or ({_any_class('author')} and "
        f"{_has_class('vcard')})]" + _OUTSIDE_CHROME,
    )
    name = text_of(names[0]) if names else ""
    if links:
        link_text = text_of(links[0])
        if not name and not link_text.lower().startswith("view all"):
            name = link_text
        return name, links[0].get("href", "")
    return name or meta.get("author", ""), ""


def _featured_image(doc: HtmlElement, url: str, content_media: list[MediaRef]) -> MediaRef | None:
    found = _find(doc, f"//img[{_has_class('wp-post-image')}]" + _OUTSIDE_CHROME)
    if not found:
        return None
    ref = _image_ref(found[0], url)
    if ref is None:
        return None
    for known in content_media:
        if known.id and original_file_url(known.url) == original_file_url(ref.url):
            ref.id = known.id
    captions = _find(found[0], "ancestor::figure[1]/figcaption")
    if captions:
        ref.caption = inner_html(captions[0]).strip()
    return ref


def _image_ref(img: HtmlElement, url: str) -> MediaRef | None:
    src = (img.get("src") or "").strip()
    if not src or src.startswith("data:"):
        return None
    classes = (img.get("class") or "").split()
    absolute = urljoin(url, src)
    original = original_file_url(_largest_candidate(img.get("srcset") or "", url) or absolute)
    captions = _find(img, "ancestor::figure[1]/figcaption")
    ref = MediaRef(
        url=original,
        id=_prefixed_int(classes, "wp-image-"),
        alt=img.get("alt") or "",
        caption=inner_html(captions[0]).strip() if captions else "",
    )
    if original == absolute.split("?")[0]:
        ref.width, ref.height = _int(img.get("width") or ""), _int(img.get("height") or "")
    return ref


def _largest_candidate(srcset: str, url: str) -> str:
    best, best_width = "", -1
    for candidate in srcset.split(","):
        bits = candidate.split()
        if len(bits) == 2 and bits[1].endswith("w") and bits[1][:-1].isdigit():
            width = int(bits[1][:-1])
            if width > best_width:
                best, best_width = urljoin(url, bits[0]), width
    return best


def _page_links(region: HtmlElement, url: str) -> list[str]:
    hrefs = _find(
        region,
        f".//*[{_has_class('page-links')}]//a/@href"
        f" | .//a[{_has_class('post-page-numbers')}]/@href",
    )
    seen: list[str] = []
    for href in hrefs:
        absolute = urljoin(url, str(href).strip())
        if absolute not in seen and absolute.rstrip("/") != url.rstrip("/"):
            seen.append(absolute)
    return seen


def _link_taxonomy(a: HtmlElement) -> str:
    for ancestor in a.iterancestors():
        for c in (ancestor.get("class") or "").split():
            if c.startswith("taxonomy-") and len(c) > 9:
                return c[9:]
            if c in ("cat-links", "entry-categories"):
                return "category"
            if c in ("tags-links", "entry-tags"):
                return "post_tag"
        if ancestor.tag in ("article", "li", "body"):
            break
    rel = (a.get("rel") or "").split()
    return "category" if "category" in rel else ""


def _nearest_comment(li: HtmlElement) -> int | None:
    for ancestor in li.iterancestors("li"):
        if (ancestor.get("id") or "").startswith("comment-"):
            return _int(ancestor.get("id")[8:])
    return None


def _own(li: HtmlElement, xpath: str) -> list[HtmlElement]:
    """Matches inside this comment, not inside its replies."""
    return [
        el
        for el in _find(li, xpath)
        if next(
            (a for a in el.iterancestors("li") if (a.get("id") or "").startswith("comment-")), None
        )
        is li
    ]


def _first_text(doc: HtmlElement, xpath: str) -> str:
    found = _find(doc, xpath)
    return text_of(found[0]) if found else ""


def _strip_tags(value: str) -> str:
    return re.sub(r"<[^>]*>", "", value)


def _extension(url: str) -> str:
    path = urlsplit(url).path
    return path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""


def _copy(element: HtmlElement) -> HtmlElement:
    return copy.deepcopy(element)


def _drop(element: HtmlElement) -> None:
    """Remove an element (and what is inside it) but keep the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()
