"""`convert --to jsonl`: one JSON object per item, for scripts and other CMSs' importers:
every items column, the author, terms by taxonomy, fields, media, comments, the event and
mapped columns; to a file or, with `-`, to stdout."""

from __future__ import annotations

import json
import sqlite3

from convert_support import ROOT, SAMPLE, TEST_SITE, export, wpmigrate, wpmigrate_fails


def test_one_object_per_item_with_everything_attached(tmp_path, monkeypatch):
    archive = export(
        monkeypatch, SAMPLE, tmp_path / "library.db", "--mapping",
        ROOT / "mappings" / "research-library.toml",
    )  # fmt: skip
    out = tmp_path / "items.jsonl"
    wpmigrate(monkeypatch, "convert", archive, out, "--to", "jsonl", "-q", "--include-unpublished")
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        rows = {
            r["id"]: dict(r) for r in conn.execute("select * from items where deleted_at is null")
        }
        media = conn.execute("select id, item_id from media where deleted_at is null").fetchall()
    assert [r["id"] for r in records] == sorted(rows)
    for record in records:
        assert {k: record[k] for k in rows[record["id"]]} == rows[record["id"]]
    water = next(r for r in records if r["slug"] == "water-for-all")
    assert water["author"] == {"id": 2, "login": "zaberg", "name": "Zoë Åberg", "slug": "zaberg"}
    assert water["terms"] == {
        "resource_type": [{"id": 9, "name": "Report", "slug": "report"}],
        "region": [{"id": 13, "name": "East Africa", "slug": "east-africa"}],
    }
    assert water["fields"]["partners"][1] == {
        "name": "Institut für Wasserforschung Nord",
        "url": "https://iwn.example.de",
    }
    assert water["fields"]["report_pdf"] == 24
    assert water["featured_media"]["url"] == (
        "https://library.example.org/wp-content/uploads/2024/03/water-report-cover.png"
    )
    assert sorted(m["id"] for m in water["media"]) == sorted(
        m["id"] for m in media if m["item_id"] == water["id"]
    )
    assert water["mapped"]["reports"]["published_on"] == "2024-03-15"
    assert water["mapped"]["reports"]["authors"] == ["Jane Doe", "Ahmed Khan"]
    assert water["event"] is None and water["comments"] == []


def test_comments_and_stdout(tmp_path, monkeypatch, capsys):
    archive = export(monkeypatch, TEST_SITE, tmp_path / "site.db")
    text = wpmigrate(
        monkeypatch, "convert", archive, "-", "--to", "jsonl", "--types", "post", capsys=capsys
    )
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["type"] for r in records] == ["post"] * 5  # published, no password
    with sqlite3.connect(archive) as conn:
        expected = conn.execute(
            "select item_id, id, author_name, content_text from comments "
            "where deleted_at is null order by item_id, id"
        ).fetchall()
    got = [
        (r["id"], c["id"], c["author_name"], c["content_text"])
        for r in records
        for c in r["comments"]
    ]
    assert got == [row for row in expected if row[0] in {r["id"] for r in records}]
    assert len(got) == 4


def test_an_unwritable_target_is_one_line(tmp_path, monkeypatch, capsys):
    archive = export(monkeypatch, SAMPLE, tmp_path / "library.db")
    error = wpmigrate_fails(
        monkeypatch, capsys, "convert", archive, tmp_path / "missing" / "x.jsonl", "--to", "jsonl"
    )
    assert error.startswith("wpmigrate: error: cannot write ") and error.endswith(
        "No such file or directory"
    )
    out = tmp_path / "items.jsonl"
    error = wpmigrate_fails(
        monkeypatch, capsys, "convert", tmp_path / "nope.db", out, "--to", "jsonl"
    )
    assert error == f"wpmigrate: error: archive {tmp_path / 'nope.db'} does not exist"
    assert not out.exists()
