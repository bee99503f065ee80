"""What a hostile REST server costs: requests, seconds and peak memory until wpmigrate stops.

Each case starts a small fake WordPress API on 127.0.0.1 (stdlib http.server, one thread per
request) and runs `wpmigrate export URL archive --via rest --quiet` in a child process,
reading the child's peak RSS:

* lying pages: 250 posts, X-WP-TotalPages 100000 (the issue saw 10,372 requests in 120 s);
* gzip bomb: a 2 MB gzip body that inflates to 2 GB, as the API index;
* endless body: a JSON list that never ends, as wp/v2/posts;
* trickle: the index one byte every 2 s, with WPMIGRATE_HTTP_DEADLINE=10.

`python bench/hostile.py` prints one line per case.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

POSTS = 250
MB = 1024 * 1024


def gzip_bomb(inflated: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"0" * MB
    return b"".join(packer.compress(zeros) for _ in range(inflated // MB)) + packer.flush()


class Api(BaseHTTPRequestHandler):
    case = "lying-pages"
    requests = 0
    bomb = b""

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        Api.requests += 1
        parts = urlsplit(self.path)
        route = parts.path.removeprefix("/wp-json").strip("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        base = f"http://127.0.0.1:{self.server.server_port}"
        if parts.path == "/":
            return self.send(
                b"<html></html>", {"Link": f'<{base}/wp-json/>; rel="https://api.w.org/"'}
            )
        if route == "" and self.case == "gzip-bomb":
            return self.send(self.bomb, {"Content-Encoding": "gzip"})
        if route == "" and self.case == "trickle":
            return self.trickle(json.dumps({"name": "x", "namespaces": ["wp/v2"]}).encode())
        if route == "":
            return self.json({"name": "Hostile", "home": base, "namespaces": ["wp/v2"]})
        if route == "wp/v2/types":
            return self.json({"post": {"rest_base": "posts", "taxonomies": []}})
        if route == "wp/v2/taxonomies":
            return self.json({})
        if route == "wp/v2/posts" and self.case == "endless":
            return self.endless()
        if route == "wp/v2/posts":
            per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
            ids = range(1, POSTS + 1)[(page - 1) * per_page :][:per_page]
            rows = [{"id": i, "title": {"rendered": f"Post {i}"}} for i in ids]
            return self.json(rows, {"X-WP-Total": str(POSTS), "X-WP-TotalPages": "100000"})
        return self.json([], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})

    def send(self, body: bytes, headers: dict[str, str], kind: str = "application/json") -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def json(self, body, headers=None) -> None:
        self.send(json.dumps(body).encode(), headers or {})

    def endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(b"[")
            while True:
                self.wfile.write(b'{"id": 1},' * 100_000)
        except OSError:
            pass

    def trickle(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(2)
        except OSError:
            pass


def run(case: str) -> None:
    Api.case, Api.requests = case, 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    env = {**os.environ, "WPMIGRATE_HTTP_BACKOFF": "0", "WPMIGRATE_HTTP_DEADLINE": "10"}
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "a.db"
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        command = ["export", url, str(archive), "--via", "rest", "--quiet"]
        done = subprocess.run(
            [sys.executable, "-m", "wpmigrate", *command],
            capture_output=True,
            text=True,
            env=env,
        )
        seconds = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    server.shutdown()
    outcome = (
        f"exit {done.returncode}: {done.stderr.strip()[:110]}" if done.returncode else "exit 0"
    )
    rss = f"{peak / 1024:.0f} MB" if peak > before else "(below an earlier child's)"
    print(f"{case:12} {Api.requests:5} requests {seconds:6.1f} s  peak RSS {rss:>8}  {outcome}")


def main() -> None:
    Api.bomb = gzip_bomb(2048 * MB)
    print(f"gzip bomb: {len(Api.bomb) / MB:.1f} MB on the wire, 2,048 MB inflated")
    for case in ("gzip-bomb", "endless", "lying-pages", "trickle"):
        run(case)
    print(f"(a lying-pages export needs {math.ceil(POSTS / 100)} pages of posts)")


if __name__ == "__main__":
    main()
