"""The SQLite archive written from the sample: schema, exact contents, idempotence, no secrets.

Expected counts come from samples/README.md.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from wpmigrate.archive import Archive
from wpmigrate.mapping import load_mapping
from wpmigrate.pipeline import Exporter, export
from wpmigrate.sources.wxr import WXRSource

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ISO_LOCAL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")

ITEMS_SKIPPED = {
    "acf-field": 15,
    "acf-field-group": 1,
    "auto-draft": 1,
    "custom_css": 1,
    "exactmetrics_note": 1,
    "nav_menu_item": 1,
    "revision": 1,
    "wp_block": 1,
    "wp_global_styles": 1,
    "wp_navigation": 1,
    "wp_template": 1,
}


def export_sample(path: Path, wxr: Path = SAMPLE):
    mapping = load_mapping()
    return export(WXRSource(wxr, skip_types=mapping.skip_types), path, mapping)


def rows(db: sqlite_utils.Database, sql: str, params=()) -> list[tuple]:
    return [tuple(r) for r in db.execute(sql, params).fetchall()]


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "library.db"
    export_sample(path)
    return path


@pytest.fixture(scope="module")
def db(archive_path) -> sqlite_utils.Database:
    database = sqlite_utils.Database(sqlite3.connect(f"file:{archive_path}?mode=ro", uri=True))
    yield database
    database.conn.close()


# -- contents -------------------------------------------------------------------------------


def test_items_per_type_and_status(db):
    assert Counter(
        {
            (t, s): n
            for t, s, n in rows(db, "select type, status, count(*) from items group by 1, 2")
        }
    ) == {
        ("page", "publish"): 4,
        ("post", "publish"): 4,
        ("publication", "publish"): 9,
        ("publication", "draft"): 1,
        ("publication", "private"): 1,
        ("publication", "pending"): 1,
        ("publication", "future"): 1,
        ("publication", "trash"): 1,
    }
    assert db["items"].count == 22
    assert rows(db, "select id from items where id in (36, 38, 39, 41, 42, 43, 6, 7)") == []


def test_media_authors_comments(db):
    assert rows(db, "select mime_type, count(*) from media group by 1 order by 1") == [
        ("application/pdf", 5),
        ("image/png", 5),
    ]
    assert rows(
        db, "select id, item_id, width, height, filesize, file, alt from media where id = 25"
    ) == [
        (
            25,
            23,
            1600,
            900,
            1532774,
            "2024/03/water-report-cover.png",
            "A shared standpipe in a peri-urban settlement",
        )
    ]
    assert rows(db, "select id, item_id from media where item_id is null") == [(31, None)]
    assert rows(db, "select id, login, name, slug from authors order by id") == [
        (1, "admin", "Library Admin", "admin"),
        (2, "zaberg", "Zoë Åberg", "zaberg"),
        (3, "policyteam", "Research & Policy Team", "policyteam"),
        (4, "dokafor", "Daniel Okafor", "dokafor"),
    ]
    assert rows(db, "select id, item_id, parent_id, status from comments order by id") == [
        (1, 8, None, "approved"),
        (2, 8, 1, "approved"),
        (3, 8, None, "pending"),
        (4, 8, None, "approved"),
        (5, 11, None, "approved"),
    ]
    assert rows(db, "select author_name from comments where id = 2") == [("Zoë Åberg",)]


def test_terms_and_item_terms(db):
    assert rows(db, "select taxonomy, count(*) from terms group by 1 order by 1") == [
        ("category", 4),
        ("post_tag", 4),
        ("region", 4),
        ("resource_type", 4),
    ]
    assert rows(db, "select slug, parent_id from terms where parent_id is not null order by 1") == [
        ("annual-report", 9),
        ("library-updates", 2),
    ]
    assert rows(db, "select name from terms where id = 16") == [("Middle East & North Africa",)]
    assert rows(
        db,
        """select t.taxonomy, t.slug from item_terms it join terms t on t.id = it.term_id
        where it.item_id = 23 order by 1""",
    ) == [("region", "east-africa"), ("resource_type", "report")]
    # Internal taxonomies are left out, and so are their links.
    assert rows(
        db, "select count(*) from item_terms where term_id not in (select id from terms)"
    ) == [(0,)]


def test_item_columns(db):
    item = next(db["items"].rows_where("id = 27"))
    assert {k: item[k] for k in ("type", "status", "slug", "title", "date", "date_gmt")} == {
        "type": "publication",
        "status": "publish",
        "slug": "annual-report-2023",
        "title": "Annual Report 2023",
        "date": "2024-05-20T09:30:00",
        "date_gmt": "2024-05-20T08:30:00Z",
    }
    assert (item["author_id"], item["featured_media_id"], item["source"]) == (2, 29, "wxr")
    assert item["link"] == "https://library.example.org/publications/annual-report-2023/"
    assert rows(db, "select id from items where sticky = 1") == [(8,)]
    assert rows(db, "select id from items where password_protected = 1") == [(10,)]
    assert rows(db, "select id, parent_id, menu_order from items where type = 'page'") == [
        (2, None, 1),
        (3, 2, 1),
        (4, 3, 1),
        (5, None, 2),
    ]
    assert all(len(h) == 64 for (h,) in rows(db, "select content_hash from items"))


def test_acf_fields_are_json(db):
    fields = {
        n: json.loads(v) for n, v in rows(db, "select name, value from fields where item_id = 23")
    }
    assert fields["featured_report"] is True
    assert fields["report_pdf"] == 24
    assert fields["related_publications"] == [12, 15]
    assert fields["partners"] == [
        {"name": "Lakeshore Water Trust", "url": "https://lakeshore-water.example.org"},
        {"name": "Institut für Wasserforschung Nord", "url": "https://iwn.example.de"},
    ]
    assert fields["contact"] == {"email": "water@library.example.org", "phone": "+44 20 7946 0321"}
    assert [s["acf_fc_layout"] for s in fields["sections"]] == ["text", "quote"]
    assert sorted(fields) == [
        "authors_list",
        "contact",
        "featured_report",
        "partners",
        "publication_date",
        "related_publications",
        "report_pdf",
        "sections",
        "topics",
    ]
    assert rows(
        db,
        """select i.title, json_extract(r.value, '$.name') from items i
        join fields f on f.item_id = i.id and f.name = 'partners', json_each(f.value) r
        where i.id = 19""",
    ) == [("Hidden Hands: Forced Labour in Global Supply Chains", "Fair Thread Alliance")]
    assert rows(db, "select value from fields where item_id = 14 and name = 'legacy_code'") == [
        ('"RR-2019-04"',)
    ]
    assert rows(db, "select count(*) from fields where name like '\\_%' escape '\\'") == [(0,)]


def test_site_row(db):
    site = next(db["site"].rows)
    assert {k: site[k] for k in ("title", "url", "language", "wxr_version", "source_kind")} == {
        "title": "Riverside Research Library",
        "url": "https://library.example.org",
        "language": "en-GB",
        "wxr_version": "1.2",
        "source_kind": "wxr",
    }
    assert site["description"] == (
        "Open research on water, labour, migration & climate from the Riverside Policy Institute"
    )


def test_titles_and_names_are_decoded(db):
    assert rows(db, "select title from items where id = 12") == [
        ("Displacement & Drought in the Horn of Africa",)
    ]
    for table, column in [
        ("items", "title"),
        ("terms", "name"),
        ("authors", "name"),
        ("media", "title"),
        ("site", "title"),
        ("site", "description"),
    ]:
        assert rows(db, f"select count(*) from {table} where {column} like '%&amp;%'") == [(0,)]
        assert rows(db, f"select count(*) from {table} where {column} like '%&#%'") == [(0,)]


def test_dates_are_iso_utc(db):
    for table, column in [
        ("items", "date_gmt"),
        ("items", "modified_gmt"),
        ("items", "fetched_at"),
        ("media", "date_gmt"),
        ("media", "modified_gmt"),
        ("comments", "date_gmt"),
        ("runs", "started_at"),
        ("runs", "finished_at"),
    ]:
        values = [
            v for (v,) in rows(db, f"select {column} from {table} where {column} is not null")
        ]
        assert values, (table, column)
        assert all(ISO_UTC.match(v) for v in values), (table, column, values[:3])
    assert all(ISO_LOCAL.match(v) for (v,) in rows(db, "select date from items"))
    # Drafts and pending items have no publication date in GMT yet.
    assert rows(db, "select id from items where date_gmt is null order by id") == [(32,), (34,)]
    assert rows(db, "select modified_gmt from items where id = 32") == [("2024-07-10T15:05:40Z",)]


def test_trashed_item_is_archived_as_deleted(db):
    assert rows(db, "select status, deleted_reason from items where id = 37") == [
        ("trash", "trashed")
    ]
    (deleted_at,) = rows(db, "select deleted_at from items where id = 37")[0]
    assert ISO_UTC.match(deleted_at)
    assert rows(db, "select id from items where deleted_at is not null") == [(37,)]


# -- schema ---------------------------------------------------------------------------------

SCHEMA = {
    "items": (
        "id type status slug title excerpt content_html content_text date_gmt modified_gmt "
        "author_id parent_id menu_order link password_protected sticky source source_url "
        "fetched_at content_hash deleted_at"
    ),
    "terms": "id taxonomy name slug parent_id description",
    "item_terms": "item_id term_id",
    "authors": "id login name slug",
    "media": "id item_id url mime_type title caption alt width height filesize",
    "comments": "id item_id parent_id author_name date_gmt content_text status",
    "fields": "item_id name value",
    "site": "title url language wxr_version",
    "runs": "id started_at finished_at source command status counts",
}


@pytest.mark.parametrize("table", sorted(SCHEMA))
def test_tables_and_columns_from_the_issue(db, table):
    assert db[table].exists()
    assert set(SCHEMA[table].split()) <= set(db[table].columns_dict)


def test_foreign_keys_are_declared(db):
    declared = {
        (table.name, fk.column, fk.other_table, fk.other_column)
        for table in db.tables
        for fk in table.foreign_keys
    }
    assert {
        ("items", "author_id", "authors", "id"),
        ("items", "parent_id", "items", "id"),
        ("items", "featured_media_id", "media", "id"),
        ("terms", "parent_id", "terms", "id"),
        ("item_terms", "item_id", "items", "id"),
        ("item_terms", "term_id", "terms", "id"),
        ("fields", "item_id", "items", "id"),
        ("media", "item_id", "items", "id"),
        ("comments", "item_id", "items", "id"),
        ("comments", "parent_id", "comments", "id"),
    } <= declared


def test_foreign_keys_hold(db):
    assert rows(db, "pragma foreign_key_check") == []


def test_join_columns_are_indexed(db):
    indexed = {
        (table, tuple(index.columns)) for table in db.table_names() for index in db[table].indexes
    }
    for table, column in [("item_terms", "term_id"), ("media", "item_id"), ("comments", "item_id")]:
        assert any(t == table and cols[0] == column for t, cols in indexed), (table, column)


def test_every_foreign_key_column_is_indexed(db):
    unindexed = [
        f"{table.name}.{fk.column}"
        for table in db.tables
        for fk in table.foreign_keys
        if fk.column not in {index.columns[0] for index in table.indexes} | set(table.pks[:1])
    ]
    assert unindexed == []


def test_full_text_search(db):
    assert db["items"].detect_fts() == "items_fts"
    hits = [
        i
        for (i,) in rows(
            db,
            """select items.id from items_fts join items on items.rowid = items_fts.rowid
            where items_fts match ? order by rank""",
            ["forced labour"],
        )
    ]
    assert sorted(hits) == [19, 26]
    # Porter stemming: "migrating" finds "migration".
    assert 17 in [
        i
        for (i,) in rows(
            db,
            "select rowid from items_fts where items_fts match 'migrating'",
        )
    ]
    assert rows(db, "select count(*) from items_fts") == [(22,)]


# -- runs, changes, idempotence, history -----------------------------------------------------


def test_run_is_recorded_with_counts(db):
    (run,) = list(db["runs"].rows)
    assert (run["id"], run["status"], run["command"], run["error"]) == (1, "ok", "export", None)
    assert run["source"] == str(SAMPLE)
    counts = json.loads(run["counts"])
    assert counts["items"] == {"added": 22}
    assert counts["media"]["added"] == 10
    assert counts["terms"]["added"] == 16
    assert {k: v for k, v in counts["skipped"].items() if ":" not in k} == ITEMS_SKIPPED
    assert counts["skipped"]["taxonomy:nav_menu"] == 1


def test_first_run_changes_are_all_added(db):
    assert rows(db, "select run_id, change, count(*) from changes group by 1, 2") == [
        (1, "added", 22)
    ]


def dump(path: Path) -> dict[str, list]:
    """Every table's rows, without what a re-run legitimately changes."""
    database = sqlite_utils.Database(sqlite3.connect(path))
    try:
        tables = {}
        for name in database.table_names():
            if name in ("runs", "changes") or name.startswith("items_fts_"):
                continue
            columns = [
                c for c in database[name].columns_dict if c not in ("fetched_at", "updated_at")
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            tables[name] = rows(database, f'select rowid, {select} from "{name}" order by rowid')
        return tables
    finally:
        database.conn.close()


def test_exporting_twice_changes_nothing(tmp_path, archive_path):
    path = tmp_path / "twice.db"
    shutil.copy(archive_path, path)
    before = dump(path)
    result = export_sample(path)
    assert dump(path) == before
    assert result.counts.counts["items"] == {"unchanged": 22}
    with sqlite3.connect(path) as conn:
        counts = json.loads(conn.execute("select counts from runs where id = 2").fetchone()[0])
        assert counts["items"] == {"unchanged": 22}
        assert conn.execute("select count(*) from changes where run_id = 2").fetchone() == (0,)
        assert conn.execute("select count(*) from items").fetchone() == (22,)


def test_keep_history_saves_the_previous_version(tmp_path, archive_path):
    path = tmp_path / "history.db"
    shutil.copy(archive_path, path)
    edited = tmp_path / "edited.xml"
    text = SAMPLE.read_text(encoding="utf-8")
    old_title = "Water for All: Safe Drinking Water in Peri-Urban Settlements"
    # Item 23 comes first; its revision (38, skipped) repeats the title.
    assert text.count(f"<title><![CDATA[{old_title}]]></title>") == 2
    edited.write_text(
        text.replace(f"<![CDATA[{old_title}]]>", "<![CDATA[Water for All (2nd edition)]]>", 1),
        encoding="utf-8",
    )
    mapping = load_mapping()
    with Archive.open(path) as archive:
        archive.keep_history = True
        result = Exporter(archive, mapping).run(
            WXRSource(edited, skip_types=mapping.skip_types), "export"
        )
    assert result.counts.counts["items"] == {"modified": 1, "unchanged": 21}
    with sqlite3.connect(path) as conn:
        assert conn.execute("select title from items where id = 23").fetchone() == (
            "Water for All (2nd edition)",
        )
        versions = conn.execute(
            "select item_id, run_id, title, fields from item_versions"
        ).fetchall()
        assert [(v[0], v[1], v[2]) for v in versions] == [(23, 2, old_title)]
        assert json.loads(versions[0][3])["featured_report"] is True
        assert conn.execute("select change from changes where run_id = 2").fetchall() == [
            ("modified",)
        ]


def test_comment_author_names_are_decoded(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    original = "<wp:comment_author><![CDATA[Marta Ferreira]]></wp:comment_author>"
    assert text.count(original) == 1
    edited = tmp_path / "ampersand.xml"
    edited.write_text(
        text.replace(original, original.replace("Marta Ferreira", "Marta &amp; Co")),
        encoding="utf-8",
    )
    path = tmp_path / "a.db"
    export_sample(path, edited)
    with sqlite3.connect(path) as conn:
        assert conn.execute("select author_name from comments where id = 1").fetchone() == (
            "Marta & Co",
        )


# -- no secrets -----------------------------------------------------------------------------

SECRETS = [
    # <wp:author_email>
    "webmaster@library.example.org",
    "zoe.aberg@library.example.org",
    "policy@library.example.org",
    "daniel.okafor@library.example.org",
    # <wp:comment_author_email>
    "marta.ferreira@example.net",
    "sam.lee@example.com",
    "olu.adeyemi@example.org",
    "asa.lindqvist@example.se",
    # <wp:comment_author_IP>
    "192.0.2.41",
    "198.51.100.150",
    "198.51.100.7",
    "203.0.113.24",
    "203.0.113.90",
    # the post password of item 10
    "riverside-2023",
]


def test_no_secrets_anywhere_in_the_archive(archive_path):
    text = SAMPLE.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret in text
    with sqlite3.connect(archive_path) as conn:
        dumped = "\n".join(conn.iterdump())
    raw = archive_path.read_bytes()
    for secret in SECRETS:
        assert secret not in dumped, secret
        assert secret.encode() not in raw, secret
