"""The crawl source against a local HTTP server that serves the saved Twenty Twenty-Three
pages: discovery, merging, politeness, and bad input (redirect loops, non-HTML, huge pages,
off-site redirects, broken sitemaps, a site that is not WordPress)."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Response

from wpmigrate.cli import cli
from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.model import Author, Item, Media, Site, Term, Tombstone
from wpmigrate.sources import open_source
from wpmigrate.sources.base import SourceState
from wpmigrate.sources.crawl import CrawlSource
from wpmigrate.sources.http import HttpClient
from wpmigrate.sources.rest import RESTSource

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crawl" / "twentytwentythree"
SAVED_AT = "http://127.0.0.1:8391"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
DISALLOWED = "/publications/supply-chains-small-producers/"
PAGES = {
    "/": "home",
    "/2023/06/water-futures-roundtable-recap/": "single-post",
    "/2023/02/members-briefing-notes/": "single-post-protected",
    "/publications/water-access-annual-report-2023/": "single-publication",
    "/publications/adaptation-finance-last-mile/": "single-publication-more",
    DISALLOWED: "single-publication-caption",
    "/about/team/": "page-child",
    "/publications/page/2/": "archive-publication-page-2",
    "/resource-type/report/": "term-resource-type",
    "/category/news/": "category",
    "/author/zoe-aberg/": "author",
}
BAD = ["/redirect-loop/", "/not-html/", "/huge/", "/offsite/"]


def urlset(base: str, *paths: str) -> str:
    rows = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return f'<?xml version="1.0"?><urlset {NS}>{rows}</urlset>'


class FakeSite:
    """The saved pages, served at their own paths with the server's address in them."""

    def __init__(
        self,
        server: HTTPServer,
        robots: str | None = None,
        sitemaps: bool = True,
        bad: bool = True,
    ):
        self.bad = bad
        self.server = server
        self.base = server.url_for("").rstrip("/")
        server.no_handler_status_code = 404
        robots = (
            robots
            if robots is not None
            else (
                f"User-agent: *\nDisallow: /wp-admin/\nDisallow: {DISALLOWED}\n\n"
                f"Sitemap: {self.base}/wp-sitemap.xml\n"
            )
        )
        self.text("/robots.txt", robots, "text/plain")
        if sitemaps:
            self.sitemaps()
        self.html("/", self.page("archive-publication"), query_string="post_type=publication")
        for path, name in PAGES.items():
            self.html(path, self.page(name))
        self.server.expect_request("/redirect-loop/").respond_with_response(
            Response(status=302, headers={"Location": "/redirect-loop-2/"})
        )
        self.server.expect_request("/redirect-loop-2/").respond_with_response(
            Response(status=301, headers={"Location": "/redirect-loop/"})
        )
        self.server.expect_request("/offsite/").respond_with_response(
            Response(status=302, headers={"Location": "http://example.invalid/"})
        )
        self.server.expect_request("/not-html/").respond_with_data(
            b"%PDF-1.4", content_type="application/pdf"
        )
        huge = "<html><body class='single postid-999'>" + "<p>x</p>" * 200_000 + "</body></html>"
        self.html("/huge/", huge)

    def page(self, name: str) -> str:
        return (FIXTURES / f"{name}.html").read_text().replace(SAVED_AT, self.base)

    def html(self, path: str, body: str, **match) -> None:
        self.server.expect_request(path, **match).respond_with_data(
            body, content_type="text/html; charset=UTF-8"
        )

    def text(self, path: str, body: str, content_type: str) -> None:
        self.server.expect_request(path).respond_with_data(body, content_type=content_type)

    def sitemaps(self) -> None:
        children = [
            "posts-post-1",
            "posts-publication-1",
            "posts-page-1",
            "taxonomies-resource_type-1",
            "taxonomies-region-1",
            "users-1",
            *(["broken-1"] if self.bad else []),
        ]
        rows = "".join(
            f"<sitemap><loc>{self.base}/wp-sitemap-{c}.xml</loc></sitemap>" for c in children
        )
        self.text(
            "/wp-sitemap.xml",
            f'<?xml version="1.0"?><sitemapindex {NS}>{rows}</sitemapindex>',
            "application/xml",
        )
        b = self.base
        files = {
            "posts-post-1": urlset(
                b,
                "/2023/06/water-futures-roundtable-recap/",
                "/2023/02/members-briefing-notes/",
                *(BAD if self.bad else []),
            ),
            "posts-publication-1": urlset(
                b,
                "/publications/water-access-annual-report-2023/",
                DISALLOWED,
                "/publications/adaptation-finance-last-mile/",
            ),
            "posts-page-1": urlset(b, "/", "/about/team/"),
            "taxonomies-resource_type-1": urlset(b, "/resource-type/report/"),
            "taxonomies-region-1": urlset(b, "/region/east-africa/"),  # answers 404
            "users-1": urlset(b, "/author/zoe-aberg/"),
            "broken-1": '<?xml version="1.0"?><urlset><url><loc>',
        }
        for name, body in files.items():
            self.text(f"/wp-sitemap-{name}.xml", body, "application/xml")

    def requested(self) -> list[str]:
        return [request.full_path.rstrip("?") for request, _ in self.server.log]


