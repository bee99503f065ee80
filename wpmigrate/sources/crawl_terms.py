"""Terms and authors a crawl reads: their archives, and an item's terms, author and media
resolved from its classes and links.

A part of CrawlSource (crawl.py), which holds the state these methods share."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from ..model import (
    Author,
    Media,
    Record,
    Term,
    synthetic_id,
)
from . import extract as x
from . import sitemaps
from .crawl_discovery import Listed
from .crawl_fetch import (
    Loaded,
    Skip,
    html_escape,
    norm_url,
)


class TermsAndAuthors:
    """CrawlSource's terms, authors and media of an item."""

    # -- authors and terms ------------------------------------------------------------------

    def _authors(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Record]:
        for loaded in self._sitemap_pages(refs):
            yield from self._on_author_page(loaded)

    def _sitemap_pages(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Loaded]:
        """The pages the sitemaps list, read `concurrency` at a time; skips are noted."""
        urls = (loc for loc, _ in self._sitemap_entries(refs))
        for _, outcome in self._window(self._load, urls):
            if isinstance(outcome, Skip):
                self._note(outcome)
                continue
            yield outcome

    def _on_author_page(self, loaded: Loaded) -> Iterator[Record]:
        page = x.extract_author(loaded.doc, loaded.final_url)
        self._record_entries(loaded)
        if page is None:
            return
        author_id = page.id or synthetic_id("author", page.slug)
        self._authors_by_slug[page.slug] = author_id
        if page.name:
            self._authors_by_name[page.name] = author_id
        if author_id not in self._authors_out:
            self._authors_out.add(author_id)
            yield Author(id=author_id, name=page.name, slug=page.slug)

    def _terms(self, refs: list[sitemaps.SitemapRef]) -> Iterator[Record]:
        for ref in refs:
            if ref.subtype in self.skip_taxonomies:
                self._count(f"taxonomy:{ref.subtype}")
        wanted = [r for r in refs if r.subtype not in self.skip_taxonomies]
        for loaded in self._sitemap_pages(wanted):
            yield from self._on_term_page(loaded)

    def _on_term_page(self, loaded: Loaded, *, follow: bool = True) -> Iterator[Record]:
        page = x.extract_term(loaded.doc, loaded.final_url)
        if page is None:
            self._warn("not-a-term-archive", f"{loaded.url}: not a term archive")
            return
        term = self._register_term(page, loaded.final_url)
        listing = self._record_entries(loaded, term_id=term.id)
        if term.id not in self._terms_out:
            self._terms_out.add(term.id)
            yield term
        if follow and listing.entries and not self._post_class_seen:
            # No post_class on this theme: membership of the archive is the only witness.
            for more in self._listing_pages(listing.next_url):
                self._record_listing(more, term_id=term.id)

    def _register_term(self, page: x.TermPage, url: str) -> Term:
        self._taxonomies.add(page.taxonomy)
        key = (page.taxonomy, x.sanitize_html_class(page.slug))
        term_id = page.id or self._term_ids.get(key) or synthetic_id(page.taxonomy, page.slug)
        self._term_ids[key] = term_id
        self._known_term_ids.add(term_id)
        self._term_urls[norm_url(url)] = (page.taxonomy, page.slug)
        return Term(
            id=term_id,
            taxonomy=page.taxonomy,
            name=page.name_html or page.slug,
            slug=page.slug,
            description=page.description_html,
        )

    # -- resolving terms, authors, media ----------------------------------------------------

    def _item_terms(self, post: x.PostPage, listed: Listed) -> tuple[list[int], list[Term]]:
        ids: list[int] = []
        keys = self._class_terms([*post.classes, *listed.classes])
        keys += [self._link_term(link) for link in [*post.term_links, *listed.term_links]]
        new = [t for t in self._found_terms if t.id not in self._terms_out]
        self._terms_out.update(t.id for t in new)
        self._found_terms.clear()
        for key in keys:
            if key is None:
                continue
            term_id, term = self._term_id(*key)
            if term is not None:
                new.append(term)
            if term_id not in ids:
                ids.append(term_id)
        if not any(c.startswith("type-") for c in [*post.classes, *listed.classes]):
            ids.extend(t for t in sorted(listed.member_of) if t not in ids)
        return ids, new

    def _class_terms(self, classes: Iterable[str]) -> list[tuple[str, str, str] | None]:
        """post_class entries (`category-news`, `tag-water`, `resource_type-report`) as terms."""
        prefixes = sorted(
            ((("tag-" if t == "post_tag" else t + "-"), t) for t in self._taxonomies),
            key=lambda p: -len(p[0]),
        )
        keys: list[tuple[str, str, str] | None] = []
        for c in dict.fromkeys(classes):
            for prefix, taxonomy in prefixes:
                if c.startswith(prefix) and len(c) > len(prefix):
                    keys.append((taxonomy, c[len(prefix) :], ""))
                    break
        return keys

    def _link_term(self, link: x.TermLink) -> tuple[str, str, str] | None:
        known = self._term_urls.get(norm_url(link.url))
        if known is None and self._host(link.url) == self.host:
            known = self._resolve_term_url(link.url)
        if known is not None:
            return known[0], x.sanitize_html_class(known[1]), link.name_html
        return None

    def _resolve_term_url(self, url: str) -> tuple[str, str] | None:
        """A term archive no sitemap listed (an empty-looking term, a missing sitemap)."""
        key = norm_url(url)
        if key in self._pages_fetched:
            return self._term_urls.get(key)
        self._pages_fetched.add(key)
        outcome = self._load(url)
        if isinstance(outcome, Skip):
            self._note(outcome)
            return None
        page = x.extract_term(outcome.doc, outcome.final_url)
        if page is None:
            return None
        term = self._register_term(page, outcome.final_url)
        self._term_urls[key] = (page.taxonomy, page.slug)
        self._record_entries(outcome)
        self._found_terms.append(term)
        return page.taxonomy, page.slug

    def _term_id(self, taxonomy: str, slug: str, name_html: str) -> tuple[int, Term | None]:
        """The id of a term by its class-safe slug (a numeric one may be the id itself), and
        the Term record when it is new (named by its link when nothing better is known)."""
        term_id = self._term_ids.get((taxonomy, slug))
        if term_id is None and slug.isdigit() and int(slug) in self._known_term_ids:
            term_id = int(slug)
        if term_id is None:
            term_id = synthetic_id(taxonomy, slug)
            self._term_ids[(taxonomy, slug)] = term_id
        if term_id in self._terms_out:
            return term_id, None
        self._terms_out.add(term_id)
        return term_id, Term(id=term_id, taxonomy=taxonomy, name=name_html or slug, slug=slug)

    def _item_author(self, post: x.PostPage, listed: Listed) -> tuple[int | None, Author | None]:
        slug = x.last_path_segment(post.author_url) if post.author_url else ""
        name = post.author_name or self._feed_authors.get(norm_url(post.url), "")
        author_id = self._authors_by_slug.get(slug) if slug else None
        if author_id is None and name:
            author_id = self._authors_by_name.get(name)
        if author_id is not None or not (slug or name):
            return author_id, None
        author_id = synthetic_id("author", slug or name)
        if slug:
            self._authors_by_slug[slug] = author_id
        if name:
            self._authors_by_name[name] = author_id
        self._authors_out.add(author_id)
        return author_id, Author(id=author_id, name=name or slug, slug=slug)

    def _item_media(self, post: x.PostPage, listed: Listed, page_url: str) -> list[Media]:
        refs = [*post.media, *listed.media]
        if post.featured is not None:
            refs.append(post.featured)
        found: list[Media] = []
        for ref in refs:
            media_id = self._media_id(ref)
            if media_id in self._media_out:
                continue
            self._media_out.add(media_id)
            found.append(_media(ref, media_id, post.id, page_url))
        return found

    def _media_id(self, ref: x.MediaRef) -> int:
        return ref.id or synthetic_id("media", x.original_file_url(ref.url))


def _media(ref: x.MediaRef, media_id: int, item_id: int, page_url: str) -> Media:
    path = urlsplit(ref.url).path
    name = path.rsplit("/", 1)[-1]
    uploads = path.split("/uploads/", 1)
    return Media(
        id=media_id,
        url=ref.url,
        item_id=item_id,
        mime_type=mimetypes.guess_type(name)[0] or "",
        title=html_escape(ref.title) or name.rsplit(".", 1)[0],
        caption=ref.caption,
        alt=ref.alt,
        width=ref.width,
        height=ref.height,
        file=uploads[1] if len(uploads) == 2 else "",
        slug="",
        source_url=page_url,
    )
