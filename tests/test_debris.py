"""Template debris: rules learned from a type's items, applied, pinned by a mapping, recorded.

The fragments are shaped like Twenty Twenty-One's output for the debris theme style of the
test site (tests/wordpress/mu-plugin/wpmigrate-test-debris.php); the text is our own. The
real-WordPress end-to-end run is tests/test_debris_wordpress.py.
"""

from __future__ import annotations

import sqlite3

import pytest

from wpmigrate import pipeline
from wpmigrate.cleaning.debris import DebrisRules, ItemFacts, apply_rules
from wpmigrate.debris import Learner, Sample, learn
from wpmigrate.errors import MappingError
from wpmigrate.mapping import Mapping, load_mapping
from wpmigrate.model import Item, LearnedCleaning, Site, Term
from wpmigrate.report import draft_mapping, inspect_source, render_text

PUBLICATIONS = [
    (1, "Rivers and Rain", ("Briefing", "Guidance"), ("Asia",), "Flooding keeps rising"),
    (2, "Dry Season Markets", ("Report",), (), "Market prices swing hard"),
    (3, "Wells for Schools", ("Report", "Guidance"), ("Africa", "Asia"), "Schools with a well"),
    (4, "Heat at Work", ("Policy paper",), ("Europe",), "Outdoor workers lose hours"),
]


def excerpt(item_id: int, cats, tags, text: str) -> str:
    links = "".join(f'<a href="/resource-type/{c}/" rel="tag">{c}</a>' for c in cats)
    tag_links = ", ".join(f'<a href="/region/{t}/" rel="tag">{t}</a>' for t in tags)
    return (
        f'<p><span class="pub-cats">{links}</span></p>\n'
        f"<p>{text} in the delta, and the rest of this teaser is cut mid-wo&#8230;"
        f'<a href="/publications/{item_id}/">Read More</a></p>\n'
        f'<p><span class="pub-tags">TAGS: {tag_links}</span></p>\n'
    )


def content(item_id: int, title: str, text: str) -> str:
    return (
        f"<p>{text}. Our Asia programme can download the data for this report.</p>\n"
        f"<h2>Key findings</h2>\n<p>Finding {item_id}: the numbers moved.</p>\n"
        f'<p class="pub-download">{title} <a href="/up/{item_id}.pdf">DOWNLOAD</a></p>'
    )


def samples() -> list[Sample]:
    out = []
    for item_id, title, cats, tags, text in PUBLICATIONS:
        facts = ItemFacts(title, cats + tags, "Ann Lee")
        out.append(Sample(item_id, "excerpt", excerpt(item_id, cats, tags, text), facts))
        out.append(Sample(item_id, "content", content(item_id, title, text), facts))
    return out


def rules_of(kind: str, learned) -> dict[str, tuple[int, tuple[str, ...]]]:
    return {r.pattern: (r.items, r.fields) for r in learned if r.kind == kind}


def test_learns_echoes_labels_and_teaser_phrases_across_items():
    learned = learn(samples())

    assert rules_of("drop", learned) == {
        "span.pub-cats": (4, ("excerpt",)),
        "span.pub-tags": (4, ("excerpt",)),
        "p.pub-download": (4, ("content",)),
    }
    assert rules_of("drop_text", learned) == {r"Read\s*More": (4, ("excerpt",))}
    assert rules_of("keep", learned) == {}


def test_too_few_items_teach_nothing():
    assert learn([s for s in samples() if s.item_id <= 2]) == []


def test_classless_debris_becomes_whole_text_patterns_with_placeholders():
    bare = [
        Sample(
            s.item_id,
            s.field,
            s.html.replace(' class="pub-cats"', "")
            .replace(' class="pub-tags"', "")
            .replace(' class="pub-download"', ""),
            s.facts,
        )
        for s in samples()
    ]
    learned = rules_of("drop_text", learn(bare))

    assert set(learned) == {r"{terms}", r"TAGS:\s*{terms}", r"{title}\s*DOWNLOAD", r"Read\s*More"}


