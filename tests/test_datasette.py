"""Datasette opens an archive as it is: tables, full-text search, foreign-key labels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("datasette") / "library.db"
    subprocess.run(
        [sys.executable, "-m", "wpmigrate", "export", str(SAMPLE), str(path), "--quiet"],
        check=True,
    )
    return path


def datasette_get(archive: Path, path: str):
    result = subprocess.run(
        [sys.executable, "-m", "datasette", str(archive), "--get", path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_full_text_search_works_in_datasette(archive):
    rows = datasette_get(
        archive, "/library/items.json?_search=forced+labour&_shape=array&_col=title&_sort=id"
    )
    assert rows == [
        {"id": 19, "title": "Hidden Hands: Forced Labour in Global Supply Chains"},
        {"id": 26, "title": "Policy Paper: Due Diligence Laws and Forced Labour in Europe"},
    ]


def test_foreign_keys_show_as_labels(archive):
    rows = datasette_get(archive, "/library/item_terms.json?_labels=on&_shape=array&_size=1")
    assert rows == [
        {
            "item_id": {"value": 8, "label": "Welcome to the new Riverside Research Library"},
            "term_id": {"value": 2, "label": "News"},
        }
    ]


def test_every_table_is_listed(archive):
    tables = {t["name"] for t in datasette_get(archive, "/library.json")["tables"]}
    assert {"items", "terms", "item_terms", "authors", "media", "comments", "fields"} <= tables
    assert {"site", "runs", "changes", "events", "items_fts"} <= tables
