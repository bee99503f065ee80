"""The REST source's parsing, from real responses recorded on the test WordPress.

No network: `rest_support.ReplayClient` answers from tests/fixtures/rest/ (WordPress 6.1,
recorded at http://127.0.0.1:8089 by tests/wordpress/record_fixtures.py).
"""

from __future__ import annotations

import pytest
import requests
from rest_support import RECORDED_BASE, Replay, ReplayClient, manifest, recording

from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.model import Author, Checkpoint, Comment, Item, Media, Site, Term
from wpmigrate.sources import rest, rest_parse
from wpmigrate.sources.rest import RESTSource
from wpmigrate.sources.rest_discovery import ApiRoot, RestUnavailableError, discover_api_root

API = f"{RECORDED_BASE}/wp-json/"
M = manifest()


def make_source(*, auth: tuple[str, str] | None = None) -> tuple[RESTSource, ReplayClient]:
    mapping = load_mapping([])
    client = ReplayClient(Replay())
    source = RESTSource(
        RECORDED_BASE,
        # The recordings predate the event calendars: their feed check is left out too.
        skip_types=mapping.skip_types | {"tribe_events", "ai1ec_event"},
        skip_taxonomies=mapping.skip_taxonomies,
        client=client,
        auth=auth,
    )
    return source, client


@pytest.fixture(scope="module")
def records():
    source, client = make_source()
    found = list(source.records())
    return {"source": source, "client": client, "records": found}


def of_type(records, kind):
    return {r.id: r for r in records["records"] if isinstance(r, kind)}


# -- the API root ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("root", "route", "params", "expected"),
    [
        ("http://h.example/wp-json/", "", None, "http://h.example/wp-json/"),
        (
            "http://h.example/wp-json/",
            "wp/v2/posts",
            {"per_page": 100, "_fields": "id,title"},
            "http://h.example/wp-json/wp/v2/posts?per_page=100&_fields=id,title",
        ),
        (
            "http://h.example/blog/wp-json",
            "/wp/v2/types",
            None,
            "http://h.example/blog/wp-json/wp/v2/types",
        ),
        ("http://h.example/?rest_route=/", "", None, "http://h.example/?rest_route=/"),
        (
            "http://h.example/?rest_route=/",
            "wp/v2/posts",
            {"per_page": 100, "_fields": "id,title"},
            "http://h.example/?rest_route=/wp/v2/posts&per_page=100&_fields=id,title",
        ),
        (
            "http://h.example/index.php?rest_route=/",
            "/wp/v2/media/20",
            None,
            "http://h.example/index.php?rest_route=/wp/v2/media/20",
        ),
    ],
)
def test_api_root_route_for_both_permalink_forms(root, route, params, expected):
    assert ApiRoot(root).route(route, params) == expected


def test_discovery_reads_the_link_header():
    client = ReplayClient(Replay())
    assert discover_api_root(client, RECORDED_BASE + "/").url == API
    assert client.requests == 1


def test_discovery_from_the_api_root_itself_needs_no_request():
    client = ReplayClient(Replay())
    assert discover_api_root(client, API).url == API
    plain = f"{RECORDED_BASE}/?rest_route=/"
    assert discover_api_root(client, plain).url == plain
    assert client.requests == 0


class HtmlOnlyClient:
    """A page with `<link rel="https://api.w.org/">` in its head and no Link header."""

    requests = 0

    def head(self, url, **kwargs):
        response = self.get(url)
        response._content = b""
        return response

    def get(self, url, **kwargs):
        response = requests.Response()
        response.status_code = 200
        response.headers = requests.structures.CaseInsensitiveDict(
            {"Content-Type": "text/html; charset=UTF-8"}
        )
        response._content = (
            b"<html><head><link rel='https://api.w.org/' href='/index.php?rest_route=/' />"
            b"</head><body>hi</body></html>"
        )
        response.url = url
        return response


def test_discovery_reads_the_html_link_element():
    root = discover_api_root(HtmlOnlyClient(), "http://h.example/2023/04/a-post/")
    assert root.url == "http://h.example/index.php?rest_route=/"


# -- records ---------------------------------------------------------------------------------


def test_site(records):
    (site,) = [r for r in records["records"] if isinstance(r, Site)]
    assert site == Site(
        title="Research Library Test Site",
        url=RECORDED_BASE,
        description="Reports, briefings and field data on water, supply chains, migration and "
        "climate adaptation",
        source_kind="rest",
        source_location=API,
        rest_namespaces=["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"],
        timezone="Europe/London",
        gmt_offset=0.0,
    )


