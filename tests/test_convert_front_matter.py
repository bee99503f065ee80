"""`convert --to markdown`: front matter that parses (PyYAML, tomllib) and holds exactly the
archive's values: dates as the same instants with their offset, taxonomies by name, ACF
fields (repeaters as lists of objects), mapped columns, the old URL as an alias, and
events' start, end and venue."""

from __future__ import annotations

import json
import sqlite3
import tomllib
from datetime import UTC, datetime

import pytest
import yaml
from convert_support import ROOT, SAMPLE, export, read_markdown, wpmigrate

from wpmigrate.convert import frontmatter

MAPPING = ROOT / "mappings" / "research-library.toml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("front-matter")
    with pytest.MonkeyPatch.context() as monkeypatch:
        archive = export(monkeypatch, SAMPLE, folder / "library.db", "--mapping", MAPPING)
        for fmt in ("yaml", "toml"):
            wpmigrate(
                monkeypatch,
                "convert",
                archive,
                folder / fmt,
                "--to",
                "markdown",
                "--front-matter",
                fmt,
                "--include-unpublished",
                "-q",
            )
    return archive, folder


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_yaml_and_toml_hold_the_same_values(sample):
    _, folder = sample
    files = sorted(p.relative_to(folder / "yaml") for p in (folder / "yaml").rglob("*.md"))
    assert len(files) == 21  # every live item, drafts included; not the trashed one
    for path in files:
        yaml_data, yaml_body = read_markdown(folder / "yaml" / path)
        toml_data, toml_body = read_markdown(folder / "toml" / path)
        assert yaml_data == toml_data
        assert yaml_body == toml_body


def test_one_publication_exactly(sample):
    _, folder = sample
    data, _ = read_markdown(
        folder / "yaml" / "publication" / "hidden-hands-forced-labour-supply-chains.md"
    )
    reports = data.pop("reports")
    assert data == {
        "title": "Hidden Hands: Forced Labour in Global Supply Chains",
        "date": "2023-07-04T09:00:00+01:00",
        "modified": "2024-01-12T15:32:17+01:00",
        "slug": "hidden-hands-forced-labour-supply-chains",
        "type": "publication",
        "status": "publish",
        "id": 19,
        "author": "Research & Policy Team",
        "resource_type": ["Policy paper"],
        "region": ["South Asia"],
        "excerpt": "Forced labour rarely shows up in first-tier audits. This paper maps where "
        "audits fail and what buyers can do about it",
        "featured_image": "https://library.example.org/wp-content/uploads/2023/07/factory-floor.png",
        "aliases": ["/publications/hidden-hands-forced-labour-supply-chains/"],
        "fields": {
            "authors_list": "Research & Policy Team",
            "featured_report": True,
            "partners": [{"name": "Fair Thread Alliance", "url": "https://fairthread.example.org"}],
            "publication_date": "20230704",
            "report_pdf": 20,
        },
    }
    assert (
        reports["pdf_url"]
        == "https://library.example.org/wp-content/uploads/2023/07/hidden-hands.pdf"
    )
    assert reports["partners"] == [
        {"name": "Fair Thread Alliance", "url": "https://fairthread.example.org"}
    ]
    assert reports["published_on"] == "2023-07-04"


def test_every_file_holds_the_archive_values(sample):
    archive, folder = sample
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        items = conn.execute("select * from items where deleted_at is null").fetchall()
        terms = conn.execute(
            "select it.item_id, t.taxonomy, t.name from item_terms it "
            "join terms t on t.id = it.term_id order by it.item_id, t.id"
        ).fetchall()
        fields = conn.execute("select item_id, name, value from fields").fetchall()
        authors = dict(conn.execute("select id, name from authors").fetchall())
    keys = {"category": "categories", "post_tag": "tags"}
    for item in items:
        data, _ = read_markdown(folder / "toml" / item["type"] / f"{item['slug']}.md")
        assert data["title"] == item["title"]
        assert data["id"] == item["id"] and data["status"] == item["status"]
        hidden = item["status"] != "publish" or item["password_protected"]
        assert data.get("draft", False) is bool(hidden)
        assert data.get("password_protected", False) is bool(item["password_protected"])
        assert data.get("author") == authors.get(item["author_id"])
        assert data.get("excerpt", "") == item["excerpt"]
        assert instant(data["modified"]) == instant(item["modified_gmt"])
        if item["date_gmt"]:
            assert instant(data["date"]) == instant(item["date_gmt"])
            assert data["date"][:19] == item["date"]  # site time, with its offset
        else:  # a draft never scheduled: its site time as WordPress shows it
            assert data["date"] == item["date"]
        expected: dict[str, list[str]] = {}
        for row in terms:
            if row["item_id"] == item["id"]:
                expected.setdefault(keys.get(row["taxonomy"], row["taxonomy"]), []).append(
                    row["name"]
                )
        for key, names in expected.items():
            assert data[key] == names
        values = {r["name"]: json.loads(r["value"]) for r in fields if r["item_id"] == item["id"]}
        values = {k: v for k, v in values.items() if v not in ("", None, [], {})}
        assert data.get("fields", {}) == values


def test_drafts_private_and_protected_items_are_left_out_by_default(sample, tmp_path, monkeypatch):
    archive, _ = sample
    wpmigrate(monkeypatch, "convert", archive, tmp_path, "--to", "markdown", "-q")
    written = {p.stem for p in tmp_path.rglob("*.md")}
    assert len(written) == 16
    assert "draft-coastal-flooding-insurance-gaps" not in written
    assert "internal-review-partner-due-diligence-checklist" not in written  # private
    # Its content was for members with the password: not for a public static site.
    assert "notes-from-the-supply-chains-workshop" not in written


def test_events_carry_start_end_and_venue(wordpress, tmp_path, monkeypatch):
    wordpress.set_event_plugins(True)
    try:
        wxr = wordpress.export_wxr(tmp_path / "site.xml")
    finally:
        wordpress.set_event_plugins(False)
    archive = export(monkeypatch, wxr, tmp_path / "events.db")
    wpmigrate(
        monkeypatch,
        "convert",
        archive,
        tmp_path / "site",
        "--to",
        "markdown",
        "--types",
        "tribe_events",
        "-q",
    )
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        events = conn.execute(
            "select i.slug, e.* from events e join items i on i.id = e.item_id "
            "where i.status = 'publish'"
        ).fetchall()
    assert events
    for event in events:
        data, _ = read_markdown(tmp_path / "site" / "tribe_events" / f"{event['slug']}.md")
        assert data["event"]["start"] == event["start"]
        assert data["event"]["end"] == event["end"]
        assert data["event"].get("venue") == (event["venue"] or None)
        assert data["event"]["all_day"] is bool(event["all_day"])


def test_values_that_could_change_meaning_come_back_the_same():
    tricky = {
        "title": 'yes: "quoted" #not-a-comment\n- not a list\tend',
        "on": "no",
        "null": "~",
        "version": "1.0",
        "when": "2024-03-15",
        "text": "line\u2028separator, next\x85line, del\x7f, bom\ufeff, emoji 😀, control \x01",
        "fields": {
            "y": ["true", 1, 1.5, False, ["nested", 2]],
            "rows": [{"name": "Zoë", "url": "https://example.org/?a=1&b=2"}, {"on": True}],
            "weird key: with colon": {"": "empty key"},
        },
    }
    for fmt in ("yaml", "toml"):
        text = frontmatter.dump(tricky, fmt)
        fence = text[:4]
        head = text[4 : -len(fence)]
        back = yaml.safe_load(head) if fmt == "yaml" else tomllib.loads(head)
        assert back == tricky, fmt
