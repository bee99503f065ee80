"""`wpmigrate inspect`: what a source holds, read without writing an archive; a draft mapping."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wpmigrate.cli import cli
from wpmigrate.errors import MappingError
from wpmigrate.mapping import Column, load_mapping
from wpmigrate.model import Item, Media, Record
from wpmigrate.report import SiteReport, TypeReport, draft_mapping, inspect_source
from wpmigrate.sources import open_source
from wpmigrate.sources.base import EMPTY_STATE, SourceState

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"


def wpmigrate(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sample_report() -> SiteReport:
    mapping = load_mapping([])
    return inspect_source(open_source(str(SAMPLE), mapping), mapping)


def kinds(report: TypeReport) -> dict[str, tuple[str, int, str]]:
    return {f.name: (f.origin, f.items, f.label) for f in report.fields}


# -- the report ------------------------------------------------------------------------------


def test_types_with_counts_and_taxonomies_with_term_counts():
    report = sample_report()
    assert report.title == "Riverside Research Library"
    assert [(t.name, t.items, t.statuses) for t in report.types] == [
        (
            "publication",
            14,
            {"publish": 9, "draft": 1, "private": 1, "pending": 1, "future": 1, "trash": 1},
        ),
        ("page", 4, {"publish": 4}),
        ("post", 4, {"publish": 4}),
    ]
    assert report.media == 10
    assert [(t.name, t.terms, t.types) for t in report.taxonomies] == [
        ("category", 4, ["post"]),
        ("post_tag", 4, ["post"]),
        ("resource_type", 4, ["publication"]),
        ("region", 4, ["publication"]),
    ]
    assert report.skipped["acf-field"] == 15
    assert report.skipped["taxonomy:nav_menu"] == 1


def test_fields_of_each_type_with_a_guessed_kind_and_samples():
    publication = sample_report().type("publication")
    assert kinds(publication) == {
        "report_pdf": ("acf", 5, "attachment id"),
        "publication_date": ("acf", 13, "date (Ymd)"),
        "featured_report": ("acf", 14, "bool"),
        "authors_list": ("acf", 14, "list (split ';')"),
        "legacy_code": ("meta", 1, "text"),
        "partners": ("acf", 2, "rows (repeater)"),
        "contact": ("acf", 1, "object (group)"),
        "sections": ("acf", 1, "rows (repeater)"),
        "related_publications": ("acf", 1, "list"),
        "topics": ("acf", 2, "list"),
    }
    samples = {f.name: f.samples for f in publication.fields}
    assert samples["publication_date"] == ["20211005", "20190423", "20240618"]
    assert samples["authors_list"] == ["Daniel Okafor", "Zoë Åberg", "Zoë Åberg; Priya Raman"]
    assert samples["topics"] == ['["water", "health"]', '["labour", "governance"]']
    assert publication.taxonomies == ["resource_type", "region"]
    assert publication.featured_images == 3


class FakeSource:
    kind = "wxr"

    fraction = None
    requests_made = None

    def __init__(self, records: list[Record]):
        self._records = records
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []

    def describe(self) -> str:
        return "fake.xml"

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator[Record]:
        yield from self._records


GUESSES = [
    ("date (Ymd)", ["20240315", "19991231"]),
    ("date", ["2024-03-15", "1999-12-31"]),
    ("datetime", ["2024-03-15 10:00:00", "2024-03-15T10:00:00Z"]),
    ("attachment id", [16, "25"]),
    ("integer", [16, "999"]),  # 999 is no attachment
    ("number", ["2.5", 3]),
    ("bool", [True, False]),
    ("bool", ["1", "0"]),
    ("URL", ["https://a.example/x", "http://b.example"]),
    ("HTML", ["<p>Hello</p>", "plain words too"]),
    ("HTML", ["<p>One; two</p>", "a; b"]),
    ("list (split ';')", ["Jane Doe; Ahmed Khan", "Priya Raman"]),
    ("list", [["water", "health"], ["labour"]]),
    ("rows (repeater)", [[{"name": "A"}]]),
    ("object (group)", [{"email": "x@y.org"}]),
    ("text", ["Report", "https://a.example/x"]),
    ("text", ["20240315", "soon"]),
    ("always empty", ["", None]),
]


@pytest.mark.parametrize(("label", "values"), GUESSES)
def test_the_kind_guessed_from_the_values(label, values):
    items: list[Record] = [
        Item(i, "thing", "publish", fields={"f": v}) for i, v in enumerate(values, start=1)
    ]
    report = inspect_source(FakeSource([Media(16, "u"), Media(25, "v"), *items]))
    assert report.type("thing").fields[0].label == label


# -- the command -----------------------------------------------------------------------------


def test_inspect_prints_types_taxonomies_and_fields_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = wpmigrate("inspect", str(SAMPLE))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:17] == [
        f"Riverside Research Library: {SAMPLE} (wxr)",
        "",
        "Post types",
        "  type           items  statuses",
        "  -----------  -------  -----------------------------------------------------------",
        "  publication       14  publish 9, draft 1, private 1, pending 1, future 1, trash 1",
        "  page               4  publish 4",
        "  post               4  publish 4",
        "  attachment        10  (media)",
        "",
        "Taxonomies",
        "  taxonomy         terms  used by",
        "  -------------  -------  -----------",
        "  category             4  post",
        "  post_tag             4  post",
        "  resource_type        4  publication",
        "  region               4  publication",
    ]
    assert "Fields of publication (14 items)" in lines
    assert (
        "  publication_date      acf          13  date (Ymd)        20211005 | 20190423 | 20240618"
        in lines
    )
    assert "  report_pdf            acf           5  attachment id     16 | 18 | 20" in lines
    assert lines[-1].startswith("Skipped: acf-field 15, acf-field-group 1, auto-draft 1")
    assert list(tmp_path.iterdir()) == []


def test_inspect_json(tmp_path):
    result = wpmigrate("inspect", str(SAMPLE), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [t["name"] for t in report["types"]] == ["publication", "page", "post"]
    dates = next(f for f in report["types"][0]["fields"] if f["name"] == "publication_date")
    assert dates == {
        "name": "publication_date",
        "origin": "acf",
        "items": 13,
        "kind": "date_ymd",
        "samples": ["20211005", "20190423", "20240618"],
    }


DRAFTED_COLUMNS = {
    "title": Column("title", "title", "text", search=True),
    "status": Column("status", "status"),
    "date": Column("date", "date_gmt", "datetime"),
    "link": Column("link", "link"),
    "report_pdf": Column("report_pdf", "acf.report_pdf", "media_url"),
    "publication_date": Column("publication_date", "acf.publication_date", "date", "%Y%m%d"),
    "featured_report": Column("featured_report", "acf.featured_report", "bool"),
    "authors_list": Column("authors_list", "acf.authors_list", "list", split=";"),
    "legacy_code": Column("legacy_code", "meta.legacy_code"),
    "partners": Column("partners", "acf.partners", "json"),
    "contact": Column("contact", "acf.contact", "json"),
    "sections": Column("sections", "acf.sections", "json"),
    "related_publications": Column("related_publications", "acf.related_publications", "list"),
    "topics": Column("topics", "acf.topics", "list"),
    "resource_type": Column("resource_type", "terms.resource_type", "list"),
    "region": Column("region", "terms.region", "list"),
    "image_url": Column("image_url", "media.url"),
}


def test_write_mapping_drafts_a_mapping_that_loads_and_exports(tmp_path):
    draft = tmp_path / "draft.toml"
    result = wpmigrate("inspect", str(SAMPLE), "--write-mapping", str(draft))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"wrote a draft mapping to {draft}\n"
    text = draft.read_text()
    assert text.startswith(f"# Drafted by `wpmigrate inspect {SAMPLE}`.\n")
    assert "[types.publication]  # 14 items\n" in text
    types = load_mapping([draft]).types
    assert list(types) == ["publication"]
    assert types["publication"].table == "publications"
    assert {c.name: c for c in types["publication"].columns} == DRAFTED_COLUMNS

    archive = tmp_path / "library.db"
    exported = wpmigrate("export", str(SAMPLE), str(archive), "--mapping", str(draft))
    assert exported.exit_code == 0, exported.stderr
    with sqlite3.connect(archive) as conn:
        row = conn.execute(
            "select publication_date, featured_report, authors_list, report_pdf, resource_type, "
            "image_url from publications where item_id = 23"
        ).fetchone()
        assert row == (
            "2024-03-15",
            1,
            '["Jane Doe", "Ahmed Khan"]',
            "https://library.example.org/wp-content/uploads/2024/03/water-report.pdf",
            '["Report"]',
            "https://library.example.org/wp-content/uploads/2024/03/water-report-cover.png",
        )
        assert conn.execute("select count(*) from publications").fetchone() == (13,)


def test_write_mapping_keeps_an_existing_file_unless_forced(tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text("# mine\n")
    with pytest.raises(MappingError) as refused:
        wpmigrate("inspect", str(SAMPLE), "--write-mapping", str(draft))
    assert str(refused.value) == f"{draft}: file exists (use --force to replace it)"
    assert draft.read_text() == "# mine\n"
    forced = wpmigrate("inspect", str(SAMPLE), "--write-mapping", str(draft), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "publications" in draft.read_text()


def report_of(*types: str) -> SiteReport:
    return SiteReport(
        source="site.xml",
        kind="wxr",
        title="Site",
        types=[TypeReport(t, 1, {"publish": 1}, [], [], 0) for t in types],
        taxonomies=[],
        media=0,
        skipped={},
    )


def test_drafted_tables_are_named_after_custom_types_and_avoid_core_tables(tmp_path):
    types = ("post", "page", "event", "tribe_events", "case-study", "item", "story")
    draft = tmp_path / "draft.toml"
    draft.write_text(draft_mapping(report_of(*types)))
    assert {t: spec.table for t, spec in load_mapping([draft]).types.items()} == {
        "event": "event_items",
        "tribe_events": "tribe_events",
        "case-study": "case_studies",
        "item": "item_items",
        "story": "stories",
    }


def test_a_site_without_custom_types_drafts_tables_for_posts_and_pages(tmp_path):
    draft = tmp_path / "draft.toml"
    draft.write_text(draft_mapping(report_of("post", "page")))
    assert {t: spec.table for t, spec in load_mapping([draft]).types.items()} == {
        "post": "posts",
        "page": "pages",
    }
    assert "# No custom post types found: a table for posts" in draft.read_text()


# -- over REST, against the real WordPress ---------------------------------------------------


def test_inspect_reads_the_real_site_over_rest(wordpress, tmp_path):
    draft = tmp_path / "live.toml"
    result = wpmigrate("inspect", wordpress.url, "--write-mapping", str(draft))
    assert result.exit_code == 0, result.stderr
    assert "  publication       12  publish 12" in result.stdout.splitlines()
    publication: dict[str, Any] = {
        f.name: f for f in load_mapping([draft]).types["publication"].columns
    }
    assert publication["report_pdf"] == Column("report_pdf", "acf.report_pdf", "media_url")
    assert publication["publication_date"] == Column(
        "publication_date", "acf.publication_date", "date", "%Y%m%d"
    )
    assert publication["featured_report"] == Column(
        "featured_report", "acf.featured_report", "bool"
    )
    assert publication["authors_list"] == Column(
        "authors_list", "acf.authors_list", "list", split=";"
    )
    assert publication["partners"] == Column("partners", "acf.partners", "json")
