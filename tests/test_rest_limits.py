"""Every REST answer is bounded: in size once decoded (`--max-response-mb`), and in time as a
whole (a total deadline per request, not only connect and read timeouts).

A fake API (tests/hostile_api.py) sends an endless JSON body, a gzip bomb (a few hundred KB
that inflate to 256 MB), or its index one byte at a time. Each stops the run with one line;
the bomb is cut where it crosses the cap, so memory stays near the cap.
"""

from __future__ import annotations

import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest
from hostile_api import JSON, FakeApi
from rest_support import assert_one_line, run_cli
from werkzeug import Response

from wpmigrate.errors import SourceError
from wpmigrate.sources.rest import RESTSource

MB = 1024 * 1024


def endless(request) -> Response:
    def rows() -> Iterator[bytes]:
        yield b"["
        for _ in range(10_000):  # 640 MB if nobody stops reading
            yield b'{"id": 1, "title": "again"},' * 2340
        yield b"{}]"

    return Response(rows(), content_type=JSON)


def gzip_bomb(inflated: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip stream
    zeros = b"0" * MB
    return b"".join(packer.compress(zeros) for _ in range(inflated // MB)) + packer.flush()


def test_an_endless_body_stops_at_the_size_cap(httpserver, tmp_path):
    api = FakeApi(httpserver)
    api.routes["wp/v2/posts"] = endless
    done = run_cli(
        "export", api.base, str(tmp_path / "a.db"), "--via", "rest", "--max-response-mb", "2"
    )
    assert_one_line(done, "wp/v2/posts", "grew past the limit of 2,097,152 bytes")


def test_a_gzip_bomb_is_cut_at_the_cap_without_inflating(httpserver):
    bomb = gzip_bomb(256 * MB)
    assert len(bomb) < 1 * MB
    api = FakeApi(httpserver)
    api.routes[""] = lambda request: Response(
        bomb, headers={"Content-Encoding": "gzip"}, content_type=JSON
    )
    source = RESTSource(api.base + "/wp-json/", max_response_bytes=4 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match="grew past the limit of 4,194,304 bytes"):
            source.site()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Inflated whole it would be 256 MB; the cap (4 MB) plus the buffers the fake server's own
    # thread holds (traced too, more of them on a busy machine) stay far below that.
    assert peak < 64 * MB


def test_a_trickling_answer_stops_at_the_deadline(httpserver, tmp_path):
    def trickle(request) -> Response:
        def drip() -> Iterator[bytes]:
            for byte in b'{"name": "slow", "namespaces": ["wp/v2"]}':
                time.sleep(0.2)
                yield bytes([byte])

        return Response(drip(), content_type=JSON)

    api = FakeApi(httpserver)
    api.routes[""] = trickle
    done = run_cli(
        "export",
        api.base,
        str(tmp_path / "a.db"),
        "--via",
        "rest",
        env={"WPMIGRATE_HTTP_DEADLINE": "1"},
    )
    assert_one_line(done, "the answer was still coming after the deadline")
    assert not (tmp_path / "a.db").exists()
