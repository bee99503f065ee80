"""The WXR reader: every WXR version, damaged files, the sample site field by field, streaming.

Expected values come from tests/fixtures/wxr/README.md and samples/README.md.
"""

from __future__ import annotations

import gzip
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from wxr_support import item, write_wxr

from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.model import Author, Comment, Item, Media, Site, Term
from wpmigrate.sources.wxr import WXRSource

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "wxr"
SAMPLE = ROOT / "samples" / "research-library.xml"
SKIP_TYPES = load_mapping().skip_types

SAMPLE_SKIPPED = {
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


def read(path: Path, skip_types=SKIP_TYPES) -> tuple[WXRSource, list]:
    source = WXRSource(path, skip_types=skip_types)
    return source, list(source.records())


def of(records: list, kind: type) -> list:
    return [r for r in records if isinstance(r, kind)]


def by_id(records: list, kind: type) -> dict:
    return {r.id: r for r in of(records, kind)}


@pytest.fixture(scope="module")
def sample() -> tuple[WXRSource, list]:
    return read(SAMPLE)


@pytest.fixture(scope="module")
def items(sample) -> dict[int, Item]:
    return by_id(sample[1], Item)


@pytest.fixture(scope="module")
def media(sample) -> dict[int, Media]:
    return by_id(sample[1], Media)


# -- WXR 1.0 ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wxr10() -> list:
    return read(FIXTURES / "wxr-1.0.xml")[1]


def test_wxr_1_0_site(wxr10):
    (site,) = of(wxr10, Site)
    assert (site.title, site.url, site.description, site.language, site.wxr_version) == (
        "Riverside Reading Room",
        "http://reading.example.org",
        "Notes from the reading room",
        "en",
        "1.0",
    )
    assert site.source_kind == "wxr"


def test_wxr_1_0_authors_come_from_dc_creator(wxr10):
    authors = of(wxr10, Author)
    assert [(a.login, a.name, a.slug) for a in authors] == [
        ("admin", "admin", "admin"),
        ("mpatel", "mpatel", "mpatel"),
    ]
    ids = {a.login: a.id for a in authors}
    items = by_id(wxr10, Item)
    assert items[5].author_id == items[7].author_id == ids["admin"]
    assert items[9].author_id == ids["mpatel"]
    # Each author is yielded before the first item that names it.
    order = [type(r).__name__ + str(r.id) for r in wxr10 if isinstance(r, Author | Item)]
    assert order == [f"Author{ids['admin']}", "Item5", "Item7", f"Author{ids['mpatel']}", "Item9"]


def test_wxr_1_0_terms_with_parents_by_slug_and_no_slugless_duplicates(wxr10):
    terms = of(wxr10, Term)
    assert sorted((t.taxonomy, t.slug, t.name) for t in terms) == [
        ("category", "closures", "Closures"),
        ("category", "news", "News"),
        ("category", "uncategorized", "Uncategorized"),
        ("post_tag", "lectures", "lectures"),
        ("post_tag", "maps", "maps"),
        ("post_tag", "new-arrivals", "new arrivals"),
    ]
    ids = {t.slug: t.id for t in terms}
    assert len(set(ids.values())) == 6
    parents = {t.slug: t.parent_id for t in terms}
    assert parents["closures"] == ids["news"]
    assert parents["news"] is None
    assert next(t for t in terms if t.slug == "news").description == (
        "Announcements from the reading room"
    )
    items = by_id(wxr10, Item)
    # Tags appear twice per item (with and without nicename): one term id each.
    assert items[5].term_ids == [ids["news"], ids["maps"], ids["new-arrivals"]]
    assert items[7].term_ids == []
    assert items[9].term_ids == [ids["closures"], ids["lectures"], ids["uncategorized"]]


def test_wxr_1_0_items(wxr10):
    items = by_id(wxr10, Item)
    assert list(items) == [5, 7, 9]
    post, page, draft = items[5], items[7], items[9]
    assert (post.type, post.status, post.title, post.slug) == (
        "post",
        "publish",
        "Books & maps: new arrivals",
        "books-maps-new-arrivals",
    )
    assert (post.date, post.date_gmt, post.modified_gmt) == (
        "2010-10-28T16:05:00",
        "2010-10-28T15:05:00Z",
        None,
    )
    assert post.link == "http://reading.example.org/?p=5"
    assert post.comment_status == "open"
    assert post.fields == {}  # _edit_last and _edit_lock are WordPress internals
    assert post.meta == {"_edit_last": "1", "_edit_lock": "1288278310"}
    (comment,) = post.comments
    assert (comment.id, comment.item_id, comment.parent_id, comment.author_name) == (
        3,
        5,
        None,
        "Gwen Harker",
    )
    assert (comment.status, comment.type, comment.date_gmt, comment.author_url) == (
        "approved",
        "comment",
        "2010-10-29T07:12:40Z",
        "http://example.com/gwen",
    )
    assert comment.content_html == "Are the estate maps available to photograph?"
    assert (page.type, page.title, page.fields) == ("page", "About the reading room", {})
    assert page.meta == {"_wp_page_template": "default"}
    assert (draft.type, draft.status, draft.title, draft.slug) == (
        "post",
        "draft",
        "Winter lecture series (draft)",
        "",
    )
    assert (draft.date, draft.date_gmt) == ("2010-11-01T11:20:44", None)


# -- WXR 1.1 ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wxr11() -> list:
    return read(FIXTURES / "wxr-1.1.xml")[1]


def test_wxr_1_1_site_authors_terms(wxr11):
    (site,) = of(wxr11, Site)
    assert (site.title, site.url, site.wxr_version) == (
        "Delta Archive",
        "http://archive.example.net",
        "1.1",
    )
    assert [(a.id, a.login, a.name) for a in of(wxr11, Author)] == [
        (1, "admin", "Site Admin"),
        (3, "hkowalski", "Helena Kowalski"),
    ]
    assert [(t.id, t.taxonomy, t.slug, t.name, t.parent_id) for t in of(wxr11, Term)] == [
        (2, "category", "reports", "Reports", None),
        (4, "category", "field-notes", "Field notes", 2),
        (6, "post_tag", "sanitation", "sanitation", None),
        (8, "series", "working-papers", "Working papers", None),
    ]
    assert by_id(wxr11, Term)[8].description == "Unreviewed drafts"


def test_wxr_1_1_items_and_attachment(wxr11):
    items = by_id(wxr11, Item)
    assert list(items) == [12, 14]
    post = items[12]
    assert (post.title, post.author_id, post.term_ids) == (
        "Field notes from the delta",
        3,
        [4, 6, 8],
    )
    assert post.excerpt_html == "Week two in the lower villages."
    assert (post.date, post.date_gmt) == ("2011-03-17T12:30:00", "2011-03-17T12:30:00Z")
    assert [(c.id, c.author_name, c.status) for c in post.comments] == [
        (3, "Tomás Ruiz", "approved")
    ]
    assert (items[14].type, items[14].menu_order) == ("page", 2)
    (image,) = of(wxr11, Media)
    assert image == Media(
        id=15,
        url="http://archive.example.net/wp-content/uploads/2011/03/delta-map.png",
        item_id=12,
        mime_type="image/png",
        title="delta-map",
        caption="Sketch map of the lower villages",
        width=640,
        height=480,
        filesize=None,
        file="2011/03/delta-map.png",
        date_gmt="2011-03-17T12:25:41Z",
        author_id=3,
        slug="delta-map",
        status="inherit",
        source_url="http://archive.example.net/2011/03/field-notes-from-the-delta/delta-map/",
    )


# -- WXR 1.2: the sample --------------------------------------------------------------------


def test_wxr_1_2_site(sample):
    records = sample[1]
    assert isinstance(records[0], Site)
    assert records[0] == Site(
        title="Riverside Research Library",
        url="https://library.example.org",
        description=(
            "Open research on water, labour, migration & climate from the Riverside Policy "
            "Institute"
        ),
        language="en-GB",
        source_kind="wxr",
        source_location=str(SAMPLE),
        wxr_version="1.2",
    )
    assert len(of(records, Site)) == 1


def test_sample_counts(sample):
    records = sample[1]
    items = of(records, Item)
    assert Counter((i.type, i.status) for i in items) == {
        ("page", "publish"): 4,
        ("post", "publish"): 4,
        ("publication", "publish"): 9,
        ("publication", "draft"): 1,
        ("publication", "private"): 1,
        ("publication", "pending"): 1,
        ("publication", "future"): 1,
        ("publication", "trash"): 1,
    }
    assert len(items) == 22
    assert len(of(records, Media)) == 10
    assert len(of(records, Author)) == 4
    assert sum(len(i.comments) for i in items) == 5
    assert Counter(t.taxonomy for t in of(records, Term)) == {
        "category": 4,
        "post_tag": 4,
        "resource_type": 4,
        "region": 4,
        "nav_menu": 1,  # the reader yields it; the mapping leaves it out
    }


def test_header_comes_before_content(sample):
    kinds = [type(r).__name__ for r in sample[1]]
    first_content = kinds.index("Item")
    assert kinds[0] == "Site"
    assert set(kinds[1:first_content]) == {"Author", "Term"}
    assert "Term" not in kinds[first_content:]  # every referenced term is declared


def test_authors_as_written(sample):
    assert sorted((a.id, a.login, a.name, a.slug) for a in of(sample[1], Author)) == [
        (1, "admin", "Library Admin", "admin"),
        (2, "zaberg", "Zoë Åberg", "zaberg"),
        # The reader passes names on as WordPress stored them; the pipeline decodes.
        (3, "policyteam", "Research &amp; Policy Team", "policyteam"),
        (4, "dokafor", "Daniel Okafor", "dokafor"),
    ]
    # E-mail addresses in the export never reach the model.
    assert not hasattr(of(sample[1], Author)[0], "email")


def test_terms_with_parents_by_slug(sample):
    terms = by_id(sample[1], Term)
    table = {t.slug: (t.id, t.taxonomy, t.parent_id) for t in terms.values()}
    assert table == {
        "uncategorized": (1, "category", None),
        "news": (2, "category", None),
        "library-updates": (3, "category", 2),
        "research-notes": (4, "category", None),
        "open-data": (5, "post_tag", None),
        "reading-room": (6, "post_tag", None),
        "workshops": (7, "post_tag", None),
        "new-acquisitions": (8, "post_tag", None),
        "report": (9, "resource_type", None),
        "annual-report": (10, "resource_type", 9),
        "briefing": (11, "resource_type", None),
        "policy-paper": (12, "resource_type", None),
        "east-africa": (13, "region", None),
        "south-asia": (14, "region", None),
        "europe": (15, "region", None),
        "middle-east-north-africa": (16, "region", None),
        "main-menu": (17, "nav_menu", None),
    }
    assert terms[16].name == "Middle East &amp; North Africa"
    assert terms[11].description == "Short evidence summaries (4–8 pages)."


def test_custom_taxonomy_terms_on_items(sample, items):
    terms = by_id(sample[1], Term)
    assert sorted((terms[t].taxonomy, terms[t].slug) for t in items[23].term_ids) == [
        ("region", "east-africa"),
        ("resource_type", "report"),
    ]
    assert [terms[t].slug for t in items[27].term_ids] == ["annual-report"]
    assert [terms[t].slug for t in items[8].term_ids] == ["news", "open-data"]


def test_page_tree_and_menu_order(items):
    assert {i: (items[i].parent_id, items[i].menu_order) for i in (2, 3, 4, 5)} == {
        2: (None, 1),
        3: (2, 1),
        4: (3, 1),
        5: (None, 2),
    }
    assert items[4].link == "https://library.example.org/about-us/our-team/trustees/"


def test_dates_local_and_gmt(items):
    # BST: local is an hour ahead of GMT; GMT in winter.
    assert (items[27].date, items[27].date_gmt, items[27].modified_gmt) == (
        "2024-05-20T09:30:00",
        "2024-05-20T08:30:00Z",
        "2024-05-21T07:02:37Z",
    )
    assert (items[23].date, items[23].date_gmt) == ("2024-03-15T10:00:00", "2024-03-15T10:00:00Z")
    assert (items[35].status, items[35].date, items[35].date_gmt) == (
        "future",
        "2024-09-10T09:00:00",
        "2024-09-10T08:00:00Z",
    )
    # Drafts have no GMT date (0000-00-00) but a real modification date.
    assert (items[32].date_gmt, items[32].modified_gmt) == (None, "2024-07-10T15:05:40Z")
    assert items[34].date_gmt is None


def test_flags_sticky_password_and_links(items):
    assert [i for i, item in items.items() if item.sticky] == [8]
    assert [i for i, item in items.items() if item.password_protected] == [10]
    assert "riverside-2023" not in repr(items[10])  # the password itself is never kept
    # `&#038;` in <link> is decoded by the XML parser.
    assert items[35].link == "https://library.example.org/?post_type=publication&p=35"
    assert items[37].slug == "briefing-sanitation-coverage-2020__trashed"
    assert (items[8].comment_status, items[23].comment_status) == ("open", "closed")
    assert (items[8].author_id, items[23].author_id) == (4, 2)


def test_featured_images(items):
    featured = {i: item.featured_media_id for i, item in items.items() if item.featured_media_id}
    assert featured == {19: 21, 23: 25, 27: 29}


def test_comments_with_parents_statuses_and_meta(items):
    comments = {c.id: c for item in items.values() for c in item.comments}
    assert {c.id: (c.item_id, c.parent_id, c.status) for c in comments.values()} == {
        1: (8, None, "approved"),
        2: (8, 1, "approved"),
        3: (8, None, "pending"),
        4: (8, None, "approved"),
        5: (11, None, "approved"),
    }
    assert comments[2].author_name == "Zoë Åberg"
    assert comments[1].date_gmt == "2024-01-15T12:41:07Z"
    assert comments[3].author_url == "http://example.com/?ref=library&src=comment"
    assert comments[4].meta == {
        "akismet_result": "false",
        "akismet_history": {"time": 1705519368.482731, "event": "check-ham", "user": ""},
    }
    assert comments[1].meta == {}
    # Commenters' e-mail addresses and IPs are not part of the model at all.
    assert not {"author_email", "author_ip", "email", "ip"} & set(Comment.__dataclass_fields__)


def test_postmeta_fields_and_raw_meta(items):
    assert items[14].fields["legacy_code"] == "RR-2019-04"
    assert items[23].meta["_thumbnail_id"] == "25"
    assert not [name for name in items[23].fields if name.startswith("_")]
    assert items[37].meta["_wp_trash_meta_status"] == "publish"
    assert "_wp_trash_meta_status" not in items[37].fields


def test_repeated_meta_keys_keep_every_value(tmp_path):
    text = (FIXTURES / "wxr-1.1.xml").read_text(encoding="utf-8")
    meta = (
        "<wp:postmeta><wp:meta_key>enclosure</wp:meta_key>"
        "<wp:meta_value><![CDATA[{}]]></wp:meta_value></wp:postmeta>"
    )
    anchor = "<wp:post_id>12</wp:post_id>"
    assert text.count(anchor) == 1
    path = tmp_path / "repeated.xml"
    path.write_text(
        text.replace(anchor, anchor + meta.format("a.mp3") + meta.format("b.mp3")),
        encoding="utf-8",
    )
    item = by_id(read(path)[1], Item)[12]
    assert item.meta["enclosure"] == "a.mp3"  # the first, as get_post_meta(..., true)
    assert item.fields["enclosure"] == ["a.mp3", "b.mp3"]


def test_left_out_types_are_counted_and_leave_no_trace(tmp_path):
    """A menu item (meta, a category, a comment) is skipped as its type, before its meta,
    terms and comments are read: none of them reaches the archive."""
    extra = (
        '<category domain="category" nicename="menus-only"><![CDATA[Menus only]]></category>'
        "<wp:postmeta><wp:meta_key>_menu_item_object_id</wp:meta_key>"
        "<wp:meta_value>7</wp:meta_value></wp:postmeta>"
        "<wp:comment><wp:comment_id>900</wp:comment_id>"
        "<wp:comment_content>On a menu item</wp:comment_content></wp:comment>"
    )
    path = write_wxr(
        tmp_path / "menu.xml",
        [
            item("5", post_type="nav_menu_item", extra=extra),
            item("6"),
            item("x", post_type="revision"),
        ],
    )
    source, records = read(path)
    assert [r.id for r in of(records, Item)] == [6]
    assert of(records, Term) == []
    assert source.skipped == {"nav_menu_item": 1, "invalid id: item": 1}


@pytest.mark.parametrize(
    ("types", "kept"),
    [
        pytest.param(("revision", "post"), True, id="left-out type, then a kept one"),
        pytest.param(("post", "revision"), False, id="kept type, then a left-out one"),
    ],
)
def test_a_repeated_post_type_tag_is_read_as_the_last_one_says(tmp_path, types, kept):
    meta = (
        "<wp:postmeta><wp:meta_key>edition</wp:meta_key>"
        "<wp:meta_value>2nd</wp:meta_value></wp:postmeta>"
    )
    first, last = (f"<wp:post_type>{t}</wp:post_type>" for t in types)
    path = write_wxr(tmp_path / "twice.xml", [item("8", post_type="", extra=first + meta + last)])
    source, records = read(path)
    found = of(records, Item)
    if kept:
        assert [(i.id, i.type, i.meta) for i in found] == [(8, "post", {"edition": "2nd"})]
        assert source.skipped == {}
    else:
        assert found == []
        assert source.skipped == {"revision": 1}


def test_reading_twice_counts_once(sample):
    source = WXRSource(SAMPLE, skip_types=SKIP_TYPES)
    first = list(source.records())
    assert list(source.records()) == first
    assert source.skipped == SAMPLE_SKIPPED


def test_attachments_become_media(media):
    assert sorted(media) == [16, 18, 20, 21, 24, 25, 28, 29, 30, 31]
    assert Counter(m.mime_type for m in media.values()) == {"application/pdf": 5, "image/png": 5}
    assert {m.status for m in media.values()} == {"inherit"}
    assert media[25] == Media(
        id=25,
        url="https://library.example.org/wp-content/uploads/2024/03/water-report-cover.png",
        item_id=23,
        mime_type="image/png",
        title="water-report-cover",
        caption="Shared standpipes remain the main water source for many households.",
        alt="A shared standpipe in a peri-urban settlement",
        description="Cover photograph of the Water for All report.",
        width=1600,
        height=900,
        filesize=1532774,
        file="2024/03/water-report-cover.png",
        date_gmt="2024-03-14T17:23:40Z",
        modified_gmt="2024-03-14T17:23:40Z",
        author_id=2,
        slug="water-report-cover",
        status="inherit",
        source_url="https://library.example.org/publications/water-for-all/water-report-cover/",
    )
    pdf = media[24]
    assert (pdf.mime_type, pdf.file, pdf.filesize, pdf.item_id) == (
        "application/pdf",
        "2024/03/water-report.pdf",
        2204811,
        23,
    )
    # PDF 24 has preview sizes in its metadata but no width/height of its own.
    assert (pdf.width, pdf.height) == (None, None)
    assert (media[16].filesize, media[16].item_id) == (348210, 15)
    assert (media[31].item_id, media[31].alt, media[31].width) == (
        None,
        "Riverside Research Library logo",
        512,
    )
    assert (media[21].alt, media[21].caption) == (
        "Rows of sewing machines on a factory floor",
        "Audited factories are not always the ones doing the work.",
    )
    assert (media[21].width, media[21].height, media[21].filesize) == (1200, 800, 846512)


def test_internals_and_auto_draft_are_skipped_and_counted(sample):
    source, records = sample
    assert source.skipped == SAMPLE_SKIPPED
    assert sum(source.skipped.values()) == 25
    ids = {r.id for r in records if isinstance(r, Item | Media)}
    assert not ids & {6, 7, 36, 38, 39, 41, 42, 43, *range(44, 61)}


def test_include_internals_keeps_them_but_never_auto_drafts():
    source, records = read(SAMPLE, skip_types=frozenset())
    assert source.skipped == {"auto-draft": 1}
    items = by_id(records, Item)
    assert len(items) + len(of(records, Media)) == 56
    assert (items[38].type, items[38].parent_id) == ("revision", 23)
    assert 36 not in items


def test_progress_fraction_reaches_one():
    source = WXRSource(SAMPLE, skip_types=SKIP_TYPES)
    assert source.fraction is None
    for _ in source.records():
        pass
    assert source.fraction == 1.0


# -- encodings and damaged input -------------------------------------------------------------


def test_cdata_splits_and_adjacent_sections():
    records = read(FIXTURES / "cdata-split.xml")[1]
    items = by_id(records, Item)
    assert items[201].title == "Parsing ]]> in titles"
    assert items[201].content_html == "<p>First: a[b[0]]> 1</p>\n<p>Second: ]]>]]></p>\n"
    assert items[201].excerpt_html == "Adjacent sections join."
    assert items[201].meta["closing_marker"] == 'a:1:{i:0;s:3:"]]>";}'
    assert items[201].fields["closing_marker"] == ["]]>"]
    assert items[202].title == "Mixed text and CDATA"
    assert items[202].content_html == "<p>Plain & <b>cdata</b> mixed</p>\n"
    assert items[202].fields["nested_open"] == (
        "This has <![CDATA[ opening and ]]> closing markers."
    )
    assert [(a.login, a.name) for a in of(records, Author)] == [("editor", "Fixture Editor")]


def test_latin1_declared_encoding():
    records = read(FIXTURES / "latin1.xml")[1]
    assert of(records, Site)[0].title == "Bibliothèque du Quai"
    assert [(a.login, a.name) for a in of(records, Author)] == [("hdurr", "Hélène Dürr")]
    items = by_id(records, Item)
    assert items[301].title == "Café littéraire: résumé de la séance"
    assert items[301].content_html == (
        "<p>Première séance du café littéraire à Zürich: «Le naïf et le sentimental». "
        "Entrée: 5 £, ½ tarif pour les étudiants.</p>\n"
    )
    assert items[301].excerpt_html == "Résumé: façade, garçon, Ångström, señor, straße, 20 °C."
    assert (items[302].type, items[302].title) == ("page", "À propos")
    assert items[302].content_html == (
        "<p>Ouvert du lundi au samedi, de 9h à 18h. © Bibliothèque du Quai</p>\n"
    )


def test_control_characters_and_leading_bom_are_tolerated():
    assert (FIXTURES / "control-chars.xml").read_bytes().startswith(b"\xef\xbb\xbf\r\n")
    items = by_id(read(FIXTURES / "control-chars.xml")[1], Item)
    assert items[401].title == "Vertical tab in content"
    assert items[401].content_html == "<p>Line oneLine two</p>\n<p>Tab\tstays.</p>\n"
    assert items[401].excerpt_html == "Unitseparator"
    assert items[401].fields == {"legacy_note": "copiedfromWord"}
    assert (items[402].title, items[402].content_html) == (
        "Clean item",
        "<p>Nothing unusual here.</p>\n",
    )


def test_stray_windows_1252_bytes_in_a_utf8_export_are_repaired(tmp_path):
    data = (FIXTURES / "wxr-1.1.xml").read_bytes()
    title = b"<title>Field notes from the delta</title>"
    assert data.count(title) == 1 and "Tomás Ruiz".encode() in data
    broken = tmp_path / "mixed.xml"
    broken.write_bytes(
        data.replace(title, b"<title>Field notes \x93from\x94 the delta \xe9t\xe9 \x81</title>")
    )
    post = by_id(read(broken)[1], Item)[12]
    assert post.title == "Field notes “from” the delta été \x81"
    assert post.comments[0].author_name == "Tomás Ruiz"  # real UTF-8 is left alone


def test_utf8_split_across_reads_is_kept_whole():
    with WXRSource(SAMPLE)._open() as stream:
        data = b"".join(iter(lambda: stream.read(1), b""))
    assert data == SAMPLE.read_bytes()


def test_php_notices_before_the_declaration_are_tolerated(tmp_path):
    noisy = tmp_path / "noisy.xml"
    noisy.write_bytes(
        b"\n<b>Warning</b>: Undefined array key 1 in <b>/var/www/export.php</b> on line "
        b"<b>12</b><br />\n" + (FIXTURES / "wxr-1.1.xml").read_bytes()
    )
    assert list(by_id(read(noisy)[1], Item)) == [12, 14]


def test_gzipped_export_reads_like_the_plain_file(tmp_path, sample):
    packed = tmp_path / "research-library.xml.gz"
    with SAMPLE.open("rb") as raw, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(raw, out)
    source, records = read(packed)
    assert records[1:] == sample[1][1:]
    assert of(records, Site)[0].source_location == str(packed)
    assert source.skipped == SAMPLE_SKIPPED
    assert source.fraction == 1.0


def test_truncated_gzip_is_an_error(tmp_path):
    packed = gzip.compress(SAMPLE.read_bytes())
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError) as error:
        read(cut)
    assert "\n" not in str(error.value)


