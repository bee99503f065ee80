"""A crawl's pages and its robots.txt are read by the HTTP module's capped readers: an
answer trickling in one byte at a time stops at the request's total deadline, not only at a
read timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from werkzeug import Response

from wpmigrate.errors import SourceError
from wpmigrate.sources.crawl import CrawlSource
from wpmigrate.sources.http import HttpClient


def drip(body: bytes) -> Iterator[bytes]:
    for byte in body:
        time.sleep(0.2)
        yield bytes([byte])


def test_a_trickling_home_page_stops_at_the_deadline(httpserver):
    page = b"<html><body class='home blog'>" + b" " * 40
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_response(
        Response(drip(page), content_type="text/html")
    )
    source = CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0, deadline=1))
    with pytest.raises(SourceError, match="the answer was still coming after the deadline"):
        list(source.records())


def test_a_trickling_robots_txt_stops_at_the_deadline(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_response(
        Response(drip(b"User-agent: *\nDisallow: /wp-admin/\n" * 3), content_type="text/plain")
    )
    source = CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0, deadline=1))
    with pytest.raises(SourceError, match=r"robots\.txt: the answer was still coming after"):
        list(source.records())
