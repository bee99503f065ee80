"""Benchmark: a REST export against the server's floor, on the real WordPress test site.

Starts the test site (tests/wordpress/harness.py), adds publications (`seed_bulk`) to the
seeded posts, pages, media and comments, then in one run, `--repeat` times each:

* floor: every list page the export reads (the same URLs), fetched once by 4 concurrent
  clients that do nothing with the answers; the fastest the server can hand them out;
* export: `wpmigrate export URL archive` in this process (what the library costs);
* cli: the same command in a fresh `python -m wpmigrate` (adds interpreter start-up).

Reports HTTP requests against the minimum (Σ ceil(n/100) over the collections + discovery),
wall time against the floor (each export against the floor measured just before it; the
median ratio is judged), and items/s. Targets: requests ≤ minimum + 10, export wall ≤ 1.2 ×
floor.

    python bench/rest.py                          # 1,000 extra publications, 5 runs
    python bench/rest.py --items 1000 3000 --readme bench/README.md
    python bench/rest.py --profile                # cProfile of one export, top functions
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import pstats
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rest_support import collection_totals, minimum_requests  # noqa: E402

from wpmigrate import runs  # noqa: E402
from wpmigrate.mapping import load_mapping  # noqa: E402
from wpmigrate.sources import open_source  # noqa: E402
from wpmigrate.sources.http import HttpClient  # noqa: E402

CLIENTS = 4


def load_harness():
    spec = importlib.util.spec_from_file_location(
        "wordpress_harness", ROOT / "tests" / "wordpress" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["wordpress_harness"] = module
    spec.loader.exec_module(module)
    return module


class Recorder:
    """Wraps HttpClient.request: every request's URL, start and end (seconds)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, float, float, int]] = []
        self._lock = threading.Lock()
        self._original = HttpClient.request

    def __enter__(self) -> Recorder:
        original, log, lock = self._original, self.log, self._lock

        def request(client, method, url, **kwargs):
            started = time.perf_counter()
            response = original(client, method, url, **kwargs)
            with lock:
                log.append((url, started, time.perf_counter(), response.status_code))
            return response

        HttpClient.request = request
        return self

    def __exit__(self, *exc: object) -> None:
        HttpClient.request = self._original


def is_list_page(url: str) -> bool:
    """A collection page (not discovery, a probe (per_page=1) or a single object)."""
    query = parse_qs(urlsplit(url).query)
    return "page" in query and query.get("per_page", ["1"])[0] != "1"


def export_once(url: str, archive: Path, profile: cProfile.Profile | None = None) -> dict:
    mapping = load_mapping([])
    with Recorder() as recorder:
        cpu = time.process_time()
        started = time.perf_counter()
        if profile:
            profile.enable()
        source = open_source(url, mapping)
        result = runs.run(source, archive, mapping, command="export", detect_deletions=False)
        if profile:
            profile.disable()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
    with sqlite3.connect(archive) as db:
        items = db.execute("select count(*) from items").fetchone()[0]
    return {
        "wall": wall,
        "cpu": cpu,
        "requests": result.counts.get("http", "requests"),
        "items": items,
        "log": recorder.log,
        "started": started,
    }


def floor_once(urls: list[str]) -> float:
    """The list pages, fetched once each by CLIENTS clients, bodies read and dropped."""
    sessions = [requests.Session() for _ in range(CLIENTS)]
    for session in sessions:
        session.headers["Accept-Encoding"] = "gzip, deflate"
    local = threading.local()
    counter = iter(range(CLIENTS))
    lock = threading.Lock()

    def fetch(url: str) -> None:
        if not hasattr(local, "session"):
            with lock:
                local.session = sessions[next(counter)]
        response = local.session.get(url, timeout=120)
        response.raise_for_status()
        _ = response.content

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(fetch, urls))
    return time.perf_counter() - started


def cli_once(url: str, archive: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wpmigrate", "export", url, str(archive), "--quiet"], check=True
    )
    return time.perf_counter() - started


def timeline(run: dict) -> str:
    """Where the export's time went: requests by kind, with their spans."""
    t0 = run["started"]
    kinds: dict[str, list[tuple[float, float]]] = {}
    for n, (url, start, end, _) in enumerate(run["log"]):
        query = parse_qs(urlsplit(url).query)
        if n == 0:
            kind = "discovery"  # the page given: its Link header
        elif is_list_page(url):
            kind = "list pages"
        elif query.get("per_page") == ["1"]:
            kind = "probes"
        elif "/wp-json" in url or "rest_route" in url:
            kind = "discovery"
        else:
            kind = "other (events feed, pages)"
        kinds.setdefault(kind, []).append((start - t0, end - t0))
    lines = []
    for kind, spans in kinds.items():
        first, last = min(s for s, _ in spans), max(e for _, e in spans)
        busy = sum(e - s for s, e in spans)
        lines.append(
            f"  {kind:28} {len(spans):3} requests  {first:6.2f}s → {last:6.2f}s"
            f"  (request time {busy:.2f}s)"
        )
    return "\n".join(lines)


def measure(site, repeat: int, profile: bool) -> dict:
    """Floor, in-process export and CLI export, alternating, `repeat` times each."""
    mapping = load_mapping([])
    totals = collection_totals(site.url + "/wp-json/", mapping.skip_types, mapping.skip_taxonomies)
    with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-rest-") as tmp:
        folder = Path(tmp)
        first = export_once(site.url, folder / "warm-up.db")  # warms PHP and MariaDB
        urls = [url for url, *_ in first["log"] if is_list_page(url)]
        floors, exports, clis = [], [], []
        for n in range(repeat):
            floors.append(floor_once(urls))
            exports.append(export_once(site.url, folder / f"export-{n}.db"))
            clis.append(cli_once(site.url, folder / f"cli-{n}.db"))
        if profile:
            profiler = cProfile.Profile()
            export_once(site.url, folder / "profile.db", profiler)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue())
    return {
        "totals": totals,
        "minimum": minimum_requests(totals),
        "urls": urls,
        "floors": floors,
        "exports": exports,
        "clis": clis,
    }


