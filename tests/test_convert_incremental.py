"""`convert --to markdown` again: only what changed is written.

A manifest in DIR remembers each file and what it was made from. A re-run with nothing
changed writes nothing; after a sync, only the changed items (and the items linking to an
item that moved) are rewritten; files of items the archive marks deleted are removed, or
kept and marked with `--keep-deleted`; files convert did not write are never touched.
"""

from __future__ import annotations

import re
from pathlib import Path

from convert_support import SAMPLE, THEME_UNIT, export, read_markdown, wpmigrate, wpmigrate_fails

from wpmigrate.convert.layout import Layout
from wpmigrate.convert.markdown import MarkdownOptions, convert_to_markdown

MANIFEST = ".wpmigrate-convert.json"


def stamps(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }


def edited(wxr: Path, target: Path, *, replace: dict[str, str], drop_id: int | None = None):
    """A newer export of the same site: some text replaced, one item gone."""
    text = wxr.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    if drop_id is not None:
        items = re.findall(r"<item>.*?</item>", text, re.S)
        gone = [i for i in items if f"<wp:post_id>{drop_id}</wp:post_id>" in i]
        assert len(gone) == 1
        text = text.replace(gone[0], "")
    target.write_text(text, encoding="utf-8")
    return target


def convert(archive: Path, folder: Path, **options):
    return convert_to_markdown(
        archive, folder, MarkdownOptions(layout=Layout("{type}/{slug}.md"), **options)
    )


