"""Export over the REST API of the real WordPress test site (tests/wordpress/).

Expected values come from the seed manifest (`wordpress.manifest`: exact ids of what an
anonymous REST client sees and what it does not), from seed.php, or from WordPress itself
through PHP; never from the REST responses wpmigrate reads.

The site also runs two event calendars (The Events Calendar, All-in-One Event Calendar);
their items and requests are the events tests' subject. Here the core content is checked,
and exact request counts are taken from exports whose mapping leaves the event types out.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rest_support import collection_totals, minimum_requests, run_cli

from wpmigrate import runs
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import open_source, rest

BASES = {"publication": "publications", "post": "posts", "page": "pages"}
CORE = "type in ('publication', 'post', 'page')"
EVENT_TYPES = ("tribe_events", "ai1ec_event")
# title.rendered goes through wptexturize: straight quotes come back curly.
TEXTURIZED = {
    "adaptation-finance-last-mile": "Adaptation Finance and the “Last Mile”",
    "fair-wages-garment-supply-chains": (
        "Fair Wages in Garment Supply Chains: Buyers’ Responsibilities"
    ),
}
SITE_ZONE = ZoneInfo("Europe/London")


def open_db(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return db


@pytest.fixture(scope="module")
def core_mapping(tmp_path_factory) -> Path:
    """A mapping file that leaves the event calendars' types out."""
    path = tmp_path_factory.mktemp("mapping") / "core.toml"
    path.write_text(f"[source]\nskip_types = {json.dumps(list(EVENT_TYPES))}\n")
    return path


def export_in_process(url: str, path: Path, mapping_file: Path, **options) -> sqlite3.Connection:
    mapping = load_mapping([mapping_file])
    source = open_source(url, mapping, via="rest", **options)
    runs.run(source, path, mapping, command="export", detect_deletions=False)
    return open_db(path)


def core_rows(db: sqlite3.Connection, table: str, manifest: dict) -> list[dict]:
    """The rows of `table` that belong to the core content (not the event calendars)."""
    core_items = f"select id from items where {CORE}"
    media = ",".join(str(a["id"]) for a in manifest["items"]["attachment"].values())
    taxonomies = ",".join(f"'{t}'" for t in manifest["terms"])
    where = {
        "items": CORE,
        "media": f"id in ({media})",
        "terms": f"taxonomy in ({taxonomies})",
        "comments": f"item_id in ({core_items})",
        "fields": f"item_id in ({core_items})",
        "item_terms": f"item_id in ({core_items})",
        "authors": "1",
    }[table]
    rows = db.execute(f"select * from {table} where {where} order by 1, 2")
    return [{k: v for k, v in dict(r).items() if k != "fetched_at"} for r in rows]


@pytest.fixture(scope="module")
def anonymous(wordpress, tmp_path_factory):
    """`wpmigrate export http://127.0.0.1:PORT lib.db`, as a user types it."""
    path = tmp_path_factory.mktemp("rest") / "lib.db"
    done = run_cli("export", wordpress.url, str(path))
    assert done.returncode == 0, done.stderr
    return {"path": path, "db": open_db(path), "stdout": done.stdout, "stderr": done.stderr}


@pytest.fixture(scope="module")
def authenticated(wordpress, tmp_path_factory, core_mapping):
    """`--user admin` with the application password in the environment (core types only)."""
    path = tmp_path_factory.mktemp("rest-auth") / "lib.db"
    env = {"WPMIGRATE_APP_PASSWORD": wordpress.app_password}
    options = ["--user", "admin", "--mapping", str(core_mapping)]
    done = run_cli("export", wordpress.url, str(path), *options, env=env)
    assert done.returncode == 0, done.stderr
    return {"path": path, "db": open_db(path), "stdout": done.stdout, "stderr": done.stderr}


