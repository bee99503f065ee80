"""Read WordPress's own markup: what one crawled page says about posts, terms, authors and
the site.

Pure functions over lxml trees, no HTTP. They rely on what WordPress core prints whatever the
theme (`body_class`, `post_class`, `rel="tag"` links, `<time datetime>`, the shortlink,
`.entry-content` / `.wp-block-post-content`) and on Open Graph / JSON-LD when an SEO plugin
adds them, so block and classic themes read the same; the tests run them on pages saved from
Twenty Twenty-Three and Twenty Twenty-One.

This module reads content and listings; extract_markup, extract_terms and extract_meta read
the rest, and their public functions are named here too, so callers import one module.
"""

from __future__ import annotations

from urllib.parse import urljoin

from ..model import Comment
from .extract_markup import (
    CHROME_CLASSES,
    CHROME_IDS,
    DOCUMENT_EXTENSIONS,
    OUTSIDE_CHROME,
    STRIP_CLASSES,
    Entry,
    HtmlElement,
    Listing,
    MediaRef,
    PostPage,
    any_class,
    body_classes,
    body_id,
    body_type,
    class_id,
    class_type,
    copy_element,
    drop_element,
    extension,
    find,
    has_class,
    inner_html,
    is_upload,
    original_file_url,
    prefixed_int,
    text_of,
    to_int,
)

# Named here for callers (`from . import extract as x`): one module to import.
from .extract_markup import TermLink as TermLink
from .extract_markup import TermPage as TermPage
from .extract_markup import last_path_segment as last_path_segment
from .extract_markup import page_kind as page_kind
from .extract_markup import parse_html as parse_html
from .extract_markup import sanitize_html_class as sanitize_html_class
from .extract_meta import (
    canonical_url,
    is_password_required,
    meta_dates,
    page_title_html,
    post_author,
    shortlink_id,
    split_datetime,
    time_value,
)
from .extract_meta import extract_site as extract_site
from .extract_meta import looks_like_wordpress as looks_like_wordpress
from .extract_terms import extract_author as extract_author
from .extract_terms import extract_term as extract_term
from .extract_terms import term_links


def extract_post(doc: HtmlElement, url: str, headers: dict[str, str] | None = None) -> PostPage:
    """Everything a singular view says about its post."""
    classes = body_classes(doc)
    article = _post_article(doc, body_id(classes))
    post_classes = (article.get("class") or "").split() if article is not None else []
    post_id = body_id(classes) or class_id(post_classes) or shortlink_id(doc, headers or {})
    page = PostPage(
        id=post_id,
        type=body_type(classes) or class_type(post_classes) or "",
        url=canonical_url(doc, url),
        classes=post_classes,
    )
    page.password_required = is_password_required(doc, post_classes)
    page.title_html = page_title_html(doc, page.password_required)
    meta = meta_dates(doc)
    published = meta.get("published") or time_value(doc, "published")
    page.date, page.date_gmt = split_datetime(published)
    _, page.modified_gmt = split_datetime(meta.get("modified") or time_value(doc, "modified"))
    page.author_name, page.author_url = post_author(doc, meta)
    page.parent_id = prefixed_int(classes, "parent-pageid-")
    page.term_links = term_links(doc, url, OUTSIDE_CHROME)
    region = content_region(doc)
    if region is not None and not page.password_required:
        page.media = media_refs(region, url)
        page.page_links = _page_links(region, url)
        page.content_html = inner_html(strip_chrome(region))
    page.featured = _featured_image(doc, url, page.media)
    page.comments = extract_comments(doc)
    page.comments_open = bool(
        find(doc, "//form[@id='commentform' or contains(@action, 'wp-comments-post')]")
    )
    return page


def content_region(doc: HtmlElement) -> HtmlElement | None:
    """The element holding the post's content (the_content), without the page around it."""
    for xpath in (
        f"//*[{has_class('wp-block-post-content')}]",
        f"//article//*[{has_class('entry-content')}]",
        f"//*[{has_class('entry-content')}]",
        "//*[@itemprop='articleBody']",
        f"//*[{has_class('post-content')}]",
        f"//*[{has_class('entry')}]",
    ):
        found = find(doc, xpath + OUTSIDE_CHROME)
        if found:
            return found[0]
    if find(doc, f"//*[{any_class('wp-site-blocks', 'wp-block-post-title', 'entry-title')}]"):
        return None  # WordPress's own markup, without a content element: the post is empty
    for xpath in ("//article", "//main", "//*[@role='main']", "//*[@id='content']"):
        found = find(doc, xpath)
        if found:
            return strip_page_furniture(found[0])
    return None


def strip_chrome(region: HtmlElement) -> HtmlElement:
    """A copy of `region` without scripts, forms, share buttons, related posts and the like."""
    region = copy_element(region)
    doomed = find(
        region,
        ".//script | .//style | .//noscript | .//template | .//form | .//*["
        + " or ".join(has_class(c) for c in STRIP_CLASSES)
        + "]",
    )
    for element in doomed:
        drop_element(element)
    return region


def strip_page_furniture(region: HtmlElement) -> HtmlElement:
    """For themes without WordPress's content classes: drop header, nav, sidebars, footer."""
    region = strip_chrome(region)
    furniture = " or ".join(has_class(c) for c in CHROME_CLASSES)
    ids = " or ".join(f"@id='{i}'" for i in CHROME_IDS)
    for element in find(
        region, f".//header | .//nav | .//aside | .//footer | .//h1 | .//*[{furniture} or {ids}]"
    ):
        drop_element(element)
    return region