def test_a_rerun_writes_only_what_changed_and_removes_what_was_deleted(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    site = tmp_path / "site"
    first = convert(archive, site)
    assert (first.written, first.unchanged, first.removed) == (16, 0, 0)
    before = stamps(site)

    again = convert(archive, site)
    assert (again.written, again.unchanged, again.removed) == (0, 16, 0)
    assert stamps(site) == before

    # A file removed by hand is written again, and only that one.
    (site / "page/contact.md").unlink()
    again = convert(archive, site)
    assert (again.written, again.unchanged, again.removed) == (1, 15, 0)
    before = stamps(site)

    newer = edited(
        SAMPLE,
        tmp_path / "newer.xml",
        replace={
            "<title><![CDATA[New acquisitions: spring 2024]]></title>": (
                "<title><![CDATA[New acquisitions: spring 2024 (updated)]]></title>"
            )
        },
        drop_id=9,  # reading-room-closed-august-bank-holiday
    )
    wpmigrate(monkeypatch, "sync", archive, newer, "--quiet")
    third = convert(archive, site)
    assert (third.written, third.unchanged, third.removed) == (1, 14, 1)
    after = stamps(site)
    assert set(before) - set(after) == {"post/reading-room-closed-august-bank-holiday.md"}
    changed = {p for p in after if after[p] != before[p]}
    assert changed == {"post/new-acquisitions-spring-2024.md"}
    data, _ = read_markdown(site / "post/new-acquisitions-spring-2024.md")
    assert data["title"] == "New acquisitions: spring 2024 (updated)"


def test_keep_deleted_marks_the_file_instead(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    site = tmp_path / "site"
    wpmigrate(monkeypatch, "convert", archive, site, "--to", "markdown", "-q")
    wpmigrate(
        monkeypatch,
        "sync",
        archive,
        edited(SAMPLE, tmp_path / "n.xml", replace={}, drop_id=9),
        "-q",
    )
    wpmigrate(monkeypatch, "convert", archive, site, "--to", "markdown", "-q", "--keep-deleted")
    data, body = read_markdown(site / "post/reading-room-closed-august-bank-holiday.md")
    assert data["draft"] is True and data["deleted"].startswith("20")
    assert body
    marked = stamps(site)
    report = convert(archive, site, keep_deleted=True)  # marked once, then left alone
    assert (report.written, report.marked_deleted, report.removed) == (0, 0, 0)
    assert stamps(site) == marked
    report = convert(archive, site)  # without --keep-deleted the file goes
    assert report.removed == 1
    assert not (site / "post/reading-room-closed-august-bank-holiday.md").exists()


def test_files_convert_did_not_write_are_never_touched(tmp_path, monkeypatch, capsys):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    site = tmp_path / "site"
    (site / "post").mkdir(parents=True)
    theirs = site / "post" / "welcome-to-the-new-riverside-research-library.md"
    theirs.write_text("my own page\n", encoding="utf-8")
    (site / "config.toml").write_text("baseURL = '/'\n", encoding="utf-8")
    wpmigrate(monkeypatch, "convert", archive, site, "--to", "markdown")
    err = capsys.readouterr().err
    assert (
        "warning: post/welcome-to-the-new-riverside-research-library.md exists and was not "
        "written by convert: left alone"
    ) in err
    assert "16 items: 15 written" in err
    assert theirs.read_text(encoding="utf-8") == "my own page\n"
    # Narrowing the selection removes convert's own files only.
    wpmigrate(monkeypatch, "convert", archive, site, "--to", "markdown", "-q", "--types", "page")
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.md")) == [
        "page/about-us.md",
        "page/contact.md",
        "page/our-team.md",
        "page/trustees.md",
        "post/welcome-to-the-new-riverside-research-library.md",
    ]
    assert (site / "config.toml").read_text(encoding="utf-8") == "baseURL = '/'\n"


def test_an_item_that_moves_rewrites_the_items_linking_to_it(tmp_path, monkeypatch):
    archive = export(monkeypatch, THEME_UNIT, tmp_path / "theme.db")
    site = tmp_path / "site"
    by_year = Layout("{type}/{year}/{slug}.md")
    convert_to_markdown(archive, site, MarkdownOptions(layout=by_year))
    _, body = read_markdown(site / "post/2018/blocks-layout-elements.md")
    assert "[another button](/post/2018/block-button/)" in body
    before = stamps(site)
    # Re-dated a year later: its file moves, and the post linking to it follows.
    newer = edited(
        THEME_UNIT,
        tmp_path / "newer.xml",
        replace={
            "<wp:post_date><![CDATA[2018-11-03 13:20:00]]></wp:post_date>": (
                "<wp:post_date><![CDATA[2019-11-03 13:20:00]]></wp:post_date>"
            ),
            "<wp:post_date_gmt><![CDATA[2018-11-03 13:20:00]]></wp:post_date_gmt>": (
                "<wp:post_date_gmt><![CDATA[2019-11-03 13:20:00]]></wp:post_date_gmt>"
            ),
        },
    )
    wpmigrate(monkeypatch, "sync", archive, newer, "--quiet")
    report = convert_to_markdown(archive, site, MarkdownOptions(layout=by_year))
    assert (report.written, report.unchanged) == (2, 3)
    after = stamps(site)
    assert "post/2018/block-button.md" not in after and "post/2019/block-button.md" in after
    assert {p for p in after if p in before and after[p] != before[p]} == {
        "post/2018/blocks-layout-elements.md"
    }
    _, body = read_markdown(site / "post/2018/blocks-layout-elements.md")
    assert "[another button](/post/2019/block-button/)" in body


def test_changed_options_rewrite_everything(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    site = tmp_path / "site"
    convert(archive, site)
    report = convert(archive, site, front_matter="toml")
    assert report.written == 16
    assert (site / "page/about-us.md").read_text(encoding="utf-8").startswith("+++\n")


def test_a_new_item_may_take_a_deleted_items_path(tmp_path, monkeypatch):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    site = tmp_path / "site"
    convert(archive, site)
    # The reading-room post is deleted and the workshop notes get its slug (and lose their
    # password): one file, now the notes'.
    newer = edited(
        SAMPLE,
        tmp_path / "newer.xml",
        replace={
            "<wp:post_name><![CDATA[notes-from-the-supply-chains-workshop]]></wp:post_name>": (
                "<wp:post_name><![CDATA[reading-room-closed-august-bank-holiday]]></wp:post_name>"
            ),
            "<wp:post_password><![CDATA[riverside-2023]]></wp:post_password>": (
                "<wp:post_password><![CDATA[]]></wp:post_password>"
            ),
        },
        drop_id=9,
    )
    wpmigrate(monkeypatch, "sync", archive, newer, "--quiet")
    for keep_deleted in (False, True):
        report = convert(archive, site, keep_deleted=keep_deleted)
        data, _ = read_markdown(site / "post/reading-room-closed-august-bank-holiday.md")
        assert data["id"] == 10 and "deleted" not in data
        assert report.marked_deleted == 0


def test_a_folder_holds_one_sites_conversion(tmp_path, monkeypatch, capsys):
    sample = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    theme = export(monkeypatch, THEME_UNIT, tmp_path / "theme.db")
    site = tmp_path / "site"
    wpmigrate(monkeypatch, "convert", sample, site, "--to", "markdown", "-q")
    before = stamps(site)
    error = wpmigrate_fails(monkeypatch, capsys, "convert", theme, site, "--to", "markdown")
    assert error == (
        f"wpmigrate: error: {site} holds a conversion of another site "
        "(https://library.example.org); convert into another folder"
    )
    assert stamps(site) == before
