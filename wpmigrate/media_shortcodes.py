"""Stored WordPress content rendered as `the_content` renders it: media shortcodes and autop.

A WXR export carries `post_content` as stored. WordPress, when it shows a post, runs
`the_content`: `[embed]` and bare media URLs (priority 8), `wpautop` and `shortcode_unautop`
for classic content (10), then the shortcodes (11). :func:`render_content` applies those steps
in that order, so `[audio]`, `[video]`, `[gallery]` and `[playlist]` become the HTML5 markup of
wp-includes/media.php (`wp_audio_shortcode`, `wp_video_shortcode`, `gallery_shortcode` with
the theme's `html5` gallery support, `wp_playlist_shortcode`) instead of vanishing.

Deliberate differences from WordPress:

* media URLs are written as they are: WordPress appends a cache-busting `?_=N` to each
  `<source>` (N counts the players on the page);
* no `<!--[if lt IE 9]>` script comment before the first player, no playlist JSON `<script>`
  and no `<noscript>` around the playlist's track list (an archive runs no scripts: the list
  is the content); no `srcset`/`sizes` on gallery images;
* `[audio URL]` / `[video URL]` with the URL as a bare first attribute (WordPress.com's form)
  play that URL; core WordPress ignores it and plays the post's first attached file;
* `orderby="rand"` keeps the listed order (an archive should not change on every export);
* ids count players per post, not per page, and `wptexturize` is not applied to captions;
* the theme is unknown: videos keep their own width (WordPress shrinks them to the theme's
  `$content_width`), galleries use the `html5` markup, images the default sizes' boxes;
* oEmbed is not called: `[embed]URL[/embed]` is a link and a URL alone on its line stays
  text, as WordPress renders them when the provider cannot be reached.

Everything else (tag names, attribute order, link targets, image sizes, captions, the
`<a class="wp-embedded-audio">` fallback for a file type that does not play) follows
WordPress 6.1 to trunk, checked against the real WordPress (tests/test_autop.py, and
tests/test_cross_source.py against REST's rendering of the same posts).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape, unescape
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .autop import has_blocks, replace_in_html_tags, shortcode_unautop, wpautop

__all__ = [
    "Attachment",
    "MediaLibrary",
    "image_sizes",
    "parse_shortcode_attributes",
    "render_content",
]

# wp_get_audio_extensions / wp_get_video_extensions, with the types wp_check_filetype gives.
AUDIO_TYPES = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "m4a": "audio/mpeg",
    "wav": "audio/wav",
}
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "flv": "video/x-flv",
}
# Default image sizes (options thumbnail_size_w…): the box an image is fitted into when the
# attachment has no file of that size.
_SIZE_BOXES = {
    "thumbnail": (150, 150),
    "medium": (300, 300),
    "medium_large": (768, 0),
    "large": (1024, 1024),
}

_MEDIA_TAGS = ("audio", "video", "gallery", "playlist")
_OMITTED_WHEN_EMPTY = {"poster", "loop", "autoplay", "muted", "preload"}
_ORDER_KEYS: dict[str, Callable[[Attachment], tuple[object, ...]]] = {
    "menu_order": lambda a: (a.menu_order, a.id),
    "id": lambda a: (a.id,),
    "title": lambda a: (a.title, a.id),
}
_SPACE = r"[ \t\n\r\f\v]"


def _shortcode_regex(tags: Iterable[str]) -> re.Pattern[str]:
    """WordPress's `get_shortcode_regex`: 1 `[` escape, 2 name, 3 attributes, 4 `/`,
    5 enclosed content, 6 `]` escape."""
    names = "|".join(re.escape(tag) for tag in tags)
    return re.compile(
        rf"\[(\[?)({names})(?![A-Za-z0-9_-])"
        r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
        r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
        r"(\]?)"
    )


_MEDIA_SHORTCODE = _shortcode_regex(_MEDIA_TAGS)
_EMBED_SHORTCODE = _shortcode_regex(("embed",))
_ATTRIBUTES = re.compile(
    rf"([\w-]+){_SPACE}*={_SPACE}*\"([^\"]*)\"(?:{_SPACE}|$)"
    rf"|([\w-]+){_SPACE}*={_SPACE}*'([^']*)'(?:{_SPACE}|$)"
    rf"|([\w-]+){_SPACE}*={_SPACE}*([^\s'\"]+)(?:{_SPACE}|$)"
    rf"|\"([^\"]*)\"(?:{_SPACE}|$)|'([^']*)'(?:{_SPACE}|$)|(\S+)(?:{_SPACE}|$)",
    re.ASCII,
)
_BALANCED_TAGS = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")
_URL_LINE = re.compile(r"^(\s*)(https?://[^\s<>\"]+)(\s*)$", re.I | re.M | re.ASCII)
_URL_PARAGRAPH = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.I | re.ASCII)
_YOUTUBE = re.compile(r"^https?://(?:www\.)?(?:youtube\.com/watch|youtu\.be/)")
_VIMEO = re.compile(r"^https?://(.+\.)?vimeo\.com/.*")


@dataclass(frozen=True, slots=True)
class Attachment:
    """What rendering needs of a media item (a WXR attachment or a media row)."""

    id: int
    url: str
    mime_type: str = ""
    title: str = ""
    caption: str = ""
    alt: str = ""
    parent_id: int = 0
    menu_order: int = 0
    page_url: str = ""  # the attachment page, a gallery's default link target
    width: int = 0
    height: int = 0
    # The intermediate files, one "name<TAB>file<TAB>width<TAB>height" line each (see
    # `image_sizes`): a string, because a site can have tens of thousands of images.
    sizes: str = ""

    def size(self, name: str) -> tuple[str, int, int] | None:
        """The URL, width and height of this image's file of a named size, if it has one."""
        for line in self.sizes.splitlines():
            size, file, width, height = line.split("\t")
            if size == name:
                return self.url.rsplit("/", 1)[0] + "/" + file, int(width), int(height)
        return None


