"""Media shortcodes in WXR content are rendered as WordPress renders them, URLs kept.

The markup is WordPress 6.1's (wp-includes/media.php); the cross-source test
(tests/test_cross_source.py) checks it against the real WordPress's REST rendering of the same
posts. Deliberate differences are listed in wpmigrate/media_shortcodes.py.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from wpmigrate import runs
from wpmigrate.cleaning import Cleaner
from wpmigrate.mapping import load_mapping
from wpmigrate.media_shortcodes import (
    Attachment,
    MediaLibrary,
    image_sizes,
    parse_shortcode_attributes,
    render_content,
)
from wpmigrate.model import Item
from wpmigrate.sources import open_source
from wpmigrate.sources.wxr import WXRSource

THEME_TEST_DATA = Path(__file__).parent / "fixtures" / "wxr" / "theme-test-data"
SITE = "https://library.example.org"
MP3 = f"{SITE}/files/interview.mp3"


def library() -> MediaLibrary:
    media = MediaLibrary()
    for attachment in (
        Attachment(
            11,
            f"{SITE}/files/well.jpg",
            "image/jpeg",
            "Well",
            "A hand pump well.",
            "Hand pump",
            7,
            2,
            f"{SITE}/well/",
            800,
            600,
            image_sizes(
                [
                    ("thumbnail", "well-150x150.jpg", 150, 150),
                    ("medium", "well-300x225.jpg", 300, 225),
                ]
            ),
        ),
        Attachment(
            12,
            f"{SITE}/files/tank.png",
            "image/png",
            "Tank",
            "",
            "",
            7,
            1,
            f"{SITE}/tank/",
            400,
            900,
        ),
        Attachment(13, MP3, "audio/mpeg", "Interview", "", "", 7, 0, f"{SITE}/interview/"),
        Attachment(14, f"{SITE}/files/untitled-take.ogg", "audio/ogg", " ", "", "", 7, 1),
        Attachment(
            15, f"{SITE}/files/elsewhere.jpg", "image/jpeg", "Elsewhere", "", "", 8, 0, f"{SITE}/e/"
        ),
    ):
        media.add(attachment)
    return media


def render(content: str, post_id: int = 7) -> str:
    return render_content(content, post_id, library())


# -- [audio] and [video] ------------------------------------------------------------------


def test_audio_with_its_source_and_a_fallback_link():
    assert render(f'[audio src="{MP3}" loop="on"]') == (
        f'<audio class="wp-audio-shortcode" id="audio-7-1" loop="1" preload="none" '
        f'style="width: 100%;" controls="controls"><source type="audio/mpeg" src="{MP3}" />'
        f'<a href="{MP3}">{MP3}</a></audio>\n'
    )


def test_audio_sources_by_extension_and_file_types_that_do_not_play():
    html = render(f'[audio mp3="{MP3}" ogg="{SITE}/a.ogg"]')
    assert (
        f'<source type="audio/mpeg" src="{MP3}" /><source type="audio/ogg" src="{SITE}/a.ogg" />'
        in html
    )
    assert render(f'[audio src="{SITE}/notes.pdf"]') == (
        f'<a class="wp-embedded-audio" href="{SITE}/notes.pdf">{SITE}/notes.pdf</a>\n'
    )


def test_audio_without_a_source_plays_the_posts_first_attached_audio():
    assert f'src="{MP3}"' in render("[audio]")  # menu_order 0 comes before 1
    assert render("[audio]", post_id=99) == "\n"


def test_audio_with_a_bare_url_plays_it():
    """WordPress.com's `[audio URL]` (the theme unit test data uses it); core WordPress would
    play the post's first attached audio instead, or nothing."""
    assert f'<source type="audio/mpeg" src="{SITE}/talk.mp3" />' in render(
        f"[audio {SITE}/talk.mp3]"
    )


def test_video_keeps_its_size_poster_and_inner_tracks():
    html = render(
        f'[video src="{SITE}/walk.mp4" width="480" height="270" poster="{SITE}/p.jpg"]\n'
        '<track src="captions.vtt" />\n[/video]'
    )
    assert html == (
        '<div style="width: 480px;" class="wp-video"><video class="wp-video-shortcode" '
        f'id="video-7-1" width="480" height="270" poster="{SITE}/p.jpg" preload="metadata" '
        f'controls="controls"><source type="video/mp4" src="{SITE}/walk.mp4" />'
        f'<track src="captions.vtt" /><a href="{SITE}/walk.mp4">{SITE}/walk.mp4</a></video></div>\n'
    )