def test_truncated_file_yields_complete_items_then_fails_in_one_line():
    source = WXRSource(FIXTURES / "truncated.xml", skip_types=SKIP_TYPES)
    seen = []
    with pytest.raises(SourceError) as error:
        for record in source.records():
            seen.append(record)
    assert [r.id for r in of(seen, Item)] == [501, 502]
    message = str(error.value)
    assert message.startswith(f"{FIXTURES / 'truncated.xml'}: not a readable WXR file")
    assert "\n" not in message


@pytest.mark.parametrize(
    "name", ["doctype-entities.xml", "billion-laughs.xml", "external-entity.xml"]
)
def test_doctype_is_refused_before_anything_is_read(name):
    source = WXRSource(FIXTURES / name)
    records = source.records()
    started = time.monotonic()
    with pytest.raises(SourceError, match="DOCTYPE"):
        next(records)
    assert time.monotonic() - started < 2


def test_doctype_hidden_after_a_comment_with_markup_is_refused(tmp_path):
    original = (FIXTURES / "external-entity.xml").read_text()
    assert "<!DOCTYPE" in original
    sneaky = tmp_path / "sneaky.xml"
    sneaky.write_text(original.replace("<!DOCTYPE", "<!-- see <b>notes</b> -->\n<!doctype", 1))
    with pytest.raises(SourceError, match="DOCTYPE"):
        read(sneaky)