def image_sizes(sizes: Iterable[tuple[str, str, int, int]]) -> str:
    """`Attachment.sizes` from (name, file, width, height), as `_wp_attachment_metadata`
    lists them."""
    return "\n".join(f"{name}\t{file}\t{width}\t{height}" for name, file, width, height in sizes)


@dataclass
class MediaLibrary:
    """Attachments by id, and by parent for `[gallery]`/`[audio]` without ids."""

    by_id: dict[int, Attachment] = field(default_factory=dict)
    children: dict[int, list[Attachment]] = field(default_factory=dict)

    def add(self, attachment: Attachment) -> None:
        self.by_id[attachment.id] = attachment
        if attachment.parent_id:
            self.children.setdefault(attachment.parent_id, []).append(attachment)

    def attached(self, parent_id: int, kind: str) -> list[Attachment]:
        """A post's attachments of one kind (`image`, `audio`, `video`), ordered as
        `get_children` orders them: menu_order, then id."""
        found = [a for a in self.children.get(parent_id, ()) if _is(a, kind)]
        return sorted(found, key=lambda a: (a.menu_order, a.id))


def parse_shortcode_attributes(text: str) -> dict[str | int, str]:
    """WordPress's `shortcode_parse_atts`: named attributes lower-cased, bare ones by position."""
    text = re.sub("[\u00a0\u200b]+", " ", text)
    attributes: dict[str | int, str] = {}
    position = 0
    for m in _ATTRIBUTES.finditer(text):
        for name_group in (1, 3, 5):
            if m.group(name_group):
                attributes[m.group(name_group).lower()] = _stripcslashes(m.group(name_group + 1))
                break
        else:
            value = next(g for g in (m.group(7), m.group(8), m.group(9)) if g is not None)
            attributes[position] = _stripcslashes(value)
            position += 1
    for key, value in attributes.items():
        if "<" in value and not _BALANCED_TAGS.match(value):
            attributes[key] = ""
    return attributes


def render_content(content: str, post_id: int, library: MediaLibrary | None = None) -> str:
    """Stored content as WordPress's `the_content` renders it (see the module docstring)."""
    library = library if library is not None else MediaLibrary()
    players = _Players(post_id, library)
    if "[embed" in content:
        content = _EMBED_SHORTCODE.sub(players.embed_shortcode, content)
    if "://" in content:
        content = _autoembed(content, players)
    if not has_blocks(content):
        content = shortcode_unautop(wpautop(content))
    if "[" in content:
        content = _MEDIA_SHORTCODE.sub(players.shortcode, content)
    return content


