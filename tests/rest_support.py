"""Support for the REST tests: recorded responses served again, the CLI, request minimums.

Recorded REST responses of the test WordPress (tests/fixtures/rest/), served again:

`Replay.answer()` answers a request the way the recorded site did, with just enough of
WordPress's collection semantics (`per_page`, `page`, `orderby`, `include`, the 400 past the
last page) for wpmigrate's REST source to page through it. `ReplayClient` plugs it into
`RESTSource` without a network; `Replay.werkzeug_handler()` serves it from pytest-httpserver.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

FIXTURES = Path(__file__).parent / "fixtures" / "rest"
RECORDED_BASE = "http://127.0.0.1:8089"  # the port record_fixtures.py used
JSON_TYPE = "application/json; charset=UTF-8"

# route -> recording (tests/fixtures/rest/<name>.json)
ROUTES = {
    "": "index",
    "wp/v2/types": "types",
    "wp/v2/taxonomies": "taxonomies",
    "wp/v2/users": "users",
    "wp/v2/categories": "categories",
    "wp/v2/tags": "tags",
    "wp/v2/region": "region",
    "wp/v2/resource_type": "resource_type",
    "wp/v2/menus": "menus-401",
    "wp/v2/media": "media",
    "wp/v2/publications": "publications",
    "wp/v2/posts": "posts",
    "wp/v2/pages": "pages",
    "wp/v2/comments": "comments",
}
POST_ROUTES = {"wp/v2/media", "wp/v2/publications", "wp/v2/posts", "wp/v2/pages"}


def _id(row: dict[str, Any]) -> int:
    return row["id"]


def recording(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def manifest() -> dict[str, Any]:
    return recording("manifest")


class Replay:
    """The recorded site, answering at `base` (URLs inside the recordings are rewritten)."""

    def __init__(self, base: str = RECORDED_BASE):
        self.base = base.rstrip("/")
        self.recordings = {route: recording(name) for route, name in ROUTES.items()}
        self.log: list[tuple[str, int]] = []  # (path?query, status) of every answer
        self.hidden_media = [int(i) for i in manifest()["rest_hidden"]["media"]]

    def _rewrite(self, text: str) -> str:
        return text.replace(RECORDED_BASE, self.base)

    def answer(self, url: str) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        status, headers, body = self._answer(parts.path, query)
        self.log.append((parts.path + ("?" + parts.query if parts.query else ""), status))
        return status, headers, body

    def _answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        api_link = {"Link": f'<{self.base}/wp-json/>; rel="https://api.w.org/"'}
        if "rest_route" in query:
            route = query.pop("rest_route").strip("/")
        elif path.startswith("/wp-json"):
            route = path.removeprefix("/wp-json").strip("/")
        elif path in ("", "/"):
            page = "<!doctype html><html><head><title>Research Library Test Site</title></head>"
            page += "<body><h1>Research Library Test Site</h1></body></html>"
            return 200, {"Content-Type": "text/html; charset=UTF-8", **api_link}, page.encode()
        else:
            return 404, {"Content-Type": "text/html"}, b"<html><body>Not Found</body></html>"
        record = self.recordings.get(route)
        if record is None:
            error = {"code": "rest_no_route", "message": "No route.", "data": {"status": 404}}
            return 404, {"Content-Type": JSON_TYPE, **api_link}, json.dumps(error).encode()
        headers = {k: self._rewrite(v) for k, v in record["headers"].items()}
        body = record["body"]
        if record["status"] == 200 and isinstance(body, list):
            status, body, paging = self._page(route, body, record["headers"], query)
            headers.update(paging)
        else:
            status = record["status"]
        text = self._rewrite(json.dumps(body, ensure_ascii=False))
        return status, headers, text.encode("utf-8")

    def _page(
        self, route: str, rows: list[dict[str, Any]], headers: dict[str, str], query: dict
    ) -> tuple[int, Any, dict[str, str]]:
        if query.get("include"):
            wanted = {int(i) for i in query["include"].split(",")}
            rows = [r for r in rows if r["id"] in wanted]
            total = len(rows)
        else:
            total = int(headers.get("X-WP-Total", len(rows)))
        if query.get("orderby") == "modified":
            rows = sorted(rows, key=lambda r: r.get("modified_gmt", ""), reverse=True)
        else:
            rows = sorted(rows, key=_id, reverse=query.get("order") == "desc")
        per_page = int(query.get("per_page", 10))
        page = int(query.get("page", 1))
        pages = math.ceil(total / per_page)
        paging = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
        if page > max(pages, 1) and route in POST_ROUTES:
            error = {
                "code": "rest_post_invalid_page_number",
                "message": "The page number requested is larger than the number of pages.",
                "data": {"status": 400},
            }
            return 400, error, {}
        if route == "wp/v2/media" and not query.get("include") and query.get("orderby") == "id":
            # WordPress pages over every attachment, then drops those whose parent is not
            # public: the hidden one leaves its page short.
            rows = sorted(rows + [{"id": i, "hidden": True} for i in self.hidden_media], key=_id)
        chosen = rows[(page - 1) * per_page :][:per_page]
        return 200, [r for r in chosen if not r.get("hidden")], paging

    def werkzeug_handler(self):
        """A pytest-httpserver handler answering every request from the recordings."""
        from werkzeug import Response

        def handle(request):
            status, headers, body = self.answer(request.url)
            return Response(body, status=status, headers=headers)

        return handle


class _RawBody:
    """`response.raw` for streamed reads (`stream=True` callers read it directly)."""

    def __init__(self, body: bytes):
        self.body = body

    def read(self, amount: int | None = None, decode_content: bool = False) -> bytes:
        data, self.body = self.body[:amount], self.body[amount:] if amount else b""
        return data

    read1 = read

    def close(self) -> None:
        pass


class ReplayClient:
    """Stands in for `HttpClient`: answers from a Replay, counts requests."""

    deadline = 300.0  # seconds, as HttpClient's

    def __init__(self, replay: Replay):
        self.replay = replay
        self.requests = 0

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        self.requests += 1
        status, headers, body = self.replay.answer(url)
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = body
        response.raw = _RawBody(body)
        response.url = url
        response.encoding = "utf-8"
        return response

    def head(self, url: str, **kwargs: Any) -> requests.Response:
        response = self.get(url, **kwargs)
        response._content = b""
        response.raw = _RawBody(b"")
        return response

    def close(self) -> None:
        pass


# -- running wpmigrate ------------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`wpmigrate ARGS` in a subprocess, retrying without backoff (tests stay fast)."""
    environment = {k: v for k, v in os.environ.items() if k != "WPMIGRATE_APP_PASSWORD"}
    environment.update({"WPMIGRATE_HTTP_BACKOFF": "0", **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def row_counts(path: str | os.PathLike[str]) -> dict[str, int]:
    """Rows per table (FTS shadow tables left out)."""
    db = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in db.execute("select name from sqlite_master where type = 'table'")
            if "_fts" not in name
        ]
        return {t: db.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables}
    finally:
        db.close()


# -- the fewest requests an export can make ------------------------------------------------------

DISCOVERY_REQUESTS = 4  # the page given (its Link header), the index, wp/v2/types, wp/v2/taxonomies
TEC_PER_PAGE = 50  # The Events Calendar's maximum per_page
TEC_WINDOW = {"start_date": "1970-01-01 00:00:00", "end_date": "2200-01-01 00:00:00"}


def collection_totals(
    api: str, skip_types: frozenset[str], skip_taxonomies: frozenset[str], auth=None
) -> dict[str, int]:
    """X-WP-Total of every collection an export reads, asked of the site directly."""
    edit = {"context": "edit"} if auth else {}
    get = requests.Session()
    get.auth = auth
    types = get.get(api + "wp/v2/types", params=edit, timeout=60).json()
    taxonomies = get.get(api + "wp/v2/taxonomies", params=edit, timeout=60).json()
    routes = {"users": "wp/v2/users", "media": "wp/v2/media", "comments": "wp/v2/comments"}
    for name, info in taxonomies.items():
        if name not in skip_taxonomies:
            routes[f"terms:{name}"] = f"{info.get('rest_namespace', 'wp/v2')}/{info['rest_base']}"
    for name, info in types.items():
        if name not in skip_types and name != "attachment":
            routes[f"items:{name}"] = f"{info.get('rest_namespace', 'wp/v2')}/{info['rest_base']}"
    totals = {}
    for name, route in routes.items():
        params = {"per_page": 1, **edit}
        if auth and name.startswith("items:"):
            params["status"] = "any"
        response = get.get(api + route, params=params, timeout=60)
        response.raise_for_status()
        totals[name] = int(response.headers["X-WP-Total"])
    namespaces = get.get(api, params={"_fields": "namespaces"}, timeout=60).json()["namespaces"]
    if "tribe/events/v1" in namespaces and "tribe_events" not in skip_types:
        # All events, past and future: the archive hides past ones without a start_date.
        params = {"per_page": 1, **TEC_WINDOW}
        response = get.get(api + "tribe/events/v1/events", params=params, timeout=60)
        totals["events:tec"] = int(response.headers.get("X-TEC-Total", 0))
    return totals


def minimum_requests(totals: dict[str, int], per_page: int = 100) -> dict[str, int]:
    """Σ ceil(n/per_page) over collections (an empty one still takes a request; The Events
    Calendar's pages hold 50), discovery, and the probe wpmigrate makes once per items or
    media collection."""
    pages = sum(
        max(1, math.ceil(n / (TEC_PER_PAGE if name == "events:tec" else per_page)))
        for name, n in totals.items()
    )
    probes = sum(1 for name in totals if name == "media" or name.startswith("items:"))
    return {"pages": pages, "discovery": DISCOVERY_REQUESTS, "probes": probes}


def assert_one_line(done, *needles: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