def test_requests_are_the_minimum(records):
    # 10 collections of one page each + discovery (home page, index, types, taxonomies)
    # + one probe per tracked collection (media, pages, posts, publications).
    assert records["client"].requests == 10 + 4 + 4
    assert all(status == 200 for _, status in records["client"].replay.log)


def test_internals_are_left_out(records):
    skipped = records["source"].skipped
    for internal in ("wp_block", "nav_menu_item", "wp_template", "wp_navigation"):
        assert skipped[internal] == 1
    assert skipped["taxonomy:nav_menu"] == 1
    assert not any("menus" in path for path, _ in records["client"].replay.log)


def test_authors(records):
    assert of_type(records, Author) == {
        1: Author(1, "", "Library Editorial Desk", "admin"),
        2: Author(2, "", "Zoë Åberg", "zoe-aberg"),
        3: Author(3, "", "Kwame Mensah", "kwame-mensah"),
        4: Author(4, "", "Priya Ramanathan", "priya-ramanathan"),
    }


def test_terms_with_parents(records):
    terms = of_type(records, Term)
    ids = M["terms"]
    assert set(terms) == {i for by_slug in ids.values() for i in by_slug.values()}
    assert terms[ids["resource_type"]["annual-report"]] == Term(
        id=3,
        taxonomy="resource_type",
        name="Annual report",
        slug="annual-report",
        parent_id=2,
        description="Yearly summaries of the programme.",
        count=2,
    )
    assert terms[ids["region"]["east-africa"]] == Term(
        7, "region", "East Africa", "east-africa", None, "", 5
    )
    assert terms[ids["post_tag"]["open-data"]] == Term(
        20, "post_tag", "open data", "open-data", None, "", 2
    )
    assert terms[1] == Term(1, "category", "Uncategorised", "uncategorised", None, "", 0)
    for term in terms.values():
        assert term.count == M["term_counts"][term.taxonomy][term.slug]


def test_items_are_the_visible_ones(records):
    items = of_type(records, Item)
    visible = M["rest_visible"]
    assert sorted(items) == sorted(visible["publications"] + visible["posts"] + visible["pages"])
    for item in items.values():
        expected = M["items"][item.type][item.slug]
        assert (item.id, item.status, item.author_id) == (
            expected["id"],
            "publish",
            expected["author"],
        )
        assert item.date == expected["date"].replace(" ", "T")
        assert item.date_gmt == expected["date_gmt"].replace(" ", "T") + "Z"
        assert item.source == "rest"
        base = {"publication": "publications", "post": "posts", "page": "pages"}[item.type]
        assert item.source_url == f"{API}wp/v2/{base}/{item.id}"


def test_publication_in_full(records):
    item = of_type(records, Item)[4]
    content = item.content_html
    item.content_html = ""
    assert item == Item(
        id=4,
        type="publication",
        status="publish",
        title="Water Access in Peri-Urban Settlements: 2023 Annual Report",
        slug="water-access-annual-report-2023",
        excerpt_html=(
            "<p>Summary One in three households in the settlements we surveyed walks more than "
            "fifteen minutes to the nearest water point. Kiosk prices are up to five times the "
            "utility tariff. Key findings Access improved in 7 of 12 settlements since 2021. "
            "Women and girls still carry most of the water. Pre-paid meters reduced queues but "
            '&hellip; <a class="more-link" href="http://127.0.0.1:8089/publications/'
            'water-access-annual-report-2023/">Read More</a></p>\n'
        ),
        date="2023-03-21T09:30:00",
        date_gmt="2023-03-21T09:30:00Z",
        modified_gmt="2023-03-21T09:30:00Z",
        author_id=2,
        link="http://127.0.0.1:8089/publications/water-access-annual-report-2023/",
        featured_media_id=18,
        comment_status="open",
        term_ids=[3, 7],
        fields={
            "report_pdf": 20,
            "publication_date": "20230315",
            "featured_report": True,
            "authors_list": "Zoë Åberg; Kwame Mensah",
            "partners": [
                {"name": "Lakeside Water Trust", "url": "https://lakeside-water.example.org"},
                {
                    "name": "Institute for Urban Services",
                    "url": "https://urban-services.example.net",
                },
            ],
        },
        source="rest",
        source_url=f"{API}wp/v2/publications/4",
    )
    assert content.startswith("\n<h2>Summary</h2>")
    assert "<!-- wp:" not in content


