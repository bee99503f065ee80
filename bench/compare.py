"""Benchmark: wpmigrate against its peers on the same WXR file, in one run.

Builds the file as `bench/wxr.py` does (the sample's items repeated with fresh ids), then
runs, each as a child process in a fresh folder, alternating `--repeat` times:

* `wpmigrate export FILE archive.db --quiet` (the whole pipeline: every type, cleaning, the
  archive with its full-text index);
* downpress (PyPI: `pip install downpress`; lxml + markdownify, posts and pages only, the
  whole tree in memory), which writes Markdown files under ./content;
* with `--npm`, wordpress-export-to-markdown 2.2.2 (fetched by npx on first use).

Prints wall seconds, CPU seconds and peak RSS of each, best of the runs, and the ratios.

    python bench/compare.py                      # 30,000 items (~74 MB), 3 rounds
    python bench/compare.py --items 10000 --repeat 5 --npm
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from wxr import build_wxr, measure, run_markdown_tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=30_000, help="<item>s in the file")
    parser.add_argument("--repeat", type=int, default=3, help="alternating rounds")
    parser.add_argument("--npm", action="store_true", help="also wordpress-export-to-markdown")
    args = parser.parse_args()
    downpress = shutil.which("downpress") or str(Path(sys.executable).parent / "downpress")
    with tempfile.TemporaryDirectory(prefix="wpmigrate-compare-") as tmp:
        wxr = Path(tmp) / "bench.wordpress.xml"
        items, size = build_wxr(wxr, args.items)
        runs: dict[str, list[tuple[float, float, float]]] = {"wpmigrate": [], "downpress": []}
        for round_ in range(args.repeat):
            work = Path(tmp) / f"round-{round_}"
            work.mkdir()
            export = ["export", str(wxr), str(work / "a.db"), "--quiet"]
            runs["wpmigrate"].append(measure([sys.executable, "-m", "wpmigrate", *export]))
            runs["downpress"].append(measure_in(work, [downpress, str(wxr)]))
        if args.npm:
            result = run_markdown_tool(wxr, Path(tmp) / "npm")
            if result is not None:
                runs["wordpress-export-to-markdown"] = [result]
    print(f"file: {items:,} <item>s, {size / 1e6:.0f} MB; best of {args.repeat} rounds")
    print(f"{'tool':<30} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'wall, CPU / ours':>17}")
    ours_wall = min(r[0] for r in runs["wpmigrate"])
    ours_cpu = min(r[2] for r in runs["wpmigrate"])
    for tool, results in runs.items():
        wall = min(r[0] for r in results)
        cpu = min(r[2] for r in results)
        peak = max(r[1] for r in results)
        ratios = f"{wall / ours_wall:.2f}, {cpu / ours_cpu:.2f}"
        print(f"{tool:<30} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} {ratios:>17}")


def measure_in(folder: Path, command: list[str]) -> tuple[float, float, float]:
    """`measure` with the child in `folder` (downpress writes ./content)."""
    here = Path.cwd()
    os.chdir(folder)
    try:
        return measure(command)
    finally:
        os.chdir(here)


if __name__ == "__main__":
    main()
