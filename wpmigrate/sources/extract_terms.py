"""Terms and authors read from markup: term links in a page, term and author archives."""

from __future__ import annotations

import html as _html
from urllib.parse import urljoin

from .extract_markup import (
    AuthorPage,
    HtmlElement,
    TermLink,
    TermPage,
    any_class,
    body_classes,
    find,
    has_class,
    inner_html,
    last_path_segment,
    strip_tags,
)
from .extract_meta import document_title


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
    name = _html.unescape(strip_tags(_archive_name(doc)))
    return AuthorPage(id=int(numbers[-1]) if numbers else None, slug=slug, name=name)


def _archive_name(doc: HtmlElement) -> str:
    """The name in "Category: <span>News</span>" titles, else the document title's first part."""
    for xpath in (
        f"//h1[{any_class('page-title', 'wp-block-query-title', 'archive-title')}]",
        "//main//h1",
    ):
        found = find(doc, xpath)
        if found:
            spans = find(found[0], "./span")
            return inner_html(spans[-1]) if spans else inner_html(found[0])
    return _html.escape(document_title(doc)[0], quote=False)


def _archive_description(doc: HtmlElement) -> str:
    found = find(
        doc,
        "//*["
        + " or ".join(
            has_class(c)
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


def term_links(scope: HtmlElement, url: str, condition: str = "") -> list[TermLink]:
    """Links to term archives: rel="tag"/"category tag" and `cat-item-N`/`tag-link-N` lists."""
    links: list[TermLink] = []
    seen: set[str] = set()
    for a in find(scope, f".//a[@href][contains(concat(' ', @rel, ' '), ' tag ')]{condition}"):
        href = urljoin(url, a.get("href", "").strip())
        if href in seen:
            continue
        seen.add(href)
        links.append(TermLink(url=href, taxonomy=_link_taxonomy(a), name_html=inner_html(a)))
    return links


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
