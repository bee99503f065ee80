"""`convert --to markdown`: links between items and to files, rewritten for the new site.

Against the real WordPress: with the files downloaded (`export --media DIR`), image and file
links in the body and the featured image point at the local copies, relative to each
written file, or sit next to the page in a page bundle; without them, the site's URLs stay.
Links between items point at the new paths (`--links url`) or files (`--links file`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from convert_support import THEME_UNIT, export, read_markdown, wpmigrate

from wpmigrate.convert.layout import Layout
from wpmigrate.convert.links import LinkMap, site_hosts

UPLOADS_LINK = re.compile(r"\]\(([^)\s]*wp-content/uploads/[^)\s]*)\)")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_media_links_point_at_the_downloaded_copies(wordpress, tmp_path, monkeypatch):
    archive, media = tmp_path / "library.db", tmp_path / "media"
    wpmigrate(monkeypatch, "export", wordpress.url, archive, "--media", media, "--quiet")
    site = tmp_path / "site"
    wpmigrate(monkeypatch, "convert", archive, site, "--to", "markdown", "--media", media, "-q")
    page = site / "publication" / "water-access-annual-report-2023.md"
    data, body = read_markdown(page)
    links = re.findall(r"\]\(([^)\s]+)\)", body)
    local = [link for link in links if not link.startswith(("http:", "https:", "mailto:"))]
    assert local and not UPLOADS_LINK.search(body)
    for link in [*local, data["featured_image"]]:
        assert link.startswith("../../media/")
        target = (page.parent / link).resolve()
        assert target.is_file() and target.is_relative_to(media.resolve())
        assert sha256(target) == sha256(wordpress.uploads_dir / link.removeprefix("../../media/"))

    # Page bundles: the files are copied (hard-linked) next to index.md, linked by name.
    bundles = tmp_path / "bundles"
    wpmigrate(
        monkeypatch, "convert", archive, bundles, "--to", "markdown", "--media", media, "-q",
        "--layout", "content/{type}/{slug}/index.md",
    )  # fmt: skip
    bundle = bundles / "content" / "publication" / "water-access-annual-report-2023"
    data, body = read_markdown(bundle / "index.md")
    names = [n for n in re.findall(r"\]\(([^)\s]+)\)", body) if "/" not in n]
    assert names and data["featured_image"] in os.listdir(bundle)
    for name in [*names, data["featured_image"]]:
        assert sha256(bundle / name) == sha256(next(media.rglob(name)))

    # Without --media the site's own URLs stay.
    plain = tmp_path / "plain"
    wpmigrate(monkeypatch, "convert", archive, plain, "--to", "markdown", "-q")
    data, body = read_markdown(plain / "publication" / "water-access-annual-report-2023.md")
    assert UPLOADS_LINK.search(body)
    assert data["featured_image"].startswith(f"{wordpress.url}/wp-content/uploads/")


def test_links_between_items_point_at_the_new_paths(tmp_path, monkeypatch):
    archive = export(monkeypatch, THEME_UNIT, tmp_path / "theme.db")
    wpmigrate(monkeypatch, "convert", archive, tmp_path / "a", "--to", "markdown", "-q")
    _, body = read_markdown(tmp_path / "a" / "post" / "blocks-layout-elements.md")
    # The post links to /2018/11/03/block-button/, a date its permalink does not have:
    # WordPress finds it by its slug, and so does convert.
    assert "[another button](/post/block-button/)" in body
    wpmigrate(
        monkeypatch, "convert", archive, tmp_path / "b", "--to", "markdown", "-q",
        "--links", "file", "--layout", "{type}/{year}/{slug}.md",
    )  # fmt: skip
    _, body = read_markdown(tmp_path / "b" / "post" / "2018" / "blocks-layout-elements.md")
    assert "[another button](block-button.md)" in body


def test_every_form_of_an_old_url_finds_the_item():
    links = LinkMap(site_hosts("https://library.example.org"))
    page = {
        "id": 3,
        "type": "page",
        "slug": "our-team",
        "link": "https://library.example.org/about-us/our-team/",
    }
    draft = {
        "id": 32,
        "type": "publication",
        "slug": "draft",
        "link": "https://library.example.org/?post_type=publication&p=32",
    }
    links.add_item(page, Layout("{type}/{slug}.md").path(page))
    links.add_item(draft, Layout("{type}/{slug}.md").path(draft))
    for url in [
        "https://library.example.org/about-us/our-team/",
        "http://www.library.example.org/about-us/our-team",
        "/about-us/our-team/#trustees",
        "https://library.example.org/?page_id=3",
        "https://library.example.org/?p=3",
    ]:
        assert links.page(url)[1].as_posix() == "page/our-team.md", url
    assert links.page("https://library.example.org/?post_type=publication&p=32")[1].as_posix() == (
        "publication/draft.md"
    )
    for url in ["https://elsewhere.example.com/about-us/our-team/", "our-team/", "mailto:x@y.z"]:
        assert links.page(url) is None, url


def test_files_downloaded_later_are_linked_on_the_next_run(wordpress, tmp_path, monkeypatch):
    archive, media, site = tmp_path / "library.db", tmp_path / "media", tmp_path / "site"
    wpmigrate(monkeypatch, "export", wordpress.url, archive, "--quiet")
    convert = ["convert", archive, site, "--to", "markdown", "--media", media, "-q"]
    wpmigrate(monkeypatch, *convert)
    page = site / "publication" / "water-access-annual-report-2023.md"
    _, body = read_markdown(page)
    assert UPLOADS_LINK.search(body)  # nothing downloaded yet: the site's URLs
    unrelated = site / "page" / "contact.md"
    before = unrelated.stat().st_mtime_ns

    team = site / "page" / "team.md"  # an image in its text, no featured image
    assert UPLOADS_LINK.search(read_markdown(team)[1])

    wpmigrate(monkeypatch, "sync", archive, "--media", media, "--quiet")
    wpmigrate(monkeypatch, *convert)
    data, body = read_markdown(page)
    assert not UPLOADS_LINK.search(body) and "](../../media/2023/03/" in body
    assert data["featured_image"].startswith("../../media/")
    _, body = read_markdown(team)
    assert not UPLOADS_LINK.search(body) and "](../../media/2020/01/team-photo.png)" in body
    assert unrelated.stat().st_mtime_ns == before  # no file link in it: left alone
