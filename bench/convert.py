"""Benchmark: `wpmigrate convert` and `redirects` on a large archive.

Builds a WXR file of the requested size from the shipped sample (as bench/wxr.py does), runs
`wpmigrate export` on it, then `convert --to markdown` into an empty folder, the same command
again with nothing changed, again after the archive file was touched (a sync that changed
nothing: every item is read and compared, none written), `convert --to jsonl` and
`redirects --to nginx`, each as a command in a child process (interpreter start-up
included), and prints seconds and the child's peak RSS. With `--compare`, also runs the npm
tool wordpress-export-to-markdown 2.2.2 on the same WXR file (needs npx).

    python bench/convert.py                    # 30,000 <item>s (~74 MB)
    python bench/convert.py --items 52000      # >= 20,000 archived items
    python bench/convert.py --compare
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from wxr import build_wxr, measure, run_markdown_tool

from wpmigrate.convert.layout import DEFAULT_LAYOUT, Layout
from wpmigrate.convert.markdown import MarkdownOptions, convert_to_markdown

WPMIGRATE = [sys.executable, "-m", "wpmigrate"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30_000, help="<item>s in the WXR file")
    parser.add_argument("--compare", action="store_true", help="also run the npm tool")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-") as tmp:
        tmpdir = Path(tmp)
        wxr, archive, site = tmpdir / "big.xml", tmpdir / "big.db", tmpdir / "site"
        written, size = build_wxr(wxr, args.items)
        convert = [*WPMIGRATE, "convert", str(archive), str(site), "--to", "markdown", "-q"]
        steps = [
            ("export", [*WPMIGRATE, "export", str(wxr), str(archive), "--quiet"]),
            ("convert --to markdown", convert),
            ("  again, nothing changed", convert),
            ("  again, archive touched", convert),
            (
                "convert --to jsonl",
                [*convert[:5], str(tmpdir / "items.jsonl"), "--to", "jsonl", "-q"],
            ),
            ("redirects --to nginx", [*WPMIGRATE, "redirects", str(archive), "--to", "nginx"]),
        ]
        results = {}
        for name, command in steps:
            if name == "  again, archive touched":
                os.utime(archive)
            results[name] = measure(command)
        # The re-runs in this process too: without the interpreter's start and imports.
        options = MarkdownOptions(layout=Layout(DEFAULT_LAYOUT))
        in_process = {}
        for name in ("  again, nothing changed", "  again, archive touched"):
            if name == "  again, archive touched":
                os.utime(archive)
            started = time.perf_counter()
            convert_to_markdown(archive, site, options)
            in_process[name] = time.perf_counter() - started
        with sqlite3.connect(archive) as conn:
            items, public = conn.execute(
                "select count(*), sum(status = 'publish' and not password_protected) from items "
                "where deleted_at is null"
            ).fetchone()
        files = sum(1 for _ in site.rglob("*.md"))
        print(
            f"WXR: {written:,} <item>s, {size / 1e6:.1f} MB; archive: {items:,} items, "
            f"{public:,} public -> {files:,} Markdown files"
        )
        print(
            f"{'step':<26} {'seconds':>8} {'of convert':>11} {'peak RSS MB':>12} "
            f"{'in process':>11} {'of convert':>11}"
        )
        full = results["convert --to markdown"][0]
        for name, (seconds, peak) in results.items():
            share = f"{seconds / full:.0%}" if name.startswith("  again") else ""
            line = f"{name:<26} {seconds:>8.2f} {share:>11} {peak:>12.0f}"
            if name in in_process:
                line += f" {in_process[name]:>11.2f} {in_process[name] / full:>11.1%}"
            print(line)
        both = results["export"][0] + full
        print(f"{'export + convert':<26} {both:>8.2f}")
        if args.compare:
            outcome = run_markdown_tool(wxr, tmpdir / "npm-output")
            if outcome:
                print(
                    f"wordpress-export-to-markdown 2.2.2: {outcome[0]:.1f} s, peak RSS "
                    f"{outcome[1]:.0f} MB; export + convert took {both / outcome[0]:.0%} of it"
                )


if __name__ == "__main__":
    main()