def test_titles_are_rendered_html(records):
    items = of_type(records, Item)
    assert items[5].title == "Supply Chains &#038; Small Producers: Who Captures the Value?"
    assert items[7].title == "Adaptation Finance and the &#8220;Last Mile&#8221;"


def test_acf_fields(records):
    items = of_type(records, Item)
    # A repeater row keeps its empty sub-field as null.
    assert items[8].fields["partners"][2] == {"name": "Radio Comunitaria Sur", "url": None}
    # Fields ACF reports as null (never set) are left out, as a WXR export leaves them out.
    assert items[12].fields == {"publication_date": "20220505", "featured_report": False}
    assert items[9].fields == {
        "report_pdf": 22,
        "publication_date": "20220217",
        "featured_report": False,
        "authors_list": "Kwame Mensah",
    }
    assert items[28].fields == {"subtitle": "Dashboards are not the same as audits"}
    assert items[26].fields == {}  # subtitle: null
    assert items[37].fields == {}  # pages: "acf": []


def test_sticky_protected_and_pages(records):
    items = of_type(records, Item)
    assert [i for i, item in items.items() if item.sticky] == M["sticky"] == [26]
    protected = items[29]
    assert protected.password_protected is True
    assert (protected.content_html, protected.excerpt_html) == ("", "")
    assert [i for i, item in items.items() if item.password_protected] == [29]
    team, board = items[39], items[40]
    assert (team.parent_id, team.menu_order, board.parent_id) == (37, 1, 39)
    assert items[26].term_ids == [13, 20]  # categories, then tags, then regions
    assert items[28].term_ids == [15, 20, 18, 8]  # as WordPress lists them


def test_media(records):
    media = of_type(records, Media)
    assert sorted(media) == M["rest_visible"]["media"]
    assert media[38] == Media(
        id=38,
        url="http://127.0.0.1:8089/wp-content/uploads/2020/01/team-photo.png",
        item_id=None,
        mime_type="image/png",
        title="The team",
        caption="<p>The research team at the 2019 retreat.</p>\n",
        alt="Group photo of the research team",
        description="",  # only the <img> link prepend_attachment adds
        width=900,
        height=500,
        filesize=3210,
        file="2020/01/team-photo.png",
        date_gmt="2020-01-06T09:30:00Z",
        modified_gmt="2020-01-06T09:30:00Z",
        author_id=1,
        slug="team-photo",
        status="inherit",
        source_url=f"{API}wp/v2/media/38",
    )
    pdf = media[20]
    # caption.rendered is an excerpt WordPress made from the file link: no caption was set.
    assert (pdf.caption, pdf.description, pdf.alt) == ("", "", "")
    assert (pdf.width, pdf.height, pdf.filesize) == (None, None, 970)
    assert pdf.file == "2023/03/water-access-annual-report-2023.pdf"  # not in media_details
    assert (pdf.item_id, pdf.mime_type) == (4, "application/pdf")
    for item in media.values():
        expected = M["items"]["attachment"][item.slug]
        assert (item.file, item.mime_type) == (expected["file"], expected["mime_type"])
        assert item.item_id == (expected["parent"] or None)


def test_comments(records):
    comments = of_type(records, Comment)
    assert sorted(comments) == M["rest_visible"]["comments"]
    assert comments[3] == Comment(
        id=3,
        item_id=27,
        parent_id=2,
        author_name="Zoë Åberg",
        date_gmt="2023-06-16T10:40:00Z",
        content_html="<p>Yes – they will be attached to the 2023 annual report.</p>\n",
        status="approved",
        type="comment",
        author_url="",
    )
    assert comments[2].parent_id is None
    assert comments[2].author_url == "https://amara.example.net"


def test_checkpoints_for_tracked_collections(records):
    checkpoints = {r.collection: r.state for r in records["records"] if isinstance(r, Checkpoint)}
    assert checkpoints["rest:items:publication"] == {
        "total": 12,
        "newest": ["2023-10-02T09:00:00", 7],
    }
    assert checkpoints["rest:media"]["total"] == 8  # X-WP-Total counts the hidden one too
    assert set(checkpoints) == {
        "rest:media",
        "rest:items:page",
        "rest:items:post",
        "rest:items:publication",
    }


