"""A crawl's pages are read by the HTTP module's one capped reader: a page trickling in one
byte at a time stops at the request's total deadline, not only at a read timeout."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from werkzeug import Response

from wpmigrate.errors import SourceError
from wpmigrate.sources.crawl import CrawlSource
from wpmigrate.sources.http import HttpClient


def test_a_trickling_home_page_stops_at_the_deadline(httpserver):
    def drip() -> Iterator[bytes]:
        for byte in b"<html><body class='home blog'>" + b" " * 40:
            time.sleep(0.2)
            yield bytes([byte])

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_response(Response(drip(), content_type="text/html"))
    source = CrawlSource(httpserver.url_for("/"), client=HttpClient(retries=0, deadline=1))
    with pytest.raises(SourceError, match="the answer was still coming after the deadline"):
        list(source.records())
