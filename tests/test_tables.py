"""Per-type tables: typed columns built from the archive after every export, rebuilt each run."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from wpmigrate.archive import Archive
from wpmigrate.cli import cli
from wpmigrate.conversions import Converter, Unconvertible
from wpmigrate.mapping import Column, load_mapping
from wpmigrate.model import Author, Item, Media, Record, Site, Term
from wpmigrate.pipeline import export
from wpmigrate.sources.base import EMPTY_STATE, SourceState

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
RESEARCH_LIBRARY = ROOT / "mappings" / "research-library.toml"
PDF = "https://lib.example.org/uploads/water.pdf"
COVER = "https://lib.example.org/uploads/cover.png"


def rows(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql).fetchall()


def records(archive: Path, sql: str) -> list[dict[str, Any]]:
    with sqlite3.connect(archive) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute(sql)]


def last_counts(archive: Path) -> dict[str, Any]:
    return json.loads(rows(archive, "select counts from runs order by id desc")[0][0])


# -- every conversion, exact values ----------------------------------------------------------


@pytest.fixture(scope="module")
def converter(tmp_path_factory) -> Iterator[Converter]:
    archive = Archive.open(tmp_path_factory.mktemp("conv") / "a.db")
    archive.db["media"].insert_all([{"id": 16, "url": PDF}, {"id": 25, "url": COVER}])
    yield Converter(archive.db)
    archive.close()


def convert(converter: Converter, convert: str, value: Any, **options: Any) -> Any:
    return converter.convert(value, Column("c", "acf.x", convert, **options))


CONVERSIONS = [
    ("text", "Zoë Åberg", {}, "Zoë Åberg"),
    ("text", 42, {}, "42"),
    ("text", 2.5, {}, "2.5"),
    ("text", True, {}, "true"),
    ("text", ["Report", "Briefing"], {}, "Report, Briefing"),
    ("text", {"email": "a@b.org"}, {}, '{"email": "a@b.org"}'),
    ("int", "16", {}, 16),
    ("int", " 7 ", {}, 7),
    ("int", 12, {}, 12),
    ("int", "12.0", {}, 12),
    ("int", 3.0, {}, 3),
    ("int", True, {}, 1),
    ("float", "2.5", {}, 2.5),
    ("float", 3, {}, 3.0),
    ("float", "1e3", {}, 1000.0),
    ("bool", True, {}, True),
    ("bool", False, {}, False),
    ("bool", "1", {}, True),
    ("bool", "0", {}, False),
    ("bool", 0, {}, False),
    ("bool", "Yes", {}, True),
    ("bool", "off", {}, False),
    ("date", "20240315", {}, "2024-03-15"),
    ("date", "20240315", {"format": "%Y%m%d"}, "2024-03-15"),
    ("date", 20240315, {"format": "%Y%m%d"}, "2024-03-15"),
    ("date", "15/03/2024", {"format": "%d/%m/%Y"}, "2024-03-15"),
    ("date", "2024-03-15", {}, "2024-03-15"),
    ("date", "2024-03-15T23:30:00Z", {}, "2024-03-15"),
    ("datetime", "2024-03-15T10:00:00Z", {}, "2024-03-15T10:00:00Z"),
    ("datetime", "2024-03-15T12:00:00+02:00", {}, "2024-03-15T10:00:00Z"),
    ("datetime", "2024-03-15 10:00:00", {}, "2024-03-15T10:00:00"),
    ("datetime", "20240315", {}, "2024-03-15T00:00:00"),
    ("datetime", "15.03.2024 10:30", {"format": "%d.%m.%Y %H:%M"}, "2024-03-15T10:30:00"),
    ("json", [{"name": "Lakeshore", "url": None}], {}, '[{"name": "Lakeshore", "url": null}]'),
    ("json", "Zoë", {}, '"Zoë"'),
    ("json", 5, {}, "5"),
    ("list", ["water", "health"], {}, '["water", "health"]'),
    ("list", "solo", {}, '["solo"]'),
    ("list", "Jane Doe; Ahmed Khan ;; ", {"split": ";"}, '["Jane Doe", "Ahmed Khan"]'),
    ("list", ["A;B", "C"], {"split": ";"}, '["A", "B", "C"]'),
    ("list", 12, {"split": ","}, '["12"]'),
    ("media_url", 16, {}, PDF),
    ("media_url", "25", {}, COVER),
    ("media_url", {"ID": 16, "url": "https://cdn.example/w.pdf"}, {}, "https://cdn.example/w.pdf"),
    ("media_url", {"ID": 16}, {}, PDF),
    ("media_url", "https://cdn.example/w.pdf", {}, "https://cdn.example/w.pdf"),
    ("media_url", 0, {}, None),
    ("media_url", "0", {}, None),
    (
        "html_to_text",
        "<p>Households spent <strong>94</strong> minutes.</p><p>Second &amp; last.</p>",
        {},
        "Households spent 94 minutes.\n\nSecond & last.",
    ),
    ("html_to_text", "<!-- wp:paragraph --><p>Hi [caption]Photo[/caption]</p>", {}, "Hi Photo"),
    (
        "markdown",
        '<h2>Key findings</h2><ul><li>One</li><li>Two</li></ul><p>A <a href="https://x.org">'
        "link</a></p>",
        {},
        "## Key findings\n\n- One\n- Two\n\nA [link](https://x.org)",
    ),
]


@pytest.mark.parametrize(("kind", "value", "options", "expected"), CONVERSIONS)
def test_each_conversion_gives_exact_values(converter, kind, value, options, expected):
    result = convert(converter, kind, value, **options)
    assert result == expected
    assert type(result) is type(expected)


UNCONVERTIBLE = [
    ("int", "abc", {}),
    ("int", "1.5", {}),
    ("int", [1], {}),
    ("float", "abc", {}),
    ("float", "nan", {}),
    ("float", {"a": 1}, {}),
    ("bool", "maybe", {}),
    ("bool", 2, {}),
    ("date", "not a date", {}),
    ("date", "20241345", {}),
    ("date", "15/03/2024", {}),
    ("date", "2024-03-15", {"format": "%Y%m%d"}),
    ("date", True, {}),
    ("datetime", "yesterday", {}),
    ("datetime", ["2024-03-15"], {}),
    ("list", [{"name": "x"}], {"split": ";"}),
    ("media_url", 999, {}),
    ("media_url", "report.pdf", {}),
    ("media_url", True, {}),
    ("media_url", [16], {}),
    ("html_to_text", ["<p>x</p>"], {}),
    ("markdown", 5, {}),
]


@pytest.mark.parametrize(("kind", "value", "options"), UNCONVERTIBLE)
def test_a_value_that_does_not_convert_is_refused(converter, kind, value, options):
    with pytest.raises(Unconvertible):
        convert(converter, kind, value, **options)


@pytest.mark.parametrize("kind", ["text", "int", "date", "json", "list", "media_url", "markdown"])
@pytest.mark.parametrize("value", [None, "", [], {}])
def test_empty_values_are_null_whatever_the_conversion(converter, kind, value):
    assert convert(converter, kind, value) is None


# -- building the table from the archive -----------------------------------------------------

MAPPING = """
[types.publication]
table = "reports"

