"""Benchmark: what a sync costs against a full export, on the real WordPress test site.

Starts the test site (tests/wordpress/harness.py), adds publications, then in one run:
a full export, a sync with nothing changed, and a sync after 1% of the items changed.
Prints HTTP requests, seconds and items written for each, measured in this process, and the
same export and no-change sync as CLI commands (adding the interpreter's start-up).

    python bench/sync.py              # 1,000 extra publications
    python bench/sync.py --items 3000
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wpmigrate.mapping import load_mapping
from wpmigrate.runs import run
from wpmigrate.sources import open_source

ROOT = Path(__file__).resolve().parent.parent


def load_harness():
    spec = importlib.util.spec_from_file_location(
        "wordpress_harness", ROOT / "tests" / "wordpress" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["wordpress_harness"] = module
    spec.loader.exec_module(module)
    return module


def timed(command: str, source: str, archive: Path) -> float:
    """Run an export or sync in this process (no interpreter start-up); return seconds."""
    mapping = load_mapping()
    started = time.perf_counter()
    run(
        open_source(source, mapping),
        archive,
        mapping,
        command=command,
        detect_deletions=command == "sync",
    )
    return time.perf_counter() - started


def timed_cli(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wpmigrate", *args, "--quiet"], check=True)
    return time.perf_counter() - started


def last_run(archive: Path) -> tuple[int, int]:
    """(HTTP requests, items written) of the archive's last run."""
    with sqlite3.connect(archive) as conn:
        counts = json.loads(conn.execute("select max(id), counts from runs").fetchone()[1])
    items = counts.get("items", {})
    written = sum(items.get(k, 0) for k in ("added", "modified", "restored"))
    return counts["http"]["requests"], written


def modify(site, ids: list[int]) -> None:
    site.php(
        f"""
        foreach ( array({", ".join(map(str, ids))}) as $id ) {{
            $post = get_post( $id );
            wp_update_post( array( 'ID' => $id, 'post_title' => $post->post_title . ' (rev)' ) );
        }}
        """
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="publications to add")
    args = parser.parse_args()
    harness = load_harness()
    site = harness.WordPressSite().start()
    try:
        site.seed_bulk(args.items)
        with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-") as tmp:
            archive = Path(tmp) / "library.db"
            rows = []
            seconds = timed("export", site.url, archive)
            rows.append(("full export", seconds, *last_run(archive)))
            seconds = timed("sync", site.url, archive)
            rows.append(("no-change sync", seconds, *last_run(archive)))
            with sqlite3.connect(archive) as conn:
                public = [
                    r[0] for r in conn.execute("select id from items where type = 'publication'")
                ]
                total = conn.execute("select count(*) from items").fetchone()[0]
            changed = public[::100][: max(1, len(public) // 100)]
            modify(site, changed)
            seconds = timed("sync", site.url, archive)
            rows.append((f"sync, {len(changed)} changed (1%)", seconds, *last_run(archive)))
            cli_export = timed_cli("export", site.url, str(Path(tmp) / "cli.db"))
            cli_sync = timed_cli("sync", str(Path(tmp) / "cli.db"))
        print(f"site: {total:,} items ({args.items:,} added publications)")
        print(
            f"{'run':<24} {'seconds':>8} {'requests':>9} {'items written':>14} {'% of export':>12}"
        )
        export_seconds = rows[0][1]
        for name, seconds, requests, written in rows:
            print(
                f"{name:<24} {seconds:>8.2f} {requests:>9} {written:>14,} "
                f"{seconds / export_seconds:>11.0%}"
            )
        print(
            f"as CLI commands (with interpreter start-up): export {cli_export:.2f} s, "
            f"no-change sync {cli_sync:.2f} s ({cli_sync / cli_export:.0%})"
        )
    finally:
        site.stop()


if __name__ == "__main__":
    main()
