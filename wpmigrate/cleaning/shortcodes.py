"""Step ``unwrap_shortcodes``: render, unwrap or drop shortcodes (rule in the package doc)."""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_right

from .config import DEFAULT_CONFIG, CleaningConfig
from .markup import element_spans
from .removals import Removals, note_html

#: Shortcodes handled specially (everything else with a name is "unknown").
CAPTION_SHORTCODES = frozenset({"caption", "wp_caption"})
EMBED_SHORTCODES = frozenset({"embed"})
#: Dropped together with any content: media, forms, sliders, builder media.
DROP_SHORTCODES = frozenset(
    {
        "gallery",
        "audio",
        "video",
        "playlist",
        "contact-form-7",
        "contact-form",
        "gravityform",
        "gravityforms",
        "wpforms",
        "ninja_form",
        "ninja_forms",
        "formidable",
        "mc4wp_form",
        "rev_slider",
        "layerslider",
        "vc_single_image",
        "vc_gallery",
        "vc_video",
        "et_pb_image",
        "et_pb_gallery",
        "et_pb_video",
    }
)
KNOWN_SHORTCODES = CAPTION_SHORTCODES | EMBED_SHORTCODES | DROP_SHORTCODES


_SC_TOKEN_RE = re.compile(
    r"\[(\[?)(/?)([A-Za-z][A-Za-z0-9_-]*)(?=[\s\]/])((?:[^\[\]/<>]|/(?!\]))*)(/?)\](\]?)"
)
_SC_ATTR_RE = re.compile(r"(?:^|\s)[A-Za-z_][\w-]*\s*=")
_SC_PROTECT_TRIGGER_RE = re.compile(r"<(?:pre|code)\b", re.I)
_TEXTURIZED_QUOTES = {
    "&#8220;": '"',
    "&#8221;": '"',
    "&#8243;": '"',
    "&#8242;": "'",
    "&#8216;": "'",
    "&#8217;": "'",
    "&quot;": '"',
    "&#34;": '"',
    "&#39;": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2033": '"',
    "\u2032": "'",
    "\u2018": "'",
    "\u2019": "'",
}
_TEXTURIZED_RE = re.compile("|".join(re.escape(k) for k in _TEXTURIZED_QUOTES))
_CAPTION_ATTR_RE = re.compile(r"""(?:^|\s)caption\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_CAPTION_SPLIT_RE = re.compile(
    r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a\s*>)?)(.*)\Z", re.I | re.S
)
_URL_RE = re.compile(r"https?://[^\s<>\"']+\Z")
_P_FIGURE_RE = re.compile(r"<p>\s*(<figure>(?:(?!<figure>).)*?</figure>)\s*</p>", re.S)


class _Tok:
    __slots__ = ("attrs", "end", "kind", "name", "raw", "start")

    def __init__(self, start, end, kind, name, attrs, raw):
        self.start, self.end, self.kind = start, end, kind
        self.name, self.attrs, self.raw = name, attrs, raw


def _norm_quotes(attrs: str) -> str:
    if "&" in attrs or not attrs.isascii():
        return _TEXTURIZED_RE.sub(lambda m: _TEXTURIZED_QUOTES[m.group()], attrs)
    return attrs


def _looks_like_shortcode(tok: _Tok, paired: bool) -> bool:
    name = tok.name
    return (
        paired
        or name in KNOWN_SHORTCODES
        or "_" in name
        or "-" in name
        or ("=" in tok.attrs and _SC_ATTR_RE.search(tok.attrs) is not None)
        or tok.kind == "self"
    )


def _render_caption(attrs: str, inner: str) -> str:
    m = _CAPTION_SPLIT_RE.match(inner)
    if not m:
        return inner
    media, caption = m.group(1), m.group(2).strip()
    if not caption:
        am = _CAPTION_ATTR_RE.search(_norm_quotes(attrs))
        if am:
            caption = next(g for g in am.groups() if g is not None).strip()
    if not caption:
        return media
    return f"<figure>{media}<figcaption>{caption}</figcaption></figure>"


def _render_embed(inner: str) -> str:
    url = _html.unescape(inner.strip())
    if not _URL_RE.match(url):
        return inner
    esc = _html.escape(url, quote=True)
    return f'<a href="{esc}">{esc}</a>'


def _render_enclosing(tok: _Tok, inner: str, config: CleaningConfig) -> str:
    name = tok.name
    if name in CAPTION_SHORTCODES:
        return _render_caption(tok.attrs, inner)
    if name in EMBED_SHORTCODES:
        return _render_embed(inner)
    if name in DROP_SHORTCODES or config.unknown_shortcodes == "drop":
        return ""
    return inner


def _note_shortcode(removals: Removals, tok: _Tok, dropped: str) -> None:
    note_html(removals, f"cleaning shortcode [{tok.name}]", dropped)


def unwrap_shortcodes(
    html: str, config: CleaningConfig | None = None, removals: Removals | None = None
) -> str:
    """Render/unwrap/drop shortcodes (rule in the package docstring); the text of each
    dropped shortcode goes to ``removals`` as ``cleaning shortcode [name]``."""
    if not html or "[" not in html:
        return html
    config = config or DEFAULT_CONFIG
    protected: list[int] = []
    if _SC_PROTECT_TRIGGER_RE.search(html):
        for start, _, _, end in element_spans(html, ("pre", "code")):
            protected.extend((start, end))

    # 1. tokens
    toks: list[_Tok] = []
    for m in _SC_TOKEN_RE.finditer(html):
        start, end = m.span()
        if protected and bisect_right(protected, start) % 2 == 1:
            continue  # inside <pre>/<code>
        esc_open, slash, name, attrs, selfclose, esc_close = m.groups()
        if slash:
            if attrs.strip() or selfclose:
                continue
            kind = "close"
        else:
            kind = "self" if selfclose else "open"
        if esc_open and esc_close:
            kind = "escaped"
        elif esc_open:
            start += 1  # "[[name]": the first bracket is text
        elif esc_close:
            end -= 1  # "[name]]": the last bracket is text
        toks.append(_Tok(start, end, kind, name, attrs, html[start:end]))
    if not toks:
        return html

    # 2. pair opens with closes (stack; unclosed opens become single tags)
    paired: dict[int, int] = {}
    closes: set[int] = set()
    stack: list[int] = []
    open_count: dict[str, int] = {}
    for i, tok in enumerate(toks):
        if tok.kind == "open":
            stack.append(i)
            open_count[tok.name] = open_count.get(tok.name, 0) + 1
        elif tok.kind == "close" and open_count.get(tok.name):
            while True:
                j = stack.pop()
                open_count[toks[j].name] -= 1
                if toks[j].name == tok.name:
                    paired[j] = i
                    closes.add(i)
                    break

    # 3. render (iteratively: nesting depth is unbounded)
    frames: list[tuple[_Tok | None, list[str]]] = [(None, [])]
    pos = 0
    made_figure = False
    for i, tok in enumerate(toks):
        frames[-1][1].append(html[pos : tok.start])
        pos = tok.end
        if tok.kind == "escaped":
            frames[-1][1].append("&#91;" + tok.raw[2:-1])
        elif i in paired:
            frames.append((tok, []))
        elif i in closes:
            open_tok, parts = frames.pop()
            inner = "".join(parts)
            rendered = _render_enclosing(open_tok, inner, config)
            if not rendered and removals is not None:
                _note_shortcode(removals, open_tok, open_tok.raw + inner + tok.raw)
            made_figure = made_figure or open_tok.name in CAPTION_SHORTCODES
            frames[-1][1].append(rendered)
        elif not _looks_like_shortcode(tok, False):
            frames[-1][1].append(tok.raw)
        elif removals is not None:  # single / unpaired / stray shortcode -> dropped
            _note_shortcode(removals, tok, tok.raw)
    frames[-1][1].append(html[pos:])
    out = "".join(frames[0][1])
    if made_figure and "<p>" in out:
        out = _P_FIGURE_RE.sub(r"\1", out)
    return out
