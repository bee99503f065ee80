"""Run integrity: a run from a file lands whole or changes nothing, any failure marks its run
`failed` with one line on stderr, and a failed first export leaves no file behind.

Files are the shipped sample and WordPress's theme test data, broken the way real files break
(cut off mid-way); sites are the REST responses recorded on the test WordPress, replayed by a
local server (tests/rest_support.py). A full disk is SQLite's own SQLITE_FULL, raised by
capping the archive's page count (`PRAGMA max_page_count`) once it is open.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from rest_support import Replay

from wpmigrate import cli, pipeline, runs
from wpmigrate.archive import Archive
from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import open_source

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
THEME_DATA = ROOT / "tests" / "fixtures" / "wxr" / "theme-test-data"
THEME_UNIT = THEME_DATA / "themeunittestdata.wordpress.xml"


def export(source: str | Path, archive: Path, command: str = "export"):
    mapping = load_mapping([])
    return runs.run(
        open_source(str(source), mapping),
        archive,
        mapping,
        command=command,
        detect_deletions=command == "sync",
    )


def wpmigrate(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """`wpmigrate ARGS` in this process: (exit code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args)])
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code or 0
    return code, capsys.readouterr().err


def broken_copy(source: Path, target: Path) -> Path:
    """`source` with every title changed, cut off at 90%: records first, then a parse error."""
    text = source.read_text(encoding="utf-8")
    text = text.replace("<title><![CDATA[", "<title><![CDATA[Changed ")
    target.write_text(text[: int(len(text) * 0.9)], encoding="utf-8")
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def foreign_key_problems(archive: Path) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute("pragma foreign_key_check").fetchall()


def statuses(archive: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(archive) as conn:
        return conn.execute("select status, error from runs order by id").fetchall()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 5 records, so a broken file has committed many before it fails."""
    monkeypatch.setattr(pipeline, "BATCH_SIZE", 5)


# -- a rejected file changes nothing ---------------------------------------------------------


@pytest.mark.parametrize("command", ["export", "sync"])
def test_a_file_that_fails_late_leaves_the_archive_byte_for_byte(tmp_path, small_batches, command):
    archive = tmp_path / "library.db"
    export(THEME_UNIT, archive)
    before = digest(archive)
    broken = broken_copy(THEME_UNIT, tmp_path / "broken.xml")

    with pytest.raises(SourceError, match="not a readable WXR file"):
        export(broken, archive, command)

    assert digest(archive) == before
    assert files_in(tmp_path) == ["broken.xml", "library.db"]


def test_a_file_lands_whole(tmp_path, small_batches):
    archive = tmp_path / "library.db"
    result = export(THEME_UNIT, archive)
    assert result.status == "ok"
    with sqlite3.connect(archive) as conn:
        assert conn.execute("select count(*) from items").fetchone() == (
            result.counts.get("items", "added"),
        )
        assert conn.execute("select status from runs").fetchall() == [("ok",)]
    assert foreign_key_problems(archive) == []


def test_a_failed_first_export_from_a_file_leaves_no_file(tmp_path, small_batches):
    broken = broken_copy(SAMPLE, tmp_path / "broken.xml")
    with pytest.raises(SourceError):
        export(broken, tmp_path / "library.db")
    assert files_in(tmp_path) == ["broken.xml"]  # no archive, -wal, -shm or .lock


def test_the_cli_says_one_line_and_keeps_the_archive(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "library.db"
    export(SAMPLE, archive)
    before = digest(archive)
    broken = broken_copy(SAMPLE, tmp_path / "broken.xml")

    code, err = wpmigrate(monkeypatch, capsys, "sync", archive, broken, "--quiet")

    assert code == 1
    assert re.fullmatch(r"wpmigrate: error: \S+broken\.xml: not a readable WXR file \(.*\)\n", err)
    assert digest(archive) == before


# -- any failure marks its run failed ----------------------------------------------------------


@pytest.fixture
def site(httpserver) -> str:
    """The recorded test site, served again: a URL source, which commits batch by batch."""
    replay = Replay(httpserver.url_for("/").rstrip("/"))
    httpserver.expect_request(re.compile("/.*")).respond_with_handler(replay.werkzeug_handler())
    return replay.base


@pytest.fixture
def full_disk(monkeypatch):
    """Archives opened from now on cannot grow: their next new page is SQLITE_FULL."""
    prepare = Archive._prepare

    def prepare_then_fill(archive: Archive) -> None:
        prepare(archive)
        pages = archive.db.execute("pragma page_count").fetchone()[0]
        archive.db.execute(f"pragma max_page_count = {pages}")

    monkeypatch.setattr(Archive, "_prepare", prepare_then_fill)


def test_a_full_disk_marks_the_run_failed_in_one_line(
    site, tmp_path, full_disk, monkeypatch, capsys
):
    archive = tmp_path / "library.db"
    Archive.open(archive).close()  # an empty archive: the export's rows do not fit

    code, err = wpmigrate(monkeypatch, capsys, "export", site, archive, "--via", "rest", "-q")

    assert code == 1
    assert err == (
        "wpmigrate: error: the disk is full (database or disk is full): "
        "free some space and run the command again\n"
    )
    assert statuses(archive) == [("failed", "OperationalError: database or disk is full")]
    assert foreign_key_problems(archive) == []


def test_an_unexpected_error_marks_the_run_failed_in_one_line(site, tmp_path, monkeypatch, capsys):
    archive = tmp_path / "library.db"
    code, err = wpmigrate(monkeypatch, capsys, "export", site, archive, "--via", "rest", "-q")
    assert code == 0, err

    def broken_cleaner(*_):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline.Exporter, "clean_item", broken_cleaner)
    code, err = wpmigrate(monkeypatch, capsys, "sync", archive, "--full", "--via", "rest", "-q")

    assert code == 1
    assert err == (
        "wpmigrate: error: unexpected ZeroDivisionError: division by zero "
        "(a bug in wpmigrate: please report it)\n"
    )
    assert statuses(archive) == [("ok", None), ("failed", "ZeroDivisionError: division by zero")]
    monkeypatch.undo()  # the next run leaves it failed: not "killed"
    code, err = wpmigrate(monkeypatch, capsys, "sync", archive, "--via", "rest", "-q")
    assert code == 0, err
    assert [s for s, _ in statuses(archive)] == ["ok", "failed", "ok"]


def test_a_failed_first_export_from_a_site_leaves_no_file(
    site, tmp_path, full_disk, monkeypatch, capsys
):
    archive = tmp_path / "library.db"
    code, _ = wpmigrate(monkeypatch, capsys, "export", site, archive, "--via", "rest", "-q")
    assert code == 1
    assert files_in(tmp_path) == []