def test_video_from_youtube_and_vimeo():
    html = render('[video src="http://www.youtube.com/watch?v=abc&feature=share"]')
    assert '<source type="video/youtube" src="https://www.youtube.com/watch?v=abc" />' in html
    html = render('[video src="https://vimeo.com/123?autoplay=1" loop="1"]')
    assert '<source type="video/vimeo" src="https://vimeo.com/123?loop=1" />' in html


def test_players_are_counted_per_post():
    html = render(f'[audio src="{MP3}"]\n\n[audio src="{MP3}"]')
    assert re.findall(r'id="(audio-7-\d)"', html) == ["audio-7-1", "audio-7-2"]


# -- embeds -----------------------------------------------------------------------------------


def test_embeds_keep_their_urls():
    html = render(
        f"Listen:\n\n{MP3}\n\n[embed]{SITE}/field-methods/[/embed]\n\n"
        "https://www.youtube.com/watch?v=abc\n\nEnd"
    )
    assert html == (
        "<p>Listen:</p>\n"
        '<audio class="wp-audio-shortcode" id="audio-7-1" preload="none" style="width: 100%;" '
        f'controls="controls"><source type="audio/mpeg" src="{MP3}" /><a href="{MP3}">{MP3}</a>'
        "</audio>\n"
        f'<p><a href="{SITE}/field-methods/">{SITE}/field-methods/</a></p>\n'
        "<p>https://www.youtube.com/watch?v=abc</p>\n"
        "<p>End</p>\n"
    )


def test_an_embedded_media_file_plays():
    assert '<video class="wp-video-shortcode"' in render(f"[embed]{SITE}/walk.webm[/embed]")


# -- [gallery] ------------------------------------------------------------------------------


def test_gallery_of_ids_as_wordpress_writes_it():
    assert render('[gallery ids="12,13,11,404"]') == (
        "<div id='gallery-1' class='gallery galleryid-7 gallery-columns-3 "
        "gallery-size-thumbnail'><figure class='gallery-item'>\n"
        "\t\t\t<div class='gallery-icon portrait'>\n"
        f'\t\t\t\t<a href=\'{SITE}/tank/\'><img width="67" height="150" src="{SITE}/files/'
        'tank.png" class="attachment-thumbnail size-thumbnail" alt="" decoding="async" '
        'loading="lazy" /></a>\n'
        "\t\t\t</div></figure><figure class='gallery-item'>\n"
        "\t\t\t<div class='gallery-icon landscape'>\n"
        f'\t\t\t\t<a href=\'{SITE}/well/\'><img width="150" height="150" src="{SITE}/files/'
        'well-150x150.jpg" class="attachment-thumbnail size-thumbnail" alt="Hand pump" '
        'decoding="async" loading="lazy" aria-describedby="gallery-1-11" /></a>\n'
        "\t\t\t</div>\n"
        "\t\t\t\t<figcaption class='wp-caption-text gallery-caption' id='gallery-1-11'>\n"
        "\t\t\t\tA hand pump well.\n"
        "\t\t\t\t</figcaption></figure>\n"
        "\t\t</div>\n\n"
    )


def test_gallery_without_ids_shows_the_posts_attached_images_in_menu_order():
    images = re.findall(r'src="([^"]+)"', render("[gallery]"))
    assert images == [f"{SITE}/files/tank.png", f"{SITE}/files/well-150x150.jpg"]
    images = re.findall(r'src="([^"]+)"', render('[gallery order="DESC" exclude="12"]'))
    assert images == [f"{SITE}/files/well-150x150.jpg"]
    assert render("[gallery id=8]").count("<img") == 1 and render("[gallery]", post_id=99) == "\n"


def test_gallery_links_and_sizes():
    html = render('[gallery ids="11" link="file" size="medium" columns="1"]')
    assert f'<a href=\'{SITE}/files/well.jpg\'><img width="300" height="225"' in html
    assert "gallery-columns-1 gallery-size-medium" in html
    html = render('[gallery ids="12" link="none" size="large"]')
    assert (
        f'<img width="400" height="900" src="{SITE}/files/tank.png" class="attachment-large' in html
    )
    assert "<a " not in html


# -- [playlist] -----------------------------------------------------------------------------


