"""ACF fields rebuilt from flat postmeta, with and without the `acf-field` definitions.

The sample's publication 23 carries the full set (samples/README.md, "ACF"); hand-built meta
covers the shapes the sample does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import phpserialize
import pytest

from wpmigrate.acf import AcfDefinitions, extract_fields
from wpmigrate.model import Item
from wpmigrate.phpdata import maybe_unserialize
from wpmigrate.sources.wxr import WXRSource

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"

PUBLICATION_23 = {
    "report_pdf": 24,
    "publication_date": "20240315",
    "featured_report": True,
    "authors_list": "Jane Doe; Ahmed Khan",
    "partners": [
        {"name": "Lakeshore Water Trust", "url": "https://lakeshore-water.example.org"},
        {"name": "Institut für Wasserforschung Nord", "url": "https://iwn.example.de"},
    ],
    "contact": {"email": "water@library.example.org", "phone": "+44 20 7946 0321"},
    "sections": [
        {
            "acf_fc_layout": "text",
            "body": (
                "<p>Households in the study spent an average of 94 minutes a day collecting "
                "water.</p>"
            ),
        },
        {
            "acf_fc_layout": "quote",
            "quote": "“Water arrives on Tuesdays, if it arrives at all.” — resident, settlement B",
        },
    ],
    "related_publications": [12, 15],
    "topics": ["water", "health"],
}


def items_of(path: Path) -> dict[int, Item]:
    return {r.id: r for r in WXRSource(path).records() if isinstance(r, Item)}


@pytest.fixture(scope="module")
def sample() -> dict[int, Item]:
    return items_of(SAMPLE)


def settings(field_type: str, **extra: object) -> str:
    return phpserialize.dumps({"type": field_type, **extra}).decode()


def definitions(*fields: tuple[str, str, str, int, int]) -> AcfDefinitions:
    """(key, name, type, post id, parent post id) per field; parent 1 is the field group."""
    defs = AcfDefinitions()
    for key, name, field_type, post_id, parent_id in fields:
        defs.add(key, name, settings(field_type), post_id=post_id, parent_id=parent_id)
    return defs


def acf_meta(**values: str) -> dict[str, str]:
    """ACF-style meta: each value plus its `_name` reference row to `field_<name>`."""
    meta = {}
    for name, value in values.items():
        meta[name] = value
        meta["_" + name] = "field_" + name
    return meta


# -- the sample ---------------------------------------------------------------------------------


def test_publication_23_with_definitions(sample):
    assert sample[23].fields == PUBLICATION_23


def test_definitions_that_come_after_the_content_are_used(sample):
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.index("<wp:post_id>23</wp:post_id>") < text.index("[acf-field]]>")
    assert sample[23].fields["featured_report"] is True
    assert sample[17].fields["report_pdf"] == 18


def test_other_publications(sample):
    # An empty value ('' for a file field: no file) is no value: null, or no field at all.
    assert sample[12].fields.get("report_pdf") is None
    assert {k: v for k, v in sample[12].fields.items() if k != "report_pdf"} == {
        "publication_date": "20211005",
        "featured_report": False,
        "authors_list": "Daniel Okafor",
    }
    assert sample[19].fields["partners"] == [
        {"name": "Fair Thread Alliance", "url": "https://fairthread.example.org"}
    ]
    assert sample[26].fields["topics"] == ["labour", "governance"]
    assert sample[14].fields["legacy_code"] == "RR-2019-04"  # plain meta, no `_legacy_code`
    assert sample[35].fields["publication_date"] == "20240910"  # date_picker stays as given
    assert sample[32].fields.get("publication_date") is None  # empty
    assert set(sample[37].fields) - {"report_pdf"} == {
        "publication_date",
        "featured_report",
        "authors_list",
    }


def test_reference_rows_and_wordpress_meta_never_become_fields(sample):
    assert set(sample[23].fields) == set(PUBLICATION_23)
    for name in ("_edit_last", "_thumbnail_id", "_wp_old_slug", "_yoast_wpseo_metadesc"):
        assert name in sample[23].meta
    for item in sample.values():
        assert not [name for name in item.fields if name.startswith("_")], item.id
        # Rows and sub-fields live inside their container only.
        assert not [name for name in item.fields if re.match(r".+_\d+_", name)], item.id
    assert "contact_email" not in sample[23].fields


def test_publication_23_without_definitions_falls_back_to_the_meta_shapes(sample):
    assert extract_fields(sample[23].meta, AcfDefinitions()) == {
        "report_pdf": "24",
        "publication_date": "20240315",
        "featured_report": "1",
        "authors_list": "Jane Doe; Ahmed Khan",
        "partners": PUBLICATION_23["partners"],
        "contact": PUBLICATION_23["contact"],
        "sections": PUBLICATION_23["sections"],
        "related_publications": ["12", "15"],
        "topics": ["water", "health"],
    }


def test_export_without_field_definitions(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    head, rest = text.split("<item>", 1)
    chunks = ["<item>" + chunk for chunk in rest.split("<item>")]
    kept = [c for c in chunks if "<wp:post_type><![CDATA[acf-field]]>" not in c]
    assert len(chunks) - len(kept) == 15
    stripped = tmp_path / "no-definitions.xml"
    stripped.write_text(head + "".join(kept), encoding="utf-8")
    fields = items_of(stripped)[23].fields
    assert (fields["featured_report"], fields["report_pdf"]) == ("1", "24")
    assert fields["partners"] == PUBLICATION_23["partners"]
    assert fields["sections"] == PUBLICATION_23["sections"]


# -- shapes, built by hand ----------------------------------------------------------------------


def test_repeater_becomes_a_list_of_row_objects():
    meta = acf_meta(
        partners="2",
        partners_0_name="A",
        partners_0_url="https://a.example",
        partners_1_name="B",
        partners_1_url="https://b.example",
    )
    expected = {
        "partners": [
            {"name": "A", "url": "https://a.example"},
            {"name": "B", "url": "https://b.example"},
        ]
    }
    assert extract_fields(meta, AcfDefinitions()) == expected
    defs = definitions(
        ("field_partners", "partners", "repeater", 10, 1),
        ("field_partners_0_name", "name", "text", 11, 10),
        ("field_partners_0_url", "url", "url", 12, 10),
        ("field_partners_1_name", "name", "text", 11, 10),
        ("field_partners_1_url", "url", "url", 12, 10),
    )
    assert extract_fields(meta, defs) == expected


def test_empty_repeater_with_definitions_is_an_empty_list():
    defs = definitions(("field_partners", "partners", "repeater", 10, 1))
    # No rows: an empty list, or no field at all; never the row count as text.
    assert extract_fields(acf_meta(partners="0"), defs).get("partners", []) == []
    assert extract_fields(acf_meta(partners=""), defs).get("partners", []) == []


def test_nested_repeaters():
    meta = acf_meta(
        chapters="2",
        chapters_0_title="One",
        chapters_0_pages="2",
        chapters_0_pages_0_n="1",
        chapters_0_pages_1_n="2",
        chapters_1_title="Two",
        chapters_1_pages="0",
    )
    fields = extract_fields(meta, AcfDefinitions())
    assert fields["chapters"][0] == {"title": "One", "pages": [{"n": "1"}, {"n": "2"}]}
    assert fields["chapters"][1]["title"] == "Two"
    assert list(fields) == ["chapters"]


def test_group_becomes_an_object():
    meta = acf_meta(contact="", contact_email="a@example.org", contact_phone="+44 1")
    expected = {"contact": {"email": "a@example.org", "phone": "+44 1"}}
    assert extract_fields(meta, AcfDefinitions()) == expected
    defs = definitions(
        ("field_contact", "contact", "group", 20, 1),
        ("field_contact_email", "email", "email", 21, 20),
        ("field_contact_phone", "phone", "text", 22, 20),
    )
    assert extract_fields(meta, defs) == expected


def test_flexible_content_rows_carry_their_layout():
    meta = acf_meta(
        sections='a:3:{i:0;s:4:"text";i:1;s:5:"quote";i:2;s:4:"text";}',
        sections_0_body="<p>One</p>",
        sections_1_quote="Q",
        sections_2_body="<p>Two</p>",
    )
    expected = {
        "sections": [
            {"acf_fc_layout": "text", "body": "<p>One</p>"},
            {"acf_fc_layout": "quote", "quote": "Q"},
            {"acf_fc_layout": "text", "body": "<p>Two</p>"},
        ]
    }
    assert extract_fields(meta, AcfDefinitions()) == expected
    defs = definitions(("field_sections", "sections", "flexible_content", 30, 1))
    assert extract_fields(meta, defs) == expected


def test_types_from_definitions():
    defs = definitions(
        ("field_on", "on", "true_false", 40, 1),
        ("field_off", "off", "true_false", 41, 1),
        ("field_unset", "unset", "true_false", 42, 1),
        ("field_pages", "pages", "number", 43, 1),
        ("field_ratio", "ratio", "number", 44, 1),
        ("field_related", "related", "relationship", 45, 1),
        ("field_pdf", "pdf", "file", 46, 1),
        ("field_cover", "cover", "image", 47, 1),
        ("field_topics", "topics", "checkbox", 48, 1),
        ("field_date", "date", "date_picker", 49, 1),
    )
    meta = acf_meta(
        on="1",
        off="0",
        unset="",
        pages="64",
        ratio="0.5",
        related='a:2:{i:0;s:2:"12";i:1;s:2:"15";}',
        pdf="24",
        cover="",
        topics='a:2:{i:0;s:5:"water";i:1;s:6:"health";}',
        date="20240315",
    )
    fields = extract_fields(meta, defs)
    assert fields.get("cover") is None  # no image: null, or no field
    assert {k: v for k, v in fields.items() if k != "cover"} == {
        "on": True,
        "off": False,
        "unset": False,
        "pages": 64,
        "ratio": 0.5,
        "related": [12, 15],
        "pdf": 24,
        "topics": ["water", "health"],
        "date": "20240315",
    }
    # Without definitions values stay as stored; serialized lists are still decoded.
    assert extract_fields(meta, AcfDefinitions())["on"] == "1"
    assert extract_fields(meta, AcfDefinitions())["related"] == ["12", "15"]


def test_sub_fields_whose_names_share_a_prefix():
    defs = definitions(
        ("field_people", "people", "repeater", 50, 1),
        ("field_people_0_name", "name", "text", 51, 50),
        ("field_people_0_name_short", "name_short", "text", 52, 50),
    )
    meta = acf_meta(people="1", people_0_name="Jane Doe", people_0_name_short="J. Doe")
    assert extract_fields(meta, defs) == {"people": [{"name": "Jane Doe", "name_short": "J. Doe"}]}


def test_top_level_field_that_looks_like_a_group_member():
    defs = definitions(
        ("field_contact", "contact", "group", 60, 1),
        ("field_contact_email", "email", "email", 61, 60),
        ("field_contact_person", "contact_person", "text", 62, 1),
    )
    meta = acf_meta(contact="", contact_email="a@example.org", contact_person="Jane")
    assert extract_fields(meta, defs) == {
        "contact": {"email": "a@example.org"},
        "contact_person": "Jane",
    }


def test_underscore_meta_and_reference_rows_are_never_fields():
    meta = {
        **acf_meta(summary="Short"),
        "_edit_lock": "1700000000:1",
        "_edit_last": "1",
        "_wp_old_slug": "old",
        "_thumbnail_id": "25",
        "_yoast_wpseo_metadesc": "SEO text",
        "_wp_page_template": "default",
    }
    assert extract_fields(meta, AcfDefinitions()) == {"summary": "Short"}


def test_plain_meta_is_kept_and_decoded():
    meta = {
        "legacy_code": "RR-2019-04",
        "tags_list": 'a:2:{i:0;s:1:"a";i:1;s:1:"b";}',
        "settings": 'a:1:{s:5:"color";s:4:"blue";}',
        "price": "10",
        "_price": "9.99",  # a private twin that is not an ACF reference
    }
    assert extract_fields(meta, AcfDefinitions()) == {
        "legacy_code": "RR-2019-04",
        "tags_list": ["a", "b"],
        "settings": {"color": "blue"},
        "price": "10",
    }


def test_repeated_plain_meta_becomes_a_list():
    meta = {"enclosure": "a.mp3", "colour": "red", **acf_meta(summary="Short")}
    repeated = {"enclosure": ["a.mp3", 'a:1:{i:0;s:5:"b.mp3";}']}
    assert extract_fields(meta, AcfDefinitions(), repeated) == {
        "summary": "Short",
        "enclosure": ["a.mp3", ["b.mp3"]],
        "colour": "red",
    }


def test_php_objects_are_decoded_as_their_properties_never_instantiated():
    obj = 'O:8:"stdClass":1:{s:4:"evil";s:3:"yes";}'
    nested = 'a:1:{i:0;O:8:"stdClass":1:{s:1:"a";i:1;}}'
    hidden = 'O:5:"Shelf":2:{s:7:"\0*\0room";s:1:"2";s:11:"\0Shelf\0code";s:2:"B4";}'
    custom = 'a:1:{s:1:"k";C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}}'
    meta = {"plain_obj": obj, "plain_nested": nested, "plain_hidden": hidden}
    meta |= {"plain_custom": custom}
    meta.update(acf_meta(acf_obj=obj))
    defs = definitions(("field_acf_obj", "acf_obj", "relationship", 70, 1))
    assert extract_fields(meta, defs) == {
        "plain_obj": {"evil": "yes"},
        "plain_nested": [{"a": 1}],
        "plain_hidden": {"room": "2", "code": "B4"},  # protected and private properties
        "plain_custom": custom,  # a class's own serialization: kept as text
        "acf_obj": {"evil": "yes"},
    }


def test_field_definitions_with_an_object_in_their_settings_are_read():
    defs = AcfDefinitions()
    defs.add("field_x", "x", 'O:8:"stdClass":1:{s:4:"type";s:10:"true_false";}')
    assert defs.type_of("field_x") == "true_false"
    assert extract_fields(acf_meta(x="1") | {"_x": "field_x"}, defs) == {"x": True}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("b:1;", True),
        ("b:0;", False),
        ("N;", None),
        ("i:42;", 42),
        ("d:0.5;", 0.5),
        ('s:2:"é";', "é"),  # lengths count UTF-8 bytes, as PHP does
        ('a:2:{i:0;s:1:"a";i:1;s:1:"b";}', {0: "a", 1: "b"}),
        ('a:1:{s:1:"k";a:1:{i:0;i:1;}}', {"k": {0: 1}}),
        ('s:1:"é";', 's:1:"é";'),  # wrong byte length: not a serialization
        ("i:5; apples", "i:5; apples"),  # trailing text: WordPress would not unserialize it
        ("a:0:{}junk", "a:0:{}junk"),
        ("a:3:{i:0;i:1;}", "a:3:{i:0;i:1;}"),  # truncated
        ('O:8:"stdClass":0:{}', {}),  # objects are their properties
        ("a:1:{i:0;r:1;}", "a:1:{i:0;r:1;}"),  # references are refused too
        ("plain text", "plain text"),
        ("", ""),
        (None, None),
        (7, 7),
    ],
)
def test_maybe_unserialize(raw, expected):
    assert maybe_unserialize(raw) == expected


def test_maybe_unserialize_never_recurses_without_bound():
    deep = "a:1:{i:0;" * 5000 + "N;" + "}" * 5000
    assert maybe_unserialize(deep) == deep
