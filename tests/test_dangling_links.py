"""No dangling foreign key: a row pointing at an item, media, term or comment the source does
not have is kept, its link dropped and counted (`runs.counts.unlinked`, the summary).

The file is the shipped sample with a parent page, a featured image, a parent category and a
parent comment taken out, as a partial export (Tools > Export of one post type) leaves them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from cli_support import wpmigrate

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"
EXPECTED_UNLINKED = {"comments.parent_id": 1, "items.featured_media_id": 1, "items.parent_id": 1}


def without(text: str, block: str, id_tag: str, value: int) -> str:
    """`text` without the `<block>` whose `<id_tag>` is `value`."""
    pattern = re.compile(
        rf"<{block}>(?:(?!</{block}>).)*?<{id_tag}>(?:<!\[CDATA\[)?{value}(?:\]\]>)?</{id_tag}>"
        rf".*?</{block}>\s*",
        re.DOTALL,
    )
    text, found = pattern.subn("", text, count=1)
    assert found == 1, (block, value)
    return text


@pytest.fixture
def partial_export(tmp_path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    text = without(text, "item", "wp:post_id", 2)  # the parent of page 3
    text = without(text, "item", "wp:post_id", 21)  # the featured image of publication 19
    text = without(text, "wp:category", "wp:term_id", 2)  # the parent of category 3
    text = without(text, "wp:comment", "wp:comment_id", 1)  # the parent of comment 2
    path = tmp_path / "partial.xml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql).fetchall()


def test_links_to_missing_rows_are_dropped_and_counted(
    partial_export, tmp_path, monkeypatch, capsys
):
    archive = tmp_path / "library.db"
    code, err = wpmigrate(monkeypatch, capsys, "export", partial_export, archive)

    assert code == 0, err
    assert err.splitlines()[-1] == (
        "warning: 3 links to rows the source does not have were dropped "
        "(comments.parent_id 1, items.featured_media_id 1, items.parent_id 1)"
    )
    assert rows(archive, "pragma foreign_key_check") == []
    counts = json.loads(rows(archive, "select counts from runs")[0][0])
    assert counts["unlinked"] == EXPECTED_UNLINKED
    # The rows stay, without the link.
    assert rows(archive, "select id, parent_id from items where id = 3") == [(3, None)]
    assert rows(archive, "select id, featured_media_id from items where id = 19") == [(19, None)]
    assert rows(archive, "select id, parent_id from comments where id = 2") == [(2, None)]
    assert rows(archive, "select id, parent_id from terms where id = 3") == [(3, None)]

    code, err = wpmigrate(monkeypatch, capsys, "sync", archive, "--quiet")
    assert (code, err) == (0, "")
    assert rows(archive, "pragma foreign_key_check") == []
    assert "unlinked" not in json.loads(rows(archive, "select max(id), counts from runs")[0][1])


def test_the_whole_file_has_no_dangling_link(tmp_path, monkeypatch, capsys):
    archive = tmp_path / "library.db"
    code, err = wpmigrate(monkeypatch, capsys, "export", SAMPLE, archive)
    assert code == 0, err
    assert "links to rows" not in err
    assert rows(archive, "pragma foreign_key_check") == []
    assert "unlinked" not in json.loads(rows(archive, "select counts from runs")[0][0])
