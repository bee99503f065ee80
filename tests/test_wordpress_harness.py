"""The real WordPress test site answers like WordPress 6.1 does (values from the seed manifest)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

pytestmark = pytest.mark.wordpress

WXR_NS = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
}


def test_index_names_the_site(wordpress):
    r = wordpress.rest("/")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Research Library Test Site"
    assert body["timezone_string"] == "Europe/London"
    assert body["url"] == wordpress.url
    assert "wp/v2" in body["namespaces"]
    assert "application-passwords" in body["authentication"]
    head = requests.head(wordpress.url + "/", timeout=30)
    assert f'<{wordpress.url}/wp-json/>; rel="https://api.w.org/"' in head.headers["Link"]


def test_publications_collection(wordpress):
    m = wordpress.manifest
    r = wordpress.rest("wp/v2/publications", params={"per_page": 100})
    assert r.status_code == 200
    items = r.json()
    assert sorted(p["id"] for p in items) == m["rest_visible"]["publications"]
    assert len(items) == int(r.headers["X-WP-Total"]) == 12
    assert r.headers["X-WP-TotalPages"] == "1"
    assert all("acf" in p for p in items)

    by_slug = {p["slug"]: p for p in items}
    assert "coastal-erosion-scoping-note" not in by_slug  # draft
    assert "partner-due-diligence-review" not in by_slug  # private

    water = by_slug["water-access-annual-report-2023"]
    ids, terms = m["ids"], m["terms"]
    assert water["id"] == ids["publication"]["water-access-annual-report-2023"]
    assert water["acf"] == {
        "report_pdf": ids["attachment"]["water-access-annual-report-2023-pdf"],
        "publication_date": "20230315",
        "featured_report": True,
        "authors_list": "Zoë Åberg; Kwame Mensah",
        "partners": [
            {"name": "Lakeside Water Trust", "url": "https://lakeside-water.example.org"},
            {"name": "Institute for Urban Services", "url": "https://urban-services.example.net"},
        ],
    }
    assert water["resource_type"] == [terms["resource_type"]["annual-report"]]
    assert water["region"] == [terms["region"]["east-africa"]]
    assert water["featured_media"] == ids["attachment"]["water-point"]
    assert water["author"] == m["users"]["zoe-aberg"]["id"]
    assert water["link"] == f"{wordpress.url}/publications/water-access-annual-report-2023/"
    assert water["excerpt"]["rendered"].endswith(
        f'&hellip; <a class="more-link" href="{water["link"]}">Read More</a></p>\n'
    )
    assert "<!-- wp:" not in water["content"]["rendered"]

    # GMT in winter, BST in summer (Europe/London).
    assert (water["date"], water["date_gmt"]) == ("2023-03-21T09:30:00", "2023-03-21T09:30:00")
    finance = by_slug["adaptation-finance-last-mile"]
    assert (finance["date"], finance["date_gmt"]) == ("2023-10-02T10:00:00", "2023-10-02T09:00:00")
    assert finance["title"]["rendered"] == "Adaptation Finance and the &#8220;Last Mile&#8221;"

    supply = by_slug["supply-chains-small-producers"]
    assert (
        supply["title"]["rendered"]
        == "Supply Chains &#038; Small Producers: Who Captures the Value?"
    )
    assert 'class="wp-caption aligncenter"' in supply["content"]["rendered"]
    assert by_slug["seasonal-migration-remittances"]["excerpt"]["rendered"].endswith(
        "&#8230;Read More</p>\n"
    )
    assert by_slug["groundwater-community-monitoring"]["acf"]["partners"][2] == {
        "name": "Radio Comunitaria Sur",
        "url": None,
    }
    assert by_slug["cold-chains-smallholder-dairy"]["acf"]["partners"] is None


def test_types_and_taxonomies(wordpress):
    types = wordpress.rest("wp/v2/types").json()
    assert types["publication"]["rest_base"] == "publications"
    assert set(types["publication"]["taxonomies"]) == {"resource_type", "region"}
    for internal in ("exactmetrics_note", "acf-field", "acf-field-group", "revision"):
        assert internal not in types
    taxonomies = wordpress.rest("wp/v2/taxonomies").json()
    assert taxonomies["resource_type"]["hierarchical"] is True
    assert taxonomies["region"]["hierarchical"] is False
    assert set(taxonomies["region"]["types"]) == {"publication", "post"}

    rt = wordpress.rest("wp/v2/resource_type", params={"per_page": 100}).json()
    by_slug = {t["slug"]: t for t in rt}
    assert by_slug["annual-report"]["parent"] == by_slug["report"]["id"]
    assert {t["slug"]: t["count"] for t in rt} == wordpress.manifest["term_counts"]["resource_type"]


@pytest.mark.parametrize("base", ["posts", "pages", "media", "comments", "users"])
def test_other_collections_match_manifest(wordpress, base):
    m = wordpress.manifest
    r = wordpress.rest(f"wp/v2/{base}", params={"per_page": 100})
    assert r.status_code == 200
    assert sorted(o["id"] for o in r.json()) == m["rest_visible"][base]
    if base == "media":
        # X-WP-Total counts the attachment whose parent is a draft; the page omits it.
        assert int(r.headers["X-WP-Total"]) == len(m["rest_visible"]["media"]) + len(
            m["rest_hidden"]["media"]
        )
    else:
        assert int(r.headers["X-WP-Total"]) == len(m["rest_visible"][base])


def test_posts_details(wordpress):
    m = wordpress.manifest
    posts = {p["slug"]: p for p in wordpress.rest("wp/v2/posts", params={"per_page": 100}).json()}
    assert posts["welcome-to-the-research-library"]["sticky"] is True
    assert posts["welcome-to-the-research-library"]["id"] in m["sticky"]
    protected = posts["members-briefing-notes"]
    assert protected["content"]["protected"] is True and protected["content"]["rendered"] == ""
    assert posts["supply-chain-data-field-checks"]["acf"] == {
        "subtitle": "Dashboards are not the same as audits"
    }
    pages = wordpress.rest("wp/v2/pages").json()
    assert all(p["acf"] == [] for p in pages)
    team = next(p for p in pages if p["slug"] == "team")
    assert team["parent"] == m["ids"]["page"]["about"]


def test_invalid_page_number(wordpress):
    r = wordpress.rest("wp/v2/posts", params={"page": 99})
    assert r.status_code == 400
    assert r.json()["code"] == "rest_post_invalid_page_number"


def test_rest_off_mode(wordpress):
    wordpress.set_rest_enabled(False)
    try:
        r = wordpress.rest("wp/v2/posts")
        assert r.status_code == 401
        assert r.json()["code"] == "rest_cannot_access"
        assert wordpress.rest("/").status_code == 401
        assert wordpress.rest("wp/v2/posts", auth=True).status_code == 200
    finally:
        wordpress.set_rest_enabled(True)
    assert wordpress.rest("wp/v2/posts").status_code == 200


def test_application_password(wordpress):
    m = wordpress.manifest
    params = {"context": "edit", "status": "draft", "per_page": 100}
    r = wordpress.rest("wp/v2/posts", auth=True, params=params)
    assert r.status_code == 200
    drafts = r.json()
    assert [p["id"] for p in drafts] == [m["ids"]["post"]["notes-on-data-licensing"]]
    assert "raw" in drafts[0]["content"]
    assert wordpress.rest("wp/v2/posts", params=params).status_code in (400, 401)
    assert wordpress.rest("wp/v2/users/me", auth=("admin", "wrong password")).status_code == 401


def test_media_served_from_debian_wp_content(wordpress):
    media = wordpress.rest("wp/v2/media", params={"per_page": 100}).json()
    image = next(
        o for o in media if o["id"] == wordpress.manifest["ids"]["attachment"]["water-point"]
    )
    assert image["media_details"]["width"] == 1200 and image["media_details"]["height"] == 800
    assert image["alt_text"] == "Queue of containers at a shared tap"
    r = requests.get(image["source_url"], timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.content.startswith(b"\x89PNG") and len(r.content) == image["media_details"]["filesize"]
    pdf = next(o for o in media if o["mime_type"] == "application/pdf")
    assert requests.get(pdf["source_url"], timeout=30).content.startswith(b"%PDF-1.4")


def test_front_end_single_page(wordpress):
    pid = wordpress.manifest["ids"]["publication"]["water-access-annual-report-2023"]
    r = requests.get(f"{wordpress.url}/publications/water-access-annual-report-2023/", timeout=30)
    assert r.status_code == 200
    assert f"single-publication postid-{pid}" in r.text
    assert f'href="{wordpress.url}/wp-json/wp/v2/publications/{pid}"' in r.text


def test_export_wxr(wordpress, tmp_path):
    m = wordpress.manifest
    path = wordpress.export_wxr(tmp_path / "site.xml")
    channel = ET.parse(path).getroot().find("channel")
    assert channel.find("wp:wxr_version", WXR_NS).text == "1.2"
    items = channel.findall("item")
    by_type: dict[str, dict[int, ET.Element]] = {}
    for item in items:
        by_type.setdefault(item.find("wp:post_type", WXR_NS).text, {})[
            int(item.find("wp:post_id", WXR_NS).text)
        ] = item
    assert set(by_type["publication"]) == set(m["ids"]["publication"].values())
    assert set(by_type["acf-field"]) == set(m["ids"]["acf-field"].values())
    assert set(by_type["exactmetrics_note"]) == set(m["ids"]["exactmetrics_note"].values())
    water = by_type["publication"][m["ids"]["publication"]["water-access-annual-report-2023"]]
    meta = {
        pm.find("wp:meta_key", WXR_NS).text: pm.find("wp:meta_value", WXR_NS).text
        for pm in water.findall("wp:postmeta", WXR_NS)
    }
    assert meta["report_pdf"] == str(m["ids"]["attachment"]["water-access-annual-report-2023-pdf"])
    assert m["acf"]["keys"][meta["_report_pdf"]] == "report_pdf"
    assert meta["partners"] == "2" and meta["partners_1_name"] == "Institute for Urban Services"
    assert m["acf"]["keys"][meta["_partners_1_name"]] == "name"
    field = by_type["acf-field"][m["ids"]["acf-field"][meta["_report_pdf"]]]
    assert field.find("wp:post_name", WXR_NS).text == meta["_report_pdf"]
    assert field.find("excerpt:encoded", WXR_NS).text == "report_pdf"
    assert 's:4:"type";s:4:"file";' in field.find("content:encoded", WXR_NS).text
    statuses = {
        int(i.find("wp:post_id", WXR_NS).text): i.find("wp:status", WXR_NS).text for i in items
    }
    assert statuses[m["ids"]["post"]["notes-on-data-licensing"]] == "draft"


def test_edits_and_bulk_then_reset(wordpress):
    m = wordpress.manifest
    try:
        changes = wordpress.apply_edits()
        assert (
            len(changes["modified"]),
            len(changes["deleted"]),
            len(changes["trashed"]),
            len(changes["added"]),
        ) == (
            10,
            4,
            3,
            5,
        )
        pubs = wordpress.rest("wp/v2/publications", params={"per_page": 100})
        visible = {p["id"]: p for p in pubs.json()}
        expected = (
            set(m["rest_visible"]["publications"])
            - set(changes["by_type"]["publication"]["deleted"])
            - set(changes["by_type"]["publication"]["trashed"])
        ) | set(changes["added"])
        assert set(visible) == expected
        for pid in changes["by_type"]["publication"]["modified"]:
            assert visible[pid]["modified_gmt"] > visible[pid]["date_gmt"]
            assert visible[pid]["title"]["rendered"].endswith("(updated)")
        gone = changes["deleted"][0]
        assert wordpress.rest(f"wp/v2/posts/{gone}").status_code == 404
        ids = wordpress.seed_bulk(25)
        assert len(ids) == 25
        total = wordpress.rest("wp/v2/publications", params={"per_page": 1}).headers["X-WP-Total"]
        assert int(total) == len(expected) + 25
    finally:
        wordpress.reset()
    assert (
        sorted(
            p["id"] for p in wordpress.rest("wp/v2/publications", params={"per_page": 100}).json()
        )
        == (m["rest_visible"]["publications"])
    )


def test_theme_switch(wordpress):
    try:
        wordpress.set_theme("twentytwentyone")
        html = requests.get(f"{wordpress.url}/publications/", timeout=30).text
        assert "twentytwentyone" in html and "post-type-archive-publication" in html
    finally:
        wordpress.set_theme("twentytwentythree")
    assert "twentytwentythree" in requests.get(wordpress.url + "/", timeout=30).text
