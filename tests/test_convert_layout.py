"""`convert --layout`: where each file goes, safely.

Paths follow the pattern; slugs cannot climb out of DIR or make names that Windows or macOS
refuse (reserved device names, `:`, case clashes); every path is unique ignoring case, so a
Hugo or Astro site built from DIR has one page per item.
"""

from __future__ import annotations

import re
from pathlib import Path

from convert_support import SAMPLE, export, read_markdown, wpmigrate, wpmigrate_fails

from wpmigrate.convert.layout import Layout, url_for

WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM\d|LPT\d)(\..*)?$", re.I)


def written(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md"))


def test_the_default_layout_is_type_and_slug(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    wpmigrate(monkeypatch, "convert", archive, tmp_path / "site", "--to", "markdown", "-q")
    files = written(tmp_path / "site")
    assert len(files) == 16  # the password-protected post is left out
    assert files[:6] == [
        "page/about-us.md",
        "page/contact.md",
        "page/our-team.md",
        "page/trustees.md",
        "post/new-acquisitions-spring-2024.md",
        "post/reading-room-closed-august-bank-holiday.md",
    ]


def test_page_bundles_and_the_old_permalink_path(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    bundles = tmp_path / "bundles"
    wpmigrate(
        monkeypatch, "convert", archive, bundles, "--to", "markdown", "-q",
        "--layout", "content/{type}/{year}/{month}/{slug}/index.md", "--types", "post,page",
    )  # fmt: skip
    files = written(bundles)
    assert len(files) == 7
    assert "content/post/2023/08/reading-room-closed-august-bank-holiday/index.md" in files
    assert "content/page/2024/01/trustees/index.md" in files
    nested = tmp_path / "nested"
    wpmigrate(
        monkeypatch, "convert", archive, nested, "--to", "markdown", "-q",
        "--layout", "{path}.md", "--types", "page",
    )  # fmt: skip
    assert written(nested) == [
        "about-us.md",
        "about-us/our-team.md",
        "about-us/our-team/trustees.md",
        "contact.md",
    ]


def test_hostile_slugs_stay_inside_and_every_os_accepts_the_names(tmp_path, monkeypatch):
    # The sample, with slugs a careless or hostile site could have.
    slugs = {
        "about-us": "../../outside",
        "our-team": "CON",
        "trustees": "a:b?c*",
        "contact": "Über-uns",
        "welcome-to-the-new-riverside-research-library": "über-uns",
        "reading-room-closed-august-bank-holiday": "%c3%bcber-uns",
        "crossing-lines-central-mediterranean": ".hidden. ",
    }
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in slugs.items():
        text = text.replace(
            f"<wp:post_name><![CDATA[{old}]]></wp:post_name>",
            f"<wp:post_name><![CDATA[{new}]]></wp:post_name>",
        )
    wxr = tmp_path / "hostile.xml"
    wxr.write_text(text, encoding="utf-8")
    archive = export(monkeypatch, wxr, tmp_path / "library.db")
    site = tmp_path / "out" / "site"
    wpmigrate(
        monkeypatch, "convert", archive, site, "--to", "markdown", "-q", "--layout", "{slug}.md"
    )
    files = written(site)
    assert not list((tmp_path / "out").glob("*.md")) and not (tmp_path / "outside.md").exists()
    assert {"-..-outside.md", "CON_.md", "a-b-c-.md", "Über-uns.md", "hidden.md"} <= set(files)
    # One Über-uns, one über-uns: the same file on a case-insensitive disk, so the later
    # item gets its id; a percent-encoded slug is decoded, and clashes too.
    assert {"über-uns-8.md", "über-uns-9.md"} <= set(files)
    assert len({f.casefold() for f in files}) == len(files) == 16
    for name in files:
        assert not WINDOWS_RESERVED.match(name) and not re.search(r'[<>:"\\|?*]', name)
        assert not name.startswith(".") and not name.endswith((" ", "."))
    data, _ = read_markdown(site / "CON_.md")
    assert data["slug"] == "CON"  # the value is kept; only the file name is made safe


def test_layout_patterns_and_new_urls():
    item = {"id": 7, "type": "post", "slug": "x", "date": "2024-03-05T10:00:00"}
    assert str(Layout("{type}/{year}-{month}-{day}-{slug}.md").path(item)) == (
        "post/2024-03-05-x.md"
    )
    assert url_for(Layout("content/{type}/{slug}.md").path(item)) == "/post/x/"
    assert url_for(Layout("src/content/{type}/{id}/index.md").path(item)) == "/post/7/"
    assert url_for(Layout("{type}/{slug}/_index.md").path(item)) == "/post/x/"


def test_a_bad_layout_or_type_is_one_line(tmp_path, monkeypatch, capsys):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    for layout, message in [
        ("{type}/{title}.md", "unknown {title}"),
        ("../{slug}.md", "must be a relative path inside DIR"),
        ("{type}.md", "needs {slug}, {id} or {path}"),
    ]:
        error = wpmigrate_fails(
            monkeypatch, capsys, "convert", archive, tmp_path / "s", "--to", "markdown",
            "--layout", layout,
        )  # fmt: skip
        assert message in error and "\n" not in error
    error = wpmigrate_fails(
        monkeypatch, capsys, "convert", archive, tmp_path / "s", "--to", "markdown",
        "--types", "publicaton",
    )  # fmt: skip
    assert error == "wpmigrate: error: --types: no item has type 'publicaton'"
    assert not (tmp_path / "s").exists()