@pytest.fixture(scope="module")
def published_terms(wordpress):
    """(taxonomy, slug) of every published item's terms, as WordPress itself says."""
    found = wordpress.call_json(
        """
        $out = array();
        $posts = get_posts( array( 'post_type' => array( 'publication', 'post', 'page' ),
            'post_status' => 'publish', 'numberposts' => -1 ) );
        foreach ( $posts as $p ) {
            $terms = wp_get_object_terms( $p->ID, get_object_taxonomies( $p->post_type ) );
            $out[ $p->ID ] = array_map( function ( $t ) {
                return array( $t->taxonomy, $t->slug );
            }, $terms );
        }
        return $out;
        """
    )
    return {int(k): {tuple(t) for t in v} for k, v in found.items()}


def visible_items(manifest) -> dict[int, dict]:
    return {
        item["id"]: item
        for item_type in BASES
        for item in manifest["items"][item_type].values()
        if item["id"] in manifest["rest_visible"][BASES[item_type]]
    }


def utc(local: str) -> str:
    moment = datetime.strptime(local, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SITE_ZONE)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- what arrives -----------------------------------------------------------------------------


def test_exactly_the_visible_items(anonymous, wordpress):
    m = wordpress.manifest
    rows = anonymous["db"].execute("select id, type, status from items").fetchall()
    by_type: dict[str, list[int]] = {}
    for row in rows:
        by_type.setdefault(row["type"], []).append(row["id"])
        assert row["status"] == "publish"
    assert {t: sorted(by_type[t]) for t in BASES} == {
        t: m["rest_visible"][base] for t, base in BASES.items()
    }
    assert set(by_type) - set(BASES) <= set(EVENT_TYPES)
    hidden = [int(i) for base in BASES.values() for i in m["rest_hidden"][base]]
    internals = [
        i for t in ("wp_block", "nav_menu_item", "exactmetrics_note") for i in m["ids"][t].values()
    ]
    assert len(hidden) == 7 and len(internals) == 7
    ids = {row["id"] for row in rows}
    assert not ids & {*hidden, *internals}


def test_item_values(anonymous, wordpress):
    db, url = anonymous["db"], wordpress.url
    expected = visible_items(wordpress.manifest)
    rows = {r["id"]: r for r in db.execute(f"select * from items where {CORE}")}
    assert set(rows) == set(expected)
    for item_id, want in expected.items():
        row = rows[item_id]
        assert row["title"] == TEXTURIZED.get(want["slug"], want["title"])
        assert (row["slug"], row["type"]) == (want["slug"], want["type"])
        assert row["date"] == want["date"].replace(" ", "T")
        assert row["date_gmt"] == want["date_gmt"].replace(" ", "T") + "Z"
        assert row["modified_gmt"].endswith("Z")
        assert row["author_id"] == want["author"]
        assert row["parent_id"] == (want["parent"] or None)
        assert row["source"] == "rest"
        assert row["source_url"] == f"{url}/wp-json/wp/v2/{BASES[want['type']]}/{item_id}"
        assert re.fullmatch(r"[0-9a-f]{64}", row["content_hash"])
        assert row["fetched_at"].endswith("Z") and row["deleted_at"] is None
    # Decoded: the API sends "Supply Chains &#038; Small Producers".
    supply = wordpress.manifest["ids"]["publication"]["supply-chains-small-producers"]
    assert rows[supply]["title"] == "Supply Chains & Small Producers: Who Captures the Value?"
    about, team, board = (wordpress.manifest["ids"]["page"][s] for s in ("about", "team", "board"))
    assert (rows[team]["parent_id"], rows[board]["parent_id"]) == (about, team)
    assert rows[team]["link"] == f"{url}/about/team/"


def test_authors(anonymous, wordpress):
    users = wordpress.manifest["users"]
    rows = anonymous["db"].execute("select id, name, slug from authors order by id").fetchall()
    # Inês Duarte has no published post: anonymous REST does not list her.
    assert [tuple(r) for r in rows] == [
        (u["id"], u["display_name"], slug) for slug, u in users.items() if slug != "ines-duarte"
    ]