[types.publication.columns]
title        = { from = "title", search = true }
author       = { from = "author.name" }
kind         = { from = "terms.resource_type" }
regions      = { from = "terms.region", as = "list" }
published_on = { from = "acf.publication_date", as = "date", format = "%Y%m%d" }
posted_at    = { from = "date_gmt", as = "datetime" }
authors      = { from = "acf.authors_list", split = ";" }
featured     = { from = "acf.featured_report", as = "bool" }
pdf_url      = { from = "acf.report_pdf", as = "media_url" }
cover_url    = { from = "media.url" }
partners     = { from = "acf.partners", as = "json" }
partner      = { from = "acf.partners.0.name" }
contact      = { from = "acf.contact.email" }
legacy_code  = { from = "meta.legacy_code" }
pages        = { from = "acf.pages", as = "int" }
body         = { from = "content_html", as = "markdown", search = true }
"""


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


def site_records(water_title: str = "Water for All") -> list[Record]:
    return [
        Site(title="Library", url="https://lib.example.org"),
        Author(2, "zoe", "Zoë Åberg", "zoe"),
        Term(11, "resource_type", "Report", "report"),
        Term(12, "region", "Europe", "europe"),
        Term(13, "region", "East Africa", "east-africa"),
        Media(16, PDF),
        Media(25, COVER),
        Item(
            23,
            "publication",
            "publish",
            title=water_title,
            content_html="<h2>Findings</h2><p>Safe <em>water</em> for everyone.</p>",
            date_gmt="2024-03-15T10:00:00Z",
            author_id=2,
            featured_media_id=25,
            term_ids=[11, 12, 13],
            fields={
                "report_pdf": 16,
                "publication_date": "20240315",
                "featured_report": True,
                "authors_list": "Jane Doe; Ahmed Khan",
                "partners": [{"name": "Lakeshore", "url": "https://lakeshore.example"}],
                "contact": {"email": "water@lib.example.org"},
                "legacy_code": "RR-1",
                "pages": "48",
            },
        ),
        Item(
            32,
            "publication",
            "draft",
            title="Coastal Flooding",
            fields={"publication_date": "soon", "report_pdf": 999, "featured_report": "0"},
        ),
        Item(37, "publication", "trash", title="Withdrawn briefing"),
        Item(8, "post", "publish", title="Welcome", fields={"publication_date": "20240101"}),
    ]


@pytest.fixture
def mapping_file(tmp_path) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def run_export(archive: Path, mapping_file: Path | None, records: list[Record] | None = None):
    mapping = load_mapping([mapping_file] if mapping_file else [])
    return export(FakeSource(records or site_records()), archive, mapping)


def test_each_live_item_of_the_type_is_one_row_of_typed_columns(tmp_path, mapping_file):
    archive = tmp_path / "a.db"
    run_export(archive, mapping_file)
    assert records(archive, "select * from reports order by item_id") == [
        {
            "item_id": 23,
            "title": "Water for All",
            "author": "Zoë Åberg",
            "kind": "Report",
            "regions": '["East Africa", "Europe"]',
            "published_on": "2024-03-15",
            "posted_at": "2024-03-15T10:00:00Z",
            "authors": '["Jane Doe", "Ahmed Khan"]',
            "featured": 1,
            "pdf_url": PDF,
            "cover_url": COVER,
            "partners": '[{"name": "Lakeshore", "url": "https://lakeshore.example"}]',
            "partner": "Lakeshore",
            "contact": "water@lib.example.org",
            "legacy_code": "RR-1",
            "pages": 48,
            "body": "## Findings\n\nSafe *water* for everyone.",
        },
        {
            "item_id": 32,
            "title": "Coastal Flooding",
            "author": None,
            "kind": None,
            "regions": None,
            "published_on": None,  # "soon": counted, see below
            "posted_at": None,
            "authors": None,
            "featured": 0,
            "pdf_url": None,  # attachment 999 is not in the archive: counted
            "cover_url": None,
            "partners": None,
            "partner": None,
            "contact": None,
            "legacy_code": None,
            "pages": None,
            "body": None,
        },
    ]


def test_the_table_has_sqlite_types_a_foreign_key_and_full_text_search(tmp_path, mapping_file):
    archive = tmp_path / "a.db"
    run_export(archive, mapping_file)
    columns = rows(archive, "select name, type, pk from pragma_table_info('reports')")
    assert columns == [
        ("item_id", "INTEGER", 1),
        ("title", "TEXT", 0),
        ("author", "TEXT", 0),
        ("kind", "TEXT", 0),
        ("regions", "TEXT", 0),
        ("published_on", "TEXT", 0),
        ("posted_at", "TEXT", 0),
        ("authors", "TEXT", 0),
        ("featured", "INTEGER", 0),
        ("pdf_url", "TEXT", 0),
        ("cover_url", "TEXT", 0),
        ("partners", "TEXT", 0),
        ("partner", "TEXT", 0),
        ("contact", "TEXT", 0),
        ("legacy_code", "TEXT", 0),
        ("pages", "INTEGER", 0),
        ("body", "TEXT", 0),
    ]
    foreign_keys = rows(
        archive, 'select "from", "table", "to" from pragma_foreign_key_list("reports")'
    )
    assert foreign_keys == [("item_id", "items", "id")]
    search = (
        "select reports.item_id from reports_fts join reports on reports.rowid = reports_fts.rowid "
        "where reports_fts match ?"
    )
    with sqlite3.connect(archive) as conn:
        assert conn.execute(search, ["water"]).fetchall() == [(23,)]
        assert conn.execute(search, ["coastal"]).fetchall() == [(32,)]
        assert conn.execute(search, ["findings"]).fetchall() == [(23,)]


def test_a_value_that_does_not_convert_is_null_and_counted_with_item_ids(tmp_path, mapping_file):
    archive = tmp_path / "a.db"
    result = run_export(archive, mapping_file)
    counts = last_counts(archive)
    assert counts["tables"] == {"reports": 2}
    assert counts["unconverted"] == {"reports.pdf_url": 1, "reports.published_on": 1}
    assert counts["unconverted_items"] == {"reports.pdf_url": [32], "reports.published_on": [32]}
    assert result.status == "ok"


def test_only_the_first_five_offending_items_are_listed(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(
        '[types.note]\ntable = "notes"\n[types.note.columns]\nn = { from = "acf.n", as = "int" }\n'
    )
    records: list[Record] = [
        Item(i, "note", "publish", fields={"n": "many" if i < 8 else str(i)}) for i in range(1, 10)
    ]
    archive = tmp_path / "a.db"
    run_export(archive, path, records)
    assert rows(archive, "select item_id, n from notes where n is not null") == [(8, 8), (9, 9)]
    counts = last_counts(archive)
    assert counts["unconverted"] == {"notes.n": 7}
    assert counts["unconverted_items"] == {"notes.n": [1, 2, 3, 4, 5]}


def test_running_twice_gives_the_same_table(tmp_path, mapping_file):
    archive = tmp_path / "a.db"
    run_export(archive, mapping_file)
    first = rows(archive, "select * from reports order by item_id")
    run_export(archive, mapping_file)
    assert rows(archive, "select * from reports order by item_id") == first
    assert last_counts(archive)["tables"] == {"reports": 2}
    assert rows(archive, "select count(*) from reports_fts") == [(2,)]


def test_the_table_follows_changes_on_the_site_and_in_the_mapping(tmp_path, mapping_file):
    archive = tmp_path / "a.db"
    run_export(archive, mapping_file)
    run_export(archive, mapping_file, site_records(water_title="Water for Everyone"))
    assert rows(archive, "select title from reports where item_id = 23") == [
        ("Water for Everyone",)
    ]
    mapping_file.write_text(
        '[types.publication]\ntable = "reports"\n[types.publication.columns]\n'
        'slug = { from = "slug" }\n'
    )
    run_export(archive, mapping_file)
    assert [r[0] for r in rows(archive, "select name from pragma_table_info('reports')")] == [
        "item_id",
        "slug",
    ]
    assert rows(archive, "select name from sqlite_master where name like 'reports_fts%'") == []


def test_the_mapping_adds_a_table_and_hides_nothing(tmp_path, mapping_file):
    plain, mapped = tmp_path / "plain.db", tmp_path / "mapped.db"
    run_export(plain, None)
    run_export(mapped, mapping_file)
    for sql in (
        "select id, type, status, title, deleted_at is null from items order by id",
        "select * from fields order by item_id, name",
        "select * from item_terms order by item_id, term_id",
        "select * from terms order by id",
        "select id, url from media order by id",
    ):
        assert rows(mapped, sql) == rows(plain, sql)
    assert rows(plain, "select count(*) from sqlite_master where name = 'reports'") == [(0,)]


# -- end to end: the shipped sample and its mapping --------------------------------------------

UPLOADS = "https://library.example.org/wp-content/uploads/"
SAMPLE_REPORTS = [
    (12, "publish", "Report", '["East Africa"]', "2021-10-05", '["Daniel Okafor"]', 0),
    (14, "publish", "Report", '["South Asia"]', "2019-04-23", '["Zoë Åberg"]', 0),
    (15, "publish", "Briefing", '["East Africa"]', "2024-06-18", '["Zoë Åberg", "Priya Raman"]', 0),
    (
        17,
        "publish",
        "Report",
        '["Europe", "Middle East & North Africa"]',
        "2022-11-08",
        '["Daniel Okafor", "Leila Haddad"]',
        1,
    ),
    (
        19,
        "publish",
        "Policy paper",
        '["South Asia"]',
        "2023-07-04",
        '["Research & Policy Team"]',
        1,
    ),
    (22, "publish", "Briefing", '["South Asia"]', "2023-09-12", '["Daniel Okafor"]', 0),
    (23, "publish", "Report", '["East Africa"]', "2024-03-15", '["Jane Doe", "Ahmed Khan"]', 1),
    (26, "publish", "Policy paper", '["Europe"]', "2024-02-01", '["Research & Policy Team"]', 0),
    (27, "publish", "Annual report", None, "2024-05-20", '["Zoë Åberg"]', 1),
    (32, "draft", "Report", '["Europe"]', None, '["Zoë Åberg"]', 0),
    (33, "private", "Policy paper", None, "2024-06-03", '["Research & Policy Team"]', 0),
    (34, "pending", "Briefing", '["East Africa"]', "2024-07-08", '["Priya Raman"]', 0),
    (35, "future", "Policy paper", '["South Asia"]', "2024-09-10", '["Daniel Okafor"]', 0),
]
SAMPLE_FILES = [  # (item_id, pdf_url, cover_url) below UPLOADS
    (15, "2024/06/groundwater-briefing.pdf", None),
    (17, "2022/11/crossing-lines.pdf", None),
    (19, "2023/07/hidden-hands.pdf", "2023/07/factory-floor.png"),
    (23, "2024/03/water-report.pdf", "2024/03/water-report-cover.png"),
    (27, "2024/05/annual-report-2023.pdf", "2024/05/reading-room.png"),
]
SAMPLE_EXTRAS = [  # (item_id, topics, contact, legacy_code, number of partners)
    (14, None, None, "RR-2019-04", None),
    (19, None, None, None, 1),
    (23, '["water", "health"]', "water@library.example.org", None, 2),
    (26, '["labour", "governance"]', None, None, None),
]
SAMPLE_QUERIES = {
    "reports": "select item_id, status, kind, regions, published_on, authors, featured "
    "from reports order by item_id",
    "files": f"select item_id, replace(pdf_url, '{UPLOADS}', ''), "
    f"replace(cover_url, '{UPLOADS}', '') from reports "
    "where coalesce(pdf_url, cover_url) is not null order by item_id",
    "extras": "select item_id, topics, contact, legacy_code, json_array_length(partners) "
    "from reports where coalesce(topics, contact, legacy_code, partners) is not null "
    "order by item_id",
}


def wpmigrate(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_export_of_the_sample_with_its_mapping_gives_the_reports_table(tmp_path):
    archive = tmp_path / "library.db"
    result = wpmigrate("export", str(SAMPLE), str(archive), "--mapping", str(RESEARCH_LIBRARY))
    assert result.exit_code == 0, result.stderr
    assert "warning" not in result.stderr
    expected = {"reports": SAMPLE_REPORTS, "files": SAMPLE_FILES, "extras": SAMPLE_EXTRAS}
    found = {name: rows(archive, sql) for name, sql in SAMPLE_QUERIES.items()}
    assert found == expected
    assert json.loads(rows(archive, "select partners from reports where item_id = 23")[0][0]) == [
        {"name": "Lakeshore Water Trust", "url": "https://lakeshore-water.example.org"},
        {"name": "Institut für Wasserforschung Nord", "url": "https://iwn.example.de"},
    ]
    assert rows(archive, "select title, posted_at, link from reports where item_id = 23") == [
        (
            "Water for All: Safe Drinking Water in Peri-Urban Settlements",
            "2024-03-15T10:00:00Z",
            "https://library.example.org/publications/water-for-all/",
        )
    ]
    counts = last_counts(archive)
    assert counts["tables"] == {"reports": 13}
    assert "unconverted" not in counts

    again = wpmigrate("export", str(SAMPLE), str(archive), "--mapping", str(RESEARCH_LIBRARY))
    assert again.exit_code == 0, again.stderr
    assert {name: rows(archive, sql) for name, sql in SAMPLE_QUERIES.items()} == expected


def test_the_cli_warns_about_values_that_did_not_convert(tmp_path):
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[types.publication]\ntable = "reports"\n[types.publication.columns]\n'
        'published_on = { from = "acf.publication_date", as = "date", format = "%d/%m/%Y" }\n'
    )
    result = wpmigrate("export", str(SAMPLE), str(tmp_path / "a.db"), "--mapping", str(mapping))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "warning: reports.published_on: 12 values did not convert (items 12, 14, 15, 17, 19)"
    )


# -- end to end: the real WordPress over REST ------------------------------------------------

LIVE_REPORTS = {
    "water-access-annual-report-2023": (
        "Annual report",
        '["East Africa"]',
        "2023-03-15",
        '["Zoë Åberg", "Kwame Mensah"]',
        1,
        "/wp-content/uploads/2023/03/water-access-annual-report-2023.pdf",
        "/wp-content/uploads/2023/03/water-point.png",
    ),
    "supply-chains-small-producers": (
        "Report",
        '["East Africa", "South Asia"]',
        "2022-11-08",
        '["Kwame Mensah"]',
        0,
        None,
        "/wp-content/uploads/2022/11/market-stalls.png",
    ),
    "seasonal-migration-remittances": (
        "Briefing",
        '["Sahel"]',
        "2022-07-14",
        '["Priya Ramanathan", "Amadou Keïta"]',
        0,
        None,
        None,
    ),
    "cold-chains-smallholder-dairy": (
        "Briefing",
        '["East Africa"]',
        "2022-02-17",
        '["Kwame Mensah"]',
        0,
        "/wp-content/uploads/2022/02/cold-chains-briefing.pdf",
        None,
    ),
    "annual-report-2022": (
        "Annual report",
        '["Europe"]',
        "2023-01-31",
        '["Library Editorial Desk"]',
        1,
        "/wp-content/uploads/2023/01/annual-report-2022.pdf",
        None,
    ),
}


def test_export_of_the_real_site_over_rest_fills_the_mapped_table(wordpress, tmp_path):
    archive = tmp_path / "live.db"
    result = wpmigrate("export", wordpress.url, str(archive), "--mapping", str(RESEARCH_LIBRARY))
    assert result.exit_code == 0, result.stderr
    sql = (
        "select slug, kind, regions, published_on, authors, featured, pdf_url, cover_url "
        "from reports"
    )
    found = {row[0]: row[1:] for row in rows(archive, sql)}
    public = {
        s for s, i in wordpress.manifest["items"]["publication"].items() if i["status"] == "publish"
    }
    assert set(found) == public
    site = wordpress.url.rstrip("/")
    for slug, expected in LIVE_REPORTS.items():
        pdf, cover = (site + p if p else None for p in expected[5:])
        assert found[slug] == (*expected[:5], pdf, cover)
    ids = rows(archive, "select item_id, slug from reports")
    assert all(wordpress.manifest["ids"]["publication"][slug] == i for i, slug in ids)
    assert last_counts(archive)["tables"] == {"reports": len(public)}