class _Players:
    """One post's shortcode handlers; counts instances as WordPress's static counters do."""

    def __init__(self, post_id: int, library: MediaLibrary):
        self.post_id = post_id
        self.library = library
        self.count = {tag: 0 for tag in _MEDIA_TAGS}

    def shortcode(self, m: re.Match[str]) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)  # [[gallery]] is text: cleaning prints it
        tag = m.group(2)
        attributes = parse_shortcode_attributes(m.group(3))
        handler: Callable[[dict[str | int, str], str], str] = getattr(self, tag)
        return m.group(1) + handler(attributes, m.group(5) or "") + m.group(6)

    def embed_shortcode(self, m: re.Match[str]) -> str:
        if m.group(1) == "[" and m.group(6) == "]":
            return m.group(0)
        url = (m.group(5) or "").strip()
        if not url:
            return m.group(0)
        return m.group(1) + (self.embed(url) or _link(url)) + m.group(6)

    def embed(self, url: str) -> str | None:
        """WP_Embed's handlers for files that play (wp_embed_handler_audio/video) write a
        shortcode, rendered with the others; other URLs need oEmbed, which an archive does
        not call."""
        extension = _extension(url)
        if extension in AUDIO_TYPES:
            return f'[audio src="{_url(url)}" /]'
        if extension in VIDEO_TYPES:
            return f'[video  src="{_url(url)}" /]'
        return None

    # -- [audio] and [video] ------------------------------------------------------------

    def audio(self, attributes: dict[str | int, str], content: str) -> str:
        self.count["audio"] += 1
        sources = self._sources(attributes, AUDIO_TYPES, "audio")
        if isinstance(sources, str):
            return sources
        html_attributes = {
            "class": attributes.get("class", "wp-audio-shortcode"),
            "id": f"audio-{self.post_id}-{self.count['audio']}",
            "loop": _flag(attributes.get("loop", "")),
            "autoplay": _flag(attributes.get("autoplay", "")),
            "preload": attributes.get("preload", "none"),
            "style": attributes.get("style", "width: 100%;"),
        }
        return (
            f'<audio {_html_attributes(html_attributes)} controls="controls">'
            f"{_source_tags(sources)}{_link(sources[0][1])}</audio>"
        )

    def video(self, attributes: dict[str | int, str], content: str) -> str:
        self.count["video"] += 1
        sources = self._sources(attributes, VIDEO_TYPES, "video")
        if isinstance(sources, str):
            return sources
        width = _int(attributes.get("width", "640"))
        height = _int(attributes.get("height", "360"))
        html_attributes = {
            "class": attributes.get("class", "wp-video-shortcode"),
            "id": f"video-{self.post_id}-{self.count['video']}",
            "width": str(width),
            "height": str(height),
            "poster": attributes.get("poster", "").strip(),
            "loop": _flag(attributes.get("loop", "")),
            "autoplay": _flag(attributes.get("autoplay", "")),
            "muted": _flag(attributes.get("muted", "false")),
            "preload": attributes.get("preload", "metadata"),
        }
        inner = content.replace("\r\n", "").replace("\n", "").replace("\t", "").strip()
        player = (
            f'<video {_html_attributes(html_attributes)} controls="controls">'
            f"{_source_tags(sources)}{inner}{_link(sources[0][1])}</video>"
        )
        style = f"width: {width}px;" if width else ""
        return f'<div style="{style}" class="wp-video">{player}</div>'

    def _sources(
        self, attributes: dict[str | int, str], types: Mapping[str, str], kind: str
    ) -> list[tuple[str, str]] | str:
        """The (type, url) sources of a player, or the HTML WordPress writes instead (a plain
        link for a file type that does not play, nothing when there is nothing to play)."""
        src = attributes.get("src", "") or _bare_url(attributes)
        sources: list[tuple[str, str]] = []
        if src:
            special = kind == "video" and (_YOUTUBE.match(src) or _VIMEO.match(src))
            if special:
                src, mime = _streaming_url(src, attributes.get("loop", ""))
                sources.append((mime, src))
            elif _extension(src) not in types:
                return f'<a class="wp-embedded-{kind}" href="{_url(src)}">{escape(src)}</a>'
            else:
                sources.append((types[_extension(src)], src))
        for extension in types:
            url = attributes.get(extension, "")
            if url:
                sources.append((_check_type(url) or "", url))
        if not sources:
            attached = self.library.attached(self.post_id, kind)
            if not attached:
                return ""
            sources = [(attached[0].mime_type, attached[0].url)]
        return sources

    # -- [gallery] ----------------------------------------------------------------------

    def gallery(self, attributes: dict[str | int, str], content: str) -> str:
        self.count["gallery"] += 1
        selector = f"gallery-{self.count['gallery']}"
        parent = _int(attributes.get("id", "")) or self.post_id
        images = self._attachments(attributes, "image", parent)
        if not images:
            return ""
        columns = _int(attributes.get("columns", "3"))
        size = attributes.get("size", "thumbnail") or "thumbnail"
        link = attributes.get("link", "")
        out = [
            f"<div id='{selector}' class='gallery galleryid-{parent} "
            f"gallery-columns-{columns} gallery-size-{_html_class(size)}'>"
        ]
        for image in images:
            caption = image.caption.strip()
            extra = {"aria-describedby": f"{selector}-{image.id}"} if caption else {}
            tag = _image_tag(image, size, extra)
            if link == "file":
                tag = f"<a href='{_url(image.url)}'>{tag}</a>"
            elif link != "none":
                tag = f"<a href='{_url(image.page_url or image.url)}'>{tag}</a>"
            orientation = ""
            if image.width and image.height:
                orientation = "portrait" if image.height > image.width else "landscape"
            out.append(
                f"<figure class='gallery-item'>\n\t\t\t<div class='gallery-icon {orientation}'>"
                f"\n\t\t\t\t{tag}\n\t\t\t</div>"
            )
            if caption:
                out.append(
                    f"\n\t\t\t\t<figcaption class='wp-caption-text gallery-caption' "
                    f"id='{selector}-{image.id}'>\n\t\t\t\t{image.caption}\n\t\t\t\t</figcaption>"
                )
            out.append("</figure>")
        out.append("\n\t\t</div>\n")
        return "".join(out)

    # -- [playlist] ---------------------------------------------------------------------

    def playlist(self, attributes: dict[str | int, str], content: str) -> str:
        self.count["playlist"] += 1
        kind = "audio" if attributes.get("type", "audio") == "audio" else "video"
        parent = _int(attributes.get("id", "")) or self.post_id
        tracks = self._attachments(attributes, kind, parent)
        if not tracks:
            return ""
        style = escape(attributes.get("style", "light"), quote=True)
        player = (
            '<audio controls="controls" preload="none" width="640"></audio>'
            if kind == "audio"
            else '<video controls="controls" preload="none" width="640" height="360"></video>'
        )
        items = "".join(f"<li><a href='{_url(t.url)}'>{_track_name(t)}</a></li>" for t in tracks)
        current = '\n\t<div class="wp-playlist-current-item"></div>' if kind == "audio" else ""
        return (
            f'<div class="wp-playlist wp-{kind}-playlist wp-playlist-{style}">{current}'
            f"\n\t{player}"
            '\n\t<div class="wp-playlist-next"></div>\n\t<div class="wp-playlist-prev"></div>'
            f"\n\t<ol>{items}</ol>\n</div>\n"
        )

    def _attachments(
        self, attributes: dict[str | int, str], kind: str, parent: int
    ) -> list[Attachment]:
        """The files a gallery or playlist shows: `ids` in their order (unless `orderby`
        says otherwise); else `include`, or the post's attached files less `exclude`,
        by `orderby` (default menu_order, then id) and `order`."""
        orderby = attributes.get("orderby", "").strip().lower()
        ids = _ids(attributes.get("ids", "")) or _ids(attributes.get("include", ""))
        if ids:
            found = [self.library.by_id.get(i) for i in dict.fromkeys(ids)]
            chosen = [a for a in found if a is not None and _is(a, kind)]
            if attributes.get("ids") and orderby in ("", "post__in", "rand"):
                return chosen
        else:
            excluded = set(_ids(attributes.get("exclude", "")))
            chosen = [a for a in self.library.attached(parent, kind) if a.id not in excluded]
        key = _ORDER_KEYS.get(orderby.split(" ")[0] if orderby else "menu_order")
        if key is not None:
            chosen.sort(key=key, reverse=attributes.get("order", "ASC").upper() == "DESC")
        return chosen


