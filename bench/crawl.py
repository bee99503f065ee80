"""Benchmark: exporting a WordPress site by crawling its HTML, REST API switched off.

Starts the test site (tests/wordpress/harness.py), adds publications, switches the REST API
off and runs the crawl export at the default politeness (2 requests in flight), then
fetches the very same URLs again without parsing or writing anything, to show how much of
the time is the server's. Prints requests per item, items/s and both timings per theme.

    python bench/crawl.py                               # 1,000 extra publications, both themes
    python bench/crawl.py --items 2000 --concurrency 2 4 --theme twentytwentyone
    python bench/crawl.py --style library    # publications dressed with template debris
"""

from __future__ import annotations

import argparse
import importlib.util
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wpmigrate import runs  # noqa: E402
from wpmigrate.mapping import load_mapping  # noqa: E402
from wpmigrate.sources.crawl import CrawlSource  # noqa: E402
from wpmigrate.sources.http import USER_AGENT, HttpClient  # noqa: E402

THEMES = ("twentytwentythree", "twentytwentyone")


def load_harness():
    spec = importlib.util.spec_from_file_location(
        "wordpress_harness", ROOT / "tests" / "wordpress" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["wordpress_harness"] = module
    spec.loader.exec_module(module)
    return module


class RecordingClient(HttpClient):
    """The crawl's HTTP client, noting each URL so the baseline fetches the same ones."""

    def __init__(self, **options):
        super().__init__(**options)
        self.urls: list[str] = []

    def request(self, method, url, **kwargs):
        self.urls.append(url)
        return super().request(method, url, **kwargs)


def crawl(url: str, archive: Path, concurrency: int) -> tuple[float, float, int, list[str]]:
    """(seconds, our CPU seconds, items written, URLs requested) of one crawl export."""
    mapping = load_mapping([])
    client = RecordingClient(concurrency=concurrency)
    source = CrawlSource(
        url,
        skip_types=mapping.skip_types,
        skip_taxonomies=mapping.skip_taxonomies,
        concurrency=concurrency,
        client=client,
    )
    started, cpu = time.perf_counter(), time.process_time()
    runs.run(source, archive, mapping, command="export", detect_deletions=False)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    with sqlite3.connect(archive) as db:
        items = db.execute("select count(*) from items").fetchone()[0]
    return seconds, cpu, items, client.urls


def fetch_only(urls: list[str], concurrency: int) -> float:
    """Seconds to GET the same URLs, same concurrency, nothing parsed: the server's share."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT

    def get(url: str) -> int:
        response = session.get(url, allow_redirects=False, timeout=60)
        return len(response.content)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(get, urls))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="publications to add")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[2])
    parser.add_argument("--theme", choices=[*THEMES, "both"], default="both")
    parser.add_argument(
        "--style",
        choices=["none", "library", "boxed"],
        default="none",
        help="template debris around publications (tests/wordpress/mu-plugin)",
    )
    args = parser.parse_args()
    harness = load_harness()
    themes = THEMES if args.theme == "both" else (args.theme,)

    site = harness.WordPressSite(workers=4)
    site.start()
    try:
        started = time.perf_counter()
        site.seed_bulk(args.items)
        print(
            f"site: {site.url}, {args.items:,} publications added in "
            f"{time.perf_counter() - started:.1f}s; REST API off"
        )
        site.set_rest_enabled(False)
        if args.style != "none":
            site.call_json(
                f"update_option( 'wpmigrate_test_debris_style', '{args.style}' ); return true;"
            )
        header = (
            f"{'theme':<18} {'conc':>4} {'items':>6} {'requests':>8} {'req/item':>8} "
            f"{'crawl s':>8} {'items/s':>8} {'our CPU s':>9} {'fetch-only s':>12} "
            f"{'crawl/fetch':>11}"
        )
        print(header)
        for theme in themes:
            site.set_theme(theme)
            for concurrency in args.concurrency:
                with tempfile.TemporaryDirectory() as tmp:
                    seconds, cpu, items, urls = crawl(site.url, Path(tmp) / "crawl.db", concurrency)
                server = fetch_only(urls, concurrency)
                print(
                    f"{theme:<18} {concurrency:>4} {items:>6,} {len(urls):>8,} "
                    f"{len(urls) / items:>8.3f} {seconds:>8.1f} {items / seconds:>8.1f} "
                    f"{cpu:>9.1f} {server:>12.1f} {seconds / server:>11.2f}",
                    flush=True,
                )
    finally:
        site.stop()


if __name__ == "__main__":
    main()