def test_short_pages_do_not_end_the_collection(monkeypatch):
    """per_page=3: media page 2 holds 2 rows (one attachment is hidden), page 3 still comes."""
    monkeypatch.setattr(rest, "PER_PAGE", 3)
    source, client = make_source()
    found = list(source.records())
    assert sorted(r.id for r in found if isinstance(r, Media)) == M["rest_visible"]["media"]
    assert sorted(r.id for r in found if isinstance(r, Item)) == sorted(
        M["rest_visible"]["publications"] + M["rest_visible"]["posts"] + M["rest_visible"]["pages"]
    )
    pages = [p for p, _ in client.replay.log if p.startswith("/wp-json/wp/v2/media?per_page=3")]
    assert len(pages) == 3
    # users 4, categories 4, tags 5, regions 6, resource types 5, media 8, publications 12,
    # posts 6, pages 4, comments 4 -> 2+2+2+2+2+3+4+2+2+2 pages, + discovery 4 + probes 4
    assert client.requests == 23 + 4 + 4


# -- edit context (authenticated) -------------------------------------------------------------


def test_edit_context_titles_are_raw():
    source, _ = make_source(auth=("admin", "not-used"))
    parse = next(c for c in source.collections() if c.name == "items:publication").parse
    rows = recording("publications-draft-private-edit-context-auth")["body"]
    parsed = {row["id"]: parse(row) for row in rows}
    # title.rendered says "Private: Internal Review: ..." in edit context.
    assert parsed[17].title == "Internal Review: Partner Due Diligence"
    assert (parsed[17].status, parsed[16].status) == ("private", "draft")
    assert parsed[16].title == "Draft: Coastal Erosion Scoping Note"
    assert parsed[16].term_ids == [4, 11]


# -- answers that are not rows ---------------------------------------------------------------


def test_invalid_page_number_is_the_end():
    source, _ = make_source()
    source.discover()
    body, response = source.get_json(f"{API}wp/v2/posts?page=99&per_page=100")
    assert (body, response.status_code) == ([], 400)
    assert recording("posts-invalid-page-number-400")["body"]["code"] == (
        "rest_post_invalid_page_number"
    )


def test_hidden_collection_is_not_visible_rather_than_an_error():
    source, _ = make_source()
    body, response = source.get_json(f"{API}wp/v2/menus", optional=True)
    assert (body, response.status_code) == (None, 401)
    with pytest.raises(RestUnavailableError, match="switched off"):
        source.get_json(f"{API}wp/v2/menus")


class DisabledClient(ReplayClient):
    """Every REST route answers like the recorded REST-off mode (401 rest_cannot_access)."""

    def get(self, url, **kwargs):
        response = super().get(url, **kwargs)
        if "/wp-json/" in url:
            record = recording("rest-disabled-401")
            response.status_code = record["status"]
            response._content = requests.compat.json.dumps(record["body"]).encode()
        return response


def test_rest_switched_off():
    source = RESTSource(RECORDED_BASE, client=DisabledClient(Replay()))
    with pytest.raises(RestUnavailableError) as caught:
        source.site()
    message = str(caught.value)
    assert "switched off" in message and "rest_cannot_access" in message
    assert "crawl" in message
    assert isinstance(caught.value, SourceError)


@pytest.mark.parametrize(
    ("caption", "description", "generated"),
    [
        (
            "<p>Water Access 2023 (PDF)</p>\n",
            "<p class='attachment'><a href='x'>Water Access 2023 (PDF)</a></p>\n",
            True,
        ),
        (
            "<p>A shared water point.</p>",
            "<p class='attachment'><a><img/></a></p><p>Illustration.</p>",
            False,
        ),
        ("", "<p>Anything</p>", False),
        (
            "<p>" + " ".join(f"w{i}" for i in range(55)) + " &hellip; <a>Read More</a></p>",
            "<p>" + " ".join(f"w{i}" for i in range(80)) + "</p>",
            True,
        ),
    ],
)
def test_generated_caption(caption, description, generated):
    assert rest_parse.generated_caption(caption, description) is generated


def test_upload_path():
    assert (
        rest_parse.upload_path("http://h/wp-content/uploads/2023/03/a%20b.pdf") == "2023/03/a b.pdf"
    )
    assert rest_parse.upload_path("http://h/files/a.pdf") == ""


@pytest.mark.parametrize(
    ("value", "is_an_id"),
    [
        (1, True),
        (2**63 - 1, True),
        (2**63, False),
        (0, False),
        (-4, False),
        (True, False),
        ("12", False),
        (1.0, False),
        (None, False),
    ],
)
def test_an_id_in_json_is_an_integer_sqlite_can_store(value, is_an_id):
    assert rest_parse.is_id(value) is is_an_id
    assert rest_parse.ids([7, value]) == ([7, value] if is_an_id else [7])
