"""Mapping files: `[types.<type>]` tables are read, merged and checked before any write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wpmigrate.errors import MappingError
from wpmigrate.mapping import Column, TypeTable, load_mapping

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
RESEARCH_LIBRARY = ROOT / "mappings" / "research-library.toml"


def write(tmp_path: Path, text: str, name: str = "site.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_type_maps_to_a_table_of_typed_columns(tmp_path):
    path = write(
        tmp_path,
        """
[types.publication]
table = "reports"

[types.publication.columns]
pdf_url      = { from = "acf.report_pdf", as = "media_url" }
published_on = { from = "acf.publication_date", as = "date", format = "%Y%m%d" }
authors      = { from = "acf.authors_list", split = ";" }
kind         = { from = "terms.resource_type", as = "list" }
title        = { from = "title", search = true }
""",
    )
    mapping = load_mapping([path])
    assert mapping.types == {
        "publication": TypeTable(
            post_type="publication",
            table="reports",
            columns=(
                Column("pdf_url", "acf.report_pdf", "media_url"),
                Column("published_on", "acf.publication_date", "date", format="%Y%m%d"),
                Column("authors", "acf.authors_list", "list", split=";"),
                Column("kind", "terms.resource_type", "list"),
                Column("title", "title", "text", search=True),
            ),
            file=str(path),
        )
    }
    assert mapping.types["publication"].search_columns == ["title"]


@pytest.mark.parametrize(
    ("source", "origin", "key"),
    [
        ("acf.report_pdf", "acf", "report_pdf"),
        ("acf.contact.email", "acf", "contact.email"),
        ("meta.legacy_code", "meta", "legacy_code"),
        ("terms.region", "terms", "region"),
        ("author.name", "author", "name"),
        ("media.url", "media", "url"),
        ("date_gmt", "items", "date_gmt"),
    ],
)
def test_from_names_where_the_value_comes_from(source, origin, key):
    column = Column("c", source)
    assert (column.origin, column.key) == (origin, key)


@pytest.mark.parametrize(
    ("convert", "sql_type"),
    [("text", str), ("int", int), ("bool", int), ("float", float), ("date", str), ("json", str)],
)
def test_each_conversion_has_its_sqlite_type(convert, sql_type):
    assert Column("c", "title", convert).sql_type is sql_type


def test_the_shipped_research_library_mapping_loads():
    mapping = load_mapping([RESEARCH_LIBRARY])
    reports = mapping.types["publication"]
    assert reports.table == "reports"
    assert [c.name for c in reports.columns] == [
        "title",
        "slug",
        "status",
        "kind",
        "regions",
        "published_on",
        "posted_at",
        "authors",
        "featured",
        "pdf_url",
        "cover_url",
        "topics",
        "partners",
        "contact",
        "legacy_code",
        "summary",
        "body",
        "link",
    ]
    assert reports.search_columns == ["title", "summary", "body"]


def test_the_example_in_the_readme_loads(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Mapping files") :]
    example = section[
        section.index("```toml\n") + 8 : section.index("```\n", section.index("```toml"))
    ]
    mapping = load_mapping([write(tmp_path, example)])
    assert mapping.statuses == frozenset({"publish"})
    assert "my_plugin_log" in mapping.skip_types
    assert [c.name for c in mapping.types["publication"].columns] == [
        "pdf_url",
        "published_on",
        "authors",
        "partners",
        "kind",
        "regions",
        "title",
    ]


def test_the_default_mapping_maps_no_types():
    assert load_mapping([]).types == {}


def test_a_later_file_replaces_a_type_and_adds_others(tmp_path):
    first = write(
        tmp_path,
        '[types.publication]\ntable = "reports"\n[types.publication.columns]\n'
        'title = { from = "title" }\n'
        '[types.event]\ntable = "talks"\n[types.event.columns]\ntitle = { from = "title" }\n',
        "first.toml",
    )
    second = write(
        tmp_path,
        '[types.publication]\ntable = "papers"\n[types.publication.columns]\n'
        'slug = { from = "slug" }\n',
        "second.toml",
    )
    types = load_mapping([first, second]).types
    assert types["publication"] == TypeTable(
        "publication", "papers", (Column("slug", "slug"),), str(second)
    )
    assert types["event"].table == "talks"


# -- bad input: one line naming the file, the line, the key and the value -------------------

TYPE = '[types.publication]\ntable = "reports"\n\n[types.publication.columns]\n'

ERRORS = [
    pytest.param(
        '[types.publication]\ntable = "reports\n',
        "{file}:2: invalid TOML: Illegal character '\\n' (at line 2, column 17)",
        id="invalid-toml",
    ),
    pytest.param(
        '[typse.publication]\ntable = "reports"\n',
        "{file}:1: typse: unknown table or key (did you mean 'types'?)",
        id="unknown-top-level-table",
    ),
    pytest.param(
        '[source]\nskip_type = ["revision"]\n',
        "{file}:2: source.skip_type: unknown key in [source] (did you mean 'skip_types'?)",
        id="unknown-source-key",
    ),
    pytest.param(
        '[source]\nskip_types = "revision"\n',
        '{file}:2: source.skip_types = "revision": must be a list of strings',
        id="source-list-not-a-list",
    ),
    pytest.param(
        '[source]\nstatuses = "publish"\n',
        '{file}:2: source.statuses = "publish": must be a list of strings',
        id="statuses-not-a-list",
    ),
    pytest.param(
        '[types.publication]\ntabel = "reports"\n',
        "{file}:2: types.publication.tabel: unknown key (use table, columns) "
        "(did you mean 'table'?)",
        id="unknown-type-key",
    ),
    pytest.param(
        '[types.publication.columns]\ntitle = { from = "title" }\n',
        '{file}:1: types.publication: missing key `table` (the table name, e.g. table = "reports")',
        id="missing-table",
    ),
    pytest.param(
        "[types]\npublication = 3\n",
        "{file}:2: types.publication = 3: must be a table with `table` and `columns`",
        id="type-not-a-table",
    ),
    pytest.param(
        '[types.publication]\ntable = "my reports"\n',
        '{file}:2: types.publication.table = "my reports": a table name is letters, digits and _',
        id="table-not-an-identifier",
    ),
    pytest.param(
        '[types.publication]\ntable = "items"\n',
        '{file}:2: types.publication.table = "items": collides with a core archive table',
        id="table-is-items",
    ),
    pytest.param(
        '[types.publication]\ntable = "Fields"\n',
        '{file}:2: types.publication.table = "Fields": collides with a core archive table',
        id="table-is-fields-in-another-case",
    ),
    pytest.param(
        '[types.publication]\ntable = "items_fts"\n',
        '{file}:2: types.publication.table = "items_fts": collides with a core archive table',
        id="table-is-the-items-fts-table",
    ),
    pytest.param(
        '[types.publication]\ntable = "reports_fts"\n',
        '{file}:2: types.publication.table = "reports_fts": is reserved (sqlite_* and *_fts* '
        "tables)",
        id="table-looks-like-fts",
    ),
    pytest.param(
        '[types.publication]\ntable = "sqlite_stat1"\n',
        '{file}:2: types.publication.table = "sqlite_stat1": is reserved (sqlite_* and *_fts* '
        "tables)",
        id="table-is-sqlite-internal",
    ),
    pytest.param(
        TYPE
        + 'title = { from = "title" }\n\n[types.report]\ntable = "reports"\n'
        + '[types.report.columns]\ntitle = { from = "title" }\n',
        '{file}:8: types.report.table = "reports": already used by [types.publication] in {file}',
        id="two-types-one-table",
    ),
    pytest.param(
        '[types.publication]\ntable = "reports"\n',
        "{file}:1: types.publication.columns: a type needs columns: [types.publication.columns] "
        "with name = { from = ... }",
        id="no-columns",
    ),
    pytest.param(
        TYPE + 'title = "title"\n',
        '{file}:5: types.publication.columns.title = "title": a column is a table like '
        '{ from = "acf.name" }',
        id="column-not-a-table",
    ),
    pytest.param(
        TYPE + 'when = { from = "acf.date", type = "date" }\n',
        '{file}:5: types.publication.columns.when.type = "date": unknown key (use from, as, '
        "format, split, search)",
        id="unknown-column-key",
    ),
    pytest.param(
        TYPE + 'when = { as = "date" }\n',
        "{file}:5: types.publication.columns.when: missing key `from` "
        '(e.g. from = "acf.report_pdf")',
        id="missing-from",
    ),
    pytest.param(
        TYPE + 'name = { from = "titel" }\n',
        '{file}:5: types.publication.columns.name.from = "titel": names nothing: use acf.<name>, '
        "meta.<key>, terms.<taxonomy>, author.<column>, media.<column> or an items column "
        "(did you mean 'title'?)",
        id="from-names-nothing",
    ),
    pytest.param(
        TYPE + 'pdf = { from = "acf." }\n',
        '{file}:5: types.publication.columns.pdf.from = "acf.": names nothing after acf.',
        id="from-acf-without-a-name",
    ),
    pytest.param(
        TYPE + 'by = { from = "author.email" }\n',
        '{file}:5: types.publication.columns.by.from = "author.email": authors have no such '
        "column (use one of id, login, name, slug)",
        id="from-unknown-author-column",
    ),
    pytest.param(
        TYPE + 'cover = { from = "media.urll" }\n',
        '{file}:5: types.publication.columns.cover.from = "media.urll": media have no such '
        "column (did you mean 'media.url'?)",
        id="from-unknown-media-column",
    ),
    pytest.param(
        TYPE + 'pdf = { from = "acf.report_pdf", as = "media_link" }\n',
        '{file}:5: types.publication.columns.pdf.as = "media_link": unknown conversion (use one '
        "of text, int, float, bool, date, datetime, json, list, media_url, html_to_text, "
        "markdown) (did you mean 'media_url'?)",
        id="unknown-as",
    ),
    pytest.param(
        TYPE + 'when = { from = "acf.date", format = "%Y%m%d" }\n',
        '{file}:5: types.publication.columns.when.format = "%Y%m%d": only applies to as = '
        '"date" or "datetime"',
        id="format-without-a-date",
    ),
    pytest.param(
        TYPE + 'when = { from = "acf.date", as = "date", format = "Ymd" }\n',
        '{file}:5: types.publication.columns.when.format = "Ymd": a strptime format like '
        '"%Y%m%d" (% codes) is needed',
        id="format-in-php-style",
    ),
    pytest.param(
        TYPE + 'who = { from = "acf.authors", split = ";", as = "int" }\n',
        '{file}:5: types.publication.columns.who.as = "int": split gives a list: leave `as` out '
        'or use as = "list"',
        id="split-with-another-conversion",
    ),
    pytest.param(
        TYPE + 'who = { from = "acf.authors", split = "" }\n',
        '{file}:5: types.publication.columns.who.split = "": must be a separator string',
        id="empty-split",
    ),
    pytest.param(
        TYPE + 'title = { from = "title", search = "yes" }\n',
        '{file}:5: types.publication.columns.title.search = "yes": must be true or false',
        id="search-not-a-boolean",
    ),
    pytest.param(
        TYPE + 'item_id = { from = "id", as = "int" }\n',
        "{file}:5: types.publication.columns.item_id: this column name is reserved (item_id is "
        "the key to items)",
        id="column-named-item_id",
    ),
    pytest.param(
        TYPE + '"pdf url" = { from = "acf.report_pdf" }\n',
        '{file}:5: types.publication.columns."pdf url": a column name is letters, digits and _',
        id="column-name-with-a-space",
    ),
    pytest.param(
        TYPE + 'title = { from = "title" }\nTitle = { from = "slug" }\n',
        "{file}:6: types.publication.columns.Title: another column has the same name (SQLite "
        "ignores case)",
        id="columns-differing-in-case",
    ),
    pytest.param(
        '[types.publication]\ntable = "reports"\n[types.publication.columns.when]\n'
        'from = "acf.date"\nas = "dat"\n',
        '{file}:5: types.publication.columns.when.as = "dat": unknown conversion (use one of '
        "text, int, float, bool, date, datetime, json, list, media_url, html_to_text, markdown) "
        "(did you mean 'date'?)",
        id="column-as-a-sub-table",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_a_mistake_gives_one_line_naming_file_line_key_and_value(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as raised:
        load_mapping([path])
    assert str(raised.value) == message.replace("{file}", str(path))
    assert "\n" not in str(raised.value)


def test_a_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match=r"^.*nowhere\.toml: mapping file not found$"):
        load_mapping([tmp_path / "nowhere.toml"])


def test_the_cli_prints_the_error_and_writes_nothing(tmp_path):
    bad = write(tmp_path, TYPE + 'pdf = { from = "acf.report_pdf", as = "media_link" }\n')
    archive = tmp_path / "library.db"
    command = ["export", str(SAMPLE), str(archive), "--mapping", str(bad)]
    result = subprocess.run(
        [sys.executable, "-m", "wpmigrate", *command],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f'wpmigrate: error: {bad}:5: types.publication.columns.pdf.as = "media_link": unknown '
        "conversion (use one of text, int, float, bool, date, datetime, json, list, media_url, "
        "html_to_text, markdown) (did you mean 'media_url'?)\n"
    )
    assert not archive.exists()