def test_not_wxr_atom_feed_is_refused():
    with pytest.raises(SourceError, match="not a WordPress export"):
        read(FIXTURES / "not-wxr.xml")


def test_plain_rss_feed_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<link>https://example.org</link><item><title>Hello</title>"
        "<link>https://example.org/hello</link></item></channel></rss>"
    )
    with pytest.raises(SourceError, match="not a WordPress export"):
        read(feed)


def test_binary_junk_is_not_xml():
    with pytest.raises(SourceError, match="not an XML file"):
        read(FIXTURES / "junk.bin")


def test_missing_file(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        read(tmp_path / "nope.xml")


# -- streaming ------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 1e6


def test_memory_stays_flat_on_a_large_file(tmp_path):
    """30,000 items (~50 MB): resident memory must not follow the file size.

    lxml allocates its tree outside Python's allocator (tracemalloc does not see it, and
    tracing Python allocations makes this loop six times slower), so the test samples the
    process's resident set while iterating: a tree that is not cleared as it is read would
    add well over 100 MB here.
    """
    text = SAMPLE.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    tail = text[text.rindex("</item>") + len("</item>") :]
    template = next(
        "<item>" + chunk.split("</item>")[0] + "</item>\n"
        for chunk in rest.split("<item>")
        if "<wp:post_id>9</wp:post_id>" in chunk
    )
    big = tmp_path / "big.xml"
    with big.open("w", encoding="utf-8") as out:
        out.write(head)
        for n in range(30_000):
            out.write(template.replace("<wp:post_id>9<", f"<wp:post_id>{1000 + n}<"))
        out.write(tail)
    assert big.stat().st_size > 45e6
    source = WXRSource(big, skip_types=SKIP_TYPES)
    records = source.records()
    next(records)
    baseline = peak = _rss_mb()
    count = 0
    for record in records:
        count += isinstance(record, Item)
        if count % 1000 == 0:
            peak = max(peak, _rss_mb())
    assert count == 30_000
    assert peak - baseline < 25, f"resident memory grew by {peak - baseline:.0f} MB"