def test_applying_keeps_real_sentences_and_records_every_removal():
    rules = DebrisRules(
        drop=("span.pub-cats", "span.pub-tags", "p.pub-download"),
        drop_text=(r"Read\s*More",),
        origin="learned",
    )
    _, title, cats, tags, text = PUBLICATIONS[0]
    facts = ItemFacts(title, cats + tags)

    kept, removed = apply_rules(excerpt(1, cats, tags, text), rules, facts)
    assert kept == (
        "<p></p>\n<p>Flooding keeps rising in the delta, and the rest of this teaser is cut "
        "mid-wo</p>\n<p></p>\n"
    )
    assert [(r.rule, r.text) for r in removed] == [
        ("learned drop: span.pub-cats", "BriefingGuidance"),
        (r"learned drop_text: Read\s*More", "…Read More"),
        ("learned drop: span.pub-tags", "TAGS: Asia"),
    ]
    kept, removed = apply_rules(content(1, title, text), rules, facts)
    assert "Our Asia programme can download the data for this report." in kept
    assert "DOWNLOAD" not in kept and [r.text for r in removed] == ["Rivers and Rain DOWNLOAD"]


def test_placeholders_match_only_the_items_own_data():
    rules = DebrisRules(drop_text=(r"{title}\s*DOWNLOAD", r"TAGS:\s*{terms}"))
    html = "<p>Another Title DOWNLOAD</p><p>TAGS: Asia, Europe</p><p>TAGS: Asia / Mars</p>"

    kept, removed = apply_rules(html, rules, ItemFacts("Rivers and Rain", ("Asia", "Europe")))
    assert kept == "<p>Another Title DOWNLOAD</p><p>TAGS: Asia / Mars</p>"
    assert [r.text for r in removed] == ["TAGS: Asia, Europe"]


def test_keep_wins_over_drop_and_no_rules_leave_the_html_untouched():
    html = '<div class="box"><p>Download the annual report</p></div>'
    rules = DebrisRules(drop=("div.box",), keep=(r"annual\s*report",))

    assert apply_rules(html, rules, ItemFacts()) == (html, [])
    assert apply_rules(html, DebrisRules(), ItemFacts()) == (html, [])