def test_terms_and_parents(anonymous, wordpress):
    m = wordpress.manifest
    taxonomies = ",".join(f"'{t}'" for t in m["terms"])
    rows = {
        r["id"]: r
        for r in anonymous["db"].execute(f"select * from terms where taxonomy in ({taxonomies})")
    }
    expected = {tid: (tax, slug) for tax, by in m["terms"].items() for slug, tid in by.items()}
    assert {i: (r["taxonomy"], r["slug"]) for i, r in rows.items()} == expected
    for row in rows.values():
        assert row["count"] == m["term_counts"][row["taxonomy"]][row["slug"]]
    rt = m["terms"]["resource_type"]
    assert rows[rt["annual-report"]]["parent_id"] == rt["report"]
    assert rows[rt["annual-report"]]["name"] == "Annual report"
    assert all(r["parent_id"] is None for i, r in rows.items() if i != rt["annual-report"])


def test_terms_per_item(anonymous, published_terms):
    got: dict[int, set] = {}
    for row in anonymous["db"].execute(
        "select it.item_id, t.taxonomy, t.slug from item_terms it "
        "join terms t on t.id = it.term_id "
        f"where it.item_id in (select id from items where {CORE})"
    ):
        got.setdefault(row[0], set()).add((row[1], row[2]))
    assert {i: t for i, t in published_terms.items() if t} == got
    water = got[4]
    assert water == {("resource_type", "annual-report"), ("region", "east-africa")}


def fields_of(db, item_id: int) -> dict:
    rows = db.execute("select name, value from fields where item_id = ?", [item_id])
    return {name: json.loads(value) for name, value in rows}


def test_acf_fields(anonymous, wordpress):
    db, ids = anonymous["db"], wordpress.manifest["ids"]
    pub = ids["publication"]
    assert fields_of(db, pub["water-access-annual-report-2023"]) == {
        "report_pdf": ids["attachment"]["water-access-annual-report-2023-pdf"],
        "publication_date": "20230315",
        "featured_report": True,
        "authors_list": "Zoë Åberg; Kwame Mensah",
        "partners": [
            {"name": "Lakeside Water Trust", "url": "https://lakeside-water.example.org"},
            {"name": "Institute for Urban Services", "url": "https://urban-services.example.net"},
        ],
    }
    groundwater = fields_of(db, pub["groundwater-community-monitoring"])
    assert groundwater["partners"][2] == {"name": "Radio Comunitaria Sur", "url": None}
    assert fields_of(db, pub["drought-early-warning"]) == {
        "publication_date": "20220505",
        "featured_report": False,
    }
    assert (
        fields_of(db, pub["cold-chains-smallholder-dairy"])["report_pdf"]
        == (ids["attachment"]["cold-chains-briefing-pdf"])
    )
    assert fields_of(db, ids["post"]["supply-chain-data-field-checks"]) == {
        "subtitle": "Dashboards are not the same as audits"
    }
    names = {
        r[0]
        for r in db.execute(
            f"select distinct name from fields where item_id in (select id from items where {CORE})"
        )
    }
    assert names == {*wordpress.manifest["acf"]["fields"]["publication"], "subtitle"}
    page_ids = list(ids["page"].values())
    marks = ",".join("?" * len(page_ids))
    assert (
        db.execute(f"select count(*) from fields where item_id in ({marks})", page_ids).fetchone()[
            0
        ]
        == 0
    )
    # The ACF date stays Ymd; true/false stays boolean.
    for value in db.execute("select value from fields where name = 'publication_date'"):
        assert re.fullmatch(r'"\d{8}"', value[0])
    kinds = {v[0] for v in db.execute("select value from fields where name = 'featured_report'")}
    assert kinds == {"true", "false"}


