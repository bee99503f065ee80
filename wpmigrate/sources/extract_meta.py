"""A page's metadata: the site's name, the post's title, dates and author, from WordPress's
markup, Open Graph and JSON-LD."""

from __future__ import annotations

import html as _html
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from .extract_markup import (
    OUTSIDE_CHROME,
    HtmlElement,
    SiteInfo,
    any_class,
    body_classes,
    find,
    has_class,
    inner_html,
    strip_tags,
    text_of,
)

_TITLE_SEPARATORS = (" \u2013 ", " | ", " - ", " \u2014 ", " \u00bb ", " :: ")


_JSONLD_MAX = 200_000


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


def extract_site(doc: HtmlElement) -> SiteInfo:
    """Title, tagline and language from the home page (the RSS feed, when read, is better)."""
    title, rest = document_title(doc, home=True)
    info = SiteInfo(language=(doc.get("lang") or "").strip())
    info.title = (
        _meta(doc, "og:site_name")
        or _first_text(doc, f"//*[{has_class('wp-block-site-title')} or {has_class('site-title')}]")
        or title
    )
    info.description = (
        _first_text(
            doc, f"//*[{has_class('wp-block-site-tagline')} or {has_class('site-description')}]"
        )
        or _meta(doc, "description")
        or rest
    )
    feeds = find(doc, "//link[@rel='alternate'][@type='application/rss+xml']/@href")
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


def canonical_url(doc: HtmlElement, url: str) -> str:
    found = find(doc, "//head/link[@rel='canonical']/@href")
    return urljoin(url, str(found[0]).strip()) if found else url


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


def shortlink_id(doc: HtmlElement, headers: dict[str, str]) -> int | None:
    candidates = [str(h) for h in find(doc, "//head/link[@rel='shortlink']/@href")]
    candidates += re.findall(r"<([^>]+)>;\s*rel=\"?shortlink", headers.get("Link", ""))
    for href in candidates:
        values = parse_qs(urlsplit(href).query).get("p") or parse_qs(urlsplit(href).query).get(
            "page_id"
        )
        if values and values[0].isdigit():
            return int(values[0])
    alternates = find(doc, "//head/link[@rel='alternate'][@type='application/json']/@href")
    for href in alternates:
        match = re.search(r"/wp/v2/[^/?]+/(\d+)", str(href))
        if match:
            return int(match.group(1))
    return None


def is_password_required(doc: HtmlElement, post_classes: list[str]) -> bool:
    if "post-password-required" in post_classes:
        return True
    return bool(
        find(
            doc,
            f"//form[{has_class('post-password-form')} or contains(@action, 'action=postpass')]",
        )
    )


def page_title_html(doc: HtmlElement, protected: bool) -> str:
    found = (
        find(
            doc,
            f"//h1[{any_class('entry-title', 'wp-block-post-title', 'post-title')}]"
            + OUTSIDE_CHROME,
        )
        or find(doc, "//article//h1" + OUTSIDE_CHROME)
        or find(doc, "//main//h1")
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
    text = _html.unescape(strip_tags(title)).strip()
    if plain and text != plain and text.endswith(plain) and ":" in text[: len(text) - len(plain)]:
        return _html.escape(plain, quote=False)
    return title


def _meta(doc: HtmlElement, name: str) -> str:
    found = find(doc, f"//head/meta[@property='{name}' or @name='{name}']/@content")
    return str(found[0]).strip() if found else ""


def meta_dates(doc: HtmlElement) -> dict[str, str]:
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
    for script in find(doc, "//script[@type='application/ld+json']"):
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


def time_value(doc: HtmlElement, which: str) -> str | None:
    """The post's own <time datetime> (not a comment's or another post's)."""
    if which == "published":
        xpaths = (
            f"//time[@datetime][{has_class('published')} or {has_class('entry-date')}]",
            f"//*[{has_class('wp-block-post-date')}]//time[@datetime]",
            "//time[@itemprop='datePublished']",
            "//article//time[@datetime]",
        )
    else:
        xpaths = (
            f"//time[@datetime][{has_class('updated')} and not({has_class('published')})]",
            f"//*[{has_class('wp-block-post-date__modified-date')}]//time[@datetime]",
            "//time[@itemprop='dateModified']",
        )
    for xpath in xpaths:
        found = find(doc, xpath + OUTSIDE_CHROME)
        if found:
            return found[0].get("datetime")
    return None


def post_author(doc: HtmlElement, meta: dict[str, str]) -> tuple[str, str]:
    links = find(doc, "//a[@href][contains(concat(' ', @rel, ' '), ' author ')]" + OUTSIDE_CHROME)
    names = find(
        doc,
        f"//*[{has_class('wp-block-post-author__name')} or ({any_class('author')} and "
        f"{has_class('vcard')})]" + OUTSIDE_CHROME,
    )
    name = text_of(names[0]) if names else ""
    if links:
        link_text = text_of(links[0])
        if not name and not link_text.lower().startswith("view all"):
            name = link_text
        return name, links[0].get("href", "")
    return name or meta.get("author", ""), ""


def _first_text(doc: HtmlElement, xpath: str) -> str:
    found = find(doc, xpath)
    return text_of(found[0]) if found else ""