def crawl(site: FakeSite, **options) -> tuple[CrawlSource, list]:
    options.setdefault("client", HttpClient(retries=0))
    options.setdefault("max_page_bytes", 500_000)
    source = CrawlSource(site.base, skip_types=load_mapping().skip_types, **options)
    return source, list(source.records())


@pytest.fixture
def site(httpserver: HTTPServer) -> FakeSite:
    return FakeSite(httpserver)


def test_the_crawl_yields_the_site_authors_terms_and_items_with_their_media(site):
    _, records = crawl(site)

    assert isinstance(records[0], Site)
    assert records[0].title == "Research Library Test Site" and records[0].url == site.base
    items = {r.id: r for r in records if isinstance(r, Item)}
    assert {27, 29, 4, 7, 39} <= set(items)
    water = items[4]
    assert water.type == "publication" and water.source == "crawl"
    assert water.source_url == f"{site.base}/publications/water-access-annual-report-2023/"
    assert water.date_gmt == "2023-03-21T09:30:00Z"
    assert water.excerpt_html.startswith('<p class="wp-block-post-excerpt__excerpt">Summary One')
    terms = {r.id: r for r in records if isinstance(r, Term)}
    assert terms[2].taxonomy == "resource_type" and terms[2].name == "Report"
    assert {(terms[t].taxonomy, terms[t].slug) for t in water.term_ids} == {
        ("resource_type", "annual-report"),
        ("region", "east-africa"),
    }
    assert any(isinstance(r, Author) and (r.id, r.slug) == (2, "zoe-aberg") for r in records)
    assert water.author_id == 2
    media = {r.id: r for r in records if isinstance(r, Media)}
    assert media[18].item_id == 4 and water.featured_media_id == 18
    assert any(
        m.url.endswith("water-access-annual-report-2023.pdf") and m.mime_type == "application/pdf"
        for m in media.values()
    )
    assert items[29].password_protected and items[29].content_html == ""
    assert items[39].parent_id == 37
    assert [c.id for c in items[27].comments] == [2, 3]


def test_every_item_is_yielded_once_after_the_terms_it_uses(site):
    _, records = crawl(site)

    ids = [r.id for r in records if isinstance(r, Item)]
    assert len(ids) == len(set(ids))
    seen_terms: set[int] = set()
    for record in records:
        if isinstance(record, Term):
            seen_terms.add(record.id)
        if isinstance(record, Item):
            assert set(record.term_ids) <= seen_terms


def test_robots_txt_is_obeyed_and_bad_pages_are_skipped_and_counted(site):
    source, records = crawl(site)

    asked = site.requested()
    assert DISALLOWED not in asked
    assert all(not a.startswith("/wp-admin") for a in asked)
    assert 5 not in {r.id for r in records if isinstance(r, Item)}
    for reason in ("robots", "redirect-loop", "not-html", "too-large", "offsite", "broken-sitemap"):
        assert source.skipped.get(reason, 0) >= 1, reason
    assert any("redirect loop" in w for w in source.warnings)
    assert asked.count("/redirect-loop/") == 1


