"""What the commands say: every option a message suggests exists, `inspect --write-mapping`
checks its target before reading the site and drafts tables for posts and pages too."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from wpmigrate.mapping import load_mapping

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
THEME_UNIT = (
    ROOT / "tests" / "fixtures" / "wxr" / "theme-test-data" / "themeunittestdata.wordpress.xml"
)


def wpmigrate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args], capture_output=True, text=True, timeout=300
    )


def count(archive: Path, sql: str) -> int:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql).fetchone()[0]


def test_export_into_another_sites_archive_suggests_an_option_export_has(tmp_path):
    archive = tmp_path / "library.db"
    assert wpmigrate("export", str(SAMPLE), str(archive), "-q").returncode == 0
    other = tmp_path / "other.xml"
    other.write_text(
        SAMPLE.read_text(encoding="utf-8").replace(
            "https://library.example.org", "https://elsewhere.example.net"
        ),
        encoding="utf-8",
    )

    refused = wpmigrate("export", str(other), str(archive), "-q")
    assert refused.returncode == 1
    assert refused.stderr == (
        "wpmigrate: error: source mismatch: the archive holds https://library.example.org, "
        "the source is https://elsewhere.example.net; use --force to write it anyway\n"
    )
    # a refused run from a file leaves the archive as it was: not even a failed run is logged
    assert count(archive, "select count(*) from runs") == 1

    forced = wpmigrate("export", str(other), str(archive), "-q", "--force")
    assert forced.returncode == 0, forced.stderr
    assert count(archive, "select count(*) from site where url like '%elsewhere%'") == 1


def test_write_mapping_checks_an_existing_file_before_reading_the_site(tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text("# mine\n")

    refused = wpmigrate("inspect", str(SAMPLE), "--write-mapping", str(draft))

    assert refused.returncode == 1
    assert refused.stdout == ""  # no report printed before the refusal
    assert refused.stderr == f"wpmigrate: error: {draft}: file exists (use --force to replace it)\n"
    assert draft.read_text() == "# mine\n"
    missing = wpmigrate("inspect", str(SAMPLE), "--write-mapping", str(tmp_path / "no/x.toml"))
    assert (missing.returncode, missing.stdout) == (1, "")
    assert "folder" in missing.stderr and "does not exist" in missing.stderr


def test_a_posts_and_pages_site_gets_a_draft_for_posts_and_pages(tmp_path):
    draft, archive = tmp_path / "draft.toml", tmp_path / "theme.db"
    result = wpmigrate("inspect", str(THEME_UNIT), "--write-mapping", str(draft))
    assert result.returncode == 0, result.stderr

    types = load_mapping([draft]).types
    assert {t: spec.table for t, spec in types.items()} == {"post": "posts", "page": "pages"}
    post_columns = {c.name: (c.source, c.convert) for c in types["post"].columns}
    assert post_columns["category"] == ("terms.category", "list")
    assert post_columns["post_tag"] == ("terms.post_tag", "list")
    assert post_columns["title"] == ("title", "text")

    exported = wpmigrate("export", str(THEME_UNIT), str(archive), "--mapping", str(draft), "-q")
    assert exported.returncode == 0, exported.stderr
    for post_type, table in (("post", "posts"), ("page", "pages")):
        items = count(archive, f"select count(*) from items where type = '{post_type}'")
        assert items > 0
        assert count(archive, f"select count(*) from {table}") == items
