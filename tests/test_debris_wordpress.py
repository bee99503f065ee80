"""Template debris learned from the site: the real WordPress test site, REST API off, dressed
by two theme styles (tests/wordpress/mu-plugin/wpmigrate-test-debris.php) in two themes.

As a user would: `inspect URL --write-mapping` learns the debris from the crawl and writes it
as rules, `export --via crawl` cleans with what it learns, and the REST export of the same
site, with the written mapping pinning the rules, must give the same text.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import pytest

from wpmigrate.mapping import load_mapping

# (style, theme): the scrape's shape and the other words, each in the classic and block theme
STYLES = tuple(
    (style, theme)
    for style in ("library", "boxed")
    for theme in ("twentytwentyone", "twentytwentythree")
)
DEBRIS_WORDS = {
    "library": ("TAGS:", "DOWNLOAD", "Read More"),
    "boxed": ("Keywords:", "Get the PDF", "Learn more", "Share this report", "»"),
}
PUBLISHED = "from items where type = 'publication' and status = 'publish'"
RUN = {"capture_output": True, "text": True, "timeout": 600}
EDITED = "annual-report-2022"
EDIT_PHP = f"""
$post = get_page_by_path( '{EDITED}', OBJECT, 'publication' );
wp_update_post( array(
    'ID' => $post->ID,
    'post_content' => $post->post_content . "\\n\\n<p>Updated after the first crawl.</p>",
) );
"""


def wpmigrate(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "wpmigrate", *args], **RUN)
    assert done.returncode == 0, done.stderr
    return done


def set_style(site, style: str) -> None:
    site.call_json(f"update_option( 'wpmigrate_test_debris_style', '{style}' ); return true;")


@pytest.fixture(scope="module", params=STYLES, ids=[f"{s}-{t}" for s, t in STYLES])
def styled(request, wordpress, tmp_path_factory):
    """One style: the inspect report and mapping, a crawl archive and a REST archive."""
    style, theme = request.param
    folder = tmp_path_factory.mktemp(style)
    mapping = folder / "learned.toml"
    try:
        set_style(wordpress, style)
        wordpress.set_theme(theme)
        wordpress.set_rest_enabled(False)
        report = wpmigrate("inspect", wordpress.url, "--write-mapping", str(mapping)).stdout
        crawl = str(folder / "crawl.db")
        wpmigrate("export", wordpress.url, crawl, "--via", "crawl", "-q")
        wordpress.php(EDIT_PHP)  # one publication changes: a sync reads just its pages
        wpmigrate("sync", crawl, "--via", "crawl", "-q")
        wordpress.set_rest_enabled(True)
        rest = folder / "rest.db"
        wpmigrate("export", wordpress.url, str(rest), "--via", "rest", "--mapping", str(mapping))
        wpmigrate("export", wordpress.url, str(folder / "plain.db"), "--via", "rest", "-q")
    finally:
        wordpress.reset()
    return {
        "style": style,
        "report": report,
        "mapping": mapping,
        "crawl": connect(folder / "crawl.db"),
        "rest": connect(rest),
        "plain": connect(folder / "plain.db"),
    }


def connect(path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return db


def texts(db: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    squeeze = lambda s: " ".join((s or "").split())  # noqa: E731
    rows = db.execute(f"select id, content_text, excerpt {PUBLISHED}")
    return {r["id"]: (squeeze(r["content_text"]), squeeze(r["excerpt"])) for r in rows}


def test_crawled_publications_read_as_the_rest_export(styled):
    crawled, rest = texts(styled["crawl"]), texts(styled["rest"])

    assert len(crawled) >= 10 and set(crawled) == set(rest)
    for item_id, (content, excerpt) in crawled.items():
        assert content == rest[item_id][0], item_id
        assert excerpt == rest[item_id][1], item_id


def test_a_sync_cleans_the_changed_item_with_the_rules_learned_before(styled):
    db = styled["crawl"]
    changed = db.execute(
        "select i.slug, i.content_text from changes c join items i on i.id = c.item_id "
        "where c.run_id = (select max(id) from runs)"
    ).fetchall()

    assert [slug for slug, _ in changed] == [EDITED]
    assert changed[0][1].endswith("Updated after the first crawl.")


def test_terms_shown_by_the_template_agree_with_the_rest_export(styled):
    def terms(db):
        rows = db.execute(
            "select it.item_id, t.taxonomy, t.slug from item_terms it "
            f"join terms t on t.id = it.term_id where it.item_id in (select id {PUBLISHED})"
        )
        found: dict[int, set[tuple[str, str]]] = {}
        for item_id, taxonomy, slug in rows:
            found.setdefault(item_id, set()).add((taxonomy, slug))
        return found

    assert terms(styled["crawl"]) == terms(styled["rest"])


def test_no_debris_words_remain(styled):
    for content, excerpt in texts(styled["crawl"]).values():
        for word in DEBRIS_WORDS[styled["style"]]:
            assert word not in content and word not in excerpt, word


def test_real_sentences_with_a_term_name_or_download_survive(styled):
    db = styled["crawl"]
    water = db.execute(f"select content_text {PUBLISHED} and slug like 'water-access%'").fetchone()
    supply = db.execute(f"select content_text {PUBLISHED} and slug like 'supply-chains%'")
    assert "Download the full report (PDF)" in water[0]
    assert "This report asks where the rest goes, and why." in supply.fetchone()[0]


def test_each_pdf_is_a_media_row_of_its_item(styled):
    db = styled["crawl"]
    pdfs = db.execute("select item_id, url from media where url like '%.pdf'").fetchall()
    by_item = {r["item_id"]: r["url"] for r in pdfs}
    slugs = {r["slug"]: r["id"] for r in db.execute(f"select id, slug {PUBLISHED}")}

    for slug, pdf in (
        ("water-access-annual-report-2023", "water-access-annual-report-2023.pdf"),
        ("annual-report-2022", "annual-report-2022.pdf"),
        ("cold-chains-smallholder-dairy", "cold-chains-briefing.pdf"),
    ):
        assert by_item[slugs[slug]].endswith("/" + pdf), slug


def test_the_removed_table_shows_what_went(styled):
    db = styled["crawl"]
    removed = db.execute("select item_id, field, rule, text from removed").fetchall()
    titles = dict(db.execute(f"select id, title {PUBLISHED}").fetchall())
    slugs = {r["slug"]: r["id"] for r in db.execute(f"select id, slug {PUBLISHED}")}
    by_item: dict[int, list[sqlite3.Row]] = {}
    for row in removed:
        by_item.setdefault(row["item_id"], []).append(row)

    assert set(by_item) == set(titles)  # every publication lost its listing debris
    # the manual excerpt's pasted teaser phrase is the cleaning steps' (every source strips it)
    pasted = [(slugs["seasonal-migration-remittances"], "excerpt", "cleaning teaser", "…Read More")]
    assert [tuple(r) for r in removed if not r["rule"].startswith("learned ")] == pasted
    rest = styled["rest"]
    rest_slugs = {r["slug"]: r["id"] for r in rest.execute(f"select id, slug {PUBLISHED}")}
    pinned = rest.execute("select item_id, field, rule, text from removed").fetchall()
    assert pinned and [tuple(r) for r in pinned if not r["rule"].startswith("mapping ")] == [
        (rest_slugs["seasonal-migration-remittances"], "excerpt", "cleaning teaser", "…Read More")
    ]
    pdf_boxes = [r for r in removed if r["field"] == "content"]
    assert len(pdf_boxes) == 3
    for row in pdf_boxes:
        assert row["text"].startswith(titles[row["item_id"]])
    if styled["style"] == "library":
        assert {"TAGS:", "...Read More", "…Read More"} & {r["text"] for r in removed}
    else:
        assert "Share this report" in {r["text"] for r in removed}


def test_inspect_reports_the_rules_and_writes_them_as_a_mapping(styled):
    report = styled["report"]
    pinned = load_mapping([styled["mapping"]]).type_cleaning["publication"]

    assert "Debris learned for publication" in report
    assert pinned.drop or pinned.drop_text
    assert re.search(r"\{title\}", " ".join(pinned.drop_text)) or pinned.drop


def test_without_the_pinned_rules_the_rest_export_keeps_the_site_teaser(styled):
    """The mapping is what carries the learned rules to another source."""
    plain = texts(styled["plain"])
    if styled["style"] == "boxed":
        # all but the manual excerpt with a pasted "...Read More", which ends it anyway
        kept = [excerpt for _, excerpt in plain.values() if "Learn more »" in excerpt]
        assert len(kept) == len(plain) - 1
    else:  # "...Read More" is a phrase every run strips
        assert not any("Read More" in excerpt for _, excerpt in plain.values())
