"""Shared by the convert tests: archives exported from real WordPress output, run the CLI,
read a written file back."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from wpmigrate.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
TEST_SITE = ROOT / "tests" / "fixtures" / "wxr" / "test-site.wordpress.xml"
BLOCKS = ROOT / "tests" / "fixtures" / "convert" / "64-block-subset.xml"
THEME_UNIT = ROOT / "tests" / "fixtures" / "convert" / "theme-unit-subset.xml"


def wpmigrate(monkeypatch, *args: Any, capsys=None) -> str:
    """Run the CLI in process; fail on a non-zero exit; return stdout when capsys is given."""
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args)])
    try:
        main()
    except SystemExit as exc:
        assert not exc.code, f"wpmigrate {args} exited with {exc.code}"
    return capsys.readouterr().out if capsys is not None else ""


def wpmigrate_fails(monkeypatch, capsys, *args: Any) -> str:
    """Run the CLI expecting a clean failure; return its one-line error."""
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args)])
    try:
        main()
    except SystemExit as exc:
        assert exc.code, f"wpmigrate {args} should have failed"
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip()


def export(monkeypatch, wxr: Path, archive: Path, *extra: Any) -> Path:
    wpmigrate(monkeypatch, "export", wxr, archive, "--quiet", *extra)
    return archive


def read_markdown(path: Path) -> tuple[dict[str, Any], str]:
    """(front matter, body) of a written file, in either format."""
    text = path.read_text(encoding="utf-8")
    fence = text[:4]
    assert fence in ("---\n", "+++\n"), f"{path} has no front matter"
    end = text.index("\n" + fence, 3)
    head, body = text[4 : end + 1], text[end + 1 + len(fence) :]
    data = yaml.safe_load(head) if fence == "---\n" else tomllib.loads(head)
    assert body.startswith("\n")
    return data, body[1:]
