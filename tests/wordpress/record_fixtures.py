"""Record real REST responses and a WXR export of the seeded test site.

    python tests/wordpress/record_fixtures.py [--port 8089]

Writes tests/fixtures/rest/<name>.json, one per request::

    {"name", "url", "method", "auth", "status",
     "headers": {X-WP-Total, X-WP-TotalPages, Link, ...}, "body"}

plus tests/fixtures/rest/manifest.json (the seed manifest: ids by kind/slug) and
tests/fixtures/wxr/test-site.wordpress.xml (core's export_wp(), all content).
A fixed port keeps the URLs inside the recordings stable between runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import WordPressSite

TESTS = Path(__file__).resolve().parent.parent
REST_DIR = TESTS / "fixtures" / "rest"
WXR_PATH = TESTS / "fixtures" / "wxr" / "test-site.wordpress.xml"

KEEP_HEADERS = ("Content-Type", "X-WP-Total", "X-WP-TotalPages", "Link", "Allow")

# name, route, params, auth
ENDPOINTS: list[tuple[str, str, dict[str, Any], bool]] = [
    ("index", "/", {}, False),
    ("types", "wp/v2/types", {}, False),
    ("taxonomies", "wp/v2/taxonomies", {}, False),
    ("publications", "wp/v2/publications", {"per_page": 100}, False),
    ("publications-per-page-5-page-2", "wp/v2/publications", {"per_page": 5, "page": 2}, False),
    ("posts", "wp/v2/posts", {"per_page": 100}, False),
    ("pages", "wp/v2/pages", {}, False),
    ("media", "wp/v2/media", {}, False),
    ("users", "wp/v2/users", {}, False),
    ("comments", "wp/v2/comments", {}, False),
    ("resource_type", "wp/v2/resource_type", {}, False),
    ("region", "wp/v2/region", {}, False),
    ("categories", "wp/v2/categories", {}, False),
    ("tags", "wp/v2/tags", {}, False),
    ("posts-invalid-page-number-400", "wp/v2/posts", {"page": 99}, False),
    ("menus-401", "wp/v2/menus", {}, False),
    (
        "publications-draft-private-edit-context-auth",
        "wp/v2/publications",
        {"context": "edit", "status": "draft,private", "per_page": 100},
        True,
    ),
    (
        "posts-edit-context-auth",
        "wp/v2/posts",
        {"context": "edit", "status": "any", "per_page": 100},
        True,
    ),
]


def record(
    site: WordPressSite, name: str, route: str, params: dict[str, Any], auth: bool
) -> dict[str, Any]:
    r = site.rest(route, params=params, auth=auth)
    headers = {h: r.headers[h] for h in KEEP_HEADERS if h in r.headers}
    return {
        "name": name,
        "url": r.url,
        "method": "GET",
        "auth": "application-password" if auth else None,
        "status": r.status_code,
        "headers": headers,
        "body": r.json(),
    }


def write(name: str, data: Any) -> None:
    path = REST_DIR / f"{name}.json"
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
    status = data.get("status", "") if isinstance(data, dict) else ""
    print(f"  {path.relative_to(TESTS.parent)} {status}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8089)
    args = parser.parse_args(argv)

    REST_DIR.mkdir(parents=True, exist_ok=True)
    WXR_PATH.parent.mkdir(parents=True, exist_ok=True)
    with WordPressSite(args.port) as site:
        print(f"site {site.url} started in {site.timings['total']:.1f}s")
        for name, route, params, auth in ENDPOINTS:
            write(name, record(site, name, route, params, auth))
        site.set_rest_enabled(False)
        try:
            write("rest-disabled-401", record(site, "rest-disabled-401", "wp/v2/posts", {}, False))
        finally:
            site.set_rest_enabled(True)
        write("manifest", site.manifest)
        site.export_wxr(WXR_PATH)
        print(f"  {WXR_PATH.relative_to(TESTS.parent)}")
        # Sanity: the WXR is only the seeded site (no core sample content).
        text = WXR_PATH.read_text(encoding="utf-8")
        for unwanted in ("Hello world!", "Sample Page", "A WordPress Commenter"):
            if unwanted in text:
                raise SystemExit(f"unexpected core sample content in WXR: {unwanted!r}")
        requests.get(site.url + "/", timeout=30).raise_for_status()
    return 0


if __name__ == "__main__":
    sys.exit(main())