def test_media(anonymous, wordpress):
    m = wordpress.manifest
    rows = {r["id"]: r for r in anonymous["db"].execute("select * from media")}
    assert sorted(rows) == m["rest_visible"]["media"]
    assert m["ids"]["attachment"]["coastline-survey"] not in rows  # its parent is a draft
    sizes = {
        "water-point": (1200, 800),
        "market-stalls": (640, 400),
        "roundtable": (800, 600),
        "team-photo": (900, 500),
    }
    for slug, want in m["items"]["attachment"].items():
        if want["id"] not in rows:
            continue
        row = rows[want["id"]]
        assert row["url"] == f"{wordpress.url}/wp-content/uploads/{want['file']}"
        assert (row["file"], row["mime_type"]) == (want["file"], want["mime_type"])
        assert row["item_id"] == (want["parent"] or None)
        assert (row["width"], row["height"]) == sizes.get(slug, (None, None))
        assert row["filesize"] == (wordpress.uploads_dir / want["file"]).stat().st_size
        assert row["title"] == want["title"]
        assert row["source"] == "rest"
        assert row["source_url"] == f"{wordpress.url}/wp-json/wp/v2/media/{want['id']}"
    water_point = rows[m["ids"]["attachment"]["water-point"]]
    assert water_point["alt"] == "Queue of containers at a shared tap"
    assert water_point["caption"] == "A shared water point visited during the 2023 survey."
    assert water_point["description"] == "Illustration generated for the test site."
    pdf = rows[m["ids"]["attachment"]["water-access-annual-report-2023-pdf"]]
    assert (pdf["caption"], pdf["description"], pdf["alt"]) == ("", "", "")


def test_comments(anonymous, wordpress):
    m = wordpress.manifest
    rows = {r["id"]: r for r in anonymous["db"].execute("select * from comments")}
    assert sorted(rows) == m["rest_visible"]["comments"]  # approved, on public items
    for want in m["comments"].values():
        if want["id"] not in rows:
            continue
        row = rows[want["id"]]
        assert (row["item_id"], row["parent_id"]) == (want["post"], want["parent"] or None)
        assert (row["author_name"], row["status"], row["type"]) == (
            want["author_name"],
            "approved",
            "comment",
        )
        assert row["date_gmt"] == utc(want["date"])
    reply = rows[m["comments"]["roundtable-reply"]["id"]]
    assert reply["parent_id"] == m["comments"]["roundtable-question"]["id"]
    assert reply["content_text"] == "Yes – they will be attached to the 2023 annual report."


def test_sticky_and_protected(anonymous, wordpress):
    db, ids = anonymous["db"], wordpress.manifest["ids"]["post"]
    assert [r[0] for r in db.execute("select id from items where sticky = 1")] == (
        wordpress.manifest["sticky"]
    )
    protected = db.execute(
        "select * from items where id = ?", [ids["members-briefing-notes"]]
    ).fetchone()
    assert protected["password_protected"] == 1
    assert (protected["content_html"], protected["content_text"], protected["excerpt"]) == (
        "",
        "",
        "",
    )
    assert protected["title"] == "Members-only Briefing Notes"
    assert db.execute("select count(*) from items where password_protected = 1").fetchone()[0] == 1


def test_excerpts_are_clean(anonymous, wordpress):
    db = anonymous["db"]
    for item_id, excerpt in db.execute("select id, excerpt from items"):
        assert "Read More" not in excerpt and "read more" not in excerpt.lower(), item_id
        assert not excerpt.endswith(("…", "...", "[…]", "&hellip;")), item_id
        assert "<" not in excerpt and "&#" not in excerpt, item_id
    migration = wordpress.manifest["ids"]["publication"]["seasonal-migration-remittances"]
    # A manual excerpt that ends in "...Read More" (typed by its author).
    assert db.execute("select excerpt from items where id = ?", [migration]).fetchone()[0] == (
        "Households in three districts rely on money sent home by seasonal workers. This "
        "briefing maps when it arrives and what it pays for"
    )
    water = wordpress.manifest["ids"]["publication"]["water-access-annual-report-2023"]
    assert (
        db.execute("select excerpt from items where id = ?", [water])
        .fetchone()[0]
        .endswith("Pre-paid meters reduced queues but")
    )