def test_politeness_crawl_delay_spaces_requests_one_at_a_time(httpserver):
    site = FakeSite(httpserver, robots="User-agent: *\nCrawl-delay: 0.05\n", sitemaps=False)
    started = time.monotonic()
    source, _ = crawl(site, max_pages=6)

    assert source.http.delay == 0.05 and source.concurrency == 1
    assert time.monotonic() - started >= 0.05 * (source.http.requests - 2)  # after robots.txt
    assert source.http.session.headers["User-Agent"].startswith("wpmigrate/")


def test_an_own_delay_applies_and_the_robots_group_for_our_agent_wins(httpserver):
    robots = "User-agent: *\nDisallow: /\n\nUser-agent: wpmigrate\nDisallow: /about/\n"
    site = FakeSite(httpserver, robots=robots)
    source, records = crawl(site, delay=0.01)

    assert source.http.delay == 0.01
    assert "/about/team/" not in site.requested()
    assert 4 in {r.id for r in records if isinstance(r, Item)}


def test_without_sitemaps_the_crawl_follows_the_sites_links(httpserver):
    site = FakeSite(httpserver, robots="User-agent: *\nDisallow:\n", sitemaps=False)
    source, records = crawl(site)

    ids = {r.id for r in records if isinstance(r, Item)}
    assert {27, 29, 39} <= ids  # from the home listing and the page menu
    assert source.skipped.get("sitemaps") == 1


def test_a_site_that_is_not_wordpress_is_refused(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data(
        "<html><head><title>Shop</title></head><body><h1>Hi</h1></body></html>",
        content_type="text/html",
    )
    with pytest.raises(SourceError, match="does not look like a WordPress site"):
        list(CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0)).records())


def test_robots_txt_that_errors_stops_the_crawl(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("busy", status=503)
    with pytest.raises(SourceError, match=r"robots\.txt must be readable"):
        list(CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0)).records())


def test_a_home_page_that_redirects_forever_is_a_clear_error(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_response(
        Response(status=302, headers={"Location": "/"})
    )
    with pytest.raises(SourceError, match="redirect"):
        list(CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0)).records())


def test_auto_falls_back_to_the_crawl_when_the_rest_api_is_off(site):
    site.server.expect_request(re.compile("/wp-json/.*")).respond_with_json(
        {
            "code": "rest_cannot_access",
            "message": "Only authenticated users can access the REST API.",
        },
        status=401,
    )
    said: list[str] = []
    mapping = load_mapping()

    source = open_source(site.base, mapping, notify=said.append)

    assert isinstance(source, CrawlSource) and source.concurrency == 2
    assert said and "HTTP 401 rest_cannot_access" in said[0] and "crawling" in said[0]
    assert isinstance(open_source(site.base, mapping, via="rest"), RESTSource)
    assert isinstance(open_source(site.base, mapping, via="crawl", concurrency=3), CrawlSource)


def test_auto_keeps_the_rest_api_when_it_answers(httpserver):
    httpserver.expect_request("/wp-json/").respond_with_json(
        {"name": "S", "description": "", "url": "", "home": "", "namespaces": ["wp/v2"]}
    )
    source = open_source(httpserver.url_for("/wp-json/"), load_mapping())
    assert isinstance(source, RESTSource)


def test_a_sync_marks_what_the_crawl_no_longer_finds_unless_pages_failed(httpserver):
    clean = FakeSite(httpserver, robots="User-agent: *\nDisallow:\n", bad=False)
    source = CrawlSource(clean.base, client=HttpClient(retries=0))
    state = SourceState(archived=True, detect_deletions=True, live_ids={"item": {27, 999}})
    gone = [r for r in source.records(state) if isinstance(r, Tombstone)]
    assert [(g.kind, g.id, g.reason) for g in gone] == [("item", 999, "gone")]