def test_playlist_lists_its_files():
    assert render('[playlist ids="14,13,11"]') == (
        '<div class="wp-playlist wp-audio-playlist wp-playlist-light">\n'
        '\t<div class="wp-playlist-current-item"></div>\n'
        '\t<audio controls="controls" preload="none" width="640"></audio>\n'
        '\t<div class="wp-playlist-next"></div>\n\t<div class="wp-playlist-prev"></div>\n'
        f"\t<ol><li><a href='{SITE}/files/untitled-take.ogg'>untitled-take</a></li>"
        f"<li><a href='{MP3}'>Interview</a></li></ol>\n"
        "</div>\n\n"
    )
    assert render('[playlist type="video"]') == "\n"  # no video attached


# -- shortcode syntax -------------------------------------------------------------------------


def test_escaped_and_unknown_shortcodes_are_left_to_cleaning():
    assert render("[[gallery]]") == "<p>[[gallery]]</p>\n"
    assert render("[gallery-extra]") == "<p>[gallery-extra]</p>\n"


def test_shortcode_attributes_as_wordpress_parses_them():
    assert parse_shortcode_attributes(
        ' ids="1,2" Columns=\'4\' size=large https://x.org/a.mp3 "quoted" bad="<b>"'
    ) == {
        "ids": "1,2",
        "columns": "4",
        "size": "large",
        0: "https://x.org/a.mp3",
        1: "quoted",
        "bad": "<b>",
    }
    assert parse_shortcode_attributes(' title="a <b"')["title"] == ""


# -- the theme test data --------------------------------------------------------------------


def media_urls(path: Path) -> dict[int, list[str]]:
    """post id → the URLs of the files its media shortcodes show, read from the file's own
    attachments: `ids` in order (images only for a gallery), else the post's attached images."""
    attachments = {}
    contents = {}
    for item in etree.parse(str(path)).getroot().iter("item"):
        post_id = int(item.findtext("{*}post_id"))
        if item.findtext("{*}post_type") == "attachment":
            url = item.findtext("{*}attachment_url")
            attachments[post_id] = (url, int(item.findtext("{*}post_parent") or 0))
        else:
            contents[post_id] = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    expected: dict[int, list[str]] = {}
    for post_id, content in contents.items():
        for m in re.finditer(r"\[(audio|video|gallery|playlist)\b([^\]]*)\]", content or ""):
            attributes = parse_shortcode_attributes(m.group(2))
            if m.group(1) == "audio":
                urls = [attributes.get("src") or attributes[0]]
            else:
                ids = [int(i) for i in re.findall(r"\d+", attributes.get("ids", ""))]
                if not ids:
                    ids = sorted(i for i, (_, parent) in attachments.items() if parent == post_id)
                urls = [attachments[i][0] for i in ids if i in attachments]
                urls = [u for u in urls if re.search(r"\.(jpe?g|png|gif)$", u)]
            expected.setdefault(post_id, []).extend(urls)
    return expected


def test_every_media_url_of_the_theme_test_datas_shortcodes_is_in_the_content():
    checked = 0
    for name, posts, count in (
        ("themeunittestdata.wordpress.xml", {555, 587, 1031, 1736}, 238),
        ("64-block-test-data.xml", {165}, 3),
    ):
        path = THEME_TEST_DATA / name
        expected = media_urls(path)
        assert set(expected) == posts
        items = {r.id: r for r in WXRSource(path).records() if isinstance(r, Item)}
        for post_id, urls in expected.items():
            html = items[post_id].content_html
            assert not re.search(r"\[(audio|video|gallery|playlist)\b", html), post_id
            for url in urls:
                assert f'src="{url}"' in html, (post_id, url)
                checked += 1
        assert sum(len(urls) for urls in expected.values()) == count
    assert checked == 241


# -- the real WordPress -------------------------------------------------------------------

SEED = Path(__file__).parent / "wordpress" / "seed.php"
MEDIA_POSTS = ("field-recordings", "workshop-photographs", "interview-recordings")
# Markup WordPress adds that carries no content: element ids and classes (and the
# aria-describedby naming an id), the responsive-image candidates it computes (srcset, sizes).
NO_CONTENT_ATTRIBUTES = {"id", "class", "aria-describedby", "srcset", "sizes"}