def test_site_and_run(anonymous, wordpress):
    db = anonymous["db"]
    site = db.execute("select * from site").fetchone()
    assert (site["title"], site["url"], site["timezone"]) == (
        "Research Library Test Site",
        wordpress.url,
        "Europe/London",
    )
    assert (site["source_kind"], site["source_location"]) == ("rest", wordpress.url + "/wp-json/")
    (run,) = db.execute("select * from runs").fetchall()
    assert (run["status"], run["command"], run["error"]) == ("ok", "export", None)
    counts = json.loads(run["counts"])
    assert counts["items"] == {"added": db.execute("select count(*) from items").fetchone()[0]}
    assert counts["media"]["seen"] == 7 and counts["comments"]["seen"] == 4


def test_requests_are_the_minimum(anonymous, wordpress, core_mapping, tmp_path):
    mapping = load_mapping([core_mapping])
    api = wordpress.url + "/wp-json/"
    totals = collection_totals(api, mapping.skip_types, mapping.skip_taxonomies)
    assert totals == {
        "users": 4,
        "media": 8,  # X-WP-Total counts the attachment REST hides
        "comments": 4,
        "terms:category": 4,
        "terms:post_tag": 5,
        "terms:resource_type": 5,
        "terms:region": 6,
        "items:post": 6,
        "items:page": 4,
        "items:publication": 12,
    }
    minimum = minimum_requests(totals)
    assert minimum == {"pages": 10, "discovery": 4, "probes": 4}
    db = export_in_process(wordpress.url, tmp_path / "lib.db", core_mapping)
    counts = json.loads(db.execute("select counts from runs").fetchone()[0])
    assert counts["http"]["requests"] == sum(minimum.values()) == 18
    assert core_rows(db, "items", wordpress.manifest) == core_rows(
        anonymous["db"], "items", wordpress.manifest
    )
    # The plain export also reads the event calendars (a few requests more).
    plain = json.loads(anonymous["db"].execute("select counts from runs").fetchone()[0])
    assert 18 < plain["http"]["requests"] <= 18 + 10


def test_auto_starts_reading_before_the_archive_is_opened(wordpress, core_mapping, tmp_path):
    """`--via auto` has found the API when open_source returns: the change probes and the
    first page of every unprobed collection go out then, while the caller opens its archive,
    and the run asks for nothing twice."""
    mapping = load_mapping([core_mapping])
    source = open_source(wordpress.url, mapping)
    assert isinstance(source, rest.RESTSource)
    deadline = time.monotonic() + 30
    while source.http.requests < 14 and time.monotonic() < deadline:
        time.sleep(0.01)
    # HEAD, index, types, taxonomies; 4 probes; users, 4 term collections, comments.
    assert source.http.requests == 4 + 4 + 6
    runs.run(source, tmp_path / "lib.db", mapping, command="export", detect_deletions=False)
    counts = json.loads(
        open_db(tmp_path / "lib.db").execute("select counts from runs").fetchone()[0]
    )
    assert counts["http"]["requests"] == 18


# -- authenticated ------------------------------------------------------------------------------


def test_drafts_and_private_items_with_an_application_password(
    authenticated, wordpress, core_mapping
):
    m = wordpress.manifest
    rows = {r["id"]: r for r in authenticated["db"].execute("select * from items")}
    expected = {item["id"]: item for item_type in BASES for item in m["items"][item_type].values()}
    assert set(rows) == set(expected)
    for item_id, want in expected.items():
        # context=edit gives title.raw: as written, without the "Private: " prefix.
        assert (rows[item_id]["status"], rows[item_id]["title"]) == (want["status"], want["title"])
    statuses = {r["status"] for r in rows.values()}
    assert statuses == {"publish", "draft", "private", "pending", "future"}
    media = {r[0] for r in authenticated["db"].execute("select id from media")}
    assert media == {a["id"] for a in m["items"]["attachment"].values()}
    authors = authenticated["db"].execute("select id, login, name from authors order by id")
    assert [tuple(r) for r in authors] == [
        (u["id"], u["login"], u["display_name"]) for u in m["users"].values()
    ]
    counts = json.loads(authenticated["db"].execute("select counts from runs").fetchone()[0])
    mapping = load_mapping([core_mapping])
    totals = collection_totals(
        wordpress.url + "/wp-json/", mapping.skip_types, mapping.skip_taxonomies, wordpress.auth
    )
    assert totals["items:post"] == 10 and totals["users"] == 5 and totals["media"] == 8
    assert counts["http"]["requests"] == sum(minimum_requests(totals).values()) == 18


