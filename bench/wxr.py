"""Benchmark: `wpmigrate export` on large WXR files built from the shipped sample.

Builds WXR files of the requested sizes by repeating the sample's items with fresh ids, runs
`wpmigrate export` on each in a child process and prints items/s and peak RSS. "items" are
the file's `<item>` elements; "archived" the items and media rows written (the sample, and so
the big files, also hold WordPress internals that are read and skipped). With
`--compare`, also runs the npm tool wordpress-export-to-markdown 2.2.2 on the largest file
(needs npx; it is fetched from the npm registry on first use).

    python bench/wxr.py                      # 30,000 (~75 MB) and 60,000 items
    python bench/wxr.py --items 20000 --compare
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
ID_TAGS = re.compile(r"<(wp:post_id|wp:post_parent|wp:comment_id|wp:comment_parent)>(\d+)</\1>")


def build_wxr(path: Path, items: int) -> tuple[int, int]:
    """Write a WXR with about `items` items; returns (items written, bytes)."""
    text = SAMPLE.read_text(encoding="utf-8")
    first, last = text.index("<item>"), text.rindex("</item>") + len("</item>")
    head, body, tail = text[:first], text[first:last], text[last:]
    templates = ["<item>" + chunk for chunk in body.split("<item>")[1:]]
    templates = [t for t in templates if "<wp:status><![CDATA[auto-draft]]>" not in t]
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(head)
        copy = 0
        while written < items:
            offset = copy * 100_000

            def shift(match: re.Match[str], offset: int = offset) -> str:
                value = int(match.group(2))
                return f"<{match.group(1)}>{value + offset if value else 0}</{match.group(1)}>"

            for template in templates:
                out.write(ID_TAGS.sub(shift, template))
                written += 1
                if written >= items:
                    break
            copy += 1
        out.write(tail)
    return written, path.stat().st_size


def run_markdown_tool(wxr: Path, out: Path) -> tuple[float, float, float] | None:
    """The npm tool on the same file, for comparison: (seconds, peak RSS MB, CPU s) or None."""
    command = [
        "npx",
        "--yes",
        "wordpress-export-to-markdown@2.2.2",
        "--wizard=false",
        f"--input={wxr}",
        f"--output={out}",
        "--save-attached-images=false",
        "--save-scraped-images=false",
        "--include-other-types=true",
    ]
    try:
        return measure(command)
    except (OSError, RuntimeError) as exc:
        print(f"  wordpress-export-to-markdown could not run: {exc}", file=sys.stderr)
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, nargs="+", default=[30_000, 60_000])
    parser.add_argument("--compare", action="store_true", help="also run the npm tool")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-") as tmp:
        tmpdir = Path(tmp)
        print(
            f"{'items':>8} {'MB':>7} {'seconds':>8} {'items/s':>9} {'archived':>9} "
            f"{'archived/s':>11} {'peak RSS MB':>12} {'CPU s':>6}"
        )
        for count in args.items:
            wxr = tmpdir / f"big-{count}.xml"
            written, size = build_wxr(wxr, count)
            archive = tmpdir / f"a-{count}.db"
            seconds, peak, cpu = measure(
                [sys.executable, "-m", "wpmigrate", "export", str(wxr), str(archive), "--quiet"]
            )
            with sqlite3.connect(archive) as conn:
                kept = conn.execute(
                    "select (select count(*) from items) + (select count(*) from media)"
                ).fetchone()[0]
            print(
                f"{written:>8,} {size / 1e6:>7.1f} {seconds:>8.2f} {written / seconds:>9,.0f} "
                f"{kept:>9,} {kept / seconds:>11,.0f} {peak:>12.0f} {cpu:>6.2f}"
            )
        if args.compare:
            largest = tmpdir / f"big-{args.items[-1]}.xml"
            outcome = run_markdown_tool(largest, tmpdir / "md")
            if outcome:
                print(
                    f"wordpress-export-to-markdown 2.2.2 on the same file: {outcome[0]:.1f} s, "
                    f"peak RSS {outcome[1]:.0f} MB"
                )


def measure(command: list[str]) -> tuple[float, float, float]:
    """Run `command`; return its wall time in seconds, its own peak RSS in MB and its CPU
    seconds (user + system: steadier than the wall time when the machine is shared)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"{command[0]} exited with status {status}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
