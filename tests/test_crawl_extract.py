"""What the crawler reads from WordPress pages, on real HTML saved from the test site in both
themes: Twenty Twenty-Three (block) and Twenty Twenty-One (classic).

The pages live in tests/fixtures/crawl/<theme>/ (see the README there); their URLs start
with http://127.0.0.1:8391, where they were saved.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wpmigrate.cleaning import Cleaner
from wpmigrate.sources import extract as x

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "crawl"
THEMES = ("twentytwentythree", "twentytwentyone")
BASE = "http://127.0.0.1:8391"
CHROME = (
    "Proudly powered",
    "Skip to content",
    "Leave a Reply",
    "Leave a comment",
    "Research Library Test Site",
    "Posted",
    "Tags:",
    "Categorized as",
    "Published",
    "About the Library",
    "Very useful data on kiosk prices",  # a comment, not the post
)


def page(theme: str, name: str):
    doc = x.parse_html((FIXTURES / theme / f"{name}.html").read_bytes())
    assert doc is not None
    return doc


def text(html: str) -> str:
    cleaner = Cleaner()
    return cleaner.to_text(cleaner.clean_html(html))


@pytest.mark.parametrize("theme", THEMES)
def test_a_post_is_found_by_its_wordpress_id_with_title_date_and_terms(theme):
    post = x.extract_post(
        page(theme, "single-post"), f"{BASE}/2023/06/water-futures-roundtable-recap/"
    )

    assert (post.id, post.type) == (27, "post")
    assert post.title_html == "Event Recap: Water Futures Roundtable"
    assert (post.date, post.date_gmt) == ("2023-06-15T18:30:00", "2023-06-15T17:30:00Z")
    assert post.url == f"{BASE}/2023/06/water-futures-roundtable-recap/"
    assert {(t.url, t.taxonomy) for t in post.term_links} == {
        (f"{BASE}/category/events/", "category"),
        (f"{BASE}/tag/water/", "post_tag"),
    }
    assert post.comments_open


@pytest.mark.parametrize("theme", THEMES)
def test_the_content_is_the_post_without_the_page_around_it(theme):
    post = x.extract_post(
        page(theme, "single-publication"), f"{BASE}/publications/water-access-annual-report-2023/"
    )
    body = text(post.content_html)

    assert (post.id, post.type) == (4, "publication")
    assert body.startswith("Summary\n\nOne in three households")
    assert "The tap is close now" in body
    assert body.endswith("Download the full report (PDF)")
    for chrome in CHROME:
        assert chrome not in body, chrome
    assert "<form" not in post.content_html and "<script" not in post.content_html


@pytest.mark.parametrize("theme", THEMES)
def test_more_markers_and_captions_render_as_on_the_site(theme):
    more = x.extract_post(
        page(theme, "single-publication-more"), f"{BASE}/publications/adaptation-finance-last-mile/"
    )
    caption = x.extract_post(
        page(theme, "single-publication-caption"),
        f"{BASE}/publications/supply-chains-small-producers/",
    )

    assert more.title_html == "Adaptation Finance and the \u201cLast Mile\u201d"
    assert 'id="more-7"' in more.content_html
    assert "Where the money stops" in text(more.content_html)
    assert "Producers selling directly at a district market." in text(caption.content_html)
    assert caption.title_html == "Supply Chains &amp; Small Producers: Who Captures the Value?"


@pytest.mark.parametrize("theme", THEMES)
def test_a_password_protected_post_has_no_content_and_no_prefix(theme):
    post = x.extract_post(
        page(theme, "single-post-protected"), f"{BASE}/2023/02/members-briefing-notes/"
    )

    assert post.id == 29
    assert post.password_required
    assert post.title_html == "Members-only Briefing Notes"
    assert post.content_html == ""


@pytest.mark.parametrize("theme", THEMES)
def test_a_child_page_knows_its_parent(theme):
    post = x.extract_post(page(theme, "page-child"), f"{BASE}/about/team/")

    assert (post.id, post.type, post.parent_id) == (39, "page", 37)
    assert post.title_html == "Team"
    assert text(post.content_html).startswith("The research team at the 2019 retreat.")
    assert x.last_path_segment(post.url) == "team"


@pytest.mark.parametrize("theme", THEMES)
def test_images_and_documents_become_media_with_ids_where_the_markup_has_them(theme):
    post = x.extract_post(
        page(theme, "single-publication"), f"{BASE}/publications/water-access-annual-report-2023/"
    )

    by_url = {m.url: m for m in post.media}
    image = by_url[f"{BASE}/wp-content/uploads/2023/03/water-point.png"]
    assert image.id == 18
    assert image.alt == "Queue of containers at a shared tap"
    assert image.caption == "A shared water point visited during the 2023 survey."
    pdf = by_url[f"{BASE}/wp-content/uploads/2023/03/water-access-annual-report-2023.pdf"]
    assert pdf.title == "Download the full report (PDF)"
    assert post.featured is not None and post.featured.id == 18


@pytest.mark.parametrize("theme", THEMES)
def test_comments_keep_their_ids_threads_and_dates(theme):
    post = x.extract_post(
        page(theme, "single-post"), f"{BASE}/2023/06/water-futures-roundtable-recap/"
    )

    found = {c.id: c for c in post.comments}
    assert set(found) == {2, 3}
    assert found[3].parent_id == 2 and found[2].parent_id is None
    assert found[2].author_name == "Amara Nwosu"
    assert found[2].author_url == "https://amara.example.net"
    assert found[2].date_gmt == "2023-06-16T08:12:00Z"
    assert text(found[3].content_html) == "Yes – they will be attached to the 2023 annual report."


def test_classic_themes_print_post_class_on_single_pages():
    post = x.extract_post(
        page("twentytwentyone", "single-post"), f"{BASE}/2023/06/water-futures-roundtable-recap/"
    )

    assert {"category-events", "tag-water", "region-east-africa"} <= set(post.classes)


@pytest.mark.parametrize("theme", THEMES)
def test_listings_give_post_class_teasers_and_the_next_page(theme):
    listing = x.extract_listing(page(theme, "archive-publication"), f"{BASE}/publications/")

    assert [e.id for e in listing.entries] == [7, 14, 4, 11, 5, 6, 12, 9, 13, 8]
    assert listing.next_url == f"{BASE}/publications/page/2/"
    entry = {e.id: e for e in listing.entries}[4]
    assert {"resource_type-annual-report", "region-east-africa"} <= set(entry.classes)
    assert entry.link == f"{BASE}/publications/water-access-annual-report-2023/"
    teaser = {e.id: e for e in listing.entries}[6].excerpt_html
    assert "Households in three districts" in teaser
    last = x.extract_listing(
        page(theme, "archive-publication-page-2"), f"{BASE}/publications/page/2/"
    )
    assert [e.id for e in last.entries] == [10, 15]
    assert last.next_url is None


@pytest.mark.parametrize("theme", THEMES)
def test_the_home_listing_marks_sticky_and_protected_posts(theme):
    entries = {e.id: e for e in x.extract_listing(page(theme, "home"), f"{BASE}/").entries}

    assert "sticky" in entries[26].classes
    assert entries[29].password_required and entries[29].excerpt_html == ""


@pytest.mark.parametrize("theme", THEMES)
def test_term_and_author_archives_give_ids_and_names(theme):
    term = x.extract_term(page(theme, "term-resource-type"), f"{BASE}/resource-type/report/")
    category = x.extract_term(page(theme, "category"), f"{BASE}/category/news/")
    author = x.extract_author(page(theme, "author"), f"{BASE}/author/zoe-aberg/")

    assert (term.taxonomy, term.id, term.slug, term.name_html) == (
        "resource_type",
        2,
        "report",
        "Report",
    )
    assert (category.taxonomy, category.id, category.slug, category.name_html) == (
        "category",
        13,
        "news",
        "News",
    )
    assert (author.id, author.slug, author.name) == (2, "zoe-aberg", "Zoë Åberg")
    if theme == "twentytwentyone":
        assert term.description_html == "<p>Full-length research reports.</p>"


@pytest.mark.parametrize("theme", THEMES)
def test_page_kinds_come_from_body_classes(theme):
    kinds = {
        name: x.page_kind(x.body_classes(page(theme, name)))
        for name in (
            "single-post",
            "page-child",
            "home",
            "archive-publication",
            "term-resource-type",
            "category",
            "author",
            "not-found",
        )
    }

    assert kinds == {
        "single-post": "single",
        "page-child": "single",
        "home": "listing",
        "archive-publication": "listing",
        "term-resource-type": "term",
        "category": "term",
        "author": "author",
        "not-found": "notfound",
    }


@pytest.mark.parametrize("theme", THEMES)
def test_the_site_title_tagline_and_language(theme):
    doc = page(theme, "home")
    info = x.extract_site(doc)

    assert info.title == "Research Library Test Site"
    assert info.description.startswith("Reports, briefings and field data on water")
    assert info.language == "en-US"
    assert x.looks_like_wordpress(doc, (FIXTURES / theme / "home.html").read_text(), {})


def test_a_page_that_is_not_wordpress_is_recognised():
    raw = "<html><head><title>Shop</title></head><body><main><h1>Hello</h1></main></body></html>"
    assert not x.looks_like_wordpress(x.parse_html(raw), raw, {})


@pytest.mark.parametrize(
    "raw",
    [
        "<div>" * 20_000 + "deep" + "</div>" * 20_000,
        "<html><body class='single postid-9'><article><h1>T</h1>"
        "<div class='entry-content'><p>x<table><tr><td>open",
        "<html><body class='single postid-9'><div class='entry-content'>"
        "<script>alert(1)</script><p onclick='x()'>ok</p><iframe src='javascript:alert(1)'>",
        "\x00\x01<html>" + "<p " + "a" * 100_000 + "=1>" + "</html>",
        "",
        "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
    ],
)
def test_hostile_markup_gives_a_partial_page_never_an_exception(raw):
    doc = x.parse_html(raw)
    if doc is None:
        assert not raw.strip()
        return
    post = x.extract_post(doc, f"{BASE}/x/")
    x.extract_listing(doc, f"{BASE}/x/")
    assert "<script" not in post.content_html
    assert "root:" not in post.content_html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-06-15T18:30:00+01:00", ("2023-06-15T18:30:00", "2023-06-15T17:30:00Z")),
        ("2023-03-21T09:30:00+00:00", ("2023-03-21T09:30:00", "2023-03-21T09:30:00Z")),
        ("2024-01-02T03:04:05Z", ("2024-01-02T03:04:05", "2024-01-02T03:04:05Z")),
        ("2024-01-02 03:04:05", ("2024-01-02T03:04:05", None)),
        ("yesterday", (None, None)),
        (None, (None, None)),
    ],
)
def test_dates_split_into_site_local_and_utc(value, expected):
    assert x.split_datetime(value) == expected


def test_term_slugs_compare_as_post_class_prints_them():
    assert x.sanitize_html_class("east-africa") == "east-africa"
    assert x.sanitize_html_class("%c3%a9t%c3%a9") == "t"
    assert (
        x.original_file_url(f"{BASE}/u/2023/03/water-point-300x200.png?x=1")
        == f"{BASE}/u/2023/03/water-point.png"
    )


def test_a_block_theme_page_without_a_content_element_is_an_empty_post():
    raw = (FIXTURES / "twentytwentythree" / "single-post.html").read_text()
    start = raw.index('<div class="has-global-padding is-layout-constrained entry-content')
    end = raw.index('<div class="wp-block-template-part">', start)
    post = x.extract_post(x.parse_html(raw[:start] + raw[end:]), f"{BASE}/2023/06/x/")

    assert post.id == 27 and post.content_html == ""


def test_seo_plugin_metadata_fills_what_the_theme_does_not_print():
    raw = """<html lang="fr-FR"><head>
    <title>Rapport annuel | Bibliothèque</title>
    <link rel="canonical" href="https://s.org/rapport-annuel/">
    <link rel="shortlink" href="https://s.org/?p=812">
    <meta property="og:title" content="Rapport annuel">
    <meta property="article:published_time" content="2024-03-15T10:00:00+01:00">
    <meta property="article:modified_time" content="2024-04-01T08:30:00+00:00">
    <script type="application/ld+json" class="yoast-schema-graph">{"@context": "https://schema.org",
      "@graph": [{"@type": "WebPage", "datePublished": "2020-01-01T00:00:00+00:00"},
                 {"@type": "Article", "author": {"name": "Inês Duarte"}}]}</script>
    </head><body class="custom-theme">
    <div id="page"><nav><a href="/">Accueil</a></nav>
    <main><article><h2>Rapport annuel</h2><div class="post-body"><p>Le texte.</p></div>
    <aside>Articles liés</aside></article></main>
    <footer>Proudly powered by WordPress</footer></div></body></html>"""
    post = x.extract_post(x.parse_html(raw), "https://s.org/rapport-annuel/")

    assert post.id == 812 and post.url == "https://s.org/rapport-annuel/"
    assert (post.date, post.date_gmt) == ("2024-03-15T10:00:00", "2024-03-15T09:00:00Z")
    assert post.modified_gmt == "2024-04-01T08:30:00Z"
    assert post.author_name == "Inês Duarte"
    assert post.title_html == "Rapport annuel"
    body = text(post.content_html)
    assert "Le texte." in body
    assert "Proudly powered" not in body and "Articles liés" not in body and "Accueil" not in body
