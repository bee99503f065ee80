"""Sitemaps: naming schemes, indexes, gzip, and files that are broken, hostile or huge."""

from __future__ import annotations

import gzip

import pytest

from wpmigrate.sources import sitemaps

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str, lastmod: str | None = None) -> bytes:
    mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    rows = "".join(f"<url><loc>{loc}</loc>{mod}</url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{rows}</urlset>'.encode()


def index(*locs: str) -> bytes:
    rows = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex {NS}>{rows}</sitemapindex>'.encode()


@pytest.mark.parametrize(
    ("url", "kind", "subtype"),
    [
        ("https://s.org/wp-sitemap-posts-post-1.xml", "posts", "post"),
        ("https://s.org/wp-sitemap-posts-my_type-12.xml", "posts", "my_type"),
        ("https://s.org/wp-sitemap-taxonomies-resource_type-1.xml", "taxonomies", "resource_type"),
        ("https://s.org/wp-sitemap-users-1.xml", "users", ""),
        ("https://s.org/?sitemap=posts&sitemap-subtype=page&paged=2", "posts", "page"),
        (
            "https://s.org/?sitemap=taxonomies&sitemap-subtype=category&paged=1",
            "taxonomies",
            "category",
        ),
        ("https://s.org/post-sitemap2.xml", "", "post"),
        ("https://s.org/category-sitemap.xml", "taxonomies", "category"),
        ("https://s.org/post_tag-sitemap.xml.gz", "taxonomies", "post_tag"),
        ("https://s.org/author-sitemap.xml", "users", ""),
        ("https://s.org/publication-sitemap.xml", "", "publication"),
        ("https://s.org/sitemap.xml", "", ""),
    ],
)
def test_sitemap_names_say_what_they_list(url, kind, subtype):
    ref = sitemaps.classify(url)
    assert (ref.kind, ref.subtype) == (kind, subtype)


def test_robots_sitemaps_come_first_then_the_usual_places():
    urls = sitemaps.candidate_urls("https://s.org/blog", ["https://s.org/custom.xml"])
    assert urls == [
        "https://s.org/custom.xml",
        "https://s.org/blog/wp-sitemap.xml",
        "https://s.org/blog/sitemap_index.xml",
        "https://s.org/blog/sitemap.xml",
        "https://s.org/blog/?sitemap=index",
    ]


def test_an_index_is_walked_to_its_urlsets_once_each_and_lastmod_is_utc():
    files = {
        "https://s.org/wp-sitemap.xml": index(
            "https://s.org/wp-sitemap-posts-post-1.xml",
            "https://s.org/wp-sitemap.xml",  # a loop back to the index
            "https://s.org/nested.xml",
        ),
        "https://s.org/nested.xml": index("https://s.org/wp-sitemap-taxonomies-category-1.xml"),
        "https://s.org/wp-sitemap-posts-post-1.xml": gzip.compress(
            urlset("https://s.org/a/", "https://s.org/b/", lastmod="2024-03-15T11:00:00+01:00")
        ),
        "https://s.org/wp-sitemap-taxonomies-category-1.xml": urlset(
            "https://s.org/category/news/"
        ),
    }
    asked: list[str] = []

    def fetch(url: str) -> bytes | None:
        asked.append(url)
        return files.get(url)

    refs = list(sitemaps.walk(fetch, "https://s.org/wp-sitemap.xml"))

    assert [(r.kind, r.subtype) for r in refs] == [("posts", "post"), ("taxonomies", "category")]
    entries = list(sitemaps.entries(refs[0], fetch))
    assert [(e.loc, e.lastmod) for e in entries] == [
        ("https://s.org/a/", "2024-03-15T10:00:00Z"),
        ("https://s.org/b/", "2024-03-15T10:00:00Z"),
    ]
    assert sorted(asked) == sorted(set(asked)), "every file is read once"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'<?xml version="1.0"?><urlset><url><loc>https://s.org/a/</loc></url><url><loc>',
            "broken XML",
        ),
        (b"<html><body>Not found</body></html>", "not a sitemap"),
        (
            b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x "y">]>'
            b"<urlset><url><loc>&x;</loc></url></urlset>",
            "DOCTYPE",
        ),
        (b"\x1f\x8b\x08garbage", "cannot decompress"),
    ],
)
def test_broken_or_hostile_sitemaps_raise_a_clear_error(body, message):
    with pytest.raises(sitemaps.SitemapError, match=message):
        list(sitemaps.parse(body, "https://s.org/x.xml"))


def test_entries_before_a_break_are_kept():
    body = b'<?xml version="1.0"?><urlset><url><loc>https://s.org/a/</loc></url><url><loc>x'
    got = []
    with pytest.raises(sitemaps.SitemapError):
        for _, entry in sitemaps.parse(body, "https://s.org/x.xml"):
            got.append(entry.loc)
    assert got == ["https://s.org/a/"]


def test_a_huge_sitemap_is_cut_at_the_limits(monkeypatch):
    monkeypatch.setattr(sitemaps, "MAX_URLS", 100)
    body = urlset(*(f"https://s.org/{i}/" for i in range(500)))
    got = []
    with pytest.raises(sitemaps.SitemapError, match="more than 100"):
        for _, entry in sitemaps.parse(body, "https://s.org/x.xml"):
            got.append(entry)
    assert len(got) == 100


def test_a_gzip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(sitemaps, "MAX_BYTES", 1024 * 1024)
    bomb = gzip.compress(b"<urlset>" + b" " * (5 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(sitemaps.SitemapError, match="larger than"):
        list(sitemaps.parse(bomb, "https://s.org/x.xml.gz"))
