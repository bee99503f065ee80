"""The archive records where its WXR file is as an absolute path, so `sync` runs from anywhere."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"


def wpmigrate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def recorded(archive: Path) -> tuple[str, list[str]]:
    with sqlite3.connect(archive) as conn:
        location = conn.execute("select source_location from site").fetchone()[0]
        sources = [r[0] for r in conn.execute("select source from runs order by id")]
    return location, sources


def test_a_relative_wxr_path_is_recorded_absolute_and_syncs_from_elsewhere(tmp_path):
    export_dir, elsewhere = tmp_path / "exports", tmp_path / "cron"
    export_dir.mkdir()
    elsewhere.mkdir()
    shutil.copy(SAMPLE, export_dir / "site.xml")
    archive = tmp_path / "library.db"

    exported = wpmigrate("export", "site.xml", str(archive), "-q", cwd=export_dir)
    assert exported.returncode == 0, exported.stderr
    absolute = str(export_dir / "site.xml")
    assert recorded(archive) == (absolute, [absolute])

    synced = wpmigrate("sync", str(archive), "-q", cwd=elsewhere)
    assert synced.returncode == 0, synced.stderr
    assert recorded(archive) == (absolute, [absolute, absolute])


def test_an_older_archive_with_a_relative_path_syncs_from_where_it_was_made(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "site.xml")
    archive = tmp_path / "library.db"
    assert wpmigrate("export", "site.xml", "library.db", "-q", cwd=tmp_path).returncode == 0
    with sqlite3.connect(archive) as conn:  # as wpmigrate before this fix recorded it
        conn.execute("update site set source_location = 'site.xml'")
        conn.execute("update runs set source = 'site.xml'")

    synced = wpmigrate("sync", "library.db", "-q", cwd=tmp_path)
    assert synced.returncode == 0, synced.stderr
    absolute = str(tmp_path / "site.xml")
    assert recorded(archive) == (absolute, ["site.xml", absolute])