def test_no_deletions_are_marked_when_some_pages_could_not_be_read(site):
    source = CrawlSource(site.base, client=HttpClient(retries=0), max_page_bytes=500_000)
    state = SourceState(archived=True, detect_deletions=True, live_ids={"item": {27, 999}})
    assert not [r for r in source.records(state) if isinstance(r, Tombstone)]
    assert source.skipped.get("deletions") == 1


def test_the_command_line_crawls_with_via_crawl_and_a_delay(site, tmp_path):
    archive = tmp_path / "lib.db"
    result = CliRunner().invoke(
        cli, ["export", site.base, str(archive), "--via", "crawl", "--delay", "0.01", "-q"]
    )

    assert result.exit_code == 0, result.output
    db = sqlite3.connect(archive)
    assert db.execute("select count(*) from items where source = 'crawl'").fetchone()[0] >= 5
    counts = json.loads(db.execute("select counts from runs").fetchone()[0])
    assert counts["skipped"]["robots"] >= 1 and counts["skipped"]["redirect-loop"] == 1


def test_seo_plugin_sitemaps_are_found_and_classified_by_their_pages(httpserver):
    site = FakeSite(httpserver, robots="User-agent: *\nDisallow:\n", sitemaps=False, bad=False)
    b = site.base
    files = {
        "post-sitemap.xml": urlset(b, "/2023/06/water-futures-roundtable-recap/"),
        "publication-sitemap.xml": urlset(b, "/publications/water-access-annual-report-2023/"),
        "resource_type-sitemap.xml": urlset(b, "/resource-type/report/"),
        "author-sitemap.xml": urlset(b, "/author/zoe-aberg/"),
    }
    rows = "".join(f"<sitemap><loc>{b}/{name}</loc></sitemap>" for name in files)
    site.text("/sitemap_index.xml", f"<sitemapindex {NS}>{rows}</sitemapindex>", "text/xml")
    for name, body in files.items():
        site.text(f"/{name}", body, "application/xml")

    source, records = crawl(site)

    assert {r.id for r in records if isinstance(r, Item)} >= {27, 4}
    terms = {r.id: r for r in records if isinstance(r, Term)}
    assert terms[2].taxonomy == "resource_type"
    water = next(r for r in records if isinstance(r, Item) and r.id == 4)
    assert ("resource_type", "annual-report") in {
        (terms[t].taxonomy, terms[t].slug) for t in water.term_ids
    }
    assert "/wp-sitemap.xml" in site.requested() and "/sitemap_index.xml" in site.requested()
    assert source.skipped.get("sitemaps") is None


def test_a_sync_skips_pages_whose_sitemap_lastmod_is_what_the_archive_holds(httpserver):
    page = "/publications/water-access-annual-report-2023/"
    lastmod = "2024-03-15T11:00:00+01:00"  # any offset: compared in UTC

    def serve() -> FakeSite:
        base = httpserver.url_for("").rstrip("/")
        rows = f"<url><loc>{base}{page}</loc><lastmod>{lastmod}</lastmod></url>"
        httpserver.expect_request("/wp-sitemap-posts-publication-1.xml").respond_with_data(
            f'<?xml version="1.0"?><urlset {NS}>{rows}</urlset>', content_type="application/xml"
        )
        return FakeSite(httpserver, robots="User-agent: *\nDisallow:\n", bad=False)

    _, records = crawl(serve())
    item = next(r for r in records if isinstance(r, Item) and r.link.endswith(page))
    assert item.modified_gmt == "2024-03-15T10:00:00Z"

    httpserver.clear()
    again = serve()
    source = CrawlSource(again.base, client=HttpClient(retries=0), max_page_bytes=500_000)
    state = SourceState(
        archived=True,
        detect_deletions=True,
        pages={item.source_url: (item.id, item.modified_gmt)},
        live_ids={"item": {item.id}},
    )
    records = list(source.records(state))

    assert page not in again.requested()
    assert source.skipped["unchanged"] == 1
    assert not [r for r in records if isinstance(r, (Item, Tombstone)) and r.id == item.id]
