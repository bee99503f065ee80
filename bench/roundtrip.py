"""Fidelity: how many Markdown bodies read back as the archive's `content_text`.

Exports each WXR file, converts it to Markdown, renders every published item's body back to
HTML (markdown-it-py: CommonMark with tables and strikethrough) and to text, and compares it
with `content_text`, whitespace aside. Prints the share per file and, for each item that
differs, its id, title and the first difference.

    python bench/roundtrip.py samples/research-library.xml /tmp/themeunittestdata.wordpress.xml
"""

from __future__ import annotations

import argparse
import difflib
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

from wpmigrate.cleaning import Cleaner


def first_difference(expected: str, got: str) -> str:
    a, b = " ".join(expected.split()), " ".join(got.split())
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            return f"{op}: {a[max(0, i1 - 25) : i2 + 10]!r} -> {b[max(0, j1 - 25) : j2 + 10]!r}"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wxr", nargs="+", type=Path)
    args = parser.parse_args()
    renderer = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    cleaner = Cleaner()
    total = same = 0
    with tempfile.TemporaryDirectory(prefix="wpmigrate-roundtrip-") as tmp:
        for n, wxr in enumerate(args.wxr):
            archive, site = Path(tmp) / f"{n}.db", Path(tmp) / f"site-{n}"
            wpmigrate = [sys.executable, "-m", "wpmigrate"]
            subprocess.run([*wpmigrate, "export", str(wxr), str(archive), "-q"], check=True)
            convert = [*wpmigrate, "convert", str(archive), str(site), "--to", "markdown", "-q"]
            subprocess.run([*convert, "--layout", "{id}.md"], check=True)
            with sqlite3.connect(archive) as conn:
                rows = conn.execute(
                    "select id, title, content_text from items "
                    "where status = 'publish' and not password_protected and deleted_at is null "
                    "order by id"
                ).fetchall()
            differing = []
            for item_id, title, content_text in rows:
                text = (site / f"{item_id}.md").read_text(encoding="utf-8")
                body = text[text.index("\n---\n", 3) + 5 :]
                back = cleaner.to_text(renderer.render(body))
                if back.split() != (content_text or "").split():
                    differing.append((item_id, title, first_difference(content_text, back)))
            total += len(rows)
            same += len(rows) - len(differing)
            print(f"{wxr.name}: {len(rows) - len(differing)}/{len(rows)} items read back the same")
            for item_id, title, difference in differing:
                print(f"  {item_id} {title!r}: {difference}")
    print(f"all: {same}/{total} ({same / total:.1%})")


if __name__ == "__main__":
    main()
