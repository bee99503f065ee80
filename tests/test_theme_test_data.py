"""WordPress's public theme test data as it is: every item, term and term link of the file
lands in the archive. Expected counts are read from the XML here, independently of the
reader (xml.etree, not lxml's stream)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from wxr_support import last_counts, rows

from wpmigrate.mapping import load_mapping
from wpmigrate.model import shared_term_id
from wpmigrate.runs import run
from wpmigrate.sources.wxr import WXRSource

THEME_TEST_DATA = Path(__file__).parent / "fixtures" / "wxr" / "theme-test-data"
HEADER_TERMS = {"category": ("category", "category_nicename"), "tag": ("post_tag", "tag_slug")}
MAPPING = load_mapping(include_internals=True)


def _expected(path: Path) -> dict[str, set]:
    channel = ET.parse(path).getroot().find("channel")
    assert channel is not None
    (version,) = [e for e in channel if e.tag.endswith("}wxr_version")]
    wp = version.tag.removesuffix("wxr_version")  # {http://...} or {https://...}
    kept = lambda taxonomy: taxonomy not in MAPPING.skip_taxonomies  # noqa: E731
    terms: set[tuple[str, str]] = set()
    term_ids: set[tuple[str, str]] = set()
    for element in channel:
        local = element.tag.removeprefix(wp)
        if local in HEADER_TERMS:
            taxonomy, slug_tag = HEADER_TERMS[local]
        elif local == "term":
            taxonomy, slug_tag = element.findtext(f"{wp}term_taxonomy") or "", "term_slug"
        else:
            continue
        if kept(taxonomy):
            terms.add((taxonomy, element.findtext(f"{wp}{slug_tag}") or ""))
            term_ids.add((taxonomy, element.findtext(f"{wp}term_id") or ""))
    # One term per taxonomy and id: ids two taxonomies share make two terms.
    assert len(term_ids) == len(terms)
    items, media, links = set(), set(), set()
    for element in channel.iter("item"):
        post_id = int(element.findtext(f"{wp}post_id") or "")
        if post_id in items or post_id in media:
            continue  # listed twice (WordPress.com): the importer keeps the first
        if element.findtext(f"{wp}post_type") == "attachment":
            media.add(post_id)
            continue
        items.add(post_id)
        for category in element.iter("category"):
            taxonomy = {"tag": "post_tag"}.get(category.get("domain", ""), category.get("domain"))
            if kept(taxonomy):
                terms.add((taxonomy, category.get("nicename")))
                links.add((post_id, taxonomy, category.get("nicename")))
    return {"items": items, "media": media, "terms": terms, "links": links}


@pytest.mark.parametrize("name", ["themeunittestdata.wordpress.xml", "64-block-test-data.xml"])
def test_every_item_term_and_link_of_the_file_is_archived(tmp_path, name):
    path = THEME_TEST_DATA / name
    expected = _expected(path)
    archive = tmp_path / "a.db"
    run(WXRSource(path), archive, MAPPING, command="export", detect_deletions=False)
    assert {r[0] for r in rows(archive, "select id from items")} == expected["items"]
    assert {r[0] for r in rows(archive, "select id from media")} == expected["media"]
    assert set(rows(archive, "select taxonomy, slug from terms")) == expected["terms"]
    links = (
        "select i.item_id, t.taxonomy, t.slug from item_terms i join terms t on t.id = i.term_id"
    )
    assert set(rows(archive, links)) == expected["links"]
    assert rows(archive, "select count(*) from item_terms") == [(len(expected["links"]),)]
    counts = last_counts(archive)
    assert counts["items"] == {"added": len(expected["items"])}  # an item listed twice is one
    assert counts["terms"] == {
        "added": len(expected["terms"]),
        "seen": len(expected["terms"]),
    }


def test_a_category_and_a_tag_sharing_an_id_both_keep_their_links(tmp_path):
    """The theme unit test data comes from WordPress.com, where category "post-formats" and
    tag "post-formats" are both term 44090582: the category keeps the id, the tag gets a
    stable id of its own."""
    path = THEME_TEST_DATA / "themeunittestdata.wordpress.xml"
    links = _expected(path)["links"]
    archive = tmp_path / "a.db"
    run(WXRSource(path), archive, MAPPING, command="export", detect_deletions=False)
    query = """select t.id, t.taxonomy, count(i.item_id) from terms t
        left join item_terms i on i.term_id = t.id where t.slug = 'post-formats'
        group by t.id order by t.taxonomy"""
    assert rows(archive, query) == [
        (
            44090582,
            "category",
            sum(1 for _, t, s in links if (t, s) == ("category", "post-formats")),
        ),
        (
            shared_term_id("post_tag", 44090582),
            "post_tag",
            sum(1 for _, t, s in links if (t, s) == ("post_tag", "post-formats")),
        ),
    ]
    assert rows(archive, query)[0][2] == 15
