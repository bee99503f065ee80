"""A small fake WordPress REST API that lies about its listings (for the hostile-server tests).

`FakeApi` answers discovery (`/` with its Link header, the index, wp/v2/types and
wp/v2/taxonomies) and pages `wp/v2/posts` over `posts` ids the way WordPress does
(`per_page`, `page`, `orderby=id`, `include`, `X-WP-Total`, `X-WP-TotalPages`); `lie`
changes what `wp/v2/posts` says or serves, `routes` replaces any route's answer, and `log`
keeps every path asked for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from werkzeug import Request, Response

JSON = "application/json; charset=UTF-8"
Lie = Callable[[int, list[dict[str, Any]], dict[str, str]], tuple[list[dict[str, Any]], dict]]


def post(post_id: int) -> dict[str, Any]:
    return {
        "id": post_id,
        "type": "post",
        "status": "publish",
        "slug": f"post-{post_id}",
        "title": {"rendered": f"Post {post_id}"},
        "content": {"rendered": f"<p>Body of post {post_id}.</p>", "protected": False},
        "excerpt": {"rendered": ""},
        "date": "2024-01-01T10:00:00",
        "date_gmt": "2024-01-01T10:00:00",
        "modified_gmt": "2024-01-02T10:00:00",
        "link": f"http://fake.invalid/?p={post_id}",
        "author": 0,
    }


class FakeApi:
    def __init__(self, httpserver, count: int = 250):
        self.base = httpserver.url_for("/").rstrip("/")
        self.ids = list(range(1, count + 1))
        self.lie: Lie | None = None
        self.index: Any = {
            "name": "Hostile",
            "home": self.base,
            "url": self.base,
            "namespaces": ["wp/v2"],
        }
        self.types: Any = {"post": {"rest_base": "posts", "taxonomies": []}}
        self.taxonomies: Any = {}
        self.on_page: Callable[[Any], None] = lambda args: None  # after a page is made
        self.log: list[str] = []
        self.routes: dict[str, Callable[[Request], Response]] = {}  # route -> its own answer
        httpserver.expect_request("").respond_with_handler(self.handle)

    def posts_requests(self) -> list[str]:
        """Requests for wp/v2/posts, the probe (one row, newest first) left out."""
        return [
            path
            for path in self.log
            if path.startswith("/wp-json/wp/v2/posts") and "orderby=modified" not in path
        ]

    def handle(self, request: Request) -> Response:
        self.log.append(request.full_path.rstrip("?"))
        route = request.path.removeprefix("/wp-json").strip("/")
        if request.path == "/":
            link = {"Link": f'<{self.base}/wp-json/>; rel="https://api.w.org/"'}
            return Response("<html></html>", headers=link, content_type="text/html")
        if route in self.routes:
            return self.routes[route](request)
        if route == "":
            return self.json(self.index)
        if route == "wp/v2/types":
            return self.json(self.types)
        if route == "wp/v2/taxonomies":
            return self.json(self.taxonomies)
        if route == "wp/v2/posts":
            return self.posts(request)
        return self.json([], {"X-WP-Total": "0", "X-WP-TotalPages": "0"})

    def posts(self, request: Request) -> Response:
        args = request.args
        per_page, page = int(args.get("per_page", 10)), int(args.get("page", 1))
        ids = self.ids
        if args.get("include"):
            wanted = {int(i) for i in args["include"].split(",")}
            ids = [i for i in ids if i in wanted]
        if args.get("orderby") == "modified":
            ids = sorted(ids, reverse=True)
        chosen = ids[(page - 1) * per_page :][:per_page]
        headers = {
            "X-WP-Total": str(len(ids)),
            "X-WP-TotalPages": str(math.ceil(len(ids) / per_page)),
        }
        rows = [post(i) for i in chosen]
        listing = not args.get("include") and args.get("orderby") != "modified"  # not a probe
        if self.lie is not None and listing:
            rows, headers = self.lie(page, rows, headers)
        self.on_page(args)
        return self.json(rows, headers)

    @staticmethod
    def json(body: Any, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(body), headers=headers or {}, content_type=JSON)