@pytest.fixture(scope="module")
def media_posts(wordpress, tmp_path_factory):
    """Three classic posts with media shortcodes added to the test site (seed.php,
    wpmigrate_seed_media_shortcodes) and the site exported as WXR into an archive; the
    database and uploads are restored afterwards."""
    team_photo = wordpress.manifest["ids"]["attachment"]["team-photo"]
    added = wordpress.call_json(
        f"require_once '{SEED}'; return wpmigrate_seed_media_shortcodes( {team_photo} );"
    )
    try:
        folder = tmp_path_factory.mktemp("media-shortcodes")
        wxr = wordpress.export_wxr(folder / "site.wordpress.xml")
        mapping = load_mapping([])
        source = open_source(str(wxr), mapping)
        result = runs.run(
            source, folder / "wxr.db", mapping, command="export", detect_deletions=False
        )
        assert result.status == "ok"
        db = sqlite3.connect(folder / "wxr.db")
        ids = added["ids"]["post"]
        html = {
            slug: db.execute(
                "select content_html from items where id = ?", (ids[slug],)
            ).fetchone()[0]
            for slug in MEDIA_POSTS
        }
        yield {"ids": ids, "html": html}
    finally:
        wordpress.reset()
        for file in added["files"]:
            Path(file).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # only when empty
            (wordpress.uploads_dir / "2023" / "11").rmdir()


def content_tree(html: str) -> tuple:
    """HTML as nested (tag, attributes, text…) tuples, modulo what carries no content: the
    attributes above; the `?_=N` WordPress appends to each player source (N counts players on
    the page); a `<noscript>` wrapper (WordPress puts a playlist's track list in one, next to
    the JSON for its script); whitespace (runs collapsed, whitespace-only text dropped).
    Comments and scripts are gone already: cleaning drops them on both sides."""

    def text(value: str | None) -> tuple[str, ...]:
        value = " ".join((value or "").split())
        return (value,) if value else ()

    def walk(element) -> list:
        children: list = []
        for child in element:
            if child.tag == "noscript":
                children += [*text(child.text), *walk(child)]
            else:
                attributes = {
                    k: re.sub(r"\?_=\d+$", "", v) if child.tag == "source" else v
                    for k, v in sorted(child.attrib.items())
                    if k not in NO_CONTENT_ATTRIBUTES
                }
                node = (child.tag, tuple(attributes.items()), *text(child.text), *walk(child))
                children.append(node)
            children += text(child.tail)
        return children

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    return (*text(root.text), *walk(root))


def test_wxr_content_equals_what_wordpress_renders(wordpress, media_posts):
    """WXR content_html equals REST's content.rendered (through the same cleaning) for classic
    posts with [audio], [video], a bare media URL, [embed], [gallery] and [playlist].

    REST's single-post route is the reference. In a list page, WordPress 6.1 renders a classic
    post differently once a block post with an automatic excerpt came before it in the same
    request: wpautop then runs after the shortcodes and wraps their output in <p>.
    """
    cleaner = Cleaner(load_mapping([]).cleaning)
    for slug in MEDIA_POSTS:
        post_id = media_posts["ids"][slug]
        rendered = wordpress.rest(f"wp/v2/posts/{post_id}").json()["content"]["rendered"]
        expected = content_tree(cleaner.clean_html(rendered))
        assert content_tree(media_posts["html"][slug]) == expected, slug


def test_wxr_content_keeps_every_file_url(wordpress, media_posts):
    html = media_posts["html"]
    uploads = f"{wordpress.url}/wp-content/uploads"
    for mime, url in (("audio/mpeg", "canal-walk.mp3"), ("video/mp4", "canal-walk.mp4")):
        assert f'<source type="{mime}" src="{uploads}/2023/11/{url}" />' in html["field-recordings"]
    assert html["field-recordings"].count("<audio ") == 2  # [audio] and the bare URL
    assert '<a href="https://example.org/field-methods/">' in html["field-recordings"]
    assert "<p>https://www.youtube.com/watch?v=wpmigrate01</p>" in html["field-recordings"]
    for url in (
        "2020/01/team-photo-150x150.png",
        "2023/11/flip-chart-150x150.png",
        "2023/11/site-map-150x150.png",
        "2023/11/site-map-180x300.png",
    ):
        assert f'src="{uploads}/{url}"' in html["workshop-photographs"]
    assert f"href='{uploads}/2023/11/flip-chart.png'" in html["workshop-photographs"]
    assert "Notes from the first session." in html["workshop-photographs"]
    assert re.findall(r"<li><a href='([^']+)'>([^<]+)</a></li>", html["interview-recordings"]) == [
        (f"{uploads}/2023/11/interview-utility-manager.mp3", "Interview with a utility manager"),
        (f"{uploads}/2023/11/interview-kiosk-owner.mp3", "Interview with a kiosk owner"),
        (f"{uploads}/2023/11/site-visit.mp4", "Site visit"),
    ]
