"""Every removal is recorded: what the cleaning steps take out of an item's text (teaser
phrases and read-more boxes, screen-reader-only text, dropped shortcodes, scripts and styles)
is a row of the `removed` table, with the text that went and the step's rule."""

from __future__ import annotations

from pathlib import Path

from rest_support import run_cli
from wxr_support import item, rows, write_wxr

from wpmigrate.cleaning import Cleaner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
ROWS = "select item_id, field, rule, text, run_id from removed order by item_id, field, rowid"


def _item(post_id: str, content: str, excerpt: str = "") -> str:
    extra = f"<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>" if excerpt else ""
    return item(post_id, extra=extra).replace(
        f"<![CDATA[<p>Text of {post_id}.</p>]]>", f"<![CDATA[{content}]]>"
    )


LONG_SCRIPT = "var shelf = 1;" * 50  # 700 characters: the row keeps the first 500

ITEMS = [
    # teaser phrase at the end, after an ellipsis, in a link
    _item("1", '<p>Wells dug in 2021 still run… <a href="/wells/">Read more</a></p>'),
    # a read-more link with its screen-reader title, and a read-more box
    _item(
        "2",
        '<p>Rain gauges were checked weekly.</p><p class="read-more">'
        '<a href="/gauges/">Read the field notes »</a></p>'
        '<p>Results in spring. <a class="more-link" href="/rain/">Continue reading '
        '<span class="screen-reader-text">"Rain Gauges"</span></a></p>',
    ),
    # screen-reader-only text inside a sentence
    _item(
        "3",
        '<p>Open the map <span class="screen-reader-text">(opens in a new tab)</span>'
        " to see the wells.</p>",
    ),
    # a dropped self-closing shortcode and a dropped enclosing one, a kept unknown one (media
    # shortcodes in a WXR are rendered as WordPress renders them, before cleaning)
    _item(
        "4",
        '<p>Photos of the dig.</p>\n[contact-form-7 id="12" title="Visit form"]\n'
        '<p>[rev_slider alias="dig"]Slide one: the crew[/rev_slider] Notes follow.</p>'
        "<p>[note_box]Water is scarce.[/note_box]</p>",
    ),
    # scripts and styles (a long one is capped)
    _item(
        "5",
        '<p>Counted.</p><script>trackVisit("shelf");</script>'
        f"<style>.note {{ color: teal }}</style><script>{LONG_SCRIPT}</script>",
    ),
    # markup without text goes silently: comments, block delimiters, markers, empty paragraphs
    _item(
        "6",
        "<!-- wp:paragraph --><p>Kept whole.</p><!-- /wp:paragraph -->"
        "<!--more--><p>&nbsp;</p><!-- editor note -->",
    ),
    # an excerpt's teaser phrase, and a content that loses nothing
    _item("7", "<p>Nothing to remove here.</p>", excerpt="A short summary [&hellip;]"),
]


def test_each_kind_of_removal_is_a_row_with_the_text_that_went(tmp_path):
    archive = tmp_path / "shelf.db"
    assert (
        run_cli("export", str(write_wxr(tmp_path / "shelf.xml", ITEMS)), str(archive)).returncode
        == 0
    )

    assert rows(archive, ROWS) == [
        (1, "content", "cleaning teaser", "… Read more", 1),
        (2, "content", "cleaning teaser", "Read the field notes »", 1),
        (2, "content", "cleaning teaser", 'Continue reading "Rain Gauges"', 1),
        (3, "content", "cleaning screen_reader", "(opens in a new tab)", 1),
        (
            4,
            "content",
            "cleaning shortcode [contact-form-7]",
            '[contact-form-7 id="12" title="Visit form"]',
            1,
        ),
        (
            4,
            "content",
            "cleaning shortcode [rev_slider]",
            '[rev_slider alias="dig"]Slide one: the crew[/rev_slider]',
            1,
        ),
        (5, "content", "cleaning script", 'trackVisit("shelf");', 1),
        (5, "content", "cleaning style", ".note { color: teal }", 1),
        (5, "content", "cleaning script", LONG_SCRIPT[:500], 1),
        (7, "excerpt", "cleaning teaser", "[…]", 1),
    ]
    assert rows(archive, "select id, content_text, excerpt from items order by id") == [
        (1, "Wells dug in 2021 still run", "Wells dug in 2021 still run"),
        (
            2,
            "Rain gauges were checked weekly.\n\nResults in spring.",
            "Rain gauges were checked weekly. Results in spring.",
        ),
        (3, "Open the map to see the wells.", "Open the map to see the wells."),
        (
            4,
            "Photos of the dig.\n\nNotes follow.\n\nWater is scarce.",
            "Photos of the dig. Notes follow. Water is scarce.",
        ),
        (5, "Counted.", "Counted."),
        (6, "Kept whole.", "Kept whole."),
        (7, "Nothing to remove here.", "A short summary"),
    ]


def test_the_shipped_sample_records_exactly_its_teasers(tmp_path):
    archive = tmp_path / "library.db"
    assert run_cli("export", str(SAMPLE), str(archive)).returncode == 0

    assert rows(archive, ROWS) == [
        (
            17,
            "excerpt",
            "cleaning teaser",
            "Continue reading Crossing Lines: Migration Routes Through the Central Mediterranean",
            1,
        ),
        (19, "excerpt", "cleaning teaser", "...Read More", 1),
        (27, "excerpt", "cleaning teaser", "[…]", 1),
    ]


def test_a_cleaner_reports_nothing_when_nothing_goes():
    removals: list[tuple[str, str]] = []
    html = '<p>Read more about <a href="/m/">our methods</a> [1].</p><p>[sic] … and on.</p>'

    assert Cleaner().clean_html(html, removals) == html
    assert (
        Cleaner().clean_excerpt(html, removals)
        == "Read more about our methods [1].\n\n[sic] … and on."
    )
    assert removals == []
