"""An archive on read-only media: `query`, `search`, `log` and `convert` read it (WAL mode
included), and `export`/`sync` say it is read-only, not that it is "not a SQLite archive".

Read-only media is a read-only bind mount of the archive's folder when the tests run as
root (root writes through file permissions), and a folder without write permission
otherwise: in both SQLite cannot create the archive's `-shm` file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"


def wpmigrate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def read_only_archive(tmp_path_factory):
    """The sample's archive, in WAL mode as every archive is, in a read-only folder."""
    folder = tmp_path_factory.mktemp("read-only")
    done = wpmigrate("export", SAMPLE, folder / "library.db", "--quiet")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(folder / "library.db") as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
    conn.close()
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", "-o", "ro", folder, folder], check=True)
    else:
        folder.chmod(0o555)
    yield folder / "library.db"
    if os.geteuid() == 0:
        subprocess.run(["umount", folder], check=True)
    else:
        folder.chmod(0o755)


def test_query_reads_it(read_only_archive):
    done = wpmigrate("query", read_only_archive, "select count(*) as n from items", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": 22}]


def test_search_and_log_read_it(read_only_archive):
    found = wpmigrate("search", read_only_archive, "water", "--json")
    assert found.returncode == 0, found.stderr
    assert 34 in [row["id"] for row in json.loads(found.stdout)]
    log = wpmigrate("log", read_only_archive, "--json")
    assert log.returncode == 0, log.stderr
    assert [(r["command"], r["status"], r["added"]) for r in json.loads(log.stdout)] == [
        ("export", "ok", 22)
    ]


def test_convert_reads_it(read_only_archive, tmp_path):
    done = wpmigrate("convert", read_only_archive, tmp_path / "site", "--to", "markdown")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "site").rglob("*.md"))) == 16


@pytest.mark.parametrize("command", ["export", "sync"])
def test_writing_it_says_read_only(read_only_archive, command):
    args = [SAMPLE, read_only_archive] if command == "export" else [read_only_archive, SAMPLE]
    done = wpmigrate(command, *args, "--quiet")
    assert done.returncode == 1
    assert done.stderr.startswith(f"wpmigrate: error: archive {read_only_archive} is on read-only")
    assert "not a SQLite archive" not in done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert sorted(p.name for p in read_only_archive.parent.iterdir()) == ["library.db"]


def test_a_file_that_is_not_sqlite_is_still_called_so(tmp_path):
    junk = tmp_path / "library.db"
    shutil.copyfile(ROOT / "tests" / "fixtures" / "wxr" / "junk.bin", junk)
    done = wpmigrate("query", junk, "select 1")
    assert done.returncode == 1
    assert done.stderr == (
        f"wpmigrate: error: {junk} is not a SQLite archive (file is not a database)\n"
    )