def _autoembed(content: str, players: _Players) -> str:
    """WP_Embed::autoembed: a URL alone on its line (or paragraph) that plays becomes a player;
    other URLs stay as written (WordPress links them only through oEmbed)."""
    content = replace_in_html_tags(content, "\n", "<!-- wp-line-break -->")

    def replace(m: re.Match[str]) -> str:
        player = players.embed(m.group(2))
        return m.group(1) + player + m.group(3) if player else m.group(0)

    content = _URL_LINE.sub(replace, content)
    content = _URL_PARAGRAPH.sub(replace, content)
    return content.replace("<!-- wp-line-break -->", "\n")


def _image_tag(image: Attachment, size: str, extra: Mapping[str, str]) -> str:
    """wp_get_attachment_image: the file of that size (or the original fitted to the size's
    box), with its classes, alt and loading hints."""
    src, width, height = image.url, image.width, image.height
    intermediate = image.size(size)
    if intermediate is not None:
        src, width, height = intermediate
    elif size in _SIZE_BOXES and width and height:
        width, height = _constrain(width, height, *_SIZE_BOXES[size])
    hw = f'width="{width}" height="{height}" ' if width and height else ""
    attributes = {
        "src": _url(src),
        "class": f"attachment-{size} size-{size}",
        "alt": escape(re.sub(r"<[^>]*>", "", image.alt).strip(), quote=True),
        "decoding": "async",
        "loading": "lazy",
        **extra,
    }
    return f"<img {hw}" + " ".join(f'{k}="{v}"' for k, v in attributes.items()) + " />"