def phases(run: dict) -> tuple[float, float, float]:
    """(before the first list page, list pages, after the last one), in seconds."""
    spans = [
        (s - run["started"], t - run["started"]) for u, s, t, _ in run["log"] if is_list_page(u)
    ]
    first, last = min(a for a, _ in spans), max(b for _, b in spans)
    return first, last - first, run["wall"] - last


def summary(result: dict) -> dict[str, str]:
    """The table's cells for one site size."""
    floors, exports, clis = result["floors"], result["exports"], result["clis"]
    totals, minimum, run = result["totals"], result["minimum"], result["exports"][0]
    splits = [phases(e) for e in exports]
    # Floor and export alternate, so each pair shares the machine's load of the moment: the
    # target is judged on the median of the paired ratios (the best runs are shown too).
    ratio = statistics.median(e["wall"] / f for e, f in zip(exports, floors, strict=True))
    best = min(e["wall"] for e in exports) / min(floors)
    cli_ratio = statistics.median(c / f for c, f in zip(clis, floors, strict=True))
    wall = statistics.median(e["wall"] for e in exports)
    needed = minimum["pages"] + minimum["discovery"]
    before, listing, after = (statistics.median(s[i] for s in splits) for i in range(3))
    return {
        "items (publications, posts, pages)": f"{run['items']:,}",
        "collections / list pages": f"{len(totals)} / {len(result['urls'])}",
        "minimum requests (list pages + 4 discovery)": f"{needed}",
        "HTTP requests used": f"{run['requests']} (+{minimum['probes']} change probes, "
        f"+{run['requests'] - needed - minimum['probes']} event-plugin check)",
        "requests ≤ minimum + 10": "met" if run["requests"] <= needed + 10 else "MISSED",
        "floor: list pages, 4 clients": f"{statistics.median(floors):.2f} s",
        "export (in process)": f"{wall:.2f} s",
        "export / floor (median of pairs; best runs)": f"{ratio:.2f}; {best:.2f}",
        "wall ≤ 1.2 × floor": "met" if ratio <= 1.2 else "MISSED",
        "export: before 1st list page / list pages / after": (
            f"{before:.2f} / {listing:.2f} / {after:.2f} s"
        ),
        "client CPU per export": f"{statistics.median(e['cpu'] for e in exports):.2f} s",
        "items/s (in process)": f"{run['items'] / wall:,.0f}",
        "CLI export (new python) / floor": f"{cli_ratio:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--items", type=int, nargs="+", default=[1000], help="publications to add (sizes)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    parser.add_argument("--profile", action="store_true", help="cProfile one export")
    parser.add_argument("--readme", type=Path, help="write the REST section of this README")
    args = parser.parse_args()

    harness = load_harness()
    site = harness.WordPressSite().start()
    columns: dict[int, dict[str, str]] = {}
    try:
        added = 0
        for size in sorted(args.items):
            site.seed_bulk(size - added)
            added = size
            result = measure(site, args.repeat, args.profile)
            columns[size] = summary(result)
            print(f"\n{size:,} publications added, run by run: floor | export (phases)")
            for f, e in zip(result["floors"], result["exports"], strict=True):
                before, listing, after = phases(e)
                print(
                    f"  {f:5.2f} s | {e['wall']:5.2f} s = {before:.2f} + {listing:.2f} + "
                    f"{after:.2f}  ({e['wall'] / f:.2f} ×; client CPU {e['cpu']:.2f} s)"
                )
            print("where the first export's time went:")
            print(timeline(result["exports"][0]))
    finally:
        site.stop()

    table = render(columns)
    print(f"\nREST export benchmark, medians of {args.repeat} runs\n")
    print("\n".join(table))
    if args.readme:
        write_readme(args.readme, args, table)


def render(columns: dict[int, dict[str, str]]) -> list[str]:
    """A Markdown table: one row per measure, one column per site size."""
    sizes = sorted(columns)
    head = "| publications added | " + " | ".join(f"{s:,}" for s in sizes) + " |"
    lines = [head, "| --- |" + " --- |" * len(sizes)]
    for key in columns[sizes[0]]:
        lines.append(f"| {key} | " + " | ".join(columns[s][key] for s in sizes) + " |")
    return lines


def write_readme(path: Path, args: argparse.Namespace, table: list[str]) -> None:
    """Replace the table in the `## REST` section of bench/README.md (the section is
    created when missing); other sections and the section's notes stay as they are."""
    command = (
        f"`python bench/rest.py --items {' '.join(map(str, args.items))} --repeat {args.repeat}`"
    )
    block = [f"<!-- rest-bench: {command} -->", *table, "<!-- /rest-bench -->"]
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    if "## REST" not in lines:
        lines += ["", "## REST", "", *block, ""]
    else:
        start = lines.index("## REST")
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), None)
        end = len(lines) if end is None else end
        section = lines[start:end]
        opens = [i for i, line in enumerate(section) if line.startswith("<!-- rest-bench")]
        closes = [i for i, line in enumerate(section) if line == "<!-- /rest-bench -->"]
        if opens and closes:
            section[opens[0] : closes[0] + 1] = block
        else:
            section += ["", *block, ""]
        lines[start:end] = section
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
