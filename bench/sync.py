"""Benchmark: what a sync costs against a full export, on the real WordPress test site.

Starts the test site (tests/wordpress/harness.py), adds publications, then in one run:
a full export, a sync with nothing changed, and a sync after 1% of the items changed.
Prints HTTP requests, seconds and items fetched for each.

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

ROOT = Path(__file__).resolve().parent.parent


def load_harness():
    spec = importlib.util.spec_from_file_location(
        "wordpress_harness", ROOT / "tests" / "wordpress" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["wordpress_harness"] = module
    spec.loader.exec_module(module)
    return module


def timed(*args: str) -> float:
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
        added = site.seed_bulk(args.items)
        with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-") as tmp:
            archive = Path(tmp) / "library.db"
            rows = []
            seconds = timed("export", site.url, str(archive))
            rows.append(("full export", seconds, *last_run(archive)))
            seconds = timed("sync", str(archive))
            rows.append(("no-change sync", seconds, *last_run(archive)))
            changed = added[:: max(1, len(added) // max(1, len(added) // 100))][: len(added) // 100]
            modify(site, changed)
            seconds = timed("sync", str(archive))
            rows.append((f"sync, {len(changed)} changed (1%)", seconds, *last_run(archive)))
            with sqlite3.connect(archive) as conn:
                total = conn.execute("select count(*) from items").fetchone()[0]
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
    finally:
        site.stop()


if __name__ == "__main__":
    main()