def test_a_mapping_pins_rules_per_type_and_rejects_bad_ones(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text(
        "[types.publication.cleaning]\n"
        "drop = ['p.pub-download']\n"
        "drop_text = ['TAGS:\\s*{terms}']\n"
        "keep = ['annual report']\n"
    )
    pinned = load_mapping([path]).type_cleaning["publication"]
    assert pinned == DebrisRules(("p.pub-download",), (r"TAGS:\s*{terms}",), ("annual report",))

    for bad, says in (
        ("drop = ['p[']", "bad CSS selector"),
        ("drop_text = ['(']", "bad regular expression"),
        ("remove = ['p']", "unknown key 'remove'"),
        ("drop = 'p'", "must be a list"),
    ):
        path.write_text(f"[types.publication.cleaning]\n{bad}\n")
        with pytest.raises(MappingError, match=says):
            load_mapping([path])


class ListSource:
    kind = "crawl"
    requests_made = None
    fraction = None

    def __init__(self, records):
        self._records = records
        self.skipped: dict[str, int] = {}
        self.warnings: list[str] = []

    def describe(self) -> str:
        return "https://library.example.org/"

    def records(self, state=None):
        return iter(self._records)


def site_records() -> list:
    """Terms, then items as a crawl yields them, through the learner."""
    terms, items = [], []
    ids: dict[str, int] = {}
    for item_id, title, cats, tags, text in PUBLICATIONS:
        for name in cats + tags:
            if name not in ids:
                ids[name] = 100 + len(ids)
                terms.append(Term(id=ids[name], taxonomy="resource_type", name=name, slug=name))
        items.append(
            Item(
                id=item_id,
                type="publication",
                status="publish",
                title=title,
                content_html=content(item_id, title, text),
                excerpt_html=excerpt(item_id, cats, tags, text),
                term_ids=[ids[n] for n in cats + tags],
            )
        )
    records = [Site(title="Library", url="https://library.example.org"), *terms, *items]
    return list(Learner().stream(records))


def test_the_learner_yields_the_rules_before_the_items_they_clean():
    records = site_records()
    learned = [i for i, r in enumerate(records) if isinstance(r, LearnedCleaning)]
    items = [i for i, r in enumerate(records) if isinstance(r, Item)]

    assert len(learned) == 1 and learned[0] < min(items)


def test_an_export_cleans_with_learned_rules_and_fills_the_removed_table(tmp_path):
    path = tmp_path / "library.db"
    result = pipeline.export(ListSource(site_records()), path, Mapping())
    db = sqlite3.connect(path)

    assert result.counts.counts["debris"] == {"rules learned": 4}
    excerpt_text, content_text = db.execute(
        "select excerpt, content_text from items where id = 1"
    ).fetchone()
    assert (
        excerpt_text
        == "Flooding keeps rising in the delta, and the rest of this teaser is cut mid-wo"
    )
    assert content_text.endswith("Finding 1: the numbers moved.")
    assert db.execute(
        "select field, rule, text from removed where item_id = 2 order by rowid"
    ).fetchall() == [
        ("content", "learned drop: p.pub-download", "Dry Season Markets DOWNLOAD"),
        ("excerpt", "learned drop: span.pub-cats", "Report"),
        ("excerpt", r"learned drop_text: Read\s*More", "…Read More"),
        ("excerpt", "learned drop: span.pub-tags", "TAGS:"),
    ]


def test_inspect_reports_the_rules_and_drafts_them_as_a_cleaning_table(tmp_path):
    report = inspect_source(ListSource(site_records()))
    text = render_text(report)
    draft = draft_mapping(report)

    assert "Debris learned for publication" in text and "p.pub-download" in text
    assert "[types.publication.cleaning]" in draft
    path = tmp_path / "draft.toml"
    path.write_text(draft)
    pinned = load_mapping([path]).type_cleaning["publication"]
    assert set(pinned.drop) == {"span.pub-cats", "span.pub-tags", "p.pub-download"}
    assert pinned.drop_text == (r"Read\s*More",)


def test_a_teaser_phrase_ends_an_excerpt_wherever_it_sits(tmp_path):
    """The same for every source: a theme filter glued template text after the teaser."""
    excerpts = {
        1: "<p>Wells for schools keep gi...<a href='/p/1/'>Read More</a></p><p>TAGS: Asia</p>",
        2: "<p>Heat costs hours &hellip; Continue reading &raquo; Keywords: Europe</p>",
        3: "<p>We counted wells… read more about the method in the annex.</p>",
    }
    items = [
        Item(id=i, type="post", status="publish", title=f"Post {i}", excerpt_html=html)
        for i, html in excerpts.items()
    ]
    path = tmp_path / "site.db"
    pipeline.export(
        ListSource([Site(title="S", url="https://s.example.org"), *items]), path, Mapping()
    )
    db = sqlite3.connect(path)

    assert dict(db.execute("select id, excerpt from items")) == {
        1: "Wells for schools keep gi",
        2: "Heat costs hours",
        3: "We counted wells… read more about the method in the annex.",
    }
    assert db.execute("select item_id, text from removed order by item_id").fetchall() == [
        (1, "...Read More\n\nTAGS: Asia"),
        (2, "… Continue reading » Keywords: Europe"),
    ]


def test_recurring_text_longer_than_a_label_is_kept_and_reported():
    note = "<p>This series is funded by the Example Foundation and reviewed by two readers.</p>"
    learned = learn([Sample(s.item_id, s.field, s.html + note, s.facts) for s in samples()])

    assert rules_of("keep", learned) == {
        r"This\s*series\s*is\s*funded\s*by\s*the\s*Example\s*Foundation\s*and\s*reviewed\s*by"
        r"\s*two\s*readers\.": (4, ("content", "excerpt"))
    }
    assert "p.pub-download" in rules_of("drop", learned)  # at the end, but for the note


def test_rules_a_mapping_pins_win_over_learned_ones(tmp_path):
    mapping = Mapping(type_cleaning={"publication": DebrisRules(drop=("p.pub-download",))})
    path = tmp_path / "library.db"
    pipeline.export(ListSource(site_records()), path, mapping)
    db = sqlite3.connect(path)

    rules = {r[0] for r in db.execute("select distinct rule from removed")}
    assert rules == {"mapping drop: p.pub-download", "teaser: what follows a teaser phrase"}
    excerpt_text = db.execute("select excerpt from items where id = 1").fetchone()[0]
    assert excerpt_text.startswith("BriefingGuidance")  # learned, not pinned: stays
