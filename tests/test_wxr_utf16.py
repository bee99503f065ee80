"""A WXR file saved as UTF-16 or UTF-32 (as Windows editors save one) reads as its UTF-8
original does; a broken one is one line that says UTF-16, not "not XML".
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from wpmigrate import runs
from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import open_source

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "wxr"
ORIGINAL = (FIXTURES / "wxr-1.1.xml").read_text(encoding="utf-8")
TABLES = ["items", "terms", "item_terms", "authors", "comments", "fields", "media"]


def declared(encoding: str) -> str:
    return re.sub(r'encoding="[^"]*"', f'encoding="{encoding}"', ORIGINAL, count=1)


def export(path: Path) -> dict[str, list[tuple]]:
    mapping = load_mapping([])
    archive = path.with_suffix(".db")
    runs.run(
        open_source(str(path), mapping), archive, mapping, command="export", detect_deletions=False
    )
    with sqlite3.connect(archive) as conn:
        return {
            table: conn.execute(f"select * from {table} order by rowid").fetchall()
            for table in TABLES
        }


def content(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows without the run's timestamps (`fetched_at`), which differ from run to run."""
    return {
        table: [
            tuple(v for v in row if not (isinstance(v, str) and v.endswith("Z") and "T" in v))
            for row in table_rows
        ]
        for table, table_rows in rows.items()
    }


@pytest.fixture(scope="module")
def utf8_rows(tmp_path_factory):
    path = tmp_path_factory.mktemp("utf8") / "original.xml"
    path.write_text(ORIGINAL, encoding="utf-8")
    return content(export(path))


@pytest.mark.parametrize(
    "saved",
    [
        pytest.param(declared("UTF-16").encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(declared("UTF-16LE").encode("utf-16-le"), id="utf-16-le without BOM"),
        pytest.param(ORIGINAL.encode("utf-16-be"), id="utf-16-be, declared UTF-8"),
        pytest.param(declared("UTF-32").encode("utf-32"), id="utf-32 with BOM"),
    ],
)
def test_a_utf16_file_reads_as_its_utf8_original(tmp_path, utf8_rows, saved):
    path = tmp_path / "export.xml"
    path.write_bytes(saved)
    rows = content(export(path))
    assert rows == utf8_rows
    assert len(rows["items"]) == 2 and len(rows["comments"]) == 1


def test_a_broken_utf16_file_says_so(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(declared("UTF-16").encode("utf-16") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(SourceError) as raised:
        export(path)
    assert str(raised.value) == (
        f"{path}: not a readable WXR file (not valid UTF-16: unexpected end of data)"
    )
    assert not path.with_suffix(".db").exists()