def extract_comments(doc: HtmlElement) -> list[Comment]:
    """Approved comments as the page shows them (id, thread parent, author, date, text)."""
    comments: list[Comment] = []
    for li in find(doc, "//li[starts-with(@id, 'comment-')]"):
        comment_id = to_int(li.get("id", "")[8:])
        if comment_id is None:
            continue
        parent = _nearest_comment(li)
        body = _own(
            li, f".//*[{has_class('comment-content')} or {has_class('wp-block-comment-content')}]"
        )
        author = _own(li, f".//*[{has_class('fn')} or {has_class('wp-block-comment-author-name')}]")
        when = _own(li, ".//time[@datetime]")
        link = find(author[0], ".//a[@href]") if author else []
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
        f"//a[{has_class('next')} and {has_class('page-numbers')}]/@href",
        f"//a[{has_class('wp-block-query-pagination-next')}]/@href",
        "//link[@rel='next']/@href",
        f"//*[{has_class('nav-previous')}]//a/@href",
        "//a[@rel='next']/@href",
    ):
        found = find(doc, xpath)
        if found:
            return urljoin(url, str(found[0]).strip())
    return None


def _entry_elements(doc: HtmlElement) -> list[HtmlElement]:
    """Elements carrying a post_class (`post-N type-X`), outermost only; else bare articles."""
    found = [
        el
        for el in find(doc, "//body//*[contains(@class, 'type-') and contains(@class, 'post-')]")
        if class_id((el.get("class") or "").split()) is not None
    ]
    outer = [el for el in found if not any(a in found for a in el.iterancestors())]
    if outer:
        return outer
    return find(doc, "//main//article | //*[@id='main']//article")


def _entry(element: HtmlElement, url: str) -> Entry | None:
    classes = (element.get("class") or "").split()
    link_el = find(
        element,
        ".//*[self::h1 or self::h2 or self::h3 or "
        + has_class("entry-title")
        + " or "
        + has_class("wp-block-post-title")
        + "]//a[@href] | .//a[@rel='bookmark'][@href]",
    )
    if not link_el:
        return None
    heading = link_el[0]
    entry = Entry(
        id=class_id(classes) or prefixed_int([element.get("id", "")], "post-"),
        type=class_type(classes) or "",
        link=urljoin(url, heading.get("href", "").strip()),
        classes=classes,
        title_html=inner_html(heading),
        password_required="post-password-required" in classes,
    )
    excerpt = find(
        element,
        ".//*["
        + " or ".join(
            has_class(c)
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
    times = find(element, ".//time[@datetime]")
    if times:
        entry.date, entry.date_gmt = split_datetime(times[0].get("datetime"))
    entry.term_links = term_links(element, url)
    entry.media = [m for m in media_refs(element, url) if extension(m.url) in DOCUMENT_EXTENSIONS]
    return entry


def media_refs(scope: HtmlElement, url: str) -> list[MediaRef]:
    """Images (with `wp-image-N` ids) and linked documents (PDF, DOCX...) in `scope`."""
    refs: dict[str, MediaRef] = {}
    for img in find(scope, ".//img[@src]"):
        ref = _image_ref(img, url)
        if ref is not None and ref.url not in refs and is_upload(ref.url):
            refs[ref.url] = ref
    for a in find(scope, ".//a[@href]"):
        href = urljoin(url, a.get("href", "").strip())
        if extension(href) in DOCUMENT_EXTENSIONS and href not in refs:
            refs[href] = MediaRef(url=href, title=text_of(a))
    return list(refs.values())


def _post_article(doc: HtmlElement, post_id: int | None) -> HtmlElement | None:
    """The element with the post's own post_class (classic themes print it on singles)."""
    if post_id is not None:
        found = find(doc, f"//*[@id='post-{post_id}'] | //article[{has_class(f'post-{post_id}')}]")
        if found:
            return found[0]
    found = find(doc, "//main//article[starts-with(@id, 'post-')]" + OUTSIDE_CHROME)
    return found[0] if found else None


def _featured_image(doc: HtmlElement, url: str, content_media: list[MediaRef]) -> MediaRef | None:
    found = find(doc, f"//img[{has_class('wp-post-image')}]" + OUTSIDE_CHROME)
    if not found:
        return None
    ref = _image_ref(found[0], url)
    if ref is None:
        return None
    for known in content_media:
        if known.id and original_file_url(known.url) == original_file_url(ref.url):
            ref.id = known.id
    captions = find(found[0], "ancestor::figure[1]/figcaption")
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
    captions = find(img, "ancestor::figure[1]/figcaption")
    ref = MediaRef(
        url=original,
        id=prefixed_int(classes, "wp-image-"),
        alt=img.get("alt") or "",
        caption=inner_html(captions[0]).strip() if captions else "",
    )
    if original == absolute.split("?")[0]:
        ref.width, ref.height = to_int(img.get("width") or ""), to_int(img.get("height") or "")
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
    hrefs = find(
        region,
        f".//*[{has_class('page-links')}]//a/@href | .//a[{has_class('post-page-numbers')}]/@href",
    )
    seen: list[str] = []
    for href in hrefs:
        absolute = urljoin(url, str(href).strip())
        if absolute not in seen and absolute.rstrip("/") != url.rstrip("/"):
            seen.append(absolute)
    return seen


def _nearest_comment(li: HtmlElement) -> int | None:
    for ancestor in li.iterancestors("li"):
        if (ancestor.get("id") or "").startswith("comment-"):
            return to_int(ancestor.get("id")[8:])
    return None


def _own(li: HtmlElement, xpath: str) -> list[HtmlElement]:
    """Matches inside this comment, not inside its replies."""
    return [
        el
        for el in find(li, xpath)
        if next(
            (a for a in el.iterancestors("li") if (a.get("id") or "").startswith("comment-")), None
        )
        is li
    ]