def _constrain(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """wp_constrain_dimensions."""
    width_ratio = max_width / width if max_width and width > max_width else 1.0
    height_ratio = max_height / height if max_height and height > max_height else 1.0
    smaller, larger = min(width_ratio, height_ratio), max(width_ratio, height_ratio)
    too_big = _round(width * larger) > max_width or _round(height * larger) > max_height
    ratio = smaller if too_big else larger
    w, h = max(1, _round(width * ratio)), max(1, _round(height * ratio))
    if width_ratio < 1 and w == max_width - 1:
        w = max_width
    if height_ratio < 1 and h == max_height - 1:
        h = max_height
    return w, h


def _round(value: float) -> int:
    return math.floor(value + 0.5)  # PHP rounds halves away from zero


def _is(attachment: Attachment, kind: str) -> bool:
    return attachment.mime_type.startswith(kind + "/")


def _bare_url(attributes: Mapping[str | int, str]) -> str:
    first = attributes.get(0, "")
    return first if re.match(r"https?://", first) else ""


def _extension(url: str) -> str:
    """The extension wp_check_filetype sees: it matches the end of the whole URL."""
    m = re.search(r"\.([A-Za-z0-9]+)$", url)
    return m.group(1).lower() if m else ""


def _check_type(url: str) -> str | None:
    extension = _extension(url)
    return AUDIO_TYPES.get(extension) or VIDEO_TYPES.get(extension)


def _streaming_url(src: str, loop: str) -> tuple[str, str]:
    """WordPress's fixes for MediaElement: YouTube without `feature`, over https; Vimeo
    without its query, with a `loop` flag."""
    parts = urlsplit(src)
    if _YOUTUBE.match(src):
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "feature"])
        return urlunsplit(("https", parts.netloc, parts.path, query, parts.fragment)), (
            "video/youtube"
        )
    flag = "1" if _flag(loop) else "0"
    return f"https://{parts.netloc}{parts.path}?loop={flag}", "video/vimeo"


def _source_tags(sources: list[tuple[str, str]]) -> str:
    return "".join(f'<source type="{mime}" src="{_url(url)}" />' for mime, url in sources)


def _link(url: str) -> str:
    return f'<a href="{_url(url)}">{_url(url)}</a>'


def _url(url: str) -> str:
    """A URL for an attribute, escaped once (esc_url leaves entities already written)."""
    return escape(unescape(url.strip()), quote=True)


def _html_attributes(attributes: Mapping[str, str]) -> str:
    """Name="value" pairs; WordPress leaves out the flags and hints that are empty."""
    return " ".join(
        f'{k}="{escape(v, quote=True)}"'
        for k, v in attributes.items()
        if v or k not in _OMITTED_WHEN_EMPTY
    )


def _flag(value: str) -> str:
    """wp_validate_boolean, written as esc_attr(true) writes it."""
    return "1" if value.strip().lower() not in ("", "0", "false") else ""


def _int(value: str) -> int:
    m = re.match(r"\s*[+-]?\d+", value)
    return abs(int(m.group(0))) if m else 0


def _ids(value: str) -> list[int]:
    return [int(v) for v in re.findall(r"\d+", value)]


def _html_class(name: str) -> str:
    return re.sub(r"%[a-fA-F0-9][a-fA-F0-9]|[^A-Za-z0-9_-]", "", name)


def _track_name(track: Attachment) -> str:
    """wp_get_attachment_link's text for a file that is not an image: its title, else its
    file name without the extension."""
    if track.title.strip():
        return track.title
    return escape(track.url.rsplit("/", 1)[-1].rsplit(".", 1)[0])


def _stripcslashes(value: str) -> str:
    """PHP's stripcslashes for the escapes shortcode attributes use."""
    if "\\" not in value:
        return value
    table = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "a": "\a", "b": "\b"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(1)), value, flags=re.DOTALL)
