"""A crawl whose sitemap cannot be read says so once, then follows the site's links; a crawl
that reads no post or page at all is an error, not an empty archive.

The pages are the saved Twenty Twenty-Three pages (tests/fixtures/crawl/), served by a
local server with a sitemap that is cut off.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import wpmigrate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crawl" / "twentytwentythree"
SAVED_AT = "http://127.0.0.1:8391"
POST = "/2023/06/water-futures-roundtable-recap/"
HTML = "text/html; charset=UTF-8"


def serve(httpserver, *, with_post: bool) -> str:
    base = httpserver.url_for("").rstrip("/")
    httpserver.no_handler_status_code = 404
    robots = f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {base}/wp-sitemap.xml\n"
    httpserver.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
    httpserver.expect_request("/wp-sitemap.xml").respond_with_data(
        '<?xml version="1.0"?><urlset><url><loc>', content_type="application/xml"
    )
    pages = {"/": "home", POST: "single-post"} if with_post else {"/": "home"}
    for path, name in pages.items():
        page = (FIXTURES / f"{name}.html").read_text(encoding="utf-8").replace(SAVED_AT, base)
        httpserver.expect_request(path, query_string="").respond_with_data(page, content_type=HTML)
    return base + "/"


def broken_sitemap_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "wp-sitemap.xml: broken XML" in line]


@pytest.mark.parametrize("with_post", [True, False], ids=["a post readable", "nothing readable"])
def test_an_unreadable_sitemap_is_reported_once(
    httpserver, tmp_path, monkeypatch, capsys, with_post
):
    url = serve(httpserver, with_post=with_post)
    code, err = wpmigrate(
        monkeypatch, capsys, "export", url, tmp_path / "library.db", "--via", "crawl"
    )
    assert len(broken_sitemap_lines(err)) == 1, err
    assert f"{url}: no readable sitemap; following links instead" in err
    if with_post:
        assert code == 0, err
        assert "items 1 added" in err
    else:
        assert code == 1
        assert err.splitlines()[-1].startswith(
            f"wpmigrate: error: {url}: no post or page could be read (skipped: "
        )
        assert err.splitlines()[-1].endswith("; nothing was archived")
        assert list(tmp_path.iterdir()) == []