def test_the_password_is_never_written(authenticated, wordpress):
    secret = wordpress.app_password
    token = base64.b64encode(f"admin:{secret}".encode())
    files = list(authenticated["path"].parent.iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        assert secret.encode() not in data and token not in data, path
    for stream in (authenticated["stdout"], authenticated["stderr"]):
        assert secret not in stream and token.decode() not in stream
    assert "admin:" not in authenticated["db"].execute("select source from runs").fetchone()[0]


# -- discovery ----------------------------------------------------------------------------------


def test_discovery_from_a_page_url(wordpress, tmp_path, core_mapping):
    link = f"{wordpress.url}/2023/04/welcome-to-the-research-library/"
    db = export_in_process(link, tmp_path / "lib.db", core_mapping)
    site = db.execute("select url, source_location from site").fetchone()
    assert tuple(site) == (wordpress.url, wordpress.url + "/wp-json/")
    assert db.execute("select count(*) from items").fetchone()[0] == 22
    counts = json.loads(db.execute("select counts from runs").fetchone()[0])
    assert counts["http"]["requests"] == 18


def test_discovery_with_plain_permalinks(wordpress, tmp_path, anonymous, core_mapping):
    root = f"{wordpress.url}/?rest_route=/"
    db = export_in_process(root, tmp_path / "lib.db", core_mapping)
    assert db.execute("select source_location from site").fetchone()[0] == root
    rows = dict(db.execute("select id, source_url from items"))
    assert rows[26] == f"{wordpress.url}/?rest_route=/wp/v2/posts/26"
    m = wordpress.manifest
    for table in ("items", "media", "terms", "comments", "authors", "fields", "item_terms"):
        mine, theirs = core_rows(db, table, m), core_rows(anonymous["db"], table, m)
        if table in ("items", "media"):
            for row in mine + theirs:
                row.pop("source_url")
                if table == "media":
                    row.pop("content_hash")  # media rows hash their source_url too
        assert mine == theirs, table
    counts = json.loads(db.execute("select counts from runs").fetchone()[0])
    assert counts["http"]["requests"] == 18 - 1  # the root was given: no page to look at


def test_short_pages_never_end_a_collection(
    wordpress, tmp_path, monkeypatch, anonymous, core_mapping
):
    """per_page=3: page 2 of media holds 2 rows (WordPress drops the draft's attachment
    after the query), and page 3 is still read."""
    monkeypatch.setattr(rest, "PER_PAGE", 3)
    db = export_in_process(wordpress.url, tmp_path / "lib.db", core_mapping, concurrency=4)
    m = wordpress.manifest
    for table in ("items", "media", "terms", "comments", "authors", "fields", "item_terms"):
        assert core_rows(db, table, m) == core_rows(anonymous["db"], table, m), table
    mapping = load_mapping([core_mapping])
    totals = collection_totals(
        wordpress.url + "/wp-json/", mapping.skip_types, mapping.skip_taxonomies
    )
    counts = json.loads(db.execute("select counts from runs").fetchone()[0])
    assert counts["http"]["requests"] == sum(minimum_requests(totals, per_page=3).values())
    assert sum(minimum_requests(totals, per_page=3).values()) == 23 + 4 + 4
